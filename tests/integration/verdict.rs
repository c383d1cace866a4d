//! The verdict as a reviewer meets it: scores, AI provenance in every format, suppressions,
//! and a gate the change under review cannot switch off.

use crate::util::{code, stderr, stdout, Repo};

const KEY: &str = "AKIAZ3MHQX7EW2LKQ4PN";

fn feature_lines(n: usize) -> String {
    (0..n)
        .map(|i| format!("def handler_{i}(x):\n    return x + {i}\n\n"))
        .collect()
}

#[test]
fn feature_with_tests_passes_and_leaked_key_is_critical() {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("src/shop/pricing.py", &feature_lines(100));
    r.write(
        "tests/test_pricing.py",
        "from shop.pricing import handler_1\n\ndef test_one():\n    assert handler_1(1) == 2\n",
    );
    r.commit_all("pricing feature");
    let o = r.gate(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(doc["verdict"]["decision"], "pass", "{doc}");
    assert_eq!(
        doc["change"]["stats"]["additions"], 304,
        "a 300-line feature plus its test"
    );

    r.write("src/shop/settings.py", &format!("KEY = '{KEY}'\n"));
    r.commit_all("settings");
    let o = r.gate(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(code(&o), 1);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(doc["verdict"]["band"], "critical");
    assert!(doc["verdict"]["score"].as_u64().unwrap_or(0) >= 90);
    assert_eq!(doc["verdict"]["contributors"][0]["rule"], "GATE-SEC-001");
}

#[test]
fn untested_source_change_warns() {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("src/shop/pricing.py", &feature_lines(40));
    r.commit_all("pricing feature");
    let o = r.gate(&["check", "--base", "main"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("GATE-CHG-001"), "{}", stdout(&o));
    assert!(stdout(&o).contains("gate: WARN"), "{}", stdout(&o));
}

#[test]
fn ai_coauthored_commit_is_detected_and_shown_in_every_format() {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("src/util.py", "def add(a, b):\n    return a + b\n");
    r.git(&["add", "-A"]);
    r.git(&[
        "commit",
        "-q",
        "-m",
        "Add util\n\nCo-authored-by: Claude <noreply@anthropic.com>",
    ]);
    for (format, needle) in [
        ("text", "AI-authored change"),
        ("json", "\"ai_generated\": true"),
        ("sarif", "\"aiGenerated\": true"),
        ("markdown", "AI-authored change"),
        ("github", "::notice title=AI-authored change::"),
    ] {
        let o = r.gate(&["check", "--base", "main", "--format", format]);
        assert_eq!(code(&o), 0, "{format}: {}", stderr(&o));
        assert!(stdout(&o).contains(needle), "{format}:\n{}", stdout(&o));
        assert!(
            stdout(&o).contains("noreply@anthropic.com"),
            "{format} names the signal:\n{}",
            stdout(&o)
        );
    }
    // A display name alone is not a signal.
    let h = Repo::new();
    h.git(&["checkout", "-q", "-b", "feature"]);
    h.write("a.py", "x = 1\n");
    h.git(&["add", "-A"]);
    h.git(&[
        "commit",
        "-q",
        "-m",
        "x\n\nCo-authored-by: Claude <claude@example.com>",
    ]);
    let o = h.gate(&["check", "--base", "main", "--format", "json"]);
    assert!(
        stdout(&o).contains("\"ai_generated\": false"),
        "{}",
        stdout(&o)
    );
    let o = h.gate(&["check", "--base", "main", "--format", "json", "--ai"]);
    assert!(
        stdout(&o).contains("\"ai_generated\": true"),
        "{}",
        stdout(&o)
    );
}

/// Switching secret detection off in `.gate.yaml` (disabling the AWS and GitHub detectors,
/// allowlisting every value) is tampering and fails, like raising the threshold; it used to
/// only warn.
#[test]
fn disabling_secret_detectors_in_the_change_fails_as_tampering() {
    let r = Repo::new();
    r.write(".gate.yaml", "thresholds: {fail: 70, warn: 40}\n");
    r.commit_all("gate config");
    r.git(&["checkout", "-q", "-b", "sneaky"]);
    r.write(
        ".gate.yaml",
        "thresholds: {fail: 70, warn: 40}\nsecrets:\n  disable: [aws-access-key-id, github-pat-classic]\n  allowlist: ['.*']\n",
    );
    r.commit_all("quiet the scanner");
    let o = r.gate(&["check", "--base", "main"]);
    let out = stdout(&o);
    assert_eq!(code(&o), 1, "{out}");
    for what in [
        "tampering",
        "disables secret detector aws-access-key-id",
        "disables secret detector github-pat-classic",
        "allowlists secret values matching .*",
    ] {
        assert!(out.contains(what), "{what}:\n{out}");
    }
}

#[test]
fn disabling_a_rule_in_the_change_is_tampering_judged_by_the_base_config() {
    let r = Repo::new();
    r.write(".gate.yaml", "thresholds: {fail: 70, warn: 40}\n");
    r.commit_all("gate config");
    r.git(&["checkout", "-q", "-b", "sneaky"]);
    r.write(
        ".gate.yaml",
        "thresholds: {fail: 70, warn: 40}\ndisable: [GATE-SEC-001]\n",
    );
    r.write(
        "deploy/env.sh",
        &format!("export AWS_ACCESS_KEY_ID={KEY}\n"),
    );
    r.commit_all("tweak config");
    let o = r.gate(&["check", "--base", "main"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains("GATE-SEC-001"),
        "the disabled rule still applies:\n{out}"
    );
    assert!(
        out.contains("GATE-GOV-001")
            && out.contains("tampering")
            && out.contains("disables GATE-SEC-001"),
        "{out}"
    );
    assert!(out.contains("base configuration"), "{out}");
    // Locally, the developer may opt into the work tree's configuration: the key is then
    // not reported, but the tampering still is.
    let o = r.gate(&["check", "--base", "main", "--config-from-worktree"]);
    let out = stdout(&o);
    assert!(!out.contains("GATE-SEC-001 "), "{out}");
    assert!(out.contains("GATE-GOV-001"), "{out}");
}

#[test]
fn policies_added_by_the_change_do_not_run_with_base() {
    let r = Repo::new();
    r.write(".gate.yaml", "policies: [policies]\n");
    r.write("policies/.keep.rego", "package gate.custom.keep\n");
    r.commit_all("gate config");
    r.git(&["checkout", "-q", "-b", "sneaky"]);
    // A replacement verdict that always passes, smuggled in by the change.
    r.write("policies/verdict.rego", "package gate.verdict\n\nresult := {\"score\": 0, \"band\": \"low\", \"decision\": \"pass\", \"reasons\": []}\n");
    r.write(
        "deploy/env.sh",
        &format!("export AWS_ACCESS_KEY_ID={KEY}\n"),
    );
    r.commit_all("policy");
    let o = r.gate(&["check", "--base", "main"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("GATE-GOV-001"), "{}", stdout(&o));
}

#[test]
fn inline_suppression_exceptions_and_expiry() {
    let r = Repo::new();
    r.write(
        ".gate-exceptions.yaml",
        "- rule: GATE-SEC-001\n  path: 'legacy/**'\n  reason: rotated key kept for a migration test\n  owner: '@security'\n  expires: 2020-01-31\n- rule: GATE-SEC-001\n  path: 'vendor-docs/**'\n  reason: published sample\n  owner: '@docs'\n  expires: 2999-12-31\n",
    );
    r.commit_all("exceptions");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write(
        "src/a.py",
        &format!("KEY = '{KEY}'  # gate:allow GATE-SEC-001 fake key used by the emulator\n"),
    );
    r.write("vendor-docs/b.md", &format!("Use `{KEY}`.\n"));
    r.commit_all("suppressed");
    let o = r.gate(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let kinds: Vec<String> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "GATE-SEC-001")
        .map(|f| {
            f["suppressed"]["kind"]
                .as_str()
                .unwrap_or("none")
                .to_string()
        })
        .collect();
    assert_eq!(kinds, vec!["inline", "exception"]);
    assert!(
        stdout(&o).contains("GATE-GOV-002"),
        "the expired exception is reported"
    );

    r.write("legacy/c.py", &format!("KEY = '{KEY}'\n"));
    r.commit_all("expired");
    let o = r.gate(&["check", "--base", "main"]);
    assert_eq!(
        code(&o),
        1,
        "an expired exception no longer suppresses:\n{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("legacy/c.py:1"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("expired on 2020-01-31"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn baseline_suppresses_known_findings_only() {
    let r = Repo::new();
    r.write("old.env", &format!("KEY={KEY}\n"));
    r.commit_all("old key");
    let o = r.gate(&["baseline", "--all"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let b =
        std::fs::read_to_string(r.path().join(".gate-baseline.json")).expect("baseline written");
    assert!(!b.contains(KEY), "baseline must not hold the secret");
    r.commit_all("baseline");
    let o = r.gate(&["check", "--all"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("suppressed by baseline"),
        "{}",
        stdout(&o)
    );
    // Moving the key to another line keeps it known; a new key is new.
    r.write("old.env", &format!("\n# moved\nKEY={KEY}\n"));
    r.write(
        "new.env",
        "TOKEN=ghp_R8x2LqT7vN4mZ1kP9sW3dY6hJ0cF5bA2eG8u\n",
    );
    let o = r.gate(&["check", "--all"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains("old.env:3:5") && out.contains("suppressed by baseline"),
        "{out}"
    );
    assert!(out.contains("new.env:1"), "{out}");
}
