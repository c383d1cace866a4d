//! Version ordering, one scheme per ecosystem, as each package manager orders versions:
//! PEP 440 (PyPI), SemVer 2.0 precedence (npm, crates.io, Go modules with their
//! pseudo-versions, which are SemVer pre-releases), Maven's `ComparableVersion`, and RubyGems'
//! `Gem::Version`.
//!
//! These are written here rather than taken from crates: the `semver` crate rejects what
//! lockfiles and advisory databases contain (`v1.2`, `1.2.3.4`, leading zeros), and there is
//! no maintained crate for Maven's or RubyGems' orderings. Each parser is lenient where the
//! package manager is and returns `None` for what it would reject; callers then fall back to
//! exact string matches.

use std::cmp::Ordering;

/// An ecosystem's ordering scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Pep440,
    Semver,
    Maven,
    Gem,
}

impl Scheme {
    /// The scheme of one of gate's ecosystems (`pypi`, `npm`, `cargo`, `go`, `maven`,
    /// `rubygems`).
    pub fn of(eco: &str) -> Option<Scheme> {
        Some(match eco {
            "pypi" => Scheme::Pep440,
            "npm" | "cargo" | "go" => Scheme::Semver,
            "maven" => Scheme::Maven,
            "rubygems" => Scheme::Gem,
            _ => return None,
        })
    }
}

/// A parsed version of one scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Version {
    Pep440(Pep440),
    Semver(Semver),
    Maven(Maven),
    Gem(Gem),
}

impl Version {
    pub fn parse(scheme: Scheme, s: &str) -> Option<Version> {
        match scheme {
            Scheme::Pep440 => Pep440::parse(s).map(Version::Pep440),
            Scheme::Semver => Semver::parse(s).map(Version::Semver),
            Scheme::Maven => Maven::parse(s).map(Version::Maven),
            Scheme::Gem => Gem::parse(s).map(Version::Gem),
        }
    }

    /// Ordering of two versions of the same scheme (`None` across schemes).
    pub fn cmp_same(&self, other: &Version) -> Option<Ordering> {
        Some(match (self, other) {
            (Version::Pep440(a), Version::Pep440(b)) => a.cmp(b),
            (Version::Semver(a), Version::Semver(b)) => a.cmp(b),
            (Version::Maven(a), Version::Maven(b)) => a.cmp(b),
            (Version::Gem(a), Version::Gem(b)) => a.cmp(b),
            _ => return None,
        })
    }
}

/// Compares two version strings of a scheme; `None` when either does not parse.
pub fn compare(scheme: Scheme, a: &str, b: &str) -> Option<Ordering> {
    Version::parse(scheme, a)?.cmp_same(&Version::parse(scheme, b)?)
}

// ---------------------------------------------------------------------------------------------
// PEP 440

/// A PEP 440 version, normalized: `1.0RC1` and `1.0rc1` are equal, trailing zeros of the
/// release do not count (`1.0 == 1.0.0`).
#[derive(Debug, Clone)]
pub struct Pep440 {
    epoch: u64,
    release: Vec<u64>,
    /// (0 = a, 1 = b, 2 = rc, number).
    pre: Option<(u8, u64)>,
    post: Option<u64>,
    dev: Option<u64>,
    local: Vec<LocalPart>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum LocalPart {
    Num(u64),
    Str(String),
}

impl Ord for LocalPart {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (LocalPart::Num(a), LocalPart::Num(b)) => a.cmp(b),
            (LocalPart::Str(a), LocalPart::Str(b)) => a.cmp(b),
            // Numeric segments sort after alphanumeric ones.
            (LocalPart::Num(_), LocalPart::Str(_)) => Ordering::Greater,
            (LocalPart::Str(_), LocalPart::Num(_)) => Ordering::Less,
        }
    }
}

