#!/usr/bin/env python3
"""Writes the AWS part of the demo estate as a raw snapshot (docs/aws-raw-layout.md).

The files are what `blastgraph collect aws` (or the AWS CLI) would write for
the fictional Acme AI estate: two accounts of one organization. Run from this
folder; the output replaces ./aws. Re-run after changing the estate, then
`cargo test` (the CLI embeds every file listed in src/demo_files.rs, and a
test checks that list against this folder).
"""
import json, os, shutil

PROD, LAKE, MGMT = "111122223333", "444455556666", "999900001111"
R = "us-east-1"
OUT = "aws"
OIDC = f"arn:aws:iam::{PROD}:oidc-provider/token.actions.githubusercontent.com"


def w(path, obj):
    path = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def doc(*stmts):
    return {"Version": "2012-10-17", "Statement": list(stmts)}


def allow(action, resource, sid=None, **kw):
    s = {"Effect": "Allow", "Action": action, "Resource": resource}
    if sid:
        s = {"Sid": sid, **s}
    s.update(kw)
    return s


def tags(d):
    return [{"Key": k, "Value": v} for k, v in d.items()]


def role(acct, name, trust, inline=None, managed=(), created="2024-01-01T00:00:00+00:00",
         last_used=None, tag=None):
    return {
        "Path": "/", "RoleName": name, "RoleId": "AROA" + name.upper().replace("-", "")[:16],
        "Arn": f"arn:aws:iam::{acct}:role/{name}", "CreateDate": created,
        "AssumeRolePolicyDocument": trust, "InstanceProfileList": [],
        "RolePolicyList": [{"PolicyName": n, "PolicyDocument": d} for n, d in (inline or {}).items()],
        "AttachedManagedPolicies": [{"PolicyName": m.rsplit("/", 1)[1], "PolicyArn": m} for m in managed],
        "Tags": tags(tag or {}),
        "RoleLastUsed": {"LastUsedDate": last_used, "Region": R} if last_used else {},
    }


def user(acct, name, inline=None, groups=(), created="2023-01-01T00:00:00+00:00", tag=None):
    return {
        "Path": "/", "UserName": name, "UserId": "AIDA" + name.upper().replace("-", "")[:16],
        "Arn": f"arn:aws:iam::{acct}:user/{name}", "CreateDate": created,
        "UserPolicyList": [{"PolicyName": n, "PolicyDocument": d} for n, d in (inline or {}).items()],
        "GroupList": list(groups), "AttachedManagedPolicies": [], "Tags": tags(tag or {}),
    }


def group(acct, name, inline):
    return {
        "Path": "/", "GroupName": name, "GroupId": "AGPA" + name.upper().replace("-", "")[:16],
        "Arn": f"arn:aws:iam::{acct}:group/{name}", "CreateDate": "2023-06-01T00:00:00+00:00",
        "GroupPolicyList": [{"PolicyName": n, "PolicyDocument": d} for n, d in inline.items()],
        "AttachedManagedPolicies": [],
    }


ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
admin_policy = {
    "PolicyName": "AdministratorAccess", "PolicyId": "ANPAIWMBCKSKIEE64ZLYK",
    "Arn": ADMIN, "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 1,
    "PermissionsBoundaryUsageCount": 0, "IsAttachable": True,
    "CreateDate": "2015-02-06T18:39:46+00:00", "UpdateDate": "2015-02-06T18:39:46+00:00",
    "PolicyVersionList": [{"Document": doc(allow("*", "*")), "VersionId": "v1",
                           "IsDefaultVersion": True, "CreateDate": "2015-02-06T18:39:46+00:00"}],
}

