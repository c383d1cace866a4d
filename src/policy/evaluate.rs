//! Evaluation: stage 1 (every package's findings), the configuration's rule switches and the
//! suppressions, then stage 2 (the verdict) on the same facts value, and the [`Outcome`]
//! every report renders.
//!
//! Suppressions are applied by the caller's closure between the stages (the suppress stage
//! sits above policy); [`LineLookup`] gives it the changed files' lines for inline
//! `gate:allow` comments.

use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap};

use anyhow::{bail, Result};
use serde::Serialize;

use super::{to_value, Decision, Engine, Finding, RuleMeta, Verdict};
use crate::change::ChangeSet;
use crate::errors::InputError;
use crate::facts::Facts;
use crate::timing::Timer;

/// Everything a report needs.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub facts: Facts,
    pub findings: Vec<Finding>,
    pub rules: BTreeMap<String, RuleMeta>,
    pub verdict: Verdict,
    /// The inputs that could not be read; any makes the decision `error`.
    pub errors: Vec<InputError>,
    /// GitHub's line fingerprint of every line of the files findings point at, as the files
    /// are after the change (`report::linehash`; index 0 = line 1). A file the change source
    /// cannot read is absent. Filled by the pipeline; no report but SARIF reads it.
    #[serde(skip)]
    pub line_hashes: BTreeMap<String, Vec<String>>,
}

impl Outcome {
    /// The outcome with the inputs that could not be read: with any, the decision is `error`
    /// whatever the policies said of the rest (a gate cannot pass what it cannot read), and
    /// the first reason says why.
    pub fn with_errors(mut self, errors: Vec<InputError>) -> Outcome {
        if !errors.is_empty() {
            self.verdict.decision = Decision::Error;
            let n = errors.len();
            self.verdict.reasons.insert(
                0,
                format!(
                    "{n} input{} could not be read: fix {} and run gate again",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "it" } else { "them" }
                ),
            );
        }
        self.errors = errors;
        self
    }

    /// The files whose line fingerprints SARIF needs (`line_hashes`): the findings' own
    /// paths, and the plan files when a resource finding has no path.
    pub fn fingerprinted_paths(&self) -> BTreeSet<&str> {
        let mut paths: BTreeSet<&str> = self
            .findings
            .iter()
            .filter_map(|f| f.path.as_deref())
            .collect();
        if self
            .findings
            .iter()
            .any(|f| f.path.is_none() && f.resource.is_some())
        {
            paths.extend(self.facts.infra.plans.iter().map(|p| p.path.as_str()));
        }
        paths
    }
}

/// The rule that reports self-suppressions, in its package: evaluated again once the
/// suppressions are known (`input.governance.self_suppressions`).
const SELF_SUPPRESSION: (&str, &str) = ("gate.governance", "GATE-GOV-003");

/// The query naming the rules of the strict profile in force for this change
/// (`policies/ai/strict.rego`): an inline `gate:allow` the change adds for itself does not
/// suppress their findings.
pub const STRICT_PROFILE: &str = "data.gate.ai.strict_profile";

