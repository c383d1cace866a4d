package gate.blast_radius

# GATE-BLA-005: migrations and SQL files that drop or truncate data.

rules["GATE-BLA-005"] := {
	"name": "Destructive migration",
	"summary": "A migration drops a table, database, schema or column, or truncates or empties a table.",
	"help": concat("\n", [
		"**What it finds:** added lines in migrations (`migrations/`, `db/migrate/`, `alembic/versions/`) and `.sql` files with `DROP TABLE`, `DROP DATABASE`, `DROP SCHEMA`, `TRUNCATE`, `DELETE FROM` without `WHERE`, or `DROP COLUMN` (and the Alembic, Django and Rails equivalents).",
		"",
		"**Why it matters:** a migration runs once, everywhere, and a dropped table does not come back; old code still running during a deploy breaks on a dropped column.",
		"",
		"**How to fix:** use expand/contract: stop using the column or table first, back it up, drop it in a later release.",
	]),
	"tags": ["blast-radius", "data-loss", "database"],
	"security_severity": 7.5,
}

deny contains {
	"rule": "GATE-BLA-005",
	"message": sprintf("destructive migration: %s", [s.kind]),
	"path": f.path,
	"line": s.line,
	"risk": 75,
	"risk_reason": "irreversible data loss in a migration",
} if {
	some f in input.change.files
	some s in f.destructive_statements
	s.kind != "DROP COLUMN"
}

warn contains {
	"rule": "GATE-BLA-005",
	"message": "destructive migration: DROP COLUMN (deploy the code that stops using it first)",
	"path": f.path,
	"line": s.line,
	"risk": 50,
	"risk_reason": "column dropped in a migration",
} if {
	some f in input.change.files
	some s in f.destructive_statements
	s.kind == "DROP COLUMN"
}
