//! Services: the deployable units a change touches, and what observes each one as a whole.
//!
//! An SRE judges telemetry per service, not per function: a route is observed when the
//! service's request logging, tracing or metrics see every request (OpenTelemetry
//! instrumentation, an APM agent, Sentry tracing, morgan, `gin.Default()`, tower-http's
//! `TraceLayer`, actix's `Logger`, gunicorn's access log, Spring's actuator...), whatever its
//! body contains. So gate finds each service once: its root (the deepest directory above a
//! changed file that holds a manifest: `package.json`, `go.mod`, `Cargo.toml`, `pom.xml`,
//! `pyproject.toml`, `requirements.txt`, `manage.py`, a `Dockerfile`...), its entrypoints
//! (where a server is built or started) and the setup signals found in its files (sources,
//! manifests, Dockerfiles, Procfiles, compose files, scripts). The files are read from the
//! post-change snapshot within a budget (setup-like files first), and a service whose files
//! were not all read says so (`context.complete: false`), so that no rule claims an absence
//! it could not check.
//!
//! The same pass collects the names the service registers as handlers in other files
//! (`.to(users::register)`, `router.GET("/", ArticleList)`, `path("x/", View.as_view())`,
//! `addService(svc, {charge: handler})`, `RegisterXServer(srv, svc)`), with their routes.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

use super::lang::Lang;

/// What a service-level signal observes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Covers {
    /// Every request is logged, traced or counted.
    Requests,
    /// Unhandled errors are reported (an error tracker, or the server's span status).
    Errors,
    /// Outbound calls (of the libraries in `libraries`) get spans.
    Outbound,
    /// Background jobs are logged or traced.
    Jobs,
}

/// One piece of service-level instrumentation, where it was found.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Signal {
    /// A stable id, e.g. `otel-instrument`, `gin-logger`, `sentry-tracing`.
    pub id: String,
    /// What it is, for people: `opentelemetry-instrument in the entrypoint`.
    pub what: String,
    pub path: String,
    pub line: u32,
    /// For outbound coverage: the client libraries it instruments (`*`: all of them;
    /// `http`, `http:requests`, `grpc`, `sql`, `orm:gorm`, ...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub libraries: Vec<String>,
}

/// Where a service builds or starts its server.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entrypoint {
    pub path: String,
    pub line: u32,
    /// `flask app`, `gRPC server`, `actix-web server`...
    pub what: String,
    /// The file is added by the change.
    pub new: bool,
}

/// How much of a service's files were read for its setup.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct Context {
    pub files: usize,
    pub bytes: u64,
    /// Every relevant file of the service was read: an absence of telemetry is checked.
    pub complete: bool,
}

/// `telemetry_services` in the facts: one per service the change touches.
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct ServiceFact {
    /// The service's root directory (`""`: the repository root).
    pub root: String,
    /// The service's main language (the most common among its source files).
    pub language: String,
    pub entrypoints: Vec<Entrypoint>,
    /// An entrypoint of the service is added by the change: a new service or a new server.
    pub new: bool,
    /// What observes every request; empty: the service has no request telemetry.
    pub requests: Vec<Signal>,
    /// What reports unhandled errors.
    pub errors: Vec<Signal>,
    /// What traces outbound calls (and which libraries).
    pub outbound: Vec<Signal>,
    /// What observes background jobs.
    pub jobs: Vec<Signal>,
    /// The service exports spans (an SDK, an agent, Sentry tracing): a call without a span
    /// is a gap in its traces.
    pub tracing: bool,
    /// Telemetry switched off on purpose (`gunicorn --access-logfile /dev/null`).
    pub disabled: Vec<Signal>,
    pub context: Context,
}

/// A handler registered by name somewhere in the service.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Registration {
    /// The route or RPC method, when the registration declares one (`GET /users/:id`,
    /// `CheckoutService/*`).
    pub route: Option<String>,
    /// For Rust paths (`users::register`): the module the function lives in.
    pub module: Option<String>,
}

/// The registrations of a service: function or class name -> where it is registered.
pub type Registry = BTreeMap<String, Vec<Registration>>;

/// Manifests and files whose directory is a deployable unit.
pub fn is_service_marker(name: &str) -> bool {
    matches!(
        name,
        "package.json"
            | "go.mod"
            | "Cargo.toml"
            | "pom.xml"
            | "build.gradle"
            | "build.gradle.kts"
            | "pyproject.toml"
            | "requirements.txt"
            | "Pipfile"
            | "manage.py"
            | "Procfile"
            | "Dockerfile"
    )
}

/// Files read for a service's setup besides its source files.
pub fn is_setup_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    is_service_marker(name)
        || lower.starts_with("dockerfile")
        || lower.ends_with(".dockerfile")
        || lower.starts_with("procfile")
        || lower.starts_with("docker-compose")
        || lower.starts_with("compose.")
        || lower.ends_with(".sh")
        || lower.starts_with("requirements")
        || lower == "gunicorn.conf.py"
        || lower.starts_with("gunicorn")
        || lower.starts_with("supervisor")
        || lower.ends_with(".conf")
        || lower.ends_with(".properties")
        || (lower.starts_with("application")
            && (lower.ends_with(".yml") || lower.ends_with(".yaml")))
        || lower == "app.yaml"
        || lower == "fly.toml"
}

/// Paths never part of a service's own code: dependencies, vendored and built files.
pub fn is_vendored(path: &str) -> bool {
    path.split('/').any(|c| {
        matches!(
            c,
            "node_modules"
                | "vendor"
                | "third_party"
                | "third-party"
                | "dist"
                | "build"
                | "target"
                | ".venv"
                | "venv"
                | "site-packages"
                | "__pycache__"
                | ".next"
        )
    }) || path.ends_with(".min.js")
}

/// Generated code, by name (`*_pb2.py`, `*.pb.go`, `*.gen.ts`, `*_generated.*`).
pub fn is_generated_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.ends_with("_pb2.py")
        || name.ends_with("_pb2_grpc.py")
        || name.ends_with("_pb2.pyi")
        || name.ends_with(".pb.go")
        || name.ends_with("_grpc.pb.go")
        || name.ends_with(".pb.gw.go")
        || name.ends_with("_pb.js")
        || name.ends_with("_pb.ts")
        || name.ends_with("_grpc_pb.js")
        || name.contains(".gen.")
        || name.contains("_generated.")
        || name.contains(".generated.")
        || name.ends_with("_gen.go")
}

/// Generated code, by its header (the first 1,000 bytes): `Code generated ... DO NOT EDIT`,
/// `@generated`, `auto-generated`, `autogenerated`.
pub fn is_generated_header(source: &[u8]) -> bool {
    let head = &source[..source.len().min(1000)];
    let head = String::from_utf8_lossy(head);
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)code generated .{0,80}do not edit|@generated\b|\bauto-?generated\b|generated by the protocol buffer compiler",
        )
        .expect("static regex")
    })
    .is_match(&head)
}

/// The service root of `path`: the deepest ancestor directory in `roots` (`""` for none).
pub fn root_of<'a>(path: &str, roots: &'a BTreeSet<String>) -> &'a str {
    let mut dir = path;
    while let Some((parent, _)) = dir.rsplit_once('/') {
        if let Some(r) = roots.get(parent) {
            return r;
        }
        dir = parent;
    }
    roots.get("").map(String::as_str).unwrap_or("")
}

