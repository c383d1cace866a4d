package gate.blast_radius_test

# GATE-BLA-003 (critical_path.rego).

test_critical_path_warns if {
	some w in data.gate.blast_radius.warn with input as change([file({"is_critical": true})], small)
	w.rule == "GATE-BLA-003"
	w.line == 3
}

test_critical_path_message_says_what_to_do if {
	some w in data.gate.blast_radius.warn with input as change([file({"is_critical": true, "path": "src/payments/charge.py"})], small)
	w.rule == "GATE-BLA-003"
	contains(w.message, "src/payments/charge.py")
	contains(w.message, "gate explain GATE-BLA-003")
}

test_no_critical_path_warning_in_all_mode if {
	# Not in --all mode: a whole tree is not a change to a critical path.
	i := object.union(change([file({"is_critical": true})], small), {"change": {"mode": "all"}})
	count([x | some x in data.gate.blast_radius.warn with input as i; x.rule == "GATE-BLA-003"]) == 0
}
