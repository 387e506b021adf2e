//! The Acme Vault fixture (tests/fixtures/make.py writes it): who logs in
//! as what, what each login's ACL lets it read or mint, and the answers a
//! security engineer expects, each with its negative twin.

#![expect(
    clippy::expect_used,
    reason = "a test fails loudly on what it does not expect"
)]

use std::path::Path;

use blastgraph_connector_vault::VaultConnector;
use blastgraph_model::{
    AccessLevel, Attributes, Class, Code, Connector, Edge, EdgeKind, Estate, EstateBuilder, Node,
    ids,
};

const C: &str = "acme-vault";
const GH_DEPLOY: &str = "repo:acme/infra:ref:refs/heads/main";
const EKS: &str = "https://oidc.eks.us-east-1.amazonaws.com/id/5C5A1B2C3D4E5F60718293A4B5C6D7E8";
const ENTRA_SP: &str = "entra:ac3e000d-0000-4000-8000-00000000000d";
const DEPLOYER: &str = "arn:aws:iam::111122223333:role/deployer";
const BATCH: &str = "arn:aws:iam::111122223333:role/batch-runner";

fn fixture_files(skip: &[&str]) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/acme");
    blastgraph_gen::files_under(&root)
        .iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .filter(|p| !skip.iter().any(|s| p.contains(s)))
        .map(|p| {
            let bytes = std::fs::read(&p).expect("read");
            (p, bytes)
        })
        .collect()
}

/// Ingests files next to the nodes other providers would bring (the AWS
/// roles and the Entra service principal the Vault facts name).
fn ingest(files: &[(String, Vec<u8>)]) -> Estate {
    let inputs = blastgraph_gen::bench::inputs(files);
    let mut b = EstateBuilder::new();
    b.begin_input("other-providers", "native", String::new(), 0);
    for (id, class) in [
        (DEPLOYER, Class::Workload),
        (BATCH, Class::Workload),
        (ENTRA_SP, Class::Workload),
    ] {
        b.add_node(
            Node {
                id: id.into(),
                name: id.into(),
                provider: "other".into(),
                kind: "other".into(),
                class,
                attrs: Attributes::default(),
            },
            "",
        );
    }
    VaultConnector.ingest_all(&inputs, &mut b);
    b.finish()
}

/// The fixture's layout root (the path up to `vault/`).
fn root_of(files: &[(String, Vec<u8>)]) -> String {
    files
        .iter()
        .find(|(p, _)| p.ends_with("vault/sys/mounts.json"))
        .map(|(p, _)| p.trim_end_matches("sys/mounts.json").to_string())
        .expect("root")
}

fn acme() -> Estate {
    ingest(&fixture_files(&[]))
}

fn v(path: &str) -> String {
    format!("vault:{C}/{path}")
}

/// The edges of `kind` from `from` (or from the policy-set hub it is a
/// member of: logins with the same policies share one) to `to`, each
/// conditional when its hop into the hub is.
fn between(e: &Estate, from: &str, to: &str, kind: EdgeKind) -> Vec<Edge> {
    let all = e.edges.to_vec();
    let mut out: Vec<Edge> = all
        .iter()
        .filter(|x| x.from == from && x.to == to && x.kind == kind)
        .cloned()
        .collect();
    for m in all.iter().filter(|x| {
        x.from == from && x.kind == EdgeKind::MemberOf && x.to.contains("/sys/policies/")
    }) {
        for x in all
            .iter()
            .filter(|x| x.from == m.to && x.to == to && x.kind == kind)
        {
            let mut x = x.clone();
            if m.conditional {
                x.conditional = true;
                x.condition = Some(format!(
                    "{}; {}",
                    m.condition.clone().unwrap_or_default(),
                    x.condition.unwrap_or_default()
                ));
            }
            out.push(x);
        }
    }
    out
}

fn firm(e: &Estate, from: &str, to: &str, kind: EdgeKind) -> bool {
    between(e, from, to, kind).iter().any(|x| !x.conditional)
}

fn any(e: &Estate, from: &str, to: &str, kind: EdgeKind) -> bool {
    !between(e, from, to, kind).is_empty()
}

