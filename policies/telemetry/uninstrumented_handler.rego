package gate.telemetry

# GATE-TEL-001: a new HTTP/RPC handler with no log, trace or metric call. Under the strict
# profile for AI-authored changes, or on a critical path, it blocks.

rules["GATE-TEL-001"] := {
	"name": "Handler without telemetry",
	"summary": "A new HTTP or RPC handler has no logging, tracing or metrics.",
	"help": concat("\n", [
		"**What it finds:** new handlers (Flask/FastAPI/Django views, Express/Nest/Next.js routes, net/http, gin, echo, axum/actix, Spring `@*Mapping`, JAX-RS) whose body and decorators contain no logging, tracing or metrics call.",
		"",
		"**Why it matters:** when nobody wrote the code, production telemetry is how anyone learns what it does; an endpoint that fails silently is found by customers.",
		"",
		"**How to fix:** log the outcome (`logger.info(...)`), or add a span (`@WithSpan`, `#[instrument]`, `tracer.start_as_current_span`). In-house wrappers count once listed under `telemetry:` in .gate.yaml.",
	]),
	"tags": ["telemetry", "observability"],
	"security_severity": 3.0,
}

blocking(t) if ai_strict

blocking(t) if t.critical

deny contains at(t, "GATE-TEL-001", sprintf("new handler %s has no logging, tracing or metrics%s", [t.function, why_block(t)]), 45, "unobservable handler") if {
	some t in input.telemetry
	t.kind == "http_handler"
	t.new
	not t.instrumented
	blocking(t)
}

warn contains at(t, "GATE-TEL-001", sprintf("new handler %s has no logging, tracing or metrics", [t.function]), 30, "unobservable handler") if {
	some t in input.telemetry
	t.kind == "http_handler"
	t.new
	not t.instrumented
	not blocking(t)
}

why_block(t) := " (critical path)" if t.critical else := " (AI-authored change: telemetry is required on handlers)"
