package gate.dependencies

# GATE-DEP-008: a lockfile changed while its manifest did not, and packages came or went: the
# resolved set grew or shrank with no declared reason. A refresh that only moves versions
# within the manifest's ranges (a Renovate/Dependabot lock maintenance, `npm update`) is what
# the manifest allows and is not a finding: each new version is still checked against the
# advisories (GATE-DEP-009). A manifest of a workspace member below the lockfile (npm/yarn/pnpm
# workspaces, Cargo workspaces) counts as its manifest.

rules["GATE-DEP-008"] := {
	"name": "Unexplained lockfile change",
	"summary": "A lockfile changed without a change to its manifest.",
	"help": concat("\n", [
		"**What it finds:** package-lock.json, yarn.lock, pnpm-lock.yaml, Cargo.lock, poetry.lock, uv.lock, go.sum or Gemfile.lock changes that add or remove packages while no manifest they lock is part of the change (a workspace member's manifest below the lockfile counts). Versions moved within the manifest's ranges alone are not reported; new versions are checked against the advisories (GATE-DEP-009).",
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
	"message": sprintf("%s changed (+%d -%d packages, %d versions moved) but its manifest did not; say why, or regenerate it in its own change", [l.path, l.added, l.removed, l.changed]),
	"path": l.path,
	"line": 1,
	"risk": 30,
	"risk_reason": "unexplained lockfile churn",
} if {
	some l in input.lockfiles
	not l.manifest_changed
	l.added + l.removed > 0
}
