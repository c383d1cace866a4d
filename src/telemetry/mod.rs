//! Missing telemetry: new code paths nobody can observe in production.
//!
//! The post-image of each changed source file is parsed with tree-sitter (Python, JavaScript,
//! TypeScript/TSX, Go, Rust, Java), in parallel. The functions and error blocks that added
//! lines touch are classified: HTTP/RPC handlers, error handlers, outbound calls and
//! entrypoints. For each, gate records whether a log, trace or metric call is there (the APIs
//! are configurable for in-house wrappers) and, for error handlers, whether the error is
//! re-raised or returned. Policies (`policies/telemetry`) decide what is missing.
//!
//! Grammars, node-kind tables and the instrumentation patterns are built once per run; a
//! parser is created per file (cheap) because tree-sitter parsers are not shareable.

mod lang;
pub mod service;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use anyhow::{Context, Result};
use rayon::prelude::*;
use regex::{Regex, RegexSet};
use serde::{Deserialize, Serialize};
use tree_sitter::{Node, Parser};

use crate::change::{ChangeSet, FileChange, FileStatus, Listed};
use crate::weakening::{added, checked, FieldRule};

pub use lang::Lang;
pub use service::ServiceFact;

/// `telemetry:` in `.gate.yaml`: extra instrumentation APIs (regexes) and the parse budget.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct TelemetryConfig {
    /// Calls that count as logging (e.g. `audit\.record\(`).
    pub logging: Vec<String>,
    /// Calls that count as tracing (e.g. `obs\.span\(`).
    pub tracing: Vec<String>,
    /// Calls that count as metrics.
    pub metrics: Vec<String>,
    /// How many megabytes of changed source one check parses (critical paths first, then in
    /// path order); the files past it are listed in `coverage.telemetry.skipped`.
    pub budget_mb: f64,
    /// How many megabytes of the touched services' other files (setup, entrypoints, route
    /// registrations) one check reads to find service-level telemetry; a service whose files
    /// do not all fit is marked `context.complete: false` and no rule claims it lacks telemetry.
    pub context_mb: f64,
}

/// The default parse budget: tree-sitter parses ~15 MB/s on two cores here, so a check spends
/// at most about half a second on telemetry, and a typical or even huge pull request (a few
/// MB of post-images) is analyzed whole.
pub const DEFAULT_BUDGET_MB: f64 = 8.0;

/// The default service-context budget: reading and scanning a service's files with regexes
/// runs at a few hundred MB/s, so 16 MB costs well under a tenth of a second.
pub const DEFAULT_CONTEXT_MB: f64 = 16.0;

impl Default for TelemetryConfig {
    fn default() -> TelemetryConfig {
        TelemetryConfig {
            logging: Vec::new(),
            tracing: Vec::new(),
            metrics: Vec::new(),
            budget_mb: DEFAULT_BUDGET_MB,
            context_mb: DEFAULT_CONTEXT_MB,
        }
    }
}

impl TelemetryConfig {
    /// The budget in bytes; an error names the key when it is not a number of megabytes.
    pub fn budget_bytes(&self) -> Result<u64> {
        megabytes("budget_mb", self.budget_mb)
    }

    /// The service-context budget in bytes.
    pub fn context_bytes(&self) -> Result<u64> {
        megabytes("context_mb", self.context_mb)
    }
}

fn megabytes(key: &str, mb: f64) -> Result<u64> {
    if !mb.is_finite() || !(0.0..=1e6).contains(&mb) {
        anyhow::bail!(
            "telemetry.{key}: expected a number of megabytes from 0 to 1000000, got {mb}"
        );
    }
    // In range: the cast cannot truncate meaningfully.
    Ok((mb * 1e6).round() as u64)
}

impl TelemetryConfig {
    /// The section's own checks (the budget is a number of megabytes).
    pub fn validate(&self) -> Result<()> {
        self.budget_bytes()?;
        self.context_bytes().map(|_| ())
    }

    /// How `after` weakens this section: more calls counted as instrumentation (every added
    /// pattern can make an unobserved handler look observed), a smaller parse budget.
    pub fn weakened_by(&self, after: &TelemetryConfig) -> Vec<String> {
        let mut w = Vec::new();
        for (what, b, a) in [
            ("logging", &self.logging, &after.logging),
            ("tracing", &self.tracing, &after.tracing),
            ("metrics", &self.metrics, &after.metrics),
        ] {
            for p in added(b, a) {
                w.push(format!("counts calls matching {p} as {what}"));
            }
        }
        if after.budget_mb < self.budget_mb {
            w.push(format!(
                "lowers the telemetry budget {} MB -> {} MB",
                self.budget_mb, after.budget_mb
            ));
        }
        if after.context_mb < self.context_mb {
            w.push(format!(
                "lowers the telemetry service-context budget {} MB -> {} MB",
                self.context_mb, after.context_mb
            ));
        }
        w
    }
}

/// The fields of `telemetry:` and how each can weaken the gate.
pub const WEAKENINGS: &[FieldRule] = &[
    checked("logging", "{logging: []}", "{logging: ['.']}"),
    checked("tracing", "{tracing: []}", "{tracing: ['.']}"),
    checked("metrics", "{metrics: []}", "{metrics: ['.']}"),
    checked("budget_mb", "{budget_mb: 8}", "{budget_mb: 0.5}"),
    checked("context_mb", "{context_mb: 16}", "{context_mb: 1}"),
];

/// How much of the change telemetry analysis covered (`coverage.telemetry` in the facts).
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Coverage {
    /// Files parsed.
    pub files: usize,
    /// Bytes of source parsed.
    pub bytes: u64,
    /// The budget in force, in bytes.
    pub budget_bytes: u64,
    /// Candidate files not analyzed, sorted by path.
    pub skipped: Vec<Skipped>,
    /// The services' other files read for their setup.
    pub context: ContextCoverage,
}

/// `coverage.telemetry.context`: the files read around the change to find service-level
/// telemetry, within `telemetry.context_mb`.
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct ContextCoverage {
    pub files: usize,
    pub bytes: u64,
    pub budget_bytes: u64,
    /// Roots of the services whose files did not all fit in the budget (or could not be
    /// listed: a `--diff` outside a repository).
    pub incomplete: Vec<String>,
}

/// A changed source file telemetry analysis did not parse, and why.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Skipped {
    pub path: String,
    /// `budget` (past `telemetry.budget_mb`), `too_large` (one file over the per-file limit,
    /// usually a bundle or generated code) or `no_source` (the post-image could not be read,
    /// e.g. a `--diff` whose files are not in the work tree).
    pub reason: &'static str,
    /// The size of the source, when known.
    pub bytes: Option<u64>,
}

/// Receivers that are loggers: `log`, `logger`, `logging`, `slog`, `app_logger`,
/// `requestLogger`, `LOG` (whole words: `catalog.get` is not logging).
const LOG_RECV: &str = r"(?:\b(?:\w+_)?(?:log|logger|logging|slog|structlog|loguru|winston|pino|bunyan|sugar|zlog|klog|glog|LOG|LOGGER)|\b\w*(?:Log|Logger|LOG|LOGGER))";

/// Logging levels and printf-style methods.
const LOG_METHOD: &str = r"(?:trace|debug|info|information|warn|warning|error|err|exception|critical|fatal|panic|log|msg|print|printf|println|Print|Printf|Println|Fatal|Fatalf|Fatalln|Panic|Panicf|Panicln|Error|Errorf|Errorw|Err|Warn|Warnf|Warnw|Warning|Warningf|Info|Infof|Infow|Infoln|Debug|Debugf|Debugw|Trace|Tracef|Log|Logf|ErrorContext|WarnContext|InfoContext|DebugContext|LogAttrs|V)";

fn logging_patterns() -> Vec<String> {
    vec![
        // logger.info(, self.log.error(, logging.exception(, log.Printf(, slog.Error(,
        // LOG.warn(, log.WithError(err).Error(, structlog.get_logger().info(
        format!(r"{LOG_RECV}(?:\s*\.\s*(?:With\w*|bind|opt|child|Sugar|new|get_logger|getLogger)\s*\([^()\n]*(?:\([^()\n]*\)[^()\n]*)*\))*\s*\.\s*{LOG_METHOD}\s*\("),
        r"\b(?:structlog|logging)\s*\.\s*(?:get_logger|getLogger)\s*\([^()\n]*\)\s*\.\s*(?:debug|info|warning|warn|error|exception|critical)\s*\(".to_string(),
        r"\bzap\.[LS]\(\)\s*\.\s*\w+\s*\(".to_string(),
        r"\bconsole\.(?:log|error|warn|info|debug|trace)\s*\(".to_string(),
        r"\b(?:tracing::|log::)?(?:trace|debug|info|warn|error|event)!\s*\(".to_string(),
        r"(?i)\bcapture_?(?:exception|message)\s*\(".to_string(),
        r"\blog\.(?:Error|Warn|Info|Debug|Fatal|Panic)\(\)".to_string(),
    ]
}

