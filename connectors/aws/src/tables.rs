//! Every method table of the connector in one place: the family-4 rows
//! (PassRole to new compute, on EC2 through an instance profile, and their
//! caveats) and the probes of existing resources (what each kind of target
//! gives to whom, and with which actions). The rules that read them are in
//! `methods.rs`, `pass_role.rs` and `access.rs`; the rows are documented in
//! `docs/aws-escalation-methods.md`.

use blastgraph_model::{AccessLevel, Class};

pub(crate) const EC2: &str = "ec2.amazonaws.com";
pub(crate) const PASS: &str = "iam:PassRole";
pub(crate) const AUTOSCALING: &str = "autoscaling.amazonaws.com";
/// The row whose actions give a role a new instance profile.
pub(crate) const NEW_PROFILE_ID: &str = "iam-add-role-to-instance-profile";
pub(crate) const NEW_PROFILE: [&str; 2] =
    ["iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile"];

/// A family-4 row whose new compute runs on EC2 with the passed role's
/// instance profile.
#[derive(Debug, Clone, Copy)]
pub struct InstanceProfileMethod {
    /// The row id in `docs/aws-escalation-methods.md`.
    pub id: &'static str,
    /// The service actions the caller needs (on resources it names).
    pub actions: &'static [&'static str],
    /// The `iam:PassedToService` values under which the role is passed.
    /// With several, the value is uncertain: each is evaluated, and a
    /// difference between them makes the edge conditional.
    pub passed_to: &'static [&'static str],
    /// Needs the Auto Scaling service-linked role, or the right to create it.
    pub autoscaling_slr: bool,
    /// Also passes a service role that trusts this service (Data Pipeline's
    /// pipeline role), with `iam:PassedToService` = this service.
    pub service_role: Option<&'static str>,
    /// Why the row is conditional whatever the policies say.
    pub caveat: Option<&'static str>,
    /// The caveat does not hold for an account that has an IAM identity
    /// created before this date (ISO 8601): the account is older.
    pub caveat_unless_account_before: Option<&'static str>,
    /// A fact the reason tells without making the edge conditional.
    pub note: Option<&'static str>,
}

/// Family-4 rows that run code as a role through its instance profile, in
/// order of preference. The role must trust `ec2.amazonaws.com`.
pub const INSTANCE_PROFILE_METHODS: &[InstanceProfileMethod] = &[
    InstanceProfileMethod {
        id: "ec2-run-instances",
        actions: &["ec2:RunInstances"],
        passed_to: &[EC2],
        autoscaling_slr: false,
        service_role: None,
        caveat: None,
        caveat_unless_account_before: None,
        note: None,
    },
    InstanceProfileMethod {
        id: "ec2-request-spot-instances",
        // pathfinding.cloud ec2-004 (formerly ec2-003; tested in its labs): RequestSpotInstances
        // alone; restricting ec2:RunInstances does not stop it.
        actions: &["ec2:RequestSpotInstances"],
        passed_to: &[EC2],
        autoscaling_slr: false,
        service_role: None,
        caveat: None,
        caveat_unless_account_before: None,
        note: None,
    },
    // Includes ec2:RunInstances (AWS checks it for groups that use launch
    // templates), so `ec2-run-instances` is preferred whenever this row
    // holds: the row documents the method, its edge is never the one chosen.
    InstanceProfileMethod {
        id: "autoscaling-launch-template",
        actions: &[
            "ec2:CreateLaunchTemplate",
            "autoscaling:CreateAutoScalingGroup",
            "ec2:RunInstances",
        ],
        passed_to: &[EC2],
        autoscaling_slr: true,
        service_role: None,
        caveat: None,
        caveat_unless_account_before: None,
        note: None,
    },
    InstanceProfileMethod {
        id: "autoscaling-create-launch-configuration",
        actions: &[
            "autoscaling:CreateLaunchConfiguration",
            "autoscaling:CreateAutoScalingGroup",
        ],
        passed_to: &[EC2],
        autoscaling_slr: true,
        service_role: None,
        caveat: Some(
            "accounts created since 2024-10-01 cannot create launch configurations, and no IAM identity of this account is older than that: the account's creation date would decide it",
        ),
        caveat_unless_account_before: Some("2024-10-01T00:00:00Z"),
        note: None,
    },
    InstanceProfileMethod {
        id: "datapipeline-create-pipeline",
        actions: &[
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
            "datapipeline:ActivatePipeline",
        ],
        passed_to: &["datapipeline.amazonaws.com", EC2],
        autoscaling_slr: false,
        service_role: Some("datapipeline.amazonaws.com"),
        caveat: None,
        caveat_unless_account_before: None,
        note: Some(
            "AWS Data Pipeline is closed to new customers since 2023-07-25: accounts that already use it",
        ),
    },
    // Row 4.50 (pathfinding.cloud emr-001): a new cluster whose instances
    // run as the role (steps or bootstrap actions run the attacker's code).
    // AWS's managed policy passes the instance role with
    // `iam:PassedToService` = `ec2.amazonaws.com*` and the service role
    // with `elasticmapreduce.amazonaws.com*`.
    InstanceProfileMethod {
        id: "emr-run-job-flow",
        actions: &["elasticmapreduce:RunJobFlow"],
        passed_to: &[EC2],
        autoscaling_slr: false,
        service_role: Some("elasticmapreduce.amazonaws.com"),
        caveat: None,
        caveat_unless_account_before: None,
        note: None,
    },
    // Row 4.54 (pathfinding.cloud imagebuilder-001): the build instance runs
    // the attacker's component as the role of the infrastructure
    // configuration's instance profile.
    InstanceProfileMethod {
        id: "imagebuilder-create-image",
        actions: &[
            "imagebuilder:CreateComponent",
            "imagebuilder:CreateImageRecipe",
            "imagebuilder:CreateInfrastructureConfiguration",
            "imagebuilder:CreateImage",
        ],
        passed_to: &[EC2],
        autoscaling_slr: false,
        service_role: None,
        // Decided by `Facts::imagebuilder_ready`: the service-linked role
        // (or creating it) and the role's SSM agent permissions.
        caveat: None,
        caveat_unless_account_before: None,
        note: None,
    },
];

