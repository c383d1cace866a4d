//! Command-line definitions (clap). Parsing only: `main.rs` wires the commands to the library.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "gate",
    version,
    about = "Decide whether a change may merge: secrets, blast radius, dependencies and telemetry, judged by Rego policies.",
    after_help = "Exit codes: 0 pass (warnings allowed), 1 fail, 2 error (usage, unreadable input, unknown revision, policy error)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a change and print a verdict.
    Check(CheckArgs),
    /// Print the facts document the policies see (Rego `input`), as JSON.
    Facts(InputArgs),
    /// Write a baseline of the current findings, so that only new ones count from now on.
    Baseline {
        #[command(flatten)]
        input: InputArgs,
        /// Where to write it (default: .gate-baseline.json at the repository root).
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Work with policies.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// List every rule: built-in and from the configured policy directories.
    Rules(PolicyArgs),
    /// Write a commented .gate.yaml, a GitHub workflow and a pre-commit configuration.
    Init {
        /// Overwrite files that exist.
        #[arg(long)]
        force: bool,
    },
    /// The configuration file: its JSON Schema.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Dependencies: the advisory index, and a software bill of materials.
    #[command(subcommand)]
    Deps(DepsCommand),
    /// Run as a git hook (what .pre-commit-hooks.yaml runs): a commit checks the staged
    /// changes, `pre-commit run --all-files` the whole work tree, a push the commits pushed.
    Hook {
        /// Which hook.
        #[arg(value_enum)]
        stage: crate::ci::HookStage,
        /// Run only these analyzers (`args: [--only, secrets]` in the pre-commit configuration).
        #[arg(long, value_enum, value_delimiter = ',', value_name = "ANALYZER")]
        only: Vec<crate::analyzers::Analyzer>,
        /// Do not run these analyzers.
        #[arg(long, value_enum, value_delimiter = ',', value_name = "ANALYZER")]
        skip: Vec<crate::analyzers::Analyzer>,
        /// The files pre-commit passes.
        files: Vec<String>,
    },
    /// Print a shell completion script: `gate completions bash > /etc/bash_completion.d/gate`,
    /// `gate completions zsh > "${fpath[1]}/_gate"`, `gate completions fish > ~/.config/fish/completions/gate.fish`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Production signals: summarize OpenTelemetry trace exports for `gate check --signals`.
    #[command(subcommand)]
    Signals(SignalsCommand),
    /// Print a rule's help.
    Explain {
        /// The rule id, e.g. GATE-SEC-001.
        rule: String,
        #[command(flatten)]
        policy: PolicyArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the JSON Schema of .gate.yaml (draft 2020-12), for editors and validators: the
    /// file `gate init` writes names it on its first line for the YAML language server.
    Schema {
        /// Write to FILE instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DepsCommand {
    /// Build (or refresh) the index of the configured OSV advisories, so checks read it in
    /// milliseconds; prints what it indexed. Checks build it themselves when it is missing.
    Index {
        /// Directories or zip files of OSV records, in addition to `dependencies.advisories`.
        #[arg(long = "advisories", value_name = "PATH")]
        advisories: Vec<PathBuf>,
        /// Rebuild even when the cached index matches the sources.
        #[arg(long)]
        force: bool,
        /// Configuration file (default: .gate.yaml at the repository root).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Write a CycloneDX 1.5 JSON bill of materials of the dependencies at a revision (the
    /// manifests and lockfiles of the work tree by default).
    Sbom {
        /// The revision to describe (default: the work tree).
        #[arg(long, value_name = "REV")]
        rev: Option<String>,
        /// Write to FILE instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SignalsCommand {
    /// Stream OTLP JSON trace exports (one ExportTraceServiceRequest per line, or one
    /// document; .gz too; earlier summaries merge) into a small summary: per service and code
    /// location, the request share, error rate and p50/p95 latency. Memory stays flat.
    Summarize {
        /// The trace exports (or summaries) to read, in order.
        #[arg(required = true, value_name = "TRACES")]
        traces: Vec<PathBuf>,
        /// Write the summary to FILE instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Run every `test_*` rule in `*_test.rego` files; exit 1 if one fails.
    Test {
        /// A directory of policies and their tests (default: the built-in policies).
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Args, Clone)]
pub struct PolicyArgs {
    /// Configuration file (default: .gate.yaml at the repository root).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Add a directory of Rego policies (repeatable). A file with the same path as a built-in
    /// (e.g. secrets/leaked_credential.rego) replaces it.
    #[arg(long = "policy", value_name = "DIR")]
    pub policies: Vec<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// Check the change from the merge base of REV and --head to --head. Without any input
    /// flag, gate takes the base from GATE_BASE or the CI's pull-request variables (GitHub
    /// Actions, GitLab CI, Buildkite, Azure Pipelines, Jenkins, Bitbucket).
    #[arg(long, value_name = "REV", group = "input")]
    pub base: Option<String>,
    /// The head of the change with --base (default: HEAD).
    #[arg(long, value_name = "REV", requires = "base")]
    pub head: Option<String>,
    /// Check the staged changes (the index against HEAD).
    #[arg(long, group = "input")]
    pub staged: bool,
    /// Check a unified diff from FILE, or from standard input with `-`.
    #[arg(long, value_name = "FILE", group = "input")]
    pub diff: Option<String>,
    /// Check every file under PATH (default: .) as if it were added; honours .gitignore.
    #[arg(long, value_name = "PATH", num_args = 0..=1, default_missing_value = ".", group = "input")]
    pub all: Option<PathBuf>,
    /// With --all, the path may also come last, as with ripgrep or gitleaks:
    /// `gate check --all --format sarif src/`.
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// An infrastructure plan to check (repeatable): `terraform show -json` output, `pulumi
    /// preview --json` output, a CloudFormation change set or template, or a cdk.out directory.
    #[arg(long = "plan", value_name = "FILE|DIR")]
    pub plans: Vec<PathBuf>,
    /// A base cdk.out to diff each --plan cdk.out against (resource-level diff of two synths).
    #[arg(long, value_name = "DIR")]
    pub plan_base: Option<PathBuf>,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// With --base, read .gate.yaml, policies and exceptions from the work tree instead of the
    /// base revision (for local use: in CI, the change under review must not configure its
    /// own gate).
    #[arg(long)]
    pub config_from_worktree: bool,
    /// Directories or zip files of OSV advisories to check dependencies against
    /// (repeatable; added to `dependencies.advisories`).
    #[arg(long = "advisories", value_name = "PATH")]
    pub advisories: Vec<PathBuf>,
    /// Production signals (repeatable): an OTLP JSON trace export (the OpenTelemetry
    /// Collector's file exporter; .gz too) or a summary from `gate signals summarize`; added
    /// to `production.signals`.
    #[arg(long = "signals", value_name = "FILE")]
    pub signals: Vec<PathBuf>,
    /// Run only these analyzers (comma-separated or repeated; the secret scan always runs):
    /// secrets, dependencies, telemetry, infra, production, provenance, smells, ci. What does
    /// not run is named in every report (GATE-COV-006) and in the facts' coverage.analyzers.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "ANALYZER")]
    pub only: Vec<crate::analyzers::Analyzer>,
    /// Do not run these analyzers (comma-separated or repeated; secrets cannot be skipped).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "ANALYZER")]
    pub skip: Vec<crate::analyzers::Analyzer>,
    /// Treat the change as AI-authored (adds a provenance signal).
    #[arg(long)]
    pub ai: bool,
    /// Time limit for each policy evaluation, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub policy_timeout: f64,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write a report in another format: FORMAT=FILE, e.g. sarif=gate.sarif (repeatable).
    #[arg(long = "report", value_name = "FORMAT=FILE", value_parser = parse_report)]
    pub reports: Vec<(Format, PathBuf)>,
    /// Colour the text report: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    pub color: crate::report::text::ColorChoice,
    /// Text report: only the blocking findings and the verdict.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print how long each stage took, to standard error (as GATE_TIMINGS=1 does).
    #[arg(long)]
    pub timings: bool,
}

fn parse_report(s: &str) -> Result<(Format, PathBuf), String> {
    let (f, p) = s
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=FILE, got {s:?}"))?;
    let format = <Format as clap::ValueEnum>::from_str(f, true).map_err(|_| {
        format!("unknown format {f:?} (text, json, sarif, markdown, github, outputs, junit, codequality)")
    })?;
    if p.is_empty() {
        return Err("empty file name".to_string());
    }
    Ok((format, PathBuf::from(p)))
}
