package gate.ai_test

# GATE-AI-003

dup := [{"kind": "duplicate_block", "path": "b.py", "line": 40, "other_path": "a.py", "other_line": 10, "lines": 12, "similarity": 0.95, "detail": ""}]

test_ai_003_duplicate_block if {
	w := finding_for(with_smells(base, dup), "GATE-AI-003")
	count(w) == 1
	w[0].path == "b.py"
	w[0].line == 40
	contains(w[0].message, "12 added lines repeat a.py:10 (95% alike)")
	contains(w[0].message, "extract the shared code into one function")
	w[0].risk == 20
}

test_ai_003_strict_only_when_listed if {
	l := finding_for(with_smells(ai, dup), "GATE-AI-003") with data.gate.config.ai.strict as true with data.gate.ai.strict_rules as {"GATE-AI-003": "test"}
	l[0].risk == 30
	n := finding_for(with_smells(ai, dup), "GATE-AI-003") with data.gate.config.ai.strict as true with data.gate.ai.strict_rules as {}
	n[0].risk == 20
}
