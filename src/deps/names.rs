//! Package names: normalization per ecosystem, near misses of popular packages, and an
//! optional offline registry snapshot.
//!
//! A near miss is how typosquatting works (`reqeusts` for `requests`), and how assistants
//! invent packages: a plausible join or reordering of real words (`python-dateutils`), or a
//! real name from another ecosystem (`express` on PyPI). The popular lists are shipped with
//! gate (`popular/*.txt`, built from registry download statistics); a name that is itself
//! popular is never a near miss.

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::{Context, Result};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct NearMiss {
    /// The popular package.
    pub name: String,
    /// `typo` (one edit or a swap of neighbours), `typo2` (two edits, long names),
    /// `reordered` (the same words in another order), `separator` (the same letters joined or
    /// split differently), `affix` (a popular name with a prefix or suffix such as `-js`),
    /// `other_ecosystem` (popular in another ecosystem only).
    pub kind: String,
    pub ecosystem: String,
}

const LISTS: &[(&str, &str)] = &[
    ("npm", include_str!("popular/npm.txt")),
    ("pypi", include_str!("popular/pypi.txt")),
    ("cargo", include_str!("popular/crates.txt")),
    ("go", include_str!("popular/go.txt")),
    ("rubygems", include_str!("popular/rubygems.txt")),
    ("maven", include_str!("popular/maven.txt")),
];

/// The comparable form of a name: PyPI's PEP 503 normalization, lower case elsewhere
/// (crates.io treats `-` and `_` alike).
pub fn normalize(eco: &str, name: &str) -> String {
    let lower = name.trim().to_ascii_lowercase();
    match eco {
        "pypi" => {
            let mut out = String::with_capacity(lower.len());
            let mut sep = false;
            for c in lower.chars() {
                if matches!(c, '-' | '_' | '.') {
                    sep = true;
                } else {
                    if sep && !out.is_empty() {
                        out.push('-');
                    }
                    sep = false;
                    out.push(c);
                }
            }
            out
        }
        "cargo" => lower.replace('_', "-"),
        _ => lower,
    }
}

/// Whether two names are one package ([`normalize`] of each equal), compared without
/// allocating: a whole tree compares thousands of names.
pub fn same(eco: &str, a: &str, b: &str) -> bool {
    a == b || Normalized::new(eco, a).eq(Normalized::new(eco, b))
}

/// The characters of [`normalize`]'s result, one at a time.
struct Normalized<'a> {
    chars: std::str::Chars<'a>,
    pypi: bool,
    cargo: bool,
    /// PyPI: a run of separators was skipped since the last character.
    sep: bool,
    /// PyPI: a character was produced.
    started: bool,
    /// PyPI: the character after a separator run's `-`.
    next: Option<char>,
}

impl<'a> Normalized<'a> {
    fn new(eco: &str, name: &'a str) -> Normalized<'a> {
        Normalized {
            chars: name.trim().chars(),
            pypi: eco == "pypi",
            cargo: eco == "cargo",
            sep: false,
            started: false,
            next: None,
        }
    }
}

impl Iterator for Normalized<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        if let Some(c) = self.next.take() {
            return Some(c);
        }
        loop {
            let c = self.chars.next()?.to_ascii_lowercase();
            if self.pypi {
                if matches!(c, '-' | '_' | '.') {
                    self.sep = true;
                    continue;
                }
                let sep = std::mem::take(&mut self.sep) && self.started;
                self.started = true;
                if sep {
                    self.next = Some(c);
                    return Some('-');
                }
                return Some(c);
            }
            return Some(if self.cargo && c == '_' { '-' } else { c });
        }
    }
}

/// A popular name with the forms near misses are compared in, computed once.
struct Popular {
    name: String,
    short: String,
}

struct EcosystemNames {
    all: HashSet<String>,
    list: Vec<Popular>,
    /// Letters only (separators removed) -> popular names.
    stripped: HashMap<String, Vec<usize>>,
    /// Words sorted and joined -> popular names.
    reordered: HashMap<String, Vec<usize>>,
    /// Short name -> popular names (for affix checks).
    by_short: HashMap<String, Vec<usize>>,
    /// Every word of the popular names (`set` of `set-value`): a family member whose own
    /// word is one of these is a sibling, not a typo.
    words: HashSet<String>,
}

