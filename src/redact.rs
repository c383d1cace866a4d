//! Redaction beyond the secret scan's own masking, in one place: the change's lines before
//! their facts are built, and every other string of the facts (dependencies, plans,
//! provenance) before any policy, report or `gate facts` sees them.
//!
//! The secret scan masks what it finds in the change's added lines, but a secret reaches the
//! facts by other ways too: a removed line (a change that deletes a key still carries it), a
//! dependency's source URL (`git+https://x-access-token:TOKEN@github.com/...`, printed by the
//! dependency rules), a resource address (`aws_db_instance.db["TOKEN"]`), a plan attribute.
//! So every such string goes through [`Redactor::string`]: the credentials of URLs
//! (`scheme://user:password@host`) and every value the secret scanner recognises are replaced
//! by their redacted form (`ghp_…eG8u`). Removed lines are scanned as one text per file
//! first ([`Redactor::removed_lines`]), so a multi-line key split over removed lines is
//! recognised as a whole.

use std::borrow::Cow;
use std::collections::hash_map::{Entry, HashMap};

use aho_corasick::AhoCorasick;
use rayon::prelude::*;
use serde_json::Value;

use crate::change::{ChangeSet, FileChange};
use crate::facts::Facts;
use crate::secrets::{redact::redact, Scanner};

/// Keys whose values are gate's own one-way identifiers or redacted forms: never rewritten.
const SAFE_KEYS: &[&str] = &["fingerprint", "redacted"];

pub struct Redactor<'a> {
    scanner: &'a Scanner,
}

impl<'a> Redactor<'a> {
    pub fn new(scanner: &'a Scanner) -> Self {
        Redactor { scanner }
    }

    /// `s` with URL credentials and recognised secrets redacted; borrowed when it holds none.
    pub fn string<'s>(&self, s: &'s str) -> Cow<'s, str> {
        let mut out = url_credentials(s);
        let cands = self.scanner.scan(out.as_bytes());
        let mut secrets: Vec<Vec<u8>> = cands
            .into_iter()
            .filter(|c| !c.allowlisted)
            .map(|c| c.secret)
            .collect();
        if secrets.is_empty() {
            return out;
        }
        // Longest first, so a value that contains another is replaced whole.
        secrets.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        secrets.dedup();
        let mut text = out.into_owned();
        for secret in secrets {
            for piece in pieces(&secret) {
                if let Ok(p) = std::str::from_utf8(piece) {
                    if !p.is_empty() && text.contains(p) {
                        text = text.replace(p, &redact(piece));
                    }
                }
            }
        }
        out = Cow::Owned(text);
        out
    }

    /// Redacts every string of a JSON document in place (object keys too), in parallel over
    /// large arrays; the result does not depend on the thread count.
    pub fn value(&self, v: &mut Value) {
        match v {
            Value::String(s) => {
                if let Cow::Owned(r) = self.string(s) {
                    *s = r;
                }
            }
            Value::Array(a) if a.len() > 64 => a.par_iter_mut().for_each(|x| self.value(x)),
            Value::Array(a) => a.iter_mut().for_each(|x| self.value(x)),
            Value::Object(o) => {
                let renamed: Vec<(String, String)> = o
                    .keys()
                    .filter_map(|k| match self.string(k) {
                        Cow::Owned(r) => Some((k.clone(), r)),
                        Cow::Borrowed(_) => None,
                    })
                    .collect();
                for (old, new) in renamed {
                    if let Some(x) = o.remove(&old) {
                        o.insert(new, x);
                    }
                }
                for (k, x) in o.iter_mut() {
                    if !SAFE_KEYS.contains(&k.as_str()) {
                        self.value(x);
                    }
                }
            }
            _ => {}
        }
    }

    /// Masks the secrets of a file's removed lines, scanned together as the old text of the
    /// changed regions (one per file, the way added lines are).
    pub fn removed_lines(&self, f: &mut FileChange) {
        if f.deletions() == 0 {
            return;
        }
        let mut buf = Vec::new();
        for l in f.hunks.iter().flat_map(|h| h.removed.iter()) {
            buf.extend_from_slice(&l.text);
            buf.push(b'\n');
        }
        let mut secrets: Vec<Vec<u8>> = self
            .scanner
            .scan_file(&buf, Some(&f.path))
            .into_iter()
            .filter(|c| !c.allowlisted)
            .map(|c| c.secret)
            .collect();
        secrets.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        secrets.dedup();
        if secrets.is_empty() {
            return;
        }
        let masked: Vec<String> = secrets.iter().map(|s| redact(s)).collect();
        // Every piece of every secret found in one pass over each line (a pass per secret
        // over all lines was quadratic in their count: #17). A piece two secrets share is
        // the first's, the longest.
        let mut owner: HashMap<&[u8], usize> = HashMap::new();
        let mut all: Vec<&[u8]> = Vec::new();
        for (i, secret) in secrets.iter().enumerate() {
            for piece in pieces(secret) {
                if let Entry::Vacant(e) = owner.entry(piece) {
                    e.insert(i);
                    all.push(piece);
                }
            }
        }
        let Ok(finder) = AhoCorasick::new(&all) else {
            // Too many pieces for one automaton: one secret at a time, as before.
            mask_one_by_one(f, &secrets, &masked);
            return;
        };
        for l in f.hunks.iter_mut().flat_map(|h| h.removed.iter_mut()) {
            let hits: Vec<(usize, usize, usize)> = finder
                .find_overlapping_iter(&*l.text)
                .map(|m| (m.start(), m.end(), owner[all[m.pattern().as_usize()]]))
                .collect();
            if !hits.is_empty() {
                l.text = replace_ranges(&l.text, hits, &masked).into_boxed_slice();
            }
        }
    }
}

