package gate.production

# Shared helpers of the gate.production rules: thresholds, and how figures read.

cfg := data.gate.config.production

# A number with one decimal (regorus' sprintf takes no %.1f of an integer-valued number).
dec1(x) := sprintf("%d.%d", [floor(t / 10), t % 10]) if t := round(x * 10)

# A percentage with one decimal: 0.9 -> "90.0%".
pct(x) := concat("", [dec1(x * 100), "%"])

# A duration in milliseconds: "12.0 ms".
ms(x) := concat(" ", [dec1(x), "ms"])

# "billing's requests"
service_of(f) := sprintf("%s's", [f.service])

# The window production data covers: "7.0 days to 2026-12-01", "9 minutes to 2025-11-30".
window := sprintf("%s to %s", [length(input.production.window), substring(input.production.window.end, 0, 10)]) if {
	input.production.window.end != ""
} else := "the window"

length(w) := sprintf("%s days", [dec1(w.days)]) if w.seconds >= 172800

length(w) := sprintf("%d hours", [round(w.seconds / 3600)]) if {
	w.seconds < 172800
	w.seconds >= 7200
}

length(w) := sprintf("%d minutes", [ceil(w.seconds / 60)]) if w.seconds < 7200

# The figures of an observed function, as every message gives them.
figures(f) := sprintf("%s of %s requests (%d of %d in %s; %s errors, p50 %s, p95 %s)", [
	pct(f.traffic_share), service_of(f), f.requests, f.service_requests, window,
	pct(f.error_rate), ms(f.p50_ms), ms(f.p95_ms),
])

hot(f) if {
	f.observed
	f.traffic_share >= cfg.hot_share
}

# The change touches no test file.
untested if {
	not any_test
}

any_test if {
	some x in input.change.files
	x.is_test
}

ai := input.provenance.ai_generated

# Instrumentation kinds as readers call them.
signal_name(s) := "logging" if s == "logging"

signal_name(s) := "tracing" if s == "span"

signal_name(s) := "metrics" if s == "metric"

at(f, rule, msg, risk, why) := {
	"rule": rule,
	"message": msg,
	"path": f.path,
	"line": f.line,
	"end_line": f.end_line,
	"risk": risk,
	"risk_reason": why,
	"fingerprint": concat("|", [rule, f.path, f.function, f.service]),
}
