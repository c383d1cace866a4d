package gate.secrets

# GATE-SEC-002: a provider-format credential under a test path. Tests do hold fake keys, but
# a live-format key is never dropped silently: it is reported for a human to confirm.

rules["GATE-SEC-002"] := {
	"name": "Credential in test path",
	"summary": "A credential in a provider-issued format was added under a test or fixture path.",
	"help": concat("\n", [
		"**What it finds:** a provider-format credential in a file that counts as a test (tests/, fixtures/, *_test.go ...).",
		"",
		"**Why it matters:** test files are often real keys copied from a developer's environment; the format alone cannot tell.",
		"",
		"**Example:** `STRIPE_SECRET_KEY = \"sk_live_…\"` in `tests/fixtures/payments.py`, pasted from a developer's `.env` to make a test pass.",
		"",
		"**How to fix:** use an obviously fake value (the provider's documented example, or a value with `EXAMPLE` in it). If the value is fake, suppress with `gate:allow GATE-SEC-002 fake key for tests`.",
	]),
	"tags": ["security", "secrets", "tests"],
	"security_severity": 5.0,
	"risk_points": "35",
}

warn contains {
	"rule": "GATE-SEC-002",
	"message": sprintf("%s in a test path%s: %s (%sfingerprint %s); confirm it is not live", [s.name, history(s), s.redacted, encoded(s), substring(s.fingerprint, 0, 12)]),
	"path": s.path,
	"line": s.line,
	"column": s.column,
	"risk": 35,
	"risk_reason": "provider-format credential in a test path",
	"fingerprint": concat(":", [s.rule, s.path, s.fingerprint]),
} if {
	some s in input.secrets
	s.confidence != "low"
	not s.allowlisted
	not s.public
	s.in_test_path
}
