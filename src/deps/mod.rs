//! Dependencies: every change to what a project pulls in, from manifests and lockfiles.
//!
//! Each changed manifest or lockfile is parsed before and after the change (the base revision
//! and the head, or the diff reversed on the work tree), and the two are compared. Names are
//! then judged against lists of popular packages shipped with gate (near misses are how
//! typosquatting and "slopsquatting" of assistant-invented names work), and optionally against
//! a local snapshot of a registry's names. A manifest that does not parse is an error naming
//! the file and line: a gate cannot pass what it cannot read.

pub mod cargo;
pub mod go;
pub mod maven;
pub mod names;
pub mod npm;
pub mod python;
pub mod ruby;
pub mod version;

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{anyhow, Result};
use serde::{Deserialize, Serialize};

use crate::change::{ChangeSet, FileChange, FileStatus};
use crate::paths::table::{self, DependencyFile};
use crate::weakening::{added, checked, FieldRule};

/// Where a dependency comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Registry,
    Git,
    Url,
    Path,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Registry => "registry",
            SourceKind::Git => "git",
            SourceKind::Url => "url",
            SourceKind::Path => "path",
        }
    }
}

/// How a dependency changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DepChange {
    Added,
    Removed,
    Upgraded,
    Downgraded,
    /// Same name, another source (registry to git, another URL or path).
    SourceChanged,
}

/// One dependency change (`input.dependencies`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DependencyFact {
    /// `npm`, `cargo`, `pypi`, `go`, `rubygems`, `maven`.
    pub ecosystem: String,
    /// The manifest (or lockfile, for transitive packages) the change is in.
    pub manifest: String,
    pub line: Option<u32>,
    pub name: String,
    pub change: DepChange,
    pub from: Option<String>,
    pub to: Option<String>,
    pub major_bump: bool,
    pub direct: bool,
    /// `registry`, `git`, `url`, `path`.
    pub source: String,
    pub pinned: bool,
    /// Whether the committed lockfile (after the change) has it; `None` without a lockfile.
    pub in_lockfile: Option<bool>,
    pub lockfile_changed: bool,
    /// The lockfile says the newly added package runs install scripts (npm).
    pub install_scripts: Option<bool>,
    pub dev: bool,
    /// Popular packages this name is a near miss of.
    pub similar_to: Vec<crate::deps::names::NearMiss>,
    /// Whether the configured registry snapshot lists the name; `None` without a snapshot.
    pub exists_in_registry: Option<bool>,
}

/// A direct dependency as a manifest declares it.
#[derive(Debug, Clone, PartialEq)]
pub struct Declared {
    pub name: String,
    /// The requirement as written (`^4.18.0`, `>=2,<3`, a git URL ...).
    pub spec: String,
    pub line: u32,
    pub source: SourceKind,
    /// Where a non-registry source points (URL, path), for `source_changed`.
    pub location: Option<String>,
    pub pinned: bool,
    pub dev: bool,
}

/// A package a lockfile resolves.
#[derive(Debug, Clone, PartialEq)]
pub struct Locked {
    pub name: String,
    pub version: String,
    pub source: SourceKind,
    pub install_script: bool,
}

/// The file kinds gate understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Manifest(&'static str),
    Lockfile(&'static str),
}

/// What kind of dependency file a path is, by name (from the shared table of ecosystems).
pub fn kind(path: &str) -> Option<Kind> {
    Some(match table::dependency_file(path)? {
        DependencyFile::Manifest(eco) => Kind::Manifest(eco),
        DependencyFile::Lockfile(eco) => Kind::Lockfile(eco),
    })
}

/// Lockfiles that pin a manifest, in the manifest's directory.
fn lockfiles_for(manifest: &str) -> Vec<String> {
    table::lockfiles_for(manifest)
}

/// A parse error with a line, turned into a message that names the file.
pub fn located(path: &str, line: usize, msg: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("{path}:{line}: cannot parse: {msg}")
}

/// 1-based line of a byte offset.
pub fn line_at(text: &str, offset: usize) -> u32 {
    let upto = &text.as_bytes()[..offset.min(text.len())];
    u32::try_from(memchr::memchr_iter(b'\n', upto).count() + 1).unwrap_or(u32::MAX)
}

