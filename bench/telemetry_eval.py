#!/usr/bin/env python3
"""Missing-telemetry evaluation on real services: gate's handler detection and its
GATE-TEL findings, against labels written by reading each service's code.

Usage:
    python3 bench/telemetry_eval.py [--repos /work/eval/telemetry] [--gate target/release/gate]
        [--baseline /work/coord/gate-0.1-baseline] [--labels bench/telemetry_labels.yaml]
        [--only owner/name] [--show-unlabeled]

Each repository of the labels file must be cloned under --repos as `owner+name` (the `fetch`
tool's mirror cloned with `git clone`), at the commit the labels name. Nothing of theirs is
copied into this project: the labels hold paths, function names, lines and verdicts.

Two runs per repository and gate:
  * `all`:    `gate check --all . --format json` and `gate facts --all .`
  * `replay`: the whole repository as one added diff,
              `git diff --full-index <empty tree> HEAD | gate check --diff - --format json`
              (gate 0.1's `--all` skipped telemetry, so its figures come from this run).
The baseline is measured with `replay`; the current gate with both.

Printed: handler detection precision/recall per language (a detected handler matches a
labelled one in the same file whose def/annotation line lies within a few lines of the
fact's start, the name's last component agreeing), the service-level judgement (does gate
see request telemetry where the labels say there is), detection precision of outbound
calls, and for every GATE-TEL rule the findings accepted/rejected as an SRE would judge them.
Unlabelled findings and facts are listed with --show-unlabeled (a complete run has none).
"""

import argparse
import collections
import json
import os
import subprocess
import sys

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("telemetry_eval.py needs PyYAML (pip install pyyaml)")

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
LANGS = {".py": "python", ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript",
         ".ts": "typescript", ".tsx": "typescript", ".go": "go", ".rs": "rust", ".java": "java"}


def lang_of(path):
    return LANGS.get(os.path.splitext(path)[1], "other")


def run(cmd, cwd, stdin=None):
    p = subprocess.run(cmd, cwd=cwd, input=stdin, capture_output=True)
    if p.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} in {cwd} failed ({p.returncode}): {p.stderr.decode()[:400]}")
    return p.stdout


def replay_diff(repo_dir, exclude):
    args = ["git", "diff", "--full-index", EMPTY_TREE, "HEAD", "--", "."]
    args += [f":(exclude){e}" for e in exclude]
    return run(args, repo_dir)


def gate_outputs(gate, repo_dir, mode, exclude):
    """(findings, facts) of one gate in one mode."""
    if mode == "all":
        check = run([gate, "check", "--all", ".", "--format", "json"], repo_dir)
        facts = run([gate, "facts", "--all", "."], repo_dir)
    else:
        diff = replay_diff(repo_dir, exclude)
        check = run([gate, "check", "--diff", "-", "--format", "json"], repo_dir, diff)
        facts = run([gate, "facts", "--diff", "-"], repo_dir, diff)
    return json.loads(check)["findings"], json.loads(facts)


def parse_at(s):
    path, _, line = s.rpartition(":")
    if path and line.isdigit():
        return path, int(line)
    return s, None


def handler_labels(entries):
    """{path: [(name, line)]} from {path: ["name@line", ...]}."""
    out = {}
    for path, names in (entries or {}).items():
        for n in names:
            name, _, line = n.rpartition("@")
            out.setdefault(path, []).append((name, int(line)))
    return out


def last(name):
    for sep in (": ", "."):
        name = name.split(sep)[-1] if sep == "." else name
    return name.split(".")[-1].strip()


def match_handlers(facts, labels, maybe):
    """Returns (tp, fp, fn, fp_list, fn_list) per language."""
    per = collections.defaultdict(lambda: [0, 0, 0])
    fps, fns = [], []
    found = [t for t in facts if t["kind"] == "http_handler"]
    used = set()
    for path, items in labels.items():
        for name, line in items:
            cands = [t for t in found if t["path"] == path and id(t) not in used
                     and t["line"] - 1 <= line <= t["line"] + 12 and line <= t["end_line"]]
            # Prefer the fact whose name agrees, then the nearest.
            cands.sort(key=lambda t: (last(t["function"]) != name.split(".")[-1], abs(t["line"] - line)))
            if cands:
                used.add(id(cands[0]))
                per[lang_of(path)][0] += 1
            else:
                per[lang_of(path)][2] += 1
                fns.append(f"{path}:{line} {name}")
    for t in found:
        if id(t) in used:
            continue
        if any(t["path"] == p and t["line"] - 1 <= l <= t["line"] + 12 for p, items in maybe.items() for _, l in items):
            continue
        per[lang_of(t["path"])][1] += 1
        fps.append(f"{t['path']}:{t['line']} {t['function']}")
    return per, fps, fns


