//! The documented AWS evaluation logic over a [`PolicySet`].

use std::borrow::Cow;
use std::fmt;

use crate::context::{Context, Env};
use crate::keys::{KeyClass, classify};
use crate::policy::{Effect, Policy, Statement, lowercase};
use crate::principal::{
    Principal, PrincipalKind, PrincipalMatch, match_principal, not_principal_exempts,
};
use crate::tri::Tri;
use std::ops::Not;

/// Services whose actions resource control policies (RCPs) restrict, per
/// the AWS Organizations User Guide: Amazon S3, AWS STS, AWS KMS, Amazon
/// SQS, AWS Secrets Manager, and (added in 2025) Amazon DynamoDB, Amazon
/// ECR, Amazon CloudWatch Logs, Amazon Cognito user pools and Amazon
/// OpenSearch Serverless.
pub const RCP_SERVICES: &[&str] = &[
    "s3",
    "sts",
    "kms",
    "sqs",
    "secretsmanager",
    "dynamodb",
    "ecr",
    "logs",
    "cognito-idp",
    "aoss",
];

/// Whether RCPs restrict `action` (lower-case). `kms:RetireGrant` is
/// documented as not controllable by RCPs.
pub fn rcp_applies_to(action: &str) -> bool {
    if action == "kms:retiregrant" {
        return false;
    }
    let service = action.split_once(':').map_or(action, |(s, _)| s);
    RCP_SERVICES.contains(&service)
}

/// One request: who does what to which resource, in what context.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    principal: &'a Principal,
    action: Cow<'a, str>,
    resource: &'a str,
    resource_account: Option<&'a str>,
    context: &'a Context,
}

impl<'a> Request<'a> {
    /// A request with an empty context (every condition key unknown).
    /// `action` is `service:Action` in any case; `resource` is the ARN, or
    /// `*` for actions that take no resource.
    pub fn new(principal: &'a Principal, action: &'a str, resource: &'a str) -> Self {
        Request {
            principal,
            action: lowercase(action),
            resource,
            resource_account: None,
            context: Context::empty(),
        }
    }

    /// Sets the condition-key context.
    #[must_use]
    pub fn with_context(mut self, context: &'a Context) -> Self {
        self.context = context;
        self
    }

    /// Sets the account that owns the resource. Without it the request is
    /// treated as same-account.
    #[must_use]
    pub fn with_resource_account(mut self, account: &'a str) -> Self {
        self.resource_account = Some(account);
        self
    }

    /// The principal.
    pub fn principal(&self) -> &Principal {
        self.principal
    }

    /// The action, lower-case.
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The resource.
    pub fn resource(&self) -> &str {
        self.resource
    }

    fn env(&self) -> Env<'_> {
        Env {
            principal: self.principal,
            action: &self.action,
            resource: self.resource,
            resource_account: self.resource_account,
            context: self.context,
        }
    }
}

/// The policies that apply to one request, borrowed from the caller so one
/// set can be reused across many requests.
#[derive(Clone, Copy, Debug, Default)]
pub struct PolicySet<'a> {
    /// The principal's identity-based policies: its inline and managed
    /// policies and those of its groups, flattened.
    pub identity: &'a [&'a Policy],
    /// Resource-based policies on the resource (bucket policy, key policy,
    /// the role's trust policy for `sts:AssumeRole*`, ...).
    pub resource: &'a [&'a Policy],
    /// The principal's permissions boundary, if any.
    pub boundary: Option<&'a Policy>,
    /// Session policies passed when the session was created, if any.
    pub session: &'a [&'a Policy],
    /// SCPs of the principal's account, one entry per level (root, each OU,
    /// the account). Empty when the account is not in an organization or is
    /// its management account.
    pub scp: &'a [Vec<&'a Policy>],
    /// RCPs of the resource's account, one entry per level. Empty when the
    /// account is not in an organization, is its management account, or the
    /// resource is an AWS managed KMS key.
    pub rcp: &'a [Vec<&'a Policy>],
    /// The resource policy must itself allow the principal (role trust
    /// policies and KMS key policies): an identity-based allow alone is not
    /// enough, even within one account.
    pub resource_policy_required: bool,
}

