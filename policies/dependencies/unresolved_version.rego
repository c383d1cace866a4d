package gate.dependencies

# GATE-DEP-012: a dependency whose version gate cannot resolve from the change (a Maven
# property or managed version defined in a parent pom or an imported BOM): said, never
# silently dropped, because its version changes and advisories cannot be judged.

rules["GATE-DEP-012"] := {
	"name": "Dependency version not resolved",
	"summary": "A changed dependency's version comes from outside the change and was not checked.",
	"help": concat("\n", [
		"**What it finds:** dependencies added or changed whose version is a reference gate cannot resolve inside the manifest: a Maven `${property}` defined in a parent pom or on the command line, a version managed by the parent or by an imported BOM. Dependencies of one manifest unresolved for the same reason (a parent bump moves every version it manages) are one note that names them.",
		"",
		"**Why it matters:** the version actually built is not visible in the change, so version moves and known vulnerabilities of that dependency were not judged.",
		"",
		"**Example:** `<version>${log4j2.version}</version>` where `log4j2.version` is set in the parent pom.",
		"",
		"**How to fix:** check the resolved version (`mvn help:effective-pom`), or declare the version (or the property) in the pom under review.",
	]),
	"tags": ["dependencies", "coverage"],
	"security_severity": 1.0,
	"risk_points": "5 (note)",
}

# Changed dependencies whose version is a reference gate cannot resolve.
unresolved_deps := [d |
	some d in input.dependencies
	d.change in {"added", "upgraded", "downgraded", "source_changed", "constraint_changed"}
	d.unresolved != null
]

# One finding per manifest and reason: a parent pom's bump moves every version it manages
# (spring-petclinic 37c7f98bf1: 20 managed starters), and one note naming them says it once.
unresolved_groups := {[d.manifest, d.ecosystem, d.unresolved] | some d in unresolved_deps}

info contains finding(d, "GATE-DEP-012", sprintf("%s %s: version not resolved (%s); its version and advisories were not checked: check the version it resolves to, or declare it in this manifest", [d.ecosystem, d.name, d.unresolved]), 5, "unresolved version") if {
	some g in unresolved_groups
	ds := unresolved_in(g)
	count(ds) == 1
	d := ds[0]
}

info contains object.union(finding(d, "GATE-DEP-012", sprintf("%d %s dependencies: version not resolved (%s): %s%s; their versions and advisories were not checked: check the versions they resolve to, or declare them in this manifest", [count(ds), d.ecosystem, d.unresolved, concat(", ", [x.name | some x in array.slice(ds, 0, 3)]), more_than(count(ds), 3)]), 5, "unresolved versions"), {
	"resource": sprintf("%s:%s", [d.ecosystem, d.manifest]),
	"fingerprint": concat("|", [d.manifest, d.ecosystem, d.unresolved]),
}) if {
	some g in unresolved_groups
	ds := unresolved_in(g)
	count(ds) > 1
	d := ds[0]
}

# The group's dependencies, in the manifest's order (by line, then name).
unresolved_in(g) := [x[2] | some x in sort([[object.get(d, "line", 0), d.name, d] |
	some d in unresolved_deps
	[d.manifest, d.ecosystem, d.unresolved] == g
])]
