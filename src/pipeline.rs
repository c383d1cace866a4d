//! The one path from input to verdict: read the change, derive facts, ask the policies, and
//! complete the findings. `gate check` and `gate facts` both come through here, so what
//! `gate facts` prints is exactly what the policies saw.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::Serialize;

use crate::change::{self, ChangeSet, FileChange, Snapshot};
use crate::config::{self, Config, Resolved};
use crate::facts::{ChangeFacts, Facts, SecretFact};
use crate::infra;
use crate::policy::{self, Engine, Finding, PolicySet, RuleMeta, Verdict};
use crate::secrets::{self, redact, Scanner};
use crate::settings::{self, Settings};
use crate::{provenance, smells, suppress};

/// What to check.
#[derive(Debug, Clone)]
pub enum Source {
    /// A unified diff from a file, or stdin for `-`.
    Diff(String),
    /// The index against HEAD.
    Staged,
    /// The merge base of `base` and `head` (default HEAD) against `head`.
    Range { base: String, head: Option<String> },
    /// Every file under a directory, as added.
    All(PathBuf),
}

#[derive(Debug, Clone)]
pub struct Options {
    /// The code change; `None` when only plans are checked.
    pub source: Option<Source>,
    pub plans: Vec<PathBuf>,
    pub plan_base: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub policy_dirs: Vec<PathBuf>,
    pub timeout: Duration,
    /// Where gate runs (the repository is found from here).
    pub cwd: PathBuf,
    /// Read configuration and policies from the work tree even with `--base`.
    pub config_from_worktree: bool,
    /// The change is AI-authored (`--ai`).
    pub ai: bool,
}

/// Everything a report needs.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub facts: Facts,
    pub findings: Vec<Finding>,
    pub rules: BTreeMap<String, RuleMeta>,
    pub verdict: Verdict,
}

/// A change read from its source, with the mode name facts report.
pub fn load_change(source: &Source, cwd: &Path) -> Result<(ChangeSet, &'static str)> {
    let root = change::git::toplevel(cwd);
    match source {
        Source::Diff(path) => {
            let bytes = if path == "-" {
                let mut buf = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut buf)
                    .context("cannot read the diff from standard input")?;
                buf
            } else {
                std::fs::read(path).with_context(|| format!("cannot read diff {path}"))?
            };
            let name = if path == "-" {
                "<stdin>"
            } else {
                path.as_str()
            };
            let files = change::diff::parse(&bytes)
                .map_err(|e| anyhow::anyhow!("{name}:{}: {}", e.line, e.message))?;
            let post = root.clone().map_or(Snapshot::None, Snapshot::WorkTree);
            Ok((
                ChangeSet {
                    base: None,
                    head: None,
                    files,
                    post,
                    pre: Snapshot::None,
                    root,
                },
                "diff",
            ))
        }
        Source::Staged => {
            let root = root.ok_or_else(|| {
                anyhow::anyhow!(
                    "--staged needs a git repository, and {} is not in one",
                    cwd.display()
                )
            })?;
            let bytes = change::git::diff_staged(&root)?;
            let files =
                change::diff::parse(&bytes).context("cannot parse the staged diff from git")?;
            let head = change::git::resolve(&root, "HEAD").ok();
            let pre = head
                .clone()
                .map_or(Snapshot::None, |rev| Snapshot::Revision {
                    root: root.clone(),
                    rev,
                });
            Ok((
                ChangeSet {
                    base: head,
                    head: None,
                    files,
                    post: Snapshot::Index(root.clone()),
                    pre,
                    root: Some(root),
                },
                "staged",
            ))
        }
        Source::Range { base, head } => {
            let root = root.ok_or_else(|| {
                anyhow::anyhow!(
                    "--base needs a git repository, and {} is not in one",
                    cwd.display()
                )
            })?;
            let head_rev = head.as_deref().unwrap_or("HEAD");
            let (head_id, base_id) = change::git::resolve_pair(&root, head_rev, base)?;
            let merge_base = change::git::merge_base(&root, &base_id, &head_id)?;
            let bytes = change::git::diff_commits(&root, &merge_base, &head_id)?;
            let files = change::diff::parse(&bytes).context("cannot parse the diff from git")?;
            Ok((
                ChangeSet {
                    base: Some(merge_base.clone()),
                    head: Some(head_id.clone()),
                    files,
                    post: Snapshot::Revision {
                        root: root.clone(),
                        rev: head_id,
                    },
                    pre: Snapshot::Revision {
                        root: root.clone(),
                        rev: merge_base,
                    },
                    root: Some(root),
                },
                "range",
            ))
        }
        Source::All(dir) => {
            let dir = if dir.is_absolute() {
                dir.clone()
            } else {
                cwd.join(dir)
            };
            Ok((change::tree::walk(&dir)?, "all"))
        }
    }
}

