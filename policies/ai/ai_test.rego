package gate.ai_test

# Shared inputs of the gate.ai rule tests (one <rule>_test.rego per rule beside it). They live
# in ai_test.rego: with the functions in a file of another name (helpers_test.rego), regorus
# 0.x fails the calls with "binding plan not found for parameter".

base := {"provenance": {"ai_generated": false, "signals": []}, "smells": []}

ai := {"provenance": {"ai_generated": true, "agents": ["claude"], "commits": 2, "ai_commits": 1, "signals": [{"kind": "trailer", "value": "Co-authored-by: Claude <noreply@anthropic.com>", "commit": "0123456789ab", "agent": "claude"}]}, "smells": []}

smell(kind, what, over) := object.union({"kind": kind, "path": "tests/test_billing.py", "line": 12, "detail": "2 assertions removed", "what": what, "tool": "pytest", "count": 2}, over)

finding_for(input_doc, rule) := [w | some w in data.gate.ai.warn with input as input_doc; w.rule == rule]

with_smells(doc, smells) := object.union(doc, {"smells": smells})

test_helpers_build_inputs if {
	count(with_smells(base, [smell("x", null, {})]).smells) == 1
	count(finding_for(base, "GATE-AI-004")) == 0
}