pub struct Names {
    lists: BTreeMap<&'static str, EcosystemNames>,
}

/// The form names are compared in: Go module paths whole, without a major-version suffix
/// (`/v2`); Maven coordinates whole (`group:artifact`); other names as they are.
fn short_form(eco: &str, s: &str) -> String {
    match eco {
        "go" => {
            let t = s.trim_end_matches('/');
            match t.rsplit_once('/') {
                Some((head, v))
                    if v.len() > 1
                        && v.starts_with('v')
                        && v[1..].bytes().all(|b| b.is_ascii_digit()) =>
                {
                    head.to_string()
                }
                _ => t.to_string(),
            }
        }
        _ => s.to_string(),
    }
}

/// Whether `name` lies under `parent`: a Go package inside a module (`a/b/c` under `a/b`),
/// a Maven artifact of the same group.
fn under(eco: &str, name: &str, parent: &str) -> bool {
    match eco {
        "go" => {
            let p = short_form(eco, parent);
            name.len() > p.len() && name.starts_with(&p) && name.as_bytes()[p.len()] == b'/'
        }
        "maven" => match (name.split_once(':'), parent.split_once(':')) {
            (Some((g1, _)), Some((g2, _))) => g1 == g2,
            _ => false,
        },
        _ => false,
    }
}

/// The family part of a name: the scope of a scoped npm package (`@types/`), or every word but
/// the last (`lodash.` of `lodash.get`).
fn family(s: &str) -> Option<&str> {
    if s.starts_with('@') {
        return s.find('/').map(|i| &s[..=i]);
    }
    s.rfind(['.', '-', '_'])
        .filter(|&i| i > 0)
        .map(|i| &s[..=i])
}

fn stripped(s: &str) -> String {
    s.replace(['-', '_', '.'], "")
}

fn reorder_key(s: &str) -> Option<String> {
    let mut w = words(s);
    if w.len() < 2 {
        return None;
    }
    w.sort_unstable();
    Some(w.join(" "))
}

impl Names {
    pub fn builtin() -> Names {
        Names::with_extra(&BTreeMap::new())
    }

    /// The built-in lists with the user's names added (`dependencies.popular`).
    pub fn with_extra(extra: &BTreeMap<String, Vec<String>>) -> Names {
        let lists = LISTS
            .iter()
            .map(|(eco, text)| {
                let mut all = HashSet::new();
                let mut list = Vec::new();
                let added = extra.get(*eco).map(Vec::as_slice).unwrap_or(&[]);
                for l in text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .chain(added.iter().map(|s| s.trim()).filter(|s| !s.is_empty()))
                {
                    let n = normalize(eco, l);
                    if all.insert(n.clone()) {
                        list.push(Popular {
                            short: short_form(eco, &n),
                            name: n,
                        });
                    }
                }
                list.sort_by(|a, b| a.name.cmp(&b.name));
                let mut e = EcosystemNames {
                    all,
                    list,
                    stripped: HashMap::new(),
                    reordered: HashMap::new(),
                    by_short: HashMap::new(),
                    words: HashSet::new(),
                };
                for (i, p) in e.list.iter().enumerate() {
                    e.stripped.entry(stripped(&p.short)).or_default().push(i);
                    if let Some(k) = reorder_key(&p.short) {
                        e.reordered.entry(k).or_default().push(i);
                    }
                    e.by_short.entry(p.short.clone()).or_default().push(i);
                    for w in words(&p.short) {
                        if w.len() >= 2 {
                            e.words.insert(w.to_string());
                        }
                    }
                }
                (*eco, e)
            })
            .collect();
        Names { lists }
    }

    pub fn is_popular(&self, eco: &str, name: &str) -> bool {
        self.lists
            .get(eco)
            .is_some_and(|e| e.all.contains(&normalize(eco, name)))
    }

