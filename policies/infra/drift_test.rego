package gate.infra_test

# GATE-INF-008: drift seen by the plan.

test_drift_is_noted_naming_the_resources if {
	p := plan_with([], {"drift": [{"address": "aws_security_group.web"}, {"address": "aws_s3_bucket.logs"}]})
	some i in infos("GATE-INF-008", p)
	i.risk == 10
	contains(i.message, "2 resources drifted outside terraform: aws_security_group.web, aws_s3_bucket.logs")
	contains(i.message, "reconcile the drift")
}

test_no_drift_is_silent if {
	count(infos("GATE-INF-008", plan([res({})]))) == 0
}
