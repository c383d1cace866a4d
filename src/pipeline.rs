//! The one path from input to verdict, wired: read the change ([`crate::change`]), load the
//! settings ([`crate::settings`]), run the analyzers, assemble the [`Facts`], and evaluate
//! them ([`crate::policy`]) with the suppressions ([`crate::suppress`]) between the stages.
//! `gate check` and `gate facts` both come through here, so what `gate facts` prints is
//! exactly what the policies saw.
//!
//! Only wiring lives here: which stage runs on which thread, and what each is given.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;

use crate::change::facts::ChangeFacts;
use crate::change::{self, ChangeSet, FileChange, FileStatus, Mode, Source};
use crate::errors::InputError;
use crate::facts::Facts;
use crate::infra;
use crate::paths::{self, Role};
use crate::policy::evaluate::LineLookup;
use crate::policy::{Engine, Outcome};
use crate::secrets::scan::{self as secret_scan, prefetch_scanner};
use crate::secrets::Scanner;
use crate::settings::{self, Settings};
use crate::timing::Timer;
use crate::{provenance, smells, suppress, telemetry, workflows};

/// Where a base revision would name an existing table (git pathspecs, `*` spans
/// directories): SQL files, migration directories and schema files of any ORM.
const SCHEMA_FILES: &[&str] = &[
    "*.sql",
    "*migrations/*",
    "*migrate/*",
    "*alembic/*",
    "*schema*",
];

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
    /// `--advisories` paths (relative to `cwd`).
    pub advisories: Vec<PathBuf>,
    /// `--signals` files: trace exports or summaries (relative to `cwd`).
    pub signals: Vec<PathBuf>,
}

/// Runs the whole pipeline.
pub fn run(opts: &Options) -> Result<Outcome> {
    let t = Timer::start();
    // The policies are parsed and prepared on another thread while the change is analyzed.
    let (c, engine) = collect_with(opts, |settings| -> Result<Engine> {
        Engine::new(
            &settings.policies,
            settings.cfg.config.policy_data()?,
            opts.timeout,
        )
    })?;
    t.lap("collect facts");
    let engine = engine?;
    t.lap("load policies");
    let out = evaluate(c, &engine);
    t.lap("evaluate");
    out
}

/// What a run has read: the change, its settings, the facts derived from them, and the
/// inputs that could not be read (each named; the facts are those of the rest).
pub struct Collected {
    pub change: ChangeSet,
    pub settings: Settings,
    pub facts: Facts,
    pub errors: Vec<InputError>,
}

/// Reads the inputs and derives the facts (what `gate facts` prints).
pub fn collect(opts: &Options) -> Result<Collected> {
    collect_with(opts, |_| ()).map(|(c, ())| c)
}

/// Stage 1 and stage 2 of the policy evaluation, with the config's rule switches and the
/// suppressions in between.
pub fn evaluate(c: Collected, engine: &Engine) -> Result<Outcome> {
    let Collected {
        change: cs,
        settings,
        mut facts,
        errors,
    } = c;
    // The rule ids the settings and the allow comments name must exist (suppress).
    let t = Timer::start();
    let rules = engine.rules()?;
    suppress::check_rule_ids(&settings.rule_id_sources(), &rules)?;
    suppress::mark_known(&mut facts.allow_comments, &rules);
    t.lap("check rule ids");
    let mut lines = LineLookup::new(&cs);
    let config = &settings.cfg.config;
    let added = suppress::added_by_change(
        &cs,
        config
            .exceptions
            .as_deref()
            .unwrap_or(crate::config::exceptions::EXCEPTIONS_FILE),
        config
            .baseline
            .as_deref()
            .unwrap_or(crate::config::exceptions::BASELINE_FILE),
        &crate::config::exceptions::today(),
    );
    let own_lines = LineLookup::new(&cs);
    let outcome = crate::policy::evaluate(facts, engine, &config.disable, |findings, strict| {
        suppress::apply(
            findings,
            &settings.exceptions,
            settings.baseline.as_ref(),
            |p, l| lines.get(p, l),
            // Under the strict profile a change cannot allow its own finding.
            |rule, p, l| strict.contains(rule) && own_lines.added(p, l),
        );
        suppress::self_suppressions(findings, &added, |p, l| {
            let f = cs.files.iter().find(|f| f.path == p)?;
            f.added_lines()
                .find(|x| x.line == l)
                .map(|x| String::from_utf8_lossy(&x.text).into_owned())
        })
    })?;
    let mut outcome = outcome.with_errors(errors);
    outcome.line_hashes = line_hashes(&cs, &outcome);
    Ok(outcome)
}