def judge(rule, f, labels):
    """(ok, why) for a finding, or None when unlabelled."""
    path, line = f.get("path"), f.get("line")
    best = None
    for lab in labels.get("findings", []):
        rules = lab["rule"] if isinstance(lab["rule"], list) else [lab["rule"]]
        if rule not in rules:
            continue
        lp, ll = parse_at(lab["at"])
        if lp != path:
            continue
        if ll is None and best is None:
            best = lab
        if ll == line:
            return lab["ok"], lab.get("why", "")
    if best is not None:
        return best["ok"], best.get("why", "")
    d = (labels.get("defaults") or {}).get(rule)
    if d is not None:
        return d["ok"], d.get("why", "")
    return None


def outbound_labels(o):
    """(by place, by callee pattern): `real`/`not` list lines per path; `real_calls` and
    `not_calls` are regexes on the callee (`function: callee`) for call kinds judged once
    (every `sqlx::query!` is a database call)."""
    import re
    out = {}
    for verdict in ("real", "not"):
        for path, lines in ((o or {}).get(verdict) or {}).items():
            for l in lines:
                out[(path, l)] = verdict == "real"
    pats = [(re.compile(p), True) for p in (o or {}).get("real_calls", [])]
    pats += [(re.compile(p), False) for p in (o or {}).get("not_calls", [])]
    return out, pats


