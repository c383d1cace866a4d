//! Precision on ordinary changes, without losing the real dangers (#15): what a team adopting
//! gate meets on its first week of pull requests. Each case is a small change written for
//! this test after one seen in real history (a Dependabot bump, a generated client, a
//! migration's rollback, a module repository), next to the dangers that must still fail.

use crate::util::{code, manifest_dir, stderr, stdout, Repo};

/// A repository on branch `feature` with `files` committed on top of main.
fn change(base: &[(&str, &str)], files: &[(&str, &str)]) -> Repo {
    let r = Repo::new();
    for (p, c) in base {
        r.write(p, c);
    }
    r.commit_all("base");
    r.git(&["checkout", "-q", "-b", "feature"]);
    for (p, c) in files {
        r.write(p, c);
    }
    r.commit_all("change");
    r
}

fn check(r: &Repo, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec!["check", "--base", "main", "--format", "json"];
    args.extend_from_slice(extra);
    let o = r.gate(&args);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("json: {e}\n{}{}", stdout(&o), stderr(&o)));
    (code(&o), doc)
}

/// The facts document the policies saw.
fn facts(r: &Repo) -> serde_json::Value {
    let o = r.gate(&["facts", "--base", "main"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("facts json")
}

fn findings<'a>(doc: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    doc["findings"]
        .as_array()
        .map(|a| a.iter().filter(|f| f["rule"] == rule).collect())
        .unwrap_or_default()
}

/// Built at run time, so this file holds no credential-shaped text of its own.
fn fake_private_key() -> String {
    let body: String = (0..6)
        .map(|i| {
            format!(
                "{}\n",
                &"Qm9ndXNLZXlGb3JHYXRlVGVzdHNPbmx5".repeat(3)[i..i + 60]
            )
        })
        .collect();
    format!(
        "-----BEGIN {k}-----\n{body}-----END {k}-----\n",
        k = "RSA PRIVATE KEY"
    )
}

fn aws_key_pair() -> String {
    format!(
        "AWS_ACCESS_KEY_ID = '{}'\nAWS_SECRET_ACCESS_KEY = '{}'\n",
        ["AKIA", "Z3MHQX7EW2LKQ4PN"].concat(),
        ["q8Zr4mW2", "vT9xK3nP7bL5yH1cF6dJ0sA4gE8u6iNy"].concat()
    )
}

const CI: &str = "name: ci\non:\n  pull_request:\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n";

#[test]
fn a_dependabot_bump_in_four_workflows_is_one_note_not_a_fail() {
    let paths: Vec<String> = (1..=4)
        .map(|n| format!(".github/workflows/w{n}.yml"))
        .collect();
    let base: Vec<(&str, &str)> = paths.iter().map(|p| (p.as_str(), CI)).collect();
    let bumped = CI.replace("checkout@v4", "checkout@v5");
    let head: Vec<(&str, &str)> = paths
        .iter()
        .map(|p| (p.as_str(), bumped.as_str()))
        .collect();
    let r = change(&base, &head);
    let (exit, doc) = check(&r, &[]);
    assert_eq!(exit, 0, "{doc}");
    assert_eq!(doc["verdict"]["decision"], "pass", "{doc}");
    let f = findings(&doc, "GATE-BLA-004");
    assert_eq!(f.len(), 1, "{doc}");
    assert_eq!(f[0]["level"], "note");
    assert_eq!(f[0]["line"], 10, "at the changed line: {doc}");
    let msg = f[0]["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("actions/checkout v4 -> v5") && msg.contains("(+1 more)"),
        "{msg}"
    );
    assert!(msg.contains("gate explain GATE-BLA-004"), "{msg}");
}

#[test]
fn a_sha_pin_refreshed_within_its_version_line_is_no_finding() {
    let pinned = CI.replace(
        "checkout@v4",
        "checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2",
    );
    let refreshed = CI.replace(
        "checkout@v4",
        "checkout@08eba0b27e820071cde6df949e0beb9ba4906955 # v4.3.0",
    );
    let r = change(
        &[(".github/workflows/ci.yml", &pinned)],
        &[(".github/workflows/ci.yml", &refreshed)],
    );
    let (exit, doc) = check(&r, &[]);
    assert_eq!(exit, 0, "{doc}");
    assert!(findings(&doc, "GATE-BLA-004").is_empty(), "{doc}");
    // A pin whose version comment crosses a major is the one note.
    let major = CI.replace(
        "checkout@v4",
        "checkout@08eba0b27e820071cde6df949e0beb9ba4906955 # v5.0.0",
    );
    let r = change(
        &[(".github/workflows/ci.yml", &pinned)],
        &[(".github/workflows/ci.yml", &major)],
    );
    let (_, doc) = check(&r, &[]);
    let f = findings(&doc, "GATE-BLA-004");
    assert_eq!(f.len(), 1, "{doc}");
    assert_eq!(f[0]["level"], "note");
}

#[test]
fn a_new_script_in_a_workflow_warns_at_its_line() {
    let edited = CI.replace(
        "      - run: make test\n",
        "      - run: make test\n      - run: curl -sSf https://example.invalid/install.sh | sh\n",
    );
    let r = change(
        &[(".github/workflows/ci.yml", CI)],
        &[(".github/workflows/ci.yml", &edited)],
    );
    let (exit, doc) = check(&r, &[]);
    assert_eq!(exit, 0, "{doc}");
    let f = findings(&doc, "GATE-BLA-004");
    assert_eq!(f.len(), 1, "{doc}");
    assert_eq!(f[0]["level"], "warning");
    assert_eq!(f[0]["line"], 12);
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("a script"),
        "{doc}"
    );
}

