//! IAM: the authorization details, the credential report, access keys and their last use.

use super::*;

pub(super) fn attached(p: &aws_sdk_iam::types::AttachedPolicy) -> Value {
    J::new()
        .s("PolicyName", p.policy_name.as_deref())
        .s("PolicyArn", p.policy_arn.as_deref())
        .done()
}

pub(super) fn inline(p: &aws_sdk_iam::types::PolicyDetail) -> Value {
    J::new()
        .s("PolicyName", p.policy_name.as_deref())
        .doc("PolicyDocument", p.policy_document.as_deref())
        .done()
}

pub(super) fn boundary(
    b: Option<&aws_sdk_iam::types::AttachedPermissionsBoundary>,
) -> Option<Value> {
    b.map(|b| {
        J::new()
            .s(
                "PermissionsBoundaryType",
                b.permissions_boundary_type.as_ref().map(|t| t.as_str()),
            )
            .s(
                "PermissionsBoundaryArn",
                b.permissions_boundary_arn.as_deref(),
            )
            .done()
    })
}

pub(super) fn iam_tag(t: &aws_sdk_iam::types::Tag) -> Value {
    tag(Some(&t.key), Some(&t.value))
}

pub(super) fn last_used(r: Option<&aws_sdk_iam::types::RoleLastUsed>) -> Option<Value> {
    r.map(|r| {
        J::new()
            .dt("LastUsedDate", r.last_used_date.as_ref())
            .s("Region", r.region.as_deref())
            .done()
    })
}

pub(super) fn role(r: &aws_sdk_iam::types::Role) -> Value {
    J::new()
        .s1("Path", &r.path)
        .s1("RoleName", &r.role_name)
        .s1("RoleId", &r.role_id)
        .s1("Arn", &r.arn)
        .dt("CreateDate", Some(&r.create_date))
        .doc(
            "AssumeRolePolicyDocument",
            r.assume_role_policy_document.as_deref(),
        )
        .s("Description", r.description.as_deref())
        .i("MaxSessionDuration", r.max_session_duration.map(i64::from))
        .v(
            "PermissionsBoundary",
            boundary(r.permissions_boundary.as_ref()),
        )
        .list("Tags", r.tags.as_ref(), iam_tag)
        .v("RoleLastUsed", last_used(r.role_last_used.as_ref()))
        .done()
}

pub(super) fn instance_profile(p: &aws_sdk_iam::types::InstanceProfile) -> Value {
    J::new()
        .s1("Path", &p.path)
        .s1("InstanceProfileName", &p.instance_profile_name)
        .s1("InstanceProfileId", &p.instance_profile_id)
        .s1("Arn", &p.arn)
        .dt("CreateDate", Some(&p.create_date))
        .list("Roles", Some(&p.roles), role)
        .list("Tags", p.tags.as_ref(), iam_tag)
        .done()
}

