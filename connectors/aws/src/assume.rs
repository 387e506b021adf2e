//! Rules of trust: `can_assume` between principals (same and cross
//! account) and from federated (OIDC, SAML) subjects.

use super::*;

impl Facts {
    /// A role's `Allow` trust statements that name federated providers:
    /// (statement index, the parsed statement, the provider ARNs).
    pub(crate) fn federated_trust<'a>(
        &'a self,
        role: &Ident,
    ) -> Vec<(usize, &'a Statement, Vec<String>)> {
        let (Some(trust), Some(doc)) = (
            role.trust.and_then(|t| self.docs.get(t)),
            role.trust_doc.as_ref(),
        ) else {
            return Vec::new();
        };
        statements(doc)
            .into_iter()
            .filter_map(|(index, stmt)| {
                let so = stmt.as_object()?;
                if so.get("Effect").and_then(Value::as_str) != Some("Allow") {
                    return None;
                }
                let parsed = trust
                    .policy
                    .statements()
                    .iter()
                    .find(|s| s.index() == index)?;
                let providers = so
                    .get("Principal")
                    .and_then(|p| p.get("Federated"))
                    .map(strings)
                    .unwrap_or_default();
                (!providers.is_empty()).then_some((index, parsed, providers))
            })
            .collect()
    }
}

impl Facts {
    pub(crate) fn emit_assume(&self, out: &mut EstateBuilder) {
        const ACTION: &str = "sts:AssumeRole";
        // Index the roles whose trust policy may allow sts:AssumeRole by the
        // AWS principals it names.
        let mut exact: HashMap<usize, Vec<usize>> = HashMap::new();
        // Per account, (role ARN, role) sorted by ARN, to find the roles an
        // identity statement's resource prefix covers.
        let mut by_account: HashMap<String, Vec<(&str, usize)>> = HashMap::new();
        let mut anyone: Vec<usize> = Vec::new();
        for (r, role) in self.idents.iter().enumerate() {
            let Some(trust) = role.trust.and_then(|t| self.docs.get(t)) else {
                continue;
            };
            if !trust.policy.may_allow(ACTION) {
                continue;
            }
            match &role.trusted {
                Some(list) => {
                    for t in list.iter().cloned() {
                        match t {
                            Trusted::Anyone => anyone.push(r),
                            Trusted::Account(a) => {
                                by_account
                                    .entry(a)
                                    .or_default()
                                    .push((role.arn.as_str(), r));
                            }
                            Trusted::Arn(a) => {
                                if let Some(i) = self.ident_by_arn.get(&a) {
                                    exact.entry(*i).or_default().push(r);
                                }
                            }
                        }
                    }
                }
                _ => anyone.push(r),
            }
        }
        // Callers are independent: decide them in parallel, emit in order.
        for v in by_account.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
        let hubs = self.trust_hubs(out);
        let callers: Vec<Caller<'_>> = self.callers().collect();
        emit_per_caller(&callers, out, |c| {
            self.assume_edges(c, (&exact, &by_account, &anyone), &hubs)
        });
    }

