package gate.ai_test

# GATE-AI-001

test_ai_001_ai_change_is_noted if {
	some i in data.gate.ai.info with input as ai
	i.rule == "GATE-AI-001"
	contains(i.message, "AI-authored change (claude): 1 of 2 commits — 0123456789ab trailer Co-authored-by: Claude <noreply@anthropic.com>")
	contains(i.message, "review these commits as agent-written")
	count(data.gate.ai.info) == 0 with input as base
}

test_ai_001_branch_signal_and_long_lists if {
	many := [{"kind": "trailer", "value": sprintf("Co-authored-by: Claude <noreply@anthropic.com> %d", [n]), "commit": sprintf("c%d", [n]), "agent": "claude"} | some n in numbers.range(1, 9)]
	branch := [{"kind": "branch", "value": "copilot/fix-1 (GITHUB_HEAD_REF)", "commit": null, "agent": "copilot"}]
	p := {"ai_generated": true, "agents": ["claude", "copilot"], "commits": 9, "ai_commits": 9, "signals": array.concat(branch, many)}
	some i in data.gate.ai.info with input as object.union(base, {"provenance": p})
	i.rule == "GATE-AI-001"
	contains(i.message, "branch copilot/fix-1 (GITHUB_HEAD_REF)")
	contains(i.message, "(and 4 more)")
}
