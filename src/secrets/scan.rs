//! The secret scan of a change: every changed file's added lines (or, with `--all`, the whole
//! file) through the scanner, each candidate turned into a [`SecretFact`], and the secret
//! masked in the change's own lines before anything else reads them.
//!
//! The masking is the guarantee that no secret reaches a policy or a report: the change's
//! lines are what `input.change` carries and what inline suppressions read, so after this
//! scan they hold the redacted form only. The scanner of the default settings is built once
//! per process (on another thread, while git answers).

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use anyhow::{bail, Result};
use rayon::prelude::*;
use serde::Serialize;

use super::scanner::AllowReason;
use super::{redact, Scanner, SecretsConfig};
use crate::change::content::{self, Prepared, Unread};
use crate::change::{self, ChangeSet, FileChange, Snapshot};
use crate::errors::InputError;
use crate::paths::PathRules;

/// One secret candidate (`input.secrets`): where it is, which detector found it, and its
/// redacted form and fingerprint, never the value.
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
    /// Harmless: a documented example or placeholder, a value the provider never issued, or
    /// one the user's `secrets.allowlist` names.
    pub allowlisted: bool,
    /// Why it is allowlisted: `example` (a documented example or placeholder), `checksum` (the
    /// provider's format without its checksum), `config` (an entry of `secrets.allowlist`).
    pub allowlist_reason: Option<&'static str>,
    /// For `config`: the entry, as written; masked like a value where it spells out 8 or more
    /// characters of the secret.
    pub allowlist_entry: Option<String>,
    /// A value the provider documents as publishable (a Firebase web API key, a Stripe
    /// publishable key): a note (GATE-SEC-005), not a leak.
    pub public: bool,
    /// Set when the value is not in the range's diff but one of its commits added it (and a
    /// later one removed it): the commit that added it. It stays in the history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Set when the value was written encoded: the encodings, outermost first (`base64`,
    /// `hex`, `escape` for JSON/JS string escapes, `url`). `line` and `column` are where the
    /// encoded form starts; `redacted` and `fingerprint` are of the decoded value.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub encoding: Vec<&'static str>,
}

/// Detectors whose findings under example and sample directories count as in a test path.
const SAMPLE_KINDS: &[&str] = &["private-key", "putty-private-key"];

/// The secret scanner: the user's detectors and the built-in catalog.
pub fn build_scanner(cfg: &SecretsConfig) -> Result<Arc<Scanner>> {
    if *cfg == SecretsConfig::default() {
        return default_scanner();
    }
    build_scanner_now(cfg).map(Arc::new)
}

/// The scanner of the default secret settings, built once per process.
fn default_scanner() -> Result<Arc<Scanner>> {
    static SCANNER: OnceLock<Result<Arc<Scanner>, String>> = OnceLock::new();
    SCANNER
        .get_or_init(|| {
            build_scanner_now(&SecretsConfig::default())
                .map(Arc::new)
                .map_err(|e| format!("{e:#}"))
        })
        .clone()
        .map_err(|e| anyhow::anyhow!(e))
}

/// Starts building the default scanner on another thread: most configurations use it, and it
/// is then ready by the time git has answered.
pub fn prefetch_scanner() {
    std::thread::spawn(|| {
        let _ = default_scanner();
    });
}

fn build_scanner_now(cfg: &SecretsConfig) -> Result<Scanner> {
    let scanner = Scanner::new(super::catalog(cfg)?)?.with_allowlist(&cfg.allowlist)?;
    // The user's rules come first in the catalog: compile them now, so a bad regex is an
    // error naming the rule before anything is scanned.
    for r in 0..cfg.rules.len() {
        scanner.regex(r)?;
    }
    Ok(scanner)
}

