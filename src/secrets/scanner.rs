//! The scanning engine: keyword prefilter, windowed regexes, entropy and example filtering.

use std::collections::HashSet;
use std::sync::OnceLock;

use anyhow::{Context, Result};
use regex::bytes::{Regex, RegexBuilder};

use super::keywords::Keywords;
use super::{entropy, RuleSpec};

/// A possible secret in a scanned buffer.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Index of the rule in the scanner.
    pub rule: usize,
    /// Byte range of the secret in the buffer.
    pub start: usize,
    pub end: usize,
    /// 0-based line index of `start` in the buffer, and of `end`.
    pub line: usize,
    pub end_line: usize,
    /// 1-based byte column of `start` in its line.
    pub column: usize,
    pub secret: Vec<u8>,
    pub entropy: f64,
    /// A documented example value or obvious placeholder in a provider format: reported to
    /// policies (never silently dropped) but marked so they can treat it as harmless.
    pub allowlisted: bool,
}

impl Candidate {
    pub fn rule_id<'a>(&self, scanner: &'a Scanner) -> &'a str {
        &scanner.rules[self.rule].id
    }
}

pub struct Scanner {
    rules: Vec<RuleSpec>,
    /// Values the user declared harmless.
    allowlist: Option<regex::bytes::RegexSet>,
    /// Per rule, the file names it is limited to.
    paths: Vec<Option<globset::GlobSet>>,
    /// Compiled on first use: a typical change triggers a handful of the catalog's rules, and
    /// compiling all of them would dominate the run time of a small check.
    regexes: Vec<OnceLock<Result<Regex, String>>>,
    keywords: Keywords,
    /// Keyword index -> rules that keyword enables.
    keyword_rules: Vec<Vec<usize>>,
    /// Rules with no keyword, run on every buffer.
    unconditional: Vec<usize>,
}

/// Values published in provider documentation as examples.
const KNOWN_EXAMPLES: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "pk_test_TYooMQauvdEDq54NiTphI7jx",
];

/// Values that stand for "a password goes here" in docs and local setups.
const PLACEHOLDER_VALUES: &[&str] = &[
    "password", "passwd", "secret", "pass", "changeme", "admin", "root", "test", "postgres",
    "mysql", "redis", "guest", "user", "username", "pwd", "letmein", "qwerty", "default", "none",
    "null", "foobar", "foo", "bar",
];

impl Scanner {
    pub fn new(rules: Vec<RuleSpec>) -> Result<Scanner> {
        let mut regexes = Vec::with_capacity(rules.len());
        let mut keyword_list: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut unconditional = Vec::new();
        let mut paths = Vec::with_capacity(rules.len());
        for r in &rules {
            if r.paths.is_empty() {
                paths.push(None);
                continue;
            }
            let mut b = globset::GlobSetBuilder::new();
            for g in &r.paths {
                b.add(
                    globset::Glob::new(g).with_context(|| {
                        format!("secret rule {}: invalid path glob {g:?}", r.id)
                    })?,
                );
            }
            paths.push(Some(b.build().with_context(|| {
                format!("secret rule {}: cannot compile paths", r.id)
            })?));
        }
        for (i, r) in rules.iter().enumerate() {
            regexes.push(OnceLock::new());
            if r.keywords.is_empty() {
                unconditional.push(i);
            }
            for k in &r.keywords {
                match keyword_list.iter().position(|x| x == k) {
                    Some(p) => keyword_rules[p].push(i),
                    None => {
                        keyword_list.push(k.clone());
                        keyword_rules.push(vec![i]);
                    }
                }
            }
        }
        // Every occurrence is reported, overlapping ones included, so a keyword inside a
        // longer one still enables its rules.
        let keywords = Keywords::new(&keyword_list)?;
        Ok(Scanner {
            rules,
            allowlist: None,
            paths,
            regexes,
            keywords,
            keyword_rules,
            unconditional,
        })
    }

