package gate.dependencies

# GATE-DEP-001: a new direct dependency. A note for the reviewer; under the strict profile for
# AI-authored changes, a warning.

rules["GATE-DEP-001"] := {
	"name": "New dependency",
	"summary": "The change adds a direct dependency.",
	"help": concat("\n", [
		"**What it finds:** packages added to a manifest (package.json, Cargo.toml, requirements*.txt, pyproject.toml, go.mod, Gemfile, pom.xml). A note; a warning under the strict profile for AI-authored changes (`ai.strict`). Versions forced on the tree (npm `overrides`, yarn `resolutions`, pnpm `pnpm.overrides`) are not new dependencies, and packages of the same repository (a monorepo's workspaces) are not third-party: neither is reported, except an override that swaps in another package (`npm:other@1`) or a local path, which is noted once.",
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

# A dependency that is a new third-party package: not a version forced on the tree (an npm
# override, a yarn resolution), not a package of the same repository.
new_package(d) if {
	d.direct
	added(d)
	not object.get(d, "forced", false)
	not object.get(d, "first_party", false)
}

info contains finding(d, "GATE-DEP-001", sprintf("new %s dependency %s %s: confirm it is the package you meant and that it is maintained", [d.ecosystem, d.name, d.to]), 5, "new dependency") if {
	some d in input.dependencies
	new_package(d)
	not strict_for("GATE-DEP-001")
	# A whole tree (`--all`) is not a change: every dependency would be "new".
	not whole_tree
}

warn contains finding(d, "GATE-DEP-001", sprintf("new %s dependency %s %s in an AI-authored change: confirm it is needed and real", [d.ecosystem, d.name, d.to]), 20, "new dependency in an AI-authored change") if {
	some d in input.dependencies
	new_package(d)
	strict_for("GATE-DEP-001")
	not whole_tree
}

# An override that swaps in another package (`"uri-js": "npm:uri-js-replace@^1"`) or a local
# path installs code the tree did not have: one note. Not when the lockfile shows the override
# applies to nothing (npm writes no entry for an override of a package outside the tree); git
# and URL sources are GATE-DEP-005's.
replacing_override(d) if {
	object.get(d, "forced", false)
	d.change in {"added", "source_changed"}
	d.in_lockfile != false
	replaced_by(d) != d.name
}

replaced_by(d) := d.package if {
	d.package != null
	d.source == "registry"
} else := d.to if d.source == "path"

info contains finding(d, "GATE-DEP-001", sprintf("%s override replaces %s with %s %s across the dependency tree: confirm %s is the package you meant and that it is maintained, or drop the override", [d.ecosystem, d.name, replaced_by(d), override_version(d), replaced_by(d)]), 5, "override replaces a package") if {
	some d in input.dependencies
	replacing_override(d)
	not whole_tree
}

override_version(d) := d.to if d.source == "registry" else := ""

whole_tree if input.change.mode == "all"
