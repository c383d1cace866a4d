//! `input.change`: the change as policies see it. Each file with its classification (language,
//! role, test, generated, critical), its hunks with the text of their lines up to a budget,
//! the destructive statements of migrations, and the change's statistics.
//!
//! Derived here, beside the change model, from the path rules every analyzer shares; the
//! facts document only assembles it.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{ChangeSet, FileChange, FileStatus, Mode};
use crate::paths::{self, PathRules, Role};

#[derive(Debug, Clone, Serialize, Default)]
pub struct ChangeFacts {
    /// `diff`, `staged`, `range`, `all` or `none`.
    pub mode: Mode,
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
    pub role: Option<Role>,
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

/// Destructive schema statements among a migration's or SQL file's added lines.
fn destructive_statements(f: &FileChange, role: Option<Role>) -> Vec<Statement> {
    if role != Some(Role::Migration) && !f.path.to_ascii_lowercase().ends_with(".sql") {
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
    pub fn from_change(f: &FileChange, rules: &PathRules, with_lines: bool) -> FileFact {
        let role = rules.role(&f.path);
        let line = |l: &super::Line| LineFact {
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
            language: paths::language(&f.path),
            is_test: rules.is_test(&f.path),
            is_generated: rules.is_generated(&f.path),
            is_critical: rules.is_critical(&f.path),
            whole_file: f.whole_file,
            old_mode: f.old_mode.clone(),
            new_mode: f.new_mode.clone(),
            additions: f.additions(),
            deletions: f.deletions(),
            role,
            destructive_statements: destructive_statements(f, role),
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
    pub fn new(mode: Mode, cs: &ChangeSet, rules: &PathRules) -> ChangeFacts {
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
            .map(|(f, with)| FileFact::from_change(f, rules, with))
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
                    !f.is_test
                        && !f.is_generated
                        && f.language.is_some_and(paths::is_source_language)
                })
                .count(),
            test_files: files.iter().filter(|f| f.is_test).count(),
        };
        ChangeFacts {
            mode,
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
    fn destructive_statements_in_migrations_only() {
        let diff = b"--- a/db/migrations/1.sql\n+++ b/db/migrations/1.sql\n@@ -0,0 +1,3 @@\n+-- DROP TABLE in a comment\n+DROP TABLE users;\n+delete from logs;\n";
        let f = crate::change::diff::parse(diff).expect("diff").remove(0);
        let kinds: Vec<_> = destructive_statements(&f, Some(Role::Migration))
            .into_iter()
            .map(|s| (s.line, s.kind))
            .collect();
        assert_eq!(kinds, vec![(2, "DROP TABLE"), (3, "DELETE ALL")]);
        let mut py = f.clone();
        py.path = "app/models.py".into();
        assert!(destructive_statements(&py, None).is_empty());
    }
}
