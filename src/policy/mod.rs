//! Rego decides. This module loads the built-in and user policies into one regorus engine,
//! evaluates every `gate.*` package's `deny`/`warn`/`info` sets against the facts (stage 1),
//! then hands the findings to `gate.verdict` (stage 2) for the score, band and decision.
//!
//! The engine is prepared once (policies parsed, data loaded, input set) and cloned per rayon
//! worker; each evaluation runs under a wall-clock limit so a runaway policy is an error, not
//! a hung CI job.

pub mod evaluate;
pub mod limits;
pub mod test;

pub use evaluate::{evaluate, Outcome};

use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroU32;
use std::path::Path;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use rayon::prelude::*;
use regorus::utils::limits::ExecutionTimerConfig;
use serde::{Deserialize, Serialize};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/builtin_policies.rs"));
}

/// One policy file.
#[derive(Debug, Clone)]
pub struct PolicySource {
    /// Path relative to its policy directory (`secrets/aws_access_key.rego`).
    pub rel: String,
    /// Where it came from, for error messages (`builtin:secrets/…`, a file path, `REV:path`).
    pub origin: String,
    pub text: String,
    pub builtin: bool,
}

impl PolicySource {
    pub fn is_test(&self) -> bool {
        self.rel.ends_with("_test.rego")
    }
}

/// The policies a run uses: built-ins, then user directories. A user file with the same
/// relative path as a built-in replaces it (that is how a built-in rule is overridden).
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    pub sources: Vec<PolicySource>,
}

impl PolicySet {
    pub fn builtin() -> PolicySet {
        PolicySet {
            sources: embedded::BUILTIN
                .iter()
                .map(|(rel, text)| PolicySource {
                    rel: (*rel).to_string(),
                    origin: format!("builtin:policies/{rel}"),
                    text: (*text).to_string(),
                    builtin: true,
                })
                .collect(),
        }
    }

    pub fn empty() -> PolicySet {
        PolicySet::default()
    }

    pub fn add(&mut self, src: PolicySource) {
        if let Some(existing) = self.sources.iter_mut().find(|s| s.rel == src.rel) {
            *existing = src;
        } else {
            self.sources.push(src);
        }
    }

    /// Adds every `.rego` file below `dir`, in path order.
    pub fn add_dir(&mut self, dir: &Path) -> Result<()> {
        let meta = std::fs::metadata(dir)
            .with_context(|| format!("cannot read policy directory {}", dir.display()))?;
        let files = if meta.is_file() {
            vec![dir.to_path_buf()]
        } else {
            let mut files = Vec::new();
            collect_rego(dir, &mut files)?;
            files.sort();
            files
        };
        for f in files {
            let text = std::fs::read_to_string(&f)
                .with_context(|| format!("cannot read policy {}", f.display()))?;
            let rel = if meta.is_file() {
                f.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            } else {
                f.strip_prefix(dir)
                    .unwrap_or(&f)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/")
            };
            self.add(PolicySource {
                rel,
                origin: f.display().to_string(),
                text,
                builtin: false,
            });
        }
        Ok(())
    }
}

fn collect_rego(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<()> {
    for e in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let p = e
            .with_context(|| format!("cannot read {}", dir.display()))?
            .path();
        if p.is_dir() {
            collect_rego(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "rego") {
            out.push(p);
        }
    }
    Ok(())
}

/// How a finding weighs on the decision: `deny` gives errors, `warn` warnings, `info` notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Note,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        }
    }
}

/// A suppression that applied to a finding.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub reason: String,
}

/// What suppressed a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressionKind {
    /// A `gate:allow RULE reason` comment on the line or the line above.
    Inline,
    /// An entry of the exceptions file.
    Exception,
    /// The baseline lists the finding.
    Baseline,
    /// The configuration.
    Config,
}

impl SuppressionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionKind::Inline => "inline",
            SuppressionKind::Exception => "exception",
            SuppressionKind::Baseline => "baseline",
            SuppressionKind::Config => "config",
        }
    }
}

