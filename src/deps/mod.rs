//! Dependencies: every change to what a project pulls in, from manifests and lockfiles.
//!
//! Each changed manifest or lockfile is parsed before and after the change (the base revision
//! and the head, or the diff reversed on the work tree), and the two are compared. Names are
//! then judged against lists of popular packages shipped with gate (near misses are how
//! typosquatting and "slopsquatting" of assistant-invented names work), and optionally against
//! a local snapshot of a registry's names. A manifest that does not parse is an error naming
//! the file and line: a gate cannot pass what it cannot read.

pub mod advisories;
pub mod audit;
pub mod cargo;
pub mod go;
pub mod maven;
pub mod names;
pub mod npm;
pub mod osv;
pub mod python;
pub mod ruby;
pub mod sbom;
pub mod version;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use anyhow::{anyhow, Result};
use serde::{Deserialize, Serialize};

use crate::change::{ChangeSet, FileChange, FileStatus};
use crate::errors::{InputError, Located};
use crate::paths::table::{self, DependencyFile};
use crate::weakening::{added, checked, removed, FieldRule};

/// Where a dependency comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    #[default]
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
    /// The requirement is written differently but admits the same lowest version, or what it
    /// stands for is no longer known (a Maven property now set outside the change).
    ConstraintChanged,
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
    /// `major`, or `minor_0x` for a 0.x minor bump (breaking by SemVer convention); `None`
    /// otherwise.
    pub bump: Option<String>,
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
    /// The package actually installed when the manifest names it differently (npm
    /// `npm:` aliases, Cargo `package =`, a Go `replace` by another module).
    pub package: Option<String>,
    /// Why the version cannot be resolved (a Maven property or BOM outside the change).
    pub unresolved: Option<String>,
    /// Popular packages this name is a near miss of.
    pub similar_to: Vec<crate::deps::names::NearMiss>,
    /// Whether the configured registry snapshot lists the name; `None` without a snapshot.
    pub exists_in_registry: Option<bool>,
    /// A version forced on the tree (npm `overrides`, yarn `resolutions`, pnpm
    /// `pnpm.overrides`): a requirement recorded for dependencies' sake, not a dependency.
    pub forced: bool,
    /// A package of the same repository (an npm package.json of the head tree with that
    /// `name`, a Cargo path dependency): its bumps are the project's own releases.
    pub first_party: bool,
    /// The manifest is under an example or sample directory (`examples/`, `samples/`, see
    /// `PathRules::is_sample`): a demonstration's requirements, not what the project ships.
    pub sample: bool,
}

/// A dependency as a manifest declares it.
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
    /// False for requirements a manifest records for its dependencies' sake (Go's
    /// `// indirect`).
    pub direct: bool,
    /// The part of the manifest it is declared in (`devDependencies`, a Maven profile, ...):
    /// the same name in two sections is two declarations.
    pub section: String,
    /// The package actually installed when the manifest names it differently (npm
    /// `"x": "npm:real@1"`, Cargo `package = "real"`, a Go `replace` by another module).
    pub target: Option<String>,
    /// Why the version is not known (a Maven property or a BOM outside the change).
    pub unresolved: Option<String>,
    /// A version forced on the dependency tree (npm `overrides`, yarn `resolutions`, pnpm
    /// `pnpm.overrides`), not a dependency of its own.
    pub forced: bool,
}

