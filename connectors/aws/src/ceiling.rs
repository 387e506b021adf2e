//! Family 1 rows that lift a ceiling or make a new identity
//! (docs/aws-escalation-methods.md):
//!
//! - 1.9 / 1.10: an identity whose own policies allow everything but whose
//!   permissions boundary does not deletes its boundary
//!   (`iam:Delete{Role,User}PermissionsBoundary`) or replaces it with
//!   `AdministratorAccess` (`iam:Put{Role,User}PermissionsBoundary`, with
//!   `iam:PermissionsBoundary` set to that policy);
//! - 1.12 / 1.13: it creates a role (or user) it names, writes an
//!   administrator policy on it, and obtains its credentials: a new role's
//!   trust names the attacker, which needs no identity allow in the same
//!   account; a new user needs a key or a console password.
//!
//! - 1.11: it removes the policy whose explicit `Deny` is all that stops
//!   it (`iam:Detach*Policy` / `iam:Delete*Policy` on itself or its group).
//!
//! Each gives `can_escalate` to the account admin.

use blastgraph_model::{Edge, EdgeKind};
use blastgraph_policy::{Context, Effect, Policy, PolicySet, Request, evaluate};

use crate::methods::{allows_everything, new_resource_actions};
use crate::{
    BOUNDARY_KEY, Caller, Facts, IdKind, POLICY_ARN_KEY, account_admin_id, edge,
    identity_statement, with_conditions,
};

impl Facts {
    /// Rows 1.9 and 1.10 for the caller's own boundary.
    pub(crate) fn boundary_removal(&self, c: &Caller<'_>, set: &PolicySet<'_>) -> Option<Edge> {
        let boundary = c.boundary?;
        let current = c
            .ident
            .boundary
            .and_then(|b| self.docs.get(b))
            .and_then(|d| d.arn.as_deref())?;
        // The boundary must be what binds: the identity policies alone
        // allow everything, the boundary does not.
        if allows_everything(c.principal, &[boundary], None)
            || !allows_everything(c.principal, &c.identity, None)
        {
            return None;
        }
        let (delete, put) = match c.ident.kind {
            IdKind::Role => (
                "iam:DeleteRolePermissionsBoundary",
                "iam:PutRolePermissionsBoundary",
            ),
            IdKind::User => (
                "iam:DeleteUserPermissionsBoundary",
                "iam:PutUserPermissionsBoundary",
            ),
            IdKind::Group => return None,
        };
        let partition = c.ident.arn.split(':').nth(1).unwrap_or("aws");
        let admin = format!("arn:{partition}:iam::aws:policy/AdministratorAccess");
        let tries = [
            (
                delete,
                current,
                format!("deletes its permissions boundary {current}"),
            ),
            (
                put,
                admin.as_str(),
                format!("replaces its permissions boundary {current} with {admin}"),
            ),
        ];
        let mut fallback = None;
        for (action, key, what) in tries {
            let ctx = Context::new().with(BOUNDARY_KEY, [key]);
            let e = evaluate(
                &Request::new(c.principal, action, &c.ident.arn).with_context(&ctx),
                set,
            );
            if !e.is_allowed() {
                continue;
            }
            let reason = format!(
                "{} can escalate to account admin: {what} ({action}); its own policies allow everything",
                c.ident.label
            );
            let ed = self.decided_edge(
                c.ident,
                account_admin_id(&c.ident.account),
                EdgeKind::CanEscalate,
                (reason, " allowed by ", identity_statement(&e)),
                action.to_string(),
                &e,
            );
            if !ed.conditional {
                return Some(ed);
            }
            fallback.get_or_insert(ed);
        }
        fallback
    }

    /// Row 1.11 for the caller's own policies and its groups'.
    pub(crate) fn deny_removal(&self, c: &Caller<'_>, set: &PolicySet<'_>) -> Option<Edge> {
        // Removing a Deny reaches the admin only if nothing else binds.
        if c.boundary
            .is_some_and(|b| !allows_everything(c.principal, &[b], None))
            || allows_everything(c.principal, &c.identity, c.boundary)
        {
            return None;
        }
        let mut fallback = None;
        for &d in &c.ids {
            let Some(doc) = self.docs.get(d) else {
                continue;
            };
            if !doc
                .policy
                .statements()
                .iter()
                .any(|s| s.effect() == Effect::Deny)
            {
                continue;
            }
            let rest: Vec<&Policy> = c
                .ids
                .iter()
                .filter(|&&i| i != d)
                .filter_map(|&i| self.docs.get(i).map(|x| &x.policy))
                .collect();
            if !allows_everything(c.principal, &rest, c.boundary) {
                continue;
            }
            // Who holds it: the caller, or one of its groups.
            let holder = if c.ident.policies.contains(&d) {
                Some(c.ident)
            } else {
                c.ident
                    .groups
                    .iter()
                    .filter_map(|&g| self.idents.get(g))
                    .find(|g| g.policies.contains(&d))
            };
            let Some(holder) = holder else { continue };
            let kind = match holder.kind {
                IdKind::Role => "Role",
                IdKind::User => "User",
                IdKind::Group => "Group",
            };
            let (action, ctx) = match doc.arn.as_deref() {
                Some(arn) => (
                    format!("iam:Detach{kind}Policy"),
                    Context::new().with(POLICY_ARN_KEY, [arn]),
                ),
                None => (format!("iam:Delete{kind}Policy"), Context::new()),
            };
            let e = evaluate(
                &Request::new(c.principal, &action, &holder.arn).with_context(&ctx),
                set,
            );
            if !e.is_allowed() {
                continue;
            }
            let reason = format!(
                "{} can escalate to account admin: {action} removes {} from {}, whose Deny is all that stops it (its other policies allow everything)",
                c.ident.label,
                doc.policy.name(),
                holder.label
            );
            let ed = self.decided_edge(
                c.ident,
                account_admin_id(&c.ident.account),
                EdgeKind::CanEscalate,
                (reason, "; allowed by ", identity_statement(&e)),
                action,
                &e,
            );
            if !ed.conditional {
                return Some(ed);
            }
            fallback.get_or_insert(ed);
        }
        fallback
    }

