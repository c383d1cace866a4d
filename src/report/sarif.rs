//! SARIF 2.1.0, shaped for GitHub code scanning: one run, every loaded rule as a reporting
//! descriptor with a string `security-severity`, repository-relative locations under
//! `%SRCROOT%`, stable partial fingerprints, `rank` = the finding's risk, and the verdict in
//! the run's properties. `results` is always present (GitHub rejects a run without it).

use std::collections::BTreeMap;

use anyhow::Result;
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactLocation, Location, LogicalLocation, Message, MultiformatMessageString,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run, RunAutomationDetails, Sarif, Suppression, Tool,
    ToolComponent,
};

use super::Render;
use crate::policy::{Level, Outcome, SuppressionKind};

pub struct SarifReport;

const SRCROOT: &str = "%SRCROOT%";

fn level(l: Level) -> ResultLevel {
    match l {
        Level::Error => ResultLevel::Error,
        Level::Warning => ResultLevel::Warning,
        Level::Note => ResultLevel::Note,
    }
}

fn text(s: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder()
        .text(s.to_string())
        .build()
}

fn props(map: BTreeMap<String, serde_json::Value>, tags: Option<Vec<String>>) -> PropertyBag {
    match tags {
        Some(t) => PropertyBag::builder()
            .tags(t)
            .additional_properties(map)
            .build(),
        None => PropertyBag::builder().additional_properties(map).build(),
    }
}