impl PartialOrd for LocalPart {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A cursor over an ASCII-lowercased version string.
struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn eat_sep(&mut self) -> bool {
        matches!(self.peek(), Some(b'.' | b'-' | b'_')) && {
            self.i += 1;
            true
        }
    }
    fn number(&mut self) -> Option<u64> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if start == self.i {
            return None;
        }
        // Absurdly long numbers saturate rather than fail.
        std::str::from_utf8(&self.s[start..self.i])
            .ok()
            .map(|t| t.parse::<u64>().unwrap_or(u64::MAX))
    }
    fn word(&mut self, words: &[&str]) -> Option<usize> {
        let rest = &self.s[self.i..];
        // Longest first: `preview` before `pre`, `rc` before `c`.
        let mut best: Option<(usize, usize)> = None;
        for (k, w) in words.iter().enumerate() {
            if rest.starts_with(w.as_bytes()) && best.is_none_or(|(_, l)| w.len() > l) {
                best = Some((k, w.len()));
            }
        }
        let (k, l) = best?;
        self.i += l;
        Some(k)
    }
}

impl Pep440 {
    pub fn parse(s: &str) -> Option<Pep440> {
        let lower = s.trim().to_ascii_lowercase();
        let mut c = Cursor {
            s: lower.as_bytes(),
            i: 0,
        };
        c.eat(b'v');
        let first = c.number()?;
        let (epoch, mut release) = if c.eat(b'!') {
            (first, vec![c.number()?])
        } else {
            (0, vec![first])
        };
        while c.peek() == Some(b'.') && c.s.get(c.i + 1).is_some_and(u8::is_ascii_digit) {
            c.i += 1;
            release.push(c.number()?);
        }
        let mut pre = None;
        let save = c.i;
        c.eat_sep();
        const PRE: &[&str] = &["a", "alpha", "b", "beta", "rc", "c", "pre", "preview"];
        if let Some(k) = c.word(PRE) {
            let kind = match k {
                0 | 1 => 0,
                2 | 3 => 1,
                _ => 2,
            };
            c.eat_sep();
            pre = Some((kind, c.number().unwrap_or(0)));
        } else {
            c.i = save;
        }
        let mut post = None;
        let save = c.i;
        if c.eat(b'-') && c.peek().is_some_and(|x| x.is_ascii_digit()) {
            post = c.number();
        } else {
            c.i = save;
            c.eat_sep();
            if c.word(&["post", "rev", "r"]).is_some() {
                c.eat_sep();
                post = Some(c.number().unwrap_or(0));
            } else {
                c.i = save;
            }
        }
        let mut dev = None;
        let save = c.i;
        c.eat_sep();
        if c.word(&["dev"]).is_some() {
            c.eat_sep();
            dev = Some(c.number().unwrap_or(0));
        } else {
            c.i = save;
        }
        let mut local = Vec::new();
        if c.eat(b'+') {
            let rest = std::str::from_utf8(&c.s[c.i..]).ok()?;
            for part in rest.split(['.', '-', '_']) {
                if part.is_empty() || !part.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return None;
                }
                local.push(if part.bytes().all(|b| b.is_ascii_digit()) {
                    LocalPart::Num(part.parse().unwrap_or(u64::MAX))
                } else {
                    LocalPart::Str(part.to_string())
                });
            }
            c.i = c.s.len();
        }
        if c.i != c.s.len() {
            return None;
        }
        while release.len() > 1 && release.last() == Some(&0) {
            release.pop();
        }
        Some(Pep440 {
            epoch,
            release,
            pre,
            post,
            dev,
            local,
        })
    }

    /// The sort key of `packaging.version`: a dev release of a final version sorts before
    /// its pre-releases; no pre-release sorts after every pre-release; no post release
    /// before any post release; no dev release after every dev release.
    fn key(&self) -> Pep440Key<'_> {
        let pre = match (self.pre, self.post, self.dev) {
            (None, None, Some(_)) => (0, 0),
            (None, _, _) => (2, 0),
            (Some((k, n)), _, _) => (1, u64::from(k) << 56 | n.min((1 << 56) - 1)),
        };
        let post = self.post.map_or((0, 0), |n| (1, n));
        let dev = self.dev.map_or((1, 0), |n| (0, n));
        (self.epoch, &self.release, pre, post, dev, &self.local)
    }
}