/// The line where `needle` first occurs at or after `from`, else 1.
pub fn find_line(text: &str, needle: &str, from: usize) -> u32 {
    text.get(from..)
        .and_then(|t| t.find(needle))
        .map_or(1, |p| line_at(text, from + p))
}

fn parse_manifest(eco: &str, path: &str, text: &str) -> Result<Vec<Declared>> {
    let name = path.rsplit('/').next().unwrap_or(path);
    match (eco, name) {
        ("npm", _) => npm::parse_package_json(path, text),
        ("cargo", _) => cargo::parse_manifest(path, text),
        ("pypi", "pyproject.toml") => python::parse_pyproject(path, text),
        ("pypi", _) => python::parse_requirements(path, text),
        ("go", _) => go::parse_go_mod(path, text),
        ("rubygems", _) => ruby::parse_gemfile(path, text),
        ("maven", _) => maven::parse_pom(path, text),
        _ => Ok(Vec::new()),
    }
}

fn parse_lockfile(path: &str, text: &str) -> Result<Vec<Locked>> {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name {
        "package-lock.json" | "npm-shrinkwrap.json" => npm::parse_package_lock(path, text),
        "yarn.lock" => npm::parse_yarn_lock(path, text),
        "pnpm-lock.yaml" => npm::parse_pnpm_lock(path, text),
        "Cargo.lock" => cargo::parse_lock(path, text),
        "poetry.lock" | "uv.lock" => python::parse_lock(path, text),
        "go.sum" => go::parse_go_sum(path, text),
        "Gemfile.lock" | "gems.locked" => ruby::parse_gemfile_lock(path, text),
        _ => Ok(Vec::new()),
    }
}

/// A lockfile that changed, and whether its manifest changed with it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LockfileChange {
    pub path: String,
    pub ecosystem: String,
    pub manifest_changed: bool,
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
}

/// Settings under `dependencies:` in .gate.yaml.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct DepsConfig {
    /// Per ecosystem, a file listing every name the registry serves (one per line, or a TSV
    /// whose first column is the name): names missing from it are reported as nonexistent.
    pub registry: BTreeMap<String, String>,
    /// Names that are never reported as near misses (internal packages).
    pub allow: Vec<String>,
}

impl DepsConfig {
    /// How `after` weakens this section: registry snapshots dropped or pointed elsewhere,
    /// names allowed as near misses.
    pub fn weakened_by(&self, after: &DepsConfig) -> Vec<String> {
        let mut w = Vec::new();
        for (eco, file) in &self.registry {
            match after.registry.get(eco) {
                None => w.push(format!("stops checking {eco} names against {file}")),
                Some(f) if f != file => {
                    w.push(format!("points the {eco} registry snapshot at {f}"))
                }
                Some(_) => {}
            }
        }
        for n in added(&self.allow, &after.allow) {
            w.push(format!("allows {n} as a near miss of a popular package"));
        }
        w
    }
}

/// The fields of `dependencies:` and how each can weaken the gate.
pub const WEAKENINGS: &[FieldRule] = &[
    checked(
        "registry",
        "{registry: {npm: npm-names.txt}}",
        "{registry: {}}",
    ),
    checked("allow", "{allow: []}", "{allow: [reqeusts]}"),
];

/// Text of a file before and after the change; `None` where it does not exist.
pub struct Images {
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Images {
    /// Both versions through one parser (an absent version is empty); a base version that
    /// does not parse says so in the error.
    fn parse<T>(&self, parse: impl Fn(&str) -> Result<Vec<T>>) -> Result<(Vec<T>, Vec<T>)> {
        let before = match self.before.as_deref().map(&parse).transpose() {
            Ok(b) => b.unwrap_or_default(),
            Err(e) => return Err(anyhow!("{e:#} (base version)")),
        };
        let after = self
            .after
            .as_deref()
            .map(&parse)
            .transpose()?
            .unwrap_or_default();
        Ok((before, after))
    }
}

fn utf8(path: &str, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes)
        .map_err(|e| anyhow!("{path}: not UTF-8 (byte {})", e.utf8_error().valid_up_to()))
}

