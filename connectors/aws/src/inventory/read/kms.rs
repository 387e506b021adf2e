//! KMS: keys and key policies.

use super::*;

impl Reader {
    /// The files of this family; `Ok(false)` for an operation it does not
    /// know.
    pub(crate) fn read_kms(&mut self, file: &File, out: &mut EstateBuilder) -> Result<bool, Bad> {
        let (account, region, top) = file.place();
        match file.call() {
            ("kms", "list-keys", []) => {
                self.each(top, "Keys", out, &mut |s, o, _| {
                    let id = o.req_str("KeyId")?;
                    let arn = opt(o, "KeyArn")?
                        .unwrap_or_else(|| format!("arn:aws:kms:{region}:{account}:key/{id}"));
                    s.facts.inv.key_ids.insert(
                        (account.to_string(), region.to_string(), id.to_string()),
                        arn.clone(),
                    );
                    s.facts
                        .inv
                        .keys
                        .entry(arn.clone())
                        .or_insert(Key { policy: None });
                    Ok(())
                });
            }
            ("kms", "get-key-policy", [key_id]) => {
                let doc = top.map.get("Policy").cloned().unwrap_or(Value::Null);
                self.pending_policy(
                    file.key("kms", key_id),
                    format!("key policy of {key_id}"),
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
