package gate.coverage_test

# GATE-COV-006

selected(not_run) := {"coverage": {"files": [], "analyzers": {"run": ["secrets"], "not_run": not_run}}}

test_cov_006_one_note_naming_every_analyzer_not_run if {
	i := selected([
		{"analyzer": "dependencies", "reason": "--only secrets"},
		{"analyzer": "telemetry", "reason": "--only secrets"},
		{"analyzer": "production", "reason": "needs telemetry"},
	])
	ns := [n | some n in data.gate.coverage.info with input as i; n.rule == "GATE-COV-006"]
	count(ns) == 1
	ns[0].message == "3 analyzers did not run: dependencies, telemetry (--only secrets), production (needs telemetry); their rules were not evaluated, and a clean result does not vouch for what they check"
	ns[0].risk == 0
}

test_cov_006_one_analyzer if {
	i := selected([{"analyzer": "telemetry", "reason": "--skip telemetry"}])
	ns := [n | some n in data.gate.coverage.info with input as i; n.rule == "GATE-COV-006"]
	ns[0].message == "1 analyzer did not run: telemetry (--skip telemetry); its rules were not evaluated, and a clean result does not vouch for what it checks"
}

test_cov_006_silent_when_every_analyzer_ran if {
	count([n | some n in data.gate.coverage.info with input as selected([]); n.rule == "GATE-COV-006"]) == 0
	count([n | some n in data.gate.coverage.info with input as {"coverage": {"files": []}}; n.rule == "GATE-COV-006"]) == 0
}
