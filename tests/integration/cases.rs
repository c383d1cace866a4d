//! Folder-driven CLI cases: each folder of fixtures/cases holds `cmd` (the arguments), its
//! inputs, and optionally `stdin`. What the user sees (exit code, stdout, stderr) is
//! snapshotted. Adding a case is adding a folder.

use std::path::Path;

use crate::util::{code, gate, manifest_dir, stderr, stdout};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        let dest = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).expect("copy");
        }
    }
}

#[test]
fn cli_cases() {
    let fixtures = manifest_dir().join("fixtures");
    let src = fixtures.join("cases");
    // Run outside any git repository, so the gate repository's own configuration is not used.
    // All of fixtures/ is copied, so a case can name ../../plans/x.json.
    let tmp_root = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixtures, tmp_root.path());
    let tmp = tmp_root.path().join("cases");
    let mut names: Vec<String> = std::fs::read_dir(&src)
        .expect("cases dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(
        names.len() >= 10,
        "expected the fixture cases, found {names:?}"
    );
    for name in names {
        let dir = tmp.join(&name);
        let cmd = std::fs::read_to_string(dir.join("cmd")).expect("cmd file");
        let args: Vec<&str> = cmd.split_whitespace().collect();
        let stdin = std::fs::read(dir.join("stdin")).ok();
        let out = gate(&dir, &args, stdin.as_deref());
        let shown = format!(
            "args: {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
            args.join(" "),
            code(&out),
            stdout(&out),
            stderr(&out)
        );
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
            filters => vec![
                (r#""version": "\d+\.\d+\.\d+[^"]*""#, r#""version": "[VERSION]""#),
                (r#""semanticVersion": "[^"]+""#, r#""semanticVersion": "[VERSION]""#),
                (r#""fullName": "gate [^"]+""#, r#""fullName": "gate [VERSION]""#),
            ],
        }, {
            insta::assert_snapshot!(format!("case__{name}"), shown);
        });
    }
}

/// Every snapshot belongs to a case (or a named test): a removed case leaves no orphan behind.
#[test]
fn no_orphaned_snapshots() {
    let cases = manifest_dir().join("fixtures").join("cases");
    let named = ["rule_ids"];
    let mut orphans = Vec::new();
    for e in
        std::fs::read_dir(manifest_dir().join("tests").join("snapshots")).expect("snapshots dir")
    {
        let name = e.expect("entry").file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".snap") else {
            continue;
        };
        let known = match stem.strip_prefix("case__") {
            Some(case) => cases.join(case).is_dir(),
            None => named.contains(&stem),
        };
        if !known {
            orphans.push(name);
        }
    }
    assert!(orphans.is_empty(), "orphaned snapshots: {orphans:?}");
}
