//! Family 1, pass 2 (rows 1.14–1.21 of docs/aws-escalation-methods.md): a
//! caller that cannot write its own permissions writes another identity's
//! (`iam:Put*Policy`, `iam:Attach*Policy`, `iam:CreatePolicyVersion` on a
//! customer-managed policy of it) and obtains that identity's credentials
//! (`sts:AssumeRole` under the role's trust, `iam:UpdateAssumeRolePolicy`
//! on the role, or a new access key or console password for the user). It
//! then holds everything, within the written identity's boundary: a
//! `can_escalate` edge to the account admin, mechanism `WRITE+OBTAIN`.

use std::collections::{BTreeSet, HashMap};

use blastgraph_model::{Edge, EdgeKind};
use blastgraph_policy::{Context, PolicySet, Request, Statement, evaluate};

use crate::{
    BOUNDARY_KEY, Caller, EscalationWrite, Facts, IdKind, Ident, POLICY_ARN_KEY, access,
    account_admin_id, allowing, identity_statement, undecided_text, with_conditions,
};

/// The writes that make another identity an administrator.
const WRITES: [&str; 5] = [
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:AttachUserPolicy",
    "iam:CreatePolicyVersion",
];

/// Where a write's resource patterns can land, per account, sorted by ARN
/// so a statement's literal resource prefix finds its candidates.
#[derive(Default)]
pub(crate) struct WriteIndex {
    /// (ARN, ident) of the users and roles that can be written.
    idents: HashMap<String, Vec<(String, usize)>>,
    /// (customer managed policy ARN, the users and roles it applies to,
    /// directly or through a group).
    policies: HashMap<String, Vec<(String, Vec<usize>)>>,
}

/// The entries of a sorted list whose key starts with `prefix`.
fn under<'a, T>(list: &'a [(String, T)], prefix: &str) -> &'a [(String, T)] {
    let start = list.partition_point(|(k, _)| k.as_str() < prefix);
    let len = list[start..]
        .iter()
        .take_while(|(k, _)| k.starts_with(prefix))
        .count();
    &list[start..start + len]
}

/// How the caller gets the written identity's credentials.
struct Obtain {
    mechanism: String,
    /// Undecided conditions of that request, or its precondition.
    condition: Option<String>,
}

impl Facts {
    /// The [`WriteIndex`], built on first use.
    fn write_index(&self) -> &WriteIndex {
        self.write_index.get_or_init(|| {
            let mut index = WriteIndex::default();
            let mut holders: HashMap<&str, Vec<usize>> = HashMap::new();
            for (t, ident) in self.idents.iter().enumerate() {
                if ident.synthetic
                    || ident.kind == IdKind::Group
                    || crate::methods::is_service_linked(ident)
                {
                    continue;
                }
                index
                    .idents
                    .entry(ident.account.clone())
                    .or_default()
                    .push((ident.arn.clone(), t));
                for p in self.identity_policies(ident) {
                    let Some(arn) = self.docs.get(p).and_then(|d| d.arn.as_deref()) else {
                        continue;
                    };
                    if arn.contains(":iam::aws:policy/") {
                        continue;
                    }
                    holders.entry(arn).or_default().push(t);
                }
            }
            for (arn, ts) in holders {
                let account = arn.split(':').nth(4).unwrap_or_default().to_string();
                index
                    .policies
                    .entry(account)
                    .or_default()
                    .push((arn.to_string(), ts));
            }
            for list in index.idents.values_mut() {
                list.sort();
            }
            for list in index.policies.values_mut() {
                list.sort();
            }
            index
        })
    }

