package gate.production

# GATE-PRD-003: the change removes logging, tracing or metrics from a function production
# shows as active.

rules["GATE-PRD-003"] := {
	"name": "Instrumentation removed from an active function",
	"summary": "The change removes logging, tracing or metrics from a function production calls.",
	"help": concat("\n", [
		"**What it finds:** a function the production signals show being called in the window, which held a log, trace or metric call before the change and holds none of that kind after it (the same patterns as the telemetry rules, `telemetry.logging`/`tracing`/`metrics` included).",
		"",
		"**Why it matters:** the calls production runs are the ones an incident is diagnosed from; removing the log line of a function that serves real traffic leaves the next failure there invisible. Telemetry rules only see missing instrumentation in new code.",
		"",
		"**Example:** a clean-up deletes `log.info(\"charging %s\", order.id)` from `charge()`, which serves 90% of the billing service's requests.",
		"",
		"**How to fix:** keep the call, or replace it (a structured log, a span attribute, a metric) in the same change. If the logging moved to a caller or a decorator, suppress the finding with an exception that says where.",
	]),
	"tags": ["production", "telemetry"],
	"security_severity": 3.0,
	"risk_points": "25; +10 in an AI-authored change",
}

removed_names(f) := concat(" and ", sort({signal_name(s) | some s in f.removed_signals}))

warn contains at(f, "GATE-PRD-003", sprintf("the change removes %s from %s in %s, which serves %s: keep it (or replace it in this change), so failures there stay visible", [removed_names(f), f.function, f.path, figures(f)]), 25 + boost, "instrumentation removed from an active function") if {
	some f in input.production.functions
	f.observed
	f.requests > 0
	f.change != "deleted"
	count(f.removed_signals) > 0
}

boost := 10 if ai else := 0
