package gate.governance.allow_without_reason_test

comment(over) := object.union({"path": "app.py", "line": 3, "rule": "GATE-SEC-001", "reason": "", "next_line": false, "known": true, "suggestion": null}, over)

gov(comments) := {"governance": {"config_source": "base", "config_changed": false, "policies_changed": false,
	"exceptions_changed": false, "weakened": []}, "exceptions": [], "allow_comments": comments}

test_allow_without_reason_is_gov_010 if {
	ws := data.gate.governance.warn with input as gov([comment({})])
	some w in ws
	w.rule == "GATE-GOV-010"
	w.path == "app.py"
	w.line == 3
	contains(w.message, "gate:allow GATE-SEC-001 <reason>")
}

test_allow_with_reason_is_silent if {
	ws := data.gate.governance.warn with input as gov([comment({"reason": "fake key for the emulator"})])
	count([w | some w in ws; w.rule == "GATE-GOV-010"]) == 0
}

test_allow_without_rule_is_left_to_gov_011 if {
	ws := data.gate.governance.warn with input as gov([comment({"rule": "", "known": false})])
	count([w | some w in ws; w.rule == "GATE-GOV-010"]) == 0
}
