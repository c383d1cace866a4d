package gate.secrets

# GATE-SEC-003: a value assigned to a credential-like name (password, api_key, token ...) that
# looks random enough to be real. Generic detection is a guess, so only high-entropy values
# block; the rest warn.

rules["GATE-SEC-003"] := {
	"name": "Hard-coded credential",
	"summary": "A random-looking value was assigned to a credential-like name in code or configuration.",
	"help": concat("\n", [
		"**What it finds:** assignments such as `password = \"…\"` or `api_key: \"…\"` whose value is not a placeholder, template, hash or identifier.",
		"",
		"**Why it matters:** hard-coded credentials end up in every clone and log; they cannot be rotated without a code change.",
		"",
		"**Example:** `db_password: \"q8Zr…f2K\"` in `config/database.yml`; a template such as `password: \"${DB_PASSWORD}\"` is not reported.",
		"",
		"**How to fix:** read the value from the environment or a secret manager. Suppress a false positive with `gate:allow GATE-SEC-003 <reason>` on the line.",
	]),
	"tags": ["security", "secrets", "external/cwe/cwe-798"],
	"security_severity": 7.5,
	"risk_points": "75 (deny) entropy at least 3.5 / 40",
}

generic(s) := sprintf("Hard-coded credential%s: %s (%sfingerprint %s); load it from a secret manager or the environment instead", [history(s), s.redacted, encoded(s), substring(s.fingerprint, 0, 12)])

deny contains {
	"rule": "GATE-SEC-003",
	"message": generic(s),
	"path": s.path,
	"line": s.line,
	"column": s.column,
	"risk": 75,
	"risk_reason": "high-entropy value assigned to a credential name",
	"fingerprint": concat(":", [s.rule, s.path, s.fingerprint]),
} if {
	some s in input.secrets
	s.confidence == "low"
	not s.in_test_path
	s.entropy >= 3.5
}

warn contains {
	"rule": "GATE-SEC-003",
	"message": generic(s),
	"path": s.path,
	"line": s.line,
	"column": s.column,
	"risk": 40,
	"risk_reason": "credential-like assignment",
	"fingerprint": concat(":", [s.rule, s.path, s.fingerprint]),
} if {
	some s in input.secrets
	s.confidence == "low"
	not s.in_test_path
	s.entropy < 3.5
}
