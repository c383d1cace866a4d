//! The scanning engine: keyword prefilter, windowed regexes, entropy and example filtering.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use anyhow::{Context, Result};
use regex::bytes::{Regex, RegexBuilder};

use super::encoded::{self, Decoded};
use super::keywords::Keywords;
use super::{checksum, entropy, providers, RuleSpec};

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
    /// Why it is allowlisted (`None` when it is not).
    pub allow_reason: Option<AllowReason>,
    /// A value the provider documents as publishable (a client-side identifier).
    pub public: bool,
    /// Set when the value was found decoded (`secret` is then the text that encodes it).
    pub decoded: Option<Decoded>,
}

/// Why a candidate is allowlisted: the facts tell the user's own allowlist from gate's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllowReason {
    /// A documented example or an obvious placeholder (built in).
    Example,
    /// The provider's format without the provider's checksum: never issued.
    Checksum,
    /// The entry of `secrets.allowlist` at this index.
    Config(usize),
}

impl Candidate {
    pub fn rule_id<'a>(&self, scanner: &'a Scanner) -> &'a str {
        &scanner.rules[self.rule].id
    }

    /// The value: `secret`, or what it decodes to.
    pub fn value(&self) -> &[u8] {
        self.decoded.as_ref().map_or(&self.secret, |d| &d.value)
    }
}

pub struct Scanner {
    /// Tells this scanner's capture slots in a thread's scratch from another scanner's.
    id: u64,
    rules: Vec<RuleSpec>,
    /// Values the user declared harmless, and the patterns as written.
    allowlist: Option<regex::bytes::RegexSet>,
    allowlist_patterns: Vec<String>,
    /// Per rule, the file names it is limited to.
    paths: Vec<Option<globset::GlobSet>>,
    /// Compiled on first use: a typical change triggers a handful of the catalog's rules, and
    /// compiling all of them would dominate the run time of a small check.
    regexes: Vec<OnceLock<Result<Regex, String>>>,
    keywords: Keywords,
    /// Keyword index -> rules that keyword enables.
    keyword_rules: Vec<Vec<usize>>,
    /// Keyword index -> rules for which it is a provider name only (`names`): it marks where
    /// a generic guess must fit the rule's format, and does not run the rule's regex.
    keyword_names: Vec<Vec<usize>>,
    /// Keyword index -> whether a proximity rule uses it (each of its hits then counts).
    keyword_near: Vec<bool>,
    /// Rules with no keyword, run on every buffer.
    unconditional: Vec<usize>,
    /// Per rule, the shape of its value, read from its regex on first use.
    shapes: Vec<OnceLock<Option<Shape>>>,
}

/// The bytes a rule's value may hold and its length range, read from the regex.
struct Shape {
    alphabet: [bool; 256],
    /// Each alternative of the value's pattern on its own (`cu_%hex{32} ; %hex{32}`): a
    /// value one character short of one is not of another's length by accident.
    alts: Vec<Alt>,
    /// The provider documents the value as hex (`RuleSpec::hex_documented`).
    hex: bool,
}

/// One alternative of a value's pattern: its bytes and its length range.
struct Alt {
    alphabet: [bool; 256],
    min: usize,
    max: Option<usize>,
    /// The alternative, anchored at both ends.
    exact: Regex,
    /// The literal text the alternative starts with, as written (`KEY` of `KEY%b64u{55}`;
    /// `live`, `test` of `(live|test)_%hex{35}`); empty when it starts with a class.
    heads: Vec<Vec<u8>>,
    /// `=` is only the padding the alternative ends with (base64's `%b64{86}==`).
    pads_end: bool,
}

/// Whether `h` ends with a literal of `=` only and holds `=` nowhere before it: base64's
/// padding, which closes an encoding and never stands inside one.
fn pads_end(
    h: &regex_syntax::hir::Hir,
    bytes: fn(&regex_syntax::hir::Hir, &mut [bool; 256]),
) -> bool {
    use regex_syntax::hir::HirKind;
    match h.kind() {
        HirKind::Capture(c) => pads_end(&c.sub, bytes),
        HirKind::Concat(v) => match v.split_last() {
            Some((last, body)) => {
                let padding =
                    matches!(last.kind(), HirKind::Literal(l) if l.0.iter().all(|&b| b == b'='));
                let mut a = [false; 256];
                body.iter().for_each(|x| bytes(x, &mut a));
                padding && !a[usize::from(b'=')]
            }
            None => false,
        },
        _ => false,
    }
}