    /// The caller's escalation through another identity of its account: the
    /// first firm one, else the first conditional one.
    pub(crate) fn escalation_through(&self, c: &Caller<'_>, set: &PolicySet<'_>) -> Option<Edge> {
        let writes: Vec<(&str, Vec<&Statement>)> = WRITES
            .iter()
            .filter_map(|&a| {
                let st: Vec<&Statement> = allowing(&c.identity, a).collect();
                (!st.is_empty()).then_some((a, st))
            })
            .collect();
        if writes.is_empty() {
            return None;
        }
        let may = |action: &str, resource: &str| {
            writes
                .iter()
                .any(|(a, st)| *a == action && st.iter().any(|s| s.may_match_resource(resource)))
        };
        let versions = writes.iter().any(|(a, _)| *a == "iam:CreatePolicyVersion");
        // The targets a write may land on, found by each statement's
        // literal resource prefix: not every identity of the account.
        let index = self.write_index();
        let account = c.ident.account.as_str();
        let mut found: BTreeSet<usize> = BTreeSet::new();
        for (action, statements) in &writes {
            for s in statements {
                for prefix in s.resource_prefixes() {
                    if *action == "iam:CreatePolicyVersion" {
                        let list = index.policies.get(account).map_or(&[][..], Vec::as_slice);
                        for (arn, holders) in under(list, &prefix) {
                            if s.may_match_resource(arn) {
                                found.extend(holders);
                            }
                        }
                    } else {
                        let list = index.idents.get(account).map_or(&[][..], Vec::as_slice);
                        found.extend(
                            under(list, &prefix)
                                .iter()
                                .filter(|(arn, _)| s.may_match_resource(arn))
                                .map(|(_, t)| *t),
                        );
                    }
                }
            }
        }
        // Writes its statements decide alike for every user or role of the
        // account: one denial stands for all targets under that boundary.
        let uniform =
            |action: &str, family: &str| crate::hub::decided_alike(c, action, family, &[]);
        let uniform_writes: BTreeSet<&str> = ["iam:PutRolePolicy", "iam:AttachRolePolicy"]
            .into_iter()
            .filter(|a| uniform(a, "role"))
            .chain(
                ["iam:PutUserPolicy", "iam:AttachUserPolicy"]
                    .into_iter()
                    .filter(|a| uniform(a, "user")),
            )
            .collect();
        let denied: std::cell::RefCell<BTreeSet<(&str, Option<usize>)>> = Default::default();
        let mut fallback = None;
        for target in found.into_iter().filter_map(|t| self.idents.get(t)) {
            if target.arn == c.ident.arn
                || target.synthetic
                || target.account != c.ident.account
                || crate::methods::is_service_linked(target)
            {
                continue;
            }
            let own: &[&str] = match target.kind {
                IdKind::Role => &["iam:PutRolePolicy", "iam:AttachRolePolicy"],
                IdKind::User => &["iam:PutUserPolicy", "iam:AttachUserPolicy"],
                IdKind::Group => continue,
            };
            // (action, resource, what) the caller may write.
            let mut candidates: Vec<(&str, String, String)> = own
                .iter()
                .filter(|a| may(a, &target.arn))
                .filter(|a| !denied.borrow().contains(&(**a, target.boundary)))
                .map(|a| (*a, target.arn.clone(), "it".to_string()))
                .collect();
            let policies = if versions {
                self.identity_policies(target)
            } else {
                Vec::new()
            };
            for p in policies {
                let Some(arn) = self.docs.get(p).and_then(|d| d.arn.as_deref()) else {
                    continue;
                };
                if !arn.contains(":iam::aws:policy/") && may("iam:CreatePolicyVersion", arn) {
                    candidates.push((
                        "iam:CreatePolicyVersion",
                        arn.to_string(),
                        format!("its policy {arn}"),
                    ));
                }
            }
            if candidates.is_empty() {
                continue;
            }
            let note_denied = |action: &'static str| {
                if uniform_writes.contains(action) {
                    denied.borrow_mut().insert((action, target.boundary));
                }
            };
            let Some(ed) = self.write_and_obtain(c, set, target, &candidates, &note_denied) else {
                continue;
            };
            if !ed.conditional {
                return Some(ed);
            }
            fallback.get_or_insert(ed);
        }
        fallback
    }

    /// The edge for one target: the first write allowed (firm first), and a
    /// way to obtain its credentials.
    fn write_and_obtain(
        &self,
        c: &Caller<'_>,
        set: &PolicySet<'_>,
        target: &Ident,
        candidates: &[(&'static str, String, String)],
        denied: &dyn Fn(&'static str),
    ) -> Option<Edge> {
        let boundary = target
            .boundary
            .and_then(|b| self.docs.get(b))
            .and_then(|d| d.arn.as_deref());
        let mut best: Option<(EscalationWrite<'_>, &str, &str, &str)> = None;
        for (action, resource, what) in candidates {
            let ctx = if *action == "iam:CreatePolicyVersion" {
                Context::new()
                    .with_absent(BOUNDARY_KEY)
                    .with_absent(POLICY_ARN_KEY)
            } else {
                match boundary {
                    Some(b) => Context::new().with(BOUNDARY_KEY, [b]),
                    None => Context::new().with_absent(BOUNDARY_KEY),
                }
            };
            let Some(w) = self.escalation_write(target, c.principal, set, (action, resource, &ctx))
            else {
                denied(action);
                continue;
            };
            let firm = !w.eval.conditional && w.conditions.is_empty();
            if best.is_none() || firm {
                best = Some((w, action, resource, what));
            }
            if firm {
                break;
            }
        }
        let (write, action, resource, what) = best?;
        let obtain = self.obtain(c, set, target)?;
        let reason = format!(
            "{} can escalate to account admin through {}: {action} on {what}{}, then {}",
            c.ident.label, target.label, write.note, obtain.mechanism
        );
        let mut ed = self.decided_edge(
            c.ident,
            account_admin_id(&c.ident.account),
            EdgeKind::CanEscalate,
            (
                reason,
                "; the write allowed by ",
                identity_statement(&write.eval),
            ),
            format!("{}+{}", write.mechanism, obtain.mechanism),
            &write.eval,
        );
        if !write.conditions.is_empty() {
            ed = with_conditions(ed, write.conditions);
        }
        if let Some(cond) = obtain.condition {
            ed = with_conditions(ed, [cond]);
        }
        // What the written identity then holds is bounded by its boundary.
        if let Some(p) = target.principal.as_ref() {
            let identity = self.refs(&self.identity_policies(target));
            if let Some(cap) = self.ceiling_caveat(target, p, &identity, resource) {
                match self.rewritten_under(target, resource) {
                    Some(b) if b.arn != c.ident.arn => return Some(self.to_bounded(ed, b)),
                    Some(_) => return None,
                    None => ed = with_conditions(ed, [cap]),
                }
            }
        }
        Some(ed)
    }

    /// How the caller gets the target's credentials, if it can.
    fn obtain(&self, c: &Caller<'_>, set: &PolicySet<'_>, target: &Ident) -> Option<Obtain> {
        match target.kind {
            IdKind::Role => {
                if let Some(condition) = self.assume_verdict(c, target) {
                    return Some(Obtain {
                        mechanism: "sts:AssumeRole".into(),
                        condition,
                    });
                }
                const TRUST: &str = "iam:UpdateAssumeRolePolicy";
                let e = evaluate(&Request::new(c.principal, TRUST, &target.arn), set);
                e.is_allowed().then(|| Obtain {
                    mechanism: TRUST.into(),
                    condition: undecided_text(&e),
                })
            }
            IdKind::User => {
                let mut fallback = None;
                for action in [
                    "iam:CreateAccessKey",
                    "iam:CreateLoginProfile",
                    "iam:UpdateLoginProfile",
                ] {
                    let e = evaluate(&Request::new(c.principal, action, &target.arn), set);
                    if !e.is_allowed() {
                        continue;
                    }
                    let Some(how) = self.takeover(c.principal, set, action, &target.arn) else {
                        continue;
                    };
                    let mechanism = match how.also {
                        Some(also) => format!("{action}+{also}"),
                        None => action.to_string(),
                    };
                    let condition = match (undecided_text(&e), how.condition) {
                        (Some(a), Some(b)) => Some(format!("{a} AND {b}")),
                        (a, b) => a.or(b),
                    };
                    let firm = condition.is_none();
                    let o = Obtain {
                        mechanism,
                        condition,
                    };
                    if firm {
                        return Some(o);
                    }
                    fallback.get_or_insert(o);
                }
                fallback
            }
            IdKind::Group => None,
        }
    }

    /// `sts:AssumeRole` by the caller on `role` under its trust policy, the
    /// caller's policies, boundary and SCPs (as `can_assume` decides it):
    /// `None` when denied, else the undecided conditions, if any.
    fn assume_verdict(&self, c: &Caller<'_>, role: &Ident) -> Option<Option<String>> {
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
            &Request::new(c.principal, "sts:AssumeRole", &role.arn)
                .with_resource_account(&role.account)
                .with_context(access::attacker_context()),
            &set,
        );
        e.is_allowed().then(|| undecided_text(&e))
    }
}
