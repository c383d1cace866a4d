//! `--all`: a whole tree as a change in which every file is added.
//!
//! The walk honours git's ignore rules (`.gitignore`, `.git/info/exclude`, the global excludes
//! file) the way ripgrep does, includes hidden files (a `.env` is exactly where secrets hide)
//! and never follows symlinks. Ignore rules decide only about untracked files: a file the
//! repository tracks is part of the tree under review even when a pattern matches it (a
//! `.gitignore` the change adds cannot hide a committed `.env`), so tracked files that the
//! rules match are listed by git and added. ripgrep's own `.ignore` files are not read: git
//! does not know them, and they would hide tracked files from the walk.
//! Files are not read here: analyzers read each one once, in parallel, from the snapshot, so
//! memory stays flat however large the tree is.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{bail, Context, Result};

use super::{ChangeSet, FileChange, FileStatus, Snapshot};

/// Lists every non-ignored regular file under `dir`. Paths are relative to `root` (the
/// repository top when `dir` is inside one, else `dir`).
pub fn walk(dir: &Path) -> Result<ChangeSet> {
    let meta = std::fs::metadata(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    if !meta.is_dir() {
        bail!("{} is not a directory", dir.display());
    }
    let dir = dir
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", dir.display()))?;
    let root = super::git::toplevel(&dir)
        .and_then(|r| r.canonicalize().ok())
        .filter(|r| dir.starts_with(r))
        .unwrap_or_else(|| dir.clone());

    let found: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    let errors: Mutex<Vec<String>> = Mutex::new(Vec::new());
    ignore::WalkBuilder::new(&dir)
        .hidden(false)
        .follow_links(false)
        .require_git(false)
        .ignore(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                        if let Ok(mut f) = found.lock() {
                            f.push(e.into_path());
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        if let Ok(mut v) = errors.lock() {
                            v.push(e.to_string());
                        }
                    }
                }
                ignore::WalkState::Continue
            })
        });
    let errors = errors.into_inner().unwrap_or_default();
    if let Some(first) = errors.first() {
        // Fail closed: a directory we were asked to check and could not read.
        bail!("cannot walk {}: {first}", dir.display());
    }
    let mut found = found.into_inner().unwrap_or_default();
    found.extend(tracked_but_ignored(&root, &dir)?);
    // Relative paths as text, sorted as text (comparing `PathBuf`s component by component
    // cost more than the rest of the walk's own work on a large tree).
    let mut rels: Vec<String> = found
        .into_iter()
        .filter_map(|p| {
            let rel = p.strip_prefix(&root).ok()?;
            Some(
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
            )
        })
        .collect();
    rels.sort_unstable();
    rels.dedup();
    let files: Vec<FileChange> = rels
        .into_iter()
        .map(|rel| {
            let mut f = FileChange::new(rel, FileStatus::Added);
            f.whole_file = true;
            f
        })
        .collect();
    Ok(ChangeSet {
        base: None,
        head: None,
        files,
        post: Snapshot::WorkTree(root.clone()),
        pre: Snapshot::None,
        root: Some(root),
    })
}

/// Regular files under `dir` that the repository at `root` tracks although an ignore rule
/// matches them (`git add -f`, or a rule added after the file): `git ls-files -ci`. Nothing
/// outside a repository.
fn tracked_but_ignored(root: &Path, dir: &Path) -> Result<Vec<PathBuf>> {
    if !root.join(".git").exists() {
        return Ok(Vec::new());
    }
    let listed = super::git::ls_files_ignored(root)?;
    Ok(listed
        .into_iter()
        .filter(|rel| {
            rel.components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
        })
        .map(|rel| root.join(rel))
        .filter(|p| p.starts_with(dir))
        .filter(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file()))
        .collect())
}
