package gate.infra

# GATE-INF-004: IAM statements that allow every action (on every resource: administrator
# access) or every action of a service.

rules["GATE-INF-004"] := {
	"name": "IAM wildcard",
	"summary": "A policy newly allows `*` actions, or any action on `*` resources.",
	"help": concat("\n", [
		"**What it finds:** `Allow` statements added by the plan with `Action: \"*\"`, `service:*`, or wildcard actions on `Resource: \"*\"`.",
		"",
		"**Why it matters:** a compromised workload with `*:*` owns the account; wildcards are how least privilege erodes one convenient change at a time.",
		"",
		"**How to fix:** list the actions the workload calls and scope resources to ARNs. IAM Access Analyzer can generate a policy from CloudTrail activity.",
	]),
	"tags": ["infrastructure", "iam", "least-privilege", "external/cwe/cwe-269"],
	"security_severity": 8.0,
}

deny contains finding(p, r, "GATE-INF-004",
	sprintf("%s grants administrator access (Action * on Resource *)", [label(r)]),
	85, "full administrator policy") if {
	some p in input.infra.plans
	some r in p.resources
	some w in r.iam_wildcards
	w.full_admin
}

warn contains finding(p, r, "GATE-INF-004",
	sprintf("%s allows wildcard actions %v on %v", [label(r), w.actions, w.resources]),
	45, "wildcard IAM actions") if {
	some p in input.infra.plans
	some r in p.resources
	some w in r.iam_wildcards
	not w.full_admin
}
