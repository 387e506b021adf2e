//! Bedrock: foundation and custom models, knowledge bases, agents and their action groups.

use super::*;

pub(super) async fn bedrock(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    sc: &Scope,
    base: &str,
) -> Result<(), CollectError> {
    let br = aws_sdk_bedrock::Client::new(config);
    ctx.call(
        sc,
        "bedrock",
        "list-foundation-models",
        None,
        Some(format!("{base}/bedrock/list-foundation-models.json")),
        br.list_foundation_models().send(),
        |o| {
            J::new()
                .list("modelSummaries", o.model_summaries.as_ref(), |m| {
                    J::new()
                        .s1("modelArn", &m.model_arn)
                        .s1("modelId", &m.model_id)
                        .s("modelName", m.model_name.as_deref())
                        .s("providerName", m.provider_name.as_deref())
                        .done()
                })
                .done()
        },
    )
    .await?;
    ctx.call(
        sc,
        "bedrock",
        "list-custom-models",
        None,
        Some(format!("{base}/bedrock/list-custom-models.json")),
        br.list_custom_models()
            .into_paginator()
            .send()
            .try_collect(),
        |pages| {
            obj(
                "modelSummaries",
                merged(
                    pages,
                    |p| p.model_summaries.as_ref(),
                    |m| {
                        J::new()
                            .s1("modelArn", &m.model_arn)
                            .s1("modelName", &m.model_name)
                            .dt("creationTime", Some(&m.creation_time))
                            .s1("baseModelArn", &m.base_model_arn)
                            .s1("baseModelName", &m.base_model_name)
                            .s("ownerAccountId", m.owner_account_id.as_deref())
                            .done()
                    },
                ),
            )
        },
    )
    .await?;
    Ok(())
}