#[test]
fn pull_request_target_checking_out_the_head_fails() {
    let pwn = "on:\n  pull_request_target:\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: npm ci && npm test\n";
    let r = change(&[], &[(".github/workflows/pr.yml", pwn)]);
    let (exit, doc) = check(&r, &[]);
    assert_eq!(exit, 1, "{doc}");
    let f = findings(&doc, "GATE-BLA-006");
    assert_eq!(f.len(), 1, "{doc}");
    assert_eq!(f[0]["level"], "error");
    assert_eq!(f[0]["line"], 9);
    // Checking out the base under the same trigger is safe.
    let safe = pwn.replace(
        "        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n",
        "",
    );
    let r = change(&[], &[(".github/workflows/pr.yml", &safe)]);
    let (exit, doc) = check(&r, &[]);
    assert_eq!(exit, 0, "{doc}");
    assert!(findings(&doc, "GATE-BLA-006").is_empty(), "{doc}");
}

#[test]
fn warnings_alone_do_not_fail_unless_the_team_opts_in() {
    let code_lines: String = (0..700)
        .map(|i| format!("def f{i}(x):\n    return x + {i}\n"))
        .collect();
    let edited = CI.replace(
        "      - run: make test\n",
        "      - run: make test && make lint\n",
    );
    let files = [
        ("src/app/core.py", code_lines.as_str()),
        (".github/workflows/ci.yml", edited.as_str()),
    ];
    let r = change(&[(".github/workflows/ci.yml", CI)], &files);
    let (exit, doc) = check(&r, &[]);
    assert_eq!(exit, 0, "{doc}");
    assert_eq!(doc["verdict"]["decision"], "warn", "{doc}");
    let warned: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["level"] == "warning")
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(warned.len() >= 3, "several warnings: {warned:?}");
    // A team that wants the score to fail says so in its configuration.
    r.git(&["checkout", "-q", "main"]);
    r.write(
        ".gate.yaml",
        "thresholds:\n  fail: 50\n  fail_on_score: true\n",
    );
    r.commit_all("gate config");
    r.git(&["checkout", "-q", "feature"]);
    r.git(&["rebase", "-q", "main"]);
    let (exit, doc) = check(&r, &[]);
    assert_eq!(exit, 1, "{doc}");
    let reasons = doc["verdict"]["reasons"].to_string();
    assert!(reasons.contains("fail_on_score"), "{reasons}");
}

#[test]
fn a_leaked_key_fails() {
    let r = change(&[], &[("app/settings.py", &aws_key_pair())]);
    let (exit, doc) = check(&r, &[]);
    assert_eq!(exit, 1, "{doc}");
    assert!(!findings(&doc, "GATE-SEC-001").is_empty(), "{doc}");
}

#[test]
fn a_typo_squatted_dependency_fails() {
    let r = change(
        &[("requirements.txt", "requests==2.31.0\n")],
        &[("requirements.txt", "requests==2.31.0\nreqeusts==2.31.0\n")],
    );
    let (exit, doc) = check(&r, &[]);
    assert_eq!(exit, 1, "{doc}");
    let f = findings(&doc, "GATE-DEP-003");
    assert!(f.iter().any(|f| f["level"] == "error"), "{doc}");
}