/// One finding, as a policy produced it and Rust completed it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Finding {
    pub rule: String,
    pub level: Level,
    pub message: String,
    /// The policy package's domain (`secrets`, `blast_radius`, `custom.acme`).
    pub category: String,
    /// Risk points, 0 to 100.
    pub risk: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    /// An infrastructure resource address or another logical name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Stable identity for baselines and SARIF (never contains a secret).
    pub fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
}

#[cfg(test)]
impl Finding {
    /// A finding of `rule` at `path:line` for the reports' unit tests: message `<rule> message`,
    /// category `secrets`, fingerprint `<rule><path><line>`.
    pub(crate) fn sample(rule: &str, level: Level, risk: u32, path: &str, line: u32) -> Finding {
        Finding {
            rule: rule.into(),
            level,
            message: format!("{rule} message"),
            category: "secrets".into(),
            risk,
            risk_reason: None,
            path: Some(path.into()),
            line: Some(line),
            column: None,
            end_line: None,
            resource: None,
            fingerprint: format!("{rule}{path}{line}"),
            suppressed: None,
        }
    }
}

#[cfg(test)]
impl Outcome {
    /// An outcome of `findings` for the reports' unit tests: one file with 3 added lines in
    /// `mode`, score 95 (critical), the given decision and reasons.
    pub(crate) fn sample(
        mode: crate::change::Mode,
        findings: Vec<Finding>,
        decision: Decision,
        reasons: Vec<String>,
    ) -> Outcome {
        let mut facts = crate::facts::Facts::default();
        facts.change.mode = mode;
        facts.change.stats.files = 1;
        facts.change.stats.additions = 3;
        Outcome {
            facts,
            findings,
            rules: Default::default(),
            verdict: Verdict {
                score: 95,
                band: Band::Critical,
                decision,
                reasons,
                contributors: Vec::new(),
            },
            errors: Vec::new(),
            line_hashes: Default::default(),
        }
    }
}

/// A rule's metadata, declared beside the rule as `rules["ID"] := {...}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct RuleMeta {
    #[serde(default)]
    pub id: String,
    pub name: String,
    pub summary: String,
    #[serde(default)]
    pub help: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default = "default_severity")]
    pub security_severity: f64,
    #[serde(default)]
    pub category: String,
    /// The risk points its findings carry, in words (`95 critical provider / 85 high`): what
    /// docs/risk.md's table of the built-in rules is generated from ([`risk_table`]); not in
    /// the reports, it is documentation.
    #[serde(default, skip_serializing)]
    pub risk_points: String,
}

/// The Markdown table of rules and their risk points that docs/risk.md carries between
/// [`RISK_TABLE_BEGIN`] and [`RISK_TABLE_END`], one row per rule in id order.
pub fn risk_table(rules: &BTreeMap<String, RuleMeta>) -> String {
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut t = String::from("| rule | name | risk points |\n|---|---|---|\n");
    for r in rules.values() {
        t.push_str(&format!(
            "| {} | {} | {} |\n",
            r.id,
            cell(&r.name),
            cell(&r.risk_points)
        ));
    }
    t
}

/// The markers around the generated table in docs/risk.md.
pub const RISK_TABLE_BEGIN: &str =
    "<!-- risk table: generated from the rules' risk_points (cargo test architecture::risk_doc) -->";
pub const RISK_TABLE_END: &str = "<!-- end of the risk table -->";

fn default_severity() -> f64 {
    5.0
}

/// Whether the change may merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Pass,
    Warn,
    Fail,
    /// An input could not be read: nothing can be said about the change (exit code 2).
    Error,
}

/// The score's band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    Low,
    Medium,
    High,
    Critical,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Pass => "pass",
            Decision::Warn => "warn",
            Decision::Fail => "fail",
            Decision::Error => "error",
        }
    }
}

impl Band {
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Low => "low",
            Band::Medium => "medium",
            Band::High => "high",
            Band::Critical => "critical",
        }
    }
}

impl std::fmt::Display for SuppressionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for Band {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Stage 2's answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Verdict {
    pub score: u32,
    pub band: Band,
    pub decision: Decision,
    #[serde(default)]
    pub reasons: Vec<String>,
    /// The findings that make up the score, largest first, with the points each added.
    #[serde(default)]
    pub contributors: Vec<serde_json::Value>,
}