    /// The `can_assume` edges of one caller, given the roles indexed by the
    /// principals their trust names (exact caller, account, anyone).
    pub(crate) fn assume_edges(
        &self,
        c: &Caller<'_>,
        (exact, by_account, anyone): RoleIndex<'_>,
        hubs: &HashMap<String, hub::TrustHub>,
    ) -> Vec<Edge> {
        const ACTION: &str = "sts:AssumeRole";
        let mut edges = Vec::new();
        // One edge to the account's trust hub stands for the roles in it.
        let via_hub = hubs.get(&c.ident.account).and_then(|h| {
            let ed = self.hub_edge(c, h)?;
            edges.push(ed);
            Some(&h.set)
        });
        let Caller {
            ix: c,
            ident: caller,
            principal,
            identity,
            boundary,
            scp,
            ..
        } = c;
        let (c, boundary) = (*c, *boundary);
        {
            // Same-account trust naming the caller directly grants without an
            // identity allow; otherwise the identity side must allow.
            let identity_may = identity.iter().any(|p| p.may_allow(ACTION))
                && boundary.is_none_or(|b| b.may_allow(ACTION));
            let mut candidates: BTreeSet<usize> = BTreeSet::new();
            if let Some(rs) = exact.get(&c) {
                candidates.extend(rs);
            }
            // `*` names every caller directly (no identity allow needed).
            candidates.extend(anyone);
            // A trust that delegates to the account needs an identity Allow
            // whose resource could be the role: a necessary condition, found
            // from the roles under the literal prefix of each allowing
            // statement's resources before the full evaluation.
            if let Some(rs) = by_account.get(&caller.account).filter(|_| identity_may) {
                for st in allowing(identity, ACTION) {
                    for prefix in st.resource_prefixes() {
                        let start = rs.partition_point(|(arn, _)| *arn < prefix.as_str());
                        candidates.extend(
                            rs.get(start..)
                                .unwrap_or_default()
                                .iter()
                                .take_while(|(arn, _)| arn.starts_with(prefix.as_str()))
                                .filter(|(arn, _)| st.may_match_resource(arn))
                                .map(|&(_, r)| r),
                        );
                    }
                }
            }
            for r in candidates {
                if via_hub.is_some_and(|h| h.contains(&r)) {
                    continue;
                }
                let Some(role) = self.idents.get(r) else {
                    continue;
                };
                if role.arn == caller.arn {
                    continue;
                }
                let Some(trust) = role.trust.and_then(|t| self.docs.get(t)) else {
                    continue;
                };
                let resource = [&trust.policy];
                let set = PolicySet {
                    scp,
                    identity,
                    resource: &resource,
                    boundary,
                    resource_policy_required: true,
                    ..PolicySet::default()
                };
                let e = evaluate(
                    &Request::new(principal, ACTION, &role.arn)
                        .with_resource_account(&role.account)
                        .with_context(access::attacker_context()),
                    &set,
                );
                if !e.is_allowed() {
                    continue;
                }
                // A conditional allow lists its statement among the undecided.
                let trust_stmt = e
                    .allowed_by
                    .iter()
                    .chain(e.undecided.iter())
                    .find(|s| s.kind == PolicyKind::Resource);
                let id_stmt = e.allowed_by.iter().find(|s| s.kind == PolicyKind::Identity);
                // Caller and role are the edge's ends, and the location is
                // the trust statement: the reason cites the two statements
                // without naming either end, so all the edges one grant
                // gives share it.
                let mut reason = String::from("trust policy");
                if let Some(s) = trust_stmt {
                    reason.push_str(&format!(" statement {}", s.index()));
                    if let Some(sid) = s.sid().filter(|sid| !sid.is_empty()) {
                        reason.push_str(&format!(" (Sid {sid})"));
                    }
                }
                match id_stmt {
                    Some(s) => {
                        reason.push_str("; identity: ");
                        reason.push_str(&describe(s));
                    }
                    None => reason.push_str(
                        "; the trust policy names the caller directly, no identity allow needed",
                    ),
                }
                let location = trust_stmt.map_or_else(
                    || (role.file, format!("{}.AssumeRolePolicyDocument", role.path)),
                    |s| self.statement_path(s),
                );
                edges.push(conditioned(
                    edge(
                        caller.arn.clone(),
                        role.arn.clone(),
                        EdgeKind::CanAssume,
                        self.provenance(location, reason),
                    ),
                    &e,
                ));
            }
        }
        edges
    }

