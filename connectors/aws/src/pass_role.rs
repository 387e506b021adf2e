//! Rules of family 4: `iam:PassRole` to new compute that runs as the
//! passed role.

use std::collections::HashSet;

use super::*;
use crate::sources::{self, CallerSources, Sources, Via, Who};
use crate::tables::{BATCH_JOB_QUEUE, ECS_CONTAINER_INSTANCES, pass_role_service};

impl Facts {
    /// A PassRole row's service actions, decided once per caller. Rows that
    /// need an existing ECS cluster are decided on the account's clusters
    /// when `ecs/list-clusters` was read (`ecs:cluster` names each).
    pub(crate) fn pass_role_row(
        &self,
        (principal, account): (&Principal, &str),
        policies: (&[&Policy], Option<&Policy>, &[Vec<&Policy>]),
        (id, actions): (&str, &[&str]),
    ) -> Option<(bool, Vec<String>)> {
        // Rows that need an existing cluster, decided on the account's
        // clusters when listed; StartTask also needs a container instance
        // there, decided when the clusters' instances were listed.
        let start_task = id == "ecs-register-task-definition-start-task"
            && self.inventory_seen(account, ECS_CONTAINER_INSTANCES);
        if (ECS_CLUSTER_ROWS.contains(&id) || start_task)
            && let Some(clusters) = self.inv.ecs_clusters(account)
        {
            let mut fallback = None;
            for cluster in clusters {
                if start_task && !self.inv.has_container_instance(account, cluster) {
                    continue;
                }
                let ctx = Context::new().with("ecs:cluster", [cluster.as_str()]);
                let Some((firm, conditions)) =
                    methods::new_resource_actions(principal, policies, actions, &ctx)
                else {
                    continue;
                };
                if firm && conditions.is_empty() {
                    return Some((true, conditions));
                }
                fallback.get_or_insert((false, conditions));
            }
            // Listed, and no cluster it may use: no edge.
            return fallback;
        }
        // Rows whose code comes from a location the role reads: the
        // actions here, the location per role (`pass_role_actions`).
        if sources::source_of(id).is_some() {
            return methods::new_resource_actions(principal, policies, actions, Context::empty());
        }
        if let Some(decided) = self.batch_row(principal, account, policies, (id, actions)) {
            return decided;
        }
        let verdict =
            methods::new_resource_actions(principal, policies, actions, Context::empty())?;
        Some(methods::pass_role_caveat(principal, policies, id, verdict))
    }

    /// The [`BatchFacts`] of every account, built on first use.
    fn batch_facts(&self) -> &HashMap<String, BatchFacts> {
        self.batch.get_or_init(|| {
            let mut by: HashMap<String, BatchFacts> = HashMap::new();
            for r in &self.inv.resources {
                if r.spec.kind == BATCH_JOB_QUEUE.kind
                    && r.attrs.tags.get("aws:state").is_none_or(|s| s == "ENABLED")
                    && r.attrs.tags.get("aws:status").is_none_or(|s| s == "VALID")
                {
                    by.entry(r.account.clone())
                        .or_default()
                        .queues
                        .push(r.arn.clone());
                }
            }
            by
        })
    }

