package gate.ai

# GATE-AI-001: the change is AI-authored: a commit of the range carries an agent's identity,
# trailer or footer, the head branch is an agent's, a label says so, or --ai.
# A note: authorship is not a defect, but reviewers should know, and the stricter profile
# (ai.strict) raises the weight of other findings on such changes.

rules["GATE-AI-001"] := {
	"name": "AI-authored change",
	"summary": "Signals show that an AI assistant wrote part of the change.",
	"help": concat("\n", [
		"**What it finds:** commits an agent wrote or co-wrote, each named with its signal: the agent as author or committer (its address, GitHub bot login, or aider's `Name (aider)`), a `Co-authored-by:` line anywhere in the message (squash merges keep them mid-body), `Assisted-by:`/`Agent-Signature:` trailers, agent footers (`Generated with [Claude Code]`, `_codex-... on behalf of ..._`, Devin's session link, `Copilot-Session:`, `Made-with: Cursor`), merge commits of agent branches, the pull request's head branch from CI (`copilot/`, `devin/`, `codex/`, `claude/`, `cursor/`, ...), AI labels, or `--ai`. The agents and their sources are listed in docs/provenance.md; add your own under `ai.agents`. A company's domain is never an agent.",
		"",
		"**Why it matters:** agent-written code tends to pass review on looks, and agents take shortcuts to get a change green; gate weighs the agent-change rules (GATE-AI-004..008) more, and applies the strict profile (`ai.strict`) to the rules whose replayed precision is high.",
		"",
		"**Example:** `AI-authored change (claude): 1 of 3 commits — 0123456789ab trailer Co-authored-by: Claude <noreply@anthropic.com>`.",
		"",
		"**How to fix:** nothing to fix: review the named commits as agent-written. If a signal is wrong (a person, not an agent), say so in an issue: the identity table is data.",
	]),
	"tags": ["ai", "provenance", "informational"],
	"security_severity": 1.0,
	"risk_points": "0 (note)",
}

ai := input.provenance.ai_generated

info contains {
	"rule": "GATE-AI-001",
	"message": sprintf("AI-authored change (%s): %s%s%s — review these commits as agent-written", [
		concat(", ", input.provenance.agents),
		commit_count,
		concat("; ", shown_signals),
		more_signals,
	]),
	"risk": 0,
} if ai

# At most this many signals are spelled out in the message (all are in the facts).
max_shown := 6

describe(s) := sprintf("%s %s %s", [s.commit, s.kind, s.value]) if s.commit != null

describe(s) := sprintf("%s %s", [s.kind, s.value]) if s.commit == null

shown_signals := [describe(s) | some i, s in input.provenance.signals; i < max_shown]

more_signals := sprintf(" (and %d more)", [n]) if {
	n := count(input.provenance.signals) - max_shown
	n > 0
} else := ""

commit_count := sprintf("%d of %d commits — ", [input.provenance.ai_commits, input.provenance.commits]) if {
	input.provenance.ai_commits > 0
} else := ""
