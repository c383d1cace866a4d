//! `input.change`: the change as policies see it. Each file with its classification (language,
//! role, test, generated, critical), its hunks with the text of their lines up to a budget,
//! the destructive statements of migrations, and the change's statistics.
//!
//! Derived here, beside the change model, from the path rules every analyzer shares; the
//! facts document only assembles it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Serialize;

use super::images::Images;
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
    /// A source file that is no test by its path but whose added lines declare tests in the
    /// file itself: a Rust `#[test]` function or `#[cfg(test)]` module (any `#[…::test]`
    /// attribute), a Vitest in-source block (`import.meta.vitest`). See [`adds_inline_tests`].
    pub adds_tests: bool,
    pub is_generated: bool,
    pub is_critical: bool,
    /// `--all`: the whole file is the change; its lines are not listed in `hunks`.
    pub whole_file: bool,
    pub old_mode: Option<String>,
    pub new_mode: Option<String>,
    pub additions: usize,
    pub deletions: usize,
    /// Every edit of the file only moves whitespace: each run of lines it replaces holds the
    /// same text as the lines put in its place once spaces and line breaks are set aside
    /// (a formatter's re-wrap or re-indent). Never for Python, whose indentation is syntax.
    /// See [`layout_only`].
    pub layout_only: bool,
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
    /// The statement is in the part of the migration that only runs when it is rolled back
    /// (`def downgrade`, `def down`, `exports.down`, `-- +goose Down`, a `*.down.sql` file):
    /// see [`rollback_ranges`]. Unknown (false) when the file's text could not be read.
    pub rollback: bool,
    /// `DROP TABLE [IF EXISTS] t` of one table, followed in the same file's added lines by
    /// `CREATE TABLE t`: the table is recreated (see [`ChangeFacts::mark_new_tables`]).
    #[serde(skip)]
    pub recreated: Option<String>,
    /// The statement drops a table that the same file creates right after and that no
    /// migration, SQL or schema file of the base revision names: a new table, so nothing is
    /// lost (`DROP TABLE IF EXISTS t; CREATE TABLE t (...)` in the migration that adds `t`).
    /// False when the base could not be read.
    pub new_table: bool,
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
    /// Files with `adds_tests`: source files that add their own tests.
    pub inline_test_files: usize,
}

/// Whether every edit of `f` only moves whitespace (fastify d26726333f re-wraps its type
/// declarations to a line length: 620 lines added, the same tokens). The lines an edit
/// replaces and the lines it puts in their place share a position: the number of unchanged
/// lines before them (for a removed line, its old number less one and less the removed lines
/// before it; for an added line, the same with new numbers). Each such run must hold the same
/// bytes once ASCII whitespace is dropped, so lines moved elsewhere or swapped are an edit.
/// Python's indentation is syntax: its files never count; nor do whole files (`--all`) and
/// binary ones, which have no edits.
pub fn layout_only(f: &FileChange, language: Option<&str>) -> bool {
    if f.whole_file || f.binary || language == Some("python") || f.hunks.is_empty() {
        return false;
    }
    let removed = whitespace_free_runs(f.hunks.iter().flat_map(|h| h.removed.iter()));
    let added = whitespace_free_runs(f.hunks.iter().flat_map(|h| h.added.iter()));
    let positions: BTreeSet<u32> = removed.keys().chain(added.keys()).copied().collect();
    !positions.is_empty()
        && positions.iter().all(|p| {
            removed.get(p).map(Vec::as_slice).unwrap_or_default()
                == added.get(p).map(Vec::as_slice).unwrap_or_default()
        })
}

