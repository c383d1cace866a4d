//! The git CLI, for the few questions gate asks a repository: where is the root, what is the
//! merge base, what is the diff, what did a file look like at a revision, who wrote the commits.
//!
//! gate shells out instead of linking libgit2: the user's git already understands their
//! repository's configuration, worktrees and partial clones, and these calls are few.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{bail, Context, Result};

fn git(root: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(root);
    // Diff output must not depend on the user's configuration: no colour, no external diff
    // drivers, quoted unusual paths, standard prefixes, submodules as one line, no signature
    // lines in logs. Attributes (a `.gitattributes` the change adds: `* -diff`, `binary`, a
    // `diff=` driver) must not change what git shows either: the global and system attribute
    // files are not read, and `--text --no-ext-diff --no-textconv` (DIFF_ARGS) make the
    // in-tree ones irrelevant to the diff (gate decides itself what is binary).
    cmd.args([
        "-c",
        "core.quotepath=on",
        "-c",
        "color.ui=never",
        "-c",
        "diff.noprefix=false",
        "-c",
        "diff.mnemonicprefix=false",
        "-c",
        "diff.submodule=short",
        "-c",
        "diff.relative=false",
        "-c",
        "log.showSignature=false",
        "-c",
        "core.attributesFile=/dev/null",
    ]);
    cmd.env("GIT_TERMINAL_PROMPT", "0");
    cmd.env("GIT_ATTR_NOSYSTEM", "1");
    cmd.env_remove("GIT_EXTERNAL_DIFF");
    cmd.env_remove("GIT_DIFF_OPTS");
    cmd
}

fn run(root: &Path, args: &[&str]) -> Result<Output> {
    git(root)
        .args(args)
        .output()
        .with_context(|| format!("cannot run `git {}` (is git installed?)", args.join(" ")))
}

