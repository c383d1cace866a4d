//! Production feedback: what production says about the code a change touches.
//!
//! Code review sees the diff and not the traffic; observability sees the traffic and not the
//! diff. This analyzer joins them: it reads OpenTelemetry trace exports (OTLP JSON, as the
//! Collector's file exporter writes them) or the small summary `gate signals summarize`
//! prepares from them, attributes spans to code by the `code.*` semantic conventions (or to
//! handlers by their route), and gives each touched function its production figures: share
//! of the service's requests, error rate, p50/p95 latency, the window they cover, and the
//! instrumentation the change removes from it. Policies (`policies/production`) decide.
//!
//! Only aggregates reach the facts: no span attribute, trace id or user data is kept.

pub mod functions;
pub mod otlp;
pub mod summary;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::change::ChangeSet;
use crate::telemetry::{Patterns, TelemetryFact};
use crate::weakening::{checked, removed, FieldRule};

pub use summary::Summary;

/// `production:` in `.gate.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ProductionConfig {
    /// Trace exports or summaries (from `gate signals summarize`), relative to the repository
    /// root. A listed file that does not exist is a note (the summary job has not run), not
    /// an error; a file that cannot be parsed is an error.
    pub signals: Vec<String>,
    /// A function serving at least this share of its service's requests is a hot path.
    pub hot_share: f64,
    /// A function failing at least this share of its calls has an elevated error rate.
    pub error_rate: f64,
    /// Below this many calls in the window, error rates and "never called" are not judged.
    pub min_requests: u64,
    /// A summary whose window ended more than this many days ago is stale.
    pub max_age_days: f64,
    /// Where deployed files live in the repository: a `code.file.path` starting with a key
    /// is read with that prefix replaced by the value (`{"/app/": "checkout/"}` for a
    /// service built in a container's `/app`). Without one, a trace's path names a repository
    /// file when one ends with the other (`/srv/billing/app/billing.py` and
    /// `billing/app/billing.py`).
    pub paths: std::collections::BTreeMap<String, String>,
}

impl Default for ProductionConfig {
    fn default() -> ProductionConfig {
        ProductionConfig {
            signals: Vec::new(),
            hot_share: 0.10,
            error_rate: 0.05,
            min_requests: 20,
            max_age_days: 14.0,
            paths: std::collections::BTreeMap::new(),
        }
    }
}

impl ProductionConfig {
    pub fn validate(&self) -> Result<()> {
        for (key, v) in [
            ("hot_share", self.hot_share),
            ("error_rate", self.error_rate),
        ] {
            if !(0.0..=1.0).contains(&v) {
                anyhow::bail!("production.{key}: expected a share from 0 to 1, got {v}");
            }
        }
        if !(self.max_age_days.is_finite() && self.max_age_days >= 0.0) {
            anyhow::bail!(
                "production.max_age_days: expected a number of days, got {}",
                self.max_age_days
            );
        }
        Ok(())
    }

    /// How `after` weakens this section: production data dropped, thresholds raised.
    pub fn weakened_by(&self, after: &ProductionConfig) -> Vec<String> {
        let mut w = Vec::new();
        for s in removed(&self.signals, &after.signals) {
            w.push(format!("stops reading production signals from {s}"));
        }
        for (key, b, a) in [
            ("hot_share", self.hot_share, after.hot_share),
            ("error_rate", self.error_rate, after.error_rate),
            ("max_age_days", self.max_age_days, after.max_age_days),
        ] {
            if a > b {
                w.push(format!("raises production.{key} {b} -> {a}"));
            }
        }
        for (k, v) in &after.paths {
            if self.paths.get(k) != Some(v) {
                w.push(format!(
                    "maps production paths {k} -> {v} (can point hot paths at other files)"
                ));
            }
        }
        for k in self.paths.keys().filter(|k| !after.paths.contains_key(*k)) {
            w.push(format!("stops mapping production paths {k}"));
        }
        if after.min_requests > self.min_requests {
            w.push(format!(
                "raises production.min_requests {} -> {}",
                self.min_requests, after.min_requests
            ));
        }
        w
    }
}

