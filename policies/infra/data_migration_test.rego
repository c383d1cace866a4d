package gate.infra_test

# GATE-INF-010: a data store replaced across engines or key schemas.

test_engine_change_is_data_loss_even_with_a_snapshot if {
	r := res({"actions": ["delete", "create"], "replace": true, "mitigations": ["final_snapshot"], "data_migration": "engine mysql -> postgres"})
	some d in denies("GATE-INF-010", plan([r]))
	d.risk == 90
	contains(d.message, "replaced with engine mysql -> postgres")
	contains(d.message, "even with final_snapshot")
	contains(d.message, "migrate the data")
}

test_key_schema_change_without_mitigation if {
	r := res({"address": "aws_dynamodb_table.orders", "type": "aws_dynamodb_table", "actions": ["delete", "create"], "replace": true, "data_migration": "hash_key id -> order_id"})
	some d in denies("GATE-INF-010", plan([r]))
	not contains(d.message, "even with")
}

test_same_engine_or_no_replacement_is_not_gate_inf_010 if {
	count(denies("GATE-INF-010", plan([res({"actions": ["delete", "create"], "replace": true, "data_migration": null})]))) == 0
	count(denies("GATE-INF-010", plan([res({"actions": ["delete", "create"], "replace": true})]))) == 0
	count(denies("GATE-INF-010", plan([res({"actions": ["update"], "data_migration": "engine mysql -> postgres"})]))) == 0
}
