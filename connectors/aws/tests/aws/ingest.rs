//! Ingest of `aws iam get-account-authorization-details` output.

use blastgraph_connector_aws::{AwsAuthDetailsConnector, account_admin_id};
use blastgraph_model::{Class, Connector, Edge, EdgeKind, Estate, EstateBuilder, IngestError};

use crate::fixture::{A as ACCOUNT, iam as arn};

const FIXTURE: &str = "tests/fixtures/account-111122223333.json";

fn ingest_bytes(name: &str, bytes: &[u8]) -> (Result<(), IngestError>, Estate) {
    let mut b = EstateBuilder::new();
    b.begin_input(name, "aws-authorization-details", String::new(), 0);
    let r = AwsAuthDetailsConnector.ingest(name, bytes, &mut b);
    (r, b.finish())
}

fn fixture() -> Estate {
    let path = format!("{}/{FIXTURE}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap();
    let (r, e) = ingest_bytes(FIXTURE, &bytes);
    r.unwrap();
    e
}

fn edges(e: &Estate, kind: EdgeKind) -> Vec<Edge> {
    e.edges.iter().filter(|x| x.kind == kind).collect()
}

fn find(e: &Estate, kind: EdgeKind, from: &str, to: &str) -> Option<Edge> {
    e.edges
        .iter()
        .find(|x| x.kind == kind && x.from == from && x.to == to)
}

/// `can_act_as` edges as (from, to, mechanism, conditional), ids shortened
/// to their resource part (`user/alice`), in edge order.
fn act_as_rows(e: &Estate) -> Vec<(String, String, String, bool)> {
    let short = |s: &str| s.rsplit(':').next().unwrap_or(s).to_string();
    edges(e, EdgeKind::CanActAs)
        .iter()
        .map(|x| {
            (
                short(&x.from),
                short(&x.to),
                x.mechanism.clone().unwrap_or_default(),
                x.conditional,
            )
        })
        .collect()
}

/// `(from, to)` pairs of one kind, with ids shortened to their last segment.
fn pairs(e: &Estate, kind: EdgeKind) -> Vec<(String, String)> {
    let short = |s: &str| s.rsplit('/').next().unwrap_or(s).to_string();
    let mut v: Vec<_> = edges(e, kind)
        .iter()
        .map(|x| {
            let from = if x.from.starts_with("oidc:") {
                x.from.clone()
            } else {
                short(&x.from)
            };
            (from, short(&x.to))
        })
        .collect();
    v.sort();
    v
}

#[test]
fn detects_the_cli_output_and_nothing_else() {
    let c = AwsAuthDetailsConnector;
    assert_eq!(c.name(), "aws-authorization-details");
    assert!(c.detect("a.json", br#"{ "RoleDetailList": [ {"#));
    assert!(c.detect(
        "a.json",
        br#"{"UserDetailList": [], "GroupDetailList": []}"#
    ));
    assert!(!c.detect("a.json", br#"{"format": "blastgraph-estate"}"#));
    assert!(!c.detect("a.json", b"UserDetailList"));
}

#[test]
fn fixture_reads_without_diagnostics() {
    let e = fixture();
    assert_eq!(e.diagnostics, vec![], "{:#?}", e.diagnostics);
    assert_eq!(e.inputs[0].skipped, 0);
}

#[test]
fn nodes_are_users_groups_roles_the_admin_scope_and_federated_subjects() {
    let e = fixture();
    let mut got: Vec<(String, String, Class)> = e
        .nodes
        .iter()
        .map(|n| (n.id.clone(), n.kind.clone(), n.class))
        .collect();
    got.sort();
    let mut want = vec![
        (arn("user/alice"), "aws:user".into(), Class::Human),
        (arn("user/mallory"), "aws:user".into(), Class::Workload),
        (arn("user/bounded"), "aws:user".into(), Class::Workload),
        (arn("user/ops"), "aws:user".into(), Class::Workload),
        (arn("group/developers"), "aws:group".into(), Class::Group),
        (arn("role/deploy"), "aws:role".into(), Class::Workload),
        (arn("role/pipeline"), "aws:role".into(), Class::Workload),
        (arn("role/break-glass"), "aws:role".into(), Class::Workload),
        (
            arn("role/github-deploy"),
            "aws:role".into(),
            Class::Workload,
        ),
        (
            arn("role/policy-editor"),
            "aws:role".into(),
            Class::Workload,
        ),
        (
            arn("role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"),
            "aws:role".into(),
            Class::Workload,
        ),
        (
            account_admin_id(ACCOUNT),
            "aws:account_admin".into(),
            Class::Scope,
        ),
        // what user/bounded can make itself: everything within its boundary
        (
            arn("user/(rewritten)/bounded-by-DataOnlyBoundary"),
            "aws:bounded_user".into(),
            Class::Workload,
        ),
        (
            "oidc:token.actions.githubusercontent.com:sub=repo:acme/infra:ref:refs/heads/main"
                .into(),
            "github:workflow".into(),
            Class::Workload,
        ),
    ];
    want.sort();
    assert_eq!(got, want);

    let deploy = e.nodes.iter().find(|n| n.id == arn("role/deploy")).unwrap();
    assert_eq!(deploy.name, "deploy");
    assert_eq!(
        deploy.attrs.created.as_deref(),
        Some("2023-04-01T08:00:00Z")
    );
    assert_eq!(
        deploy.attrs.last_used.as_deref(),
        Some("2025-11-20T12:00:00Z")
    );
    assert_eq!(
        deploy.attrs.tags.get("aws:path").map(String::as_str),
        Some("/")
    );
    let alice = e.nodes.iter().find(|n| n.id == arn("user/alice")).unwrap();
    assert_eq!(
        alice.attrs.tags.get("team").map(String::as_str),
        Some("platform")
    );
}

#[test]
fn the_account_admin_contains_every_identity() {
    let e = fixture();
    let contains = edges(&e, EdgeKind::Contains);
    // ten identities of the file, and the bounded identity of DataOnlyBoundary
    assert_eq!(contains.len(), 11 + 1);
    assert!(contains.iter().all(|x| x.from == account_admin_id(ACCOUNT)));
    let c = find(
        &e,
        EdgeKind::Contains,
        &account_admin_id(ACCOUNT),
        &arn("group/developers"),
    )
    .unwrap();
    assert_eq!(c.provenance.location, "$.GroupDetailList[0]");
}

#[test]
fn group_members_are_linked() {
    let e = fixture();
    // mallory's own policy denies: her membership is not a path to the
    // group's powers (her own edges hold what she keeps), but her node names it.
    assert_eq!(
        pairs(&e, EdgeKind::MemberOf),
        vec![("alice".to_string(), "developers".to_string())]
    );
    let mallory = e
        .nodes
        .iter()
        .find(|n| n.id == arn("user/mallory"))
        .unwrap();
    assert_eq!(
        mallory.attrs.tags.get("aws:groups").map(String::as_str),
        Some("developers")
    );
    let m = find(
        &e,
        EdgeKind::MemberOf,
        &arn("user/alice"),
        &arn("group/developers"),
    )
    .unwrap();
    assert_eq!(m.provenance.location, "$.UserDetailList[0].GroupList");
    assert_eq!(m.provenance.source, FIXTURE);
}

#[test]
fn exactly_the_expected_assume_edges() {
    let e = fixture();
    let s = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        pairs(&e, EdgeKind::CanAssume),
        vec![
            s("alice", "deploy"),
            s("break-glass", "deploy"),
            s("deploy", "break-glass"),
            s("deploy", "pipeline"),
            // the group's policy lets its members assume deploy
            s("developers", "deploy"),
            s(
                "oidc:token.actions.githubusercontent.com:sub=repo:acme/infra:ref:refs/heads/main",
                "github-deploy"
            ),
            s("ops", "break-glass"),
        ]
    );
}

#[test]
fn user_in_group_assumes_role_through_the_group_policy() {
    let e = fixture();
    let x = find(
        &e,
        EdgeKind::CanAssume,
        &arn("user/alice"),
        &arn("role/deploy"),
    )
    .unwrap();
    assert!(!x.conditional);
    assert_eq!(x.condition, None);
    // The trust policy is URL-encoded in the file; the statement is still located.
    assert_eq!(
        x.provenance.location,
        "$.RoleDetailList[0].AssumeRolePolicyDocument.Statement[0]"
    );
    assert_eq!(
        x.provenance.reason,
        "trust policy statement 0; \
         identity: managed policy AssumeDeploy statement 0 (Sid AssumeDeployRole)"
    );
}

#[test]
fn explicit_deny_in_another_attached_policy_removes_the_edge() {
    let e = fixture();
    assert!(
        find(
            &e,
            EdgeKind::CanAssume,
            &arn("user/mallory"),
            &arn("role/deploy")
        )
        .is_none()
    );
    assert!(
        e.edges
            .iter()
            .all(|x| x.from != arn("user/mallory") || x.kind == EdgeKind::MemberOf)
    );
}

#[test]
fn permission_boundary_without_sts_removes_the_edge() {
    let e = fixture();
    assert!(e.edges.iter().all(|x| x.from != arn("user/bounded")));
}

#[test]
fn role_trusting_another_role() {
    let e = fixture();
    let x = find(
        &e,
        EdgeKind::CanAssume,
        &arn("role/deploy"),
        &arn("role/pipeline"),
    )
    .unwrap();
    assert!(!x.conditional);
    assert_eq!(
        x.provenance.reason,
        "trust policy statement 0 \
         (Sid FromDeploy); the trust policy names the caller directly, no identity allow needed"
    );
    assert_eq!(
        x.provenance.location,
        "$.RoleDetailList[1].AssumeRolePolicyDocument.Statement[0]"
    );
}

#[test]
fn mfa_condition_makes_a_conditional_edge() {
    let e = fixture();
    let x = find(
        &e,
        EdgeKind::CanAssume,
        &arn("user/ops"),
        &arn("role/break-glass"),
    )
    .unwrap();
    assert!(x.conditional);
    assert_eq!(
        x.condition.as_deref(),
        Some(r#"needs MFA: {"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#)
    );
    assert!(x.provenance.reason.contains("Sid HumansWithMfa"));
    assert!(
        x.provenance
            .reason
            .contains("inline policy assume-break-glass of user/ops")
    );
}

#[test]
fn github_oidc_trust_with_a_subject_condition() {
    let e = fixture();
    let id = "oidc:token.actions.githubusercontent.com:sub=repo:acme/infra:ref:refs/heads/main";
    let node = e.nodes.iter().find(|n| n.id == id).unwrap();
    assert_eq!(node.provider, "github");
    let x = find(&e, EdgeKind::CanAssume, id, &arn("role/github-deploy")).unwrap();
    // A GitHub Actions job asks for the audience it wants: the `aud`
    // condition is the attacker's choice, so the edge is firm.
    assert!(!x.conditional, "{:?}", x.condition);
    assert!(
        x.provenance
            .reason
            .contains("asks GitHub for a token with audience")
    );
    assert_eq!(
        x.provenance.location,
        "$.RoleDetailList[3].AssumeRolePolicyDocument.Statement[0]"
    );
    assert!(x.provenance.reason.contains("(Sid GitHubMain)"));
    assert!(!x.provenance.reason.contains("not restricted"));
}

#[test]
fn another_issuers_audience_stays_undecided() {
    // The negative twin of the GitHub audience: a Kubernetes (EKS) token's
    // audience is set in the pod's spec, not chosen by whoever holds it.
    let doc = r#"{"RoleDetailList":[{"RoleName":"irsa","Arn":"arn:aws:iam::111122223333:role/irsa",
      "AssumeRolePolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"},
        "Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{"StringEquals":{"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub":"system:serviceaccount:ml:trainer",
                                     "oidc.eks.us-east-1.amazonaws.com/id/ABC:aud":"sts.amazonaws.com"}}}]}}]}"#;
    let (r, e) = ingest_bytes("irsa.json", doc.as_bytes());
    r.unwrap();
    let id = "oidc:oidc.eks.us-east-1.amazonaws.com/id/ABC:sub=system:serviceaccount:ml:trainer";
    let x = find(
        &e,
        EdgeKind::CanAssume,
        id,
        "arn:aws:iam::111122223333:role/irsa",
    )
    .unwrap();
    assert!(x.conditional);
    assert!(x.condition.as_deref().unwrap().contains(":aud"));
}

