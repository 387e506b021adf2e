#!/usr/bin/env python3
"""A stand-in for a Kubernetes API server on 127.0.0.1, replaying a
cluster folder of the layout: `GET /api/v1/serviceaccounts` and the RBAC
lists answer the folder's objects of that kind, as the API does (a
`…List` without each item's `kind`), one item per page with
`metadata.continue`; secrets come with their `data`, as the API returns
them; `/.well-known/openid-configuration` answers the issuer. 401 without
the token.

usage: k8s_stub.py CLUSTER_DIR PORT_FILE TOKEN"""
import glob
import json
import os
import sys
import urllib.parse

from stub_http import JsonHandler, serve

DIR, PORT_FILE, TOKEN = sys.argv[1:4]
KINDS = {
    "/api/v1/serviceaccounts": "ServiceAccount",
    "/api/v1/secrets": "Secret",
    "/apis/rbac.authorization.k8s.io/v1/roles": "Role",
    "/apis/rbac.authorization.k8s.io/v1/rolebindings": "RoleBinding",
    "/apis/rbac.authorization.k8s.io/v1/clusterroles": "ClusterRole",
    "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings": "ClusterRoleBinding",
}


def objects(kind):
    out = []
    for f in sorted(glob.glob(os.path.join(DIR, "*.json"))):
        doc = json.load(open(f))
        if doc.get("kind") == "List":
            out.extend(i for i in doc["items"] if i.get("kind") == kind)
    return out


class Handler(JsonHandler):
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query)
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            return self.send(401, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": "Unauthorized", "code": 401})
        if url.path == "/.well-known/openid-configuration":
            return self.send(200, json.load(open(os.path.join(DIR, "openid-configuration.json"))))
        kind = KINDS.get(url.path)
        if not kind:
            return self.send(404, {"kind": "Status", "status": "Failure", "code": 404})
        items = []
        for o in objects(kind):
            o = {k: v for k, v in o.items() if k not in ("kind", "apiVersion")}
            items.append(o)
        i = int(q.get("continue", ["0"])[0] or "0")
        nxt = str(i + 1) if i + 1 < len(items) else ""
        meta = {"resourceVersion": "4242"}
        if nxt:
            meta["continue"] = nxt
        self.send(200, {"kind": kind + "List", "apiVersion": "v1", "metadata": meta, "items": items[i:i + 1]})


serve(Handler, PORT_FILE)
