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
use crate::weakening::{added, checked, FieldRule};

pub use lang::Lang;

/// `telemetry:` in `.gate.yaml`: extra instrumentation APIs (regexes) and the parse budget.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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
}

/// The default parse budget: tree-sitter parses ~15 MB/s on two cores here, so a check spends
/// at most about half a second on telemetry, and a typical or even huge pull request (a few
/// MB of post-images) is analyzed whole.
pub const DEFAULT_BUDGET_MB: f64 = 8.0;

impl Default for TelemetryConfig {
    fn default() -> TelemetryConfig {
        TelemetryConfig {
            logging: Vec::new(),
            tracing: Vec::new(),
            metrics: Vec::new(),
            budget_mb: DEFAULT_BUDGET_MB,
        }
    }
}

impl TelemetryConfig {
    /// The budget in bytes; an error names the key when it is not a number of megabytes.
    pub fn budget_bytes(&self) -> Result<u64> {
        if !self.budget_mb.is_finite() || self.budget_mb < 0.0 || self.budget_mb > 1e6 {
            anyhow::bail!(
                "telemetry.budget_mb: expected a number of megabytes from 0 to 1000000, got {}",
                self.budget_mb
            );
        }
        // In range: the cast cannot truncate meaningfully.
        Ok((self.budget_mb * 1e6).round() as u64)
    }
}

/// One function or block of a changed file, and whether it is observable (`input.telemetry`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TelemetryFact {
    pub path: String,
    pub line: u32,
    pub end_line: u32,
    pub language: String,
    /// The function (for outbound calls: `function: callee`).
    pub function: String,
    /// `http_handler`, `error_handler`, `outbound_call`, `entrypoint`.
    pub kind: String,
    /// A log, trace or metric call is there.
    pub instrumented: bool,
    /// `logging`, `span`, `metric`.
    pub signals: Vec<String>,
    /// Error handlers: the error is re-raised, thrown or returned.
    pub handled: bool,
    /// The function (or block) itself is added by the change, not only edited.
    pub new: bool,
    /// The file is under a `critical:` path.
    pub critical: bool,
}

impl TelemetryConfig {
    /// The section's own checks (the budget is a number of megabytes).
    pub fn validate(&self) -> Result<()> {
        self.budget_bytes().map(|_| ())
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
        w
    }
}

/// The fields of `telemetry:` and how each can weaken the gate.
pub const WEAKENINGS: &[FieldRule] = &[
    checked("logging", "{logging: []}", "{logging: ['.']}"),
    checked("tracing", "{tracing: []}", "{tracing: ['.']}"),
    checked("metrics", "{metrics: []}", "{metrics: ['.']}"),
    checked("budget_mb", "{budget_mb: 8}", "{budget_mb: 0.5}"),
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
pub const MAX_PARSE: usize = 2 * 1024 * 1024;

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

/// A changed source file to parse: its post-image (`None`: put together from its added
/// lines) and its size.
struct Source<'a> {
    file: &'a FileChange,
    lang: Lang,
    critical: bool,
    image: Option<Vec<u8>>,
    len: usize,
}

/// Analyzes the changed source files of the change, within the parse budget (`budget`
/// bytes): critical paths first, then in path order, so the same change always covers the
/// same files whatever the thread count. `images` holds the post-images of the
/// [`candidates`], read by the caller (ahead, while secrets are scanned); a file it lacks is
/// analyzed from its added lines if it is new, and listed as `no_source` otherwise.
pub fn analyze(
    cs: &ChangeSet,
    mut images: Images,
    patterns: &Patterns,
    budget: u64,
    is_candidate: impl Fn(&FileChange) -> bool + Sync,
    is_critical: impl Fn(&str) -> bool + Sync,
) -> Result<(Vec<TelemetryFact>, Coverage)> {
    let files = candidates(cs, is_candidate);
    let mut coverage = Coverage {
        budget_bytes: budget,
        ..Coverage::default()
    };
    // The source of each file: its post-image, or for an added file without one (a `--diff`
    // of files not in the work tree) its added lines, which are the whole file. The latter is
    // only put together for the files within the budget.
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
            critical: is_critical(&f.path),
            image,
            len,
        });
    }
    // The budget: critical paths first, then path order (`cs.files` is sorted by path).
    sources.sort_by_key(|s| (!s.critical, s.file.path.as_str()));
    let mut left = budget;
    let mut parsed = Vec::with_capacity(sources.len());
    for s in sources {
        let n = s.len as u64;
        if n > left {
            coverage.skipped.push(Skipped {
                path: s.file.path.clone(),
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
        parsed.push(s);
    }
    coverage.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    let results: Vec<Result<Vec<TelemetryFact>>> = parsed
        .into_par_iter()
        .map(|s| {
            let f = s.file;
            let source = s.image.unwrap_or_else(|| f.added_text());
            let added: Added = f.added_lines().map(|l| l.line).collect();
            let mut facts = analyze_source(s.lang, &f.path, &source, &added, patterns)?;
            for t in &mut facts {
                t.critical = s.critical;
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
    Ok((out, coverage))
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

/// Parses one file and classifies what the added lines touch.
pub fn analyze_source(
    lang: Lang,
    path: &str,
    source: &[u8],
    added: &Added,
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
                if touches(c, added) {
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
            let name = lang.function_name(node, source, path);
            let signals = patterns.signals(&ftext);
            let new = added.contains(line_of(wrapper)) || added.contains(line_of(node));
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
                    new: added.contains(line_of(node)),
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
        let added: Added = (1..=lines).collect();
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
        let added: Added = [22].into_iter().collect();
        let f =
            analyze_source(Lang::Go, "server_good.go", &src, &added, &patterns).expect("parses");
        assert!(f.iter().all(|x| x.function != "GetUser"), "{f:#?}");
        let e = find(&f, "error_handler");
        assert_eq!(e.len(), 1);
        assert!(e[0].handled, "returning the wrapped error handles it");
    }
}
