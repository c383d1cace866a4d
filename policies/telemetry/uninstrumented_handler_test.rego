package gate.telemetry_test

test_one_finding_per_service_naming_its_handlers if {
	hs := [t({}), t({"line": 20, "function": "list_users", "route": "GET /users"}), t({"line": 30, "function": "delete_user"})]
	ws := data.gate.telemetry.warn with input as i(hs, [svc({})], false)
	count(ws) == 1
	some w in ws
	w.rule == "GATE-TEL-001"
	w.line == 7
	w.message == "the service at the repository root has no request telemetry (no tracing, request logging or metrics) and gains 3 handlers: get_user, list_users (GET /users), delete_user; add the framework's tracing or request-logging middleware"
}

test_service_level_instrumentation_observes_every_route if {
	count(data.gate.telemetry.warn) == 0 with input as i([t({})], [svc({"requests": logged})], false)
}

test_handlers_that_log_old_handlers_and_unread_services_are_quiet if {
	count(data.gate.telemetry.warn) == 0 with input as i([t({"instrumented": true, "signals": ["logging"]})], [svc({})], false)
	count(data.gate.telemetry.warn) == 0 with input as i([t({"new": false})], [svc({})], false)
	count(data.gate.telemetry.warn) == 0 with input as i([t({})], [svc({"context": {"files": 1, "bytes": 9, "complete": false}})], false)
}

test_ai_strict_and_critical_paths_block if {
	# The strict profile blocks only when policies/ai/strict.rego lists the rule.
	count(data.gate.telemetry.deny) == 0 with input as i([t({})], [svc({})], true) with data.gate.config.ai.strict as true
	some d in data.gate.telemetry.deny with input as i([t({})], [svc({})], true) with data.gate.config.ai.strict as true with data.gate.ai.strict_rules as {"GATE-TEL-001": "test"}
	d.rule == "GATE-TEL-001"
	contains(d.message, "AI-authored")
	some c in data.gate.telemetry.deny with input as i([t({"critical": true})], [svc({})], false)
	c.risk == 60
}
