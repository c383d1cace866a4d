package gate.secrets

# GATE-SEC-001: a credential in a provider's own format (AWS, GitHub, Stripe, a private key
# ...) added outside test paths. Format-specific detectors rarely misfire, so this blocks.

severity_risk := {"critical": 95, "high": 85, "medium": 60, "low": 40}

rules["GATE-SEC-001"] := {
	"name": "Credential committed",
	"summary": "A credential in a provider-issued format was added to the repository.",
	"help": concat("\n", [
		"**What it finds:** an added line holding a credential in a format only its provider issues (AWS access keys, GitHub tokens, Stripe keys, private keys ...), written plainly or encoded (base64, hex, JSON/JS string escapes, URL-encoding): an encoded one is reported where its encoded form starts, and the message says how it was encoded.",
		"",
		"**Why it matters:** anything pushed is copied to every clone, fork and CI cache; a leaked key must be treated as compromised even if the commit is reverted.",
		"",
		"**Example:** `aws_access_key_id = AKIA…` in `config/settings.py`.",
		"",
		"**How to fix:** revoke and rotate the credential at the provider, remove it from the change, and load it from a secret manager or environment variable. If it is a deliberate test value, move it under a test path or add `gate:allow GATE-SEC-001 <reason>` on the line. When the message names a commit, a later commit of the branch removed the value but the history keeps it: rotate it, and drop it from the branch's history (an interactive rebase) before merging.",
	]),
	"tags": ["security", "secrets", "external/cwe/cwe-798"],
	"security_severity": 9.5,
	"risk_points": "95 critical / 85 high / 60 medium / 40 low provider severity (deny)",
}

deny contains {
	"rule": "GATE-SEC-001",
	"message": sprintf("%s %s%s: %s (%sfingerprint %s); %s", [s.name, how_added, history(s), s.redacted, encoded(s), substring(s.fingerprint, 0, 12), advice(s)]),
	"path": s.path,
	"line": s.line,
	"column": s.column,
	"end_line": s.end_line,
	"risk": severity_risk[s.severity],
	"risk_reason": sprintf("%s-severity %s credential", [s.severity, s.provider]),
	"fingerprint": concat(":", [s.rule, s.path, s.fingerprint]),
} if {
	some s in input.secrets
	s.confidence != "low"
	not s.allowlisted
	not s.public
	not s.in_test_path
}

# A value one commit of the range added and a later one removed is named by that commit: the
# final diff does not show it, the branch's history does.
history(s) := msg if {
	s.commit
	msg := sprintf(" in commit %s (removed by a later commit, still in the history)", [substring(s.commit, 0, 12)])
} else := ""

# A value written encoded (`encoding`, outermost first: base64 of an escaped string) says so.
encoding_names := {"base64": "base64", "hex": "hex", "escape": "string escapes", "url": "URL-encoding"}

encoded(s) := sprintf("decoded from %s, ", [concat(" then ", [object.get(encoding_names, e, e) | some e in s.encoding])]) if {
	count(object.get(s, "encoding", [])) > 0
} else := ""

# How the value came into what is checked, by input mode: staged changes and a diff are not
# commits yet (or not known to be), and `--all` checks the tree.
change_mode := object.get(object.get(input, "change", {}), "mode", "range")

how_added := object.get({"staged": "staged", "diff": "in the diff", "range": "committed", "all": "in the tree"}, change_mode, "added")

advice(s) := "rotate it at the provider and drop it from the branch's history (an interactive rebase) before merging" if {
	s.commit
} else := object.get(
	{
		"staged": "remove it before you commit",
		"diff": "remove it from the change, and rotate it if it was ever pushed",
		"all": "revoke and rotate it at the provider, then remove it from the tree",
	},
	change_mode,
	"revoke and rotate it at the provider, then remove it from the change",
)