/// A loaded, prepared set of policies.
#[derive(Clone)]
pub struct Engine {
    engine: regorus::Engine,
    /// Finding packages (`gate.secrets` ...), without `data.`, sorted.
    packages: Vec<String>,
    /// Packages with a policy that is not built in (a custom package, an override): each of
    /// their sets is evaluated on its own, so an error or the time limit names it.
    user_packages: BTreeSet<String>,
    has_verdict: bool,
    timeout: Duration,
}

/// The package a policy declares (`package x.y` on its first code line), if any.
fn declared_package(text: &str) -> Option<&str> {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .and_then(|l| l.strip_prefix("package "))
        .map(str::trim)
}

/// A policy written for conftest (`package main`, or any package outside `gate.*` with
/// `deny`/`warn`/`violation` rules of message strings) would load and never run: gate
/// evaluates `gate.*` packages only. It is an error that says how to port it.
fn reject_conftest(origin: &str, text: &str) -> Result<()> {
    let Some(pkg) = declared_package(text) else {
        return Ok(());
    };
    if pkg == "gate" || pkg.starts_with("gate.") {
        return Ok(());
    }
    let rule = text.lines().find_map(|l| {
        let l = l.trim_start();
        ["deny", "warn", "violation"].into_iter().find(|r| {
            l.strip_prefix(r).is_some_and(|rest| {
                let rest = rest.trim_start();
                rest.starts_with('[')
                    || rest.starts_with('{')
                    || rest.starts_with("contains")
                    || rest.starts_with("if")
                    || rest.starts_with(":=")
                    || rest.starts_with('=')
            })
        })
    });
    if pkg == "main" || rule.is_some() {
        bail!(
            "{origin}: package {pkg} looks like a conftest policy ({}), which gate would never \
             run: gate evaluates packages gate.custom.<name> whose deny/warn/info sets hold \
             finding objects over gate's facts. Port it: rename the package to \
             gate.custom.<name>, read gate's facts as input (`gate facts` prints them; a \
             Terraform plan is input.infra.plans[_].raw), emit \
             {{\"rule\": \"ACME-001\", \"message\": msg}} objects and declare \
             rules[\"ACME-001\"]; see docs/policies.md, \"Porting conftest policies\"",
            rule.map_or_else(|| "package main".to_string(), |r| format!("{r} rules"))
        );
    }
    Ok(())
}

impl Engine {
    /// Parses every non-test policy and loads `data`. A syntax error names the file and line.
    pub fn new(set: &PolicySet, data: serde_json::Value, timeout: Duration) -> Result<Engine> {
        Engine::with_tests(set, data, timeout, false)
    }

    pub fn with_tests(
        set: &PolicySet,
        data: serde_json::Value,
        timeout: Duration,
        include_tests: bool,
    ) -> Result<Engine> {
        let mut engine = regorus::Engine::new();
        engine.set_rego_v0(false);
        limits::install(&mut engine)?;
        engine.set_execution_timer_config(ExecutionTimerConfig {
            limit: timeout,
            check_interval: NonZeroU32::new(64).unwrap_or(NonZeroU32::MIN),
        });
        let mut packages = Vec::new();
        let mut user_packages = BTreeSet::new();
        for src in &set.sources {
            if src.is_test() && !include_tests {
                continue;
            }
            if !src.is_test() {
                reject_conftest(&src.origin, &src.text)?;
            }
            let pkg = engine
                .add_policy(src.origin.clone(), src.text.clone())
                .map_err(|e| anyhow!("policy error in {}: {e}", src.origin))?;
            let pkg = pkg.trim_start_matches("data.").to_string();
            if !src.is_test() {
                if !src.builtin {
                    user_packages.insert(pkg.clone());
                }
                packages.push(pkg);
            }
        }
        packages.sort();
        packages.dedup();
        let has_verdict = packages.iter().any(|p| p == "gate.verdict");
        packages.retain(|p| p.starts_with("gate.") && p != "gate.verdict");
        engine
            .add_data(regorus::Value::from(data))
            .map_err(|e| anyhow!("cannot load policy data: {e}"))?;
        // Prepare once (analysis of the modules), so every clone per worker starts prepared.
        engine
            .eval_query("true".to_string(), false)
            .map_err(|e| anyhow!("cannot prepare the policies: {e}"))?;
        Ok(Engine {
            engine,
            packages,
            user_packages,
            has_verdict,
            timeout,
        })
    }

