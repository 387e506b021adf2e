//! The raw layout (docs/azure-raw-layout.md): one file per API call, named
//! by the call's path.
//!
//! - Microsoft Graph: `…/graph/v1.0/PATH.json` for `GET
//!   https://graph.microsoft.com/v1.0/PATH` (`graph/v1.0/users.json`,
//!   `graph/v1.0/groups/ID/members.json`, ...).
//! - Azure Resource Manager: `…/arm/PATH.json` for `GET
//!   https://management.azure.com/PATH` (`arm/subscriptions.json`,
//!   `arm/subscriptions/S/providers/Microsoft.Authorization/roleAssignments.json`,
//!   ...).
//!
//! The body is what the API returns, with the pages of a list merged into
//! one `value` array. A file is Azure's by its path *and* its content: the
//! `graph/v1.0` or `arm/subscriptions` / `arm/providers` folders, and a JSON
//! object.

/// What one raw file is the answer to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Call {
    /// A Graph call: the path after `graph/v1.0/`, split on `/`.
    Graph(Vec<String>),
    /// An ARM call: the path after `arm/` (no leading `/`, no `.json`).
    Arm(String),
    /// A Key Vault secret's value (`GET https://VAULT.vault.azure.net/secrets/NAME`,
    /// `az keyvault secret show`): `…/keyvault/VAULT/secrets/NAME.json`.
    /// Read only with `--inspect-secret-values`.
    SecretValue { vault: String, name: String },
    /// What `collect azure --inspect-secret-values` found in Key Vault
    /// values: `…/keyvault/blastgraph-inspected.json`.
    Inspected,
}

/// The call a path names, if it is in the layout.
pub(crate) fn classify(path: &str) -> Option<Call> {
    let path = path.replace('\\', "/");
    let stem = path.strip_suffix(".json")?;
    let parts: Vec<&str> = stem.split('/').collect();
    // The last `graph/v1.0` (or `beta`) or `arm/subscriptions|providers`.
    for i in (0..parts.len().saturating_sub(1)).rev() {
        let (here, next) = (parts[i], parts[i + 1]);
        if here == "graph" && (next == "v1.0" || next == "beta") && i + 2 < parts.len() {
            let rest = parts[i + 2..].iter().map(|s| s.to_string()).collect();
            return Some(Call::Graph(rest));
        }
        if here == "arm"
            && (next.eq_ignore_ascii_case("subscriptions")
                || next.eq_ignore_ascii_case("providers"))
        {
            return Some(Call::Arm(parts[i + 1..].join("/")));
        }
        if here == "keyvault"
            && format!("{next}.json") == blastgraph_model::credentials::INSPECTED_FILE
            && i + 2 == parts.len()
        {
            return Some(Call::Inspected);
        }
        if here == "keyvault"
            && let [vault, secrets, name] = &parts[i + 1..]
            && secrets.eq_ignore_ascii_case("secrets")
            && !vault.is_empty()
            && !name.is_empty()
        {
            return Some(Call::SecretValue {
                vault: vault.to_ascii_lowercase(),
                name: name.to_ascii_lowercase(),
            });
        }
    }
    None
}

/// Whether a file of the layout is Azure's, by its path and its content (a
/// JSON object). `head` is the start of the file.
pub(crate) fn claims(path: &str, head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    text.starts_with('{') && (classify(path).is_some() || is_collection(path, head))
}

/// Whether a file is the `collection.json` of `blastgraph collect azure`:
/// by its name *and* its `format` (another tool's `collection.json` is not
/// ours).
pub(crate) fn is_collection(path: &str, head: &[u8]) -> bool {
    let path = path.replace('\\', "/");
    let name = path.rsplit('/').next().unwrap_or(&path);
    name == "collection.json"
        && String::from_utf8_lossy(head).contains(&format!("\"{}\"", crate::COLLECTION_FORMAT))
}

/// What a Graph call returns, by its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GraphCall {
    Organization,
    Users,
    Groups,
    GroupMembers(String),
    GroupOwners(String),
    Units,
    UnitMembers(String),
    Applications,
    ApplicationOwners(String),
    ApplicationFics(String),
    ServicePrincipals,
    ServicePrincipalOwners(String),
    /// `servicePrincipals/ID/appRoleAssignedTo` (assignments *to* the
    /// resource ID) or `…/appRoleAssignments` (assignments *of* ID): both
    /// list app role assignments, each naming its principal and resource.
    AppRoleAssignments,
    Grants,
    RoleDefinitions,
    RoleAssignments,
    /// PIM eligibility (`roleEligibilitySchedules` or
    /// `roleEligibilityScheduleInstances`).
    RoleEligibility,
}

impl GraphCall {
    /// The call of a Graph path, `None` when the layout does not name it.
    pub(crate) fn of(parts: &[String]) -> Option<GraphCall> {
        let p: Vec<&str> = parts.iter().map(String::as_str).collect();
        let id = |s: &str| s.to_string();
        Some(match p.as_slice() {
            ["organization"] => GraphCall::Organization,
            ["users"] => GraphCall::Users,
            ["groups"] => GraphCall::Groups,
            ["groups", g, "members"] => GraphCall::GroupMembers(id(g)),
            ["groups", g, "owners"] => GraphCall::GroupOwners(id(g)),
            ["directory", "administrativeUnits"] => GraphCall::Units,
            ["directory", "administrativeUnits", u, "members"] => GraphCall::UnitMembers(id(u)),
            ["applications"] => GraphCall::Applications,
            ["applications", a, "owners"] => GraphCall::ApplicationOwners(id(a)),
            ["applications", a, "federatedIdentityCredentials"] => {
                GraphCall::ApplicationFics(id(a))
            }
            ["servicePrincipals"] => GraphCall::ServicePrincipals,
            ["servicePrincipals", s, "owners"] => GraphCall::ServicePrincipalOwners(id(s)),
            [
                "servicePrincipals",
                _,
                "appRoleAssignedTo" | "appRoleAssignments",
            ] => GraphCall::AppRoleAssignments,
            ["oauth2PermissionGrants"] => GraphCall::Grants,
            ["roleManagement", "directory", "roleDefinitions"] => GraphCall::RoleDefinitions,
            ["roleManagement", "directory", "roleAssignments"] => GraphCall::RoleAssignments,
            [
                "roleManagement",
                "directory",
                "roleEligibilitySchedules" | "roleEligibilityScheduleInstances",
            ] => GraphCall::RoleEligibility,
            _ => return None,
        })
    }
}

