package gate.governance_test

# GATE-GOV-003

self_sup := {"kind": "inline", "rule": "GATE-SEC-001", "path": "src/a.py", "line": 1, "at_path": "src/a.py", "at_line": 1, "reason": "not a real key", "finding": "fp1"}

test_self_suppression_warns_and_blocks_when_strict if {
	i := object.union(gov({"self_suppressions": [self_sup]}), {"provenance": {"ai_generated": false}})
	ws := data.gate.governance.warn with input as i
	some w in ws
	w.rule == "GATE-GOV-003"
	contains(w.message, "GATE-SEC-001 finding at src/a.py:1")
	contains(w.message, "inline `gate:allow` at src/a.py:1")
	count(data.gate.governance.deny) == 0 with input as i
	strict := object.union(i, {"provenance": {"ai_generated": true}})
	some d in data.gate.governance.deny with input as strict with data.gate.config.ai.strict as true
	d.rule == "GATE-GOV-003"
}

test_self_suppression_by_exception_names_the_file if {
	s := object.union(self_sup, {"kind": "exception", "at_path": ".gate-exceptions.yaml", "at_line": 3})
	i := object.union(gov({"self_suppressions": [s]}), {"provenance": {"ai_generated": false}})
	some w in data.gate.governance.warn with input as i
	contains(w.message, "a new exception in .gate-exceptions.yaml")
	w.line == 3
}

test_self_suppression_by_baseline if {
	s := object.union(self_sup, {"kind": "baseline", "at_path": ".gate-baseline.json", "at_line": 1})
	i := object.union(gov({"self_suppressions": [s]}), {"provenance": {"ai_generated": false}})
	some w in data.gate.governance.warn with input as i
	contains(w.message, "a new entry in the baseline .gate-baseline.json")
}

test_no_self_suppression_is_silent if {
	i := object.union(gov({}), {"provenance": {"ai_generated": false}})
	count([w | some w in data.gate.governance.warn with input as i; w.rule == "GATE-GOV-003"]) == 0
}
