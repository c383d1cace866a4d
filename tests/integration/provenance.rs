//! AI provenance end to end on scratch repositories: every commit of the range is read, each
//! signal names its commit and agent, the head branch comes from CI variables, and a person at
//! an AI company is a person.

use std::process::{Command, Stdio};

use crate::util::{code, gate_bin, stderr, stdout, Repo};

/// The CI variables that name a head branch: cleared, so the test's own CI cannot leak in.
const BRANCH_VARS: &[&str] = &[
    "GATE_HEAD_BRANCH",
    "GITHUB_HEAD_REF",
    "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
    "SYSTEM_PULLREQUEST_SOURCEBRANCH",
    "CHANGE_BRANCH",
    "BITBUCKET_BRANCH",
    "BUILDKITE_BRANCH",
    "CIRCLE_BRANCH",
    "DRONE_SOURCE_BRANCH",
];

/// `gate check --base main -f json` in `r` with `env` set, as parsed JSON.
fn check(r: &Repo, extra: &[&str], env: &[(&str, &str)]) -> serde_json::Value {
    let mut cmd = Command::new(gate_bin());
    cmd.current_dir(r.path())
        .args(["check", "--base", "main", "-f", "json"])
        .args(extra)
        .env_remove("GITHUB_BASE_REF")
        .env_remove("GITHUB_EVENT_PATH")
        .stdin(Stdio::null());
    for v in BRANCH_VARS {
        cmd.env_remove(v);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().expect("gate runs");
    assert!(matches!(code(&o), 0 | 1), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("json report")
}

fn commit_as(r: &Repo, name: &str, email: &str, msg: &str) {
    r.git(&["add", "-A"]);
    r.git(&[
        "-c",
        &format!("user.name={name}"),
        "-c",
        &format!("user.email={email}"),
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        msg,
    ]);
}

fn kinds(doc: &serde_json::Value) -> Vec<(String, String)> {
    doc["provenance"]["signals"]
        .as_array()
        .expect("signals")
        .iter()
        .map(|s| {
            (
                s["kind"].as_str().unwrap_or("").to_string(),
                s["agent"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn squash_layout_trailers_mid_body_are_read_and_named_per_commit() {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("a.py", "x = 1\n");
    commit_as(&r, "Dev", "dev@example.com", "plain human commit");
    r.write("b.py", "y = 2\n");
    // GitHub's squash layout: the intermediate commits' trailers mid-body, then a final
    // block that is human only.
    commit_as(
        &r,
        "Dev",
        "dev@example.com",
        "Add b (#12)\n\n* first step\n\nCo-authored-by: Claude <noreply@anthropic.com>\n\n* second step\n\n---------\n\nCo-authored-by: Other Person <other@example.com>",
    );
    let doc = check(&r, &[], &[]);
    let p = &doc["provenance"];
    assert_eq!(p["ai_generated"], true, "{p}");
    assert_eq!(p["commits"], 2);
    assert_eq!(p["ai_commits"], 1);
    assert_eq!(p["agents"], serde_json::json!(["claude"]));
    let id = r
        .git(&["rev-parse", "--short=12", "HEAD"])
        .trim()
        .to_string();
    assert_eq!(p["ai_commit_ids"], serde_json::json!([id]));
    let f = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "GATE-AI-001")
        .expect("GATE-AI-001");
    let msg = f["message"].as_str().unwrap_or("");
    assert!(msg.contains("1 of 2 commits"), "{msg}");
    assert!(msg.contains(&id), "the finding names the commit: {msg}");
}

#[test]
fn footers_display_names_and_new_identities() {
    for (name, email, msg, agent) in [
        (
            "Dev",
            "dev@example.com",
            "Fix it\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)",
            "claude",
        ),
        (
            "Dev",
            "dev@example.com",
            "Fix it\n\n_codex-gpt-5-medium on behalf of Dev_",
            "codex",
        ),
        (
            "Dev",
            "dev@example.com",
            "Fix it\n\nCopilot-Session: 7f1c2a",
            "copilot",
        ),
        ("Paul (aider)", "paul@example.com", "Fix it", "aider"),
        (
            "Dev",
            "dev@example.com",
            "Fix it\n\nCo-authored-by: aider (gpt-4o) <aider@aider.chat>",
            "aider",
        ),
        (
            "openhands",
            "opendevin@all-hands.dev",
            "Fix it",
            "openhands",
        ),
        (
            "factory-droid[bot]",
            "138933559+factory-droid[bot]@users.noreply.github.com",
            "Fix it",
            "factory",
        ),
        ("Claude", "claude@anthropic.com", "Fix it", "claude"),
    ] {
        let r = Repo::new();
        r.git(&["checkout", "-q", "-b", "feature"]);
        r.write("a.py", "x = 1\n");
        commit_as(&r, name, email, msg);
        let doc = check(&r, &[], &[]);
        assert_eq!(doc["provenance"]["ai_generated"], true, "{msg} by {name}");
        assert_eq!(
            doc["provenance"]["agents"],
            serde_json::json!([agent]),
            "{msg} by {name}"
        );
    }
}

#[test]
fn people_at_ai_companies_are_people() {
    for email in [
        "jane@codeium.com",
        "joe@cursor.com",
        "amir@tabnine.com",
        "paul@aider.chat",
        "someone@anthropic.com",
    ] {
        let r = Repo::new();
        r.git(&["checkout", "-q", "-b", "feature"]);
        r.write("a.py", "x = 1\n");
        commit_as(
            &r,
            "Jane",
            email,
            &format!(
                "Fix it\n\nCo-authored-by: Colleague <colleague@{}>",
                &email[email.find('@').map_or(0, |i| i + 1)..]
            ),
        );
        let doc = check(&r, &[], &[]);
        assert_eq!(doc["provenance"]["ai_generated"], false, "{email}");
    }
}

#[test]
fn head_branch_from_ci_variables_and_merge_subjects() {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("a.py", "x = 1\n");
    commit_as(&r, "Dev", "dev@example.com", "plain");
    for (var, branch, agent) in [
        ("GITHUB_HEAD_REF", "copilot/fix-login", "copilot"),
        (
            "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
            "devin/1712-fix",
            "devin",
        ),
        (
            "SYSTEM_PULLREQUEST_SOURCEBRANCH",
            "refs/heads/codex/tidy",
            "codex",
        ),
        ("GATE_HEAD_BRANCH", "cursor/add-tests", "cursor"),
    ] {
        let doc = check(&r, &[], &[(var, branch)]);
        let p = &doc["provenance"];
        assert_eq!(p["ai_generated"], true, "{var}={branch}");
        assert_eq!(p["agents"], serde_json::json!([agent]), "{var}={branch}");
        assert!(
            p["branch"].as_str().unwrap_or("").contains(var),
            "the variable is named: {p}"
        );
        assert!(kinds(&doc).contains(&("branch".into(), agent.into())));
    }
    // A person's branch is not a signal.
    let doc = check(&r, &[], &[("GITHUB_HEAD_REF", "feature/copilot-docs")]);
    assert_eq!(doc["provenance"]["ai_generated"], false);

    // A merge commit of an agent's branch.
    let m = Repo::new();
    m.git(&["checkout", "-q", "-b", "feature"]);
    m.write("a.py", "x = 1\n");
    commit_as(&m, "Dev", "dev@example.com", "plain");
    m.git(&["checkout", "-q", "-b", "merged"]);
    m.write("b.py", "y = 1\n");
    commit_as(&m, "Dev", "dev@example.com", "work");
    m.git(&["checkout", "-q", "feature"]);
    m.git(&[
        "merge",
        "-q",
        "--no-ff",
        "merged",
        "-m",
        "Merge pull request #7 from acme/claude/fix-parser",
    ]);
    let doc = check(&m, &[], &[]);
    assert!(
        kinds(&doc).contains(&("merge".into(), "claude".into())),
        "{doc}"
    );
}

#[test]
fn users_add_their_own_agents() {
    let r = Repo::new();
    r.write(
        ".gate.yaml",
        "ai:\n  agents:\n    - {agent: build-agent, email: agent@ci.example.com}\n",
    );
    r.commit_all("config");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("a.py", "x = 1\n");
    commit_as(&r, "Build Agent", "agent@ci.example.com", "Fix it");
    let doc = check(&r, &[], &[]);
    assert_eq!(
        doc["provenance"]["agents"],
        serde_json::json!(["build-agent"])
    );
    // A domain is refused, naming the reason (a change that brings it is tampering).
    let bad = Repo::new();
    bad.write(
        ".gate.yaml",
        "ai:\n  agents:\n    - {agent: windsurf, email: '@codeium.com'}\n",
    );
    bad.commit_all("config");
    let o = bad.gate(&["check", "--base", "HEAD~1"]);
    assert!(
        stdout(&o).contains("GATE-GOV-001") && stdout(&o).contains("is a domain"),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
}
