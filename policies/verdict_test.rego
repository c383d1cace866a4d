package gate.verdict_test

cfg := {"thresholds": {"fail": 70, "warn": 40}}

f(cat, level, risk) := {"rule": "R", "category": cat, "level": level, "risk": risk, "message": "m"}

fr(rule, cat, level, risk) := {"rule": rule, "category": cat, "level": level, "risk": risk, "message": rule}

verdict(fs, c) := r if {
	r := data.gate.verdict.result with input as {"facts": {}, "findings": fs} with data.gate.config as c
}

test_empty_change_passes if {
	r := verdict([], cfg)
	r.score == 0
	r.band == "low"
	r.decision == "pass"
}

test_one_leaked_key_is_critical_and_fails if {
	r := verdict([f("secrets", "error", 95)], cfg)
	r.score == 95
	r.band == "critical"
	r.decision == "fail"
	"1 blocking finding (deny)" in r.reasons
}

test_findings_in_a_category_add_a_quarter_and_cap if {
	fs := [f("telemetry", "warning", 30), f("telemetry", "warning", 20), f("telemetry", "warning", 20)]
	r := verdict(fs, cfg)
	# 30 + 5 + 5 = 40, the telemetry cap
	r.score == 40
	r.decision == "warn"
}

test_other_categories_count_half if {
	fs := [f("dependencies", "warning", 40), f("telemetry", "warning", 30)]
	r := verdict(fs, cfg)
	r.score == 55
	count(r.contributors) == 2
	r.contributors[0].points == 40
	r.contributors[1].points == 15
}

# The issue's Dependabot bump: four workflow files, 50 + 12 + 12 + 12 = 86. It warns; the band
# is the riskiest finding's (medium), not "critical".
test_warnings_never_add_up_to_a_fail if {
	fs := [fr("GATE-BLA-004", "blast_radius", "warning", 50) | some _ in numbers.range(1, 4)]
	dedup := [object.union(x, {"message": sprintf("file %d", [i])}) | some i, x in fs]
	r := verdict(dedup, cfg)
	r.score == 86
	r.decision == "warn"
	r.band == "medium"
	some reason in r.reasons
	contains(reason, "warnings alone do not fail")
	contains(reason, "fail_on_score")
}

test_score_fails_when_the_team_opts_in if {
	fs := [fr("GATE-BLA-004", "blast_radius", "warning", 50), fr("GATE-DEP-006", "dependencies", "warning", 45)]
	r := verdict(fs, {"thresholds": {"fail": 70, "warn": 40, "fail_on_score": true}})
	r.score == 72
	r.decision == "fail"
	some reason in r.reasons
	contains(reason, "thresholds.fail_on_score")
	verdict(fs, cfg).decision == "warn"
}

test_notes_weigh_nothing if {
	r := verdict([f("dependencies", "note", 10)], cfg)
	r.decision == "pass"
	r.score == 0
	r.band == "low"
	count(r.contributors) == 0
}

test_warn_threshold_from_config if {
	r := verdict([f("dependencies", "warning", 45)], {"thresholds": {"fail": 45, "warn": 10}})
	r.decision == "warn"
	r2 := verdict([f("dependencies", "warning", 45)], {"thresholds": {"fail": 45, "warn": 10, "fail_on_score": true}})
	r2.decision == "fail"
}

test_band_is_the_riskiest_finding if {
	fs := [fr("GATE-INF-004", "infra", "warning", 60), fr("GATE-CHG-001", "change", "warning", 14)]
	r := verdict(fs, cfg)
	r.band == "high"
	"band high: the riskiest finding is GATE-INF-004 (risk 60)" in r.reasons
}

test_contributors_name_the_category_and_every_rule if {
	fs := [
		fr("GATE-BLA-004", "blast_radius", "warning", 50),
		fr("GATE-BLA-003", "blast_radius", "warning", 35),
		object.union(fr("GATE-BLA-003", "blast_radius", "warning", 35), {"message": "second"}),
		fr("GATE-CHG-001", "change", "warning", 14),
	]
	r := verdict(fs, cfg)
	c := r.contributors[0]
	c.category == "blast_radius"
	c.rule == "GATE-BLA-004"
	c.rules == ["GATE-BLA-004", "GATE-BLA-003"]
	contains(c.reason, "GATE-BLA-004 (risk 50), GATE-BLA-003 x2 (top risk 35)")
	r.contributors[1].rules == ["GATE-CHG-001"]
}

test_custom_category_over_the_default_cap_is_listed if {
	fs := [fr("ACME-1", "custom.acme", "warning", 50), object.union(fr("ACME-1", "custom.acme", "warning", 50), {"message": "b"})]
	r := verdict(fs, cfg)
	r.score == 60
	contains(r.contributors[0].reason, "capped at 60")
}

test_reasons_and_contributors_count_in_words if {
	r := verdict([f("secrets", "error", 95), f("secrets", "error", 90), f("telemetry", "warning", 30)], cfg)
	"2 blocking findings (deny)" in r.reasons
	"1 warning" in r.reasons
	some c in r.contributors
	c.category == "secrets"
	startswith(c.reason, "secrets: 2 findings from ")
	every x in r.reasons {
		not contains(x, "(s)")
	}
}
