package gate.infra_test

cfg := {"infra": {"admin_ports": [22, 3389, 5432], "mass_change": 50, "mass_delete": 10}}

res(over) := object.union({
	"address": "aws_db_instance.main", "type": "aws_db_instance", "provider": "aws",
	"actions": ["update"], "replace": false, "changed_attributes": [], "replace_reasons": [],
	"category": "datastore", "criticality": "critical", "stateful": true, "public_exposure": false,
	"mitigations": [], "new_open_ingress": [], "iam_wildcards": [], "disabled_protections": [],
	"construct_path": null, "line": 7,
}, over)

plan(rs) := {"infra": {"plans": [{"path": "plan.json", "tool": "terraform", "resources": rs, "drift": [], "provider_changes": [],
	"summary": {"create": 0, "update": 0, "delete": 0, "replace": 0}}]}}

test_deleted_database_is_denied_at_its_line if {
	ds := data.gate.infra.deny with input as plan([res({"actions": ["delete"]})]) with data.gate.config as cfg
	some d in ds
	d.rule == "GATE-INF-001"
	d.risk == 90
	d.line == 7
	d.resource == "aws_db_instance.main"
}

test_mitigated_replace_only_warns if {
	r := res({"actions": ["create", "delete"], "replace": true, "mitigations": ["final_snapshot"]})
	count(data.gate.infra.deny) == 0 with input as plan([r]) with data.gate.config as cfg
	some w in data.gate.infra.warn with input as plan([r]) with data.gate.config as cfg
	contains(w.message, "final_snapshot")
}

test_ssh_to_world_denied_https_noted if {
	ssh := res({"type": "aws_security_group", "category": "network", "stateful": false,
		"new_open_ingress": [{"cidr": "0.0.0.0/0", "protocol": "tcp", "from_port": 22, "to_port": 22}]})
	some d in data.gate.infra.deny with input as plan([ssh]) with data.gate.config as cfg
	d.rule == "GATE-INF-002"
	https := res({"type": "aws_security_group", "category": "network", "stateful": false,
		"new_open_ingress": [{"cidr": "0.0.0.0/0", "protocol": "tcp", "from_port": 443, "to_port": 443}]})
	count(data.gate.infra.deny) == 0 with input as plan([https]) with data.gate.config as cfg
	count(data.gate.infra.warn) == 0 with input as plan([https]) with data.gate.config as cfg
	some i in data.gate.infra.info with input as plan([https]) with data.gate.config as cfg
	i.rule == "GATE-INF-002"
	high := res({"type": "aws_security_group", "category": "network", "stateful": false,
		"new_open_ingress": [{"cidr": "::/0", "protocol": "tcp", "from_port": 8080, "to_port": 8080}]})
	some w in data.gate.infra.warn with input as plan([high]) with data.gate.config as cfg
	w.risk == 45
}

test_tags_only_update_is_silent if {
	r := res({"changed_attributes": ["tags", "tags_all"]})
	count(data.gate.infra.deny) == 0 with input as plan([r]) with data.gate.config as cfg
	count(data.gate.infra.warn) == 0 with input as plan([r]) with data.gate.config as cfg
}

test_public_database_and_admin_policy if {
	db := res({"public_exposure": true})
	some d in data.gate.infra.deny with input as plan([db]) with data.gate.config as cfg
	d.rule == "GATE-INF-003"
	pol := res({"type": "aws_iam_policy", "category": "iam", "stateful": false, "actions": ["create"],
		"iam_wildcards": [{"actions": ["*"], "resources": ["*"], "full_admin": true}]})
	some e in data.gate.infra.deny with input as plan([pol]) with data.gate.config as cfg
	e.rule == "GATE-INF-004"
}

test_encryption_off_denies_logging_off_warns if {
	enc := res({"disabled_protections": ["encryption"]})
	some d in data.gate.infra.deny with input as plan([enc]) with data.gate.config as cfg
	d.rule == "GATE-INF-005"
	logs := res({"disabled_protections": ["logging"]})
	count(data.gate.infra.deny) == 0 with input as plan([logs]) with data.gate.config as cfg
	some w in data.gate.infra.warn with input as plan([logs]) with data.gate.config as cfg
	w.rule == "GATE-INF-005"
}

test_cdk_findings_name_the_construct if {
	r := res({"actions": ["delete"], "construct_path": "Shop/Database", "address": "Database", "type": "AWS::RDS::DBInstance"})
	some d in data.gate.infra.deny with input as plan([r]) with data.gate.config as cfg
	d.resource == "Shop/Database"
	contains(d.message, "construct Shop/Database")
}

test_iam_role_deletion_warns if {
	r := res({"type": "aws_iam_role", "category": "iam", "stateful": false, "actions": ["delete"]})
	some w in data.gate.infra.warn with input as plan([r]) with data.gate.config as cfg
	w.rule == "GATE-INF-006"
}

dep(over) := object.union({
	"address": "aws_instance.app", "type": "aws_instance", "effect": "replaced", "caused": true,
	"via": ["aws_vpc.main"], "attributes": ["subnet_id"], "references": ["id"], "depth": 1,
	"category": "compute", "criticality": "medium", "stateful": false, "plan": null,
}, over)

