package gate.production_test

test_error_prone_is_a_note if {
	some n in data.gate.production.info with input as i([fn({})], false, true)
	n.rule == "GATE-PRD-002"
	n.message == "charge in app/billing.py fails 6.0% of its 450 calls in billing (27 errors in 7.0 days to 2026-12-01): if this change is the fix, say so and watch the error rate after the deploy; if not, look at those failures before changing it"
	not "GATE-PRD-002" in rules_of(data.gate.production.warn) with input as i([fn({})], false, true)
}

test_error_prone_warns_when_signals_add_up if {
	f := fn({"signals_after": [], "removed_signals": ["logging"]})
	"GATE-PRD-002" in rules_of(data.gate.production.warn) with input as i([f], false, true)
	"GATE-PRD-002" in rules_of(data.gate.production.warn) with input as i([fn({})], true, true)
}

test_few_calls_or_low_rate_say_nothing if {
	few := fn({"requests": 10, "errors": 1, "error_rate": 0.1})
	not "GATE-PRD-002" in rules_of(data.gate.production.info) with input as i([few], false, true)
	ok := fn({"errors": 2, "error_rate": 0.0044})
	not "GATE-PRD-002" in rules_of(data.gate.production.info) with input as i([ok], false, true)
}
