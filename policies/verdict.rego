package gate.verdict

# Stage 2: the change's score, band and decision from the findings of stage 1.
# input: {"facts": <facts>, "findings": [<active findings>]}; data.gate.config: the resolved
# configuration (thresholds). Replace this file (a user policy at verdict.rego) to weigh risk
# differently. docs/risk.md explains the model with worked examples.
#
# The model, in integer points so a reviewer can recompute it:
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

categories := {f.category | some f in input.findings}

# Risks of a category, largest first.
risks(cat) := array.reverse(sort([f.risk | some f in input.findings; f.category == cat]))

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

band := "critical" if score >= 80
else := "high" if score >= 55
else := "medium" if score >= 25
else := "low"

errors := [f | some f in input.findings; f.level == "error"]

warnings := [f | some f in input.findings; f.level == "warning"]

decision := "fail" if {
	count(errors) > 0
} else := "fail" if {
	score >= thresholds.fail
} else := "warn" if {
	count(warnings) > 0
} else := "warn" if {
	score >= thresholds.warn
} else := "pass"

reasons contains sprintf("%d blocking finding(s) (deny)", [count(errors)]) if count(errors) > 0

reasons contains sprintf("risk %d is at or above the fail threshold %d", [score, thresholds.fail]) if score >= thresholds.fail

reasons contains sprintf("risk %d is at or above the warn threshold %d", [score, thresholds.warn]) if {
	score >= thresholds.warn
	score < thresholds.fail
}

reasons contains sprintf("%d warning(s)", [count(warnings)]) if count(warnings) > 0

# How each category adds up to the score, largest first.
contributors := [c |
	some i, pc in ranked
	cat := pc[1]
	rs := risks(cat)
	top := [f | some f in input.findings; f.category == cat; f.risk == rs[0]][0]
	points := contribution(i, pc[0])
	c := {
		"category": cat,
		"points": points,
		"rule": top.rule,
		"reason": sprintf("%s: %d finding(s), top risk %d (%s)%s%s", [
			cat, count(rs), rs[0], top.message,
			capped_note(cat), half_note(i),
		]),
	}
]

capped_note(cat) := sprintf(", capped at %d", [caps[cat]]) if {
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
