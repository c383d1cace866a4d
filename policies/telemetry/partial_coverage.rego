package gate.telemetry

# GATE-TEL-005: changed source files telemetry analysis did not parse. Past the parse budget
# (telemetry.budget_mb) it is a warning: a clean telemetry result does not vouch for them.
# Files too large to parse (bundles, generated code) or with no readable source are a note.

rules["GATE-TEL-005"] := {
	"name": "Telemetry not analyzed",
	"summary": "Some changed source files were not analyzed for telemetry: past the parse budget, too large, or unreadable.",
	"help": concat("\n", [
		"**What it finds:** changed source files that telemetry analysis (GATE-TEL-001 to 004) skipped, listed in `coverage.telemetry.skipped` of the facts with the reason: `budget` (the change's source is larger than `telemetry.budget_mb`, default 8 MB; critical paths are analyzed first, then files in path order), `too_large` (one file over 2 MiB, usually a bundle or generated code) or `no_source` (the post-image could not be read, e.g. a `--diff` of files not in the work tree).",
		"",
		"**Why it matters:** no telemetry finding on those files means they were not looked at, not that they are observable. The same goes for a service whose setup files did not fit in `telemetry.context_mb` (default 16 MB): without them gate cannot tell whether the service has request telemetry, so it does not say it lacks it.",
		"",
		"**Example:** a vendored 3 MB `bundle.js` is listed as too large; a 30 MB change is partly past the budget.",
		"",
		"**How to fix:** split the change, mark generated or vendored paths (`generated:` in .gate.yaml), or raise `telemetry.budget_mb` (`telemetry.context_mb` for service setup).",
	]),
	"tags": ["telemetry", "coverage"],
	"security_severity": 1.0,
	"risk_points": "10 past the parse budget / 0 (note) too large, unreadable or service setup not read",
}

skipped(reason) := [s | some s in input.coverage.telemetry.skipped; s.reason == reason]

first_paths(ss) := concat(", ", [s.path | some i, s in ss; i < 3])

files(ss) := "1 file" if count(ss) == 1 else := sprintf("%d files", [count(ss)])

more(ss) := sprintf(" and %d more", [count(ss) - 3]) if count(ss) > 3 else := ""

# A size for people: MB with one decimal, KB, or bytes (integer arithmetic: sprintf's %f
# wants a float).
size(b) := sprintf("%d.%d MB", [floor(b / 1000000), floor(b / 100000) % 10]) if {
	b >= 1000000
} else := sprintf("%d KB", [floor(b / 1000)]) if {
	b >= 1000
} else := sprintf("%d bytes", [b])

warn contains {
	"rule": "GATE-TEL-005",
	"message": sprintf("telemetry not analyzed in %s (%s) past the %s parse budget: %s%s", [files(ss), size(sum([s.bytes | some s in ss])), size(input.coverage.telemetry.budget_bytes), first_paths(ss), more(ss)]),
	"risk": 10,
	"risk_reason": "telemetry partly unchecked",
} if {
	ss := skipped("budget")
	count(ss) > 0
}

info contains {
	"rule": "GATE-TEL-005",
	"message": sprintf("telemetry not analyzed in %s larger than 2 MiB: %s%s", [files(ss), first_paths(ss), more(ss)]),
	"risk": 0,
} if {
	ss := skipped("too_large")
	count(ss) > 0
}

info contains {
	"rule": "GATE-TEL-005",
	"message": sprintf("telemetry not analyzed in %s whose source could not be read: %s%s", [files(ss), first_paths(ss), more(ss)]),
	"risk": 0,
} if {
	ss := skipped("no_source")
	count(ss) > 0
}

info contains {
	"rule": "GATE-TEL-005",
	"message": sprintf("service setup not fully read for %s (past the %s context budget, or no snapshot to list): missing request telemetry is not reported there", [concat(", ", [root_name(r) | some r in rs]), size(input.coverage.telemetry.context.budget_bytes)]),
	"risk": 0,
} if {
	rs := [r | some r in input.coverage.telemetry.context.incomplete; unjudged(r)]
	count(rs) > 0
}

# A service whose setup was not read matters when it gains handlers that observe nothing
# themselves: GATE-TEL-001/006 would judge them.
unjudged(root) if {
	some t in input.telemetry
	t.service == root
	t.kind == "http_handler"
	t.new
	not t.instrumented
}

root_name(r) := "the repository root" if r == "" else := r