/// Finds and loads the configuration from the work tree: `--config`, else `.gate.yaml` at the
/// repository root. (`gate check` goes through [`crate::settings`], which reads it from the
/// base revision when there is one.)
pub fn load_config(explicit: Option<&Path>, root: &Path) -> Result<Config> {
    if let Some(p) = explicit {
        return Config::load(p);
    }
    let p = root.join(config::FILE_NAME);
    if p.exists() {
        Config::load(&p)
    } else {
        Ok(Config::default())
    }
}

/// The policies for `gate rules`/`explain`: built-ins, the config's directories, then
/// `--policy` directories.
pub fn load_policies(cfg: &Config, root: &Path, extra: &[PathBuf]) -> Result<PolicySet> {
    let mut set = PolicySet::builtin();
    for d in &cfg.policies {
        set.add_dir(&root.join(d))
            .with_context(|| format!("policies: {d} (from the configuration)"))?;
    }
    for d in extra {
        set.add_dir(d)?;
    }
    Ok(set)
}

/// The secret scanner: the user's detectors and the built-in catalog.
pub fn build_scanner(cfg: &secrets::SecretsConfig) -> Result<Arc<Scanner>> {
    if *cfg == secrets::SecretsConfig::default() {
        return default_scanner();
    }
    build_scanner_now(cfg).map(Arc::new)
}

/// The scanner of the default secret settings, built once per process.
fn default_scanner() -> Result<Arc<Scanner>> {
    static SCANNER: OnceLock<Result<Arc<Scanner>, String>> = OnceLock::new();
    SCANNER
        .get_or_init(|| {
            build_scanner_now(&secrets::SecretsConfig::default())
                .map(Arc::new)
                .map_err(|e| format!("{e:#}"))
        })
        .clone()
        .map_err(|e| anyhow::anyhow!(e))
}

/// Starts building the default scanner on another thread: most configurations use it, and it
/// is then ready by the time git has answered.
pub fn prefetch_scanner() {
    std::thread::spawn(|| {
        let _ = default_scanner();
    });
}

fn build_scanner_now(cfg: &secrets::SecretsConfig) -> Result<Scanner> {
    let scanner = Scanner::new(secrets::catalog(cfg)?)?.with_allowlist(&cfg.allowlist)?;
    // The user's rules come first in the catalog: compile them now, so a bad regex is an
    // error naming the rule before anything is scanned.
    for r in 0..cfg.rules.len() {
        scanner.regex(r)?;
    }
    Ok(scanner)
}

/// Runs the whole pipeline.
pub fn run(opts: &Options) -> Result<Outcome> {
    let t = Timer::start();
    // The policies are parsed and prepared on another thread while the change is analyzed.
    let (c, engine) = collect_with(opts, |settings| -> Result<Engine> {
        let data =
            serde_json::json!({"gate": {"config": serde_json::to_value(&settings.cfg.config)?}});
        Engine::new(&settings.policies, data, opts.timeout)
    })?;
    t.lap("collect facts");
    let engine = engine?;
    t.lap("load policies");
    let out = evaluate(c, &engine);
    t.lap("evaluate");
    out
}

/// `GATE_TIMINGS=1` prints how long each stage took, to standard error (for benchmarks).
pub struct Timer {
    start: std::time::Instant,
    on: bool,
}

impl Timer {
    pub fn start() -> Timer {
        Timer {
            start: std::time::Instant::now(),
            on: std::env::var_os("GATE_TIMINGS").is_some_and(|v| v != "0"),
        }
    }

    pub fn lap(&self, what: &str) {
        if self.on {
            eprintln!(
                "gate timing: {what}: {:.3}s since start",
                self.start.elapsed().as_secs_f64()
            );
        }
    }
}

