package gate.coverage_test

# GATE-COV-005

test_cov_005_one_note_for_all_ignored_files if {
	i := cov([{"path": sprintf("vendor/%d.js", [n]), "reason": "ignored", "detail": "matches ignore:", "format": null, "scanned": false} | some n in numbers.range(1, 7)])
	ns := [n | some n in data.gate.coverage.info with input as i; n.rule == "GATE-COV-005"]
	count(ns) == 1
	contains(ns[0].message, "7 files")
	contains(ns[0].message, "and 2 more")
}
