//! The facts document: everything Rego sees, as `input`. This is the contract between the
//! analyzers (Rust) and the policies (Rego); `docs/facts.md` documents it field by field.
//!
//! Every list is sorted before it is serialized, and maps are `BTreeMap`s, so the same change
//! gives byte-identical facts whatever the thread count. No field ever holds a secret: secret
//! values are replaced by their redacted form before facts are built.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::change::{ChangeSet, FileChange, FileStatus};
use crate::config::Resolved;

#[derive(Debug, Clone, Serialize, Default)]
pub struct Facts {
    pub change: ChangeFacts,
    pub provenance: Provenance,
    pub secrets: Vec<SecretFact>,
    pub infra: InfraFacts,
    pub dependencies: Vec<DependencyFact>,
    /// Lockfiles that changed, and whether their manifest changed too.
    pub lockfiles: Vec<crate::deps::LockfileChange>,
    pub telemetry: Vec<TelemetryFact>,
    /// What the analyzers covered and what they left out (and why).
    pub coverage: CoverageFacts,
    /// AI-typical smells in added lines: placeholders, duplicated blocks.
    pub smells: Vec<crate::smells::Smell>,
    pub governance: crate::settings::Governance,
    /// The exceptions in force (and expired ones, marked).
    pub exceptions: Vec<crate::suppress::Exception>,
    pub config: serde_json::Value,
}

