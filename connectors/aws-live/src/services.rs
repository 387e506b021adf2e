//! One function per part of the layout: the calls, and the conversion of
//! their outputs to the CLI's JSON.

use std::collections::BTreeMap;
use std::future::Future;

use aws_config::{Region, SdkConfig};
use futures_util::stream::{self, StreamExt};
use serde_json::{Value, json};

use crate::CollectError;
use crate::ctx::{Ctx, Outcome, Scope};
use crate::json::{J, file_name, tag};
use crate::manifest::Status;

/// Per-resource calls in flight at once (in one thread; `buffered` keeps
/// their order).
const CONCURRENCY: usize = 8;

/// Runs `f` over `items`, [`CONCURRENCY`] at a time, and keeps the outputs
/// of the calls that succeeded, in order.
async fn each<I, F, Fut, T>(items: I, f: F) -> Result<Vec<T>, CollectError>
where
    I: IntoIterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future<Output = Outcome<T>>,
{
    let results: Vec<Outcome<T>> = stream::iter(items)
        .map(f)
        .buffered(CONCURRENCY)
        .collect()
        .await;
    let mut out = Vec::new();
    for r in results {
        if let Some(t) = r? {
            out.push(t);
        }
    }
    Ok(out)
}

/// `[x for page in pages for x in page.key]` as one JSON array.
fn merged<P, T>(
    pages: &[P],
    items: impl Fn(&P) -> Option<&Vec<T>>,
    f: impl Fn(&T) -> Value,
) -> Value {
    Value::Array(
        pages
            .iter()
            .filter_map(items)
            .flat_map(|v| v.iter().map(&f))
            .collect(),
    )
}

fn obj(key: &str, v: Value) -> Value {
    let mut m = serde_json::Map::new();
    m.insert(key.into(), v);
    Value::Object(m)
}

// ---------------------------------------------------------------- global --

fn attached(p: &aws_sdk_iam::types::AttachedPolicy) -> Value {
    J::new()
        .s("PolicyName", p.policy_name.as_deref())
        .s("PolicyArn", p.policy_arn.as_deref())
        .done()
}

fn inline(p: &aws_sdk_iam::types::PolicyDetail) -> Value {
    J::new()
        .s("PolicyName", p.policy_name.as_deref())
        .doc("PolicyDocument", p.policy_document.as_deref())
        .done()
}