/// Masks each secret's pieces in the removed lines, one secret after the other (longest
/// first, so a value that contains another is replaced whole).
fn mask_one_by_one(f: &mut FileChange, secrets: &[Vec<u8>], masked: &[String]) {
    for (secret, masked) in secrets.iter().zip(masked) {
        for piece in pieces(secret) {
            for l in f.hunks.iter_mut().flat_map(|h| h.removed.iter_mut()) {
                if memchr::memmem::find(&l.text, piece).is_some() {
                    l.text = replace_all(&l.text, piece, masked.as_bytes()).into_boxed_slice();
                }
            }
        }
    }
}

/// `text` with each union of overlapping `(start, end, secret)` occurrences replaced by the
/// masked form of the first-listed (longest) secret among them: a secret that contains
/// another, or overlaps it, is masked whole.
fn replace_ranges(text: &[u8], mut hits: Vec<(usize, usize, usize)>, masked: &[String]) -> Vec<u8> {
    hits.sort_unstable();
    let mut out = Vec::with_capacity(text.len());
    let mut at = 0;
    let mut it = hits.into_iter().peekable();
    while let Some((start, mut end, mut first)) = it.next() {
        while let Some(&(s, e, i)) = it.peek() {
            if s >= end {
                break;
            }
            end = end.max(e);
            first = first.min(i);
            it.next();
        }
        out.extend_from_slice(&text[at..start]);
        out.extend_from_slice(masked[first].as_bytes());
        at = end;
    }
    out.extend_from_slice(&text[at..]);
    out
}

