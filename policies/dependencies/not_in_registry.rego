package gate.dependencies

# GATE-DEP-004: with a registry snapshot configured (dependencies.registry), a new dependency
# that the registry does not serve: an invented ("hallucinated") name, free for anyone to
# register.

rules["GATE-DEP-004"] := {
	"name": "Dependency not in the registry",
	"summary": "A new dependency does not exist in the configured registry snapshot.",
	"help": concat("\n", [
		"**What it finds:** added dependencies whose names are missing from the local registry snapshot configured under `dependencies.registry` in .gate.yaml (a file of names, one per line or as the first column of a TSV). No network is used at check time.",
		"",
		"**Why it matters:** a name that does not exist today is one an attacker can register tomorrow, and assistants invent such names.",
		"",
		"**Example:** `fastapi-turbo-helpers==1.0` in requirements.txt, a name the PyPI snapshot does not have.",
		"",
		"**How to fix:** find the real package, or publish yours under a name you control (and refresh the snapshot).",
	]),
	"tags": ["dependencies", "supply-chain", "hallucination"],
	"security_severity": 8.5,
	"risk_points": "80 (deny)",
}

deny contains finding(d, "GATE-DEP-004", sprintf("%s dependency %s does not exist in the registry snapshot; find the real package name", [d.ecosystem, d.name]), 80, "nonexistent package") if {
	some d in input.dependencies
	d.change in {"added", "source_changed"}
	d.source == "registry"
	d.exists_in_registry == false
}
