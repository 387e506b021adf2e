//! The rules: [`Facts`] into nodes and edges (docs/vault-connector.md).
//!
//! Each login (auth role, userpass user) gets the ACL of the token it is
//! issued: its token policies, `default` unless the role turns it off, and
//! the policies of its identity entity and that entity's groups when the
//! inputs tie the login to one. That ACL is asked, as Vault would be, for
//! each request that moves an attacker: reading a KV secret, minting an
//! AppRole secret id, AWS or database credentials, rewriting a policy or a
//! role the login holds. Who can log in is read from the auth roles'
//! bindings: the OIDC subjects, Kubernetes service accounts and AWS
//! principals they accept, named with the shared ids so that the GitHub,
//! Kubernetes and AWS graphs meet them.

use std::collections::{BTreeMap, HashMap, HashSet};

use blastgraph_model::{
    AccessLevel, Attributes, Class, Code, Edge, EdgeKind, EstateBuilder, Node, Provenance, ids,
};

use crate::acl::{self, Acl, Caps, Verdict};
use crate::facts::*;

/// What decides an edge: firm, or conditional with the reason.
type Cond = Option<String>;

pub(crate) fn emit(facts: &Facts, out: &mut EstateBuilder) {
    let cluster = facts
        .cluster_name
        .clone()
        .unwrap_or_else(|| "vault".to_string());
    let mut e = Emit {
        f: facts,
        out,
        cluster,
        added: HashSet::new(),
        selected: usize::MAX,
        warned: HashSet::new(),
        policies: facts
            .policies
            .iter()
            .map(|p| ((p.ns.as_str(), p.name.as_str()), p))
            .collect(),
        pending: Vec::new(),
        paths: Vec::new(),
    };
    e.secret_nodes();
    e.engine_nodes();
    e.paths = e.request_paths();
    e.root();
    for role in &facts.roles {
        e.login(role);
    }
    for entity in &facts.entities {
        e.entity(entity);
    }
    e.reach_all();
}

thread_local! {
    /// Whether logins share the edges of the policies they hold (tests turn
    /// it off to check that sharing changes no one's reach).
    static SHARING: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Turns sharing on or off for ingests on this thread: off, every login's
/// merged ACL is asked for every target, as Vault would be. For tests.
#[doc(hidden)]
pub fn set_sharing(on: bool) {
    SHARING.with(|s| s.set(on));
}

/// What an ACL's request reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Target {
    Secret(usize),
    AppRole(usize),
    Aws(usize),
    Db(usize),
}

/// How to explain an ACL's rules: where each policy was read and how the
/// subject holds it.
#[derive(Debug, Clone)]
struct Explain {
    placed: HashMap<String, At>,
    origin: BTreeMap<String, String>,
    fallback: At,
}

impl Explain {
    fn why(&self, by: &[acl::Source]) -> String {
        by.iter()
            .map(|b| {
                let from = self
                    .origin
                    .get(&b.policy)
                    .map(String::as_str)
                    .unwrap_or("policy");
                format!("policy {} path \"{}\" ({from})", b.policy, b.pattern)
            })
            .collect::<Vec<_>>()
            .join(" and ")
    }

    /// An edge's place: the policy rule that decided it.
    fn place(&self, by: &[acl::Source]) -> At {
        match by
            .first()
            .and_then(|b| self.placed.get(&b.policy).map(|at| (b, at)))
        {
            Some((b, at)) => At {
                file: at.file,
                path: format!("{} path \"{}\"", at.path, b.pattern),
            },
            None => self.fallback.clone(),
        }
    }
}

/// The sorted policy names of a subject.
fn key_policies(s: &Subject) -> Vec<&str> {
    let mut p: Vec<&str> = s.policies.iter().map(|(p, _)| p.as_str()).collect();
    p.sort_unstable();
    p.dedup();
    p
}

/// Subjects with this key have the same ACL: same namespace and policies,
/// and no template value of their own. The root shares with no one.
fn share_key(s: &Subject) -> Option<String> {
    if !SHARING.with(std::cell::Cell::get)
        || !s.values.values.is_empty()
        || s.policies.iter().any(|(p, _)| p == "root")
    {
        return None;
    }
    Some(format!("{}\u{0}{}", s.ns, key_policies(s).join("\u{0}")))
}

struct Emit<'a> {
    f: &'a Facts,
    out: &'a mut EstateBuilder,
    cluster: String,
    added: HashSet<String>,
    selected: usize,
    warned: HashSet<String>,
    policies: HashMap<(&'a str, &'a str), &'a PolicyDoc>,
    /// Subjects whose reach is asked once every node is made.
    pending: Vec<Subject>,
    /// Every target's request paths, sorted ([`Emit::request_paths`]).
    paths: Vec<(String, Target)>,
}

/// One identity whose ACL is asked: its node, its policies and how they
/// came to it.
struct Subject {
    id: String,
    label: String,
    ns: String,
    /// (policy name, where it came from: "token policy", "entity E", ...).
    policies: Vec<(String, String)>,
    values: acl::Identity,
    /// The auth role a login's token comes from (for "rewrite own role").
    role_api: Option<String>,
    entity_api: Option<String>,
    at: At,
    /// A condition on every request the login makes (bound CIDRs).
    cond: Cond,
}

impl<'a> Emit<'a> {
    fn path_of(&self, at: &At) -> &str {
        self.f.files.get(at.file).map_or("<input>", String::as_str)
    }

    fn select(&mut self, at: &At) {
        if self.selected != at.file {
            let path = self.path_of(at).to_string();
            self.out.select_input(&path);
            self.selected = at.file;
        }
    }

    fn node(&mut self, id: &str, name: String, kind: &str, class: Class, at: &At) {
        self.node_with(id, name, "vault", kind, class, at);
    }

