//! Lambda with an event source mapping (row 4.8, pathfinding.cloud
//! `lambda-002`): the new function runs as the passed role when records
//! arrive at a source the role can read. Decided per (attacker, role) on
//! SQS: a queue the role may read (`sqs:ReceiveMessage`,
//! `sqs:DeleteMessage`, `sqs:GetQueueAttributes`, which Lambda checks when
//! the mapping is created) and the attacker may send to, existing (the
//! account's `sqs/list-queues`, queue policies included) or new.

use blastgraph_model::Estate;
use serde_json::{Value, json};

use crate::fixture::{A, Said, acts_via, allow, document, iam, ingest_json, pass_role};

const LAMBDA: &str = "lambda.amazonaws.com";
const MECHANISM: &str = "iam:PassRole+lambda:CreateFunction+lambda:CreateEventSourceMapping";
const READ: [&str; 3] = [
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
];

fn queue(name: &str) -> String {
    format!("arn:aws:sqs:us-east-1:{A}:{name}")
}

/// A queue of the inventory, with its queue policy when given.
type Queue<'a> = (&'a str, Option<Value>);

fn lambda_role(name: &str, reads: &[Value]) -> Value {
    let mut role = json!({"RoleName": name, "Arn": iam(&format!("role/{name}")), "Path": "/",
        "AssumeRolePolicyDocument": document(&[json!({"Effect": "Allow",
            "Principal": {"Service": LAMBDA}, "Action": "sts:AssumeRole"})]),
        "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []});
    if !reads.is_empty() {
        role["RolePolicyList"] =
            json!([{"PolicyName": "reads", "PolicyDocument": document(reads)}]);
    }
    role
}

fn files(
    roles: Vec<Value>,
    grants: &[Value],
    queues: Option<&[Queue<'_>]>,
) -> Vec<(String, Value)> {
    let user = json!({"UserName": "dev", "Arn": iam("user/dev"), "Path": "/", "GroupList": [],
        "AttachedManagedPolicies": [],
        "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": document(grants)}]});
    let mut files = vec![(
        format!("snap/{A}/global/iam/get-account-authorization-details.json"),
        json!({"UserDetailList": [user], "GroupDetailList": [], "RoleDetailList": roles,
               "Policies": []}),
    )];
    if let Some(queues) = queues {
        let urls: Vec<String> = queues
            .iter()
            .map(|(name, _)| format!("https://sqs.us-east-1.amazonaws.com/{A}/{name}"))
            .collect();
        files.push((
            format!("snap/{A}/us-east-1/sqs/list-queues.json"),
            json!({ "QueueUrls": urls }),
        ));
        for (name, policy) in queues {
            if let Some(p) = policy {
                files.push((
                    format!("snap/{A}/us-east-1/sqs/get-queue-attributes/{name}.json"),
                    json!({"Attributes": {"QueueArn": queue(name), "Policy": p.to_string()}}),
                ));
            }
        }
    }
    files
}

/// Role `fn` (trusts Lambda; identity policy `reads`), user `dev` (PassRole
/// on it, the row's actions, and `more`), and the queue inventory when
/// `queues` is given.
fn estate(reads: &[Value], more: &[Value], queues: Option<&[Queue<'_>]>) -> Estate {
    let mut grants = vec![
        pass_role("fn", LAMBDA),
        allow(
            &["lambda:CreateFunction", "lambda:CreateEventSourceMapping"],
            "*",
        ),
    ];
    grants.extend(more.iter().cloned());
    ingest_json(&files(vec![lambda_role("fn", reads)], &grants, queues))
}

/// The `can_act_as` edges of `dev` through this row: (to, mechanism,
/// conditional, condition, reason).
fn mapped(e: &Estate) -> Vec<Said> {
    acts_via(e, &iam("user/dev"), "lambda:CreateEventSourceMapping")
}

fn one(got: &[Said]) -> (String, bool, String, String) {
    assert_eq!(got.len(), 1, "{got:#?}");
    let (to, mechanism, conditional, condition, reason) = got[0].clone();
    assert_eq!(to, iam("role/fn"));
    (mechanism, conditional, condition, reason)
}

fn reads(name: &str) -> Value {
    allow(&READ, &queue(name))
}

fn sends(name: &str) -> Value {
    allow(&["sqs:SendMessage"], &queue(name))
}

#[test]
fn a_queue_the_role_reads_and_the_attacker_sends_to_makes_it_firm() {
    let e = estate(
        &[reads("orders")],
        &[sends("orders")],
        Some(&[("orders", None), ("audit", None)]),
    );
    let (mechanism, conditional, condition, reason) = one(&mapped(&e));
    assert_eq!(mechanism, format!("{MECHANISM}+sqs:SendMessage"));
    assert!(!conditional, "{condition}");
    assert!(reason.contains("queue orders"), "{reason}");
}

/// Negative twin: the role reads no queue of the inventory (and may read
/// no stream): no edge.
#[test]
fn the_role_reads_no_queue_no_edge() {
    let e = estate(
        &[reads("elsewhere")],
        &[sends("orders")],
        Some(&[("orders", None), ("audit", None)]),
    );
    assert_eq!(mapped(&e), []);
}

/// Negative twin: Lambda also checks `sqs:DeleteMessage` when the mapping
/// is created; a role without it cannot be the function's role.
#[test]
fn a_role_without_delete_message_reads_no_queue() {
    let partial = allow(
        &["sqs:ReceiveMessage", "sqs:GetQueueAttributes"],
        &queue("orders"),
    );
    let e = estate(&[partial], &[sends("orders")], Some(&[("orders", None)]));
    assert_eq!(mapped(&e), []);
}

/// Without the queue inventory: conditional, naming it.
#[test]
fn queues_not_collected_are_named() {
    let e = estate(&[reads("orders")], &[sends("orders")], None);
    let (mechanism, conditional, condition, _) = one(&mapped(&e));
    assert_eq!(mechanism, MECHANISM);
    assert!(conditional);
    assert!(
        condition.contains("sqs/list-queues was not collected"),
        "{condition}"
    );
}

/// A queue the role reads and the attacker cannot send to: the function
/// runs when someone else sends, which the inputs cannot tell.
#[test]
fn a_queue_only_others_send_to_is_conditional() {
    let e = estate(&[reads("orders")], &[], Some(&[("orders", None)]));
    let (mechanism, conditional, condition, _) = one(&mapped(&e));
    assert_eq!(mechanism, MECHANISM);
    assert!(conditional);
    assert!(
        condition.contains("runs when someone else sends to queue orders"),
        "{condition}"
    );
}

/// The queue policy alone lets the role read (same account).
#[test]
fn a_queue_policy_that_lets_the_role_read_makes_it_firm() {
    let policy = document(&[json!({"Effect": "Allow",
        "Principal": {"AWS": iam("role/fn")}, "Action": READ, "Resource": queue("orders")})]);
    let e = estate(&[], &[sends("orders")], Some(&[("orders", Some(policy))]));
    let (mechanism, conditional, condition, _) = one(&mapped(&e));
    assert_eq!(mechanism, format!("{MECHANISM}+sqs:SendMessage"));
    assert!(!conditional, "{condition}");
}

/// The attacker creates a queue of its own and sends to it; the role may
/// read any queue: firm, with or without the inventory.
#[test]
fn a_new_queue_both_sides_allow_makes_it_firm() {
    let create = allow(&["sqs:CreateQueue", "sqs:SendMessage"], "*");
    let any = allow(&READ, "*");
    for queues in [Some(&[][..]), None] {
        let e = estate(
            std::slice::from_ref(&any),
            std::slice::from_ref(&create),
            queues,
        );
        let (mechanism, conditional, condition, reason) = one(&mapped(&e));
        assert_eq!(
            mechanism,
            format!("{MECHANISM}+sqs:CreateQueue+sqs:SendMessage")
        );
        assert!(!conditional, "{condition}");
        assert!(reason.contains("a new queue"), "{reason}");
    }
}

/// Negative twin: the role reads queues of one name pattern, the attacker
/// may create queues of another.
#[test]
fn a_new_queue_the_role_cannot_read_gives_no_edge() {
    let create = allow(
        &["sqs:CreateQueue", "sqs:SendMessage"],
        &format!("arn:aws:sqs:*:{A}:dev-*"),
    );
    let read = allow(&READ, &format!("arn:aws:sqs:*:{A}:prod-*"));
    let e = estate(&[read], &[create], Some(&[]));
    assert_eq!(mapped(&e), []);
}

/// A role that may read streams keeps a conditional edge even with no
/// queue: DynamoDB and Kinesis streams are not inventoried.
#[test]
fn a_role_that_reads_streams_is_conditional_naming_them() {
    let streams = allow(
        &[
            "dynamodb:DescribeStream",
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
            "dynamodb:ListStreams",
        ],
        "*",
    );
    let e = estate(&[streams], &[], Some(&[("orders", None)]));
    let (mechanism, conditional, condition, _) = one(&mapped(&e));
    assert_eq!(mechanism, MECHANISM);
    assert!(conditional);
    assert!(condition.contains("not inventoried"), "{condition}");
}

/// Without the queue inventory either: one condition naming both.
#[test]
fn streams_and_no_queue_inventory_name_both() {
    let streams = allow(
        &[
            "kinesis:DescribeStream",
            "kinesis:GetRecords",
            "kinesis:GetShardIterator",
            "kinesis:ListShards",
        ],
        "*",
    );
    let e = estate(&[streams], &[], None);
    let (_, conditional, condition, _) = one(&mapped(&e));
    assert!(conditional);
    assert!(
        condition.contains("sqs/list-queues was not collected")
            && condition.contains("streams are not inventoried"),
        "{condition}"
    );
}

/// The service-role hub never stands for this row: with eight roles
/// trusting Lambda and PassRole on all of them, only the role that reads
/// the attacker's queue is reached.
#[test]
fn the_service_hub_does_not_stand_for_this_row() {
    let mut roles: Vec<Value> = (0..8)
        .map(|i| lambda_role(&format!("app{i}"), &[]))
        .collect();
    roles.push(lambda_role("fn", &[reads("orders")]));
    let grants = [
        allow(&["iam:PassRole"], "*"),
        allow(
            &["lambda:CreateFunction", "lambda:CreateEventSourceMapping"],
            "*",
        ),
        sends("orders"),
    ];
    let e = ingest_json(&files(roles, &grants, Some(&[("orders", None)])));
    let got: Vec<(String, bool)> = mapped(&e)
        .into_iter()
        .map(|(to, _, conditional, ..)| (to, conditional))
        .collect();
    assert_eq!(got, [(iam("role/fn"), false)]);
}

/// A role that may read any queue reads one in an account the attacker
/// owns (cross-account event source mappings are allowed by the queue's
/// policy); a role that reads only its own account's queues does not.
#[test]
fn a_role_that_reads_any_queue_reads_one_the_attacker_owns() {
    let reads_any = allow(
        &[
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
        ],
        "*",
    );
    let e = estate(&[reads_any], &[], Some(&[]));
    let got = mapped(&e);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(!got[0].2, "{got:#?}");
    assert!(
        got[0].4.contains("an account the attacker owns"),
        "{got:#?}"
    );
    let own = allow(
        &[
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
        ],
        &format!("arn:aws:sqs:*:{A}:*"),
    );
    let e = estate(&[own], &[], Some(&[]));
    assert_eq!(mapped(&e), []);
}
