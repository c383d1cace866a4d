package gate.change

# GATE-CHG-002: infrastructure code changed but no plan was supplied, so its blast radius is
# unknown. Not in repositories that publish Terraform modules (no backend or cloud block
# anywhere: there is no root configuration to plan), not for edits that change only
# comments or whitespace, and not for provider or Terraform version constraints moved within a
# major version in a `terraform {}` block (input.infra.version_moves: a plan shows nothing more),
# nor for files whose change only adds or removes whole `variable` / `output` declarations or
# removes applied `moved` blocks (input.infra.declarations_only: no resource changes), nor for
# test fixtures (`test/fixtures/app/main.tf`: configuration a test applies, not infrastructure
# anyone runs).

rules["GATE-CHG-002"] := {
	"name": "Infrastructure changed without a plan",
	"summary": "Terraform, Pulumi or CDK code changed and no --plan was given.",
	"help": concat("\n", [
		"**What it finds:** changed `.tf`, `.tfvars`, `Pulumi.yaml` or `cdk.json` files when the check received no plan, in a repository with root configuration (a Terraform `backend` or `cloud` block, a Pulumi project or a CDK app). Repositories that only publish Terraform modules are not reported (they have nothing to plan), nor are edits of comments and whitespace, nor a file whose whole change moves `required_version` or provider `version` constraints in a `terraform {}` block within one major version (one minor for 0.x), nor one whose change only adds or removes whole `variable` or `output` declarations or removes `moved` blocks a past apply carried out: no resource changes. Test fixtures (files on the test paths, such as `test/fixtures/app/main.tf`) are not reported: a test applies them, no environment runs them. A major provider bump, or a `version` of a resource or module, is still reported.",
		"",
		"**Why it matters:** a one-line change to infrastructure code can replace a database; only the plan shows it.",
		"",
		"**Example:** `engine_version = \"8.0\"` changed to `\"8.4\"` in an RDS tfvars file, with no plan attached to the check.",
		"",
		"**How to fix:** run `terraform plan -out tf.plan && terraform show -json tf.plan > plan.json` (or `pulumi preview --json`, `cdk synth`) in CI and pass the result with `--plan plan.json`. Where plans are reviewed elsewhere (Terraform Cloud runs on the pull request), disable the rule in `.gate.yaml` (`disable: [GATE-CHG-002]`).",
	]),
	"tags": ["verification", "infrastructure"],
	"security_severity": 4.0,
	"risk_points": "30",
}

# Whether the repository has configuration a plan can be made from (input.infra
# .root_configuration). When it could not be told (null, or facts from an older analyzer),
# assume it has.
default root_configuration := true

root_configuration := false if object.get(input, ["infra", "root_configuration"], null) == false

is_terraform(path) if endswith(path, ".tf")

is_terraform(path) if endswith(path, ".tfvars")

# Changed infrastructure files that matter: Pulumi and CDK projects always (they are root
# configuration), Terraform files in repositories with root configuration; only edits that
# change more than comments and whitespace.
iac_files := [f |
	some f in input.change.files
	f.role == "iac"
	not f.is_test
	plannable(f.path)
	substantive(f)
	not f.path in version_moves
	not f.path in declarations_only
]

# Files whose change only moves version constraints of the `terraform {}` block within a major.
version_moves := {p | some p in object.get(input, ["infra", "version_moves"], [])}

# Files whose change only adds or removes whole variable / output declarations or removes
# applied `moved` blocks.
declarations_only := {p | some p in object.get(input, ["infra", "declarations_only"], [])}

iac := [f.path | some f in iac_files]

plannable(path) if not is_terraform(path)

plannable(path) if {
	is_terraform(path)
	root_configuration
}

# A file is substantive unless every changed line it lists is blank or a comment (`#`, `//`,
# `/* ... */` lines). A file whose lines are not listed (past the facts' line budget, binary,
# whole-file mode) is substantive.
substantive(f) if not lines_listed(f)

substantive(f) if {
	lines_listed(f)
	some h in f.hunks
	some l in array.concat(h.added, h.removed)
	not trivial_line(l.text)
}

lines_listed(f) if {
	not f.binary
	not f.whole_file
	listed := sum([n | some h in f.hunks; n := count(h.added) + count(h.removed)])
	listed == f.additions + f.deletions
	listed > 0
}

trivial_line(t) if trim_space(t) == ""

trivial_line(t) if regex.match(`^\s*(#|//|/\*|\*)`, t)

first_changed_line(f) := h.new_start if {
	f.status != "deleted"
	h := f.hunks[0]
	h.new_start > 0
} else := 1

warn contains {
	"rule": "GATE-CHG-002",
	"message": sprintf("infrastructure code changed (%s%s) but no plan was supplied: pass `terraform show -json` output with --plan (gate explain GATE-CHG-002)", [
		concat(", ", array.slice(iac, 0, 3)),
		more_files(iac, 3),
	]),
	"path": iac[0],
	"line": first_changed_line(iac_files[0]),
	"risk": 30,
	"risk_reason": "blast radius unknown",
} if {
	input.change.mode in {"diff", "staged", "range"}
	count(iac) > 0
	count(input.infra.plans) == 0
}

more_files(xs, n) := sprintf(" +%d more", [count(xs) - n]) if count(xs) > n else := ""
