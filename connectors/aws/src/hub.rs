//! The trust hub of an account: wide trust without a quadratic edge set.
//!
//! Most roles of a real account trust the account itself
//! (`"Principal": {"AWS": "arn:aws:iam::A:root"}`, no condition): any
//! principal of A whose own policies allow `sts:AssumeRole` on the role may
//! assume it. With hundreds of principals allowed `sts:AssumeRole` on
//! `role/*` that is principals × roles `can_assume` edges, every one the
//! same decision. When an account has at least [`HUB_MIN`] such roles they
//! get one node, `aws:account/A/trusting-roles` (kind
//! `aws:account_trust`, class group: holding it is being able to become any
//! of them), with a firm `can_assume` to each; a caller whose policies
//! decide `sts:AssumeRole` alike for every role of the account (each
//! statement on it covers all of `arn:…:iam::A:role/` or none of it, and
//! no condition reads the role's tags) and allow it firmly gets one
//! `can_assume` to the hub instead of one per role. Paths through it are one
//! hop longer; what is reachable is the same.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::*;

/// Fewest roles that make a hub: below it the edges are kept per role.
pub(crate) const HUB_MIN: usize = 8;

const ACTION: &str = "sts:AssumeRole";

/// The roles of one account that trust the account without condition.
pub(crate) struct TrustHub {
    /// The hub node's id.
    pub id: String,
    /// Role indices, in ARN order.
    pub roles: Vec<usize>,
    /// The same, for lookups.
    pub set: HashSet<usize>,
}

fn allow_all() -> &'static Policy {
    static P: OnceLock<Policy> = OnceLock::new();
    P.get_or_init(|| {
        Policy::parse(
            "any allow",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        )
        .map(|p| p.policy)
        .unwrap_or_else(|_| unreachable!("a fixed valid policy"))
    })
}

impl Facts {
    /// The hubs, by account (module doc), and their nodes and edges.
    pub(crate) fn trust_hubs(&self, out: &mut EstateBuilder) -> HashMap<String, TrustHub> {
        let mut by_account: BTreeMap<&str, Vec<(usize, StatementPath)>> = BTreeMap::new();
        for (r, role) in self.idents.iter().enumerate() {
            if role.kind != IdKind::Role
                || role.synthetic
                || methods::is_service_linked(role)
                || !self.is_local(&role.account)
            {
                continue;
            }
            if let Some(path) = self.trusts_account(role) {
                by_account.entry(&role.account).or_default().push((r, path));
            }
        }
        let mut hubs = HashMap::new();
        for (account, mut roles) in by_account {
            if roles.len() < HUB_MIN {
                continue;
            }
            roles.sort_by(|a, b| self.idents[a.0].arn.cmp(&self.idents[b.0].arn));
            let id = format!("aws:account/{account}/trusting-roles");
            let first = &self.idents[roles[0].0];
            self.add_derived_node(
                out,
                first,
                (
                    id.clone(),
                    format!(
                        "the {} roles of {account} that trust their account",
                        roles.len()
                    ),
                ),
                ("aws:account_trust", Class::Group),
            );
            for (r, location) in &roles {
                let role = &self.idents[*r];
                if let Some(f) = self.files.get(role.file) {
                    out.select_input(f);
                }
                out.add_edge(edge(
                    id.clone(),
                    role.arn.clone(),
                    EdgeKind::CanAssume,
                    self.provenance(
                        location.clone(),
                        format!(
                            "{} trusts its account without condition: any principal of {account} its own policies allow sts:AssumeRole on it may assume it",
                            role.label
                        ),
                    ),
                ));
            }
            let set = roles.iter().map(|(r, _)| *r).collect();
            hubs.insert(
                account.to_string(),
                TrustHub {
                    id,
                    roles: roles.into_iter().map(|(r, _)| r).collect(),
                    set,
                },
            );
        }
        hubs
    }

    /// A node the rules derive (a hub, an unseen inventory), recorded at
    /// `at`'s record: (id, name), (kind, class).
    pub(crate) fn add_derived_node(
        &self,
        out: &mut EstateBuilder,
        at: &Ident,
        (id, name): (String, String),
        (kind, class): (&str, Class),
    ) {
        if let Some(f) = self.files.get(at.file) {
            out.select_input(f);
        }
        out.add_node(
            Node {
                id,
                name,
                provider: "aws".into(),
                kind: kind.into(),
                class,
                attrs: Attributes::default(),
            },
            &at.path,
        );
    }