/// The before and after text of a changed file, from the snapshots, or rebuilt from the diff.
pub fn images(cs: &ChangeSet, f: &FileChange) -> Result<Images> {
    let after = if f.status == FileStatus::Deleted {
        None
    } else {
        match cs.post.read(&f.path)? {
            Some(b) => Some(utf8(&f.path, b)?),
            None if f.status == FileStatus::Added => {
                Some(join_lines(f.added_lines().map(|l| &*l.text)))
            }
            None => None,
        }
    };
    let old = f.old_path.as_deref().unwrap_or(&f.path);
    let before = if f.status == FileStatus::Added {
        None
    } else {
        match cs.pre.read(old)? {
            Some(b) => Some(utf8(old, b)?),
            None if f.status == FileStatus::Deleted => Some(join_lines(
                f.hunks
                    .iter()
                    .flat_map(|h| h.removed.iter())
                    .map(|l| &*l.text),
            )),
            None => after.as_deref().map(|a| reverse_apply(a, f)),
        }
    };
    Ok(Images { before, after })
}

fn join_lines<'a>(lines: impl Iterator<Item = &'a [u8]>) -> String {
    let mut s = String::new();
    for l in lines {
        s.push_str(&String::from_utf8_lossy(l));
        s.push('\n');
    }
    s
}

/// The pre-image of a file from its post-image and the hunks: the post-image's lines that
/// were not added, in order, with the removed lines put back at their old line numbers.
pub fn reverse_apply(after: &str, f: &FileChange) -> String {
    let added: BTreeSet<u32> = f.added_lines().map(|l| l.line).collect();
    let mut kept = after
        .lines()
        .enumerate()
        .filter(|(i, _)| !added.contains(&u32::try_from(i + 1).unwrap_or(u32::MAX)))
        .map(|(_, l)| l);
    let removed: BTreeMap<u32, String> = f
        .hunks
        .iter()
        .flat_map(|h| h.removed.iter())
        .map(|r| (r.line, String::from_utf8_lossy(&r.text).into_owned()))
        .collect();
    let mut out = String::new();
    let mut old = 1u32;
    loop {
        if let Some(r) = removed.get(&old) {
            out.push_str(r);
        } else if let Some(k) = kept.next() {
            out.push_str(k);
        } else if removed.range(old..).next().is_none() {
            break;
        }
        out.push('\n');
        old += 1;
    }
    out
}

/// The line of a TOML key written at the start of a line (`name = ...`), searching from `from`.
pub fn key_line(text: &str, key: &str, from: usize) -> u32 {
    let needle = format!("\n{key}");
    text.get(from.saturating_sub(1)..)
        .and_then(|t| t.find(&needle))
        .map_or(1, |p| line_at(text, from.saturating_sub(1) + p) + 1)
}