/// A row of [`PASS_ROLE_METHODS`](crate::PASS_ROLE_METHODS) that needs
/// something beyond its actions: conditional with `reason`, unless the
/// caller may also do every one of `decided_by` (then it can make what is
/// needed itself). Rows that an inventory decides when collected (ECS
/// clusters, Batch job queues, the S3 bucket of
/// `kinesisanalytics-create-application`, the SQS queue of
/// `lambda-create-function-event-source`) give the reason for when it was
/// not.
pub struct PassRoleCaveat {
    /// The row id.
    pub id: &'static str,
    /// What would decide it.
    pub reason: &'static str,
    /// Actions that, all allowed, make the row firm; empty when only an
    /// inventory the layout does not hold would.
    pub decided_by: &'static [&'static str],
}

/// The rows with a caveat.
pub const PASS_ROLE_CAVEATS: &[PassRoleCaveat] = &[
    PassRoleCaveat {
        id: "lambda-create-function-event-source",
        reason: "needs an event source the role can read: no new SQS queue the attacker may create and send to (sqs:CreateQueue, sqs:SendMessage) is one the role may read (sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes), and sqs/list-queues was not collected",
        decided_by: &[],
    },
    PassRoleCaveat {
        id: "ecs-register-task-definition-run-task",
        reason: "needs an existing ECS cluster; ecs/list-clusters was not collected",
        decided_by: &[],
    },
    PassRoleCaveat {
        id: "ecs-register-task-definition-start-task",
        reason: "needs an ECS cluster with a registered EC2 container instance: ecs/list-container-instances was not collected",
        decided_by: &[],
    },
    PassRoleCaveat {
        id: "ecs-register-task-definition-create-service",
        reason: "needs an existing ECS cluster; ecs/list-clusters was not collected",
        decided_by: &[],
    },
    PassRoleCaveat {
        id: "bedrock-agentcore-create-runtime",
        reason: "needs a container image in Amazon ECR that the attacker controls: pushing one (ecr:CreateRepository, ecr:GetAuthorizationToken, layer upload, ecr:PutImage) is not allowed, and ECR is not read",
        decided_by: &[
            "ecr:CreateRepository",
            "ecr:GetAuthorizationToken",
            "ecr:InitiateLayerUpload",
            "ecr:UploadLayerPart",
            "ecr:CompleteLayerUpload",
            "ecr:PutImage",
        ],
    },
    PassRoleCaveat {
        id: "batch-register-job-definition-submit-job",
        reason: "needs an existing AWS Batch job queue with a compute environment: batch/describe-job-queues was not collected (creating both is row batch-create-compute-environment-pipeline)",
        decided_by: &[],
    },
    PassRoleCaveat {
        id: "batch-create-compute-environment-pipeline",
        reason: "needs the AWS Batch service-linked role (AWSServiceRoleForBatch), which is not in the authorization details and which the first compute environment creates only with iam:CreateServiceLinkedRole",
        decided_by: &["iam:CreateServiceLinkedRole"],
    },
    PassRoleCaveat {
        id: "kinesisanalytics-create-application",
        reason: "the application's code is a JAR in Amazon S3 that the role must read (s3:GetObject) and the attacker write (s3:PutObject): no new bucket the attacker may create (s3:CreateBucket) is one the role may read, and s3/list-buckets was not collected",
        decided_by: &[],
    },
    PassRoleCaveat {
        id: "omics-start-run",
        reason: "needs a container image in a private Amazon ECR repository of the region that HealthOmics may pull, and, the tasks having no Internet access, a bucket the role may write (s3:PutObject) and the attacker may read (s3:GetObject) to take the credentials out; ECR and the role's S3 access are not checked",
        decided_by: &[],
    },
    PassRoleCaveat {
        id: "amplify-create-app",
        reason: "needs a source repository the build checks out and the attacker can push to: the lab's CodeCommit path also needs codecommit:GitPush, GitPull, GetRepository, GetRepositoryTriggers and PutRepositoryTriggers on it, sns:CreateTopic and sns:Subscribe, and codecommit:GitPull for the role; repositories are not read, and whether an external Git provider with the attacker's own token avoids these is unverified",
        decided_by: &[],
    },
];

/// A row of [`PASS_ROLE_METHODS`](crate::PASS_ROLE_METHODS) whose role
/// trusts another service principal than the `iam:PassedToService` value
/// it is passed under, or whose `iam:PassedToService` value is uncertain.
pub struct PassRoleService {
    /// The row id.
    pub id: &'static str,
    /// The service principal the role's trust policy must let in.
    pub trust: &'static str,
    /// The `iam:PassedToService` values under which the role may be passed.
    /// With several, the value is uncertain: each is evaluated, and
    /// PassRole allowed under one but not another makes the edge
    /// conditional (as [`InstanceProfileMethod::passed_to`]).
    pub passed_to: &'static [&'static str],
}

/// The rows whose trust or `iam:PassedToService` differs from their
/// service in [`PASS_ROLE_METHODS`](crate::PASS_ROLE_METHODS).
pub const PASS_ROLE_SERVICES: &[PassRoleService] = &[
    // App Runner's instance role trusts the tasks principal; PassRole is
    // checked for the service (AWS's managed policy and pathfinding.cloud
    // apprunner-001 condition it on `apprunner.amazonaws.com`).
    PassRoleService {
        id: "apprunner-create-service",
        trust: "tasks.apprunner.amazonaws.com",
        passed_to: &["apprunner.amazonaws.com"],
    },
    // A Batch job role runs as an ECS task, so it trusts `ecs-tasks`; the
    // sources disagree on the PassedToService value (batch-001 recommends
    // `batch.amazonaws.com`, batch-003 `ecs-tasks.amazonaws.com`).
    PassRoleService {
        id: "batch-register-job-definition-submit-job",
        trust: "ecs-tasks.amazonaws.com",
        passed_to: &["batch.amazonaws.com", "ecs-tasks.amazonaws.com"],
    },
    PassRoleService {
        id: "batch-create-compute-environment-pipeline",
        trust: "ecs-tasks.amazonaws.com",
        passed_to: &["batch.amazonaws.com", "ecs-tasks.amazonaws.com"],
    },
];