/// One side's changed lines (removed, or added), in order, grouped by the number of unchanged
/// lines before them (the line's number less one and less the changed lines before it), each
/// group's text without ASCII whitespace.
fn whitespace_free_runs<'a>(
    lines: impl Iterator<Item = &'a super::Line>,
) -> BTreeMap<u32, Vec<u8>> {
    let mut runs: BTreeMap<u32, Vec<u8>> = BTreeMap::new();
    for (i, l) in lines.enumerate() {
        let before = l
            .line
            .saturating_sub(1)
            .saturating_sub(u32::try_from(i).unwrap_or(u32::MAX));
        runs.entry(before)
            .or_default()
            .extend(l.text.iter().filter(|b| !b.is_ascii_whitespace()));
    }
    runs
}

/// Whether the added lines of `f` (a source file in `language`) declare tests in the file
/// itself. Rust keeps unit tests beside the code they test (`#[cfg(test)] mod tests`, a
/// `#[test]` or `#[tokio::test]` function), and Vitest runs blocks guarded by
/// `import.meta.vitest` in source files: a change adding them changes tests though no test
/// file changed.
pub fn adds_inline_tests(f: &FileChange, language: Option<&str>) -> bool {
    match language {
        Some("rust") => f.added_lines().any(|l| rust_test_attribute(&l.text)),
        Some("javascript" | "typescript" | "tsx") => f
            .added_lines()
            .any(|l| memchr::memmem::find(&l.text, b"import.meta.vitest").is_some()),
        _ => false,
    }
}

/// The line ranges (1-based, the item's first line and its closing `}`) of top-level test
/// items: a `mod NAME {` or a `fn` that a `#[cfg(test)]` or test attribute (`#[test]`,
/// `#[tokio::test]`, ... see [`rust_test_attribute`]) guards, written at the start of a line
/// after it (other attributes and comments between) and closed by the first later line that
/// is `}` at the start of a line, as rustfmt writes a top-level item's end. ripgrep keeps
/// `#[cfg(test)] #[test] fn test_colors() { … }` beside each flag's code.
fn rust_test_items(text: &[u8]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut guarded = false;
    let mut open: Option<u32> = None;
    for (i, line) in text.split(|&b| b == b'\n').enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if let Some(start) = open {
            if line.first() == Some(&b'}') {
                out.push((start, n));
                open = None;
            }
            continue;
        }
        let t = line.trim_ascii();
        if line.starts_with(b"#[") && rust_test_attribute(line) {
            guarded = true;
        } else if guarded && (t.starts_with(b"#[") || t.starts_with(b"//") || t.is_empty()) {
            // Other attributes and comments between the guard and the item.
        } else if guarded {
            let mut item = line;
            for q in [&b"pub(crate) "[..], b"pub ", b"async ", b"unsafe "] {
                item = item.strip_prefix(q).unwrap_or(item);
            }
            // `mod fixtures;` holds nothing here, `fn helper() {}` nothing past its line.
            if (item.starts_with(b"mod ") || item.starts_with(b"fn "))
                && !t.ends_with(b";")
                && !t.ends_with(b"}")
            {
                open = Some(n);
            }
            guarded = false;
        }
    }
    out
}

/// `#[test]`, `#[cfg(test)]`, `#[tokio::test]`, `#[rstest]`, `#[test_case(…)]` and the like
/// opening a line: an attribute whose last path segment is a test marker.
fn rust_test_attribute(line: &[u8]) -> bool {
    let t = line.trim_ascii_start();
    let Some(rest) = t.strip_prefix(b"#[") else {
        return false;
    };
    if rest.starts_with(b"cfg(test)") || rest.starts_with(b"cfg(all(test") {
        return true;
    }
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b':')))
        .unwrap_or(rest.len());
    if !matches!(rest.get(end), Some(b']' | b'(')) {
        return false;
    }
    let path = &rest[..end];
    let last = path.rsplit(|&b| b == b':').next().unwrap_or(path);
    matches!(
        last,
        b"test" | b"rstest" | b"test_case" | b"quickcheck" | b"wasm_bindgen_test"
    )
}

