//! Condition keys decided by docs/condition-keys.md, seen from the graph:
//! each case a fixture of real-format input and its negative twin.

use blastgraph_model::{EdgeKind, Estate};
use serde_json::{Value, json};

use crate::fixture::{A, allow, allow_if, document, iam, ingest_json};

/// A role that trusts its account, with `grants` of its own and a creation date.
fn role(name: &str, trust_condition: Option<Value>, grants: &[Value]) -> Value {
    let mut trust = json!({"Effect": "Allow", "Principal": {"AWS": iam("root")},
        "Action": "sts:AssumeRole"});
    if let Some(c) = trust_condition {
        trust["Condition"] = c;
    }
    json!({"RoleName": name, "Arn": iam(&format!("role/{name}")), "Path": "/",
        "CreateDate": "2024-05-01T10:00:00Z",
        "AssumeRolePolicyDocument": document(&[trust]),
        "RolePolicyList": [{"PolicyName": "inline", "PolicyDocument": document(grants)}],
        "AttachedManagedPolicies": [], "InstanceProfileList": []})
}

fn user(name: &str, grants: &[Value]) -> Value {
    json!({"UserName": name, "Arn": iam(&format!("user/{name}")), "Path": "/",
        "CreateDate": "2023-01-01T00:00:00Z", "GroupList": [], "AttachedManagedPolicies": [],
        "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": document(grants)}]})
}

fn snapshot(users: Vec<Value>, roles: Vec<Value>, extra: Vec<(String, Value)>) -> Estate {
    let mut files = vec![(
        format!("snap/{A}/global/iam/get-account-authorization-details.json"),
        json!({"UserDetailList": users, "GroupDetailList": [], "RoleDetailList": roles,
               "Policies": []}),
    )];
    files.extend(extra);
    ingest_json(&files)
}

/// The `can_assume` edge `from` → `to`: (conditional, condition).
fn assume(e: &Estate, from: &str, to: &str) -> Option<(bool, String)> {
    e.edges
        .iter()
        .find(|x| x.kind == EdgeKind::CanAssume && x.from == from && x.to == to)
        .map(|x| (x.conditional, x.condition.clone().unwrap_or_default()))
}

fn assume_admin(user_grant: Value, trust_condition: Option<Value>) -> Estate {
    snapshot(
        vec![user("alice", &[user_grant])],
        vec![role("admin", trust_condition, &[allow(&["*"], "*")])],
        Vec::new(),
    )
}

#[test]
fn a_trust_that_requires_mfa_is_conditional_and_says_so() {
    let mfa = json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}});
    let e = assume_admin(allow(&["sts:AssumeRole"], "*"), Some(mfa));
    let (conditional, why) = assume(&e, &iam("user/alice"), &iam("role/admin")).unwrap();
    assert!(conditional);
    assert!(why.starts_with("needs MFA: "), "{why}");
    // negative twin: no MFA condition, a firm edge
    let e = assume_admin(allow(&["sts:AssumeRole"], "*"), None);
    assert_eq!(
        assume(&e, &iam("user/alice"), &iam("role/admin")),
        Some((false, String::new()))
    );
}

#[test]
fn a_region_the_attacker_chooses_is_decided() {
    let grant = allow_if(
        &["sts:AssumeRole"],
        "*",
        json!({"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}),
    );
    let e = assume_admin(grant, None);
    assert_eq!(
        assume(&e, &iam("user/alice"), &iam("role/admin")),
        Some((false, String::new()))
    );
    // negative twin: the source IP is not the attacker's to choose
    let grant = allow_if(
        &["sts:AssumeRole"],
        "*",
        json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
    );
    let e = assume_admin(grant, None);
    let (conditional, why) = assume(&e, &iam("user/alice"), &iam("role/admin")).unwrap();
    assert!(conditional);
    assert!(
        why.starts_with("depends on the request's network origin (aws:sourceip)"),
        "{why}"
    );
}

/// `ci` may assume `admin` only with a session issued before `before`.
fn token_case(before: &str, collected_at: Option<&str>) -> Option<(bool, String)> {
    let grant = allow_if(
        &["sts:AssumeRole"],
        "*",
        json!({"DateLessThan": {"aws:TokenIssueTime": before}}),
    );
    let extra = collected_at
        .map(|t| {
            vec![(
                "snap/collection.json".to_owned(),
                json!({"format": "blastgraph-aws-collection", "version": 1, "tool": "t",
                       "accounts": [A], "regions": [], "calls": [], "collected_at": t}),
            )]
        })
        .unwrap_or_default();
    let e = snapshot(
        Vec::new(),
        vec![
            role("ci", None, &[grant]),
            role("admin", None, &[allow(&["*"], "*")]),
        ],
        extra,
    );
    assume(&e, &iam("role/ci"), &iam("role/admin"))
}

#[test]
fn a_token_issued_before_a_past_date_is_never_met() {
    // the newest date in the file (2024-05-01) is after 2020: no new session meets it
    assert_eq!(token_case("2020-01-01T00:00:00Z", None), None);
    // a date after the newest one: the collection time is only known to be later
    let (conditional, why) = token_case("2025-01-01T00:00:00Z", None).unwrap();
    assert!(conditional);
    assert!(
        why.starts_with("depends on when the request is made (aws:tokenissuetime)"),
        "{why}"
    );
    // collection.json says when: decided either way
    assert_eq!(
        token_case("2025-01-01T00:00:00Z", Some("2024-12-01T00:00:00Z")),
        Some((false, String::new()))
    );
    assert_eq!(
        token_case("2025-01-01T00:00:00Z", Some("2026-12-04T00:00:00Z")),
        None
    );
}

fn org_case(with_org: bool) -> Option<(bool, String)> {
    let trust_org = json!({"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}});
    let mut admin = role("admin", None, &[allow(&["*"], "*")]);
    admin["AssumeRolePolicyDocument"] = document(&[json!({"Effect": "Allow",
        "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": trust_org})]);
    let extra = if with_org {
        vec![
            (
                "snap/organizations/describe-organization.json".to_owned(),
                json!({"Organization": {"Id": "o-abc123", "MasterAccountId": "999999999999"}}),
            ),
            (
                format!("snap/organizations/list-parents/{A}.json"),
                json!({"Parents": [{"Id": "r-ab12", "Type": "ROOT"}]}),
            ),
        ]
    } else {
        Vec::new()
    };
    let e = snapshot(
        vec![user("alice", &[allow(&["sts:AssumeRole"], "*")])],
        vec![admin],
        extra,
    );
    assume(&e, &iam("user/alice"), &iam("role/admin"))
}

#[test]
fn the_callers_organization_is_decided_with_organizations_data() {
    assert_eq!(org_case(true), Some((false, String::new())));
    let (conditional, why) = org_case(false).unwrap();
    assert!(conditional);
    assert!(
        why.starts_with("depends on caller facts the inputs lack (aws:principalorgid)"),
        "{why}"
    );
}
