package gate.blast_radius_test

cfg := {"infra": {"mass_change": 50, "mass_delete": 10}}

summary(c, u, d, r) := {"infra": {"plans": [{"path": "p.json", "resources": [], "summary": {"create": c, "update": u, "delete": d, "replace": r}}]},
	"change": {"mode": "diff", "files": [], "stats": {"files": 0, "directories": 0, "top_level": 0}}}

test_mass_deletion_denied_mass_change_warned if {
	some d in data.gate.blast_radius.deny with input as summary(0, 0, 8, 2) with data.gate.config as cfg
	d.rule == "GATE-BLA-001"
	count(data.gate.blast_radius.deny) == 0 with input as summary(40, 20, 1, 0) with data.gate.config as cfg
	some w in data.gate.blast_radius.warn with input as summary(40, 20, 1, 0) with data.gate.config as cfg
	w.rule == "GATE-BLA-001"
	count(data.gate.blast_radius.warn) == 0 with input as summary(3, 2, 1, 0) with data.gate.config as cfg
}

change(files, stats) := {"infra": {"plans": []}, "change": {"mode": "diff", "files": files, "stats": stats}}

file(over) := object.union({"path": "src/a.py", "role": null, "is_critical": false, "additions": 1, "deletions": 0,
	"hunks": [{"new_start": 3}], "destructive_statements": []}, over)

small := {"files": 1, "directories": 1, "top_level": 1}

test_broad_change_warns if {
	some w in data.gate.blast_radius.warn with input as change([], {"files": 120, "directories": 30, "top_level": 7})
	w.rule == "GATE-BLA-002"
	w.risk == 37
	count(data.gate.blast_radius.warn) == 0 with input as change([file({})], small)
}

test_critical_path_and_ci_changes_warn if {
	some w in data.gate.blast_radius.warn with input as change([file({"is_critical": true})], small)
	w.rule == "GATE-BLA-003"
	w.line == 3
	some v in data.gate.blast_radius.warn with input as change([file({"path": ".github/workflows/ci.yml", "role": "ci_workflow"})], small)
	v.rule == "GATE-BLA-004"
}

test_destructive_migration if {
	f := file({"path": "db/migrations/002.sql", "role": "migration", "destructive_statements": [{"line": 4, "kind": "DROP TABLE"}, {"line": 9, "kind": "DROP COLUMN"}]})
	some d in data.gate.blast_radius.deny with input as change([f], small)
	d.rule == "GATE-BLA-005"
	d.line == 4
	some w in data.gate.blast_radius.warn with input as change([f], small)
	w.line == 9
}
