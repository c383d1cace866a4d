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

# Where the finding points: the declaration in the repository (`resource "aws_vpc" "main"`,
# the module call, the Pulumi or CDK construct) when gate found it, else the plan file.
loc_path(p, r) := r.source.path if {
	r.source != null
} else := p.path

loc_line(r) := r.source.line if {
	r.source != null
} else := object.get(r, "line", 1)

finding(p, r, rule, msg, risk, why) := {
	"rule": rule,
	"message": msg,
	"path": loc_path(p, r),
	"line": loc_line(r),
	"resource": resource_ref(r),
	"risk": risk,
	"risk_reason": why,
	"fingerprint": concat("|", [p.path, r.address]),
}

# --- the dependency graph ---------------------------------------------------------------

# No deleted, replaced or re-identified resource upstream reaches it: the change starts here
# (a subnet replaced because its VPC is replaced is reported with the VPC).
root(r) if count(object.get(r, "caused_by", [])) == 0

downstream(r) := object.get(r, "downstream", [])

# What a change takes with it: dependents replaced or deleted, and data stores moved.
taken(r) := [d |
	some d in downstream(r)
	took(d)
]

took(d) if d.effect in {"replaced", "deleted"}

took(d) if {
	d.stateful
	d.effect in {"re-pointed", "updated"}
}

# Direct dependents that read an attribute of it and stay: they must follow a new identity.
followers(r) := [d |
	some d in downstream(r)
	d.depth == 1
	count(d.attributes) + count(d.references) > 0
	not d.effect in {"replaced", "deleted", "created", "read"}
]

effect_words := {
	"replaced": "replaced",
	"deleted": "deleted",
	"re-pointed": "updated in place to follow it",
	"updated": "updated in place",
	"unchanged": "left as they are but reading it",
}

dep_name(d) := sprintf("%s (%s, in %s)", [d.address, d.category, d.plan]) if {
	d.plan != null
	d.category != ""
} else := sprintf("%s (in %s)", [d.address, d.plan]) if {
	d.plan != null
} else := sprintf("%s (%s)", [d.address, d.category]) if {
	d.stateful
} else := d.address

# `replaced: a, b; updated in place to follow it: c (datastore)`, at most 12 names a group.
describe(ds) := concat("; ", [group |
	some effect in ["replaced", "deleted", "re-pointed", "updated", "unchanged"]
	names := [dep_name(d) | some d in ds; d.effect == effect]
	count(names) > 0
	group := sprintf("%s: %s", [effect_words[effect], names_list(names)])
])

names_list(names) := concat(", ", names) if {
	count(names) <= 12
} else := sprintf("%s and %d more", [concat(", ", array.slice(names, 0, 12)), count(names) - 12])

# `1 resource`, `2 resources`.
counted(n, one, many) := sprintf("%d %s", [n, one]) if {
	n == 1
} else := sprintf("%d %s", [n, many])

plural_word(n, one, _) := one if n == 1

plural_word(n, _, many) := many if n != 1
