//! Bedrock: foundation and custom models, knowledge bases, agents, action groups.

use super::*;

impl Reader {
    /// The files of this family; `Ok(false)` for an operation it does not
    /// know.
    pub(crate) fn read_bedrock(
        &mut self,
        file: &File,
        out: &mut EstateBuilder,
    ) -> Result<bool, Bad> {
        let (account, region, top) = file.place();
        match file.call() {
            ("bedrock", "list-foundation-models" | "list-custom-models", []) => {
                let foundation = file.op == "list-foundation-models";
                let spec = if foundation {
                    &BEDROCK_FOUNDATION_MODEL
                } else {
                    &BEDROCK_CUSTOM_MODEL
                };
                self.each(top, "modelSummaries", out, &mut |s, o, out| {
                    let arn = o.req_str("modelArn")?.to_string();
                    let name = opt(o, if foundation { "modelId" } else { "modelName" })?
                        .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or(&arn).to_string());
                    // Foundation models are AWS's: one node per region,
                    // reachable from every account that lists it.
                    let owner = if foundation { "" } else { account };
                    let mut r = s.resource(spec, arn, name, owner, o.path.clone());
                    if let Some(p) = opt(o, "providerName")? {
                        r.attrs.tags.insert("aws:provider".into(), p);
                    }
                    if foundation {
                        r.attrs
                            .tags
                            .insert(crate::inventory::LISTED_BY.into(), account.to_string());
                        s.facts
                            .inv
                            .seen
                            .entry(account.to_string())
                            .or_default()
                            .insert("bedrock/list-foundation-models");
                        let arn = r.arn.clone();
                        if s.facts.inv.by_arn.contains_key(&arn) {
                            s.facts.inv.foundation_users(&arn, account);
                            return Ok(());
                        }
                        s.add_resource(r, out);
                        s.facts.inv.foundation_users(&arn, account);
                    } else {
                        s.add_resource(r, out);
                    }
                    Ok(())
                });
                self.seen(account, spec.inventory);
            }
            // The listing only tells that agents were collected (the
            // `get-agent` files carry what is needed).
            ("bedrock-agent", "list-agents", []) => {
                self.each(top, "agentSummaries", out, &mut |_, _, _| Ok(()));
                self.seen(account, BEDROCK_AGENT.inventory);
            }
            ("bedrock-agent", "list-knowledge-bases", []) => {
                self.each(top, "knowledgeBaseSummaries", out, &mut |s, o, out| {
                    let id = o.req_str("knowledgeBaseId")?;
                    let name = opt(o, "name")?.unwrap_or_else(|| id.to_string());
                    let arn = format!("arn:aws:bedrock:{region}:{account}:knowledge-base/{id}");
                    let r = s.resource(&BEDROCK_KNOWLEDGE_BASE, arn, name, account, o.path.clone());
                    s.add_resource(r, out);
                    Ok(())
                });
                self.seen(account, BEDROCK_KNOWLEDGE_BASE.inventory);
            }
            ("bedrock-agent", "get-agent", [_]) => {
                let Some(a) = top.map.get("agent") else {
                    return Err((top.at("agent"), "missing required field `agent`".into()).into());
                };
                let ao = Obj::new(a, top.at("agent"))?;
                let id = ao.req_str("agentId")?;
                let arn = opt(&ao, "agentArn")?
                    .unwrap_or_else(|| format!("arn:aws:bedrock:{region}:{account}:agent/{id}"));
                let name = opt(&ao, "agentName")?.unwrap_or_else(|| id.to_string());
                let mut r = self.resource(&BEDROCK_AGENT, arn, name, account, ao.path.clone());
                r.alt = Some(format!(
                    "arn:aws:bedrock:{region}:{account}:agent-alias/{id}/*"
                ));
                r.role = opt(&ao, "agentResourceRoleArn")?;
                self.add_resource(r, out);
                self.seen(account, BEDROCK_AGENT.inventory);
            }
            ("bedrock-agent", "list-agent-action-groups", [agent]) => {
                let agent_arn = format!("arn:aws:bedrock:{region}:{account}:agent/{agent}");
                self.each(top, "actionGroupSummaries", out, &mut |s, o, out| {
                    let id = o.req_str("actionGroupId")?;
                    let name = opt(o, "actionGroupName")?.unwrap_or_else(|| id.to_string());
                    let mut r = s.resource(
                        &BEDROCK_ACTION_GROUP,
                        format!("{agent_arn}/action-group/{id}"),
                        name,
                        account,
                        o.path.clone(),
                    );
                    r.alt = Some(format!(
                        "arn:aws:bedrock:{region}:{account}:agent-alias/{agent}/*"
                    ));
                    r.parent = Some(agent_arn.clone());
                    s.add_resource(r, out);
                    Ok(())
                });
            }
            ("bedrock-agent", "get-agent-action-group", [agent, group]) => {
                let arn = format!(
                    "arn:aws:bedrock:{region}:{account}:agent/{agent}/action-group/{group}"
                );
                let lambda = top
                    .map
                    .get("agentActionGroup")
                    .and_then(|g| g.get("actionGroupExecutor"))
                    .and_then(|e| e.get("lambda"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                if let (Some(l), Some(&ix)) = (lambda, self.facts.inv.by_arn.get(&arn))
                    && let Some(r) = self.facts.inv.resources.get_mut(ix)
                {
                    r.attrs.tags.insert("aws:executor_lambda".into(), l);
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
