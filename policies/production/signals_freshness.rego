package gate.production

# GATE-PRD-004: the production signals are missing, stale, or edited by the change itself.

rules["GATE-PRD-004"] := {
	"name": "Production signals missing, stale or edited by the change",
	"summary": "A configured production signals file is missing or old, or the change edits it.",
	"help": concat("\n", [
		"**What it finds:** a file listed in `production.signals` that does not exist (a note: the change was judged without production data), signals whose window ended more than `production.max_age_days` (default 14) days ago (a note), and signals the change under review edits (a warning: a change should not bring the data it is judged by).",
		"",
		"**Why it matters:** hot paths and error rates move; a month-old summary under-weighs today's hot path, and a missing one silently weighs nothing.",
		"",
		"**Example:** `production: {signals: [.gate/signals.json]}` while the job that writes it has not run since October.",
		"",
		"**How to fix:** summarize a recent export in the job that collects traces (`gate signals summarize traces.jsonl -o .gate/signals.json`, see the README) and keep it where the configuration says; update a committed summary in a change of its own.",
	]),
	"tags": ["production", "governance"],
	"security_severity": 1.0,
	"risk_points": "30 the change edits its own production signals / 0 (note) signals stale or missing",
}

info contains {
	"rule": "GATE-PRD-004",
	"message": sprintf("production signals %s do not exist: this change was judged without production data; run `gate signals summarize TRACES -o %s` where traces are exported, or drop it from production.signals", [s.path, s.path]),
	"path": s.path,
	"risk": 0,
	"fingerprint": concat("|", ["GATE-PRD-004", "missing", s.path]),
} if {
	some s in input.production.sources
	s.kind == "missing"
}

info contains {
	"rule": "GATE-PRD-004",
	"message": sprintf("production signals %s end %s, %s days ago (production.max_age_days: %v): summarize a recent export so hot paths and error rates are current", [s.path, substring(s.window.end, 0, 10), dec1(s.window.age_days), cfg.max_age_days]),
	"path": s.path,
	"risk": 0,
	"fingerprint": concat("|", ["GATE-PRD-004", "stale", s.path]),
} if {
	some s in input.production.sources
	s.kind != "missing"
	s.window.age_days != null
	s.window.age_days > cfg.max_age_days
}

warn contains {
	"rule": "GATE-PRD-004",
	"message": sprintf("the change edits %s, the production signals it is judged by: update the summary in a change of its own", [s.path]),
	"path": s.path,
	"risk": 30,
	"risk_reason": "edits its own production data",
	"fingerprint": concat("|", ["GATE-PRD-004", "edited", s.path]),
} if {
	some s in input.production.sources
	s.in_change
}