#[test]
fn unrestricted_oidc_subject_is_flagged() {
    let doc = r#"{"RoleDetailList":[{"RoleName":"open","Arn":"arn:aws:iam::111122223333:role/open",
      "AssumeRolePolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
        "Action":"sts:AssumeRoleWithWebIdentity"}]}}]}"#;
    let (r, e) = ingest_bytes("open.json", doc.as_bytes());
    r.unwrap();
    let id = "oidc:token.actions.githubusercontent.com:sub=*";
    let x = find(
        &e,
        EdgeKind::CanAssume,
        id,
        "arn:aws:iam::111122223333:role/open",
    )
    .unwrap();
    assert!(!x.conditional);
    assert!(
        x.provenance
            .reason
            .contains("the subject is not restricted")
    );
}

#[test]
fn admin_and_self_policy_edit_escalate_to_the_account_admin() {
    let e = fixture();
    let s = |a: &str| (a.to_string(), "admin".to_string());
    assert_eq!(
        pairs(&e, EdgeKind::CanEscalate),
        vec![s("break-glass"), s("policy-editor")]
    );
    let admin = account_admin_id(ACCOUNT);
    let x = find(&e, EdgeKind::CanEscalate, &arn("role/break-glass"), &admin).unwrap();
    assert_eq!(x.mechanism.as_deref(), Some("*"));
    assert!(
        x.provenance
            .reason
            .contains("managed policy AdministratorAccess statement 0")
    );
    assert_eq!(
        x.provenance.location,
        "$.Policies[0].PolicyVersionList[0].Document.Statement[0]"
    );
    let y = find(
        &e,
        EdgeKind::CanEscalate,
        &arn("role/policy-editor"),
        &admin,
    )
    .unwrap();
    assert_eq!(y.mechanism.as_deref(), Some("iam:PutRolePolicy"));
    assert!(y.provenance.reason.contains("(Sid EditOwnPolicies)"));
}

