//! GitLab Code Quality (a subset of the Code Climate issue format): a JSON array of issues with
//! `description`, `check_name`, `fingerprint`, `severity` (info, minor, major, critical,
//! blocker) and `location.path` + `location.lines.begin`, shown in the merge request widget and
//! diff. Suppressed findings are left out (GitLab has no notion of them); a finding without a
//! file is placed on its resource's address, or on `.` for the change as a whole.

use anyhow::Result;
use serde_json::json;

use super::Render;
use crate::policy::{Finding, Level, Outcome};

pub struct CodeQualityReport;

/// Severity from level and risk: denies are blocker (risk 80+) or critical, warnings major
/// (risk 50+) or minor, notes info.
pub fn severity(f: &Finding) -> &'static str {
    match f.level {
        Level::Error if f.risk >= 80 => "blocker",
        Level::Error => "critical",
        Level::Warning if f.risk >= 50 => "major",
        Level::Warning => "minor",
        Level::Note => "info",
    }
}

impl Render for CodeQualityReport {
    fn render(&self, o: &Outcome) -> Result<String> {
        let issues: Vec<serde_json::Value> = o
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .map(|f| {
                let path = f
                    .path
                    .clone()
                    .or_else(|| f.resource.clone())
                    .unwrap_or_else(|| ".".to_string());
                let begin = f.line.unwrap_or(1).max(1);
                let mut lines = json!({ "begin": begin });
                if let Some(end) = f.end_line.filter(|e| *e >= begin) {
                    lines["end"] = json!(end);
                }
                json!({
                    "type": "issue",
                    "description": format!("{} ({})", f.message, f.rule),
                    "check_name": f.rule,
                    "fingerprint": f.fingerprint,
                    "severity": severity(f),
                    "categories": ["Security"],
                    "location": { "path": path, "lines": lines },
                })
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&issues)?;
        s.push('\n');
        Ok(s)
    }
}
