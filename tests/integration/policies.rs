//! Policies as users write them: tests, custom rules, overrides, errors and time limits.

use crate::util::{code, stderr, stdout, Repo};

#[test]
fn builtin_policy_tests_pass() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = crate::util::gate(dir.path(), &["policy", "test"], None);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains(" 0 failed"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("FAIL"), "{}", stdout(&o));
}

#[test]
fn user_policy_tests_report_failures() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("big_test.rego"),
        "package gate.custom.big_test\n\ntest_passes if { 1 == 1 }\n\ntest_fails if { 1 == 2 }\n",
    )
    .expect("write");
    let o = crate::util::gate(dir.path(), &["policy", "test", "."], None);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(
        out.contains("PASS gate.custom.big_test.test_passes"),
        "{out}"
    );
    assert!(
        out.contains("FAIL gate.custom.big_test.test_fails"),
        "{out}"
    );
    assert!(out.contains("1 passed, 1 failed"), "{out}");
}

/// `gate policy test` holds every rule to the standard: help with What / Why / Example /
/// How to fix, and a `<rule>_test.rego` beside it that names its id.
#[test]
fn policy_test_fails_a_rule_without_help_sections_or_its_own_test() {
    let dir = tempfile::tempdir().expect("tmp");
    // Rego string escapes: the policy text holds `\n`, the help value real newlines.
    let help = "**What it finds:** print() calls.\\n\\n**Why it matters:** noise.\\n\\n**Example:** `print(x)`.\\n\\n**How to fix:** use the logger.";
    let write = |rel: &str, text: &str| std::fs::write(dir.path().join(rel), text).expect("write");
    write(
        "no_print.rego",
        &format!("package gate.custom.acme\n\nrules[\"ACME-001\"] := {{\"name\": \"No print\", \"summary\": \"s\", \"help\": \"{help}\"}}\n"),
    );
    write(
        "no_print_test.rego",
        "package gate.custom.acme_test\n\n# ACME-001\ntest_ok if { 1 == 1 }\n",
    );
    let o = crate::util::gate(dir.path(), &["policy", "test", "."], None);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    // Without the Example section, and a second rule with no test file beside it.
    write(
        "no_print.rego",
        &format!(
            "package gate.custom.acme\n\nrules[\"ACME-001\"] := {{\"name\": \"No print\", \"summary\": \"s\", \"help\": \"{}\"}}\n",
            help.replace("**Example:** `print(x)`.\\n\\n", "")
        ),
    );
    write(
        "todo.rego",
        &format!("package gate.custom.todo\n\nrules[\"ACME-002\"] := {{\"name\": \"TODO\", \"summary\": \"s\", \"help\": \"{help}\"}}\n"),
    );
    let o = crate::util::gate(dir.path(), &["policy", "test", "."], None);
    let out = stdout(&o);
    assert_eq!(code(&o), 1, "{out}");
    assert!(
        out.contains("RULE ACME-001") && out.contains("help lacks Example"),
        "{out}"
    );
    assert!(
        out.contains("RULE ACME-002") && out.contains("no test file todo_test.rego"),
        "{out}"
    );
    assert!(out.contains("1 passed, 0 failed; 2 rule problems"), "{out}");
}

const DIFF: &str = "diff --git a/src/app.py b/src/app.py\n--- a/src/app.py\n+++ b/src/app.py\n@@ -1 +1,2 @@\n x = 1\n+print('debug')\n";

