//! Suppressions with accountability: inline `gate:allow RULE reason` comments, an exceptions
//! file whose entries carry a reason, an owner and an expiry date, and a baseline of known
//! findings (`gate baseline`). A suppressed finding stays in every report, marked, and no
//! longer counts toward the verdict. An expired exception stops suppressing, and policies see
//! it (`input.exceptions[].expired`) so the report says so.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Context, Result};
use globset::Glob;
use serde::{Deserialize, Serialize};

use crate::policy::{Finding, Suppression};

pub const EXCEPTIONS_FILE: &str = ".gate-exceptions.yaml";
pub const BASELINE_FILE: &str = ".gate-baseline.json";

/// One entry of the exceptions file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    pub rule: String,
    /// Glob of paths it applies to (all paths when absent).
    #[serde(default)]
    pub path: Option<String>,
    /// Resource address it applies to (infrastructure findings).
    #[serde(default)]
    pub resource: Option<String>,
    /// A finding fingerprint it applies to.
    #[serde(default)]
    pub fingerprint: Option<String>,
    pub reason: String,
    pub owner: String,
    /// `YYYY-MM-DD`: the last day the exception suppresses.
    pub expires: String,
    /// Filled by gate: whether `expires` is in the past.
    #[serde(default, skip_deserializing)]
    pub expired: bool,
}

pub fn parse_exceptions(text: &str, origin: &str, today: &str) -> Result<Vec<Exception>> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut list: Vec<Exception> =
        serde_yaml::from_str(text).with_context(|| format!("invalid exceptions file {origin}"))?;
    for (i, e) in list.iter_mut().enumerate() {
        if e.reason.trim().is_empty() || e.owner.trim().is_empty() {
            bail!(
                "{origin}: exception {} ({}): reason and owner must not be empty",
                i + 1,
                e.rule
            );
        }
        if parse_date(&e.expires).is_none() {
            bail!(
                "{origin}: exception {} ({}): expires {:?} is not a YYYY-MM-DD date",
                i + 1,
                e.rule,
                e.expires
            );
        }
        if let Some(p) = &e.path {
            Glob::new(p).with_context(|| {
                format!("{origin}: exception {}: invalid path glob {p:?}", i + 1)
            })?;
        }
        e.expired = e.expires.as_str() < today;
    }
    Ok(list)
}

