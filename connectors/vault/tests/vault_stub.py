#!/usr/bin/env python3
"""A stand-in for Vault's HTTP API on 127.0.0.1, replaying a raw-layout
folder: `GET /v1/PATH` answers `vault/PATH.json`, `GET /v1/PATH?list=true`
(and the `LIST` method) answers `vault/PATH/LIST.json`; anything else is
404 `{"errors":[]}`, as Vault answers it. A request without the token is
403. Each request is logged (method, path, query) to the log file.

usage: vault_stub.py LAYOUT_ROOT PORT_FILE LOG_FILE TOKEN"""
import os
import sys
import urllib.parse

from stub_http import JsonHandler, serve

ROOT, PORT_FILE, LOG, TOKEN = sys.argv[1:5]


class Handler(JsonHandler):
    def answer(self, listing):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        listing = listing or query.get("list") == ["true"]
        path = urllib.parse.unquote(url.path)
        with open(LOG, "a") as f:
            f.write("%s %s %s\n" % ("LIST" if listing else "GET", path, url.query))
        if self.headers.get("X-Vault-Token") != TOKEN:
            return self.send(403, b'{"errors":["permission denied"]}\n')
        if not path.startswith("/v1/"):
            return self.send(404, b'{"errors":[]}\n')
        rel = path[len("/v1/"):].strip("/")
        file = os.path.join(ROOT, rel, "LIST.json") if listing else os.path.join(ROOT, rel + ".json")
        if ".." in rel.split("/") or not os.path.isfile(file):
            return self.send(404, b'{"errors":[]}\n')
        with open(file, "rb") as f:
            self.send(200, f.read())

    def do_GET(self):
        self.answer(False)

    def do_LIST(self):
        self.answer(True)


serve(Handler, PORT_FILE)
