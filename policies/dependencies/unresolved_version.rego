package gate.dependencies

# GATE-DEP-012: a dependency whose version gate cannot resolve from the change (a Maven
# property or managed version defined in a parent pom or an imported BOM): said, never
# silently dropped, because its version changes and advisories cannot be judged.

rules["GATE-DEP-012"] := {
	"name": "Dependency version not resolved",
	"summary": "A changed dependency's version comes from outside the change and was not checked.",
	"help": concat("\n", [
		"**What it finds:** dependencies added or changed whose version is a reference gate cannot resolve inside the manifest: a Maven `${property}` defined in a parent pom or on the command line, a version managed by the parent or by an imported BOM.",
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

info contains finding(d, "GATE-DEP-012", sprintf("%s %s: version not resolved (%s); its version and advisories were not checked: check the version it resolves to, or declare it in this manifest", [d.ecosystem, d.name, d.unresolved]), 5, "unresolved version") if {
	some d in input.dependencies
	d.change in {"added", "upgraded", "downgraded", "source_changed", "constraint_changed"}
	d.unresolved != null
}
