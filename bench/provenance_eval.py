#!/usr/bin/env python3
"""AI provenance and agent-change rules, replayed on real repositories' history.

Repositories with many agent commits (Claude Code, Copilot's coding agent, Devin, Cursor,
Jules, aider, OpenHands, Codex, Factory) and plenty of human ones are fetched (the session's
`fetch` tool, a bare git directory under /work/.mirror/) and cloned outside the checkout:

  python3 bench/provenance_eval.py clone            # /work/eval/ai/clones/<name>, all refs

Labels are written by hand, by reading each sampled commit (author, committer, subject, every
trailer and footer, any line naming a tool, the branch it was pushed on):

  python3 bench/provenance_eval.py sample --repo beads   # the listing to label
  bench/provenance_labels.tsv                             # repo, commit, label, branch, evidence

`label` is `human` or the agent kind (claude, copilot, devin, cursor, jules, aider, openhands,
codex, factory). `branch` is the pull request's head branch when the commit was pushed on one
(a remote branch or a pull request whose merge subject names it), else `-`: the replay gives
it to gate the way CI would (GITHUB_HEAD_REF).

  python3 bench/provenance_eval.py run [--gate BIN] [--jobs N] [--facts]

runs `gate check --base C^ --head C -f json` for each labelled commit with the CI variables a
pull-request run would have, and prints provenance recall per agent kind, false positives on
human commits, how often each GATE-AI rule fires on AI vs human commits, and the precision of
the findings labelled in bench/ai_findings_labels.tsv (repo, commit, rule, path, line, tp|fp,
note); `--unlabelled` lists the findings that have no label yet, to label them. `--facts`
runs `gate facts` instead (provenance and the smells GATE-AI-004..008 read, no policy
evaluation): the provenance figures are the same, ~10x faster.

  python3 bench/provenance_eval.py recheck [--gate BIN] [--candidates [FILE]] [--unlabelled]

is the findings recheck: `gate check` on every commit of bench/ai_findings_labels.tsv (and of
bench/ai_findings_commits.tsv or FILE with --candidates), per GATE-AI rule the labelled findings
still reported (right / all), the labelled ones no longer reported, and the unlabelled ones.
"""
import argparse, collections, concurrent.futures, json, os, random, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIRRORS = "/work/.mirror"
CLONES = "/work/eval/ai/clones"
HELDOUT_CLONES = "/work/eval/ai2/clones"
CACHE = "/work/eval/ai/cache"
LABELS = os.path.join(ROOT, "bench", "provenance_labels.tsv")
FINDING_LABELS = os.path.join(ROOT, "bench", "ai_findings_labels.tsv")

# name -> (mirror directory under /work/.mirror, why it is in the set)
REPOS = {
    "aider": ("Aider-AI+aider", "aider writes most of its own history"),
    "OpenHands": ("All-Hands-AI+OpenHands", "OpenHands agent, Cursor, Codex, Claude"),
    "flexile": ("antiwork+flexile", "Devin, devin/ branches"),
    "helper": ("antiwork+helper", "Devin, Jules, Claude"),
    "github-mcp-server": ("github+github-mcp-server", "Copilot coding agent, Claude, Jules"),
    "beads": ("steveyegge+beads", "Claude Code, Codex, Factory, Copilot"),
    "virtual-broadcast-production-assistant": (
        "google+virtual-broadcast-production-assistant",
        "Jules",
    ),
    "tabnine-vscode": ("codota+tabnine-vscode", "humans at @tabnine.com"),
    "codeium.vim": ("Exafunction+codeium.vim", "humans at @codeium.com"),
    # Held out (session 4): not looked at while the table and the rules were written;
    # labels in bench/provenance_heldout_labels.tsv, clones in /work/eval/ai2/clones.
    "openai-agents-python": ("openai+openai-agents-python", "held out: Codex, Claude, Cursor, Copilot; humans at @openai.com"),
}
HELDOUT = {"openai-agents-python"}
HELDOUT_LABELS = os.path.join(ROOT, "bench", "provenance_heldout_labels.tsv")


