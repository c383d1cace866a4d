//! Rendering an outcome. The library prints nothing itself: every format is one
//! implementation of [`Render`], producing a string the binary writes where it was told.
//! No renderer has access to a secret value: findings and facts carry redacted values only.

pub mod codequality;
pub mod github;
pub mod json;
pub mod junit;
pub mod linehash;
pub mod markdown;
pub mod sarif;
pub mod text;

use anyhow::Result;

use crate::change::Mode;
use crate::policy::{Decision, Finding, Level, Outcome};

pub trait Render {
    fn render(&self, outcome: &Outcome) -> Result<String>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Markdown,
    Github,
    /// `key=value` lines for $GITHUB_OUTPUT: decision, risk-score, band, findings.
    Outputs,
    /// JUnit XML: a failing test case per blocking finding (Jenkins, Azure DevOps, GitLab).
    Junit,
    /// GitLab Code Quality JSON (merge request widget and diff annotations).
    Codequality,
}

pub fn render(format: Format, outcome: &Outcome) -> Result<String> {
    match format {
        Format::Text => text::TextReport::default().render(outcome),
        Format::Json => json::JsonReport.render(outcome),
        Format::Sarif => sarif::SarifReport.render(outcome),
        Format::Markdown => markdown::MarkdownReport.render(outcome),
        Format::Github => github::GithubReport.render(outcome),
        Format::Junit => junit::JunitReport.render(outcome),
        Format::Codequality => codequality::CodeQualityReport.render(outcome),
        Format::Outputs => {
            let (e, w, n) = counts(&outcome.findings);
            Ok(format!(
                "decision={}\nrisk-score={}\nband={}\nfindings={}\nerrors={e}\nwarnings={w}\nnotes={n}\nunreadable={}\n",
                outcome.verdict.decision,
                outcome.verdict.score,
                outcome.verdict.band,
                e + w + n,
                outcome.errors.len()
            ))
        }
    }
}

/// Counts of active (unsuppressed) findings by level.
pub fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    let active = findings.iter().filter(|f| f.suppressed.is_none());
    active.fold((0, 0, 0), |(e, w, n), f| match f.level {
        Level::Error => (e + 1, w, n),
        Level::Warning => (e, w + 1, n),
        Level::Note => (e, w, n + 1),
    })
}

/// Findings as reviewers read them: unsuppressed blocking findings, warnings and notes, then
/// the suppressed ones; riskiest first within each group, then by place for a stable order.
pub struct Groups<'a> {
    pub blocking: Vec<&'a Finding>,
    pub warnings: Vec<&'a Finding>,
    pub notes: Vec<&'a Finding>,
    pub suppressed: Vec<&'a Finding>,
}

pub fn groups(findings: &[Finding]) -> Groups<'_> {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by(|a, b| {
        (std::cmp::Reverse(a.risk), &a.path, a.line, &a.rule).cmp(&(
            std::cmp::Reverse(b.risk),
            &b.path,
            b.line,
            &b.rule,
        ))
    });
    let active = |l: Level| -> Vec<&Finding> {
        sorted
            .iter()
            .copied()
            .filter(|f| f.suppressed.is_none() && f.level == l)
            .collect()
    };
    Groups {
        blocking: active(Level::Error),
        warnings: active(Level::Warning),
        notes: active(Level::Note),
        suppressed: sorted
            .iter()
            .copied()
            .filter(|f| f.suppressed.is_some())
            .collect(),
    }
}

/// `path:line:col`, or the resource, or `-`.
pub fn location(f: &Finding) -> String {
    match (&f.path, f.line, f.column) {
        (Some(p), Some(l), Some(c)) => format!("{p}:{l}:{c}"),
        (Some(p), Some(l), None) => format!("{p}:{l}"),
        (Some(p), None, _) => p.clone(),
        (None, _, _) => f.resource.clone().unwrap_or_else(|| "-".to_string()),
    }
}

/// `1 file`, `2 files`.
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `2 plans (1 create, 3 update, 1 delete)` (only the actions that occur; `no changes` when
/// none does), or nothing without plans.
pub fn plans_summary(o: &Outcome) -> String {
    let plans = &o.facts.infra.plans;
    if plans.is_empty() {
        return String::new();
    }
    let (mut c, mut u, mut d, mut r) = (0, 0, 0, 0);
    for p in plans {
        c += p.summary.create;
        u += p.summary.update;
        d += p.summary.delete;
        r += p.summary.replace;
    }
    let actions: Vec<String> = [(c, "create"), (u, "update"), (d, "delete"), (r, "replace")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, a)| format!("{n} {a}"))
        .collect();
    format!(
        "{} ({})",
        counted(plans.len(), "plan", "plans"),
        if actions.is_empty() {
            "no changes".to_string()
        } else {
            actions.join(", ")
        }
    )
}