/// The fields of `production:` and how each can weaken the gate.
pub const WEAKENINGS: &[FieldRule] = &[
    checked("signals", "{signals: [s.json]}", "{signals: []}"),
    checked("hot_share", "{hot_share: 0.1}", "{hot_share: 0.9}"),
    checked("error_rate", "{error_rate: 0.05}", "{error_rate: 0.5}"),
    checked(
        "min_requests",
        "{min_requests: 20}",
        "{min_requests: 100000}",
    ),
    checked("max_age_days", "{max_age_days: 14}", "{max_age_days: 3650}"),
    checked("paths", "{paths: {}}", "{paths: {'/app/': 'elsewhere/'}}"),
];

/// `production` in the facts.
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct ProductionFacts {
    /// Signals were configured (`production.signals`) or given (`--signals`).
    pub configured: bool,
    /// Each file read (or missing), in the order given.
    pub sources: Vec<SourceFact>,
    /// The window all sources together cover.
    pub window: Window,
    /// The touched functions production knows about (or, in files production observes at
    /// function level, does not see called), sorted by path, line, function and service.
    pub functions: Vec<FunctionFact>,
}

#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Window {
    /// RFC 3339 UTC, `""` without spans.
    pub start: String,
    pub end: String,
    /// Its length in days (one decimal), and in seconds.
    pub days: f64,
    pub seconds: u64,
    /// Days from its end to today (one decimal; `GATE_TODAY` sets today), `None` without spans.
    pub age_days: Option<f64>,
}

/// One signals file.
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct SourceFact {
    /// As configured or given.
    pub path: String,
    /// `summary` (from `gate signals summarize`), `otlp` (a trace export) or `missing`.
    pub kind: &'static str,
    pub spans: u64,
    pub services: Vec<String>,
    pub window: Window,
    /// The change under review edits this file (production data it could have tailored).
    pub in_change: bool,
}

/// What production says about one touched function, in one service.
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct FunctionFact {
    pub path: String,
    /// `Class.method` for methods, the bare name otherwise.
    pub function: String,
    pub line: u32,
    pub end_line: u32,
    pub language: String,
    /// `added`, `modified` or `deleted` (a function the change removes).
    pub change: String,
    /// `service.name` of the spans (`""` for a function production does not see).
    pub service: String,
    /// Production has spans attributed to this function.
    pub observed: bool,
    /// `code` (the `code.*` attributes name it) or `route` (a handler, by `http.route` /
    /// `rpc.method`); `""` when not observed.
    pub matched_by: String,
    /// How production names it: `function in file` or the route.
    pub location: String,
    /// Spans attributed to the function in the window.
    pub requests: u64,
    /// The service's requests in the window (its server and consumer spans).
    pub service_requests: u64,
    /// `requests / service_requests`, at most 1, 4 decimals.
    pub traffic_share: f64,
    pub errors: u64,
    /// `errors / requests`, 4 decimals.
    pub error_rate: f64,
    /// Median and 95th percentile duration, in milliseconds (within ~3%).
    pub p50_ms: f64,
    pub p95_ms: f64,
    /// Instrumentation in the function before and after the change (`logging`, `span`,
    /// `metric`); `signals_before` is `null` when the pre-image cannot be read.
    pub signals_before: Option<Vec<String>>,
    pub signals_after: Vec<String>,
    /// What the change removes: in `signals_before`, not in `signals_after`.
    pub removed_signals: Vec<String>,
    /// Production reports function-level spans from this file (so a function it does not
    /// see is not called in the window, rather than not instrumented).
    pub file_observed: bool,
    /// The file's function-level spans in the window (0 when `file_observed` is false).
    pub file_requests: u64,
}

/// The inputs of [`collect`] besides the change.
pub struct Inputs<'a> {
    pub config: &'a ProductionConfig,
    /// `--signals` files, resolved against the working directory (errors when missing).
    pub given: &'a [PathBuf],
    /// Where configured `production.signals` paths are resolved.
    pub root: &'a Path,
    /// `YYYY-MM-DD`.
    pub today: &'a str,
    pub patterns: &'a Patterns,
    pub telemetry: &'a [TelemetryFact],
}

