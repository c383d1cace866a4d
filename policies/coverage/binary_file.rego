package gate.coverage

# GATE-COV-001: a changed file is binary. gate decides from the bytes (a NUL byte in the first
# 8000, and not UTF-16/32 text, which is decoded and scanned), never from `.gitattributes`.

rules["GATE-COV-001"] := {
	"name": "Binary file in the change",
	"summary": "A changed file is binary: no analysis but a byte scan for secrets read it.",
	"help": concat("\n", [
		"**What it finds:** changed files whose first 8000 bytes hold a NUL byte and are not UTF-16 or UTF-32 text (those are decoded and scanned like any text). gate decides this from the bytes, never from `.gitattributes`. A file in an unrecognised format is a warning: its bytes were scanned for secrets, nothing else read it. Files in recognised binary formats (PNG, ZIP, PDF, ELF, fonts ...) are not read at all and are listed in one note.",
		"",
		"**Why it matters:** one NUL byte early in a text file makes it binary to git and to most scanners, and a token after it passes unseen; a secret compressed or encoded inside a binary is invisible to any line scan.",
		"",
		"**Example:** `notes.txt` starting with `x\\0y` and holding a GitHub token on line 2: gate still finds the token, and this warning says the file is not text.",
		"",
		"**How to fix:** if the file is text, remove the NUL bytes; if it is a real binary, review it by hand, or keep it out of the repository (a release asset, an LFS store).",
	]),
	"tags": ["coverage", "secrets"],
	"security_severity": 4.0,
	"risk_points": "30 unknown binary / 0 (note) known binary format",
}

known_format(f) if is_string(f.format)

formats(fs) := "a known binary format" if count(fs) == 1 else := "known binary formats"

warn contains {
	"rule": "GATE-COV-001",
	"message": sprintf("%s is binary (%s, no known binary format): only its bytes were scanned for secrets, nothing else analyzed it; remove the NUL bytes if it is text, or review it by hand", [f.path, f.detail]),
	"path": f.path,
	"risk": 30,
	"risk_reason": "binary file not analyzed",
} if {
	some f in unread("binary")
	not known_format(f)
}

info contains {
	"rule": "GATE-COV-001",
	"message": sprintf("%s in %s %s not scanned for secrets (%s%s): review them by hand if they may hold credentials", [files(fs), formats(fs), was(fs), concat("; ", [sprintf("%s: %s", [f.path, f.format]) | some i, f in fs; i < 5]), more(fs)]),
	"risk": 0,
} if {
	fs := [f | some f in unread("binary"); known_format(f)]
	count(fs) > 0
}
