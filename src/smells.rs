//! Change smells typical of assistant-written code: placeholders left in added lines
//! (`TODO: implement`, `raise NotImplementedError`, "in a real implementation ...") and large
//! blocks the change adds twice (copy-paste instead of a shared function).
//!
//! Duplicates are found in two steps: candidate pairs of added blocks share most of their
//! normalized lines (a cheap set comparison), then `similar` measures how alike the pair
//! really is, line by line.
//!
//! And what agents do to get a change green ([`shortcuts`]): tests weakened, suppressions
//! added, linter / type-checker / coverage settings relaxed, CI checks made non-blocking, and
//! the agents' own instruction files edited.

mod placeholder_context;
pub mod shortcuts;

use regex::Regex;
use serde::Serialize;

use anyhow::Result;

use crate::change::{ChangeSet, FileChange};
use crate::paths::{is_source_language, language, PathRules};

/// Reads a file as it is after the change (`Ok(None)` when it has none).
pub type PostReader<'a> = dyn FnMut(&str) -> Result<Option<String>> + 'a;

/// Every smell of a change, sorted by place. `whole_tree` (`--all`, every file as added) has
/// no removals to compare, so only placeholders and duplicates are looked for there.
/// `generated_here` names files the change shows are generated (a generated-code header).
pub fn analyze(
    cs: &ChangeSet,
    paths: &PathRules,
    whole_tree: bool,
    generated_here: &dyn Fn(&str) -> bool,
) -> Result<Vec<Smell>> {
    let mut post = |p: &str| -> Result<Option<String>> {
        Ok(cs
            .post
            .read(p)?
            .map(|b| String::from_utf8_lossy(&b).into_owned()))
    };
    let generated = |p: &str| paths.is_generated(p) || generated_here(p);
    let is_source = |p: &str| paths.is_source(p) && !generated_here(p);
    let mut sm = placeholders(&cs.files, is_source, &placeholder_regex(), &mut post)?;
    sm.extend(duplicates(&cs.files, is_source));
    if !whole_tree {
        let code = |p: &str| !generated(p) && language(p).is_some_and(is_source_language);
        sm.extend(shortcuts::tests_weakened(
            &cs.files,
            &|p| paths.is_test(p),
            &code,
            &mut post,
        )?);
        sm.extend(shortcuts::suppressions_added(&cs.files, &|p| {
            !generated(p) && language(p).is_some_and(|l| l != "markdown" && l != "json")
        }));
        sm.extend(shortcuts::settings_relaxed(
            &cs.files,
            &mut post,
            &mut |dir| cs.post.files_under(dir),
        )?);
        sm.extend(shortcuts::ci_checks_bypassed(&cs.files, &mut post)?);
        sm.extend(shortcuts::instructions_changed(&cs.files));
    }
    sm.sort_by(|a, b| (&a.path, a.line, a.kind).cmp(&(&b.path, b.line, b.kind)));
    Ok(sm)
}

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Smell {
    /// `placeholder`, `duplicate_block`, `test_weakened`, `suppression_added`,
    /// `check_relaxed`, `ci_check_bypassed` or `agent_instructions`.
    pub kind: &'static str,
    pub path: String,
    pub line: u32,
    /// What was seen (the placeholder phrase; for duplicates, the block size).
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f64>,
    /// For the shortcut smells, what exactly: `assertions_removed`, `tests_removed`,
    /// `skip_added`, `test_file_deleted`; `rule_disabled`, `threshold_lowered`, ...;
    /// `continue_on_error`, `allow_failure`, `or_true`, `if_false`, `check_removed`;
    /// `added`, `modified`, `deleted`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub what: Option<&'static str>,
    /// The tool concerned (`mypy`, `eslint`, `gosec`, `pytest`, `github-actions`, `claude`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    /// How many (assertions or tests removed, suppressions added).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
    /// How many files one finding covers, when it covers more than one (tests weakened
    /// across many files of one change).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<usize>,
    /// A security scanner or secret detector is silenced (`# nosec`, `//nolint:gosec`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub security: bool,
}

