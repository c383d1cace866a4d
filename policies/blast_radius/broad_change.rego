package gate.blast_radius

# GATE-BLA-002: a code change that spreads across many files or top-level modules.

rules["GATE-BLA-002"] := {
	"name": "Broad change",
	"summary": "The change touches many files, directories or top-level modules.",
	"help": concat("\n", [
		"**What it finds:** changes touching 50 or more files, 20 or more directories, or 6 or more top-level modules (generated files and tests count too).",
		"",
		"**Why it matters:** review quality falls with size; broad changes hide the one line that matters.",
		"",
		"**How to fix:** split the change by module or concern.",
	]),
	"tags": ["blast-radius", "review"],
	"security_severity": 3.0,
}

st := input.change.stats

broad if st.files >= 50

broad if st.directories >= 20

broad if st.top_level >= 6

warn contains {
	"rule": "GATE-BLA-002",
	"message": sprintf("broad change: %d files in %d directories across %d top-level modules", [st.files, st.directories, st.top_level]),
	"risk": min([60, 25 + floor(st.files / 10)]),
	"risk_reason": "change breadth",
} if {
	input.change.mode != "all"
	broad
}
