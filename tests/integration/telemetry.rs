//! Missing telemetry, end to end: a new Flask route that swallows an error is reported with
//! the function and line; the same route with logging is not.

use crate::util::{code, manifest_dir, stderr, stdout, Repo};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(manifest_dir().join("fixtures").join("telemetry").join(name))
        .expect("fixture")
}

#[test]
fn flask_route_without_logging_is_reported_and_with_logging_is_not() {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("app/routes.py", &fixture("flask_bad.py"));
    r.write("tests/test_routes.py", "def test_it():\n    assert True\n");
    r.commit_all("route");
    let o = r.gate(&["check", "--base", "main"]);
    let out = stdout(&o);
    assert_eq!(code(&o), 0, "warnings do not fail:\n{out}");
    assert!(
        out.contains("GATE-TEL-001  app/routes.py:7  new handler get_user has no logging"),
        "{out}"
    );
    assert!(
        out.contains("GATE-TEL-002  app/routes.py:12  error swallowed in get_user"),
        "{out}"
    );

    r.write("app/routes.py", &fixture("flask_good.py"));
    r.commit_all("logging");
    let o = r.gate(&["check", "--base", "main"]);
    let out = stdout(&o);
    assert!(
        !out.contains("GATE-TEL-001") && !out.contains("GATE-TEL-002"),
        "{out}"
    );
}

#[test]
fn ai_authored_handler_without_telemetry_fails_under_the_strict_profile() {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("web/users.ts", &fixture("express_bad.ts"));
    r.write("web/users.test.ts", "test('x', () => {});\n");
    r.commit_all("route");
    let o = r.gate(&["check", "--base", "main", "--ai"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("telemetry is required on handlers"),
        "{}",
        stdout(&o)
    );
    r.write(".gate.yaml", "ai: {strict: false}\n");
    let o = r.gate(&["check", "--base", "main", "--ai", "--config-from-worktree"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn go_and_java_handlers_in_a_diff() {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("svc/server.go", &fixture("server_bad.go"));
    r.write(
        "svc/src/main/java/app/UserController.java",
        &fixture("UserControllerBad.java"),
    );
    r.commit_all("handlers");
    let o = r.gate(&["check", "--base", "main"]);
    let out = stdout(&o);
    assert!(
        out.contains("svc/server.go:8  new handler GetUser"),
        "{out}"
    );
    assert!(
        out.contains("svc/server.go:10  error swallowed in GetUser"),
        "{out}"
    );
    assert!(
        out.contains("UserController.java:7  new handler getUser"),
        "{out}"
    );
    assert!(
        out.contains("UserController.java:11  error swallowed in getUser"),
        "{out}"
    );
}

/// The parse budget: critical paths are analyzed first, then files in path order while they
/// fit; the rest are listed in the facts and reported (a warning past the budget, a note for
/// a file too large to parse), so a clean result never hides what was not looked at.
#[test]
fn files_past_the_parse_budget_are_listed_and_reported() {
    let r = Repo::new();
    // 600 bytes: the critical Go server (253) and the first Python route (325) fit.
    r.write(
        ".gate.yaml",
        "critical: [svc/payments/**]\ntelemetry: {budget_mb: 0.0006}\n",
    );
    r.commit_all("config");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("svc/payments/server.go", &fixture("server_bad.go"));
    r.write("a/routes.py", &fixture("flask_bad.py"));
    r.write("b/users.ts", &fixture("express_bad.ts"));
    r.write("c/more.py", &fixture("flask_bad.py"));
    let bundle = "export const x = 1;\n".repeat(2_300_000 / 20);
    r.write("web/bundle.js", &bundle);
    r.commit_all("handlers");

    let o = r.gate(&["facts", "--base", "main"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let facts: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("facts are JSON");
    let cov = &facts["coverage"]["telemetry"];
    assert_eq!(cov["budget_bytes"], 600, "{cov}");
    assert_eq!(cov["files"], 2, "{cov}");
    assert_eq!(cov["bytes"], 253 + 325, "{cov}");
    let skipped: Vec<(String, String)> = cov["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap_or_default().to_string(),
                s["reason"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        skipped,
        [
            ("b/users.ts", "budget"),
            ("c/more.py", "budget"),
            ("web/bundle.js", "too_large")
        ]
        .map(|(p, r)| (p.to_string(), r.to_string()))
    );
    let analyzed: Vec<&str> = facts["telemetry"]
        .as_array()
        .expect("telemetry")
        .iter()
        .filter_map(|t| t["path"].as_str())
        .collect();
    assert!(analyzed.contains(&"svc/payments/server.go"), "{analyzed:?}");
    assert!(analyzed.contains(&"a/routes.py"), "{analyzed:?}");
    assert!(!analyzed
        .iter()
        .any(|p| p.starts_with("b/") || p.starts_with("c/")));

    let o = r.gate(&["check", "--base", "main"]);
    let out = stdout(&o);
    assert!(
        out.contains("telemetry not analyzed in 2 files (615 bytes) past the 600 bytes parse budget: b/users.ts, c/more.py"),
        "{out}"
    );
    assert!(
        out.contains("telemetry not analyzed in 1 file larger than 2 MiB: web/bundle.js"),
        "{out}"
    );
    // The critical handler was analyzed (and blocks: a critical path).
    assert!(
        out.contains("svc/payments/server.go:8  new handler GetUser"),
        "{out}"
    );
}

#[test]
fn a_budget_that_is_not_a_size_is_a_configuration_error() {
    let r = Repo::new();
    r.write(".gate.yaml", "telemetry: {budget_mb: -1}\n");
    r.write("app.py", "print(1)\n");
    let o = r.gate(&["check", "--all"]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.contains(".gate.yaml") && err.contains("telemetry.budget_mb"),
        "{err}"
    );
}
