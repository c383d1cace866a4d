package gate.ai

# GATE-AI-004: the change weakens tests (assertions or test functions removed, skip / xfail /
# only markers added, test files deleted) without removing the code they tested.

rules["GATE-AI-004"] := {
	"name": "Tests weakened",
	"summary": "The change removes assertions or tests, skips them, or deletes test files, while the code they test stays.",
	"help": concat("\n", [
		"**What it finds:** in test files (and Rust test modules): assertions or test functions the change removes and does not add back elsewhere (moves and rewrites net out); `@pytest.mark.skip`/`xfail`, `it.skip`/`.only`/`xit`, `t.Skip`, `#[ignore]`, `@Disabled` markers added; test files deleted. Removals that go with the code they test (the function or module is removed too) are left alone.",
		"",
		"**Why it matters:** deleting or skipping the test that fails is the cheapest way to get a change green, and agents take it; the suite then passes while the behaviour it checked is gone.",
		"",
		"**Example:** `2 assertions removed from tests/test_billing.py; the code they test is unchanged`. A change that weakens tests in more than 3 files gets one finding naming them, the most weakened first.",
		"",
		"**How to fix:** restore the tests and fix the code until they pass; if the behaviour changed on purpose, change the assertion to the new expectation and say why in the pull request; quarantine a flaky test with an issue and an owner instead of skipping it silently.",
	]),
	"tags": ["ai", "tests", "verification"],
	"security_severity": 4.0,
	"risk_points": "30 tests removed or a test file deleted / 25 assertions removed or a skip added; +15 in an AI-authored change",
}

base_risk_004 := {"assertions_removed": 25, "tests_removed": 30, "skip_added": 25, "test_file_deleted": 30}

warn contains {
	"rule": "GATE-AI-004",
	"message": sprintf("%s%s: restore the tests (or change them to the new expectation and say why)", [where_weakened(s), ai_note]),
	"path": s.path,
	"line": s.line,
	"risk": weight("GATE-AI-004", object.get(base_risk_004, s.what, 25)),
	"risk_reason": "tests weakened",
	"fingerprint": concat("|", ["GATE-AI-004", s.path, s.what]),
} if {
	some s in input.smells
	s.kind == "test_weakened"
}

# One file, or (a change weakening tests in more than 3 files) one finding naming them all.
where_weakened(s) := sprintf("%s, while the code they test stays", [s.detail]) if {
	object.get(s, "files", 1) > 1
} else := sprintf("%s in %s while the code it tests stays", [s.detail, s.path])
