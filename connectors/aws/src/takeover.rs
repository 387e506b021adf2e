//! Rules of families 2 and 3: credentials of other principals (access
//! keys, login profiles) and trust-policy rewrites.

use super::*;

impl Facts {
    /// Permissions on other principals and on trust (families 2 and 3 of
    /// docs/aws-escalation-methods.md): a new access key or console password
    /// for another user, adding oneself to a group, rewriting a role's trust
    /// policy. Each gives `can_act_as` to the target, with the action as the
    /// mechanism. Identities that already escalate to the account admin are
    /// skipped: the admin scope contains every identity of the account, so
    /// these edges would add no reach. Service-linked roles are skipped (AWS
    /// protects their trust policies).
    pub(crate) fn emit_takeover(&self, out: &mut EstateBuilder, escalated: &BTreeSet<usize>) {
        const USER: [&str; 4] = [
            "iam:CreateAccessKey",
            "iam:CreateLoginProfile",
            "iam:UpdateLoginProfile",
            SERVICE_CREDENTIAL,
        ];
        const ROLE: [&str; 1] = ["iam:UpdateAssumeRolePolicy"];
        const GROUP: [&str; 1] = ["iam:AddUserToGroup"];
        for Caller {
            ix: c,
            ident: caller,
            principal,
            identity,
            boundary,
            ..
        } in self.callers()
        {
            if escalated.contains(&c) {
                continue;
            }
            // The actions its policies may allow at all, with the allowing statements.
            let allows: Vec<(&str, Vec<&Statement>)> = USER
                .iter()
                .chain(&ROLE)
                .chain(&GROUP)
                .filter_map(|&a| {
                    let st: Vec<&Statement> = allowing(&identity, a).collect();
                    (!st.is_empty()).then_some((a, st))
                })
                .collect();
            if allows.is_empty() {
                continue;
            }
            let set = PolicySet {
                scp: &self.org_levels(&caller.account, PolicyKind::Scp),
                identity: &identity,
                boundary,
                ..PolicySet::default()
            };
            for (t, target) in self.idents.iter().enumerate() {
                if t == c || target.synthetic || target.account != caller.account {
                    continue;
                }
                let actions: &[&str] = match target.kind {
                    IdKind::User => &USER,
                    IdKind::Role if !target.arn.contains(":role/aws-service-role/") => &ROLE,
                    IdKind::Group if caller.kind == IdKind::User && !caller.groups.contains(&t) => {
                        &GROUP
                    }
                    _ => continue,
                };
                let mut best: Option<Edge> = None;
                for (action, stmts) in allows.iter().filter(|(a, _)| actions.contains(a)) {
                    if !stmts.iter().any(|s| s.may_match_resource(&target.arn)) {
                        continue;
                    }
                    let e = evaluate(&Request::new(principal, action, &target.arn), &set);
                    if !e.is_allowed() {
                        continue;
                    }
                    // The target's credentials may rule the write out (a
                    // third access key); then the next action is tried.
                    let Some(mut how) = self.takeover(principal, &set, action, &target.arn) else {
                        continue;
                    };
                    if *action == SERVICE_CREDENTIAL {
                        // Row 2.6: only for a user with a permission in a
                        // service that issues such credentials, and scoped
                        // to those services.
                        let policies = self.refs(&self.identity_policies(target));
                        if !SERVICE_CREDENTIAL_ACTIONS
                            .iter()
                            .any(|a| policies.iter().any(|p| p.may_allow(a)))
                        {
                            continue;
                        }
                        how.condition = Some(
                            "a service-specific credential works with CodeCommit, Amazon Keyspaces and Amazon Bedrock (API keys) only: the user's other permissions are not usable with it"
                                .into(),
                        );
                    }
                    let mut reason = format!(
                        "{} can act as {}: {action} on it",
                        caller.label, target.label
                    );
                    let mut mechanism = (*action).to_string();
                    if let (Some(also), Some(note)) = (how.also, &how.note) {
                        reason.push_str(&format!(" ({note}: {also})"));
                        mechanism = format!("{action}+{also}");
                    }
                    let mut ed = self.decided_edge(
                        caller,
                        target.arn.clone(),
                        EdgeKind::CanActAs,
                        (reason, " allowed by ", identity_statement(&e)),
                        mechanism,
                        &e,
                    );
                    if let Some(c) = how.condition {
                        ed = with_conditions(ed, [c]);
                    }
                    if target.kind == IdKind::Group
                        && let Some(cap) = self.member_cap(caller)
                    {
                        ed = with_conditions(ed, [cap]);
                    }
                    // The first firm write, else the first conditional one
                    // (`--strict` must not lose a firm path).
                    let firm = !ed.conditional;
                    if best.is_none() || firm {
                        best = Some(ed);
                    }
                    if firm {
                        break;
                    }
                }
                if let Some(ed) = best {
                    out.add_edge(ed);
                }
            }
        }
    }
}
