#!/usr/bin/env python3
"""A stand-in for the GitHub REST API's issue comments, for tests of scripts/pr-comment.py.

Usage: fake_github_api.py SEED.json LOG.jsonl [--deny-writes]

Serves on 127.0.0.1 (a free port, printed as the first line of stdout) the comments of
SEED.json ({"repo": "o/r", "number": 7, "token": "t", "comments": [{"id", "user", "body"}]}):
GET /repos/o/r/issues/7/comments (paginated by per_page and page, with a Link header as
GitHub sends it), POST there, PATCH /repos/o/r/issues/comments/ID. A request without the
seed's bearer token gets 401; with --deny-writes, POST and PATCH get GitHub's 403 for a
read-only token. Every request is appended to LOG.jsonl as {method, path, body}.
"""

import json
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

seed_path, log_path = sys.argv[1], sys.argv[2]
deny_writes = "--deny-writes" in sys.argv[3:]
with open(seed_path, encoding="utf-8") as f:
    state = json.load(f)
comments = state["comments"]
prefix = f"/repos/{state['repo']}/issues"


class Api(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, doc, headers=()):
        data = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        url = urllib.parse.urlsplit(self.path)
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(json.dumps({"method": method, "path": url.path, "query": url.query, "body": body}) + "\n")
        if self.headers.get("Authorization") != f"Bearer {state['token']}":
            return self.reply(401, {"message": "Bad credentials"})
        listing = f"{prefix}/{state['number']}/comments"
        if method in ("POST", "PATCH") and deny_writes:
            return self.reply(403, {"message": "Resource not accessible by integration"})
        if method == "GET" and url.path == listing:
            q = urllib.parse.parse_qs(url.query)
            per_page = int(q.get("per_page", ["30"])[0])
            page = int(q.get("page", ["1"])[0])
            chunk = comments[(page - 1) * per_page : page * per_page]
            headers = []
            if page * per_page < len(comments):
                host = f"http://{self.headers.get('Host')}"
                headers.append(("Link", f'<{host}{listing}?per_page={per_page}&page={page + 1}>; rel="next"'))
            return self.reply(200, chunk, headers)
        if method == "POST" and url.path == listing:
            c = {"id": 1000 + len(comments), "user": {"login": "github-actions[bot]"}, "body": body["body"]}
            comments.append(c)
            return self.reply(201, c)
        if method == "PATCH" and url.path.startswith(f"{prefix}/comments/"):
            cid = int(url.path.rsplit("/", 1)[1])
            for c in comments:
                if c["id"] == cid:
                    c["body"] = body["body"]
                    return self.reply(200, c)
        return self.reply(404, {"message": "Not Found"})

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PATCH(self):
        self.handle_any("PATCH")


server = ThreadingHTTPServer(("127.0.0.1", 0), Api)
print(server.server_address[1], flush=True)
server.serve_forever()
