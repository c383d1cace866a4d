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

test_lockfile_refresh_within_ranges_is_quiet if {
	# Renovate's lock maintenance: 12 versions moved, no package added or removed.
	l := object.union(lock(false), {"added": 0, "removed": 0, "changed": 12})
	x := {"dependencies": [], "provenance": {"ai_generated": false}, "lockfiles": [l]}
	count(rule_findings("warn", "GATE-DEP-008", x)) == 0
}

test_lockfile_churn_removing_packages_warns if {
	l := object.union(lock(false), {"added": 0, "removed": 3, "changed": 0})
	x := {"dependencies": [], "provenance": {"ai_generated": false}, "lockfiles": [l]}
	count(rule_findings("warn", "GATE-DEP-008", x)) == 1
}
