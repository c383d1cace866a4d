//! The `gate` binary: parse arguments, run, map the outcome to an exit code.
//! 0 pass (or warn), 1 fail, 2 error. A closed pipe ends output quietly.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use clap::Parser;

use gate::change::Source;
use gate::cli::{
    CheckArgs, Cli, Command, ConfigCommand, DepsCommand, InputArgs, PolicyArgs, PolicyCommand,
    SignalsCommand,
};
use gate::pipeline::{self, Options};
use gate::policy::{self, Decision, Engine};
use gate::report::{self, Render};

fn main() -> ExitCode {
    // The check runs in a supervised worker: an abort or a kill is exit 2, never a verdict.
    if gate::supervise::is_worker() {
        gate::supervise::watch_parent();
    } else if let Some((code, message)) = gate::supervise::run() {
        if let Some(m) = message {
            eprintln!("gate: error: {m}");
        }
        return ExitCode::from(code);
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::from(0);
            }
            eprintln!("gate: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Facts(input) => facts(input),
        Command::Baseline { input, output } => baseline(input, output),
        Command::Policy(PolicyCommand::Test { dir }) => policy_test(dir.as_deref()),
        Command::Rules(p) => rules(&p),
        Command::Explain { rule, policy } => explain(&rule, &policy),
        Command::Init { force } => init(force),
        Command::Deps(DepsCommand::Index {
            advisories,
            force,
            config,
        }) => deps_index(&advisories, force, config.as_deref()),
        Command::Deps(DepsCommand::Sbom { rev, output }) => {
            deps_sbom(rev.as_deref(), output.as_deref())
        }
        Command::Hook {
            stage,
            only,
            skip,
            files,
        } => hook(stage, &files, &only, &skip),
        Command::Config(ConfigCommand::Schema { output }) => {
            write_out(output.as_deref(), &gate::config::schema())?;
            Ok(0)
        }
        Command::Signals(SignalsCommand::Summarize { traces, output }) => {
            signals_summarize(&traces, output.as_deref())
        }
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "gate", &mut out);
            write_out(None, &String::from_utf8_lossy(&out))?;
            Ok(0)
        }
    }
}

fn cwd() -> Result<PathBuf> {
    std::env::current_dir().context("cannot read the current directory")
}

fn options(input: &InputArgs) -> Result<Options> {
    if let Some(n) = input.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .map_err(|e| anyhow!("cannot start {n} threads: {e}"))?;
    }
    if let (Some(p), None) = (&input.path, &input.all) {
        bail!(
            "a trailing path ({}) goes with --all: gate check --all {}",
            p.display(),
            p.display()
        );
    }
    let ci_base =
        if input.base.is_none() && !input.staged && input.diff.is_none() && input.all.is_none() {
            gate::ci::detect_base()
        } else {
            None
        };
    if let Some((base, from)) = &ci_base {
        eprintln!("gate: checking the change against {base} (from {from})");
    }
    let source = if let Some(base) = input.base.as_ref().or(ci_base.as_ref().map(|(b, _)| b)) {
        Some(Source::Range {
            base: base.clone(),
            head: input
                .head
                .clone()
                .or_else(|| std::env::var("GATE_HEAD").ok().filter(|h| !h.is_empty())),
        })
    } else if input.staged {
        Some(Source::Staged)
    } else if let Some(d) = &input.diff {
        Some(Source::Diff(d.clone()))
    } else {
        match (&input.all, &input.path) {
            (Some(all), Some(p)) if all != Path::new(".") && all != p => bail!(
                "--all {} and the trailing path {}: give one path",
                all.display(),
                p.display()
            ),
            (Some(_), Some(p)) => Some(Source::All(p.clone())),
            (all, _) => all.as_ref().map(|p| Source::All(p.clone())),
        }
    };
    if source.is_none() && input.plans.is_empty() {
        bail!("say what to check: --base REV, --staged, --diff FILE|-, --all [PATH] and/or --plan FILE (see gate check --help)");
    }
    if input.plan_base.is_some() && input.plans.is_empty() {
        bail!("--plan-base needs a --plan to compare with");
    }
    if !(input.policy_timeout > 0.0 && input.policy_timeout.is_finite()) {
        bail!("--policy-timeout must be a positive number of seconds");
    }
    Ok(Options {
        source,
        plans: input.plans.clone(),
        plan_base: input.plan_base.clone(),
        config: input.policy.config.clone(),
        policy_dirs: input.policy.policies.clone(),
        timeout: Duration::from_secs_f64(input.policy_timeout),
        cwd: cwd()?,
        config_from_worktree: input.config_from_worktree,
        ai: input.ai,
        advisories: input.advisories.clone(),
        signals: input.signals.clone(),
        analyzers: gate::analyzers::Request {
            only: input.only.clone(),
            skip: input.skip.clone(),
        },
        line_hashes: true,
    })
}

