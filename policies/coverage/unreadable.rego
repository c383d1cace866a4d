package gate.coverage

# GATE-COV-003: a changed file whose content gate could not read safely.

rules["GATE-COV-003"] := {
	"name": "File not readable",
	"summary": "The content of a changed file could not be read safely, so it was not analyzed.",
	"help": concat("\n", [
		"**What it finds:** changed files whose content gate could not read: a path through a symlinked directory (never followed: it could lead out of the repository), or a post-image the repository does not have.",
		"",
		"**Why it matters:** analyses that need the whole file (dependencies, telemetry) did not run on it; only the diff's own lines were scanned.",
		"",
		"**Example:** a `--diff` naming `lnk/package.json` where `lnk` is a symlink to a directory outside the repository.",
		"",
		"**How to fix:** check the change with `--base` in a clone that has its commits, or replace the symlinked directory by real files.",
	]),
	"tags": ["coverage"],
	"security_severity": 3.0,
	"risk_points": "25",
}

warn contains {
	"rule": "GATE-COV-003",
	"message": sprintf("%s was not read (%s): its dependencies and telemetry were not analyzed; check the change with --base in a clone that has it", [f.path, f.detail]),
	"path": f.path,
	"risk": 25,
	"risk_reason": "file not readable",
} if {
	some f in unread("unreadable")
}