const PLACEHOLDERS: &str = r"(?i)(?:\bTODO:?\s*implement\b|\bTODO:?\s*add\s+(?:real|actual)\b|raise\s+NotImplementedError|\bunimplemented!\s*\(|\btodo!\s*\(|throw\s+new\s+(?:Error|UnsupportedOperationException|NotImplementedException)\(\s*['\x22](?:not\s+implemented|todo)|\bin\s+a\s+real\s+(?:implementation|application|world|scenario)\b|\bplaceholder\s+(?:implementation|logic|code|value)\b|\bimplementation\s+goes\s+here\b|\byour\s+(?:code|logic|implementation)\s+here\b|\.\.\.\s*rest\s+of\s+(?:the\s+)?(?:code|implementation)|//\s*\.\.\.\s*existing\s+code|#\s*\.\.\.\s*existing\s+code|\bfor\s+now,?\s+(?:just\s+)?(?:return|pass|mock|stub|hardcode)|^\s*pass\s*#.*)";

/// Minimum size of an added block that counts as duplicated.
const MIN_BLOCK: usize = 8;
/// How alike two blocks must be (similar's ratio).
const MIN_SIMILARITY: f64 = 0.9;
/// Pairs compared at most, so a huge change stays fast.
const MAX_BLOCKS: usize = 400;

/// The placeholder pattern, with a literal prefilter: most lines contain none of the words a
/// placeholder needs, and a keyword pass rules them out faster than the regex.
pub struct Placeholders {
    re: Regex,
    words: aho_corasick::AhoCorasick,
}

pub fn placeholder_regex() -> Placeholders {
    Placeholders {
        re: Regex::new(PLACEHOLDERS).expect("static regex"),
        words: aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build([
                "todo",
                "notimplemented",
                "unimplemented",
                "not implemented",
                "a real",
                "placeholder",
                "goes here",
                "your ",
                "rest of",
                "existing code",
                "for now",
                "pass",
            ])
            .expect("static keywords"),
    }
}

impl Placeholders {
    fn find<'t>(&self, text: &'t str) -> Option<regex::Match<'t>> {
        if !self.words.is_match(text) {
            return None;
        }
        self.re.find(text)
    }
}

/// Placeholders in the added lines of source files (tests and docs are left alone).
/// `post(path)` reads a file after the change, for a candidate's context: see
/// [`placeholder_context`].
pub fn placeholders(
    files: &[FileChange],
    is_source: impl Fn(&str) -> bool,
    re: &Placeholders,
    post: &mut PostReader,
) -> Result<Vec<Smell>> {
    let mut out = Vec::new();
    for f in files
        .iter()
        .filter(|f| !f.hunks.is_empty() && is_source(&f.path))
    {
        let mut image: Option<Vec<String>> = None;
        // Lines the change removes, squashed: a placeholder reformatted is not new.
        let squash = |t: &str| -> String {
            t.chars()
                .filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'')
                .collect()
        };
        let removed: std::collections::HashSet<String> = f
            .hunks
            .iter()
            .flat_map(|h| h.removed.iter())
            .map(|l| squash(&String::from_utf8_lossy(&l.text)))
            .collect();
        let added: Vec<&crate::change::Line> = f.added_lines().collect();
        for (k, l) in added.iter().enumerate() {
            let text = String::from_utf8_lossy(&l.text);
            let Some(m) = re.find(&text) else {
                continue;
            };
            if removed.contains(&squash(&text)) || placeholder_context::in_string(&text, m.start())
            {
                continue;
            }
            // The message of a raise may continue on the next lines.
            let mut stmt = text.to_string();
            for next in added[k + 1..].iter().take(3) {
                stmt.push(' ');
                stmt.push_str(&String::from_utf8_lossy(&next.text));
            }
            if placeholder_context::unsupported(&stmt) {
                continue;
            }
            // The file after the change; without it, the added lines are the context.
            if image.is_none() {
                image = Some(match post(&f.path)? {
                    Some(t) => t.lines().map(str::to_string).collect(),
                    None => context_from_added(f),
                });
            }
            let ctx = image.as_deref().unwrap_or_default();
            let idx = (l.line as usize).saturating_sub(1);
            if placeholder_context::not_a_placeholder(m.as_str(), &f.path, ctx, idx) {
                continue;
            }
            out.push(Smell {
                kind: "placeholder",
                path: f.path.clone(),
                line: l.line,
                detail: m.as_str().trim().chars().take(80).collect(),
                ..Smell::default()
            });
        }
    }
    Ok(out)
}

