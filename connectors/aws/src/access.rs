//! Edges to targets: `access` (read / write / admin / invoke / execute),
//! `can_read_secret`, and `can_act_as` an existing resource's execution role.
//!
//! Pairing every caller with every resource is quadratic, so candidates
//! come from two indexes, both sound pre-filters (the decision is always the
//! full evaluation):
//!
//! - per probe action, the probe resources sorted by ARN; each `Allow`
//!   statement of a caller's identity policies that covers the action
//!   contributes the resources under the literal prefix of its `Resource`
//!   patterns that [`Statement::may_match_resource`] accepts;
//! - resource policies that name a caller's ARN, or anyone (`*`), add those
//!   callers (a same-account resource policy grants without an identity
//!   allow).
//!
//! Identities that already escalate to their account's admin scope are left
//! out: the scope contains every target of the account.

use std::collections::{BTreeSet, HashMap};

use blastgraph_model::{AccessLevel, Edge, EdgeKind, EstateBuilder};
use blastgraph_policy::{
    Evaluation, Policy, PolicyKind, PolicySet, Request, StatementRef, evaluate, rcp_applies_to,
};

use crate::inventory::{Also, Gives, On, Probe, Resource};
use crate::{Caller, IdKind, Reader, Trusted, conditioned, describe, edge, with_conditions};

/// The resource string a probe is evaluated on; `None` when the resource
/// has no such form (an RDS database without IAM authentication).
fn probe_target(r: &Resource, p: &Probe) -> Option<String> {
    match p.on {
        On::Arn => Some(r.arn.clone()),
        On::Suffix(s) => Some(format!("{}{s}", r.arn)),
        On::Alt => r.alt.clone(),
    }
}

/// The statement to cite for an allow: identity first, then resource, then
/// the first undecided one.
fn citing<'e>(e: &'e Evaluation<'_>) -> Option<&'e StatementRef<'e>> {
    e.allowed_by
        .iter()
        .find(|s| s.kind == PolicyKind::Identity)
        .or_else(|| e.allowed_by.iter().find(|s| s.kind == PolicyKind::Resource))
        .or_else(|| e.undecided.first())
}

