//! The Azure connector on AzureHound output: the Contoso fixture as
//! AzureHound 2 and 3 write it (tests/azurehound/make.py derives it from
//! the raw fixture, carrying over only what AzureHound collects), one test
//! per rule with its negative twin, and the ways AzureHound's form differs
//! from Graph's.

// Fixture helpers outside `#[test]` functions read files and may fail loudly.
#![expect(
    clippy::expect_used,
    reason = "a test fails loudly on what it does not expect"
)]

#[expect(
    dead_code,
    reason = "this test crate uses only some of the shared helpers"
)]
mod common;

use blastgraph_model::{EdgeKind, Estate};
use common::*;

/// Both versions of the fixture: 2.x casing and 3.x upper-cased ids.
fn both() -> [Estate; 2] {
    [
        folder_without("tests/azurehound/v2", &[]),
        folder_without("tests/azurehound/v3", &[]),
    ]
}

fn sp(n: u32) -> String {
    format!("entra:{}", g(n))
}

/// Every edge as (from, to, kind, conditional, reason), sorted.
fn edge_set(e: &Estate) -> Vec<(String, String, String, bool, String)> {
    let mut all: Vec<_> = e
        .edges
        .to_vec()
        .into_iter()
        .map(|x| {
            (
                x.from,
                x.to,
                format!("{:?}", x.kind),
                x.conditional,
                x.condition.unwrap_or_default(),
            )
        })
        .collect();
    all.sort();
    all
}

#[test]
fn both_versions_read_alike_and_say_what_they_leave_out() {
    let [v2, v3] = both();
    for e in [&v2, &v3] {
        let text: Vec<String> = e
            .diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.location, d.message))
            .collect();
        assert_eq!(
            text,
            vec!["$: 1 AZDevice record(s) not read: devices are not in the graph"],
        );
        assert_eq!(e.inputs.len(), 2);
    }
    assert!(!v2.edges.to_vec().is_empty());
    assert_eq!(edge_set(&v2), edge_set(&v3));
}

#[test]
fn a_tenant_wide_looking_scope_is_unknown_never_the_tenant() {
    for e in both() {
        // Grace is Global Administrator, but AzureHound writes `/` for the
        // tenant and for every unit alike: conditional, saying why.
        let grace = edges(&e, &user(1), &admin(), EdgeKind::CanEscalate);
        assert_eq!(grace.len(), 1);
        assert!(
            grace[0].0 && grace[0].1.contains("unknown scope"),
            "{grace:?}"
        );
        // Pete's eligibility keeps Graph's own scope: conditional for PIM
        // only.
        let pete = edges(&e, &user(5), &admin(), EdgeKind::CanEscalate);
        assert!(
            pete.len() == 1 && pete[0].0 && pete[0].1.contains("eligible through PIM"),
            "{pete:?}"
        );
        assert!(!pete[0].1.contains("unknown scope"), "{pete:?}");
        // Negative twin: Hank (Helpdesk) does not control the tenant.
        assert!(edges(&e, &user(2), &admin(), EdgeKind::CanEscalate).is_empty());
    }
}

#[test]
fn a_unit_scope_is_read_from_the_expanded_object_and_its_members_are_unknown() {
    for e in both() {
        // Ava's Helpdesk Administrator role over the Sales unit: `/` with
        // the unit expanded beside it. AzureHound lists no unit members,
        // so she reaches the Helpdesk tier conditionally, never for sure.
        let helpdesk = hub("password-reset/729827e3-9c14-49f7-bb1b-9608f156bbb8");
        let ava = edges(&e, &user(7), &helpdesk, EdgeKind::CanActAs);
        assert!(
            ava.len() == 1 && ava[0].0 && ava[0].1.contains("members of administrative unit"),
            "{ava:?}"
        );
        assert!(!ava[0].1.contains("unknown scope"), "{ava:?}");
        assert!(edges(&e, &user(7), &admin(), EdgeKind::CanEscalate).is_empty());
    }
}

