//! `.gate.yaml`: the user's settings, their defaults, and the path rules compiled from them.
//!
//! The top level holds what the whole gate shares (paths, thresholds, rule switches, policy
//! directories, exceptions and baseline files); each analyzer owns its section (`secrets`,
//! `dependencies`, `infra`, `telemetry`, `ai`) with its defaults, its validation and its own
//! `weakened_by`, and this module composes them.
//!
//! Unknown keys are errors that name the key: a typo in a gate's configuration must not
//! silently turn a check off. The resolved configuration is handed to policies as
//! `data.gate.config`, so a policy can read the same thresholds and lists Rust uses.

pub mod exceptions;

use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::deps::DepsConfig;
use crate::infra::InfraConfig;
use crate::paths::{PathLists, PathRules};
use crate::provenance::AiConfig;
use crate::secrets::SecretsConfig;
use crate::signals::ProductionConfig;
use crate::telemetry::TelemetryConfig;
use crate::weakening::{added, checked, removed, FieldRule};

pub const FILE_NAME: &str = crate::paths::table::CONFIG_FILE;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Extra policy directories (relative to the repository root), loaded after the built-ins.
    pub policies: Vec<String>,
    /// Paths that are never checked.
    pub ignore: Vec<String>,
    /// Paths that count as tests, in addition to the usual conventions.
    pub tests: Vec<String>,
    /// Paths whose changes deserve more scrutiny (payments, auth, migrations ...).
    pub critical: Vec<String>,
    /// Paths that are generated, in addition to the usual conventions.
    pub generated: Vec<String>,
    pub thresholds: Thresholds,
    /// Rule ids whose findings are dropped.
    pub disable: Vec<String>,
    /// Free-form data for the user's own policies (`data.gate.config.data`).
    pub data: serde_json::Value,
    pub infra: InfraConfig,
    pub dependencies: DepsConfig,
    pub secrets: SecretsConfig,
    pub telemetry: TelemetryConfig,
    pub ai: AiConfig,
    /// Production feedback: trace exports or summaries, and the thresholds policies read.
    pub production: ProductionConfig,
    /// Which analyzers checks run (all by default): `only`, `skip`. What does not run is
    /// recorded in `coverage.analyzers` and reported (GATE-COV-006).
    pub analyzers: crate::analyzers::AnalyzersConfig,
    /// The exceptions file (default .gate-exceptions.yaml, when present).
    pub exceptions: Option<String>,
    /// The baseline file (default .gate-baseline.json, when present).
    pub baseline: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            policies: Vec::new(),
            ignore: Vec::new(),
            tests: Vec::new(),
            critical: Vec::new(),
            generated: Vec::new(),
            thresholds: Thresholds::default(),
            disable: Vec::new(),
            data: serde_json::Value::Object(serde_json::Map::new()),
            infra: InfraConfig::default(),
            dependencies: DepsConfig::default(),
            secrets: SecretsConfig::default(),
            telemetry: TelemetryConfig::default(),
            ai: AiConfig::default(),
            production: ProductionConfig::default(),
            analyzers: crate::analyzers::AnalyzersConfig::default(),
            exceptions: None,
            baseline: None,
        }
    }
}

/// A change fails on a blocking finding; its score (warnings add up) warns at or above `warn`,
/// and fails at or above `fail` only when `fail_on_score` is set (docs/risk.md).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// The score (0-100) at or above which a change fails, when `fail_on_score` is set.
    pub fail: u32,
    /// The score (0-100) at or above which a change warns.
    pub warn: u32,
    /// Fail a change whose score reaches `fail` even without a blocking finding.
    pub fail_on_score: bool,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            fail: 70,
            warn: 40,
            fail_on_score: false,
        }
    }
}

/// Where the schema of this version is published: the file `gate config schema` writes is
/// kept in the repository at this path (a test holds them equal), so the tag's raw URL serves
/// it to editors.
pub const SCHEMA_PATH: &str = "docs/gate.schema.json";

/// The JSON Schema of .gate.yaml, from the types serde reads it into (unknown keys refused,
/// every key optional with its default, doc comments as descriptions), ending in a newline.
pub fn schema() -> String {
    let mut schema = schemars::schema_for!(Config);
    schema.insert(
        "$id".into(),
        serde_json::Value::String(format!(
            "https://raw.githubusercontent.com/change-gate/gate/v{}/{SCHEMA_PATH}",
            env!("CARGO_PKG_VERSION")
        )),
    );
    schema.insert(
        "title".into(),
        serde_json::Value::String(".gate.yaml".into()),
    );
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serializes");
    text.push('\n');
    text
}

