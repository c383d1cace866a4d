package gate.infra

# GATE-INF-002: new ingress open to the whole internet. On an administration or database port
# it blocks; on another non-web port it warns; web ports are noted.

rules["GATE-INF-002"] := {
	"name": "World-open ingress",
	"summary": "A firewall or security group rule newly allows traffic from 0.0.0.0/0 or ::/0.",
	"help": concat("\n", [
		"**What it finds:** ingress rules added by the plan whose source is the whole internet (`0.0.0.0/0`, `::/0`, `*`, `Internet`), in AWS security groups and rules, GCP firewalls and Azure network security rules.",
		"",
		"**Why it matters:** SSH, RDP and database ports open to the world are found by scanners within minutes.",
		"",
		"**Example:** an `aws_security_group` with `ingress { from_port = 22, to_port = 22, protocol = \"tcp\", cidr_blocks = [\"0.0.0.0/0\"] }` blocks; the same rule on port 8080 warns; on 443 it is a note.",
		"",
		"**How to fix:** restrict the source to known ranges, a VPN or a bastion; use SSM Session Manager or IAP instead of open SSH. The ports treated as administrative are `infra.admin_ports` in .gate.yaml.",
	]),
	"tags": ["infrastructure", "network", "exposure", "external/cwe/cwe-284"],
	"security_severity": 8.5,
	"risk_points": "85 (deny) admin port / 45 other ports / 5 (note) web ports",
}

admin_ports := data.gate.config.infra.admin_ports

web(i) if {
	i.from_port >= 80
	i.to_port <= 443
	every port in numbers.range(i.from_port, i.to_port) {
		port in {80, 443}
	}
}

admin_hit(i) := [port | some port in admin_ports; i.from_port <= port; port <= i.to_port]

ports(i) := sprintf("port %d", [i.from_port]) if i.from_port == i.to_port else := sprintf("ports %d-%d", [i.from_port, i.to_port])

deny contains finding(p, r, "GATE-INF-002",
	sprintf("%s opens %s (%s) to %s, including administrative port(s) %v; restrict the source to known ranges, a VPN or a bastion (or use SSM Session Manager/IAP)", [label(r), ports(i), i.protocol, i.cidr, admin_hit(i)]),
	85, "administrative port open to the internet") if {
	some p in input.infra.plans
	some r in p.resources
	some i in r.new_open_ingress
	count(admin_hit(i)) > 0
}

warn contains finding(p, r, "GATE-INF-002",
	sprintf("%s opens %s (%s) to %s; restrict the source to the ranges that need it", [label(r), ports(i), i.protocol, i.cidr]),
	45, "non-web port open to the internet") if {
	some p in input.infra.plans
	some r in p.resources
	some i in r.new_open_ingress
	count(admin_hit(i)) == 0
	not web(i)
}

info contains finding(p, r, "GATE-INF-002",
	sprintf("%s opens web %s to %s; fine for a public endpoint, otherwise restrict the source", [label(r), ports(i), i.cidr]),
	5, "web port open to the internet") if {
	some p in input.infra.plans
	some r in p.resources
	some i in r.new_open_ingress
	web(i)
}
