//! The Azure connector on the Contoso fixture (tests/scenarios/azure-tenant/inputs:
//! raw Graph and ARM responses in the shapes the APIs return), one test per
//! rule, each with its negative twin.

mod common;

use blastgraph_model::EdgeKind;
use common::*;

#[test]
fn the_fixture_reads_without_a_problem() {
    let e = contoso();
    assert!(e.diagnostics.is_empty(), "{:#?}", e.diagnostics);
    assert_eq!(e.inputs.len(), 40);
}

#[test]
fn global_and_privileged_role_administrators_control_the_tenant() {
    let e = contoso();
    // Grace: Global Administrator, active.
    assert!(firm(&e, &user(1), &admin(), EdgeKind::CanEscalate));
    // tier0-admins (role-assignable) holds Privileged Role Administrator:
    // the group carries it, its member inherits it.
    assert!(firm(
        &e,
        &format!("entra:{}", g(101)),
        &admin(),
        EdgeKind::CanEscalate
    ));
    assert!(firm(
        &e,
        &user(11),
        &format!("entra:{}", g(101)),
        EdgeKind::MemberOf
    ));
    // Pete is only eligible (PIM): conditional, and the reason says why.
    let pete = edges(&e, &user(5), &admin(), EdgeKind::CanEscalate);
    assert_eq!(pete.len(), 1);
    assert!(
        pete[0].0 && pete[0].1.contains("eligible through PIM"),
        "{pete:?}"
    );
    // Negative twin: Hank (Helpdesk) has no such edge.
    assert!(edges(&e, &user(2), &admin(), EdgeKind::CanEscalate).is_empty());
}

#[test]
fn password_resets_follow_microsofts_tiers() {
    let e = contoso();
    let helpdesk = hub("password-reset/729827e3-9c14-49f7-bb1b-9608f156bbb8");
    assert!(firm(&e, &user(2), &helpdesk, EdgeKind::CanActAs));
    // A user without a directory role (an ARM owner!) is reset, through
    // the hub of the users no tier protects.
    let unprotected = hub("password-reset/unprotected");
    assert!(firm(&e, &helpdesk, &unprotected, EdgeKind::CanActAs));
    assert!(firm(&e, &unprotected, &user(13), EdgeKind::CanActAs));
    assert!(resets(&e, &helpdesk, &user(13)));
    // Not a User Administrator, a Global Administrator, a member of a
    // role-assignable group, or a disabled account.
    for n in [4, 1, 11, 6] {
        assert!(!resets(&e, &helpdesk, &user(n)), "user {n}");
    }
    // The User Administrator resets a Helpdesk Administrator (directly:
    // a tier protects a role holder).
    let ua = hub("password-reset/fe930be7-5e62-47db-91af-98c3a49a38b1");
    assert!(firm(&e, &ua, &user(2), EdgeKind::CanActAs));
    assert!(edges(&e, &unprotected, &user(2), EdgeKind::CanActAs).is_empty());
    // A disabled Helpdesk Administrator resets nobody.
    assert_eq!(any_from(&e, &user(6)), 0);
}

#[test]
fn a_unit_scoped_role_reaches_only_the_units_members() {
    let e = contoso();
    // Ava: Helpdesk Administrator over the Sales unit (Bob), through the
    // hub of the unit's users her tier may reset.
    let sales = hub(&format!(
        "password-reset/729827e3-9c14-49f7-bb1b-9608f156bbb8/unit/{}",
        g(201)
    ));
    assert!(firm(&e, &user(7), &sales, EdgeKind::CanActAs));
    assert!(firm(&e, &sales, &user(8), EdgeKind::CanActAs));
    assert!(edges(&e, &sales, &user(3), EdgeKind::CanActAs).is_empty());
    assert!(edges(&e, &user(7), &user(3), EdgeKind::CanActAs).is_empty());
    assert!(
        edges(
            &e,
            &user(7),
            &hub("password-reset/729827e3-9c14-49f7-bb1b-9608f156bbb8"),
            EdgeKind::CanActAs
        )
        .is_empty()
    );
}

#[test]
fn an_app_scoped_application_administrator_reaches_that_app_only() {
    let e = contoso();
    // Sam: Application Administrator over hr-sync's registration.
    let hr_sp = format!("entra:{}", g(322));
    let billing_sp = format!("entra:{}", g(321));
    assert!(firm(&e, &user(12), &hr_sp, EdgeKind::CanActAs));
    assert!(edges(&e, &user(12), &billing_sp, EdgeKind::CanActAs).is_empty());
    assert!(edges(&e, &user(12), &hub("app-credentials"), EdgeKind::CanActAs).is_empty());
}

#[test]
fn owners_add_credentials_but_not_to_managed_identities() {
    let e = contoso();
    // Olga owns billing-app's registration: acts as its service principal.
    assert!(firm(
        &e,
        &user(9),
        &format!("entra:{}", g(321)),
        EdgeKind::CanActAs
    ));
    // Mo owns build-vm's managed identity: no credential can be added.
    assert_eq!(any_from(&e, &user(10)), 0);
    // Bob owns a dynamic group: nobody adds members to it.
    assert!(
        edges(
            &e,
            &user(8),
            &format!("entra:{}", g(104)),
            EdgeKind::CanActAs
        )
        .is_empty()
    );
}