    pub fn packages(&self) -> &[String] {
        &self.packages
    }

    /// Evaluates a query on a clone of the prepared engine with `input`.
    fn query(&self, input: &regorus::Value, query: &str) -> Result<Option<serde_json::Value>> {
        self.query_named(input, query, query)
    }

    /// [`Engine::query`], naming the query `what` in errors.
    fn query_named(
        &self,
        input: &regorus::Value,
        query: &str,
        what: &str,
    ) -> Result<Option<serde_json::Value>> {
        let mut e = self.engine.clone();
        e.set_input(input.clone());
        let _watch = limits::watchdog(what, self.timeout);
        let results = e
            .eval_query(query.to_string(), false)
            .map_err(|err| anyhow!("policy error evaluating {what}: {err}"))?;
        let Some(first) = results.result.into_iter().next() else {
            return Ok(None);
        };
        let Some(expr) = first.expressions.into_iter().next() else {
            return Ok(None);
        };
        if expr.value == regorus::Value::Undefined {
            return Ok(None);
        }
        let v = serde_json::to_value(&expr.value)
            .map_err(|err| anyhow!("policy result of {query} is not JSON: {err}"))?;
        Ok(Some(v))
    }

    /// Evaluates a rule (for the test runner).
    pub fn eval_value(
        &self,
        input: &regorus::Value,
        query: &str,
    ) -> Result<Option<serde_json::Value>> {
        self.query(input, query)
    }

    /// Stage 1: every package's findings, plus rule metadata, in parallel.
    ///
    /// A package `skipped` names (the analyzer whose facts it judges did not run, so every
    /// finding of it would be dropped) has only its rule metadata read: its finding sets are
    /// not evaluated.
    pub fn findings(
        &self,
        input: &regorus::Value,
        skipped: &(dyn Fn(&str) -> bool + Sync),
    ) -> Result<(Vec<Finding>, BTreeMap<String, RuleMeta>)> {
        // The built-in packages' sets in one query: one evaluation whose rules are computed
        // once (a helper several packages read is not evaluated again per set), instead of a
        // clone of the engine and a fresh evaluation per set.
        let builtin: Vec<&str> = self
            .packages
            .iter()
            .filter(|p| !self.user_packages.contains(*p))
            .map(String::as_str)
            .collect();
        let combined = || -> Result<Vec<Option<serde_json::Value>>> {
            if builtin.is_empty() {
                return Ok(Vec::new());
            }
            let parts: Vec<String> = builtin
                .iter()
                .flat_map(|p| {
                    SETS.iter().map(move |s| {
                        if *s != "rules" && skipped(p) {
                            // Undefined, in the place of the set not evaluated.
                            "[]".to_string()
                        } else {
                            format!("[v | v := data.{p}.{s}]")
                        }
                    })
                })
                .collect();
            // One set per line: regorus limits a policy line to 1,024 columns.
            let query = format!("[{}]", parts.join(",\n"));
            let value = self
                .query_named(input, &query, "the built-in policies")?
                .ok_or_else(|| anyhow!("the built-in policies' query is undefined"))?;
            let serde_json::Value::Array(all) = value else {
                bail!("the built-in policies' query did not give an array");
            };
            if all.len() != parts.len() {
                bail!(
                    "the built-in policies' query gave {} values, not {}",
                    all.len(),
                    parts.len()
                );
            }
            Ok(all
                .into_iter()
                .map(|v| match v {
                    serde_json::Value::Array(mut one) if one.len() == 1 => one.pop(),
                    _ => None,
                })
                .collect())
        };
        let targets: Vec<(&str, Option<Level>)> = self
            .packages
            .iter()
            .filter(|p| self.user_packages.contains(*p))
            .flat_map(|p| {
                let sets: &[Option<Level>] = if skipped(p) { &[None] } else { &LEVELS };
                sets.iter().map(move |&level| (p.as_str(), level))
            })
            .collect();
        let parse = |pkg: &str, level: Option<Level>, value: Option<serde_json::Value>| {
            let set = set_of(level);
            let Some(value) = value else {
                return Ok((Vec::new(), Vec::new()));
            };
            match level {
                Some(level) => Ok((parse_findings(pkg, set, level, value)?, Vec::new())),
                None => Ok((Vec::new(), parse_rules(pkg, value)?)),
            }
        };
        let (builtin_values, user): (Result<Vec<Option<serde_json::Value>>>, Vec<Parsed>) =
            rayon::join(combined, || {
                targets
                    .par_iter()
                    .map(|&(pkg, level)| {
                        let query = format!("data.{pkg}.{}", set_of(level));
                        parse(pkg, level, self.query(input, &query)?)
                    })
                    .collect()
            });
        let mut results: Vec<Parsed> = Vec::new();
        let mut values = builtin_values?.into_iter();
        for pkg in &builtin {
            for level in LEVELS {
                results.push(parse(pkg, level, values.next().flatten()));
            }
        }
        results.extend(user);
        let mut findings = Vec::new();
        let mut rules = BTreeMap::new();
        for r in results {
            let (f, m) = r?;
            findings.extend(f);
            for meta in m {
                if let Some(prev) = rules.insert(meta.id.clone(), meta) {
                    bail!("rule {} is declared twice (in {})", prev.id, prev.category);
                }
            }
        }
        Ok((findings, rules))
    }

