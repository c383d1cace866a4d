package gate.blast_radius

# GATE-BLA-003: files under paths the configuration marks critical.

rules["GATE-BLA-003"] := {
	"name": "Critical path changed",
	"summary": "The change edits a path marked critical in .gate.yaml.",
	"help": "**What it finds:** changed files matching `critical:` globs in .gate.yaml (payments, auth, migrations ...).\n\n**Why it matters:** these paths are where a mistake costs most; they deserve an expert reviewer.\n\n**How to fix:** nothing to fix: make sure the right owner reviews it.",
	"tags": ["blast-radius", "review"],
	"security_severity": 4.0,
}

warn contains {
	"rule": "GATE-BLA-003",
	"message": sprintf("critical path changed: %s (+%d -%d)", [f.path, f.additions, f.deletions]),
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