/// Scans every file of the change (in parallel, results in file order), masking each found
/// value in the change's lines. A file that cannot be read is an error naming it; the other
/// files are scanned all the same.
pub fn scan_change(
    cs: &mut ChangeSet,
    scanner: &Scanner,
    paths: &PathRules,
) -> (Vec<SecretFact>, Vec<InputError>) {
    let post = cs.post.clone();
    let pre = cs.pre.clone();
    // Each worker's run of files checks the directories on their way once (`CheckedDirs`).
    let found: Vec<Result<Vec<SecretFact>, InputError>> = cs
        .files
        .par_iter_mut()
        .map_init(change::CheckedDirs::default, |dirs, f| {
            scan_file(f, &post, &pre, scanner, paths, dirs)
                .map_err(|e| InputError::new(&f.path, &e))
        })
        .collect();
    let mut secrets = Vec::new();
    let mut errors = Vec::new();
    for r in found {
        match r {
            Ok(s) => secrets.extend(s),
            Err(e) => errors.push(e),
        }
    }
    (secrets, errors)
}

/// A fact and the value it stands for (kept in memory only, to look it up in the base).
type FoundValue = (SecretFact, Vec<u8>);

/// Secrets that a commit of `base..head` added and a later one removed: the range's diff
/// (already scanned, `found`) no longer shows them, but every clone of the branch holds them.
/// Each commit's added lines are scanned on their own; a value is reported once (by its
/// fingerprint), at the first commit that added it, unless the range's diff holds it or the
/// base already did (a revert bringing back an old line is not a new leak). A range of one
/// commit has nothing its diff does not show: `commits`, the number of commits in the range
/// when the caller knows it, then spares the `git log --patch`.
pub fn scan_history(
    cs: &ChangeSet,
    found: &[SecretFact],
    scanner: &Scanner,
    paths: &PathRules,
    commits: Option<usize>,
    ignored: impl Fn(&str) -> bool + Sync,
) -> Result<Vec<SecretFact>> {
    let (Some(root), Some(base), Some(head)) = (&cs.root, &cs.base, &cs.head) else {
        return Ok(Vec::new());
    };
    if commits.is_some_and(|n| n < 2) {
        return Ok(Vec::new());
    }
    let patches = change::git::commit_patches(root, base, head)?;
    if patches.len() < 2 {
        return Ok(Vec::new());
    }
    let per_commit: Vec<Result<Vec<FoundValue>>> = patches
        .par_iter()
        .map(|(id, patch)| {
            let mut files = change::diff::parse(patch).map_err(|e| {
                anyhow::anyhow!(
                    "commit {id}: cannot parse its patch from git: line {}: {}",
                    e.line,
                    e.message
                )
            })?;
            let mut out = Vec::new();
            for f in files.iter_mut().filter(|f| !f.binary && !ignored(&f.path)) {
                let buf = f.added_text();
                let line_map: Vec<u32> = f.added_lines().map(|l| l.line).collect();
                let mut values = Vec::new();
                let facts = scan_buffer_with(f, &buf, Some(&line_map), scanner, paths, |v| {
                    values.push(v.to_vec());
                });
                for (mut fact, value) in facts.into_iter().zip(values) {
                    fact.commit = Some(id.clone());
                    out.push((fact, value));
                }
            }
            Ok(out)
        })
        .collect();
    let mut seen: HashSet<String> = found.iter().map(|s| s.fingerprint.clone()).collect();
    let mut fresh = Vec::new();
    for r in per_commit {
        for (fact, value) in r? {
            if seen.insert(fact.fingerprint.clone()) {
                fresh.push((fact, value));
            }
        }
    }
    if fresh.is_empty() {
        return Ok(fresh.into_iter().map(|(f, _)| f).collect());
    }
    let values: Vec<&[u8]> = fresh.iter().map(|(_, v)| v.as_slice()).collect();
    let in_base = change::git::grep_fixed(root, base, &values)?;
    Ok(fresh
        .into_iter()
        .zip(in_base)
        .filter(|(_, old)| !old)
        .map(|((f, _), _)| f)
        .collect())
}

