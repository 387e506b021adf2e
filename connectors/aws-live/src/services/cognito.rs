//! Amazon Cognito identity pools: where a role trusting Cognito can be
//! handed out (row 3.6 of docs/aws-escalation-methods.md).

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
