//! GitLab Code Quality (a subset of the Code Climate issue format): a JSON array of issues with
//! `description`, `check_name`, `fingerprint`, `severity` (info, minor, major, critical,
//! blocker) and `location.path` + `location.lines.begin`, shown in the merge request widget and
//! diff. Suppressed findings are left out (GitLab has no notion of them); a finding without a
//! file is placed on its resource's address, or on `.` for the change as a whole. Each input
//! gate could not read is a blocker issue (`gate-unreadable-input`) at its place.

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
        let mut issues = issues;
        for e in &o.errors {
            use sha2::{Digest, Sha256};
            let digest = Sha256::digest(format!("gate-unreadable-input\0{}", e.place()));
            let fingerprint: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            issues.push(json!({
                "type": "issue",
                "description": format!("gate could not read this input: {}", e.message),
                "check_name": "gate-unreadable-input",
                "fingerprint": fingerprint,
                "severity": "blocker",
                "categories": ["Bug Risk"],
                "location": { "path": e.path, "lines": { "begin": e.line.unwrap_or(1).max(1) } },
            }));
        }
        let mut s = serde_json::to_string_pretty(&issues)?;
        s.push('\n');
        Ok(s)
    }
}
