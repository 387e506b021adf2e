//! Rows 2.7 + 1.23 (pathfinding.cloud `sso-001`): a permission set with an
//! administrator policy, assigned in another account of the organization.

use blastgraph_model::{EdgeKind, Estate};
use serde_json::{Value, json};

use crate::fixture::{A, allow, document, ingest_json};

/// The management account (holds Identity Center) and a member account.
const MEMBER: &str = "444455556666";
const INSTANCE: &str = "arn:aws:sso:::instance/ssoins-1234567890abcdef";

fn user(account: &str, grants: &[Value]) -> Value {
    json!({"UserName": "admin-ops", "Arn": format!("arn:aws:iam::{account}:user/admin-ops"),
        "Path": "/", "GroupList": [], "AttachedManagedPolicies": [],
        "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": document(grants)}]})
}

fn estate(grants: &[Value], instances: bool) -> Estate {
    let mut files = vec![
        (
            format!("snap/{A}/global/iam/get-account-authorization-details.json"),
            json!({"UserDetailList": [user(A, grants)], "GroupDetailList": [],
                   "RoleDetailList": [], "Policies": []}),
        ),
        (
            format!("snap/{MEMBER}/global/iam/get-account-authorization-details.json"),
            json!({"UserDetailList": [user(MEMBER, &[])], "GroupDetailList": [],
                   "RoleDetailList": [], "Policies": []}),
        ),
        (
            "snap/organizations/describe-organization.json".to_string(),
            json!({"Organization": {"Id": "o-abc123", "MasterAccountId": A}}),
        ),
    ];
    if instances {
        files.push((
            format!("snap/{A}/us-east-1/sso-admin/list-instances.json"),
            json!({"Instances": [{"InstanceArn": INSTANCE, "IdentityStoreId": "d-1234567890",
                "OwnerAccountId": A, "Status": "ACTIVE"}]}),
        ));
    }
    ingest_json(&files)
}

/// (to, conditional, condition) of the escalations from admin-ops.
fn escalations(e: &Estate) -> Vec<(String, bool, String)> {
    let mut v: Vec<_> = e
        .edges
        .iter()
        .filter(|x| {
            x.kind == EdgeKind::CanEscalate && x.from == format!("arn:aws:iam::{A}:user/admin-ops")
        })
        .map(|x| {
            (
                x.to.clone(),
                x.conditional,
                x.condition.clone().unwrap_or_default(),
            )
        })
        .collect();
    v.sort();
    v
}

fn sso_grants() -> Vec<Value> {
    vec![allow(
        &[
            "sso:CreatePermissionSet",
            "sso:AttachManagedPolicyToPermissionSet",
            "sso:CreateAccountAssignment",
        ],
        "*",
    )]
}

#[test]
fn a_permission_set_reaches_every_account_admin_conditionally() {
    let got = escalations(&estate(&sso_grants(), true));
    let to: Vec<&str> = got.iter().map(|(t, ..)| t.as_str()).collect();
    assert_eq!(
        to,
        [
            format!("aws:account/{A}/admin"),
            format!("aws:account/{MEMBER}/admin")
        ]
    );
    for (_, conditional, condition) in &got {
        assert!(conditional);
        assert!(
            condition.contains("IAM Identity Center user or group"),
            "{condition}"
        );
    }
}

/// Negative twin: no CreateAccountAssignment, no edge.
#[test]
fn without_the_assignment_no_edge() {
    let grants = [allow(
        &[
            "sso:CreatePermissionSet",
            "sso:AttachManagedPolicyToPermissionSet",
        ],
        "*",
    )];
    assert_eq!(escalations(&estate(&grants, true)), []);
}

/// Without the instance inventory: conditional, naming it.
#[test]
fn instances_not_collected_are_named() {
    let got = escalations(&estate(&sso_grants(), false));
    assert_eq!(got.len(), 2, "{got:#?}");
    assert!(
        got.iter()
            .all(|(_, _, c)| c.contains("sso-admin/list-instances was not collected")),
        "{got:#?}"
    );
}
