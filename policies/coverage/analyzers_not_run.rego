package gate.coverage

# GATE-COV-006: analyzers that did not run (`--only`, `--skip`, `analyzers:` in the
# configuration), in one note, so that a selection is never a silent pass.

rules["GATE-COV-006"] := {
	"name": "Analyzers not run",
	"summary": "The check ran only some analyzers; what the others look for was not checked.",
	"help": concat("\n", [
		"**What it finds:** a check that did not run every analyzer (`gate check --only secrets`, `--skip telemetry`, or `analyzers:` in .gate.yaml), with the analyzers left out and why.",
		"",
		"**Why it matters:** a clean result vouches only for what ran: with `--only secrets`, no rule looked at the dependencies, telemetry, plans or AI provenance of the change. The rules of an analyzer that did not run report nothing (they would judge facts nobody gathered); `coverage.analyzers` in the facts lists both sides.",
		"",
		"**Example:** a pre-commit hook `gate check --staged --only secrets`, or a secrets-only CI job beside the full check.",
		"",
		"**How to fix:** nothing if another job runs the rest; otherwise drop `--only`/`--skip` (or `analyzers:`) so that every analyzer runs.",
	]),
	"tags": ["coverage"],
	"security_severity": 1.0,
	"risk_points": "0 (note)",
}

not_run := object.get(input, ["coverage", "analyzers", "not_run"], [])

# "telemetry (--skip telemetry), production (needs telemetry)": reasons in order, each once
# after the last analyzer it applies to.
described := concat(", ", [d |
	some i, n in not_run
	d := describe(i, n)
])

describe(i, n) := sprintf("%s (%s)", [n.analyzer, n.reason]) if {
	not same_reason_next(i, n)
} else := n.analyzer

same_reason_next(i, n) if not_run[i + 1].reason == n.reason

info contains {
	"rule": "GATE-COV-006",
	"message": sprintf("%d %s did not run: %s; %s rules were not evaluated, and a clean result does not vouch for what %s", [count(not_run), analyzers_word, described, its, checks]),
	"risk": 0,
} if {
	count(not_run) > 0
}

analyzers_word := "analyzer" if count(not_run) == 1 else := "analyzers"

its := "its" if count(not_run) == 1 else := "their"

checks := "it checks" if count(not_run) == 1 else := "they check"