/// (epoch, release, pre, post, dev, local), each suffix as (rank, number).
type Pep440Key<'a> = (
    u64,
    &'a [u64],
    (u8, u64),
    (u8, u64),
    (u8, u64),
    &'a [LocalPart],
);

impl PartialEq for Pep440 {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Pep440 {}
impl Ord for Pep440 {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}
impl PartialOrd for Pep440 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

// ---------------------------------------------------------------------------------------------
// SemVer

/// A SemVer 2.0 version compared by precedence (build metadata ignored). Accepts a leading
/// `v` (Go), a missing minor or patch (`1.2` is `1.2.0`) and a fourth number, which old npm
/// packages have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Semver {
    nums: [u64; 4],
    pre: Vec<PreId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PreId {
    Num(u64),
    Alnum(String),
}

impl Ord for PreId {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (PreId::Num(a), PreId::Num(b)) => a.cmp(b),
            (PreId::Alnum(a), PreId::Alnum(b)) => a.cmp(b),
            (PreId::Num(_), PreId::Alnum(_)) => Ordering::Less,
            (PreId::Alnum(_), PreId::Num(_)) => Ordering::Greater,
        }
    }
}
impl PartialOrd for PreId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Semver {
    pub fn parse(s: &str) -> Option<Semver> {
        let s = s.trim();
        let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
        let s = s.strip_prefix('=').unwrap_or(s);
        let core_end = s.find(['-', '+']).unwrap_or(s.len());
        let (core, rest) = s.split_at(core_end);
        let mut nums = [0u64; 4];
        for (n, part) in core.split('.').enumerate() {
            if n == 4 || part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            nums[n] = part.parse().unwrap_or(u64::MAX);
        }
        let pre_text = rest
            .strip_prefix('-')
            .map(|r| r.split('+').next().unwrap_or(r));
        let mut pre = Vec::new();
        if let Some(p) = pre_text {
            for id in p.split('.') {
                if id.is_empty()
                    || !id
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                {
                    return None;
                }
                pre.push(if id.bytes().all(|b| b.is_ascii_digit()) {
                    PreId::Num(id.parse().unwrap_or(u64::MAX))
                } else {
                    PreId::Alnum(id.to_string())
                });
            }
        }
        Some(Semver { nums, pre })
    }
}

