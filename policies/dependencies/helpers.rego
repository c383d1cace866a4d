package gate.dependencies

# Shared helpers of the gate.dependencies rules.

# The strict profile for AI-authored changes applies to a rule only when policies/ai/strict.rego
# lists it (rules whose replayed precision is high): it never amplifies a wrong finding.
strict_for(rule) if rule in data.gate.ai.strict_profile

loc(d) := {"path": d.manifest, "line": object.get(d, "line", 1)} if d.line != null else := {"path": d.manifest, "line": 1}

finding(d, rule, msg, risk, why) := object.union(loc(d), {
	"rule": rule,
	"message": msg,
	"risk": risk,
	"risk_reason": why,
	"resource": sprintf("%s:%s", [d.ecosystem, d.name]),
	"fingerprint": concat("|", [d.manifest, d.ecosystem, d.name, object.get(d, "to", "")]),
})

added(d) if d.change == "added"

# The name a finding shows: the package installed, and the manifest's alias for it.
shown(d) := sprintf("%s (as %s)", [d.package, d.name]) if {
	d.package != null
	d.package != d.name
} else := d.name
