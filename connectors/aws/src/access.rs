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

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use blastgraph_model::{AccessLevel, Edge, EdgeKind, EstateBuilder};
use blastgraph_policy::{
    Context, Evaluation, Policy, PolicyKind, PolicySet, Request, StatementRef, evaluate,
    rcp_applies_to,
};

use crate::inventory::{Also, Gives, On, PassExisting, Probe, Resource};
use crate::methods::new_resource_actions;
use crate::tables::{EVENT_SOURCE_MAPPINGS, LAMBDA_FUNCTION};
use crate::{
    Caller, Facts, IdKind, Trusted, allowing, conditioned, describe, edge, emit_per_caller,
    undecided_text, with_conditions,
};

/// The resource string a probe is evaluated on; `None` when the resource
/// has no such form (an RDS database without IAM authentication).
fn probe_target(r: &Resource, p: &Probe) -> Option<String> {
    match p.on {
        On::Arn => Some(r.arn.clone()),
        On::Suffix(s) => Some(format!("{}{s}", r.arn)),
        On::Alt => r.alt.clone(),
    }
}

/// The request context keys an attacker chooses: the requests go over TLS,
/// so the common `Deny ... aws:SecureTransport false` never stops them.
pub(crate) fn attacker_context() -> &'static Context {
    static CTX: OnceLock<Context> = OnceLock::new();
    CTX.get_or_init(|| Context::new().with("aws:SecureTransport", ["true"]))
}