impl Default for Declared {
    fn default() -> Self {
        Declared {
            name: String::new(),
            spec: String::new(),
            line: 1,
            source: SourceKind::Registry,
            location: None,
            pinned: false,
            dev: false,
            direct: true,
            section: String::new(),
            target: None,
            unresolved: None,
            forced: false,
        }
    }
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

/// What kind of dependency file a path is, by name (from the shared table of ecosystems:
/// `requirements*.txt`, `*requirements*.in`, `constraints*.txt`, and every `.txt`/`.in` file
/// in a `requirements/` directory, the pip-tools layout, are pip requirement files).
pub fn kind(path: &str) -> Option<Kind> {
    Some(match table::dependency_file(path)? {
        DependencyFile::Manifest(eco) => Kind::Manifest(eco),
        DependencyFile::Lockfile(eco) => Kind::Lockfile(eco),
    })
}

/// Lockfiles that pin a manifest, in the manifest's directory (for pip-tools,
/// `requirements.in` is compiled into `requirements.txt` beside it).
fn lockfiles_for(manifest: &str) -> Vec<String> {
    table::lockfiles_for(manifest)
}

/// Whether `manifest` is a workspace member locked by `lockfile` in a directory above it:
/// npm, yarn and pnpm workspaces and Cargo workspaces keep one lockfile at the root for every
/// member's `package.json` / `Cargo.toml` (excalidraw c1082923ee: yarn.lock moved with
/// packages/excalidraw/package.json). Go modules, Python projects and Bundler lock per
/// directory, so they are not members.
fn workspace_member(lockfile: &str, manifest: &str) -> bool {
    let (lock_dir, _) = lockfile.rsplit_once('/').unwrap_or(("", lockfile));
    let (man_dir, man_name) = manifest.rsplit_once('/').unwrap_or(("", manifest));
    if !matches!(man_name, "package.json" | "Cargo.toml") {
        return false;
    }
    let below = if lock_dir.is_empty() {
        !man_dir.is_empty()
    } else {
        man_dir
            .strip_prefix(lock_dir)
            .is_some_and(|r| r.starts_with('/'))
    };
    let at_lock = if lock_dir.is_empty() {
        man_name.to_string()
    } else {
        format!("{lock_dir}/{man_name}")
    };
    below && lockfiles_for(&at_lock).iter().any(|l| l == lockfile)
}

/// A parse error with a line, turned into an error that names the file and line.
pub fn located(path: &str, line: usize, msg: impl std::fmt::Display) -> anyhow::Error {
    let line = u32::try_from(line).unwrap_or(u32::MAX);
    anyhow::Error::new(Located::new(
        path,
        Some(line),
        format!("cannot parse: {msg}"),
    ))
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
        // A compiled requirements file is the lock of its `.in`.
        n if n.ends_with(".txt") => Ok(python::parse_requirements(path, text)?
            .into_iter()
            .filter_map(|d| {
                let v = python::pinned_version(&d.spec)?;
                Some(Locked {
                    name: d.name,
                    version: v,
                    source: d.source,
                    install_script: false,
                })
            })
            .collect()),
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
    /// The names of the packages that came (sorted), for the finding to say which.
    pub added_names: Vec<String>,
}

/// Settings under `dependencies:` in .gate.yaml.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct DepsConfig {
    /// Per ecosystem, a file listing every name the registry serves (one per line, or a TSV
    /// whose first column is the name): names missing from it are reported as nonexistent.
    pub registry: BTreeMap<String, String>,
    /// Names that are never reported as near misses (internal packages).
    pub allow: Vec<String>,
    /// Per ecosystem, names added to the built-in popular lists (near misses of these are
    /// reported as likely typos too).
    pub popular: BTreeMap<String, Vec<String>>,
    /// Directories or zip files of OSV records (relative to the repository root): osv.dev's
    /// per-ecosystem `all.zip` exports, the GitHub, PyPA, Go or RustSec databases, the
    /// OpenSSF malicious-packages repository.
    pub advisories: Vec<String>,
    /// Where indexes of advisories and registry snapshots are cached (default: the user's
    /// cache directory, `GATE_CACHE_DIR` when set).
    pub cache: Option<String>,
    /// Severities of known vulnerabilities that fail the change (GATE-DEP-009); the others
    /// warn. Malicious packages always fail.
    pub block_severities: Vec<String>,
}

impl Default for DepsConfig {
    fn default() -> Self {
        DepsConfig {
            registry: BTreeMap::new(),
            allow: Vec::new(),
            popular: BTreeMap::new(),
            advisories: Vec::new(),
            cache: None,
            block_severities: vec!["critical".into(), "high".into()],
        }
    }
}

impl DepsConfig {
    /// How `after` weakens this section: registry snapshots dropped or pointed elsewhere,
    /// names allowed as near misses or dropped from the popular lists, advisory databases
    /// dropped, the advisory cache moved, severities that no longer block.
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
        for (eco, names) in &self.popular {
            let kept = after.popular.get(eco).map_or(&[][..], |v| v.as_slice());
            for n in removed(names, kept) {
                w.push(format!("drops {n} from the popular {eco} names"));
            }
        }
        for a in removed(&self.advisories, &after.advisories) {
            w.push(format!(
                "stops checking dependencies against the advisories in {a}"
            ));
        }
        if after.cache != self.cache {
            w.push(format!(
                "moves the advisory cache to {}",
                after.cache.as_deref().unwrap_or("the default directory")
            ));
        }
        for s in removed(&self.block_severities, &after.block_severities) {
            w.push(format!("no longer fails on {s} known vulnerabilities"));
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
    checked("popular", "{popular: {pypi: [acme-core]}}", "{popular: {}}"),
    checked(
        "advisories",
        "{advisories: [osv/PyPI.zip]}",
        "{advisories: []}",
    ),
    checked("cache", "{cache: null}", "{cache: .gate-cache}"),
    checked(
        "block_severities",
        "{block_severities: [critical, high]}",
        "{block_severities: [critical]}",
    ),
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
            Err(e) => {
                return Err(match e.downcast_ref::<Located>() {
                    Some(l) => {
                        let msg = format!("{} (base version)", l.message);
                        anyhow::Error::new(Located::new(&l.path, l.line, msg))
                    }
                    None => anyhow!("{e:#} (base version)"),
                })
            }
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
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        anyhow::Error::new(Located::new(path, None, format!("not UTF-8 (byte {at})")))
    })
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

