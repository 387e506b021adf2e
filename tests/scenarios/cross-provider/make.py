#!/usr/bin/env python3
"""Writes inputs/ of the cross-provider scenario: Acme AI's GitHub
organisation (REST responses, docs/github-raw-layout.md) and its ML
cluster (kubectl output, docs/k8s-raw-layout.md). The scenario reads them
with the demo estate's raw AWS, Azure and Vault files
(crates/cli/demo/{aws,azure,vault})."""
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "inputs")
ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/ACMEAIML0001"


def write(path, doc):
    full = os.path.join(ROOT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


OWNER = {"login": "acme-ai", "id": 7001, "type": "Organization", "site_admin": False}


def repo(i, name):
    return {"id": 880100 + i, "name": name, "full_name": "acme-ai/" + name, "private": True, "owner": OWNER,
            "default_branch": "main", "archived": False, "visibility": "private"}


def collab(login, i, role):
    return {"login": login, "id": 410000 + i, "type": "User", "site_admin": False, "role_name": role,
            "permissions": {"admin": role == "admin", "maintain": role in ("admin", "maintain"),
                            "push": role in ("admin", "maintain", "write"), "triage": role != "read", "pull": True}}


def meta(name, ns=None, **extra):
    m = {"name": name, "uid": "5d0c-%s-%s" % (ns or "cluster", name), "creationTimestamp": "2026-02-01T00:00:00Z"}
    if ns:
        m["namespace"] = ns
    m.update(extra)
    return m


def main():
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    # GitHub: ml-infra's main branch is the subject the AWS deploy role and
    # the Vault JWT role trust; it is not protected.
    write("github/orgs/acme-ai/repos.json", [repo(0, "ml-infra"), repo(1, "website")])
    write("github/repos/acme-ai/ml-infra/branches.json", [{"name": "main", "protected": False,
                                                           "commit": {"sha": "4f1e0c2b", "url": ""}}])
    write("github/repos/acme-ai/ml-infra/collaborators.json", [collab("mallory", 1, "write"), collab("rita", 2, "read")])
    write("github/repos/acme-ai/ml-infra/environments.json", {"total_count": 0, "environments": []})
    write("github/repos/acme-ai/ml-infra/actions/oidc/customization/sub.json", {"use_default": True})
    write("github/repos/acme-ai/website/branches.json", [{"name": "main", "protected": False, "commit": {"sha": "9a8b7c6d", "url": ""}}])
    write("github/repos/acme-ai/website/collaborators.json", [collab("walt", 3, "write")])
    # Kubernetes: CI's service accounts may create pods in ml, so they run
    # as ml/trainer, which Vault's Kubernetes auth trusts.
    items = [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta("trainer", "ml")},
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta("builder", "ci")},
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta("default", "web")},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": meta("pod-launcher"),
         "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["create", "get", "list", "delete"]}]},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": meta("ci-launches-training", "ml"),
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "pod-launcher"},
         "subjects": [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "system:serviceaccounts:ci"}]},
    ]
    write("k8s/ml-cluster/rbac.json", {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}})
    write("k8s/ml-cluster/openid-configuration.json", {"issuer": ISSUER, "jwks_uri": ISSUER + "/keys",
                                                       "response_types_supported": ["id_token"],
                                                       "subject_types_supported": ["public"],
                                                       "id_token_signing_alg_values_supported": ["RS256"]})


if __name__ == "__main__":
    main()
