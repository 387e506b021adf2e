//! The calls, as `connectors/azure/az-snapshot.sh` makes them: the same
//! paths, queries and api-versions, each list's ids leading to the
//! per-object calls. Keep the two in step.
//!
//! One difference: the four big directory lists (users, groups,
//! applications, service principals) ask for 999 objects a page
//! (`$top=999`, Graph's maximum for them) instead of 100, a tenth of the
//! requests. The files are the same.

use serde_json::Value;

use crate::ctx::{Ctx, Job, is_safe_segment};
use blastgraph_model::credentials::{INSPECTED_FILE, InspectedSecret, scan_value};

use crate::fetch::{Api, ApiKind, Vaults};
use crate::{CollectError, CollectOptions};

/// What the collection found out: the tenant, the subscriptions.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    pub tenant: Option<String>,
    pub subscriptions: Vec<String>,
}

const GRAPH_TOP: [(&str, &str); 10] = [
    ("organization", ""),
    (
        "users",
        "$select=id,displayName,userPrincipalName,accountEnabled,userType,onPremisesSyncEnabled&$top=999",
    ),
    (
        "groups",
        "$select=id,displayName,securityEnabled,mailEnabled,isAssignableToRole,groupTypes,membershipRule&$top=999",
    ),
    ("directory/administrativeUnits", ""),
    ("applications", "$top=999"),
    ("servicePrincipals", "$top=999"),
    ("oauth2PermissionGrants", ""),
    ("roleManagement/directory/roleDefinitions", ""),
    ("roleManagement/directory/roleAssignments", ""),
    ("roleManagement/directory/roleEligibilitySchedules", ""),
];

/// Resource lists of a subscription: provider/type and api-version.
const RESOURCE_LISTS: [(&str, &str); 14] = [
    ("Microsoft.KeyVault/vaults", "2023-07-01"),
    ("Microsoft.Storage/storageAccounts", "2023-05-01"),
    ("Microsoft.DocumentDB/databaseAccounts", "2024-11-15"),
    ("Microsoft.CognitiveServices/accounts", "2024-10-01"),
    ("Microsoft.MachineLearningServices/workspaces", "2024-04-01"),
    ("Microsoft.MachineLearningServices/registries", "2024-04-01"),
    (
        "Microsoft.ManagedIdentity/userAssignedIdentities",
        "2023-01-31",
    ),
    ("Microsoft.Compute/virtualMachines", "2024-07-01"),
    ("Microsoft.Compute/virtualMachineScaleSets", "2024-07-01"),
    ("Microsoft.Web/sites", "2023-12-01"),
    ("Microsoft.Logic/workflows", "2019-05-01"),
    ("Microsoft.Automation/automationAccounts", "2023-11-01"),
    ("Microsoft.ContainerInstance/containerGroups", "2023-05-01"),
    ("Microsoft.ContainerService/managedClusters", "2024-09-01"),
];

/// Lists under each resource of a list: the list (an index into
/// [`RESOURCE_LISTS`]), the path under the resource id, the api-version.
const SUB_LISTS: [(usize, &str, &str); 10] = [
    (0, "secrets", "2023-07-01"),
    (1, "blobServices/default/containers", "2023-05-01"),
    (2, "sqlDatabases", "2024-11-15"),
    (2, "sqlRoleDefinitions", "2024-11-15"),
    (2, "sqlRoleAssignments", "2024-11-15"),
    (3, "deployments", "2024-10-01"),
    (4, "models", "2024-04-01"),
    (4, "computes", "2024-04-01"),
    (5, "models", "2024-04-01"),
    (6, "federatedIdentityCredentials", "2023-01-31"),
];

fn api_version(v: &str) -> String {
    format!("api-version={v}")
}

/// A tenant, subscription or directory object id: letters, digits, `-`
/// and `.` (GUIDs, `contoso.onmicrosoft.com`).
pub(crate) fn is_plain_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 256
        && s != "."
        && s != ".."
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

/// The `value[]` items of a list answer.
fn items(v: Option<&Value>) -> &[Value] {
    v.and_then(|v| v.get("value"))
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// `.value[].KEY` strings that pass `ok`; the others are recorded as
/// skipped calls under `list` (the list's path).
fn keys<'v>(
    ctx: &Ctx<'_>,
    kind: ApiKind,
    list: &str,
    v: Option<&'v Value>,
    key: &str,
    ok: impl Fn(&str) -> bool,
) -> Vec<&'v str> {
    let mut out = Vec::new();
    for (i, item) in items(v).iter().enumerate() {
        match item.get(key) {
            Some(Value::String(s)) if ok(s) => out.push(s.as_str()),
            Some(Value::String(s)) => ctx.skipped(
                kind,
                list,
                format!(
                    "`$.value[{i}].{key}` `{}` cannot name a path: its calls are not made",
                    s.escape_debug()
                ),
            ),
            // An item without the key is the ingest's to report.
            _ => {}
        }
    }
    out
}

