//! What changed: the one model every analyzer reads.
//!
//! A [`ChangeSet`] is built from a unified diff (a file, stdin, or git), or from a whole tree
//! (`--all`, where every file counts as added). Analyzers never talk to git or the file system
//! directly: they ask the change set for added lines, and for the post-image of a file through
//! its [`Snapshot`], so one analyzer works the same in every input mode.

pub mod content;
pub mod diff;
pub mod facts;
pub mod git;
pub mod images;
pub mod source;
pub mod tree;

pub use source::{Mode, Source};

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;

/// How a file changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    Added,
    Modified,
    Deleted,
    Renamed,
    Copied,
}

/// One line of a hunk: its number in the new file (added) or the old file (removed), and its
/// bytes without the line terminator. Bytes, not `String`: a non-UTF-8 file is still scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub line: u32,
    /// A boxed slice, not a `Vec`: a large diff holds millions of lines, and the capacity
    /// field would cost 8 bytes each.
    pub text: Box<[u8]>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hunk {
    pub old_start: u32,
    pub old_lines: u32,
    pub new_start: u32,
    pub new_lines: u32,
    pub added: Vec<Line>,
    pub removed: Vec<Line>,
}

/// One file of the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// Repository-relative path with `/`, the new path (the old one for a deletion).
    pub path: String,
    /// The path before a rename or copy.
    pub old_path: Option<String>,
    pub status: FileStatus,
    pub binary: bool,
    pub old_mode: Option<String>,
    pub new_mode: Option<String>,
    pub hunks: Vec<Hunk>,
    /// `--all` mode: the whole file is the change, and its lines are read from the snapshot on
    /// demand instead of being held in hunks.
    pub whole_file: bool,
    /// The post-image's full object id, from the `index` line of a `--full-index` git diff:
    /// git reads a blob by id without walking trees for its path.
    pub new_blob: Option<String>,
    /// Why gate did not read the file (or read only its bytes), when it did not.
    pub unread: Option<content::Unread>,
}

impl FileChange {
    pub fn new(path: String, status: FileStatus) -> Self {
        FileChange {
            path,
            old_path: None,
            status,
            binary: false,
            old_mode: None,
            new_mode: None,
            hunks: Vec::new(),
            whole_file: false,
            new_blob: None,
            unread: None,
        }
    }

    pub fn additions(&self) -> usize {
        self.hunks.iter().map(|h| h.added.len()).sum()
    }

    pub fn deletions(&self) -> usize {
        self.hunks.iter().map(|h| h.removed.len()).sum()
    }

    /// The added lines, in order.
    pub fn added_lines(&self) -> impl Iterator<Item = &Line> {
        self.hunks.iter().flat_map(|h| h.added.iter())
    }

    /// The size of [`FileChange::added_text`], without building it.
    pub fn added_len(&self) -> usize {
        self.added_lines().map(|l| l.text.len() + 1).sum()
    }

    /// The added lines one after the other, each ended by `\n` (for an added file: the file).
    pub fn added_text(&self) -> Vec<u8> {
        let mut buf = Vec::with_capacity(self.added_len());
        for l in self.added_lines() {
            buf.extend_from_slice(&l.text);
            buf.push(b'\n');
        }
        buf
    }
}

/// Where the post-image (and pre-image) of changed files can be read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Snapshot {
    /// Files on disk under this root (work tree, `--all`, `--diff` run inside a checkout).
    WorkTree(PathBuf),
    /// The index of the repository at this root (`--staged`).
    Index(PathBuf),
    /// A commit of the repository at this root.
    Revision { root: PathBuf, rev: String },
    /// A `--diff`'s post-images: the blobs its `index` lines name (by path), read from the
    /// repository at this root; a file without one is read from the work tree, which was
    /// checked to hold the diff's lines.
    Blobs {
        root: PathBuf,
        ids: std::collections::BTreeMap<String, String>,
    },
    /// Nothing readable: only the diff's own lines are known.
    None,
}

