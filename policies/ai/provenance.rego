package gate.ai

# GATE-AI-001: the change is AI-authored (a commit trailer, a bot author, a label or --ai).
# A note: authorship is not a defect, but reviewers should know, and the stricter profile
# (ai.strict) raises the weight of other findings on such changes.

rules["GATE-AI-001"] := {
	"name": "AI-authored change",
	"summary": "Signals show that an AI assistant wrote part of the change.",
	"help": "**What it finds:** `Co-authored-by` trailers of assistants (matched on their email or bot id), `Assisted-by`/`Generated-by` trailers, assistant bot authors, AI labels on the pull request, or `--ai`.\n\n**Why it matters:** assistant-written code tends to pass review on looks; gate applies a stricter profile to it (see `ai.strict`).\n\n**How to fix:** nothing to fix; review accordingly.",
	"tags": ["ai", "provenance", "informational"],
	"security_severity": 1.0,
}

ai := input.provenance.ai_generated

strict if {
	ai
	data.gate.config.ai.strict
}

info contains {
	"rule": "GATE-AI-001",
	"message": sprintf("AI-authored change: %s", [concat("; ", [sprintf("%s %s", [s.kind, s.value]) | some s in input.provenance.signals])]),
	"risk": 0,
} if ai
