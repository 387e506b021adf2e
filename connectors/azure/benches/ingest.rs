//! Azure ingest benchmark: `cargo bench -p blastgraph-connector-azure --bench ingest`.
//!
//! Generates the Azure raw layout (docs/azure-raw-layout.md) of a tenant of
//! the shape large tenants have, and times ingest with every edge
//! evaluated; prints its figures. At the default size (`AZURE_BENCH_USERS`,
//! 200,000 users):
//!
//! - 200,000 users (1% disabled, 3% guests), 10,000 groups of heavy-tailed
//!   size (up to 5,000), one dynamic group of everyone, 100 role-assignable
//!   groups, 50 administrative units of 1,000 users (5 restricted);
//! - 50,000 service principals: 40,000 applications (half with 1–3
//!   owners, 2,000 with GitHub federated credentials) and 10,000 managed
//!   identities; 8,000 Microsoft Graph application permissions (5% of them
//!   dangerous) and 20,000 delegated grants;
//! - 3,000 directory role assignments (password resetters, application
//!   and group administrators, a third of them scoped to a unit or an
//!   application) and 1,000 PIM eligibilities;
//! - 21 management groups, 200 subscriptions, 5,000 resource groups;
//!   8,000 VMs and 2,000 web apps with managed identities, 3,000 key
//!   vaults (half RBAC, half access policies) of 10 secrets, 3,000 storage
//!   accounts of 5 containers, 200 Azure OpenAI accounts, 100 custom
//!   roles;
//! - ARM role assignments to make 500,000 role assignments in all: 1% at
//!   management groups, 9% at subscriptions, 60% at resource groups, 30% at
//!   resources; Reader, data roles, Contributor, VM Contributor, Owner,
//!   User Access Administrator and custom roles, held by users, groups
//!   and service principals.
//!
//! `AZURE_BENCH_WRITE=DIR` also writes the folder to DIR, for timing
//! `blastgraph build` or `rank` on it as a whole process;
//! `AZURE_BENCH_DIGEST=1` adds a digest of the nodes and edges.

use std::time::Instant;

use blastgraph_connector_azure::AzureConnector;
use blastgraph_gen::Rng;
use blastgraph_gen::bench;
use blastgraph_model::EdgeKind;
use serde_json::{Value, json};

const TENANT: &str = "4a3b2c1d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";

/// An object id of a kind (users 1, groups 2, ...) and a number.
fn g(kind: u32, n: usize) -> String {
    format!("{kind:08x}-0000-4000-8000-{n:012x}")
}

struct Out(Vec<(String, Vec<u8>)>);

impl Out {
    fn put(&mut self, path: String, body: Value) {
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        self.0.push((path, bytes));
    }
    fn list(&mut self, path: String, items: Vec<Value>) {
        self.put(path, json!({ "value": items }));
    }
}

const GRAPH_PERMS: [(&str, bool); 8] = [
    ("810c84a8-4a9e-49e6-bf7d-12d183f40d01", false), // Mail.Read
    ("01d4889c-1287-42c6-ac1f-5d1e02578ef6", false), // Files.Read.All
    ("332a536c-c7ef-4017-ab91-336970924f0d", false), // Sites.Read.All
    ("df021288-bdef-4463-88db-98f22de89214", false), // User.Read.All
    ("1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", true),  // Application.ReadWrite.All
    ("62a82d76-70ea-41e2-9197-370581804d09", true),  // Group.ReadWrite.All
    ("9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8", true),  // RoleManagement.ReadWrite.Directory
    ("06b708a9-e830-4db3-a914-8e69da51d44f", true),  // AppRoleAssignment.ReadWrite.All
];

