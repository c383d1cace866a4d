//! A unified diff parser that accepts what git and `diff -u` really write.
//!
//! It works on bytes, because diffs of non-UTF-8 files are common and a secret in one must
//! still be found. It understands git's extended headers (new/deleted/renamed/copied files,
//! mode changes, binary patches), quoted and non-UTF-8 paths, CRLF line ends, `\ No newline at
//! end of file`, zero-length hunk ranges, and several files per diff. Anything it cannot make
//! sense of is an error with the line number: a gate must never read garbage as "no changes".

use thiserror::Error;

use super::{is_safe_relative_path, FileChange, FileStatus, Hunk, Line};

/// A diff that could not be parsed, with the 1-based line where parsing stopped.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("line {line}: {message}")]
pub struct DiffError {
    pub line: usize,
    pub message: String,
}

fn err(line: usize, message: impl Into<String>) -> DiffError {
    DiffError {
        line,
        message: message.into(),
    }
}

/// Parses a whole unified diff. An input with only whitespace is an empty change; an input
/// with content but no file header is an error (it is not a diff).
pub fn parse(input: &[u8]) -> Result<Vec<FileChange>, DiffError> {
    let mut parser = Parser {
        lines: split_lines(input),
        pos: 0,
        files: Vec::new(),
    };
    parser.run()?;
    if parser.files.is_empty() && input.iter().any(|b| !b.is_ascii_whitespace()) {
        return Err(err(
            1,
            "not a unified diff: no file header (`diff --git` or `---`/`+++`) found",
        ));
    }
    Ok(parser.files)
}

/// Splits on `\n`, dropping one trailing `\r` (CRLF diffs) and the empty piece after a final
/// newline.
fn split_lines(input: &[u8]) -> Vec<&[u8]> {
    let mut lines: Vec<&[u8]> = input
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .collect();
    if input.ends_with(b"\n") {
        lines.pop();
    }
    lines
}

struct Parser<'a> {
    lines: Vec<&'a [u8]>,
    pos: usize,
    files: Vec<FileChange>,
}

/// What the headers of one file said, before the status is decided.
#[derive(Default)]
struct Headers {
    git_old: Option<String>,
    git_new: Option<String>,
    minus: Option<Option<String>>,
    plus: Option<Option<String>>,
    rename_from: Option<String>,
    rename_to: Option<String>,
    copy_from: Option<String>,
    copy_to: Option<String>,
    new_file: bool,
    deleted_file: bool,
    old_mode: Option<String>,
    new_mode: Option<String>,
    binary: bool,
    git_style: bool,
    /// The post-image's object id from an `index old..new` line, when it is a full id.
    new_blob: Option<String>,
}

impl<'a> Parser<'a> {
    fn line_no(&self) -> usize {
        self.pos + 1
    }

    fn run(&mut self) -> Result<(), DiffError> {
        while self.pos < self.lines.len() {
            let line = self.lines[self.pos];
            if line.starts_with(b"diff --git ") {
                self.file(true)?;
            } else if line.starts_with(b"--- ")
                && self
                    .lines
                    .get(self.pos + 1)
                    .is_some_and(|n| n.starts_with(b"+++ "))
            {
                self.file(false)?;
            } else if line.starts_with(b"@@ ") {
                return Err(err(self.line_no(), "hunk header outside of a file"));
            } else {
                // Preamble (commit message, mail headers, `index` of a non-git tool) or a
                // trailer such as a format-patch signature.
                self.pos += 1;
            }
        }
        Ok(())
    }

