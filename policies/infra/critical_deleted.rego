package gate.infra

# GATE-INF-006: a critical or high-criticality resource that holds no data (IAM role, network,
# edge, cluster) deleted outright. It does not lose data, but it breaks whatever depends on it.

rules["GATE-INF-006"] := {
	"name": "Critical resource deleted",
	"summary": "The plan deletes an IAM, network, edge or cluster resource.",
	"help": concat("\n", [
		"**What it finds:** deletions (not replacements) of resources the taxonomy rates critical or high that hold no data.",
		"",
		"**Why it matters:** deleting a role, a subnet or a load balancer breaks every workload depending on it, often in another stack.",
		"",
		"**How to fix:** confirm nothing references the resource (state, other stacks, DNS), or remove references first.",
	]),
	"tags": ["infrastructure", "blast-radius"],
	"security_severity": 5.0,
}

warn contains finding(p, r, "GATE-INF-006",
	sprintf("%s %s %s would be deleted", [r.criticality, r.category, label(r)]),
	40, sprintf("%s %s resource deleted", [r.criticality, r.category])) if {
	some p in input.infra.plans
	some r in p.resources
	not r.stateful
	not r.replace
	destroys(r)
	r.criticality in {"critical", "high"}
}
