//! Suppressions with accountability: inline `gate:allow RULE reason` comments (read by
//! [`crate::allow`], which says which lines they cover), an exceptions
//! file whose entries carry a reason, an owner and an expiry date, and a baseline of known
//! findings (`gate baseline`). A suppressed finding stays in every report, marked, and no
//! longer counts toward the verdict. An expired exception stops suppressing, and policies see
//! it (`input.exceptions[].expired`) so the report says so.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Context, Result};
use globset::Glob;
use serde::{Deserialize, Serialize};

use crate::allow::{self, AllowComment};
use crate::config::exceptions::{parse_exceptions, Exception};
use crate::policy::{Finding, RuleMeta, Suppression, SuppressionKind};

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

/// The reason of a `gate:allow` in `line` that suppresses `rule`. With `standalone_only`, only
/// an allow whose comment stands alone on the line counts (the line above a finding).
fn allowed_by(line: &str, rule: &str, standalone_only: bool) -> Option<String> {
    allow::parse(line)
        .into_iter()
        .find(|a| (a.standalone || !standalone_only) && a.suppresses(rule))
        .map(|a| a.reason)
}

/// The line holding the `gate:allow` that suppresses `rule` at `line`, and its reason: the
/// line itself, or the line above when the comment stands alone on it ([`crate::allow`]).
pub fn allow_for(
    rule: &str,
    line: u32,
    mut text: impl FnMut(u32) -> Option<String>,
) -> Option<(u32, String)> {
    if let Some(reason) = text(line).and_then(|t| allowed_by(&t, rule, false)) {
        return Some((line, reason));
    }
    let above = line.checked_sub(1).filter(|&l| l > 0)?;
    text(above)
        .and_then(|t| allowed_by(&t, rule, true))
        .map(|reason| (above, reason))
}

/// The declared rule id nearest to `id`, for "did you mean": the same id in another case, the
/// id with the `GATE-` prefix it lacks, or one within a small edit distance (at most 3, and
/// less than half the id). Ties go to the first id in order, so the hint is deterministic.
pub fn did_you_mean<'a>(id: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let want = id.trim().to_ascii_uppercase();
    if want.is_empty() {
        return None;
    }
    let prefixed = format!("GATE-{want}");
    let mut best: Option<(usize, &str)> = None;
    for k in known {
        let have = k.to_ascii_uppercase();
        if have == want || have == prefixed {
            return Some(k);
        }
        let d = strsim::damerau_levenshtein(&want, &have);
        if d <= 3 && d * 2 < want.len().max(have.len()) && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
}

/// Fills `known` and `suggestion` of the allow comments from the rules the policies declare.
pub fn mark_known(comments: &mut [AllowComment], rules: &BTreeMap<String, RuleMeta>) {
    for c in comments {
        let known = c.rule.eq_ignore_ascii_case("all")
            || rules.keys().any(|k| k.eq_ignore_ascii_case(&c.rule));
        c.known = Some(known);
        c.suggestion = if known {
            None
        } else {
            did_you_mean(&c.rule, rules.keys().map(String::as_str)).map(str::to_string)
        };
    }
}

/// Where the rule ids of a run's settings were read from, to name them in errors.
#[derive(Debug, Clone, Default)]
pub struct RuleIdSources<'a> {
    /// The configuration file and its `disable:` list.
    pub config: (&'a str, &'a [String]),
    /// The exceptions file and its entries.
    pub exceptions: (&'a str, &'a [Exception]),
    /// The baseline file and its entries.
    pub baseline: Option<(&'a str, &'a Baseline)>,
}

