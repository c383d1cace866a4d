//! The prepared summary of trace exports (`gate signals summarize -o FILE`): per service, per
//! code location (or route), how many spans, how many failed, and their durations in a fixed
//! log-linear histogram. It holds aggregates only (no span attributes, no ids, no user data),
//! stays small (bounded buckets per location), merges exactly (counts add up), and serializes
//! deterministically (every map is a `BTreeMap`, every list sorted).
//!
//! The format is documented in docs/signals.md.

use std::collections::BTreeMap;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

/// The `format` tag of a summary file; anything else is read as a trace export.
pub const FORMAT: &str = "gate-signals-summary";
pub const VERSION: u32 = 1;

/// Sub-buckets per power of two: a bucket spans at most 1/32 of its value, so a percentile
/// read from the histogram is within ~3% of the exact one.
const SUB_BITS: u32 = 5;
const SUB: u64 = 1 << SUB_BITS;
/// One past the last bucket (the one holding `u64::MAX`).
const BUCKETS: u64 = 60 * SUB;

/// The bucket of a duration in nanoseconds (integer arithmetic only: the same bucket on every
/// platform). Values below 32 ns have a bucket each.
pub fn bucket(ns: u64) -> u16 {
    if ns < SUB {
        return ns as u16;
    }
    let msb = 63 - ns.leading_zeros();
    let sub = (ns >> (msb - SUB_BITS)) & (SUB - 1);
    ((msb - SUB_BITS + 1) as u64 * SUB + sub) as u16
}

/// The lower bound of a bucket, in nanoseconds.
fn bucket_low(b: u16) -> u64 {
    let b = u64::from(b);
    if b < SUB {
        return b;
    }
    let exp = b / SUB - 1 + u64::from(SUB_BITS);
    let sub = b % SUB;
    (SUB + sub) << (exp - u64::from(SUB_BITS))
}

/// The value a bucket stands for: the middle of its range, in nanoseconds.
fn bucket_mid(b: u16) -> u64 {
    let lo = bucket_low(b);
    let hi = if u64::from(b) + 1 >= BUCKETS {
        u64::MAX
    } else {
        bucket_low(b + 1)
    };
    lo + (hi - lo) / 2
}

/// Span counts by duration bucket.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Histogram {
    pub buckets: BTreeMap<u16, u64>,
}

impl Histogram {
    pub fn add(&mut self, ns: u64) {
        *self.buckets.entry(bucket(ns)).or_insert(0) += 1;
    }

    pub fn merge(&mut self, other: &Histogram) {
        for (b, n) in &other.buckets {
            *self.buckets.entry(*b).or_insert(0) += n;
        }
    }

    /// The `q` quantile (0..=1) in milliseconds, rounded to microseconds; `None` when empty.
    pub fn quantile_ms(&self, q: f64) -> Option<f64> {
        let total: u64 = self.buckets.values().sum();
        if total == 0 {
            return None;
        }
        // The rank of the quantile, 1-based (nearest-rank definition).
        let rank = ((q * total as f64).ceil() as u64).clamp(1, total);
        let mut seen = 0;
        for (b, n) in &self.buckets {
            seen += n;
            if seen >= rank {
                return Some(ms(bucket_mid(*b)));
            }
        }
        None
    }
}

/// Nanoseconds to milliseconds, rounded to the microsecond (stable decimal output).
pub fn ms(ns: u64) -> f64 {
    (ns as f64 / 1_000.0).round() / 1_000.0
}

impl Serialize for Histogram {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.buckets.len()))?;
        for (b, n) in &self.buckets {
            seq.serialize_element(&(b, n))?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Histogram {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let pairs: Vec<(u16, u64)> = Vec::deserialize(d)?;
        let mut h = Histogram::default();
        for (b, n) in pairs {
            if u64::from(b) >= BUCKETS {
                return Err(serde::de::Error::custom(format!(
                    "histogram bucket {b} out of range"
                )));
            }
            *h.buckets.entry(b).or_insert(0) += n;
        }
        Ok(h)
    }
}

/// Where a span is attributed: a code location (from the `code.*` attributes) or, without
/// one, the route the service answered (`http.route`, `rpc.service`/`rpc.method`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default, Hash)]
#[serde(default)]
pub struct Key {
    /// `code.file.path` / `code.filepath`, as the service reported it (often absolute).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub file: String,
    /// `code.function.name` / `code.function` (may be qualified: `billing.charge`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub function: String,
    /// `GET /users/{id}` or `CheckoutService/PlaceOrder`, when no code attribute is there.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub route: String,
}

/// The figures of one location.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Stats {
    /// Spans attributed here.
    pub spans: u64,
    /// Of them, failed: span status ERROR, or an HTTP 5xx answered by a server span.
    pub errors: u64,
    /// Of them, entry spans (server or consumer) of the service.
    pub entries: u64,
    /// The smallest `code.line.number` / `code.lineno` seen (0: none).
    pub line: u32,
    pub histogram: Histogram,
}

