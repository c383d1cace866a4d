package gate.ai_test

base := {"provenance": {"ai_generated": false, "signals": []}, "smells": []}

ai := {"provenance": {"ai_generated": true, "agents": ["claude"], "commits": 2, "ai_commits": 1, "signals": [{"kind": "trailer", "value": "Co-authored-by: Claude <noreply@anthropic.com>", "commit": "0123456789ab", "agent": "claude"}]}, "smells": []}

placeholder := [{"kind": "placeholder", "path": "app.py", "line": 4, "detail": "TODO: implement"}]

test_ai_change_is_noted if {
	some i in data.gate.ai.info with input as ai
	i.rule == "GATE-AI-001"
	contains(i.message, "noreply@anthropic.com")
	count(data.gate.ai.info) == 0 with input as base
}

test_placeholder_weighs_more_when_ai_and_strict if {
	some h in data.gate.ai.warn with input as object.union(base, {"smells": placeholder}) with data.gate.config.ai.strict as true
	h.risk == 25
	some a in data.gate.ai.warn with input as object.union(ai, {"smells": placeholder}) with data.gate.config.ai.strict as true
	a.risk == 40
	some b in data.gate.ai.warn with input as object.union(ai, {"smells": placeholder}) with data.gate.config.ai.strict as false
	b.risk == 25
}

test_duplicate_block if {
	d := [{"kind": "duplicate_block", "path": "b.py", "line": 40, "other_path": "a.py", "other_line": 10, "lines": 12, "similarity": 0.95, "detail": ""}]
	some w in data.gate.ai.warn with input as object.union(base, {"smells": d})
	w.rule == "GATE-AI-003"
	contains(w.message, "a.py:10 (95% alike)")
}
