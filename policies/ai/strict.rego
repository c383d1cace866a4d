package gate.ai

# The strict profile (`ai.strict`, on by default) for AI-authored changes: the listed rules
# weigh more and an AI-authored change cannot `gate:allow` their findings in a comment it adds
# itself. It applies to these rules only, because their findings were right on the replayed
# history of real repositories (bench/provenance_eval.py; figures and commands in
# bench/RESULTS.md, "AI provenance and agent-change rules"): strictness must never turn a
# wrong finding into a deny or a bigger score. A rule joins the list with its figure.
# rule -> its precision on the hand-labelled findings (bench/ai_findings_labels.tsv). Not
# listed, and why: GATE-AI-002 (10/18 before the context fixes measured on the same sample),
# GATE-AI-003 (1 useful of 5 in the #15 replay), GATE-AI-004 (4/25), GATE-AI-008 (3/21),
# GATE-AI-006 (not labelled yet), and every other domain's rule (GATE-DEP-002 denied a correct
# go.mod `replace`; GATE-TEL-001 was wrong on 3 of 12 in the #15 replay).
strict_rules := {
	"GATE-AI-005": "suppression added: 54/54 labelled findings right",
	"GATE-AI-007": "agent instructions changed: 24 of 30 labelled findings right; the 6 wrong ones (documentation pages, Kiro specs, a mode change) no longer match (unit tests)",
}

# The rules the strict profile applies to in this change (empty unless it is AI-authored
# and `ai.strict` is on). Other packages test membership: `"GATE-X" in data.gate.ai.strict_profile`.
strict_profile contains rule if {
	ai
	data.gate.config.ai.strict
	some rule, _ in strict_rules
}

# Weight of an agent-change finding: more when the change is AI-authored, more again under
# the strict profile.
weight(rule, base) := (base + ai_extra) + strict_extra(rule)

ai_extra := 15 if ai else := 0

strict_extra(rule) := 10 if {
	rule in strict_profile
} else := 0

ai_note := " (AI-authored change)" if ai else := ""
