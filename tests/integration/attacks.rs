//! The attack suite of issue #16: a hostile change must not blind, bypass or spoof the gate.
//! Each test plays one attack as a pull-request author would, on a scratch repository checked
//! with `gate check --base main` (or the input mode the attack needs).

use std::path::Path;

use crate::util::{code, gate, stderr, stdout, Repo};

/// A GitHub token and an AWS key id in their providers' formats (synthetic).
const TOKEN: &str = "ghp_R8x2LqT7vN4mZ1kP9sW3dY6hJ0cF5bA2eG8u";
const KEY: &str = "AKIAZ3MHQX7EW2LKQ4PN";
/// A password inside a URL: no scanner knows its format, only its place.
const URL_PASSWORD: &str = "Zq8-wPm4-Tr7x";

/// A repository with `main` and a branch `pr` checked out, ready for the attack's files.
fn pr_repo() -> Repo {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "pr"]);
    r
}

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\nstderr: {}", stdout(o), stderr(o)))
}

/// The findings of a JSON report with `rule`.
fn findings_of(doc: &serde_json::Value, rule: &str) -> Vec<serde_json::Value> {
    doc["findings"]
        .as_array()
        .map(|a| a.iter().filter(|f| f["rule"] == rule).cloned().collect())
        .unwrap_or_default()
}

// 1. .gitattributes cannot make git hide the change.

#[test]
fn gitattributes_cannot_blind_the_diff() {
    for attrs in [
        "* -diff\n",
        "* binary\n",
        "* diff=hide\n",
        "*.env -text\n*.txt -diff\n",
    ] {
        let r = pr_repo();
        // A diff driver the CI machine happens to have: binary, with a textconv that hides.
        r.git(&["config", "diff.hide.binary", "true"]);
        r.git(&[
            "config",
            "diff.hide.textconv",
            "sh -c 'echo nothing to see'",
        ]);
        r.git(&["config", "diff.hide.command", "true"]);
        r.write(".gitattributes", attrs);
        r.write("app.env", &format!("TOKEN={TOKEN}\n"));
        r.write("requirements.txt", "reqeusts==2.31.0\n");
        r.commit_all("add config");
        let o = r.gate(&["check", "--base", "main", "--format", "json"]);
        assert_eq!(code(&o), 1, "{attrs:?}: {}", stdout(&o));
        let doc = json(&o);
        assert!(
            findings_of(&doc, "GATE-SEC-001")
                .iter()
                .any(|f| f["path"] == "app.env"),
            "{attrs:?}: the token is found: {}",
            stdout(&o)
        );
        assert!(
            findings_of(&doc, "GATE-DEP-003")
                .iter()
                .any(|f| f["message"].as_str().unwrap_or("").contains("reqeusts")),
            "{attrs:?}: the typo-squat is found: {}",
            stdout(&o)
        );
        assert!(
            doc["change"]["stats"]["additions"].as_u64() >= Some(3),
            "{attrs:?}: {}",
            doc["change"]
        );
    }
}

