//! Where the change comes from: a diff file or stdin, the index, a revision range or a whole
//! tree. Each source gives a [`ChangeSet`] with snapshots to read the files before and after,
//! and the [`Mode`] the facts report, so no later stage asks how the change was read.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;

use super::{diff, git, tree, ChangeSet, Snapshot};

/// What to check.
#[derive(Debug, Clone)]
pub enum Source {
    /// A unified diff from a file, or stdin for `-`.
    Diff(String),
    /// The index against HEAD.
    Staged,
    /// The merge base of `base` and `head` (default HEAD) against `head`.
    Range { base: String, head: Option<String> },
    /// Every file under a directory, as added.
    All(PathBuf),
}

/// How the change was read (`input.change.mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Diff,
    Staged,
    Range,
    /// `--all`: every file of a tree, as added.
    All,
    /// No code change, only plans.
    #[default]
    None,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Diff => "diff",
            Mode::Staged => "staged",
            Mode::Range => "range",
            Mode::All => "all",
            Mode::None => "none",
        }
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The change of a source (`None`: only plans are checked), read from `cwd`.
pub fn load(source: Option<&Source>, cwd: &Path) -> Result<(ChangeSet, Mode)> {
    match source {
        Some(src) => load_change(src, cwd),
        None => Ok((
            ChangeSet {
                base: None,
                head: None,
                files: Vec::new(),
                post: Snapshot::None,
                pre: Snapshot::None,
                root: git::toplevel(cwd),
            },
            Mode::None,
        )),
    }
}

/// A change read from its source, with its mode.
pub fn load_change(source: &Source, cwd: &Path) -> Result<(ChangeSet, Mode)> {
    let root = git::toplevel(cwd);
    match source {
        Source::Diff(path) => {
            let bytes = if path == "-" {
                let mut buf = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut buf)
                    .context("cannot read the diff from standard input")?;
                buf
            } else {
                std::fs::read(path).with_context(|| format!("cannot read diff {path}"))?
            };
            let name = if path == "-" {
                "<stdin>"
            } else {
                path.as_str()
            };
            let files = diff::parse(&bytes)
                .map_err(|e| anyhow::anyhow!("{name}:{}: {}", e.line, e.message))?;
            let post = match &root {
                Some(root) => diff_post_images(root, &files)?,
                None => Snapshot::None,
            };
            Ok((
                ChangeSet {
                    base: None,
                    head: None,
                    files,
                    post,
                    pre: Snapshot::None,
                    root,
                },
                Mode::Diff,
            ))
        }
        Source::Staged => {
            let root = root.ok_or_else(|| {
                anyhow::anyhow!(
                    "--staged needs a git repository, and {} is not in one",
                    cwd.display()
                )
            })?;
            let bytes = git::diff_staged(&root)?;
            let files = diff::parse(&bytes).context("cannot parse the staged diff from git")?;
            let head = git::resolve(&root, "HEAD").ok();
            let pre = head
                .clone()
                .map_or(Snapshot::None, |rev| Snapshot::Revision {
                    root: root.clone(),
                    rev,
                });
            Ok((
                ChangeSet {
                    base: head,
                    head: None,
                    files,
                    post: Snapshot::Index(root.clone()),
                    pre,
                    root: Some(root),
                },
                Mode::Staged,
            ))
        }
        Source::Range { base, head } => {
            let root = root.ok_or_else(|| {
                anyhow::anyhow!(
                    "--base needs a git repository, and {} is not in one",
                    cwd.display()
                )
            })?;
            let head_rev = head.as_deref().unwrap_or("HEAD");
            let (head_id, base_id) = git::resolve_pair(&root, head_rev, base)?;
            let merge_base = git::merge_base(&root, &base_id, &head_id)?;
            let bytes = git::diff_commits(&root, &merge_base, &head_id)?;
            let files = diff::parse(&bytes).context("cannot parse the diff from git")?;
            Ok((
                ChangeSet {
                    base: Some(merge_base.clone()),
                    head: Some(head_id.clone()),
                    files,
                    post: Snapshot::Revision {
                        root: root.clone(),
                        rev: head_id,
                    },
                    pre: Snapshot::Revision {
                        root: root.clone(),
                        rev: merge_base,
                    },
                    root: Some(root),
                },
                Mode::Range,
            ))
        }
        Source::All(dir) => {
            let dir = if dir.is_absolute() {
                dir.clone()
            } else {
                cwd.join(dir)
            };
            Ok((tree::walk(&dir)?, Mode::All))
        }
    }
}

/// Where a `--diff`'s post-images come from, inside a repository. The work tree holds
/// whatever is checked out, not necessarily the change: manifests read from it would describe
/// another version. So each file is read from the blob its `index` line names when the
/// repository has that blob, and otherwise from the work tree only after checking that the
/// work tree holds the diff's added lines; when it holds other content, the check is refused
/// (exit 2) naming the file and line, never judged on that content. A file the work tree does
/// not have is judged on the diff's lines alone.
fn diff_post_images(root: &Path, files: &[super::FileChange]) -> Result<Snapshot> {
    use super::{FileStatus, WorkTreeRead};
    let live: Vec<&super::FileChange> = files
        .iter()
        .filter(|f| f.status != FileStatus::Deleted && !f.binary)
        .collect();
    let wanted: Vec<String> = live.iter().filter_map(|f| f.new_blob.clone()).collect();
    let present = git::objects_exist(root, &wanted)?;
    let mut ids = std::collections::BTreeMap::new();
    let mut buf = Vec::new();
    for f in live {
        if let Some(id) = f.new_blob.as_ref().filter(|id| present.contains(*id)) {
            ids.insert(f.path.clone(), id.clone());
            continue;
        }
        match super::read_inside_into(root, &f.path, u64::MAX, &mut buf)? {
            WorkTreeRead::Read => {}
            // Not read by anyone (a symlink on the way): reported as unreadable.
            WorkTreeRead::NotAFile => continue,
            // Not in the work tree (a patch reviewed before it is applied): only the diff's
            // own lines are known, as without a repository.
            WorkTreeRead::Missing | WorkTreeRead::TooLarge => continue,
        }
        let lines: Vec<&[u8]> = buf
            .split(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .collect();
        for l in f.added_lines() {
            let want: &[u8] = l.text.strip_suffix(b"\r").unwrap_or(&l.text[..]);
            let have = usize::try_from(l.line)
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| lines.get(i));
            if have != Some(&want) {
                anyhow::bail!(
                    "{}:{}: the work tree does not match the diff: apply the change first (git apply), check it with --base or --staged, or give a diff with blob ids (git diff --full-index) from a clone that has them",
                    f.path,
                    l.line
                );
            }
        }
    }
    Ok(Snapshot::Blobs {
        root: root.to_path_buf(),
        ids,
    })
}
