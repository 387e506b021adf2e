//! AWS ingest benchmark: `cargo bench -p blastgraph-connector-aws --bench ingest`.
//!
//! Generates the raw snapshot layout (docs/aws-raw-layout.md) for accounts
//! of realistic shape: `aws iam get-account-authorization-details` with
//! 10,000 roles, 3,000 customer managed policies and 2,000 users in 50
//! groups, plus 20,000 resources (S3 buckets, DynamoDB tables, Lambda
//! functions, secrets with KMS keys, SSM SecureStrings, SageMaker endpoints,
//! SQS queues) with bucket and key policies, and times ingest with every
//! edge evaluated. Then an organization of 100 smaller accounts (1,000
//! roles, 2,000 resources each; roles trust other accounts) against 1 and
//! 10 of them, to show that it scales linearly. Prints its figures.
//!
//! First an account of the shape real accounts have (`iam_heavy_account`:
//! hundreds of principals with IAM write rights, deployers, required
//! boundaries, admin groups, a group of everyone, MFA trusts, role chains)
//! at 1,000 and `AWS_BENCH_IAM` principals (10,000; 0 skips it);
//! `AWS_BENCH_WRITE=DIR` also writes those raw folders under DIR, for timing
//! `blastgraph rank --input DIR/iam-heavy-N` as a whole process, and the
//! organisations of `AWS_BENCH_FULL_ORG` (`DIR/org-full-N`), for timing
//! `blastgraph build` whole and in shards.
//! `AWS_BENCH_DIGEST=1` adds a digest of the nodes and edges to each line
//! (the same before and after a refactor); `AWS_BENCH_READ=whole` reads every
//! file before emitting (`ReadWhole`) and `=by-account` one account at a
//! time (`ReadByAccount`), whose digests must be the same; by default the
//! connector reads one account whole and an organisation by account. Like
//! the CLI, it runs on mimalloc. `AWS_BENCH_ROLES` scales the
//! large account; `AWS_BENCH_SINGLE=0` skips
//! the one-account run and `AWS_BENCH_ORG=0` the organization run.
//! `AWS_BENCH_ORG_HUB=1` gives each account an `OrganizationAccountAccessRole`
//! trusting the first account (with an inline `*` policy).
//! `AWS_BENCH_ORG_WIDE=1` gives each account a bucket shared with the
//! whole organisation (`Principal: *` under `aws:PrincipalOrgID`).
//! `AWS_BENCH_FULL_ORG=1,3,10` also ingests organizations of that many
//! full-size accounts (each like the large one; about 220 MiB of memory per
//! account: `AWS_BENCH_FULL_ORG=100` peaked at 21.8 GiB in 12 minutes on
//! 2026-11-24, and is killed for memory on a 24 GiB machine since
//! 2026-12-06, read whole; read one account at a time, 30 accounts took 4.69 GiB
//! on glibc's allocator against 6.86 GiB whole).
//! `AWS_BENCH_SPILL=DIR` keeps the edge rows past `AWS_BENCH_RESIDENT`
//! blocks of 1,048,576 rows (default 64) in a spill file in DIR, as
//! `blastgraph build --spill-dir DIR --spill-after ROWS` does; each line
//! then says how many rows were spilled, and what the estate holds by part
//! (`nodes_mib=` … `rss_mib=`, the memory left after the ingest). With
//! `AWS_BENCH_RESIDENT=16`, `AWS_BENCH_FULL_ORG=300` took 2,743 s and
//! peaked at 16,514 MiB on 2026-12-06 (README, "Organisation ingest: the
//! memory model").

use std::fmt::Write;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use blastgraph_connector_aws::AwsAuthDetailsConnector;
use blastgraph_gen::Rng;
use blastgraph_model::{EdgeKind, Severity};

const TEAMS: [&str; 8] = [
    "ml", "data", "platform", "apps", "infra", "research", "security", "support",
];

