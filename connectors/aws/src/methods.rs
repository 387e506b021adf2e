//! Escalation methods and preconditions of `docs/aws-escalation-methods.md`
//! that do not fit one (service, actions) row of
//! [`PASS_ROLE_METHODS`](crate::PASS_ROLE_METHODS).
//!
//! - **Instance-profile rows** ([`INSTANCE_PROFILE_METHODS`], family 4): the
//!   new compute runs on EC2 with the passed role's *instance profile* (EC2
//!   on demand or spot, Auto Scaling with a launch template or a launch
//!   configuration, Data Pipeline's resource role). The role must trust
//!   `ec2.amazonaws.com` and be in an instance profile
//!   (`RoleDetailList[].InstanceProfileList`), or the caller must be able to
//!   put it in a new one (`iam:CreateInstanceProfile` +
//!   `iam:AddRoleToInstanceProfile`, row 4.4, named in the mechanism). A
//!   role with neither gives no edge. The authorization details list only
//!   profiles that hold a role, so an existing *empty* profile the caller
//!   could fill is not seen. EC2 actions are evaluated with
//!   `ec2:InstanceProfile` set to the profile's ARN (unknown for a new
//!   profile). A subnet is assumed to exist (every region has a default VPC
//!   unless it was deleted): the EC2 inventory is not read yet.
//! - **Row caveats** ([`PASS_ROLE_CAVEATS`]): rows that stay conditional
//!   because what they need is not in the inputs (an existing ECS cluster,
//!   a bucket or queue when their inventory was not collected: see
//!   `sources`), unless the caller may
//!   make what is needed itself (`decided_by`). An instance-profile row's
//!   caveat may be lifted by the account's age
//!   (`caveat_unless_account_before`); its `note` is told, never a condition.
//! - **Ceilings** (family 1, twin NT-ceil): writing one's own policies gains
//!   no more than one's permissions boundary allows. An escalation whose
//!   writer has a boundary that does not allow everything is conditional,
//!   with the boundary named; rewriting the boundary itself gains what the
//!   identity policies allow without it.
//! - **Credential preconditions** (family 2): a user has at most two
//!   access keys, and `CreateLoginProfile` / `UpdateLoginProfile` each work
//!   in only one of the two states of the console password. The credential
//!   report (`password_enabled`, `access_key_N_last_rotated`) and
//!   `list-access-keys` (every key, active or not; preferred for the count)
//!   decide them: a user with two keys needs `iam:DeleteAccessKey` too (in
//!   the mechanism), else no edge; `CreateLoginProfile` on a user with a
//!   password needs `iam:DeleteLoginProfile` first, else no edge;
//!   `UpdateLoginProfile` on a user without one gives no edge. For a user
//!   neither covers, the edge is conditional unless the caller holds the
//!   complementary action too (`iam:DeleteAccessKey`; the other
//!   login-profile action).

use std::collections::BTreeSet;

use blastgraph_model::json::{Obj, type_name};
use blastgraph_model::{Edge, EdgeKind, EstateBuilder};
use blastgraph_policy::{
    Context, Decision, Evaluation, Policy, PolicySet, Principal, Request, RequestTime, Statement,
    Version, evaluate,
};
use serde_json::{Value, json};

use crate::inventory::UserCredentials;
use crate::tables::*;
use crate::{
    Caller, Facts, IdKind, Ident, Reader, allowing, emit_per_caller, identity_statement,
    undecided_text, with_conditions,
};

/// Applies a row's caveat to the decision on its service actions:
/// `(firm, conditions)`. A caveat the caller can lift itself (all of its
/// `decided_by` actions allowed) adds those actions' own conditions instead.
pub(crate) fn pass_role_caveat(
    principal: &Principal,
    policies: (&[&Policy], Option<&Policy>, &[Vec<&Policy>]),
    id: &str,
    (firm, mut conditions): (bool, Vec<String>),
) -> (bool, Vec<String>) {
    let Some(c) = PASS_ROLE_CAVEATS.iter().find(|c| c.id == id) else {
        return (firm, conditions);
    };
    if !c.decided_by.is_empty()
        && let Some((lifted_firm, more)) =
            new_resource_actions(principal, policies, c.decided_by, Context::empty())
    {
        conditions.extend(more);
        return (firm && lifted_firm, conditions);
    }
    conditions.push(c.reason.to_string());
    (false, conditions)
}

