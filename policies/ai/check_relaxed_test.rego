package gate.ai_test

# GATE-AI-006

test_ai_006_check_relaxed if {
	r := finding_for(with_smells(base, [smell("check_relaxed", "check_disabled", {"path": "tsconfig.json", "tool": "typescript", "detail": "sets `strict` to false"})]), "GATE-AI-006")
	count(r) == 1
	contains(r[0].message, "tsconfig.json (typescript) sets `strict` to false")
	contains(r[0].message, "keep the setting and fix what it reports")
	r[0].risk == 25
	a := finding_for(with_smells(ai, [smell("check_relaxed", "check_disabled", {"path": "tsconfig.json", "tool": "typescript", "detail": "sets `strict` to false"})]), "GATE-AI-006")
	a[0].risk == 40
}
