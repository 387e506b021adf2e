//! The trust hub (issue 11, item 8): roles trusting their account without
//! condition share one node; a caller whose policies decide
//! `sts:AssumeRole` alike for every role of the account reaches them
//! through it with one edge, not one per role.

use blastgraph_model::{EdgeKind, Estate};
use serde_json::{Value, json};

use crate::fixture::{A, allow, document, iam, ingest_json};

fn role(name: &str, condition: Option<Value>) -> Value {
    let mut trust = json!({"Effect": "Allow", "Principal": {"AWS": iam("root")},
        "Action": "sts:AssumeRole"});
    if let Some(c) = condition {
        trust["Condition"] = c;
    }
    json!({"RoleName": name, "Arn": iam(&format!("role/{name}")), "Path": "/",
        "AssumeRolePolicyDocument": document(&[trust]),
        "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []})
}

fn estate(roles: usize, grant: Value, mfa_on_first: bool) -> Estate {
    let mut rs: Vec<Value> = (0..roles)
        .map(|i| role(&format!("team/r{i}"), None))
        .collect();
    if mfa_on_first {
        rs[0] = role(
            "team/r0",
            Some(json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}})),
        );
    }
    let user = json!({"UserName": "dev", "Arn": iam("user/dev"), "Path": "/", "GroupList": [],
        "AttachedManagedPolicies": [],
        "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": document(&[grant])}]});
    ingest_json(&[(
        format!("snap/{A}/global/iam/get-account-authorization-details.json"),
        json!({"UserDetailList": [user], "GroupDetailList": [], "RoleDetailList": rs,
               "Policies": []}),
    )])
}

fn assume_from(e: &Estate, from: &str) -> Vec<(String, bool)> {
    let mut v: Vec<_> = e
        .edges
        .iter()
        .filter(|x| x.kind == EdgeKind::CanAssume && x.from == from)
        .map(|x| (x.to.clone(), x.conditional))
        .collect();
    v.sort();
    v
}

fn hub() -> String {
    format!("aws:account/{A}/trusting-roles")
}

#[test]
fn a_caller_allowed_every_role_reaches_them_through_the_hub() {
    let e = estate(8, allow(&["sts:AssumeRole"], &iam("role/*")), false);
    assert_eq!(assume_from(&e, &iam("user/dev")), [(hub(), false)]);
    let members = assume_from(&e, &hub());
    assert_eq!(members.len(), 8);
    assert!(members.iter().all(|(_, c)| !c));
    let node = e.nodes.iter().find(|n| n.id == hub()).unwrap();
    assert_eq!(node.kind, "aws:account_trust");
}

/// Negative twin: a grant on some roles only is decided per role.
#[test]
fn a_grant_on_some_roles_is_decided_per_role() {
    let e = estate(8, allow(&["sts:AssumeRole"], &iam("role/team/r1*")), false);
    assert_eq!(
        assume_from(&e, &iam("user/dev")),
        [(iam("role/team/r1"), false)]
    );
}

/// Negative twin: below eight such roles there is no hub.
#[test]
fn a_few_roles_keep_their_own_edges() {
    let e = estate(7, allow(&["sts:AssumeRole"], "*"), false);
    assert_eq!(assume_from(&e, &iam("user/dev")).len(), 7);
    assert!(e.nodes.iter().all(|n| n.id != hub()));
}

/// A trust with a condition is not in the hub: its own edge, conditional,
/// beside the hub's firm one.
#[test]
fn a_conditioned_trust_stays_out_of_the_hub() {
    let e = estate(9, allow(&["sts:AssumeRole"], "*"), true);
    assert_eq!(
        assume_from(&e, &iam("user/dev")),
        [(iam("role/team/r0"), true), (hub(), false)]
    );
    assert_eq!(assume_from(&e, &hub()).len(), 8);
}

// ---------------------------------------------------------------------------
// The service-role hub: PassRole to new compute, callers + roles
// ---------------------------------------------------------------------------

fn lambda_role(name: &str) -> Value {
    json!({"RoleName": name, "Arn": iam(&format!("role/{name}")), "Path": "/",
        "AssumeRolePolicyDocument": document(&[json!({"Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})]),
        "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []})
}

fn deployer(pass_resource: &str, roles: usize) -> Estate {
    let rs: Vec<Value> = (0..roles).map(|i| lambda_role(&format!("fn{i}"))).collect();
    let grants = [
        allow(&["iam:PassRole"], pass_resource),
        allow(&["lambda:CreateFunction", "lambda:InvokeFunction"], "*"),
    ];
    let user = json!({"UserName": "deployer", "Arn": iam("user/deployer"), "Path": "/",
        "GroupList": [], "AttachedManagedPolicies": [],
        "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": document(&grants)}]});
    ingest_json(&[(
        format!("snap/{A}/global/iam/get-account-authorization-details.json"),
        json!({"UserDetailList": [user], "GroupDetailList": [], "RoleDetailList": rs,
               "Policies": []}),
    )])
}

fn act_as_from(e: &Estate, from: &str) -> Vec<(String, bool)> {
    let mut v: Vec<_> = e
        .edges
        .iter()
        .filter(|x| x.kind == EdgeKind::CanActAs && x.from == from && !x.to.contains("/unseen/"))
        .map(|x| (x.to.clone(), x.conditional))
        .collect();
    v.sort();
    v
}

#[test]
fn a_deployer_passing_any_role_reaches_them_through_the_service_hub() {
    let e = deployer("*", 8);
    let hub = format!("aws:account/{A}/runs-as/lambda.amazonaws.com");
    assert_eq!(
        act_as_from(&e, &iam("user/deployer")),
        [(hub.clone(), false)]
    );
    let members = act_as_from(&e, &hub);
    assert_eq!(members.len(), 8);
    assert!(members.iter().all(|(_, c)| !c));
}

/// Negative twin: PassRole on some roles only is decided per role.
#[test]
fn passing_some_roles_is_decided_per_role() {
    let e = deployer(&iam("role/fn1*"), 8);
    assert_eq!(
        act_as_from(&e, &iam("user/deployer")),
        [(iam("role/fn1"), false)]
    );
}