#[test]
fn a_destroyed_database_fails() {
    let plan = manifest_dir().join("fixtures/plans/tf_delete_db_open_ssh.json");
    let r = change(
        &[],
        &[(
            "infra/main.tf",
            "resource \"aws_db_instance\" \"orders\" {}\n",
        )],
    );
    let (exit, doc) = check(&r, &["--plan", plan.to_str().expect("utf-8 path")]);
    assert_eq!(exit, 1, "{doc}");
    assert!(!findings(&doc, "GATE-INF-001").is_empty(), "{doc}");
}

const ALEMBIC: &str = "revision = \"b1\"\ndown_revision = \"a0\"\n\n\ndef upgrade():\n    with op.batch_alter_table(\"recipes\") as batch_op:\n        batch_op.add_column(sa.Column(\"summary\", sa.String()))\n\n\ndef downgrade():\n    with op.batch_alter_table(\"recipes\") as batch_op:\n        batch_op.drop_column(\"summary\")\n";

#[test]
fn a_destructive_migration_fails_but_its_rollback_does_not() {
    let path = "alembic/versions/2024_01_b1_add_summary.py";
    let r = change(&[], &[(path, ALEMBIC)]);
    let (_, doc) = check(&r, &[]);
    assert!(findings(&doc, "GATE-BLA-005").is_empty(), "{doc}");
    let dropping = ALEMBIC.replace(
        "        batch_op.add_column(sa.Column(\"summary\", sa.String()))\n",
        "        batch_op.add_column(sa.Column(\"summary\", sa.String()))\n    op.drop_table(\"recipe_notes\")\n",
    );
    let r = change(&[], &[(path, &dropping)]);
    let (exit, doc) = check(&r, &[]);
    assert_eq!(exit, 1, "{doc}");
    let f = findings(&doc, "GATE-BLA-005");
    assert_eq!(f.len(), 1, "{doc}");
    assert_eq!(f[0]["line"], 8);
}

#[test]
fn generated_code_is_known_by_its_header() {
    let body: String = (0..80)
        .map(|i| format!("func Get{i}(c *Client) error {{\n\treturn c.do(\"/v1/{i}\")\n}}\n"))
        .collect();
    let generated =
        format!("// Code generated by oapi-codegen. DO NOT EDIT.\n\npackage api\n\n{body}");
    let r = change(&[], &[("internal/api/client.go", &generated)]);
    let (_, doc) = check(&r, &[]);
    assert!(findings(&doc, "GATE-CHG-001").is_empty(), "{doc}");
    let f = facts(&r);
    assert_eq!(f["change"]["files"][0]["is_generated"], true, "{f}");
    // The same code written by hand is untested source.
    let r = change(
        &[],
        &[("internal/api/client.go", &format!("package api\n\n{body}"))],
    );
    let (_, doc) = check(&r, &[]);
    assert_eq!(findings(&doc, "GATE-CHG-001").len(), 1, "{doc}");
}

/// fastify d26726333f re-wraps its type declarations to a line length: hundreds of lines
/// added, not one token changed. A reformat is no untested code; the same lines with one
/// parameter added are.
#[test]
fn a_reformat_is_no_untested_change() {
    let long: String = (0..40)
        .map(|i| {
            format!("  route{i}(path: string, options: RouteOptions, handler: Handler): Instance\n")
        })
        .collect();
    let wrapped: String = (0..40)
        .map(|i| format!("  route{i}(\n    path: string,\n    options: RouteOptions,\n    handler: Handler\n  ): Instance\n"))
        .collect();
    let before = format!("export interface Instance {{\n{long}}}\n");
    let after = format!("export interface Instance {{\n{wrapped}}}\n");
    let r = change(
        &[("types/instance.ts", &before)],
        &[("types/instance.ts", &after)],
    );
    let (_, doc) = check(&r, &[]);
    assert!(findings(&doc, "GATE-CHG-001").is_empty(), "{doc}");
    assert_eq!(facts(&r)["change"]["files"][0]["layout_only"], true);
    let edited = after.replace(
        "    handler: Handler\n",
        "    handler: Handler,\n    signal: AbortSignal\n",
    );
    let r = change(
        &[("types/instance.ts", &before)],
        &[("types/instance.ts", &edited)],
    );
    let (_, doc) = check(&r, &[]);
    assert_eq!(findings(&doc, "GATE-CHG-001").len(), 1, "{doc}");
}

