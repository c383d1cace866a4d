package gate.dependencies_test

# GATE-DEP-012 (unresolved_version.rego).

test_unresolved_version_is_a_note_that_says_what_to_check if {
	d := dep({"ecosystem": "maven", "manifest": "pom.xml", "name": "org.apache.logging.log4j:log4j-core", "to": "${log4j2.version}", "unresolved": "property log4j2.version is not defined in this pom"})
	ns := rule_findings("info", "GATE-DEP-012", i([d]))
	count(ns) == 1
	contains(ns[0].message, "version not resolved (property log4j2.version is not defined in this pom)")
	contains(ns[0].message, "declare it in this manifest")
}

test_resolved_or_removed_dependency_is_quiet if {
	ok := dep({"ecosystem": "maven", "manifest": "pom.xml", "name": "g:a"})
	gone := dep({"ecosystem": "maven", "manifest": "pom.xml", "name": "g:b", "change": "removed", "unresolved": "managed by the parent"})
	count(rule_findings("info", "GATE-DEP-012", i([ok, gone]))) == 0
}
