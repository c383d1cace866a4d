package gate.infra

# GATE-INF-010: a data store replaced across engines or key schemas. A final snapshot or a
# backup restores into the same engine family and the same key schema only: the replacement
# starts empty whatever the mitigation says.

rules["GATE-INF-010"] := {
	"name": "Data store replaced across engines",
	"summary": "A database or table is replaced with another engine or key schema: its snapshot cannot bring the data back.",
	"help": concat("\n", [
		"**What it finds:** a stateful resource replaced while its engine family changes (MySQL/MariaDB to PostgreSQL, Redis to Memcached, Oracle to SQL Server ...) or its key schema changes (DynamoDB `hash_key`, `range_key`, `KeySchema`, local secondary indexes).",
		"",
		"**Why it matters:** `final_snapshot_identifier`, `DeletionPolicy: Snapshot` and backups restore into the same engine and key layout only. A MySQL snapshot cannot be restored into PostgreSQL: the new database starts empty and the old one is gone, even though the plan says a snapshot is taken.",
		"",
		"**Example:** `engine = \"mysql\"` -> `engine = \"postgres\"` on an `aws_db_instance` plans `[\"delete\", \"create\"]` with `replace_paths: [[\"engine\"]]`.",
		"",
		"**How to fix:** create the new data store beside the old one (a new resource), migrate the data (AWS DMS, pg_loader, a dump and restore, a table export/import), switch the clients over, and only then remove the old one.",
	]),
	"tags": ["infrastructure", "blast-radius", "data-loss"],
	"security_severity": 9.0,
	"risk_points": "90 (deny)",
}

deny contains finding(p, r, "GATE-INF-010",
	sprintf("%s %s would be replaced with %s: a backup or final snapshot cannot be restored across that, so its data is lost%s. Create the new one beside it, migrate the data, then remove the old one", [r.category, label(r), r.data_migration, mitigation_note(r)]),
	90, "data store replaced across engines or key schemas") if {
	some p in input.infra.plans
	some r in p.resources
	r.data_migration != null
	destroys(r)
}

mitigation_note(r) := sprintf(" even with %s", [concat(", ", r.mitigations)]) if {
	count(r.mitigations) > 0
} else := ""