#[test]
fn graph_application_permissions() {
    let e = contoso();
    // hr-sync: RoleManagement.ReadWrite.Directory.
    assert!(firm(
        &e,
        &format!("entra:{}", g(322)),
        &admin(),
        EdgeKind::CanEscalate
    ));
    // billing-app: Mail.Read reads every mailbox.
    let mail = format!("m365:{TENANT}/exchange/mailboxes");
    let grant: Vec<_> = between(&contoso(), &format!("entra:{}", g(321)), &mail);
    assert_eq!(grant.len(), 1);
    assert_eq!(grant[0].kind, EdgeKind::OauthGrant);
    assert_eq!(grant[0].access, Some(blastgraph_model::AccessLevel::Read));
    assert!(!grant[0].conditional);
    // web-frontend: Sites.Selected and User.Read.All reach nothing.
    assert_eq!(any_from(&e, &format!("entra:{}", g(325))), 0);
}

#[test]
fn delegated_grants_need_a_signed_in_user() {
    let e = contoso();
    // notes-app: admin consent for Files.Read.All.
    let drives = format!("m365:{TENANT}/onedrive/drives");
    let d = edges(
        &e,
        &format!("entra:{}", g(324)),
        &drives,
        EdgeKind::OauthGrant,
    );
    assert_eq!(d.len(), 1);
    assert!(d[0].0 && d[0].1.contains("signed-in user"), "{d:?}");
    // ci-deployer: Alice consented Mail.ReadWrite: her mailbox only.
    let hers = format!("m365:{TENANT}/exchange/mailboxes/{}", g(3));
    assert_eq!(
        edges(
            &e,
            &format!("entra:{}", g(323)),
            &hers,
            EdgeKind::OauthGrant
        )
        .len(),
        1
    );
    let all = format!("m365:{TENANT}/exchange/mailboxes");
    assert!(edges(&e, &format!("entra:{}", g(323)), &all, EdgeKind::OauthGrant).is_empty());
}

#[test]
fn federated_credentials_match_issuer_and_subject() {
    let e = contoso();
    let main =
        blastgraph_model::ids::github_actions_subject("repo:contoso/infra:ref:refs/heads/main");
    assert!(firm(
        &e,
        &main,
        &format!("entra:{}", g(323)),
        EdgeKind::AuthenticatesAs
    ));
    // web-frontend trusts pull requests of contoso/web: its main branch is
    // another subject, with no edge.
    let pr = blastgraph_model::ids::github_actions_subject("repo:contoso/web:pull_request");
    let web_main =
        blastgraph_model::ids::github_actions_subject("repo:contoso/web:ref:refs/heads/main");
    assert!(firm(
        &e,
        &pr,
        &format!("entra:{}", g(325)),
        EdgeKind::AuthenticatesAs
    ));
    assert!(!e.nodes.iter().any(|n| n.id == web_main));
    // A user-assigned identity trusts a Kubernetes service account: the
    // same id the Kubernetes connector gives it.
    let sa = blastgraph_model::ids::k8s_service_account(
        &format!("https://oidc.prod-aks.azure.com/{TENANT}/{}/", g(1100)),
        "deploy",
        "deployer",
    );
    assert!(firm(
        &e,
        &sa,
        &format!("entra:{}", g(502)),
        EdgeKind::AuthenticatesAs
    ));
}

#[test]
fn arm_roles_are_evaluated_from_their_definitions() {
    let e = contoso();
    let vm_mi = format!("entra:{}", g(501));
    // Victor: Virtual Machine Contributor on rg-ml runs commands on build-vm.
    assert!(firm(&e, &user(14), &vm_mi, EdgeKind::CanActAs));
    // Nina: a custom role with Microsoft.Compute/virtualMachines/* whose
    // notActions remove run command and extensions: nothing.
    assert_eq!(any_from(&e, &user(15)), 0);
    // ci-deployer: Contributor on rg-web acts as web-api's identities.
    assert!(firm(
        &e,
        &format!("entra:{}", g(323)),
        &format!("entra:{}", g(503)),
        EdgeKind::CanActAs
    ));
    assert!(firm(
        &e,
        &format!("entra:{}", g(323)),
        &format!("entra:{}", g(502)),
        EdgeKind::CanActAs
    ));
}

#[test]
fn owner_of_a_management_group_reaches_its_subscriptions_not_the_siblings() {
    let e = contoso();
    let corp = blastgraph_model::ids::arm_scope_owner(
        "/providers/Microsoft.Management/managementGroups/corp",
    );
    let prod = blastgraph_model::ids::arm_scope_owner(&format!("/subscriptions/{}", g(601)));
    let dev = blastgraph_model::ids::arm_scope_owner(&format!("/subscriptions/{}", g(602)));
    assert!(firm(&e, &user(13), &corp, EdgeKind::CanEscalate));
    assert!(firm(&e, &corp, &prod, EdgeKind::Contains));
    assert!(edges(&e, &corp, &dev, EdgeKind::Contains).is_empty());
    // Pete is eligible (PIM) for Owner of dev: conditional.
    let pete = edges(&e, &user(5), &dev, EdgeKind::CanEscalate);
    assert!(pete.len() == 1 && pete[0].0, "{pete:?}");
}

