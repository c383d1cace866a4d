package gate.ai_test

# GATE-AI-002

placeholder := [{"kind": "placeholder", "path": "app.py", "line": 4, "detail": "TODO: implement"}]

test_ai_002_placeholder_says_what_to_do if {
	w := finding_for(with_smells(base, placeholder), "GATE-AI-002")
	count(w) == 1
	w[0].path == "app.py"
	w[0].line == 4
	contains(w[0].message, "placeholder left in added code: \"TODO: implement\"")
	contains(w[0].message, "implement it or remove the code path")
	not contains(w[0].message, "AI-authored")
}

test_ai_002_weighs_more_when_ai_and_more_under_strict if {
	some h in data.gate.ai.warn with input as with_smells(base, placeholder) with data.gate.config.ai.strict as true
	h.risk == 25
	some b in data.gate.ai.warn with input as with_smells(ai, placeholder) with data.gate.config.ai.strict as false
	b.risk == 40
	contains(b.message, "(AI-authored change)")
	a := finding_for(with_smells(ai, placeholder), "GATE-AI-002") with data.gate.config.ai.strict as true with data.gate.ai.strict_rules as {"GATE-AI-002": "test"}
	a[0].risk == 50
	# Not listed in strict_rules: the strict profile does not raise it.
	c := finding_for(with_smells(ai, placeholder), "GATE-AI-002") with data.gate.config.ai.strict as true with data.gate.ai.strict_rules as {"GATE-AI-004": "x"}
	c[0].risk == 40
}

test_ai_002_no_smell_no_finding if {
	count(finding_for(with_smells(ai, [smell("duplicate_block", null, {})]), "GATE-AI-002")) == 0
}
