//! GitHub Actions workflow commands: `::error`/`::warning`/`::notice` annotations, escaped as
//! the runner requires (`%`, CR, LF in data; also `:` and `,` in properties), so a message can
//! never inject another command. GitHub shows at most 10 annotations of each level per step:
//! findings go riskiest first within their level, the verdict's own annotation is counted,
//! and one notice says how many were left out and where to read them.

use std::fmt::Write;

use anyhow::Result;

use super::Render;
use crate::policy::{Decision, Finding, Level, Outcome};

/// Annotations GitHub displays per level and step.
pub const PER_LEVEL: usize = 10;

pub struct GithubReport;

pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

impl Render for GithubReport {
    fn render(&self, o: &Outcome) -> Result<String> {
        let mut s = String::new();
        let v = &o.verdict;
        let verdict_cmd = match v.decision {
            Decision::Fail | Decision::Error => "error",
            Decision::Warn => "warning",
            Decision::Pass => "notice",
        };
        let mut active: Vec<&Finding> = o
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .collect();
        active.sort_by(|a, b| {
            (a.level, std::cmp::Reverse(a.risk), &a.path, a.line, &a.rule).cmp(&(
                b.level,
                std::cmp::Reverse(b.risk),
                &b.path,
                b.line,
                &b.rule,
            ))
        });
        // Inputs that could not be read come first: they are why the decision is `error`.
        let inputs_shown = o
            .errors
            .len()
            .min(PER_LEVEL - usize::from(verdict_cmd == "error"));
        for e in &o.errors[..inputs_shown] {
            let mut props = vec![format!("file={}", escape_property(&e.path))];
            if let Some(l) = e.line {
                props.push(format!("line={l}"));
            }
            if let Some(c) = e.column {
                props.push(format!("col={c}"));
            }
            props.push(format!(
                "title={}",
                escape_property("gate could not read this input")
            ));
            writeln!(
                s,
                "::error {}::{}",
                props.join(","),
                escape_data(&e.message)
            )?;
        }
        let inputs_left_out = o.errors.len() - inputs_shown;
        // Room per level: the verdict, the AI notice and the "left out" notice are annotations too.
        let room = |level: Level| -> usize {
            let cmd = match level {
                Level::Error => "error",
                Level::Warning => "warning",
                Level::Note => "notice",
            };
            let mut used = usize::from(verdict_cmd == cmd);
            if level == Level::Error {
                used += inputs_shown;
            }
            if level == Level::Note {
                used += 1
                    + usize::from(o.facts.provenance.ai_generated)
                    + usize::from(inputs_left_out > 0);
            }
            PER_LEVEL.saturating_sub(used)
        };
        let mut shown = std::collections::BTreeMap::<Level, usize>::new();
        let mut left_out = std::collections::BTreeMap::<Level, usize>::new();
        for f in active {
            let n = shown.entry(f.level).or_default();
            if *n >= room(f.level) {
                *left_out.entry(f.level).or_default() += 1;
                continue;
            }
            *n += 1;
            let cmd = match f.level {
                Level::Error => "error",
                Level::Warning => "warning",
                Level::Note => "notice",
            };
            let mut props = Vec::new();
            if let Some(p) = &f.path {
                props.push(format!("file={}", escape_property(p)));
                if let Some(l) = f.line {
                    props.push(format!("line={l}"));
                }
                if let Some(c) = f.column {
                    props.push(format!("col={c}"));
                }
            }
            props.push(format!(
                "title={}",
                escape_property(&format!("{} (risk {})", f.rule, f.risk))
            ));
            let mut msg = f.message.clone();
            if let Some(r) = &f.resource {
                msg.push_str(&format!(" [{r}]"));
            }
            writeln!(s, "::{cmd} {}::{}", props.join(","), escape_data(&msg))?;
        }
        if inputs_left_out > 0 {
            writeln!(
                s,
                "::notice title={}::{}",
                escape_property("gate: more unreadable inputs"),
                escape_data(&format!(
                    "{inputs_left_out} more input{} that could not be read not annotated: every one is named in the job log (stderr), the job summary and the SARIF report",
                    if inputs_left_out == 1 { "" } else { "s" }
                ))
            )?;
        }
        let omitted: usize = left_out.values().sum();
        if omitted > 0 {
            let parts: Vec<String> = [
                (Level::Error, "error"),
                (Level::Warning, "warning"),
                (Level::Note, "note"),
            ]
            .iter()
            .filter_map(|(l, name)| {
                left_out
                    .get(l)
                    .map(|n| format!("{n} {name}{}", if *n == 1 { "" } else { "s" }))
            })
            .collect();
            writeln!(
                s,
                "::notice title={}::{}",
                escape_property("gate: more findings"),
                escape_data(&format!(
                    "{omitted} more finding{} not annotated ({}): GitHub shows {PER_LEVEL} annotations of each level per step, riskiest first here; the job summary lists more, and the SARIF report (code scanning) and --format json every one",
                    if omitted == 1 { "" } else { "s" },
                    parts.join(", ")
                ))
            )?;
        }
        if o.facts.provenance.ai_generated {
            writeln!(
                s,
                "::notice title={}::{}",
                escape_property("AI-authored change"),
                escape_data(&o.facts.provenance.describe())
            )?;
        }
        writeln!(
            s,
            "::{verdict_cmd} title={}::{}",
            escape_property("gate verdict"),
            escape_data(&format!(
                "{} - risk {}/100 ({}): {}{}",
                v.decision.as_str().to_uppercase(),
                v.score,
                v.band,
                super::verdict_sentence(o),
                super::next_step(o)
                    .map(|n| format!(
                        " Next: {}. More: {}",
                        n.sentence(|c| c.to_string()),
                        n.explain()
                    ))
                    .unwrap_or_default()
            ))
        )?;
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verdict_annotation_says_why_and_what_to_do() {
        let mut o = crate::policy::Outcome {
            facts: Default::default(),
            findings: Vec::new(),
            rules: Default::default(),
            verdict: crate::policy::Verdict {
                score: 95,
                band: crate::policy::Band::Critical,
                decision: Decision::Fail,
                reasons: Vec::new(),
                contributors: Vec::new(),
            },
            errors: Vec::new(),
            line_hashes: Default::default(),
        };
        o.findings.push(Finding {
            rule: "GATE-SEC-001".into(),
            level: Level::Error,
            message: "m".into(),
            category: "secrets".into(),
            risk: 95,
            risk_reason: None,
            path: Some("a.py".into()),
            line: Some(3),
            column: None,
            end_line: None,
            resource: None,
            fingerprint: "f".into(),
            suppressed: None,
        });
        let out = GithubReport.render(&o).expect("renders");
        assert!(out.ends_with("::error title=gate verdict::FAIL - risk 95/100 (critical): 1 blocking finding must be fixed or suppressed before this change can merge. Next: fix the blocking findings, or suppress one with gate:allow GATE-SEC-001 <reason> in a comment on its line. More: gate explain GATE-SEC-001\n"), "{out}");
    }

    #[test]
    fn escaping_blocks_injection() {
        assert_eq!(escape_data("a%b\nc::error::x"), "a%25b%0Ac::error::x");
        assert_eq!(escape_property("a:b,c\r"), "a%3Ab%2Cc%0D");
    }
}
