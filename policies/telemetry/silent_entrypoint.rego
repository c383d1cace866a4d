package gate.telemetry

# GATE-TEL-004: a new background job, consumer or serverless handler that nothing observes:
# request telemetry does not see work that no request starts. CLI commands and `main`
# functions are not reported here (a service's entrypoint is GATE-TEL-006's).

rules["GATE-TEL-004"] := {
	"name": "Background job without telemetry",
	"summary": "A new job, consumer or serverless handler has no logging, tracing or metrics.",
	"help": concat("\n", [
		"**What it finds:** new Celery/RQ/Dramatiq tasks, `@Scheduled`/`@KafkaListener` methods, queue consumers and serverless handlers with no logging, tracing or metrics of their own, in a service where nothing observes jobs (no Sentry or OpenTelemetry job integration, no agent, no worker started with its task log).",
		"",
		"**Why it matters:** jobs and consumers run where nobody watches; without telemetry a failing job is silent.",
		"",
		"**Example:** `@shared_task def sync_invoices(): ...` in a service whose worker runs without `-l info` and has no Sentry.",
		"",
		"**How to fix:** log start, outcome and failures; count processed items; or add the job integration of the service's error tracker or tracer.",
	]),
	"tags": ["telemetry", "observability"],
	"security_severity": 2.0,
	"risk_points": "20; +15 on a critical path",
}

warn contains at(t, "GATE-TEL-004", sprintf("new %s %s has no logging, tracing or metrics; log its start, outcome and failures, or give it a span", [t.role, t.function]), 20, "unobservable job") if {
	some t in input.telemetry
	t.kind == "entrypoint"
	t.role in {"job", "serverless"}
	t.new
	not t.instrumented
	count(t.covered_by) == 0
}
