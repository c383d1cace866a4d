package gate.dependencies

# GATE-DEP-009, GATE-DEP-010, GATE-DEP-011: package versions the change brings in (direct ones
# from manifests, transitive ones from lockfiles) against the configured OSV advisories
# (`dependencies.advisories` or `--advisories`), matched offline with each ecosystem's
# version ordering.

rules["GATE-DEP-009"] := {
	"name": "Known vulnerability in a dependency",
	"summary": "A package version the change adds or moves to has a published vulnerability.",
	"help": concat("\n", [
		"**What it finds:** direct and transitive package versions that the change adds or moves to and that an OSV advisory of the configured databases affects (`dependencies.advisories` in .gate.yaml or `--advisories PATH`: osv.dev exports, the GitHub, PyPA, Go or RustSec databases). Critical and high severities fail the change (`dependencies.block_severities`); the others, and advisories without a severity, warn; RustSec's informational advisories (unmaintained, unsound) are notes.",
		"",
		"**Why it matters:** a known vulnerability is the easiest one to exploit: its advisory tells attackers where to look.",
		"",
		"**Example:** `requests==2.30.0` in requirements.txt is affected by PYSEC-2023-74 (GHSA-j8r2-6x86-q33q), fixed in 2.31.0.",
		"",
		"**How to fix:** move to the fixed version the message names (in the manifest, or with the package manager's update for a transitive package and commit the lockfile). If the vulnerable code is not reachable, suppress the finding with an exception that says why.",
	]),
	"tags": ["dependencies", "supply-chain", "vulnerability", "external/cwe/cwe-1395"],
	"security_severity": 8.0,
	"risk_points": "90 critical / 75 high / 45 medium / 25 low / 40 unknown severity (deny at dependencies.block_severities) / 10 (note) informational",
}

rules["GATE-DEP-010"] := {
	"name": "Known malicious package",
	"summary": "A dependency is a package recorded as malicious.",
	"help": concat("\n", [
		"**What it finds:** dependencies (direct or transitive) named in a malicious-package record of the configured advisories: OpenSSF malicious-packages `MAL-` records, GitHub malware advisories. It always fails the change.",
		"",
		"**Why it matters:** these packages steal credentials, open shells or mine on install; a version-less record means every version is malicious.",
		"",
		"**Example:** a `MAL-` record for `lodahs` on npm, and `\"lodahs\": \"^1.0.0\"` in package.json.",
		"",
		"**How to fix:** remove the package, use the real one it imitates, and treat every machine that installed it as compromised (rotate the credentials it could read).",
	]),
	"tags": ["dependencies", "supply-chain", "malware", "external/cwe/cwe-506"],
	"security_severity": 10.0,
	"risk_points": "100 (deny)",
}

rules["GATE-DEP-011"] := {
	"name": "Upgrade fixes known vulnerabilities",
	"summary": "The change moves a dependency away from versions known advisories affect.",
	"help": "**What it finds:** upgrades of direct or transitive packages from a version the configured advisories affect to one they do not.\n\n**Why it matters:** a reviewer should know a bump is a security fix: it is worth merging soon, and backporting.\n\n**Example:** `requests` 2.30.0 -> 2.31.0 fixes PYSEC-2023-74.\n\n**How to fix:** nothing to fix; consider releasing the change promptly.",
	"tags": ["dependencies", "vulnerability"],
	"security_severity": 0.1,
	"risk_points": "0 (note)",
}

adv_loc(a) := {"path": a.manifest, "line": a.line}

ids(a) := concat(", ", array.concat([a.id], a.aliases))

aliases_note(a) := sprintf(" (%s)", [concat(", ", a.aliases)]) if count(a.aliases) > 0 else := ""

version_text(a) := a.version if a.version != null else := "(any version)"

fix_note(a) := sprintf("; fixed in %s: upgrade to %s or later", [a.fixed, a.fixed]) if a.fixed != null else := "; no fixed version is recorded: replace the package or suppress with a reason"

severity_text(a) := "severity unknown" if a.severity == "unknown" else := sprintf("%s, CVSS %.1f", [a.severity, a.score]) if a.score != null else := a.severity

transitive_note(a) := "" if a.direct else := " (transitive)"

adv_risk := {"critical": 90, "high": 75, "medium": 45, "low": 25, "unknown": 40}

blocking(a) if a.severity in {s | some s in data.gate.config.dependencies.block_severities}

vuln_message(a) := sprintf("%s %s %s%s has a known vulnerability %s%s [%s]: %s%s", [
	a.ecosystem, a.name, version_text(a), transitive_note(a), a.id, aliases_note(a), severity_text(a), a.summary, fix_note(a),
])

adv_finding(a, rule, msg, risk, why) := object.union(adv_loc(a), {
	"rule": rule,
	"message": msg,
	"risk": risk,
	"risk_reason": why,
	"resource": sprintf("%s:%s@%s", [a.ecosystem, a.name, version_text(a)]),
	"fingerprint": concat("|", [a.manifest, a.ecosystem, a.name, version_text(a), a.id]),
})

vulnerable(a) if {
	a.kind == "vulnerable"
	a.informational == null
}

deny contains adv_finding(a, "GATE-DEP-009", vuln_message(a), adv_risk[a.severity], sprintf("known %s vulnerability", [a.severity])) if {
	some a in input.advisories
	vulnerable(a)
	blocking(a)
}

warn contains adv_finding(a, "GATE-DEP-009", vuln_message(a), adv_risk[a.severity], sprintf("known %s vulnerability", [a.severity])) if {
	some a in input.advisories
	vulnerable(a)
	not blocking(a)
}

info contains adv_finding(a, "GATE-DEP-009", sprintf("%s %s %s%s: %s advisory %s%s: %s; plan a replacement", [a.ecosystem, a.name, version_text(a), transitive_note(a), a.informational, a.id, aliases_note(a), a.summary]), 10, "informational advisory") if {
	some a in input.advisories
	a.kind == "vulnerable"
	a.informational != null
}

deny contains adv_finding(a, "GATE-DEP-010", sprintf("%s %s %s%s is a known malicious package (%s): %s; remove it and rotate credentials on machines that installed it", [a.ecosystem, a.name, version_text(a), transitive_note(a), ids(a), a.summary]), 100, "known malicious package") if {
	some a in input.advisories
	a.kind == "malicious"
}

# One note per package version, naming every advisory the upgrade leaves behind.
fixed_keys := {[a.manifest, a.line, a.ecosystem, a.name, a.version, a.from] |
	some a in input.advisories
	a.kind == "fixed"
}

info contains {
	"rule": "GATE-DEP-011",
	"message": sprintf("%s %s %s -> %s fixes %s; merge it promptly", [eco, name, from, version, concat(", ", sort(fixed))]),
	"path": manifest,
	"line": line,
	"risk": 0,
	"risk_reason": "security fix",
	"resource": sprintf("%s:%s@%s", [eco, name, version]),
	"fingerprint": concat("|", [manifest, eco, name, version, "fixed"]),
} if {
	some [manifest, line, eco, name, version, from] in fixed_keys
	fixed := {a.id |
		some a in input.advisories
		a.kind == "fixed"
		[a.manifest, a.line, a.ecosystem, a.name, a.version, a.from] == [manifest, line, eco, name, version, from]
	}
}
