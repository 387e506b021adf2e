//! Lambda: functions and their resource policies.

use super::*;

/// States of an event source mapping that invokes its function.
const ENABLED_MAPPING: &[&str] = &["Enabled", "Enabling", "Creating", "Updating"];

impl Reader {
    /// The files of this family; `Ok(false)` for an operation it does not
    /// know.
    pub(crate) fn read_lambda(
        &mut self,
        file: &File,
        out: &mut EstateBuilder,
    ) -> Result<bool, Bad> {
        let (account, _, top) = file.place();
        match file.call() {
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
            ("lambda", "list-event-source-mappings", []) => {
                self.each(top, "EventSourceMappings", out, &mut |s, o, _| {
                    let function = o.req_str("FunctionArn")?;
                    // `…:function:NAME` or `…:function:NAME:QUALIFIER`
                    let function = function
                        .splitn(8, ':')
                        .take(7)
                        .collect::<Vec<_>>()
                        .join(":");
                    let state = opt(o, "State")?.unwrap_or_default();
                    if ENABLED_MAPPING.contains(&state.as_str()) {
                        let source = opt(o, "EventSourceArn")?
                            .unwrap_or_else(|| "an event source".to_string());
                        s.facts.inv.triggers.entry(function).or_insert(source);
                    }
                    Ok(())
                });
                self.seen(account, EVENT_SOURCE_MAPPINGS);
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