    /// The popular packages `name` is a near miss of, best first.
    pub fn near_misses(&self, eco: &str, name: &str, allow: &[String]) -> Vec<NearMiss> {
        self.near_misses_in(eco, name, allow, &[])
    }

    /// Near misses of a name declared beside `siblings` (the manifest's other dependencies):
    /// a Go package inside a module the manifest or the popular list has, or a Maven artifact
    /// of a group already there, is never a typo; nor is a member of a family of names
    /// (`lodash.set` beside `lodash.get`, `@types/*`).
    pub fn near_misses_in(
        &self,
        eco: &str,
        name: &str,
        allow: &[String],
        siblings: &[&str],
    ) -> Vec<NearMiss> {
        let n = normalize(eco, name);
        if allow.iter().any(|a| normalize(eco, a) == n) || self.is_popular(eco, name) {
            return Vec::new();
        }
        if siblings.iter().any(|s| under(eco, &n, &normalize(eco, s))) {
            return Vec::new();
        }
        let mut out = Vec::new();
        if let Some(e) = self.lists.get(eco) {
            if e.list.iter().any(|p| under(eco, &n, &p.name)) {
                return Vec::new();
            }
            let short = short_form(eco, &n);
            let fam = family(&short);
            // A family is a prefix shared by a popular name, or by two of them.
            let is_family = |f: &str| {
                e.all.contains(f.trim_end_matches(['.', '-', '_', '/']))
                    || e.list
                        .iter()
                        .filter(|p| p.short.starts_with(f))
                        .nth(1)
                        .is_some()
            };
            // A scope (`@types/`) is always a family; a word prefix (`lodash.`) is one when
            // the differing last word is a real word of the ecosystem's names (`lodash.set`),
            // not a misspelling (`serde_jsonn`).
            let last_is_word = fam.is_some_and(|f| e.words.contains(&short[f.len()..]));
            let family_member =
                fam.is_some_and(|f| (f.starts_with('@') || last_is_word) && is_family(f));
            let mut push = |i: usize, kind: &str| {
                let p = &e.list[i];
                let same_family = family_member && family(&p.short) == fam;
                if p.short != short
                    && p.short.len() >= 4
                    && !same_family
                    && !out.iter().any(|m: &NearMiss| m.name == p.name)
                {
                    out.push(NearMiss {
                        name: p.name.clone(),
                        kind: kind.to_string(),
                        ecosystem: eco.to_string(),
                    });
                }
            };
            // Go modules and Maven artifacts: only real typos (a different module with a
            // similar name is common and legitimate).
            let strict = matches!(eco, "go" | "maven");
            if !strict {
                for &i in e.stripped.get(&stripped(&short)).into_iter().flatten() {
                    push(i, "separator");
                }
                if let Some(k) = reorder_key(&short) {
                    for &i in e.reordered.get(&k).into_iter().flatten() {
                        push(i, "reordered");
                    }
                }
            }
            for (i, p) in e.list.iter().enumerate() {
                if p.short.len().abs_diff(short.len()) > 2 || p.short.len() < 5 {
                    continue;
                }
                // Go and Maven: under the same owner or group, a similar name is that owner's
                // other project (registries verify groups; nobody else can publish there).
                if strict && first_part(eco, &p.short) == first_part(eco, &short) {
                    continue;
                }
                match damerau(&short, &p.short, 2) {
                    1 => push(i, "typo"),
                    2 if !strict && p.short.len() >= 9 && short.len() >= 9 => push(i, "typo2"),
                    _ => {}
                }
            }
            if !strict {
                for a in AFFIXES {
                    let base = short.strip_suffix(a).or_else(|| short.strip_prefix(a));
                    if let Some(base) = base.filter(|b| b.len() >= 5) {
                        for &i in e.by_short.get(base).into_iter().flatten() {
                            push(i, "affix");
                        }
                    }
                }
            }
        }
        if out.is_empty() && matches!(eco, "npm" | "pypi" | "cargo" | "rubygems") && n.len() >= 4 {
            for (other, e) in &self.lists {
                if *other != eco
                    && matches!(*other, "npm" | "pypi" | "cargo" | "rubygems")
                    && e.all.contains(&normalize(other, name))
                {
                    out.push(NearMiss {
                        name: name.to_string(),
                        kind: "other_ecosystem".into(),
                        ecosystem: (*other).to_string(),
                    });
                }
            }
        }
        out.sort_by(|a, b| (rank(&a.kind), &a.name).cmp(&(rank(&b.kind), &b.name)));
        out.truncate(5);
        out
    }
}

