package gate.coverage_test

# GATE-COV-004

test_cov_004_pointer_is_a_note if {
	i := cov([{"path": "model.bin", "reason": "outside", "detail": "Git LFS pointer: the content is in an LFS store", "format": null, "scanned": true}])
	count(data.gate.coverage.warn) == 0 with input as i
	ns := data.gate.coverage.info with input as i
	some n in ns
	n.rule == "GATE-COV-004"
	n.path == "model.bin"
	contains(n.message, "LFS")
}
