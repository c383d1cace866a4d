package gate.change_test

# GATE-CHG-002 (iac_without_plan.rego).

tf(path, added, removed) := file({"path": path, "language": "hcl", "role": "iac", "status": "modified",
	"binary": false, "whole_file": false, "additions": count(added), "deletions": count(removed),
	"hunks": [{"new_start": 12, "added": [{"line": 12, "text": t} | some t in added], "removed": [{"line": 12, "text": t} | some t in removed]}]})

chg002(i) := [w | some w in data.gate.change.warn with input as i; w.rule == "GATE-CHG-002"]

with_iac(i, root) := object.union(i, {"infra": {"plans": [], "root_configuration": root}})

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

test_version_moves_in_the_terraform_block_need_no_plan if {
	bump := tf("deploy/versions.tf", ["      version = \"~> 7.44.0\""], ["      version = \"~> 7.43.0\""])
	chart := tf("deploy/argo.tf", ["  version = \"0.6.0\""], ["  version = \"0.5.0\""])
	# The analyzer listed the provider bump as a version move; the chart bump in a resource is not.
	i := object.union(change([bump, chart], 0, false), {"infra": {"plans": [], "root_configuration": true, "version_moves": ["deploy/versions.tf"]}})
	ws := chg002(i)
	count(ws) == 1
	ws[0].path == "deploy/argo.tf"
	not contains(ws[0].message, "versions.tf")
	j := object.union(change([bump], 0, false), {"infra": {"plans": [], "root_configuration": true, "version_moves": ["deploy/versions.tf"]}})
	count(chg002(j)) == 0
}

test_declarations_only_need_no_plan if {
	out := tf("deploy/outputs.tf", ["output \"arn\" {", "  value = module.b.arn", "}"], [])
	res := tf("deploy/main.tf", ["resource \"aws_s3_bucket\" \"b\" {", "}"], [])
	i := object.union(change([out, res], 0, false), {"infra": {"plans": [], "root_configuration": true, "declarations_only": ["deploy/outputs.tf"]}})
	ws := chg002(i)
	count(ws) == 1
	ws[0].path == "deploy/main.tf"
	j := object.union(change([out], 0, false), {"infra": {"plans": [], "root_configuration": true, "declarations_only": ["deploy/outputs.tf"]}})
	count(chg002(j)) == 0
}

test_test_fixtures_need_no_plan if {
	fixture := object.union(tf("test/fixtures/stack/app/main.tf", ["  bucket = \"fixture\""], []), {"is_test": true})
	count(chg002(with_iac(change([fixture], 1, false), true))) == 0
	live := tf("live/app/main.tf", ["  bucket = \"prod\""], [])
	ws := chg002(with_iac(change([fixture, live], 1, false), true))
	count(ws) == 1
	not contains(ws[0].message, "test/fixtures")
}