#[test]
fn key_vaults_use_their_own_permission_model() {
    let e = contoso();
    let db = arm(&format!(
        "{RG_ML}/providers/microsoft.keyvault/vaults/kv-ml/secrets/db-password"
    ));
    let billing = arm(&format!(
        "/subscriptions/{}/resourcegroups/rg-web/providers/microsoft.keyvault/vaults/kv-web/secrets/billing-api-key",
        g(601)
    ));
    // RBAC vault: Key Vault Secrets User for build-vm's identity.
    assert!(firm(
        &e,
        &format!("entra:{}", g(501)),
        &db,
        EdgeKind::CanReadSecret
    ));
    // RBAC vault: Rita's access policy is ignored.
    assert!(edges(&e, &user(16), &db, EdgeKind::CanReadSecret).is_empty());
    // Access-policy vault: billing-app's `Get` (any case) reads; Rita's
    // `list` alone does not.
    assert!(firm(
        &e,
        &format!("entra:{}", g(321)),
        &billing,
        EdgeKind::CanReadSecret
    ));
    assert!(edges(&e, &user(16), &billing, EdgeKind::CanReadSecret).is_empty());
}

#[test]
fn data_roles_reach_containers_and_models() {
    let e = contoso();
    let sa = format!("{RG_ML}/providers/microsoft.storage/storageaccounts/mldata");
    let training = arm(&format!(
        "{sa}/blobservices/default/containers/training-data"
    ));
    let eval = arm(&format!("{sa}/blobservices/default/containers/eval-data"));
    let team = format!("entra:{}", g(102));
    assert!(firm(&e, &team, &training, EdgeKind::Access));
    assert!(edges(&e, &team, &eval, EdgeKind::Access).is_empty());
    // Dana's assignment has an ABAC condition: conditional, quoted.
    let dana = edges(&e, &user(18), &eval, EdgeKind::Access);
    assert!(
        dana.len() == 1 && dana[0].0 && dana[0].1.contains("ABAC"),
        "{dana:?}"
    );
    // OpenAI: the user role invokes the deployment; Reader does not.
    let gpt = arm(&format!(
        "{RG_ML}/providers/microsoft.cognitiveservices/accounts/contoso-openai/deployments/gpt-4o"
    ));
    assert!(firm(&e, &user(17), &gpt, EdgeKind::Access));
    assert_eq!(any_from(&e, &user(16)), 0);
}

#[test]
fn owner_of_one_resource_reaches_its_data() {
    let e = contoso();
    // Oscar is Owner of the storage account mldata: admin on its
    // containers (an access edge, which a query follows), not on the
    // vault next to it.
    let sa = format!("{RG_ML}/providers/microsoft.storage/storageaccounts/mldata");
    let training = arm(&format!(
        "{sa}/blobservices/default/containers/training-data"
    ));
    let owned: Vec<_> = between(&e, &user(17), &training);
    assert_eq!(owned.len(), 1, "{owned:#?}");
    assert_eq!(owned[0].kind, EdgeKind::Access);
    assert_eq!(owned[0].access, Some(blastgraph_model::AccessLevel::Admin));
    let db = arm(&format!(
        "{RG_ML}/providers/microsoft.keyvault/vaults/kv-ml/secrets/db-password"
    ));
    assert!(
        e.edges
            .to_vec()
            .iter()
            .all(|x| !(x.from == user(17) && x.to == db))
    );
}

#[test]
fn an_unlisted_inventory_stands_as_one_node_and_a_missing_role_definition_is_conditional() {
    // Without the vault's secret list, its secrets are one node.
    let e = contoso_without(&["kv-ml/secrets.json"]);
    let all = arm(&format!(
        "{RG_ML}/providers/microsoft.keyvault/vaults/kv-ml/secrets"
    ));
    assert!(firm(
        &e,
        &format!("entra:{}", g(501)),
        &all,
        EdgeKind::CanReadSecret
    ));
    // Without role definitions, a built-in role is Microsoft's documented
    // one (Victor's Virtual Machine Contributor still runs commands on
    // build-vm), and a custom role could grant anything (Nina's).
    let e = contoso_without(&["roleDefinitions.json"]);
    let v = edges(
        &e,
        &user(14),
        &format!("entra:{}", g(501)),
        EdgeKind::CanActAs,
    );
    assert!(v.len() == 1 && !v[0].0, "{v:?}");
    let why: Vec<_> = e
        .edges
        .to_vec()
        .into_iter()
        .filter(|x| x.from == user(14))
        .map(|x| x.provenance.reason)
        .collect();
    assert!(
        why.iter().any(|w| w.contains("Microsoft's documented one")),
        "{why:?}"
    );
    let rg = blastgraph_model::ids::arm_scope_owner(RG_ML);
    let n = edges(&e, &user(15), &rg, EdgeKind::CanEscalate);
    assert!(
        n.len() == 1 && n[0].0 && n[0].1.contains("not in the inputs"),
        "{n:?}"
    );
}

