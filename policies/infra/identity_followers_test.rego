package gate.infra_test

# GATE-INF-011: a new endpoint, address, ARN or id read by other resources.

test_new_endpoint_names_who_must_follow if {
	r := res({"actions": ["delete", "create"], "replace": true, "identity_changes": ["address"], "caused_by": [], "downstream": [
		dep({"address": "aws_route53_record.db", "type": "aws_route53_record", "effect": "re-pointed", "attributes": ["records"], "category": "dns"}),
		dep({"address": "aws_instance.app", "effect": "re-pointed", "attributes": ["user_data"]}),
	]})
	some w in warns("GATE-INF-011", plan([r]))
	w.risk == 50
	contains(w.message, "gets a new address: 2 resources read it and must follow")
	contains(w.message, "aws_route53_record.db (re-pointed: records)")
	contains(w.message, "stops and starts")
}

test_only_direct_dependents_that_stay_must_follow if {
	r := res({"identity_changes": ["arn"], "caused_by": [], "downstream": [
		dep({"address": "aws_instance.gone", "effect": "replaced"}),
		dep({"address": "aws_lambda_function.far", "effect": "re-pointed", "depth": 2}),
		dep({"address": "aws_sns_topic_subscription.s", "effect": "unchanged", "attributes": [], "references": ["arn"]}),
	]})
	some w in warns("GATE-INF-011", plan([r]))
	contains(w.message, "1 resource read it")
	contains(w.message, "aws_sns_topic_subscription.s (unchanged)")
	not contains(w.message, "aws_instance.gone")
	not contains(w.message, "aws_lambda_function.far")
}

test_no_identity_change_or_no_follower_is_silent if {
	count(warns("GATE-INF-011", plan([res({"identity_changes": [], "caused_by": [], "downstream": [dep({"effect": "re-pointed"})]})]))) == 0
	count(warns("GATE-INF-011", plan([res({"identity_changes": ["arn"], "caused_by": [], "downstream": []})]))) == 0
	# A resource re-identified because something upstream is: reported with that one.
	count(warns("GATE-INF-011", plan([res({"identity_changes": ["arn"], "caused_by": ["aws_vpc.main"], "downstream": [dep({"effect": "re-pointed"})]})]))) == 0
}