fn stdout_ok(root: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let out = run(root, args)?;
    if !out.status.success() {
        bail!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(out.stdout)
}

/// The top of the work tree containing `dir`, or `None` outside a repository.
pub fn toplevel(dir: &Path) -> Option<PathBuf> {
    let out = run(dir, &["rev-parse", "--show-toplevel"]).ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?;
    Some(PathBuf::from(s.trim_end_matches(['\n', '\r'])))
}

/// Resolves a revision to a commit id; an unknown revision is an error that names it.
pub fn resolve(root: &Path, rev: &str) -> Result<String> {
    if rev.starts_with('-') {
        bail!("unknown revision {rev:?}");
    }
    let out = run(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )?;
    if !out.status.success() {
        bail!(
            "unknown revision {rev:?}: git cannot find a commit by that name{}",
            fetch_hint(root, rev)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Whether the repository is a shallow clone (CI checkouts often are: depth 1).
pub fn is_shallow(root: &Path) -> bool {
    run(root, &["rev-parse", "--is-shallow-repository"])
        .is_ok_and(|o| o.status.success() && o.stdout.starts_with(b"true"))
}

/// What to do when a revision is missing: fetch the branch, deepen a shallow clone.
fn fetch_hint(root: &Path, rev: &str) -> String {
    let mut hint = String::new();
    if let Some((remote, branch)) = rev.split_once('/').filter(|(r, b)| {
        !r.is_empty()
            && !b.is_empty()
            && run(root, &["remote"]).is_ok_and(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .any(|l| l.trim() == *r)
            })
    }) {
        hint.push_str(&format!(
            "; fetch it first: git fetch {remote} {branch}:refs/remotes/{remote}/{branch}"
        ));
    }
    if is_shallow(root) {
        hint.push_str(
            "; this clone is shallow: fetch the history (git fetch --unshallow, or in GitHub \
             Actions actions/checkout with fetch-depth: 0; GitLab: GIT_DEPTH: 0)",
        );
    }
    hint
}

/// Resolves two revisions to commit ids with one git process (falling back to one each, for
/// the error message, when either is unknown).
pub fn resolve_pair(root: &Path, a: &str, b: &str) -> Result<(String, String)> {
    if !a.starts_with('-') && !b.starts_with('-') {
        let out = run(
            root,
            &[
                "rev-parse",
                &format!("{a}^{{commit}}"),
                &format!("{b}^{{commit}}"),
            ],
        )?;
        if out.status.success() {
            let text = String::from_utf8_lossy(&out.stdout);
            let ids: Vec<&str> = text.lines().map(str::trim).collect();
            if let [x, y] = ids[..] {
                if [x, y]
                    .iter()
                    .all(|id| id.len() >= 40 && id.bytes().all(|c| c.is_ascii_hexdigit()))
                {
                    return Ok((x.to_string(), y.to_string()));
                }
            }
        }
    }
    Ok((resolve(root, a)?, resolve(root, b)?))
}

pub fn merge_base(root: &Path, a: &str, b: &str) -> Result<String> {
    let out = run(root, &["merge-base", a, b])?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
        let why = if err.is_empty() {
            String::new()
        } else {
            format!(" ({err})")
        };
        if is_shallow(root) {
            bail!(
                "{a} and {b} have no common ancestor in this shallow clone{why}: fetch the \
                 history (git fetch --unshallow, or in GitHub Actions actions/checkout with \
                 fetch-depth: 0; GitLab: GIT_DEPTH: 0)"
            );
        }
        bail!(
            "{a} and {b} have no common ancestor{why}: they are unrelated histories; pass the \
             branch the change will merge into as --base"
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

const DIFF_ARGS: &[&str] = &[
    "diff",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--text",
    "--find-renames",
    "--full-index",
    "--unified=0",
    "--src-prefix=a/",
    "--dst-prefix=b/",
];

/// The diff between two commits.
pub fn diff_commits(root: &Path, base: &str, head: &str) -> Result<Vec<u8>> {
    let mut args = DIFF_ARGS.to_vec();
    args.extend([base, head, "--"]);
    stdout_ok(root, &args)
}

/// Each commit of `base..head`, oldest first, with its own patch against its first parent
/// (in the format of [`diff_commits`]; a merge commit's patch is empty: what it brings in was
/// written in other commits). The secret scan reads them for values added by one commit and
/// removed by a later one, which the range's diff no longer shows but the history keeps.
pub fn commit_patches(root: &Path, base: &str, head: &str) -> Result<Vec<(String, Vec<u8>)>> {
    const MARK: &[u8] = b"gate-commit ";
    let range = format!("{base}..{head}");
    let mut args = vec!["log", "--reverse", "--format=gate-commit %H", "--patch"];
    // `log` takes the diff options of `diff` (DIFF_ARGS without its leading "diff").
    args.extend(DIFF_ARGS[1..].iter().copied());
    args.extend([range.as_str(), "--"]);
    let out = stdout_ok(root, &args)?;
    let mut commits: Vec<(String, Vec<u8>)> = Vec::new();
    // Every line of a patch starts with a diff marker or header word; only the format line
    // starts with MARK.
    for line in out.split_inclusive(|&b| b == b'\n') {
        if let Some(id) = line.strip_prefix(MARK) {
            let id = String::from_utf8_lossy(id).trim().to_string();
            commits.push((id, Vec::new()));
        } else if let Some((_, patch)) = commits.last_mut() {
            if !(patch.is_empty() && line == b"\n") {
                patch.extend_from_slice(line);
            }
        }
    }
    Ok(commits)
}

/// For each of `values`, whether the tree at `rev` holds it (git grep, fixed strings given on
/// standard input, so no value appears in a command line). A value of several lines is
/// looked for by its longest line.
pub fn grep_fixed(root: &Path, rev: &str, values: &[&[u8]]) -> Result<Vec<bool>> {
    use std::io::Write;
    let pieces: Vec<&[u8]> = values
        .iter()
        .map(|v| {
            v.split(|&b| b == b'\n' || b == b'\r')
                .max_by_key(|p| p.len())
                .unwrap_or(v)
        })
        .collect();
    let mut patterns = Vec::new();
    for p in pieces.iter().filter(|p| !p.is_empty()) {
        patterns.extend_from_slice(p);
        patterns.push(b'\n');
    }
    if patterns.is_empty() {
        return Ok(vec![false; values.len()]);
    }
    let mut child = git(root)
        .args([
            "grep",
            "--no-color",
            "-I",
            "-h",
            "-o",
            "-F",
            "-f",
            "-",
            rev,
            "--",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .context("cannot run `git grep` (is git installed?)")?;
    // Written from another thread: git may fill its output pipe before reading all patterns.
    let mut stdin = child.stdin.take().context("git grep: no standard input")?;
    let writer = std::thread::spawn(move || stdin.write_all(&patterns));
    let out = child
        .wait_with_output()
        .context("git grep did not finish")?;
    let _ = writer.join();
    if !matches!(out.status.code(), Some(0 | 1)) {
        bail!(
            "`git grep` in {rev} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let hits: std::collections::HashSet<&[u8]> = out.stdout.split(|&b| b == b'\n').collect();
    Ok(pieces
        .iter()
        .map(|p| {
            !p.is_empty()
                && (hits.contains(p) || hits.iter().any(|h| memchr::memmem::find(h, p).is_some()))
        })
        .collect())
}

/// The staged changes: the index against HEAD (or against the empty tree in a new repository).
pub fn diff_staged(root: &Path) -> Result<Vec<u8>> {
    let mut args = DIFF_ARGS.to_vec();
    args.push("--cached");
    if resolve(root, "HEAD").is_err() {
        // No commit yet: compare with the empty tree.
        args.push("4b825dc642cb6eb9a060e54bf8d69288fbee4904");
    }
    args.push("--");
    stdout_ok(root, &args)
}

/// The contents of `spec` (`REV:path` or `:path`), `None` when it does not exist there.
pub fn show(root: &Path, spec: &str) -> Result<Option<Vec<u8>>> {
    let out = run(root, &["cat-file", "blob", spec])?;
    if out.status.success() {
        Ok(Some(out.stdout))
    } else {
        Ok(None)
    }
}

/// One commit's author and message, for provenance.
#[derive(Debug, Clone)]
pub struct CommitInfo {
    pub id: String,
    pub author_name: String,
    pub author_email: String,
    pub committer_name: String,
    pub committer_email: String,
    pub message: String,
}

/// The commits in `base..head`, oldest first.
/// The commits of a range being read on another thread
/// ([`super::ChangeSet::commits_in_background`]).
pub type CommitsReader = std::thread::JoinHandle<Result<Vec<CommitInfo>>>;

pub fn commits(root: &Path, base: &str, head: &str) -> Result<Vec<CommitInfo>> {
    const SEP: &str = "\u{1e}";
    let range = format!("{base}..{head}");
    let out = stdout_ok(
        root,
        &[
            "log",
            "--reverse",
            "--no-color",
            &format!("--format=%H%x1f%an%x1f%ae%x1f%cn%x1f%ce%x1f%B{SEP}"),
            &range,
        ],
    )?;
    let text = String::from_utf8_lossy(&out);
    Ok(text
        .split(SEP)
        .filter_map(|rec| {
            let rec = rec.trim_start_matches('\n');
            let mut f = rec.splitn(6, '\u{1f}');
            Some(CommitInfo {
                id: f.next()?.to_string(),
                author_name: f.next()?.to_string(),
                author_email: f.next()?.to_string(),
                committer_name: f.next()?.to_string(),
                committer_email: f.next()?.to_string(),
                message: f.next()?.to_string(),
            })
        })
        .collect())
}

/// Whether any file matching `pathspecs` has a line matching the extended regular expression
/// `pattern`: at revision `rev`, in the index (`cached`), or else in the work tree (tracked
/// and untracked files). `None` when git cannot tell (not a repository).
pub fn grep_any(
    root: &Path,
    rev: Option<&str>,
    cached: bool,
    pattern: &str,
    pathspecs: &[&str],
) -> Result<Option<bool>> {
    let mut args = vec!["grep", "-q", "-I", "-E", "-e", pattern];
    match (rev, cached) {
        (Some(r), _) => args.push(r),
        (None, true) => args.push("--cached"),
        (None, false) => args.push("--untracked"),
    }
    args.push("--");
    args.extend_from_slice(pathspecs);
    let out = run(root, &args)?;
    Ok(match out.status.code() {
        Some(0) => Some(true),
        Some(1) => Some(false),
        _ => None,
    })
}

/// Whether any file matching `pathspecs` at revision `rev` contains `word` as a whole word,
/// ignoring case (a fixed string, not a pattern). `None` when git cannot tell.
pub fn grep_word(root: &Path, rev: &str, word: &str, pathspecs: &[&str]) -> Result<Option<bool>> {
    let mut args = vec!["grep", "-q", "-I", "-i", "-w", "-F", "-e", word, rev, "--"];
    args.extend_from_slice(pathspecs);
    let out = run(root, &args)?;
    Ok(match out.status.code() {
        Some(0) => Some(true),
        Some(1) => Some(false),
        _ => None,
    })
}

/// Files under `dir` at revision `rev` (repository-relative paths), sorted.
pub fn ls_tree(root: &Path, rev: &str, dir: &str) -> Result<Vec<String>> {
    let out = stdout_ok(
        root,
        &["ls-tree", "-r", "--name-only", "-z", rev, "--", dir],
    )?;
    let mut files: Vec<String> = out
        .split(|&b| b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect();
    files.sort();
    Ok(files)
}

/// Tracked files that an ignore rule matches (`git ls-files -ci --exclude-standard`),
/// relative to the repository root.
pub fn ls_files_ignored(root: &Path) -> Result<Vec<PathBuf>> {
    let out = stdout_ok(
        root,
        &[
            "-c",
            "core.quotepath=off",
            "ls-files",
            "-z",
            "--cached",
            "--ignored",
            "--exclude-standard",
        ],
    )?;
    Ok(out
        .split(|&b| b == 0)
        .filter(|s| !s.is_empty())
        .map(path_from_bytes)
        .collect())
}

#[cfg(unix)]
fn path_from_bytes(b: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(b))
}

#[cfg(not(unix))]
fn path_from_bytes(b: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(b).into_owned())
}

/// A listed file: path, size, object id.
pub type ListedFile = (String, Option<u64>, Option<String>);

/// Every file of revision `rev` (or of the index when `rev` is `None`) with its size and
/// object id, sorted by path. One process: `ls-tree -r -l` for a revision, `ls-files
/// --format` for the index (git 2.38+; older versions list without sizes).
pub fn list_files(root: &Path, rev: Option<&str>) -> Result<Vec<ListedFile>> {
    let out = match rev {
        Some(rev) => stdout_ok(root, &["ls-tree", "-r", "-l", "-z", "--full-tree", rev])?,
        None => match stdout_ok(
            root,
            &[
                "ls-files",
                "-z",
                "--format=%(objectmode) blob %(objectname) %(objectsize)	%(path)",
            ],
        ) {
            Ok(o) => o,
            Err(_) => stdout_ok(root, &["ls-files", "-z"])?,
        },
    };
    let mut files = Vec::new();
    for rec in out.split(|&b| b == 0).filter(|s| !s.is_empty()) {
        let rec = String::from_utf8_lossy(rec);
        match rec.split_once('\t') {
            // `<mode> <type> <id> <size>\t<path>`; submodules (`commit`) and trees are skipped.
            Some((meta, path)) => {
                let f: Vec<&str> = meta.split_whitespace().collect();
                if f.len() == 4 && f[1] == "blob" && f[0] != "120000" {
                    files.push((path.to_string(), f[3].parse().ok(), Some(f[2].to_string())));
                }
            }
            None => files.push((rec.into_owned(), None, None)),
        }
    }
    files.sort();
    Ok(files)
}

/// Which of these object ids the repository has (one `git cat-file --batch-check`).
pub fn objects_exist(root: &Path, ids: &[String]) -> Result<std::collections::BTreeSet<String>> {
    use std::io::Write;
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let mut child = git(root)
        .args(["cat-file", "--batch-check=%(objectname) %(objecttype)"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .context("cannot run `git cat-file --batch-check`")?;
    let mut stdin = child.stdin.take().context("git stdin")?;
    let input: Vec<u8> = ids
        .iter()
        .flat_map(|s| format!("{s}\n").into_bytes())
        .collect();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child
        .wait_with_output()
        .context("cannot read from git cat-file --batch-check")?;
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("git cat-file writer panicked"))?
        .context("cannot write to git cat-file --batch-check")?;
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_suffix(" blob"))
        .map(str::to_string)
        .collect())
}

/// Many blobs at once (`REV:path` or `:path` specs) through one `git cat-file --batch`:
/// a process per file would dominate the time of a large change.
pub fn show_many(root: &Path, specs: &[String]) -> Result<Vec<Option<Vec<u8>>>> {
    use std::io::{BufRead, BufReader, Read, Write};
    if specs.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = git(root)
        .args(["cat-file", "--batch"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .context("cannot run `git cat-file --batch`")?;
    let mut stdin = child.stdin.take().context("git stdin")?;
    let input: Vec<u8> = specs
        .iter()
        .flat_map(|s| format!("{s}\n").into_bytes())
        .collect();
    // Write from another thread: git answers while it reads, and both pipes are bounded.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let mut out = BufReader::new(child.stdout.take().context("git stdout")?);
    let mut blobs = Vec::with_capacity(specs.len());
    let mut header = String::new();
    for spec in specs {
        header.clear();
        out.read_line(&mut header)
            .with_context(|| format!("git cat-file: no answer for {spec}"))?;
        let fields: Vec<&str> = header.split_whitespace().collect();
        if fields.len() == 3 && fields[1] == "blob" {
            let size: usize = fields[2]
                .parse()
                .with_context(|| format!("git cat-file: bad header {header:?}"))?;
            let mut buf = vec![0u8; size + 1];
            out.read_exact(&mut buf)
                .with_context(|| format!("git cat-file: short read for {spec}"))?;
            buf.pop();
            blobs.push(Some(buf));
        } else if header.trim_end().ends_with("missing") || header.trim_end().ends_with("ambiguous")
        {
            blobs.push(None);
        } else if fields.len() == 3 {
            // A tree or another object type: read and drop it.
            let size: usize = fields[2].parse().unwrap_or(0);
            let mut buf = vec![0u8; size + 1];
            out.read_exact(&mut buf).ok();
            blobs.push(None);
        } else {
            bail!("git cat-file: unexpected answer {header:?} for {spec}");
        }
    }
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("git cat-file writer panicked"))?
        .context("cannot write to git cat-file")?;
    let _ = child.wait();
    Ok(blobs)
}