fn policy_doc(rng: &mut Rng, i: usize, a: &str) -> String {
    let team = TEAMS[i % TEAMS.len()];
    let mut stmts = vec![format!(
        r#"{{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::{team}-data-{}-{a}/*"}}"#,
        rng.below(500)
    )];
    match rng.below(20) {
        0..=5 => stmts.push(format!(
            r#"{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::{a}:role/{team}-*"}}"#
        )),
        6 => stmts.push(format!(
            r#"{{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::{a}:role/{team}-*","Condition":{{"StringEquals":{{"iam:PassedToService":"lambda.amazonaws.com"}}}}}},{{"Effect":"Allow","Action":"lambda:UpdateFunctionCode","Resource":"arn:aws:lambda:us-east-1:{a}:function:{team}-f{}"}}"#,
            rng.below(500)
        )),
        7 => stmts.push(r#"{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}"#.to_string()),
        8 if rng.chance(0.05) => stmts.push(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#.to_string()),
        _ => stmts.push(format!(
            r#"{{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query","sagemaker:InvokeEndpoint","secretsmanager:GetSecretValue","lambda:InvokeFunction"],"Resource":["arn:aws:dynamodb:us-east-1:{a}:table/{team}-t{k}","arn:aws:sagemaker:us-east-1:{a}:endpoint/{team}-*","arn:aws:secretsmanager:us-east-1:{a}:secret:{team}/s{k}-*","arn:aws:lambda:us-east-1:{a}:function:{team}-f{k}"]}},{{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:{a}:key/*"}}"#,
            k = rng.below(500)
        )),
    }
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        stmts.join(",")
    )
}

fn trust_doc(rng: &mut Rng, i: usize, a: &str, other: &str) -> String {
    let principal = match rng.below(20) {
        0..=5 => format!(r#"{{"AWS":"arn:aws:iam::{a}:root"}}"#),
        6..=7 => format!(
            r#"{{"AWS":"arn:aws:iam::{a}:role/{}-r{}"}}"#,
            TEAMS[rng.below(8)],
            rng.below(i + 1)
        ),
        8 => format!(r#"{{"AWS":"arn:aws:iam::{other}:root"}}"#),
        9 => {
            return format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::{a}:oidc-provider/token.actions.githubusercontent.com"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringLike":{{"token.actions.githubusercontent.com:sub":"repo:acme/app-{}:*"}}}}}}]}}"#,
                rng.below(200)
            );
        }
        _ => r#"{"Service":["lambda.amazonaws.com","sagemaker.amazonaws.com"]}"#.to_string(),
    };
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"}}]}}"#
    )
}

