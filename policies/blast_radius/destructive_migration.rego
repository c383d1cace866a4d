package gate.blast_radius

# GATE-BLA-005: migrations and SQL files that drop or truncate data. Statements in a
# migration's rollback section (`def downgrade`, `def down`, `exports.down`, `-- +goose Down`,
# a `*.down.sql` file) run only when the migration is undone, and are not findings. Nor is
# `DROP TABLE IF EXISTS t` followed by `CREATE TABLE t` in the migration that adds `t`: the
# facts mark it `new_table` when the base revision names `t` in no migration, SQL or schema
# file (a table that exists in the base, dropped and recreated, still denies).

rules["GATE-BLA-005"] := {
	"name": "Destructive migration",
	"summary": "A migration drops a table, database, schema or column, or truncates or empties a table.",
	"help": concat("\n", [
		"**What it finds:** added lines in migrations (`migrations/`, `db/migrate/`, `alembic/versions/`) and `.sql` files with `DROP TABLE`, `DROP DATABASE`, `DROP SCHEMA`, `TRUNCATE`, `DELETE FROM` without `WHERE`, or `DROP COLUMN` (and the Alembic, Django and Rails equivalents). Statements in a rollback section (`def downgrade()`, `def down`, `exports.down`, `-- +goose Down`, `-- migrate:down`, a `*.down.sql` file) are left out: they run only when the migration is undone. A `DROP TABLE IF EXISTS t` followed by `CREATE TABLE t` in the migration that adds `t` (the base revision names `t` in no migration, SQL or schema file) drops nothing and is not reported either.",
		"",
		"**Why it matters:** a migration runs once, everywhere, and a dropped table does not come back; old code still running during a deploy breaks on a dropped column.",
		"",
		"**Example:** `op.drop_table(\"invoices\")` in the `upgrade()` of an Alembic migration, or `ALTER TABLE users DROP COLUMN email;` in a release that still reads `email`.",
		"",
		"**How to fix:** use expand/contract: stop using the column or table first, back it up, drop it in a later release. When the drop is intended and reviewed (the data is backed up or was never used), add `gate:allow GATE-BLA-005 <reason>` in a comment on the line, or an exception in `.gate-exceptions.yaml`.",
	]),
	"tags": ["blast-radius", "data-loss", "database"],
	"security_severity": 7.5,
	"risk_points": "75 (deny) / 50 DROP COLUMN",
}

deny contains {
	"rule": "GATE-BLA-005",
	"message": sprintf("destructive migration: %s; data dropped here does not come back: back it up and drop it in a later release, or allow it with gate:allow GATE-BLA-005 <reason> (gate explain GATE-BLA-005)", [s.kind]),
	"path": f.path,
	"line": s.line,
	"risk": 75,
	"risk_reason": "irreversible data loss in a migration",
} if {
	some f in input.change.files
	some s in f.destructive_statements
	not s.rollback
	not s.new_table
	s.kind != "DROP COLUMN"
}

warn contains {
	"rule": "GATE-BLA-005",
	"message": "destructive migration: DROP COLUMN; deploy the code that stops using the column first, or allow it with gate:allow GATE-BLA-005 <reason> (gate explain GATE-BLA-005)",
	"path": f.path,
	"line": s.line,
	"risk": 50,
	"risk_reason": "column dropped in a migration",
} if {
	some f in input.change.files
	some s in f.destructive_statements
	not s.rollback
	not s.new_table
	s.kind == "DROP COLUMN"
}