impl Config {
    /// Parses YAML; the error names the file and the line and column serde_yaml reports.
    pub fn parse(text: &str, origin: &str) -> Result<Config> {
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        let cfg: Config = serde_yaml::from_str(text)
            .with_context(|| format!("invalid configuration in {origin}"))?;
        cfg.validate()
            .with_context(|| format!("invalid configuration in {origin}"))?;
        Ok(cfg)
    }

    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read configuration {}", path.display()))?;
        Config::parse(&text, &path.display().to_string())
    }

    fn validate(&self) -> Result<()> {
        if self.thresholds.fail > 100 || self.thresholds.warn > self.thresholds.fail {
            anyhow::bail!(
                "thresholds: need 0 <= warn <= fail <= 100, got warn {} and fail {}",
                self.thresholds.warn,
                self.thresholds.fail
            );
        }
        if !self.data.is_object() {
            anyhow::bail!("data: must be a mapping");
        }
        self.telemetry.validate()?;
        self.production.validate()?;
        Ok(())
    }

    /// The policy data of this configuration (`data.gate.config`).
    pub fn policy_data(&self) -> Result<serde_json::Value> {
        Ok(serde_json::json!({"gate": {"config": serde_json::to_value(self)?}}))
    }

    /// How `after` weakens this configuration: rules disabled, thresholds raised, paths hidden,
    /// policies dropped, and each section's own weakenings.
    pub fn weakened_by(&self, after: &Config) -> Vec<String> {
        let mut w = Vec::new();
        for id in added(&self.disable, &after.disable) {
            w.push(format!("disables {id}"));
        }
        if after.thresholds.fail > self.thresholds.fail {
            w.push(format!(
                "raises the fail threshold {} -> {}",
                self.thresholds.fail, after.thresholds.fail
            ));
        }
        if self.thresholds.fail_on_score && !after.thresholds.fail_on_score {
            w.push("stops failing on the score (thresholds.fail_on_score)".into());
        }
        if after.thresholds.warn > self.thresholds.warn {
            w.push(format!(
                "raises the warn threshold {} -> {}",
                self.thresholds.warn, after.thresholds.warn
            ));
        }
        for g in added(&self.ignore, &after.ignore) {
            w.push(format!("ignores {g}"));
        }
        for g in added(&self.tests, &after.tests) {
            w.push(format!("treats {g} as tests"));
        }
        for g in added(&self.generated, &after.generated) {
            w.push(format!("treats {g} as generated"));
        }
        for g in removed(&self.critical, &after.critical) {
            w.push(format!("stops treating {g} as critical"));
        }
        for d in removed(&self.policies, &after.policies) {
            w.push(format!("drops policy directory {d}"));
        }
        if let (Some(b), Some(a)) = (self.data.as_object(), after.data.as_object()) {
            for (k, v) in b {
                match a.get(k) {
                    None => w.push(format!("removes data.{k} (read by custom policies)")),
                    Some(x) if x != v => {
                        w.push(format!("changes data.{k} (read by custom policies)"))
                    }
                    Some(_) => {}
                }
            }
        }
        if self.exceptions != after.exceptions {
            w.push("points exceptions at another file".into());
        }
        if self.baseline != after.baseline {
            w.push("points the baseline at another file".into());
        }
        let runs = |c: &Config| {
            crate::analyzers::Selection::resolve(&c.analyzers, &Default::default())
                .map(|s| s.run)
                .unwrap_or_default()
        };
        let ran = runs(self);
        for a in removed(&ran, &runs(after)) {
            w.push(format!("stops running the {a} analyzer (analyzers:)"));
        }
        w.extend(self.infra.weakened_by(&after.infra));
        w.extend(self.dependencies.weakened_by(&after.dependencies));
        w.extend(self.secrets.weakened_by(&after.secrets));
        w.extend(self.telemetry.weakened_by(&after.telemetry));
        w.extend(self.ai.weakened_by(&after.ai));
        w.extend(self.production.weakened_by(&after.production));
        w
    }
}