fn parse_date(s: &str) -> Option<(i64, u32, u32)> {
    let mut it = s.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.parse().ok()?;
    (it.next().is_none() && s.len() == 10 && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then_some((y, m, d))
}

/// Today as `YYYY-MM-DD` (UTC), or `GATE_TODAY` when set (reproducible runs).
pub fn today() -> String {
    if let Ok(t) = std::env::var("GATE_TODAY") {
        if parse_date(&t).is_some() {
            return t;
        }
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_date(i64::try_from(secs / 86_400).unwrap_or(0))
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The baseline file: findings accepted when it was written.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<BaselineEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub rule: String,
    #[serde(default)]
    pub path: Option<String>,
    /// The finding's fingerprint: for secrets, rule + path + a hash of the value, so moving a
    /// line does not make it new.
    pub fingerprint: String,
}

impl Baseline {
    pub fn from_findings(findings: &[Finding]) -> Baseline {
        let set: BTreeSet<BaselineEntry> = findings
            .iter()
            // Findings already in the baseline stay in it; inline and exception
            // suppressions are their own record.
            .filter(|f| f.suppressed.as_ref().is_none_or(|s| s.kind == "baseline"))
            .map(|f| BaselineEntry {
                rule: f.rule.clone(),
                path: f.path.clone(),
                fingerprint: f.fingerprint.clone(),
            })
            .collect();
        Baseline {
            version: 1,
            findings: set.into_iter().collect(),
        }
    }

    pub fn parse(text: &str, origin: &str) -> Result<Baseline> {
        let b: Baseline =
            serde_json::from_str(text).with_context(|| format!("invalid baseline {origin}"))?;
        if b.version != 1 {
            bail!("{origin}: unsupported baseline version {}", b.version);
        }
        Ok(b)
    }
}

/// `gate:allow RULE reason` (or `gate:allow all reason`) in `line`, for `rule`.
pub fn inline_allow(line: &str, rule: &str) -> Option<String> {
    let mut rest = line;
    while let Some(i) = rest.find("gate:allow") {
        let after = &rest[i + "gate:allow".len()..];
        let mut words = after.split_whitespace();
        let id = words.next().unwrap_or("");
        let reason: Vec<&str> = words
            .take_while(|w| !w.starts_with("*/") && !w.starts_with("-->"))
            .collect();
        let reason = reason.join(" ");
        if (id.eq_ignore_ascii_case(rule) || id == "all") && !reason.is_empty() {
            return Some(reason);
        }
        rest = after;
    }
    None
}

/// Marks suppressed findings. `line_text(path, line)` returns a line of the changed file.
pub fn apply(
    findings: &mut [Finding],
    exceptions: &[Exception],
    baseline: Option<&Baseline>,
    mut line_text: impl FnMut(&str, u32) -> Option<String>,
) {
    let globs: Vec<Option<globset::GlobMatcher>> = exceptions
        .iter()
        .map(|e| {
            e.path
                .as_ref()
                .and_then(|p| Glob::new(p).ok())
                .map(|g| g.compile_matcher())
        })
        .collect();
    let known: BTreeMap<(&str, &str), ()> = baseline
        .map(|b| {
            b.findings
                .iter()
                .map(|e| ((e.rule.as_str(), e.fingerprint.as_str()), ()))
                .collect()
        })
        .unwrap_or_default();
    for f in findings.iter_mut() {
        if let (Some(path), Some(line)) = (f.path.clone(), f.line) {
            let here = line_text(&path, line);
            let above = if line > 1 {
                line_text(&path, line - 1)
            } else {
                None
            };
            if let Some(reason) = here
                .iter()
                .chain(above.iter())
                .find_map(|t| inline_allow(t, &f.rule))
            {
                f.suppressed = Some(Suppression {
                    kind: "inline".into(),
                    reason,
                });
                continue;
            }
        }
        let exception = exceptions.iter().zip(&globs).find(|(e, g)| {
            !e.expired
                && e.rule == f.rule
                && g.as_ref()
                    .is_none_or(|g| f.path.as_deref().is_some_and(|p| g.is_match(p)))
                && e.resource
                    .as_ref()
                    .is_none_or(|r| f.resource.as_deref() == Some(r.as_str()))
                && e.fingerprint.as_ref().is_none_or(|fp| *fp == f.fingerprint)
        });
        if let Some((e, _)) = exception {
            f.suppressed = Some(Suppression {
                kind: "exception".into(),
                reason: format!("{} (owner {}, until {})", e.reason, e.owner, e.expires),
            });
            continue;
        }
        if known.contains_key(&(f.rule.as_str(), f.fingerprint.as_str())) {
            f.suppressed = Some(Suppression {
                kind: "baseline".into(),
                reason: "present in the baseline".into(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Level;

    fn finding(rule: &str, path: &str, line: u32) -> Finding {
        Finding {
            rule: rule.into(),
            level: Level::Error,
            message: "m".into(),
            category: "secrets".into(),
            risk: 90,
            risk_reason: None,
            path: Some(path.into()),
            line: Some(line),
            column: None,
            end_line: None,
            resource: None,
            fingerprint: format!("fp-{rule}-{path}"),
            suppressed: None,
        }
    }

    #[test]
    fn dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_819), "2027-01-01");
        assert_eq!(civil_date(19_782), "2024-02-29");
        assert!(parse_date("2026-13-01").is_none());
    }

    #[test]
    fn inline_allow_needs_the_rule_and_a_reason() {
        assert_eq!(
            inline_allow(
                "k = 'x' # gate:allow GATE-SEC-001 test fixture key",
                "GATE-SEC-001"
            )
            .as_deref(),
            Some("test fixture key")
        );
        assert_eq!(
            inline_allow("/* gate:allow all vendored */", "GATE-X").as_deref(),
            Some("vendored")
        );
        assert!(inline_allow("# gate:allow GATE-SEC-001", "GATE-SEC-001").is_none());
        assert!(inline_allow("# gate:allow GATE-SEC-002 other rule", "GATE-SEC-001").is_none());
    }

    #[test]
    fn exceptions_expire_and_baselines_match_fingerprints() {
        let yaml = "- rule: GATE-SEC-001\n  path: 'tests/**'\n  reason: fake keys\n  owner: '@sec'\n  expires: 2020-01-01\n- rule: GATE-SEC-001\n  path: 'docs/**'\n  reason: examples\n  owner: '@docs'\n  expires: 2999-12-31\n";
        let ex = parse_exceptions(yaml, "x", "2026-11-23").expect("parses");
        assert!(ex[0].expired && !ex[1].expired);
        let mut fs = vec![
            finding("GATE-SEC-001", "tests/a.py", 1),
            finding("GATE-SEC-001", "docs/b.md", 2),
            finding("GATE-SEC-001", "src/c.py", 3),
        ];
        let base = Baseline::from_findings(&[finding("GATE-SEC-001", "src/c.py", 99)]);
        apply(&mut fs, &ex, Some(&base), |_, _| None);
        assert!(
            fs[0].suppressed.is_none(),
            "expired exception must not suppress"
        );
        assert_eq!(
            fs[1].suppressed.as_ref().map(|s| s.kind.as_str()),
            Some("exception")
        );
        assert_eq!(
            fs[2].suppressed.as_ref().map(|s| s.kind.as_str()),
            Some("baseline")
        );
    }

    #[test]
    fn exceptions_require_owner_reason_and_date() {
        assert!(parse_exceptions(
            "- rule: X\n  reason: r\n  owner: ''\n  expires: 2030-01-01\n",
            "x",
            "2026-01-01"
        )
        .is_err());
        assert!(parse_exceptions(
            "- rule: X\n  reason: r\n  owner: o\n  expires: soon\n",
            "x",
            "2026-01-01"
        )
        .is_err());
        assert!(
            parse_exceptions("- rule: X\n  reason: r\n  owner: o\n", "x", "2026-01-01").is_err()
        );
    }
}
