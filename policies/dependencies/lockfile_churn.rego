package gate.dependencies

# GATE-DEP-008: a lockfile changed while its manifest did not, and packages came: the resolved
# set grew with no declared reason. Packages that only went (a refresh that drops what nothing
# needs any more, ripgrep's and typos' `cargo update` commits) bring nothing new to trust. A refresh that only moves versions
# within the manifest's ranges (a Renovate/Dependabot lock maintenance, `npm update`) is what
# the manifest allows and is not a finding: each new version is still checked against the
# advisories (GATE-DEP-009). A manifest of a workspace member below the lockfile (npm/yarn/pnpm
# workspaces, Cargo workspaces) counts as its manifest.

rules["GATE-DEP-008"] := {
	"name": "Unexplained lockfile change",
	"summary": "A lockfile changed without a change to its manifest.",
	"help": concat("\n", [
		"**What it finds:** package-lock.json, yarn.lock, pnpm-lock.yaml, Cargo.lock, poetry.lock, uv.lock, go.sum or Gemfile.lock changes that add packages while no manifest they lock is part of the change (a workspace member's manifest below the lockfile counts); the finding names them. Versions moved within the manifest's ranges, and packages removed, are not reported alone; new versions are checked against the advisories (GATE-DEP-009).",
		"",
		"**Why it matters:** lockfile diffs are rarely read; a swapped resolved URL or an added package hides well in thousands of lines.",
		"",
		"**Example:** Cargo.lock moves five versions and adds two packages in a change that does not touch Cargo.toml.",
		"",
		"**How to fix:** regenerate lockfiles in their own reviewed change (`npm update`, `cargo update`), and say why.",
	]),
	"tags": ["dependencies", "supply-chain", "lockfile"],
	"security_severity": 4.0,
	"risk_points": "30",
}

warn contains {
	"rule": "GATE-DEP-008",
	"message": sprintf("%s brings in %d package%s no manifest change asks for%s (%d removed, %d versions moved): check where each comes from, say why, or regenerate the lockfile in its own change", [l.path, l.added, plural(l.added), named(l), l.removed, l.changed]),
	"path": l.path,
	"line": 1,
	"risk": 30,
	"risk_reason": "unexplained lockfile churn",
} if {
	some l in input.lockfiles
	not l.manifest_changed
	l.added > 0
}

plural(n) := "" if n == 1 else := "s"

# `: a, b, c +N more` from the lockfile's `added_names` (none in facts of an older gate).
named(l) := sprintf(": %s%s", [concat(", ", shown), more_than(l.added, count(shown))]) if {
	names := object.get(l, "added_names", [])
	count(names) > 0
	shown := array.slice(names, 0, 5)
} else := ""

# ` +N more` when `shown` of `n` names are listed.
more_than(n, shown) := sprintf(" +%d more", [n - shown]) if n > shown else := ""
