package gate.dependencies_test

# GATE-DEP-007 (install_scripts.rego).

test_new_package_with_install_scripts_warns if {
	s := dep({"ecosystem": "npm", "manifest": "package-lock.json", "name": "esbuild", "direct": false, "install_scripts": true})
	ws := rule_findings("warn", "GATE-DEP-007", i([s]))
	count(ws) == 1
	contains(ws[0].message, "esbuild (transitive) runs install scripts; confirm")
}

test_known_package_or_no_scripts_is_quiet if {
	old := dep({"ecosystem": "npm", "name": "esbuild", "change": "upgraded", "install_scripts": true})
	none := dep({"ecosystem": "npm", "name": "chalk", "install_scripts": false})
	count(rule_findings("warn", "GATE-DEP-007", i([old, none]))) == 0
}
