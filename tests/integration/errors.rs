//! Inputs that cannot be read: every one is named (with its place), the rest is still
//! analyzed, the requested reports are written with the errors in them, the decision is
//! `error` and the exit code 2.

use crate::util::{code, gate, manifest_dir, stderr, stdout, validate_sarif};

const TWO_BROKEN_MANIFESTS: &str = "\
diff --git a/a/package.json b/a/package.json
new file mode 100644
--- /dev/null
+++ b/a/package.json
@@ -0,0 +1,3 @@
+{
+  \"dependencies\": { \"left-pad\": \"1.3.0\", }
+}
diff --git a/b/Cargo.toml b/b/Cargo.toml
new file mode 100644
--- /dev/null
+++ b/b/Cargo.toml
@@ -0,0 +1,2 @@
+[dependencies
+serde = \"1\"
diff --git a/c/requirements.txt b/c/requirements.txt
new file mode 100644
--- /dev/null
+++ b/c/requirements.txt
@@ -0,0 +1 @@
+requests==2.32.3
";

#[test]
fn two_broken_manifests_are_both_named_and_the_reports_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("change.diff"), TWO_BROKEN_MANIFESTS).expect("write");
    let o = gate(
        dir.path(),
        &[
            "check",
            "--diff",
            "change.diff",
            "--format",
            "json",
            "--report",
            "sarif=out.sarif",
            "--report",
            "markdown=out.md",
            "--report",
            "outputs=out.txt",
        ],
        None,
    );
    let err = stderr(&o);
    assert_eq!(code(&o), 2, "{err}");
    assert!(
        err.contains("gate: error: a/package.json:2: cannot parse"),
        "{err}"
    );
    assert!(
        err.contains("gate: error: b/Cargo.toml:1: cannot parse"),
        "{err}"
    );

    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json report");
    assert_eq!(json["verdict"]["decision"], "error");
    let named: Vec<&str> = json["errors"]
        .as_array()
        .expect("errors listed")
        .iter()
        .map(|e| e["path"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(named, ["a/package.json", "b/Cargo.toml"]);
    // The readable manifest is still judged.
    assert!(
        json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["path"] == "c/requirements.txt"),
        "{json:#}"
    );

    let sarif_text = std::fs::read_to_string(dir.path().join("out.sarif")).expect("sarif");
    let sarif: serde_json::Value = serde_json::from_str(&sarif_text).expect("sarif json");
    let inv = &sarif["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let uris: Vec<&str> = inv["toolExecutionNotifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .map(|n| {
            n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap_or("")
        })
        .collect();
    assert_eq!(uris, ["a/package.json", "b/Cargo.toml"]);
    assert_eq!(sarif["runs"][0]["properties"]["decision"], "error");
    validate_sarif(&sarif_text);

    let md = std::fs::read_to_string(dir.path().join("out.md")).expect("markdown");
    assert!(md.contains("gate: ERROR"), "{md}");
    assert!(
        md.contains("`a/package.json:2`") && md.contains("`b/Cargo.toml:1`"),
        "{md}"
    );
    let outputs = std::fs::read_to_string(dir.path().join("out.txt")).expect("outputs");
    assert!(outputs.contains("decision=error\n") && outputs.contains("unreadable=2\n"));

    for format in ["text", "github", "junit", "codequality"] {
        let o = gate(
            dir.path(),
            &["check", "--diff", "change.diff", "--format", format],
            None,
        );
        assert_eq!(code(&o), 2);
        let out = stdout(&o);
        assert!(
            out.contains("a/package.json") && out.contains("b/Cargo.toml"),
            "{format}: {out}"
        );
        match format {
            "junit" => assert!(
                out.contains("errors=\"2\"") && out.contains("<error message="),
                "{out}"
            ),
            "codequality" => {
                let issues: serde_json::Value = serde_json::from_str(&out).expect("json");
                let unreadable = issues
                    .as_array()
                    .expect("issues")
                    .iter()
                    .filter(|i| {
                        i["check_name"] == "gate-unreadable-input" && i["severity"] == "blocker"
                    })
                    .count();
                assert_eq!(unreadable, 2, "{out}");
            }
            _ => {}
        }
    }

    // `gate facts` prints the facts of what it could read, and names the rest.
    let o = gate(dir.path(), &["facts", "--diff", "change.diff"], None);
    assert_eq!(code(&o), 2);
    let facts: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("facts json");
    assert!(facts["dependencies"]
        .as_array()
        .expect("dependencies")
        .iter()
        .any(|d| d["name"] == "requests"));
    let err = stderr(&o);
    assert!(
        err.contains("a/package.json:2") && err.contains("b/Cargo.toml:1"),
        "{err}"
    );
}

#[test]
fn a_broken_plan_beside_a_good_one_is_named_and_the_good_one_judged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = manifest_dir()
        .join("fixtures")
        .join("plans")
        .join("tf_delete_db_open_ssh.json");
    std::fs::copy(&good, dir.path().join("good.json")).expect("copy plan");
    std::fs::write(dir.path().join("broken.json"), "{\"resource_changes\": [").expect("write");
    let o = gate(
        dir.path(),
        &[
            "check",
            "--plan",
            "good.json",
            "--plan",
            "broken.json",
            "--plan",
            "missing.json",
            "--format",
            "json",
        ],
        None,
    );
    let err = stderr(&o);
    assert_eq!(code(&o), 2, "{err}");
    assert!(err.contains("gate: error: broken.json:1:"), "{err}");
    assert!(
        err.contains("gate: error: missing.json: cannot read the plan"),
        "{err}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(json["verdict"]["decision"], "error");
    assert!(json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["path"] == "good.json"));
}