fn account(roles: usize, a: &str, other: &str) -> String {
    let mut rng = Rng::new(7);
    let policies = roles * 3 / 10;
    let users = roles / 5;
    let mut doc = String::from(r#"{"UserDetailList":["#);
    for u in 0..users {
        let sep = if u > 0 { "," } else { "" };
        let _ = write!(
            doc,
            r#"{sep}{{"UserName":"u{u}","UserId":"AIDA{u}","Arn":"arn:aws:iam::{a}:user/u{u}","Path":"/","CreateDate":"2024-01-01T00:00:00Z","GroupList":["g{}"],"AttachedManagedPolicies":[],"UserPolicyList":[],"Tags":[]}}"#,
            u % 50
        );
    }
    doc.push_str(r#"],"GroupDetailList":["#);
    for g in 0..50 {
        let sep = if g > 0 { "," } else { "" };
        let p = rng.below(policies);
        let _ = write!(
            doc,
            r#"{sep}{{"GroupName":"g{g}","GroupId":"AGPA{g}","Arn":"arn:aws:iam::{a}:group/g{g}","Path":"/","CreateDate":"2024-01-01T00:00:00Z","GroupPolicyList":[],"AttachedManagedPolicies":[{{"PolicyName":"p{p}","PolicyArn":"arn:aws:iam::{a}:policy/p{p}"}}]}}"#
        );
    }
    doc.push_str(r#"],"RoleDetailList":["#);
    for r in 0..roles {
        let sep = if r > 0 { "," } else { "" };
        let team = TEAMS[r % TEAMS.len()];
        let trust = trust_doc(&mut rng, r, a, other);
        let attached: Vec<String> = (0..1 + rng.below(3))
            .map(|_| {
                let p = rng.below(policies);
                format!(r#"{{"PolicyName":"p{p}","PolicyArn":"arn:aws:iam::{a}:policy/p{p}"}}"#)
            })
            .collect();
        let _ = write!(
            doc,
            r#"{sep}{{"RoleName":"{team}-r{r}","RoleId":"AROA{r}","Arn":"arn:aws:iam::{a}:role/{team}-r{r}","Path":"/","CreateDate":"2024-01-01T00:00:00Z","AssumeRolePolicyDocument":{trust},"InstanceProfileList":[],"RolePolicyList":[],"AttachedManagedPolicies":[{}],"Tags":[],"RoleLastUsed":{{}}}}"#,
            attached.join(",")
        );
    }
    // `AWS_BENCH_ORG_HUB=1`: every account's `OrganizationAccountAccessRole`
    // trusts the organisation's first account, as AWS Organizations makes
    // it in every member account (its pass then needs every account).
    if std::env::var("AWS_BENCH_ORG_HUB").as_deref() == Ok("1") {
        let hub = org_account(0);
        let _ = write!(
            doc,
            r#",{{"RoleName":"OrganizationAccountAccessRole","RoleId":"AROAHUB","Arn":"arn:aws:iam::{a}:role/OrganizationAccountAccessRole","Path":"/","CreateDate":"2024-01-01T00:00:00Z","AssumeRolePolicyDocument":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{hub}:root"}},"Action":"sts:AssumeRole"}}]}},"InstanceProfileList":[],"RolePolicyList":[{{"PolicyName":"admin","PolicyDocument":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"*","Resource":"*"}}]}}}}],"AttachedManagedPolicies":[],"Tags":[],"RoleLastUsed":{{}}}}"#
        );
    }
    doc.push_str(r#"],"Policies":["#);
    for p in 0..policies {
        let sep = if p > 0 { "," } else { "" };
        let body = policy_doc(&mut rng, p, a);
        let _ = write!(
            doc,
            r#"{sep}{{"PolicyName":"p{p}","PolicyId":"ANPA{p}","Arn":"arn:aws:iam::{a}:policy/p{p}","Path":"/","DefaultVersionId":"v1","AttachmentCount":1,"IsAttachable":true,"CreateDate":"2024-01-01T00:00:00Z","UpdateDate":"2024-01-01T00:00:00Z","PolicyVersionList":[{{"Document":{body},"VersionId":"v1","IsDefaultVersion":true,"CreateDate":"2024-01-01T00:00:00Z"}}]}}"#
        );
    }
    doc.push_str("]}");
    doc
}

/// The authorization details of an account of the shape real accounts
/// have, which the plain generator lacks (issue 11): `principals`
/// principals (30% users, 70% roles), 30% as many customer policies, 2.5%
/// as many groups. Hundreds of principals hold IAM write permissions (on
/// `*` or on a path), deployer roles pass any role to new compute,
/// `CreateRole` is allowed only with a required boundary, `Attach*Policy`
/// only for the team's policies (`iam:PolicyARN`), a few groups carry
/// `AdministratorAccess`, one group holds every user, most roles trust the
/// account (some only with MFA), and roles chain 20 deep.
fn iam_heavy_account(principals: usize, a: &str) -> String {
    let mut rng = Rng::new(13);
    let users = principals * 3 / 10;
    let roles = principals - users;
    let policies = principals * 3 / 10;
    let groups = (principals / 40).max(5);
    let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    let team_of = |i: usize| TEAMS[i % TEAMS.len()];
    let policy = |rng: &mut Rng, p: usize| -> String {
        let team = team_of(p);
        let stmt = match rng.below(1000) {
            // IAM writes on everything.
            0..=29 => r#"{"Effect":"Allow","Action":["iam:PutUserPolicy","iam:PutRolePolicy","iam:AttachRolePolicy","iam:AttachUserPolicy","iam:CreatePolicyVersion","iam:CreateAccessKey","iam:UpdateAssumeRolePolicy"],"Resource":"*"}"#.to_string(),
            // IAM writes on the team's path.
            30..=59 => format!(r#"{{"Effect":"Allow","Action":["iam:PutRolePolicy","iam:AttachRolePolicy","iam:CreatePolicyVersion","iam:UpdateAssumeRolePolicy"],"Resource":["arn:aws:iam::{a}:role/{team}/*","arn:aws:iam::{a}:policy/{team}/*"]}}"#),
            // Attach only the team's policies.
            60..=79 => format!(r#"{{"Effect":"Allow","Action":["iam:AttachRolePolicy","iam:AttachUserPolicy"],"Resource":"*","Condition":{{"ArnLike":{{"iam:PolicyARN":"arn:aws:iam::{a}:policy/{team}/*"}}}}}}"#),
            // Deployers: any role to new compute.
            80..=99 => r#"{"Effect":"Allow","Action":["iam:PassRole","lambda:CreateFunction","lambda:InvokeFunction","ec2:RunInstances","cloudformation:CreateStack","glue:CreateJob","glue:StartJobRun","sagemaker:CreateNotebookInstance","sagemaker:CreatePresignedNotebookInstanceUrl"],"Resource":"*"}"#.to_string(),
            // CreateRole only with the required boundary.
            100..=119 => format!(r#"{{"Effect":"Allow","Action":["iam:CreateRole","iam:AttachRolePolicy","iam:PutRolePolicy"],"Resource":"*","Condition":{{"StringEquals":{{"iam:PermissionsBoundary":"arn:aws:iam::{a}:policy/boundary"}}}}}}"#),
            // Admin-equivalent customer policies.
            120..=122 => r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#.to_string(),
            // Wide assume.
            123..=222 => format!(r#"{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::{a}:role/*"}}"#),
            _ => format!(
                r#"{{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","dynamodb:Query","secretsmanager:GetSecretValue"],"Resource":["arn:aws:s3:::{team}-data-{k}-{a}/*","arn:aws:dynamodb:us-east-1:{a}:table/{team}-t{k}","arn:aws:secretsmanager:us-east-1:{a}:secret:{team}/s{k}-*"]}}"#,
                k = rng.below(500)
            ),
        };
        format!(r#"{{"Version":"2012-10-17","Statement":[{stmt}]}}"#)
    };
    let attached = |rng: &mut Rng, n: usize| -> String {
        (0..n)
            .map(|_| {
                let p = rng.below(policies);
                let team = team_of(p);
                format!(
                    r#"{{"PolicyName":"p{p}","PolicyArn":"arn:aws:iam::{a}:policy/{team}/p{p}"}}"#
                )
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut doc = String::from(r#"{"UserDetailList":["#);
    for u in 0..users {
        let sep = if u > 0 { "," } else { "" };
        let extra = rng.below(groups - 1) + 1;
        let n = rng.below(2);
        let pols = attached(&mut rng, n);
        let _ = write!(
            doc,
            r#"{sep}{{"UserName":"u{u}","UserId":"AIDA{u}","Arn":"arn:aws:iam::{a}:user/u{u}","Path":"/","CreateDate":"2024-01-01T00:00:00Z","GroupList":["everyone","g{extra}"],"AttachedManagedPolicies":[{pols}],"UserPolicyList":[],"Tags":[]}}"#
        );
    }
    doc.push_str(r#"],"GroupDetailList":["#);
    let _ = write!(
        doc,
        r#"{{"GroupName":"everyone","GroupId":"AGPAE","Arn":"arn:aws:iam::{a}:group/everyone","Path":"/","GroupPolicyList":[],"AttachedManagedPolicies":[{}]}}"#,
        attached(&mut rng, 1)
    );
    for g in 1..groups {
        let pols = if g <= 3 {
            format!(r#"{{"PolicyName":"AdministratorAccess","PolicyArn":"{admin}"}}"#)
        } else {
            let n = 1 + rng.below(2);
            attached(&mut rng, n)
        };
        let _ = write!(
            doc,
            r#",{{"GroupName":"g{g}","GroupId":"AGPA{g}","Arn":"arn:aws:iam::{a}:group/g{g}","Path":"/","GroupPolicyList":[],"AttachedManagedPolicies":[{pols}]}}"#
        );
    }
    doc.push_str(r#"],"RoleDetailList":["#);
    for r in 0..roles {
        let sep = if r > 0 { "," } else { "" };
        let team = team_of(r);
        let principal = match rng.below(10) {
            0..=3 => format!(r#""Principal":{{"AWS":"arn:aws:iam::{a}:root"}}"#),
            4 => format!(
                r#""Principal":{{"AWS":"arn:aws:iam::{a}:root"}},"Condition":{{"Bool":{{"aws:MultiFactorAuthPresent":"true"}}}}"#
            ),
            // Chains: each role of a run of 20 trusts the one before.
            5 if r % 20 != 0 => {
                let prev = r - 1;
                format!(r#""Principal":{{"AWS":"arn:aws:iam::{a}:role/{}/r{prev}"}}"#, team_of(prev))
            }
            6..=8 => r#""Principal":{"Service":["lambda.amazonaws.com","ec2.amazonaws.com","glue.amazonaws.com","sagemaker.amazonaws.com","cloudformation.amazonaws.com"]}"#.to_string(),
            _ => format!(r#""Principal":{{"AWS":"arn:aws:iam::{a}:user/u{}"}}"#, rng.below(users)),
        };
        let n = 1 + rng.below(3);
        let pols = attached(&mut rng, n);
        let _ = write!(
            doc,
            r#"{sep}{{"RoleName":"r{r}","RoleId":"AROA{r}","Arn":"arn:aws:iam::{a}:role/{team}/r{r}","Path":"/{team}/","CreateDate":"2024-01-01T00:00:00Z","AssumeRolePolicyDocument":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",{principal},"Action":"sts:AssumeRole"}}]}},"InstanceProfileList":[],"RolePolicyList":[],"AttachedManagedPolicies":[{pols}],"Tags":[],"RoleLastUsed":{{}}}}"#
        );
    }
    doc.push_str(r#"],"Policies":["#);
    let _ = write!(
        doc,
        r#"{{"PolicyName":"AdministratorAccess","Arn":"{admin}","Path":"/","DefaultVersionId":"v1","PolicyVersionList":[{{"Document":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"*","Resource":"*"}}]}},"VersionId":"v1","IsDefaultVersion":true}}]}}"#
    );
    let _ = write!(
        doc,
        r#",{{"PolicyName":"boundary","Arn":"arn:aws:iam::{a}:policy/boundary","Path":"/","DefaultVersionId":"v1","PolicyVersionList":[{{"Document":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["s3:*","dynamodb:*","logs:*"],"Resource":"*"}}]}},"VersionId":"v1","IsDefaultVersion":true}}]}}"#
    );
    for p in 0..policies {
        let team = team_of(p);
        let body = policy(&mut rng, p);
        let _ = write!(
            doc,
            r#",{{"PolicyName":"p{p}","PolicyId":"ANPA{p}","Arn":"arn:aws:iam::{a}:policy/{team}/p{p}","Path":"/{team}/","DefaultVersionId":"v1","AttachmentCount":1,"IsAttachable":true,"PolicyVersionList":[{{"Document":{body},"VersionId":"v1","IsDefaultVersion":true}}]}}"#
        );
    }
    doc.push_str("]}");
    doc
}

/// The raw layout of one account: authorization details and `resources`
/// targets, as (path, bytes).
fn layout(roles: usize, resources: usize, a: &str, other: &str) -> Vec<(String, Vec<u8>)> {
    let mut rng = Rng::new(11);
    let mut files = vec![(
        format!("{a}/global/iam/get-account-authorization-details.json"),
        account(roles, a, other).into_bytes(),
    )];
    let per = resources / 10;
    let names = |prefix: &str, n: usize| -> Vec<String> {
        (0..n)
            .map(|i| format!("{}-{prefix}{}", TEAMS[i % 8], i / 8))
            .collect()
    };
    let r = format!("{a}/us-east-1");
    // 2 parts buckets (team-data-k-ACCOUNT, as the identity policies name
    // them: bucket names are global, so each account's are its own).
    let buckets: Vec<String> = (0..2 * per)
        .map(|i| format!("{}-data-{}-{a}", TEAMS[i % 8], i / 8))
        .collect();
    let wide = std::env::var("AWS_BENCH_ORG_WIDE").as_deref() == Ok("1");
    let list: Vec<String> = buckets
        .iter()
        .cloned()
        .chain(wide.then(|| format!("org-shared-{a}")))
        .map(|b| format!(r#"{{"Name":"{b}","CreationDate":"2024-01-01T00:00:00+00:00"}}"#))
        .collect();
    files.push((
        format!("{a}/global/s3/list-buckets.json"),
        format!(r#"{{"Buckets":[{}]}}"#, list.join(",")).into_bytes(),
    ));
    // `AWS_BENCH_ORG_WIDE=1`: each account shares one bucket with its
    // whole organisation (`Principal: *` under `aws:PrincipalOrgID`), as
    // log and artifact buckets do.
    if wide {
        let b = format!("org-shared-{a}");
        let policy = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{b}/*","Condition":{{"StringEquals":{{"aws:PrincipalOrgID":"o-bench"}}}}}}]}}"#
        );
        files.push((
            format!("{a}/global/s3/get-bucket-policy/{b}.json"),
            serde_json::json!({ "Policy": policy })
                .to_string()
                .into_bytes(),
        ));
    }
    for b in &buckets {
        if !rng.chance(0.2) {
            continue;
        }
        let policy = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{a}:role/{}-r{}"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::{b}/*"}},{{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::{b}/*","Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}]}}"#,
            TEAMS[rng.below(8)],
            rng.below(roles)
        );
        files.push((
            format!("{a}/global/s3/get-bucket-policy/{b}.json"),
            serde_json::json!({ "Policy": policy })
                .to_string()
                .into_bytes(),
        ));
    }
    // 2 parts tables, 2 parts functions, 1 part secrets (+ keys), 1 part
    // parameters, 1 part endpoints, 1 part queues.
    let tables = names("t", 2 * per);
    files.push((
        format!("{r}/dynamodb/list-tables.json"),
        serde_json::json!({ "TableNames": tables })
            .to_string()
            .into_bytes(),
    ));
    let functions: Vec<serde_json::Value> = names("f", 2 * per)
        .iter()
        .map(|f| {
            let r = rng.below(roles);
            let role = format!("arn:aws:iam::{a}:role/{}-r{r}", TEAMS[r % 8]);
            serde_json::json!({"FunctionName": f, "FunctionArn": format!("arn:aws:lambda:us-east-1:{a}:function:{f}"), "Role": role})
        })
        .collect();
    files.push((
        format!("{r}/lambda/list-functions.json"),
        serde_json::json!({ "Functions": functions })
            .to_string()
            .into_bytes(),
    ));
    let keys = 50;
    let key_list: Vec<serde_json::Value> = (0..keys)
        .map(|k| serde_json::json!({"KeyId": format!("key-{k}"), "KeyArn": format!("arn:aws:kms:us-east-1:{a}:key/key-{k}")}))
        .collect();
    files.push((
        format!("{r}/kms/list-keys.json"),
        serde_json::json!({ "Keys": key_list })
            .to_string()
            .into_bytes(),
    ));
    for k in 0..keys {
        let policy = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{a}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
        );
        files.push((
            format!("{r}/kms/get-key-policy/key-{k}.json"),
            serde_json::json!({ "Policy": policy, "PolicyName": "default" })
                .to_string()
                .into_bytes(),
        ));
    }
    let secrets: Vec<serde_json::Value> = (0..per)
        .map(|i| {
            let name = format!("{}/s{}", TEAMS[i % 8], i / 8);
            serde_json::json!({"ARN": format!("arn:aws:secretsmanager:us-east-1:{a}:secret:{name}-AbCdEf"), "Name": name, "KmsKeyId": format!("arn:aws:kms:us-east-1:{a}:key/key-{}", i % keys)})
        })
        .collect();
    files.push((
        format!("{r}/secretsmanager/list-secrets.json"),
        serde_json::json!({ "SecretList": secrets })
            .to_string()
            .into_bytes(),
    ));
    let params: Vec<serde_json::Value> = names("p", per)
        .iter()
        .map(|p| serde_json::json!({"Name": format!("/{p}"), "Type": "SecureString", "KeyId": "alias/aws/ssm"}))
        .collect();
    files.push((
        format!("{r}/ssm/describe-parameters.json"),
        serde_json::json!({ "Parameters": params })
            .to_string()
            .into_bytes(),
    ));
    let endpoints: Vec<serde_json::Value> = names("e", per)
        .iter()
        .map(|e| serde_json::json!({"EndpointName": e, "EndpointArn": format!("arn:aws:sagemaker:us-east-1:{a}:endpoint/{e}")}))
        .collect();
    files.push((
        format!("{r}/sagemaker/list-endpoints.json"),
        serde_json::json!({ "Endpoints": endpoints })
            .to_string()
            .into_bytes(),
    ));
    let queues: Vec<String> = names("q", per)
        .iter()
        .map(|q| format!("https://sqs.us-east-1.amazonaws.com/{a}/{q}"))
        .collect();
    files.push((
        format!("{r}/sqs/list-queues.json"),
        serde_json::json!({ "QueueUrls": queues })
            .to_string()
            .into_bytes(),
    ));
    files
}

/// Ingests files; returns (seconds, estate summary).
fn ingest(files: &[(String, Vec<u8>)]) -> (f64, String) {
    let read = std::env::var("AWS_BENCH_READ");
    let spill = std::env::var("AWS_BENCH_SPILL").ok().map(|dir| {
        let resident = std::env::var("AWS_BENCH_RESIDENT")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(64);
        let store = blastgraph_graph::spill::SpillFile::new(std::path::Path::new(&dir));
        blastgraph_gen::bench::Spill {
            store: std::sync::Arc::new(store),
            resident,
            block_rows: blastgraph_model::Rows::BLOCK_ROWS,
        }
    });
    let connector: &dyn blastgraph_model::Connector = if read.as_deref() == Ok("by-account") {
        &blastgraph_connector_aws::ReadByAccount
    } else if read.as_deref() == Ok("whole") {
        &blastgraph_connector_aws::ReadWhole
    } else {
        &AwsAuthDetailsConnector
    };
    let (e, s) = blastgraph_gen::bench::ingest_spilling(connector, files, spill);
    // One pass over the rows (a spilled table reads them back from disk).
    let mut kinds = [0usize; EdgeKind::ALL.len()];
    for r in e.edges.rows().iter() {
        if let Some(c) = kinds.get_mut(r.kind.index()) {
            *c += 1;
        }
    }
    let count = |k: EdgeKind| kinds.get(k.index()).copied().unwrap_or(0);
    let ex = e.edges.explanations();
    let errors = e
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let digest = blastgraph_gen::bench::digest_if("AWS_BENCH_DIGEST", &e);
    (
        s,
        format!(
            "nodes={} edges={} can_assume={} can_escalate={} can_act_as={} access={} can_read_secret={} errors={errors} strings={} string_mib={:.1} places={} whys={} notes={} spilled_rows={} process_peak_rss_mib={}",
            e.nodes.len(),
            e.edges.len(),
            count(EdgeKind::CanAssume),
            count(EdgeKind::CanEscalate),
            count(EdgeKind::CanActAs),
            count(EdgeKind::Access),
            count(EdgeKind::CanReadSecret),
            e.edges.strings().len(),
            e.edges.strings().bytes() as f64 / (1024.0 * 1024.0),
            ex.places.len(),
            ex.whys.len(),
            ex.notes.len(),
            e.edges.rows().stored_len(),
            blastgraph_gen::bench::peak_rss_mib(),
        ) + " "
            + &blastgraph_gen::bench::estate_mib(&e)
            + &digest,
    )
}

fn org_account(i: usize) -> String {
    format!("{:012}", 100_000_000_000 + i)
}

fn main() {
    let roles: usize = std::env::var("AWS_BENCH_ROLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let heavy: usize = std::env::var("AWS_BENCH_IAM")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    for principals in [heavy / 10, heavy].into_iter().filter(|&p| p > 0) {
        let a = "333344445555";
        let mut files = layout(principals * 7 / 10, 2 * principals, a, a);
        if let Some(first) = files.first_mut() {
            first.1 = iam_heavy_account(principals, a).into_bytes();
        }
        if let Ok(dir) = std::env::var("AWS_BENCH_WRITE") {
            let dir = std::path::Path::new(&dir).join(format!("iam-heavy-{principals}"));
            for (path, bytes) in &files {
                let p = dir.join(path);
                if let Some(parent) = p.parent() {
                    let _ = std::fs::create_dir_all(parent);
                }
                let _ = std::fs::write(p, bytes);
            }
            println!("wrote {}", dir.display());
        }
        let (s, sum) = ingest(&files);
        println!(
            "aws ingest, IAM-heavy account: principals={principals} users={} roles={} policies={} groups={} s={s:.2} {sum}",
            principals * 3 / 10,
            principals - principals * 3 / 10,
            principals * 3 / 10,
            (principals / 40).max(5),
        );
    }
    if std::env::var("AWS_BENCH_SINGLE").as_deref() != Ok("0") {
        let files = layout(roles, 2 * roles, "111122223333", "999988887777");
        let mib = files.iter().map(|(_, b)| b.len()).sum::<usize>() as f64 / (1024.0 * 1024.0);
        let mut best = f64::MAX;
        let mut summary = String::new();
        for _ in 0..3 {
            let (s, sum) = ingest(&files);
            best = best.min(s);
            summary = sum;
        }
        println!(
            "aws ingest, one account: roles={roles} policies={} users={} resources={} files={} mib={mib:.1} best_of_3_s={best:.2} {summary}",
            roles * 3 / 10,
            roles / 5,
            2 * roles,
            files.len(),
        );
    }
    let full: Vec<usize> = std::env::var("AWS_BENCH_FULL_ORG")
        .unwrap_or_default()
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    for n in full {
        let mut files = Vec::new();
        for i in 0..n {
            files.extend(layout(
                roles,
                2 * roles,
                &org_account(i),
                &org_account((i + 1) % n),
            ));
        }
        blastgraph_gen::bench::announce(
            &files,
            std::time::Duration::ZERO,
            "AWS_BENCH_WRITE",
            &format!("org-full-{n}"),
        );
        let (s, sum) = ingest(&files);
        println!(
            "aws ingest, organization of full-size accounts: accounts={n} roles_each={roles} resources_each={} s={s:.2} s_per_account={:.2} {sum}",
            2 * roles,
            s / n as f64
        );
    }
    if std::env::var("AWS_BENCH_ORG").as_deref() == Ok("0") {
        return;
    }
    for n in [1, 10, 100] {
        let mut files = Vec::new();
        for i in 0..n {
            files.extend(layout(
                1_000,
                2_000,
                &org_account(i),
                &org_account((i + 1) % n),
            ));
        }
        let (s, sum) = ingest(&files);
        println!(
            "aws ingest, organization: accounts={n} roles_each=1000 resources_each=2000 s={s:.2} s_per_account={:.3} {sum}",
            s / n as f64
        );
    }
}
