//! Azure RBAC: whether a role definition allows an operation, and the
//! operations that matter for blast radius.
//!
//! A role allows an operation when one of its permission blocks names it in
//! `actions` (or `dataActions`) and not in that block's `notActions` (or
//! `notDataActions`); patterns hold `*` wildcards and are compared without
//! case. Any role definition read from the input is evaluated this way:
//! there is no list of "known" roles.

use crate::facts::ArmRole;

/// Whether `pattern` (lower case, `*` matches any run of characters)
/// matches `op` (lower case). A whole segment `*` between two slashes also
/// matches no segment, as Azure evaluates it: Managed Identity Operator's
/// `…/userAssignedIdentities/*/assign/action` grants
/// `…/userAssignedIdentities/assign/action`.
pub(crate) fn glob(pattern: &str, op: &str) -> bool {
    if pattern.contains("/*/") {
        return segments(pattern.as_bytes(), op.as_bytes(), false);
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == op;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !op.starts_with(first) || op.len() < first.len() + last.len() || !op.ends_with(last) {
        return false;
    }
    let mut rest = &op[first.len()..op.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

/// [`glob`] for a pattern with a whole-segment `*`; `slash`: the byte
/// before `p` was `/`.
fn segments(p: &[u8], s: &[u8], slash: bool) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => {
            (slash && rest.first() == Some(&b'/') && segments(&rest[1..], s, true))
                || (0..=s.len()).any(|i| segments(rest, &s[i..], false))
        }
        Some((c, rest)) => s.first() == Some(c) && segments(rest, &s[1..], *c == b'/'),
    }
}

/// Whether the role allows the control-plane operation `op` (lower case).
pub(crate) fn allows(role: &ArmRole, op: &str) -> bool {
    let block = |p: &crate::facts::Permission| {
        p.actions.iter().any(|a| glob(a, op)) && !p.not_actions.iter().any(|a| glob(a, op))
    };
    role.permissions.iter().any(block) && !role.denied.iter().any(block)
}

/// Whether the role allows the data-plane operation `op` (lower case).
pub(crate) fn allows_data(role: &ArmRole, op: &str) -> bool {
    let block = |p: &crate::facts::Permission| {
        p.data_actions.iter().any(|a| glob(a, op))
            && !p.not_data_actions.iter().any(|a| glob(a, op))
    };
    role.permissions.iter().any(block) && !role.denied.iter().any(block)
}

/// Writes a role assignment: full control of the scope.
pub(crate) const ASSIGN_ROLES: &str = "microsoft.authorization/roleassignments/write";

/// Attaching a user-assigned identity to a resource.
pub(crate) const ASSIGN_IDENTITY: &str =
    "microsoft.managedidentity/userassignedidentities/assign/action";

/// Compute that takes a user-assigned identity by a write of its own
/// definition: (type, write operation).
pub(crate) const ATTACH: &[(&str, &str)] = &[
    (
        "microsoft.compute/virtualmachines",
        "microsoft.compute/virtualmachines/write",
    ),
    (
        "microsoft.compute/virtualmachinescalesets",
        "microsoft.compute/virtualmachinescalesets/write",
    ),
    ("microsoft.web/sites", "microsoft.web/sites/write"),
    (
        "microsoft.logic/workflows",
        "microsoft.logic/workflows/write",
    ),
    (
        "microsoft.automation/automationaccounts",
        "microsoft.automation/automationaccounts/write",
    ),
    (
        "microsoft.containerinstance/containergroups",
        "microsoft.containerinstance/containergroups/write",
    ),
];

/// Whether `role` lets its holder run code on a resource of type `kind`
/// (one of [`RUN_AS`]'s ways).
pub(crate) fn runs_code(role: &ArmRole, kind: &str) -> bool {
    RUN_AS.iter().any(|(t, alternatives, _)| {
        *t == kind
            && alternatives
                .iter()
                .any(|ops| ops.iter().all(|op| allows(role, op)))
    })
}

/// Ways to run code as a resource's managed identity, by resource type:
/// (type, alternatives, each a set of operations that together suffice,
/// the mechanism's name).
pub(crate) const RUN_AS: &[(&str, &[&[&str]], &str)] = &[
    (
        "microsoft.compute/virtualmachines",
        &[
            &["microsoft.compute/virtualmachines/runcommand/action"],
            &["microsoft.compute/virtualmachines/runcommands/write"],
            &["microsoft.compute/virtualmachines/extensions/write"],
        ],
        "runs a command on the virtual machine",
    ),
    (
        "microsoft.compute/virtualmachinescalesets",
        &[
            &["microsoft.compute/virtualmachinescalesets/virtualmachines/runcommand/action"],
            &["microsoft.compute/virtualmachinescalesets/extensions/write"],
        ],
        "runs a command on the scale set",
    ),
    (
        "microsoft.web/sites",
        &[
            &["microsoft.web/sites/write"],
            &["microsoft.web/sites/config/write"],
            &["microsoft.web/sites/publishxml/action"],
            &["microsoft.web/sites/extensions/write"],
        ],
        "deploys code to the app",
    ),
    (
        "microsoft.logic/workflows",
        &[&["microsoft.logic/workflows/write"]],
        "rewrites the workflow",
    ),
    (
        "microsoft.automation/automationaccounts",
        &[&[
            "microsoft.automation/automationaccounts/runbooks/write",
            "microsoft.automation/automationaccounts/jobs/write",
        ]],
        "writes and starts a runbook",
    ),
    (
        "microsoft.containerinstance/containergroups",
        &[
            &["microsoft.containerinstance/containergroups/containers/exec/action"],
            &["microsoft.containerinstance/containergroups/write"],
        ],
        "runs a command in the container group",
    ),
    (
        "microsoft.containerservice/managedclusters",
        &[
            &["microsoft.containerservice/managedclusters/listclusteradmincredential/action"],
            &["microsoft.containerservice/managedclusters/runcommand/action"],
        ],
        "runs a pod on the cluster (admin credential or run command)",
    ),
    (
        "microsoft.managedidentity/userassignedidentities",
        &[
            &[
                "microsoft.managedidentity/userassignedidentities/federatedidentitycredentials/write",
            ],
        ],
        "adds a federated credential to the identity",
    ),
    (
        "microsoft.machinelearningservices/workspaces/computes",
        &[&["microsoft.machinelearningservices/workspaces/jobs/write"]],
        "submits a job to the compute",
    ),
];

/// Keys that open a whole resource's data: (type, listKeys operation).
pub(crate) const LIST_KEYS: &[(&str, &str)] = &[
    (
        "microsoft.storage/storageaccounts",
        "microsoft.storage/storageaccounts/listkeys/action",
    ),
    (
        "microsoft.documentdb/databaseaccounts",
        "microsoft.documentdb/databaseaccounts/listkeys/action",
    ),
    (
        "microsoft.cognitiveservices/accounts",
        "microsoft.cognitiveservices/accounts/listkeys/action",
    ),
];

/// Data-plane operations on targets: (target type, data action, level).
pub(crate) const DATA_OPS: &[(&str, &str, blastgraph_model::AccessLevel)] = {
    use blastgraph_model::AccessLevel::{Invoke, Read, Write};
    &[
        (
            "microsoft.storage/storageaccounts/blobservices/containers",
            "microsoft.storage/storageaccounts/blobservices/containers/blobs/read",
            Read,
        ),
        (
            "microsoft.storage/storageaccounts/blobservices/containers",
            "microsoft.storage/storageaccounts/blobservices/containers/blobs/write",
            Write,
        ),
        (
            "microsoft.cognitiveservices/accounts/deployments",
            "microsoft.cognitiveservices/accounts/openai/deployments/chat/completions/action",
            Invoke,
        ),
        (
            "microsoft.cognitiveservices/accounts/deployments",
            "microsoft.cognitiveservices/accounts/openai/deployments/completions/action",
            Invoke,
        ),
        (
            "microsoft.machinelearningservices/registries",
            "microsoft.machinelearningservices/registries/assets/read",
            Read,
        ),
        (
            "microsoft.machinelearningservices/registries",
            "microsoft.machinelearningservices/registries/assets/write",
            Write,
        ),
    ]
};

/// Control-plane operations that read or change a target (Azure ML
/// workspaces keep their models behind actions, not data actions): (target
/// type, action, level).
pub(crate) const ACTION_OPS: &[(&str, &str, blastgraph_model::AccessLevel)] = {
    use blastgraph_model::AccessLevel::{Read, Write};
    &[
        (
            "microsoft.cognitiveservices/accounts/deployments",
            "microsoft.cognitiveservices/accounts/deployments/write",
            Write,
        ),
        (
            "microsoft.machinelearningservices/workspaces/models",
            "microsoft.machinelearningservices/workspaces/models/read",
            Read,
        ),
        (
            "microsoft.machinelearningservices/workspaces/models",
            "microsoft.machinelearningservices/workspaces/models/write",
            Write,
        ),
    ]
};

/// Reading a Key Vault secret's value: the data action of an RBAC-mode
/// vault.
pub(crate) const GET_SECRET: &str = "microsoft.keyvault/vaults/secrets/getsecret/action";

/// Changing an access-policy-mode vault's policies: whoever may, may grant
/// itself `get` on secrets.
pub(crate) const WRITE_VAULT: &[&str] = &[
    "microsoft.keyvault/vaults/write",
    "microsoft.keyvault/vaults/accesspolicies/write",
];

/// Whether `scope` (lower ARM id, `/` the root) contains `id` (lower ARM
/// id) by its path.
pub(crate) fn under(scope: &str, id: &str) -> bool {
    scope == "/"
        || id == scope
        || (id.len() > scope.len() && id.starts_with(scope) && id.as_bytes()[scope.len()] == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Permission;

    fn role(actions: &[&str], not: &[&str]) -> ArmRole {
        ArmRole {
            name: "r".into(),
            permissions: vec![Permission {
                actions: actions.iter().map(|s| s.to_string()).collect(),
                not_actions: not.iter().map(|s| s.to_string()).collect(),
                ..Permission::default()
            }],
            shipped: false,
            denied: Vec::new(),
        }
    }

    #[test]
    fn wildcards_and_not_actions() {
        assert!(glob("*", "microsoft.compute/virtualmachines/write"));
        assert!(glob(
            "microsoft.compute/*/write",
            "microsoft.compute/virtualmachines/write"
        ));
        assert!(!glob(
            "microsoft.compute/*/read",
            "microsoft.compute/virtualmachines/write"
        ));
        assert!(glob("*/read", "microsoft.web/sites/read"));
        // A whole-segment `*` matches one segment or more, or none.
        let assign = "microsoft.managedidentity/userassignedidentities/*/assign/action";
        assert!(glob(
            assign,
            "microsoft.managedidentity/userassignedidentities/assign/action"
        ));
        assert!(glob(
            assign,
            "microsoft.managedidentity/userassignedidentities/x/assign/action"
        ));
        assert!(!glob(
            assign,
            "microsoft.managedidentity/userassignedidentitiesassign/action"
        ));
        assert!(glob(
            "microsoft.authorization/*/read",
            "microsoft.authorization/roleassignments/read"
        ));
        assert!(!glob(
            "microsoft.authorization/*/read",
            "microsoft.authorization/roleassignments/write"
        ));
        // Contributor: everything but writing role assignments.
        let contributor = role(&["*"], &["microsoft.authorization/*/write"]);
        assert!(allows(
            &contributor,
            "microsoft.compute/virtualmachines/runcommand/action"
        ));
        assert!(!allows(&contributor, ASSIGN_ROLES));
        // A not-action in another block does not remove it.
        let mut two = role(&["*"], &[]);
        two.permissions.push(Permission {
            actions: vec!["*/read".into()],
            not_actions: vec!["*".into()],
            ..Permission::default()
        });
        assert!(allows(&two, ASSIGN_ROLES));
    }

    #[test]
    fn scopes_contain_by_path() {
        assert!(under(
            "/subscriptions/s",
            "/subscriptions/s/resourcegroups/rg"
        ));
        assert!(!under(
            "/subscriptions/s",
            "/subscriptions/s2/resourcegroups/rg"
        ));
        assert!(under("/", "/subscriptions/s"));
    }
}
