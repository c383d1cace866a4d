package gate.verdict

# Stage 2: the change's score, band and decision from the findings of stage 1.
# input: {"facts": <facts>, "findings": [<active findings>]}; data.gate.config: the resolved
# configuration (thresholds). Replace this file (a user policy at verdict.rego) to weigh risk
# differently. docs/risk.md explains the model with worked examples.
#
# The decision: a change fails on a blocking (deny) finding that is not suppressed. Warnings
# raise the score and the band but never add up to a fail, unless the configuration opts in
# (`thresholds: {fail_on_score: true}`): then a score at or above `thresholds.fail` fails too.
# Notes inform and weigh nothing.
#
# The band is the riskiest finding's: a one-line version bump is not "critical" because it
# touched four files.
#
# The score, in integer points so a reviewer can recompute it (errors and warnings only):
#   1. Within a category, the riskiest finding counts in full and each further finding adds a
#      quarter of its risk (rounded down): many small findings add up, slowly.
#   2. Each category is capped (caps below), so one noisy category cannot drown the rest.
#   3. The score is the largest category in full plus half of the others (rounded down),
#      at most 100.

caps := {
	"secrets": 100,
	"blast_radius": 90,
	"infra": 90,
	"dependencies": 70,
	"telemetry": 40,
	"ai": 50,
	"change": 50,
	"governance": 80,
}

default_cap := 60

thresholds := data.gate.config.thresholds

fail_on_score := object.get(thresholds, "fail_on_score", false)

# The findings that weigh: errors and warnings (input.findings holds only active ones).
weighed := [f | some f in input.findings; f.level != "note"]

categories := {f.category | some f in weighed}

# Risks of a category, largest first.
risks(cat) := array.reverse(sort([f.risk | some f in weighed; f.category == cat]))

raw_points(cat) := p if {
	rs := risks(cat)
	extra := [floor(r / 4) | some i, r in rs; i > 0]
	p := rs[0] + sum(extra)
}

category_points[cat] := p if {
	some cat in categories
	p := min([raw_points(cat), object.get(caps, cat, default_cap)])
}

ranked := array.reverse(sort([[p, cat] | some cat, p in category_points]))

default score := 0

score := s if {
	count(ranked) > 0
	top := ranked[0][0]
	others := sum([floor(pc[0] / 2) | some i, pc in ranked; i > 0])
	s := min([100, top + others])
}

default top_risk := 0

top_risk := max([f.risk | some f in weighed]) if count(weighed) > 0

band := band_of(top_risk)

band_of(r) := "critical" if r >= 80
else := "high" if r >= 55
else := "medium" if r >= 25
else := "low"

errors := [f | some f in input.findings; f.level == "error"]

warnings := [f | some f in input.findings; f.level == "warning"]

score_fails if {
	fail_on_score
	score >= thresholds.fail
}

decision := "fail" if {
	count(errors) > 0
} else := "fail" if {
	score_fails
} else := "warn" if {
	count(warnings) > 0
} else := "warn" if {
	score >= thresholds.warn
} else := "pass"

reasons contains sprintf("%s (deny)", [counted(count(errors), "blocking finding", "blocking findings")]) if count(errors) > 0

reasons contains sprintf("risk %d is at or above the fail threshold %d (thresholds.fail_on_score)", [score, thresholds.fail]) if score_fails

reasons contains sprintf("risk %d reaches the fail threshold %d, but warnings alone do not fail (set thresholds.fail_on_score: true in .gate.yaml to fail on the score)", [score, thresholds.fail]) if {
	not fail_on_score
	count(errors) == 0
	score >= thresholds.fail
}

reasons contains sprintf("risk %d is at or above the warn threshold %d", [score, thresholds.warn]) if {
	score >= thresholds.warn
	score < thresholds.fail
}

reasons contains counted(count(warnings), "warning", "warnings") if count(warnings) > 0

# `1 warning`, `2 warnings`.
counted(n, one, many) := sprintf("%d %s", [n, one]) if {
	n == 1
} else := sprintf("%d %s", [n, many])

reasons contains sprintf("band %s: the riskiest finding is %s (risk %d)", [band, top_finding.rule, top_finding.risk]) if count(weighed) > 0

# The riskiest weighed finding (errors first among equals, then by rule id and message).
top_finding := sorted_weighed[0][4] if count(weighed) > 0

sorted_weighed := sort([[100 - f.risk, level_rank[f.level], f.rule, f.message, f] | some f in weighed])

level_rank := {"error": 0, "warning": 1, "note": 2}

# How each category adds up to the score, largest first, naming every rule that contributed.
contributors := [c |
	some i, pc in ranked
	cat := pc[1]
	rs := risks(cat)
	top := [f | some f in weighed; f.category == cat; f.risk == rs[0]][0]
	points := contribution(i, pc[0])
	rules := rules_of(cat)
	c := {
		"category": cat,
		"points": points,
		"rule": top.rule,
		"rules": [r.rule | some r in rules],
		"reason": sprintf("%s: %s from %s; the riskiest: %s%s%s", [
			cat, counted(count(rs), "finding", "findings"), concat(", ", [rule_note(r) | some r in rules]), top.message,
			capped_note(cat), half_note(i),
		]),
	}
]

# The rules of a category with their finding counts and top risk, riskiest first.
rules_of(cat) := [{"rule": x[1], "count": x[2], "risk": 100 - x[0]} |
	some x in sort([[100 - m, id, n] |
		some id in {f.rule | some f in weighed; f.category == cat}
		fs := [f.risk | some f in weighed; f.category == cat; f.rule == id]
		m := max(fs)
		n := count(fs)
	])
]

rule_note(r) := sprintf("%s (risk %d)", [r.rule, r.risk]) if {
	r.count == 1
} else := sprintf("%s x%d (top risk %d)", [r.rule, r.count, r.risk])

capped_note(cat) := sprintf(", capped at %d", [object.get(caps, cat, default_cap)]) if {
	raw_points(cat) > object.get(caps, cat, default_cap)
} else := ""

half_note(i) := ", counted at half (not the top category)" if {
	i > 0
} else := ""

contribution(i, p) := p if {
	i == 0
} else := floor(p / 2)

result := {
	"score": score,
	"band": band,
	"decision": decision,
	"reasons": sort([r | some r in reasons]),
	"contributors": contributors,
}