/// The lowest version number mentioned in a requirement (`^4.18.1` -> [4, 18, 1]), without
/// trailing zeros.
pub fn version_key(spec: &str) -> Option<Vec<u64>> {
    let start = spec.find(|c: char| c.is_ascii_digit())?;
    let rest = &spec[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let mut parts: Vec<u64> = rest[..end]
        .split('.')
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    // `3.6` and `3.6.0` are one version.
    while parts.len() > 1 && parts.last() == Some(&0) {
        parts.pop();
    }
    (!parts.is_empty()).then_some(parts)
}

/// Semver-major: the first non-zero component (0.3 -> 0.4 is major, as cargo and npm treat it).
pub fn major(v: &[u64]) -> (u64, u64) {
    match v {
        [0, minor, ..] => (0, *minor),
        [m, ..] => (*m, 0),
        [] => (0, 0),
    }
}

/// What gate needs besides the change: where relative paths start, the advisories named
/// on the command line, and whether the change is a whole tree (`--all`).
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub root: std::path::PathBuf,
    /// `--advisories` paths (absolute or relative to the working directory).
    pub advisories: Vec<std::path::PathBuf>,
    pub all: bool,
}

/// Everything the dependency analysis finds.
#[derive(Debug, Default)]
pub struct Analysis {
    pub facts: Vec<DependencyFact>,
    pub lockfiles: Vec<LockfileChange>,
    pub advisories: Vec<audit::AdvisoryFact>,
    pub coverage: audit::Coverage,
    /// Every manifest or lockfile that could not be read or parsed (the others are still
    /// compared).
    pub errors: Vec<InputError>,
}

/// The files `-r`/`-c` lines of a requirements file include, relative to the repository.
fn includes(manifest: &str, text: &str) -> Vec<String> {
    let dir = manifest.rsplit_once('/').map_or("", |(d, _)| d);
    text.lines()
        .filter_map(|l| {
            let l = l.split(" #").next().unwrap_or(l).trim();
            let rest = ["-r", "-c", "--requirement", "--constraint"]
                .iter()
                .find_map(|p| {
                    l.strip_prefix(p)
                        .filter(|r| r.starts_with([' ', '=', '\t']))
                })?;
            let target = rest.trim_start_matches(['=', ' ', '\t']).trim();
            (!target.is_empty() && !target.contains("://")).then(|| join_path(dir, target))
        })
        .collect()
}

/// `dir/rel` with `.` and `..` resolved (a path outside the repository keeps its `..`).
fn join_path(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// The version a requirement names exactly, when it names one (`==2.30.0`, `1.2.3`, `=1.2.3`,
/// a Go or Maven version), for looking advisories up without a lockfile.
pub fn exact_version(eco: &str, spec: &str) -> Option<String> {
    let s = spec.trim();
    let v = match eco {
        "pypi" => python::pinned_version(s)?,
        "go" => s.split(" => ").next().unwrap_or(s).trim().to_string(),
        "maven" => {
            version::Maven::parse(s)?;
            s.to_string()
        }
        "cargo" => {
            let t = s.strip_prefix('=')?.trim();
            exact(t).then(|| t.to_string())?
        }
        _ => {
            let t = s.trim_start_matches("= ").trim_start_matches('=').trim();
            exact(t).then(|| t.trim_start_matches('v').to_string())?
        }
    };
    (!v.is_empty() && !v.contains("${")).then_some(v)
}

/// The lockfile beside a manifest, after the change and before it, with its packages indexed
/// by normalized name.
struct Lock {
    after: Locks,
    before: Option<Locks>,
    changed: bool,
}

/// A lockfile's packages, in the lockfile's order, and the positions of each normalized name
/// (a whole tree has hundreds of lockfiles of hundreds of packages each: each dependency is
/// looked up, not compared with every package).
struct Locks {
    list: Vec<Locked>,
    by_name: HashMap<String, Vec<usize>>,
}

impl Locks {
    fn new(eco: &str, list: Vec<Locked>) -> Locks {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, l) in list.iter().enumerate() {
            by_name
                .entry(names::normalize(eco, &l.name))
                .or_default()
                .push(i);
        }
        Locks { list, by_name }
    }

    /// Positions of the packages named like `name`, in lockfile order.
    fn named(&self, eco: &str, name: &str) -> &[usize] {
        self.by_name
            .get(&names::normalize(eco, name))
            .map_or(&[], Vec::as_slice)
    }

    /// The versions locked for a dependency: packages named like the package it installs or
    /// like the dependency itself, in lockfile order.
    fn versions(&self, eco: &str, d: &DependencyFact) -> Vec<String> {
        let want = d.package.as_deref().unwrap_or(&d.name);
        let mut at: Vec<usize> = self.named(eco, want).to_vec();
        if names::normalize(eco, want) != names::normalize(eco, &d.name) {
            at.extend_from_slice(self.named(eco, &d.name));
            at.sort_unstable();
            at.dedup();
        }
        at.into_iter()
            .map(|i| self.list[i].version.clone())
            .collect()
    }
}

/// Lockfiles of the change parsed while their manifests were read (their post-image), so
/// that the lockfile pass does not parse them again.
type ParsedLocks = HashMap<String, Vec<Locked>>;

