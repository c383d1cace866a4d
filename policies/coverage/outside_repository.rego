package gate.coverage

# GATE-COV-004: content stored outside the repository (Git LFS pointers, submodules).

rules["GATE-COV-004"] := {
	"name": "Content stored outside the repository",
	"summary": "A changed file is a Git LFS pointer or a submodule: its content is not in this repository.",
	"help": concat("\n", [
		"**What it finds:** Git LFS pointer files and submodule commits in the change.",
		"",
		"**Why it matters:** the pointer is scanned, the content it points to is not.",
		"",
		"**Example:** `model.bin` committed as `version https://git-lfs.github.com/spec/v1 ...`, or a submodule moved to another commit.",
		"",
		"**How to fix:** check the LFS object or the submodule's own change with gate where it lives.",
	]),
	"tags": ["coverage"],
	"security_severity": 1.0,
	"risk_points": "0 (note)",
}

info contains {
	"rule": "GATE-COV-004",
	"message": sprintf("%s is a %s and was not checked; check it where it lives", [f.path, f.detail]),
	"path": f.path,
	"risk": 0,
} if {
	some f in unread("outside")
}
