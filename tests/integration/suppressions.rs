//! Suppressions as an author writes them: which lines a `gate:allow` comment covers, the
//! comments that suppress nothing (GATE-GOV-010/011), and rule ids in the settings that no
//! policy declares (an error, exit 2, naming the file and the key).

use crate::util::{code, stderr, stdout, Repo};

const KEY: &str = "AKIAZ3MHQX7EW2LKQ4PN";

/// `(line, suppression kind or "none")` of each GATE-SEC-001 finding in `path`.
fn sec_001(doc: &serde_json::Value, path: &str) -> Vec<(u64, String)> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "GATE-SEC-001" && f["path"] == path)
        .map(|f| {
            (
                f["line"].as_u64().unwrap_or(0),
                f["suppressed"]["kind"]
                    .as_str()
                    .unwrap_or("none")
                    .to_string(),
            )
        })
        .collect()
}

fn rules_of(doc: &serde_json::Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn an_allow_covers_its_line_or_the_next_when_alone_above_it() {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write(
        "src/keys.py",
        &format!(
            "A = '{KEY}'  # gate:allow GATE-SEC-001 emulator key\n\
             B = '{KEY}'\n\
             # gate:allow GATE-SEC-001 emulator key, next line\n\
             C = '{KEY}'\n\
             D = '{KEY}'\n"
        ),
    );
    r.commit_all("keys");
    let o = r.gate(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(code(&o), 1, "B and D are not suppressed: {}", stdout(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        sec_001(&doc, "src/keys.py"),
        vec![
            (1, "inline".to_string()),
            (2, "none".to_string()),
            (4, "inline".to_string()),
            (5, "none".to_string()),
        ],
        "a trailing allow covers its own line only; one alone on its line covers the next"
    );
    assert!(!rules_of(&doc).iter().any(|r| r.starts_with("GATE-GOV-01")));
    // The policies see the comments; `gate facts` loads no policy, so `known` is null there.
    let o = r.gate(&["facts", "--base", "main"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let facts: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let comments = facts["allow_comments"].as_array().expect("allow_comments");
    assert_eq!(comments.len(), 2, "{comments:?}");
    assert_eq!(
        (comments[0]["line"].as_u64(), &comments[0]["next_line"]),
        (Some(1), &serde_json::json!(false))
    );
    assert_eq!(
        (comments[1]["line"].as_u64(), &comments[1]["next_line"]),
        (Some(3), &serde_json::json!(true))
    );
    assert_eq!(comments[1]["reason"], "emulator key, next line");
    assert_eq!(comments[1]["known"], serde_json::Value::Null);
}

#[test]
fn allows_that_suppress_nothing_are_findings() {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write(
        "src/keys.py",
        &format!(
            "A = '{KEY}'  # gate:allow GATE-SEC-001\n\
             B = '{KEY}'  # gate:allow GATE-SEC-01 emulator key\n\
             C = '{KEY}'  # gate:allow\n"
        ),
    );
    r.commit_all("keys");
    let o = r.gate(&["check", "--base", "main", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        sec_001(&doc, "src/keys.py")
            .iter()
            .filter(|(_, k)| k == "none")
            .count(),
        3,
        "none of the three comments suppresses"
    );
    let messages: Vec<(String, u64, String)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| {
            f["rule"]
                .as_str()
                .is_some_and(|r| r.starts_with("GATE-GOV-01"))
        })
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(messages.len(), 3, "{messages:#?}");
    assert_eq!((messages[0].0.as_str(), messages[0].1), ("GATE-GOV-010", 1));
    assert!(messages[0].2.contains("gives no reason"), "{messages:#?}");
    assert_eq!((messages[1].0.as_str(), messages[1].1), ("GATE-GOV-011", 2));
    assert!(
        messages[1].2.contains("did you mean GATE-SEC-001?"),
        "{messages:#?}"
    );
    assert_eq!((messages[2].0.as_str(), messages[2].1), ("GATE-GOV-011", 3));
    assert!(messages[2].2.contains("names no rule"), "{messages:#?}");
}

#[test]
fn unknown_rule_ids_in_the_settings_are_configuration_errors() {
    let r = Repo::new();
    r.write(
        ".gate.yaml",
        "disable:\n  - GATE-CHG-001\n  - GATE-CHG-02\n",
    );
    r.commit_all("config");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("src/a.py", "def f():\n    return 1\n");
    r.commit_all("code");
    let o = r.gate(&["check", "--base", "main"]);
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(":.gate.yaml: disable[1]: no loaded policy declares rule \"GATE-CHG-02\" (did you mean GATE-CHG-002?)"),
        "names the base revision's file, the key and the nearest id: {err}"
    );
    assert!(!err.contains("disable[0]"), "{err}");

    let r = Repo::new();
    r.write(
        ".gate-exceptions.yaml",
        "- rule: gate-sec-001\n  reason: sample\n  owner: '@sec'\n  expires: 2999-12-31\n",
    );
    r.commit_all("exceptions");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("src/a.py", "def f():\n    return 1\n");
    r.commit_all("code");
    let o = r.gate(&["check", "--base", "main"]);
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains(".gate-exceptions.yaml: exception 1 rule: no loaded policy declares rule \"gate-sec-001\" (did you mean GATE-SEC-001?)"),
        "{}",
        stderr(&o)
    );

    // A custom policy's rule is known once its directory is configured.
    let r = Repo::new();
    r.write(".gate.yaml", "policies: [policies]\ndisable: [ACME-001]\n");
    r.write(
        "policies/acme.rego",
        "package gate.custom.acme\n\nrules[\"ACME-001\"] := {\"name\": \"n\", \"summary\": \"s\"}\n\ndeny contains {\"rule\": \"ACME-001\", \"message\": \"m\"} if { false }\n",
    );
    r.commit_all("custom policy");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("src/a.py", "def f():\n    return 1\n");
    r.commit_all("code");
    let o = r.gate(&["check", "--base", "main"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}
