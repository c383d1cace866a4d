package gate.blast_radius_test

# GATE-BLA-002 (broad_change.rego).

test_broad_change_warns if {
	many := [file({"path": sprintf("m%d/f%d.py", [n % 7, n])}) | some n in numbers.range(1, 120)]
	some w in data.gate.blast_radius.warn with input as change(many, {})
	w.rule == "GATE-BLA-002"
	w.risk == 37
	contains(w.message, "120 files in 7 directories across 7 top-level modules")
	count(data.gate.blast_radius.warn) == 0 with input as change([file({})], small)
}

# A translation update of 60 locale files is not a broad change.
test_translations_are_not_broad if {
	locales := [file({"path": sprintf("packages/app/locales/l%d.json", [n]), "language": "json"}) | some n in numbers.range(1, 60)]
	count([w | some w in data.gate.blast_radius.warn with input as change(locales, {}); w.rule == "GATE-BLA-002"]) == 0
}
