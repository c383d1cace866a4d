//! Infrastructure plans: the real-world outputs in ../shared/realworld all parse, and the
//! fixture plans give the verdicts a user relies on.

use std::path::Path;

use crate::util::{code, gate, manifest_dir, shared_dir, stderr, stdout};

fn fixtures() -> std::path::PathBuf {
    manifest_dir().join("fixtures").join("plans")
}

#[test]
fn every_realworld_plan_parses() {
    let Some(shared) = shared_dir() else {
        eprintln!("skipped: ../shared/realworld is not beside this repository");
        return;
    };
    let rw = shared.join("realworld");
    let mut checked = 0;
    for tool in ["terraform", "pulumi", "cloudformation"] {
        let mut files: Vec<_> = std::fs::read_dir(rw.join(tool))
            .expect("realworld dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        for f in files {
            let o = gate(
                &rw,
                &[
                    "check",
                    "--plan",
                    f.to_str().expect("utf-8 path"),
                    "--format",
                    "json",
                ],
                None,
            );
            assert!(
                matches!(code(&o), 0 | 1),
                "{}: exit {} {}",
                f.display(),
                code(&o),
                stderr(&o)
            );
            let facts = gate(
                &rw,
                &["facts", "--plan", f.to_str().expect("utf-8 path")],
                None,
            );
            let doc: serde_json::Value = serde_json::from_slice(&facts.stdout).expect("facts json");
            assert_eq!(doc["infra"]["plans"][0]["tool"], tool, "{}", f.display());
            checked += 1;
        }
    }
    // The CDK files are flattened (cdk.out_manifest.json ...): rebuild the cdk.out folder.
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("cdk.out");
    std::fs::create_dir(&out).expect("mkdir");
    for e in std::fs::read_dir(rw.join("cdk")).expect("cdk dir") {
        let p = e.expect("entry").path();
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if let Some(real) = name.strip_prefix("cdk.out_") {
            std::fs::copy(&p, out.join(real)).expect("copy");
        }
    }
    let o = gate(tmp.path(), &["facts", "--plan", "cdk.out"], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("facts json");
    let plan = &doc["infra"]["plans"][0];
    assert_eq!(plan["tool"], "cdk");
    let bucket = plan["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["type"] == "AWS::S3::Bucket")
        .expect("the bucket");
    assert_eq!(bucket["construct_path"], "Stack/Bucket");
    let o = gate(tmp.path(), &["check", "--plan", "cdk.out"], None);
    assert!(matches!(code(&o), 0 | 1));
    assert!(
        checked >= 12,
        "expected the 12 realworld plans, checked {checked}"
    );
}

#[test]
fn deleted_database_and_world_open_ssh_fail_naming_both() {
    let o = gate(
        &fixtures(),
        &[
            "check",
            "--plan",
            "tf_delete_db_open_ssh.json",
            "--format",
            "sarif",
        ],
        None,
    );
    assert_eq!(code(&o), 1);
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).expect("sarif");
    let named: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            format!(
                "{}:{}",
                r["ruleId"].as_str().unwrap_or(""),
                r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                    .as_str()
                    .unwrap_or("")
            )
        })
        .collect();
    assert!(
        named.contains(&"GATE-INF-001:aws_db_instance.orders".to_string()),
        "{named:?}"
    );
    assert!(
        named.contains(&"GATE-INF-002:aws_security_group.bastion".to_string()),
        "{named:?}"
    );
    crate::util::validate_sarif(&stdout(&o));
    // The database password is marked sensitive in the plan: never shown.
    let facts = gate(
        &fixtures(),
        &["facts", "--plan", "tf_delete_db_open_ssh.json"],
        None,
    );
    assert!(!stdout(&facts).contains("s3cr3t-Passw0rd"));
    assert!(stdout(&facts).contains("(sensitive)"));
}

#[test]
fn tags_only_update_passes() {
    let o = gate(&fixtures(), &["check", "--plan", "tf_tags_only.json"], None);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("0 errors, 0 warnings, 0 notes"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn pulumi_database_replace_is_reported_and_secrets_hidden() {
    let o = gate(
        &fixtures(),
        &["check", "--plan", "pulumi_replace_db.json"],
        None,
    );
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("orders-db would be replaced"),
        "{}",
        stdout(&o)
    );
    let facts = gate(
        &fixtures(),
        &["facts", "--plan", "pulumi_replace_db.json"],
        None,
    );
    assert!(!stdout(&facts).contains("hunter2"));
}

#[test]
fn plans_and_a_diff_together() {
    let dir = manifest_dir().join("fixtures");
    let o = gate(
        &dir,
        &[
            "check",
            "--diff",
            "cases/clean-change/input.diff",
            "--plan",
            "plans/tf_tags_only.json",
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("1 files (+4 -1), 1 plan"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn plan_directory_loads_every_json_file() {
    let o = gate(Path::new(&fixtures()), &["facts", "--plan", "."], None);
    // cdk-base and cdk-head are directories, skipped; every .json file here is a plan.
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(doc["infra"]["plans"].as_array().map(Vec::len), Some(5));
}

#[test]
fn missing_plan_is_an_error() {
    let o = gate(&fixtures(), &["check", "--plan", "nope.json"], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("nope.json"), "{}", stderr(&o));
}
