package gate.coverage_test

# GATE-COV-003

test_cov_003_unreadable_warns if {
	i := cov([{"path": "lnk/package.json", "reason": "unreadable", "detail": "a directory on its path is a symlink", "format": null, "scanned": false}])
	ws := data.gate.coverage.warn with input as i
	count(ws) == 1
	some w in ws
	w.rule == "GATE-COV-003"
	contains(w.message, "symlink")
}
