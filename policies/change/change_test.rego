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

tf(path, added, removed) := file({"path": path, "language": "hcl", "role": "iac", "status": "modified",
	"binary": false, "whole_file": false, "additions": count(added), "deletions": count(removed),
	"hunks": [{"new_start": 12, "added": [{"line": 12, "text": t} | some t in added], "removed": [{"line": 12, "text": t} | some t in removed]}]})

chg002(i) := [w | some w in data.gate.change.warn with input as i; w.rule == "GATE-CHG-002"]

with_iac(i, root) := object.union(i, {"iac": {"root_configuration": root}})

test_iac_without_plan_in_a_root_configuration if {
	i := with_iac(change([tf("infra/rds.tfvars", ["  engine_version = \"8.4\""], ["  engine_version = \"8.0\""])], 0, false), true)
	ws := chg002(i)
	count(ws) == 1
	ws[0].path == "infra/rds.tfvars"
	ws[0].line == 12
	contains(ws[0].message, "--plan")
	contains(ws[0].message, "gate explain GATE-CHG-002")
}

test_no_plan_warning_in_a_module_repository if {
	i := with_iac(change([tf("main.tf", ["  enable_dns64 = var.enable_dns64"], [])], 0, false), false)
	count(chg002(i)) == 0
	# Pulumi projects are root configuration wherever they are.
	p := with_iac(change([file({"path": "Pulumi.yaml", "language": "yaml", "role": "iac", "additions": 1, "hunks": []})], 0, false), false)
	count(chg002(p)) == 1
}

test_comment_and_whitespace_edits_need_no_plan if {
	i := with_iac(change([tf("infra/main.tf", ["# the bucket for exports", "", "  // note"], ["  "])], 0, false), true)
	count(chg002(i)) == 0
	j := with_iac(change([tf("infra/main.tf", ["# the bucket", "  versioning = true"], [])], 0, false), true)
	count(chg002(j)) == 1
}

test_more_files_are_counted if {
	fs := [tf(sprintf("infra/m%d.tf", [n]), ["x = 1"], []) | some n in numbers.range(1, 5)]
	ws := chg002(with_iac(change(fs, 0, false), true))
	contains(ws[0].message, "infra/m1.tf, infra/m2.tf, infra/m3.tf +2 more")
}

test_without_the_fact_a_root_is_assumed if {
	count(chg002(change([tf("infra/main.tf", ["x = 1"], [])], 0, false))) == 1
}

test_large_change if {
	i := change([file({"additions": 1500}), file({"path": "tests/t.py", "is_test": true})], 1, false)
	some w in data.gate.change.warn with input as i
	w.rule == "GATE-CHG-003"
	contains(w.message, "1800 lines of code and tests")
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

test_migrations_are_not_untested_source if {
	m := file({"path": "alembic/versions/2024_add_summary.py", "role": "migration", "additions": 40})
	count([w | some w in data.gate.change.warn with input as change([m], 0, false); w.rule == "GATE-CHG-001"]) == 0
	g := file({"path": "api/v3/status.connect.go", "language": "go", "is_generated": true, "additions": 120})
	count([w | some w in data.gate.change.warn with input as change([g], 0, false); w.rule == "GATE-CHG-001"]) == 0
}
