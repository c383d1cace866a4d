package gate.change_test

# GATE-CHG-003 (large_change.rego).

test_large_change if {
	i := change([file({"additions": 1500}), file({"path": "tests/t.py", "is_test": true})], 1, false)
	some w in data.gate.change.warn with input as i
	w.rule == "GATE-CHG-003"
	contains(w.message, "1500 lines of code added or removed (plus 300 lines of tests;")
}

# Crowdin updates, docs and snapshots are not code to review.
test_translations_docs_and_snapshots_are_not_a_large_change if {
	fs := [
		file({"path": "frontend/lang/messages/fr-FR.json", "language": "json", "additions": 900}),
		file({"path": "po/de.po", "language": null, "additions": 400}),
		file({"path": "docs/guide.md", "language": "markdown", "additions": 500}),
		file({"path": "src/__snapshots__/app.test.tsx.snap", "language": null, "additions": 700}),
		file({"path": "tests/t.py", "is_test": true, "additions": 10}),
	]
	count([w | some w in data.gate.change.warn with input as change(fs, 1, false); w.rule == "GATE-CHG-003"]) == 0
}

test_large_change_message_says_what_to_do if {
	i := change([file({"additions": 1200})], 1, false)
	some w in data.gate.change.warn with input as i
	w.rule == "GATE-CHG-003"
	contains(w.message, "gate explain GATE-CHG-003")
	# Generated files are not counted, whether known by path or by header.
	g := change([file({"additions": 1200, "is_generated": true})], 1, false)
	count([x | some x in data.gate.change.warn with input as g; x.rule == "GATE-CHG-003"]) == 0
}

# Tests do not count towards the limit; the message gives their size beside it.
test_tests_are_not_counted_towards_the_limit if {
	fs := [file({"additions": 700, "deletions": 200}), file({"path": "tests/test_app.py", "is_test": true, "additions": 1400})]
	count([w | some w in data.gate.change.warn with input as change(fs, 1, false); w.rule == "GATE-CHG-003"]) == 0
	big := [file({"additions": 1100}), file({"path": "tests/test_app.py", "is_test": true, "additions": 400})]
	some w in data.gate.change.warn with input as change(big, 1, false)
	w.rule == "GATE-CHG-003"
	contains(w.message, "1100 lines of code added or removed (plus 400 lines of tests;")
}

# Data files are skimmed, not reviewed: reviewer labels, datasets, fixtures in JSON or CSV. A
# JSON file with a role (a CloudFormation template, a manifest) still counts.
test_data_files_are_not_a_large_change if {
	fs := [
		file({"path": "bench/labels.json", "language": "json", "additions": 2900}),
		file({"path": "data/cities.csv", "language": null, "additions": 5000}),
	]
	count([w | some w in data.gate.change.warn with input as change(fs, 1, false); w.rule == "GATE-CHG-003"]) == 0
	cfn := [file({"path": "infra/stack.json", "language": "json", "role": "iac", "additions": 1200})]
	some w in data.gate.change.warn with input as change(cfn, 1, false)
	w.rule == "GATE-CHG-003"
	contains(w.message, "no tests changed")
}
