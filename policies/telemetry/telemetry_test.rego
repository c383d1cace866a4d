package gate.telemetry_test

t(over) := object.union({"path": "app/routes.py", "line": 7, "end_line": 13, "language": "python", "function": "get_user",
	"kind": "http_handler", "instrumented": false, "signals": [], "handled": false, "new": true, "critical": false}, over)

i(ts, ai) := {"telemetry": ts, "provenance": {"ai_generated": ai}}

test_uninstrumented_handler_warns_and_blocks_for_ai if {
	some w in data.gate.telemetry.warn with input as i([t({})], false) with data.gate.config.ai.strict as true
	w.rule == "GATE-TEL-001"
	w.line == 7
	contains(w.message, "get_user")
	some d in data.gate.telemetry.deny with input as i([t({})], true) with data.gate.config.ai.strict as true
	d.rule == "GATE-TEL-001"
}

test_instrumented_or_old_handler_is_quiet if {
	count(data.gate.telemetry.warn) == 0 with input as i([t({"instrumented": true, "signals": ["logging"]})], false)
	count(data.gate.telemetry.warn) == 0 with input as i([t({"new": false})], false)
}

test_critical_path_blocks_with_more_risk if {
	some d in data.gate.telemetry.deny with input as i([t({"critical": true})], false)
	d.risk == 60
}

test_swallowed_error if {
	e := t({"kind": "error_handler", "line": 12})
	some w in data.gate.telemetry.warn with input as i([e], false)
	w.rule == "GATE-TEL-002"
	count(data.gate.telemetry.warn) == 0 with input as i([t({"kind": "error_handler", "handled": true})], false)
	count(data.gate.telemetry.warn) == 0 with input as i([t({"kind": "error_handler", "instrumented": true})], false)
}

test_outbound_and_entrypoint if {
	some w in data.gate.telemetry.warn with input as i([t({"kind": "outbound_call", "function": "get_user: requests.get"})], false)
	w.rule == "GATE-TEL-003"
	some v in data.gate.telemetry.warn with input as i([t({"kind": "entrypoint", "function": "main"})], false)
	v.rule == "GATE-TEL-004"
}
