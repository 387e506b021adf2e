//! S3: the bucket list and bucket policies.

use super::*;

impl Reader {
    /// The files of this family; `Ok(false)` for an operation it does not
    /// know.
    pub(crate) fn read_s3(&mut self, file: &File, out: &mut EstateBuilder) -> Result<bool, Bad> {
        let (account, _, top) = file.place();
        match file.call() {
            ("s3", "list-buckets", []) => {
                self.each(top, "Buckets", out, &mut |s, o, out| {
                    let name = o.req_str("Name")?;
                    let mut r = s.resource(
                        &S3_BUCKET,
                        format!("arn:aws:s3:::{name}"),
                        name.to_string(),
                        account,
                        o.path.clone(),
                    );
                    r.attrs.created = opt(o, "CreationDate")?;
                    r.policy_key = Some(file.key("s3", name));
                    s.add_resource(r, out);
                    Ok(())
                });
                self.seen(account, S3_BUCKET.inventory);
            }
            ("s3", "get-bucket-policy", [bucket]) => {
                let doc = top.map.get("Policy").cloned().unwrap_or(Value::Null);
                self.pending_policy(
                    file.key("s3", bucket),
                    format!("bucket policy of {bucket}"),
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
