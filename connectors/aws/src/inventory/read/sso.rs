//! IAM Identity Center (`sso-admin/list-instances`): the instance whose
//! permission sets reach every account of the organization.

use super::*;

/// The inventory of Identity Center instances.
pub(crate) const SSO_INSTANCES: &str = "sso-admin/list-instances";

impl Reader {
    /// The files of this family; `Ok(false)` for an operation it does not
    /// know.
    pub(crate) fn read_sso(&mut self, file: &File, out: &mut EstateBuilder) -> Result<bool, Bad> {
        let (account, _, top) = file.place();
        match (file.op, file.resource) {
            ("list-instances", []) => {
                self.each(top, "Instances", out, &mut |s, o, _| {
                    let arn = o.req_str("InstanceArn")?.to_string();
                    s.facts.inv.sso_instances.push((account.to_string(), arn));
                    Ok(())
                });
                self.seen(account, SSO_INSTANCES);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