#[test]
fn an_application_scope_names_the_app_by_its_client_id() {
    for e in both() {
        // Sam: Application Administrator over hr-sync (`/<appId>`).
        assert!(firm(&e, &user(12), &sp(322), EdgeKind::CanActAs));
        assert!(edges(&e, &user(12), &sp(321), EdgeKind::CanActAs).is_empty());
        assert!(edges(&e, &user(12), &hub("app-credentials"), EdgeKind::CanActAs).is_empty());
    }
}

#[test]
fn owners_add_credentials_but_not_to_managed_identities() {
    for e in both() {
        // Olga owns billing-app's registration (AZAppOwner).
        assert!(firm(&e, &user(9), &sp(321), EdgeKind::CanActAs));
        // Mo owns build-vm's managed identity (AZServicePrincipalOwner).
        assert_eq!(any_from(&e, &user(10)), 0);
        // Bob owns a dynamic group (AZGroupOwner).
        assert!(edges(&e, &user(8), &sp(104), EdgeKind::CanActAs).is_empty());
        // Priya is a member of tier0-admins (AZGroupMember).
        assert!(firm(&e, &user(11), &sp(101), EdgeKind::MemberOf));
    }
}

#[test]
fn a_missing_account_enabled_is_a_disabled_account() {
    for e in both() {
        // AzureHound leaves `false` out: Dora has no `accountEnabled`.
        // Disabled, she resets nobody; an enabled user is reset.
        assert_eq!(any_from(&e, &user(6)), 0);
        let helpdesk = hub("password-reset/729827e3-9c14-49f7-bb1b-9608f156bbb8");
        let unprotected = hub("password-reset/unprotected");
        assert!(!edges(&e, &helpdesk, &unprotected, EdgeKind::CanActAs).is_empty());
        assert!(firm(&e, &unprotected, &user(13), EdgeKind::CanActAs));
        assert!(edges(&e, &unprotected, &user(6), EdgeKind::CanActAs).is_empty());
        assert!(edges(&e, &helpdesk, &user(6), EdgeKind::CanActAs).is_empty());
    }
}

#[test]
fn graph_application_permissions_and_federated_credentials() {
    for e in both() {
        // hr-sync: RoleManagement.ReadWrite.Directory (AZAppRoleAssignment).
        assert!(firm(&e, &sp(322), &admin(), EdgeKind::CanEscalate));
        // billing-app: Mail.Read.
        let mail = format!("m365:{TENANT}/exchange/mailboxes");
        assert!(firm(&e, &sp(321), &mail, EdgeKind::OauthGrant));
        // web-frontend: Sites.Selected reaches nothing.
        assert_eq!(any_from(&e, &sp(325)), 0);
        // A workflow on main signs in as ci-deployer; a pull request of
        // contoso/web is another subject.
        let main =
            blastgraph_model::ids::github_actions_subject("repo:contoso/infra:ref:refs/heads/main");
        assert!(firm(&e, &main, &sp(323), EdgeKind::AuthenticatesAs));
        let web_main =
            blastgraph_model::ids::github_actions_subject("repo:contoso/web:ref:refs/heads/main");
        assert!(!e.nodes.iter().any(|n| n.id == web_main));
    }
}

#[test]
fn built_in_roles_are_decided_and_a_custom_role_without_definition_is_not() {
    for e in both() {
        // Victor: Virtual Machine Contributor on rg-ml, listed at the
        // resource group and again, inherited, on the VM: one edge, firm,
        // from Microsoft's definition of the role.
        let v = edges(&e, &user(14), &sp(501), EdgeKind::CanActAs);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(!v[0].0, "{v:?}");
        // ci-deployer: Contributor on rg-web acts as web-api's identities.
        assert!(firm(&e, &sp(323), &sp(503), EdgeKind::CanActAs));
        assert!(firm(&e, &sp(323), &sp(502), EdgeKind::CanActAs));
        // Nina's custom role is not defined in AzureHound's output: it
        // could allow anything at rg-ml, conditionally.
        let rg = blastgraph_model::ids::arm_scope_owner(RG_ML);
        let n = edges(&e, &user(15), &rg, EdgeKind::CanEscalate);
        assert!(
            n.len() == 1 && n[0].0 && n[0].1.contains("not in the inputs"),
            "{n:?}"
        );
    }
}

