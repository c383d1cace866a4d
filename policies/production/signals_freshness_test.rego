package gate.production_test

test_missing_signals_are_a_note if {
	some n in data.gate.production.info with input as with_sources([src({"kind": "missing", "spans": 0, "window": {"start": "", "end": "", "days": 0, "age_days": null}})])
	n.rule == "GATE-PRD-004"
	startswith(n.message, "production signals .gate/signals.json do not exist")
}

test_stale_signals_are_a_note if {
	old := src({"window": object.union(window, {"end": "2026-10-01T00:00:00Z", "age_days": 61.0})})
	some n in data.gate.production.info with input as with_sources([old])
	n.rule == "GATE-PRD-004"
	n.message == "production signals .gate/signals.json end 2026-10-01, 61.0 days ago (production.max_age_days: 14): summarize a recent export so hot paths and error rates are current"
	count(data.gate.production.info) == 0 with input as with_sources([src({})])
}

test_signals_edited_by_the_change_warn if {
	some w in data.gate.production.warn with input as with_sources([src({"in_change": true})])
	w.rule == "GATE-PRD-004"
}
