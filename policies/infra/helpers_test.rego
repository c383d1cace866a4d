package gate.infra_test

# The fixtures of the gate.infra rule tests (each rule has its <rule>_test.rego beside it)
# and the tests of the shared helpers in helpers.rego.

cfg := {"infra": {"admin_ports": [22, 3389, 5432], "mass_change": 50, "mass_delete": 10}}

# A resource of a plan as gate's facts describe it (an RDS instance updated in place).
res(over) := object.union({
	"address": "aws_db_instance.main", "type": "aws_db_instance", "provider": "aws",
	"actions": ["update"], "replace": false, "changed_attributes": [], "replace_reasons": [],
	"category": "datastore", "criticality": "critical", "stateful": true, "public_exposure": false,
	"mitigations": [], "new_open_ingress": [], "iam_wildcards": [], "disabled_protections": [],
	"construct_path": null, "line": 7,
}, over)

plan(rs) := plan_with(rs, {})

# plan(rs) with other plan-level fields.
plan_with(rs, over) := {"infra": {"plans": [object.union({
	"path": "plan.json", "tool": "terraform", "resources": rs, "drift": [], "provider_changes": [],
	"errored": false, "complete": true, "summary": {"create": 0, "update": 0, "delete": 0, "replace": 0},
}, over)]}}

# One entry of a resource's `downstream` (an app instance replaced because of it).
dep(over) := object.union({
	"address": "aws_instance.app", "type": "aws_instance", "effect": "replaced", "caused": true,
	"via": ["aws_vpc.main"], "attributes": ["subnet_id"], "references": ["id"], "depth": 1,
	"category": "compute", "criticality": "medium", "stateful": false, "plan": null,
}, over)

# A VPC replaced because its CIDR changes.
vpc(over) := res(object.union({
	"address": "aws_vpc.main", "type": "aws_vpc", "category": "network", "criticality": "high",
	"stateful": false, "actions": ["delete", "create"], "replace": true, "replace_reasons": ["cidr_block"],
	"caused_by": [], "identity_changes": ["id"],
}, over))

# The findings of one rule at one level for an input.
denies(rule, inp) := [d | some d in data.gate.infra.deny with input as inp with data.gate.config as cfg; d.rule == rule]

warns(rule, inp) := [w | some w in data.gate.infra.warn with input as inp with data.gate.config as cfg; w.rule == rule]

infos(rule, inp) := [i | some i in data.gate.infra.info with input as inp with data.gate.config as cfg; i.rule == rule]

# Every finding of the domain, at every level.
all_findings(inp) := array.concat(
	array.concat(
		[d | some d in data.gate.infra.deny with input as inp with data.gate.config as cfg],
		[w | some w in data.gate.infra.warn with input as inp with data.gate.config as cfg],
	),
	[i | some i in data.gate.infra.info with input as inp with data.gate.config as cfg],
)

test_every_rule_has_help_with_what_why_example_and_how_to_fix if {
	ids := {sprintf("GATE-INF-%03d", [n]) | some n in numbers.range(1, 14)}
	{id | some id, _ in data.gate.infra.rules} == ids
	every id in ids {
		meta := data.gate.infra.rules[id]
		meta.security_severity > 0
		count(meta.name) > 0
		every section in ["**What it finds:**", "**Why it matters:**", "**Example:**", "**How to fix:**"] {
			contains(meta.help, section)
		}
	}
}

test_label_names_the_construct_or_the_type if {
	# Terraform and Pulumi addresses carry the type; CloudFormation logical ids do not.
	data.gate.infra.label(res({})) == "aws_db_instance.main"
	data.gate.infra.label(res({"address": "Database", "type": "AWS::RDS::DBInstance"})) == "Database (AWS::RDS::DBInstance)"
	data.gate.infra.label(res({"address": "urn:pulumi:dev::shop::aws:rds/instance:Instance::db", "type": "aws:rds/instance:Instance"})) == "urn:pulumi:dev::shop::aws:rds/instance:Instance::db"
	data.gate.infra.label(res({"address": "Database", "type": "AWS::RDS::DBInstance", "construct_path": "Shop/Database"})) == "Database (AWS::RDS::DBInstance, construct Shop/Database)"
}

test_cdk_findings_name_the_construct if {
	r := res({"actions": ["delete"], "construct_path": "Shop/Database", "address": "Database", "type": "AWS::RDS::DBInstance"})
	some d in denies("GATE-INF-001", plan([r]))
	d.resource == "Shop/Database"
	contains(d.message, "construct Shop/Database")
}

test_findings_point_at_the_source_when_found if {
	r := res({"actions": ["delete"], "source": {"path": "infra/main.tf", "line": 12, "kind": "resource"}})
	some d in denies("GATE-INF-001", plan([r]))
	d.path == "infra/main.tf"
	d.line == 12
	# Without a located source: the plan file, at the resource's line in it.
	some e in denies("GATE-INF-001", plan([res({"actions": ["delete"], "source": null})]))
	e.path == "plan.json"
	e.line == 7
}

test_describe_groups_dependents_by_effect_and_caps_each_group if {
	ds := array.concat(
		[dep({"address": sprintf("aws_instance.app[%d]", [n])}) | some n in numbers.range(0, 13)],
		[dep({"address": "aws_db_instance.main", "effect": "re-pointed", "category": "datastore", "stateful": true})],
	)
	text := data.gate.infra.describe(ds)
	startswith(text, "replaced: aws_instance.app[0], ")
	contains(text, "aws_instance.app[11] and 2 more; updated in place to follow it: aws_db_instance.main (datastore)")
	not contains(text, "aws_instance.app[12]")
}

test_an_unremarkable_plan_has_no_findings if {
	quiet := [
		res({"changed_attributes": ["tags", "tags_all"]}),
		res({"address": "aws_instance.app", "type": "aws_instance", "category": "compute", "criticality": "medium", "stateful": false, "actions": ["create"]}),
	]
	count(all_findings(plan(quiet))) == 0
}
