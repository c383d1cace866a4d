package gate.telemetry_test

o(over) := t(object.union({"kind": "outbound_call", "function": "chatBotHandler: http.DefaultClient.Do", "role": "http:default"}, over))

test_untraced_call_in_a_traced_service_warns if {
	some w in data.gate.telemetry.warn with input as i([o({})], [svc({"tracing": true})], false)
	w.rule == "GATE-TEL-003"
	w.message == "outbound call in chatBotHandler: http.DefaultClient.Do (http:default) is outside the service's traces; make it with the instrumented client or wrap it in a span"
}

test_covered_spanned_or_untraced_services_are_quiet if {
	count(data.gate.telemetry.warn) == 0 with input as i([o({"covered_by": ["otel-go-http-default"]})], [svc({"tracing": true})], false)
	count(data.gate.telemetry.warn) == 0 with input as i([o({"instrumented": true})], [svc({"tracing": true})], false)
	count(data.gate.telemetry.warn) == 0 with input as i([o({})], [svc({})], false)
}