/// What an ARM call returns, by its path (matched without case, as ARM
/// does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ArmCall {
    ManagementGroups,
    /// The descendants of a management group (its name).
    Descendants(String),
    Subscriptions,
    /// Resource groups of a subscription.
    ResourceGroups,
    RoleDefinitions,
    RoleAssignments,
    /// PIM eligibility for ARM roles.
    RoleEligibility,
    /// Deny assignments.
    DenyAssignments,
    /// Cosmos DB data-plane role definitions.
    CosmosRoleDefinitions,
    /// Cosmos DB data-plane role assignments.
    CosmosRoleAssignments,
    /// Any other list of resources or sub-resources (`id`, `type`,
    /// `identity`, `properties`): vaults, secrets, storage accounts,
    /// containers, compute, deployments, ...
    Resources,
}

impl ArmCall {
    /// The call of an ARM path.
    pub(crate) fn of(path: &str) -> ArmCall {
        let lower = path.to_ascii_lowercase();
        let parts: Vec<&str> = lower.split('/').collect();
        let last = parts.last().copied().unwrap_or("");
        match parts.as_slice() {
            ["providers", "microsoft.management", "managementgroups"] => {
                return ArmCall::ManagementGroups;
            }
            [
                "providers",
                "microsoft.management",
                "managementgroups",
                mg,
                "descendants",
            ] => {
                // Keep the name's case from the original path.
                let orig: Vec<&str> = path.split('/').collect();
                return ArmCall::Descendants(orig.get(3).unwrap_or(mg).to_string());
            }
            ["subscriptions"] => return ArmCall::Subscriptions,
            ["subscriptions", _, "resourcegroups"] => return ArmCall::ResourceGroups,
            _ => {}
        }
        match last {
            "roledefinitions" if lower.contains("/providers/microsoft.authorization/") => {
                ArmCall::RoleDefinitions
            }
            "roleassignments" if lower.contains("/providers/microsoft.authorization/") => {
                ArmCall::RoleAssignments
            }
            "denyassignments" if lower.contains("/providers/microsoft.authorization/") => {
                ArmCall::DenyAssignments
            }
            "roleeligibilityscheduleinstances" | "roleeligibilityschedules" => {
                ArmCall::RoleEligibility
            }
            "sqlroledefinitions" => ArmCall::CosmosRoleDefinitions,
            "sqlroleassignments" => ArmCall::CosmosRoleAssignments,
            _ => ArmCall::Resources,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_their_calls() {
        assert_eq!(
            classify("dump/graph/v1.0/users.json"),
            Some(Call::Graph(vec!["users".into()]))
        );
        assert_eq!(
            classify(r"C:\x\graph\v1.0\groups\G1\members.json"),
            Some(Call::Graph(vec![
                "groups".into(),
                "G1".into(),
                "members".into()
            ]))
        );
        assert_eq!(
            classify(
                "t/arm/subscriptions/S/providers/Microsoft.Authorization/roleAssignments.json"
            ),
            Some(Call::Arm(
                "subscriptions/S/providers/Microsoft.Authorization/roleAssignments".into()
            ))
        );
        // Generic names are not enough.
        assert_eq!(classify("graph/users.json"), None);
        assert_eq!(classify("arm/other.json"), None);
        assert_eq!(classify("x/users.json"), None);
        assert!(!claims("graph/v1.0/users.json", b"[1]"));
        assert!(claims(
            "graph/v1.0/users.json",
            b"\xEF\xBB\xBF {\"value\":[]}"
        ));
    }

    #[test]
    fn the_collection_record_is_claimed_by_its_format() {
        let ours = br#"{"format": "blastgraph-azure-collection", "version": 1, "calls": []}"#;
        assert!(claims("snap/collection.json", ours));
        assert!(is_collection(r"C:\snap\collection.json", ours));
        // Another tool's record, or ours under another name, is not.
        assert!(!claims(
            "snap/collection.json",
            br#"{"format": "blastgraph-aws-collection"}"#
        ));
        assert!(!claims("snap/collection.json", br#"{"items": []}"#));
        assert!(!claims("snap/calls.json", ours));
        assert!(!claims("snap/collection.json", b"[1]"));
    }

    #[test]
    fn arm_paths_are_matched_without_case() {
        assert_eq!(
            ArmCall::of("subscriptions/S/resourceGroups"),
            ArmCall::ResourceGroups
        );
        assert_eq!(
            ArmCall::of("providers/Microsoft.Management/managementGroups/Root-MG/descendants"),
            ArmCall::Descendants("Root-MG".into())
        );
        assert_eq!(
            ArmCall::of("subscriptions/S/providers/microsoft.authorization/ROLEDEFINITIONS"),
            ArmCall::RoleDefinitions
        );
        assert_eq!(
            ArmCall::of("subscriptions/S/providers/Microsoft.KeyVault/vaults"),
            ArmCall::Resources
        );
    }
}
