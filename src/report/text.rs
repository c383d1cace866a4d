//! The terminal report, in the order a reviewer needs it: the blocking findings first, then
//! warnings, then notes, then what was suppressed (each group riskiest first, with its count),
//! a summary line that says what was checked, the score's largest contributors, and closing
//! lines that give the verdict, why in one sentence, and what to do next (`gate explain` for the
//! top rule). `-q` keeps only the blocking findings and the closing lines; colour is used on a
//! terminal (`--color auto|always|never`, and `NO_COLOR`).
//!
//! Every string that comes from the change (paths, dependency and resource names, messages
//! that quote them) goes through [`escape`]: it cannot move the cursor, clear the screen,
//! end a line to forge one (a fake `gate: PASS`), or start one with `::` (a workflow command
//! GitHub Actions would run when the report is printed in a plain shell step). Colour codes
//! are gate's own, written around escaped text.

use std::fmt::Write;

use anyhow::Result;

use super::{counted as count, location, Render};
use crate::policy::{Finding, Level, Outcome};

/// Warnings, notes and suppressed findings listed per group; the rest are counted (every
/// finding is in the JSON and SARIF reports). Blocking findings are always all listed.
pub const LISTED_PER_GROUP: usize = 50;

#[derive(Debug, Clone, Copy, Default)]
pub struct TextReport {
    /// ANSI colours (see [`color_wanted`]).
    pub color: bool,
    /// Only the blocking findings and the verdict.
    pub quiet: bool,
}

/// `--color`: when the terminal report uses colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set (to anything but the empty string) or `TERM`
    /// is `dumb`.
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether to colour: `always` and `never` say so; `auto` colours a terminal unless
/// `NO_COLOR` (non-empty, <https://no-color.org>) or `TERM=dumb`.
pub fn color_wanted(
    choice: ColorChoice,
    is_terminal: bool,
    no_color: Option<&std::ffi::OsStr>,
    term: Option<&std::ffi::OsStr>,
) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal && no_color.is_none_or(|v| v.is_empty()) && term.is_none_or(|t| t != "dumb")
        }
    }
}