def services_agreement(facts, labels):
    """[(root, labelled, gate)] for the labelled services gate reports."""
    got = {s["root"]: s for s in facts.get("telemetry_services", [])}
    rows = []
    for root, lab in (labels.get("services") or {}).items():
        root = "" if root in (".", "/") else root
        g = got.get(root)
        rows.append((root, lab.get("requests") is not None, None if g is None else bool(g["requests"])))
    return rows


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repos", default="/work/eval/telemetry")
    ap.add_argument("--gate", default=os.path.join(here, "..", "target", "release", "gate"))
    ap.add_argument("--baseline", default="/work/coord/gate-0.1-baseline")
    ap.add_argument("--labels", default=os.path.join(here, "telemetry_labels.yaml"))
    ap.add_argument("--only")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--show-unlabeled", action="store_true")
    ap.add_argument("--show-misses", action="store_true", help="list missed and extra handlers")
    a = ap.parse_args()
    a.gate, a.baseline = os.path.abspath(a.gate), os.path.abspath(a.baseline)
    labels = yaml.safe_load(open(a.labels))
    runs = [("baseline", a.baseline, "replay"), ("gate", a.gate, "all"), ("gate", a.gate, "replay")]
    if a.no_baseline:
        runs = runs[1:]
    totals = {}
    unlabeled = []
    for repo, lab in labels["repos"].items():
        if a.only and repo != a.only:
            continue
        d = os.path.join(a.repos, repo.replace("/", "+"))
        if not os.path.isdir(d):
            print(f"skip {repo}: no clone at {d}")
            continue
        head = run(["git", "rev-parse", "HEAD"], d).decode().strip()
        if head != lab["commit"]:
            print(f"warning: {repo} is at {head}, the labels are for {lab['commit']}")
        hl = handler_labels(lab.get("handlers"))
        maybe = handler_labels(lab.get("maybe_handlers"))
        ol = outbound_labels(lab.get("outbound"))
        for who, gate, mode in runs:
            key = f"{who} ({mode})"
            T = totals.setdefault(key, {"handlers": collections.defaultdict(lambda: [0, 0, 0]),
                                        "rules": collections.defaultdict(lambda: [0, 0, 0]),
                                        "outbound": [0, 0, 0], "services": [0, 0, 0], "fps": [], "fns": [],
                                        "recall": collections.defaultdict(lambda: [0, 0]), "missed": []})
            findings, facts = gate_outputs(gate, d, mode, lab.get("exclude", []))
            facts_t = facts.get("telemetry", [])
            per, fps, fns = match_handlers(facts_t, hl, maybe)
            for l, v in per.items():
                for i in range(3):
                    T["handlers"][l][i] += v[i]
            T["fps"] += [f"{repo}: {x}" for x in fps]
            T["fns"] += [f"{repo}: {x}" for x in fns]
            for f in findings:
                r = f["rule"]
                if not r.startswith("GATE-TEL"):
                    continue
                j = judge(r, f, lab)
                if j is None:
                    T["rules"][r][2] += 1
                    unlabeled.append(f"[{key}] {repo} {r} {f.get('path')}:{f.get('line')} {f['message'][:140]}")
                elif j[0]:
                    T["rules"][r][0] += 1
                else:
                    T["rules"][r][1] += 1
            # Recall of findings: every labelled finding judged true (`ok: true`, at a
            # path, or a path and line), found again by a finding of one of its rules there.
            # The pool is what any gate run reported and the labels accepted, so this is a
            # recall relative to that pool, not against every problem the code has.
            for labf in lab.get("findings", []):
                if not labf.get("ok"):
                    continue
                rules = labf["rule"] if isinstance(labf["rule"], list) else [labf["rule"]]
                lp, ll = parse_at(labf["at"])
                hit = any(f["rule"] in rules and f.get("path") == lp and (ll is None or f.get("line") == ll)
                          for f in findings)
                T["recall"][rules[-1]][0 if hit else 1] += 1
                if not hit:
                    T["missed"].append(f"{repo}: {'/'.join(rules)} {labf['at']} ({labf.get('why', '')})")
            for t in facts_t:
                if t["kind"] != "outbound_call":
                    continue
                v = ol[0].get((t["path"], t["line"]))
                if v is None:
                    callee = t["function"].split(": ", 1)[-1]
                    v = next((ok for p, ok in ol[1] if p.search(callee)), None)
                if v is None:
                    T["outbound"][2] += 1
                    if who == "gate":
                        unlabeled.append(f"[{key}] {repo} outbound {t['path']}:{t['line']} {t['function']} ({t.get('role', '')})")
                elif v:
                    T["outbound"][0] += 1
                else:
                    T["outbound"][1] += 1
            if who == "gate":
                for root, want, got in services_agreement(facts, lab):
                    if got is None:
                        continue
                    T["services"][0 if want == got else 1] += 1
                    if want != got:
                        unlabeled.append(f"[{key}] {repo} service {root!r}: labels say request telemetry={want}, gate={got}")
    for key, T in totals.items():
        print(f"\n== {key}")
        tp = sum(v[0] for v in T["handlers"].values())
        fp = sum(v[1] for v in T["handlers"].values())
        fn = sum(v[2] for v in T["handlers"].values())
        print("handler detection   language     found  extra  missed  precision  recall")
        for l, (a_, b_, c_) in sorted(T["handlers"].items()):
            print(f"                    {l:<11} {a_:>6} {b_:>6} {c_:>7}  {pct(a_, a_ + b_):>9}  {pct(a_, a_ + c_):>6}")
        print(f"                    {'all':<11} {tp:>6} {fp:>6} {fn:>7}  {pct(tp, tp + fp):>9}  {pct(tp, tp + fn):>6}")
        if a.show_misses:
            for x in T["fns"]:
                print("  missed:", x)
            for x in T["fps"]:
                print("  extra: ", x)
        o = T["outbound"]
        print(f"outbound calls      real {o[0]}, not outbound {o[1]}, unlabelled {o[2]}: precision {pct(o[0], o[0] + o[1])}")
        s = T["services"]
        if s[0] + s[1]:
            print(f"service judgement   request telemetry seen as labelled: {s[0]}/{s[0] + s[1]}")
        print("findings            rule          accepted  rejected  unlabelled  precision")
        acc = rej = 0
        for r, (x, y, z) in sorted(T["rules"].items()):
            acc += x
            rej += y
            print(f"                    {r:<13} {x:>8} {y:>9} {z:>11}  {pct(x, x + y):>9}")
        print(f"                    {'all':<13} {acc:>8} {rej:>9} {'':>11}  {pct(acc, acc + rej):>9}")
        print("recall of accepted  rule (last)   found  missed  recall   (pool: labelled true findings)")
        hit = miss = 0
        for r, (x, y) in sorted(T["recall"].items()):
            hit += x
            miss += y
            print(f"                    {r:<13} {x:>6} {y:>7}  {pct(x, x + y):>6}")
        print(f"                    {'all':<13} {hit:>6} {miss:>7}  {pct(hit, hit + miss):>6}")
        if a.show_misses:
            for x in T["missed"]:
                print("  missed finding:", x)
    if unlabeled and a.show_unlabeled:
        print("\nunlabelled:")
        for u in unlabeled:
            print("  " + u)
    elif unlabeled:
        print(f"\n{len(unlabeled)} unlabelled items (--show-unlabeled lists them)")


def pct(a, b):
    return "-" if b == 0 else f"{100.0 * a / b:.0f}%"


if __name__ == "__main__":
    main()
