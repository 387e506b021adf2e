//! The rules: [`Facts`] into nodes and edges.
//!
//! Each rule says in its edge's reason which assignment, ownership, grant
//! or policy made the hop, and where it was read. An edge is conditional
//! only when the inputs cannot tell: a PIM eligibility (activation is not
//! in the inputs), an ABAC condition on an ARM assignment, a delegated
//! grant (it needs a signed-in user), a scope the input lost, a role
//! definition that was not collected.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use blastgraph_model::{
    AccessLevel, Attributes, Class, Edge, EdgeKind, EstateBuilder, Node, Provenance, ids,
};

use crate::facts::*;
use crate::rbac::{self, under};
use crate::tables::{self, GraphPower, Power};

/// The reason an eligible (PIM) assignment is conditional.
const ELIGIBLE: &str = "eligible through PIM: activation, and the MFA, approval or justification its policy may require, is not in the inputs";

/// The reason of an edge from an assignment whose scope the input lost.
const UNKNOWN_SCOPE: &str = "unknown scope: the input does not keep the assignment's directory scope (AzureHound writes `/` for administrative-unit scopes); it reaches this only if the scope is the tenant — raw Graph input (roleManagement/directory/roleAssignments) decides it";

/// What decides an edge: firm, or conditional with the reason.
type Cond = Option<String>;

pub(crate) fn emit(facts: &Facts, out: &mut EstateBuilder) {
    let tenant = facts.tenant_id().unwrap_or("unknown-tenant").to_string();
    let mut e = Emit {
        f: facts,
        out,
        added: HashSet::new(),
        tenant,
        m365: BTreeSet::new(),
        hubs: HashSet::new(),
        ix: Index::new(facts),
        selected: usize::MAX,
    };
    e.ix.scopes = e.all_scopes();
    e.directory_nodes();
    e.memberships();
    e.directory_roles();
    e.ownerships();
    e.app_permissions();
    e.delegated_grants();
    e.federated_credentials();
    e.arm_scopes();
    e.arm_assignments();
    e.identity_attachments();
    e.vault_policies();
    e.tagged_credentials();
    e.inspected_values();
    e.cosmos_assignments();
    e.tenant_admin_reach();
}

/// Lookups built once, so that no rule scans every fact per identity.
#[derive(Default)]
struct Index {
    /// Active directory roles by principal: (template id, scoped to a
    /// restricted management unit).
    roles: std::collections::HashMap<String, Vec<(String, bool)>>,
    /// Role-assignable groups each object is a member of.
    protected_groups: std::collections::HashMap<String, Vec<String>>,
    /// Owners of role-assignable groups.
    protected_owners: HashSet<String>,
    /// Members of restricted management units.
    restricted: HashSet<String>,
    /// Members of each administrative unit.
    unit_members: std::collections::HashMap<String, Vec<String>>,
    /// The (non-managed) service principal of each application id.
    sp_by_app: std::collections::HashMap<String, String>,
    /// Every ARM scope: read, or named by a resource or an assignment.
    scopes: Scopes,
    /// Each user, group and service principal: its kind and whether it can
    /// hold a session (one lookup where three maps would take three).
    objects: std::collections::HashMap<String, (ObjKind, bool)>,
    /// The groups each object is a direct member of (built only when a
    /// deny assignment may name a group).
    parents: std::collections::HashMap<String, Vec<String>>,
}

type Scopes = BTreeMap<String, (String, ScopeKind, Option<String>, At)>;

impl Index {
    fn new(f: &Facts) -> Index {
        let mut ix = Index::default();
        if !f.denies.is_empty() {
            for m in f
                .members
                .iter()
                .filter(|m| !m.container.starts_with("unit:"))
            {
                ix.parents
                    .entry(m.member.clone())
                    .or_default()
                    .push(m.container.clone());
            }
        }
        ix.objects
            .reserve(f.users.len() + f.groups.len() + f.sps.len());
        for (id, s) in &f.sps {
            ix.objects
                .insert(id.clone(), (ObjKind::ServicePrincipal, s.enabled));
        }
        for id in f.groups.keys() {
            ix.objects.insert(id.clone(), (ObjKind::Group, true));
        }
        for (id, u) in &f.users {
            ix.objects.insert(id.clone(), (ObjKind::User, u.enabled));
        }
        let template = |role: &str| {
            f.dir_roles
                .get(role)
                .map_or(role, |r| r.template.as_str())
                .to_string()
        };
        for a in &f.dir_assignments {
            if a.eligible {
                continue;
            }
            let restricted =
                matches!(&a.scope, DirScope::Unit(u) if f.units.get(u).is_some_and(|(_, r, _)| *r));
            ix.roles
                .entry(a.principal.clone())
                .or_default()
                .push((template(&a.role), restricted));
        }
        for m in &f.members {
            if let Some(unit) = m.container.strip_prefix("unit:") {
                ix.unit_members
                    .entry(unit.to_string())
                    .or_default()
                    .push(m.member.clone());
                if f.units.get(unit).is_some_and(|(_, r, _)| *r) {
                    ix.restricted.insert(m.member.clone());
                }
            } else if f
                .groups
                .get(&m.container)
                .is_some_and(|g| g.role_assignable)
            {
                ix.protected_groups
                    .entry(m.member.clone())
                    .or_default()
                    .push(m.container.clone());
            }
        }
        for o in &f.owners {
            if f.groups.get(&o.owned).is_some_and(|g| g.role_assignable) {
                ix.protected_owners.insert(o.owner.clone());
            }
        }
        for (id, sp) in &f.sps {
            if let (Some(app), false) = (&sp.app_id, sp.managed) {
                ix.sp_by_app
                    .entry(app.clone())
                    .or_insert_with(|| id.clone());
            }
        }
        ix
    }
}

struct Emit<'a> {
    f: &'a Facts,
    out: &'a mut EstateBuilder,
    added: HashSet<String>,
    tenant: String,
    /// Microsoft 365 data nodes made so far (their ids).
    m365: BTreeSet<String>,
    /// Hub nodes made so far.
    hubs: HashSet<String>,
    ix: Index,
    /// The input file the builder reports against (an index into
    /// [`Facts::files`]).
    selected: usize,
}

/// A hub: one node standing for a set of identities an attacker may take
/// over alike, with a `can_act_as` to each.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Hub {
    /// Users a resetter role may reset (by its template id); `all` for
    /// Privileged Authentication Administrator-equivalent control.
    Reset(String),
    /// Every application's service principal (credentials can be added).
    AppCredentials,
    /// Every group whose members may be changed (not role-assignable, not
    /// dynamic).
    GroupMembers,
    /// The members of an administrative unit a resetter role (template)
    /// scoped to it may reset.
    UnitReset(String, String),
    /// The groups of an administrative unit whose members may be changed.
    UnitGroups(String),
    /// Every enabled user no tier protects: no directory role, no
    /// role-assignable group, no restricted management unit. Every
    /// resetter reaches them, so each tier's hub reaches this one instead
    /// of each of them (a large tenant's users, once).
    Unprotected,
}

impl<'a> Emit<'a> {
    // ---------------------------------------------------------------- nodes

    fn path(&self, at: &At) -> &str {
        self.f.files.get(at.file).map_or("<input>", String::as_str)
    }

    fn node(&mut self, id: String, name: String, kind: &str, class: Class, at: Option<&At>) {
        self.node_tagged(id, name, kind, class, at, BTreeMap::new());
    }

    fn node_tagged(
        &mut self,
        id: String,
        name: String,
        kind: &str,
        class: Class,
        at: Option<&At>,
        tags: BTreeMap<String, String>,
    ) {
        if !self.added.insert(id.clone()) {
            return;
        }
        let location = match at {
            Some(at) => {
                let path = self.path(at).to_string();
                self.out.select_input(&path);
                self.selected = at.file;
                at.path.clone()
            }
            None => String::new(),
        };
        self.out.add_node(
            Node {
                id,
                name,
                provider: "azure".into(),
                kind: kind.into(),
                class,
                attrs: Attributes {
                    tags,
                    ..Attributes::default()
                },
            },
            &location,
        );
    }