/// The service a row's role must trust and the `iam:PassedToService`
/// values it is passed under: [`PASS_ROLE_SERVICES`], else the row's
/// service for both.
pub(crate) fn pass_role_service(
    row: &'static (&'static str, &'static str, &'static [&'static str]),
) -> (&'static str, &'static [&'static str]) {
    match PASS_ROLE_SERVICES.iter().find(|s| s.id == row.0) {
        Some(s) => (s.trust, s.passed_to),
        None => (row.1, std::slice::from_ref(&row.1)),
    }
}

/// PassRole to a new compute resource (family 4 of
/// docs/aws-escalation-methods.md): (id, the service the role is passed to and
/// that the role must trust, the service actions the attacker needs); a row
/// in [`PASS_ROLE_SERVICES`] names another trust or more than one
/// `iam:PassedToService` value.
/// A row with alternative actions appears once per alternative, under the
/// same id. Rows that run on EC2 are in [`INSTANCE_PROFILE_METHODS`]; rows
/// that need an existing resource are probes of its inventory
/// (`inventory::PassExisting`).
pub const PASS_ROLE_METHODS: &[(&str, &str, &[&str])] = &[
    (
        "lambda-create-function-invoke",
        "lambda.amazonaws.com",
        &["lambda:CreateFunction", "lambda:InvokeFunction"],
    ),
    (
        "lambda-create-function-event-source",
        "lambda.amazonaws.com",
        &["lambda:CreateFunction", "lambda:CreateEventSourceMapping"],
    ),
    (
        "glue-create-dev-endpoint",
        "glue.amazonaws.com",
        &["glue:CreateDevEndpoint"],
    ),
    (
        "glue-create-job-start-run",
        "glue.amazonaws.com",
        &["glue:CreateJob", "glue:StartJobRun"],
    ),
    (
        "glue-create-job-trigger",
        "glue.amazonaws.com",
        &["glue:CreateJob", "glue:CreateTrigger"],
    ),
    (
        "glue-create-session-run-statement",
        "glue.amazonaws.com",
        &["glue:CreateSession", "glue:RunStatement"],
    ),
    (
        "cloudformation-create-stack",
        "cloudformation.amazonaws.com",
        &["cloudformation:CreateStack"],
    ),
    // A change set of type CREATE needs no existing stack.
    (
        "cloudformation-change-set-passrole",
        "cloudformation.amazonaws.com",
        &[
            "cloudformation:CreateChangeSet",
            "cloudformation:ExecuteChangeSet",
        ],
    ),
    (
        "codebuild-create-project-start-build",
        "codebuild.amazonaws.com",
        &["codebuild:CreateProject", "codebuild:StartBuild"],
    ),
    (
        "codebuild-create-project-start-build-batch",
        "codebuild.amazonaws.com",
        &["codebuild:CreateProject", "codebuild:StartBuildBatch"],
    ),
    (
        "sagemaker-create-notebook-instance",
        "sagemaker.amazonaws.com",
        &[
            "sagemaker:CreateNotebookInstance",
            "sagemaker:CreatePresignedNotebookInstanceUrl",
        ],
    ),
    (
        "sagemaker-create-notebook-instance",
        "sagemaker.amazonaws.com",
        &[
            "sagemaker:CreateNotebookInstance",
            "sagemaker:CreateNotebookInstanceLifecycleConfig",
        ],
    ),
    (
        "sagemaker-create-training-job",
        "sagemaker.amazonaws.com",
        &["sagemaker:CreateTrainingJob"],
    ),
    (
        "sagemaker-create-processing-job",
        "sagemaker.amazonaws.com",
        &["sagemaker:CreateProcessingJob"],
    ),
    (
        "sagemaker-create-hyperparameter-tuning-job",
        "sagemaker.amazonaws.com",
        &["sagemaker:CreateHyperParameterTuningJob"],
    ),
    (
        "bedrock-agentcore-create-code-interpreter",
        "bedrock-agentcore.amazonaws.com",
        &[
            "bedrock-agentcore:CreateCodeInterpreter",
            "bedrock-agentcore:StartCodeInterpreterSession",
            "bedrock-agentcore:InvokeCodeInterpreter",
        ],
    ),
    (
        "bedrock-agentcore-create-browser",
        "bedrock-agentcore.amazonaws.com",
        &[
            "bedrock-agentcore:CreateBrowser",
            "bedrock-agentcore:StartBrowserSession",
            "bedrock-agentcore:ConnectBrowserAutomationStream",
        ],
    ),
    (
        "bedrock-agentcore-create-runtime",
        "bedrock-agentcore.amazonaws.com",
        &[
            "bedrock-agentcore:CreateAgentRuntime",
            "bedrock-agentcore:CreateAgentRuntimeEndpoint",
            "bedrock-agentcore:CreateWorkloadIdentity",
            "bedrock-agentcore:InvokeAgentRuntimeCommand",
        ],
    ),
    (
        "ecs-register-task-definition-run-task",
        "ecs-tasks.amazonaws.com",
        &["ecs:RegisterTaskDefinition", "ecs:RunTask"],
    ),
    (
        "ecs-register-task-definition-start-task",
        "ecs-tasks.amazonaws.com",
        &["ecs:RegisterTaskDefinition", "ecs:StartTask"],
    ),
    (
        "ecs-register-task-definition-create-service",
        "ecs-tasks.amazonaws.com",
        &["ecs:RegisterTaskDefinition", "ecs:CreateService"],
    ),
    (
        "ecs-create-cluster-run-task",
        "ecs-tasks.amazonaws.com",
        &[
            "ecs:CreateCluster",
            "ecs:RegisterTaskDefinition",
            "ecs:RunTask",
        ],
    ),
    (
        "ecs-create-cluster-create-service",
        "ecs-tasks.amazonaws.com",
        &[
            "ecs:CreateCluster",
            "ecs:RegisterTaskDefinition",
            "ecs:CreateService",
        ],
    ),
    (
        "emr-serverless-start-job-run",
        "emr-serverless.amazonaws.com",
        &[
            "emr-serverless:CreateApplication",
            "emr-serverless:StartJobRun",
        ],
    ),
    (
        "braket-create-job",
        "braket.amazonaws.com",
        &["braket:CreateJob"],
    ),
    (
        "ssm-create-automation-document",
        "ssm.amazonaws.com",
        &["ssm:CreateDocument", "ssm:StartAutomationExecution"],
    ),
    // Row 4.58 (codestar-create-project) is decided, not an edge: AWS
    // CodeStar was discontinued on 2024-07-31 and creates no projects.
    (
        "stepfunctions-create-state-machine",
        "states.amazonaws.com",
        &["states:CreateStateMachine", "states:StartExecution"],
    ),
    (
        "stepfunctions-create-state-machine",
        "states.amazonaws.com",
        &["states:CreateStateMachine", "states:StartSyncExecution"],
    ),
    (
        "stepfunctions-test-state",
        "states.amazonaws.com",
        &["states:TestState"],
    ),
    (
        "scheduler-create-schedule",
        "scheduler.amazonaws.com",
        &["scheduler:CreateSchedule"],
    ),
    // Row 4.10: the attacker lets an account it owns invoke the function.
    (
        "lambda-create-function-add-permission",
        "lambda.amazonaws.com",
        &["lambda:CreateFunction", "lambda:AddPermission"],
    ),
    // Row 4.11: a function URL, called with IAM auth, or made public.
    (
        "lambda-create-function-url",
        "lambda.amazonaws.com",
        &[
            "lambda:CreateFunction",
            "lambda:CreateFunctionUrlConfig",
            "lambda:InvokeFunctionUrl",
        ],
    ),
    (
        "lambda-create-function-url",
        "lambda.amazonaws.com",
        &[
            "lambda:CreateFunction",
            "lambda:CreateFunctionUrlConfig",
            "lambda:AddPermission",
        ],
    ),
    // Row 4.52: a GameLift fleet runs the attacker's build as the role.
    (
        "gamelift-create-fleet",
        "gamelift.amazonaws.com",
        &[
            "gamelift:CreateBuild",
            "gamelift:RequestUploadCredentials",
            "gamelift:CreateFleet",
        ],
    ),
    // Row 3.8: a trust anchor for the attacker's CA and a profile for the
    // role; the trust's conditions on the certificate's subject are the
    // attacker's to meet.
    (
        "rolesanywhere-trust-anchor",
        "rolesanywhere.amazonaws.com",
        &[
            "rolesanywhere:CreateTrustAnchor",
            "rolesanywhere:CreateProfile",
        ],
    ),
    // Row 4.21: the stack set runs as the passed administration role, which
    // only assumes the execution role of each target account: the edge goes
    // to the administration role, and its `can_assume` edges to those
    // execution roles carry the reach.
    (
        "cloudformation-create-stack-set",
        "cloudformation.amazonaws.com",
        &[
            "cloudformation:CreateStackSet",
            "cloudformation:CreateStackInstances",
        ],
    ),
    // Rows 4.44 and 4.43: a job definition with the role as its job role,
    // on a compute environment and queue the attacker creates, or on an
    // existing queue (PASS_ROLE_SERVICES: trust and PassedToService). The
    // pipeline comes first: when both hold conditionally, its caveat (the
    // service-linked role) is the one the caller may lift.
    (
        "batch-create-compute-environment-pipeline",
        "batch.amazonaws.com",
        &[
            "batch:CreateComputeEnvironment",
            "batch:CreateJobQueue",
            "batch:RegisterJobDefinition",
            "batch:SubmitJob",
        ],
    ),
    (
        "batch-register-job-definition-submit-job",
        "batch.amazonaws.com",
        &["batch:RegisterJobDefinition", "batch:SubmitJob"],
    ),
    // Row 4.45: a public image with a start command the attacker writes runs
    // as the instance role (PASS_ROLE_SERVICES: it trusts the tasks principal).
    (
        "apprunner-create-service",
        "apprunner.amazonaws.com",
        &["apprunner:CreateService"],
    ),
    // Row 4.55: a Managed Apache Flink application (the v2 API keeps the
    // `kinesisanalytics` action namespace).
    (
        "kinesisanalytics-create-application",
        "kinesisanalytics.amazonaws.com",
        &[
            "kinesisanalytics:CreateApplication",
            "kinesisanalytics:StartApplication",
        ],
    ),
    // Row 4.56: a HealthOmics workflow run.
    (
        "omics-start-run",
        "omics.amazonaws.com",
        &["omics:CreateWorkflow", "omics:StartRun"],
    ),
    // Row 4.65: an Amplify app whose build runs as its service role.
    (
        "amplify-create-app",
        "amplify.amazonaws.com",
        &[
            "amplify:CreateApp",
            "amplify:CreateBranch",
            "amplify:StartJob",
        ],
    ),
];

/// What a probe of a target gives when allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gives {
    /// An `access` edge at this level.
    Access(AccessLevel),
    /// A `can_read_secret` edge (also needs `kms:Decrypt` on a customer key).
    ReadSecret,
    /// Runs code as the resource's execution role: `can_act_as` that role.
    /// The second action, when given, is also needed (or, for `Trigger`,
    /// makes the edge unconditional when allowed).
    ActAs(Also),
    /// Points the existing resource at another role the caller passes
    /// (`iam:PassRole`): `can_act_as` every role it may pass to the service.
    PassTo(&'static PassExisting),
}

/// A family-4 row that needs an existing resource: the probe action
/// (`cloudformation:UpdateStack`, `codebuild:UpdateProject`, ...) gives the
/// resource a new role, which then runs the caller's code.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct PassExisting {
    /// The row id of docs/aws-escalation-methods.md.
    pub row: &'static str,
    /// The service the role is passed to (`iam:PassedToService`) and must trust.
    pub service: &'static str,
    /// One of these, on the same resource, runs the code (none: the probe
    /// action does).
    pub then: &'static [&'static str],
    /// The probe request's condition key that names the passed role.
    pub role_key: Option<&'static str>,
    /// The role goes in through an instance profile it must already be in.
    pub in_profile: bool,
    /// Actions on a new resource the attacker names (a Glue trigger), all
    /// needed too.
    pub new: &'static [&'static str],
    /// Actions on the same resource, all needed too (new code for it).
    pub needs: &'static [&'static str],
}

