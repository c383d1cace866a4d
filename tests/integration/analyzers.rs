//! Running some analyzers only (`--only`, `--skip`, `analyzers:`): what did not run is in the
//! facts, in one GATE-COV-006 note in every format and in the reports' "checked" line, and the
//! skipped analyzers' rules report nothing (not "no telemetry" because telemetry did not look).

use std::path::Path;

use crate::util::{code, manifest_dir, stderr, stdout, Repo};

const KEY: &str = "AKIAZ3MHQX7EW2LKQ4PN";

/// A pull request that every analyzer has something to say about: a leaked key, a new
/// service without request telemetry and its new dependency, and Terraform without a plan.
fn pull_request() -> Repo {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    let service = manifest_dir().join("fixtures/telemetry/services/express_plain");
    for name in ["orders.js", "package.json", "server.js"] {
        let text = std::fs::read_to_string(service.join(name)).expect("fixture");
        r.write(Path::new("shop").join(name).to_str().expect("utf-8"), &text);
    }
    r.write(
        "shop/config.js",
        &format!("module.exports = {{ key: \"{KEY}\" }};\n"),
    );
    r.write(
        "infra/main.tf",
        "terraform {\n  backend \"s3\" {}\n}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"shop-assets\"\n}\n",
    );
    r.commit_all("shop service");
    r
}

/// The facts of the same change (`gate facts`).
fn facts(r: &Repo, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["facts", "--base", "main"];
    a.extend(args);
    let o = r.gate(&a);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("facts are JSON")
}

/// The JSON report of a check: its exit code, its findings' rules (sorted, unique) and the
/// whole document.
fn check(r: &Repo, args: &[&str]) -> (i32, Vec<String>, serde_json::Value) {
    let mut a = vec!["check", "--base", "main", "--format", "json"];
    a.extend(args);
    let o = r.gate(&a);
    assert!(code(&o) < 2, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json report");
    let mut rules: Vec<String> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str().map(str::to_string))
        .collect();
    rules.sort();
    rules.dedup();
    (code(&o), rules, v)
}

fn has_prefix(rules: &[String], prefix: &str) -> bool {
    rules.iter().any(|r| r.starts_with(prefix))
}

