//! Offline advisories: OSV records from directories and zip files, indexed once and cached.
//!
//! Sources are directories of records (the GitHub, PyPA, Go and RustSec databases, the OpenSSF
//! malicious-packages repository: `*.json`, `*.yaml`, `*.yml`, searched recursively, hidden
//! directories skipped) and zip files of records (osv.dev's per-ecosystem `all.zip`). The
//! index is a file of per-package blobs and a checksummed table of key hashes sorted for a
//! binary search, so a check reads the table and the blob of each dependency it looks up,
//! whatever the size of the databases.
//!
//! The index is cached under the cache directory, keyed by the sources' content: a stamp of
//! every source file's path, size and modification time names the content key, so an
//! unchanged set of sources costs one `stat` per file; when a stamp is new, the content is
//! hashed, and an index built from the same content elsewhere (a fresh clone of the same
//! database) is reused.

use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{anyhow, bail, Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::osv::{self, Advisory, Parsed};

/// The index format: a header (magic, where the table and the statistics are, a checksum of
/// the header, table and statistics), the per-package blobs (JSON), the table of
/// (key hash, offset, length, blob checksum) sorted by key hash, and the statistics (JSON).
/// A check reads the header, the table (28 bytes a package: 57 KB for the PyPA and Go
/// databases) and the blobs of the packages it looks up, never the whole index.
const MAGIC: &[u8; 8] = b"GATEOSV\x02";
const NAMES_MAGIC: &[u8; 8] = b"GATENAM\x01";
const HEADER: u64 = 48;
const ENTRY: u64 = 28;

/// The directory gate caches indexes in: `dependencies.cache` in .gate.yaml, else
/// `GATE_CACHE_DIR`, else the platform's user cache directory.
pub fn cache_dir(configured: Option<&Path>) -> PathBuf {
    if let Some(p) = configured {
        return p.to_path_buf();
    }
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(p) = env("GATE_CACHE_DIR") {
        return p;
    }
    if let Some(p) = env("XDG_CACHE_HOME") {
        return p.join("gate");
    }
    if let Some(h) = env("HOME") {
        return h.join(".cache").join("gate");
    }
    if let Some(l) = env("LOCALAPPDATA") {
        return l.join("gate").join("cache");
    }
    std::env::temp_dir().join("gate-cache")
}

/// A source file: a record, or a zip of records.
#[derive(Debug, Clone)]
struct SourceFile {
    path: PathBuf,
    len: u64,
    mtime_ns: u128,
}

fn is_record_name(n: &str) -> bool {
    n.ends_with(".json") || n.ends_with(".yaml") || n.ends_with(".yml")
}

/// Every file of the sources, sorted, under absolute paths; a missing source is an error
/// naming it. Each source is made absolute once and its files are named under it, so the
/// freshness check costs one `stat` per file and one `canonicalize` per source (resolving
/// every directory cost 4,700 readlink calls per check on the PyPA and Go databases).
fn source_files(sources: &[PathBuf]) -> Result<Vec<SourceFile>> {
    let mut out = Vec::new();
    for given in sources {
        let meta = std::fs::metadata(given)
            .with_context(|| format!("advisories: cannot read {}", given.display()))?;
        let src = std::fs::canonicalize(given)
            .with_context(|| format!("advisories: cannot read {}", given.display()))?;
        if meta.is_dir() {
            let mut stack = vec![src];
            while let Some(dir) = stack.pop() {
                let rd = std::fs::read_dir(&dir)
                    .with_context(|| format!("advisories: cannot list {}", dir.display()))?;
                for e in rd {
                    let e = e.with_context(|| format!("advisories: listing {}", dir.display()))?;
                    let name = e.file_name();
                    let name = name.to_string_lossy();
                    if name.starts_with('.') {
                        continue;
                    }
                    let ft = e
                        .file_type()
                        .with_context(|| format!("advisories: listing {}", dir.display()))?;
                    if ft.is_dir() {
                        stack.push(e.path());
                    } else if is_record_name(&name) || name.ends_with(".zip") {
                        let p = e.path();
                        // A link is stamped by what it points at.
                        let m = if ft.is_symlink() {
                            std::fs::metadata(&p)
                        } else {
                            e.metadata()
                        }
                        .with_context(|| format!("advisories: cannot read {}", p.display()))?;
                        out.push(file_entry(p, &m));
                    }
                }
            }
        } else {
            let name = src.to_string_lossy();
            if !(is_record_name(&name) || name.ends_with(".zip")) {
                bail!(
                    "advisories: {} is neither a directory, a zip file nor an OSV record (.json, .yaml)",
                    given.display()
                );
            }
            out.push(file_entry(src.clone(), &meta));
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup_by(|a, b| a.path == b.path);
    Ok(out)
}

fn file_entry(path: PathBuf, m: &std::fs::Metadata) -> SourceFile {
    let mtime_ns = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    SourceFile {
        path,
        len: m.len(),
        mtime_ns,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The stamp of a set of files: their absolute paths, sizes and modification times.
fn stamp(kind: &str, files: &[SourceFile]) -> String {
    let mut h = Sha256::new();
    h.update(format!("gate {kind} stamp 2\n"));
    for f in files {
        h.update(format!("{}\t{}\t{}\n", f.path.display(), f.len, f.mtime_ns));
    }
    hex(&h.finalize()[..16])
}

/// The content key of a set of files: their bytes, in any order and under any names.
fn content_key(kind: &str, files: &[SourceFile]) -> Result<String> {
    let mut digests: Vec<String> = files
        .par_iter()
        .map(|f| -> Result<String> {
            let mut file = std::fs::File::open(&f.path)
                .with_context(|| format!("cannot read {}", f.path.display()))?;
            let mut h = Sha256::new();
            let mut buf = vec![0u8; 1 << 16];
            loop {
                let n = file
                    .read(&mut buf)
                    .with_context(|| format!("cannot read {}", f.path.display()))?;
                if n == 0 {
                    break;
                }
                h.update(&buf[..n]);
            }
            Ok(format!("{}\n", hex(&h.finalize())))
        })
        .collect::<Result<_>>()?;
    // Records name themselves: where a file sits does not change what it says.
    digests.sort_unstable();
    let mut h = Sha256::new();
    // The format is part of the key: an index of another format is never opened.
    let format = if kind == "osv" { MAGIC } else { NAMES_MAGIC };
    h.update(format!("gate {kind} content 1 {}\n", hex(format)));
    for d in digests {
        h.update(d);
    }
    Ok(hex(&h.finalize()[..16]))
}

/// Writes `bytes` to `path` through a temporary file and a rename, so that concurrent checks
/// never read half an index.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the cache directory {}", dir.display()))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        std::process::id()
    ));
    {
        let mut f = std::fs::File::create(&tmp)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        f.write_all(bytes)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
    }
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Finds or builds the cached index of `files`: the stamp names a content key, the content
/// key names the index. Returns the index path and whether it was built now.
fn cached(
    cache: &Path,
    kind: &str,
    files: &[SourceFile],
    force: bool,
    build: impl FnOnce() -> Result<Vec<u8>>,
) -> Result<(PathBuf, bool)> {
    let dir = cache.join(kind);
    let stamp_path = dir.join(format!("stamp-{}", stamp(kind, files)));
    if !force {
        if let Ok(key) = std::fs::read_to_string(&stamp_path) {
            let idx = dir.join(format!("{}.idx", key.trim()));
            if idx.is_file() {
                return Ok((idx, false));
            }
        }
    }
    let key = content_key(kind, files)?;
    let idx = dir.join(format!("{key}.idx"));
    let built = force || !idx.is_file();
    if built {
        let bytes = build()?;
        write_atomic(&idx, &bytes)?;
    }
    write_atomic(&stamp_path, key.as_bytes())?;
    Ok((idx, built))
}

/// FNV-1a: a fast, stable hash for the index's keys (collisions are resolved by the key
/// stored in each blob).
fn fnv(s: &str) -> u64 {
    fnv_bytes(0xcbf2_9ce4_8422_2325, s.as_bytes())
}

/// FNV-1a over bytes, continuing from `h`: the index's checksums.
fn fnv_bytes(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn key(eco: &str, name: &str) -> String {
    format!("{eco}\0{}", super::names::normalize(eco, name))
}

/// What the index was built from.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct IndexStats {
    pub files: usize,
    pub records: usize,
    pub withdrawn: usize,
    /// Records naming only ecosystems gate does not read (Debian, NuGet ...).
    pub unsupported: usize,
    /// JSON or YAML documents that are not OSV records (no `id` or `affected`).
    pub not_records: usize,
    pub malicious: usize,
    pub packages: usize,
    pub ecosystems: BTreeMap<String, usize>,
}

#[derive(Serialize, Deserialize)]
struct Blob {
    key: String,
    advisories: Vec<Advisory>,
}

/// Parses every record of the sources into (key, advisory) pairs.
fn collect(files: &[SourceFile]) -> Result<(Vec<(String, Advisory)>, IndexStats)> {
    type One = Result<(String, Parsed), String>;
    let mut docs: Vec<String> = Vec::new();
    let mut parsed: Vec<One> = Vec::new();
    for f in files {
        let name = f.path.to_string_lossy().into_owned();
        if name.ends_with(".zip") {
            let bytes = std::fs::read(&f.path)
                .with_context(|| format!("advisories: cannot read {name}"))?;
            let entries = zip::entries(&bytes).map_err(|e| anyhow!("advisories: {name}: {e}"))?;
            let one: Vec<One> = entries
                .par_iter()
                .filter(|e| is_record_name(&e.name))
                .map(|e| {
                    let where_ = format!("{name}!{}", e.name);
                    let data = zip::read(&bytes, e).map_err(|m| format!("{where_}: {m}"))?;
                    let yaml = !e.name.ends_with(".json");
                    osv::parse(&data, yaml)
                        .map(|p| (where_.clone(), p))
                        .map_err(|m| format!("{where_}: {m}"))
                })
                .collect();
            parsed.extend(one);
        } else {
            docs.push(name);
        }
    }
    let one: Vec<One> = docs
        .par_iter()
        .map(|name| {
            let data = std::fs::read(name).map_err(|e| format!("{name}: {e}"))?;
            let yaml = !name.ends_with(".json");
            osv::parse(&data, yaml)
                .map(|p| (name.clone(), p))
                .map_err(|m| format!("{name}: {m}"))
        })
        .collect();
    parsed.extend(one);
    let mut stats = IndexStats {
        files: files.len(),
        ..IndexStats::default()
    };
    let mut errors: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for p in parsed {
        match p {
            Err(e) => errors.push(e),
            Ok((_, Parsed::Affects(list))) => {
                stats.records += 1;
                if list.first().is_some_and(|(_, _, a)| a.malicious) {
                    stats.malicious += 1;
                }
                for (eco, name, adv) in list {
                    *stats.ecosystems.entry(eco.to_string()).or_default() += 1;
                    out.push((key(eco, &name), adv));
                }
            }
            Ok((_, Parsed::Withdrawn)) => stats.withdrawn += 1,
            Ok((_, Parsed::Unsupported)) => stats.unsupported += 1,
            Ok((_, Parsed::NotARecord)) => stats.not_records += 1,
        }
    }
    if !errors.is_empty() {
        errors.sort();
        let more = if errors.len() > 1 {
            format!(" (and {} more)", errors.len() - 1)
        } else {
            String::new()
        };
        bail!("advisories: cannot parse {}{more}", errors[0]);
    }
    Ok((out, stats))
}

/// Builds the bytes of an index.
fn build_index(files: &[SourceFile]) -> Result<Vec<u8>> {
    let (pairs, mut stats) = collect(files)?;
    let mut by_key: BTreeMap<String, Vec<Advisory>> = BTreeMap::new();
    for (k, a) in pairs {
        by_key.entry(k).or_default().push(a);
    }
    stats.packages = by_key.len();
    let mut out = vec![0u8; HEADER as usize];
    let mut table: Vec<(u64, u64, u32, u64)> = Vec::with_capacity(by_key.len());
    for (k, mut advisories) in by_key {
        advisories.sort_by(|a, b| a.id.cmp(&b.id));
        // The same record read twice (two copies of one database) counts once.
        advisories
            .dedup_by(|a, b| a.id == b.id && a.ranges == b.ranges && a.versions == b.versions);
        let blob = serde_json::to_vec(&Blob {
            key: k.clone(),
            advisories,
        })?;
        let len = u32::try_from(blob.len()).map_err(|_| anyhow!("advisories: {k}: too large"))?;
        table.push((fnv(&k), out.len() as u64, len, fnv_bytes(BLOB_SEED, &blob)));
        out.extend_from_slice(&blob);
    }
    table.sort_unstable();
    let table_off = out.len() as u64;
    for (h, off, len, check) in &table {
        out.extend_from_slice(&h.to_le_bytes());
        out.extend_from_slice(&off.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&check.to_le_bytes());
    }
    let meta_off = out.len() as u64;
    let meta = serde_json::to_vec(&stats)?;
    out.extend_from_slice(&meta);
    out[0..8].copy_from_slice(MAGIC);
    out[8..16].copy_from_slice(&table_off.to_le_bytes());
    out[16..24].copy_from_slice(&(table.len() as u64).to_le_bytes());
    out[24..32].copy_from_slice(&meta_off.to_le_bytes());
    out[32..40].copy_from_slice(&(meta.len() as u64).to_le_bytes());
    let check = checksum(
        &out[0..40],
        &out[table_off as usize..meta_off as usize],
        &meta,
    );
    out[40..48].copy_from_slice(&check.to_le_bytes());
    Ok(out)
}

const BLOB_SEED: u64 = 0x6761_7465_626c_6f62;

/// The checksum of an index's header fields, table and statistics.
fn checksum(head: &[u8], table: &[u8], meta: &[u8]) -> u64 {
    let h = fnv_bytes(0x6761_7465_6964_7821, head);
    let h = fnv_bytes(h, table);
    fnv_bytes(h, meta)
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

/// An opened advisory index: its table in memory, the blobs read on demand.
pub struct Index {
    pub path: PathBuf,
    pub stats: IndexStats,
    /// Whether this run built it (the sources were new or changed).
    pub built: bool,
    file: Mutex<std::fs::File>,
    /// (key hash, offset, length, blob checksum), sorted.
    table: Vec<(u64, u64, u32, u64)>,
    table_off: u64,
}

impl Index {
    /// Opens the index of `sources`, building it when the cache has none for their content.
    /// A damaged cached index (a full disk, a copy cut short, a changed byte) is built again.
    pub fn open(sources: &[PathBuf], cache: &Path, force: bool) -> Result<Index> {
        let files = source_files(sources)?;
        let (path, built) = cached(cache, "osv", &files, force, || build_index(&files))?;
        match Index::open_file(path, built) {
            Err(_) if !built => {
                let (path, built) = cached(cache, "osv", &files, true, || build_index(&files))?;
                Index::open_file(path, built)
            }
            r => r,
        }
    }

    fn damaged(path: &Path) -> anyhow::Error {
        anyhow!(
            "advisory index {} is damaged: rebuild it with `gate deps index --force`",
            path.display()
        )
    }

    fn open_file(path: PathBuf, built: bool) -> Result<Index> {
        let bad = || Index::damaged(&path);
        let mut file = std::fs::File::open(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let mut head = [0u8; HEADER as usize];
        file.read_exact(&mut head).map_err(|_| bad())?;
        if &head[0..8] != MAGIC {
            return Err(bad());
        }
        let (table_off, count, meta_off, meta_len) = (
            u64_at(&head, 8),
            u64_at(&head, 16),
            u64_at(&head, 24),
            u64_at(&head, 32),
        );
        let file_len = file.metadata().map_err(|_| bad())?.len();
        if table_off < HEADER
            || table_off.checked_add(count.saturating_mul(ENTRY)) != Some(meta_off)
            || meta_off.checked_add(meta_len) != Some(file_len)
            || meta_len > 1 << 24
        {
            return Err(bad());
        }
        file.seek(SeekFrom::Start(table_off)).map_err(|_| bad())?;
        let mut rest = vec![0u8; (file_len - table_off) as usize];
        file.read_exact(&mut rest).map_err(|_| bad())?;
        let (tbytes, meta) = rest.split_at((meta_off - table_off) as usize);
        if checksum(&head[0..40], tbytes, meta) != u64_at(&head, 40) {
            return Err(bad());
        }
        let stats: IndexStats = serde_json::from_slice(meta).map_err(|_| bad())?;
        let table: Vec<(u64, u64, u32, u64)> = tbytes
            .chunks_exact(ENTRY as usize)
            .map(|e| {
                let mut l = [0u8; 4];
                l.copy_from_slice(&e[16..20]);
                (
                    u64_at(e, 0),
                    u64_at(e, 8),
                    u32::from_le_bytes(l),
                    u64_at(e, 20),
                )
            })
            .collect();
        if table
            .iter()
            .any(|&(_, off, len, _)| off < HEADER || off.saturating_add(u64::from(len)) > table_off)
        {
            return Err(bad());
        }
        Ok(Index {
            path,
            stats,
            built,
            file: Mutex::new(file),
            table,
            table_off,
        })
    }

    /// The advisories recorded for a package (any version). A blob that does not match its
    /// checksum is an error naming the index, never an empty answer.
    pub fn lookup(&self, eco: &str, name: &str) -> Result<Vec<Advisory>> {
        let k = key(eco, name);
        let h = fnv(&k);
        let first = self.table.partition_point(|e| e.0 < h);
        let mut file = self
            .file
            .lock()
            .map_err(|_| anyhow!("advisory index lock poisoned"))?;
        for &(_, off, len, check) in self.table[first..].iter().take_while(|e| e.0 == h) {
            debug_assert!(off + u64::from(len) <= self.table_off);
            let mut b = vec![0u8; len as usize];
            file.seek(SeekFrom::Start(off))
                .and_then(|_| file.read_exact(&mut b))
                .map_err(|_| Index::damaged(&self.path))?;
            if fnv_bytes(BLOB_SEED, &b) != check {
                return Err(Index::damaged(&self.path));
            }
            let blob: Blob = serde_json::from_slice(&b).map_err(|_| Index::damaged(&self.path))?;
            if blob.key == k {
                return Ok(blob.advisories);
            }
        }
        Ok(Vec::new())
    }
}

/// The index of one registry snapshot (`dependencies.registry`): the sorted hashes of its
/// normalized names, so a check reads a few dozen bytes per name instead of the whole list.
pub struct NameIndex {
    file: Mutex<std::fs::File>,
    count: u64,
    eco: String,
}

impl NameIndex {
    pub fn open(eco: &str, snapshot: &Path, cache: &Path) -> Result<NameIndex> {
        let m = std::fs::metadata(snapshot).with_context(|| {
            format!(
                "dependencies.registry.{eco}: cannot read {}",
                snapshot.display()
            )
        })?;
        let abs = std::fs::canonicalize(snapshot).unwrap_or_else(|_| snapshot.to_path_buf());
        let files = vec![file_entry(abs, &m)];
        let (path, _) = cached(cache, &format!("names-{eco}"), &files, false, || {
            let text = std::fs::read_to_string(snapshot).with_context(|| {
                format!(
                    "dependencies.registry.{eco}: cannot read {}",
                    snapshot.display()
                )
            })?;
            let mut hashes: Vec<u64> = text
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| l.split('\t').next())
                .map(|n| super::names::normalize(eco, n))
                .filter(|n| !n.is_empty())
                .map(|n| fnv(&n))
                .collect();
            hashes.sort_unstable();
            hashes.dedup();
            let mut out = Vec::with_capacity(16 + hashes.len() * 8);
            out.extend_from_slice(NAMES_MAGIC);
            out.extend_from_slice(&(hashes.len() as u64).to_le_bytes());
            for h in hashes {
                out.extend_from_slice(&h.to_le_bytes());
            }
            Ok(out)
        })?;
        let mut file = std::fs::File::open(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let mut head = [0u8; 16];
        file.read_exact(&mut head)?;
        let count = u64_at(&head, 8);
        if &head[0..8] != NAMES_MAGIC || file.metadata()?.len() != 16 + count * 8 {
            bail!("registry index {} is damaged: delete it", path.display());
        }
        Ok(NameIndex {
            file: Mutex::new(file),
            count,
            eco: eco.to_string(),
        })
    }

    pub fn contains(&self, name: &str) -> Result<bool> {
        let h = fnv(&super::names::normalize(&self.eco, name));
        let mut file = self
            .file
            .lock()
            .map_err(|_| anyhow!("registry index lock poisoned"))?;
        let (mut lo, mut hi) = (0u64, self.count);
        let mut b = [0u8; 8];
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            file.seek(SeekFrom::Start(16 + mid * 8))?;
            file.read_exact(&mut b)?;
            let v = u64::from_le_bytes(b);
            match v.cmp(&h) {
                std::cmp::Ordering::Equal => return Ok(true),
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        Ok(false)
    }
}

/// A minimal zip reader: the central directory (with ZIP64), stored and deflated entries.
pub mod zip {
    pub struct Entry {
        pub name: String,
        method: u16,
        compressed: u64,
        size: u64,
        local: u64,
    }

    fn u16_at(b: &[u8], at: usize) -> Option<u16> {
        Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
    }
    fn u32_at(b: &[u8], at: usize) -> Option<u32> {
        Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
    }
    fn u64_at(b: &[u8], at: usize) -> Option<u64> {
        Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
    }

    /// The entries of the central directory.
    pub fn entries(b: &[u8]) -> Result<Vec<Entry>, String> {
        let bad = |what: &str| format!("not a readable zip file ({what})");
        // The end of central directory record: within the last 64 KiB + 22 bytes.
        let start = b.len().saturating_sub(22 + 65_535);
        let eocd = (start..b.len().saturating_sub(21))
            .rev()
            .find(|&i| u32_at(b, i) == Some(0x0605_4b50))
            .ok_or_else(|| bad("no end of central directory"))?;
        let mut count = u64::from(u16_at(b, eocd + 10).ok_or_else(|| bad("short"))?);
        let mut cd = u64::from(u32_at(b, eocd + 16).ok_or_else(|| bad("short"))?);
        if count == 0xFFFF || cd == 0xFFFF_FFFF {
            // ZIP64: the locator just before the record points at the ZIP64 record.
            let loc = eocd
                .checked_sub(20)
                .ok_or_else(|| bad("no zip64 locator"))?;
            if u32_at(b, loc) != Some(0x0706_4b50) {
                return Err(bad("no zip64 locator"));
            }
            let rec = u64_at(b, loc + 8).ok_or_else(|| bad("short"))? as usize;
            if u32_at(b, rec) != Some(0x0606_4b50) {
                return Err(bad("no zip64 record"));
            }
            count = u64_at(b, rec + 32).ok_or_else(|| bad("short"))?;
            cd = u64_at(b, rec + 48).ok_or_else(|| bad("short"))?;
        }
        let mut out = Vec::new();
        let mut p = usize::try_from(cd).map_err(|_| bad("offset"))?;
        for _ in 0..count {
            if u32_at(b, p) != Some(0x0201_4b50) {
                return Err(bad("central directory entry"));
            }
            let method = u16_at(b, p + 10).ok_or_else(|| bad("short"))?;
            let mut compressed = u64::from(u32_at(b, p + 20).ok_or_else(|| bad("short"))?);
            let mut size = u64::from(u32_at(b, p + 24).ok_or_else(|| bad("short"))?);
            let name_len = usize::from(u16_at(b, p + 28).ok_or_else(|| bad("short"))?);
            let extra_len = usize::from(u16_at(b, p + 30).ok_or_else(|| bad("short"))?);
            let comment_len = usize::from(u16_at(b, p + 32).ok_or_else(|| bad("short"))?);
            let mut local = u64::from(u32_at(b, p + 42).ok_or_else(|| bad("short"))?);
            let name = b
                .get(p + 46..p + 46 + name_len)
                .ok_or_else(|| bad("short"))?;
            let name = String::from_utf8_lossy(name).into_owned();
            // ZIP64 extended information: the fields that were 0xFFFFFFFF, in order.
            let extra = b
                .get(p + 46 + name_len..p + 46 + name_len + extra_len)
                .ok_or_else(|| bad("short"))?;
            let mut e = 0;
            while e + 4 <= extra.len() {
                let id = u16_at(extra, e).unwrap_or(0);
                let len = usize::from(u16_at(extra, e + 2).unwrap_or(0));
                if id == 1 {
                    let mut f = e + 4;
                    for v in [&mut size, &mut compressed, &mut local] {
                        if *v == 0xFFFF_FFFF {
                            *v = u64_at(extra, f).ok_or_else(|| bad("zip64 field"))?;
                            f += 8;
                        }
                    }
                }
                e += 4 + len;
            }
            out.push(Entry {
                name,
                method,
                compressed,
                size,
                local,
            });
            p += 46 + name_len + extra_len + comment_len;
        }
        Ok(out)
    }

    /// The bytes of one entry.
    pub fn read(b: &[u8], e: &Entry) -> Result<Vec<u8>, String> {
        let l = usize::try_from(e.local).map_err(|_| "bad offset".to_string())?;
        if u32_at(b, l) != Some(0x0403_4b50) {
            return Err("bad local header".into());
        }
        let name_len = usize::from(u16_at(b, l + 26).ok_or("short")?);
        let extra_len = usize::from(u16_at(b, l + 28).ok_or("short")?);
        let start = l + 30 + name_len + extra_len;
        let end = usize::try_from(e.compressed)
            .ok()
            .and_then(|c| start.checked_add(c))
            .ok_or("bad size")?;
        let data = b.get(start..end).ok_or("truncated entry")?;
        if e.size > 1 << 30 {
            return Err("entry larger than 1 GiB".into());
        }
        match e.method {
            0 => Ok(data.to_vec()),
            8 => miniz_oxide::inflate::decompress_to_vec_with_limit(data, e.size as usize + 1)
                .map_err(|err| format!("cannot inflate: {err:?}")),
            m => Err(format!("unsupported compression method {m}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A zip of (name, bytes) entries, deflated, as osv.dev's exports are.
    pub fn make_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut cd = Vec::new();
        for (name, data) in entries {
            let comp = miniz_oxide::deflate::compress_to_vec(data, 6);
            let off = out.len() as u32;
            let crc = 0u32; // gate does not check CRCs; the inflater checks the stream.
            let mut local = Vec::new();
            local.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
            local.extend_from_slice(&[20, 0, 0, 0, 8, 0, 0, 0, 0, 0]);
            local.extend_from_slice(&crc.to_le_bytes());
            local.extend_from_slice(&(comp.len() as u32).to_le_bytes());
            local.extend_from_slice(&(data.len() as u32).to_le_bytes());
            local.extend_from_slice(&(name.len() as u16).to_le_bytes());
            local.extend_from_slice(&0u16.to_le_bytes());
            local.extend_from_slice(name.as_bytes());
            out.extend_from_slice(&local);
            out.extend_from_slice(&comp);
            cd.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            cd.extend_from_slice(&[20, 0, 20, 0, 0, 0, 8, 0, 0, 0, 0, 0]);
            cd.extend_from_slice(&crc.to_le_bytes());
            cd.extend_from_slice(&(comp.len() as u32).to_le_bytes());
            cd.extend_from_slice(&(data.len() as u32).to_le_bytes());
            cd.extend_from_slice(&(name.len() as u16).to_le_bytes());
            cd.extend_from_slice(&[0; 12]);
            cd.extend_from_slice(&off.to_le_bytes());
            cd.extend_from_slice(name.as_bytes());
        }
        let cd_off = out.len() as u32;
        out.extend_from_slice(&cd);
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(cd.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_off.to_le_bytes());
        out.extend_from_slice(&[0; 2]);
        out
    }

    const REQ: &str = r#"{"id": "GHSA-j8r2-6x86-q33q", "aliases": ["CVE-2023-32681"], "summary": "Proxy-Authorization header leak",
        "affected": [{"package": {"ecosystem": "PyPI", "name": "Requests"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.3.0"}, {"fixed": "2.31.0"}]}]}]}"#;
    const MAL: &str = "id: MAL-2099-1\nsummary: Malicious code in lodahs (npm)\naffected:\n- package: {ecosystem: npm, name: lodahs}\n  ranges:\n  - type: SEMVER\n    events: [{introduced: \"0\"}]\n";

    #[test]
    fn index_from_a_directory_and_a_zip_is_cached_by_content() {
        let t = tempfile::tempdir().expect("tmp");
        let dir = t.path().join("db");
        std::fs::create_dir_all(dir.join("sub")).expect("mkdir");
        std::fs::create_dir_all(dir.join(".github")).expect("mkdir");
        std::fs::write(dir.join("sub/GHSA-j8r2.json"), REQ).expect("w");
        std::fs::write(dir.join("README.md"), "not a record").expect("w");
        std::fs::write(dir.join(".github/ci.yml"), "on: push\n{{{").expect("w");
        let zip = t.path().join("npm.zip");
        std::fs::write(&zip, make_zip(&[("MAL-2099-1.yaml", MAL.as_bytes())])).expect("w");
        let cache = t.path().join("cache");
        let sources = vec![dir.clone(), zip.clone()];
        let idx = Index::open(&sources, &cache, false).expect("builds");
        assert!(idx.built);
        assert_eq!(
            (idx.stats.records, idx.stats.malicious, idx.stats.packages),
            (2, 1, 2)
        );
        let r = idx.lookup("pypi", "requests").expect("lookup");
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].id, "GHSA-j8r2-6x86-q33q");
        assert!(idx.lookup("pypi", "requests2").expect("lookup").is_empty());
        let m = idx.lookup("npm", "lodahs").expect("lookup");
        assert!(m[0].malicious);
        // Unchanged sources: the cached index, not a rebuild.
        let again = Index::open(&sources, &cache, false).expect("opens");
        assert!(!again.built);
        // The same content at another path (a fresh clone) reuses the index.
        let copy = t.path().join("copy");
        std::fs::create_dir_all(copy.join("sub")).expect("mkdir");
        std::fs::write(copy.join("sub/GHSA-j8r2.json"), REQ).expect("w");
        let zip2 = t.path().join("copy.zip");
        std::fs::copy(&zip, &zip2).expect("cp");
        let reused = Index::open(&[copy.clone(), zip2], &cache, false).expect("opens");
        assert!(!reused.built);
        // Changed content: a new index.
        std::fs::write(
            copy.join("sub/other.json"),
            REQ.replace("GHSA-j8r2-6x86-q33q", "GHSA-zzzz"),
        )
        .expect("w");
        let zip3 = t.path().join("npm.zip");
        let changed = Index::open(&[copy, zip3], &cache, false).expect("opens");
        assert!(changed.built);
        assert_eq!(changed.lookup("pypi", "requests").expect("lookup").len(), 2);
    }

    #[test]
    fn bad_sources_fail_naming_the_file() {
        let t = tempfile::tempdir().expect("tmp");
        let cache = t.path().join("cache");
        let e = Index::open(&[t.path().join("missing")], &cache, false)
            .err()
            .expect("missing source");
        assert!(e.to_string().contains("missing"), "{e}");
        std::fs::write(t.path().join("bad.json"), "{\"id\": ").expect("w");
        let e = Index::open(&[t.path().join("bad.json")], &cache, false)
            .err()
            .expect("bad record");
        assert!(format!("{e:#}").contains("bad.json"), "{e:#}");
        std::fs::write(t.path().join("bad.zip"), "PK not really").expect("w");
        let e = Index::open(&[t.path().join("bad.zip")], &cache, false)
            .err()
            .expect("bad zip");
        assert!(format!("{e:#}").contains("bad.zip"), "{e:#}");
    }

    /// Every (key, advisories) pair of the sources comes back out of the index as osv::parse
    /// read it, whatever order the blobs and the table were written in.
    #[test]
    fn index_round_trip() {
        let t = tempfile::tempdir().expect("tmp");
        let dir = t.path().join("db");
        std::fs::create_dir_all(&dir).expect("mkdir");
        let mut want: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for i in 0..300 {
            let (eco, name) = if i % 3 == 0 {
                ("npm", format!("@scope/pkg-{}", i % 40))
            } else {
                ("PyPI", format!("Pkg_{}", i % 70))
            };
            let id = format!("GHSA-test-{i:04}");
            let rec = format!(
                r#"{{"id": "{id}", "affected": [{{"package": {{"ecosystem": "{eco}", "name": "{name}"}}, "versions": ["1.{i}.0"]}}]}}"#
            );
            std::fs::write(dir.join(format!("{id}.json")), rec).expect("w");
            let e = if eco == "npm" { "npm" } else { "pypi" };
            want.entry((e.to_string(), name.clone()))
                .or_default()
                .push(id);
        }
        let cache = t.path().join("cache");
        let idx = Index::open(std::slice::from_ref(&dir), &cache, false).expect("builds");
        assert_eq!((idx.stats.records, idx.stats.packages), (300, want.len()));
        for ((eco, name), ids) in &want {
            let got: Vec<String> = idx
                .lookup(eco, name)
                .expect("lookup")
                .into_iter()
                .map(|a| a.id)
                .collect();
            let mut ids = ids.clone();
            ids.sort();
            assert_eq!(&got, &ids, "{eco} {name}");
            // Names are found however they are spelled in the manifest.
            if eco == "pypi" {
                assert_eq!(
                    idx.lookup(eco, &name.to_lowercase().replace('_', "-"))
                        .expect("l")
                        .len(),
                    ids.len()
                );
            }
        }
        assert!(idx.lookup("pypi", "pkg-70").expect("lookup").is_empty());
        assert!(idx.lookup("cargo", "pkg-1").expect("lookup").is_empty());
        // The bytes are a function of the content: a rebuild writes the same index.
        let first = std::fs::read(&idx.path).expect("r");
        let again = Index::open(&[dir], &cache, true).expect("rebuilds");
        assert!(again.built);
        assert_eq!(std::fs::read(&again.path).expect("r"), first);
    }

    /// A damaged cached index is built again when it is opened; a damaged blob found by a
    /// lookup is an error naming the index. Never a silent pass.
    #[test]
    fn damaged_index_is_rebuilt_or_named() {
        let t = tempfile::tempdir().expect("tmp");
        let src = t.path().join("ok.json");
        std::fs::write(&src, REQ).expect("w");
        let cache = t.path().join("cache");
        let idx = Index::open(std::slice::from_ref(&src), &cache, false).expect("builds");
        let good = std::fs::read(&idx.path).expect("r");
        drop(idx);
        let table_off = u64_at(&good, 8) as usize;
        let mut damages: Vec<Vec<u8>> = vec![
            b"GATEOSV\x02garbage".to_vec(),
            good[..good.len() - 3].to_vec(),
            Vec::new(),
        ];
        for at in [9, 41, table_off + 2, table_off + 10, good.len() - 2] {
            let mut d = good.clone();
            d[at] ^= 0x20;
            damages.push(d);
        }
        for (i, d) in damages.iter().enumerate() {
            let path = cache.join("osv").join(
                std::fs::read_dir(cache.join("osv"))
                    .expect("ls")
                    .filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .find(|n| n.ends_with(".idx"))
                    .expect("an index"),
            );
            std::fs::write(&path, d).expect("w");
            let again = Index::open(std::slice::from_ref(&src), &cache, false)
                .unwrap_or_else(|e| panic!("damage {i}: {e:#}"));
            assert!(again.built, "damage {i} rebuilt");
            assert_eq!(
                again.lookup("pypi", "requests").expect("lookup").len(),
                1,
                "damage {i}"
            );
        }
        // A changed byte in a blob: the table and header are sound, the lookup is not.
        let idx = Index::open(std::slice::from_ref(&src), &cache, false).expect("opens");
        let mut d = std::fs::read(&idx.path).expect("r");
        d[HEADER as usize + 12] ^= 0x01;
        std::fs::write(&idx.path, &d).expect("w");
        let reopened = Index::open(std::slice::from_ref(&src), &cache, false).expect("opens");
        assert!(!reopened.built);
        let e = reopened
            .lookup("pypi", "requests")
            .expect_err("damaged blob");
        assert!(
            e.to_string().contains(&reopened.path.display().to_string()),
            "{e}"
        );
        assert!(e.to_string().contains("gate deps index --force"), "{e}");
        // `gate deps index --force` repairs it.
        let forced = Index::open(std::slice::from_ref(&src), &cache, true).expect("rebuilds");
        assert_eq!(forced.lookup("pypi", "requests").expect("lookup").len(), 1);
    }

    /// A record edited in place (same path, new content) gives a new index on the next open:
    /// the stamp covers every file's size and modification time.
    #[test]
    fn stale_sources_are_reindexed() {
        let t = tempfile::tempdir().expect("tmp");
        let dir = t.path().join("db");
        std::fs::create_dir_all(dir.join("requests")).expect("mkdir");
        let rec = dir.join("requests/GHSA-j8r2.json");
        std::fs::write(&rec, REQ).expect("w");
        let cache = t.path().join("cache");
        let sources = vec![dir.clone()];
        let affects_2_31 = |idx: &Index| {
            let q = osv::Query::new("pypi", "2.31.0");
            idx.lookup("pypi", "requests").expect("lookup")[0].affects(&q)
        };
        let idx = Index::open(&sources, &cache, false).expect("builds");
        assert!(!affects_2_31(&idx));
        // The advisory is revised: 2.31.0 turns out to be affected too.
        let set_mtime = |p: &Path, secs: u64| {
            let f = std::fs::File::options().write(true).open(p).expect("open");
            f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs))
                .expect("mtime");
        };
        // A touched file is a new stamp: the content is hashed, found unchanged, and the
        // index is the same one.
        set_mtime(&rec, 1_700_000_000);
        let idx = Index::open(&sources, &cache, false).expect("opens");
        assert!(!idx.built);
        // Edited in place, to the same size: the new modification time is a new stamp.
        std::fs::write(&rec, REQ.replace("2.31.0", "2.32.0")).expect("w");
        let idx = Index::open(&sources, &cache, false).expect("opens");
        assert!(idx.built, "an edited record is indexed again");
        assert!(
            affects_2_31(&idx),
            "the revised range is what the index answers"
        );
        // A new record in a new directory, and a removed one.
        std::fs::create_dir_all(dir.join("flask")).expect("mkdir");
        std::fs::write(
            dir.join("flask/GHSA-flask.json"),
            REQ.replace("Requests", "Flask")
                .replace("GHSA-j8r2-6x86-q33q", "GHSA-flask"),
        )
        .expect("w");
        let idx = Index::open(&sources, &cache, false).expect("opens");
        assert_eq!(idx.lookup("pypi", "flask").expect("lookup").len(), 1);
        std::fs::remove_file(&rec).expect("rm");
        let idx = Index::open(&sources, &cache, false).expect("opens");
        assert!(idx.lookup("pypi", "requests").expect("lookup").is_empty());
        // Back to a content seen before: that index again, without a rebuild.
        std::fs::write(&rec, REQ.replace("2.31.0", "2.32.0")).expect("w");
        let idx = Index::open(&sources, &cache, false).expect("opens");
        assert!(!idx.built);
        assert!(affects_2_31(&idx));
    }

    #[test]
    fn registry_snapshot_index() {
        let t = tempfile::tempdir().expect("tmp");
        let snap = t.path().join("pypi.tsv");
        std::fs::write(&snap, "# names\nRequests\t123\nflask\npython_dateutil\n").expect("w");
        let n = NameIndex::open("pypi", &snap, &t.path().join("cache")).expect("opens");
        assert!(n.contains("requests").expect("ok"));
        assert!(n.contains("python-dateutil").expect("ok"));
        assert!(!n.contains("reqeusts").expect("ok"));
    }
}