    /// The compiled regex of rule `r`, compiling it on first use.
    pub fn regex(&self, r: usize) -> Result<&Regex> {
        let rule = &self.rules[r];
        self.regexes[r]
            .get_or_init(|| {
                let re = RegexBuilder::new(&rule.regex)
                    .unicode(false)
                    .size_limit(1 << 24)
                    .build()
                    .map_err(|e| format!("secret rule {}: invalid regex: {e}", rule.id))?;
                if rule.secret_group >= re.captures_len() {
                    return Err(format!(
                        "secret rule {}: secret_group {} but the regex has {} groups",
                        rule.id,
                        rule.secret_group,
                        re.captures_len() - 1
                    ));
                }
                Ok(re)
            })
            .as_ref()
            .map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// Compiles every rule now (tests; user rules are checked when the scanner is built).
    pub fn compile_all(&self) -> Result<()> {
        (0..self.rules.len()).try_for_each(|r| self.regex(r).map(|_| ()))
    }

    /// Marks values matching any of `patterns` as examples.
    pub fn with_allowlist(mut self, patterns: &[String]) -> Result<Scanner> {
        if !patterns.is_empty() {
            self.allowlist = Some(
                regex::bytes::RegexSet::new(patterns)
                    .context("secrets.allowlist: invalid regex")?,
            );
        }
        Ok(self)
    }

    pub fn rules(&self) -> &[RuleSpec] {
        &self.rules
    }

    /// Finds candidates in `buf`, sorted by position, with every rule.
    pub fn scan(&self, buf: &[u8]) -> Vec<Candidate> {
        self.scan_file(buf, None)
    }

    /// Finds candidates in the contents of the file at `path` (rules limited to other file
    /// names do not run).
    pub fn scan_file(&self, buf: &[u8], path: Option<&str>) -> Vec<Candidate> {
        let name = path.map(|p| p.rsplit('/').next().unwrap_or(p));
        let applies = |r: usize| match (&self.paths[r], name) {
            (Some(set), Some(n)) => set.is_match(n),
            (Some(_), None) | (None, _) => true,
        };
        // Per rule, the windows (line spans around keyword hits) its regex must look at.
        let mut windows: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.rules.len()];
        let mut last_line_for_keyword: Vec<usize> = vec![usize::MAX; self.keyword_rules.len()];
        // The line of the last hit: hits on the same line reuse it, so a 10 MB line full of
        // keywords is measured once, not once per hit.
        let mut line = (0usize, 0usize);
        for (start, end, k) in self.keywords.find_all(buf) {
            // Hits come sorted by end; a hit may start on an earlier line than the last one.
            if start < line.0 || start >= line.1 {
                line = (line_start(buf, start), line_end(buf, end));
            }
            let (ls, le) = line;
            if last_line_for_keyword[k] == ls {
                continue;
            }
            last_line_for_keyword[k] = ls;
            for &r in &self.keyword_rules[k] {
                if !applies(r) {
                    continue;
                }
                let extra = self.rules[r].multiline;
                let end = if extra > 0 {
                    line_end(buf, (le + extra).min(buf.len()))
                } else {
                    le
                };
                push_window(&mut windows[r], ls, end);
            }
        }
        for &r in &self.unconditional {
            if applies(r) {
                windows[r] = vec![(0, buf.len())];
            }
        }

        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (r, spans) in windows.iter().enumerate() {
            let rule = &self.rules[r];
            for &(s, e) in spans {
                let Ok(re) = self.regex(r) else {
                    // Unreachable for the tested catalog; user rules are compiled up front.
                    continue;
                };
                for caps in re.captures_iter(&buf[s..e]) {
                    let Some(g) = caps.get(rule.secret_group) else {
                        continue;
                    };
                    let (start, end) = (s + g.start(), s + g.end());
                    if !seen.insert((r, start, end)) {
                        continue;
                    }
                    let secret = &buf[start..end];
                    let ent = entropy(secret);
                    if ent < rule.entropy {
                        continue;
                    }
                    let line_text = &buf[line_start(buf, start)..line_end(buf, start)];
                    let user_allowed = self.allowlist.as_ref().is_some_and(|a| a.is_match(secret));
                    let allowlisted = match classify(secret, line_text, rule) {
                        Verdict::Keep => user_allowed,
                        Verdict::Example => true,
                        Verdict::Drop => continue,
                    };
                    out.push(Candidate {
                        rule: r,
                        start,
                        end,
                        line: 0,
                        end_line: 0,
                        column: 0,
                        secret: secret.to_vec(),
                        entropy: ent,
                        allowlisted,
                    });
                }
            }
        }
        self.drop_shadowed(&mut out);
        out.sort_by_key(|c| (c.start, c.end, c.rule));
        assign_lines(buf, &mut out);
        out
    }

    /// Candidates of different rules over the same bytes are one secret found twice: keep the
    /// earliest rule of the catalog, which lists specific rules before generic ones.
    fn drop_shadowed(&self, out: &mut Vec<Candidate>) {
        if out.len() < 2 {
            return;
        }
        out.sort_by_key(|c| (c.rule, c.start));
        let mut kept: Vec<Candidate> = Vec::with_capacity(out.len());
        for c in out.drain(..) {
            if !kept.iter().any(|k| k.start < c.end && c.start < k.end) {
                kept.push(c);
            }
        }
        *out = kept;
    }
}

enum Verdict {
    Keep,
    Example,
    Drop,
}

