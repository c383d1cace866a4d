package gate.ai

# GATE-AI-003: the change adds the same block of code twice.

rules["GATE-AI-003"] := {
	"name": "Duplicated block",
	"summary": "The change adds a block of code that it also adds elsewhere.",
	"help": concat("\n", [
		"**What it finds:** two runs of at least 8 added lines of code whose content is at least 90% the same (measured line by line). Comment lines do not count: license headers are the same in every file by design.",
		"",
		"**Why it matters:** duplicated logic drifts apart; a fix lands in one copy only. Agents copy a block rather than extract a function.",
		"",
		"**Example:** `12 added lines repeat src/export/csv.py:10 (95% alike)` at src/export/tsv.py:8.",
		"",
		"**How to fix:** extract the shared code into one function and call it from both places.",
	]),
	"tags": ["ai", "maintainability"],
	"security_severity": 2.0,
	"risk_points": "20",
}

warn contains {
	"rule": "GATE-AI-003",
	"message": sprintf("%d added lines repeat %s:%d (%d%% alike)%s: extract the shared code into one function", [s.lines, s.other_path, s.other_line, round(s.similarity * 100), ai_note]),
	"path": s.path,
	"line": s.line,
	"risk": 20 + strict_extra("GATE-AI-003"),
	"risk_reason": "duplicated code in the change",
} if {
	some s in input.smells
	s.kind == "duplicate_block"
}
