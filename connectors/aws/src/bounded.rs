//! Boundaries decided (docs/aws-connector.md, "Bounded identities"). An
//! identity the attacker writes or creates holds at most what its
//! permissions boundary allows. For every boundary that can cap such an
//! identity — one attached to a user or role, or one `iam:CreateRole` /
//! `iam:CreateUser` requires by `iam:PermissionsBoundary` — the account
//! gets one *bounded identity*: a role (or user) whose policies allow
//! everything, under that boundary, standing for every identity of the
//! account rewritten that way. It is a caller like any other, so its edges
//! (the roles it may assume, the targets it reaches, a further escalation
//! its boundary allows) are decided by the same rules, firm where the
//! inputs decide. A capped escalation is a firm `can_escalate` to it
//! instead of a conditional edge to the account admin; a boundary that
//! allows everything gives the account admin itself.
//!
//! One node per (account, boundary, user or role) keeps the estate small:
//! the identity's own ARN, name and tags are not known to it
//! ([`Principal::some_role`], [`Principal::some_user`]), so conditions on
//! them are undecided, and its self-directed writes are judged on the
//! node's own ARN (`…:role/(rewritten)/bounded-by-NAME`).

use super::*;
use crate::methods::allows_everything;

/// The policy a rewritten identity holds: everything.
const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// The writes that replace what an identity's policies allow.
const POLICY_WRITES: &[&str] = &[
    "iam:PutUserPolicy",
    "iam:AttachUserPolicy",
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:PutGroupPolicy",
    "iam:AttachGroupPolicy",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
];

/// The condition key that names the boundary a new identity must carry.
const REQUIRED_BOUNDARY: &str = "iam:PermissionsBoundary";

impl Reader {
    /// Adds the bounded identities (module doc); call once every file is
    /// read, before [`Reader::freeze`].
    pub(crate) fn add_bounded_identities(&mut self, out: &mut EstateBuilder) {
        // Accounts where some policy may allow a write to identity
        // policies: only there can an attacker rewrite a bounded identity.
        let writable: BTreeSet<&str> = self
            .facts
            .idents
            .iter()
            .filter(|i| {
                i.policies.iter().any(|&p| {
                    self.facts
                        .docs
                        .get(p)
                        .is_some_and(|d| POLICY_WRITES.iter().any(|a| d.policy.may_allow(a)))
                })
            })
            .map(|i| i.account.as_str())
            .collect();
        let mut wanted: BTreeSet<(String, usize, bool)> = BTreeSet::new();
        for ident in &self.facts.idents {
            if ident.synthetic {
                continue;
            }
            let Some(p) = ident.principal.as_ref() else {
                continue;
            };
            if let Some(b) = ident.boundary
                && ident.kind != IdKind::Group
                && writable.contains(ident.account.as_str())
                && self
                    .facts
                    .docs
                    .get(b)
                    .is_some_and(|d| !allows_everything(p, &[&d.policy], None))
            {
                wanted.insert((ident.account.clone(), b, ident.kind == IdKind::Role));
            }
            for (action, role) in [("iam:CreateRole", true), ("iam:CreateUser", false)] {
                for b in self.facts.required_boundaries(ident, action) {
                    wanted.insert((ident.account.clone(), b, role));
                }
            }
        }
        if wanted.is_empty() {
            return;
        }
        for (account, b, role) in wanted {
            let Some(bdoc) = self.facts.docs.get(b) else {
                continue;
            };
            let (bfile, bpath) = (bdoc.file, bdoc.path.clone());
            let bname = bdoc
                .arn
                .as_deref()
                .and_then(|a| a.rsplit('/').next())
                .unwrap_or(bdoc.policy.name())
                .to_string();
            let barn = bdoc.arn.clone().unwrap_or_else(|| bname.clone());
            let partition = barn.split(':').nth(1).unwrap_or("aws").to_string();
            let all = match Policy::parse("its rewritten policy (Allow * on *)", ALLOW_ALL) {
                Ok(parsed) => parsed.policy,
                Err(_) => continue,
            };
            self.facts.docs.push(Doc {
                policy: all,
                path: format!("{bpath} (the policy the attacker writes)"),
                file: bfile,
                arn: None,
            });
            let all_ix = self.facts.docs.len() - 1;
            let (what, kind, node_kind, principal) = if role {
                (
                    "role",
                    IdKind::Role,
                    "aws:bounded_role",
                    Principal::some_role(&partition, &account),
                )
            } else {
                (
                    "user",
                    IdKind::User,
                    "aws:bounded_user",
                    Principal::some_user(&partition, &account),
                )
            };
            let arn =
                format!("arn:{partition}:iam::{account}:{what}/(rewritten)/bounded-by-{bname}");
            let label = format!("a {what} rewritten under {bname}");
            if let Some(f) = self.facts.files.get(bfile).cloned() {
                out.select_input(&f);
            }
            let mut attrs = Attributes::default();
            attrs.tags.insert("aws:boundary".into(), barn.clone());
            // Its node is its account's (`Facts::local`).
            if self.facts.is_local(&account) {
                out.add_node(
                    Node {
                        id: arn.clone(),
                        name: format!(
                            "any {what} of {account} whose policies an attacker rewrites, bounded by {bname}"
                        ),
                        provider: "aws".into(),
                        kind: node_kind.into(),
                        class: Class::Workload,
                        attrs,
                    },
                    &bpath,
                );
            }
            self.facts.nodes_added.insert(arn.clone());
            let index = self.facts.idents.len();
            self.facts.ident_by_arn.insert(arn.clone(), index);
            self.facts.bounded.insert((account.clone(), b, role), index);
            self.facts.idents.push(Ident {
                kind,
                arn,
                label,
                account,
                path: bpath,
                file: bfile,
                policies: vec![all_ix],
                groups: Vec::new(),
                boundary: Some(b),
                trust: None,
                trusted: Some(Vec::new()),
                trust_doc: None,
                principal: Some(principal),
                synthetic: true,
            });
        }
    }
}