#[test]
fn malformed_json_is_a_file_error_with_line_and_column() {
    let (r, _) = ingest_bytes(
        "bad.json",
        b"{\n  \"UserDetailList\": [\n    {\"UserName\": }\n",
    );
    match r.unwrap_err() {
        IngestError::Malformed { line, column, .. } => {
            assert_eq!(line, 3);
            assert!(column > 1);
        }
        other => panic!("unexpected {other:?}"),
    }
    let (r, _) = ingest_bytes("list.json", b"[1]");
    assert_eq!(
        r.unwrap_err().to_string(),
        "list.json: $: expected an object, found an array"
    );
}

#[test]
fn a_role_without_arn_is_reported_and_the_others_kept() {
    let doc = r#"{"RoleDetailList":[
      {"RoleName":"ghost","AssumeRolePolicyDocument":{"Version":"2012-10-17","Statement":[]}},
      {"RoleName":"kept","Arn":"arn:aws:iam::111122223333:role/kept",
       "AssumeRolePolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}}
    ]}"#;
    let (r, e) = ingest_bytes("roles.json", doc.as_bytes());
    r.unwrap();
    let msgs: Vec<String> = e.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        msgs,
        ["error[bad-record]: roles.json: $.RoleDetailList[0].Arn: missing required field `Arn`"]
    );
    let ids: Vec<&str> = e.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "arn:aws:iam::111122223333:role/kept",
            "aws:account/111122223333/admin"
        ]
    );
}

#[test]
fn a_document_that_is_not_a_policy_names_its_path() {
    let doc = r#"{"UserDetailList":[{"UserName":"u","Arn":"arn:aws:iam::111122223333:user/u",
       "UserPolicyList":[{"PolicyName":"p","PolicyDocument":{"Hello":"world"}},
                         {"PolicyName":"q","PolicyDocument":42}]}]}"#;
    let (r, e) = ingest_bytes("u.json", doc.as_bytes());
    r.unwrap();
    let locations: Vec<&str> = e.diagnostics.iter().map(|d| d.location.as_str()).collect();
    assert_eq!(
        locations,
        [
            "$.UserDetailList[0].UserPolicyList[0].PolicyDocument",
            "$.UserDetailList[0].UserPolicyList[1].PolicyDocument",
        ]
    );
    assert!(
        e.diagnostics
            .iter()
            .all(|d| d.message.starts_with("not a policy document"))
    );
    // The user is kept.
    assert!(
        e.nodes
            .iter()
            .any(|n| n.id == "arn:aws:iam::111122223333:user/u")
    );
}

#[test]
fn wrong_types_are_reported_per_record() {
    let doc = r#"{"UserDetailList":{"oops":1},
      "GroupDetailList":[7, {"GroupName":"g","Arn":"arn:aws:iam::111122223333:group/g","GroupPolicyList":"none"}],
      "RoleDetailList":[{"RoleName":"r","Arn":"arn:aws:iam::111122223333:user/r"},
                        {"RoleName":"t","Arn":"arn:aws:iam::111122223333:role/t","Tags":[{"Key":5}]}],
      "Policies":[{"PolicyName":"P","Arn":"arn:aws:iam::111122223333:policy/P","PolicyVersionList":[{"VersionId":"v1","IsDefaultVersion":false,"Document":{}}]}]}"#;
    let (r, e) = ingest_bytes("t.json", doc.as_bytes());
    r.unwrap();
    let msgs: Vec<String> = e.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        msgs,
        [
            "error[bad-record]: t.json: $.Policies[0].PolicyVersionList: no default version (`IsDefaultVersion: true`) in the list",
            "error[bad-record]: t.json: $.GroupDetailList[0]: expected an object, found a number",
            "error[bad-record]: t.json: $.GroupDetailList[1].GroupPolicyList: expected an array, found a string",
            "error[bad-record]: t.json: $.UserDetailList: expected an array, found an object; no UserDetailList read",
            "error[bad-record]: t.json: $.RoleDetailList[0].Arn: expected an IAM role ARN (arn:aws:iam::ACCOUNT:role/...), found `arn:aws:iam::111122223333:user/r`",
            "error[bad-record]: t.json: $.RoleDetailList[1].Tags[0].Key: expected a string, found a number",
        ]
    );
    assert!(e.nodes.is_empty());
}