impl Ord for Semver {
    fn cmp(&self, other: &Self) -> Ordering {
        self.nums
            .cmp(&other.nums)
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => self.pre.cmp(&other.pre),
            })
    }
}
impl PartialOrd for Semver {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

// ---------------------------------------------------------------------------------------------
// Maven ComparableVersion

/// Maven's `ComparableVersion` (the 3.x algorithm): items split at `.`, `-` and digit/letter
/// transitions, `-` and transitions opening a sub-list; qualifiers ordered
/// `alpha < beta < milestone < rc < snapshot < "" (release) < sp`, unknown qualifiers after
/// those, alphabetically; trailing zero and empty items dropped (`1.0 == 1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Maven {
    items: Vec<MItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum MItem {
    Int(u128),
    Str(String),
    List(Vec<MItem>),
}

const QUALIFIERS: &[&str] = &["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];

/// The comparable form of a qualifier: its rank, or past every known one.
fn qualifier_rank(q: &str) -> (usize, &str) {
    QUALIFIERS
        .iter()
        .position(|k| *k == q)
        .map_or((QUALIFIERS.len(), q), |i| (i, ""))
}

const RELEASE: (usize, &str) = (5, "");

fn mstring(s: &str, followed_by_digit: bool) -> MItem {
    let s = if followed_by_digit && s.len() == 1 {
        match s {
            "a" => "alpha",
            "b" => "beta",
            "m" => "milestone",
            other => other,
        }
    } else {
        s
    };
    let s = match s {
        "ga" | "final" | "release" => "",
        "cr" => "rc",
        other => other,
    };
    MItem::Str(s.to_string())
}

fn mparse_item(s: &str, digit: bool) -> MItem {
    if digit {
        MItem::Int(s.parse().unwrap_or(u128::MAX))
    } else {
        mstring(s, false)
    }
}

fn mis_null(i: &MItem) -> bool {
    match i {
        MItem::Int(v) => *v == 0,
        MItem::Str(s) => qualifier_rank(s) == RELEASE,
        MItem::List(l) => l.is_empty(),
    }
}

fn mnormalize(list: &mut Vec<MItem>) {
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        if mis_null(&list[i]) {
            list.remove(i);
        } else if !matches!(list[i], MItem::List(_)) {
            break;
        }
    }
}

/// `item.compareTo(null)`.
fn mcmp_null(i: &MItem) -> Ordering {
    match i {
        MItem::Int(v) => {
            if *v == 0 {
                Ordering::Equal
            } else {
                Ordering::Greater
            }
        }
        MItem::Str(s) => qualifier_rank(s).cmp(&RELEASE),
        MItem::List(l) => l.first().map_or(Ordering::Equal, mcmp_null),
    }
}

fn mcmp(a: &MItem, b: &MItem) -> Ordering {
    use MItem::*;
    match (a, b) {
        (Int(x), Int(y)) => x.cmp(y),
        (Int(_), _) => Ordering::Greater,
        (Str(_), Int(_)) => Ordering::Less,
        (Str(x), Str(y)) => qualifier_rank(x).cmp(&qualifier_rank(y)),
        (Str(_), List(_)) => Ordering::Less,
        (List(_), Int(_)) => Ordering::Less,
        (List(_), Str(_)) => Ordering::Greater,
        (List(x), List(y)) => mcmp_lists(x, y),
    }
}

fn mcmp_lists(x: &[MItem], y: &[MItem]) -> Ordering {
    let n = x.len().max(y.len());
    for i in 0..n {
        let r = match (x.get(i), y.get(i)) {
            (None, None) => Ordering::Equal,
            (None, Some(r)) => mcmp_null(r).reverse(),
            (Some(l), None) => mcmp_null(l),
            (Some(l), Some(r)) => mcmp(l, r),
        };
        if r != Ordering::Equal {
            return r;
        }
    }
    Ordering::Equal
}

impl Maven {
    pub fn parse(s: &str) -> Option<Maven> {
        let v = s.trim().to_ascii_lowercase();
        if v.is_empty() || v.contains(['$', '[', ']', '(', ')', ',', ' ']) {
            return None;
        }
        // A stack of lists; each new list is pushed onto its parent when it closes.
        let mut stack: Vec<Vec<MItem>> = vec![Vec::new()];
        let b = v.as_bytes();
        let mut digit = false;
        let mut start = 0;
        let open = |stack: &mut Vec<Vec<MItem>>| stack.push(Vec::new());
        for i in 0..b.len() {
            let c = b[i];
            let top = stack.len() - 1;
            if c == b'.' {
                if i == start {
                    stack[top].push(MItem::Int(0));
                } else {
                    stack[top].push(mparse_item(&v[start..i], digit));
                }
                start = i + 1;
            } else if c == b'-' {
                if i == start {
                    stack[top].push(MItem::Int(0));
                } else {
                    stack[top].push(mparse_item(&v[start..i], digit));
                }
                start = i + 1;
                open(&mut stack);
            } else if c.is_ascii_digit() {
                if !digit && i > start {
                    stack[top].push(mstring(&v[start..i], true));
                    start = i;
                    open(&mut stack);
                }
                digit = true;
            } else {
                if digit && i > start {
                    stack[top].push(mparse_item(&v[start..i], true));
                    start = i;
                    open(&mut stack);
                }
                digit = false;
            }
        }
        if v.len() > start {
            let top = stack.len() - 1;
            stack[top].push(mparse_item(&v[start..], digit));
        }
        // Close the lists innermost first, normalizing each, as Maven does.
        while stack.len() > 1 {
            let mut inner = stack.pop().unwrap_or_default();
            mnormalize(&mut inner);
            if let Some(parent) = stack.last_mut() {
                parent.push(MItem::List(inner));
            }
        }
        let mut items = stack.pop().unwrap_or_default();
        mnormalize(&mut items);
        Some(Maven { items })
    }
}

impl Ord for Maven {
    fn cmp(&self, other: &Self) -> Ordering {
        mcmp_lists(&self.items, &other.items)
    }
}
impl PartialOrd for Maven {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

// ---------------------------------------------------------------------------------------------
// RubyGems

/// `Gem::Version`: segments of digits or letters (`-` means `.pre.`), the numeric prefix and
/// the part from the first letter on each without trailing zeros; a letter segment sorts
/// before a number (`1.0.a < 1.0`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gem {
    segs: Vec<GemSeg>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum GemSeg {
    Num(u64),
    Str(String),
}

impl Gem {
    pub fn parse(s: &str) -> Option<Gem> {
        let t = s.trim();
        if t.is_empty()
            || !t
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
            || !t.as_bytes()[0].is_ascii_digit()
        {
            return None;
        }
        let t = t.replace('-', ".pre.");
        let mut segs = Vec::new();
        let b = t.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let start = i;
            if b[i].is_ascii_digit() {
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                segs.push(GemSeg::Num(t[start..i].parse().unwrap_or(u64::MAX)));
            } else if b[i].is_ascii_alphabetic() {
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
                segs.push(GemSeg::Str(t[start..i].to_string()));
            } else {
                i += 1;
            }
        }
        // Canonical: trailing zeros dropped from the numeric part and from the rest.
        let split = segs
            .iter()
            .position(|s| matches!(s, GemSeg::Str(_)))
            .unwrap_or(segs.len());
        let mut rest = segs.split_off(split);
        let trim = |v: &mut Vec<GemSeg>| {
            while v.last() == Some(&GemSeg::Num(0)) {
                v.pop();
            }
        };
        trim(&mut segs);
        trim(&mut rest);
        segs.extend(rest);
        Some(Gem { segs })
    }
}

impl Ord for Gem {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.segs.len().max(other.segs.len());
        let zero = GemSeg::Num(0);
        for i in 0..n {
            let l = self.segs.get(i).unwrap_or(&zero);
            let r = other.segs.get(i).unwrap_or(&zero);
            let o = match (l, r) {
                (GemSeg::Num(a), GemSeg::Num(b)) => a.cmp(b),
                (GemSeg::Str(a), GemSeg::Str(b)) => a.cmp(b),
                (GemSeg::Str(_), GemSeg::Num(_)) => Ordering::Less,
                (GemSeg::Num(_), GemSeg::Str(_)) => Ordering::Greater,
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    }
}
impl PartialOrd for Gem {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every adjacent pair of `list` is strictly increasing under `scheme`.
    fn ascending(scheme: Scheme, list: &[&str]) {
        for w in list.windows(2) {
            assert_eq!(
                compare(scheme, w[0], w[1]),
                Some(Ordering::Less),
                "{scheme:?}: {} < {}",
                w[0],
                w[1]
            );
            assert_eq!(compare(scheme, w[1], w[0]), Some(Ordering::Greater));
        }
    }

