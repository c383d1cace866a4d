package gate.ai

# GATE-AI-002: placeholder code in added source lines: `TODO: implement`, `pass  # ...`,
# `raise NotImplementedError`, `todo!()`, "in a real implementation ...".

rules["GATE-AI-002"] := {
	"name": "Placeholder code",
	"summary": "Added source lines contain a placeholder where an implementation belongs.",
	"help": concat("\n", [
		"**What it finds:** `TODO: implement`, `raise NotImplementedError`, `unimplemented!()`/`todo!()`, `throw new Error(\"not implemented\")`, `pass  # …`, comments such as \"in a real implementation\" or \"// ... existing code\" in added lines of source files (tests excluded).",
		"",
		"**Why it matters:** assistants leave stubs that compile and look finished; they fail at run time, in production.",
		"",
		"**How to fix:** implement it, or remove the code path until it is.",
	]),
	"tags": ["ai", "correctness"],
	"security_severity": 4.0,
}

warn contains {
	"rule": "GATE-AI-002",
	"message": sprintf("placeholder left in added code: %q", [s.detail]),
	"path": s.path,
	"line": s.line,
	"risk": weight("GATE-AI-002", 25),
	"risk_reason": "placeholder instead of an implementation",
} if {
	some s in input.smells
	s.kind == "placeholder"
}