/// `coverage`: the parts of the change an analyzer did not look at, so policies (and readers)
/// know what a clean result does not vouch for.
#[derive(Debug, Clone, Serialize, Default)]
pub struct CoverageFacts {
    pub telemetry: crate::telemetry::Coverage,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct ChangeFacts {
    /// `diff`, `staged`, `range` or `all`.
    pub mode: String,
    pub base: Option<String>,
    pub head: Option<String>,
    pub files: Vec<FileFact>,
    pub stats: Stats,
    /// The text of added and removed lines is listed up to a budget (LINE_BUDGET lines,
    /// each cut at LINE_CHARS characters); past it, hunks keep their ranges but not their
    /// lines, and this is true. Rust analyzers always see every line.
    pub lines_truncated: bool,
}

/// How many changed lines' text the facts carry: policies on huge changes stay fast.
pub const LINE_BUDGET: usize = 20_000;
/// How much of one line the facts carry.
pub const LINE_CHARS: usize = 2_000;

#[derive(Debug, Clone, Serialize)]
pub struct FileFact {
    pub path: String,
    pub old_path: Option<String>,
    pub status: FileStatus,
    pub binary: bool,
    pub language: Option<&'static str>,
    pub is_test: bool,
    pub is_generated: bool,
    pub is_critical: bool,
    /// `--all`: the whole file is the change; its lines are not listed in `hunks`.
    pub whole_file: bool,
    pub old_mode: Option<String>,
    pub new_mode: Option<String>,
    pub additions: usize,
    pub deletions: usize,
    /// What the file is to the project beyond its language: `ci_workflow`, `codeowners`,
    /// `migration`, `gate_config`, `gate_policy`, `manifest`, `lockfile`, `iac`.
    pub role: Option<&'static str>,
    /// Destructive statements in added lines of migrations and SQL files.
    pub destructive_statements: Vec<Statement>,
    pub hunks: Vec<HunkFact>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Statement {
    pub line: u32,
    /// `DROP TABLE`, `DROP COLUMN`, `TRUNCATE`, `DROP DATABASE`, `DROP SCHEMA`, `DELETE ALL`.
    pub kind: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct HunkFact {
    pub old_start: u32,
    pub old_lines: u32,
    pub new_start: u32,
    pub new_lines: u32,
    pub added: Vec<LineFact>,
    pub removed: Vec<LineFact>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LineFact {
    pub line: u32,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Stats {
    pub files: usize,
    pub additions: usize,
    pub deletions: usize,
    /// Distinct parent directories of changed files.
    pub directories: usize,
    /// Distinct first path components (top-level modules).
    pub top_level: usize,
    pub source_files: usize,
    pub test_files: usize,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Provenance {
    pub ai_generated: bool,
    pub signals: Vec<Signal>,
    pub commits: usize,
    pub ai_commits: usize,
}

impl Provenance {
    /// The signals in one line (`trailer Co-authored-by: ...; label ai-generated`).
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .signals
            .iter()
            .map(|s| format!("{} {}", s.kind, s.value))
            .collect();
        parts.join("; ")
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Signal {
    /// `trailer`, `author`, `committer`, `flag`, `label`, `message`.
    pub kind: String,
    pub value: String,
    pub commit: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SecretFact {
    /// Detector id from the catalog (`aws-access-key-id`).
    pub rule: String,
    pub name: String,
    pub provider: String,
    pub severity: String,
    /// `high` for provider formats, `low` for generic assignments.
    pub confidence: String,
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    /// Shannon entropy in bits per byte, rounded to two decimals.
    pub entropy: f64,
    pub redacted: String,
    pub fingerprint: String,
    pub in_test_path: bool,
    /// A documented example or placeholder value in a provider format.
    pub allowlisted: bool,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct InfraFacts {
    pub plans: Vec<crate::infra::Plan>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DependencyFact {
    /// `npm`, `cargo`, `pypi`, `go`, `rubygems`, `maven`.
    pub ecosystem: String,
    /// The manifest (or lockfile, for transitive packages) the change is in.
    pub manifest: String,
    pub line: Option<u32>,
    pub name: String,
    /// `added`, `removed`, `upgraded`, `downgraded`, `source_changed`.
    pub change: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub major_bump: bool,
    pub direct: bool,
    /// `registry`, `git`, `url`, `path`.
    pub source: String,
    pub pinned: bool,
    /// Whether the committed lockfile (after the change) has it; `None` without a lockfile.
    pub in_lockfile: Option<bool>,
    pub lockfile_changed: bool,
    /// The lockfile says the newly added package runs install scripts (npm).
    pub install_scripts: Option<bool>,
    pub dev: bool,
    /// Popular packages this name is a near miss of.
    pub similar_to: Vec<crate::deps::names::NearMiss>,
    /// Whether the configured registry snapshot lists the name; `None` without a snapshot.
    pub exists_in_registry: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TelemetryFact {
    pub path: String,
    pub line: u32,
    pub end_line: u32,
    pub language: String,
    /// The function (for outbound calls: `function: callee`).
    pub function: String,
    /// `http_handler`, `error_handler`, `outbound_call`, `entrypoint`.
    pub kind: String,
    /// A log, trace or metric call is there.
    pub instrumented: bool,
    /// `logging`, `span`, `metric`.
    pub signals: Vec<String>,
    /// Error handlers: the error is re-raised, thrown or returned.
    pub handled: bool,
    /// The function (or block) itself is added by the change, not only edited.
    pub new: bool,
    /// The file is under a `critical:` path.
    pub critical: bool,
}

/// The language of a path, from its extension or name.
pub fn language(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    Some(match ext.as_deref() {
        Some("py" | "pyi") => "python",
        Some("js" | "mjs" | "cjs" | "jsx") => "javascript",
        Some("ts" | "mts" | "cts") => "typescript",
        Some("tsx") => "tsx",
        Some("go") => "go",
        Some("rs") => "rust",
        Some("java") => "java",
        Some("kt" | "kts") => "kotlin",
        Some("rb") => "ruby",
        Some("php") => "php",
        Some("cs") => "csharp",
        Some("c" | "h") => "c",
        Some("cc" | "cpp" | "cxx" | "hpp" | "hh") => "cpp",
        Some("swift") => "swift",
        Some("scala") => "scala",
        Some("sh" | "bash" | "zsh") => "shell",
        Some("tf" | "tfvars" | "hcl") => "hcl",
        Some("yaml" | "yml") => "yaml",
        Some("json") => "json",
        Some("toml") => "toml",
        Some("xml") => "xml",
        Some("sql") => "sql",
        Some("md" | "markdown") => "markdown",
        Some("html" | "htm") => "html",
        Some("css" | "scss") => "css",
        Some("proto") => "protobuf",
        _ => match name {
            "Dockerfile" => "dockerfile",
            "Makefile" => "makefile",
            _ => return None,
        },
    })
}

/// Languages whose files are program source (for "source changed without tests").
pub fn is_source_language(lang: &str) -> bool {
    matches!(
        lang,
        "python"
            | "javascript"
            | "typescript"
            | "tsx"
            | "go"
            | "rust"
            | "java"
            | "kotlin"
            | "ruby"
            | "php"
            | "csharp"
            | "c"
            | "cpp"
            | "swift"
            | "scala"
    )
}

/// The project role of a path, by convention.
pub fn role(path: &str, cfg: &Resolved) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = path.to_ascii_lowercase();
    if name == crate::config::FILE_NAME
        || name == crate::suppress::EXCEPTIONS_FILE
        || name == crate::suppress::BASELINE_FILE
    {
        return Some("gate_config");
    }
    if cfg.config.policies.iter().any(|d| {
        let d = d.trim_end_matches('/');
        !d.is_empty() && (path == d || path.starts_with(&format!("{d}/")))
    }) && (name.ends_with(".rego")
        || name.ends_with(".yaml")
        || name.ends_with(".yml")
        || name.ends_with(".json"))
    {
        return Some("gate_policy");
    }
    if lower.starts_with(".github/workflows/")
        || lower.starts_with(".github/actions/")
        || name == ".gitlab-ci.yml"
        || lower.starts_with(".gitlab/ci/")
        || name == "Jenkinsfile"
        || lower.starts_with(".circleci/")
        || name == "azure-pipelines.yml"
        || lower.starts_with(".buildkite/")
        || name == "bitbucket-pipelines.yml"
        || name == ".travis.yml"
        || lower.starts_with(".ci/")
        || name == ".pre-commit-config.yaml"
    {
        return Some("ci_workflow");
    }
    if name == "CODEOWNERS" {
        return Some("codeowners");
    }
    if lower.contains("migrations/")
        || lower.contains("/migrate/")
        || lower.starts_with("migrate/")
        || lower.contains("alembic/versions/")
    {
        return Some("migration");
    }
    if matches!(
        name,
        "package-lock.json"
            | "yarn.lock"
            | "pnpm-lock.yaml"
            | "Cargo.lock"
            | "poetry.lock"
            | "uv.lock"
            | "go.sum"
            | "Gemfile.lock"
    ) {
        return Some("lockfile");
    }
    if matches!(
        name,
        "package.json" | "Cargo.toml" | "pyproject.toml" | "go.mod" | "Gemfile" | "pom.xml"
    ) || (name.starts_with("requirements") && name.ends_with(".txt"))
    {
        return Some("manifest");
    }
    if name.ends_with(".tf")
        || name.ends_with(".tfvars")
        || name == "Pulumi.yaml"
        || name == "cdk.json"
    {
        return Some("iac");
    }
    None
}

/// Destructive schema statements among a migration's or SQL file's added lines.
fn destructive_statements(f: &FileChange, role: Option<&str>) -> Vec<Statement> {
    if role != Some("migration") && !f.path.to_ascii_lowercase().ends_with(".sql") {
        return Vec::new();
    }
    let mut out = Vec::new();
    for l in f.added_lines() {
        let t = String::from_utf8_lossy(&l.text).to_ascii_uppercase();
        let t = t.trim_start();
        if t.starts_with("--") || t.starts_with('#') || t.starts_with("//") {
            continue;
        }
        let squash: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
        let kind = if squash.contains("DROP TABLE")
            || squash.contains("OP.DROP_TABLE(")
            || squash.contains("MIGRATIONS.DELETEMODEL(")
            || squash.contains("DROP_TABLE ")
            || squash.contains("DROP_TABLE(")
        {
            "DROP TABLE"
        } else if squash.contains("DROP DATABASE") {
            "DROP DATABASE"
        } else if squash.contains("DROP SCHEMA") {
            "DROP SCHEMA"
        } else if squash.starts_with("TRUNCATE")
            || squash.contains(" TRUNCATE TABLE")
            || squash.contains("EXECUTE(\"TRUNCATE")
        {
            "TRUNCATE"
        } else if squash.contains("DROP COLUMN")
            || squash.contains("OP.DROP_COLUMN(")
            || squash.contains("MIGRATIONS.REMOVEFIELD(")
            || squash.contains("REMOVE_COLUMN")
        {
            "DROP COLUMN"
        } else if squash.starts_with("DELETE FROM") && !squash.contains(" WHERE ") {
            "DELETE ALL"
        } else {
            continue;
        };
        out.push(Statement { line: l.line, kind });
    }
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl FileFact {
    /// The facts of one file; `with_lines` says whether its lines' text is included.
    pub fn from_change(f: &FileChange, cfg: &Resolved, with_lines: bool) -> FileFact {
        let line = |l: &crate::change::Line| LineFact {
            line: l.line,
            text: text(&l.text[..l.text.len().min(LINE_CHARS * 4)])
                .chars()
                .take(LINE_CHARS)
                .collect(),
        };
        FileFact {
            path: f.path.clone(),
            old_path: f.old_path.clone(),
            status: f.status,
            binary: f.binary,
            language: language(&f.path),
            is_test: cfg.is_test(&f.path),
            is_generated: cfg.is_generated(&f.path),
            is_critical: cfg.is_critical(&f.path),
            whole_file: f.whole_file,
            old_mode: f.old_mode.clone(),
            new_mode: f.new_mode.clone(),
            additions: f.additions(),
            deletions: f.deletions(),
            role: role(&f.path, cfg),
            destructive_statements: destructive_statements(f, role(&f.path, cfg)),
            hunks: f
                .hunks
                .iter()
                .map(|h| HunkFact {
                    old_start: h.old_start,
                    old_lines: h.old_lines,
                    new_start: h.new_start,
                    new_lines: h.new_lines,
                    added: if with_lines {
                        h.added.iter().map(line).collect()
                    } else {
                        Vec::new()
                    },
                    removed: if with_lines {
                        h.removed.iter().map(line).collect()
                    } else {
                        Vec::new()
                    },
                })
                .collect(),
        }
    }
}

impl ChangeFacts {
    pub fn new(mode: &str, cs: &ChangeSet, cfg: &Resolved) -> ChangeFacts {
        use rayon::prelude::*;
        // Which files carry their lines is decided in path order; the facts themselves are
        // derived in parallel (a whole tree has tens of thousands of files).
        let mut budget = LINE_BUDGET;
        let mut lines_truncated = false;
        let with_lines: Vec<bool> = cs
            .files
            .iter()
            .map(|f| {
                let n = f.additions() + f.deletions();
                let with = n <= budget;
                if with {
                    budget -= n;
                } else {
                    lines_truncated = true;
                }
                with
            })
            .collect();
        let files: Vec<FileFact> = cs
            .files
            .par_iter()
            .zip(with_lines)
            .map(|(f, with)| FileFact::from_change(f, cfg, with))
            .collect();
        let mut dirs = BTreeSet::new();
        let mut tops = BTreeSet::new();
        for f in &files {
            dirs.insert(f.path.rsplit_once('/').map_or("", |(d, _)| d));
            tops.insert(f.path.split_once('/').map_or("", |(t, _)| t));
        }
        let stats = Stats {
            files: files.len(),
            additions: files.iter().map(|f| f.additions).sum(),
            deletions: files.iter().map(|f| f.deletions).sum(),
            directories: dirs.len(),
            top_level: tops.len(),
            source_files: files
                .iter()
                .filter(|f| {
                    !f.is_test && !f.is_generated && f.language.is_some_and(is_source_language)
                })
                .count(),
            test_files: files.iter().filter(|f| f.is_test).count(),
        };
        ChangeFacts {
            mode: mode.to_string(),
            base: cs.base.clone(),
            head: cs.head.clone(),
            files,
            stats,
            lines_truncated,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages() {
        assert_eq!(language("a/b/app.py"), Some("python"));
        assert_eq!(language("Dockerfile"), Some("dockerfile"));
        assert_eq!(language("x/main.TF"), Some("hcl"));
        assert_eq!(language("LICENSE"), None);
    }
}