/// Masks string values in plan attributes that the secret scanner recognizes (a key in
/// `user_data` that the tool did not mark sensitive, say).
pub fn redact_values(v: &mut serde_json::Value, scanner: &Scanner) {
    match v {
        serde_json::Value::String(s) => redact_string(s, scanner),
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| redact_values(x, scanner)),
        serde_json::Value::Object(o) => o.values_mut().for_each(|x| redact_values(x, scanner)),
        _ => {}
    }
}

/// Replaces a string in which the secret scanner recognizes a value (not an allowlisted one)
/// by the value's rule and redacted form, as [`redact_values`] does each string of a plan.
pub fn redact_string(s: &mut String, scanner: &Scanner) {
    let found = scanner.scan(s.as_bytes());
    if let Some(c) = found.iter().find(|c| !c.allowlisted) {
        *s = format!(
            "(redacted {}: {})",
            c.rule_id(scanner),
            redact::redact(c.value())
        );
    }
}

/// Files at least this large are not read whole in `--all` mode (logs, dumps, media).
const MAX_WHOLE_FILE: u64 = 64 * 1024 * 1024;

fn scan_file(
    f: &mut FileChange,
    post: &Snapshot,
    pre: &Snapshot,
    scanner: &Scanner,
    paths: &PathRules,
    dirs: &mut change::CheckedDirs,
) -> Result<Vec<SecretFact>> {
    if f.binary {
        return Ok(Vec::new());
    }
    if f.whole_file {
        // Only `--all` scans whole files, and it reads the work tree.
        let Snapshot::WorkTree(root) = post else {
            bail!(
                "{}: cannot read: whole files are read from the work tree",
                f.path
            );
        };
        return scan_whole_file(f, root, scanner, paths, dirs);
    }
    // The added lines, one after the other, and the line number of each.
    let buf = f.added_text();
    let line_map: Vec<u32> = f.added_lines().map(|l| l.line).collect();
    let binary = f
        .unread
        .as_ref()
        .is_some_and(|u| u.reason == content::Reason::Binary);
    if !binary || f.status == change::FileStatus::Added {
        return Ok(scan_buffer(f, &buf, Some(&line_map), scanner, paths));
    }
    // A binary file diffed as text (a regenerated SQLite index): its "added lines" are the
    // file's pages moved around, so a value its pre-image already held is not new.
    let mut values = Vec::new();
    let facts = scan_buffer_with(f, &buf, Some(&line_map), scanner, paths, |v| {
        values.push(v.to_vec());
    });
    if facts.is_empty() {
        return Ok(facts);
    }
    let Some(old) = pre.read(f.old_path.as_deref().unwrap_or(&f.path))? else {
        return Ok(facts);
    };
    Ok(facts
        .into_iter()
        .zip(values)
        .filter(|(_, v)| memchr::memmem::find(&old, v).is_none())
        .map(|(fact, _)| fact)
        .collect())
}

/// Scans a whole file of the work tree, read into a buffer each worker thread reuses.
fn scan_whole_file(
    f: &mut FileChange,
    root: &Path,
    scanner: &Scanner,
    paths: &PathRules,
    dirs: &mut change::CheckedDirs,
) -> Result<Vec<SecretFact>> {
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUF.with(|cell| {
        let mut buf = cell.borrow_mut();
        match change::read_inside_checked(root, &f.path, MAX_WHOLE_FILE, &mut buf, dirs)? {
            change::WorkTreeRead::Read => {}
            change::WorkTreeRead::TooLarge => {
                let size =
                    std::fs::metadata(root.join(&f.path)).map_or(MAX_WHOLE_FILE, |m| m.len());
                f.unread = Some(Unread::too_large(size, MAX_WHOLE_FILE));
                return Ok(Vec::new());
            }
            change::WorkTreeRead::Missing | change::WorkTreeRead::NotAFile => {
                bail!(
                    "{}: cannot read: it vanished while gate was running",
                    f.path
                )
            }
        }
        // Wide text is decoded and scanned; binary is recorded (and its bytes scanned
        // unless it is a known binary format), never skipped silently.
        let out = match content::prepare(&buf) {
            Prepared::AsIs => scan_buffer(f, &buf, None, scanner, paths),
            Prepared::Decoded(text) => scan_buffer(f, &text, None, scanner, paths),
            Prepared::Binary(u) => {
                f.binary = true;
                let scan = u.scanned;
                f.unread = Some(u);
                if !scan {
                    return Ok(Vec::new());
                }
                scan_buffer(f, &buf, None, scanner, paths)
            }
        };
        if buf.capacity() > 4 * MAX_KEPT_BUFFER {
            // One huge file does not pin its size for the rest of the run.
            *buf = Vec::with_capacity(MAX_KEPT_BUFFER);
        }
        Ok(out)
    })
}

