package gate.verdict_test

cfg := {"thresholds": {"fail": 70, "warn": 40}}

f(cat, level, risk) := {"rule": "R", "category": cat, "level": level, "risk": risk, "message": "m"}

test_empty_change_passes if {
	r := data.gate.verdict.result with input as {"facts": {}, "findings": []} with data.gate.config as cfg
	r.score == 0
	r.band == "low"
	r.decision == "pass"
}

test_one_leaked_key_is_critical_and_fails if {
	r := data.gate.verdict.result with input as {"facts": {}, "findings": [f("secrets", "error", 95)]}
		with data.gate.config as cfg
	r.score == 95
	r.band == "critical"
	r.decision == "fail"
}

test_findings_in_a_category_add_a_quarter_and_cap if {
	fs := [f("telemetry", "warning", 30), f("telemetry", "warning", 20), f("telemetry", "warning", 20)]
	r := data.gate.verdict.result with input as {"facts": {}, "findings": fs} with data.gate.config as cfg
	# 30 + 5 + 5 = 40, the telemetry cap
	r.score == 40
	r.decision == "warn"
}

test_other_categories_count_half if {
	fs := [f("dependencies", "warning", 40), f("telemetry", "warning", 30)]
	r := data.gate.verdict.result with input as {"facts": {}, "findings": fs} with data.gate.config as cfg
	r.score == 55
	r.band == "high"
	count(r.contributors) == 2
	r.contributors[0].points == 40
	r.contributors[1].points == 15
}

test_notes_alone_pass if {
	r := data.gate.verdict.result with input as {"facts": {}, "findings": [f("dependencies", "note", 10)]}
		with data.gate.config as cfg
	r.decision == "pass"
	r.score == 10
}

test_threshold_from_config if {
	r := data.gate.verdict.result with input as {"facts": {}, "findings": [f("dependencies", "warning", 45)]}
		with data.gate.config as {"thresholds": {"fail": 45, "warn": 10}}
	r.decision == "fail"
}
