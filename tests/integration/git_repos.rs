//! End-to-end checks in scratch git repositories: the input modes, exit codes, and the
//! promise that no secret value reaches any output.

use crate::util::{code, stderr, stdout, validate_sarif, Repo};

const KEY_ID: &str = "AKIAZ3MHQX7EW2LKQ4PN";
const SECRET: &str = "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";

fn repo_with_leak() -> Repo {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write(
        "app/settings.py",
        &format!(
            "import os\n\nAWS_ACCESS_KEY_ID = \"{KEY_ID}\"\naws_secret_access_key = \"{SECRET}\"\n"
        ),
    );
    r.commit_all("add settings");
    r
}

#[test]
fn leaked_key_pair_fails_with_located_sarif_and_no_secret_anywhere() {
    let r = repo_with_leak();
    let o = r.gate(&["check", "--base", "main", "--format", "sarif"]);
    assert_eq!(code(&o), 1, "stderr: {}", stderr(&o));
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).expect("SARIF is JSON");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let lines: Vec<(String, u64)> = results
        .iter()
        .map(|x| {
            let pl = &x["locations"][0]["physicalLocation"];
            (
                pl["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                pl["region"]["startLine"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert!(
        lines.contains(&("app/settings.py".to_string(), 3)),
        "{lines:?}"
    );
    assert!(
        lines.contains(&("app/settings.py".to_string(), 4)),
        "{lines:?}"
    );
    assert_eq!(sarif["runs"][0]["properties"]["decision"], "fail");
    validate_sarif(&stdout(&o));

    for format in ["text", "json", "sarif", "markdown", "github"] {
        let o = r.gate(&["check", "--base", "main", "--format", format]);
        assert_eq!(code(&o), 1, "{format}");
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert!(!all.contains(KEY_ID), "{format} output shows the key id");
        assert!(!all.contains(SECRET), "{format} output shows the secret");
        assert!(
            !all.contains(&SECRET[4..36]),
            "{format} output shows most of the secret"
        );
    }
    let o = r.gate(&["facts", "--base", "main"]);
    assert_eq!(code(&o), 0);
    let facts = stdout(&o);
    assert!(
        !facts.contains(KEY_ID) && !facts.contains(SECRET),
        "facts show the secret"
    );
    assert!(
        facts.contains("\"rule\": \"aws-secret-access-key\""),
        "{facts}"
    );
}

#[test]
fn clean_commit_passes() {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("src/lib.py", "def add(a, b):\n    return a + b\n");
    r.commit_all("add lib");
    let o = r.gate(&["check", "--base", "main"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("gate: PASS"), "{}", stdout(&o));
    let o = r.gate(&["check", "--base", "main", "--format", "sarif"]);
    assert_eq!(code(&o), 0);
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
    validate_sarif(&stdout(&o));
}

#[test]
fn unknown_base_is_an_error_naming_it() {
    let r = Repo::new();
    let o = r.gate(&["check", "--base", "no-such-branch"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no-such-branch"), "{}", stderr(&o));
    let o = r.gate(&["check", "--base", "main", "--head", "--upload-pack=evil"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn outside_a_repository_base_and_staged_are_errors() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = crate::util::gate(dir.path(), &["check", "--staged"], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("git repository"), "{}", stderr(&o));
}

#[test]
fn staged_changes_are_checked() {
    let r = Repo::new();
    r.write("deploy.sh", &format!("export AWS_ACCESS_KEY_ID={KEY_ID}\n"));
    r.git(&["add", "deploy.sh"]);
    let o = r.gate(&["check", "--staged"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("deploy.sh:1:"), "{}", stdout(&o));
    // Unstaged edits are not part of a --staged check.
    r.git(&["commit", "-qm", "x"]);
    r.write("other.sh", &format!("export AWS_ACCESS_KEY_ID={KEY_ID}\n"));
    let o = r.gate(&["check", "--staged"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("nothing to check"), "{}", stdout(&o));
}

#[test]
fn staged_in_a_repository_without_commits() {
    let dir = tempfile::tempdir().expect("tmp");
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .current_dir(dir.path())
            .args(args)
            .output()
            .expect("git")
    };
    git(&["init", "-q"]);
    std::fs::write(dir.path().join("a.env"), format!("KEY={KEY_ID}\n")).expect("write");
    git(&["add", "a.env"]);
    let o = crate::util::gate(dir.path(), &["check", "--staged"], None);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn all_mode_scans_the_tree_and_honours_gitignore() {
    let r = Repo::new();
    r.write(".gitignore", "build/\n");
    r.write("build/out.env", &format!("KEY={KEY_ID}\n"));
    r.write("src/ok.py", "x = 1\n");
    r.commit_all("tree");
    let o = r.gate(&["check", "--all"]);
    assert_eq!(
        code(&o),
        0,
        "ignored file must not be scanned: {}",
        stdout(&o)
    );
    r.write(".env", &format!("\n\nKEY={KEY_ID}\n"));
    let o = r.gate(&["check", "--all", "."]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains(".env:3:5"), "{}", stdout(&o));
}

#[test]
fn config_unknown_key_is_an_error_naming_it() {
    let r = Repo::new();
    r.write(".gate.yaml", "thresholds:\n  fail: 80\nignroe: [docs/]\n");
    r.commit_all("config");
    let o = r.gate(&["check", "--all"]);
    assert_eq!(code(&o), 2);
    let e = stderr(&o);
    assert!(e.contains("ignroe") && e.contains(".gate.yaml"), "{e}");
}

#[test]
fn config_ignore_and_disable() {
    let r = repo_with_leak();
    std::fs::write(r.path().join("cfg.yaml"), "ignore: ['app/**']\n").expect("write");
    let o = r.gate(&["check", "--base", "main", "--config", "cfg.yaml"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    std::fs::write(r.path().join("cfg.yaml"), "disable: [GATE-SEC-001]\n").expect("write");
    let o = r.gate(&["check", "--base", "main", "--config", "cfg.yaml"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn output_is_identical_for_any_thread_count() {
    let r = repo_with_leak();
    r.write("b/x.py", &format!("k = '{KEY_ID}'\n"));
    r.write(
        "c/y.env",
        "GITHUB_TOKEN=ghp_R8x2LqT7vN4mZ1kP9sW3dY6hJ0cF5bA2eG8u\n",
    );
    r.commit_all("more");
    for format in ["sarif", "json"] {
        let outs: Vec<Vec<u8>> = ["1", "2", "8"]
            .iter()
            .map(|j| {
                r.gate(&["check", "--base", "main", "-j", j, "--format", format])
                    .stdout
            })
            .collect();
        assert!(!outs[0].is_empty());
        assert_eq!(outs[0], outs[1], "{format}: 1 vs 2 threads");
        assert_eq!(outs[0], outs[2], "{format}: 1 vs 8 threads");
    }
}

#[test]
fn extra_reports_are_written_beside_the_main_output() {
    let r = repo_with_leak();
    let o = r.gate(&[
        "check",
        "--base",
        "main",
        "--report",
        "sarif=out/gate.sarif",
        "--report",
        "markdown=summary.md",
    ]);
    // The directory does not exist: that is an error, not a silent skip.
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let o = r.gate(&[
        "check",
        "--base",
        "main",
        "--report",
        "sarif=gate.sarif",
        "--report",
        "markdown=summary.md",
    ]);
    assert_eq!(code(&o), 1);
    let md = std::fs::read_to_string(r.path().join("summary.md")).expect("markdown written");
    assert!(md.contains("GATE-SEC-001"), "{md}");
    let sarif = std::fs::read_to_string(r.path().join("gate.sarif")).expect("sarif written");
    assert!(!sarif.contains(SECRET));
}

#[test]
fn user_secret_rules_allowlist_and_disabled_detectors() {
    let r = Repo::new();
    r.write(
        ".gate.yaml",
        "secrets:\n  rules:\n    - id: acme-internal-token\n      name: ACME internal token\n      provider: acme\n      severity: critical\n      keywords: [acme_]\n      regex: '\\b(acme_[a-z0-9]{32})\\b'\n      entropy: 3.0\n      tp: ['x = acme_0123456789abcdefghij0123456789ab']\n  allowlist: ['^AKIAZ3MHQX7EW2LKQ4PN$']\n  disable: [generic-credential-assignment]\n",
    );
    r.commit_all("config");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("svc.py", &format!("T = 'acme_k3j9x0q8w7e6r5t4y3u2i1o0p9a8s7d6'\nK = '{KEY_ID}'\npassword = 'Zq8#kL2vN9xR4tY7'\n"));
    r.commit_all("tokens");
    let o = r.gate(&["check", "--base", "main", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let rules: Vec<(String, u64)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert!(
        rules.contains(&("GATE-SEC-001".to_string(), 1)),
        "custom detector: {rules:?}"
    );
    assert!(
        rules.contains(&("GATE-SEC-004".to_string(), 2)),
        "allowlisted value is an example: {rules:?}"
    );
    assert!(
        !rules.iter().any(|(_, l)| *l == 3),
        "disabled generic detector: {rules:?}"
    );
    assert!(!stdout(&o).contains("acme_k3j9x0q8w7e6r5t4y3u2i1o0p9a8s7d6"));
    r.write(".gate.yaml", "secrets:\n  disable: [no-such-detector]\n");
    let o = r.gate(&["check", "--base", "main", "--config-from-worktree"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no-such-detector"), "{}", stderr(&o));
}

/// `gate check --all --format sarif src/`: the path may come last, as ripgrep and gitleaks
/// users type it; two different paths are a usage error.
#[test]
fn all_takes_a_trailing_path() {
    let r = Repo::new();
    r.write("src/app.env", "KEY=AKIAZ3MHQX7EW2LKQ4PN\n");
    r.write("docs/readme.md", "# docs\n");
    r.commit_all("files");
    let o = r.gate(&["check", "--all", "--format", "json", "src"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stdout(&o).contains("src/app.env"), "{}", stdout(&o));
    let o = r.gate(&["check", "--all", "--format", "json", "docs"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = r.gate(&["check", "--all", "src", "--format", "json", "docs"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("give one path"), "{}", stderr(&o));
    // A trailing path without --all is still a usage error.
    let o = r.gate(&["check", "--staged", "src"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}

/// A key one commit of the branch adds and a later one removes is not in the range's diff,
/// but every clone of the branch holds it: the check fails, names the commit, and shows
/// no value. A key the base already held, brought back by a revert, is no new leak.
#[test]
fn a_key_added_then_removed_inside_the_branch_fails_naming_its_commit() {
    let r = Repo::new();
    r.write("app/old.py", &format!("AWS_ACCESS_KEY_ID = \"{KEY_ID}\"\n"));
    r.commit_all("an old key, already on main");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write(
        "app/settings.py",
        &format!("import os\n\naws_secret_access_key = \"{SECRET}\"\n"),
    );
    r.commit_all("add settings");
    let added = r.git(&["rev-parse", "HEAD"]).trim().to_string();
    r.write(
        "app/settings.py",
        "import os\n\naws_secret_access_key = os.environ[\"AWS_SECRET_ACCESS_KEY\"]\n",
    );
    r.git(&["rm", "-q", "app/old.py"]);
    r.commit_all("read the key from the environment; drop the old module");
    r.git(&["revert", "--no-edit", "HEAD"]);
    r.write(
        "app/settings.py",
        "import os\n\naws_secret_access_key = os.environ[\"AWS_SECRET_ACCESS_KEY\"]\n",
    );
    r.commit_all("keep reading the key from the environment");

    // The range's diff alone shows nothing.
    let diff = r.git(&["diff", "main", "HEAD"]);
    assert!(
        !diff.contains(SECRET),
        "the fixture must hide the key from the diff"
    );

    let o = r.gate(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        !out.contains(SECRET) && !out.contains(KEY_ID),
        "the output shows a key"
    );
    let doc: serde_json::Value = serde_json::from_str(&out).expect("json");
    let findings = doc["findings"].as_array().expect("findings");
    let sec: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| {
            f["rule"]
                .as_str()
                .is_some_and(|r| r.starts_with("GATE-SEC"))
        })
        .collect();
    assert_eq!(sec.len(), 1, "one finding, for the removed key: {sec:?}");
    let msg = sec[0]["message"].as_str().unwrap_or("");
    assert!(
        msg.contains(&added[..12]),
        "names the commit that added it: {msg}"
    );
    assert_eq!(sec[0]["path"], "app/settings.py");
    assert_eq!(sec[0]["line"], 3);

    // Without the commit that added it, nothing is left.
    let o = r.gate(&["check", "--base", &added]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}