#[test]
fn ml_workspaces_and_aks_clusters() {
    let sub = "/subscriptions/0000aaaa-0000-4000-8000-000000000001";
    let rg = format!("{sub}/resourceGroups/ai");
    let ws = format!("{rg}/providers/Microsoft.MachineLearningServices/workspaces/research");
    let aks = format!("{rg}/providers/Microsoft.ContainerService/managedClusters/prod-aks");
    let ra = |n: u32, role: &str, who: u32, scope: &str| {
        format!(
            r#"{{"id":"{scope}/providers/Microsoft.Authorization/roleAssignments/{n}","properties":{{"roleDefinitionId":"/providers/Microsoft.Authorization/roleDefinitions/{role}","principalId":"{}","principalType":"User","scope":"{scope}"}}}}"#,
            g(who)
        )
    };
    let files = vec![
        (
            format!("t/arm{sub}/providers/Microsoft.Authorization/roleAssignments.json"),
            format!(
                r#"{{"value":[{},{},{},{}]}}"#,
                // AzureML Data Scientist on the workspace; Reader on it;
                // AKS Cluster Admin on the cluster; Reader on the cluster.
                ra(1, "f6c7c914-8db3-469d-8ca1-694a8f32e121", 1, &ws),
                ra(2, "acdd72a7-3385-48ef-bd42-f606fba81ae7", 2, &ws),
                ra(3, "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8", 3, &aks),
                ra(4, "acdd72a7-3385-48ef-bd42-f606fba81ae7", 4, &aks),
            )
            .into_bytes(),
        ),
        (
            format!("t/arm{sub}/providers/Microsoft.MachineLearningServices/workspaces.json"),
            format!(
                r#"{{"value":[{{"id":"{ws}","name":"research","type":"Microsoft.MachineLearningServices/workspaces","identity":{{"type":"SystemAssigned","principalId":"{}"}}}}]}}"#,
                g(50)
            )
            .into_bytes(),
        ),
        (
            format!("t/arm{ws}/models.json"),
            format!(r#"{{"value":[{{"id":"{ws}/models/fraud-v3","name":"fraud-v3","type":"Microsoft.MachineLearningServices/workspaces/models"}}]}}"#)
                .into_bytes(),
        ),
        (
            format!("t/arm{ws}/computes.json"),
            format!(
                r#"{{"value":[{{"id":"{ws}/computes/gpu-cluster","name":"gpu-cluster","type":"Microsoft.MachineLearningServices/workspaces/computes","identity":{{"type":"SystemAssigned","principalId":"{}"}}}}]}}"#,
                g(51)
            )
            .into_bytes(),
        ),
        (
            format!("t/arm{sub}/providers/Microsoft.ContainerService/managedClusters.json"),
            format!(
                r#"{{"value":[{{"id":"{aks}","name":"prod-aks","type":"Microsoft.ContainerService/managedClusters","identity":{{"type":"SystemAssigned","principalId":"{}"}},"properties":{{"identityProfile":{{"kubeletidentity":{{"resourceId":"{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/prod-aks-agentpool","clientId":"c","objectId":"{}"}}}}}}}}]}}"#,
                g(60),
                g(61)
            )
            .into_bytes(),
        ),
    ];
    let e = ingest(&files);
    assert!(e.diagnostics.is_empty(), "{:#?}", e.diagnostics);
    let model = arm(&format!("{ws}/models/fraud-v3"));
    // The data scientist writes the model and runs jobs as the compute's
    // identity; Reader reads the model and runs nothing.
    let ds: Vec<_> = between(&e, &user(1), &model);
    assert_eq!(ds.len(), 1, "{ds:#?}");
    assert_eq!(ds[0].access, Some(blastgraph_model::AccessLevel::Write));
    assert!(firm(
        &e,
        &user(1),
        &format!("entra:{}", g(51)),
        EdgeKind::CanActAs
    ));
    let rd: Vec<_> = e
        .edges
        .to_vec()
        .into_iter()
        .filter(|x| x.from == user(2))
        .collect();
    assert!(
        rd.len() == 1
            && rd[0].to == model
            && rd[0].access == Some(blastgraph_model::AccessLevel::Read),
        "{rd:#?}"
    );
    // The cluster admin reaches the kubelet identity and the cluster's
    // own; Reader of the cluster nothing.
    assert!(firm(
        &e,
        &user(3),
        &format!("entra:{}", g(61)),
        EdgeKind::CanActAs
    ));
    assert!(firm(
        &e,
        &user(3),
        &format!("entra:{}", g(60)),
        EdgeKind::CanActAs
    ));
    assert_eq!(any_from(&e, &user(4)), 0);
}

#[test]
fn assigning_a_user_assigned_identity_to_compute_one_controls() {
    let sub = "/subscriptions/0000bbbb-0000-4000-8000-000000000001";
    let rg_id = format!("{sub}/resourceGroups/identities");
    let rg_vm = format!("{sub}/resourceGroups/compute");
    let uami = format!("{rg_id}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/deploy");
    let vm = format!("{rg_vm}/providers/Microsoft.Compute/virtualMachines/build");
    let ra = |n: u32, role: &str, who: u32, scope: &str| {
        format!(
            r#"{{"id":"{scope}/providers/Microsoft.Authorization/roleAssignments/{n}","properties":{{"roleDefinitionId":"/providers/Microsoft.Authorization/roleDefinitions/{role}","principalId":"{}","principalType":"User","scope":"{scope}"}}}}"#,
            g(who)
        )
    };
    const MI_OPERATOR: &str = "f1a07417-d97a-45cb-824c-7a7467783830";
    const VM_CONTRIBUTOR: &str = "9980e02c-c2be-4d73-94e8-173b1dc7cf3c";
    const READER: &str = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    let files = vec![
        (
            format!("t/arm{sub}/providers/Microsoft.Authorization/roleAssignments.json"),
            format!(
                r#"{{"value":[{},{},{},{},{},{}]}}"#,
                // 1: Managed Identity Operator on the identity and VM
                // Contributor where a VM is: attaches it.
                ra(1, MI_OPERATOR, 1, &uami),
                ra(2, VM_CONTRIBUTOR, 1, &rg_vm),
                // 2: the operator role alone; 3: the VM role alone;
                // 4: the operator role and Reader of the VM.
                ra(3, MI_OPERATOR, 2, &uami),
                ra(4, VM_CONTRIBUTOR, 3, &rg_vm),
                ra(5, MI_OPERATOR, 4, &uami),
                ra(6, READER, 4, &rg_vm),
            )
            .into_bytes(),
        ),
        (
            format!("t/arm{sub}/providers/Microsoft.ManagedIdentity/userAssignedIdentities.json"),
            format!(
                r#"{{"value":[{{"id":"{uami}","name":"deploy","type":"Microsoft.ManagedIdentity/userAssignedIdentities","properties":{{"principalId":"{}","clientId":"c"}}}}]}}"#,
                g(70)
            )
            .into_bytes(),
        ),
        (
            format!("t/arm{sub}/providers/Microsoft.Compute/virtualMachines.json"),
            format!(r#"{{"value":[{{"id":"{vm}","name":"build","type":"Microsoft.Compute/virtualMachines"}}]}}"#)
                .into_bytes(),
        ),
    ];
    let e = ingest(&files);
    assert!(e.diagnostics.is_empty(), "{:#?}", e.diagnostics);
    let deploy = format!("entra:{}", g(70));
    let one = edges(&e, &user(1), &deploy, EdgeKind::CanActAs);
    assert!(one.len() == 1 && !one[0].0, "{one:?}");
    let why: Vec<_> = e
        .edges
        .to_vec()
        .into_iter()
        .filter(|x| x.from == user(1) && x.to == deploy)
        .map(|x| x.provenance.reason)
        .collect();
    assert!(
        why[0].contains("assigns the user-assigned identity deploy"),
        "{why:?}"
    );
    for n in [2, 3, 4] {
        assert!(
            edges(&e, &user(n), &deploy, EdgeKind::CanActAs).is_empty(),
            "user {n}"
        );
    }
}

#[test]
fn deny_assignments_take_away_what_roles_give() {
    let sub = "/subscriptions/0000cccc-0000-4000-8000-000000000001";
    let rg = format!("{sub}/resourceGroups/locked");
    let vm = format!("{rg}/providers/Microsoft.Compute/virtualMachines/build");
    let ra = |n: u32, role: &str, who: u32, scope: &str| {
        format!(
            r#"{{"id":"{scope}/providers/Microsoft.Authorization/roleAssignments/{n}","properties":{{"roleDefinitionId":"/providers/Microsoft.Authorization/roleDefinitions/{role}","principalId":"{}","scope":"{scope}"}}}}"#,
            g(who)
        )
    };
    const VM_CONTRIBUTOR: &str = "9980e02c-c2be-4d73-94e8-173b1dc7cf3c";
    const OWNER: &str = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    let files = vec![
        (
            format!("t/arm{sub}/providers/Microsoft.Authorization/roleAssignments.json"),
            format!(
                r#"{{"value":[{},{},{},{}]}}"#,
                // Users 1 and 2 hold VM Contributor on the resource group
                // (one hub); user 3 owns the subscription; user 4 is in
                // the excluded group and owns it too.
                ra(1, VM_CONTRIBUTOR, 1, &rg),
                ra(2, VM_CONTRIBUTOR, 2, &rg),
                ra(3, OWNER, 3, sub),
                ra(4, OWNER, 4, sub),
            )
            .into_bytes(),
        ),
        (
            format!("t/arm{sub}/providers/Microsoft.Authorization/denyAssignments.json"),
            format!(
                r#"{{"value":[{{"id":"{rg}/providers/Microsoft.Authorization/denyAssignments/d1","name":"d1","properties":{{"denyAssignmentName":"stack-lock","scope":"{rg}","doNotApplyToChildScopes":false,"permissions":[{{"actions":["*"],"notActions":["*/read"],"dataActions":[],"notDataActions":[]}}],"principals":[{{"id":"00000000-0000-0000-0000-000000000000","type":"SystemDefined"}}],"excludePrincipals":[{{"id":"{}","type":"User"}},{{"id":"{}","type":"Group"}}]}}}}]}}"#,
                g(2),
                g(90)
            )
            .into_bytes(),
        ),
        (
            format!("t/arm{sub}/providers/Microsoft.Compute/virtualMachines.json"),
            format!(
                r#"{{"value":[{{"id":"{vm}","name":"build","type":"Microsoft.Compute/virtualMachines","identity":{{"type":"SystemAssigned","principalId":"{}"}}}}]}}"#,
                g(80)
            )
            .into_bytes(),
        ),
        (
            "t/graph/v1.0/groups.json".to_string(),
            format!(r#"{{"value":[{{"id":"{}","displayName":"break-glass"}}]}}"#, g(90)).into_bytes(),
        ),
        (
            format!("t/graph/v1.0/groups/{}/members.json", g(90)),
            format!(
                r##"{{"value":[{{"@odata.type":"#microsoft.graph.user","id":"{}"}}]}}"##,
                g(4)
            )
            .into_bytes(),
        ),
    ];
    let e = ingest(&files);
    assert!(e.diagnostics.is_empty(), "{:#?}", e.diagnostics);
    let mi = format!("entra:{}", g(80));
    // Everyone but user 2 and the break-glass group is denied writes in
    // the resource group: user 1 runs nothing on the VM, user 2 does.
    assert!(edges(&e, &user(1), &mi, EdgeKind::CanActAs).is_empty());
    assert!(any_from(&e, &user(1)) == 0, "user 1 holds nothing");
    // User 2 holds the role through its hub (two hold it there).
    let hub = format!("{}/role/{VM_CONTRIBUTOR}", arm(&rg));
    assert!(firm(&e, &user(2), &hub, EdgeKind::MemberOf));
    assert!(firm(&e, &hub, &mi, EdgeKind::CanActAs));
    // The subscription's owner keeps what is outside the lock, not the VM;
    // the excluded group's member keeps both.
    assert!(edges(&e, &user(3), &mi, EdgeKind::CanActAs).is_empty());
    let owner = blastgraph_model::ids::arm_scope_owner(sub);
    assert!(edges(&e, &user(3), &owner, EdgeKind::CanEscalate).is_empty());
    assert!(firm(&e, &user(4), &owner, EdgeKind::CanEscalate));
}

#[test]
fn directory_access_as_user_acts_with_the_signed_in_users_roles() {
    let graph = g(300);
    let sp = |n: u32, name: &str| {
        format!(
            r#"{{"id":"{}","appId":"{}","displayName":"{name}","servicePrincipalType":"Application","accountEnabled":true}}"#,
            g(n),
            g(n + 1000)
        )
    };
    let grant = |n: u32, client: u32, user: Option<u32>, scope: &str| match user {
        Some(u) => format!(
            r#"{{"id":"og{n}","clientId":"{}","consentType":"Principal","principalId":"{}","resourceId":"{graph}","scope":"{scope}"}}"#,
            g(client),
            g(u)
        ),
        None => format!(
            r#"{{"id":"og{n}","clientId":"{}","consentType":"AllPrincipals","principalId":null,"resourceId":"{graph}","scope":"{scope}"}}"#,
            g(client)
        ),
    };
    let files = vec![
        (
            "t/graph/v1.0/organization.json".to_string(),
            format!(r#"{{"value":[{{"id":"{TENANT}","displayName":"Contoso"}}]}}"#).into_bytes(),
        ),
        (
            "t/graph/v1.0/users.json".to_string(),
            format!(
                r#"{{"value":[{{"id":"{}","displayName":"Grace","accountEnabled":true}},{{"id":"{}","displayName":"Hank","accountEnabled":true}},{{"id":"{}","displayName":"Alice","accountEnabled":true}}]}}"#,
                g(1),
                g(2),
                g(3)
            )
            .into_bytes(),
        ),
        (
            "t/graph/v1.0/servicePrincipals.json".to_string(),
            format!(
                r#"{{"value":[{{"id":"{graph}","appId":"00000003-0000-0000-c000-000000000000","displayName":"Microsoft Graph"}},{},{},{}]}}"#,
                sp(401, "admin-tool"),
                sp(402, "notes"),
                sp(403, "portal")
            )
            .into_bytes(),
        ),
        (
            "t/graph/v1.0/roleManagement/directory/roleAssignments.json".to_string(),
            format!(
                r#"{{"value":[{{"id":"a","principalId":"{}","roleDefinitionId":"62e90394-69f5-4237-9190-012177145e10","directoryScopeId":"/"}},{{"id":"b","principalId":"{}","roleDefinitionId":"729827e3-9c14-49f7-bb1b-9608f156bbb8","directoryScopeId":"/"}}]}}"#,
                g(1),
                g(2)
            )
            .into_bytes(),
        ),
        (
            "t/graph/v1.0/oauth2PermissionGrants.json".to_string(),
            format!(
                r#"{{"value":[{},{},{}]}}"#,
                // admin-tool: Grace consented; notes: Alice (no role);
                // portal: admin consent for everyone.
                grant(1, 401, Some(1), "Directory.AccessAsUser.All User.Read"),
                grant(2, 402, Some(3), "Directory.AccessAsUser.All"),
                grant(3, 403, None, "Directory.AccessAsUser.All"),
            )
            .into_bytes(),
        ),
    ];
    let e = ingest(&files);
    assert!(e.diagnostics.is_empty(), "{:#?}", e.diagnostics);
    let tool = edges(
        &e,
        &format!("entra:{}", g(401)),
        &admin(),
        EdgeKind::CanEscalate,
    );
    assert!(
        tool.len() == 1 && tool[0].0 && tool[0].1.contains("Grace's token"),
        "{tool:?}"
    );
    // Alice holds no role: her consent gives the app nothing.
    assert_eq!(any_from(&e, &format!("entra:{}", g(402))), 0);
    // Admin consent: whoever signs in, Grace or Hank.
    let portal = format!("entra:{}", g(403));
    assert!(!edges(&e, &portal, &admin(), EdgeKind::CanEscalate).is_empty());
    let helpdesk = hub("password-reset/729827e3-9c14-49f7-bb1b-9608f156bbb8");
    let h = edges(&e, &portal, &helpdesk, EdgeKind::CanActAs);
    assert!(h.len() == 1 && h[0].0, "{h:?}");
}

#[test]
fn refused_calls_of_a_collection_are_said() {
    let files = vec![(
        "snap/collection.json".to_string(),
        br#"{"format":"blastgraph-azure-collection","version":1,"calls":[
            {"api":"graph","path":"v1.0/users","file":"graph/v1.0/users.json","status":"ok"},
            {"api":"graph","path":"v1.0/groups/G/members","file":null,"status":"access_denied","message":"HTTP 403: Authorization_RequestDenied"},
            {"api":"arm","path":"subscriptions/S/providers/Microsoft.KeyVault/vaults","file":null,"status":"not_found"},
            {"api":"arm","path":"subscriptions/S/resourcegroups","file":null,"status":"error","message":"retries spent"}
        ]}"#
        .to_vec(),
    )];
    let e = ingest(&files);
    let said: Vec<String> = e
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.location, d.message))
        .collect();
    assert_eq!(
        said,
        vec![
            "$.calls[1]: graph v1.0/groups/G/members: access_denied: HTTP 403: Authorization_RequestDenied; what it lists is missing from the graph",
            "$.calls[3]: arm subscriptions/S/resourcegroups: error: retries spent; what it lists is missing from the graph",
        ]
    );
    assert!(
        e.diagnostics
            .iter()
            .all(|d| d.code == blastgraph_model::Code::NotCollected)
    );
}

