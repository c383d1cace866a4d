package gate.infra

# GATE-INF-011: a resource gets a new identity (replaced, or its endpoint, address, ARN or
# name changes) while other resources read it: each of them must follow, and so must anything
# outside the plan that uses the old value.

rules["GATE-INF-011"] := {
	"name": "New endpoint or ARN: dependents must follow",
	"summary": "A changed endpoint, address, ARN or id is read by other resources: the finding says who must follow.",
	"help": concat("\n", [
		"**What it finds:** a resource replaced, or whose identity attributes (`id`, `arn`, `endpoint`, `address`, `dns_name`, `name` ...) change, with direct dependents in the plan that stay and are updated to the new value (or read it unchanged). It names each dependent and the attributes that carry the value.",
		"",
		"**Why it matters:** a new database endpoint moves DNS records and rewrites `user_data` (which stops and starts an instance); a new topic ARN breaks publishers configured elsewhere. Clients outside the plan (application configuration, other stacks, caches holding the old DNS answer) do not follow by themselves.",
		"",
		"**Example:** replacing `aws_db_instance.main` gives it a new `address`: `aws_route53_record.db` (`records`) and both `aws_instance.app` (`user_data`) are updated.",
		"",
		"**How to fix:** keep the identity stable (a DNS name in front of the endpoint, `create_before_destroy`), or roll the change out in steps: create the new resource, move the dependents, remove the old one. Tell the owners of the clients outside this plan.",
	]),
	"tags": ["infrastructure", "blast-radius", "dependency-graph"],
	"security_severity": 5.0,
	"risk_points": "50",
}

follower_name(d) := sprintf("%s (%s: %s%s)", [dep_name(d), d.effect, concat(", ", d.attributes), restart_note(d)]) if {
	count(d.attributes) > 0
} else := sprintf("%s (%s)", [dep_name(d), d.effect])

restart_note(d) := ", the instance stops and starts" if {
	d.type == "aws_instance"
	"user_data" in d.attributes
} else := ""

warn contains finding(p, r, "GATE-INF-011",
	sprintf("%s gets a new %s: %s read it and must follow: %s; anything outside this plan that uses the old value must follow too", [
		label(r), concat(", ", r.identity_changes), counted(count(followers(r)), "resource", "resources"),
		concat("; ", [follower_name(d) | some d in followers(r)]),
	]),
	50, "identity change with dependents") if {
	some p in input.infra.plans
	some r in p.resources
	count(object.get(r, "identity_changes", [])) > 0
	root(r)
	count(followers(r)) > 0
}