/// Directory roles and how many hold each (of 3,000).
const DIR_ROLES: [(&str, usize); 10] = [
    ("62e90394-69f5-4237-9190-012177145e10", 30), // Global Administrator
    ("e8611ab8-c189-46e8-94e1-60213ab1f814", 10), // Privileged Role Administrator
    ("729827e3-9c14-49f7-bb1b-9608f156bbb8", 900), // Helpdesk Administrator
    ("fe930be7-5e62-47db-91af-98c3a49a38b1", 300), // User Administrator
    ("c4e39bd9-1100-46d3-8c65-fb160da0071f", 300), // Authentication Administrator
    ("966707d0-3269-4727-9be2-8c3a10f19b9d", 200), // Password Administrator
    ("9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", 500), // Application Administrator
    ("158c047a-c907-4556-b7ef-446551a6b5f7", 100), // Cloud Application Administrator
    ("fdd7a751-b60b-444a-984c-02652fe8fa1c", 400), // Groups Administrator
    ("29232cdf-9323-42fd-ade2-1d097af3e4de", 260), // Exchange Administrator
];

/// ARM roles by weight: Reader, data roles, Contributor, VM Contributor,
/// Website Contributor, Owner, User Access Administrator, RBAC
/// Administrator; custom roles take the rest.
const ARM_ROLES: [(&str, usize); 11] = [
    ("acdd72a7-3385-48ef-bd42-f606fba81ae7", 400), // Reader
    ("2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", 100), // Storage Blob Data Reader
    ("ba92f5b4-2d11-453d-a403-e96b0029c9fe", 50),  // Storage Blob Data Contributor
    ("4633458b-17de-408a-b874-0445c86b69e6", 60),  // Key Vault Secrets User
    ("5e0bd9bd-7b93-4f28-af87-19fc36ad61bd", 40),  // Cognitive Services OpenAI User
    ("b24988ac-6180-42a0-ab88-20f7382dd24c", 120), // Contributor
    ("9980e02c-c2be-4d73-94e8-173b1dc7cf3c", 50),  // Virtual Machine Contributor
    ("de139f84-1756-47ae-9be6-808fbbe84772", 30),  // Website Contributor
    ("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", 20),  // Owner
    ("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", 5),   // User Access Administrator
    ("f58310d9-a9f6-439a-9e8d-f62e7b41a168", 5),   // RBAC Administrator
];

fn pick_weighted<'a>(rng: &mut Rng, table: &[(&'a str, usize)], total: usize) -> Option<&'a str> {
    let mut x = rng.below(total);
    for (v, w) in table {
        if x < *w {
            return Some(v);
        }
        x -= w;
    }
    None
}