    fn file(&mut self, git_style: bool) -> Result<(), DiffError> {
        let start = self.line_no();
        let mut h = Headers {
            git_style,
            ..Headers::default()
        };
        if git_style {
            let rest = &self.lines[self.pos][b"diff --git ".len()..];
            let (old, new) = parse_git_header_paths(rest)
                .ok_or_else(|| err(start, "cannot read the paths of a `diff --git` header"))?;
            h.git_old = Some(old);
            h.git_new = Some(new);
            self.pos += 1;
            self.extended_headers(&mut h)?;
        }
        // `---`/`+++` pair (absent in git diffs of mode-only changes, renames and binaries).
        if self.pos + 1 < self.lines.len()
            && self.lines[self.pos].starts_with(b"--- ")
            && self.lines[self.pos + 1].starts_with(b"+++ ")
        {
            h.minus = Some(parse_marker_path(&self.lines[self.pos][4..]));
            h.plus = Some(parse_marker_path(&self.lines[self.pos + 1][4..]));
            self.pos += 2;
        }
        let mut file = decide(h).map_err(|m| err(start, m))?;
        if !is_safe_relative_path(&file.path)
            || file
                .old_path
                .as_deref()
                .is_some_and(|p| !is_safe_relative_path(p))
        {
            return Err(err(
                start,
                format!(
                    "path {:?} is absolute or leaves the repository with `..`",
                    file.path
                ),
            ));
        }
        // Hunks, or a binary patch.
        while self.pos < self.lines.len() {
            let line = self.lines[self.pos];
            if line.starts_with(b"@@ ") {
                let hunk = self.hunk()?;
                file.hunks.push(hunk);
            } else if line.starts_with(b"GIT binary patch") {
                file.binary = true;
                self.pos += 1;
                while self.pos < self.lines.len()
                    && !self.lines[self.pos].starts_with(b"diff --git ")
                {
                    self.pos += 1;
                }
            } else if line.starts_with(b"Binary files ") {
                file.binary = true;
                self.pos += 1;
            } else {
                break;
            }
        }
        self.files.push(file);
        Ok(())
    }

    fn extended_headers(&mut self, h: &mut Headers) -> Result<(), DiffError> {
        while self.pos < self.lines.len() {
            let line = self.lines[self.pos];
            let text = String::from_utf8_lossy(line);
            if let Some(v) = text.strip_prefix("new file mode ") {
                h.new_file = true;
                h.new_mode = Some(v.trim().to_string());
            } else if let Some(v) = text.strip_prefix("deleted file mode ") {
                h.deleted_file = true;
                h.old_mode = Some(v.trim().to_string());
            } else if let Some(v) = text.strip_prefix("old mode ") {
                h.old_mode = Some(v.trim().to_string());
            } else if let Some(v) = text.strip_prefix("new mode ") {
                h.new_mode = Some(v.trim().to_string());
            } else if line.starts_with(b"rename from ") {
                h.rename_from = Some(unquote_path(&line[12..]));
            } else if line.starts_with(b"rename to ") {
                h.rename_to = Some(unquote_path(&line[10..]));
            } else if line.starts_with(b"copy from ") {
                h.copy_from = Some(unquote_path(&line[10..]));
            } else if line.starts_with(b"copy to ") {
                h.copy_to = Some(unquote_path(&line[8..]));
            } else if let Some(v) = text.strip_prefix("index ") {
                h.new_blob = full_object_id(v);
            } else if text.starts_with("similarity index ")
                || text.starts_with("dissimilarity index ")
            {
            } else {
                break;
            }
            self.pos += 1;
        }
        Ok(())
    }

    fn hunk(&mut self) -> Result<Hunk, DiffError> {
        let header_line = self.line_no();
        let header = self.lines[self.pos];
        let (old_start, old_lines, new_start, new_lines) =
            parse_hunk_header(header).ok_or_else(|| {
                err(
                    header_line,
                    format!(
                        "malformed hunk header {:?}",
                        String::from_utf8_lossy(&header[..header.len().min(80)])
                    ),
                )
            })?;
        self.pos += 1;
        let mut hunk = Hunk {
            old_start,
            old_lines,
            new_start,
            new_lines,
            ..Hunk::default()
        };
        // A hunk of only additions (a new file) or only removals is sized from its header,
        // exactly (no slack from growing a huge new file line by line), though never past the
        // lines the input still holds: a hostile header may claim billions.
        let left_in_input = self.lines.len() - self.pos;
        if old_lines == 0 {
            hunk.added = Vec::with_capacity((new_lines as usize).min(left_in_input));
        } else if new_lines == 0 {
            hunk.removed = Vec::with_capacity((old_lines as usize).min(left_in_input));
        }
        let (mut old_left, mut new_left) = (old_lines, new_lines);
        let (mut old_no, mut new_no) = (old_start, new_start);
        while old_left > 0 || new_left > 0 {
            let Some(&line) = self.lines.get(self.pos) else {
                return Err(err(
                    self.line_no(),
                    format!(
                        "truncated hunk (started at line {header_line}): expected {old_left} more old and {new_left} more new lines"
                    ),
                ));
            };
            match line.first() {
                Some(b'+') if new_left > 0 => {
                    hunk.added.push(Line {
                        line: new_no,
                        text: line[1..].into(),
                    });
                    new_no += 1;
                    new_left -= 1;
                }
                Some(b'-') if old_left > 0 => {
                    hunk.removed.push(Line {
                        line: old_no,
                        text: line[1..].into(),
                    });
                    old_no += 1;
                    old_left -= 1;
                }
                // A context line; some tools strip the single space of an empty context line.
                Some(b' ') | None if old_left > 0 && new_left > 0 => {
                    old_no += 1;
                    new_no += 1;
                    old_left -= 1;
                    new_left -= 1;
                }
                Some(b'\\') => {}
                _ => {
                    return Err(err(
                        self.line_no(),
                        format!(
                            "unexpected line in hunk (started at line {header_line}): expected {old_left} more old and {new_left} more new lines"
                        ),
                    ))
                }
            }
            self.pos += 1;
        }
        // `\ No newline at end of file` after the last line of the hunk.
        while self
            .lines
            .get(self.pos)
            .is_some_and(|l| l.starts_with(b"\\"))
        {
            self.pos += 1;
        }
        Ok(hunk)
    }
}