/// Destructive schema statements among a migration's or SQL file's added lines.
fn destructive_statements(f: &FileChange, role: Option<Role>) -> Vec<Statement> {
    if role != Some(Role::Migration) && !f.path.to_ascii_lowercase().ends_with(".sql") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let lines: Vec<(u32, String)> = f
        .added_lines()
        .map(|l| {
            let t = String::from_utf8_lossy(&l.text).to_ascii_uppercase();
            (l.line, t.split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .collect();
    for (i, (line, squash)) in lines.iter().enumerate() {
        let t = squash.as_str();
        if t.starts_with("--") || t.starts_with('#') || t.starts_with("//") {
            continue;
        }
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
        let recreated = (kind == "DROP TABLE")
            .then(|| table_after(squash, "DROP TABLE ", "IF EXISTS "))
            .flatten()
            .filter(|name| {
                lines[i + 1..].iter().any(|(_, later)| {
                    later.find("CREATE TABLE ").is_some_and(|at| {
                        table_after(&later[at..], "CREATE TABLE ", "IF NOT EXISTS ").as_ref()
                            == Some(name)
                    })
                })
            });
        out.push(Statement {
            line: *line,
            kind,
            rollback: false,
            recreated,
            new_table: false,
        });
    }
    out
}

/// The one table named after `keyword` (and an optional `optional` clause) in an upper-cased,
/// whitespace-squashed SQL line, without quotes; `None` for several tables or none.
fn table_after(squash: &str, keyword: &str, optional: &str) -> Option<String> {
    let rest = &squash[squash.find(keyword)? + keyword.len()..];
    let rest = rest.strip_prefix(optional).unwrap_or(rest);
    let name: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ';' | '(' | ','))
        .filter(|c| !matches!(c, '"' | '`' | '[' | ']'))
        .collect();
    let after =
        rest.trim_start_matches(|c: char| !c.is_whitespace() && !matches!(c, ';' | '(' | ','));
    if name.is_empty() || after.trim_start().starts_with(',') || name.contains(',') {
        return None;
    }
    Some(name)
}

/// 1-based inclusive line ranges of a migration that only run when it is rolled back (Alembic
/// and Django-South `downgrade`/`backwards`, Rails `def down`, knex/TypeORM/Sequelize `down`,
/// goose `-- +goose Down`, dbmate `-- migrate:down`), or the whole file for rollback files
/// (`*.down.sql`, `*_down.sql`, `down.sql`, Flyway `U<version>__*.sql`).
pub fn rollback_ranges(path: &str, text: &str) -> Vec<(u32, u32)> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let lines: Vec<&str> = text.lines().collect();
    let n = u32::try_from(lines.len()).unwrap_or(u32::MAX);
    let num = |i: usize| u32::try_from(i + 1).unwrap_or(u32::MAX);
    if name.ends_with(".down.sql")
        || name.ends_with("_down.sql")
        || name == "down.sql"
        || (name.starts_with('u')
            && name.ends_with(".sql")
            && name[1..].split("__").next().is_some_and(|v| {
                !v.is_empty()
                    && v.chars()
                        .all(|c| c.is_ascii_digit() || c == '.' || c == '_')
            })
            && name.contains("__"))
    {
        return if n > 0 { vec![(1, n)] } else { Vec::new() };
    }
    let mut out = Vec::new();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        let t = l.trim();
        let lower = t.to_ascii_lowercase();
        // SQL sections: until the next up marker or the end.
        if lower.starts_with("-- +goose down") || lower.starts_with("-- migrate:down") {
            let end = (i + 1..lines.len())
                .find(|&j| {
                    let x = lines[j].trim().to_ascii_lowercase();
                    x.starts_with("-- +goose up") || x.starts_with("-- migrate:up")
                })
                .unwrap_or(lines.len());
            out.push((num(i), num(end - 1)));
            i = end;
            continue;
        }
        // Python: `def downgrade(`, `def down(`, `def backwards(`, until the next line at the
        // same or a smaller indentation.
        let py_def = t
            .strip_prefix("def ")
            .or_else(|| t.strip_prefix("async def "))
            .map(|r| r.split('(').next().unwrap_or("").trim());
        if path.ends_with(".py") && matches!(py_def, Some("downgrade" | "down" | "backwards")) {
            let k = indent(l);
            let end = (i + 1..lines.len())
                .find(|&j| {
                    let x = lines[j].trim();
                    !x.is_empty()
                        && !x.starts_with('#')
                        && !x.starts_with(')')
                        && indent(lines[j]) <= k
                })
                .unwrap_or(lines.len());
            out.push((num(i), num(end - 1)));
            i = end;
            continue;
        }
        // Ruby: `def down` (or `def self.down`) until `end` at the same indentation.
        if path.ends_with(".rb")
            && (t == "def down"
                || t == "def self.down"
                || t.starts_with("def down ")
                || t.starts_with("def down("))
        {
            let k = indent(l);
            let end = (i + 1..lines.len())
                .find(|&j| lines[j].trim() == "end" && indent(lines[j]) == k)
                .unwrap_or(lines.len() - 1);
            out.push((num(i), num(end)));
            i = end + 1;
            continue;
        }
        // JavaScript/TypeScript: `exports.down`, `down(`, `async down(`, `down: async`,
        // `function down(`: the braces from that line.
        let js = path.ends_with(".js")
            || path.ends_with(".ts")
            || path.ends_with(".mjs")
            || path.ends_with(".cjs");
        if js && is_js_down(t) {
            let mut depth = 0i64;
            let mut opened = false;
            let mut end = lines.len() - 1;
            'scan: for (j, line) in lines.iter().enumerate().skip(i) {
                for ch in line.chars() {
                    match ch {
                        '{' => {
                            depth += 1;
                            opened = true;
                        }
                        '}' => depth -= 1,
                        _ => {}
                    }
                    if opened && depth == 0 {
                        end = j;
                        break 'scan;
                    }
                }
            }
            out.push((num(i), num(end)));
            i = end + 1;
            continue;
        }
        i += 1;
    }
    out
}

