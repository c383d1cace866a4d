package gate.dependencies

# GATE-DEP-005: a dependency fetched from git, a URL or a local path instead of a registry.

rules["GATE-DEP-005"] := {
	"name": "Dependency from outside a registry",
	"summary": "A dependency comes from a git repository, a URL or a path.",
	"help": concat("\n", [
		"**What it finds:** direct dependencies added or changed to point at git repositories or URLs.",
		"",
		"**Why it matters:** these bypass the registry's immutability and malware scanning; a branch or URL can change under you.",
		"",
		"**Example:** `mylib @ git+https://github.com/me/mylib@main` in requirements.txt (a branch, not a commit).",
		"",
		"**How to fix:** use a published version, or pin the git dependency to a full commit hash.",
	]),
	"tags": ["dependencies", "supply-chain"],
	"security_severity": 5.0,
	"risk_points": "40 unpinned / 25 pinned",
}

warn contains finding(d, "GATE-DEP-005", sprintf("%s dependency %s comes from %s: %s%s", [d.ecosystem, d.name, d.source, d.to, pin_note(d)]), risk(d), "non-registry source") if {
	some d in input.dependencies
	d.direct
	d.change in {"added", "source_changed"}
	d.source in {"git", "url"}
}

risk(d) := 25 if d.pinned else := 40

pin_note(d) := "; prefer a published version" if d.pinned else := " (not pinned to a commit); use a published version or pin a full commit hash"
