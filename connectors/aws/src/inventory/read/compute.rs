//! Compute that runs as a role: EC2 instances, Glue dev endpoints and jobs, ECS clusters, CloudFormation stacks, CodeBuild projects.

use super::*;

impl Reader {
    /// The files of this family; `Ok(false)` for an operation it does not
    /// know.
    pub(crate) fn read_compute(
        &mut self,
        file: &File,
        out: &mut EstateBuilder,
    ) -> Result<bool, Bad> {
        let (account, region, top) = file.place();
        match file.call() {
            ("ec2", "describe-instances", []) => {
                match top.map.get("Reservations") {
                    None | Some(Value::Null) => {}
                    Some(Value::Array(rs)) => {
                        for (i, res) in rs.iter().enumerate().filter(|(_, r)| !is_skipped(r)) {
                            let ro = Obj::new(res, format!("{}[{i}]", top.at("Reservations")))?;
                            each_in(&ro, "Instances", out, &mut |o, out| {
                                let id = o.req_str("InstanceId")?;
                                let arn = format!("arn:aws:ec2:{region}:{account}:instance/{id}");
                                let mut r = self.resource(
                                    &EC2_INSTANCE,
                                    arn,
                                    id.to_string(),
                                    account,
                                    o.path.clone(),
                                );
                                r.role = o
                                    .map
                                    .get("IamInstanceProfile")
                                    .and_then(|p| p.get("Arn"))
                                    .and_then(Value::as_str)
                                    .map(str::to_string);
                                if r.role.is_none() {
                                    r.spec = &EC2_INSTANCE_BARE;
                                }
                                let state = o
                                    .map
                                    .get("State")
                                    .and_then(|s| s.get("Name"))
                                    .and_then(Value::as_str);
                                match state {
                                    // Rows 5.22, 5.23, 5.27: commands, sessions and SSH
                                    // need a running instance.
                                    Some(st @ ("stopped" | "stopping")) => {
                                        r.caveat = Some(format!(
                                            "instance {id} is {st}: its role is reachable only once it is started again (ec2:StartInstances)"
                                        ));
                                    }
                                    Some("terminated" | "shutting-down") => {
                                        r.spec = &EC2_INSTANCE_TERMINATED
                                    }
                                    _ => {}
                                }
                                if let Some(st) = state {
                                    r.attrs.tags.insert("aws:state".into(), st.to_string());
                                }
                                let tags = tag_list(o);
                                for (k, v) in &tags {
                                    r.attrs.tags.insert(k.clone(), v.clone());
                                }
                                r.tags = Some(tags);
                                self.add_resource(r, out);
                                Ok(())
                            });
                        }
                    }
                    Some(other) => {
                        return Err((
                            top.at("Reservations"),
                            format!("expected an array, found {}", type_name(other)),
                        )
                            .into());
                    }
                }
                self.seen(account, EC2_INSTANCE.inventory);
            }
            ("glue", "get-dev-endpoints", []) => {
                self.each(top, "DevEndpoints", out, &mut |s, o, out| {
                    let name = o.req_str("EndpointName")?;
                    let arn = format!("arn:aws:glue:{region}:{account}:devEndpoint/{name}");
                    let mut r = s.resource(
                        &GLUE_DEV_ENDPOINT,
                        arn,
                        name.to_string(),
                        account,
                        o.path.clone(),
                    );
                    r.role = opt(o, "RoleArn")?;
                    s.add_resource(r, out);
                    Ok(())
                });
                self.seen(account, GLUE_DEV_ENDPOINT.inventory);
            }
            ("ecs", "list-clusters", []) => {
                let list = self
                    .facts
                    .inv
                    .ecs_clusters
                    .entry(account.to_string())
                    .or_default();
                match top.map.get("clusterArns") {
                    None | Some(Value::Null) => {}
                    Some(Value::Array(arns)) => {
                        for (i, a) in arns.iter().enumerate().filter(|(_, a)| !is_skipped(a)) {
                            match a.as_str() {
                                Some(arn) if arn.starts_with("arn:") => list.push(arn.to_string()),
                                _ => out.error(
                                    format!("{}[{i}]", top.at("clusterArns")),
                                    format!("expected a cluster ARN, found {}", type_name(a)),
                                ),
                            }
                        }
                    }
                    Some(other) => {
                        return Err((
                            top.at("clusterArns"),
                            format!("expected an array, found {}", type_name(other)),
                        )
                            .into());
                    }
                }
            }
            ("ecs", "list-container-instances", [cluster]) => {
                let count = match top.map.get("containerInstanceArns") {
                    None | Some(Value::Null) => 0,
                    Some(Value::Array(arns)) => arns.iter().filter(|a| !is_skipped(a)).count(),
                    Some(other) => {
                        return Err((
                            top.at("containerInstanceArns"),
                            format!("expected an array, found {}", type_name(other)),
                        )
                            .into());
                    }
                };
                self.facts
                    .inv
                    .ecs_instances
                    .insert((account.to_string(), cluster.clone()), count);
                self.seen(account, ECS_CONTAINER_INSTANCES);
            }
            ("glue", "get-jobs", []) => {
                self.each(top, "Jobs", out, &mut |s, o, out| {
                    let name = o.req_str("Name")?;
                    let arn = format!("arn:aws:glue:{region}:{account}:job/{name}");
                    let mut r =
                        s.resource(&GLUE_JOB, arn, name.to_string(), account, o.path.clone());
                    // `Role` is a role name or ARN.
                    r.role = opt(o, "Role")?.map(|role| {
                        if role.starts_with("arn:") {
                            role
                        } else {
                            format!("arn:aws:iam::{account}:role/{role}")
                        }
                    });
                    s.add_resource(r, out);
                    Ok(())
                });
                self.seen(account, GLUE_JOB.inventory);
            }
            ("cloudformation", "describe-stacks", []) => {
                self.each(top, "Stacks", out, &mut |s, o, out| {
                    let name = o.req_str("StackName")?;
                    let arn = o.req_str("StackId")?;
                    let mut r = s.resource(
                        &CFN_STACK,
                        arn.to_string(),
                        name.to_string(),
                        account,
                        o.path.clone(),
                    );
                    // Row 5.7: without a `RoleARN` the stack acts with the
                    // caller's own permissions (no edge). A stack that can
                    // only be deleted (failed creation, deletion) takes no
                    // update or change set.
                    let status = opt(o, "StackStatus")?;
                    let dead = status.as_deref().is_some_and(|st| {
                        st.starts_with("DELETE_")
                            || matches!(
                                st,
                                "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED" | "ROLLBACK_IN_PROGRESS"
                            )
                    });
                    r.role = opt(o, "RoleARN")?.filter(|_| !dead);
                    if dead {
                        r.spec = &CFN_STACK_DEAD;
                    }
                    if let Some(st) = status {
                        r.attrs.tags.insert("aws:status".into(), st);
                    }
                    s.add_resource(r, out);
                    Ok(())
                });
                self.seen(account, CFN_STACK.inventory);
            }
            ("codebuild", "batch-get-projects", []) => {
                self.each(top, "projects", out, &mut |s, o, out| {
                    let name = o.req_str("name")?;
                    let arn = opt(o, "arn")?.unwrap_or_else(|| {
                        format!("arn:aws:codebuild:{region}:{account}:project/{name}")
                    });
                    let mut r = s.resource(
                        &CODEBUILD_PROJECT,
                        arn,
                        name.to_string(),
                        account,
                        o.path.clone(),
                    );
                    r.role = opt(o, "serviceRole")?;
                    s.add_resource(r, out);
                    Ok(())
                });
                self.seen(account, CODEBUILD_PROJECT.inventory);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