/// The directories holding a service marker, from a listing of the snapshot (and `""`).
pub fn roots<'a>(paths: impl Iterator<Item = &'a str>) -> BTreeSet<String> {
    let mut roots = BTreeSet::from([String::new()]);
    for p in paths {
        if is_vendored(p) || is_test_path(p) {
            continue;
        }
        let (dir, name) = p.rsplit_once('/').unwrap_or(("", p));
        if is_service_marker(name) {
            roots.insert(dir.to_string());
        }
    }
    roots
}

/// Test and example code never defines a service's setup.
pub fn is_test_path(p: &str) -> bool {
    p.split('/').any(|c| {
        matches!(
            c,
            "test" | "tests" | "__tests__" | "testdata" | "e2e" | "cypress" | "spec" | "fixtures"
        )
    })
}

/// Whether a listed file is read for its service's setup, and how early (lower first).
pub fn context_priority(path: &str) -> Option<u8> {
    if is_vendored(path) || is_test_path(path) || is_generated_name(path) {
        return None;
    }
    if is_setup_file(path) {
        return Some(0);
    }
    Lang::of(path)?;
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name).to_ascii_lowercase();
    let entry_like = matches!(
        stem.as_str(),
        "main"
            | "app"
            | "server"
            | "index"
            | "__init__"
            | "__main__"
            | "wsgi"
            | "asgi"
            | "manage"
            | "settings"
            | "base"
            | "production"
            | "config"
            | "lib"
            | "mod"
            | "urls"
            | "routes"
            | "router"
            | "routers"
            | "run"
            | "instrumentation"
            | "telemetry"
            | "tracing"
            | "otel"
            | "middleware"
            | "middlewares"
            | "startup"
            | "bootstrap"
    ) || stem.ends_with("application")
        || stem.ends_with("module")
        || stem.contains("telemetry")
        || stem.contains("instrument");
    Some(if entry_like { 1 } else { 2 })
}

struct Def {
    id: &'static str,
    what: &'static str,
    covers: &'static [Covers],
    /// Libraries for outbound coverage.
    libraries: &'static [&'static str],
    /// The signal means spans are exported.
    tracing: bool,
    /// Where to look: source files, setup files, or both.
    place: Place,
    pattern: &'static str,
}

#[derive(Clone, Copy, PartialEq)]
enum Place {
    Source,
    Setup,
    Any,
}

use Covers::{Errors as E, Jobs as J, Outbound as O, Requests as R};

const ALL: &[Covers] = &[R, E, O, J];

