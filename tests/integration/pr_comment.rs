//! The action's sticky pull-request comment (`comment: true`): `scripts/pr-comment.py` run
//! against a stand-in for the GitHub REST API (`fake_github_api.py`, Python's http.server on
//! 127.0.0.1). It creates the comment once, updates it on the next push (found by the
//! Markdown report's `<!-- gate-report -->` marker, on any page of the comments), leaves other
//! people's comments alone, and turns a token without permission into a warning, exit 0.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use crate::util::{code, in_ci, manifest_dir, stderr, stdout, Repo};

const TOKEN: &str = "ghs_fakeTokenForTheTestServer0123456789";
const MARKER: &str = "<!-- gate-report -->";

fn python() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("python3"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(!in_ci(), "python3 must be installed in CI");
        eprintln!("skipped: python3 is not installed");
    }
    found
}

/// The fake API, killed when dropped.
struct Api {
    child: Child,
    url: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Api {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Api {
    fn start(py: &Path, comments: serde_json::Value, deny_writes: bool) -> Api {
        let dir = tempfile::tempdir().expect("temp dir");
        let seed = dir.path().join("seed.json");
        let doc = serde_json::json!({"repo": "acme/shop", "number": 7, "token": TOKEN, "comments": comments});
        std::fs::write(&seed, doc.to_string()).expect("seed");
        let log = dir.path().join("log.jsonl");
        let mut cmd = Command::new(py);
        cmd.arg(manifest_dir().join("tests/integration/fake_github_api.py"))
            .arg(&seed)
            .arg(&log);
        if deny_writes {
            cmd.arg("--deny-writes");
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("fake API starts");
        let mut port = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut port)
            .expect("the fake API prints its port");
        Api {
            child,
            url: format!("http://127.0.0.1:{}", port.trim()),
            log,
            _dir: dir,
        }
    }

    /// `(method, path)` of every request so far.
    fn requests(&self) -> Vec<(String, String, serde_json::Value)> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("log line");
                (
                    v["method"].as_str().unwrap_or("").to_string(),
                    format!(
                        "{}{}",
                        v["path"].as_str().unwrap_or(""),
                        v["query"]
                            .as_str()
                            .filter(|q| !q.is_empty())
                            .map(|q| format!("?{q}"))
                            .unwrap_or_default()
                    ),
                    v["body"].clone(),
                )
            })
            .collect()
    }

    fn comment(&self, py: &Path, report: &Path, envs: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(py);
        cmd.arg(manifest_dir().join("scripts/pr-comment.py"))
            .arg(report)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("GITHUB_API_URL", &self.url)
            .env("GITHUB_REPOSITORY", "acme/shop")
            .env("GITHUB_TOKEN", TOKEN)
            .env("PR_NUMBER", "7");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        cmd.output().expect("pr-comment.py runs")
    }
}

fn comment(id: u64, login: &str, body: &str) -> serde_json::Value {
    serde_json::json!({"id": id, "user": {"login": login}, "body": body})
}

