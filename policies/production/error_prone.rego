package gate.production

# GATE-PRD-002: the change touches a function with an elevated error rate in production.

rules["GATE-PRD-002"] := {
	"name": "Error-prone function changed",
	"summary": "The change touches a function whose production error rate is elevated.",
	"help": concat("\n", [
		"**What it finds:** a changed function whose spans in the production signals fail at `production.error_rate` (default 5%) or more, over at least `production.min_requests` calls (span status ERROR, or an HTTP 5xx answered by a server span). It is a note, since the change may be the fix; a warning when other signals add up (the change also removes instrumentation from it, or is AI-authored).",
		"",
		"**Why it matters:** a function that already fails is where a change is most likely to be either the fix or the next incident, and reviewers should know which one they are looking at.",
		"",
		"**Example:** `charge()` fails 6% of its 450 calls in the billing service; the change edits its retry loop.",
		"",
		"**How to fix:** if the change is the fix, say so in its description and watch the error rate after the deploy; if not, look at those failures first (the trace backend has them) before adding to the function. Raise `production.error_rate` if your services run with a higher baseline.",
	]),
	"tags": ["production", "reliability"],
	"security_severity": 3.0,
	"risk_points": "20 when the change removes instrumentation or is AI-authored / 0 (note)",
}

error_prone(f) if {
	f.observed
	f.requests >= cfg.min_requests
	f.error_rate >= cfg.error_rate
}

adds_up(f) if count(f.removed_signals) > 0

adds_up(_) if ai

error_msg(f) := sprintf("%s in %s fails %s of its %d calls in %s (%d errors in %s): if this change is the fix, say so and watch the error rate after the deploy; if not, look at those failures before changing it", [f.function, f.path, pct(f.error_rate), f.requests, f.service, f.errors, window])

warn contains at(f, "GATE-PRD-002", error_msg(f), 20, "error-prone function, and the change removes instrumentation or is AI-authored") if {
	some f in input.production.functions
	error_prone(f)
	adds_up(f)
}

info contains at(f, "GATE-PRD-002", error_msg(f), 0, "error-prone function") if {
	some f in input.production.functions
	error_prone(f)
	not adds_up(f)
}