def clone_dir(name):
    return os.path.join(HELDOUT_CLONES if name in HELDOUT else CLONES, name)

# A repository's own agent identities, as its users would list them under `ai.agents` in
# .gate.yaml (`run --repo-agents`): identities set up locally, that no table can know.
REPO_AGENTS = {
    "beads": [
        ("amp", "email", "amp@example.com"),
    ],
}

KINDS = ["claude", "copilot", "devin", "cursor", "jules", "aider", "openhands", "codex", "factory",
         "amp", "other"]
# Labels that are not an agent kind: people, automation that is not AI (dependabot, release
# bots), commits whose only AI evidence is free text, and ambiguous ones (not counted).
NON_KINDS = ["human", "bot", "prose", "skip"]

# Words that put a commit in the "mentions a tool" stratum of the sample. Deliberately broad
# and independent of gate's table: it only decides which pool a commit is drawn from; every
# sampled commit is read and labelled by hand.
TOOL_WORDS = re.compile(
    r"claude|anthropic|copilot|cursor|codex|openai|devin|jules|aider|openhands|opendevin|"
    r"all-hands|droid|factory|gemini|\bgpt|llm|generated|\[bot\]|agent",
    re.I,
)

CI_VARS = re.compile(
    r"^(CI|GITHUB_|GITLAB_|CI_|BUILDKITE|SYSTEM_|BUILD_|BITBUCKET_|CHANGE_|JENKINS|GATE_)"
)


def git(repo, *args, check=True):
    p = subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True, errors="replace")
    if check and p.returncode != 0:
        raise RuntimeError("git %s: %s" % (" ".join(args)[:120], p.stderr.strip()[-300:]))
    return p.stdout


def clone(args):
    
    for name, (mirror, _) in REPOS.items():
        os.makedirs(os.path.dirname(clone_dir(name)), exist_ok=True)
        src = os.path.join(MIRRORS, mirror, "repo")
        dst = clone_dir(name)
        if os.path.isdir(dst):
            continue
        if not os.path.isdir(src):
            print("skip %s: %s is not fetched" % (name, src), file=sys.stderr)
            continue
        # --shared: objects stay in the mirror (some snapshots lack large blobs, which a
        # copying clone refuses).
        subprocess.run(["git", "clone", "-q", "-s", "-n", src, dst], check=True)
        git(dst, "fetch", "-q", "origin", "+refs/pull/*:refs/pull/*",
            "+refs/heads/*:refs/remotes/origin/*")
        print(name, git(dst, "rev-list", "--count", "HEAD").strip())


