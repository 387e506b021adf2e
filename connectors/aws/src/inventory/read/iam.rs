//! IAM beyond the authorization details: the credential report, access keys and their last use.

use super::*;

impl Reader {
    /// The files of this family; `Ok(false)` for an operation it does not
    /// know.
    pub(crate) fn read_iam(&mut self, file: &File, out: &mut EstateBuilder) -> Result<bool, Bad> {
        let (account, _, top) = file.place();
        match file.call() {
            ("iam", "get-account-authorization-details", []) => {
                // Recognised by content normally; a file that is not an
                // object with the detail lists lands here.
                return Err((
                    "$".into(),
                    "expected the output of `aws iam get-account-authorization-details`".into(),
                )
                    .into());
            }
            ("iam", "get-credential-report", []) => {
                self.read_credential_report(account, top, out)?
            }
            ("iam", "list-access-keys", [user]) => {
                // Every key of the user, active or not: the file is the
                // whole list (pages merged), so it settles the key count.
                if let Some(Value::Array(items)) = top.map.get("AccessKeyMetadata") {
                    *self
                        .facts
                        .inv
                        .listed_users
                        .entry((account.to_string(), user.clone()))
                        .or_default() += items.len();
                }
                self.each(top, "AccessKeyMetadata", out, &mut |s, o, _| {
                    let user = o.req_str("UserName")?;
                    let id = o.req_str("AccessKeyId")?;
                    let mut attrs = Attributes {
                        created: opt(o, "CreateDate")?,
                        ..Attributes::default()
                    };
                    if let Some(st) = opt(o, "Status")? {
                        attrs.tags.insert("aws:status".into(), st);
                    }
                    let file = s.file;
                    s.facts.inv.access_keys.push(AccessKey {
                        id: id.to_string(),
                        user_arn: format!("arn:aws:iam::{account}:user/{user}"),
                        account: account.to_string(),
                        file,
                        path: o.path.clone(),
                        attrs,
                        report: false,
                    });
                    Ok(())
                });
                self.seen(account, "iam/list-access-keys");
            }
            ("iam", "get-access-key-last-used", [key_id]) => {
                if let Some(lu) = top.map.get("AccessKeyLastUsed") {
                    let lo = Obj::new(lu, top.at("AccessKeyLastUsed"))?;
                    if let Some(d) = opt(&lo, "LastUsedDate")? {
                        if let Some(k) = self
                            .facts
                            .inv
                            .access_keys
                            .iter_mut()
                            .find(|k| &k.id == key_id)
                        {
                            k.attrs.last_used = Some(d);
                        } else {
                            // Read before its list: keep it for the link step.
                            self.facts.inv.access_keys.push(AccessKey {
                                id: key_id.clone(),
                                user_arn: String::new(),
                                account: account.to_string(),
                                file: self.file,
                                path: "$".into(),
                                attrs: Attributes {
                                    last_used: Some(d),
                                    ..Attributes::default()
                                },
                                report: false,
                            });
                        }
                    }
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
