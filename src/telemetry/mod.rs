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

use std::collections::BTreeSet;

use anyhow::{Context, Result};
use rayon::prelude::*;
use regex::{Regex, RegexSet};
use serde::{Deserialize, Serialize};
use tree_sitter::{Node, Parser};

use crate::change::{ChangeSet, FileChange, FileStatus};
use crate::facts::TelemetryFact;

pub use lang::Lang;

/// Extra instrumentation APIs from `.gate.yaml` (`telemetry:`), as regexes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct TelemetryConfig {
    /// Calls that count as logging (e.g. `audit\.record\(`).
    pub logging: Vec<String>,
    /// Calls that count as tracing (e.g. `obs\.span\(`).
    pub tracing: Vec<String>,
    /// Calls that count as metrics.
    pub metrics: Vec<String>,
}

const LOGGING: &[&str] = &[
    // logger.info(, self.log.error(, logging.exception(, log.Printf(, slog.Error(, LOG.warn(
    r"(?i)\b(?:\w*log|\w*logger|logging|slog|structlog|loguru|winston|pino|bunyan|sugar)\s*\.\s*(?:[a-z_]+)\s*\(",
    r"\bzap\.[LS]\(\)\s*\.\s*\w+\s*\(",
    r"\bconsole\.(?:log|error|warn|info|debug|trace)\s*\(",
    r"\b(?:tracing::|log::)?(?:trace|debug|info|warn|error)!\s*\(",
    r"(?i)\bcapture_?exception\s*\(",
    r"\blog\.(?:Error|Warn|Info|Debug|Fatal|Panic)\(\)",
];

const TRACING: &[&str] = &[
    r"\bstart_as_current_span\b|\bstart_span\s*\(|\bstartActiveSpan\s*\(|\bstartSpan\s*\(",
    r"\btracer\.Start\s*\(|\botel\.Tracer\s*\(|\btrace\.get_tracer\b|\bspanBuilder\s*\(",
    r"#\[\s*(?:tracing::)?instrument\b|@WithSpan\b|@(?:\w+\.)?trace(?:d)?\b|@tracer\.",
    r"\b(?:info_span|debug_span|error_span|trace_span|span)!\s*\(|\.in_current_span\s*\(|\.instrument\s*\(",
    r"(?i)\bspan\.(?:record_?exception|set_?status|set_?attribute|add_?event|end)\s*\(",
];

