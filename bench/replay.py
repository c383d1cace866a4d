#!/usr/bin/env python3
"""Replay the first-parent history of git clones through `gate check`, as a team adopting gate
would, and measure what it would have said: decisions, findings per rule, time per commit,
errors and, with a reviewer's labels, precision per rule.

For each of the N newest first-parent commits C of each --repo (commits without a parent, and
commits whose diff needs a blob the clone lacks, are skipped: a fetched snapshot can lack its
largest files; they are left out of the checkout too), C is checked out in a scratch worktree and gate runs there as
`gate check --base C^ --head C --format json`: the change a pull request merged as C would have
shown, judged with the configuration of its base (none, for a repository that never adopted
gate).

Labels (--labels FILE, JSON) are a reviewer's judgement of each finding after reading the diff:

    {"labels": [
      {"repo": "mealie", "commit": "3f2a9c1b7d0e", "rule": "GATE-BLA-004",
       "path": ".github/workflows/test.yml", "line": 12, "level": "warning",
       "label": "noise", "why": "Dependabot moved actions/checkout v4 -> v5"}
    ]}

`label` is `useful` (a reviewer would want to see it), `noise` (accurate, not worth a reviewer's
time) or `wrong` (factually wrong). `commit` may be abbreviated; `path` is "" for findings
without a path; `line` and `level` are optional and, when present, must match too (a label
given for a warning does not carry over to the same finding reported as a note). `repo` is the
name of the clone's directory, or --name.

Standard library only. Examples:

    python3 bench/replay.py --repo ../eval/mealie --commits 80 --gate target/release/gate
    python3 bench/replay.py --repo ../eval/mealie:100 --repo ../eval/alertmanager:25   # N per repo
    python3 bench/replay.py --repo A --repo B --commits 80 --labels labels.json --json out.json
    python3 bench/replay.py --from-json out.json --labels labels.json   # re-score, no rerun
"""

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

LABELS = ("useful", "noise", "wrong")

# Variables through which gate could find a pull request or a CI system other than the one the
# replay describes on its command line.
CI_VARS = (
    "CI", "GATE_BASE", "GITHUB_ACTIONS", "GITHUB_BASE_REF", "GITHUB_HEAD_REF",
    "GITHUB_EVENT_PATH", "GITHUB_EVENT_NAME", "GITLAB_CI", "CI_MERGE_REQUEST_DIFF_BASE_SHA",
    "BUILDKITE", "BUILDKITE_PULL_REQUEST_BASE_BRANCH", "TF_BUILD",
    "SYSTEM_PULLREQUEST_TARGETBRANCH", "JENKINS_URL", "CHANGE_TARGET", "BITBUCKET_BUILD_NUMBER",
    "BITBUCKET_PR_DESTINATION_BRANCH",
)


def git(repo, *args, check=True):
    r = subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        sys.exit(f"replay: git {' '.join(args)} in {repo} failed: {r.stderr.strip()}")
    return r.stdout


def missing_objects(repo, ids):
    """The object ids the clone does not have (a fetched snapshot can lack its largest files)."""
    ids = sorted(set(ids))
    if not ids:
        return set()
    r = subprocess.run(["git", "-C", repo, "cat-file", "--batch-check"], input="\n".join(ids) + "\n",
                       capture_output=True, text=True)
    return {line.split()[0] for line in r.stdout.splitlines() if line.endswith(" missing")}


def first_parent_commits(repo, rev, n):
    """The n newest first-parent commits reachable from rev that have a parent and whose diff
    git can compute from this clone, newest first; and the commits skipped for lack of a blob."""
    out = git(repo, "rev-list", "--first-parent", "--parents", rev)
    commits, skipped = [], []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        c = parts[0]
        raw = git(repo, "diff-tree", "-r", "--no-commit-id", "--raw", "--no-renames", f"{c}^", c)
        ids = [t for l in raw.splitlines() for t in l.split("\t")[0].split()[2:4]
               if set(t) != {"0"}]
        if missing_objects(repo, ids):
            skipped.append(c)
            continue
        commits.append(c)
        if len(commits) == n:
            break
    return commits, skipped


def gitignore_escape(path):
    return re.sub(r"([*?\[\]\\!# ])", r"\\\1", path)


