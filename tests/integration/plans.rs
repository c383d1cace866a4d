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
        stdout(&o).contains("0 blocking findings, 0 warnings, 0 notes"),
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
        stdout(&o).contains("1 file (+4 -1), 1 plan"),
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

// --- real plans made by Terraform 1.11 with hashicorp/aws 5.100 (fixtures/plans/real) ------

fn real(case: &str) -> std::path::PathBuf {
    fixtures().join("real").join(case)
}

fn sarif_results(o: &std::process::Output) -> Vec<serde_json::Value> {
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).expect("sarif");
    sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .clone()
}

fn facts_of(dir: &Path, plan: &str) -> serde_json::Value {
    let o = gate(dir, &["facts", "--plan", plan], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("facts json")
}

fn resource<'a>(plan: &'a serde_json::Value, address: &str) -> &'a serde_json::Value {
    plan["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("{address} not in the plan"))
}

#[test]
fn vpc_cidr_change_fails_naming_the_instances_and_the_database_at_the_tf_source() {
    let dir = real("vpc_cidr_change");
    let o = gate(
        &dir,
        &["check", "--plan", "plan.json", "--format", "sarif"],
        None,
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    crate::util::validate_sarif(&stdout(&o));
    let results = sarif_results(&o);
    let taken = results
        .iter()
        .find(|r| r["ruleId"] == "GATE-INF-009" && r["level"] == "error")
        .unwrap_or_else(|| panic!("no GATE-INF-009 error: {results:?}"));
    let msg = taken["message"]["text"].as_str().expect("message");
    for name in [
        "aws_vpc.main",
        "aws_subnet.a",
        "aws_subnet.b",
        "aws_security_group.app",
        "aws_security_group.db",
        "aws_instance.app[0]",
        "aws_instance.app[1]",
        "aws_db_instance.main (datastore)",
        "aws_db_subnet_group.main",
    ] {
        assert!(msg.contains(name), "{name} not named: {msg}");
    }
    // SARIF points at `resource "aws_vpc" "main"` in main.tf, not at the plan's line 1.
    let loc = &taken["locations"][0]["physicalLocation"];
    let uri = loc["artifactLocation"]["uri"].as_str().expect("uri");
    assert!(uri.ends_with("vpc_cidr_change/main.tf"), "{loc}");
    let line = loc["region"]["startLine"].as_u64().expect("line") as usize;
    let tf = std::fs::read_to_string(dir.join("main.tf")).expect("main.tf");
    assert_eq!(
        tf.lines().nth(line - 1).map(str::trim),
        Some("resource \"aws_vpc\" \"main\" {")
    );
    // One root finding: the subnets and security groups are reported with the VPC.
    assert_eq!(
        results
            .iter()
            .filter(|r| r["ruleId"] == "GATE-INF-009")
            .count(),
        1
    );
    // The facts: what the VPC takes with it, and how.
    let facts = facts_of(&dir, "plan.json");
    let plan = &facts["infra"]["plans"][0];
    let vpc = resource(plan, "aws_vpc.main");
    let effects: std::collections::BTreeMap<&str, &str> = vpc["downstream"]
        .as_array()
        .expect("downstream")
        .iter()
        .map(|d| {
            (
                d["address"].as_str().unwrap_or(""),
                d["effect"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(effects["aws_subnet.a"], "replaced");
    assert_eq!(effects["aws_instance.app[1]"], "replaced");
    assert_eq!(effects["aws_db_subnet_group.main"], "re-pointed");
    assert_eq!(effects["aws_db_instance.main"], "re-pointed");
    assert_eq!(effects.len(), 8);
    assert_eq!(
        resource(plan, "aws_subnet.a")["caused_by"],
        serde_json::json!(["aws_vpc.main"])
    );
}

#[test]
fn rds_engine_change_fails_despite_the_final_snapshot_and_names_the_dns_record() {
    let dir = real("rds_engine_change");
    let o = gate(
        &dir,
        &["check", "--plan", "plan.json", "--format", "json"],
        None,
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let findings = doc["findings"].as_array().expect("findings");
    let by_rule = |id: &str| {
        findings
            .iter()
            .find(|f| f["rule"] == id)
            .unwrap_or_else(|| panic!("no {id}: {findings:?}"))
    };
    let loss = by_rule("GATE-INF-010");
    assert_eq!(loss["level"], "error");
    let m = loss["message"].as_str().expect("message");
    assert!(
        m.contains("engine mysql -> postgres") && m.contains("final_snapshot"),
        "{m}"
    );
    let follow = by_rule("GATE-INF-011")["message"]
        .as_str()
        .expect("message");
    for name in [
        "aws_route53_record.db (re-pointed: records)",
        "aws_instance.app[0]",
        "aws_instance.app[1]",
        "stops and starts",
    ] {
        assert!(follow.contains(name), "{name}: {follow}");
    }
    // The contradictory "mitigated" warning is gone: the snapshot does not bring the data back.
    assert!(!findings.iter().any(|f| f["rule"] == "GATE-INF-001"
        && f["message"].as_str().unwrap_or("").contains("mitigated")));
}

#[test]
fn iam_documents_bucket_policies_and_managed_policies_on_a_real_plan() {
    let o = gate(
        &real("iam_policies"),
        &["check", "--plan", "plan.json", "--format", "json"],
        None,
    );
    assert_eq!(code(&o), 1);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let got: Vec<(String, String, String)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["level"].as_str().unwrap_or("").to_string(),
                f["resource"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let has = |rule: &str, level: &str, res: &str| {
        got.contains(&(rule.to_string(), level.to_string(), res.to_string()))
    };
    // Principal "*" from data.aws_iam_policy_document, rendered at plan time.
    assert!(
        has("GATE-INF-003", "error", "aws_s3_bucket_policy.assets"),
        "{got:?}"
    );
    assert!(
        has(
            "GATE-INF-012",
            "error",
            "aws_iam_role_policy_attachment.ci_admin"
        ),
        "{got:?}"
    );
    assert!(
        has(
            "GATE-INF-012",
            "warning",
            "aws_iam_role_policy_attachment.ci_s3"
        ),
        "{got:?}"
    );
    // NotAction in a document the plan cannot render yet (it reads a bucket being created).
    assert!(has("GATE-INF-004", "error", "aws_iam_policy.ci"), "{got:?}");
    assert!(
        has(
            "GATE-INF-004",
            "warning",
            "aws_iam_role_policy.ci_s3_but_secrets"
        ),
        "{got:?}"
    );
    let facts = facts_of(&real("iam_policies"), "plan.json");
    let pol = resource(&facts["infra"]["plans"][0], "aws_iam_policy.ci");
    assert_eq!(
        pol["after"]["policy"],
        serde_json::Value::Null,
        "the plan cannot show it"
    );
    assert_eq!(
        pol["policy_documents"][0]["Statement"][0]["NotAction"],
        serde_json::json!(["iam:*"])
    );
}

#[test]
fn parameter_groups_topics_and_negated_encryption_on_a_real_plan() {
    let dir = real("not_data_stores");
    let o = gate(
        &dir,
        &["check", "--plan", "plan.json", "--format", "json"],
        None,
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let findings = doc["findings"].as_array().expect("findings");
    // DocumentDB/Neptune parameter groups and the SNS topic hold no data; `encryption_disabled
    // = false` is encryption on.
    for f in findings {
        assert!(
            !matches!(f["rule"].as_str(), Some("GATE-INF-001" | "GATE-INF-005")),
            "{f}"
        );
    }
    let topic = findings
        .iter()
        .find(|f| f["rule"] == "GATE-INF-009")
        .expect("the topic's replacement names its subscription");
    assert!(topic["message"]
        .as_str()
        .unwrap_or("")
        .contains("aws_sns_topic_subscription.alerts"));
    assert_eq!(code(&o), 0, "a warning: {findings:?}");
    let facts = facts_of(&dir, "plan.json");
    let plan = &facts["infra"]["plans"][0];
    let pg = resource(plan, "aws_docdb_cluster_parameter_group.catalog");
    assert_eq!(
        (pg["category"].as_str(), pg["stateful"].as_bool()),
        (Some("datastore-config"), Some(false))
    );
    assert_eq!(resource(plan, "aws_sns_topic.alerts")["stateful"], false);
    assert_eq!(
        resource(plan, "aws_codebuild_project.build")["disabled_protections"],
        serde_json::json!([])
    );
}

#[test]
fn modules_and_depends_on_on_a_real_plan() {
    let dir = real("modules_depends_on");
    let facts = facts_of(&dir, "plan.json");
    let plan = &facts["infra"]["plans"][0];
    let edges = plan["edges"].as_array().expect("edges");
    let has = |from: &str, to: &str, kind: &str| {
        edges
            .iter()
            .any(|e| e["from"] == from && e["to"] == to && e["kind"] == kind)
    };
    // Through the module input and the network module's output.
    assert!(has(
        "module.app.aws_instance.web",
        "module.network.aws_subnet.this",
        "reference"
    ));
    // The module call's depends_on holds back everything in the module.
    assert!(has(
        "module.app.aws_instance.web",
        "module.network.aws_vpc.this",
        "depends_on"
    ));
    assert!(has(
        "aws_eip.app",
        "module.app.aws_instance.web",
        "depends_on"
    ));
    // The prior state's recorded dependencies.
    assert!(has("aws_eip.app", "module.network.aws_vpc.this", "state"));
    let vpc = resource(plan, "module.network.aws_vpc.this");
    assert!(vpc["source"]["path"]
        .as_str()
        .is_some_and(|p| p.ends_with("modules_depends_on/modules/network/main.tf")));
    let o = gate(
        &dir,
        &["check", "--plan", "plan.json", "--format", "sarif"],
        None,
    );
    assert_eq!(code(&o), 1);
    let results = sarif_results(&o);
    let f = results
        .iter()
        .find(|r| r["ruleId"] == "GATE-INF-009")
        .expect("GATE-INF-009");
    assert!(f["message"]["text"]
        .as_str()
        .unwrap_or("")
        .contains("module.app.aws_instance.web"));
    assert!(
        f["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .is_some_and(|p| p.ends_with("modules_depends_on/modules/network/main.tf"))
    );
}

/// The Mermaid blast-radius chart of the Markdown summary, checked by the real Mermaid parser
/// (the `mermaid` package under jsdom, installed by .ci/run into target/mermaid-parser, or
/// MERMAID_PARSER_DIR, or a global `npm install -g`). Without node or the parser it says it skipped, except in CI.
#[test]
fn markdown_summary_draws_a_blast_radius_that_mermaid_parses() {
    let o = gate(
        &real("vpc_cidr_change"),
        &["check", "--plan", "plan.json", "--format", "markdown"],
        None,
    );
    assert_eq!(code(&o), 1);
    let md = stdout(&o);
    let start = md.find("```mermaid\n").expect("a mermaid block") + "```mermaid\n".len();
    let chart = &md[start..start + md[start..].find("```").expect("closed")];
    assert!(chart.starts_with("flowchart LR\n"), "{chart}");
    assert!(
        chart.contains(":::replace") && chart.contains(":::update"),
        "{chart}"
    );
    // MERMAID_PARSER_DIR, else .ci/run's target/mermaid-parser, else a global
    // `npm install -g mermaid jsdom` (the directory above `npm root -g`).
    let global = std::process::Command::new("npm")
        .args(["root", "-g"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| {
            let root = std::path::PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
            root.parent().map(Path::to_path_buf)
        });
    let has_parser = |d: &Path| d.join("node_modules").join("mermaid").is_dir();
    let dir = std::env::var_os("MERMAID_PARSER_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            let local = manifest_dir().join("target").join("mermaid-parser");
            match global {
                Some(g) if !has_parser(&local) && has_parser(&g) => g,
                _ => local,
            }
        });
    let node_ok = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node_ok || !has_parser(&dir) {
        assert!(
            !crate::util::in_ci(),
            "CI must install the Mermaid parser (.ci/run: npm install mermaid jsdom into {})",
            dir.display()
        );
        eprintln!(
            "skipped: the Mermaid parser check needs node and `npm install --prefix {} mermaid jsdom` (.ci/run does it)",
            dir.display()
        );
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let good = tmp.path().join("chart.mmd");
    std::fs::write(&good, chart).expect("write");
    let run = |file: &Path| {
        std::process::Command::new("node")
            .arg(manifest_dir().join("tests/mermaid/parse.mjs"))
            .arg(file)
            .env("MERMAID_PARSER_DIR", &dir)
            .output()
            .expect("node runs")
    };
    let out = run(&good);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("parser json");
    let d = &parsed[0];
    assert_eq!(d["type"], "flowchart-v2");
    let vertices = d["vertices"].as_object().expect("vertices");
    assert_eq!(vertices.len(), 9, "the VPC and its 8 dependents: {d}");
    assert!(vertices.values().any(|v| v["text"]
        .as_str()
        .unwrap_or("")
        .starts_with("aws_db_instance.main")
        && v["classes"] == serde_json::json!(["update"])));
    assert!(d["edges"].as_array().is_some_and(|e| e.len() >= 8));
    // The parser is a real one: it rejects a broken chart.
    let bad = tmp.path().join("bad.mmd");
    std::fs::write(&bad, chart.replacen("]:::", "\"]:::", 1)).expect("write");
    assert!(!run(&bad).status.success());
}

#[test]
fn raw_plan_is_redacted_and_user_policies_can_read_it() {
    let facts = facts_of(&fixtures(), "tf_delete_db_open_ssh.json");
    let raw = &facts["infra"]["plans"][0]["raw"];
    assert!(raw["resource_changes"].is_array());
    let text = raw.to_string();
    assert!(!text.contains("s3cr3t-Passw0rd"), "sensitive value in raw");
    assert!(text.contains("(sensitive)"));
    // A conftest-style policy on Terraform's own format.
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(
        tmp.path().join("raw.rego"),
        r#"package gate.custom.raw

rules["ACME-001"] := {"name": "No deletes", "summary": "No deletes.", "help": "**What it finds:** deletes.\n\n**Why it matters:** x.\n\n**How to fix:** y."}

deny contains {"rule": "ACME-001", "message": sprintf("%s is deleted", [rc.address]), "risk": 60} if {
	some p in input.infra.plans
	some rc in p.raw.resource_changes
	"delete" in rc.change.actions
}
"#,
    )
    .expect("write policy");
    let o = gate(
        &fixtures(),
        &[
            "check",
            "--plan",
            "tf_delete_db_open_ssh.json",
            "--policy",
            tmp.path().to_str().expect("utf-8"),
            "--format",
            "json",
        ],
        None,
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(
        doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["rule"] == "ACME-001"),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
}

/// A conftest policy's rules kept as they are (`input` being Terraform's own plan JSON), moved
/// from `package main` (which gate refuses) into a package of their own, run beside a small gate
/// wrapper that hands them each plan with `with input as p.raw`; on the real VPC plan their deny
/// messages become gate findings, one per resource the plan deletes.
#[test]
fn an_unchanged_conftest_policy_runs_on_each_raw_plan() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(
        tmp.path().join("conftest.rego"),
        r#"package gate.lib.conftest

deny contains msg if {
	some rc in input.resource_changes
	"delete" in rc.change.actions
	msg := sprintf("%s would be deleted", [rc.address])
}
"#,
    )
    .expect("write policy");
    std::fs::write(
        tmp.path().join("port.rego"),
        r#"package gate.custom.conftest

rules["ACME-002"] := {"name": "conftest deny", "summary": "A conftest deny message.", "help": "**What it finds:** a conftest deny.\n\n**Why it matters:** x.\n\n**How to fix:** y."}

deny contains {"rule": "ACME-002", "message": msg, "risk": 70} if {
	some p in input.infra.plans
	some msg in data.gate.lib.conftest.deny with input as p.raw
}
"#,
    )
    .expect("write wrapper");
    let o = gate(
        &real("vpc_cidr_change"),
        &[
            "check",
            "--plan",
            "plan.json",
            "--policy",
            tmp.path().to_str().expect("utf-8"),
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let mut msgs: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "ACME-002")
        .filter_map(|f| f["message"].as_str())
        .collect();
    msgs.sort_unstable();
    assert_eq!(
        msgs,
        [
            "aws_instance.app[0] would be deleted",
            "aws_instance.app[1] would be deleted",
            "aws_security_group.app would be deleted",
            "aws_security_group.db would be deleted",
            "aws_subnet.a would be deleted",
            "aws_subnet.b would be deleted",
            "aws_vpc.main would be deleted",
        ]
    );
}

/// A real CDK synth (aws-cdk-lib 2.276.0, fixtures/plans/real/cdk_vpc_cross_stack): the
/// network stack's VPC CIDR changes while the app stack imports the VPC and subnet ids
/// (`Fn::ImportValue`, as CDK wires cross-stack references). The VPC replacement takes the
/// subnets along, and CloudFormation would refuse the update because the exports are in use:
/// GATE-INF-014 names the exports and the importing resources. Construct paths come from the
/// stacks' `*.metadata.json` (newer CDK keeps them out of manifest.json), so findings point at
/// the construct in app.js.
#[test]
fn cdk_vpc_replacement_with_exports_in_use_fails_at_the_construct() {
    let dir = real("cdk_vpc_cross_stack");
    let o = gate(
        &dir,
        &[
            "check",
            "--plan",
            "head",
            "--plan-base",
            "base",
            "--format",
            "sarif",
        ],
        None,
    );
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let results = sarif_results(&o);
    let by_rule = |id: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == id)
            .unwrap_or_else(|| panic!("{id} in {results:?}"))
    };
    let inuse = by_rule("GATE-INF-014");
    let msg = inuse["message"]["text"].as_str().unwrap_or_default();
    for name in [
        "Net:ExportsOutputRefVpc8378EB38272D6E3A",
        "AppSg898BCA4E (in fixtures/plans/real/cdk_vpc_cross_stack/head/App.template.json)",
        "DbSubnetGroup6F6C177A (in fixtures/plans/real/cdk_vpc_cross_stack/head/App.template.json)",
        "refuses to modify an export in use",
    ] {
        assert!(msg.contains(name), "{name} not in {msg}");
    }
    for id in ["GATE-INF-009", "GATE-INF-014"] {
        let loc = &by_rule(id)["locations"][0]["physicalLocation"];
        assert!(
            loc["artifactLocation"]["uri"]
                .as_str()
                .is_some_and(|u| u.ends_with("cdk_vpc_cross_stack/app.js")),
            "{id}: {loc}"
        );
        assert_eq!(loc["region"]["startLine"], 11, "{id}: {loc}");
    }
    let taken = by_rule("GATE-INF-009")["message"]["text"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        taken.contains("construct Net/Vpc") && taken.contains("VpcpublicSubnet1Subnet2BB74ED7"),
        "{taken}"
    );
    // What CloudFormation replaces along with the VPC, inferred from the template diff and the
    // create-only properties: route tables (VpcId), their associations, and the default routes
    // of the replaced route tables (two steps away).
    let facts = gate(
        &dir,
        &["facts", "--plan", "head", "--plan-base", "base"],
        None,
    );
    let doc: serde_json::Value = serde_json::from_slice(&facts.stdout).expect("facts");
    let net = doc["infra"]["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .find(|p| {
            p["path"]
                .as_str()
                .unwrap_or("")
                .ends_with("Net.template.json")
        })
        .expect("Net stack");
    let ds = resource(net, "Vpc8378EB38")["downstream"]
        .as_array()
        .expect("downstream")
        .clone();
    let effect = |a: &str| {
        ds.iter()
            .find(|d| d["address"] == a)
            .map(|d| (d["effect"].clone(), d["depth"].clone()))
    };
    assert_eq!(
        effect("VpcpublicSubnet1RouteTable15C15F8E"),
        Some((serde_json::json!("replaced"), serde_json::json!(1)))
    );
    assert_eq!(
        effect("VpcpublicSubnet1DefaultRouteB88F9E93"),
        Some((serde_json::json!("replaced"), serde_json::json!(2)))
    );
    assert_eq!(
        ds.iter().filter(|d| d["effect"] == "replaced").count(),
        15,
        "{ds:?}"
    );
    // The same stacks without the base: everything is a create, no export changes.
    let o = gate(&dir, &["check", "--plan", "head"], None);
    assert!(!stdout(&o).contains("GATE-INF-014"), "{}", stdout(&o));
}

#[test]
fn errored_and_incomplete_plans_never_pass() {
    let o = gate(
        &fixtures(),
        &["check", "--plan", "edge/tf_errored.json"],
        None,
    );
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("GATE-INF-013"), "{}", stdout(&o));
    assert!(stdout(&o).contains("errored"), "{}", stdout(&o));
    let tmp = tempfile::tempdir().expect("tmp");
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixtures().join("tf_tags_only.json")).expect("read"))
            .expect("json");
    doc["complete"] = serde_json::Value::Bool(false);
    std::fs::write(tmp.path().join("p.json"), doc.to_string()).expect("write");
    let o = gate(tmp.path(), &["check", "--plan", "p.json"], None);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("incomplete"), "{}", stdout(&o));
}

#[test]
fn a_state_file_is_an_error_that_says_so() {
    let o = gate(
        &real("vpc_cidr_change"),
        &["check", "--plan", "terraform.tfstate"],
        None,
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("terraform.tfstate: this is a Terraform state file"),
        "{}",
        stderr(&o)
    );
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(
        tmp.path().join("state.json"),
        r#"{"format_version":"1.0","terraform_version":"1.11.4","values":{"root_module":{"resources":[]}}}"#,
    )
    .expect("write");
    let o = gate(tmp.path(), &["check", "--plan", "state.json"], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("not a plan"), "{}", stderr(&o));
}

#[test]
fn utf8_bom_and_utf16_plans_are_read() {
    let plain = std::fs::read(real("rds_engine_change").join("plan.json")).expect("read");
    let text = String::from_utf8(plain.clone()).expect("utf-8");
    let tmp = tempfile::tempdir().expect("tmp");
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(&plain);
    std::fs::write(tmp.path().join("bom.json"), bom).expect("write");
    // Windows PowerShell's `terraform show -json p > plan.json`: UTF-16LE with a BOM, CRLF.
    let mut le = vec![0xFF, 0xFE];
    for u in text.replace('\n', "\r\n").encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(tmp.path().join("utf16.json"), le).expect("write");
    let mut be = Vec::new();
    for u in text.encode_utf16() {
        be.extend_from_slice(&u.to_be_bytes());
    }
    std::fs::write(tmp.path().join("utf16be.json"), be).expect("write");
    std::fs::write(tmp.path().join("plain.json"), &plain).expect("write");
    let summary = |name: &str| {
        let f = facts_of(tmp.path(), name);
        (
            f["infra"]["plans"][0]["summary"].clone(),
            f["infra"]["plans"][0]["resources"].as_array().map(Vec::len),
        )
    };
    let want = summary("plain.json");
    assert_eq!(want.1, Some(5));
    for name in ["bom.json", "utf16.json", "utf16be.json"] {
        assert_eq!(summary(name), want, "{name}");
    }
}

#[test]
fn one_unreadable_plan_in_a_directory_is_reported_and_the_others_still_checked() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::copy(
        real("vpc_cidr_change").join("plan.json"),
        tmp.path().join("network.json"),
    )
    .expect("copy");
    std::fs::write(tmp.path().join("broken.json"), "{\"resource_changes\": [").expect("write");
    let o = gate(
        tmp.path(),
        &["check", "--plan", ".", "--format", "text"],
        None,
    );
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("broken.json"), "{}", stderr(&o));
    // The other plan was checked and reported.
    assert!(stdout(&o).contains("GATE-INF-009"), "{}", stdout(&o));
    assert!(stdout(&o).contains("GATE-INF-013"), "{}", stdout(&o));
    let facts = gate(tmp.path(), &["facts", "--plan", "."], None);
    let doc: serde_json::Value = serde_json::from_slice(&facts.stdout).expect("facts");
    assert_eq!(doc["infra"]["errors"][0]["path"], "broken.json");
}

#[test]
fn terraform_1_14_action_invocations_are_read() {
    let facts = facts_of(&fixtures(), "edge/tf114_action_invocations.json");
    let a = &facts["infra"]["plans"][0]["action_invocations"][0];
    assert_eq!(a["address"], "action.aws_lambda_invoke.announce");
    assert_eq!(a["trigger"], "aws_lambda_function.notify");
    assert_eq!(a["event"], "AfterUpdate");
    assert_eq!(a["config"]["client_context"], "(sensitive)");
    assert!(!facts.to_string().contains("hand-written-sensitive-context"));
}

#[test]
fn gce_deletion_protection_default_on_create_is_not_turned_off() {
    let facts = facts_of(&fixtures(), "edge/gce_create_default.json");
    let plan = &facts["infra"]["plans"][0];
    assert_eq!(
        resource(plan, "google_compute_instance.web")["disabled_protections"],
        serde_json::json!([])
    );
    // Turning it off on an existing instance still counts.
    assert_eq!(
        resource(plan, "google_compute_instance.db")["disabled_protections"],
        serde_json::json!(["deletion_protection"])
    );
}

#[test]
fn pulumi_dependencies_reach_dependents() {
    let facts = facts_of(&fixtures(), "edge/pulumi_graph.json");
    let plan = &facts["infra"]["plans"][0];
    let topic = resource(plan, "aws:sns/topic:Topic::alerts");
    assert_eq!(topic["stateful"], false);
    let d = &topic["downstream"][0];
    assert_eq!(d["address"], "aws:cloudwatch/metricAlarm:MetricAlarm::cpu");
    assert_eq!(d["effect"], "re-pointed");
    assert_eq!(d["attributes"], serde_json::json!(["alarmactions"]));
    let kinds: Vec<&str> = plan["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    for k in ["dependency", "parent", "provider"] {
        assert!(kinds.contains(&k), "{kinds:?}");
    }
    let o = gate(
        &fixtures(),
        &["check", "--plan", "edge/pulumi_graph.json"],
        None,
    );
    assert!(stdout(&o).contains("GATE-INF-011"), "{}", stdout(&o));
    assert!(stdout(&o).contains("MetricAlarm::cpu"), "{}", stdout(&o));
}

#[test]
fn cdk_import_value_across_stacks_names_the_importing_stack() {
    let dir = fixtures().join("edge");
    let facts = gate(
        &dir,
        &[
            "facts",
            "--plan",
            "cdk-xstack-head",
            "--plan-base",
            "cdk-xstack-base",
        ],
        None,
    );
    assert_eq!(code(&facts), 0, "{}", stderr(&facts));
    let doc: serde_json::Value = serde_json::from_slice(&facts.stdout).expect("facts");
    let net = doc["infra"]["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .find(|p| {
            p["path"]
                .as_str()
                .unwrap_or("")
                .ends_with("Net.template.json")
        })
        .expect("Net stack");
    let vpc = resource(net, "Vpc");
    assert!(vpc["replace"].as_bool().unwrap_or(false));
    let ds = vpc["downstream"].as_array().expect("downstream");
    assert!(
        ds.iter()
            .any(|d| d["address"] == "Subnet" && d["effect"] == "replaced"),
        "{ds:?}"
    );
    let sg = ds
        .iter()
        .find(|d| d["address"] == "Sg")
        .unwrap_or_else(|| panic!("the importing stack's security group: {ds:?}"));
    assert!(sg["plan"]
        .as_str()
        .unwrap_or("")
        .ends_with("App.template.json"));
    let o = gate(
        &dir,
        &[
            "check",
            "--plan",
            "cdk-xstack-head",
            "--plan-base",
            "cdk-xstack-base",
        ],
        None,
    );
    assert!(stdout(&o).contains("GATE-INF-011"), "{}", stdout(&o));
    assert!(stdout(&o).contains("App.template.json"), "{}", stdout(&o));
}