/// Turns what the headers said into a file change.
fn decide(h: Headers) -> Result<FileChange, String> {
    let minus = h.minus.clone().flatten();
    let plus = h.plus.clone().flatten();
    let strip = h.git_style || both_prefixed(&minus, &plus);
    let minus = minus.map(|p| if strip { strip_prefix(&p) } else { p });
    let plus = plus.map(|p| if strip { strip_prefix(&p) } else { p });
    let git_old = h.git_old.as_deref().map(strip_prefix);
    let git_new = h.git_new.as_deref().map(strip_prefix);

    let old_path = h
        .rename_from
        .clone()
        .or(h.copy_from.clone())
        .or(minus.clone())
        .or(git_old);
    let new_path = h
        .rename_to
        .clone()
        .or(h.copy_to.clone())
        .or(plus.clone())
        .or(git_new);

    let status = if h.rename_from.is_some() || h.rename_to.is_some() {
        FileStatus::Renamed
    } else if h.copy_from.is_some() || h.copy_to.is_some() {
        FileStatus::Copied
    } else if h.new_file || matches!(h.minus, Some(None)) {
        FileStatus::Added
    } else if h.deleted_file || matches!(h.plus, Some(None)) {
        FileStatus::Deleted
    } else {
        FileStatus::Modified
    };
    let path = match status {
        FileStatus::Deleted => old_path.clone().or(new_path.clone()),
        _ => new_path.clone().or(old_path.clone()),
    }
    .ok_or("a file header names no path")?;
    let mut file = FileChange::new(path, status);
    if matches!(status, FileStatus::Renamed | FileStatus::Copied) {
        file.old_path = old_path;
    }
    file.old_mode = h.old_mode;
    file.new_mode = h.new_mode;
    file.binary = h.binary;
    if status != FileStatus::Deleted {
        file.new_blob = h.new_blob;
    }
    Ok(file)
}

/// The new object id of an `index <old>..<new>[ <mode>]` line when it is a full SHA-1 or
/// SHA-256 id (`--full-index`) other than the null id; abbreviated ids are not used.
fn full_object_id(v: &str) -> Option<String> {
    let (_, new) = v.split_once("..")?;
    let id = new.split_whitespace().next()?;
    let full = matches!(id.len(), 40 | 64)
        && id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    (full && id.bytes().any(|b| b != b'0')).then(|| id.to_string())
}

fn both_prefixed(a: &Option<String>, b: &Option<String>) -> bool {
    let pre = |p: &Option<String>| {
        p.as_deref()
            .is_none_or(|p| p.starts_with("a/") || p.starts_with("b/"))
    };
    pre(a) && pre(b)
}

/// Drops git's one-letter source/destination prefix (`a/`, `b/`, and the mnemonic `i/ w/ c/ o/`).
fn strip_prefix(p: &str) -> String {
    let b = p.as_bytes();
    if b.len() > 2 && b[1] == b'/' && b"abciow".contains(&b[0]) {
        p[2..].to_string()
    } else {
        p.to_string()
    }
}

/// The path of a `---`/`+++` line: `None` for `/dev/null`. Unquoted paths end at a tab (after
/// which `diff -u` writes a timestamp).
fn parse_marker_path(rest: &[u8]) -> Option<String> {
    let path = if rest.first() == Some(&b'"') {
        unquote_path(rest)
    } else {
        let end = rest.iter().position(|&b| b == b'\t').unwrap_or(rest.len());
        String::from_utf8_lossy(&rest[..end]).trim_end().to_string()
    };
    (path != "/dev/null").then_some(path)
}

