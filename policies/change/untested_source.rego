package gate.change

# GATE-CHG-001: source changed substantially with no test changed. The weight grows with the
# size of the change, and more for AI-authored changes under the strict profile.

rules["GATE-CHG-001"] := {
	"name": "Untested change",
	"summary": "Source code changed with no test file changed.",
	"help": concat("\n", [
		"**What it finds:** changes adding 30 or more lines to source files (tests, migrations and generated files, by path or by a `Code generated ... DO NOT EDIT` header, and files whose every edit only moves whitespace, a formatter's re-wrap, excluded) with no change to any test file. A source file that adds its own tests (a Rust `#[test]` function or `#[cfg(test)]` module, lines added inside an existing top-level test module or test function, a Vitest `import.meta.vitest` block) counts as a test change.",
		"",
		"**Why it matters:** untested code is unverified code; for AI-authored changes, tests are the main evidence that the code does what it says.",
		"",
		"**Example:** a 60-line data fix that reassigns and deletes rows, with no test.",
		"",
		"**How to fix:** add or update tests that exercise the change. Paths that count as tests are configurable (`tests:` in .gate.yaml); for a change that needs no test, `gate:allow` does not apply (the finding has no line): add an exception for GATE-CHG-001 in `.gate-exceptions.yaml`.",
	]),
	"tags": ["verification", "tests"],
	"security_severity": 3.0,
	"risk_points": "10 + 1 per 25 source lines added, at most 30; +15 under the strict AI profile (at most 45)",
}

# The strict profile applies when policies/ai/strict.rego lists the rule (high replayed precision).
ai_strict if "GATE-CHG-001" in data.gate.ai.strict_profile

source_additions := sum([f.additions |
	some f in input.change.files
	not f.is_test
	not f.is_generated
	f.role != "migration"
	f.language in source_languages
	# A reformat (fastify d26726333f re-wraps its type declarations to a line length) adds
	# lines, not code.
	not object.get(f, "layout_only", false)
])

source_languages := {"python", "javascript", "typescript", "tsx", "go", "rust", "java", "kotlin", "ruby", "php", "csharp", "c", "cpp", "swift", "scala"}

warn contains {
	"rule": "GATE-CHG-001",
	"message": sprintf("%d source lines added and no test changed%s; add a test that exercises them (gate explain GATE-CHG-001)", [source_additions, ai_note]),
	"risk": untested_risk,
	"risk_reason": "verification gap",
} if {
	input.change.mode in {"diff", "staged", "range"}
	input.change.stats.test_files == 0
	not inline_tests_added
	source_additions >= 30
}

# A source file that adds tests inside itself (`adds_tests`: Rust's `#[cfg(test)]` modules).
# Facts without the field (an older gate's) count none.
inline_tests_added if {
	some f in input.change.files
	f.adds_tests
}

untested_base := min([30, 10 + floor(source_additions / 25)])

untested_risk := min([45, untested_base + 15]) if ai_strict else := untested_base

ai_note := " (AI-authored: stricter profile)" if ai_strict else := ""