#[test]
fn custom_policy_findings_are_reported() {
    let r = Repo::new();
    r.write(
        "policies/no_print.rego",
        r#"package gate.custom.acme

rules["ACME-001"] := {"name": "No print", "summary": "print() left in code", "security_severity": 3.0}

warn contains {"rule": "ACME-001", "message": "print() added", "path": f.path, "line": l.line, "risk": 20} if {
	some f in input.change.files
	some h in f.hunks
	some l in h.added
	contains(l.text, "print(")
}
"#,
    );
    r.write("d.diff", DIFF);
    let o = r.gate(&["check", "--diff", "d.diff", "--policy", "policies"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("ACME-001      src/app.py:2"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("gate: WARN"), "{}", stdout(&o));
    // The same directory from the configuration file.
    r.write(".gate.yaml", "policies: [policies]\n");
    let o = r.gate(&["check", "--diff", "d.diff"]);
    assert!(stdout(&o).contains("ACME-001"), "{}", stdout(&o));
}

#[test]
fn policy_syntax_error_is_exit_2_naming_the_file() {
    let r = Repo::new();
    r.write(
        "p/bad.rego",
        "package gate.custom.bad\n\ndeny contains x if {\n",
    );
    r.write("d.diff", DIFF);
    let o = r.gate(&["check", "--diff", "d.diff", "--policy", "p"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("bad.rego"), "{}", stderr(&o));
}

#[test]
fn finding_without_metadata_is_an_error() {
    let r = Repo::new();
    r.write("p/x.rego", "package gate.custom.x\n\ndeny contains {\"rule\": \"X-1\", \"message\": \"m\"} if { true }\n");
    r.write("d.diff", DIFF);
    let o = r.gate(&["check", "--diff", "d.diff", "--policy", "p"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("X-1"), "{}", stderr(&o));
}

#[test]
fn runaway_policy_is_stopped_by_the_time_limit() {
    let r = Repo::new();
    r.write(
        "p/slow.rego",
        "package gate.custom.slow\n\nrules[\"SLOW-1\"] := {\"name\": \"s\", \"summary\": \"s\"}\n\nwarn contains {\"rule\": \"SLOW-1\", \"message\": sprintf(\"%d\", [n])} if {\n\tn := count([x | some x in numbers.range(1, 50000000); x % 7 == 3])\n}\n",
    );
    r.write("d.diff", DIFF);
    let start = std::time::Instant::now();
    let o = r.gate(&[
        "check",
        "--diff",
        "d.diff",
        "--policy",
        "p",
        "--policy-timeout",
        "0.5",
    ]);
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("gate.custom.slow"), "{}", stderr(&o));
    assert!(
        start.elapsed().as_secs() < 30,
        "the time limit did not stop the policy"
    );
}

#[test]
fn a_user_file_replaces_the_builtin_verdict() {
    let r = Repo::new();
    r.write(
        "p/verdict.rego",
        "package gate.verdict\n\nresult := {\"score\": 1, \"band\": \"low\", \"decision\": \"fail\", \"reasons\": [\"strict house rule\"]}\n",
    );
    r.write("d.diff", DIFF);
    let o = r.gate(&["check", "--diff", "d.diff", "--policy", "p"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("strict house rule"), "{}", stdout(&o));
}

#[test]
fn rules_and_explain() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = crate::util::gate(dir.path(), &["rules"], None);
    assert_eq!(code(&o), 0);
    let ids: Vec<String> = stdout(&o)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("rule_ids", ids.join("\n"));
    });
    let o = crate::util::gate(dir.path(), &["explain", "GATE-SEC-001"], None);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("How to fix"), "{}", stdout(&o));
    let o = crate::util::gate(dir.path(), &["explain", "NOPE-1"], None);
    assert_eq!(code(&o), 2);
}

/// A conftest policy (`package main`, `deny[msg]` strings) is refused with how to port it,
/// instead of loading and never running; a helper library outside `gate.*` still loads.
#[test]
fn conftest_policies_are_refused_with_how_to_port_them() {
    let r = crate::util::Repo::new();
    r.write("app.py", "print('hi')\n");
    r.commit_all("app");
    for (name, text) in [
        (
            "v0.rego",
            "package main\n\ndeny[msg] {\n  input.kind == \"Deployment\"\n  msg := \"no\"\n}\n",
        ),
        (
            "v1.rego",
            "# team rules\npackage k8s.rules\n\nimport rego.v1\n\nwarn contains msg if {\n  input.kind == \"Pod\"\n  msg := \"pods\"\n}\n",
        ),
    ] {
        let dir = r.path().join(format!("policy-{name}"));
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join(name), text).expect("write");
        let o = r.gate(&["check", "--all", "--policy", dir.to_str().expect("utf-8")]);
        let err = crate::util::stderr(&o);
        assert_eq!(crate::util::code(&o), 2, "{name}: {err}");
        assert!(err.contains(name) && err.contains("conftest"), "{err}");
        assert!(err.contains("gate.custom.<name>") && err.contains("Porting conftest policies"), "{err}");
    }
    // A library package without deny/warn rules is fine.
    let lib = r.path().join("policy-lib");
    std::fs::create_dir_all(&lib).expect("mkdir");
    std::fs::write(
        lib.join("util.rego"),
        "package acme.util\n\nis_py(p) if endswith(p, \".py\")\n",
    )
    .expect("write");
    let o = r.gate(&["check", "--all", "--policy", lib.to_str().expect("utf-8")]);
    assert!(
        matches!(crate::util::code(&o), 0 | 1),
        "{}",
        crate::util::stderr(&o)
    );
}
