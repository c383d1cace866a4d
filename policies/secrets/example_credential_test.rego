package gate.secrets_test

# GATE-SEC-004 (example_credential.rego).

test_sec004_a_documented_example_is_a_note_anywhere if {
	every over in [{"allowlisted": true}, {"allowlisted": true, "in_test_path": true}] {
		s := secret(over)
		count(data.gate.secrets.deny) == 0 with input as {"secrets": [s]}
		count(data.gate.secrets.warn) == 0 with input as {"secrets": [s]}
		some i in data.gate.secrets.info with input as {"secrets": [s]}
		i.rule == "GATE-SEC-004"
		i.risk == 0
	}
}

test_sec004_not_for_a_live_key if {
	is := data.gate.secrets.info with input as {"secrets": [secret({})]}
	every i in is {
		i.rule != "GATE-SEC-004"
	}
}
