package gate.dependencies

# GATE-DEP-007: newly added npm packages whose lockfile entry says they run install scripts.

rules["GATE-DEP-007"] := {
	"name": "New package runs install scripts",
	"summary": "A package new to the lockfile runs install scripts on `npm install`.",
	"help": concat("\n", [
		"**What it finds:** packages added by the change whose lockfile entry has `hasInstallScript` (package-lock.json) or `requiresBuild` (pnpm), direct or transitive.",
		"",
		"**Why it matters:** install scripts run arbitrary code on every developer machine and CI runner at install time; it is the favourite vector of malicious packages.",
		"",
		"**Example:** `node_modules/esbuild` new in package-lock.json with `\"hasInstallScript\": true`.",
		"",
		"**How to fix:** confirm the script is needed (native builds), or install with `--ignore-scripts`.",
	]),
	"tags": ["dependencies", "supply-chain", "install-scripts"],
	"security_severity": 6.5,
	"risk_points": "50",
}

warn contains finding(d, "GATE-DEP-007", sprintf("new %s package %s%s runs install scripts; confirm they are needed, or install with --ignore-scripts", [d.ecosystem, d.name, transitive(d)]), 50, "install script in a new package") if {
	some d in input.dependencies
	added(d)
	d.install_scripts == true
}

transitive(d) := "" if d.direct else := " (transitive)"
