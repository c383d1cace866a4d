#!/usr/bin/env python3
"""End-to-end speed of gate: pull requests of two sizes, plans against Checkov, and thread
scaling. Builds gate in release mode, generates its inputs (deterministic seed) in a temporary
directory, runs everything side by side, prints a table and writes bench/work/e2e.json.

  typical PR   50 files, ~2,000 changed lines, in a git repository (gate check --base)
  huge PR      5,000 files, ~200,000 changed lines
  plans        generated `terraform show -json` plans of 1,000 and 10,000 resources,
               gate check --plan vs checkov -f (PyPI checkov, when installed)
  threads      each gate run with -j 1 and -j 2
  peers        the same pull requests as diffs, scanned for secrets by gitleaks, betterleaks and
               kingfisher (when installed): what a user pays per pull request for a secrets-only
               gate, against gate's whole check

usage: python3 bench/e2e.py [--runs N] [--skip-checkov]
"""
import argparse, json, os, random, shutil, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from secrets_speed import diff_peer_tools  # noqa: E402  (the same peer commands)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "bench", "work")


def timed(cmd, cwd=None, runs=3, stdin=None):
    best = None
    for _ in range(runs):
        full = ["/usr/bin/time", "-f", "%M"] + cmd if os.path.exists("/usr/bin/time") else cmd
        src = open(stdin, "rb") if stdin else subprocess.DEVNULL
        t = time.perf_counter()
        p = subprocess.run(full, cwd=cwd, stdin=src, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        dt = time.perf_counter() - t
        if stdin:
            src.close()
        if p.returncode not in (0, 1):
            raise RuntimeError("%s: exit %d %s" % (cmd[0], p.returncode, p.stderr.decode()[-300:]))
        rss = None
        try:
            rss = int(p.stderr.decode().strip().splitlines()[-1]) / 1024
        except (ValueError, IndexError):
            pass
        if best is None or dt < best[0]:
            best = (dt, rss)
    return best


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


PY = '''import logging

log = logging.getLogger(__name__)


def handler_{i}(request):
    log.info("handling %s", request)
    total = 0
    for item in request.items:
        total += item.price * item.quantity
    return {{"total": total, "id": {i}}}
'''


def make_pr(dirpath, files, lines_per_file, rng):
    os.makedirs(dirpath)
    git(dirpath, "init", "-q", "-b", "main")
    git(dirpath, "config", "user.email", "bench@example.com")
    git(dirpath, "config", "user.name", "bench")
    with open(os.path.join(dirpath, "README.md"), "w") as f:
        f.write("# bench\n")
    git(dirpath, "add", "-A")
    git(dirpath, "commit", "-q", "-m", "base")
    git(dirpath, "checkout", "-q", "-b", "feature")
    for i in range(files):
        sub = "svc%02d/pkg%02d" % (i % 40, i % 7)
        os.makedirs(os.path.join(dirpath, sub), exist_ok=True)
        body = []
        while len(body) < lines_per_file:
            body.extend(PY.format(i=len(body) + i * 1000).splitlines())
        ext = rng.choice([".py", ".py", ".js", ".go", ".yaml"])
        text = "\n".join(body[:lines_per_file]) + "\n"
        if ext != ".py":
            text = "\n".join("# %s" % l if ext == ".yaml" else "// %s" % l for l in body[:lines_per_file]) + "\n"
        with open(os.path.join(dirpath, sub, "mod_%05d%s" % (i, ext)), "w") as f:
            f.write(text)
    with open(os.path.join(dirpath, "tests_test_bench.py"), "w") as f:
        f.write("def test_ok():\n    assert True\n")
    git(dirpath, "add", "-A")
    git(dirpath, "commit", "-q", "-m", "feature")
    # Packed, as a clone in CI is (thousands of loose objects make every git read slower).
    git(dirpath, "gc", "-q")


def make_plan(path, n, rng):
    types = [("aws_instance", {"ami": "ami-123", "instance_type": "t3.micro"}),
             ("aws_s3_bucket", {"bucket": "b", "force_destroy": False}),
             ("aws_security_group", {"name": "sg", "ingress": [{"cidr_blocks": ["10.0.0.0/8"], "from_port": 443, "to_port": 443, "protocol": "tcp"}]}),
             ("aws_iam_role", {"name": "r", "assume_role_policy": "{}"}),
             ("aws_db_instance", {"identifier": "db", "engine": "postgres", "storage_encrypted": True, "deletion_protection": True}),
             ("aws_lambda_function", {"function_name": "f", "runtime": "python3.12"})]
    rcs = []
    for i in range(n):
        t, attrs = types[i % len(types)]
        actions = rng.choice([["no-op"], ["update"], ["create"], ["no-op"], ["no-op"], ["delete", "create"]])
        before = None if actions == ["create"] else dict(attrs, tags={"n": str(i)})
        after = dict(attrs, tags={"n": str(i), "v": "2"})
        rcs.append({"address": "module.m%d.%s.r%d" % (i % 50, t, i), "mode": "managed", "type": t, "name": "r%d" % i,
                    "provider_name": "registry.terraform.io/hashicorp/aws",
                    "change": {"actions": actions, "before": before, "after": after, "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}})
    plan = {"format_version": "1.2", "terraform_version": "1.9.5", "resource_changes": rcs,
            "planned_values": {"root_module": {"resources": [{"address": r["address"], "mode": "managed", "type": r["type"], "name": r["name"],
                                                                "provider_name": r["provider_name"], "values": r["change"]["after"]} for r in rcs]}},
            "configuration": {"root_module": {}}}
    with open(path, "w") as f:
        json.dump(plan, f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-checkov", action="store_true")
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    gate = os.path.join(ROOT, "target", "release", "gate")
    rng = random.Random(20261123)
    tmp = tempfile.mkdtemp(prefix="gate-e2e-")
    results = {}
    print("%d cores; best of %d runs" % (os.cpu_count(), args.runs))
    for name, files, lines in [("typical PR (50 files, 2,000 lines)", 50, 40), ("huge PR (5,000 files, 200,000 lines)", 5000, 40)]:
        d = os.path.join(tmp, "pr-%d" % files)
        make_pr(d, files, lines, rng)
        for j in ("1", "2"):
            dt, rss = timed([gate, "check", "--base", "main", "-j", j, "--format", "json", "-o", os.path.join(tmp, "out.json")], cwd=d, runs=args.runs)
            key = "%s, -j %s" % (name, j)
            results[key] = {"seconds": round(dt, 3), "peak_rss_mb": round(rss, 1) if rss else None}
            print("%-48s %7.3fs  peak RSS %6.1f MB" % (key, dt, rss or 0))
        # The peers on the same change, as a diff file.
        diff = os.path.join(tmp, "pr-%d.diff" % files)
        with open(diff, "wb") as f:
            f.write(subprocess.run(["git", "diff", "main...HEAD"], cwd=d, check=True, capture_output=True).stdout)
        g = results["%s, -j 2" % name]["seconds"]
        for peer_name, cmd, stdin in diff_peer_tools(diff, tmp):
            try:
                dt, rss = timed(cmd, runs=min(args.runs, 2), stdin=stdin)
            except Exception as e:
                print("%s failed: %s" % (peer_name, e))
                continue
            key = "%s, %s (secrets only)" % (name, peer_name)
            results[key] = {"seconds": round(dt, 3), "peak_rss_mb": round(rss, 1) if rss else None, "ratio_vs_gate": round(dt / g, 2)}
            print("%-48s %7.3fs  peak RSS %6.1f MB  (%.1fx gate -j 2)" % (key, dt, rss or 0, dt / g))
    checkov = shutil.which("checkov")
    for n in (1000, 10000):
        p = os.path.join(tmp, "plan-%d.json" % n)
        make_plan(p, n, rng)
        for j in ("1", "2"):
            dt, rss = timed([gate, "check", "--plan", p, "-j", j, "--format", "json", "-o", os.path.join(tmp, "out.json")], runs=args.runs)
            key = "plan %d resources, gate -j %s" % (n, j)
            results[key] = {"seconds": round(dt, 3), "peak_rss_mb": round(rss, 1) if rss else None}
            print("%-48s %7.3fs  peak RSS %6.1f MB" % (key, dt, rss or 0))
        if checkov and not args.skip_checkov:
            try:
                dt, rss = timed([checkov, "-f", p, "--framework", "terraform_plan", "--quiet", "--compact", "-o", "json"], runs=1)
                key = "plan %d resources, checkov" % n
                results[key] = {"seconds": round(dt, 3), "peak_rss_mb": round(rss, 1) if rss else None}
                print("%-48s %7.3fs  peak RSS %6.1f MB  (%.0fx gate -j 2)" % (key, dt, rss or 0, dt / results["plan %d resources, gate -j 2" % n]["seconds"]))
            except Exception as e:
                print("checkov failed: %s" % e)
        elif not checkov:
            print("checkov not installed (pip install checkov): skipped")
    os.makedirs(WORK, exist_ok=True)
    json.dump(results, open(os.path.join(WORK, "e2e.json"), "w"), indent=2)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
