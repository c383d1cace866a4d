package gate.ai

# GATE-AI-008: the change makes a CI check non-blocking, skips it, or removes it.

rules["GATE-AI-008"] := {
	"name": "CI check bypassed",
	"summary": "The change makes a CI check non-blocking or skips or removes it.",
	"help": concat("\n", [
		"**What it finds:** in GitHub Actions, GitLab CI, CircleCI, Azure Pipelines, Buildkite, Jenkins, Bitbucket, Travis and Drone files: `continue-on-error: true`, `allow_failure: true`, `continueOnError: true`, `soft_fail: true`, `if: false`, `condition: false`, `|| true` / `|| exit 0` after a test, lint or type-check command, and steps running such commands that the change removes without running them elsewhere.",
		"",
		"**Why it matters:** a red check that no longer blocks is a green pipeline that proves nothing; agents do it when they cannot make a check pass.",
		"",
		"**Example:** `adds continue-on-error: true` in .github/workflows/ci.yml.",
		"",
		"**How to fix:** keep the check blocking and fix what fails; quarantine a flaky job with an issue and an owner, in its own reviewed pull request.",
	]),
	"tags": ["ai", "ci", "verification"],
	"security_severity": 4.5,
	"risk_points": "30; +15 in an AI-authored change",
}

warn contains {
	"rule": "GATE-AI-008",
	"message": sprintf("%s (%s): %s%s: keep the check blocking and fix what fails", [s.path, s.tool, s.detail, ai_note]),
	"path": s.path,
	"line": s.line,
	"risk": weight("GATE-AI-008", 30),
	"risk_reason": "CI check bypassed",
	"fingerprint": concat("|", ["GATE-AI-008", s.path]),
} if {
	some s in input.smells
	s.kind == "ci_check_bypassed"
}
