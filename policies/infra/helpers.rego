package gate.infra

# Shared helpers of the gate.infra rules (one rule per file beside this one).

crit_risk := {"critical": 90, "high": 75, "medium": 50, "low": 30}

# The name a reviewer knows: the CDK construct path when there is one.
label(r) := sprintf("%s (%s, construct %s)", [r.address, r.type, r.construct_path]) if {
	r.construct_path != null
} else := r.address if {
	# Pulumi addresses already carry the type.
	contains(r.address, r.type)
} else := sprintf("%s (%s)", [r.address, r.type])

resource_ref(r) := r.construct_path if r.construct_path != null else := r.address

destroys(r) if "delete" in r.actions

verb(r) := "replaced" if r.replace else := "deleted"

finding(p, r, rule, msg, risk, why) := {
	"rule": rule,
	"message": msg,
	"path": p.path,
	"line": object.get(r, "line", 1),
	"resource": resource_ref(r),
	"risk": risk,
	"risk_reason": why,
	"fingerprint": concat("|", [p.path, r.address]),
}
