package gate.production_test

test_never_called_function_is_a_note if {
	f := fn({"function": "legacy_refund", "observed": false, "service": "", "requests": 0, "service_requests": 0, "traffic_share": 0, "errors": 0, "error_rate": 0})
	some n in data.gate.production.info with input as i([f], false, true)
	n.rule == "GATE-PRD-005"
	n.message == "production records 470 function-level spans from app/billing.py in 7.0 days to 2026-12-01 but none from legacy_refund: if it is dead code, delete it instead of changing it; if it runs rarely or is not instrumented, ignore this note"
	new := object.union(f, {"change": "added"})
	not "GATE-PRD-005" in rules_of(data.gate.production.info) with input as i([new], false, true)
	quiet := object.union(f, {"file_requests": 3})
	not "GATE-PRD-005" in rules_of(data.gate.production.info) with input as i([quiet], false, true)
}
