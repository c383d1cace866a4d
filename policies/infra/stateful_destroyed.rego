package gate.infra

# GATE-INF-001: a stateful resource (database, bucket, volume, key, zone, queue) deleted or
# replaced. Unmitigated, it blocks; with deletion protection, a final snapshot or a
# Retain/Snapshot policy it warns.

rules["GATE-INF-001"] := {
	"name": "Stateful resource destroyed",
	"summary": "The plan deletes or replaces a resource that holds data.",
	"help": concat("\n", [
		"**What it finds:** a database, bucket, volume, KMS key, DNS zone, queue or other stateful resource whose planned actions include `delete` (a deletion or a replacement).",
		"",
		"**Why it matters:** a replacement of a database is a deletion followed by an empty new one; a one-word change (an identifier, an engine, a name) can cause it. The data does not come back.",
		"",
		"**Example:** changing `identifier` of an `aws_db_instance` plans `[\"delete\", \"create\"]`.",
		"",
		"**How to fix:** avoid the replacing attribute change, or move the state (`moved`, `import`). Protect what must never go: `deletion_protection`, `prevent_destroy`, a final snapshot, `DeletionPolicy: Retain|Snapshot`, Pulumi `protect`/`retainOnDelete`. With such a mitigation the finding is a warning.",
	]),
	"tags": ["infrastructure", "blast-radius", "data-loss"],
	"security_severity": 9.0,
	"risk_points": "90 critical / 75 high / 50 medium / 30 low (deny); 40 when mitigated",
}

deny contains finding(p, r, "GATE-INF-001",
	sprintf("%s %s would be %s and its data lost%s; %s", [r.category, label(r), verb(r), reason_note(r), keep_note(r)]),
	crit_risk[r.criticality], sprintf("%s stateful %s resource %s without mitigation", [r.criticality, r.category, verb(r)])) if {
	some p in input.infra.plans
	some r in p.resources
	r.stateful
	destroys(r)
	count(r.mitigations) == 0
}

warn contains finding(p, r, "GATE-INF-001",
	sprintf("%s %s would be %s (mitigated by %s)%s; make sure the snapshot or retained copy restores before applying", [r.category, label(r), verb(r), concat(", ", r.mitigations), reason_note(r)]),
	40, "stateful resource destroyed, mitigated") if {
	some p in input.infra.plans
	some r in p.resources
	r.stateful
	destroys(r)
	count(r.mitigations) > 0
	# Across engines or key schemas the mitigation does not bring the data back: GATE-INF-010.
	object.get(r, "data_migration", null) == null
}

reason_note(r) := sprintf("; replacement forced by %s", [concat(", ", r.replace_reasons)]) if {
	count(r.replace_reasons) > 0
} else := ""

keep_note(r) := "avoid the change that forces the replacement (or move the state with `moved`), or protect the data first (deletion protection, a final snapshot, prevent_destroy)" if {
	r.replace
} else := "keep the data out of the deletion (Terraform `removed { lifecycle { destroy = false } }`, CloudFormation `DeletionPolicy: Retain`, Pulumi `retainOnDelete`), or snapshot it first"