impl Snapshot {
    /// Reads a repository-relative file. `Ok(None)` when the snapshot does not have it.
    pub fn read(&self, path: &str) -> Result<Option<Vec<u8>>> {
        if !is_safe_relative_path(path) {
            anyhow::bail!("refusing to read {path:?}: the path leaves the repository");
        }
        match self {
            Snapshot::WorkTree(root) => read_inside(root, path),
            Snapshot::Index(root) => git::show(root, &format!(":{path}")),
            Snapshot::Revision { root, rev } => git::show(root, &format!("{rev}:{path}")),
            Snapshot::Blobs { root, ids } => match ids.get(path) {
                Some(id) => Ok(git::show_many(root, std::slice::from_ref(id))?
                    .pop()
                    .flatten()),
                None => read_inside(root, path),
            },
            Snapshot::None => Ok(None),
        }
    }
}

impl Snapshot {
    /// Whether a file of the snapshot matching `pathspecs` has a line matching `pattern` (an
    /// extended regular expression); `None` when it cannot be told (no repository).
    pub fn grep_any(&self, pattern: &str, pathspecs: &[&str]) -> Result<Option<bool>> {
        match self {
            // A `--diff`'s surroundings are the work tree's, as for `list`.
            Snapshot::WorkTree(root) | Snapshot::Blobs { root, .. } => {
                git::grep_any(root, None, false, pattern, pathspecs)
            }
            Snapshot::Index(root) => git::grep_any(root, None, true, pattern, pathspecs),
            Snapshot::Revision { root, rev } => {
                git::grep_any(root, Some(rev), false, pattern, pathspecs)
            }
            Snapshot::None => Ok(None),
        }
    }

    /// Whether a file of the snapshot matching `pathspecs` contains `word` (a whole word,
    /// any case); `None` when it cannot be told (not a revision: the index and the work tree
    /// are not asked, since only the base of a change is looked up this way).
    pub fn grep_word(&self, word: &str, pathspecs: &[&str]) -> Result<Option<bool>> {
        match self {
            Snapshot::Revision { root, rev } => git::grep_word(root, rev, word, pathspecs),
            _ => Ok(None),
        }
    }

    /// Reads many files at once (one git process for revisions and the index), given as
    /// `(path, object id)`: from git by the object id when the diff gave one (no tree walk for
    /// the path), else by path. A work tree is always read by path, each file's error its own
    /// (the outer error is the snapshot failing as a whole: git not answering).
    pub fn read_many(
        &self,
        items: &[(&str, Option<&str>)],
    ) -> Result<Vec<Result<Option<Vec<u8>>>>> {
        for (p, _) in items {
            if !is_safe_relative_path(p) {
                anyhow::bail!("refusing to read {p:?}: the path leaves the repository");
            }
        }
        let spec = |prefix: &str, p: &str, id: Option<&str>| match id {
            Some(id) => id.to_string(),
            None => format!("{prefix}:{p}"),
        };
        match self {
            Snapshot::Index(root) => Ok(git::show_many(
                root,
                &items
                    .iter()
                    .map(|(p, id)| spec("", p, *id))
                    .collect::<Vec<_>>(),
            )?
            .into_iter()
            .map(Ok)
            .collect()),
            Snapshot::Revision { root, rev } => Ok(git::show_many(
                root,
                &items
                    .iter()
                    .map(|(p, id)| spec(rev, p, *id))
                    .collect::<Vec<_>>(),
            )?
            .into_iter()
            .map(Ok)
            .collect()),
            Snapshot::Blobs { root, ids } => {
                let (by_id, by_path): (Vec<_>, Vec<_>) = items
                    .iter()
                    .enumerate()
                    .partition(|(_, (p, _))| ids.contains_key(*p));
                let specs: Vec<String> = by_id.iter().map(|(_, (p, _))| ids[*p].clone()).collect();
                let mut out: Vec<Result<Option<Vec<u8>>>> =
                    (0..items.len()).map(|_| Ok(None)).collect();
                for ((i, _), blob) in by_id.iter().zip(git::show_many(root, &specs)?) {
                    out[*i] = Ok(blob);
                }
                // A work-tree file's error is its own, as in the work-tree snapshot.
                for (i, (p, _)) in by_path {
                    out[i] = read_inside(root, p);
                }
                Ok(out)
            }
            _ => Ok(items.iter().map(|(p, _)| self.read(p)).collect()),
        }
    }
}