/// The context of requests on a resource whose whole tag set is known: the
/// attacker's keys, and each tag as `aws:ResourceTag/KEY` and as
/// `SERVICE:ResourceTag/KEY` for the services its probes call, with every
/// other tag key absent. `None` when the tags are not known.
fn resource_context(r: &Resource) -> Option<Context> {
    let tags = r.tags.as_ref()?;
    let mut services: BTreeSet<&str> = BTreeSet::from(["aws"]);
    for p in r.spec.probes {
        let mut actions = vec![p.action];
        match p.gives {
            Gives::ActAs(Also::Needs(a) | Also::Trigger(a)) => actions.push(a),
            Gives::ActAs(Also::All(all)) => actions.extend(all),
            Gives::ActAs(Also::AllAndNew(all, new)) => {
                actions.extend(all);
                actions.extend(new);
            }
            Gives::PassTo(pass) => {
                actions.extend(pass.then);
                actions.extend(pass.new);
                actions.extend(pass.needs);
            }
            _ => {}
        }
        services.extend(
            actions
                .iter()
                .filter_map(|a| a.split_once(':').map(|(s, _)| s)),
        );
    }
    let mut ctx = attacker_context().clone();
    for svc in services {
        let prefix = format!("{svc}:ResourceTag/");
        for (k, v) in tags {
            ctx.set(&format!("{prefix}{k}"), [v.as_str()]);
        }
        ctx = ctx.with_closed_prefix(&prefix);
    }
    Some(ctx)
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

impl Facts {
    pub(crate) fn emit_access(&self, out: &mut EstateBuilder, escalated: &BTreeSet<usize>) {
        let res = &self.inv.resources;
        if res.is_empty() {
            return;
        }
        // Every probe's resource string and every target's description,
        // computed once.
        let targets: Vec<Vec<Option<String>>> = res
            .iter()
            .map(|r| r.spec.probes.iter().map(|p| probe_target(r, p)).collect())
            .collect();
        let whats: Vec<String> = res
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r.spec.kind.trim_start_matches("aws:").replace('_', " "),
                    r.name
                )
            })
            .collect();
        // Probe action → (probe resource, resource, probe), sorted.
        let mut by_action: HashMap<&'static str, Vec<(&str, u32, u32)>> = HashMap::new();
        for (ri, r) in res.iter().enumerate() {
            for (pi, p) in r.spec.probes.iter().enumerate() {
                if let Some(Some(t)) = targets.get(ri).and_then(|v| v.get(pi)) {
                    by_action
                        .entry(p.action)
                        .or_default()
                        .push((t.as_str(), ri as u32, pi as u32));
                }
            }
        }
        let mut actions: Vec<&'static str> = by_action.keys().copied().collect();
        actions.sort_unstable();
        for v in by_action.values_mut() {
            v.sort_unstable();
        }
        // Every caller: one that escalates to its account's admin still
        // reaches other accounts' resources on its own (`caller_access`).
        let callers: Vec<Caller<'_>> = self.callers().collect();
        // Resources whose policy names a caller, or anyone.
        let mut named: HashMap<&str, Vec<u32>> = HashMap::new();
        let mut anyone: Vec<u32> = Vec::new();
        // Resources whose policy names an account (for the callers that
        // escalate: only such grants reach another account for them).
        let mut named_account: HashMap<&str, Vec<u32>> = HashMap::new();
        for (ri, r) in res.iter().enumerate() {
            for t in &r.named {
                match t {
                    Trusted::Anyone => anyone.push(ri as u32),
                    Trusted::Arn(a) => named.entry(a.as_str()).or_default().push(ri as u32),
                    Trusted::Account(a) => {
                        named_account.entry(a.as_str()).or_default().push(ri as u32);
                    }
                }
            }
        }
        let mut scps: HashMap<&str, Vec<Vec<&Policy>>> = HashMap::new();
        let mut rcps: HashMap<&str, Vec<Vec<&Policy>>> = HashMap::new();
        for r in res {
            rcps.entry(r.account.as_str())
                .or_insert_with(|| self.org_levels(&r.account, PolicyKind::Rcp));
        }
        for c in &callers {
            scps.entry(c.ident.account.as_str())
                .or_insert_with(|| self.org_levels(&c.ident.account, PolicyKind::Scp));
        }
        let mut trusting: HashMap<(&'static str, bool), Vec<usize>> = HashMap::new();
        let in_profile: BTreeSet<&str> = self.profile_role.values().map(String::as_str).collect();
        for r in res {
            for p in r.spec.probes {
                if let Gives::PassTo(pass) = p.gives {
                    let key = (pass.service, pass.in_profile);
                    trusting.entry(key).or_insert_with(|| {
                        (0..self.idents.len())
                            .filter(|&i| {
                                self.idents.get(i).is_some_and(|t| {
                                    (!pass.in_profile || in_profile.contains(t.arn.as_str()))
                                        && self.trusts_service(t, pass.service)
                                })
                            })
                            .collect()
                    });
                }
            }
        }
        let contexts: Vec<Option<Context>> = res.iter().map(resource_context).collect();
        let ctx = Ctx {
            contexts: &contexts,
            trusting: &trusting,
            res,
            targets: &targets,
            whats: &whats,
            by_action: &by_action,
            actions: &actions,
            named: &named,
            named_account: &named_account,
            anyone: &anyone,
            scps: &scps,
            rcps: &rcps,
            escalated,
        };
        // Callers are independent: decide them in parallel, emit in order.
        emit_per_caller(&callers, out, |c| self.caller_access(c, &ctx));
    }

    /// The target edges of one caller.
    fn caller_access(&self, c: &Caller<'_>, x: &Ctx<'_>) -> Vec<Edge> {
        let mut cand: Vec<(u32, u32)> = Vec::new();
        // A caller that escalates to its account's admin reaches that
        // account's resources (and the AWS-owned ones it lists) through the
        // admin scope; another account's only where that resource's policy
        // names it, its account or anyone, since a resource policy must
        // grant across accounts.
        let escalated = x.escalated.contains(&c.ix);
        if escalated {
            let by_account = x.named_account.get(c.ident.account.as_str());
            for &ri in by_account.into_iter().flatten() {
                if let Some(r) = x.res.get(ri as usize) {
                    cand.extend((0..r.spec.probes.len() as u32).map(|pi| (ri, pi)));
                }
            }
        }
        for action in x.actions.iter().filter(|_| !escalated) {
            if c.boundary.is_some_and(|b| !b.may_allow(action)) {
                continue;
            }
            let Some(targets) = x.by_action.get(action) else {
                continue;
            };
            for st in allowing(&c.identity, action) {
                for prefix in st.resource_prefixes() {
                    let start = targets.partition_point(|(t, ..)| *t < prefix.as_str());
                    for (t, ri, pi) in targets
                        .get(start..)
                        .unwrap_or_default()
                        .iter()
                        .take_while(|(t, ..)| t.starts_with(prefix.as_str()))
                    {
                        if st.may_match_resource(t) {
                            cand.push((*ri, *pi));
                        }
                    }
                }
            }
        }
        // Resource policies that grant by naming the caller or anyone.
        let named = x.named.get(c.ident.arn.as_str()).into_iter().flatten();
        for &ri in named.chain(x.anyone) {
            if let Some(r) = x.res.get(ri as usize) {
                cand.extend((0..r.spec.probes.len() as u32).map(|pi| (ri, pi)));
            }
        }
        if escalated {
            cand.retain(|&(ri, _)| {
                x.res
                    .get(ri as usize)
                    .is_some_and(|r| !r.account.is_empty() && r.account != c.ident.account)
            });
        }
        cand.sort_unstable();
        cand.dedup();
        let empty: Vec<Vec<&Policy>> = Vec::new();
        let scp = x.scps.get(c.ident.account.as_str()).unwrap_or(&empty);
        // (role, action) → the edge to an existing resource's role.
        let mut acted: BTreeMap<(String, &'static str), Edge> = BTreeMap::new();
        // (role, row) → the edge of PassRole to an existing resource: the
        // first firm one, else the first conditional one.
        let mut passed: BTreeMap<(usize, &'static str), Edge> = BTreeMap::new();
        let mut edges = Vec::new();
        for (ri, pi) in cand {
            let (ri, pi) = (ri as usize, pi as usize);
            let (Some(r), Some(what)) = (x.res.get(ri), x.whats.get(ri)) else {
                continue;
            };
            let (Some(p), Some(Some(target))) = (
                r.spec.probes.get(pi),
                x.targets.get(ri).and_then(|v| v.get(pi)),
            ) else {
                continue;
            };
            let owner = if r.account.is_empty() {
                c.ident.account.as_str()
            } else {
                r.account.as_str()
            };
            let policy = r.policy.and_then(|i| self.docs.get(i)).map(|d| &d.policy);
            let resource: &[&Policy] = policy.as_slice();
            let rcp = if rcp_applies_to(p.action) {
                x.rcps.get(r.account.as_str()).unwrap_or(&empty)
            } else {
                &empty
            };
            let set = PolicySet {
                identity: &c.identity,
                resource,
                boundary: c.boundary,
                scp,
                rcp,
                ..PolicySet::default()
            };
            let decide_in = |action: &str, on: &str, ctx: &Context| {
                evaluate(
                    &Request::new(c.principal, action, on)
                        .with_resource_account(owner)
                        .with_context(ctx),
                    &set,
                )
            };
            let base = x
                .contexts
                .get(ri)
                .and_then(Option::as_ref)
                .unwrap_or(attacker_context());
            let decide = |action: &str, on: &str| decide_in(action, on, base);
            let e = decide(p.action, target);
            if !e.is_allowed() {
                continue;
            }
            match p.gives {
                Gives::Access(level) => {
                    // The edge names caller and target; the reason names the
                    // action and the statement, so that every edge one
                    // statement grants shares it.
                    let reason = p.action.to_string();
                    edges.push(self.target_edge(
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
                    let reason = p.action.to_string();
                    let why = match self.decrypt(c, r, scp, owner) {
                        Decrypt::Denied => continue,
                        Decrypt::NotNeeded => None,
                        Decrypt::Conditional(why) => Some(why),
                    };
                    edges.push(self.target_edge(
                        c,
                        r,
                        EdgeKind::CanReadSecret,
                        None,
                        reason,
                        &e,
                        why,
                    ));
                }
                Gives::ActAs(also) => {
                    let Some(role) = self.execution_role(r) else {
                        continue;
                    };
                    if role == c.ident.arn
                        || acted
                            .get(&(role.clone(), p.action))
                            .is_some_and(|ed| !ed.conditional)
                    {
                        continue;
                    }
                    let mut extra = None;
                    let mut mechanism = p.action.to_string();
                    let mut told = String::new();
                    match also {
                        Also::Nothing => {}
                        Also::Needs(a) => {
                            let e2 = decide(a, target);
                            if !e2.is_allowed() {
                                continue;
                            }
                            extra = undecided_text(&e2);
                            mechanism = format!("{}+{a}", p.action);
                        }
                        Also::All(all) | Also::AllAndNew(all, _) => {
                            let mut open = Vec::new();
                            let mut allowed = true;
                            for a in all {
                                let e2 = decide(a, target);
                                if !e2.is_allowed() {
                                    allowed = false;
                                    break;
                                }
                                open.extend(undecided_text(&e2));
                                mechanism.push('+');
                                mechanism.push_str(a);
                            }
                            if !allowed {
                                continue;
                            }
                            if let Also::AllAndNew(_, new) = also {
                                let Some((firm, conditions)) = new_resource_actions(
                                    c.principal,
                                    (&c.identity, c.boundary, scp),
                                    new,
                                    base,
                                ) else {
                                    continue;
                                };
                                if !firm {
                                    open.extend(conditions);
                                }
                                for a in new {
                                    mechanism.push('+');
                                    mechanism.push_str(a);
                                }
                            }
                            extra = (!open.is_empty()).then(|| open.join(" AND "));
                        }
                        Also::Trigger(a) => {
                            let e2 = decide(a, target);
                            let lambda = r.spec.kind == LAMBDA_FUNCTION.kind;
                            let source = self.inv.triggers.get(&r.arn);
                            extra = if e2.is_allowed() {
                                undecided_text(&e2)
                            } else if !lambda {
                                Some(format!(
                                    "the new code runs when {what} is next triggered ({a} is not allowed)"
                                ))
                            } else if let Some(source) = source {
                                // an enabled event source mapping runs it
                                told = format!(", and its event source {source} runs the new code");
                                None
                            } else if self.inventory_seen(&r.account, EVENT_SOURCE_MAPPINGS) {
                                Some(format!(
                                    "the new code runs when {what} is next triggered ({a} is not allowed, no event source mapping invokes it; S3, EventBridge and API Gateway triggers are not in the inventory)"
                                ))
                            } else {
                                Some(format!(
                                    "the new code runs when {what} is next triggered ({a} is not allowed; {EVENT_SOURCE_MAPPINGS} was not collected)"
                                ))
                            };
                        }
                        Also::Document(d) => {
                            let region = r.arn.split(':').nth(3).unwrap_or("*");
                            let doc = d.replace(":*:", &format!(":{region}:"));
                            let e2 = decide(p.action, &doc);
                            if !e2.is_allowed() {
                                continue;
                            }
                            extra = undecided_text(&e2);
                        }
                    }
                    let reason = format!(
                        "{} can {mechanism} on {what}, which runs as {}{told}",
                        c.ident.label,
                        role.rsplit(':').next().unwrap_or(&role)
                    );
                    let mut ed =
                        self.target_edge(c, r, EdgeKind::CanActAs, None, reason, &e, extra);
                    ed.to = role.clone();
                    ed.mechanism = Some(mechanism);
                    // The first firm way, else the first conditional one.
                    acted.insert((role, p.action), ed);
                }
                Gives::PassTo(pass) => {
                    let found = self.pass_to_existing(
                        c,
                        (r, what, target),
                        (p.action, pass),
                        (&e, &decide_in, base, scp),
                        x,
                    );
                    for (t, ed) in found {
                        match passed.get(&(t, pass.row)) {
                            Some(old) if !old.conditional || ed.conditional => {}
                            _ => {
                                passed.insert((t, pass.row), ed);
                            }
                        }
                    }
                }
            }
        }
        edges.extend(acted.into_values());
        edges.extend(passed.into_values());
        edges
    }

    /// PassRole to an existing resource (a [`Gives::PassTo`] probe the
    /// caller may make on `r`): one `can_act_as` edge per role the caller
    /// may pass to the service, that trusts it, and that is not the role
    /// the resource already has (the family-5 edge covers that one).
    fn pass_to_existing<'s>(
        &self,
        c: &Caller<'_>,
        (r, what, target): (&Resource, &str, &str),
        (action, pass): (&str, &PassExisting),
        (e, decide, base, scp): (&Evaluation<'s>, &Decide<'_, 's>, &Context, &[Vec<&Policy>]),
        x: &Ctx<'_>,
    ) -> Vec<(usize, Edge)> {
        const PASS: &str = "iam:PassRole";
        let passes: Vec<_> = allowing(&c.identity, PASS).collect();
        if passes.is_empty() {
            return Vec::new();
        }
        // The action that runs the code, on the resource itself (the probe
        // may be on its second ARN): the first firmly allowed, else the
        // first conditionally allowed; none allowed, no edge.
        let mut then: Option<(&str, Evaluation<'s>)> = None;
        for a in pass.then {
            let e2 = decide(a, &r.arn, base);
            if e2.is_allowed() && then.as_ref().is_none_or(|(_, b)| b.conditional) {
                let firm = !e2.conditional;
                then = Some((a, e2));
                if firm {
                    break;
                }
            }
        }
        if !pass.then.is_empty() && then.is_none() {
            return Vec::new();
        }
        // The other actions on the resource it needs (all of them).
        let mut needed = Vec::new();
        for a in pass.needs {
            let e2 = decide(a, &r.arn, base);
            if !e2.is_allowed() {
                return Vec::new();
            }
            needed.push((*a, e2));
        }
        // A new resource the attacker names (a trigger that runs the job).
        let created = if pass.new.is_empty() {
            None
        } else {
            match new_resource_actions(c.principal, (&c.identity, c.boundary, scp), pass.new, base)
            {
                Some(v) => Some(v),
                None => return Vec::new(),
            }
        };
        let pass_set = PolicySet {
            identity: &c.identity,
            boundary: c.boundary,
            scp,
            ..PolicySet::default()
        };
        let to_service = Context::new().with("iam:PassedToService", [pass.service]);
        let current = self.execution_role(r);
        let mut out = Vec::new();
        let key = (pass.service, pass.in_profile);
        for &t in x.trusting.get(&key).into_iter().flatten() {
            let Some(role) = self.idents.get(t) else {
                continue;
            };
            if role.arn == c.ident.arn
                || role.account != c.ident.account
                || current.as_deref() == Some(role.arn.as_str())
                || !passes.iter().any(|s| s.may_match_resource(&role.arn))
            {
                continue;
            }
            let e3 = evaluate(
                &Request::new(c.principal, PASS, &role.arn).with_context(&to_service),
                &pass_set,
            );
            if !e3.is_allowed() {
                continue;
            }
            // The probe request names the passed role in some services.
            let named;
            let main = match pass.role_key {
                Some(key) if e.conditional => {
                    let ctx = base.clone().with(key, [role.arn.as_str()]);
                    named = decide(action, target, &ctx);
                    if !named.is_allowed() {
                        continue;
                    }
                    &named
                }
                _ => e,
            };
            let mut mechanism = format!("{PASS}+{action}");
            let mut undecided: Vec<String> = Vec::new();
            for (a, e2) in needed.iter().chain(&then) {
                mechanism.push('+');
                mechanism.push_str(a);
                undecided.extend(undecided_text(e2));
            }
            if let Some((firm, conditions)) = &created {
                for a in pass.new {
                    mechanism.push('+');
                    mechanism.push_str(a);
                }
                if !firm {
                    undecided.extend(conditions.iter().cloned());
                }
            }
            undecided.extend(undecided_text(&e3));
            let reason = format!(
                "{} can act as {}: gives it to {what} ({}: {})",
                c.ident.label,
                role.label,
                pass.row,
                mechanism.replace('+', " + ")
            );
            let extra = (!undecided.is_empty()).then(|| undecided.join(" AND "));
            let mut ed = self.target_edge(c, r, EdgeKind::CanActAs, None, reason, main, extra);
            ed.to = role.arn.clone();
            ed.mechanism = Some(mechanism);
            out.push((t, ed));
        }
        out
    }

    /// The edge for an allowed probe, citing the deciding statement.
    #[expect(
        clippy::too_many_arguments,
        reason = "one call site per resource kind; a struct of the same fields would only move them"
    )]
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
                r.id.clone(),
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
        if let Some(ix) = self.ident_by_arn.get(&role) {
            return self
                .idents
                .get(*ix)
                .filter(|i| i.kind == IdKind::Role)
                .map(|i| i.arn.clone());
        }
        // A role named without its path (Glue's `Role` takes a name): the
        // account's role of that name, whatever its path.
        let (prefix, name) = role.split_once(":role/")?;
        let by_name = self.role_by_name.get_or_init(|| {
            self.idents
                .iter()
                .filter(|i| i.kind == IdKind::Role)
                .filter_map(|i| {
                    let (p, rest) = i.arn.split_once(":role/")?;
                    let n = rest.rsplit('/').next()?;
                    Some((format!("{p}:role/{n}"), i.arn.clone()))
                })
                .collect()
        });
        by_name.get(&format!("{prefix}:role/{name}")).cloned()
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
                undecided_text(&e).unwrap_or_default()
            ))
        } else {
            Decrypt::NotNeeded
        }
    }
}

