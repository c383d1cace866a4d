//! What a file's bytes are: text, text in a UTF-16 or UTF-32 encoding (decoded so it can be
//! scanned like any other text), or binary (not scanned, and reported as such).
//!
//! gate decides this itself, never from `.gitattributes` (which the change under review can
//! edit): a file is binary when its first 8000 bytes hold a NUL byte (git's own heuristic) and
//! they are not UTF-16 or UTF-32 text. Wide text is recognised by its byte-order mark, or
//! without one (PowerShell's `>` writes UTF-16LE) by NUL bytes at every other position next to
//! printable characters.

use serde::Serialize;

/// How many leading bytes decide (git's heuristic looks at as many).
pub const SNIFF: usize = 8000;

/// What a file's bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    Text,
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
    /// Binary, with the offset of the first NUL byte.
    Binary {
        nul_at: usize,
    },
}

impl Content {
    /// Text in an encoding gate decodes.
    pub fn is_wide(self) -> bool {
        matches!(
            self,
            Content::Utf16Le | Content::Utf16Be | Content::Utf32Le | Content::Utf32Be
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            Content::Text => "text",
            Content::Utf16Le => "UTF-16LE",
            Content::Utf16Be => "UTF-16BE",
            Content::Utf32Le => "UTF-32LE",
            Content::Utf32Be => "UTF-32BE",
            Content::Binary { .. } => "binary",
        }
    }
}

/// Classifies a file from its leading bytes.
pub fn classify(bytes: &[u8]) -> Content {
    let head = &bytes[..bytes.len().min(SNIFF)];
    // Byte-order marks (UTF-32LE's starts like UTF-16LE's: test it first).
    if head.starts_with(&[0xff, 0xfe, 0, 0]) {
        return Content::Utf32Le;
    }
    if head.starts_with(&[0, 0, 0xfe, 0xff]) {
        return Content::Utf32Be;
    }
    if head.starts_with(&[0xff, 0xfe]) {
        return Content::Utf16Le;
    }
    if head.starts_with(&[0xfe, 0xff]) {
        return Content::Utf16Be;
    }
    let Some(nul_at) = memchr::memchr(0, head) else {
        return Content::Text;
    };
    // No mark: text whose every code unit is mostly an ASCII byte and zeros.
    if head.len() >= 4 {
        let share = |width: usize, at: usize| -> f64 {
            let units: Vec<&[u8]> = head.chunks_exact(width).collect();
            let ok = units
                .iter()
                .filter(|u| {
                    u.iter()
                        .enumerate()
                        .all(|(i, &b)| if i == at { is_texty(b) } else { b == 0 })
                })
                .count();
            ok as f64 / units.len().max(1) as f64
        };
        if head.len() >= 8 && share(4, 0) >= 0.9 {
            return Content::Utf32Le;
        }
        if head.len() >= 8 && share(4, 3) >= 0.9 {
            return Content::Utf32Be;
        }
        if share(2, 0) >= 0.9 {
            return Content::Utf16Le;
        }
        if share(2, 1) >= 0.9 {
            return Content::Utf16Be;
        }
    }
    Content::Binary { nul_at }
}

fn is_texty(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r' | 0x20..=0x7e) || b >= 0x80
}

/// Decodes wide text to UTF-8 (a byte-order mark dropped). `None` when the bytes are not
/// valid in that encoding for more than one unit in a hundred (then they are binary after
/// all), or the content is not wide text.
pub fn decode(bytes: &[u8], content: Content) -> Option<Vec<u8>> {
    let (width, le) = match content {
        Content::Utf16Le => (2, true),
        Content::Utf16Be => (2, false),
        Content::Utf32Le => (4, true),
        Content::Utf32Be => (4, false),
        _ => return None,
    };
    let units = bytes.chunks_exact(width).map(|u| {
        if width == 2 {
            let a = [u[0], u[1]];
            u32::from(if le {
                u16::from_le_bytes(a)
            } else {
                u16::from_be_bytes(a)
            })
        } else {
            let a = [u[0], u[1], u[2], u[3]];
            if le {
                u32::from_le_bytes(a)
            } else {
                u32::from_be_bytes(a)
            }
        }
    });
    let mut out = String::with_capacity(bytes.len() / width + 4);
    let mut bad = 0usize;
    let mut total = 0usize;
    if width == 2 {
        for c in char::decode_utf16(units.map(|u| u as u16)) {
            total += 1;
            out.push(c.unwrap_or_else(|_| {
                bad += 1;
                char::REPLACEMENT_CHARACTER
            }));
        }
    } else {
        for u in units {
            total += 1;
            out.push(char::from_u32(u).unwrap_or_else(|| {
                bad += 1;
                char::REPLACEMENT_CHARACTER
            }));
        }
    }
    if !bytes.len().is_multiple_of(width) {
        bad += 1;
    }
    if bad * 100 > total.max(1) {
        return None;
    }
    let text = out.strip_prefix('\u{feff}').unwrap_or(&out);
    if text.contains('\0') {
        return None;
    }
    Some(text.as_bytes().to_vec())
}