    /// An edge with its provenance; `cond` makes it conditional.
    #[expect(
        clippy::too_many_arguments,
        reason = "one call site per rule reads best with its parts named in order"
    )]
    fn edge(
        &mut self,
        (from, to): (String, String),
        kind: EdgeKind,
        access: Option<AccessLevel>,
        mechanism: Option<&str>,
        at: &At,
        reason: String,
        cond: Cond,
    ) {
        // An identity acting as itself (a managed identity whose role
        // reaches its own resource) says nothing.
        if from == to && kind != EdgeKind::MemberOf {
            return;
        }
        let source = self.path(at).to_string();
        // What the builder reports (a self-loop) names the edge's own file.
        if self.selected != at.file {
            self.out.select_input(&source);
            self.selected = at.file;
        }
        self.out.add_edge(Edge {
            id: None,
            from,
            to,
            kind,
            access,
            mechanism: mechanism.map(str::to_string),
            conditional: cond.is_some(),
            condition: cond,
            provenance: Provenance {
                source,
                location: at.path.clone(),
                reason,
            },
        });
    }

    fn tenant_admin(&mut self) -> String {
        let id = ids::entra_tenant_admin(&self.tenant);
        let at = self.f.tenant.as_ref().map(|(_, _, at)| at.clone());
        let name = match &self.f.tenant {
            Some((_, name, _)) => format!("tenant admin of {name}"),
            None => format!("tenant admin of {}", self.tenant),
        };
        self.node(
            id.clone(),
            name,
            "azure:tenant_admin",
            Class::Scope,
            at.as_ref(),
        );
        id
    }

    /// The node of a directory object, made when first named. An object
    /// the directory inputs do not hold (a deleted principal, or Graph not
    /// collected) gets a node of the kind its referrer gives.
    fn principal(&mut self, object: &str, kind: ObjKind, at: &At) -> String {
        let id = ids::entra_object(object);
        if self.added.contains(&id) {
            return id;
        }
        let (kind, class) = match kind {
            ObjKind::User => ("azure:user", Class::Human),
            ObjKind::Group => ("azure:group", Class::Group),
            _ => ("azure:service_principal", Class::Workload),
        };
        self.node(
            id.clone(),
            format!("{object} (not in the directory inputs)"),
            kind,
            class,
            Some(at),
        );
        id
    }

    /// The kind of an object id, from the directory inputs.
    fn kind_of(&self, object: &str) -> ObjKind {
        self.ix
            .objects
            .get(object)
            .map_or(ObjKind::Other, |(k, _)| *k)
    }

    /// Whether an object can hold a session: not a disabled user or
    /// service principal.
    fn enabled(&self, object: &str) -> bool {
        self.ix.objects.get(object).is_none_or(|(_, e)| *e)
    }

    fn directory_nodes(&mut self) {
        let f = self.f;
        if f.tenant.is_some() {
            self.tenant_admin();
        }
        for (id, u) in &f.users {
            let mut tags = BTreeMap::new();
            if let Some(upn) = &u.upn {
                tags.insert("azure:upn".into(), upn.clone());
            }
            if !u.enabled {
                tags.insert("azure:account_enabled".into(), "false".into());
            }
            if u.guest {
                tags.insert("azure:user_type".into(), "Guest".into());
            }
            self.node_tagged(
                ids::entra_object(id),
                u.name.clone(),
                "azure:user",
                Class::Human,
                Some(&u.at),
                tags,
            );
        }
        for (id, g) in &f.groups {
            let mut tags = BTreeMap::new();
            if g.role_assignable {
                tags.insert("azure:role_assignable".into(), "true".into());
            }
            self.node_tagged(
                ids::entra_object(id),
                g.name.clone(),
                "azure:group",
                Class::Group,
                Some(&g.at),
                tags,
            );
        }
        for (id, s) in &f.sps {
            let mut tags = BTreeMap::new();
            if let Some(app) = &s.app_id {
                tags.insert("azure:app_id".into(), app.clone());
            }
            if !s.enabled {
                tags.insert("azure:account_enabled".into(), "false".into());
            }
            if let Some(r) = &s.resource {
                tags.insert("azure:resource".into(), r.clone());
            }
            if let Some(org) = s
                .owner_org
                .as_ref()
                .filter(|o| Some(o.as_str()) != f.tenant_id())
            {
                tags.insert("azure:app_owner_tenant".into(), org.clone());
            }
            let kind = if s.managed {
                "azure:managed_identity"
            } else {
                "azure:service_principal"
            };
            self.node_tagged(
                ids::entra_object(id),
                s.name.clone(),
                kind,
                Class::Workload,
                Some(&s.at),
                tags,
            );
        }
    }

    // ---------------------------------------------------------- membership

    fn memberships(&mut self) {
        let f = self.f;
        for m in &f.members {
            if m.container.starts_with("unit:") || !self.enabled(&m.member) {
                continue;
            }
            let group = self.principal(&m.container, ObjKind::Group, &m.at);
            let member = self.principal(&m.member, m.kind, &m.at);
            let name = f.groups.get(&m.container).map_or(&m.container, |g| &g.name);
            self.edge(
                (member, group),
                EdgeKind::MemberOf,
                None,
                None,
                &m.at,
                format!("member of group {name} (groups/{}/members)", m.container),
                None,
            );
        }
    }

    // ------------------------------------------------------ directory roles

    /// The template id of a role definition id (built-in roles are named by
    /// their template id; custom roles by their own id).
    fn template<'r>(&'r self, role: &'r str) -> &'r str {
        self.f
            .dir_roles
            .get(role)
            .map_or(role, |r| r.template.as_str())
    }

    fn role_name(&self, role: &str) -> String {
        self.f
            .dir_roles
            .get(role)
            .map_or_else(|| format!("role {role}"), |r| r.name.clone())
    }

    /// The powers of a role: the table's for a built-in role, its actions'
    /// for a custom one.
    fn powers(&self, role: &str) -> Vec<Power> {
        let template = self.template(role);
        let built_in = tables::role_powers(template);
        if !built_in.is_empty() {
            return built_in.to_vec();
        }
        self.f
            .dir_roles
            .get(role)
            .filter(|r| !r.built_in)
            .map(|r| tables::custom_powers(&r.actions))
            .unwrap_or_default()
    }

    fn directory_roles(&mut self) {
        let f = self.f;
        for a in &f.dir_assignments {
            if !self.enabled(&a.principal) || self.powers(&a.role).is_empty() {
                continue;
            }
            let kind = self.kind_of(&a.principal);
            let p = self.principal(&a.principal, kind, &a.at);
            self.role_powers(&p, a, None);
        }
    }

    /// The edges of one directory role assignment, from `p`: its holder,
    /// or (`via`: the condition and what it says) an app acting with the
    /// holder's token.
    fn role_powers(&mut self, p: &str, a: &DirAssignment, via: Option<(&str, &str)>) {
        let f = self.f;
        {
            let powers = self.powers(&a.role);
            let role = self.role_name(&a.role);
            let template = self.template(&a.role).to_string();
            let mut cond: Cond = a.eligible.then(|| ELIGIBLE.to_string());
            if let Some((c, _)) = via {
                cond = Some(join(cond, c));
            }
            let scope_text = match &a.scope {
                DirScope::Tenant => "the tenant".to_string(),
                DirScope::Unit(u) => format!(
                    "administrative unit {}",
                    f.units.get(u).map_or(u.as_str(), |(n, _, _)| n.as_str())
                ),
                DirScope::Object(o) => format!("object {o}"),
                DirScope::Unknown => {
                    cond = Some(join(cond, UNKNOWN_SCOPE));
                    "an unknown scope".to_string()
                }
            };
            let reason = |what: &str| {
                format!(
                    "{what}{}: directory role {role} over {scope_text}{} (roleManagement/directory/{})",
                    via.map_or(String::new(), |(_, w)| format!(" {w}")),
                    if a.eligible { ", eligible" } else { "" },
                    if a.eligible {
                        "roleEligibilitySchedules"
                    } else {
                        "roleAssignments"
                    }
                )
            };
            let whole = matches!(a.scope, DirScope::Tenant | DirScope::Unknown);
            // A unit whose members were not listed (AzureHound collects no
            // units): any user its tier allows, conditionally.
            let unlisted_unit = match &a.scope {
                DirScope::Unit(u) if !f.seen.contains(&format!("units/{u}/members")) => {
                    cond = Some(join(
                        cond,
                        &format!(
                            "the members of administrative unit {u} are not in the inputs: it reaches only those of these who are members (directory/administrativeUnits/{u}/members decides)"
                        ),
                    ));
                    true
                }
                _ => false,
            };
            for power in powers {
                use AccessLevel::Admin;
                use EdgeKind::{Access, CanActAs, CanEscalate};
                // (targets, kind, level, mechanism, what it does)
                let (to, kind, access, how, what): (Vec<String>, _, _, _, _) =
                    match (power, &a.scope) {
                        (Power::TenantAdmin, _) if whole => (
                            vec![self.tenant_admin()],
                            CanEscalate,
                            None,
                            "directory role",
                            "controls the tenant",
                        ),
                        (Power::ResetPasswords, DirScope::Unit(_)) if unlisted_unit => (
                            vec![self.hub(&Hub::Reset(template.clone()))],
                            CanActAs,
                            None,
                            "password reset",
                            "resets the password of a member of the unit",
                        ),
                        (Power::GroupMembers, DirScope::Unit(_)) if unlisted_unit => (
                            vec![self.hub(&Hub::GroupMembers)],
                            CanActAs,
                            None,
                            "add member",
                            "adds itself to a group of the unit",
                        ),
                        (Power::ResetPasswords, DirScope::Unit(unit)) => (
                            vec![self.hub(&Hub::UnitReset(template.clone(), unit.clone()))],
                            CanActAs,
                            None,
                            "password reset",
                            "resets the password of a member of the unit",
                        ),
                        (Power::ResetPasswords, _) if whole => (
                            vec![self.hub(&Hub::Reset(template.clone()))],
                            CanActAs,
                            None,
                            "password reset",
                            "resets the passwords of the users its tier allows",
                        ),
                        (Power::AppCredentials, DirScope::Object(o)) => (
                            self.sp_of_object(o)
                                .map(|sp| ids::entra_object(&sp))
                                .into_iter()
                                .collect(),
                            CanActAs,
                            None,
                            "add credential",
                            "adds a credential to the application",
                        ),
                        (Power::AppCredentials, _) if whole => (
                            vec![self.hub(&Hub::AppCredentials)],
                            CanActAs,
                            None,
                            "add credential",
                            "adds a credential to any application or service principal",
                        ),
                        (Power::GroupMembers, DirScope::Unit(unit)) => (
                            vec![self.hub(&Hub::UnitGroups(unit.clone()))],
                            CanActAs,
                            None,
                            "add member",
                            "adds itself to a group of the unit",
                        ),
                        (Power::GroupMembers, DirScope::Object(g)) if self.joinable(g) => (
                            vec![ids::entra_object(g)],
                            CanActAs,
                            None,
                            "add member",
                            "adds itself to the group",
                        ),
                        (Power::GroupMembers, _) if whole => (
                            vec![self.hub(&Hub::GroupMembers)],
                            CanActAs,
                            None,
                            "add member",
                            "adds itself to any group that is not role-assignable",
                        ),
                        (Power::Mailboxes, _) if whole => (
                            vec![self.m365_node(tables::MAILBOXES, None)],
                            Access,
                            Some(Admin),
                            "directory role",
                            "administers every mailbox",
                        ),
                        (Power::Sites, _) if whole => (
                            vec![
                                self.m365_node(tables::SITES, None),
                                self.m365_node(tables::DRIVES, None),
                            ],
                            Access,
                            Some(Admin),
                            "directory role",
                            "administers every site and drive",
                        ),
                        _ => continue,
                    };
                for t in to {
                    self.edge(
                        (p.to_string(), t),
                        kind,
                        access,
                        Some(how),
                        &a.at,
                        reason(what),
                        cond.clone(),
                    );
                }
            }
        }
    }

    /// The active role templates of each user, directly or through a
    /// role-assignable group, and whether the user is protected (member or
    /// owner of a role-assignable group, or holding a role scoped to a
    /// restricted management unit).
    fn user_roles(&self, user: &str) -> (Vec<&str>, bool) {
        let ix = &self.ix;
        let groups = ix.protected_groups.get(user).map_or(&[][..], Vec::as_slice);
        let mut roles = Vec::new();
        let mut restricted = false;
        let held = std::iter::once(user).chain(groups.iter().map(String::as_str));
        for p in held {
            for (t, r) in ix.roles.get(p).map_or(&[][..], Vec::as_slice) {
                roles.push(t.as_str());
                restricted |= *r;
            }
        }
        (
            roles,
            !groups.is_empty() || ix.protected_owners.contains(user) || restricted,
        )
    }

    /// Whether a resetter (template) may reset `user`; `unit` is the
    /// resetter's administrative unit when its role is scoped to one.
    fn resettable(&self, resetter: &str, user: &str, unit: Option<&str>) -> bool {
        if !self.enabled(user) {
            return false;
        }
        // Members of a restricted management unit are managed only by
        // roles scoped to that unit.
        if unit.is_none() && resetter != "all" && self.in_restricted_unit(user) {
            return false;
        }
        if resetter == "all" {
            return true;
        }
        let (roles, protected) = self.user_roles(user);
        tables::may_reset(resetter, &roles, protected)
    }

    /// A reset hub's edge to each user `resets` picks.
    fn reset_edges(
        &mut self,
        hub: &str,
        users: Vec<(&'a String, &'a User)>,
        resets: impl Fn(&Emit<'a>, &str) -> bool,
    ) {
        for (u, user) in users {
            if resets(self, u) {
                self.edge(
                    (hub.to_string(), ids::entra_object(u)),
                    EdgeKind::CanActAs,
                    None,
                    Some("password reset"),
                    &user.at,
                    "resets the user's password (the role's tier allows it)".to_string(),
                    None,
                );
            }
        }
    }

    /// An administrative unit's name, else its id.
    fn unit_name(&self, unit: &str) -> String {
        self.f
            .units
            .get(unit)
            .map_or_else(|| unit.to_string(), |(n, _, _)| n.clone())
    }

    /// Whether every resetter may reset `user`: enabled, no directory
    /// role, not protected, not in a restricted management unit.
    fn unprotected(&self, user: &str) -> bool {
        if !self.enabled(user) || self.in_restricted_unit(user) {
            return false;
        }
        let (roles, protected) = self.user_roles(user);
        roles.is_empty() && !protected
    }

    /// Whether a resetter (template, or `all`) reaches the users no tier
    /// protects.
    fn resettable_unprotected(&self, resetter: &str) -> bool {
        resetter == "all" || tables::may_reset(resetter, &[], false)
    }

    fn in_restricted_unit(&self, object: &str) -> bool {
        self.ix.restricted.contains(object)
    }

    /// Whether a group's members may be changed by a group administrator:
    /// a known group, not role-assignable, not dynamic.
    fn joinable(&self, group: &str) -> bool {
        self.f
            .groups
            .get(group)
            .is_some_and(|g| !g.role_assignable && !g.dynamic)
            && !self.in_restricted_unit(group)
    }

    /// The service principal an application (object id) or a service
    /// principal id names.
    fn sp_of_object(&self, object: &str) -> Option<String> {
        if let Some(sp) = self.f.sps.get(object) {
            return (!sp.managed).then(|| object.to_string());
        }
        // An application by its object id, or by its application (client)
        // id: AzureHound names application scopes and the owners of
        // federated credentials by the latter.
        let app_id = self
            .f
            .apps
            .get(object)
            .map_or(object, |a| a.app_id.as_str());
        self.sp_of_app(app_id)
    }

    /// The service principal of an application id in this tenant.
    fn sp_of_app(&self, app_id: &str) -> Option<String> {
        self.ix.sp_by_app.get(app_id).cloned()
    }

    /// The hub node, made and filled on first use.
    fn hub(&mut self, hub: &Hub) -> String {
        let (id, name) = match hub {
            Hub::Reset(t) => (
                format!("entra:tenant/{}/password-reset/{t}", self.tenant),
                if t == "all" {
                    "every enabled user (any password or authentication method)".to_string()
                } else {
                    format!("the users whose password {} may reset", self.role_name(t))
                },
            ),
            Hub::AppCredentials => (
                format!("entra:tenant/{}/app-credentials", self.tenant),
                "every application's service principal (a credential can be added)".into(),
            ),
            Hub::GroupMembers => (
                format!("entra:tenant/{}/group-members", self.tenant),
                "every group that is not role-assignable (a member can be added)".into(),
            ),
            Hub::UnitReset(t, u) => (
                format!("entra:tenant/{}/password-reset/{t}/unit/{u}", self.tenant),
                format!(
                    "the users of unit {} whose password {} may reset",
                    self.unit_name(u),
                    self.role_name(t)
                ),
            ),
            Hub::UnitGroups(u) => (
                format!("entra:tenant/{}/group-members/unit/{u}", self.tenant),
                format!(
                    "the groups of unit {} whose members may be changed",
                    self.unit_name(u)
                ),
            ),
            Hub::Unprotected => (
                format!("entra:tenant/{}/password-reset/unprotected", self.tenant),
                "every user without a directory role".into(),
            ),
        };
        if !self.hubs.insert(id.clone()) {
            return id;
        }
        let at = self.f.tenant.as_ref().map(|(_, _, at)| at.clone());
        self.node(id.clone(), name, "azure:hub", Class::Group, at.as_ref());
        let f = self.f;
        match hub {
            Hub::Reset(t) => {
                if self.resettable_unprotected(t) {
                    let base = self.hub(&Hub::Unprotected);
                    let at = at.clone().unwrap_or_default();
                    self.edge(
                        (id.clone(), base),
                        EdgeKind::CanActAs,
                        None,
                        Some("password reset"),
                        &at,
                        "resets the password of any user without a directory role".to_string(),
                        None,
                    );
                }
                self.reset_edges(&id, f.users.iter().collect(), |e, u| {
                    !e.unprotected(u) && e.resettable(t, u, None)
                });
            }
            Hub::Unprotected => self.reset_edges(&id, f.users.iter().collect(), Emit::unprotected),
            Hub::UnitReset(t, unit) => {
                let members = self
                    .ix
                    .unit_members
                    .get(unit)
                    .map_or(&[][..], Vec::as_slice)
                    .iter()
                    .filter_map(|m| f.users.get_key_value(m))
                    .collect();
                self.reset_edges(&id, members, |e, u| e.resettable(t, u, Some(unit)));
            }
            Hub::UnitGroups(unit) => {
                let members = self.ix.unit_members.get(unit).cloned().unwrap_or_default();
                for g in members {
                    let Some(group) = f.groups.get(&g) else {
                        continue;
                    };
                    if self.joinable(&g) {
                        self.edge(
                            (id.clone(), ids::entra_object(&g)),
                            EdgeKind::CanActAs,
                            None,
                            Some("add member"),
                            &group.at,
                            "adds itself as a member of the group".to_string(),
                            None,
                        );
                    }
                }
            }
            Hub::AppCredentials => {
                for (s, sp) in &f.sps {
                    if sp.managed || !sp.enabled {
                        continue;
                    }
                    self.edge(
                        (id.clone(), ids::entra_object(s)),
                        EdgeKind::CanActAs,
                        None,
                        Some("add credential"),
                        &sp.at,
                        "adds a client secret to the service principal and signs in as it"
                            .to_string(),
                        None,
                    );
                }
            }
            Hub::GroupMembers => {
                for (g, group) in &f.groups {
                    if self.joinable(g) {
                        self.edge(
                            (id.clone(), ids::entra_object(g)),
                            EdgeKind::CanActAs,
                            None,
                            Some("add member"),
                            &group.at,
                            "adds itself as a member of the group".to_string(),
                            None,
                        );
                    }
                }
            }
        }
        id
    }

    // ------------------------------------------------------------ ownership

    fn ownerships(&mut self) {
        let f = self.f;
        for o in &f.owners {
            if !self.enabled(&o.owner) {
                continue;
            }
            let (to, how, reason) = match o.owned_kind {
                ObjKind::Application => {
                    let Some(app) = f.apps.get(&o.owned) else {
                        continue;
                    };
                    let Some(sp) = self.sp_of_app(&app.app_id) else {
                        continue;
                    };
                    (
                        sp,
                        "add credential",
                        format!(
                            "owner of application {}: adds a client secret and signs in as its service principal (applications/{}/owners)",
                            app.name, o.owned
                        ),
                    )
                }
                ObjKind::ServicePrincipal => {
                    let Some(sp) = f.sps.get(&o.owned) else {
                        continue;
                    };
                    // A managed identity takes no credential from its owner.
                    if sp.managed {
                        continue;
                    }
                    (
                        o.owned.clone(),
                        "add credential",
                        format!(
                            "owner of service principal {}: adds a credential and signs in as it (servicePrincipals/{}/owners)",
                            sp.name, o.owned
                        ),
                    )
                }
                ObjKind::Group => {
                    let Some(g) = f.groups.get(&o.owned) else {
                        continue;
                    };
                    if g.dynamic {
                        continue;
                    }
                    (
                        o.owned.clone(),
                        "add member",
                        format!(
                            "owner of group {}: adds itself as a member (groups/{}/owners)",
                            g.name, o.owned
                        ),
                    )
                }
                _ => continue,
            };
            let kind = self.kind_of(&o.owner);
            let from = self.principal(&o.owner, kind, &o.at);
            if !self.enabled(&to) {
                continue;
            }
            self.edge(
                (from, ids::entra_object(&to)),
                EdgeKind::CanActAs,
                None,
                Some(how),
                &o.at,
                reason,
                None,
            );
        }
    }

    // ------------------------------------------------------ Graph permissions

    /// The value of an app role granted on `resource` (a service principal
    /// id): from the resource's `appRoles`, or, for Microsoft Graph, the
    /// table of documented ids.
    fn app_role_value(&self, resource: &str, role: &str) -> Option<String> {
        if let Some(v) = self.f.sps.get(resource).and_then(|s| s.app_roles.get(role)) {
            return Some(v.clone());
        }
        let graph = self
            .f
            .sps
            .get(resource)
            .is_none_or(|s| s.app_id.as_deref() == Some(tables::GRAPH_APP_ID));
        graph
            .then(|| tables::graph_role_value(role).map(str::to_string))
            .flatten()
    }

    fn is_graph(&self, resource: &str) -> bool {
        self.f
            .sps
            .get(resource)
            .is_none_or(|s| s.app_id.as_deref() == Some(tables::GRAPH_APP_ID))
    }

    fn app_permissions(&mut self) {
        let f = self.f;
        for g in &f.app_grants {
            if !self.is_graph(&g.resource) || !self.enabled(&g.principal) {
                continue;
            }
            let Some(value) = self.app_role_value(&g.resource, &g.role) else {
                continue;
            };
            let powers = tables::graph_powers(&value);
            if powers.is_empty() {
                continue;
            }
            let p = self.principal(&g.principal, g.principal_kind, &g.at);
            let reason = |what: &str| {
                format!(
                    "{what}: Microsoft Graph application permission {value} (appRoleAssignments)"
                )
            };
            for power in powers {
                self.graph_power(&p, *power, &g.at, reason, None, None);
            }
        }
    }

    /// One power of a Graph permission, held by `p`.
    fn graph_power(
        &mut self,
        p: &str,
        power: GraphPower,
        at: &At,
        reason: impl Fn(&str) -> String,
        cond: Cond,
        user: Option<&str>,
    ) {
        let (to, kind, access, how, what) = match power {
            GraphPower::TenantAdmin => (
                self.tenant_admin(),
                EdgeKind::CanEscalate,
                None,
                "graph permission",
                "grants itself any directory role",
            ),
            GraphPower::AppCredentials => (
                self.hub(&Hub::AppCredentials),
                EdgeKind::CanActAs,
                None,
                "add credential",
                "adds a credential to any application",
            ),
            GraphPower::GroupMembers => (
                self.hub(&Hub::GroupMembers),
                EdgeKind::CanActAs,
                None,
                "add member",
                "adds itself to any group that is not role-assignable",
            ),
            GraphPower::UserAuthMethods => (
                self.hub(&Hub::Reset("all".into())),
                EdgeKind::CanActAs,
                None,
                "add authentication method",
                "adds a Temporary Access Pass to any user",
            ),
            GraphPower::Data(path, level) => (
                self.m365_node(path, user),
                EdgeKind::OauthGrant,
                Some(level),
                "oauth grant",
                "reaches Microsoft 365 data",
            ),
        };
        self.edge(
            (p.to_string(), to),
            kind,
            access,
            Some(how),
            at,
            reason(what),
            cond,
        );
    }

    /// A Microsoft 365 data node of the tenant (one user's share of it
    /// when `user` is given).
    fn m365_node(&mut self, path: &str, user: Option<&str>) -> String {
        let full = match user {
            Some(u) => format!("{path}/{u}"),
            None => path.to_string(),
        };
        let id = ids::m365_data(&self.tenant, &full);
        let name = match user {
            Some(u) => format!(
                "{path} of {}",
                self.f.users.get(u).map_or(u, |x| x.name.as_str())
            ),
            None => format!("all {path} of the tenant"),
        };
        self.node(id.clone(), name, "azure:m365_data", Class::Dataset, None);
        self.m365.insert(id.clone());
        id
    }

    fn delegated_grants(&mut self) {
        let f = self.f;
        for g in &f.delegated {
            if !self.is_graph(&g.resource) || !self.enabled(&g.client) {
                continue;
            }
            let p = self.principal(&g.client, ObjKind::ServicePrincipal, &g.at);
            if g.scopes
                .iter()
                .any(|s| s.eq_ignore_ascii_case("Directory.AccessAsUser.All"))
            {
                self.as_signed_in_user(&p, g);
            }
            for scope in &g.scopes {
                for power in tables::graph_powers(scope) {
                    // Delegated data only: a delegated directory permission
                    // acts with the signed-in user's own roles.
                    let GraphPower::Data(..) = power else {
                        continue;
                    };
                    let (who, cond) = match &g.user {
                        None => (
                            "every user (admin consent)".to_string(),
                            "delegated permission: the app acts only with a signed-in user's token; which users sign in to it is not in the inputs".to_string(),
                        ),
                        Some(u) => (
                            f.users.get(u).map_or(u.clone(), |x| x.name.clone()),
                            "delegated permission: the app acts only with this user's token (a sign-in or a stored refresh token), which is not in the inputs".to_string(),
                        ),
                    };
                    let reason = |what: &str| {
                        format!(
                            "{what}: delegated permission {scope} consented for {who} (oauth2PermissionGrants)"
                        )
                    };
                    self.graph_power(&p, *power, &g.at, reason, Some(cond), g.user.as_deref());
                }
            }
        }
    }

    /// `Directory.AccessAsUser.All`: the app does in the directory what the
    /// signed-in user may, so it holds each consenting user's directory
    /// roles (held directly or through a role-assignable group), on the
    /// condition of a sign-in. The user's Azure resources are not reached:
    /// the token is for Graph.
    fn as_signed_in_user(&mut self, p: &str, g: &crate::facts::DelegatedGrant) {
        let f = self.f;
        for a in &f.dir_assignments {
            let holder = &a.principal;
            let held_by = |u: &str| {
                u == holder
                    || self
                        .ix
                        .protected_groups
                        .get(u)
                        .is_some_and(|gs| gs.contains(holder))
            };
            let user = match &g.user {
                Some(u) if held_by(u) && self.enabled(u) => Some(u.as_str()),
                Some(_) => None,
                // Admin consent: any user holding the role may sign in.
                None => f
                    .users
                    .get(holder)
                    .is_some_and(|u| u.enabled)
                    .then_some(holder.as_str())
                    .or_else(|| f.groups.contains_key(holder).then_some(holder.as_str())),
            };
            let Some(user) = user else {
                continue;
            };
            if self.powers(&a.role).is_empty() {
                continue;
            }
            let name = f
                .users
                .get(user)
                .map(|u| u.name.clone())
                .or_else(|| {
                    f.groups
                        .get(user)
                        .map(|g| format!("a member of {}", g.name))
                })
                .unwrap_or_else(|| user.to_string());
            let cond = format!(
                "delegated Directory.AccessAsUser.All: the app acts with {name}'s token only when they sign in to it (or it keeps a refresh token), which is not in the inputs"
            );
            let via = format!("with the token of {name} (delegated Directory.AccessAsUser.All)");
            self.role_powers(p, a, Some((&cond, &via)));
        }
    }

    // --------------------------------------------------- federated identity

    fn federated_credentials(&mut self) {
        let f = self.f;
        for c in &f.fics {
            // An application's (by object id) or a user-assigned identity's
            // (by ARM id) credential.
            let target = if c.owner.starts_with('/') {
                f.resources
                    .get(&c.owner)
                    .and_then(|r| r.principal_id.clone())
                    .map(|p| (p, ObjKind::ServicePrincipal))
            } else {
                self.sp_of_object(&c.owner)
                    .map(|p| (p, ObjKind::ServicePrincipal))
            };
            let Some((sp, kind)) = target else {
                // Said once per credential: its holder is not in the
                // inputs (an AzureHound file of credentials alone).
                let path = self.path(&c.at).to_string();
                self.out.select_input(&path);
                self.selected = c.at.file;
                self.out.warning(
                    c.at.path.clone(),
                    format!(
                        "federated credential `{}` of {} not linked: the service principal it signs in as is not in the inputs",
                        c.name, c.owner
                    ),
                );
                continue;
            };
            let to = self.principal(&sp, kind, &c.at);
            let id = ids::oidc_subject(&c.issuer, &c.subject);
            let issuer = ids::oidc_issuer(&c.issuer);
            let (node_kind, provider) = if issuer == ids::GITHUB_ACTIONS_ISSUER {
                ("github:workflow", "github")
            } else {
                ("oidc:subject", "oidc")
            };
            if self.added.insert(id.clone()) && !self.out.has_node(&id) {
                let path = self.path(&c.at).to_string();
                self.out.select_input(&path);
                self.selected = c.at.file;
                self.out.add_node(
                    Node {
                        id: id.clone(),
                        name: format!("{issuer} sub={}", c.subject),
                        provider: provider.into(),
                        kind: node_kind.into(),
                        class: Class::Workload,
                        attrs: Attributes::default(),
                    },
                    &c.at.path,
                );
            }
            self.edge(
                (id, to),
                EdgeKind::AuthenticatesAs,
                None,
                Some("federated identity credential"),
                &c.at,
                format!(
                    "federated identity credential {}: tokens of {issuer} with subject `{}` sign in",
                    c.name, c.subject
                ),
                None,
            );
        }
    }

    // ------------------------------------------------------------------ ARM

    /// The root management group's id (the tenant id names it).
    fn root_scope(&self) -> String {
        format!(
            "/providers/microsoft.management/managementgroups/{}",
            self.tenant
        )
    }

    /// Every scope: those read, and those the resources' ids name.
    fn all_scopes(&self) -> BTreeMap<String, (String, ScopeKind, Option<String>, At)> {
        let f = self.f;
        let mut all: BTreeMap<String, (String, ScopeKind, Option<String>, At)> = f
            .scopes
            .iter()
            .map(|(id, s)| {
                (
                    id.clone(),
                    (s.name.clone(), s.kind, s.parent.clone(), s.at.clone()),
                )
            })
            .collect();
        let mut add = |id: &str, kind: ScopeKind, parent: Option<String>, at: &At| {
            all.entry(id.to_string()).or_insert_with(|| {
                let name = id.rsplit('/').next().unwrap_or(id).to_string();
                (name, kind, parent, at.clone())
            });
        };
        for (id, r) in &f.resources {
            let parts: Vec<&str> = id.split('/').collect();
            if parts.len() >= 5 && parts[1] == "subscriptions" && parts[3] == "resourcegroups" {
                let sub = format!("/subscriptions/{}", parts[2]);
                add(&sub, ScopeKind::Subscription, None, &r.at);
                let rg = format!("{sub}/resourcegroups/{}", parts[4]);
                add(&rg, ScopeKind::ResourceGroup, Some(sub), &r.at);
            }
        }
        for a in &f.arm_assignments {
            let parts: Vec<&str> = a.scope.split('/').collect();
            if parts.len() >= 3 && parts[1] == "subscriptions" {
                let sub = format!("/subscriptions/{}", parts[2]);
                add(&sub, ScopeKind::Subscription, None, &a.at);
                if parts.len() == 5 && parts[3] == "resourcegroups" {
                    add(&a.scope, ScopeKind::ResourceGroup, Some(sub), &a.at);
                }
            }
        }
        all
    }

    fn scope_label(kind: ScopeKind) -> &'static str {
        match kind {
            ScopeKind::ManagementGroup => "management group",
            ScopeKind::Subscription => "subscription",
            ScopeKind::ResourceGroup => "resource group",
        }
    }

    /// Owner nodes of every scope, each containing its children's; the
    /// tenant admin elevates to the root.
    fn arm_scopes(&mut self) {
        let all = self.ix.scopes.clone();
        if all.is_empty() {
            return;
        }
        let root = self.root_scope();
        let root_owner = ids::arm_scope_owner(&root);
        let root_at = all
            .values()
            .next()
            .map(|(_, _, _, at)| at.clone())
            .unwrap_or_default();
        if !all.contains_key(&root) {
            self.node(
                root_owner.clone(),
                "owner of the tenant root management group".into(),
                "azure:scope_owner",
                Class::Scope,
                Some(&root_at),
            );
        }
        for (id, (name, kind, _, at)) in &all {
            self.node(
                ids::arm_scope_owner(id),
                format!("owner of {} {name}", Self::scope_label(*kind)),
                "azure:scope_owner",
                Class::Scope,
                Some(at),
            );
        }
        for (id, (_, kind, parent, at)) in &all {
            if *id == root {
                continue;
            }
            let parent = match parent {
                Some(p) => p.clone(),
                None if *kind == ScopeKind::ResourceGroup => continue,
                None => root.clone(),
            };
            let parent_owner = ids::arm_scope_owner(&parent);
            if !self.added.contains(&parent_owner) {
                self.node(
                    parent_owner.clone(),
                    format!("owner of {parent}"),
                    "azure:scope_owner",
                    Class::Scope,
                    Some(at),
                );
            }
            self.edge(
                (parent_owner, ids::arm_scope_owner(id)),
                EdgeKind::Contains,
                None,
                None,
                at,
                format!("{} {id} is in {parent}", Self::scope_label(*kind)),
                None,
            );
        }
        // Resources: targets and managed identities under their resource
        // group's owner.
        let f = self.f;
        for (id, r) in &f.resources {
            let Some(rg) = resource_group(id) else {
                continue;
            };
            let owner = ids::arm_scope_owner(&rg);
            self.full_control((&owner, true), (id, r), None, "owner of its resource group");
        }
        if f.tenant.is_some() {
            let admin = self.tenant_admin();
            self.edge(
                (admin, root_owner),
                EdgeKind::CanEscalate,
                None,
                Some("elevateAccess"),
                &root_at,
                "a Global Administrator may elevate itself to User Access Administrator at the root scope (Microsoft.Authorization/elevateAccess)".into(),
                None,
            );
        }
    }

    /// Edges from `from`, which fully controls resource `id` (its owner):
    /// admin on its data, `can_act_as` its managed identities. A scope
    /// owner node `contains` the data (queries follow `contains` only out
    /// of a scope, `scope` true); an identity gets `access admin`.
    fn full_control(
        &mut self,
        (from, scope): (&str, bool),
        (id, r): (&str, &Resource),
        cond: Cond,
        why: &str,
    ) {
        let at = r.at.clone();
        let own = ids::arm_resource(id);
        for t in self.targets_of(id, r) {
            let reason = if t == own {
                format!("{} is under the scope ({why})", r.name)
            } else {
                format!("{t} is in {} ({why})", r.name)
            };
            self.edge(
                (from.to_string(), t.clone()),
                if scope {
                    EdgeKind::Contains
                } else {
                    EdgeKind::Access
                },
                (!scope).then_some(AccessLevel::Admin),
                None,
                &at,
                reason,
                cond.clone(),
            );
        }
        for mi in self.identities_of(r) {
            self.edge(
                (from.to_string(), mi),
                EdgeKind::CanActAs,
                None,
                Some("managed identity"),
                &at,
                format!("runs code on {} as its managed identity ({why})", r.name),
                cond.clone(),
            );
        }
    }

    /// The target nodes of a resource: itself when it is a target kind,
    /// or, for a container of targets whose list was not read, one node
    /// standing for all of them.
    fn targets_of(&mut self, id: &str, r: &Resource) -> Vec<String> {
        let Some((class, kind)) = target_kind(&r.kind, &r.sub_kind) else {
            if let Some((child, class, kind, what)) = children(&r.kind, &r.sub_kind) {
                if self.f.seen.contains(&format!("arm:{id}/{child}")) {
                    return Vec::new();
                }
                let node = ids::arm_resource(&format!("{id}/{child}"));
                self.node(
                    node.clone(),
                    format!("{what} of {} (not listed)", r.name),
                    kind,
                    class,
                    Some(&r.at),
                );
                return vec![node];
            }
            return Vec::new();
        };
        let node = ids::arm_resource(id);
        self.node(node.clone(), r.name.clone(), kind, class, Some(&r.at));
        vec![node]
    }

    /// The managed identities a resource runs as (principal node ids).
    fn identities_of(&mut self, r: &Resource) -> Vec<String> {
        let mut out = Vec::new();
        let mut refs = r.identities.clone();
        if r.kind == "microsoft.managedidentity/userassignedidentities"
            && let Some(p) = &r.principal_id
        {
            refs.push(IdentityRef::Principal(p.clone()));
        }
        for i in refs {
            let p = match i {
                IdentityRef::Principal(p) => p,
                IdentityRef::UserAssigned(res) => {
                    match self
                        .f
                        .resources
                        .get(&res)
                        .and_then(|u| u.principal_id.clone())
                    {
                        Some(p) => p,
                        None => continue,
                    }
                }
            };
            let id = ids::entra_object(&p);
            if !self.added.contains(&id) {
                self.node(
                    id.clone(),
                    format!("{} (managed identity)", r.name),
                    "azure:managed_identity",
                    Class::Workload,
                    Some(&r.at),
                );
            }
            if !out.contains(&id) {
                out.push(id);
            }
        }
        out
    }

    fn arm_assignments(&mut self) {
        let f = self.f;
        let scopes = self.ix.scopes.clone();
        // A role held by several principals at one scope is one hub node,
        // holding what the role allows there: its holders are members.
        let mut holders: std::collections::HashMap<(&str, &str), usize> =
            std::collections::HashMap::new();
        for a in &f.arm_assignments {
            if self.enabled(&a.principal) && f.arm_roles.contains_key(&a.role) {
                *holders.entry((&a.role, &a.scope)).or_default() += 1;
            }
        }
        for a in &f.arm_assignments {
            if !self.enabled(&a.principal) {
                continue;
            }
            let kind = match a.principal_kind {
                ObjKind::Other => self.kind_of(&a.principal),
                k => k,
            };
            let p = self.principal(&a.principal, kind, &a.at);
            let cond = arm_cond(a);
            let where_ = if a.eligible {
                "roleEligibilityScheduleInstances"
            } else {
                "roleAssignments"
            };
            let Some(role) = f.arm_roles.get(&a.role) else {
                // Without its definition the role could be anything.
                let to = self.scope_owner_or_resource(&a.scope, &scopes);
                let c = join(
                    cond,
                    &format!(
                        "role definition {} is not in the inputs: roleDefinitions at the scope would decide what it allows",
                        a.role
                    ),
                );
                self.edge(
                    (p, to),
                    EdgeKind::CanEscalate,
                    None,
                    Some("role assignment"),
                    &a.at,
                    format!("assigned role {} at {} ({where_})", a.role, a.scope),
                    Some(c),
                );
                continue;
            };
            let why = format!(
                "role {}{} at {} ({where_})",
                role.name,
                if role.shipped {
                    " (built-in; the inputs hold no definition, Microsoft's documented one is used)"
                } else {
                    ""
                },
                a.scope
            );
            // A deny assignment that names this principal at or under the
            // scope: each resource is weighed with what it denies there.
            let denied = self.denied_within(&a.principal, &a.scope);
            if rbac::allows(role, rbac::ASSIGN_ROLES) {
                let hierarchy = a.scope == "/" || scopes.contains_key(&a.scope);
                if hierarchy && !denied {
                    let to = self.scope_owner_or_resource(&a.scope, &scopes);
                    self.edge(
                        (p, to),
                        EdgeKind::CanEscalate,
                        None,
                        Some("role assignment write"),
                        &a.at,
                        format!("assigns itself any role over the scope: {why}"),
                        cond,
                    );
                    continue;
                }
                if !denied {
                    for (id, r) in self.resources_under(&a.scope) {
                        self.full_control((&p, false), (id, r), cond.clone(), &why);
                    }
                    continue;
                }
            }
            let shared = holders.get(&(&a.role, &a.scope)).copied().unwrap_or(0);
            if shared > 1 && !denied {
                let hub = self.role_hub(&a.role, role, &a.scope, shared, &a.at);
                self.edge(
                    (p, hub),
                    EdgeKind::MemberOf,
                    None,
                    Some("role assignment"),
                    &a.at,
                    format!("holds {why}"),
                    cond,
                );
                continue;
            }
            for (id, r) in self.resources_under(&a.scope) {
                if !denied {
                    self.role_on_resource(&p, role, (&a.scope, id, r), &a.at, &why, cond.clone());
                    continue;
                }
                let (eff, names) = self.effective(&a.principal, role, id);
                let why = if names.is_empty() {
                    why.clone()
                } else {
                    format!("{why}; less what deny assignment {names} denies")
                };
                if rbac::allows(&eff, rbac::ASSIGN_ROLES) {
                    self.full_control((&p, false), (id, r), cond.clone(), &why);
                } else {
                    self.role_on_resource(&p, &eff, (&a.scope, id, r), &a.at, &why, cond.clone());
                }
            }
        }
    }

    /// Whether a deny assignment names `principal` (directly, through a
    /// group, or as everyone not excluded) at a scope at, above or under
    /// `scope`.
    fn denied_within(&self, principal: &str, scope: &str) -> bool {
        self.f
            .denies
            .iter()
            .any(|d| (under(scope, &d.scope) || under(&d.scope, scope)) && self.names(d, principal))
    }

    /// Whether a deny assignment applies to `principal`.
    fn names(&self, d: &crate::facts::Deny, principal: &str) -> bool {
        let groups = self.groups_of(principal);
        let is = |list: &[String]| {
            list.iter()
                .any(|x| x == principal || groups.iter().any(|g| g == x))
        };
        !is(&d.exclude) && (d.everyone || is(&d.principals))
    }

    /// The groups an object is in, directly or through other groups.
    fn groups_of(&self, object: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut todo = vec![object.to_string()];
        while let Some(x) = todo.pop() {
            for g in self.ix.parents.get(&x).map_or(&[][..], Vec::as_slice) {
                if !out.contains(g) {
                    out.push(g.clone());
                    todo.push(g.clone());
                }
            }
        }
        out
    }

    /// `role` as it stands for `principal` at resource `id`: less what the
    /// deny assignments that apply there deny; with their names.
    fn effective(&self, principal: &str, role: &ArmRole, id: &str) -> (ArmRole, String) {
        let mut eff = role.clone();
        let mut names = Vec::new();
        for d in &self.f.denies {
            let covers = id == d.scope || (d.children && under(&d.scope, id));
            if covers && self.names(d, principal) {
                eff.denied.extend(d.permissions.iter().cloned());
                names.push(if d.name.is_empty() {
                    d.scope.clone()
                } else {
                    d.name.clone()
                });
            }
        }
        (eff, names.join(", "))
    }

    /// `userAssignedIdentities/assign/action` on a user-assigned identity,
    /// with the right to rewrite a compute resource and run code on it
    /// (from any of the same principal's assignments): the identity can be
    /// attached to the compute and used from there.
    fn identity_attachments(&mut self) {
        let f = self.f;
        let mut assigns: BTreeMap<&str, Vec<(&str, &ArmAssignment)>> = BTreeMap::new();
        for a in &f.arm_assignments {
            let Some(role) = f.arm_roles.get(&a.role) else {
                continue;
            };
            // A role that already acts as the identity (a federated
            // credential) or owns the scope needs no compute to do so.
            if !self.enabled(&a.principal)
                || !rbac::allows(role, rbac::ASSIGN_IDENTITY)
                || rbac::allows(role, rbac::ASSIGN_ROLES)
                || rbac::runs_code(role, "microsoft.managedidentity/userassignedidentities")
            {
                continue;
            }
            for (id, r) in self.resources_under(&a.scope) {
                if r.kind == "microsoft.managedidentity/userassignedidentities"
                    && r.principal_id.is_some()
                {
                    assigns.entry(&a.principal).or_default().push((id, a));
                }
            }
        }
        if assigns.is_empty() {
            return;
        }
        let mut done = HashSet::new();
        for a in &f.arm_assignments {
            let (Some(mine), Some(role)) =
                (assigns.get(a.principal.as_str()), f.arm_roles.get(&a.role))
            else {
                continue;
            };
            let host = self.resources_under(&a.scope).into_iter().find(|(_, r)| {
                rbac::ATTACH
                    .iter()
                    .any(|(t, write)| *t == r.kind && rbac::allows(role, write))
                    && rbac::runs_code(role, &r.kind)
            });
            let Some((_, host)) = host else {
                continue;
            };
            for (uid, ua) in mine {
                let Some(pid) = f.resources.get(*uid).and_then(|u| u.principal_id.as_ref()) else {
                    continue;
                };
                if !done.insert((a.principal.as_str(), pid.as_str())) {
                    continue;
                }
                let cond = match (arm_cond(a), arm_cond(ua)) {
                    (None, None) => None,
                    (x, Some(y)) => Some(join(x, &y)),
                    (x, None) => x,
                };
                let kind = self.kind_of(&a.principal);
                let p = self.principal(&a.principal, kind, &a.at);
                let ident = f.resources.get(*uid).map_or(*uid, |u| u.name.as_str());
                let role_name = |g: &'a str| f.arm_roles.get(g).map_or(g, |r| r.name.as_str());
                self.edge(
                    (p, ids::entra_object(pid)),
                    EdgeKind::CanActAs,
                    None,
                    Some("attach identity"),
                    &ua.at,
                    format!(
                        "assigns the user-assigned identity {ident} ({} at {}) to {}, which it may rewrite and run code on ({} at {})",
                        role_name(&ua.role),
                        ua.scope,
                        host.name,
                        role_name(&a.role),
                        a.scope
                    ),
                    cond,
                );
            }
        }
    }

    /// The hub of the holders of a role at a scope, made and filled on
    /// first use: what the role allows on each resource under the scope.
    fn role_hub(
        &mut self,
        guid: &str,
        role: &ArmRole,
        scope: &str,
        holders: usize,
        at: &At,
    ) -> String {
        let id = format!("{}/role/{guid}", ids::arm_resource(scope));
        if self.added.contains(&id) {
            return id;
        }
        self.node(
            id.clone(),
            format!("holders of {} at {scope}", role.name),
            "azure:hub",
            Class::Group,
            Some(at),
        );
        let why = format!(
            "role {} at {scope}, held by {holders} principals",
            role.name
        );
        for (rid, r) in self.resources_under(scope) {
            self.role_on_resource(&id, role, (scope, rid, r), at, &why, None);
        }
        id
    }

    /// The owner node of a hierarchy scope.
    fn scope_owner_or_resource(
        &mut self,
        scope: &str,
        scopes: &BTreeMap<String, (String, ScopeKind, Option<String>, At)>,
    ) -> String {
        if scope == "/" {
            return ids::arm_scope_owner(&self.root_scope());
        }
        let id = ids::arm_scope_owner(scope);
        if !scopes.contains_key(scope) && !self.added.contains(&id) {
            self.node(
                id.clone(),
                format!("owner of {scope}"),
                "azure:scope_owner",
                Class::Scope,
                None,
            );
        }
        id
    }

    /// Every resource under a scope (by id, or through management groups).
    fn resources_under(&self, scope: &str) -> Vec<(&'a str, &'a Resource)> {
        if scope == "/" || scope.starts_with("/providers/microsoft.management/") {
            return self
                .subscriptions_under(scope)
                .iter()
                .flat_map(|s| self.resources_in(s))
                .collect();
        }
        self.resources_in(scope)
    }

    /// Every resource whose id is under `scope`'s.
    fn resources_in(&self, scope: &str) -> Vec<(&'a str, &'a Resource)> {
        self.f
            .resources
            .range(scope.to_string()..)
            .take_while(|(id, _)| id.starts_with(scope))
            .filter(|(id, _)| under(scope, id))
            .map(|(id, r)| (id.as_str(), r))
            .collect()
    }

    /// The subscriptions under a management group (or the root).
    fn subscriptions_under(&self, mg: &str) -> Vec<String> {
        let all = &self.ix.scopes;
        let root = self.root_scope();
        let mut out = Vec::new();
        for (id, (_, kind, _, _)) in all {
            if *kind != ScopeKind::Subscription {
                continue;
            }
            // Walk up the parents; an unknown parent is the root.
            let mut cur = id.clone();
            let mut hit = mg == "/" || mg == root;
            for _ in 0..16 {
                if hit {
                    break;
                }
                match all.get(&cur).and_then(|(_, _, p, _)| p.clone()) {
                    Some(p) => {
                        hit = p == mg;
                        cur = p;
                    }
                    None => break,
                }
            }
            if hit {
                out.push(id.clone());
            }
        }
        out
    }

    /// What a (non-owner) role lets `p` do to one resource.
    fn role_on_resource(
        &mut self,
        p: &str,
        role: &ArmRole,
        (scope, id, r): (&str, &str, &Resource),
        at: &At,
        why: &str,
        cond: Cond,
    ) {
        // Run code as its managed identities.
        if let Some((_, _, how)) = rbac::RUN_AS.iter().find(|(t, _, _)| *t == r.kind)
            && rbac::runs_code(role, &r.kind)
        {
            for mi in self.identities_of(r) {
                self.edge(
                    (p.to_string(), mi),
                    EdgeKind::CanActAs,
                    None,
                    Some("managed identity"),
                    at,
                    format!("{how} {} and acts as its managed identity: {why}", r.name),
                    cond.clone(),
                );
            }
        }
        // Keys that open its data.
        if let Some((_, op)) = rbac::LIST_KEYS.iter().find(|(t, _)| *t == r.kind)
            && !r.keys_off
            && rbac::allows(role, op)
        {
            let level = if r.kind == "microsoft.cognitiveservices/accounts" {
                AccessLevel::Invoke
            } else {
                AccessLevel::Admin
            };
            for t in self.data_of(id, r) {
                self.edge(
                    (p.to_string(), t),
                    EdgeKind::Access,
                    Some(level),
                    Some("list keys"),
                    at,
                    format!("lists the account keys of {}: {why}", r.name),
                    cond.clone(),
                );
            }
        }
        // Key Vault secrets.
        if r.kind == "microsoft.keyvault/vaults" {
            let (ok, how) = if r.rbac_vault {
                (
                    rbac::allows_data(role, rbac::GET_SECRET),
                    "reads secrets (RBAC vault)",
                )
            } else {
                (
                    rbac::WRITE_VAULT.iter().any(|op| rbac::allows(role, op)),
                    "adds itself an access policy with `get` on secrets",
                )
            };
            if ok {
                for t in self.data_of(id, r) {
                    self.edge(
                        (p.to_string(), t),
                        EdgeKind::CanReadSecret,
                        None,
                        Some("key vault"),
                        at,
                        format!("{how} on {}: {why}", r.name),
                        cond.clone(),
                    );
                }
            }
        }
        // A secret named by the assignment's own scope.
        if r.kind == "microsoft.keyvault/vaults/secrets"
            && let Some(vault) = id.rsplit_once("/secrets/").map(|(v, _)| v)
            && !under(scope, vault)
            && self.f.resources.get(vault).is_some_and(|v| v.rbac_vault)
            && rbac::allows_data(role, rbac::GET_SECRET)
        {
            let t = self.targets_of(id, r);
            for t in t {
                self.edge(
                    (p.to_string(), t),
                    EdgeKind::CanReadSecret,
                    None,
                    Some("key vault"),
                    at,
                    format!("reads the secret (RBAC vault): {why}"),
                    cond.clone(),
                );
            }
        }
        // Data actions and writes on targets.
        let mut level: Option<AccessLevel> = None;
        for (t, op, l) in rbac::DATA_OPS {
            if *t == r.kind && rbac::allows_data(role, op) {
                level = level.max(Some(*l));
            }
        }
        for (t, op, l) in rbac::ACTION_OPS {
            if *t == r.kind && rbac::allows(role, op) {
                level = level.max(Some(*l));
            }
        }
        // Data actions granted above a container whose list was not read
        // reach the placeholder of its children.
        let mut placeholder: Option<AccessLevel> = None;
        if let Some((child, _, _, _)) = children(&r.kind, &r.sub_kind)
            && !self.f.seen.contains(&format!("arm:{id}/{child}"))
        {
            let child_kind = format!("{}/{}", r.kind, child_type(child));
            for (t, op, l) in rbac::DATA_OPS {
                if *t == child_kind && rbac::allows_data(role, op) {
                    placeholder = placeholder.max(Some(*l));
                }
            }
            for (t, op, l) in rbac::ACTION_OPS {
                if *t == child_kind && rbac::allows(role, op) {
                    placeholder = placeholder.max(Some(*l));
                }
            }
        }
        for (l, targets) in [
            (level, self.targets_if(level, id, r, false)),
            (placeholder, self.targets_if(placeholder, id, r, true)),
        ] {
            let Some(l) = l else { continue };
            for t in targets {
                self.edge(
                    (p.to_string(), t),
                    EdgeKind::Access,
                    Some(l),
                    Some("role assignment"),
                    at,
                    format!("{l} on {}: {why}", r.name),
                    cond.clone(),
                );
            }
        }
    }

    fn targets_if(
        &mut self,
        level: Option<AccessLevel>,
        id: &str,
        r: &Resource,
        placeholder: bool,
    ) -> Vec<String> {
        if level.is_none() {
            return Vec::new();
        }
        let is_target = target_kind(&r.kind, &r.sub_kind).is_some();
        if is_target != placeholder {
            self.targets_of(id, r)
        } else {
            Vec::new()
        }
    }

    /// The data targets of a container resource: its listed children of a
    /// target kind, or the placeholder standing for them.
    fn data_of(&mut self, id: &str, r: &Resource) -> Vec<String> {
        let f = self.f;
        let prefix = format!("{id}/");
        let mut out = self.targets_of(id, r);
        for (k, c) in f
            .resources
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(_, c)| target_kind(&c.kind, &c.sub_kind).is_some())
        {
            out.extend(self.targets_of(k, c));
        }
        out
    }

    /// Key Vault secrets whose `credential-of` tag names whose credential
    /// their value is.
    fn tagged_credentials(&mut self) {
        let f = self.f;
        for (id, r) in &f.resources {
            let Some(to) = &r.credential_of else {
                continue;
            };
            if r.kind != "microsoft.keyvault/vaults/secrets" {
                continue;
            }
            for secret in self.targets_of(id, r) {
                self.edge(
                    (secret, to.clone()),
                    EdgeKind::HoldsCredential,
                    None,
                    None,
                    &At {
                        file: r.at.file,
                        path: format!("{}.tags", r.at.path),
                    },
                    format!(
                        "tag {}={to}: the secret's value is a credential of {to}",
                        ids::CREDENTIAL_OF
                    ),
                    None,
                );
            }
        }
    }

    /// What inspected Key Vault secret values hold, as hints the estate
    /// places once every input is read (an Entra client secret by the
    /// client id beside it). The vault is found by its name (vault names
    /// are global); a vault no input lists is said.
    fn inspected_values(&mut self) {
        let f = self.f;
        for i in &f.inspected {
            let vault = f.resources.iter().find(|(_, r)| {
                r.kind == "microsoft.keyvault/vaults" && r.name.eq_ignore_ascii_case(&i.vault)
            });
            let Some((vault_id, _)) = vault else {
                let path = self.path(&i.at).to_string();
                self.out.select_input(&path);
                self.selected = i.at.file;
                self.out.warning_code(
                    blastgraph_model::Code::UnresolvedReference,
                    i.at.path.clone(),
                    format!(
                        "the value of secret `{}` of vault `{}` was inspected, but no input lists the vault (`…/Microsoft.KeyVault/vaults`): its findings are not placed",
                        i.name, i.vault
                    ),
                );
                continue;
            };
            let secret_id = format!("{vault_id}/secrets/{}", i.name);
            let secret = ids::arm_resource(&secret_id);
            self.node(
                secret.clone(),
                i.name.clone(),
                "azure:key_vault_secret",
                Class::Secret,
                Some(&i.at),
            );
            let source = self.path(&i.at).to_string();
            for found in &i.found {
                self.out.add_found(&secret, found, &source, &i.at.path);
            }
        }
    }

    /// Key Vault access policies, for vaults that use them.
    fn vault_policies(&mut self) {
        let f = self.f;
        for (id, r) in &f.resources {
            if r.kind != "microsoft.keyvault/vaults" || r.rbac_vault {
                continue;
            }
            for pol in &r.access_policies {
                if !pol.secrets.iter().any(|s| s == "get" || s == "all")
                    || !self.enabled(&pol.object)
                {
                    continue;
                }
                let at = At {
                    file: r.at.file,
                    path: pol.path.clone(),
                };
                let kind = self.kind_of(&pol.object);
                let p = self.principal(&pol.object, kind, &at);
                for t in self.data_of(id, r) {
                    self.edge(
                        (p.clone(), t),
                        EdgeKind::CanReadSecret,
                        None,
                        Some("key vault access policy"),
                        &at,
                        format!("access policy of vault {} grants `get` on secrets", r.name),
                        None,
                    );
                }
            }
        }
    }

    /// Cosmos DB data-plane role assignments.
    fn cosmos_assignments(&mut self) {
        let f = self.f;
        for a in &f.cosmos_assignments {
            if !self.enabled(&a.principal) {
                continue;
            }
            let Some(role) = f.cosmos_roles.get(&a.role) else {
                continue;
            };
            let read = rbac::allows_data(
                role,
                "microsoft.documentdb/databaseaccounts/sqldatabases/containers/items/read",
            );
            let write = rbac::allows_data(
                role,
                "microsoft.documentdb/databaseaccounts/sqldatabases/containers/items/create",
            );
            let level = if write {
                AccessLevel::Write
            } else if read {
                AccessLevel::Read
            } else {
                continue;
            };
            // The assignment's scope uses the data plane's names.
            let scope = a
                .scope
                .replace("/dbs/", "/sqldatabases/")
                .replace("/colls/", "/containers/");
            let kind = self.kind_of(&a.principal);
            let p = self.principal(&a.principal, kind, &a.at);
            let Some(account) = f.resources.get(&a.account) else {
                continue;
            };
            let targets: Vec<String> = self
                .data_of(&a.account, account)
                .into_iter()
                .filter(|t| {
                    let raw = t.trim_start_matches("arm:");
                    under(&scope, raw) || under(raw, &scope)
                })
                .collect();
            for t in targets {
                self.edge(
                    (p.clone(), t),
                    EdgeKind::Access,
                    Some(level),
                    Some("cosmos db data role"),
                    &a.at,
                    format!("Cosmos DB data role {} at {}", role.name, a.scope),
                    None,
                );
            }
        }
    }

    /// The tenant admin reaches all Microsoft 365 data and every identity.
    fn tenant_admin_reach(&mut self) {
        if self.f.tenant.is_none() {
            return;
        }
        let admin = self.tenant_admin();
        let at = self
            .f
            .tenant
            .as_ref()
            .map(|(_, _, at)| at.clone())
            .unwrap_or_default();
        if !self.f.users.is_empty() {
            let all = self.hub(&Hub::Reset("all".into()));
            self.edge(
                (admin.clone(), all),
                EdgeKind::CanActAs,
                None,
                Some("password reset"),
                &at,
                "a Global Administrator resets any user's password or authentication methods"
                    .into(),
                None,
            );
        }
        if self.f.sps.values().any(|s| !s.managed) {
            let apps = self.hub(&Hub::AppCredentials);
            self.edge(
                (admin.clone(), apps),
                EdgeKind::CanActAs,
                None,
                Some("add credential"),
                &at,
                "a Global Administrator adds credentials to any application".into(),
                None,
            );
        }
        for path in [tables::MAILBOXES, tables::SITES, tables::DRIVES] {
            let t = self.m365_node(path, None);
            self.edge(
                (admin.clone(), t),
                EdgeKind::Contains,
                None,
                None,
                &at,
                "Microsoft 365 data of the tenant".into(),
                None,
            );
        }
    }
}

