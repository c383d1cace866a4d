package gate.ai_test

base := {"provenance": {"ai_generated": false, "signals": []}, "smells": []}

ai := {"provenance": {"ai_generated": true, "agents": ["claude"], "commits": 2, "ai_commits": 1, "signals": [{"kind": "trailer", "value": "Co-authored-by: Claude <noreply@anthropic.com>", "commit": "0123456789ab", "agent": "claude"}]}, "smells": []}

placeholder := [{"kind": "placeholder", "path": "app.py", "line": 4, "detail": "TODO: implement"}]

test_ai_change_is_noted if {
	some i in data.gate.ai.info with input as ai
	i.rule == "GATE-AI-001"
	contains(i.message, "AI-authored change (claude): 1 of 2 commits — 0123456789ab trailer Co-authored-by: Claude <noreply@anthropic.com>")
	count(data.gate.ai.info) == 0 with input as base
}

test_branch_signal_and_long_lists if {
	many := [{"kind": "trailer", "value": sprintf("Co-authored-by: Claude <noreply@anthropic.com> %d", [n]), "commit": sprintf("c%d", [n]), "agent": "claude"} | some n in numbers.range(1, 9)]
	branch := [{"kind": "branch", "value": "copilot/fix-1 (GITHUB_HEAD_REF)", "commit": null, "agent": "copilot"}]
	p := {"ai_generated": true, "agents": ["claude", "copilot"], "commits": 9, "ai_commits": 9, "signals": array.concat(branch, many)}
	some i in data.gate.ai.info with input as object.union(base, {"provenance": p})
	contains(i.message, "branch copilot/fix-1 (GITHUB_HEAD_REF)")
	contains(i.message, "(and 4 more)")
}

test_placeholder_weighs_more_when_ai_and_more_under_strict if {
	some h in data.gate.ai.warn with input as object.union(base, {"smells": placeholder}) with data.gate.config.ai.strict as true
	h.risk == 25
	some b in data.gate.ai.warn with input as object.union(ai, {"smells": placeholder}) with data.gate.config.ai.strict as false
	b.risk == 40
	some a in data.gate.ai.warn with input as object.union(ai, {"smells": placeholder}) with data.gate.config.ai.strict as true
	a.risk == 50
	# The strict profile applies only to the listed rules.
	some c in data.gate.ai.warn with input as object.union(ai, {"smells": placeholder}) with data.gate.config.ai.strict as true with data.gate.ai.strict_rules as {"GATE-AI-004": "x"}
	c.risk == 40
}

smell(kind, what, over) := object.union({"kind": kind, "path": "tests/test_billing.py", "line": 12, "detail": "2 assertions removed", "what": what, "tool": "pytest", "count": 2}, over)

finding_for(input_doc, rule) := [w | some w in data.gate.ai.warn with input as input_doc; w.rule == rule]

test_tests_weakened if {
	s := smell("test_weakened", "assertions_removed", {})
	h := finding_for(object.union(base, {"smells": [s]}), "GATE-AI-004")
	count(h) == 1
	h[0].risk == 25
	contains(h[0].message, "2 assertions removed in tests/test_billing.py while the code it tests stays")
	contains(h[0].message, "restore the tests")
	a := finding_for(object.union(ai, {"smells": [s]}), "GATE-AI-004")
	a[0].risk > h[0].risk
	contains(a[0].message, "(AI-authored change)")
	d := finding_for(object.union(base, {"smells": [smell("test_weakened", "test_file_deleted", {"detail": "test file deleted (40 lines)"})]}), "GATE-AI-004")
	d[0].risk == 30
}

test_suppressions_security_weighs_more if {
	lint := smell("suppression_added", null, {"path": "app.py", "detail": "1 suppression added: `# type: ignore`", "security": false})
	sec := smell("suppression_added", null, {"path": "app.py", "detail": "1 suppression added: `# nosec`", "security": true})
	l := finding_for(object.union(base, {"smells": [lint]}), "GATE-AI-005")
	s := finding_for(object.union(base, {"smells": [sec]}), "GATE-AI-005")
	s[0].risk > l[0].risk
	contains(s[0].message, "security scanner")
	contains(l[0].message, "fix what the checker reports")
}

test_relaxed_instructions_and_ci if {
	r := finding_for(object.union(base, {"smells": [smell("check_relaxed", "check_disabled", {"path": "tsconfig.json", "tool": "typescript", "detail": "sets `strict` to false"})]}), "GATE-AI-006")
	contains(r[0].message, "tsconfig.json (typescript) sets `strict` to false")
	i := finding_for(object.union(ai, {"smells": [smell("agent_instructions", "modified", {"path": "CLAUDE.md", "tool": "claude", "detail": "modified (+1 −1 lines)"})]}), "GATE-AI-007")
	contains(i[0].message, "have a maintainer review")
	i[0].risk == 30
	c := finding_for(object.union(base, {"smells": [smell("ci_check_bypassed", "continue_on_error", {"path": ".github/workflows/ci.yml", "tool": "github-actions", "detail": "adds `continue-on-error: true`"})]}), "GATE-AI-008")
	contains(c[0].message, "keep the check blocking")
	c[0].risk == 30
}

test_strict_profile_is_empty_for_people_and_when_off if {
	count(data.gate.ai.strict_profile) == 0 with input as base with data.gate.config.ai.strict as true
	count(data.gate.ai.strict_profile) == 0 with input as ai with data.gate.config.ai.strict as false
	"GATE-AI-004" in data.gate.ai.strict_profile with input as ai with data.gate.config.ai.strict as true
	not "GATE-DEP-002" in data.gate.ai.strict_profile with input as ai with data.gate.config.ai.strict as true
}

test_duplicate_block if {
	d := [{"kind": "duplicate_block", "path": "b.py", "line": 40, "other_path": "a.py", "other_line": 10, "lines": 12, "similarity": 0.95, "detail": ""}]
	some w in data.gate.ai.warn with input as object.union(base, {"smells": d})
	w.rule == "GATE-AI-003"
	contains(w.message, "a.py:10 (95% alike)")
}