/// Every rule id the settings name must be a rule some loaded policy declares: `disable:
/// [GATE-SEC-01]` or an exception for `gate-sec-001` would otherwise switch nothing off, or
/// suppress nothing, without a word. The error names each file, key and id, with the
/// nearest declared id.
pub fn check_rule_ids(sources: &RuleIdSources, rules: &BTreeMap<String, RuleMeta>) -> Result<()> {
    let mut problems = Vec::new();
    let mut check = |file: &str, key: String, id: &str| {
        if rules.contains_key(id) {
            return;
        }
        let hint = match did_you_mean(id, rules.keys().map(String::as_str)) {
            Some(s) => format!(" (did you mean {s}?)"),
            None => String::new(),
        };
        problems.push(format!(
            "{file}: {key}: no loaded policy declares rule {id:?}{hint}"
        ));
    };
    let (file, disable) = sources.config;
    for (i, id) in disable.iter().enumerate() {
        check(file, format!("disable[{i}]"), id);
    }
    let (file, exceptions) = sources.exceptions;
    for (i, e) in exceptions.iter().enumerate() {
        check(file, format!("exception {} rule", i + 1), &e.rule);
    }
    if let Some((file, b)) = sources.baseline {
        for (i, e) in b.findings.iter().enumerate() {
            check(file, format!("findings[{i}].rule"), &e.rule);
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    bail!(
        "unknown rule id{} in the settings:\n  {}\n`gate rules` lists the rule ids",
        if problems.len() == 1 { "" } else { "s" },
        problems.join("\n  ")
    )
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
            let allow = allow_for(&f.rule, line, |l| line_text(&path, l));
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
            let here = allow_for(&f.rule, line, |l| added_line(path, l));
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
            message: "m".into(),
            fingerprint: format!("fp-{rule}-{path}"),
            ..Finding::sample(rule, Level::Error, 90, path, line)
        }
    }

    fn suppressed_by(lines: &[&str], at: u32) -> Option<String> {
        let mut fs = vec![finding("GATE-SEC-001", "a.py", at)];
        apply(
            &mut fs,
            &[],
            None,
            |_, l| {
                lines
                    .get(usize::try_from(l).ok()? - 1)
                    .map(|s| s.to_string())
            },
            |_, _, _| false,
        );
        fs.pop().and_then(|f| f.suppressed).map(|s| {
            assert_eq!(s.kind, SuppressionKind::Inline);
            s.reason
        })
    }

    #[test]
    fn an_allow_covers_its_own_line() {
        let lines = ["k = 'AKIA' # gate:allow GATE-SEC-001 test fixture key"];
        assert_eq!(
            suppressed_by(&lines, 1).as_deref(),
            Some("test fixture key")
        );
        let lines = ["k = 'AKIA' # gate:allow gate-sec-001 case does not matter"];
        assert!(suppressed_by(&lines, 1).is_some());
        let lines = ["/* gate:allow all vendored */ k = 'AKIA'"];
        assert_eq!(suppressed_by(&lines, 1).as_deref(), Some("vendored"));
    }

    #[test]
    fn a_trailing_allow_does_not_reach_the_next_line() {
        let lines = [
            "a = 1  # gate:allow GATE-SEC-001 the fixture below",
            "k = 'AKIA'",
        ];
        assert_eq!(suppressed_by(&lines, 2), None);
    }

    #[test]
    fn an_allow_alone_on_the_line_above_covers_the_next_line_only() {
        let lines = [
            "    # gate:allow GATE-SEC-001 emulator key",
            "    k = 'AKIA'",
            "    k2 = 'AKIA'",
        ];
        assert_eq!(suppressed_by(&lines, 2).as_deref(), Some("emulator key"));
        assert_eq!(suppressed_by(&lines, 3), None);
    }

    #[test]
    fn an_allow_without_reason_or_for_another_rule_suppresses_nothing() {
        assert_eq!(
            suppressed_by(&["k = 'AKIA' # gate:allow GATE-SEC-001"], 1),
            None
        );
        assert_eq!(
            suppressed_by(&["k = 'AKIA' # gate:allow GATE-SEC-002 other rule"], 1),
            None
        );
        assert_eq!(
            suppressed_by(
                &["s = \"# gate:allow GATE-SEC-001 in a string\" + 'AKIA'"],
                1
            ),
            None
        );
    }

    fn rules(ids: &[&str]) -> BTreeMap<String, RuleMeta> {
        ids.iter()
            .map(|id| (id.to_string(), RuleMeta::default()))
            .collect()
    }

    #[test]
    fn did_you_mean_finds_the_nearest_declared_id() {
        let ids = ["GATE-SEC-001", "GATE-SEC-002", "GATE-BLA-005"];
        let dym = |id: &str| did_you_mean(id, ids);
        assert_eq!(dym("GATE-SEC-01"), Some("GATE-SEC-001"));
        assert_eq!(dym("gate-sec-002"), Some("GATE-SEC-002"));
        assert_eq!(dym("SEC-001"), Some("GATE-SEC-001"));
        assert_eq!(dym("GATE-BAL-005"), Some("GATE-BLA-005"));
        assert_eq!(dym("GATE-SEC-0001"), Some("GATE-SEC-001"));
        assert_eq!(dym("ACME-042"), None);
        assert_eq!(dym(""), None);
    }

    #[test]
    fn allow_comments_learn_whether_their_rule_exists() {
        let mut cs = vec![
            AllowComment {
                path: "a.py".into(),
                line: 1,
                rule: "GATE-SEC-01".into(),
                reason: "r".into(),
                next_line: false,
                known: None,
                suggestion: None,
            };
            3
        ];
        cs[1].rule = "all".into();
        cs[2].rule = "gate-sec-001".into();
        mark_known(&mut cs, &rules(&["GATE-SEC-001"]));
        assert_eq!(cs[0].known, Some(false));
        assert_eq!(cs[0].suggestion.as_deref(), Some("GATE-SEC-001"));
        assert_eq!((cs[1].known, cs[2].known), (Some(true), Some(true)));
        assert_eq!(cs[2].suggestion, None);
    }

    #[test]
    fn unknown_rule_ids_in_the_settings_are_errors_naming_file_and_key() {
        let known = rules(&["GATE-SEC-001", "GATE-CHG-002"]);
        let disable = vec!["GATE-CHG-002".to_string(), "GATE-CHG-02".to_string()];
        let ex = parse_exceptions(
            "- rule: gate-sec-001\n  reason: r\n  owner: o\n  expires: 2999-01-01\n",
            "x",
            "2026-01-01",
        )
        .expect("parses");
        let base = Baseline::from_findings(&[finding("ACME-9", "a.py", 1)]);
        let sources = RuleIdSources {
            config: (".gate.yaml", &disable),
            exceptions: (".gate-exceptions.yaml", &ex),
            baseline: Some((".gate-baseline.json", &base)),
        };
        let err = format!(
            "{:#}",
            check_rule_ids(&sources, &known).expect_err("unknown ids")
        );
        assert!(
            err.contains(".gate.yaml: disable[1]: no loaded policy declares rule \"GATE-CHG-02\" (did you mean GATE-CHG-002?)"),
            "{err}"
        );
        assert!(
            err.contains(".gate-exceptions.yaml: exception 1 rule: no loaded policy declares rule \"gate-sec-001\" (did you mean GATE-SEC-001?)"),
            "{err}"
        );
        assert!(
            err.contains(".gate-baseline.json: findings[0].rule: no loaded policy declares rule \"ACME-9\"\n"),
            "{err}"
        );
        assert!(!err.contains("disable[0]"), "{err}");
        let fine = RuleIdSources {
            config: (".gate.yaml", &disable[..1]),
            ..RuleIdSources::default()
        };
        assert!(check_rule_ids(&fine, &known).is_ok());
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
