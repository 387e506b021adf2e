//! Secrets Manager and SSM Parameter Store: secrets, parameters, resource
//! policies, tags; values only with `--inspect-secret-values`.

use super::*;

/// Whether a call's answer holds a secret's value. Such files are refused
/// unread unless `--inspect-secret-values` is given.
fn holds_value(service: &str, op: &str) -> bool {
    matches!(
        (service, op),
        (
            "secretsmanager",
            "get-secret-value" | "batch-get-secret-value"
        ) | (
            "ssm",
            "get-parameter" | "get-parameters" | "get-parameters-by-path"
        )
    )
}

/// Whether [`secret_file`] reads this file (from its bytes).
pub(crate) fn is_value_file(raw: &RawFile) -> bool {
    let RawFile::Account {
        service,
        operation,
        resource,
        ..
    } = raw
    else {
        return false;
    };
    is_inspected(service, operation, resource) || holds_value(service, operation)
}

/// What a collection found in values: `SERVICE/blastgraph-inspected.json`.
fn is_inspected(service: &str, operation: &str, resource: &[String]) -> bool {
    resource.is_empty()
        && matches!(service, "secretsmanager" | "ssm")
        && format!("{operation}.json") == blastgraph_model::credentials::INSPECTED_FILE
}

/// A file the usual parse must not touch: a secret's value, or what a
/// collection found in values (`SERVICE/blastgraph-inspected.json`). `None`
/// for any other file.
pub(crate) fn secret_file(
    path: &str,
    bytes: &[u8],
    raw: &RawFile,
    out: &mut EstateBuilder,
) -> Option<Result<(), IngestError>> {
    let RawFile::Account {
        account,
        region,
        service,
        operation,
        resource,
    } = raw
    else {
        return None;
    };
    if is_inspected(service, operation, resource) {
        return Some(read_inspected(path, bytes, service, out));
    }
    if !holds_value(service, operation) {
        return None;
    }
    let region = region.as_deref().unwrap_or_default();
    Some(read_value(
        path,
        bytes,
        (account, region),
        (service, operation, resource),
        out,
    ))
}

/// What `collect aws --inspect-secret-values` found in the values it read
/// (`REGION/secretsmanager/blastgraph-inspected.json`,
/// `REGION/ssm/blastgraph-inspected.json`; never a value): with the flag,
/// each credential a hint on its secret's node; without it, skipped. A bad
/// entry is reported and the others kept.
fn read_inspected(
    path: &str,
    bytes: &[u8],
    service: &str,
    out: &mut EstateBuilder,
) -> Result<(), IngestError> {
    let doc = read_document(path, bytes, out)?;
    let top = Obj::new(&doc, "$".into()).map_err(|e| IngestError::Shape {
        file: path.to_string(),
        location: e.location,
        message: e.message,
    })?;
    for entry in blastgraph_model::credentials::read_inspected_file(&top, out) {
        let secret = if service == "secretsmanager" {
            blastgraph_model::ids::aws_secret(&entry.secret)
        } else {
            entry.secret
        };
        for (f, at) in &entry.found {
            out.add_found(&secret, f, path, at);
        }
    }
    Ok(())
}