/// The line fingerprints of the files the findings point at (their own paths and the plan
/// files of resource findings), read from the change's post-image: the value GitHub's
/// upload-sarif would compute from the checkout.
fn line_hashes(cs: &ChangeSet, o: &Outcome) -> BTreeMap<String, Vec<String>> {
    let mut paths: BTreeSet<&str> = o
        .findings
        .iter()
        .filter_map(|f| f.path.as_deref())
        .collect();
    if o.findings
        .iter()
        .any(|f| f.path.is_none() && f.resource.is_some())
    {
        paths.extend(o.facts.infra.plans.iter().map(|p| p.path.as_str()));
    }
    paths
        .into_iter()
        .filter_map(|p| {
            let bytes = cs.post.read(p).ok().flatten()?;
            Some((
                p.to_string(),
                crate::report::linehash::line_hashes(&String::from_utf8_lossy(&bytes)),
            ))
        })
        .collect()
}

/// [`collect`], running `side` on another thread with the settings as soon as they are
/// known, alongside the analysis of the change.
fn collect_with<T: Send>(
    opts: &Options,
    side: impl FnOnce(&Settings) -> T + Send,
) -> Result<(Collected, T)> {
    let t = Timer::start();
    prefetch_scanner();
    let (mut cs, mode) = change::source::load(opts.source.as_ref(), &opts.cwd)?;
    let mut errors = change::content::inspect(&mut cs)?;
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
        let facts = derive(opts, &mut cs, mode, &settings, &mut errors, &t);
        match handle.join() {
            Ok(v) => (facts, v),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    crate::errors::normalize(&mut errors);
    Ok((
        Collected {
            change: cs,
            settings,
            facts: facts?,
            errors,
        },
        side,
    ))
}

/// The facts of a loaded change: the secret scan first (it masks the change's lines), then
/// telemetry on its own thread beside plans, dependencies, provenance and smells. Inputs
/// that cannot be read go to `errors`, and the rest is analyzed.
fn derive(
    opts: &Options,
    cs: &mut ChangeSet,
    mode: Mode,
    settings: &Settings,
    errors: &mut Vec<InputError>,
    t: &Timer,
) -> Result<Facts> {
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
    // Post-images, read by git while secrets are scanned (ignored files are dropped by the
    // scan, so they are left out here already): telemetry's sources, other source files (for
    // a generated-code header), migrations (for their rollback sections) and CI files, whose
    // pre-images are read too.
    let telemetry_candidate = |f: &FileChange| !cfg.is_test(&f.path) && !cfg.is_generated(&f.path);
    // In `--all` mode telemetry reads the source files within its budget itself.
    let reading = (mode != Mode::All).then(|| {
        let mut wanted: std::collections::BTreeSet<&str> =
            telemetry::candidates(cs, |f| !cfg.is_ignored(&f.path) && telemetry_candidate(f))
                .iter()
                .map(|f| f.path.as_str())
                .collect();
        let mut pre_files = Vec::new();
        for f in cs.files.iter().filter(|f| !cfg.is_ignored(&f.path)) {
            let role = cfg.paths.role(&f.path);
            if workflows::is_ci(role)
                && matches!(f.status, FileStatus::Modified | FileStatus::Renamed)
            {
                let before = f.old_path.clone().unwrap_or_else(|| f.path.clone());
                pre_files.push((f.path.clone(), before));
            }
            let readable = f.status != FileStatus::Deleted && !f.binary && !f.whole_file;
            if readable
                && (header_candidate(cfg, f)
                    || workflows::is_ci(role)
                    || (role == Some(Role::Migration) && f.deletions() + f.additions() > 0))
            {
                wanted.insert(f.path.as_str());
            }
        }
        let files: Vec<(String, Option<String>)> = cs
            .files
            .iter()
            .filter(|f| wanted.contains(f.path.as_str()))
            .map(|f| (f.path.clone(), f.new_blob.clone()))
            .collect();
        let (post, pre) = (cs.post.clone(), cs.pre.clone());
        std::thread::spawn(move || {
            let refs: Vec<(&str, Option<&str>)> = files
                .iter()
                .map(|(p, id)| (p.as_str(), id.as_deref()))
                .collect();
            let read = post.read_many(&refs)?;
            let mut errors = Vec::new();
            let mut keep = |p: &str, r: Result<Option<Vec<u8>>>| match r {
                Ok(image) => image,
                Err(e) => {
                    errors.push(InputError::new(p, &e));
                    None
                }
            };
            let post: telemetry::Images = files
                .into_iter()
                .map(|(p, _)| p)
                .zip(read)
                .map(|(p, r)| {
                    let image = keep(&p, r);
                    (p, image)
                })
                .collect();
            let refs: Vec<(&str, Option<&str>)> =
                pre_files.iter().map(|(_, b)| (b.as_str(), None)).collect();
            let read = if refs.is_empty() {
                Vec::new()
            } else {
                pre.read_many(&refs)?
            };
            let pre: telemetry::Images = pre_files
                .into_iter()
                .zip(read)
                .map(|((p, before), r)| (p, keep(&before, r)))
                .collect();
            Ok::<_, anyhow::Error>((post, pre, errors))
        })
    });
    let scanner = secret_scan::build_scanner(&cfg.config.secrets)?;
    t.lap("build the secret scanner");
    let ignored: Vec<String> = cs
        .files
        .iter()
        .filter(|f| cfg.is_ignored(&f.path))
        .map(|f| f.path.clone())
        .collect();
    cs.files.retain(|f| !cfg.is_ignored(&f.path));
    cs.normalize();
    let (mut secrets, unreadable) = secret_scan::scan_change(cs, &scanner, &cfg.paths);
    errors.extend(unreadable);
    // What the scan did not mask: removed lines' secrets, URL credentials in any line.
    let redactor = crate::redact::Redactor::new(&scanner);
    redactor.change(cs);
    if mode == Mode::Range {
        // A value one commit added and a later one removed is in the branch's history.
        let gone =
            secret_scan::scan_history(cs, &secrets, &scanner, &cfg.paths, |p| cfg.is_ignored(p))?;
        secrets.extend(gone);
    }
    let mut facts = Facts {
        change: ChangeFacts::new(mode, cs, &cfg.paths),
        secrets,
        config: serde_json::to_value(&cfg.config)?,
        ..Facts::default()
    };
    facts.coverage.files = change::content::UnreadFile::collect(&cs.files, ignored);
    t.lap("scan for secrets and build change facts");
    let cs: &ChangeSet = cs;
    let (mut images, pre_images, unreadable) = match reading {
        Some(h) => h
            .join()
            .map_err(|_| anyhow::anyhow!("reading changed files failed"))??,
        None => Default::default(),
    };
    errors.extend(unreadable);
    // What the files' content says: generated-code headers, migrations' rollback sections,
    // and what each CI file's change does.
    let generated = generated_by_header(cfg, cs, &images);
    facts.change.mark_generated(&generated);
    facts.change.mark_rollback(|p| match images.get(p) {
        Some(Some(b)) => Some(String::from_utf8_lossy(b).into_owned()),
        _ => cs
            .files
            .iter()
            .find(|f| f.path == p && f.status == FileStatus::Added)
            .map(|f| String::from_utf8_lossy(&f.added_text()).into_owned()),
    });
    // A table dropped and created again by the same migration is new when the base names
    // it in no migration, SQL or schema file (`DROP TABLE IF EXISTS t; CREATE TABLE t`).
    facts
        .change
        .mark_new_tables(|table| cs.pre.grep_word(table, SCHEMA_FILES))?;
    if mode != Mode::All {
        let ci_files: Vec<&FileChange> = cs
            .files
            .iter()
            .filter(|f| workflows::is_ci(cfg.paths.role(&f.path)))
            .collect();
        let ci_images: std::collections::HashMap<String, workflows::Images> = ci_files
            .iter()
            .map(|f| {
                let get = |m: &telemetry::Images| m.get(&f.path).cloned().flatten();
                // An added file without a post-image (`--diff` outside a checkout) is
                // its added lines.
                let after = get(&images)
                    .or_else(|| (f.status == FileStatus::Added).then(|| f.added_text()));
                let im = workflows::Images {
                    before: get(&pre_images),
                    after,
                };
                (f.path.clone(), im)
            })
            .collect();
        facts.ci = workflows::analyze_files(ci_files, &ci_images);
        for c in &mut facts.ci {
            if let Some(u) = &mut c.untrusted_checkout {
                let mut v = serde_json::Value::String(std::mem::take(&mut u.r#ref));
                secret_scan::redact_values(&mut v, &scanner);
                u.r#ref = v.as_str().unwrap_or_default().to_string();
            }
        }
    }
    images.retain(|p, _| !generated.contains(p));
    let telemetry_candidate =
        |f: &FileChange| telemetry_candidate(f) && !generated.contains(&f.path);
    t.lap("generated headers, rollbacks and CI changes");
    // Telemetry (tree-sitter, the costliest analysis of a large change) runs on its own
    // thread, its files parsed by the worker pool, while this thread reads plans,
    // dependencies, provenance and smells.
    std::thread::scope(|scope| -> Result<()> {
        let telemetry = scope.spawn(|| -> Result<_> {
            let patterns = telemetry::Patterns::new(&cfg.config.telemetry)?;
            let candidate = |f: &FileChange| !cfg.is_ignored(&f.path) && telemetry_candidate(f);
            let context = |p: &str| {
                !cfg.is_ignored(p)
                    && !cfg.is_test(p)
                    && !cfg.is_generated(p)
                    && !generated.contains(p)
            };
            let critical = |p: &str| cfg.is_critical(p);
            let settings = telemetry::Settings {
                patterns: &patterns,
                budget: cfg.config.telemetry.budget_bytes()?,
                context_budget: cfg.config.telemetry.context_bytes()?,
                is_candidate: &candidate,
                is_context: &context,
                is_critical: &critical,
            };
            telemetry::analyze(cs, images, &settings)
        });
        let rest = other_facts(
            opts, cs, mode, settings, &scanner, commits, &generated, &mut facts, t,
        );
        let analysis = telemetry
            .join()
            .map_err(|_| anyhow::anyhow!("telemetry analysis failed"))??;
        facts.telemetry = analysis.facts;
        facts.telemetry_services = analysis.services;
        facts.coverage.telemetry = analysis.coverage;
        t.lap("telemetry");
        errors.extend(rest?);
        Ok(())
    })?;
    facts.production = production(opts, cs, cfg, &facts.telemetry)?;
    t.lap("production signals");
    facts.governance = settings.governance.clone();
    facts.exceptions = settings.exceptions.clone();
    // Dependencies, plans and provenance come from inputs no line scan saw.
    redactor.facts(&mut facts);
    facts.allow_comments = crate::allow::comments(cs);
    Ok(facts)
}

/// What production says about the touched functions: the configured and given signals,
/// joined to the functions of the changed files they observe (nothing is read without any).
fn production(
    opts: &Options,
    cs: &ChangeSet,
    cfg: &crate::config::Resolved,
    telemetry: &[telemetry::TelemetryFact],
) -> Result<crate::signals::ProductionFacts> {
    let pc = &cfg.config.production;
    if pc.signals.is_empty() && opts.signals.is_empty() {
        return Ok(crate::signals::ProductionFacts::default());
    }
    let patterns = telemetry::Patterns::new(&cfg.config.telemetry)?;
    let given: Vec<PathBuf> = opts.signals.iter().map(|p| opts.cwd.join(p)).collect();
    let root = cs.root.clone().unwrap_or_else(|| opts.cwd.clone());
    let today = crate::config::exceptions::today();
    let inputs = crate::signals::Inputs {
        config: pc,
        given: &given,
        root: &root,
        today: &today,
        patterns: &patterns,
        telemetry,
    };
    crate::signals::collect(cs, &inputs)
}

/// A changed source file whose content may say it is generated: not a test, not generated
/// by its path, in a source language, with added lines.
fn header_candidate(cfg: &crate::config::Resolved, f: &FileChange) -> bool {
    f.additions() > 0 && cfg.paths.is_source(&f.path)
}

/// The changed source files whose first lines carry a generated-code header: from the
/// post-image, or without one from the added lines at the top of the file.
fn generated_by_header(
    cfg: &crate::config::Resolved,
    cs: &ChangeSet,
    images: &telemetry::Images,
) -> std::collections::HashSet<String> {
    cs.files
        .iter()
        .filter(|f| f.status != FileStatus::Deleted && !f.binary && header_candidate(cfg, f))
        .filter(|f| match images.get(&f.path) {
            Some(Some(b)) => paths::generated_header(b),
            _ => paths::generated_header(&added_head(f)),
        })
        .map(|f| f.path.clone())
        .collect()
}

/// The added lines that open a file (lines 1, 2, 3 ... as far as they run).
fn added_head(f: &FileChange) -> Vec<u8> {
    let mut out = Vec::new();
    for (next, l) in (1..=12u32).zip(f.added_lines()) {
        if l.line != next {
            break;
        }
        out.extend_from_slice(&l.text);
        out.push(b'\n');
    }
    out
}

type CommitsReader = std::thread::JoinHandle<Result<Vec<change::git::CommitInfo>>>;

/// The facts besides secrets and telemetry: plans, dependencies, provenance and smells, and
/// the plans, manifests and lockfiles that could not be read.
#[allow(clippy::too_many_arguments)]
fn other_facts(
    opts: &Options,
    cs: &ChangeSet,
    mode: Mode,
    settings: &Settings,
    scanner: &Scanner,
    commits: Option<CommitsReader>,
    generated: &std::collections::HashSet<String>,
    facts: &mut Facts,
    t: &Timer,
) -> Result<Vec<InputError>> {
    let cfg = &settings.cfg;
    let mut errors = Vec::new();
    if !opts.plans.is_empty() {
        let root = cs.root.clone().unwrap_or_else(|| opts.cwd.clone());
        let taxonomy = infra::Taxonomy::new(&cfg.config.infra.taxonomy)?;
        let (mut loaded, in_dirs, unreadable) = infra::load_plans(
            &opts.plans,
            &opts.cwd,
            opts.plan_base.as_deref(),
            &root,
            &taxonomy,
        );
        errors.extend(unreadable);
        for plan in &mut loaded {
            for r in &mut plan.resources {
                secret_scan::redact_values(&mut r.before, scanner);
                secret_scan::redact_values(&mut r.after, scanner);
            }
            secret_scan::redact_values(&mut plan.raw, scanner);
        }
        facts.infra.plans = loaded;
        facts.infra.errors = in_dirs;
    }
    let terraform = |f: &FileChange| {
        let p = f.path.to_ascii_lowercase();
        p.ends_with(".tf") || p.ends_with(".tfvars")
    };
    if mode != Mode::All && cs.files.iter().any(terraform) {
        let (pattern, specs) = infra::ROOT_CONFIGURATION;
        facts.infra.root_configuration = cs.post.grep_any(pattern, specs)?;
        t.lap("terraform root configuration");
    }
    {
        let ctx = crate::deps::Context {
            root: cs.root.clone().unwrap_or_else(|| opts.cwd.clone()),
            advisories: opts.advisories.iter().map(|p| opts.cwd.join(p)).collect(),
            all: mode == Mode::All,
        };
        let a = crate::deps::analyze(cs, &cfg.config.dependencies, &ctx)?;
        facts.dependencies = a.facts;
        facts.lockfiles = a.lockfiles;
        facts.advisories = a.advisories;
        facts.coverage.advisories = a.coverage;
        errors.extend(a.errors);
        t.lap("dependencies");
    }
    let commits = match commits {
        Some(h) => h
            .join()
            .map_err(|_| anyhow::anyhow!("reading the commits of the range failed"))??,
        None => Vec::new(),
    };
    let branch = if mode == Mode::All {
        None
    } else {
        crate::ci::head_branch()
    };
    facts.provenance = provenance::detect(
        &provenance::Detector::new(&cfg.config.ai.agents),
        &commits,
        branch.as_ref().map(|(b, var)| (b.as_str(), *var)),
        &provenance::github_labels(),
        &cfg.config.ai.labels,
        opts.ai,
    );
    // Files generated by a header count as generated for the smells too.
    facts.smells = smells::analyze(cs, &cfg.paths, mode == Mode::All, &|p| {
        generated.contains(p)
    })?;
    t.lap("provenance and smells");
    Ok(errors)
}
