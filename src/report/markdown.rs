//! A summary fit for a pull-request comment or `$GITHUB_STEP_SUMMARY`: the verdict and the
//! blocking findings first, then warnings by risk, notes and suppressed findings in collapsed
//! sections, then the score's contributors. Text from the change is escaped ([`escape`]) or
//! quoted as code ([`code`]). The document stays under a PR comment's 65,536 characters: what
//! does not fit is counted in a closing line that points at the SARIF/JSON report. It starts
//! with [`MARKER`], so a bot can update one sticky comment instead of adding one per push.
//! Locations link to the file at the head commit when the CI names the repository (GitHub:
//! GITHUB_SERVER_URL + GITHUB_REPOSITORY; GitLab: CI_PROJECT_URL).

use std::fmt::Write;

use anyhow::Result;

use super::{counts, location, Render};
use crate::policy::{Decision, Finding, Outcome};

pub struct MarkdownReport;

/// A pull-request comment holds 65,536 characters (a step summary 1 MiB): stay below both.
pub const LIMIT: usize = 65_000;

/// The first line of every summary: finds gate's own comment among a PR's comments.
pub const MARKER: &str = "<!-- gate-report -->";

/// Where a path at the head commit can be browsed, from the CI's variables.
fn blob_base(head: Option<&str>) -> Option<String> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let head = head.filter(|h| h.len() >= 7 && h.bytes().all(|b| b.is_ascii_hexdigit()))?;
    if let (Some(server), Some(repo)) = (var("GITHUB_SERVER_URL"), var("GITHUB_REPOSITORY")) {
        return Some(format!(
            "{}/{repo}/blob/{head}/",
            server.trim_end_matches('/')
        ));
    }
    var("CI_PROJECT_URL").map(|u| format!("{}/-/blob/{head}/", u.trim_end_matches('/')))
}

/// A path as a URL path: unreserved characters kept, the rest percent-encoded.
fn url_path(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn row(f: &Finding, base: Option<&str>) -> String {
    let loc = code(&location(f));
    let loc = match (base, &f.path) {
        (Some(base), Some(p)) if !p.contains("..") => {
            let line = f.line.map(|l| format!("#L{l}")).unwrap_or_default();
            format!("[{loc}]({base}{}{line})", url_path(p))
        }
        _ => loc,
    };
    format!(
        "| {} | {} | {}{} | {} |\n",
        code(&f.rule),
        loc,
        cell(&f.message),
        f.suppressed
            .as_ref()
            .map(|x| format!(" _(suppressed: {})_", cell(&x.reason)))
            .unwrap_or_default(),
        f.risk
    )
}

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
        let icon = match v.decision {
            Decision::Error => "⛔",
            Decision::Fail => "❌",
            Decision::Warn => "⚠️",
            Decision::Pass => "✅",
        };
        let mut s = String::new();
        writeln!(s, "{MARKER}")?;
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
        // What could not be read comes first (it is why the decision is `error`), within a
        // quarter of the size limit so the findings keep their room.
        if !o.errors.is_empty() {
            writeln!(s, "**Could not read**\n\n| input | problem |\n|---|---|")?;
            let room = s.chars().count() + LIMIT / 4;
            for (shown, e) in o.errors.iter().enumerate() {
                let row = format!("| `{}` | {} |\n", cell(&e.place()), cell(&e.message));
                if s.chars().count() + row.chars().count() > room {
                    writeln!(
                        s,
                        "\n_{} more inputs not shown (summary size limit); every one is in the JSON report._",
                        o.errors.len() - shown
                    )?;
                    break;
                }
                s.push_str(&row);
            }
            writeln!(s)?;
        }
        let base = blob_base(o.facts.change.head.as_deref());
        let super::Groups {
            blocking,
            warnings,
            notes,
            suppressed,
        } = super::groups(&o.findings);
        let groups: [(&str, Vec<&Finding>, bool); 4] = [
            ("Blocking findings", blocking, false),
            ("Warnings", warnings, false),
            ("Notes", notes, true),
            ("Suppressed", suppressed, true),
        ];
        // The tail (contributors, reasons, chart) is written after the findings but its size
        // is reserved first, so truncation never cuts it.
        let mut tail = String::new();
        if !v.contributors.is_empty() {
            writeln!(tail, "<details><summary>Score contributors</summary>\n")?;
            writeln!(tail, "| points | rule | why |\n|---:|---|---|")?;
            for c in &v.contributors {
                writeln!(
                    tail,
                    "| +{} | {} | {} |",
                    c.get("points").and_then(|x| x.as_u64()).unwrap_or(0),
                    cell(c.get("rule").and_then(|x| x.as_str()).unwrap_or("")),
                    cell(c.get("reason").and_then(|x| x.as_str()).unwrap_or(""))
                )?;
            }
            writeln!(tail, "\n</details>\n")?;
        }
        for r in &v.reasons {
            writeln!(tail, "- {}", cell(r))?;
        }
        if !v.reasons.is_empty() {
            writeln!(tail)?;
        }
        if let Some(chart) = crate::infra::mermaid::markdown_section(&o.facts.infra.plans) {
            tail.push_str(&chart);
        }
        let hot_share = o.facts.config["production"]["hot_share"]
            .as_f64()
            .unwrap_or(0.1);
        if let Some(t) = crate::signals::markdown_section(&o.facts.production, hot_share, cell) {
            tail.push_str(&t);
        }
        if o.findings.is_empty() {
            writeln!(s, "No findings.\n")?;
        }
        // Room for the tail and the closing "N more" line.
        let budget = LIMIT.saturating_sub(tail.chars().count() + 400);
        let mut used = s.chars().count();
        let mut left_out: Vec<(&str, usize)> = Vec::new();
        for (title, list, collapsed) in &groups {
            if list.is_empty() {
                continue;
            }
            let head = if *collapsed {
                format!(
                    "<details><summary>{title} ({})</summary>\n\n| rule | location | finding | risk |\n|---|---|---|---:|\n",
                    list.len()
                )
            } else {
                format!(
                    "**{title} ({})**\n\n| rule | location | finding | risk |\n|---|---|---|---:|\n",
                    list.len()
                )
            };
            let foot = if *collapsed { "\n</details>\n\n" } else { "\n" };
            let fixed = head.chars().count() + foot.chars().count();
            if used + fixed > budget {
                left_out.push((title, list.len()));
                continue;
            }
            s.push_str(&head);
            used += fixed;
            let mut shown = 0;
            for f in list {
                let r = row(f, base.as_deref());
                let n = r.chars().count();
                if used + n > budget {
                    break;
                }
                s.push_str(&r);
                used += n;
                shown += 1;
            }
            s.push_str(foot);
            if shown < list.len() {
                left_out.push((title, list.len() - shown));
            }
        }
        if !left_out.is_empty() {
            let total: usize = left_out.iter().map(|(_, n)| n).sum();
            let parts: Vec<String> = left_out
                .iter()
                .map(|(t, n)| format!("{n} {}", t.to_lowercase()))
                .collect();
            writeln!(
                s,
                "_{total} more findings not shown ({}; a PR comment holds 65,536 characters): see the SARIF or JSON report._\n",
                parts.join(", ")
            )?;
        }
        s.push_str(&tail);
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
