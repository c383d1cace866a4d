//! JUnit XML for CI systems that show test reports (Jenkins, Azure DevOps, GitLab, CircleCI):
//! one `testsuite` named gate; every blocking finding is a failing test case, warnings and
//! notes pass with their message in `system-out`, suppressed findings are skipped. A change
//! with no findings is one passing case, so the report is never empty. Each input gate could
//! not read is an erroring test case (`<error>`), so the run is never green.

use std::fmt::Write as _;

use anyhow::Result;

use super::{location, Render};
use crate::policy::{Finding, Level, Outcome};

pub struct JunitReport;

/// XML 1.0 text: the five entities escaped, characters XML cannot carry dropped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn name(f: &Finding) -> String {
    format!("{} at {}", f.rule, location(f))
}

impl Render for JunitReport {
    fn render(&self, o: &Outcome) -> Result<String> {
        let blocking = |f: &Finding| f.level == Level::Error && f.suppressed.is_none();
        let failures = o.findings.iter().filter(|f| blocking(f)).count();
        let skipped = o.findings.iter().filter(|f| f.suppressed.is_some()).count();
        let errors = o.errors.len();
        let tests = (o.findings.len() + errors).max(1);
        let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            x,
            "<testsuites name=\"gate\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">"
        );
        let _ = writeln!(
            x,
            "  <testsuite name=\"gate\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"0\">"
        );
        let _ = writeln!(x, "    <properties>");
        for (k, v) in [
            ("decision", o.verdict.decision.to_string()),
            ("risk-score", o.verdict.score.to_string()),
            ("band", o.verdict.band.to_string()),
        ] {
            let _ = writeln!(x, "      <property name=\"{k}\" value=\"{}\"/>", escape(&v));
        }
        let _ = writeln!(x, "    </properties>");
        for e in &o.errors {
            let _ = writeln!(
                x,
                "    <testcase classname=\"gate.input\" name=\"could not read {}\" file=\"{}\" time=\"0\">\n      <error message=\"{}\" type=\"unreadable input\">{}</error>\n    </testcase>",
                escape(&e.place()),
                escape(&e.path),
                escape(&e.message),
                escape(&e.to_string())
            );
        }
        if o.findings.is_empty() && o.errors.is_empty() {
            let _ = writeln!(
                x,
                "    <testcase classname=\"gate\" name=\"no findings\" time=\"0\"/>"
            );
        }
        for f in &o.findings {
            let _ = write!(
                x,
                "    <testcase classname=\"gate.{}\" name=\"{}\"",
                escape(&f.category),
                escape(&name(f))
            );
            if let Some(p) = &f.path {
                let _ = write!(x, " file=\"{}\"", escape(p));
                if let Some(l) = f.line {
                    let _ = write!(x, " line=\"{l}\"");
                }
            }
            let _ = writeln!(x, " time=\"0\">");
            let body = format!(
                "{} {} (risk {}): {}\nSee: gate explain {}",
                f.level.as_str(),
                location(f),
                f.risk,
                f.message,
                f.rule
            );
            if let Some(s) = &f.suppressed {
                let _ = writeln!(
                    x,
                    "      <skipped message=\"suppressed: {}\"/>",
                    escape(&s.reason)
                );
            } else if blocking(f) {
                let _ = writeln!(
                    x,
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                    escape(&f.message),
                    escape(&f.rule),
                    escape(&body)
                );
            } else {
                let _ = writeln!(x, "      <system-out>{}</system-out>", escape(&body));
            }
            let _ = writeln!(x, "    </testcase>");
        }
        let _ = writeln!(x, "  </testsuite>");
        let _ = writeln!(x, "</testsuites>");
        Ok(x)
    }
}
