package gate.production

# GATE-PRD-001: the change touches a function that serves a large share of its service's
# production traffic (production.hot_share, 10% by default).

rules["GATE-PRD-001"] := {
	"name": "Hot path changed",
	"summary": "The change touches a function production shows serving a large share of its service's requests.",
	"help": concat("\n", [
		"**What it finds:** a changed function to which the production signals (`--signals`, `production.signals`: OpenTelemetry trace exports or their `gate signals summarize` summary) attribute at least `production.hot_share` (default 10%) of its service's requests, by its `code.*` span attributes or its route. The message gives the traffic share, the error rate, p50/p95 latency and the window. It weighs more when the change adds no test, and more when it is AI-authored.",
		"",
		"**Why it matters:** a defect in the function that serves 90% of checkout requests is an outage, one in an admin page is a bug report. Review attention should follow traffic, and code review alone cannot see traffic.",
		"",
		"**Example:** a refactor of `charge()` in `app/billing.py`, which production shows in 90% of the billing service's requests with a 6% error rate.",
		"",
		"**How to fix:** review it as the hot path it is: cover the change with tests, roll it out behind a feature flag or a canary, and watch its error rate and latency after the deploy. Raise `production.hot_share` if 10% is too low for your services; disable the rule (`disable: [GATE-PRD-001]`) to stop weighing traffic.",
	]),
	"tags": ["production", "blast-radius"],
	"security_severity": 4.0,
	"risk_points": "25; +10 when the change touches no test, +10 in an AI-authored change",
}

untested_points := 10 if untested else := 0

ai_points := 10 if ai else := 0

hot_risk := (25 + untested_points) + ai_points

hot_why := concat(", ", array.concat(array.concat(["hot path"], ["untested" | untested]), ["AI-authored" | ai]))

hot_advice(f) := "it is deleted: make sure no caller is left, and deploy behind a canary" if f.change == "deleted"

hot_advice(f) := "add tests for it and roll it out behind a flag or a canary" if {
	f.change != "deleted"
	untested
}

hot_advice(f) := "roll it out behind a flag or a canary and watch its error rate after the deploy" if {
	f.change != "deleted"
	not untested
}

warn contains at(f, "GATE-PRD-001", sprintf("%s in %s serves %s: a hot path — %s", [f.function, f.path, figures(f), hot_advice(f)]), hot_risk, hot_why) if {
	some f in input.production.functions
	hot(f)
}
