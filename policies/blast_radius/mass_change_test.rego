package gate.blast_radius_test

# GATE-BLA-001 (mass_change.rego).

test_mass_deletion_denied_mass_change_warned if {
	some d in data.gate.blast_radius.deny with input as summary(0, 0, 8, 2) with data.gate.config as cfg
	d.rule == "GATE-BLA-001"
	count(data.gate.blast_radius.deny) == 0 with input as summary(40, 20, 1, 0) with data.gate.config as cfg
	some w in data.gate.blast_radius.warn with input as summary(40, 20, 1, 0) with data.gate.config as cfg
	w.rule == "GATE-BLA-001"
	count(data.gate.blast_radius.warn) == 0 with input as summary(3, 2, 1, 0) with data.gate.config as cfg
}

test_mass_change_messages_say_what_to_do if {
	some d in data.gate.blast_radius.deny with input as summary(0, 0, 12, 0) with data.gate.config as cfg
	contains(d.message, "gate explain GATE-BLA-001")
	some w in data.gate.blast_radius.warn with input as summary(60, 0, 0, 0) with data.gate.config as cfg
	contains(w.message, "gate explain GATE-BLA-001")
}