#[test]
fn keys_in_examples_are_test_material_but_tokens_there_are_not() {
    let r = change(&[], &[("examples/tls/server.key", &fake_private_key())]);
    let (exit, doc) = check(&r, &[]);
    assert_eq!(exit, 0, "{doc}");
    assert!(findings(&doc, "GATE-SEC-001").is_empty(), "{doc}");
    assert_eq!(findings(&doc, "GATE-SEC-002").len(), 1, "{doc}");
    let r = change(&[], &[("examples/config.py", &aws_key_pair())]);
    let (exit, doc) = check(&r, &[]);
    assert_eq!(exit, 1, "{doc}");
}

#[test]
fn a_module_repository_needs_no_plan() {
    let module =
        "variable \"name\" {}\n\nresource \"aws_vpc\" \"this\" {\n  cidr_block = var.cidr\n}\n";
    let edited = module.replace("var.cidr", "var.cidr_block");
    let r = change(&[("main.tf", module)], &[("main.tf", &edited)]);
    let (_, doc) = check(&r, &[]);
    assert!(findings(&doc, "GATE-CHG-002").is_empty(), "{doc}");
    assert_eq!(facts(&r)["infra"]["root_configuration"], false);
    // A root configuration (it has a backend) does.
    let backend = "terraform {\n  backend \"s3\" {\n    bucket = \"state\"\n  }\n}\n";
    let r = change(
        &[("main.tf", module), ("backend.tf", backend)],
        &[("main.tf", &edited)],
    );
    let (_, doc) = check(&r, &[]);
    let f = findings(&doc, "GATE-CHG-002");
    assert_eq!(f.len(), 1, "{doc}");
    assert_eq!(f[0]["line"], 4, "at the changed line: {doc}");
}

/// After vaultwarden 38a6850b8d0a: the migration that adds `archives` starts with
/// `DROP TABLE IF EXISTS archives;` (nothing to lose: the base names no such table) and its
/// down.sql drops it again. The same statements on a table the base has still fail.
#[test]
fn recreating_a_new_table_in_its_own_migration_passes_but_an_existing_one_fails() {
    let up = "DROP TABLE IF EXISTS archives;\n\nCREATE TABLE archives (\n    user_uuid CHAR(36) NOT NULL,\n    archived_at TIMESTAMP NOT NULL\n);\n";
    let base = [(
        "migrations/2024-01-01_users/up.sql",
        "CREATE TABLE users (\n    uuid CHAR(36) PRIMARY KEY\n);\n",
    )];
    let r = change(
        &base,
        &[
            ("migrations/2026-03-09_add_archives/up.sql", up),
            (
                "migrations/2026-03-09_add_archives/down.sql",
                "DROP TABLE IF EXISTS archives;\n",
            ),
        ],
    );
    let (exit, doc) = check(&r, &[]);
    assert!(findings(&doc, "GATE-BLA-005").is_empty(), "{doc}");
    assert_eq!(exit, 0, "{doc}");
    let redo = "DROP TABLE IF EXISTS users;\n\nCREATE TABLE users (\n    uuid CHAR(36) PRIMARY KEY,\n    name TEXT\n);\n";
    let r = change(&base, &[("migrations/2026-03-10_redo_users/up.sql", redo)]);
    let (exit, doc) = check(&r, &[]);
    assert_eq!(exit, 1, "{doc}");
    let f = findings(&doc, "GATE-BLA-005");
    assert_eq!(f.len(), 1, "{doc}");
    assert_eq!(f[0]["line"], 1);
}

