//! The AWS raw snapshot layout (docs/aws-raw-layout.md): two accounts of an
//! organization with an SCP, resource policies, a KMS key, inventories of
//! AI/data targets, an access key and a collection manifest with a denied
//! call (`fixtures/aws-org`).

use std::path::{Path, PathBuf};

use crate::{json, ok, run};

const ORG: &str = "fixtures/aws-org";
const P: &str = "111111111111";

/// A copy of the fixture to change one thing in.
fn copy_fixture() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("aws-org");
    crate::copy_tree(Path::new(ORG), &root);
    (dir, root)
}

/// (name, access, hops, path edge kinds) of every target of a blast.
fn targets(v: &serde_json::Value) -> Vec<(String, String, u64, Vec<String>)> {
    v["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_string(),
                t["access"].as_str().unwrap_or("").to_string(),
                t["hops"].as_u64().unwrap(),
                t["path"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| h["kind"].as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

fn blast(input: &str, who: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "blast",
        "--input",
        input,
        "--compromise",
        who,
        "--format",
        "json",
        "-q",
    ];
    args.extend_from_slice(extra);
    json(&ok(&args))
}

#[test]
fn notebook_user_reaches_a_prod_secret_across_accounts() {
    // intern (ML account) opens the research notebook, which runs as
    // ml-notebook; that role may assume prod's data-reader, which reads the
    // database password (its KMS key policy delegates to IAM).
    let v = blast(ORG, "intern", &[]);
    let t = targets(&v);
    let secret = t.iter().find(|x| x.0 == "prod/db-password").unwrap();
    assert_eq!(secret.1, "read");
    assert_eq!(secret.3, ["can_act_as", "can_assume", "can_read_secret"]);
    let training = t.iter().find(|x| x.0 == "acme-training-data").unwrap();
    assert_eq!((training.1.as_str(), training.2), ("read", 3));
    // The logs bucket grants ml-notebook in its bucket policy; ml-notebook's
    // own policy allows it too (cross-account needs both).
    let logs = t.iter().find(|x| x.0 == "acme-logs").unwrap();
    assert_eq!(logs.3, ["can_act_as", "access"]);
    assert!(
        t.iter()
            .any(|x| x.0.starts_with("anthropic.claude") && x.1 == "invoke")
    );
    // Every hop names its file and statement.
    let hop = &v["targets"][0]["path"][0];
    assert_eq!(
        hop["mechanism"],
        "sagemaker:CreatePresignedNotebookInstanceUrl"
    );
    assert!(
        hop["source"]
            .as_str()
            .unwrap()
            .ends_with("222222222222/global/iam/get-account-authorization-details.json")
    );
    assert_eq!(
        hop["location"],
        "$.UserDetailList[0].UserPolicyList[0].PolicyDocument.Statement[0]"
    );
}

#[test]
fn the_bucket_policy_alone_does_not_grant_across_accounts() {
    // Without ml-notebook's identity allow on the logs bucket, the bucket
    // policy naming it is not enough (cross-account needs both sides).
    let (_d, root) = copy_fixture();
    let f = root.join("222222222222/global/iam/get-account-authorization-details.json");
    let text = std::fs::read_to_string(&f)
        .unwrap()
        .replace("arn:aws:s3:::acme-logs/*", "arn:aws:s3:::other/*");
    std::fs::write(&f, text).unwrap();
    let t = targets(&blast(root.to_str().unwrap(), "ml-notebook", &[]));
    assert!(!t.iter().any(|x| x.0 == "acme-logs"), "{t:?}");
    assert!(t.iter().any(|x| x.0 == "acme-training-data"));
}

#[test]
fn an_scp_on_the_prod_ou_denies_object_writes() {
    let v = json(&ok(&[
        "who-can",
        "--input",
        ORG,
        "--reach",
        "acme-training-data",
        "--access",
        "write",
        "--format",
        "json",
        "-q",
    ]));
    assert!(v["identities"].as_array().unwrap().is_empty(), "{v}");
    let t = targets(&blast(ORG, "uploader", &[]));
    assert_eq!(
        t.iter()
            .map(|x| (x.0.as_str(), x.1.as_str()))
            .collect::<Vec<_>>(),
        [("acme-training-data", "read")]
    );
    // Detach the SCP: the write comes back.
    let (_d, root) = copy_fixture();
    std::fs::remove_file(root.join("organizations/list-targets-for-policy/p-denyput.json"))
        .unwrap();
    let t = targets(&blast(root.to_str().unwrap(), "uploader", &[]));
    assert!(
        t.iter()
            .any(|x| x.0 == "acme-training-data" && x.1 == "write"),
        "{t:?}"
    );
}

#[test]
fn a_key_policy_that_does_not_delegate_to_iam_blocks_the_secret() {
    let (_d, root) = copy_fixture();
    let f = root.join(format!(
        "{P}/us-east-1/kms/get-key-policy/1234abcd-12ab-34cd-56ef-1234567890ab.json"
    ));
    let text = std::fs::read_to_string(&f).unwrap().replace(
        &format!("arn:aws:iam::{P}:root"),
        &format!("arn:aws:iam::{P}:role/ops"),
    );
    std::fs::write(&f, text).unwrap();
    let t = targets(&blast(root.to_str().unwrap(), "data-reader", &[]));
    assert!(!t.iter().any(|x| x.0 == "prod/db-password"), "{t:?}");
    // Without the key policy at all, the read is kept but conditional.
    std::fs::remove_file(&f).unwrap();
    let v = blast(root.to_str().unwrap(), "data-reader", &[]);
    let s = v["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "prod/db-password")
        .unwrap();
    assert_eq!(s["conditional"], true);
    let strict = targets(&blast(root.to_str().unwrap(), "data-reader", &["--strict"]));
    assert!(!strict.iter().any(|x| x.0 == "prod/db-password"));
}

#[test]
fn a_leaked_access_key_reaches_the_lambda_role_when_the_function_next_runs() {
    // ci-deployer may update etl-fn's code but not invoke it: the new code
    // runs as role etl at the function's next trigger (conditional).
    let v = blast(ORG, "AKIAIOSFODNN7EXAMPLE", &[]);
    let ids: Vec<&str> = v["identities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["ci-deployer", "etl"]);
    let etl = &v["identities"][1];
    assert_eq!(etl["conditional"], true);
    let hop = &etl["path"][1];
    assert_eq!(hop["mechanism"], "lambda:UpdateFunctionCode");
    assert!(
        hop["condition"]
            .as_str()
            .unwrap()
            .contains("next triggered"),
        "{hop}"
    );
    assert!(
        targets(&v)
            .iter()
            .any(|x| x.0 == "features" && x.1 == "admin")
    );
    let strict = blast(ORG, "AKIAIOSFODNN7EXAMPLE", &["--strict"]);
    assert_eq!(strict["identities"].as_array().unwrap().len(), 1);
    // The key node carries its age and last use.
    let key = &v["compromised"][0];
    assert_eq!(key["class"], "credential");
}

#[test]
fn a_session_on_an_instance_acts_as_its_instance_profile_role() {
    let v = blast(ORG, "ops", &[]);
    let hop = &v["identities"][0]["path"][0];
    assert_eq!(hop["to_name"], "web");
    assert_eq!(hop["mechanism"], "ssm:StartSession");
    assert!(targets(&v).iter().any(|x| x.0 == "acme-logs"));
}

#[test]
fn denied_calls_and_missing_inventories_are_reported_not_fatal() {
    let (code, _, err) = run(&["blast", "--input", ORG, "--compromise", "intern"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("collection.json: $.calls (denied call 1): account 111111111111: `sagemaker/list-endpoints` was not collected (access_denied"), "{err}");
    assert!(
        err.contains("account 222222222222: not in the snapshot, so their targets are missing:"),
        "{err}"
    );
}

#[test]
fn bad_raw_files_name_file_and_place_and_keep_the_good_records() {
    let dir = tempfile::tempdir().unwrap();
    let acct = dir.path().join(P);
    let w = |rel: &str, text: &str| {
        let f = acct.join(rel);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, text).unwrap();
    };
    let ad = std::fs::read_to_string(format!(
        "{ORG}/{P}/global/iam/get-account-authorization-details.json"
    ))
    .unwrap();
    w("global/iam/get-account-authorization-details.json", &ad);
    w(
        "global/s3/list-buckets.json",
        r#"{"Buckets": [{"Name": "good-bucket"}, {"Name": 7}, "nope"]}"#,
    );
    w(
        "global/s3/get-bucket-policy/ghost.json",
        r#"{"Policy": "{\"Statement\": []}"}"#,
    );
    w(
        "us-east-1/lambda/list-functions.json",
        r#"{"Functions": [{"FunctionName": "f"}, {"FunctionName": "g", "FunctionArn": "arn:aws:lambda:us-east-1:111111111111:function:g"}]}"#,
    );
    w("us-east-1/kms/list-keys.json", r#"{"Keys": [ {"KeyId": "#);
    w(
        "us-east-1/dynamodb/list-tables.json",
        r#"{"TableNames": "features"}"#,
    );
    w(
        "us-east-1/sqs/list-queues.json",
        r#"{"QueueUrls": ["not a url", "https://sqs.us-east-1.amazonaws.com/111111111111/jobs"]}"#,
    );
    w(
        "us-east-1/sagemaker/list-models.json",
        r#"{"Models": [], "NextToken": "abc"}"#,
    );
    w("us-east-1/nosuch/describe-things.json", r#"{}"#);
    w(
        "us-east-1/ecs/list-clusters.json",
        r#"{"clusterArns": ["arn:aws:ecs:us-east-1:111111111111:cluster/prod", 42, "prod"]}"#,
    );
    w(
        "us-east-1/glue/get-jobs.json",
        r#"{"Jobs": [{"Role": "etl"}, {"Name": "nightly", "Role": ["etl"]}, {"Name": "hourly", "Role": "etl"}]}"#,
    );
    let input = dir.path().to_str().unwrap();
    let (code, _, err) = run(&["blast", "--input", input, "--compromise", "data-reader"]);
    assert_eq!(code, 0, "{err}");
    for expected in [
        "global/s3/list-buckets.json: $.Buckets[1].Name: expected a string, found a number",
        "global/s3/list-buckets.json: $.Buckets[2]: expected an object, found a string",
        "global/s3/get-bucket-policy/ghost.json: $.Policy: resource policy of s3 `ghost`, which is not in its list; ignored",
        "us-east-1/lambda/list-functions.json: $.Functions[0].FunctionArn: missing required field `FunctionArn`",
        "us-east-1/kms/list-keys.json: line 1, column",
        "us-east-1/dynamodb/list-tables.json: $.TableNames: expected an array, found a string",
        "us-east-1/sqs/list-queues.json: $.QueueUrls[0]: expected https://sqs.REGION.amazonaws.com/ACCOUNT/NAME, found `not a url`",
        "us-east-1/sagemaker/list-models.json: $.NextToken: the output is one page of a paginated call",
        "us-east-1/nosuch/describe-things.json: $: `nosuch/describe-things` is not part of the AWS raw layout",
        "us-east-1/ecs/list-clusters.json: $.clusterArns[1]: expected a cluster ARN, found a number",
        "us-east-1/ecs/list-clusters.json: $.clusterArns[2]: expected a cluster ARN, found a string",
        "us-east-1/glue/get-jobs.json: $.Jobs[0].Name: missing required field `Name`",
        "us-east-1/glue/get-jobs.json: $.Jobs[1].Role: expected a string, found an array",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
    let v = json(&ok(&[
        "who-can",
        "--input",
        input,
        "--reach",
        "good-bucket",
        "--format",
        "json",
        "-q",
    ]));
    assert!(v["identities"].as_array().unwrap().is_empty());
    let out = ok(&["blast", "--input", input, "--compromise", "etl", "-q"]);
    assert!(!out.contains("jobs"));
    ok(&["who-can", "--input", input, "--reach", "jobs", "-q"]);
    ok(&["who-can", "--input", input, "--reach", "function:g", "-q"]);
    // The good Glue job is kept.
    ok(&["who-can", "--input", input, "--reach", "job/hourly", "-q"]);
}

#[test]
fn the_demo_aws_snapshot_decides_a_tls_only_bucket_policy_and_a_cross_account_share() {
    // acme-customer-pii's bucket policy shares objects with the data lake's
    // reader role and denies plain-HTTP requests; an attacker uses TLS, so
    // the deny does not make the share conditional.
    let v = json(&ok(&[
        "who-can",
        "--reach",
        "acme-customer-pii",
        "--format",
        "json",
        "-q",
    ]));
    let reader = v["identities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "data-lake-reader")
        .unwrap();
    assert_eq!(reader["conditional"], false, "{reader}");
    let hop = reader["path"].as_array().unwrap().last().unwrap();
    assert!(
        hop["source"]
            .as_str()
            .unwrap()
            .starts_with("demo:acme-ai/aws/444455556666/"),
        "{hop}"
    );
}

/// One target of every kind the raw layout reads, a role granted the
/// requests that give each access level, and a role granted nothing: the
/// first gets exactly the documented levels, the second nothing.
#[test]
fn every_target_kind_gets_its_documented_access_levels() {
    let dir = tempfile::tempdir().unwrap();
    let a = P;
    let r = "us-east-1";
    let write = |rel: &str, v: serde_json::Value| {
        let f = dir.path().join(rel);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    };
    let grants = serde_json::json!([
        {"Effect": "Allow", "Action": ["rds-db:connect", "rds:ModifyDBInstance"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["redshift:GetClusterCredentials"], "Resource": format!("arn:aws:redshift:{r}:{a}:dbuser:warehouse/*")},
        {"Effect": "Allow", "Action": ["es:ESHttpGet", "es:ESHttpPut"], "Resource": format!("arn:aws:es:{r}:{a}:domain/search/*")},
        {"Effect": "Allow", "Action": ["sqs:ReceiveMessage", "sqs:SendMessage", "sqs:SetQueueAttributes"], "Resource": format!("arn:aws:sqs:{r}:{a}:jobs")},
        {"Effect": "Allow", "Action": "sns:Publish", "Resource": format!("arn:aws:sns:{r}:{a}:alerts")},
        {"Effect": "Allow", "Action": "sagemaker:InvokeEndpoint", "Resource": format!("arn:aws:sagemaker:{r}:{a}:endpoint/churn")},
        {"Effect": "Allow", "Action": "sagemaker:DescribeModel", "Resource": format!("arn:aws:sagemaker:{r}:{a}:model/churn-v3")},
        {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": format!("arn:aws:bedrock:{r}:{a}:custom-model/*")},
        {"Effect": "Allow", "Action": "bedrock:Retrieve", "Resource": format!("arn:aws:bedrock:{r}:{a}:knowledge-base/KB1")},
        {"Effect": "Allow", "Action": "bedrock:InvokeAgent", "Resource": format!("arn:aws:bedrock:{r}:{a}:agent-alias/AG1/*")},
        {"Effect": "Allow", "Action": ["ssm:GetParameter", "kms:Decrypt"], "Resource": "*"}
    ]);
    let role = |name: &str, statements: serde_json::Value| {
        serde_json::json!({
            "RoleName": name, "Arn": format!("arn:aws:iam::{a}:role/{name}"), "Path": "/",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}],
            "AttachedManagedPolicies": [], "InstanceProfileList": [], "Tags": []
        })
    };
    write(
        &format!("{a}/global/iam/get-account-authorization-details.json"),
        serde_json::json!({
            "UserDetailList": [], "GroupDetailList": [], "Policies": [],
            "RoleDetailList": [role("reader", grants), role("nobody", serde_json::json!([{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]))]
        }),
    );
    let g = format!("{a}/{r}");
    write(
        &format!("{g}/rds/describe-db-instances.json"),
        serde_json::json!({"DBInstances": [
        {"DBInstanceIdentifier": "orders", "DBInstanceArn": format!("arn:aws:rds:{r}:{a}:db:orders"), "DbiResourceId": "db-ABC", "Engine": "postgres", "IAMDatabaseAuthenticationEnabled": true},
        {"DBInstanceIdentifier": "legacy", "DBInstanceArn": format!("arn:aws:rds:{r}:{a}:db:legacy"), "DbiResourceId": "db-DEF", "Engine": "mysql", "IAMDatabaseAuthenticationEnabled": false}]}),
    );
    write(
        &format!("{g}/redshift/describe-clusters.json"),
        serde_json::json!({"Clusters": [{"ClusterIdentifier": "warehouse"}]}),
    );
    write(
        &format!("{g}/opensearch/describe-domains.json"),
        serde_json::json!({"DomainStatusList": [
        {"DomainName": "search", "ARN": format!("arn:aws:es:{r}:{a}:domain/search"), "AccessPolicies": ""}]}),
    );
    write(
        &format!("{g}/sqs/list-queues.json"),
        serde_json::json!({"QueueUrls": [format!("https://sqs.{r}.amazonaws.com/{a}/jobs")]}),
    );
    write(
        &format!("{g}/sns/list-topics.json"),
        serde_json::json!({"Topics": [{"TopicArn": format!("arn:aws:sns:{r}:{a}:alerts")}]}),
    );
    write(
        &format!("{g}/sagemaker/list-endpoints.json"),
        serde_json::json!({"Endpoints": [{"EndpointName": "churn", "EndpointArn": format!("arn:aws:sagemaker:{r}:{a}:endpoint/churn")}]}),
    );
    write(
        &format!("{g}/sagemaker/list-models.json"),
        serde_json::json!({"Models": [{"ModelName": "churn-v3", "ModelArn": format!("arn:aws:sagemaker:{r}:{a}:model/churn-v3")}]}),
    );
    write(
        &format!("{g}/bedrock/list-custom-models.json"),
        serde_json::json!({"modelSummaries": [{"modelArn": format!("arn:aws:bedrock:{r}:{a}:custom-model/support-ft"), "modelName": "support-ft"}]}),
    );
    write(
        &format!("{g}/bedrock-agent/list-knowledge-bases.json"),
        serde_json::json!({"knowledgeBaseSummaries": [{"knowledgeBaseId": "KB1", "name": "policies-kb"}]}),
    );
    write(
        &format!("{g}/bedrock-agent/get-agent/AG1.json"),
        serde_json::json!({"agent": {"agentId": "AG1", "agentName": "helpdesk", "agentArn": format!("arn:aws:bedrock:{r}:{a}:agent/AG1")}}),
    );
    write(
        &format!("{g}/bedrock-agent/list-agent-action-groups/AG1.json"),
        serde_json::json!({"actionGroupSummaries": [{"actionGroupId": "AGG1", "actionGroupName": "refunds"}]}),
    );
    write(
        &format!("{g}/ssm/describe-parameters.json"),
        serde_json::json!({"Parameters": [
        {"Name": "/prod/db/password", "Type": "SecureString", "KeyId": "alias/aws/ssm"},
        {"Name": "/prod/db/host", "Type": "String"}]}),
    );
    let input = dir.path().to_str().unwrap();
    let mut got: Vec<(String, String)> = targets(&blast(input, "reader", &[]))
        .into_iter()
        .map(|(name, access, ..)| (name, access))
        .collect();
    got.sort();
    let want = [
        ("alerts", "invoke"),
        ("churn", "invoke"),
        ("churn-v3", "read"),
        ("helpdesk", "invoke"),
        ("jobs", "admin"),
        ("legacy", "admin"),
        ("orders", "admin"),
        ("policies-kb", "read"),
        ("refunds", "invoke"),
        ("search", "write"),
        ("support-ft", "invoke"),
        ("warehouse", "read"),
        ("/prod/db/password", "read"),
    ];
    let mut want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    want.sort();
    assert_eq!(got, want);
    // Only the SecureString is a secret; `legacy` has no IAM database
    // authentication, so `rds-db:connect` gives nothing there (its admin
    // request does, on every instance).
    let v = json(&ok(&[
        "who-can", "--input", input, "--reach", "legacy", "--access", "read", "--format", "json",
        "-q",
    ]));
    let names: Vec<&str> = v["identities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["reader"], "admin on legacy answers read too");
    assert!(targets(&blast(input, "nobody", &[])).is_empty());
}

/// The SCP twin of the self-escalation rows: a role that may write its own
/// policy escalates to its account's admin, unless an SCP on its OU denies
/// the write (then the edge is gone, not merely flagged).
#[test]
fn an_scp_denying_the_policy_write_removes_the_escalation() {
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, v: serde_json::Value| {
        let f = dir.path().join(rel);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    };
    write(
        &format!("{P}/global/iam/get-account-authorization-details.json"),
        serde_json::json!({
            "UserDetailList": [], "GroupDetailList": [], "Policies": [],
            "RoleDetailList": [{
                "RoleName": "self-writer", "Arn": format!("arn:aws:iam::{P}:role/self-writer"), "Path": "/",
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
                "RolePolicyList": [{"PolicyName": "self", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "iam:PutRolePolicy", "Resource": format!("arn:aws:iam::{P}:role/self-writer")}]}}],
                "AttachedManagedPolicies": [], "InstanceProfileList": [], "Tags": []
            }]
        }),
    );
    let input = dir.path().to_str().unwrap().to_string();
    let admin = format!("aws:account/{P}/admin");
    let reaches_admin = || {
        let v = blast(&input, "self-writer", &[]);
        v["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == admin.as_str())
    };
    assert!(reaches_admin());
    write(
        "organizations/describe-organization.json",
        serde_json::json!({"Organization": {"Id": "o-x", "MasterAccountId": "999999999999"}}),
    );
    write(
        &format!("organizations/list-parents/{P}.json"),
        serde_json::json!({"Parents": [{"Id": "ou-x-prod", "Type": "ORGANIZATIONAL_UNIT"}]}),
    );
    write(
        "organizations/list-parents/ou-x-prod.json",
        serde_json::json!({"Parents": [{"Id": "r-x", "Type": "ROOT"}]}),
    );
    let content = |stmt: serde_json::Value| {
        serde_json::json!({"Version": "2012-10-17", "Statement": [stmt]}).to_string()
    };
    write(
        "organizations/describe-policy/p-full.json",
        serde_json::json!({"Policy": {"PolicySummary": {"Id": "p-full", "Name": "FullAWSAccess", "Type": "SERVICE_CONTROL_POLICY"},
        "Content": content(serde_json::json!({"Effect": "Allow", "Action": "*", "Resource": "*"}))}}),
    );
    write(
        "organizations/describe-policy/p-noiam.json",
        serde_json::json!({"Policy": {"PolicySummary": {"Id": "p-noiam", "Name": "NoPolicyWrites", "Type": "SERVICE_CONTROL_POLICY"},
        "Content": content(serde_json::json!({"Effect": "Deny", "Action": "iam:PutRolePolicy", "Resource": "*"}))}}),
    );
    write(
        "organizations/list-targets-for-policy/p-full.json",
        serde_json::json!({"Targets": [
        {"TargetId": "r-x", "Type": "ROOT"}, {"TargetId": "ou-x-prod", "Type": "ORGANIZATIONAL_UNIT"}, {"TargetId": P, "Type": "ACCOUNT"}]}),
    );
    write(
        "organizations/list-targets-for-policy/p-noiam.json",
        serde_json::json!({"Targets": [{"TargetId": "ou-x-prod", "Type": "ORGANIZATIONAL_UNIT"}]}),
    );
    assert!(!reaches_admin());
    // The management account is exempt from SCPs.
    write(
        "organizations/describe-organization.json",
        serde_json::json!({"Organization": {"Id": "o-x", "MasterAccountId": P}}),
    );
    assert!(reaches_admin());
}