    /// The findings of one package (`gate.governance`) on `input`: the second pass that
    /// reports self-suppressions once the suppressions are known.
    pub fn package_findings(&self, input: &regorus::Value, pkg: &str) -> Result<Vec<Finding>> {
        let mut out = Vec::new();
        for (set, level) in [
            ("deny", Level::Error),
            ("warn", Level::Warning),
            ("info", Level::Note),
        ] {
            if let Some(value) = self.query(input, &format!("data.{pkg}.{set}"))? {
                out.extend(parse_findings(pkg, set, level, value)?);
            }
        }
        Ok(out)
    }

    /// Stage 2: the verdict from facts and findings.
    pub fn verdict(&self, input: &regorus::Value) -> Result<Verdict> {
        if !self.has_verdict {
            bail!("no `gate.verdict` policy is loaded");
        }
        let v = self
            .query(input, "data.gate.verdict.result")?
            .ok_or_else(|| anyhow!("gate.verdict: `result` is undefined"))?;
        // The decision and band are checked by name first, so a policy's typo is named.
        for (key, allowed, what) in [
            (
                "decision",
                &["pass", "warn", "fail"][..],
                "pass, warn or fail",
            ),
            (
                "band",
                &["low", "medium", "high", "critical"][..],
                "low, medium, high or critical",
            ),
        ] {
            if let Some(x) = v.get(key) {
                if !x.as_str().is_some_and(|s| allowed.contains(&s)) {
                    bail!("gate.verdict: {key} {x} is not {what}");
                }
            }
        }
        let verdict: Verdict = serde_json::from_value(v)
            .map_err(|e| anyhow!("gate.verdict: `result` has the wrong shape: {e}"))?;
        if verdict.score > 100 {
            bail!("gate.verdict: score {} is outside 0..100", verdict.score);
        }
        Ok(verdict)
    }
}

/// One set's findings or rule metadata.
type Parsed = Result<(Vec<Finding>, Vec<RuleMeta>)>;

/// The sets of a finding package, in the order stage 1 reads them.
const LEVELS: [Option<Level>; 4] = [
    Some(Level::Error),
    Some(Level::Warning),
    Some(Level::Note),
    None,
];
const SETS: [&str; 4] = ["deny", "warn", "info", "rules"];

fn set_of(level: Option<Level>) -> &'static str {
    match level {
        Some(Level::Error) => "deny",
        Some(Level::Warning) => "warn",
        Some(Level::Note) => "info",
        None => "rules",
    }
}