#[test]
fn not_authorization_details_is_a_shape_error() {
    let (r, _) = ingest_bytes("x.json", br#"{"Users": []}"#);
    assert!(
        r.unwrap_err()
            .to_string()
            .contains("get-account-authorization-details")
    );
}

/// A generated account: 3,000 roles (one in ten trusting the account root,
/// one in ten trusting the previous role, the rest a service), 300 users of
/// whom 10 may assume any role. Checks the pre-filter keeps the work near
/// the number of edges, not callers × roles.
#[test]
fn a_large_generated_account_gives_the_expected_edge_counts() {
    let a = ACCOUNT;
    let mut roles = Vec::new();
    for i in 0..3000 {
        let principal = if i % 10 == 0 {
            format!(r#"{{"AWS":"arn:aws:iam::{a}:root"}}"#)
        } else if i % 10 == 1 {
            format!(r#"{{"AWS":"arn:aws:iam::{a}:role/r{}"}}"#, i - 1)
        } else {
            r#"{"Service":"lambda.amazonaws.com"}"#.to_string()
        };
        roles.push(format!(
            r#"{{"RoleName":"r{i}","Arn":"arn:aws:iam::{a}:role/r{i}","Path":"/",
              "AssumeRolePolicyDocument":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"}}]}},
              "RolePolicyList":[{{"PolicyName":"work","PolicyDocument":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["s3:GetObject","dynamodb:Query"],"Resource":"*"}}]}}}}]}}"#
        ));
    }
    let mut users = Vec::new();
    for i in 0..300 {
        let attached = if i < 10 {
            r#"[{"PolicyName":"AssumeAny","PolicyArn":"arn:aws:iam::111122223333:policy/AssumeAny"}]"#
        } else {
            "[]"
        };
        users.push(format!(
            r#"{{"UserName":"u{i}","Arn":"arn:aws:iam::{a}:user/u{i}","AttachedManagedPolicies":{attached}}}"#
        ));
    }
    let doc = format!(
        r#"{{"UserDetailList":[{}],"GroupDetailList":[],"RoleDetailList":[{}],
          "Policies":[{{"PolicyName":"AssumeAny","Arn":"arn:aws:iam::{a}:policy/AssumeAny","DefaultVersionId":"v1",
            "PolicyVersionList":[{{"VersionId":"v1","IsDefaultVersion":true,
              "Document":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}}]}}}}]}}]}}"#,
        users.join(","),
        roles.join(",")
    );
    let start = std::time::Instant::now();
    let (r, e) = ingest_bytes("big.json", doc.as_bytes());
    r.unwrap();
    let elapsed = start.elapsed();
    assert!(e.diagnostics.is_empty(), "{:?}", e.diagnostics.first());
    // The 300 roles trusting the account form its trust hub: 10 users → the
    // hub, the hub → 300 roles (not 10 × 300 edges); each r(10k+1) trusts
    // r(10k) directly.
    let hub = format!("aws:account/{a}/trusting-roles");
    let assume = edges(&e, EdgeKind::CanAssume);
    assert_eq!(assume.len(), 10 + 300 + 300);
    assert_eq!(assume.iter().filter(|x| x.to == hub).count(), 10);
    assert_eq!(assume.iter().filter(|x| x.from == hub).count(), 300);
    assert!(assume.iter().all(|x| !x.conditional));
    assert_eq!(edges(&e, EdgeKind::Contains).len(), 3300);
    eprintln!("3,000 roles, 300 users: {elapsed:?}");
}

#[test]
fn saml_trust_gives_a_saml_subject_node() {
    let doc = r#"{"RoleDetailList":[{"RoleName":"sso-admin","Arn":"arn:aws:iam::111122223333:role/sso-admin",
      "AssumeRolePolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/Okta"},
        "Action":"sts:AssumeRoleWithSAML",
        "Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}}]}"#;
    let (r, e) = ingest_bytes("saml.json", doc.as_bytes());
    r.unwrap();
    let id = "saml:arn:aws:iam::111122223333:saml-provider/Okta:sub=*";
    let node = e.nodes.iter().find(|n| n.id == id).unwrap();
    assert_eq!(node.kind, "saml:subject");
    let x = find(
        &e,
        EdgeKind::CanAssume,
        id,
        "arn:aws:iam::111122223333:role/sso-admin",
    )
    .unwrap();
    assert!(x.conditional);
    assert!(x.condition.as_deref().unwrap().contains("SAML:aud"));
}

