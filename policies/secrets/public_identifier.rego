package gate.secrets

# GATE-SEC-005: a value in a provider's credential format that the provider documents as a
# public identifier (a Firebase web app's API key, a Stripe publishable key, a PaymentIntent
# client secret). Reported as a note: it is meant to ship to browsers and apps.

rules["GATE-SEC-005"] := {
	"name": "Public client identifier",
	"summary": "A provider-format key that its provider documents as safe to publish was added.",
	"help": concat("\n", [
		"**What it finds:** values such as a Google API key in a Firebase web configuration (`apiKey` beside `authDomain`), a Stripe publishable key (`pk_live_…`) or a PaymentIntent client secret.",
		"",
		"**Why it matters:** usually nothing: these identify a project to the provider and are designed to be embedded in client code; what protects the project is the key's restrictions (HTTP referrers, app bundle ids, API restrictions, Firebase Security Rules and App Check).",
		"",
		"**Example:** `apiKey: \"AIza…\"` in `src/firebase.js` next to `authDomain: \"shop.firebaseapp.com\"`.",
		"",
		"**How to fix:** nothing to remove; check in the provider's console that the key is restricted to your apps and APIs. If the same key is also used server-side without restrictions, rotate it and give the server its own key.",
	]),
	"tags": ["secrets", "informational"],
	"security_severity": 1.0,
	"risk_points": "0 (note)",
}

info contains {
	"rule": "GATE-SEC-005",
	"message": sprintf("%s is a public client identifier: %s; check its restrictions in the provider's console", [s.name, s.redacted]),
	"path": s.path,
	"line": s.line,
	"column": s.column,
	"risk": 0,
	"fingerprint": concat(":", [s.rule, s.path, s.fingerprint]),
} if {
	some s in input.secrets
	s.public
	not s.allowlisted
}