impl Redactor<'_> {
    /// Redacts a string in place.
    pub fn in_place(&self, s: &mut String) {
        if let Cow::Owned(r) = self.string(s) {
            *s = r;
        }
    }

    fn opt(&self, s: &mut Option<String>) {
        if let Some(s) = s {
            self.in_place(s);
        }
    }

    fn all(&self, v: &mut [String]) {
        v.iter_mut().for_each(|s| self.in_place(s));
    }

    /// The change's lines, before their facts are built: the secrets of removed lines
    /// (scanned per file), and URL credentials in every line, added or removed (a password
    /// in `https://deploy:PASSWORD@host` has no format a scanner knows). Added lines' secrets
    /// were masked by the secret scan already.
    pub fn change(&self, cs: &mut ChangeSet) {
        cs.files.par_iter_mut().for_each(|f| {
            self.removed_lines(f);
            for h in &mut f.hunks {
                for l in h.added.iter_mut().chain(h.removed.iter_mut()) {
                    if memchr::memmem::find(&l.text, b"://").is_none() {
                        continue;
                    }
                    let text = String::from_utf8_lossy(&l.text);
                    if let Cow::Owned(r) = url_credentials(&text) {
                        l.text = r.into_bytes().into_boxed_slice();
                    }
                }
            }
        });
    }

    /// Every string of the facts that comes from the change or its inputs and was not
    /// scanned as a line: dependency names, versions and sources (a git URL with a token),
    /// plan resource addresses and attribute values (`aws_db_instance.db["TOKEN"]`), drift,
    /// provenance signals.
    pub fn facts(&self, facts: &mut Facts) {
        for d in &mut facts.dependencies {
            self.in_place(&mut d.name);
            self.in_place(&mut d.source);
            self.opt(&mut d.from);
            self.opt(&mut d.to);
        }
        for p in &mut facts.infra.plans {
            for r in &mut p.resources {
                self.in_place(&mut r.address);
                self.all(&mut r.changed_attributes);
                self.all(&mut r.replace_reasons);
                self.opt(&mut r.action_reason);
                self.opt(&mut r.moved_from);
                self.opt(&mut r.construct_path);
                self.opt(&mut r.module);
                for w in &mut r.iam_wildcards {
                    self.all(&mut w.actions);
                    self.all(&mut w.resources);
                }
                self.value(&mut r.before);
                self.value(&mut r.after);
            }
            for d in &mut p.drift {
                self.in_place(&mut d.address);
            }
            self.all(&mut p.provider_changes);
        }
        for s in &mut facts.provenance.signals {
            self.in_place(&mut s.value);
        }
    }
}

/// The lines of a (possibly multi-line) secret worth replacing one by one.
fn pieces(secret: &[u8]) -> Vec<&[u8]> {
    secret
        .split(|&b| b == b'\n')
        .map(|p| p.strip_suffix(b"\r").unwrap_or(p))
        .filter(|p| p.len() >= 4)
        .collect()
}

fn replace_all(hay: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len());
    let mut i = 0;
    while let Some(p) = memchr::memmem::find(&hay[i..], needle) {
        out.extend_from_slice(&hay[i..i + p]);
        out.extend_from_slice(with);
        i += p + needle.len();
    }
    out.extend_from_slice(&hay[i..]);
    out
}

