package gate.ai_test

# GATE-AI-007

test_ai_007_agent_instructions if {
	i := finding_for(with_smells(ai, [smell("agent_instructions", "modified", {"path": "CLAUDE.md", "tool": "claude", "detail": "modified (+1 −1 lines)"})]), "GATE-AI-007")
	count(i) == 1
	contains(i[0].message, "agent instruction file CLAUDE.md (claude) modified")
	contains(i[0].message, "have a maintainer review")
	# AI-authored: +15; GATE-AI-007 is in the strict profile: +10.
	i[0].risk == 40
	n := finding_for(with_smells(ai, [smell("agent_instructions", "modified", {"path": "CLAUDE.md", "tool": "claude", "detail": "modified (+1 −1 lines)"})]), "GATE-AI-007") with data.gate.config.ai.strict as false
	n[0].risk == 30
	h := finding_for(with_smells(base, [smell("agent_instructions", "added", {"path": "AGENTS.md", "tool": "agents-md", "detail": "added (12 lines)"})]), "GATE-AI-007")
	h[0].risk == 15
}
