package gate.telemetry

# GATE-TEL-002: an error handler where the error ends nowhere: not propagated, recorded,
# answered, passed on, stored or returned, and not an expected failure answered with a
# default (a parse error, an invalid token, a missing optional import, a lookup miss).
# Service-level instrumentation cannot see a swallowed error, so this fires in instrumented
# services too.

rules["GATE-TEL-002"] := {
	"name": "Swallowed error",
	"summary": "An added error handler drops the error: nothing records, propagates or answers it.",
	"help": concat("\n", [
		"**What it finds:** `except`, `catch`, `if err != nil` and `Err(_) =>` blocks touched by the change whose error goes nowhere (`outcome: dropped` in the facts). An error that is re-raised, returned, logged or traced, written to stderr, sent as an HTTP/RPC error response, passed to a function or stored is handled; so is an expected failure answered with a default (`except ValueError: x = 0`, `if err != nil { limit = 20 }` after `strconv.Atoi`, `except InvalidTokenError: return None`), a predicate (`isFile`, `has_access`) answering `false`, a handler that gets the value another way (`except E: name = getattr(tp, '__qualname__', '?')` where the `try` assigned `name`), and a default whose comment in the handler says why (`// Report \"0\" when the device has no queue directory, as before`; a comment that only says what, `// ignore errors`, or a `TODO`, does not count).",
		"",
		"**Why it matters:** a swallowed error turns an outage into a mystery: the user sees a fallback, the operators see nothing, and no request log, trace or error tracker can show what never left the block.",
		"",
		"**Example:** `if err != nil { return nil }` after `otlploghttp.New(ctx)`, or `except RedisError: return None`.",
		"",
		"**How to fix:** log it with the error (`logger.exception(...)`, `log.Error(\"...\", \"err\", err)`, `span.RecordError(err)`), or let it propagate to the framework's error handling. If the default is the right answer, say why in a comment in the handler.",
	]),
	"tags": ["telemetry", "error-handling", "external/cwe/cwe-390"],
	"security_severity": 4.0,
	"risk_points": "35; +15 on a critical path",
}

warn contains at(t, "GATE-TEL-002", sprintf("error swallowed in %s: the handler neither records, propagates nor answers it; log it, re-raise it, or answer it", [t.function]), 35, "swallowed error") if {
	some t in input.telemetry
	t.kind == "error_handler"
	t.outcome == "dropped"
}
