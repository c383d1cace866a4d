package gate.dependencies

# GATE-DEP-006: major-version bumps, downgrades, and versions left unpinned where nothing else
# pins them.

rules["GATE-DEP-006"] := {
	"name": "Risky version change",
	"summary": "A dependency moves to a new major version, goes back to an older one, or is not pinned.",
	"help": concat("\n", [
		"**What it finds:** major bumps (`express ^4` to `^5`; for 0.x versions the minor counts as major), downgrades, wildcard requirements (`*`, `latest`), and unpinned requirements in files that are their own lock (requirements*.txt).",
		"",
		"**Why it matters:** a major version changes behaviour by definition; a downgrade can reintroduce fixed vulnerabilities; unpinned requirements install whatever is newest at build time.",
		"",
		"**How to fix:** read the changelog and test the upgrade; pin requirements with `==` or use a lockfile.",
	]),
	"tags": ["dependencies", "versions"],
	"security_severity": 4.0,
}

warn contains finding(d, "GATE-DEP-006", sprintf("%s %s: major version bump %s -> %s", [d.ecosystem, d.name, d.from, d.to]), 30, "major version bump") if {
	some d in input.dependencies
	d.direct
	d.major_bump
}

warn contains finding(d, "GATE-DEP-006", sprintf("%s %s downgraded %s -> %s", [d.ecosystem, d.name, d.from, d.to]), 35, "downgrade") if {
	some d in input.dependencies
	d.direct
	d.change == "downgraded"
}

wildcard(d) if d.to in {"*", "latest", "", "x"}

unlocked_file(d) if endswith(d.manifest, ".txt")

loose(d) if wildcard(d)

loose(d) if unlocked_file(d)

warn contains finding(d, "GATE-DEP-006", sprintf("%s %s is not pinned (%s)", [d.ecosystem, d.name, spec(d)]), 25, "unpinned version") if {
	some d in input.dependencies
	d.direct
	d.change in {"added", "upgraded", "downgraded"}
	d.source == "registry"
	not d.pinned
	loose(d)
}

spec(d) := d.to if d.to != "" else := "no version"
