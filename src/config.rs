//! `.gate.yaml`: the user's settings, their defaults, and the glob sets compiled from them.
//!
//! Unknown keys are errors that name the key: a typo in a gate's configuration must not
//! silently turn a check off. The resolved configuration is handed to policies as
//! `data.gate.config`, so a policy can read the same thresholds and lists Rust uses.

use std::path::Path;

use anyhow::{Context, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};

pub const FILE_NAME: &str = ".gate.yaml";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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
    pub dependencies: crate::deps::DepsConfig,
    pub secrets: crate::secrets::SecretsConfig,
    pub telemetry: crate::telemetry::TelemetryConfig,
    pub ai: AiConfig,
    /// The exceptions file (default .gate-exceptions.yaml, when present).
    pub exceptions: Option<String>,
    /// The baseline file (default .gate-baseline.json, when present).
    pub baseline: Option<String>,
}

/// AI provenance settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AiConfig {
    /// Pull-request labels that mark a change as AI-authored.
    pub labels: Vec<String>,
    /// Apply the stricter profile to AI-authored changes (policies read it).
    pub strict: bool,
}

impl Default for AiConfig {
    fn default() -> Self {
        AiConfig {
            labels: [
                "ai-generated",
                "ai-assisted",
                "copilot",
                "claude",
                "cursor",
                "codex",
                "devin",
            ]
            .map(String::from)
            .to_vec(),
            strict: true,
        }
    }
}

/// Infrastructure plan settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct InfraConfig {
    /// Taxonomy entries checked before the built-in ones.
    pub taxonomy: Vec<crate::infra::taxonomy::TaxonomyEntry>,
    /// A plan changing at least this many resources is a mass change.
    pub mass_change: usize,
    /// A plan deleting or replacing at least this many resources is a mass deletion.
    pub mass_delete: usize,
    /// Ports that must never be open to the world.
    pub admin_ports: Vec<u16>,
}

impl Default for InfraConfig {
    fn default() -> Self {
        InfraConfig {
            taxonomy: Vec::new(),
            mass_change: 50,
            mass_delete: 10,
            admin_ports: vec![
                22, 23, 135, 139, 445, 1433, 1521, 2375, 2376, 2379, 3306, 3389, 5432, 5601, 5900,
                5984, 6379, 8020, 9042, 9200, 9300, 11211, 27017, 27018,
            ],
        }
    }
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
            dependencies: crate::deps::DepsConfig::default(),
            secrets: crate::secrets::SecretsConfig::default(),
            telemetry: crate::telemetry::TelemetryConfig::default(),
            ai: AiConfig::default(),
            exceptions: None,
            baseline: None,
        }
    }
}

/// Scores at or above `fail` fail the change; at or above `warn` they warn.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    pub fail: u32,
    pub warn: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { fail: 70, warn: 40 }
    }
}

/// Test-path conventions across ecosystems; `tests:` in the config adds to them.
const DEFAULT_TESTS: &[&str] = &[
    "**/test/**",
    "**/tests/**",
    "**/__tests__/**",
    "**/spec/**",
    "**/testdata/**",
    "**/fixtures/**",
    "**/test_*.py",
    "**/*_test.py",
    "**/*_test.go",
    "**/*_test.rs",
    "**/*.test.*",
    "**/*.spec.*",
    "**/*Test.java",
    "**/*Tests.java",
    "**/conftest.py",
];

const DEFAULT_GENERATED: &[&str] = &[
    "**/vendor/**",
    "**/node_modules/**",
    "**/dist/**",
    "**/*.min.js",
    "**/*.min.css",
    "**/*.pb.go",
    "**/*_pb2.py",
    "**/*.generated.*",
    "**/*_generated.*",
    "**/package-lock.json",
    "**/yarn.lock",
    "**/pnpm-lock.yaml",
    "**/Cargo.lock",
    "**/poetry.lock",
    "**/uv.lock",
    "**/go.sum",
    "**/Gemfile.lock",
];

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
        self.telemetry.budget_bytes()?;
        Ok(())
    }
}

/// The configuration with its globs compiled once.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub config: Config,
    ignore: GlobSet,
    tests: GlobSet,
    critical: GlobSet,
    generated: GlobSet,
}

fn globset<'a>(field: &str, globs: impl IntoIterator<Item = &'a str>) -> Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        // `dir/` means everything below it; a bare name matches at any depth, as in .gitignore.
        let g = g.trim();
        let pattern = if let Some(dir) = g.strip_suffix('/') {
            format!("{dir}/**")
        } else {
            g.to_string()
        };
        let glob = Glob::new(&pattern).with_context(|| format!("{field}: invalid glob {g:?}"))?;
        b.add(glob);
        if !pattern.contains('/') {
            let deep = format!("**/{pattern}");
            b.add(Glob::new(&deep).with_context(|| format!("{field}: invalid glob {g:?}"))?);
        }
    }
    b.build()
        .with_context(|| format!("{field}: cannot compile globs"))
}

impl Resolved {
    pub fn new(config: Config) -> Result<Resolved> {
        let ignore = globset("ignore", config.ignore.iter().map(String::as_str))?;
        let tests = globset(
            "tests",
            DEFAULT_TESTS
                .iter()
                .copied()
                .chain(config.tests.iter().map(String::as_str)),
        )?;
        let critical = globset("critical", config.critical.iter().map(String::as_str))?;
        let generated = globset(
            "generated",
            DEFAULT_GENERATED
                .iter()
                .copied()
                .chain(config.generated.iter().map(String::as_str)),
        )?;
        Ok(Resolved {
            config,
            ignore,
            tests,
            critical,
            generated,
        })
    }

    pub fn is_ignored(&self, path: &str) -> bool {
        self.ignore.is_match(path)
    }
    pub fn is_test(&self, path: &str) -> bool {
        self.tests.is_match(path)
    }
    pub fn is_critical(&self, path: &str) -> bool {
        self.critical.is_match(path)
    }
    pub fn is_generated(&self, path: &str) -> bool {
        self.generated.is_match(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(r.is_ignored("x/y.snap"));
        assert!(!r.is_ignored("src/docs.rs"));
        assert!(r.is_critical("src/payments/charge.py"));
        assert!(r.is_test("pkg/foo_test.go"));
        assert!(r.is_test("tests/it.rs"));
        assert!(!r.is_test("src/testing_utils.rs"));
        assert!(r.is_generated("web/node_modules/x/index.js"));
    }

    #[test]
    fn bad_thresholds_and_globs_are_errors() {
        assert!(Config::parse("thresholds: {fail: 30, warn: 50}\n", "t").is_err());
        let cfg = Config::parse("ignore: ['a[']\n", "t").expect("parses");
        assert!(Resolved::new(cfg).is_err());
    }
}