pub(crate) const CFN_UPDATE_STACK_PASSROLE: PassExisting = PassExisting {
    row: "cloudformation-update-stack-passrole",
    service: "cloudformation.amazonaws.com",
    then: &[],
    role_key: Some("cloudformation:RoleArn"),
    in_profile: false,
    new: &[],
    needs: &[],
};
pub(crate) const CODEBUILD_UPDATE_PROJECT_PASSROLE: PassExisting = PassExisting {
    row: "codebuild-update-project-passrole",
    service: "codebuild.amazonaws.com",
    then: &["codebuild:StartBuild", "codebuild:StartBuildBatch"],
    role_key: None,
    in_profile: false,
    new: &[],
    needs: &[],
};
pub(crate) const SAGEMAKER_UPDATE_USER_PROFILE_ROLE: PassExisting = PassExisting {
    row: "sagemaker-update-user-profile-role",
    service: "sagemaker.amazonaws.com",
    then: &["sagemaker:CreatePresignedDomainUrl"],
    role_key: None,
    in_profile: false,
    new: &[],
    needs: &[],
};
/// Row 4.3: another instance profile on an instance the caller has a
/// session on (a new profile replaces the current one; an instance without
/// one takes it by association): one spec for both probes.
pub(crate) const EC2_INSTANCE_PROFILE: PassExisting = PassExisting {
    row: "ec2-associate-instance-profile",
    service: "ec2.amazonaws.com",
    then: EC2_SESSIONS,
    role_key: None,
    in_profile: true,
    new: &[],
    needs: &[],
};
/// The ways to run code on an instance that need no document (row 4.3).
pub(crate) const EC2_SESSIONS: &[&str] =
    &["ssm:StartSession", "ec2-instance-connect:SendSSHPublicKey"];