/// The new file as far as the diff shows it: added lines at their numbers, blanks between.
fn context_from_added(f: &FileChange) -> Vec<String> {
    let last = f.added_lines().map(|l| l.line).max().unwrap_or(0) as usize;
    let mut v = vec![String::new(); last];
    for l in f.added_lines() {
        if let Some(slot) = v.get_mut((l.line as usize).saturating_sub(1)) {
            *slot = String::from_utf8_lossy(&l.text).into_owned();
        }
    }
    v
}

struct Block<'a> {
    path: &'a str,
    line: u32,
    /// The meaningful lines, as added.
    lines: Vec<&'a [u8]>,
    /// The distinct trimmed lines, as sorted 64-bit hashes: comparing two blocks is one merge.
    set: Vec<u64>,
}

/// FNV-1a: a line's identity for the candidate filter (a collision only lets a pair through
/// to the exact comparison).
fn line_hash(l: &[u8]) -> u64 {
    l.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// How many elements two sorted, deduplicated lists share.
fn shared(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

fn normalize(l: &[u8]) -> String {
    String::from_utf8_lossy(l)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs of consecutive added lines in one hunk, at least MIN_BLOCK non-trivial lines long
/// that are not comments.
fn blocks<'a>(files: &'a [FileChange], is_source: &impl Fn(&str) -> bool) -> Vec<Block<'a>> {
    let mut out = Vec::new();
    for f in files
        .iter()
        .filter(|f| !f.hunks.is_empty() && is_source(&f.path))
    {
        if out.len() >= MAX_BLOCKS {
            // Enough to compare: a huge change is not read in full for this smell.
            break;
        }
        for h in &f.hunks {
            let mut run: Vec<&crate::change::Line> = Vec::new();
            let mut flush = |run: &mut Vec<&'a crate::change::Line>| {
                let meaningful: Vec<&&crate::change::Line> = run
                    .iter()
                    .filter(|l| {
                        l.text.iter().filter(|b| !b.is_ascii_whitespace()).count() > 3
                            // License headers are the same in every file by design
                            // (spring-petclinic 44d5f2100b): comments are not code to share.
                            && !shortcuts::is_comment(&String::from_utf8_lossy(&l.text))
                    })
                    .collect();
                if meaningful.len() >= MIN_BLOCK {
                    let mut set: Vec<u64> = meaningful
                        .iter()
                        .map(|l| line_hash(l.text.trim_ascii()))
                        .collect();
                    set.sort_unstable();
                    set.dedup();
                    out.push(Block {
                        path: &f.path,
                        line: run[0].line,
                        lines: meaningful.iter().map(|l| &*l.text).collect(),
                        set,
                    });
                }
                run.clear();
            };
            for l in &h.added {
                if let Some(prev) = run.last() {
                    if l.line != prev.line + 1 {
                        flush(&mut run);
                    }
                }
                run.push(l);
            }
            flush(&mut run);
        }
    }
    out.truncate(MAX_BLOCKS);
    out
}

