package gate.production_test

# Facts builders shared by the production rule tests.

fn(over) := object.union({"path": "app/billing.py", "function": "charge", "line": 10, "end_line": 30,
	"language": "python", "change": "modified", "service": "billing", "observed": true, "matched_by": "code",
	"location": "charge in /srv/app/billing.py", "requests": 450, "service_requests": 500, "traffic_share": 0.9,
	"errors": 27, "error_rate": 0.06, "p50_ms": 12.0, "p95_ms": 40.0, "signals_before": ["logging"],
	"signals_after": ["logging"], "removed_signals": [], "file_observed": true, "file_requests": 470}, over)

window := {"start": "2026-11-24T00:00:00Z", "end": "2026-12-01T00:00:00Z", "days": 7.0, "seconds": 604800, "age_days": 0.0}

src(over) := object.union({"path": ".gate/signals.json", "kind": "summary", "spans": 1000, "services": ["billing"],
	"window": window, "in_change": false}, over)

i(fs, ai, tested) := {
	"production": {"configured": true, "sources": [src({})], "window": window, "functions": fs},
	"provenance": {"ai_generated": ai},
	"change": {"files": [{"path": "app/billing.py", "is_test": false}, {"path": "tests/test_billing.py", "is_test": tested}]},
}

with_sources(ss) := {"production": {"configured": true, "sources": ss, "window": window, "functions": []}, "provenance": {"ai_generated": false}, "change": {"files": []}}

rules_of(set) := {f.rule | some f in set}
