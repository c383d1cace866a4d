package gate.telemetry_test

j(over) := t(object.union({"kind": "entrypoint", "function": "sync_invoices", "role": "job"}, over))

test_unobserved_job_warns if {
	some w in data.gate.telemetry.warn with input as i([j({})], [svc({"requests": logged})], false)
	w.rule == "GATE-TEL-004"
	w.message == "new job sync_invoices has no logging, tracing or metrics; log its start, outcome and failures, or give it a span"
}

test_mains_clis_and_observed_jobs_are_quiet if {
	count(data.gate.telemetry.warn) == 0 with input as i([j({"role": "main", "function": "main"})], [svc({})], false)
	count(data.gate.telemetry.warn) == 0 with input as i([j({"role": "cli"})], [svc({})], false)
	count(data.gate.telemetry.warn) == 0 with input as i([j({"covered_by": ["worker-logs"]})], [svc({})], false)
}