def branches(name):
    """commit -> head branch, for commits reachable only from a branch or pull request."""
    os.makedirs(CACHE, exist_ok=True)
    path = os.path.join(CACHE, name + ".branches.json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    repo = clone_dir(name)
    default = git(repo, "symbolic-ref", "--short", "HEAD").strip()
    pr_branch = {}
    for line in git(repo, "log", "--all", "--merges", "--format=%s").splitlines():
        m = re.match(r"Merge pull request #(\d+) from [^/\s]+/(\S+)", line)
        if m:
            pr_branch.setdefault(m.group(1), m.group(2))
    refs = git(repo, "for-each-ref", "--format=%(refname)").split()
    out = {}
    # Named branches first: their name is what CI reports; pull requests only when the merge
    # subject names their branch.
    named = sorted(r for r in refs if r.startswith("refs/remotes/origin/")
                   and r.split("/", 3)[3] not in (default, "HEAD"))
    pulls = sorted(r for r in refs if re.match(r"refs/pull/\d+/head$", r))
    for r in named + pulls:
        if r.startswith("refs/pull/"):
            b = pr_branch.get(r.split("/")[2])
            if b is None:
                # A merge of the base into the pull request's branch names that branch
                # ("Merge branch 'main' into codex/x"), as a squash-merged repository has
                # no "Merge pull request ... from" subjects.
                for subj in git(repo, "log", "--merges", "--format=%s", r, "--not", "HEAD").splitlines():
                    m = re.match(r"Merge (?:remote-tracking )?branch '[^']+' into (\S+)", subj)
                    if m:
                        b = m.group(1)
                        break
            if b is None:
                continue
        else:
            b = r.split("/", 3)[3]
        for c in git(repo, "rev-list", "--max-count=300", r, "--not", "HEAD").split():
            out.setdefault(c, b)
    with open(path, "w") as f:
        json.dump(out, f)
    return out


def show(repo, commit):
    fmt = "%H%x00%an <%ae>%x00%cn <%ce>%x00%P%x00%B"
    h, author, committer, parents, body = git(repo, "show", "-s", "--format=" + fmt, commit).split("\0", 4)
    return {"commit": h, "author": author, "committer": committer,
            "parents": parents.split(), "message": body}


def sample(args):
    name = args.repo
    repo = clone_dir(name)
    rng = random.Random(args.seed)
    br = branches(name)
    main = git(repo, "rev-list", "--no-merges", "HEAD").split()
    # Commits only on branches and pull requests (squash-merged or never merged).
    side = git(repo, "rev-list", "--no-merges", "--all", "--not", "HEAD", check=False).split()
    fmt = "%H%x00%an <%ae>%x00%cn <%ce>%x00%B%x01"

    def texts(commits):
        out = {}
        for i in range(0, len(commits), 500):
            chunk = commits[i:i + 500]
            try:
                raw = git(repo, "show", "-s", "--format=" + fmt, *chunk)
            except RuntimeError:
                # A snapshot may lack an object: read one by one, skip what cannot be read.
                raw = "".join(git(repo, "show", "-s", "--format=" + fmt, c, check=False) for c in chunk)
            for rec in raw.split("\x01"):
                rec = rec.lstrip("\n")
                if rec:
                    h, a, c, b = rec.split("\0", 3)
                    out[h] = a + "\n" + c + "\n" + b + "\n" + br.get(h, "")
        return out

    picked = []
    for pool, n in (("main", args.main), ("side", args.side)):
        commits = main if pool == "main" else side
        if not commits or n == 0:
            continue
        t = texts(commits)
        commits = [c for c in commits if c in t]
        tool = [c for c in commits if TOOL_WORDS.search(t[c])]
        plain = [c for c in commits if not TOOL_WORDS.search(t[c])]
        k = min(len(tool), n // 2)
        picked += [(pool, "tool", c) for c in rng.sample(tool, k)]
        picked += [(pool, "plain", c) for c in rng.sample(plain, min(len(plain), n - k))]
    for word, n in (w.rsplit(":", 1) for w in args.enrich):
        t = texts(main + side)
        pool = [c for c in main + side if c in t]
        hits = [c for c in pool if re.search(word, t[c], re.I) and c not in {p[2] for p in picked}]
        picked += [("enrich", word, c) for c in rng.sample(hits, min(len(hits), int(n)))]
    for i, (pool, stratum, c) in enumerate(picked):
        s = show(repo, c)
        lines = s["message"].strip().splitlines()
        subject = lines[0] if lines else ""
        extra = [l.strip() for l in lines[1:]
                 if "auto-generated comment" not in l and (re.match(r"^\s*[A-Za-z][\w-]*:\s", l) and len(l) < 160
                 or TOOL_WORDS.search(l) or re.search(r"on behalf of|generated with|^-{5,}", l, re.I))]
        print("#%d %s %s/%s br=%s" % (i, c[:12], pool, stratum, br.get(c, "-")))
        who = s["author"]
        if s["committer"] not in (s["author"], "GitHub <noreply@github.com>"):
            who += " | c: " + s["committer"]
        print("   %s :: %s" % (who, subject[:110]))
        for l in extra[:8]:
            print("     " + l[:150])


# Commits likely to hold each rule's pattern, found with git's pickaxe (`-G`, a line added or
# removed matching) or by the paths they touch: the findings sample whose precision is
# labelled by hand (bench/ai_findings_labels.tsv). (rule, -G regex or None, paths)
CANDIDATES = [
    ("GATE-AI-002", r"NotImplementedError|[Nn]ot implemented|TODO:? implement|unimplemented!|todo!\(|^\s*pass\s+#", []),
    ("GATE-AI-004", r"pytest\.mark\.(skip|xfail)|\b(it|describe|test)\.(skip|only)\(|t\.Skip|#\[ignore\]|@Disabled|\bassert", ["*test*"]),
    ("GATE-AI-005", r"type: ignore|noqa|nolint|eslint-disable|@ts-(ignore|expect-error)|#\[allow\(|nosec|rubocop:disable|pylint: ?disable", []),
    ("GATE-AI-006", r"ignore|disable|strict|fail_under|[\x22']off[\x22']|select", ["tsconfig*.json", ".eslintrc*", "eslint.config.*", "pyproject.toml", "setup.cfg", "mypy.ini", ".golangci.*", "ruff.toml", ".flake8", "Cargo.toml", ".pre-commit-config.yaml", "package.json", "codecov.yml"]),
    ("GATE-AI-007", None, ["AGENTS.md", "*/AGENTS.md", "CLAUDE.md", "*/CLAUDE.md", ".claude/*", ".cursorrules", ".cursor/*", ".github/copilot-instructions.md", ".github/instructions/*"]),
    ("GATE-AI-008", r"continue-on-error|allow_failure|\|\| *true|if: *false|pytest|npm (run )?test|go test|cargo test|lint", [".github/workflows/*", ".gitlab-ci.yml"]),
]


def candidates(args):
    """Commits for the findings sample: per repository and rule, a seeded random pick."""
    rng = random.Random(args.seed)
    seen = set()
    names = [n for n in REPOS if (n in HELDOUT) == args.heldout]
    for name in names:
        repo = clone_dir(name)
        if not os.path.isdir(repo):
            continue
        for rule, pickaxe, paths in CANDIDATES:
            cmd = ["log", "--no-merges", "--format=%H", "HEAD"]
            if pickaxe:
                cmd += ["-G", pickaxe]
            if paths:
                cmd += ["--"] + paths
            hits = git(repo, *cmd, check=False).split()
            for c in rng.sample(hits, min(len(hits), args.per_rule)):
                if (name, c) not in seen:
                    seen.add((name, c))
                    print("\t".join([name, c, rule]))


def load_commits(path):
    rows = []
    with open(path) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                p = line.rstrip("\n").split("\t")
                rows.append({"repo": p[0], "commit": p[1], "label": "unlabelled", "branch": None, "evidence": ""})
    return rows


def load_labels(path):
    rows = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4:
                sys.exit("%s:%d: expected repo, commit, label, branch, evidence" % (path, n))
            repo, commit, label, branch = parts[:4]
            if label not in NON_KINDS and label not in KINDS:
                sys.exit("%s:%d: unknown label %r" % (path, n, label))
            rows.append({"repo": repo, "commit": commit, "label": label,
                         "branch": None if branch == "-" else branch,
                         "evidence": parts[4] if len(parts) > 4 else ""})
    return rows


def ci_env(branch):
    env = {k: v for k, v in os.environ.items() if not CI_VARS.match(k)}
    env["GATE_TODAY"] = "2026-11-23"
    if branch:
        env["GITHUB_ACTIONS"] = "true"
        env["GITHUB_HEAD_REF"] = branch
    return env


def repo_config(name):
    """A .gate.yaml with the repository's own agents, or None."""
    entries = REPO_AGENTS.get(name)
    if not entries:
        return None
    os.makedirs(os.path.join(CACHE, "config"), exist_ok=True)
    path = os.path.join(CACHE, "config", name + ".gate.yaml")
    with open(path, "w") as f:
        f.write("ai:\n  agents:\n")
        for agent, kind, pattern in entries:
            f.write("    - {agent: %s, %s: %s}\n" % (agent, kind, json.dumps(pattern)))
    return path


def gate_on_commit(gate, row, args, ok, repo_agents):
    """Runs `gate <args>` on the commit's first-parent diff with the CI variables of its
    branch: (the JSON document, None) or (None, the row with an error)."""
    repo = clone_dir(row["repo"])
    c = row["commit"]
    parents = git(repo, "rev-list", "--parents", "-n1", c).split()[1:]
    if not parents:
        return None, dict(row, error="root commit: no parent to diff against")
    cmd = [gate] + args + ["--base", parents[0], "--head", c]
    cfg = repo_config(row["repo"]) if repo_agents else None
    if cfg:
        cmd += ["--config", cfg]
    p = subprocess.run(cmd, cwd=repo, env=ci_env(row["branch"]), capture_output=True, text=True)
    if p.returncode not in ok:
        return None, dict(row, error=p.stderr.strip()[-300:])
    return json.loads(p.stdout), None


def run_one(gate, row, repo_agents=False):
    doc, err = gate_on_commit(gate, row, ["check", "-j", "1", "-f", "json"], (0, 1), repo_agents)
    if err:
        return err
    prov = doc.get("provenance", {})
    return dict(row, ai=bool(prov.get("ai_generated")), signals=prov.get("signals", []),
                findings=[{"rule": f["rule"], "path": f.get("path"), "line": f.get("line"),
                           "message": f.get("message", ""), "level": f.get("level")}
                          for f in doc.get("findings", []) if f["rule"].startswith("GATE-AI-")])


# `run --facts`: the same per-commit diff through `gate facts` (provenance and the smells the
# agent-change rules read, no policy evaluation: ~2 s a commit instead of ~20 s for `gate
# check` on a loaded machine). Each smell kind maps to the one GATE-AI rule that reads it
# (policies/ai/*.rego); the placeholder and duplicate rules add conditions of their own in
# Rego, so their findings are not derived here.
SMELL_RULE = {"test_weakened": "GATE-AI-004", "suppression_added": "GATE-AI-005",
              "check_relaxed": "GATE-AI-006", "agent_instructions": "GATE-AI-007",
              "ci_check_bypassed": "GATE-AI-008"}


def run_facts(gate, row, repo_agents=False):
    doc, err = gate_on_commit(gate, row, ["facts"], (0,), repo_agents)
    if err:
        return err
    prov = doc.get("provenance", {})
    return dict(row, ai=bool(prov.get("ai_generated")), signals=prov.get("signals", []),
                findings=[{"rule": SMELL_RULE[s["kind"]], "path": s.get("path"), "line": s.get("line"),
                           "message": s.get("detail", ""), "level": None}
                          for s in doc.get("smells", []) if s.get("kind") in SMELL_RULE])


def runner(args):
    return run_facts if getattr(args, "facts", False) else run_one


def pct(a, b):
    return "%5.1f%%" % (100.0 * a / b) if b else "    -"


def findings(args):
    """GATE-AI findings on the candidate commits, with their labels when labelled."""
    rows = load_commits(args.commits)
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        results = [r for r in ex.map(lambda r: runner(args)(args.gate, r), rows) if "error" not in r]
    if args.json:
        with open(args.json + ".candidates.json", "w") as f:
            json.dump(results, f, indent=1)
    return results


def replay_rows(args, rows, one):
    """Run `one` on every row on args.jobs threads; print the errors to stderr, write the
    results to --json, and return (results without errors, errors)."""
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        results = list(ex.map(one, rows))
    errors = [r for r in results if "error" in r]
    for r in errors:
        print("error %s %s: %s" % (r["repo"], r["commit"][:12], r["error"]), file=sys.stderr)
    results = [r for r in results if "error" not in r]
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return results, errors


def run(args):
    rows = [r for r in load_labels(args.labels) if r["label"] != "skip"]
    if args.repo:
        rows = [r for r in rows if r["repo"] in args.repo]
    one = runner(args)
    results, errors = replay_rows(args, rows, lambda r: one(args.gate, r, args.repo_agents))

    print("gate: %s%s%s" % (args.gate, " (with REPO_AGENTS)" if args.repo_agents else "",
                            " (gate facts: GATE-AI-004..008 from the smells)" if args.facts else ""))
    print("labelled commits: %d (%d human) in %d repositories; errors: %d"
          % (len(results), sum(r["label"] == "human" for r in results),
             len({r["repo"] for r in results}), len(errors)))
    print("\nProvenance recall per agent kind (commit marked AI-authored)")
    print("%-10s %6s %6s %8s" % ("kind", "commits", "found", "recall"))
    for k in KINDS:
        ks = [r for r in results if r["label"] == k]
        hit = sum(r["ai"] for r in ks)
        print("%-10s %6d %6d %8s" % (k, len(ks), hit, pct(hit, len(ks))))
    ai_rows = [r for r in results if r["label"] in KINDS]
    print("%-10s %6d %6d %8s" % ("all AI", len(ai_rows), sum(r["ai"] for r in ai_rows),
                                 pct(sum(r["ai"] for r in ai_rows), len(ai_rows))))
    prose = [r for r in results if r["label"] == "prose"]
    print("%-10s %6d %6d %8s   (AI use stated only in free text; not a kind)" % (
        "prose", len(prose), sum(r["ai"] for r in prose), pct(sum(r["ai"] for r in prose), len(prose))))
    humans = [r for r in results if r["label"] == "human"]
    bots = [r for r in results if r["label"] == "bot"]
    fps = [r for r in humans + bots if r["ai"]]
    print("\nFalse positives: %d of %d human commits, %d of %d automation (non-AI bot) commits"
          % (sum(r["ai"] for r in humans), len(humans), sum(r["ai"] for r in bots), len(bots)))
    for r in fps[:40]:
        print("  FP %s %s %s" % (r["repo"], r["commit"][:12],
                                 "; ".join("%s %s" % (s["kind"], s["value"]) for s in r["signals"])[:160]))
    if args.misses:
        for r in ai_rows:
            if not r["ai"]:
                print("  miss %-9s %s %s  (%s)" % (r["label"], r["repo"], r["commit"][:12], r["evidence"]))
    print("\nPer repository: AI found / AI labelled, FP / human and bot")
    for repo in sorted({r["repo"] for r in results}):
        rr = [r for r in results if r["repo"] == repo]
        a = [r for r in rr if r["label"] in KINDS]
        h = [r for r in rr if r["label"] in ("human", "bot")]
        print("  %-40s %4d/%-4d  %d/%d" % (repo, sum(r["ai"] for r in a), len(a),
                                         sum(r["ai"] for r in h), len(h)))

    # How often each GATE-AI rule fires, by the hand label (AI vs human).
    rules = sorted({f["rule"] for r in results for f in r["findings"]} | {c[0] for c in CANDIDATES})
    print("\nGATE-AI rules: commits with a finding, AI vs human (by the hand label)")
    print("%-12s %14s %14s" % ("rule", "AI (%d)" % len(ai_rows), "human (%d)" % len(humans)))
    for rule in rules:
        a = sum(any(f["rule"] == rule for f in r["findings"]) for r in ai_rows)
        h = sum(any(f["rule"] == rule for f in r["findings"]) for r in humans)
        print("%-12s %6d %7s %6d %7s" % (rule, a, pct(a, len(ai_rows)), h, pct(h, len(humans))))

    # Precision of the findings, from the hand labels of findings: on the labelled commits and
    # on the candidate commits (`candidates`), which hold more of each pattern.
    pool = list(results)
    if args.commits:
        cand = findings(args)
        known = {(r["repo"], r["commit"]) for r in pool}
        pool += [r for r in cand if (r["repo"], r["commit"]) not in known]
        print("\ncandidate commits for the findings sample: %d (%s)" % (len(cand), args.commits))
    flabels = {}
    if os.path.exists(args.finding_labels):
        with open(args.finding_labels) as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    p = line.rstrip("\n").split("\t")
                    flabels[(p[0], p[1][:12], p[2], p[3], p[4])] = (p[5], p[6] if len(p) > 6 else "")
    print("\nPrecision of GATE-AI findings on the labelled sample (tp / labelled)")
    unlabelled = []
    for rule in rules:
        if rule == "GATE-AI-001":
            continue
        tp = fp = 0
        for r in pool:
            for f in r["findings"]:
                if f["rule"] != rule:
                    continue
                key = (r["repo"], r["commit"][:12], rule, f["path"] or "-", str(f["line"] or "-"))
                if key in flabels:
                    tp += flabels[key][0] == "tp"
                    fp += flabels[key][0] == "fp"
                else:
                    unlabelled.append((key, f["message"]))
        print("%-12s %4d / %-4d %8s" % (rule, tp, tp + fp, pct(tp, tp + fp)))
    if args.unlabelled:
        for key, msg in unlabelled:
            print("U\t" + "\t".join(key) + "\t" + msg[:200])


def load_finding_labels(path):
    """(repo, commit[:12], rule, path, line) -> (tp|fp, note)."""
    out = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            p = line.rstrip("\n").split("\t")
            if len(p) < 6 or p[5] not in ("tp", "fp"):
                sys.exit("%s:%d: expected repo, commit, rule, path, line, tp|fp, note" % (path, n))
            out[(p[0], p[1][:12], p[2], p[3], p[4])] = (p[5], p[6] if len(p) > 6 else "")
    return out


def finding_key(row, f):
    return (row["repo"], row["commit"][:12], f["rule"], f["path"] or "-", str(f["line"] or "-"))


def recheck(args):
    """The findings recheck: `gate check` on every commit of the labelled findings (and, with
    --candidates, every commit of bench/ai_findings_commits.tsv), each with the head branch its
    provenance label gives, and per GATE-AI rule: labelled findings still reported (right /
    all), labelled ones no longer reported, and findings that have no label yet."""
    flabels = load_finding_labels(args.finding_labels)
    branch = {}
    for path in (LABELS, HELDOUT_LABELS):
        for r in load_labels(path):
            branch[(r["repo"], r["commit"][:12])] = r["branch"]
    commits = {}
    for key in sorted({k[:2] for k in flabels}):
        commits[key] = key[1]
    if args.candidates:
        for r in load_commits(args.candidates):
            commits.setdefault((r["repo"], r["commit"][:12]), r["commit"])
    rows = [{"repo": repo, "commit": c, "label": "unlabelled", "branch": branch.get((repo, c[:12])),
             "evidence": ""} for (repo, _), c in sorted(commits.items())]
    if args.repo:
        rows = [r for r in rows if r["repo"] in args.repo]
    results, errors = replay_rows(args, rows, lambda r: run_one(args.gate, r))
    checked = {(r["repo"], r["commit"][:12]) for r in results}
    reported = {}
    for r in results:
        for f in r["findings"]:
            reported.setdefault(finding_key(r, f), f["message"])
    print("gate: %s" % args.gate)
    print("commits checked: %d (errors: %d); labelled findings: %d" % (len(results), len(errors), len(flabels)))
    print("\n%-12s %16s %10s %26s %11s" % ("rule", "right / reported", "precision",
                                            "labelled, not reported", "unlabelled"))
    rules = sorted({k[2] for k in flabels} | {k[2] for k in reported} - {"GATE-AI-001"})
    unlabelled = []
    for rule in rules:
        lab = {k: v for k, v in flabels.items() if k[2] == rule and k[:2] in checked}
        tp = sum(v[0] == "tp" for k, v in lab.items() if k in reported)
        fp = sum(v[0] == "fp" for k, v in lab.items() if k in reported)
        gone_tp = sum(v[0] == "tp" for k, v in lab.items() if k not in reported)
        gone_fp = sum(v[0] == "fp" for k, v in lab.items() if k not in reported)
        new = sorted(k for k in reported if k[2] == rule and k not in flabels)
        unlabelled += [(k, reported[k]) for k in new]
        print("%-12s %9d / %-4d %10s %12d right, %3d wrong %11d" % (
            rule, tp, tp + fp, pct(tp, tp + fp), gone_tp, gone_fp, len(new)))
    if args.wrong:
        print()
        for k, v in sorted(flabels.items()):
            if k in reported and v[0] == "fp":
                print("W\t" + "\t".join(k) + "\t" + v[1])
    if args.unlabelled:
        print()
        for key, msg in unlabelled:
            print("U\t" + "\t".join(key) + "\t" + msg[:300])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("clone")
    c = sub.add_parser("candidates", help="commits for the findings sample (to bench/ai_findings_commits.tsv)")
    c.add_argument("--per-rule", type=int, default=8)
    c.add_argument("--seed", type=int, default=24)
    c.add_argument("--heldout", action="store_true", help="the held-out repositories only (else all others)")
    s = sub.add_parser("sample")
    s.add_argument("--repo", required=True)
    s.add_argument("--main", type=int, default=100, help="commits from the default branch")
    s.add_argument("--side", type=int, default=0, help="commits only on branches / pull requests")
    s.add_argument("--enrich", action="append", default=[], help="REGEX:N more commits matching")
    s.add_argument("--seed", type=int, default=24)
    r = sub.add_parser("run")
    r.add_argument("--gate", default=os.path.join(ROOT, "target", "release", "gate"))
    r.add_argument("--labels", default=LABELS)
    r.add_argument("--finding-labels", default=FINDING_LABELS)
    r.add_argument("--repo", action="append")
    r.add_argument("--jobs", type=int, default=2)
    r.add_argument("--repo-agents", action="store_true",
                   help="give gate each repository's own agents (REPO_AGENTS) in .gate.yaml")
    r.add_argument("--json", help="write every result to this file")
    r.add_argument("--facts", action="store_true",
                   help="replay through `gate facts` (provenance and GATE-AI-004..008 from the smells; ~10x faster)")
    r.add_argument("--misses", action="store_true", help="list AI commits gate did not mark")
    r.add_argument("--unlabelled", action="store_true", help="list findings without a label")
    r.add_argument("--commits", default=os.path.join(ROOT, "bench", "ai_findings_commits.tsv"),
                   help="candidate commits for the findings sample ('' for none)")
    k = sub.add_parser("recheck", help="precision of the GATE-AI findings on the labelled commits (gate check)")
    k.add_argument("--gate", default=os.path.join(ROOT, "target", "fast", "gate"))
    k.add_argument("--finding-labels", default=FINDING_LABELS)
    k.add_argument("--candidates", nargs="?", const=os.path.join(ROOT, "bench", "ai_findings_commits.tsv"),
                   help="also check these candidate commits (default file: bench/ai_findings_commits.tsv)")
    k.add_argument("--repo", action="append")
    k.add_argument("--jobs", type=int, default=2)
    k.add_argument("--json", help="write every result to this file")
    k.add_argument("--wrong", action="store_true", help="list the reported findings labelled wrong")
    k.add_argument("--unlabelled", action="store_true", help="list findings without a label")
    args = ap.parse_args()
    if getattr(args, "gate", None):
        args.gate = os.path.abspath(args.gate)
    {"clone": clone, "sample": sample, "run": run, "candidates": candidates,
     "recheck": recheck}[args.cmd](args)


if __name__ == "__main__":
    main()