/// After mealie's Renovate lock maintenance: poetry.lock moves versions within pyproject's
/// ranges and nothing else; quiet. A lockfile that gains a package its manifest never asked
/// for still warns. After excalidraw c1082923ee: a workspace member's package.json explains
/// the root yarn.lock.
#[test]
fn a_lock_refresh_is_quiet_but_an_unexplained_new_package_warns() {
    let pyproject = "[tool.poetry]\nname = \"app\"\nversion = \"1.0.0\"\n\n[tool.poetry.dependencies]\npython = \"^3.12\"\nrequests = \"^2.31\"\n";
    let lock = |v: &str, extra: &str| {
        format!("[[package]]\nname = \"requests\"\nversion = \"{v}\"\ndescription = \"HTTP\"\noptional = false\npython-versions = \">=3.8\"\n{extra}\n[metadata]\nlock-version = \"2.0\"\npython-versions = \"^3.12\"\ncontent-hash = \"abc\"\n")
    };
    let base_lock = lock("2.31.0", "");
    let base = [
        ("pyproject.toml", pyproject),
        ("poetry.lock", base_lock.as_str()),
    ];
    let refreshed = lock("2.32.3", "");
    let r = change(&base, &[("poetry.lock", refreshed.as_str())]);
    let (_, doc) = check(&r, &[]);
    assert!(findings(&doc, "GATE-DEP-008").is_empty(), "{doc}");
    let grown = lock(
        "2.32.3",
        "\n[[package]]\nname = \"left-pad-py\"\nversion = \"0.1.0\"\ndescription = \"x\"\noptional = false\npython-versions = \"*\"\n",
    );
    let r = change(&base, &[("poetry.lock", grown.as_str())]);
    let (_, doc) = check(&r, &[]);
    assert_eq!(findings(&doc, "GATE-DEP-008").len(), 1, "{doc}");
}

/// vaultwarden cdf711bb30e1: a Cargo feature list names `dep:aws-credential-types` and then
/// `dep:aws-smithy-runtime-api`; the second is a dependency's name, not a credential.
#[test]
fn a_cargo_feature_list_is_not_a_credential() {
    let base = "[package]\nname = \"app\"\nversion = \"1.0.0\"\nedition = \"2021\"\n\n[features]\n";
    let after = format!("{base}s3 = [\"opendal/services-s3\", \"dep:aws-config\", \"dep:aws-credential-types\", \"dep:aws-smithy-runtime-api\", \"dep:http\"]\n");
    let r = change(&[("Cargo.toml", base)], &[("Cargo.toml", after.as_str())]);
    let (exit, doc) = check(&r, &[]);
    assert!(findings(&doc, "GATE-SEC-003").is_empty(), "{doc}");
    assert_eq!(exit, 0, "{doc}");
}

/// A binary file git diffs as text (a regenerated SQLite docs index, healthchecks'
/// search.db): its "added lines" are the file's pages moved around. A value the base's copy
/// of the file already held is not a new secret; a value it did not hold still fails.
#[test]
fn a_regenerated_binary_file_adds_only_the_secrets_its_base_lacked() {
    let page = |n: usize, extra: &str| -> String {
        let mut s = String::from("SQLite-like index\0\0\u{1}\n");
        for i in 0..n {
            s.push_str(&format!("row {i}\0docs\0\n"));
        }
        // The page header before each value changes when the file is regenerated.
        for line in aws_key_pair().lines() {
            s.push_str(&format!("p{n}\0{line}\n"));
        }
        s.push_str(extra);
        s
    };
    let token = ["ghp_", "R8x2LqT7vN4mZ1kP9sW3dY6hJ0cF5bA2eG8u"].concat();
    // Regenerated: more rows before the same example values.
    let r = change(
        &[("docs/search.db", &page(3, ""))],
        &[("docs/search.db", &page(9, ""))],
    );
    let (exit, doc) = check(&r, &[]);
    assert_eq!(exit, 0, "{doc}");
    assert!(findings(&doc, "GATE-SEC-001").is_empty(), "{doc}");
    // A token the base did not hold is new.
    let r = change(
        &[("docs/search.db", &page(3, ""))],
        &[("docs/search.db", &page(9, &format!("\0token\0{token}\0\n")))],
    );
    let (exit, doc) = check(&r, &[]);
    assert_eq!(exit, 1, "{doc}");
    assert!(!findings(&doc, "GATE-SEC-001").is_empty(), "{doc}");
}