    fn equal(scheme: Scheme, a: &str, b: &str) {
        assert_eq!(compare(scheme, a, b), Some(Ordering::Equal), "{a} == {b}");
    }

    #[test]
    fn pep440_order_of_the_specification() {
        // The example ordering of PEP 440's "Summary of permitted suffixes and relative
        // ordering", plus epochs and local versions.
        ascending(
            Scheme::Pep440,
            &[
                "1.0.dev456",
                "1.0a1",
                "1.0a2.dev456",
                "1.0a12.dev456",
                "1.0a12",
                "1.0b1.dev456",
                "1.0b2",
                "1.0b2.post345.dev456",
                "1.0b2.post345",
                "1.0rc1.dev456",
                "1.0rc1",
                "1.0",
                "1.0+abc.5",
                "1.0+abc.7",
                "1.0+5",
                "1.0.post456.dev34",
                "1.0.post456",
                "1.0.15",
                "1.1.dev1",
                "2.30.0",
                "2.31.0",
                "1!0.1",
            ],
        );
        equal(Scheme::Pep440, "1.0", "1.0.0");
        equal(Scheme::Pep440, "1.0RC1", "1.0rc1");
        equal(Scheme::Pep440, "1.0-alpha-1", "1.0a1");
        equal(Scheme::Pep440, "1.0c1", "1.0rc1");
        equal(Scheme::Pep440, "1.0-1", "1.0.post1");
        equal(Scheme::Pep440, "v2.31", "2.31.0");
        equal(Scheme::Pep440, "1.0.dev", "1.0.dev0");
        assert!(Pep440::parse("2004d").is_none());
        assert!(Pep440::parse("1.0+").is_none());
        assert!(Pep440::parse("").is_none());
    }