/// What a run has read: the change, its settings, and the facts derived from them.
pub struct Collected {
    pub change: ChangeSet,
    pub settings: Settings,
    pub facts: Facts,
}

/// Reads the inputs and derives the facts (what `gate facts` prints).
pub fn collect(opts: &Options) -> Result<Collected> {
    collect_with(opts, |_| ()).map(|(c, ())| c)
}

/// [`collect`], running `side` on another thread with the settings as soon as they are
/// known, alongside the analysis of the change.
fn collect_with<T: Send>(
    opts: &Options,
    side: impl FnOnce(&Settings) -> T + Send,
) -> Result<(Collected, T)> {
    let t = Timer::start();
    prefetch_scanner();
    let (mut cs, mode) = match &opts.source {
        Some(src) => load_change(src, &opts.cwd)?,
        None => (
            ChangeSet {
                base: None,
                head: None,
                files: Vec::new(),
                post: Snapshot::None,
                pre: Snapshot::None,
                root: change::git::toplevel(&opts.cwd),
            },
            "none",
        ),
    };
    let settings = settings::load(
        &cs,
        &opts.cwd,
        opts.config.as_deref(),
        opts.config_from_worktree,
        &opts.policy_dirs,
    )?;
    t.lap("read the change and settings");
    let (facts, side) = std::thread::scope(|scope| {
        let handle = scope.spawn(|| side(&settings));
        let facts = derive(opts, &mut cs, mode, &settings, &t);
        match handle.join() {
            Ok(v) => (facts, v),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    Ok((
        Collected {
            change: cs,
            settings,
            facts: facts?,
        },
        side,
    ))
}

/// The facts of a loaded change.
fn derive(
    opts: &Options,
    cs: &mut ChangeSet,
    mode: &'static str,
    settings: &Settings,
    t: &Timer,
) -> Result<Facts> {
    let root = cs.root.clone().unwrap_or_else(|| opts.cwd.clone());
    let cfg = &settings.cfg;
    // The commits of the range (for provenance), read by git while the change is analyzed.
    let commits = match (&cs.root, &cs.base, &cs.head) {
        (Some(root), Some(base), Some(head)) => {
            let (root, base, head) = (root.clone(), base.clone(), head.clone());
            Some(std::thread::spawn(move || {
                change::git::commits(&root, &base, &head)
            }))
        }
        _ => None,
    };
    // Post-images for telemetry, read by git while secrets are scanned (ignored files are
    // dropped by the scan, so they are left out here already).
    let telemetry_candidate = |f: &FileChange| !cfg.is_test(&f.path) && !cfg.is_generated(&f.path);
    let images = if mode == "all" {
        None
    } else {
        let files: Vec<(String, Option<String>)> = crate::telemetry::candidates(cs, |f| {
            !cfg.is_ignored(&f.path) && telemetry_candidate(f)
        })
        .iter()
        .map(|f| (f.path.clone(), f.new_blob.clone()))
        .collect();
        let post = cs.post.clone();
        Some(std::thread::spawn(move || {
            let refs: Vec<(&str, Option<&str>)> = files
                .iter()
                .map(|(p, id)| (p.as_str(), id.as_deref()))
                .collect();
            let read = post.read_many(&refs)?;
            Ok::<_, anyhow::Error>(files.into_iter().map(|(p, _)| p).zip(read).collect())
        }))
    };
    let scanner = build_scanner(&cfg.config.secrets)?;
    t.lap("build the secret scanner");
    let mut facts = build_facts(cs, mode, cfg, &scanner)?;
    t.lap("scan for secrets and build change facts");
    let cs: &ChangeSet = cs;
    // Telemetry (tree-sitter, the costliest analysis of a large change) runs on its own
    // thread, its files parsed by the worker pool, while this thread reads plans,
    // dependencies, provenance and smells.
    std::thread::scope(|scope| -> Result<()> {
        // `images` is read for every mode but `--all`, where telemetry does not run.
        let telemetry = images.map(|reading| {
            scope.spawn(|| -> Result<_> {
                let patterns = crate::telemetry::Patterns::new(&cfg.config.telemetry)?;
                let images = reading
                    .join()
                    .map_err(|_| anyhow::anyhow!("reading changed files for telemetry failed"))??;
                let budget = cfg.config.telemetry.budget_bytes()?;
                crate::telemetry::analyze(cs, images, &patterns, budget, telemetry_candidate, |p| {
                    cfg.is_critical(p)
                })
            })
        });
        let rest = other_facts(opts, cs, mode, &root, cfg, &scanner, commits, &mut facts, t);
        if let Some(h) = telemetry {
            let (telemetry, coverage) = h
                .join()
                .map_err(|_| anyhow::anyhow!("telemetry analysis failed"))??;
            facts.telemetry = telemetry;
            facts.coverage.telemetry = coverage;
            t.lap("telemetry");
        }
        rest
    })?;
    facts.governance = settings.governance.clone();
    facts.exceptions = settings.exceptions.clone();
    Ok(facts)
}

type CommitsReader = std::thread::JoinHandle<Result<Vec<change::git::CommitInfo>>>;

/// The facts besides secrets and telemetry: plans, dependencies, provenance and smells.
#[allow(clippy::too_many_arguments)]
fn other_facts(
    opts: &Options,
    cs: &ChangeSet,
    mode: &str,
    root: &std::path::Path,
    cfg: &Resolved,
    scanner: &Scanner,
    commits: Option<CommitsReader>,
    facts: &mut Facts,
    t: &Timer,
) -> Result<()> {
    if !opts.plans.is_empty() {
        let taxonomy = infra::Taxonomy::new(&cfg.config.infra.taxonomy)?;
        let mut loaded = infra::load_plans(
            &opts.plans,
            &opts.cwd,
            opts.plan_base.as_deref(),
            root,
            &taxonomy,
        )?;
        for plan in &mut loaded {
            for r in &mut plan.resources {
                redact_values(&mut r.before, scanner);
                redact_values(&mut r.after, scanner);
            }
        }
        facts.infra.plans = loaded;
    }
    if mode != "all" {
        let (deps, locks) = crate::deps::analyze(cs, &cfg.config.dependencies)?;
        facts.dependencies = deps;
        facts.lockfiles = locks;
        t.lap("dependencies");
    }
    let commits = match commits {
        Some(h) => h
            .join()
            .map_err(|_| anyhow::anyhow!("reading the commits of the range failed"))??,
        None => Vec::new(),
    };
    facts.provenance = provenance::detect(
        &commits,
        &provenance::github_labels(),
        &cfg.config.ai.labels,
        opts.ai,
    );
    let is_source = |p: &str| {
        !cfg.is_test(p)
            && !cfg.is_generated(p)
            && crate::facts::language(p).is_some_and(crate::facts::is_source_language)
    };
    let re = smells::placeholder_regex();
    let mut sm = smells::placeholders(&cs.files, is_source, &re);
    sm.extend(smells::duplicates(&cs.files, is_source));
    sm.sort_by(|a, b| (&a.path, a.line, a.kind).cmp(&(&b.path, b.line, b.kind)));
    facts.smells = sm;
    t.lap("provenance and smells");
    Ok(())
}

/// Masks string values in plan attributes that the secret scanner recognizes (a key in
/// `user_data` that the tool did not mark sensitive, say).
fn redact_values(v: &mut serde_json::Value, scanner: &Scanner) {
    match v {
        serde_json::Value::String(s) => {
            let found = scanner.scan(s.as_bytes());
            if let Some(c) = found.iter().find(|c| !c.allowlisted) {
                *s = format!(
                    "(redacted {}: {})",
                    c.rule_id(scanner),
                    redact::redact(&c.secret)
                );
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| redact_values(x, scanner)),
        serde_json::Value::Object(o) => o.values_mut().for_each(|x| redact_values(x, scanner)),
        _ => {}
    }
}

/// Derives the facts of a change. Secret values found are masked in the change's lines
/// before the facts are built, so no policy and no report ever sees them.
pub fn build_facts(
    cs: &mut ChangeSet,
    mode: &str,
    cfg: &Resolved,
    scanner: &Scanner,
) -> Result<Facts> {
    cs.files.retain(|f| !cfg.is_ignored(&f.path));
    cs.normalize();
    let post = cs.post.clone();
    let found: Vec<Result<Vec<SecretFact>>> = cs
        .files
        .par_iter_mut()
        .map(|f| scan_file(f, &post, scanner, cfg))
        .collect();
    let mut secrets = Vec::new();
    for r in found {
        secrets.extend(r?);
    }
    let change = ChangeFacts::new(mode, cs, cfg);
    Ok(Facts {
        change,
        secrets,
        config: serde_json::to_value(&cfg.config)?,
        ..Facts::default()
    })
}

/// Files at least this large are not read whole in `--all` mode (logs, dumps, media).
const MAX_WHOLE_FILE: u64 = 64 * 1024 * 1024;

fn scan_file(
    f: &mut FileChange,
    post: &Snapshot,
    scanner: &Scanner,
    cfg: &Resolved,
) -> Result<Vec<SecretFact>> {
    if f.binary {
        return Ok(Vec::new());
    }
    if f.whole_file {
        // Only `--all` scans whole files, and it reads the work tree.
        let Snapshot::WorkTree(root) = post else {
            bail!(
                "cannot read {}: whole files are read from the work tree",
                f.path
            );
        };
        return scan_whole_file(f, root, scanner, cfg);
    }
    // The added lines, one after the other, and the line number of each.
    let buf = f.added_text();
    let line_map: Vec<u32> = f.added_lines().map(|l| l.line).collect();
    Ok(scan_buffer(f, &buf, Some(&line_map), scanner, cfg))
}

/// Scans a whole file of the work tree, read into a buffer each worker thread reuses.
fn scan_whole_file(
    f: &mut FileChange,
    root: &Path,
    scanner: &Scanner,
    cfg: &Resolved,
) -> Result<Vec<SecretFact>> {
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUF.with(|cell| {
        let mut buf = cell.borrow_mut();
        match change::read_inside_into(root, &f.path, MAX_WHOLE_FILE, &mut buf)? {
            change::WorkTreeRead::Read => {}
            change::WorkTreeRead::TooLarge => return Ok(Vec::new()),
            change::WorkTreeRead::Missing | change::WorkTreeRead::NotAFile => {
                bail!("cannot read {}: it vanished while gate was running", f.path)
            }
        }
        if looks_binary(&buf) {
            f.binary = true;
            return Ok(Vec::new());
        }
        let out = scan_buffer(f, &buf, None, scanner, cfg);
        if buf.capacity() > 4 * MAX_KEPT_BUFFER {
            // One huge file does not pin its size for the rest of the run.
            *buf = Vec::with_capacity(MAX_KEPT_BUFFER);
        }
        Ok(out)
    })
}

/// Read buffers above this size are not kept for the next file.
const MAX_KEPT_BUFFER: usize = 1 << 20;

/// Scans `buf`, the contents of `f` (whole, or its added lines when `line_map` gives their
/// line numbers), masking found values in the change's lines.
fn scan_buffer(
    f: &mut FileChange,
    buf: &[u8],
    line_map: Option<&[u32]>,
    scanner: &Scanner,
    cfg: &Resolved,
) -> Vec<SecretFact> {
    if buf.is_empty() {
        return Vec::new();
    }
    let cands = scanner.scan_file(buf, Some(&f.path));
    if cands.is_empty() {
        return Vec::new();
    }
    let line_of = |idx: usize| -> u32 {
        match line_map {
            Some(m) => m.get(idx).copied().unwrap_or(0),
            None => u32::try_from(idx + 1).unwrap_or(u32::MAX),
        }
    };
    let in_test = cfg.is_test(&f.path);
    let mut out = Vec::with_capacity(cands.len());
    for c in &cands {
        let rule = &scanner.rules()[c.rule];
        let masked = redact::redact(&c.secret);
        let (line, end_line) = (line_of(c.line), line_of(c.end_line));
        if line_map.is_some() {
            mask_in_lines(f, line, end_line, &c.secret, &masked);
        }
        out.push(SecretFact {
            rule: rule.id.clone(),
            name: rule.name.clone(),
            provider: rule.provider.clone(),
            severity: rule.severity.clone(),
            confidence: rule.confidence.clone(),
            path: f.path.clone(),
            line,
            column: u32::try_from(c.column).unwrap_or(u32::MAX),
            end_line,
            entropy: (c.entropy * 100.0).round() / 100.0,
            redacted: masked,
            fingerprint: redact::fingerprint(&c.secret),
            in_test_path: in_test,
            allowlisted: c.allowlisted,
        });
    }
    out
}

/// Replaces a secret (each of its lines, for multi-line secrets) in the added lines it spans.
fn mask_in_lines(f: &mut FileChange, line: u32, end_line: u32, secret: &[u8], masked: &str) {
    let pieces: Vec<&[u8]> = secret
        .split(|&b| b == b'\n')
        .map(|p| p.strip_suffix(b"\r").unwrap_or(p))
        .filter(|p| p.len() >= 4)
        .collect();
    for h in &mut f.hunks {
        for l in h
            .added
            .iter_mut()
            .filter(|l| l.line >= line && l.line <= end_line)
        {
            for p in &pieces {
                l.text = replace_all(&l.text, p, masked.as_bytes()).into_boxed_slice();
            }
        }
    }
}

fn replace_all(hay: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len());
    let mut i = 0;
    while let Some(p) = memchr::memmem::find(&hay[i..], needle) {
        out.extend_from_slice(&hay[i..i + p]);
        out.extend_from_slice(with);
        i += p + needle.len();
    }
    out.extend_from_slice(&hay[i..]);
    out
}

/// Git's heuristic: a NUL byte in the first 8000 bytes.
fn looks_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(8000)]).is_some()
}