#[test]
fn only_secrets_runs_the_secret_scan_and_says_what_did_not_run() {
    let r = pull_request();
    let (_, all, _) = check(&r, &[]);
    let v = facts(&r, &[]);
    for prefix in ["GATE-SEC-001", "GATE-TEL-", "GATE-DEP-", "GATE-CHG-002"] {
        assert!(has_prefix(&all, prefix), "{prefix} missing: {all:?}");
    }
    assert!(!has_prefix(&all, "GATE-COV-006"), "{all:?}");
    assert_eq!(v["coverage"]["analyzers"]["not_run"], serde_json::json!([]));

    let (rc, only, report) = check(&r, &["--only", "secrets"]);
    let v = facts(&r, &["--only", "secrets"]);
    assert_eq!(rc, 1, "the leaked key still fails");
    assert!(has_prefix(&only, "GATE-SEC-001"), "{only:?}");
    for prefix in [
        "GATE-TEL-",
        "GATE-DEP-",
        "GATE-CHG-002",
        "GATE-INF-",
        "GATE-PRD-",
    ] {
        assert!(!has_prefix(&only, prefix), "{prefix} reported: {only:?}");
    }
    let cov = &v["coverage"]["analyzers"];
    assert_eq!(cov["run"], serde_json::json!(["secrets"]), "{cov}");
    let not_run: Vec<&str> = cov["not_run"]
        .as_array()
        .expect("not_run")
        .iter()
        .map(|n| n["analyzer"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        not_run,
        [
            "dependencies",
            "telemetry",
            "infra",
            "production",
            "provenance",
            "smells",
            "ci"
        ]
    );
    assert!(cov["not_run"]
        .as_array()
        .expect("not_run")
        .iter()
        .all(|n| n["reason"] == "--only secrets"));
    // The skipped analyzers' facts are empty, not guessed.
    assert_eq!(v["telemetry"], serde_json::json!([]));
    assert_eq!(v["dependencies"], serde_json::json!([]));
    let note: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "GATE-COV-006")
        .collect();
    assert_eq!(note.len(), 1, "{note:?}");
    assert_eq!(note[0]["level"], "note");
    assert_eq!(
        note[0]["message"],
        "7 analyzers did not run: dependencies, telemetry, infra, production, provenance, smells, ci (--only secrets); their rules were not evaluated, and a clean result does not vouch for what they check"
    );

    // Every format says so: the note, and the "checked" line of text and Markdown.
    for format in [
        "text",
        "markdown",
        "sarif",
        "github",
        "junit",
        "codequality",
    ] {
        let o = r.gate(&[
            "check", "--base", "main", "--only", "secrets", "--format", format,
        ]);
        assert_eq!(code(&o), 1, "{format}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.contains("GATE-COV-006"), "{format}: {out}");
        assert!(!out.contains(KEY), "{format} prints the key");
    }
    let o = r.gate(&["check", "--base", "main", "--only", "secrets"]);
    assert!(
        stdout(&o).contains(
            "[not run: dependencies, telemetry, infra, production, provenance, smells, ci (--only secrets)]"
        ),
        "{}",
        stdout(&o)
    );
}

#[test]
fn skip_and_configuration_leave_out_analyzers_and_name_the_reason() {
    let r = pull_request();
    let (_, rules, _) = check(&r, &["--skip", "telemetry"]);
    let v = facts(&r, &["--skip", "telemetry"]);
    assert!(!has_prefix(&rules, "GATE-TEL-"), "{rules:?}");
    assert!(has_prefix(&rules, "GATE-DEP-"), "{rules:?}");
    assert!(has_prefix(&rules, "GATE-COV-006"), "{rules:?}");
    assert_eq!(
        v["coverage"]["analyzers"]["not_run"],
        serde_json::json!([
            {"analyzer": "telemetry", "reason": "--skip telemetry"},
            {"analyzer": "production", "reason": "needs telemetry"},
        ])
    );
    // `gate facts` takes the same selection.
    let o = r.gate(&["facts", "--base", "main", "--only", "secrets,dependencies"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let f: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("facts");
    assert_eq!(
        f["coverage"]["analyzers"]["run"],
        serde_json::json!(["secrets", "dependencies"])
    );

    // `analyzers:` in the configuration, with the reason it gives.
    r.write(".gate.yaml", "analyzers: {skip: [dependencies, infra]}\n");
    let (_, rules, _) = check(&r, &["--config-from-worktree"]);
    let v = facts(&r, &["--config-from-worktree"]);
    assert!(!has_prefix(&rules, "GATE-DEP-"), "{rules:?}");
    assert!(!has_prefix(&rules, "GATE-CHG-002"), "{rules:?}");
    assert!(has_prefix(&rules, "GATE-TEL-"), "{rules:?}");
    assert_eq!(
        v["coverage"]["analyzers"]["not_run"],
        serde_json::json!([
            {"analyzer": "dependencies", "reason": "analyzers.skip in the configuration"},
            {"analyzer": "infra", "reason": "analyzers.skip in the configuration"},
        ])
    );
}

#[test]
fn secrets_cannot_be_skipped_and_a_plan_needs_infra() {
    let r = pull_request();
    let o = r.gate(&["check", "--base", "main", "--skip", "secrets"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("secrets cannot be skipped (--skip)"),
        "{}",
        stderr(&o)
    );
    r.write(".gate.yaml", "analyzers: {skip: [secrets]}\n");
    let o = r.gate(&["check", "--base", "main", "--config-from-worktree"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("secrets cannot be skipped (analyzers.skip in the configuration)"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_file(r.path().join(".gate.yaml")).expect("remove");
    let plan = manifest_dir().join("fixtures/plans");
    let plan = std::fs::read_dir(&plan)
        .expect("plans")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .expect("a plan fixture");
    let o = r.gate(&[
        "check",
        "--base",
        "main",
        "--only",
        "secrets",
        "--plan",
        plan.to_str().expect("utf-8"),
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o)
            .contains("--plan was given, but the infra analyzer does not run (--only secrets)"),
        "{}",
        stderr(&o)
    );
}

/// A secrets-only pre-commit hook: `args: [--only, secrets]` in the pre-commit configuration.
#[test]
fn a_pre_commit_hook_can_run_the_secret_scan_only() {
    let r = Repo::new();
    r.write("app/settings.py", &format!("KEY = \"{KEY}\"\n"));
    r.write(
        "app/package.json",
        "{\"dependencies\": {\"left-pad\": \"1.3.0\"}}\n",
    );
    r.git(&["add", "-A"]);
    let o = r.gate(&[
        "hook",
        "pre-commit",
        "--only",
        "secrets",
        "app/settings.py",
        "app/package.json",
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("gate: pre-commit hook: gate check --staged --only secrets"),
        "{}",
        stderr(&o)
    );
    let out = stdout(&o);
    assert!(
        out.contains("GATE-SEC-001") && out.contains("GATE-COV-006"),
        "{out}"
    );
    assert!(!out.contains("GATE-DEP-"), "{out}");
}
