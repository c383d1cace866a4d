package gate.blast_radius

# GATE-BLA-004: CI workflows, pre-commit hooks or CODEOWNERS changed: the change edits what
# checks and reviews changes. One finding per change and per weight, pointing at the changed
# line:
#   - a note when the change only moves pinned versions and one of them crossed a major
#     version (`uses: x@v4` -> `@v5`, a commit-SHA pin whose version comment did, a pre-commit
#     `rev:` v0.6 -> v0.7, a tool version); nothing when pins only moved within their version
#     line or the change edits nothing that matters to security (a title, a matrix entry, a
#     harmless action input): those stay in the facts;
#   - a warning for triggers, permissions, secrets, scripts, sensitive inputs and variables,
#     actions, hooks, runners, job conditions, added or deleted workflows and CODEOWNERS;
#   - a high-risk warning for widened permissions and for a commit-SHA pin moved to a tag or
#     branch.
# GATE-BLA-006: a privileged trigger (`pull_request_target`, `workflow_run`) that checks out
# the pull request's head, so untrusted code runs with the repository's secrets and a write
# token. It denies when the change introduces it.
#
# input.ci (docs/facts.md) carries each changed CI file's classified changes; a CI file without
# an entry there (facts from an older analyzer) counts as an unclassified edit.

rules["GATE-BLA-004"] := {
	"name": "CI or ownership changed",
	"summary": "The change edits CI workflows, pre-commit hooks or CODEOWNERS.",
	"help": concat("\n", [
		"**What it finds:** changes to `.github/workflows/`, `.github/actions/`, `.pre-commit-config.yaml`, `.gitlab-ci.yml`, `Jenkinsfile`, `.circleci/`, `azure-pipelines.yml`, `.buildkite/` and similar, and to `CODEOWNERS`. Pinned versions moved across a major (`actions/checkout@v4` to `@v5`, a SHA whose `# v4.2.2` comment becomes `# v5.0.0`, `rev:` v0.6.9 to v0.7.0) are one note; a SHA refreshed within its version line, minor moves and harmless edits (a title, a matrix entry) are no finding (see the facts, `ci[].changes`). Triggers, permissions, secrets, scripts (`run:`), sensitive inputs and variables (`ref:`, `token:`, `BASH_ENV` ...), new or removed actions and hooks, runners, job conditions, added or deleted workflows and CODEOWNERS rules are one warning; widened permissions (`write`, `write-all`, `id-token: write`) and a commit-SHA pin replaced by a tag or branch are a high-risk warning.",
		"",
		"**Why it matters:** a change to the pipeline can skip the checks that would have caught it, or exfiltrate the secrets CI holds; a mutable action reference runs whatever its owner publishes next; CODEOWNERS decides who must approve.",
		"",
		"**Example:** `permissions: {contents: write}` added to a workflow that runs on pull requests, or `uses: some/action@3f2a...` replaced by `uses: some/action@main`.",
		"",
		"**How to fix:** have a maintainer of the pipeline review it, and keep pipeline changes separate from feature changes; keep permissions at the least the job needs and actions pinned to a commit SHA. To accept a reviewed change, add `# gate:allow GATE-BLA-004 <reason>` on the line, or an entry in `.gate-exceptions.yaml`.",
	]),
	"tags": ["blast-radius", "supply-chain", "governance"],
	"security_severity": 6.0,
	"risk_points": "70 permissions widened / 60 a commit-SHA pin replaced by a mutable reference / 40 triggers, permissions, secrets, scripts, actions, hooks, runners, conditions, CODEOWNERS / 0 (note) only pinned versions moved, one across a major version",
}

