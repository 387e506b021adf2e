//! Secrets Manager and SSM Parameter Store: secrets, parameters, resource policies.

use super::*;

impl Reader {
    /// The files of this family; `Ok(false)` for an operation it does not
    /// know.
    pub(crate) fn read_secrets(
        &mut self,
        file: &File<'_>,
        out: &mut EstateBuilder,
    ) -> Result<bool, Bad> {
        let File {
            account,
            region,
            service,
            op,
            resource,
            top,
        } = *file;
        match (service, op, resource) {
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
                    s.add_resource(r, out);
                    Ok(())
                });
                self.seen(account, SSM_SECURE_STRING.inventory);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