    /// The AWS Batch rows, where the inputs decide their caveat: an
    /// existing job queue (`batch/describe-job-queues`: an enabled, valid
    /// queue the caller may `SubmitJob` to), and the Batch service-linked
    /// role (in the authorization details). `None` when the inputs do not
    /// decide it (the caveat then stands).
    fn batch_row(
        &self,
        principal: &Principal,
        account: &str,
        policies: (&[&Policy], Option<&Policy>, &[Vec<&Policy>]),
        (id, actions): (&str, &[&str]),
    ) -> Option<Option<(bool, Vec<String>)>> {
        match id {
            "batch-register-job-definition-submit-job"
                if self.inventory_seen(account, BATCH_JOB_QUEUE.inventory) =>
            {
                let (identity, boundary, scp) = policies;
                let set = PolicySet {
                    identity,
                    boundary,
                    scp,
                    ..PolicySet::default()
                };
                let (firm, conditions) = methods::new_resource_actions(
                    principal,
                    policies,
                    &actions[..1],
                    Context::empty(),
                )?;
                let queues = self
                    .batch_facts()
                    .get(account)
                    .map_or(&[][..], |b| b.queues.as_slice());
                let mut fallback = None;
                for q in queues {
                    let e = evaluate(&Request::new(principal, "batch:SubmitJob", q), &set);
                    if !e.is_allowed() {
                        continue;
                    }
                    if !e.conditional && firm && conditions.is_empty() {
                        return Some(Some((true, Vec::new())));
                    }
                    fallback.get_or_insert_with(|| {
                        let mut all = conditions.clone();
                        all.extend(undecided_text(&e));
                        (false, all)
                    });
                }
                // Read, and no queue it may submit to: decided, no edge.
                Some(fallback)
            }
            "batch-create-compute-environment-pipeline"
                if self.has_service_linked_role(account, "batch.amazonaws.com") =>
            {
                // The service-linked role exists: only the actions decide.
                Some(methods::new_resource_actions(
                    principal,
                    policies,
                    actions,
                    Context::empty(),
                ))
            }
            _ => None,
        }
    }

    /// A PassRole row's service actions for passing role `role` (index
    /// into the identities): the verdict decided once per caller, except
    /// that CloudFormation's actions are decided again with
    /// `cloudformation:RoleArn` = the role when that verdict was
    /// conditional (a grant limited to some roles), and that the rows of
    /// [`sources::SOURCES`] add the location the role reads and the
    /// attacker writes (`None`: no edge), named by the [`Via`].
    pub(crate) fn pass_role_actions(
        &self,
        principal: &Principal,
        policies: (&[&Policy], Option<&Policy>, &[Vec<&Policy>]),
        (row, role): (usize, usize),
        per_caller: &[Option<(bool, Vec<String>)>],
        (sources, mine): (&Sources<'_>, &CallerSources<'_>),
    ) -> Option<(bool, Vec<String>, Option<Via>)> {
        let (id, _, actions) = PASS_ROLE_METHODS.get(row)?;
        let (firm, mut conditions) = per_caller.get(row)?.clone()?;
        if let Some(s) = sources::source_of(id) {
            let (identity, boundary, scp) = policies;
            let who = Who {
                arn: mine.arn(),
                principal,
                identity,
                boundary,
                scp,
            };
            let (v, via) = sources.decide(s, &who, mine, role)?;
            conditions.extend(v.conditions);
            return Some((firm && v.firm, conditions, via));
        }
        if firm || !actions.iter().any(|a| a.starts_with("cloudformation:")) {
            return Some((firm, conditions, None));
        }
        let arn = self.idents.get(role)?.arn.as_str();
        let ctx = Context::new().with("cloudformation:RoleArn", [arn]);
        let verdict = methods::new_resource_actions(principal, policies, actions, &ctx)?;
        let (firm, conditions) = methods::pass_role_caveat(principal, policies, id, verdict);
        Some((firm, conditions, None))
    }

    /// Whether `role` is a role a service may be given: not service-linked,
    /// and its trust policy lets `service` assume it.
    pub(crate) fn trusts_service(&self, role: &Ident, service: &str) -> bool {
        role.kind == IdKind::Role
            && !methods::is_service_linked(role)
            && methods::trusts(self, role, service)
    }