impl Stats {
    pub fn merge(&mut self, o: &Stats) {
        self.spans += o.spans;
        self.errors += o.errors;
        self.entries += o.entries;
        if o.line != 0 && (self.line == 0 || o.line < self.line) {
            self.line = o.line;
        }
        self.histogram.merge(&o.histogram);
    }
}

/// One service (`service.name` of the resource).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Service {
    /// All spans of the service.
    pub spans: u64,
    /// Entry spans: server and consumer spans (the service's requests and messages).
    pub entries: u64,
    /// Root spans (no parent): the requests of a service whose spans carry no kind.
    pub roots: u64,
    pub errors: u64,
    pub locations: BTreeMap<Key, Stats>,
}

impl Service {
    /// The service's requests: its entry spans, or its root spans when none has a kind.
    pub fn requests(&self) -> u64 {
        if self.entries > 0 {
            self.entries
        } else {
            self.roots
        }
    }
}

/// Everything read from one or more exports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub services: BTreeMap<String, Service>,
    /// The earliest span start and latest span end, in Unix nanoseconds (0: no span).
    pub window_start: u64,
    pub window_end: u64,
    pub spans: u64,
    /// The files read, with their span counts, in the order given.
    pub sources: Vec<SourceFile>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceFile {
    pub path: String,
    pub spans: u64,
}

impl Summary {
    pub fn merge(&mut self, o: Summary) {
        for (name, s) in o.services {
            let e = self.services.entry(name).or_default();
            e.spans += s.spans;
            e.entries += s.entries;
            e.roots += s.roots;
            e.errors += s.errors;
            for (k, v) in s.locations {
                e.locations.entry(k).or_default().merge(&v);
            }
        }
        if o.spans > 0 {
            self.window_start = if self.spans == 0 {
                o.window_start
            } else {
                self.window_start.min(o.window_start)
            };
            self.window_end = self.window_end.max(o.window_end);
        }
        self.spans += o.spans;
        self.sources.extend(o.sources);
    }

    /// The number of distinct locations, over all services.
    pub fn locations(&self) -> usize {
        self.services.values().map(|s| s.locations.len()).sum()
    }
}

