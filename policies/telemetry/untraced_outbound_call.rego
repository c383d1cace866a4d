package gate.telemetry

# GATE-TEL-003: a new outbound call (HTTP, database, queue) in a function without a span.

rules["GATE-TEL-003"] := {
	"name": "Outbound call without a span",
	"summary": "A new call to another service, a database or a queue is not traced.",
	"help": "**What it finds:** added calls to HTTP clients, database drivers and message queues in functions that start no span.\n\n**Why it matters:** latency and failures of dependencies are the first thing to look at in an incident; untraced calls are invisible in traces.\n\n**How to fix:** wrap the call in a span, or use the client's OpenTelemetry instrumentation (then list its wrapper under `telemetry.tracing` in .gate.yaml).",
	"tags": ["telemetry", "tracing"],
	"security_severity": 2.0,
}

warn contains at(t, "GATE-TEL-003", sprintf("outbound call without a span in %s", [t.function]), 15, "untraced dependency call") if {
	some t in input.telemetry
	t.kind == "outbound_call"
	not t.instrumented
}
