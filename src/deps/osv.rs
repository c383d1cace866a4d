//! OSV records (the Open Source Vulnerability format, JSON or YAML): what gate keeps of them,
//! and whether a version of a package is affected.
//!
//! A record names affected packages with `ranges` (SEMVER or ECOSYSTEM events `introduced`,
//! `fixed`, `last_affected`, `limit`; GIT ranges name commits and cannot be matched against a
//! version) and `versions` lists. Withdrawn records are dropped. Severity comes from a CVSS
//! vector (v3.x or v2 base score, computed here) or the database's own label; malicious
//! packages (OpenSSF `MAL-` records, GitHub malware advisories) are marked as such.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::version::{Scheme, Version};

/// One advisory as it applies to one package: everything a finding needs, and the ranges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub summary: String,
    /// `critical`, `high`, `medium`, `low` or `unknown`.
    pub severity: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f32>,
    #[serde(default)]
    pub malicious: bool,
    /// RustSec's informational advisories (`unmaintained`, `unsound`, `notice`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub informational: Option<String>,
    #[serde(default)]
    pub url: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Vec<Event>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Introduced(String),
    Fixed(String),
    LastAffected(String),
    Limit(String),
}

impl Event {
    fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }
}

/// A string in a record that YAML may have typed as a number or a boolean.
#[derive(Debug, Clone, Default)]
struct Lenient(String);

