//! AWS Batch (pathfinding.cloud `batch-001`): a job definition with the
//! passed role, submitted to a job queue. The queue inventory decides it.

use blastgraph_model::{EdgeKind, Estate};
use serde_json::{Value, json};

use crate::fixture::{A, allow, document, iam, ingest_json};

fn estate(queues: Option<Value>) -> Estate {
    let job_role = json!({"RoleName": "job", "Arn": iam("role/job"), "Path": "/",
        "AssumeRolePolicyDocument": document(&[json!({"Effect": "Allow",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"})]),
        "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []});
    let grants = [
        allow(&["iam:PassRole"], &iam("role/job")),
        allow(&["batch:RegisterJobDefinition", "batch:SubmitJob"], "*"),
    ];
    let user = json!({"UserName": "dev", "Arn": iam("user/dev"), "Path": "/", "GroupList": [],
        "AttachedManagedPolicies": [],
        "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": document(&grants)}]});
    let mut files = vec![(
        format!("snap/{A}/global/iam/get-account-authorization-details.json"),
        json!({"UserDetailList": [user], "GroupDetailList": [], "RoleDetailList": [job_role],
               "Policies": []}),
    )];
    if let Some(q) = queues {
        files.push((
            format!("snap/{A}/us-east-1/batch/describe-job-queues.json"),
            json!({ "jobQueues": q }),
        ));
    }
    ingest_json(&files)
}

fn act_as(e: &Estate) -> Vec<(String, bool, String)> {
    e.edges
        .iter()
        .filter(|x| x.kind == EdgeKind::CanActAs && x.from == iam("user/dev"))
        .filter(|x| !x.to.contains("/unseen/"))
        .map(|x| {
            (
                x.mechanism.clone().unwrap_or_default(),
                x.conditional,
                x.condition.clone().unwrap_or_default(),
            )
        })
        .collect()
}

const MECHANISM: &str = "iam:PassRole+batch:RegisterJobDefinition+batch:SubmitJob";

#[test]
fn an_enabled_queue_makes_it_firm() {
    let q = json!([{"jobQueueName": "jobs",
        "jobQueueArn": format!("arn:aws:batch:us-east-1:{A}:job-queue/jobs"),
        "state": "ENABLED", "status": "VALID"}]);
    assert_eq!(
        act_as(&estate(Some(q))),
        [(MECHANISM.into(), false, String::new())]
    );
}

/// Negative twin: the queues were collected and none is usable: no edge.
#[test]
fn no_usable_queue_no_edge() {
    let q = json!([{"jobQueueName": "old",
        "jobQueueArn": format!("arn:aws:batch:us-east-1:{A}:job-queue/old"),
        "state": "DISABLED", "status": "VALID"}]);
    assert_eq!(act_as(&estate(Some(q))), []);
}

/// Without the inventory: conditional, naming it.
#[test]
fn queues_not_collected_are_named() {
    let got = act_as(&estate(None));
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(got[0].1);
    assert!(
        got[0]
            .2
            .contains("batch/describe-job-queues was not collected"),
        "{got:#?}"
    );
}
