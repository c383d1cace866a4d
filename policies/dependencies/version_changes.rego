package gate.dependencies

# GATE-DEP-006: major-version bumps, downgrades, and versions left unpinned where nothing else
# pins them.

rules["GATE-DEP-006"] := {
	"name": "Risky version change",
	"summary": "A dependency moves to a new major version, goes back to an older one, or is not pinned.",
	"help": concat("\n", [
		"**What it finds:** major bumps (`express ^4` to `^5`; for 0.x versions the minor counts as major and is said so, except in Go, where `go get -u` takes a v0 minor as an upgrade and a breaking major is a new module path), downgrades (versions are compared normalized: `>=3.6` and `>=3.6.0` are the same), wildcard requirements (`*`, `latest`), and unpinned requirements in files that are their own lock (requirements*.txt) unless a committed lockfile pins them. The bumps of one change share one risk budget, so a routine group bump stays a warning; a package moved the same way in several manifests is one finding, naming them. Bumps of development dependencies (devDependencies, dev groups, dev-dependencies, test scopes, requirements files named for development: `requirements-dev.txt`, `requirements/docs.txt`, `docs/requirements.txt`) are not reported, nor are they when left unpinned: they run in CI, where a breaking release shows as a failed run.",
		"Manifests under example and sample directories (`examples/`, `samples/`) are demonstrations, not what ships: their versions are not reported here.",
		"",
		"**Why it matters:** a major version changes behaviour by definition; a downgrade can reintroduce fixed vulnerabilities; unpinned requirements install whatever is newest at build time.",
		"",
		"**Example:** `express` `^4.18.2` -> `^5.0.0` in package.json; `django>=4.2` (no upper pin) in requirements.txt.",
		"",
		"**How to fix:** read the changelog and test the upgrade; pin requirements with `==` or use a lockfile.",
	]),
	"tags": ["dependencies", "versions"],
	"security_severity": 4.0,
	"risk_points": "30 major bump / 15 0.x minor bump, shared by the change's bumps (at least 5 each) / 35 downgrade / 25 unpinned",
}

bump_text(d) := "0.x minor bump (breaking under SemVer's 0.x rule)" if d.bump == "minor_0x" else := "major version bump"

# Development dependencies (npm devDependencies, Poetry/uv dev groups, Cargo dev-dependencies,
# test scopes) run in CI, not in production: a breaking release of a linter or a test runner
# shows up as a red CI run, so their bumps are not reported.
# A package of the same repository (a monorepo's sibling, a Cargo path dependency) moves with
# the project's own release: not a third-party risk. An example's or sample's manifest
# (`examples/celery/pyproject.toml`) is a demonstration, not what ships: how its versions move
# is its reader's concern (advisories and suspicious names are still reported there).
bumps := [d | some d in input.dependencies; d.direct; d.major_bump; not d.dev; not first_party(d); not sample(d)]

first_party(d) if object.get(d, "first_party", false)

sample(d) if object.get(d, "sample", false)

# A routine group bump (Dependabot, Renovate) moves many packages at once: their risks share
# one budget, so the bumps of one change weigh about as much as one major bump.
bump_base(d) := 15 if d.bump == "minor_0x" else := 30

bump_risk(d) := max([5, floor(bump_base(d) / count(bump_moves))])

bump_moves := {move(x) | some x in bumps}

# One package moved the same way in several manifests (pip-compile's dev.txt and docs.txt
# pinning the same Sphinx, a monorepo's package.json files) is one decision: it is reported
# once, at the first of them, naming the others.
move(d) := [d.ecosystem, d.name, d.from, d.to]

before(x, d) if x.manifest < d.manifest

before(x, d) if {
	x.manifest == d.manifest
	x.line < d.line
}

first_move(d, ds) if {
	not moved_before(d, ds)
}

moved_before(d, ds) if {
	some x in ds
	move(x) == move(d)
	before(x, d)
}

also_in(d, ds) := text if {
	o := others(d, ds)
	count(o) > 0
	text := sprintf(" (also in %s)", [concat(", ", o)])
} else := ""

others(d, ds) := sort({x.manifest | some x in ds; move(x) == move(d); x.manifest != d.manifest})

warn contains finding(d, "GATE-DEP-006", sprintf("%s %s: %s %s -> %s%s; read its changelog for breaking changes", [d.ecosystem, d.name, bump_text(d), d.from, d.to, also_in(d, bumps)]), bump_risk(d), bump_text(d)) if {
	some d in bumps
	first_move(d, bumps)
}

downgrades := [d | some d in input.dependencies; d.direct; d.change == "downgraded"; not sample(d)]

warn contains finding(d, "GATE-DEP-006", sprintf("%s %s downgraded %s -> %s%s; say why in the change, and check the versions left behind fixed no vulnerability", [d.ecosystem, d.name, d.from, d.to, also_in(d, downgrades)]), 35, "downgrade") if {
	some d in downgrades
	first_move(d, downgrades)
}

wildcard(d) if d.to in {"*", "latest", "", "x"}

unlocked_file(d) if endswith(d.manifest, ".txt")

loose(d) if wildcard(d)

loose(d) if unlocked_file(d)

warn contains finding(d, "GATE-DEP-006", sprintf("%s %s is not pinned (%s); pin an exact version or commit a lockfile", [d.ecosystem, d.name, spec(d)]), 25, "unpinned version") if {
	some d in input.dependencies
	d.direct
	d.change in {"added", "upgraded", "downgraded"}
	d.source == "registry"
	not d.pinned
	loose(d)
	# A development tool left unpinned (requests' `typecheck = ["pyright"]`) drifts in CI,
	# where a breaking release shows as a red run, as its bumps do.
	not d.dev
	not sample(d)
	# The committed lockfile pins it.
	d.in_lockfile != true
}

spec(d) := d.to if d.to != "" else := "no version"
