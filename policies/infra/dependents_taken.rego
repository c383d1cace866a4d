package gate.infra

# GATE-INF-009: a deletion or replacement that takes other resources with it. The plan's
# dependency graph says which resources depend on the changed one (directly or through
# others) and what the plan does to each: replaced, deleted, or updated in place into the new
# resource (a database moved into a new network).

rules["GATE-INF-009"] := {
	"name": "Change takes dependents with it",
	"summary": "A deleted or replaced resource takes dependent resources (replaced, deleted, or data stores moved) with it.",
	"help": concat("\n", [
		"**What it finds:** a resource the plan deletes or replaces whose dependents, found in the plan's dependency graph (Terraform references and `depends_on`, Pulumi dependencies, CloudFormation `Ref`/`Fn::GetAtt`/`DependsOn`), are replaced or deleted too, or are data stores moved in place. It blocks when a critical, high or stateful resource takes a workload, a data store or another critical resource with it; otherwise it warns. The finding names every dependent.",
		"",
		"**Why it matters:** a one-line change (a VPC CIDR, a subnet, a role name) can replace a whole environment: the subnets, the security groups, every instance in them, and move the database into a network it cannot join in place. The plan's counts do not say that one change causes the rest.",
		"",
		"**Example:** changing `cidr_block` of `aws_vpc.main` replaces the VPC, both subnets, both security groups and both app instances, and updates the RDS subnet group and instance in place into the new network.",
		"",
		"**How to fix:** build the new resource beside the old one and move dependents over in steps (a second VPC, then the workloads, then the data), or keep the identity (`moved` blocks, `lifecycle { create_before_destroy = true }`, `ignore_changes`). The full list is in the facts: `infra.plans[].resources[].downstream`.",
	]),
	"tags": ["infrastructure", "blast-radius", "dependency-graph"],
	"security_severity": 7.5,
	"risk_points": "85 + 1 per stateful dependent, at most 90 (deny) / 45",
}

heavy(d) if d.stateful

heavy(d) if d.criticality in {"critical", "high"}

heavy(d) if d.category in {"compute", "container", "serverless", "edge", "datastore"}

blocks(r) if {
	r.criticality in {"critical", "high"}
	some d in taken(r)
	heavy(d)
}

blocks(r) if {
	r.stateful
	some d in taken(r)
	heavy(d)
}

takes_message(r) := sprintf("%s %s %s would be %s%s and takes %s with it: %s%s. Build the new one beside it and move the dependents over in steps, or keep its identity (`moved`, `create_before_destroy`)", [
	r.criticality, r.category, label(r), verb(r), forced_note(r), counted(count(taken(r)), "dependent resource", "dependent resources"),
	describe(taken(r)), also_note(r),
])

forced_note(r) := sprintf(" (replacement forced by %s)", [concat(", ", r.replace_reasons)]) if {
	count(r.replace_reasons) > 0
} else := ""

also_note(r) := sprintf("; also %s", [describe(others)]) if {
	others := [d | some d in downstream(r); not took(d); d.effect in {"re-pointed", "updated"}]
	count(others) > 0
} else := ""

deny contains finding(p, r, "GATE-INF-009", takes_message(r), risk, why) if {
	some p in input.infra.plans
	some r in p.resources
	destroys(r)
	root(r)
	count(taken(r)) > 0
	blocks(r)
	risk := 85 + min([5, count([d | some d in taken(r); d.stateful])])
	why := sprintf("%s %s takes %d dependents with it", [verb(r), r.category, count(taken(r))])
}

warn contains finding(p, r, "GATE-INF-009", takes_message(r), 45,
	sprintf("%s %s takes dependents with it", [verb(r), r.category])) if {
	some p in input.infra.plans
	some r in p.resources
	destroys(r)
	root(r)
	count(taken(r)) > 0
	not blocks(r)
}
