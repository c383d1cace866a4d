package gate.governance

# GATE-GOV-010: a `gate:allow RULE` comment on an added line that gives no reason. It
# suppresses nothing (a suppression must say why), so without this finding it would fail
# silently: the author believes the finding is allowed, the reviewer sees no reason.

rules["GATE-GOV-010"] := {
	"name": "Allow comment without a reason",
	"summary": "A gate:allow comment names a rule but gives no reason, so it suppresses nothing.",
	"help": concat("\n", [
		"**What it finds:** `gate:allow RULE` comments on added lines with no words after the rule id.",
		"",
		"**Why it matters:** an inline suppression is an accountable decision: the reason is what a reviewer approves and what a later reader needs. Without one, gate does not suppress the finding, and the comment is noise that looks like a suppression.",
		"",
		"**Example:** `API_KEY = \"AKIA...\"  # gate:allow GATE-SEC-001` (no reason).",
		"",
		"**How to fix:** say why on the same comment: `# gate:allow GATE-SEC-001 fake key for the local emulator`. The comment covers its own line, or the next line when it stands alone on the line above. For a suppression that needs an owner and an expiry date, use `.gate-exceptions.yaml` instead.",
	]),
	"tags": ["governance", "suppression"],
	"security_severity": 2.0,
	"risk_points": "10",
}

warn contains {
	"rule": "GATE-GOV-010",
	"message": sprintf("gate:allow %s gives no reason, so it suppresses nothing: say why in the same comment (gate:allow %s <reason>) or remove it (gate explain GATE-GOV-010)", [c.rule, c.rule]),
	"path": c.path,
	"line": c.line,
	"risk": 10,
	"risk_reason": "allow comment that suppresses nothing",
} if {
	some c in input.allow_comments
	c.rule != ""
	c.reason == ""
}
