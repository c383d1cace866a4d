package gate.infra

# GATE-INF-008: the plan saw drift: resources changed outside the tool since the last apply.

rules["GATE-INF-008"] := {
	"name": "Drift detected",
	"summary": "Resources were changed outside the infrastructure tool.",
	"help": concat("\n", [
		"**What it finds:** `resource_drift` entries in a Terraform plan: resources whose real state differs from the last applied state.",
		"",
		"**Why it matters:** applying the plan reverts someone's manual change, or builds on a state nobody reviewed.",
		"",
		"**Example:** someone added a tag or opened a port on `aws_security_group.web` in the console; `terraform plan` lists it under `resource_drift`, and the apply silently reverts it.",
		"",
		"**How to fix:** reconcile the drift (import the change into code, or revert it) before applying.",
	]),
	"tags": ["infrastructure", "drift"],
	"security_severity": 3.0,
	"risk_points": "10 (note)",
}

info contains {
	"rule": "GATE-INF-008",
	"message": sprintf("%s drifted outside %s: %s; reconcile the drift (import the change into code, or revert it) before applying", [counted(count(p.drift), "resource", "resources"), p.tool, concat(", ", [d.address | some d in p.drift])]),
	"path": p.path,
	"line": 1,
	"risk": 10,
} if {
	some p in input.infra.plans
	count(p.drift) > 0
}