fn is_js_down(t: &str) -> bool {
    let t = t
        .trim_start_matches("export ")
        .trim_start_matches("public ")
        .trim_start_matches("async ")
        .trim_start_matches("function ")
        .trim_start_matches("async ");
    t.starts_with("exports.down")
        || t.starts_with("module.exports.down")
        || t.starts_with("down(")
        || t.starts_with("down (")
        || t.starts_with("down:")
        || t.starts_with("down =")
}

/// Content git would call binary: a NUL byte in a changed line. git is asked for text diffs
/// whatever the attributes (so `.gitattributes` cannot hide a file), which shows an image or
/// a database as lines; to the policies it is binary (no lines of code to review).
fn binary_content(f: &FileChange) -> bool {
    f.hunks.iter().any(|h| {
        h.added
            .iter()
            .chain(&h.removed)
            .any(|l| l.text.contains(&0))
    })
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl FileFact {
    /// The facts of one file; `with_lines` says whether its lines' text is included.
    pub fn from_change(f: &FileChange, rules: &PathRules, with_lines: bool) -> FileFact {
        let role = rules.role(&f.path);
        let is_test = rules.is_test(&f.path);
        let language = paths::language(&f.path);
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
            binary: f.binary || binary_content(f),
            language,
            is_test,
            adds_tests: !is_test && adds_inline_tests(f, language),
            is_generated: rules.is_generated(&f.path),
            is_critical: rules.is_critical(&f.path),
            whole_file: f.whole_file,
            old_mode: f.old_mode.clone(),
            new_mode: f.new_mode.clone(),
            additions: f.additions(),
            deletions: f.deletions(),
            layout_only: layout_only(f, language),
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
    /// Marks files generated that their content says are (a generated-code header, see
    /// [`paths::generated_header`]), and counts the source files again.
    pub fn mark_generated(&mut self, generated: &HashSet<String>) {
        if generated.is_empty() {
            return;
        }
        for f in &mut self.files {
            if generated.contains(&f.path) {
                f.is_generated = true;
            }
        }
        self.stats.source_files = self
            .files
            .iter()
            .filter(|f| {
                !f.is_test && !f.is_generated && f.language.is_some_and(paths::is_source_language)
            })
            .count();
    }

    /// Marks Rust source files whose added lines lie inside a top-level test module or test
    /// function of their post-image as adding tests (`adds_tests`): a test case added to an
    /// existing test needs no new attribute (ripgrep 5f5da483079c added 44 lines of globset
    /// cases to its `mod tests`, 99fe884536e1 18 lines to `fn test_colors`, and both were told
    /// no test changed).
    pub fn mark_test_module_edits(&mut self, cs: &ChangeSet, images: &Images) {
        let mut marked = false;
        // The changes by path, gathered the first time a file has a test item.
        let mut by_path: Option<HashMap<&str, Vec<&FileChange>>> = None;
        for fact in &mut self.files {
            if fact.is_test || fact.adds_tests || fact.language != Some("rust") {
                continue;
            }
            let Some(Some(post)) = images.get(&fact.path) else {
                continue;
            };
            let modules = rust_test_items(post);
            if modules.is_empty() {
                continue;
            }
            let inside = |f: &FileChange| {
                f.added_lines()
                    .any(|l| modules.iter().any(|&(a, b)| a < l.line && l.line < b))
            };
            let by_path = by_path.get_or_insert_with(|| {
                let mut m: HashMap<&str, Vec<&FileChange>> = HashMap::new();
                for f in cs.files.iter().filter(|f| f.status != FileStatus::Deleted) {
                    m.entry(f.path.as_str()).or_default().push(f);
                }
                m
            });
            if by_path
                .get(fact.path.as_str())
                .is_some_and(|fs| fs.iter().any(|f| inside(f)))
            {
                fact.adds_tests = true;
                marked = true;
            }
        }
        if marked {
            self.stats.inline_test_files = self.files.iter().filter(|f| f.adds_tests).count();
        }
    }

    /// Marks the destructive statements of each file that lie in its rollback sections,
    /// given the post-image text of the files that have them.
    pub fn mark_rollback(&mut self, text_of: impl Fn(&str) -> Option<String>) {
        for f in &mut self.files {
            if f.destructive_statements.is_empty() {
                continue;
            }
            let Some(text) = text_of(&f.path) else {
                continue;
            };
            let ranges = rollback_ranges(&f.path, &text);
            for s in &mut f.destructive_statements {
                s.rollback = ranges.iter().any(|&(a, b)| (a..=b).contains(&s.line));
            }
        }
    }

    /// Marks `DROP TABLE` statements of tables the same file recreates as new tables when
    /// `named_in_base(table)` says the base revision names the table nowhere (`Some(false)`);
    /// anything else (named, or the base unreadable) leaves the statement a finding.
    pub fn mark_new_tables(
        &mut self,
        mut named_in_base: impl FnMut(&str) -> anyhow::Result<Option<bool>>,
    ) -> anyhow::Result<()> {
        for f in &mut self.files {
            for s in &mut f.destructive_statements {
                let Some(table) = s.recreated.as_deref().filter(|_| !s.rollback) else {
                    continue;
                };
                // `schema.table`: the table's own name is what other files mention.
                let short = table.rsplit('.').next().unwrap_or(table);
                s.new_table = named_in_base(short)? == Some(false);
            }
        }
        Ok(())
    }

    /// What the files' content says, from their post-images (`images`, see
    /// [`super::images`]): generated-code headers (returned: they count as generated for the
    /// other analyzers too), migrations' rollback sections, and tables a migration drops and
    /// creates again that the base names nowhere (a new table).
    pub fn mark_from_content(
        &mut self,
        cs: &ChangeSet,
        rules: &PathRules,
        images: &Images,
    ) -> anyhow::Result<HashSet<String>> {
        let generated = generated_by_header(cs, rules, images);
        self.mark_generated(&generated);
        self.mark_test_module_edits(cs, images);
        self.mark_rollback(|p| match images.get(p) {
            Some(Some(b)) => Some(String::from_utf8_lossy(b).into_owned()),
            _ => cs
                .files
                .iter()
                .find(|f| f.path == p && f.status == FileStatus::Added)
                .map(|f| String::from_utf8_lossy(&f.added_text()).into_owned()),
        });
        // A table dropped and created again by the same migration is new when the base names
        // it in no migration, SQL or schema file (`DROP TABLE IF EXISTS t; CREATE TABLE t`).
        self.mark_new_tables(|table| cs.pre.grep_word(table, SCHEMA_FILES))?;
        Ok(generated)
    }

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
            inline_test_files: files.iter().filter(|f| f.adds_tests).count(),
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

/// Where a base revision would name an existing table (git pathspecs, `*` spans
/// directories): SQL files, migration directories and schema files of any ORM.
const SCHEMA_FILES: &[&str] = &[
    "*.sql",
    "*migrations/*",
    "*migrate/*",
    "*alembic/*",
    "*schema*",
];

/// A changed source file whose content may say it is generated: not a test, not generated
/// by its path, in a source language, with added lines.
pub fn header_candidate(rules: &PathRules, f: &FileChange) -> bool {
    f.additions() > 0 && rules.is_source(&f.path)
}

/// The changed source files whose first lines carry a generated-code header: from the
/// post-image, or without one from the added lines at the top of the file.
fn generated_by_header(cs: &ChangeSet, rules: &PathRules, images: &Images) -> HashSet<String> {
    cs.files
        .iter()
        .filter(|f| f.status != FileStatus::Deleted && !f.binary && header_candidate(rules, f))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn one_file(diff: &str) -> FileChange {
        let mut files = super::super::diff::parse(diff.as_bytes()).expect("diff parses");
        assert_eq!(files.len(), 1);
        files.remove(0)
    }

    /// A re-wrap (one signature over three lines, and a re-indent elsewhere in the file) only
    /// moves whitespace; a swap of two lines, a changed token, a line moved to another place
    /// and the same re-wrap in Python do more.
    #[test]
    fn edits_that_only_move_whitespace() {
        let rewrap = "diff --git a/t.d.ts b/t.d.ts\n--- a/t.d.ts\n+++ b/t.d.ts\n@@ -2,1 +2,3 @@ x\n-  get(path: string, opts: Options): Route\n+  get(\n+    path: string, opts: Options\n+  ): Route\n@@ -9,1 +11,1 @@ y\n-\treturn a+b\n+    return a + b\n";
        let f = one_file(rewrap);
        assert!(layout_only(&f, Some("typescript")));
        assert!(!layout_only(&f, Some("python")));
        let swap = "diff --git a/a.js b/a.js\n--- a/a.js\n+++ b/a.js\n@@ -1,2 +1,2 @@\n-init()\n start()\n+init()\n";
        assert!(!layout_only(&one_file(swap), Some("javascript")));
        let token = "diff --git a/a.go b/a.go\n--- a/a.go\n+++ b/a.go\n@@ -3,1 +3,2 @@\n-\tif n > 0 {\n+\tif n >=\n+\t\t0 {\n";
        assert!(!layout_only(&one_file(token), Some("go")));
        let moved = "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -2,1 +1,0 @@\n-audit(user)\n@@ -9,0 +9,1 @@\n+audit(user)\n";
        assert!(!layout_only(&one_file(moved), Some("typescript")));
    }

    fn with_added(path: &str, lines: &[&str]) -> FileChange {
        let mut f = FileChange::new(path.into(), FileStatus::Modified);
        f.hunks.push(crate::change::Hunk {
            old_start: 1,
            old_lines: 0,
            new_start: 1,
            new_lines: u32::try_from(lines.len()).expect("few"),
            added: lines
                .iter()
                .enumerate()
                .map(|(i, t)| crate::change::Line {
                    line: u32::try_from(i + 1).expect("few"),
                    text: t.as_bytes().into(),
                })
                .collect(),
            removed: Vec::new(),
        });
        f
    }

    #[test]
    fn source_files_that_add_their_own_tests() {
        for line in [
            "#[cfg(test)]",
            "    #[test]",
            "#[tokio::test]",
            "#[tokio::test(flavor = \"multi_thread\")]",
            "#[rstest]",
            "#[test_case(1, 2)]",
            "#[cfg(all(test, unix))]",
        ] {
            let f = with_added("src/a.rs", &["fn a() {}", line]);
            assert!(adds_inline_tests(&f, Some("rust")), "{line}");
        }
        for line in [
            "#[derive(Debug)]",
            "#[cfg(feature = \"test\")]",
            "#[testing]",
            "// #[test] is what marks a test",
            "let test = 1;",
        ] {
            let f = with_added("src/a.rs", &[line]);
            assert!(!adds_inline_tests(&f, Some("rust")), "{line}");
        }
        let js = with_added("src/sum.ts", &["if (import.meta.vitest) {"]);
        assert!(adds_inline_tests(&js, Some("typescript")));
        // Only the file's own language's marker counts.
        let py = with_added("app/a.py", &["#[test]"]);
        assert!(!adds_inline_tests(&py, Some("python")));
    }

    #[test]
    fn rust_test_items_are_found_in_the_post_image() {
        let text = b"use std::fmt;\n\npub fn f() -> u8 {\n    1\n}\n\n#[cfg(test)]\n// unit tests\n#[allow(unused)]\nmod tests {\n    use super::*;\n\n    #[test]\n    fn one() {\n        assert_eq!(f(), 1);\n    }\n}\n\n#[cfg(test)]\nmod fixtures;\n";
        assert_eq!(rust_test_items(text), vec![(10, 17)]);
        let functions = b"fn f() {}\n\n#[cfg(test)]\n#[test]\nfn test_f() {\n    assert!(f() == ());\n}\n\n#[tokio::test]\nasync fn test_g() {\n    g().await;\n}\n";
        assert_eq!(rust_test_items(functions), vec![(5, 7), (10, 12)]);
        // Nothing past the item's own line, and no indented item.
        assert_eq!(
            rust_test_items(b"#[cfg(test)]\nfn helper() {}\n\nfn f() {\n}\n"),
            Vec::new()
        );
        assert_eq!(
            rust_test_items(b"impl A {\n    #[cfg(test)]\n    fn f() {\n    }\n}\n"),
            Vec::new()
        );
    }

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

    #[test]
    fn a_drop_before_creating_the_same_table_is_a_recreate() {
        let diff = b"--- /dev/null\n+++ b/migrations/2026_add/up.sql\n@@ -0,0 +1,6 @@\n+DROP TABLE IF EXISTS `archives`;\n+\n+CREATE TABLE archives (\n+  id INT\n+);\n+DROP TABLE users, logs;\n";
        let f = crate::change::diff::parse(diff).expect("diff").remove(0);
        let s = destructive_statements(&f, Some(Role::Migration));
        let got: Vec<_> = s.iter().map(|s| (s.line, s.recreated.clone())).collect();
        assert_eq!(got, vec![(1, Some("ARCHIVES".into())), (6, None)]);
        // A drop with no CREATE TABLE of the same table after it is no recreate.
        let diff = b"--- /dev/null\n+++ b/migrations/2/up.sql\n@@ -0,0 +1,2 @@\n+CREATE TABLE archives_v2 (id INT);\n+DROP TABLE archives;\n";
        let f = crate::change::diff::parse(diff).expect("diff").remove(0);
        let s = destructive_statements(&f, Some(Role::Migration));
        assert_eq!(s[0].recreated, None);
        assert_eq!(
            table_after("DROP TABLE PUBLIC.\"T\";", "DROP TABLE ", "IF EXISTS "),
            Some("PUBLIC.T".into())
        );
        assert_eq!(
            table_after("DROP TABLE A , B;", "DROP TABLE ", "IF EXISTS "),
            None
        );
    }

    #[test]
    fn nul_bytes_make_a_file_binary_to_the_policies() {
        let diff = b"diff --git a/p.jpg b/p.jpg\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/p.jpg\n@@ -0,0 +1,2 @@\n+\xff\xd8\xff\x00\x10JFIF\n+\x00\x01\ndiff --git a/a.py b/a.py\nnew file mode 100644\nindex 0000000..2222222\n--- /dev/null\n+++ b/a.py\n@@ -0,0 +1 @@\n+x = 1\n";
        let files = crate::change::diff::parse(diff).expect("diff");
        let rules = PathRules::new(paths::PathLists::default()).expect("rules");
        assert!(FileFact::from_change(&files[0], &rules, false).binary);
        assert!(!FileFact::from_change(&files[1], &rules, false).binary);
    }

    const ALEMBIC: &str = "revision = \"a\"\n\ndef upgrade():\n    with op.batch_alter_table(\"t\") as b:\n        b.add_column(sa.Column(\"s\", sa.String()))\n\n\ndef downgrade():\n    with op.batch_alter_table(\"t\") as b:\n        b.drop_column(\"s\")\n";

    #[test]
    fn alembic_downgrade() {
        assert_eq!(
            rollback_ranges("alembic/versions/1_a.py", ALEMBIC),
            vec![(8, 10)]
        );
    }

    #[test]
    fn rails_knex_goose_and_files() {
        let rb = "class X < ActiveRecord::Migration[7.0]\n  def up\n    add_column :t, :c, :string\n  end\n\n  def down\n    remove_column :t, :c\n  end\nend\n";
        assert_eq!(rollback_ranges("db/migrate/1_x.rb", rb), vec![(6, 8)]);
        let js = "exports.up = function (knex) {\n  return knex.schema.createTable('t', (t) => {});\n};\n\nexports.down = function (knex) {\n  return knex.schema.dropTable('t');\n};\n";
        assert_eq!(rollback_ranges("migrations/1.js", js), vec![(5, 7)]);
        let ts = "export class X implements MigrationInterface {\n  public async up(q: QueryRunner): Promise<void> {\n    await q.query(`CREATE TABLE t (id int)`);\n  }\n\n  public async down(q: QueryRunner): Promise<void> {\n    await q.query(`DROP TABLE t`);\n  }\n}\n";
        assert_eq!(rollback_ranges("src/migrations/1-x.ts", ts), vec![(6, 8)]);
        let goose = "-- +goose Up\nCREATE TABLE t (id int);\n-- +goose Down\nDROP TABLE t;\n";
        assert_eq!(rollback_ranges("db/migrations/1.sql", goose), vec![(3, 4)]);
        assert_eq!(
            rollback_ranges("migrations/0001_init.down.sql", "DROP TABLE t;\n"),
            vec![(1, 1)]
        );
        assert_eq!(
            rollback_ranges("db/U2__undo.sql", "DROP TABLE t;\n"),
            vec![(1, 1)]
        );
        assert!(rollback_ranges("db/V2__add.sql", "DROP TABLE t;\n").is_empty());
        assert!(rollback_ranges(
            "migrations/0002_drop.py",
            "def upgrade():\n    op.drop_table('t')\n"
        )
        .is_empty());
    }
}
