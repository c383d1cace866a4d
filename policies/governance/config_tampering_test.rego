package gate.governance_test

# GATE-GOV-001 (the gov() helper is shared by the governance tests)

gov(over) := {"governance": object.union({"config_source": "base", "config_changed": false, "policies_changed": false,
	"exceptions_changed": false, "weakened": []}, over), "exceptions": []}

test_weakening_is_tampering if {
	some d in data.gate.governance.deny with input as gov({"config_changed": true, "weakened": ["disables GATE-SEC-001"]})
	d.rule == "GATE-GOV-001"
	contains(d.message, "disables GATE-SEC-001")
	contains(d.message, "base configuration")
}

test_harmless_config_edit_warns if {
	i := gov({"config_changed": true})
	count(data.gate.governance.deny) == 0 with input as i
	some w in data.gate.governance.warn with input as i
	contains(w.message, "configuration")
}

test_untouched_config_is_silent if {
	count(data.gate.governance.warn) == 0 with input as gov({})
	count(data.gate.governance.deny) == 0 with input as gov({})
}
