//! The terminal report: the decision first, then one line per finding, then the score's
//! largest contributors so a reviewer can see why.
//!
//! Every string that comes from the change (paths, dependency and resource names, messages
//! that quote them) goes through [`escape`]: it cannot move the cursor, clear the screen,
//! end a line to forge one (a fake `gate: PASS`), or start one with `::` (a workflow command
//! GitHub Actions would run when the report is printed in a plain shell step).

use std::fmt::Write;

use anyhow::Result;

use super::{counts, location, Render};
use crate::policy::Outcome;

pub struct TextReport {
    pub color: bool,
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

impl Render for TextReport {
    fn render(&self, o: &Outcome) -> Result<String> {
        let mut s = String::new();
        let v = &o.verdict;
        let stats = &o.facts.change.stats;
        if o.facts.change.files.is_empty() && o.facts.infra.plans.is_empty() && o.errors.is_empty()
        {
            writeln!(s, "gate: nothing to check (the change is empty)")?;
        }
        for f in &o.findings {
            let sup = f
                .suppressed
                .as_ref()
                .map(|x| format!(" (suppressed by {}: {})", x.kind, escape(&x.reason)))
                .unwrap_or_default();
            writeln!(
                s,
                "{:<7} {:<13} {}  {}  [risk {}]{}",
                f.level.as_str(),
                escape(&f.rule),
                escape(&location(f)),
                escape(&f.message),
                f.risk,
                sup
            )?;
            if let Some(res) = f.resource.as_ref().filter(|_| f.path.is_some()) {
                writeln!(s, "        resource: {}", escape(res))?;
            }
        }
        if !o.findings.is_empty() {
            writeln!(s)?;
        }
        if !o.errors.is_empty() {
            writeln!(s, "could not read:")?;
            for e in &o.errors {
                writeln!(s, "  {e}")?;
            }
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

#[cfg(test)]
mod tests {
    use super::escape;

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
