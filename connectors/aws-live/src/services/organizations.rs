//! Organizations: the organization, roots, accounts, parents, SCPs and RCPs with their targets.

use super::*;

pub(super) fn policy_types(
    v: Option<&Vec<aws_sdk_organizations::types::PolicyTypeSummary>>,
) -> Option<Value> {
    v.map(|v| {
        Value::Array(
            v.iter()
                .map(|t| {
                    J::new()
                        .s("Type", t.r#type.as_ref().map(|x| x.as_str()))
                        .s("Status", t.status.as_ref().map(|x| x.as_str()))
                        .done()
                })
                .collect(),
        )
    })
}

/// The organization, its tree, and its SCPs and RCPs, from the caller's
/// account (the management or a delegated administrator account). An
/// account outside any organization, or one that may not read it, gets
/// one recorded call and nothing else.
pub(crate) async fn organizations(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    account: &str,
) -> Result<(), CollectError> {
    use aws_sdk_organizations::types::PolicyType;
    let sc = Scope {
        account: account.to_string(),
        region: "global".into(),
    };
    let org = aws_sdk_organizations::Client::new(config);
    let base = "organizations";
    let described = ctx
        .call(
            &sc,
            "organizations",
            "describe-organization",
            None,
            Some(format!("{base}/describe-organization.json")),
            org.describe_organization().send(),
            |o| {
                let org = o.organization.as_ref().map(|g| {
                    J::new()
                        .s("Id", g.id.as_deref())
                        .s("Arn", g.arn.as_deref())
                        .s("FeatureSet", g.feature_set.as_ref().map(|f| f.as_str()))
                        .s("MasterAccountArn", g.master_account_arn.as_deref())
                        .s("MasterAccountId", g.master_account_id.as_deref())
                        .s("MasterAccountEmail", g.master_account_email.as_deref())
                        .v(
                            "AvailablePolicyTypes",
                            policy_types(g.available_policy_types.as_ref()),
                        )
                        .done()
                });
                J::new().v("Organization", org).done()
            },
        )
        .await?;
    if described.is_none() {
        return Ok(());
    }
    let roots = ctx
        .call(
            &sc,
            "organizations",
            "list-roots",
            None,
            Some(format!("{base}/list-roots.json")),
            org.list_roots().into_paginator().send().try_collect(),
            |pages| {
                obj(
                    "Roots",
                    merged(
                        pages,
                        |p| p.roots.as_ref(),
                        |r| {
                            J::new()
                                .s("Id", r.id.as_deref())
                                .s("Arn", r.arn.as_deref())
                                .s("Name", r.name.as_deref())
                                .v("PolicyTypes", policy_types(r.policy_types.as_ref()))
                                .done()
                        },
                    ),
                )
            },
        )
        .await?;
    let accounts = ctx
        .call(
            &sc,
            "organizations",
            "list-accounts",
            None,
            Some(format!("{base}/list-accounts.json")),
            org.list_accounts().into_paginator().send().try_collect(),
            |pages| {
                obj(
                    "Accounts",
                    merged(
                        pages,
                        |p| p.accounts.as_ref(),
                        |a| {
                            J::new()
                                .s("Id", a.id.as_deref())
                                .s("Arn", a.arn.as_deref())
                                .s("Email", a.email.as_deref())
                                .s("Name", a.name.as_deref())
                                .s("Status", a.status.as_ref().map(|s| s.as_str()))
                                .s("State", a.state.as_ref().map(|s| s.as_str()))
                                .s("JoinedMethod", a.joined_method.as_ref().map(|s| s.as_str()))
                                .dt("JoinedTimestamp", a.joined_timestamp.as_ref())
                                .done()
                        },
                    ),
                )
            },
        )
        .await?;

    // Organizational units, breadth first from the roots.
    let mut children: Vec<String> = accounts
        .iter()
        .flatten()
        .flat_map(|p| p.accounts().iter().filter_map(|a| a.id.clone()))
        .collect();
    let mut frontier: Vec<String> = roots
        .iter()
        .flatten()
        .flat_map(|p| p.roots().iter().filter_map(|r| r.id.clone()))
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    while !frontier.is_empty() {
        let pages = each(frontier.iter(), |parent| {
            let org = &org;
            let sc = &sc;
            async move {
                ctx.call(
                    sc,
                    "organizations",
                    "list-organizational-units-for-parent",
                    Some(parent),
                    None,
                    org.list_organizational_units_for_parent()
                        .parent_id(parent)
                        .into_paginator()
                        .send()
                        .try_collect(),
                    |_| Value::Null,
                )
                .await
            }
        })
        .await?;
        frontier = pages
            .iter()
            .flatten()
            .flat_map(|p| p.organizational_units().iter().filter_map(|u| u.id.clone()))
            .filter(|id| seen.insert(id.clone()))
            .collect();
        children.extend(frontier.iter().cloned());
    }
    each(children.iter(), |child| {
        let org = &org;
        let sc = &sc;
        let file = format!("{base}/list-parents/{}.json", file_name(child));
        async move {
            ctx.call(
                sc,
                "organizations",
                "list-parents",
                Some(child),
                Some(file),
                org.list_parents()
                    .child_id(child)
                    .into_paginator()
                    .send()
                    .try_collect(),
                |pages| {
                    obj(
                        "Parents",
                        merged(
                            pages,
                            |p| p.parents.as_ref(),
                            |x| {
                                J::new()
                                    .s("Id", x.id.as_deref())
                                    .s("Type", x.r#type.as_ref().map(|t| t.as_str()))
                                    .done()
                            },
                        ),
                    )
                },
            )
            .await
        }
    })
    .await?;

    let mut policy_ids: Vec<String> = Vec::new();
    for filter in [
        PolicyType::ServiceControlPolicy,
        PolicyType::ResourceControlPolicy,
    ] {
        let pages = ctx
            .call(
                &sc,
                "organizations",
                "list-policies",
                Some(filter.as_str()),
                Some(format!("{base}/list-policies/{}.json", filter.as_str())),
                org.list_policies()
                    .filter(filter.clone())
                    .into_paginator()
                    .send()
                    .try_collect(),
                |pages| {
                    obj(
                        "Policies",
                        merged(pages, |p| p.policies.as_ref(), org_policy_summary),
                    )
                },
            )
            .await?;
        policy_ids.extend(
            pages
                .iter()
                .flatten()
                .flat_map(|p| p.policies().iter().filter_map(|x| x.id.clone())),
        );
    }
    each(policy_ids.iter(), |id| {
        let org = &org;
        let sc = &sc;
        let file = format!("{base}/describe-policy/{}.json", file_name(id));
        async move {
            ctx.call(
                sc,
                "organizations",
                "describe-policy",
                Some(id),
                Some(file),
                org.describe_policy().policy_id(id).send(),
                |o| {
                    let p = o.policy.as_ref().map(|p| {
                        J::new()
                            .v(
                                "PolicySummary",
                                p.policy_summary.as_ref().map(org_policy_summary),
                            )
                            .s("Content", p.content.as_deref())
                            .done()
                    });
                    J::new().v("Policy", p).done()
                },
            )
            .await
        }
    })
    .await?;
    each(policy_ids.iter(), |id| {
        let org = &org;
        let sc = &sc;
        let file = format!("{base}/list-targets-for-policy/{}.json", file_name(id));
        async move {
            ctx.call(
                sc,
                "organizations",
                "list-targets-for-policy",
                Some(id),
                Some(file),
                org.list_targets_for_policy()
                    .policy_id(id)
                    .into_paginator()
                    .send()
                    .try_collect(),
                |pages| {
                    obj(
                        "Targets",
                        merged(
                            pages,
                            |p| p.targets.as_ref(),
                            |t| {
                                J::new()
                                    .s("TargetId", t.target_id.as_deref())
                                    .s("Arn", t.arn.as_deref())
                                    .s("Name", t.name.as_deref())
                                    .s("Type", t.r#type.as_ref().map(|x| x.as_str()))
                                    .done()
                            },
                        ),
                    )
                },
            )
            .await
        }
    })
    .await?;
    Ok(())
}

pub(super) fn org_policy_summary(p: &aws_sdk_organizations::types::PolicySummary) -> Value {
    J::new()
        .s("Id", p.id.as_deref())
        .s("Arn", p.arn.as_deref())
        .s("Name", p.name.as_deref())
        .s("Description", p.description.as_deref())
        .s("Type", p.r#type.as_ref().map(|x| x.as_str()))
        .b("AwsManaged", Some(p.aws_managed))
        .done()
}
