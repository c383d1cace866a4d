//! Which analyzers a check runs: all of them by default, fewer with `--only`/`--skip` or
//! `analyzers:` in the configuration (a secrets-only pre-commit hook or CI job).
//!
//! A selection is never a silent pass. What did not run is recorded in the facts
//! (`coverage.analyzers`), reported by GATE-COV-006 and named in the reports' "checked"
//! line; and the findings of a rule that judges a skipped analyzer's facts are dropped
//! ([`Selection::drops`]), so that "no telemetry" is never reported because telemetry did not
//! look. The secret scan always runs: it masks secret values before any other analyzer,
//! policy or report sees the change.
//!
//! This module sits below everything (it imports nothing of the crate): the CLI, the
//! configuration and the facts all name analyzers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// An analyzer a check can run or skip.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Analyzer {
    /// The secret scan (always runs: it masks secret values for everything after it).
    Secrets,
    /// Manifests, lockfiles and advisories (`gate.dependencies`).
    Dependencies,
    /// Tree-sitter analysis of touched functions' instrumentation (`gate.telemetry`).
    Telemetry,
    /// Infrastructure plans (`--plan`, `gate.infra`) and GATE-CHG-002 (code without a plan).
    Infra,
    /// Production signals joined to the touched functions (`gate.production`; needs telemetry).
    Production,
    /// AI-authorship signals from commits, trailers, labels and `--ai`.
    Provenance,
    /// AI-typical smells in added lines: placeholders, duplicated blocks, weakened tests.
    Smells,
    /// What each changed CI workflow, pre-commit configuration and CODEOWNERS line does.
    Ci,
}

impl Analyzer {
    pub const ALL: [Analyzer; 8] = [
        Analyzer::Secrets,
        Analyzer::Dependencies,
        Analyzer::Telemetry,
        Analyzer::Infra,
        Analyzer::Production,
        Analyzer::Provenance,
        Analyzer::Smells,
        Analyzer::Ci,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Analyzer::Secrets => "secrets",
            Analyzer::Dependencies => "dependencies",
            Analyzer::Telemetry => "telemetry",
            Analyzer::Infra => "infra",
            Analyzer::Production => "production",
            Analyzer::Provenance => "provenance",
            Analyzer::Smells => "smells",
            Analyzer::Ci => "ci",
        }
    }

    /// The analyzer whose facts a built-in rule judges, when its findings mean nothing once
    /// that analyzer did not run: by the rule's package (`gate.telemetry` ...), and the rules
    /// of other packages that read an analyzer's facts or absence. Rules over empty facts
    /// report nothing; these are the ones that would report an absence, and the packages
    /// whose every rule belongs to one analyzer.
    fn owning(category: &str, rule: &str) -> Option<Analyzer> {
        match (category, rule) {
            ("dependencies", _) => Some(Analyzer::Dependencies),
            ("telemetry", _) => Some(Analyzer::Telemetry),
            ("infra", _) | (_, "GATE-CHG-002") => Some(Analyzer::Infra),
            ("production", _) => Some(Analyzer::Production),
            _ => None,
        }
    }
}

impl std::fmt::Display for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// `analyzers:` in `.gate.yaml`: which analyzers checks run.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AnalyzersConfig {
    /// Run only these (the secret scan always runs); empty: all.
    pub only: Vec<Analyzer>,
    /// Do not run these (`secrets` cannot be skipped).
    pub skip: Vec<Analyzer>,
}

/// What the command line asks for, on top of the configuration: `--only` replaces
/// `analyzers.only`, `--skip` adds to `analyzers.skip`.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub only: Vec<Analyzer>,
    pub skip: Vec<Analyzer>,
}

/// An analyzer that did not run, and why (`coverage.analyzers.not_run`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotRun {
    pub analyzer: Analyzer,
    /// What left it out: `--only secrets`, `--skip telemetry`, `analyzers.only in the
    /// configuration`, `analyzers.skip in the configuration`, or `needs telemetry`.
    pub reason: String,
}

/// `coverage.analyzers`: the analyzers that ran and those that did not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Selection {
    pub run: Vec<Analyzer>,
    pub not_run: Vec<NotRun>,
}

impl Default for Selection {
    fn default() -> Self {
        Selection {
            run: Analyzer::ALL.to_vec(),
            not_run: Vec::new(),
        }
    }
}

/// A selection that cannot be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SelectionError {
    #[error("secrets cannot be skipped ({0}): the secret scan always runs, it masks secret values before any other analyzer, policy or report sees the change")]
    SecretsSkipped(&'static str),
}

impl Selection {
    /// The selection of the configuration and the command line.
    pub fn resolve(cfg: &AnalyzersConfig, req: &Request) -> Result<Selection, SelectionError> {
        if cfg.skip.contains(&Analyzer::Secrets) {
            return Err(SelectionError::SecretsSkipped(
                "analyzers.skip in the configuration",
            ));
        }
        if req.skip.contains(&Analyzer::Secrets) {
            return Err(SelectionError::SecretsSkipped("--skip"));
        }
        let list = |l: &[Analyzer]| {
            let mut l = l.to_vec();
            l.sort();
            l.dedup();
            l.iter().map(|a| a.name()).collect::<Vec<_>>().join(",")
        };
        let mut reasons: BTreeMap<Analyzer, String> = BTreeMap::new();
        let (only, only_reason) = if !req.only.is_empty() {
            (&req.only, format!("--only {}", list(&req.only)))
        } else {
            (&cfg.only, "analyzers.only in the configuration".to_string())
        };
        for a in Analyzer::ALL {
            if !only.is_empty() && a != Analyzer::Secrets && !only.contains(&a) {
                reasons.entry(a).or_insert_with(|| only_reason.clone());
            }
        }
        for a in &req.skip {
            reasons
                .entry(*a)
                .or_insert_with(|| format!("--skip {}", list(&req.skip)));
        }
        for a in &cfg.skip {
            reasons
                .entry(*a)
                .or_insert_with(|| "analyzers.skip in the configuration".to_string());
        }
        // Production signals are joined to the functions telemetry finds.
        if reasons.contains_key(&Analyzer::Telemetry) {
            reasons
                .entry(Analyzer::Production)
                .or_insert_with(|| "needs telemetry".to_string());
        }
        Ok(Selection {
            run: Analyzer::ALL
                .into_iter()
                .filter(|a| !reasons.contains_key(a))
                .collect(),
            not_run: reasons
                .into_iter()
                .map(|(analyzer, reason)| NotRun { analyzer, reason })
                .collect(),
        })
    }