/// A decision on part of a method: firm, or allowed under these conditions.
#[derive(Debug, Clone, Default)]
pub(crate) struct Verdict {
    pub(crate) firm: bool,
    pub(crate) conditions: Vec<String>,
}

impl Verdict {
    pub(crate) fn firm() -> Self {
        Verdict {
            firm: true,
            conditions: Vec::new(),
        }
    }

    pub(crate) fn of(e: &Evaluation<'_>) -> Self {
        Verdict {
            firm: !e.conditional,
            conditions: undecided_text(e).into_iter().collect(),
        }
    }

    pub(crate) fn and(mut self, other: &Verdict) -> Self {
        self.firm &= other.firm;
        self.conditions.extend(other.conditions.iter().cloned());
        self
    }

    pub(crate) fn because(mut self, reason: &str) -> Self {
        self.firm = false;
        self.conditions.push(reason.to_string());
        self
    }
}

/// The first firm option, else the first conditional one.
fn prefer_firm<T>(options: impl IntoIterator<Item = (Verdict, T)>) -> Option<(Verdict, T)> {
    let mut best = None;
    for (v, t) in options {
        if v.firm {
            return Some((v, t));
        }
        if best.is_none() {
            best = Some((v, t));
        }
    }
    best
}

/// Service actions on resources the caller creates and names: allowed on
/// `*` decides; allowed only on some resource names (and not denied on `*`)
/// is conditional, since the attacker picks the name. `None` when one is
/// denied, never allowed, or allowed only under a condition that is false.
/// Returns (firm, conditions).
pub(crate) fn new_resource_actions(
    principal: &Principal,
    (identity, boundary, scp): (&[&Policy], Option<&Policy>, &[Vec<&Policy>]),
    actions: &[&str],
    ctx: &Context,
) -> Option<(bool, Vec<String>)> {
    let set = PolicySet {
        identity,
        boundary,
        scp,
        ..PolicySet::default()
    };
    let mut v = Verdict::firm();
    for a in actions {
        let e = evaluate(&Request::new(principal, a, "*").with_context(ctx), &set);
        if e.is_allowed() {
            v = v.and(&Verdict::of(&e));
            continue;
        }
        if e.decision == Decision::ExplicitDeny {
            return None;
        }
        // A name the attacker can pick: an allowing statement's resource
        // pattern with its wildcards filled in, in the caller's own account.
        // Allowed there by the full evaluation decides it.
        let picked = allowing(identity, a)
            .flat_map(|s| s.resource_instances())
            .filter(|arn| arn.starts_with("arn:"))
            .filter(|arn| {
                arn.split(':')
                    .nth(4)
                    .is_none_or(|acct| acct.is_empty() || Some(acct) == principal.account())
            })
            .find_map(|arn| {
                let e = evaluate(&Request::new(principal, a, &arn).with_context(ctx), &set);
                (e.is_allowed() && !e.conditional).then_some(())
            });
        if picked.is_some() {
            continue;
        }
        // Granted on some names only: some statement of each side must
        // grant the action under conditions that are not false.
        let side = named_grant(principal, identity, a, ctx)?;
        v = v
            .because(&format!(
                "{a} is granted on some resource names only; the attacker names the new resource"
            ))
            .and(&side);
        if let Some(b) = boundary {
            v = v.and(&named_grant(principal, &[b], a, ctx)?);
        }
    }
    Some((v.firm, v.conditions))
}

/// Whether some `Allow` statement of `policies` grants `action` on some
/// resource, with its conditions not decided false: each statement is
/// re-evaluated on `*` with its own condition only. The conditions it
/// depends on, or `None`.
fn named_grant(
    principal: &Principal,
    policies: &[&Policy],
    action: &str,
    ctx: &Context,
) -> Option<Verdict> {
    let options = policies.iter().flat_map(|p| {
        p.statements_allowing(action).map(move |s| {
            let version = match p.version() {
                Version::V2012_10_17 => "2012-10-17",
                Version::V2008_10_17 => "2008-10-17",
            };
            let mut stmt = json!({"Effect": "Allow", "Action": action, "Resource": "*"});
            if let Some(c) = s.condition_text() {
                match serde_json::from_str::<Value>(c) {
                    Ok(v) => stmt["Condition"] = v,
                    // Cannot happen (the text is the parsed JSON); undecided if it does.
                    Err(_) => return Some((Verdict::firm().because(c), ())),
                }
            }
            let doc = json!({"Version": version, "Statement": [stmt]});
            let Ok(parsed) = Policy::from_value(p.name(), &doc) else {
                return Some((
                    Verdict::firm().because(s.condition_text().unwrap_or("")),
                    (),
                ));
            };
            let one = [&parsed.policy];
            let set = PolicySet {
                identity: &one,
                ..PolicySet::default()
            };
            let e = evaluate(
                &Request::new(principal, action, "*").with_context(ctx),
                &set,
            );
            e.is_allowed().then(|| (Verdict::of(&e), ()))
        })
    });
    prefer_firm(options.flatten()).map(|(v, ())| v)
}