/// A user whose attached customer policy lets it create a new version of
/// that policy escalates; its twin with a boundary that omits IAM does not.
#[test]
fn create_policy_version_on_an_attached_policy_escalates_unless_bounded() {
    let doc = r#"{"UserDetailList":[
        {"UserName":"dev","Arn":"arn:aws:iam::111122223333:user/dev",
         "AttachedManagedPolicies":[{"PolicyName":"SelfService","PolicyArn":"arn:aws:iam::111122223333:policy/SelfService"}]},
        {"UserName":"dev-bounded","Arn":"arn:aws:iam::111122223333:user/dev-bounded",
         "AttachedManagedPolicies":[{"PolicyName":"SelfService","PolicyArn":"arn:aws:iam::111122223333:policy/SelfService"}],
         "PermissionsBoundary":{"PermissionsBoundaryType":"Policy","PermissionsBoundaryArn":"arn:aws:iam::111122223333:policy/NoIam"}}],
      "Policies":[
        {"PolicyName":"SelfService","Arn":"arn:aws:iam::111122223333:policy/SelfService","DefaultVersionId":"v2",
         "PolicyVersionList":[
           {"VersionId":"v2","IsDefaultVersion":true,"Document":"%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22iam%3ACreatePolicyVersion%22%2C%22Resource%22%3A%22arn%3Aaws%3Aiam%3A%3A111122223333%3Apolicy%2FSelfService%22%7D%5D%7D"},
           {"VersionId":"v1","IsDefaultVersion":false,"Document":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}}]},
        {"PolicyName":"NoIam","Arn":"arn:aws:iam::111122223333:policy/NoIam","DefaultVersionId":"v1",
         "PolicyVersionList":[{"VersionId":"v1","IsDefaultVersion":true,"Document":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}}]}]}"#;
    let (r, e) = ingest_bytes("cpv.json", doc.as_bytes());
    r.unwrap();
    assert!(e.diagnostics.is_empty(), "{:?}", e.diagnostics);
    let esc = edges(&e, EdgeKind::CanEscalate);
    assert_eq!(esc.len(), 1, "{esc:#?}");
    assert_eq!(esc[0].from, "arn:aws:iam::111122223333:user/dev");
    assert_eq!(esc[0].mechanism.as_deref(), Some("iam:CreatePolicyVersion"));
    assert_eq!(
        esc[0].provenance.location,
        "$.Policies[0].PolicyVersionList[0].Document.Statement[0]"
    );
}

/// moto omits `PolicyName` in some versions: the policy is kept, with a warning.
#[test]
fn missing_policy_names_are_warnings_not_lost_records() {
    let doc = r#"{"RoleDetailList":[{"RoleName":"r","Arn":"arn:aws:iam::111122223333:role/r",
       "AssumeRolePolicyDocument":{"Version":"2012-10-17","Statement":[]},
       "RolePolicyList":[{"PolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:AttachRolePolicy","Resource":"*"}]}}]}]}"#;
    let (r, e) = ingest_bytes("moto.json", doc.as_bytes());
    r.unwrap();
    let msgs: Vec<String> = e.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        msgs,
        [
            "warning[ignored]: moto.json: $.RoleDetailList[0].RolePolicyList[0].PolicyName: missing `PolicyName`; named `#0` after its position"
        ]
    );
    let x = &edges(&e, EdgeKind::CanEscalate)[0];
    assert_eq!(x.mechanism.as_deref(), Some("iam:AttachRolePolicy"));
    assert!(
        x.provenance
            .reason
            .contains("inline policy #0 of role/r statement 0")
    );
}