/// Reads one signals file: a summary, or a trace export summarized on the fly.
pub fn load(path: &Path) -> Result<(Summary, &'static str)> {
    let name = path.display().to_string();
    let mut head = Vec::with_capacity(256);
    std::fs::File::open(path)
        .with_context(|| format!("cannot read signals file {name}"))?
        .take(256)
        .read_to_end(&mut head)
        .with_context(|| format!("cannot read signals file {name}"))?;
    let compact: Vec<u8> = head
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let tag = format!("{{\"format\":\"{}\"", summary::FORMAT);
    if compact.starts_with(tag.as_bytes()) {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read signals file {name}"))?;
        let mut s = Summary::from_json(&text, &name)?;
        if s.sources.is_empty() {
            s.sources.push(summary::SourceFile {
                path: name,
                spans: s.spans,
            });
        }
        Ok((s, "summary"))
    } else {
        Ok((otlp::read_file(path)?, "otlp"))
    }
}

fn window(s: &Summary, today: &str) -> Window {
    if s.spans == 0 {
        return Window::default();
    }
    let days = |ns: u64| ns as f64 / 86_400e9;
    let one = |x: f64| (x * 10.0).round() / 10.0;
    let today = days_from_date(today).map(|d| d as f64);
    Window {
        start: summary::rfc3339(s.window_start),
        end: summary::rfc3339(s.window_end),
        days: one(days(s.window_end.saturating_sub(s.window_start))),
        seconds: s.window_end.saturating_sub(s.window_start) / 1_000_000_000,
        // From the start of today: a window that ended this morning is 0 days old.
        age_days: today.map(|t| one((t - days(s.window_end)).max(0.0))),
    }
}

