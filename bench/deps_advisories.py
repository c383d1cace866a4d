#!/usr/bin/env python3
"""Offline advisory matching: index build and per-check cost, on real and generated OSV data.

What it measures (medians of --runs runs, wall clock):
  1. `gate deps index` cold (fresh cache) over the PyPA and Go advisory databases
     (../shared/corpora/osv), and warm (the cache is up to date: one stat per source file);
  2. `gate check` on a scratch change that moves 40 real PyPI and Go packages (names and
     versions taken from the databases themselves), with and without the advisories: the
     difference is what advisory matching costs a check;
  3. the same on a generated osv.dev-style all.zip of --records records (written under --work,
     never inside the checkout);
  4. a peer-style baseline: every record loaded and matched on each run, the way
     osv-scanner's offline mode reads its local databases (Python here: osv-scanner is a Go
     binary this machine cannot install, and pip-audit needs the network), which doubles as a
     cross-check of gate's matches (PEP 440 through `packaging`, Go versions by SemVer).

  5. with --registry FILE (a registry snapshot: one name a line, or a TSV whose first column
     is the name), `gate facts` with `dependencies.registry.pypi` set to it, cold (the name
     index is built) and warm, against the same run without it.

Each timing is the median wall clock and, in parentheses, the median CPU time (user + system)
of the gate process. `gate facts` stops before the policies: its difference with and without
advisories is the cost of the index (freshness check, table, lookups); `gate check` also
judges the findings the advisories produce.

Usage: python3 bench/deps_advisories.py [--gate target/release/gate] [--osv ../shared/corpora/osv]
       [--work /work/eval/deps/bench] [--records 200000] [--runs 5] [--registry FILE]
"""
import argparse
import glob
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
import zipfile

import yaml

try:
    from packaging.version import InvalidVersion, Version
except ImportError:  # pragma: no cover
    Version = None


def sh(args, cwd=None, env=None, check=True):
    r = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if check and r.returncode not in (0, 1):
        sys.exit(f"{args}: exit {r.returncode}\n{r.stderr}")
    return r


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(args, cwd, env, runs):
    """Median wall-clock time, and the median CPU time (user + system) the process used: on a
    shared machine the CPU time is the steadier figure."""
    times, cpus = [], []
    out = None
    for _ in range(runs):
        c = cpu_children()
        t = time.perf_counter()
        out = sh(args, cwd=cwd, env=env)
        times.append(time.perf_counter() - t)
        cpus.append(cpu_children() - c)
    timed.cpu = statistics.median(cpus)
    return statistics.median(times), out


def ms(wall, cpu):
    return f"{wall * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms)"


def load_records(osv_dir):
    recs = []
    for p in sorted(glob.glob(os.path.join(osv_dir, "pypa", "vulns", "*", "*.yaml"))):
        with open(p, encoding="utf-8") as f:
            recs.append(yaml.safe_load(f))
    for p in sorted(glob.glob(os.path.join(osv_dir, "go", "osv", "*.json"))):
        with open(p, encoding="utf-8") as f:
            recs.append(json.load(f))
    return recs


def pick_packages(recs, n_py=25, n_go=15):
    """Real (ecosystem, name, version) triples: a listed affected version of each package."""
    rnd = random.Random(7)
    py, go = {}, {}
    for r in recs:
        for a in r.get("affected") or []:
            pkg = a.get("package") or {}
            eco, name = pkg.get("ecosystem"), pkg.get("name")
            if eco == "PyPI" and a.get("versions"):
                py.setdefault(name.lower(), rnd.choice(a["versions"]))
            elif eco == "Go" and name and "." in name.split("/")[0] and name not in ("stdlib", "toolchain"):
                for rg in a.get("ranges") or []:
                    for e in rg.get("events") or []:
                        if "fixed" in e:
                            go.setdefault(name, "v" + e["fixed"])
    py_items = sorted(py.items())
    go_items = sorted(go.items())
    rnd.shuffle(py_items)
    rnd.shuffle(go_items)
    return py_items[:n_py], go_items[:n_go]


