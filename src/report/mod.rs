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

use crate::policy::{Finding, Level, Outcome};

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

/// `path:line:col`, or the resource, or `-`.
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

pub fn location(f: &Finding) -> String {
    match (&f.path, f.line, f.column) {
        (Some(p), Some(l), Some(c)) => format!("{p}:{l}:{c}"),
        (Some(p), Some(l), None) => format!("{p}:{l}"),
        (Some(p), None, _) => p.clone(),
        (None, _, _) => f.resource.clone().unwrap_or_else(|| "-".to_string()),
    }
}

/// `, 2 plans (1 create, 3 update, 1 delete, 2 replace)`, or nothing without plans.
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
    format!(
        ", {} plan{} ({c} create, {u} update, {d} delete, {r} replace)",
        plans.len(),
        if plans.len() == 1 { "" } else { "s" }
    )
}
