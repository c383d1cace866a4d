package gate.ai_test

# The strict profile (policies/ai/strict.rego): AI-authored changes only, `ai.strict` on, and
# only the rules listed with a replayed precision.

test_strict_profile_is_empty_for_people_and_when_off if {
	count(data.gate.ai.strict_profile) == 0 with input as base with data.gate.config.ai.strict as true
	count(data.gate.ai.strict_profile) == 0 with input as ai with data.gate.config.ai.strict as false
	not "GATE-DEP-002" in data.gate.ai.strict_profile with input as ai with data.gate.config.ai.strict as true
	not "GATE-TEL-001" in data.gate.ai.strict_profile with input as ai with data.gate.config.ai.strict as true
	"GATE-AI-005" in data.gate.ai.strict_profile with input as ai with data.gate.config.ai.strict as true
	"GATE-AI-004" in data.gate.ai.strict_profile with input as ai with data.gate.config.ai.strict as true
	not "GATE-AI-008" in data.gate.ai.strict_profile with input as ai with data.gate.config.ai.strict as true
	"GATE-X-001" in data.gate.ai.strict_profile with input as ai with data.gate.config.ai.strict as true with data.gate.ai.strict_rules as {"GATE-X-001": "test"}
}

test_strict_rules_are_gate_ids if {
	every rule, why in data.gate.ai.strict_rules {
		startswith(rule, "GATE-")
		why != ""
	}
}
