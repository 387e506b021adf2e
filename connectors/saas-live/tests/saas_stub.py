#!/usr/bin/env python3
"""A stand-in for Google's Directory API and Slack's admin API on
127.0.0.1, replaying the connectors' fixtures one item per page
(`nextPageToken`, `response_metadata.next_cursor`); 401 without the token.

usage: saas_stub.py GOOGLE_CUSTOMER_DIR SLACK_FILE PORT_FILE TOKEN"""
import json
import os
import sys
import urllib.parse

from stub_http import JsonHandler, serve

GOOGLE, SLACK, PORT_FILE, TOKEN = sys.argv[1:5]


class Handler(JsonHandler):
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query)
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            return self.send(401, {"error": {"code": 401, "message": "Request had invalid authentication credentials."}})
        parts = url.path.strip("/").split("/")
        if url.path == "/admin/directory/v1/users":
            users = json.load(open(os.path.join(GOOGLE, "users.json")))["users"]
            i = int(q.get("pageToken", ["0"])[0])
            doc = {"kind": "admin#directory#users", "users": users[i:i + 1]}
            if i + 1 < len(users):
                doc["nextPageToken"] = str(i + 1)
            return self.send(200, doc)
        if parts[:4] == ["admin", "directory", "v1", "users"] and len(parts) == 6 and parts[5] == "tokens":
            f = os.path.join(GOOGLE, "tokens", urllib.parse.unquote(parts[4]) + ".json")
            if not os.path.isfile(f):
                return self.send(200, {"kind": "admin#directory#tokenList"})
            return self.send(200, json.load(open(f)))
        if url.path == "/api/admin.apps.approved.list":
            apps = json.load(open(SLACK))["approved_apps"]
            i = int(q.get("cursor", ["0"])[0] or "0")
            nxt = str(i + 1) if i + 1 < len(apps) else ""
            return self.send(200, {"ok": True, "approved_apps": apps[i:i + 1], "response_metadata": {"next_cursor": nxt}})
        self.send(404, {"error": "not found"})


serve(Handler, PORT_FILE)
