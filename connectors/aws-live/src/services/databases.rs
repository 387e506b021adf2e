//! DynamoDB, RDS, Redshift, OpenSearch.

use super::*;

/// DynamoDB, RDS, Redshift, OpenSearch.
pub(super) async fn databases(
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