/// The service-level instrumentation gate recognizes. Patterns are anchored on the API's own
/// names (`otelhttp.NewHandler`, `TraceLayer::new_for_http`): a word that merely contains
/// `log` or `trace` is not a signal.
const DEFS: &[Def] = &[
    // OpenTelemetry: zero-code agents and launchers.
    Def {
        id: "otel-instrument",
        what: "opentelemetry-instrument (Python auto-instrumentation)",
        covers: ALL,
        libraries: &["*"],
        tracing: true,
        place: Place::Any,
        pattern: r"\bopentelemetry-instrument\b",
    },
    Def {
        id: "otel-node-auto",
        what: "@opentelemetry/auto-instrumentations-node",
        covers: ALL,
        libraries: &["*"],
        tracing: true,
        place: Place::Any,
        pattern: r"auto-instrumentations-node/register\b|\bgetNodeAutoInstrumentations\s*\(",
    },
    Def {
        id: "otel-java-agent",
        what: "the OpenTelemetry Java agent",
        covers: ALL,
        libraries: &["*"],
        tracing: true,
        place: Place::Setup,
        pattern: r"-javaagent:\S*(?:opentelemetry|otel)\S*\.jar|\bopentelemetry-javaagent\b",
    },
    Def {
        id: "otel-spring-starter",
        what: "the OpenTelemetry Spring Boot starter",
        covers: ALL,
        libraries: &["*"],
        tracing: true,
        place: Place::Setup,
        pattern: r"\bopentelemetry-spring-boot-starter\b",
    },
    // OpenTelemetry: instrumentation libraries.
    Def {
        id: "otel-python-server",
        what: "OpenTelemetry server instrumentation",
        covers: &[R, E],
        libraries: &[],
        tracing: true,
        place: Place::Source,
        pattern: r"\b(?:Flask|FastAPI|Django|Starlette|Falcon|Pyramid|Tornado|AioHttpServer)Instrumentor\b|\bGrpc(?:Aio)?InstrumentorServer\b|\bOpenTelemetryMiddleware\b",
    },
    Def {
        id: "otel-python-requests",
        what: "OpenTelemetry requests instrumentation",
        covers: &[O],
        libraries: &["http:requests", "http:urllib"],
        tracing: true,
        place: Place::Source,
        pattern: r"\bRequestsInstrumentor\b|\bURLLib3?Instrumentor\b",
    },
    Def {
        id: "otel-python-httpx",
        what: "OpenTelemetry httpx instrumentation",
        covers: &[O],
        libraries: &["http:httpx"],
        tracing: true,
        place: Place::Source,
        pattern: r"\bHTTPXClientInstrumentor\b",
    },
    Def {
        id: "otel-python-aiohttp",
        what: "OpenTelemetry aiohttp client instrumentation",
        covers: &[O],
        libraries: &["http:aiohttp"],
        tracing: true,
        place: Place::Source,
        pattern: r"\bAioHttpClientInstrumentor\b",
    },
    Def {
        id: "otel-python-db",
        what: "OpenTelemetry database instrumentation",
        covers: &[O],
        libraries: &["sql", "orm"],
        tracing: true,
        place: Place::Source,
        pattern: r"\b(?:SQLAlchemy|Psycopg2?|AsyncPG|MySQL|PyMySQL|SQLite3|Pymongo|Dbapi)Instrumentor\b",
    },
    Def {
        id: "otel-python-redis",
        what: "OpenTelemetry Redis instrumentation",
        covers: &[O],
        libraries: &["redis"],
        tracing: true,
        place: Place::Source,
        pattern: r"\bRedisInstrumentor\b",
    },
    Def {
        id: "otel-python-grpc-client",
        what: "OpenTelemetry gRPC client instrumentation",
        covers: &[O],
        libraries: &["grpc"],
        tracing: true,
        place: Place::Source,
        pattern: r"\bGrpc(?:Aio)?InstrumentorClient\b",
    },
    Def {
        id: "otel-python-aws",
        what: "OpenTelemetry botocore instrumentation",
        covers: &[O],
        libraries: &["cloud"],
        tracing: true,
        place: Place::Source,
        pattern: r"\bBoto(?:core|3SQS)Instrumentor\b",
    },
    Def {
        id: "otel-celery",
        what: "OpenTelemetry Celery instrumentation",
        covers: &[J],
        libraries: &[],
        tracing: true,
        place: Place::Source,
        pattern: r"\bCeleryInstrumentor\b",
    },
    Def {
        id: "otel-node-lib",
        what: "OpenTelemetry Node.js instrumentation",
        covers: &[R, O],
        libraries: &["http", "grpc"],
        tracing: true,
        place: Place::Source,
        pattern: r"\bnew\s+(?:Http|Express|Koa|Fastify|Hapi|Nest\w*|Grpc|Undici)Instrumentation\s*\(",
    },
    Def {
        id: "otel-web",
        what: "OpenTelemetry web instrumentation (fetch, XHR)",
        covers: &[O],
        libraries: &["http:fetch", "http:axios"],
        tracing: true,
        place: Place::Source,
        pattern: r"\bgetWebAutoInstrumentations\s*\(|\bnew\s+(?:Fetch|XMLHttpRequest)Instrumentation\s*\(",
    },
    Def {
        id: "otel-go-server",
        what: "OpenTelemetry server instrumentation (otelhttp/otelgrpc)",
        covers: &[R, E],
        libraries: &[],
        tracing: true,
        place: Place::Source,
        pattern: r"\botelhttp\.(?:NewHandler|NewMiddleware|WithRouteTag)\b|\botel(?:gin|echo|mux|chi|fiber|restful)\.Middleware\b|\botelgrpc\.(?:NewServerHandler|UnaryServerInterceptor|StreamServerInterceptor)\b",
    },
    Def {
        id: "otel-go-http-client",
        what: "otelhttp transport",
        covers: &[O],
        libraries: &["http:client"],
        tracing: true,
        place: Place::Source,
        pattern: r"\botelhttp\.NewTransport\b",
    },
    Def {
        id: "otel-go-http-default",
        what: "otelhttp default client",
        covers: &[O],
        libraries: &["http"],
        tracing: true,
        place: Place::Source,
        pattern: r"\bhttp\.Default(?:Transport|Client)\s*=\s*(?:&http\.Client\{[^}]*)?otelhttp\.|\botelhttp\.DefaultClient\b|\botelhttp\.(?:Get|Post|Head|PostForm)\s*\(",
    },
    Def {
        id: "otel-go-grpc-client",
        what: "otelgrpc client handler",
        covers: &[O],
        libraries: &["grpc"],
        tracing: true,
        place: Place::Source,
        pattern: r"\botelgrpc\.(?:NewClientHandler|UnaryClientInterceptor|StreamClientInterceptor)\b",
    },
    Def {
        id: "otel-go-sql",
        what: "OpenTelemetry database instrumentation (otelsql, gorm, pgx)",
        covers: &[O],
        libraries: &["sql", "orm"],
        tracing: true,
        place: Place::Source,
        pattern: r"\botelsql\.(?:Open|Register|WrapDriver|OpenDB)\b|\bgorm\.io/plugin/opentelemetry\b|\botelgorm\b|\botelpgx\b|\botelsqlx\b",
    },
    Def {
        id: "otel-go-redis",
        what: "OpenTelemetry Redis instrumentation",
        covers: &[O],
        libraries: &["redis"],
        tracing: true,
        place: Place::Source,
        pattern: r"\bredisotel\.Instrument\w*\s*\(",
    },
    Def {
        id: "otel-go-kafka",
        what: "OpenTelemetry Kafka instrumentation",
        covers: &[O],
        libraries: &["queue"],
        tracing: true,
        place: Place::Source,
        pattern: r"\botelsarama\.\w+|\botelkafka\w*\.",
    },
    Def {
        id: "otel-actix",
        what: "OpenTelemetry actix-web instrumentation",
        covers: &[R, E],
        libraries: &[],
        tracing: true,
        place: Place::Source,
        pattern: r"\bRequestTracing::new\s*\(|\bRequestMetrics::(?:default|new)\b",
    },
    Def {
        id: "otel-rust-reqwest",
        what: "reqwest-tracing middleware",
        covers: &[O],
        libraries: &["http"],
        tracing: true,
        place: Place::Source,
        pattern: r"\bTracingMiddleware(?:::<\w+>)?::(?:default|new)\b",
    },
    // SDK set up by hand: spans are exported.
    Def {
        id: "otel-sdk",
        what: "an OpenTelemetry SDK tracer provider",
        covers: &[],
        libraries: &[],
        tracing: true,
        place: Place::Source,
        pattern: r"\bsdktrace\.NewTracerProvider\s*\(|\bset_tracer_provider\s*\(|\bnew\s+(?:NodeSDK|NodeTracerProvider|WebTracerProvider)\s*\(|\bSdkTracerProvider\b|\bOpenTelemetrySdk\.builder\b|\bopentelemetry_sdk::trace\b|\bTraceloop\.init\s*\(|\btracing_opentelemetry::layer\b|\bOpenTelemetryLayer\b",
    },
    // Vendors.
    Def {
        id: "datadog",
        what: "Datadog APM",
        covers: ALL,
        libraries: &["*"],
        tracing: true,
        place: Place::Any,
        pattern: r"\bddtrace-run\b|\bddtrace\.patch_all\s*\(|\bimport\s+ddtrace\.auto\b|\brequire\(\s*['\x22]dd-trace['\x22]\s*\)\.init\b|\bdd-trace/init\b|\bdd-java-agent\b",
    },
    Def {
        id: "newrelic",
        what: "New Relic APM",
        covers: ALL,
        libraries: &["*"],
        tracing: true,
        place: Place::Any,
        pattern: r"\bnewrelic-admin\s+run-program\b|\bnewrelic\.agent\.initialize\s*\(|\brequire\(\s*['\x22]newrelic['\x22]\s*\)|\bnewrelic\.NewApplication\s*\(|\bnewrelic(?:-agent)?\.jar\b|--require[= ]newrelic\b",
    },
    Def {
        id: "elastic-apm",
        what: "Elastic APM",
        covers: ALL,
        libraries: &["*"],
        tracing: true,
        place: Place::Any,
        pattern: r"\belasticapm\.(?:contrib|instrument)\b|\belastic-apm-node/start\b|\belastic-apm-agent\b",
    },
    Def {
        id: "sentry-tracing",
        what: "Sentry with tracing",
        covers: &[R, E, O, J],
        libraries: &["http", "sql", "orm", "redis", "queue", "cloud"],
        tracing: true,
        place: Place::Source,
        pattern: r"(?s)\b(?:sentry_sdk\.init|Sentry\.init)\s*\((?:[^()]|\([^()]*\)){0,800}?\b(?:traces_sample_rate|traces_sampler|enable_tracing|tracesSampleRate|tracesSampler|EnableTracing|TracesSampleRate)\b",
    },
    Def {
        id: "sentry",
        what: "Sentry error reporting",
        covers: &[E, J],
        libraries: &[],
        tracing: false,
        place: Place::Source,
        pattern: r"\bsentry_sdk\.init\s*\(|\bSentry\.init\s*\(|\bsentry\.Init\s*\(|\bsentry::init\s*\(|\bSentryAppender\b",
    },
    Def {
        id: "sentry-go-http",
        what: "Sentry HTTP middleware",
        covers: &[R, E],
        libraries: &[],
        tracing: true,
        place: Place::Source,
        pattern: r"\bsentry(?:http|gin|echo|fiber|negroni)\.New\s*\(",
    },
    Def {
        id: "sentry-java",
        what: "Sentry for Spring",
        covers: &[E],
        libraries: &[],
        tracing: false,
        place: Place::Setup,
        pattern: r"\bsentry-spring(?:-boot)?(?:-starter)?(?:-jakarta)?\b",
    },
    // Request logging and metrics middleware.
    Def {
        id: "morgan",
        what: "morgan request logging",
        covers: &[R],
        libraries: &[],
        tracing: false,
        place: Place::Source,
        pattern: r"\bmorgan\s*\(|\brequire\(\s*['\x22]morgan['\x22]\s*\)|\bfrom\s+['\x22]morgan['\x22]",
    },
    Def {
        id: "pino-http",
        what: "pino-http request logging",
        covers: &[R],
        libraries: &[],
        tracing: false,
        place: Place::Source,
        pattern: r"\bpinoHttp\s*\(|['\x22]pino-http['\x22]|\bexpressWinston\.logger\s*\(|['\x22]koa-logger['\x22]|\bLoggerModule\.forRoot\w*\s*\(",
    },
    Def {
        id: "nest-logging-interceptor",
        what: "a request-logging interceptor",
        covers: &[R],
        libraries: &[],
        tracing: false,
        place: Place::Source,
        pattern: r"\buseGlobalInterceptors\s*\(\s*new\s+\w*Log\w*\s*\(|\bconsumer\s*\.\s*apply\s*\(\s*\w*Log\w*Middleware\b",
    },
    Def {
        id: "prometheus-http",
        what: "Prometheus request metrics",
        covers: &[R],
        libraries: &[],
        tracing: false,
        place: Place::Any,
        pattern: r"\bexpress-prom-bundle\b|\bpromBundle\s*\(|\bPrometheusMetrics\s*\(|\bprometheus_fastapi_instrumentator\b|\bInstrumentator\s*\(\s*\)\s*\.instrument\b|\bdjango_prometheus\b|\bginprom\b|\bechoprometheus\b|\bpromhttp\.InstrumentHandler\w*\s*\(|\bactix_web_prom\b|\baxum_prometheus\b",
    },
    Def {
        id: "gin-logger",
        what: "gin's request logger (gin.Default or gin.Logger)",
        covers: &[R],
        libraries: &[],
        tracing: false,
        place: Place::Source,
        pattern: r"\bgin\.(?:Default|Logger|LoggerWithConfig|LoggerWithFormatter|LoggerWithWriter)\s*\(|\bginzap\.Ginzap\w*\s*\(|\bginlogrus\b",
    },
    Def {
        id: "go-logging-middleware",
        what: "request-logging middleware",
        covers: &[R],
        libraries: &[],
        tracing: false,
        place: Place::Source,
        pattern: r"\bmiddleware\.(?:Logger|RequestLogger\w*)\b|\bhandlers\.(?:Combined)?LoggingHandler\s*\(|\bhttplog\.(?:RequestLogger|Handler)\b",
    },
    Def {
        id: "tower-http-trace",
        what: "tower-http TraceLayer",
        covers: &[R],
        libraries: &[],
        tracing: false,
        place: Place::Source,
        pattern: r"\bTraceLayer::new(?:_for_(?:http|grpc))?\s*\(",
    },
    Def {
        id: "actix-logger",
        what: "actix-web's Logger middleware",
        covers: &[R],
        libraries: &[],
        tracing: false,
        place: Place::Source,
        pattern: r"\.wrap\s*\(\s*(?:middleware::|actix_web::middleware::)?Logger::(?:default|new)\s*\(|\bTracingLogger::(?:default|new)\b",
    },
    // Rocket has no request log of its own: a fairing whose request or response callback
    // logs is the service's request log (`impl Fairing for X { async fn on_response(..) {
    // info!(..) } }`, attached with `.attach(X)`).
    Def {
        id: "rocket-logging-fairing",
        what: "a Rocket fairing that logs every request",
        covers: &[R],
        libraries: &[],
        tracing: false,
        place: Place::Source,
        pattern: r"\bimpl\s+(?:[\w:]+::)?Fairing\s+for\s+\w+",
    },
    Def {
        id: "django-structlog",
        what: "django-structlog request middleware",
        covers: &[R],
        libraries: &[],
        tracing: false,
        place: Place::Any,
        pattern: r"\bdjango_structlog\.middlewares\.RequestMiddleware\b",
    },
    Def {
        id: "django-logging-middleware",
        what: "a request-logging Django middleware",
        covers: &[R],
        libraries: &[],
        tracing: false,
        place: Place::Source,
        pattern: r"['\x22][\w.]*(?:[Ll]og|[Aa]ccess|[Mm]etric|[Pp]rometheus|[Tt]rac|[Tt]iming)\w*Middleware['\x22]",
    },
    Def {
        id: "spring-actuator",
        what: "Spring Boot actuator (micrometer http.server.requests)",
        covers: &[R],
        libraries: &[],
        tracing: false,
        place: Place::Setup,
        pattern: r"\bspring-boot-starter-actuator\b",
    },
    Def {
        id: "micrometer-tracing",
        what: "Micrometer tracing",
        covers: &[R, O],
        libraries: &["http"],
        tracing: true,
        place: Place::Setup,
        pattern: r"\bmicrometer-tracing-bridge-\w+\b|\bspring-cloud-starter-sleuth\b",
    },
    // Servers started with their access log.
    Def {
        id: "gunicorn-access-log",
        what: "gunicorn's access log",
        covers: &[R],
        libraries: &[],
        tracing: false,
        place: Place::Any,
        pattern: r#"\bgunicorn\b[^\n]*--access-logfile[= ]+['"]?(?:-|/dev/stdout|/dev/stderr|[\w./${}-]*\.log)['"]?(?:\s|$)|^\s*accesslog\s*=\s*['"](?:-|[^'"]*\.log|/dev/std(?:out|err))['"]"#,
    },
    Def {
        id: "uvicorn-access-log",
        what: "uvicorn's access log",
        covers: &[R],
        libraries: &[],
        tracing: false,
        place: Place::Any,
        pattern: r"\buvicorn\s+[\w.]+:\w+|\bfastapi\s+(?:run|dev)\b|\buvicorn\.run\s*\(|-k\s+uvicorn\.workers\.UvicornWorker\b|\bworker_class\s*=\s*['\x22]uvicorn\.workers",
    },
    // Framework defaults that report unhandled errors.
    Def {
        id: "framework-errors",
        what: "the framework logs unhandled exceptions",
        covers: &[E],
        libraries: &[],
        tracing: false,
        place: Place::Source,
        pattern: r"\bFlask\s*\(\s*__name__|@SpringBootApplication\b|\bNestFactory\.create\b|\bgin\.(?:Default|Recovery)\s*\(",
    },
    // Background workers that log every job.
    Def {
        id: "worker-logs",
        what: "the worker logs every job",
        covers: &[J],
        libraries: &[],
        tracing: false,
        place: Place::Setup,
        pattern: r"\bcelery\b[^\n]*\bworker\b[^\n]*(?:-l|--loglevel)[= ]?(?:info|INFO|debug|DEBUG)\b|\brq\s+worker\b",
    },
];