/// A recognised binary format by its magic number (images, archives, executables, fonts,
/// documents, databases): a NUL byte there is expected, not a file disguised as binary.
pub fn known_binary_format(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "PNG image"),
        (b"\xff\xd8\xff", "JPEG image"),
        (b"GIF87a", "GIF image"),
        (b"GIF89a", "GIF image"),
        (b"RIFF", "RIFF media (WebP, WAV, AVI)"),
        (b"II*\0", "TIFF image"),
        (b"MM\0*", "TIFF image"),
        (b"\0\0\x01\0", "ICO image"),
        (b"BM", "BMP image"),
        (b"%PDF-", "PDF document"),
        (b"PK\x03\x04", "ZIP archive (also JAR, DOCX, XLSX, APK)"),
        (b"\x1f\x8b", "gzip archive"),
        (b"BZh", "bzip2 archive"),
        (b"\xfd7zXZ\0", "xz archive"),
        (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
        (b"\x28\xb5\x2f\xfd", "zstd archive"),
        (b"\x7fELF", "ELF executable"),
        (b"MZ", "Windows executable"),
        (b"\xcf\xfa\xed\xfe", "Mach-O executable"),
        (b"\xca\xfe\xba\xbe", "Mach-O or Java class"),
        (b"\0asm", "WebAssembly module"),
        (b"wOFF", "WOFF font"),
        (b"wOF2", "WOFF2 font"),
        (b"\0\x01\0\0", "TrueType font"),
        (b"OTTO", "OpenType font"),
        (b"SQLite format 3\0", "SQLite database"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE document"),
        (b"ftyp", "MP4 media"),
        (b"OggS", "Ogg media"),
        (b"fLaC", "FLAC audio"),
        (b"ID3", "MP3 audio"),
        (b"\x1aE\xdf\xa3", "Matroska/WebM media"),
        (b"PAR1", "Parquet data"),
        (b"\x93NUMPY", "NumPy array"),
    ];
    MAGIC
        .iter()
        .find(|(m, _)| bytes.starts_with(m) || (*m == b"ftyp" && bytes.get(4..8) == Some(m)))
        .map(|(_, name)| *name)
}

/// A Git LFS pointer: the file's content is stored outside the repository.
pub fn is_lfs_pointer(bytes: &[u8]) -> bool {
    bytes.len() < 1024 && bytes.starts_with(b"version https://git-lfs.github.com/spec/v1\n")
}

/// Why gate did not read (all of) a changed file: `coverage.files` in the facts, reported by
/// the GATE-COV rules, so a clean verdict never hides a file nobody looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unread {
    pub reason: Reason,
    /// What exactly: the offset of the NUL byte, the size, the kind of pointer.
    pub detail: String,
    /// A recognised binary format (by magic number), for `Reason::Binary`.
    pub format: Option<&'static str>,
    /// Whether the secret scan still read the file's bytes (an unknown binary format is
    /// scanned as bytes: a token after one NUL byte is still found).
    pub scanned: bool,
}

/// One entry of `coverage.files`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnreadFile {
    pub path: String,
    #[serde(flatten)]
    pub unread: Unread,
}

impl UnreadFile {
    /// The unread files of a change, in path order, after the files `ignore:` dropped.
    pub fn collect(files: &[super::FileChange], ignored: Vec<String>) -> Vec<UnreadFile> {
        let mut out: Vec<UnreadFile> = files
            .iter()
            .filter_map(|f| {
                f.unread.clone().map(|unread| UnreadFile {
                    path: f.path.clone(),
                    unread,
                })
            })
            .collect();
        out.extend(ignored.into_iter().map(|path| UnreadFile {
            path,
            unread: Unread {
                reason: Reason::Ignored,
                detail: "matches ignore: in the configuration".to_string(),
                format: None,
                scanned: false,
            },
        }));
        out.sort_by(|a, b| (&a.path, a.unread.reason).cmp(&(&b.path, b.unread.reason)));
        out
    }
}