/// Stage 1 and stage 2 of the policy evaluation, with the config's rule switches and the
/// suppressions in between.
pub fn evaluate(c: Collected, engine: &Engine) -> Result<Outcome> {
    let Collected {
        change: cs,
        settings,
        mut facts,
    } = c;
    let t = Timer::start();
    let input = policy::facts_to_value(&mut facts)?;
    t.lap("facts to Rego input");
    let (mut findings, rules) = engine.findings(&input)?;
    t.lap("stage 1 (findings)");
    findings.retain(|f| !settings.cfg.config.disable.iter().any(|d| d == &f.rule));
    findings.sort_by(|a, b| {
        (&a.path, a.line, &a.rule, &a.resource, &a.message, a.level).cmp(&(
            &b.path,
            b.line,
            &b.rule,
            &b.resource,
            &b.message,
            b.level,
        ))
    });
    findings.dedup();
    for f in &findings {
        if !rules.contains_key(&f.rule) {
            bail!(
                "policy gate.{} produced finding {} but declares no `rules[{:?}]` metadata",
                f.category,
                f.rule,
                f.rule
            );
        }
    }
    let mut lines = LineLookup::new(&cs);
    suppress::apply(
        &mut findings,
        &settings.exceptions,
        settings.baseline.as_ref(),
        |p, l| lines.get(p, l),
    );
    let active: Vec<&Finding> = findings.iter().filter(|f| f.suppressed.is_none()).collect();
    // Stage 2 sees the same facts value as stage 1 (shared, not converted again).
    let mut stage2 = std::collections::BTreeMap::new();
    stage2.insert(regorus::Value::from("facts"), input);
    stage2.insert(regorus::Value::from("findings"), policy::to_value(&active)?);
    let stage2 = regorus::Value::from(stage2);
    t.lap("suppressions and stage 2 input");
    let verdict = engine.verdict(&stage2)?;
    t.lap("stage 2 (verdict)");
    Ok(Outcome {
        facts,
        findings,
        rules,
        verdict,
    })
}

/// Lines of changed files for inline suppressions: added lines from the diff, others from
/// the post-image (read once per file).
struct LineLookup<'a> {
    cs: &'a ChangeSet,
    files: BTreeMap<String, Option<Vec<String>>>,
}

impl<'a> LineLookup<'a> {
    fn new(cs: &'a ChangeSet) -> Self {
        LineLookup {
            cs,
            files: BTreeMap::new(),
        }
    }

    fn get(&mut self, path: &str, line: u32) -> Option<String> {
        let f = self.cs.files.iter().find(|f| f.path == path)?;
        if let Some(l) = f.added_lines().find(|l| l.line == line) {
            return Some(String::from_utf8_lossy(&l.text).into_owned());
        }
        let post = &self.cs.post;
        let lines = self.files.entry(path.to_string()).or_insert_with(|| {
            post.read(path).ok().flatten().map(|b| {
                String::from_utf8_lossy(&b)
                    .lines()
                    .map(str::to_string)
                    .collect()
            })
        });
        lines
            .as_ref()?
            .get(usize::try_from(line).ok()?.checked_sub(1)?)
            .cloned()
    }
}
