package gate.ai_test

# GATE-AI-005

test_ai_005_security_suppression_weighs_more if {
	lint := smell("suppression_added", null, {"path": "app.py", "detail": "1 suppression added: `# type: ignore`", "security": false})
	sec := smell("suppression_added", null, {"path": "app.py", "detail": "1 suppression added: `# nosec`", "security": true})
	l := finding_for(with_smells(base, [lint]), "GATE-AI-005")
	s := finding_for(with_smells(base, [sec]), "GATE-AI-005")
	count(l) == 1
	s[0].risk > l[0].risk
	contains(s[0].message, "security scanner")
	s[0].risk_reason == "security check silenced"
	contains(l[0].message, "fix what the checker reports")
	not contains(l[0].message, "security scanner")
}