fn new_actions(caller: &Caller<'_>, actions: &[&str], ctx: &Context) -> Option<Verdict> {
    new_resource_actions(
        caller.principal,
        (&caller.identity, caller.boundary, &caller.scp),
        actions,
        ctx,
    )
    .map(|(firm, conditions)| Verdict { firm, conditions })
}

/// Whether a role's trust policy lets `service` assume it.
pub(crate) fn trusts(reader: &Facts, role: &Ident, service: &str) -> bool {
    let Some(trust) = role.trust.and_then(|t| reader.docs.get(t)) else {
        return false;
    };
    // Only a statement that may name the service can let it in.
    if !trust
        .policy
        .statements_allowing("sts:AssumeRole")
        .any(|s| s.may_name_service(service))
    {
        return false;
    }
    let resource = [&trust.policy];
    let set = PolicySet {
        resource: &resource,
        resource_policy_required: true,
        ..PolicySet::default()
    };
    let p = Principal::service(service);
    evaluate(&Request::new(&p, "sts:AssumeRole", &role.arn), &set).is_allowed()
}

pub(crate) fn is_service_linked(ident: &Ident) -> bool {
    ident.arn.contains(":role/aws-service-role/")
}

/// An action of no real service: only a wildcard grants it.
pub(crate) const PROBE_ACTION: &str = "blastgraph-probe:AnyAction";

/// Probe requests a policy must allow, firmly and on every resource, to
/// count as allowing everything: an action of no real service (only `*`
/// grants it) and the IAM and STS actions that any escalation needs.
const EVERYTHING: [&str; 4] = [
    PROBE_ACTION,
    "iam:PutRolePolicy",
    "iam:CreateUser",
    "sts:AssumeRole",
];

pub(crate) fn allows_everything(
    principal: &Principal,
    identity: &[&Policy],
    boundary: Option<&Policy>,
) -> bool {
    let set = PolicySet {
        identity,
        boundary,
        ..PolicySet::default()
    };
    EVERYTHING.iter().all(|a| {
        let e = evaluate(&Request::new(principal, a, "*"), &set);
        e.is_allowed() && !e.conditional
    })
}

/// NT-ceil: the reason a write bounded by `boundary` does not reach the
/// account admin, or `None` when the boundary allows everything.
pub(crate) fn boundary_caveat(
    principal: &Principal,
    boundary: &Policy,
    name: &str,
) -> Option<String> {
    (!allows_everything(principal, &[boundary], None)).then(|| {
        format!(
            "bounded by permissions boundary {name}: the policies it writes take effect only within it"
        )
    })
}

impl Reader {
    /// Reads `RoleDetailList[].InstanceProfileList[].Arn` for the roles
    /// already read. A malformed entry is a warning: the role is kept,
    /// without that profile.
    pub(crate) fn read_instance_profiles(&mut self, top: &Obj<'_>, out: &mut EstateBuilder) {
        let Some(Value::Array(roles)) = top.map.get("RoleDetailList") else {
            return;
        };
        for (i, role) in roles.iter().enumerate() {
            let Some(arn) = role.get("Arn").and_then(Value::as_str) else {
                continue;
            };
            if !self.facts.ident_by_arn.contains_key(arn) {
                continue;
            }
            let at = format!("{}[{i}].InstanceProfileList", top.at("RoleDetailList"));
            let profiles = match role.get("InstanceProfileList") {
                None | Some(Value::Null) => continue,
                Some(Value::Array(items)) => items,
                Some(other) => {
                    out.warning(
                        at,
                        format!(
                            "expected an array of instance profiles, found {}; ignored",
                            type_name(other)
                        ),
                    );
                    continue;
                }
            };
            for (j, p) in profiles.iter().enumerate() {
                match p.get("Arn").and_then(Value::as_str) {
                    Some(parn) if parn.contains(":instance-profile/") => {
                        let list = self.facts.instance_profiles.entry(arn.to_string()).or_default();
                        if !list.iter().any(|x| x == parn) {
                            list.push(parn.to_string());
                        }
                    }
                    _ => out.warning(
                        format!("{at}[{j}]"),
                        "expected an instance profile with an `Arn` (arn:aws:iam::ACCOUNT:instance-profile/...); ignored",
                    ),
                }
            }
        }
    }
}

