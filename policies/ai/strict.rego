package gate.ai

# The strict profile (`ai.strict`, on by default) for AI-authored changes: the listed rules
# weigh more and an AI-authored change cannot `gate:allow` their findings in a comment it adds
# itself. It applies to these rules only, because their findings were right on the replayed
# history of real repositories (bench/provenance_eval.py; figures and commands in
# bench/RESULTS.md, "AI provenance and agent-change rules"): strictness must never turn a
# wrong finding into a deny or a bigger score. A rule joins the list with its figure.
# rule -> its precision on the hand-labelled findings (bench/ai_findings_labels.tsv), measured
# with the session-6 build on the 105 labelled commits (bench/RESULTS.md, "AI-authored changes,
# session 6"). A rule joins at 80% or more with at least 8 labelled findings. Not listed, and
# why: GATE-AI-003 (1 useful of 5 in the #15 replay), GATE-AI-006 (5 of 7 right), GATE-AI-008
# (3 of 3 right: too few findings to be a measurement), and every other domain's rule
# (GATE-DEP-002 denied a correct go.mod `replace`; GATE-TEL-001 was wrong on 3 of 12 in the #15
# replay). The figures are on the sample the fixes were written against, not held out.
strict_rules := {
	"GATE-AI-002": "placeholder: 10/10 labelled findings still reported right (the 8 wrong ones no longer reported)",
	"GATE-AI-004": "tests weakened: 7 of 8 findings right (one per change across more than 3 files)",
	"GATE-AI-005": "suppression added: 48/48 labelled findings right",
	"GATE-AI-007": "agent instructions changed: 24/24 labelled findings right; the 6 wrong ones no longer match",
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
