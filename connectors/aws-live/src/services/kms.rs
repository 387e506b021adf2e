//! KMS: keys and their key policies.

use super::*;

pub(super) async fn kms(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    sc: &Scope,
    base: &str,
) -> Result<(), CollectError> {
    let kms = aws_sdk_kms::Client::new(config);
    let pages = ctx
        .call(
            sc,
            "kms",
            "list-keys",
            None,
            Some(format!("{base}/kms/list-keys.json")),
            kms.list_keys().into_paginator().send().try_collect(),
            |pages| {
                obj(
                    "Keys",
                    merged(
                        pages,
                        |p| p.keys.as_ref(),
                        |k| {
                            J::new()
                                .s("KeyId", k.key_id.as_deref())
                                .s("KeyArn", k.key_arn.as_deref())
                                .done()
                        },
                    ),
                )
            },
        )
        .await?;
    let ids: Vec<String> = pages
        .iter()
        .flatten()
        .flat_map(|p| p.keys().iter().filter_map(|k| k.key_id.clone()))
        .collect();
    each(ids.iter(), |id| {
        let kms = &kms;
        let file = format!("{base}/kms/get-key-policy/{}.json", file_name(id));
        async move {
            ctx.call(
                sc,
                "kms",
                "get-key-policy",
                Some(id),
                Some(file),
                kms.get_key_policy()
                    .key_id(id)
                    .policy_name("default")
                    .send(),
                |o| {
                    J::new()
                        .s("Policy", o.policy.as_deref())
                        .s("PolicyName", o.policy_name.as_deref())
                        .done()
                },
            )
            .await
        }
    })
    .await?;
    Ok(())
}
