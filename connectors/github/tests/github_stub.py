#!/usr/bin/env python3
"""A stand-in for GitHub's REST API on 127.0.0.1, replaying a GitHub
layout folder: `GET /PATH` answers `PATH.json` (`/user/installations/ID/
repositories` answers `installations/ID/repositories.json`), one item per
page with `Link: <…>; rel="next"` as GitHub paginates; 404 with GitHub's
error body otherwise; 401 without the token.

usage: github_stub.py LAYOUT_ROOT PORT_FILE TOKEN"""
import json
import os
import sys
import urllib.parse

from stub_http import JsonHandler, serve

ROOT, PORT_FILE, TOKEN = sys.argv[1:4]
LISTS = ("environments", "installations", "repositories")


class Handler(JsonHandler):
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query)
        page = int(q.get("page", ["1"])[0])
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            return self.send(401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
        rel = url.path.strip("/")
        if rel.startswith("user/"):
            rel = rel[len("user/"):]
        f = os.path.join(ROOT, rel + ".json")
        if ".." in rel.split("/") or not os.path.isfile(f):
            return self.send(404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
        doc = json.load(open(f))
        items, field = None, None
        if isinstance(doc, list):
            items = doc
        else:
            field = next((k for k in LISTS if isinstance(doc.get(k), list)), None)
            items = doc[field] if field else None
        link = None
        if items is not None:
            more = page < len(items)
            chunk = items[page - 1:page]
            if field:
                doc = dict(doc)
                doc[field] = chunk
            else:
                doc = chunk
            if more:
                port = self.server.server_address[1]
                link = '<http://127.0.0.1:%d%s?per_page=100&page=%d>; rel="next"' % (port, url.path, page + 1)
        self.send(200, doc, [("Link", link)] if link else ())


serve(Handler, PORT_FILE)