const TRACING: &[&str] = &[
    r"\bstart_as_current_span\b|\bstart_span\s*\(|\bstartActiveSpan\s*\(|\bstartSpan\s*\(",
    r"\btracer\.Start\s*\(|\botel\.Tracer\s*\(|\btrace\.get_tracer\b|\bspanBuilder\s*\(",
    r"#\[\s*(?:tracing::)?instrument\b|@WithSpan\b|@(?:\w+\.)?trace(?:d)?\b|@tracer\.",
    r"\b(?:info_span|debug_span|error_span|trace_span|warn_span|span)!\s*\(|\.in_current_span\s*\(|\.instrument\s*\(",
    // span.RecordError(err), span.SetStatus(...), span?.setStatus(...), span.record_exception(e)
    r"(?i)\b\w*span\??\.(?:record_?exception|record_?error|set_?status|set_?attributes?|add_?event|end|set_?tag|log_?kv)\s*\(",
];

const METRICS: &[&str] = &[
    // requests_counter.inc(, REQUEST_LATENCY.observe(, orderCounter.add(, meter.record(
    r"(?i)\b(?:\w+_)?(?:counter|histogram|gauge|meter|metric|metrics|timer|summary|total|seconds|latency|duration)s?\s*\.\s*(?:add|inc|increment|observe|record|set|labels|time|mark|update|dec|decrement)\s*\(",
    r"\b\w*(?:Counter|Histogram|Gauge|Meter|Metric|Timer|Summary|Latency|Duration)s?\s*\.\s*(?:add|Add|inc|Inc|increment|Increment|observe|Observe|record|Record|set|Set|labels|WithLabelValues|With|time|mark|update|dec|Dec)\s*\(",
    r"\b(?:statsd|metrics|prometheus|meterRegistry|Metrics|promauto)\.\w+\s*\(",
    r"\b(?:counter|histogram|gauge|increment_counter)!\s*\(|\bCounter\.builder\s*\(|\bTimer\.builder\s*\(",
];

/// `\b` as an ASCII word boundary: identifiers in the built-in patterns are ASCII, and the
/// regex crate's fast lazy DFA gives up on a Unicode `\b` as soon as the text holds a
/// non-ASCII byte (falling back to a much slower engine).
pub(crate) fn ascii_boundaries(pattern: &str) -> String {
    pattern.replace(r"\b", r"(?-u:\b)")
}

/// The instrumentation patterns in force.
pub struct Patterns {
    logging: RegexSet,
    tracing: RegexSet,
    metrics: RegexSet,
}

impl Patterns {
    pub fn new(cfg: &TelemetryConfig) -> Result<Patterns> {
        let set = |defaults: &[&str], extra: &[String], what: &str| -> Result<RegexSet> {
            RegexSet::new(
                defaults
                    .iter()
                    .map(|s| ascii_boundaries(s))
                    .chain(extra.iter().cloned()),
            )
            .with_context(|| format!("telemetry.{what}: invalid regex"))
        };
        Ok(Patterns {
            logging: {
                let owned = logging_patterns();
                let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
                set(&refs, &cfg.logging, "logging")?
            },
            tracing: set(TRACING, &cfg.tracing, "tracing")?,
            metrics: set(METRICS, &cfg.metrics, "metrics")?,
        })
    }

    /// `logging`, `span`, `metric`: what the text contains.
    pub fn signals(&self, text: &str) -> Vec<String> {
        let mut s = Vec::new();
        if self.logging.is_match(text) {
            s.push("logging".to_string());
        }
        if self.tracing.is_match(text) {
            s.push("span".to_string());
        }
        if self.metrics.is_match(text) {
            s.push("metric".to_string());
        }
        s
    }
}

/// A touched function or block (`telemetry` in the facts) and what observes it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default)]
pub struct TelemetryFact {
    pub path: String,
    pub line: u32,
    pub end_line: u32,
    pub language: String,
    /// The function (`Class.method` for methods; for outbound calls: `function: callee`).
    pub function: String,
    /// `http_handler` (HTTP routes and RPC methods), `error_handler`, `error_responder`
    /// (a terminal error handler: Express error middleware, `@app.errorhandler`,
    /// `@ExceptionHandler`, an `IntoResponse`/`ResponseError` implementation),
    /// `outbound_call` or `entrypoint`.
    pub kind: String,
    /// A log, trace or metric call is in the function or block itself.
    pub instrumented: bool,
    /// `logging`, `span`, `metric`.
    pub signals: Vec<String>,
    /// Error handlers: the error is re-raised, returned, recorded, answered, passed on,
    /// stored, or an expected failure answered with a default (see `outcome`).
    pub handled: bool,
    /// The function (or block) itself is added by the change, not only edited.
    pub new: bool,
    /// The file is under a `critical:` path.
    pub critical: bool,
    /// The root of the service the file belongs to (`""`: the repository root).
    pub service: String,
    /// Handlers: the route or RPC method when the framework declares it (`GET /users/:id`,
    /// `CheckoutService/PlaceOrder`); production traces name routes this way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    /// Handlers: `http` or `rpc`. Entrypoints: `main`, `job`, `serverless` or `cli`.
    /// Outbound calls: the library (`http:requests`, `sql`, `orm:gorm`, `grpc`...).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub role: String,
    /// Service-level instrumentation that observes it (signal ids of the service).
    pub covered_by: Vec<String>,
    /// Error handlers: where the error ends up (`propagated`, `recorded`, `exit`, `stderr`,
    /// `responded`, `passed`, `stored`, `returned`, `printed`, `fallback`, `dropped`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub outcome: String,
    /// Error handlers and responders: the HTTP status answered (0: not readable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Error handlers: an internal failure answered as a client error (400/404/409/422)
    /// without being recorded.
    pub masked: bool,
}

/// What telemetry analysis found: the touched functions, their services, the coverage.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub facts: Vec<TelemetryFact>,
    pub services: Vec<ServiceFact>,
    pub coverage: Coverage,
}

/// Files larger than this are not parsed (minified bundles, generated code).
pub const MAX_PARSE: usize = 2 * 1024 * 1024;

/// Whether a path is never analyzed for telemetry: vendored, built or generated by name.
pub fn is_skipped_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    service::is_vendored(path)
        || service::is_generated_name(path)
        // Test modules the test-path patterns may not name.
        || matches!(name, "tests.py" | "conftest.py" | "test.py")
}

/// The changed files telemetry analysis parses (in `--all` mode: every source file).
pub fn candidates(cs: &ChangeSet, is_candidate: impl Fn(&FileChange) -> bool) -> Vec<&FileChange> {
    cs.files
        .iter()
        .filter(|f| {
            f.status != FileStatus::Deleted && !f.binary && (f.whole_file || f.additions() > 0)
        })
        .filter(|f| Lang::of(&f.path).is_some() && !is_skipped_path(&f.path) && is_candidate(f))
        .collect()
}

/// Post-images of files, by path, read ahead of the analysis.
pub use crate::change::images::Images;

/// A changed source file to parse: its post-image (`None`: put together from its added
/// lines) and its size.
struct Source<'a> {
    file: &'a FileChange,
    lang: Lang,
    critical: bool,
    image: Option<Vec<u8>>,
    len: usize,
}

/// The inputs of [`analyze`] besides the change.
pub struct Settings<'a> {
    pub patterns: &'a Patterns,
    /// Parse budget in bytes.
    pub budget: u64,
    /// Service-context budget in bytes.
    pub context_budget: u64,
    /// Whether a changed file is analyzed (not ignored, not a test, not generated).
    pub is_candidate: &'a (dyn Fn(&FileChange) -> bool + Sync),
    /// Whether a file of the snapshot may be read as service context (not ignored, not a
    /// test, not generated).
    pub is_context: &'a (dyn Fn(&str) -> bool + Sync),
    pub is_critical: &'a (dyn Fn(&str) -> bool + Sync),
}