/// A second requirement of an [`Gives::ActAs`] probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Also {
    /// Nothing else.
    Nothing,
    /// This action on the same resource is needed too.
    Needs(&'static str),
    /// Every one of these actions on the same resource is needed too.
    All(&'static [&'static str]),
    /// These on the same resource, and these on a new resource the attacker
    /// names (a lifecycle configuration), are needed too.
    AllAndNew(&'static [&'static str], &'static [&'static str]),
    /// This action runs the code now; without it the code runs when the
    /// resource's own trigger fires, so the edge is conditional.
    Trigger(&'static str),
    /// `ssm:SendCommand` also needs the command document.
    Document(&'static str),
}

/// Which resource string a probe is evaluated on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum On {
    /// The resource's ARN.
    Arn,
    /// The ARN with a suffix (`/*`: any object of the bucket; the literal
    /// `*` is a valid key name, so the request is a real one).
    Suffix(&'static str),
    /// The resource's second ARN (`rds-db:` user, agent alias, ...).
    Alt,
}

/// One request that, when allowed, gives something on a target.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Probe {
    pub gives: Gives,
    pub action: &'static str,
    pub on: On,
}

pub(crate) const fn p(gives: Gives, action: &'static str, on: On) -> Probe {
    Probe { gives, action, on }
}

use AccessLevel::{Admin, Execute, Invoke, Read, Write};
use Gives::{Access, ActAs, PassTo, ReadSecret};

/// A kind of target: node kind, class and probes.
#[derive(Debug)]
pub(crate) struct Spec {
    pub kind: &'static str,
    pub class: Class,
    /// The inventory it comes from, for "missing" reports.
    pub inventory: &'static str,
    pub probes: &'static [Probe],
}