impl Facts {
    /// Family 4 through instance profiles ([`INSTANCE_PROFILE_METHODS`]):
    /// one `can_act_as` edge per (caller, role), the first firm row or else
    /// the first conditional one. Identities that already escalate to the
    /// account admin are skipped, as in `emit_pass_role`.
    pub(crate) fn emit_instance_profile_roles(
        &self,
        out: &mut EstateBuilder,
        escalated: &BTreeSet<usize>,
    ) {
        let targets: Vec<usize> = self
            .idents
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.kind == IdKind::Role
                    && self.is_local(&r.account)
                    && !is_service_linked(r)
                    && trusts(self, r, EC2)
            })
            .map(|(i, _)| i)
            .collect();
        if targets.is_empty() {
            return;
        }
        // Roles each service role may be (Data Pipeline's pipeline role).
        let mut service_roles: Vec<(&str, Vec<usize>)> = Vec::new();
        for svc in INSTANCE_PROFILE_METHODS
            .iter()
            .filter_map(|m| m.service_role)
        {
            if service_roles.iter().any(|(s, _)| *s == svc) {
                continue;
            }
            let roles = self
                .idents
                .iter()
                .enumerate()
                .filter(|(_, r)| {
                    r.kind == IdKind::Role && !is_service_linked(r) && trusts(self, r, svc)
                })
                .map(|(i, _)| i)
                .collect();
            service_roles.push((svc, roles));
        }
        let callers: Vec<Caller<'_>> = self
            .callers()
            .filter(|c| !escalated.contains(&c.ix))
            .collect();
        // Callers decided in parallel, edges added in caller order.
        emit_per_caller(&callers, out, |caller| {
            let mut edges: Vec<Edge> = Vec::new();
            let passes: Vec<&Statement> = allowing(&caller.identity, PASS).collect();
            if passes.is_empty() {
                return edges;
            }
            let set = PolicySet {
                identity: &caller.identity,
                boundary: caller.boundary,
                scp: &caller.scp,
                ..PolicySet::default()
            };
            let new_profile = new_actions(caller, &NEW_PROFILE, Context::empty());
            // (how firm, whether the caller must create it)
            let slr =
                self.service_linked_role(caller, &set, AUTOSCALING, "AWSServiceRoleForAutoScaling");
            for &t in &targets {
                let Some(role) = self.idents.get(t) else {
                    continue;
                };
                if t == caller.ix
                    || role.account != caller.ident.account
                    || !passes.iter().any(|s| s.may_match_resource(&role.arn))
                {
                    continue;
                }
                let ctx = MethodCtx {
                    caller,
                    set: &set,
                    new_profile: new_profile.as_ref(),
                    slr: slr.as_ref(),
                    service_roles: &service_roles,
                };
                let best = prefer_firm(
                    INSTANCE_PROFILE_METHODS
                        .iter()
                        .filter_map(|m| self.instance_profile_method(m, role, &ctx)),
                );
                if let Some((_, ed)) = best {
                    edges.push(ed);
                }
            }
            edges
        });
    }

    /// One row for one (caller, role): the edge and how firm it is, or
    /// `None` when the row does not apply.
    fn instance_profile_method(
        &self,
        m: &InstanceProfileMethod,
        role: &Ident,
        ctx: &MethodCtx<'_, '_>,
    ) -> Option<(Verdict, Edge)> {
        let caller = ctx.caller;
        // PassRole on the role, under each possible PassedToService value.
        let passes: Vec<(&str, Evaluation<'_>)> = m
            .passed_to
            .iter()
            .map(|svc| {
                let c = Context::new().with("iam:PassedToService", [*svc]);
                let e = evaluate(
                    &Request::new(caller.principal, PASS, &role.arn).with_context(&c),
                    ctx.set,
                );
                (*svc, e)
            })
            .collect();
        let (allowed, refused): (Vec<_>, Vec<_>) = passes.iter().partition(|(_, e)| e.is_allowed());
        let (_, pass) = allowed.first()?;
        let mut verdict = Verdict::firm();
        if !refused.is_empty() {
            let names = |v: &[&(&str, Evaluation<'_>)]| {
                v.iter().map(|(s, _)| *s).collect::<Vec<_>>().join(", ")
            };
            verdict = verdict.because(&format!(
                "iam:PassedToService value uncertain: iam:PassRole allowed for {}, not for {}",
                names(&allowed),
                names(&refused)
            ));
        }
        for (_, e) in allowed.iter().skip(1) {
            verdict = verdict.and(&Verdict::of(e));
        }
        let mut extra: Vec<&str> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        // The service role (Data Pipeline's pipeline role).
        if let Some(svc) = m.service_role {
            let candidates = ctx
                .service_roles
                .iter()
                .find(|(s, _)| *s == svc)
                .map(|(_, rs)| rs.as_slice())
                .unwrap_or_default();
            let c = Context::new().with("iam:PassedToService", [svc]);
            let (v, r) = prefer_firm(candidates.iter().filter_map(|&r| {
                let sr = self.idents.get(r)?;
                if sr.account != caller.ident.account {
                    return None;
                }
                let e = evaluate(
                    &Request::new(caller.principal, PASS, &sr.arn).with_context(&c),
                    ctx.set,
                );
                e.is_allowed().then(|| (Verdict::of(&e), sr))
            }))?;
            verdict = verdict.and(&v);
            notes.push(format!("service role {} passed to {svc}", r.label));
        }
        if m.autoscaling_slr {
            let (slr, create) = ctx.slr?;
            verdict = verdict.and(slr);
            if *create {
                extra.push("iam:CreateServiceLinkedRole");
                notes.push("the Auto Scaling service-linked role it creates".into());
            }
        }
        // The instance profile: one of the role's, or a new one.
        let profiles = self
            .instance_profiles
            .get(&role.arn)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let existing = profiles.iter().filter_map(|p| {
            let c = Context::new().with("ec2:InstanceProfile", [p.as_str()]);
            new_actions(caller, m.actions, &c).map(|v| (v, Some(p.as_str())))
        });
        let created = ctx.new_profile.and_then(|np| {
            new_actions(caller, m.actions, Context::empty()).map(|v| (v.and(np), None))
        });
        let (v, profile) = prefer_firm(existing.chain(created))?;
        verdict = verdict.and(&v);
        match profile {
            Some(p) => notes.insert(0, format!("instance profile {p}")),
            None => {
                extra.extend(NEW_PROFILE);
                notes.insert(
                    0,
                    format!(
                        "a new instance profile ({NEW_PROFILE_ID}: {})",
                        NEW_PROFILE.join(" + ")
                    ),
                );
            }
        }
        if m.id == IMAGEBUILDER_ROW {
            // Decided by the inputs: the service-linked role, and the SSM
            // agent's permissions in the role's own policies.
            let (v, creates_slr) = self.imagebuilder_ready(ctx, role)?;
            verdict = verdict.and(&v);
            if creates_slr {
                extra.push("iam:CreateServiceLinkedRole");
                notes.push("the Image Builder service-linked role it creates".into());
            }
        } else if let Some(reason) = m.caveat {
            let older = m
                .caveat_unless_account_before
                .and_then(RequestTime::parse_millis)
                .is_some_and(|cutoff| {
                    self.account_oldest
                        .get(&caller.ident.account)
                        .is_some_and(|&t| t < cutoff)
                });
            if !older {
                verdict = verdict.because(reason);
            }
        }
        if let Some(note) = m.note {
            notes.push(note.to_string());
        }
        let actions: Vec<&str> = m.actions.iter().copied().chain(extra).collect();
        let reason = format!(
            "{} can act as {}: passes it to {} through {} ({}: iam:PassRole + {})",
            caller.ident.label,
            role.label,
            m.passed_to.first().copied().unwrap_or(EC2),
            notes.join(", "),
            m.id,
            actions.join(" + ")
        );
        let mut ed = self.decided_edge(
            caller.ident,
            role.arn.clone(),
            EdgeKind::CanActAs,
            (reason, "; PassRole allowed by ", identity_statement(pass)),
            format!("{PASS}+{}", actions.join("+")),
            pass,
        );
        if !verdict.firm {
            ed = with_conditions(ed, verdict.conditions.clone());
        }
        let verdict = verdict.and(&Verdict::of(pass));
        Some((verdict, ed))
    }

    /// NT-ceil: what writing `written` (a policy of `ident`, or `ident`
    /// itself) gains is bounded by `ident`'s permissions boundary. `None`
    /// when the write reaches the account admin; otherwise the reason the
    /// edge is conditional.
    pub(crate) fn ceiling_caveat(
        &self,
        ident: &Ident,
        principal: &Principal,
        identity: &[&Policy],
        written: &str,
    ) -> Option<String> {
        let boundary_ix = ident.boundary?;
        let doc = self.docs.get(boundary_ix)?;
        let name = doc.arn.as_deref().unwrap_or(doc.policy.name());
        if doc.arn.as_deref() != Some(written) {
            return boundary_caveat(principal, &doc.policy, name);
        }
        // Rewriting the boundary lifts the ceiling; the identity policies
        // stay as they are, unless the same policy is also one of them.
        let also_identity = self.identity_policies(ident).contains(&boundary_ix);
        (!also_identity && !allows_everything(principal, identity, None)).then(|| {
            format!(
                "rewrites its permissions boundary {name}: it then holds what its identity policies allow, which is not everything"
            )
        })
    }

    /// Family-2 preconditions on the target user's credentials (rows
    /// 2.1–2.4): `None` when the write cannot give the user's identity,
    /// otherwise how it does. What the credential report and
    /// `list-access-keys` say decides it; without them the edge is
    /// conditional unless the caller can do it in every state of the user.
    pub(crate) fn takeover(
        &self,
        principal: &Principal,
        set: &PolicySet<'_>,
        action: &str,
        target: &str,
    ) -> Option<Takeover> {
        let known = self.inv.user_credentials(target);
        let allowed = |a: &str| {
            let e = evaluate(&Request::new(principal, a, target), set);
            e.is_allowed().then(|| undecided_text(&e))
        };
        // `also` first makes room: allowed (maybe conditionally) or no edge.
        let first = |also: &'static str, note: String| {
            allowed(also).map(|condition| Takeover {
                also: Some(also),
                note: Some(note),
                condition,
            })
        };
        let unknown = |complement: &str, reason: &str| {
            let firm = allowed(complement).is_some_and(|c| c.is_none());
            Some(Takeover {
                condition: (!firm).then(|| reason.to_string()),
                ..Takeover::default()
            })
        };
        match (action, known) {
            ("iam:CreateAccessKey", UserCredentials { keys: Some(n), .. }) if n < 2 => {
                Some(Takeover::default())
            }
            ("iam:CreateAccessKey", UserCredentials { keys: Some(n), .. }) => first(
                "iam:DeleteAccessKey",
                format!("the user has {n} access keys, the most it may have: one is deleted first"),
            ),
            ("iam:CreateAccessKey", _) => unknown(
                "iam:DeleteAccessKey",
                "fails if the user already has two access keys (and iam:DeleteAccessKey is not allowed); neither the credential report nor list-access-keys covers the user",
            ),
            (
                "iam:CreateLoginProfile",
                UserCredentials {
                    password: Some(false),
                    ..
                },
            )
            | (
                "iam:UpdateLoginProfile",
                UserCredentials {
                    password: Some(true),
                    ..
                },
            ) => Some(Takeover::default()),
            (
                "iam:CreateLoginProfile",
                UserCredentials {
                    password: Some(true),
                    ..
                },
            ) => first(
                "iam:DeleteLoginProfile",
                "the user already has a console password: it is deleted first".to_string(),
            ),
            (
                "iam:UpdateLoginProfile",
                UserCredentials {
                    password: Some(false),
                    ..
                },
            ) => None,
            ("iam:CreateLoginProfile", _) => unknown(
                "iam:UpdateLoginProfile",
                "fails if the user already has a console password (and iam:UpdateLoginProfile is not allowed); the credential report does not cover the user",
            ),
            ("iam:UpdateLoginProfile", _) => unknown(
                "iam:CreateLoginProfile",
                "fails if the user has no console password (and iam:CreateLoginProfile is not allowed); the credential report does not cover the user",
            ),
            _ => Some(Takeover::default()),
        }
    }
}

