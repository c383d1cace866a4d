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

test_sec001_says_how_the_value_came_in_by_mode if {
	every mode, words in {
		"staged": ["AWS access key ID staged: ", "remove it before you commit"],
		"diff": ["AWS access key ID in the diff: ", "rotate it if it was ever pushed"],
		"range": ["AWS access key ID committed: ", "revoke and rotate it"],
		"all": ["AWS access key ID in the tree: ", "revoke and rotate it"],
	} {
		some d in data.gate.secrets.deny with input as {"change": {"mode": mode}, "secrets": [secret({})]}
		d.rule == "GATE-SEC-001"
		startswith(d.message, words[0])
		contains(d.message, words[1])
	}
}

test_sec001_staged_and_diff_input_is_never_called_committed if {
	every mode in ["staged", "diff", "all"] {
		some d in data.gate.secrets.deny with input as {"change": {"mode": mode}, "secrets": [secret({})]}
		d.rule == "GATE-SEC-001"
		not contains(d.message, "committed")
	}
}

test_sec001_a_value_only_in_the_history_names_its_commit if {
	s := secret({"commit": "0123456789abcdef0123"})
	some d in data.gate.secrets.deny with input as {"change": {"mode": "range"}, "secrets": [s]}
	d.rule == "GATE-SEC-001"
	contains(d.message, "committed in commit 0123456789ab (removed by a later commit, still in the history)")
	contains(d.message, "drop it from the branch's history")
}

test_sec001_an_encoded_value_says_how_it_was_encoded if {
	some d in data.gate.secrets.deny with input as {"secrets": [secret({"encoding": ["base64", "escape"]})]}
	d.rule == "GATE-SEC-001"
	contains(d.message, "AKI…XYZ (decoded from base64 then string escapes, fingerprint 0123456789ab)")
	some p in data.gate.secrets.deny with input as {"secrets": [secret({})]}
	contains(p.message, "AKI…XYZ (fingerprint 0123456789ab)")
}
