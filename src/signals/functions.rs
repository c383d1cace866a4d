//! The functions a change touches, before and after: every function of a changed source file
//! whose body holds an added line (in the post-image) or a removed line (in the pre-image),
//! innermost first, with the instrumentation (logging, tracing, metrics) each version holds.
//! Telemetry analysis looks at added lines of handlers and error paths; production data is
//! about any function, and removing a log line adds none, so this reads both sides.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use tree_sitter::{Node, Parser};

use crate::change::{ChangeSet, FileChange, FileStatus};
use crate::telemetry::{Lang, Patterns};

/// One function of one version of a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    /// `Class.method` for methods, the bare name otherwise.
    pub name: String,
    pub line: u32,
    pub end_line: u32,
    /// `logging`, `span`, `metric` found in its body.
    pub signals: Vec<String>,
}

/// A function the change touches.
#[derive(Debug, Clone, PartialEq)]
pub struct Touched {
    pub path: String,
    pub language: &'static str,
    pub name: String,
    /// Lines in the post-image (the pre-image for a function the change deletes).
    pub line: u32,
    pub end_line: u32,
    /// `added`, `modified` or `deleted`.
    pub change: &'static str,
    /// Instrumentation before the change (`None`: the pre-image is not readable).
    pub before: Option<Vec<String>>,
    /// Instrumentation after the change (empty for a deleted function).
    pub after: Vec<String>,
}

/// The functions of a source file, in source order (nested ones after their parent).
pub fn functions(
    lang: Lang,
    path: &str,
    source: &[u8],
    patterns: &Patterns,
) -> Result<Vec<Function>> {
    let mut parser = Parser::new();
    parser
        .set_language(&lang.grammar())
        .with_context(|| format!("{path}: cannot load the {} grammar", lang.name()))?;
    let Some(tree) = parser.parse(source, None) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    // Iterative walk: deeply nested input must not overflow the stack.
    let mut stack: Vec<Node> = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        if lang.is_function(n.kind()) {
            let body = n.utf8_text(source).unwrap_or("");
            out.push(Function {
                name: lang.qualified_name(n, source, path),
                line: line_of(n.start_position().row),
                end_line: line_of(n.end_position().row),
                signals: patterns.signals(body),
            });
        }
        let mut c = n.walk();
        let children: Vec<Node> = n.children(&mut c).collect();
        stack.extend(children.into_iter().rev());
    }
    out.sort_by(|a, b| {
        (a.line, std::cmp::Reverse(a.end_line)).cmp(&(b.line, std::cmp::Reverse(b.end_line)))
    });
    Ok(out)
}

fn line_of(row: usize) -> u32 {
    u32::try_from(row + 1).unwrap_or(u32::MAX)
}

/// The innermost function holding `line`.
fn innermost(fs: &[Function], line: u32) -> Option<&Function> {
    fs.iter()
        .filter(|f| f.line <= line && line <= f.end_line)
        .min_by_key(|f| f.end_line - f.line)
}