impl Reader {
    pub(crate) fn emit_access(&self, out: &mut EstateBuilder, escalated: &BTreeSet<usize>) {
        let res = &self.inv.resources;
        if res.is_empty() {
            return;
        }
        // Probe action → (probe resource, resource, probe), sorted.
        let mut by_action: HashMap<&'static str, Vec<(String, usize, usize)>> = HashMap::new();
        for (ri, r) in res.iter().enumerate() {
            for (pi, p) in r.spec.probes.iter().enumerate() {
                if let Some(t) = probe_target(r, p) {
                    by_action.entry(p.action).or_default().push((t, ri, pi));
                }
            }
        }
        let mut actions: Vec<&'static str> = by_action.keys().copied().collect();
        actions.sort_unstable();
        for v in by_action.values_mut() {
            v.sort();
        }
        let callers: Vec<Caller<'_>> = self
            .callers()
            .filter(|c| !escalated.contains(&c.ix))
            .collect();
        let caller_by_arn: HashMap<&str, usize> = callers
            .iter()
            .enumerate()
            .map(|(i, c)| (c.ident.arn.as_str(), i))
            .collect();
        let mut cand: BTreeSet<(usize, usize, usize)> = BTreeSet::new();
        for (ci, c) in callers.iter().enumerate() {
            for action in &actions {
                if c.boundary.is_some_and(|b| !b.may_allow(action)) {
                    continue;
                }
                let Some(targets) = by_action.get(action) else {
                    continue;
                };
                for st in c
                    .identity
                    .iter()
                    .flat_map(|p| p.statements_allowing(action))
                {
                    for prefix in st.resource_prefixes() {
                        let start = targets.partition_point(|(t, ..)| t.as_str() < prefix.as_str());
                        for (t, ri, pi) in targets
                            .get(start..)
                            .unwrap_or_default()
                            .iter()
                            .take_while(|(t, ..)| t.starts_with(prefix.as_str()))
                        {
                            if st.may_match_resource(t) {
                                cand.insert((ci, *ri, *pi));
                            }
                        }
                    }
                }
            }
        }
        // Resource policies that grant by naming the caller or anyone.
        for (ri, r) in res.iter().enumerate() {
            let who: Vec<usize> = r
                .named
                .iter()
                .flat_map(|t| match t {
                    Trusted::Anyone => (0..callers.len()).collect::<Vec<_>>(),
                    Trusted::Arn(a) => caller_by_arn.get(a.as_str()).copied().into_iter().collect(),
                    Trusted::Account(_) => Vec::new(),
                })
                .collect();
            for ci in who {
                for pi in 0..r.spec.probes.len() {
                    cand.insert((ci, ri, pi));
                }
            }
        }
        let mut scps: HashMap<&str, Vec<Vec<&Policy>>> = HashMap::new();
        let mut rcps: HashMap<&str, Vec<Vec<&Policy>>> = HashMap::new();
        for c in &callers {
            scps.entry(c.ident.account.as_str())
                .or_insert_with(|| self.org_levels(&c.ident.account, PolicyKind::Scp));
        }
        for r in res {
            rcps.entry(r.account.as_str())
                .or_insert_with(|| self.org_levels(&r.account, PolicyKind::Rcp));
        }
        let empty: Vec<Vec<&Policy>> = Vec::new();
        let mut acted: BTreeSet<(usize, String, &'static str)> = BTreeSet::new();
        for (ci, ri, pi) in cand {
            let (Some(c), Some(r)) = (callers.get(ci), res.get(ri)) else {
                continue;
            };
            let Some(p) = r.spec.probes.get(pi) else {
                continue;
            };
            let Some(target) = probe_target(r, p) else {
                continue;
            };
            let owner = if r.account.is_empty() {
                c.ident.account.as_str()
            } else {
                r.account.as_str()
            };
            let resource: Vec<&Policy> = r
                .policy
                .and_then(|i| self.docs.get(i))
                .map(|d| vec![&d.policy])
                .unwrap_or_default();
            let scp = scps.get(c.ident.account.as_str()).unwrap_or(&empty);
            let rcp = if rcp_applies_to(p.action) {
                rcps.get(r.account.as_str()).unwrap_or(&empty)
            } else {
                &empty
            };
            let set = PolicySet {
                identity: &c.identity,
                resource: &resource,
                boundary: c.boundary,
                scp,
                rcp,
                ..PolicySet::default()
            };
            let decide = |action: &str, on: &str| {
                evaluate(
                    &Request::new(c.principal, action, on).with_resource_account(owner),
                    &set,
                )
            };
            let e = decide(p.action, &target);
            if !e.is_allowed() {
                continue;
            }
            let what = format!(
                "{} {}",
                r.spec.kind.trim_start_matches("aws:").replace('_', " "),
                r.name
            );
            match p.gives {
                Gives::Access(level) => {
                    let reason = format!("{} can {} {what}", c.ident.label, p.action);
                    out.add_edge(self.target_edge(
                        c,
                        r,
                        EdgeKind::Access,
                        Some(level),
                        reason,
                        &e,
                        None,
                    ));
                }
                Gives::ReadSecret => {
                    let reason = format!("{} can {} {what}", c.ident.label, p.action);
                    let kms = self.decrypt(c, r, scp, owner);
                    match kms {
                        Decrypt::Denied => continue,
                        Decrypt::NotNeeded => {
                            out.add_edge(self.target_edge(
                                c,
                                r,
                                EdgeKind::CanReadSecret,
                                None,
                                reason,
                                &e,
                                None,
                            ));
                        }
                        Decrypt::Conditional(why) => {
                            out.add_edge(self.target_edge(
                                c,
                                r,
                                EdgeKind::CanReadSecret,
                                None,
                                reason,
                                &e,
                                Some(why),
                            ));
                        }
                    }
                }
                Gives::ActAs(also) => {
                    let Some(role) = self.execution_role(r) else {
                        continue;
                    };
                    if role == c.ident.arn || !acted.insert((ci, role.clone(), p.action)) {
                        continue;
                    }
                    let mut extra = None;
                    let mut mechanism = p.action.to_string();
                    match also {
                        Also::Nothing => {}
                        Also::Needs(a) => {
                            let e2 = decide(a, &target);
                            if !e2.is_allowed() {
                                continue;
                            }
                            if e2.conditional {
                                extra = Some(e2.conditions().collect::<Vec<_>>().join(" AND "));
                            }
                            mechanism = format!("{}+{a}", p.action);
                        }
                        Also::Trigger(a) => {
                            let e2 = decide(a, &target);
                            if !e2.is_allowed() {
                                extra = Some(format!(
                                    "the new code runs when {what} is next triggered ({a} is not allowed)"
                                ));
                            } else if e2.conditional {
                                extra = Some(e2.conditions().collect::<Vec<_>>().join(" AND "));
                            }
                        }
                        Also::Document(d) => {
                            let region = r.arn.split(':').nth(3).unwrap_or("*");
                            let doc = d.replace(":*:", &format!(":{region}:"));
                            let e2 = decide(p.action, &doc);
                            if !e2.is_allowed() {
                                continue;
                            }
                            if e2.conditional {
                                extra = Some(e2.conditions().collect::<Vec<_>>().join(" AND "));
                            }
                        }
                    }
                    let reason = format!(
                        "{} can {mechanism} on {what}, which runs as {}",
                        c.ident.label,
                        role.rsplit(':').next().unwrap_or(&role)
                    );
                    let mut ed =
                        self.target_edge(c, r, EdgeKind::CanActAs, None, reason, &e, extra);
                    ed.to = role;
                    ed.mechanism = Some(mechanism);
                    out.add_edge(ed);
                }
            }
        }
    }

    /// The edge for an allowed probe, citing the deciding statement.
    #[allow(clippy::too_many_arguments)]
    fn target_edge(
        &self,
        c: &Caller<'_>,
        r: &Resource,
        kind: EdgeKind,
        access: Option<AccessLevel>,
        mut reason: String,
        e: &Evaluation<'_>,
        extra: Option<String>,
    ) -> Edge {
        let stmt = citing(e);
        if let Some(s) = stmt {
            reason.push_str(": ");
            reason.push_str(&describe(s));
        }
        let location = stmt.map_or_else(|| (r.file, r.path.clone()), |s| self.statement_path(s));
        let mut ed = conditioned(
            edge(
                c.ident.arn.clone(),
                r.arn.clone(),
                kind,
                self.provenance(location, reason),
            ),
            e,
        );
        ed.access = access;
        if let Some(x) = extra {
            ed = with_conditions(ed, [x]);
        }
        if let Some(x) = &r.caveat {
            ed = with_conditions(ed, [x.clone()]);
        }
        ed
    }

    /// The role an existing resource runs as, when it is a known role.
    fn execution_role(&self, r: &Resource) -> Option<String> {
        let named = r.role.as_deref()?;
        let role = if named.contains(":instance-profile/") {
            self.profile_role.get(named)?.clone()
        } else {
            named.to_string()
        };
        let ix = self.ident_by_arn.get(&role)?;
        self.idents
            .get(*ix)
            .filter(|i| i.kind == IdKind::Role)
            .map(|i| i.arn.clone())
    }

    /// Whether the caller can also decrypt with the KMS key the secret
    /// names. AWS managed keys (none named, or `alias/aws/...`) are usable
    /// by anyone the service lets read the secret.
    fn decrypt(&self, c: &Caller<'_>, r: &Resource, scp: &[Vec<&Policy>], owner: &str) -> Decrypt {
        let Some(key) = r.kms_key.as_deref().filter(|k| !k.is_empty()) else {
            return Decrypt::NotNeeded;
        };
        if key.contains("alias/aws/") {
            return Decrypt::NotNeeded;
        }
        if key.contains("alias/") {
            return Decrypt::Conditional(format!(
                "kms:Decrypt with {key} (customer key alias; aliases are not collected)"
            ));
        }
        let region = r.arn.split(':').nth(3).unwrap_or_default();
        let arn = if key.starts_with("arn:") {
            key.to_string()
        } else {
            format!("arn:aws:kms:{region}:{owner}:key/{key}")
        };
        let Some(policy) = self.inv_key_policy(&arn) else {
            return Decrypt::Conditional(format!(
                "kms:Decrypt on {arn} (its key policy was not collected)"
            ));
        };
        let key_account = arn.split(':').nth(4).unwrap_or(owner);
        let resource = [policy];
        let rcp = self.org_levels(key_account, PolicyKind::Rcp);
        let set = PolicySet {
            identity: &c.identity,
            resource: &resource,
            boundary: c.boundary,
            scp,
            rcp: &rcp,
            resource_policy_required: true,
            ..PolicySet::default()
        };
        let e = evaluate(
            &Request::new(c.principal, "kms:Decrypt", &arn).with_resource_account(key_account),
            &set,
        );
        if !e.is_allowed() {
            Decrypt::Denied
        } else if e.conditional {
            Decrypt::Conditional(format!(
                "kms:Decrypt on {arn}: {}",
                e.conditions().collect::<Vec<_>>().join(" AND ")
            ))
        } else {
            Decrypt::NotNeeded
        }
    }
}

/// What reading a secret needs from KMS.
enum Decrypt {
    NotNeeded,
    Conditional(String),
    Denied,
}
