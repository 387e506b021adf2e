//! SageMaker: endpoints, models, notebooks, domains and user profiles.

use super::*;

pub(super) async fn sagemaker(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    sc: &Scope,
    base: &str,
) -> Result<(), CollectError> {
    let sm = aws_sdk_sagemaker::Client::new(config);
    ctx.call(
        sc,
        "sagemaker",
        "list-endpoints",
        None,
        Some(format!("{base}/sagemaker/list-endpoints.json")),
        sm.list_endpoints().into_paginator().send().try_collect(),
        |pages| {
            obj(
                "Endpoints",
                merged(
                    pages,
                    |p| p.endpoints.as_ref(),
                    |e| {
                        J::new()
                            .s("EndpointName", e.endpoint_name.as_deref())
                            .s("EndpointArn", e.endpoint_arn.as_deref())
                            .dt("CreationTime", e.creation_time.as_ref())
                            .dt("LastModifiedTime", e.last_modified_time.as_ref())
                            .s(
                                "EndpointStatus",
                                e.endpoint_status.as_ref().map(|s| s.as_str()),
                            )
                            .done()
                    },
                ),
            )
        },
    )
    .await?;
    ctx.call(
        sc,
        "sagemaker",
        "list-models",
        None,
        Some(format!("{base}/sagemaker/list-models.json")),
        sm.list_models().into_paginator().send().try_collect(),
        |pages| {
            obj(
                "Models",
                merged(
                    pages,
                    |p| p.models.as_ref(),
                    |m| {
                        J::new()
                            .s("ModelName", m.model_name.as_deref())
                            .s("ModelArn", m.model_arn.as_deref())
                            .dt("CreationTime", m.creation_time.as_ref())
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
            "sagemaker",
            "list-domains",
            None,
            Some(format!("{base}/sagemaker/list-domains.json")),
            sm.list_domains().into_paginator().send().try_collect(),
            |pages| {
                obj(
                    "Domains",
                    merged(
                        pages,
                        |p| p.domains.as_ref(),
                        |d| {
                            J::new()
                                .s("DomainId", d.domain_id.as_deref())
                                .s("DomainArn", d.domain_arn.as_deref())
                                .s("DomainName", d.domain_name.as_deref())
                                .s("Status", d.status.as_ref().map(|s| s.as_str()))
                                .done()
                        },
                    ),
                )
            },
        )
        .await?;
    let domains: Vec<String> = pages
        .iter()
        .flatten()
        .flat_map(|p| p.domains().iter().filter_map(|d| d.domain_id.clone()))
        .collect();
    each(domains.iter(), |id| {
        let sm = &sm;
        let file = format!("{base}/sagemaker/describe-domain/{}.json", file_name(id));
        async move {
            ctx.call(
                sc,
                "sagemaker",
                "describe-domain",
                Some(id),
                Some(file),
                sm.describe_domain().domain_id(id).send(),
                |o| {
                    let defaults = o.default_user_settings.as_ref().map(|u| {
                        J::new()
                            .s("ExecutionRole", u.execution_role.as_deref())
                            .done()
                    });
                    J::new()
                        .s("DomainId", o.domain_id.as_deref())
                        .s("DomainArn", o.domain_arn.as_deref())
                        .s("DomainName", o.domain_name.as_deref())
                        .s("AuthMode", o.auth_mode.as_ref().map(|s| s.as_str()))
                        .s("Status", o.status.as_ref().map(|s| s.as_str()))
                        .v("DefaultUserSettings", defaults)
                        .done()
                },
            )
            .await
        }
    })
    .await?;
    for domain in &domains {
        let pages = ctx
            .call(
                sc,
                "sagemaker",
                "list-user-profiles",
                Some(domain),
                None,
                sm.list_user_profiles()
                    .domain_id_equals(domain)
                    .into_paginator()
                    .send()
                    .try_collect(),
                |_| Value::Null,
            )
            .await?;
        let profiles: Vec<String> = pages
            .iter()
            .flatten()
            .flat_map(|p| {
                p.user_profiles()
                    .iter()
                    .filter_map(|u| u.user_profile_name.clone())
            })
            .collect();
        each(profiles.iter(), |name| {
            let sm = &sm;
            let file = format!(
                "{base}/sagemaker/describe-user-profile/{}/{}.json",
                file_name(domain),
                file_name(name)
            );
            async move {
                ctx.call(
                    sc,
                    "sagemaker",
                    "describe-user-profile",
                    Some(name),
                    Some(file),
                    sm.describe_user_profile()
                        .domain_id(domain)
                        .user_profile_name(name)
                        .send(),
                    |o| {
                        let settings = o.user_settings.as_ref().map(|u| {
                            J::new()
                                .s("ExecutionRole", u.execution_role.as_deref())
                                .done()
                        });
                        J::new()
                            .s("DomainId", o.domain_id.as_deref())
                            .s("UserProfileArn", o.user_profile_arn.as_deref())
                            .s("UserProfileName", o.user_profile_name.as_deref())
                            .s("Status", o.status.as_ref().map(|s| s.as_str()))
                            .v("UserSettings", settings)
                            .done()
                    },
                )
                .await
            }
        })
        .await?;
    }
    let pages = ctx
        .call(
            sc,
            "sagemaker",
            "list-notebook-instances",
            None,
            Some(format!("{base}/sagemaker/list-notebook-instances.json")),
            sm.list_notebook_instances()
                .into_paginator()
                .send()
                .try_collect(),
            |pages| {
                obj(
                    "NotebookInstances",
                    merged(
                        pages,
                        |p| p.notebook_instances.as_ref(),
                        |n| {
                            J::new()
                                .s("NotebookInstanceName", n.notebook_instance_name.as_deref())
                                .s("NotebookInstanceArn", n.notebook_instance_arn.as_deref())
                                .s(
                                    "NotebookInstanceStatus",
                                    n.notebook_instance_status.as_ref().map(|s| s.as_str()),
                                )
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
        .flat_map(|p| {
            p.notebook_instances()
                .iter()
                .filter_map(|n| n.notebook_instance_name.clone())
        })
        .collect();
    each(names.iter(), |name| {
        let sm = &sm;
        let file = format!(
            "{base}/sagemaker/describe-notebook-instance/{}.json",
            file_name(name)
        );
        async move {
            ctx.call(
                sc,
                "sagemaker",
                "describe-notebook-instance",
                Some(name),
                Some(file),
                sm.describe_notebook_instance()
                    .notebook_instance_name(name)
                    .send(),
                |o| {
                    J::new()
                        .s("NotebookInstanceArn", o.notebook_instance_arn.as_deref())
                        .s("NotebookInstanceName", o.notebook_instance_name.as_deref())
                        .s(
                            "NotebookInstanceStatus",
                            o.notebook_instance_status.as_ref().map(|s| s.as_str()),
                        )
                        .s("InstanceType", o.instance_type.as_ref().map(|s| s.as_str()))
                        .s("RoleArn", o.role_arn.as_deref())
                        .s("KmsKeyId", o.kms_key_id.as_deref())
                        .s(
                            "DirectInternetAccess",
                            o.direct_internet_access.as_ref().map(|s| s.as_str()),
                        )
                        .s("RootAccess", o.root_access.as_ref().map(|s| s.as_str()))
                        .dt("LastModifiedTime", o.last_modified_time.as_ref())
                        .dt("CreationTime", o.creation_time.as_ref())
                        .done()
                },
            )
            .await
        }
    })
    .await?;
    Ok(())
}
