package gate.dependencies_test

# Inputs shared by the gate.dependencies rule tests (one <rule>_test.rego per rule file).

dep(over) := object.union({"ecosystem": "pypi", "manifest": "requirements.txt", "line": 3, "name": "x",
	"change": "added", "from": null, "to": "==1.0", "major_bump": false, "direct": true, "source": "registry",
	"pinned": true, "in_lockfile": null, "lockfile_changed": false, "install_scripts": null, "dev": false,
	"similar_to": [], "exists_in_registry": null, "package": null, "unresolved": null, "bump": null}, over)

i(deps) := {"dependencies": deps, "lockfiles": [], "provenance": {"ai_generated": false}}

ai(deps) := {"dependencies": deps, "lockfiles": [], "provenance": {"ai_generated": true}}

adv(over) := object.union({"ecosystem": "pypi", "name": "requests", "version": "2.30.0", "from": null,
	"manifest": "requirements.txt", "line": 2, "direct": true, "dev": false, "kind": "vulnerable",
	"id": "PYSEC-2023-74", "aliases": ["GHSA-j8r2-6x86-q33q", "CVE-2023-32681"], "summary": "Proxy-Authorization leak",
	"severity": "unknown", "score": null, "fixed": "2.31.0", "url": "https://osv.dev/vulnerability/PYSEC-2023-74",
	"informational": null}, over)

adv_input(advisories) := {"dependencies": [], "lockfiles": [], "advisories": advisories, "provenance": {"ai_generated": false}}

cfg := {"dependencies": {"block_severities": ["critical", "high"]}}

rule_findings(kind, rule, x) := [f | some f in data.gate.dependencies[kind] with input as x; f.rule == rule]

# The fixtures alone raise nothing.
test_fixture_inputs_evaluate if {
	count(data.gate.dependencies.deny) == 0 with input as i([])
	count(data.gate.dependencies.warn) == 0 with input as i([])
}
