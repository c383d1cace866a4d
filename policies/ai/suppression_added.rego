package gate.ai

# GATE-AI-005: the change adds lint, type-checker or security-scanner suppressions.

rules["GATE-AI-005"] := {
	"name": "Suppression added",
	"summary": "The change silences a linter, type checker or security scanner instead of fixing what it reports.",
	"help": concat("\n", [
		"**What it finds:** suppression comments and attributes the change adds (and does not just move): `# type: ignore`, `# noqa`, `# pylint: disable`, `# pragma: no cover`, `eslint-disable`, `@ts-ignore`/`@ts-expect-error`, `//nolint`, `#[allow(...)]`, `@SuppressWarnings`, `# rubocop:disable`, `#pragma warning disable`, `// NOLINT`; and security-scanner or secret-detector allows: `# nosec`, `//nolint:gosec`, `# nosemgrep`, `checkov:skip`, `tfsec:ignore`, `gitleaks:allow`, `pragma: allowlist secret`, `gate:allow`. One finding per file.",
		"Not reported: a suppression that follows the advice below, scoped to its rules with the reason in the same comment (`# noqa: E712 - SQLAlchemy needs ==`, `// eslint-disable-next-line no-await-in-loop -- one request at a time`), `# noqa: F401` on an import (a re-export), and a coverage exclusion (`# pragma: no cover`) with its reason or on a line coverage.py documents as customary to exclude (an import, `except ImportError:`, `if TYPE_CHECKING:`, `if __name__ == \"__main__\":`, `raise NotImplementedError`); a security scanner or secret detector silenced is reported whatever the comment says.",
		"",
		"**Why it matters:** a suppression makes the check pass without fixing anything; agents add them to get green, and a silenced security scanner hides exactly what it was there for.",
		"",
		"**Example:** `3 suppressions added: # type: ignore ×2, # noqa`.",
		"",
		"**How to fix:** fix the reported problem; where a suppression is right, scope it to the one rule (`# type: ignore[arg-type]`, `//nolint:errcheck`) and say why in the same comment.",
	]),
	"tags": ["ai", "lint", "security"],
	"security_severity": 4.0,
	"risk_points": "30 a security check or secret detector silenced / 15 other checks; +15 in an AI-authored change, +10 more under the strict AI profile",
}

warn contains {
	"rule": "GATE-AI-005",
	"message": sprintf("%s in %s%s%s: fix what the checker reports, or scope each suppression to one rule with the reason in the comment", [s.detail, s.path, security_note(s), ai_note]),
	"path": s.path,
	"line": s.line,
	"risk": weight("GATE-AI-005", suppression_base(s)),
	"risk_reason": suppression_reason(s),
	"fingerprint": concat("|", ["GATE-AI-005", s.path]),
} if {
	some s in input.smells
	s.kind == "suppression_added"
}

suppression_base(s) := 30 if s.security else := 15

suppression_reason(s) := "security check silenced" if s.security else := "check silenced"

security_note(s) := " (a security scanner or secret detector is silenced)" if s.security else := ""
