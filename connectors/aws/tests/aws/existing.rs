//! Family 5 of `docs/aws-escalation-methods.md`: existing resources whose
//! execution role a caller can run code or a session as, and the family-2
//! preconditions the credential report and `list-access-keys` decide.
//!
//! Every fixture is a raw snapshot (`docs/aws-raw-layout.md`) built in
//! memory and read with [`Connector::ingest_all`]: the authorization details
//! of account 111122223333 (user `attacker`, tagged `team = web`, whose
//! inline policy holds the method's grants, and one execution role per
//! resource), plus the inventory file of the resource. A negative twin
//! differs from its positive by one change, named in the test: an explicit
//! `Deny` in another policy (NT-deny), a permissions boundary without the
//! action (NT-pb), a grant under `aws:PrincipalTag/team = iam-admins`
//! (NT-cond, decided false), a grant on another resource (NT-res), or a
//! state of the resource that rules the method out (NT-pre).
//!
//! Positives assert the attacker's exact pivot edges (kind, to, mechanism,
//! conditional); twins assert that it has none.
//!
//! Index:
//! - Lambda: `lambda_update_function_code`, `lambda_update_function_configuration`,
//!   `lambda_update_function_code_add_permission`, `lambda_update_function_configuration_role`
//! - CloudFormation: `cloudformation_update_stack`, `cloudformation_change_set`
//! - Glue: `glue_update_dev_endpoint`, `glue_update_job`,
//!   `glue_update_job_passrole_start_run`, `glue_update_job_passrole_trigger`
//! - SageMaker: `sagemaker_presigned_notebook_url`, `sagemaker_presigned_domain_url`,
//!   `sagemaker_notebook_lifecycle_config`
//! - EC2: `ssm_send_command`, `ssm_start_session`, `ec2_instance_connect`,
//!   `ssm_create_association`, `ec2_modify_instance_user_data`
//! - CodeBuild: `codebuild_start_build`, `codebuild_start_build_batch`
//! - PassRole to an existing resource (family 4): `cloudformation_update_stack_passrole`,
//!   `codebuild_update_project_passrole`, `sagemaker_update_user_profile_role`,
//!   `ec2_associate_instance_profile`, `sagemaker_update_domain_role`
//! - credentials: `credential_report`, `create_access_key`, `login_profile`
//! - resource tags in conditions: `resource_tags`

use crate::fixture::{A, Twin, allow, document, iam, pass_role};
use blastgraph_model::{EdgeKind, Estate};
use serde_json::{Value, json};

const REGION: &str = "us-east-1";

fn arn(service: &str, rest: &str) -> String {
    format!("arn:aws:{service}:{REGION}:{A}:{rest}")
}

const FUNCTION: &str = "function:etl";
const STACK: &str = "stack/app/0a1b2c3d-4e5f-6789-abcd-ef0123456789";
const DEV_ENDPOINT: &str = "devEndpoint/dev";
const NOTEBOOK: &str = "notebook-instance/research";
const DOMAIN: &str = "d-abc123";
const INSTANCE: &str = "instance/i-0123456789abcdef0";
const PROJECT: &str = "project/build";
const JOB: &str = "job/nightly";

// ---------------------------------------------------------------------------
// The fixture builder
// ---------------------------------------------------------------------------

/// A role trusting `service`.
fn role(name: &str, service: &str) -> Value {
    json!({"RoleName": name, "Arn": iam(&format!("role/{name}")), "Path": "/",
           "AssumeRolePolicyDocument": document(&[json!({"Effect": "Allow",
               "Principal": {"Service": service}, "Action": "sts:AssumeRole"})]),
           "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []})
}

/// The authorization details: `attacker` with `grants` (and the twin), and
/// every execution role the inventories below name.
fn auth_details(grants: &[Value], twin: Option<Twin>, users: &[Value]) -> Value {
    let grants: Vec<Value> = match twin {
        Some(Twin::Tag) => grants
            .iter()
            .map(|g| {
                let mut g = g.clone();
                g["Condition"] = json!({"StringEquals": {"aws:PrincipalTag/team": "iam-admins"}});
                g
            })
            .collect(),
        _ => grants.to_vec(),
    };
    let mut attacker = json!({"UserName": "attacker", "Arn": iam("user/attacker"), "Path": "/",
        "GroupList": [], "AttachedManagedPolicies": [],
        "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": document(&grants)}],
        "Tags": [{"Key": "team", "Value": "web"}]});
    let mut policies = Vec::new();
    let mut managed = |name: &str, st: Value| {
        policies.push(
            json!({"PolicyName": name, "Arn": iam(&format!("policy/{name}")),
            "DefaultVersionId": "v1", "PolicyVersionList": [
                {"VersionId": "v1", "IsDefaultVersion": true, "Document": document(&[st])}]}),
        );
    };
    match twin {
        Some(Twin::Deny(action)) => {
            managed(
                "Guardrail",
                json!({"Effect": "Deny", "Action": action, "Resource": "*"}),
            );
            attacker["AttachedManagedPolicies"] =
                json!([{"PolicyName": "Guardrail", "PolicyArn": iam("policy/Guardrail")}]);
        }
        Some(Twin::Boundary(action)) => {
            managed(
                "Boundary",
                json!({"Effect": "Allow", "NotAction": action, "Resource": "*"}),
            );
            attacker["PermissionsBoundary"] = json!({"PermissionsBoundaryType": "Policy",
                "PermissionsBoundaryArn": iam("policy/Boundary")});
        }
        _ => {}
    }
    let mut web = role("web", "ec2.amazonaws.com");
    web["InstanceProfileList"] = json!([{"InstanceProfileName": "web-profile", "Path": "/",
        "Arn": iam("instance-profile/web-profile"), "Roles": [role("web", "ec2.amazonaws.com")]}]);
    let mut ec2_admin = role("ec2-admin", "ec2.amazonaws.com");
    ec2_admin["InstanceProfileList"] = json!([{"InstanceProfileName": "admin-profile", "Path": "/",
        "Arn": iam("instance-profile/admin-profile"), "Roles": [role("ec2-admin", "ec2.amazonaws.com")]}]);
    let mut all_users = vec![attacker];
    all_users.extend(users.iter().cloned());
    json!({"UserDetailList": all_users, "GroupDetailList": [], "Policies": policies,
    "RoleDetailList": [
        role("fn-exec", "lambda.amazonaws.com"),
        role("fn-admin", "lambda.amazonaws.com"),
        role("cfn-exec", "cloudformation.amazonaws.com"),
        role("glue-exec", "glue.amazonaws.com"),
        role("glue-admin", "glue.amazonaws.com"),
        role("nb-exec", "sagemaker.amazonaws.com"),
        role("studio-alice", "sagemaker.amazonaws.com"),
        role("studio-default", "sagemaker.amazonaws.com"),
        role("cb-exec", "codebuild.amazonaws.com"),
        role("cb-admin", "codebuild.amazonaws.com"),
        role("ec2-no-profile", "ec2.amazonaws.com"),
        ec2_admin,
        web,
    ]})
}

/// A raw-layout file: its path under the account and its content.
type File = (String, Value);

fn global(rel: &str, v: Value) -> File {
    (format!("snap/{A}/global/{rel}.json"), v)
}

fn regional(rel: &str, v: Value) -> File {
    (format!("snap/{A}/{REGION}/{rel}.json"), v)
}

/// Reads the files with `ingest_all`, as `blastgraph --input snap/` does.
fn ingest_files(files: &[File]) -> Estate {
    crate::fixture::ingest_json(files)
}

/// The snapshot: authorization details with `grants` (and the twin), plus
/// `inventory`; errors are failures, warnings are returned with the estate.
fn case(grants: &[Value], twin: Option<Twin>, inventory: Vec<File>) -> Estate {
    let mut files = vec![global(
        "iam/get-account-authorization-details",
        auth_details(grants, twin, &[]),
    )];
    files.extend(inventory);
    let e = ingest_files(&files);
    let errors: Vec<String> = e
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .filter(|d| d.starts_with("error"))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    e
}

/// The attacker's pivot edges: (kind, to, mechanism, conditional).
fn pivots(e: &Estate) -> Vec<(EdgeKind, String, String, bool)> {
    let mut v = crate::fixture::pivots(e, &iam("user/attacker"));
    v.sort();
    v
}

/// Asserts the attacker's single pivot edge: `can_act_as` → `role` with
/// `mechanism`; returns its reason and condition text.
fn assert_act_as(e: &Estate, role: &str, mechanism: &str, conditional: bool) -> (String, String) {
    assert_eq!(
        pivots(e),
        [(
            EdgeKind::CanActAs,
            iam(&format!("role/{role}")),
            mechanism.to_string(),
            conditional
        )],
        "{:#?}",
        e.edges
    );
    let x = e
        .edges
        .iter()
        .find(|x| x.from == iam("user/attacker") && x.kind == EdgeKind::CanActAs)
        .unwrap();
    (
        x.provenance.reason.clone(),
        x.condition.clone().unwrap_or_default(),
    )
}

fn act_as(role: &str, mechanism: &str) -> (EdgeKind, String, String, bool) {
    (
        EdgeKind::CanActAs,
        iam(&format!("role/{role}")),
        mechanism.to_string(),
        false,
    )
}

fn assert_none(e: &Estate) {
    assert_eq!(pivots(e), [], "{:#?}", e.edges);
}

