package gate.dependencies

# GATE-DEP-001: a new direct dependency. A note for the reviewer; under the strict profile for
# AI-authored changes, a warning.

rules["GATE-DEP-001"] := {
	"name": "New dependency",
	"summary": "The change adds a direct dependency.",
	"help": concat("\n", [
		"**What it finds:** packages added to a manifest (package.json, Cargo.toml, requirements*.txt, pyproject.toml, go.mod, Gemfile, pom.xml). A note; a warning under the strict profile for AI-authored changes (`ai.strict`).",
		"",
		"**Why it matters:** every dependency is code you run and trust; assistants add them freely.",
		"",
		"**Example:** `\"left-pad\": \"^1.3.0\"` added to the dependencies of package.json.",
		"",
		"**How to fix:** confirm the package is the one you meant, maintained, and needed; nothing else to do.",
	]),
	"tags": ["dependencies", "supply-chain"],
	"security_severity": 2.0,
	"risk_points": "5 (note) / 20 in an AI-authored change",
}

info contains finding(d, "GATE-DEP-001", sprintf("new %s dependency %s %s: confirm it is the package you meant and that it is maintained", [d.ecosystem, d.name, d.to]), 5, "new dependency") if {
	some d in input.dependencies
	d.direct
	added(d)
	not strict_for("GATE-DEP-001")
	# A whole tree (`--all`) is not a change: every dependency would be "new".
	not whole_tree
}

warn contains finding(d, "GATE-DEP-001", sprintf("new %s dependency %s %s in an AI-authored change: confirm it is needed and real", [d.ecosystem, d.name, d.to]), 20, "new dependency in an AI-authored change") if {
	some d in input.dependencies
	d.direct
	added(d)
	strict_for("GATE-DEP-001")
	not whole_tree
}

whole_tree if input.change.mode == "all"
