package gate.secrets_test

# GATE-SEC-002 (credential_in_test_path.rego).

test_sec002_asks_a_human_to_confirm_at_risk_35 if {
	some w in data.gate.secrets.warn with input as {"secrets": [secret({"in_test_path": true})]}
	w.rule == "GATE-SEC-002"
	w.risk == 35
	w.column == 20
	contains(w.message, "confirm it is not live")
}

test_sec002_not_for_generic_documented_or_public_values if {
	every over in [{"confidence": "low"}, {"allowlisted": true}, {"public": true}] {
		s := secret(object.union({"in_test_path": true}, over))
		ws := data.gate.secrets.warn with input as {"secrets": [s]}
		every w in ws {
			w.rule != "GATE-SEC-002"
		}
	}
}
