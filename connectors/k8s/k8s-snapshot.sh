#!/usr/bin/env bash
# Builds a cluster's folder of the Kubernetes layout (docs/k8s-raw-layout.md)
# with kubectl (and jq; the AWS CLI for EKS Pod Identity):
#   k8s-snapshot.sh OUT_DIR CLUSTER [EKS_CLUSTER_NAME]
# writes OUT_DIR/k8s/CLUSTER/rbac.json (service accounts, secret metadata,
# roles and bindings of every namespace), openid-configuration.json (the
# cluster's service-account issuer) and, given an EKS cluster name,
# pod-identity-associations/ID.json. kubectl's current context is used.
# Secret values are removed before anything is written.
set -euo pipefail

out="${1:?usage: k8s-snapshot.sh OUT_DIR CLUSTER [EKS_CLUSTER_NAME]}"
cluster="${2:?usage: k8s-snapshot.sh OUT_DIR CLUSTER [EKS_CLUSTER_NAME]}"
eks="${3:-}"
command -v jq >/dev/null || { echo "k8s-snapshot.sh: jq is needed" >&2; exit 2; }
dir="$out/k8s/$cluster"
mkdir -p "$dir"

kubectl get serviceaccounts,secrets,roles,rolebindings,clusterroles,clusterrolebindings -A -o json \
  | jq 'del(.items[].data, .items[].stringData)' > "$dir/rbac.json"
kubectl get --raw /.well-known/openid-configuration | jq . > "$dir/openid-configuration.json"

if [ -n "$eks" ]; then
  mkdir -p "$dir/pod-identity-associations"
  for id in $(aws eks list-pod-identity-associations --cluster-name "$eks" --output json \
      | jq -r '.associations[].associationId'); do
    aws eks describe-pod-identity-association --cluster-name "$eks" --association-id "$id" --output json \
      > "$dir/pod-identity-associations/$id.json"
  done
fi
echo "k8s-snapshot.sh: wrote $dir" >&2
