#!/usr/bin/env python3
"""Post gate's Markdown report as one sticky pull-request comment.

Usage: pr-comment.py REPORT.md

The comment is found again by the marker the Markdown report starts with
(`<!-- gate-report -->`): the first comment of the pull request whose body starts with it and
whose author is GATE_COMMENT_AUTHOR (default `github-actions[bot]`, the job token's identity;
empty = any author) is updated (PATCH); without one, a comment is created (POST). So each push
updates the same comment instead of adding one.

Environment (GitHub Actions sets the first three):
  GITHUB_API_URL      the REST API (default https://api.github.com)
  GITHUB_REPOSITORY   owner/name
  GITHUB_EVENT_PATH   the event payload, for the pull request's number
  GITHUB_TOKEN        a token that may write pull-request comments
  PR_NUMBER           the pull request's number (overrides the event payload)
  GATE_COMMENT_AUTHOR whose marked comment is updated (see above)

A comment is never the verdict: every failure (no token, no pull request, a token without
`pull-requests: write` as on pull requests from forks, an unreachable API) is a `::warning`
and exit 0. Only a usage error (no readable report) exits 2.
"""

import json
import os
import re
import sys
import urllib.error
import urllib.request

MARKER = "<!-- gate-report -->"
# GitHub refuses comment bodies over 65,536 characters.
LIMIT = 65536
PER_PAGE = 100
# A pull request with more comments than this is searched no further (a new comment is made).
MAX_PAGES = 50


def warn(message):
    # Workflow-command data: %, CR and LF must be escaped.
    data = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    print(f"::warning title=gate PR comment::{data}", flush=True)


class ApiError(Exception):
    def __init__(self, status, message):
        super().__init__(f"HTTP {status}: {message}")
        self.status = status


def request(api, token, method, path, body=None):
    """One API call; returns (parsed JSON, Link header)."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    req = urllib.request.Request(api + path, data=data, method=method)
    req.add_header("Accept", "application/vnd.github+json")
    req.add_header("Authorization", f"Bearer {token}")
    req.add_header("X-GitHub-Api-Version", "2022-11-28")
    req.add_header("User-Agent", "change-gate-action")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            text = resp.read().decode("utf-8", "replace")
            return (json.loads(text) if text else None), resp.headers.get("Link", "")
    except urllib.error.HTTPError as e:
        text = e.read().decode("utf-8", "replace")
        try:
            message = json.loads(text).get("message", text)
        except (ValueError, AttributeError):
            message = text
        raise ApiError(e.code, (message or e.reason or "").strip()[:300]) from None


def next_page(link):
    for part in link.split(","):
        m = re.match(r'\s*<([^>]+)>\s*;\s*rel="next"', part)
        if m:
            return m.group(1)
    return None


def find_comment(api, token, repo, number, author):
    """The id of the pull request's marked comment, or None."""
    path = f"/repos/{repo}/issues/{number}/comments?per_page={PER_PAGE}"
    for _ in range(MAX_PAGES):
        comments, link = request(api, token, "GET", path)
        for c in comments or []:
            body = c.get("body") or ""
            login = (c.get("user") or {}).get("login", "")
            if body.startswith(MARKER) and (not author or login == author):
                return c["id"]
        url = next_page(link)
        if not url:
            return None
        # The Link header holds absolute URLs of the same API.
        path = url[len(api):] if url.startswith(api) else None
        if path is None:
            return None
    return None


def pr_number():
    n = os.environ.get("PR_NUMBER", "").strip()
    if n:
        return n
    event = os.environ.get("GITHUB_EVENT_PATH", "")
    if event and os.path.isfile(event):
        try:
            with open(event, encoding="utf-8") as f:
                payload = json.load(f)
        except (OSError, ValueError):
            return ""
        pr = payload.get("pull_request") or {}
        if pr.get("number"):
            return str(pr["number"])
    return ""


def body_of(report):
    if not report.startswith(MARKER):
        report = f"{MARKER}\n{report}"
    if len(report) > LIMIT:
        note = "\n\n… cut to fit a comment: see the job summary or the SARIF report.\n"
        report = report[: LIMIT - len(note)] + note
    return report


def main(argv):
    if len(argv) != 2:
        print("usage: pr-comment.py REPORT.md", file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            report = f.read()
    except OSError as e:
        print(f"pr-comment.py: cannot read the report {argv[1]}: {e.strerror}", file=sys.stderr)
        return 2
    api = os.environ.get("GITHUB_API_URL", "").rstrip("/") or "https://api.github.com"
    repo = os.environ.get("GITHUB_REPOSITORY", "")
    token = os.environ.get("GITHUB_TOKEN", "")
    author = os.environ.get("GATE_COMMENT_AUTHOR", "github-actions[bot]")
    number = pr_number()
    if not number:
        warn("not a pull request: no comment posted (comment: true works on pull_request events)")
        return 0
    if not repo or not token:
        warn("no GITHUB_REPOSITORY or token: no comment posted")
        return 0
    if not number.isdigit() or not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repo):
        warn(f"unexpected pull request {number!r} or repository {repo!r}: no comment posted")
        return 0
    body = body_of(report)
    try:
        existing = find_comment(api, token, repo, number, author)
        if existing is None:
            request(api, token, "POST", f"/repos/{repo}/issues/{number}/comments", {"body": body})
            print(f"gate: commented on pull request #{number}")
        else:
            request(api, token, "PATCH", f"/repos/{repo}/issues/comments/{existing}", {"body": body})
            print(f"gate: updated comment {existing} on pull request #{number}")
    except ApiError as e:
        hint = ""
        if e.status in (401, 403, 404):
            hint = (
                ": the token may not write pull-request comments (give the job "
                "`permissions: pull-requests: write`; pull requests from forks get a read-only token)"
            )
        warn(f"could not post the PR comment ({e}){hint}")
    except (urllib.error.URLError, OSError, ValueError) as e:
        warn(f"could not reach the GitHub API at {api}: {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