/// A user name this short and plain is a login, not a token (`git@`, `deploy@`).
fn is_plain_user(u: &str) -> bool {
    u.len() < 20
        && u.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// Redacts the credentials of every URL in `s`: the password of `scheme://user:password@`,
/// and a user part that is not a plain login name (a token used as the user name).
pub fn url_credentials(s: &str) -> Cow<'_, str> {
    if !s.contains("://") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    let mut changed = false;
    while let Some(i) = rest.find("://") {
        let (before, after) = rest.split_at(i + 3);
        out.push_str(before);
        let end = after
            .find(|c: char| {
                c.is_whitespace() || "/?#\"'<>`\\[](){},;".contains(c) || c.is_control()
            })
            .unwrap_or(after.len());
        let authority = &after[..end];
        match authority.rfind('@') {
            Some(at) if at > 0 => {
                let (userinfo, host) = (&authority[..at], &authority[at..]);
                let masked = match userinfo.split_once(':') {
                    Some((user, pass)) if !pass.is_empty() => {
                        let user = if is_plain_user(user) {
                            user.to_string()
                        } else {
                            redact(user.as_bytes())
                        };
                        format!("{user}:{}", redact(pass.as_bytes()))
                    }
                    Some((user, _)) if is_plain_user(user) => userinfo.to_string(),
                    None if is_plain_user(userinfo) => userinfo.to_string(),
                    _ => redact(userinfo.as_bytes()),
                };
                changed |= masked != userinfo;
                out.push_str(&masked);
                out.push_str(host);
            }
            _ => out.push_str(authority),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "ghp_R8x2LqT7vN4mZ1kP9sW3dY6hJ0cF5bA2eG8u";

    fn scanner() -> Scanner {
        Scanner::new(crate::secrets::builtin_rules().expect("rules")).expect("scanner")
    }

    #[test]
    fn url_credentials_are_redacted() {
        let u = format!("git+https://x-access-token:{TOKEN}@github.com/acme/p.git");
        let r = url_credentials(&u);
        assert_eq!(
            r,
            "git+https://x-access-token:ghp_…eG8u@github.com/acme/p.git"
        );
        assert_eq!(
            url_credentials("https://deploy:Zq8-wPm4-Tr7x@pkgs.example.com/x.tgz"),
            "https://deploy:Z…x@pkgs.example.com/x.tgz"
        );
        assert_eq!(
            url_credentials(&format!(
                "see https://{TOKEN}@github.com/a and ssh://git@host/b"
            )),
            "see https://ghp_…eG8u@github.com/a and ssh://git@host/b"
        );
        assert_eq!(
            url_credentials("postgres://app:pw@db:5432/x"),
            "postgres://app:…@db:5432/x"
        );
        for plain in [
            "https://github.com/a/b",
            "no url",
            "mailto:a@b.c",
            "https://a.b/@user",
        ] {
            assert!(
                matches!(url_credentials(plain), Cow::Borrowed(_)),
                "{plain}"
            );
        }
    }

    #[test]
    fn every_string_of_a_document_is_redacted_but_identifiers() {
        let s = scanner();
        let r = Redactor::new(&s);
        let mut doc = serde_json::json!({
            "to": format!("git https://x-access-token:{TOKEN}@github.com/acme/p"),
            "address": format!("aws_db_instance.t[\"{TOKEN}\"]"),
            "lines": [{"text": format!("TOKEN={TOKEN}")}],
            "fingerprint": "0123456789abcdef0123456789abcdef",
            "keys": {TOKEN: 1},
            "plain": "left-pad 1.3.0",
        });
        r.value(&mut doc);
        let text = doc.to_string();
        assert!(!text.contains(TOKEN), "{text}");
        assert!(
            text.contains("aws_db_instance.t[\\\"ghp_…eG8u\\\"]"),
            "{text}"
        );
        assert_eq!(doc["plain"], "left-pad 1.3.0");
        assert_eq!(doc["fingerprint"], "0123456789abcdef0123456789abcdef");
    }

    #[test]
    fn removed_lines_are_scanned_as_one_text() {
        let s = scanner();
        let r = Redactor::new(&s);
        let diff = format!("--- a/k.env\n+++ b/k.env\n@@ -1,2 +0,0 @@\n-TOKEN={TOKEN}\n-x\n");
        let mut files = crate::change::diff::parse(diff.as_bytes()).expect("diff");
        r.removed_lines(&mut files[0]);
        let text = String::from_utf8_lossy(&files[0].hunks[0].removed[0].text).into_owned();
        assert_eq!(text, "TOKEN=ghp_…eG8u");
    }

    /// A removed line holding the same key twice and a key that contains another: every
    /// occurrence is masked, the longer key whole.
    #[test]
    fn removed_secrets_are_masked_everywhere_and_whole() {
        let m = |s: &str| s.to_string();
        let masked = [m("<long>"), m("<short>")];
        // "abcdefgh" (0) contains "cdef" (1); "cdef" also stands alone.
        let hits = vec![(0, 8, 0), (2, 6, 1), (10, 14, 1)];
        assert_eq!(
            replace_ranges(b"abcdefgh, cdef.", hits, &masked),
            b"<long>, <short>."
        );
        // Overlapping without containment: the union is masked.
        assert_eq!(
            replace_ranges(b"xxabcdefyy", vec![(2, 6, 1), (4, 8, 0)], &masked),
            b"xx<long>yy"
        );
        let s = scanner();
        let r = Redactor::new(&s);
        let diff = format!(
            "--- a/k.env\n+++ b/k.env\n@@ -1,3 +0,0 @@\n-A={TOKEN} B={TOKEN}\n-x\n-C=\"{TOKEN}\"\n"
        );
        let mut files = crate::change::diff::parse(diff.as_bytes()).expect("diff");
        r.removed_lines(&mut files[0]);
        let lines: Vec<String> = files[0].hunks[0]
            .removed
            .iter()
            .map(|l| String::from_utf8_lossy(&l.text).into_owned())
            .collect();
        assert_eq!(lines, ["A=ghp_…eG8u B=ghp_…eG8u", "x", "C=\"ghp_…eG8u\""]);
    }
}
