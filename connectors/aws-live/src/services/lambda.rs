//! Lambda: functions (without their environment), their resource policies,
//! and the event source mappings that invoke them.

use super::*;

pub(super) async fn lambda(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    sc: &Scope,
    base: &str,
) -> Result<(), CollectError> {
    let lambda = aws_sdk_lambda::Client::new(config);
    // `Environment` (variables, often secrets) is never written.
    let pages = ctx
        .call(
            sc,
            "lambda",
            "list-functions",
            None,
            Some(format!("{base}/lambda/list-functions.json")),
            lambda
                .list_functions()
                .into_paginator()
                .send()
                .try_collect(),
            |pages| {
                obj(
                    "Functions",
                    merged(
                        pages,
                        |p| p.functions.as_ref(),
                        |f| {
                            J::new()
                                .s("FunctionName", f.function_name.as_deref())
                                .s("FunctionArn", f.function_arn.as_deref())
                                .s("Runtime", f.runtime.as_ref().map(|r| r.as_str()))
                                .s("Role", f.role.as_deref())
                                .s("Handler", f.handler.as_deref())
                                .s("Description", f.description.as_deref())
                                .s("LastModified", f.last_modified.as_deref())
                                .s("Version", f.version.as_deref())
                                .s("KMSKeyArn", f.kms_key_arn.as_deref())
                                .s("PackageType", f.package_type.as_ref().map(|r| r.as_str()))
                                .done()
                        },
                    ),
                )
            },
        )
        .await?;
    let names: Vec<String> = pages
        .iter()
        .flatten()
        .flat_map(|p| p.functions().iter().filter_map(|f| f.function_name.clone()))
        .collect();
    each(names.iter(), |name| {
        let lambda = &lambda;
        let file = format!("{base}/lambda/get-policy/{}.json", file_name(name));
        async move {
            ctx.call(
                sc,
                "lambda",
                "get-policy",
                Some(name),
                Some(file),
                lambda.get_policy().function_name(name).send(),
                |o| {
                    J::new()
                        .s("Policy", o.policy.as_deref())
                        .s("RevisionId", o.revision_id.as_deref())
                        .done()
                },
            )
            .await
        }
    })
    .await?;
    // Streams and queues that invoke a function: new code there runs
    // without the attacker invoking it.
    ctx.call(
        sc,
        "lambda",
        "list-event-source-mappings",
        None,
        Some(format!("{base}/lambda/list-event-source-mappings.json")),
        lambda
            .list_event_source_mappings()
            .into_paginator()
            .send()
            .try_collect(),
        |pages| {
            obj(
                "EventSourceMappings",
                merged(
                    pages,
                    |p| p.event_source_mappings.as_ref(),
                    |m| {
                        J::new()
                            .s("UUID", m.uuid.as_deref())
                            .s("EventSourceArn", m.event_source_arn.as_deref())
                            .s("FunctionArn", m.function_arn.as_deref())
                            .s("State", m.state.as_deref())
                            .done()
                    },
                ),
            )
        },
    )
    .await?;
    Ok(())
}
