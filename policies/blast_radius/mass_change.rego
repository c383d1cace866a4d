package gate.blast_radius

# GATE-BLA-001: a plan that changes or destroys many resources at once.

rules["GATE-BLA-001"] := {
	"name": "Mass infrastructure change",
	"summary": "A plan changes or destroys more resources than the configured limits.",
	"help": concat("\n", [
		"**What it finds:** plans whose changed resources reach `infra.mass_change` (default 50), or whose deletions and replacements reach `infra.mass_delete` (default 10).",
		"",
		"**Why it matters:** mass changes are how a wrong variable, workspace or module version takes down an environment.",
		"",
		"**Example:** a module version bump whose plan replaces 14 instances and 3 load balancers at once (limit 10).",
		"",
		"**How to fix:** split the change, or apply it in stages with targeted plans (`terraform plan -target=...`). When the mass change is intended and reviewed, add an exception for GATE-BLA-001 in `.gate-exceptions.yaml`, or raise `infra.mass_change` / `infra.mass_delete` in .gate.yaml.",
	]),
	"tags": ["infrastructure", "blast-radius"],
	"security_severity": 6.5,
	"risk_points": "70 mass deletion (deny) / 45 mass change",
}

cfg := data.gate.config.infra

changed(p) := (p.summary.create + p.summary.update) + (p.summary.delete + p.summary.replace)

destroyed(p) := p.summary.delete + p.summary.replace

deny contains {
	"rule": "GATE-BLA-001",
	"message": sprintf("plan destroys or replaces %d resources (limit %d); apply it in stages or review every deletion (gate explain GATE-BLA-001)", [destroyed(p), cfg.mass_delete]),
	"path": p.path,
	"line": 1,
	"risk": 70,
	"risk_reason": "mass deletion",
} if {
	some p in input.infra.plans
	destroyed(p) >= cfg.mass_delete
}

warn contains {
	"rule": "GATE-BLA-001",
	"message": sprintf("plan changes %d resources (limit %d); split it or apply it in stages (gate explain GATE-BLA-001)", [changed(p), cfg.mass_change]),
	"path": p.path,
	"line": 1,
	"risk": 45,
	"risk_reason": "mass change",
} if {
	some p in input.infra.plans
	changed(p) >= cfg.mass_change
	destroyed(p) < cfg.mass_delete
}
