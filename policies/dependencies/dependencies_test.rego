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

adv(over) := object.union({"ecosystem": "pypi", "name": "requests", "version": "2.30.0", "from": null,
	"manifest": "requirements.txt", "line": 2, "direct": true, "dev": false, "kind": "vulnerable",
	"id": "PYSEC-2023-74", "aliases": ["GHSA-j8r2-6x86-q33q", "CVE-2023-32681"], "summary": "Proxy-Authorization leak",
	"severity": "unknown", "score": null, "fixed": "2.31.0", "url": "https://osv.dev/vulnerability/PYSEC-2023-74",
	"informational": null}, over)

ai_input(advisories) := {"dependencies": [], "lockfiles": [], "advisories": advisories, "provenance": {"ai_generated": false}}

cfg := {"dependencies": {"block_severities": ["critical", "high"]}}

test_vulnerability_without_severity_warns_with_fix_and_aliases if {
	a := adv({})
	count(data.gate.dependencies.deny) == 0 with input as ai_input([a]) with data.gate.config as cfg
	some w in data.gate.dependencies.warn with input as ai_input([a]) with data.gate.config as cfg
	w.rule == "GATE-DEP-009"
	contains(w.message, "GHSA-j8r2-6x86-q33q")
	contains(w.message, "fixed in 2.31.0")
	contains(w.message, "severity unknown")
}

test_critical_vulnerability_and_malware_deny if {
	a := adv({"ecosystem": "maven", "name": "org.apache.logging.log4j:log4j-core", "version": "2.14.1", "id": "GHSA-jfh8-c2jp-5v3q", "aliases": ["CVE-2021-44228"], "severity": "critical", "score": 10.0, "fixed": "2.15.0"})
	some d in data.gate.dependencies.deny with input as ai_input([a]) with data.gate.config as cfg
	d.rule == "GATE-DEP-009"
	contains(d.message, "critical, CVSS 10.0")
	m := adv({"ecosystem": "npm", "name": "lodahs", "version": null, "kind": "malicious", "id": "MAL-2099-1", "aliases": [], "fixed": null})
	some x in data.gate.dependencies.deny with input as ai_input([m]) with data.gate.config as {"dependencies": {"block_severities": []}}
	x.rule == "GATE-DEP-010"
	contains(x.message, "(any version)")
}

test_upgrade_that_fixes_is_one_note if {
	a := adv({"kind": "fixed", "version": "2.31.0", "from": "2.30.0"})
	b := adv({"kind": "fixed", "version": "2.31.0", "from": "2.30.0", "id": "PYSEC-2099-1"})
	notes := [n | some n in data.gate.dependencies.info with input as ai_input([a, b]) with data.gate.config as cfg; n.rule == "GATE-DEP-011"]
	count(notes) == 1
	contains(notes[0].message, "2.30.0 -> 2.31.0 fixes PYSEC-2023-74, PYSEC-2099-1")
}

test_group_bump_shares_one_budget_and_says_0x if {
	bumps := [dep({"ecosystem": "npm", "manifest": "package.json", "name": sprintf("p%d", [n]), "change": "upgraded", "from": "^0.3.0", "to": "^0.4.0", "major_bump": true, "bump": "minor_0x"}) | some n in numbers.range(1, 10)]
	ws := [w | some w in data.gate.dependencies.warn with input as i(bumps); w.rule == "GATE-DEP-006"]
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