#[test]
fn gitattributes_cannot_blind_staged_checks() {
    let r = Repo::new();
    r.write(".gitattributes", "* -diff\n");
    r.write("app.env", &format!("TOKEN={TOKEN}\n"));
    r.git(&["add", "-A"]);
    let o = r.gate(&["check", "--staged"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("app.env:1"), "{}", stdout(&o));
}

// 2. Credentials inside dependency URLs and resource addresses never reach an output.

fn leaky_dependency_repo() -> Repo {
    let r = Repo::new();
    r.write("package.json", "{\n  \"dependencies\": {}\n}\n");
    r.write(
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\n",
    );
    r.commit_all("manifests");
    r.git(&["checkout", "-q", "-b", "pr"]);
    r.write(
        "requirements.txt",
        &format!(
            "privpkg @ git+https://x-access-token:{TOKEN}@github.com/acme/privpkg.git\nmirrored @ https://deploy:{URL_PASSWORD}@pkgs.example.com/mirrored-1.0.tar.gz\n"
        ),
    );
    r.write(
        "package.json",
        &format!("{{\n  \"dependencies\": {{\n    \"privpkg\": \"git+https://x-access-token:{TOKEN}@github.com/acme/privpkg.git\"\n  }}\n}}\n"),
    );
    r.write(
        "Cargo.toml",
        &format!("[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nprivpkg = {{ git = \"https://x-access-token:{TOKEN}@github.com/acme/privpkg\" }}\n"),
    );
    r.commit_all("private dependencies");
    r
}

fn assert_no_credential(what: &str, text: &str) {
    assert!(!text.contains(TOKEN), "{what} prints the token:\n{text}");
    assert!(
        !text.contains(URL_PASSWORD),
        "{what} prints the URL password:\n{text}"
    );
}

#[test]
fn dependency_url_credentials_never_reach_a_report_or_the_facts() {
    let r = leaky_dependency_repo();
    for format in ["text", "json", "sarif", "markdown", "github", "outputs"] {
        let o = r.gate(&["check", "--base", "main", "--format", format]);
        assert_eq!(code(&o), 1, "{format}: {}", stderr(&o));
        assert_no_credential(format, &stdout(&o));
    }
    let o = r.gate(&["check", "--base", "main", "--format", "json"]);
    let doc = json(&o);
    // The dependencies are still reported, with the credential masked.
    let dep005 = findings_of(&doc, "GATE-DEP-005");
    assert!(dep005.len() >= 3, "{}", stdout(&o));
    let o = r.gate(&["facts", "--base", "main"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_no_credential("gate facts", &stdout(&o));
    assert!(stdout(&o).contains("privpkg"), "{}", stdout(&o));
    assert!(stdout(&o).contains("pkgs.example.com"), "{}", stdout(&o));
}

#[test]
fn credentials_in_a_plan_resource_address_never_reach_a_report_or_the_facts() {
    let r = Repo::new();
    let plan = serde_json::json!({
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "resource_changes": [{
            "address": format!("aws_db_instance.tenant[\"{TOKEN}\"]"),
            "mode": "managed",
            "type": "aws_db_instance",
            "name": "tenant",
            "index": TOKEN,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {
                "actions": ["delete"],
                "before": {"identifier": "tenant", "skip_final_snapshot": true, "deletion_protection": false},
                "after": null,
                "after_unknown": {},
                "before_sensitive": {},
                "after_sensitive": {}
            }
        }]
    });
    r.write("plan.json", &plan.to_string());
    for format in ["text", "json", "sarif", "markdown", "github"] {
        let o = r.gate(&["check", "--plan", "plan.json", "--format", format]);
        assert_eq!(code(&o), 1, "{format}: {}{}", stdout(&o), stderr(&o));
        assert_no_credential(format, &stdout(&o));
        assert!(
            stdout(&o).contains("aws_db_instance.tenant"),
            "{format}: {}",
            stdout(&o)
        );
    }
    let o = r.gate(&["facts", "--plan", "plan.json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_no_credential("gate facts", &stdout(&o));
}

// 3. A change cannot suppress the finding about its own tampering.

#[test]
fn governance_findings_cannot_be_suppressed_inline() {
    let r = Repo::new();
    r.write(".gate.yaml", "thresholds: {fail: 70, warn: 40}\n");
    r.commit_all("gate config");
    r.git(&["checkout", "-q", "-b", "pr"]);
    r.write(
        ".gate.yaml",
        "# gate:allow GATE-GOV-001 tidy\nthresholds: {fail: 70, warn: 40}\ndisable: [GATE-SEC-001]\n",
    );
    r.commit_all("tidy config");
    let o = r.gate(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(code(&o), 1, "the tampering still blocks: {}", stdout(&o));
    let gov = findings_of(&json(&o), "GATE-GOV-001");
    assert!(
        gov.iter()
            .any(|f| f["level"] == "error" && f["suppressed"].is_null()),
        "{gov:?}"
    );
    // In the text report too.
    let o = r.gate(&["check", "--base", "main"]);
    assert!(
        !stdout(&o).contains("suppressed by inline"),
        "{}",
        stdout(&o)
    );
}

// 4. A change that suppresses its own findings is reported.

fn has_self_suppression(doc: &serde_json::Value, level: &str) -> bool {
    findings_of(doc, "GATE-GOV-003")
        .iter()
        .any(|f| f["level"] == level && f["suppressed"].is_null())
}

#[test]
fn inline_allow_beside_a_new_secret_is_a_self_suppression() {
    let r = pr_repo();
    r.write(
        "src/settings.py",
        &format!("AWS_KEY = '{KEY}'  # gate:allow GATE-SEC-001 not a real key\n"),
    );
    r.commit_all("settings");
    let o = r.gate(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let doc = json(&o);
    assert!(
        findings_of(&doc, "GATE-SEC-001")
            .iter()
            .all(|f| f["suppressed"]["kind"] == "inline"),
        "{doc}"
    );
    assert!(has_self_suppression(&doc, "warning"), "{doc}");
    let msg = findings_of(&doc, "GATE-GOV-003")[0]["message"].clone();
    assert!(
        msg.as_str().unwrap_or("").contains("GATE-SEC-001")
            && msg.as_str().unwrap_or("").contains("src/settings.py:1"),
        "{msg}"
    );
    // Under the strict profile (AI-authored), it blocks.
    let o = r.gate(&["check", "--base", "main", "--format", "json", "--ai"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(has_self_suppression(&json(&o), "error"), "{}", stdout(&o));
}

#[test]
fn exceptions_and_baseline_entries_for_the_changes_own_findings_are_self_suppressions() {
    // An exception added by the change for the change's own finding.
    let r = pr_repo();
    r.write(
        "deploy/env.sh",
        &format!("export AWS_ACCESS_KEY_ID={KEY}\n"),
    );
    r.write(
        ".gate-exceptions.yaml",
        "- rule: GATE-SEC-001\n  path: 'deploy/**'\n  reason: rotated later\n  owner: '@me'\n  expires: 2999-01-01\n",
    );
    r.commit_all("deploy");
    let o = r.gate(&["check", "--base", "main", "--format", "json"]);
    let doc = json(&o);
    assert!(has_self_suppression(&doc, "warning"), "{doc}");
    assert!(
        findings_of(&doc, "GATE-GOV-003")
            .iter()
            .any(|f| f["message"].as_str().unwrap_or("").contains("exception")),
        "{doc}"
    );

    // A baseline written on the branch, accepting the change's own finding.
    let r = pr_repo();
    r.write(
        "deploy/env.sh",
        &format!("export AWS_ACCESS_KEY_ID={KEY}\n"),
    );
    r.commit_all("deploy");
    let o = r.gate(&["baseline", "--base", "main"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    r.commit_all("baseline");
    let o = r.gate(&["check", "--base", "main", "--format", "json"]);
    let doc = json(&o);
    assert!(
        findings_of(&doc, "GATE-GOV-003")
            .iter()
            .any(|f| f["message"].as_str().unwrap_or("").contains("baseline")),
        "{doc}"
    );
}

// 5. A file gate did not read is never a silent skip.

fn coverage_findings(doc: &serde_json::Value, path: &str) -> Vec<serde_json::Value> {
    doc["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| {
                    f["rule"].as_str().unwrap_or("").starts_with("GATE-COV-") && f["path"] == path
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_file_with_an_early_nul_byte_is_reported_as_not_scanned() {
    let r = pr_repo();
    std::fs::write(r.path().join("notes.txt"), format!("x\0y\nTOKEN={TOKEN}\n")).expect("write");
    r.commit_all("notes");
    for args in [
        &["check", "--base", "main", "--format", "json"][..],
        &["check", "--all", "--format", "json"],
    ] {
        let o = r.gate(args);
        let doc = json(&o);
        let cov = coverage_findings(&doc, "notes.txt");
        assert!(
            cov.iter()
                .any(|f| f["message"].as_str().unwrap_or("").contains("binary")),
            "{args:?}: {doc}"
        );
        assert_ne!(doc["verdict"]["decision"], "pass", "{args:?}: {doc}");
    }
}

fn utf16le(text: &str) -> Vec<u8> {
    let mut out = vec![0xff, 0xfe];
    for u in text.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

#[test]
fn a_utf16_file_is_decoded_and_scanned() {
    let r = pr_repo();
    std::fs::write(
        r.path().join("creds.txt"),
        utf16le(&format!("[default]\r\naws_access_key_id = {KEY}\r\n")),
    )
    .expect("write");
    // Without a byte-order mark, as PowerShell redirection can write it.
    let mut be = Vec::new();
    for u in format!("token: {TOKEN}\n").encode_utf16() {
        be.extend_from_slice(&u.to_be_bytes());
    }
    std::fs::write(r.path().join("token.cfg"), be).expect("write");
    r.commit_all("creds");
    for args in [&["check", "--base", "main"][..], &["check", "--all"]] {
        let o = r.gate(args);
        assert_eq!(code(&o), 1, "{args:?}: {}", stdout(&o));
        let out = stdout(&o);
        assert!(out.contains("creds.txt:2"), "{args:?}: {out}");
        assert!(out.contains("token.cfg:1"), "{args:?}: {out}");
    }
}

#[test]
fn a_file_too_large_to_read_under_all_is_reported() {
    let r = Repo::new();
    let p = r.path().join("dump.sql");
    std::fs::write(&p, format!("-- {TOKEN}\n")).expect("write");
    // Sparse: 64 MiB on paper, a few bytes on disk.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&p)
        .and_then(|f| f.set_len(64 * 1024 * 1024))
        .expect("grow");
    let o = r.gate(&["check", "--all", "--format", "json"]);
    let doc = json(&o);
    let cov = coverage_findings(&doc, "dump.sql");
    assert!(
        cov.iter()
            .any(|f| f["message"].as_str().unwrap_or("").contains("MiB")),
        "{doc}"
    );
    assert_ne!(doc["verdict"]["decision"], "pass", "{doc}");
}

#[test]
fn a_tracked_file_that_gitignore_matches_is_scanned_under_all() {
    let r = Repo::new();
    r.write(".gitignore", "*.env\n");
    r.write("prod.env", &format!("TOKEN={TOKEN}\n"));
    r.git(&["add", "-f", "prod.env", ".gitignore"]);
    r.git(&["commit", "-q", "-m", "tracked env"]);
    let o = r.gate(&["check", "--all"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("prod.env:1"), "{}", stdout(&o));
}

// 6. Names cannot inject terminal controls, workflow commands or Markdown.

/// A file and a dependency whose names try to spoof the text report.
fn spoofing_repo() -> Repo {
    let r = pr_repo();
    let name = "x\u{1b}[2J\rgate: PASS  risk 0 (low)\n::warning::injected\n.env";
    std::fs::write(r.path().join(name), format!("TOKEN={TOKEN}\n")).expect("write");
    r.write(
        "package.json",
        "{\n  \"dependencies\": {\n    \"evil\\u001b[2J\\n::error::owned\\ngate: PASS\": \"1.0.0\"\n  }\n}\n",
    );
    r.commit_all("names");
    r
}

#[test]
fn text_report_neutralises_control_characters_and_workflow_commands() {
    let r = spoofing_repo();
    let o = r.gate(&["check", "--base", "main"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        !out.contains('\u{1b}'),
        "ESC reaches the terminal:\n{out:?}"
    );
    assert!(!out.contains('\r'), "CR reaches the terminal:\n{out:?}");
    for line in out.lines() {
        assert!(
            !line.starts_with("::"),
            "a workflow command at column 0: {line:?}\n{out}"
        );
    }
    let verdicts: Vec<&str> = out.lines().filter(|l| l.starts_with("gate: ")).collect();
    assert_eq!(verdicts.len(), 1, "{out}");
    assert!(verdicts[0].starts_with("gate: FAIL"), "{out}");
}

/// The Markdown outside code spans (CommonMark: a run of n backticks up to the next run of
/// exactly n), where text is interpreted.
fn outside_code_spans(md: &str) -> String {
    let b = md.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    let run_at = |i: usize| b[i..].iter().take_while(|&&c| c == b'`').count();
    while i < b.len() {
        if b[i] == b'`' && (i == 0 || b[i - 1] != b'\\') {
            let n = run_at(i);
            let mut j = i + n;
            let mut close = None;
            while j < b.len() {
                if b[j] == b'`' {
                    let m = run_at(j);
                    if m == n {
                        close = Some(j + m);
                        break;
                    }
                    j += m;
                } else {
                    j += 1;
                }
            }
            match close {
                Some(end) => {
                    out.push(' ');
                    i = end;
                }
                None => {
                    out.push_str(&md[i..i + n]);
                    i += n;
                }
            }
        } else {
            let next = md[i..].find('`').map_or(md.len(), |k| i + k.max(1));
            out.push_str(&md[i..next]);
            i = next;
        }
    }
    out
}

#[test]
fn markdown_report_escapes_emphasis_links_and_html_from_names() {
    let r = pr_repo();
    for name in [
        "**PASS**.env",
        "[x](http:evil.example).env",
        "<img src=x>.env",
        "a`**b**`c.env",
    ] {
        std::fs::write(r.path().join(name), format!("TOKEN={TOKEN}\n")).expect("write");
    }
    r.write(
        "package.json",
        "{\n  \"dependencies\": {\n    \"[y](https://evil.example/p)\": \"1.0.0\",\n    \"__BOLD__\": \"1.0.0\",\n    \"@everyone<b>\": \"1.0.0\"\n  }\n}\n",
    );
    r.commit_all("names");
    let o = r.gate(&["check", "--base", "main", "--format", "markdown"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let md = stdout(&o);
    let live = outside_code_spans(&md);
    for raw in [
        "**PASS**",
        "**b**",
        "[x](http",
        "[y](https",
        "https://",
        "<img",
        "<b>",
        "__BOLD__",
        " @everyone",
    ] {
        assert!(
            !live.contains(raw),
            "{raw:?} reaches the Markdown unescaped:\n{md}"
        );
    }
}

#[test]
fn sarif_uris_are_relative_references_without_a_scheme() {
    let r = pr_repo();
    std::fs::write(
        r.path().join("javascript:alert(1)"),
        format!("TOKEN={TOKEN}\n"),
    )
    .expect("write");
    std::fs::create_dir_all(r.path().join("d")).expect("mkdir");
    std::fs::write(r.path().join("d/a%2e[1]?#.env"), format!("TOKEN={TOKEN}\n")).expect("write");
    r.commit_all("names");
    let o = r.gate(&["check", "--base", "main", "--format", "sarif"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let doc = json(&o);
    let mut uris = Vec::new();
    for res in doc["runs"][0]["results"].as_array().expect("results") {
        for loc in res["locations"].as_array().into_iter().flatten() {
            if let Some(u) = loc["physicalLocation"]["artifactLocation"]["uri"].as_str() {
                uris.push(u.to_string());
            }
        }
    }
    assert!(uris.iter().any(|u| u.contains("alert")), "{uris:?}");
    for u in &uris {
        let scheme = u
            .split_once(':')
            .is_some_and(|(s, _)| !s.contains('/') && !s.is_empty());
        assert!(!scheme, "{u:?} has a scheme");
        assert!(
            !u.contains(['?', '#', '[', ']']),
            "{u:?} is not a plain path reference"
        );
    }
    assert!(
        uris.contains(&"d/a%252e%5B1%5D%3F%23.env".to_string()),
        "{uris:?}"
    );
    crate::util::validate_sarif(&stdout(&o));
}

// 7. `--diff` never reads outside the repository through a symlinked directory.

#[cfg(unix)]
#[test]
fn diff_paths_through_a_symlinked_directory_are_not_read() {
    let r = Repo::new();
    let outside = tempfile::tempdir().expect("tmp");
    std::fs::write(
        outside.path().join("package.json"),
        "{\"dependencies\": {\"reqeusts\": \"1\"}}",
    )
    .expect("write");
    std::os::unix::fs::symlink(outside.path(), r.path().join("lnk")).expect("symlink");
    r.write(
        "d.diff",
        "--- a/lnk/package.json\n+++ b/lnk/package.json\n@@ -1 +1 @@\n-{}\n+{\"dependencies\": {\"reqeusts\": \"1\"}}\n",
    );
    let o = r.gate(&["facts", "--diff", "d.diff"]);
    let facts = stdout(&o);
    assert!(
        !facts.contains("\"name\": \"reqeusts\""),
        "read through the symlinked directory:\n{facts}"
    );
    let o = r.gate(&["check", "--diff", "d.diff", "--format", "json"]);
    assert!(
        !coverage_findings(&json(&o), "lnk/package.json").is_empty(),
        "{}",
        stdout(&o)
    );
}

// 8. `--diff` judges the diff, not whatever the work tree holds.

/// main has manifests; `pr` adds typo-squats; the diff of pr is written, main checked out.
fn diff_on_a_clean_checkout(full_index: bool) -> Repo {
    let r = Repo::new();
    r.write("requirements.txt", "requests==2.31.0\n");
    r.write(
        "package.json",
        "{\n  \"dependencies\": {\n    \"left-pad\": \"1.3.0\"\n  }\n}\n",
    );
    r.commit_all("manifests");
    r.git(&["checkout", "-q", "-b", "pr"]);
    r.write("requirements.txt", "requests==2.31.0\nreqeusts==1.0.0\n");
    r.write(
        "package.json",
        "{\n  \"dependencies\": {\n    \"left-pad\": \"1.3.0\",\n    \"expresss\": \"4.18.2\"\n  }\n}\n",
    );
    r.commit_all("deps");
    let diff = if full_index {
        r.git(&["diff", "--full-index", "main", "pr"])
    } else {
        // As `diff -u` or a patch tool writes it: no `index` lines, so no blob ids.
        r.git(&["diff", "main", "pr"])
            .lines()
            .filter(|l| !l.starts_with("index "))
            .map(|l| format!("{l}\n"))
            .collect()
    };
    r.git(&["checkout", "-q", "main"]);
    r.write(".git/pr.diff", &diff);
    r
}

#[test]
fn diff_manifests_are_read_from_the_diffs_blobs_not_the_work_tree() {
    let r = diff_on_a_clean_checkout(true);
    let o = r.gate(&["check", "--diff", ".git/pr.diff", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let doc = json(&o);
    let names: Vec<String> = findings_of(&doc, "GATE-DEP-003")
        .iter()
        .map(|f| f["resource"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        names.contains(&"pypi:reqeusts".to_string()) && names.contains(&"npm:expresss".to_string()),
        "{names:?}\n{doc}"
    );
}

#[test]
fn diff_without_blob_ids_is_refused_when_the_work_tree_does_not_match() {
    let r = diff_on_a_clean_checkout(false);
    let o = r.gate(&["check", "--diff", ".git/pr.diff"]);
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("does not match") && err.contains("package.json"),
        "{err}"
    );
    // With the change applied to the work tree, the same diff is checked.
    r.git(&["checkout", "-q", "pr"]);
    let o = r.gate(&["check", "--diff", ".git/pr.diff"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("reqeusts"), "{}", stdout(&o));
}

// 9. A secret in a removed line stays out of the facts (and of what policies see).

#[test]
fn removed_secrets_are_redacted_in_the_facts() {
    let r = Repo::new();
    r.write("old.env", &format!("TOKEN={TOKEN}\nAWS={KEY}\n"));
    r.write(
        "requirements.txt",
        &format!("privpkg @ git+https://x-access-token:{TOKEN}@github.com/acme/privpkg.git\n"),
    );
    r.commit_all("old secrets");
    r.git(&["checkout", "-q", "-b", "pr"]);
    r.git(&["rm", "-q", "old.env", "requirements.txt"]);
    r.commit_all("remove secrets");
    let o = r.gate(&["facts", "--base", "main"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let facts = stdout(&o);
    assert!(!facts.contains(TOKEN), "{facts}");
    assert!(!facts.contains(KEY), "{facts}");
    assert!(facts.contains("\"removed\""), "{facts}");
    // A policy sees the same redacted facts.
    let pol = tempfile::tempdir().expect("tmp");
    std::fs::write(
        pol.path().join("peek.rego"),
        "package gate.custom.peek\n\nrules[\"CUSTOM-PEEK\"] := {\"name\": \"Peek\", \"summary\": \"Shows removed lines.\"}\n\ninfo contains {\"rule\": \"CUSTOM-PEEK\", \"message\": l.text} if {\n\tsome f in input.change.files\n\tsome h in f.hunks\n\tsome l in h.removed\n}\n",
    )
    .expect("write");
    let o = r.gate(&[
        "check",
        "--base",
        "main",
        "--format",
        "json",
        "--policy",
        &pol.path().display().to_string(),
    ]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("CUSTOM-PEEK"), "{}", stdout(&o));
    assert!(!stdout(&o).contains(TOKEN), "{}", stdout(&o));
}

// 10. An expired exception scoped without a path does not stop every run.

#[test]
fn expired_exceptions_without_a_path_are_reported_not_fatal() {
    let r = Repo::new();
    r.write(
        ".gate-exceptions.yaml",
        "- rule: GATE-INF-001\n  resource: aws_db_instance.orders\n  reason: migration\n  owner: '@infra'\n  expires: 2020-01-01\n- rule: GATE-SEC-001\n  fingerprint: 0123456789abcdef0123456789abcdef\n  reason: rotated\n  owner: '@sec'\n  expires: 2020-02-01\n",
    );
    r.commit_all("exceptions");
    r.git(&["checkout", "-q", "-b", "pr"]);
    r.write("README.md", "# demo\n\nmore\n");
    r.commit_all("docs");
    let o = r.gate(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let gov = findings_of(&json(&o), "GATE-GOV-002");
    assert_eq!(gov.len(), 2, "{}", stdout(&o));
    let text: Vec<&str> = gov.iter().filter_map(|f| f["message"].as_str()).collect();
    assert!(
        text.iter().any(|m| m.contains("aws_db_instance.orders")),
        "{text:?}"
    );
}

// 11. Policy builtins cannot run past the limits or abort the process.

fn check_with_policy(policy: &str, timeout: &str) -> (std::process::Output, std::time::Duration) {
    let dir = tempfile::tempdir().expect("tmp");
    let pol = dir.path().join("pol");
    std::fs::create_dir_all(&pol).expect("mkdir");
    std::fs::write(pol.join("boom.rego"), policy).expect("write");
    std::fs::write(
        dir.path().join("d.diff"),
        "--- /dev/null\n+++ b/a.txt\n@@ -0,0 +1 @@\n+hello\n",
    )
    .expect("write");
    let start = std::time::Instant::now();
    let o = gate(
        dir.path(),
        &[
            "check",
            "--diff",
            "d.diff",
            "--policy",
            "pol",
            "--policy-timeout",
            timeout,
        ],
        None,
    );
    (o, start.elapsed())
}

fn boom(expr: &str) -> String {
    format!("package gate.custom.boom\n\nrules[\"CUSTOM-BOOM\"] := {{\"name\": \"Boom\", \"summary\": \"Expands.\"}}\n\ndeny contains {{\"rule\": \"CUSTOM-BOOM\", \"message\": sprintf(\"%d\", [n])}} if {{\n\tn := count({expr})\n}}\n")
}

#[test]
fn cidr_expansion_is_bounded() {
    // A /12 is a million addresses: seconds and hundreds of MB in the builtin, past the limit.
    let (o, took) = check_with_policy(&boom("net.cidr_expand(\"10.0.0.0/12\")"), "1");
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains("net.cidr_expand") && stderr(&o).contains("boom.rego"),
        "{}",
        stderr(&o)
    );
    assert!(took.as_secs() < 20, "took {took:?}");
}

#[test]
fn numeric_ranges_are_bounded_and_never_abort() {
    for expr in [
        "numbers.range(0, 1e11)",
        "numbers.range_step(0, 1e11, 1)",
        "numbers.range(0, 2e7)",
    ] {
        let (o, _) = check_with_policy(&boom(expr), "5");
        assert_eq!(code(&o), 2, "{expr}: {}{}", stdout(&o), stderr(&o));
        assert!(
            stderr(&o).contains("numbers.range"),
            "{expr}: {}",
            stderr(&o)
        );
    }
    // Small ranges still work.
    let (o, _) = check_with_policy(&boom("numbers.range(1, 10)"), "5");
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("CUSTOM-BOOM"), "{}", stdout(&o));
}

/// Whatever ends the check abnormally (an abort, a signal, the OOM killer), the exit code
/// is 2 and stderr says so.
#[cfg(target_os = "linux")]
#[test]
fn an_abnormal_end_of_the_check_is_exit_2() {
    let dir = tempfile::tempdir().expect("tmp");
    let pol = dir.path().join("pol");
    std::fs::create_dir_all(&pol).expect("mkdir");
    // Busy for a long while (within the policy time limit given below).
    std::fs::write(
        pol.join("slow.rego"),
        boom("[x | some x in numbers.range(1, 50000); some y in numbers.range(1, 50000); x == y]"),
    )
    .expect("write");
    std::fs::write(
        dir.path().join("d.diff"),
        "--- /dev/null\n+++ b/a.txt\n@@ -0,0 +1 @@\n+hello\n",
    )
    .expect("write");
    let child = std::process::Command::new(crate::util::gate_bin())
        .current_dir(dir.path())
        .args([
            "check",
            "--diff",
            "d.diff",
            "--policy",
            "pol",
            "--policy-timeout",
            "120",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // The process doing the work: gate itself, or the worker it supervises.
    let pid = child.id();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let worker = descendants(pid).last().copied().unwrap_or(pid);
    let _ = std::process::Command::new("kill")
        .args(["-ABRT", &worker.to_string()])
        .status();
    let o = child.wait_with_output().expect("wait");
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("gate: error:"), "{}", stderr(&o));
}

#[cfg(target_os = "linux")]
fn descendants(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let mut todo = vec![pid];
    while let Some(p) = todo.pop() {
        let path = format!("/proc/{p}/task/{p}/children");
        let kids: Vec<u32> = std::fs::read_to_string(Path::new(&path))
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|s| s.parse().ok())
            .collect();
        out.extend(&kids);
        todo.extend(kids);
    }
    out
}
