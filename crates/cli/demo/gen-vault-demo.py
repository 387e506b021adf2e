#!/usr/bin/env python3
"""Writes the demo estate's Vault part (demo/vault/): the raw layout of
docs/vault-raw-layout.md for Acme's Vault server `acme-vault`, and prints
the DEMO_VAULT list of src/demo_files.rs.

The links it makes with the AWS and Azure parts:
- GitHub Actions on acme-ai/ml-infra main logs in to the JWT role
  `ml-infra` (the same workflow the AWS role github-deployer trusts);
- the AWS role github-deployer logs in to the AWS auth role `deployer`;
- the AWS role sagemaker-training logs in to the AWS auth role `training`,
  which reads `secret/ci/openai-key`, the OpenAI key of the native part;
- the ML cluster's service account ml/trainer logs in to the Kubernetes
  role `trainer` (the same policy as the AWS training role);
- both read `secret/ml/azure-openai-sp`, whose custom metadata says it
  holds the client secret of the Entra service principal ml-ops-automation,
  which reaches the Azure OpenAI deployment."""
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "vault")
PROD = "111122223333"
OPS_SP = "entra:ac3e000d-0000-4000-8000-00000000000d"
N = [0]


def envelope(data):
    N[0] += 1
    return {"request_id": "d3e0%04d-0000-4000-8000-0000000%05d" % (N[0], N[0]), "lease_id": "",
            "renewable": False, "lease_duration": 0, "data": data, "wrap_info": None,
            "warnings": None, "auth": None}


def write(path, doc):
    full = os.path.join(ROOT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


def get(api, data):
    write(api + ".json", envelope(data))


def lst(api, keys):
    write(api + "/LIST.json", envelope({"keys": keys}))


def mount(kind, accessor, options=None):
    return {"accessor": accessor, "config": {"default_lease_ttl": 0, "max_lease_ttl": 0},
            "description": "", "local": False, "options": options, "seal_wrap": False, "type": kind}


TOKEN = {"token_bound_cidrs": [], "token_no_default_policy": False, "token_ttl": 900, "token_type": "default"}


def main():
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    write("sys/health.json", {"initialized": True, "sealed": False, "standby": False,
                              "version": "1.17.2", "cluster_name": "acme-vault",
                              "cluster_id": "5a1e0c2b-3d4f-4a5b-8c6d-7e8f9a0b1c2d"})
    get("sys/mounts", {"secret/": mount("kv", "kv_5e6f7a8b", {"version": "2"}),
                       "sys/": mount("system", "system_1a2b3c4d")})
    get("sys/auth", {"token/": mount("token", "auth_token_0a9b8c7d"),
                     "jwt/": mount("jwt", "auth_jwt_2c3d4e5f"),
                     "aws/": mount("aws", "auth_aws_6a7b8c9d"),
                     "kubernetes/": mount("kubernetes", "auth_kubernetes_3e4f5a6b")})
    lst("sys/policies/acl", ["default", "deploy-secrets", "ml-ops", "ml-training", "root"])
    get("sys/policies/acl/ml-training", {"name": "ml-training", "policy":
        'path "secret/data/ml/*" {\n  capabilities = ["read"]\n}\n\n'
        'path "secret/data/ci/openai-key" {\n  capabilities = ["read"]\n}\n'})
    get("sys/policies/acl/default", {"name": "default", "policy":
        'path "auth/token/lookup-self" {\n    capabilities = ["read"]\n}\n\n'
        'path "auth/token/renew-self" {\n    capabilities = ["update"]\n}\n'})
    get("sys/policies/acl/ml-ops", {"name": "ml-ops", "policy":
        '# ML platform automation: model-serving credentials\n'
        'path "secret/data/ml/*" {\n  capabilities = ["read"]\n}\n'})
    get("sys/policies/acl/deploy-secrets", {"name": "deploy-secrets", "policy":
        'path "secret/data/deploy/*" {\n  capabilities = ["read"]\n}\n\n'
        '# The Azure client secret the deploy pipeline rotates into AKS\n'
        'path "secret/data/ml/azure-openai-sp" {\n  capabilities = ["read"]\n}\n'})
    get("auth/jwt/config", {"bound_issuer": "https://token.actions.githubusercontent.com",
                            "oidc_discovery_url": "https://token.actions.githubusercontent.com"})
    lst("auth/jwt/role", ["ml-infra"])
    get("auth/jwt/role/ml-infra", {**TOKEN, "role_type": "jwt", "bound_audiences": ["https://github.com/acme-ai"],
                                   "bound_claims": {"repository": "acme-ai/ml-infra", "ref": "refs/heads/main"},
                                   "bound_claims_type": "string", "bound_subject": "", "user_claim": "actor",
                                   "token_policies": ["ml-ops"]})
    lst("auth/aws/role", ["deployer", "training"])
    get("auth/aws/role/training", {**TOKEN, "auth_type": "iam", "bound_account_id": [],
                                   "bound_iam_principal_arn": [f"arn:aws:iam::{PROD}:role/sagemaker-training"],
                                   "resolve_aws_unique_ids": True, "token_policies": ["ml-training"]})
    get("auth/aws/role/deployer", {**TOKEN, "auth_type": "iam", "bound_account_id": [],
                                   "bound_iam_principal_arn": [f"arn:aws:iam::{PROD}:role/github-deployer"],
                                   "resolve_aws_unique_ids": True, "token_policies": ["deploy-secrets"]})
    # The ML cluster's training pods log in with their service account.
    get("auth/kubernetes/config", {"kubernetes_host": "https://ACMEAIML0001.gr7.us-east-1.eks.amazonaws.com",
                                   "issuer": "https://oidc.eks.us-east-1.amazonaws.com/id/ACMEAIML0001",
                                   "disable_iss_validation": False})
    lst("auth/kubernetes/role", ["trainer"])
    get("auth/kubernetes/role/trainer", {**TOKEN, "bound_service_account_names": ["trainer"],
                                         "bound_service_account_namespaces": ["ml"],
                                         "alias_name_source": "serviceaccount_uid", "token_policies": ["ml-training"]})
    lst("secret/metadata", ["ci/", "deploy/", "ml/"])
    lst("secret/metadata/ci", ["openai-key"])
    get("secret/metadata/ci/openai-key", {
        "cas_required": False, "created_time": "2025-09-01T10:00:00Z", "current_version": 4,
        "custom_metadata": {"credential-of": "openai:key/proj-prod/ci", "owner": "platform"},
        "delete_version_after": "0s", "max_versions": 0, "oldest_version": 0,
        "updated_time": "2026-09-01T10:00:00Z"})
    lst("secret/metadata/deploy", ["registry-token"])
    lst("secret/metadata/ml", ["azure-openai-sp", "hf-token"])
    get("secret/metadata/ml/azure-openai-sp", {
        "cas_required": False, "created_time": "2026-03-04T10:00:00Z", "current_version": 2,
        "custom_metadata": {"credential-of": OPS_SP, "owner": "ml-platform"},
        "delete_version_after": "0s", "max_versions": 0, "oldest_version": 0,
        "updated_time": "2026-10-01T10:00:00Z"})

    files = []
    for d, _, names in os.walk(ROOT):
        for n in names:
            files.append(os.path.relpath(os.path.join(d, n), ROOT).replace(os.sep, "/"))
    print("pub const DEMO_VAULT: &[(&str, &str)] = &[")
    for f in sorted(files):
        print('    (\n        "%s",\n        include_str!("../demo/vault/%s"),\n    ),' % (f, f))
    print("];")


if __name__ == "__main__":
    main()
