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

test_dependencies_unresolved_for_one_reason_are_one_note if {
	why := "the version is managed by the parent org.springframework.boot:spring-boot-starter-parent:4.0.3"
	ds := [dep({"ecosystem": "maven", "manifest": "pom.xml", "name": sprintf("org.springframework.boot:starter-%d", [n]), "line": 40 + n, "change": "constraint_changed", "unresolved": why}) | some n in numbers.range(1, 5)]
	other := dep({"ecosystem": "maven", "manifest": "pom.xml", "name": "org.apache.logging.log4j:log4j-core", "line": 90, "to": "${log4j2.version}", "unresolved": "property log4j2.version is not defined in this pom"})
	ns := rule_findings("info", "GATE-DEP-012", i(array.concat(ds, [other])))
	count(ns) == 2
	some n in ns
	startswith(n.message, "5 maven dependencies: version not resolved (the version is managed by the parent")
	contains(n.message, "org.springframework.boot:starter-1, org.springframework.boot:starter-2, org.springframework.boot:starter-3 +2 more")
	n.line == 41
	some m in ns
	contains(m.message, "org.apache.logging.log4j:log4j-core: version not resolved (property log4j2.version")
}