/// The reasons of [`Unread`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Binary,
    TooLarge,
    Unreadable,
    /// Git LFS pointer or submodule: the content lives elsewhere.
    Outside,
    /// Matched by `ignore:` in the configuration.
    Ignored,
}

impl Unread {
    pub fn binary(bytes: &[u8], nul_at: usize) -> Unread {
        let format = known_binary_format(bytes);
        Unread {
            reason: Reason::Binary,
            detail: format!("NUL byte at offset {nul_at}"),
            format,
            scanned: format.is_none(),
        }
    }

    pub fn too_large(size: u64, limit: u64) -> Unread {
        Unread {
            reason: Reason::TooLarge,
            detail: format!("{} MiB or more: {size} bytes", limit / (1024 * 1024)),
            format: None,
            scanned: false,
        }
    }

    pub fn unreadable(detail: impl Into<String>) -> Unread {
        Unread {
            reason: Reason::Unreadable,
            detail: detail.into(),
            format: None,
            scanned: false,
        }
    }

    fn outside(detail: &str) -> Unread {
        Unread {
            reason: Reason::Outside,
            detail: detail.to_string(),
            format: None,
            scanned: true,
        }
    }
}

/// Whole-file bytes (`--all`) made ready for the secret scan.
pub enum Prepared {
    /// Scan the bytes as they are.
    AsIs,
    /// Wide text, decoded to UTF-8: scan this instead.
    Decoded(Vec<u8>),
    /// Binary: record it; scan the bytes as they are only when `scanned` says so.
    Binary(Unread),
}

/// Classifies whole-file bytes for the scan: text as is, wide text decoded, binary recorded.
pub fn prepare(bytes: &[u8]) -> Prepared {
    match classify(bytes) {
        Content::Text => Prepared::AsIs,
        Content::Binary { nul_at } => Prepared::Binary(Unread::binary(bytes, nul_at)),
        wide => match decode(bytes, wide) {
            Some(text) => Prepared::Decoded(text),
            None => {
                let nul_at = memchr::memchr(0, bytes).unwrap_or(0);
                Prepared::Binary(Unread::binary(bytes, nul_at))
            }
        },
    }
}

