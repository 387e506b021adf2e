//! EC2 launch templates (`ec2/describe-launch-template-versions`, row
//! 5.30); the other EC2 files are read by the compute family.

use super::*;

/// One listed version's facts about its template.
struct Version {
    id: String,
    name: Option<String>,
    default: bool,
    /// The instance profile ARN its data names (by ARN, or by name at path `/`).
    profile: Option<String>,
    path: String,
}

impl Reader {
    /// The EC2 files: launch template versions here, the rest through
    /// [`Reader::read_compute`].
    pub(crate) fn read_ec2(&mut self, file: &File, out: &mut EstateBuilder) -> Result<bool, Bad> {
        if file.op != "describe-launch-template-versions" || !file.resource.is_empty() {
            return self.read_compute(file, out);
        }
        let (account, region, top) = file.place();
        // `--versions '$Default' '$Latest'` lists up to two versions per
        // template: the template runs as the profile of its default
        // version, else of the other one listed.
        let mut versions: Vec<Version> = Vec::new();
        self.each(top, "LaunchTemplateVersions", out, &mut |_, o, _| {
            let id = o.req_str("LaunchTemplateId")?.to_string();
            let profile = o
                .map
                .get("LaunchTemplateData")
                .and_then(|d| d.get("IamInstanceProfile"))
                .and_then(|p| {
                    let by_arn = p.get("Arn").and_then(Value::as_str).map(str::to_string);
                    by_arn.or_else(|| {
                        p.get("Name")
                            .and_then(Value::as_str)
                            .map(|n| format!("arn:aws:iam::{account}:instance-profile/{n}"))
                    })
                });
            versions.push(Version {
                id,
                name: opt(o, "LaunchTemplateName")?,
                default: o.map.get("DefaultVersion").and_then(Value::as_bool) == Some(true),
                profile,
                path: o.path.clone(),
            });
            Ok(())
        });
        let mut ids: Vec<&str> = Vec::new();
        for v in &versions {
            if !ids.contains(&v.id.as_str()) {
                ids.push(&v.id);
            }
        }
        let templates: Vec<(String, String, Option<String>, String)> = ids
            .iter()
            .filter_map(|id| {
                let of: Vec<&Version> = versions.iter().filter(|v| v.id == *id).collect();
                let chosen = of
                    .iter()
                    .find(|v| v.default && v.profile.is_some())
                    .or_else(|| of.iter().find(|v| v.profile.is_some()))
                    .or_else(|| of.first())?;
                let name = of
                    .iter()
                    .find_map(|v| v.name.clone())
                    .unwrap_or_else(|| (*id).to_string());
                Some((
                    (*id).to_string(),
                    name,
                    chosen.profile.clone(),
                    chosen.path.clone(),
                ))
            })
            .collect();
        for (id, name, profile, path) in templates {
            let arn = format!("arn:aws:ec2:{region}:{account}:launch-template/{id}");
            let mut r = self.resource(&EC2_LAUNCH_TEMPLATE, arn, name.clone(), account, path);
            r.role = profile;
            r.caveat = Some(format!(
                "the new version runs only when an Auto Scaling group or EC2 fleet launches an instance from launch template {name} at its $Latest version, or at $Default once ec2:ModifyLaunchTemplate makes it the default; autoscaling/describe-auto-scaling-groups is not read"
            ));
            self.add_resource(r, out);
        }
        self.seen(account, EC2_LAUNCH_TEMPLATE.inventory);
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use blastgraph_policy::ActionCatalog;

    /// The launch-template probes are not in [`SPECS`] (which
    /// `every_probe_action_is_a_known_action` walks): the same check here.
    #[test]
    fn launch_template_probe_actions_are_known() {
        let cat = ActionCatalog::builtin();
        for p in EC2_LAUNCH_TEMPLATE.probes {
            assert!(cat.get(p.action).is_some(), "{}", p.action);
            if let Gives::ActAs(Also::Needs(a)) = p.gives {
                assert!(cat.get(a).is_some(), "{a}");
            }
        }
    }

    /// Every action of the family-4 tables (rows and caveats) is in the
    /// action catalogue: a misspelt action would never be allowed.
    #[test]
    fn every_family_4_row_names_known_actions() {
        let cat = ActionCatalog::builtin();
        let rows = PASS_ROLE_METHODS
            .iter()
            .flat_map(|(_, _, actions)| actions.iter())
            .chain(
                INSTANCE_PROFILE_METHODS
                    .iter()
                    .flat_map(|m| m.actions.iter()),
            )
            .chain(PASS_ROLE_CAVEATS.iter().flat_map(|c| c.decided_by.iter()));
        for a in rows {
            assert!(cat.get(a).is_some(), "{a}");
        }
    }
}