/// After Renovate's provider bumps on a Terraform root configuration: a minor move of a
/// provider's version constraint in the `terraform {}` block needs no plan; a major one, and
/// the same `version =` line of a Helm release (a deployment a plan shows), still do.
#[test]
fn a_provider_bump_within_its_major_needs_no_plan() {
    let versions = |provider: &str, chart: &str| {
        format!(
            "terraform {{\n  backend \"gcs\" {{ bucket = \"state\" }}\n  required_providers {{\n    google = {{\n      source  = \"hashicorp/google\"\n      version = \"{provider}\"\n    }}\n  }}\n}}\n\nresource \"helm_release\" \"argo\" {{\n  chart   = \"argo\"\n  version = \"{chart}\"\n}}\n"
        )
    };
    let base = versions("~> 7.43.0", "0.5.0");
    let minor = change(
        &[("main.tf", &base)],
        &[("main.tf", &versions("~> 7.44.0", "0.5.0"))],
    );
    let (_, doc) = check(&minor, &[]);
    assert!(findings(&doc, "GATE-CHG-002").is_empty(), "{doc}");
    assert_eq!(facts(&minor)["infra"]["version_moves"][0], "main.tf");
    let major = change(
        &[("main.tf", &base)],
        &[("main.tf", &versions("~> 8.0", "0.5.0"))],
    );
    let (_, doc) = check(&major, &[]);
    assert_eq!(findings(&doc, "GATE-CHG-002").len(), 1, "{doc}");
    let chart = change(
        &[("main.tf", &base)],
        &[("main.tf", &versions("~> 7.43.0", "0.5.1"))],
    );
    let (_, doc) = check(&chart, &[]);
    let f = findings(&doc, "GATE-CHG-002");
    assert_eq!(f.len(), 1, "{doc}");
    assert_eq!(f[0]["line"], 13, "at the chart's version: {doc}");
}

/// After alertmanager 963ed72d5a5a: a connect-go client whose `Code generated ... DO NOT EDIT`
/// line comes after the project's license block (line 14) is still generated.
#[test]
fn a_generated_header_after_a_license_block_is_still_generated() {
    let license = "// Copyright The Example Authors\n// Licensed under the Apache License, Version 2.0 (the \"License\");\n// you may not use this file except in compliance with the License.\n// You may obtain a copy of the License at\n//\n// http://www.apache.org/licenses/LICENSE-2.0\n//\n// Unless required by applicable law or agreed to in writing, software\n// distributed under the License is distributed on an \"AS IS\" BASIS,\n// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.\n// See the License for the specific language governing permissions and\n// limitations under the License.\n\n";
    let body: String = (0..40)
        .map(|i| format!("func (c *client) Call{i}() error {{\n\treturn c.call(\"/v3.Status/Call{i}\")\n}}\n"))
        .collect();
    let generated = format!(
        "{license}// Code generated by protoc-gen-connect-go. DO NOT EDIT.\n//\n// Source: status/v3/status.proto\n\npackage statusv3connect\n\n{body}"
    );
    let r = change(
        &[],
        &[(
            "api/status/v3/statusv3connect/status.connect.go",
            &generated,
        )],
    );
    let (_, doc) = check(&r, &[]);
    assert!(findings(&doc, "GATE-CHG-001").is_empty(), "{doc}");
    assert_eq!(facts(&r)["change"]["files"][0]["is_generated"], true);
    // The marker in the code below the package clause is not a header.
    let late =
        format!("{license}package statusv3connect\n\n// Code generated by x. DO NOT EDIT.\n{body}");
    let r = change(
        &[],
        &[("api/status/v3/statusv3connect/status.connect.go", &late)],
    );
    let (_, doc) = check(&r, &[]);
    assert_eq!(findings(&doc, "GATE-CHG-001").len(), 1, "{doc}");
}

