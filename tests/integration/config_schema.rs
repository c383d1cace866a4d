//! The JSON Schema of .gate.yaml (`gate config schema`): the published copy is what the
//! command prints, and a real validator (check-jsonschema, as editors and pre-commit use it)
//! agrees with gate about which files are valid.

use std::path::Path;
use std::process::Command;

use crate::util::{code, gate, in_ci, manifest_dir, stdout, Repo};

const SCHEMA: &str = "docs/gate.schema.json";

#[test]
fn the_published_schema_is_what_gate_config_schema_prints() {
    let root = manifest_dir();
    let o = gate(&root, &["config", "schema"], None);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let published = std::fs::read_to_string(root.join(SCHEMA)).expect("docs/gate.schema.json");
    assert!(
        stdout(&o) == published,
        "{SCHEMA} is stale: run `cargo run -- config schema -o {SCHEMA}` and commit it"
    );
    let doc: serde_json::Value = serde_json::from_str(&published).expect("JSON");
    let id = doc["$id"].as_str().expect("$id");
    assert!(
        id.ends_with(&format!("/v{}/{SCHEMA}", env!("CARGO_PKG_VERSION"))),
        "{id}"
    );
    // `gate init` names the same URL for the YAML language server.
    let repo = Repo::new();
    let o = repo.gate(&["init"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let written = std::fs::read_to_string(repo.path().join(".gate.yaml")).expect(".gate.yaml");
    assert_eq!(
        written.lines().next(),
        Some(format!("# yaml-language-server: $schema={id}").as_str())
    );
}

/// check-jsonschema's verdict on `file` against the published schema; None when it is not
/// installed outside CI.
fn check_jsonschema(file: &Path) -> Option<(bool, String)> {
    let schema = manifest_dir().join(SCHEMA);
    let o = match Command::new("check-jsonschema")
        .arg("--schemafile")
        .arg(&schema)
        .arg(file)
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            assert!(
                !in_ci(),
                "CI must have check-jsonschema (.ci/run installs it): {e}"
            );
            eprintln!("skipped: check-jsonschema is not installed (pip install check-jsonschema)");
            return None;
        }
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    Some((o.status.success(), text))
}

#[test]
fn the_schema_and_gate_agree_on_valid_and_invalid_configurations() {
    let repo = Repo::new();
    let o = repo.gate(&["init"]);
    assert_eq!(code(&o), 0);
    let init = repo.path().join(".gate.yaml");
    let own = manifest_dir().join(".gate.yaml");
    let full = repo.path().join("full.gate.yaml");
    std::fs::write(
        &full,
        "thresholds: {fail: 80, warn: 30, fail_on_score: true}\n\
         critical: [src/payments/**]\n\
         disable: [GATE-TEL-001]\n\
         data: {team: payments, owners: [a, b]}\n\
         infra:\n  mass_delete: 5\n  taxonomy:\n    - {category: datastore, criticality: critical, stateful: true, types: [aws_dynamodb_table]}\n\
         dependencies:\n  advisories: [osv/PyPI.zip]\n  block_severities: [critical]\n  popular: {pypi: [internal-lib]}\n\
         secrets:\n  allowlist: ['^EXAMPLE']\n  rules:\n    - {id: acme-token, name: Acme token, provider: acme, keywords: [acme_], regex: 'acme_[a-z0-9]{32}', severity: high}\n\
         telemetry:\n  budget_mb: 4\n\
         ai:\n  strict: false\n  agents:\n    - {agent: my-bot, email: bot@example.com}\n",
    )
    .expect("write full.gate.yaml");
    let bad = [
        (
            "unknown-key.gate.yaml",
            "thresholds: {fail: 80, wran: 30}\n",
        ),
        ("wrong-type.gate.yaml", "thresholds: {fail: high}\n"),
        ("not-a-list.gate.yaml", "ignore: vendor/**\n"),
        (
            "unknown-section.gate.yaml",
            "secret: {disable: [aws-access-key-id]}\n",
        ),
        (
            "missing-field.gate.yaml",
            "infra:\n  taxonomy:\n    - {category: network}\n",
        ),
    ];
    for (name, text) in bad {
        std::fs::write(repo.path().join(name), text).expect("write a config");
    }
    for good in [&init, &own, &full] {
        let o = gate(
            repo.path(),
            &["rules", "--config", good.to_str().expect("a UTF-8 path")],
            None,
        );
        assert_eq!(
            code(&o),
            0,
            "gate refuses {}: {}",
            good.display(),
            String::from_utf8_lossy(&o.stderr)
        );
        if let Some((ok, text)) = check_jsonschema(good) {
            assert!(ok, "the schema refuses {}: {text}", good.display());
        }
    }
    for (name, _) in bad {
        let file = repo.path().join(name);
        let o = gate(
            repo.path(),
            &["rules", "--config", file.to_str().expect("a UTF-8 path")],
            None,
        );
        assert_eq!(code(&o), 2, "gate accepts {name}");
        if let Some((ok, text)) = check_jsonschema(&file) {
            assert!(!ok, "the schema accepts {name}: {text}");
        }
    }
}
