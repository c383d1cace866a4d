package gate.blast_radius_test

# GATE-BLA-005 (destructive_migration.rego).

test_destructive_migration if {
	f := file({"path": "db/migrations/002.sql", "role": "migration", "destructive_statements": [{"line": 4, "kind": "DROP TABLE"}, {"line": 9, "kind": "DROP COLUMN"}]})
	some d in data.gate.blast_radius.deny with input as change([f], small)
	d.rule == "GATE-BLA-005"
	d.line == 4
	some w in data.gate.blast_radius.warn with input as change([f], small)
	w.line == 9
}

# The drop in an Alembic downgrade() runs only when the migration is undone.
test_rollback_statements_are_not_findings if {
	f := file({"path": "alembic/versions/1_add.py", "role": "migration", "destructive_statements": [
		{"line": 12, "kind": "DROP COLUMN", "rollback": true},
		{"line": 14, "kind": "DROP TABLE", "rollback": true},
	]})
	count([x | some x in data.gate.blast_radius.deny with input as change([f], small); x.rule == "GATE-BLA-005"]) == 0
	count([x | some x in data.gate.blast_radius.warn with input as change([f], small); x.rule == "GATE-BLA-005"]) == 0
	g := file({"path": "alembic/versions/2_drop.py", "role": "migration", "destructive_statements": [
		{"line": 6, "kind": "DROP TABLE", "rollback": false},
		{"line": 14, "kind": "DROP TABLE", "rollback": true},
	]})
	ds := [x | some x in data.gate.blast_radius.deny with input as change([g], small); x.rule == "GATE-BLA-005"]
	count(ds) == 1
	ds[0].line == 6
	contains(ds[0].message, "gate:allow GATE-BLA-005")
	contains(ds[0].message, "gate explain GATE-BLA-005")
}

# vaultwarden 38a6850b8d0a: `DROP TABLE IF EXISTS archives;` then `CREATE TABLE archives` in the
# up.sql that adds the table; the same statements on a table the base has still deny.
test_recreating_a_new_table_is_not_a_finding if {
	f := file({"path": "migrations/mysql/2026-03-09_add_archives/up.sql", "role": "migration", "destructive_statements": [
		{"line": 1, "kind": "DROP TABLE", "rollback": false, "new_table": true},
	]})
	count([x | some x in data.gate.blast_radius.deny with input as change([f], small); x.rule == "GATE-BLA-005"]) == 0
	g := file({"path": "migrations/mysql/2026-03-09_redo_users/up.sql", "role": "migration", "destructive_statements": [
		{"line": 1, "kind": "DROP TABLE", "rollback": false, "new_table": false},
	]})
	count([x | some x in data.gate.blast_radius.deny with input as change([g], small); x.rule == "GATE-BLA-005"]) == 1
}
