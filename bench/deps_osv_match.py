#!/usr/bin/env python3
"""Advisory matching accuracy on the real PyPA and Go databases, gate side by side with an
osv-scanner-style matcher.

The queries are package versions the databases themselves name:
  PyPI: every version an advisory's `affected[].versions` lists (PyPA enumerates the real
        releases each advisory affects), and every `fixed` version that no advisory of the
        package lists (releases that carry the fix). The truth for (package, version) is the
        set of advisories whose `versions` list contains it: the database's own answer, which
        neither matcher computes. Advisories of a package that has an entry without a
        `versions` list are left out of the scoring for that package (counted).
  Go:   every `introduced` (other than 0), `fixed` and `last_affected` version of every module
        (stdlib and toolchain excluded: they are not go.mod requirements). Go records carry no
        version lists, so the reference is the OSV specification's range evaluation (the
        algorithm osv-scanner implements), run by the peer-style matcher; gate is scored
        against it.

gate: one `gate facts --all TREE --advisories pypa --advisories go` over a generated tree of
requirements.txt and go.mod files (slot k of a package holds its k-th query version), read
from the JSON facts' `advisories` (gate merges records that alias each other into one entry:
an entry covers its id and its aliases).

Peer: every record loaded and each query matched against each record of its package the way
osv-scanner's offline matching works: a version listed in `versions`, or inside an ECOSYSTEM
or SEMVER range (PEP 440 through `packaging` for PyPI, SemVer 2 for Go); withdrawn records
skipped (osv-scanner is a Go binary that this machine cannot build: the Go here is 1.19).

Usage: python3 bench/deps_osv_match.py [--gate target/release/gate] [--osv ../shared/corpora/osv]
       [--work /work/eval/deps/match] [--max-per-package 0] [--pairs FILE]
"""
import argparse
import collections
import json
import os
import random
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from deps_advisories import Version, InvalidVersion, affected, load_records  # noqa: E402


def norm_py(name):
    return name.lower().replace("_", "-").replace(".", "-")


def queries(recs, cap):
    """(ecosystem, package) -> sorted query versions; PyPI truth; Go module set."""
    py_listed = collections.defaultdict(set)
    py_fixed = collections.defaultdict(set)
    py_unlisted = set()
    go_q = collections.defaultdict(set)
    for r in recs:
        if r.get("withdrawn"):
            continue
        for a in r.get("affected") or []:
            pkg = a.get("package") or {}
            eco, name = pkg.get("ecosystem"), pkg.get("name", "")
            if eco == "PyPI":
                n = norm_py(name)
                if not a.get("versions"):
                    py_unlisted.add(n)
                py_listed[n].update(a.get("versions") or [])
                for rg in a.get("ranges") or []:
                    for e in rg.get("events") or []:
                        if "fixed" in e:
                            py_fixed[n].add(str(e["fixed"]))
            elif eco == "Go" and name not in ("stdlib", "toolchain") and "." in name.split("/")[0]:
                for rg in a.get("ranges") or []:
                    for e in rg.get("events") or []:
                        for k, v in e.items():
                            if k in ("introduced", "fixed", "last_affected") and str(v) != "0":
                                go_q[name].add(str(v))
    rnd = random.Random(5)
    q = {}
    bad = 0
    for n in sorted(set(py_listed) | set(py_fixed)):
        vs = []
        for v in sorted(py_listed[n] | py_fixed[n]):
            try:
                Version(v)
            except InvalidVersion:
                bad += 1
                continue
            vs.append(v)
        if cap and len(vs) > cap:
            vs = sorted(rnd.sample(vs, cap))
        if vs:
            q[("PyPI", n)] = vs
    for n in sorted(go_q):
        vs = sorted(go_q[n])
        if cap and len(vs) > cap:
            vs = sorted(rnd.sample(vs, cap))
        q[("Go", n)] = vs
    return q, bad, py_unlisted


def py_truth(recs, q, unlisted):
    """(package, version) -> ids whose versions list names it (PyPI, scored packages only)."""
    t = collections.defaultdict(set)
    for r in recs:
        if r.get("withdrawn"):
            continue
        for a in r.get("affected") or []:
            pkg = a.get("package") or {}
            if pkg.get("ecosystem") != "PyPI":
                continue
            n = norm_py(pkg.get("name", ""))
            if n in unlisted or ("PyPI", n) not in q:
                continue
            for v in set(a.get("versions") or []) & set(q[("PyPI", n)]):
                t[(n, v)].add(r["id"])
    return t