/// What was checked, per input mode, unescaped: `staged changes: 1 file (+5 -0)`,
/// `commits 0123456789ab..fedcba987654: ...`, `the whole tree (--all): 40 files`,
/// `1 plan (1 delete)`; plans checked with a change follow it (`, 1 plan (...)`), and the
/// analyzers that did not run end it.
pub fn checked(o: &Outcome) -> String {
    let c = &o.facts.change;
    let short = |r: &Option<String>| {
        r.as_deref()
            .map(|r| r.chars().take(12).collect())
            .unwrap_or_else(|| "?".to_string())
    };
    let plans = plans_summary(o);
    let st = &c.stats;
    let files = counted(st.files, "file", "files");
    // `--all` reads whole files: they have no added or removed lines to count.
    let lines = format!(" (+{} -{})", st.additions, st.deletions);
    let what = match c.mode {
        Mode::None if plans.is_empty() => return format!("0 plans{}", not_run(o)),
        Mode::None => return format!("{plans}{}", not_run(o)),
        Mode::Staged => format!("staged changes: {files}{lines}"),
        Mode::Range => format!(
            "commits {}..{}: {files}{lines}",
            short(&c.base),
            short(&c.head)
        ),
        Mode::Diff => format!("the diff: {files}{lines}"),
        Mode::All => format!("the whole tree (--all): {files}"),
    };
    let what = if plans.is_empty() {
        what
    } else {
        format!("{what}, {plans}")
    };
    format!("{what}{}", not_run(o))
}

/// ` [not run: telemetry (--skip telemetry), production (needs telemetry)]` when analyzers
/// were left out (`coverage.analyzers`), else empty: what was checked never hides what was
/// not. Each reason follows the last of a run of analyzers it applies to, as GATE-COV-006
/// words it.
fn not_run(o: &Outcome) -> String {
    let not_run = &o.facts.coverage.analyzers.not_run;
    if not_run.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = not_run
        .iter()
        .enumerate()
        .map(|(i, n)| match not_run.get(i + 1) {
            Some(next) if next.reason == n.reason => n.analyzer.name().to_string(),
            _ => format!("{} ({})", n.analyzer, n.reason),
        })
        .collect();
    format!(" [not run: {}]", parts.join(", "))
}

/// The verdict in one sentence, from the decision and the counts (unescaped: a policy's
/// reason may be quoted).
pub fn verdict_sentence(o: &Outcome) -> String {
    let (blocking, warnings, notes) = counts(&o.findings);
    let v = &o.verdict;
    match v.decision {
        Decision::Fail if blocking > 0 => format!(
            "{} must be fixed or suppressed before this change can merge.",
            counted(blocking, "blocking finding", "blocking findings")
        ),
        Decision::Fail => format!(
            "risk {}/100 reaches the fail threshold (thresholds.fail_on_score is set), with {}.",
            v.score,
            counted(warnings, "warning", "warnings")
        ),
        Decision::Warn => format!(
            "no blocking finding, but {} the risk to {}/100 ({}): review {} before merging.",
            counted(warnings, "warning raises", "warnings raise"),
            v.score,
            v.band,
            if warnings == 1 { "it" } else { "them" }
        ),
        Decision::Pass if warnings > 0 => format!(
            "no blocking finding; {} to review.",
            counted(warnings, "warning", "warnings")
        ),
        Decision::Pass if notes > 0 => format!(
            "no blocking finding or warning; {} for information.",
            counted(notes, "note", "notes")
        ),
        Decision::Pass => "no findings.".to_string(),
        Decision::Error if !o.errors.is_empty() => format!(
            "{} (listed above): the rest was checked, but nothing passes until gate can read {}.",
            counted(
                o.errors.len(),
                "input could not be read",
                "inputs could not be read"
            ),
            if o.errors.len() == 1 { "it" } else { "them" }
        ),
        Decision::Error => v
            .reasons
            .first()
            .cloned()
            .unwrap_or_else(|| "gate could not decide.".into()),
    }
}

/// What to do next, and the rule to read about: the riskiest blocking finding's, else the
/// riskiest warning's.
pub struct NextStep<'a> {
    pub top: &'a Finding,
    fix: &'static str,
}

impl NextStep<'_> {
    /// `fix the blocking findings, or suppress one with `gate:allow ID <reason>` in a comment
    /// on its line`; `quote` renders a command or an id for the format (escaped, as code). A
    /// finding on a line is suppressed by a comment there, any other (a file, a plan's
    /// resource) by an exception.
    pub fn sentence(&self, quote: impl Fn(&str) -> String) -> String {
        let rule = &self.top.rule;
        let how = if self.top.line.is_some() && self.top.resource.is_none() {
            format!(
                "suppress one with {} in a comment on its line",
                quote(&format!("gate:allow {rule} <reason>"))
            )
        } else {
            format!(
                "accept one with an entry in {} (rule {}, a reason, an owner and an expiry date)",
                quote(crate::paths::table::EXCEPTIONS_FILE),
                quote(rule)
            )
        };
        format!("{}, or {how}", self.fix)
    }

    /// `gate explain ID`.
    pub fn explain(&self) -> String {
        format!("gate explain {}", self.top.rule)
    }
}

/// The next step, or `None` without a blocking finding or a warning.
pub fn next_step(o: &Outcome) -> Option<NextStep<'_>> {
    let g = groups(&o.findings);
    let top = g.blocking.first().or(g.warnings.first())?;
    Some(NextStep {
        top,
        fix: if g.blocking.is_empty() {
            "review the warnings"
        } else {
            "fix the blocking findings"
        },
    })
}
