package gate.telemetry_test

cov(skipped) := {"telemetry": [], "telemetry_services": [], "provenance": {"ai_generated": false}, "coverage": {"telemetry": {"files": 1, "bytes": 100, "budget_bytes": 8000000, "skipped": skipped, "context": {"files": 0, "bytes": 0, "budget_bytes": 16000000, "incomplete": []}}}}

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

handler(root) := {"kind": "http_handler", "service": root, "new": true, "instrumented": false, "path": "h.py", "line": 1, "end_line": 2, "function": "h"}

test_unread_service_setup_is_a_note if {
	c := json.patch(cov([]), [
		{"op": "replace", "path": "/coverage/telemetry/context/incomplete", "value": ["", "svc/a", "svc/b"]},
		{"op": "replace", "path": "/telemetry", "value": [handler(""), handler("svc/a")]},
	])
	some n in data.gate.telemetry.info with input as c
	n.message == "service setup not fully read for the repository root, svc/a (past the 16.0 MB context budget, or no snapshot to list): missing request telemetry is not reported there"
}

# Without new handlers there is nothing the unread setup would decide: no note.
test_unread_setup_without_new_handlers_is_quiet if {
	c := json.patch(cov([]), [{"op": "replace", "path": "/coverage/telemetry/context/incomplete", "value": [""]}])
	count(data.gate.telemetry.info) == 0 with input as c
}

test_full_coverage_is_quiet if {
	count(data.gate.telemetry.warn) == 0 with input as cov([])
	count(data.gate.telemetry.info) == 0 with input as cov([])
}