/// The top-level fields and how each can weaken the gate (sections keep their own tables).
pub const WEAKENINGS: &[FieldRule] = &[
    checked("policies", "policies: [org-policies]", "policies: []"),
    checked("ignore", "ignore: []", "ignore: ['src/**']"),
    checked("tests", "tests: []", "tests: ['src/**']"),
    checked("critical", "critical: ['src/payments/**']", "critical: []"),
    checked("generated", "generated: []", "generated: ['src/**']"),
    checked(
        "thresholds.fail",
        "thresholds: {fail: 70}",
        "thresholds: {fail: 95}",
    ),
    checked(
        "thresholds.fail_on_score",
        "thresholds: {fail_on_score: true}",
        "thresholds: {fail_on_score: false}",
    ),
    checked(
        "thresholds.warn",
        "thresholds: {warn: 40}",
        "thresholds: {warn: 60}",
    ),
    checked("disable", "disable: []", "disable: [GATE-SEC-001]"),
    checked("data", "data: {max_files: 10}", "data: {max_files: 1000}"),
    checked("exceptions", "{}", "exceptions: elsewhere.yaml"),
    checked("baseline", "{}", "baseline: elsewhere.json"),
    checked("analyzers.only", "{}", "analyzers: {only: [secrets]}"),
    checked("analyzers.skip", "{}", "analyzers: {skip: [telemetry]}"),
];

/// Every section's field table, by the section's key in `.gate.yaml` (`""`: the top level).
pub fn weakening_tables() -> [(&'static str, &'static [FieldRule]); 7] {
    [
        ("", WEAKENINGS),
        ("infra", crate::infra::config::WEAKENINGS),
        ("dependencies", crate::deps::WEAKENINGS),
        ("secrets", crate::secrets::WEAKENINGS),
        ("telemetry", crate::telemetry::WEAKENINGS),
        ("ai", crate::provenance::WEAKENINGS),
        ("production", crate::signals::WEAKENINGS),
    ]
}

/// The configuration with its path lists compiled once.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub config: Config,
    pub paths: PathRules,
}

impl Resolved {
    pub fn new(config: Config) -> Result<Resolved> {
        let paths = PathRules::new(PathLists {
            ignore: &config.ignore,
            tests: &config.tests,
            critical: &config.critical,
            generated: &config.generated,
            policies: &config.policies,
        })?;
        Ok(Resolved { config, paths })
    }

    pub fn is_ignored(&self, path: &str) -> bool {
        self.paths.is_ignored(path)
    }
    pub fn is_test(&self, path: &str) -> bool {
        self.paths.is_test(path)
    }
    pub fn is_critical(&self, path: &str) -> bool {
        self.paths.is_critical(path)
    }
    pub fn is_generated(&self, path: &str) -> bool {
        self.paths.is_generated(path)
    }
}

