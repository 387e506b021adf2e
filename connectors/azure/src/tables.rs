//! The documented facts the rules rest on: what each Entra built-in role
//! lets its holder do to other identities, Microsoft's password-reset
//! tiers, and what each Microsoft Graph permission reaches.
//!
//! Sources (docs/azure-connector.md cites them with their revisions):
//! MicrosoftDocs/entra-docs `permissions-reference.md` (template ids),
//! `privileged-roles-permissions.md` ("Who can reset passwords"), and
//! microsoft-graph-docs-contrib `permissions-reference.md` (permission
//! ids and what they allow).

/// The application id of Microsoft Graph (its service principal holds the
/// app roles of every Graph application permission).
pub(crate) const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

pub(crate) const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";
pub(crate) const PRIVILEGED_ROLE_ADMIN: &str = "e8611ab8-c189-46e8-94e1-60213ab1f814";
pub(crate) const PRIVILEGED_AUTH_ADMIN: &str = "7be44c8a-adaf-4e2a-84d6-ab2649e08a13";
const APPLICATION_ADMIN: &str = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3";
const CLOUD_APPLICATION_ADMIN: &str = "158c047a-c907-4556-b7ef-446551a6b5f7";
const AUTHENTICATION_ADMIN: &str = "c4e39bd9-1100-46d3-8c65-fb160da0071f";
const HELPDESK_ADMIN: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
const PASSWORD_ADMIN: &str = "966707d0-3269-4727-9be2-8c3a10f19b9d";
const USER_ADMIN: &str = "fe930be7-5e62-47db-91af-98c3a49a38b1";
const GROUPS_ADMIN: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";
const DIRECTORY_WRITERS: &str = "9360feb5-f418-4baa-8175-e2a00bac4301";
const INTUNE_ADMIN: &str = "3a2c62db-5318-420d-8d74-23affee5d9d5";
const DIRECTORY_READERS: &str = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b";
const GUEST_INVITER: &str = "95e79109-95c0-4d8e-aee3-d01accf2d47b";
const MESSAGE_CENTER_READER: &str = "790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b";
const REPORTS_READER: &str = "4a5d8f65-41da-4de4-8968-e035b65339cf";
const USER_EXPERIENCE_SUCCESS_MANAGER: &str = "27460883-1df1-4691-b032-3b79643e5e63";
const USAGE_SUMMARY_REPORTS_READER: &str = "75934031-6c7e-415a-99d7-48dbd49e875e";
const PARTNER_TIER1: &str = "4ba39ca4-527c-499a-b93d-d9b492c50246";
const PARTNER_TIER2: &str = "e00e864a-17c5-4a4b-9c06-f5b95a8d5bd8";
const EXCHANGE_ADMIN: &str = "29232cdf-9323-42fd-ade2-1d097af3e4de";
const SHAREPOINT_ADMIN: &str = "f28a1f50-f6e7-4571-818b-6a12f2af6b6c";

/// What a directory role lets its holder do to other identities, within
/// its scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Power {
    /// Full control of the tenant (Global Administrator; Privileged Role
    /// Administrator, who may assign itself Global Administrator).
    TenantAdmin,
    /// Resets the passwords (and authentication methods) of the users its
    /// tier allows ([`RESET_TIERS`]).
    ResetPasswords,
    /// Adds credentials to applications and service principals.
    AppCredentials,
    /// Changes the members of groups that are not role-assignable.
    GroupMembers,
    /// Full access to every mailbox (Exchange administration).
    Mailboxes,
    /// Full access to every SharePoint site and OneDrive.
    Sites,
}

/// Built-in roles by template id, and their powers.
pub(crate) const ROLE_POWERS: &[(&str, &[Power])] = &[
    (GLOBAL_ADMIN, &[Power::TenantAdmin]),
    (PRIVILEGED_ROLE_ADMIN, &[Power::TenantAdmin]),
    (PRIVILEGED_AUTH_ADMIN, &[Power::ResetPasswords]),
    (APPLICATION_ADMIN, &[Power::AppCredentials]),
    (CLOUD_APPLICATION_ADMIN, &[Power::AppCredentials]),
    (AUTHENTICATION_ADMIN, &[Power::ResetPasswords]),
    (HELPDESK_ADMIN, &[Power::ResetPasswords]),
    (PASSWORD_ADMIN, &[Power::ResetPasswords]),
    (USER_ADMIN, &[Power::ResetPasswords, Power::GroupMembers]),
    (GROUPS_ADMIN, &[Power::GroupMembers]),
    (DIRECTORY_WRITERS, &[Power::GroupMembers]),
    (INTUNE_ADMIN, &[Power::GroupMembers]),
    (PARTNER_TIER1, &[Power::ResetPasswords]),
    (PARTNER_TIER2, &[Power::ResetPasswords]),
    (EXCHANGE_ADMIN, &[Power::Mailboxes]),
    (SHAREPOINT_ADMIN, &[Power::Sites]),
];

