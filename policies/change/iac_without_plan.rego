package gate.change

# GATE-CHG-002: infrastructure code changed but no plan was supplied, so its blast radius is
# unknown.

rules["GATE-CHG-002"] := {
	"name": "Infrastructure changed without a plan",
	"summary": "Terraform, Pulumi or CDK code changed and no --plan was given.",
	"help": "**What it finds:** changed `.tf`, `.tfvars`, `Pulumi.yaml` or `cdk.json` files when the check received no plan.\n\n**Why it matters:** a one-line change to infrastructure code can replace a database; only the plan shows it.\n\n**How to fix:** run `terraform show -json`, `pulumi preview --json` or `cdk synth` in CI and pass the result with `--plan`.",
	"tags": ["verification", "infrastructure"],
	"security_severity": 4.0,
}

iac := [f.path | some f in input.change.files; f.role == "iac"]

warn contains {
	"rule": "GATE-CHG-002",
	"message": sprintf("infrastructure code changed (%s) but no plan was supplied (--plan)", [concat(", ", array.slice(iac, 0, 5))]),
	"path": iac[0],
	"line": 1,
	"risk": 30,
	"risk_reason": "blast radius unknown",
} if {
	input.change.mode in {"diff", "staged", "range"}
	count(iac) > 0
	count(input.infra.plans) == 0
}
