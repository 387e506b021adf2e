//! Row 3.6 of docs/aws-escalation-methods.md (pathfinding.cloud
//! `cognitoidentity-001`): a role that trusts Amazon Cognito identity pools
//! (`Federated: cognito-identity.amazonaws.com`, the pool id in
//! `cognito-identity.amazonaws.com:aud`). A caller that may pass it to
//! Cognito (`iam:PassRole`, `iam:PassedToService` =
//! `cognito-identity.amazonaws.com`) and set a pool's roles
//! (`cognito-identity:SetIdentityPoolRoles`) makes it the pool's role for
//! unauthenticated identities, then gets its credentials anonymously
//! (`GetId`, `GetCredentialsForIdentity`): `can_act_as` the role.
//!
//! Decided with `cognito-identity/list-identity-pools`: for each pool of
//! the account whose id the role's trust accepts (with `amr` =
//! `unauthenticated`). The list does not say whether a pool allows
//! unauthenticated identities (`describe-identity-pool` does), so the edge
//! is firm only when the caller may also turn that on
//! (`cognito-identity:UpdateIdentityPool`); otherwise conditional, naming it.
//! Without the inventory the edge is conditional, naming the inventory.

use super::*;
use crate::inventory::IDENTITY_POOLS;

const PROVIDER: &str = "cognito-identity.amazonaws.com";
const SET_ROLES: &str = "cognito-identity:SetIdentityPoolRoles";
const UPDATE_POOL: &str = "cognito-identity:UpdateIdentityPool";
const PASS: &str = "iam:PassRole";

impl Facts {
    /// The roles whose trust lets Cognito identity pools in.
    fn cognito_roles(&self) -> Vec<usize> {
        self.idents
            .iter()
            .enumerate()
            .filter(|(_, r)| r.kind == IdKind::Role && !r.synthetic)
            .filter(|(_, r)| {
                self.federated_trust(r).iter().any(|(_, s, providers)| {
                    s.matches_action("sts:AssumeRoleWithWebIdentity")
                        && providers.iter().any(|p| p == PROVIDER)
                })
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Whether `role`'s trust lets an unauthenticated identity of `pool` in:
    /// `None` when not, else its undecided conditions.
    fn pool_fits(&self, role: &Ident, pool: &str) -> Option<Option<String>> {
        let trust = role.trust.and_then(|t| self.docs.get(t))?;
        let resource = [&trust.policy];
        let set = PolicySet {
            resource: &resource,
            resource_policy_required: true,
            ..PolicySet::default()
        };
        let ctx = Context::new()
            .with("cognito-identity.amazonaws.com:aud", [pool])
            .with("cognito-identity.amazonaws.com:amr", ["unauthenticated"]);
        let caller = Principal::web_identity(PROVIDER);
        let e = evaluate(
            &Request::new(&caller, "sts:AssumeRoleWithWebIdentity", &role.arn).with_context(&ctx),
            &set,
        );
        e.is_allowed().then(|| undecided_text(&e))
    }

    /// Row 3.6 (module doc).
    pub(crate) fn emit_identity_pool_roles(
        &self,
        out: &mut EstateBuilder,
        escalated: &BTreeSet<usize>,
    ) {
        let roles = self.cognito_roles();
        if roles.is_empty() {
            return;
        }
        let callers: Vec<Caller<'_>> = self
            .callers()
            .filter(|c| !escalated.contains(&c.ix))
            .filter(|c| {
                allowing(&c.identity, SET_ROLES).next().is_some()
                    && allowing(&c.identity, PASS).next().is_some()
            })
            .collect();
        emit_per_caller(&callers, out, |c| {
            roles
                .iter()
                .filter_map(|&r| self.idents.get(r))
                .filter(|r| r.account == c.ident.account && r.arn != c.ident.arn)
                .filter_map(|r| self.identity_pool_edge(c, r))
                .collect()
        });
    }

    fn identity_pool_edge(&self, c: &Caller<'_>, role: &Ident) -> Option<Edge> {
        let set = PolicySet {
            identity: &c.identity,
            boundary: c.boundary,
            scp: &c.scp,
            ..PolicySet::default()
        };
        let to_cognito = Context::new().with("iam:PassedToService", [PROVIDER]);
        let pass = evaluate(
            &Request::new(c.principal, PASS, &role.arn).with_context(&to_cognito),
            &set,
        );
        if !pass.is_allowed() {
            return None;
        }
        // (the PassRole evaluation's own conditions come with the edge)
        let mut conditions: Vec<String> = Vec::new();
        let mechanism;
        let reason;
        if self.inventory_seen(&role.account, IDENTITY_POOLS) {
            // The pools whose id the trust accepts, firm ones first.
            let mut best: Option<(bool, Vec<String>, String, &str)> = None;
            for pool in self
                .inv
                .identity_pools
                .iter()
                .filter(|p| p.account == role.account)
            {
                let Some(fits) = self.pool_fits(role, &pool.id) else {
                    continue;
                };
                let arn = format!(
                    "arn:aws:cognito-identity:{}:{}:identitypool/{}",
                    pool.region, pool.account, pool.id
                );
                let set_roles = evaluate(&Request::new(c.principal, SET_ROLES, &arn), &set);
                if !set_roles.is_allowed() {
                    continue;
                }
                let update = evaluate(&Request::new(c.principal, UPDATE_POOL, &arn), &set);
                let mut why: Vec<String> = fits.into_iter().collect();
                why.extend(undecided_text(&set_roles));
                let mut actions = format!("{PASS}+{SET_ROLES}");
                if update.is_allowed() {
                    why.extend(undecided_text(&update));
                    actions.push_str(&format!("+{UPDATE_POOL}"));
                } else {
                    why.push(format!(
                        "the pool must allow unauthenticated identities (AllowUnauthenticatedIdentities, cognito-identity describe-identity-pool), and {UPDATE_POOL} is not allowed"
                    ));
                }
                let firm = why.is_empty();
                if best.as_ref().is_none_or(|b| firm && !b.0) {
                    best = Some((firm, why, actions, &pool.name));
                }
                if firm {
                    break;
                }
            }
            let (_, why, actions, pool) = best?;
            conditions.extend(why);
            mechanism = actions;
            reason = format!(
                "{} can act as {}: makes it the unauthenticated role of identity pool {pool} and gets its credentials anonymously (row 3.6: {})",
                c.ident.label,
                role.label,
                mechanism.replace('+', " + ")
            );
        } else {
            let (_, more) = methods::new_resource_actions(
                c.principal,
                (&c.identity, c.boundary, &c.scp),
                &[SET_ROLES],
                Context::empty(),
            )?;
            conditions.extend(more);
            conditions.push(format!(
                "needs an identity pool whose id the trust of {} accepts: {IDENTITY_POOLS} was not collected",
                role.label
            ));
            mechanism = format!("{PASS}+{SET_ROLES}");
            reason = format!(
                "{} can act as {}: makes it the unauthenticated role of an identity pool and gets its credentials anonymously (row 3.6: {})",
                c.ident.label,
                role.label,
                mechanism.replace('+', " + ")
            );
        }
        let mut ed = self.decided_edge(
            c.ident,
            role.arn.clone(),
            EdgeKind::CanActAs,
            (reason, "; PassRole allowed by ", identity_statement(&pass)),
            mechanism,
            &pass,
        );
        if !conditions.is_empty() {
            ed = with_conditions(ed, conditions);
        }
        Some(ed)
    }
}
