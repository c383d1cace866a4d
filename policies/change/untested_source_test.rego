package gate.change_test

# GATE-CHG-001 (untested_source.rego).

test_feature_with_tests_is_quiet if {
	i := change([file({}), file({"path": "tests/test_app.py", "is_test": true, "additions": 120})], 1, false)
	count(data.gate.change.warn) == 0 with input as i with data.gate.config.ai.strict as true
}

test_untested_source_warns_more_for_ai if {
	human := change([file({})], 0, false)
	some h in data.gate.change.warn with input as human with data.gate.config.ai.strict as true
	h.rule == "GATE-CHG-001"
	h.risk == 22
	robot := change([file({})], 0, true)
	# The strict profile raises it only when policies/ai/strict.rego lists GATE-CHG-001.
	some same in data.gate.change.warn with input as robot with data.gate.config.ai.strict as true
	same.risk == 22
	some r in data.gate.change.warn with input as robot with data.gate.config.ai.strict as true with data.gate.ai.strict_rules as {"GATE-CHG-001": "test"}
	r.risk == 37
}

test_migrations_are_not_untested_source if {
	m := file({"path": "alembic/versions/2024_add_summary.py", "role": "migration", "additions": 40})
	count([w | some w in data.gate.change.warn with input as change([m], 0, false); w.rule == "GATE-CHG-001"]) == 0
	g := file({"path": "api/v3/status.connect.go", "language": "go", "is_generated": true, "additions": 120})
	count([w | some w in data.gate.change.warn with input as change([g], 0, false); w.rule == "GATE-CHG-001"]) == 0
}

test_untested_message_says_what_to_do if {
	some w in data.gate.change.warn with input as change([file({"additions": 45})], 0, false)
	w.rule == "GATE-CHG-001"
	contains(w.message, "45 source lines added")
	contains(w.message, "gate explain GATE-CHG-001")
	# Below 30 lines, or in --all mode, nothing.
	count([x | some x in data.gate.change.warn with input as change([file({"additions": 29})], 0, false); x.rule == "GATE-CHG-001"]) == 0
	whole := object.union(change([file({})], 0, false), {"change": {"mode": "all"}})
	count([x | some x in data.gate.change.warn with input as whole; x.rule == "GATE-CHG-001"]) == 0
}

test_source_that_adds_its_own_tests_is_tested if {
	# A Rust file adding a `#[cfg(test)]` module beside the code: tests changed, no test file did.
	f := file({"path": "src/parse.rs", "language": "rust", "additions": 80, "adds_tests": true})
	count([w | some w in data.gate.change.warn with input as change([f], 0, false); w.rule == "GATE-CHG-001"]) == 0
	# Another file's inline tests count for the change as a test file would.
	g := file({"path": "src/lib.rs", "language": "rust", "additions": 80})
	count([w | some w in data.gate.change.warn with input as change([g, f], 0, false); w.rule == "GATE-CHG-001"]) == 0
	# Without them, the same change warns.
	some w in data.gate.change.warn with input as change([g], 0, false)
	w.rule == "GATE-CHG-001"
}
