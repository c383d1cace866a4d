package gate.secrets

# GATE-SEC-004: a provider-format value that is a documented example or a placeholder
# (AKIAIOSFODNN7EXAMPLE, ghp_xxxx…), fails the provider's checksum, or matches the user's
# secrets.allowlist. Reported as a note so it is visible, never a failure; the message says
# which of the three it is, so an allowlist entry is never mistaken for gate's own judgement.

rules["GATE-SEC-004"] := {
	"name": "Example credential",
	"summary": "A documented example or placeholder credential was added.",
	"help": concat("\n", [
		"**What it finds:** values in a provider's credential format that are published examples or obvious placeholders, that lack the checksum the provider puts in every key it issues, or that match an entry of `secrets.allowlist` in `.gate.yaml` (the message names the entry).",
		"",
		"**Why it matters:** usually nothing; it is listed so a reviewer can see the detector saw it and chose not to block.",
		"",
		"**Example:** `aws_access_key_id = AKIAIOSFODNN7EXAMPLE` (the example key of AWS's documentation) in `docs/setup.md`.",
		"",
		"**How to fix:** nothing to do. If a value your `secrets.allowlist` entry matches is a live credential, rotate it and narrow or remove the entry.",
	]),
	"tags": ["secrets", "informational"],
	"security_severity": 1.0,
	"risk_points": "0 (note)",
}

info contains {
	"rule": "GATE-SEC-004",
	"message": sprintf("%s %s: %s%s", [s.name, why_harmless(s), s.redacted, harmless_advice(s)]),
	"path": s.path,
	"line": s.line,
	"column": s.column,
	"risk": 0,
	"fingerprint": concat(":", [s.rule, s.path, s.fingerprint]),
} if {
	some s in input.secrets
	s.allowlisted
}

why_harmless(s) := sprintf("matches your secrets.allowlist entry `%s` in .gate.yaml", [s.allowlist_entry]) if {
	s.allowlist_reason == "config"
} else := "has the provider's format but not its checksum, so the provider never issued it" if {
	s.allowlist_reason == "checksum"
} else := "looks like a documented example or placeholder"

harmless_advice(s) := "; if it is a live credential, rotate it and narrow the entry" if {
	s.allowlist_reason == "config"
} else := "; nothing to do"