#[test]
fn management_group_owners_reach_their_descendants_only() {
    for e in both() {
        let corp = blastgraph_model::ids::arm_scope_owner(
            "/providers/Microsoft.Management/managementGroups/corp",
        );
        let prod = blastgraph_model::ids::arm_scope_owner(&format!("/subscriptions/{}", g(601)));
        let dev = blastgraph_model::ids::arm_scope_owner(&format!("/subscriptions/{}", g(602)));
        // Carl: Owner of corp (AZManagementGroupOwner and
        // AZManagementGroupRoleAssignment: read once).
        let carl = edges(&e, &user(13), &corp, EdgeKind::CanEscalate);
        assert!(carl.len() == 1 && !carl[0].0, "{carl:?}");
        assert!(firm(&e, &corp, &prod, EdgeKind::Contains));
        assert!(edges(&e, &corp, &dev, EdgeKind::Contains).is_empty());
    }
}

#[test]
fn vaults_and_storage_from_azurehound() {
    for e in both() {
        // AzureHound lists no secrets: a vault's secrets are one node.
        let kv_ml = arm(&format!(
            "{RG_ML}/providers/microsoft.keyvault/vaults/kv-ml/secrets"
        ));
        let kv_web = arm(&format!(
            "/subscriptions/{}/resourcegroups/rg-web/providers/microsoft.keyvault/vaults/kv-web/secrets",
            g(601)
        ));
        // RBAC vault: Key Vault Secrets User (AZKeyVaultRoleAssignment);
        // Rita's access policy on it is ignored.
        assert!(firm(&e, &sp(501), &kv_ml, EdgeKind::CanReadSecret));
        assert!(edges(&e, &user(16), &kv_ml, EdgeKind::CanReadSecret).is_empty());
        // Access-policy vault: billing-app's `Get` reads, Rita's `list`
        // does not.
        assert!(firm(&e, &sp(321), &kv_web, EdgeKind::CanReadSecret));
        assert!(edges(&e, &user(16), &kv_web, EdgeKind::CanReadSecret).is_empty());
        // Oscar owns the storage account (AZStorageAccountRoleAssignment):
        // admin on its listed containers (AZStorageContainer).
        let training = arm(&format!(
            "{RG_ML}/providers/microsoft.storage/storageaccounts/mldata/blobservices/default/containers/training-data"
        ));
        let o: Vec<_> = between(&e, &user(17), &training);
        assert_eq!(o.len(), 1, "{o:#?}");
        assert_eq!(o[0].access, Some(blastgraph_model::AccessLevel::Admin));
    }
}

/// The v2 fixture's records, one per line (`azurehound list` without
/// `-o`).
fn as_lines(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| l.starts_with("{\"kind\""))
        .map(|l| l.trim_end_matches(','))
        .collect::<Vec<_>>()
        .join("\n")
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/azurehound/v2")
            .join(name),
    )
    .expect("fixture")
}

#[test]
fn the_line_form_reads_like_the_file_form() {
    let lines = ingest(&[
        (
            "ad.jsonl".to_string(),
            as_lines(&fixture("ad.json")).into_bytes(),
        ),
        (
            "rm.jsonl".to_string(),
            as_lines(&fixture("rm.json")).into_bytes(),
        ),
    ]);
    let file = folder_without("tests/azurehound/v2", &[]);
    assert_eq!(edge_set(&lines), edge_set(&file));
}