/// Analyzes the changed source files of the change, within the parse budget: critical paths
/// first, then in path order, so the same change always covers the same files whatever the
/// thread count. `images` holds post-images read ahead by the caller; a file it lacks is
/// read from the snapshot (`--all`), or analyzed from its added lines if it is new, and
/// listed as `no_source` otherwise. The services the parsed files belong to are then found
/// in the snapshot's listing, their setup files read within the context budget, and each
/// touched function is told what observes it at the service level.
pub fn analyze(cs: &ChangeSet, mut images: Images, s: &Settings) -> Result<Analysis> {
    let files = candidates(cs, s.is_candidate);
    let mut coverage = Coverage {
        budget_bytes: s.budget,
        ..Coverage::default()
    };
    coverage.context.budget_bytes = s.context_budget;
    // The snapshot's files: sizes for `--all`, service roots and setup files for every mode.
    // A snapshot that cannot be listed is an error: service context would be guessed.
    let listing: Vec<Listed> = cs
        .post
        .list()
        .context("cannot list the changed tree for service setup")?;
    let sizes: HashMap<&str, (Option<u64>, Option<&str>)> = listing
        .iter()
        .map(|l| (l.path.as_str(), (l.size, l.id.as_deref())))
        .collect();
    let mut sources: Vec<Source> = Vec::new();
    for f in files {
        let Some(lang) = Lang::of(&f.path) else {
            continue;
        };
        let (image, len) = match images.remove(&f.path).flatten() {
            Some(b) => {
                let n = b.len();
                (Some(b), n)
            }
            None if f.whole_file => match sizes.get(f.path.as_str()) {
                Some((Some(n), _)) => (None, usize::try_from(*n).unwrap_or(usize::MAX)),
                _ => match cs.post.read(&f.path)? {
                    Some(b) => {
                        let n = b.len();
                        (Some(b), n)
                    }
                    None => {
                        coverage.skipped.push(Skipped {
                            path: f.path.clone(),
                            reason: "no_source",
                            bytes: None,
                        });
                        continue;
                    }
                },
            },
            None if f.status == FileStatus::Added => (None, f.added_len()),
            None => {
                coverage.skipped.push(Skipped {
                    path: f.path.clone(),
                    reason: "no_source",
                    bytes: None,
                });
                continue;
            }
        };
        if len > MAX_PARSE {
            coverage.skipped.push(Skipped {
                path: f.path.clone(),
                reason: "too_large",
                bytes: Some(len as u64),
            });
            continue;
        }
        sources.push(Source {
            file: f,
            lang,
            critical: (s.is_critical)(&f.path),
            image,
            len,
        });
    }
    // The budget: critical paths first, then path order (`cs.files` is sorted by path).
    sources.sort_by_key(|x| (!x.critical, x.file.path.as_str()));
    let mut left = s.budget;
    let mut parsed = Vec::with_capacity(sources.len());
    for x in sources {
        let n = x.len as u64;
        if n > left {
            coverage.skipped.push(Skipped {
                path: x.file.path.clone(),
                reason: "budget",
                bytes: Some(n),
            });
            // Later, smaller files may still fit: the budget is not a cut-off in path order
            // but a cap on bytes, and every file that fits is analyzed.
            continue;
        }
        left -= n;
        coverage.files += 1;
        coverage.bytes += n;
        parsed.push(x);
    }
    // Whole files of `--all` within the budget, read in one go.
    let unread: Vec<(String, Option<String>)> = parsed
        .iter()
        .filter(|x| x.image.is_none() && x.file.whole_file)
        .map(|x| {
            let id = sizes
                .get(x.file.path.as_str())
                .and_then(|(_, id)| id.map(str::to_string));
            (x.file.path.clone(), id)
        })
        .collect();
    if !unread.is_empty() {
        let refs: Vec<(&str, Option<&str>)> = unread
            .iter()
            .map(|(p, i)| (p.as_str(), i.as_deref()))
            .collect();
        let read = cs.post.read_many(&refs)?;
        let mut by_path: HashMap<String, Vec<u8>> = HashMap::new();
        for ((p, _), b) in unread.into_iter().zip(read) {
            if let Some(b) = b? {
                by_path.insert(p, b);
            }
        }
        for x in &mut parsed {
            if x.image.is_none() && x.file.whole_file {
                x.image = by_path.remove(&x.file.path);
            }
        }
    }
    // Generated code by its header (`Code generated ... DO NOT EDIT`) is not analyzed.
    parsed.retain(|x| {
        x.image
            .as_deref()
            .is_none_or(|b| !service::is_generated_header(b))
    });
    let parsed: Vec<(Source, Vec<u8>)> = parsed
        .into_iter()
        .filter_map(|mut x| {
            let bytes = match x.image.take() {
                Some(b) => b,
                None if x.file.whole_file => return None,
                None => x.file.added_text(),
            };
            Some((x, bytes))
        })
        .collect();
    coverage.skipped.sort_by(|a, b| a.path.cmp(&b.path));

    // Services: roots from the listing (or, without one, from the change's own paths).
    let roots = if listing.is_empty() {
        service::roots(cs.files.iter().map(|f| f.path.as_str()))
    } else {
        service::roots(listing.iter().map(|l| l.path.as_str()))
    };
    // Each parsed file's service, found once (a whole tree has hundreds of services and
    // thousands of files).
    let parsed_roots: Vec<&str> = parsed
        .iter()
        .map(|(x, _)| service::root_of(&x.file.path, &roots))
        .collect();
    let touched: BTreeSet<String> = parsed_roots.iter().map(|r| r.to_string()).collect();
    let contexts = read_contexts(
        cs,
        &listing,
        &roots,
        &touched,
        &parsed,
        s,
        &mut coverage.context,
    )?;

    // The paths of each service's context files.
    let in_context: HashMap<&str, HashSet<&str>> = contexts
        .iter()
        .map(|(root, c)| {
            let paths = c.files.iter().map(|(p, _)| p.as_str()).collect();
            (root.as_str(), paths)
        })
        .collect();
    let read_for = |root: &str, path: &str| in_context.get(root).is_some_and(|c| c.contains(path));
    // The parsed files of each service, in path order.
    let mut parsed_by_root: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, root) in parsed_roots.iter().enumerate() {
        parsed_by_root.entry(root).or_default().push(i);
    }
    let parsed_of = |root: &str| -> Vec<&(Source, Vec<u8>)> {
        parsed_by_root
            .get(root)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&i| &parsed[i])
            .filter(|(x, _)| !read_for(root, &x.file.path))
            .collect()
    };
    // Registrations per service (each on a worker), from its context and then the parsed
    // files themselves.
    let mut with_registrations: BTreeSet<&str> = contexts.keys().map(String::as_str).collect();
    with_registrations.extend(parsed_roots.iter().copied());
    let with_registrations: Vec<&str> = with_registrations.into_iter().collect();
    let registries: HashMap<&str, service::Registry> = with_registrations
        .par_iter()
        .map(|&root| {
            let mut reg = service::Registry::new();
            for (path, text) in contexts.get(root).map_or(&[][..], |c| c.files.as_slice()) {
                if let Some(lang) = Lang::of(path) {
                    service::registrations(lang, text, &mut reg);
                }
            }
            for (x, bytes) in parsed_of(root) {
                service::registrations(x.lang, &String::from_utf8_lossy(bytes), &mut reg);
            }
            (root, reg)
        })
        .collect();
    // Service facts, each service scanned on a worker, in root order.
    let added: BTreeSet<&str> = cs
        .files
        .iter()
        .filter(|f| f.status == FileStatus::Added)
        .map(|f| f.path.as_str())
        .collect();
    let touched_roots: Vec<&String> = touched.iter().collect();
    let services: Vec<ServiceFact> = touched_roots
        .par_iter()
        .filter_map(|&root| {
            let ctx = contexts.get(root)?;
            let mut texts: Vec<service::ContextFile> = ctx
                .files
                .iter()
                .map(|(p, t)| service::ContextFile {
                    path: p,
                    text: t,
                    added: added.contains(p.as_str()),
                })
                .collect();
            let owned: Vec<(String, String)> = parsed_of(root)
                .into_iter()
                .map(|(x, b)| (x.file.path.clone(), String::from_utf8_lossy(b).into_owned()))
                .collect();
            texts.extend(owned.iter().map(|(p, t)| service::ContextFile {
                path: p,
                text: t,
                added: added.contains(p.as_str()),
            }));
            texts.sort_by(|a, b| a.path.cmp(b.path));
            Some(service::scan(root, &texts, ctx.coverage.clone()))
        })
        .collect();

    let empty = service::Registry::new();
    let results: Vec<Result<Vec<TelemetryFact>>> = parsed
        .par_iter()
        .zip(&parsed_roots)
        .map(|((x, bytes), &root)| {
            let f = x.file;
            let added: Added = if f.whole_file {
                let n = u32::try_from(bytes.iter().filter(|b| **b == b'\n').count() + 1)
                    .unwrap_or(u32::MAX);
                (1..=n).collect()
            } else {
                f.added_lines().map(|l| l.line).collect()
            };
            let reg = registries.get(root).unwrap_or(&empty);
            let mut facts = analyze_file(x.lang, &f.path, bytes, &added, s.patterns, reg)?;
            for t in &mut facts {
                t.critical = x.critical;
                t.service = root.to_string();
            }
            Ok(facts)
        })
        .collect();
    let mut out = Vec::new();
    for r in results {
        out.extend(r?);
    }
    let by_root: HashMap<&str, &ServiceFact> =
        services.iter().map(|s| (s.root.as_str(), s)).collect();
    for t in &mut out {
        if let Some(svc) = by_root.get(t.service.as_str()) {
            apply_service(t, svc);
        }
    }
    out.sort_by(|a, b| {
        (&a.path, a.line, &a.kind, &a.function).cmp(&(&b.path, b.line, &b.kind, &b.function))
    });
    Ok(Analysis {
        facts: out,
        services,
        coverage,
    })
}