rules["GATE-BLA-006"] := {
	"name": "Untrusted checkout in a privileged workflow",
	"summary": "A pull_request_target or workflow_run workflow checks out the pull request's head.",
	"help": concat("\n", [
		"**What it finds:** workflows triggered by `pull_request_target` or `workflow_run` that check out the pull request's code (`actions/checkout` with `ref:` set to the head SHA or branch, `refs/pull/...`, `gh pr checkout`, `git fetch ... pull/...`).",
		"",
		"**Why it matters:** these triggers run with the base repository's secrets and a write token; checking out and building the head runs an outsider's code with them (a \"pwn request\").",
		"",
		"**Example:** `on: pull_request_target` with `- uses: actions/checkout@v4` and `with: {ref: ${{ github.event.pull_request.head.sha }}}`, followed by `npm install`.",
		"",
		"**How to fix:** use the `pull_request` trigger for anything that runs the pull request's code; if the workflow needs secrets, split it: build untrusted code under `pull_request`, and act on its uploaded results in a separate `workflow_run` job that never executes them. A reviewed exception: `# gate:allow GATE-BLA-006 <reason>` on the line.",
	]),
	"tags": ["blast-radius", "supply-chain", "ci"],
	"security_severity": 9.0,
	"risk_points": "85 (deny) when the change introduces it / 70 already there",
}

# Change kinds that warn, in the order a reviewer should look at them, with what the message
# calls them. `pin` (a pinned version moved) and `other` (an edit of none of these, such as a
# title, a matrix entry or a harmless input) are a note.
kind_order := [
	"trigger", "permission", "secret", "script", "input", "action", "hook", "runner", "condition",
	"workflow_added", "workflow_deleted", "owners",
]

kind_names := {
	"trigger": "triggers",
	"permission": "permissions",
	"secret": "secrets",
	"script": "a script",
	"input": "a sensitive input or variable",
	"action": "actions used",
	"hook": "hooks",
	"runner": "runners or images",
	"condition": "job conditions",
	"workflow_added": "a new workflow",
	"workflow_deleted": "a deleted workflow",
	"owners": "CODEOWNERS rules",
}

high_kinds := {"permission_widened", "pin_weakened"}

ci_paths := {c.path | some c in object.get(input, "ci", [])}

# Every classified change of the change, with its file; CI files the analyzer did not classify
# (facts from an older analyzer) count as a script change at their first changed line, so they
# still warn.
ci_items := array.concat(
	[object.union(ch, {"path": c.path}) | some c in object.get(input, "ci", []); some ch in c.changes],
	[{"path": f.path, "line": first_line(f), "kind": fallback_kind(f), "detail": ""} |
		some f in input.change.files
		f.role in {"ci_workflow", "codeowners"}
		not f.path in ci_paths
	],
)

fallback_kind(f) := "owners" if f.role == "codeowners" else := "script"

pins := sort_items([i | some i in ci_items; i.kind in {"pin", "pin_major"}])

majors := sort_items([i | some i in ci_items; i.kind == "pin_major"])

others := sort_items([i | some i in ci_items; i.kind == "other"])

highs := sort_items([i | some i in ci_items; i.kind in high_kinds])

edits := sort_items([i | some i in ci_items; rank(i.kind) < count(kind_order)])

# Items sorted by kind (in kind_order), then path and line.
sort_items(items) := [x[3] | some x in sort([[rank(i.kind), i.path, i.line, i] | some i in items])]

rank(k) := r if {
	some r, x in kind_order
	x == k
} else := count(kind_order) + 1

place(i) := sprintf("%s:%d", [i.path, i.line])

more(items, n) := sprintf(" (+%d more)", [count(items) - n]) if count(items) > n else := ""

# "triggers (.github/workflows/ci.yml:3), a script (.github/workflows/ci.yml:40)": the first
# place of each kind, in kind order.
edit_summary := concat(", ", [sprintf("%s (%s)", [kind_names[k], place(first)]) |
	some k in kind_order
	ks := [i | some i in edits; i.kind == k]
	count(ks) > 0
	first := ks[0]
])

edit_files := {i.path | some i in edits}

# What else the change did to the pipeline, for the end of a warning's message.
also := concat("", [
	sprintf("; also %s moved", [counted(count(pins), "pinned version", "pinned versions")]) | count(pins) > 0
])