def scratch_repo(work, py, go):
    repo = os.path.join(work, "repo")
    shutil.rmtree(repo, ignore_errors=True)
    os.makedirs(repo)
    env = dict(os.environ, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@b", GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@b")
    sh(["git", "init", "-q", "-b", "main"], cwd=repo)
    with open(os.path.join(repo, "requirements.txt"), "w") as f:
        f.write("flask==3.0.0\n")
    with open(os.path.join(repo, "go.mod"), "w") as f:
        f.write("module example.com/bench\n\ngo 1.22\n")
    sh(["git", "add", "-A"], cwd=repo)
    sh(["git", "commit", "-qm", "base"], cwd=repo, env=env)
    sh(["git", "checkout", "-qb", "change"], cwd=repo)
    with open(os.path.join(repo, "requirements.txt"), "w") as f:
        f.write("flask==3.0.0\n" + "".join(f"{n}=={v}\n" for n, v in py))
    with open(os.path.join(repo, "go.mod"), "w") as f:
        f.write("module example.com/bench\n\ngo 1.22\n\nrequire (\n" + "".join(f"\t{n} {v}\n" for n, v in go) + ")\n")
    with open(os.path.join(repo, "go.sum"), "w") as f:
        f.write("".join(f"{n} {v} h1:x=\n{n} {v}/go.mod h1:y=\n" for n, v in go))
    sh(["git", "add", "-A"], cwd=repo)
    sh(["git", "commit", "-qm", "change"], cwd=repo, env=env)
    return repo


# --- the peer-style matcher -----------------------------------------------------------------

def semver_key(v):
    v = v.lstrip("v").split("+")[0]
    core, _, pre = v.partition("-")
    nums = [int(x) if x.isdigit() else 0 for x in core.split(".")][:3]
    nums += [0] * (3 - len(nums))
    if not pre:
        return (nums, 1, [])
    ids = [(0, int(i), "") if i.isdigit() else (1, 0, i) for i in pre.split(".")]
    return (nums, 0, ids)


def vkey(eco, v):
    if eco == "PyPI":
        try:
            return Version(v)
        except InvalidVersion:
            return None
    return semver_key(v)


def affected(eco, aff, version):
    if version in (aff.get("versions") or []):
        return True
    q = vkey(eco, version)
    if q is None:
        return False
    for rg in aff.get("ranges") or []:
        if rg.get("type") not in ("SEMVER", "ECOSYSTEM"):
            continue
        evs = []
        for e in rg.get("events") or []:
            for k, v in e.items():
                v = str(v)
                evs.append((None if v == "0" else vkey(eco, v), k, v))
        if any(k is None and v != "0" for k, _, v in evs):
            continue
        evs.sort(key=lambda x: (0,) if x[0] is None else (1, x[0]))
        hit = False
        for key, kind, _ in evs:
            if kind == "introduced" and (key is None or q >= key):
                hit = True
            elif kind == "fixed" and key is not None and q >= key:
                hit = False
            elif kind == "last_affected" and key is not None and q > key:
                hit = False
            elif kind == "limit" and key is not None and q >= key:
                hit = False
                break
        if hit:
            return True
    return False


def peer_match(osv_dir, py, go):
    recs = load_records(osv_dir)
    want = {("PyPI", n.lower().replace("_", "-").replace(".", "-")): v for n, v in py}
    want.update({("Go", n): v for n, v in go})
    hits = set()
    for r in recs:
        if r.get("withdrawn"):
            continue
        for a in r.get("affected") or []:
            pkg = a.get("package") or {}
            eco, name = pkg.get("ecosystem"), pkg.get("name", "")
            if eco == "PyPI":
                name = name.lower().replace("_", "-").replace(".", "-")
            v = want.get((eco, name))
            if v and affected(eco, a, v):
                hits.add((name, v, r["id"]))
    return hits


# --- generated dump -------------------------------------------------------------------------

