package gate.telemetry

# GATE-TEL-008: the terminal error handler of a service answers 5xx without recording the
# error, and no error tracker catches it before: every unexpected failure ends there, so
# the one place that sees them all records none.

rules["GATE-TEL-008"] := {
	"name": "Error responder answers 5xx without logging",
	"summary": "A terminal error handler turns errors into 5xx responses and records none of them.",
	"help": concat("\n", [
		"**What it finds:** Express error middleware (`(err, req, res, next)`), Flask/FastAPI error handlers for exception classes, Spring `@ExceptionHandler` methods, Nest exception filters, and axum `IntoResponse`/actix `ResponseError` implementations of error types, touched by the change, that can answer 5xx without logging or tracing, in a service with no error tracker (Sentry, Datadog, New Relic). Flask's 500 handler is not reported: Flask logs the exception before calling it.",
		"",
		"**Why it matters:** errors that propagate correctly end here; if this handler only answers, the request log shows a 500 and nothing tells why.",
		"",
		"**Example:** `app.use((err, req, res, next) => { res.status(500).json(err.message) })`, or `impl ResponseError for Error { fn error_response(&self) -> HttpResponse { ... HttpResponse::InternalServerError() ... } }`.",
		"",
		"**How to fix:** log the error (with its cause) before answering, or report it to an error tracker.",
	]),
	"tags": ["telemetry", "error-handling", "external/cwe/cwe-778"],
	"security_severity": 3.0,
	"risk_points": "30; +15 on a critical path",
}

warn contains at(t, "GATE-TEL-008", sprintf("%s (%s) answers 5xx without logging the error; log it (or record it on the span) before answering", [t.function, t.role]), 30, "errors lost at the terminal handler") if {
	some t in input.telemetry
	t.kind == "error_responder"
	t.status >= 500
	not t.instrumented
	count(t.covered_by) == 0
}
