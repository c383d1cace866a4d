package gate.dependencies_test

# GATE-DEP-005 (non_registry_source.rego).

test_unpinned_git_source_warns_higher_than_a_pinned_one if {
	g := dep({"source": "git", "to": "git+https://github.com/x/y", "pinned": false})
	ws := rule_findings("warn", "GATE-DEP-005", i([g]))
	count(ws) == 1
	ws[0].risk == 40
	contains(ws[0].message, "not pinned to a commit")
	p := dep({"source": "git", "to": "git+https://github.com/x/y@0123456789abcdef0123456789abcdef01234567", "pinned": true})
	ps := rule_findings("warn", "GATE-DEP-005", i([p]))
	ps[0].risk == 25
}

test_path_and_registry_sources_are_not_reported if {
	local := dep({"source": "path", "to": "../lib"})
	count(rule_findings("warn", "GATE-DEP-005", i([local, dep({})]))) == 0
}
