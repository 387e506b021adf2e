//! The rules: one cluster's RBAC into nodes and edges
//! (docs/k8s-connector.md).

use std::collections::HashSet;

use blastgraph_model::{
    Attributes, Class, Code, Edge, EdgeKind, EstateBuilder, Node, Provenance, ids,
};

use crate::read::{At, Binding, Cluster, Role, Rule, Subject};

/// The workload controllers whose `create` starts pods that run as any
/// service account of their namespace.
const POD_MAKERS: [(&str, &str); 8] = [
    ("", "pods"),
    ("apps", "deployments"),
    ("apps", "replicasets"),
    ("apps", "statefulsets"),
    ("apps", "daemonsets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
    ("", "replicationcontrollers"),
];

struct Emit<'a> {
    c: &'a Cluster,
    out: &'a mut EstateBuilder,
    issuer: String,
    added: HashSet<String>,
}

pub(crate) fn emit(c: &Cluster, out: &mut EstateBuilder) {
    let issuer = match &c.issuer {
        Some((i, _)) => i.clone(),
        None => {
            if let Some(first) = c.files.first() {
                out.select_input(first);
            }
            out.warning_code(
                Code::NotCollected,
                "$",
                format!(
                    "no openid-configuration.json in k8s/{}/: its service accounts are named under `k8s-cluster/{}`, and the cloud trusts of the cluster's issuer (IRSA, Azure workload identity, Vault) do not meet them",
                    c.name, c.name
                ),
            );
            format!("k8s-cluster/{}", c.name)
        }
    };
    let mut e = Emit {
        c,
        out,
        issuer,
        added: HashSet::new(),
    };
    e.nodes();
    e.credentials();
    for b in &c.bindings {
        e.binding(b);
    }
    e.admin();
    e.inspected();
}

impl<'a> Emit<'a> {
    fn at_of(&mut self, at: &At) -> (String, String) {
        let source = self.c.files.get(at.file).cloned().unwrap_or_default();
        self.out.select_input(&source);
        (source, at.path.clone())
    }