/// Read buffers above this size are not kept for the next file.
const MAX_KEPT_BUFFER: usize = 1 << 20;

/// Scans `buf`, the contents of `f` (whole, or its added lines when `line_map` gives their
/// line numbers), masking found values in the change's lines.
fn scan_buffer(
    f: &mut FileChange,
    buf: &[u8],
    line_map: Option<&[u32]>,
    scanner: &Scanner,
    paths: &PathRules,
) -> Vec<SecretFact> {
    scan_buffer_with(f, buf, line_map, scanner, paths, |_| {})
}

/// [`scan_buffer`], handing each fact's value to `value` (in the order of the facts).
fn scan_buffer_with(
    f: &mut FileChange,
    buf: &[u8],
    line_map: Option<&[u32]>,
    scanner: &Scanner,
    paths: &PathRules,
    mut value: impl FnMut(&[u8]),
) -> Vec<SecretFact> {
    if buf.is_empty() {
        return Vec::new();
    }
    let cands = scanner.scan_file(buf, Some(&f.path));
    if cands.is_empty() {
        return Vec::new();
    }
    let line_of = |idx: usize| -> u32 {
        match line_map {
            Some(m) => m.get(idx).copied().unwrap_or(0),
            None => u32::try_from(idx + 1).unwrap_or(u32::MAX),
        }
    };
    let in_test = paths.is_test(&f.path);
    // Keys and certificates under examples/ and samples/ are demonstration material, as in
    // test fixtures; other credentials there (an API token pasted into an example) are not.
    let sample = paths.is_sample(&f.path);
    let mut out = Vec::with_capacity(cands.len());
    let mut masks = Vec::new();
    for c in &cands {
        value(&c.secret);
        let rule = &scanner.rules()[c.rule];
        // An encoded value is shown and fingerprinted decoded, and masked as written.
        let masked = redact::redact(c.value());
        let (line, end_line) = (line_of(c.line), line_of(c.end_line));
        if line_map.is_some() {
            masks.push(Mask {
                lines: line..=end_line,
                secret: &c.secret,
                masked: masked.clone(),
            });
        }
        out.push(SecretFact {
            rule: rule.id.clone(),
            name: rule.name.clone(),
            provider: rule.provider.clone(),
            severity: rule.severity.clone(),
            confidence: rule.confidence.clone(),
            path: f.path.clone(),
            line,
            column: u32::try_from(c.column).unwrap_or(u32::MAX),
            end_line,
            entropy: (c.entropy * 100.0).round() / 100.0,
            redacted: masked,
            fingerprint: redact::fingerprint(c.value()),
            in_test_path: in_test || (sample && SAMPLE_KINDS.contains(&rule.id.as_str())),
            allowlisted: c.allowlisted,
            allowlist_reason: c.allow_reason.map(|r| match r {
                AllowReason::Example => "example",
                AllowReason::Checksum => "checksum",
                AllowReason::Config(_) => "config",
            }),
            allowlist_entry: match c.allow_reason {
                Some(AllowReason::Config(i)) => scanner
                    .allowlist_pattern(i)
                    .map(|p| shown_entry(p, c.value())),
                _ => None,
            },
            public: c.public,
            commit: None,
            encoding: c
                .decoded
                .as_ref()
                .map(|d| d.encoding.clone())
                .unwrap_or_default(),
        });
    }
    mask_in_lines(f, &masks);
    out
}