pub(crate) const S3_BUCKET: Spec = Spec {
    kind: "aws:s3_bucket",
    class: Class::Dataset,
    inventory: "s3/list-buckets",
    probes: &[
        p(Access(Read), "s3:GetObject", On::Suffix("/*")),
        p(Access(Write), "s3:PutObject", On::Suffix("/*")),
        p(Access(Admin), "s3:PutBucketPolicy", On::Arn),
    ],
};
pub(crate) const DYNAMODB_TABLE: Spec = Spec {
    kind: "aws:dynamodb_table",
    class: Class::Dataset,
    inventory: "dynamodb/list-tables",
    probes: &[
        p(Access(Read), "dynamodb:GetItem", On::Arn),
        p(Access(Write), "dynamodb:PutItem", On::Arn),
        p(Access(Admin), "dynamodb:PutResourcePolicy", On::Arn),
    ],
};
pub(crate) const RDS_INSTANCE: Spec = Spec {
    kind: "aws:rds_instance",
    class: Class::Dataset,
    inventory: "rds/describe-db-instances",
    probes: &[
        p(Access(Read), "rds-db:connect", On::Alt),
        p(Access(Admin), "rds:ModifyDBInstance", On::Arn),
    ],
};
pub(crate) const RDS_CLUSTER: Spec = Spec {
    kind: "aws:rds_cluster",
    class: Class::Dataset,
    inventory: "rds/describe-db-clusters",
    probes: &[
        p(Access(Read), "rds-db:connect", On::Alt),
        p(Access(Admin), "rds:ModifyDBCluster", On::Arn),
    ],
};
pub(crate) const REDSHIFT_CLUSTER: Spec = Spec {
    kind: "aws:redshift_cluster",
    class: Class::Dataset,
    inventory: "redshift/describe-clusters",
    probes: &[
        p(Access(Read), "redshift:GetClusterCredentials", On::Alt),
        p(Access(Admin), "redshift:ModifyCluster", On::Arn),
    ],
};
pub(crate) const OPENSEARCH_DOMAIN: Spec = Spec {
    kind: "aws:opensearch_domain",
    class: Class::Dataset,
    inventory: "opensearch/describe-domains",
    probes: &[
        p(Access(Read), "es:ESHttpGet", On::Suffix("/*")),
        p(Access(Write), "es:ESHttpPut", On::Suffix("/*")),
        p(Access(Admin), "es:UpdateDomainConfig", On::Arn),
    ],
};
pub(crate) const SQS_QUEUE: Spec = Spec {
    kind: "aws:sqs_queue",
    class: Class::Dataset,
    inventory: "sqs/list-queues",
    probes: &[
        p(Access(Read), "sqs:ReceiveMessage", On::Arn),
        p(Access(Write), "sqs:SendMessage", On::Arn),
        p(Access(Admin), "sqs:SetQueueAttributes", On::Arn),
    ],
};
pub(crate) const SNS_TOPIC: Spec = Spec {
    kind: "aws:sns_topic",
    class: Class::Tool,
    inventory: "sns/list-topics",
    probes: &[
        p(Access(Invoke), "sns:Publish", On::Arn),
        p(Access(Admin), "sns:SetTopicAttributes", On::Arn),
    ],
};
pub(crate) const LAMBDA_FUNCTION: Spec = Spec {
    kind: "aws:lambda_function",
    class: Class::Tool,
    inventory: "lambda/list-functions",
    probes: &[
        p(Access(Invoke), "lambda:InvokeFunction", On::Arn),
        p(Access(Write), "lambda:UpdateFunctionCode", On::Arn),
        p(Access(Admin), "lambda:AddPermission", On::Arn),
        p(
            ActAs(Also::Trigger("lambda:InvokeFunction")),
            "lambda:UpdateFunctionCode",
            On::Arn,
        ),
        // The attacker lets itself invoke the function it rewrote (row 5.3).
        p(
            ActAs(Also::All(&["lambda:AddPermission"])),
            "lambda:UpdateFunctionCode",
            On::Arn,
        ),
        p(
            PassTo(&LAMBDA_UPDATE_FUNCTION_ROLE),
            "lambda:UpdateFunctionConfiguration",
            On::Arn,
        ),
        // A new handler, layer or environment (`AWS_LAMBDA_EXEC_WRAPPER`)
        // runs the attacker's code as the role, like new code (row 5.4).
        p(
            ActAs(Also::Trigger("lambda:InvokeFunction")),
            "lambda:UpdateFunctionConfiguration",
            On::Arn,
        ),
    ],
};
/// Row 5.5: the function gets another role, new code, and a run.
pub(crate) const LAMBDA_UPDATE_FUNCTION_ROLE: PassExisting = PassExisting {
    row: "lambda-update-function-configuration-role",
    service: "lambda.amazonaws.com",
    then: &["lambda:InvokeFunction"],
    role_key: None,
    in_profile: false,
    new: &[],
    needs: &["lambda:UpdateFunctionCode"],
};
pub(crate) const SAGEMAKER_ENDPOINT: Spec = Spec {
    kind: "aws:sagemaker_endpoint",
    class: Class::Model,
    inventory: "sagemaker/list-endpoints",
    probes: &[
        p(Access(Invoke), "sagemaker:InvokeEndpoint", On::Arn),
        p(Access(Write), "sagemaker:UpdateEndpoint", On::Arn),
    ],
};
pub(crate) const SAGEMAKER_MODEL: Spec = Spec {
    kind: "aws:sagemaker_model",
    class: Class::Model,
    inventory: "sagemaker/list-models",
    probes: &[
        p(Access(Read), "sagemaker:DescribeModel", On::Arn),
        p(Access(Write), "sagemaker:DeleteModel", On::Arn),
    ],
};
pub(crate) const SAGEMAKER_NOTEBOOK: Spec = Spec {
    kind: "aws:sagemaker_notebook",
    class: Class::Tool,
    inventory: "sagemaker/list-notebook-instances",
    probes: &[
        p(
            Access(Execute),
            "sagemaker:CreatePresignedNotebookInstanceUrl",
            On::Arn,
        ),
        p(
            ActAs(Also::Nothing),
            "sagemaker:CreatePresignedNotebookInstanceUrl",
            On::Arn,
        ),
        // Row 5.19: a lifecycle configuration runs at the next start.
        p(
            ActAs(Also::AllAndNew(
                &[
                    "sagemaker:StopNotebookInstance",
                    "sagemaker:StartNotebookInstance",
                ],
                &[LIFECYCLE_CONFIG],
            )),
            "sagemaker:UpdateNotebookInstance",
            On::Arn,
        ),
    ],
};
/// Creates the lifecycle configuration of row 5.19.
pub(crate) const LIFECYCLE_CONFIG: &str = "sagemaker:CreateNotebookInstanceLifecycleConfig";
/// A notebook instance that is not running (`Stopped`, `Stopping`,
/// `Updating`): the presigned URL works once it is started, so the
/// caller also needs `sagemaker:StartNotebookInstance` (row 5.18).
pub(crate) const SAGEMAKER_NOTEBOOK_STOPPED: Spec = Spec {
    kind: "aws:sagemaker_notebook",
    class: Class::Tool,
    inventory: "sagemaker/list-notebook-instances",
    probes: &[
        p(
            Access(Execute),
            "sagemaker:CreatePresignedNotebookInstanceUrl",
            On::Arn,
        ),
        p(
            ActAs(Also::Needs("sagemaker:StartNotebookInstance")),
            "sagemaker:CreatePresignedNotebookInstanceUrl",
            On::Arn,
        ),
        p(
            ActAs(Also::AllAndNew(
                &["sagemaker:StartNotebookInstance"],
                &[LIFECYCLE_CONFIG],
            )),
            "sagemaker:UpdateNotebookInstance",
            On::Arn,
        ),
    ],
};
/// A notebook instance that runs nothing (`Failed`, `Deleting`).
pub(crate) const SAGEMAKER_NOTEBOOK_DEAD: Spec = Spec {
    kind: "aws:sagemaker_notebook",
    class: Class::Tool,
    inventory: "sagemaker/list-notebook-instances",
    probes: &[],
};
/// A SageMaker Studio domain: the container of its user profiles.
pub(crate) const SAGEMAKER_DOMAIN: Spec = Spec {
    kind: "aws:sagemaker_domain",
    class: Class::Tool,
    inventory: "sagemaker/list-domains",
    probes: &[],
};
/// A Studio user profile: a presigned domain URL opens Studio as the
/// profile's execution role (row 5.20, IAM-authenticated domains only).
/// A profile without a role of its own runs as its domain's default,
/// which `sagemaker:UpdateDomain` replaces (row 4.32): its second ARN is
/// then the domain's, and only such profiles have one.
pub(crate) const SAGEMAKER_USER_PROFILE: Spec = Spec {
    kind: "aws:sagemaker_user_profile",
    class: Class::Tool,
    inventory: "sagemaker/list-domains",
    probes: &[
        p(
            Access(Execute),
            "sagemaker:CreatePresignedDomainUrl",
            On::Arn,
        ),
        p(
            ActAs(Also::Nothing),
            "sagemaker:CreatePresignedDomainUrl",
            On::Arn,
        ),
        p(
            PassTo(&SAGEMAKER_UPDATE_USER_PROFILE_ROLE),
            "sagemaker:UpdateUserProfile",
            On::Arn,
        ),
        p(
            PassTo(&SAGEMAKER_UPDATE_DOMAIN_ROLE),
            "sagemaker:UpdateDomain",
            On::Alt,
        ),
    ],
};
pub(crate) const SAGEMAKER_UPDATE_DOMAIN_ROLE: PassExisting = PassExisting {
    row: "sagemaker-update-domain-role",
    service: "sagemaker.amazonaws.com",
    then: &["sagemaker:CreatePresignedDomainUrl"],
    role_key: None,
    in_profile: false,
    new: &[],
    needs: &[],
};
/// A user profile of a domain that does not use IAM authentication (SSO):
/// presigned domain URLs are refused.
pub(crate) const SAGEMAKER_USER_PROFILE_SSO: Spec = Spec {
    kind: "aws:sagemaker_user_profile",
    class: Class::Tool,
    inventory: "sagemaker/list-domains",
    probes: &[],
};
pub(crate) const BEDROCK_FOUNDATION_MODEL: Spec = Spec {
    kind: "aws:bedrock_foundation_model",
    class: Class::Model,
    inventory: "bedrock/list-foundation-models",
    probes: &[p(Access(Invoke), "bedrock:InvokeModel", On::Arn)],
};
pub(crate) const BEDROCK_CUSTOM_MODEL: Spec = Spec {
    kind: "aws:bedrock_custom_model",
    class: Class::Model,
    inventory: "bedrock/list-custom-models",
    probes: &[
        p(Access(Invoke), "bedrock:InvokeModel", On::Arn),
        p(Access(Read), "bedrock:GetCustomModel", On::Arn),
        p(Access(Write), "bedrock:DeleteCustomModel", On::Arn),
    ],
};
pub(crate) const BEDROCK_KNOWLEDGE_BASE: Spec = Spec {
    kind: "aws:bedrock_knowledge_base",
    class: Class::Model,
    inventory: "bedrock-agent/list-knowledge-bases",
    probes: &[
        p(Access(Read), "bedrock:Retrieve", On::Arn),
        p(Access(Invoke), "bedrock:RetrieveAndGenerate", On::Arn),
    ],
};
pub(crate) const BEDROCK_AGENT: Spec = Spec {
    kind: "aws:bedrock_agent",
    class: Class::Tool,
    inventory: "bedrock-agent/list-agents",
    probes: &[
        p(Access(Invoke), "bedrock:InvokeAgent", On::Alt),
        p(Access(Write), "bedrock:UpdateAgent", On::Arn),
    ],
};
pub(crate) const BEDROCK_ACTION_GROUP: Spec = Spec {
    kind: "aws:bedrock_action_group",
    class: Class::Tool,
    inventory: "bedrock-agent/list-agents",
    // Evaluated on the agent: invoking the agent runs its action groups.
    probes: &[
        p(Access(Invoke), "bedrock:InvokeAgent", On::Alt),
        p(Access(Write), "bedrock:UpdateAgentActionGroup", On::Arn),
    ],
};
pub(crate) const SECRET: Spec = Spec {
    kind: "aws:secretsmanager_secret",
    class: Class::Secret,
    inventory: "secretsmanager/list-secrets",
    probes: &[
        p(ReadSecret, "secretsmanager:GetSecretValue", On::Arn),
        p(Access(Write), "secretsmanager:PutSecretValue", On::Arn),
        p(Access(Admin), "secretsmanager:PutResourcePolicy", On::Arn),
    ],
};
pub(crate) const SSM_SECURE_STRING: Spec = Spec {
    kind: "aws:ssm_parameter",
    class: Class::Secret,
    inventory: "ssm/describe-parameters",
    probes: &[
        p(ReadSecret, "ssm:GetParameter", On::Arn),
        p(Access(Write), "ssm:PutParameter", On::Arn),
    ],
};
pub(crate) const EC2_INSTANCE: Spec = Spec {
    kind: "aws:ec2_instance",
    class: Class::Tool,
    inventory: "ec2/describe-instances",
    probes: &[
        p(
            ActAs(Also::Document("arn:aws:ssm:*::document/AWS-RunShellScript")),
            "ssm:SendCommand",
            On::Arn,
        ),
        p(ActAs(Also::Nothing), "ssm:StartSession", On::Arn),
        p(
            ActAs(Also::Nothing),
            "ec2-instance-connect:SendSSHPublicKey",
            On::Arn,
        ),
        p(Access(Execute), "ssm:StartSession", On::Arn),
        // A State Manager association runs the shell document (row 5.24).
        p(
            ActAs(Also::Document("arn:aws:ssm:*::document/AWS-RunShellScript")),
            "ssm:CreateAssociation",
            On::Arn,
        ),
        // New user data runs at the next boot (row 5.29).
        p(
            ActAs(Also::All(&["ec2:StopInstances", "ec2:StartInstances"])),
            "ec2:ModifyInstanceAttribute",
            On::Arn,
        ),
        p(
            PassTo(&EC2_INSTANCE_PROFILE),
            "ec2:ReplaceIamInstanceProfileAssociation",
            On::Arn,
        ),
    ],
};
/// An instance without an instance profile: a session runs as no role, but
/// one can be associated (row 4.3).
pub(crate) const EC2_INSTANCE_BARE: Spec = Spec {
    kind: "aws:ec2_instance",
    class: Class::Tool,
    inventory: "ec2/describe-instances",
    probes: &[
        p(Access(Execute), "ssm:StartSession", On::Arn),
        p(
            PassTo(&EC2_INSTANCE_PROFILE),
            "ec2:AssociateIamInstanceProfile",
            On::Arn,
        ),
    ],
};
/// An instance that is gone or going (`terminated`, `shutting-down`).
pub(crate) const EC2_INSTANCE_TERMINATED: Spec = Spec {
    kind: "aws:ec2_instance",
    class: Class::Tool,
    inventory: "ec2/describe-instances",
    probes: &[],
};
pub(crate) const GLUE_DEV_ENDPOINT: Spec = Spec {
    kind: "aws:glue_dev_endpoint",
    class: Class::Tool,
    inventory: "glue/get-dev-endpoints",
    probes: &[p(ActAs(Also::Nothing), "glue:UpdateDevEndpoint", On::Arn)],
};
/// A Glue job: a new script runs as the job's role on the next run (row
/// 5.12), or a new role goes with it (row 4.15).
pub(crate) const GLUE_JOB: Spec = Spec {
    kind: "aws:glue_job",
    class: Class::Tool,
    inventory: "glue/get-jobs",
    probes: &[
        p(Access(Execute), "glue:StartJobRun", On::Arn),
        p(
            ActAs(Also::Trigger("glue:StartJobRun")),
            "glue:UpdateJob",
            On::Arn,
        ),
        // Or a new trigger runs it.
        p(
            ActAs(Also::AllAndNew(&[], &["glue:CreateTrigger"])),
            "glue:UpdateJob",
            On::Arn,
        ),
        p(PassTo(&GLUE_UPDATE_JOB_PASSROLE), "glue:UpdateJob", On::Arn),
        p(
            PassTo(&GLUE_UPDATE_JOB_PASSROLE_TRIGGER),
            "glue:UpdateJob",
            On::Arn,
        ),
    ],
};
pub(crate) const GLUE_UPDATE_JOB_PASSROLE: PassExisting = PassExisting {
    row: "glue-update-job-passrole-start-run",
    service: "glue.amazonaws.com",
    then: &["glue:StartJobRun"],
    role_key: None,
    in_profile: false,
    new: &[],
    needs: &[],
};
/// Row 4.16: the job gets another role, and a new trigger runs it.
pub(crate) const GLUE_UPDATE_JOB_PASSROLE_TRIGGER: PassExisting = PassExisting {
    row: "glue-update-job-passrole-trigger",
    service: "glue.amazonaws.com",
    then: &[],
    role_key: None,
    in_profile: false,
    new: &["glue:CreateTrigger"],
    needs: &[],
};
pub(crate) const CFN_STACK: Spec = Spec {
    kind: "aws:cloudformation_stack",
    class: Class::Tool,
    inventory: "cloudformation/describe-stacks",
    probes: &[
        p(ActAs(Also::Nothing), "cloudformation:UpdateStack", On::Arn),
        p(
            ActAs(Also::Needs("cloudformation:ExecuteChangeSet")),
            "cloudformation:CreateChangeSet",
            On::Arn,
        ),
        p(Access(Write), "cloudformation:UpdateStack", On::Arn),
        p(
            PassTo(&CFN_UPDATE_STACK_PASSROLE),
            "cloudformation:UpdateStack",
            On::Arn,
        ),
    ],
};
/// A stack that can only be deleted (failed creation, deletion under way):
/// it takes no update or change set.
pub(crate) const CFN_STACK_DEAD: Spec = Spec {
    kind: "aws:cloudformation_stack",
    class: Class::Tool,
    inventory: "cloudformation/describe-stacks",
    probes: &[p(Access(Write), "cloudformation:DeleteStack", On::Arn)],
};
pub(crate) const CODEBUILD_PROJECT: Spec = Spec {
    kind: "aws:codebuild_project",
    class: Class::Tool,
    inventory: "codebuild/batch-get-projects",
    probes: &[
        p(ActAs(Also::Nothing), "codebuild:StartBuild", On::Arn),
        p(ActAs(Also::Nothing), "codebuild:StartBuildBatch", On::Arn),
        p(Access(Execute), "codebuild:StartBuild", On::Arn),
        p(
            PassTo(&CODEBUILD_UPDATE_PROJECT_PASSROLE),
            "codebuild:UpdateProject",
            On::Arn,
        ),
    ],
};

