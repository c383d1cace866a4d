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

cov(skipped) := {"telemetry": [], "provenance": {"ai_generated": false}, "coverage": {"telemetry": {"files": 1, "bytes": 100, "budget_bytes": 8000000, "skipped": skipped}}}

test_budget_skips_warn_with_the_first_paths if {
	ss := [{"path": sprintf("src/f%d.rs", [n]), "reason": "budget", "bytes": 2500000} | some n in numbers.range(1, 5)]
	some w in data.gate.telemetry.warn with input as cov(ss)
	w.rule == "GATE-TEL-005"
	w.message == "telemetry not analyzed in 5 files (12.5 MB) past the 8.0 MB parse budget: src/f1.rs, src/f2.rs, src/f3.rs and 2 more"
	w.risk == 10
}

test_too_large_and_unreadable_are_notes if {
	ss := [{"path": "web/bundle.js", "reason": "too_large", "bytes": 3000000}, {"path": "gone.py", "reason": "no_source", "bytes": null}]
	count(data.gate.telemetry.warn) == 0 with input as cov(ss)
	notes := data.gate.telemetry.info with input as cov(ss)
	count(notes) == 2
	some n in notes
	n.message == "telemetry not analyzed in 1 file larger than 2 MiB: web/bundle.js"
}

test_full_coverage_is_quiet if {
	count(data.gate.telemetry.warn) == 0 with input as cov([])
	count(data.gate.telemetry.info) == 0 with input as cov([])
}
