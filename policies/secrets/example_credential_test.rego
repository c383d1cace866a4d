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

test_sec004_names_the_users_allowlist_entry_not_a_documented_example if {
	s := secret({"allowlisted": true, "allowlist_reason": "config", "allowlist_entry": "^AKIATEST"})
	some i in data.gate.secrets.info with input as {"secrets": [s]}
	i.rule == "GATE-SEC-004"
	i.message == "AWS access key ID matches your secrets.allowlist entry `^AKIATEST` in .gate.yaml: AKI…XYZ; if it is a live credential, rotate it and narrow the entry"
	not contains(i.message, "documented example")
}

test_sec004_says_why_a_built_in_match_is_harmless if {
	every reason, words in {"example": "looks like a documented example or placeholder", "checksum": "not its checksum, so the provider never issued it"} {
		s := secret({"allowlisted": true, "allowlist_reason": reason, "allowlist_entry": null})
		some i in data.gate.secrets.info with input as {"secrets": [s]}
		i.rule == "GATE-SEC-004"
		contains(i.message, words)
		not contains(i.message, "allowlist")
	}
}