/// Stage 1 and stage 2 of the policy evaluation. Findings of `disabled` rules are dropped;
/// `suppress` is given the rules of the strict profile ([`STRICT_PROFILE`]), marks the
/// suppressed findings and returns the suppressions the change made for its own findings,
/// which GATE-GOV-003 reports (no suppression applies to that finding) before stage 2 weighs
/// the rest.
pub fn evaluate<S: Serialize>(
    mut facts: Facts,
    engine: &Engine,
    disabled: &[String],
    suppress: impl FnOnce(&mut [Finding], &BTreeSet<String>) -> Vec<S>,
) -> Result<Outcome> {
    let t = Timer::start();
    let mut input = facts.to_rego()?;
    t.lap("facts to Rego input");
    // A skipped analyzer's rules would judge facts nobody gathered (GATE-COV-006 says it
    // did not run): its packages are not evaluated, and its rules' findings elsewhere are
    // dropped.
    let selection = &facts.coverage.analyzers;
    let (mut findings, rules) = engine.findings(&input, &|pkg| selection.drops_package(pkg))?;
    t.lap("stage 1 (findings)");
    findings.retain(|f| {
        !disabled.iter().any(|d| d == &f.rule) && !selection.drops(&f.category, &f.rule)
    });
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
    let strict: BTreeSet<String> = match engine.eval_value(&input, STRICT_PROFILE)? {
        Some(v) => serde_json::from_value(v)
            .map_err(|err| anyhow::anyhow!("{STRICT_PROFILE} is not a set of rule ids: {err}"))?,
        None => BTreeSet::new(),
    };
    let own = suppress(&mut findings, &strict);
    if !own.is_empty() && !disabled.iter().any(|d| d == SELF_SUPPRESSION.1) {
        input
            .as_object_mut()?
            .get_mut(&regorus::Value::from("governance"))
            .ok_or_else(|| anyhow::anyhow!("policy input has no governance"))?
            .as_object_mut()?
            .insert(regorus::Value::from("self_suppressions"), to_value(&own)?);
        let more = engine.package_findings(&input, SELF_SUPPRESSION.0)?;
        findings.extend(more.into_iter().filter(|f| f.rule == SELF_SUPPRESSION.1));
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
        t.lap("self-suppressions");
    }
    let active: Vec<&Finding> = findings.iter().filter(|f| f.suppressed.is_none()).collect();
    // Stage 2 sees the same facts value as stage 1 (shared, not converted again).
    let mut stage2 = BTreeMap::new();
    stage2.insert(regorus::Value::from("facts"), input);
    stage2.insert(regorus::Value::from("findings"), to_value(&active)?);
    let stage2 = regorus::Value::from(stage2);
    t.lap("suppressions and stage 2 input");
    let verdict = engine.verdict(&stage2)?;
    t.lap("stage 2 (verdict)");
    // Freeing the input, a value per fact (tens of thousands for a whole tree), took as long
    // as the verdict: it is freed on a thread of its own, off the report's way (if the thread
    // cannot start, the value comes back and is freed here).
    let _ = std::thread::Builder::new()
        .name("gate-free-input".into())
        .spawn(move || drop(stage2));
    Ok(Outcome {
        facts,
        findings,
        rules,
        verdict,
        errors: Vec::new(),
        line_hashes: BTreeMap::new(),
    })
}

/// A post-image's bytes and where each of its lines starts.
type PostImage = (Vec<u8>, Vec<usize>);

/// Lines of changed files for inline suppressions: added lines from the diff, others from
/// the post-image (read once per file). Each file's added lines are indexed by number the
/// first time one of them is asked for, so a lookup costs the same however many findings
/// a change has (a lookup per finding over all lines was quadratic: #17).
pub struct LineLookup<'a> {
    cs: &'a ChangeSet,
    /// The indexes in `cs.files` of each path's files, in the change's order.
    by_path: HashMap<&'a str, Vec<usize>>,
    /// Per file, the text of each added line by its number (the first line of a number).
    added: Vec<OnceCell<HashMap<u32, &'a [u8]>>>,
    /// Post-images, by path, with where each of their lines starts (a line is turned into
    /// text only when asked for: a whole tree's findings point into large files).
    files: RefCell<BTreeMap<String, Option<PostImage>>>,
}

impl<'a> LineLookup<'a> {
    pub fn new(cs: &'a ChangeSet) -> Self {
        let mut by_path: HashMap<&'a str, Vec<usize>> = HashMap::new();
        for (i, f) in cs.files.iter().enumerate() {
            by_path.entry(f.path.as_str()).or_default().push(i);
        }
        LineLookup {
            cs,
            by_path,
            added: cs.files.iter().map(|_| OnceCell::new()).collect(),
            files: RefCell::new(BTreeMap::new()),
        }
    }