/// A file of a snapshot, from [`Snapshot::list`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub path: String,
    /// The size in bytes, when the listing gives it.
    pub size: Option<u64>,
    /// The git object id (revisions and the index), to read it without a tree walk.
    pub id: Option<String>,
}

impl Snapshot {
    /// Every regular file of the snapshot (repository-relative, sorted): a work tree is walked
    /// honouring `.gitignore` without following symlinks, a revision or the index is listed by
    /// git. Analyzers that need the files around a change (a service's setup) ask this instead
    /// of the file system or git. `Snapshot::None` lists nothing.
    pub fn list(&self) -> Result<Vec<Listed>> {
        let listed = |v: Vec<git::ListedFile>| {
            v.into_iter()
                .map(|(path, size, id)| Listed { path, size, id })
                .collect()
        };
        match self {
            // The files around a `--diff`'s change are the work tree's (its changed files are
            // read from their blobs).
            Snapshot::WorkTree(root) | Snapshot::Blobs { root, .. } => list_work_tree(root),
            Snapshot::Index(root) => Ok(listed(git::list_files(root, None)?)),
            Snapshot::Revision { root, rev } => Ok(listed(git::list_files(root, Some(rev))?)),
            Snapshot::None => Ok(Vec::new()),
        }
    }
}

impl Snapshot {
    /// The files under a repository-relative directory (`""`: every file), sorted; `None`
    /// when the snapshot cannot list them. A revision is asked for that directory alone.
    pub fn files_under(&self, dir: &str) -> Result<Option<Vec<String>>> {
        if !dir.is_empty() && !is_safe_relative_path(dir) {
            anyhow::bail!("refusing to list {dir:?}: the path leaves the repository");
        }
        let prefix = format!("{dir}/");
        let keep = |p: &String| dir.is_empty() || p.starts_with(&prefix);
        Ok(match self {
            Snapshot::Revision { root, rev } => Some(
                git::ls_tree(root, rev, if dir.is_empty() { "." } else { dir })?
                    .into_iter()
                    .filter(keep)
                    .collect(),
            ),
            Snapshot::None => None,
            _ => Some(
                self.list()?
                    .into_iter()
                    .map(|l| l.path)
                    .filter(keep)
                    .collect(),
            ),
        })
    }
}