/// Decides one request (action, resource, context) against a caller's
/// policies for one target.
type Decide<'f, 's> = dyn Fn(&str, &str, &Context) -> Evaluation<'s> + 'f;

/// What every caller's decisions share.
struct Ctx<'a> {
    res: &'a [Resource],
    targets: &'a [Vec<Option<String>>],
    whats: &'a [String],
    by_action: &'a HashMap<&'static str, Vec<(&'a str, u32, u32)>>,
    actions: &'a [&'static str],
    named: &'a HashMap<&'a str, Vec<u32>>,
    named_account: &'a HashMap<&'a str, Vec<u32>>,
    anyone: &'a [u32],
    scps: &'a HashMap<&'a str, Vec<Vec<&'a Policy>>>,
    rcps: &'a HashMap<&'a str, Vec<Vec<&'a Policy>>>,
    /// Per resource, the request context when its tags are known.
    contexts: &'a [Option<Context>],
    /// (service, in an instance profile) → the roles (identity indices)
    /// whose trust lets the service in, for the [`Gives::PassTo`] probes.
    trusting: &'a HashMap<(&'static str, bool), Vec<usize>>,
    /// Callers that escalate to their account's admin, whose scope holds
    /// that account's resources: only other accounts' are decided for them.
    escalated: &'a BTreeSet<usize>,
}

/// What reading a secret needs from KMS.
enum Decrypt {
    NotNeeded,
    Conditional(String),
    Denied,
}
