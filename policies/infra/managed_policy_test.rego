package gate.infra_test

# GATE-INF-012: a broad AWS-managed policy attached.

att(policies) := res({"address": "aws_iam_role_policy_attachment.app", "type": "aws_iam_role_policy_attachment", "category": "iam", "stateful": false, "actions": ["create"], "managed_policies": policies})

test_administrator_equivalents_are_denied if {
	every m in ["AdministratorAccess", "IAMFullAccess", "PowerUserAccess"] {
		some d in denies("GATE-INF-012", plan([att([m])]))
		d.risk == 85
		contains(d.message, sprintf("attaches the AWS-managed %s policy", [m]))
	}
}

test_full_access_policies_warn if {
	p := plan([att(["AmazonS3FullAccess"])])
	count(denies("GATE-INF-012", p)) == 0
	some w in warns("GATE-INF-012", p)
	w.risk == 50
	contains(w.message, "scope it to the resources the workload uses")
}

test_no_managed_policy_is_silent if {
	count(denies("GATE-INF-012", plan([att([])]))) + count(warns("GATE-INF-012", plan([att([])]))) == 0
	count(denies("GATE-INF-012", plan([res({})]))) == 0
}
