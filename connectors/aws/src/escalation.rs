//! Rules of family 1: a principal that writes its own permissions
//! (`iam:Put*Policy`, `Attach*Policy`, policy versions) escalates to its
//! account's admin scope.

use super::*;

impl Facts {
    /// Emits `can_escalate` edges; returns the identities that escalate
    /// unconditionally (the other emitters skip them).
    pub(crate) fn emit_escalation(&self, out: &mut EstateBuilder) -> BTreeSet<usize> {
        let callers: Vec<Caller<'_>> = self.callers().collect();
        let decide = |caller: &Caller<'_>| -> (Vec<Edge>, bool) {
            let mut edges: Vec<Edge> = Vec::new();
            let mut esc = false;
            let (ident, principal, boundary) = (caller.ident, caller.principal, caller.boundary);
            let (ids, identity) = (&caller.ids, &caller.identity);
            // (action, resource, what the resource is, the condition keys
            // IAM puts on that request).
            let boundary_key = |target: Option<&Ident>| {
                match target
                    .and_then(|t| t.boundary)
                    .and_then(|b| self.docs.get(b))
                    .and_then(|d| d.arn.as_deref())
                {
                    Some(b) => Context::new().with(BOUNDARY_KEY, [b]),
                    // Groups have no boundary; the key is not on their requests.
                    None => Context::new().with_absent(BOUNDARY_KEY),
                }
            };
            let mut checks: Vec<(&str, String, String, Context)> = Vec::new();
            match ident.kind {
                IdKind::Role => {
                    for a in ["iam:PutRolePolicy", "iam:AttachRolePolicy"] {
                        checks.push((
                            a,
                            ident.arn.clone(),
                            "itself".into(),
                            boundary_key(Some(ident)),
                        ));
                    }
                }
                IdKind::User => {
                    for a in ["iam:PutUserPolicy", "iam:AttachUserPolicy"] {
                        checks.push((
                            a,
                            ident.arn.clone(),
                            "itself".into(),
                            boundary_key(Some(ident)),
                        ));
                    }
                    for &g in &ident.groups {
                        if let Some(group) = self.idents.get(g) {
                            for a in ["iam:PutGroupPolicy", "iam:AttachGroupPolicy"] {
                                checks.push((
                                    a,
                                    group.arn.clone(),
                                    format!("its {}", group.label),
                                    boundary_key(None),
                                ));
                            }
                        }
                    }
                }
                // A member writes its group's policies: every member,
                // the attacker among them, gains.
                IdKind::Group => {
                    for a in ["iam:PutGroupPolicy", "iam:AttachGroupPolicy"] {
                        checks.push((a, ident.arn.clone(), "its group".into(), boundary_key(None)));
                    }
                }
            }
            for &p in ids.iter().chain(ident.boundary.iter()) {
                // AWS-managed policies (account `aws`) cannot be changed.
                let customer = self
                    .docs
                    .get(p)
                    .and_then(|d| d.arn.as_ref())
                    .filter(|arn| !arn.contains(":iam::aws:policy/"));
                if let Some(arn) = customer {
                    checks.push((
                        "iam:CreatePolicyVersion",
                        arn.clone(),
                        format!("its policy {arn}"),
                        Context::new()
                            .with_absent(BOUNDARY_KEY)
                            .with_absent(POLICY_ARN_KEY),
                    ));
                }
            }
            let set = PolicySet {
                scp: &self.org_levels(&ident.account, PolicyKind::Scp),
                identity,
                boundary,
                ..PolicySet::default()
            };
            // The first firm edge, else the first conditional one: a
            // conditional grant must not hide a firm one (`--strict` would
            // lose the path).
            let mut fallback = None;
            // A firm escalation within a boundary (to a bounded identity).
            let mut within: Option<Edge> = None;
            for (action, resource, what, ctx) in &checks {
                let Some(EscalationWrite {
                    eval: e,
                    mut mechanism,
                    note,
                    conditions,
                }) = self.escalation_write(ident, principal, &set, (action, resource, ctx))
                else {
                    continue;
                };
                let stmt = identity_statement(&e);
                let wild = stmt.and_then(|s| {
                    s.statement
                        .action_patterns()
                        .find(|p| *p == "*" || *p == "iam:*")
                });
                if let Some(wild) = wild.filter(|_| mechanism == *action) {
                    mechanism = wild.to_string();
                }
                let reason = format!(
                    "{} can escalate to account admin: {action} on {what}{note}",
                    ident.label
                );
                let mut ed = self.decided_edge(
                    ident,
                    account_admin_id(&ident.account),
                    EdgeKind::CanEscalate,
                    (reason, " allowed by ", stmt),
                    mechanism,
                    &e,
                );
                if !conditions.is_empty() {
                    ed = with_conditions(ed, conditions);
                }
                if let Some(c) = self.ceiling_caveat(ident, principal, identity, resource) {
                    // Capped by its boundary: it becomes its bounded
                    // identity (when the boundary is one the inputs hold).
                    match self.rewritten_under(ident, resource) {
                        Some(b) if b.arn != ident.arn => {
                            let ed = self.to_bounded(ed, b);
                            if !ed.conditional {
                                within.get_or_insert(ed);
                            }
                            continue;
                        }
                        Some(_) => continue,
                        None => ed = with_conditions(ed, [c]),
                    }
                }
                if ed.conditional {
                    fallback.get_or_insert(ed);
                    continue;
                }
                edges.push(ed);
                esc = true;
                break;
            }
            // The other ways, in order; the first firm one ends the search.
            for way in 0..5 {
                if esc {
                    break;
                }
                let found = match way {
                    0 => self.set_default_version(ident, principal, ids, &set),
                    1 => self.boundary_removal(caller, &set),
                    2 => self.deny_removal(caller, &set),
                    3 => self.new_admin_identity(caller),
                    // Pass 2: through another identity it writes and obtains.
                    _ => self.escalation_through(caller, &set),
                };
                let admin = account_admin_id(&ident.account);
                match found {
                    Some(ed) if ed.to == ident.arn => {}
                    Some(ed) if ed.to != admin && !ed.conditional => {
                        within.get_or_insert(ed);
                    }
                    Some(ed) if ed.to != admin => {}
                    Some(ed) if !ed.conditional => {
                        edges.push(ed);
                        esc = true;
                    }
                    Some(ed) => {
                        fallback.get_or_insert(ed);
                    }
                    None => {}
                }
            }
            if !esc {
                let firm_within = within.is_some();
                if let Some(ed) = within {
                    edges.push(ed);
                }
                // A conditional edge to the admin still counts unless it is
                // only the cap the firm edge above decided.
                if let Some(ed) = fallback.filter(|f| {
                    !(firm_within
                        && f.condition
                            .as_deref()
                            .is_some_and(|c| c.starts_with("bounded by permissions boundary")))
                }) {
                    edges.push(ed);
                }
            }
            (edges, esc)
        };
        // Callers decided in parallel, a chunk at a time; edges added in
        // caller order.
        let mut escalated = BTreeSet::new();
        for chunk in callers.chunks(1024) {
            let decided: Vec<(Vec<Edge>, bool)> = chunk.par_iter().map(decide).collect();
            for (caller, (edges, esc)) in chunk.iter().zip(decided) {
                for ed in edges {
                    out.add_edge(ed);
                }
                if esc {
                    escalated.insert(caller.ix);
                }
            }
        }
        escalated
    }

    /// Decides one family-1 write with the condition keys IAM puts on it.
    /// `Attach*Policy` carries `iam:PolicyARN`, the policy the attacker
    /// picks: AWS `AdministratorAccess` first, then each customer-managed
    /// policy of the account that grants everything; a grant limited to
    /// other policies gives no edge. `iam:CreatePolicyVersion` on a policy
    /// that already has five versions needs `iam:DeletePolicyVersion` too.
    pub(crate) fn escalation_write<'a>(
        &self,
        ident: &Ident,
        principal: &Principal,
        set: &PolicySet<'a>,
        (action, resource, ctx): (&str, &str, &Context),
    ) -> Option<EscalationWrite<'a>> {
        let write = |ctx: &Context| {
            evaluate(
                &Request::new(principal, action, resource).with_context(ctx),
                set,
            )
        };
        // With the policy ARN unknown: if that is denied, no policy helps.
        let e = write(ctx);
        if !e.is_allowed() {
            return None;
        }
        let plain = |eval, note: String| EscalationWrite {
            eval,
            mechanism: action.to_string(),
            note,
            conditions: Vec::new(),
        };
        if action.starts_with("iam:Attach") {
            let partition = ident.arn.split(':').nth(1).unwrap_or("aws");
            let admin = format!("arn:{partition}:iam::aws:policy/AdministratorAccess");
            let mut fallback = None;
            // The account's own admin-equivalent policies only when needed.
            let customer = std::iter::once_with(|| {
                self.admin_equivalent_policies(principal, partition, &ident.account)
            });
            let candidates = std::iter::once(admin).chain(customer.flatten());
            for policy in candidates {
                let e = write(&ctx.clone().with(POLICY_ARN_KEY, [policy.as_str()]));
                if !e.is_allowed() {
                    continue;
                }
                let note = format!(" (attaching {policy}, which allows everything)");
                if !e.conditional {
                    return Some(plain(e, note));
                }
                fallback.get_or_insert((e, note));
            }
            return fallback.map(|(e, note)| plain(e, note));
        }
        if action == "iam:CreatePolicyVersion"
            && self.policy_versions.get(resource).copied().unwrap_or(0) >= MAX_POLICY_VERSIONS
        {
            const DELETE: &str = "iam:DeletePolicyVersion";
            let d = evaluate(&Request::new(principal, DELETE, resource), set);
            if !d.is_allowed() {
                return None;
            }
            return Some(EscalationWrite {
                eval: e,
                mechanism: format!("{DELETE}+{action}"),
                note: format!(
                    " (it has five versions, the most IAM keeps, so {DELETE} on it comes first)"
                ),
                conditions: if d.conditional {
                    undecided_text(&d).into_iter().collect()
                } else {
                    Vec::new()
                },
            });
        }
        Some(plain(e, String::new()))
    }

    /// The customer-managed policies of `account` that allow everything
    /// (candidates for `iam:PolicyARN`), sorted.
    pub(crate) fn admin_equivalent_policies(
        &self,
        principal: &Principal,
        partition: &str,
        account: &str,
    ) -> Vec<String> {
        let prefix = format!("arn:{partition}:iam::{account}:policy/");
        // Principal-independent and necessary: some `Allow` statement may
        // grant an action of no real service on every resource. Only those
        // few policies are evaluated for each caller.
        let candidates = self.admin_candidates.get_or_init(|| {
            let mut c: Vec<(String, usize)> = self
                .managed
                .iter()
                .filter(|(_, i)| {
                    self.docs.get(**i).is_some_and(|d| {
                        d.policy
                            .statements_allowing(methods::PROBE_ACTION)
                            .any(|s| s.may_match_resource("*"))
                    })
                })
                .map(|(arn, i)| (arn.clone(), *i))
                .collect();
            c.sort();
            c
        });
        let mut found: Vec<String> = candidates
            .iter()
            .filter(|(arn, _)| arn.starts_with(&prefix))
            .filter(|(_, i)| {
                self.docs
                    .get(*i)
                    .is_some_and(|d| methods::allows_everything(principal, &[&d.policy], None))
            })
            .map(|(arn, _)| arn.clone())
            .collect();
        found.sort();
        found
    }

    /// `iam:SetDefaultPolicyVersion` on one of its own customer-managed
    /// policies (or its boundary) escalates when another version of that
    /// policy, made default, would let the identity write its own policy
    /// (`iam:PutRolePolicy` / `iam:PutUserPolicy` on itself). Authorization
    /// details list every version, so this is decided, not guessed.
    pub(crate) fn set_default_version(
        &self,
        ident: &Ident,
        principal: &Principal,
        ids: &[usize],
        set: &PolicySet<'_>,
    ) -> Option<Edge> {
        const SET: &str = "iam:SetDefaultPolicyVersion";
        let self_write = match ident.kind {
            IdKind::Role => "iam:PutRolePolicy",
            IdKind::User => "iam:PutUserPolicy",
            IdKind::Group => "iam:PutGroupPolicy",
        };
        for &p in ids.iter().chain(ident.boundary.iter()) {
            let Some(arn) = self.docs.get(p).and_then(|d| d.arn.as_ref()) else {
                continue;
            };
            let Some(versions) = self.other_versions.get(arn) else {
                continue;
            };
            let e = evaluate(&Request::new(principal, SET, arn), set);
            if !e.is_allowed() {
                continue;
            }
            for (v, vid) in versions {
                let Some(vdoc) = self.docs.get(*v) else {
                    continue;
                };
                let swapped: Vec<&Policy> = ids
                    .iter()
                    .filter_map(|&i| {
                        if i == p {
                            Some(&vdoc.policy)
                        } else {
                            self.docs.get(i).map(|d| &d.policy)
                        }
                    })
                    .collect();
                let boundary = if ident.boundary == Some(p) {
                    Some(&vdoc.policy)
                } else {
                    self.boundary_of(ident)
                };
                let after = PolicySet {
                    scp: &self.org_levels(&ident.account, PolicyKind::Scp),
                    identity: &swapped,
                    boundary,
                    ..PolicySet::default()
                };
                let e2 = evaluate(&Request::new(principal, self_write, &ident.arn), &after);
                if !e2.is_allowed() {
                    continue;
                }
                let reason = format!(
                    "{} can escalate to account admin: {SET} on {arn} makes version {vid} the default, which allows {self_write} on itself",
                    ident.label
                );
                let mut ed = self.decided_edge(
                    ident,
                    account_admin_id(&ident.account),
                    EdgeKind::CanEscalate,
                    (
                        reason,
                        "; SetDefaultPolicyVersion allowed by ",
                        identity_statement(&e),
                    ),
                    SET.to_string(),
                    &e,
                );
                if e2.conditional {
                    // Keep both sides' undecided conditions.
                    ed = with_conditions(ed, undecided_text(&e2));
                }
                // The policy it then writes is bounded by the boundary in force.
                if let Some(c) = boundary.and_then(|b| methods::boundary_caveat(principal, b, arn))
                {
                    match self.rewritten_under(ident, arn) {
                        Some(b) => return Some(self.to_bounded(ed, b)),
                        None => ed = with_conditions(ed, [c]),
                    }
                }
                return Some(ed);
            }
        }
        None
    }
}
