package gate.ai_test

# GATE-AI-008

test_ai_008_ci_check_bypassed if {
	c := finding_for(with_smells(base, [smell("ci_check_bypassed", "continue_on_error", {"path": ".github/workflows/ci.yml", "tool": "github-actions", "detail": "adds `continue-on-error: true`"})]), "GATE-AI-008")
	count(c) == 1
	contains(c[0].message, ".github/workflows/ci.yml (github-actions): adds `continue-on-error: true`")
	contains(c[0].message, "keep the check blocking")
	c[0].risk == 30
	a := finding_for(with_smells(ai, [smell("ci_check_bypassed", "or_true", {"path": ".gitlab-ci.yml", "tool": "gitlab-ci", "detail": "adds `|| true` after `pytest`"})]), "GATE-AI-008")
	a[0].risk >= 45
}
