package gate.telemetry_test

r(over) := t(object.union({"kind": "error_responder", "function": "default", "role": "error middleware", "status": 500}, over))

test_5xx_responder_without_logging_warns if {
	some w in data.gate.telemetry.warn with input as i([r({})], [svc({"requests": logged})], false)
	w.rule == "GATE-TEL-008"
	w.message == "default (error middleware) answers 5xx without logging the error; log it (or record it on the span) before answering"
}

test_logged_tracked_or_4xx_responders_are_quiet if {
	count(data.gate.telemetry.warn) == 0 with input as i([r({"instrumented": true})], [svc({})], false)
	count(data.gate.telemetry.warn) == 0 with input as i([r({"covered_by": ["sentry"]})], [svc({})], false)
	count(data.gate.telemetry.warn) == 0 with input as i([r({"status": 404})], [svc({})], false)
}
