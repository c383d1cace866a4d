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

use super::{counted, counts, location, Render};
use crate::change::Mode;
use crate::policy::{Decision, Finding, Outcome};

pub struct MarkdownReport;

/// A group of findings: its title, what one and several are called, its findings, and
/// whether it is collapsed.
type Group<'a> = (&'a str, (&'a str, &'a str), Vec<&'a Finding>, bool);

/// A pull-request comment holds 65,536 characters (a step summary 1 MiB): stay below both.
pub const LIMIT: usize = 65_000;

/// The first line of every summary: finds gate's own comment among a PR's comments.
pub const MARKER: &str = "<!-- gate-report -->";

/// Where a path at the head commit can be browsed, from the CI's variables: GitHub's
/// `GITHUB_SERVER_URL` + `GITHUB_REPOSITORY`, else GitLab's `CI_PROJECT_URL`. The commit is the
/// change's head (`--base`), else the CI's (`GITHUB_SHA`, `CI_COMMIT_SHA`) for a diff or the
/// tree it checked out; staged changes are in no commit, so they get no links.
fn blob_base(o: &Outcome, env: impl Fn(&str) -> Option<String>) -> Option<String> {
    let var = |k: &str| env(k).filter(|v| !v.trim().is_empty());
    let is_sha = |h: &String| h.len() >= 7 && h.bytes().all(|b| b.is_ascii_hexdigit());
    let change = &o.facts.change;
    if change.mode == Mode::Staged {
        return None;
    }
    let head = |ci_sha: &str| change.head.clone().or_else(|| var(ci_sha)).filter(is_sha);
    if let (Some(server), Some(repo)) = (var("GITHUB_SERVER_URL"), var("GITHUB_REPOSITORY")) {
        return Some(format!(
            "{}/{repo}/blob/{}/",
            server.trim_end_matches('/'),
            head("GITHUB_SHA")?
        ));
    }
    let project = var("CI_PROJECT_URL")?;
    Some(format!(
        "{}/-/blob/{}/",
        project.trim_end_matches('/'),
        head("CI_COMMIT_SHA")?
    ))
}