/// `iam get-account-authorization-details`, pages merged.
pub(super) fn authorization_details(
    pages: &[aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput],
) -> Value {
    let users = merged(
        pages,
        |p| p.user_detail_list.as_ref(),
        |u| {
            J::new()
                .s("Path", u.path.as_deref())
                .s("UserName", u.user_name.as_deref())
                .s("UserId", u.user_id.as_deref())
                .s("Arn", u.arn.as_deref())
                .dt("CreateDate", u.create_date.as_ref())
                .list("UserPolicyList", u.user_policy_list.as_ref(), inline)
                .strs("GroupList", u.group_list.as_ref())
                .list(
                    "AttachedManagedPolicies",
                    u.attached_managed_policies.as_ref(),
                    attached,
                )
                .v(
                    "PermissionsBoundary",
                    boundary(u.permissions_boundary.as_ref()),
                )
                .list("Tags", u.tags.as_ref(), iam_tag)
                .done()
        },
    );
    let groups = merged(
        pages,
        |p| p.group_detail_list.as_ref(),
        |g| {
            J::new()
                .s("Path", g.path.as_deref())
                .s("GroupName", g.group_name.as_deref())
                .s("GroupId", g.group_id.as_deref())
                .s("Arn", g.arn.as_deref())
                .dt("CreateDate", g.create_date.as_ref())
                .list("GroupPolicyList", g.group_policy_list.as_ref(), inline)
                .list(
                    "AttachedManagedPolicies",
                    g.attached_managed_policies.as_ref(),
                    attached,
                )
                .done()
        },
    );
    let roles = merged(
        pages,
        |p| p.role_detail_list.as_ref(),
        |r| {
            J::new()
                .s("Path", r.path.as_deref())
                .s("RoleName", r.role_name.as_deref())
                .s("RoleId", r.role_id.as_deref())
                .s("Arn", r.arn.as_deref())
                .dt("CreateDate", r.create_date.as_ref())
                .doc(
                    "AssumeRolePolicyDocument",
                    r.assume_role_policy_document.as_deref(),
                )
                .list(
                    "InstanceProfileList",
                    r.instance_profile_list.as_ref(),
                    instance_profile,
                )
                .list("RolePolicyList", r.role_policy_list.as_ref(), inline)
                .list(
                    "AttachedManagedPolicies",
                    r.attached_managed_policies.as_ref(),
                    attached,
                )
                .v(
                    "PermissionsBoundary",
                    boundary(r.permissions_boundary.as_ref()),
                )
                .list("Tags", r.tags.as_ref(), iam_tag)
                .v("RoleLastUsed", last_used(r.role_last_used.as_ref()))
                .done()
        },
    );
    let policies = merged(
        pages,
        |p| p.policies.as_ref(),
        |p| {
            J::new()
                .s("PolicyName", p.policy_name.as_deref())
                .s("PolicyId", p.policy_id.as_deref())
                .s("Arn", p.arn.as_deref())
                .s("Path", p.path.as_deref())
                .s("DefaultVersionId", p.default_version_id.as_deref())
                .i("AttachmentCount", p.attachment_count.map(i64::from))
                .i(
                    "PermissionsBoundaryUsageCount",
                    p.permissions_boundary_usage_count.map(i64::from),
                )
                .b("IsAttachable", Some(p.is_attachable))
                .s("Description", p.description.as_deref())
                .dt("CreateDate", p.create_date.as_ref())
                .dt("UpdateDate", p.update_date.as_ref())
                .list("PolicyVersionList", p.policy_version_list.as_ref(), |v| {
                    J::new()
                        .doc("Document", v.document.as_deref())
                        .s("VersionId", v.version_id.as_deref())
                        .b("IsDefaultVersion", Some(v.is_default_version))
                        .dt("CreateDate", v.create_date.as_ref())
                        .done()
                })
                .done()
        },
    );
    json!({
        "UserDetailList": users,
        "GroupDetailList": groups,
        "RoleDetailList": roles,
        "Policies": policies,
    })
}

