//! Missing telemetry, end to end: a new Flask route that swallows an error is reported with
//! the function and line; the same route with logging is not.

use crate::util::{code, manifest_dir, stdout, Repo};

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
