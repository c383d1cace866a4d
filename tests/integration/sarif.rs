//! SARIF from every fixture case that produces it must pass the schema and GitHub's rules.

use crate::util::{code, gate, manifest_dir, stdout, validate_sarif};

#[test]
fn fixture_sarif_is_valid_for_github() {
    let dir = manifest_dir()
        .join("fixtures")
        .join("cases")
        .join("example-and-test-keys");
    let o = gate(
        &dir,
        &["check", "--diff", "input.diff", "--format", "sarif"],
        None,
    );
    assert_eq!(code(&o), 0, "warnings and notes do not fail");
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let levels: Vec<&str> = doc["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["level"].as_str())
        .collect();
    assert!(
        levels.contains(&"warning") && levels.contains(&"note"),
        "{levels:?}"
    );
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    for r in rules {
        let sev = r["properties"]["security-severity"]
            .as_str()
            .expect("string severity");
        let x: f64 = sev.parse().expect("number");
        assert!(x > 0.0 && x <= 10.0);
    }
    validate_sarif(&stdout(&o));
}
