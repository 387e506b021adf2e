//! Compute that runs as a role: EC2 instances and launch templates, Glue dev endpoints and jobs, CloudFormation stacks, CodeBuild projects, ECS clusters.

use super::*;

/// EC2 instances and launch templates, Glue dev endpoints, CloudFormation
/// stacks, CodeBuild projects: compute that runs as a role.
pub(super) async fn compute(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    sc: &Scope,
    base: &str,
) -> Result<(), CollectError> {
    let ec2 = aws_sdk_ec2::Client::new(config);
    ctx.call(
        sc,
        "ec2",
        "describe-instances",
        None,
        Some(format!("{base}/ec2/describe-instances.json")),
        ec2.describe_instances()
            .into_paginator()
            .send()
            .try_collect(),
        |pages| {
            obj(
                "Reservations",
                merged(
                    pages,
                    |p| p.reservations.as_ref(),
                    |r| {
                        J::new()
                            .s("ReservationId", r.reservation_id.as_deref())
                            .s("OwnerId", r.owner_id.as_deref())
                            .list("Instances", r.instances.as_ref(), |i| {
                                J::new()
                                    .s("InstanceId", i.instance_id.as_deref())
                                    .s("ImageId", i.image_id.as_deref())
                                    .s("InstanceType", i.instance_type.as_ref().map(|t| t.as_str()))
                                    .dt("LaunchTime", i.launch_time.as_ref())
                                    .s("PrivateIpAddress", i.private_ip_address.as_deref())
                                    .s("PublicIpAddress", i.public_ip_address.as_deref())
                                    .s("SubnetId", i.subnet_id.as_deref())
                                    .s("VpcId", i.vpc_id.as_deref())
                                    .v(
                                        "IamInstanceProfile",
                                        i.iam_instance_profile.as_ref().map(|p| {
                                            J::new()
                                                .s("Arn", p.arn.as_deref())
                                                .s("Id", p.id.as_deref())
                                                .done()
                                        }),
                                    )
                                    .v(
                                        "State",
                                        i.state.as_ref().map(|s| {
                                            J::new()
                                                .i("Code", s.code.map(i64::from))
                                                .s("Name", s.name.as_ref().map(|n| n.as_str()))
                                                .done()
                                        }),
                                    )
                                    .list("Tags", i.tags.as_ref(), |t| {
                                        tag(t.key.as_deref(), t.value.as_deref())
                                    })
                                    .done()
                            })
                            .done()
                    },
                ),
            )
        },
    )
    .await?;

    // Every template's default and latest version (row 5.30): only the
    // instance profile of the data is written (user data may hold secrets).
    ctx.call(
        sc,
        "ec2",
        "describe-launch-template-versions",
        None,
        Some(format!("{base}/ec2/describe-launch-template-versions.json")),
        ec2.describe_launch_template_versions()
            .versions("$Default")
            .versions("$Latest")
            .into_paginator()
            .send()
            .try_collect(),
        |pages| {
            obj(
                "LaunchTemplateVersions",
                merged(
                    pages,
                    |p| p.launch_template_versions.as_ref(),
                    |v| {
                        let data = v.launch_template_data.as_ref().map(|d| {
                            J::new()
                                .v(
                                    "IamInstanceProfile",
                                    d.iam_instance_profile.as_ref().map(|p| {
                                        J::new()
                                            .s("Arn", p.arn.as_deref())
                                            .s("Name", p.name.as_deref())
                                            .done()
                                    }),
                                )
                                .done()
                        });
                        J::new()
                            .s("LaunchTemplateId", v.launch_template_id.as_deref())
                            .s("LaunchTemplateName", v.launch_template_name.as_deref())
                            .i("VersionNumber", v.version_number)
                            .b("DefaultVersion", v.default_version)
                            .v("LaunchTemplateData", data)
                            .done()
                    },
                ),
            )
        },
    )
    .await?;

    let glue = aws_sdk_glue::Client::new(config);
    ctx.call(
        sc,
        "glue",
        "get-dev-endpoints",
        None,
        Some(format!("{base}/glue/get-dev-endpoints.json")),
        glue.get_dev_endpoints()
            .into_paginator()
            .send()
            .try_collect(),
        |pages| {
            obj(
                "DevEndpoints",
                merged(
                    pages,
                    |p| p.dev_endpoints.as_ref(),
                    |d| {
                        J::new()
                            .s("EndpointName", d.endpoint_name.as_deref())
                            .s("RoleArn", d.role_arn.as_deref())
                            .s("Status", d.status.as_deref())
                            .done()
                    },
                ),
            )
        },
    )
    .await?;

    let ecs = aws_sdk_ecs::Client::new(config);
    let clusters = ctx
        .call(
            sc,
            "ecs",
            "list-clusters",
            None,
            Some(format!("{base}/ecs/list-clusters.json")),
            ecs.list_clusters().into_paginator().send().try_collect(),
            |pages| {
                obj(
                    "clusterArns",
                    merged(
                        pages,
                        |p| p.cluster_arns.as_ref(),
                        |a| Value::String(a.clone()),
                    ),
                )
            },
        )
        .await?;
    // Each cluster's registered EC2 container instances: StartTask needs one.
    let clusters: Vec<String> = clusters
        .iter()
        .flatten()
        .flat_map(|p| p.cluster_arns().iter().cloned())
        .collect();
    each(clusters.iter(), |arn| {
        let ecs = &ecs;
        let name = arn.rsplit('/').next().unwrap_or(arn).to_string();
        let file = format!(
            "{base}/ecs/list-container-instances/{}.json",
            file_name(&name)
        );
        async move {
            ctx.call(
                sc,
                "ecs",
                "list-container-instances",
                Some(&name),
                Some(file),
                ecs.list_container_instances()
                    .cluster(arn)
                    .into_paginator()
                    .send()
                    .try_collect(),
                |pages| {
                    obj(
                        "containerInstanceArns",
                        merged(
                            pages,
                            |p| p.container_instance_arns.as_ref(),
                            |a| Value::String(a.clone()),
                        ),
                    )
                },
            )
            .await
        }
    })
    .await?;

    // Default and non-overridable arguments are left out (they may hold
    // secrets).
    ctx.call(
        sc,
        "glue",
        "get-jobs",
        None,
        Some(format!("{base}/glue/get-jobs.json")),
        glue.get_jobs().into_paginator().send().try_collect(),
        |pages| {
            obj(
                "Jobs",
                merged(
                    pages,
                    |p| p.jobs.as_ref(),
                    |j| {
                        let command = j.command.as_ref().map(|c| {
                            J::new()
                                .s("Name", c.name.as_deref())
                                .s("ScriptLocation", c.script_location.as_deref())
                                .done()
                        });
                        J::new()
                            .s("Name", j.name.as_deref())
                            .s("Role", j.role.as_deref())
                            .s("GlueVersion", j.glue_version.as_deref())
                            .v("Command", command)
                            .done()
                    },
                ),
            )
        },
    )
    .await?;

    // Parameters and outputs are left out (they may hold secrets).
    let cfn = aws_sdk_cloudformation::Client::new(config);
    ctx.call(
        sc,
        "cloudformation",
        "describe-stacks",
        None,
        Some(format!("{base}/cloudformation/describe-stacks.json")),
        cfn.describe_stacks().into_paginator().send().try_collect(),
        |pages| {
            obj(
                "Stacks",
                merged(
                    pages,
                    |p| p.stacks.as_ref(),
                    |s| {
                        J::new()
                            .s("StackId", s.stack_id.as_deref())
                            .s("StackName", s.stack_name.as_deref())
                            .s("Description", s.description.as_deref())
                            .dt("CreationTime", s.creation_time.as_ref())
                            .dt("LastUpdatedTime", s.last_updated_time.as_ref())
                            .s("StackStatus", s.stack_status.as_ref().map(|x| x.as_str()))
                            .list("Capabilities", s.capabilities.as_ref(), |c| {
                                Value::String(c.as_str().to_string())
                            })
                            .s("RoleARN", s.role_arn.as_deref())
                            .done()
                    },
                ),
            )
        },
    )
    .await?;

    // Environment variables are left out (they may hold secrets).
    let cb = aws_sdk_codebuild::Client::new(config);
    let pages = ctx
        .call(
            sc,
            "codebuild",
            "list-projects",
            None,
            None,
            cb.list_projects().into_paginator().send().try_collect(),
            |_| Value::Null,
        )
        .await?;
    let Some(pages) = pages else {
        return Ok(());
    };
    let names: Vec<String> = pages
        .iter()
        .flat_map(|p| p.projects().iter().cloned())
        .collect();
    // `batch-get-projects` takes at most 100 names; the answers are merged.
    let mut projects = Vec::new();
    let mut failed = None;
    for chunk in names.chunks(100) {
        match cb
            .batch_get_projects()
            .set_names(Some(chunk.to_vec()))
            .send()
            .await
        {
            Ok(o) => projects.extend(o.projects.unwrap_or_default()),
            Err(e) => {
                failed = Some(crate::ctx::classify(&e));
                break;
            }
        }
    }
    match failed {
        Some((status, message)) => {
            ctx.fail(sc, "codebuild", "batch-get-projects", None, status, message)
        }
        None => {
            let file = format!("{base}/codebuild/batch-get-projects.json");
            let v = obj(
                "projects",
                Value::Array(
                    projects
                        .iter()
                        .map(|p| {
                            J::new()
                                .s("name", p.name.as_deref())
                                .s("arn", p.arn.as_deref())
                                .s("description", p.description.as_deref())
                                .s("serviceRole", p.service_role.as_deref())
                                .s("encryptionKey", p.encryption_key.as_deref())
                                .done()
                        })
                        .collect(),
                ),
            );
            ctx.write(&file, &v)?;
            ctx.ok(sc, "codebuild", "batch-get-projects", None, file);
        }
    }
    Ok(())
}