/// Telemetry switched off on purpose.
const DISABLED: &[(&str, &str, &str)] = &[
    (
        "gunicorn-no-access-log",
        "gunicorn's access log sent to /dev/null",
        r#"--access-logfile[= ]+['"]?/dev/null|^\s*accesslog\s*=\s*(?:None|['"]/dev/null['"])"#,
    ),
    (
        "uvicorn-no-access-log",
        "uvicorn's access log turned off",
        r"--no-access-log\b|\baccess_log\s*=\s*False\b",
    ),
];

/// Where a server is built or started.
const ENTRYPOINTS: &[(&str, &str)] = &[
    ("flask app", r"\bFlask\s*\(\s*__name__"),
    ("fastapi app", r"\b(?:FastAPI|Starlette|Quart|Sanic)\s*\("),
    (
        "django project",
        r"\bget_(?:wsgi|asgi)_application\s*\(|\bexecute_from_command_line\s*\(",
    ),
    (
        "gRPC server",
        r"\bgrpc\.(?:aio\.)?server\s*\(|\bgrpc\.NewServer\s*\(|\bnew\s+grpc\.Server\s*\(|\bServerBuilder\.forPort\s*\(|\bNettyServerBuilder\b|\bServer::builder\s*\(\s*\)|\btonic::transport::Server\b",
    ),
    ("express app", r"\bexpress\s*\(\s*\)"),
    ("nest app", r"\bNestFactory\.create\w*\s*\("),
    (
        "node server",
        r"\b(?:http|https)\.createServer\s*\(|\bfastify\s*\(|\bnew\s+Koa\s*\(|\bnew\s+Hapi\.Server\s*\(",
    ),
    ("next.js app", r#""next"\s*:\s*"[^"]+"|\bnext\s+start\b"#),
    (
        "go http server",
        r"\bhttp\.ListenAndServe(?:TLS)?\s*\(|\.ListenAndServe(?:TLS)?\s*\(\s*\)|\bgin\.(?:Default|New)\s*\(|\becho\.New\s*\(|\bfiber\.New\s*\(",
    ),
    ("actix-web server", r"\bHttpServer::new\s*\("),
    (
        "axum server",
        r"\baxum::Server::bind\b|\baxum::serve\s*\(|\bServer::bind\s*\(&?\w*addr",
    ),
    (
        "rust server",
        r"\bwarp::serve\s*\(|\brocket::build\s*\(|#\[launch\]",
    ),
    ("spring boot app", r"@SpringBootApplication\b"),
    (
        "java server",
        r"\bJavalin\.create\s*\(|\bVertx\.vertx\s*\(|@QuarkusMain\b|\bHttpServer\.create\s*\(",
    ),
];

struct Tables {
    defs: Vec<LazyRegex>,
    disabled: Vec<LazyRegex>,
    entry: Vec<LazyRegex>,
    /// The prefix literals of every pattern (defs, then disabled, then entry), one automaton:
    /// one pass over a file says which patterns can match in it.
    prefixes: aho_corasick::AhoCorasick,
    /// For each literal of `prefixes`, the pattern it belongs to.
    owner: Vec<usize>,
}

/// A pattern compiled the first time a file could match it. Compiling the ~70 patterns of
/// the tables (Unicode `\w`, `\s`) cost ~12% of a small Python change's CPU, and most
/// files hold none of a pattern's leading literals: every match of a pattern begins with
/// one of the prefix literals regex-syntax extracts from it, so in a file holding none of
/// them the pattern has no match and need not be compiled. Same matches as the regex alone.
struct LazyRegex {
    pattern: String,
    /// Every match starts with one of these (`None`: no such finite set, always compile).
    prefixes: Option<Vec<Vec<u8>>>,
    re: OnceLock<Regex>,
}

impl LazyRegex {
    fn new(pattern: String) -> LazyRegex {
        use regex_syntax::hir::literal::Extractor;
        let prefixes = regex_syntax::Parser::new()
            .parse(&pattern)
            .ok()
            .and_then(|hir| {
                let seq = Extractor::new().extract(&hir);
                let lits: Vec<Vec<u8>> = seq
                    .literals()?
                    .iter()
                    .map(|l| l.as_bytes().to_vec())
                    .collect();
                (!lits.is_empty() && lits.iter().all(|l| !l.is_empty())).then_some(lits)
            });
        LazyRegex {
            pattern,
            prefixes,
            re: OnceLock::new(),
        }
    }

    /// The compiled pattern, or `None` when the file cannot match it (`possible`: its
    /// prefixes occur in the file, from [`Tables::possible`]).
    fn when(&self, possible: bool) -> Option<&Regex> {
        if self.prefixes.is_some() && !possible {
            return None;
        }
        Some(
            self.re
                .get_or_init(|| Regex::new(&self.pattern).expect("static regex")),
        )
    }
}

impl Tables {
    /// Which patterns (defs, then disabled, then entry) have a prefix in `text`.
    fn possible(&self, text: &str) -> Vec<bool> {
        let mut possible = vec![false; self.defs.len() + self.disabled.len() + self.entry.len()];
        for m in self.prefixes.find_overlapping_iter(text) {
            possible[self.owner[m.pattern().as_usize()]] = true;
        }
        possible
    }
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let compile = |p: &str| LazyRegex::new(format!("(?m){}", super::ascii_boundaries(p)));
        let defs: Vec<LazyRegex> = DEFS.iter().map(|d| compile(d.pattern)).collect();
        let disabled: Vec<LazyRegex> = DISABLED.iter().map(|(_, _, p)| compile(p)).collect();
        let entry: Vec<LazyRegex> = ENTRYPOINTS.iter().map(|(_, p)| compile(p)).collect();
        let mut lits: Vec<&[u8]> = Vec::new();
        let mut owner = Vec::new();
        for (i, re) in defs.iter().chain(&disabled).chain(&entry).enumerate() {
            for l in re.prefixes.iter().flatten() {
                lits.push(l);
                owner.push(i);
            }
        }
        let prefixes = aho_corasick::AhoCorasick::new(lits).expect("static literals");
        Tables {
            defs,
            disabled,
            entry,
            prefixes,
            owner,
        }
    })
}

