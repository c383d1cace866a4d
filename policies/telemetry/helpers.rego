package gate.telemetry

# Shared helpers of the gate.telemetry rules.

ai_strict if {
	input.provenance.ai_generated
	data.gate.config.ai.strict
}

# Critical paths weigh more.
boost(t) := 15 if t.critical else := 0

at(t, rule, msg, risk, why) := {
	"rule": rule,
	"message": msg,
	"path": t.path,
	"line": t.line,
	"end_line": t.end_line,
	"risk": risk + boost(t),
	"risk_reason": why,
	"fingerprint": concat("|", [t.path, t.kind, t.function]),
}
