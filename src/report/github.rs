//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` annotation per
//! finding, escaped as the runner requires (`%`, CR, LF in data; also `:` and `,` in
//! properties), so a message can never inject another command.

use std::fmt::Write;

use anyhow::Result;

use super::Render;
use crate::policy::{Level, Outcome};

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
        for f in o.findings.iter().filter(|f| f.suppressed.is_none()) {
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
        if o.facts.provenance.ai_generated {
            writeln!(
                s,
                "::notice title={}::{}",
                escape_property("AI-authored change"),
                escape_data(&o.facts.provenance.describe())
            )?;
        }
        let v = &o.verdict;
        let cmd = match v.decision.as_str() {
            "fail" => "error",
            "warn" => "warning",
            _ => "notice",
        };
        writeln!(
            s,
            "::{cmd} title={}::{}",
            escape_property("gate verdict"),
            escape_data(&format!(
                "{} - risk {}/100 ({})",
                v.decision.as_str().to_uppercase(),
                v.score,
                v.band
            ))
        )?;
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_blocks_injection() {
        assert_eq!(escape_data("a%b\nc::error::x"), "a%25b%0Ac::error::x");
        assert_eq!(escape_property("a:b,c\r"), "a%3Ab%2Cc%0D");
    }
}
