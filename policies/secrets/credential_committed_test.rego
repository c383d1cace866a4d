package gate.secrets_test

# GATE-SEC-001 (credential_committed.rego); the shared `secret` helper is in secrets_test.rego.

test_sec001_not_for_test_paths_examples_or_public_identifiers if {
	every over in [{"in_test_path": true}, {"allowlisted": true}, {"public": true}, {"confidence": "low"}] {
		ds := data.gate.secrets.deny with input as {"secrets": [secret(over)]}
		every d in ds {
			d.rule != "GATE-SEC-001"
		}
	}
}

test_sec001_fingerprint_keys_on_rule_path_and_value_not_the_line if {
	some a in data.gate.secrets.deny with input as {"secrets": [secret({})]}
	some b in data.gate.secrets.deny with input as {"secrets": [secret({"line": 40})]}
	a.rule == "GATE-SEC-001"
	b.rule == "GATE-SEC-001"
	a.fingerprint == b.fingerprint
	a.fingerprint == "aws-access-key-id:app/settings.py:0123456789abcdef0123456789abcdef"
	contains(a.message, "fingerprint 0123456789ab")
}