WORDS = "data http json cli core util fast async web api auth cache log test parse net cloud sdk client server tool kit lib io db sql orm yaml xml crypto token image queue task job stream file path color time date config env form view".split()


def generate_dump(path, n, extra):
    rnd = random.Random(11)
    names = [f"{rnd.choice(WORDS)}-{rnd.choice(WORDS)}-{i}" for i in range(max(1, n // 3))]
    vectors = ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(n):
            eco = "npm" if i % 2 else "PyPI"
            name = extra[i % len(extra)][0] if i < len(extra) else rnd.choice(names)
            major = rnd.randint(0, 9)
            events = []
            for k in range(rnd.randint(1, 3)):
                events.append({"introduced": "0" if k == 0 and rnd.random() < 0.3 else f"{major + k}.{rnd.randint(0, 9)}.0"})
                events.append({"fixed": f"{major + k}.{rnd.randint(10, 20)}.{rnd.randint(0, 5)}"})
            versions = [f"{major}.{m}.{p}" for m in range(rnd.randint(0, 6)) for p in range(3)]
            rec = {
                "schema_version": "1.6.0",
                "id": f"GHSA-gen{i:07d}",
                "modified": "2025-01-01T00:00:00Z",
                "published": "2024-01-01T00:00:00Z",
                "aliases": [f"CVE-2024-{i:06d}"],
                "summary": f"Generated advisory {i} in {name}",
                "details": " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(40, 160))),
                "severity": [{"type": "CVSS_V3", "score": rnd.choice(vectors)}],
                "affected": [{"package": {"ecosystem": eco, "name": name, "purl": f"pkg:{eco.lower()}/{name}"},
                              "ranges": [{"type": "ECOSYSTEM" if eco == "PyPI" else "SEMVER", "events": events}],
                              "versions": versions,
                              "database_specific": {"source": "generated"}}],
                "references": [{"type": "ADVISORY", "url": f"https://example.invalid/advisory/{i}"},
                               {"type": "WEB", "url": f"https://example.invalid/commit/{i:040x}"}],
                "database_specific": {"severity": "HIGH", "cwe_ids": ["CWE-79"], "github_reviewed": True},
            }
            z.writestr(f"GHSA-gen{i:07d}.json", json.dumps(rec, indent=2))


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--gate", default=os.path.join(here, "..", "target", "release", "gate"))
    ap.add_argument("--osv", default=os.path.join(here, "..", "..", "shared", "corpora", "osv"))
    ap.add_argument("--work", default="/work/eval/deps/bench")
    ap.add_argument("--records", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--skip-peer", action="store_true", help="leave out the peer-style baseline (4.) and its cross-check")
    ap.add_argument("--registry", help="a registry snapshot to time as dependencies.registry.pypi")
    a = ap.parse_args()
    gate = os.path.abspath(a.gate)
    osv = os.path.abspath(a.osv)
    if not os.path.isdir(osv):
        sys.exit(f"skipped: {osv} is not there")
    work = os.path.abspath(a.work)
    if os.path.realpath(work).startswith(os.path.realpath(os.path.join(here, ".."))):
        sys.exit("--work must be outside the checkout")
    os.makedirs(work, exist_ok=True)
    sources = [os.path.join(osv, "pypa"), os.path.join(osv, "go")]
    recs = load_records(osv)
    py, go = pick_packages(recs)
    repo = scratch_repo(work, py, go)
    print(f"gate: {gate}\ndatabases: {osv} ({len(recs)} records)\nchange: {len(py)} PyPI + {len(go)} Go package versions\n")

    # 1. index, cold and warm
    cache = os.path.join(work, "cache")
    cold = []
    for _ in range(a.runs):
        shutil.rmtree(cache, ignore_errors=True)
        env = dict(os.environ, GATE_CACHE_DIR=cache)
        t = time.perf_counter()
        r = sh([gate, "deps", "index"] + sum((["--advisories", s] for s in sources), []), cwd=repo, env=env)
        cold.append(time.perf_counter() - t)
    print("index (PyPA + Go):", r.stdout.splitlines()[0])
    env = dict(os.environ, GATE_CACHE_DIR=cache)
    warm, _ = timed([gate, "deps", "index"] + sum((["--advisories", s] for s in sources), []), repo, env, a.runs)
    size = sum(os.path.getsize(p) for p in glob.glob(os.path.join(cache, "osv", "*.idx")))
    print(f"  build (cold cache): {statistics.median(cold) * 1000:.0f} ms   up to date (warm): {ms(warm, timed.cpu)}   index size {size / 1e6:.1f} MB")

    # 2. checks with and without advisories
    base_args = [gate, "check", "--base", "main", "--format", "json"]
    adv_args = base_args + sum((["--advisories", s] for s in sources), [])
    facts_args = [gate, "facts", "--base", "main"]
    f_plain, _ = timed(facts_args, repo, env, a.runs)
    f_plain_cpu = timed.cpu
    f_adv, _ = timed(facts_args + sum((["--advisories", s] for s in sources), []), repo, env, a.runs)
    print(f"  facts without advisories: {ms(f_plain, f_plain_cpu)}   with: {ms(f_adv, timed.cpu)}   index cost: {(f_adv - f_plain) * 1000:+.0f} ms (CPU {(timed.cpu - f_plain_cpu) * 1000:+.0f} ms)")
    t_plain, _ = timed(base_args, repo, env, a.runs)
    t_plain_cpu = timed.cpu
    t_adv, out = timed(adv_args, repo, env, a.runs)
    t_adv_cpu = timed.cpu
    facts = json.loads(sh([gate, "facts", "--base", "main"] + sum((["--advisories", s] for s in sources), []), cwd=repo, env=env).stdout)
    gate_hits = {(x["name"] if x["ecosystem"] != "pypi" else x["name"].lower().replace("_", "-").replace(".", "-"), x["version"], x["id"])
                 for x in facts["advisories"] if x["kind"] != "fixed"}
    print(f"  check without advisories: {ms(t_plain, t_plain_cpu)}   with: {ms(t_adv, t_adv_cpu)}   advisory cost: {(t_adv - t_plain) * 1000:+.0f} ms (CPU {(t_adv_cpu - t_plain_cpu) * 1000:+.0f} ms)   matches: {len(facts['advisories'])}")

    # 4. peer-style baseline on the same change
    if not a.skip_peer:
        t0 = time.perf_counter()
        peer = peer_match(osv, py, go)
        t_peer = time.perf_counter() - t0
        # gate merges records that alias each other into one finding; compare by any id.
        ids_by_finding = {}
        for x in facts["advisories"]:
            if x["kind"] == "fixed":
                continue
            n = x["name"] if x["ecosystem"] != "pypi" else x["name"].lower().replace("_", "-").replace(".", "-")
            ids_by_finding.setdefault((n, x["version"]), set()).update([x["id"]] + x["aliases"])
        missed = [h for h in peer if h[2] not in ids_by_finding.get((h[0], h[1]), set())]
        extra = [h for h in gate_hits if not any(p[0] == h[0] and p[1] == h[1] and p[2] in ids_by_finding.get((h[0], h[1]), set()) for p in peer)]
        print(f"  peer-style full load + match (Python, every run): {t_peer * 1000:.0f} ms   peer matches {len(peer)}, gate findings {len(gate_hits)}, peer matches gate lacks {len(missed)}, gate findings the peer lacks {len(extra)}")
        for m in missed[:10]:
            print("    missed:", m)
        for m in extra[:10]:
            print("    extra:", m)

    # 3. generated dump
    dump = os.path.join(work, f"generated-{a.records}.zip")
    if not os.path.exists(dump):
        t0 = time.perf_counter()
        generate_dump(dump, a.records, py)
        print(f"\ngenerated {a.records} records -> {dump} ({os.path.getsize(dump) / 1e6:.0f} MB) in {time.perf_counter() - t0:.0f} s")
    gcache = os.path.join(work, "gcache")
    cold = []
    for _ in range(max(1, a.runs // 2)):
        shutil.rmtree(gcache, ignore_errors=True)
        genv = dict(os.environ, GATE_CACHE_DIR=gcache)
        t = time.perf_counter()
        r = sh([gate, "deps", "index", "--advisories", dump], cwd=repo, env=genv)
        cold.append(time.perf_counter() - t)
    genv = dict(os.environ, GATE_CACHE_DIR=gcache)
    print("index (generated):", r.stdout.splitlines()[0])
    warm, _ = timed([gate, "deps", "index", "--advisories", dump], repo, genv, a.runs)
    size = sum(os.path.getsize(p) for p in glob.glob(os.path.join(gcache, "osv", "*.idx")))
    print(f"  build (cold cache): {statistics.median(cold) * 1000:.0f} ms   up to date (warm): {ms(warm, timed.cpu)}   index size {size / 1e6:.1f} MB")
    f_gen, _ = timed(facts_args + ["--advisories", dump], repo, genv, a.runs)
    print(f"  facts without advisories: {ms(f_plain, f_plain_cpu)}   with the generated dump: {ms(f_gen, timed.cpu)}   index cost: {(f_gen - f_plain) * 1000:+.0f} ms (CPU {(timed.cpu - f_plain_cpu) * 1000:+.0f} ms)")
    t_gen, _ = timed(base_args + ["--advisories", dump], repo, genv, a.runs)
    print(f"  check without advisories: {ms(t_plain, t_plain_cpu)}   with the generated dump: {ms(t_gen, timed.cpu)}   advisory cost: {(t_gen - t_plain) * 1000:+.0f} ms (CPU {(timed.cpu - t_plain_cpu) * 1000:+.0f} ms)")
    if not a.skip_peer:
        t0 = time.perf_counter()
        n = 0
        with zipfile.ZipFile(dump) as z:
            for name in z.namelist():
                json.loads(z.read(name))
                n += 1
        print(f"  peer-style: reading and parsing all {n} records once (Python): {(time.perf_counter() - t0) * 1000:.0f} ms")

    # 5. registry snapshot
    if a.registry:
        snap = os.path.abspath(a.registry)
        with open(snap, "rb") as f:
            lines = sum(1 for _ in f)
        cfg = os.path.join(work, "registry.gate.yaml")
        with open(cfg, "w") as f:
            f.write(json.dumps({"dependencies": {"registry": {"pypi": snap}}}) + "\n")
        rcache = os.path.join(work, "rcache")
        renv = dict(os.environ, GATE_CACHE_DIR=rcache)
        cold, cold_cpu = [], []
        for _ in range(max(1, a.runs // 2)):
            shutil.rmtree(rcache, ignore_errors=True)
            c = cpu_children()
            t = time.perf_counter()
            sh(facts_args + ["--config", cfg], cwd=repo, env=renv)
            cold.append(time.perf_counter() - t)
            cold_cpu.append(cpu_children() - c)
        warm, out = timed(facts_args + ["--config", cfg], repo, renv, a.runs)
        found = sum(1 for d in json.loads(out.stdout)["dependencies"] if d.get("exists_in_registry"))
        size = sum(os.path.getsize(p) for p in glob.glob(os.path.join(rcache, "*", "*.idx")))
        print(f"\nregistry snapshot {snap} ({lines} lines), as dependencies.registry.pypi:")
        print(f"  facts without it: {ms(f_plain, f_plain_cpu)}   first run (name index built): {ms(statistics.median(cold), statistics.median(cold_cpu))}   "
              f"index up to date: {ms(warm, timed.cpu)}   snapshot cost: {(warm - f_plain) * 1000:+.0f} ms (CPU {(timed.cpu - f_plain_cpu) * 1000:+.0f} ms)   "
              f"index size {size / 1e6:.1f} MB   PyPI names of the change found in it: {found}")


if __name__ == "__main__":
    main()
