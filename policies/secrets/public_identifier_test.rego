package gate.secrets_test

# GATE-SEC-005 (public_identifier.rego).

test_sec005_says_what_to_check if {
	some i in data.gate.secrets.info with input as {"secrets": [secret({"public": true})]}
	i.rule == "GATE-SEC-005"
	i.risk == 0
	contains(i.message, "check its restrictions")
}

test_sec005_a_documented_example_is_sec004_only if {
	s := secret({"public": true, "allowlisted": true})
	ids := {i.rule | some i in data.gate.secrets.info with input as {"secrets": [s]}}
	ids == {"GATE-SEC-004"}
}
