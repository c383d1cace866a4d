//! Suppressions with accountability: inline `gate:allow RULE reason` comments, an exceptions
//! file whose entries carry a reason, an owner and an expiry date, and a baseline of known
//! findings (`gate baseline`). A suppressed finding stays in every report, marked, and no
//! longer counts toward the verdict. An expired exception stops suppressing, and policies see
//! it (`input.exceptions[].expired`) so the report says so.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Context, Result};
use globset::Glob;
use serde::{Deserialize, Serialize};

use crate::config::exceptions::Exception;
use crate::policy::{Finding, Suppression, SuppressionKind};

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
            .filter(|f| {
                f.suppressed
                    .as_ref()
                    .is_none_or(|s| s.kind == SuppressionKind::Baseline)
            })
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
                    kind: SuppressionKind::Inline,
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
                kind: SuppressionKind::Exception,
                reason: format!("{} (owner {}, until {})", e.reason, e.owner, e.expires),
            });
            continue;
        }
        if known.contains_key(&(f.rule.as_str(), f.fingerprint.as_str())) {
            f.suppressed = Some(Suppression {
                kind: SuppressionKind::Baseline,
                reason: "present in the baseline".into(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::exceptions::parse_exceptions;
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
            fs[1].suppressed.as_ref().map(|s| s.kind),
            Some(SuppressionKind::Exception)
        );
        assert_eq!(
            fs[2].suppressed.as_ref().map(|s| s.kind),
            Some(SuppressionKind::Baseline)
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
