//! Existing-resource methods (family 5) where the resource's inventory was
//! not collected: missing inventory is not "no resource". A caller allowed
//! the method's actions on resources of that kind gets a conditional
//! `can_act_as` to every role such a resource could run as (a role that
//! trusts the service, in an instance profile for EC2), and the condition
//! names the inventory that would decide it. Once the inventory is read,
//! the resources it lists decide (firm or no edge) and this rule is silent.

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
    /// Conditional `can_act_as` edges through resources whose inventory was
    /// not collected (module doc).
    pub(crate) fn emit_unseen_resources(
        &self,
        out: &mut EstateBuilder,
        escalated: &BTreeSet<usize>,
    ) {
        // (row, account) → the roles such a resource may run as.
        let mut roles: HashMap<(usize, &str), Vec<&Ident>> = HashMap::new();
        for (u, row) in UNSEEN.iter().enumerate() {
            for r in &self.idents {
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
        let callers: Vec<Caller<'_>> = self
            .callers()
            .filter(|c| !escalated.contains(&c.ix))
            .collect();
        emit_per_caller(&callers, out, |c| self.unseen_edges(c, &roles));
    }

    fn unseen_edges(
        &self,
        c: &Caller<'_>,
        roles: &HashMap<(usize, &str), Vec<&Ident>>,
    ) -> Vec<Edge> {
        let mut edges = Vec::new();
        for (u, row) in UNSEEN.iter().enumerate() {
            let Some(targets) = roles.get(&(u, c.ident.account.as_str())) else {
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
            // The first statement that allows the probe action.
            let location = c
                .ids
                .iter()
                .filter_map(|&i| self.docs.get(i))
                .find_map(|d| {
                    let s = d.policy.statements_allowing(actions[0]).next()?;
                    Some((d.file, format!("{}.Statement[{}]", d.path, s.index())))
                })
                .unwrap_or_else(|| (c.ident.file, c.ident.path.clone()));
            let mechanism = actions.join("+");
            for t in targets {
                if t.arn == c.ident.arn {
                    continue;
                }
                let reason = format!(
                    "{} can {mechanism} on any {} of account {}; one that runs as {} would run its code as that role",
                    c.ident.label, row.what, c.ident.account, t.label
                );
                let mut why = vec![format!(
                    "needs an existing {} that runs as {}: {} was not collected",
                    row.what, t.label, row.spec.inventory
                )];
                why.extend(conditions.iter().cloned());
                let mut ed = with_conditions(
                    edge(
                        c.ident.arn.clone(),
                        t.arn.clone(),
                        EdgeKind::CanActAs,
                        self.provenance(location.clone(), reason),
                    ),
                    why,
                );
                ed.mechanism = Some(mechanism.clone());
                edges.push(ed);
            }
        }
        edges
    }
}
