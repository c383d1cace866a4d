package gate.change

# GATE-CHG-003: a change too large to review well.

rules["GATE-CHG-003"] := {
	"name": "Large change",
	"summary": "The change adds or removes more than 1,000 lines of code (tests not counted).",
	"help": "**What it finds:** changes whose added plus deleted lines of code and configuration exceed 1,000. Tests are not counted towards the limit (the message gives their size beside it: a change that brings its tests is easier to review, not harder), nor are generated files (by path or by a `Code generated ... DO NOT EDIT` header), data files (`.json`, `.jsonl`, `.csv`, `.tsv` outside infrastructure, CI and dependency files), translations (`locales/`, `i18n/`, `*.po` ...), Markdown and reStructuredText docs, and test snapshots.\n\n**Why it matters:** reviewers stop reading carefully long before a thousand lines.\n\n**Example:** a 2,400-line feature touching the API, the UI and the database in one pull request.\n\n**How to fix:** split the change (one concern per pull request, refactors apart from features). Generated paths the built-in conventions miss can be listed under `generated:` in .gate.yaml.",
	"tags": ["review", "size"],
	"security_severity": 2.0,
	"risk_points": "15 + 1 per 500 changed lines of code, at most 35",
}

size := sum([n | some f in input.change.files; reviewable(f); not f.is_test; n := f.additions + f.deletions])

test_lines := sum([n | some f in input.change.files; reviewable(f); f.is_test; n := f.additions + f.deletions])

# Files a reviewer reads as code: not generated, not translations, docs or snapshots.
reviewable(f) if {
	not f.is_generated
	not f.binary
	not translation(f.path)
	not docs(f)
	not snapshot(f.path)
	not data_file(f)
}

# Data a reviewer skims, not code: JSON and CSV outside infrastructure, CI and dependency files
# (fixtures, datasets, reviewer labels, exported dashboards).
data_file(f) if {
	regex.match(`\.(json|jsonl|ndjson|geojson|csv|tsv)$`, lower(f.path))
	not object.get(f, "role", null) in {"iac", "ci_workflow", "manifest", "lockfile", "gate_config", "gate_policy"}
}

translation(p) if regex.match(`(^|/)(locales?|i18n|l10n|langs?|translations?)/`, lower(p))

translation(p) if regex.match(`\.(po|pot|xlf|xliff|arb)$`, lower(p))

docs(f) if f.language == "markdown"

docs(f) if regex.match(`\.(rst|adoc)$`, lower(f.path))

snapshot(p) if regex.match(`(\.snap$|(^|/)__snapshots__/)`, p)

warn contains {
	"rule": "GATE-CHG-003",
	"message": sprintf("large change: %d lines of code added or removed (%s; generated files, data, translations, docs and snapshots not counted); split it if you can (gate explain GATE-CHG-003)", [size, tests_part]),
	"risk": min([35, 15 + floor(size / 500)]),
	"risk_reason": "change size",
} if {
	input.change.mode in {"diff", "staged", "range"}
	size > 1000
}

tests_part := sprintf("plus %d lines of tests", [test_lines]) if test_lines > 0 else := "no tests changed"
