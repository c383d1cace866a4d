package gate.governance.allow_unknown_rule_test

comment(over) := object.union({"path": "app.py", "line": 7, "rule": "GATE-SEC-01", "reason": "fixture", "next_line": true, "known": false, "suggestion": "GATE-SEC-001"}, over)

gov(comments) := {"governance": {"config_source": "base", "config_changed": false, "policies_changed": false,
	"exceptions_changed": false, "weakened": []}, "exceptions": [], "allow_comments": comments}

gov_011(i) := ws if {
	all := data.gate.governance.warn with input as i
	ws := [w | some w in all; w.rule == "GATE-GOV-011"]
}

test_unknown_rule_is_gov_011_with_a_suggestion if {
	ws := gov_011(gov([comment({})]))
	count(ws) == 1
	ws[0].line == 7
	contains(ws[0].message, "did you mean GATE-SEC-001?")
}

test_unknown_rule_without_a_near_id if {
	ws := gov_011(gov([comment({"rule": "ACME-42", "suggestion": null})]))
	count(ws) == 1
	contains(ws[0].message, "no loaded policy declares ACME-42")
	not contains(ws[0].message, "did you mean")
}

test_allow_without_rule if {
	ws := gov_011(gov([comment({"rule": "", "reason": "", "suggestion": null})]))
	count(ws) == 1
	contains(ws[0].message, "names no rule")
}

test_known_rule_and_unchecked_rule_are_silent if {
	count(gov_011(gov([comment({"known": true, "suggestion": null})]))) == 0
	count(gov_011(gov([comment({"known": null, "suggestion": null})]))) == 0
}