fn write_out(path: Option<&Path>, text: &str) -> Result<()> {
    match path {
        Some(p) => std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display())),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
            Ok(())
        }
    }
}

/// Names every input that could not be read, on stderr (whatever the report format).
fn print_errors(errors: &[gate::errors::InputError]) {
    for e in errors {
        eprintln!("gate: error: {e}");
    }
}

fn check(args: CheckArgs) -> Result<u8> {
    if args.timings {
        gate::timing::enable();
    }
    let mut opts = options(&args.input)?;
    // Only SARIF carries line fingerprints.
    opts.line_hashes = args.format == report::Format::Sarif
        || args
            .reports
            .iter()
            .any(|(f, _)| *f == report::Format::Sarif);
    let outcome = pipeline::run(&opts)?;
    print_errors(&outcome.errors);
    let text = report::text::TextReport {
        color: false,
        quiet: args.quiet,
    };
    let render = |format: report::Format, text: report::text::TextReport| match format {
        report::Format::Text => text.render(&outcome),
        f => report::render(f, &outcome),
    };
    for (format, path) in &args.reports {
        write_out(Some(path), &render(*format, text)?)?;
    }
    let code = match outcome.verdict.decision {
        Decision::Error => 2,
        Decision::Fail => 1,
        Decision::Pass | Decision::Warn => 0,
    };
    // An input that could not be read (a plan of a --plan directory, a manifest...) was
    // named above and made the decision an error: never a pass.
    // Colour only where a person reads it: standard output on a terminal.
    let color = report::text::color_wanted(
        args.color,
        args.output.is_none() && std::io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
        std::env::var_os("TERM").as_deref(),
    );
    match write_out(
        args.output.as_deref(),
        &render(args.format, report::text::TextReport { color, ..text })?,
    ) {
        // A closed pipe (`gate check | head`) is not an error, but the decision stands.
        Err(e) if is_broken_pipe(&e) => Ok(code),
        Err(e) => Err(e),
        Ok(()) => Ok(code),
    }
}

fn facts(input: InputArgs) -> Result<u8> {
    let opts = options(&input)?;
    let collected = pipeline::collect(&opts)?;
    print_errors(&collected.errors);
    let mut s = serde_json::to_string_pretty(&collected.facts)?;
    s.push('\n');
    write_out(None, &s)?;
    Ok(if collected.errors.is_empty() { 0 } else { 2 })
}

fn baseline(input: InputArgs, output: Option<PathBuf>) -> Result<u8> {
    let opts = options(&input)?;
    let outcome = pipeline::run(&opts)?;
    if !outcome.errors.is_empty() {
        print_errors(&outcome.errors);
        // A baseline of what could be read would hide nothing, but it would not be a baseline
        // of the change either: none is written until every input reads.
        bail!(
            "no baseline written: {} input(s) could not be read",
            outcome.errors.len()
        );
    }
    let root = gate::change::git::toplevel(&opts.cwd).unwrap_or_else(|| opts.cwd.clone());
    let path = output.unwrap_or_else(|| root.join(gate::config::exceptions::BASELINE_FILE));
    let b = gate::suppress::Baseline::from_findings(&outcome.findings);
    let mut text = serde_json::to_string_pretty(&b)?;
    text.push('\n');
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!(
        "gate: wrote {} to {}",
        gate::report::counted(b.findings.len(), "finding", "findings"),
        path.display()
    );
    Ok(0)
}

fn engine_for(p: &PolicyArgs) -> Result<Engine> {
    let cwd = cwd()?;
    let (cfg, set) = gate::settings::load_policies(&cwd, p.config.as_deref(), &p.policies)?;
    Engine::new(&set, cfg.policy_data()?, Duration::from_secs(10))
}

fn rules(p: &PolicyArgs) -> Result<u8> {
    let engine = engine_for(p)?;
    let rules = engine.rules()?;
    let mut s = String::new();
    for r in rules.values() {
        s.push_str(&format!(
            "{:<14} {:<13} {:>4.1}  {}\n",
            r.id, r.category, r.security_severity, r.name
        ));
    }
    write_out(None, &s)?;
    Ok(0)
}