#[expect(
    clippy::too_many_lines,
    reason = "one match over every case reads best whole"
)]
fn tenant(users: usize, seed: u64) -> Vec<(String, Vec<u8>)> {
    let mut rng = Rng::new(seed);
    let mut out = Out(Vec::new());
    let sps = users / 4;
    let apps = sps * 4 / 5;
    let mis = sps - apps;
    let groups = users / 20;
    let gv = |p: &str| format!("t/graph/v1.0/{p}.json");
    let user = |n: usize| g(1, n);

    // ------------------------------------------------------------ Entra
    out.put(
        gv("organization"),
        json!({"value": [{"id": TENANT, "displayName": "Fabrikam"}]}),
    );
    out.list(
        gv("users"),
        (0..users)
            .map(|i| {
                json!({"id": user(i), "displayName": format!("User {i}"),
                   "userPrincipalName": format!("user{i}@fabrikam.example"),
                   "accountEnabled": i % 100 != 7,
                   "userType": if i % 33 == 5 { "Guest" } else { "Member" }})
            })
            .collect(),
    );
    // Group 0 is everyone (dynamic); 1..=100 are role-assignable.
    out.list(
        gv("groups"),
        (0..groups)
            .map(|i| {
                json!({"id": g(2, i), "displayName": format!("group-{i}"),
                   "isAssignableToRole": (1..=100).contains(&i),
                   "groupTypes": if i == 0 || i % 20 == 3 { vec!["DynamicMembership"] } else { vec![] }})
            })
            .collect(),
    );
    for i in 0..groups {
        let members: Vec<Value> = if i == 0 {
            (0..users)
                .map(|u| json!({"@odata.type": "#microsoft.graph.user", "id": user(u)}))
                .collect()
        } else {
            let n = if i <= 100 { 20 } else { rng.heavy(40, 5_000) };
            (0..n)
                .map(|_| {
                    if rng.chance(0.05) {
                        json!({"@odata.type": "#microsoft.graph.group", "id": g(2, 101 + rng.below(groups - 101))})
                    } else if rng.chance(0.02) {
                        json!({"@odata.type": "#microsoft.graph.servicePrincipal", "id": g(3, rng.below(apps))})
                    } else {
                        json!({"@odata.type": "#microsoft.graph.user", "id": user(rng.below(users))})
                    }
                })
                .collect()
        };
        out.list(gv(&format!("groups/{}/members", g(2, i))), members);
        if i % 3 == 1 {
            out.list(
                gv(&format!("groups/{}/owners", g(2, i))),
                vec![json!({"@odata.type": "#microsoft.graph.user", "id": user(rng.below(users))})],
            );
        }
    }
    out.list(
        gv("directory/administrativeUnits"),
        (0..50)
            .map(|i| json!({"id": g(9, i), "displayName": format!("unit-{i}"), "isMemberManagementRestricted": i % 10 == 0}))
            .collect(),
    );
    for i in 0..50 {
        let mut m: Vec<Value> = (0..1_000)
            .map(|_| json!({"@odata.type": "#microsoft.graph.user", "id": user(rng.below(users))}))
            .collect();
        m.extend((0..20).map(|_| json!({"@odata.type": "#microsoft.graph.group", "id": g(2, 101 + rng.below(groups - 101))})));
        out.list(
            gv(&format!(
                "directory/administrativeUnits/{}/members",
                g(9, i)
            )),
            m,
        );
    }
    // Applications and their service principals; managed identities;
    // Microsoft Graph.
    let graph_sp = g(3, sps + 1);
    out.list(
        gv("applications"),
        (0..apps)
            .map(|i| {
                json!({"id": g(5, i), "appId": g(4, i), "displayName": format!("app-{i}"),
                            "passwordCredentials": [], "keyCredentials": []})
            })
            .collect(),
    );
    let mut sp_list: Vec<Value> = (0..apps)
        .map(|i| {
            json!({"id": g(3, i), "appId": g(4, i), "displayName": format!("app-{i}"),
                        "servicePrincipalType": "Application", "accountEnabled": true})
        })
        .collect();
    let subs = 200usize;
    let rgs_per_sub = (users / 8_000).max(1);
    let rg_id = |r: usize| {
        format!(
            "/subscriptions/{}/resourceGroups/rg-{r}",
            g(6, r / rgs_per_sub)
        )
    };
    let vms = mis * 4 / 5;
    let webs = mis - vms;
    let vm_id = |v: usize| {
        format!(
            "{}/providers/Microsoft.Compute/virtualMachines/vm-{v}",
            rg_id(v % (subs * rgs_per_sub))
        )
    };
    let web_id = |w: usize| {
        format!(
            "{}/providers/Microsoft.Web/sites/web-{w}",
            rg_id((w * 7) % (subs * rgs_per_sub))
        )
    };
    // Managed identities: the VMs' and web apps' (system-assigned).
    let mi_of = |k: usize| g(3, apps + k);
    for k in 0..mis {
        let res = if k < vms { vm_id(k) } else { web_id(k - vms) };
        sp_list.push(
            json!({"id": mi_of(k), "appId": g(4, apps + k), "displayName": format!("mi-{k}"),
            "servicePrincipalType": "ManagedIdentity", "accountEnabled": true,
            "alternativeNames": ["isExplicit=False", res]}),
        );
    }
    sp_list.push(json!({"id": graph_sp, "appId": "00000003-0000-0000-c000-000000000000",
        "displayName": "Microsoft Graph", "servicePrincipalType": "Application", "accountEnabled": true}));
    out.list(gv("servicePrincipals"), sp_list);
    for i in (0..apps).step_by(2) {
        let owners: Vec<Value> = (0..1 + rng.below(3))
            .map(|_| {
                if rng.chance(0.1) {
                    json!({"@odata.type": "#microsoft.graph.servicePrincipal", "id": g(3, rng.below(apps))})
                } else {
                    json!({"@odata.type": "#microsoft.graph.user", "id": user(rng.below(users))})
                }
            })
            .collect();
        out.list(gv(&format!("applications/{}/owners", g(5, i))), owners);
    }
    for i in (0..apps).step_by(apps / 2_000) {
        let fics: Vec<Value> = (0..1 + rng.below(3))
            .map(|k| json!({"name": format!("gh-{k}"), "issuer": "https://token.actions.githubusercontent.com",
                            "subject": format!("repo:fabrikam/repo-{}:ref:refs/heads/main", rng.below(500)),
                            "audiences": ["api://AzureADTokenExchange"]}))
            .collect();
        out.list(
            gv(&format!(
                "applications/{}/federatedIdentityCredentials",
                g(5, i)
            )),
            fics,
        );
    }
    let grants: Vec<Value> = (0..apps / 5)
        .map(|i| {
            let (role, _) = if rng.chance(0.05) {
                GRAPH_PERMS[4 + rng.below(4)]
            } else {
                GRAPH_PERMS[rng.below(4)]
            };
            json!({"id": format!("ara-{i}"), "appRoleId": role, "principalId": g(3, rng.below(apps)),
                   "principalType": "ServicePrincipal", "resourceId": graph_sp})
        })
        .collect();
    out.list(
        gv(&format!("servicePrincipals/{graph_sp}/appRoleAssignedTo")),
        grants,
    );
    let scopes = [
        "Mail.Read",
        "Files.ReadWrite",
        "User.Read offline_access",
        "Sites.Read.All",
        "Calendars.Read",
    ];
    out.list(
        gv("oauth2PermissionGrants"),
        (0..apps / 2)
            .map(|i| {
                let all = rng.chance(0.3);
                json!({"id": format!("og-{i}"), "clientId": g(3, rng.below(apps)),
                       "consentType": if all { "AllPrincipals" } else { "Principal" },
                       "principalId": if all { Value::Null } else { json!(user(rng.below(users))) },
                       "resourceId": graph_sp, "scope": scopes[rng.below(scopes.len())]})
            })
            .collect(),
    );
    // Directory roles: a third scoped to a unit (resetters, group
    // administrators) or to one application (application administrators).
    let mut dir = Vec::new();
    let mut n = 0;
    for (role, count) in DIR_ROLES {
        for _ in 0..count * users / 200_000 {
            let principal = if rng.chance(0.1) {
                g(2, 1 + rng.below(100))
            } else {
                user(rng.below(users))
            };
            let scope = if rng.chance(0.33) {
                if role == "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3" {
                    format!("/{}", g(5, rng.below(apps)))
                } else {
                    format!("/administrativeUnits/{}", g(9, rng.below(50)))
                }
            } else {
                "/".to_string()
            };
            dir.push(json!({"id": format!("dra-{n}"), "principalId": principal, "roleDefinitionId": role, "directoryScopeId": scope}));
            n += 1;
        }
    }
    let dir_count = dir.len();
    out.list(gv("roleManagement/directory/roleAssignments"), dir);
    out.list(
        gv("roleManagement/directory/roleEligibilitySchedules"),
        (0..users / 200)
            .map(|i| json!({"id": format!("dre-{i}"), "principalId": user(rng.below(users)),
                            "roleDefinitionId": DIR_ROLES[rng.below(DIR_ROLES.len())].0, "directoryScopeId": "/"}))
            .collect(),
    );

    // -------------------------------------------------------------- ARM
    let arm = |p: &str| format!("t/arm/{p}.json");
    let mg = |i: usize| format!("/providers/Microsoft.Management/managementGroups/mg-{i}");
    let root = format!("/providers/Microsoft.Management/managementGroups/{TENANT}");
    let mut mgs = vec![
        json!({"id": root, "name": TENANT, "properties": {"displayName": "Tenant Root Group"}}),
    ];
    let mut desc = Vec::new();
    for i in 0..20 {
        let parent = if i < 4 { root.clone() } else { mg(i % 4) };
        mgs.push(json!({"id": mg(i), "name": format!("mg-{i}"), "properties": {"displayName": format!("mg-{i}")}}));
        desc.push(json!({"id": mg(i), "name": format!("mg-{i}"), "type": "Microsoft.Management/managementGroups",
                         "properties": {"displayName": format!("mg-{i}"), "parent": {"id": parent}}}));
    }
    for s in 0..subs {
        desc.push(json!({"id": format!("/subscriptions/{}", g(6, s)), "name": g(6, s),
                         "type": "Microsoft.Management/managementGroups/subscriptions",
                         "properties": {"displayName": format!("sub-{s}"), "parent": {"id": mg(4 + s % 16)}}}));
    }
    out.list(arm("providers/Microsoft.Management/managementGroups"), mgs);
    out.list(
        arm(&format!(
            "providers/Microsoft.Management/managementGroups/{TENANT}/descendants"
        )),
        desc,
    );
    out.list(
        arm("subscriptions"),
        (0..subs)
            .map(|s| json!({"id": format!("/subscriptions/{}", g(6, s)), "subscriptionId": g(6, s), "displayName": format!("sub-{s}")}))
            .collect(),
    );
    let sub_path = |s: usize| format!("subscriptions/{}", g(6, s));
    for s in 0..subs {
        out.list(
            arm(&format!("{}/resourcegroups", sub_path(s))),
            (0..rgs_per_sub)
                .map(|k| {
                    let r = s * rgs_per_sub + k;
                    json!({"id": rg_id(r), "name": format!("rg-{r}"), "type": "Microsoft.Resources/resourceGroups"})
                })
                .collect(),
        );
    }
    // Role definitions: the built-in ones (as any tenant returns them)
    // and 100 custom roles.
    let builtin: Value =
        serde_json::from_str(include_str!("../data/builtin-roles.json")).unwrap_or_default();
    let mut defs: Vec<Value> = builtin["value"].as_array().cloned().unwrap_or_default();
    let custom_actions = [
        (
            vec!["Microsoft.Compute/virtualMachines/*"],
            vec![
                "Microsoft.Compute/virtualMachines/runCommand/action",
                "Microsoft.Compute/virtualMachines/extensions/*",
            ],
        ),
        (vec!["Microsoft.Compute/virtualMachines/*"], vec![]),
        (vec!["Microsoft.Web/sites/*"], vec![]),
        (
            vec![
                "*/read",
                "Microsoft.Storage/storageAccounts/listKeys/action",
            ],
            vec![],
        ),
        (
            vec!["Microsoft.Authorization/roleAssignments/write"],
            vec![],
        ),
    ];
    for c in 0..100 {
        let (a, na) = &custom_actions[c % custom_actions.len()];
        defs.push(json!({"id": format!("/subscriptions/{}/providers/Microsoft.Authorization/roleDefinitions/{}", g(6, 0), g(10, c)),
            "name": g(10, c), "type": "Microsoft.Authorization/roleDefinitions",
            "properties": {"roleName": format!("custom-{c}"), "type": "CustomRole",
                "permissions": [{"actions": a, "notActions": na, "dataActions": [], "notDataActions": []}]}}));
    }
    out.list(
        arm(&format!(
            "{}/providers/Microsoft.Authorization/roleDefinitions",
            sub_path(0)
        )),
        defs,
    );
    // Resources, per subscription and provider.
    let vaults = users / 66;
    let accounts = users / 66;
    let ais = users / 1_000;
    let mut per_sub: Vec<[Vec<Value>; 5]> = (0..subs).map(|_| Default::default()).collect();
    let sub_of = |id: &str| -> usize {
        let s = id.split('/').nth(2).unwrap_or("");
        usize::from_str_radix(s.rsplit('-').next().unwrap_or("0"), 16).unwrap_or(0)
    };
    let mut resources: Vec<String> = Vec::new();
    for v in 0..vms {
        let id = vm_id(v);
        per_sub[sub_of(&id)][0].push(
            json!({"id": id, "name": format!("vm-{v}"), "type": "Microsoft.Compute/virtualMachines",
            "identity": {"type": "SystemAssigned", "principalId": mi_of(v)}}),
        );
        resources.push(id);
    }
    for w in 0..webs {
        let id = web_id(w);
        per_sub[sub_of(&id)][1].push(json!({"id": id, "name": format!("web-{w}"), "type": "Microsoft.Web/sites", "kind": "app",
            "identity": {"type": "SystemAssigned", "principalId": mi_of(vms + w)}}));
        resources.push(id);
    }
    for k in 0..vaults {
        let r = (k * 13) % (subs * rgs_per_sub);
        let id = format!("{}/providers/Microsoft.KeyVault/vaults/kv-{k}", rg_id(r));
        let rbac = k % 2 == 0;
        let policies: Vec<Value> = if rbac {
            vec![]
        } else {
            (0..5)
                .map(|_| json!({"tenantId": TENANT, "objectId": if rng.chance(0.5) { user(rng.below(users)) } else { mi_of(rng.below(mis)) },
                                "permissions": {"secrets": if rng.chance(0.6) { vec!["Get", "List"] } else { vec!["List"] }}}))
                .collect()
        };
        per_sub[sub_of(&id)][2].push(
            json!({"id": id, "name": format!("kv-{k}"), "type": "Microsoft.KeyVault/vaults",
            "properties": {"enableRbacAuthorization": rbac, "accessPolicies": policies}}),
        );
        out.list(
            arm(&format!("{}/secrets", &id[1..])),
            (0..10)
                .map(|s| json!({"id": format!("{id}/secrets/s-{s}"), "name": format!("s-{s}"), "type": "Microsoft.KeyVault/vaults/secrets", "properties": {}}))
                .collect(),
        );
        resources.push(id);
    }
    for k in 0..accounts {
        let r = (k * 17) % (subs * rgs_per_sub);
        let id = format!(
            "{}/providers/Microsoft.Storage/storageAccounts/st{k}",
            rg_id(r)
        );
        per_sub[sub_of(&id)][3].push(
            json!({"id": id, "name": format!("st{k}"), "type": "Microsoft.Storage/storageAccounts",
            "kind": "StorageV2", "properties": {"allowSharedKeyAccess": k % 4 != 0}}),
        );
        out.list(
            arm(&format!("{}/blobServices/default/containers", &id[1..])),
            (0..5)
                .map(|c| json!({"id": format!("{id}/blobServices/default/containers/c-{c}"), "name": format!("c-{c}"),
                                "type": "Microsoft.Storage/storageAccounts/blobServices/containers"}))
                .collect(),
        );
        resources.push(id);
    }
    for k in 0..ais {
        let r = (k * 31) % (subs * rgs_per_sub);
        let id = format!(
            "{}/providers/Microsoft.CognitiveServices/accounts/oai-{k}",
            rg_id(r)
        );
        per_sub[sub_of(&id)][4].push(json!({"id": id, "name": format!("oai-{k}"), "type": "Microsoft.CognitiveServices/accounts",
            "kind": "OpenAI", "properties": {"disableLocalAuth": k % 2 == 0}}));
        out.list(
            arm(&format!("{}/deployments", &id[1..])),
            ["gpt-4o", "gpt-4o-mini", "text-embedding-3-large"]
                .iter()
                .map(|d| json!({"id": format!("{id}/deployments/{d}"), "name": d, "type": "Microsoft.CognitiveServices/accounts/deployments"}))
                .collect(),
        );
        resources.push(id);
    }
    let providers = [
        "Microsoft.Compute/virtualMachines",
        "Microsoft.Web/sites",
        "Microsoft.KeyVault/vaults",
        "Microsoft.Storage/storageAccounts",
        "Microsoft.CognitiveServices/accounts",
    ];
    for (s, lists) in per_sub.into_iter().enumerate() {
        for (p, items) in providers.iter().zip(lists) {
            out.list(arm(&format!("{}/providers/{p}", sub_path(s))), items);
        }
    }
    // ARM role assignments: the rest of 500,000 (at 200,000 users).
    let total = users * 5 / 2 - dir_count;
    let weight: usize = ARM_ROLES.iter().map(|(_, w)| w).sum::<usize>() + 120;
    let mut at_sub: Vec<Vec<Value>> = (0..subs).map(|_| Vec::new()).collect();
    let mut at_mg: Vec<Vec<Value>> = (0..20).map(|_| Vec::new()).collect();
    for i in 0..total {
        let role = pick_weighted(&mut rng, &ARM_ROLES, weight)
            .map_or_else(|| g(10, rng.below(100)), str::to_string);
        let (principal, kind) = match rng.below(100) {
            0..55 => (user(rng.below(users)), "User"),
            55..80 => (g(2, 101 + rng.below(groups - 101)), "Group"),
            _ => (g(3, rng.below(sps)), "ServicePrincipal"),
        };
        let x = rng.below(100);
        let (scope, sub) = if x < 1 {
            let m = rng.below(20);
            (mg(m), None)
        } else if x < 10 {
            let s = rng.below(subs);
            (format!("/subscriptions/{}", g(6, s)), Some(s))
        } else if x < 70 {
            let r = rng.below(subs * rgs_per_sub);
            (rg_id(r), Some(r / rgs_per_sub))
        } else {
            let id = resources[rng.below(resources.len())].clone();
            let s = sub_of(&id);
            (id, Some(s))
        };
        let def_sub = if role.starts_with("0000000a") {
            g(6, 0)
        } else {
            String::new()
        };
        let def = if def_sub.is_empty() {
            format!("/providers/Microsoft.Authorization/roleDefinitions/{role}")
        } else {
            format!(
                "/subscriptions/{def_sub}/providers/Microsoft.Authorization/roleDefinitions/{role}"
            )
        };
        let mut a = json!({"id": format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{}", g(11, i)),
            "name": g(11, i), "type": "Microsoft.Authorization/roleAssignments",
            "properties": {"roleDefinitionId": def, "principalId": principal, "principalType": kind, "scope": scope}});
        if rng.chance(0.01) {
            a["properties"]["condition"] = json!(
                "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'public'))"
            );
        }
        match sub {
            Some(s) => at_sub[s].push(a),
            None => at_mg[rng.below(20)].push(a),
        }
    }
    for (s, items) in at_sub.into_iter().enumerate() {
        out.list(
            arm(&format!(
                "{}/providers/Microsoft.Authorization/roleAssignments",
                sub_path(s)
            )),
            items,
        );
    }
    for (m, items) in at_mg.into_iter().enumerate() {
        out.list(
            arm(&format!("providers/Microsoft.Management/managementGroups/mg-{m}/providers/Microsoft.Authorization/roleAssignments")),
            items,
        );
    }
    out.0
}

