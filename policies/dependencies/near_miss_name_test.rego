package gate.dependencies_test

# GATE-DEP-003 (near_miss_name.rego).

test_typo_of_popular_package_is_denied_at_its_line if {
	d := dep({"name": "reqeusts", "to": "==2.31.0", "similar_to": [{"name": "requests", "kind": "typo", "ecosystem": "pypi"}]})
	some f in data.gate.dependencies.deny with input as i([d])
	f.rule == "GATE-DEP-003"
	f.path == "requirements.txt"
	f.line == 3
	contains(f.message, "likely typo of requests; use the exact name")
}

test_other_ecosystem_name_warns if {
	d := dep({"name": "express", "similar_to": [{"name": "express", "kind": "other_ecosystem", "ecosystem": "npm"}]})
	count(data.gate.dependencies.deny) == 0 with input as i([d])
	ws := rule_findings("warn", "GATE-DEP-003", i([d]))
	count(ws) == 1
	contains(ws[0].message, "a popular npm package")
}

test_alias_shows_the_package_installed if {
	d := dep({"ecosystem": "npm", "manifest": "package.json", "name": "lodash", "package": "lodahs", "similar_to": [{"name": "lodash", "kind": "typo", "ecosystem": "npm"}]})
	fs := rule_findings("deny", "GATE-DEP-003", i([d]))
	contains(fs[0].message, "lodahs (as lodash)")
}

test_existing_dependency_without_near_miss_is_quiet if {
	d := dep({"name": "requests", "change": "upgraded", "similar_to": [{"name": "requests2", "kind": "typo", "ecosystem": "pypi"}]})
	count(rule_findings("deny", "GATE-DEP-003", i([d, dep({})]))) == 0
}