fn = lambda name: f"arn:aws:lambda:{R}:{PROD}:function:{name}"
# A secret's ARN ends in six random characters AWS appends to its name;
# policies match it with `-??????` (as AWS's documentation advises), and the
# graph names the secret without them (ids::aws_secret).
SUFFIX = {"prod/azure-sp-ml-ops": "Qw3rTy", "prod/legacy-etl-key": "x9Lm2P"}
secret = lambda name: f"arn:aws:secretsmanager:{R}:{PROD}:secret:{name}-{SUFFIX[name]}"
secret_pattern = lambda name: f"arn:aws:secretsmanager:{R}:{PROD}:secret:{name}-??????"
endpoint = f"arn:aws:sagemaker:{R}:{PROD}:endpoint/support-llm"
claude = f"arn:aws:bedrock:{R}::foundation-model/anthropic.claude-sonnet"

if os.path.isdir(OUT):
    shutil.rmtree(OUT)

# --- prod-ml account -------------------------------------------------------
users = [
    user(PROD, "alice", {"assume-platform-admin": doc(allow("sts:AssumeRole", f"arn:aws:iam::{PROD}:role/platform-admin"))},
         groups=["ml-engineers"], created="2023-09-01T00:00:00+00:00",
         tag={"blastgraph:class": "human", "owner": "alice@acme.ai"}),
    user(PROD, "legacy-etl", {"legacy-etl": doc(
        allow("s3:PutObject", "arn:aws:s3:::acme-customer-pii/*", "NightlyExport"),
        allow("iam:UpdateAssumeRolePolicy", f"arn:aws:iam::{PROD}:role/platform-admin", "OldBreakGlass"))},
         created="2022-04-03T00:00:00+00:00", tag={"note": "scheduled for retirement", "owner": "data-eng"}),
]
groups = [group(PROD, "ml-engineers", {"ml-engineers": doc(
    allow("s3:*", ["arn:aws:s3:::acme-training-data", "arn:aws:s3:::acme-training-data/*"], "TrainingDataOwners"),
    allow("sagemaker:InvokeEndpoint", endpoint, "TryTheModel"))})]