/// What the service's own instrumentation observes of one fact.
fn apply_service(t: &mut TelemetryFact, svc: &ServiceFact) {
    let ids = |v: &[service::Signal]| -> Vec<String> { v.iter().map(|s| s.id.clone()).collect() };
    t.covered_by = match t.kind.as_str() {
        "http_handler" => ids(&svc.requests),
        "outbound_call" => service::covers_library(&svc.outbound, &t.role)
            .into_iter()
            .collect(),
        "entrypoint" if matches!(t.role.as_str(), "job" | "serverless") => ids(&svc.jobs),
        "error_responder" => {
            let mut v: Vec<String> = svc
                .errors
                .iter()
                .filter(|s| s.id != "framework-errors")
                .map(|s| s.id.clone())
                .collect();
            v.append(&mut t.covered_by);
            v
        }
        _ => std::mem::take(&mut t.covered_by),
    };
    t.covered_by.sort();
    t.covered_by.dedup();
}

/// The files read for one service's setup.
struct ServiceContext {
    files: Vec<(String, String)>,
    coverage: service::Context,
}

/// Reads the touched services' setup files (manifests, Dockerfiles, entrypoints, route
/// registrations) from the snapshot: setup-like files first, then entry-like sources, then
/// the rest in path order, within the context budget shared by all services.
fn read_contexts(
    cs: &ChangeSet,
    listing: &[Listed],
    roots: &BTreeSet<String>,
    touched: &BTreeSet<String>,
    parsed: &[(Source, Vec<u8>)],
    s: &Settings,
    cov: &mut ContextCoverage,
) -> Result<BTreeMap<String, ServiceContext>> {
    let in_memory: HashMap<&str, &[u8]> = parsed
        .iter()
        .map(|(x, b)| (x.file.path.as_str(), b.as_slice()))
        .collect();
    let mut out: BTreeMap<String, ServiceContext> = BTreeMap::new();
    // Files of each touched service, by priority.
    let mut wanted: Vec<(u8, &str, &Listed)> = Vec::new();
    for l in listing {
        let root = service::root_of(&l.path, roots);
        if !touched.contains(root) || !(s.is_context)(&l.path) {
            continue;
        }
        if let Some(p) = service::context_priority(&l.path) {
            wanted.push((p, root, l));
        }
    }
    wanted.sort_by(|a, b| (a.0, a.1, &a.2.path).cmp(&(b.0, b.1, &b.2.path)));
    let mut left = s.context_budget;
    let mut complete: BTreeMap<&str, bool> = touched
        .iter()
        .map(|r| (r.as_str(), !listing.is_empty()))
        .collect();
    let mut to_read: Vec<(&str, &Listed)> = Vec::new();
    for (_, root, l) in &wanted {
        if in_memory.contains_key(l.path.as_str()) {
            continue;
        }
        let n = l.size.unwrap_or(0);
        if n > MAX_PARSE as u64 || n > left {
            if n <= MAX_PARSE as u64 {
                complete.insert(root, false);
            }
            continue;
        }
        left -= n;
        to_read.push((root, l));
    }
    let refs: Vec<(&str, Option<&str>)> = to_read
        .iter()
        .map(|(_, l)| (l.path.as_str(), l.id.as_deref()))
        .collect();
    let read = if refs.is_empty() {
        Vec::new()
    } else {
        cs.post.read_many(&refs)?
    };
    let mut texts: HashMap<&str, String> = HashMap::new();
    for ((_, l), b) in to_read.iter().zip(read) {
        if let Some(b) = b? {
            if service::is_generated_header(&b) {
                continue;
            }
            cov.files += 1;
            cov.bytes += b.len() as u64;
            texts.insert(l.path.as_str(), String::from_utf8_lossy(&b).into_owned());
        }
    }
    for (_, root, l) in &wanted {
        let text = match in_memory.get(l.path.as_str()) {
            Some(b) => String::from_utf8_lossy(b).into_owned(),
            None => match texts.remove(l.path.as_str()) {
                Some(t) => t,
                None => continue,
            },
        };
        let e = out
            .entry(root.to_string())
            .or_insert_with(|| ServiceContext {
                files: Vec::new(),
                coverage: service::Context::default(),
            });
        e.coverage.files += 1;
        e.coverage.bytes += text.len() as u64;
        e.files.push((l.path.clone(), text));
    }
    // Without a listing (a diff outside a repository) the change's own files are the context.
    if listing.is_empty() {
        for f in &cs.files {
            let root = service::root_of(&f.path, roots);
            if !touched.contains(root) || service::context_priority(&f.path).is_none() {
                continue;
            }
            let text = match in_memory.get(f.path.as_str()) {
                Some(b) => String::from_utf8_lossy(b).into_owned(),
                None if f.status == FileStatus::Added => {
                    String::from_utf8_lossy(&f.added_text()).into_owned()
                }
                None => continue,
            };
            let e = out
                .entry(root.to_string())
                .or_insert_with(|| ServiceContext {
                    files: Vec::new(),
                    coverage: service::Context::default(),
                });
            e.coverage.files += 1;
            e.coverage.bytes += text.len() as u64;
            e.files.push((f.path.clone(), text));
        }
    }
    for root in touched {
        let done = complete.get(root.as_str()).copied().unwrap_or(false);
        let e = out.entry(root.clone()).or_insert_with(|| ServiceContext {
            files: Vec::new(),
            coverage: service::Context::default(),
        });
        e.coverage.complete = done;
        e.files.sort_by(|a, b| a.0.cmp(&b.0));
        if !done {
            cov.incomplete.push(root.clone());
        }
    }
    Ok(out)
}

fn line_of(n: Node) -> u32 {
    u32::try_from(n.start_position().row + 1).unwrap_or(u32::MAX)
}

fn end_line_of(n: Node) -> u32 {
    u32::try_from(n.end_position().row + 1).unwrap_or(u32::MAX)
}

fn touches(n: Node, added: &Added) -> bool {
    added.any_in(line_of(n), end_line_of(n))
}

/// The added lines of a file (1-based), sorted. Checks are binary searches, and O(1) for one
/// contiguous run: a wholly added file, where every node of the tree is touched.
#[derive(Debug, Clone, Default)]
pub struct Added {
    lines: Vec<u32>,
    /// `(first, last)` when the lines are one contiguous run.
    run: Option<(u32, u32)>,
}

impl FromIterator<u32> for Added {
    fn from_iter<I: IntoIterator<Item = u32>>(iter: I) -> Added {
        let mut lines: Vec<u32> = iter.into_iter().collect();
        lines.sort_unstable();
        lines.dedup();
        let run = match (lines.first(), lines.last()) {
            (Some(&a), Some(&b)) if (b - a) as usize + 1 == lines.len() => Some((a, b)),
            _ => None,
        };
        Added { lines, run }
    }
}

impl Added {
    pub fn contains(&self, line: u32) -> bool {
        match self.run {
            Some((a, b)) => (a..=b).contains(&line),
            None => self.lines.binary_search(&line).is_ok(),
        }
    }

    /// Whether an added line lies in `lo..=hi`.
    pub fn any_in(&self, lo: u32, hi: u32) -> bool {
        match self.run {
            Some((a, b)) => lo <= b && a <= hi,
            None => {
                let i = self.lines.partition_point(|&l| l < lo);
                self.lines.get(i).is_some_and(|&l| l <= hi)
            }
        }
    }
}

