//! Amazon Cognito identity pools (`cognito-identity/list-identity-pools`):
//! where a role trusting `cognito-identity.amazonaws.com` can be handed out.

use super::*;

/// The inventory of identity pools.
pub(crate) const IDENTITY_POOLS: &str = "cognito-identity/list-identity-pools";

impl Reader {
    /// The files of this family; `Ok(false)` for an operation it does not
    /// know.
    pub(crate) fn read_cognito(
        &mut self,
        file: &File,
        out: &mut EstateBuilder,
    ) -> Result<bool, Bad> {
        let (account, region, top) = file.place();
        match (file.op, file.resource) {
            ("list-identity-pools", []) => {
                self.each(top, "IdentityPools", out, &mut |s, o, _| {
                    let id = o.req_str("IdentityPoolId")?.to_string();
                    let name = opt(o, "IdentityPoolName")?.unwrap_or_else(|| id.clone());
                    s.facts.inv.identity_pools.push(IdentityPool {
                        account: account.to_string(),
                        region: region.to_string(),
                        id,
                        name,
                    });
                    Ok(())
                });
                self.seen(account, IDENTITY_POOLS);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
