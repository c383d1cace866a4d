package gate.dependencies_test

# GATE-DEP-001 (new_dependency.rego).

test_new_direct_dependency_is_a_note_that_says_what_to_check if {
	d := dep({"ecosystem": "npm", "manifest": "package.json", "name": "left-pad", "to": "^1.3.0"})
	notes := rule_findings("info", "GATE-DEP-001", i([d]))
	count(notes) == 1
	notes[0].risk == 5
	contains(notes[0].message, "new npm dependency left-pad ^1.3.0: confirm")
	count(rule_findings("warn", "GATE-DEP-001", i([d]))) == 0
}

test_new_dependency_warns_in_an_ai_authored_change_under_strict if {
	d := dep({"name": "httpx", "to": "==0.27.0"})
	# Only when policies/ai/strict.rego lists the rule.
	count(rule_findings("warn", "GATE-DEP-001", ai([d]))) == 0 with data.gate.config.ai.strict as true
	ws := rule_findings("warn", "GATE-DEP-001", ai([d])) with data.gate.config.ai.strict as true with data.gate.ai.strict_rules as {"GATE-DEP-001": "test"}
	count(ws) == 1
	ws[0].risk == 20
	# Without the strict profile the same change is a note.
	count(rule_findings("info", "GATE-DEP-001", ai([d]))) == 1 with data.gate.config.ai.strict as false
}

test_transitive_upgraded_and_whole_tree_dependencies_are_not_new if {
	t := dep({"direct": false})
	u := dep({"change": "upgraded", "from": "==0.9"})
	count(rule_findings("info", "GATE-DEP-001", i([t, u]))) == 0
	whole := object.union(i([dep({})]), {"change": {"mode": "all"}})
	count(rule_findings("info", "GATE-DEP-001", whole)) == 0
}

# npm `overrides` / yarn `resolutions` entries force a version on the tree: no new dependency,
# unless the override swaps in another package that the lockfile shows in use.
test_overrides_are_not_new_dependencies_but_a_swapped_package_is_noted if {
	semver := dep({"ecosystem": "npm", "manifest": "package.json", "name": "semver", "to": "^7.6.0", "forced": true, "in_lockfile": true})
	alias := dep({"ecosystem": "npm", "manifest": "package.json", "name": "uri-js", "to": "^1.0.1", "package": "uri-js-replace", "forced": true, "in_lockfile": true})
	absent := dep({"ecosystem": "npm", "manifest": "packages/a/package.json", "name": "uri-js", "to": "^1.0.1", "package": "uri-js-replace", "forced": true, "in_lockfile": false})
	notes := rule_findings("info", "GATE-DEP-001", i([semver, alias, absent]))
	count(notes) == 1
	contains(notes[0].message, "npm override replaces uri-js with uri-js-replace ^1.0.1 across the dependency tree")
	notes[0].path == "package.json"
}

test_packages_of_the_same_repository_are_not_new_dependencies if {
	own := dep({"ecosystem": "npm", "manifest": "packages/a/package.json", "name": "@acme/b", "to": "^1.0.0", "first_party": true})
	count(rule_findings("info", "GATE-DEP-001", i([own]))) == 0
}