    /// Whether `a` runs.
    pub fn runs(&self, a: Analyzer) -> bool {
        self.run.contains(&a)
    }

    /// Whether every analyzer runs.
    pub fn is_all(&self) -> bool {
        self.not_run.is_empty()
    }

    /// Whether a finding of `rule` in the package `category` (`telemetry` for
    /// `gate.telemetry`) is dropped: the analyzer it judges did not run.
    pub fn drops(&self, category: &str, rule: &str) -> bool {
        Analyzer::owning(category, rule).is_some_and(|a| !self.runs(a))
    }

    /// Whether every finding of the policy package `pkg` (`gate.telemetry`) is dropped, as
    /// [`Selection::drops`] would drop each: the package need not be evaluated.
    pub fn drops_package(&self, pkg: &str) -> bool {
        let category = pkg.trim_start_matches("gate.");
        // A rule id no package owns by name: only the package decides.
        Analyzer::owning(category, "").is_some_and(|a| !self.runs(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(only: &[Analyzer], skip: &[Analyzer]) -> Request {
        Request {
            only: only.to_vec(),
            skip: skip.to_vec(),
        }
    }

    #[test]
    fn analyzer_selection_defaults_to_all() {
        let s = Selection::resolve(&AnalyzersConfig::default(), &Request::default())
            .expect("a valid selection");
        assert!(s.is_all());
        assert_eq!(s, Selection::default());
        assert!(!s.drops("telemetry", "GATE-TEL-001"));
        assert!(!s.drops_package("gate.telemetry"));
    }

    #[test]
    fn analyzer_selection_only_secrets_names_every_other_analyzer() {
        let s = Selection::resolve(&AnalyzersConfig::default(), &req(&[Analyzer::Secrets], &[]))
            .expect("a valid selection");
        assert_eq!(s.run, vec![Analyzer::Secrets]);
        assert_eq!(s.not_run.len(), 7);
        assert!(s.not_run.iter().all(|n| n.reason == "--only secrets"));
        assert!(s.drops("telemetry", "GATE-TEL-005"));
        assert!(s.drops("change", "GATE-CHG-002"));
        assert!(s.drops("dependencies", "GATE-DEP-001"));
        assert!(!s.drops("secrets", "GATE-SEC-001"));
        assert!(!s.drops("coverage", "GATE-COV-006"));
        assert!(!s.drops("change", "GATE-CHG-001"));
        for pkg in [
            "gate.telemetry",
            "gate.dependencies",
            "gate.infra",
            "gate.production",
        ] {
            assert!(s.drops_package(pkg), "{pkg}");
        }
        // A package with one dropped rule among others is still evaluated.
        for pkg in [
            "gate.secrets",
            "gate.change",
            "gate.coverage",
            "gate.governance",
        ] {
            assert!(!s.drops_package(pkg), "{pkg}");
        }
    }

    #[test]
    fn analyzer_selection_always_runs_secrets_and_production_needs_telemetry() {
        let s = Selection::resolve(
            &AnalyzersConfig {
                only: vec![],
                skip: vec![Analyzer::Smells],
            },
            &req(
                &[Analyzer::Dependencies, Analyzer::Telemetry],
                &[Analyzer::Telemetry],
            ),
        )
        .expect("a valid selection");
        assert_eq!(s.run, vec![Analyzer::Secrets, Analyzer::Dependencies]);
        let why: BTreeMap<Analyzer, &str> = s
            .not_run
            .iter()
            .map(|n| (n.analyzer, n.reason.as_str()))
            .collect();
        assert_eq!(why[&Analyzer::Telemetry], "--skip telemetry");
        assert_eq!(why[&Analyzer::Infra], "--only dependencies,telemetry");
        assert_eq!(why[&Analyzer::Smells], "--only dependencies,telemetry");
        assert_eq!(why[&Analyzer::Production], "--only dependencies,telemetry");
        let s = Selection::resolve(
            &AnalyzersConfig {
                only: vec![],
                skip: vec![Analyzer::Telemetry],
            },
            &Request::default(),
        )
        .expect("a valid selection");
        let why: BTreeMap<Analyzer, &str> = s
            .not_run
            .iter()
            .map(|n| (n.analyzer, n.reason.as_str()))
            .collect();
        assert_eq!(
            why[&Analyzer::Telemetry],
            "analyzers.skip in the configuration"
        );
        assert_eq!(why[&Analyzer::Production], "needs telemetry");
    }

    #[test]
    fn analyzer_selection_refuses_to_skip_secrets() {
        let err = Selection::resolve(&AnalyzersConfig::default(), &req(&[], &[Analyzer::Secrets]))
            .expect_err("secrets cannot be skipped");
        assert!(err
            .to_string()
            .starts_with("secrets cannot be skipped (--skip)"));
        let cfg = AnalyzersConfig {
            only: vec![],
            skip: vec![Analyzer::Secrets],
        };
        assert!(Selection::resolve(&cfg, &Request::default()).is_err());
    }
}
