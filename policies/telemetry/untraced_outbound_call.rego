package gate.telemetry

# GATE-TEL-003: a new outbound call that is a gap in the service's traces: the service
# exports spans, but neither the call's function nor an instrumentation of its client
# library (OpenTelemetry instrumentors, otelhttp/otelgrpc/otelsql, an APM agent, Sentry
# tracing) traces it. In a service without tracing, missing spans are not the gap to report
# (GATE-TEL-001/006 report the service).

rules["GATE-TEL-003"] := {
	"name": "Outbound call outside the service's traces",
	"summary": "A new call to another service, a database or a queue bypasses the service's tracing.",
	"help": concat("\n", [
		"**What it finds:** added calls to HTTP clients, database drivers and ORMs, queues and cloud APIs, in a service that exports spans, whose client library is not instrumented (no instrumentor, agent or traced transport covers it, e.g. `http.DefaultClient` where only a custom client has `otelhttp.NewTransport`) and whose function starts no span.",
		"",
		"**Why it matters:** latency and failures of dependencies are the first thing looked at in an incident; a call missing from an otherwise traced request shows as unexplained time.",
		"",
		"**Example:** `resp, err := http.DefaultClient.Do(req)` in a service whose gRPC server and clients use otelgrpc.",
		"",
		"**How to fix:** route the call through the instrumented client (`&http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport)}`), instrument its library (`RequestsInstrumentor().instrument()`, `otelsql`, ...), or wrap it in a span.",
	]),
	"tags": ["telemetry", "tracing"],
	"security_severity": 2.0,
	"risk_points": "15; +15 on a critical path",
}

warn contains at(t, "GATE-TEL-003", sprintf("outbound call in %s (%s) is outside the service's traces; make it with the instrumented client or wrap it in a span", [t.function, t.role]), 15, "untraced dependency call") if {
	some t in input.telemetry
	t.kind == "outbound_call"
	not t.instrumented
	count(t.covered_by) == 0
	s := service(t)
	s.tracing
}