/// gate's Markdown report of a change with one leaked key.
fn markdown_report(dir: &Path) -> PathBuf {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("src/settings.py", "KEY = 'AKIAZ3MHQX7EW2LKQ4PN'\n");
    r.commit_all("settings");
    let o = r.gate(&["check", "--base", "main", "--format", "markdown"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let md = stdout(&o);
    assert!(md.starts_with(MARKER), "{md}");
    let p = dir.join("gate-summary.md");
    std::fs::write(&p, md).expect("report");
    p
}

#[test]
fn creates_the_comment_then_updates_it_on_the_next_push() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let report = markdown_report(dir.path());
    // Someone else's comment quoting the marker is not gate's comment.
    let api = Api::start(
        &py,
        serde_json::json!([
            comment(1, "alice", "LGTM"),
            comment(2, "mallory", &format!("{MARKER}\nnot gate's")),
        ]),
        false,
    );
    let o = api.comment(&py, &report, &[]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("commented on pull request #7"),
        "{}",
        stdout(&o)
    );
    let reqs = api.requests();
    let methods: Vec<&str> = reqs.iter().map(|(m, _, _)| m.as_str()).collect();
    assert_eq!(methods, ["GET", "POST"], "{reqs:?}");
    assert_eq!(reqs[1].1, "/repos/acme/shop/issues/7/comments");
    let posted = reqs[1].2["body"].as_str().expect("body");
    assert_eq!(
        posted,
        std::fs::read_to_string(&report).expect("report"),
        "the report is the comment"
    );

    // The next push: the same comment (id 1002, created above) is updated, none is added.
    let o = api.comment(&py, &report, &[]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("updated comment 1002"),
        "{}",
        stdout(&o)
    );
    let reqs = api.requests();
    let methods: Vec<&str> = reqs.iter().map(|(m, _, _)| m.as_str()).collect();
    assert_eq!(methods, ["GET", "POST", "GET", "PATCH"], "{reqs:?}");
    assert_eq!(reqs[3].1, "/repos/acme/shop/issues/comments/1002");
    assert!(!stdout(&o).contains(TOKEN) && !stderr(&o).contains(TOKEN));
}

#[test]
fn finds_its_comment_on_a_later_page() {
    let Some(py) = python() else { return };
    let mut comments: Vec<serde_json::Value> = (1..=150)
        .map(|i| comment(i, "reviewer", &format!("comment {i}")))
        .collect();
    comments[120] = comment(121, "github-actions[bot]", &format!("{MARKER}\nold report"));
    let api = Api::start(&py, serde_json::Value::Array(comments), false);
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("r.md");
    // A body without the marker gets it, so the next run finds the comment.
    std::fs::write(&report, "## gate: PASS\n").expect("report");
    let o = api.comment(&py, &report, &[]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let reqs = api.requests();
    let calls: Vec<(&str, &str)> = reqs
        .iter()
        .map(|(m, p, _)| (m.as_str(), p.as_str()))
        .collect();
    assert_eq!(
        calls,
        [
            ("GET", "/repos/acme/shop/issues/7/comments?per_page=100"),
            (
                "GET",
                "/repos/acme/shop/issues/7/comments?per_page=100&page=2"
            ),
            ("PATCH", "/repos/acme/shop/issues/comments/121"),
        ]
    );
    assert_eq!(
        reqs[2].2["body"],
        format!("{MARKER}\n## gate: PASS\n"),
        "{reqs:?}"
    );
}

#[test]
fn a_token_without_permission_is_a_warning_not_a_failure() {
    let Some(py) = python() else { return };
    let api = Api::start(&py, serde_json::json!([]), true);
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("r.md");
    std::fs::write(&report, format!("{MARKER}\n## gate: FAIL\n")).expect("report");
    let o = api.comment(&py, &report, &[]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("::warning title=gate PR comment::could not post the PR comment (HTTP 403: Resource not accessible by integration)"),
        "{out}"
    );
    assert!(out.contains("pull-requests: write"), "{out}");
    assert!(!out.contains(TOKEN), "the token is never printed");

    // A wrong token: the API says 401, still a warning.
    let o = api.comment(&py, &report, &[("GITHUB_TOKEN", "wrong")]);
    assert_eq!(code(&o), 0);
    assert!(
        stdout(&o).contains("HTTP 401: Bad credentials"),
        "{}",
        stdout(&o)
    );

    // Outside a pull request nothing is sent.
    let before = api.requests().len();
    let o = api.comment(&py, &report, &[("PR_NUMBER", "")]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("not a pull request"), "{}", stdout(&o));
    assert_eq!(api.requests().len(), before);

    // An unreachable API is a warning too; a missing report is a usage error.
    let o = Command::new(&py)
        .arg(manifest_dir().join("scripts/pr-comment.py"))
        .arg(&report)
        .env("GITHUB_API_URL", "http://127.0.0.1:9")
        .env("GITHUB_REPOSITORY", "acme/shop")
        .env("GITHUB_TOKEN", TOKEN)
        .env("PR_NUMBER", "7")
        .output()
        .expect("runs");
    assert_eq!(code(&o), 0);
    assert!(
        stdout(&o).contains("could not reach the GitHub API"),
        "{}",
        stdout(&o)
    );
    let o = api.comment(&py, &dir.path().join("missing.md"), &[]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}

/// The action's comment step posts the report the check step writes, with the script tested
/// above, only when asked and only on pull requests, and never fails the job.
#[test]
fn the_action_wires_the_comment_step() {
    let action = std::fs::read_to_string(manifest_dir().join("action.yml")).expect("action.yml");
    let step = action
        .split("    - name: ")
        .find(|s| s.starts_with("Comment on the pull request"))
        .expect("a comment step");
    assert!(step.contains("inputs.comment == 'true'"), "{step}");
    assert!(
        step.contains("github.event.pull_request.number != ''"),
        "{step}"
    );
    assert!(step.contains("continue-on-error: true"), "{step}");
    assert!(
        step.contains("scripts/pr-comment.py\" \"$report\""),
        "{step}"
    );
    assert!(
        step.contains("report=\"$RUNNER_TEMP/gate-summary.md\""),
        "{step}"
    );
    assert!(
        action.contains("--report \"markdown=$RUNNER_TEMP/gate-summary.md\""),
        "the check step writes the report the comment step reads"
    );
}
