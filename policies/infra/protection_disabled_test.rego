package gate.infra_test

# GATE-INF-005: encryption, logging, versioning, backups or deletion protection turned off.

test_encryption_off_is_denied if {
	some d in denies("GATE-INF-005", plan([res({"disabled_protections": ["encryption"]})]))
	d.risk == 70
	contains(d.message, "turns off encryption; keep it on")
}

test_other_protections_off_warn if {
	every kind in ["logging", "versioning", "backup", "deletion_protection"] {
		p := plan([res({"disabled_protections": [kind]})])
		count(denies("GATE-INF-005", p)) == 0
		some w in warns("GATE-INF-005", p)
		contains(w.message, sprintf("turns off %s", [kind]))
	}
}

test_protections_left_on_are_silent if {
	p := plan([res({"disabled_protections": []})])
	count(denies("GATE-INF-005", p)) + count(warns("GATE-INF-005", p)) == 0
	# The public access block is GATE-INF-003's.
	q := plan([res({"disabled_protections": ["public_access_block"]})])
	count(denies("GATE-INF-005", q)) + count(warns("GATE-INF-005", q)) == 0
}