/// How a write on another user gives its identity ([`Reader::takeover`]).
#[derive(Debug, Default)]
pub(crate) struct Takeover {
    /// A second action needed first (`iam:DeleteAccessKey` when the user
    /// has two keys), appended to the mechanism.
    pub also: Option<&'static str>,
    /// Why it is needed, for the reason.
    pub note: Option<String>,
    /// Why the edge is conditional, when it is.
    pub condition: Option<String>,
}

/// What every row of one (caller, role) pair shares.
/// Row 4.54 (pathfinding.cloud `imagebuilder-001`).
const IMAGEBUILDER_ROW: &str = "imagebuilder-create-image";
const IMAGEBUILDER: &str = "imagebuilder.amazonaws.com";
/// What the build instance's Systems Manager agent needs to register and
/// take the component's commands (the core of `AmazonSSMManagedInstanceCore`).
const SSM_AGENT: [&str; 3] = [
    "ssm:UpdateInstanceInformation",
    "ec2messages:GetMessages",
    "ssmmessages:CreateControlChannel",
];

impl Facts {
    /// Whether `account` has the service-linked role of `service` (its
    /// role path `/aws-service-role/SERVICE/`).
    pub(crate) fn has_service_linked_role(&self, account: &str, service: &str) -> bool {
        let index = self.service_linked.get_or_init(|| {
            self.idents
                .iter()
                .filter_map(|r| {
                    let rest = r.arn.split_once(":role/aws-service-role/")?.1;
                    let svc = rest.split('/').next()?;
                    Some((r.account.clone(), svc.to_string()))
                })
                .collect()
        });
        index.contains(&(account.to_string(), service.to_string()))
    }