/// Inspects the files of a diff (every mode but `--all`, whose files are inspected as they are
/// read): a submodule or LFS pointer is recorded as content stored elsewhere; a file whose
/// added lines hold NUL bytes is classified from them, and wide text (UTF-16/32) is decoded
/// from its post-image so its lines are scanned as text (git splits such a file at 0x0a
/// bytes, which leaves every character beside a NUL byte); binary text is recorded, and a
/// known binary format is marked binary so no analyzer reads it. In a work tree, a path
/// through a symlinked directory is recorded as unreadable (it is never read).
pub fn inspect(cs: &mut super::ChangeSet) -> anyhow::Result<Vec<crate::errors::InputError>> {
    use super::{FileStatus, Snapshot};
    let mut suspects: Vec<usize> = Vec::new();
    for (i, f) in cs.files.iter_mut().enumerate() {
        if f.whole_file || f.status == FileStatus::Deleted || f.unread.is_some() {
            continue;
        }
        if f.new_mode.as_deref() == Some("160000") {
            f.unread = Some(Unread::outside(
                "submodule: its files are in another repository",
            ));
            continue;
        }
        let work_tree = match &cs.post {
            Snapshot::WorkTree(root) => Some(root),
            Snapshot::Blobs { root, ids } if !ids.contains_key(&f.path) => Some(root),
            _ => None,
        };
        if let Some(root) = work_tree {
            if through_symlinked_dir(root, &f.path) {
                f.unread = Some(Unread::unreadable(
                    "a directory on its path is a symlink, which gate never follows",
                ));
                continue;
            }
        }
        if f.binary {
            f.unread = Some(Unread {
                reason: Reason::Binary,
                detail: "the diff holds a binary patch, no text".to_string(),
                format: None,
                scanned: false,
            });
            continue;
        }
        let has_nul = f
            .added_lines()
            .any(|l| memchr::memchr(0, &l.text).is_some());
        if !has_nul {
            if f.status == FileStatus::Added
                && f.hunks
                    .first()
                    .and_then(|h| h.added.first())
                    .is_some_and(|l| &l.text[..] == b"version https://git-lfs.github.com/spec/v1")
            {
                f.unread = Some(Unread::outside(
                    "Git LFS pointer: the content is in an LFS store",
                ));
            }
            continue;
        }
        suspects.push(i);
    }
    let mut errors = Vec::new();
    if suspects.is_empty() {
        return Ok(errors);
    }
    // The post-images decide (the diff's lines lost their CRs); the added lines of an added
    // file stand in when there is none.
    let items: Vec<(&str, Option<&str>)> = suspects
        .iter()
        .map(|&i| (cs.files[i].path.as_str(), cs.files[i].new_blob.as_deref()))
        .collect();
    let images = cs.post.read_many(&items)?;
    for (i, image) in suspects.into_iter().zip(images) {
        let f = &mut cs.files[i];
        // A file that cannot be read is an input error (exit 2), not a guess from its lines.
        let image = match image {
            Ok(image) => image,
            Err(e) => {
                errors.push(crate::errors::InputError::new(&f.path, &e));
                continue;
            }
        };
        let text = f.added_text();
        let bytes = image.as_deref().unwrap_or(&text);
        let c = classify(bytes);
        let decoded = match c {
            Content::Text => continue,
            Content::Binary { nul_at } => {
                let u = Unread::binary(bytes, nul_at);
                // A known format is read by no analyzer; other bytes are still scanned.
                f.binary = u.format.is_some();
                f.unread = Some(u);
                continue;
            }
            _ if image.is_some() => decode(bytes, c),
            // No post-image: the added lines of an added file are the file.
            _ if f.status == FileStatus::Added => {
                let width = if matches!(c, Content::Utf16Le | Content::Utf16Be) {
                    2
                } else {
                    4
                };
                decode(&text[..text.len() / width * width], c)
            }
            _ => None,
        };
        let Some(decoded) = decoded else {
            let nul_at = memchr::memchr(0, bytes).unwrap_or(0);
            f.unread = Some(Unread::binary(bytes, nul_at));
            continue;
        };
        let lines: Vec<&[u8]> = decoded
            .split(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .collect();
        let line = |n: u32| -> Box<[u8]> {
            lines
                .get((n as usize).wrapping_sub(1))
                .copied()
                .unwrap_or_default()
                .into()
        };
        if f.status == FileStatus::Added || image.is_none() {
            // The whole decoded file is what was added (the raw lines do not map 1:1).
            let n = lines.len() - usize::from(decoded.ends_with(b"\n"));
            let added: Vec<super::Line> = (1..=n as u32)
                .map(|l| super::Line {
                    line: l,
                    text: line(l),
                })
                .collect();
            f.hunks = vec![super::Hunk {
                old_start: 0,
                old_lines: 0,
                new_start: 1,
                new_lines: added.len() as u32,
                added,
                removed: Vec::new(),
            }];
        } else {
            for h in &mut f.hunks {
                for l in &mut h.added {
                    l.text = line(l.line);
                }
            }
        }
    }
    Ok(errors)
}

/// Whether a directory on `path`'s way under `root` is a symlink (or not a directory).
fn through_symlinked_dir(root: &std::path::Path, path: &str) -> bool {
    let mut dir = root.to_path_buf();
    let parts: Vec<&str> = path.split(['/', '\\']).filter(|c| !c.is_empty()).collect();
    for c in &parts[..parts.len().saturating_sub(1)] {
        dir.push(c);
        match std::fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return true,
            Err(_) => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, le: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if le { &[0xff, 0xfe] } else { &[0xfe, 0xff] });
        }
        for u in text.encode_utf16() {
            out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    }

    #[test]
    fn text_binary_and_wide_text() {
        assert_eq!(classify(b"plain\ntext\n"), Content::Text);
        assert_eq!(classify(b""), Content::Text);
        assert_eq!(classify(b"x\0y\nTOKEN=1\n"), Content::Binary { nul_at: 1 });
        assert_eq!(
            classify(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Content::Binary { nul_at: 8 }
        );
        assert_eq!(
            classify(&utf16("key = 1\r\n", true, true)),
            Content::Utf16Le
        );
        assert_eq!(
            classify(&utf16("key = 1\r\n", false, true)),
            Content::Utf16Be
        );
        assert_eq!(
            classify(&utf16("token: abc\n", true, false)),
            Content::Utf16Le
        );
        assert_eq!(
            classify(&utf16("token: abc\n", false, false)),
            Content::Utf16Be
        );
        let mut u32le = vec![0xff, 0xfe, 0, 0];
        for c in "ab\n".chars() {
            u32le.extend_from_slice(&(c as u32).to_le_bytes());
        }
        assert_eq!(classify(&u32le), Content::Utf32Le);
        let mut u32be = Vec::new();
        for c in "abcd\n".chars() {
            u32be.extend_from_slice(&(c as u32).to_be_bytes());
        }
        assert_eq!(classify(&u32be), Content::Utf32Be);
        // Random bytes with NULs are not UTF-16 by accident.
        let noise: Vec<u8> = (0u32..4000).map(|i| (i * 7919 % 251) as u8).collect();
        assert!(matches!(classify(&noise), Content::Binary { .. }));
    }

    #[test]
    fn wide_text_decodes_to_utf8() {
        let b = utf16("[default]\r\nkey = é✓\r\n", true, true);
        let c = classify(&b);
        assert_eq!(
            decode(&b, c).as_deref(),
            Some("[default]\r\nkey = é✓\r\n".as_bytes())
        );
        let b = utf16("x\n", false, false);
        assert_eq!(decode(&b, classify(&b)).as_deref(), Some(&b"x\n"[..]));
        // Unpaired surrogates everywhere: not text after all.
        let bad: Vec<u8> = std::iter::repeat_n([0x00u8, 0xd8], 50).flatten().collect();
        assert_eq!(decode(&bad, Content::Utf16Le), None);
        assert_eq!(decode(b"abc", Content::Text), None);
    }

    #[test]
    fn magic_numbers_and_lfs_pointers() {
        assert_eq!(
            known_binary_format(b"\x89PNG\r\n\x1a\n...."),
            Some("PNG image")
        );
        assert_eq!(
            known_binary_format(b"\0\0\0\x20ftypisom"),
            Some("MP4 media")
        );
        assert_eq!(known_binary_format(b"x\0y"), None);
        assert!(is_lfs_pointer(
            b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n"
        ));
        assert!(!is_lfs_pointer(b"version 1\n"));
    }

    /// A diff of `bytes` as a new file, split at 0x0a bytes the way git splits it.
    fn added_file_diff(path: &str, bytes: &[u8]) -> Vec<u8> {
        let parts: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
        let n = parts.len() - usize::from(bytes.ends_with(b"\n"));
        let mut d = format!(
            "diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{n} @@\n"
        )
        .into_bytes();
        for p in &parts[..n] {
            d.push(b'+');
            d.extend_from_slice(p);
            d.push(b'\n');
        }
        if !bytes.ends_with(b"\n") {
            d.extend_from_slice(b"\\ No newline at end of file\n");
        }
        d
    }

    fn change_of(diff: &[u8]) -> super::super::ChangeSet {
        super::super::ChangeSet {
            base: None,
            head: None,
            files: super::super::diff::parse(diff).expect("diff"),
            post: super::super::Snapshot::None,
            pre: super::super::Snapshot::None,
            root: None,
        }
    }

    #[test]
    fn inspect_decodes_wide_diffs_and_records_binary_ones() {
        let mut d = added_file_diff(
            "creds.txt",
            &utf16("[default]\r\nkey = AKIA1\r\n", true, true),
        );
        d.extend(added_file_diff(
            "be.cfg",
            &utf16("token: x\n", false, false),
        ));
        d.extend(added_file_diff("notes.txt", b"x\0y\nTOKEN=1\n"));
        d.extend(added_file_diff("logo.gif", b"GIF89a\x01\0\x01\0\x80\0\0\n"));
        d.extend(b"diff --git a/m.bin b/m.bin\nnew file mode 100644\n--- /dev/null\n+++ b/m.bin\n@@ -0,0 +1,2 @@\n+version https://git-lfs.github.com/spec/v1\n+oid sha256:ab\n");
        let mut cs = change_of(&d);
        inspect(&mut cs).expect("inspect");
        let by = |p: &str| cs.files.iter().find(|f| f.path == p).expect(p);
        let creds = by("creds.txt");
        let lines: Vec<&[u8]> = creds.added_lines().map(|l| &l.text[..]).collect();
        assert_eq!(lines, [&b"[default]"[..], b"key = AKIA1"]);
        assert_eq!(creds.unread, None);
        let be: Vec<&[u8]> = by("be.cfg").added_lines().map(|l| &l.text[..]).collect();
        assert_eq!(be, [&b"token: x"[..]]);
        let notes = by("notes.txt");
        let u = notes.unread.as_ref().expect("binary");
        assert_eq!(
            (u.reason, u.detail.as_str(), u.scanned),
            (Reason::Binary, "NUL byte at offset 1", true)
        );
        assert!(!notes.binary, "an unknown binary is still scanned");
        let png = by("logo.gif");
        assert_eq!(
            png.unread.as_ref().and_then(|u| u.format),
            Some("GIF image")
        );
        assert!(png.binary, "a known format is read by no analyzer");
        assert_eq!(
            by("m.bin").unread.as_ref().map(|u| u.reason),
            Some(Reason::Outside)
        );
    }
}
