package gate.blast_radius

# GATE-BLA-002: a code change that spreads across many files or top-level modules.

rules["GATE-BLA-002"] := {
	"name": "Broad change",
	"summary": "The change touches many files, directories or top-level modules.",
	"help": concat("\n", [
		"**What it finds:** changes touching 50 or more files, 20 or more directories, or 6 or more top-level modules. Tests count; generated files, translations (`locales/`, `i18n/`, `*.po` ...), Markdown docs and test snapshots do not.",
		"",
		"**Why it matters:** review quality falls with size; broad changes hide the one line that matters.",
		"",
		"**Example:** one pull request touching the API, the web UI, the database migrations and the deployment files.",
		"",
		"**How to fix:** split the change by module or concern. To accept a reviewed broad change, add an exception for GATE-BLA-002 in `.gate-exceptions.yaml`.",
	]),
	"tags": ["blast-radius", "review"],
	"security_severity": 3.0,
	"risk_points": "25 + 1 per 10 files, at most 60",
}

# The breadth of what a reviewer reads: generated files, translations, docs and snapshots
# left out.
counted := [f.path | some f in input.change.files; reviewable(f)]

st := {
	"files": count(counted),
	"directories": count({dir(p) | some p in counted}),
	"top_level": count({top(p) | some p in counted}),
}

dir(p) := regex.replace(p, `/[^/]*$`, "") if contains(p, "/") else := ""

top(p) := split(p, "/")[0] if contains(p, "/") else := ""

broad if st.files >= 50

broad if st.directories >= 20

broad if st.top_level >= 6

reviewable(f) if {
	not f.is_generated
	not f.binary
	not translation(f.path)
	not markdown(f)
	not regex.match(`(\.snap$|(^|/)__snapshots__/)`, f.path)
}

markdown(f) if f.language == "markdown"

translation(p) if regex.match(`(^|/)(locales?|i18n|l10n|langs?|translations?)/`, lower(p))

translation(p) if regex.match(`\.(po|pot|xlf|xliff|arb)$`, lower(p))

warn contains {
	"rule": "GATE-BLA-002",
	"message": sprintf("broad change: %d files in %d directories across %d top-level modules; split it by module or concern (gate explain GATE-BLA-002)", [st.files, st.directories, st.top_level]),
	"risk": min([60, 25 + floor(st.files / 10)]),
	"risk_reason": "change breadth",
} if {
	input.change.mode != "all"
	broad
}
