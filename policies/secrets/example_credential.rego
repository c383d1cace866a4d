package gate.secrets

# GATE-SEC-004: a provider-format value that is a documented example or a placeholder
# (AKIAIOSFODNN7EXAMPLE, ghp_xxxx…). Reported as a note so it is visible, never a failure.

rules["GATE-SEC-004"] := {
	"name": "Example credential",
	"summary": "A documented example or placeholder credential was added.",
	"help": concat("\n", [
		"**What it finds:** values in a provider's credential format that are published examples or obvious placeholders.",
		"",
		"**Why it matters:** usually nothing; it is listed so a reviewer can see the detector saw it and chose not to block.",
		"",
		"**Example:** `aws_access_key_id = AKIAIOSFODNN7EXAMPLE` (the example key of AWS's documentation) in `docs/setup.md`.",
		"",
		"**How to fix:** nothing to do.",
	]),
	"tags": ["secrets", "informational"],
	"security_severity": 1.0,
	"risk_points": "0 (note)",
}

info contains {
	"rule": "GATE-SEC-004",
	"message": sprintf("%s looks like a documented example or placeholder: %s", [s.name, s.redacted]),
	"path": s.path,
	"line": s.line,
	"column": s.column,
	"risk": 0,
	"fingerprint": concat(":", [s.rule, s.path, s.fingerprint]),
} if {
	some s in input.secrets
	s.allowlisted
}
