package gate.governance

# GATE-GOV-011: a `gate:allow` comment on an added line that names no rule a loaded policy
# declares (a typo, an id in the wrong case, a rule of a policy not installed here), or no
# rule at all. It suppresses nothing; gate says which id was probably meant.

rules["GATE-GOV-011"] := {
	"name": "Allow comment for an unknown rule",
	"summary": "A gate:allow comment names a rule id no loaded policy declares, or none, so it suppresses nothing.",
	"help": concat("\n", [
		"**What it finds:** `gate:allow ID reason` comments on added lines whose `ID` is not the id of any loaded rule (nor `all`), and `gate:allow` comments with no id. Case does not matter (`gate-sec-001` is `GATE-SEC-001`).",
		"",
		"**Why it matters:** the comment looks like a suppression but suppresses nothing, so the finding it was meant for still counts, and a reader is misled about what was reviewed.",
		"",
		"**Example:** `# gate:allow GATE-SEC-01 fixture key` (the rule is `GATE-SEC-001`), or `# gate:allow SEC-001 fixture key`.",
		"",
		"**How to fix:** use the id the finding shows (`gate rules` lists every id; the message suggests the nearest one), or remove the comment.",
	]),
	"tags": ["governance", "suppression"],
	"security_severity": 2.0,
	"risk_points": "10",
}

warn contains {
	"rule": "GATE-GOV-011",
	"message": unknown_message(c),
	"path": c.path,
	"line": c.line,
	"risk": 10,
	"risk_reason": "allow comment that suppresses nothing",
} if {
	some c in input.allow_comments
	c.known == false
}

unknown_message(c) := "gate:allow names no rule, so it suppresses nothing: write gate:allow RULE <reason> with the id the finding shows (gate rules lists them; gate explain GATE-GOV-011)" if {
	c.rule == ""
} else := sprintf("gate:allow %s: no loaded policy declares %s, so it suppresses nothing: did you mean %s? (gate explain GATE-GOV-011)", [c.rule, c.rule, c.suggestion]) if {
	is_string(c.suggestion)
} else := sprintf("gate:allow %s: no loaded policy declares %s, so it suppresses nothing: use the id the finding shows (gate rules lists them; gate explain GATE-GOV-011)", [c.rule, c.rule])