def peer(recs, q):
    by_pkg = collections.defaultdict(list)
    for r in recs:
        if r.get("withdrawn"):
            continue
        for a in r.get("affected") or []:
            pkg = a.get("package") or {}
            eco, name = pkg.get("ecosystem"), pkg.get("name", "")
            key = (eco, norm_py(name) if eco == "PyPI" else name)
            if key in q:
                by_pkg[key].append((r["id"], a))
    hits = collections.defaultdict(set)
    for (eco, n), vs in q.items():
        for rid, a in by_pkg[(eco, n)]:
            for v in vs:
                if affected(eco, a, v):
                    hits[(eco, n, v)].add(rid)
    return hits


def write_tree(work, q):
    tree = os.path.join(work, "tree")
    shutil.rmtree(tree, ignore_errors=True)
    slots = collections.defaultdict(list)
    for (eco, n), vs in q.items():
        for k, v in enumerate(vs):
            slots[(eco, k)].append((n, v))
    for (eco, k), items in slots.items():
        d = os.path.join(tree, "py" if eco == "PyPI" else "go", f"s{k:04d}")
        os.makedirs(d, exist_ok=True)
        if eco == "PyPI":
            with open(os.path.join(d, "requirements.txt"), "w") as f:
                f.write("".join(f"{n}=={v}\n" for n, v in items))
        else:
            with open(os.path.join(d, "go.mod"), "w") as f:
                f.write(f"module example.com/s{k}\n\ngo 1.22\n\nrequire (\n" + "".join(f"\t{n} v{v}\n" for n, v in items) + ")\n")
    env = dict(os.environ, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@b", GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@b")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=tree, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tree, check=True)
    subprocess.run(["git", "commit", "-qm", "queries"], cwd=tree, check=True, env=env)
    return tree, len(slots)


def gate_hits(gate, tree, osv, work):
    env = dict(os.environ, GATE_CACHE_DIR=os.path.join(work, "cache"))
    args = [gate, "facts", "--all", ".", "--advisories", os.path.join(osv, "pypa"), "--advisories", os.path.join(osv, "go")]
    subprocess.run(args, cwd=tree, env=env, capture_output=True)  # builds the index once
    t0 = time.perf_counter()
    r = subprocess.run(args, cwd=tree, env=env, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"{' '.join(args)}: exit {r.returncode}\n{r.stderr[-2000:]}")
    t0 = time.perf_counter()
    subprocess.run(args[:4], cwd=tree, env=env, capture_output=True)
    dt_plain = time.perf_counter() - t0
    facts = json.loads(r.stdout)
    hits = collections.defaultdict(list)
    for x in facts["advisories"]:
        if x["kind"] == "fixed" or x["version"] is None:
            continue
        eco = {"pypi": "PyPI", "go": "Go"}[x["ecosystem"]]
        n = norm_py(x["name"]) if eco == "PyPI" else x["name"]
        v = x["version"].removeprefix("v") if eco == "Go" else x["version"]
        hits[(eco, n, v)].append((x["id"], {x["id"], *x["aliases"]}))
    return hits, dt, dt_plain, facts.get("coverage", {}).get("advisories")