fn line_at(text: &str, offset: usize) -> u32 {
    u32::try_from(
        text.as_bytes()[..offset]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1,
    )
    .unwrap_or(u32::MAX)
}

/// A file of a service, read for its setup.
pub struct ContextFile<'a> {
    pub path: &'a str,
    pub text: &'a str,
    /// Added by the change.
    pub added: bool,
}

/// The signals and entrypoints of one service, from its files.
pub fn scan(root: &str, files: &[ContextFile], context: Context) -> ServiceFact {
    let t = tables();
    let mut s = ServiceFact {
        root: root.to_string(),
        context,
        ..ServiceFact::default()
    };
    let mut langs: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut seen: BTreeSet<(Covers, String)> = BTreeSet::new();
    for f in files {
        let lang = Lang::of(f.path);
        if let Some(l) = lang {
            *langs.entry(l.name()).or_default() += 1;
        }
        let setup = is_setup_file(f.path);
        let possible = t.possible(f.text);
        // Each pattern searched on its own (literal prefilters, a lazy DFA per pattern): a
        // `RegexSet` of all of them outgrows the lazy DFA's cache on large files and falls
        // back to the PikeVM, which cost seconds of CPU on a large service.
        for (i, d) in DEFS.iter().enumerate() {
            let ok = match d.place {
                Place::Any => true,
                Place::Source => lang.is_some(),
                Place::Setup => setup,
            };
            if !ok {
                continue;
            }
            // A commented-out setup line is not a setup.
            let Some(m) = t.defs[i].when(possible[i]).and_then(|re| {
                re.find_iter(f.text).find(|m| {
                    !commented(f.text, m.start())
                        && (d.id != "rocket-logging-fairing" || fairing_logs(&f.text[m.end()..]))
                })
            }) else {
                continue;
            };
            let sig = Signal {
                id: d.id.to_string(),
                what: d.what.to_string(),
                path: f.path.to_string(),
                line: line_at(f.text, m.start()),
                libraries: d.libraries.iter().map(|l| l.to_string()).collect(),
            };
            if d.tracing {
                s.tracing = true;
            }
            for c in d.covers {
                // One signal of a kind per id and service: the first place it is found.
                if !seen.insert((*c, d.id.to_string())) {
                    continue;
                }
                match c {
                    Covers::Requests => s.requests.push(sig.clone()),
                    Covers::Errors => s.errors.push(sig.clone()),
                    Covers::Outbound => s.outbound.push(sig.clone()),
                    Covers::Jobs => s.jobs.push(sig.clone()),
                }
            }
        }
        for (i, re) in t.disabled.iter().enumerate() {
            if let Some(m) = re
                .when(possible[t.defs.len() + i])
                .and_then(|re| re.find(f.text))
            {
                if setup || lang.is_some() {
                    let (id, what, _) = DISABLED[i];
                    if !s.disabled.iter().any(|d| d.id == id) {
                        s.disabled.push(Signal {
                            id: id.to_string(),
                            what: what.to_string(),
                            path: f.path.to_string(),
                            line: line_at(f.text, m.start()),
                            libraries: Vec::new(),
                        });
                    }
                }
            }
        }
        for (i, (what, _)) in ENTRYPOINTS.iter().enumerate() {
            // `"next": "13.x"` is a dependency: only package.json says so.
            let what = *what;
            let json = f.path.ends_with("package.json");
            if (what == "next.js app") != json && !(what == "next.js app" && setup) {
                continue;
            }
            if lang.is_none() && what != "next.js app" {
                continue;
            }
            if let Some(m) = t.entry[i]
                .when(possible[t.defs.len() + t.disabled.len() + i])
                .and_then(|re| re.find_iter(f.text).find(|m| !commented(f.text, m.start())))
            {
                s.entrypoints.push(Entrypoint {
                    path: f.path.to_string(),
                    line: line_at(f.text, m.start()),
                    what: what.to_string(),
                    new: f.added,
                });
            }
        }
    }
    // `gunicorn --access-logfile /dev/null` switches the access log off: a gunicorn access
    // log found elsewhere in the same service does not count then.
    if s.disabled.iter().any(|d| d.id == "gunicorn-no-access-log") {
        s.requests.retain(|r| r.id != "gunicorn-access-log");
    }
    if s.disabled.iter().any(|d| d.id == "uvicorn-no-access-log") {
        s.requests.retain(|r| r.id != "uvicorn-access-log");
    }
    s.entrypoints.sort();
    s.entrypoints
        .dedup_by(|a, b| a.path == b.path && a.what == b.what);
    s.new = !s.entrypoints.is_empty() && s.entrypoints.iter().all(|e| e.new);
    s.language = langs
        .iter()
        .max_by_key(|(name, n)| (**n, std::cmp::Reverse(**name)))
        .map(|(name, _)| name.to_string())
        .unwrap_or_default();
    for v in [&mut s.requests, &mut s.errors, &mut s.outbound, &mut s.jobs] {
        v.sort();
    }
    s
}

