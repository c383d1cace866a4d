package gate.governance

# GATE-GOV-003: the change suppresses its own findings. An inline `gate:allow` on a line the
# change adds, an exception the change adds to the exceptions file, or a baseline entry the
# change adds, that silences a finding of this same change. With --base, the change's own
# exceptions and baseline are not in force yet (they are read from the base), but they will
# be once it is merged; an inline allow is in force at once. Either way the reviewer must see
# it: a warning, and blocking under the strict profile for AI-authored changes. Filled by
# `gate check` after the findings are known (`governance.self_suppressions`).

rules["GATE-GOV-003"] := {
	"name": "Change suppresses its own findings",
	"summary": "The change adds an inline allow, an exception or a baseline entry that silences one of its own findings.",
	"help": concat("\n", [
		"**What it finds:** suppressions added by the change under review that match findings of the same change: a `gate:allow RULE reason` comment on an added line, a new entry in `.gate-exceptions.yaml`, or a new entry in `.gate-baseline.json`.",
		"",
		"**Why it matters:** a change that ships a credential and the comment that hides it approves itself; after the merge its exception or baseline entry hides the finding for good.",
		"",
		"**Example:** `AWS_KEY = 'AKIA…'  # gate:allow GATE-SEC-001 not a real key` added in the same change as the key.",
		"",
		"**How to fix:** fix the finding instead; if the suppression is right, have it reviewed on its own (an exceptions change approved by the gate's owners), with an owner and an expiry.",
	]),
	"tags": ["governance", "suppression"],
	"security_severity": 6.0,
	"risk_points": "45 / 70 (deny) under the strict AI profile",
}

self_strict if {
	input.provenance.ai_generated
	data.gate.config.ai.strict
}

self_how(s) := sprintf("an inline `gate:allow` at %s:%d", [s.at_path, s.at_line]) if {
	s.kind == "inline"
} else := sprintf("a new exception in %s", [s.at_path]) if {
	s.kind == "exception"
} else := sprintf("a new entry in the baseline %s", [s.at_path])

self_where(s) := sprintf("%s:%d", [s.path, s.line]) if {
	is_number(s.line)
} else := s.path if {
	is_string(s.path)
} else := "the change"

self_finding(s, risk) := {
	"rule": "GATE-GOV-003",
	"message": sprintf("the change suppresses its own %s finding at %s with %s (reason: %s): fix the finding, or have the suppression reviewed on its own", [s.rule, self_where(s), self_how(s), s.reason]),
	"path": s.at_path,
	"line": object.get(s, "at_line", 1),
	"risk": risk,
	"risk_reason": "the change suppresses its own finding",
	"fingerprint": concat("|", [s.kind, s.rule, s.finding]),
}

warn contains self_finding(s, 45) if {
	some s in object.get(input.governance, "self_suppressions", [])
	not self_strict
}

deny contains self_finding(s, 70) if {
	some s in object.get(input.governance, "self_suppressions", [])
	self_strict
}
