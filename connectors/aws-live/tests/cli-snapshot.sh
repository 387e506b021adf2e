#!/usr/bin/env bash
# The raw snapshot layout (docs/aws-raw-layout.md) made with the AWS CLI alone:
# the same calls `blastgraph collect aws` makes, one `aws ... --output json`
# each, so the two folders can be compared (tests/moto.rs does).
#
# Usage: cli-snapshot.sh OUT_DIR REGION...
#   ENDPOINT_URL   optional, passed as --endpoint-url to every call (moto)
#   AWS_PROFILE, AWS_* the CLI's usual credentials and settings
#
# Dates: the layout has them as the CLI v2 prints them (ISO 8601). With the
# CLI v1, set `cli_timestamp_format = iso8601` in the config file.
#
# Secret values are never asked for: no get-secret-value, no get-parameter.
# Listing calls that carry secret-bearing fields (Lambda and CodeBuild
# environment variables, CloudFormation parameters and outputs) are narrowed
# with --query to the fields the collector writes.
#
# A failed call is reported on stderr and leaves no file; the script goes on
# and exits 0 (as `collect` does; it writes no collection.json).
set -uo pipefail

out=${1:?usage: cli-snapshot.sh OUT_DIR REGION...}
shift
[ $# -gt 0 ] || { echo "usage: cli-snapshot.sh OUT_DIR REGION..." >&2; exit 2; }
regions=("$@")
ep=()
[ -n "${ENDPOINT_URL:-}" ] && ep=(--endpoint-url "$ENDPOINT_URL")

# One call into one file: `call FILE SERVICE OPERATION ARGS...`.
call() {
  local file=$1
  shift
  mkdir -p "$(dirname "$file")"
  if aws ${ep[@]+"${ep[@]}"} --output json "$@" >"$file.part" 2>"$file.err"; then
    mv "$file.part" "$file"
    rm -f "$file.err"
    return 0
  fi
  echo "failed: aws $*: $(tr '\n' ' ' <"$file.err")" >&2
  rm -f "$file.part" "$file.err"
  return 1
}
# A call whose output is only read here: `q SERVICE OPERATION ARGS...`.
q() { aws ${ep[@]+"${ep[@]}"} --output text "$@" 2>/dev/null; }
# A resource name as a file name: % -> %25, / -> %2F.
enc() {
  local s=${1//%/%25}
  printf '%s' "${s//\//%2F}"
}

account=$(aws ${ep[@]+"${ep[@]}"} --region "${regions[0]}" sts get-caller-identity --query Account --output text) || {
  echo "sts get-caller-identity failed" >&2
  exit 2
}
home=(--region "${regions[0]}")
g="$out/$account/global"

# ---- IAM
call "$g/iam/get-account-authorization-details.json" "${home[@]}" iam get-account-authorization-details
if q "${home[@]}" iam generate-credential-report >/dev/null; then
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    [ "$(q "${home[@]}" iam generate-credential-report --query State)" = COMPLETE ] && break
    sleep 1
  done
  call "$g/iam/get-credential-report.json" "${home[@]}" iam get-credential-report
fi
for user in $(q "${home[@]}" iam list-users --query 'Users[].UserName'); do
  call "$g/iam/list-access-keys/$(enc "$user").json" "${home[@]}" iam list-access-keys --user-name "$user"
  for key in $(q "${home[@]}" iam list-access-keys --user-name "$user" --query 'AccessKeyMetadata[].AccessKeyId'); do
    call "$g/iam/get-access-key-last-used/$(enc "$key").json" "${home[@]}" iam get-access-key-last-used --access-key-id "$key"
  done
done

# ---- S3
call "$g/s3/list-buckets.json" "${home[@]}" s3api list-buckets
for bucket in $(q "${home[@]}" s3api list-buckets --query 'Buckets[].Name'); do
  call "$g/s3/get-bucket-policy/$(enc "$bucket").json" "${home[@]}" s3api get-bucket-policy --bucket "$bucket"
done

# ---- Organizations
o="$out/organizations"
if call "$o/describe-organization.json" "${home[@]}" organizations describe-organization; then
  call "$o/list-roots.json" "${home[@]}" organizations list-roots
  call "$o/list-accounts.json" "${home[@]}" organizations list-accounts
  children=$(q "${home[@]}" organizations list-accounts --query 'Accounts[].Id')
  frontier=$(q "${home[@]}" organizations list-roots --query 'Roots[].Id')
  while [ -n "$frontier" ]; do
    next=""
    for parent in $frontier; do
      next="$next $(q "${home[@]}" organizations list-organizational-units-for-parent --parent-id "$parent" --query 'OrganizationalUnits[].Id')"
    done
    frontier=$(echo $next)
    children="$children $frontier"
  done
  for child in $children; do
    call "$o/list-parents/$(enc "$child").json" "${home[@]}" organizations list-parents --child-id "$child"
  done
  for filter in SERVICE_CONTROL_POLICY RESOURCE_CONTROL_POLICY; do
    call "$o/list-policies/$filter.json" "${home[@]}" organizations list-policies --filter "$filter" || continue
    for id in $(q "${home[@]}" organizations list-policies --filter "$filter" --query 'Policies[].Id'); do
      call "$o/describe-policy/$(enc "$id").json" "${home[@]}" organizations describe-policy --policy-id "$id"
      call "$o/list-targets-for-policy/$(enc "$id").json" "${home[@]}" organizations list-targets-for-policy --policy-id "$id"
    done
  done
fi

# ---- Regional
for region in "${regions[@]}"; do
  r="$out/$account/$region"
  rg=(--region "$region")

  call "$r/kms/list-keys.json" "${rg[@]}" kms list-keys
  for key in $(q "${rg[@]}" kms list-keys --query 'Keys[].KeyId'); do
    call "$r/kms/get-key-policy/$(enc "$key").json" "${rg[@]}" kms get-key-policy --key-id "$key" --policy-name default
  done

  call "$r/secretsmanager/list-secrets.json" "${rg[@]}" secretsmanager list-secrets
  q "${rg[@]}" secretsmanager list-secrets --query 'SecretList[].[ARN,Name]' |
    while IFS=$'\t' read -r arn name; do
      call "$r/secretsmanager/get-resource-policy/$(enc "$name").json" "${rg[@]}" secretsmanager get-resource-policy --secret-id "$arn"
    done

  call "$r/ssm/describe-parameters.json" "${rg[@]}" ssm describe-parameters
  q "${rg[@]}" ssm describe-parameters --query 'Parameters[?Type==`SecureString`].Name' |
    tr '\t' '\n' | while IFS= read -r name; do
      [ -n "$name" ] || continue
      call "$r/ssm/list-tags-for-resource/$(enc "$name").json" "${rg[@]}" ssm list-tags-for-resource --resource-type Parameter --resource-id "$name"
    done

  call "$r/cognito-identity/list-identity-pools.json" "${rg[@]}" cognito-identity list-identity-pools --max-results 60
  call "$r/sso-admin/list-instances.json" "${rg[@]}" sso-admin list-instances
  call "$r/batch/describe-job-queues.json" "${rg[@]}" batch describe-job-queues \
    --query '{jobQueues: jobQueues[].{jobQueueName: jobQueueName, jobQueueArn: jobQueueArn, state: state, status: status}}'

  call "$r/lambda/list-functions.json" "${rg[@]}" lambda list-functions \
    --query '{Functions: Functions[].{FunctionName: FunctionName, FunctionArn: FunctionArn, Runtime: Runtime, Role: Role, Handler: Handler, LastModified: LastModified, Version: Version}}'
  for fn in $(q "${rg[@]}" lambda list-functions --query 'Functions[].FunctionName'); do
    call "$r/lambda/get-policy/$(enc "$fn").json" "${rg[@]}" lambda get-policy --function-name "$fn"
  done
  call "$r/lambda/list-event-source-mappings.json" "${rg[@]}" lambda list-event-source-mappings \
    --query '{EventSourceMappings: EventSourceMappings[].{UUID: UUID, EventSourceArn: EventSourceArn, FunctionArn: FunctionArn, State: State}}'

  call "$r/sns/list-topics.json" "${rg[@]}" sns list-topics
  for topic in $(q "${rg[@]}" sns list-topics --query 'Topics[].TopicArn'); do
    call "$r/sns/get-topic-attributes/$(enc "${topic##*:}").json" "${rg[@]}" sns get-topic-attributes --topic-arn "$topic"
  done

  call "$r/sqs/list-queues.json" "${rg[@]}" sqs list-queues
  for url in $(q "${rg[@]}" sqs list-queues --query 'QueueUrls[]'); do
    [ "$url" = None ] && continue
    call "$r/sqs/get-queue-attributes/$(enc "${url##*/}").json" "${rg[@]}" sqs get-queue-attributes --queue-url "$url" --attribute-names All
  done

  call "$r/dynamodb/list-tables.json" "${rg[@]}" dynamodb list-tables
  call "$r/rds/describe-db-instances.json" "${rg[@]}" rds describe-db-instances \
    --query '{DBInstances: DBInstances[].{DBInstanceIdentifier: DBInstanceIdentifier, DBInstanceArn: DBInstanceArn, DbiResourceId: DbiResourceId, Engine: Engine, IAMDatabaseAuthenticationEnabled: IAMDatabaseAuthenticationEnabled}}'
  call "$r/rds/describe-db-clusters.json" "${rg[@]}" rds describe-db-clusters \
    --query '{DBClusters: DBClusters[].{DBClusterIdentifier: DBClusterIdentifier, DBClusterArn: DBClusterArn, DbClusterResourceId: DbClusterResourceId, Engine: Engine, IAMDatabaseAuthenticationEnabled: IAMDatabaseAuthenticationEnabled}}'
  call "$r/redshift/describe-clusters.json" "${rg[@]}" redshift describe-clusters \
    --query '{Clusters: Clusters[].{ClusterIdentifier: ClusterIdentifier, ClusterNamespaceArn: ClusterNamespaceArn, DBName: DBName}}'
  domains=$(q "${rg[@]}" opensearch list-domain-names --query 'DomainNames[].DomainName')
  if [ $? -eq 0 ]; then
    if [ -n "$domains" ]; then
      # shellcheck disable=SC2086
      call "$r/opensearch/describe-domains.json" "${rg[@]}" opensearch describe-domains --domain-names $domains \
        --query '{DomainStatusList: DomainStatusList[].{DomainId: DomainId, DomainName: DomainName, ARN: ARN, AccessPolicies: AccessPolicies}}'
    else
      mkdir -p "$r/opensearch" && printf '{\n    "DomainStatusList": []\n}\n' >"$r/opensearch/describe-domains.json"
    fi
  fi

  call "$r/sagemaker/list-endpoints.json" "${rg[@]}" sagemaker list-endpoints
  call "$r/sagemaker/list-models.json" "${rg[@]}" sagemaker list-models
  call "$r/sagemaker/list-domains.json" "${rg[@]}" sagemaker list-domains \
    --query '{Domains: Domains[].{DomainId: DomainId, DomainArn: DomainArn, DomainName: DomainName, Status: Status}}'
  for dom in $(q "${rg[@]}" sagemaker list-domains --query 'Domains[].DomainId'); do
    call "$r/sagemaker/describe-domain/$(enc "$dom").json" "${rg[@]}" sagemaker describe-domain --domain-id "$dom" \
      --query '{DomainId: DomainId, DomainArn: DomainArn, DomainName: DomainName, AuthMode: AuthMode, Status: Status, DefaultUserSettings: {ExecutionRole: DefaultUserSettings.ExecutionRole}}'
    for prof in $(q "${rg[@]}" sagemaker list-user-profiles --domain-id-equals "$dom" --query 'UserProfiles[].UserProfileName'); do
      call "$r/sagemaker/describe-user-profile/$(enc "$dom")/$(enc "$prof").json" "${rg[@]}" sagemaker describe-user-profile \
        --domain-id "$dom" --user-profile-name "$prof" \
        --query '{DomainId: DomainId, UserProfileArn: UserProfileArn, UserProfileName: UserProfileName, Status: Status, UserSettings: {ExecutionRole: UserSettings.ExecutionRole}}'
    done
  done
  call "$r/sagemaker/list-notebook-instances.json" "${rg[@]}" sagemaker list-notebook-instances \
    --query '{NotebookInstances: NotebookInstances[].{NotebookInstanceName: NotebookInstanceName, NotebookInstanceArn: NotebookInstanceArn, NotebookInstanceStatus: NotebookInstanceStatus}}'
  for nb in $(q "${rg[@]}" sagemaker list-notebook-instances --query 'NotebookInstances[].NotebookInstanceName'); do
    call "$r/sagemaker/describe-notebook-instance/$(enc "$nb").json" "${rg[@]}" sagemaker describe-notebook-instance --notebook-instance-name "$nb"
  done

  call "$r/bedrock/list-foundation-models.json" "${rg[@]}" bedrock list-foundation-models
  call "$r/bedrock/list-custom-models.json" "${rg[@]}" bedrock list-custom-models
  call "$r/bedrock-agent/list-knowledge-bases.json" "${rg[@]}" bedrock-agent list-knowledge-bases
  call "$r/bedrock-agent/list-agents.json" "${rg[@]}" bedrock-agent list-agents \
    --query '{agentSummaries: agentSummaries[].{agentId: agentId, agentName: agentName, agentStatus: agentStatus}}'
  for agent in $(q "${rg[@]}" bedrock-agent list-agents --query 'agentSummaries[].agentId'); do
    call "$r/bedrock-agent/get-agent/$(enc "$agent").json" "${rg[@]}" bedrock-agent get-agent --agent-id "$agent" \
      --query '{agent: agent.{agentId: agentId, agentName: agentName, agentArn: agentArn, agentVersion: agentVersion, agentStatus: agentStatus, foundationModel: foundationModel, agentResourceRoleArn: agentResourceRoleArn}}'
    call "$r/bedrock-agent/list-agent-action-groups/$(enc "$agent").json" "${rg[@]}" bedrock-agent list-agent-action-groups --agent-id "$agent" --agent-version DRAFT || continue
    for group in $(q "${rg[@]}" bedrock-agent list-agent-action-groups --agent-id "$agent" --agent-version DRAFT --query 'actionGroupSummaries[].actionGroupId'); do
      call "$r/bedrock-agent/get-agent-action-group/$(enc "$agent")/$(enc "$group").json" "${rg[@]}" bedrock-agent get-agent-action-group \
        --agent-id "$agent" --agent-version DRAFT --action-group-id "$group" \
        --query '{agentActionGroup: agentActionGroup.{agentId: agentId, actionGroupId: actionGroupId, actionGroupName: actionGroupName, actionGroupExecutor: actionGroupExecutor, actionGroupState: actionGroupState}}'
    done
  done

  call "$r/ec2/describe-instances.json" "${rg[@]}" ec2 describe-instances
  call "$r/ec2/describe-launch-template-versions.json" "${rg[@]}" ec2 describe-launch-template-versions --versions '$Default' '$Latest' \
    --query '{LaunchTemplateVersions: LaunchTemplateVersions[].{LaunchTemplateId: LaunchTemplateId, LaunchTemplateName: LaunchTemplateName, VersionNumber: VersionNumber, DefaultVersion: DefaultVersion, LaunchTemplateData: {IamInstanceProfile: LaunchTemplateData.IamInstanceProfile}}}'
  call "$r/glue/get-dev-endpoints.json" "${rg[@]}" glue get-dev-endpoints \
    --query '{DevEndpoints: DevEndpoints[].{EndpointName: EndpointName, RoleArn: RoleArn, Status: Status}}'
  call "$r/ecs/list-clusters.json" "${rg[@]}" ecs list-clusters
  for cluster in $(q "${rg[@]}" ecs list-clusters --query 'clusterArns[]'); do
    call "$r/ecs/list-container-instances/$(enc "${cluster##*/}").json" "${rg[@]}" ecs list-container-instances --cluster "$cluster"
  done
  call "$r/glue/get-jobs.json" "${rg[@]}" glue get-jobs \
    --query '{Jobs: Jobs[].{Name: Name, Role: Role, GlueVersion: GlueVersion, Command: Command.{Name: Name, ScriptLocation: ScriptLocation}}}'
  call "$r/cloudformation/describe-stacks.json" "${rg[@]}" cloudformation describe-stacks \
    --query '{Stacks: Stacks[].{StackId: StackId, StackName: StackName, StackStatus: StackStatus, RoleARN: RoleARN}}'
  projects=$(q "${rg[@]}" codebuild list-projects --query 'projects[]')
  if [ $? -eq 0 ]; then
    if [ -n "$projects" ]; then
      # shellcheck disable=SC2086
      call "$r/codebuild/batch-get-projects.json" "${rg[@]}" codebuild batch-get-projects --names $projects \
        --query '{projects: projects[].{name: name, arn: arn, serviceRole: serviceRole}}'
    else
      mkdir -p "$r/codebuild" && printf '{\n    "projects": []\n}\n' >"$r/codebuild/batch-get-projects.json"
    fi
  fi
done
exit 0
