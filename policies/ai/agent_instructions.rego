package gate.ai

# GATE-AI-007: the change edits agent instruction files (AGENTS.md, CLAUDE.md, .claude/,
# .cursorrules, .cursor/rules, .github/copilot-instructions.md, ...): a governance change.

rules["GATE-AI-007"] := {
	"name": "Agent instructions changed",
	"summary": "The change adds, edits or deletes a file that steers coding agents.",
	"help": concat("\n", [
		"**What it finds:** AGENTS.md (anywhere), CLAUDE.md, GEMINI.md, `.claude/` (settings, commands, hooks), `.cursorrules`, `.cursor/`, `.github/copilot-instructions.md`, `.github/instructions/`, `.github/prompts/`, Copilot's `copilot-setup-steps.yml`, `.windsurfrules`, `.clinerules`, `.mcp.json`, `.aider.conf.yml`, and the `.codex/`, `.gemini/`, `.openhands/`, `.junie/`, `.roo/`, `.kiro/`, `.continue/`, `.amazonq/` directories.",
		"",
		"**Why it matters:** these files steer every later agent change: an edit that says \"skip the slow tests\" or widens an agent's permissions is a policy change for the repository. An agent editing its own instructions deserves a maintainer's eyes.",
		"",
		"**Example:** `CLAUDE.md modified (+3 −1 lines)`.",
		"",
		"**How to fix:** have a maintainer review the instruction change itself (CODEOWNERS on these paths helps); keep it in its own pull request.",
	]),
	"tags": ["ai", "governance"],
	"security_severity": 3.0,
	"risk_points": "15; +15 in an AI-authored change, +10 more under the strict AI profile",
}

warn contains {
	"rule": "GATE-AI-007",
	"message": sprintf("agent instruction file %s (%s) %s%s: these files steer every later agent change; have a maintainer review the change itself", [s.path, s.tool, s.detail, ai_note]),
	"path": s.path,
	"line": s.line,
	"risk": weight("GATE-AI-007", 15),
	"risk_reason": "agent governance change",
	"fingerprint": concat("|", ["GATE-AI-007", s.path]),
} if {
	some s in input.smells
	s.kind == "agent_instructions"
}
