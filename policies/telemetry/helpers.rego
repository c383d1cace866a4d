package gate.telemetry

# Shared helpers of the gate.telemetry rules.

# The strict profile for AI-authored changes applies to a rule only when policies/ai/strict.rego
# lists it (rules whose replayed precision is high): it never amplifies a wrong finding.
strict_for(rule) if rule in data.gate.ai.strict_profile

# Critical paths weigh more.
boost(t) := 15 if t.critical else := 0

at(t, rule, msg, risk, why) := {
	"rule": rule,
	"message": msg,
	"path": t.path,
	"line": t.line,
	"end_line": t.end_line,
	"risk": risk + boost(t),
	"risk_reason": why,
	"fingerprint": concat("|", [t.path, t.kind, t.function]),
}

# The service a fact belongs to (facts without one, from older inputs: none).
service(t) := s if {
	some s in input.telemetry_services
	s.root == t.service
}

# A service whose files were all read: an absence of telemetry in it is a fact.
checked(s) if s.context.complete

no_request_telemetry(s) if {
	checked(s)
	count(s.requests) == 0
}

# The service is named by its root; the repository root reads as such.
service_name(s) := "the service at the repository root" if s.root == "" else := sprintf("the service at %s", [s.root])

where(s) := "the repository root" if s.root == "" else := s.root

# "a, b, c and 4 more": the first names of a list.
names(ns) := concat(", ", ns) if count(ns) <= 4

names(ns) := sprintf("%s and %d more", [concat(", ", [n | some i, n in ns; i < 4]), count(ns) - 4]) if count(ns) > 4

# How a handler reads in a message: its route when known.
label(t) := sprintf("%s (%s)", [t.function, t.route]) if {
	t.route
	t.route != ""
	t.route != t.function
} else := t.function

# Health checks and robots.txt need no telemetry of their own.
probe(t) if startswith(t.route, "Health/")

probe(t) if regex.match(`(?i)(?:^|[ /])(?:health|healthz|_healthz|livez|readyz|ping|robots\.txt)/?$`, t.route)

probe(t) if regex.match(`\.(?:Check|Watch)$`, t.function)
