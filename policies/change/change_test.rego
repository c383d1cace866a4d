package gate.change_test

file(over) := object.union({"path": "src/app.py", "language": "python", "is_test": false, "is_generated": false,
	"additions": 300, "deletions": 0, "role": null}, over)

change(files, tests, ai) := {"change": {"mode": "range", "files": files, "stats": {"test_files": tests}},
	"provenance": {"ai_generated": ai}, "infra": {"plans": []}}

test_feature_with_tests_is_quiet if {
	i := change([file({}), file({"path": "tests/test_app.py", "is_test": true, "additions": 120})], 1, false)
	count(data.gate.change.warn) == 0 with input as i with data.gate.config.ai.strict as true
}

test_untested_source_warns_more_for_ai if {
	human := change([file({})], 0, false)
	some h in data.gate.change.warn with input as human with data.gate.config.ai.strict as true
	h.rule == "GATE-CHG-001"
	h.risk == 22
	robot := change([file({})], 0, true)
	some r in data.gate.change.warn with input as robot with data.gate.config.ai.strict as true
	r.risk == 37
}

test_iac_without_plan if {
	i := change([file({"path": "infra/main.tf", "language": "hcl", "role": "iac", "additions": 3})], 0, false)
	some w in data.gate.change.warn with input as i
	w.rule == "GATE-CHG-002"
	w.path == "infra/main.tf"
}

test_large_change if {
	i := change([file({"additions": 1500}), file({"path": "tests/t.py", "is_test": true})], 1, false)
	some w in data.gate.change.warn with input as i
	w.rule == "GATE-CHG-003"
}
