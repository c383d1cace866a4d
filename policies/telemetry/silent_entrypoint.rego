package gate.telemetry

# GATE-TEL-004: a new entrypoint (main, scheduled job, queue consumer) with no telemetry.

rules["GATE-TEL-004"] := {
	"name": "Entrypoint without telemetry",
	"summary": "A new main function, job or consumer has no logging, tracing or metrics.",
	"help": "**What it finds:** new `main` functions, Celery tasks, `@Scheduled`/`@KafkaListener` methods and similar entrypoints with no logging, tracing or metrics.\n\n**Why it matters:** jobs and consumers run where nobody watches; without telemetry a failing job is silent.\n\n**How to fix:** log start, outcome and failures; count processed items.",
	"tags": ["telemetry", "observability"],
	"security_severity": 2.0,
}

warn contains at(t, "GATE-TEL-004", sprintf("new entrypoint %s has no logging, tracing or metrics", [t.function]), 20, "unobservable entrypoint") if {
	some t in input.telemetry
	t.kind == "entrypoint"
	t.new
	not t.instrumented
}
