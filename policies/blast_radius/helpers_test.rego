package gate.blast_radius_test

# Inputs shared by the blast-radius rules' tests.

cfg := {"infra": {"mass_change": 50, "mass_delete": 10}}

summary(c, u, d, r) := {"infra": {"plans": [{"path": "p.json", "resources": [], "summary": {"create": c, "update": u, "delete": d, "replace": r}}]},
	"change": {"mode": "diff", "files": [], "stats": {"files": 0, "directories": 0, "top_level": 0}}}

change(files, stats) := {"infra": {"plans": []}, "change": {"mode": "diff", "files": files, "stats": stats}}

file(over) := object.union({"path": "src/a.py", "role": null, "is_critical": false, "additions": 1, "deletions": 0,
	"hunks": [{"new_start": 3}], "destructive_statements": []}, over)

small := {"files": 1, "directories": 1, "top_level": 1}
