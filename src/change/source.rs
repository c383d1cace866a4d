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
            let post = root.clone().map_or(Snapshot::None, Snapshot::WorkTree);
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