warn contains {
	"rule": "GATE-BLA-004",
	"message": sprintf("CI or ownership changed: %s in %s%s; have a pipeline maintainer review it (gate explain GATE-BLA-004)", [edit_summary, counted(count(edit_files), "file", "files"), also]),
	"path": edits[0].path,
	"line": edits[0].line,
	"risk": 40,
	"risk_reason": sprintf("%s changed", [kind_names[edits[0].kind]]),
} if {
	input.change.mode != "all"
	count(edits) > 0
}

warn contains {
	"rule": "GATE-BLA-004",
	"message": sprintf("%s%s%s; keep permissions to what the job needs and actions pinned to a commit SHA (gate explain GATE-BLA-004)", [
		concat(", ", [sprintf("%s: %s (%s)", [high_names[i.kind], i.detail, place(i)]) | some i in array.slice(highs, 0, 3)]),
		more(highs, 3),
		high_also,
	]),
	"path": highs[0].path,
	"line": highs[0].line,
	"risk": high_risk,
	"risk_reason": high_names[highs[0].kind],
} if {
	input.change.mode != "all"
	count(highs) > 0
}

high_also := also if count(edits) == 0 else := ""

high_names := {"permission_widened": "permissions widened", "pin_weakened": "commit-SHA pin replaced by a mutable reference"}

high_risk := 70 if {
	some i in highs
	i.kind == "permission_widened"
} else := 60

# A change that only moves pinned versions: one note when a version crossed a major line
# (`@v4` -> `@v5`, `rev: v0.6.9` -> `v0.7.0`, a SHA pin whose version comment did), whose release
# notes are worth a look. A SHA refreshed within its version line, a minor or patch move, a tag
# pinned to a SHA and edits of nothing above (a title, a matrix entry, a harmless input) are no
# finding: they stay in the facts (`ci[].changes`), and a reviewer of real history called every
# such note noise (bench/RESULTS.md, session 8).
info contains {
	"rule": "GATE-BLA-004",
	"message": sprintf("CI changed, no trigger, permission, secret, script or action: %s; read the release notes of the new major versions (a note; gate explain GATE-BLA-004)", [pin_summary]),
	"path": majors[0].path,
	"line": majors[0].line,
	"risk": 0,
	"risk_reason": "pinned version moved to a new major",
} if {
	input.change.mode != "all"
	count(edits) == 0
	count(highs) == 0
	count(majors) > 0
}

pin_summary := sprintf("pinned versions moved across a major version: %s%s%s", [
	concat(", ", [sprintf("%s (%s)", [i.detail, place(i)]) | some i in array.slice(majors, 0, 3)]),
	more(majors, 3),
	routine_also,
])

routine_also := sprintf("; %s moved within their version line", [counted(count(pins) - count(majors), "other pin", "other pins")]) if count(pins) > count(majors) else := ""

deny contains {
	"rule": "GATE-BLA-006",
	"message": sprintf("%s workflow checks out the pull request's head (%s): untrusted code runs with the repository's secrets; use the pull_request trigger for it (gate explain GATE-BLA-006)", [u.trigger, u.ref]),
	"path": c.path,
	"line": u.line,
	"risk": 85,
	"risk_reason": "untrusted code with secrets (pwn request)",
} if {
	input.change.mode != "all"
	some c in object.get(input, "ci", [])
	u := c.untrusted_checkout
	u != null
	not object.get(c, "untrusted_checkout_before", false)
}

warn contains {
	"rule": "GATE-BLA-006",
	"message": sprintf("this workflow already checks out the pull request's head under %s (%s): untrusted code runs with secrets; move that job to the pull_request trigger (gate explain GATE-BLA-006)", [u.trigger, u.ref]),
	"path": c.path,
	"line": u.line,
	"risk": 70,
	"risk_reason": "untrusted code with secrets (already there)",
} if {
	input.change.mode != "all"
	some c in object.get(input, "ci", [])
	u := c.untrusted_checkout
	u != null
	object.get(c, "untrusted_checkout_before", false)
}

# `1 file`, `2 files`.
counted(n, one, many) := sprintf("%d %s", [n, one]) if {
	n == 1
} else := sprintf("%d %s", [n, many])