#[test]
fn older_files_keep_graphs_scope() {
    // Before AzureHound 2.1.9 the scope is Graph's own, unexpanded: `/` is
    // the tenant, a unit is named.
    let t = format!(
        "{{\"kind\":\"AZTenant\",\"data\":{{\"tenantId\":\"{TENANT}\",\"collected\":true}}}}"
    );
    let u = |n: u32| {
        format!(
            "{{\"kind\":\"AZUser\",\"data\":{{\"id\":\"{}\",\"displayName\":\"u{n}\",\"accountEnabled\":true}}}}",
            g(n)
        )
    };
    let ra = format!(
        "{{\"kind\":\"AZRoleAssignment\",\"data\":{{\"roleDefinitionId\":\"62e90394-69f5-4237-9190-012177145e10\",\"roleAssignments\":[\
         {{\"id\":\"a\",\"roleDefinitionId\":\"62e90394-69f5-4237-9190-012177145e10\",\"principalId\":\"{}\",\"directoryScopeId\":\"/\"}},\
         {{\"id\":\"b\",\"roleDefinitionId\":\"62e90394-69f5-4237-9190-012177145e10\",\"principalId\":\"{}\",\"directoryScopeId\":\"/administrativeUnits/{}\"}}]}}}}",
        g(1),
        g(2),
        g(201)
    );
    let e = ingest(&[(
        "old.json".to_string(),
        format!("{t}\n{}\n{}\n{ra}\n", u(1), u(2)).into_bytes(),
    )]);
    assert!(e.diagnostics.is_empty(), "{:#?}", e.diagnostics);
    assert!(firm(&e, &user(1), &admin(), EdgeKind::CanEscalate));
    // Global Administrator over one unit does not control the tenant.
    assert!(edges(&e, &user(2), &admin(), EdgeKind::CanEscalate).is_empty());
}

#[test]
fn bad_records_are_reported_and_the_good_ones_kept() {
    let wrapped = br##"{"data":[
        {"kind":"AZUser","data":{"id":"U1","displayName":"ok","accountEnabled":true}},
        {"kind":"AZUser","data":{"id":7}},
        {"kind":"AZGroupMember","data":{"groupId":"G1","members":[{"member":{"id":"U1","@odata.type":"#microsoft.graph.user"}},{"member":"x"}]}},
        {"kind":"AZWidget","data":{}},
        {"kind":"AZWidget","data":{}},
        {"kind":"AZGroup","data":[1]},
        {"data":{}},
        {"kind":"AZFederatedIdentityCredential","data":{"appId":"NOAPP","fics":[{"appId":"NOAPP","fic":{"name":"gh","issuer":"https://token.actions.githubusercontent.com","subject":"repo:a/b:ref:refs/heads/main"}}]}}
    ],"meta":{"type":"azure","version":5,"count":7}}"##;
    let lines = b"{\"kind\":\"AZUser\",\"data\":{\"id\":\"U2\",\"accountEnabled\":true}}\n{not json\n\n{\"kind\":\"AZUser\",\"data\":{\"id\":\"U3\",\"accountEnabled\":true}}\n";
    let e = ingest(&[
        ("w.json".to_string(), wrapped.to_vec()),
        ("l.json".to_string(), lines.to_vec()),
        (
            "empty.json".to_string(),
            br#"{"data":[],"meta":{"type":"azure","version":5,"count":0}}"#.to_vec(),
        ),
    ]);
    let all: Vec<String> = e
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}: {}", d.file, d.location, d.message))
        .collect();
    let all = all.join("\n");
    for expected in [
        "w.json: $.data[1].data.id: expected a string, found a number",
        "w.json: $.data[2].data.members[1].member: expected an object, found a string",
        "w.json: $: 2 AZWidget record(s) not read: a kind the Azure connector does not know",
        "w.json: $.data[5].data: expected an object, found an array",
        "w.json: $.data[6].kind: missing required field `kind`",
        "l.json: line 2: not a JSON record",
        "w.json: $.data[7].data.fics[0].fic: federated credential `gh` of noapp not linked",
    ] {
        assert!(all.contains(expected), "missing `{expected}` in\n{all}");
    }
    for kept in ["entra:u1", "entra:u2", "entra:u3"] {
        assert!(e.nodes.iter().any(|n| n.id == kept), "{kept}\n{all}");
    }
    assert!(
        firm(&e, "entra:u1", "entra:g1", EdgeKind::MemberOf),
        "{all}"
    );
}
