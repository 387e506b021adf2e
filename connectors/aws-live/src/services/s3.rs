//! S3: the bucket list and each bucket's policy, read in the bucket's region.

use super::*;

/// `s3 list-buckets` and `s3 get-bucket-policy` per bucket, in the bucket's
/// region.
pub(super) async fn s3(
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
