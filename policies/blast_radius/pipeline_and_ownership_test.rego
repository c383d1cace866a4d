package gate.blast_radius_test

# GATE-BLA-004 and GATE-BLA-006 (pipeline_and_ownership.rego).

# CI facts as the analyzer writes them (docs/facts.md, `ci`).
ci_change(files, ci) := object.union(change(files, small), {"ci": ci})

wf(path) := file({"path": path, "role": "ci_workflow", "hunks": [{"new_start": 11}]})

pin(path, line, detail) := {"line": line, "kind": "pin_major", "detail": detail}

routine(path, line, detail) := {"line": line, "kind": "pin", "detail": detail}

bla004(i) := [x | some x in data.gate.blast_radius.warn with input as i; x.rule == "GATE-BLA-004"]

bla004_notes(i) := [x | some x in data.gate.blast_radius.info with input as i; x.rule == "GATE-BLA-004"]

# A Dependabot bump of actions/checkout in four workflows: one note, at the changed line.
test_pinned_version_moves_are_one_note if {
	paths := [sprintf(".github/workflows/w%d.yml", [n]) | some n in numbers.range(1, 4)]
	ci := [{"path": p, "kind": "github_workflow", "status": "modified", "untrusted_checkout": null,
		"changes": [pin(p, 11, "actions/checkout v4 -> v5")]} | some p in paths]
	i := ci_change([wf(p) | some p in paths], ci)
	count(bla004(i)) == 0
	notes := bla004_notes(i)
	count(notes) == 1
	notes[0].path == ".github/workflows/w1.yml"
	notes[0].line == 11
	notes[0].risk == 0
	contains(notes[0].message, "actions/checkout v4 -> v5 (.github/workflows/w1.yml:11)")
	contains(notes[0].message, "(+1 more)")
}

test_pre_commit_rev_across_a_major_is_a_note if {
	ci := [{"path": ".pre-commit-config.yaml", "kind": "pre_commit", "status": "modified", "untrusted_checkout": null,
		"changes": [pin(".pre-commit-config.yaml", 3, "https://github.com/astral-sh/ruff-pre-commit v0.6.9 -> v0.7.0")]}]
	i := ci_change([wf(".pre-commit-config.yaml")], ci)
	count(bla004(i)) == 0
	count(bla004_notes(i)) == 1
}

# A SHA refreshed within its version line, a patch rev bump: no finding (they stay in the facts).
test_routine_pin_moves_are_no_finding if {
	ci := [
		{"path": ".pre-commit-config.yaml", "kind": "pre_commit", "status": "modified", "untrusted_checkout": null,
			"changes": [routine(".pre-commit-config.yaml", 3, "https://github.com/astral-sh/ruff-pre-commit v0.6.8 -> v0.6.9")]},
		{"path": ".github/workflows/w.yml", "kind": "github_workflow", "status": "modified", "untrusted_checkout": null,
			"changes": [routine(".github/workflows/w.yml", 12, "actions/checkout 11bd719 (v4.2.2) -> 08eba0b (v4.3.0)")]},
	]
	i := ci_change([wf(".pre-commit-config.yaml"), wf(".github/workflows/w.yml")], ci)
	count(bla004(i)) == 0
	count(bla004_notes(i)) == 0
}

test_triggers_and_scripts_warn_once_at_the_changed_line if {
	ci := [
		{"path": ".github/workflows/a.yml", "kind": "github_workflow", "status": "modified", "untrusted_checkout": null,
			"changes": [{"line": 40, "kind": "script", "detail": "run"}, {"line": 3, "kind": "trigger", "detail": "pull_request"}]},
		{"path": ".github/workflows/b.yml", "kind": "github_workflow", "status": "modified", "untrusted_checkout": null,
			"changes": [{"line": 7, "kind": "trigger", "detail": "push"}, pin(".github/workflows/b.yml", 20, "actions/setup-go v5 -> v6")]},
	]
	i := ci_change([wf(".github/workflows/a.yml"), wf(".github/workflows/b.yml")], ci)
	ws := bla004(i)
	count(ws) == 1
	ws[0].path == ".github/workflows/a.yml"
	ws[0].line == 3
	ws[0].risk == 40
	contains(ws[0].message, "triggers (.github/workflows/a.yml:3), a script (.github/workflows/a.yml:40) in 2 files; also 1 pinned version moved")
	contains(ws[0].message, "gate explain GATE-BLA-004")
	count(bla004_notes(i)) == 0
}

