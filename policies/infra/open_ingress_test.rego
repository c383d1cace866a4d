package gate.infra_test

# GATE-INF-002: new ingress open to the whole internet.

sg(ingress) := res({"address": "aws_security_group.web", "type": "aws_security_group", "category": "network",
	"criticality": "high", "stateful": false, "actions": ["create"], "new_open_ingress": [ingress]})

test_ssh_to_the_world_is_denied if {
	some d in denies("GATE-INF-002", plan([sg({"cidr": "0.0.0.0/0", "protocol": "tcp", "from_port": 22, "to_port": 22})]))
	d.risk == 85
	contains(d.message, "opens port 22 (tcp) to 0.0.0.0/0, including administrative port(s) [22]")
	contains(d.message, "restrict the source")
}

test_a_range_covering_admin_ports_is_denied_naming_them if {
	some d in denies("GATE-INF-002", plan([sg({"cidr": "::/0", "protocol": "-1", "from_port": 0, "to_port": 65535})]))
	contains(d.message, "ports 0-65535")
	contains(d.message, "[22, 3389, 5432]")
}

test_other_ports_warn_and_web_ports_are_noted if {
	high := plan([sg({"cidr": "::/0", "protocol": "tcp", "from_port": 8080, "to_port": 8080})])
	count(denies("GATE-INF-002", high)) == 0
	some w in warns("GATE-INF-002", high)
	w.risk == 45
	https := plan([sg({"cidr": "0.0.0.0/0", "protocol": "tcp", "from_port": 443, "to_port": 443})])
	count(denies("GATE-INF-002", https)) + count(warns("GATE-INF-002", https)) == 0
	some i in infos("GATE-INF-002", https)
	i.risk == 5
	# 80-443 is not only web ports: it warns.
	wide := plan([sg({"cidr": "0.0.0.0/0", "protocol": "tcp", "from_port": 80, "to_port": 443})])
	count(warns("GATE-INF-002", wide)) == 1
}

test_admin_ports_come_from_the_config if {
	r := sg({"cidr": "0.0.0.0/0", "protocol": "tcp", "from_port": 22, "to_port": 22})
	ds := [d | some d in data.gate.infra.deny with input as plan([r]) with data.gate.config as {"infra": {"admin_ports": [3389]}}; d.rule == "GATE-INF-002"]
	count(ds) == 0
}
