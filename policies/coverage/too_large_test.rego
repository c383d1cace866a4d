package gate.coverage_test

# GATE-COV-002

test_cov_002_too_large_warns_with_the_size if {
	i := cov([{"path": "dump.sql", "reason": "too_large", "detail": "64 MiB or more: 67108864 bytes", "format": null, "scanned": false}])
	ws := data.gate.coverage.warn with input as i
	count(ws) == 1
	some w in ws
	w.rule == "GATE-COV-002"
	w.path == "dump.sql"
	contains(w.message, "67108864 bytes")
}
