package gate.infra

# GATE-INF-012: AWS-managed policies that grant broad access attached to a role, user or
# group: AdministratorAccess, IAMFullAccess and PowerUserAccess block, other *FullAccess warn.

rules["GATE-INF-012"] := {
	"name": "Broad managed policy attached",
	"summary": "The plan attaches AdministratorAccess, IAMFullAccess, PowerUserAccess or a *FullAccess AWS-managed policy.",
	"help": concat("\n", [
		"**What it finds:** `policy_arn` (`aws_iam_role_policy_attachment`, `aws_iam_user_policy_attachment`, `aws_iam_group_policy_attachment`, `aws_iam_policy_attachment`), `managed_policy_arns` and CloudFormation/Pulumi `ManagedPolicyArns`/`policyArn` that add `arn:aws:iam::aws:policy/AdministratorAccess`, `IAMFullAccess`, `PowerUserAccess` or a `*FullAccess` policy.",
		"",
		"**Why it matters:** these are the wildcards nobody writes: `AdministratorAccess` is `*` on `*`, `IAMFullAccess` lets its holder grant itself anything, and `AmazonS3FullAccess` reads and deletes every bucket in the account.",
		"",
		"**Example:** `aws_iam_role_policy_attachment` with `policy_arn = \"arn:aws:iam::aws:policy/AdministratorAccess\"` blocks; `arn:aws:iam::aws:policy/AmazonS3FullAccess` warns.",
		"",
		"**How to fix:** write a customer-managed policy with the actions and resources the workload uses (IAM Access Analyzer can generate one from CloudTrail), and attach that instead.",
	]),
	"tags": ["infrastructure", "iam", "least-privilege", "external/cwe/cwe-269"],
	"security_severity": 8.0,
	"risk_points": "85 (deny) administrator-equivalent / 50 full access",
}

escalating := {"AdministratorAccess", "IAMFullAccess", "PowerUserAccess"}

deny contains finding(p, r, "GATE-INF-012",
	sprintf("%s attaches the AWS-managed %s policy: replace it with a policy listing the actions the workload needs", [label(r), m]),
	85, "administrator-equivalent managed policy") if {
	some p in input.infra.plans
	some r in p.resources
	some m in object.get(r, "managed_policies", [])
	m in escalating
}

warn contains finding(p, r, "GATE-INF-012",
	sprintf("%s attaches the AWS-managed %s policy (every action of a service on every resource): scope it to the resources the workload uses", [label(r), m]),
	50, "full-access managed policy") if {
	some p in input.infra.plans
	some r in p.resources
	some m in object.get(r, "managed_policies", [])
	not m in escalating
}
