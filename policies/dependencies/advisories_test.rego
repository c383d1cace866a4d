package gate.dependencies_test

# GATE-DEP-009, GATE-DEP-010, GATE-DEP-011 (advisories.rego).

test_vulnerability_without_severity_warns_with_fix_and_aliases if {
	a := adv({})
	count(data.gate.dependencies.deny) == 0 with input as adv_input([a]) with data.gate.config as cfg
	some w in data.gate.dependencies.warn with input as adv_input([a]) with data.gate.config as cfg
	w.rule == "GATE-DEP-009"
	contains(w.message, "GHSA-j8r2-6x86-q33q")
	contains(w.message, "fixed in 2.31.0: upgrade to 2.31.0 or later")
	contains(w.message, "severity unknown")
}

test_critical_vulnerability_denies if {
	a := adv({"ecosystem": "maven", "name": "org.apache.logging.log4j:log4j-core", "version": "2.14.1", "id": "GHSA-jfh8-c2jp-5v3q", "aliases": ["CVE-2021-44228"], "severity": "critical", "score": 10.0, "fixed": "2.15.0"})
	ds := rule_findings("deny", "GATE-DEP-009", adv_input([a])) with data.gate.config as cfg
	count(ds) == 1
	contains(ds[0].message, "critical, CVSS 10.0")
	# Not blocking when the configuration lists no blocking severity.
	count(rule_findings("deny", "GATE-DEP-009", adv_input([a]))) == 0 with data.gate.config as {"dependencies": {"block_severities": []}}
}

test_informational_advisory_is_a_note if {
	a := adv({"ecosystem": "cargo", "name": "atty", "id": "RUSTSEC-2024-0375", "aliases": [], "informational": "unmaintained", "fixed": null})
	ns := rule_findings("info", "GATE-DEP-009", adv_input([a])) with data.gate.config as cfg
	count(ns) == 1
	contains(ns[0].message, "unmaintained advisory RUSTSEC-2024-0375")
	count(rule_findings("warn", "GATE-DEP-009", adv_input([a]))) == 0 with data.gate.config as cfg
}

test_malware_always_denies if {
	m := adv({"ecosystem": "npm", "name": "lodahs", "version": null, "kind": "malicious", "id": "MAL-2099-1", "aliases": [], "fixed": null})
	xs := rule_findings("deny", "GATE-DEP-010", adv_input([m])) with data.gate.config as {"dependencies": {"block_severities": []}}
	count(xs) == 1
	xs[0].risk == 100
	contains(xs[0].message, "(any version)")
	contains(xs[0].message, "remove it and rotate credentials")
}

test_upgrade_that_fixes_is_one_note if {
	a := adv({"kind": "fixed", "version": "2.31.0", "from": "2.30.0"})
	b := adv({"kind": "fixed", "version": "2.31.0", "from": "2.30.0", "id": "PYSEC-2099-1"})
	notes := rule_findings("info", "GATE-DEP-011", adv_input([a, b])) with data.gate.config as cfg
	count(notes) == 1
	contains(notes[0].message, "2.30.0 -> 2.31.0 fixes PYSEC-2023-74, PYSEC-2099-1")
}