    pub(crate) fn emit_federated(&self, out: &mut EstateBuilder) {
        for role in self.idents.iter().filter(|r| self.is_local(&r.account)) {
            let Some(trust) = role.trust.and_then(|t| self.docs.get(t)) else {
                continue;
            };
            for (index, parsed, providers) in self.federated_trust(role) {
                for provider in providers {
                    let saml = provider.contains(":saml-provider/");
                    let action = if saml {
                        "sts:AssumeRoleWithSAML"
                    } else {
                        "sts:AssumeRoleWithWebIdentity"
                    };
                    if !parsed.matches_action(action) {
                        continue;
                    }
                    let issuer = match provider.split_once(":oidc-provider/") {
                        Some((_, iss)) => iss.to_string(),
                        None => provider.clone(),
                    };
                    let sub_key = if saml {
                        "saml:sub".to_string()
                    } else {
                        format!("{}:sub", issuer.to_ascii_lowercase())
                    };
                    let mut subjects: Vec<String> = parsed
                        .conditions()
                        .iter()
                        .filter(|c| c.key().to_ascii_lowercase() == sub_key)
                        .filter(|c| {
                            let op = c.operator_text().to_ascii_lowercase();
                            let op = op.rsplit(':').next().unwrap_or("");
                            op == "stringequals" || op == "stringlike"
                        })
                        .flat_map(|c| c.values().map(str::to_string).collect::<Vec<_>>())
                        .collect();
                    subjects.sort();
                    subjects.dedup();
                    // A GitHub Actions job asks for the audience it wants
                    // (`core.getIDToken(audience)`): an `aud` condition is
                    // the attacker's choice, decided by picking its value.
                    let github =
                        !saml && issuer.starts_with(blastgraph_model::ids::GITHUB_ACTIONS_ISSUER);
                    let aud_key = format!("{}:aud", issuer.to_ascii_lowercase());
                    let audience: Option<String> = if github {
                        parsed
                            .conditions()
                            .iter()
                            .filter(|c| c.key().to_ascii_lowercase() == aud_key)
                            .filter(|c| {
                                let op = c.operator_text().to_ascii_lowercase();
                                let op = op.rsplit(':').next().unwrap_or("");
                                op == "stringequals" || op == "stringlike"
                            })
                            .flat_map(|c| c.values().map(str::to_string).collect::<Vec<_>>())
                            .find(|v| !v.contains('*') && !v.contains('?'))
                    } else {
                        None
                    };
                    let unrestricted = subjects.is_empty();
                    if unrestricted {
                        subjects.push("*".into());
                    }
                    let caller = if saml {
                        Principal::saml(&provider)
                    } else {
                        Principal::web_identity(&provider)
                    };
                    let (scheme, node_kind, node_provider) = if saml {
                        ("saml", "saml:subject", "saml")
                    } else if issuer.starts_with("token.actions.githubusercontent.com") {
                        ("oidc", "github:workflow", "github")
                    } else {
                        ("oidc", "oidc:subject", "oidc")
                    };
                    let key_name = if saml {
                        "SAML:sub".to_string()
                    } else {
                        format!("{issuer}:sub")
                    };
                    for subject in subjects {
                        let mut ctx = Context::new();
                        if !unrestricted {
                            ctx = ctx.with(&key_name, [subject.clone()]);
                        }
                        if let Some(aud) = &audience {
                            ctx = ctx.with(&format!("{issuer}:aud"), [aud.clone()]);
                        }
                        let mut request = Request::new(&caller, action, &role.arn);
                        if !unrestricted || audience.is_some() {
                            request = request.with_context(&ctx);
                        }
                        let resource = [&trust.policy];
                        let set = PolicySet {
                            resource: &resource,
                            resource_policy_required: true,
                            ..PolicySet::default()
                        };
                        let e = evaluate(&request, &set);
                        if !e.is_allowed() {
                            continue;
                        }
                        let id =
                            blastgraph_model::ids::federated_subject(scheme, &issuer, &subject);
                        if !self.nodes_added.contains(&id) && !out.has_node(&id) {
                            if let Some(f) = self.files.get(role.file) {
                                out.select_input(f);
                            }
                            out.add_node(
                                Node {
                                    id: id.clone(),
                                    name: format!("{issuer} sub={subject}"),
                                    provider: node_provider.into(),
                                    kind: node_kind.into(),
                                    class: Class::Workload,
                                    attrs: Attributes::default(),
                                },
                                &role.path,
                            );
                        }
                        let mut reason = format!(
                            "{action} by {issuer} subject `{subject}`: trust policy of {} statement {index}",
                            role.label
                        );
                        if let Some(sid) = parsed.sid().filter(|sid| !sid.is_empty()) {
                            reason.push_str(&format!(" (Sid {sid})"));
                        }
                        if unrestricted {
                            reason.push_str(
                                "; the subject is not restricted: any identity with a token from this issuer can assume the role",
                            );
                        }
                        if let Some(aud) = &audience {
                            reason.push_str(&format!(
                                "; the job asks GitHub for a token with audience `{aud}`"
                            ));
                        }
                        let location = (
                            role.file,
                            format!("{}.AssumeRolePolicyDocument.Statement[{index}]", role.path),
                        );
                        out.add_edge(conditioned(
                            edge(
                                id,
                                role.arn.clone(),
                                EdgeKind::CanAssume,
                                self.provenance(location, reason),
                            ),
                            &e,
                        ));
                    }
                }
            }
        }
    }
}