/// An EC2 launch template whose `$Default` or `$Latest` version names an
/// instance profile: a new version with the attacker's user data runs as
/// its role when an Auto Scaling group or fleet launches from it (row 5.30,
/// pathfinding.cloud ec2-005). Which groups use it is not read, so every
/// edge is conditional (the resource's caveat). With
/// `ec2:ModifyLaunchTemplate` the new version also becomes the default; the
/// second probe, when allowed, replaces the first's edge (same action).
///
/// Not in [`SPECS`]: the embedded demo estate has no
/// `ec2/describe-launch-template-versions` file, and every kind there is
/// reported missing for each account without its file.
pub(crate) const EC2_LAUNCH_TEMPLATE: Spec = Spec {
    kind: "aws:ec2_launch_template",
    class: Class::Tool,
    inventory: "ec2/describe-launch-template-versions",
    probes: &[
        p(
            ActAs(Also::Nothing),
            "ec2:CreateLaunchTemplateVersion",
            On::Arn,
        ),
        p(
            ActAs(Also::Needs("ec2:ModifyLaunchTemplate")),
            "ec2:CreateLaunchTemplateVersion",
            On::Arn,
        ),
    ],
};
/// An AWS Batch job queue (`batch/describe-job-queues`): a target of its
/// own; row 4.43 does not read the queues yet (its caveat says so).
/// Not in [`SPECS`], as [`EC2_LAUNCH_TEMPLATE`].
pub(crate) const BATCH_JOB_QUEUE: Spec = Spec {
    kind: "aws:batch_job_queue",
    class: Class::Tool,
    inventory: "batch/describe-job-queues",
    probes: &[],
};