fn main() {
    let users: usize = std::env::var("AZURE_BENCH_USERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200_000);
    let t = Instant::now();
    let files = tenant(users, 7);
    bench::announce(
        &files,
        t.elapsed(),
        "AZURE_BENCH_WRITE",
        &format!("tenant-{users}"),
    );
    let (e, s) = bench::ingest(&AzureConnector, &files);
    let count = |k: EdgeKind| bench::count(&e, k);
    let errors = bench::first_errors(&e, 3);
    let digest = blastgraph_gen::bench::digest_if("AZURE_BENCH_DIGEST", &e);
    println!(
        "azure users={users} ingest_s={s:.2} nodes={} edges={} can_escalate={} can_act_as={} member_of={} access={} can_read_secret={} oauth_grant={} diagnostics={} process_peak_rss_mib={}{digest}",
        e.nodes.len(),
        e.edges.len(),
        count(EdgeKind::CanEscalate),
        count(EdgeKind::CanActAs),
        count(EdgeKind::MemberOf),
        count(EdgeKind::Access),
        count(EdgeKind::CanReadSecret),
        count(EdgeKind::OauthGrant),
        e.diagnostics.len(),
        blastgraph_gen::bench::peak_rss_mib(),
    );
    for err in errors {
        println!("  error: {err}");
    }
}