def score(name, found, truth_of, keys):
    """found: key -> list of (id, ids covered) per finding; truth_of(key) -> set of ids.
    Counted in (version, advisory) pairs: a finding is true for each truth id it covers (gate
    merges aliased records into one finding), false when it covers none."""
    tp = fp = fn = 0
    fps, fns = [], []
    for k in keys:
        truth = truth_of(k)
        entries = found.get(k, [])
        covered = set()
        for rid, ids in entries:
            if ids & truth:
                covered |= ids & truth
            else:
                fp += 1
                fps.append((k, rid))
        tp += len(covered)
        for rid in sorted(truth - covered):
            fn += 1
            fns.append((k, rid))
    print(f"  {name:<22} matched {tp + fp:>6}   true {tp:>6}   false matches {fp:>4}   missed {fn:>4}")
    return fps, fns


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--gate", default=os.path.join(here, "..", "target", "release", "gate"))
    ap.add_argument("--osv", default=os.path.join(here, "..", "..", "shared", "corpora", "osv"))
    ap.add_argument("--work", default="/work/eval/deps/match")
    ap.add_argument("--max-per-package", type=int, default=0, help="sample at most N versions per package (0: all)")
    ap.add_argument("--pairs", help="write gate's matches, one 'ecosystem package version id ids...' line each, sorted "
                    "(to compare two gate builds: diff the files)")
    a = ap.parse_args()
    osv = os.path.abspath(a.osv)
    if not os.path.isdir(osv):
        sys.exit(f"skipped: {osv} is not there")
    work = os.path.abspath(a.work)
    if os.path.realpath(work).startswith(os.path.realpath(os.path.join(here, ".."))):
        sys.exit("--work must be outside the checkout")
    os.makedirs(work, exist_ok=True)
    recs = load_records(osv)
    q, bad, unlisted = queries(recs, a.max_per_package)
    npy = sum(len(v) for (e, _), v in q.items() if e == "PyPI")
    ngo = sum(len(v) for (e, _), v in q.items() if e == "Go")
    print(f"databases: {osv} ({len(recs)} records)")
    print(f"queries: {npy} PyPI versions of {sum(1 for e, _ in q if e == 'PyPI')} packages "
          f"({bad} listed versions PEP 440 rejects left out), {ngo} Go versions of {sum(1 for e, _ in q if e == 'Go')} modules")
    tree, nslots = write_tree(work, q)
    t0 = time.perf_counter()
    ph = peer(recs, q)
    t_peer = time.perf_counter() - t0
    gh, t_gate, t_plain, cov = gate_hits(os.path.abspath(a.gate), tree, osv, work)
    if a.pairs:
        with open(a.pairs, "w") as f:
            f.writelines(sorted(f"{k[0]} {k[1]} {k[2]} {rid} {','.join(sorted(ids))}\n" for k, es in gh.items() for rid, ids in es))
    print(f"gate facts --all over {nslots} manifests: {t_gate:.2f} s with the advisories (index cached), {t_plain:.2f} s without; coverage {cov}\npeer-style match: {t_peer:.2f} s (records already loaded)")

    truth = py_truth(recs, q, unlisted)
    pkeys = [("PyPI", n, v) for (e, n), vs in q.items() if e == "PyPI" and n not in unlisted for v in vs]
    print(f"\nPyPI, truth = the records' own `versions` lists ({len(pkeys)} queries of {len({k[1] for k in pkeys})} packages; "
          f"{len([n for (e, n) in q if e == 'PyPI' and n in unlisted])} packages with an unlisted entry left out; "
          f"{sum(len(s) for s in truth.values())} affected (version, advisory) pairs)")
    pt = lambda k: truth.get((k[1], k[2]), set())  # noqa: E731
    peer_found = {k: [(rid, {rid}) for rid in ids] for k, ids in ph.items()}
    p_fp, p_fn = score("osv-scanner-style", peer_found, pt, pkeys)
    g_fp, g_fn = score("gate", gh, pt, pkeys)
    same = collections.Counter(k for k, _ in p_fp) == collections.Counter(k for k, _ in g_fp)
    pre = sum(1 for k, _ in g_fp if Version(k[2]).is_prerelease or Version(k[2]).is_postrelease)
    print(f"  false matches at the same (package, version) for both: {same}; {pre} of gate's are pre-, dev- or post-releases "
          f"(inside a record's range, absent from its `versions` list)")
    for label, xs in (("peer false", p_fp), ("peer missed", p_fn), ("gate false", g_fp), ("gate missed", g_fn)):
        for x in xs[:6]:
            print(f"    {label}: {x}")

    gkeys = [("Go", n, v) for (e, n), vs in q.items() if e == "Go" for v in vs]
    print(f"\nGo, reference = OSV range evaluation by the peer-style matcher ({len(gkeys)} queries, "
          f"{sum(len(ph.get(k, ())) for k in gkeys)} affected (version, advisory) pairs)")
    gt = lambda k: ph.get(k, set())  # noqa: E731
    score("osv-scanner-style", {k: [(rid, {rid}) for rid in ids] for k, ids in ph.items()}, gt, gkeys)
    g_fp, g_fn = score("gate", gh, gt, gkeys)
    names = collections.defaultdict(set)
    for r in recs:
        for x in r.get("affected") or []:
            if (x.get("package") or {}).get("ecosystem") == "Go":
                names[r["id"]].add(x["package"]["name"])
    case = sum(1 for k, rid in g_fp if k[1] not in names[rid] and k[1].lower() in {n.lower() for n in names[rid]})
    print(f"  {case} of gate's {len(g_fp)} extra matches are records naming the module in another letter case "
          f"(gate compares module paths case-insensitively; the Go toolchain does not)")
    for label, xs in (("gate false", g_fp), ("gate missed", g_fn)):
        for x in xs[:6]:
            print(f"    {label}: {x}")


if __name__ == "__main__":
    main()
