package gate.blast_radius

# GATE-BLA-004: CI workflows or CODEOWNERS changed: the change edits what checks and reviews
# changes.

rules["GATE-BLA-004"] := {
	"name": "CI or ownership changed",
	"summary": "The change edits CI workflows or CODEOWNERS.",
	"help": concat("\n", [
		"**What it finds:** changes to `.github/workflows/`, `.gitlab-ci.yml`, `Jenkinsfile`, `.circleci/`, `azure-pipelines.yml`, `.buildkite/` and similar, and to `CODEOWNERS`.",
		"",
		"**Why it matters:** a change to the pipeline can skip the checks that would have caught it, or exfiltrate secrets available to CI; a change to CODEOWNERS decides who must approve.",
		"",
		"**How to fix:** have a maintainer of the pipeline review it; keep pipeline changes separate from feature changes.",
	]),
	"tags": ["blast-radius", "supply-chain", "governance"],
	"security_severity": 6.0,
}

warn contains {
	"rule": "GATE-BLA-004",
	"message": sprintf("%s changed: %s", [what[f.role], f.path]),
	"path": f.path,
	"line": 1,
	"risk": 50,
	"risk_reason": sprintf("%s changed", [what[f.role]]),
} if {
	input.change.mode != "all"
	some f in input.change.files
	f.role in {"ci_workflow", "codeowners"}
}

what := {"ci_workflow": "CI workflow", "codeowners": "CODEOWNERS"}
