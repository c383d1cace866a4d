package gate.infra_test

# GATE-INF-009: a deletion or replacement that takes dependents with it.

test_replacement_taking_workloads_and_data_is_denied_naming_them if {
	r := vpc({"downstream": [dep({}), dep({"address": "aws_db_instance.main", "type": "aws_db_instance", "effect": "re-pointed", "category": "datastore", "criticality": "critical", "stateful": true, "depth": 2})]})
	some d in denies("GATE-INF-009", plan([r]))
	d.risk == 86
	contains(d.message, "high network aws_vpc.main would be replaced (replacement forced by cidr_block) and takes 2 dependent resources with it")
	contains(d.message, "replaced: aws_instance.app")
	contains(d.message, "aws_db_instance.main (datastore)")
	contains(d.message, "Build the new one beside it")
}

test_dependents_of_a_non_root_are_reported_with_the_root_only if {
	sub := vpc({"address": "aws_subnet.a", "type": "aws_subnet", "caused_by": ["aws_vpc.main"], "downstream": [dep({})]})
	count(denies("GATE-INF-009", plan([sub]))) + count(warns("GATE-INF-009", plan([sub]))) == 0
}

test_a_medium_resource_taking_light_dependents_warns if {
	r := vpc({"address": "aws_launch_template.app", "type": "aws_launch_template", "category": "compute", "criticality": "medium", "downstream": [dep({"address": "aws_cloudwatch_metric_alarm.cpu", "category": "monitoring", "criticality": "low"})]})
	count(denies("GATE-INF-009", plan([r]))) == 0
	some w in warns("GATE-INF-009", plan([r]))
	w.risk == 45
}

test_dependents_only_updated_are_not_taken_but_mentioned if {
	# Nothing replaced, deleted or holding data: not GATE-INF-009.
	only := vpc({"downstream": [dep({"effect": "re-pointed", "attributes": ["vpc_security_group_ids"]})]})
	count(denies("GATE-INF-009", plan([only]))) + count(warns("GATE-INF-009", plan([only]))) == 0
	# Beside what it takes, the others updated are listed after "also".
	both := vpc({"downstream": [dep({}), dep({"address": "aws_lb_target_group.app", "category": "edge", "effect": "re-pointed"})]})
	some d in denies("GATE-INF-009", plan([both]))
	contains(d.message, "; also updated in place to follow it: aws_lb_target_group.app")
}

test_an_update_in_place_takes_nothing if {
	r := vpc({"actions": ["update"], "replace": false, "downstream": [dep({})]})
	count(denies("GATE-INF-009", plan([r]))) + count(warns("GATE-INF-009", plan([r]))) == 0
}
