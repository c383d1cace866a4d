//! SARIF 2.1.0, shaped for GitHub code scanning: one run, every loaded rule as a reporting
//! descriptor with a string `security-severity`, repository-relative locations under
//! `%SRCROOT%`, stable partial fingerprints, `rank` = the finding's risk, and the verdict in
//! the run's properties. `results` is always present (GitHub rejects a run without it).
//!
//! Every result is in a file: the finding's path, or for a planned resource the plan file at
//! the resource's line. A finding about the change as a whole (a large change, say) has no
//! file, and GitHub rejects the whole upload when one result lacks an artifact location, so
//! such findings are not pinned on some file but listed in the run's `changeFindings`
//! property (every other report shows them as findings). Inputs that could not be read are
//! the invocation's error notifications, with `executionSuccessful: false`.

use std::collections::BTreeMap;

use anyhow::Result;
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, LogicalLocation, Message, MultiformatMessageString,
    Notification, PhysicalLocation, PropertyBag, Region, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, ResultLevel, Run, RunAutomationDetails, Sarif,
    Suppression, Tool, ToolComponent,
};

use super::Render;
use crate::errors::InputError;
use crate::policy::{Finding, Level, Outcome, SuppressionKind};

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

        // The plan file and line of each planned resource (by address or CDK construct
        // path), for findings that name only the resource.
        let mut resources: BTreeMap<&str, (&str, Option<u32>)> = BTreeMap::new();
        for p in &o.facts.infra.plans {
            for r in &p.resources {
                for name in std::iter::once(&r.address).chain(&r.construct_path) {
                    resources
                        .entry(name.as_str())
                        .or_insert((p.path.as_str(), r.line));
                }
            }
        }
        let place = |f: &Finding| -> Option<(String, Option<u32>)> {
            if let Some(p) = &f.path {
                return Some((p.clone(), f.line));
            }
            let (path, line) = resources.get(f.resource.as_deref()?)?;
            Some((path.to_string(), f.line.or(*line)))
        };
        let mut change_findings = Vec::new();
        let mut results: Vec<SarifResult> = Vec::new();
        for f in &o.findings {
            let Some((path, line)) = place(f) else {
                change_findings.push(json!({
                    "ruleId": f.rule,
                    "level": f.level.as_str(),
                    "message": f.message,
                    "risk": f.risk,
                    "fingerprint": f.fingerprint,
                    "suppressed": f.suppressed.is_some(),
                }));
                continue;
            };
            let hash = o
                .line_hashes
                .get(&path)
                .and_then(|h| h.get((line.unwrap_or(1) as usize).checked_sub(1)?))
                .cloned();
            results.push(result(
                f,
                &path,
                line,
                ids.iter().position(|id| **id == f.rule),
                hash,
            ));
        }

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
        if !change_findings.is_empty() {
            run_props.insert("changeFindings".into(), json!(change_findings));
        }

        let driver = ToolComponent::builder()
            .name("gate")
            .full_name(format!("gate {}", env!("CARGO_PKG_VERSION")))
            .version(env!("CARGO_PKG_VERSION"))
            .semantic_version(env!("CARGO_PKG_VERSION"))
            .information_uri("https://crates.io/crates/change-gate")
            .rules(rules)
            .build();
        let mut run = Run::builder()
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
        if !o.errors.is_empty() {
            run.invocations = Some(vec![invocation(&o.errors)]);
        }
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

