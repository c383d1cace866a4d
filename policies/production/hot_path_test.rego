package gate.production_test

test_hot_path_reports_its_figures if {
	some w in data.gate.production.warn with input as i([fn({})], false, true)
	w.rule == "GATE-PRD-001"
	w.message == "charge in app/billing.py serves 90.0% of billing's requests (450 of 500 in 7.0 days to 2026-12-01; 6.0% errors, p50 12.0 ms, p95 40.0 ms): a hot path — roll it out behind a flag or a canary and watch its error rate after the deploy"
	w.risk == 25
}

test_hot_path_weighs_more_untested_and_ai if {
	some w in data.gate.production.warn with input as i([fn({})], true, false)
	w.rule == "GATE-PRD-001"
	w.risk == 45
	w.risk_reason == "hot path, untested, AI-authored"
	contains(w.message, "add tests for it")
}

test_cold_fast_function_is_not_a_hot_path if {
	cold := fn({"function": "format_receipt", "requests": 20, "traffic_share": 0.04, "errors": 0, "error_rate": 0, "p50_ms": 1.0, "p95_ms": 1.0})
	not "GATE-PRD-001" in rules_of(data.gate.production.warn) with input as i([cold], false, true)
}

test_threshold_comes_from_config if {
	not "GATE-PRD-001" in rules_of(data.gate.production.warn) with input as i([fn({})], false, true)
		with data.gate.config.production.hot_share as 0.95
}