#[test]
fn every_file_of_the_layout_is_detected() {
    for (path, bytes) in fixture_files(&[]) {
        if path.ends_with(".json") {
            assert!(
                VaultConnector.detect(&path, &bytes),
                "{path} is not detected"
            );
        }
    }
    // Negative twins: a Vault-shaped body outside a `vault/` folder, and
    // a JSON file inside one that is no Vault response.
    let body = br#"{"request_id":"x","lease_id":"","lease_duration":0,"data":{}}"#;
    assert!(!VaultConnector.detect("exports/sys/mounts.json", body));
    assert!(!VaultConnector.detect("vault/notes.json", br#"{"a":1}"#));
}

#[test]
fn a_github_workflow_logs_in_by_its_claims_and_reads_only_its_paths() {
    let e = acme();
    let deploy = v("auth/jwt/role/deploy");
    let sub = ids::github_actions_subject(GH_DEPLOY);
    assert!(firm(&e, &sub, &deploy, EdgeKind::AuthenticatesAs));
    let login = &between(&e, &sub, &deploy, EdgeKind::AuthenticatesAs)[0];
    assert!(
        login
            .provenance
            .source
            .ends_with("auth/jwt/role/deploy.json"),
        "{login:?}"
    );
    // Another branch or repository does not log in.
    let other = ids::github_actions_subject("repo:acme/infra:ref:refs/heads/dev");
    assert!(!any(&e, &other, &deploy, EdgeKind::AuthenticatesAs));
    // The role reads ci secrets and mints the deployer role's credentials.
    assert!(firm(
        &e,
        &deploy,
        &v("secret/ci/aws-deploy-key"),
        EdgeKind::CanReadSecret
    ));
    assert!(!any(
        &e,
        &deploy,
        &v("secret/ml/openai-sp"),
        EdgeKind::CanReadSecret
    ));
    let engine = v("aws/roles/deploy");
    assert!(firm(&e, &deploy, &engine, EdgeKind::CanActAs));
    assert!(firm(&e, &engine, DEPLOYER, EdgeKind::CanActAs));
    // The pull-request role binds its subject exactly and grants nothing
    // but the default policy.
    let pr = ids::github_actions_subject("repo:acme/web:pull_request");
    assert!(firm(
        &e,
        &pr,
        &v("auth/jwt/role/pr-check"),
        EdgeKind::AuthenticatesAs
    ));
    assert!(
        !e.edges
            .to_vec()
            .iter()
            .any(|x| x.from == v("auth/jwt/role/pr-check"))
    );
}

#[test]
fn a_service_account_reads_ml_secrets_but_a_deny_wins_on_restricted_ones() {
    let e = acme();
    let trainer = v("auth/kubernetes/role/trainer");
    let sa = ids::k8s_service_account(EKS, "ml", "trainer");
    assert!(firm(&e, &sa, &trainer, EdgeKind::AuthenticatesAs));
    assert!(!any(
        &e,
        &ids::k8s_service_account(EKS, "default", "trainer"),
        &trainer,
        EdgeKind::AuthenticatesAs
    ));
    let sp_secret = v("secret/ml/openai-sp");
    assert!(firm(&e, &trainer, &sp_secret, EdgeKind::CanReadSecret));
    // The Kubernetes and the AWS login hold the same policy, whose reach is
    // emitted once: both are members of its node.
    let policy = v("sys/policies/acl/ml-reader");
    let all = e.edges.to_vec();
    for login in [&trainer, &v("auth/aws/role/batch")] {
        assert!(
            all.iter()
                .any(|x| x.from == **login && x.to == policy && x.kind == EdgeKind::MemberOf)
        );
    }
    assert!(all.iter().any(|x| x.from == policy && x.to == sp_secret));
    // `secret/data/ml/restricted/*` denies: its first wildcard comes later
    // than `secret/data/ml/*`'s, so it wins.
    assert!(!any(
        &e,
        &trainer,
        &v("secret/ml/restricted/hf-token"),
        EdgeKind::CanReadSecret
    ));
    // The secret's metadata says whose credential it holds.
    let holds = between(&e, &sp_secret, ENTRA_SP, EdgeKind::HoldsCredential);
    assert_eq!(holds.len(), 1);
    assert!(holds[0].provenance.location.ends_with("custom_metadata"));
    // Dynamic database credentials: the creation statements grant SELECT.
    let db = v("database/config/analytics");
    let access: Vec<_> = between(&e, &trainer, &db, EdgeKind::Access);
    assert_eq!(access.len(), 1);
    assert_eq!(access[0].access, Some(AccessLevel::Read));
    // An AWS principal bound by ARN logs in through AWS auth.
    assert!(firm(
        &e,
        BATCH,
        &v("auth/aws/role/batch"),
        EdgeKind::AuthenticatesAs
    ));
    assert!(!any(
        &e,
        DEPLOYER,
        &v("auth/aws/role/batch"),
        EdgeKind::AuthenticatesAs
    ));
}

#[test]
fn approle_secret_ids_make_their_minter_the_role_behind_its_cidr() {
    let e = acme();
    let alice = v("auth/userpass/users/alice");
    let etl = v("auth/approle/role/etl");
    let edges = between(&e, &alice, &etl, EdgeKind::CanActAs);
    assert_eq!(edges.len(), 1, "{edges:?}");
    // secret_id_bound_cidrs: the attacker's network position decides.
    assert!(edges[0].conditional);
    assert!(
        edges[0]
            .condition
            .as_deref()
            .unwrap_or("")
            .contains("10.20.0.0/16")
    );
    // The role's own token reads the KV v1 path through `policy = "read"`,
    // from inside the bound CIDR only.
    let read = between(
        &e,
        &etl,
        &v("legacy/etl/warehouse-password"),
        EdgeKind::CanReadSecret,
    );
    assert_eq!(read.len(), 1);
    assert!(read[0].conditional && read[0].condition.as_deref().unwrap_or("").contains("CIDR"));
    assert!(
        read[0]
            .provenance
            .source
            .ends_with("sys/policies/acl/etl.json"),
        "{:?}",
        read[0]
    );
    assert_eq!(
        read[0].provenance.location,
        "$.data.policy path \"legacy/etl/*\""
    );
    // bob has no approle rights.
    assert!(!any(
        &e,
        &v("auth/userpass/users/bob"),
        &etl,
        EdgeKind::CanActAs
    ));
}

#[test]
fn templated_paths_are_filled_from_the_login_or_stay_undecided() {
    let e = acme();
    let alice = v("auth/userpass/users/alice");
    // `{{identity.entity.aliases.ACCESSOR.name}}` is alice for her login.
    assert!(firm(
        &e,
        &alice,
        &v("secret/users/alice/notes"),
        EdgeKind::CanReadSecret
    ));
    assert!(!any(
        &e,
        &alice,
        &v("secret/users/carol/notes"),
        EdgeKind::CanReadSecret
    ));
}

#[test]
fn an_entity_in_a_group_that_can_rewrite_policies_controls_vault() {
    let e = acme();
    let bob = v("auth/userpass/users/bob");
    let root = ids::vault_root(C);
    let esc = between(&e, &bob, &root, EdgeKind::CanEscalate);
    assert_eq!(esc.len(), 1, "{esc:?}");
    assert!(!esc[0].conditional);
    assert!(
        esc[0].provenance.reason.contains("platform-admin"),
        "{}",
        esc[0].provenance.reason
    );
    // The group's policy reaches the restricted secrets too.
    assert!(firm(
        &e,
        &bob,
        &v("secret/ml/restricted/hf-token"),
        EdgeKind::CanReadSecret
    ));
    // alice cannot escalate; the root reaches every secret.
    assert!(!any(
        &e,
        &v("auth/userpass/users/alice"),
        &root,
        EdgeKind::CanEscalate
    ));
    for s in [
        "secret/ml/openai-sp",
        "secret/ml/restricted/hf-token",
        "legacy/etl/warehouse-password",
    ] {
        assert!(firm(&e, &root, &v(s), EdgeKind::CanReadSecret), "{s}");
    }
}

#[test]
fn secret_values_are_never_read_and_gaps_are_said() {
    let e = acme();
    let all = format!("{e:?}");
    assert!(
        !all.contains("SEEDED-VAULT-VALUE"),
        "a secret value reached the estate"
    );
    let said = |code: Code, needle: &str| {
        e.diagnostics
            .iter()
            .any(|d| d.code == code && d.message.contains(needle))
    };
    assert!(
        e.diagnostics
            .iter()
            .any(|d| d.message.contains("never reads secret values")
                && d.file.ends_with("secret/data/ml/openai-sp.json")),
        "{:?}",
        e.diagnostics
    );
    // A policy listed but not exported.
    assert!(
        said(Code::NotCollected, "legacy-ops"),
        "{:?}",
        e.diagnostics
    );
    // Without the JWT config, no one is linked to the JWT roles, and that is said.
    let e = ingest(&fixture_files(&["auth/jwt/config"]));
    assert!(said_in(
        &e,
        Code::NotCollected,
        "auth/jwt/config was not read"
    ));
    assert!(
        !e.edges
            .to_vec()
            .iter()
            .any(|x| x.to == v("auth/jwt/role/deploy") && x.kind == EdgeKind::AuthenticatesAs)
    );
}

fn said_in(e: &Estate, code: Code, needle: &str) -> bool {
    e.diagnostics
        .iter()
        .any(|d| d.code == code && d.message.contains(needle))
}

#[test]
fn bad_files_are_reported_with_their_place_and_the_rest_is_kept() {
    let mut files = fixture_files(&[]);
    let root = root_of(&files);
    files.push((format!("{root}sys/policies/acl/broken.json"), br#"{"request_id":"x","lease_id":"","lease_duration":0,"data":{"name":"broken","policy":"path \"secret/*\" { capabilities = "}}"#.to_vec()));
    files.push((format!("{root}auth/jwt/role/typo.json"), br#"{"request_id":"x","lease_id":"","lease_duration":0,"data":{"token_policies":"ci-deploy","bound_claims":{"repository":7}}}"#.to_vec()));
    files.push((format!("{root}secret/metadata/empty.json"), Vec::new()));
    files.push((
        format!("{root}auth/jwt/role/dup.json"),
        br#"{"request_id":"x","request_id":"y","lease_duration":0,"data":{}}"#.to_vec(),
    ));
    let e = ingest(&files);
    let at = |file: &str| {
        e.diagnostics
            .iter()
            .filter(|d| d.file.ends_with(file))
            .map(|d| format!("{} {}: {}", d.code, d.location, d.message))
            .collect::<Vec<_>>()
    };
    let broken = at("acl/broken.json");
    assert!(
        broken
            .iter()
            .any(|d| d.contains("$.data.policy") && d.contains("not valid HCL")),
        "{broken:?}"
    );
    let typo = at("role/typo.json");
    assert!(
        typo.iter().any(|d| d.contains("bound_claims.repository")),
        "{typo:?}"
    );
    assert!(!at("metadata/empty.json").is_empty());
    assert!(
        at("role/dup.json")
            .iter()
            .any(|d| d.contains("duplicate-key")),
        "{:?}",
        at("role/dup.json")
    );
    // The good records are all there.
    assert!(firm(
        &e,
        &ids::github_actions_subject(GH_DEPLOY),
        &v("auth/jwt/role/deploy"),
        EdgeKind::AuthenticatesAs
    ));
}

#[test]
fn error_responses_are_empty_listings_or_said_gaps() {
    let mut files = fixture_files(&[]);
    let root = root_of(&files);
    // What Vault answers a LIST with no keys, and a refused call.
    files.push((
        format!("{root}secret/metadata/empty/LIST.json"),
        br#"{"errors":[]}"#.to_vec(),
    ));
    files.push((
        format!("{root}auth/jwt/role/secret-ops.json"),
        b"{\"errors\":[\"1 error occurred:\\n\\t* permission denied\\n\\n\"]}".to_vec(),
    ));
    for (path, bytes) in &files[files.len() - 2..] {
        assert!(VaultConnector.detect(path, bytes), "{path}");
    }
    let e = ingest(&files);
    let on = |file: &str| {
        e.diagnostics
            .iter()
            .filter(|d| d.file.ends_with(file))
            .map(|d| format!("{} {}", d.code, d.message))
            .collect::<Vec<_>>()
    };
    assert!(
        on("metadata/empty/LIST.json").is_empty(),
        "{:?}",
        on("metadata/empty/LIST.json")
    );
    let refused = on("role/secret-ops.json");
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0].starts_with("not-collected GET auth/jwt/role/secret-ops: Vault answered 1 error occurred: * permission denied;"), "{refused:?}");
}

/// What each node reaches in one or two hops (through a policy node or a
/// policy-set hub): (from, to, kind, conditional).
fn reach(e: &Estate) -> std::collections::BTreeSet<(String, String, String, bool)> {
    let all = e.edges.to_vec();
    let hub = |id: &str| id.contains("/sys/policies/");
    let mut out = std::collections::BTreeSet::new();
    for x in all.iter().filter(|x| !hub(&x.from) && !hub(&x.to)) {
        out.insert((
            x.from.clone(),
            x.to.clone(),
            x.kind.to_string(),
            x.conditional,
        ));
    }
    for m in all
        .iter()
        .filter(|x| x.kind == EdgeKind::MemberOf && hub(&x.to))
    {
        // Reaching itself through a policy says nothing (a direct edge to
        // itself is never made).
        for x in all.iter().filter(|x| x.from == m.to && x.to != m.from) {
            out.insert((
                m.from.clone(),
                x.to.clone(),
                x.kind.to_string(),
                x.conditional || m.conditional,
            ));
        }
    }
    out
}

#[test]
fn sharing_policy_reach_changes_no_ones_reach() {
    // Overlapping grants, a deny that overrides a broader grant, a
    // templated rule, CIDR-bound logins and shared policy sets: every
    // login reaches the same things, firm or conditional, with sharing on
    // as with every merged ACL asked on its own.
    let mut files = fixture_files(&[]);
    let root = root_of(&files);
    let env = |data: &str| {
        format!(r#"{{"request_id":"x","lease_id":"","lease_duration":0,"data":{data}}}"#)
            .into_bytes()
    };
    let policy = |name: &str, text: &str| {
        (
            format!("{root}sys/policies/acl/{name}.json"),
            env(&serde_json::json!({ "name": name, "policy": text }).to_string()),
        )
    };
    files.push(policy(
        "wide-read",
        r#"path "secret/data/*" { capabilities = ["read"] }"#,
    ));
    files.push(policy(
        "ml-write",
        r#"path "secret/data/ml/*" { capabilities = ["update"] }"#,
    ));
    files.push(policy(
        "no-restricted",
        r#"path "secret/data/ml/restricted/*" { capabilities = ["deny"] }"#,
    ));
    files.push(policy(
        "ci-list-only",
        r#"path "secret/data/ci/aws-deploy-key" { capabilities = ["list"] }"#,
    ));
    let sets: [&[&str]; 7] = [
        &["wide-read"],
        &["wide-read", "ml-write"],
        &["wide-read", "no-restricted"],
        &["wide-read", "ci-list-only"],
        &["ml-write", "no-restricted", "approle-admin"],
        &["wide-read", "ml-write"],
        &["ml-reader", "etl"],
    ];
    for (i, set) in sets.iter().enumerate() {
        for copy in 0..2 {
            let cidrs = if i == 3 && copy == 1 {
                r#"["10.0.0.0/8"]"#
            } else {
                "[]"
            };
            files.push((
                format!("{root}auth/approle/role/gen-{i}-{copy}.json"),
                env(&format!(
                    r#"{{"token_policies":{},"bind_secret_id":true,"token_bound_cidrs":{cidrs}}}"#,
                    serde_json::json!(set)
                )),
            ));
        }
    }
    blastgraph_connector_vault::set_sharing(false);
    let alone = ingest(&files);
    blastgraph_connector_vault::set_sharing(true);
    let shared = ingest(&files);
    let (a, s) = (reach(&alone), reach(&shared));
    let only_alone: Vec<_> = a.difference(&s).collect();
    let only_shared: Vec<_> = s.difference(&a).collect();
    assert!(
        only_alone.is_empty() && only_shared.is_empty(),
        "without sharing only: {only_alone:?}\nwith sharing only: {only_shared:?}"
    );
    // Sharing did happen, and the deny still holds for its holder.
    assert!(
        shared.edges.len() < alone.edges.len(),
        "{} vs {}",
        shared.edges.len(),
        alone.edges.len()
    );
    let gen2 = v("auth/approle/role/gen-2-0");
    assert!(!a.iter().any(|(f, t, k, _)| *f == gen2
        && t.ends_with("restricted/hf-token")
        && k == "can_read_secret"));
    assert!(
        a.iter()
            .any(|(f, t, k, _)| *f == v("auth/approle/role/gen-0-0")
                && t.ends_with("restricted/hf-token")
                && k == "can_read_secret")
    );
}

#[test]
fn an_approle_login_gets_its_entity_by_role_id_which_is_never_output() {
    let e = acme();
    let etl = v("auth/approle/role/etl");
    // etl-service's policy reaches the ci secrets (behind the role's CIDR).
    let read = between(
        &e,
        &etl,
        &v("secret/ci/aws-deploy-key"),
        EdgeKind::CanReadSecret,
    );
    assert_eq!(read.len(), 1, "{read:?}");
    assert!(
        read[0]
            .provenance
            .reason
            .contains("policy of entity etl-service"),
        "{}",
        read[0].provenance.reason
    );
    assert!(
        !format!("{e:?}").contains("SEEDED-ROLE-ID"),
        "a role id reached the estate"
    );
    // Without the role id, the entity is not tied to the login.
    let e = ingest(&fixture_files(&["role/etl/role-id"]));
    assert!(
        between(
            &e,
            &etl,
            &v("secret/ci/aws-deploy-key"),
            EdgeKind::CanReadSecret
        )
        .is_empty()
    );
}