/// The two paths of a `diff --git` header. Quoted paths are read exactly; unquoted ones are
/// ambiguous when they contain spaces, so the split that gives two equal names wins (it is the
/// common case: the real names of renames come from `rename from/to`).
fn parse_git_header_paths(rest: &[u8]) -> Option<(String, String)> {
    if rest.first() == Some(&b'"') {
        let (old, used) = unquote_c(rest)?;
        let tail = rest.get(used..)?.strip_prefix(b" ")?;
        let new = if tail.first() == Some(&b'"') {
            unquote_c(tail)?.0
        } else {
            tail.to_vec()
        };
        return Some((lossy(old), lossy(new)));
    }
    if rest.last() == Some(&b'"') {
        let start = rest.windows(2).rposition(|w| w == b" \"")?;
        let new = unquote_c(&rest[start + 1..])?.0;
        return Some((lossy(rest[..start].to_vec()), lossy(new)));
    }
    // Split on bytes (the names need not be UTF-8; found by fuzzing: a split inside a
    // multi-byte character panicked).
    let n = rest.len();
    if n % 2 == 1 && rest[n / 2] == b' ' {
        let (a, b) = (&rest[..n / 2], &rest[n / 2 + 1..]);
        if a.len() > 2 && a.get(2..) == b.get(2..) {
            return Some((lossy(a.to_vec()), lossy(b.to_vec())));
        }
    }
    let idx = memchr::memmem::find(rest, b" b/").or_else(|| memchr::memchr(b' ', rest))?;
    Some((lossy(rest[..idx].to_vec()), lossy(rest[idx + 1..].to_vec())))
}

fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// A path as written after `rename from` and friends: quoted or not.
fn unquote_path(rest: &[u8]) -> String {
    if rest.first() == Some(&b'"') {
        if let Some((bytes, _)) = unquote_c(rest) {
            return lossy(bytes);
        }
    }
    String::from_utf8_lossy(rest).trim_end().to_string()
}

