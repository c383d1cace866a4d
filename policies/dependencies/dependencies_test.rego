package gate.dependencies_test

dep(over) := object.union({"ecosystem": "pypi", "manifest": "requirements.txt", "line": 3, "name": "x",
	"change": "added", "from": null, "to": "==1.0", "major_bump": false, "direct": true, "source": "registry",
	"pinned": true, "in_lockfile": null, "lockfile_changed": false, "install_scripts": null, "dev": false,
	"similar_to": [], "exists_in_registry": null}, over)

i(deps) := {"dependencies": deps, "lockfiles": [], "provenance": {"ai_generated": false}}

ai(deps) := {"dependencies": deps, "lockfiles": [], "provenance": {"ai_generated": true}}

test_typo_of_popular_package_is_denied_at_its_line if {
	d := dep({"name": "reqeusts", "to": "==2.31.0", "similar_to": [{"name": "requests", "kind": "typo", "ecosystem": "pypi"}]})
	some f in data.gate.dependencies.deny with input as i([d])
	f.rule == "GATE-DEP-003"
	f.path == "requirements.txt"
	f.line == 3
	contains(f.message, "likely typo of requests")
}

test_other_ecosystem_name_warns if {
	d := dep({"name": "express", "similar_to": [{"name": "express", "kind": "other_ecosystem", "ecosystem": "npm"}]})
	count(data.gate.dependencies.deny) == 0 with input as i([d])
	some w in data.gate.dependencies.warn with input as i([d])
	w.rule == "GATE-DEP-003"
}

test_missing_from_lockfile_warns_and_denies_for_ai if {
	d := dep({"ecosystem": "npm", "manifest": "package.json", "name": "left-pad", "to": "^1.3.0", "pinned": false, "in_lockfile": false})
	some w in data.gate.dependencies.warn with input as i([d]) with data.gate.config.ai.strict as true
	w.rule == "GATE-DEP-002"
	some x in data.gate.dependencies.deny with input as ai([d]) with data.gate.config.ai.strict as true
	x.rule == "GATE-DEP-002"
}

test_major_bump_and_downgrade if {
	m := dep({"ecosystem": "npm", "manifest": "package.json", "name": "express", "change": "upgraded", "from": "^4.18.2", "to": "^5.0.0", "major_bump": true})
	some w in data.gate.dependencies.warn with input as i([m])
	w.rule == "GATE-DEP-006"
	contains(w.message, "major version bump ^4.18.2 -> ^5.0.0")
	d := dep({"change": "downgraded", "from": "==2.0", "to": "==1.0"})
	some v in data.gate.dependencies.warn with input as i([d])
	contains(v.message, "downgraded")
}

test_unpinned_requirement_and_git_source if {
	u := dep({"to": ">=1.0", "pinned": false})
	some w in data.gate.dependencies.warn with input as i([u])
	contains(w.message, "not pinned")
	g := dep({"source": "git", "to": "git+https://github.com/x/y", "pinned": false})
	some v in data.gate.dependencies.warn with input as i([g])
	v.rule == "GATE-DEP-005"
	v.risk == 40
}

test_nonexistent_package_and_install_scripts if {
	n := dep({"name": "fastapi-turbo-helpers", "exists_in_registry": false})
	some d in data.gate.dependencies.deny with input as i([n])
	d.rule == "GATE-DEP-004"
	s := dep({"ecosystem": "npm", "name": "esbuild", "install_scripts": true})
	some w in data.gate.dependencies.warn with input as i([s])
	w.rule == "GATE-DEP-007"
}

test_lockfile_churn if {
	x := {"dependencies": [], "provenance": {"ai_generated": false}, "lockfiles": [{"path": "Cargo.lock", "ecosystem": "cargo", "manifest_changed": false, "added": 2, "removed": 0, "changed": 5}]}
	some w in data.gate.dependencies.warn with input as x
	w.rule == "GATE-DEP-008"
}