    /// Rows 1.12 and 1.13: a new role or user the caller names and makes
    /// administrator.
    pub(crate) fn new_admin_identity(&self, c: &Caller<'_>) -> Option<Edge> {
        let partition = c.ident.arn.split(':').nth(1).unwrap_or("aws");
        let admin = format!("arn:{partition}:iam::aws:policy/AdministratorAccess");
        // No boundary on the new identity, and the policy attached is
        // AdministratorAccess; a grant that requires a boundary is tried
        // again with the key unknown (then the new identity is bounded).
        let unbounded = Context::new()
            .with_absent(BOUNDARY_KEY)
            .with(POLICY_ARN_KEY, [admin.as_str()]);
        let bounded = Context::new().with(POLICY_ARN_KEY, [admin.as_str()]);
        let rows: [(&str, &[&str]); 6] = [
            (
                "iam-create-role-with-admin",
                &["iam:CreateRole", "iam:PutRolePolicy"],
            ),
            (
                "iam-create-role-with-admin",
                &["iam:CreateRole", "iam:AttachRolePolicy"],
            ),
            (
                "iam-create-user-with-admin",
                &["iam:CreateUser", "iam:PutUserPolicy", "iam:CreateAccessKey"],
            ),
            (
                "iam-create-user-with-admin",
                &[
                    "iam:CreateUser",
                    "iam:AttachUserPolicy",
                    "iam:CreateAccessKey",
                ],
            ),
            (
                "iam-create-user-with-admin",
                &[
                    "iam:CreateUser",
                    "iam:PutUserPolicy",
                    "iam:CreateLoginProfile",
                ],
            ),
            (
                "iam-create-user-with-admin",
                &[
                    "iam:CreateUser",
                    "iam:AttachUserPolicy",
                    "iam:CreateLoginProfile",
                ],
            ),
        ];
        let policies = (c.identity.as_slice(), c.boundary, c.scp.as_slice());
        let mut fallback = None;
        let mut within: Option<Edge> = None;
        for (row, actions) in rows {
            if !c.identity.iter().any(|p| p.may_allow(actions[0])) {
                continue;
            }
            let (firm, mut conditions) = match new_resource_actions(
                c.principal,
                policies,
                actions,
                &unbounded,
            ) {
                Some(v) => v,
                None => {
                    // The grant requires a boundary on the new identity.
                    let role = actions[0] == "iam:CreateRole";
                    let required = self.required_boundary(c, actions[0]);
                    let ctx = required
                        .and_then(|b| self.docs.get(b))
                        .and_then(|d| d.arn.as_deref())
                        .map_or_else(
                            || bounded.clone(),
                            |arn| bounded.clone().with(BOUNDARY_KEY, [arn]),
                        );
                    let Some((firm, mut conditions)) =
                        new_resource_actions(c.principal, policies, actions, &ctx)
                    else {
                        continue;
                    };
                    let Some(b) = required else {
                        conditions.push(format!(
                            "{} requires a permissions boundary on the new identity: it holds only what that boundary allows, and the allowing statements do not name one policy of the inputs",
                            actions[0]
                        ));
                        fallback.get_or_insert(
                            self.new_identity_edge(c, row, actions, false, conditions),
                        );
                        continue;
                    };
                    let admin_bounded = self
                        .docs
                        .get(b)
                        .is_some_and(|d| allows_everything(c.principal, &[&d.policy], None));
                    if !admin_bounded {
                        // Decided: it holds what the boundary allows.
                        if let Some(t) = self.bounded_identity(&c.ident.account, b, role) {
                            let ed = self.new_identity_edge(c, row, actions, firm, conditions);
                            let ed = self.to_bounded(ed, t);
                            within.get_or_insert(ed);
                        }
                        continue;
                    }
                    (firm, conditions)
                }
            };
            // The caller's own boundary limits what it may do, not what the
            // new identity holds: no cap from it.
            let ed = self.new_identity_edge(c, row, actions, firm, std::mem::take(&mut conditions));
            if !ed.conditional {
                return Some(ed);
            }
            fallback.get_or_insert(ed);
        }
        // A firm edge within a required boundary beats a conditional one
        // to the admin.
        within.or(fallback)
    }

    /// The `can_escalate` of rows 1.12 / 1.13 to the account admin.
    fn new_identity_edge(
        &self,
        c: &Caller<'_>,
        row: &str,
        actions: &[&str],
        firm: bool,
        conditions: Vec<String>,
    ) -> Edge {
        let what = if actions[0] == "iam:CreateRole" {
            "a role it names, trusting itself"
        } else {
            "a user it names, with credentials"
        };
        let reason = format!(
            "{} can escalate to account admin: creates {what} and makes it administrator ({row}: {})",
            c.ident.label,
            actions.join(" + ")
        );
        let mut ed = edge(
            c.ident.arn.clone(),
            account_admin_id(&c.ident.account),
            EdgeKind::CanEscalate,
            self.provenance((c.ident.file, c.ident.path.clone()), reason),
        );
        ed.mechanism = Some(actions.join("+"));
        if !firm || !conditions.is_empty() {
            ed = with_conditions(ed, conditions);
        }
        ed
    }
}
