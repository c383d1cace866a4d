package gate.change

# GATE-CHG-003: a change too large to review well.

rules["GATE-CHG-003"] := {
	"name": "Large change",
	"summary": "The change adds or removes more than 1,000 lines of non-generated code.",
	"help": "**What it finds:** changes whose added plus deleted lines, outside generated files, exceed 1,000.\n\n**Why it matters:** reviewers stop reading carefully long before a thousand lines.\n\n**How to fix:** split the change.",
	"tags": ["review", "size"],
	"security_severity": 2.0,
}

size := sum([n | some f in input.change.files; not f.is_generated; n := f.additions + f.deletions])

warn contains {
	"rule": "GATE-CHG-003",
	"message": sprintf("large change: %d lines added or removed outside generated files", [size]),
	"risk": min([35, 15 + floor(size / 500)]),
	"risk_reason": "change size",
} if {
	input.change.mode in {"diff", "staged", "range"}
	size > 1000
}
