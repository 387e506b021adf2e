//! SNS topics and SQS queues with their policies.

use super::*;

/// The last `:`-separated part of an ARN (an SNS topic's name).
pub(super) fn arn_name(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}

pub(super) async fn sns(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    sc: &Scope,
    base: &str,
) -> Result<(), CollectError> {
    let sns = aws_sdk_sns::Client::new(config);
    let pages = ctx
        .call(
            sc,
            "sns",
            "list-topics",
            None,
            Some(format!("{base}/sns/list-topics.json")),
            sns.list_topics().into_paginator().send().try_collect(),
            |pages| {
                obj(
                    "Topics",
                    merged(
                        pages,
                        |p| p.topics.as_ref(),
                        |t| J::new().s("TopicArn", t.topic_arn.as_deref()).done(),
                    ),
                )
            },
        )
        .await?;
    let arns: Vec<String> = pages
        .iter()
        .flatten()
        .flat_map(|p| p.topics().iter().filter_map(|t| t.topic_arn.clone()))
        .collect();
    each(arns.iter(), |arn| {
        let sns = &sns;
        let name = arn_name(arn);
        let file = format!("{base}/sns/get-topic-attributes/{}.json", file_name(name));
        async move {
            ctx.call(
                sc,
                "sns",
                "get-topic-attributes",
                Some(name),
                Some(file),
                sns.get_topic_attributes().topic_arn(arn).send(),
                |o| J::new().map("Attributes", o.attributes.as_ref()).done(),
            )
            .await
        }
    })
    .await?;
    Ok(())
}

pub(super) async fn sqs(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    sc: &Scope,
    base: &str,
) -> Result<(), CollectError> {
    use aws_sdk_sqs::types::QueueAttributeName;
    let sqs = aws_sdk_sqs::Client::new(config);
    let pages = ctx
        .call(
            sc,
            "sqs",
            "list-queues",
            None,
            Some(format!("{base}/sqs/list-queues.json")),
            sqs.list_queues().into_paginator().send().try_collect(),
            |pages| {
                obj(
                    "QueueUrls",
                    merged(
                        pages,
                        |p| p.queue_urls.as_ref(),
                        |u| Value::String(u.clone()),
                    ),
                )
            },
        )
        .await?;
    let urls: Vec<String> = pages
        .iter()
        .flatten()
        .flat_map(|p| p.queue_urls().iter().cloned())
        .collect();
    each(urls.iter(), |url| {
        let sqs = &sqs;
        let name = url.trim_end_matches('/').rsplit('/').next().unwrap_or(url);
        let file = format!("{base}/sqs/get-queue-attributes/{}.json", file_name(name));
        async move {
            ctx.call(
                sc,
                "sqs",
                "get-queue-attributes",
                Some(name),
                Some(file),
                sqs.get_queue_attributes()
                    .queue_url(url)
                    .attribute_names(QueueAttributeName::All)
                    .send(),
                |o| {
                    let m = o.attributes.as_ref().map(|m| {
                        m.iter()
                            .map(|(k, v)| (k.as_str().to_string(), v.clone()))
                            .collect::<std::collections::HashMap<String, String>>()
                    });
                    J::new().map("Attributes", m.as_ref()).done()
                },
            )
            .await
        }
    })
    .await?;
    Ok(())
}