/// A value file (`secretsmanager/get-secret-value/NAME.json`,
/// `ssm/get-parameter/NAME.json`, as the AWS CLI prints them): with
/// `--inspect-secret-values`, the value is scanned in memory for the
/// credentials it holds (hints the estate places once every input is
/// read) and dropped; without it, the file is skipped unread.
fn read_value(
    path: &str,
    bytes: &[u8],
    (account, region): (&str, &str),
    (service, op, resource): (&str, &str, &[String]),
    out: &mut EstateBuilder,
) -> Result<(), IngestError> {
    let call = format!("{service} {op}");
    if !out.inspect_values() {
        out.warning(
            "$",
            format!("`{call}` answers with a secret's value; blastgraph reads values only with --inspect-secret-values; file skipped unread"),
        );
        return Ok(());
    }
    let shape = |e: blastgraph_model::json::RecordError| IngestError::Shape {
        file: path.to_string(),
        location: e.location,
        message: e.message,
    };
    let doc = read_document(path, bytes, out)?;
    let top = Obj::new(&doc, "$".into()).map_err(shape)?;
    match (service, op, resource) {
        ("secretsmanager", "get-secret-value", [name]) => {
            // The full ARN names the node without its suffix; a file
            // without one is named by the secret's name.
            let id = top.opt_str("ARN").map_err(shape)?.map_or_else(
                || format!("arn:aws:secretsmanager:{region}:{account}:secret:{name}"),
                blastgraph_model::ids::aws_secret,
            );
            match top.opt_str("SecretString").map_err(shape)? {
                Some(v) => out.inspect_secret_value(&id, v, path, "$.SecretString"),
                None => out.warning(
                    "$",
                    "no `SecretString` (a binary secret is not inspected)",
                ),
            }
        }
        ("ssm", "get-parameter", [name]) => {
            let p = Obj::new(
                top.map.get("Parameter").unwrap_or(&Value::Null),
                top.at("Parameter"),
            )
            .map_err(shape)?;
            if p.opt_str("Type").map_err(shape)? != Some("SecureString") {
                out.warning(
                    p.at("Type"),
                    "not a SecureString parameter: the graph holds no node for it; not inspected",
                );
                return Ok(());
            }
            let id = p.opt_str("ARN").map_err(shape)?.map_or_else(
                || {
                    format!(
                        "arn:aws:ssm:{region}:{account}:parameter/{}",
                        name.trim_start_matches('/')
                    )
                },
                str::to_string,
            );
            if let Some(v) = p.opt_str("Value").map_err(shape)? {
                out.inspect_secret_value(&id, v, path, &p.at("Value"));
            }
        }
        _ => out.warning(
            "$",
            format!("`{call}` is not inspected: values are read from `secretsmanager/get-secret-value/NAME.json` and `ssm/get-parameter/NAME.json` (docs/aws-raw-layout.md); file skipped"),
        ),
    }
    Ok(())
}

impl Reader {
    /// The files of this family; `Ok(false)` for an operation it does not
    /// know.
    pub(crate) fn read_secrets(
        &mut self,
        file: &File,
        out: &mut EstateBuilder,
    ) -> Result<bool, Bad> {
        let (account, region, top) = file.place();
        match file.call() {
            ("secretsmanager", "list-secrets", []) => {
                self.each(top, "SecretList", out, &mut |s, o, out| {
                    let arn = o.req_str("ARN")?;
                    let name = opt(o, "Name")?
                        .unwrap_or_else(|| arn.rsplit(':').next().unwrap_or(arn).to_string());
                    let mut r = s.resource(
                        &SECRET,
                        arn.to_string(),
                        name.clone(),
                        account,
                        o.path.clone(),
                    );
                    r.attrs.created = opt(o, "CreatedDate")?;
                    r.attrs.last_used = opt(o, "LastAccessedDate")?;
                    r.kms_key = opt(o, "KmsKeyId")?;
                    r.policy_key = Some(file.key("secretsmanager", &name));
                    r.tags = Some(tag_list(o));
                    s.add_resource(r, out);
                    Ok(())
                });
                self.seen(account, SECRET.inventory);
            }
            ("secretsmanager", "get-resource-policy", [name]) => {
                let doc = top
                    .map
                    .get("ResourcePolicy")
                    .cloned()
                    .unwrap_or(Value::Null);
                self.pending_policy(
                    file.key("secretsmanager", name),
                    format!("resource policy of secret {name}"),
                    &doc,
                    top.at("ResourcePolicy"),
                    out,
                );
            }
            ("ssm", "describe-parameters", []) => {
                self.each(top, "Parameters", out, &mut |s, o, out| {
                    let name = o.req_str("Name")?;
                    if o.opt_str("Type")? != Some("SecureString") {
                        return Ok(());
                    }
                    let arn = opt(o, "ARN")?.unwrap_or_else(|| {
                        format!(
                            "arn:aws:ssm:{region}:{account}:parameter/{}",
                            name.trim_start_matches('/')
                        )
                    });
                    let mut r = s.resource(
                        &SSM_SECURE_STRING,
                        arn,
                        name.to_string(),
                        account,
                        o.path.clone(),
                    );
                    r.attrs.created = opt(o, "LastModifiedDate")?;
                    r.kms_key = opt(o, "KeyId")?;
                    // Its tags come from list-tags-for-resource/NAME.
                    r.policy_key = Some(file.key("ssm", name));
                    s.add_resource(r, out);
                    Ok(())
                });
                self.seen(account, SSM_SECURE_STRING.inventory);
            }
            ("ssm", "list-tags-for-resource", [name]) => {
                // `aws ssm list-tags-for-resource --resource-type Parameter
                // --resource-id NAME`: `{"TagList": [{"Key", "Value"}]}`.
                if let Some(v) = top.map.get("TagList")
                    && !v.is_array()
                {
                    return Err((
                        top.at("TagList"),
                        format!("expected an array, found {}", type_name(v)),
                    )
                        .into());
                }
                self.pending_tags(file.key("ssm", name), top, "TagList");
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
