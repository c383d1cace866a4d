package gate.secrets_test

secret(over) := object.union({
	"rule": "aws-access-key-id", "name": "AWS access key ID", "provider": "aws",
	"severity": "critical", "confidence": "high", "path": "app/settings.py", "line": 3,
	"column": 20, "end_line": 3, "entropy": 3.9, "redacted": "AKI…XYZ",
	"fingerprint": "0123456789abcdef0123456789abcdef", "in_test_path": false, "allowlisted": false,
	"public": false,
}, over)

test_live_key_is_denied_with_location_and_risk if {
	ds := data.gate.secrets.deny with input as {"secrets": [secret({})]}
	some d in ds
	d.rule == "GATE-SEC-001"
	d.path == "app/settings.py"
	d.line == 3
	d.risk == 95
	contains(d.message, "AKI…XYZ")
}

test_key_in_test_path_warns_not_denies if {
	s := secret({"in_test_path": true})
	count(data.gate.secrets.deny) == 0 with input as {"secrets": [s]}
	ws := data.gate.secrets.warn with input as {"secrets": [s]}
	some w in ws
	w.rule == "GATE-SEC-002"
}

test_example_key_is_info_only if {
	s := secret({"allowlisted": true})
	count(data.gate.secrets.deny) == 0 with input as {"secrets": [s]}
	count(data.gate.secrets.warn) == 0 with input as {"secrets": [s]}
	is := data.gate.secrets.info with input as {"secrets": [s]}
	some i in is
	i.rule == "GATE-SEC-004"
}

test_public_identifier_is_a_note if {
	s := secret({"rule": "gcp-api-key", "public": true})
	count(data.gate.secrets.deny) == 0 with input as {"secrets": [s]}
	count(data.gate.secrets.warn) == 0 with input as {"secrets": [s]}
	is := data.gate.secrets.info with input as {"secrets": [s]}
	some i in is
	i.rule == "GATE-SEC-005"
	contains(i.message, "public client identifier")
}

test_public_identifier_in_test_path_is_a_note if {
	s := secret({"public": true, "in_test_path": true})
	count(data.gate.secrets.warn) == 0 with input as {"secrets": [s]}
}

test_generic_high_entropy_denies_low_entropy_warns if {
	hi := secret({"rule": "generic-credential-assignment", "confidence": "low", "entropy": 4.1})
	lo := secret({"rule": "generic-credential-assignment", "confidence": "low", "entropy": 3.3})
	some d in data.gate.secrets.deny with input as {"secrets": [hi]}
	d.rule == "GATE-SEC-003"
	count(data.gate.secrets.deny) == 0 with input as {"secrets": [lo]}
	some w in data.gate.secrets.warn with input as {"secrets": [lo]}
	w.risk == 40
}

test_every_rule_has_metadata if {
	ids := {"GATE-SEC-001", "GATE-SEC-002", "GATE-SEC-003", "GATE-SEC-004", "GATE-SEC-005"}
	every id in ids {
		data.gate.secrets.rules[id].security_severity > 0
	}
}

test_a_key_removed_later_in_the_branch_names_its_commit if {
	s := secret({"commit": "89abcdef0123456789abcdef0123456789abcdef"})
	some d in data.gate.secrets.deny with input as {"secrets": [s]}
	d.rule == "GATE-SEC-001"
	contains(d.message, "in commit 89abcdef0123 (removed by a later commit, still in the history)")
	some e in data.gate.secrets.deny with input as {"secrets": [secret({})]}
	not contains(e.message, "in commit")
}