    /// Where `role`'s trust lets any principal of its account in on the
    /// principal's own policies, firmly and alike for users and roles: the
    /// trust statement's file and path. `None` when it does not, or when
    /// something else in the trust or the account's RCPs could tell
    /// callers apart (a `Deny`, a condition).
    fn trusts_account(&self, role: &Ident) -> Option<StatementPath> {
        let trust = role.trust.and_then(|t| self.docs.get(t))?;
        if trust.policy.has_deny()
            || !matches!(&role.trusted, Some(list) if list.iter().any(|t| matches!(t, Trusted::Account(a) if *a == role.account)))
            || !self.org_levels(&role.account, PolicyKind::Rcp).is_empty()
        {
            return None;
        }
        let partition = role.arn.split(':').nth(1).unwrap_or("aws");
        let identity = [allow_all()];
        let resource = [&trust.policy];
        let set = PolicySet {
            identity: &identity,
            resource: &resource,
            resource_policy_required: true,
            ..PolicySet::default()
        };
        let mut path = None;
        for p in [
            Principal::some_user(partition, &role.account),
            Principal::some_role(partition, &role.account),
        ] {
            let e = evaluate(
                &Request::new(&p, ACTION, &role.arn)
                    .with_resource_account(&role.account)
                    .with_context(access::attacker_context()),
                &set,
            );
            if !e.is_allowed() || e.conditional {
                return None;
            }
            let s = e
                .allowed_by
                .iter()
                .find(|s| s.kind == PolicyKind::Resource)?;
            path = Some(self.statement_path(s));
        }
        path
    }

    /// The caller's `can_assume` to its account's hub, when its policies
    /// decide `sts:AssumeRole` alike for every role of the account and
    /// allow it firmly (module doc).
    pub(crate) fn hub_edge(&self, c: &Caller<'_>, hub: &TrustHub) -> Option<Edge> {
        let uniform = decided_alike(c, ACTION, "role", &[]);
        if !uniform {
            return None;
        }
        let role = self.idents.get(*hub.roles.first()?)?;
        let trust = role.trust.and_then(|t| self.docs.get(t))?;
        let resource = [&trust.policy];
        let set = PolicySet {
            scp: &c.scp,
            identity: &c.identity,
            resource: &resource,
            boundary: c.boundary,
            resource_policy_required: true,
            ..PolicySet::default()
        };
        let e = evaluate(
            &Request::new(c.principal, ACTION, &role.arn)
                .with_resource_account(&role.account)
                .with_context(access::attacker_context()),
            &set,
        );
        if !e.is_allowed() || e.conditional {
            return None;
        }
        let stmt = e
            .allowed_by
            .iter()
            .find(|s| s.kind == PolicyKind::Identity)?;
        let reason = format!(
            "its policies allow sts:AssumeRole on every role of {} that trusts its account; identity: {}",
            c.ident.account,
            describe(stmt)
        );
        let mut ed = edge(
            c.ident.arn.clone(),
            hub.id.clone(),
            EdgeKind::CanAssume,
            self.provenance(self.statement_path(stmt), reason),
        );
        ed.mechanism = Some(ACTION.into());
        Some(ed)
    }
}

/// Whether every statement of the caller's policies (identity, boundary,
/// SCPs) on `action` covers all of the account's `family` (`role`, `user`)
/// or none of it, and no condition reads the resource's tags or one of
/// `more_keys`: then one evaluation decides `action` for every user or role
/// of the account.
pub(crate) fn decided_alike(
    c: &Caller<'_>,
    action: &str,
    family: &str,
    more_keys: &[&str],
) -> bool {
    let partition = c.ident.arn.split(':').nth(1).unwrap_or("aws");
    let prefix = format!("arn:{partition}:iam::{}:{family}/", c.ident.account);
    c.identity
        .iter()
        .copied()
        .chain(c.boundary)
        .chain(c.scp.iter().flatten().copied())
        .flat_map(|p| p.statements_for_action(action))
        .all(|s| {
            s.covers_prefix(&prefix).is_some()
                && !s.conditions().iter().any(|k| {
                    let k = k.key().to_ascii_lowercase();
                    k.starts_with("aws:resourcetag/")
                        || k.starts_with("iam:resourcetag/")
                        || more_keys.contains(&k.as_str())
                })
        })
}

/// A statement's file (index) and JSON path.
type StatementPath = (usize, String);
