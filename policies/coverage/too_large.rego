package gate.coverage

# GATE-COV-002: a file too large to read whole under --all.

rules["GATE-COV-002"] := {
	"name": "File too large to scan",
	"summary": "A file is 64 MiB or larger and was not read.",
	"help": concat("\n", [
		"**What it finds:** with `--all`, files of 64 MiB or more, which gate does not read whole.",
		"",
		"**Why it matters:** nothing in the file was scanned; a clean result does not vouch for it.",
		"",
		"**Example:** a 200 MB `dump.sql` with credentials in its first lines.",
		"",
		"**How to fix:** keep dumps, logs and media out of the repository, or scan the file with a streaming tool; add it to `ignore:` in .gate.yaml once it is known and reviewed (it is then listed by GATE-COV-005).",
	]),
	"tags": ["coverage", "secrets"],
	"security_severity": 4.0,
	"risk_points": "30",
}

warn contains {
	"rule": "GATE-COV-002",
	"message": sprintf("%s was not read (%s): nothing in it was scanned; keep it out of the repository or scan it separately", [f.path, f.detail]),
	"path": f.path,
	"risk": 30,
	"risk_reason": "file too large to scan",
} if {
	some f in unread("too_large")
}
