//! Existing-resource methods (family 5) where the resource's inventory was
//! not collected: missing inventory is not "no resource". Each kind gets
//! one node per account, `aws:account/A/unseen/INVENTORY` (kind
//! `aws:unseen_compute`: "any Lambda function of A"), with a conditional
//! `can_act_as` to every role such a resource could run as (a role that
//! trusts the service, in an instance profile for EC2); a caller allowed
//! the method's actions on resources of that kind gets a conditional
//! `can_act_as` to the node. Both conditions name the inventory that would
//! decide them. Callers + roles edges, not callers × roles. Once the
//! inventory is read, the resources it lists decide (firm or no edge) and
//! this rule is silent.

use super::*;
use crate::inventory::{Also, Gives};
use crate::tables::*;

/// A kind of existing resource that runs code as a role: its spec, the
/// service its role trusts, and whether the role goes through an instance
/// profile.
struct Unseen {
    spec: &'static Spec,
    service: &'static str,
    in_profile: bool,
    /// What the resource is called in reasons.
    what: &'static str,
}

const UNSEEN: &[Unseen] = &[
    Unseen {
        spec: &LAMBDA_FUNCTION,
        service: "lambda.amazonaws.com",
        in_profile: false,
        what: "Lambda function",
    },
    Unseen {
        spec: &EC2_INSTANCE,
        service: EC2,
        in_profile: true,
        what: "EC2 instance with its instance profile",
    },
    Unseen {
        spec: &GLUE_DEV_ENDPOINT,
        service: "glue.amazonaws.com",
        in_profile: false,
        what: "Glue development endpoint",
    },
    Unseen {
        spec: &GLUE_JOB,
        service: "glue.amazonaws.com",
        in_profile: false,
        what: "Glue job",
    },
    Unseen {
        spec: &SAGEMAKER_NOTEBOOK,
        service: "sagemaker.amazonaws.com",
        in_profile: false,
        what: "SageMaker notebook instance",
    },
    Unseen {
        spec: &CFN_STACK,
        service: "cloudformation.amazonaws.com",
        in_profile: false,
        what: "CloudFormation stack with a service role",
    },
    Unseen {
        spec: &CODEBUILD_PROJECT,
        service: "codebuild.amazonaws.com",
        in_profile: false,
        what: "CodeBuild project",
    },
];

/// The actions one `ActAs` probe needs on the resource (its trigger aside:
/// unseen, the edge is conditional anyway).
fn probe_actions(p: &Probe) -> Option<Vec<&'static str>> {
    let Gives::ActAs(also) = p.gives else {
        return None;
    };
    let mut actions = vec![p.action];
    match also {
        Also::Nothing | Also::Trigger(_) | Also::Document(_) => {}
        Also::Needs(a) => actions.push(a),
        Also::All(all) => actions.extend(all),
        Also::AllAndNew(all, new) => {
            actions.extend(all);
            actions.extend(new);
        }
    }
    Some(actions)
}

impl Facts {
    /// Conditional edges through resources whose inventory was not
    /// collected (module doc), through one node per kind and account.
    pub(crate) fn emit_unseen_resources(
        &self,
        out: &mut EstateBuilder,
        escalated: &BTreeSet<usize>,
    ) {
        // (row, account) → the roles such a resource may run as.
        let mut roles: BTreeMap<(usize, &str), Vec<&Ident>> = BTreeMap::new();
        for (u, row) in UNSEEN.iter().enumerate() {
            for r in self.idents.iter().filter(|r| self.is_local(&r.account)) {
                if self.inventory_seen(&r.account, row.spec.inventory)
                    || !self.trusts_service(r, row.service)
                    || (row.in_profile && !self.instance_profiles.contains_key(&r.arn))
                {
                    continue;
                }
                roles.entry((u, r.account.as_str())).or_default().push(r);
            }
        }
        if roles.is_empty() {
            return;
        }
        let nodes: HashMap<(usize, &str), String> = roles
            .keys()
            .map(|&(u, account)| {
                let id = format!("aws:account/{account}/unseen/{}", UNSEEN[u].spec.inventory);
                ((u, account), id)
            })
            .collect();
        let callers: Vec<Caller<'_>> = self
            .callers()
            .filter(|c| !escalated.contains(&c.ix))
            .collect();
        // Callers first: a node is emitted only when some caller reaches it.
        let caller_edges: Vec<Edge> = callers
            .par_iter()
            .flat_map_iter(|c| self.unseen_edges(c, &nodes))
            .collect();
        let used: BTreeSet<&str> = caller_edges.iter().map(|e| e.to.as_str()).collect();
        for (&(u, account), targets) in &roles {
            let row = &UNSEEN[u];
            let id = &nodes[&(u, account)];
            if !used.contains(id.as_str()) {
                continue;
            }
            let first = targets[0];
            self.add_derived_node(
                out,
                first,
                (
                    id.clone(),
                    format!(
                        "any {} of {account} ({} not collected)",
                        row.what, row.spec.inventory
                    ),
                ),
                ("aws:unseen_compute", Class::Workload),
            );
            for t in targets {
                if let Some(f) = self.files.get(t.file) {
                    out.select_input(f);
                }
                let reason = format!(
                    "code run by such a {} runs as {} when one runs as it",
                    row.what, t.label
                );
                out.add_edge(with_conditions(
                    edge(
                        id.clone(),
                        t.arn.clone(),
                        EdgeKind::CanActAs,
                        self.provenance((t.file, t.path.clone()), reason),
                    ),
                    [format!(
                        "needs an existing {} that runs as {}: {} was not collected",
                        row.what, t.label, row.spec.inventory
                    )],
                ));
            }
        }
        for ed in caller_edges {
            out.add_edge(ed);
        }
    }

    /// The caller's edges to the unseen-resource nodes of its account whose
    /// method it may use.
    fn unseen_edges(&self, c: &Caller<'_>, nodes: &HashMap<(usize, &str), String>) -> Vec<Edge> {
        let mut edges = Vec::new();
        for (u, row) in UNSEEN.iter().enumerate() {
            let Some(node) = nodes.get(&(u, c.ident.account.as_str())) else {
                continue;
            };
            // The first probe of the kind whose actions the caller may do.
            let found = row
                .spec
                .probes
                .iter()
                .filter_map(probe_actions)
                .find_map(|actions| {
                    allowing(&c.identity, actions[0]).next()?;
                    let (_, conditions) = methods::new_resource_actions(
                        c.principal,
                        (&c.identity, c.boundary, &c.scp),
                        &actions,
                        Context::empty(),
                    )?;
                    Some((actions, conditions))
                });
            let Some((actions, conditions)) = found else {
                continue;
            };
            let location = self.allowing_location(c, actions[0]);
            let mechanism = actions.join("+");
            let reason = format!(
                "{} can {mechanism} on any {} of account {}",
                c.ident.label, row.what, c.ident.account
            );
            let mut why = vec![format!(
                "needs an existing {}: {} was not collected",
                row.what, row.spec.inventory
            )];
            why.extend(conditions);
            let mut ed = with_conditions(
                edge(
                    c.ident.arn.clone(),
                    node.clone(),
                    EdgeKind::CanActAs,
                    self.provenance(location, reason),
                ),
                why,
            );
            ed.mechanism = Some(mechanism);
            edges.push(ed);
        }
        edges
    }
}