    /// PassRole to a new compute resource ([`PASS_ROLE_METHODS`]): the
    /// attacker may pass role T to service S (`iam:PassRole` on T with
    /// `iam:PassedToService` = S), T trusts S, and the attacker may call S's
    /// actions (`PASS_ROLE_SERVICES` gives a row another trusted principal,
    /// or several uncertain PassedToService values). The new resource's name is the attacker's choice: a service
    /// action granted on `*` is decided; one granted only on some resource
    /// names (and not denied on `*`) makes the edge conditional. One edge per
    /// (attacker, role), the first firm method or else the first conditional
    /// one. Identities that already reach the account admin are skipped.
    pub(crate) fn emit_pass_role(&self, out: &mut EstateBuilder, escalated: &BTreeSet<usize>) {
        const PASS: &str = "iam:PassRole";
        // Roles and the table rows whose service their trust policy lets in.
        let mut trusted: Vec<(usize, Vec<usize>)> = Vec::new();
        for (r, role) in self.idents.iter().enumerate() {
            if role.kind != IdKind::Role
                || role.arn.contains(":role/aws-service-role/")
                || !self.is_local(&role.account)
            {
                continue;
            }
            let rows: Vec<usize> = PASS_ROLE_METHODS
                .iter()
                .enumerate()
                .filter(|(_, row)| self.trusts_service(role, pass_role_service(row).0))
                .map(|(i, _)| i)
                .collect();
            if !rows.is_empty() {
                trusted.push((r, rows));
            }
        }
        if trusted.is_empty() {
            return;
        }
        let hubs = self.service_role_hubs(&trusted, out);
        // The location rows' per-account candidates and per-role sides,
        // built only when some role can be passed under one.
        let needed = trusted.iter().any(|(_, rows)| {
            rows.iter()
                .any(|&r| sources::source_of(PASS_ROLE_METHODS[r].0).is_some())
        });
        let sources = Sources::new(self, needed);
        let callers: Vec<Caller<'_>> = self
            .callers()
            .filter(|c| !escalated.contains(&c.ix))
            .collect();
        // Callers decided in parallel, edges added in caller order.
        emit_per_caller(&callers, out, |caller_ref| {
            let mut edges: Vec<Edge> = Vec::new();
            let Caller {
                ix: c,
                ident: caller,
                principal,
                identity,
                boundary,
                scp,
                ..
            } = caller_ref;
            let (c, boundary) = (*c, *boundary);
            let passes: Vec<&Statement> = allowing(identity, PASS).collect();
            if passes.is_empty() {
                return edges;
            }
            let set = PolicySet {
                scp: &self.org_levels(&caller.account, PolicyKind::Scp),
                identity,
                boundary,
                ..PolicySet::default()
            };
            // Each row's service actions, decided once per caller:
            // Some(evaluation) when allowed on `*`, or the conditional case.
            let actions_ok: Vec<Option<(bool, Vec<String>)>> = PASS_ROLE_METHODS
                .iter()
                .map(|(id, _, actions)| {
                    self.pass_role_row(
                        (principal, &caller.account),
                        (identity, boundary, scp),
                        (id, actions),
                    )
                })
                .collect();
            if actions_ok.iter().all(Option::is_none) {
                return edges;
            }
            let mine = CallerSources::new(&caller.arn);
            // One edge to a hub of the account stands for its roles.
            let mut covered: Vec<(&str, &HashSet<usize>)> = Vec::new();
            let own = hubs
                .range((caller.account.clone(), "")..)
                .take_while(|((account, _), _)| *account == caller.account);
            for ((_, service), hub) in own {
                if let Some(ed) = self.service_hub_edge(caller_ref, &set, service, hub, &actions_ok)
                {
                    edges.push(ed);
                    covered.push((service, &hub.set));
                }
            }
            for (r, rows) in &trusted {
                let Some(role) = self.idents.get(*r) else {
                    continue;
                };
                if *r == c || role.account != caller.account {
                    continue;
                }
                if !passes.iter().any(|s| s.may_match_resource(&role.arn)) {
                    continue;
                }
                let mut best: Option<Choice<'_>> = None;
                for &row in rows {
                    let service = pass_role_service(&PASS_ROLE_METHODS[row]).0;
                    if covered
                        .iter()
                        .any(|(s, set)| *s == service && set.contains(r))
                    {
                        continue;
                    }
                    let Some((firm, conds, via)) = self.pass_role_actions(
                        principal,
                        (identity, boundary, scp),
                        (row, *r),
                        &actions_ok,
                        (&sources, &mine),
                    ) else {
                        continue;
                    };
                    // PassRole under each PassedToService value of the row
                    // (PASS_ROLE_SERVICES): allowed under one and refused
                    // under another, the value decides, so conditional.
                    let (_, passed_to) = pass_role_service(&PASS_ROLE_METHODS[row]);
                    let (mut allowed, mut refused, mut first) = (Vec::new(), Vec::new(), None);
                    let mut more: Vec<String> = Vec::new();
                    for svc in passed_to {
                        let ctx = Context::new().with("iam:PassedToService", [*svc]);
                        let e = evaluate(
                            &Request::new(principal, PASS, &role.arn).with_context(&ctx),
                            &set,
                        );
                        if !e.is_allowed() {
                            refused.push(*svc);
                        } else if first.is_none() {
                            allowed.push(*svc);
                            first = Some(e);
                        } else {
                            allowed.push(*svc);
                            more.extend(undecided_text(&e));
                        }
                    }
                    let Some(e) = first else {
                        continue;
                    };
                    let mut firm = firm && !e.conditional && more.is_empty();
                    let mut conds = conds;
                    conds.extend(more);
                    if !refused.is_empty() {
                        firm = false;
                        conds.push(format!(
                            "iam:PassedToService value uncertain: iam:PassRole allowed for {}, not for {}",
                            allowed.join(", "),
                            refused.join(", ")
                        ));
                    }
                    if best.as_ref().is_none_or(|b| firm && !b.2) {
                        best = Some((row, e, firm, conds, via));
                    }
                    if firm {
                        break;
                    }
                }
                let Some((row, e, firm, conds, via)) = best else {
                    continue;
                };
                let (id, svc, actions) = PASS_ROLE_METHODS[row];
                // The location rows name it and the attacker's actions on it.
                let (note, all) = match &via {
                    Some(v) => (
                        format!(" through {}", v.note),
                        actions.iter().chain(&v.actions).copied().collect(),
                    ),
                    None => (String::new(), actions.to_vec()),
                };
                let reason = format!(
                    "{} can act as {}: passes it to {svc}{note} ({id}: iam:PassRole + {})",
                    caller.label,
                    role.label,
                    all.join(" + ")
                );
                let mut ed = self.decided_edge(
                    caller,
                    role.arn.clone(),
                    EdgeKind::CanActAs,
                    (reason, "; PassRole allowed by ", identity_statement(&e)),
                    format!("iam:PassRole+{}", all.join("+")),
                    &e,
                );
                if !firm {
                    ed = with_conditions(ed, conds);
                }
                edges.push(ed);
            }
            edges
        });
    }
}

