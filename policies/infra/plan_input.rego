package gate.infra

# GATE-INF-013: a plan that cannot be trusted to be the whole change: it errored, it is
# incomplete, or a plan file could not be read. Such a plan never passes.

rules["GATE-INF-013"] := {
	"name": "Plan errored, incomplete or unreadable",
	"summary": "A plan reports errors, says it is incomplete, or could not be read: it cannot vouch for the change.",
	"help": concat("\n", [
		"**What it finds:** Terraform plans with `\"errored\": true` (planning stopped on an error: the plan holds only part of the change) or `\"complete\": false` (deferred changes: more follow after this apply), and files of a `--plan` directory that gate could not read or parse (the check exits 2 for them).",
		"",
		"**Why it matters:** the changes the plan does not show are exactly the ones nobody reviewed; a clean result on a partial plan is a false pass.",
		"",
		"**Example:** a plan document with `\"errored\": true` whose planning stopped on an error in one module, so it lists only the other modules' changes; a `--plan plans/` directory holding one truncated `network.json` beside the good plans.",
		"",
		"**How to fix:** fix the errors Terraform printed and plan again; for deferred changes, apply in the stages Terraform asks for and gate each plan; for an unreadable file, regenerate it (`terraform show -json plan.tfplan > plan.json`) or remove it from the directory.",
	]),
	"tags": ["infrastructure", "plan-input"],
	"security_severity": 6.0,
	"risk_points": "80 (deny) errored or unreadable plan / 70 (deny) incomplete plan",
}

deny contains {
	"rule": "GATE-INF-013",
	"message": sprintf("%s plan %s errored: planning stopped on an error, so it shows only part of the change; fix the error and plan again", [p.tool, p.path]),
	"path": p.path,
	"line": 1,
	"risk": 80,
	"risk_reason": "errored plan",
} if {
	some p in input.infra.plans
	p.errored
}

deny contains {
	"rule": "GATE-INF-013",
	"message": sprintf("%s plan %s is incomplete (complete: false): more changes follow after this apply; gate each stage's plan", [p.tool, p.path]),
	"path": p.path,
	"line": 1,
	"risk": 70,
	"risk_reason": "incomplete plan",
} if {
	some p in input.infra.plans
	p.complete == false
	not p.errored
}

deny contains {
	"rule": "GATE-INF-013",
	"message": sprintf("plan %s could not be read: %s; regenerate it (`terraform show -json plan.tfplan > plan.json`) or remove it from the directory", [e.path, e.error]),
	"path": e.path,
	"line": 1,
	"risk": 80,
	"risk_reason": "unreadable plan",
} if {
	some e in object.get(input.infra, "errors", [])
}
