package gate.governance_test

# GATE-GOV-002

test_expired_exception_is_reported if {
	i := object.union(gov({}), {"exceptions": [
		{"rule": "GATE-SEC-001", "path": "tests/**", "reason": "fake", "owner": "@sec", "expires": "2020-01-01", "expired": true},
		{"rule": "GATE-SEC-001", "path": null, "reason": "ok", "owner": "@sec", "expires": "2999-01-01", "expired": false},
	]})
	ws := data.gate.governance.warn with input as i
	count(ws) == 1
	some w in ws
	w.rule == "GATE-GOV-002"
	contains(w.message, "expired on 2020-01-01")
}

test_expired_exception_without_path_is_reported if {
	i := object.union(gov({}), {"exceptions": [
		{"rule": "GATE-INF-001", "path": null, "resource": "aws_db_instance.orders", "fingerprint": null, "reason": "migration", "owner": "@infra", "expires": "2020-01-01", "expired": true},
		{"rule": "GATE-SEC-001", "fingerprint": "0123abcd", "reason": "rotated", "owner": "@sec", "expires": "2020-02-01", "expired": true},
	]})
	ws := data.gate.governance.warn with input as i
	count(ws) == 2
	some w1 in ws
	contains(w1.message, "GATE-INF-001 for resource aws_db_instance.orders expired")
	some w2 in ws
	contains(w2.message, "GATE-SEC-001 for fingerprint 0123abcd expired")
}