fn items(value: serde_json::Value) -> Vec<serde_json::Value> {
    match value {
        serde_json::Value::Array(a) => a,
        other => vec![other],
    }
}

fn parse_findings(
    pkg: &str,
    set: &str,
    level: Level,
    value: serde_json::Value,
) -> Result<Vec<Finding>> {
    let category = pkg.trim_start_matches("gate.").to_string();
    let mut out = Vec::new();
    for item in items(value) {
        let obj = item.as_object().ok_or_else(|| {
            anyhow!("policy {pkg}.{set}: a finding must be an object, got {item}")
        })?;
        let get_str = |k: &str| obj.get(k).and_then(|v| v.as_str()).map(str::to_string);
        let get_u32 = |k: &str| -> Result<Option<u32>> {
            match obj.get(k) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(v) => v
                    .as_f64()
                    .filter(|n| *n >= 0.0 && *n <= f64::from(u32::MAX))
                    .map(|n| Some(n as u32))
                    .ok_or_else(|| {
                        anyhow!("policy {pkg}.{set}: `{k}` must be a non-negative number, got {v}")
                    }),
            }
        };
        let rule = get_str("rule").ok_or_else(|| {
            anyhow!("policy {pkg}.{set}: finding without a string `rule`: {item}")
        })?;
        let message = get_str("message")
            .or_else(|| get_str("msg"))
            .ok_or_else(|| anyhow!("policy {pkg}.{set}: finding {rule} without a `message`"))?;
        let risk = get_u32("risk")?.unwrap_or(match level {
            Level::Error => 50,
            Level::Warning => 20,
            Level::Note => 0,
        });
        if risk > 100 {
            bail!("policy {pkg}.{set}: finding {rule} has risk {risk}, above 100");
        }
        let path = get_str("path");
        let line = get_u32("line")?.filter(|&l| l > 0);
        let resource = get_str("resource");
        let key = get_str("fingerprint").unwrap_or_else(|| {
            format!(
                "{}|{}|{}",
                path.as_deref().unwrap_or(""),
                resource.as_deref().unwrap_or(""),
                message
            )
        });
        let fingerprint = crate::secrets::redact::fingerprint(format!("{rule}|{key}").as_bytes());
        out.push(Finding {
            rule,
            level,
            message,
            category: category.clone(),
            risk,
            risk_reason: get_str("risk_reason"),
            path,
            line,
            column: get_u32("column")?.filter(|&c| c > 0),
            end_line: get_u32("end_line")?.filter(|&l| l > 0),
            resource,
            fingerprint,
            suppressed: None,
        });
    }
    Ok(out)
}

fn parse_rules(pkg: &str, value: serde_json::Value) -> Result<Vec<RuleMeta>> {
    let obj = value
        .as_object()
        .ok_or_else(|| anyhow!("policy {pkg}.rules must be an object keyed by rule id"))?;
    let mut out = Vec::new();
    for (id, meta) in obj {
        let mut m: RuleMeta = serde_json::from_value(meta.clone())
            .map_err(|e| anyhow!("policy {pkg}.rules[{id:?}]: {e}"))?;
        if !(m.security_severity > 0.0 && m.security_severity <= 10.0) {
            bail!("policy {pkg}.rules[{id:?}]: security_severity must be in (0, 10]");
        }
        m.id = id.clone();
        m.category = pkg.trim_start_matches("gate.").to_string();
        out.push(m);
    }
    Ok(out)
}

/// Converts any serializable value into a regorus value.
pub fn to_value<T: Serialize + ?Sized>(v: &T) -> Result<regorus::Value> {
    crate::facts::to_rego_value(v)
}

impl Engine {
    /// Every package's rule metadata, without evaluating findings.
    pub fn rules(&self) -> Result<BTreeMap<String, RuleMeta>> {
        let input = regorus::Value::new_object();
        let mut rules = BTreeMap::new();
        for pkg in &self.packages {
            if let Some(v) = self.query(&input, &format!("data.{pkg}.rules"))? {
                for m in parse_rules(pkg, v)? {
                    rules.insert(m.id.clone(), m);
                }
            }
        }
        Ok(rules)
    }
}
