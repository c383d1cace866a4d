package gate.ai

# GATE-AI-003: the change adds the same block of code twice.

rules["GATE-AI-003"] := {
	"name": "Duplicated block",
	"summary": "The change adds a block of code that it also adds elsewhere.",
	"help": "**What it finds:** two runs of at least 8 added lines whose content is at least 90% the same (measured line by line).\n\n**Why it matters:** duplicated logic drifts apart; a fix lands in one copy only.\n\n**How to fix:** extract the shared code into one function.",
	"tags": ["ai", "maintainability"],
	"security_severity": 2.0,
}

warn contains {
	"rule": "GATE-AI-003",
	"message": sprintf("%d added lines repeat %s:%d (%d%% alike)", [s.lines, s.other_path, s.other_line, round(s.similarity * 100)]),
	"path": s.path,
	"line": s.line,
	"risk": 20 + strict_extra("GATE-AI-003"),
	"risk_reason": "duplicated code in the change",
} if {
	some s in input.smells
	s.kind == "duplicate_block"
}