#[test]
fn a_secret_tagged_credential_of_holds_that_identitys_credential() {
    let kv = "/subscriptions/0000dddd-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv";
    let files = vec![
        (
            "t/graph/v1.0/servicePrincipals.json".to_string(),
            format!(
                r#"{{"value":[{{"id":"{}","appId":"a1","displayName":"billing-app","accountEnabled":true}}]}}"#,
                g(321)
            )
            .into_bytes(),
        ),
        (
        format!("t/arm{kv}/secrets.json"),
        format!(
            r#"{{"value":[{{"id":"{kv}/secrets/sp-secret","name":"sp-secret","type":"Microsoft.KeyVault/vaults/secrets","tags":{{"Credential-Of":"entra:{}"}},"properties":{{}}}},{{"id":"{kv}/secrets/other","name":"other","type":"Microsoft.KeyVault/vaults/secrets","tags":{{"owner":"entra:{}"}},"properties":{{}}}}]}}"#,
            g(321),
            g(322)
        )
        .into_bytes(),
    ),
    ];
    let e = ingest(&files);
    let tagged = arm(&format!("{kv}/secrets/sp-secret"));
    let held = between(&e, &tagged, &format!("entra:{}", g(321)));
    assert!(
        held.len() == 1
            && held[0].kind == EdgeKind::HoldsCredential
            && held[0].provenance.location.ends_with(".tags"),
        "{held:#?}"
    );
    // Another tag names nothing.
    let other = arm(&format!("{kv}/secrets/other"));
    assert_eq!(any_from(&e, &other), 0);
    assert!(e.diagnostics.is_empty(), "{:#?}", e.diagnostics);
    // A tag naming a node no input has is said (a dangling edge), not kept.
    let e = ingest(&files[1..]);
    assert!(
        e.diagnostics
            .iter()
            .any(|d| d.code == blastgraph_model::Code::DanglingEdge),
        "{:#?}",
        e.diagnostics
    );
}

