//! AWS ingest benchmark: `cargo bench -p blastgraph-connector-aws --bench ingest`.
//!
//! Generates `aws iam get-account-authorization-details` output for one
//! account of realistic shape (10,000 roles, 3,000 customer managed
//! policies, 2,000 users in 50 groups; `AWS_BENCH_ROLES` scales it) and
//! times ingest with every edge evaluated. Prints its figures.

use std::fmt::Write;
use std::time::Instant;

use blastgraph_connector_aws::AwsAuthDetailsConnector;
use blastgraph_gen::Rng;
use blastgraph_model::{Connector, EdgeKind, EstateBuilder};

const A: &str = "111122223333";
const TEAMS: [&str; 8] = [
    "ml", "data", "platform", "apps", "infra", "research", "security", "support",
];

fn policy_doc(rng: &mut Rng, i: usize) -> String {
    let team = TEAMS[i % TEAMS.len()];
    let mut stmts = vec![format!(
        r#"{{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::{team}-data-{}/*"}}"#,
        rng.below(500)
    )];
    match rng.below(20) {
        0..=5 => stmts.push(format!(
            r#"{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::{A}:role/{team}-*"}}"#
        )),
        6 => stmts.push(format!(
            r#"{{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::{A}:role/{team}-*","Condition":{{"StringEquals":{{"iam:PassedToService":"lambda.amazonaws.com"}}}}}}"#
        )),
        7 => stmts.push(r#"{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}"#.to_string()),
        8 if rng.chance(0.05) => stmts.push(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#.to_string()),
        _ => stmts.push(r#"{"Effect":"Allow","Action":["dynamodb:Query","sagemaker:InvokeEndpoint"],"Resource":"*"}"#.to_string()),
    }
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        stmts.join(",")
    )
}

fn trust_doc(rng: &mut Rng, i: usize) -> String {
    let principal = match rng.below(20) {
        0..=5 => format!(r#"{{"AWS":"arn:aws:iam::{A}:root"}}"#),
        6..=7 => format!(
            r#"{{"AWS":"arn:aws:iam::{A}:role/{}-r{}"}}"#,
            TEAMS[rng.below(8)],
            rng.below(i + 1)
        ),
        8 => r#"{"AWS":"arn:aws:iam::999988887777:root"}"#.to_string(),
        9 => {
            return format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::{A}:oidc-provider/token.actions.githubusercontent.com"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringLike":{{"token.actions.githubusercontent.com:sub":"repo:acme/app-{}:*"}}}}}}]}}"#,
                rng.below(200)
            );
        }
        _ => r#"{"Service":["lambda.amazonaws.com","sagemaker.amazonaws.com"]}"#.to_string(),
    };
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"}}]}}"#
    )
}

fn account(roles: usize) -> String {
    let mut rng = Rng::new(7);
    let policies = roles * 3 / 10;
    let users = roles / 5;
    let mut doc = String::from(r#"{"UserDetailList":["#);
    for u in 0..users {
        let sep = if u > 0 { "," } else { "" };
        let _ = write!(
            doc,
            r#"{sep}{{"UserName":"u{u}","UserId":"AIDA{u}","Arn":"arn:aws:iam::{A}:user/u{u}","Path":"/","CreateDate":"2024-01-01T00:00:00Z","GroupList":["g{}"],"AttachedManagedPolicies":[],"UserPolicyList":[],"Tags":[]}}"#,
            u % 50
        );
    }
    doc.push_str(r#"],"GroupDetailList":["#);
    for g in 0..50 {
        let sep = if g > 0 { "," } else { "" };
        let p = rng.below(policies);
        let _ = write!(
            doc,
            r#"{sep}{{"GroupName":"g{g}","GroupId":"AGPA{g}","Arn":"arn:aws:iam::{A}:group/g{g}","Path":"/","CreateDate":"2024-01-01T00:00:00Z","GroupPolicyList":[],"AttachedManagedPolicies":[{{"PolicyName":"p{p}","PolicyArn":"arn:aws:iam::{A}:policy/p{p}"}}]}}"#
        );
    }
    doc.push_str(r#"],"RoleDetailList":["#);
    for r in 0..roles {
        let sep = if r > 0 { "," } else { "" };
        let team = TEAMS[r % TEAMS.len()];
        let trust = trust_doc(&mut rng, r);
        let attached: Vec<String> = (0..1 + rng.below(3))
            .map(|_| {
                let p = rng.below(policies);
                format!(r#"{{"PolicyName":"p{p}","PolicyArn":"arn:aws:iam::{A}:policy/p{p}"}}"#)
            })
            .collect();
        let _ = write!(
            doc,
            r#"{sep}{{"RoleName":"{team}-r{r}","RoleId":"AROA{r}","Arn":"arn:aws:iam::{A}:role/{team}-r{r}","Path":"/","CreateDate":"2024-01-01T00:00:00Z","AssumeRolePolicyDocument":{trust},"InstanceProfileList":[],"RolePolicyList":[],"AttachedManagedPolicies":[{}],"Tags":[],"RoleLastUsed":{{}}}}"#,
            attached.join(",")
        );
    }
    doc.push_str(r#"],"Policies":["#);
    for p in 0..policies {
        let sep = if p > 0 { "," } else { "" };
        let body = policy_doc(&mut rng, p);
        let _ = write!(
            doc,
            r#"{sep}{{"PolicyName":"p{p}","PolicyId":"ANPA{p}","Arn":"arn:aws:iam::{A}:policy/p{p}","Path":"/","DefaultVersionId":"v1","AttachmentCount":1,"IsAttachable":true,"CreateDate":"2024-01-01T00:00:00Z","UpdateDate":"2024-01-01T00:00:00Z","PolicyVersionList":[{{"Document":{body},"VersionId":"v1","IsDefaultVersion":true,"CreateDate":"2024-01-01T00:00:00Z"}}]}}"#
        );
    }
    doc.push_str("]}");
    doc
}

fn main() {
    let roles: usize = std::env::var("AWS_BENCH_ROLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let doc = account(roles);
    let mut best = f64::MAX;
    let mut summary = String::new();
    for _ in 0..3 {
        let mut b = EstateBuilder::new();
        b.begin_input("bench.json", "aws", String::new(), doc.len() as u64);
        let t = Instant::now();
        if let Err(e) = AwsAuthDetailsConnector.ingest("bench.json", doc.as_bytes(), &mut b) {
            eprintln!("ingest failed: {e}");
            std::process::exit(2);
        }
        let e = b.finish();
        let s = t.elapsed().as_secs_f64();
        best = best.min(s);
        let count = |k: EdgeKind| e.edges.iter().filter(|x| x.kind == k).count();
        summary = format!(
            "nodes={} edges={} can_assume={} can_escalate={} member_of={} diagnostics={}",
            e.nodes.len(),
            e.edges.len(),
            count(EdgeKind::CanAssume),
            count(EdgeKind::CanEscalate),
            count(EdgeKind::MemberOf),
            e.diagnostics.len()
        );
    }
    println!(
        "aws ingest: roles={roles} policies={} users={} file_mib={:.1} best_of_3_s={best:.2} {summary}",
        roles * 3 / 10,
        roles / 5,
        doc.len() as f64 / (1024.0 * 1024.0)
    );
}
