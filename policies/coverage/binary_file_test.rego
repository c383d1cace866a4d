package gate.coverage_test

# GATE-COV-001

cov(files) := {"coverage": {"files": files}}

test_cov_001_unknown_binary_warns_known_formats_are_one_note if {
	i := cov([
		{"path": "notes.txt", "reason": "binary", "detail": "NUL byte at offset 1", "format": null, "scanned": true},
		{"path": "logo.png", "reason": "binary", "detail": "NUL byte at offset 8", "format": "PNG image", "scanned": false},
		{"path": "icon.png", "reason": "binary", "detail": "NUL byte at offset 8", "format": "PNG image", "scanned": false},
	])
	ws := data.gate.coverage.warn with input as i
	count(ws) == 1
	some w in ws
	w.rule == "GATE-COV-001"
	w.path == "notes.txt"
	contains(w.message, "NUL byte at offset 1")
	ns := [n | some n in data.gate.coverage.info with input as i; n.rule == "GATE-COV-001"]
	count(ns) == 1
	contains(ns[0].message, "2 files")
	contains(ns[0].message, "logo.png: PNG image")
}

test_cov_001_silent_without_binary_files if {
	count(data.gate.coverage.warn) == 0 with input as cov([])
	count(data.gate.coverage.info) == 0 with input as cov([])
}
