//! Folder-driven CLI cases: each folder of fixtures/cases holds `cmd` (the arguments), its
//! inputs, and optionally `stdin`. What the user sees (exit code, stdout, stderr) is
//! snapshotted. Adding a case is adding a folder: build.rs writes a test for each
//! (`cases::case::<name>`).

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

/// The generated tests: one per folder of fixtures/cases (build.rs), each calling [`run_case`].
mod case {
    include!(concat!(env!("OUT_DIR"), "/cli_cases.rs"));
}

/// Runs one case: the fixtures are copied outside any git repository (so the gate
/// repository's own configuration is not used), all of them, so a case can name
/// `../../plans/x.json`; what the user sees is snapshotted.
fn run_case(name: &str) {
    let fixtures = manifest_dir().join("fixtures");
    let tmp_root = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixtures, tmp_root.path());
    let dir = tmp_root.path().join("cases").join(name);
    let cmd = std::fs::read_to_string(dir.join("cmd")).expect("cmd file");
    let args: Vec<&str> = cmd.split_whitespace().collect();
    let stdin = std::fs::read(dir.join("stdin")).ok();
    let out = gate(&dir, &args, stdin.as_deref());
    let mut shown_stdout = stdout(&out);
    if args.windows(2).any(|w| w == ["--format", "sarif"]) {
        shown_stdout = cited_rules_only(&shown_stdout);
    }
    let shown = format!(
        "args: {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        code(&out),
        shown_stdout,
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

/// A SARIF document with only the descriptors of the rules its results cite (and the
/// results' `ruleIndex` into that shorter table): a new rule elsewhere then changes
/// rule_ids.snap, not every SARIF snapshot. The document itself lists every loaded rule.
fn cited_rules_only(sarif: &str) -> String {
    let Ok(mut doc) = serde_json::from_str::<serde_json::Value>(sarif) else {
        return sarif.to_string();
    };
    for run in doc["runs"].as_array_mut().into_iter().flatten() {
        let cited: std::collections::BTreeSet<String> = run["results"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["ruleId"].as_str().map(str::to_string))
            .collect();
        let Some(rules) = run["tool"]["driver"]["rules"].as_array_mut() else {
            continue;
        };
        rules.retain(|r| r["id"].as_str().is_some_and(|id| cited.contains(id)));
        let ids: Vec<String> = rules
            .iter()
            .filter_map(|r| r["id"].as_str().map(str::to_string))
            .collect();
        for r in run["results"].as_array_mut().into_iter().flatten() {
            let pos = r["ruleId"]
                .as_str()
                .and_then(|id| ids.iter().position(|x| x == id));
            if let (Some(i), Some(obj)) = (pos, r.as_object_mut()) {
                obj.insert("ruleIndex".into(), i.into());
            }
        }
    }
    let mut s = serde_json::to_string_pretty(&doc).expect("json");
    s.push('\n');
    s
}

/// Snapshots that are not committed results: a removed case's snapshot (orphaned), or one
/// insta wrote for review (`.snap.new`, `.pending-snap`: pending). Either fails here.
#[test]
fn no_orphaned_or_pending_snapshots() {
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
    let mut pending = Vec::new();
    for dir in ["src", "tests"] {
        find_pending(&manifest_dir().join(dir), &mut pending);
    }
    assert!(
        pending.is_empty(),
        "pending snapshots (review them with `cargo insta review`, or delete them): {pending:?}"
    );
}

fn find_pending(dir: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            find_pending(&p, out);
        } else if name.ends_with(".snap.new") || name.ends_with(".pending-snap") {
            out.push(p.display().to_string());
        }
    }
}

/// The facts document is a documented contract (docs/facts.md): every field name in the
/// `facts-contract` case's output is named there (in backticks), so a field added without its
/// documentation fails here, and the case's snapshot pins the values.
#[test]
fn facts_fields_are_documented() {
    let fixtures = manifest_dir().join("fixtures");
    let tmp_root = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixtures, tmp_root.path());
    let dir = tmp_root.path().join("cases").join("facts-contract");
    let cmd = std::fs::read_to_string(dir.join("cmd")).expect("cmd file");
    let args: Vec<&str> = cmd.split_whitespace().collect();
    let out = gate(&dir, &args, None);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("facts JSON");
    let docs = std::fs::read_to_string(manifest_dir().join("docs").join("facts.md"))
        .expect("docs/facts.md");
    let mut fields = std::collections::BTreeSet::new();
    field_names(&doc, &mut fields);
    // The names the page writes as code: in `backticks` (`infra.plans` names both) or in a
    // `{a, b, c}` field list, which may span lines.
    let spans = regex::Regex::new(r"`[^`]+`|\{[^{}]*\}").expect("regex");
    let documented: std::collections::BTreeSet<&str> = spans
        .find_iter(&docs)
        .flat_map(|m| {
            m.as_str()
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        })
        .collect();
    let undocumented: Vec<&String> = fields
        .iter()
        .filter(|f| !documented.contains(f.as_str()))
        .collect();
    assert!(
        fields.len() > 50,
        "the case covers too little of the document: {fields:?}"
    );
    assert!(
        undocumented.is_empty(),
        "facts fields missing from docs/facts.md: {undocumented:?}"
    );
}

/// Field names of the document, not descending into values whose keys are data: the
/// configuration (documented in the README), a plan's own document and resource attributes.
fn field_names(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                out.insert(k.clone());
                if !["config", "raw", "before", "after", "module_sources"].contains(&k.as_str()) {
                    field_names(x, out);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| field_names(x, out)),
        _ => {}
    }
}