def checkout(scratch, c, state):
    """Checks out c in the scratch worktree, leaving out the files the clone lacks (sparse)."""
    listing = git(scratch, "ls-tree", "-r", "-z", "--full-tree", c)
    by_id = {}
    for line in filter(None, listing.split("\0")):
        meta, path = line.split("\t", 1)
        kind, oid = meta.split()[1:3]
        if kind == "blob":
            by_id.setdefault(oid, []).append(path)
    absent = sorted(p for oid in missing_objects(scratch, by_id) for p in by_id[oid])
    if absent != state.get("absent"):
        patterns = ["/*"] + ["!/" + gitignore_escape(p) for p in absent]
        git(scratch, "sparse-checkout", "set", "--no-cone", *patterns)
        state["absent"] = absent
    git(scratch, "checkout", "-q", "--detach", "--force", c)
    return absent


def replay_repo(repo, name, n, rev, gate, scratch_root, threads):
    repo = os.path.abspath(repo)
    commits, skipped = first_parent_commits(repo, rev, n)
    if not commits:
        sys.exit(f"replay: {repo} has no commit to replay from {rev}")
    scratch = tempfile.mkdtemp(prefix=f"replay-{name}-",
                               dir=os.path.abspath(scratch_root) if scratch_root else None)
    os.rmdir(scratch)
    git(repo, "worktree", "add", "--detach", "--no-checkout", "-q", scratch, commits[0])
    state = {}
    env = {k: v for k, v in os.environ.items() if k not in CI_VARS}
    runs = []
    try:
        for i, c in enumerate(commits, 1):
            absent = checkout(scratch, c, state)
            subject = git(scratch, "log", "-1", "--format=%s", c).strip()
            cmd = [gate, "check", "--base", f"{c}^", "--head", c, "--format", "json"]
            if threads:
                cmd += ["--threads", str(threads)]
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            p = subprocess.run(cmd, cwd=scratch, capture_output=True, text=True, env=env)
            dt = time.perf_counter() - t0
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            # CPU time of gate and the git processes it waited for: steadier than wall time
            # on a shared machine.
            cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
            run = {"repo": name, "commit": c, "subject": subject, "seconds": round(dt, 4), "cpu_seconds": round(cpu, 4),
                   "exit": p.returncode, "decision": None, "score": None, "band": None,
                   "reasons": [], "findings": [], "error": None,
                   "stats": None, "absent_files": absent}
            doc = None
            if p.returncode in (0, 1):
                try:
                    doc = json.loads(p.stdout)
                except json.JSONDecodeError as e:
                    run["error"] = f"exit {p.returncode} but no JSON report: {e}"
            else:
                msg = (p.stderr.strip() or p.stdout.strip() or "(no message)").splitlines()
                run["error"] = f"exit {p.returncode}: " + " | ".join(msg[-3:])
            if doc is not None:
                v = doc.get("verdict", {})
                run.update(decision=v.get("decision"), score=v.get("score"), band=v.get("band"),
                           reasons=v.get("reasons", []), stats=doc.get("change", {}).get("stats"))
                for f in doc.get("findings", []):
                    run["findings"].append({
                        "rule": f.get("rule"), "level": f.get("level"),
                        "path": f.get("path") or "", "line": f.get("line"),
                        "risk": f.get("risk"), "message": f.get("message"),
                        "suppressed": bool(f.get("suppressed")),
                    })
            runs.append(run)
            print(f"\r{name}: {i}/{len(commits)}", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
    finally:
        git(repo, "worktree", "remove", "--force", scratch, check=False)
        shutil.rmtree(scratch, ignore_errors=True)
    return {"repo": name, "path": repo, "rev": rev, "newest": commits[0], "oldest": commits[-1],
            "commits": len(commits), "skipped": skipped, "runs": runs}


# ---------------------------------------------------------------------------------------------
# Labels


def load_labels(path):
    with open(path) as fh:
        doc = json.load(fh)
    items = doc["labels"] if isinstance(doc, dict) else doc
    index = {}
    for i, it in enumerate(items):
        for k in ("repo", "commit", "rule", "label"):
            if k not in it:
                sys.exit(f"replay: {path}: label {i} has no {k!r}")
        if it["label"] not in LABELS:
            sys.exit(f"replay: {path}: label {i}: {it['label']!r} is not one of {LABELS}")
        if len(it["commit"]) < 7:
            sys.exit(f"replay: {path}: label {i}: commit {it['commit']!r} is too short")
        index.setdefault((it["repo"], it["rule"], it.get("path") or ""), []).append(it)
    return index


def label_of(index, repo, commit, f):
    for it in index.get((repo, f["rule"], f["path"]), []):
        c = it["commit"]
        if not (commit.startswith(c) or c.startswith(commit)):
            continue
        if "line" in it and it["line"] != f["line"]:
            continue
        if "level" in it and it["level"] != f["level"]:
            continue
        return it["label"]
    return None


# ---------------------------------------------------------------------------------------------
# Summary


def pct(a, b):
    return f"{100.0 * a / b:.1f}%" if b else "-"


def percentile(xs, q):
    xs = sorted(xs)
    if not xs:
        return 0.0
    k = max(0, min(len(xs) - 1, int(round(q * (len(xs) - 1)))))
    return xs[k]


def table(rows, header):
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    def line(r):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"
    out = [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in rows]
    return "\n".join(out)


def summarize(repos, index, show_diff=0):
    """Prints the report; returns the summary as a dict."""
    all_runs = [r for rp in repos for r in rp["runs"]]
    summary = {"repos": {}, "rules": {}, "total": {}}

    def decisions(runs):
        d = {"pass": 0, "warn": 0, "fail": 0, "error": 0}
        for r in runs:
            d[r["decision"] if r["decision"] in d else "error"] += 1
        return d

    def labelled(run, f):
        return label_of(index, run["repo"], run["commit"], f) if index is not None else None

    def justified_fail(run):
        """A fail the reviewer agrees with: some unsuppressed blocking finding labelled useful."""
        return any(f["level"] == "error" and not f["suppressed"] and labelled(run, f) == "useful"
                   for f in run["findings"])

    rows = []
    for rp in repos + [{"repo": "TOTAL", "runs": all_runs}]:
        runs = rp["runs"]
        d = decisions(runs)
        times = [r["seconds"] for r in runs if r["error"] is None]
        cpus = [r["cpu_seconds"] for r in runs if r["error"] is None and "cpu_seconds" in r]
        nf = sum(len(r["findings"]) for r in runs)
        counts = {k: 0 for k in LABELS}
        unlabelled = 0
        for r in runs:
            for f in r["findings"]:
                lab = labelled(r, f)
                if lab:
                    counts[lab] += 1
                else:
                    unlabelled += 1
        fails = [r for r in runs if r["decision"] == "fail"]
        unjust = [r for r in fails if not justified_fail(r)] if index is not None else None
        s = {"commits": len(runs), **d, "fail_pct": round(100.0 * d["fail"] / len(runs), 2) if runs else 0,
             "findings": nf, "median_s": round(statistics.median(times), 4) if times else None,
             "p95_s": round(percentile(times, 0.95), 4) if times else None,
             "median_cpu_s": round(statistics.median(cpus), 4) if cpus else None,
             "labels": counts, "unlabelled": unlabelled,
             "unjustified_fails": len(unjust) if unjust is not None else None}
        summary["repos" if rp["repo"] != "TOTAL" else "total"].update(
            {rp["repo"]: s} if rp["repo"] != "TOTAL" else s)
        judged = sum(counts.values())
        rows.append([rp["repo"], len(runs), d["pass"], d["warn"], d["fail"], pct(d["fail"], len(runs)),
                     d["error"], nf, f"{s['median_s']:.3f}" if times else "-",
                     f"{s['p95_s']:.3f}" if times else "-",
                     f"{s['median_cpu_s']:.3f}" if cpus else "-"]
                    + ([pct(counts["useful"], judged), pct(counts["wrong"], judged), unlabelled,
                        f"{len(unjust)} ({pct(len(unjust), len(runs))})"] if index is not None else []))
    header = ["repo", "commits", "pass", "warn", "fail", "% fail", "errors", "findings",
              "median s", "p95 s", "median cpu s"] + (["useful", "wrong", "unlabelled", "unjustified fails"]
                                     if index is not None else [])
    print("## Decisions per repository\n")
    print(table(rows, header))

    # Findings per rule.
    per_rule = {}
    for r in all_runs:
        for f in r["findings"]:
            e = per_rule.setdefault(f["rule"], {"findings": 0, "error": 0, "warning": 0, "note": 0,
                                                "suppressed": 0, "commits": set(),
                                                **{k: 0 for k in LABELS}, "unlabelled": 0})
            e["findings"] += 1
            e[f["level"]] = e.get(f["level"], 0) + 1
            e["suppressed"] += f["suppressed"]
            e["commits"].add((r["repo"], r["commit"]))
            lab = labelled(r, f)
            e[lab if lab else "unlabelled"] += 1
    rows = []
    for rule in sorted(per_rule):
        e = per_rule[rule]
        judged = sum(e[k] for k in LABELS)
        rows.append([rule, e["findings"], len(e["commits"]), e["error"], e["warning"], e["note"]]
                    + ([e["useful"], e["noise"], e["wrong"], pct(e["useful"], judged),
                        pct(e["wrong"], judged), e["unlabelled"]] if index is not None else []))
        summary["rules"][rule] = {k: v for k, v in e.items() if k != "commits"}
        summary["rules"][rule]["commits"] = len(e["commits"])
    header = ["rule", "findings", "commits", "error", "warning", "note"] + (
        ["useful", "noise", "wrong", "useful %", "wrong %", "unlabelled"] if index is not None else [])
    print("\n## Findings per rule\n")
    print(table(rows, header) if rows else "(no findings)")

    # Reviewer-facing precision: the findings a reviewer is asked to look at (errors, warnings).
    if index is not None:
        counts = {k: 0 for k in LABELS}
        for r in all_runs:
            for f in r["findings"]:
                lab = labelled(r, f)
                if lab and f["level"] in ("error", "warning"):
                    counts[lab] += 1
        judged = sum(counts.values())
        t = summary["total"]["labels"]
        alljudged = sum(t.values())
        print(f"\nprecision, all findings: {pct(t['useful'], alljudged)} useful, "
              f"{pct(t['noise'], alljudged)} noise, {pct(t['wrong'], alljudged)} wrong "
              f"({alljudged} labelled, {summary['total']['unlabelled']} unlabelled)")
        print(f"precision, errors and warnings only: {pct(counts['useful'], judged)} useful, "
              f"{pct(counts['noise'], judged)} noise, {pct(counts['wrong'], judged)} wrong "
              f"({judged} labelled)")
        summary["total"]["reviewer_facing"] = counts

    # Failures and errors.
    fails = [r for r in all_runs if r["decision"] == "fail"]
    if fails:
        print("\n## Failed commits\n")
        for r in fails:
            blocking = [f for f in r["findings"] if f["level"] == "error" and not f["suppressed"]]
            mark = ""
            if index is not None:
                mark = " [agreed]" if justified_fail(r) else " [NOT AGREED]"
            print(f"- {r['repo']} {r['commit'][:12]} score {r['score']} {r['band']}{mark}: "
                  f"{r['subject'][:70]}")
            for f in blocking:
                lab = labelled(r, f) or "unlabelled"
                print(f"    blocking {f['rule']} {f['path']}:{f['line']} ({lab}): {f['message'][:100]}")
            if not blocking:
                print(f"    no blocking finding; reasons: {'; '.join(r['reasons'])}")
    errs = [r for r in all_runs if r["error"]]
    if errs:
        print("\n## Errors (exit 2 or no report)\n")
        for r in errs:
            print(f"- {r['repo']} {r['commit'][:12]}: {r['error'][:300]}")

    if index is not None:
        unl = [(r, f) for r in all_runs for f in r["findings"] if not labelled(r, f)]
        if unl:
            print(f"\n## Unlabelled findings ({len(unl)})\n")
            paths = {rp["repo"]: rp.get("path") for rp in repos}
            for r, f in unl:
                print(f"- {r['repo']} {r['commit'][:12]} {f['rule']} {f['level']} "
                      f"{f['path']}:{f['line']}: {f['message'][:110]}")
                if show_diff:
                    print(diff_excerpt(paths.get(r["repo"]), r, f, show_diff))
    return summary


def diff_excerpt(repo, run, f, limit):
    """What a reviewer reads to label a finding: its whole message, the commit's subject and
    the diff of the finding's file (of the whole commit, for a finding without a path), cut at
    `limit` lines."""
    if not repo or not os.path.isdir(repo):
        return "    (clone not found: diff not shown)"
    c = run["commit"]
    # Against the first parent, as gate checked it: `git show` of a merge prints no diff.
    args = ["diff", "--stat=120", "--patch", f"{c}^", c]
    if f["path"]:
        args += ["--", f["path"]]
    r = subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True, errors="replace")
    lines = [f"      message: {f['message']}", f"      subject: {run['subject']}"]
    lines += ["    | " + l for l in r.stdout.splitlines()]
    if len(lines) > limit:
        lines = lines[:limit] + [f"    | ... ({len(lines) - limit} more lines)"]
    return "\n".join(lines)


