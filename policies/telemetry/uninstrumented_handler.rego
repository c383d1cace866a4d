package gate.telemetry

# GATE-TEL-001: new handlers in an existing service that has no request telemetry at all.
# One finding per service, naming its new handlers: a service whose requests are logged,
# traced or counted by service-level instrumentation (OpenTelemetry, an APM agent, Sentry
# tracing, morgan, gin's logger, TraceLayer, actix's Logger, gunicorn's access log, Spring's
# actuator...) observes every route, whatever the handler's body. Under the strict profile
# for AI-authored changes, or on a critical path, it blocks.

rules["GATE-TEL-001"] := {
	"name": "Handlers without request telemetry",
	"summary": "New handlers are added to a service in which nothing logs, traces or counts requests.",
	"help": concat("\n", [
		"**What it finds:** new HTTP or RPC handlers (Flask/FastAPI/Django views and class-based views, Express/Nest/Next.js routes, net/http, gin, gRPC servicers, axum/actix, Spring `@*Mapping`) in a service that has no request telemetry: no OpenTelemetry or APM instrumentation, no Sentry tracing, no request-logging middleware, no access log. One finding per service, at its first new handler, naming the others; handlers that log or trace in their own body are left out. The service and what gate found in it are in `telemetry_services` of `gate facts`.",
		"",
		"**Why it matters:** when nobody watches a service's requests, its failures are found by customers; adding routes to it widens the blind spot.",
		"",
		"**Example:** an Express app (`src/main.ts` calls `express()`) with no morgan, pino-http or OpenTelemetry gains `router.get('/articles', ...)`.",
		"",
		"**How to fix:** instrument the service once: an OpenTelemetry SDK or auto-instrumentation (`opentelemetry-instrument`, `@opentelemetry/auto-instrumentations-node`, `otelhttp.NewHandler`, the Java agent), or request logging (`app.use(morgan('combined'))`, `gin.Default()`, `TraceLayer`, actix `Logger`, `gunicorn --access-logfile -`). An in-house wrapper counts once listed under `telemetry:` in .gate.yaml.",
	]),
	"tags": ["telemetry", "observability"],
	"security_severity": 3.0,
	"risk_points": "45 (deny) on a critical path or under the strict AI profile / 30; +15 on a critical path",
}

# New handlers of a service that observe nothing themselves, in path and line order.
bare_handlers(s) := [t |
	some t in input.telemetry
	t.kind == "http_handler"
	t.service == s.root
	t.new
	not t.instrumented
	not probe(t)
]

blocking_handler(hs) if strict_for("GATE-TEL-001")

blocking_handler(hs) if {
	some t in hs
	t.critical
}

handler_finding(s, hs, risk) := object.union(at(hs[0], "GATE-TEL-001", sprintf("%s has no request telemetry (no tracing, request logging or metrics) and gains %s: %s%s; add the framework's tracing or request-logging middleware", [service_name(s), handlers(count(hs)), names([label(t) | some t in hs]), why_block(hs)]), risk, "unobservable service"), {"fingerprint": concat("|", ["GATE-TEL-001", s.root])})

deny contains handler_finding(s, hs, 45) if {
	some s in input.telemetry_services
	no_request_telemetry(s)
	not s.new
	hs := bare_handlers(s)
	count(hs) > 0
	blocking_handler(hs)
}

warn contains handler_finding(s, hs, 30) if {
	some s in input.telemetry_services
	no_request_telemetry(s)
	not s.new
	hs := bare_handlers(s)
	count(hs) > 0
	not blocking_handler(hs)
}

why_block(hs) := " (critical path)" if {
	some t in hs
	t.critical
} else := " (AI-authored change: telemetry is required on handlers)" if strict_for("GATE-TEL-001") else := ""

handlers(n) := "1 handler" if n == 1 else := sprintf("%d handlers", [n])
