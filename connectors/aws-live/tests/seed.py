"""Seeds a moto server with a small estate for tests/moto.rs.

Usage: seed.py ENDPOINT_URL MARKER

MARKER is a unique string stored as secret values (a Secrets Manager secret,
an SSM SecureString, a Lambda environment variable, a CodeBuild environment
variable); the test asserts it never appears in a collected file.

Prints one JSON line: what was created, and which optional parts moto could
not create (they are skipped, not fatal).
"""

import io
import json
import sys
import zipfile

import boto3

endpoint, marker = sys.argv[1], sys.argv[2]
region = "us-east-1"


def client(name):
    return boto3.client(
        name,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def doc(statements):
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


iam = client("iam")
sts = client("sts")
account = sts.get_caller_identity()["Account"]
arn = lambda rest: f"arn:aws:iam::{account}:{rest}"  # noqa: E731
skipped = []

# --- IAM: groups, users, managed and inline policies, roles, trust.
read_data = iam.create_policy(
    PolicyName="ReadTrainingData",
    PolicyDocument=doc(
        [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}]
    ),
)["Policy"]["Arn"]
iam.create_policy_version(
    PolicyArn=read_data,
    PolicyDocument=doc([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]),
    SetAsDefault=False,
)
assume_deployer = iam.create_policy(
    PolicyName="AssumeDeployer",
    PolicyDocument=doc(
        [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": arn("role/deployer")}]
    ),
)["Policy"]["Arn"]
boundary = iam.create_policy(
    PolicyName="DataOnlyBoundary",
    Path="/boundaries/",
    PolicyDocument=doc([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]),
)["Policy"]["Arn"]

iam.create_group(GroupName="developers")
iam.attach_group_policy(GroupName="developers", PolicyArn=read_data)
iam.put_group_policy(
    GroupName="developers",
    PolicyName="read-params",
    PolicyDocument=doc(
        [{"Effect": "Allow", "Action": "ssm:DescribeParameters", "Resource": "*"}]
    ),
)
iam.create_user(
    UserName="alice", Tags=[{"Key": "blastgraph:class", "Value": "human"}]
)
iam.add_user_to_group(GroupName="developers", UserName="alice")
alice_key = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
iam.create_user(UserName="ci-bot")
iam.attach_user_policy(UserName="ci-bot", PolicyArn=assume_deployer)
iam.put_user_policy(
    UserName="ci-bot",
    PolicyName="pass-ci-role",
    PolicyDocument=doc(
        [
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": arn("role/ci")},
            {"Effect": "Allow", "Action": "lambda:CreateFunction", "Resource": "*"},
        ]
    ),
)
iam.create_user(UserName="bounded", PermissionsBoundary=boundary)
iam.attach_user_policy(UserName="bounded", PolicyArn=assume_deployer)

lambda_trust = doc(
    [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]
)
iam.create_role(RoleName="ci", AssumeRolePolicyDocument=lambda_trust)
iam.put_role_policy(
    RoleName="ci",
    PolicyName="assume-deployer",
    PolicyDocument=doc(
        [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": arn("role/deployer")}]
    ),
)
# deployer trusts ci-bot and the role ci (the cross-role assume).
iam.create_role(
    RoleName="deployer",
    AssumeRolePolicyDocument=doc(
        [
            {
                "Effect": "Allow",
                "Principal": {"AWS": [arn("user/ci-bot"), arn("role/ci"), arn("user/bounded")]},
                "Action": "sts:AssumeRole",
            }
        ]
    ),
    Tags=[{"Key": "env", "Value": "prod"}],
)
admin = iam.create_policy(
    PolicyName="Admin",
    PolicyDocument=doc([{"Effect": "Allow", "Action": "*", "Resource": "*"}]),
)["Policy"]["Arn"]
iam.attach_role_policy(RoleName="deployer", PolicyArn=admin)
ec2_trust = doc(
    [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]
)
iam.create_role(RoleName="app", AssumeRolePolicyDocument=ec2_trust)
iam.attach_role_policy(RoleName="app", PolicyArn=read_data)
profile = iam.create_instance_profile(InstanceProfileName="app")["InstanceProfile"]
iam.add_role_to_instance_profile(InstanceProfileName="app", RoleName="app")
sagemaker_trust = doc(
    [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}]
)
iam.create_role(RoleName="notebook", AssumeRolePolicyDocument=sagemaker_trust)

# --- S3: one bucket with a policy, one without.
s3 = client("s3")
s3.create_bucket(Bucket="training-data")
s3.put_bucket_policy(
    Bucket="training-data",
    Policy=doc(
        [
            {
                "Effect": "Allow",
                "Principal": {"AWS": arn("role/app")},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::training-data/*",
            }
        ]
    ),
)
s3.create_bucket(Bucket="scratch")

# --- KMS, Secrets Manager (value = marker), SSM SecureString (value = marker).
kms = client("kms")
key_id = kms.create_key(Description="data key")["KeyMetadata"]["KeyId"]
sm = client("secretsmanager")
sm.create_secret(Name="prod/db/password", SecretString=marker, KmsKeyId=key_id)
sm.put_resource_policy(
    SecretId="prod/db/password",
    ResourcePolicy=doc(
        [
            {
                "Effect": "Allow",
                "Principal": {"AWS": arn("role/ci")},
                "Action": "secretsmanager:GetSecretValue",
                "Resource": "*",
            }
        ]
    ),
)
sm.create_secret(Name="no-policy", SecretString=marker + "-2")
# A secret whose value holds alice's access key: found only by
# --inspect-secret-values, and then only as what it holds.
sm.create_secret(
    Name="ci/alice-key",
    SecretString=json.dumps(
        {"aws_access_key_id": alice_key, "aws_secret_access_key": marker + "-3"}
    ),
)
ssm = client("ssm")
ssm.put_parameter(
    Name="/prod/api-key",
    Value=marker,
    Type="SecureString",
    Tags=[{"Key": "credential-of", "Value": arn("user/ci-bot")}],
)
ssm.put_parameter(Name="plain", Value="not secret", Type="String")

# --- Lambda with a resource policy; its environment holds the marker.
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("index.py", "def handler(event, context):\n    return 1\n")
lam = client("lambda")
lam.create_function(
    FunctionName="summarize",
    Runtime="python3.12",
    Role=arn("role/ci"),
    Handler="index.handler",
    Code={"ZipFile": buf.getvalue()},
    Environment={"Variables": {"API_TOKEN": marker}},
)
lam.add_permission(
    FunctionName="summarize",
    StatementId="allow-sns",
    Action="lambda:InvokeFunction",
    Principal="sns.amazonaws.com",
)
lam.create_function(
    FunctionName="no-policy",
    Runtime="python3.12",
    Role=arn("role/ci"),
    Handler="index.handler",
    Code={"ZipFile": buf.getvalue()},
)

# --- SNS and SQS with policies.
sns = client("sns")
topic = sns.create_topic(Name="alerts")["TopicArn"]
sns.set_topic_attributes(
    TopicArn=topic,
    AttributeName="Policy",
    AttributeValue=doc(
        [{"Effect": "Allow", "Principal": {"AWS": arn("role/ci")}, "Action": "sns:Publish", "Resource": topic}]
    ),
)
sqs = client("sqs")
queue = sqs.create_queue(QueueName="jobs")["QueueUrl"]
queue_arn = f"arn:aws:sqs:{region}:{account}:jobs"
sqs.set_queue_attributes(
    QueueUrl=queue,
    Attributes={
        "Policy": doc(
            [{"Effect": "Allow", "Principal": {"AWS": arn("role/ci")}, "Action": "sqs:SendMessage", "Resource": queue_arn}]
        )
    },
)

# --- DynamoDB.
client("dynamodb").create_table(
    TableName="features",
    KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    BillingMode="PAY_PER_REQUEST",
)

# --- SageMaker: a model and a notebook instance with a role.
sagemaker = client("sagemaker")
sagemaker.create_model(
    ModelName="ranker",
    ExecutionRoleArn=arn("role/notebook"),
    PrimaryContainer={"Image": f"{account}.dkr.ecr.{region}.amazonaws.com/ranker:1"},
)
sagemaker.create_notebook_instance(
    NotebookInstanceName="research",
    InstanceType="ml.t3.medium",
    RoleArn=arn("role/notebook"),
)

# --- ECS: a cluster (decides the PassRole rows that need one).
client("ecs").create_cluster(clusterName="inference")

# --- Glue: a job whose role is given by name, with a secret-looking default
# argument that must not be collected.
client("glue").create_job(
    Name="nightly",
    Role="notebook",
    Command={"Name": "glueetl", "ScriptLocation": "s3://training-data/nightly.py"},
    DefaultArguments={"--api-token": marker},
    GlueVersion="4.0",
)

# --- EC2: an instance with the instance profile.
ec2 = client("ec2")
image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
ec2.run_instances(
    ImageId=image,
    MinCount=1,
    MaxCount=1,
    InstanceType="t3.micro",
    IamInstanceProfile={"Arn": profile["Arn"]},
    TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "app-1"}]}],
)

# --- Optional parts: moto may not implement them.
try:
    client("codebuild").create_project(
        name="build",
        source={"type": "S3", "location": "training-data/build.zip"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
            "environmentVariables": [{"name": "TOKEN", "value": marker, "type": "PLAINTEXT"}],
        },
        serviceRole=arn("role/ci"),
    )
except Exception as e:  # noqa: BLE001
    skipped.append(f"codebuild: {e}")
try:
    client("rds").create_db_instance(
        DBInstanceIdentifier="warehouse",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="admin",
        MasterUserPassword=marker,
        AllocatedStorage=20,
        EnableIAMDatabaseAuthentication=True,
    )
except Exception as e:  # noqa: BLE001
    skipped.append(f"rds: {e}")
try:
    client("bedrock-agent").create_agent(
        agentName="helper",
        agentResourceRoleArn=arn("role/ci"),
        foundationModel="anthropic.claude-v2",
        instruction="help the user with their questions, politely",
    )
except Exception as e:  # noqa: BLE001
    skipped.append(f"bedrock-agent: {e}")
try:
    org = client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="research")["OrganizationalUnit"]["Id"]
    scp = org.create_policy(
        Name="deny-leave",
        Description="no leaving",
        Type="SERVICE_CONTROL_POLICY",
        Content=doc([{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]),
    )["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=scp, TargetId=ou)
except Exception as e:  # noqa: BLE001
    skipped.append(f"organizations: {e}")

# --- An auditor that may read everything but two calls, for the test of
# denied calls (moto enforces IAM policies once /moto-api/reset-auth is 0).
iam.create_user(UserName="auditor")
iam.put_user_policy(
    UserName="auditor",
    PolicyName="read-all-but-two",
    PolicyDocument=doc(
        [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": ["kms:GetKeyPolicy", "sagemaker:ListEndpoints"], "Resource": "*"},
        ]
    ),
)
key = iam.create_access_key(UserName="auditor")["AccessKey"]

print(
    json.dumps(
        {
            "account": account,
            "skipped": skipped,
            "auditor": {"id": key["AccessKeyId"], "secret": key["SecretAccessKey"]},
        }
    )
)