/// An ARM resource id that can name a path (`/subscriptions/…`, every
/// segment safe), without its leading `/`.
fn arm_path(id: &str) -> Option<&str> {
    let rest = id.strip_prefix('/')?;
    let first = rest.split('/').next()?;
    (first.eq_ignore_ascii_case("subscriptions") && rest.split('/').all(is_safe_segment))
        .then_some(rest)
}

/// Every call, Graph then ARM.
pub(crate) async fn run(
    ctx: &Ctx<'_>,
    graph: &Api,
    arm: &Api,
    vaults: Option<&Vaults>,
    opts: &CollectOptions,
) -> Result<Collected, CollectError> {
    // Key Vault secrets listed: (vault name, its secrets' names).
    let mut secrets: Vec<(String, Vec<String>)> = Vec::new();
    // ---- Microsoft Graph
    ctx.progress.stage("graph");
    let top = ctx
        .all(
            graph,
            GRAPH_TOP.iter().map(|(p, q)| Job::new(*p, *q)).collect(),
        )
        .await?;
    let answer = |path: &str| {
        GRAPH_TOP
            .iter()
            .position(|(p, _)| *p == path)
            .and_then(|i| top.get(i))
            .and_then(Option::as_ref)
    };
    let g = ApiKind::Graph;
    let mut jobs = Vec::new();
    for id in keys(ctx, g, "groups", answer("groups"), "id", is_plain_id) {
        jobs.push(Job::new(format!("groups/{id}/members"), "$select=id"));
        jobs.push(Job::new(format!("groups/{id}/owners"), "$select=id"));
    }
    let units = "directory/administrativeUnits";
    for id in keys(ctx, g, units, answer(units), "id", is_plain_id) {
        jobs.push(Job::new(format!("{units}/{id}/members"), "$select=id"));
    }
    for id in keys(
        ctx,
        g,
        "applications",
        answer("applications"),
        "id",
        is_plain_id,
    ) {
        jobs.push(Job::new(format!("applications/{id}/owners"), "$select=id"));
        jobs.push(Job::new(
            format!("applications/{id}/federatedIdentityCredentials"),
            "",
        ));
    }
    let sps = answer("servicePrincipals");
    for id in keys(ctx, g, "servicePrincipals", sps, "id", is_plain_id) {
        jobs.push(Job::new(
            format!("servicePrincipals/{id}/owners"),
            "$select=id",
        ));
    }
    // Application permissions: the assignments to every API that defines
    // app roles.
    for sp in items(sps) {
        let defines_roles = sp
            .get("appRoles")
            .and_then(Value::as_array)
            .is_some_and(|r| !r.is_empty());
        if let (true, Some(id)) = (defines_roles, sp.get("id").and_then(Value::as_str))
            && is_plain_id(id)
        {
            jobs.push(Job::new(
                format!("servicePrincipals/{id}/appRoleAssignedTo"),
                "",
            ));
        }
    }
    ctx.all(graph, jobs).await?;

    // ---- Azure Resource Manager
    ctx.progress.stage("arm");
    let org_tenant = items(answer("organization"))
        .first()
        .and_then(|o| o.get("id"))
        .and_then(Value::as_str)
        .filter(|t| is_plain_id(t))
        .map(str::to_string);
    let tenant = org_tenant.or_else(|| opts.tenant.clone().filter(|t| is_plain_id(t)));
    let mgs = "providers/Microsoft.Management/managementGroups";
    let mut jobs = vec![Job::new(mgs, api_version("2023-04-01"))];
    if let Some(t) = &tenant {
        jobs.push(Job::new(
            format!("{mgs}/{t}/descendants"),
            api_version("2023-04-01"),
        ));
    }
    jobs.push(Job::new("subscriptions", api_version("2022-12-01")));
    let first = ctx.all(arm, jobs).await?;
    let mg_list = first.first().and_then(Option::as_ref);
    let subs_list = first.last().and_then(Option::as_ref);
    let a = ApiKind::Arm;
    let jobs = keys(ctx, a, mgs, mg_list, "name", is_safe_segment)
        .into_iter()
        .map(|mg| {
            Job::new(
                format!("{mgs}/{mg}/providers/Microsoft.Authorization/roleAssignments"),
                api_version("2022-04-01"),
            )
        })
        .collect();
    ctx.all(arm, jobs).await?;

    let subscriptions: Vec<String> = if opts.subscriptions.is_empty() {
        keys(
            ctx,
            a,
            "subscriptions",
            subs_list,
            "subscriptionId",
            is_plain_id,
        )
        .into_iter()
        .map(str::to_string)
        .collect()
    } else {
        opts.subscriptions.clone()
    };
    for s in &subscriptions {
        ctx.progress.stage(&format!("subscription {s}"));
        let p = format!("subscriptions/{s}");
        let mut jobs = vec![
            Job::new(format!("{p}/resourcegroups"), api_version("2022-12-01")),
            Job::new(
                format!("{p}/providers/Microsoft.Authorization/roleDefinitions"),
                api_version("2022-04-01"),
            ),
            Job::new(
                format!("{p}/providers/Microsoft.Authorization/roleAssignments"),
                api_version("2022-04-01"),
            ),
            Job::new(
                format!("{p}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances"),
                api_version("2020-10-01"),
            ),
            Job::new(
                format!("{p}/providers/Microsoft.Authorization/denyAssignments"),
                api_version("2022-04-01"),
            ),
        ];
        let lists_from = jobs.len();
        for (t, v) in RESOURCE_LISTS {
            jobs.push(Job::new(format!("{p}/providers/{t}"), api_version(v)));
        }
        let answers = ctx.all(arm, jobs).await?;
        let mut jobs = Vec::new();
        // Which jobs list a vault's secrets: (job, vault name).
        let mut vault_jobs: Vec<(usize, String)> = Vec::new();
        for (list, sub, v) in SUB_LISTS {
            let Some((list_type, _)) = RESOURCE_LISTS.get(list) else {
                continue;
            };
            let list_path = format!("{p}/providers/{list_type}");
            let answer = answers.get(lists_from + list).and_then(Option::as_ref);
            for id in keys(ctx, a, &list_path, answer, "id", |id| {
                arm_path(id).is_some()
            }) {
                if let Some(path) = arm_path(id) {
                    if list == 0 && sub == "secrets" {
                        let vault = path.rsplit('/').next().unwrap_or_default();
                        vault_jobs.push((jobs.len(), vault.to_string()));
                    }
                    jobs.push(Job::new(format!("{path}/{sub}"), api_version(v)));
                }
            }
        }
        let paths: Vec<String> = jobs.iter().map(|j| j.path.clone()).collect();
        let listed = ctx.all(arm, jobs).await?;
        for (i, vault) in vault_jobs {
            let (Some(answer), Some(path)) = (listed.get(i), paths.get(i)) else {
                continue;
            };
            let names = keys(ctx, a, path, answer.as_ref(), "name", is_safe_segment);
            secrets.push((vault, names.into_iter().map(str::to_string).collect()));
        }
    }
    if let Some(vaults) = vaults {
        ctx.progress.stage("key vault values (in memory)");
        let mut inspected = Vec::new();
        for (vault, names) in &secrets {
            // One data-plane client per vault, its token asked for once.
            let api = vaults.api(vault);
            for name in names {
                let Some(answer) = ctx.read_value(&api, vault, name).await else {
                    continue;
                };
                let found = answer
                    .get("value")
                    .and_then(Value::as_str)
                    .map(scan_value)
                    .unwrap_or_default();
                drop(answer);
                if !found.is_empty() {
                    inspected.push(InspectedSecret {
                        secret: format!("{vault}/{name}"),
                        found: found.iter().map(Into::into).collect(),
                    });
                }
            }
        }
        ctx.write(
            &format!("keyvault/{INSPECTED_FILE}"),
            &blastgraph_model::credentials::InspectedFile::json(inspected),
        )?;
    }
    Ok(Collected {
        tenant,
        subscriptions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_ids_name_paths_only_when_safe() {
        assert_eq!(
            arm_path("/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"),
            Some("subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv")
        );
        assert_eq!(arm_path("/SUBSCRIPTIONS/s/x"), Some("SUBSCRIPTIONS/s/x"));
        for bad in [
            "subscriptions/s",
            "/providers/x",
            "/subscriptions/s/../../etc",
            "/subscriptions/s//x",
            "/subscriptions/s/x?api-version=1",
        ] {
            assert_eq!(arm_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn plain_ids() {
        assert!(is_plain_id("4a3b2c1d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"));
        assert!(is_plain_id("contoso.onmicrosoft.com"));
        for bad in ["", "..", "a/b", "a b", "a?b"] {
            assert!(!is_plain_id(bad), "{bad}");
        }
    }

    #[test]
    fn every_sub_list_hangs_off_a_resource_list() {
        for (list, sub, _) in SUB_LISTS {
            assert!(list < RESOURCE_LISTS.len(), "{sub}");
        }
        assert_eq!(RESOURCE_LISTS[0].0, "Microsoft.KeyVault/vaults");
        assert_eq!(RESOURCE_LISTS[1].0, "Microsoft.Storage/storageAccounts");
        assert_eq!(RESOURCE_LISTS[2].0, "Microsoft.DocumentDB/databaseAccounts");
        assert_eq!(RESOURCE_LISTS[3].0, "Microsoft.CognitiveServices/accounts");
        assert_eq!(
            RESOURCE_LISTS[4].0,
            "Microsoft.MachineLearningServices/workspaces"
        );
        assert_eq!(
            RESOURCE_LISTS[5].0,
            "Microsoft.MachineLearningServices/registries"
        );
        assert_eq!(
            RESOURCE_LISTS[6].0,
            "Microsoft.ManagedIdentity/userAssignedIdentities"
        );
    }
}
