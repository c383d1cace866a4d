package gate.governance

# GATE-GOV-001: the change edits the gate's own configuration, policies, exceptions or
# baseline. Weakening them (disabling rules, raising thresholds, ignoring paths, dropping
# policies) is tampering and blocks; other edits warn. With --base, the check itself used the
# base revision's configuration, so the change could not switch its own gate off.

rules["GATE-GOV-001"] := {
	"name": "Gate configuration changed",
	"summary": "The change edits gate's configuration, policies, exceptions or baseline.",
	"help": concat("\n", [
		"**What it finds:** changes to `.gate.yaml`, the configured policy directories, `.gate-exceptions.yaml` or `.gate-baseline.json`. A change that weakens the gate (disables a rule, raises a threshold, ignores paths, drops or deletes policies) is reported as tampering.",
		"",
		"**Why it matters:** a change must not be able to approve itself. In CI (`--base`), gate judges the change with the base revision's configuration; this finding makes the attempt visible to reviewers.",
		"",
		"**Example:** a pull request that adds `disable: [GATE-SEC-001]` to `.gate.yaml` next to the code it changes (tampering, blocking), or one that only reorders the file (a warning). A `gate:allow GATE-GOV-001` comment in the changed file does not suppress this finding.",
		"",
		"**How to fix:** land configuration changes on their own, reviewed by the owners of the gate (CODEOWNERS for `.gate.yaml` and `policies/`).",
	]),
	"tags": ["governance", "tampering", "supply-chain"],
	"security_severity": 8.0,
	"risk_points": "80 (deny) weakened / 55 other edits",
}

g := input.governance

what := concat(", ", [w | some w in ["configuration", "policies", "exceptions/baseline"]; touched(w)])

touched("configuration") if g.config_changed

touched("policies") if g.policies_changed

touched("exceptions/baseline") if g.exceptions_changed

deny contains {
	"rule": "GATE-GOV-001",
	"message": sprintf("tampering: the change weakens the gate (%s); checked with the %s configuration: revert the weakening, or make it in a change of its own that a maintainer of the gate reviews", [concat("; ", g.weakened), g.config_source]),
	"path": ".gate.yaml",
	"line": 1,
	"risk": 80,
	"risk_reason": "the change weakens its own gate",
} if {
	count(g.weakened) > 0
}

warn contains {
	"rule": "GATE-GOV-001",
	"message": sprintf("the change edits the gate's %s; checked with the %s configuration: have a maintainer of the gate review it", [what, g.config_source]),
	"path": ".gate.yaml",
	"line": 1,
	"risk": 55,
	"risk_reason": "gate configuration changed",
} if {
	count(g.weakened) == 0
	what != ""
}
