//! DynamoDB, RDS, Redshift, OpenSearch.

use super::*;

impl Reader {
    /// The files of this family; `Ok(false)` for an operation it does not
    /// know.
    pub(crate) fn read_databases(
        &mut self,
        file: &File,
        out: &mut EstateBuilder,
    ) -> Result<bool, Bad> {
        let (account, region, top) = file.place();
        match file.call() {
            ("dynamodb", "list-tables", []) => {
                match top.map.get("TableNames") {
                    None | Some(Value::Null) => {}
                    Some(Value::Array(names)) => {
                        for (i, n) in names.iter().enumerate().filter(|(_, n)| !is_skipped(n)) {
                            let at = format!("{}[{i}]", top.at("TableNames"));
                            let Some(name) = n.as_str() else {
                                out.error(
                                    at,
                                    format!("expected a table name, found {}", type_name(n)),
                                );
                                continue;
                            };
                            let arn = format!("arn:aws:dynamodb:{region}:{account}:table/{name}");
                            let r =
                                self.resource(&DYNAMODB_TABLE, arn, name.to_string(), account, at);
                            self.add_resource(r, out);
                        }
                    }
                    Some(other) => {
                        return Err((
                            top.at("TableNames"),
                            format!("expected an array, found {}", type_name(other)),
                        )
                            .into());
                    }
                }
                self.seen(account, DYNAMODB_TABLE.inventory);
            }
            ("rds", "describe-db-instances" | "describe-db-clusters", []) => {
                let cluster = file.op == "describe-db-clusters";
                let (list, id_key, arn_key, res_key, spec) = if cluster {
                    (
                        "DBClusters",
                        "DBClusterIdentifier",
                        "DBClusterArn",
                        "DbClusterResourceId",
                        &RDS_CLUSTER,
                    )
                } else {
                    (
                        "DBInstances",
                        "DBInstanceIdentifier",
                        "DBInstanceArn",
                        "DbiResourceId",
                        &RDS_INSTANCE,
                    )
                };
                self.each(top, list, out, &mut |s, o, out| {
                    let id = o.req_str(id_key)?;
                    let arn = o.req_str(arn_key)?;
                    let mut r = s.resource(
                        spec,
                        arn.to_string(),
                        id.to_string(),
                        account,
                        o.path.clone(),
                    );
                    if o.opt_bool("IAMDatabaseAuthenticationEnabled")? == Some(true)
                        && let Some(res) = opt(o, res_key)?
                    {
                        r.alt = Some(format!("arn:aws:rds-db:{region}:{account}:dbuser:{res}/*"));
                    }
                    if let Some(e) = opt(o, "Engine")? {
                        r.attrs.tags.insert("aws:engine".into(), e);
                    }
                    s.add_resource(r, out);
                    Ok(())
                });
                self.seen(account, spec.inventory);
            }
            ("redshift", "describe-clusters", []) => {
                self.each(top, "Clusters", out, &mut |s, o, out| {
                    let id = o.req_str("ClusterIdentifier")?;
                    let arn = format!("arn:aws:redshift:{region}:{account}:cluster:{id}");
                    let mut r = s.resource(
                        &REDSHIFT_CLUSTER,
                        arn,
                        id.to_string(),
                        account,
                        o.path.clone(),
                    );
                    r.alt = Some(format!("arn:aws:redshift:{region}:{account}:dbuser:{id}/*"));
                    s.add_resource(r, out);
                    Ok(())
                });
                self.seen(account, REDSHIFT_CLUSTER.inventory);
            }
            ("opensearch", "describe-domains", []) => {
                self.each(top, "DomainStatusList", out, &mut |s, o, out| {
                    let name = o.req_str("DomainName")?;
                    let arn = o.req_str("ARN")?.to_string();
                    let mut r = s.resource(
                        &OPENSEARCH_DOMAIN,
                        arn,
                        name.to_string(),
                        account,
                        o.path.clone(),
                    );
                    if let Some(doc) = o
                        .map
                        .get("AccessPolicies")
                        .filter(|d| !d.is_null() && d.as_str() != Some(""))
                    {
                        r.policy = s.parse_doc(
                            format!("access policy of domain {name}"),
                            doc,
                            o.at("AccessPolicies"),
                            None,
                            out,
                        );
                        r.named = named_principals(doc);
                    }
                    s.add_resource(r, out);
                    Ok(())
                });
                self.seen(account, OPENSEARCH_DOMAIN.inventory);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