    #[test]
    fn semver_precedence_and_go_pseudo_versions() {
        // The precedence example of SemVer 2.0 section 11.
        ascending(
            Scheme::Semver,
            &[
                "1.0.0-alpha",
                "1.0.0-alpha.1",
                "1.0.0-alpha.beta",
                "1.0.0-beta",
                "1.0.0-beta.2",
                "1.0.0-beta.11",
                "1.0.0-rc.1",
                "1.0.0",
                "1.0.1",
                "1.2.0",
                "1.10.0",
            ],
        );
        equal(Scheme::Semver, "1.0.0+build.1", "1.0.0");
        equal(Scheme::Semver, "v1.2", "1.2.0");
        // Go: a pseudo-version sorts before the release it precedes and by its timestamp;
        // +incompatible is build metadata.
        ascending(
            Scheme::Semver,
            &[
                "v0.0.0-20191109021931-daa7c04131f5",
                "v0.0.0-20200101000000-000000000000",
                "v0.1.0",
                "v0.1.1-0.20200201000000-abcdefabcdef",
                "v0.1.1",
            ],
        );
        equal(Scheme::Semver, "v2.0.0+incompatible", "2.0.0");
        assert!(Semver::parse("1.x").is_none());
        assert!(Semver::parse("^1.2.3").is_none());
    }

    #[test]
    fn maven_comparable_version() {
        // Cases of Maven's ComparableVersionTest (VERSIONS_QUALIFIER and VERSIONS_NUMBER).
        ascending(
            Scheme::Maven,
            &[
                "1-alpha2snapshot",
                "1-alpha2",
                "1-alpha-123",
                "1-beta-2",
                "1-beta123",
                "1-m2",
                "1-m11",
                "1-rc",
                "1-cr2",
                "1-rc123",
                "1-SNAPSHOT",
                "1",
                "1-sp",
                "1-sp2",
                "1-sp123",
                "1-abc",
                "1-def",
                "1-pom-1",
                "1-1-snapshot",
                "1-1",
                "1-2",
                "1-123",
            ],
        );
        ascending(
            Scheme::Maven,
            &[
                "2.0", "2-1", "2.0.a", "2.0.0.a", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b",
                "2.1-c", "2.1-1", "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11",
                "11.m2", "11.m11", "11", "11.a", "11b", "11c", "11m",
            ],
        );
        for (a, b) in [
            ("1", "1.0.0"),
            ("1-ga", "1"),
            ("1.final", "1"),
            ("1cr", "1rc"),
            ("1a1", "1-alpha-1"),
            ("1x", "1-x"),
            ("2.14.1", "2.14.1.0"),
        ] {
            equal(Scheme::Maven, a, b);
        }
        ascending(
            Scheme::Maven,
            &["2.0-beta9", "2.0", "2.14.1", "2.15.0", "2.16.0", "2.17.1"],
        );
        assert!(Maven::parse("${log4j2.version}").is_none());
    }

    #[test]
    fn rubygems_order() {
        ascending(
            Scheme::Gem,
            &[
                "1.0.a", "1.0.b1", "1.0.pre", "1.0", "1.0.1", "1.1.rc1", "1.1", "1.9", "1.10",
            ],
        );
        equal(Scheme::Gem, "1.0", "1");
        equal(Scheme::Gem, "1.0.0", "1");
        equal(Scheme::Gem, "1.0-1", "1.0.pre.1");
        assert!(Gem::parse("abc").is_none());
    }
}