/// Reads a C-style quoted string as git writes it (`core.quotepath`): `\\ \" \t \n` and octal
/// bytes such as `\303\251`. Returns the bytes and how many input bytes were consumed.
fn unquote_c(s: &[u8]) -> Option<(Vec<u8>, usize)> {
    if s.first() != Some(&b'"') {
        return None;
    }
    let mut out = Vec::new();
    let mut i = 1;
    while i < s.len() {
        match s[i] {
            b'"' => return Some((out, i + 1)),
            b'\\' => {
                let c = *s.get(i + 1)?;
                i += 2;
                match c {
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'r' => out.push(b'\r'),
                    b'a' => out.push(7),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'v' => out.push(11),
                    b'0'..=b'3' => {
                        let d = s.get(i..i + 2)?;
                        if !d.iter().all(|b| (b'0'..=b'7').contains(b)) {
                            return None;
                        }
                        out.push((c - b'0') * 64 + (d[0] - b'0') * 8 + (d[1] - b'0'));
                        i += 2;
                    }
                    other => out.push(other),
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    None
}

/// `@@ -a[,b] +c[,d] @@ ...`; an omitted count is 1.
fn parse_hunk_header(line: &[u8]) -> Option<(u32, u32, u32, u32)> {
    let text = std::str::from_utf8(line.get(3..)?).ok().or_else(|| {
        // The section heading after the second `@@` may be non-UTF-8; the ranges are ASCII.
        let end = line[3..].windows(2).position(|w| w == b"@@")? + 3;
        std::str::from_utf8(&line[3..end]).ok()
    })?;
    let mut parts = text.split_whitespace();
    let old = parts.next()?.strip_prefix('-')?;
    let new = parts.next()?.strip_prefix('+')?;
    if parts.next()? != "@@" {
        return None;
    }
    let range = |r: &str| -> Option<(u32, u32)> {
        match r.split_once(',') {
            Some((s, n)) => Some((s.parse().ok()?, n.parse().ok()?)),
            None => Some((r.parse().ok()?, 1)),
        }
    };
    let (os, ol) = range(old)?;
    let (ns, nl) = range(new)?;
    Some((os, ol, ns, nl))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(diff: &str) -> FileChange {
        let files = parse(diff.as_bytes()).expect("parses");
        assert_eq!(files.len(), 1, "{files:?}");
        files.into_iter().next().expect("one file")
    }

    fn added(f: &FileChange) -> Vec<(u32, String)> {
        f.added_lines()
            .map(|l| (l.line, String::from_utf8_lossy(&l.text).into_owned()))
            .collect()
    }

    #[test]
    fn modified_file_with_context() {
        let f = one("diff --git a/src/x.py b/src/x.py\nindex 1..2 100644\n--- a/src/x.py\n+++ b/src/x.py\n@@ -1,3 +1,4 @@ def f():\n a\n-b\n+B\n+C\n c\n");
        assert_eq!(f.path, "src/x.py");
        assert_eq!(f.status, FileStatus::Modified);
        assert_eq!(added(&f), vec![(2, "B".into()), (3, "C".into())]);
        assert_eq!(f.deletions(), 1);
        assert_eq!(f.hunks[0].removed[0].line, 2);
    }

    #[test]
    fn full_index_lines_give_the_post_image_id() {
        let id = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";
        let f = one(&format!(
            "diff --git a/x b/x\nindex {}..{id} 100644\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n",
            "0".repeat(40)
        ));
        assert_eq!(f.new_blob.as_deref(), Some(id));
        // Abbreviated (no --full-index), null (a deletion) or not hex: not used.
        assert_eq!(one("diff --git a/x b/x\nindex 1a2b..3c4d 100644\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n").new_blob, None);
        let zeros = "0".repeat(40);
        let d = one(&format!("diff --git a/x b/x\ndeleted file mode 100644\nindex {id}..{zeros}\n--- a/x\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n"));
        assert_eq!(d.new_blob, None);
        let bad = "g".repeat(40);
        assert_eq!(one(&format!("diff --git a/x b/x\nindex 1..{bad} 100644\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n")).new_blob, None);
    }

    #[test]
    fn new_deleted_and_zero_length_ranges() {
        let files = parse(
            b"diff --git a/n.txt b/n.txt\nnew file mode 100644\nindex 0000000..1\n--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1 @@\n+hello\ndiff --git a/d.txt b/d.txt\ndeleted file mode 100755\n--- a/d.txt\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-x\n-y\n",
        )
        .expect("parses");
        assert_eq!(files[0].status, FileStatus::Added);
        assert_eq!(files[0].new_mode.as_deref(), Some("100644"));
        assert_eq!(added(&files[0]), vec![(1, "hello".into())]);
        assert_eq!(files[1].status, FileStatus::Deleted);
        assert_eq!(files[1].path, "d.txt");
        assert_eq!(files[1].deletions(), 2);
    }

    #[test]
    fn renames_copies_and_mode_changes_without_hunks() {
        let files = parse(b"diff --git a/old name.rs b/new name.rs\nsimilarity index 100%\nrename from old name.rs\nrename to new name.rs\ndiff --git a/s.sh b/s.sh\nold mode 100644\nnew mode 100755\ndiff --git a/a.c b/b.c\nsimilarity index 90%\ncopy from a.c\ncopy to b.c\n--- a/a.c\n+++ b/b.c\n@@ -1 +1 @@\n-x\n+y\n").expect("parses");
        assert_eq!(files[0].status, FileStatus::Renamed);
        assert_eq!(files[0].path, "new name.rs");
        assert_eq!(files[0].old_path.as_deref(), Some("old name.rs"));
        assert_eq!(files[1].status, FileStatus::Modified);
        assert_eq!(files[1].path, "s.sh");
        assert_eq!(files[1].new_mode.as_deref(), Some("100755"));
        assert_eq!(files[2].status, FileStatus::Copied);
        assert_eq!(files[2].old_path.as_deref(), Some("a.c"));
        assert_eq!(added(&files[2]), vec![(1, "y".into())]);
    }

    #[test]
    fn binary_patches_and_binary_notices() {
        let files = parse(b"diff --git a/i.png b/i.png\nnew file mode 100644\nindex 0000000..e69de29\nGIT binary patch\nliteral 5\nMcmZ?wbhEHb00\n\nliteral 0\nHcmV?d00001\n\ndiff --git a/j.bin b/j.bin\nindex 1..2 100644\nBinary files a/j.bin and b/j.bin differ\n").expect("parses");
        assert_eq!(files.len(), 2);
        assert!(files[0].binary && files[1].binary);
        assert_eq!(files[0].status, FileStatus::Added);
        assert_eq!(files[1].path, "j.bin");
    }

    #[test]
    fn no_newline_marker_and_crlf() {
        let f = one("--- a/w.txt\r\n+++ b/w.txt\r\n@@ -1 +1,2 @@\r\n-a\r\n\\ No newline at end of file\r\n+a\r\n+b\r\n\\ No newline at end of file\r\n");
        assert_eq!(added(&f), vec![(1, "a".into()), (2, "b".into())]);
        assert_eq!(f.status, FileStatus::Modified);
        assert_eq!(f.path, "w.txt");
    }

    #[test]
    fn quoted_non_utf8_and_tab_paths() {
        let f = one("diff --git \"a/caf\\303\\251 \\\"x\\\".txt\" \"b/caf\\303\\251 \\\"x\\\".txt\"\nnew file mode 100644\n--- /dev/null\n+++ \"b/caf\\303\\251 \\\"x\\\".txt\"\n@@ -0,0 +1 @@\n+k\n");
        assert_eq!(f.path, "café \"x\".txt");
        let f = one("diff --git \"a/\\377.bin\" \"b/\\377.bin\"\nindex 1..2\n--- \"a/\\377.bin\"\n+++ \"b/\\377.bin\"\n@@ -1 +1 @@\n-a\n+b\n");
        assert_eq!(f.path, "\u{fffd}.bin");
        let f = one("--- x.c\t2024-01-01 10:00:00.000 +0100\n+++ x.c\t2024-01-02 10:00:00.000 +0100\n@@ -1 +1 @@\n-a\n+b\n");
        assert_eq!(f.path, "x.c");
    }

    #[test]
    fn non_utf8_content_is_kept_as_bytes() {
        let mut d = b"--- a/l.txt\n+++ b/l.txt\n@@ -0,0 +1 @@\n+\xff\xfeAKIA\n".to_vec();
        d.extend_from_slice(b"");
        let files = parse(&d).expect("parses");
        assert_eq!(&*files[0].hunks[0].added[0].text, b"\xff\xfeAKIA");
    }

    #[test]
    fn non_utf8_header_names_do_not_panic() {
        // Found by `cargo fuzz run diff`: the middle of the header fell inside the replacement
        // character of an invalid byte.
        let crash = include_bytes!("../../fuzz/regressions/diff-non-utf8-header.diff");
        let _ = parse(crash);
        let files = parse(b"diff --git a/d/\xe9tup.md b/d/setup.md\n").expect("parses");
        assert_eq!(files[0].path, "d/setup.md");
        let d = b"diff --git a/x\xe9y.md b/x\xe9y.md\nnew file mode 100644\n".to_vec();
        assert_eq!(parse(&d).expect("parses")[0].path, "x\u{fffd}y.md");
    }

    #[test]
    fn several_hunks_and_preamble() {
        let files = parse(b"From abc Mon Sep 17 00:00:00 2001\nSubject: [PATCH] x\n\n---\n x | 2 +-\n\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n+b\n c\n@@ -10 +10,2 @@\n k\n+l\n-- \n2.43.0\n").expect("parses");
        assert_eq!(files.len(), 1);
        assert_eq!(added(&files[0]), vec![(1, "b".into()), (11, "l".into())]);
    }

    #[test]
    fn garbage_is_an_error_empty_is_empty() {
        assert!(parse(b"").expect("empty ok").is_empty());
        assert!(parse(b"\n\n  \n").expect("blank ok").is_empty());
        let e = parse(b"hello world\nthis is not a diff\n").expect_err("garbage");
        assert!(e.message.contains("not a unified diff"), "{e}");
    }

    #[test]
    fn truncated_and_malformed_hunks_are_located_errors() {
        let e = parse(b"--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n").expect_err("truncated");
        assert_eq!(e.line, 5);
        assert!(e.message.contains("truncated"), "{e}");
        let e = parse(b"--- a/x\n+++ b/x\n@@ -1,x +1 @@\n+a\n").expect_err("malformed");
        assert_eq!(e.line, 3);
        let e = parse(b"--- a/x\n+++ b/x\n@@ -1 +1 @@\n+a\n+b\n").expect_err("extra line");
        assert!(e.to_string().starts_with("line 5:"), "{e}");
    }

    #[test]
    fn paths_leaving_the_repository_are_rejected() {
        let e = parse(b"--- a/../../etc/passwd\n+++ b/../../etc/passwd\n@@ -1 +1 @@\n-a\n+b\n")
            .expect_err("dotdot");
        assert!(e.message.contains("leaves the repository"), "{e}");
        let e = parse(b"--- /etc/passwd\n+++ /etc/passwd\n@@ -1 +1 @@\n-a\n+b\n")
            .expect_err("absolute");
        assert!(e.message.contains("absolute"), "{e}");
    }
}