vpc(over) := res(object.union({
	"address": "aws_vpc.main", "type": "aws_vpc", "category": "network", "criticality": "high",
	"stateful": false, "actions": ["delete", "create"], "replace": true, "replace_reasons": ["cidr_block"],
	"caused_by": [], "identity_changes": ["id"],
}, over))

test_replacement_taking_workloads_and_data_is_denied_naming_them if {
	r := vpc({"downstream": [dep({}), dep({"address": "aws_db_instance.main", "type": "aws_db_instance", "effect": "re-pointed", "category": "datastore", "criticality": "critical", "stateful": true, "depth": 2})]})
	some d in data.gate.infra.deny with input as plan([r]) with data.gate.config as cfg
	d.rule == "GATE-INF-009"
	contains(d.message, "replaced: aws_instance.app")
	contains(d.message, "aws_db_instance.main (datastore)")
}

test_dependents_of_a_non_root_are_reported_with_the_root_only if {
	sub := vpc({"address": "aws_subnet.a", "type": "aws_subnet", "caused_by": ["aws_vpc.main"], "downstream": [dep({})]})
	count([d | some d in data.gate.infra.deny with input as plan([sub]) with data.gate.config as cfg; d.rule == "GATE-INF-009"]) == 0
}

test_replacement_without_dependents_counts_like_a_deletion if {
	r := vpc({"downstream": []})
	some w in data.gate.infra.warn with input as plan([r]) with data.gate.config as cfg
	w.rule == "GATE-INF-006"
	contains(w.message, "counts as deleting it")
}

test_engine_change_is_data_loss_even_with_a_snapshot if {
	r := res({"actions": ["delete", "create"], "replace": true, "mitigations": ["final_snapshot"], "data_migration": "engine mysql -> postgres"})
	some d in data.gate.infra.deny with input as plan([r]) with data.gate.config as cfg
	d.rule == "GATE-INF-010"
	contains(d.message, "even with final_snapshot")
	count([w | some w in data.gate.infra.warn with input as plan([r]) with data.gate.config as cfg; w.rule == "GATE-INF-001"]) == 0
}

test_new_endpoint_names_who_must_follow if {
	r := res({"actions": ["delete", "create"], "replace": true, "identity_changes": ["address"], "caused_by": [], "downstream": [
		dep({"address": "aws_route53_record.db", "type": "aws_route53_record", "effect": "re-pointed", "attributes": ["records"], "category": "dns"}),
		dep({"address": "aws_instance.app", "effect": "re-pointed", "attributes": ["user_data"]}),
	]})
	some w in data.gate.infra.warn with input as plan([r]) with data.gate.config as cfg
	w.rule == "GATE-INF-011"
	contains(w.message, "aws_route53_record.db (re-pointed: records)")
	contains(w.message, "stops and starts")
}

test_admin_managed_policy_denied_full_access_warned if {
	a := res({"type": "aws_iam_role_policy_attachment", "category": "iam", "stateful": false, "actions": ["create"], "managed_policies": ["AdministratorAccess"]})
	some d in data.gate.infra.deny with input as plan([a]) with data.gate.config as cfg
	d.rule == "GATE-INF-012"
	s := res({"type": "aws_iam_role_policy_attachment", "category": "iam", "stateful": false, "actions": ["create"], "managed_policies": ["AmazonS3FullAccess"]})
	count(data.gate.infra.deny) == 0 with input as plan([s]) with data.gate.config as cfg
	some w in data.gate.infra.warn with input as plan([s]) with data.gate.config as cfg
	w.rule == "GATE-INF-012"
}

test_not_action_on_everything_is_admin if {
	pol := res({"type": "aws_iam_policy", "category": "iam", "stateful": false, "actions": ["create"],
		"iam_wildcards": [{"actions": ["iam:*"], "resources": ["*"], "full_admin": true, "negated": ["NotAction"]}]})
	some d in data.gate.infra.deny with input as plan([pol]) with data.gate.config as cfg
	d.rule == "GATE-INF-004"
	contains(d.message, "every action except")
}

test_errored_incomplete_and_unreadable_plans_are_denied if {
	p := {"infra": {"plans": [{"path": "p.json", "tool": "terraform", "resources": [], "drift": [], "provider_changes": [], "errored": true, "complete": false,
		"summary": {"create": 0, "update": 0, "delete": 0, "replace": 0}}], "errors": [{"path": "bad.json", "error": "bad.json:1:2: not valid JSON"}]}}
	ds := [d | some d in data.gate.infra.deny with input as p with data.gate.config as cfg; d.rule == "GATE-INF-013"]
	count(ds) == 2
}

test_findings_point_at_the_source_when_found if {
	r := res({"actions": ["delete"], "source": {"path": "infra/main.tf", "line": 12, "kind": "resource"}})
	some d in data.gate.infra.deny with input as plan([r]) with data.gate.config as cfg
	d.path == "infra/main.tf"
	d.line == 12
}