/// Bedrock agents at their working version (`DRAFT`), their action groups
/// and the Lambda functions those run, and knowledge bases.
pub(super) async fn bedrock_agent(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    sc: &Scope,
    base: &str,
) -> Result<(), CollectError> {
    use aws_sdk_bedrockagent::types::ActionGroupExecutor;
    const VERSION: &str = "DRAFT";
    let ba = aws_sdk_bedrockagent::Client::new(config);
    ctx.call(
        sc,
        "bedrock-agent",
        "list-knowledge-bases",
        None,
        Some(format!("{base}/bedrock-agent/list-knowledge-bases.json")),
        ba.list_knowledge_bases()
            .into_paginator()
            .send()
            .try_collect(),
        |pages| {
            obj(
                "knowledgeBaseSummaries",
                merged(
                    pages,
                    |p| Some(&p.knowledge_base_summaries),
                    |k| {
                        J::new()
                            .s1("knowledgeBaseId", &k.knowledge_base_id)
                            .s1("name", &k.name)
                            .s("description", k.description.as_deref())
                            .s1("status", k.status.as_str())
                            .dt("updatedAt", Some(&k.updated_at))
                            .done()
                    },
                ),
            )
        },
    )
    .await?;
    let pages = ctx
        .call(
            sc,
            "bedrock-agent",
            "list-agents",
            None,
            Some(format!("{base}/bedrock-agent/list-agents.json")),
            ba.list_agents().into_paginator().send().try_collect(),
            |pages| {
                let items: Vec<Value> = pages
                    .iter()
                    .flat_map(|p| p.agent_summaries.iter())
                    .map(|a| {
                        J::new()
                            .s1("agentId", &a.agent_id)
                            .s1("agentName", &a.agent_name)
                            .s1("agentStatus", a.agent_status.as_str())
                            .done()
                    })
                    .collect();
                obj("agentSummaries", Value::Array(items))
            },
        )
        .await?;
    let agents: Vec<String> = pages
        .iter()
        .flatten()
        .flat_map(|p| p.agent_summaries.iter().map(|a| a.agent_id.clone()))
        .collect();
    each(agents.iter(), |id| {
        let ba = &ba;
        let file = format!("{base}/bedrock-agent/get-agent/{}.json", file_name(id));
        async move {
            ctx.call(
                sc,
                "bedrock-agent",
                "get-agent",
                Some(id),
                Some(file),
                ba.get_agent().agent_id(id).send(),
                |o| {
                    let a = o.agent.as_ref().map(|a| {
                        J::new()
                            .s1("agentId", &a.agent_id)
                            .s1("agentName", &a.agent_name)
                            .s1("agentArn", &a.agent_arn)
                            .s1("agentVersion", &a.agent_version)
                            .s1("agentStatus", a.agent_status.as_str())
                            .s("foundationModel", a.foundation_model.as_deref())
                            .s1("agentResourceRoleArn", &a.agent_resource_role_arn)
                            .s(
                                "customerEncryptionKeyArn",
                                a.customer_encryption_key_arn.as_deref(),
                            )
                            .dt("createdAt", Some(&a.created_at))
                            .dt("updatedAt", Some(&a.updated_at))
                            .done()
                    });
                    J::new().v("agent", a).done()
                },
            )
            .await
        }
    })
    .await?;
    let groups = each(agents.iter(), |id| {
        let ba = &ba;
        let file = format!(
            "{base}/bedrock-agent/list-agent-action-groups/{}.json",
            file_name(id)
        );
        async move {
            let out = ctx
                .call(
                    sc,
                    "bedrock-agent",
                    "list-agent-action-groups",
                    Some(id),
                    Some(file),
                    ba.list_agent_action_groups()
                        .agent_id(id)
                        .agent_version(VERSION)
                        .into_paginator()
                        .send()
                        .try_collect(),
                    |pages| {
                        obj(
                            "actionGroupSummaries",
                            merged(
                                pages,
                                |p| Some(&p.action_group_summaries),
                                |g| {
                                    J::new()
                                        .s1("actionGroupId", &g.action_group_id)
                                        .s1("actionGroupName", &g.action_group_name)
                                        .s1("actionGroupState", g.action_group_state.as_str())
                                        .s("description", g.description.as_deref())
                                        .dt("updatedAt", Some(&g.updated_at))
                                        .done()
                                },
                            ),
                        )
                    },
                )
                .await?;
            Ok(out.map(|pages| {
                pages
                    .iter()
                    .flat_map(|p| p.action_group_summaries.iter())
                    .map(|g| (id.clone(), g.action_group_id.clone()))
                    .collect::<Vec<_>>()
            }))
        }
    })
    .await?;
    let groups: Vec<(String, String)> = groups.into_iter().flatten().collect();
    each(groups.iter(), |(agent, group)| {
        let ba = &ba;
        let file = format!(
            "{base}/bedrock-agent/get-agent-action-group/{}/{}.json",
            file_name(agent),
            file_name(group)
        );
        let target = format!("{agent}/{group}");
        async move {
            ctx.call(
                sc,
                "bedrock-agent",
                "get-agent-action-group",
                Some(&target),
                Some(file),
                ba.get_agent_action_group()
                    .agent_id(agent)
                    .agent_version(VERSION)
                    .action_group_id(group)
                    .send(),
                |o| {
                    let g = o.agent_action_group.as_ref().map(|g| {
                        let executor = g.action_group_executor.as_ref().map(|e| match e {
                            ActionGroupExecutor::Lambda(arn) => json!({"lambda": arn}),
                            ActionGroupExecutor::CustomControl(c) => {
                                json!({"customControl": c.as_str()})
                            }
                            _ => json!({}),
                        });
                        J::new()
                            .s1("agentId", &g.agent_id)
                            .s1("agentVersion", &g.agent_version)
                            .s1("actionGroupId", &g.action_group_id)
                            .s1("actionGroupName", &g.action_group_name)
                            .s("description", g.description.as_deref())
                            .v("actionGroupExecutor", executor)
                            .s1("actionGroupState", g.action_group_state.as_str())
                            .dt("createdAt", Some(&g.created_at))
                            .dt("updatedAt", Some(&g.updated_at))
                            .done()
                    });
                    J::new().v("agentActionGroup", g).done()
                },
            )
            .await
        }
    })
    .await?;
    Ok(())
}