/// One located finding as a SARIF result.
/// `line_hash` is GitHub's fingerprint of the line as upload-sarif computes it from the file;
/// when gate could not read the file (a `--diff` outside a checkout), its own fingerprint
/// stands in.
fn result(
    f: &Finding,
    path: &str,
    line: Option<u32>,
    rule_index: Option<usize>,
    line_hash: Option<String>,
) -> SarifResult {
    let mut loc = Location::builder().build();
    let mut region = Region::builder()
        .start_line(i64::from(line.unwrap_or(1)))
        .build();
    if let Some(c) = f.column {
        region.start_column = Some(i64::from(c));
    }
    if let Some(e) = f.end_line.filter(|e| Some(*e) >= line) {
        region.end_line = Some(i64::from(e));
    }
    loc.physical_location = Some(
        PhysicalLocation::builder()
            .artifact_location(
                ArtifactLocation::builder()
                    .uri(uri_escape(path))
                    .uri_base_id(SRCROOT)
                    .build(),
            )
            .region(region)
            .build(),
    );
    if let Some(res) = &f.resource {
        loc.logical_locations = Some(vec![LogicalLocation::builder()
            .fully_qualified_name(res.clone())
            .kind("resource")
            .build()]);
    }
    let mut fp = BTreeMap::new();
    fp.insert(
        "primaryLocationLineHash".to_string(),
        line_hash.unwrap_or_else(|| format!("{}:1", f.fingerprint)),
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
    if let Some(i) = rule_index {
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
}

/// The run's invocation when inputs could not be read: not successful, one error
/// notification per input, located in it.
fn invocation(errors: &[InputError]) -> Invocation {
    let notes: Vec<Notification> = errors
        .iter()
        .map(|e| {
            let mut region = Region::builder()
                .start_line(i64::from(e.line.unwrap_or(1)))
                .build();
            region.start_column = e.column.map(i64::from);
            let loc = Location::builder()
                .physical_location(
                    PhysicalLocation::builder()
                        .artifact_location(
                            ArtifactLocation::builder()
                                .uri(uri_escape(&e.path))
                                .uri_base_id(SRCROOT)
                                .build(),
                        )
                        .region(region)
                        .build(),
                )
                .build();
            Notification::builder()
                .level(json!("error"))
                .message(Message::builder().text(e.to_string()).build())
                .locations(vec![loc])
                .build()
        })
        .collect();
    Invocation::builder()
        .execution_successful(false)
        .tool_execution_notifications(notes)
        .build()
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
    use crate::facts::Facts;
    use crate::infra::{Plan, ResourceChange};
    use crate::policy::{Band, Decision, Verdict};

    fn finding(rule: &str, path: Option<&str>, resource: Option<&str>) -> Finding {
        Finding {
            rule: rule.into(),
            level: Level::Warning,
            message: format!("{rule} message"),
            category: "test".into(),
            risk: 10,
            risk_reason: None,
            path: path.map(str::to_string),
            line: path.map(|_| 7),
            column: None,
            end_line: None,
            resource: resource.map(str::to_string),
            fingerprint: format!("fp-{rule}"),
            suppressed: None,
        }
    }

    /// No finding is pinned on a file it is not about: a resource-only finding goes to its
    /// plan file at the resource's line; a change-wide one to the run's `changeFindings`.
    #[test]
    fn findings_without_a_path_are_not_put_on_a_changed_file() {
        let mut facts = Facts::default();
        facts.change.files = vec![crate::change::facts::FileFact {
            path: "src/first.rs".into(),
            old_path: None,
            status: crate::change::FileStatus::Modified,
            binary: false,
            language: Some("rust"),
            is_test: false,
            adds_tests: false,
            is_generated: false,
            is_critical: false,
            whole_file: false,
            old_mode: None,
            new_mode: None,
            additions: 1,
            deletions: 0,
            layout_only: false,
            role: None,
            destructive_statements: Vec::new(),
            hunks: Vec::new(),
        }];
        facts.infra.plans = vec![Plan {
            path: "infra/plan.json".into(),
            tool: "terraform".into(),
            resources: vec![ResourceChange {
                address: "aws_db_instance.main".into(),
                line: Some(42),
                ..ResourceChange::default()
            }],
            ..Plan::default()
        }];
        let o = Outcome {
            facts,
            findings: vec![
                finding("GATE-A", None, None),
                finding("GATE-B", None, Some("aws_db_instance.main")),
                finding("GATE-C", Some("src/x.rs"), None),
            ],
            rules: BTreeMap::new(),
            verdict: Verdict {
                score: 10,
                band: Band::Low,
                decision: Decision::Warn,
                reasons: Vec::new(),
                contributors: Vec::new(),
            },
            errors: Vec::new(),
            // src/x.rs is readable (line 7 has GitHub's hash); the plan file is not.
            line_hashes: BTreeMap::from([(
                "src/x.rs".to_string(),
                (1..=9).map(|i| format!("h{i}:1")).collect(),
            )]),
        };
        let doc: serde_json::Value =
            serde_json::from_str(&SarifReport.render(&o).expect("render")).expect("json");
        let run = &doc["runs"][0];
        let hashes: Vec<&str> = run["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                r["partialFingerprints"]["primaryLocationLineHash"]
                    .as_str()
                    .unwrap_or("")
            })
            .collect();
        let own = |rule: &str| {
            o.findings
                .iter()
                .find(|f| f.rule == rule)
                .map(|f| format!("{}:1", f.fingerprint))
                .unwrap_or_default()
        };
        assert_eq!(hashes, [own("GATE-B").as_str(), "h7:1"]);
        let placed: Vec<(String, String, i64)> = run["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                let pl = &r["locations"][0]["physicalLocation"];
                (
                    r["ruleId"].as_str().unwrap_or("").to_string(),
                    pl["artifactLocation"]["uri"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                    pl["region"]["startLine"].as_i64().unwrap_or(0),
                )
            })
            .collect();
        assert_eq!(
            placed,
            vec![
                ("GATE-B".to_string(), "infra/plan.json".to_string(), 42),
                ("GATE-C".to_string(), "src/x.rs".to_string(), 7),
            ]
        );
        let change = run["properties"]["changeFindings"]
            .as_array()
            .expect("listed");
        assert_eq!(change.len(), 1);
        assert_eq!(change[0]["ruleId"], "GATE-A");
        assert!(!doc.to_string().contains("src/first.rs"));
    }

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