test_codeowners_warns if {
	i := change([file({"path": ".github/CODEOWNERS", "role": "codeowners", "hunks": [{"new_start": 15}]})], small)
	ws := bla004(i)
	count(ws) == 1
	ws[0].line == 15
	ws[0].risk == 40
}

test_other_edits_are_no_finding_beside_a_major_move if {
	ci := [{"path": ".github/workflows/lint.yml", "kind": "github_workflow", "status": "modified", "untrusted_checkout": null,
		"changes": [{"line": 46, "kind": "other", "detail": "pr_title"}, pin(".github/workflows/lint.yml", 12, "actions/checkout v4 -> v5")]}]
	i := ci_change([wf(".github/workflows/lint.yml")], ci)
	count(bla004(i)) == 0
	notes := bla004_notes(i)
	count(notes) == 1
	notes[0].line == 12
	contains(notes[0].message, "pinned versions moved across a major version: actions/checkout v4 -> v5 (.github/workflows/lint.yml:12);")
	# Other edits alone are no finding.
	quiet := [{"path": ".github/workflows/lint.yml", "kind": "github_workflow", "status": "modified", "untrusted_checkout": null,
		"changes": [{"line": 46, "kind": "other", "detail": "pr_title"}]}]
	count(bla004_notes(ci_change([wf(".github/workflows/lint.yml")], quiet))) == 0
	count(bla004(ci_change([wf(".github/workflows/lint.yml")], quiet))) == 0
	# A sensitive input (a checkout ref, a token, BASH_ENV) warns.
	sens := [{"path": ".github/workflows/lint.yml", "kind": "github_workflow", "status": "modified", "untrusted_checkout": null,
		"changes": [{"line": 20, "kind": "input", "detail": "ref: main"}]}]
	ws := bla004(ci_change([wf(".github/workflows/lint.yml")], sens))
	ws[0].risk == 40
	contains(ws[0].message, "a sensitive input or variable (.github/workflows/lint.yml:20)")
}

test_widened_permissions_and_unpinned_actions_are_high if {
	ci := [{"path": ".github/workflows/release.yml", "kind": "github_workflow", "status": "modified", "untrusted_checkout": null,
		"changes": [
			{"line": 9, "kind": "permission_widened", "detail": "contents: write"},
			{"line": 30, "kind": "pin_weakened", "detail": "some/action 3f2a9c1 -> main"},
		]}]
	ws := bla004(ci_change([wf(".github/workflows/release.yml")], ci))
	count(ws) == 1
	ws[0].risk == 70
	ws[0].line == 9
	contains(ws[0].message, "permissions widened: contents: write (.github/workflows/release.yml:9)")
	unpin := [{"path": ".github/workflows/a.yml", "kind": "github_workflow", "status": "modified", "untrusted_checkout": null,
		"changes": [{"line": 14, "kind": "pin_weakened", "detail": "org/actionlint 788b983 -> main"}]}]
	us := bla004(ci_change([wf(".github/workflows/a.yml")], unpin))
	us[0].risk == 60
}

test_pull_request_target_checking_out_the_head_is_denied if {
	u := {"line": 18, "trigger": "pull_request_target", "ref": "${{ github.event.pull_request.head.sha }}"}
	ci := [{"path": ".github/workflows/pr.yml", "kind": "github_workflow", "status": "added", "untrusted_checkout": u,
		"changes": [{"line": 1, "kind": "workflow_added", "detail": ""}]}]
	i := ci_change([wf(".github/workflows/pr.yml")], ci)
	some d in data.gate.blast_radius.deny with input as i
	d.rule == "GATE-BLA-006"
	d.line == 18
	d.risk == 85
	# Already there before the change: a high-risk warning on the edited workflow, no deny.
	before := [object.union(ci[0], {"untrusted_checkout_before": true, "status": "modified"})]
	count([x | some x in data.gate.blast_radius.deny with input as ci_change([wf(".github/workflows/pr.yml")], before); x.rule == "GATE-BLA-006"]) == 0
	some w in data.gate.blast_radius.warn with input as ci_change([wf(".github/workflows/pr.yml")], before)
	w.rule == "GATE-BLA-006"
	w.risk == 70
}

test_ci_files_without_facts_warn if {
	ws := bla004(change([wf(".gitlab-ci.yml")], small))
	count(ws) == 1
	ws[0].line == 11
	ws[0].risk == 40
}