// The file format: the same data, with percentiles spelled out for readers (recomputed from
// the histograms when read, never trusted).

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    format: String,
    version: u32,
    window: FileWindow,
    spans: u64,
    sources: Vec<SourceFile>,
    services: Vec<FileService>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileWindow {
    /// Unix nanoseconds as strings, as OTLP JSON writes them.
    start_unix_nano: String,
    end_unix_nano: String,
    start: String,
    end: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileService {
    name: String,
    spans: u64,
    requests: u64,
    entries: u64,
    roots: u64,
    errors: u64,
    locations: Vec<FileLocation>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLocation {
    #[serde(flatten)]
    key: Key,
    #[serde(default, skip_serializing_if = "is_zero")]
    line: u32,
    spans: u64,
    errors: u64,
    entries: u64,
    /// Share of the service's requests (spans / requests, at most 1).
    share: f64,
    error_rate: f64,
    p50_ms: f64,
    p95_ms: f64,
    /// `[bucket, count]` pairs (see docs/signals.md for the bucket scheme).
    histogram: Histogram,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// `part / whole` rounded to 4 decimals (0 when `whole` is 0), at most 1.
pub fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    ((part as f64 / whole as f64).min(1.0) * 10_000.0).round() / 10_000.0
}

impl Summary {
    /// The summary file's text (pretty JSON, `format` first so a reader can tell it at once).
    pub fn to_json(&self) -> Result<String> {
        let services = self
            .services
            .iter()
            .map(|(name, s)| FileService {
                name: name.clone(),
                spans: s.spans,
                requests: s.requests(),
                entries: s.entries,
                roots: s.roots,
                errors: s.errors,
                locations: s
                    .locations
                    .iter()
                    .map(|(k, v)| FileLocation {
                        key: k.clone(),
                        line: v.line,
                        spans: v.spans,
                        errors: v.errors,
                        entries: v.entries,
                        share: ratio(v.spans, s.requests()),
                        error_rate: ratio(v.errors, v.spans),
                        p50_ms: v.histogram.quantile_ms(0.5).unwrap_or(0.0),
                        p95_ms: v.histogram.quantile_ms(0.95).unwrap_or(0.0),
                        histogram: v.histogram.clone(),
                    })
                    .collect(),
            })
            .collect();
        let doc = FileDoc {
            format: FORMAT.to_string(),
            version: VERSION,
            window: FileWindow {
                start_unix_nano: self.window_start.to_string(),
                end_unix_nano: self.window_end.to_string(),
                start: rfc3339(self.window_start),
                end: rfc3339(self.window_end),
            },
            spans: self.spans,
            sources: self.sources.clone(),
            services,
        };
        let mut s = serde_json::to_string_pretty(&doc)?;
        s.push('\n');
        Ok(s)
    }

    /// Reads a summary file; `origin` names it in errors.
    pub fn from_json(text: &str, origin: &str) -> Result<Summary> {
        let doc: FileDoc = serde_json::from_str(text)
            .with_context(|| format!("{origin}: not a valid gate signals summary"))?;
        if doc.format != FORMAT {
            bail!("{origin}: format is {:?}, expected {FORMAT:?}", doc.format);
        }
        if doc.version != VERSION {
            bail!(
                "{origin}: summary version {} is not supported (this gate reads version {VERSION}); run `gate signals summarize` again",
                doc.version
            );
        }
        let num = |s: &str, what: &str| -> Result<u64> {
            s.parse::<u64>()
                .with_context(|| format!("{origin}: window.{what} is not a number: {s:?}"))
        };
        let mut out = Summary {
            window_start: num(&doc.window.start_unix_nano, "start_unix_nano")?,
            window_end: num(&doc.window.end_unix_nano, "end_unix_nano")?,
            spans: doc.spans,
            sources: doc.sources,
            services: BTreeMap::new(),
        };
        for s in doc.services {
            let mut svc = Service {
                spans: s.spans,
                entries: s.entries,
                roots: s.roots,
                errors: s.errors,
                locations: BTreeMap::new(),
            };
            for l in s.locations {
                let counted: u64 = l.histogram.buckets.values().sum();
                if counted != l.spans || l.errors > l.spans {
                    bail!(
                        "{origin}: service {:?}, location {}: its counts do not add up (spans {}, errors {}, histogram {counted}); the file was edited or truncated — summarize again",
                        s.name,
                        describe(&l.key),
                        l.spans,
                        l.errors
                    );
                }
                svc.locations.entry(l.key).or_default().merge(&Stats {
                    spans: l.spans,
                    errors: l.errors,
                    entries: l.entries,
                    line: l.line,
                    histogram: l.histogram,
                });
            }
            if out.services.insert(s.name.clone(), svc).is_some() {
                bail!("{origin}: service {:?} is listed twice", s.name);
            }
        }
        Ok(out)
    }
}

/// A location as a reader names it.
pub fn describe(k: &Key) -> String {
    match (k.file.is_empty(), k.function.is_empty()) {
        (false, false) => format!("{} in {}", k.function, k.file),
        (false, true) => k.file.clone(),
        (true, false) => k.function.clone(),
        (true, true) => k.route.clone(),
    }
}

/// Unix nanoseconds as an RFC 3339 UTC time to the second (`""` for 0).
pub fn rfc3339(ns: u64) -> String {
    if ns == 0 {
        return String::new();
    }
    let secs = ns / 1_000_000_000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_monotonic_and_tight() {
        let mut prev = 0;
        for ns in [
            1u64,
            31,
            32,
            33,
            63,
            64,
            1_000,
            999_999,
            1_000_000,
            u64::MAX / 2,
            u64::MAX,
        ] {
            let b = bucket(ns);
            assert!(b >= prev, "{ns}");
            prev = b;
            let lo = bucket_low(b);
            assert!(lo <= ns, "{ns}: low {lo}");
            if ns >= 32 {
                assert!((ns - lo) as f64 / ns as f64 <= 1.0 / 32.0, "{ns}: low {lo}");
            }
        }
        assert_eq!(u64::from(bucket(u64::MAX)), BUCKETS - 1);
        assert!(bucket_mid(bucket(u64::MAX)) > u64::MAX / 2);
    }

    #[test]
    fn quantiles_are_within_three_percent() {
        let mut h = Histogram::default();
        for ms in 1..=100u64 {
            h.add(ms * 1_000_000);
        }
        let p50 = h.quantile_ms(0.5).unwrap_or(0.0);
        let p95 = h.quantile_ms(0.95).unwrap_or(0.0);
        assert!((p50 - 50.0).abs() / 50.0 < 0.03, "{p50}");
        assert!((p95 - 95.0).abs() / 95.0 < 0.03, "{p95}");
        assert_eq!(Histogram::default().quantile_ms(0.5), None);
    }

    #[test]
    fn round_trips_and_rejects_edited_counts() {
        let mut s = Summary {
            window_start: 1_700_000_000_000_000_000,
            window_end: 1_700_000_600_000_000_000,
            spans: 3,
            ..Summary::default()
        };
        let svc = s.services.entry("billing".into()).or_default();
        svc.spans = 3;
        svc.entries = 2;
        let mut st = Stats {
            spans: 3,
            errors: 1,
            line: 12,
            ..Stats::default()
        };
        for ns in [1_000_000, 2_000_000, 3_000_000] {
            st.histogram.add(ns);
        }
        svc.locations.insert(
            Key {
                file: "/srv/app/billing.py".into(),
                function: "charge".into(),
                route: String::new(),
            },
            st,
        );
        let text = s.to_json().expect("serializes");
        assert!(text.starts_with("{\n  \"format\": \"gate-signals-summary\""));
        assert!(
            text.contains("\"start\": \"2023-11-14T22:13:20Z\""),
            "{text}"
        );
        let back = Summary::from_json(&text, "s.json").expect("reads");
        assert_eq!(back, s);
        let edited = text.replace(
            "\"spans\": 3,\n          \"errors\"",
            "\"spans\": 4,\n          \"errors\"",
        );
        assert_ne!(edited, text);
        let e = Summary::from_json(&edited, "s.json").expect_err("counts do not add up");
        assert!(format!("{e:#}").contains("do not add up"), "{e:#}");
    }
}
