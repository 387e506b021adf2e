//! What the inputs say, in one shape whichever form they came in (raw
//! Graph and ARM responses, AzureHound): the rules of [`crate::emit`] read
//! only these facts.
//!
//! Object ids and ARM ids are kept lower-cased (both are case-insensitive);
//! names keep their case.

use std::collections::{BTreeMap, BTreeSet};

/// Where a record was read: the input file (index into [`Facts::files`]) and
/// its JSON path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct At {
    pub file: usize,
    pub path: String,
}

/// An Entra user.
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub name: String,
    pub upn: Option<String>,
    pub enabled: bool,
    pub guest: bool,
    pub at: At,
}

/// An Entra group.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub name: String,
    /// `isAssignableToRole`: only Privileged Role Administrators, Global
    /// Administrators and its owners may change its members.
    pub role_assignable: bool,
    /// A dynamic group's members follow a rule: nobody adds members.
    pub dynamic: bool,
    pub at: At,
}

/// An Entra service principal (including managed identities).
#[derive(Debug, Clone)]
pub(crate) struct ServicePrincipal {
    pub name: String,
    pub app_id: Option<String>,
    pub managed: bool,
    pub enabled: bool,
    /// The ARM resource id of a managed identity (`alternativeNames`).
    pub resource: Option<String>,
    /// App role id (lower) → value, for resource apps such as Microsoft
    /// Graph.
    pub app_roles: BTreeMap<String, String>,
    /// The tenant that registered the app (`appOwnerOrganizationId`).
    pub owner_org: Option<String>,
    pub at: At,
}

/// An Entra application registration.
#[derive(Debug, Clone)]
pub(crate) struct Application {
    pub name: String,
    pub app_id: String,
}

/// What kind of directory object an id names, when the input says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ObjKind {
    User,
    Group,
    ServicePrincipal,
    Application,
    Other,
}

impl ObjKind {
    /// From `@odata.type` (`#microsoft.graph.user`) or ARM's
    /// `principalType` (`User`, `Group`, `ServicePrincipal`).
    pub(crate) fn parse(s: &str) -> ObjKind {
        let s = s.rsplit('.').next().unwrap_or(s).to_ascii_lowercase();
        match s.as_str() {
            "user" => ObjKind::User,
            "group" => ObjKind::Group,
            "serviceprincipal" => ObjKind::ServicePrincipal,
            "application" => ObjKind::Application,
            _ => ObjKind::Other,
        }
    }
}

/// `member` is a direct member of `group` (or of an administrative unit).
#[derive(Debug, Clone)]
pub(crate) struct Membership {
    pub container: String,
    pub member: String,
    pub kind: ObjKind,
    pub at: At,
}

/// `owner` owns `owned` (an application, a service principal or a group).
#[derive(Debug, Clone)]
pub(crate) struct Ownership {
    pub owned: String,
    pub owned_kind: ObjKind,
    pub owner: String,
    pub at: At,
}

/// A directory role definition.
#[derive(Debug, Clone)]
pub(crate) struct DirRole {
    pub name: String,
    /// The template id (lower): the same in every tenant for built-in roles.
    pub template: String,
    pub built_in: bool,
    /// `rolePermissions[].allowedResourceActions`, lower-cased.
    pub actions: Vec<String>,
}

/// Where a directory role assignment applies (`directoryScopeId`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum DirScope {
    /// `/`: the whole tenant.
    Tenant,
    /// `/administrativeUnits/ID`.
    Unit(String),
    /// `/ID`: one application (or another single object).
    Object(String),
    /// The input lost it (AzureHound writes `/` for every non-application
    /// scope): never widened to the tenant.
    Unknown,
}

impl DirScope {
    pub(crate) fn parse(s: &str) -> DirScope {
        let s = s.trim();
        if s == "/" || s.is_empty() {
            return DirScope::Tenant;
        }
        let lower = s.trim_start_matches('/').to_ascii_lowercase();
        match lower.strip_prefix("administrativeunits/") {
            Some(unit) => DirScope::Unit(unit.to_string()),
            None => DirScope::Object(lower),
        }
    }
}

/// A directory role assignment, active or eligible (PIM).
#[derive(Debug, Clone)]
pub(crate) struct DirAssignment {
    pub principal: String,
    /// The role definition id (lower): a template id for built-in roles.
    pub role: String,
    pub scope: DirScope,
    pub eligible: bool,
    pub at: At,
}

