package gate.production_test

test_removed_logging_from_active_function_warns if {
	f := fn({"signals_after": [], "removed_signals": ["logging"]})
	some w in data.gate.production.warn with input as i([f], false, true)
	w.rule == "GATE-PRD-003"
	startswith(w.message, "the change removes logging from charge in app/billing.py, which serves 90.0% of billing's requests")
	endswith(w.message, "keep it (or replace it in this change), so failures there stay visible")
}

test_kept_or_unobserved_instrumentation_is_quiet if {
	not "GATE-PRD-003" in rules_of(data.gate.production.warn) with input as i([fn({})], false, true)
	gone := fn({"observed": false, "requests": 0, "removed_signals": ["span"]})
	not "GATE-PRD-003" in rules_of(data.gate.production.warn) with input as i([gone], false, true)
}