const METRICS: &[&str] = &[
    r"(?i)\b\w*(?:counter|histogram|gauge|meter|metric|timer|summary)s?\w*\s*\.\s*(?:add|inc|increment|observe|record|set|labels|time|mark|update)\s*\(",
    r"(?i)\b(?:statsd|metrics|prometheus|meterRegistry|Metrics)\.\w+\s*\(",
    r"\b(?:counter|histogram|gauge|increment_counter)!\s*\(|\bCounter\.builder\s*\(",
];

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
                    .map(|s| s.to_string())
                    .chain(extra.iter().cloned()),
            )
            .with_context(|| format!("telemetry.{what}: invalid regex"))
        };
        Ok(Patterns {
            logging: set(LOGGING, &cfg.logging, "logging")?,
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

/// Files larger than this are not parsed (minified bundles, generated code).
const MAX_PARSE: usize = 2 * 1024 * 1024;

/// The changed files telemetry analysis parses.
pub fn candidates(cs: &ChangeSet, is_candidate: impl Fn(&FileChange) -> bool) -> Vec<&FileChange> {
    cs.files
        .iter()
        .filter(|f| {
            f.status != FileStatus::Deleted && !f.binary && !f.whole_file && f.additions() > 0
        })
        .filter(|f| Lang::of(&f.path).is_some() && is_candidate(f))
        .collect()
}

/// Post-images of files, by path, read ahead of the analysis.
pub type Images = std::collections::HashMap<String, Option<Vec<u8>>>;

/// Analyzes every changed source file of the change. Post-images already read (`read_ahead`)
/// are used; the others are read here.
pub fn analyze(
    cs: &ChangeSet,
    mut read_ahead: Images,
    patterns: &Patterns,
    is_candidate: impl Fn(&FileChange) -> bool + Sync,
    is_critical: impl Fn(&str) -> bool + Sync,
) -> Result<Vec<TelemetryFact>> {
    let files = candidates(cs, is_candidate);
    // Post-images in one batch (one git process), then parsed in parallel.
    let missing: Vec<&str> = files
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| !read_ahead.contains_key(*p))
        .collect();
    let read = cs.post.read_many(&missing)?;
    for (p, image) in missing.iter().zip(read) {
        read_ahead.insert((*p).to_string(), image);
    }
    let images: Vec<Option<Vec<u8>>> = files
        .iter()
        .map(|f| read_ahead.remove(&f.path).flatten())
        .collect();
    let results: Vec<Result<Vec<TelemetryFact>>> = files
        .par_iter()
        .zip(images.into_par_iter())
        .map(|(f, image)| {
            let Some(lang) = Lang::of(&f.path) else {
                return Ok(Vec::new());
            };
            let source = match image {
                Some(b) => b,
                None if f.status == FileStatus::Added => {
                    let mut s = Vec::new();
                    for l in f.added_lines() {
                        s.extend_from_slice(&l.text);
                        s.push(b'\n');
                    }
                    s
                }
                // Without the post-image there is no function context to analyze.
                None => return Ok(Vec::new()),
            };
            if source.len() > MAX_PARSE {
                return Ok(Vec::new());
            }
            let added: BTreeSet<u32> = f.added_lines().map(|l| l.line).collect();
            let mut facts = analyze_source(lang, &f.path, &source, &added, patterns)?;
            let critical = is_critical(&f.path);
            for t in &mut facts {
                t.critical = critical;
            }
            Ok(facts)
        })
        .collect();
    let mut out = Vec::new();
    for r in results {
        out.extend(r?);
    }
    out.sort_by(|a, b| {
        (&a.path, a.line, &a.kind, &a.function).cmp(&(&b.path, b.line, &b.kind, &b.function))
    });
    Ok(out)
}

fn line_of(n: Node) -> u32 {
    u32::try_from(n.start_position().row + 1).unwrap_or(u32::MAX)
}

fn end_line_of(n: Node) -> u32 {
    u32::try_from(n.end_position().row + 1).unwrap_or(u32::MAX)
}

fn touches(n: Node, added: &BTreeSet<u32>) -> bool {
    added.range(line_of(n)..=end_line_of(n)).next().is_some()
}

/// Parses one file and classifies what the added lines touch.
pub fn analyze_source(
    lang: Lang,
    path: &str,
    source: &[u8],
    added: &BTreeSet<u32>,
    patterns: &Patterns,
) -> Result<Vec<TelemetryFact>> {
    let mut parser = Parser::new();
    parser
        .set_language(&lang.grammar())
        .with_context(|| format!("{path}: cannot load the {} grammar", lang.name()))?;
    let Some(tree) = parser.parse(source, None) else {
        return Ok(Vec::new());
    };
    let text = |n: Node| -> &str { n.utf8_text(source).unwrap_or("") };
    // Handlers registered by name (`app.get("/x", handler)`): found once per file.
    let registered = lang::registered_names(lang, source);
    let mut out = Vec::new();
    // Iterative walk: deeply nested input must not overflow the stack.
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        // A cursor walks children in O(1) each (indexing them is O(n) per child).
        let mut cursor = node.walk();
        let before = stack.len();
        stack.extend(node.children(&mut cursor).filter(|c| touches(*c, added)));
        stack[before..].reverse();
        if lang.is_function(node.kind()) {
            let wrapper = lang.decorated(node);
            let ftext = format!("{}\n{}", lang.preamble(node, source), text(wrapper));
            let name = lang.function_name(node, source, path);
            let signals = patterns.signals(&ftext);
            let new = added.contains(&line_of(wrapper)) || added.contains(&line_of(node));
            let mut push = |kind: &str,
                            line: u32,
                            end: u32,
                            signals: Vec<String>,
                            handled: bool,
                            new: bool| {
                out.push(TelemetryFact {
                    path: path.to_string(),
                    line,
                    end_line: end,
                    language: lang.name().to_string(),
                    function: name.clone(),
                    kind: kind.to_string(),
                    instrumented: !signals.is_empty(),
                    signals,
                    handled,
                    new,
                    critical: false,
                });
            };
            if lang.is_handler(node, &ftext, source, path, &registered) {
                push(
                    "http_handler",
                    line_of(wrapper),
                    end_line_of(node),
                    signals.clone(),
                    false,
                    new,
                );
            } else if lang.is_entrypoint(node, &ftext, &name) {
                push(
                    "entrypoint",
                    line_of(wrapper),
                    end_line_of(node),
                    signals.clone(),
                    false,
                    new,
                );
            }
            // Outbound calls on added lines of this function (not of nested functions).
            let has_span = signals.iter().any(|s| s == "span");
            let mut seen_lines = BTreeSet::new();
            for (call_line, call) in lang.outbound_calls(node, source, added) {
                if seen_lines.insert(call_line) {
                    let mut sig = Vec::new();
                    if has_span {
                        sig.push("span".to_string());
                    }
                    out.push(TelemetryFact {
                        path: path.to_string(),
                        line: call_line,
                        end_line: call_line,
                        language: lang.name().to_string(),
                        function: format!("{name}: {call}"),
                        kind: "outbound_call".into(),
                        instrumented: has_span,
                        signals: sig,
                        handled: false,
                        new: true,
                        critical: false,
                    });
                }
            }
        }
        if let Some(body) = lang.error_block(node, source) {
            if touches(node, added) {
                let btext = text(body);
                let signals = patterns.signals(btext);
                let handled = lang.handles_error(btext);
                let func = enclosing_function(lang, node, source, path);
                out.push(TelemetryFact {
                    path: path.to_string(),
                    line: line_of(node),
                    end_line: end_line_of(node),
                    language: lang.name().to_string(),
                    function: func,
                    kind: "error_handler".into(),
                    instrumented: !signals.is_empty(),
                    signals,
                    handled,
                    new: added.contains(&line_of(node)),
                    critical: false,
                });
            }
        }
    }
    Ok(out)
}

fn enclosing_function(lang: Lang, node: Node, source: &[u8], path: &str) -> String {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if lang.is_function(n.kind()) {
            return lang.function_name(n, source, path);
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
        let added: BTreeSet<u32> = (1..=lines).collect();
        let lang = Lang::of(file).expect("language");
        let patterns = Patterns::new(&TelemetryConfig::default()).expect("patterns");
        analyze_source(lang, file, &src, &added, &patterns).expect("parses")
    }

    fn find<'a>(fs: &'a [TelemetryFact], kind: &str) -> Vec<&'a TelemetryFact> {
        fs.iter().filter(|f| f.kind == kind).collect()
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
                "getUser",
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
        let added: BTreeSet<u32> = [22].into_iter().collect();
        let f =
            analyze_source(Lang::Go, "server_good.go", &src, &added, &patterns).expect("parses");
        assert!(f.iter().all(|x| x.function != "GetUser"), "{f:#?}");
        let e = find(&f, "error_handler");
        assert_eq!(e.len(), 1);
        assert!(e[0].handled, "returning the wrapped error handles it");
    }
}
