//! Secrets Manager and SSM Parameter Store: metadata and resource policies, never values.

use super::*;
use blastgraph_model::credentials::{INSPECTED_FILE, InspectedSecret, scan_value};

pub(super) async fn secretsmanager(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    sc: &Scope,
    base: &str,
) -> Result<(), CollectError> {
    let sm = aws_sdk_secretsmanager::Client::new(config);
    // Metadata only: `list-secrets` returns no secret value.
    let pages = ctx
        .call(
            sc,
            "secretsmanager",
            "list-secrets",
            None,
            Some(format!("{base}/secretsmanager/list-secrets.json")),
            sm.list_secrets().into_paginator().send().try_collect(),
            |pages| {
                obj(
                    "SecretList",
                    merged(
                        pages,
                        |p| p.secret_list.as_ref(),
                        |s| {
                            J::new()
                                .s("ARN", s.arn.as_deref())
                                .s("Name", s.name.as_deref())
                                .s("Description", s.description.as_deref())
                                .s("KmsKeyId", s.kms_key_id.as_deref())
                                .b("RotationEnabled", s.rotation_enabled)
                                .s("RotationLambdaARN", s.rotation_lambda_arn.as_deref())
                                .dt("LastRotatedDate", s.last_rotated_date.as_ref())
                                .dt("LastChangedDate", s.last_changed_date.as_ref())
                                .dt("LastAccessedDate", s.last_accessed_date.as_ref())
                                .dt("DeletedDate", s.deleted_date.as_ref())
                                .list("Tags", s.tags.as_ref(), |t| {
                                    tag(t.key.as_deref(), t.value.as_deref())
                                })
                                .s("OwningService", s.owning_service.as_deref())
                                .dt("CreatedDate", s.created_date.as_ref())
                                .s("PrimaryRegion", s.primary_region.as_deref())
                                .done()
                        },
                    ),
                )
            },
        )
        .await?;
    let secrets: Vec<(String, String)> = pages
        .iter()
        .flatten()
        .flat_map(|p| p.secret_list().iter())
        .filter_map(|s| Some((s.arn.clone()?, s.name.clone()?)))
        .collect();
    each(secrets.iter(), |(arn, name)| {
        let sm = &sm;
        let file = format!(
            "{base}/secretsmanager/get-resource-policy/{}.json",
            file_name(name)
        );
        async move {
            ctx.call(
                sc,
                "secretsmanager",
                "get-resource-policy",
                Some(name),
                Some(file),
                sm.get_resource_policy().secret_id(arn).send(),
                |o| {
                    J::new()
                        .s("ARN", o.arn.as_deref())
                        .s("Name", o.name.as_deref())
                        .s("ResourcePolicy", o.resource_policy.as_deref())
                        .done()
                },
            )
            .await
        }
    })
    .await?;
    if ctx.inspect {
        // Each value in memory: scanned, then dropped; the call is recorded,
        // no file holds its answer.
        let found = each(secrets.iter(), |(arn, name)| {
            let sm = &sm;
            async move {
                let out = ctx
                    .call(
                        sc,
                        "secretsmanager",
                        "get-secret-value",
                        Some(name),
                        None,
                        sm.get_secret_value().secret_id(arn).send(),
                        |_| Value::Null,
                    )
                    .await?;
                Ok(out
                    .and_then(|o| o.secret_string().map(scan_value))
                    .filter(|f| !f.is_empty())
                    .map(|f| InspectedSecret {
                        secret: arn.clone(),
                        found: f.iter().map(Into::into).collect(),
                    }))
            }
        })
        .await?;
        ctx.write_inspected(
            sc,
            "secretsmanager",
            format!("{base}/secretsmanager/{INSPECTED_FILE}"),
            found,
        )?;
    }
    Ok(())
}

pub(super) async fn ssm(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    sc: &Scope,
    base: &str,
) -> Result<(), CollectError> {
    let ssm = aws_sdk_ssm::Client::new(config);
    // Metadata only: `describe-parameters` returns no parameter value.
    let pages = ctx
        .call(
            sc,
            "ssm",
            "describe-parameters",
            None,
            Some(format!("{base}/ssm/describe-parameters.json")),
            ssm.describe_parameters()
                .into_paginator()
                .send()
                .try_collect(),
            |pages| {
                obj(
                    "Parameters",
                    merged(
                        pages,
                        |p| p.parameters.as_ref(),
                        |x| {
                            J::new()
                                .s("Name", x.name.as_deref())
                                .s("ARN", x.arn.as_deref())
                                .s("Type", x.r#type.as_ref().map(|t| t.as_str()))
                                .s("KeyId", x.key_id.as_deref())
                                .dt("LastModifiedDate", x.last_modified_date.as_ref())
                                .s("LastModifiedUser", x.last_modified_user.as_deref())
                                .s("Description", x.description.as_deref())
                                .i("Version", Some(x.version))
                                .s("Tier", x.tier.as_ref().map(|t| t.as_str()))
                                .s("DataType", x.data_type.as_deref())
                                .done()
                        },
                    ),
                )
            },
        )
        .await?;
    // Tags of the SecureString parameters (the only ones the graph keeps):
    // a `credential-of` tag says whose credential the value is.
    let secure: Vec<(String, Option<String>)> = pages
        .iter()
        .flatten()
        .flat_map(|p| p.parameters().iter())
        .filter(|x| x.r#type.as_ref().map(|t| t.as_str()) == Some("SecureString"))
        .filter_map(|x| Some((x.name.clone()?, x.arn.clone())))
        .collect();
    each(secure.iter(), |(name, _)| {
        let ssm = &ssm;
        let file = format!("{base}/ssm/list-tags-for-resource/{}.json", file_name(name));
        async move {
            ctx.call(
                sc,
                "ssm",
                "list-tags-for-resource",
                Some(name),
                Some(file),
                ssm.list_tags_for_resource()
                    .resource_type(aws_sdk_ssm::types::ResourceTypeForTagging::Parameter)
                    .resource_id(name)
                    .send(),
                |o| {
                    J::new()
                        .list("TagList", o.tag_list.as_ref(), |t| {
                            tag(Some(t.key.as_str()), Some(t.value.as_str()))
                        })
                        .done()
                },
            )
            .await
        }
    })
    .await?;
    if ctx.inspect {
        let found = each(secure.iter(), |(name, arn)| {
            let ssm = &ssm;
            async move {
                let out = ctx
                    .call(
                        sc,
                        "ssm",
                        "get-parameter",
                        Some(name),
                        None,
                        ssm.get_parameter().name(name).with_decryption(true).send(),
                        |_| Value::Null,
                    )
                    .await?;
                Ok(out
                    .and_then(|o| o.parameter()?.value().map(scan_value))
                    .filter(|f| !f.is_empty())
                    .map(|f| InspectedSecret {
                        secret: arn.clone().unwrap_or_else(|| name.clone()),
                        found: f.iter().map(Into::into).collect(),
                    }))
            }
        })
        .await?;
        ctx.write_inspected(sc, "ssm", format!("{base}/ssm/{INSPECTED_FILE}"), found)?;
    }
    Ok(())
}
