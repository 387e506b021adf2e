//! Lambda: functions and their resource policies.

use super::*;

impl Reader {
    /// The files of this family; `Ok(false)` for an operation it does not
    /// know.
    pub(crate) fn read_lambda(
        &mut self,
        file: &File<'_>,
        out: &mut EstateBuilder,
    ) -> Result<bool, Bad> {
        let File {
            account,
            region: _,
            service,
            op,
            resource,
            top,
        } = *file;
        match (service, op, resource) {
            ("lambda", "list-functions", []) => {
                self.each(top, "Functions", out, &mut |s, o, out| {
                    let name = o.req_str("FunctionName")?;
                    let arn = o.req_str("FunctionArn")?;
                    let mut r = s.resource(
                        &LAMBDA_FUNCTION,
                        arn.to_string(),
                        name.to_string(),
                        account,
                        o.path.clone(),
                    );
                    r.role = opt(o, "Role")?;
                    r.attrs.created = opt(o, "LastModified")?;
                    r.policy_key = Some(file.key("lambda", name));
                    s.add_resource(r, out);
                    Ok(())
                });
                self.seen(account, LAMBDA_FUNCTION.inventory);
            }
            ("lambda", "get-policy", [name]) => {
                let doc = top.map.get("Policy").cloned().unwrap_or(Value::Null);
                self.pending_policy(
                    file.key("lambda", name),
                    format!("resource policy of function {name}"),
                    &doc,
                    top.at("Policy"),
                    out,
                );
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