    fn node(&mut self, id: &str, name: String, kind: &str, class: Class, at: &At) {
        if !self.added.insert(id.to_string()) || self.out.has_node(id) {
            return;
        }
        let (_, location) = self.at_of(at);
        self.out.add_node(
            Node {
                id: id.to_string(),
                name,
                provider: "k8s".into(),
                kind: kind.into(),
                class,
                attrs: Attributes::default(),
            },
            &location,
        );
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one call site per rule reads best with its parts named in order"
    )]
    fn edge(
        &mut self,
        from: &str,
        to: &str,
        kind: EdgeKind,
        mechanism: Option<&str>,
        at: &At,
        reason: String,
        condition: Option<String>,
    ) {
        if from == to {
            return;
        }
        let (source, location) = self.at_of(at);
        self.out.add_edge(Edge {
            id: None,
            from: from.to_string(),
            to: to.to_string(),
            kind,
            access: None,
            mechanism: mechanism.map(str::to_string),
            conditional: condition.is_some(),
            condition,
            provenance: Provenance {
                source,
                location,
                reason,
            },
        });
    }

    fn sa(&self, ns: &str, name: &str) -> String {
        ids::k8s_service_account(&self.issuer, ns, name)
    }

    fn secret(&self, ns: &str, name: &str) -> String {
        ids::k8s_object(&self.issuer, ns, "secrets", name)
    }

    fn admin_id(&self) -> String {
        ids::k8s_cluster_admin(&self.issuer)
    }

    fn nodes(&mut self) {
        let c = self.c;
        for s in &c.service_accounts {
            let id = self.sa(&s.ns, &s.name);
            self.node(
                &id,
                format!("service account {}/{} ({})", s.ns, s.name, c.name),
                "k8s:service_account",
                Class::Workload,
                &s.at,
            );
        }
        for s in &c.secrets {
            let id = self.secret(&s.ns, &s.name);
            self.node(
                &id,
                format!("secret {}/{} ({})", s.ns, s.name, c.name),
                "k8s:secret",
                Class::Secret,
                &s.at,
            );
        }
    }

    fn credentials(&mut self) {
        let c = self.c;
        for s in &c.secrets {
            let id = self.secret(&s.ns, &s.name);
            if let Some(sa) = &s.token_of {
                let to = self.sa(&s.ns, sa);
                self.edge(
                    &id,
                    &to,
                    EdgeKind::HoldsCredential,
                    None,
                    &s.at,
                    format!(
                        "a kubernetes.io/service-account-token secret: the token of service account {}/{sa}",
                        s.ns
                    ),
                    None,
                );
            }
            if let Some(to) = &s.credential_of {
                self.edge(
                    &id,
                    to,
                    EdgeKind::HoldsCredential,
                    None,
                    &s.at,
                    format!(
                        "annotation {}={to}: the secret's value is a credential of {to}",
                        ids::CREDENTIAL_OF
                    ),
                    None,
                );
            }
        }
        for a in &c.associations {
            let from = self.sa(&a.ns, &a.sa);
            self.edge(
                &from,
                &ids::aws_arn(&a.role_arn),
                EdgeKind::CanAssume,
                Some("eks pod identity"),
                &a.at,
                format!(
                    "EKS Pod Identity association: pods running as {}/{} get the role's credentials from the EKS Pod Identity Agent",
                    a.ns, a.sa
                ),
                None,
            );
        }
    }

    fn role_of(&self, b: &Binding) -> Option<&'a Role> {
        let c: &'a Cluster = self.c;
        c.roles.iter().find(|r| {
            r.name == b.role_name
                && match b.role_kind.as_str() {
                    "ClusterRole" => r.ns.is_none(),
                    _ => r.ns.is_some() && r.ns == b.ns,
                }
        })
    }

    /// The node of a binding's subject, and the service accounts a system
    /// group stands for (their `member_of` edges).
    fn subject(&mut self, s: &Subject, at: &At) -> String {
        let c = self.c;
        match s {
            Subject::ServiceAccount { ns, name } => {
                let id = self.sa(ns, name);
                self.node(
                    &id,
                    format!("service account {ns}/{name} ({})", c.name),
                    "k8s:service_account",
                    Class::Workload,
                    at,
                );
                id
            }
            Subject::User(name) => {
                let id = ids::k8s_subject(&self.issuer, "users", name);
                let class = if name.starts_with("system:") {
                    Class::Workload
                } else {
                    Class::Human
                };
                self.node(
                    &id,
                    format!("user {name} ({})", c.name),
                    "k8s:user",
                    class,
                    at,
                );
                id
            }
            Subject::Group(name) => {
                let id = ids::k8s_subject(&self.issuer, "groups", name);
                if self.added.contains(&id) {
                    return id;
                }
                self.node(
                    &id,
                    format!("group {name} ({})", c.name),
                    "k8s:group",
                    Class::Group,
                    at,
                );
                // The groups Kubernetes itself fills.
                let members: Vec<(String, String)> = c
                    .service_accounts
                    .iter()
                    .filter(|sa| match name.as_str() {
                        "system:serviceaccounts" | "system:authenticated" => true,
                        n => n.strip_prefix("system:serviceaccounts:") == Some(sa.ns.as_str()),
                    })
                    .map(|sa| (sa.ns.clone(), sa.name.clone()))
                    .collect();
                for (ns, sa) in members {
                    let from = self.sa(&ns, &sa);
                    self.edge(
                        &from,
                        &id,
                        EdgeKind::MemberOf,
                        None,
                        at,
                        format!(
                            "every service account{} is in {name}",
                            if name.starts_with("system:serviceaccounts:") {
                                " of the namespace"
                            } else {
                                ""
                            }
                        ),
                        None,
                    );
                }
                id
            }
        }
    }

    fn binding(&mut self, b: &Binding) {
        let c = self.c;
        let Some(role) = self.role_of(b) else {
            let (_, location) = self.at_of(&b.at);
            self.out.warning_code(
                Code::UnresolvedReference,
                location,
                format!(
                    "binding {} names {} {}, which the inputs do not hold: what it grants is missing from the graph",
                    b.name, b.role_kind, b.role_name
                ),
            );
            return;
        };
        let scope = match &b.ns {
            Some(ns) => format!("namespace {ns}"),
            None => "the whole cluster".to_string(),
        };
        let how = |rule: &Rule| {
            format!(
                "{} {} binds {} {} (rule {}: {} on {}) over {scope}",
                if b.ns.is_some() {
                    "RoleBinding"
                } else {
                    "ClusterRoleBinding"
                },
                b.name,
                b.role_kind,
                b.role_name,
                rule.index,
                rule.verbs.join(","),
                rule.resources.join(","),
            )
        };
        let in_scope = |ns: &str| b.ns.as_deref().is_none_or(|s| s == ns);
        for s in &b.subjects {
            let from = self.subject(s, &b.at);
            // Secrets it reads.
            for sec in c.secrets.iter().filter(|x| in_scope(&x.ns)) {
                if let Some(rule) = role.rules.iter().find(|r| {
                    ["get", "list", "watch"]
                        .iter()
                        .any(|v| r.allows(v, "", "secrets", Some(&sec.name)))
                }) {
                    let to = self.secret(&sec.ns, &sec.name);
                    self.edge(
                        &from,
                        &to,
                        EdgeKind::CanReadSecret,
                        Some("k8s get secret"),
                        &b.at,
                        how(rule),
                        None,
                    );
                }
            }
            // Service accounts it runs as.
            for sa in c.service_accounts.iter().filter(|x| in_scope(&x.ns)) {
                let to = self.sa(&sa.ns, &sa.name);
                let maker = role.rules.iter().find_map(|r| {
                    POD_MAKERS
                        .iter()
                        .find(|(g, res)| r.allows("create", g, res, None))
                        .map(|(_, res)| (r, *res))
                });
                if let Some((rule, res)) = maker {
                    self.edge(
                        &from,
                        &to,
                        EdgeKind::CanActAs,
                        Some("k8s create pod"),
                        &b.at,
                        format!(
                            "creates {res} that run as {}/{}: {}",
                            sa.ns,
                            sa.name,
                            how(rule)
                        ),
                        None,
                    );
                    continue;
                }
                let direct = role.rules.iter().find_map(|r| {
                    if r.allows("create", "", "serviceaccounts/token", Some(&sa.name)) {
                        Some((
                            r,
                            "k8s TokenRequest",
                            "requests a token of the service account",
                        ))
                    } else if r.allows("impersonate", "", "serviceaccounts", Some(&sa.name)) {
                        Some((r, "k8s impersonate", "impersonates the service account"))
                    } else {
                        None
                    }
                });
                if let Some((rule, mech, what)) = direct {
                    self.edge(
                        &from,
                        &to,
                        EdgeKind::CanActAs,
                        Some(mech),
                        &b.at,
                        format!("{what}: {}", how(rule)),
                        None,
                    );
                    continue;
                }
                if let Some(rule) = role
                    .rules
                    .iter()
                    .find(|r| r.allows("create", "", "pods/exec", None))
                {
                    self.edge(
                        &from,
                        &to,
                        EdgeKind::CanActAs,
                        Some("k8s pods/exec"),
                        &b.at,
                        format!("runs commands in pods of the namespace: {}", how(rule)),
                        Some(format!(
                            "only if a pod runs as {}/{}: which pods run is not in the inputs",
                            sa.ns, sa.name
                        )),
                    );
                }
            }
            // A namespace's control: binding itself its admin (creating
            // role bindings with `bind` or `escalate` on a role that may
            // do everything there) reads every secret and runs as every
            // account of the namespace.
            if let Some(ns) = &b.ns {
                let rbac = "rbac.authorization.k8s.io";
                let binds = role
                    .rules
                    .iter()
                    .find(|r| r.allows("create", rbac, "rolebindings", None));
                let may = role.rules.iter().any(|q| {
                    ["admin", "edit", "cluster-admin"].iter().any(|n| {
                        q.allows("bind", rbac, "clusterroles", Some(n))
                            || q.allows("escalate", rbac, "clusterroles", Some(n))
                    }) || q.allows("escalate", rbac, "roles", None)
                });
                if let (Some(rule), true) = (binds, may) {
                    let why = format!("binds itself the namespace's admin: {}", how(rule));
                    for sec in c.secrets.iter().filter(|x| x.ns == *ns) {
                        let to = self.secret(&sec.ns, &sec.name);
                        self.edge(
                            &from,
                            &to,
                            EdgeKind::CanReadSecret,
                            Some("k8s rbac bind"),
                            &b.at,
                            why.clone(),
                            None,
                        );
                    }
                    for sa in c.service_accounts.iter().filter(|x| x.ns == *ns) {
                        let to = self.sa(&sa.ns, &sa.name);
                        self.edge(
                            &from,
                            &to,
                            EdgeKind::CanActAs,
                            Some("k8s rbac bind"),
                            &b.at,
                            why.clone(),
                            None,
                        );
                    }
                }
            }
            // Cluster-wide control.
            if b.ns.is_none() {
                let rbac = "rbac.authorization.k8s.io";
                let way = role.rules.iter().find_map(|r| {
                    if r.allows("create", rbac, "clusterrolebindings", None)
                        && role.rules.iter().any(|q| {
                            q.allows("bind", rbac, "clusterroles", Some("cluster-admin"))
                                || q.allows("escalate", rbac, "clusterroles", Some("cluster-admin"))
                        })
                    {
                        Some((r, "k8s rbac bind"))
                    } else if r.allows("impersonate", "", "groups", Some("system:masters")) {
                        Some((r, "k8s impersonate"))
                    } else {
                        None
                    }
                });
                if let Some((rule, mech)) = way {
                    let admin = self.admin_id();
                    self.admin_node();
                    self.edge(
                        &from,
                        &admin,
                        EdgeKind::CanEscalate,
                        Some(mech),
                        &b.at,
                        how(rule),
                        None,
                    );
                }
            }
        }
    }

    /// What inspected values hold, as hints for the estate to place.
    fn inspected(&mut self) {
        for (ns, name, f, at) in &self.c.inspected {
            let secret = self.secret(ns, name);
            let source = self.c.files.get(at.file).cloned().unwrap_or_default();
            self.out.add_found(&secret, f, &source, &at.path);
        }
    }

    fn admin_node(&mut self) {
        let id = self.admin_id();
        let at = self
            .c
            .issuer
            .as_ref()
            .map(|(_, at)| at.clone())
            .unwrap_or_default();
        self.node(
            &id,
            format!("cluster-admin of {}", self.c.name),
            "k8s:cluster_admin",
            Class::Scope,
            &at,
        );
    }

    /// The cluster admin reads every secret and runs as every service account.
    fn admin(&mut self) {
        if !self.added.contains(&self.admin_id()) {
            return;
        }
        let c = self.c;
        let admin = self.admin_id();
        for s in &c.secrets {
            let to = self.secret(&s.ns, &s.name);
            self.edge(
                &admin,
                &to,
                EdgeKind::CanReadSecret,
                Some("k8s get secret"),
                &s.at,
                "cluster-admin reads every secret".into(),
                None,
            );
        }
        for sa in &c.service_accounts {
            let to = self.sa(&sa.ns, &sa.name);
            self.edge(
                &admin,
                &to,
                EdgeKind::CanActAs,
                Some("k8s create pod"),
                &sa.at,
                "cluster-admin runs pods as every service account".into(),
                None,
            );
        }
    }
}
