package gate.coverage

# GATE-COV-005: changed files that `ignore:` excludes from every check, in one note.

rules["GATE-COV-005"] := {
	"name": "Files ignored by configuration",
	"summary": "Changed files match `ignore:` in the configuration and were not checked.",
	"help": concat("\n", [
		"**What it finds:** changed files that the configuration's `ignore:` globs exclude from every check, listed in one note.",
		"",
		"**Why it matters:** the reviewer should know which parts of the change no rule looked at (and a change that widens `ignore:` is reported by GATE-GOV-001).",
		"",
		"**Example:** `ignore: [vendor/**]` and a change that edits `vendor/lib/auth.js`.",
		"",
		"**How to fix:** nothing if the paths are meant to be ignored; narrow `ignore:` otherwise.",
	]),
	"tags": ["coverage"],
	"security_severity": 1.0,
	"risk_points": "0 (note)",
}

info contains {
	"rule": "GATE-COV-005",
	"message": sprintf("%s matched `ignore:` in the configuration and %s not checked: %s; narrow `ignore:` if they should be", [files(fs), was(fs), listed(fs)]),
	"risk": 0,
} if {
	fs := unread("ignored")
	count(fs) > 0
}