impl Render for SarifReport {
    fn render(&self, o: &Outcome) -> Result<String> {
        let ids: Vec<&String> = o.rules.keys().collect();
        let rules: Vec<ReportingDescriptor> = o
            .rules
            .values()
            .map(|r| {
                let mut p = BTreeMap::new();
                p.insert(
                    "security-severity".into(),
                    json!(format!("{:.1}", r.security_severity)),
                );
                p.insert("category".into(), json!(r.category));
                let help_text = if r.help.is_empty() {
                    r.summary.clone()
                } else {
                    r.help.clone()
                };
                let mut tags = r.tags.clone();
                tags.truncate(20);
                ReportingDescriptor::builder()
                    .id(r.id.clone())
                    .name(pascal(&r.name))
                    .short_description(text(&r.name))
                    .full_description(text(&r.summary))
                    .help(
                        MultiformatMessageString::builder()
                            .text(help_text.clone())
                            .markdown(help_text)
                            .build(),
                    )
                    .default_configuration(
                        ReportingConfiguration::builder()
                            .level(json!(default_level(r.security_severity)))
                            .build(),
                    )
                    .properties(props(p, Some(tags)))
                    .build()
            })
            .collect();

        let fallback_path = o.facts.change.files.first().map(|f| f.path.clone());
        let results: Vec<SarifResult> = o
            .findings
            .iter()
            .map(|f| {
                let path = f.path.clone().or_else(|| fallback_path.clone());
                let mut loc = Location::builder().build();
                if let Some(path) = path {
                    let mut region = Region::builder()
                        .start_line(i64::from(f.line.unwrap_or(1)))
                        .build();
                    if let Some(c) = f.column {
                        region.start_column = Some(i64::from(c));
                    }
                    if let Some(e) = f.end_line.filter(|e| Some(*e) >= f.line) {
                        region.end_line = Some(i64::from(e));
                    }
                    loc.physical_location = Some(
                        PhysicalLocation::builder()
                            .artifact_location(
                                ArtifactLocation::builder()
                                    .uri(uri_escape(&path))
                                    .uri_base_id(SRCROOT)
                                    .build(),
                            )
                            .region(region)
                            .build(),
                    );
                }
                if let Some(res) = &f.resource {
                    loc.logical_locations = Some(vec![LogicalLocation::builder()
                        .fully_qualified_name(res.clone())
                        .kind("resource")
                        .build()]);
                }
                let mut fp = BTreeMap::new();
                fp.insert(
                    "primaryLocationLineHash".to_string(),
                    format!("{}:1", f.fingerprint),
                );
                fp.insert("gateFinding/v1".to_string(), f.fingerprint.clone());
                let mut p = BTreeMap::new();
                p.insert("risk".into(), json!(f.risk));
                p.insert("category".into(), json!(f.category));
                if let Some(r) = &f.risk_reason {
                    p.insert("riskReason".into(), json!(r));
                }
                let mut r = SarifResult::builder()
                    .rule_id(f.rule.clone())
                    .level(level(f.level))
                    .message(Message::builder().text(f.message.clone()).build())
                    .locations(vec![loc])
                    .partial_fingerprints(fp)
                    .rank(f64::from(f.risk))
                    .properties(props(p, None))
                    .build();
                if let Some(i) = ids.iter().position(|id| **id == f.rule) {
                    r.rule_index = Some(i as i64);
                }
                if let Some(s) = &f.suppressed {
                    let kind = if s.kind == SuppressionKind::Inline {
                        "inSource"
                    } else {
                        "external"
                    };
                    r.suppressions = Some(vec![Suppression::builder()
                        .kind(json!(kind))
                        .justification(format!("{}: {}", s.kind, s.reason))
                        .build()]);
                }
                r
            })
            .collect();

        let v = &o.verdict;
        let mut run_props = BTreeMap::new();
        run_props.insert("score".into(), json!(v.score));
        run_props.insert("band".into(), json!(v.band));
        run_props.insert("decision".into(), json!(v.decision));
        run_props.insert("reasons".into(), json!(v.reasons));
        run_props.insert("contributors".into(), json!(v.contributors));
        run_props.insert("aiGenerated".into(), json!(o.facts.provenance.ai_generated));
        run_props.insert("aiSignals".into(), json!(o.facts.provenance.signals));
        if let Some(b) = &o.facts.change.base {
            run_props.insert("base".into(), json!(b));
        }
        if let Some(h) = &o.facts.change.head {
            run_props.insert("head".into(), json!(h));
        }

        let driver = ToolComponent::builder()
            .name("gate")
            .full_name(format!("gate {}", env!("CARGO_PKG_VERSION")))
            .version(env!("CARGO_PKG_VERSION"))
            .semantic_version(env!("CARGO_PKG_VERSION"))
            .information_uri("https://crates.io/crates/change-gate")
            .rules(rules)
            .build();
        let run = Run::builder()
            .tool(Tool::builder().driver(driver).build())
            .results(results)
            .automation_details(
                RunAutomationDetails::builder()
                    .id("gate/".to_string())
                    .build(),
            )
            .column_kind(json!("unicodeCodePoints"))
            .properties(props(run_props, None))
            .build();
        let sarif = Sarif::builder()
            .schema("https://json.schemastore.org/sarif-2.1.0.json")
            .version(json!("2.1.0"))
            .runs(vec![run])
            .build();
        let mut s = serde_json::to_string_pretty(&sarif)?;
        s.push('\n');
        Ok(s)
    }
}

fn default_level(sev: f64) -> &'static str {
    if sev >= 7.0 {
        "error"
    } else if sev >= 4.0 {
        "warning"
    } else {
        "note"
    }
}

/// `Credential committed` -> `CredentialCommitted` (SARIF rule names are identifiers).
fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or_else(String::new, |f| {
                f.to_ascii_uppercase().to_string() + c.as_str()
            })
        })
        .collect()
}

/// A repository path as a relative URI reference (RFC 3986 section 4.2) under `%SRCROOT%`:
/// every byte but the unreserved characters and `/` is percent-encoded, so no name can give
/// the reference a scheme (`javascript:alert(1)`), a query, a fragment, an authority or an
/// escape of its own (`%2e`).
pub fn uri_escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_uris() {
        assert_eq!(
            pascal("Credential committed (live)"),
            "CredentialCommittedLive"
        );
        assert_eq!(uri_escape("dir/a b#c%.py"), "dir/a%20b%23c%25.py");
        assert_eq!(uri_escape("café"), "caf%C3%A9");
        assert_eq!(
            uri_escape("javascript:alert(1)"),
            "javascript%3Aalert%281%29"
        );
        assert_eq!(uri_escape("d/a%2e[1]?#.env"), "d/a%252e%5B1%5D%3F%23.env");
        assert_eq!(uri_escape("x@evil:80/y"), "x%40evil%3A80/y");
    }
}