/// Who may reset whose password ("Who can reset passwords", tenant scope):
/// (resetter's template id, the roles whose holders it may reset). A user
/// with no role may be reset by every resetter; one with a role outside
/// the list, or a member or owner of a role-assignable group, only by
/// those whose list is `None` (everyone).
pub(crate) const RESET_TIERS: &[(&str, Option<&[&str]>)] = &[
    (
        PASSWORD_ADMIN,
        Some(&[DIRECTORY_READERS, GUEST_INVITER, PASSWORD_ADMIN]),
    ),
    (
        HELPDESK_ADMIN,
        Some(&[
            DIRECTORY_READERS,
            GUEST_INVITER,
            HELPDESK_ADMIN,
            MESSAGE_CENTER_READER,
            PASSWORD_ADMIN,
            REPORTS_READER,
            USER_EXPERIENCE_SUCCESS_MANAGER,
            USAGE_SUMMARY_REPORTS_READER,
        ]),
    ),
    (
        AUTHENTICATION_ADMIN,
        Some(&[
            AUTHENTICATION_ADMIN,
            DIRECTORY_READERS,
            GUEST_INVITER,
            MESSAGE_CENTER_READER,
            PASSWORD_ADMIN,
            REPORTS_READER,
            USER_EXPERIENCE_SUCCESS_MANAGER,
            USAGE_SUMMARY_REPORTS_READER,
        ]),
    ),
    (
        USER_ADMIN,
        Some(&[
            DIRECTORY_READERS,
            GROUPS_ADMIN,
            GUEST_INVITER,
            HELPDESK_ADMIN,
            MESSAGE_CENTER_READER,
            PASSWORD_ADMIN,
            REPORTS_READER,
            USER_ADMIN,
            USER_EXPERIENCE_SUCCESS_MANAGER,
            USAGE_SUMMARY_REPORTS_READER,
        ]),
    ),
    // Non-administrators only.
    (PARTNER_TIER1, Some(&[])),
    (PRIVILEGED_AUTH_ADMIN, None),
    (PARTNER_TIER2, None),
    (GLOBAL_ADMIN, None),
];

/// What a Microsoft Graph permission gives, application or delegated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GraphPower {
    /// Grants any directory role or any app role: the tenant.
    TenantAdmin,
    /// Adds credentials to any application or service principal.
    AppCredentials,
    /// Changes the members of groups that are not role-assignable.
    GroupMembers,
    /// Adds authentication methods (a Temporary Access Pass) to any user.
    UserAuthMethods,
    /// Microsoft 365 data: (the data's path under the tenant, level).
    Data(&'static str, blastgraph_model::AccessLevel),
}

use blastgraph_model::AccessLevel::{Admin, Read, Write};

pub(crate) const MAILBOXES: &str = "exchange/mailboxes";
pub(crate) const SITES: &str = "sharepoint/sites";
pub(crate) const DRIVES: &str = "onedrive/drives";

/// Graph permissions by value, with the app role id of the application
/// permission (used when the Graph service principal's `appRoles` are not
/// in the inputs). `Sites.Selected` reaches nothing without a per-site
/// grant, which the inputs do not hold: it is not listed.
pub(crate) const GRAPH_PERMISSIONS: &[(&str, &str, &[GraphPower])] = &[
    (
        "RoleManagement.ReadWrite.Directory",
        "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8",
        &[GraphPower::TenantAdmin],
    ),
    (
        "AppRoleAssignment.ReadWrite.All",
        "06b708a9-e830-4db3-a914-8e69da51d44f",
        &[GraphPower::TenantAdmin],
    ),
    (
        "Application.ReadWrite.All",
        "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
        &[GraphPower::AppCredentials],
    ),
    (
        "Directory.ReadWrite.All",
        "19dbc75e-c2e2-444c-a770-ec69d8559fc7",
        &[GraphPower::GroupMembers],
    ),
    (
        "Group.ReadWrite.All",
        "62a82d76-70ea-41e2-9197-370581804d09",
        &[GraphPower::GroupMembers],
    ),
    (
        "GroupMember.ReadWrite.All",
        "dbaae8cf-10b5-4b86-a4a1-f871c94c6695",
        &[GraphPower::GroupMembers],
    ),
    (
        "UserAuthenticationMethod.ReadWrite.All",
        "50483e42-d915-4231-9639-7fdb7fd190e5",
        &[GraphPower::UserAuthMethods],
    ),
    (
        "Mail.Read",
        "810c84a8-4a9e-49e6-bf7d-12d183f40d01",
        &[GraphPower::Data(MAILBOXES, Read)],
    ),
    (
        "Mail.ReadWrite",
        "e2a3a72e-5f79-4c64-b1b1-878b674786c9",
        &[GraphPower::Data(MAILBOXES, Write)],
    ),
    (
        "Files.Read.All",
        "01d4889c-1287-42c6-ac1f-5d1e02578ef6",
        &[
            GraphPower::Data(DRIVES, Read),
            GraphPower::Data(SITES, Read),
        ],
    ),
    (
        "Files.ReadWrite.All",
        "75359482-378d-4052-8f01-80520e7db3cd",
        &[
            GraphPower::Data(DRIVES, Write),
            GraphPower::Data(SITES, Write),
        ],
    ),
    (
        "Sites.Read.All",
        "332a536c-c7ef-4017-ab91-336970924f0d",
        &[
            GraphPower::Data(SITES, Read),
            GraphPower::Data(DRIVES, Read),
        ],
    ),
    (
        "Sites.ReadWrite.All",
        "9492366f-7969-46a4-8d15-ed1a20078fff",
        &[
            GraphPower::Data(SITES, Write),
            GraphPower::Data(DRIVES, Write),
        ],
    ),
    (
        "Sites.FullControl.All",
        "a82116e5-55eb-4c41-a434-62fe8a61c773",
        &[
            GraphPower::Data(SITES, Admin),
            GraphPower::Data(DRIVES, Admin),
        ],
    ),
];