/// IAM and S3 (the account's global part).
pub(crate) async fn global(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    account: &str,
    path_style: bool,
) -> Result<(), CollectError> {
    let sc = Scope {
        account: account.to_string(),
        region: "global".into(),
    };
    let base = format!("{account}/global");
    let iam = aws_sdk_iam::Client::new(config);

    let details = ctx
        .call(
            &sc,
            "iam",
            "get-account-authorization-details",
            None,
            Some(format!("{base}/iam/get-account-authorization-details.json")),
            iam.get_account_authorization_details()
                .into_paginator()
                .send()
                .try_collect(),
            |pages| authorization_details(pages),
        )
        .await?;
    let users: Vec<String> = details
        .iter()
        .flatten()
        .flat_map(|p| {
            p.user_detail_list()
                .iter()
                .filter_map(|u| u.user_name.clone())
        })
        .collect();

    credential_report(ctx, &sc, &iam, &base).await?;

    let key_pages = each(users.iter(), |user| {
        let iam = &iam;
        let sc = &sc;
        let file = format!("{base}/iam/list-access-keys/{}.json", file_name(user));
        async move {
            ctx.call(
                sc,
                "iam",
                "list-access-keys",
                Some(user),
                Some(file),
                iam.list_access_keys()
                    .user_name(user)
                    .into_paginator()
                    .send()
                    .try_collect(),
                |pages| {
                    obj(
                        "AccessKeyMetadata",
                        merged(
                            pages,
                            |p| Some(&p.access_key_metadata),
                            |k| {
                                J::new()
                                    .s("UserName", k.user_name.as_deref())
                                    .s("AccessKeyId", k.access_key_id.as_deref())
                                    .s("Status", k.status.as_ref().map(|s| s.as_str()))
                                    .dt("CreateDate", k.create_date.as_ref())
                                    .done()
                            },
                        ),
                    )
                },
            )
            .await
        }
    })
    .await?;
    let keys: Vec<String> = key_pages
        .iter()
        .flatten()
        .flat_map(|p| {
            p.access_key_metadata
                .iter()
                .filter_map(|k| k.access_key_id.clone())
        })
        .collect();
    each(keys.iter(), |key| {
        let iam = &iam;
        let sc = &sc;
        let file = format!(
            "{base}/iam/get-access-key-last-used/{}.json",
            file_name(key)
        );
        async move {
            ctx.call(
                sc,
                "iam",
                "get-access-key-last-used",
                Some(key),
                Some(file),
                iam.get_access_key_last_used().access_key_id(key).send(),
                |o| {
                    J::new()
                        .s("UserName", o.user_name.as_deref())
                        .v(
                            "AccessKeyLastUsed",
                            o.access_key_last_used.as_ref().map(|u| {
                                J::new()
                                    .dt("LastUsedDate", u.last_used_date.as_ref())
                                    .s1("ServiceName", &u.service_name)
                                    .s1("Region", &u.region)
                                    .done()
                            }),
                        )
                        .done()
                },
            )
            .await
        }
    })
    .await?;

    s3(ctx, config, &sc, &base, path_style).await
}

/// `iam generate-credential-report` until it is ready, then
/// `iam get-credential-report`.
pub(super) async fn credential_report(
    ctx: &Ctx<'_>,
    sc: &Scope,
    iam: &aws_sdk_iam::Client,
    base: &str,
) -> Result<(), CollectError> {
    use aws_sdk_iam::types::ReportStateType;
    // Asked until the report is ready; recorded once (the outcome), so that
    // the manifest does not depend on how fast the report was made.
    let mut outcome = Err((
        Status::Error,
        "the credential report was not ready after 10 requests".to_string(),
    ));
    for attempt in 0..10u32 {
        match iam.generate_credential_report().send().await {
            Ok(out) if out.state == Some(ReportStateType::Complete) => {
                outcome = Ok(());
                break;
            }
            Ok(_) => {
                tokio::time::sleep(std::time::Duration::from_millis(
                    500 * u64::from(attempt + 1),
                ))
                .await;
            }
            Err(e) => {
                outcome = Err(crate::ctx::classify(&e));
                break;
            }
        }
    }
    match outcome {
        Ok(()) => ctx.ok_without_file(sc, "iam", "generate-credential-report"),
        Err((status, message)) => {
            ctx.fail(
                sc,
                "iam",
                "generate-credential-report",
                None,
                status,
                message,
            );
            return Ok(());
        }
    }
    ctx.call(
        sc,
        "iam",
        "get-credential-report",
        None,
        Some(format!("{base}/iam/get-credential-report.json")),
        iam.get_credential_report().send(),
        |o| {
            J::new()
                .s(
                    "Content",
                    o.content
                        .as_ref()
                        .map(|b| aws_smithy_types::base64::encode(b.as_ref()))
                        .as_deref(),
                )
                .s("ReportFormat", o.report_format.as_ref().map(|f| f.as_str()))
                .dt("GeneratedTime", o.generated_time.as_ref())
                .done()
        },
    )
    .await?;
    Ok(())
}