/// Which kind of policy a statement came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyKind {
    /// Identity-based (user, role or group; inline or managed).
    Identity,
    /// Resource-based (including role trust policies).
    Resource,
    /// Permissions boundary.
    Boundary,
    /// Session policy.
    Session,
    /// Service control policy.
    Scp,
    /// Resource control policy.
    Rcp,
}

/// The final decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Allowed (possibly only under undecided conditions: see
    /// [`Evaluation::conditional`]).
    Allowed,
    /// Nothing allows it, or a required policy does not.
    ImplicitDeny,
    /// A `Deny` statement applies.
    ExplicitDeny,
}

/// Why a request is not allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DenyReason {
    /// A `Deny` statement applies.
    ExplicitDeny,
    /// No identity-based or resource-based policy allows it.
    NoAllow,
    /// The identity side allows it, but the resource-based policy does not,
    /// and it must (cross-account access, role trust, KMS key policy).
    ResourcePolicy,
    /// The resource-based policy allows it cross-account, but the
    /// principal's identity-based policies do not.
    IdentityPolicy,
    /// The permissions boundary does not allow it.
    PermissionsBoundary,
    /// The session policies do not allow it.
    SessionPolicy,
    /// No SCP at this level (0 = root) allows it.
    Scp {
        /// The level index in [`PolicySet::scp`].
        level: usize,
    },
    /// No RCP at this level allows it.
    Rcp {
        /// The level index in [`PolicySet::rcp`].
        level: usize,
    },
}

/// A statement that took part in a decision.
#[derive(Clone, Copy, Debug)]
pub struct StatementRef<'a> {
    /// What kind of policy it is in.
    pub kind: PolicyKind,
    /// The policy.
    pub policy: &'a Policy,
    /// The statement.
    pub statement: &'a Statement,
}

impl StatementRef<'_> {
    /// The caller's name of the policy.
    pub fn policy_name(&self) -> &str {
        self.policy.name()
    }

    /// The statement's index in the document.
    pub fn index(&self) -> usize {
        self.statement.index()
    }

    /// The statement's `Sid`.
    pub fn sid(&self) -> Option<&str> {
        self.statement.sid()
    }

    /// The statement's `Condition` as compact JSON.
    pub fn condition_text(&self) -> Option<&str> {
        self.statement.condition_text()
    }
}

impl fmt::Display for StatementRef<'_> {
    /// `policy#index` or `policy#index(Sid)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.policy.name(), self.statement.index())?;
        if let Some(sid) = self.statement.sid() {
            write!(f, "({sid})")?;
        }
        Ok(())
    }
}

/// The result of [`evaluate`].
#[derive(Clone, Debug)]
pub struct Evaluation<'a> {
    /// The decision.
    pub decision: Decision,
    /// True when the decision depends on conditions the context does not
    /// decide: an allow that holds only if an undecided `Allow` condition
    /// holds, or only if an undecided `Deny` condition does not.
    pub conditional: bool,
    /// For `Allowed`: the `Allow` statements that make it possible (the
    /// granting identity or resource statements, and the boundary, session,
    /// SCP and RCP statements it passes through).
    pub allowed_by: Vec<StatementRef<'a>>,
    /// For `ExplicitDeny`: the `Deny` statements that apply.
    pub denied_by: Vec<StatementRef<'a>>,
    /// For a conditional `Allowed`: the statements whose undecided
    /// conditions it depends on.
    pub undecided: Vec<StatementRef<'a>>,
    /// For a denial: why.
    pub deny_reason: Option<DenyReason>,
    /// For a conditional result: each condition key it stays undecided on
    /// (lower-case, in statement order), with what would decide it.
    pub undecided_keys: Vec<(String, KeyClass)>,
    /// The values of attacker-chosen keys under which the request is
    /// allowed (`None`: the key left out of the request), when the result
    /// was decided by choosing them.
    pub chosen: Vec<(String, Option<String>)>,
}

impl<'a> Evaluation<'a> {
    /// Whether the decision is `Allowed` (conditional or not).
    pub fn is_allowed(&self) -> bool {
        self.decision == Decision::Allowed
    }

    /// The condition texts of the undecided statements.
    pub fn conditions(&self) -> impl Iterator<Item = &str> {
        self.undecided.iter().filter_map(|s| s.condition_text())
    }