/// Parses one file and classifies what the added lines touch, with no service around it
/// (handlers registered in other files are not known).
pub fn analyze_source(
    lang: Lang,
    path: &str,
    source: &[u8],
    added: &Added,
    patterns: &Patterns,
) -> Result<Vec<TelemetryFact>> {
    let mut reg = service::Registry::new();
    service::registrations(lang, &String::from_utf8_lossy(source), &mut reg);
    analyze_file(lang, path, source, added, patterns, &reg)
}

/// Parses one file and classifies what the added lines touch; `registry` holds the handlers
/// its service registers by name.
pub fn analyze_file(
    lang: Lang,
    path: &str,
    source: &[u8],
    added: &Added,
    patterns: &Patterns,
    registry: &service::Registry,
) -> Result<Vec<TelemetryFact>> {
    let mut parser = Parser::new();
    parser
        .set_language(&lang.grammar())
        .with_context(|| format!("{path}: cannot load the {} grammar", lang.name()))?;
    let Some(tree) = parser.parse(source, None) else {
        return Ok(Vec::new());
    };
    let text = |n: Node| -> &str { n.utf8_text(source).unwrap_or("") };
    let file_text = String::from_utf8_lossy(source);
    let ctx = lang::file_ctx(lang, source, registry);
    let mut out = Vec::new();
    // Iterative walk: deeply nested input must not overflow the stack.
    // Each node with its preamble: the decorators and attributes written just before it as
    // named siblings, collected while its parent's children are walked (asking each function
    // for its previous siblings is linear in the siblings, so quadratic over a module).
    let mut stack: Vec<(Node, Vec<Node>)> = vec![(tree.root_node(), Vec::new())];
    // One cursor, reset at each node, walks children in O(1) each (indexing them is O(n) per
    // child) without allocating.
    let mut cursor = tree.walk();
    while let Some((node, preamble)) = stack.pop() {
        let before = stack.len();
        cursor.reset(node);
        if cursor.goto_first_child() {
            let mut pre: Vec<Node> = Vec::new();
            loop {
                let c = cursor.node();
                let is_function = lang.is_function(c.kind());
                // Test code (`#[cfg(test)] mod tests`, `#[test] fn`) is not production code.
                let test = {
                    let texts: Vec<&str> = pre.iter().map(|p| text(*p)).collect();
                    lang.is_test_item(c.kind(), &texts)
                };
                if touches(c, added) && !test {
                    let p = if is_function {
                        std::mem::take(&mut pre)
                    } else {
                        Vec::new()
                    };
                    stack.push((c, p));
                }
                if c.is_named() {
                    if Lang::is_preamble(c.kind()) {
                        pre.push(c);
                    } else {
                        pre.clear();
                    }
                }
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        stack[before..].reverse();
        if lang.is_function(node.kind()) {
            let wrapper = lang.decorated(node);
            let pre: Vec<&str> = preamble.iter().map(|n| text(*n)).collect();
            let ftext = format!("{}\n{}", pre.join("\n"), text(wrapper));
            // The head: decorators, annotations and signature, without the body (a nested
            // function's `@app.route` is not its parent's).
            let head_end = node
                .child_by_field_name("body")
                .map_or(node.end_byte(), |b| b.start_byte());
            let head = std::str::from_utf8(
                &source[wrapper.start_byte()..head_end.max(wrapper.start_byte())],
            )
            .unwrap_or("");
            let htext = format!("{}\n{}", pre.join("\n"), head);
            let bare = lang.function_name(node, source, path);
            let name = lang.qualified_name(node, source, path);
            let signals = patterns.signals(&ftext);
            let new = added.contains(line_of(wrapper)) || added.contains(line_of(node));
            let base = TelemetryFact {
                path: path.to_string(),
                line: line_of(wrapper),
                end_line: end_line_of(node),
                language: lang.name().to_string(),
                function: name.clone(),
                instrumented: !signals.is_empty(),
                signals: signals.clone(),
                new,
                ..TelemetryFact::default()
            };
            if let Some(h) = lang.handler(node, &htext, source, path, &ctx) {
                out.push(TelemetryFact {
                    kind: "http_handler".into(),
                    route: h.route,
                    role: if h.rpc { "rpc" } else { "http" }.into(),
                    ..base.clone()
                });
            } else if let Some((what, logged)) = lang.error_responder(node, &htext, source, path) {
                let status = responder_status(lang, text(node));
                out.push(TelemetryFact {
                    kind: "error_responder".into(),
                    role: what,
                    status: Some(status),
                    covered_by: if logged {
                        vec!["framework-errors".to_string()]
                    } else {
                        Vec::new()
                    },
                    ..base.clone()
                });
            } else if let Some(role) = lang.entrypoint(node, &htext, &bare, &file_text) {
                out.push(TelemetryFact {
                    kind: "entrypoint".into(),
                    role: role.into(),
                    ..base.clone()
                });
            }
            // Outbound calls on added lines of this function (not of nested functions).
            let has_span = signals.iter().any(|s| s == "span");
            let mut seen_lines = BTreeSet::new();
            for (call_line, call, library) in lang.outbound_calls(node, source, added) {
                if seen_lines.insert(call_line) {
                    out.push(TelemetryFact {
                        path: path.to_string(),
                        line: call_line,
                        end_line: call_line,
                        language: lang.name().to_string(),
                        function: format!("{name}: {call}"),
                        kind: "outbound_call".into(),
                        instrumented: has_span,
                        signals: if has_span {
                            vec!["span".to_string()]
                        } else {
                            Vec::new()
                        },
                        new: true,
                        role: library.to_string(),
                        ..TelemetryFact::default()
                    });
                }
            }
        }
        if let Some(body) = lang.error_block(node, source) {
            if touches(node, added) {
                let btext = text(body);
                let signals = patterns.signals(btext);
                let o = lang.outcome(node, btext, !signals.is_empty(), source);
                let handled = o.outcome != "dropped";
                out.push(TelemetryFact {
                    path: path.to_string(),
                    line: line_of(node),
                    end_line: end_line_of(node),
                    language: lang.name().to_string(),
                    function: enclosing_function(lang, node, source, path),
                    kind: "error_handler".into(),
                    instrumented: !signals.is_empty(),
                    signals,
                    handled,
                    new: added.contains(line_of(node)),
                    outcome: o.outcome.to_string(),
                    status: o.status,
                    masked: o.masked,
                    ..TelemetryFact::default()
                });
            }
        }
    }
    Ok(out)
}

/// The highest HTTP status a terminal error responder can answer (0: none read).
fn responder_status(lang: Lang, body: &str) -> u16 {
    static CELL: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let re = CELL.get_or_init(|| {
        Regex::new(r"\b5\d\d\b|INTERNAL_SERVER_ERROR|InternalServerError|internalServerError|SERVICE_UNAVAILABLE|ServiceUnavailable")
            .expect("static regex")
    });
    let _ = lang;
    if re.is_match(body) {
        return 500;
    }
    lang::status_in(body).unwrap_or(0)
}

fn enclosing_function(lang: Lang, node: Node, source: &[u8], path: &str) -> String {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if lang.is_function(n.kind()) {
            return lang.qualified_name(n, source, path);
        }
        cur = n.parent();
    }
    "<module>".to_string()
}

/// Whether a regex matches; a helper for the language tables.
pub(crate) fn matches(re: &Regex, s: &str) -> bool {
    re.is_match(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(file: &str) -> Vec<TelemetryFact> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/telemetry")
            .join(file);
        let src = std::fs::read(&path).expect("fixture");
        let lines = u32::try_from(src.iter().filter(|b| **b == b'\n').count() + 1).expect("small");
        let added: Added = (1..=lines).collect();
        let lang = Lang::of(file).expect("language");
        let patterns = Patterns::new(&TelemetryConfig::default()).expect("patterns");
        analyze_source(lang, file, &src, &added, &patterns).expect("parses")
    }

    fn find<'a>(fs: &'a [TelemetryFact], kind: &str) -> Vec<&'a TelemetryFact> {
        fs.iter().filter(|f| f.kind == kind).collect()
    }

    /// Routes as production traces name them (`http.route`): the declared methods, the
    /// prefix the file declares for the router or the controller.
    #[test]
    fn routes_with_their_methods_and_prefixes() {
        let routes = |path: &str, src: &str| -> Vec<(String, String)> {
            let lines = u32::try_from(src.lines().count()).expect("small");
            let added: Added = (1..=lines).collect();
            let lang = Lang::of(path).expect("language");
            let patterns = Patterns::new(&TelemetryConfig::default()).expect("patterns");
            let mut v: Vec<(String, String)> =
                analyze_source(lang, path, src.as_bytes(), &added, &patterns)
                    .expect("parses")
                    .into_iter()
                    .filter(|f| f.kind == "http_handler")
                    .map(|f| (f.function, f.route.unwrap_or_default()))
                    .collect();
            v.sort();
            v
        };
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        // A `{` in the class-level path does not end the class head.
        let java = "@RestController\n@RequestMapping(\"/owners/{ownerId}\")\nclass PetController {\n    @GetMapping(\"/pets/new\")\n    public String form() { return \"x\"; }\n}\n";
        assert_eq!(
            routes("PetController.java", java),
            vec![pair("PetController.form", "GET /owners/{ownerId}/pets/new")]
        );
        let flask = "from flask import Blueprint\nbp = Blueprint('auth', __name__, url_prefix='/auth')\n\n@bp.route('/login', methods=['GET', 'POST'])\ndef login():\n    return 'x'\n\n@bp.route('/logout')\ndef logout():\n    return 'x'\n";
        assert_eq!(
            routes("auth.py", flask),
            vec![
                pair("login", "GET,POST /auth/login"),
                pair("logout", "GET /auth/logout"),
            ]
        );
        let fastapi = "from fastapi import APIRouter\nrouter = APIRouter(prefix=\"/items\", tags=[\"items\"])\n\n@router.get(\"/\")\ndef read_items():\n    return []\n\n@router.delete(\"/{id}\")\ndef delete_item(id: int):\n    return None\n";
        assert_eq!(
            routes("items.py", fastapi),
            vec![
                pair("delete_item", "DELETE /items/{id}"),
                pair("read_items", "GET /items/"),
            ]
        );
    }

    /// Each language: the bad version has an uninstrumented handler and a swallowed error; the
    /// good version has neither.
    #[test]
    fn bad_and_good_handlers_in_every_language() {
        for (bad, good, handler) in [
            ("flask_bad.py", "flask_good.py", "get_user"),
            ("express_bad.ts", "express_good.ts", "GET /users/:id"),
            ("express_bad.js", "express_good.js", "listOrders"),
            ("server_bad.go", "server_good.go", "GetUser"),
            (
                "UserControllerBad.java",
                "UserControllerGood.java",
                "UserController.getUser",
            ),
            ("handlers_bad.rs", "handlers_good.rs", "get_user"),
        ] {
            let b = facts(bad);
            let h = find(&b, "http_handler");
            assert_eq!(h.len(), 1, "{bad}: {b:#?}");
            assert_eq!(h[0].function, handler, "{bad}");
            assert!(!h[0].instrumented, "{bad}: {:?}", h[0]);
            let e = find(&b, "error_handler");
            assert_eq!(e.len(), 1, "{bad}: {b:#?}");
            assert!(!e[0].handled && !e[0].instrumented, "{bad}: {:?}", e[0]);
            assert_eq!(e[0].outcome, "dropped", "{bad}");

            let g = facts(good);
            let h = find(&g, "http_handler");
            assert_eq!(h.len(), 1, "{good}: {g:#?}");
            assert!(h[0].instrumented, "{good}: {:?}", h[0]);
            for e in find(&g, "error_handler") {
                assert!(e.handled || e.instrumented, "{good}: {e:?}");
            }
        }
    }

    #[test]
    fn flask_locations_and_outbound_calls() {
        let b = facts("flask_bad.py");
        let h = find(&b, "http_handler")[0];
        assert_eq!(
            (h.line, h.end_line),
            (7, 13),
            "the decorator line starts the handler"
        );
        assert_eq!(find(&b, "error_handler")[0].line, 12);
        let o = find(&b, "outbound_call");
        assert_eq!(o.len(), 1);
        assert_eq!(o[0].function, "get_user: requests.get");
        // In-house wrappers count once configured.
        let cfg = TelemetryConfig {
            logging: vec![r"audit\.record\(".into()],
            ..TelemetryConfig::default()
        };
        let p = Patterns::new(&cfg).expect("patterns");
        assert_eq!(p.signals("audit.record(user)"), vec!["logging"]);
        assert!(Patterns::new(&TelemetryConfig {
            tracing: vec!["(".into()],
            ..TelemetryConfig::default()
        })
        .is_err());
    }

    #[test]
    fn only_touched_functions_are_reported() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/telemetry/server_good.go");
        let src = std::fs::read(path).expect("fixture");
        let patterns = Patterns::new(&TelemetryConfig::default()).expect("patterns");
        let added: Added = [22].into_iter().collect();
        let f =
            analyze_source(Lang::Go, "server_good.go", &src, &added, &patterns).expect("parses");
        assert!(f.iter().all(|x| x.function != "GetUser"), "{f:#?}");
        let e = find(&f, "error_handler");
        assert_eq!(e.len(), 1);
        assert!(e[0].handled, "returning the wrapped error handles it");
    }

    /// Each error handler's function and where its error ends up.
    fn error_outcomes(facts: &[TelemetryFact]) -> Vec<(&str, &str)> {
        facts
            .iter()
            .filter(|t| t.kind == "error_handler")
            .map(|t| (t.function.as_str(), t.outcome.as_str()))
            .collect()
    }

    fn inline(lang: Lang, path: &str, src: &str) -> Vec<TelemetryFact> {
        let lines = u32::try_from(src.lines().count()).expect("small");
        let added: Added = (1..=lines).collect();
        let patterns = Patterns::new(&TelemetryConfig::default()).expect("patterns");
        analyze_source(lang, path, src.as_bytes(), &added, &patterns).expect("parses")
    }

    /// Receivers are whole words: `catalog.get` is not logging, `parameters.set` not a
    /// metric; `span.RecordError`, `span.SetStatus`, `tracing::event!` are known.
    #[test]
    fn patterns_are_anchored() {
        let p = Patterns::new(&TelemetryConfig::default()).expect("patterns");
        assert!(p.signals("item = catalog.get(item_id)").is_empty());
        assert!(p.signals("parameters.set(\"a\", 1)").is_empty());
        assert!(p.signals("dialog.info(\"x\")").is_empty());
        assert_eq!(p.signals("self.logger.info(\"x\")"), vec!["logging"]);
        assert_eq!(p.signals("appLogger.error(err)"), vec!["logging"]);
        assert_eq!(
            p.signals("log.WithError(err).Error(\"load\")"),
            vec!["logging"]
        );
        assert_eq!(
            p.signals("structlog.get_logger().info(\"x\")"),
            vec!["logging"]
        );
        assert_eq!(
            p.signals("tracing::event!(Level::ERROR, ?err)"),
            vec!["logging"]
        );
        assert_eq!(p.signals("span.RecordError(err)"), vec!["span"]);
        assert_eq!(p.signals("span?.setStatus({ code: 2 })"), vec!["span"]);
        assert_eq!(
            p.signals("REQUESTS_TOTAL.labels(route).inc()"),
            vec!["metric"]
        );
        assert_eq!(p.signals("orderCounter.add(1)"), vec!["metric"]);
    }

    #[test]
    fn errors_end_where_the_block_sends_them() {
        let py = inline(
            Lang::Python,
            "svc.py",
            "def a():\n    try:\n        x = int(v)\n    except ValueError:\n        x = 0\n\ndef b():\n    try:\n        save(o)\n    except Exception as e:\n        handle_user_exception(e)\n\ndef c():\n    try:\n        save(o)\n    except Exception as e:\n        print(e, file=sys.stderr)\n\ndef d():\n    try:\n        save(o)\n    except Exception:\n        typer.echo(\"failed\")\n\ndef e():\n    try:\n        save(o)\n    except Exception as e:\n        self.error = e\n\ndef f():\n    try:\n        save(o)\n    except Exception:\n        pass\n",
        );
        let outcomes = error_outcomes(&py);
        assert_eq!(
            outcomes,
            [
                ("a", "fallback"),
                ("b", "passed"),
                ("c", "stderr"),
                ("d", "printed"),
                ("e", "stored"),
                ("f", "dropped")
            ]
        );
        let go = inline(
            Lang::Go,
            "h.go",
            "package h\n\nfunc H(w http.ResponseWriter, r *http.Request) {\n\tif err := Save(r); err != nil {\n\t\thttp.Error(w, \"unavailable\", http.StatusServiceUnavailable)\n\t\treturn\n\t}\n\tif err := Save(r); err != nil {\n\t\tw.WriteHeader(http.StatusNotFound)\n\t\treturn\n\t}\n}\n",
        );
        let e: Vec<(Option<u16>, bool)> = go
            .iter()
            .filter(|t| t.kind == "error_handler")
            .map(|t| (t.status, t.masked))
            .collect();
        assert_eq!(e, [(Some(503), false), (Some(404), true)]);
    }

    /// Go, seen replaying terragrunt: a predicate that answers `false` (or its inputs
    /// unchanged, with several results) after a failed parse or path computation, an error
    /// stored through a pointer or into several results, and a cleanup block whose error a
    /// later statement returns, all end somewhere; a failed write answered with nothing
    /// still drops its error.
    #[test]
    fn go_errors_answered_stored_or_returned_later() {
        let go = inline(
            Lang::Go,
            "pkg/paths.go",
            "package pkg\n\nfunc inside(base, p string) bool {\n\trel, err := filepath.Rel(base, p)\n\tif err != nil {\n\t\treturn false\n\t}\n\treturn !strings.HasPrefix(rel, \"..\")\n}\n\nfunc split(ref string) (string, string, bool) {\n\tif _, err := semver.Parse(ref); err != nil {\n\t\treturn ref, \"\", false\n\t}\n\treturn ref, \"v\", true\n}\n\nfunc closeKeep(c io.Closer, out *error) {\n\tif err := c.Close(); err != nil && *out == nil {\n\t\t*out = err\n\t}\n}\n\nfunc probe(f *os.File) (empty bool, retErr error) {\n\tif err := f.Close(); err != nil && retErr == nil {\n\t\tempty, retErr = false, err\n\t}\n\treturn\n}\n\nfunc build(dir string) (*Tree, error) {\n\ttree, err := create(dir)\n\tif err != nil && tree != nil {\n\t\ttree.Cleanup()\n\t}\n\treturn tree, err\n}\n\nfunc store(db *DB, row Row) {\n\tif err := db.Save(row); err != nil {\n\t\treturn\n\t}\n}\n\nfunc shadow(db *DB, row Row) error {\n\terr := check(row)\n\tif err := db.Save(row); err != nil {\n\t\tcache.Reset()\n\t}\n\treturn err\n}\n\nfunc again(db *DB, row Row) error {\n\terr := db.Save(row)\n\tif err != nil && row.Tmp {\n\t\tos.Remove(row.Path)\n\t}\n\terr = db.Flush()\n\treturn err\n}\n",
        );
        let outcomes = error_outcomes(&go);
        assert_eq!(
            outcomes,
            [
                ("inside", "fallback"),
                ("split", "fallback"),
                ("closeKeep", "stored"),
                ("probe", "stored"),
                ("build", "propagated"),
                ("store", "dropped"),
                ("shadow", "dropped"),
                ("again", "dropped")
            ]
        );
    }

    /// net/http's pure helpers parse their argument and call nobody: a Set-Cookie line passed
    /// through when `http.ParseSetCookie` rejects it is a fallback (caddy 50e54ee279's log
    /// filter); a failed `http.Get` answered the same way still drops its error.
    #[test]
    fn go_net_http_parsers_are_parses_not_remote_calls() {
        let go = inline(
            Lang::Go,
            "pkg/filter.go",
            "package pkg\n\nfunc filterLine(line string) (string, bool) {\n\tcookie, err := http.ParseSetCookie(line)\n\tif err != nil {\n\t\treturn line, true\n\t}\n\treturn cookie.Name, true\n}\n\nfunc ping(url string) (string, bool) {\n\tresp, err := http.Get(url)\n\tif err != nil {\n\t\treturn url, true\n\t}\n\treturn resp.Status, true\n}\n",
        );
        assert_eq!(
            error_outcomes(&go),
            [("filterLine", "fallback"), ("ping", "dropped")]
        );
    }

    /// A default answered with a comment that says why (node_exporter a1180ab03a's
    /// `rotationalLabel`: three lines on backward compatibility, then `return "0"`) is a
    /// written-down decision; a comment that only says what (`ignore errors here`) or that the
    /// handling is not done (`TODO`) leaves the error dropped, as no comment does.
    #[test]
    fn go_defaults_whose_comment_says_why_are_fallbacks() {
        let go = inline(
            Lang::Go,
            "collector/disk.go",
            "package collector\n\nfunc rotational(fs FS, dev string) string {\n\trot, err := fs.Rotational(dev)\n\tif err != nil {\n\t\t// Report \"0\" when the device has no queue directory:\n\t\t// the collector did so before it read\n\t\t// one file per device.\n\t\treturn \"0\"\n\t}\n\treturn rot\n}\n\nfunc saveQuiet(db *DB, row Row) string {\n\tif err := db.Save(row); err != nil {\n\t\t// ignore errors here\n\t\treturn \"\"\n\t}\n\treturn row.ID\n}\n\nfunc saveLater(db *DB, row Row) string {\n\tif err := db.Save(row); err != nil {\n\t\t// TODO: retry when the database is back\n\t\treturn \"pending\"\n\t}\n\treturn row.ID\n}\n\nfunc saveBare(db *DB, row Row) string {\n\tif err := db.Save(row); err != nil {\n\t\treturn \"pending\"\n\t}\n\treturn row.ID\n}\n",
        );
        assert_eq!(
            error_outcomes(&go),
            [
                ("rotational", "fallback"),
                ("saveQuiet", "dropped"),
                ("saveLater", "dropped"),
                ("saveBare", "dropped")
            ]
        );
    }

    /// Seen replaying pydantic, fd and nuxt: the name a Rust `Err(...)` pattern binds is the
    /// innermost (`line_errors` of `Err(ValError::LineErrors(line_errors))`, stored with
    /// `errors.extend`; `inner` of `Err(Error::WithPath { path, err: inner })`, which the
    /// guard reads); `return Ok(None)` after a failed conversion is a default; a predicate
    /// answering `false` answers its question; a Python handler that assigns what the `try`
    /// assigns gets the value another way; a comment holding a `;` is one comment. The same
    /// shapes around a write still drop the error.
    #[test]
    fn bindings_predicates_and_values_got_another_way() {
        let rs = inline(
            Lang::Rust,
            "src/validate.rs",
            "fn collect(v: &V, errors: &mut Vec<E>) -> R<()> {\n    match v.validate() {\n        Ok(x) => keep(x),\n        Err(ValError::LineErrors(line_errors)) => {\n            errors.extend(\n                line_errors\n                    .into_iter()\n                    .map(|e| e.with_loc(v.loc())),\n            );\n        }\n        Err(err) => return Err(err),\n    }\n    Ok(())\n}\n\nfn keys(v: &V, errors: &mut Vec<E>) -> R<()> {\n    match v.key() {\n        Ok(k) => keep(k),\n        Err(ValError::LineErrors(line_errors)) => {\n            for err in line_errors {\n                errors.push(err.with_type(InvalidKey));\n            }\n        }\n        Err(other) => return Err(other),\n    }\n    Ok(())\n}\n\nfn visit(entry: R<Entry>) -> R<Option<Entry>> {\n    let e = match entry {\n        Ok(e) => e,\n        Err(Error::WithPath { path, err: inner }) if inner.is_not_found() => return Ok(None),\n        Err(err) => return Err(err),\n    };\n    Ok(Some(e))\n}\n\nfn schema(obj: &Obj) -> R<Option<S>> {\n    let s: S = match obj.extract() {\n        Ok(s) => s,\n        Err(_) => return Ok(None),\n    };\n    Ok(Some(s))\n}\n\nfn persist(db: &Db, row: Row) -> R<()> {\n    match db.save(row) {\n        Ok(_) => {}\n        Err(_) => return Ok(()),\n    }\n    Ok(())\n}\n",
        );
        assert_eq!(
            error_outcomes(&rs),
            [
                ("collect", "stored"),
                ("collect", "propagated"),
                ("keys", "stored"),
                ("keys", "propagated"),
                ("visit", "fallback"),
                ("visit", "propagated"),
                ("schema", "fallback"),
                ("persist", "dropped")
            ]
        );
        let ts = inline(
            Lang::TypeScript,
            "src/files.ts",
            "export function isFile(path: string) {\n  try {\n    return statSync(path).isFile()\n  } catch {\n    return false\n  }\n}\n\nexport function saveFile(path: string) {\n  try {\n    writeFileSync(path, '')\n  } catch {\n    return false\n  }\n  return true\n}\n\nexport function order(nuxt: Nuxt) {\n  let major\n  try {\n    major = Number.parseInt(version(nuxt), 10)\n  } catch {\n    // no version available; keep the default order\n  }\n  return major\n}\n",
        );
        assert_eq!(
            error_outcomes(&ts),
            [
                ("isFile", "fallback"),
                ("saveFile", "dropped"),
                ("order", "fallback")
            ]
        );
        let py = inline(
            Lang::Python,
            "app/refs.py",
            "def ref(tp):\n    try:\n        name = getattr(tp, '__qualname__', f'<{tp}>')\n    except Exception:\n        name = getattr(tp, '__qualname__', '<none>')\n    return name\n\n\ndef store(db, row):\n    try:\n        result = db.save(row)\n    except Exception:\n        cache = reset()\n    return None\n",
        );
        assert_eq!(
            error_outcomes(&py),
            [("ref", "fallback"), ("store", "dropped")]
        );
    }

    /// A catch that moves on to the next candidate of a loop whose `try` returns the first
    /// that works (hono c285f9a498's import resolver) is a fallback; the same empty catch
    /// around a write in a loop drops each error.
    #[test]
    fn catches_that_try_the_next_candidate_are_fallbacks() {
        let js = inline(
            Lang::JavaScript,
            "src/resolve.js",
            "export function find(name, load) {\n  for (const ext of ['.ts', '.js']) {\n    try {\n      return load(name + ext)\n    } catch {\n      // the next one\n    }\n  }\n  throw new Error('not found: ' + name)\n}\n\nexport function saveAll(db, rows) {\n  for (const row of rows) {\n    try {\n      db.save(row)\n    } catch {\n    }\n  }\n}\n",
        );
        assert_eq!(
            error_outcomes(&js),
            [("find", "fallback"), ("saveAll", "dropped")]
        );
        let py = inline(
            Lang::Python,
            "app/mirrors.py",
            "def first(urls):\n    for url in urls:\n        try:\n            return fetch(url)\n        except Exception:\n            continue\n    raise LookupError(urls)\n",
        );
        assert_eq!(error_outcomes(&py), [("first", "fallback")]);
    }

    /// Rust: a project's error macro (`err_code!(..., 429)`, `err!(...)`, which return the
    /// error) propagates it; an arm that computes another value after a failed parse is a
    /// fallback; an empty arm after a failed write still drops the error.
    #[test]
    fn rust_error_macros_and_fallback_arms() {
        let rs = inline(
            Lang::Rust,
            "src/limits.rs",
            "pub fn check(ip: &IpAddr) -> Result<(), Error> {\n    match LIMITER.check_key(ip) {\n        Ok(()) => Ok(()),\n        Err(_e) => {\n            err_code!(\"Too many requests\", 429);\n        }\n    }\n}\n\npub fn proxy(entry: &str) -> Option<IpNet> {\n    match entry.parse::<IpNet>() {\n        Ok(net) => Some(net),\n        Err(_) => entry.parse::<IpAddr>().ok().map(IpNet::from),\n    }\n}\n\npub fn store(db: &Db, v: &Row) {\n    match db.save(v) {\n        Ok(_) => {}\n        Err(_) => {}\n    }\n}\n",
        );
        let outcomes = error_outcomes(&rs);
        assert_eq!(
            outcomes,
            [
                ("check", "propagated"),
                ("proxy", "fallback"),
                ("store", "dropped")
            ]
        );
    }

    /// Rust: an arm guarded on the error (`Err(e) if e.kind() == NotFound`) answers that
    /// error on purpose; the same answer without the guard, or with a guard that does not
    /// look at the error, drops every error.
    #[test]
    fn rust_arms_guarded_on_the_error_answer_it() {
        let rs = inline(
            Lang::Rust,
            "src/read.rs",
            "pub fn guarded(p: &Path) -> Result<Read> {\n    match std::fs::metadata(p) {\n        Ok(m) => Ok(Read::Found(m)),\n        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Read::Missing),\n        Err(e) => Err(e.into()),\n    }\n}\n\npub fn unguarded(p: &Path) -> Result<Read> {\n    match std::fs::metadata(p) {\n        Ok(m) => Ok(Read::Found(m)),\n        Err(_) => return Ok(Read::Missing),\n    }\n}\n\npub fn other_guard(p: &Path, quiet: bool) -> Result<Read> {\n    match std::fs::metadata(p) {\n        Ok(m) => Ok(Read::Found(m)),\n        Err(_e) if quiet => return Ok(Read::Missing),\n        Err(e) => Err(e.into()),\n    }\n}\n",
        );
        let outcomes = error_outcomes(&rs);
        assert_eq!(
            outcomes,
            [
                ("guarded", "fallback"),
                ("guarded", "propagated"),
                ("unguarded", "dropped"),
                ("other_guard", "dropped"),
                ("other_guard", "propagated")
            ]
        );
    }

    /// Rust: a Rocket request guard answering a client's bad header with `Status::BadRequest`
    /// answers the error; an arm that formats the error into the response (`format!("{e}")`,
    /// a macro) passes it on; `Err(_) => String::new()` drops it.
    #[test]
    fn rust_errors_answered_with_rocket_statuses_or_formatted_by_macros() {
        let rs = inline(
            Lang::Rust,
            "src/api/guards.rs",
            "pub fn header_name(raw: Vec<u8>) -> Outcome<String, (Status, &'static str)> {\n    match String::from_utf8(raw) {\n        Ok(name) => Outcome::Success(name),\n        Err(_) => {\n            return Outcome::Error((Status::BadRequest, \"X-Name is not UTF-8\"));\n        }\n    }\n}\n\npub fn bulk_result(id: &str) -> String {\n    match archive_member(id) {\n        Ok(()) => String::new(),\n        Err(e) => format!(\"{e:?}\"),\n    }\n}\n\npub fn bulk_quiet(id: &str) -> String {\n    match archive_member(id) {\n        Ok(()) => String::from(\"ok\"),\n        Err(_) => String::new(),\n    }\n}\n",
        );
        let outcomes = error_outcomes(&rs);
        assert_eq!(
            outcomes,
            [
                ("header_name", "responded"),
                ("bulk_result", "passed"),
                ("bulk_quiet", "dropped")
            ]
        );
    }

    /// ORM calls are outbound calls; a web session and a client constructor are not.
    #[test]
    fn outbound_calls_include_orms_and_not_sessions() {
        let py = inline(
            Lang::Python,
            "v.py",
            "def v(request):\n    s = request.session.get(\"k\")\n    c = boto3.client(\"s3\")\n    u = db.session.get(User, 1)\n    o = Order.objects.get(pk=1)\n    q = Order.objects.filter(x=1)\n    r = requests.get(url)\n",
        );
        let libs: Vec<&str> = py
            .iter()
            .filter(|t| t.kind == "outbound_call")
            .map(|t| t.role.as_str())
            .collect();
        assert_eq!(libs, ["orm:sqlalchemy", "orm:django", "http:requests"]);
        let go = inline(
            Lang::Go,
            "m.go",
            "package m\n\nfunc F() {\n\tdb.Where(\"a = ?\", 1).First(&u)\n\ttx.Save(&u)\n\tstore.GetDB().Model(&u).Update(\"a\", 1)\n}\n",
        );
        // A DB handle by a getter, whatever the package (`store.GetDB()`).
        assert_eq!(
            go.iter().filter(|t| t.role == "orm:gorm").count(),
            3,
            "{go:#?}"
        );
    }

    /// Not handlers: a Go function merely taking `*gin.Context`, Rust code under
    /// `#[cfg(test)]`, a Python client stub.
    #[test]
    fn look_alikes_are_not_handlers() {
        let go = inline(
            Lang::Go,
            "v.go",
            "package v\n\nfunc (v *V) Bind(c *gin.Context) error {\n\treturn c.ShouldBind(v)\n}\n",
        );
        assert!(go.iter().all(|t| t.kind != "http_handler"), "{go:#?}");
        let rs = inline(
            Lang::Rust,
            "h.rs",
            "#[cfg(test)]\nmod tests {\n    async fn call(state: web::Data<u32>, body: Json<X>) -> HttpResponse {\n        HttpResponse::Ok().finish()\n    }\n}\n",
        );
        assert!(rs.is_empty(), "{rs:#?}");
        let py = inline(
            Lang::Python,
            "c.py",
            "class CartStub(object):\n    def GetCart(self, request, context):\n        return 1\n",
        );
        assert!(py.iter().all(|t| t.kind != "http_handler"), "{py:#?}");
    }
}
