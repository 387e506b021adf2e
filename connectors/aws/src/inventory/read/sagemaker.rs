//! SageMaker: endpoints, models, notebooks, domains, user profiles.

use super::*;

impl Reader {
    /// The files of this family; `Ok(false)` for an operation it does not
    /// know.
    pub(crate) fn read_sagemaker(
        &mut self,
        file: &File,
        out: &mut EstateBuilder,
    ) -> Result<bool, Bad> {
        let (account, region, top) = file.place();
        match file.call() {
            ("sagemaker", "list-endpoints" | "list-models", []) => {
                let (list, n, a, spec) = if file.op == "list-endpoints" {
                    (
                        "Endpoints",
                        "EndpointName",
                        "EndpointArn",
                        &SAGEMAKER_ENDPOINT,
                    )
                } else {
                    ("Models", "ModelName", "ModelArn", &SAGEMAKER_MODEL)
                };
                self.each(top, list, out, &mut |s, o, out| {
                    let r = s.resource(
                        spec,
                        o.req_str(a)?.to_string(),
                        o.req_str(n)?.to_string(),
                        account,
                        o.path.clone(),
                    );
                    s.add_resource(r, out);
                    Ok(())
                });
                self.seen(account, spec.inventory);
            }
            ("sagemaker", "describe-notebook-instance", [_]) => {
                let status = opt(top, "NotebookInstanceStatus")?;
                // Row 5.18: the URL needs the instance in service; a stopped
                // one must be started first; a failed or deleted one runs
                // nothing. A missing status (the CLI always prints one)
                // reads as in service.
                let spec = match status.as_deref() {
                    Some("Stopped" | "Stopping" | "Updating") => &SAGEMAKER_NOTEBOOK_STOPPED,
                    Some("Failed" | "Deleting") => &SAGEMAKER_NOTEBOOK_DEAD,
                    _ => &SAGEMAKER_NOTEBOOK,
                };
                let mut r = self.resource(
                    spec,
                    top.req_str("NotebookInstanceArn")?.to_string(),
                    top.req_str("NotebookInstanceName")?.to_string(),
                    account,
                    "$".into(),
                );
                r.role = opt(top, "RoleArn")?;
                if let Some(st) = status {
                    r.attrs.tags.insert("aws:status".into(), st);
                }
                self.add_resource(r, out);
                self.seen(account, SAGEMAKER_NOTEBOOK.inventory);
            }
            // The lists of resources described one file each: they only
            // tell that the kind was collected (the describe files carry
            // what is needed).
            ("sagemaker", "list-notebook-instances" | "list-domains", []) => {
                let (list, inv) = if file.op == "list-domains" {
                    ("Domains", SAGEMAKER_DOMAIN.inventory)
                } else {
                    ("NotebookInstances", SAGEMAKER_NOTEBOOK.inventory)
                };
                self.each(top, list, out, &mut |_, _, _| Ok(()));
                self.seen(account, inv);
            }
            ("sagemaker", "describe-domain", [domain_id]) => {
                let id = opt(top, "DomainId")?.unwrap_or_else(|| domain_id.clone());
                if &id != domain_id {
                    return Err((
                        top.at("DomainId"),
                        format!("expected `{domain_id}` (the file name), found `{id}`"),
                    )
                        .into());
                }
                let arn = opt(top, "DomainArn")?
                    .unwrap_or_else(|| format!("arn:aws:sagemaker:{region}:{account}:domain/{id}"));
                let name = opt(top, "DomainName")?.unwrap_or_else(|| id.clone());
                let auth = opt(top, "AuthMode")?;
                let default_role = match top.map.get("DefaultUserSettings") {
                    None | Some(Value::Null) => None,
                    Some(v) => opt(
                        &Obj::new(v, top.at("DefaultUserSettings"))?,
                        "ExecutionRole",
                    )?,
                };
                let mut r =
                    self.resource(&SAGEMAKER_DOMAIN, arn.clone(), name, account, "$".into());
                if let Some(a) = &auth {
                    r.attrs.tags.insert("aws:auth_mode".into(), a.clone());
                }
                if let Some(st) = opt(top, "Status")? {
                    r.attrs.tags.insert("aws:status".into(), st);
                }
                if self.add_resource(r, out).is_some() {
                    self.facts.inv.domains.insert(
                        (account.to_string(), region.to_string(), id),
                        Domain {
                            arn,
                            auth,
                            default_role,
                        },
                    );
                }
                self.seen(account, SAGEMAKER_DOMAIN.inventory);
            }
            ("sagemaker", "describe-user-profile", [domain_id, profile]) => {
                let name = opt(top, "UserProfileName")?.unwrap_or_else(|| profile.clone());
                if &name != profile {
                    return Err((
                        top.at("UserProfileName"),
                        format!("expected `{profile}` (the file name), found `{name}`"),
                    )
                        .into());
                }
                if let Some(d) = opt(top, "DomainId")?.filter(|d| d != domain_id) {
                    return Err((
                        top.at("DomainId"),
                        format!("expected `{domain_id}` (the folder name), found `{d}`"),
                    )
                        .into());
                }
                let arn = opt(top, "UserProfileArn")?.unwrap_or_else(|| {
                    format!("arn:aws:sagemaker:{region}:{account}:user-profile/{domain_id}/{name}")
                });
                let mut r = self.resource(
                    &SAGEMAKER_USER_PROFILE,
                    arn,
                    format!("{domain_id}/{name}"),
                    account,
                    "$".into(),
                );
                r.role = match top.map.get("UserSettings") {
                    None | Some(Value::Null) => None,
                    Some(v) => opt(&Obj::new(v, top.at("UserSettings"))?, "ExecutionRole")?,
                };
                r.attrs
                    .tags
                    .insert("aws:domain_id".into(), domain_id.clone());
                if let Some(st) = opt(top, "Status")? {
                    r.attrs.tags.insert("aws:status".into(), st);
                }
                if let Some(ix) = self.add_resource(r, out) {
                    self.facts
                        .inv
                        .profiles
                        .push((ix, region.to_string(), domain_id.clone()));
                }
                self.seen(account, SAGEMAKER_USER_PROFILE.inventory);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
