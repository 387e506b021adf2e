//! ECS StartTask (row 4.37, pathfinding.cloud `ecs-005`): the task runs on
//! a container instance the attacker names, so a cluster needs one. The
//! clusters' container instances decide it.

use blastgraph_model::{EdgeKind, Estate};
use serde_json::{Value, json};

use crate::fixture::{A, allow, document, iam, ingest_json};

const CLUSTER: &str = "arn:aws:ecs:us-east-1:111122223333:cluster/workers";

fn estate(instances: Option<usize>) -> Estate {
    let task_role = json!({"RoleName": "task", "Arn": iam("role/task"), "Path": "/",
        "AssumeRolePolicyDocument": document(&[json!({"Effect": "Allow",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"})]),
        "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []});
    let grants = [
        allow(&["iam:PassRole"], &iam("role/task")),
        allow(&["ecs:RegisterTaskDefinition", "ecs:StartTask"], "*"),
    ];
    let user = json!({"UserName": "dev", "Arn": iam("user/dev"), "Path": "/", "GroupList": [],
        "AttachedManagedPolicies": [],
        "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": document(&grants)}]});
    let mut files = vec![
        (
            format!("snap/{A}/global/iam/get-account-authorization-details.json"),
            json!({"UserDetailList": [user], "GroupDetailList": [], "RoleDetailList": [task_role],
                   "Policies": []}),
        ),
        (
            format!("snap/{A}/us-east-1/ecs/list-clusters.json"),
            json!({"clusterArns": [CLUSTER]}),
        ),
    ];
    if let Some(n) = instances {
        let arns: Vec<Value> = (0..n)
            .map(|i| {
                json!(format!(
                    "arn:aws:ecs:us-east-1:{A}:container-instance/workers/{i:032x}"
                ))
            })
            .collect();
        files.push((
            format!("snap/{A}/us-east-1/ecs/list-container-instances/workers.json"),
            json!({"containerInstanceArns": arns}),
        ));
    }
    ingest_json(&files)
}

fn start_task(e: &Estate) -> Vec<(bool, String)> {
    e.edges
        .iter()
        .filter(|x| x.kind == EdgeKind::CanActAs && x.from == iam("user/dev"))
        .filter(|x| {
            x.mechanism
                .as_deref()
                .is_some_and(|m| m.contains("ecs:StartTask"))
        })
        .map(|x| (x.conditional, x.condition.clone().unwrap_or_default()))
        .collect()
}

#[test]
fn a_cluster_with_a_container_instance_makes_it_firm() {
    assert_eq!(start_task(&estate(Some(2))), [(false, String::new())]);
}

/// Negative twin: the cluster has no container instance: no edge.
#[test]
fn a_cluster_without_instances_gives_no_edge() {
    assert_eq!(start_task(&estate(Some(0))), []);
}

/// Without the container-instance inventory: conditional, naming it.
#[test]
fn instances_not_collected_are_named() {
    let got = start_task(&estate(None));
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(got[0].0);
    assert!(
        got[0]
            .1
            .contains("ecs/list-container-instances was not collected"),
        "{got:#?}"
    );
}
