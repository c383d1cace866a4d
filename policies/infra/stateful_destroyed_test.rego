package gate.infra_test

# GATE-INF-001: a stateful resource deleted or replaced.

test_deleted_database_is_denied_at_its_line if {
	some d in denies("GATE-INF-001", plan([res({"actions": ["delete"]})]))
	d.risk == 90
	d.line == 7
	d.resource == "aws_db_instance.main"
	contains(d.message, "would be deleted and its data lost")
	contains(d.message, "keep the data out of the deletion")
}

test_risk_follows_the_criticality if {
	some d in denies("GATE-INF-001", plan([res({"actions": ["delete"], "criticality": "medium", "category": "storage", "type": "aws_ebs_volume", "address": "aws_ebs_volume.logs"})]))
	d.risk == 50
}

test_forced_replacement_names_the_attribute if {
	r := res({"actions": ["delete", "create"], "replace": true, "replace_reasons": ["identifier"]})
	some d in denies("GATE-INF-001", plan([r]))
	contains(d.message, "would be replaced and its data lost; replacement forced by identifier; avoid the change that forces the replacement")
}

test_mitigated_replace_only_warns if {
	r := res({"actions": ["create", "delete"], "replace": true, "mitigations": ["final_snapshot"]})
	count(denies("GATE-INF-001", plan([r]))) == 0
	some w in warns("GATE-INF-001", plan([r]))
	w.risk == 40
	contains(w.message, "mitigated by final_snapshot")
}

test_mitigation_across_engines_is_left_to_gate_inf_010 if {
	r := res({"actions": ["delete", "create"], "replace": true, "mitigations": ["final_snapshot"], "data_migration": "engine mysql -> postgres"})
	count(warns("GATE-INF-001", plan([r]))) == 0
	count(denies("GATE-INF-001", plan([r]))) == 0
}

test_kept_data_stores_and_deleted_stateless_resources_are_not_gate_inf_001 if {
	kept := res({"actions": ["update"], "changed_attributes": ["instance_class"]})
	count(denies("GATE-INF-001", plan([kept]))) + count(warns("GATE-INF-001", plan([kept]))) == 0
	gone := res({"address": "aws_instance.app", "type": "aws_instance", "category": "compute", "criticality": "medium", "stateful": false, "actions": ["delete"]})
	count(denies("GATE-INF-001", plan([gone]))) + count(warns("GATE-INF-001", plan([gone]))) == 0
}
