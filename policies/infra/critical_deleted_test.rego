package gate.infra_test

# GATE-INF-006: a critical or high resource that holds no data deleted or replaced, with no
# dependents in the plan.

test_iam_role_deletion_warns if {
	r := res({"address": "aws_iam_role.app", "type": "aws_iam_role", "category": "iam", "stateful": false, "actions": ["delete"]})
	some w in warns("GATE-INF-006", plan([r]))
	w.risk == 40
	contains(w.message, "would be deleted; check that nothing outside this plan uses it")
}

test_replacement_without_dependents_counts_like_a_deletion if {
	some w in warns("GATE-INF-006", plan([vpc({"downstream": []})]))
	contains(w.message, "counts as deleting it")
}

test_gate_inf_006_leaves_data_dependents_and_low_resources_to_others if {
	# Taking dependents with it: GATE-INF-009.
	count(warns("GATE-INF-006", plan([vpc({"downstream": [dep({})]})]))) == 0
	# Replaced because its VPC is: reported with the VPC.
	count(warns("GATE-INF-006", plan([vpc({"address": "aws_subnet.a", "caused_by": ["aws_vpc.main"], "downstream": []})]))) == 0
	# Holds data: GATE-INF-001.
	count(warns("GATE-INF-006", plan([res({"actions": ["delete"]})]))) == 0
	# Low criticality.
	count(warns("GATE-INF-006", plan([vpc({"criticality": "low", "downstream": []})]))) == 0
}