/// Families 2 and 3 of docs/aws-escalation-methods.md: taking over other
/// principals (access keys, console passwords, group membership) and
/// rewriting trust, each with its negative twin.
#[test]
fn takeover_of_other_principals_and_trust_rewrites() {
    let a = ACCOUNT;
    let inline = |name: &str, stmts: &str| {
        format!(
            r#"[{{"PolicyName":"{name}","PolicyDocument":{{"Version":"2012-10-17","Statement":[{stmts}]}}}}]"#
        )
    };
    let user = |name: &str, policies: String, boundary: &str| {
        format!(
            r#"{{"UserName":"{name}","Arn":"arn:aws:iam::{a}:user/{name}","UserPolicyList":{policies},"GroupList":[],"AttachedManagedPolicies":[]{boundary}}}"#
        )
    };
    let role = |name: &str, path: &str, policies: String| {
        format!(
            r#"{{"RoleName":"{name}","Arn":"arn:aws:iam::{a}:role{path}{name}","Path":"{path}","AssumeRolePolicyDocument":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"ec2.amazonaws.com"}},"Action":"sts:AssumeRole"}}]}},"RolePolicyList":{policies},"AttachedManagedPolicies":[]}}"#
        )
    };
    let keys = r#"{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::111122223333:user/*"}"#;
    let deny_alice =
        r#"{"Effect":"Deny","Action":"iam:*","Resource":"arn:aws:iam::111122223333:user/alice"}"#;
    let users = [
        user("helpdesk", inline("keys", keys), ""),
        user(
            "helpdesk-denied",
            inline("keys", &format!("{keys},{deny_alice}")),
            "",
        ),
        user(
            "helpdesk-bounded",
            inline("keys", keys),
            r#","PermissionsBoundary":{"PermissionsBoundaryType":"Policy","PermissionsBoundaryArn":"arn:aws:iam::111122223333:policy/S3Only"}"#,
        ),
        user(
            "joiner",
            inline(
                "join",
                r#"{"Effect":"Allow","Action":"iam:AddUserToGroup","Resource":"arn:aws:iam::111122223333:group/admins"}"#,
            ),
            "",
        ),
        user(
            "password-reset",
            inline(
                "pw",
                r#"{"Effect":"Allow","Action":"iam:UpdateLoginProfile","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}"#,
            ),
            "",
        ),
        user("alice", "[]".into(), ""),
        user("bob", "[]".into(), ""),
    ];
    let roles = [
        role(
            "trust-editor",
            "/",
            inline(
                "trust",
                r#"{"Effect":"Allow","Action":"iam:UpdateAssumeRolePolicy","Resource":["arn:aws:iam::111122223333:role/prod-*","arn:aws:iam::111122223333:role/aws-service-role/*"]}"#,
            ),
        ),
        role("prod-db", "/", "[]".into()),
        role("dev-sandbox", "/", "[]".into()),
        role(
            "AWSServiceRoleForSupport",
            "/aws-service-role/",
            "[]".into(),
        ),
    ];
    let doc = format!(
        r#"{{"UserDetailList":[{}],"GroupDetailList":[{{"GroupName":"admins","Arn":"arn:aws:iam::{a}:group/admins","GroupPolicyList":[],"AttachedManagedPolicies":[]}}],"RoleDetailList":[{}],
          "Policies":[{{"PolicyName":"S3Only","Arn":"arn:aws:iam::{a}:policy/S3Only","DefaultVersionId":"v1","PolicyVersionList":[{{"VersionId":"v1","IsDefaultVersion":true,"Document":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:*","Resource":"*"}}]}}}}]}}]}}"#,
        users.join(","),
        roles.join(",")
    );
    let (r, e) = ingest_bytes("takeover.json", doc.as_bytes());
    r.unwrap();
    assert!(e.diagnostics.is_empty(), "{:?}", e.diagnostics);
    let mut got = act_as_rows(&e);
    got.sort();
    let want: Vec<(String, String, String, bool)> = [
        // helpdesk can mint keys for every other user (conditional: a user
        // with two keys already refuses a third; no credential report here).
        ("user/helpdesk", "user/alice", "iam:CreateAccessKey", true),
        ("user/helpdesk", "user/bob", "iam:CreateAccessKey", true),
        (
            "user/helpdesk",
            "user/helpdesk-bounded",
            "iam:CreateAccessKey",
            true,
        ),
        (
            "user/helpdesk",
            "user/helpdesk-denied",
            "iam:CreateAccessKey",
            true,
        ),
        ("user/helpdesk", "user/joiner", "iam:CreateAccessKey", true),
        (
            "user/helpdesk",
            "user/password-reset",
            "iam:CreateAccessKey",
            true,
        ),
        // The explicit deny removes alice only.
        (
            "user/helpdesk-denied",
            "user/bob",
            "iam:CreateAccessKey",
            true,
        ),
        (
            "user/helpdesk-denied",
            "user/helpdesk",
            "iam:CreateAccessKey",
            true,
        ),
        (
            "user/helpdesk-denied",
            "user/helpdesk-bounded",
            "iam:CreateAccessKey",
            true,
        ),
        (
            "user/helpdesk-denied",
            "user/joiner",
            "iam:CreateAccessKey",
            true,
        ),
        (
            "user/helpdesk-denied",
            "user/password-reset",
            "iam:CreateAccessKey",
            true,
        ),
        // (helpdesk-bounded: its boundary allows only s3, so no edge at all.)
        ("user/joiner", "group/admins", "iam:AddUserToGroup", false),
        // MFA is unknown offline: conditional.
        (
            "user/password-reset",
            "user/alice",
            "iam:UpdateLoginProfile",
            true,
        ),
        (
            "user/password-reset",
            "user/bob",
            "iam:UpdateLoginProfile",
            true,
        ),
        (
            "user/password-reset",
            "user/helpdesk",
            "iam:UpdateLoginProfile",
            true,
        ),
        (
            "user/password-reset",
            "user/helpdesk-bounded",
            "iam:UpdateLoginProfile",
            true,
        ),
        (
            "user/password-reset",
            "user/helpdesk-denied",
            "iam:UpdateLoginProfile",
            true,
        ),
        (
            "user/password-reset",
            "user/joiner",
            "iam:UpdateLoginProfile",
            true,
        ),
        // prod-* only; never the service-linked role.
        (
            "role/trust-editor",
            "role/prod-db",
            "iam:UpdateAssumeRolePolicy",
            false,
        ),
    ]
    .iter()
    .map(|(f, t, m, c)| (f.to_string(), t.to_string(), m.to_string(), *c))
    .collect();
    let mut want = want;
    want.sort();
    assert_eq!(got, want);
    let key = find(
        &e,
        EdgeKind::CanActAs,
        &arn("user/helpdesk"),
        &arn("user/alice"),
    )
    .unwrap();
    assert!(
        key.provenance
            .reason
            .contains("iam:CreateAccessKey on it allowed by"),
        "{}",
        key.provenance.reason
    );
    assert!(
        key.provenance.location.starts_with("$.UserDetailList[0]"),
        "{}",
        key.provenance.location
    );
}

/// Family 4 of docs/aws-escalation-methods.md: PassRole to a new compute
/// resource, with the family's negative twins (PassRole on a harmless role,
/// PassedToService for another service, a deny elsewhere, a boundary) and a
/// resource-scoped grant that makes the edge conditional.
#[test]
fn pass_role_to_new_compute_and_its_negative_twins() {
    let a = ACCOUNT;
    let user = |name: &str, stmts: &str, boundary: &str| {
        format!(
            r#"{{"UserName":"{name}","Arn":"arn:aws:iam::{a}:user/{name}","GroupList":[],"AttachedManagedPolicies":[],"UserPolicyList":[{{"PolicyName":"p","PolicyDocument":{{"Version":"2012-10-17","Statement":[{stmts}]}}}}]{boundary}}}"#
        )
    };
    let role = |name: &str, service: &str| {
        format!(
            r#"{{"RoleName":"{name}","Arn":"arn:aws:iam::{a}:role/{name}","Path":"/","AssumeRolePolicyDocument":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole"}}]}},"RolePolicyList":[],"AttachedManagedPolicies":[]}}"#
        )
    };
    let lambda = r#"{"Effect":"Allow","Action":["lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"*"}"#;
    let users = [
        user(
            "lambda-dev",
            &format!(
                r#"{{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::{a}:role/lambda-*"}},{lambda}"#
            ),
            "",
        ),
        user(
            "harmless-only",
            &format!(
                r#"{{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::{a}:role/harmless"}},{lambda}"#
            ),
            "",
        ),
        user(
            "passes-to-ec2",
            &format!(
                r#"{{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{{"StringEquals":{{"iam:PassedToService":"ec2.amazonaws.com"}}}}}},{lambda}"#
            ),
            "",
        ),
        user(
            "invoke-denied",
            &format!(
                r#"{{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::{a}:role/lambda-*"}},{lambda},{{"Effect":"Deny","Action":"lambda:InvokeFunction","Resource":"*"}}"#
            ),
            "",
        ),
        user(
            "bounded-dev",
            &format!(
                r#"{{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::{a}:role/lambda-*"}},{lambda}"#
            ),
            r#","PermissionsBoundary":{"PermissionsBoundaryType":"Policy","PermissionsBoundaryArn":"arn:aws:iam::111122223333:policy/S3Only"}"#,
        ),
        user(
            "team-trainer",
            &format!(
                r#"{{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::{a}:role/sm-*"}},{{"Effect":"Allow","Action":"sagemaker:CreateTrainingJob","Resource":"arn:aws:sagemaker:*:{a}:training-job/team-*"}}"#
            ),
            "",
        ),
        user(
            "exact-trainer",
            &format!(
                r#"{{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::{a}:role/sm-*"}},{{"Effect":"Allow","Action":"sagemaker:CreateTrainingJob","Resource":"arn:aws:sagemaker:us-east-1:999988887777:training-job/nightly"}}"#
            ),
            "",
        ),
    ];
    let roles = [
        role("lambda-exec", "lambda.amazonaws.com"),
        role("harmless", "ec2.amazonaws.com"),
        role("sm-train", "sagemaker.amazonaws.com"),
    ];
    let doc = format!(
        r#"{{"UserDetailList":[{}],"GroupDetailList":[],"RoleDetailList":[{}],
          "Policies":[{{"PolicyName":"S3Only","Arn":"arn:aws:iam::{a}:policy/S3Only","DefaultVersionId":"v1","PolicyVersionList":[{{"VersionId":"v1","IsDefaultVersion":true,"Document":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:*","Resource":"*"}}]}}}}]}}]}}"#,
        users.join(","),
        roles.join(",")
    );
    let (r, e) = ingest_bytes("passrole.json", doc.as_bytes());
    r.unwrap();
    assert!(e.diagnostics.is_empty(), "{:?}", e.diagnostics);
    let got = act_as_rows(&e);
    assert_eq!(
        got,
        [
            (
                "user/lambda-dev".to_string(),
                "role/lambda-exec".to_string(),
                "iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction".to_string(),
                false
            ),
            // The attacker names its job `team-…` in its own account.
            (
                "user/team-trainer".to_string(),
                "role/sm-train".to_string(),
                "iam:PassRole+sagemaker:CreateTrainingJob".to_string(),
                false
            ),
            // A grant only on a name in another account cannot be used as
            // such: kept, flagged.
            (
                "user/exact-trainer".to_string(),
                "role/sm-train".to_string(),
                "iam:PassRole+sagemaker:CreateTrainingJob".to_string(),
                true
            ),
        ]
    );
    let scoped = find(
        &e,
        EdgeKind::CanActAs,
        &arn("user/exact-trainer"),
        &arn("role/sm-train"),
    )
    .unwrap();
    assert!(
        scoped
            .condition
            .as_deref()
            .unwrap_or("")
            .contains("granted on some resource names only"),
        "{:?}",
        scoped.condition
    );
    let dev = find(
        &e,
        EdgeKind::CanActAs,
        &arn("user/lambda-dev"),
        &arn("role/lambda-exec"),
    )
    .unwrap();
    assert!(
        dev.provenance
            .reason
            .contains("lambda-create-function-invoke"),
        "{}",
        dev.provenance.reason
    );
}

/// Family 1: `iam:SetDefaultPolicyVersion` on one's own policy escalates only
/// when another stored version would let the identity write its own policy.
#[test]
fn set_default_policy_version_needs_a_version_that_grants_more() {
    let a = ACCOUNT;
    let policy = |name: &str, other_version: &str| {
        format!(
            r#"{{"PolicyName":"{name}","Arn":"arn:aws:iam::{a}:policy/{name}","DefaultVersionId":"v2","PolicyVersionList":[
              {{"VersionId":"v1","IsDefaultVersion":false,"Document":{{"Version":"2012-10-17","Statement":[{other_version}]}}}},
              {{"VersionId":"v2","IsDefaultVersion":true,"Document":{{"Version":"2012-10-17","Statement":[
                {{"Effect":"Allow","Action":"iam:SetDefaultPolicyVersion","Resource":"arn:aws:iam::{a}:policy/{name}"}},
                {{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}]}}}}]}}"#
        )
    };
    let role = |name: &str, attached: &str, boundary: &str| {
        format!(
            r#"{{"RoleName":"{name}","Arn":"arn:aws:iam::{a}:role/{name}","Path":"/","AssumeRolePolicyDocument":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"ec2.amazonaws.com"}},"Action":"sts:AssumeRole"}}]}},"RolePolicyList":[],"AttachedManagedPolicies":[{{"PolicyName":"{attached}","PolicyArn":"arn:aws:iam::{a}:policy/{attached}"}}]{boundary}}}"#
        )
    };
    let admin = r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#;
    let doc = format!(
        r#"{{"UserDetailList":[],"GroupDetailList":[],"RoleDetailList":[{},{},{}],"Policies":[{},{},{},{}]}}"#,
        role("versioned", "Versioned", ""),
        role("versioned-harmless", "Harmless", ""),
        role(
            "versioned-bounded",
            "Bounded",
            r#","PermissionsBoundary":{"PermissionsBoundaryType":"Policy","PermissionsBoundaryArn":"arn:aws:iam::111122223333:policy/S3Only"}"#
        ),
        policy("Versioned", admin),
        policy(
            "Harmless",
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#
        ),
        policy("Bounded", admin),
        r#"{"PolicyName":"S3Only","Arn":"arn:aws:iam::111122223333:policy/S3Only","DefaultVersionId":"v1","PolicyVersionList":[{"VersionId":"v1","IsDefaultVersion":true,"Document":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}}]}"#
    );
    let (r, e) = ingest_bytes("versions.json", doc.as_bytes());
    r.unwrap();
    assert!(e.diagnostics.is_empty(), "{:?}", e.diagnostics);
    let esc: Vec<(String, Option<String>)> = edges(&e, EdgeKind::CanEscalate)
        .iter()
        .map(|x| (x.from.clone(), x.mechanism.clone()))
        .collect();
    // versioned-harmless: v1 grants nothing more; versioned-bounded: the
    // boundary (s3 only) blocks SetDefaultPolicyVersion itself.
    assert_eq!(
        esc,
        [(
            arn("role/versioned"),
            Some("iam:SetDefaultPolicyVersion".to_string())
        )]
    );
    let edge = find(
        &e,
        EdgeKind::CanEscalate,
        &arn("role/versioned"),
        &account_admin_id(ACCOUNT),
    )
    .unwrap();
    assert!(
        edge.provenance
            .reason
            .contains("makes version v1 the default"),
        "{}",
        edge.provenance.reason
    );
}

/// A trust document as the raw API gives it (URL-encoded) that names a role
/// with `+` in its name: `+` is not a space (regression: the reader's own
/// decoder read `deploy+ci` as `deploy ci` and lost the trust).
#[test]
fn a_url_encoded_trust_naming_a_role_with_a_plus_is_kept() {
    let trust = |who: &str| {
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": arn(&format!("role/{who}"))}, "Action": "sts:AssumeRole"}
        ]})
        .to_string();
        doc.bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'+' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    let role = |name: &str, trust_doc: serde_json::Value| {
        serde_json::json!({"RoleName": name, "Arn": arn(&format!("role/{name}")), "Path": "/",
            "AssumeRolePolicyDocument": trust_doc, "RolePolicyList": [], "AttachedManagedPolicies": [],
            "InstanceProfileList": []})
    };
    for (named, edge) in [("deploy+ci", true), ("deploy-ci", false)] {
        let doc = serde_json::json!({
            "UserDetailList": [], "GroupDetailList": [], "Policies": [],
            "RoleDetailList": [
                role("deploy+ci", serde_json::json!(trust("nobody"))),
                role("target", serde_json::json!(trust(named))),
            ]
        });
        let (r, e) = ingest_bytes("a.json", &serde_json::to_vec(&doc).unwrap());
        r.unwrap();
        let found = find(
            &e,
            EdgeKind::CanAssume,
            &arn("role/deploy+ci"),
            &arn("role/target"),
        );
        assert_eq!(found.is_some(), edge, "{named}: {:#?}", e.diagnostics);
    }
}

/// Every file under a folder, as (path relative to it, bytes), in path order.
fn files_under(root: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path.strip_prefix(root).unwrap().display().to_string();
                out.push((format!("demo/{name}"), std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_demo_organisation_gives_the_same_facts_one_account_at_a_time() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../crates/cli/demo/aws");
    let files = files_under(&root);
    assert!(files.len() > 20, "{} files", files.len());
    let whole = blastgraph_gen::bench::ingest(&blastgraph_connector_aws::ReadWhole, &files).0;
    assert!(whole.edges.len() > 30, "{} edges", whole.edges.len());
    // Two accounts, with edges across them.
    let accounts: std::collections::BTreeSet<&str> = whole
        .nodes
        .iter()
        .filter(|n| n.kind == "aws:account_admin")
        .map(|n| n.id.as_str())
        .collect();
    assert_eq!(accounts.len(), 2, "{accounts:?}");
    let read_by_account =
        blastgraph_gen::bench::ingest(&blastgraph_connector_aws::ReadByAccount, &files).0;
    crate::fixture::assert_same_facts(&whole, &read_by_account);
}

/// An identity that escalates to its account's admin keeps its access to
/// another account's resources: the admin scope holds only its own
/// account, so that access is no path through it. The twin: the bucket
/// policy names someone else, and there is no access.
#[test]
fn an_identity_that_escalates_keeps_its_access_to_another_accounts_bucket() {
    const B: &str = "444455556666";
    let boss = arn("user/boss");
    let case = |named: &str| {
        let user = serde_json::json!({"UserName": "boss", "UserId": "AIDABOSS", "Arn": boss,
        "Path": "/", "CreateDate": "2024-01-01T00:00:00Z", "GroupList": [],
        "AttachedManagedPolicies": [],
        "UserPolicyList": [{"PolicyName": "self", "PolicyDocument": crate::fixture::document(&[
            crate::fixture::allow(&["iam:PutUserPolicy"], &boss),
            crate::fixture::allow(&["s3:GetObject"], "arn:aws:s3:::b-data/*"),
        ])}]});
        let policy = crate::fixture::document(&[serde_json::json!({"Effect": "Allow",
            "Principal": {"AWS": named}, "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b-data/*"})]);
        crate::fixture::ingest_json(&[
            (
                format!("snap/{ACCOUNT}/global/iam/get-account-authorization-details.json"),
                serde_json::json!({"UserDetailList": [user], "GroupDetailList": [],
                    "RoleDetailList": [], "Policies": []}),
            ),
            (
                format!("snap/{B}/global/s3/list-buckets.json"),
                serde_json::json!({"Buckets": [{"Name": "b-data",
                    "CreationDate": "2024-01-01T00:00:00Z"}], "Owner": {"ID": "b"}}),
            ),
            (
                format!("snap/{B}/global/s3/get-bucket-policy/b-data.json"),
                serde_json::json!({"Policy": policy.to_string()}),
            ),
        ])
    };
    let edges_from = |e: &Estate| -> Vec<(EdgeKind, String)> {
        e.edges
            .iter()
            .filter(|x| x.from == boss)
            .map(|x| (x.kind, x.to))
            .collect()
    };
    let e = case(&boss);
    let edges = edges_from(&e);
    assert!(
        edges.contains(&(EdgeKind::CanEscalate, account_admin_id(ACCOUNT))),
        "{edges:?}"
    );
    assert!(
        edges.contains(&(EdgeKind::Access, "arn:aws:s3:::b-data".to_string())),
        "{edges:?}"
    );

    // Naming the caller's account grants it too.
    let e = case(&format!("arn:aws:iam::{ACCOUNT}:root"));
    assert!(
        edges_from(&e).contains(&(EdgeKind::Access, "arn:aws:s3:::b-data".to_string())),
        "{:?}",
        edges_from(&e)
    );

    let e = case(&arn("user/someone-else"));
    let edges = edges_from(&e);
    assert!(
        edges.contains(&(EdgeKind::CanEscalate, account_admin_id(ACCOUNT))),
        "{edges:?}"
    );
    assert!(
        !edges.iter().any(|(k, _)| *k == EdgeKind::Access),
        "{edges:?}"
    );
}
