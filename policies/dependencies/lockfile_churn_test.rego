package gate.dependencies_test

# GATE-DEP-008 (lockfile_churn.rego).

lock(changed) := {"path": "Cargo.lock", "ecosystem": "cargo", "manifest_changed": changed, "added": 2, "removed": 0, "changed": 5}

test_lockfile_churn_without_manifest_warns if {
	x := {"dependencies": [], "provenance": {"ai_generated": false}, "lockfiles": [lock(false)]}
	ws := rule_findings("warn", "GATE-DEP-008", x)
	count(ws) == 1
	ws[0].path == "Cargo.lock"
	contains(ws[0].message, "Cargo.lock changed (+2 -0 packages, 5 versions moved) but its manifest did not; say why")
}

test_lockfile_with_its_manifest_is_quiet if {
	x := {"dependencies": [], "provenance": {"ai_generated": false}, "lockfiles": [lock(true)]}
	count(rule_findings("warn", "GATE-DEP-008", x)) == 0
}