/// Appends a reason to an optional condition.
/// What an ARM assignment's edges wait on: PIM activation, an ABAC
/// condition.
fn arm_cond(a: &ArmAssignment) -> Cond {
    let mut cond: Cond = a.eligible.then(|| ELIGIBLE.to_string());
    if let Some(c) = &a.condition {
        cond = Some(join(
            cond,
            &format!("ABAC condition on the assignment, not evaluated: {c}"),
        ));
    }
    cond
}

fn join(cond: Cond, more: &str) -> String {
    match cond {
        Some(c) => format!("{c}; {more}"),
        None => more.to_string(),
    }
}

/// The resource group of a resource id.
fn resource_group(id: &str) -> Option<String> {
    let parts: Vec<&str> = id.split('/').collect();
    (parts.len() > 5 && parts[1] == "subscriptions" && parts[3] == "resourcegroups")
        .then(|| parts[..5].join("/"))
}

/// The class and kind of a resource type that is a target.
fn target_kind(kind: &str, _sub_kind: &str) -> Option<(Class, &'static str)> {
    Some(match kind {
        "microsoft.keyvault/vaults/secrets" => (Class::Secret, "azure:key_vault_secret"),
        "microsoft.storage/storageaccounts/blobservices/containers" => {
            (Class::Dataset, "azure:blob_container")
        }
        "microsoft.documentdb/databaseaccounts/sqldatabases" => {
            (Class::Dataset, "azure:cosmos_database")
        }
        "microsoft.cognitiveservices/accounts/deployments" => {
            (Class::Model, "azure:openai_deployment")
        }
        "microsoft.machinelearningservices/registries" => (Class::Model, "azure:ml_registry"),
        "microsoft.machinelearningservices/registries/models"
        | "microsoft.machinelearningservices/workspaces/models" => (Class::Model, "azure:ml_model"),
        _ => return None,
    })
}

