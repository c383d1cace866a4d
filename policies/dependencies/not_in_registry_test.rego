package gate.dependencies_test

# GATE-DEP-004 (not_in_registry.rego).

test_nonexistent_package_is_denied if {
	n := dep({"name": "fastapi-turbo-helpers", "exists_in_registry": false})
	fs := rule_findings("deny", "GATE-DEP-004", i([n]))
	count(fs) == 1
	fs[0].risk == 80
	contains(fs[0].message, "find the real package name")
}

test_unknown_or_non_registry_is_not_judged if {
	unknown := dep({"exists_in_registry": null})
	git := dep({"source": "git", "exists_in_registry": false})
	count(rule_findings("deny", "GATE-DEP-004", i([unknown, git]))) == 0
}