/// An ANSI style, or nothing without colour.
struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// Makes untrusted text safe for one line of a terminal report: control characters (C0, DEL,
/// C1, which includes the one-byte CSI `\u{9b}`) and the bidirectional overrides of Trojan
/// Source are written as escapes (`\n`, `\x1b`, `\u{202e}`), a backslash as `\\`, and a
/// leading `::` (after any blanks) as `\::`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let lead = s.len() - s.trim_start_matches([' ', '\t']).len();
    for (i, c) in s.char_indices() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ':' if i == lead && s[i..].starts_with("::") => out.push_str("\\:"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if (0x80..0xa0).contains(&(c as u32))
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
                || c == '\u{200e}'
                || c == '\u{200f}'
                || c == '\u{061c}' =>
            {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

impl TextReport {
    fn finding(&self, s: &mut String, f: &Finding, paint: &Paint) -> std::fmt::Result {
        let style = match (&f.suppressed, f.level) {
            (Some(_), _) => "2",
            (None, Level::Error) => "1;31",
            (None, Level::Warning) => "33",
            (None, Level::Note) => "36",
        };
        let sup = f
            .suppressed
            .as_ref()
            .map(|x| format!(" (suppressed by {}: {})", x.kind, escape(&x.reason)))
            .unwrap_or_default();
        writeln!(
            s,
            "  {}  {}  {}  [risk {}]{}",
            paint.wrap(style, &format!("{:<12}", escape(&f.rule))),
            escape(&location(f)),
            escape(&f.message),
            f.risk,
            sup
        )?;
        if let Some(res) = f.resource.as_ref().filter(|_| f.path.is_some()) {
            writeln!(s, "      resource: {}", escape(res))?;
        }
        Ok(())
    }
}

impl Render for TextReport {
    fn render(&self, o: &Outcome) -> Result<String> {
        let mut s = String::new();
        let v = &o.verdict;
        let paint = Paint(self.color);
        if o.facts.change.files.is_empty()
            && o.facts.infra.plans.is_empty()
            && o.errors.is_empty()
            && !self.quiet
        {
            writeln!(s, "gate: nothing to check (the change is empty)")?;
        }
        let super::Groups {
            blocking,
            warnings,
            notes,
            suppressed,
        } = super::groups(&o.findings);
        let groups: [(&str, &str, &[&Finding], bool); 4] = [
            ("Blocking findings", "1;31", &blocking, false),
            ("Warnings", "1;33", &warnings, true),
            ("Notes", "1;36", &notes, true),
            ("Suppressed", "2", &suppressed, true),
        ];
        for (title, style, list, capped) in groups {
            if list.is_empty() || (self.quiet && title != "Blocking findings") {
                continue;
            }
            writeln!(
                s,
                "{}",
                paint.wrap(style, &format!("{title} ({})", list.len()))
            )?;
            let shown = if capped {
                list.len().min(LISTED_PER_GROUP)
            } else {
                list.len()
            };
            for f in &list[..shown] {
                self.finding(&mut s, f, &paint)?;
            }
            if shown < list.len() {
                writeln!(
                    s,
                    "  ... and {} more: --format json or sarif lists every finding",
                    list.len() - shown
                )?;
            }
            writeln!(s)?;
        }
        // Inputs that could not be read are listed even when quiet: they make the verdict.
        if !o.errors.is_empty() {
            writeln!(s, "{}", paint.wrap("1;31", "Could not read"))?;
            for e in &o.errors {
                writeln!(s, "  {e}")?;
            }
            writeln!(s)?;
        }
        if !self.quiet {
            writeln!(
                s,
                "{}, {}, {}, {}{}",
                escape(&super::checked(o)),
                count(blocking.len(), "blocking finding", "blocking findings"),
                count(warnings.len(), "warning", "warnings"),
                count(notes.len(), "note", "notes"),
                if suppressed.is_empty() {
                    String::new()
                } else {
                    format!(", {} suppressed", suppressed.len())
                }
            )?;
            if o.facts.provenance.ai_generated {
                writeln!(
                    s,
                    "AI-authored change: {}",
                    escape(&o.facts.provenance.describe())
                )?;
            }
            if !v.contributors.is_empty() {
                writeln!(s, "score contributors:")?;
                for c in &v.contributors {
                    writeln!(
                        s,
                        "  +{:<3} {} {}",
                        c.get("points").and_then(|x| x.as_u64()).unwrap_or(0),
                        escape(c.get("rule").and_then(|x| x.as_str()).unwrap_or("")),
                        escape(c.get("reason").and_then(|x| x.as_str()).unwrap_or(""))
                    )?;
                }
            }
            for r in &v.reasons {
                writeln!(s, "  - {}", escape(r))?;
            }
        }
        let style = match v.decision.as_str() {
            "pass" => "1;32",
            "warn" => "1;33",
            _ => "1;31",
        };
        writeln!(
            s,
            "{}  risk {}/100 ({})",
            paint.wrap(
                style,
                &format!("gate: {}", v.decision.as_str().to_uppercase())
            ),
            v.score,
            v.band
        )?;
        writeln!(s, "  {}", escape(&super::verdict_sentence(o)))?;
        if let Some(next) = super::next_step(o) {
            let quote = |c: &str| format!("`{}`", escape(c));
            writeln!(s, "  next: {}", next.sentence(quote))?;
            writeln!(s, "  help: {}", escape(&next.explain()))?;
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::Mode;
    use crate::policy::{Decision, Suppression, SuppressionKind};

    fn finding(rule: &str, level: Level, risk: u32, path: &str, line: u32) -> Finding {
        Finding::sample(rule, level, risk, path, line)
    }

    fn outcome(findings: Vec<Finding>, decision: Decision) -> Outcome {
        Outcome::sample(
            Mode::Staged,
            findings,
            decision,
            vec!["a policy's reason".into()],
        )
    }

    /// The report, without the "nothing to check" line these file-less outcomes get.
    fn render(report: TextReport, o: &Outcome) -> String {
        let text = report.render(o).expect("renders");
        text.strip_prefix("gate: nothing to check (the change is empty)\n")
            .unwrap_or(&text)
            .to_string()
    }

    fn mixed() -> Outcome {
        // In path order, as policy evaluation sorts them: notes and warnings before the error.
        let mut sup = finding("GATE-SEC-001", Level::Error, 95, "a/fixture.py", 1);
        sup.suppressed = Some(Suppression {
            kind: SuppressionKind::Inline,
            reason: "fake key".into(),
        });
        outcome(
            vec![
                sup,
                finding("GATE-CHG-001", Level::Warning, 20, "a/x.py", 1),
                finding("GATE-SEC-004", Level::Note, 0, "a/y.md", 2),
                finding("GATE-BLA-002", Level::Warning, 40, "b/z.py", 9),
                finding("GATE-SEC-001", Level::Error, 95, "z/settings.py", 3),
            ],
            Decision::Fail,
        )
    }

    #[test]
    fn blocking_findings_lead_then_warnings_by_risk_then_notes_and_suppressed() {
        let text = render(TextReport::default(), &mixed());
        let at = |needle: &str| {
            text.find(needle)
                .unwrap_or_else(|| panic!("{needle:?} missing:\n{text}"))
        };
        assert!(
            text.starts_with("Blocking findings (1)\n  GATE-SEC-001  z/settings.py:3"),
            "{text}"
        );
        assert!(at("Blocking findings (1)") < at("Warnings (2)"));
        assert!(
            at("GATE-BLA-002  b/z.py:9") < at("GATE-CHG-001  a/x.py:1"),
            "riskier first"
        );
        assert!(at("Warnings (2)") < at("Notes (1)"));
        assert!(at("Notes (1)") < at("Suppressed (1)"));
        assert!(text.contains("(suppressed by inline: fake key)"));
        assert!(text.contains(
            "staged changes: 1 file (+3 -0), 1 blocking finding, 2 warnings, 1 note, 1 suppressed\n"
        ), "{text}");
        let tail: Vec<&str> = text.lines().rev().take(4).collect();
        assert_eq!(
            tail,
            [
                "  help: gate explain GATE-SEC-001",
                "  next: fix the blocking findings, or suppress one with `gate:allow GATE-SEC-001 <reason>` in a comment on its line",
                "  1 blocking finding must be fixed or suppressed before this change can merge.",
                "gate: FAIL  risk 95/100 (critical)",
            ]
        );
        assert!(!text.contains('\x1b'), "no colour unless asked");
    }

    #[test]
    fn quiet_keeps_the_blocking_findings_and_the_verdict() {
        let report = TextReport {
            quiet: true,
            ..TextReport::default()
        };
        let text = render(report, &mixed());
        assert!(
            !text.contains("Warnings") && !text.contains("Notes") && !text.contains("Suppressed")
        );
        assert!(!text.contains("staged changes") && !text.contains("a policy's reason"));
        assert!(text.contains("  GATE-SEC-001  z/settings.py:3"));
        assert!(text.contains("gate: FAIL  risk 95/100 (critical)"));
    }

    #[test]
    fn colour_marks_levels_and_the_verdict() {
        let report = TextReport {
            color: true,
            ..TextReport::default()
        };
        let text = render(report, &mixed());
        assert!(
            text.contains("\x1b[1;31mBlocking findings (1)\x1b[0m"),
            "{text}"
        );
        assert!(
            text.contains("\x1b[1;31mgate: FAIL\x1b[0m  risk 95/100"),
            "{text}"
        );
        assert!(text.contains("\x1b[33mGATE-BLA-002"), "{text}");
    }

    #[test]
    fn long_groups_are_counted_past_the_limit_but_blocking_ones_never() {
        let mut fs: Vec<Finding> = (0..120)
            .map(|i| finding("GATE-CHG-001", Level::Warning, 20, "w.py", i + 1))
            .collect();
        fs.extend((0..60).map(|i| finding("GATE-SEC-001", Level::Error, 95, "e.py", i + 1)));
        let text = render(TextReport::default(), &outcome(fs, Decision::Fail));
        assert_eq!(text.matches("  GATE-SEC-001  e.py:").count(), 60);
        assert_eq!(
            text.matches("  GATE-CHG-001  w.py:").count(),
            LISTED_PER_GROUP
        );
        assert!(text.contains(&format!(
            "  ... and {} more: --format json or sarif lists every finding",
            120 - LISTED_PER_GROUP
        )));
        assert!(text.contains("60 blocking findings must be fixed"));
    }

    #[test]
    fn the_sentence_follows_the_decision_and_the_plurals_the_counts() {
        let warn = outcome(
            vec![finding("GATE-BLA-002", Level::Warning, 40, "b.py", 1)],
            Decision::Warn,
        );
        let text = render(TextReport::default(), &warn);
        assert!(text.contains("no blocking finding, but 1 warning raises the risk to 95/100 (critical): review it"), "{text}");
        assert!(text.contains(
            "  next: review the warnings, or suppress one with `gate:allow GATE-BLA-002"
        ));
        let mut clean = outcome(Vec::new(), Decision::Pass);
        clean.facts.change.stats.files = 2;
        clean.facts.change.mode = Mode::Range;
        clean.facts.change.base = Some("0123456789abcdef0123".into());
        clean.facts.change.head = Some("fedcba9876543210fedc".into());
        let text = render(TextReport::default(), &clean);
        assert!(text.contains("commits 0123456789ab..fedcba987654: 2 files (+3 -0), 0 blocking findings, 0 warnings, 0 notes\n"), "{text}");
        assert!(text.ends_with("  no findings.\n"), "{text}");
        assert!(!text.contains("next:"));
    }

    #[test]
    fn the_summary_line_fits_the_mode_whole_tree_and_plans_only() {
        let mut all = outcome(Vec::new(), Decision::Pass);
        all.facts.change.mode = Mode::All;
        all.facts.change.stats.files = 3;
        all.facts.change.stats.additions = 0;
        let text = render(TextReport::default(), &all);
        assert!(
            text.contains(
                "the whole tree (--all): 3 files, 0 blocking findings, 0 warnings, 0 notes\n"
            ),
            "{text}"
        );
        let mut plans = outcome(Vec::new(), Decision::Pass);
        plans.facts.change.mode = Mode::None;
        let mut plan = crate::infra::Plan::default();
        plan.summary.replace = 1;
        plans.facts.infra.plans.push(plan);
        let text = render(TextReport::default(), &plans);
        assert!(
            text.contains("\n1 plan (1 replace), 0 blocking findings, 0 warnings, 0 notes\n")
                || text.starts_with("1 plan (1 replace), 0 blocking findings"),
            "{text}"
        );
        assert!(!text.contains("plans only"), "{text}");
        let empty = crate::infra::Plan {
            path: "b.json".into(),
            ..Default::default()
        };
        plans.facts.infra.plans.push(empty);
        let text = render(TextReport::default(), &plans);
        assert!(text.contains("2 plans (1 replace), 0 blocking"), "{text}");
        plans.facts.infra.plans.remove(0);
        let text = render(TextReport::default(), &plans);
        assert!(text.contains("1 plan (no changes), 0 blocking"), "{text}");
    }

    #[test]
    fn a_finding_without_a_line_is_accepted_with_an_exception() {
        let mut f = finding("GATE-INF-002", Level::Error, 90, "plan.json", 1);
        f.line = None;
        f.resource = Some("aws_db_instance.main".into());
        let text = render(TextReport::default(), &outcome(vec![f], Decision::Fail));
        assert!(
            text.contains("  next: fix the blocking findings, or accept one with an entry in `.gate-exceptions.yaml` (rule `GATE-INF-002`, a reason, an owner and an expiry date)\n  help: gate explain GATE-INF-002\n"),
            "{text}"
        );
    }

    #[test]
    fn colour_follows_the_choice_the_terminal_and_no_color() {
        use std::ffi::OsStr;
        let auto = ColorChoice::Auto;
        assert!(color_wanted(auto, true, None, Some(OsStr::new("xterm"))));
        assert!(!color_wanted(auto, false, None, None), "not a terminal");
        assert!(
            !color_wanted(auto, true, Some(OsStr::new("1")), None),
            "NO_COLOR"
        );
        assert!(
            color_wanted(auto, true, Some(OsStr::new("")), None),
            "empty NO_COLOR"
        );
        assert!(!color_wanted(auto, true, None, Some(OsStr::new("dumb"))));
        assert!(color_wanted(
            ColorChoice::Always,
            false,
            Some(OsStr::new("1")),
            None
        ));
        assert!(!color_wanted(ColorChoice::Never, true, None, None));
    }

    #[test]
    fn escaping_neutralises_terminal_controls_and_workflow_commands() {
        assert_eq!(escape("plain path/a.py:3"), "plain path/a.py:3");
        assert_eq!(escape("a\nb\rc\td"), "a\\nb\\rc\\td");
        assert_eq!(escape("x\u{1b}[2J"), "x\\x1b[2J");
        assert_eq!(escape("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(escape("\u{7f}\u{0}"), "\\x7f\\x00");
        assert_eq!(escape("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(escape("::warning::x"), "\\::warning::x");
        assert_eq!(escape("  ::error::x"), "  \\::error::x");
        assert_eq!(escape("a ::b"), "a ::b");
        assert_eq!(escape("back\\slash"), "back\\\\slash");
        assert_eq!(escape("café ✓"), "café ✓");
        // The escape of a newline cannot be confused with a real backslash-n.
        assert_ne!(escape("a\\nb"), escape("a\nb"));
    }
}