/// The touched functions of the changed files `wanted` selects, read from the change's
/// snapshots (both versions in one batch each). Sorted by path and line.
pub fn touched(
    cs: &ChangeSet,
    patterns: &Patterns,
    wanted: impl Fn(&str) -> bool,
) -> Result<Vec<Touched>> {
    let files: Vec<(&FileChange, Lang)> = cs
        .files
        .iter()
        .filter(|f| !f.binary && !f.whole_file && wanted(&f.path))
        .filter_map(|f| Lang::of(&f.path).map(|l| (f, l)))
        .collect();
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let post_refs: Vec<(&str, Option<&str>)> = files
        .iter()
        .map(|(f, _)| (f.path.as_str(), f.new_blob.as_deref()))
        .collect();
    let post = cs.post.read_many(&post_refs)?;
    let pre_refs: Vec<(&str, Option<&str>)> = files
        .iter()
        .map(|(f, _)| (f.old_path.as_deref().unwrap_or(&f.path), None))
        .collect();
    let pre = cs.pre.read_many(&pre_refs)?;
    let mut out = Vec::new();
    for (((f, lang), post), pre) in files.iter().zip(post).zip(pre) {
        // The telemetry analyzer reads the same files and reports one that cannot be read
        // (collected with the other input errors); here it ends the join.
        let (post, pre) = (post?, pre?);
        let post = match (f.status, post) {
            (FileStatus::Deleted, _) => None,
            (_, Some(b)) => Some(b),
            (FileStatus::Added, None) => Some(f.added_text()),
            (_, None) => None,
        };
        let pre = if f.status == FileStatus::Added {
            None
        } else {
            pre
        };
        let after = match &post {
            Some(b) => functions(*lang, &f.path, b, patterns)?,
            None => Vec::new(),
        };
        let before = match &pre {
            Some(b) => functions(*lang, &f.path, b, patterns)?,
            None => Vec::new(),
        };
        let by_name: BTreeMap<&str, &Function> =
            before.iter().map(|x| (x.name.as_str(), x)).collect();
        let mut seen: BTreeMap<String, Touched> = BTreeMap::new();
        for l in f.added_lines() {
            if let Some(x) = innermost(&after, l.line) {
                seen.entry(x.name.clone()).or_insert_with(|| {
                    let old = by_name.get(x.name.as_str());
                    Touched {
                        path: f.path.clone(),
                        language: lang.name(),
                        name: x.name.clone(),
                        line: x.line,
                        end_line: x.end_line,
                        change: if old.is_some() || pre.is_none() && f.status != FileStatus::Added {
                            "modified"
                        } else {
                            "added"
                        },
                        before: match (old, &pre) {
                            (Some(o), _) => Some(o.signals.clone()),
                            (None, Some(_)) => Some(Vec::new()),
                            (None, None) if f.status == FileStatus::Added => Some(Vec::new()),
                            (None, None) => None,
                        },
                        after: x.signals.clone(),
                    }
                });
            }
        }
        let removed = f.hunks.iter().flat_map(|h| h.removed.iter());
        for l in removed {
            let Some(x) = innermost(&before, l.line) else {
                continue;
            };
            if seen.contains_key(&x.name) {
                continue;
            }
            let now = after.iter().find(|a| a.name == x.name);
            seen.insert(
                x.name.clone(),
                Touched {
                    path: f.path.clone(),
                    language: lang.name(),
                    name: x.name.clone(),
                    line: now.map_or(x.line, |a| a.line),
                    end_line: now.map_or(x.end_line, |a| a.end_line),
                    change: if now.is_some() { "modified" } else { "deleted" },
                    before: Some(x.signals.clone()),
                    after: now.map(|a| a.signals.clone()).unwrap_or_default(),
                },
            );
        }
        out.extend(seen.into_values());
    }
    out.sort_by(|a, b| (&a.path, a.line, &a.name).cmp(&(&b.path, b.line, &b.name)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telemetry::TelemetryConfig;

    #[test]
    fn finds_functions_and_their_signals() {
        let p = Patterns::new(&TelemetryConfig::default()).expect("patterns");
        let src = b"import logging\nlog = logging.getLogger(__name__)\n\nclass Billing:\n    def charge(self, amount):\n        log.info(\"charging %s\", amount)\n        return amount\n\ndef refund():\n    def inner():\n        return 1\n    return inner()\n";
        let fs = functions(Lang::Python, "app/billing.py", src, &p).expect("parses");
        let names: Vec<&str> = fs.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Billing.charge", "refund", "inner"]);
        assert_eq!(fs[0].signals, ["logging"]);
        assert_eq!((fs[0].line, fs[0].end_line), (5, 7));
        assert_eq!(innermost(&fs, 11).map(|f| f.name.as_str()), Some("inner"));
        assert_eq!(innermost(&fs, 12).map(|f| f.name.as_str()), Some("refund"));
        assert!(innermost(&fs, 2).is_none());
    }
}