roles = [
    role(PROD, "github-deployer",
         doc({"Effect": "Allow", "Principal": {"Federated": OIDC}, "Action": "sts:AssumeRoleWithWebIdentity",
              "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                                             "token.actions.githubusercontent.com:sub": "repo:acme-ai/ml-infra:ref:refs/heads/main"}}}),
         {"deploy": doc(
             allow("iam:PassRole", f"arn:aws:iam::{PROD}:role/sagemaker-training", "PassTrainingRole",
                   Condition={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}),
             allow("sagemaker:CreateTrainingJob", "*", "StartTraining"),
             allow("lambda:UpdateFunctionCode", [fn("refund-tool"), fn("crm-lookup-tool")], "DeployAgentTools"),
             allow("secretsmanager:GetSecretValue", secret_pattern("prod/azure-sp-ml-ops"), "ReadAzureDeployCredential"),
             allow("s3:PutObject", "arn:aws:s3:::acme-model-artifacts/*", "PublishArtifacts"))},
         created="2024-02-11T09:12:00+00:00", last_used="2026-11-23T17:40:00+00:00",
         tag={"managed-by": "terraform", "owner": "platform", "environment": "prod"}),
    role(PROD, "sagemaker-training",
         doc({"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}),
         {"training": doc(
             allow("s3:GetObject", "arn:aws:s3:::acme-training-data/*", "ReadTrainingData"),
             allow("s3:PutObject", "arn:aws:s3:::acme-model-artifacts/*", "WriteArtifacts"),
             allow("sts:AssumeRole", f"arn:aws:iam::{LAKE}:role/data-lake-reader", "ReadTheLake"))},
         created="2024-03-02T10:00:00+00:00", last_used="2026-11-24T01:10:00+00:00", tag={"owner": "ml-platform"}),
    role(PROD, "feature-pipeline",
         doc({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}),
         {"features": doc(
             allow("dynamodb:PutItem", f"arn:aws:dynamodb:{R}:{PROD}:table/feature-store", "WriteFeatures"),
             allow("s3:GetObject", "arn:aws:s3:::acme-customer-pii/*", "ReadCustomers"),
             allow("secretsmanager:GetSecretValue", secret_pattern("prod/legacy-etl-key"), "LegacyExportKey"),
             allow("kms:Decrypt", f"arn:aws:kms:{R}:{PROD}:key/5e1c9a77-demo", "LegacyExportKeyDecrypt"))},
         created="2024-05-20T08:00:00+00:00", last_used="2026-11-24T02:00:00+00:00", tag={"owner": "data-eng"}),
    role(PROD, "inference-endpoint",
         doc({"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}),
         {"serve": doc(
             allow("s3:GetObject", "arn:aws:s3:::acme-model-artifacts/*", "LoadModel"),
             allow("sagemaker:InvokeEndpoint", endpoint, "Serve"))},
         created="2024-06-01T12:00:00+00:00", tag={"owner": "ml-platform"}),
    role(PROD, "support-agent-runtime",
         doc({"Effect": "Allow", "Principal": {"Service": ["bedrock.amazonaws.com", "lambda.amazonaws.com"]}, "Action": "sts:AssumeRole"}),
         {"agent": doc(
             allow("lambda:InvokeFunction", [fn("refund-tool"), fn("crm-lookup-tool")], "CallTools"),
             allow("sagemaker:InvokeEndpoint", endpoint, "AskTheModel"),
             allow("bedrock:InvokeModel", claude, "AskClaude"),
             allow("iam:PassRole", f"arn:aws:iam::{PROD}:role/feature-pipeline", "SelfServiceFunctions",
                   Condition={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}),
             allow(["lambda:CreateFunction", "lambda:InvokeFunction"], f"arn:aws:lambda:{R}:{PROD}:function:*", "SelfServiceFunctionsCreate"))},
         created="2025-08-14T15:30:00+00:00", last_used="2026-11-24T02:05:00+00:00", tag={"owner": "applied-ai"}),
    role(PROD, "platform-admin",
         doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PROD}:user/alice"}, "Action": "sts:AssumeRole"}),
         managed=[ADMIN], created="2023-11-01T00:00:00+00:00", tag={"owner": "platform"}),
]
w(f"{PROD}/global/iam/get-account-authorization-details.json",
  {"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles, "Policies": [admin_policy]})
w(f"{PROD}/global/iam/list-access-keys/legacy-etl.json",
  {"AccessKeyMetadata": [{"UserName": "legacy-etl", "AccessKeyId": "AKIAEXAMPLELEGACY01", "Status": "Active",
                          "CreateDate": "2022-04-03T00:00:00+00:00"}]})
w(f"{PROD}/global/iam/get-access-key-last-used/AKIAEXAMPLELEGACY01.json",
  {"UserName": "legacy-etl", "AccessKeyLastUsed": {"LastUsedDate": "2026-10-02T03:00:00+00:00",
                                                   "ServiceName": "s3", "Region": R}})
w(f"{PROD}/global/iam/list-access-keys/alice.json", {"AccessKeyMetadata": []})
w(f"{PROD}/global/s3/list-buckets.json", {"Buckets": [
    {"Name": b, "CreationDate": "2023-05-01T00:00:00+00:00"}
    for b in ["acme-customer-pii", "acme-model-artifacts", "acme-training-data"]],
    "Owner": {"DisplayName": "prod-ml", "ID": "7a2f"}})
w(f"{PROD}/global/s3/get-bucket-policy/acme-customer-pii.json", {"Policy": json.dumps(doc(
    {"Sid": "DataLakeReadsCustomers", "Effect": "Allow",
     "Principal": {"AWS": f"arn:aws:iam::{LAKE}:role/data-lake-reader"},
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-customer-pii/*"},
    {"Sid": "TLSOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::acme-customer-pii", "arn:aws:s3:::acme-customer-pii/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}))})
P = f"{PROD}/{R}"
w(f"{P}/secretsmanager/list-secrets.json", {"SecretList": [
    {"ARN": secret("prod/azure-sp-ml-ops"), "Name": "prod/azure-sp-ml-ops",
     "Description": "client secret of the Azure ml-ops-automation service principal",
     "CreatedDate": "2024-02-11T09:30:00+00:00", "LastAccessedDate": "2026-11-23T00:00:00+00:00",
     # Whose credential the value is, by the tag convention (docs/ids.md);
     # the object id is the service principal's in demo/azure.
     "Tags": [{"Key": "credential-of", "Value": "entra:ac3e000d-0000-4000-8000-00000000000d"},
              {"Key": "owner", "Value": "platform"}]},
    {"ARN": secret("prod/legacy-etl-key"), "Name": "prod/legacy-etl-key",
     "Description": "access key of the legacy-etl user", "KmsKeyId": f"arn:aws:kms:{R}:{PROD}:key/5e1c9a77-demo",
     "CreatedDate": "2022-04-03T00:00:00+00:00", "LastAccessedDate": "2026-11-24T00:00:00+00:00"}]})
w(f"{P}/kms/list-keys.json", {"Keys": [{"KeyId": "5e1c9a77-demo", "KeyArn": f"arn:aws:kms:{R}:{PROD}:key/5e1c9a77-demo"}]})
w(f"{P}/kms/get-key-policy/5e1c9a77-demo.json", {"PolicyName": "default", "Policy": json.dumps(doc(
    {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PROD}:root"},
     "Action": "kms:*", "Resource": "*"}))})
w(f"{P}/lambda/list-functions.json", {"Functions": [
    {"FunctionName": n, "FunctionArn": fn(n), "Runtime": "python3.12",
     "Role": f"arn:aws:iam::{PROD}:role/support-agent-runtime", "LastModified": "2026-11-01T00:00:00.000+0000"}
    for n in ["crm-lookup-tool", "refund-tool"]]})
w(f"{P}/dynamodb/list-tables.json", {"TableNames": ["feature-store"]})
w(f"{P}/sagemaker/list-endpoints.json", {"Endpoints": [
    {"EndpointName": "support-llm", "EndpointArn": endpoint, "EndpointStatus": "InService",
     "CreationTime": "2025-09-01T00:00:00+00:00"}]})
w(f"{P}/bedrock/list-foundation-models.json", {"modelSummaries": [
    {"modelArn": claude, "modelId": "anthropic.claude-sonnet", "modelName": "Claude Sonnet", "providerName": "Anthropic"}]})

# --- data-lake account ------------------------------------------------------
w(f"{LAKE}/global/iam/get-account-authorization-details.json", {
    "UserDetailList": [], "GroupDetailList": [], "Policies": [],
    "RoleDetailList": [role(LAKE, "data-lake-reader",
        doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PROD}:role/sagemaker-training"}, "Action": "sts:AssumeRole"}),
        {"lake": doc(allow("s3:GetObject", ["arn:aws:s3:::acme-lake-raw/*", "arn:aws:s3:::acme-customer-pii/*"], "ReadRawAndCustomers"))},
        created="2024-01-15T00:00:00+00:00", tag={"owner": "data-eng"})]})
w(f"{LAKE}/global/s3/list-buckets.json", {"Buckets": [{"Name": "acme-lake-raw", "CreationDate": "2023-02-01T00:00:00+00:00"}],
                                          "Owner": {"DisplayName": "data-lake", "ID": "9c1d"}})

# Every other inventory was collected and is empty (what `collect` writes).
EMPTY = {
    "rds/describe-db-instances": {"DBInstances": []}, "rds/describe-db-clusters": {"DBClusters": []},
    "redshift/describe-clusters": {"Clusters": []}, "opensearch/describe-domains": {"DomainStatusList": []},
    "sqs/list-queues": {}, "sns/list-topics": {"Topics": []},
    "sagemaker/list-models": {"Models": []}, "sagemaker/list-notebook-instances": {"NotebookInstances": []},
    "sagemaker/list-domains": {"Domains": []}, "sagemaker/list-endpoints": {"Endpoints": []},
    "bedrock/list-custom-models": {"modelSummaries": []}, "bedrock/list-foundation-models": {"modelSummaries": []},
    "bedrock-agent/list-knowledge-bases": {"knowledgeBaseSummaries": []}, "bedrock-agent/list-agents": {"agentSummaries": []},
    "secretsmanager/list-secrets": {"SecretList": []}, "ssm/describe-parameters": {"Parameters": []},
    "ec2/describe-instances": {"Reservations": []}, "glue/get-dev-endpoints": {"DevEndpoints": []},
    "glue/get-jobs": {"Jobs": []}, "ecs/list-clusters": {"clusterArns": []},
    "cloudformation/describe-stacks": {"Stacks": []}, "codebuild/batch-get-projects": {"projects": []},
    "lambda/list-functions": {"Functions": []}, "dynamodb/list-tables": {"TableNames": []},
    "kms/list-keys": {"Keys": []},
}
for acct in (PROD, LAKE):
    for name, body in EMPTY.items():
        path = f"{acct}/{R}/{name}.json"
        if not os.path.exists(os.path.join(OUT, path)):
            w(path, body)

# --- organization -----------------------------------------------------------
org = "o-acmeai0001"
w("organizations/describe-organization.json", {"Organization": {
    "Id": org, "Arn": f"arn:aws:organizations::{MGMT}:organization/{org}", "FeatureSet": "ALL",
    "MasterAccountArn": f"arn:aws:organizations::{MGMT}:account/{org}/{MGMT}", "MasterAccountId": MGMT}})
w("organizations/list-roots.json", {"Roots": [{"Id": "r-acme", "Arn": f"arn:aws:organizations::{MGMT}:root/{org}/r-acme",
                                               "Name": "Root", "PolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]}]})
w("organizations/list-accounts.json", {"Accounts": [
    {"Id": a, "Arn": f"arn:aws:organizations::{MGMT}:account/{org}/{a}", "Name": n, "Status": "ACTIVE"}
    for a, n in [(MGMT, "management"), (PROD, "prod-ml"), (LAKE, "data-lake")]]})
w(f"organizations/list-parents/{PROD}.json", {"Parents": [{"Id": "ou-acme-prod", "Type": "ORGANIZATIONAL_UNIT"}]})
w(f"organizations/list-parents/{LAKE}.json", {"Parents": [{"Id": "ou-acme-prod", "Type": "ORGANIZATIONAL_UNIT"}]})
w("organizations/list-parents/ou-acme-prod.json", {"Parents": [{"Id": "r-acme", "Type": "ROOT"}]})
w("organizations/list-policies/SERVICE_CONTROL_POLICY.json", {"Policies": [
    {"Id": "p-FullAWSAccess", "Arn": "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
     "Name": "FullAWSAccess", "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": True},
    {"Id": "p-protectlogs", "Arn": f"arn:aws:organizations::{MGMT}:policy/{org}/service_control_policy/p-protectlogs",
     "Name": "ProtectAuditTrail", "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": False}]})
w("organizations/describe-policy/p-FullAWSAccess.json", {"Policy": {
    "PolicySummary": {"Id": "p-FullAWSAccess", "Name": "FullAWSAccess", "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": True},
    "Content": json.dumps(doc(allow("*", "*")))}})
w("organizations/describe-policy/p-protectlogs.json", {"Policy": {
    "PolicySummary": {"Id": "p-protectlogs", "Name": "ProtectAuditTrail", "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": False},
    "Content": json.dumps(doc({"Sid": "NoTrailTampering", "Effect": "Deny",
                               "Action": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"], "Resource": "*"}))}})
w("organizations/list-targets-for-policy/p-FullAWSAccess.json", {"Targets": [
    {"TargetId": t, "Arn": "", "Name": t, "Type": ty}
    for t, ty in [("r-acme", "ROOT"), ("ou-acme-prod", "ORGANIZATIONAL_UNIT"), (PROD, "ACCOUNT"), (LAKE, "ACCOUNT")]]})
w("organizations/list-targets-for-policy/p-protectlogs.json", {"Targets": [
    {"TargetId": "ou-acme-prod", "Arn": "", "Name": "prod", "Type": "ORGANIZATIONAL_UNIT"}]})
