package gate.dependencies

# GATE-DEP-002: a dependency added to a manifest that its committed lockfile does not have:
# the build will resolve it fresh, unpinned and unreviewed.

rules["GATE-DEP-002"] := {
	"name": "Dependency missing from lockfile",
	"summary": "A dependency was added to a manifest without updating the committed lockfile.",
	"help": concat("\n", [
		"**What it finds:** new or changed dependencies of package.json, Cargo.toml, pyproject.toml, go.mod or Gemfile that the lockfile beside the manifest (package-lock.json, yarn.lock, pnpm-lock.yaml, Cargo.lock, poetry.lock, uv.lock, go.sum, Gemfile.lock) does not contain after the change.",
		"",
		"**Why it matters:** the lockfile is what CI and production install; a manifest-only change resolves whatever the registry serves at build time, which is how typo- and slopsquatted packages get in.",
		"",
		"**Example:** `\"left-pad\": \"^1.3.0\"` added to package.json while package-lock.json, committed beside it, was not updated.",
		"",
		"**How to fix:** run the package manager's install (`npm install`, `cargo update -p`, `poetry lock`, `go mod tidy`, `bundle install`) and commit the lockfile.",
	]),
	"tags": ["dependencies", "supply-chain", "lockfile"],
	"security_severity": 5.5,
	"risk_points": "45 / 60 (deny) in an AI-authored change",
}

# A forced version (npm override, yarn resolution) is locked only where a package of the tree
# has it: npm writes no entry for an override of a package outside the tree.
missing(d) if {
	d.direct
	not object.get(d, "forced", false)
	d.change in {"added", "upgraded", "downgraded", "source_changed"}
	d.in_lockfile == false
}

warn contains finding(d, "GATE-DEP-002", sprintf("%s %s is in %s but not in its lockfile%s; run the package manager's install and commit the lockfile", [d.ecosystem, d.name, d.manifest, lock_note(d)]), 45, "dependency not locked") if {
	some d in input.dependencies
	missing(d)
	not strict_for("GATE-DEP-002")
}

deny contains finding(d, "GATE-DEP-002", sprintf("%s %s is in %s but not in its lockfile%s (AI-authored change: strict profile); run the package manager's install and commit the lockfile", [d.ecosystem, d.name, d.manifest, lock_note(d)]), 60, "dependency not locked in an AI-authored change") if {
	some d in input.dependencies
	missing(d)
	strict_for("GATE-DEP-002")
}

lock_note(d) := " (the lockfile was not updated)" if not d.lockfile_changed else := ""
