package gate.dependencies_test

# GATE-DEP-002 (missing_from_lockfile.rego).

test_missing_from_lockfile_warns_and_denies_for_ai if {
	d := dep({"ecosystem": "npm", "manifest": "package.json", "name": "left-pad", "to": "^1.3.0", "pinned": false, "in_lockfile": false})
	ws := rule_findings("warn", "GATE-DEP-002", i([d])) with data.gate.config.ai.strict as true
	count(ws) == 1
	contains(ws[0].message, "(the lockfile was not updated); run the package manager's install")
	# Not listed in policies/ai/strict.rego (a go.mod `replace` was a wrong DEP-002): the strict
	# profile keeps it a warning; listed with a replayed precision, it would deny.
	count(rule_findings("deny", "GATE-DEP-002", ai([d]))) == 0 with data.gate.config.ai.strict as true
	count(rule_findings("warn", "GATE-DEP-002", ai([d]))) == 1 with data.gate.config.ai.strict as true
	xs := rule_findings("deny", "GATE-DEP-002", ai([d])) with data.gate.config.ai.strict as true with data.gate.ai.strict_rules as {"GATE-DEP-002": "test"}
	count(xs) == 1
	contains(xs[0].message, "strict profile")
}

# A dependency the lockfile has (`in_lockfile` true), or one with no lockfile to compare
# (`null`: a go.mod `replace` whose go.sum lists the replacement is resolved as present by the
# parser), is never reported, strict profile or not.
test_locked_or_lockless_dependencies_are_not_missing if {
	locked := dep({"ecosystem": "go", "manifest": "go.mod", "name": "github.com/me/lib", "in_lockfile": true})
	none := dep({"in_lockfile": null})
	count(rule_findings("warn", "GATE-DEP-002", i([locked, none]))) == 0
	count(rule_findings("deny", "GATE-DEP-002", ai([locked, none]))) == 0 with data.gate.config.ai.strict as true
}

# npm writes no lockfile entry for an override of a package outside the tree.
test_overrides_are_not_missing_from_the_lockfile if {
	o := dep({"ecosystem": "npm", "manifest": "packages/a/package.json", "name": "uri-js", "to": "^1.0.1", "forced": true, "in_lockfile": false})
	count(rule_findings("warn", "GATE-DEP-002", i([o]))) == 0
}