/// A `secrets.allowlist` entry as reports may show it: as written, unless it spells out the
/// value (8 or more of its characters in a row, escapes and case aside), then masked like one.
fn shown_entry(pattern: &str, secret: &[u8]) -> String {
    let plain: Vec<u8> = pattern
        .bytes()
        .filter(|b| *b != b'\\')
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let secret = secret.to_ascii_lowercase();
    let run = secret.len().min(8);
    let spelled = run > 0
        && secret
            .windows(run)
            .any(|w| plain.windows(run).any(|p| p == w));
    if spelled {
        redact::redact(pattern.as_bytes())
    } else {
        pattern.to_string()
    }
}

/// A found secret to mask in the added lines it spans.
struct Mask<'a> {
    lines: std::ops::RangeInclusive<u32>,
    secret: &'a [u8],
    masked: String,
}

impl Mask<'_> {
    /// The secret's lines (a PEM block has several), without line ends; pieces shorter than
    /// four bytes are too common to replace and reveal next to nothing.
    fn pieces(&self) -> impl Iterator<Item = &[u8]> {
        self.secret
            .split(|&b| b == b'\n')
            .map(|p| p.strip_suffix(b"\r").unwrap_or(p))
            .filter(|p| p.len() >= 4)
    }
}

/// Replaces every occurrence of each secret (each of its lines, for multi-line secrets) in
/// the added lines it spans by its masked form. Occurrences are found in the original line
/// and overlapping ones are merged before anything is replaced, so one secret that contains
/// another (or overlaps it) is masked whole, not left half visible by the first replacement.
fn mask_in_lines(f: &mut FileChange, masks: &[Mask<'_>]) {
    if masks.is_empty() {
        return;
    }
    let mut by_line: std::collections::BTreeMap<u32, Vec<usize>> = Default::default();
    for (i, m) in masks.iter().enumerate() {
        for line in m.lines.clone() {
            by_line.entry(line).or_default().push(i);
        }
    }
    for h in &mut f.hunks {
        for l in &mut h.added {
            let Some(here) = by_line.get(&l.line) else {
                continue;
            };
            let mut hits: Vec<(usize, usize, usize)> = Vec::new();
            for &i in here {
                for p in masks[i].pieces() {
                    for at in memchr::memmem::find_iter(&l.text, p) {
                        hits.push((at, at + p.len(), i));
                    }
                }
            }
            if !hits.is_empty() {
                l.text = replace_ranges(&l.text, hits, masks).into_boxed_slice();
            }
        }
    }
}

/// `text` with each union of overlapping `(start, end, mask)` ranges replaced by the masked
/// form of the mask that starts it.
fn replace_ranges(
    text: &[u8],
    mut hits: Vec<(usize, usize, usize)>,
    masks: &[Mask<'_>],
) -> Vec<u8> {
    hits.sort_unstable_by_key(|&(s, e, i)| (s, std::cmp::Reverse(e), i));
    let mut out = Vec::with_capacity(text.len());
    let mut at = 0;
    let mut it = hits.into_iter().peekable();
    while let Some((start, mut end, i)) = it.next() {
        while let Some(&(s, e, _)) = it.peek() {
            if s >= end {
                break;
            }
            end = end.max(e);
            it.next();
        }
        out.extend_from_slice(&text[at..start]);
        out.extend_from_slice(masks[i].masked.as_bytes());
        at = end;
    }
    out.extend_from_slice(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::diff;
    use crate::paths::PathLists;

    /// A scanner of test detectors (not the catalog, which changes): a `key_` value that can
    /// contain a token (listed first, so it wins where both match), `tok_` tokens, and a
    /// multi-line block.
    fn scanner() -> Scanner {
        let rules = super::super::parse_rules(
            r#"
- id: test-key
  name: test key
  provider: test
  keywords: [key_]
  regex: 'key_[A-Za-z0-9_]{24,}'
  secret_group: 0
- id: test-token
  name: test token
  provider: test
  keywords: [tok_]
  regex: 'tok_[A-Za-z0-9]{16}'
  secret_group: 0
- id: test-block
  name: test block
  provider: test
  keywords: ['-----begin test block-----']
  regex: '(?s)-----BEGIN TEST BLOCK-----.*?-----END TEST BLOCK-----'
  secret_group: 0
  multiline: 4096
"#,
            "test rules",
        )
        .expect("rules parse");
        Scanner::new(rules).expect("scanner builds")
    }

    /// The change's added lines after a scan of `diff`, and the facts found.
    fn scan(diff_text: &[u8]) -> (Vec<Vec<u8>>, Vec<SecretFact>) {
        scan_with(diff_text, &scanner())
    }

    fn scan_with(diff_text: &[u8], scanner: &Scanner) -> (Vec<Vec<u8>>, Vec<SecretFact>) {
        let mut cs = ChangeSet {
            base: None,
            head: None,
            files: diff::parse(diff_text).expect("diff parses"),
            post: Snapshot::None,
            pre: Snapshot::None,
            root: None,
        };
        let paths = PathRules::new(PathLists::default()).expect("paths");
        let (facts, errors) = scan_change(&mut cs, scanner, &paths);
        assert!(errors.is_empty(), "{errors:?}");
        let lines = cs.files[0].added_lines().map(|l| l.text.to_vec()).collect();
        (lines, facts)
    }

    fn added_file(lines: &[&[u8]]) -> Vec<u8> {
        let mut d = format!(
            "diff --git a/app/x.py b/app/x.py\nnew file mode 100644\n--- /dev/null\n+++ b/app/x.py\n@@ -0,0 +1,{} @@\n",
            lines.len()
        )
        .into_bytes();
        for l in lines {
            d.push(b'+');
            d.extend_from_slice(l);
            d.push(b'\n');
        }
        d
    }

    fn assert_absent(lines: &[Vec<u8>], secret: &[u8]) {
        for l in lines {
            assert!(
                memchr::memmem::find(l, secret).is_none(),
                "{:?} still contains {:?}",
                String::from_utf8_lossy(l),
                String::from_utf8_lossy(secret)
            );
        }
    }

    #[test]
    fn an_allowlist_hit_names_the_users_entry_never_the_value() {
        let secret = "tok_Q9w8E7r6T5y4U3i2";
        let scanner = scanner()
            .with_allowlist(&["^tok_Zz".into(), "^tok_Q9w".into()])
            .expect("allowlist compiles");
        let (_, facts) = scan_with(
            &added_file(&[
                format!("a = '{secret}'").as_bytes(),
                b"b = 'tok_R7m2Xq9Lw4Kp8Zt3'",
            ]),
            &scanner,
        );
        let hit = facts
            .iter()
            .find(|f| f.line == 1)
            .expect("allowlisted value reported");
        assert!(hit.allowlisted);
        assert_eq!(hit.allowlist_reason, Some("config"));
        assert_eq!(hit.allowlist_entry.as_deref(), Some("^tok_Q9w"));
        let live = facts
            .iter()
            .find(|f| f.line == 2)
            .expect("live value reported");
        assert!(!live.allowlisted);
        assert_eq!(
            (live.allowlist_reason, &live.allowlist_entry),
            (None, &None)
        );
    }

    #[test]
    fn an_allowlist_entry_that_spells_out_the_value_is_masked() {
        let secret = b"tok_Q9w8E7r6T5y4U3i2";
        assert_eq!(shown_entry("^tok_Q9", secret), "^tok_Q9");
        assert_eq!(shown_entry("(?i)^tok_", secret), "(?i)^tok_");
        for spelled in [
            "^tok_Q9w8E7r6T5y4U3i2$",
            "tok_q9w8e7r6",
            "^tok\\_Q9w8\\E7r6",
            "x|E7r6T5y4U3",
        ] {
            let shown = shown_entry(spelled, secret);
            assert!(shown.contains('…'), "{spelled} -> {shown}");
            assert!(
                !shown.to_lowercase().contains("e7r6"),
                "{spelled} -> {shown}"
            );
        }
    }

    #[test]
    fn a_multi_line_secret_is_masked_on_every_line() {
        let block: [&[u8]; 4] = [
            b"-----BEGIN TEST BLOCK-----",
            b"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
            b"BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj",
            b"-----END TEST BLOCK-----",
        ];
        let mut lines: Vec<&[u8]> = vec![b"KEY = \"\"\""];
        lines.extend(block);
        lines.push(b"\"\"\"");
        let (after, facts) = scan(&added_file(&lines));
        assert_eq!(facts.len(), 1);
        assert_eq!((facts[0].line, facts[0].end_line), (2, 5));
        for piece in block {
            assert_absent(&after, piece);
        }
        assert_eq!(after[0], lines[0], "lines outside the secret are untouched");
        assert_eq!(after[1], facts[0].redacted.as_bytes());
    }

    #[test]
    fn a_secret_repeated_on_a_line_is_masked_each_time() {
        let secret = b"tok_A1b2C3d4E5f6G7h8";
        let line = [&b"a = '"[..], secret, b"'; b = '", secret, b"'"].concat();
        let (after, facts) = scan(&added_file(&[&line]));
        assert!(!facts.is_empty());
        assert_absent(&after, secret);
        let masked = redact::redact(secret);
        assert_eq!(
            after[0],
            format!("a = '{masked}'; b = '{masked}'").into_bytes()
        );
    }

    /// A token found on its own, and a longer key elsewhere on the line that contains the same
    /// token: masking the token everywhere first would break the key's occurrence and leave
    /// the rest of the key visible.
    #[test]
    fn overlapping_candidates_are_masked_whole() {
        let token = b"tok_A1b2C3d4E5f6G7h8";
        let key = b"key_Zq9Wx8Vc7tok_A1b2C3d4E5f6G7h8Yy";
        let line = [&b"t = '"[..], token, b"'; k = '", key, b"'"].concat();
        let (after, facts) = scan(&added_file(&[&line]));
        assert_eq!(facts.len(), 2, "{facts:?}");
        assert_absent(&after, token);
        assert_absent(&after, key);
        assert_absent(&after, b"Zq9Wx8Vc7");
    }

    #[test]
    fn non_utf8_lines_are_masked_as_bytes() {
        let secret = b"tok_A1b2C3d4E5f6G7h8";
        let line = [&b"\xff\xfe x = '"[..], secret, b"' \xc3\x28"].concat();
        let (after, facts) = scan(&added_file(&[&line]));
        assert_eq!(facts.len(), 1);
        assert_absent(&after, secret);
        assert!(after[0].starts_with(b"\xff\xfe x = '") && after[0].ends_with(b"' \xc3\x28"));
    }

    #[test]
    fn replace_ranges_merges_overlaps() {
        let m = |s: &'static str| Mask {
            lines: 1..=1,
            secret: s.as_bytes(),
            masked: "#".into(),
        };
        let masks = [m("bcd"), m("cdef")];
        assert_eq!(
            replace_ranges(b"abcdefg", vec![(1, 4, 0), (2, 6, 1)], &masks),
            b"a#g"
        );
        assert_eq!(
            replace_ranges(b"abcabc", vec![(0, 3, 0), (3, 6, 0)], &masks),
            b"##"
        );
    }
}