impl<'de> Deserialize<'de> for Lenient {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Any {
            S(String),
            I(i64),
            U(u64),
            F(f64),
            B(bool),
        }
        Ok(Lenient(match Any::deserialize(d)? {
            Any::S(s) => s,
            Any::I(i) => i.to_string(),
            Any::U(u) => u.to_string(),
            Any::F(f) => f.to_string(),
            Any::B(b) => b.to_string(),
        }))
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct RawRecord {
    id: Lenient,
    aliases: Option<Vec<Lenient>>,
    summary: Option<String>,
    details: Option<String>,
    withdrawn: Option<Lenient>,
    severity: Option<Vec<RawSeverity>>,
    affected: Option<Vec<RawAffected>>,
    references: Option<Vec<RawRef>>,
    database_specific: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct RawSeverity {
    #[serde(rename = "type")]
    kind: String,
    score: Lenient,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct RawAffected {
    package: Option<RawPackage>,
    severity: Option<Vec<RawSeverity>>,
    ranges: Option<Vec<RawRange>>,
    versions: Option<Vec<Lenient>>,
    ecosystem_specific: Option<serde_json::Value>,
    database_specific: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct RawPackage {
    ecosystem: String,
    name: String,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct RawRange {
    #[serde(rename = "type")]
    kind: String,
    events: Option<Vec<std::collections::BTreeMap<String, Lenient>>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct RawRef {
    #[serde(rename = "type")]
    kind: String,
    url: String,
}

/// gate's ecosystem for an OSV ecosystem name (`PyPI`, `npm`, `crates.io`, `Go`, `Maven`,
/// `RubyGems`); `None` for the others (Debian, Packagist, NuGet ...).
pub fn ecosystem(osv: &str) -> Option<&'static str> {
    // Some databases qualify the ecosystem (`Maven:central`): the part before `:` names it.
    Some(match osv.split(':').next().unwrap_or(osv) {
        "PyPI" => "pypi",
        "npm" => "npm",
        "crates.io" => "cargo",
        "Go" => "go",
        "Maven" => "maven",
        "RubyGems" => "rubygems",
        _ => return None,
    })
}

/// What a parsed record contributes: (gate ecosystem, package name, advisory) per affected
/// package, or why it contributes nothing.
#[derive(Debug)]
pub enum Parsed {
    Affects(Vec<(&'static str, String, Advisory)>),
    Withdrawn,
    /// Parsed, but names no ecosystem gate knows.
    Unsupported,
    /// The document is not an OSV record (no `id`, or no `affected`).
    NotARecord,
}

/// Parses one record from JSON or YAML text.
pub fn parse(text: &[u8], yaml: bool) -> Result<Parsed, String> {
    let raw: RawRecord = if yaml {
        serde_yaml::from_slice(text).map_err(|e| e.to_string())?
    } else {
        serde_json::from_slice(text).map_err(|e| e.to_string())?
    };
    Ok(from_raw(raw))
}

fn from_raw(raw: RawRecord) -> Parsed {
    let Some(affected) = raw.affected.filter(|_| !raw.id.0.is_empty()) else {
        return Parsed::NotARecord;
    };
    if raw.withdrawn.is_some_and(|w| !w.0.is_empty()) {
        return Parsed::Withdrawn;
    }
    let id = raw.id.0;
    let aliases: Vec<String> = raw
        .aliases
        .unwrap_or_default()
        .into_iter()
        .map(|a| a.0)
        .filter(|a| *a != id)
        .collect();
    let db = raw.database_specific.unwrap_or(serde_json::Value::Null);
    let malicious = id.starts_with("MAL-")
        || aliases.iter().any(|a| a.starts_with("MAL-"))
        || db.get("malicious-packages-origins").is_some()
        || db
            .get("cwe_ids")
            .and_then(|c| c.as_array())
            .is_some_and(|c| c.iter().any(|x| x.as_str() == Some("CWE-506")));
    let informational = db
        .get("informational")
        .and_then(|i| i.as_str())
        .map(str::to_string);
    let summary = raw
        .summary
        .filter(|s| !s.trim().is_empty())
        .or_else(|| {
            raw.details
                .as_deref()
                .and_then(|d| d.lines().find(|l| !l.trim().is_empty()))
                .map(str::to_string)
        })
        .map(|s| truncate(s.trim(), 160))
        .unwrap_or_default();
    let refs = raw.references.unwrap_or_default();
    let url = refs
        .iter()
        .find(|r| r.kind == "ADVISORY")
        .map(|r| r.url.clone())
        .or_else(|| db.get("url").and_then(|u| u.as_str()).map(str::to_string))
        .unwrap_or_else(|| format!("https://osv.dev/vulnerability/{id}"));
    let record_sev = raw.severity.unwrap_or_default();
    let mut out = Vec::new();
    for a in affected {
        let Some(pkg) = a.package else { continue };
        let Some(eco) = ecosystem(&pkg.ecosystem) else {
            continue;
        };
        if pkg.name.trim().is_empty() {
            continue;
        }
        let (severity, score) = severity_of(
            a.severity.as_deref().unwrap_or(&[]),
            &record_sev,
            [
                a.ecosystem_specific.as_ref(),
                a.database_specific.as_ref(),
                Some(&db),
            ],
        );
        let ranges: Vec<Vec<Event>> = a
            .ranges
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.kind == "SEMVER" || r.kind == "ECOSYSTEM")
            .map(|r| {
                r.events
                    .unwrap_or_default()
                    .into_iter()
                    .flat_map(|e| e.into_iter())
                    .filter_map(|(k, v)| match k.as_str() {
                        "introduced" => Some(Event::Introduced(v.0)),
                        "fixed" => Some(Event::Fixed(v.0)),
                        "last_affected" => Some(Event::LastAffected(v.0)),
                        "limit" => Some(Event::Limit(v.0)),
                        _ => None,
                    })
                    .collect()
            })
            .filter(|e: &Vec<Event>| !e.is_empty())
            .collect();
        let versions: Vec<String> = a
            .versions
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.0)
            .collect();
        if ranges.is_empty() && versions.is_empty() {
            // Only GIT ranges: nothing a version can be matched against.
            continue;
        }
        out.push((
            eco,
            pkg.name.trim().to_string(),
            Advisory {
                id: id.clone(),
                aliases: aliases.clone(),
                summary: summary.clone(),
                severity: severity.to_string(),
                score,
                malicious,
                informational: informational.clone(),
                url: url.clone(),
                ranges,
                versions,
            },
        ));
    }
    if out.is_empty() {
        Parsed::Unsupported
    } else {
        Parsed::Affects(out)
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n).collect();
        t.push('…');
        t
    }
}

/// The severity label of a score (CVSS v3 qualitative ratings).
pub fn label(score: f32) -> &'static str {
    match score {
        s if s >= 9.0 => "critical",
        s if s >= 7.0 => "high",
        s if s >= 4.0 => "medium",
        s if s > 0.0 => "low",
        _ => "unknown",
    }
}

/// Severity from the affected package's CVSS, the record's CVSS, then a database label.
fn severity_of(
    pkg: &[RawSeverity],
    record: &[RawSeverity],
    dbs: [Option<&serde_json::Value>; 3],
) -> (&'static str, Option<f32>) {
    for list in [pkg, record] {
        for kind in ["CVSS_V3", "CVSS_V2"] {
            for s in list.iter().filter(|s| s.kind == kind) {
                if let Some(score) = cvss_score(&s.score.0) {
                    return (label(score), Some(score));
                }
            }
        }
    }
    for db in dbs.into_iter().flatten() {
        if let Some(l) = db
            .get("severity")
            .and_then(|s| s.as_str())
            .and_then(named_severity)
        {
            return (l, None);
        }
    }
    // A CVSS v4 vector, or a label under another type (Ubuntu's): the label when it is one.
    for s in pkg.iter().chain(record) {
        if let Some(l) = named_severity(&s.score.0) {
            return (l, None);
        }
    }
    ("unknown", None)
}

fn named_severity(s: &str) -> Option<&'static str> {
    Some(match s.trim().to_ascii_lowercase().as_str() {
        "critical" => "critical",
        "high" | "important" => "high",
        "moderate" | "medium" => "medium",
        "low" | "negligible" => "low",
        _ => return None,
    })
}

/// The base score of a CVSS v3.x or v2 vector; `None` for other versions or a bad vector.
pub fn cvss_score(vector: &str) -> Option<f32> {
    let v = vector.trim();
    let metrics = |body: &str| -> std::collections::HashMap<String, String> {
        body.split('/')
            .filter_map(|m| m.split_once(':'))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    if let Some(body) = v
        .strip_prefix("CVSS:3.1/")
        .or_else(|| v.strip_prefix("CVSS:3.0/"))
    {
        let m = metrics(body);
        let g = |k: &str| m.get(k).map(String::as_str);
        let changed = match g("S")? {
            "U" => false,
            "C" => true,
            _ => return None,
        };
        let av = match g("AV")? {
            "N" => 0.85,
            "A" => 0.62,
            "L" => 0.55,
            "P" => 0.2,
            _ => return None,
        };
        let ac = match g("AC")? {
            "L" => 0.77,
            "H" => 0.44,
            _ => return None,
        };
        let pr = match (g("PR")?, changed) {
            ("N", _) => 0.85,
            ("L", false) => 0.62,
            ("L", true) => 0.68,
            ("H", false) => 0.27,
            ("H", true) => 0.5,
            _ => return None,
        };
        let ui = match g("UI")? {
            "N" => 0.85,
            "R" => 0.62,
            _ => return None,
        };
        let cia = |k: &str| -> Option<f64> {
            Some(match g(k)? {
                "H" => 0.56,
                "L" => 0.22,
                "N" => 0.0,
                _ => return None,
            })
        };
        let (c, i, a) = (cia("C")?, cia("I")?, cia("A")?);
        let iss = 1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a);
        let impact = if changed {
            7.52 * (iss - 0.029) - 3.25 * (iss - 0.02f64).powi(15)
        } else {
            6.42 * iss
        };
        let exploit = 8.22 * av * ac * pr * ui;
        let base = if impact <= 0.0 {
            0.0
        } else if changed {
            roundup((1.08 * (impact + exploit)).min(10.0))
        } else {
            roundup((impact + exploit).min(10.0))
        };
        return Some(base as f32);
    }
    if v.starts_with("CVSS:") {
        return None;
    }
    // CVSS v2: `AV:N/AC:L/Au:N/C:P/I:P/A:P`.
    let body = v.strip_prefix('(').unwrap_or(v).trim_end_matches(')');
    let m = metrics(body);
    let g = |k: &str| m.get(k).map(String::as_str);
    let av = match g("AV")? {
        "L" => 0.395,
        "A" => 0.646,
        "N" => 1.0,
        _ => return None,
    };
    let ac = match g("AC")? {
        "H" => 0.35,
        "M" => 0.61,
        "L" => 0.71,
        _ => return None,
    };
    let au = match g("Au")? {
        "M" => 0.45,
        "S" => 0.56,
        "N" => 0.704,
        _ => return None,
    };
    let cia = |k: &str| -> Option<f64> {
        Some(match g(k)? {
            "N" => 0.0,
            "P" => 0.275,
            "C" => 0.660,
            _ => return None,
        })
    };
    let (c, i, a) = (cia("C")?, cia("I")?, cia("A")?);
    let impact = 10.41 * (1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a));
    let exploit = 20.0 * av * ac * au;
    let f = if impact == 0.0 { 0.0 } else { 1.176 };
    let base = ((0.6 * impact + 0.4 * exploit - 1.5) * f * 10.0).round() / 10.0;
    Some(base.max(0.0) as f32)
}

/// CVSS v3.1's Roundup: the smallest one-decimal number not below `x`, robust to
/// floating-point noise.
fn roundup(x: f64) -> f64 {
    let i = (x * 100_000.0).round() as i64;
    if i % 10_000 == 0 {
        i as f64 / 100_000.0
    } else {
        ((i / 10_000) + 1) as f64 / 10.0
    }
}

/// A version against one advisory.
pub struct Query<'a> {
    pub scheme: Option<Scheme>,
    pub version: &'a str,
    parsed: Option<Version>,
}

