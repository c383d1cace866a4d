//! A summary fit for a pull-request comment or `$GITHUB_STEP_SUMMARY`: the verdict, the
//! score's contributors, and a findings table. Table cells are escaped, and the document is
//! cut (with a note) before GitHub's 1 MiB limit for step summaries.

use std::fmt::Write;

use anyhow::Result;

use super::{counts, location, Render};
use crate::policy::Outcome;

pub struct MarkdownReport;

/// GitHub rejects step summaries over 1 MiB; stay well below it.
const LIMIT: usize = 900 * 1024;

fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

impl Render for MarkdownReport {
    fn render(&self, o: &Outcome) -> Result<String> {
        let v = &o.verdict;
        let icon = match v.decision.as_str() {
            "fail" => "❌",
            "warn" => "⚠️",
            _ => "✅",
        };
        let mut s = String::new();
        writeln!(
            s,
            "## {icon} gate: {} — risk {}/100 ({})\n",
            v.decision.as_str().to_uppercase(),
            v.score,
            v.band
        )?;
        let st = &o.facts.change.stats;
        let (e, w, n) = counts(&o.findings);
        writeln!(
            s,
            "{} files changed (+{} −{}){} · {} errors · {} warnings · {} notes\n",
            st.files,
            st.additions,
            st.deletions,
            super::plans_summary(o),
            e,
            w,
            n
        )?;
        if o.facts.provenance.ai_generated {
            let sig: Vec<String> = o
                .facts
                .provenance
                .signals
                .iter()
                .map(|x| format!("{} `{}`", x.kind, cell(&x.value)))
                .collect();
            writeln!(s, "🤖 **AI-authored change** — {}\n", sig.join(", "))?;
        }
        if !v.contributors.is_empty() {
            writeln!(s, "**Score contributors**\n")?;
            writeln!(s, "| points | rule | why |\n|---:|---|---|")?;
            for c in &v.contributors {
                writeln!(
                    s,
                    "| +{} | {} | {} |",
                    c.get("points").and_then(|x| x.as_u64()).unwrap_or(0),
                    cell(c.get("rule").and_then(|x| x.as_str()).unwrap_or("")),
                    cell(c.get("reason").and_then(|x| x.as_str()).unwrap_or(""))
                )?;
            }
            writeln!(s)?;
        }
        for r in &v.reasons {
            writeln!(s, "- {}", cell(r))?;
        }
        if !v.reasons.is_empty() {
            writeln!(s)?;
        }
        if o.findings.is_empty() {
            writeln!(s, "No findings.")?;
            return Ok(s);
        }
        writeln!(
            s,
            "| level | rule | location | finding | risk |\n|---|---|---|---|---:|"
        )?;
        for (shown, f) in o.findings.iter().enumerate() {
            let mut row = format!(
                "| {} | `{}` | `{}` | {}{} | {} |\n",
                f.level.as_str(),
                cell(&f.rule),
                cell(&location(f)),
                cell(&f.message),
                f.suppressed
                    .as_ref()
                    .map(|x| format!(" _(suppressed: {})_", cell(&x.reason)))
                    .unwrap_or_default(),
                f.risk
            );
            if s.len() + row.len() > LIMIT {
                row = format!("\n_{} more findings not shown (summary size limit); see the SARIF or JSON report._\n", o.findings.len() - shown);
                s.push_str(&row);
                break;
            }
            s.push_str(&row);
        }
        Ok(s)
    }
}