/// Whether a Rocket fairing's implementation (the text after `impl Fairing for X`, up to
/// the next `impl`) logs in its request or response callback.
fn fairing_logs(rest: &str) -> bool {
    static CALLBACK: OnceLock<Regex> = OnceLock::new();
    static LOG: OnceLock<Regex> = OnceLock::new();
    let body = rest.find("\nimpl").map_or(rest, |end| &rest[..end]);
    let Some(cb) = CALLBACK
        .get_or_init(|| {
            Regex::new(r"(?-u:\b)fn\s+on_(?:request|response)(?-u:\b)").expect("static regex")
        })
        .find(body)
    else {
        return false;
    };
    LOG.get_or_init(|| {
        Regex::new(r"(?-u:\b)(?:(?:log|tracing)::)?(?:info|debug|trace|warn|error|event)!\s*\(")
            .expect("static regex")
    })
    .is_match(&body[cb.end()..])
}

/// Whether the match at `offset` sits on a line comment (`#`, `//`, `--` for SQL-like).
fn commented(text: &str, offset: usize) -> bool {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = text[start..offset].trim_start();
    before.starts_with('#') && !before.starts_with("#[") && !before.starts_with("#!")
        || before.starts_with("//")
        || before.starts_with("<!--")
}

/// Whether an outbound call of `library` is traced by the service's instrumentation.
pub fn covers_library(signals: &[Signal], library: &str) -> Option<String> {
    for s in signals {
        for l in &s.libraries {
            let hit = l == "*"
                || l == library
                || library
                    .strip_prefix(l.as_str())
                    .is_some_and(|rest| rest.starts_with(':'));
            if hit {
                return Some(s.id.clone());
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------
// Registrations: handlers named in other files.

macro_rules! re {
    ($name:ident, $pat:expr) => {
        fn $name() -> &'static Regex {
            static CELL: OnceLock<Regex> = OnceLock::new();
            CELL.get_or_init(|| Regex::new(&super::ascii_boundaries($pat)).expect("static regex"))
        }
    };
}

re!(
    actix_to,
    r"\.(?:to|to_async)\s*\(\s*((?:[A-Za-z_]\w*::)*)([A-Za-z_]\w*)\s*\)"
);
re!(
    actix_resource,
    r#"\bweb::(resource|scope)\s*\(\s*"([^"]*)"\s*\)|\bweb::(get|post|put|delete|patch|head)\s*\(\s*\)\s*\.to(?:_async)?\s*\(\s*((?:[A-Za-z_]\w*::)*)([A-Za-z_]\w*)\s*\)|\.route\s*\(\s*"([^"]*)"\s*,\s*web::(get|post|put|delete|patch|head)\s*\(\s*\)\s*\.to(?:_async)?\s*\(\s*((?:[A-Za-z_]\w*::)*)([A-Za-z_]\w*)\s*\)"#
);
re!(
    axum_route,
    r#"\.route\s*\(\s*"([^"]*)"\s*,\s*((?:\s*\.?\s*(?:get|post|put|delete|patch|head|options|any)\s*\(\s*(?:[A-Za-z_]\w*::)*[A-Za-z_]\w*\s*\))+)"#
);
re!(
    axum_method,
    r"(get|post|put|delete|patch|head|options|any)\s*\(\s*((?:[A-Za-z_]\w*::)*)([A-Za-z_]\w*)\s*\)"
);
re!(
    go_route,
    r#"\.(HandleFunc|Handle|GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|Any|Get|Post|Put|Delete|Patch|Head|Options)\s*\(\s*((?:[\w.]+\s*\+\s*)?"[^"]*"(?:\s*\+\s*"[^"]*")*)\s*,\s*(?:[\w.]+\(\s*)*&?([A-Za-z_][\w.]*)\s*\)*\s*\)(?:\s*\.\s*Methods\s*\(\s*(?:http\.Method)?"?(\w+)"?)?"#
);
re!(
    go_grpc_register,
    r"\b(?:\w+\.)?Register(\w+)Server\s*\(\s*\w+\s*,\s*&?([A-Za-z_]\w*)"
);
re!(
    py_grpc_register,
    r"\badd_(\w+?)Servicer_to_server\s*\(\s*(?:\w+\.)*(\w+)"
);
re!(
    py_call_route,
    r#"\.(get|post|put|delete|patch|api_route|route|websocket)\s*\(\s*["']([^"']*)["'][^()]*(?:\([^()]*\)[^()]*)*\)\s*\(\s*(?:self\.|\w+\.)?([A-Za-z_]\w*)\s*\)"#
);
re!(
    py_add_route,
    r#"\b(?:add_api_route|add_url_rule|add_route|add_websocket_route)\s*\(\s*["']([^"']*)["']\s*,\s*(?:(?:endpoint|view_func)\s*=\s*)?(?:self\.|\w+\.)*([A-Za-z_]\w*)"#
);
re!(
    django_path,
    r#"\b(?:re_)?path\s*\(\s*r?["']([^"']*)["']\s*,\s*((?:[A-Za-z_]\w*\.)*?)([A-Za-z_]\w*)\s*(\.as_view\s*\(|[,)])"#
);
re!(
    js_route,
    r#"\b(?:app|router|server|api|routes?|r)\s*\.\s*(get|post|put|delete|patch|all)\s*\(\s*['"`]([^'"`]*)['"`]\s*,\s*(?:[\w$.]+\s*,\s*)*([A-Za-z_$][\w$]*)\s*\)"#
);
re!(
    js_add_service,
    r"\baddService\s*\(\s*([\w$.]+)\s*,\s*\{([^{}]*)\}"
);
re!(
    js_service_value,
    r"(?:([A-Za-z_$][\w$]*)\s*:\s*)?(?:[\w$]+\.)*([A-Za-z_$][\w$]*)(?:\.bind\s*\([^)]*\))?\s*(?:,|$)"
);
re!(
    js_default_wrapped,
    r"\bexport\s+default\s+(?:[\w$.]+\s*\(\s*)+([A-Za-z_$][\w$]*)\s*\)"
);

fn add(reg: &mut Registry, name: &str, route: Option<String>, module: Option<String>) {
    let v = reg.entry(name.to_string()).or_default();
    let r = Registration { route, module };
    if !v.contains(&r) {
        v.push(r);
    }
}

/// `/api` + `users` = `/api/users`.
fn join(prefix: &str, path: &str) -> String {
    match (prefix.ends_with('/'), path.starts_with('/')) {
        _ if prefix.is_empty() => path.to_string(),
        _ if path.is_empty() => prefix.to_string(),
        (true, true) => format!("{prefix}{}", &path[1..]),
        (false, false) => format!("{prefix}/{path}"),
        _ => format!("{prefix}{path}"),
    }
}

fn last_module(path: &str) -> Option<String> {
    path.trim_end_matches("::")
        .rsplit("::")
        .next()
        .filter(|m| !m.is_empty() && *m != "self" && *m != "super" && *m != "crate")
        .map(str::to_string)
}

/// Adds the handler registrations of one source file to `reg`.
pub fn registrations(lang: Lang, text: &str, reg: &mut Registry) {
    match lang {
        Lang::Rust => {
            // actix: `web::resource("/x").route(web::get().to(f))`, `.route("/x", web::get().to(f))`.
            let mut prefix: Vec<String> = Vec::new();
            let mut resource = String::new();
            for c in actix_resource().captures_iter(text) {
                if let Some(kind) = c.get(1) {
                    let p = c.get(2).map_or("", |m| m.as_str()).to_string();
                    if kind.as_str() == "scope" {
                        prefix = vec![p];
                        resource.clear();
                    } else {
                        resource = p;
                    }
                } else if let Some(m) = c.get(3) {
                    let route = format!(
                        "{} {}",
                        m.as_str().to_ascii_uppercase(),
                        join(&prefix.concat(), &resource)
                    );
                    add(
                        reg,
                        &c[5],
                        Some(route),
                        c.get(4).and_then(|x| last_module(x.as_str())),
                    );
                } else if let Some(m) = c.get(7) {
                    let route = format!(
                        "{} {}",
                        m.as_str().to_ascii_uppercase(),
                        join(&prefix.concat(), &c[6])
                    );
                    add(
                        reg,
                        &c[9],
                        Some(route),
                        c.get(8).and_then(|x| last_module(x.as_str())),
                    );
                }
            }
            for c in actix_to().captures_iter(text) {
                if !reg.contains_key(&c[2]) {
                    add(reg, &c[2], None, last_module(&c[1]));
                }
            }
            // axum: `.route("/x", get(a).put(b))`.
            for c in axum_route().captures_iter(text) {
                for m in axum_method().captures_iter(&c[2]) {
                    let route = format!("{} {}", m[1].to_ascii_uppercase(), &c[1]);
                    add(reg, &m[3], Some(route), last_module(&m[2]));
                }
            }
        }
        Lang::Go => {
            for c in go_route().captures_iter(text) {
                let name = c[3].rsplit('.').next().unwrap_or(&c[3]).to_string();
                let literal: String = c[2]
                    .split('"')
                    .enumerate()
                    .filter(|(i, _)| i % 2 == 1)
                    .map(|(_, s)| s)
                    .collect();
                let method = match &c[1] {
                    "HandleFunc" | "Handle" | "Any" => c
                        .get(4)
                        .map_or(String::new(), |m| m.as_str().to_ascii_uppercase()),
                    m => m.to_ascii_uppercase(),
                };
                let route = if method.is_empty() {
                    literal
                } else {
                    format!("{method} {literal}")
                };
                add(reg, &name, Some(route), None);
            }
            for c in go_grpc_register().captures_iter(text) {
                add(
                    reg,
                    &format!("grpc:{}", &c[2]),
                    Some(format!("{}/*", &c[1])),
                    None,
                );
                add(reg, "grpc:*", Some(format!("{}/*", &c[1])), None);
            }
        }
        Lang::Python => {
            for c in py_grpc_register().captures_iter(text) {
                add(reg, "grpc:*", Some(format!("{}/*", &c[1])), None);
            }
            for c in py_call_route().captures_iter(text) {
                let m = c[1].to_ascii_uppercase();
                let method = if matches!(m.as_str(), "API_ROUTE" | "ROUTE" | "WEBSOCKET") {
                    ""
                } else {
                    m.as_str()
                };
                add(
                    reg,
                    &c[3],
                    Some(format!("{method} {}", &c[2]).trim().to_string()),
                    None,
                );
            }
            for c in py_add_route().captures_iter(text) {
                add(reg, &c[2], Some(c[1].to_string()), None);
            }
            for c in django_path().captures_iter(text) {
                let name = &c[3];
                // `include(...)` and `admin.site.urls` are not views.
                if matches!(name, "include" | "urls" | "site") {
                    continue;
                }
                add(
                    reg,
                    name,
                    Some(format!(
                        "/{}",
                        c[1].trim_start_matches('^').trim_start_matches('/')
                    )),
                    None,
                );
            }
        }
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => {
            for c in js_route().captures_iter(text) {
                add(
                    reg,
                    &c[3],
                    Some(format!("{} {}", c[1].to_ascii_uppercase(), &c[2])),
                    None,
                );
            }
            for c in js_add_service().captures_iter(text) {
                let svc = c[1].trim_end_matches(".service");
                let svc = svc.rsplit('.').next().unwrap_or(svc).to_string();
                for part in c[2].split(',') {
                    let part = part.trim();
                    if part.is_empty() {
                        continue;
                    }
                    if let Some(v) = js_service_value().captures(part) {
                        let method = v.get(1).map_or(&v[2], |m| m.as_str());
                        add(reg, &v[2], Some(format!("{svc}/{method}")), None);
                    }
                }
            }
            for c in js_default_wrapped().captures_iter(text) {
                add(reg, &c[1], None, None);
            }
        }
        Lang::Java => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables' patterns compile only when a file holds one of their prefixes: each one
    /// compiles, most have prefixes, and a pattern without a prefix in a text finds nothing
    /// in it.
    #[test]
    fn table_patterns_compile_and_prefixes_hold() {
        let t = tables();
        let texts = [
            "import sentry_sdk\nsentry_sdk.init(traces_sample_rate=1.0)\n",
            "app = Flask(__name__)\nlogging.basicConfig()\n",
            "r := gin.Default()\nhttp.ListenAndServe(\":80\", r)\n",
            "nothing here\n",
        ];
        for text in texts {
            let possible = t.possible(text);
            for (i, re) in t.defs.iter().chain(&t.disabled).chain(&t.entry).enumerate() {
                let compiled = Regex::new(&re.pattern).expect("pattern compiles");
                if re.when(possible[i]).is_none() {
                    assert!(compiled.find(text).is_none(), "{} in {text:?}", re.pattern);
                }
            }
        }
        let with = t.defs.iter().filter(|r| r.prefixes.is_some()).count();
        assert!(with * 2 > t.defs.len(), "{with} of {}", t.defs.len());
    }

    fn scan_one(path: &str, text: &str) -> ServiceFact {
        scan(
            "",
            &[ContextFile {
                path,
                text,
                added: true,
            }],
            Context::default(),
        )
    }

    #[test]
    fn minified_files_are_vendored_code() {
        // A bundler's `*.bundle.js` is generated by the path rules (paths::table::GENERATED),
        // which keep it out of the candidates and the service context.
        assert!(is_vendored("web/app.min.js") && !is_vendored("src/static/scripts/admin.js"));
    }

    #[test]
    fn signals_are_anchored_on_the_api_names() {
        let s = scan_one("main.go", "r := gin.Default()\nr.Run()\n");
        assert_eq!(s.requests.len(), 1, "{s:#?}");
        assert_eq!(
            (s.requests[0].id.as_str(), s.requests[0].line),
            ("gin-logger", 1)
        );
        assert_eq!(s.entrypoints[0].what, "go http server");
        assert!(s.new);
        // Mentions that are not setups.
        let s = scan_one(
            "main.go",
            "// r := gin.Default()\ncatalog.get(x)\nr := gin.New()\n",
        );
        assert!(s.requests.is_empty(), "{s:#?}");
        let s = scan_one("app.py", "# sentry_sdk.init(dsn)\n");
        assert!(s.errors.is_empty(), "{s:#?}");
    }

    #[test]
    fn sentry_tracing_is_told_from_error_reporting() {
        let s = scan_one(
            "main.py",
            "sentry_sdk.init(dsn=str(settings.SENTRY_DSN), enable_tracing=True)\n",
        );
        assert!(
            s.tracing && !s.requests.is_empty() && !s.errors.is_empty(),
            "{s:#?}"
        );
        let s = scan_one("main.py", "sentry_sdk.init(dsn=DSN)\n");
        assert!(
            !s.tracing && s.requests.is_empty() && s.errors.len() == 1,
            "{s:#?}"
        );
    }

    #[test]
    fn gunicorn_access_log_on_and_off() {
        let on = scan_one(
            "boot.sh",
            "exec gunicorn -b :5000 --access-logfile - --error-logfile - app:app\n",
        );
        assert_eq!(on.requests[0].id, "gunicorn-access-log");
        let off = scan(
            "",
            &[
                ContextFile {
                    path: "Procfile",
                    text: "web: gunicorn app.wsgi --access-logfile \"/dev/null\"\n",
                    added: false,
                },
                ContextFile {
                    path: "boot.sh",
                    text: "gunicorn app.wsgi --access-logfile -\n",
                    added: false,
                },
            ],
            Context::default(),
        );
        assert!(off.requests.is_empty(), "{off:#?}");
        assert_eq!(off.disabled[0].id, "gunicorn-no-access-log");
        // Plain gunicorn logs no requests.
        assert!(scan_one("Procfile", "web: gunicorn app:app\n")
            .requests
            .is_empty());
    }

    #[test]
    fn outbound_coverage_by_library() {
        let s = scan_one("run.py", "HTTPXClientInstrumentor().instrument()\n");
        assert_eq!(
            covers_library(&s.outbound, "http:httpx").as_deref(),
            Some("otel-python-httpx")
        );
        assert_eq!(covers_library(&s.outbound, "http:requests"), None);
        let s = scan_one(
            "Dockerfile",
            "ENTRYPOINT [\"opentelemetry-instrument\", \"python\", \"x.py\"]\n",
        );
        assert!(covers_library(&s.outbound, "sql").is_some());
        let s = scan_one(
            "main.go",
            "c := &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport)}\n",
        );
        assert!(covers_library(&s.outbound, "http:client").is_some());
        assert!(covers_library(&s.outbound, "http:default").is_none());
    }

    #[test]
    fn registrations_across_files() {
        let mut reg = Registry::new();
        registrations(
            Lang::Rust,
            r#"cfg.service(web::scope("/api").service(web::resource("users").route(web::post().to_async(users::register))).service(web::resource("/").to(index)))"#,
            &mut reg,
        );
        assert_eq!(reg["register"][0].route.as_deref(), Some("POST /api/users"));
        assert_eq!(reg["register"][0].module.as_deref(), Some("users"));
        assert!(reg.contains_key("index"));
        let mut reg = Registry::new();
        registrations(
            Lang::Rust,
            r#"Router::new().route("/api/user", get(get_current_user).put(update_user))"#,
            &mut reg,
        );
        assert_eq!(
            reg["update_user"][0].route.as_deref(),
            Some("PUT /api/user")
        );
        let mut reg = Registry::new();
        registrations(Lang::Go, "r.HandleFunc(baseUrl+\"/product/{id}\", svc.productHandler).Methods(http.MethodGet)\npb.RegisterCheckoutServiceServer(srv, svc)\nrouter.GET(\"/:slug\", ArticleRetrieve)\n", &mut reg);
        assert_eq!(
            reg["productHandler"][0].route.as_deref(),
            Some("GET /product/{id}")
        );
        assert_eq!(
            reg["ArticleRetrieve"][0].route.as_deref(),
            Some("GET /:slug")
        );
        assert_eq!(
            reg["grpc:svc"][0].route.as_deref(),
            Some("CheckoutService/*")
        );
        let mut reg = Registry::new();
        registrations(Lang::JavaScript, "server.addService(pkg.oteldemo.PaymentService.service, { charge: chargeServiceHandler })\nthis.server.addService(h.Health.service, {check: S.CheckHandler.bind(this)})\n", &mut reg);
        assert_eq!(
            reg.get("chargeServiceHandler")
                .and_then(|r| r[0].route.as_deref()),
            Some("PaymentService/charge"),
            "{reg:?}"
        );
        assert!(reg.contains_key("CheckHandler"), "{reg:?}");
        let mut reg = Registry::new();
        registrations(Lang::Python, "urlpatterns = [path(\"me/\", UserMeApi.as_view(), name=\"me\"), path(\"admin/\", admin.site.urls), path(\"\", include(x))]\nself.app.post(\"/prompt\")(self.handle_prompt)\n", &mut reg);
        assert_eq!(reg["UserMeApi"][0].route.as_deref(), Some("/me/"));
        assert_eq!(
            reg["handle_prompt"][0].route.as_deref(),
            Some("POST /prompt")
        );
        assert!(!reg.contains_key("urls") && !reg.contains_key("include"));
    }

    #[test]
    fn roots_are_the_deepest_manifest_directories() {
        let r = roots(
            [
                "package.json",
                "src/checkout/go.mod",
                "src/checkout/main.go",
                "src/ad/build.gradle",
                "node_modules/x/package.json",
                "tests/fixtures/package.json",
            ]
            .into_iter(),
        );
        assert_eq!(
            root_of("src/checkout/kafka/producer.go", &r),
            "src/checkout"
        );
        assert_eq!(root_of("src/other/x.go", &r), "");
        assert!(!r.contains("node_modules/x"));
    }

    #[test]
    fn generated_code_by_name_and_header() {
        assert!(is_generated_name("src/demo_pb2_grpc.py"));
        assert!(is_generated_name("web/src/client/sdk.gen.ts"));
        assert!(!is_generated_name("src/generator.py"));
        assert!(is_generated_header(
            b"// Code generated by protoc-gen-go. DO NOT EDIT.\npackage pb\n"
        ));
        assert!(!is_generated_header(b"package main\n"));
    }
}