/// The lowest version number mentioned in a requirement (`^4.18.0` -> [4, 18, 0]).
pub fn version_key(spec: &str) -> Option<Vec<u64>> {
    let start = spec.find(|c: char| c.is_ascii_digit())?;
    let rest = &spec[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let parts: Vec<u64> = rest[..end]
        .split('.')
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    (!parts.is_empty()).then_some(parts)
}

/// Semver-major: the first non-zero component (0.3 -> 0.4 is major, as cargo and npm treat it).
fn major(v: &[u64]) -> (u64, u64) {
    match v {
        [0, minor, ..] => (0, *minor),
        [m, ..] => (*m, 0),
        [] => (0, 0),
    }
}

/// Compares all changed manifests and lockfiles of a change.
pub fn analyze(
    cs: &ChangeSet,
    cfg: &DepsConfig,
) -> Result<(Vec<DependencyFact>, Vec<LockfileChange>)> {
    let changed: BTreeSet<&str> = cs.files.iter().map(|f| f.path.as_str()).collect();
    let mut facts = Vec::new();
    let mut lock_changes = Vec::new();
    // The popular-package lists are indexed only when a dependency needs judging.
    let names_cell: std::cell::OnceCell<names::Names> = std::cell::OnceCell::new();
    let names = || names_cell.get_or_init(names::Names::builtin);
    let mut registry = names::RegistrySnapshots::new(&cfg.registry);
    for f in cs.files.iter().filter(|f| !f.binary && !f.whole_file) {
        let Some(k) = kind(&f.path) else { continue };
        let img = images(cs, f)?;
        match k {
            Kind::Manifest(eco) => {
                let (before, after) = img.parse(|t| parse_manifest(eco, &f.path, t))?;
                // The committed lockfile after the change, and before it.
                let mut lock_after: Option<Vec<Locked>> = None;
                let mut lock_before: Option<Vec<Locked>> = None;
                let mut lock_changed = false;
                for lf in lockfiles_for(&f.path) {
                    let after_text = match cs.files.iter().find(|x| x.path == lf) {
                        Some(lx) => images(cs, lx)?.after,
                        None => cs.post.read(&lf)?.map(|b| utf8(&lf, b)).transpose()?,
                    };
                    if let Some(t) = after_text {
                        lock_after = Some(parse_lockfile(&lf, &t)?);
                        lock_changed = changed.contains(lf.as_str());
                        if let Some(lx) = cs.files.iter().find(|x| x.path == lf) {
                            if let Some(bt) = images(cs, lx)?.before {
                                lock_before = Some(parse_lockfile(&lf, &bt).unwrap_or_default());
                            }
                        } else {
                            lock_before = lock_after.clone();
                        }
                        break;
                    }
                }
                for mut d in compare(eco, &f.path, &before, &after) {
                    if let Some(lock) = &lock_after {
                        let present = lock.iter().any(|l| names::same(eco, &l.name, &d.name));
                        d.in_lockfile = Some(present);
                        let was = lock_before
                            .as_ref()
                            .is_some_and(|b| b.iter().any(|l| names::same(eco, &l.name, &d.name)));
                        d.install_scripts = lock
                            .iter()
                            .find(|l| names::same(eco, &l.name, &d.name))
                            .map(|l| l.install_script && !was);
                    }
                    d.lockfile_changed = lock_changed;
                    if matches!(d.change, DepChange::Added | DepChange::SourceChanged) {
                        d.similar_to = names().near_misses(eco, &d.name, &cfg.allow);
                        d.exists_in_registry = registry.contains(eco, &d.name)?;
                    }
                    facts.push(d);
                }
            }
            Kind::Lockfile(eco) => {
                let (before, after) = img.parse(|t| parse_lockfile(&f.path, t))?;
                let manifest_changed = cs.files.iter().any(|m| {
                    matches!(kind(&m.path), Some(Kind::Manifest(e)) if e == eco)
                        && lockfiles_for(&m.path).contains(&f.path)
                });
                let key = |l: &Locked| (names::normalize(eco, &l.name), l.version.clone());
                let b: BTreeSet<(String, String)> = before.iter().map(key).collect();
                let a: BTreeSet<(String, String)> = after.iter().map(key).collect();
                let bn: BTreeSet<&String> = b.iter().map(|x| &x.0).collect();
                let an: BTreeSet<&String> = a.iter().map(|x| &x.0).collect();
                let added = an.difference(&bn).count();
                let removed = bn.difference(&an).count();
                let changed_versions = a.difference(&b).filter(|x| bn.contains(&x.0)).count();
                let direct: BTreeSet<String> = facts
                    .iter()
                    .map(|d: &DependencyFact| names::normalize(eco, &d.name))
                    .collect();
                // Transitive packages new to the lockfile, with install scripts.
                for l in after
                    .iter()
                    .filter(|l| !bn.contains(&names::normalize(eco, &l.name)))
                {
                    if l.install_script && !direct.contains(&names::normalize(eco, &l.name)) {
                        facts.push(DependencyFact {
                            ecosystem: eco.to_string(),
                            manifest: f.path.clone(),
                            line: Some(find_line(img.after.as_deref().unwrap_or(""), &l.name, 0)),
                            name: l.name.clone(),
                            change: DepChange::Added,
                            from: None,
                            to: Some(l.version.clone()),
                            major_bump: false,
                            direct: false,
                            source: l.source.as_str().into(),
                            pinned: true,
                            in_lockfile: Some(true),
                            lockfile_changed: true,
                            install_scripts: Some(true),
                            dev: false,
                            similar_to: Vec::new(),
                            exists_in_registry: None,
                        });
                    }
                }
                if added + removed + changed_versions > 0 {
                    lock_changes.push(LockfileChange {
                        path: f.path.clone(),
                        ecosystem: eco.to_string(),
                        manifest_changed,
                        added,
                        removed,
                        changed: changed_versions,
                    });
                }
            }
        }
    }
    facts.sort_by(|a, b| (&a.manifest, a.line, &a.name).cmp(&(&b.manifest, b.line, &b.name)));
    Ok((facts, lock_changes))
}

/// The direct dependency changes between two versions of a manifest.
fn compare(
    eco: &str,
    manifest: &str,
    before: &[Declared],
    after: &[Declared],
) -> Vec<DependencyFact> {
    let key = |d: &Declared| names::normalize(eco, &d.name);
    let b: BTreeMap<String, &Declared> = before.iter().map(|d| (key(d), d)).collect();
    let a: BTreeMap<String, &Declared> = after.iter().map(|d| (key(d), d)).collect();
    let mut out = Vec::new();
    let fact = |d: &Declared,
                change: DepChange,
                from: Option<String>,
                to: Option<String>,
                major_bump: bool| {
        DependencyFact {
            ecosystem: eco.to_string(),
            manifest: manifest.to_string(),
            line: Some(d.line),
            name: d.name.clone(),
            change,
            from,
            to,
            major_bump,
            direct: true,
            source: d.source.as_str().to_string(),
            pinned: d.pinned,
            in_lockfile: None,
            lockfile_changed: false,
            install_scripts: None,
            dev: d.dev,
            similar_to: Vec::new(),
            exists_in_registry: None,
        }
    };
    for (k, d) in &a {
        match b.get(k) {
            None => out.push(fact(d, DepChange::Added, None, Some(d.spec.clone()), false)),
            Some(old) => {
                if old.source != d.source || old.location != d.location {
                    out.push(fact(
                        d,
                        DepChange::SourceChanged,
                        Some(old.spec.clone()),
                        Some(d.spec.clone()),
                        false,
                    ));
                } else if old.spec != d.spec {
                    let (vo, vn) = (version_key(&old.spec), version_key(&d.spec));
                    let (change, major_bump) = match (&vo, &vn) {
                        (Some(o), Some(n)) if n < o => (DepChange::Downgraded, false),
                        (Some(o), Some(n)) => (DepChange::Upgraded, major(n) > major(o)),
                        _ => (DepChange::Upgraded, false),
                    };
                    out.push(fact(
                        d,
                        change,
                        Some(old.spec.clone()),
                        Some(d.spec.clone()),
                        major_bump,
                    ));
                }
            }
        }
    }
    for (k, d) in &b {
        if !a.contains_key(k) {
            let mut f = fact(d, DepChange::Removed, Some(d.spec.clone()), None, false);
            f.line = None;
            out.push(f);
        }
    }
    out
}

/// Whether a requirement pins one exact version.
pub fn exact(spec: &str) -> bool {
    let s = spec.trim().trim_start_matches('=').trim_start_matches('v');
    !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_digit())
        && !s.contains(['^', '~', '>', '<', '*', ' ', ',', '|'])
        && !s.split('.').any(|p| p.eq_ignore_ascii_case("x"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_majors() {
        assert_eq!(version_key("^4.18.2"), Some(vec![4, 18, 2]));
        assert_eq!(version_key(">=2.31,<3"), Some(vec![2, 31]));
        assert!(major(&[5, 0, 0]) > major(&[4, 21, 0]));
        assert!(major(&[0, 4]) > major(&[0, 3, 9]));
        assert!(
            exact("1.2.3") && exact("=1.2.3") && !exact("^1.2.3") && !exact("1.x") && !exact("*")
        );
    }

    #[test]
    fn reverse_apply_rebuilds_the_pre_image() {
        let diff =
            b"--- a/r.txt\n+++ b/r.txt\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n@@ -5,0 +6 @@\n+z\n";
        let f = crate::change::diff::parse(diff).expect("diff").remove(0);
        let after = "a\nB\nc\nd\ne\nz\n";
        assert_eq!(reverse_apply(after, &f), "a\nb\nc\nd\ne\n");
    }
}
