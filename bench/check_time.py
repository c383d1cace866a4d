#!/usr/bin/env python3
"""Check time of two (or more) gate binaries on the tuned and held-out replay sets (#15).

Per repository, each binary is replayed in turn (bench/replay.py, same window, so the load of
a shared machine falls on all of them), then the runs are merged per set and binary and the
median and p95 of CPU (user+sys of gate and the git processes it waited for) and wall time
per commit are printed as a Markdown table.

    python3 bench/check_time.py --out DIR --scratch DIR --gate old=BIN --gate new=BIN
    python3 bench/check_time.py --out DIR --gate old=BIN --gate new=BIN --summary-only

Sets (clones under --clones): tuned = mealie 100, govuk-infrastructure 25,
terraform-aws-vpc 25, alertmanager 25; held-out = healthchecks 100, vaultwarden 25,
toolkit 25 (newest first-parent commits). Standard library only.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

SETS = {
    "tuned": [("mealie", 100), ("govuk-infrastructure", 25), ("terraform-aws-vpc", 25),
              ("alertmanager", 25)],
    "held-out": [("healthchecks", 100), ("vaultwarden", 25), ("toolkit", 25)],
}


def percentile(xs, q):
    xs = sorted(xs)
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def runs_of(path):
    with open(path) as f:
        doc = json.load(f)
    return [r for repo in doc["repos"] for r in repo["runs"]]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gate", action="append", required=True, help="TAG=BINARY (repeatable)")
    ap.add_argument("--clones", default="/work/eval/precision")
    ap.add_argument("--scratch", default=None)
    ap.add_argument("--out", required=True, help="where the per-repository JSON runs go")
    ap.add_argument("--summary-only", action="store_true", help="summarize earlier runs")
    args = ap.parse_args()
    gates = [g.split("=", 1) for g in args.gate]
    os.makedirs(args.out, exist_ok=True)
    replay = os.path.join(os.path.dirname(os.path.abspath(__file__)), "replay.py")
    if not args.summary_only:
        for _, repos in SETS.items():
            for repo, n in repos:
                for tag, binary in gates:
                    cmd = [sys.executable, replay, "--repo", os.path.join(args.clones, repo),
                           "--commits", str(n), "--gate", binary,
                           "--json", os.path.join(args.out, f"{tag}-{repo}.json")]
                    if args.scratch:
                        cmd += ["--scratch", args.scratch]
                    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
                    print(f"replayed {repo} with {tag}", file=sys.stderr)
    print("| set | binary | commits | errors | median CPU s | p95 CPU s | median wall s | p95 wall s |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for name, repos in SETS.items():
        for tag, _ in gates:
            runs = [r for repo, _ in repos for r in runs_of(os.path.join(args.out, f"{tag}-{repo}.json"))]
            ok = [r for r in runs if r["error"] is None]
            cpu = [r["cpu_seconds"] for r in ok]
            wall = [r["seconds"] for r in ok]
            print(f"| {name} | {tag} | {len(runs)} | {len(runs) - len(ok)} | "
                  f"{statistics.median(cpu):.3f} | {percentile(cpu, 0.95):.3f} | "
                  f"{statistics.median(wall):.3f} | {percentile(wall, 0.95):.3f} |")


if __name__ == "__main__":
    main()