/// Facts about the gate's own configuration in this change (`input.governance`).
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Governance {
    /// `base`, `worktree`, `explicit` or `default`.
    pub config_source: String,
    /// The revision the configuration was read from, with `base`.
    pub config_revision: Option<String>,
    pub config_changed: bool,
    pub policies_changed: bool,
    pub exceptions_changed: bool,
    /// How the change weakens the gate, compared with the configuration it replaces.
    pub weakened: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::weakening::Weakens;

    #[test]
    fn unknown_keys_are_named() {
        let e = Config::parse("thresholds:\n  fail: 80\nignroe: [x]\n", ".gate.yaml")
            .expect_err("unknown key");
        let msg = format!("{e:#}");
        assert!(msg.contains("ignroe"), "{msg}");
        assert!(msg.contains(".gate.yaml"), "{msg}");
        assert!(msg.contains("line 3"), "{msg}");
    }

    #[test]
    fn defaults_and_globs() {
        let cfg = Config::parse(
            "ignore: [docs/, '*.snap']\ncritical: ['src/payments/**']\n",
            "t",
        )
        .expect("parses");
        assert_eq!(cfg.thresholds, Thresholds::default());
        let r = Resolved::new(cfg).expect("compiles");
        assert!(r.is_ignored("docs/a/b.md"));
        assert!(r.is_critical("src/payments/charge.py"));
        assert!(r.is_test("tests/it.rs"));
    }

    #[test]
    fn bad_thresholds_and_globs_are_errors() {
        assert!(Config::parse("thresholds: {fail: 30, warn: 50}\n", "t").is_err());
        let cfg = Config::parse("ignore: ['a[']\n", "t").expect("parses");
        assert!(Resolved::new(cfg).is_err());
    }

    /// The fields of the default configuration as `.gate.yaml` spells them: top-level keys,
    /// and `section.key` for the sections that keep a field table.
    fn fields() -> Vec<String> {
        let tables = weakening_tables();
        let value = serde_json::to_value(Config::default()).expect("serializes");
        let mut out = Vec::new();
        for (k, v) in value.as_object().expect("an object") {
            let nested = tables.iter().find(|(s, _)| s == k).map(|(_, t)| t);
            let top_nested = WEAKENINGS
                .iter()
                .any(|r| r.field.starts_with(&format!("{k}.")));
            match (v.as_object(), nested.is_some() || top_nested) {
                (Some(o), true) => out.extend(o.keys().map(|f| format!("{k}.{f}"))),
                _ => out.push(k.clone()),
            }
        }
        out
    }

    /// Every field has a weakening rule or a documented reason it cannot weaken, and no table
    /// names a field that does not exist.
    #[test]
    fn every_field_has_a_weakening_rule() {
        let mut listed = Vec::new();
        for (section, table) in weakening_tables() {
            for r in table {
                listed.push(if section.is_empty() {
                    r.field.to_string()
                } else {
                    format!("{section}.{}", r.field)
                });
            }
        }
        let fields = fields();
        let missing: Vec<&String> = fields.iter().filter(|f| !listed.contains(f)).collect();
        assert!(
            missing.is_empty(),
            "configuration fields without a weakening rule (add one to the section's WEAKENINGS, \
             or say why it cannot weaken): {missing:?}"
        );
        let stale: Vec<&String> = listed.iter().filter(|f| !fields.contains(f)).collect();
        assert!(
            stale.is_empty(),
            "weakening rules for unknown fields: {stale:?}"
        );
    }

    /// Each rule's example weakens the gate (and its reverse does not report that field).
    #[test]
    fn every_weakening_rule_fires() {
        let wrap = |section: &str, yaml: &str| -> Config {
            let text = if section.is_empty() {
                yaml.to_string()
            } else {
                format!("{section}: {yaml}\n")
            };
            Config::parse(&text, "example").unwrap_or_else(|e| panic!("{text}: {e:#}"))
        };
        for (section, table) in weakening_tables() {
            for r in table {
                let Weakens::Yes { before, after } = r.weakens else {
                    continue;
                };
                let (b, a) = (wrap(section, before), wrap(section, after));
                let w = b.weakened_by(&a);
                assert!(
                    !w.is_empty(),
                    "{section}.{}: {after} does not weaken {before}",
                    r.field
                );
                assert!(
                    b.weakened_by(&b).is_empty(),
                    "{section}.{}: an unchanged configuration weakens itself",
                    r.field
                );
            }
        }
    }

    #[test]
    fn lowering_the_telemetry_budget_weakens_the_gate() {
        let before = Config::parse("telemetry: {budget_mb: 8}\n", "base").expect("config");
        let after = Config::parse("telemetry: {budget_mb: 0.5}\n", "head").expect("config");
        assert_eq!(
            before.weakened_by(&after),
            vec!["lowers the telemetry budget 8 MB -> 0.5 MB".to_string()]
        );
        assert!(after.weakened_by(&before).is_empty());
        // Omitting it means the default.
        let default = Config::parse("", "head").expect("config");
        assert!(before.weakened_by(&default).is_empty());
    }

    /// Disabling the AWS and GitHub detectors or allowlisting every value is tampering.
    #[test]
    fn switching_secret_detection_off_weakens_the_gate() {
        let base = Config::default();
        let off = Config::parse(
            "secrets:\n  disable: [aws-access-key-id, github-pat-classic]\n  allowlist: ['.*']\n",
            "head",
        )
        .expect("config");
        let w = base.weakened_by(&off);
        assert!(w.iter().any(|m| m.contains("aws-access-key-id")), "{w:?}");
        assert!(w.iter().any(|m| m.contains("github-pat-classic")), "{w:?}");
        assert!(w.iter().any(|m| m.contains(".*")), "{w:?}");
    }
}