fn explain(id: &str, p: &PolicyArgs) -> Result<u8> {
    let engine = engine_for(p)?;
    let rules = engine.rules()?;
    let r = rules
        .values()
        .find(|r| r.id.eq_ignore_ascii_case(id))
        .ok_or_else(|| anyhow!("unknown rule {id:?} (gate rules lists them)"))?;
    let mut s = format!("{} — {}\n\n{}\n", r.id, r.name, r.summary);
    if !r.help.is_empty() {
        s.push('\n');
        s.push_str(&r.help);
        if !r.help.ends_with('\n') {
            s.push('\n');
        }
    }
    s.push_str(&format!(
        "\ncategory: {}  security-severity: {:.1}  tags: {}\n",
        r.category,
        r.security_severity,
        r.tags.join(", ")
    ));
    write_out(None, &s)?;
    Ok(0)
}

fn init(force: bool) -> Result<u8> {
    let cwd = cwd()?;
    let root = gate::change::git::toplevel(&cwd).unwrap_or(cwd);
    for (rel, text) in gate::ci::init_files() {
        let path = root.join(rel);
        if path.exists() && !force {
            eprintln!("gate: kept {} (exists; --force overwrites)", path.display());
            continue;
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("gate: wrote {}", path.display());
    }
    Ok(0)
}

/// A git hook run: what to check comes from pre-commit's variables and file names, then it
/// is an ordinary `gate check`.
fn hook(
    stage: gate::ci::HookStage,
    files: &[String],
    only: &[gate::analyzers::Analyzer],
    skip: &[gate::analyzers::Analyzer],
) -> Result<u8> {
    use gate::ci::HookInput;
    let cwd = cwd()?;
    let git = |args: &[&str]| -> Result<Vec<u8>> {
        let o = std::process::Command::new("git")
            .current_dir(&cwd)
            .args(args)
            .output()
            .context("cannot run git")?;
        if !o.status.success() {
            bail!(
                "git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&o.stderr).trim()
            );
        }
        Ok(o.stdout)
    };
    let staged: Vec<String> = git(&["diff", "--cached", "--name-only", "-z"])?
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    let var = |k: &str| std::env::var(k).ok();
    let input = gate::ci::hook_input(
        stage,
        var("PRE_COMMIT_FROM_REF").as_deref(),
        var("PRE_COMMIT_TO_REF").as_deref(),
        files,
        &staged,
    );
    let stamp = if input == HookInput::All {
        let git_dir = String::from_utf8_lossy(&git(&["rev-parse", "--absolute-git-dir"])?)
            .trim()
            .to_string();
        gate::ci::hook_stamp(Path::new(&git_dir))
    } else {
        None
    };
    if let Some(code) = stamp
        .as_ref()
        .and_then(|s| std::fs::read_to_string(s).ok())
        .and_then(|c| c.trim().parse::<u8>().ok())
    {
        // An earlier run of this pre-commit already checked the whole work tree.
        return Ok(code);
    }
    let mut args = gate::ci::hook_check_args(&input);
    let list =
        |l: &[gate::analyzers::Analyzer]| l.iter().map(|a| a.name()).collect::<Vec<_>>().join(",");
    if !only.is_empty() {
        args.extend(["--only".to_string(), list(only)]);
    }
    if !skip.is_empty() {
        args.extend(["--skip".to_string(), list(skip)]);
    }
    let name = match stage {
        gate::ci::HookStage::PreCommit => "pre-commit",
        gate::ci::HookStage::PrePush => "pre-push",
    };
    eprintln!("gate: {name} hook: gate {}", args.join(" "));
    let cli = Cli::try_parse_from(std::iter::once("gate".to_string()).chain(args))
        .map_err(|e| anyhow!("{e}"))?;
    let code = run(cli)?;
    if let Some(s) = stamp {
        gate::ci::prune_hook_stamps(&s);
        // Best effort: without the stamp a later chunk checks the tree again.
        let _ = std::fs::write(s, code.to_string());
    }
    Ok(code)
}

fn policy_test(dir: Option<&Path>) -> Result<u8> {
    let mut set = policy::PolicySet::builtin();
    if let Some(d) = dir {
        set.add_dir(d)?;
    }
    let data = gate::config::Config::default().policy_data()?;
    let selected = |s: &policy::PolicySource| dir.is_none() || !s.builtin;
    let rules = Engine::new(&set, data.clone(), Duration::from_secs(10))?.rules()?;
    let problems = policy::test::lint(&set, &rules, selected);
    let results = policy::test::run(&set, data, Duration::from_secs(10), selected)?;
    if results.is_empty() {
        bail!(
            "no test_* rules found in {}",
            dir.map_or("the built-in policies".to_string(), |d| d
                .display()
                .to_string())
        );
    }
    let mut out = String::new();
    let mut failed = 0;
    for r in &results {
        if r.passed {
            out.push_str(&format!("PASS {}.{} ({})\n", r.package, r.name, r.origin));
        } else {
            failed += 1;
            out.push_str(&format!(
                "FAIL {}.{} ({}): {}\n",
                r.package,
                r.name,
                r.origin,
                r.detail.as_deref().unwrap_or("")
            ));
        }
    }
    // Every rule meets the standard: help with What / Why / Example / How to fix, and a test
    // file beside it that names it.
    for p in &problems {
        out.push_str(&format!("RULE {} ({}): {}\n", p.rule, p.origin, p.problem));
    }
    out.push_str(&format!(
        "{} passed, {} failed",
        results.len() - failed,
        failed
    ));
    if !problems.is_empty() {
        out.push_str(&format!(
            "; {} rule problems (help sections: {})",
            problems.len(),
            policy::test::HELP_SECTIONS.join(" / ")
        ));
    }
    out.push('\n');
    write_out(None, &out)?;
    Ok(if failed > 0 || !problems.is_empty() {
        1
    } else {
        0
    })
}

/// `gate deps index`: builds or refreshes the advisory index and says what it holds.
fn deps_index(extra: &[PathBuf], force: bool, config: Option<&Path>) -> Result<u8> {
    let cwd = cwd()?;
    let root = gate::change::git::toplevel(&cwd).unwrap_or_else(|| cwd.clone());
    // The work tree's configuration (`--config`, else .gate.yaml at the root).
    let (cfg, _) = gate::settings::load_policies(&cwd, config, &[])?;
    let deps = &cfg.dependencies;
    let sources: Vec<PathBuf> = deps
        .advisories
        .iter()
        .map(|p| root.join(p))
        .chain(extra.iter().map(|p| cwd.join(p)))
        .collect();
    if sources.is_empty() {
        bail!("no advisories to index: set dependencies.advisories in .gate.yaml or pass --advisories PATH");
    }
    let cache =
        gate::deps::advisories::cache_dir(deps.cache.as_deref().map(|c| root.join(c)).as_deref());
    let start = std::time::Instant::now();
    let idx = gate::deps::advisories::Index::open(&sources, &cache, force)?;
    let s = &idx.stats;
    let ecos = s
        .ecosystems
        .iter()
        .map(|(e, n)| format!("{e} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    println!(
        "{} {} records ({} malicious) for {} packages [{ecos}] from {} files in {} ms; skipped {} withdrawn, {} of other ecosystems, {} not records\n{}",
        if idx.built { "indexed" } else { "up to date:" },
        s.records,
        s.malicious,
        s.packages,
        s.files,
        start.elapsed().as_millis(),
        s.withdrawn,
        s.unsupported,
        s.not_records,
        idx.path.display()
    );
    Ok(0)
}

/// `gate deps sbom`: a CycloneDX 1.5 document of the dependencies at a revision.
fn deps_sbom(rev: Option<&str>, output: Option<&Path>) -> Result<u8> {
    let cwd = cwd()?;
    let root = gate::change::git::toplevel(&cwd).unwrap_or_else(|| cwd.clone());
    let doc = gate::deps::sbom::build(&root, rev)?;
    write_out(output, &(serde_json::to_string_pretty(&doc)? + "\n"))?;
    Ok(0)
}

/// `gate signals summarize`: every export streamed into one summary, and what it holds.
fn signals_summarize(traces: &[PathBuf], output: Option<&Path>) -> Result<u8> {
    let start = std::time::Instant::now();
    let mut all = gate::signals::Summary::default();
    for t in traces {
        let (mut s, kind) = gate::signals::load(t)?;
        if kind == "otlp" {
            // As given on the command line: the summary does not depend on the directory.
            for src in &mut s.sources {
                src.path = t.display().to_string();
            }
        }
        all.merge(s);
    }
    write_out(output, &all.to_json()?)?;
    eprintln!(
        "gate: summarized {} of {} ({} code locations and routes) from {}, {} to {}, in {} ms",
        gate::report::counted(all.spans as usize, "span", "spans"),
        gate::report::counted(all.services.len(), "service", "services"),
        all.locations(),
        gate::report::counted(traces.len(), "file", "files"),
        gate::signals::summary::rfc3339(all.window_start),
        gate::signals::summary::rfc3339(all.window_end),
        start.elapsed().as_millis()
    );
    Ok(0)
}