/// The inventory of each ECS cluster's registered EC2 container instances.
pub(crate) const ECS_CONTAINER_INSTANCES: &str = "ecs/list-container-instances";

/// The inventory that says which Lambda functions a stream or queue invokes.
pub(crate) const EVENT_SOURCE_MAPPINGS: &str = "lambda/list-event-source-mappings";

/// Every kind of target, for the "missing inventory" report and the tests.
pub(crate) const SPECS: &[&Spec] = &[
    &S3_BUCKET,
    &DYNAMODB_TABLE,
    &RDS_INSTANCE,
    &RDS_CLUSTER,
    &REDSHIFT_CLUSTER,
    &OPENSEARCH_DOMAIN,
    &SQS_QUEUE,
    &SNS_TOPIC,
    &LAMBDA_FUNCTION,
    &SAGEMAKER_ENDPOINT,
    &SAGEMAKER_MODEL,
    &SAGEMAKER_NOTEBOOK,
    &SAGEMAKER_NOTEBOOK_STOPPED,
    &SAGEMAKER_NOTEBOOK_DEAD,
    &SAGEMAKER_DOMAIN,
    &SAGEMAKER_USER_PROFILE,
    &SAGEMAKER_USER_PROFILE_SSO,
    &BEDROCK_FOUNDATION_MODEL,
    &BEDROCK_CUSTOM_MODEL,
    &BEDROCK_KNOWLEDGE_BASE,
    &BEDROCK_AGENT,
    &BEDROCK_ACTION_GROUP,
    &SECRET,
    &SSM_SECURE_STRING,
    &EC2_INSTANCE,
    &EC2_INSTANCE_BARE,
    &EC2_INSTANCE_TERMINATED,
    &GLUE_DEV_ENDPOINT,
    &GLUE_JOB,
    &CFN_STACK,
    &CFN_STACK_DEAD,
    &CODEBUILD_PROJECT,
];