/// Pairs of added blocks that are (nearly) the same code.
pub fn duplicates(files: &[FileChange], is_source: impl Fn(&str) -> bool) -> Vec<Smell> {
    let bs = blocks(files, &is_source);
    let mut out = Vec::new();
    let mut used = vec![false; bs.len()];
    for i in 0..bs.len() {
        for j in i + 1..bs.len() {
            if used[j] {
                continue;
            }
            let (a, b) = (&bs[i], &bs[j]);
            let (na, nb) = (a.lines.len(), b.lines.len());
            if na.min(nb) * 10 < na.max(nb) * 8 {
                continue;
            }
            if shared(&a.set, &b.set) * 10 < a.set.len().max(b.set.len()) * 7 {
                continue;
            }
            let text = |b: &Block| -> String {
                b.lines
                    .iter()
                    .map(|l| normalize(l))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            let (ta, tb) = (text(a), text(b));
            let ratio = f64::from(similar::TextDiff::from_lines(&ta, &tb).ratio());
            if ratio + 1e-6 >= MIN_SIMILARITY {
                used[j] = true;
                out.push(Smell {
                    kind: "duplicate_block",
                    path: b.path.to_string(),
                    line: b.line,
                    detail: format!("{} lines repeat {}:{}", nb, a.path, a.line),
                    other_path: Some(a.path.to_string()),
                    other_line: Some(a.line),
                    lines: Some(nb),
                    similarity: Some((ratio * 100.0).round() / 100.0),
                    ..Smell::default()
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::{FileStatus, Hunk, Line};

    fn file(path: &str, start: u32, lines: &[&str]) -> FileChange {
        let mut f = FileChange::new(path.into(), FileStatus::Added);
        f.hunks.push(Hunk {
            new_start: start,
            new_lines: lines.len() as u32,
            added: lines
                .iter()
                .enumerate()
                .map(|(i, t)| Line {
                    line: start + i as u32,
                    text: t.as_bytes().into(),
                })
                .collect(),
            ..Hunk::default()
        });
        f
    }

    #[test]
    fn placeholders_found_in_source_only() {
        let re = placeholder_regex();
        let files = vec![
            file(
                "app.py",
                1,
                &[
                    "def f():",
                    "    # TODO: implement retry logic",
                    "    pass  # fill in later",
                    "    raise NotImplementedError",
                ],
            ),
            file("docs/x.md", 1, &["TODO: implement docs"]),
            file(
                "b.ts",
                1,
                &[
                    "// In a real implementation we would validate",
                    "const ok = true; // TODO: tidy",
                ],
            ),
        ];
        let s = placeholders(&files, |p| !p.ends_with(".md"), &re, &mut |_| Ok(None))
            .expect("no reads fail");
        let lines: Vec<(String, u32)> = s.iter().map(|x| (x.path.clone(), x.line)).collect();
        assert_eq!(
            lines,
            vec![
                ("app.py".into(), 2),
                ("app.py".into(), 3),
                ("app.py".into(), 4),
                ("b.ts".into(), 1)
            ]
        );
    }

    #[test]
    fn duplicated_blocks_are_paired() {
        let body: Vec<String> = (0..10)
            .map(|i| format!("    total_{i} = compute(order, {i}) + tax(order)"))
            .collect();
        let a: Vec<&str> = body.iter().map(String::as_str).collect();
        let mut b = a.clone();
        b[3] = "    total_3 = compute(order, 3) + fee(order)";
        let other: Vec<String> = (0..10)
            .map(|i| format!("let value{i} = parse(input{i});"))
            .collect();
        let c: Vec<&str> = other.iter().map(String::as_str).collect();
        let files = vec![
            file("a.py", 10, &a),
            file("b.py", 40, &b),
            file("c.js", 1, &c),
        ];
        let d = duplicates(&files, |_| true);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            (d[0].path.as_str(), d[0].line, d[0].other_path.as_deref()),
            ("b.py", 40, Some("a.py"))
        );
        assert!(d[0].similarity.unwrap_or(0.0) >= 0.9);
    }

    #[test]
    fn license_headers_are_not_duplicated_code() {
        let header = [
            "/*",
            " * Copyright 2012-2025 the original author or authors.",
            " *",
            " * Licensed under the Apache License, Version 2.0 (the \"License\");",
            " * you may not use this file except in compliance with the License.",
            " * You may obtain a copy of the License at",
            " *",
            " *      https://www.apache.org/licenses/LICENSE-2.0",
            " *",
            " * Unless required by applicable law or agreed to in writing, software",
            " * distributed under the License is distributed on an \"AS IS\" BASIS,",
            " * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.",
            " * See the License for the specific language governing permissions and",
            " * limitations under the License.",
            " */",
        ];
        let hashes: Vec<String> = (0..10)
            .map(|i| format!("# Step {i} of the release: run the checks and tag it"))
            .collect();
        let py: Vec<&str> = hashes.iter().map(String::as_str).collect();
        let files = vec![
            file("owner/package-info.java", 1, &header),
            file("vet/package-info.java", 1, &header),
            file("a.py", 1, &py),
            file("b.py", 1, &py),
        ];
        assert_eq!(duplicates(&files, |_| true), Vec::new());
    }
}