/// The attacker's `access` edges to `target`: (level, conditional).
fn access_to(e: &Estate, target: &str) -> Vec<(String, bool)> {
    e.edges
        .iter()
        .filter(|x| x.kind == EdgeKind::Access && x.from == iam("user/attacker") && x.to == target)
        .map(|x| {
            (
                x.access.map(|a| a.to_string()).unwrap_or_default(),
                x.conditional,
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The inventories
// ---------------------------------------------------------------------------

fn functions() -> Vec<File> {
    vec![regional(
        "lambda/list-functions",
        json!({"Functions": [{"FunctionName": "etl", "FunctionArn": arn("lambda", FUNCTION),
            "Role": iam("role/fn-exec"), "Runtime": "python3.12", "PackageType": "Zip"}]}),
    )]
}

fn stacks(role_arn: Option<&str>, status: &str) -> Vec<File> {
    let mut stack = json!({"StackName": "app", "StackId": arn("cloudformation", STACK),
        "StackStatus": status});
    if let Some(r) = role_arn {
        stack["RoleARN"] = json!(iam(r));
    }
    vec![regional(
        "cloudformation/describe-stacks",
        json!({"Stacks": [stack]}),
    )]
}

fn dev_endpoints() -> Vec<File> {
    vec![regional(
        "glue/get-dev-endpoints",
        json!({"DevEndpoints": [{"EndpointName": "dev", "RoleArn": iam("role/glue-exec"),
            "Status": "READY"}]}),
    )]
}

fn notebook(status: &str) -> Vec<File> {
    vec![regional(
        "sagemaker/describe-notebook-instance/research",
        json!({"NotebookInstanceName": "research", "NotebookInstanceArn": arn("sagemaker", NOTEBOOK),
            "NotebookInstanceStatus": status, "RoleArn": iam("role/nb-exec"),
            "InstanceType": "ml.t3.medium"}),
    )]
}

/// Domain `d-abc123` (`auth`, default role `studio-default`) with profiles
/// `alice` (own role `studio-alice`) and `bob` (no role of its own).
fn studio(auth: Option<&str>) -> Vec<File> {
    let profile = |name: &str, role: Option<&str>| {
        let mut p = json!({"DomainId": DOMAIN, "UserProfileName": name, "Status": "InService",
            "UserProfileArn": arn("sagemaker", &format!("user-profile/{DOMAIN}/{name}"))});
        if let Some(r) = role {
            p["UserSettings"] = json!({"ExecutionRole": iam(&format!("role/{r}"))});
        }
        regional(
            &format!("sagemaker/describe-user-profile/{DOMAIN}/{name}"),
            p,
        )
    };
    let mut files = vec![profile("alice", Some("studio-alice")), profile("bob", None)];
    if let Some(auth) = auth {
        files.push(regional(
            &format!("sagemaker/describe-domain/{DOMAIN}"),
            json!({"DomainId": DOMAIN, "DomainArn": arn("sagemaker", &format!("domain/{DOMAIN}")),
                "DomainName": "research", "AuthMode": auth, "Status": "InService",
                "DefaultUserSettings": {"ExecutionRole": iam("role/studio-default")}}),
        ));
    }
    files
}

fn instances(state: &str) -> Vec<File> {
    vec![regional(
        "ec2/describe-instances",
        json!({"Reservations": [{"Instances": [{"InstanceId": "i-0123456789abcdef0",
            "IamInstanceProfile": {"Arn": iam("instance-profile/web-profile"), "Id": "AIPAWEB"},
            "State": {"Code": 16, "Name": state},
            "Tags": [{"Key": "Name", "Value": "web-1"}]}]}]}),
    )]
}

/// A running instance without an instance profile.
fn bare_instance() -> Vec<File> {
    vec![regional(
        "ec2/describe-instances",
        json!({"Reservations": [{"Instances": [{"InstanceId": "i-0123456789abcdef0",
            "State": {"Code": 16, "Name": "running"}}]}]}),
    )]
}

/// Glue job `nightly`, its role named without ARN (as Glue allows).
fn jobs() -> Vec<File> {
    vec![regional(
        "glue/get-jobs",
        json!({"Jobs": [{"Name": "nightly", "Role": "glue-exec", "GlueVersion": "4.0",
            "Command": {"Name": "glueetl", "ScriptLocation": "s3://scripts/nightly.py"}}]}),
    )]
}

fn projects() -> Vec<File> {
    vec![regional(
        "codebuild/batch-get-projects",
        json!({"projects": [{"name": "build", "arn": arn("codebuild", PROJECT),
            "serviceRole": iam("role/cb-exec"),
            "buildBatchConfig": {"serviceRole": iam("role/cb-exec")}}]}),
    )]
}

// ---------------------------------------------------------------------------
// Lambda (rows 5.1, 5.2, 5.4)
// ---------------------------------------------------------------------------

mod lambda_update_function_code {
    use super::*;
    const ACTION: &str = "lambda:UpdateFunctionCode";

    /// Without `lambda:InvokeFunction` the new code waits for the
    /// function's next trigger: conditional, and the reason says so.
    #[test]
    fn positive_waits_for_a_trigger() {
        let e = case(
            &[allow(&[ACTION], &[&arn("lambda", FUNCTION)])],
            None,
            functions(),
        );
        let (reason, condition) = assert_act_as(&e, "fn-exec", ACTION, true);
        assert_eq!(
            reason,
            "user/attacker can lambda:UpdateFunctionCode on lambda function etl, which runs as role/fn-exec: inline policy inline of user/attacker statement 0"
        );
        assert_eq!(
            condition,
            "the new code runs when lambda function etl is next triggered (lambda:InvokeFunction is not allowed; lambda/list-event-source-mappings was not collected)"
        );
    }

    fn mappings(state: &str) -> File {
        regional(
            "lambda/list-event-source-mappings",
            json!({"EventSourceMappings": [{"UUID": "14e0db71-5d35-4eb5-b481-8945cf9d10c2",
                "EventSourceArn": arn("sqs", "orders"),
                "FunctionArn": format!("{}:live", arn("lambda", FUNCTION)), "State": state}]}),
        )
    }

    /// An enabled event source mapping invokes the function: the new code
    /// runs without the attacker invoking it, so the edge is firm.
    #[test]
    fn positive_a_triggered_function_is_firm() {
        let mut inventory = functions();
        inventory.push(mappings("Enabled"));
        let e = case(
            &[allow(&[ACTION], &[&arn("lambda", FUNCTION)])],
            None,
            inventory,
        );
        let (reason, _) = assert_act_as(&e, "fn-exec", ACTION, false);
        assert!(
            reason.contains(&format!(
                "its event source {} runs the new code",
                arn("sqs", "orders")
            )),
            "{reason}"
        );
    }

    /// NT: the mapping is disabled; the inventory was read, so the reason
    /// says what else could trigger it.
    #[test]
    fn negative_a_disabled_mapping_does_not_trigger() {
        let mut inventory = functions();
        inventory.push(mappings("Disabled"));
        let e = case(
            &[allow(&[ACTION], &[&arn("lambda", FUNCTION)])],
            None,
            inventory,
        );
        let (_, condition) = assert_act_as(&e, "fn-exec", ACTION, true);
        assert!(
            condition.contains("no event source mapping invokes it"),
            "{condition}"
        );
    }

    /// Row 5.2: with `lambda:InvokeFunction` the caller runs it now.
    #[test]
    fn positive_with_invoke_is_firm() {
        let e = case(
            &[allow(
                &[ACTION, "lambda:InvokeFunction"],
                &[&arn("lambda", FUNCTION)],
            )],
            None,
            functions(),
        );
        assert_act_as(&e, "fn-exec", ACTION, false);
    }

    #[test]
    fn negative_deny_in_another_policy() {
        let e = case(
            &[allow(&[ACTION], &[&arn("lambda", FUNCTION)])],
            Some(Twin::Deny(ACTION)),
            functions(),
        );
        assert_none(&e);
    }
}

mod lambda_update_function_configuration {
    use super::*;
    const ACTION: &str = "lambda:UpdateFunctionConfiguration";

    #[test]
    fn positive_with_invoke_is_firm() {
        let e = case(
            &[allow(
                &[ACTION, "lambda:InvokeFunction"],
                &[&arn("lambda", FUNCTION)],
            )],
            None,
            functions(),
        );
        assert_act_as(&e, "fn-exec", ACTION, false);
    }

    #[test]
    fn positive_without_invoke_waits_for_a_trigger() {
        let e = case(
            &[allow(&[ACTION], &[&arn("lambda", FUNCTION)])],
            None,
            functions(),
        );
        let (_, condition) = assert_act_as(&e, "fn-exec", ACTION, true);
        assert!(condition.contains("next triggered"), "{condition}");
    }

    #[test]
    fn negative_boundary_without_the_action() {
        let e = case(
            &[allow(
                &[ACTION, "lambda:InvokeFunction"],
                &[&arn("lambda", FUNCTION)],
            )],
            Some(Twin::Boundary(ACTION)),
            functions(),
        );
        assert_none(&e);
    }
}

// ---------------------------------------------------------------------------
// CloudFormation (rows 5.7, 5.8)
// ---------------------------------------------------------------------------

mod cloudformation_update_stack {
    use super::*;
    const ACTION: &str = "cloudformation:UpdateStack";

    #[test]
    fn positive() {
        let e = case(
            &[allow(&[ACTION], &[&arn("cloudformation", STACK)])],
            None,
            stacks(Some("role/cfn-exec"), "UPDATE_COMPLETE"),
        );
        assert_act_as(&e, "cfn-exec", ACTION, false);
    }

    #[test]
    fn negative_principal_tag_condition() {
        let e = case(
            &[allow(&[ACTION], &[&arn("cloudformation", STACK)])],
            Some(Twin::Tag),
            stacks(Some("role/cfn-exec"), "UPDATE_COMPLETE"),
        );
        assert_none(&e);
    }

    /// The catalogue's twin: without a `RoleARN` the stack acts with the
    /// caller's own permissions.
    #[test]
    fn negative_stack_without_a_role() {
        let e = case(
            &[allow(&[ACTION], &[&arn("cloudformation", STACK)])],
            None,
            stacks(None, "UPDATE_COMPLETE"),
        );
        assert_none(&e);
    }

    /// A failed creation leaves a stack that can only be deleted.
    #[test]
    fn negative_stack_in_rollback_complete() {
        let e = case(
            &[allow(&[ACTION], &[&arn("cloudformation", STACK)])],
            None,
            stacks(Some("role/cfn-exec"), "ROLLBACK_COMPLETE"),
        );
        assert_none(&e);
    }
}

mod cloudformation_change_set {
    use super::*;
    const ACTIONS: [&str; 2] = [
        "cloudformation:CreateChangeSet",
        "cloudformation:ExecuteChangeSet",
    ];

    #[test]
    fn positive() {
        let e = case(
            &[allow(&ACTIONS, &[&arn("cloudformation", STACK)])],
            None,
            stacks(Some("role/cfn-exec"), "CREATE_COMPLETE"),
        );
        assert_act_as(
            &e,
            "cfn-exec",
            "cloudformation:CreateChangeSet+cloudformation:ExecuteChangeSet",
            false,
        );
    }

    #[test]
    fn negative_deny_in_another_policy() {
        let e = case(
            &[allow(&ACTIONS, &[&arn("cloudformation", STACK)])],
            Some(Twin::Deny("cloudformation:ExecuteChangeSet")),
            stacks(Some("role/cfn-exec"), "CREATE_COMPLETE"),
        );
        assert_none(&e);
    }
}

// ---------------------------------------------------------------------------
// Glue (row 5.11)
// ---------------------------------------------------------------------------

mod glue_update_dev_endpoint {
    use super::*;
    const ACTION: &str = "glue:UpdateDevEndpoint";

    #[test]
    fn positive() {
        let e = case(
            &[allow(&[ACTION], &[&arn("glue", DEV_ENDPOINT)])],
            None,
            dev_endpoints(),
        );
        assert_act_as(&e, "glue-exec", ACTION, false);
    }

    #[test]
    fn negative_grant_on_another_endpoint() {
        let e = case(
            &[allow(&[ACTION], &[&arn("glue", "devEndpoint/other")])],
            None,
            dev_endpoints(),
        );
        assert_none(&e);
    }
}

// ---------------------------------------------------------------------------
// SageMaker (rows 5.18, 5.20)
// ---------------------------------------------------------------------------

mod sagemaker_presigned_notebook_url {
    use super::*;
    const ACTION: &str = "sagemaker:CreatePresignedNotebookInstanceUrl";
    const START: &str = "sagemaker:StartNotebookInstance";

    #[test]
    fn positive() {
        let e = case(
            &[allow(&[ACTION], &[&arn("sagemaker", NOTEBOOK)])],
            None,
            notebook("InService"),
        );
        assert_act_as(&e, "nb-exec", ACTION, false);
    }

    #[test]
    fn negative_boundary_without_the_action() {
        let e = case(
            &[allow(&[ACTION], &[&arn("sagemaker", NOTEBOOK)])],
            Some(Twin::Boundary(ACTION)),
            notebook("InService"),
        );
        assert_none(&e);
    }

    /// The catalogue's twin: a stopped instance and no right to start it.
    #[test]
    fn negative_stopped_without_start() {
        let e = case(
            &[allow(&[ACTION], &[&arn("sagemaker", NOTEBOOK)])],
            None,
            notebook("Stopped"),
        );
        assert_none(&e);
    }

    #[test]
    fn positive_stopped_with_start() {
        let e = case(
            &[allow(&[ACTION, START], &[&arn("sagemaker", NOTEBOOK)])],
            None,
            notebook("Stopped"),
        );
        assert_act_as(&e, "nb-exec", &format!("{ACTION}+{START}"), false);
    }

    #[test]
    fn negative_failed_instance() {
        let e = case(
            &[allow(&[ACTION, START], &[&arn("sagemaker", NOTEBOOK)])],
            None,
            notebook("Failed"),
        );
        assert_none(&e);
        assert_eq!(access_to(&e, &arn("sagemaker", NOTEBOOK)), []);
    }
}

/// Row 5.19: a lifecycle configuration the attacker writes runs as the
/// notebook's role when it starts again.
mod sagemaker_notebook_lifecycle_config {
    use super::*;
    const UPDATE: &str = "sagemaker:UpdateNotebookInstance";
    const MECHANISM: &str = "sagemaker:UpdateNotebookInstance+sagemaker:StopNotebookInstance+sagemaker:StartNotebookInstance+sagemaker:CreateNotebookInstanceLifecycleConfig";

    fn grants() -> Vec<Value> {
        vec![
            allow(
                &[
                    UPDATE,
                    "sagemaker:StopNotebookInstance",
                    "sagemaker:StartNotebookInstance",
                ],
                &[&arn("sagemaker", NOTEBOOK)],
            ),
            allow(&["sagemaker:CreateNotebookInstanceLifecycleConfig"], &["*"]),
        ]
    }

    #[test]
    fn positive() {
        let e = case(&grants(), None, notebook("InService"));
        assert_act_as(&e, "nb-exec", MECHANISM, false);
    }

    #[test]
    fn negative_deny_in_another_policy() {
        let e = case(&grants(), Some(Twin::Deny(UPDATE)), notebook("InService"));
        assert_none(&e);
    }

    /// NT-pre-like: no lifecycle configuration can be created.
    #[test]
    fn negative_boundary_without_the_configuration() {
        let e = case(
            &grants(),
            Some(Twin::Boundary(
                "sagemaker:CreateNotebookInstanceLifecycleConfig",
            )),
            notebook("InService"),
        );
        assert_none(&e);
    }
}

mod sagemaker_presigned_domain_url {
    use super::*;
    const ACTION: &str = "sagemaker:CreatePresignedDomainUrl";

    fn alice() -> String {
        arn("sagemaker", &format!("user-profile/{DOMAIN}/alice"))
    }

    #[test]
    fn positive_profile_role() {
        let e = case(&[allow(&[ACTION], &[&alice()])], None, studio(Some("IAM")));
        assert_act_as(&e, "studio-alice", ACTION, false);
        assert_eq!(access_to(&e, &alice()), [("execute".to_string(), false)]);
        // The domain contains its profiles.
        assert!(e.edges.iter().any(|x| x.kind == EdgeKind::Contains
            && x.from == arn("sagemaker", &format!("domain/{DOMAIN}"))
            && x.to == alice()));
    }

    /// A profile without a role of its own runs as the domain's default.
    #[test]
    fn positive_domain_default_role() {
        let bob = arn("sagemaker", &format!("user-profile/{DOMAIN}/bob"));
        let e = case(&[allow(&[ACTION], &[&bob])], None, studio(Some("IAM")));
        assert_act_as(&e, "studio-default", ACTION, false);
    }

    /// The catalogue's twin: an SSO domain refuses IAM presigned URLs.
    #[test]
    fn negative_sso_domain() {
        let e = case(&[allow(&[ACTION], &["*"])], None, studio(Some("SSO")));
        assert_none(&e);
        assert_eq!(access_to(&e, &alice()), []);
    }

    #[test]
    fn negative_deny_in_another_policy() {
        let e = case(
            &[allow(&[ACTION], &[&alice()])],
            Some(Twin::Deny(ACTION)),
            studio(Some("IAM")),
        );
        assert_none(&e);
    }

    /// A malformed profile is an error at its JSON path; the other
    /// profile and the domain are still read.
    #[test]
    fn a_bad_profile_names_its_place_and_keeps_the_rest() {
        let mut files = studio(Some("IAM"));
        files[0].1["UserSettings"] = json!("studio-alice");
        let mut all = vec![global(
            "iam/get-account-authorization-details",
            auth_details(&[allow(&[ACTION], &["*"])], None, &[]),
        )];
        all.extend(files);
        let e = ingest_files(&all);
        let errors: Vec<String> = e
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .filter(|d| d.starts_with("error"))
            .collect();
        assert_eq!(
            errors,
            [format!(
                "error[file-shape]: snap/{A}/{REGION}/sagemaker/describe-user-profile/{DOMAIN}/alice.json: $.UserSettings: expected an object, found a string"
            )]
        );
        assert_act_as(&e, "studio-default", ACTION, false);
    }

    /// Without the domain file the authentication mode is unknown: the
    /// profile's own role is kept, conditional; the default role is
    /// unknown, which is reported.
    #[test]
    fn domain_not_collected_is_conditional_and_reported() {
        let e = case(&[allow(&[ACTION], &["*"])], None, studio(None));
        let (_, condition) = assert_act_as(&e, "studio-alice", ACTION, true);
        assert!(
            condition.contains("domain d-abc123 was not collected"),
            "{condition}"
        );
        let warnings: Vec<String> = e.diagnostics.iter().map(ToString::to_string).collect();
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("user profile d-abc123/bob has no execution role of its own")),
            "{warnings:#?}"
        );
    }
}

// ---------------------------------------------------------------------------
// EC2 (rows 5.22, 5.23, 5.27): the instance profile's role
// ---------------------------------------------------------------------------

mod ssm_send_command {
    use super::*;
    const ACTION: &str = "ssm:SendCommand";

    fn grant(document: &str) -> Value {
        allow(
            &[ACTION],
            &[
                &arn("ec2", INSTANCE),
                &format!("arn:aws:ssm:*::document/{document}"),
            ],
        )
    }

    #[test]
    fn positive() {
        let e = case(&[grant("AWS-RunShellScript")], None, instances("running"));
        assert_act_as(&e, "web", ACTION, false);
    }

    /// The catalogue's twin: commands only through a document that runs no
    /// shell.
    #[test]
    fn negative_only_a_non_shell_document() {
        let e = case(&[grant("AWS-RunPatchBaseline")], None, instances("running"));
        assert_none(&e);
    }

    /// A stopped instance runs nothing until it is started: conditional.
    #[test]
    fn stopped_instance_is_conditional() {
        let e = case(&[grant("AWS-RunShellScript")], None, instances("stopped"));
        let (_, condition) = assert_act_as(&e, "web", ACTION, true);
        assert_eq!(
            condition,
            "instance i-0123456789abcdef0 is stopped: its role is reachable only once it is started again (ec2:StartInstances)"
        );
    }
}

mod ssm_start_session {
    use super::*;
    const ACTION: &str = "ssm:StartSession";

    #[test]
    fn positive() {
        let e = case(
            &[allow(&[ACTION], &[&arn("ec2", INSTANCE)])],
            None,
            instances("running"),
        );
        assert_act_as(&e, "web", ACTION, false);
    }

    #[test]
    fn negative_principal_tag_condition() {
        let e = case(
            &[allow(&[ACTION], &[&arn("ec2", INSTANCE)])],
            Some(Twin::Tag),
            instances("running"),
        );
        assert_none(&e);
    }

    #[test]
    fn stopped_instance_is_conditional() {
        let e = case(
            &[allow(&[ACTION], &[&arn("ec2", INSTANCE)])],
            None,
            instances("stopping"),
        );
        let (_, condition) = assert_act_as(&e, "web", ACTION, true);
        assert!(condition.contains("is stopping"), "{condition}");
        // The session itself (an `execute` access edge) waits too.
        assert_eq!(
            access_to(&e, &arn("ec2", INSTANCE)),
            [("execute".to_string(), true)]
        );
    }

    #[test]
    fn negative_terminated_instance() {
        let e = case(
            &[allow(&[ACTION], &[&arn("ec2", INSTANCE)])],
            None,
            instances("terminated"),
        );
        assert_none(&e);
        assert_eq!(access_to(&e, &arn("ec2", INSTANCE)), []);
    }
}

mod ec2_instance_connect {
    use super::*;
    const ACTION: &str = "ec2-instance-connect:SendSSHPublicKey";

    #[test]
    fn positive() {
        let e = case(
            &[allow(&[ACTION], &[&arn("ec2", INSTANCE)])],
            None,
            instances("running"),
        );
        assert_act_as(&e, "web", ACTION, false);
    }

    #[test]
    fn negative_deny_in_another_policy() {
        let e = case(
            &[allow(&[ACTION], &[&arn("ec2", INSTANCE)])],
            Some(Twin::Deny(ACTION)),
            instances("running"),
        );
        assert_none(&e);
    }
}

// ---------------------------------------------------------------------------
// CodeBuild (rows 5.13, 5.14)
// ---------------------------------------------------------------------------

mod codebuild_start_build {
    use super::*;
    const ACTION: &str = "codebuild:StartBuild";

    #[test]
    fn positive() {
        let e = case(
            &[allow(&[ACTION], &[&arn("codebuild", PROJECT)])],
            None,
            projects(),
        );
        assert_act_as(&e, "cb-exec", ACTION, false);
    }

    /// The catalogue's twin: `StartBuild` only on `project/other`.
    #[test]
    fn negative_grant_on_another_project() {
        let e = case(
            &[allow(&[ACTION], &[&arn("codebuild", "project/other")])],
            None,
            projects(),
        );
        assert_none(&e);
    }
}

mod codebuild_start_build_batch {
    use super::*;
    const ACTION: &str = "codebuild:StartBuildBatch";

    #[test]
    fn positive() {
        let e = case(
            &[allow(&[ACTION], &[&arn("codebuild", PROJECT)])],
            None,
            projects(),
        );
        assert_act_as(&e, "cb-exec", ACTION, false);
    }

    #[test]
    fn negative_boundary_without_the_action() {
        let e = case(
            &[allow(&[ACTION], &[&arn("codebuild", PROJECT)])],
            Some(Twin::Boundary(ACTION)),
            projects(),
        );
        assert_none(&e);
    }
}

/// Row 5.3: the attacker grants itself invoke on the function it rewrote.
mod lambda_update_function_code_add_permission {
    use super::*;
    const ACTIONS: [&str; 2] = ["lambda:UpdateFunctionCode", "lambda:AddPermission"];

    #[test]
    fn positive_is_firm() {
        let e = case(
            &[allow(&ACTIONS, &[&arn("lambda", FUNCTION)])],
            None,
            functions(),
        );
        assert_act_as(
            &e,
            "fn-exec",
            "lambda:UpdateFunctionCode+lambda:AddPermission",
            false,
        );
    }

    /// Without `AddPermission` the code waits for a trigger again.
    #[test]
    fn negative_deny_in_another_policy() {
        let e = case(
            &[allow(&ACTIONS, &[&arn("lambda", FUNCTION)])],
            Some(Twin::Deny("lambda:AddPermission")),
            functions(),
        );
        assert_act_as(&e, "fn-exec", "lambda:UpdateFunctionCode", true);
    }
}

/// Row 5.24: a State Manager association runs the shell document on the
/// instance.
mod ssm_create_association {
    use super::*;
    const ACTION: &str = "ssm:CreateAssociation";

    fn grant(document: &str) -> Value {
        allow(
            &[ACTION],
            &[
                &arn("ec2", INSTANCE),
                &format!("arn:aws:ssm:*::document/{document}"),
            ],
        )
    }

    #[test]
    fn positive() {
        let e = case(&[grant("AWS-RunShellScript")], None, instances("running"));
        assert_act_as(&e, "web", ACTION, false);
    }

    #[test]
    fn negative_only_another_document() {
        let e = case(&[grant("AWS-RunPatchBaseline")], None, instances("running"));
        assert_none(&e);
    }
}

/// Row 5.29: new user data, run at the next boot.
mod ec2_modify_instance_user_data {
    use super::*;
    const ACTIONS: [&str; 3] = [
        "ec2:ModifyInstanceAttribute",
        "ec2:StopInstances",
        "ec2:StartInstances",
    ];

    #[test]
    fn positive() {
        let e = case(
            &[allow(&ACTIONS, &[&arn("ec2", INSTANCE)])],
            None,
            instances("running"),
        );
        assert_act_as(
            &e,
            "web",
            "ec2:ModifyInstanceAttribute+ec2:StopInstances+ec2:StartInstances",
            false,
        );
    }

    /// The catalogue's twin: the instance cannot be restarted.
    #[test]
    fn negative_boundary_without_start() {
        let e = case(
            &[allow(&ACTIONS, &[&arn("ec2", INSTANCE)])],
            Some(Twin::Boundary("ec2:StartInstances")),
            instances("running"),
        );
        assert_none(&e);
    }
}

/// Row 5.12: a new script for an existing job runs as the job's role.
mod glue_update_job {
    use super::*;
    const ACTION: &str = "glue:UpdateJob";

    #[test]
    fn positive_with_start_is_firm() {
        let e = case(
            &[allow(&[ACTION, "glue:StartJobRun"], &[&arn("glue", JOB)])],
            None,
            jobs(),
        );
        assert_act_as(&e, "glue-exec", ACTION, false);
        assert_eq!(
            access_to(&e, &arn("glue", JOB)),
            [("execute".to_string(), false)]
        );
    }

    #[test]
    fn without_start_waits_for_a_run() {
        let e = case(&[allow(&[ACTION], &[&arn("glue", JOB)])], None, jobs());
        let (_, condition) = assert_act_as(&e, "glue-exec", ACTION, true);
        assert_eq!(
            condition,
            "the new code runs when glue job nightly is next triggered (glue:StartJobRun is not allowed)"
        );
    }

    #[test]
    fn negative_deny_in_another_policy() {
        let e = case(
            &[allow(&[ACTION, "glue:StartJobRun"], &[&arn("glue", JOB)])],
            Some(Twin::Deny(ACTION)),
            jobs(),
        );
        assert_none(&e);
    }
}

/// Row 4.15: the job gets another role, then runs.
mod glue_update_job_passrole_start_run {
    use super::*;
    const GLUE: &str = "glue.amazonaws.com";

    #[test]
    fn positive() {
        let e = case(
            &[
                allow(
                    &["glue:UpdateJob", "glue:StartJobRun"],
                    &[&arn("glue", JOB)],
                ),
                pass_role("glue-admin", GLUE),
            ],
            None,
            jobs(),
        );
        assert_eq!(
            pivots(&e),
            [
                act_as("glue-admin", "iam:PassRole+glue:UpdateJob+glue:StartJobRun"),
                act_as("glue-exec", "glue:UpdateJob"),
            ],
            "{:#?}",
            e.edges
        );
    }

    /// The catalogue's twin: no way to run the job (4.16's triggers are not
    /// modelled), so only the waiting row-5.12 edge is left.
    #[test]
    fn negative_without_start() {
        let e = case(
            &[
                allow(&["glue:UpdateJob"], &[&arn("glue", JOB)]),
                pass_role("glue-admin", GLUE),
            ],
            None,
            jobs(),
        );
        assert_act_as(&e, "glue-exec", "glue:UpdateJob", true);
    }
}

/// Resource tags decide `aws:ResourceTag/…` (and `ssm:resourceTag/…`,
/// `secretsmanager:ResourceTag/…`) conditions when the inventory lists the
/// resource's whole tag set: EC2 instances and secrets.
mod resource_tags {
    use super::*;
    const SESSION: &str = "ssm:StartSession";

    fn session_if(condition: Value) -> Value {
        let mut g = allow(&[SESSION], &["*"]);
        g["Condition"] = condition;
        g
    }

    /// The common ABAC grant: sessions on instances tagged for the team.
    #[test]
    fn a_tag_the_instance_has_decides_the_session() {
        let e = case(
            &[session_if(
                json!({"StringEquals": {"ssm:resourceTag/Name": "web-1"}}),
            )],
            None,
            instances("running"),
        );
        assert_act_as(&e, "web", SESSION, false);
    }

    #[test]
    fn negative_another_tag_value() {
        let e = case(
            &[session_if(
                json!({"StringEquals": {"ssm:resourceTag/Name": "db-1"}}),
            )],
            None,
            instances("running"),
        );
        assert_none(&e);
    }

    /// The instance has no `env` tag: the condition is false, not undecided.
    #[test]
    fn negative_a_tag_the_instance_lacks() {
        let e = case(
            &[session_if(
                json!({"StringEquals": {"aws:ResourceTag/env": "dev"}}),
            )],
            None,
            instances("running"),
        );
        assert_none(&e);
    }

    fn secrets() -> Vec<File> {
        let secret = |name: &str, tags: Value| {
            json!({"ARN": arn("secretsmanager", &format!("secret:{name}-AbCdEf")), "Name": name,
                   "Tags": tags})
        };
        vec![regional(
            "secretsmanager/list-secrets",
            json!({"SecretList": [
                secret("prod/db", json!([{"Key": "classification", "Value": "restricted"}])),
                secret("dev/db", json!([])),
            ]}),
        )]
    }

    /// A guardrail that denies restricted secrets keeps the others.
    #[test]
    fn a_deny_on_a_tag_removes_only_the_tagged_secret() {
        let e = case(
            &[
                allow(&["secretsmanager:GetSecretValue"], &["*"]),
                json!({"Effect": "Deny", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
                       "Condition": {"StringEquals": {"aws:ResourceTag/classification": "restricted"}}}),
            ],
            None,
            secrets(),
        );
        let read: Vec<(String, bool)> = e
            .edges
            .iter()
            .filter(|x| x.kind == EdgeKind::CanReadSecret && x.from == iam("user/attacker"))
            .map(|x| (x.to.clone(), x.conditional))
            .collect();
        assert_eq!(
            read,
            [(arn("secretsmanager", "secret:dev/db"), false)],
            "{:#?}",
            e.edges
        );
    }
}

/// Secrets Manager secrets are named without the six characters AWS
/// appends (`ids::aws_secret`), so other inputs meet them by name; policies
/// still match the full ARN. Secrets and SecureString parameters tagged
/// `credential-of=ID` hold that identity's credential (docs/ids.md).
mod secret_ids_and_tags {
    use super::*;

    /// The fixture's one user: whose credential the tagged secrets hold.
    const HOLDER: &str = "user/attacker";

    fn holds(e: &Estate) -> Vec<(String, String, String)> {
        e.edges
            .iter()
            .filter(|x| x.kind == EdgeKind::HoldsCredential)
            .map(|x| {
                (
                    x.from.clone(),
                    x.to.clone(),
                    format!("{} {}", x.provenance.source, x.provenance.location),
                )
            })
            .collect()
    }

    fn reads(e: &Estate) -> Vec<String> {
        e.edges
            .iter()
            .filter(|x| x.kind == EdgeKind::CanReadSecret && x.from == iam("user/attacker"))
            .map(|x| x.to.clone())
            .collect()
    }

    fn listed(tags: Value) -> File {
        regional(
            "secretsmanager/list-secrets",
            json!({"SecretList": [{"ARN": arn("secretsmanager", "secret:prod/db-AbCdEf"),
                                   "Name": "prod/db", "Tags": tags}]}),
        )
    }

    #[test]
    fn a_secret_is_named_without_its_suffix_and_matched_by_the_pattern_aws_advises() {
        let e = case(
            &[allow(
                &["secretsmanager:GetSecretValue"],
                &[&arn("secretsmanager", "secret:prod/db-??????")],
            )],
            None,
            vec![listed(json!([]))],
        );
        assert!(
            e.nodes
                .iter()
                .any(|n| n.id == arn("secretsmanager", "secret:prod/db"))
        );
        assert_eq!(reads(&e), [arn("secretsmanager", "secret:prod/db")]);
    }

    /// AWS matches a policy's resource against the full ARN: naming the
    /// secret without its suffix grants nothing.
    #[test]
    fn negative_a_policy_naming_the_arn_without_the_suffix() {
        let e = case(
            &[allow(
                &["secretsmanager:GetSecretValue"],
                &[&arn("secretsmanager", "secret:prod/db")],
            )],
            None,
            vec![listed(json!([]))],
        );
        assert_eq!(reads(&e), Vec::<String>::new());
    }

    #[test]
    fn a_tagged_secret_holds_the_credential() {
        let e = case(
            &[],
            None,
            vec![listed(
                json!([{"Key": "credential-of", "Value": iam(HOLDER)}]),
            )],
        );
        let h = holds(&e);
        assert_eq!(h.len(), 1, "{h:#?}");
        assert_eq!(h[0].0, arn("secretsmanager", "secret:prod/db"));
        assert_eq!(h[0].1, iam(HOLDER));
    }

    #[test]
    fn negative_other_tags_hold_nothing() {
        let e = case(
            &[],
            None,
            vec![listed(json!([{"Key": "owner", "Value": iam(HOLDER)}]))],
        );
        assert_eq!(holds(&e), []);
    }

    fn parameters() -> File {
        regional(
            "ssm/describe-parameters",
            json!({"Parameters": [
                {"Name": "/prod/api-key", "Type": "SecureString",
                 "ARN": arn("ssm", "parameter/prod/api-key")},
                {"Name": "plain", "Type": "String", "ARN": arn("ssm", "parameter/plain")},
            ]}),
        )
    }

    /// `aws ssm list-tags-for-resource --resource-type Parameter
    /// --resource-id /prod/api-key`, the name encoded as the layout does.
    fn tags_of(name: &str, tags: Value) -> File {
        regional(
            &format!("ssm/list-tags-for-resource/{}", name.replace('/', "%2F")),
            json!({ "TagList": tags }),
        )
    }

    #[test]
    fn a_parameter_tagged_in_its_tag_file_holds_the_credential() {
        let e = case(
            &[],
            None,
            vec![
                parameters(),
                tags_of(
                    "/prod/api-key",
                    json!([{"Key": "credential-of", "Value": iam(HOLDER)}]),
                ),
            ],
        );
        let h = holds(&e);
        assert_eq!(h.len(), 1, "{h:#?}");
        assert_eq!(h[0].0, arn("ssm", "parameter/prod/api-key"));
        assert_eq!(h[0].1, iam(HOLDER));
        // The provenance is the tag file, where the tag was read.
        assert!(
            h[0].2.contains("list-tags-for-resource") && h[0].2.contains("TagList"),
            "{h:#?}"
        );
    }

    #[test]
    fn negative_untagged_parameters_and_tag_files_of_unlisted_ones() {
        let e = case(
            &[],
            None,
            vec![
                parameters(),
                tags_of("/prod/api-key", json!([{"Key": "team", "Value": "ml"}])),
                tags_of(
                    "/prod/gone",
                    json!([{"Key": "credential-of", "Value": iam(HOLDER)}]),
                ),
            ],
        );
        assert_eq!(holds(&e), []);
        let said: Vec<String> = e.diagnostics.iter().map(ToString::to_string).collect();
        assert!(
            said.iter()
                .any(|d| d.contains("tags of ssm `/prod/gone`, which is not in its list")),
            "{said:#?}"
        );
    }

    /// Reads the files as `blastgraph --inspect-secret-values` (or without
    /// it) does: the credentials values hold are placed once all is read.
    fn ingest_inspecting(files: &[File], inspect: bool) -> Estate {
        use blastgraph_model::Connector;
        let bytes: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|(p, v)| (p.clone(), serde_json::to_vec_pretty(v).unwrap()))
            .collect();
        let inputs = blastgraph_gen::bench::inputs(&bytes);
        let mut b = blastgraph_model::EstateBuilder::new();
        b.set_inspect_values(inspect);
        blastgraph_connector_aws::AwsAuthDetailsConnector.ingest_all(&inputs, &mut b);
        b.resolve_credential_hints();
        b.finish()
    }

    const KEY_ID: &str = "AKIAEXAMPLEATTACK01";
    const SEED: &str = "wJalrXUtnFEMI/K7MDENG/SEEDVALUEAWS0001";

    fn with_values(value_files: Vec<File>) -> Vec<File> {
        let mut files = vec![
            global(
                "iam/get-account-authorization-details",
                auth_details(&[], None, &[]),
            ),
            global(
                "iam/list-access-keys/attacker",
                json!({"AccessKeyMetadata": [{"UserName": "attacker", "AccessKeyId": KEY_ID,
                                               "Status": "Active", "CreateDate": "2026-01-01T00:00:00+00:00"}]}),
            ),
            parameters(),
            listed(json!([])),
        ];
        files.extend(value_files);
        files
    }

    fn values() -> Vec<File> {
        vec![
            regional(
                "ssm/get-parameter/%2Fprod%2Fapi-key",
                json!({"Parameter": {"Name": "/prod/api-key", "Type": "SecureString",
                                     "Value": format!("{KEY_ID} {SEED}"), "Version": 3,
                                     "ARN": arn("ssm", "parameter/prod/api-key")}}),
            ),
            regional(
                "secretsmanager/get-secret-value/prod%2Fdb",
                json!({"ARN": arn("secretsmanager", "secret:prod/db-AbCdEf"), "Name": "prod/db",
                       "SecretString": json!({"aws_access_key_id": KEY_ID,
                                              "aws_secret_access_key": SEED}).to_string()}),
            ),
        ]
    }

    #[test]
    fn inspected_values_place_the_key_they_hold_and_keep_nothing_of_them() {
        let e = ingest_inspecting(&with_values(values()), true);
        let mut h: Vec<(String, String)> = holds(&e)
            .into_iter()
            .map(|(from, to, _)| (from, to))
            .collect();
        h.sort();
        assert_eq!(h.len(), 2, "{h:#?}");
        assert_eq!(h[0].0, arn("secretsmanager", "secret:prod/db"));
        assert_eq!(h[1].0, arn("ssm", "parameter/prod/api-key"));
        assert!(h.iter().all(|(_, to)| to.contains(KEY_ID)), "{h:#?}");
        let all = serde_json::to_string(&e).unwrap();
        assert!(!all.contains("SEEDVALUEAWS"), "a value reached the estate");
    }

    /// Without the flag a value file is not even parsed: a broken one is
    /// no error, and nothing links.
    #[test]
    fn negative_without_the_flag_value_files_are_skipped_unread() {
        let mut files = values();
        files.push(regional(
            "ssm/get-parameter/broken",
            json!("not the shape at all"),
        ));
        let e = ingest_inspecting(&with_values(files), false);
        assert_eq!(holds(&e), []);
        let said: Vec<String> = e.diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(
            said.iter().filter(|d| d.contains("skipped unread")).count(),
            3,
            "{said:#?}"
        );
        assert!(!said.iter().any(|d| d.starts_with("error")), "{said:#?}");
    }

    #[test]
    fn a_tag_list_that_is_not_a_list_is_an_error_naming_its_place() {
        let files = vec![
            global(
                "iam/get-account-authorization-details",
                auth_details(&[], None, &[]),
            ),
            parameters(),
            tags_of("/prod/api-key", json!({"TagList": "credential-of"})),
        ];
        let e = ingest_files(&files);
        let said: Vec<String> = e.diagnostics.iter().map(ToString::to_string).collect();
        assert!(
            said.iter()
                .any(|d| d.contains("TagList") && d.contains("expected an array")),
            "{said:#?}"
        );
        assert!(
            e.nodes
                .iter()
                .any(|n| n.id == arn("ssm", "parameter/prod/api-key"))
        );
    }
}

/// Row 4.16: the job gets another role, and a new trigger runs it.
mod glue_update_job_passrole_trigger {
    use super::*;
    const GLUE: &str = "glue.amazonaws.com";

    fn grants() -> Vec<Value> {
        vec![
            allow(&["glue:UpdateJob"], &[&arn("glue", JOB)]),
            allow(&["glue:CreateTrigger"], &["*"]),
            pass_role("glue-admin", GLUE),
        ]
    }

    fn waiting() -> (EdgeKind, String, String, bool) {
        (
            EdgeKind::CanActAs,
            iam("role/glue-exec"),
            "glue:UpdateJob".to_string(),
            true,
        )
    }

    /// The job's own role too, now firm: the new trigger runs it (5.12).
    #[test]
    fn positive() {
        let e = case(&grants(), None, jobs());
        assert_eq!(
            pivots(&e),
            [
                act_as(
                    "glue-admin",
                    "iam:PassRole+glue:UpdateJob+glue:CreateTrigger"
                ),
                act_as("glue-exec", "glue:UpdateJob+glue:CreateTrigger"),
            ],
            "{:#?}",
            e.edges
        );
    }

    #[test]
    fn negative_deny_in_another_policy() {
        let e = case(&grants(), Some(Twin::Deny("glue:CreateTrigger")), jobs());
        assert_eq!(pivots(&e), [waiting()], "{:#?}", e.edges);
    }
}

/// Row 5.5: the function gets another role, new code, and a run.
mod lambda_update_function_configuration_role {
    use super::*;
    const LAMBDA: &str = "lambda.amazonaws.com";
    const ACTIONS: [&str; 3] = [
        "lambda:UpdateFunctionConfiguration",
        "lambda:UpdateFunctionCode",
        "lambda:InvokeFunction",
    ];

    #[test]
    fn positive() {
        let e = case(
            &[
                allow(&ACTIONS, &[&arn("lambda", FUNCTION)]),
                pass_role("fn-admin", LAMBDA),
            ],
            None,
            functions(),
        );
        assert_eq!(
            pivots(&e),
            [
                act_as(
                    "fn-admin",
                    "iam:PassRole+lambda:UpdateFunctionConfiguration+lambda:UpdateFunctionCode+lambda:InvokeFunction"
                ),
                act_as("fn-exec", "lambda:UpdateFunctionCode"),
                act_as("fn-exec", "lambda:UpdateFunctionConfiguration"),
            ],
            "{:#?}",
            e.edges
        );
    }

    /// The catalogue's twin: PassRole only to EC2.
    #[test]
    fn negative_passed_to_another_service() {
        let e = case(
            &[
                allow(&ACTIONS, &[&arn("lambda", FUNCTION)]),
                pass_role("fn-admin", "ec2.amazonaws.com"),
            ],
            None,
            functions(),
        );
        assert!(
            pivots(&e)
                .iter()
                .all(|(_, to, ..)| *to != iam("role/fn-admin")),
            "{:#?}",
            e.edges
        );
    }
}

// ---------------------------------------------------------------------------
// Family 4 rows that need an existing resource: PassRole + an update
// (4.19, 4.25, 4.31)
// ---------------------------------------------------------------------------

mod cloudformation_update_stack_passrole {
    use super::*;
    const ACTION: &str = "cloudformation:UpdateStack";
    const CFN: &str = "cloudformation.amazonaws.com";
    const MECHANISM: &str = "iam:PassRole+cloudformation:UpdateStack";

    fn update(condition: Option<Value>) -> Value {
        let mut g = allow(&[ACTION], &[&arn("cloudformation", STACK)]);
        if let Some(c) = condition {
            g["Condition"] = c;
        }
        g
    }

    /// A stack without a role of its own: the update gives it `cfn-exec`.
    #[test]
    fn positive() {
        let e = case(
            &[update(None), pass_role("cfn-exec", CFN)],
            None,
            stacks(None, "UPDATE_COMPLETE"),
        );
        let (reason, _) = assert_act_as(&e, "cfn-exec", MECHANISM, false);
        assert!(
            reason.contains("cloudformation-update-stack-passrole"),
            "{reason}"
        );
    }

    #[test]
    fn negative_stack_in_rollback_complete() {
        let e = case(
            &[update(None), pass_role("cfn-exec", CFN)],
            None,
            stacks(None, "ROLLBACK_COMPLETE"),
        );
        assert_none(&e);
    }

    /// `cloudformation:RoleArn` is the role passed: decided per role.
    #[test]
    fn role_arn_condition_names_the_role() {
        let on = |role: &str| {
            update(Some(
                json!({"ArnEquals": {"cloudformation:RoleArn": iam(&format!("role/{role}"))}}),
            ))
        };
        let e = case(
            &[on("cfn-exec"), pass_role("cfn-exec", CFN)],
            None,
            stacks(None, "UPDATE_COMPLETE"),
        );
        assert_act_as(&e, "cfn-exec", MECHANISM, false);
        let e = case(
            &[on("other"), pass_role("cfn-exec", CFN)],
            None,
            stacks(None, "UPDATE_COMPLETE"),
        );
        assert_none(&e);
    }

    /// The stack's own role needs no PassRole: only the row-5.7 edge.
    #[test]
    fn the_stacks_own_role_is_not_passed_again() {
        let e = case(
            &[update(None), pass_role("cfn-exec", CFN)],
            None,
            stacks(Some("role/cfn-exec"), "UPDATE_COMPLETE"),
        );
        assert_act_as(&e, "cfn-exec", ACTION, false);
    }
}

mod codebuild_update_project_passrole {
    use super::*;
    const CODEBUILD: &str = "codebuild.amazonaws.com";

    #[test]
    fn positive() {
        let e = case(
            &[
                allow(
                    &["codebuild:UpdateProject", "codebuild:StartBuild"],
                    &[&arn("codebuild", PROJECT)],
                ),
                pass_role("cb-admin", CODEBUILD),
            ],
            None,
            projects(),
        );
        // Its own role by StartBuild (5.13), and the passed one (4.25).
        assert_eq!(
            pivots(&e),
            [
                act_as(
                    "cb-admin",
                    "iam:PassRole+codebuild:UpdateProject+codebuild:StartBuild"
                ),
                act_as("cb-exec", "codebuild:StartBuild"),
            ],
            "{:#?}",
            e.edges
        );
    }

    /// The catalogue's twin: the update alone runs nothing.
    #[test]
    fn negative_without_a_build() {
        let e = case(
            &[
                allow(&["codebuild:UpdateProject"], &[&arn("codebuild", PROJECT)]),
                pass_role("cb-admin", CODEBUILD),
            ],
            None,
            projects(),
        );
        assert_none(&e);
    }

    #[test]
    fn negative_passed_to_another_service() {
        let e = case(
            &[
                allow(
                    &["codebuild:UpdateProject", "codebuild:StartBuildBatch"],
                    &[&arn("codebuild", PROJECT)],
                ),
                pass_role("cb-admin", "lambda.amazonaws.com"),
            ],
            None,
            projects(),
        );
        assert_eq!(
            pivots(&e),
            [act_as("cb-exec", "codebuild:StartBuildBatch")],
            "{:#?}",
            e.edges
        );
    }
}

mod sagemaker_update_user_profile_role {
    use super::*;
    const URL: &str = "sagemaker:CreatePresignedDomainUrl";

    fn grants() -> Vec<Value> {
        let alice = arn("sagemaker", &format!("user-profile/{DOMAIN}/alice"));
        vec![
            allow(&["sagemaker:UpdateUserProfile", URL], &[&alice]),
            pass_role("nb-exec", "sagemaker.amazonaws.com"),
        ]
    }

    #[test]
    fn positive() {
        let e = case(&grants(), None, studio(Some("IAM")));
        assert_eq!(
            pivots(&e),
            [
                act_as(
                    "nb-exec",
                    "iam:PassRole+sagemaker:UpdateUserProfile+sagemaker:CreatePresignedDomainUrl"
                ),
                act_as("studio-alice", URL),
            ],
            "{:#?}",
            e.edges
        );
    }

    /// The catalogue's twin: an SSO domain refuses presigned URLs.
    #[test]
    fn negative_sso_domain() {
        let e = case(&grants(), None, studio(Some("SSO")));
        assert_none(&e);
    }
}

mod ec2_associate_instance_profile {
    use super::*;
    const EC2: &str = "ec2.amazonaws.com";
    const REPLACE: &str = "ec2:ReplaceIamInstanceProfileAssociation";
    const SESSION: &str = "ssm:StartSession";

    fn on_instance(actions: &[&str]) -> Value {
        allow(actions, &[&arn("ec2", INSTANCE)])
    }

    /// A session on an instance running as `web`, and another profile's
    /// role put in its place.
    #[test]
    fn positive_replace() {
        let e = case(
            &[
                on_instance(&[REPLACE, SESSION]),
                pass_role("ec2-admin", EC2),
            ],
            None,
            instances("running"),
        );
        assert_eq!(
            pivots(&e),
            [
                act_as(
                    "ec2-admin",
                    "iam:PassRole+ec2:ReplaceIamInstanceProfileAssociation+ssm:StartSession"
                ),
                act_as("web", SESSION),
            ],
            "{:#?}",
            e.edges
        );
    }

    #[test]
    fn positive_associate_on_an_instance_without_a_profile() {
        let e = case(
            &[
                on_instance(&["ec2:AssociateIamInstanceProfile", SESSION]),
                pass_role("ec2-admin", EC2),
            ],
            None,
            bare_instance(),
        );
        let (reason, _) = assert_act_as(
            &e,
            "ec2-admin",
            "iam:PassRole+ec2:AssociateIamInstanceProfile+ssm:StartSession",
            false,
        );
        assert!(
            reason.contains("ec2-associate-instance-profile"),
            "{reason}"
        );
    }

    /// The catalogue's twin: no way to run code on the instance.
    #[test]
    fn negative_no_session() {
        let e = case(
            &[on_instance(&[REPLACE]), pass_role("ec2-admin", EC2)],
            None,
            instances("running"),
        );
        assert_none(&e);
    }

    /// A role that trusts EC2 but is in no instance profile cannot be put
    /// on an instance.
    #[test]
    fn negative_role_in_no_instance_profile() {
        let e = case(
            &[
                on_instance(&["ec2:AssociateIamInstanceProfile", SESSION]),
                pass_role("ec2-no-profile", EC2),
            ],
            None,
            bare_instance(),
        );
        assert_none(&e);
    }
}

/// Row 4.32: a new default execution role for the domain, then a presigned
/// URL for a profile that inherits it.
mod sagemaker_update_domain_role {
    use super::*;
    const URL: &str = "sagemaker:CreatePresignedDomainUrl";

    fn grants(profile: &str) -> Vec<Value> {
        vec![
            allow(
                &["sagemaker:UpdateDomain"],
                &[&arn("sagemaker", &format!("domain/{DOMAIN}"))],
            ),
            allow(
                &[URL],
                &[&arn(
                    "sagemaker",
                    &format!("user-profile/{DOMAIN}/{profile}"),
                )],
            ),
            pass_role("nb-exec", "sagemaker.amazonaws.com"),
        ]
    }

    /// `bob` has no role of his own: he runs as the domain's default.
    #[test]
    fn positive() {
        let e = case(&grants("bob"), None, studio(Some("IAM")));
        assert_eq!(
            pivots(&e),
            [
                act_as(
                    "nb-exec",
                    "iam:PassRole+sagemaker:UpdateDomain+sagemaker:CreatePresignedDomainUrl"
                ),
                act_as("studio-default", URL),
            ],
            "{:#?}",
            e.edges
        );
    }

    /// NT-pre: `alice` keeps her own role whatever the domain's default is.
    #[test]
    fn negative_a_profile_with_its_own_role() {
        let e = case(&grants("alice"), None, studio(Some("IAM")));
        assert_eq!(pivots(&e), [act_as("studio-alice", URL)], "{:#?}", e.edges);
    }
}

// ---------------------------------------------------------------------------
// Credentials: the credential report and list-access-keys (rows 2.1–2.4)
// ---------------------------------------------------------------------------

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in bytes.chunks(3) {
        let n = c
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= c.len() {
                s.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// A user (`team = web`) with no policies.
fn plain_user(name: &str) -> Value {
    json!({"UserName": name, "Arn": iam(&format!("user/{name}")), "Path": "/",
        "GroupList": [], "UserPolicyList": [], "AttachedManagedPolicies": []})
}

/// A credential-report row: (user, password, key 1 rotated / last used,
/// key 2 rotated). `None` dates print `N/A`.
type Row<'a> = (&'a str, bool, Option<(&'a str, &'a str)>, Option<&'a str>);

fn credential_report(rows: &[Row<'_>]) -> File {
    let mut csv = String::from(
        "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n",
    );
    csv.push_str(&format!(
        "<root_account>,arn:aws:iam::{A}:root,2020-01-01T00:00:00+00:00,not_supported,N/A,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
    ));
    for (user, password, k1, k2) in rows {
        let (k1_active, k1_rot, k1_used) = match k1 {
            Some((rot, used)) => ("true", *rot, *used),
            None => ("false", "N/A", "N/A"),
        };
        let (k2_active, k2_rot) = match k2 {
            Some(rot) => ("false", *rot),
            None => ("false", "N/A"),
        };
        csv.push_str(&format!(
            "{user},{},2023-01-01T00:00:00+00:00,{password},N/A,N/A,N/A,false,{k1_active},{k1_rot},{k1_used},us-east-1,s3,{k2_active},{k2_rot},N/A,N/A,N/A,false,N/A,false,N/A\n",
            iam(&format!("user/{user}"))
        ));
    }
    global(
        "iam/get-credential-report",
        json!({"Content": base64(csv.as_bytes()), "ReportFormat": "text/csv",
            "GeneratedTime": "2024-06-01T00:00:00+00:00"}),
    )
}

/// The report: `two-keys` (an active and an inactive key, a password),
/// `one-key` (one active key, no password), `no-keys` (neither).
fn report() -> File {
    credential_report(&[
        (
            "two-keys",
            true,
            Some(("2024-01-02T03:04:05+00:00", "2024-05-30T10:00:00+00:00")),
            Some("2024-02-01T00:00:00+00:00"),
        ),
        (
            "one-key",
            false,
            Some(("2024-03-01T08:00:00+00:00", "2024-05-31T09:00:00+00:00")),
            None,
        ),
        ("no-keys", false, None, None),
    ])
}

fn users() -> Vec<Value> {
    ["two-keys", "one-key", "no-keys"]
        .iter()
        .map(|u| plain_user(u))
        .collect()
}

/// The attacker with `grants` on every user, the users, and `extra` files.
fn takeover_case(actions: &[&str], extra: Vec<File>) -> Estate {
    let mut files = vec![global(
        "iam/get-account-authorization-details",
        auth_details(
            &[allow(actions, &[&iam("user/*")])][..usize::from(!actions.is_empty())],
            None,
            &users(),
        ),
    )];
    files.extend(extra);
    let e = ingest_files(&files);
    let errors: Vec<String> = e
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .filter(|d| d.starts_with("error"))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    e
}

/// The attacker's `can_act_as` edges to users: (user, mechanism, conditional).
fn user_edges(e: &Estate) -> Vec<(String, String, bool)> {
    let mut v: Vec<_> = pivots(e)
        .into_iter()
        .filter(|(_, to, ..)| to.contains(":user/"))
        .map(|(_, to, m, c)| (to.rsplit('/').next().unwrap().to_string(), m, c))
        .collect();
    v.sort();
    v
}

mod credential_report {
    use super::*;

    /// Key nodes (with creation and last use) and `authenticates_as` edges
    /// come from the report's active keys; `list-access-keys` replaces a
    /// user's report slots with the real key ids and keeps the report's
    /// last use, matched by creation time; an inactive key authenticates
    /// only conditionally.
    #[test]
    fn keys_are_nodes_with_dates_and_authenticate_as_their_user() {
        let listed = global(
            "iam/list-access-keys/one-key",
            json!({"AccessKeyMetadata": [
                {"UserName": "one-key", "AccessKeyId": "AKIAONEKEY0000000001", "Status": "Active",
                 "CreateDate": "2024-03-01T08:00:00+00:00"},
                {"UserName": "one-key", "AccessKeyId": "AKIAONEKEY0000000002", "Status": "Inactive",
                 "CreateDate": "2024-04-01T08:00:00+00:00"}]}),
        );
        let e = takeover_case(&[], vec![report(), listed]);
        let mut keys: Vec<(String, Option<String>, Option<String>)> = e
            .nodes
            .iter()
            .filter(|n| n.kind == "aws:access_key")
            .map(|n| {
                (
                    n.id.clone(),
                    n.attrs.created.clone(),
                    n.attrs.last_used.clone(),
                )
            })
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                (
                    iam("access-key/AKIAONEKEY0000000001"),
                    Some("2024-03-01T08:00:00+00:00".into()),
                    Some("2024-05-31T09:00:00+00:00".into())
                ),
                (
                    iam("access-key/AKIAONEKEY0000000002"),
                    Some("2024-04-01T08:00:00+00:00".into()),
                    None
                ),
                (
                    iam("user/two-keys/access-key-1"),
                    Some("2024-01-02T03:04:05+00:00".into()),
                    Some("2024-05-30T10:00:00+00:00".into())
                ),
            ]
        );
        let mut auth: Vec<(String, String, bool)> = e
            .edges
            .iter()
            .filter(|x| x.kind == EdgeKind::AuthenticatesAs)
            .map(|x| (x.from.clone(), x.to.clone(), x.conditional))
            .collect();
        auth.sort();
        assert_eq!(
            auth,
            [
                (
                    iam("access-key/AKIAONEKEY0000000001"),
                    iam("user/one-key"),
                    false
                ),
                (
                    iam("access-key/AKIAONEKEY0000000002"),
                    iam("user/one-key"),
                    true
                ),
                (
                    iam("user/two-keys/access-key-1"),
                    iam("user/two-keys"),
                    false
                ),
            ]
        );
    }

    /// `list-access-keys` names the user, not its ARN: a user with a path
    /// is found by name.
    #[test]
    fn listed_keys_of_a_user_with_a_path() {
        let mut user = plain_user("ops");
        user["Path"] = json!("/team/");
        user["Arn"] = json!(iam("user/team/ops"));
        let files = vec![
            global(
                "iam/get-account-authorization-details",
                auth_details(&[], None, &[user]),
            ),
            global(
                "iam/list-access-keys/ops",
                json!({"AccessKeyMetadata": [{"UserName": "ops", "AccessKeyId": "AKIAOPS0000000000001",
                    "Status": "Active", "CreateDate": "2024-03-01T08:00:00+00:00"}]}),
            ),
        ];
        let e = ingest_files(&files);
        assert!(
            e.diagnostics
                .iter()
                .all(|d| !d.to_string().starts_with("error")),
            "{:#?}",
            e.diagnostics
        );
        assert!(e.edges.iter().any(|x| x.kind == EdgeKind::AuthenticatesAs
            && x.from == iam("access-key/AKIAOPS0000000000001")
            && x.to == iam("user/team/ops")));
    }
}

mod create_access_key {
    use super::*;
    const ACTION: &str = "iam:CreateAccessKey";

    /// Row 2.1 with the report: firm for users with fewer than two keys
    /// (inactive keys count), nothing for the user with two.
    #[test]
    fn the_report_decides_the_two_key_limit() {
        let e = takeover_case(&[ACTION], vec![report()]);
        assert_eq!(
            user_edges(&e),
            [
                ("no-keys".into(), ACTION.into(), false),
                ("one-key".into(), ACTION.into(), false),
            ]
        );
    }

    /// Row 2.2: with `iam:DeleteAccessKey` the user with two keys is taken
    /// too, and the mechanism says a key is deleted first.
    #[test]
    fn two_keys_need_delete_access_key() {
        let e = takeover_case(&[ACTION, "iam:DeleteAccessKey"], vec![report()]);
        assert_eq!(
            user_edges(&e),
            [
                ("no-keys".into(), ACTION.into(), false),
                ("one-key".into(), ACTION.into(), false),
                (
                    "two-keys".into(),
                    "iam:CreateAccessKey+iam:DeleteAccessKey".into(),
                    false
                ),
            ]
        );
        let x = e
            .edges
            .iter()
            .find(|x| x.to == iam("user/two-keys") && x.kind == EdgeKind::CanActAs)
            .unwrap();
        assert!(
            x.provenance
                .reason
                .contains("the user has 2 access keys, the most it may have: one is deleted first"),
            "{}",
            x.provenance.reason
        );
    }

    /// `list-access-keys` lists every key and is newer than the report: it
    /// settles the count (here one key left of the report's two).
    #[test]
    fn list_access_keys_overrides_the_report() {
        let listed = global(
            "iam/list-access-keys/two-keys",
            json!({"AccessKeyMetadata": [{"UserName": "two-keys", "AccessKeyId": "AKIATWOKEYS000000001",
                "Status": "Active", "CreateDate": "2024-01-02T03:04:05+00:00"}]}),
        );
        let e = takeover_case(&[ACTION], vec![report(), listed]);
        assert!(
            user_edges(&e).contains(&("two-keys".into(), ACTION.into(), false)),
            "{:?}",
            user_edges(&e)
        );
    }

    /// Without the report the state is unknown: conditional.
    #[test]
    fn without_the_report_it_is_conditional() {
        let e = takeover_case(&[ACTION], vec![]);
        assert_eq!(
            user_edges(&e),
            [
                ("no-keys".into(), ACTION.into(), true),
                ("one-key".into(), ACTION.into(), true),
                ("two-keys".into(), ACTION.into(), true),
            ]
        );
    }
}

mod login_profile {
    use super::*;

    /// Row 2.3: `CreateLoginProfile` works on users without a password.
    #[test]
    fn create_login_profile_needs_no_password() {
        let e = takeover_case(&["iam:CreateLoginProfile"], vec![report()]);
        assert_eq!(
            user_edges(&e),
            [
                ("no-keys".into(), "iam:CreateLoginProfile".into(), false),
                ("one-key".into(), "iam:CreateLoginProfile".into(), false),
            ]
        );
    }

    /// Row 2.4: `UpdateLoginProfile` works on users with a password.
    #[test]
    fn update_login_profile_needs_a_password() {
        let e = takeover_case(&["iam:UpdateLoginProfile"], vec![report()]);
        assert_eq!(
            user_edges(&e),
            [("two-keys".into(), "iam:UpdateLoginProfile".into(), false)]
        );
    }

    /// Deleting the password first makes room for a new one.
    #[test]
    fn create_after_delete_login_profile() {
        let e = takeover_case(
            &["iam:CreateLoginProfile", "iam:DeleteLoginProfile"],
            vec![report()],
        );
        assert!(
            user_edges(&e).contains(&(
                "two-keys".into(),
                "iam:CreateLoginProfile+iam:DeleteLoginProfile".into(),
                false
            )),
            "{:?}",
            user_edges(&e)
        );
    }

    /// Regression: the first allowed write to a user was emitted even when
    /// conditional, hiding a firm one checked later (`--strict` lost the
    /// path). Without the report `CreateAccessKey` is conditional, while
    /// both login-profile actions together are firm.
    #[test]
    fn a_conditional_write_does_not_hide_a_firm_one_to_the_same_user() {
        let e = takeover_case(
            &[
                "iam:CreateAccessKey",
                "iam:CreateLoginProfile",
                "iam:UpdateLoginProfile",
            ],
            vec![],
        );
        assert!(
            user_edges(&e).contains(&("one-key".into(), "iam:CreateLoginProfile".into(), false)),
            "{:?}",
            user_edges(&e)
        );
    }
}

// ---------------------------------------------------------------------------
// Missing inventory is not "no resource" (issue 11, item 4)
// ---------------------------------------------------------------------------

mod unseen_inventory {
    use super::*;

    /// The attacker's `can_act_as` edges: (to, mechanism, conditional, condition).
    fn act_as_all(e: &Estate) -> Vec<(String, String, bool, String)> {
        let mut v: Vec<_> = e
            .edges
            .iter()
            .filter(|x| x.from == iam("user/attacker") && x.kind == EdgeKind::CanActAs)
            .map(|x| {
                (
                    x.to.clone(),
                    x.mechanism.clone().unwrap_or_default(),
                    x.conditional,
                    x.condition.clone().unwrap_or_default(),
                )
            })
            .collect();
        v.sort();
        v
    }

    /// The node standing for the resources not collected, and the roles it
    /// may run as: (to, conditional, condition).
    fn unseen(e: &Estate, inventory: &str) -> Vec<(String, bool, String)> {
        let node = format!("aws:account/{A}/unseen/{inventory}");
        let mut v: Vec<_> = e
            .edges
            .iter()
            .filter(|x| x.from == node && x.kind == EdgeKind::CanActAs)
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

    /// A lone authorization-details file: any Lambda function may exist, and
    /// may run as any role that trusts Lambda. The attacker reaches the
    /// account's "any Lambda function" node, which reaches each such role;
    /// conditional, naming the inventory that would decide it.
    #[test]
    fn lambda_functions_not_collected_are_possible() {
        let e = case(
            &[allow(&["lambda:UpdateFunctionCode"], "*")],
            None,
            Vec::new(),
        );
        let node = format!("aws:account/{A}/unseen/lambda/list-functions");
        assert_eq!(
            act_as_all(&e),
            [(
                node,
                "lambda:UpdateFunctionCode".to_string(),
                true,
                "needs an existing Lambda function: lambda/list-functions was not collected"
                    .to_string()
            )]
        );
        let got = unseen(&e, "lambda/list-functions");
        let roles: Vec<&str> = got.iter().map(|(to, ..)| to.as_str()).collect();
        assert_eq!(roles, [iam("role/fn-admin"), iam("role/fn-exec")]);
        for (to, conditional, condition) in &got {
            assert!(conditional);
            let role = to.rsplit(':').next().unwrap_or_default();
            assert_eq!(
                condition,
                &format!(
                    "needs an existing Lambda function that runs as {role}: lambda/list-functions was not collected"
                )
            );
        }
    }

    /// Negative twin: the inventory was collected and lists one function,
    /// run as role/fn-exec: that decides, and role/fn-admin is not reached.
    #[test]
    fn collected_functions_decide() {
        let e = case(
            &[allow(&["lambda:UpdateFunctionCode"], "*")],
            None,
            functions(),
        );
        let got = act_as_all(&e);
        assert_eq!(got.len(), 1, "{got:#?}");
        assert_eq!(got[0].0, iam("role/fn-exec"));
        assert!(!got[0].3.starts_with("needs an existing"), "{got:#?}");
    }

    /// EC2: a session on any instance reaches the roles in an instance
    /// profile (role/web, role/ec2-admin), not a role without one.
    #[test]
    fn instances_not_collected_reach_roles_in_instance_profiles() {
        let e = case(&[allow(&["ssm:StartSession"], "*")], None, Vec::new());
        let got = act_as_all(&e);
        assert_eq!(got.len(), 1, "{got:#?}");
        assert_eq!(
            got[0].0,
            format!("aws:account/{A}/unseen/ec2/describe-instances")
        );
        let got = unseen(&e, "ec2/describe-instances");
        let roles: Vec<&str> = got.iter().map(|(to, ..)| to.as_str()).collect();
        assert_eq!(roles, [iam("role/ec2-admin"), iam("role/web")]);
        assert!(got.iter().all(|(_, conditional, c)| *conditional
            && c.ends_with("ec2/describe-instances was not collected")));
    }

    /// Negative twin: no permission on the resources, no edge.
    #[test]
    fn no_permission_no_edge() {
        let e = case(&[allow(&["s3:GetObject"], "*")], None, Vec::new());
        assert_eq!(act_as_all(&e), []);
    }
}

// ---------------------------------------------------------------------------
// Issue 11 item 7: launch templates (row 5.30) and Batch job queues
// ---------------------------------------------------------------------------

/// Row 5.30 (pathfinding.cloud ec2-005, formerly ec2-004): a new version of
/// a launch template whose data names an instance profile runs the
/// attacker's user data as the profile's role when an Auto Scaling group or
/// fleet launches from it. Which groups use the template is not read, so
/// the edge is conditional; `ec2:ModifyLaunchTemplate` also makes the new
/// version the default (mechanism with both actions).
mod ec2_launch_template_new_default_version {
    use super::*;
    const CREATE: &str = "ec2:CreateLaunchTemplateVersion";
    const MODIFY: &str = "ec2:ModifyLaunchTemplate";
    const ID: &str = "lt-0123456789abcdef0";

    fn template_arn() -> String {
        arn("ec2", &format!("launch-template/{ID}"))
    }

    /// `describe-launch-template-versions --versions '$Default' '$Latest'`:
    /// one record per (version, profile) given.
    fn versions(list: &[(u32, bool, Option<Value>)]) -> Vec<File> {
        let records: Vec<Value> = list
            .iter()
            .map(|(n, default, profile)| {
                let mut data = json!({"InstanceType": "t3.micro"});
                if let Some(p) = profile {
                    data["IamInstanceProfile"] = p.clone();
                }
                json!({"LaunchTemplateId": ID, "LaunchTemplateName": "web", "VersionNumber": n,
                    "DefaultVersion": default, "LaunchTemplateData": data})
            })
            .collect();
        vec![regional(
            "ec2/describe-launch-template-versions",
            json!({ "LaunchTemplateVersions": records }),
        )]
    }

    fn by_arn(profile: &str) -> Option<Value> {
        Some(json!({"Arn": iam(&format!("instance-profile/{profile}"))}))
    }

    #[test]
    fn positive() {
        let e = case(
            &[allow(&[CREATE, MODIFY], &[&template_arn()])],
            None,
            versions(&[(1, true, by_arn("web-profile"))]),
        );
        let (reason, condition) = assert_act_as(&e, "web", &format!("{CREATE}+{MODIFY}"), true);
        assert!(reason.contains("ec2 launch template web"), "{reason}");
        assert_eq!(
            condition,
            "the new version runs only when an Auto Scaling group or EC2 fleet launches an instance from launch template web at its $Latest version, or at $Default once ec2:ModifyLaunchTemplate makes it the default; autoscaling/describe-auto-scaling-groups is not read"
        );
        assert!(
            e.nodes
                .iter()
                .any(|n| n.id == template_arn() && n.kind == "aws:ec2_launch_template")
        );
    }

    /// A group that launches `$Latest` needs no new default: the version
    /// alone is the edge (still conditional).
    #[test]
    fn positive_without_modify_for_groups_on_latest() {
        let e = case(
            &[allow(&[CREATE], "*")],
            None,
            versions(&[(1, true, by_arn("web-profile"))]),
        );
        assert_act_as(&e, "web", CREATE, true);
    }

    /// The profile may be given by name (at path `/`), and the default
    /// version's profile is the template's.
    #[test]
    fn default_version_profile_by_name() {
        let e = case(
            &[allow(&[CREATE, MODIFY], "*")],
            None,
            versions(&[
                (4, false, by_arn("web-profile")),
                (2, true, Some(json!({"Name": "admin-profile"}))),
            ]),
        );
        assert_act_as(&e, "ec2-admin", &format!("{CREATE}+{MODIFY}"), true);
    }

    /// NT-pre (the catalogue's twin): a template without an instance
    /// profile runs as no role.
    #[test]
    fn negative_template_without_instance_profile() {
        let e = case(
            &[allow(&[CREATE, MODIFY], "*")],
            None,
            versions(&[(1, true, None)]),
        );
        assert_none(&e);
        assert!(e.nodes.iter().any(|n| n.id == template_arn()));
    }

    #[test]
    fn negative_deny_in_another_policy() {
        let e = case(
            &[allow(&[CREATE, MODIFY], "*")],
            Some(Twin::Deny(CREATE)),
            versions(&[(1, true, by_arn("web-profile"))]),
        );
        assert_none(&e);
    }

    /// NT-res: the grant names another template.
    #[test]
    fn negative_grant_on_another_template() {
        let e = case(
            &[allow(
                &[CREATE, MODIFY],
                &[&arn("ec2", "launch-template/lt-other")],
            )],
            None,
            versions(&[(1, true, by_arn("web-profile"))]),
        );
        assert_none(&e);
    }
}

/// `batch/describe-job-queues`: the job queues are targets (row 4.43 does
/// not read them yet, its caveat says so).
mod batch_job_queues {
    use super::*;

    fn queues(records: Value) -> Vec<File> {
        vec![regional(
            "batch/describe-job-queues",
            json!({ "jobQueues": records }),
        )]
    }

    #[test]
    fn job_queues_are_read() {
        let e = case(
            &[],
            None,
            queues(
                json!([{"jobQueueName": "jobs", "jobQueueArn": arn("batch", "job-queue/jobs"),
                "state": "ENABLED", "status": "VALID"}]),
            ),
        );
        let node = e
            .nodes
            .iter()
            .find(|n| n.id == arn("batch", "job-queue/jobs"))
            .unwrap();
        assert_eq!(node.kind, "aws:batch_job_queue");
        assert_eq!(node.attrs.tags.get("aws:state").unwrap(), "ENABLED");
        let notes: Vec<String> = e.diagnostics.iter().map(ToString::to_string).collect();
        assert!(
            !notes
                .iter()
                .any(|d| d.contains("batch/describe-job-queues")),
            "{notes:#?}"
        );
    }

    /// Negative twin: a record without its name is an error naming the
    /// place; the other record is kept.
    #[test]
    fn a_queue_without_a_name_is_reported_and_the_others_kept() {
        let mut files = vec![global(
            "iam/get-account-authorization-details",
            auth_details(&[], None, &[]),
        )];
        files.extend(queues(json!([{"jobQueueArn": arn("batch", "job-queue/x")},
            {"jobQueueName": "jobs"}])));
        let e = ingest_files(&files);
        let errors: Vec<String> = e
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .filter(|d| d.starts_with("error"))
            .collect();
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(errors[0].contains("$.jobQueues[0]"), "{errors:#?}");
        assert!(
            e.nodes
                .iter()
                .any(|n| n.id == arn("batch", "job-queue/jobs"))
        );
    }
}
