package gate.telemetry_test

new_svc := svc({"new": true, "entrypoints": [{"path": "billing/main.go", "line": 12, "what": "gRPC server", "new": true}]})

test_new_service_without_setup_is_one_finding if {
	ws := data.gate.telemetry.warn with input as i([t({"path": "billing/server.go", "function": "Charge", "route": "Billing/Charge"})], [new_svc], false)
	count(ws) == 1
	some w in ws
	w.rule == "GATE-TEL-006"
	w.path == "billing/main.go"
	w.line == 12
	w.message == "new service at the repository root (gRPC server) starts with no request telemetry: handlers Charge (Billing/Charge); add the framework's tracing or request-logging middleware"
}

test_new_service_with_setup_is_quiet if {
	count(data.gate.telemetry.warn) == 0 with input as i([t({})], [object.union(new_svc, {"requests": logged})], false)
}