/// For a resource holding targets: the path of their list under it, the
/// class and kind of the placeholder, and what they are called.
fn children(
    kind: &str,
    sub_kind: &str,
) -> Option<(&'static str, Class, &'static str, &'static str)> {
    Some(match kind {
        "microsoft.keyvault/vaults" => (
            "secrets",
            Class::Secret,
            "azure:key_vault_secret",
            "secrets",
        ),
        "microsoft.storage/storageaccounts" => (
            "blobservices/default/containers",
            Class::Dataset,
            "azure:blob_container",
            "blob containers",
        ),
        "microsoft.documentdb/databaseaccounts" => (
            "sqldatabases",
            Class::Dataset,
            "azure:cosmos_database",
            "SQL databases",
        ),
        "microsoft.machinelearningservices/workspaces" => (
            "models",
            Class::Model,
            "azure:ml_model",
            "registered models",
        ),
        "microsoft.cognitiveservices/accounts"
            if sub_kind == "openai" || sub_kind == "aiservices" =>
        {
            (
                "deployments",
                Class::Model,
                "azure:openai_deployment",
                "model deployments",
            )
        }
        _ => return None,
    })
}

/// The resource type of a child list's path (`blobservices/default/containers`
/// → `blobservices/containers`).
fn child_type(path: &str) -> String {
    path.split('/')
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, s)| s)
        .collect::<Vec<_>>()
        .join("/")
}