/// An application permission granted to `principal` (a service principal)
/// on `resource` (the API's service principal).
#[derive(Debug, Clone)]
pub(crate) struct AppRoleGrant {
    pub principal: String,
    pub principal_kind: ObjKind,
    pub resource: String,
    pub role: String,
    pub at: At,
}

/// A delegated permission grant.
#[derive(Debug, Clone)]
pub(crate) struct DelegatedGrant {
    pub client: String,
    /// `None`: `AllPrincipals` (admin consent for every user).
    pub user: Option<String>,
    pub resource: String,
    pub scopes: Vec<String>,
    pub at: At,
}

/// A federated identity credential of an application (`owner` is its
/// object id) or a user-assigned managed identity (`owner` is its ARM id).
#[derive(Debug, Clone)]
pub(crate) struct Fic {
    pub owner: String,
    pub name: String,
    pub issuer: String,
    pub subject: String,
    pub at: At,
}

/// A scope of the ARM hierarchy (management group, subscription, resource
/// group).
#[derive(Debug, Clone)]
pub(crate) struct ArmScope {
    pub name: String,
    pub kind: ScopeKind,
    /// The parent scope's id (lower), when known.
    pub parent: Option<String>,
    pub at: At,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScopeKind {
    ManagementGroup,
    Subscription,
    ResourceGroup,
}

/// One permission block of an ARM role definition, patterns lower-cased.
#[derive(Debug, Clone, Default)]
pub(crate) struct Permission {
    pub actions: Vec<String>,
    pub not_actions: Vec<String>,
    pub data_actions: Vec<String>,
    pub not_data_actions: Vec<String>,
}

/// An ARM role definition.
#[derive(Debug, Clone)]
pub(crate) struct ArmRole {
    pub name: String,
    pub permissions: Vec<Permission>,
    /// Taken from the shipped table of built-in roles
    /// ([`crate::builtin`]), the inputs having no definition.
    pub shipped: bool,
    /// Deny assignments that apply to one holder at one resource: what
    /// they deny is not allowed, whatever `permissions` say.
    pub denied: Vec<Permission>,
}

/// An ARM deny assignment: the principals it names may not perform what
/// its permissions list at its scope (and below, unless
/// `doNotApplyToChildScopes`), whatever their roles allow.
#[derive(Debug, Clone)]
pub(crate) struct Deny {
    pub name: String,
    pub scope: String,
    /// `Everyone` (the zero object id) is named.
    pub everyone: bool,
    /// Object ids (lower): users, groups, service principals.
    pub principals: Vec<String>,
    pub exclude: Vec<String>,
    pub permissions: Vec<Permission>,
    pub children: bool,
}

/// An ARM role assignment, active or eligible.
#[derive(Debug, Clone)]
pub(crate) struct ArmAssignment {
    pub principal: String,
    pub principal_kind: ObjKind,
    /// The role definition's GUID (lower).
    pub role: String,
    /// The scope's ARM id (lower), `/` for the root.
    pub scope: String,
    /// An ABAC condition, as written.
    pub condition: Option<String>,
    pub eligible: bool,
    pub at: At,
}

/// A Cosmos DB data-plane role assignment (`sqlRoleAssignments`).
#[derive(Debug, Clone)]
pub(crate) struct CosmosAssignment {
    pub account: String,
    pub principal: String,
    /// The role definition id (lower, full ARM id).
    pub role: String,
    /// The scope (lower ARM id: the account, a database or a container).
    pub scope: String,
    pub at: At,
}

/// An ARM resource or sub-resource.
#[derive(Debug, Clone, Default)]
pub(crate) struct Resource {
    pub name: String,
    /// `Microsoft.KeyVault/vaults`, `Microsoft.KeyVault/vaults/secrets`, ...
    /// (lower).
    pub kind: String,
    /// `OpenAI`, `functionapp`, ... (lower).
    pub sub_kind: String,
    /// Principal ids (lower) of its managed identities: the system-assigned
    /// one and every user-assigned one (for those, the user-assigned
    /// identity's resource id, lower, when its principal id is not given).
    pub identities: Vec<IdentityRef>,
    /// Key vaults: `enableRbacAuthorization`.
    pub rbac_vault: bool,
    /// Key vaults: access policies.
    pub access_policies: Vec<AccessPolicy>,
    /// Storage, Cosmos DB, Cognitive Services: keys are turned off
    /// (`allowSharedKeyAccess: false`, `disableLocalAuth: true`).
    pub keys_off: bool,
    /// User-assigned identities: their principal id.
    pub principal_id: Option<String>,
    /// Key Vault secrets: the node its `credential-of` tag names
    /// (`ids::CREDENTIAL_OF`).
    pub credential_of: Option<String>,
    pub at: At,
}

/// A managed identity a resource runs as.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum IdentityRef {
    /// A principal id.
    Principal(String),
    /// A user-assigned identity's resource id (its principal id comes from
    /// the identity's own record).
    UserAssigned(String),
}