    fn node_with(
        &mut self,
        id: &str,
        name: String,
        provider: &str,
        kind: &str,
        class: Class,
        at: &At,
    ) {
        if !self.added.insert(id.to_string()) || self.out.has_node(id) {
            return;
        }
        self.select(at);
        self.out.add_node(
            Node {
                id: id.to_string(),
                name,
                provider: provider.into(),
                kind: kind.into(),
                class,
                attrs: Attributes::default(),
            },
            &at.path,
        );
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one call site per rule reads best with its parts named in order"
    )]
    fn edge(
        &mut self,
        (from, to): (&str, &str),
        kind: EdgeKind,
        access: Option<AccessLevel>,
        mechanism: Option<&str>,
        at: &At,
        reason: String,
        cond: Cond,
    ) {
        if from == to {
            return;
        }
        self.select(at);
        let source = self.path_of(at).to_string();
        self.out.add_edge(Edge {
            id: None,
            from: from.to_string(),
            to: to.to_string(),
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

    fn warn_once(&mut self, key: String, code: Code, at: &At, message: String) {
        if self.warned.insert(key) {
            self.select(at);
            self.out.warning_code(code, at.path.clone(), message);
        }
    }

    fn id(&self, ns: &str, mount: &str, path: &str) -> String {
        ids::vault_path(&self.cluster, &qualify(ns, mount), path)
    }

    // ------------------------------------------------------------ targets

    fn secret_id(&self, s: &KvSecret) -> String {
        self.id(&s.ns, &s.mount, &s.path)
    }

    fn secret_nodes(&mut self) {
        let mut seen = HashSet::new();
        for s in &self.f.secrets {
            let id = self.secret_id(s);
            // A secret listed and read: the metadata's record names it.
            if !s.custom_metadata.is_empty() || seen.insert(id.clone()) {
                self.node(
                    &id,
                    qualify(&s.ns, &format!("{}/{}", s.mount, s.path)),
                    "vault:kv_secret",
                    Class::Secret,
                    &s.at,
                );
            }
            if let Some(to) = ids::credential_of(
                s.custom_metadata
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str())),
            ) {
                let at = At {
                    file: s.at.file,
                    path: format!("{}.custom_metadata", s.at.path),
                };
                self.edge(
                    (&id, to),
                    EdgeKind::HoldsCredential,
                    None,
                    None,
                    &at,
                    format!(
                        "custom metadata {}={to}: the secret's value is a credential of {to}",
                        ids::CREDENTIAL_OF
                    ),
                    None,
                );
            }
        }
    }

    fn aws_role_id(&self, r: &AwsRole) -> String {
        self.id(&r.ns, &r.mount, &format!("roles/{}", r.name))
    }

    fn db_id(&self, ns: &str, mount: &str, name: &str) -> String {
        self.id(ns, mount, &format!("config/{name}"))
    }

    fn engine_nodes(&mut self) {
        for r in &self.f.aws_roles {
            let id = self.aws_role_id(r);
            self.node(
                &id,
                format!(
                    "{} (AWS secrets engine role)",
                    qualify(&r.ns, &format!("{}/roles/{}", r.mount, r.name))
                ),
                "vault:aws_engine_role",
                Class::Workload,
                &r.at,
            );
            let assumes = r
                .credential_types
                .iter()
                .any(|t| t == "assumed_role" || t == "federation_token" && !r.role_arns.is_empty());
            if assumes {
                for arn in &r.role_arns {
                    self.edge(
                        (&id, &ids::aws_arn(arn)),
                        EdgeKind::CanActAs,
                        None,
                        Some("vault aws engine sts:AssumeRole"),
                        &r.at,
                        format!(
                            "Vault's AWS secrets engine role {} ({}) returns credentials of this role; the engine's own AWS identity (aws/config/root) assumes it",
                            r.name,
                            r.credential_types.join(", ")
                        ),
                        None,
                    );
                }
            }
            let other: Vec<&String> = r
                .credential_types
                .iter()
                .filter(|t| {
                    *t == "iam_user" || (*t == "federation_token" && r.role_arns.is_empty())
                })
                .collect();
            if !other.is_empty()
                && (!r.policy_arns.is_empty() || !r.iam_groups.is_empty() || r.inline_policy)
            {
                self.warn_once(
                    format!("iam-user {id}"),
                    Code::NotCollected,
                    &r.at,
                    format!(
                        "AWS engine role {}: what its {} credentials reach (policy_arns, iam_groups, policy_document) is not linked into the AWS graph yet; only role_arns are",
                        r.name,
                        other.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                );
            }
        }
        for c in &self.f.db_connections {
            let id = self.db_id(&c.ns, &c.mount, &c.name);
            self.node(
                &id,
                format!(
                    "{} ({})",
                    qualify(&c.ns, &format!("{}/config/{}", c.mount, c.name)),
                    c.plugin
                ),
                "vault:database",
                Class::Dataset,
                &c.at,
            );
        }
    }

    // --------------------------------------------------------------- root

    fn root_id(&self) -> String {
        ids::vault_root(&self.cluster)
    }

    fn root(&mut self) {
        if self.f.mounts.is_empty() {
            return;
        }
        let id = self.root_id();
        let at = self.f.mounts[0].at.clone();
        self.node(
            &id,
            format!("Vault {} root", self.cluster),
            "vault:root",
            Class::Scope,
            &at,
        );
        let subject = Subject {
            id: id.clone(),
            label: "the root policy".into(),
            ns: String::new(),
            policies: vec![("root".into(), "root".into())],
            values: acl::Identity::default(),
            role_api: None,
            entity_api: None,
            at,
            cond: None,
        };
        self.pending.push(subject);
    }

    // ------------------------------------------------------------- logins

    fn role_id(&self, r: &Role) -> String {
        let what = match r.login {
            Login::Userpass => "users",
            _ => "role",
        };
        self.id(&r.ns, &r.mount, &format!("{what}/{}", r.name))
    }

    fn mount(&self, ns: &str, path: &str) -> Option<&'a Mount> {
        self.f.mounts.iter().find(|m| m.ns == ns && m.path == path)
    }

    fn login(&mut self, r: &'a Role) {
        let id = self.role_id(r);
        let (kind, class, what) = match r.login {
            Login::AppRole { .. } => ("vault:approle_role", Class::Workload, "AppRole role"),
            Login::Jwt { .. } => ("vault:jwt_role", Class::Workload, "JWT/OIDC role"),
            Login::Kubernetes { .. } => (
                "vault:kubernetes_role",
                Class::Workload,
                "Kubernetes auth role",
            ),
            Login::Aws { .. } => ("vault:aws_auth_role", Class::Workload, "AWS auth role"),
            Login::Userpass => ("vault:user", Class::Human, "userpass user"),
        };
        let label = format!(
            "{what} {}",
            qualify(&r.ns, &format!("{}/{}", r.mount, r.name))
        );
        self.node(&id, label.clone(), kind, class, &r.at);
        let cond = (!r.cidrs.is_empty()).then(|| {
            format!(
                "the login is bound to CIDR {}: only a caller from there gets the token (network position is not in the inputs)",
                r.cidrs.join(", ")
            )
        });
        self.logins_into(r, &id, cond.clone());

        let mut policies: Vec<(String, String)> = r
            .policies
            .iter()
            .map(|p| (p.clone(), format!("token policy of {label}")))
            .collect();
        if !r.no_default && !r.policies.iter().any(|p| p == "default") {
            policies.push(("default".into(), "the default policy".into()));
        }
        let mut values = acl::Identity::default();
        let mut entity_api = None;
        if let Some((entity, alias)) = self.entity_of(r) {
            entity_api = Some(qualify(
                &entity.ns,
                &format!("identity/entity/id/{}", entity.id),
            ));
            self.entity_values(entity, &mut values);
            if let Some(m) = self.mount(&r.ns, &r.mount) {
                values.values.push((
                    format!("identity.entity.aliases.{}.name", m.accessor),
                    alias,
                ));
            }
            for (p, from) in self.entity_policies(entity) {
                if !policies.iter().any(|(q, _)| *q == p) {
                    policies.push((p, from));
                }
            }
        } else if let Some(alias) = self.alias_name(r)
            && let Some(m) = self.mount(&r.ns, &r.mount)
        {
            values.values.push((
                format!("identity.entity.aliases.{}.name", m.accessor),
                alias,
            ));
        }
        let subject = Subject {
            id,
            label,
            ns: r.ns.clone(),
            policies,
            values,
            role_api: Some(qualify(
                &r.ns,
                &format!(
                    "{}/{}",
                    r.mount,
                    match r.login {
                        Login::Userpass => format!("users/{}", r.name),
                        _ => format!("role/{}", r.name),
                    }
                ),
            )),
            entity_api,
            at: r.at.clone(),
            cond,
        };
        self.pending.push(subject);
    }

    /// The alias name a login through `r` has, when the inputs fix it.
    fn alias_name(&self, r: &Role) -> Option<String> {
        match &r.login {
            Login::Userpass => Some(r.name.clone()),
            Login::AppRole { .. } => {
                let mount = qualify(&r.ns, &r.mount);
                self.f
                    .role_ids
                    .iter()
                    .find(|(m, n, _)| *m == mount && *n == r.name)
                    .map(|(_, _, id)| id.clone())
            }
            Login::Jwt {
                user_claim,
                bound_subject,
                bound_claims,
                glob,
                ..
            } if user_claim == "sub" => {
                let subs = subjects(bound_subject.as_deref(), bound_claims, *glob);
                match subs.as_slice() {
                    [one] if !one.contains('*') => Some(one.clone()),
                    _ => None,
                }
            }
            Login::Kubernetes {
                names,
                namespaces,
                alias_name_source,
                ..
            } if alias_name_source == "serviceaccount_name" => {
                match (names.as_slice(), namespaces.as_slice()) {
                    ([n], [ns]) if !n.contains('*') && !ns.contains('*') => {
                        Some(format!("{ns}/{n}"))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The entity a login through `r` is tied to, when the inputs say.
    fn entity_of(&self, r: &Role) -> Option<(&'a Entity, String)> {
        let alias = self.alias_name(r)?;
        let accessor = &self.mount(&r.ns, &r.mount)?.accessor;
        self.f
            .entities
            .iter()
            .find(|e| !e.disabled && e.aliases.iter().any(|(a, n)| a == accessor && *n == alias))
            .map(|e| (e, alias))
    }

    fn entity_values(&self, e: &Entity, values: &mut acl::Identity) {
        values
            .values
            .push(("identity.entity.id".into(), e.id.clone()));
        values
            .values
            .push(("identity.entity.name".into(), e.name.clone()));
        for g in self.groups_of(e) {
            values
                .values
                .push((format!("identity.groups.ids.{}.name", g.id), g.name.clone()));
            values
                .values
                .push((format!("identity.groups.names.{}.id", g.name), g.id.clone()));
        }
    }

    /// The groups an entity is in, directly or through nested groups.
    fn groups_of(&self, e: &Entity) -> Vec<&'a Group> {
        let mut ids: Vec<&str> = self
            .f
            .groups
            .iter()
            .filter(|g| g.member_entities.contains(&e.id))
            .map(|g| g.id.as_str())
            .collect();
        let mut i = 0;
        while i < ids.len() {
            let child = ids[i];
            for g in &self.f.groups {
                if g.member_groups.iter().any(|m| m == child) && !ids.contains(&g.id.as_str()) {
                    ids.push(&g.id);
                }
            }
            i += 1;
        }
        self.f
            .groups
            .iter()
            .filter(|g| ids.contains(&g.id.as_str()))
            .collect()
    }

    fn entity_policies(&self, e: &Entity) -> Vec<(String, String)> {
        let mut p: Vec<(String, String)> = e
            .policies
            .iter()
            .map(|x| (x.clone(), format!("policy of entity {}", e.name)))
            .collect();
        for g in self.groups_of(e) {
            for x in &g.policies {
                if !p.iter().any(|(q, _)| q == x) {
                    p.push((
                        x.clone(),
                        format!("policy of group {} (entity {} is a member)", g.name, e.name),
                    ));
                }
            }
        }
        p
    }

    fn entity(&mut self, e: &'a Entity) {
        let policies = self.entity_policies(e);
        if policies.is_empty() || e.disabled {
            return;
        }
        let id = self.id(&e.ns, "identity", &format!("entity/{}", e.id));
        let label = format!("entity {}", e.name);
        self.node(&id, label.clone(), "vault:entity", Class::Workload, &e.at);
        let mut values = acl::Identity::default();
        self.entity_values(e, &mut values);
        let subject = Subject {
            id,
            label,
            ns: e.ns.clone(),
            policies,
            values,
            role_api: None,
            entity_api: Some(qualify(&e.ns, &format!("identity/entity/id/{}", e.id))),
            at: e.at.clone(),
            cond: None,
        };
        self.pending.push(subject);
    }

    // ------------------------------------------------------------- who logs in

    fn config(&self, ns: &str, mount: &str) -> Option<&'a AuthConfig> {
        self.f
            .configs
            .iter()
            .find(|c| c.ns == ns && c.mount == mount)
    }

    /// `authenticates_as` edges into a login from who the role accepts.
    fn logins_into(&mut self, r: &'a Role, to: &str, cidr: Cond) {
        match &r.login {
            Login::Jwt {
                role_type,
                bound_subject,
                bound_claims,
                glob,
                ..
            } => {
                let Some(issuer) = self.config(&r.ns, &r.mount).and_then(|c| c.issuer.clone())
                else {
                    self.warn_once(
                        format!("issuer {}", qualify(&r.ns, &r.mount)),
                        Code::NotCollected,
                        &r.at,
                        format!(
                            "{}/config was not read (or names no bound_issuer or oidc_discovery_url): whose tokens the mount's roles accept is unknown, so no one is linked to them",
                            qualify(&r.ns, &r.mount)
                        ),
                    );
                    return;
                };
                let github = ids::oidc_issuer(&issuer) == ids::GITHUB_ACTIONS_ISSUER;
                let (subs, rest) = match subjects(bound_subject.as_deref(), bound_claims, *glob) {
                    s if !s.is_empty() => (s, other_claims(bound_claims, &["sub"])),
                    _ if github => github_subjects(bound_claims),
                    _ => (vec!["*".to_string()], other_claims(bound_claims, &["sub"])),
                };
                let mut cond = cidr.clone();
                if !rest.is_empty() {
                    cond = Some(join_cond(
                        cond,
                        format!(
                            "the token must also carry {}, which its subject does not decide",
                            rest.iter()
                                .map(|(k, v)| format!("{k}={}", v.join("|")))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
                for sub in subs {
                    let from = ids::oidc_subject(&issuer, &sub);
                    let (provider, kind) = if github {
                        ("github", "github:workflow")
                    } else {
                        ("oidc", "oidc:subject")
                    };
                    self.node_with(
                        &from,
                        format!("{} sub={sub}", ids::oidc_issuer(&issuer)),
                        provider,
                        kind,
                        Class::Workload,
                        &r.at,
                    );
                    let mut reason = format!(
                        "{role_type} login to {} role {}: a token from {} with subject `{sub}` is accepted",
                        qualify(&r.ns, &r.mount),
                        r.name,
                        ids::oidc_issuer(&issuer)
                    );
                    if sub == "*" {
                        reason.push_str(
                            "; the role binds no subject: any token of the issuer is accepted",
                        );
                    }
                    self.edge(
                        (&from, to),
                        EdgeKind::AuthenticatesAs,
                        None,
                        None,
                        &r.at,
                        reason,
                        cond.clone(),
                    );
                }
            }
            Login::Kubernetes {
                names,
                namespaces,
                selector,
                ..
            } => {
                let config = self.config(&r.ns, &r.mount);
                let Some(issuer) = config.and_then(|c| c.issuer.clone().or_else(|| c.host.clone()))
                else {
                    self.warn_once(
                        format!("k8s {}", qualify(&r.ns, &r.mount)),
                        Code::NotCollected,
                        &r.at,
                        format!(
                            "{}/config was not read: which cluster's service accounts the mount's roles accept is unknown, so no one is linked to them",
                            qualify(&r.ns, &r.mount)
                        ),
                    );
                    return;
                };
                let mut cond = cidr.clone();
                let mut nss: Vec<String> = namespaces.clone();
                if let Some(sel) = selector {
                    if nss.is_empty() {
                        nss.push("*".into());
                    }
                    cond = Some(join_cond(
                        cond,
                        format!(
                            "namespaces matching the label selector {sel} are also accepted; the cluster's namespace labels decide"
                        ),
                    ));
                }
                for ns in &nss {
                    for name in names {
                        let from = ids::k8s_service_account(&issuer, ns, name);
                        self.node_with(
                            &from,
                            format!(
                                "service account {ns}/{name} ({})",
                                ids::oidc_issuer(&issuer)
                            ),
                            "k8s",
                            "k8s:service_account",
                            Class::Workload,
                            &r.at,
                        );
                        self.edge(
                            (&from, to),
                            EdgeKind::AuthenticatesAs,
                            None,
                            None,
                            &r.at,
                            format!(
                                "Kubernetes login to {} role {}: service account `{name}` in namespace `{ns}` is bound",
                                qualify(&r.ns, &r.mount),
                                r.name
                            ),
                            cond.clone(),
                        );
                    }
                }
            }
            Login::Aws {
                auth_type,
                principals,
                accounts,
            } => {
                if auth_type != "iam" {
                    self.warn_once(
                        format!("ec2 {to}"),
                        Code::NotCollected,
                        &r.at,
                        format!("AWS auth role {} uses auth_type {auth_type}; only iam logins are linked", r.name),
                    );
                    return;
                }
                let mut from: Vec<(String, String)> = principals
                    .iter()
                    .map(|p| (p.clone(), format!("bound_iam_principal_arn {p}")))
                    .collect();
                if from.is_empty() {
                    from = accounts
                        .iter()
                        .map(|a| {
                            (
                                format!("arn:aws:iam::{a}:*"),
                                format!("bound_account_id {a}"),
                            )
                        })
                        .collect();
                }
                for (arn, why) in from {
                    let id = ids::aws_arn(&arn);
                    if arn.contains('*') {
                        self.node_with(
                            &id,
                            format!("AWS principals matching {arn}"),
                            "aws",
                            "aws:principal_pattern",
                            Class::Workload,
                            &r.at,
                        );
                    }
                    self.edge(
                        (&id, to),
                        EdgeKind::AuthenticatesAs,
                        None,
                        None,
                        &r.at,
                        format!(
                            "AWS iam login to {} role {}: {why} (a signed sts:GetCallerIdentity of the principal)",
                            qualify(&r.ns, &r.mount),
                            r.name
                        ),
                        cidr.clone(),
                    );
                }
            }
            Login::AppRole { .. } | Login::Userpass => {}
        }
    }

    // ------------------------------------------------------------- reach

    /// Asks the subject's ACL for each request that moves an attacker.
    /// The ACL of a subject's token, and how to explain its rules.
    fn acl_of(&mut self, s: &Subject) -> (Acl, Explain) {
        let mut docs: Vec<(&str, &str, &acl::Policy)> = Vec::new();
        let mut ex = Explain {
            placed: HashMap::new(),
            origin: BTreeMap::new(),
            fallback: s.at.clone(),
        };
        let root_policy = acl::Policy::default();
        for (name, from) in &s.policies {
            ex.origin.insert(name.clone(), from.clone());
            if name == "root" {
                docs.push(("", "root", &root_policy));
                continue;
            }
            // A policy of the login's namespace, else of the root.
            let doc = self
                .policies
                .get(&(s.ns.as_str(), name.as_str()))
                .or_else(|| self.policies.get(&("", name.as_str())))
                .copied();
            match doc {
                Some(d) => {
                    ex.placed.insert(d.name.clone(), d.at.clone());
                    docs.push((d.ns.as_str(), d.name.as_str(), &d.policy));
                }
                None => {
                    let at = s.at.clone();
                    self.warn_once(
                        format!("policy {}/{name}", s.ns),
                        Code::UnresolvedReference,
                        &at,
                        format!(
                            "policy `{name}` ({from}) was not read (sys/policies/acl/{name}.json): what it grants is missing from the graph"
                        ),
                    );
                }
            }
        }
        (Acl::new(docs, &s.values), ex)
    }

    /// Every subject's reach. Subjects whose tokens have the same ACL
    /// (same namespace and policies, no template filled for them) share
    /// one hub that holds the edges to what the ACL reaches: thousands of
    /// roles with the same policies cost one evaluation and one set of
    /// edges.
    fn reach_all(&mut self) {
        let subjects = std::mem::take(&mut self.pending);
        let mut sharing: HashMap<String, usize> = HashMap::new();
        for s in &subjects {
            if let Some(k) = share_key(s) {
                *sharing.entry(k).or_default() += 1;
            }
        }
        // How many subjects that may share hold each policy.
        let mut holders: HashMap<(String, String), usize> = HashMap::new();
        for s in subjects.iter().filter(|s| share_key(s).is_some()) {
            for d in self.docs_of(s) {
                *holders.entry((d.ns.clone(), d.name.clone())).or_default() += 1;
            }
        }
        let mut hubs: HashSet<String> = HashSet::new();
        let mut singles: HashMap<(String, String), Single> = HashMap::new();
        for s in &subjects {
            let (acl, ex) = self.acl_of(s);
            if share_key(s).is_some() && self.decomposes(s, &acl, &mut singles) {
                self.through_policies(s, &ex, &singles, &holders);
                self.escalations(s, &acl, &ex);
                continue;
            }
            let key = share_key(s).filter(|k| sharing.get(k).copied().unwrap_or(0) > 1);
            match key {
                Some(_) => {
                    let names: Vec<&str> = s.policies.iter().map(|(p, _)| p.as_str()).collect();
                    let hub = self.id(&s.ns, "sys/policies/set", &key_policies(s).join("+"));
                    if hubs.insert(hub.clone()) {
                        self.node(
                            &hub,
                            format!("holders of policies {}", key_policies(s).join(", ")),
                            "vault:policy_set",
                            Class::Group,
                            &s.at,
                        );
                        let shared = Explain {
                            origin: ex
                                .origin
                                .keys()
                                .map(|k| (k.clone(), "held by every member of the set".to_string()))
                                .collect(),
                            ..ex.clone()
                        };
                        self.targets(&hub, &acl, &shared, &None);
                    }
                    self.edge(
                        (&s.id, &hub),
                        EdgeKind::MemberOf,
                        None,
                        None,
                        &s.at,
                        format!("{}: its token's policies are {}", s.label, names.join(", ")),
                        s.cond.clone(),
                    );
                }
                None => self.targets(&s.id, &acl, &ex, &s.cond),
            }
            self.escalations(s, &acl, &ex);
        }
    }

    /// The policies of a subject that a document defines, with the
    /// namespace it was found in.
    fn docs_of(&self, s: &Subject) -> Vec<&'a PolicyDoc> {
        s.policies
            .iter()
            .filter_map(|(name, _)| {
                self.policies
                    .get(&(s.ns.as_str(), name.as_str()))
                    .or_else(|| self.policies.get(&("", name.as_str())))
                    .copied()
            })
            .collect()
    }

    /// Whether the subject's ACL is the union of its policies' ACLs: where
    /// two policies' patterns may both match a request, the merged ACL and
    /// the best single policy give the same verdict. Then each policy's
    /// reach is computed once, for everyone who holds it.
    fn decomposes(
        &self,
        s: &Subject,
        acl: &Acl,
        singles: &mut HashMap<(String, String), Single>,
    ) -> bool {
        let docs = self.docs_of(s);
        for d in &docs {
            let key = (d.ns.clone(), d.name.clone());
            singles.entry(key).or_insert_with(|| {
                let single = Acl::new(
                    [(d.ns.as_str(), d.name.as_str(), &d.policy)],
                    &acl::Identity::default(),
                );
                let candidates = self.candidates(&single);
                Single {
                    acl: single,
                    candidates,
                }
            });
        }
        let lists: Vec<&Single> = docs
            .iter()
            .filter_map(|d| singles.get(&(d.ns.clone(), d.name.clone())))
            .collect();
        // Targets two policies may both reach.
        let mut overlap: Vec<Target> = Vec::new();
        for i in 0..lists.len() {
            for j in i + 1..lists.len() {
                intersect(&lists[i].candidates, &lists[j].candidates, &mut overlap);
            }
        }
        overlap.sort_unstable();
        overlap.dedup();
        overlap.iter().all(|t| {
            self.requests(*t).iter().all(|(path, need)| {
                let merged = class(&acl.check(path, *need));
                let best = lists
                    .iter()
                    .map(|l| class(&l.acl.check(path, *need)))
                    .max()
                    .unwrap_or(0);
                merged == best
            })
        })
    }

    /// The requests that reach a target.
    fn requests(&self, t: Target) -> Vec<(String, Caps)> {
        match t {
            Target::Secret(i) => {
                let sec = &self.f.secrets[i];
                let v2 = self
                    .mount(&sec.ns, &sec.mount)
                    .is_some_and(|m| m.kv_version == 2);
                let base = qualify(&sec.ns, &sec.mount);
                let path = if v2 {
                    format!("{base}/data/{}", sec.path)
                } else {
                    format!("{base}/{}", sec.path)
                };
                vec![
                    (path.clone(), Caps::READ),
                    (path, Caps::CREATE | Caps::UPDATE | Caps::PATCH),
                ]
            }
            Target::AppRole(i) => {
                let r = &self.f.roles[i];
                let base = format!("{}/role/{}", qualify(&r.ns, &r.mount), r.name);
                vec![
                    (format!("{base}/role-id"), Caps::READ),
                    (format!("{base}/secret-id"), Caps::UPDATE | Caps::CREATE),
                ]
            }
            Target::Aws(i) => {
                let r = &self.f.aws_roles[i];
                let base = qualify(&r.ns, &r.mount);
                vec![
                    (
                        format!("{base}/creds/{}", r.name),
                        Caps::READ | Caps::UPDATE,
                    ),
                    (format!("{base}/sts/{}", r.name), Caps::UPDATE),
                ]
            }
            Target::Db(i) => {
                let r = &self.f.db_roles[i];
                let base = qualify(&r.ns, &r.mount);
                let what = if r.username.is_some() {
                    "static-creds"
                } else {
                    "creds"
                };
                vec![(format!("{base}/{what}/{}", r.name), Caps::READ)]
            }
        }
    }

    /// A subject whose ACL decomposes: a `member_of` edge to each policy it
    /// shares with others, whose reach is emitted once, and the reach of
    /// the policies only it holds.
    fn through_policies(
        &mut self,
        s: &Subject,
        own: &Explain,
        singles: &HashMap<(String, String), Single>,
        holders: &HashMap<(String, String), usize>,
    ) {
        for d in self.docs_of(s) {
            let key = (d.ns.clone(), d.name.clone());
            // A policy that names no target reaches nothing.
            if singles.get(&key).is_none_or(|x| x.candidates.is_empty()) {
                continue;
            }
            // A policy no one else holds: its reach, from the subject.
            if holders.get(&key).copied().unwrap_or(0) < 2 {
                if let Some(single) = singles.get(&key) {
                    let acl = single.acl.clone();
                    self.targets(&s.id, &acl, own, &s.cond);
                }
                continue;
            }
            let hub = self.id(&d.ns, "sys/policies/acl", &d.name);
            if !self.added.contains(&hub) {
                self.node(
                    &hub,
                    format!("holders of policy {}", qualify(&d.ns, &d.name)),
                    "vault:policy",
                    Class::Group,
                    &d.at,
                );
                if let Some(single) = singles.get(&(d.ns.clone(), d.name.clone())) {
                    let ex = Explain {
                        placed: [(d.name.clone(), d.at.clone())].into_iter().collect(),
                        origin: [(d.name.clone(), "held by every member".to_string())]
                            .into_iter()
                            .collect(),
                        fallback: d.at.clone(),
                    };
                    let acl = single.acl.clone();
                    self.targets(&hub, &acl, &ex, &None);
                }
            }
            let from = s
                .policies
                .iter()
                .find(|(p, _)| *p == d.name)
                .map_or("policy", |(_, f)| f.as_str());
            self.edge(
                (&s.id, &hub),
                EdgeKind::MemberOf,
                None,
                None,
                &s.at,
                format!(
                    "{}: its token holds policy {} ({from}), and its policies do not override one another",
                    s.label, d.name
                ),
                s.cond.clone(),
            );
        }
    }

    /// The sorted request paths of every target, built once.
    fn request_paths(&self) -> Vec<(String, Target)> {
        let mut out = Vec::new();
        for (i, sec) in self.f.secrets.iter().enumerate() {
            if let Some(m) = self.mount(&sec.ns, &sec.mount) {
                let base = qualify(&sec.ns, &sec.mount);
                let path = if m.kv_version == 2 {
                    format!("{base}/data/{}", sec.path)
                } else {
                    format!("{base}/{}", sec.path)
                };
                out.push((path, Target::Secret(i)));
            }
        }
        for (i, r) in self.f.roles.iter().enumerate() {
            if matches!(r.login, Login::AppRole { .. }) {
                let base = format!("{}/role/{}", qualify(&r.ns, &r.mount), r.name);
                out.push((format!("{base}/role-id"), Target::AppRole(i)));
            }
        }
        for (i, r) in self.f.aws_roles.iter().enumerate() {
            let base = qualify(&r.ns, &r.mount);
            out.push((format!("{base}/creds/{}", r.name), Target::Aws(i)));
            out.push((format!("{base}/sts/{}", r.name), Target::Aws(i)));
        }
        for (i, r) in self.f.db_roles.iter().enumerate() {
            let base = qualify(&r.ns, &r.mount);
            let path = if r.username.is_some() {
                format!("{base}/static-creds/{}", r.name)
            } else {
                format!("{base}/creds/{}", r.name)
            };
            out.push((path, Target::Db(i)));
        }
        out.sort();
        out
    }

    /// The targets a request of the ACL may reach: those whose request
    /// path starts with the literal head of one of its patterns.
    fn candidates(&self, acl: &Acl) -> Vec<Target> {
        let mut out: Vec<Target> = if acl.root {
            self.paths.iter().map(|(_, t)| *t).collect()
        } else {
            let mut out = Vec::new();
            for head in acl.heads() {
                let from = self.paths.partition_point(|(p, _)| p.as_str() < head);
                for (p, t) in &self.paths[from..] {
                    if !p.starts_with(head) {
                        break;
                    }
                    out.push(*t);
                }
            }
            out
        };
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Asks the ACL for each request that reaches a target, and emits the
    /// edges from `from`.
    fn targets(&mut self, from: &str, acl: &Acl, ex: &Explain, given: &Cond) {
        let s_id = from.to_string();
        let why = |by: &[acl::Source]| ex.why(by);
        let place = |by: &[acl::Source]| ex.place(by);
        let f = self.f;
        for target in self.candidates(acl) {
            match target {
                // KV secrets.
                Target::Secret(i) => {
                    let sec = &f.secrets[i];
                    let Some(m) = self.mount(&sec.ns, &sec.mount) else {
                        continue;
                    };
                    let base = qualify(&sec.ns, &sec.mount);
                    let path = if m.kv_version == 2 {
                        format!("{base}/data/{}", sec.path)
                    } else {
                        format!("{base}/{}", sec.path)
                    };
                    let id = self.secret_id(sec);
                    if let Some((by, cond)) = decide(acl, &path, Caps::READ, given) {
                        self.edge(
                            (&s_id, &id),
                            EdgeKind::CanReadSecret,
                            None,
                            Some("vault read"),
                            &place(&by),
                            format!("reads {path}: {}", why(&by)),
                            cond,
                        );
                    }
                    if let Some((by, cond)) =
                        decide(acl, &path, Caps::CREATE | Caps::UPDATE | Caps::PATCH, given)
                    {
                        self.edge(
                            (&s_id, &id),
                            EdgeKind::Access,
                            Some(AccessLevel::Write),
                            None,
                            &place(&by),
                            format!("writes {path}: {}", why(&by)),
                            cond,
                        );
                    }
                }
                // AppRole: a role id and a fresh secret id log in as the role.
                Target::AppRole(i) => {
                    let r = &f.roles[i];
                    let Login::AppRole { bind_secret_id } = r.login else {
                        continue;
                    };
                    let base = format!("{}/role/{}", qualify(&r.ns, &r.mount), r.name);
                    let Some((by_id, c1)) =
                        decide(acl, &format!("{base}/role-id"), Caps::READ, given)
                    else {
                        continue;
                    };
                    let (by_secret, c2) = if bind_secret_id {
                        match decide(
                            acl,
                            &format!("{base}/secret-id"),
                            Caps::UPDATE | Caps::CREATE,
                            given,
                        ) {
                            Some(x) => x,
                            None => continue,
                        }
                    } else {
                        (Vec::new(), None)
                    };
                    let to = self.role_id(r);
                    let cidr = (!r.cidrs.is_empty()).then(|| {
                        format!(
                            "the role is bound to CIDR {}: only a caller from there logs in",
                            r.cidrs.join(", ")
                        )
                    });
                    let cond = merge(merge(c1, c2), cidr);
                    let mut reason = format!("reads {base}/role-id ({})", why(&by_id));
                    if bind_secret_id {
                        reason.push_str(&format!(
                            " and generates a secret id at {base}/secret-id ({})",
                            why(&by_secret)
                        ));
                    } else {
                        reason.push_str("; the role needs no secret id (bind_secret_id false)");
                    }
                    self.edge(
                        (&s_id, &to),
                        EdgeKind::CanActAs,
                        None,
                        Some("vault approle login"),
                        &place(&by_id),
                        reason,
                        cond,
                    );
                }
                // AWS secrets engine.
                Target::Aws(i) => {
                    let r = &f.aws_roles[i];
                    let base = qualify(&r.ns, &r.mount);
                    let creds = format!("{base}/creds/{}", r.name);
                    let sts = format!("{base}/sts/{}", r.name);
                    let found = decide(acl, &creds, Caps::READ | Caps::UPDATE, given)
                        .map(|x| (creds, x))
                        .or_else(|| decide(acl, &sts, Caps::UPDATE, given).map(|x| (sts, x)));
                    if let Some((path, (by, cond))) = found {
                        let to = self.aws_role_id(r);
                        self.edge(
                            (&s_id, &to),
                            EdgeKind::CanActAs,
                            None,
                            Some("vault aws creds"),
                            &place(&by),
                            format!("requests {path}: {}", why(&by)),
                            cond,
                        );
                    }
                }
                // Database secrets engine.
                Target::Db(i) => {
                    let r = &f.db_roles[i];
                    let base = qualify(&r.ns, &r.mount);
                    let path = if r.username.is_some() {
                        format!("{base}/static-creds/{}", r.name)
                    } else {
                        format!("{base}/creds/{}", r.name)
                    };
                    let Some((by, cond)) = decide(acl, &path, Caps::READ, given) else {
                        continue;
                    };
                    let to = self.db_id(&r.ns, &r.mount, &r.db_name);
                    // A connection serves only the roles it allows (none when
                    // `allowed_roles` is empty, any with `*`).
                    if let Some(c) = self
                        .f
                        .db_connections
                        .iter()
                        .find(|c| c.ns == r.ns && c.mount == r.mount && c.name == r.db_name)
                        && !c
                            .allowed_roles
                            .iter()
                            .any(|a| a == "*" || glob_match(a, &r.name))
                    {
                        continue;
                    }
                    if !self.added.contains(&to) {
                        self.warn_once(
                    format!("db {to}"),
                    Code::UnresolvedReference,
                    &r.at,
                    format!(
                        "database role {} names connection {} whose config was not read; its credentials are linked to nothing",
                        r.name, r.db_name
                    ),
                );
                        continue;
                    }
                    let levels: Vec<(AccessLevel, Cond, String)> = match &r.username {
                        Some(user) => vec![
                            (
                                AccessLevel::Read,
                                None,
                                format!("the static user {user}'s password"),
                            ),
                            (
                                AccessLevel::Admin,
                                Some(format!(
                                    "what the database user {user} may do is the database's own grant, not in the inputs"
                                )),
                                format!("the static user {user}'s password"),
                            ),
                        ],
                        None => {
                            let (level, c) = statements_level(&r.statements);
                            vec![(level, c, "a new database user".into())]
                        }
                    };
                    for (level, c, what) in levels {
                        self.edge(
                            (&s_id, &to),
                            EdgeKind::Access,
                            Some(level),
                            Some("vault database creds"),
                            &place(&by),
                            format!("reads {path} ({what}, role {}): {}", r.name, why(&by)),
                            merge(cond.clone(), c),
                        );
                    }
                }
            }
        }
    }

    /// Whatever lets the subject's token give itself any policy.
    fn escalations(&mut self, s: &Subject, acl: &Acl, ex: &Explain) {
        let why = |by: &[acl::Source]| ex.why(by);
        let place = |by: &[acl::Source]| ex.place(by);
        if s.id == self.root_id() {
            return;
        }
        // Escalation: whatever lets the token give itself any policy.
        let root = self.root_id();
        let mut ways: Vec<(String, Vec<acl::Source>, Cond, &str)> = Vec::new();
        if acl.root {
            ways.push((
                "holds the root policy".into(),
                Vec::new(),
                s.cond.clone(),
                "root policy",
            ));
        }
        for (name, _) in &s.policies {
            for api in [
                format!("sys/policies/acl/{name}"),
                format!("sys/policy/{name}"),
            ] {
                let api = qualify(&s.ns, &api);
                if let Some((by, c)) = decide(acl, &api, Caps::UPDATE | Caps::CREATE, &s.cond) {
                    ways.push((
                        format!("rewrites its own policy at {api}"),
                        by,
                        c,
                        "vault policy write",
                    ));
                    break;
                }
            }
        }
        if let Some(api) = &s.role_api
            && let Some((by, c)) = decide(acl, api, Caps::UPDATE, &s.cond)
        {
            ways.push((
                format!("rewrites its own role's token policies at {api}"),
                by,
                c,
                "vault role write",
            ));
        }
        if let Some(api) = &s.entity_api
            && let Some((by, c)) = decide(acl, api, Caps::UPDATE, &s.cond)
        {
            ways.push((
                format!("rewrites its own entity's policies at {api}"),
                by,
                c,
                "vault identity write",
            ));
        }
        for g in &self.f.groups {
            let api = qualify(&g.ns, &format!("identity/group/id/{}", g.id));
            if let Some((by, c)) = decide(acl, &api, Caps::UPDATE, &s.cond) {
                ways.push((
                    format!("rewrites group {}'s members and policies at {api}", g.name),
                    by,
                    c,
                    "vault identity write",
                ));
                break;
            }
        }
        let create = qualify(&s.ns, "identity/group");
        if let Some((by, c)) = decide(acl, &create, Caps::UPDATE | Caps::CREATE, &s.cond) {
            ways.push((
                format!("creates a group with any policy at {create}"),
                by,
                c,
                "vault identity write",
            ));
        }
        let token = qualify(&s.ns, "auth/token/create");
        if let Some((by, c)) = decide(acl, &token, Caps::UPDATE | Caps::CREATE, &s.cond)
            && acl.check(&token, Caps::SUDO) != Verdict::Denied
        {
            ways.push((
                format!("creates tokens with any policy at {token} (sudo)"),
                by,
                c,
                "vault token create",
            ));
        }
        if let Some((way, by, cond, mech)) =
            ways.iter().min_by_key(|(_, _, c, _)| c.is_some()).cloned()
        {
            let reason = if by.is_empty() {
                format!("{}: {way}", s.label)
            } else {
                format!("{}: {way}: {}", s.label, why(&by))
            };
            self.edge(
                (&s.id, &root),
                EdgeKind::CanEscalate,
                None,
                Some(mech),
                &place(&by),
                reason,
                cond,
            );
        }
    }
}

/// One policy's own ACL and the targets its patterns may reach.
struct Single {
    acl: Acl,
    candidates: Vec<Target>,
}

/// Appends the elements of two sorted lists that are in both.
fn intersect(a: &[Target], b: &[Target], out: &mut Vec<Target>) {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
}

/// A verdict's class, ordered: denied, undecided (a gate or an unfilled
/// template), allowed.
fn class(v: &Verdict) -> u8 {
    match v {
        Verdict::Denied => 0,
        Verdict::Unknown { .. } | Verdict::Allowed { gate: Some(_), .. } => 1,
        Verdict::Allowed { gate: None, .. } => 2,
    }
}

/// What an ACL says of a request, as an edge's (sources, condition); `None`
/// when it is denied.
fn decide(acl: &Acl, path: &str, need: Caps, base: &Cond) -> Option<(Vec<acl::Source>, Cond)> {
    match acl.check(path, need) {
        Verdict::Allowed { by, gate } => Some((by, merge(base.clone(), gate))),
        Verdict::Unknown { reason, by } => Some((by, Some(join_cond(base.clone(), reason)))),
        Verdict::Denied => None,
    }
}

fn merge(a: Cond, b: Cond) -> Cond {
    match (a, b) {
        (Some(a), Some(b)) if a == b => Some(a),
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    }
}

fn join_cond(a: Cond, b: String) -> String {
    match a {
        Some(a) => format!("{a}; {b}"),
        None => b,
    }
}

/// The subjects a JWT role accepts, from `bound_subject` and a `sub`
/// bound claim (values, or glob patterns with `bound_claims_type = glob`).
fn subjects(
    bound_subject: Option<&str>,
    claims: &[(String, Vec<String>)],
    glob: bool,
) -> Vec<String> {
    let sub_claim: Option<&Vec<String>> = claims.iter().find(|(k, _)| k == "sub").map(|(_, v)| v);
    match (bound_subject, sub_claim) {
        (Some(s), Some(values)) => {
            let ok = values
                .iter()
                .any(|v| if glob { glob_match(v, s) } else { v == s });
            if ok { vec![s.to_string()] } else { Vec::new() }
        }
        (Some(s), None) => vec![s.to_string()],
        (None, Some(values)) => values
            .iter()
            .map(|v| {
                if glob {
                    v.clone()
                } else {
                    v.replace('*', "\\*")
                }
            })
            .map(|v| v.replace("\\*", "*"))
            .collect(),
        (None, None) => Vec::new(),
    }
}

/// GitHub Actions roles bound by claims other than `sub`: the default
/// `sub` forms those claims allow, and the claims that remain.
fn github_subjects(claims: &[(String, Vec<String>)]) -> (Vec<String>, Vec<(String, Vec<String>)>) {
    let get = |k: &str| claims.iter().find(|(c, _)| c == k).map(|(_, v)| v.clone());
    let repos: Vec<String> = match (get("repository"), get("repository_owner")) {
        (Some(r), _) => r,
        (None, Some(o)) => o.iter().map(|o| format!("{o}/*")).collect(),
        (None, None) => vec!["*".into()],
    };
    let mut subs = Vec::new();
    let mut used = vec!["repository", "repository_owner", "sub"];
    match (get("environment"), get("ref")) {
        (Some(envs), _) => {
            used.push("environment");
            for r in &repos {
                for e in &envs {
                    subs.push(format!("repo:{r}:environment:{e}"));
                }
            }
        }
        (None, Some(refs)) => {
            used.push("ref");
            for r in &repos {
                for f in &refs {
                    subs.push(format!("repo:{r}:ref:{f}"));
                }
            }
        }
        (None, None) => {
            for r in &repos {
                subs.push(if r == "*" {
                    "*".into()
                } else {
                    format!("repo:{r}:*")
                });
            }
        }
    }
    (subs, other_claims(claims, &used))
}

fn other_claims(claims: &[(String, Vec<String>)], used: &[&str]) -> Vec<(String, Vec<String>)> {
    claims
        .iter()
        .filter(|(k, _)| !used.contains(&k.as_str()))
        .cloned()
        .collect()
}

/// Vault's claim globs: `*` matches any run of characters.
fn glob_match(pattern: &str, s: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == s,
        Some((head, tail)) => {
            let Some(rest) = s.strip_prefix(head) else {
                return false;
            };
            (0..=rest.len()).any(|i| rest.is_char_boundary(i) && glob_match(tail, &rest[i..]))
        }
    }
}

/// The access a dynamic database role's creation statements grant: the
/// privileges of their `GRANT` clauses, and role words that give more
/// (`SUPERUSER`, MongoDB's `root` or `readWrite`, SQL Server's `db_owner`).
/// Creating the user itself (`CREATE ROLE … WITH LOGIN`) grants nothing.
fn statements_level(statements: &[String]) -> (AccessLevel, Cond) {
    if statements.is_empty() {
        return (
            AccessLevel::Admin,
            Some("the role's creation statements are not in the inputs (the plugin's default decides)".into()),
        );
    }
    let text = statements.join("\n").to_ascii_uppercase();
    let mut level = AccessLevel::Read;
    let raise = |level: &mut AccessLevel, to: AccessLevel| {
        if rank(to) > rank(*level) {
            *level = to;
        }
    };
    for word in [
        "SUPERUSER",
        "CREATEROLE",
        "\"ROOT\"",
        "DBOWNER",
        "DB_OWNER",
        "SYSADMIN",
        "WITH GRANT OPTION",
        "DBADMIN",
        "USERADMIN",
    ] {
        if text.contains(word) {
            raise(&mut level, AccessLevel::Admin);
        }
    }
    for word in ["READWRITE", "DB_DATAWRITER", "DB_DDLADMIN"] {
        if text.contains(word) {
            raise(&mut level, AccessLevel::Write);
        }
    }
    for (i, _) in text.match_indices("GRANT ") {
        let clause = &text[i + "GRANT ".len()..];
        let end = [" ON ", " TO "]
            .iter()
            .filter_map(|w| clause.find(w))
            .min()
            .unwrap_or(clause.len());
        for privilege in clause[..end].split(',').map(str::trim) {
            let first = privilege.split_whitespace().next().unwrap_or("");
            match first {
                "ALL" => raise(&mut level, AccessLevel::Admin),
                "INSERT" | "UPDATE" | "DELETE" | "TRUNCATE" | "CREATE" | "ALTER" | "DROP"
                | "REFERENCES" | "TRIGGER" | "INDEX" => raise(&mut level, AccessLevel::Write),
                _ => {}
            }
        }
    }
    (level, None)
}

fn rank(level: AccessLevel) -> u8 {
    match level {
        AccessLevel::Read => 0,
        AccessLevel::Invoke | AccessLevel::Execute => 1,
        AccessLevel::Write => 2,
        AccessLevel::Admin => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(pairs: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn github_claims_give_the_default_subject_forms() {
        let (subs, rest) = github_subjects(&claims(&[
            ("repository", &["acme/api"]),
            ("ref", &["refs/heads/main"]),
        ]));
        assert_eq!(subs, vec!["repo:acme/api:ref:refs/heads/main"]);
        assert!(rest.is_empty());
        let (subs, rest) = github_subjects(&claims(&[
            ("repository_owner", &["acme"]),
            (
                "job_workflow_ref",
                &["acme/wf/.github/workflows/d.yml@refs/heads/main"],
            ),
        ]));
        assert_eq!(subs, vec!["repo:acme/*:*"]);
        assert_eq!(rest.len(), 1);
    }

    #[test]
    fn a_bound_subject_must_also_satisfy_a_sub_claim() {
        let c = claims(&[("sub", &["repo:acme/*"])]);
        assert_eq!(
            subjects(Some("repo:acme/api:ref:x"), &c, true),
            vec!["repo:acme/api:ref:x"]
        );
        assert!(subjects(Some("repo:other/api:ref:x"), &c, true).is_empty());
        assert!(subjects(Some("repo:acme/api:ref:x"), &c, false).is_empty());
    }

    #[test]
    fn creation_statements_set_the_level() {
        let s = |x: &str| vec![x.to_string()];
        assert_eq!(
            statements_level(&s("CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"{{name}}\";")).0,
            AccessLevel::Read
        );
        assert_eq!(
            statements_level(&s("GRANT SELECT ON db.* TO '{{name}}'@'%';")).0,
            AccessLevel::Read
        );
        assert_eq!(
            statements_level(&s("GRANT ALL PRIVILEGES ON *.* TO '{{name}}'@'%';")).0,
            AccessLevel::Admin
        );
        assert_eq!(
            statements_level(&s("GRANT SELECT, INSERT ON app.* TO '{{name}}'@'%';")).0,
            AccessLevel::Write
        );
        assert_eq!(
            statements_level(&s(
                "{\"db\": \"admin\", \"roles\": [{\"role\": \"readWrite\"}]}"
            ))
            .0,
            AccessLevel::Write
        );
    }
}
