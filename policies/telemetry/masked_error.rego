package gate.telemetry

# GATE-TEL-007: an internal failure (a write, a call to another service) answered as a
# client error without being recorded: request telemetry counts it as the client's fault.

rules["GATE-TEL-007"] := {
	"name": "Internal error answered as a client error",
	"summary": "A failed write or dependency call is answered 400/404/409/422 and recorded nowhere.",
	"help": concat("\n", [
		"**What it finds:** error blocks touched by the change that answer an error of an internal operation (a database write, a call to another service: not a parse, a validation, an authentication or a lookup) with 400, 404, 409 or 422, without logging or tracing it (`masked: true` in the facts). A validation error answered 422, or a lookup miss answered 404, is not reported.",
		"",
		"**Why it matters:** dashboards and alerts count 5xx as the service's failures and 4xx as the clients'; a database outage answered 422 raises no alarm, and the error itself is lost.",
		"",
		"**Example:** `if err := SaveOne(&m); err != nil { c.JSON(http.StatusUnprocessableEntity, NewError(\"database\", err)); return }`.",
		"",
		"**How to fix:** tell the client error (a unique-constraint violation: 409/422) from the failure (anything else: log it and answer 500), or at least log the error before answering.",
	]),
	"tags": ["telemetry", "error-handling"],
	"security_severity": 3.0,
	"risk_points": "25; +15 on a critical path",
}

warn contains at(t, "GATE-TEL-007", sprintf("error of an internal operation in %s is answered %d and recorded nowhere; log it or record it on the span before answering", [t.function, t.status]), 25, "masked failure") if {
	some t in input.telemetry
	t.kind == "error_handler"
	t.masked
	not t.instrumented
}
