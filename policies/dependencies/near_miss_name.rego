package gate.dependencies

# GATE-DEP-003: a new dependency whose name is a near miss of a popular package: a typo
# (`reqeusts`), a reordering or re-joining of its words, a suffix, or a popular name from
# another ecosystem. Typosquatters and "slopsquatters" register exactly these names.

rules["GATE-DEP-003"] := {
	"name": "Likely typo of a popular package",
	"summary": "A new dependency's name is a near miss of a popular package.",
	"help": concat("\n", [
		"**What it finds:** added dependencies whose names are one edit (or a swap of neighbouring letters) away from a popular package, the same words reordered or joined differently, a popular name with an affix such as `-js`, or a name popular only in another ecosystem. The popular lists ship with gate (built from registry download statistics).",
		"",
		"**Why it matters:** about one in five package names that assistants suggest does not exist, and attackers register the plausible ones (\"slopsquatting\"); typosquatting has shipped malware on npm and PyPI for years.",
		"",
		"**Example:** `reqeusts==2.31.0` in requirements.txt is a typo of `requests`.",
		"",
		"**How to fix:** use the popular package's exact name. If the name is right (an internal package), add it to `dependencies.allow` in .gate.yaml.",
	]),
	"tags": ["dependencies", "supply-chain", "typosquatting", "external/cwe/cwe-829"],
	"security_severity": 8.0,
	"risk_points": "75 (deny) near miss of a popular name / 50 possible confusion",
}

best(d) := d.similar_to[0]

describe(m) := sprintf("a likely typo of %s", [m.name]) if m.kind in {"typo", "typo2"}
else := sprintf("%s with its words reordered", [m.name]) if m.kind == "reordered"
else := sprintf("%s joined or split differently", [m.name]) if m.kind == "separator"
else := sprintf("%s with an extra prefix or suffix", [m.name]) if m.kind == "affix"
else := sprintf("a popular %s package, not a popular %s one", [m.ecosystem, "package here"])

deny contains finding(d, "GATE-DEP-003", sprintf("%s dependency %s is %s; use the exact name, or add it to dependencies.allow if it is right", [d.ecosystem, shown(d), describe(best(d))]), 75, "near miss of a popular package name") if {
	some d in input.dependencies
	d.change in {"added", "source_changed"}
	not object.get(d, "first_party", false)
	count(d.similar_to) > 0
	best(d).kind in {"typo", "separator", "reordered"}
}

warn contains finding(d, "GATE-DEP-003", sprintf("%s dependency %s is %s; check it is the package you meant, or add it to dependencies.allow", [d.ecosystem, shown(d), describe(best(d))]), 50, "possible confusion with a popular package") if {
	some d in input.dependencies
	d.change in {"added", "source_changed"}
	not object.get(d, "first_party", false)
	count(d.similar_to) > 0
	not best(d).kind in {"typo", "separator", "reordered"}
}
