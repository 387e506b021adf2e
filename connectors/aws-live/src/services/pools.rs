//! Where an existing resource lets a passed role or a new grant in: Amazon
//! Cognito identity pools (row 3.6 of docs/aws-escalation-methods.md), AWS
//! Batch job queues (row 4.43) and IAM Identity Center instances (rows 2.7
//! and 1.23).

use super::*;

pub(super) async fn cognito_identity(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    sc: &Scope,
    base: &str,
) -> Result<(), CollectError> {
    let cognito = aws_sdk_cognitoidentity::Client::new(config);
    ctx.call(
        sc,
        "cognito-identity",
        "list-identity-pools",
        None,
        Some(format!("{base}/cognito-identity/list-identity-pools.json")),
        cognito
            .list_identity_pools()
            .max_results(60)
            .into_paginator()
            .send()
            .try_collect(),
        |pages| {
            obj(
                "IdentityPools",
                merged(
                    pages,
                    |p| p.identity_pools.as_ref(),
                    |p| {
                        J::new()
                            .s("IdentityPoolId", p.identity_pool_id.as_deref())
                            .s("IdentityPoolName", p.identity_pool_name.as_deref())
                            .done()
                    },
                ),
            )
        },
    )
    .await?;
    Ok(())
}

/// AWS Batch job queues: where a job definition with a passed role can run
/// (pathfinding.cloud `batch-001`).
pub(super) async fn batch(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    sc: &Scope,
    base: &str,
) -> Result<(), CollectError> {
    let batch = aws_sdk_batch::Client::new(config);
    ctx.call(
        sc,
        "batch",
        "describe-job-queues",
        None,
        Some(format!("{base}/batch/describe-job-queues.json")),
        batch
            .describe_job_queues()
            .into_paginator()
            .send()
            .try_collect(),
        |pages| {
            obj(
                "jobQueues",
                merged(
                    pages,
                    |p| p.job_queues.as_ref(),
                    |q| {
                        J::new()
                            .s("jobQueueName", q.job_queue_name.as_deref())
                            .s("jobQueueArn", q.job_queue_arn.as_deref())
                            .s("state", q.state.as_ref().map(|s| s.as_str()))
                            .s("status", q.status.as_ref().map(|s| s.as_str()))
                            .done()
                    },
                ),
            )
        },
    )
    .await?;
    Ok(())
}

/// IAM Identity Center instances: whose permission sets reach every
/// account of the organization (pathfinding.cloud `sso-001`).
pub(super) async fn sso_admin(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    sc: &Scope,
    base: &str,
) -> Result<(), CollectError> {
    let sso = aws_sdk_ssoadmin::Client::new(config);
    ctx.call(
        sc,
        "sso-admin",
        "list-instances",
        None,
        Some(format!("{base}/sso-admin/list-instances.json")),
        sso.list_instances().into_paginator().send().try_collect(),
        |pages| {
            obj(
                "Instances",
                merged(
                    pages,
                    |p| p.instances.as_ref(),
                    |i| {
                        J::new()
                            .s("InstanceArn", i.instance_arn.as_deref())
                            .s("IdentityStoreId", i.identity_store_id.as_deref())
                            .s("OwnerAccountId", i.owner_account_id.as_deref())
                            .s("Status", i.status.as_ref().map(|s| s.as_str()))
                            .done()
                    },
                ),
            )
        },
    )
    .await?;
    Ok(())
}
