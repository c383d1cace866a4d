package gate.dependencies_test

# GATE-DEP-008 (lockfile_churn.rego).

lock(changed) := {"path": "Cargo.lock", "ecosystem": "cargo", "manifest_changed": changed, "added": 2, "removed": 0, "changed": 5, "added_names": ["windows-link", "zerocopy"]}

test_lockfile_churn_without_manifest_warns if {
	x := {"dependencies": [], "provenance": {"ai_generated": false}, "lockfiles": [lock(false)]}
	ws := rule_findings("warn", "GATE-DEP-008", x)
	count(ws) == 1
	ws[0].path == "Cargo.lock"
	contains(ws[0].message, "Cargo.lock brings in 2 packages no manifest change asks for: windows-link, zerocopy (0 removed, 5 versions moved): check where each comes from")
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

test_lockfile_churn_only_removing_packages_is_quiet if {
	# ripgrep 62e676843af3 `deps: update everything`: one package fewer, five versions moved.
	l := object.union(lock(false), {"added": 0, "removed": 3, "changed": 5, "added_names": []})
	x := {"dependencies": [], "provenance": {"ai_generated": false}, "lockfiles": [l]}
	count(rule_findings("warn", "GATE-DEP-008", x)) == 0
}

test_many_added_packages_are_named_up_to_five if {
	names := [sprintf("crate-%d", [n]) | some n in numbers.range(1, 20)]
	l := object.union(lock(false), {"added": 20, "removed": 10, "changed": 28, "added_names": names})
	x := {"dependencies": [], "provenance": {"ai_generated": false}, "lockfiles": [l]}
	ws := rule_findings("warn", "GATE-DEP-008", x)
	count(ws) == 1
	contains(ws[0].message, "brings in 20 packages no manifest change asks for: crate-1, crate-2, crate-3, crate-4, crate-5 +15 more (10 removed, 28 versions moved)")
}

test_facts_without_added_names_still_warn if {
	l := object.remove(lock(false), ["added_names"])
	x := {"dependencies": [], "provenance": {"ai_generated": false}, "lockfiles": [l]}
	ws := rule_findings("warn", "GATE-DEP-008", x)
	count(ws) == 1
	contains(ws[0].message, "Cargo.lock brings in 2 packages no manifest change asks for (0 removed, 5 versions moved)")
}