fn boundary(b: Option<&aws_sdk_iam::types::AttachedPermissionsBoundary>) -> Option<Value> {
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

fn iam_tag(t: &aws_sdk_iam::types::Tag) -> Value {
    tag(Some(&t.key), Some(&t.value))
}

fn last_used(r: Option<&aws_sdk_iam::types::RoleLastUsed>) -> Option<Value> {
    r.map(|r| {
        J::new()
            .dt("LastUsedDate", r.last_used_date.as_ref())
            .s("Region", r.region.as_deref())
            .done()
    })
}

fn role(r: &aws_sdk_iam::types::Role) -> Value {
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

fn instance_profile(p: &aws_sdk_iam::types::InstanceProfile) -> Value {
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
fn authorization_details(
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
async fn credential_report(
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

/// `s3 list-buckets` and `s3 get-bucket-policy` per bucket, in the bucket's
/// region.
async fn s3(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    sc: &Scope,
    base: &str,
    path_style: bool,
) -> Result<(), CollectError> {
    let client_in = |region: Option<&str>| {
        let mut b = aws_sdk_s3::config::Builder::from(config).force_path_style(path_style);
        if let Some(r) = region {
            b = b.region(Region::new(r.to_string()));
        }
        aws_sdk_s3::Client::from_conf(b.build())
    };
    let s3 = client_in(None);
    let Some(pages) = ctx
        .call(
            sc,
            "s3",
            "list-buckets",
            None,
            Some(format!("{base}/s3/list-buckets.json")),
            s3.list_buckets().into_paginator().send().try_collect(),
            |pages| {
                let buckets = merged(
                    pages,
                    |p| p.buckets.as_ref(),
                    |b| {
                        J::new()
                            .s("Name", b.name.as_deref())
                            .dt("CreationDate", b.creation_date.as_ref())
                            .s("BucketRegion", b.bucket_region.as_deref())
                            .done()
                    },
                );
                let owner = pages.iter().find_map(|p| p.owner.as_ref()).map(|o| {
                    J::new()
                        .s("DisplayName", o.display_name.as_deref())
                        .s("ID", o.id.as_deref())
                        .done()
                });
                J::new()
                    .v("Buckets", Some(buckets))
                    .v("Owner", owner)
                    .done()
            },
        )
        .await?
    else {
        return Ok(());
    };
    let buckets: Vec<(String, Option<String>)> = pages
        .iter()
        .flat_map(|p| p.buckets())
        .filter_map(|b| Some((b.name.clone()?, b.bucket_region.clone())))
        .collect();
    let mut clients: BTreeMap<Option<String>, aws_sdk_s3::Client> = BTreeMap::new();
    for (_, region) in &buckets {
        clients
            .entry(region.clone())
            .or_insert_with(|| client_in(region.as_deref()));
    }
    each(buckets.iter(), |(name, region)| {
        let client = clients.get(region).cloned().unwrap_or_else(|| s3.clone());
        let file = format!("{base}/s3/get-bucket-policy/{}.json", file_name(name));
        async move {
            ctx.call(
                sc,
                "s3",
                "get-bucket-policy",
                Some(name),
                Some(file),
                client.get_bucket_policy().bucket(name).send(),
                |o| J::new().s("Policy", o.policy.as_deref()).done(),
            )
            .await
        }
    })
    .await?;
    Ok(())
}

// --------------------------------------------------------- organizations --

fn policy_types(v: Option<&Vec<aws_sdk_organizations::types::PolicyTypeSummary>>) -> Option<Value> {
    v.map(|v| {
        Value::Array(
            v.iter()
                .map(|t| {
                    J::new()
                        .s("Type", t.r#type.as_ref().map(|x| x.as_str()))
                        .s("Status", t.status.as_ref().map(|x| x.as_str()))
                        .done()
                })
                .collect(),
        )
    })
}

/// The organization, its tree, and its SCPs and RCPs, from the caller's
/// account (the management or a delegated administrator account). An
/// account outside any organization, or one that may not read it, gets
/// one recorded call and nothing else.
pub(crate) async fn organizations(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    account: &str,
) -> Result<(), CollectError> {
    use aws_sdk_organizations::types::PolicyType;
    let sc = Scope {
        account: account.to_string(),
        region: "global".into(),
    };
    let org = aws_sdk_organizations::Client::new(config);
    let base = "organizations";
    let described = ctx
        .call(
            &sc,
            "organizations",
            "describe-organization",
            None,
            Some(format!("{base}/describe-organization.json")),
            org.describe_organization().send(),
            |o| {
                let org = o.organization.as_ref().map(|g| {
                    J::new()
                        .s("Id", g.id.as_deref())
                        .s("Arn", g.arn.as_deref())
                        .s("FeatureSet", g.feature_set.as_ref().map(|f| f.as_str()))
                        .s("MasterAccountArn", g.master_account_arn.as_deref())
                        .s("MasterAccountId", g.master_account_id.as_deref())
                        .s("MasterAccountEmail", g.master_account_email.as_deref())
                        .v(
                            "AvailablePolicyTypes",
                            policy_types(g.available_policy_types.as_ref()),
                        )
                        .done()
                });
                J::new().v("Organization", org).done()
            },
        )
        .await?;
    if described.is_none() {
        return Ok(());
    }
    let roots = ctx
        .call(
            &sc,
            "organizations",
            "list-roots",
            None,
            Some(format!("{base}/list-roots.json")),
            org.list_roots().into_paginator().send().try_collect(),
            |pages| {
                obj(
                    "Roots",
                    merged(
                        pages,
                        |p| p.roots.as_ref(),
                        |r| {
                            J::new()
                                .s("Id", r.id.as_deref())
                                .s("Arn", r.arn.as_deref())
                                .s("Name", r.name.as_deref())
                                .v("PolicyTypes", policy_types(r.policy_types.as_ref()))
                                .done()
                        },
                    ),
                )
            },
        )
        .await?;
    let accounts = ctx
        .call(
            &sc,
            "organizations",
            "list-accounts",
            None,
            Some(format!("{base}/list-accounts.json")),
            org.list_accounts().into_paginator().send().try_collect(),
            |pages| {
                obj(
                    "Accounts",
                    merged(
                        pages,
                        |p| p.accounts.as_ref(),
                        |a| {
                            J::new()
                                .s("Id", a.id.as_deref())
                                .s("Arn", a.arn.as_deref())
                                .s("Email", a.email.as_deref())
                                .s("Name", a.name.as_deref())
                                .s("Status", a.status.as_ref().map(|s| s.as_str()))
                                .s("State", a.state.as_ref().map(|s| s.as_str()))
                                .s("JoinedMethod", a.joined_method.as_ref().map(|s| s.as_str()))
                                .dt("JoinedTimestamp", a.joined_timestamp.as_ref())
                                .done()
                        },
                    ),
                )
            },
        )
        .await?;

    // Organizational units, breadth first from the roots.
    let mut children: Vec<String> = accounts
        .iter()
        .flatten()
        .flat_map(|p| p.accounts().iter().filter_map(|a| a.id.clone()))
        .collect();
    let mut frontier: Vec<String> = roots
        .iter()
        .flatten()
        .flat_map(|p| p.roots().iter().filter_map(|r| r.id.clone()))
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    while !frontier.is_empty() {
        let pages = each(frontier.iter(), |parent| {
            let org = &org;
            let sc = &sc;
            async move {
                ctx.call(
                    sc,
                    "organizations",
                    "list-organizational-units-for-parent",
                    Some(parent),
                    None,
                    org.list_organizational_units_for_parent()
                        .parent_id(parent)
                        .into_paginator()
                        .send()
                        .try_collect(),
                    |_| Value::Null,
                )
                .await
            }
        })
        .await?;
        frontier = pages
            .iter()
            .flatten()
            .flat_map(|p| p.organizational_units().iter().filter_map(|u| u.id.clone()))
            .filter(|id| seen.insert(id.clone()))
            .collect();
        children.extend(frontier.iter().cloned());
    }
    each(children.iter(), |child| {
        let org = &org;
        let sc = &sc;
        let file = format!("{base}/list-parents/{}.json", file_name(child));
        async move {
            ctx.call(
                sc,
                "organizations",
                "list-parents",
                Some(child),
                Some(file),
                org.list_parents()
                    .child_id(child)
                    .into_paginator()
                    .send()
                    .try_collect(),
                |pages| {
                    obj(
                        "Parents",
                        merged(
                            pages,
                            |p| p.parents.as_ref(),
                            |x| {
                                J::new()
                                    .s("Id", x.id.as_deref())
                                    .s("Type", x.r#type.as_ref().map(|t| t.as_str()))
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

    let mut policy_ids: Vec<String> = Vec::new();
    for filter in [
        PolicyType::ServiceControlPolicy,
        PolicyType::ResourceControlPolicy,
    ] {
        let pages = ctx
            .call(
                &sc,
                "organizations",
                "list-policies",
                Some(filter.as_str()),
                Some(format!("{base}/list-policies/{}.json", filter.as_str())),
                org.list_policies()
                    .filter(filter.clone())
                    .into_paginator()
                    .send()
                    .try_collect(),
                |pages| {
                    obj(
                        "Policies",
                        merged(pages, |p| p.policies.as_ref(), org_policy_summary),
                    )
                },
            )
            .await?;
        policy_ids.extend(
            pages
                .iter()
                .flatten()
                .flat_map(|p| p.policies().iter().filter_map(|x| x.id.clone())),
        );
    }
    each(policy_ids.iter(), |id| {
        let org = &org;
        let sc = &sc;
        let file = format!("{base}/describe-policy/{}.json", file_name(id));
        async move {
            ctx.call(
                sc,
                "organizations",
                "describe-policy",
                Some(id),
                Some(file),
                org.describe_policy().policy_id(id).send(),
                |o| {
                    let p = o.policy.as_ref().map(|p| {
                        J::new()
                            .v(
                                "PolicySummary",
                                p.policy_summary.as_ref().map(org_policy_summary),
                            )
                            .s("Content", p.content.as_deref())
                            .done()
                    });
                    J::new().v("Policy", p).done()
                },
            )
            .await
        }
    })
    .await?;
    each(policy_ids.iter(), |id| {
        let org = &org;
        let sc = &sc;
        let file = format!("{base}/list-targets-for-policy/{}.json", file_name(id));
        async move {
            ctx.call(
                sc,
                "organizations",
                "list-targets-for-policy",
                Some(id),
                Some(file),
                org.list_targets_for_policy()
                    .policy_id(id)
                    .into_paginator()
                    .send()
                    .try_collect(),
                |pages| {
                    obj(
                        "Targets",
                        merged(
                            pages,
                            |p| p.targets.as_ref(),
                            |t| {
                                J::new()
                                    .s("TargetId", t.target_id.as_deref())
                                    .s("Arn", t.arn.as_deref())
                                    .s("Name", t.name.as_deref())
                                    .s("Type", t.r#type.as_ref().map(|x| x.as_str()))
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
    Ok(())
}

fn org_policy_summary(p: &aws_sdk_organizations::types::PolicySummary) -> Value {
    J::new()
        .s("Id", p.id.as_deref())
        .s("Arn", p.arn.as_deref())
        .s("Name", p.name.as_deref())
        .s("Description", p.description.as_deref())
        .s("Type", p.r#type.as_ref().map(|x| x.as_str()))
        .b("AwsManaged", Some(p.aws_managed))
        .done()
}

// -------------------------------------------------------------- regional --

/// Every regional part of the layout, for one account and region.
pub(crate) async fn regional(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    account: &str,
    region: &str,
) -> Result<(), CollectError> {
    let sc = Scope {
        account: account.to_string(),
        region: region.to_string(),
    };
    let base = format!("{account}/{region}");
    let (sc, base) = (&sc, base.as_str());
    kms(ctx, config, sc, base).await?;
    secretsmanager(ctx, config, sc, base).await?;
    ssm(ctx, config, sc, base).await?;
    lambda(ctx, config, sc, base).await?;
    sns(ctx, config, sc, base).await?;
    sqs(ctx, config, sc, base).await?;
    databases(ctx, config, sc, base).await?;
    sagemaker(ctx, config, sc, base).await?;
    bedrock(ctx, config, sc, base).await?;
    bedrock_agent(ctx, config, sc, base).await?;
    compute(ctx, config, sc, base).await?;
    Ok(())
}

async fn kms(
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

async fn secretsmanager(
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
    Ok(())
}

async fn ssm(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    sc: &Scope,
    base: &str,
) -> Result<(), CollectError> {
    let ssm = aws_sdk_ssm::Client::new(config);
    // Metadata only: `describe-parameters` returns no parameter value.
    ctx.call(
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
    Ok(())
}

async fn lambda(
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
    Ok(())
}

/// The last `:`-separated part of an ARN (an SNS topic's name).
fn arn_name(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}

async fn sns(
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

async fn sqs(
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

/// DynamoDB, RDS, Redshift, OpenSearch.
async fn databases(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    sc: &Scope,
    base: &str,
) -> Result<(), CollectError> {
    let ddb = aws_sdk_dynamodb::Client::new(config);
    ctx.call(
        sc,
        "dynamodb",
        "list-tables",
        None,
        Some(format!("{base}/dynamodb/list-tables.json")),
        ddb.list_tables().into_paginator().send().try_collect(),
        |pages| {
            obj(
                "TableNames",
                merged(
                    pages,
                    |p| p.table_names.as_ref(),
                    |t| Value::String(t.clone()),
                ),
            )
        },
    )
    .await?;

    // Master user names are left out.
    let rds = aws_sdk_rds::Client::new(config);
    ctx.call(
        sc,
        "rds",
        "describe-db-instances",
        None,
        Some(format!("{base}/rds/describe-db-instances.json")),
        rds.describe_db_instances()
            .into_paginator()
            .send()
            .try_collect(),
        |pages| {
            obj(
                "DBInstances",
                merged(
                    pages,
                    |p| p.db_instances.as_ref(),
                    |d| {
                        J::new()
                            .s("DBInstanceIdentifier", d.db_instance_identifier.as_deref())
                            .s("DBInstanceClass", d.db_instance_class.as_deref())
                            .s("Engine", d.engine.as_deref())
                            .s("DBInstanceStatus", d.db_instance_status.as_deref())
                            .s("DBName", d.db_name.as_deref())
                            .s("DbiResourceId", d.dbi_resource_id.as_deref())
                            .s("DBInstanceArn", d.db_instance_arn.as_deref())
                            .b(
                                "IAMDatabaseAuthenticationEnabled",
                                d.iam_database_authentication_enabled,
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
        "rds",
        "describe-db-clusters",
        None,
        Some(format!("{base}/rds/describe-db-clusters.json")),
        rds.describe_db_clusters()
            .into_paginator()
            .send()
            .try_collect(),
        |pages| {
            obj(
                "DBClusters",
                merged(
                    pages,
                    |p| p.db_clusters.as_ref(),
                    |d| {
                        J::new()
                            .s("DatabaseName", d.database_name.as_deref())
                            .s("DBClusterIdentifier", d.db_cluster_identifier.as_deref())
                            .s("Status", d.status.as_deref())
                            .s("Engine", d.engine.as_deref())
                            .s("DbClusterResourceId", d.db_cluster_resource_id.as_deref())
                            .s("DBClusterArn", d.db_cluster_arn.as_deref())
                            .b(
                                "IAMDatabaseAuthenticationEnabled",
                                d.iam_database_authentication_enabled,
                            )
                            .done()
                    },
                ),
            )
        },
    )
    .await?;

    let redshift = aws_sdk_redshift::Client::new(config);
    ctx.call(
        sc,
        "redshift",
        "describe-clusters",
        None,
        Some(format!("{base}/redshift/describe-clusters.json")),
        redshift
            .describe_clusters()
            .into_paginator()
            .send()
            .try_collect(),
        |pages| {
            obj(
                "Clusters",
                merged(
                    pages,
                    |p| p.clusters.as_ref(),
                    |c| {
                        J::new()
                            .s("ClusterIdentifier", c.cluster_identifier.as_deref())
                            .s("NodeType", c.node_type.as_deref())
                            .s("ClusterStatus", c.cluster_status.as_deref())
                            .s("DBName", c.db_name.as_deref())
                            .s("ClusterNamespaceArn", c.cluster_namespace_arn.as_deref())
                            .done()
                    },
                ),
            )
        },
    )
    .await?;

    let os = aws_sdk_opensearch::Client::new(config);
    let Some(names) = ctx
        .call(
            sc,
            "opensearch",
            "list-domain-names",
            None,
            None,
            os.list_domain_names().send(),
            |_| Value::Null,
        )
        .await?
    else {
        return Ok(());
    };
    let names: Vec<String> = names
        .domain_names()
        .iter()
        .filter_map(|d| d.domain_name.clone())
        .collect();
    // `describe-domains` takes at most 5 names; the answers are merged.
    let chunks: Vec<Vec<String>> = names.chunks(5).map(<[String]>::to_vec).collect();
    let mut statuses = Vec::new();
    let mut failed = None;
    for chunk in &chunks {
        match os
            .describe_domains()
            .set_domain_names(Some(chunk.clone()))
            .send()
            .await
        {
            Ok(o) => statuses.extend(o.domain_status_list),
            Err(e) => {
                failed = Some(crate::ctx::classify(&e));
                break;
            }
        }
    }
    let file = format!("{base}/opensearch/describe-domains.json");
    match failed {
        Some((status, message)) => {
            ctx.fail(sc, "opensearch", "describe-domains", None, status, message);
        }
        None => {
            let v = obj(
                "DomainStatusList",
                Value::Array(
                    statuses
                        .iter()
                        .map(|d| {
                            J::new()
                                .s1("DomainId", &d.domain_id)
                                .s1("DomainName", &d.domain_name)
                                .s1("ARN", &d.arn)
                                .s("Endpoint", d.endpoint.as_deref())
                                .s("EngineVersion", d.engine_version.as_deref())
                                .s("AccessPolicies", d.access_policies.as_deref())
                                .done()
                        })
                        .collect(),
                ),
            );
            ctx.write(&file, &v)?;
            ctx.ok(sc, "opensearch", "describe-domains", None, file);
        }
    }
    Ok(())
}

async fn sagemaker(
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

async fn bedrock(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    sc: &Scope,
    base: &str,
) -> Result<(), CollectError> {
    let br = aws_sdk_bedrock::Client::new(config);
    ctx.call(
        sc,
        "bedrock",
        "list-foundation-models",
        None,
        Some(format!("{base}/bedrock/list-foundation-models.json")),
        br.list_foundation_models().send(),
        |o| {
            J::new()
                .list("modelSummaries", o.model_summaries.as_ref(), |m| {
                    J::new()
                        .s1("modelArn", &m.model_arn)
                        .s1("modelId", &m.model_id)
                        .s("modelName", m.model_name.as_deref())
                        .s("providerName", m.provider_name.as_deref())
                        .done()
                })
                .done()
        },
    )
    .await?;
    ctx.call(
        sc,
        "bedrock",
        "list-custom-models",
        None,
        Some(format!("{base}/bedrock/list-custom-models.json")),
        br.list_custom_models()
            .into_paginator()
            .send()
            .try_collect(),
        |pages| {
            obj(
                "modelSummaries",
                merged(
                    pages,
                    |p| p.model_summaries.as_ref(),
                    |m| {
                        J::new()
                            .s1("modelArn", &m.model_arn)
                            .s1("modelName", &m.model_name)
                            .dt("creationTime", Some(&m.creation_time))
                            .s1("baseModelArn", &m.base_model_arn)
                            .s1("baseModelName", &m.base_model_name)
                            .s("ownerAccountId", m.owner_account_id.as_deref())
                            .done()
                    },
                ),
            )
        },
    )
    .await?;
    Ok(())
}

/// Bedrock agents at their working version (`DRAFT`), their action groups
/// and the Lambda functions those run, and knowledge bases.
async fn bedrock_agent(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    sc: &Scope,
    base: &str,
) -> Result<(), CollectError> {
    use aws_sdk_bedrockagent::types::ActionGroupExecutor;
    const VERSION: &str = "DRAFT";
    let ba = aws_sdk_bedrockagent::Client::new(config);
    ctx.call(
        sc,
        "bedrock-agent",
        "list-knowledge-bases",
        None,
        Some(format!("{base}/bedrock-agent/list-knowledge-bases.json")),
        ba.list_knowledge_bases()
            .into_paginator()
            .send()
            .try_collect(),
        |pages| {
            obj(
                "knowledgeBaseSummaries",
                merged(
                    pages,
                    |p| Some(&p.knowledge_base_summaries),
                    |k| {
                        J::new()
                            .s1("knowledgeBaseId", &k.knowledge_base_id)
                            .s1("name", &k.name)
                            .s("description", k.description.as_deref())
                            .s1("status", k.status.as_str())
                            .dt("updatedAt", Some(&k.updated_at))
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
            "bedrock-agent",
            "list-agents",
            None,
            Some(format!("{base}/bedrock-agent/list-agents.json")),
            ba.list_agents().into_paginator().send().try_collect(),
            |pages| {
                let items: Vec<Value> = pages
                    .iter()
                    .flat_map(|p| p.agent_summaries.iter())
                    .map(|a| {
                        J::new()
                            .s1("agentId", &a.agent_id)
                            .s1("agentName", &a.agent_name)
                            .s1("agentStatus", a.agent_status.as_str())
                            .done()
                    })
                    .collect();
                obj("agentSummaries", Value::Array(items))
            },
        )
        .await?;
    let agents: Vec<String> = pages
        .iter()
        .flatten()
        .flat_map(|p| p.agent_summaries.iter().map(|a| a.agent_id.clone()))
        .collect();
    each(agents.iter(), |id| {
        let ba = &ba;
        let file = format!("{base}/bedrock-agent/get-agent/{}.json", file_name(id));
        async move {
            ctx.call(
                sc,
                "bedrock-agent",
                "get-agent",
                Some(id),
                Some(file),
                ba.get_agent().agent_id(id).send(),
                |o| {
                    let a = o.agent.as_ref().map(|a| {
                        J::new()
                            .s1("agentId", &a.agent_id)
                            .s1("agentName", &a.agent_name)
                            .s1("agentArn", &a.agent_arn)
                            .s1("agentVersion", &a.agent_version)
                            .s1("agentStatus", a.agent_status.as_str())
                            .s("foundationModel", a.foundation_model.as_deref())
                            .s1("agentResourceRoleArn", &a.agent_resource_role_arn)
                            .s(
                                "customerEncryptionKeyArn",
                                a.customer_encryption_key_arn.as_deref(),
                            )
                            .dt("createdAt", Some(&a.created_at))
                            .dt("updatedAt", Some(&a.updated_at))
                            .done()
                    });
                    J::new().v("agent", a).done()
                },
            )
            .await
        }
    })
    .await?;
    let groups = each(agents.iter(), |id| {
        let ba = &ba;
        let file = format!(
            "{base}/bedrock-agent/list-agent-action-groups/{}.json",
            file_name(id)
        );
        async move {
            let out = ctx
                .call(
                    sc,
                    "bedrock-agent",
                    "list-agent-action-groups",
                    Some(id),
                    Some(file),
                    ba.list_agent_action_groups()
                        .agent_id(id)
                        .agent_version(VERSION)
                        .into_paginator()
                        .send()
                        .try_collect(),
                    |pages| {
                        obj(
                            "actionGroupSummaries",
                            merged(
                                pages,
                                |p| Some(&p.action_group_summaries),
                                |g| {
                                    J::new()
                                        .s1("actionGroupId", &g.action_group_id)
                                        .s1("actionGroupName", &g.action_group_name)
                                        .s1("actionGroupState", g.action_group_state.as_str())
                                        .s("description", g.description.as_deref())
                                        .dt("updatedAt", Some(&g.updated_at))
                                        .done()
                                },
                            ),
                        )
                    },
                )
                .await?;
            Ok(out.map(|pages| {
                pages
                    .iter()
                    .flat_map(|p| p.action_group_summaries.iter())
                    .map(|g| (id.clone(), g.action_group_id.clone()))
                    .collect::<Vec<_>>()
            }))
        }
    })
    .await?;
    let groups: Vec<(String, String)> = groups.into_iter().flatten().collect();
    each(groups.iter(), |(agent, group)| {
        let ba = &ba;
        let file = format!(
            "{base}/bedrock-agent/get-agent-action-group/{}/{}.json",
            file_name(agent),
            file_name(group)
        );
        let target = format!("{agent}/{group}");
        async move {
            ctx.call(
                sc,
                "bedrock-agent",
                "get-agent-action-group",
                Some(&target),
                Some(file),
                ba.get_agent_action_group()
                    .agent_id(agent)
                    .agent_version(VERSION)
                    .action_group_id(group)
                    .send(),
                |o| {
                    let g = o.agent_action_group.as_ref().map(|g| {
                        let executor = g.action_group_executor.as_ref().map(|e| match e {
                            ActionGroupExecutor::Lambda(arn) => json!({"lambda": arn}),
                            ActionGroupExecutor::CustomControl(c) => {
                                json!({"customControl": c.as_str()})
                            }
                            _ => json!({}),
                        });
                        J::new()
                            .s1("agentId", &g.agent_id)
                            .s1("agentVersion", &g.agent_version)
                            .s1("actionGroupId", &g.action_group_id)
                            .s1("actionGroupName", &g.action_group_name)
                            .s("description", g.description.as_deref())
                            .v("actionGroupExecutor", executor)
                            .s1("actionGroupState", g.action_group_state.as_str())
                            .dt("createdAt", Some(&g.created_at))
                            .dt("updatedAt", Some(&g.updated_at))
                            .done()
                    });
                    J::new().v("agentActionGroup", g).done()
                },
            )
            .await
        }
    })
    .await?;
    Ok(())
}

/// EC2 instances, Glue dev endpoints, CloudFormation stacks, CodeBuild
/// projects: compute that runs as a role.
async fn compute(
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
    ctx.call(
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
