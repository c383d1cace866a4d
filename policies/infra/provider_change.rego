package gate.infra

# GATE-INF-007: provider configuration or region changes, which move or recreate everything a
# provider manages.

rules["GATE-INF-007"] := {
	"name": "Provider or region change",
	"summary": "A provider configuration or a resource's region changes.",
	"help": concat("\n", [
		"**What it finds:** Pulumi provider resources that change, and resources whose `region`/`location` attribute changes.",
		"",
		"**Why it matters:** a provider change can replace every resource it manages; a region change moves data across jurisdictions.",
		"",
		"**Example:** a Pulumi `pulumi:providers:aws` resource whose `region` goes from `us-east-1` to `eu-west-1`: every resource it manages is recreated in the new region.",
		"",
		"**How to fix:** split provider changes into their own reviewed change, and plan the migration of stateful resources.",
	]),
	"tags": ["infrastructure", "blast-radius"],
	"security_severity": 6.0,
	"risk_points": "50",
}

warn contains {
	"rule": "GATE-INF-007",
	"message": sprintf("provider/region change: %s; review it as its own change and plan the move of the stateful resources it manages", [c]),
	"path": p.path,
	"line": 1,
	"resource": c,
	"risk": 50,
	"risk_reason": "provider or region change",
} if {
	some p in input.infra.plans
	some c in p.provider_changes
}
