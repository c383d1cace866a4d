package gate.secrets_test

# GATE-SEC-003 (generic_credential.rego).

generic(over) := secret(object.union({"rule": "generic-credential-assignment", "confidence": "low"}, over))

test_sec003_blocks_from_entropy_3_5 if {
	some d in data.gate.secrets.deny with input as {"secrets": [generic({"entropy": 3.5})]}
	d.rule == "GATE-SEC-003"
	d.risk == 75
	startswith(d.message, "Hard-coded credential")
	low := data.gate.secrets.deny with input as {"secrets": [generic({"entropy": 3.49})]}
	every x in low {
		x.rule != "GATE-SEC-003"
	}
}

test_sec003_not_in_test_paths if {
	s := generic({"entropy": 4.5, "in_test_path": true})
	count(data.gate.secrets.deny) == 0 with input as {"secrets": [s]}
	count(data.gate.secrets.warn) == 0 with input as {"secrets": [s]}
}

test_sec003_an_encoded_value_says_how_it_was_encoded if {
	some d in data.gate.secrets.deny with input as {"secrets": [generic({"entropy": 4.5, "encoding": ["escape"]})]}
	d.rule == "GATE-SEC-003"
	contains(d.message, "(decoded from string escapes, fingerprint 0123456789ab)")
}
