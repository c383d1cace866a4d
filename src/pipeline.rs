//! The one path from input to verdict, wired: read the change ([`crate::change`]), load the
//! settings ([`crate::settings`]), run the analyzers, assemble the [`Facts`], and evaluate
//! them ([`crate::policy`]) with the suppressions ([`crate::suppress`]) between the stages.
//! `gate check` and `gate facts` both come through here, so what `gate facts` prints is
//! exactly what the policies saw.
//!
//! Only wiring lives here: which stage runs on which thread, and what each is given.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;

use crate::analyzers::{Analyzer, Selection};
use crate::change::facts::ChangeFacts;
use crate::change::git::CommitInfo;
use crate::change::{self, ChangeSet, FileChange, Mode, Source};
use crate::errors::InputError;
use crate::facts::Facts;
use crate::infra;
use crate::policy::evaluate::LineLookup;
use crate::policy::{Engine, Outcome};
use crate::secrets::scan::{self as secret_scan, prefetch_scanner};
use crate::secrets::Scanner;
use crate::settings::{self, Settings};
use crate::timing::Timer;
use crate::{provenance, smells, suppress, telemetry, workflows};

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
    /// `--only`/`--skip`: the analyzers to run, on top of `analyzers:` in the configuration.
    pub analyzers: crate::analyzers::Request,
    /// Compute GitHub's line fingerprints of the files the findings point at (only SARIF
    /// reports carry them; they cost a read and a hash of every such file).
    pub line_hashes: bool,
}

