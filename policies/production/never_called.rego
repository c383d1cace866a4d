package gate.production

# GATE-PRD-005: the change touches a function production never calls in the window, in a
# file whose other functions it does see.

rules["GATE-PRD-005"] := {
	"name": "Changed function never called in production",
	"summary": "Production sees the file's functions but never this one within the window: dead code?",
	"help": concat("\n", [
		"**What it finds:** a changed (not new, not deleted) function in a file from which the production signals hold at least `production.min_requests` function-level spans, none of them attributed to this function. Production observes the file at function level, so the function was most likely not called within the window.",
		"",
		"**Why it matters:** changing dead code costs review time and keeps it alive; a function that is only called rarely (a yearly job) deserves to be known as such.",
		"",
		"**Example:** `legacy_refund()` in `app/billing.py` is edited, while production records thousands of spans from `charge()` and `refund()` in that file and none from it.",
		"",
		"**How to fix:** if it is dead code, delete it instead of changing it. If it runs rarely or is not instrumented, ignore the note (or suppress it with an exception saying when it runs).",
	]),
	"tags": ["production", "maintainability"],
	"security_severity": 1.0,
	"risk_points": "0 (note)",
}

info contains at(f, "GATE-PRD-005", sprintf("production records %d function-level spans from %s in %s but none from %s: if it is dead code, delete it instead of changing it; if it runs rarely or is not instrumented, ignore this note", [f.file_requests, f.path, window, f.function]), 0, "never called in the window") if {
	some f in input.production.functions
	not f.observed
	f.file_observed
	f.file_requests >= cfg.min_requests
	f.change == "modified"
}