/// The row chosen for one (caller, role) pair: its index, the PassRole
/// evaluation, whether firm, the conditions, and the location it uses.
type Choice<'e> = (usize, Evaluation<'e>, bool, Vec<String>, Option<Via>);

/// The roles of one account a service may be given (they trust it), when
/// there are at least [`hub::HUB_MIN`]: one node, `aws:account/A/runs-as/SERVICE`,
/// with a firm `can_act_as` to each. A caller whose `iam:PassRole` is
/// decided alike for every role of the account (each statement covers all
/// of `arn:…:iam::A:role/` or none of it, no condition reads the role's
/// tags), allowed firmly, and whose service actions for a row of that
/// service are allowed firmly, gets one `can_act_as` to the node instead of
/// one per role. What is reachable is the same; paths are one hop longer.
pub(crate) struct ServiceHub {
    id: String,
    roles: Vec<usize>,
    set: HashSet<usize>,
}

impl Facts {
    fn service_role_hubs(
        &self,
        trusted: &[(usize, Vec<usize>)],
        out: &mut EstateBuilder,
    ) -> BTreeMap<(String, &'static str), ServiceHub> {
        let mut by: BTreeMap<(String, &'static str), Vec<usize>> = BTreeMap::new();
        for (r, rows) in trusted {
            let Some(role) = self.idents.get(*r) else {
                continue;
            };
            let mut services: Vec<&'static str> = rows
                .iter()
                .map(|&row| pass_role_service(&PASS_ROLE_METHODS[row]).0)
                .collect();
            services.dedup();
            for svc in services {
                by.entry((role.account.clone(), svc)).or_default().push(*r);
            }
        }
        let mut hubs = BTreeMap::new();
        for ((account, service), roles) in by {
            if roles.len() < hub::HUB_MIN {
                continue;
            }
            let id = format!("aws:account/{account}/runs-as/{service}");
            let first = &self.idents[roles[0]];
            self.add_derived_node(
                out,
                first,
                (
                    id.clone(),
                    format!(
                        "the {} roles of {account} that trust {service}",
                        roles.len()
                    ),
                ),
                ("aws:service_roles", Class::Group),
            );
            for &r in &roles {
                let role = &self.idents[r];
                if let Some(f) = self.files.get(role.file) {
                    out.select_input(f);
                }
                out.add_edge(edge(
                    id.clone(),
                    role.arn.clone(),
                    EdgeKind::CanActAs,
                    self.provenance(
                        (role.file, format!("{}.AssumeRolePolicyDocument", role.path)),
                        format!(
                            "{} trusts {service}: a new {service} resource passed it runs as it",
                            role.label
                        ),
                    ),
                ));
            }
            let set = roles.iter().copied().collect();
            hubs.insert((account, service), ServiceHub { id, roles, set });
        }
        hubs
    }

    /// The caller's `can_act_as` to a service hub (see [`ServiceHub`]).
    fn service_hub_edge(
        &self,
        c: &Caller<'_>,
        set: &PolicySet<'_>,
        service: &str,
        hub: &ServiceHub,
        actions_ok: &[Option<(bool, Vec<String>)>],
    ) -> Option<Edge> {
        const PASS: &str = "iam:PassRole";
        let uniform = hub::decided_alike(c, PASS, "role", &["iam:associatedresourcearn"]);
        if !uniform {
            return None;
        }
        let role = self.idents.get(*hub.roles.first()?)?;
        // The first row of the service whose actions are firm and whose
        // PassRole is firm under every PassedToService value.
        for (row, method) in PASS_ROLE_METHODS.iter().enumerate() {
            let (trust, passed_to) = pass_role_service(method);
            // A location row is decided per role: never through the hub.
            if trust != service
                || sources::source_of(method.0).is_some()
                || !matches!(actions_ok.get(row), Some(Some((true, c))) if c.is_empty())
            {
                continue;
            }
            let mut first = None;
            let firm = passed_to.iter().all(|svc| {
                let ctx = Context::new().with("iam:PassedToService", [*svc]);
                let e = evaluate(
                    &Request::new(c.principal, PASS, &role.arn).with_context(&ctx),
                    set,
                );
                let ok = e.is_allowed() && !e.conditional;
                if ok && first.is_none() {
                    first = Some(e);
                }
                ok
            });
            let (true, Some(e)) = (firm, first) else {
                continue;
            };
            let (id, _, actions) = *method;
            let reason = format!(
                "{} can act as every role of {} that trusts {service}: passes it to {service} ({id}: iam:PassRole + {})",
                c.ident.label,
                c.ident.account,
                actions.join(" + ")
            );
            return Some(self.decided_edge(
                c.ident,
                hub.id.clone(),
                EdgeKind::CanActAs,
                (reason, "; PassRole allowed by ", identity_statement(&e)),
                format!("iam:PassRole+{}", actions.join("+")),
                &e,
            ));
        }
        None
    }
}

/// What one account's inputs say for the AWS Batch rows.
#[derive(Default)]
pub(crate) struct BatchFacts {
    /// Enabled, valid job queues (ARNs).
    queues: Vec<String>,
}
