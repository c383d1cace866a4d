//! The terminal report: the decision first, then one line per finding, then the score's
//! largest contributors so a reviewer can see why.

use std::fmt::Write;

use anyhow::Result;

use super::{counts, location, Render};
use crate::policy::Outcome;

pub struct TextReport {
    pub color: bool,
}

impl Render for TextReport {
    fn render(&self, o: &Outcome) -> Result<String> {
        let mut s = String::new();
        let v = &o.verdict;
        let stats = &o.facts.change.stats;
        if o.facts.change.files.is_empty() && o.facts.infra.plans.is_empty() {
            writeln!(s, "gate: nothing to check (the change is empty)")?;
        }
        for f in &o.findings {
            let sup = f
                .suppressed
                .as_ref()
                .map(|x| format!(" (suppressed by {}: {})", x.kind, x.reason))
                .unwrap_or_default();
            writeln!(
                s,
                "{:<7} {:<13} {}  {}  [risk {}]{}",
                f.level.as_str(),
                f.rule,
                location(f),
                f.message,
                f.risk,
                sup
            )?;
            if let Some(res) = f.resource.as_ref().filter(|_| f.path.is_some()) {
                writeln!(s, "        resource: {res}")?;
            }
        }
        if !o.findings.is_empty() {
            writeln!(s)?;
        }
        let (e, w, n) = counts(&o.findings);
        writeln!(
            s,
            "{} files (+{} -{}){}, {} errors, {} warnings, {} notes",
            stats.files,
            stats.additions,
            stats.deletions,
            super::plans_summary(o),
            e,
            w,
            n
        )?;
        if o.facts.provenance.ai_generated {
            writeln!(s, "AI-authored change: {}", o.facts.provenance.describe())?;
        }
        if !v.contributors.is_empty() {
            writeln!(s, "score contributors:")?;
            for c in &v.contributors {
                writeln!(
                    s,
                    "  +{:<3} {} {}",
                    c.get("points").and_then(|x| x.as_u64()).unwrap_or(0),
                    c.get("rule").and_then(|x| x.as_str()).unwrap_or(""),
                    c.get("reason").and_then(|x| x.as_str()).unwrap_or("")
                )?;
            }
        }
        for r in &v.reasons {
            writeln!(s, "  - {r}")?;
        }
        writeln!(
            s,
            "gate: {}  risk {}/100 ({})",
            v.decision.as_str().to_uppercase(),
            v.score,
            v.band
        )?;
        Ok(s)
    }
}