fn lock_for(
    cs: &ChangeSet,
    eco: &str,
    by_path: &HashMap<&str, &FileChange>,
    manifest: &str,
    changed: &BTreeSet<&str>,
    parsed: &mut ParsedLocks,
) -> Result<Option<Lock>> {
    for lf in lockfiles_for(manifest) {
        let lx = by_path.get(lf.as_str()).copied();
        // The lockfile's base text when the change has it (`Some(None)`: added).
        let (before_text, after_text) = match lx {
            Some(lx) => {
                let img = images(cs, lx)?;
                (Some(img.before), img.after)
            }
            None => (None, cs.post.read(&lf)?.map(|b| utf8(&lf, b)).transpose()?),
        };
        let Some(t) = after_text else { continue };
        let after = match parsed.get(&lf) {
            Some(a) => a.clone(),
            None => {
                let a = parse_lockfile(&lf, &t)?;
                if lx.is_some() {
                    parsed.insert(lf.clone(), a.clone());
                }
                a
            }
        };
        let before = match before_text {
            Some(b) => b.map(|bt| parse_lockfile(&lf, &bt).unwrap_or_default()),
            None => Some(after.clone()),
        };
        return Ok(Some(Lock {
            after: Locks::new(eco, after),
            before: before.map(|b| Locks::new(eco, b)),
            changed: changed.contains(lf.as_str()),
        }));
    }
    Ok(None)
}