/// Go: the host and owner (`github.com/gin-gonic`); Maven: the group.
fn first_part<'a>(eco: &str, s: &'a str) -> &'a str {
    match eco {
        "go" => s.rsplit_once('/').map_or(s, |(h, _)| h),
        _ => s.split_once(':').map_or(s, |(g, _)| g),
    }
}

fn rank(kind: &str) -> u8 {
    match kind {
        "typo" => 0,
        "separator" => 1,
        "reordered" => 2,
        "typo2" => 3,
        "affix" => 4,
        _ => 5,
    }
}

fn words(s: &str) -> Vec<&str> {
    s.split(['-', '_', '.', '/', '@'])
        .filter(|w| !w.is_empty())
        .collect()
}

const AFFIXES: &[&str] = &[
    "js",
    "-js",
    ".js",
    "py",
    "-py",
    "python-",
    "py-",
    "-python",
    "node-",
    "-node",
    "2",
    "3",
    "-dev",
    "-cli",
    "-lib",
    "lib",
    "-core",
    "-official",
    "-sdk",
    "-api",
];

/// Optimal-string-alignment distance (edits plus swaps of neighbours), capped at `cap + 1`.
fn damerau(a: &str, b: &str, cap: usize) -> usize {
    let a: Vec<u8> = a.bytes().collect();
    let b: Vec<u8> = b.bytes().collect();
    let (n, m) = (a.len(), b.len());
    let mut prev2 = vec![0usize; m + 1];
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur = vec![0usize; m + 1];
    for i in 1..=n {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > cap {
            return cap + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[m]
}

/// Registry snapshots, opened on first use through their cached index (a snapshot of
/// 900,000 names is hashed once; a check then reads a few dozen bytes per name).
pub struct RegistrySnapshots<'a> {
    paths: &'a BTreeMap<String, String>,
    root: &'a std::path::Path,
    cache: &'a std::path::Path,
    loaded: HashMap<String, super::advisories::NameIndex>,
}

impl<'a> RegistrySnapshots<'a> {
    pub fn new(
        paths: &'a BTreeMap<String, String>,
        root: &'a std::path::Path,
        cache: &'a std::path::Path,
    ) -> Self {
        RegistrySnapshots {
            paths,
            root,
            cache,
            loaded: HashMap::new(),
        }
    }

    /// `Some(found)` when a snapshot is configured for the ecosystem.
    pub fn contains(&mut self, eco: &str, name: &str) -> Result<Option<bool>> {
        let Some(path) = self.paths.get(eco) else {
            return Ok(None);
        };
        if !self.loaded.contains_key(eco) {
            let idx = super::advisories::NameIndex::open(eco, &self.root.join(path), self.cache)
                .with_context(|| format!("dependencies.registry.{eco}"))?;
            self.loaded.insert(eco.to_string(), idx);
        }
        self.loaded.get(eco).map(|i| i.contains(name)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_is_equal_normal_forms() {
        let names = [
            "Requests",
            "requests",
            "  requests ",
            "python-dateutil",
            "Python_Dateutil",
            "python..dateutil",
            "-python-dateutil-",
            "_a",
            "a_",
            "a-b",
            "a_b",
            "a.b",
            "A__B",
            "serde_json",
            "serde-json",
            "Serde-JSON",
            "ÄÖ",
            "äö",
            "",
            " ",
            "-",
            "a",
            "b",
        ];
        for eco in ["pypi", "cargo", "npm", "go", "maven", "rubygems"] {
            for a in names {
                for b in names {
                    assert_eq!(
                        same(eco, a, b),
                        normalize(eco, a) == normalize(eco, b),
                        "{eco} {a:?} {b:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn normalization() {
        assert_eq!(normalize("pypi", "Python_Dateutil"), "python-dateutil");
        assert_eq!(normalize("pypi", "zope.interface"), "zope-interface");
        assert_eq!(normalize("cargo", "serde_json"), "serde-json");
    }

    #[test]
    fn near_misses_of_popular_names() {
        let n = Names::builtin();
        let m = n.near_misses("pypi", "reqeusts", &[]);
        assert_eq!(
            m.first().map(|x| (x.name.as_str(), x.kind.as_str())),
            Some(("requests", "typo")),
            "{m:?}"
        );
        assert!(
            n.near_misses("pypi", "requests", &[]).is_empty(),
            "popular names are not misses"
        );
        assert_eq!(
            n.near_misses("npm", "expres", &[])
                .first()
                .map(|x| x.name.as_str()),
            Some("express")
        );
        assert_eq!(
            n.near_misses("pypi", "pythondateutil", &[])
                .first()
                .map(|x| x.kind.as_str()),
            Some("separator")
        );
        assert_eq!(
            n.near_misses("pypi", "express", &[])
                .first()
                .map(|x| (x.kind.as_str(), x.ecosystem.as_str())),
            Some(("other_ecosystem", "npm"))
        );
        assert!(
            n.near_misses("pypi", "reqeusts", &["reqeusts".into()])
                .is_empty(),
            "allow list"
        );
        assert!(n
            .near_misses("npm", "my-internal-widget-kit", &[])
            .is_empty());
    }

    #[test]
    fn paths_families_and_user_names() {
        let n = Names::builtin();
        let first = |eco: &str, name: &str, sib: &[&str]| {
            n.near_misses_in(eco, name, &[], sib)
                .first()
                .map(|m| m.name.clone())
        };
        // Go: whole module paths; a package inside a module is no typo.
        assert_eq!(first("go", "github.com/go-openapi/swag/pools", &[]), None);
        assert_eq!(
            first("go", "github.com/acme/tool/sub", &["github.com/acme/tool"]),
            None
        );
        assert_eq!(
            first("go", "github.com/gin-gonik/gin", &[]).as_deref(),
            Some("github.com/gin-gonic/gin")
        );
        assert_eq!(
            first("go", "github.com/spf13/cobre", &[]),
            None,
            "same owner"
        );
        // Maven: coordinates whole; the same group is its owner's.
        assert_eq!(
            first("maven", "org.apache.logging.log4j:log4j-cor", &[]),
            None
        );
        // Families: siblings with real words, and scopes, are not typos; misspellings are.
        assert_eq!(first("npm", "lodash.set", &[]), None);
        assert_eq!(first("npm", "@types/nodee", &[]), None);
        assert_eq!(
            first("cargo", "serde_jsonn", &[]).as_deref(),
            Some("serde-json")
        );
        assert_eq!(first("npm", "lodahs", &[]).as_deref(), Some("lodash"));
        assert_eq!(first("pypi", "reqeusts", &[]).as_deref(), Some("requests"));
        // The user's popular names.
        let extra: BTreeMap<String, Vec<String>> =
            [("pypi".to_string(), vec!["acme-billing-client".to_string()])].into();
        let u = Names::with_extra(&extra);
        assert_eq!(
            u.near_misses("pypi", "acme-biling-client", &[])
                .first()
                .map(|m| m.name.as_str()),
            Some("acme-billing-client")
        );
        assert!(u.near_misses("pypi", "acme-billing-client", &[]).is_empty());
    }

    #[test]
    fn distances() {
        assert_eq!(damerau("reqeusts", "requests", 2), 1);
        assert_eq!(damerau("abc", "abc", 2), 0);
        assert_eq!(damerau("kitten", "sitting", 2), 3);
    }
}