/// Separates real-looking values from documentation examples, templates and placeholders.
/// Provider-format matches are never dropped, only marked; generic matches are dropped.
fn classify(secret: &[u8], line: &[u8], rule: &RuleSpec) -> Verdict {
    // Provider formats (`high`) are never dropped, only marked; contextual (`medium`) and
    // generic (`low`) matches are dropped when they look like examples or placeholders.
    let generic = rule.confidence != "high";
    let s = String::from_utf8_lossy(secret);
    let lower = s.to_ascii_lowercase();
    if KNOWN_EXAMPLES.iter().any(|e| s.contains(e)) || lower.contains("example") {
        return if generic {
            Verdict::Drop
        } else {
            Verdict::Example
        };
    }
    let placeholder = [
        "xxxx",
        "placeholder",
        "changeme",
        "change_me",
        "redacted",
        "dummy",
        "your_",
        "your-",
        "insert",
        "replace",
        "todo",
        "fixme",
        "sample",
    ]
    .iter()
    .any(|w| lower.contains(w))
        || {
            // A value mostly made of one repeated character (`AKIAXXXXXXXXXXXXXXXX`).
            let run = longest_run(secret);
            run >= 6 && run * 3 >= secret.len()
        };
    if placeholder {
        return if generic {
            Verdict::Drop
        } else {
            Verdict::Example
        };
    }
    if generic {
        let l = lower.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        if PLACEHOLDER_VALUES.contains(&l) || lower.contains("password") || is_template(&s) {
            return Verdict::Drop;
        }
    }
    if rule.confidence == "low" && !plausible_generic_value(secret, line) {
        return Verdict::Drop;
    }
    Verdict::Keep
}

/// Template syntax standing where a value will be substituted.
fn is_template(s: &str) -> bool {
    s.contains("${")
        || s.contains("{{")
        || s.contains("$(")
        || s.contains("%(")
        || s.starts_with('$')
        || s.starts_with('<')
        || s.starts_with('%')
}

/// Generic assignments (`password = "..."`) are right only when the value looks like a
/// credential, not like code, a template, a hash, an id or a file.
fn plausible_generic_value(v: &[u8], line: &[u8]) -> bool {
    let s = String::from_utf8_lossy(v);
    let line_lower = String::from_utf8_lossy(line).to_ascii_lowercase();
    if is_template(&s) || s.starts_with('@') {
        return false;
    }
    // Hashes and integrity strings: checksums are not credentials.
    let hex = v.iter().all(u8::is_ascii_hexdigit);
    if hex
        && matches!(v.len(), 32 | 40 | 56 | 64 | 96 | 128)
        && [
            "sha",
            "md5",
            "hash",
            "checksum",
            "digest",
            "integrity",
            "etag",
            "commit",
        ]
        .iter()
        .any(|w| line_lower.contains(w))
    {
        return false;
    }
    if s.starts_with("sha512-") || s.starts_with("sha256-") || s.starts_with("sha1-") {
        return false;
    }
    if is_uuid(v) || line_lower.contains("data:image/") {
        return false;
    }
    // Identifiers and code references: only letters and `_`/`.` (env var names, function
    // calls, config keys) are not secrets.
    if v.iter()
        .all(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'.' | b'-'))
    {
        return false;
    }
    // File paths and URLs without credentials.
    if s.contains('/') && (s.starts_with('/') || s.starts_with("./") || s.contains("://")) {
        return false;
    }
    true
}

fn is_uuid(v: &[u8]) -> bool {
    v.len() == 36
        && v.iter().enumerate().all(|(i, b)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                *b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        })
}

fn longest_run(v: &[u8]) -> usize {
    let mut best = 0;
    let mut run = 0;
    let mut prev = None;
    for &b in v {
        if Some(b) == prev {
            run += 1;
        } else {
            run = 1;
            prev = Some(b);
        }
        best = best.max(run);
    }
    best
}

fn line_start(buf: &[u8], pos: usize) -> usize {
    memchr::memrchr(b'\n', &buf[..pos]).map_or(0, |p| p + 1)
}

fn line_end(buf: &[u8], pos: usize) -> usize {
    memchr::memchr(b'\n', &buf[pos..]).map_or(buf.len(), |p| pos + p)
}

/// Adds a window, merging with the previous one when they overlap (hits arrive sorted by
/// their end, so a window may start before the previous one).
fn push_window(w: &mut Vec<(usize, usize)>, s: usize, e: usize) {
    if let Some(last) = w.last_mut() {
        if s <= last.1 && e >= last.0 {
            last.0 = last.0.min(s);
            last.1 = last.1.max(e);
            return;
        }
    }
    w.push((s, e));
}

/// Fills line, end line and column, counting newlines once across the sorted candidates.
fn assign_lines(buf: &[u8], cands: &mut [Candidate]) {
    let mut pos = 0;
    let mut line = 0;
    for c in cands.iter_mut() {
        if c.start < pos {
            // Overlapping candidates from different rules: recount from the start.
            pos = 0;
            line = 0;
        }
        line += memchr::memchr_iter(b'\n', &buf[pos..c.start]).count();
        pos = c.start;
        c.line = line;
        c.column = c.start - line_start(buf, c.start) + 1;
        c.end_line = line + memchr::memchr_iter(b'\n', &buf[c.start..c.end]).count();
    }
}
