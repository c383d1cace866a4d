package gate.telemetry_test

# Facts builders shared by the telemetry rule tests.

t(over) := object.union({"path": "app/routes.py", "line": 7, "end_line": 13, "language": "python", "function": "get_user",
	"kind": "http_handler", "instrumented": false, "signals": [], "handled": false, "new": true, "critical": false,
	"service": "", "covered_by": [], "masked": false}, over)

svc(over) := object.union({"root": "", "language": "python", "entrypoints": [{"path": "app/__init__.py", "line": 3, "what": "flask app", "new": false}],
	"new": false, "requests": [], "errors": [], "outbound": [], "jobs": [], "tracing": false, "disabled": [],
	"context": {"files": 4, "bytes": 900, "complete": true}}, over)

logged := [{"id": "gunicorn-access-log", "what": "gunicorn's access log", "path": "boot.sh", "line": 9}]

i(ts, ss, ai) := {"telemetry": ts, "telemetry_services": ss, "provenance": {"ai_generated": ai}}
