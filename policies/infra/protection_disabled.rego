package gate.infra

# GATE-INF-005: encryption, logging, versioning, backups or deletion protection turned off.
# Encryption blocks; the others warn.

rules["GATE-INF-005"] := {
	"name": "Protection turned off",
	"summary": "The plan disables encryption, logging, versioning, backups or deletion protection.",
	"help": concat("\n", [
		"**What it finds:** attributes such as `storage_encrypted`, `enable_logging`, versioning status, `backup_retention_period` or `deletion_protection` going from on to off (or created off, for encryption).",
		"",
		"**Why it matters:** these settings are what make an incident recoverable and auditable; turning one off rarely shows in a diff review.",
		"",
		"**Example:** `storage_encrypted = true` -> `false` on an `aws_db_instance` blocks; `deletion_protection = true` -> `false` or `backup_retention_period = 7` -> `0` warns. Negated names are read as such: `encryption_disabled = false` means encryption is on.",
		"",
		"**How to fix:** keep the protection on; if it must go, record why with an exception that has an owner and an expiry date.",
	]),
	"tags": ["infrastructure", "encryption", "logging", "resilience"],
	"security_severity": 7.0,
	"risk_points": "70 (deny) encryption / 45 other protections",
}

deny contains finding(p, r, "GATE-INF-005",
	sprintf("%s turns off encryption; keep it on (or record an exception with an owner and an expiry)", [label(r)]),
	70, "encryption disabled") if {
	some p in input.infra.plans
	some r in p.resources
	"encryption" in r.disabled_protections
}

warn contains finding(p, r, "GATE-INF-005",
	sprintf("%s turns off %s; keep it on (or record an exception with an owner and an expiry)", [label(r), kind]),
	45, sprintf("%s disabled", [kind])) if {
	some p in input.infra.plans
	some r in p.resources
	some kind in r.disabled_protections
	kind in {"logging", "versioning", "backup", "deletion_protection"}
}
