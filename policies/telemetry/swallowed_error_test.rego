package gate.telemetry_test

e(over) := t(object.union({"kind": "error_handler", "line": 12, "outcome": "dropped"}, over))

test_dropped_error_warns if {
	some w in data.gate.telemetry.warn with input as i([e({})], [svc({"requests": logged})], false)
	w.rule == "GATE-TEL-002"
	w.line == 12
}

test_handled_outcomes_are_quiet if {
	every o in ["propagated", "recorded", "responded", "passed", "stored", "returned", "stderr", "printed", "fallback", "exit"] {
		count(data.gate.telemetry.warn) == 0 with input as i([e({"outcome": o, "handled": true})], [svc({"requests": logged})], false)
	}
}