/// `No findings.` for `no findings.`: the summary and the verdict's sentence stand on their
/// own here.
fn sentence_case(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
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
        let (e, w, n) = counts(&o.findings);
        let suppressed = o.findings.iter().filter(|f| f.suppressed.is_some()).count();
        writeln!(
            s,
            "{} · {} · {} · {}{}\n",
            escape(&sentence_case(&super::checked(o))),
            counted(e, "blocking finding", "blocking findings"),
            counted(w, "warning", "warnings"),
            counted(n, "note", "notes"),
            if suppressed > 0 {
                format!(" · {suppressed} suppressed")
            } else {
                String::new()
            }
        )?;
        writeln!(
            s,
            "{}\n",
            escape(&sentence_case(&super::verdict_sentence(o)))
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
                        "\n_{} not shown (summary size limit); every one is in the JSON report._",
                        counted(o.errors.len() - shown, "more input", "more inputs")
                    )?;
                    break;
                }
                s.push_str(&row);
            }
            writeln!(s)?;
        }
        let base = blob_base(o, |k| std::env::var(k).ok());
        let super::Groups {
            blocking,
            warnings,
            notes,
            suppressed,
        } = super::groups(&o.findings);
        // Title, what one and several are called, the findings, collapsed.
        let groups: [Group; 4] = [
            (
                "Blocking findings",
                ("blocking finding", "blocking findings"),
                blocking,
                false,
            ),
            ("Warnings", ("warning", "warnings"), warnings, false),
            ("Notes", ("note", "notes"), notes, true),
            ("Suppressed", ("suppressed", "suppressed"), suppressed, true),
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
        // A pass without findings already said so in its sentence.
        if o.findings.is_empty() && v.decision != Decision::Pass {
            writeln!(s, "No findings.\n")?;
        }
        // What to do next closes the findings; `gate explain` says more about the top rule.
        let next = super::next_step(o).map(|next| {
            format!(
                "**Next:** {}. More about the rule: {}.\n\n",
                next.sentence(code),
                code(&next.explain())
            )
        });
        let next = next.unwrap_or_default();
        // Room for the tail, the next step and the closing "N more" line.
        let budget = LIMIT.saturating_sub(tail.chars().count() + next.chars().count() + 400);
        let mut used = s.chars().count();
        let mut left_out: Vec<((&str, &str), usize)> = Vec::new();
        for (title, names, list, collapsed) in &groups {
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
                left_out.push((*names, list.len()));
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
                left_out.push((*names, list.len() - shown));
            }
        }
        if !left_out.is_empty() {
            let total: usize = left_out.iter().map(|(_, n)| n).sum();
            let parts: Vec<String> = left_out
                .iter()
                .map(|((one, many), n)| counted(*n, one, many))
                .collect();
            writeln!(
                s,
                "_{} not shown ({}; a PR comment holds 65,536 characters): see the SARIF or JSON report._\n",
                counted(total, "more finding", "more findings"),
                parts.join(", ")
            )?;
        }
        s.push_str(&next);
        s.push_str(&tail);
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::infra::Plan;
    use crate::policy::Level;

    fn finding(rule: &str, level: Level, risk: u32, path: &str, line: u32) -> Finding {
        Finding::sample(rule, level, risk, path, line)
    }

    fn outcome(mode: Mode, findings: Vec<Finding>, decision: Decision) -> Outcome {
        Outcome::sample(mode, findings, decision, Vec::new())
    }

    fn render(o: &Outcome) -> String {
        MarkdownReport.render(o).expect("renders")
    }

    #[test]
    fn the_summary_counts_in_words_and_says_what_was_checked() {
        let o = outcome(
            Mode::Staged,
            vec![
                finding("GATE-SEC-001", Level::Error, 95, "a.py", 1),
                finding("GATE-SEC-004", Level::Note, 0, "b.md", 2),
            ],
            Decision::Fail,
        );
        let md = render(&o);
        assert!(
            md.contains(
                "\nStaged changes: 1 file (+3 -0) · 1 blocking finding · 0 warnings · 1 note\n"
            ),
            "{md}"
        );
        assert!(md.contains(
            "\n1 blocking finding must be fixed or suppressed before this change can merge.\n"
        ));
        assert!(!md.contains("1 files") && !md.contains("1 notes") && !md.contains("1 errors"));
        let mut o = outcome(Mode::All, Vec::new(), Decision::Pass);
        o.facts.change.stats.files = 40;
        o.facts.change.stats.additions = 0;
        let md = render(&o);
        assert!(md.contains(
            "\nThe whole tree (--all): 40 files · 0 blocking findings · 0 warnings · 0 notes\n\nNo findings.\n"
        ), "{md}");
    }

    #[test]
    fn a_plans_only_summary_names_the_plans_and_their_actions() {
        let mut o = outcome(Mode::None, Vec::new(), Decision::Pass);
        o.facts.change.stats.files = 0;
        o.facts.change.stats.additions = 0;
        let mut plan = Plan::default();
        plan.summary.delete = 1;
        plan.summary.create = 2;
        o.facts.infra.plans.push(plan);
        let md = render(&o);
        assert!(
            md.contains("\n1 plan (2 create, 1 delete) · 0 blocking findings"),
            "{md}"
        );
        assert!(!md.contains("plans only"), "{md}");
        assert!(!md.contains("0 files"), "{md}");
    }

    #[test]
    fn closing_lines_say_what_to_do_and_point_at_gate_explain() {
        let o = outcome(
            Mode::Diff,
            vec![
                finding("GATE-CHG-001", Level::Warning, 20, "a.py", 1),
                finding("GATE-SEC-001", Level::Error, 95, "z.py", 3),
            ],
            Decision::Fail,
        );
        let md = render(&o);
        assert!(md.contains("\n**Next:** fix the blocking findings, or suppress one with `gate:allow GATE-SEC-001 <reason>` in a comment on its line. More about the rule: `gate explain GATE-SEC-001`.\n"), "{md}");
        // A finding on a plan's resource is accepted with an exception, not a comment.
        let mut f = finding("GATE-INF-001", Level::Error, 90, "plan.json", 1);
        f.line = None;
        f.resource = Some("aws_db_instance.main".into());
        let md = render(&outcome(Mode::None, vec![f], Decision::Fail));
        assert!(md.contains("**Next:** fix the blocking findings, or accept one with an entry in `.gate-exceptions.yaml` (rule `GATE-INF-001`, a reason, an owner and an expiry date). More about the rule: `gate explain GATE-INF-001`."), "{md}");
        let md = render(&outcome(Mode::Diff, Vec::new(), Decision::Pass));
        assert!(
            !md.contains("**Next:**") && md.matches("No findings.").count() == 1,
            "{md}"
        );
    }

    #[test]
    fn locations_link_to_the_head_or_the_ci_commit_but_never_for_staged_changes() {
        let sha = "0123456789abcdef0123456789abcdef01234567";
        let github = |k: &str| match k {
            "GITHUB_SERVER_URL" => Some("https://github.com/".to_string()),
            "GITHUB_REPOSITORY" => Some("acme/app".to_string()),
            "GITHUB_SHA" => Some(sha.to_string()),
            _ => None,
        };
        let gitlab = |k: &str| match k {
            "CI_PROJECT_URL" => Some("https://gitlab.example/acme/app".to_string()),
            "CI_COMMIT_SHA" => Some(sha.to_string()),
            _ => None,
        };
        let none = |_: &str| None;
        let diff = outcome(Mode::Diff, Vec::new(), Decision::Pass);
        assert_eq!(
            blob_base(&diff, github).as_deref(),
            Some(format!("https://github.com/acme/app/blob/{sha}/").as_str())
        );
        assert_eq!(
            blob_base(&diff, gitlab).as_deref(),
            Some(format!("https://gitlab.example/acme/app/-/blob/{sha}/").as_str())
        );
        assert_eq!(blob_base(&diff, none), None);
        let mut range = outcome(Mode::Range, Vec::new(), Decision::Pass);
        range.facts.change.head = Some("fedcba9876543210".into());
        assert_eq!(
            blob_base(&range, github).as_deref(),
            Some("https://github.com/acme/app/blob/fedcba9876543210/"),
            "the change's head wins over the CI's commit"
        );
        let staged = outcome(Mode::Staged, Vec::new(), Decision::Pass);
        assert_eq!(blob_base(&staged, github), None);
        let f = finding("GATE-SEC-001", Level::Error, 95, "src/a b.py", 7);
        assert_eq!(
            row(&f, Some("https://x/blob/1234567/")),
            "| `GATE-SEC-001` | [`src/a b.py:7`](https://x/blob/1234567/src/a%20b.py#L7) | GATE-SEC-001 message | 95 |\n"
        );
    }

    #[test]
    fn a_huge_change_is_cut_under_the_limit_and_says_how_many_are_left_out() {
        let fs: Vec<Finding> = (0..1500)
            .map(|i| finding("GATE-SEC-001", Level::Error, 95, "settings.py", i + 1))
            .chain((0..300).map(|i| finding("GATE-TEL-002", Level::Note, 0, "h.py", i + 1)))
            .collect();
        let md = render(&outcome(Mode::Range, fs, Decision::Fail));
        assert!(md.chars().count() < LIMIT, "{}", md.chars().count());
        let shown = md.matches("| `GATE-SEC-001` |").count();
        assert!(shown > 100, "{shown}");
        assert!(
            md.contains(&format!(
                "_{} more findings not shown ({} blocking findings, 300 notes; a PR comment holds 65,536 characters): see the SARIF or JSON report._",
                1500 - shown + 300,
                1500 - shown
            )),
            "{}",
            &md[md.len() - 2000..]
        );
        assert!(
            md.contains("**Next:** fix the blocking findings"),
            "the closing lines survive the cut"
        );
    }

    #[test]
    fn notes_and_suppressed_findings_are_collapsed() {
        let mut sup = finding("GATE-SEC-001", Level::Error, 95, "a.py", 1);
        sup.suppressed = Some(crate::policy::Suppression {
            kind: crate::policy::SuppressionKind::Inline,
            reason: "fake".into(),
        });
        let o = outcome(
            Mode::Diff,
            vec![sup, finding("GATE-SEC-004", Level::Note, 0, "b.md", 2)],
            Decision::Pass,
        );
        let md = render(&o);
        assert!(md.contains("<details><summary>Notes (1)</summary>"), "{md}");
        assert!(
            md.contains("<details><summary>Suppressed (1)</summary>"),
            "{md}"
        );
        assert!(
            md.contains(" · 0 notes") || md.contains(" · 1 note · 1 suppressed"),
            "{md}"
        );
    }

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