    fn denied(reason: DenyReason) -> Self {
        let decision = if reason == DenyReason::ExplicitDeny {
            Decision::ExplicitDeny
        } else {
            Decision::ImplicitDeny
        };
        Evaluation {
            decision,
            conditional: false,
            allowed_by: Vec::new(),
            denied_by: Vec::new(),
            undecided: Vec::new(),
            deny_reason: Some(reason),
            undecided_keys: Vec::new(),
            chosen: Vec::new(),
        }
    }
}

/// Groups of statements whose results combine into the decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Group {
    Deny,
    Identity,
    Boundary,
    Session,
    ResDirect,
    ResVia,
    ResAccount,
    Scp(usize),
    Rcp(usize),
}

#[derive(Clone, Copy, Debug)]
struct Hit<'a> {
    group: Group,
    tri: Tri,
    r: StatementRef<'a>,
}

struct Evaluator<'a, 'e> {
    env: Env<'e>,
    /// The service prefix of the action, for the statement index.
    service: &'e str,
    principal: &'e Principal,
    boundary_present: bool,
    hits: Vec<Hit<'a>>,
}

impl<'a> Evaluator<'a, '_> {
    /// How `stmt` applies to the request. Without `check_principal` the
    /// statement applies "directly" when its action, resource and condition
    /// do (identity-based policies, boundaries, session policies, SCPs).
    fn statement(&self, stmt: &Statement, check_principal: bool) -> PrincipalMatch {
        let none = PrincipalMatch::default();
        if !stmt.action_matches(self.env.action) {
            return none;
        }
        let pm = match (&stmt.principals, check_principal) {
            (Some(ps), true) if ps.negated => {
                let mut t = not_principal_exempts(&ps.entries, self.principal).not();
                // documented: NotPrincipal with Deny always denies IAM users
                // and roles that have a permissions boundary
                if stmt.effect == Effect::Deny
                    && self.boundary_present
                    && self.principal.is_user_or_role()
                {
                    t = Tri::True;
                }
                PrincipalMatch { direct: t, ..none }
            }
            (Some(ps), true) => match_principal(&ps.entries, self.principal),
            _ => PrincipalMatch {
                direct: Tri::True,
                ..none
            },
        };
        if pm.any().is_false() {
            return none;
        }
        let base = stmt.resource_matches(&self.env);
        if base.is_false() {
            return none;
        }
        let base = base.and(stmt.condition_holds(&self.env));
        PrincipalMatch {
            direct: pm.direct.and(base),
            via: pm.via.and(base),
            account: pm.account.and(base),
        }
    }

    fn hit(
        &mut self,
        group: Group,
        tri: Tri,
        kind: PolicyKind,
        policy: &'a Policy,
        statement: &'a Statement,
    ) {
        if !tri.is_false() {
            self.hits.push(Hit {
                group,
                tri,
                r: StatementRef {
                    kind,
                    policy,
                    statement,
                },
            });
        }
    }

    fn denies(&mut self, policies: &[&'a Policy], kind: PolicyKind, check_principal: bool) -> Tri {
        let mut out = Tri::False;
        for policy in policies {
            for stmt in policy
                .candidates(self.service)
                .filter(|s| s.effect == Effect::Deny)
            {
                let t = self.statement(stmt, check_principal).any();
                self.hit(Group::Deny, t, kind, policy, stmt);
                out = out.or(t);
            }
        }
        out
    }

    fn allows(
        &mut self,
        policies: &[&'a Policy],
        kind: PolicyKind,
        group: Group,
        check_principal: bool,
    ) -> Tri {
        let mut out = Tri::False;
        for policy in policies {
            for stmt in policy
                .candidates(self.service)
                .filter(|s| s.effect == Effect::Allow)
            {
                let t = self.statement(stmt, check_principal).any();
                self.hit(group, t, kind, policy, stmt);
                out = out.or(t);
            }
        }
        out
    }

    fn resource_allows(&mut self, policies: &[&'a Policy]) -> PrincipalMatch {
        let mut out = PrincipalMatch::default();
        for policy in policies {
            for stmt in policy
                .candidates(self.service)
                .filter(|s| s.effect == Effect::Allow)
            {
                let m = self.statement(stmt, true);
                self.hit(
                    Group::ResDirect,
                    m.direct,
                    PolicyKind::Resource,
                    policy,
                    stmt,
                );
                self.hit(Group::ResVia, m.via, PolicyKind::Resource, policy, stmt);
                self.hit(
                    Group::ResAccount,
                    m.account,
                    PolicyKind::Resource,
                    policy,
                    stmt,
                );
                out.direct = out.direct.or(m.direct);
                out.via = out.via.or(m.via);
                out.account = out.account.or(m.account);
            }
        }
        out
    }
}

/// Evaluates one request against its policies with the documented AWS
/// logic (see the crate documentation for the exact rules).
///
/// A result left conditional only by keys the attacker chooses
/// ([`KeyClass::Chosen`]) is decided by trying the values the policies name
/// for them (and leaving them out): the first request that is allowed
/// without conditions wins, and [`Evaluation::chosen`] names it.
pub fn evaluate<'a>(request: &Request<'_>, set: &PolicySet<'a>) -> Evaluation<'a> {
    let mut out = evaluate_once(request, set);
    if !out.conditional || !out.is_allowed() {
        return out;
    }
    out.undecided_keys = undecided_keys(&out, &request.env());
    let chosen_only = !out.undecided_keys.is_empty()
        && out
            .undecided_keys
            .iter()
            .all(|(_, c)| *c == KeyClass::Chosen);
    if chosen_only && let Some(w) = witness(request, set, &out.undecided_keys) {
        return w;
    }
    out
}

/// The keys of the conditions the undecided statements stay undecided on.
fn undecided_keys(e: &Evaluation<'_>, env: &Env<'_>) -> Vec<(String, KeyClass)> {
    let mut keys: Vec<(String, KeyClass)> = Vec::new();
    for s in &e.undecided {
        for c in s.statement.conditions() {
            if !c.eval(env).is_true() && !c.eval(env).is_false() {
                let key = c.key_lower();
                let class = match env.lookup(key) {
                    crate::context::Lookup::Unknown | crate::context::Lookup::NotBefore(_) => {
                        classify(key)
                    }
                    // the key is known; a policy variable in the value is not
                    _ => KeyClass::Other,
                };
                if !keys.iter().any(|(k, _)| k == key) {
                    keys.push((key.to_owned(), class));
                }
            }
        }
    }
    keys
}

/// Most values tried per chosen key, and requests tried in all.
const MAX_VALUES: usize = 16;
const MAX_TRIES: usize = 256;

/// A request with values for the chosen `keys` that is allowed without
/// conditions, if the policies' own values give one.
fn witness<'a>(
    request: &Request<'_>,
    set: &PolicySet<'a>,
    keys: &[(String, KeyClass)],
) -> Option<Evaluation<'a>> {
    let mut choices: Vec<Vec<Option<String>>> = Vec::with_capacity(keys.len());
    // Whether the values tried stand for every request: each condition on
    // the keys compares one value for equality, so any value not named
    // behaves as the unlisted one.
    let mut complete = true;
    for (key, _) in keys {
        let mut values: Vec<Option<String>> = vec![None, Some("blastgraph-unlisted".to_owned())];
        for policy in set.all_policies() {
            for stmt in policy.statements() {
                for c in stmt.conditions().iter().filter(|c| c.key_lower() == key) {
                    complete &= c.is_equality();
                    for v in c.candidates() {
                        if values.len() < MAX_VALUES && !values.contains(&Some(v.clone())) {
                            values.push(Some(v));
                        }
                    }
                }
            }
        }
        choices.push(values);
    }
    let total = choices
        .iter()
        .try_fold(1usize, |acc, v| acc.checked_mul(v.len()))?;
    if total > MAX_TRIES {
        return None;
    }
    complete &= choices.iter().all(|v| v.len() < MAX_VALUES);
    let mut first_denial = None;
    let mut all_denied = true;
    for n in 0..total {
        let mut ctx = request.context.clone();
        let mut picked = Vec::with_capacity(keys.len());
        let mut rest = n;
        for ((key, _), values) in keys.iter().zip(&choices) {
            let v = &values[rest % values.len()];
            rest /= values.len();
            match v {
                Some(v) => ctx.set(key, [v.as_str()]),
                None => ctx.set_absent(key),
            };
            picked.push((key.clone(), v.clone()));
        }
        let r = Request {
            context: &ctx,
            action: Cow::Borrowed(&request.action),
            ..request.clone()
        };
        let mut e = evaluate_once(&r, set);
        if e.is_allowed() && !e.conditional {
            e.chosen = picked;
            return Some(e);
        }
        all_denied &= !e.is_allowed();
        if first_denial.is_none() && !e.is_allowed() {
            first_denial = Some(e);
        }
    }
    // No request the attacker can send is allowed: decided, denied.
    if complete && all_denied {
        first_denial
    } else {
        None
    }
}

