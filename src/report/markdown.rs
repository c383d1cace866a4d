//! A summary fit for a pull-request comment or `$GITHUB_STEP_SUMMARY`: the verdict, the
//! score's contributors, and a findings table. Text from the change is escaped ([`escape`]) or
//! quoted as code ([`code`]), and the document is cut (with a note) before GitHub's 1 MiB
//! limit for step summaries.

use std::fmt::Write;

use anyhow::Result;

use super::{counts, location, Render};
use crate::policy::Outcome;

pub struct MarkdownReport;

/// GitHub rejects step summaries over 1 MiB; stay well below it.
const LIMIT: usize = 900 * 1024;

/// Makes untrusted text inert in Markdown (GitHub Flavored): a name cannot become emphasis,
/// a link or image, an autolink, a mention (`@user`) or issue reference (`#1`), math, HTML,
/// or a table cell break. The punctuation with an inline meaning is backslash-escaped (not
/// `(`, `)` or `!`: they mean something only after or before a `[`, which is escaped), `<`,
/// `>` and `&` become entities, the `://` and `www.` that start autolinks are broken by an
/// escape, and line breaks become spaces (the text is always inline, never at a line start,
/// so list, heading and rule markers need no escape).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        let next = chars.peek().copied().unwrap_or(' ');
        match c {
            // `_` inside a word (`aws_db_instance`) is never emphasis.
            '_' if prev.is_alphanumeric() && next.is_alphanumeric() => out.push('_'),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' | '$' | '@' => {
                out.push('\\');
                out.push(c);
            }
            ':' if chars.peek() == Some(&'/') => out.push_str("\\:"),
            '.' if out.ends_with("www") || out.ends_with("WWW") => out.push_str("\\."),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
        prev = c;
    }
    out
}

/// Untrusted text as a code span: shown verbatim, interpreted as nothing. The fence is one
/// backtick longer than the longest run inside, padded when the text starts or ends with a
/// backtick; `|` is escaped (GFM splits table cells before it parses code spans).
pub fn code(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || s.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", s.replace('|', "\\|"))
}

fn cell(s: &str) -> String {
    escape(s)
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
                .map(|x| format!("{} {}", escape(&x.kind), code(&x.value)))
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
        if let Some(chart) = crate::infra::mermaid::markdown_section(&o.facts.infra.plans) {
            s.push_str(&chart);
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
                "| {} | {} | {} | {}{} | {} |\n",
                f.level.as_str(),
                code(&f.rule),
                code(&location(f)),
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

#[cfg(test)]
mod tests {
    use super::{code, escape};

    #[test]
    fn escaping_makes_names_inert() {
        assert_eq!(escape("**PASS**"), "\\*\\*PASS\\*\\*");
        assert_eq!(escape("__b__"), "\\_\\_b\\_\\_");
        assert_eq!(escape("aws_db_instance _x_"), "aws_db_instance \\_x\\_");
        assert_eq!(
            escape("[x](https://evil.example/p)"),
            "\\[x\\](https\\://evil.example/p)"
        );
        assert_eq!(escape("see www.evil.example"), "see www\\.evil.example");
        assert_eq!(escape("<img src=x>"), "&lt;img src=x&gt;");
        assert_eq!(escape("a|b\nc"), "a\\|b c");
        assert_eq!(escape("# h"), "\\# h");
        assert_eq!(escape("a@b.c"), "a\\@b.c");
        assert_eq!(escape("left-pad 1.3.0"), "left-pad 1.3.0");
        assert_eq!(escape("$x$ ~~y~~ (z)"), "\\$x\\$ \\~\\~y\\~\\~ (z)");
        assert_eq!(escape("&amp;"), "&amp;amp;");
    }

    #[test]
    fn code_spans_cannot_be_broken_out_of() {
        assert_eq!(code("a.py:3"), "`a.py:3`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x`"), "`` `x` ``");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("a\nb"), "`a b`");
    }
}