/// The powers of a Graph permission by its value (case-insensitive).
pub(crate) fn graph_powers(value: &str) -> &'static [GraphPower] {
    GRAPH_PERMISSIONS
        .iter()
        .find(|(v, _, _)| v.eq_ignore_ascii_case(value))
        .map_or(&[], |(_, _, p)| p)
}

/// A Graph application permission's value from its app role id, when the
/// Graph service principal's `appRoles` are not in the inputs.
pub(crate) fn graph_role_value(id: &str) -> Option<&'static str> {
    GRAPH_PERMISSIONS
        .iter()
        .find(|(_, i, _)| i.eq_ignore_ascii_case(id))
        .map(|(v, _, _)| *v)
}

/// The powers of a built-in role by template id.
pub(crate) fn role_powers(template: &str) -> &'static [Power] {
    ROLE_POWERS
        .iter()
        .find(|(t, _)| *t == template)
        .map_or(&[], |(_, p)| p)
}

/// Powers a custom role's `allowedResourceActions` give (lower-cased).
pub(crate) fn custom_powers(actions: &[String]) -> Vec<Power> {
    let has = |a: &str| {
        actions.iter().any(|x| {
            x == a
                || x.strip_suffix("/alltasks")
                    .is_some_and(|p| a.starts_with(p))
        })
    };
    let mut out = Vec::new();
    if has("microsoft.directory/roleassignments/allproperties/alltasks")
        || has("microsoft.directory/roleassignments/create")
    {
        out.push(Power::TenantAdmin);
    }
    if has("microsoft.directory/applications/credentials/update")
        || has("microsoft.directory/serviceprincipals/credentials/update")
    {
        out.push(Power::AppCredentials);
    }
    if has("microsoft.directory/groups/members/update") {
        out.push(Power::GroupMembers);
    }
    out
}

/// Whether a resetter (template id) may reset a user holding `roles`
/// (template ids) who is `protected` (member or owner of a role-assignable
/// group, or holding a role scoped to a restricted management unit).
pub(crate) fn may_reset(resetter: &str, roles: &[&str], protected: bool) -> bool {
    let Some((_, allowed)) = RESET_TIERS.iter().find(|(r, _)| *r == resetter) else {
        return false;
    };
    match allowed {
        None => true,
        Some(list) => !protected && roles.iter().all(|r| list.contains(r)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_tiers_follow_microsofts_table() {
        // Helpdesk resets a Password Administrator, not a User Administrator.
        assert!(may_reset(HELPDESK_ADMIN, &[PASSWORD_ADMIN], false));
        assert!(!may_reset(HELPDESK_ADMIN, &[USER_ADMIN], false));
        // Nobody but PAA and GA resets a Global Administrator.
        assert!(!may_reset(USER_ADMIN, &[GLOBAL_ADMIN], false));
        assert!(may_reset(PRIVILEGED_AUTH_ADMIN, &[GLOBAL_ADMIN], true));
        // A member of a role-assignable group is protected.
        assert!(!may_reset(PASSWORD_ADMIN, &[], true));
        assert!(may_reset(PASSWORD_ADMIN, &[], false));
        // A role that resets nothing.
        assert!(!may_reset(GROUPS_ADMIN, &[], false));
    }

    #[test]
    fn graph_permissions_resolve_by_value_and_id() {
        assert_eq!(
            graph_role_value("9E3F62CF-CA93-4989-B6CE-BF83C28F9FE8"),
            Some("RoleManagement.ReadWrite.Directory")
        );
        assert_eq!(
            graph_powers("mail.read"),
            &[GraphPower::Data(MAILBOXES, Read)]
        );
        assert!(graph_powers("Sites.Selected").is_empty());
    }
}