/// Days since 1970-01-01 of `YYYY-MM-DD`.
fn days_from_date(s: &str) -> Option<i64> {
    let mut it = s.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    if it.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Reads the signals and joins them to the functions the change touches.
pub fn collect(cs: &ChangeSet, inp: &Inputs) -> Result<ProductionFacts> {
    let mut facts = ProductionFacts {
        configured: !inp.config.signals.is_empty() || !inp.given.is_empty(),
        ..ProductionFacts::default()
    };
    if !facts.configured {
        return Ok(facts);
    }
    let changed: BTreeSet<&str> = cs.files.iter().map(|f| f.path.as_str()).collect();
    let mut all = Summary::default();
    let configured = inp
        .config
        .signals
        .iter()
        .map(|p| (p.clone(), inp.root.join(p), false));
    let given = inp
        .given
        .iter()
        .map(|p| (p.display().to_string(), p.clone(), true));
    for (label, path, explicit) in configured.chain(given) {
        let rel = path
            .strip_prefix(inp.root)
            .ok()
            .map(|r| r.to_string_lossy().replace('\\', "/"));
        let in_change = rel.as_deref().is_some_and(|r| changed.contains(r));
        if !explicit && !path.exists() {
            facts.sources.push(SourceFact {
                path: label,
                kind: "missing",
                in_change,
                ..SourceFact::default()
            });
            continue;
        }
        let (s, kind) = load(&path)?;
        facts.sources.push(SourceFact {
            path: label,
            kind,
            spans: s.spans,
            services: s.services.keys().cloned().collect(),
            window: window(&s, inp.today),
            in_change,
        });
        all.merge(s);
    }
    facts.window = window(&all, inp.today);
    facts.functions = join(cs, &all, inp)?;
    Ok(facts)
}

/// The Markdown report's production section: the touched functions production observes,
/// busiest first (at most 10), hot ones (`hot_share` and above) marked, and where the figures
/// come from. `None` without observed functions. `escape` makes a table cell inert.
pub fn markdown_section(
    p: &ProductionFacts,
    hot_share: f64,
    escape: impl Fn(&str) -> String,
) -> Option<String> {
    use std::fmt::Write as _;
    let mut rows: Vec<&FunctionFact> = p.functions.iter().filter(|f| f.observed).collect();
    if rows.is_empty() {
        return None;
    }
    rows.sort_by(|a, b| {
        b.traffic_share
            .total_cmp(&a.traffic_share)
            .then_with(|| (&a.path, a.line, &a.service).cmp(&(&b.path, b.line, &b.service)))
    });
    let mut s = String::from(
        "### Production: touched functions

",
    );
    s.push_str(
        "| function | service | share of requests | calls | errors | p50 | p95 |
",
    );
    s.push_str(
        "|---|---|---:|---:|---:|---:|---:|
",
    );
    for f in rows.iter().take(10) {
        let hot = if f.traffic_share >= hot_share {
            " 🔥"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "| {}{hot} | {} | {:.1}% | {} | {:.1}% | {:.1} ms | {:.1} ms |",
            escape(&format!("{} ({}:{})", f.function, f.path, f.line)),
            escape(&f.service),
            f.traffic_share * 100.0,
            f.requests,
            f.error_rate * 100.0,
            f.p50_ms,
            f.p95_ms
        );
    }
    if rows.len() > 10 {
        let _ = writeln!(
            s,
            "
{} more in the facts.",
            rows.len() - 10
        );
    }
    let from: Vec<String> = p
        .sources
        .iter()
        .filter(|x| x.kind != "missing")
        .map(|x| {
            escape(&format!(
                "{} ({} to {})",
                x.path, x.window.start, x.window.end
            ))
        })
        .collect();
    let _ = writeln!(
        s,
        "
From {}.
",
        from.join(", ")
    );
    Some(s)
}

/// A trace's file path normalized (`\` to `/`, no `./`), with the longest matching
/// `production.paths` prefix replaced.
fn norm_file(p: &str, paths: &std::collections::BTreeMap<String, String>) -> String {
    let p = p.replace('\\', "/");
    let p = p.trim_start_matches("./");
    let best = paths
        .iter()
        .filter(|(from, _)| !from.is_empty() && p.starts_with(from.as_str()))
        .max_by_key(|(from, _)| from.len());
    match best {
        Some((from, to)) => format!("{to}{}", &p[from.len()..]),
        None => p.to_string(),
    }
}

/// Whether two paths name the same file: one ends with the other at a `/` boundary
/// (`/srv/app/billing.py` and `app/billing.py`; `Billing.java` and `src/.../Billing.java`).
pub fn same_file(repo: &str, trace: &str) -> bool {
    let (long, short) = if repo.len() >= trace.len() {
        (repo, trace)
    } else {
        (trace, repo)
    };
    let short = short.trim_start_matches('/');
    !short.is_empty()
        && long.ends_with(short)
        && (long.len() == short.len() || long.as_bytes()[long.len() - short.len() - 1] == b'/')
}

/// The segments of a function name as production or the parser writes it:
/// `app.billing.charge`, `main.(*Server).Charge`, `Billing::charge`, `charge()`.
fn segments(name: &str) -> Vec<&str> {
    name.split(['.', ':', '/', '#', '\\'])
        .map(|s| s.trim_matches(|c: char| matches!(c, '(' | ')' | '*' | ' ')))
        .filter(|s| !s.is_empty())
        .collect()
}

/// Whether a trace's function name names a touched function (`Class.method` or `name`):
/// the last segments agree, and a method's class agrees when the trace names one that looks
/// like a class (capitalized, as modules rarely are).
pub fn same_function(touched: &str, trace: &str) -> bool {
    let (t, r) = (segments(touched), segments(trace));
    let (Some(tn), Some(rn)) = (t.last(), r.last()) else {
        return false;
    };
    if tn != rn {
        return false;
    }
    match (t.len() >= 2, r.len() >= 2) {
        (true, true) => {
            let (to, ro) = (t[t.len() - 2], r[r.len() - 2]);
            to == ro || !ro.starts_with(|c: char| c.is_ascii_uppercase())
        }
        _ => true,
    }
}

/// A route in a comparable form: the method (when there is one) and the path with every
/// parameter (`:id`, `{id}`, `<int:id>`, `[id]`, `*`) as `{}`, without a trailing `/`.
pub fn norm_route(r: &str) -> (Option<String>, String) {
    let r = r.trim();
    let (method, path) = match r.split_once(' ') {
        Some((m, p)) if !m.is_empty() && m.chars().all(|c| c.is_ascii_alphabetic() || c == ',') => {
            (Some(m.to_ascii_uppercase()), p.trim())
        }
        _ => (None, r),
    };
    let segs: Vec<String> = path
        .split('/')
        .map(|s| {
            let param = s.starts_with(':')
                || (s.starts_with('{') && s.ends_with('}'))
                || (s.starts_with('<') && s.ends_with('>'))
                || (s.starts_with('[') && s.ends_with(']'))
                || s == "*";
            if param {
                "{}".to_string()
            } else {
                s.to_string()
            }
        })
        .collect();
    let mut p = segs.join("/");
    while p.len() > 1 && p.ends_with('/') {
        p.pop();
    }
    (method, p)
}

/// Whether a handler's declared route is the route a trace names: the same method (one of
/// the handler's, `GET,POST`), and the same path, or the handler's path as a whole-segment
/// suffix of the trace's (a prefix mounted in another file: `/api` + `/users/{}`).
fn same_route(handler: &str, trace: &str) -> bool {
    let (hm, hp) = norm_route(handler);
    let (tm, tp) = norm_route(trace);
    let path = hp == tp
        || (hp.starts_with('/') && hp.len() > 1 && tp.ends_with(&hp) && tp.len() > hp.len());
    path && match (hm, tm) {
        (Some(a), Some(b)) => a.split(',').any(|m| m == b || m == "ANY" || m == "ALL"),
        _ => true,
    }
}

/// The production facts of the touched functions.
fn join(cs: &ChangeSet, all: &Summary, inp: &Inputs) -> Result<Vec<FunctionFact>> {
    // Code locations by normalized file, and route locations, per service.
    struct Loc<'a> {
        service: &'a str,
        requests: u64,
        key: &'a summary::Key,
        stats: &'a summary::Stats,
        file: String,
    }
    let mut code: Vec<Loc> = Vec::new();
    let mut routes: Vec<Loc> = Vec::new();
    for (name, svc) in &all.services {
        for (k, st) in &svc.locations {
            let loc = Loc {
                service: name,
                requests: svc.requests(),
                key: k,
                stats: st,
                file: norm_file(&k.file, &inp.config.paths),
            };
            if k.route.is_empty() {
                code.push(loc);
            } else {
                routes.push(loc);
            }
        }
    }
    let handlers: Vec<&TelemetryFact> = inp
        .telemetry
        .iter()
        .filter(|t| t.kind == "http_handler" && t.route.as_deref().is_some_and(|r| !r.is_empty()))
        .collect();
    let wanted = |p: &str| {
        code.iter()
            .any(|l| !l.file.is_empty() && same_file(p, &l.file))
            || (!routes.is_empty() && handlers.iter().any(|t| t.path == p))
    };
    let touched = functions::touched(cs, inp.patterns, wanted)?;
    let mut out = Vec::new();
    for f in &touched {
        let in_file: Vec<&Loc> = code
            .iter()
            .filter(|l| !l.file.is_empty() && same_file(&f.path, &l.file))
            .collect();
        let file_requests: u64 = in_file.iter().map(|l| l.stats.spans).sum();
        let removed_signals: Vec<String> = match &f.before {
            Some(b) => b.iter().filter(|s| !f.after.contains(s)).cloned().collect(),
            None => Vec::new(),
        };
        let base = FunctionFact {
            path: f.path.clone(),
            function: f.name.clone(),
            line: f.line,
            end_line: f.end_line,
            language: f.language.to_string(),
            change: f.change.to_string(),
            signals_before: f.before.clone(),
            signals_after: f.after.clone(),
            removed_signals,
            file_observed: !in_file.is_empty(),
            file_requests,
            ..FunctionFact::default()
        };
        let mut matched: Vec<(&Loc, &'static str)> = in_file
            .iter()
            .filter(|l| {
                if l.key.function.is_empty() {
                    l.stats.line != 0 && f.line <= l.stats.line && l.stats.line <= f.end_line
                } else {
                    same_function(&f.name, &l.key.function)
                }
            })
            .map(|l| (*l, "code"))
            .collect();
        // A handler production names only by its route.
        for t in handlers
            .iter()
            .filter(|t| t.path == f.path && same_function(&f.name, &t.function))
        {
            let route = t.route.as_deref().unwrap_or("");
            for l in routes.iter().filter(|l| same_route(route, &l.key.route)) {
                if !matched.iter().any(|(m, _)| m.service == l.service) {
                    matched.push((l, "route"));
                }
            }
        }
        if matched.is_empty() {
            if base.file_observed {
                out.push(base);
            }
            continue;
        }
        // One fact per service: the locations that name the function there, added up.
        let mut by_service: std::collections::BTreeMap<
            &str,
            (summary::Stats, u64, &str, Vec<String>),
        > = std::collections::BTreeMap::new();
        for (l, how) in &matched {
            let e = by_service
                .entry(l.service)
                .or_insert_with(|| (summary::Stats::default(), l.requests, how, Vec::new()));
            e.0.merge(l.stats);
            e.3.push(summary::describe(l.key));
        }
        for (service, (st, requests, how, names)) in by_service {
            out.push(FunctionFact {
                service: service.to_string(),
                observed: true,
                matched_by: how.to_string(),
                location: names.join(", "),
                requests: st.spans,
                service_requests: requests,
                traffic_share: summary::ratio(st.spans, requests),
                errors: st.errors,
                error_rate: summary::ratio(st.errors, st.spans),
                p50_ms: st.histogram.quantile_ms(0.5).unwrap_or(0.0),
                p95_ms: st.histogram.quantile_ms(0.95).unwrap_or(0.0),
                ..base.clone()
            });
        }
    }
    out.sort_by(|a, b| {
        (&a.path, a.line, &a.function, &a.service).cmp(&(&b.path, b.line, &b.function, &b.service))
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_functions_and_routes_match_as_production_names_them() {
        assert!(same_file("app/billing.py", "/srv/app/billing.py"));
        assert!(same_file("app/billing.py", "app/billing.py"));
        assert!(same_file("src/main/java/x/Billing.java", "Billing.java"));
        assert!(!same_file("app/billing.py", "/srv/myapp/xbilling.py"));
        assert!(!same_file("app/billing.py", ""));
        assert!(same_function("charge", "charge"));
        assert!(same_function("charge", "app.billing.charge"));
        assert!(same_function("Billing.charge", "charge"));
        assert!(same_function("Server.Charge", "main.(*Server).Charge"));
        assert!(!same_function("Billing.charge", "Invoice.charge"));
        assert!(!same_function("charge", "refund"));
        assert!(same_route("GET /users/:id", "GET /users/{id}"));
        assert!(same_route("GET /users/:id", "/users/<int:id>"));
        assert!(same_route(
            "CheckoutService/PlaceOrder",
            "CheckoutService/PlaceOrder"
        ));
        assert!(!same_route("POST /users/:id", "GET /users/{id}"));
        assert!(!same_route("GET /users", "GET /users/{id}"));
        assert!(same_route("GET,POST /auth/login", "POST /auth/login"));
        assert!(same_route("GET /users/:id", "GET /api/users/{id}"));
        assert!(!same_route("GET /users/:id", "GET /apiusers/{id}"));
        assert!(!same_route("GET /", "GET /users"));
    }

    #[test]
    fn path_prefixes_map_deployed_files() {
        let mut paths = std::collections::BTreeMap::new();
        paths.insert("/app/".to_string(), "checkout/".to_string());
        paths.insert("/app/vendor/".to_string(), "third_party/".to_string());
        assert_eq!(norm_file("/app/main.go", &paths), "checkout/main.go");
        assert_eq!(norm_file("/app/vendor/x.go", &paths), "third_party/x.go");
        assert_eq!(norm_file("C:\\src\\a.py", &paths), "C:/src/a.py");
        assert_eq!(norm_file("./a.py", &Default::default()), "a.py");
    }

    #[test]
    fn dates_and_windows() {
        assert_eq!(days_from_date("1970-01-01"), Some(0));
        assert_eq!(days_from_date("2026-12-01"), Some(20_788));
        assert_eq!(days_from_date("2026-13-01"), None);
        let s = Summary {
            spans: 1,
            window_start: 20_780 * 86_400 * 1_000_000_000,
            window_end: 20_787 * 86_400 * 1_000_000_000,
            ..Summary::default()
        };
        let w = window(&s, "2026-12-01");
        assert_eq!((w.days, w.age_days), (7.0, Some(1.0)));
        assert_eq!(w.end, "2026-11-30T00:00:00Z");
    }

    #[test]
    fn weakenings() {
        let b = ProductionConfig::default();
        let a = ProductionConfig {
            hot_share: 0.5,
            ..ProductionConfig::default()
        };
        assert_eq!(
            b.weakened_by(&a),
            ["raises production.hot_share 0.1 -> 0.5"]
        );
        assert!(a.weakened_by(&b).is_empty());
        assert!(ProductionConfig {
            error_rate: 2.0,
            ..ProductionConfig::default()
        }
        .validate()
        .is_err());
    }
}
