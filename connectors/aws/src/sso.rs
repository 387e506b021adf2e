//! Row 2.7 with 1.23 of docs/aws-escalation-methods.md (pathfinding.cloud
//! `sso-001`): in the account that holds the IAM Identity Center instance
//! (the organization's management account, or a delegated administrator),
//! a caller that may create a permission set, attach a managed policy to it
//! and assign it (`sso:CreatePermissionSet`,
//! `sso:AttachManagedPolicyToPermissionSet`, `sso:CreateAccountAssignment`)
//! gives an Identity Center principal administrator access to any account
//! of the organization: `can_escalate` to each account admin of the estate.
//!
//! Always conditional: signing in as an Identity Center user or group
//! needs a principal the attacker controls, and the identity store is not
//! read. Decided with `sso-admin/list-instances` (the instance ARN names
//! the resources); without it, in the management account only, conditional
//! naming the inventory too.

use super::*;
use crate::inventory::SSO_INSTANCES;

const ACTIONS: [&str; 3] = [
    "sso:CreatePermissionSet",
    "sso:AttachManagedPolicyToPermissionSet",
    "sso:CreateAccountAssignment",
];

const SIGN_IN: &str = "needs an IAM Identity Center user or group the caller can sign in as (the identity store is not read)";

impl Facts {
    /// Row 2.7 + 1.23 (module doc).
    pub(crate) fn emit_identity_center(
        &self,
        out: &mut EstateBuilder,
        escalated: &BTreeSet<usize>,
    ) {
        let management = self.inv.management_account();
        let callers: Vec<Caller<'_>> = self
            .callers()
            .filter(|c| !escalated.contains(&c.ix))
            .filter(|c| {
                ACTIONS
                    .iter()
                    .all(|a| allowing(&c.identity, a).next().is_some())
            })
            .filter(|c| {
                self.inv
                    .sso_instances
                    .iter()
                    .any(|(a, _)| *a == c.ident.account)
                    || (management == Some(c.ident.account.as_str())
                        && !self.inventory_seen(&c.ident.account, SSO_INSTANCES))
            })
            .collect();
        if callers.is_empty() {
            return;
        }
        let accounts: Vec<&String> = self.accounts.iter().collect();
        emit_per_caller(&callers, out, |c| self.identity_center_edges(c, &accounts));
    }

    fn identity_center_edges(&self, c: &Caller<'_>, accounts: &[&String]) -> Vec<Edge> {
        let set = PolicySet {
            identity: &c.identity,
            boundary: c.boundary,
            scp: &c.scp,
            ..PolicySet::default()
        };
        let instance = self
            .inv
            .sso_instances
            .iter()
            .find(|(a, _)| *a == c.ident.account)
            .map(|(_, arn)| arn.as_str());
        let location = self.allowing_location(c, ACTIONS[2]);
        let mut edges = Vec::new();
        for &account in accounts {
            let mut conditions = Vec::new();
            let allowed = match instance {
                Some(instance) => {
                    let id = instance.rsplit('/').next().unwrap_or(instance);
                    let set_arn = format!("arn:aws:sso:::permissionSet/{id}/*");
                    let account_arn = format!("arn:aws:sso:::account/{account}");
                    let requests: [(&str, &str); 5] = [
                        (ACTIONS[0], instance),
                        (ACTIONS[1], instance),
                        (ACTIONS[1], &set_arn),
                        (ACTIONS[2], &set_arn),
                        (ACTIONS[2], &account_arn),
                    ];
                    requests.iter().all(|(a, r)| {
                        let e = evaluate(&Request::new(c.principal, a, r), &set);
                        conditions.extend(undecided_text(&e));
                        e.is_allowed()
                    })
                }
                None => {
                    match methods::new_resource_actions(
                        c.principal,
                        (&c.identity, c.boundary, &c.scp),
                        &ACTIONS,
                        Context::empty(),
                    ) {
                        Some((_, more)) => {
                            conditions.extend(more);
                            conditions.push(format!(
                                "needs the IAM Identity Center instance: {SSO_INSTANCES} was not collected"
                            ));
                            true
                        }
                        None => false,
                    }
                }
            };
            if !allowed {
                continue;
            }
            conditions.push(SIGN_IN.to_string());
            let reason = format!(
                "{} can escalate to the admin of {account}: creates an IAM Identity Center permission set with an administrator policy and assigns it in that account (rows 2.7 and 1.23: {})",
                c.ident.label,
                ACTIONS.join(" + ")
            );
            let mut ed = with_conditions(
                edge(
                    c.ident.arn.clone(),
                    account_admin_id(account),
                    EdgeKind::CanEscalate,
                    self.provenance(location.clone(), reason),
                ),
                conditions,
            );
            ed.mechanism = Some(ACTIONS.join("+"));
            edges.push(ed);
        }
        edges
    }
}