fn list_work_tree(root: &Path) -> Result<Vec<Listed>> {
    let mut out = Vec::new();
    for entry in ignore::WalkBuilder::new(root)
        .hidden(false)
        .follow_links(false)
        .require_git(false)
        // like `tree::walk`: git's ignore rules only, not ripgrep's `.ignore` files
        .ignore(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build()
    {
        let entry = entry.with_context(|| format!("cannot walk {}", root.display()))?;
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let path = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let size = entry.metadata().ok().map(|m| m.len());
        out.push(Listed {
            path,
            size,
            id: None,
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Reads `root/path` unless a symlink or `..` would take it outside `root`.
fn read_inside(root: &Path, path: &str) -> Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    Ok(match read_inside_into(root, path, u64::MAX, &mut buf)? {
        WorkTreeRead::Read => Some(buf),
        WorkTreeRead::Missing | WorkTreeRead::NotAFile | WorkTreeRead::TooLarge => None,
    })
}

/// What [`read_inside_into`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkTreeRead {
    /// The contents are in the buffer.
    Read,
    Missing,
    /// A symlink, directory or special file, or a path through a symlinked directory: not
    /// read.
    NotAFile,
    /// At least `limit` bytes: not read.
    TooLarge,
}

/// Directories of a work tree already found to be real directories (no symlink on their
/// way), for reading many files of one tree: each directory is then checked once, not once
/// for each file under it (a whole-tree scan spent 3 of its 5 `statx` calls a file there).
/// Keep one for one pass over a tree: a directory replaced by a symlink after its check is
/// not seen, as it would not be between a check and the read that follows it.
#[derive(Debug, Default)]
pub struct CheckedDirs {
    dirs: std::collections::HashSet<PathBuf>,
}

/// Reads `root/path` into `buf` (cleared first, its allocation reused: a whole-tree scan reads
/// tens of thousands of files), unless it or a directory on its way is a symlink (its target
/// is not the file's content and could lie outside the repository), it is not a regular
/// file, or it is at least `limit` bytes.
pub fn read_inside_into(
    root: &Path,
    path: &str,
    limit: u64,
    buf: &mut Vec<u8>,
) -> Result<WorkTreeRead> {
    read_inside_checked(root, path, limit, buf, &mut CheckedDirs::default())
}

/// A path opened without following a symlink.
enum Opened {
    File(std::fs::File, std::fs::Metadata),
    /// A symlink, a directory, a FIFO, a device...
    NotAFile,
}

/// Opens `full` for reading unless it is a symlink or not a regular file: on Unix in one
/// `open` (`O_NOFOLLOW`, and `O_NONBLOCK` so that a FIFO does not wait for a writer) and an
/// `fstat` of what was opened (a whole-tree scan opens tens of thousands of files; the
/// `lstat` before the open was a system call more each).
#[cfg(unix)]
fn open_no_follow(full: &Path) -> std::io::Result<Opened> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(full)
    {
        Ok(file) => {
            let meta = file.metadata()?;
            Ok(if meta.is_file() {
                Opened::File(file, meta)
            } else {
                Opened::NotAFile
            })
        }
        // ELOOP on Linux, EMLINK on FreeBSD for a symlink, ENXIO for a socket...: whatever
        // the system says, the path's own metadata tell whether it was a file.
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            match std::fs::symlink_metadata(full) {
                Ok(m) if !m.is_file() => Ok(Opened::NotAFile),
                _ => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

/// [`open_no_follow`] where `O_NOFOLLOW` is not at hand: the path's own metadata first.
#[cfg(not(unix))]
fn open_no_follow(full: &Path) -> std::io::Result<Opened> {
    let meta = std::fs::symlink_metadata(full)?;
    if !meta.is_file() {
        return Ok(Opened::NotAFile);
    }
    Ok(Opened::File(std::fs::File::open(full)?, meta))
}

/// [`read_inside_into`], with the directories `checked` holds taken as checked, and those it
/// checks added.
pub fn read_inside_checked(
    root: &Path,
    path: &str,
    limit: u64,
    buf: &mut Vec<u8>,
    checked: &mut CheckedDirs,
) -> Result<WorkTreeRead> {
    use std::io::Read;
    buf.clear();
    if !is_safe_relative_path(path) {
        anyhow::bail!("refusing to read {path:?}: the path leaves the repository");
    }
    // Every directory on the way must be a real directory: `lnk/package.json`, with `lnk` a
    // symlink to a directory outside the repository, would read the outside file. A
    // directory is in `checked` only once every directory above it was checked too.
    let components: Vec<&str> = path.split(['/', '\\']).filter(|c| !c.is_empty()).collect();
    let parents = &components[..components.len().saturating_sub(1)];
    let mut dir = root.to_path_buf();
    parents.iter().for_each(|c| dir.push(c));
    if !parents.is_empty() && !checked.dirs.contains(&dir) {
        dir = root.to_path_buf();
        for c in parents {
            dir.push(c);
            if checked.dirs.contains(&dir) {
                continue;
            }
            match std::fs::symlink_metadata(&dir) {
                Ok(m) if m.is_dir() => {
                    checked.dirs.insert(dir.clone());
                }
                Ok(_) => return Ok(WorkTreeRead::NotAFile),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Ok(WorkTreeRead::Missing)
                }
                Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
            }
        }
    }
    let full = root.join(path);
    let (file, meta) = match open_no_follow(&full) {
        Ok(Opened::File(file, meta)) => (file, meta),
        Ok(Opened::NotAFile) => return Ok(WorkTreeRead::NotAFile),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(WorkTreeRead::Missing),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", full.display())),
    };
    if meta.len() >= limit {
        return Ok(WorkTreeRead::TooLarge);
    }
    buf.reserve(usize::try_from(meta.len()).unwrap_or(0).saturating_add(1));
    // Through `take`, which reads to the end without asking the file's size again (`File`'s
    // own `read_to_end` makes a `statx` and an `lseek` for it: two of its seven system calls).
    (&file)
        .take(limit)
        .read_to_end(buf)
        .with_context(|| format!("cannot read {}", full.display()))?;
    Ok(WorkTreeRead::Read)
}

/// A repository-relative path that stays inside the repository: not absolute, no `..`.
pub fn is_safe_relative_path(path: &str) -> bool {
    let absolute = path.starts_with(['/', '\\'])
        || matches!(path.as_bytes(), [d, b':', b'/' | b'\\', ..] if d.is_ascii_alphabetic());
    !path.is_empty() && !absolute && path.split(['/', '\\']).all(|c| c != "..")
}

/// Everything that changed, from one input.
#[derive(Debug, Clone)]
pub struct ChangeSet {
    pub base: Option<String>,
    pub head: Option<String>,
    pub files: Vec<FileChange>,
    /// Where the changed files can be read as they are after the change.
    pub post: Snapshot,
    /// Where they can be read as they were before (for before/after comparisons).
    pub pre: Snapshot,
    /// Repository root, when the input came from or was run inside a git checkout.
    pub root: Option<PathBuf>,
}

impl ChangeSet {
    /// Sorts files by path so every later stage sees one order, whatever the input order.
    pub fn normalize(&mut self) {
        self.files
            .sort_by(|a, b| a.path.cmp(&b.path).then(a.status.cmp(&b.status)));
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Drops the files `ignored` names (they are not analyzed) and sorts the rest
    /// ([`ChangeSet::normalize`]); returns the dropped paths, in the change's order.
    pub fn drop_ignored(&mut self, ignored: impl Fn(&str) -> bool) -> Vec<String> {
        let dropped = self
            .files
            .iter()
            .filter(|f| ignored(&f.path))
            .map(|f| f.path.clone())
            .collect();
        self.files.retain(|f| !ignored(&f.path));
        self.normalize();
        dropped
    }

    /// The commits of the change's range (`base..head`), read by git on another thread;
    /// `None` when the change is not a range of a repository.
    pub fn commits_in_background(&self) -> Option<git::CommitsReader> {
        let (Some(root), Some(base), Some(head)) = (&self.root, &self.base, &self.head) else {
            return None;
        };
        let (root, base, head) = (root.clone(), base.clone(), head.clone());
        Some(std::thread::spawn(move || {
            git::commits(&root, &base, &head)
        }))
    }
}

#[cfg(all(test, unix))]
mod read_tests {
    use super::*;

    /// A symlink and a FIFO are not files: reading either answers at once (a plain open of a
    /// FIFO waits for a writer forever), and the symlink's target is not read.
    #[test]
    fn symlinks_and_fifos_are_not_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("real.txt"), "x").expect("write");
        std::os::unix::fs::symlink("real.txt", dir.path().join("link.txt")).expect("symlink");
        let made = std::process::Command::new("mkfifo")
            .arg(dir.path().join("pipe"))
            .status()
            .expect("mkfifo runs");
        assert!(made.success(), "mkfifo failed");
        let mut buf = Vec::new();
        let read = |path: &str, buf: &mut Vec<u8>| read_inside_into(dir.path(), path, 1 << 20, buf);
        assert!(matches!(read("real.txt", &mut buf), Ok(WorkTreeRead::Read)));
        assert_eq!(buf, b"x");
        assert!(matches!(
            read("link.txt", &mut buf),
            Ok(WorkTreeRead::NotAFile)
        ));
        assert!(matches!(read("pipe", &mut buf), Ok(WorkTreeRead::NotAFile)));
        assert!(matches!(
            read("gone.txt", &mut buf),
            Ok(WorkTreeRead::Missing)
        ));
        std::fs::write(dir.path().join("big.txt"), vec![b'a'; 64]).expect("write");
        assert!(matches!(
            read_inside_into(dir.path(), "big.txt", 64, &mut buf),
            Ok(WorkTreeRead::TooLarge)
        ));
    }
}
