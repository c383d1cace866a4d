package gate.infra_test

# GATE-INF-004: IAM statements allowing every action, or wildcard actions.

pol(wildcards) := res({"address": "aws_iam_policy.app", "type": "aws_iam_policy", "category": "iam", "stateful": false, "actions": ["create"], "iam_wildcards": wildcards})

test_star_on_star_is_denied_as_administrator_access if {
	some d in denies("GATE-INF-004", plan([pol([{"actions": ["*"], "resources": ["*"], "full_admin": true}])]))
	d.risk == 85
	contains(d.message, "grants administrator access (Action * on Resource *)")
}

test_not_action_on_everything_is_admin if {
	p := plan([pol([{"actions": ["iam:*"], "resources": ["*"], "full_admin": true, "negated": ["NotAction"]}])])
	some d in denies("GATE-INF-004", p)
	contains(d.message, "every action except")
}

test_service_wildcards_warn_and_not_resource_is_named if {
	p := plan([pol([{"actions": ["s3:*"], "resources": ["arn:aws:s3:::logs/*"], "full_admin": false}])])
	count(denies("GATE-INF-004", p)) == 0
	some w in warns("GATE-INF-004", p)
	w.risk == 45
	contains(w.message, "allows wildcard actions [\"s3:*\"]")
	q := plan([pol([{"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::secret/*"], "full_admin": false, "negated": ["NotResource"]}])])
	some v in warns("GATE-INF-004", q)
	contains(v.message, "NotResource: every resource except the listed ones")
}

test_scoped_policy_is_silent if {
	count(all_findings(plan([pol([])]))) == 0
}
