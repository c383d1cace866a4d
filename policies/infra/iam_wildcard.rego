package gate.infra

# GATE-INF-004: IAM statements that allow every action (on every resource: administrator
# access) or every action of a service.

rules["GATE-INF-004"] := {
	"name": "IAM wildcard",
	"summary": "A policy newly allows `*` actions, or any action on `*` resources.",
	"help": concat("\n", [
		"**What it finds:** `Allow` statements added by the plan with `Action: \"*\"`, `service:*`, or wildcard actions on `Resource: \"*\"`, and `Allow` statements with `NotAction` or `NotResource` (everything except a list), in inline policies, resource policies and documents built with `data.aws_iam_policy_document`.",
		"",
		"**Why it matters:** a compromised workload with `*:*` owns the account; wildcards are how least privilege erodes one convenient change at a time.",
		"",
		"**Example:** `{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}` blocks (administrator access), as does `NotAction: [\"iam:*\"]` on `*`; `\"Action\": \"s3:*\"` warns.",
		"",
		"**How to fix:** list the actions the workload calls and scope resources to ARNs. IAM Access Analyzer can generate a policy from CloudTrail activity.",
	]),
	"tags": ["infrastructure", "iam", "least-privilege", "external/cwe/cwe-269"],
	"security_severity": 8.0,
	"risk_points": "85 (deny) administrator / 45 wildcard actions",
}

deny contains finding(p, r, "GATE-INF-004",
	sprintf("%s grants administrator access (%s); list the actions the workload calls and scope the resources to ARNs", [label(r), admin_text(w)]),
	85, "full administrator policy") if {
	some p in input.infra.plans
	some r in p.resources
	some w in r.iam_wildcards
	w.full_admin
}

warn contains finding(p, r, "GATE-INF-004",
	sprintf("%s allows %s on %v%s; list the actions the workload calls", [label(r), actions_text(w), w.resources, negated_note(w)]),
	45, "wildcard IAM actions") if {
	some p in input.infra.plans
	some r in p.resources
	some w in r.iam_wildcards
	not w.full_admin
}

negated(w) := object.get(w, "negated", [])

admin_text(w) := sprintf("Allow with NotAction on Resource *: every action except %v", [w.actions]) if {
	"NotAction" in negated(w)
} else := "Action * on Resource *"

actions_text(w) := sprintf("every action except %v (NotAction)", [w.actions]) if {
	"NotAction" in negated(w)
} else := sprintf("wildcard actions %v", [w.actions])

negated_note(w) := " (NotResource: every resource except the listed ones)" if {
	"NotResource" in negated(w)
} else := ""
