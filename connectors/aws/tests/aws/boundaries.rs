//! Boundaries decided (issue 11, item 1): an identity the attacker writes
//! or creates holds what its permissions boundary allows — the edges of its
//! bounded identity, firm — and reaches the account admin only where the
//! boundary allows a further escalation.

use blastgraph_model::{EdgeKind, Estate};
use serde_json::{Value, json};

use crate::fixture::{A, allow, allow_if, document, iam, ingest_json};

fn managed(name: &str, statements: &[Value]) -> Value {
    json!({"PolicyName": name, "Arn": iam(&format!("policy/{name}")), "DefaultVersionId": "v1",
        "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true,
            "Document": document(statements)}]})
}

fn user(name: &str, grants: &[Value], boundary: Option<&str>) -> Value {
    let mut u = json!({"UserName": name, "Arn": iam(&format!("user/{name}")), "Path": "/",
        "GroupList": [], "AttachedManagedPolicies": [],
        "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": document(grants)}]});
    if let Some(b) = boundary {
        u["PermissionsBoundary"] = json!({"PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": iam(&format!("policy/{b}"))});
    }
    u
}

/// A role its account may assume (trust: the account), allowed everything.
fn data_role() -> Value {
    json!({"RoleName": "data", "Arn": iam("role/data"), "Path": "/",
        "AssumeRolePolicyDocument": document(&[json!({"Effect": "Allow",
            "Principal": {"AWS": iam("root")}, "Action": "sts:AssumeRole"})]),
        "RolePolicyList": [{"PolicyName": "inline",
            "PolicyDocument": document(&[allow(&["s3:*"], "*")])}],
        "AttachedManagedPolicies": [], "InstanceProfileList": []})
}

fn estate(users: Vec<Value>, policies: Vec<Value>) -> Estate {
    ingest_json(&[(
        format!("snap/{A}/global/iam/get-account-authorization-details.json"),
        json!({"UserDetailList": users, "GroupDetailList": [], "RoleDetailList": [data_role()],
               "Policies": policies}),
    )])
}

/// (kind, to, mechanism, conditional) of the edges from `from`.
fn from(e: &Estate, from: &str) -> Vec<(EdgeKind, String, String, bool)> {
    let mut v: Vec<_> = e
        .edges
        .iter()
        .filter(|x| x.from == from && x.kind != EdgeKind::Contains)
        .map(|x| {
            (
                x.kind,
                x.to.clone(),
                x.mechanism.clone().unwrap_or_default(),
                x.conditional,
            )
        })
        .collect();
    v.sort();
    v
}

fn admin() -> String {
    format!("aws:account/{A}/admin")
}

/// The boundary allows writing its own policies and assuming roles: the
/// rewritten user holds exactly that — it may assume role/data, firmly,
/// and is not admin.
#[test]
fn a_self_write_under_a_boundary_gains_the_boundarys_reach() {
    let boundary = managed(
        "Dev",
        &[allow(&["iam:PutUserPolicy", "sts:AssumeRole"], "*")],
    );
    let e = estate(
        vec![user(
            "alice",
            &[allow(&["iam:PutUserPolicy"], &iam("user/alice"))],
            Some("Dev"),
        )],
        vec![boundary],
    );
    let bounded = iam("user/(rewritten)/bounded-by-Dev");
    assert_eq!(
        from(&e, &iam("user/alice")),
        [(
            EdgeKind::CanEscalate,
            bounded.clone(),
            "iam:PutUserPolicy".into(),
            false
        )]
    );
    assert_eq!(
        from(&e, &bounded),
        [(EdgeKind::CanAssume, iam("role/data"), String::new(), false)]
    );
}

/// Negative twin: a boundary that also lets the identity delete itself
/// from it escalates on to the admin, firmly.
#[test]
fn a_boundary_that_can_be_removed_leads_on_to_the_admin() {
    let boundary = managed(
        "Dev",
        &[allow(
            &["iam:PutUserPolicy", "iam:DeleteUserPermissionsBoundary"],
            "*",
        )],
    );
    let e = estate(
        vec![user(
            "alice",
            &[allow(&["iam:PutUserPolicy"], &iam("user/alice"))],
            Some("Dev"),
        )],
        vec![boundary],
    );
    let bounded = iam("user/(rewritten)/bounded-by-Dev");
    let out = from(&e, &bounded);
    assert!(
        out.contains(&(
            EdgeKind::CanEscalate,
            admin(),
            "iam:DeleteUserPermissionsBoundary".into(),
            false
        )),
        "{out:#?}"
    );
}

/// `iam:CreateRole` only with a named boundary (the usual delegated-admin
/// guardrail): the new role holds what the boundary allows — decided.
#[test]
fn create_role_with_a_required_boundary_is_decided() {
    let boundary = managed("Delegated", &[allow(&["s3:*", "sts:AssumeRole"], "*")]);
    let grants = [
        allow_if(
            &["iam:CreateRole", "iam:PutRolePolicy"],
            "*",
            json!({"StringEquals": {"iam:PermissionsBoundary": iam("policy/Delegated")}}),
        ),
        allow(&["sts:AssumeRole"], &iam("role/*")),
    ];
    let e = estate(vec![user("bob", &grants, None)], vec![boundary]);
    let bounded = iam("role/(rewritten)/bounded-by-Delegated");
    let out = from(&e, &iam("user/bob"));
    assert!(
        out.contains(&(
            EdgeKind::CanEscalate,
            bounded.clone(),
            "iam:CreateRole+iam:PutRolePolicy".into(),
            false
        )),
        "{out:#?}"
    );
    assert!(!out.iter().any(|(_, to, ..)| *to == admin()), "{out:#?}");
    assert_eq!(
        from(&e, &bounded),
        [(EdgeKind::CanAssume, iam("role/data"), String::new(), false)]
    );
}

/// Negative twin: the required boundary allows everything: the new role is
/// admin, firmly.
#[test]
fn create_role_under_an_allow_all_boundary_is_admin() {
    let boundary = managed("Delegated", &[allow(&["*"], "*")]);
    let grants = [allow_if(
        &["iam:CreateRole", "iam:PutRolePolicy"],
        "*",
        json!({"StringEquals": {"iam:PermissionsBoundary": iam("policy/Delegated")}}),
    )];
    let e = estate(vec![user("bob", &grants, None)], vec![boundary]);
    let out = from(&e, &iam("user/bob"));
    assert!(
        out.contains(&(
            EdgeKind::CanEscalate,
            admin(),
            "iam:CreateRole+iam:PutRolePolicy".into(),
            false
        )),
        "{out:#?}"
    );
}
