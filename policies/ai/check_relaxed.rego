package gate.ai

# GATE-AI-006: the change relaxes linter, type-checker or coverage settings.

rules["GATE-AI-006"] := {
	"name": "Check settings relaxed",
	"summary": "The change turns lint rules or type-checker strictness off, widens ignore lists, or lowers coverage thresholds.",
	"help": concat("\n", [
		"**What it finds:** in .eslintrc/eslint.config, tsconfig, pyproject/setup.cfg/mypy.ini/ruff/flake8/pylint settings, .golangci, Cargo.toml `[lints]`, .rubocop, jest/vitest/nyc/codecov, phpstan and pre-commit configuration: rules set to `off`/`allow`, strictness flags set to false (`strict`, `noImplicitAny`, `disallow_untyped_defs`), lax ones set to true (`skipLibCheck`, `ignore_missing_imports`), entries added to `ignore`/`disable`/`exclude` lists or dropped from `select`/`enable`, coverage thresholds lowered, pre-commit hooks removed.",
		"",
		"**Why it matters:** loosening the checker is the other way to get a change green; it silences every later problem of the same kind too, not just this one.",
		"",
		"**Example:** `sets strict to false; adds F401 to ignore`.",
		"",
		"**How to fix:** keep the setting and fix what it reports; if it must change, do it in its own pull request with the reason, reviewed by the owners of the configuration.",
	]),
	"tags": ["ai", "lint", "configuration"],
	"security_severity": 3.5,
	"risk_points": "25; +15 in an AI-authored change",
}

warn contains {
	"rule": "GATE-AI-006",
	"message": sprintf("%s (%s) %s%s: keep the setting and fix what it reports, or change it in its own reviewed pull request", [s.path, s.tool, s.detail, ai_note]),
	"path": s.path,
	"line": s.line,
	"risk": weight("GATE-AI-006", 25),
	"risk_reason": "checker relaxed",
	"fingerprint": concat("|", ["GATE-AI-006", s.path]),
} if {
	some s in input.smells
	s.kind == "check_relaxed"
}
