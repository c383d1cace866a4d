package gate.dependencies_test

# GATE-DEP-006 (version_changes.rego).

test_major_bump_and_downgrade if {
	m := dep({"ecosystem": "npm", "manifest": "package.json", "name": "express", "change": "upgraded", "from": "^4.18.2", "to": "^5.0.0", "major_bump": true})
	some w in data.gate.dependencies.warn with input as i([m])
	w.rule == "GATE-DEP-006"
	contains(w.message, "major version bump ^4.18.2 -> ^5.0.0")
	d := dep({"change": "downgraded", "from": "==2.0", "to": "==1.0"})
	some v in data.gate.dependencies.warn with input as i([d])
	contains(v.message, "downgraded ==2.0 -> ==1.0; say why")
}

test_unpinned_requirement_warns if {
	u := dep({"to": ">=1.0", "pinned": false})
	ws := rule_findings("warn", "GATE-DEP-006", i([u]))
	count(ws) == 1
	contains(ws[0].message, "not pinned (>=1.0); pin")
}

test_group_bump_shares_one_budget_and_says_0x if {
	bumps := [dep({"ecosystem": "npm", "manifest": "package.json", "name": sprintf("p%d", [n]), "change": "upgraded", "from": "^0.3.0", "to": "^0.4.0", "major_bump": true, "bump": "minor_0x"}) | some n in numbers.range(1, 10)]
	ws := rule_findings("warn", "GATE-DEP-006", i(bumps))
	count(ws) == 10
	every w in ws {
		w.risk == 5
		contains(w.message, "0.x minor bump")
	}
}

test_locked_range_is_not_unpinned if {
	d := dep({"ecosystem": "npm", "manifest": "package.json", "to": "*", "pinned": false, "in_lockfile": true})
	count([w | some w in data.gate.dependencies.warn with input as i([d]); contains(w.message, "not pinned")]) == 0
}

test_transitive_bump_is_not_reported if {
	t := dep({"direct": false, "change": "upgraded", "from": "1.0.0", "to": "2.0.0", "major_bump": true})
	count(rule_findings("warn", "GATE-DEP-006", i([t]))) == 0
}

test_dev_dependency_bump_is_not_reported if {
	d := dep({"ecosystem": "npm", "manifest": "package.json", "name": "jsdom", "change": "upgraded", "from": "^29.1.1", "to": "^30.0.1", "major_bump": true, "dev": true})
	count(rule_findings("warn", "GATE-DEP-006", i([d]))) == 0
	r := dep({"ecosystem": "npm", "manifest": "package.json", "name": "express", "change": "upgraded", "from": "^4.18.2", "to": "^5.0.0", "major_bump": true})
	count(rule_findings("warn", "GATE-DEP-006", i([d, r]))) == 1
}

# A monorepo's own package bumped in a coordinated release is not a third-party risk; a
# third-party bump in the same change still is.
test_major_bumps_of_first_party_packages_are_not_reported if {
	own := dep({"ecosystem": "npm", "manifest": "packages/core/package.json", "name": "@acme/http", "change": "upgraded", "from": "^2.0.1", "to": "^3.0.0", "major_bump": true, "bump": "major", "first_party": true})
	ext := dep({"ecosystem": "npm", "manifest": "packages/glob/package.json", "name": "minimatch", "change": "upgraded", "from": "^3.0.4", "to": "^10.0.1", "major_bump": true, "bump": "major"})
	ws := rule_findings("warn", "GATE-DEP-006", i([own, ext]))
	count(ws) == 1
	contains(ws[0].message, "minimatch")
}

# One package moved the same way in three manifests (pip-compile's dev and docs sets, a
# monorepo's packages) is one finding at the first manifest, naming the others; the same
# package moved differently elsewhere is its own finding, and the shared budget counts moves.
test_one_move_in_several_manifests_is_one_finding if {
	a := dep({"ecosystem": "npm", "manifest": "packages/b/package.json", "line": 7, "name": "axios", "change": "upgraded", "from": "0.27.2", "to": "1.15.0", "major_bump": true})
	b := dep({"ecosystem": "npm", "manifest": "packages/a/package.json", "line": 9, "name": "axios", "change": "upgraded", "from": "0.27.2", "to": "1.15.0", "major_bump": true})
	c := dep({"ecosystem": "npm", "manifest": "packages/c/package.json", "line": 3, "name": "axios", "change": "upgraded", "from": "0.27.2", "to": "1.15.0", "major_bump": true})
	o := dep({"ecosystem": "npm", "manifest": "packages/d/package.json", "line": 3, "name": "axios", "change": "upgraded", "from": "0.23.0", "to": "1.15.0", "major_bump": true})
	ws := rule_findings("warn", "GATE-DEP-006", i([a, b, c, o]))
	count(ws) == 2
	some w in ws
	w.path == "packages/a/package.json"
	contains(w.message, "0.27.2 -> 1.15.0 (also in packages/b/package.json, packages/c/package.json); read")
	every x in ws {
		x.risk == 15
	}
	x := dep({"manifest": "requirements/dev.txt", "line": 4, "name": "sphinx", "change": "downgraded", "from": "==8.0.2", "to": "==7.1.2"})
	y := dep({"manifest": "requirements/docs.txt", "line": 2, "name": "sphinx", "change": "downgraded", "from": "==8.0.2", "to": "==7.1.2"})
	ds := rule_findings("warn", "GATE-DEP-006", i([x, y]))
	count(ds) == 1
	contains(ds[0].message, "downgraded ==8.0.2 -> ==7.1.2 (also in requirements/docs.txt); say why")
}

test_unpinned_dev_dependency_is_not_reported if {
	u := dep({"ecosystem": "pypi", "manifest": "pyproject.toml", "name": "pyright", "to": "", "pinned": false, "dev": true})
	count([w | some w in data.gate.dependencies.warn with input as i([u]); contains(w.message, "not pinned")]) == 0
	p := object.union(u, {"dev": false})
	count([w | some w in data.gate.dependencies.warn with input as i([p]); contains(w.message, "not pinned (no version)")]) == 1
}

test_an_examples_versions_are_not_reported if {
	# flask 22c48a738b: examples/celery/pyproject.toml drops its lower bounds.
	u := dep({"ecosystem": "pypi", "manifest": "examples/celery/pyproject.toml", "name": "celery", "to": "", "pinned": false, "sample": true})
	count(rule_findings("warn", "GATE-DEP-006", i([u]))) == 0
	m := object.union(u, {"change": "upgraded", "from": "^4", "to": "^5", "major_bump": true, "bump": "major"})
	count(rule_findings("warn", "GATE-DEP-006", i([m]))) == 0
	d := object.union(u, {"change": "downgraded", "from": "==2.0", "to": "==1.0"})
	count(rule_findings("warn", "GATE-DEP-006", i([d]))) == 0
	shipped := object.union(u, {"manifest": "pyproject.toml", "sample": false})
	count(rule_findings("warn", "GATE-DEP-006", i([shipped]))) == 1
}