impl<'a> Query<'a> {
    pub fn new(eco: &str, version: &'a str) -> Query<'a> {
        let scheme = Scheme::of(eco);
        Query {
            scheme,
            version,
            parsed: scheme.and_then(|s| Version::parse(s, version)),
        }
    }

    fn cmp(&self, other: &str) -> Option<Ordering> {
        let s = self.scheme?;
        self.parsed.as_ref()?.cmp_same(&Version::parse(s, other)?)
    }

    fn equals(&self, other: &str) -> bool {
        other == self.version || self.cmp(other) == Some(Ordering::Equal)
    }
}

impl Advisory {
    /// Whether the queried version is affected: listed in `versions`, or inside a range.
    pub fn affects(&self, q: &Query) -> bool {
        self.versions.iter().any(|v| q.equals(v)) || self.ranges.iter().any(|r| in_range(r, q))
    }

    /// Whether every version is affected (`introduced: 0` and nothing after it), so that a
    /// dependency whose version is not known is affected too: how malicious packages are
    /// usually recorded.
    pub fn affects_every_version(&self) -> bool {
        self.ranges.iter().any(|r| {
            r.len() == 1 && matches!(&r[0], Event::Introduced(v) if v == "0" || v.is_empty())
        })
    }

    /// The nearest fixed version above the queried one, or the first one listed.
    pub fn fixed_for(&self, q: &Query) -> Option<String> {
        let fixed: Vec<&str> = self
            .ranges
            .iter()
            .flatten()
            .filter_map(|e| match e {
                Event::Fixed(v) => Some(v.as_str()),
                _ => None,
            })
            .collect();
        let mut above: Vec<&str> = fixed
            .iter()
            .copied()
            .filter(|f| q.cmp(f) == Some(Ordering::Less))
            .collect();
        if let Some(s) = q.scheme {
            above.sort_by(|a, b| super::version::compare(s, a, b).unwrap_or_else(|| a.cmp(b)));
        }
        above.first().or(fixed.first()).map(|s| (*s).to_string())
    }
}

/// The OSV evaluation of one range: walk the events in version order; `introduced` turns
/// "affected" on, `fixed` (at or below the version) and `last_affected` (below it) turn it off;
/// a `limit` at or below the version means the range does not apply.
fn in_range(events: &[Event], q: &Query) -> bool {
    let Some(scheme) = q.scheme else { return false };
    if q.parsed.is_none() {
        return false;
    }
    let zero = |v: &str| v == "0" || v.is_empty();
    let mut sorted: Vec<(Option<Version>, &Event)> = events
        .iter()
        .map(|e| {
            let v = e.version();
            (
                if zero(v) {
                    None
                } else {
                    Version::parse(scheme, v)
                },
                e,
            )
        })
        .collect();
    // Events whose version does not parse are evaluated where the record lists them; the
    // rest are sorted (the spec leaves the order of the list to the database).
    if sorted.iter().all(|(v, e)| v.is_some() || zero(e.version())) {
        sorted.sort_by(|(a, _), (b, _)| match (a, b) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => x.cmp_same(y).unwrap_or(Ordering::Equal),
        });
    }
    let mut affected = false;
    for (_, e) in &sorted {
        match e {
            Event::Introduced(v) => {
                if zero(v) || matches!(q.cmp(v), Some(Ordering::Greater | Ordering::Equal)) {
                    affected = true;
                }
            }
            Event::Fixed(v) => {
                if matches!(q.cmp(v), Some(Ordering::Greater | Ordering::Equal)) {
                    affected = false;
                }
            }
            Event::LastAffected(v) => {
                if q.cmp(v) == Some(Ordering::Greater) {
                    affected = false;
                }
            }
            Event::Limit(v) => {
                if matches!(q.cmp(v), Some(Ordering::Greater | Ordering::Equal)) {
                    return false;
                }
            }
        }
    }
    affected
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str, yaml: bool) -> Advisory {
        match parse(text.as_bytes(), yaml).expect("parses") {
            Parsed::Affects(mut v) => v.remove(0).2,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn cvss_base_scores() {
        // Log4Shell, and NVD's published scores for a few other vectors.
        assert_eq!(
            cvss_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"),
            Some(10.0)
        );
        assert_eq!(
            cvss_score("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N"),
            Some(6.1)
        );
        assert_eq!(
            cvss_score("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            Some(9.8)
        );
        assert_eq!(
            cvss_score("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H"),
            Some(5.5)
        );
        assert_eq!(cvss_score("AV:N/AC:L/Au:N/C:P/I:P/A:P"), Some(7.5));
        assert_eq!(cvss_score("AV:N/AC:M/Au:N/C:N/I:P/A:N"), Some(4.3));
        assert_eq!(
            cvss_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
            None
        );
        assert_eq!(cvss_score("garbage"), None);
    }

    #[test]
    fn ranges_versions_and_fixes() {
        let a = one(
            r#"{"id": "X-1", "aliases": ["CVE-1"], "summary": "bad",
                "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
                "affected": [{"package": {"ecosystem": "PyPI", "name": "pkg"},
                  "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"fixed": "1.4.2"},
                    {"introduced": "2.0.0a1"}, {"last_affected": "2.1"}]}, {"type": "GIT", "events": [{"introduced": "0"}]}]}]}"#,
            false,
        );
        assert_eq!((a.severity.as_str(), a.score), ("critical", Some(9.8)));
        let q = |v| Query::new("pypi", v);
        for (v, hit) in [
            ("0.9", false),
            ("1.0", true),
            ("1.4.1", true),
            ("1.4.2", false),
            ("1.9", false),
            ("2.0.0b1", true),
            ("2.1.0", true),
            ("2.1.post1", false),
            ("3", false),
        ] {
            assert_eq!(a.affects(&q(v)), hit, "{v}");
        }
        assert_eq!(a.fixed_for(&q("1.2")).as_deref(), Some("1.4.2"));
        assert!(!a.affects_every_version());
        // Events listed out of order are sorted before they are evaluated.
        let b = one(
            "id: Y-1\naffected:\n- package: {ecosystem: npm, name: left}\n  ranges:\n  - type: SEMVER\n    events:\n    - fixed: 2.0.1\n    - introduced: \"0\"\n    - limit: 9.0.0\n  versions: [9.1.0]\n",
            true,
        );
        assert!(b.affects(&Query::new("npm", "1.9.9")));
        assert!(!b.affects(&Query::new("npm", "2.0.1")));
        assert!(b.affects(&Query::new("npm", "9.1.0")), "listed version");
        assert_eq!(b.severity, "unknown");
    }

    #[test]
    fn malicious_withdrawn_and_foreign_records() {
        let m = one(
            r#"{"id": "MAL-2024-1", "summary": "Malicious code in reqeusts (PyPI)",
                "affected": [{"package": {"ecosystem": "PyPI", "name": "reqeusts"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}],
                "database_specific": {"malicious-packages-origins": [{"source": "ossf-package-analysis"}]}}"#,
            false,
        );
        assert!(m.malicious && m.affects_every_version());
        assert!(m.affects(&Query::new("pypi", "0.0.1")));
        assert!(matches!(
            parse(
                br#"{"id": "W", "withdrawn": "2024-01-01T00:00:00Z", "affected": []}"#,
                false
            ),
            Ok(Parsed::Withdrawn)
        ));
        assert!(matches!(
            parse(br#"{"id": "D", "affected": [{"package": {"ecosystem": "Debian:12", "name": "x"}, "versions": ["1"]}]}"#, false),
            Ok(Parsed::Unsupported)
        ));
        assert!(matches!(
            parse(br#"{"name": "not a record"}"#, false),
            Ok(Parsed::NotARecord)
        ));
        assert!(parse(b"{", false).is_err());
        // GitHub's malware advisories carry CWE-506; a database label is a severity.
        let g = one(
            r#"{"id": "GHSA-xxxx", "affected": [{"package": {"ecosystem": "npm", "name": "evil"}, "versions": ["1.0.0"]}],
                "database_specific": {"cwe_ids": ["CWE-506"], "severity": "CRITICAL"}}"#,
            false,
        );
        assert!(g.malicious);
        assert_eq!(g.severity, "critical");
    }

    #[test]
    fn go_and_maven_ranges() {
        let g = one(
            r#"{"id": "GO-1", "affected": [{"package": {"ecosystem": "Go", "name": "golang.org/x/net"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "0.17.0"}]}]}]}"#,
            false,
        );
        assert!(g.affects(&Query::new("go", "v0.0.0-20220722155237-a158d28d115b")));
        assert!(g.affects(&Query::new("go", "v0.16.0")));
        assert!(!g.affects(&Query::new("go", "v0.17.0")));
        assert_eq!(
            g.fixed_for(&Query::new("go", "v0.1.0")).as_deref(),
            Some("0.17.0")
        );
        let m = one(
            r#"{"id": "M-1", "affected": [{"package": {"ecosystem": "Maven", "name": "org.apache.logging.log4j:log4j-core"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.0-beta9"}, {"fixed": "2.15.0"}]}]}]}"#,
            false,
        );
        assert!(m.affects(&Query::new("maven", "2.14.1")));
        assert!(!m.affects(&Query::new("maven", "2.15.0")));
        assert!(!m.affects(&Query::new("maven", "1.2.17")));
    }
}