/// After govuk-infrastructure c63c5885c4fb, caa22cdfcf3b and f43c79f0fe04: an output added, an
/// unused variable removed, applied `moved` blocks removed change no resource, so a root
/// configuration needs no plan for them; a resource edit beside them, or a new `moved`
/// block, still does.
#[test]
fn declarations_alone_need_no_plan_but_resources_and_new_moves_do() {
    let backend = "terraform {\n  backend \"s3\" {\n    bucket = \"state\"\n  }\n}\n";
    let main = "variable \"project_id\" {\n  type = string\n}\n\nresource \"aws_s3_bucket\" \"dumps\" {\n  bucket = \"dumps\"\n}\n\nmoved {\n  from = aws_s3_bucket.old\n  to   = aws_s3_bucket.dumps\n}\n";
    let outputs = "output \"sg\" {\n  value = \"sg-1\"\n}\n";
    let base = [
        ("backend.tf", backend),
        ("main.tf", main),
        ("outputs.tf", outputs),
    ];
    let cleaned = "resource \"aws_s3_bucket\" \"dumps\" {\n  bucket = \"dumps\"\n}\n";
    let more = format!("{outputs}\noutput \"dumps_arn\" {{\n  description = \"The ARN of the dumps bucket\"\n  value       = aws_s3_bucket.dumps.arn\n}}\n");
    let r = change(&base, &[("main.tf", cleaned), ("outputs.tf", &more)]);
    let (_, doc) = check(&r, &[]);
    assert!(findings(&doc, "GATE-CHG-002").is_empty(), "{doc}");
    let f = facts(&r);
    assert_eq!(
        f["infra"]["declarations_only"],
        serde_json::json!(["main.tf", "outputs.tf"]),
        "{f}"
    );
    // The bucket renamed beside them: a plan is wanted, and it names main.tf.
    let renamed = cleaned.replace("bucket = \"dumps\"", "bucket = \"db-dumps\"");
    let r = change(&base, &[("main.tf", &renamed), ("outputs.tf", &more)]);
    let (_, doc) = check(&r, &[]);
    let f = findings(&doc, "GATE-CHG-002");
    assert_eq!(f.len(), 1, "{doc}");
    assert_eq!(f[0]["path"], "main.tf", "{doc}");
    // A new `moved` block is a move the plan must confirm.
    let moved = format!(
        "{main}\nmoved {{\n  from = aws_s3_bucket.older\n  to   = aws_s3_bucket.dumps\n}}\n"
    );
    let r = change(&base, &[("main.tf", &moved)]);
    let (_, doc) = check(&r, &[]);
    assert_eq!(findings(&doc, "GATE-CHG-002").len(), 1, "{doc}");
}

/// After excalidraw d9e8a33aa4b4 and alertmanager 5aa4e8f1ea0d: a change whose size is mostly
/// tests (or data) is not a large change; 1,000 lines of code still is.
#[test]
fn tests_and_data_do_not_make_a_change_large() {
    let code: String = (0..400)
        .map(|i| format!("def f{i}(x):\n    return x + {i}\n"))
        .collect();
    let tests: String = (0..800)
        .map(|i| format!("def test_f{i}():\n    assert f{i}(1) == {}\n", i + 1))
        .collect();
    let labels: String = (0..1500).map(|i| format!("{{\"id\": {i}}},\n")).collect();
    let r = change(
        &[],
        &[
            ("app/calc.py", &code),
            ("tests/test_calc.py", &tests),
            ("bench/labels.json", &format!("[\n{labels}{{}}]\n")),
        ],
    );
    let (_, doc) = check(&r, &[]);
    assert!(findings(&doc, "GATE-CHG-003").is_empty(), "{doc}");
    let big: String = (0..600)
        .map(|i| format!("def g{i}(x):\n    return x * {i}\n"))
        .collect();
    let r = change(
        &[],
        &[
            ("app/calc.py", &code),
            ("app/more.py", &big),
            ("tests/test_calc.py", &tests),
        ],
    );
    let (_, doc) = check(&r, &[]);
    let f = findings(&doc, "GATE-CHG-003");
    assert_eq!(f.len(), 1, "{doc}");
    let m = f[0]["message"].as_str().unwrap_or_default();
    assert!(
        m.contains("2000 lines of code") && m.contains("plus 1600 lines of tests"),
        "{m}"
    );
}

/// An example app and a benchmark harness are no services in production: neither the new
/// service nor its error handling is reported for telemetry; the same app under `app/` is
/// (hono's history: a benchmark's `GET /` warned as a service without telemetry).
#[test]
fn examples_and_benchmarks_are_not_services() {
    let app = "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route(\"/orders\")\ndef orders():\n    try:\n        return load_orders()\n    except Exception:\n        pass\n";
    let r = change(
        &[],
        &[
            ("examples/shop/app.py", app),
            ("benchmarks/routing/server.py", app),
        ],
    );
    let telemetry = |doc: &serde_json::Value| -> Vec<String> {
        doc["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["category"] == "telemetry")
            .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let (_, doc) = check(&r, &[]);
    assert!(telemetry(&doc).is_empty(), "{doc}");
    let r = change(&[], &[("app/shop.py", app)]);
    let (_, doc) = check(&r, &[]);
    assert_eq!(telemetry(&doc), ["GATE-TEL-006", "GATE-TEL-002"], "{doc}");
}