/// Runs the whole pipeline.
pub fn run(opts: &Options) -> Result<Outcome> {
    let t = Timer::start();
    // The policies are parsed and prepared on another thread while the change is analyzed.
    let (c, engine) = collect_with(opts, |settings| settings.engine(opts.timeout))?;
    t.lap("collect facts");
    let engine = engine?;
    t.lap("load policies");
    let out = evaluate(c, &engine, opts.line_hashes);
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
/// suppressions in between; with `line_hashes`, the line fingerprints SARIF reports carry.
pub fn evaluate(c: Collected, engine: &Engine, line_hashes: bool) -> Result<Outcome> {
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
    let lines = LineLookup::new(&cs);
    let added = settings.added_by_change(&cs);
    let config = &settings.cfg.config;
    let outcome = crate::policy::evaluate(facts, engine, &config.disable, |findings, strict| {
        suppress::apply(
            findings,
            &settings.exceptions,
            settings.baseline.as_ref(),
            |p, l| lines.get(p, l),
            // Under the strict profile a change cannot allow its own finding.
            |rule, p, l| strict.contains(rule) && lines.added(p, l),
        );
        suppress::self_suppressions(findings, &added, |p, l| lines.added_text(p, l))
    })?;
    let mut outcome = outcome.with_errors(errors);
    if line_hashes {
        outcome.line_hashes = crate::report::linehash::of_findings(&cs, &outcome);
    }
    Ok(outcome)
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
    let selection = Selection::resolve(&cfg.config.analyzers, &opts.analyzers)?;
    let runs = |a: Analyzer| selection.runs(a);
    if !opts.plans.is_empty() && !runs(Analyzer::Infra) {
        anyhow::bail!(
            "--plan was given, but the infra analyzer does not run ({}): drop the plan or run infra",
            selection
                .not_run
                .iter()
                .find(|n| n.analyzer == Analyzer::Infra)
                .map_or("", |n| n.reason.as_str())
        );
    }
    // The commits of the range (for provenance), read by git while the change is analyzed.
    let commits = if runs(Analyzer::Provenance) {
        cs.commits_in_background()
    } else {
        None
    };
    // Post-images (and CI files' pre-images), read by git while secrets are scanned. In
    // `--all` mode telemetry reads the source files within its budget itself.
    let telemetry_runs = runs(Analyzer::Telemetry);
    // Examples and benchmarks are demonstrations and harnesses, not services in production:
    // request telemetry and error handling there are no operator's concern.
    let telemetry_candidate = |f: &FileChange| {
        telemetry_runs
            && !cfg.is_test(&f.path)
            && !cfg.is_generated(&f.path)
            && !cfg.paths.is_sample(&f.path)
            && !cfg.paths.is_benchmark(&f.path)
    };
    let reading = (mode != Mode::All).then(|| {
        let (post, pre) = crate::facts::images_wanted(cs, cfg, &telemetry_candidate);
        change::images::read_in_background(cs, post, pre)
    });
    let scanner = secret_scan::build_scanner(&cfg.config.secrets)?;
    t.lap("build the secret scanner");
    let ignored = cs.drop_ignored(|p| cfg.is_ignored(p));
    let (mut secrets, unreadable) = secret_scan::scan_change(cs, &scanner, &cfg.paths);
    errors.extend(unreadable);
    // What the scan did not mask: removed lines' secrets, URL credentials in any line.
    let redactor = crate::redact::Redactor::new(&scanner);
    redactor.change(cs);
    // Joined here, not where provenance reads them: a range of fewer than two commits has no
    // history besides its diff, and the history scan then needs no `git log --patch`. An
    // error reading them is reported where provenance reads them, as before.
    let commits: Option<Result<Vec<CommitInfo>>> = commits.map(|h| {
        h.join()
            .map_err(|_| anyhow::anyhow!("reading the commits of the range failed"))?
    });
    if mode == Mode::Range {
        // A value one commit added and a later one removed is in the branch's history.
        let known = commits.as_ref().and_then(|r| r.as_ref().ok()).map(Vec::len);
        let gone = secret_scan::scan_history(cs, &secrets, &scanner, &cfg.paths, known, |p| {
            cfg.is_ignored(p)
        })?;
        secrets.extend(gone);
    }
    let mut facts = Facts {
        change: ChangeFacts::new(mode, cs, &cfg.paths),
        secrets,
        config: serde_json::to_value(&cfg.config)?,
        ..Facts::default()
    };
    facts.coverage.files = change::content::UnreadFile::collect(&cs.files, ignored);
    facts.coverage.analyzers = selection.clone();
    t.lap("scan for secrets and build change facts");
    let cs: &ChangeSet = cs;
    let images = match reading {
        Some(r) => r.join()?,
        None => Default::default(),
    };
    errors.extend(images.errors);
    let (mut images, pre_images) = (images.post, images.pre);
    // What the files' content says: generated-code headers, migrations' rollback sections,
    // new tables, and what each CI file's change does.
    let generated = facts.change.mark_from_content(cs, &cfg.paths, &images)?;
    if mode != Mode::All && runs(Analyzer::Ci) {
        facts.ci = workflows::analyze_change(cs, |p| cfg.paths.role(p), &images, &pre_images);
        for c in &mut facts.ci {
            if let Some(u) = &mut c.untrusted_checkout {
                secret_scan::redact_string(&mut u.r#ref, &scanner);
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
        let telemetry = telemetry_runs.then(|| {
            scope.spawn(|| -> Result<_> {
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
            })
        });
        let rest = other_facts(
            opts, cs, mode, settings, &selection, &scanner, commits, &generated, &mut facts, t,
        );
        if let Some(telemetry) = telemetry {
            let analysis = telemetry
                .join()
                .map_err(|_| anyhow::anyhow!("telemetry analysis failed"))??;
            facts.telemetry = analysis.facts;
            facts.telemetry_services = analysis.services;
            facts.coverage.telemetry = analysis.coverage;
            t.lap("telemetry");
        }
        errors.extend(rest?);
        Ok(())
    })?;
    if runs(Analyzer::Production) {
        facts.production = production(opts, cs, cfg, &facts.telemetry)?;
        t.lap("production signals");
    }
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

/// The facts besides secrets and telemetry: plans, dependencies, provenance and smells, and
/// the plans, manifests and lockfiles that could not be read.
#[allow(clippy::too_many_arguments)]
fn other_facts(
    opts: &Options,
    cs: &ChangeSet,
    mode: Mode,
    settings: &Settings,
    selection: &Selection,
    scanner: &Scanner,
    commits: Option<Result<Vec<CommitInfo>>>,
    generated: &std::collections::HashSet<String>,
    facts: &mut Facts,
    t: &Timer,
) -> Result<Vec<InputError>> {
    let cfg = &settings.cfg;
    let mut errors = Vec::new();
    let root = cs.root.clone().unwrap_or_else(|| opts.cwd.clone());
    let request = infra::Request {
        plans: &opts.plans,
        cwd: &opts.cwd,
        base: opts.plan_base.as_deref(),
        root: &root,
        taxonomy: &cfg.config.infra.taxonomy,
        change: (mode != Mode::All).then_some(cs),
    };
    if selection.runs(Analyzer::Infra) {
        let (infra, unreadable) =
            infra::analyze(&request, &|v| secret_scan::redact_values(v, scanner))?;
        facts.infra = infra;
        errors.extend(unreadable);
        t.lap("plans");
    }
    if selection.runs(Analyzer::Dependencies) {
        let ctx = crate::deps::Context {
            root,
            advisories: opts.advisories.iter().map(|p| opts.cwd.join(p)).collect(),
            all: mode == Mode::All,
        };
        let a = crate::deps::analyze(cs, &cfg.config.dependencies, &ctx)?;
        facts.dependencies = a.facts;
        for d in &mut facts.dependencies {
            d.sample = cfg.paths.is_sample(&d.manifest);
        }
        facts.lockfiles = a.lockfiles;
        facts.advisories = a.advisories;
        facts.coverage.advisories = a.coverage;
        errors.extend(a.errors);
        t.lap("dependencies");
    }
    let commits = match commits {
        Some(r) => r?,
        None => Vec::new(),
    };
    let branch = if mode == Mode::All {
        None
    } else {
        crate::ci::head_branch()
    };
    if selection.runs(Analyzer::Provenance) {
        facts.provenance = provenance::detect(
            &provenance::Detector::new(&cfg.config.ai.agents),
            &commits,
            branch.as_ref().map(|(b, var)| (b.as_str(), *var)),
            &provenance::github_labels(),
            &cfg.config.ai.labels,
            opts.ai,
        );
    }
    if selection.runs(Analyzer::Smells) {
        // Files generated by a header count as generated for the smells too.
        facts.smells = smells::analyze(cs, &cfg.paths, mode == Mode::All, &|p| {
            generated.contains(p)
        })?;
    }
    t.lap("provenance and smells");
    Ok(errors)
}
