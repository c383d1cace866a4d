#!/usr/bin/env python3
"""Recall of gate's known-malicious-package findings on real OpenSSF malicious-packages records.

Input: a directory of MAL- OSV records (the layout of github.com/ossf/malicious-packages,
osv/malicious/<ecosystem>/<name>/MAL-*.json, or any tree of records). For every record, each
affected package of an ecosystem gate reads is written into a generated project at a version
the record says is affected: the first of its `versions`, else (a range from "introduced: 0",
every version) 1.0.0. Manifests: package.json (npm), requirements.txt (PyPI), Gemfile and
Gemfile.lock (RubyGems), Cargo.toml and Cargo.lock (crates.io), go.mod (Go), pom.xml (Maven).

Then `gate facts --all . --advisories DIR` and `gate check --all . --advisories DIR`: a record
is found when a `malicious` advisory fact names its id (or lists it among its aliases) for
that package; recall = found / written. The check must fail (exit 1) with one DEP finding per
package.

Usage: python3 bench/deps_mal_recall.py --records DIR [--gate target/debug/gate]
       [--work /work/eval/deps3/malrecall]
"""
import argparse
import collections
import glob
import json
import os
import shutil
import subprocess
import sys

ECOS = {"npm": "npm", "PyPI": "pypi", "RubyGems": "rubygems", "crates.io": "cargo", "Go": "go", "Maven": "maven"}


def load(records):
    out = []
    for p in sorted(glob.glob(os.path.join(records, "**", "*.json"), recursive=True)):
        with open(p, encoding="utf-8") as f:
            r = json.load(f)
        if not r.get("id", "").startswith("MAL-") or r.get("withdrawn"):
            continue
        for a in r.get("affected") or []:
            pkg = a.get("package") or {}
            eco = ECOS.get(pkg.get("ecosystem"))
            if not eco:
                continue
            vs = a.get("versions") or []
            every = any(e.get("introduced") == "0" for rg in a.get("ranges") or [] for e in rg.get("events") or [])
            if not vs and not every:
                continue
            out.append((eco, pkg["name"], vs[0] if vs else "1.0.0", r["id"]))
    return out


def write_project(root, items):
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    by = collections.defaultdict(list)
    for eco, name, v, _ in items:
        if (name, v) not in by[eco]:
            by[eco].append((name, v))

    def w(rel, text):
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)

    if by["npm"]:
        w("package.json", json.dumps({"name": "mal-recall", "version": "1.0.0",
                                      "dependencies": {n: v for n, v in by["npm"]}}, indent=2) + "\n")
    if by["pypi"]:
        w("requirements.txt", "".join(f"{n}=={v}\n" for n, v in by["pypi"]))
    if by["rubygems"]:
        w("Gemfile", "source 'https://rubygems.org'\n" + "".join(f"gem '{n}', '{v}'\n" for n, v in by["rubygems"]))
        w("Gemfile.lock", "GEM\n  remote: https://rubygems.org/\n  specs:\n" + "".join(f"    {n} ({v})\n" for n, v in by["rubygems"])
          + "\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n" + "".join(f"  {n} (= {v})\n" for n, v in by["rubygems"]))
    if by["cargo"]:
        w("Cargo.toml", "[package]\nname = \"mal-recall\"\nversion = \"0.1.0\"\n\n[dependencies]\n"
          + "".join(f"{n} = \"={v}\"\n" for n, v in by["cargo"]))
        w("Cargo.lock", "version = 3\n\n" + "".join(
            f"[[package]]\nname = \"{n}\"\nversion = \"{v}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n"
            for n, v in by["cargo"]))
    if by["go"]:
        w("go.mod", "module example.com/malrecall\n\ngo 1.22\n\nrequire (\n" + "".join(f"\t{n} {v if v.startswith('v') else 'v' + v}\n" for n, v in by["go"]) + ")\n")
    if by["maven"]:
        deps = "".join(f"<dependency><groupId>{n.split(':')[0]}</groupId><artifactId>{n.split(':')[-1]}</artifactId><version>{v}</version></dependency>"
                       for n, v in by["maven"])
        w("pom.xml", f"<project><modelVersion>4.0.0</modelVersion><groupId>x</groupId><artifactId>y</artifactId><version>1</version><dependencies>{deps}</dependencies></project>\n")
    env = dict(os.environ, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@b", GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@b")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-qm", "mal"], cwd=root, check=True, env=env)
    return {e: len(v) for e, v in by.items() if v}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", required=True)
    ap.add_argument("--gate", default=os.path.join(here, "..", "target", "debug", "gate"))
    ap.add_argument("--work", default="/work/eval/deps3/malrecall")
    a = ap.parse_args()
    records = os.path.abspath(a.records)
    work = os.path.abspath(a.work)
    if os.path.realpath(work).startswith(os.path.realpath(os.path.join(here, ".."))):
        sys.exit("--work must be outside the checkout")
    items = load(records)
    if not items:
        sys.exit(f"no MAL- records of a supported ecosystem under {records}")
    proj = os.path.join(work, "project")
    counts = write_project(proj, items)
    env = dict(os.environ, GATE_CACHE_DIR=os.path.join(work, "cache"))
    gate = os.path.abspath(a.gate)
    r = subprocess.run([gate, "facts", "--all", ".", "--advisories", records], cwd=proj, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"gate facts: exit {r.returncode}\n{r.stderr[-2000:]}")
    facts = json.loads(r.stdout)
    seen = collections.defaultdict(set)
    for x in facts["advisories"]:
        if x["kind"] == "malicious":
            seen[(x["ecosystem"], x["name"])].update([x["id"], *x["aliases"]])
    found = [it for it in items if it[3] in seen.get((it[0], it[1]), set())]
    missed = [it for it in items if it not in found]
    c = subprocess.run([gate, "check", "--all", ".", "--advisories", records, "--format", "json"], cwd=proj, env=env, capture_output=True, text=True)
    per_eco = collections.Counter(it[0] for it in items)
    found_eco = collections.Counter(it[0] for it in found)
    print(f"records: {records}: {len(items)} (record, package) pairs written, packages per ecosystem {dict(counts)}")
    for e in sorted(per_eco):
        print(f"  {e:<9} {found_eco[e]:>4} / {per_eco[e]:<4} found")
    print(f"recall: {len(found)} / {len(items)} ({100 * len(found) / len(items):.1f}%)   gate check --all exit {c.returncode} (1 = fails)")
    for m in missed:
        print("  missed:", m)


if __name__ == "__main__":
    main()