/// A Key Vault access policy.
#[derive(Debug, Clone)]
pub(crate) struct AccessPolicy {
    pub object: String,
    /// Secret permissions, lower-cased.
    pub secrets: Vec<String>,
    pub path: String,
}

/// Everything the inputs say.
#[derive(Debug, Default)]
pub(crate) struct Facts {
    pub files: Vec<String>,
    /// Each file's index in `files`.
    pub file_index: std::collections::HashMap<String, usize>,
    pub tenant: Option<(String, String, At)>,
    pub users: BTreeMap<String, User>,
    pub groups: BTreeMap<String, Group>,
    pub sps: BTreeMap<String, ServicePrincipal>,
    pub apps: BTreeMap<String, Application>,
    /// Administrative units: name, restricted management, where.
    pub units: BTreeMap<String, (String, bool, At)>,
    pub members: Vec<Membership>,
    pub owners: Vec<Ownership>,
    pub dir_roles: BTreeMap<String, DirRole>,
    pub dir_assignments: Vec<DirAssignment>,
    pub app_grants: Vec<AppRoleGrant>,
    pub delegated: Vec<DelegatedGrant>,
    pub fics: Vec<Fic>,
    pub scopes: BTreeMap<String, ArmScope>,
    pub arm_roles: BTreeMap<String, ArmRole>,
    pub arm_assignments: Vec<ArmAssignment>,
    pub denies: Vec<Deny>,
    /// The ids of the ARM role assignments read: an assignment listed at
    /// several scopes (inherited ones are, without `atScope()`) is kept
    /// once.
    pub arm_assignment_ids: std::collections::HashSet<String>,
    pub cosmos_roles: BTreeMap<String, ArmRole>,
    pub cosmos_assignments: Vec<CosmosAssignment>,
    pub resources: BTreeMap<String, Resource>,
    /// Which Graph and ARM lists were read (`users`, `groups/ID/members`,
    /// `arm:…/secrets`, ...), to tell "none" from "not collected".
    pub seen: BTreeSet<String>,
    /// What inspected Key Vault secret values hold
    /// (`--inspect-secret-values`): never the value.
    pub inspected: Vec<Inspected>,
}

/// The credentials one Key Vault secret's value holds, read from
/// `…/keyvault/VAULT/secrets/NAME.json`; the value itself is dropped.
#[derive(Debug, Clone)]
pub(crate) struct Inspected {
    /// The vault's name (lower).
    pub vault: String,
    /// The secret's name (lower).
    pub name: String,
    pub found: Vec<blastgraph_model::credentials::Finding>,
    pub at: At,
}

impl Facts {
    /// The index of a file, added on first use.
    pub(crate) fn file(&mut self, path: &str) -> usize {
        if let Some(&i) = self.file_index.get(path) {
            return i;
        }
        self.files.push(path.to_string());
        self.file_index
            .insert(path.to_string(), self.files.len() - 1);
        self.files.len() - 1
    }

    /// The tenant id, when an input named it.
    pub(crate) fn tenant_id(&self) -> Option<&str> {
        self.tenant.as_ref().map(|(id, _, _)| id.as_str())
    }
}

/// An ARM id as facts keep it: lower case, one leading `/`, no trailing
/// `/`.
pub(crate) fn arm_key(id: &str) -> String {
    format!("/{}", id.trim().trim_matches('/').to_ascii_lowercase())
}

/// An object id as facts keep it.
pub(crate) fn oid(id: &str) -> String {
    id.trim().to_ascii_lowercase()
}