impl<'a> PolicySet<'a> {
    /// Every policy of the set.
    fn all_policies(&self) -> impl Iterator<Item = &'a Policy> + '_ {
        self.identity
            .iter()
            .chain(self.resource)
            .chain(self.boundary.as_ref())
            .chain(self.session)
            .chain(self.scp.iter().flatten())
            .chain(self.rcp.iter().flatten())
            .copied()
    }
}

fn evaluate_once<'a>(request: &Request<'_>, set: &PolicySet<'a>) -> Evaluation<'a> {
    let p = request.principal;
    let service = request
        .action
        .split_once(':')
        .map_or(&*request.action, |(s, _)| s);
    let mut ev = Evaluator {
        env: request.env(),
        service,
        principal: p,
        boundary_present: set.boundary.is_some(),
        hits: Vec::new(),
    };
    let scp_applies = !set.scp.is_empty() && p.is_account_identity() && !p.is_service_linked();
    let rcp_applies =
        !set.rcp.is_empty() && !p.is_service_linked() && rcp_applies_to(&request.action);
    let boundary: &[&'a Policy] = match &set.boundary {
        Some(b) if p.is_user_or_role() => std::slice::from_ref(b),
        _ => &[],
    };

    // 1. an explicit deny in any applicable policy wins
    let mut deny = ev.denies(set.identity, PolicyKind::Identity, false);
    deny = deny.or(ev.denies(set.resource, PolicyKind::Resource, true));
    deny = deny.or(ev.denies(boundary, PolicyKind::Boundary, false));
    deny = deny.or(ev.denies(set.session, PolicyKind::Session, false));
    if scp_applies {
        for level in set.scp {
            deny = deny.or(ev.denies(level, PolicyKind::Scp, false));
        }
    }
    if rcp_applies {
        for level in set.rcp {
            deny = deny.or(ev.denies(level, PolicyKind::Rcp, true));
        }
    }
    if deny.is_true() {
        let mut out = Evaluation::denied(DenyReason::ExplicitDeny);
        out.denied_by = ev
            .hits
            .iter()
            .filter(|h| h.group == Group::Deny && h.tri.is_true())
            .map(|h| h.r)
            .collect();
        return out;
    }

    // 2. what grants it: identity side, resource side
    let identity = match p.kind() {
        PrincipalKind::Root => Tri::True, // the root user has full access by default
        _ if p.is_account_identity() => {
            ev.allows(set.identity, PolicyKind::Identity, Group::Identity, false)
        }
        _ => Tri::False,
    };
    let bnd = if boundary.is_empty() {
        Tri::True
    } else {
        ev.allows(boundary, PolicyKind::Boundary, Group::Boundary, false)
    };
    let sess = if set.session.is_empty() {
        Tri::True
    } else {
        ev.allows(set.session, PolicyKind::Session, Group::Session, false)
    };
    let res = ev.resource_allows(set.resource);
    let identity_path = identity.and(bnd).and(sess);
    let same_account = match (request.resource_account, p.account()) {
        (Some(r), Some(a)) => r == a,
        _ => true,
    };

    // each way to be granted, with the groups it goes through (a fixed
    // array: no allocation on the common, denied path)
    const ID: &[Group] = &[Group::Identity, Group::Boundary, Group::Session];
    const VIA: &[Group] = &[Group::ResVia, Group::Boundary, Group::Session];
    const ACCOUNT: &[Group] = &[
        Group::ResAccount,
        Group::Identity,
        Group::Boundary,
        Group::Session,
    ];
    const CROSS: &[Group] = &[
        Group::Identity,
        Group::Boundary,
        Group::Session,
        Group::ResDirect,
        Group::ResVia,
        Group::ResAccount,
    ];
    let paths: [(Tri, &[Group]); 3] = if same_account {
        let third = if set.resource_policy_required {
            (res.account.and(identity_path), ACCOUNT)
        } else {
            (identity_path, ID)
        };
        [
            (res.direct, &[Group::ResDirect]),
            (res.via.and(bnd).and(sess), VIA),
            third,
        ]
    } else {
        let resource_side = res.direct.or(res.via).or(res.account);
        [
            (identity_path.and(resource_side), CROSS),
            (Tri::False, &[]),
            (Tri::False, &[]),
        ]
    };
    let grant = paths.iter().fold(Tri::False, |acc, (t, _)| acc.or(*t));
    if grant.is_false() {
        let resource_any = res.direct.or(res.via).or(res.account);
        let via_possible = !res.via.is_false();
        // When both sides must allow: name the first side that does not.
        let both_sides = || {
            if resource_any.is_false() {
                if identity.is_false() {
                    DenyReason::NoAllow
                } else {
                    DenyReason::ResourcePolicy
                }
            } else if identity.is_false() {
                DenyReason::IdentityPolicy
            } else if bnd.is_false() {
                DenyReason::PermissionsBoundary
            } else {
                DenyReason::SessionPolicy
            }
        };
        let reason = if !same_account {
            both_sides()
        } else if via_possible && bnd.is_false() {
            DenyReason::PermissionsBoundary
        } else if via_possible && sess.is_false() {
            DenyReason::SessionPolicy
        } else if set.resource_policy_required {
            both_sides()
        } else if identity.is_false() {
            DenyReason::NoAllow
        } else if bnd.is_false() {
            DenyReason::PermissionsBoundary
        } else {
            DenyReason::SessionPolicy
        };
        return Evaluation::denied(reason);
    }

    // 3. organization guardrails: every level must allow
    let mut allow = grant;
    let mut levels: Vec<(Group, Tri)> = Vec::new();
    if scp_applies {
        for (i, level) in set.scp.iter().enumerate() {
            let t = ev.allows(level, PolicyKind::Scp, Group::Scp(i), false);
            if t.is_false() {
                return Evaluation::denied(DenyReason::Scp { level: i });
            }
            levels.push((Group::Scp(i), t));
            allow = allow.and(t);
        }
    }
    if rcp_applies {
        for (i, level) in set.rcp.iter().enumerate() {
            let t = ev.allows(level, PolicyKind::Rcp, Group::Rcp(i), true);
            if t.is_false() {
                return Evaluation::denied(DenyReason::Rcp { level: i });
            }
            levels.push((Group::Rcp(i), t));
            allow = allow.and(t);
        }
    }

    // 4. provenance: the statements on the paths that decide
    let wanted = if grant.is_true() {
        Tri::True
    } else {
        Tri::Unknown
    };
    let mut relevant: Vec<Group> = Vec::new();
    for (t, groups) in &paths {
        if *t == wanted {
            relevant.extend_from_slice(groups);
        }
    }
    let group_tri = |g: Group| -> Tri {
        match g {
            Group::Identity => identity,
            Group::Boundary => bnd,
            Group::Session => sess,
            Group::ResDirect => res.direct,
            Group::ResVia => res.via,
            Group::ResAccount => res.account,
            Group::Scp(_) | Group::Rcp(_) => levels
                .iter()
                .find(|(lg, _)| *lg == g)
                .map_or(Tri::True, |(_, t)| *t),
            Group::Deny => deny,
        }
    };
    let mut out = Evaluation {
        decision: Decision::Allowed,
        conditional: !allow.is_true() || !deny.is_false(),
        allowed_by: Vec::new(),
        denied_by: Vec::new(),
        undecided: Vec::new(),
        deny_reason: None,
        undecided_keys: Vec::new(),
        chosen: Vec::new(),
    };
    for h in &ev.hits {
        let on_path =
            matches!(h.group, Group::Scp(_) | Group::Rcp(_)) || relevant.contains(&h.group);
        if h.group == Group::Deny {
            out.undecided.push(h.r);
        } else if on_path && h.tri.is_true() {
            out.allowed_by.push(h.r);
        } else if on_path && group_tri(h.group) == Tri::Unknown {
            out.undecided.push(h.r);
        }
    }
    dedup(&mut out.allowed_by);
    dedup(&mut out.undecided);
    out
}

fn dedup(refs: &mut Vec<StatementRef<'_>>) {
    let mut seen: Vec<(*const Statement, PolicyKind)> = Vec::with_capacity(refs.len());
    refs.retain(|r| {
        let key = (std::ptr::from_ref(r.statement), r.kind);
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
}
