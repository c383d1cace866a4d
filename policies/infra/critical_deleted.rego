package gate.infra

# GATE-INF-006: a critical or high-criticality resource that holds no data (IAM role, network,
# edge, cluster) deleted, or replaced (a replacement is a deletion plus a new resource with a
# new id), when nothing in the plan depends on it (GATE-INF-009 reports those with their
# dependents).

rules["GATE-INF-006"] := {
	"name": "Critical resource deleted or replaced",
	"summary": "The plan deletes or replaces an IAM, network, edge or cluster resource.",
	"help": concat("\n", [
		"**What it finds:** deletions and replacements of resources the taxonomy rates critical or high that hold no data, when no other resource of the plan depends on them.",
		"",
		"**Why it matters:** deleting a role, a subnet or a load balancer breaks every workload depending on it, often in another stack; replacing one does the same, because the new resource has a new id and ARN.",
		"",
		"**Example:** renaming an `aws_iam_role` replaces it: instance profiles and trust policies elsewhere that name the old role break.",
		"",
		"**How to fix:** confirm nothing references the resource (state, other stacks, DNS), or remove references first; for a replacement, keep the name (`moved`, `lifecycle { create_before_destroy = true }`).",
	]),
	"tags": ["infrastructure", "blast-radius"],
	"security_severity": 5.0,
	"risk_points": "40",
}

warn contains finding(p, r, "GATE-INF-006",
	sprintf("%s %s %s would be %s%s; check that nothing outside this plan uses it", [r.criticality, r.category, label(r), verb(r), replace_note(r)]),
	40, sprintf("%s %s resource %s", [r.criticality, r.category, verb(r)])) if {
	some p in input.infra.plans
	some r in p.resources
	not r.stateful
	destroys(r)
	r.criticality in {"critical", "high"}
	root(r)
	count(taken(r)) == 0
}

replace_note(r) := " (a replacement: new id and ARN, which counts as deleting it)" if r.replace else := ""