/// `…/keyvault/VAULT/secrets/NAME.json` (`az keyvault secret show`): with
/// `--inspect-secret-values` the value is scanned in memory and the secret
/// linked to the service principal whose client secret it holds (by the
/// client id beside it); without it, the file is skipped unread.
#[test]
fn an_inspected_key_vault_value_holds_the_client_secret_it_carries() {
    let kv = "/subscriptions/0000dddd-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv";
    let sp = (
        "t/graph/v1.0/servicePrincipals.json".to_string(),
        format!(
            r#"{{"value":[{{"id":"{}","appId":"{}","displayName":"billing-app","accountEnabled":true}}]}}"#,
            g(321),
            g(900)
        )
        .into_bytes(),
    );
    let vaults = (
        "t/arm/subscriptions/0000dddd-0000-4000-8000-000000000001/providers/Microsoft.KeyVault/vaults.json".to_string(),
        format!(
            r#"{{"value":[{{"id":"{kv}","name":"kv","type":"Microsoft.KeyVault/vaults","properties":{{"enableRbacAuthorization":true}}}}]}}"#
        )
        .into_bytes(),
    );
    let value = |vault: &str| {
        (
            format!("t/keyvault/{vault}/secrets/billing-sp.json"),
            format!(
                r#"{{"value":"{{\"client_id\":\"{}\",\"client_secret\":\"Xyz8Q~SEEDKV0001abcdefghijklmnopqrstuvw\"}}","id":"https://{vault}.vault.azure.net/secrets/billing-sp/0f0f","attributes":{{"enabled":true}}}}"#,
                g(900)
            )
            .into_bytes(),
        )
    };
    let secret = arm(&format!("{kv}/secrets/billing-sp"));
    let files = vec![sp.clone(), vaults.clone(), value("kv")];
    let e = ingest_inspecting(&files, true);
    let held = between(&e, &secret, &format!("entra:{}", g(321)));
    assert!(
        held.len() == 1
            && held[0].kind == EdgeKind::HoldsCredential
            && held[0].provenance.reason.starts_with("value inspection"),
        "{held:#?}"
    );
    assert!(
        !format!("{e:?}").contains("SEEDKV"),
        "a value reached the estate"
    );
    // Without the flag: no link, the file skipped unread.
    let e = ingest_inspecting(&files, false);
    assert!(between(&e, &secret, &format!("entra:{}", g(321))).is_empty());
    assert!(
        e.diagnostics
            .iter()
            .any(|d| d.message.contains("skipped unread")),
        "{:#?}",
        e.diagnostics
    );
    // A vault no input lists: the findings are said, not placed.
    let e = ingest_inspecting(&[sp, vaults, value("elsewhere")], true);
    assert!(
        e.diagnostics
            .iter()
            .any(|d| d.message.contains("no input lists the vault")),
        "{:#?}",
        e.diagnostics
    );
    assert!(!e.edges.iter().any(|x| x.kind == EdgeKind::HoldsCredential));
}