/// The literal texts a pattern starts with: one per branch of a leading alternation of
/// literals, none when it starts with a class or a repetition.
fn literal_heads(h: &regex_syntax::hir::Hir) -> Vec<Vec<u8>> {
    use regex_syntax::hir::HirKind;
    match h.kind() {
        HirKind::Literal(l) => vec![l.0.to_vec()],
        HirKind::Capture(c) => literal_heads(&c.sub),
        HirKind::Concat(v) => v.first().map(literal_heads).unwrap_or_default(),
        HirKind::Alternation(v) => {
            let heads: Vec<Vec<Vec<u8>>> = v.iter().map(literal_heads).collect();
            if heads.iter().all(|h| !h.is_empty()) {
                heads.into_iter().flatten().collect()
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

impl Alt {
    fn of(
        h: &regex_syntax::hir::Hir,
        bytes: fn(&regex_syntax::hir::Hir, &mut [bool; 256]),
    ) -> Option<Alt> {
        let mut alphabet = [false; 256];
        bytes(h, &mut alphabet);
        Some(Alt {
            alphabet,
            heads: literal_heads(h),
            pads_end: pads_end(h, bytes),
            min: h.properties().minimum_len()?,
            max: h.properties().maximum_len(),
            exact: regex::bytes::RegexBuilder::new(&format!("^(?:{h})$"))
                .unicode(false)
                .build()
                .ok()?,
        })
    }

    /// See [`Shape::near_miss`].
    fn near_miss(&self, v: &[u8], by_prefix: bool) -> bool {
        // Padding inside the value (`…m85=piso=w_…`): no encoding this format's is, cut or
        // mistyped, but text of another kind, which the generic guess judges on its own. A
        // character or two after the padding (`…Zg==q`) is a padded key, a near miss.
        if self.pads_end
            && v.iter()
                .position(|&b| b == b'=')
                .is_some_and(|i| v[i..].iter().filter(|&&b| b != b'=').count() >= 3)
        {
            return false;
        }
        let outside = v
            .iter()
            .filter(|&&b| !self.alphabet[usize::from(b)])
            .count();
        let length_close = if by_prefix {
            self.max.is_none_or(|m| v.len() <= 2 * m + 8)
        } else {
            v.len() + (self.min / 5).max(2) >= self.min
                && self.max.is_none_or(|m| v.len() <= m + (m / 5).max(2))
        };
        let close = outside <= (v.len() / 10).max(2) && length_close;
        if !close {
            return false;
        }
        let right_length = v.len() >= self.min && self.max.is_none_or(|m| v.len() <= m);
        !right_length
            || v.iter().any(|&b| {
                !(self.alphabet[usize::from(b)]
                    || b.is_ascii_alphanumeric()
                    || b == b'-'
                    || b == b'_')
            })
    }
}

impl Shape {
    fn of(rule: &RuleSpec) -> Option<Shape> {
        use regex_syntax::hir::{Class, Hir, HirKind};
        fn group(h: &Hir, i: usize) -> Option<&Hir> {
            match h.kind() {
                HirKind::Capture(c) if c.index as usize == i => Some(&c.sub),
                HirKind::Capture(c) => group(&c.sub, i),
                HirKind::Repetition(r) => group(&r.sub, i),
                HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().find_map(|x| group(x, i)),
                _ => None,
            }
        }
        fn bytes(h: &Hir, a: &mut [bool; 256]) {
            match h.kind() {
                HirKind::Literal(l) => l.0.iter().for_each(|&b| a[usize::from(b)] = true),
                HirKind::Class(Class::Bytes(c)) => {
                    for r in c.ranges() {
                        (r.start()..=r.end()).for_each(|b| a[usize::from(b)] = true);
                    }
                }
                HirKind::Class(Class::Unicode(c)) => {
                    for r in c.ranges() {
                        let (lo, hi) = (u32::from(r.start()), u32::from(r.end()).min(255));
                        (lo..=hi).for_each(|b| a[b as usize] = true);
                    }
                }
                HirKind::Repetition(r) => bytes(&r.sub, a),
                HirKind::Capture(c) => bytes(&c.sub, a),
                HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().for_each(|x| bytes(x, a)),
                HirKind::Empty | HirKind::Look(_) => {}
            }
        }
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(&rule.regex)
            .ok()?;
        let g = group(&hir, rule.secret_group)?;
        let mut alphabet = [false; 256];
        bytes(g, &mut alphabet);
        let alts = match g.kind() {
            HirKind::Alternation(v) => v
                .iter()
                .map(|h| Alt::of(h, bytes))
                .collect::<Option<Vec<_>>>()?,
            _ => vec![Alt::of(g, bytes)?],
        };
        Some(Shape {
            alphabet,
            alts,
            hex: rule.hex_documented,
        })
    }

    /// Whether `v` starts with the format's own prefix as the provider writes it. Keywords
    /// are matched in any case, but a prefix is part of the format: `key-…` is no Telnyx
    /// `KEY…` key. A format with an alternative that starts with a class, or with a prefix
    /// shorter than `n` characters (the keyword's length), does not tell.
    fn prefix_written(&self, v: &[u8], n: usize) -> bool {
        self.alts.iter().any(|a| {
            a.heads.is_empty()
                || a.heads
                    .iter()
                    .any(|h| h.len() < n || v.starts_with(&h[..n]))
        })
    }

    /// Whether `v`, made of token characters only, has the length of one of this format's
    /// alternatives, its literal prefix if it has one and, but for one character in ten (two
    /// at least), its alphabet: a value this format would call another credential of the
    /// same length, not a typo.
    fn fits_length(&self, v: &[u8]) -> bool {
        v.iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
            && self.alts.iter().any(|a| {
                (a.heads.is_empty() || a.heads.iter().any(|h| v.starts_with(h)))
                    && v.len() >= a.min
                    && a.max.is_none_or(|m| v.len() <= m)
                    && v.iter().filter(|&&b| !a.alphabet[usize::from(b)]).count()
                        <= (v.len() / 10).max(2)
            })
    }

    /// Whether an alternative of this format that starts with a literal prefix of 3+
    /// characters takes `v` as written.
    fn takes_prefixed(&self, v: &[u8]) -> bool {
        self.alts.iter().any(|a| {
            a.heads.iter().any(|h| h.len() >= 3 && v.starts_with(h)) && a.exact.is_match(v)
        })
    }

    /// Written in the format's alphabet (at most one character in ten outside it, at least
    /// two allowed) at a length that is off: a typo, a truncated or padded key, a
    /// placeholder of the right kind. How far off depends on what ties the value to the
    /// provider. A value starting with the provider's own prefix (`by_prefix`: `sk_live_`,
    /// `gloas-`) is that provider's whatever its length: any length short of the format's
    /// (a `duffel_test_` token cut to a few characters), at most twice the format's. A value
    /// merely beside the provider's name is a mistyped key of that provider only within a
    /// fifth of the format's length (two characters at least): one of half or twice the
    /// length is not a typo but another value (a key of another kind, a format the provider
    /// changed), which the generic guess judges on its own.
    ///
    /// At the format's own length, only a character no token holds (`?`, `!`, `*`, a
    /// space) makes a near miss: a value of the right length in token characters (`-`, `_`
    /// where the format has none) is another credential of the same length, not this one
    /// mistyped. Each alternative of the format counts on its own; a value one alternative
    /// takes as written is no miss.
    ///
    /// A value with `=` inside it, three characters or more before its end, is no near miss
    /// of a format whose `=` only pads its end (base64's): padding closes an encoding, so
    /// the value is text of another kind.
    ///
    /// A hex-documented value with a stray letter or two is a near miss too, though the
    /// widened shape may take it as written (see [`Shape::mistyped_hex`]).
    fn near_miss(&self, v: &[u8], by_prefix: bool) -> bool {
        if self.mistyped_hex(v) {
            return true;
        }
        self.alts.iter().any(|a| a.near_miss(v, by_prefix))
            && !self.alts.iter().any(|a| a.exact.is_match(v))
    }

    /// A value of this hex-documented shape's length with one stray letter in 16 characters
    /// at most, and at least one: a letter past `f` (`c2167730016rf34b…`, an `h` in a 32-digit
    /// hex key) or a hex digit of the other case (`acdeFf05…` for lower-case hex). A typo or
    /// a made-up hex key: a hex shape is read with every letter of its case (issuers reissue
    /// hex keys as base36), but random base36 holds about 20 letters past `f` in 36, so a key
    /// of a drifted alphabet is never this close to hex (P < 1e-10 at 32 characters, 2e-4 at
    /// 14).
    fn mistyped_hex(&self, v: &[u8]) -> bool {
        if !self.hex
            || !v.iter().all(u8::is_ascii_alphanumeric)
            || !self
                .alts
                .iter()
                .any(|a| v.len() >= a.min && a.max.is_none_or(|m| v.len() <= m))
        {
            return false;
        }
        let stray = v
            .iter()
            .filter(|&&b| {
                b.is_ascii_alphabetic()
                    && (!b.is_ascii_hexdigit() || !self.alphabet[usize::from(b)])
            })
            .count();
        stray >= 1 && stray <= (v.len() / 16).max(1)
    }
}

/// Values published in provider documentation as examples.
const KNOWN_EXAMPLES: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "pk_test_TYooMQauvdEDq54NiTphI7jx",
    // Google API keys of the Firebase Android SDK's own tests and sample configurations
    // (github.com/firebase/firebase-android-sdk: FirebaseInstallationsTest, FirebaseAppTest,
    // MessagingTestHelper, FirebasePerformanceTest, the data connect demo's
    // google-services.json, ...), copied into countless apps' tests. gitleaks allowlists
    // the same values for that reason (its gcp-api-key rule); Google documents Firebase
    // keys as project identifiers, not secrets.
    "AIzaSyabcdefghijklmnopqrstuvwxyz1234567",
    "AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs",
    "AIzaSyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM",
    "AIzaSyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU",
    "AIzaSyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0",
    "AIzayDNSXIbFmlXbIE6mCzDLQAqITYefhixbX4A",
    "AIzaSyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c",
    "AIzaSyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4",
    "AIzaSyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY",
    "AIzaSyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM",
    "AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ",
    "AIzaSyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g",
    "AIzaSyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU",
    "AIzaSyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw",
    "AIzaSyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE",
    "AIzaSyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY",
];

/// Values that stand for "a password goes here" in docs and local setups.
const PLACEHOLDER_VALUES: &[&str] = &[
    "password", "passwd", "secret", "pass", "changeme", "admin", "root", "test", "postgres",
    "mysql", "redis", "guest", "user", "username", "pwd", "letmein", "qwerty", "default", "none",
    "null", "foobar", "foo", "bar", "token", "apikey", "api_key", "key", "auth", "pat", "abc123",
];

impl Scanner {
    pub fn new(rules: Vec<RuleSpec>) -> Result<Scanner> {
        let mut regexes = Vec::with_capacity(rules.len());
        let mut keyword_list: Vec<String> = Vec::new();
        // Keyword -> its index in `keyword_list` (~1500 keywords: a linear search each was
        // quadratic).
        let mut keyword_index: HashMap<String, usize> = HashMap::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut keyword_names: Vec<Vec<usize>> = Vec::new();
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
            let roles = r.keywords.iter().map(|k| (k, false));
            for (k, name) in roles.chain(r.names.iter().map(|k| (k, true))) {
                let p = match keyword_index.get(k) {
                    Some(&p) => p,
                    None => {
                        keyword_index.insert(k.clone(), keyword_list.len());
                        keyword_list.push(k.clone());
                        keyword_rules.push(Vec::new());
                        keyword_names.push(Vec::new());
                        keyword_list.len() - 1
                    }
                };
                if name {
                    keyword_names[p].push(i);
                } else {
                    keyword_rules[p].push(i);
                }
            }
        }
        // Every occurrence is reported, overlapping ones included, so a keyword inside a
        // longer one still enables its rules.
        let keywords = Keywords::new(&keyword_list)?;
        let keyword_near = keyword_rules
            .iter()
            .zip(&keyword_names)
            .map(|(rs, ns)| !ns.is_empty() || rs.iter().any(|&r| rules[r].near > 0))
            .collect();
        let shapes = rules.iter().map(|_| OnceLock::new()).collect();
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Ok(Scanner {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            shapes,
            rules,
            allowlist: None,
            allowlist_patterns: Vec::new(),
            paths,
            regexes,
            keywords,
            keyword_rules,
            keyword_names,
            keyword_near,
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

    /// The shape of rule `r`'s value (`None` when its regex is beyond the reader).
    fn shape(&self, r: usize) -> Option<&Shape> {
        self.shapes[r]
            .get_or_init(|| Shape::of(&self.rules[r]))
            .as_ref()
    }

    /// Whether rule `r` vetoes the generic candidate `c`: the value is a near miss of `r`'s
    /// format and sits beside one of the provider's names (`zones`: the keywords of a
    /// proximity rule, the `names` of another) or starts with `r`'s own prefix (`sk_live_`
    /// with a character too few). A guess of a rule that `yields` is vetoed by its place
    /// alone.
    fn vetoes(&self, r: usize, zones: &[(usize, usize)], c: &Candidate) -> bool {
        let rule = &self.rules[r];
        let by_prefix = rule.near == 0
            && rule.keywords.iter().any(|k| {
                k.len() >= 3
                    && c.secret.len() > k.len()
                    && c.secret[..k.len()].eq_ignore_ascii_case(k.as_bytes())
                    && self
                        .shape(r)
                        .is_none_or(|s| s.prefix_written(&c.secret, k.len()))
            });
        let placed = by_prefix || in_zones(zones, c.start);
        if placed && self.rules[c.rule].yields {
            return true;
        }
        placed
            && self
                .shape(r)
                .is_some_and(|s| s.near_miss(&c.secret, by_prefix))
            && !(by_prefix && self.another_format_takes(r, &c.secret))
    }

    /// Whether another format of `r`'s provider, whose names are also beside the guess `c`,
    /// has the value's length and alphabet: then the value is no malformed key of `r` for
    /// being of another length than `r`'s (JFrog's 64-character identity token beside
    /// `artifactory` is no 73-character API key cut short), and the veto is that format's
    /// to make.
    fn sibling_fits(
        &self,
        r: usize,
        vetoing: &[(usize, &[(usize, usize)])],
        c: &Candidate,
    ) -> bool {
        vetoing.iter().any(|&(o, zones)| {
            o != r
                && self.rules[o].provider == self.rules[r].provider
                && in_zones(zones, c.start)
                && self.shape(o).is_some_and(|s| s.fits_length(&c.secret))
        })
    }

    /// Whether a format of another rule, one that starts with a literal prefix, takes `v` as
    /// written: then `v` is no malformed key of `r` for sharing its prefix (`live_` + 35 hex
    /// is a Lob key, not a Mollie `live_` key five characters long), and the generic guess
    /// stands on its own. Only rules whose pattern holds `v`'s first three bytes are read.
    fn another_format_takes(&self, r: usize, v: &[u8]) -> bool {
        let Some(head) = v.get(..3).and_then(|h| std::str::from_utf8(h).ok()) else {
            return false;
        };
        self.rules.iter().enumerate().any(|(o, rule)| {
            o != r
                && rule.confidence != "low"
                && rule.regex.contains(head)
                && self.shape(o).is_some_and(|s| s.takes_prefixed(v))
        })
    }

    /// Marks values matching any of `patterns` as examples.
    pub fn with_allowlist(mut self, patterns: &[String]) -> Result<Scanner> {
        if !patterns.is_empty() {
            self.allowlist = Some(
                regex::bytes::RegexSet::new(patterns)
                    .context("secrets.allowlist: invalid regex")?,
            );
            self.allowlist_patterns = patterns.to_vec();
        }
        Ok(self)
    }

    /// The `secrets.allowlist` entry at `index`, as written.
    pub fn allowlist_pattern(&self, index: usize) -> Option<&str> {
        self.allowlist_patterns.get(index).map(String::as_str)
    }

    pub fn rules(&self) -> &[RuleSpec] {
        &self.rules
    }

    /// Finds candidates in `buf`, sorted by position, with every rule.
    pub fn scan(&self, buf: &[u8]) -> Vec<Candidate> {
        self.scan_file(buf, None)
    }

    /// Finds candidates in the contents of the file at `path` (rules limited to other file
    /// names do not run), as written and inside encodings (`encoded.rs`).
    pub fn scan_file(&self, buf: &[u8], path: Option<&str>) -> Vec<Candidate> {
        let mut out = self.scan_plain(buf, path);
        if encoded::add_decoded(self, buf, path, &mut out) {
            assign_lines(buf, &mut out);
        }
        out
    }

    /// [`Scanner::scan_file`] of the text as written.
    pub(super) fn scan_plain(&self, buf: &[u8], path: Option<&str>) -> Vec<Candidate> {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => self.scan_plain_with(buf, path, &mut scratch),
            // Not reached (the scan does not call itself); a fresh scratch is still right.
            Err(_) => self.scan_plain_with(buf, path, &mut Scratch::default()),
        })
    }

    fn scan_plain_with(
        &self,
        buf: &[u8],
        path: Option<&str>,
        scratch: &mut Scratch,
    ) -> Vec<Candidate> {
        scratch.prepare(self.id, self.rules.len(), self.keyword_rules.len());
        let Scratch {
            windows,
            named,
            touched,
            last_line: last_line_for_keyword,
            round,
            locations,
            ..
        } = scratch;
        let round = *round;
        let name = path.map(|p| p.rsplit('/').next().unwrap_or(p));
        // Lockfiles are full of hashes and ids: only self-identifying formats run there.
        let lockfile = name.is_some_and(is_lockfile);
        let applies = |r: usize| {
            let rule = &self.rules[r];
            if lockfile && (rule.near > 0 || rule.confidence == "low") {
                return false;
            }
            match (&self.paths[r], name) {
                (Some(set), Some(n)) => set.is_match(n),
                (Some(_), None) | (None, _) => true,
            }
        };
        // Per rule, the windows (line spans around keyword hits) its regex must look at; for
        // proximity rules, the zones a value must start in (`windows`). Per rule with
        // `names`, where those names occur (veto zones, `named`). Both are the thread's
        // scratch lists, of which only the `touched` rules' are filled (and emptied again
        // at the end).
        // The line of the last hit: hits on the same line reuse it, so a 10 MB line full of
        // keywords is measured once, not once per hit.
        let mut line = (0usize, 0usize);
        for (start, end, k) in self.keywords.find_all(buf) {
            // Hits come sorted by end; a hit may start on an earlier line than the last one.
            if start < line.0 || start >= line.1 {
                line = (line_start(buf, start), line_end(buf, end));
            }
            let (ls, le) = line;
            let near_kw = self.keyword_near[k];
            if last_line_for_keyword[k] == (round, ls) && !near_kw {
                continue;
            }
            last_line_for_keyword[k] = (round, ls);
            let word = !near_kw || (word_start(buf, start) && word_end(buf, end));
            if word {
                for &r in &self.keyword_names[k] {
                    if applies(r) {
                        let (zs, ze) =
                            near_zone(buf.len(), (ls, le), (start, end), providers::DEFAULT_NEAR);
                        push_window(&mut named[r], touched, r, zs, ze);
                    }
                }
            }
            for &r in &self.keyword_rules[k] {
                if !applies(r) {
                    continue;
                }
                let rule = &self.rules[r];
                if rule.near > 0 {
                    if !word {
                        continue;
                    }
                    let (zs, ze) = near_zone(buf.len(), (ls, le), (start, end), rule.near);
                    push_window(&mut windows[r], touched, r, zs, ze);
                    continue;
                }
                let extra = rule.multiline;
                let end = if extra > 0 {
                    line_end(buf, (le + extra).min(buf.len()))
                } else {
                    le
                };
                push_window(&mut windows[r], touched, r, ls, end);
            }
        }
        for &r in &self.unconditional {
            if applies(r) {
                windows[r].clear();
                push_window(&mut windows[r], touched, r, 0, buf.len());
            }
        }
        touched.sort_unstable();
        touched.dedup();

        let mut seen = PositionSet::default();
        let mut out = Vec::new();
        for &r in touched.iter() {
            let spans = &windows[r];
            // A rule none of whose keywords occurred has nothing to look at: its regex is
            // not compiled.
            if spans.is_empty() {
                continue;
            }
            let rule = &self.rules[r];
            let Ok(re) = self.regex(r) else {
                // Unreachable for the tested catalog; user rules are compiled up front.
                continue;
            };
            for &(zs, ze) in spans {
                // A proximity zone's value may run past the zone's end on its line, by
                // `VALUE_REACH` bytes at most. A zone that starts inside a line (a long
                // line's, see `near_zone`) is searched from the byte before it, so that the
                // regex sees what precedes a value; a match starting at that byte, whose own
                // left side is unseen, or running into a cut end, is not taken.
                let (s, e, cut) = if rule.near > 0 {
                    let s = if zs > 0 && buf[zs - 1] != b'\n' {
                        zs - 1
                    } else {
                        zs
                    };
                    let e = line_end(buf, ze.min(buf.len()));
                    let cut = e > ze + VALUE_REACH;
                    (s, if cut { ze + VALUE_REACH } else { e }, cut)
                } else {
                    (zs, ze, false)
                };
                let locs = locations[r].get_or_insert_with(|| re.capture_locations());
                for (m0, g) in group_matches(re, locs, &buf[s..e], rule.secret_group) {
                    let Some((g_start, g_end)) = g else {
                        continue;
                    };
                    let (start, end) = (s + g_start, s + g_end);
                    if rule.near > 0 && start > ze {
                        continue;
                    }
                    if (s < zs && start == s) || (cut && end == e) {
                        continue;
                    }
                    if !seen.insert((r, start, end)) {
                        continue;
                    }
                    let secret = &buf[start..end];
                    // A provider's prefix followed by a piece of something longer
                    // (`xoxa-1234567890?0987654321x`): not the token as issued. Not `|`:
                    // a token piped on a shell line (`echo ghp_…|gh auth login`) ends there.
                    if rule.confidence == "high" && joined_after(buf, end, b"?!^*~") {
                        continue;
                    }
                    if rule.confidence != "high" {
                        let m0 = s + m0;
                        let key = &buf[m0..start];
                        if rule.confidence == "low" && !password_value_allowed(key, secret) {
                            continue;
                        }
                        // The whole name the value is assigned to: the match starts at its
                        // credential word (`Token` of `nonMatchingToken`).
                        let name_start = buf[..m0]
                            .iter()
                            .rposition(|b| {
                                !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
                            })
                            .map_or(0, |p| p + 1);
                        let name = &buf[name_start.max(m0.saturating_sub(64))..start];
                        if names_a_fake(name)
                            || (rule.confidence == "low" && names_itself(name, secret))
                            || !basic_credentials_fit(key, secret)
                            || broken_value(buf, start, end)
                        {
                            continue;
                        }
                    }
                    // A generic shape that is a URL's path segment or the value of a query
                    // parameter no credential is named by is part of an address (an avatar's
                    // `?u=<40 hex>`, a Key Vault key's version id), whatever provider's name
                    // the host holds.
                    if rule.near > 0
                        && url_address(buf, start, end)
                            .is_some_and(|url| !named_outside(buf, url, rule))
                    {
                        continue;
                    }
                    // A JWT-shaped value whose header or claims are not JSON is no token (a
                    // typo, a truncated or made-up one); the generic rules judge it as such.
                    if rule.provider == "generic" && malformed_jwt(secret) {
                        continue;
                    }
                    let mut ent = entropy(secret);
                    if rule.entropy_tail {
                        let tail = secret.rsplit(|&b| b == b'-').next().unwrap_or_default();
                        if tail.len() >= 16 {
                            ent = ent.max(entropy(tail));
                        }
                    }
                    if ent < entropy_floor(rule, secret.len()) {
                        continue;
                    }
                    let context = context_around(buf, start, end);
                    // The user's entry is named first: it is the one they can change.
                    let user_entry = self
                        .allowlist
                        .as_ref()
                        .and_then(|a| a.matches(secret).iter().next());
                    let shape = if rule.near > 0 { self.shape(r) } else { None };
                    let mut allow_reason = match classify(secret, context, rule, shape) {
                        Verdict::Keep => None,
                        Verdict::Example => Some(AllowReason::Example),
                        Verdict::Drop => continue,
                    };
                    if allow_reason.is_none() && emulator_account(buf, start) {
                        allow_reason = Some(AllowReason::Example);
                    }
                    if let Some(kind) = &rule.checksum {
                        // A value of the right shape without the provider's checksum was not
                        // issued by the provider: an example or a made-up fixture.
                        if allow_reason.is_none() && checksum::verify(kind, secret) == Some(false) {
                            allow_reason = Some(AllowReason::Checksum);
                        }
                    }
                    if let Some(i) = user_entry {
                        allow_reason = Some(AllowReason::Config(i));
                    }
                    let allowlisted = allow_reason.is_some();
                    let public = rule.public || public_context(rule, buf, (start, end), name);
                    out.push(Candidate {
                        public,
                        rule: r,
                        start,
                        end,
                        line: 0,
                        end_line: 0,
                        column: 0,
                        secret: secret.to_vec(),
                        entropy: ent,
                        allowlisted,
                        allow_reason,
                        decoded: None,
                    });
                }
            }
        }
        // The veto: a generic guess beside a provider's keyword whose value is one or two
        // characters away from that provider's format (a typo, a truncated or padded key, a
        // placeholder) is a malformed key of that provider, not a credential.
        if out.iter().any(|c| self.rules[c.rule].confidence == "low") {
            // Proximity rules with the veto, other rules whose names or prefix occurred.
            // Every rule with a window or a name zone is in `touched`.
            let vetoing: Vec<(usize, &[(usize, usize)])> = touched
                .iter()
                .filter_map(|&r| {
                    let rule = &self.rules[r];
                    if rule.confidence == "low" {
                        None
                    } else if rule.near > 0 {
                        (rule.veto && !windows[r].is_empty()).then_some((r, &windows[r][..]))
                    } else if !named[r].is_empty() || !windows[r].is_empty() {
                        Some((r, &named[r][..]))
                    } else {
                        None
                    }
                })
                .collect();
            out.retain(|c| {
                self.rules[c.rule].confidence != "low"
                    || !vetoing.iter().any(|&(r, zones)| {
                        self.vetoes(r, zones, c) && !self.sibling_fits(r, &vetoing, c)
                    })
            });
        }
        for &r in touched.iter() {
            windows[r].clear();
            named[r].clear();
        }
        touched.clear();
        drop_shadowed(&mut out, &self.rules);
        assign_lines(buf, &mut out);
        out
    }
}

/// The per-rule lists of one buffer's scan, kept by each thread from buffer to buffer: a
/// buffer's keyword hits touch a few of the catalog's ~1,000 rules, and allocating, walking
/// and freeing two lists per rule for every file (and every decoded layer) cost more than
/// the hits themselves.
#[derive(Default)]
struct Scratch {
    windows: Vec<Vec<(usize, usize)>>,
    named: Vec<Vec<(usize, usize)>>,
    /// Rules whose list in `windows` or `named` is not empty (repeats allowed until sorted).
    touched: Vec<usize>,
    /// Per keyword, the scan (`round`) and line start of its last counted hit.
    last_line: Vec<(u64, usize)>,
    /// Numbers the scans, so `last_line` needs no reset.
    round: u64,
    /// Per rule, the capture slots its regex matches are read into (made once per thread,
    /// not once per window), for the scanner `owner`.
    locations: Vec<Option<regex::bytes::CaptureLocations>>,
    owner: u64,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

impl Scratch {
    /// Sizes the lists for a scanner of `rules` rules and `keywords` keywords, all empty.
    fn prepare(&mut self, scanner: u64, rules: usize, keywords: usize) {
        if self.owner != scanner {
            // Slots are made for one regex: another scanner's rule `r` is another regex.
            self.locations.clear();
            self.owner = scanner;
        }
        if self.locations.len() < rules {
            self.locations.resize_with(rules, || None);
        }
        if self.windows.len() < rules {
            self.windows.resize_with(rules, Vec::new);
            self.named.resize_with(rules, Vec::new);
        }
        if self.last_line.len() < keywords {
            self.last_line.resize(keywords, (0, 0));
        }
        // Round 0 is the lists' initial value: a scan is never round 0.
        self.round += 1;
    }
}

/// Candidates of different rules over the same bytes are one secret found twice: keep the one
/// with the most evidence. A provider's shape beside its own name (proximity rules) comes
/// first, then the catalog's order, which lists specific rules before generic ones; but a
/// provider-format match that strictly contains others (`access_token$production$…$<hex>`
/// around a 32-hex shape) explains more and replaces them. Returns the survivors sorted by
/// position. O(n log n): kept spans never overlap, so each candidate is checked against its
/// neighbours in a sorted map.
fn drop_shadowed(out: &mut Vec<Candidate>, rules: &[RuleSpec]) {
    if out.len() >= 2 {
        out.sort_by_key(|c| (rules[c.rule].near == 0, c.rule, c.start, c.end));
        // start -> (end, index in `out`) of the kept spans, which are disjoint.
        let mut kept: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
        let mut keep = vec![false; out.len()];
        for (i, c) in out.iter().enumerate() {
            let overlapping: Vec<(usize, usize, usize)> = kept
                .range(..c.end)
                .rev()
                .take_while(|(_, &(e, _))| e > c.start)
                .map(|(&s, &(e, j))| (s, e, j))
                .collect();
            // Disjoint spans ordered by start are ordered by end too, so walking back from
            // the last start before `c.end` finds every overlap and stops at the first miss.
            if overlapping.is_empty() {
                kept.insert(c.start, (c.end, i));
                keep[i] = true;
                continue;
            }
            let contains_all = rules[c.rule].confidence != "low"
                && overlapping
                    .iter()
                    .all(|&(s, e, _)| c.start <= s && e <= c.end && e - s < c.end - c.start);
            if contains_all {
                for (s, _, j) in overlapping {
                    kept.remove(&s);
                    keep[j] = false;
                }
                kept.insert(c.start, (c.end, i));
                keep[i] = true;
            }
        }
        let mut k = keep.into_iter();
        out.retain(|_| k.next().unwrap_or(false));
    }
    out.sort_by_key(|c| (c.start, c.end, c.rule));
}

/// Whether `pos` falls in one of `zones` (sorted by start, disjoint).
fn in_zones(zones: &[(usize, usize)], pos: usize) -> bool {
    let i = zones.partition_point(|z| z.0 <= pos);
    i > 0 && zones[i - 1].1 >= pos
}

/// A keyword starts a word: at the start of the buffer, after a non-alphanumeric byte, or at
/// a camel-case hump (`validateOpsgenieKey`). `SetSysctl` does not hold `etsy`.
fn word_start(buf: &[u8], start: usize) -> bool {
    let Some(&prev) = start.checked_sub(1).and_then(|p| buf.get(p)) else {
        return true;
    };
    if !prev.is_ascii_alphanumeric() {
        return true;
    }
    let first = buf.get(start).copied().unwrap_or(0);
    !prev.is_ascii_uppercase() && first.is_ascii_uppercase()
}

/// A keyword ends a word, or runs into a credential word (`apollokey`, `githubtoken`):
/// `sumo` does not name Sumo Logic in `sumObj`... unless the next letter is a capital.
fn word_end(buf: &[u8], end: usize) -> bool {
    let Some(&next) = buf.get(end) else {
        return true;
    };
    if !next.is_ascii_lowercase() {
        return true;
    }
    let rest = &buf[end..(end + 8).min(buf.len())];
    [
        &b"key"[..],
        b"token",
        b"secret",
        b"api",
        b"pass",
        b"auth",
        b"id",
        b"pat",
        b"access",
        b"client",
        b"app",
        b"url",
        b"sid",
        b"user",
        // OAuth's own words (`twitterconsumerkey`, `paypaloauth`).
        b"consumer",
        b"oauth",
        b"_",
    ]
    .iter()
    .any(|w| rest.starts_with(w))
}

/// Lockfiles, whose hashes and ids are never credentials of a named provider.
fn is_lockfile(name: &str) -> bool {
    matches!(
        name,
        "package-lock.json"
            | "npm-shrinkwrap.json"
            | "yarn.lock"
            | "pnpm-lock.yaml"
            | "bun.lock"
            | "Cargo.lock"
            | "go.sum"
            | "poetry.lock"
            | "uv.lock"
            | "Pipfile.lock"
            | "Gemfile.lock"
            | "composer.lock"
            | "packages.lock.json"
            | "gradle.lockfile"
            | "flake.lock"
            | "mix.lock"
            | "pubspec.lock"
            | "Package.resolved"
            | "Podfile.lock"
    )
}

/// Whether the words of `rule.public_when` occur within 512 bytes of the value (a few lines
/// of a configuration object) or in the file's name: a Google API key in a Firebase web
/// configuration is an identifier Google documents as public, not a secret.
fn public_context(
    rule: &RuleSpec,
    buf: &[u8],
    (start, end): (usize, usize),
    name: Option<&str>,
) -> bool {
    if rule.public_when.is_empty() {
        return false;
    }
    let ctx = buf[start.saturating_sub(512)..(end + 512).min(buf.len())].to_ascii_lowercase();
    let file = name.unwrap_or("").to_ascii_lowercase();
    rule.public_when
        .iter()
        .any(|w| memchr::memmem::find(&ctx, w.as_bytes()).is_some() || file.contains(w.as_str()))
}

/// Whether the value is the key of the Azure Storage emulator's account: Azurite (and the
/// legacy Storage Emulator before it) accepts only the account `devstoreaccount1`, whose
/// well-known key Microsoft publishes in the emulator's documentation ("Use the Azurite
/// emulator for local Azure Storage development": connection strings). A connection string
/// naming that account in the 512 bytes before the value is a local development setup, not
/// a leaked storage key.
fn emulator_account(buf: &[u8], start: usize) -> bool {
    let before = &buf[start.saturating_sub(512)..start];
    before
        .windows(16)
        .any(|w| w.eq_ignore_ascii_case(b"devstoreaccount1"))
}

/// The text around a match its classification may look at: the match's line, at most 256
/// bytes either side (a 10 MB line is not rescanned for each of its candidates).
fn context_around(buf: &[u8], start: usize, end: usize) -> &[u8] {
    let lo = start.saturating_sub(256);
    let hi = (end + 256).min(buf.len());
    let s = memchr::memrchr(b'\n', &buf[lo..start]).map_or(lo, |p| lo + p + 1);
    let e = memchr::memchr(b'\n', &buf[end..hi]).map_or(hi, |p| end + p);
    &buf[s..e]
}

/// A provider's or a URL's floor drops for short values, whose entropy per byte cannot reach
/// that of long ones (8 distinct characters give at most 3 bits).
fn entropy_floor(rule: &RuleSpec, len: usize) -> f64 {
    // Generic guesses keep their floor: without a provider's name or format, entropy is
    // all the evidence there is. A short password in a database URL, a provider's shape
    // beside its name, are found by their place.
    if rule.confidence == "low" || len < 2 {
        return rule.entropy;
    }
    rule.entropy.min(0.8 * (len as f64).log2())
}

enum Verdict {
    Keep,
    Example,
    Drop,
}

/// Separates real-looking values from documentation examples, templates and placeholders.
/// Provider-format matches are never dropped, only marked; generic matches are dropped.
fn classify(secret: &[u8], line: &[u8], rule: &RuleSpec, shape: Option<&Shape>) -> Verdict {
    // Provider formats (`high`) are never dropped, only marked; contextual (`medium`) and
    // generic (`low`) matches are dropped when they look like examples or placeholders.
    let generic = rule.confidence != "high";
    let s = String::from_utf8_lossy(secret);
    let lower = s.to_ascii_lowercase();
    if KNOWN_EXAMPLES.iter().any(|e| s.contains(e))
        || lower.contains("example")
        || is_sample_jwt(secret)
    {
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
        // Counting and keyboard runs people type for a made-up key, in shapes that need
        // context (a provider's own format may hold any digits: a Discord snowflake).
        || (generic
            && ["123456", "234567", "345678", "abcdef", "qwerty"]
                .iter()
                .any(|w| lower.contains(w)))
        || {
            // A value mostly made of one repeated character (`AKIAXXXXXXXXXXXXXXXX`).
            let run = longest_run(secret);
            run >= 6 && run * 3 >= secret.len()
        }
        // Six characters counting up or down (`123456`, `abcdef`, `stuvwx`): random keys
        // almost never hold one, made-up ones very often do.
        || longest_sequence(secret) >= 6
        // `a1b2c3d4e5f6`: two counting sequences interleaved.
        || longest_interleaved(secret) >= 8
        // Runs of one character making up half the value (`5555555dAAAAA7777777Cccc`):
        // typed, not drawn.
        || repeated_half(secret);
    if placeholder {
        return if generic {
            Verdict::Drop
        } else {
            Verdict::Example
        };
    }
    // A commit id where a revision is pinned (`uses: github/codeql-action/upload-sarif@<sha>`,
    // `pkg@<sha>`, a pre-commit `rev: <sha>`) is not a credential, though its 40 hex digits
    // beside `github` fit the OAuth client secret's shape (govuk-infrastructure 232090f33954:
    // Renovate moving SHA pins failed as a leaked secret; terraform-aws-vpc: every release's
    // CHANGELOG.md with its commit links failed).
    if generic
        && secret.len() == 40
        && secret.iter().all(u8::is_ascii_hexdigit)
        && pinned_revision(secret, line)
    {
        return Verdict::Drop;
    }
    // An elided value (`"refresh_token": "0.AXEA…..."`): documentation shows where a token
    // goes and how it starts; the token itself is not there.
    if generic && (lower.ends_with("...") || lower.ends_with('\u{2026}')) {
        return Verdict::Drop;
    }
    if generic {
        // A placeholder word, with punctuation around it as written or URL-encoded
        // (`https://user:pass%5B%7F@foo`, `tom:abc123%40%20%@example.org`: a URL parser's
        // test vectors).
        let placeholder_word = |v: &str| {
            PLACEHOLDER_VALUES.contains(&v.trim_matches(|c: char| !c.is_ascii_alphanumeric()))
        };
        let decoded = super::decode::percent(lower.as_bytes())
            .is_some_and(|d| placeholder_word(&String::from_utf8_lossy(&d.text)));
        if placeholder_word(&lower) || decoded || lower.contains("password") || is_template(&s) {
            return Verdict::Drop;
        }
    }
    if rule.confidence == "low" && !plausible_generic_value(secret, line) {
        return Verdict::Drop;
    }
    if shape.is_some_and(|s| !mixed_enough(secret, s) || s.mistyped_hex(secret)) {
        return Verdict::Drop;
    }
    Verdict::Keep
}

/// The span of the URL, when `buf[start..end]` is a whole path segment of one
/// (`scheme://host/...`, on the same line and with nothing between that a URL cannot hold),
/// or the value of a query or fragment parameter whose name names no credential (`?u=`,
/// `&v=`, not `?api_key=`, `#access_token=`): an address, not a credential written into
/// one. A segment after one named `keys`, `token` or the like (BestTime's `/v1/keys/<key>`),
/// a value inside a segment (`/bot<token>`), in the user part (`https://user:<pw>@host`) or
/// in the host is not.
///
/// It looks at most [`URL_REACH`] bytes either side of the value: a 10 MB minified line is not
/// read again for each of its candidates.
fn url_address(buf: &[u8], start: usize, end: usize) -> Option<(usize, usize)> {
    let stop = |b: u8| b.is_ascii_whitespace() || b"\"'`<>()[]{}|,;".contains(&b);
    let reach = start.saturating_sub(URL_REACH);
    let from = buf[reach..start]
        .iter()
        .rposition(|&b| stop(b))
        .map_or(reach, |p| reach + p + 1);
    let token = &buf[from..start];
    let scheme = memchr::memmem::find(token, b"://")?;
    let after_scheme = &token[scheme + 3..];
    // The host (and user part) end at the first `/`, `?` or `#`: the value must come later.
    let host_end = after_scheme.iter().position(|b| b"/?#".contains(b))?;
    if after_scheme[..host_end].is_empty() {
        return None;
    }
    let ends_part = buf
        .get(end)
        .is_none_or(|&b| stop(b) || b"/?#&".contains(&b));
    if !ends_part {
        return None;
    }
    let far = (end + URL_REACH).min(buf.len());
    let url_end = buf[end..far]
        .iter()
        .position(|&b| stop(b))
        .map_or(far, |p| end + p);
    let address = match token.last() {
        // Unless the segment before names what follows as a key (BestTime's
        // `/v1/keys/<key>`): the API takes its key in the path.
        Some(b'/') => {
            let before = &token[..token.len() - 1];
            let segment = before
                .iter()
                .rposition(|&b| b == b'/')
                .map_or(before, |p| &before[p + 1..])
                .to_ascii_lowercase();
            let segment = segment.strip_suffix(b"s").unwrap_or(&segment);
            ![
                &b"key"[..],
                b"apikey",
                b"api-key",
                b"api_key",
                b"token",
                b"secret",
            ]
            .contains(&segment)
        }
        Some(b'=') => {
            let before = &token[..token.len() - 1];
            let p = before.iter().rposition(|b| b"?&#;".contains(b))?;
            let name = before[p + 1..].to_ascii_lowercase();
            !name.is_empty()
                && ![
                    &b"key"[..],
                    b"token",
                    b"secret",
                    b"auth",
                    b"pass",
                    b"pwd",
                    b"sig",
                    b"cred",
                    b"access",
                    b"session",
                    b"appid",
                    b"app_id",
                    b"client",
                    b"license",
                    b"code",
                    b"hash",
                    b"private",
                ]
                .iter()
                .any(|w| memchr::memmem::find(&name, w).is_some())
        }
        _ => false,
    };
    address.then_some((from, url_end))
}

/// How far around a value its URL and the names beside it are looked for.
const URL_REACH: usize = 2048;

/// Whether one of `rule`'s keywords names the value outside the URL `from..to` that holds
/// it: earlier on its line or at most the rule's proximity before the URL, or later on the
/// line (`versioneye: https://…/me/<key>`, not `avatarUrl: https://avatars.github…`), within
/// [`URL_REACH`] bytes of the URL.
fn named_outside(buf: &[u8], (from, to): (usize, usize), rule: &RuleSpec) -> bool {
    let first = line_start(buf, from)
        .min(from.saturating_sub(rule.near))
        .max(from.saturating_sub(URL_REACH));
    let before = &buf[first..from];
    let after = &buf[to..line_end(buf, to).min(to + URL_REACH)];
    [before, after].iter().any(|text| {
        let lower = text.to_ascii_lowercase();
        rule.keywords.iter().any(|k| {
            memchr::memmem::find_iter(&lower, k.as_bytes())
                .any(|p| word_start(text, p) && word_end(text, p + k.len()))
        })
    })
}

/// `value` follows `@` (a git revision pin), a `rev:`/`ref:`/`sha:` key, or a commit's place
/// in a repository's web address (`/commit/`, `/tree/`, `/blob/`, `a...b`) in `line`.
fn pinned_revision(value: &[u8], line: &[u8]) -> bool {
    let mut from = 0;
    while let Some(p) = memchr::memmem::find(&line[from..], value) {
        let at = from + p;
        let before = line[..at].trim_ascii_end();
        let before = before
            .strip_suffix(b"\"")
            .or_else(|| before.strip_suffix(b"'"))
            .unwrap_or(before);
        let before = before.trim_ascii_end();
        let lower = before.to_ascii_lowercase();
        if lower.ends_with(b"@")
            || [
                &b"rev:"[..],
                b"rev =",
                b"rev=",
                b"ref:",
                b"sha:",
                b"revision:",
                // A commit's web address (a changelog's `([1c561a7](.../commit/<sha>))`).
                b"/commit/",
                b"/commits/",
                b"/tree/",
                b"/blob/",
                b"/raw/",
                b"...",
            ]
            .iter()
            .any(|k| lower.ends_with(k))
            || names_a_revision(&lower)
        {
            return true;
        }
        from = at + value.len();
    }
    false
}

/// Whether the text before a value ends with the key of a commit id (`"gitCommit": "`,
/// `commit_sha=`, `"digest": {"sha1": "`): SLSA provenance and CI metadata name the commit
/// they were built from.
fn names_a_revision(before_lower: &[u8]) -> bool {
    let before = before_lower.trim_ascii_end();
    let Some(key) = before
        .strip_suffix(b":")
        .or_else(|| before.strip_suffix(b"="))
    else {
        return false;
    };
    let key = key.trim_ascii_end();
    let key = key
        .strip_suffix(b"\"")
        .or_else(|| key.strip_suffix(b"'"))
        .unwrap_or(key);
    let from = key
        .iter()
        .rposition(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')))
        .map_or(0, |p| p + 1);
    let key = &key[from..];
    memchr::memmem::find(key, b"commit").is_some()
        || [&b"sha"[..], b"sha1", b"revision", b"digest"]
            .iter()
            .any(|k| key.ends_with(k))
}

/// A generic shape beside a keyword must still look random: letters only in the way of
/// words (`validateNexmoKey`, `getapikeyfromvault`) is an identifier, digits only a number or
/// a date, unless the shape itself admits nothing else.
fn mixed_enough(v: &[u8], shape: &Shape) -> bool {
    if v.len() < 10 {
        return true;
    }
    let shape_digits = (b'0'..=b'9').any(|b| shape.alphabet[usize::from(b)]);
    let shape_letters = (b'a'..=b'z')
        .chain(b'A'..=b'Z')
        .any(|b| shape.alphabet[usize::from(b)]);
    let alnum: Vec<u8> = v
        .iter()
        .copied()
        .filter(u8::is_ascii_alphanumeric)
        .collect();
    // Digits alone are a number or a date, up to what a 64-bit integer holds (20 digits).
    // Longer runs of drawn digits (`37745615582634013153911565014889` beside `discord`) are
    // no count, id or timestamp a program stores: a key's alphabet admits them.
    if shape_letters && (12..=20).contains(&alnum.len()) && alnum.iter().all(u8::is_ascii_digit) {
        return false;
    }
    if shape_digits && alnum.iter().all(u8::is_ascii_alphabetic) && wordlike(&alnum) {
        return false;
    }
    true
}

/// Letters as words are written: a single case, or few capitals that start words (camel
/// case), with at most one acronym among them (`eraserPreviewDataURL`: excalidraw 5ca083436d44
/// failed on it as an Eraser key) and words of three letters or more between the capitals.
/// Random mixed-case letters have more capitals, in runs, and short runs of small letters.
fn wordlike(letters: &[u8]) -> bool {
    let upper = letters.iter().filter(|b| b.is_ascii_uppercase()).count();
    if upper == letters.len() {
        return true;
    }
    if upper * 4 > letters.len() {
        return false;
    }
    let runs = |upper_case: bool| {
        letters
            .chunk_by(|a, b| a.is_ascii_uppercase() == b.is_ascii_uppercase())
            .filter(move |r| r[0].is_ascii_uppercase() == upper_case)
    };
    let acronyms = runs(true).filter(|r| r.len() > 1).count();
    acronyms == 0 || (acronyms == 1 && runs(false).all(|r| r.len() >= 3))
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
    if is_integer_literal(v) {
        return false;
    }
    // Identifiers and code references: only letters and `_`/`.`/`-`/`:` (env var names,
    // function calls, config keys, namespaced names such as Cargo's `dep:aws-smithy-runtime-api`
    // in a feature list after `"dep:aws-credential-types",`) are not secrets.
    if v.iter()
        .all(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'.' | b'-' | b':'))
    {
        return false;
    }
    // File paths and URLs without credentials.
    if s.contains('/') && (s.starts_with('/') || s.starts_with("./") || s.contains("://")) {
        return false;
    }
    !is_hostname(v) && !holds_date(v)
}

/// A lower-case DNS name (`tenant-app-12345.region.example`): labels of letters, digits and
/// `-`, at least three, the last all letters.
fn is_hostname(v: &[u8]) -> bool {
    let labels: Vec<&[u8]> = v.split(|&b| b == b'.').collect();
    labels.len() >= 3
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.iter()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        })
        && labels
            .last()
            .is_some_and(|l| (2..=6).contains(&l.len()) && l.iter().all(u8::is_ascii_lowercase))
}

/// An ISO date (`2024-05-01`) inside the value: a timestamp or a signed query's validity
/// window, not a key.
fn holds_date(v: &[u8]) -> bool {
    v.windows(10).any(|w| {
        w.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        }) && matches!(&w[..2], b"19" | b"20")
    })
}

/// An integer written in hex (`0x1afe23456UL`, a tokenizer test's `token: "0x1afe23456UL"` in
/// typos 5d4cfab739a1): `0x` and at most 16 hex digits, a 64-bit value, with C's `u`/`l`
/// suffixes. A key written in hex is longer (an Ethereum private key: 64 digits).
fn is_integer_literal(v: &[u8]) -> bool {
    let Some(rest) = v.strip_prefix(b"0x").or_else(|| v.strip_prefix(b"0X")) else {
        return false;
    };
    let digits = rest.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    let suffix = &rest[digits..];
    (1..=16).contains(&digits)
        && suffix.len() <= 3
        && suffix
            .iter()
            .all(|b| matches!(b, b'u' | b'U' | b'l' | b'L'))
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

/// A generic guess whose value holds characters no API token does (`?`, `!`, `^`, `*`, a
/// quote) is a password or nothing: beside a `key`/`token`/`secret` name it is a malformed
/// value (a placeholder with a `?`, a key mangled by a paste), not a credential.
fn password_value_allowed(key: &[u8], value: &[u8]) -> bool {
    let token = |b: &u8| b.is_ascii_alphanumeric() || b"_-+/=.~:%".contains(b);
    if value.iter().all(token) {
        return true;
    }
    let k = key.to_ascii_lowercase();
    [&b"pass"[..], b"pwd", b"passphrase"]
        .iter()
        .any(|w| memchr::memmem::find(&k, w).is_some())
}

/// Whether the name a generic value is assigned to says the value is not real: one of its
/// words (split at `_`, `-`, `.` and camel-case humps) is `fake`, `dummy`, `mock`, `bogus`,
/// `invalid`, `wrong` or `bad`, or it reads `non matching` / `not valid` / `not real`
/// (`FAKE_KEY=`, `nonMatchingToken :=`, `invalidSecret:`). A provider's name that merely
/// starts with one (`mockaroo`) is one word and does not count.
fn names_a_fake(key: &[u8]) -> bool {
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for &b in key {
        if b.is_ascii_alphanumeric() {
            if b.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = b.is_ascii_lowercase() || b.is_ascii_digit();
            cur.push(char::from(b.to_ascii_lowercase()));
        } else {
            prev_lower = false;
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    let single = ["fake", "dummy", "mock", "bogus", "invalid", "wrong", "bad"];
    words.iter().any(|w| single.contains(&w.as_str()))
        || words.windows(2).any(|p| {
            matches!(p[0].as_str(), "non" | "not")
                && matches!(p[1].as_str(), "matching" | "valid" | "real")
        })
}

/// A contextual or generic match that is a piece of a longer, broken value: a `?`, `!`, `^`,
/// `*`, `#`, `~` or `|` joins it to more token characters (`k7Qz…Lm3?9xPw…`, a key mangled
/// by a paste or a template), or it follows an `@` (a host, a handle or a decorator comes
/// after `@`; credentials come before it). A `?` opening a query (`…/TOKEN?page=2`) is a
/// boundary.
fn broken_value(buf: &[u8], start: usize, end: usize) -> bool {
    const JOINERS: &[u8] = b"?!^*#~|";
    let before = start.checked_sub(1).and_then(|i| buf.get(i)).copied();
    if before == Some(b'@') {
        return true;
    }
    // A joiner between token characters, or opening a quoted string (`'?Kd8…'`: the
    // string as written is not a token, and a piece of it is not one either).
    if before.is_some_and(|b| JOINERS.contains(&b))
        && start >= 2
        && (buf[start - 2].is_ascii_alphanumeric() || matches!(buf[start - 2], b'"' | b'\''))
    {
        return true;
    }
    joined_after(buf, end, JOINERS)
}

/// Whether one of `joiners` at `end` joins the value to more token characters (a `?` that
/// opens a query, `?page=2`, does not).
fn joined_after(buf: &[u8], end: usize, joiners: &[u8]) -> bool {
    let Some(a) = buf.get(end).copied().filter(|b| joiners.contains(b)) else {
        return false;
    };
    let rest = &buf[end + 1..];
    let word = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        .count();
    let query = a == b'?' && rest.get(word) == Some(&b'=');
    word > 0 && !query
}

/// Whether a generic value spells out the name it is assigned to
/// (`AccountKey=theaccountkeyasbase64text`, `api_token: "my-api-token-from-the-portal"`): a
/// description of what belongs there, not a drawn secret. Names of eight letters and digits
/// or more only (`accountkey`, `apitoken`), compared without case and separators.
fn names_itself(key: &[u8], value: &[u8]) -> bool {
    let name_byte = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
    let squash = |s: &[u8]| -> Vec<u8> {
        s.iter()
            .filter(|b| b.is_ascii_alphanumeric())
            .map(u8::to_ascii_lowercase)
            .collect()
    };
    // The name is the last run of name characters before the separator.
    let end = key.iter().rposition(name_byte).map_or(0, |p| p + 1);
    let start = key[..end]
        .iter()
        .rposition(|b| !name_byte(b))
        .map_or(0, |p| p + 1);
    let name = squash(&key[start..end]);
    name.len() >= 8 && memchr::memmem::find(&squash(value), &name).is_some()
}

/// HTTP Basic credentials are the base64 of `user:password` (RFC 7617): after `Basic`, a
/// value with a character base64 does not hold (`.` of a JWT, `-`, `_`) is something else
/// pasted into the header, not credentials.
fn basic_credentials_fit(key: &[u8], value: &[u8]) -> bool {
    let k = key.trim_ascii_end().to_ascii_lowercase();
    if !k.ends_with(b"basic") {
        return true;
    }
    value
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

/// A value shaped like a JWT (`eyJ…` then `.`) whose header is not a JSON object naming its
/// `alg`: RFC 7515 requires one in every JOSE header, so every token a library issues has it,
/// and one character off breaks it (`eyJhbGCiOi…`). The claims are not checked: a JWS may sign
/// any payload.
fn malformed_jwt(v: &[u8]) -> bool {
    if !v.starts_with(b"eyJ") {
        return false;
    }
    let Some(header) = v.split(|&b| b == b'.').next().filter(|h| h.len() < v.len()) else {
        return false;
    };
    // JSON string escapes (`\/`) of a token inside escaped JSON.
    let header: Vec<u8> = header.iter().copied().filter(|&b| b != b'\\').collect();
    jose_header(&header).is_none_or(|h| !h.contains_key("alg"))
}

/// A JWT's first part read as its JOSE header: base64url of a JSON object (RFC 7515).
fn jose_header(head: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    super::decode::base64(head).and_then(|j| serde_json::from_slice(&j).ok())
}

/// The JWT of jwt.io's debugger (`"sub": "1234567890"`, `"name": "John Doe"`), in any of
/// its algorithms and claims: the web's most copied example token. Or any token its example
/// secret signs (see [`signed_with_a_sample_secret`]).
fn is_sample_jwt(v: &[u8]) -> bool {
    if !v.starts_with(b"eyJ") {
        return false;
    }
    if signed_with_a_sample_secret(v) {
        return true;
    }
    let Some(payload) = v.split(|&b| b == b'.').nth(1) else {
        return false;
    };
    let Some(json) = super::decode::base64(payload) else {
        return false;
    };
    let has = |w: &[u8]| memchr::memmem::find(&json, w).is_some();
    has(b"\"1234567890\"") && (has(b"John Doe") || has(b"\"admin\""))
}

/// The HMAC secrets jwt.io's debugger fills in and prints beside its tokens: the one it has
/// shown since 2025 and the one before it. Anyone holding the token can forge it.
const JWT_IO_SECRETS: [&[u8]; 2] = [
    b"a-string-secret-at-least-256-bits-long",
    b"your-256-bit-secret",
];

/// Whether `v` is a compact JWS (`header.payload.signature`, RFC 7515) whose `HS256`,
/// `HS384` or `HS512` signature verifies with one of [`JWT_IO_SECRETS`]: a token made in
/// jwt.io's debugger with its example secret, whatever its claims, signs nothing a server
/// could trust.
fn signed_with_a_sample_secret(v: &[u8]) -> bool {
    use hmac::{Hmac, Mac};
    fn verifies<M: Mac + hmac::digest::KeyInit>(input: &[u8], sig: &[u8]) -> bool {
        JWT_IO_SECRETS.iter().any(|key| {
            <M as Mac>::new_from_slice(key).is_ok_and(|mut m| {
                m.update(input);
                m.verify_slice(sig).is_ok()
            })
        })
    }
    let mut parts = v.split(|&b| b == b'.');
    let (Some(head), Some(payload), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let header = jose_header(head);
    let alg = header.as_ref().and_then(|h| h.get("alg")?.as_str());
    let Some(sig) = super::decode::base64(sig) else {
        return false;
    };
    let input = &v[..head.len() + 1 + payload.len()];
    match alg {
        Some("HS256") => verifies::<Hmac<sha2::Sha256>>(input, &sig),
        Some("HS384") => verifies::<Hmac<sha2::Sha384>>(input, &sig),
        Some("HS512") => verifies::<Hmac<sha2::Sha512>>(input, &sig),
        _ => false,
    }
}

/// The longest run in which every second character counts up from two characters before
/// (`a1b2c3d4`: `abcd` and `1234` interleaved), in either case and across the `-` of a
/// UUID-like layout (`1a2b3C4d-5E6f-7g8H`).
fn longest_interleaved(v: &[u8]) -> usize {
    let mut best = 0;
    let mut run = 0;
    // The two characters before, read the same way.
    let (mut second, mut first): (Option<u8>, Option<u8>) = (None, None);
    for b in v.iter().filter(|&&b| b != b'-').map(u8::to_ascii_lowercase) {
        if b.is_ascii_alphanumeric() && second.is_some_and(|p| b == p.wrapping_add(1)) {
            run += 1;
            best = best.max(run + 2);
        } else {
            run = 0;
        }
        (second, first) = (first, Some(b));
    }
    best
}

fn longest_sequence(v: &[u8]) -> usize {
    let (mut best, mut up, mut down) = (1, 1, 1);
    for w in v.windows(2) {
        let alnum = w[0].is_ascii_alphanumeric() && w[1].is_ascii_alphanumeric();
        up = if alnum && w[1] == w[0].wrapping_add(1) {
            up + 1
        } else {
            1
        };
        down = if alnum && w[1].wrapping_add(1) == w[0] {
            down + 1
        } else {
            1
        };
        best = best.max(up).max(down);
    }
    best
}

/// Whether runs of four or more of one character cover at least half of `v` (16+ bytes). A
/// random 40-character key holds such a run with a probability under one in a thousand;
/// runs covering half of it, never.
fn repeated_half(v: &[u8]) -> bool {
    if v.len() < 16 {
        return false;
    }
    let mut covered = 0;
    let mut run = 1;
    for i in 1..=v.len() {
        if i < v.len() && v[i] == v[i - 1] {
            run += 1;
            continue;
        }
        if run >= 4 {
            covered += run;
        }
        run = 1;
    }
    covered * 2 >= v.len()
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

/// A hasher for the scan's own keys (rule indexes and byte offsets): a rotate, an XOR and a
/// multiply per word, where SipHash, the default, cost more than the lookups it served. The
/// keys are positions in the buffer, not text an author chooses.
#[derive(Default, Clone, Copy)]
struct PositionHasher(u64);

impl std::hash::Hasher for PositionHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// `(rule, start, end)` of the values a scan has seen.
type PositionSet = HashSet<(usize, usize, usize), std::hash::BuildHasherDefault<PositionHasher>>;

/// The matches of `re` in `hay`, as `captures_iter` finds them, each as the whole match's
/// start and group `group`'s span: one set of capture slots for them all (a `Captures` per
/// match was an allocation per match).
fn group_matches<'a>(
    re: &'a Regex,
    locs: &'a mut regex::bytes::CaptureLocations,
    hay: &'a [u8],
    group: usize,
) -> impl Iterator<Item = (usize, Option<(usize, usize)>)> + 'a {
    let mut at = 0;
    let mut last_end: Option<usize> = None;
    std::iter::from_fn(move || loop {
        if at > hay.len() {
            return None;
        }
        let m = re.captures_read_at(locs, hay, at)?;
        if m.start() == m.end() {
            // An empty match advances the search by a byte; one right where the last match
            // ended is not reported (as the iterator does).
            at = m.end() + 1;
            if last_end == Some(m.end()) {
                continue;
            }
        } else {
            at = m.end();
        }
        last_end = Some(m.end());
        return Some((m.start(), locs.get(group)));
    })
}

/// How far from its keyword, on the keyword's line, a proximity rule's value may start: a line
/// of ordinary length is the keyword's context whole, but the name of a provider somewhere on
/// a minified file's 300 KB line (caddy 997d3f6b0a's module list, `MaxMind` 20 KB away from
/// `\nAutoHTTPSConfig`) is nothing a value far from it is assigned to.
const LINE_REACH: usize = 256;

/// How far past its zone's end a proximity rule's value may run: bounded, so that a 300 KB
/// line is not searched whole for every keyword on it, and longer than any token a provider
/// issues (an Entra refresh token runs to 1,300 characters and more; a JWT with many claims
/// to a few KB).
const VALUE_REACH: usize = 8192;

/// The zone a value beside a keyword (`start..end`, on the line `ls..le`) must start in: the
/// keyword's line within `LINE_REACH` bytes either side of it, and the next `near` bytes after
/// it, past the line's end too (a key on the line below its section header).
fn near_zone(
    len: usize,
    (ls, le): (usize, usize),
    (start, end): (usize, usize),
    near: usize,
) -> (usize, usize) {
    (
        ls.max(start.saturating_sub(LINE_REACH)),
        le.min(end + LINE_REACH).max((end + near).min(len)),
    )
}

fn line_start(buf: &[u8], pos: usize) -> usize {
    memchr::memrchr(b'\n', &buf[..pos]).map_or(0, |p| p + 1)
}

fn line_end(buf: &[u8], pos: usize) -> usize {
    memchr::memchr(b'\n', &buf[pos..]).map_or(buf.len(), |p| pos + p)
}

/// Adds a window, merging with the previous one when they overlap (hits arrive sorted by
/// their end, so a window may start before the previous one).
fn push_window(
    w: &mut Vec<(usize, usize)>,
    touched: &mut Vec<usize>,
    r: usize,
    s: usize,
    e: usize,
) {
    if w.is_empty() {
        touched.push(r);
    }
    if let Some(last) = w.last_mut() {
        if s <= last.1 && e >= last.0 {
            last.0 = last.0.min(s);
            last.1 = last.1.max(e);
            return;
        }
    }
    w.push((s, e));
}

/// Fills line, end line and column in one pass over the candidates sorted by start: the
/// newlines between consecutive candidates are counted once, so the cost is linear in the
/// buffer however many candidates share a line.
fn assign_lines(buf: &[u8], cands: &mut [Candidate]) {
    let mut pos = 0;
    let mut line = 0;
    // Start of the line holding `pos`.
    let mut ls = 0;
    for c in cands.iter_mut() {
        if c.start >= pos {
            let gap = &buf[pos..c.start];
            let n = memchr::memchr_iter(b'\n', gap).count();
            if n > 0 {
                ls = pos + memchr::memrchr(b'\n', gap).map_or(0, |p| p + 1);
            }
            line += n;
        } else {
            // Unreachable after `drop_shadowed` (sorted, disjoint); recount to stay right.
            line = memchr::memchr_iter(b'\n', &buf[..c.start]).count();
            ls = line_start(buf, c.start);
        }
        pos = c.start;
        c.line = line;
        c.column = c.start - ls + 1;
        c.end_line = line + memchr::memchr_iter(b'\n', &buf[c.start..c.end]).count();
    }
}
