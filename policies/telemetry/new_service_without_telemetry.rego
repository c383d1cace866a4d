package gate.telemetry

# GATE-TEL-006: a new service (its entrypoint is added by the change) with no request
# telemetry set up: the finding that matters when a service is born blind.

rules["GATE-TEL-006"] := {
	"name": "New service without telemetry setup",
	"summary": "A new service or server entrypoint starts with no request telemetry.",
	"help": concat("\n", [
		"**What it finds:** a service whose entrypoint (where the server is built: `Flask(__name__)`, `FastAPI()`, `express()`, `NestFactory.create`, `grpc.NewServer`, `http.ListenAndServe`, `HttpServer::new`, `@SpringBootApplication`...) is added by the change, while nothing in the service logs, traces or counts its requests and some of its new handlers do not log either (health checks aside). The finding names those handlers.",
		"",
		"**Why it matters:** a service deployed without telemetry is invisible from its first request; adding it later means a second deployment, usually after the first incident.",
		"",
		"**Example:** a new `services/billing/main.go` calls `grpc.NewServer()` and registers a servicer, with no `otelgrpc` stats handler, interceptor or agent.",
		"",
		"**How to fix:** set telemetry up in the entrypoint: `grpc.NewServer(grpc.StatsHandler(otelgrpc.NewServerHandler()))`, `FlaskInstrumentor().instrument_app(app)`, `opentelemetry-instrument` in the Dockerfile, `--require @opentelemetry/auto-instrumentations-node/register`, the Java agent, or request logging (morgan, `gin.Default()`, `TraceLayer`, actix `Logger`, `gunicorn --access-logfile -`).",
	]),
	"tags": ["telemetry", "observability"],
	"security_severity": 3.0,
	"risk_points": "35; +15 on a critical path",
}

warn contains {
	"rule": "GATE-TEL-006",
	"message": sprintf("new service at %s (%s) starts with no request telemetry%s; add the framework's tracing or request-logging middleware", [where(s), e.what, handlers_named(s)]),
	"path": e.path,
	"line": e.line,
	"end_line": e.line,
	"risk": 35 + boost_service(s),
	"risk_reason": "new service without telemetry",
	"fingerprint": concat("|", ["GATE-TEL-006", s.root]),
} if {
	some s in input.telemetry_services
	s.new
	no_request_telemetry(s)
	count(bare_handlers(s)) > 0
	e := s.entrypoints[0]
}

handlers_named(s) := sprintf(": handlers %s", [names([label(t) | some t in bare_handlers(s)])])

boost_service(s) := 15 if {
	some t in bare_handlers(s)
	t.critical
} else := 0
