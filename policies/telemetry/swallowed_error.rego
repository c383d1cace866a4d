package gate.telemetry

# GATE-TEL-002: an error handler that neither passes the error on nor records it.

rules["GATE-TEL-002"] := {
	"name": "Swallowed error",
	"summary": "An added error handler drops the error without logging, tracing or re-raising it.",
	"help": concat("\n", [
		"**What it finds:** `except`, `catch`, `if err != nil` and `Err(_) =>` blocks touched by the change that neither re-raise/throw/return the error nor log, trace or count it.",
		"",
		"**Why it matters:** a swallowed error turns an outage into a mystery: the user sees a fallback, the operators see nothing.",
		"",
		"**How to fix:** log it with the exception (`logger.exception(...)`, `log.Error(\"...\", \"err\", err)`, `span.record_exception(e)`), or let it propagate.",
	]),
	"tags": ["telemetry", "error-handling", "external/cwe/cwe-390"],
	"security_severity": 4.0,
}

warn contains at(t, "GATE-TEL-002", sprintf("error swallowed in %s: the handler neither records nor propagates it", [t.function]), 35, "swallowed error") if {
	some t in input.telemetry
	t.kind == "error_handler"
	not t.handled
	not t.instrumented
}
