package gate.blast_radius

# GATE-BLA-003: files under paths the configuration marks critical.

rules["GATE-BLA-003"] := {
	"name": "Critical path changed",
	"summary": "The change edits a path marked critical in .gate.yaml.",
	"help": concat("\n", [
		"**What it finds:** changed files matching `critical:` globs in .gate.yaml (payments, auth, migrations ...).",
		"",
		"**Why it matters:** these paths are where a mistake costs most; they deserve an expert reviewer.",
		"",
		"**Example:** with `critical: [src/payments/**]`, a change to `src/payments/refund.py`.",
		"",
		"**How to fix:** nothing to fix in the code: have the path's owner review it (a CODEOWNERS entry makes that automatic). A reviewed change can be accepted with an exception for GATE-BLA-003 in `.gate-exceptions.yaml`.",
	]),
	"tags": ["blast-radius", "review"],
	"security_severity": 4.0,
	"risk_points": "35",
}

warn contains {
	"rule": "GATE-BLA-003",
	"message": sprintf("critical path changed: %s (+%d -%d); have its owner review it (gate explain GATE-BLA-003)", [f.path, f.additions, f.deletions]),
	"path": f.path,
	"line": first_line(f),
	"risk": 35,
	"risk_reason": "critical path",
} if {
	input.change.mode != "all"
	some f in input.change.files
	f.is_critical
}

first_line(f) := f.hunks[0].new_start if {
	count(f.hunks) > 0
	f.hunks[0].new_start > 0
} else := 1