    /// A service's service-linked role for the caller's account: it exists
    /// (firm), or the caller may create it (`iam:CreateServiceLinkedRole`
    /// with `iam:AWSServiceName`, then `true`: it must); `None` when neither.
    fn service_linked_role(
        &self,
        caller: &Caller<'_>,
        set: &PolicySet<'_>,
        service: &str,
        name: &str,
    ) -> Option<(Verdict, bool)> {
        if self.has_service_linked_role(&caller.ident.account, service) {
            return Some((Verdict::firm(), false));
        }
        let arn = format!(
            "arn:aws:iam::{}:role/aws-service-role/{service}/{name}",
            caller.ident.account
        );
        let ctx = Context::new().with("iam:AWSServiceName", [service]);
        let e = evaluate(
            &Request::new(caller.principal, "iam:CreateServiceLinkedRole", &arn).with_context(&ctx),
            set,
        );
        e.is_allowed().then(|| (Verdict::of(&e), true))
    }

    /// Image Builder runs the attacker's component only when its
    /// service-linked role exists (or the caller creates it) and the build
    /// instance's role lets the SSM agent register: both in the inputs.
    /// `None` when either is missing (no edge); else how firm, and whether
    /// the caller creates the service-linked role.
    fn imagebuilder_ready(&self, ctx: &MethodCtx<'_, '_>, role: &Ident) -> Option<(Verdict, bool)> {
        let caller = ctx.caller;
        let (mut v, creates) = self.service_linked_role(
            caller,
            ctx.set,
            IMAGEBUILDER,
            "AWSServiceRoleForImageBuilder",
        )?;
        let principal = role.principal.as_ref()?;
        let ids = self.identity_policies(role);
        let identity = self.refs(&ids);
        let boundary = role
            .boundary
            .and_then(|b| self.docs.get(b))
            .map(|d| &d.policy);
        let set = PolicySet {
            identity: &identity,
            boundary,
            ..PolicySet::default()
        };
        for a in SSM_AGENT {
            let e = evaluate(&Request::new(principal, a, "*"), &set);
            if !e.is_allowed() {
                return None;
            }
            v = v.and(&Verdict::of(&e));
        }
        Some((v, creates))
    }
}

struct MethodCtx<'c, 'r> {
    caller: &'c Caller<'r>,
    set: &'c PolicySet<'c>,
    new_profile: Option<&'c Verdict>,
    slr: Option<&'c (Verdict, bool)>,
    service_roles: &'c [(&'static str, Vec<usize>)],
}
