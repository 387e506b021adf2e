#!/usr/bin/env python3
"""Writes the demo estate's GitHub, Kubernetes, Google Workspace and Slack
parts (demo/github, demo/k8s, demo/google, demo/slack) and prints their lists for
src/demo_files.rs: Acme AI's GitHub organisation (REST responses,
docs/github-raw-layout.md), its ML cluster (kubectl output,
docs/k8s-raw-layout.md) and its Google Workspace tokens (docs/saas-oauth.md).
tests/scenarios/cross-provider reads them with the demo's raw AWS, Azure
and Vault files."""
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = HERE
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
    for part in ("github", "k8s", "google", "slack"):
        if os.path.isdir(os.path.join(ROOT, part)):
            shutil.rmtree(os.path.join(ROOT, part))
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
    # Google Workspace: alice granted an AI notebook app her Drive.
    write("google/C0acmeai/users.json", {"kind": "admin#directory#users", "users": [
        {"kind": "admin#directory#user", "id": "107000000000000000001", "primaryEmail": "alice@acme.ai",
         "isAdmin": False, "suspended": False, "customerId": "C0acmeai", "orgUnitPath": "/"}]})
    write("google/C0acmeai/tokens/alice@acme.ai.json", {"kind": "admin#directory#tokenList", "items": [
        {"kind": "admin#directory#token", "clientId": "notebook-sync", "displayText": "notebook-sync OAuth app",
         "anonymous": False, "nativeApp": False, "userKey": "alice@acme.ai",
         "scopes": ["https://www.googleapis.com/auth/drive", "openid"]}]})
    # Slack: an approved summarizer app reads every public channel.
    write("slack/E0ACMEAI1/admin.apps.approved.list.json", {"ok": True, "approved_apps": [
        {"app": {"id": "A0SUMMARY1", "name": "channel-summarizer", "description": "LLM summaries of channels",
                 "is_app_directory_approved": False, "is_internal": True},
         "scopes": [{"name": "channels:history", "is_sensitive": True, "token_type": "user"},
                    {"name": "files:read", "is_sensitive": True, "token_type": "bot"}],
         "date_updated": 1764000000, "last_resolved_by": {"actor_id": "W0ACMEADMIN", "actor_type": "user"}}],
        "response_metadata": {"next_cursor": ""}})
    lists()


def lists():
    """Prints DEMO_GITHUB, DEMO_K8S, DEMO_GOOGLE and DEMO_SLACK for src/demo_files.rs."""
    for part, const in (("github", "DEMO_GITHUB"), ("k8s", "DEMO_K8S"), ("google", "DEMO_GOOGLE"), ("slack", "DEMO_SLACK")):
        files = []
        for d, _, names in os.walk(os.path.join(ROOT, part)):
            for n in names:
                files.append(os.path.relpath(os.path.join(d, n), os.path.join(ROOT, part)).replace(os.sep, "/"))
        print("/// The demo estate's %s part, written by `demo/gen-platform-demo.py`." % part)
        print("pub const %s: &[(&str, &str)] = &[" % const)
        for f in sorted(files):
            print('    (\n        "%s",\n        include_str!("../demo/%s/%s"),\n    ),' % (f, part, f))
        print("];\n")


if __name__ == "__main__":
    main()