#[test]
fn bad_input_is_reported_and_the_good_records_kept() {
    let files =
        vec![
        (
            "t/graph/v1.0/users.json".to_string(),
            br#"{"value":[{"id":"U1","displayName":"ok"},{"id":7},{"displayName":"no id"},"x"]}"#
                .to_vec(),
        ),
        (
            "t/graph/v1.0/groups.json".to_string(),
            br#"{"value":[{"id":"G1","displayName":"a","displayName":"b"}]}"#.to_vec(),
        ),
        ("t/graph/v1.0/servicePrincipals.json".to_string(), b"{\"value\": [".to_vec()),
        ("t/arm/subscriptions.json".to_string(), br#"{"value": {"id": 1}}"#.to_vec()),
        ("t/graph/v1.0/me/drive.json".to_string(), br#"{"id": "d"}"#.to_vec()),
        ("t/graph/v1.0/organization.json".to_string(), br#"{"odd": true}"#.to_vec()),
    ];
    let e = ingest(&files);
    let text: Vec<String> = e
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}: {}", d.file, d.location, d.message))
        .collect();
    let all = text.join("\n");
    assert!(e.nodes.iter().any(|n| n.id == "entra:u1"), "{all}");
    for expected in [
        "users.json: $.value[1].id: expected a string, found a number",
        "users.json: $.value[2].id: missing required field `id`",
        "users.json: $.value[3]: expected an object, found a string",
        "groups.json: $.value[0].displayName",
        "servicePrincipals.json",
        "subscriptions.json: $.value: expected an array, found an object",
        "drive.json: $: Graph call `me/drive` is not one the Azure connector reads",
        "organization.json: $: expected a response with a `value` array",
    ] {
        assert!(all.contains(expected), "missing `{expected}` in\n{all}");
    }
    assert!(!e.nodes.iter().any(|n| n.id == "entra:g1"));
}