impl Facts {
    /// The managed policies `action` (`iam:CreateRole`, `iam:CreateUser`)
    /// requires as the new identity's boundary, in `ident`'s policies: the
    /// values of `iam:PermissionsBoundary` in the conditions of the
    /// statements that allow it, when they name policies in the inputs.
    fn required_boundaries(&self, ident: &Ident, action: &str) -> Vec<usize> {
        let mut out = Vec::new();
        for p in self.identity_policies(ident) {
            let Some(d) = self.docs.get(p) else {
                continue;
            };
            for s in d.policy.statements_allowing(action) {
                for c in s.conditions() {
                    if !c.key().eq_ignore_ascii_case(REQUIRED_BOUNDARY) {
                        continue;
                    }
                    for v in c.values() {
                        if let Some(&b) = self.managed.get(v)
                            && !out.contains(&b)
                        {
                            out.push(b);
                        }
                    }
                }
            }
        }
        out
    }

    /// The bounded identity an escalation that writes `written`'s policies
    /// ends in, when `written`'s boundary caps it (and is not itself what
    /// is written).
    pub(crate) fn rewritten_under(&self, written: &Ident, resource: &str) -> Option<&Ident> {
        let b = written.boundary?;
        if self.docs.get(b).and_then(|d| d.arn.as_deref()) == Some(resource) {
            return None;
        }
        self.bounded_identity(&written.account, b, written.kind == IdKind::Role)
    }

    /// The bounded identity of (account, boundary, role or user).
    pub(crate) fn bounded_identity(&self, account: &str, b: usize, role: bool) -> Option<&Ident> {
        let &ix = self.bounded.get(&(account.to_string(), b, role))?;
        self.idents.get(ix)
    }

    /// The boundary `action` requires on the identity `c` creates, when
    /// every statement that allows it requires one policy of the inputs.
    pub(crate) fn required_boundary(&self, c: &Caller<'_>, action: &str) -> Option<usize> {
        match self.required_boundaries(c.ident, action).as_slice() {
            [b] => Some(*b),
            _ => None,
        }
    }

    /// Turns an escalation capped by `written`'s boundary into a firm edge
    /// to its bounded identity: same source, mechanism and provenance, the
    /// reason says what the identity then holds.
    pub(crate) fn to_bounded(&self, mut ed: Edge, bounded: &Ident) -> Edge {
        ed.to = bounded.arn.clone();
        let b = bounded
            .boundary
            .and_then(|b| self.docs.get(b))
            .map_or("its boundary", |d| {
                d.arn.as_deref().unwrap_or(d.policy.name())
            });
        ed.provenance.reason = ed.provenance.reason.replacen(
            "can escalate to account admin",
            &format!("can escalate within the permissions boundary {b}"),
            1,
        );
        ed.provenance.reason.push_str(&format!(
            "; it then holds what {b} allows ({})",
            bounded.label
        ));
        ed
    }
}
