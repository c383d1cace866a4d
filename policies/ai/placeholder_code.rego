package gate.ai

# GATE-AI-002: placeholder code in added source lines: `TODO: implement`, `pass  # ...`,
# `raise NotImplementedError`, `todo!()`, "in a real implementation ...".

rules["GATE-AI-002"] := {
	"name": "Placeholder code",
	"summary": "Added source lines contain a placeholder where an implementation belongs.",
	"help": concat("\n", [
		"**What it finds:** `TODO: implement`, `raise NotImplementedError`, `unimplemented!()`/`todo!()`, `throw new Error(\"not implemented\")`, `pass  # …`, comments such as \"in a real implementation\" or \"// ... existing code\" in added lines of source files (tests excluded). Not placeholders, and not reported: abstract methods and interface stubs (`@abstractmethod`, a method of an `ABC`/`Protocol`/`Interface`/abstract class, a method whose whole body is the raise, as a base class's stub for subclasses), \"not supported\"/\"unsupported\" errors, and `pass  # comment` in an `except` block (a swallowed error, GATE-TEL-002's business).",
		"",
		"**Why it matters:** assistants leave stubs that compile and look finished; they fail at run time, in production.",
		"",
		"**Example:** `placeholder left in added code: \"TODO: implement\"` at billing/invoice.py:42, above a `return 0` in `def refund_total(invoice):`.",
		"",
		"**How to fix:** implement it, or remove the code path until it is; an intended abstract method says so (`@abstractmethod`, an abstract class).",
	]),
	"tags": ["ai", "correctness"],
	"security_severity": 4.0,
	"risk_points": "25; +15 in an AI-authored change",
}

warn contains {
	"rule": "GATE-AI-002",
	"message": sprintf("placeholder left in added code: %q%s: implement it or remove the code path until it is", [s.detail, ai_note]),
	"path": s.path,
	"line": s.line,
	"risk": weight("GATE-AI-002", 25),
	"risk_reason": "placeholder instead of an implementation",
} if {
	some s in input.smells
	s.kind == "placeholder"
}
