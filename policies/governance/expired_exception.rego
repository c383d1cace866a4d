package gate.governance

# GATE-GOV-002: an exception whose expiry date has passed. It no longer suppresses anything;
# this says so, and names the owner who should renew or remove it.

rules["GATE-GOV-002"] := {
	"name": "Exception expired",
	"summary": "An entry of the exceptions file is past its expiry date and no longer suppresses findings.",
	"help": "**What it finds:** entries of `.gate-exceptions.yaml` whose `expires` date is in the past.\n\n**Why it matters:** exceptions are promises with a deadline; an expired one means the risk it covered is back in the verdict.\n\n**Example:** `- rule: GATE-SEC-001, path: tests/**, reason: fixture keys, owner: '@sec', expires: 2020-01-01`: the test keys it covered count again.\n\n**How to fix:** fix the underlying finding, or have the owner renew the exception with a new date and reason.",
	"tags": ["governance", "exceptions"],
	"security_severity": 2.0,
	"risk_points": "20",
}

warn contains {
	"rule": "GATE-GOV-002",
	"message": sprintf("exception for %s%s expired on %s (owner %s, reason: %s): it no longer suppresses; fix the finding, or renew the exception with its owner (a new expires date)", [e.rule, scope(e), e.expires, e.owner, e.reason]),
	"path": ".gate-exceptions.yaml",
	"line": 1,
	"risk": 20,
	"risk_reason": "expired exception",
	"fingerprint": concat("|", [e.rule, text(e, "path"), text(e, "resource"), text(e, "fingerprint"), e.expires]),
} if {
	some e in input.exceptions
	e.expired
}

# An exception is scoped by any of path, resource and fingerprint, or by none (every finding
# of the rule); absent and null fields are the same.
scope(e) := concat("", [sprintf(" %s %s", [label, text(e, k)]) |
	some [k, label] in [["path", "on"], ["resource", "for resource"], ["fingerprint", "for fingerprint"]]
	text(e, k) != ""
])

text(e, k) := e[k] if is_string(e[k]) else := ""