def repo_spec(spec, default_n):
    """`DIR` or `DIR:N` -> (DIR, N). A DIR that exists as written wins, so a path with a colon
    in its name still works."""
    path, sep, n = spec.rpartition(":")
    if not sep or os.path.exists(spec) or not n.isdigit() or int(n) < 1:
        return spec, default_n
    return path, int(n)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", action="append", default=[],
                    help="a git clone (repeatable); DIR:N replays its N newest commits instead of --commits")
    ap.add_argument("--name", action="append", default=[],
                    help="the repository's name in labels (default: the directory's name), one per --repo")
    ap.add_argument("--commits", type=int, default=80, help="first-parent commits per repository (unless --repo DIR:N)")
    ap.add_argument("--rev", default="HEAD", help="replay the history reachable from REV")
    ap.add_argument("--gate", default="target/release/gate", help="the gate binary")
    ap.add_argument("--threads", type=int, default=0, help="pass --threads N to gate")
    ap.add_argument("--scratch", default=None, help="where the scratch worktrees go")
    ap.add_argument("--labels", help="a reviewer's labels (JSON)")
    ap.add_argument("--show-diff", type=int, default=0, metavar="LINES",
                    help="with --labels: print each unlabelled finding's diff (up to LINES lines) to label it")
    ap.add_argument("--json", dest="json_out", help="write the runs and the summary as JSON")
    ap.add_argument("--from-json", help="summarize an earlier --json output instead of running gate")
    a = ap.parse_args()

    if a.from_json:
        with open(a.from_json) as fh:
            prev = json.load(fh)
        repos = prev["repos"]
        gate_version = prev.get("gate_version")
    else:
        if not a.repo:
            ap.error("give --repo (or --from-json)")
        if a.name and len(a.name) != len(a.repo):
            ap.error("give one --name per --repo")
        gate = shutil.which(a.gate) or os.path.abspath(a.gate)
        if not os.path.exists(gate):
            ap.error(f"no gate binary at {a.gate}")
        gate_version = subprocess.run([gate, "--version"], capture_output=True,
                                      text=True).stdout.strip()
        repos = []
        for i, spec in enumerate(a.repo):
            path, n = repo_spec(spec, a.commits)
            name = a.name[i] if a.name else os.path.basename(os.path.abspath(path).rstrip("/"))
            repos.append(replay_repo(path, name, n, a.rev, gate, a.scratch, a.threads))

    index = load_labels(a.labels) if a.labels else None
    print(f"# gate replay: {gate_version}\n")
    if not a.from_json:
        print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    for rp in repos:
        print(f"- {rp['repo']}: {rp['commits']} first-parent commits "
              f"{rp['oldest'][:12]}..{rp['newest'][:12]}"
              + (f" ({len(rp['skipped'])} skipped: the clone lacks a blob of their diff)"
                 if rp.get("skipped") else ""))
    print()
    summary = summarize(repos, index, a.show_diff)
    if a.json_out:
        with open(a.json_out, "w") as fh:
            json.dump({"gate_version": gate_version, "repos": repos, "summary": summary}, fh,
                      indent=1)


if __name__ == "__main__":
    main()