    /// The added lines of file `i` by number.
    fn added_of(&self, i: usize) -> &HashMap<u32, &'a [u8]> {
        self.added[i].get_or_init(|| {
            let mut lines = HashMap::new();
            for l in self.cs.files[i].added_lines() {
                lines.entry(l.line).or_insert(&*l.text);
            }
            lines
        })
    }

    /// The first file of `path` in the change.
    fn first(&self, path: &str) -> Option<usize> {
        self.by_path.get(path).and_then(|v| v.first().copied())
    }

    /// Whether the change adds line `line` of `path`.
    pub fn added(&self, path: &str, line: u32) -> bool {
        self.by_path
            .get(path)
            .is_some_and(|v| v.iter().any(|&i| self.added_of(i).contains_key(&line)))
    }

    /// The text of line `line` of `path` when the change adds it (in the first file of that
    /// path), `None` for any other line.
    pub fn added_text(&self, path: &str, line: u32) -> Option<String> {
        let text = self.added_of(self.first(path)?).get(&line)?;
        Some(String::from_utf8_lossy(text).into_owned())
    }

    /// Line `line` of a changed file: the added line, or else the post-image's line.
    pub fn get(&self, path: &str, line: u32) -> Option<String> {
        let i = self.first(path)?;
        if let Some(text) = self.added_of(i).get(&line) {
            return Some(String::from_utf8_lossy(text).into_owned());
        }
        let post = &self.cs.post;
        let mut files = self.files.borrow_mut();
        let file = files.entry(path.to_string()).or_insert_with(|| {
            post.read(path).ok().flatten().map(|b| {
                let starts = line_starts(&b);
                (b, starts)
            })
        });
        let (bytes, starts) = file.as_ref()?;
        nth_line(bytes, starts, usize::try_from(line).ok()?.checked_sub(1)?)
    }
}

/// Where each line of `bytes` starts (none for empty input).
fn line_starts(bytes: &[u8]) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', bytes).map(|p| p + 1))
        .filter(|&s| s < bytes.len())
        .collect()
}

/// Line `at` (from 0) of `bytes` as text, split as `str::lines` splits the lossy text: the
/// `\n`, then a `\r` before it, are not the line's.
fn nth_line(bytes: &[u8], starts: &[usize], at: usize) -> Option<String> {
    let start = *starts.get(at)?;
    let end = starts.get(at + 1).copied().unwrap_or(bytes.len());
    let mut text = &bytes[start..end];
    if let Some(t) = text.strip_suffix(b"\n") {
        text = t.strip_suffix(b"\r").unwrap_or(t);
    }
    Some(String::from_utf8_lossy(text).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::{diff, Snapshot};

    #[test]
    fn post_image_lines_split_as_str_lines_splits_them() {
        let samples: [&[u8]; 8] = [
            b"",
            b"one",
            b"one\n",
            b"one\r\ntwo\r\n\r\nfour",
            b"bare\rcarriage\r",
            b"\n\n",
            b"caf\xc3\xa9 \xff\xfe\nbroken \xe2\x82\nnext",
            b"last\r\n\r",
        ];
        for bytes in samples {
            let text = String::from_utf8_lossy(bytes);
            let want: Vec<&str> = text.lines().collect();
            let starts = line_starts(bytes);
            let got: Vec<String> = (0..starts.len())
                .map(|i| nth_line(bytes, &starts, i).expect("line"))
                .collect();
            assert_eq!(got, want, "{bytes:?}");
            assert_eq!(nth_line(bytes, &starts, starts.len()), None);
        }
    }

    fn change(diff_text: &str) -> ChangeSet {
        ChangeSet {
            base: None,
            head: None,
            files: diff::parse(diff_text.as_bytes()).expect("diff parses"),
            post: Snapshot::None,
            pre: Snapshot::None,
            root: None,
        }
    }

    #[test]
    fn line_lookup_finds_added_lines_by_number() {
        let cs = change(
            "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1,2 +1,3 @@\n one\n+two\n three\n@@ -9,1 +10,2 @@\n ten\n+eleven\n\
diff --git a/b.py b/b.py\nnew file mode 100644\n--- /dev/null\n+++ b/b.py\n@@ -0,0 +1,1 @@\n+bee\n",
        );
        let l = LineLookup::new(&cs);
        assert!(l.added("a.py", 2) && l.added("a.py", 11) && l.added("b.py", 1));
        assert!(!l.added("a.py", 1) && !l.added("a.py", 10) && !l.added("c.py", 1));
        assert_eq!(l.added_text("a.py", 11).as_deref(), Some("eleven"));
        assert_eq!(l.added_text("a.py", 1), None, "a context line is not added");
        assert_eq!(l.get("b.py", 1).as_deref(), Some("bee"));
        // Without a post-image only the added lines are known.
        assert_eq!(l.get("a.py", 1), None);
        assert_eq!(l.get("c.py", 1), None);
    }
}