/// Compares all changed manifests and lockfiles of a change, and looks the package versions
/// it brings in up in the advisories when they are configured. A manifest or lockfile that
/// cannot be read or parsed is an error naming it (in [`Analysis::errors`]); the other files
/// are compared all the same. An advisory database that cannot be opened ends the analysis.
pub fn analyze(cs: &ChangeSet, cfg: &DepsConfig, ctx: &Context) -> Result<Analysis> {
    let changed: BTreeSet<&str> = cs.files.iter().map(|f| f.path.as_str()).collect();
    let mut facts = Vec::new();
    let mut lock_changes = Vec::new();
    let mut candidates: Vec<audit::Candidate> = Vec::new();
    let mut errors: Vec<InputError> = Vec::new();
    // The popular-package lists are indexed only when a dependency needs judging.
    let names_cell: std::cell::OnceCell<names::Names> = std::cell::OnceCell::new();
    let names = || names_cell.get_or_init(|| names::Names::with_extra(&cfg.popular));
    let cache = advisories::cache_dir(cfg.cache.as_deref().map(|c| ctx.root.join(c)).as_deref());
    let mut registry = names::RegistrySnapshots::new(&cfg.registry, &ctx.root, &cache);
    let usable = |f: &&FileChange| !f.binary && (ctx.all || !f.whole_file);
    // The change's files by path (the first of each), and the usable ones.
    let mut by_path: HashMap<&str, &FileChange> = HashMap::new();
    let mut usable_by_path: HashMap<&str, &FileChange> = HashMap::new();
    for f in &cs.files {
        by_path.entry(f.path.as_str()).or_insert(f);
        if usable(&f) {
            usable_by_path.entry(f.path.as_str()).or_insert(f);
        }
    }
    // Every manifest of the change, for the lockfile pass.
    let all_manifests: Vec<(&str, &'static str)> = cs
        .files
        .iter()
        .filter_map(|m| match kind(&m.path) {
            Some(Kind::Manifest(e)) => Some((m.path.as_str(), e)),
            _ => None,
        })
        .collect();
    // The advisory databases; without any, no package versions are collected to look up.
    let sources: Vec<std::path::PathBuf> = cfg
        .advisories
        .iter()
        .map(|p| ctx.root.join(p))
        .chain(ctx.advisories.iter().cloned())
        .collect();
    let audit = !sources.is_empty();
    let mut parsed_locks = ParsedLocks::new();
    // Manifests by name, and the files requirement files include (`-r`, `-c`), whatever
    // their names, followed to any depth.
    let mut manifests: Vec<(&FileChange, &'static str)> = Vec::new();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut queue: Vec<&FileChange> = Vec::new();
    for f in cs.files.iter().filter(usable) {
        if let Some(Kind::Manifest(eco)) = kind(&f.path) {
            manifests.push((f, eco));
            seen.insert(&f.path);
            if eco == "pypi" && !f.path.ends_with(".toml") {
                queue.push(f);
            }
        }
    }
    while let Some(f) = queue.pop() {
        // An unreadable one is reported by the loop below, which reads every manifest.
        let Ok(img) = images(cs, f) else { continue };
        for text in [img.before.as_deref(), img.after.as_deref()]
            .into_iter()
            .flatten()
        {
            for inc in includes(&f.path, text) {
                if let Some(&g) = usable_by_path.get(inc.as_str()) {
                    if seen.insert(&g.path) {
                        manifests.push((g, "pypi"));
                        queue.push(g);
                    }
                }
            }
        }
    }
    manifests.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    for (f, eco) in manifests {
        let read = images(cs, f).and_then(|img| {
            let (before, after) = img.parse(|t| parse_manifest(eco, &f.path, t))?;
            let lock = lock_for(cs, eco, &by_path, &f.path, &changed, &mut parsed_locks)?;
            Ok((before, after, lock))
        });
        let (before, after, lock) = match read {
            Ok(r) => r,
            Err(e) => {
                errors.push(InputError::new(&f.path, &e));
                continue;
            }
        };
        for mut d in compare(eco, &f.path, &before, &after) {
            if let Some(lock) = &lock {
                let locked = lock.after.versions(eco, &d);
                // A local replacement (Go `replace x => ../x`, a path dependency) is not in
                // any lockfile by design.
                d.in_lockfile = if eco == "go" && d.source == "path" {
                    None
                } else {
                    Some(!locked.is_empty())
                };
                let was = lock
                    .before
                    .as_ref()
                    .is_some_and(|b| !b.versions(eco, &d).is_empty());
                let want = d.package.as_deref().unwrap_or(&d.name);
                d.install_scripts = lock
                    .after
                    .named(eco, want)
                    .first()
                    .map(|&i| lock.after.list[i].install_script && !was);
                d.lockfile_changed = lock.changed;
            }
            if d.direct && matches!(d.change, DepChange::Added | DepChange::SourceChanged) {
                let judged = d.package.as_deref().unwrap_or(&d.name);
                let siblings: Vec<&str> = before
                    .iter()
                    .chain(&after)
                    .map(|x| x.name.as_str())
                    .filter(|n| !names::same(eco, n, judged))
                    .collect();
                d.similar_to = names().near_misses_in(eco, judged, &cfg.allow, &siblings);
                // An unreadable snapshot is an error of its own; the change is still reported.
                d.exists_in_registry = match registry.contains(eco, judged) {
                    Ok(found) => found,
                    Err(e) => {
                        errors.push(InputError::new(&f.path, &e));
                        None
                    }
                };
            }
            if audit && d.change != DepChange::Removed && d.source == "registry" {
                let pkg = d.package.clone().unwrap_or_else(|| d.name.clone());
                let locked: Vec<String> = lock
                    .as_ref()
                    .map(|l| l.after.versions(eco, &d))
                    .unwrap_or_default();
                let locked_before: Vec<String> = lock
                    .as_ref()
                    .and_then(|l| l.before.as_ref())
                    .map(|b| b.versions(eco, &d))
                    .unwrap_or_default();
                let from = locked_before
                    .first()
                    .cloned()
                    .or_else(|| d.from.as_deref().and_then(|s| exact_version(eco, s)));
                let versions: Vec<Option<String>> = if locked.is_empty() {
                    vec![d.to.as_deref().and_then(|s| exact_version(eco, s))]
                } else {
                    locked.into_iter().map(Some).collect()
                };
                for v in versions {
                    candidates.push(audit::Candidate {
                        ecosystem: eco.to_string(),
                        name: pkg.clone(),
                        from: from.clone().filter(|f| Some(f) != v.as_ref()),
                        version: v,
                        manifest: f.path.clone(),
                        line: d.line.unwrap_or(1),
                        direct: d.direct,
                        dev: d.dev,
                    });
                }
            }
            facts.push(d);
        }
    }
    mark_first_party(cs, &mut facts, &mut errors);
    for f in cs.files.iter().filter(usable) {
        let Some(Kind::Lockfile(eco)) = kind(&f.path) else {
            continue;
        };
        // The post-image parsed already (as its manifest's lockfile) is not parsed again.
        let cached = parsed_locks.remove(f.path.as_str());
        let read = images(cs, f).and_then(|img| {
            let parsed = match cached {
                Some(after) => {
                    let before = Images {
                        before: img.before.clone(),
                        after: None,
                    };
                    (before.parse(|t| parse_lockfile(&f.path, t))?.0, after)
                }
                None => img.parse(|t| parse_lockfile(&f.path, t))?,
            };
            Ok((img, parsed))
        });
        let (img, (before, after)) = match read {
            Ok(r) => r,
            Err(e) => {
                errors.push(InputError::new(&f.path, &e));
                continue;
            }
        };
        let manifest_changed = all_manifests.iter().any(|&(m, e)| {
            e == eco && (lockfiles_for(m).contains(&f.path) || workspace_member(&f.path, m))
        });
        let key = |l: &Locked| (names::normalize(eco, &l.name), l.version.clone());
        let b: BTreeSet<(String, String)> = before.iter().map(key).collect();
        let a: BTreeSet<(String, String)> = after.iter().map(key).collect();
        let bn: BTreeSet<&String> = b.iter().map(|x| &x.0).collect();
        let an: BTreeSet<&String> = a.iter().map(|x| &x.0).collect();
        let added_names: Vec<String> = an.difference(&bn).map(|n| (*n).clone()).collect();
        let added = added_names.len();
        let removed = bn.difference(&an).count();
        let changed_versions = a.difference(&b).filter(|x| bn.contains(&x.0)).count();
        let direct: BTreeSet<String> = facts
            .iter()
            .map(|d: &DependencyFact| {
                names::normalize(eco, d.package.as_deref().unwrap_or(&d.name))
            })
            .collect();
        let after_text = img.after.as_deref().unwrap_or("");
        // Every package version new to the lockfile is checked against the advisories.
        for l in after.iter().filter(|_| audit) {
            let k = key(l);
            if b.contains(&k) || l.version.is_empty() || l.source != SourceKind::Registry {
                continue;
            }
            candidates.push(audit::Candidate {
                ecosystem: eco.to_string(),
                name: l.name.clone(),
                version: Some(l.version.clone()),
                from: before
                    .iter()
                    .find(|x| names::normalize(eco, &x.name) == k.0)
                    .map(|x| x.version.clone()),
                manifest: f.path.clone(),
                line: find_line(after_text, &l.name, 0),
                direct: false,
                dev: false,
            });
        }
        if ctx.all {
            // A whole tree has no lockfile churn, and install scripts of every transitive
            // package are not news.
            continue;
        }
        // Transitive packages new to the lockfile, with install scripts.
        for l in after
            .iter()
            .filter(|l| !bn.contains(&names::normalize(eco, &l.name)))
        {
            if l.install_script && !direct.contains(&names::normalize(eco, &l.name)) {
                facts.push(DependencyFact {
                    ecosystem: eco.to_string(),
                    manifest: f.path.clone(),
                    line: Some(find_line(after_text, &l.name, 0)),
                    name: l.name.clone(),
                    change: DepChange::Added,
                    from: None,
                    to: Some(l.version.clone()),
                    major_bump: false,
                    bump: None,
                    direct: false,
                    source: l.source.as_str().into(),
                    pinned: true,
                    in_lockfile: Some(true),
                    lockfile_changed: true,
                    install_scripts: Some(true),
                    dev: false,
                    package: None,
                    unresolved: None,
                    similar_to: Vec::new(),
                    exists_in_registry: None,
                    forced: false,
                    first_party: false,
                    sample: false,
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
                added_names,
            });
        }
    }
    facts.sort_by(|a, b| (&a.manifest, a.line, &a.name).cmp(&(&b.manifest, b.line, &b.name)));
    crate::errors::normalize(&mut errors);
    let mut out = Analysis {
        facts,
        lockfiles: lock_changes,
        errors,
        ..Analysis::default()
    };
    if audit {
        out.coverage.configured = true;
        if !candidates.is_empty() {
            let index = advisories::Index::open(&sources, &cache, false)?;
            let (adv, cov) = audit::check(candidates, &index)?;
            out.advisories = adv;
            out.coverage = cov;
        }
    }
    Ok(out)
}

/// Marks the dependencies that are packages of the same repository: a Cargo path dependency,
/// and an npm package that a package.json of the head tree (outside node_modules) names (a
/// monorepo's packages bumped together in a release are not third-party risks). Only the
/// dependencies a rule would judge as new or bumped are looked up, one git grep each.
fn mark_first_party(cs: &ChangeSet, facts: &mut [DependencyFact], errors: &mut Vec<InputError>) {
    let mut known: HashMap<String, bool> = HashMap::new();
    for d in facts.iter_mut() {
        if d.ecosystem == "cargo" && d.source == "path" {
            d.first_party = true;
            continue;
        }
        let judged = d.major_bump || d.change == DepChange::Added;
        if d.ecosystem != "npm" || d.source != "registry" || d.forced || !judged {
            continue;
        }
        let name = d.package.clone().unwrap_or_else(|| d.name.clone());
        if let Some(&own) = known.get(&name) {
            d.first_party = own;
            continue;
        }
        let pattern = format!(
            "\"name\"[[:space:]]*:[[:space:]]*\"{}\"",
            ere_literal(&name)
        );
        let specs = [
            ":(glob)**/package.json",
            ":(exclude,glob)**/node_modules/**",
        ];
        let own = match cs.post.grep_any(&pattern, &specs) {
            Ok(found) => found.unwrap_or(false),
            Err(e) => {
                errors.push(InputError::new(&d.manifest, &e));
                false
            }
        };
        known.insert(name, own);
        d.first_party = own;
    }
}

/// A string as an extended regular expression matching it literally.
fn ere_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if matches!(c, '\\' | '^' | ']') {
            out.push('\\');
            out.push(c);
        } else {
            out.push('[');
            out.push(c);
            out.push(']');
        }
    }
    out
}

/// A requirement with its numbers normalized (`>=3.6.0` is `>=3.6`, spaces dropped), so that
/// rewriting one is not reported as a version change.
pub fn normalize_spec(spec: &str) -> String {
    let s: String = spec.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.is_empty() {
            return;
        }
        let trailing_dot = run.ends_with('.');
        let mut parts: Vec<&str> = run.trim_end_matches('.').split('.').collect();
        while parts.len() > 1 && parts.last().is_some_and(|p| p.bytes().all(|b| b == b'0')) {
            parts.pop();
        }
        out.push_str(&parts.join("."));
        if trailing_dot {
            out.push('.');
        }
        run.clear();
    };
    for c in s.chars() {
        if c.is_ascii_digit() || (c == '.' && !run.is_empty()) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The dependency changes between two versions of a manifest. Declarations are paired by
/// name within their section first (a peer dependency does not hide a dev dependency of
/// the same name), then by name alone (a dependency moved between sections).
fn compare(
    eco: &str,
    manifest: &str,
    before: &[Declared],
    after: &[Declared],
) -> Vec<DependencyFact> {
    let key = |d: &Declared| (names::normalize(eco, &d.name), d.section.clone());
    let mut b: BTreeMap<(String, String), &Declared> = BTreeMap::new();
    for d in before {
        b.entry(key(d)).or_insert(d);
    }
    let mut a: BTreeMap<(String, String), &Declared> = BTreeMap::new();
    for d in after {
        a.entry(key(d)).or_insert(d);
    }
    let mut pairs: Vec<(&Declared, Option<&Declared>)> = Vec::new();
    let mut unmatched_after = Vec::new();
    for (k, d) in &a {
        match b.remove(k) {
            Some(old) => pairs.push((d, Some(old))),
            None => unmatched_after.push(*d),
        }
    }
    // The package a declaration installs: cargo's `alias = { package = "real" }` installs
    // `real`, so renaming the key to the package's own name is no new dependency.
    let installed = |d: &Declared| names::normalize(eco, d.target.as_deref().unwrap_or(&d.name));
    for d in unmatched_after {
        let n = names::normalize(eco, &d.name);
        let moved = b.keys().find(|(bn, _)| *bn == n).cloned().or_else(|| {
            let p = installed(d);
            b.iter()
                .find(|(_, old)| installed(old) == p)
                .map(|(k, _)| k.clone())
        });
        pairs.push((d, moved.and_then(|k| b.remove(&k))));
    }
    let mut out = Vec::new();
    let fact = |d: &Declared, change: DepChange, from: Option<String>, to: Option<String>| {
        DependencyFact {
            ecosystem: eco.to_string(),
            manifest: manifest.to_string(),
            line: Some(d.line),
            name: d.name.clone(),
            change,
            from,
            to,
            major_bump: false,
            bump: None,
            direct: d.direct,
            source: d.source.as_str().to_string(),
            pinned: d.pinned,
            in_lockfile: None,
            lockfile_changed: false,
            install_scripts: None,
            dev: d.dev,
            package: d.target.clone(),
            unresolved: d.unresolved.clone(),
            similar_to: Vec::new(),
            exists_in_registry: None,
            forced: d.forced,
            first_party: false,
            sample: false,
        }
    };
    for (d, old) in pairs {
        let Some(old) = old else {
            out.push(fact(d, DepChange::Added, None, Some(d.spec.clone())));
            continue;
        };
        if old.source != d.source || old.location != d.location || installed(old) != installed(d) {
            out.push(fact(
                d,
                DepChange::SourceChanged,
                Some(old.spec.clone()),
                Some(d.spec.clone()),
            ));
        } else if normalize_spec(&old.spec) != normalize_spec(&d.spec) {
            let (vo, vn) = (version_key(&old.spec), version_key(&d.spec));
            let (change, bump) = match (&vo, &vn) {
                (Some(o), Some(n)) if n < o => (DepChange::Downgraded, None),
                (Some(o), Some(n)) if n == o => (DepChange::ConstraintChanged, None),
                // Go's tooling takes a v0 minor as an upgrade of the same module (`go get -u`
                // moves v0.56 to v0.57; an incompatible major is a new module path, `/v2`):
                // alertmanager's golang.org/x/* and go-openapi bumps were 13 DEP-006 warnings
                // a reviewer labelled wrong. So is v0 to v1, the first stable release on the
                // same module path (caddy 789f60e337: go-urlpattern v0.0.0-2026… -> v1.0.0).
                (Some(o), Some(n)) if major(n) > major(o) && !(eco == "go" && o[0] == 0) => (
                    DepChange::Upgraded,
                    Some(if n[0] == 0 { "minor_0x" } else { "major" }),
                ),
                _ => (DepChange::Upgraded, None),
            };
            let mut f = fact(d, change, Some(old.spec.clone()), Some(d.spec.clone()));
            f.major_bump = bump.is_some();
            f.bump = bump.map(str::to_string);
            out.push(f);
        } else if old.unresolved != d.unresolved && d.unresolved.is_some() {
            // The written version is the same but what it stands for is no longer known.
            out.push(fact(
                d,
                DepChange::ConstraintChanged,
                Some(old.spec.clone()),
                Some(d.spec.clone()),
            ));
        }
    }
    for d in b.values() {
        let mut f = fact(d, DepChange::Removed, Some(d.spec.clone()), None);
        f.line = None;
        out.push(f);
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
        assert_eq!(version_key(">=3.6.0"), version_key(">=3.6"));
        assert_eq!(normalize_spec(">= 3.6.0"), normalize_spec(">=3.6"));
        assert_eq!(normalize_spec(">=2.31.0,<3.0"), ">=2.31,<3");
        assert_ne!(normalize_spec(">=2.31,<3"), normalize_spec(">=2.31,<4"));
        assert_eq!(normalize_spec("v1.10.0"), "v1.10");
        assert_eq!(version_key(">=2.31,<3"), Some(vec![2, 31]));
        assert!(major(&[5, 0, 0]) > major(&[4, 21, 0]));
        assert!(major(&[0, 4]) > major(&[0, 3, 9]));
        assert!(
            exact("1.2.3") && exact("=1.2.3") && !exact("^1.2.3") && !exact("1.x") && !exact("*")
        );
    }

    #[test]
    fn a_cargo_alias_renamed_to_its_package_is_an_upgrade_not_a_new_dependency() {
        // The shape of a 2FA library's rename seen on a Rust service (written for this test).
        let before = cargo::parse_manifest(
            "Cargo.toml",
            "[dependencies]\nyubico = { package = \"yubico_ng\", version = \"0.15.0\" }\nnix = \"0.31\"\n",
        )
        .expect("base manifest");
        let after = cargo::parse_manifest(
            "Cargo.toml",
            "[dependencies]\nyubico_ng = { version = \"1.0.0\" }\nnix = { package = \"rustix\", version = \"1\" }\n",
        )
        .expect("head manifest");
        let facts = compare("cargo", "Cargo.toml", &before, &after);
        let yubico = facts
            .iter()
            .find(|f| f.name == "yubico_ng")
            .expect("yubico_ng");
        assert_eq!(yubico.change, DepChange::Upgraded, "{facts:?}");
        assert_eq!(yubico.bump.as_deref(), Some("major"));
        assert!(
            !facts.iter().any(|f| f.change == DepChange::Added),
            "{facts:?}"
        );
        // A key kept while the package behind it changes is a changed source.
        let nix = facts.iter().find(|f| f.name == "nix").expect("nix");
        assert_eq!(nix.change, DepChange::SourceChanged, "{facts:?}");
    }

    #[test]
    fn a_go_v0_minor_is_an_upgrade_a_cargo_0x_minor_a_breaking_bump() {
        let go = |v: &str| {
            go::parse_go_mod(
                "go.mod",
                &format!("module example.com/app\n\ngo 1.22\n\nrequire golang.org/x/net {v}\n"),
            )
            .expect("go.mod")
        };
        let facts = compare("go", "go.mod", &go("v0.56.0"), &go("v0.57.0"));
        let net = facts
            .iter()
            .find(|f| f.name == "golang.org/x/net")
            .expect("x/net");
        assert_eq!(net.change, DepChange::Upgraded, "{facts:?}");
        assert_eq!(net.bump, None, "{facts:?}");
        assert!(!net.major_bump);
        // From an untagged commit or a v0 tag to v1: the first stable release, same path.
        for from in ["v0.0.0-20260421141449-cbab7cf1e16d", "v0.9.2"] {
            let facts = compare("go", "go.mod", &go(from), &go("v1.0.0"));
            assert_eq!(facts[0].change, DepChange::Upgraded, "{facts:?}");
            assert!(!facts[0].major_bump, "{facts:?}");
        }
        // v1 to v2+incompatible is still a major move.
        let facts = compare("go", "go.mod", &go("v1.4.0"), &go("v2.0.0+incompatible"));
        assert!(facts[0].major_bump, "{facts:?}");
        // The same move in a Cargo manifest is outside `^0.56`: a breaking bump.
        let cargo = |v: &str| {
            cargo::parse_manifest("Cargo.toml", &format!("[dependencies]\nnix = \"{v}\"\n"))
                .expect("Cargo.toml")
        };
        let facts = compare("cargo", "Cargo.toml", &cargo("0.56"), &cargo("0.57"));
        assert_eq!(facts[0].bump.as_deref(), Some("minor_0x"), "{facts:?}");
    }

    #[test]
    fn workspace_members_are_manifests_of_the_root_lockfile() {
        assert!(workspace_member(
            "yarn.lock",
            "packages/excalidraw/package.json"
        ));
        assert!(workspace_member(
            "package-lock.json",
            "apps/web/package.json"
        ));
        assert!(workspace_member("Cargo.lock", "crates/core/Cargo.toml"));
        assert!(workspace_member(
            "ui/yarn.lock",
            "ui/packages/a/package.json"
        ));
        // Not below the lockfile, not the lockfile of that manifest, not a workspace ecosystem.
        assert!(!workspace_member("ui/yarn.lock", "uix/package.json"));
        assert!(!workspace_member("ui/yarn.lock", "package.json"));
        assert!(!workspace_member("Cargo.lock", "web/package.json"));
        assert!(!workspace_member("go.sum", "tools/go.mod"));
        assert!(!workspace_member("poetry.lock", "sub/pyproject.toml"));
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
