//! Suppressions with accountability: inline `gate:allow RULE reason` comments, an exceptions
//! file whose entries carry a reason, an owner and an expiry date, and a baseline of known
//! findings (`gate baseline`). A suppressed finding stays in every report, marked, and no
//! longer counts toward the verdict. An expired exception stops suppressing, and policies see
//! it (`input.exceptions[].expired`) so the report says so.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Context, Result};
use globset::Glob;
use serde::{Deserialize, Serialize};

use crate::config::exceptions::{parse_exceptions, Exception};
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

/// Marks suppressed findings. `line_text(path, line)` returns a line of the changed file;
/// `self_allowed(rule, path, line)` says that a `gate:allow` on that line does not count (the
/// strict profile: an AI-authored change cannot allow its own finding in a comment it adds).
pub fn apply(
    findings: &mut [Finding],
    exceptions: &[Exception],
    baseline: Option<&Baseline>,
    mut line_text: impl FnMut(&str, u32) -> Option<String>,
    self_allowed: impl Fn(&str, &str, u32) -> bool,
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
        if let (Some(path), Some(line), true) =
            (f.path.clone(), f.line, inline_suppressible(&f.rule))
        {
            let here = line_text(&path, line);
            let above = if line > 1 {
                line_text(&path, line - 1)
            } else {
                None
            };
            let allow = [(line, here), (line.saturating_sub(1), above)]
                .into_iter()
                .find_map(|(n, t)| t.and_then(|t| inline_allow(&t, &f.rule)).map(|r| (n, r)));
            if let Some((at, reason)) = allow {
                if self_allowed(&f.rule, &path, at) {
                    f.message.push_str(
                        " (its gate:allow comment was added by this AI-authored change: the strict profile does not honour it)",
                    );
                } else {
                    f.suppressed = Some(Suppression {
                        kind: SuppressionKind::Inline,
                        reason,
                    });
                    continue;
                }
            }
        }
        let exception = exceptions
            .iter()
            .zip(&globs)
            .find(|(e, g)| !e.expired && exception_matches(e, g.as_ref(), f));
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

/// Whether a finding may be suppressed by an inline comment. Governance findings may not:
/// they report the change to the gate's own files, and the comment would sit in the very
/// file the change edits (`# gate:allow GATE-GOV-001` in the weakened `.gate.yaml`).
pub fn inline_suppressible(rule: &str) -> bool {
    !rule.starts_with("GATE-GOV-")
}

fn exception_matches(e: &Exception, glob: Option<&globset::GlobMatcher>, f: &Finding) -> bool {
    e.rule == f.rule
        && glob.is_none_or(|g| f.path.as_deref().is_some_and(|p| g.is_match(p)))
        && e.resource
            .as_ref()
            .is_none_or(|r| f.resource.as_deref() == Some(r.as_str()))
        && e.fingerprint.as_ref().is_none_or(|fp| *fp == f.fingerprint)
}

/// A suppression the change under review made for one of its own findings
/// (`input.governance.self_suppressions`, reported by GATE-GOV-003).
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct SelfSuppression {
    pub kind: SuppressionKind,
    /// The suppressed finding: its rule, place and fingerprint.
    pub rule: String,
    pub path: Option<String>,
    pub line: Option<u32>,
    pub finding: String,
    /// Where the suppression is: the added line with the comment, or the file and line of
    /// the new exception or baseline entry.
    pub at_path: String,
    pub at_line: u32,
    pub reason: String,
}

/// The exceptions and baseline entries the change adds (in its post-image and not in its
/// pre-image), each with the line of the file that holds it.
#[derive(Debug, Clone, Default)]
pub struct Added {
    exceptions: Vec<(Exception, u32)>,
    exceptions_file: String,
    baseline: Vec<(BaselineEntry, u32)>,
    baseline_file: String,
}

/// What the change adds to the exceptions file and the baseline. Read whether or not they are
/// in force for this run (with `--base` they are read from the base revision): once merged,
/// they will be. Unparsable files add nothing here (when they are in force, loading them
/// fails the run).
pub fn added_by_change(
    cs: &crate::change::ChangeSet,
    exceptions_file: &str,
    baseline_file: &str,
    today: &str,
) -> Added {
    use crate::change::FileStatus;
    let mut out = Added {
        exceptions_file: exceptions_file.to_string(),
        baseline_file: baseline_file.to_string(),
        ..Added::default()
    };
    let changed = |name: &str| {
        cs.files
            .iter()
            .find(|f| f.path == name && f.status != FileStatus::Deleted && !f.whole_file)
    };
    let text = |snap: &crate::change::Snapshot, name: &str| -> Option<String> {
        snap.read(name)
            .ok()
            .flatten()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    };
    let line_of = |post: &str, needle: &str, added: &[u32]| -> u32 {
        post.lines()
            .enumerate()
            .map(|(i, l)| (u32::try_from(i + 1).unwrap_or(u32::MAX), l))
            .filter(|(_, l)| l.contains(needle))
            .map(|(n, _)| n)
            .find(|n| added.is_empty() || added.contains(n))
            .unwrap_or(1)
    };
    if let Some(f) = changed(exceptions_file) {
        let added: Vec<u32> = f.added_lines().map(|l| l.line).collect();
        if let Some(post) = text(&cs.post, exceptions_file) {
            let before = text(&cs.pre, exceptions_file)
                .and_then(|t| parse_exceptions(&t, exceptions_file, today).ok())
                .unwrap_or_default();
            if let Ok(after) = parse_exceptions(&post, exceptions_file, today) {
                for e in after {
                    if !e.expired && !before.contains(&e) {
                        let at = line_of(&post, &e.rule, &added);
                        out.exceptions.push((e, at));
                    }
                }
            }
        }
    }
    if let Some(f) = changed(baseline_file) {
        let added: Vec<u32> = f.added_lines().map(|l| l.line).collect();
        if let Some(post) = text(&cs.post, baseline_file) {
            let before: BTreeSet<BaselineEntry> = text(&cs.pre, baseline_file)
                .and_then(|t| Baseline::parse(&t, baseline_file).ok())
                .map(|b| b.findings.into_iter().collect())
                .unwrap_or_default();
            if let Ok(after) = Baseline::parse(&post, baseline_file) {
                for e in after.findings {
                    if !before.contains(&e) {
                        let at = line_of(&post, &e.fingerprint, &added);
                        out.baseline.push((e, at));
                    }
                }
            }
        }
    }
    out
}

/// The suppressions the change made for its own findings: an inline allow on a line it adds
/// (`added_line(path, line)` gives the added line's text, `None` for any other line), or a
/// new exception or baseline entry that matches the finding (in force or not yet).
pub fn self_suppressions(
    findings: &[Finding],
    added: &Added,
    mut added_line: impl FnMut(&str, u32) -> Option<String>,
) -> Vec<SelfSuppression> {
    let globs: Vec<Option<globset::GlobMatcher>> = added
        .exceptions
        .iter()
        .map(|(e, _)| {
            e.path
                .as_ref()
                .and_then(|p| Glob::new(p).ok())
                .map(|g| g.compile_matcher())
        })
        .collect();
    let mut out = Vec::new();
    for f in findings.iter().filter(|f| inline_suppressible(&f.rule)) {
        let own = |kind, at_path: &str, at_line, reason: String| SelfSuppression {
            kind,
            rule: f.rule.clone(),
            path: f.path.clone(),
            line: f.line,
            finding: f.fingerprint.clone(),
            at_path: at_path.to_string(),
            at_line,
            reason,
        };
        if let (Some(path), Some(line), Some(SuppressionKind::Inline)) = (
            f.path.as_deref(),
            f.line,
            f.suppressed.as_ref().map(|s| s.kind),
        ) {
            let here = [line, line.saturating_sub(1)]
                .into_iter()
                .filter(|&l| l > 0)
                .find_map(|l| {
                    added_line(path, l)
                        .and_then(|t| inline_allow(&t, &f.rule))
                        .map(|r| (l, r))
                });
            if let Some((at, reason)) = here {
                out.push(own(SuppressionKind::Inline, path, at, reason));
                continue;
            }
        }
        if let Some(((e, at), _)) = added
            .exceptions
            .iter()
            .zip(&globs)
            .find(|((e, _), g)| exception_matches(e, g.as_ref(), f))
        {
            out.push(own(
                SuppressionKind::Exception,
                &added.exceptions_file,
                *at,
                e.reason.clone(),
            ));
            continue;
        }
        if let Some((_, at)) = added
            .baseline
            .iter()
            .find(|(e, _)| e.rule == f.rule && e.fingerprint == f.fingerprint)
        {
            out.push(own(
                SuppressionKind::Baseline,
                &added.baseline_file,
                *at,
                "accepted by a baseline written on the change".to_string(),
            ));
        }
    }
    out.sort();
    out.dedup();
    out
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
        apply(&mut fs, &ex, Some(&base), |_, _| None, |_, _, _| false);
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
    fn self_added_allows_can_be_refused() {
        let mut fs = vec![
            finding("GATE-AI-005", "a.py", 3),
            finding("GATE-AI-005", "b.py", 3),
        ];
        let text = |p: &str, _| Some(format!("x = 1  # gate:allow GATE-AI-005 fine in {p}"));
        apply(&mut fs, &[], None, text, |_, p, _| p == "a.py");
        assert!(fs[0].suppressed.is_none());
        assert!(
            fs[0].message.contains("does not honour it"),
            "{}",
            fs[0].message
        );
        assert_eq!(
            fs[1].suppressed.as_ref().map(|s| s.kind.as_str()),
            Some("inline")
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
