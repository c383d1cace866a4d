//! Missing telemetry, end to end, as an SRE judges it: per service, not per function body.
//! Small services written for these tests (fixtures/telemetry/services/) are committed to a
//! scratch repository and checked as a pull request, or whole with `--all`.

use std::path::Path;

use crate::util::{code, manifest_dir, stderr, stdout, Repo};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(manifest_dir().join("fixtures").join("telemetry").join(name))
        .expect("fixture")
}

/// Copies fixtures/telemetry/services/<name> to `dest` in the repository.
fn copy_service(r: &Repo, name: &str, dest: &str) {
    let root = manifest_dir()
        .join("fixtures/telemetry/services")
        .join(name);
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("fixture dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(&root).expect("under root");
                let to = Path::new(dest).join(rel);
                r.write(
                    to.to_str().expect("utf-8 path"),
                    &std::fs::read_to_string(&p).expect("fixture file"),
                );
            }
        }
    }
}

/// The GATE-TEL findings of a check: `(rule, path:line, message)`.
fn tel(r: &Repo, args: &[&str]) -> Vec<(String, String, String)> {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    let o = r.gate(&a);
    assert!(code(&o) < 2, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json report");
    let mut out: Vec<(String, String, String)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| {
            f["rule"]
                .as_str()
                .is_some_and(|r| r.starts_with("GATE-TEL"))
        })
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                format!(
                    "{}:{}",
                    f["path"].as_str().unwrap_or_default(),
                    f["line"].as_u64().unwrap_or(0)
                ),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn facts(r: &Repo, args: &[&str]) -> serde_json::Value {
    let o = r.gate(args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("facts are JSON")
}

fn rules(f: &[(String, String, String)]) -> Vec<&str> {
    f.iter().map(|(r, _, _)| r.as_str()).collect()
}

/// A pull request adding a service with no request telemetry: one finding at its entrypoint
/// naming the new handlers (not one per handler), and the terminal error middleware that
/// answers 500 without logging.
#[test]
fn a_new_service_without_request_telemetry_is_one_finding() {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    copy_service(&r, "express_plain", "shop");
    r.commit_all("shop service");
    let f = tel(&r, &["check", "--base", "main"]);
    assert_eq!(rules(&f), ["GATE-TEL-006", "GATE-TEL-008"], "{f:#?}");
    assert_eq!(f[0].1, "shop/server.js:4");
    assert_eq!(
        f[0].2,
        "new service at shop (express app) starts with no request telemetry: handlers GET /orders, POST /orders; add the framework's tracing or request-logging middleware"
    );
    assert_eq!(f[1].1, "shop/server.js:6");

    // The same service with morgan and a logging error handler: nothing to report.
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    copy_service(&r, "express_morgan", "shop");
    r.commit_all("shop service");
    assert_eq!(tel(&r, &["check", "--base", "main"]), []);
}

/// An existing service without request telemetry gains a handler: GATE-TEL-001, once,
/// naming it; the service's setup is read from the repository, not only from the diff.
#[test]
fn new_handlers_in_an_existing_uninstrumented_service() {
    let r = Repo::new();
    copy_service(&r, "express_plain", "shop");
    r.commit_all("shop service");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write(
        "shop/refunds.js",
        "const router = require(\"express\").Router();\nrouter.post(\"/refunds\", async (req, res) => {\n  res.status(201).end();\n});\nmodule.exports = router;\n",
    );
    r.commit_all("refunds");
    let f = tel(&r, &["check", "--base", "main"]);
    assert_eq!(
        f,
        [(
            "GATE-TEL-001".to_string(),
            "shop/refunds.js:2".to_string(),
            "the service at shop has no request telemetry (no tracing, request logging or metrics) and gains 1 handler: POST /refunds; add the framework's tracing or request-logging middleware".to_string()
        )]
    );
    // In a service with morgan set up, the same handler is observed.
    let r = Repo::new();
    copy_service(&r, "express_morgan", "shop");
    r.commit_all("shop service");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write(
        "shop/refunds.js",
        "const router = require(\"express\").Router();\nrouter.post(\"/refunds\", async (req, res) => {\n  res.status(201).end();\n});\nmodule.exports = router;\n",
    );
    r.commit_all("refunds");
    assert_eq!(tel(&r, &["check", "--base", "main"]), []);
    let v = facts(&r, &["facts", "--base", "main"]);
    let s = &v["telemetry_services"][0];
    assert_eq!(s["root"], "shop");
    assert_eq!(s["requests"][0]["id"], "morgan");
    assert_eq!(s["requests"][0]["path"], "shop/server.js");
    let h = &v["telemetry"][0];
    assert_eq!(
        (
            h["kind"].as_str(),
            h["route"].as_str(),
            h["covered_by"][0].as_str()
        ),
        (Some("http_handler"), Some("POST /refunds"), Some("morgan"))
    );
}

/// Service-level instrumentation of each stack observes its routes: gin.Default(), gunicorn
/// started with its access log, tower-http's TraceLayer, actix's Logger, Spring's actuator,
/// opentelemetry-instrument in a Dockerfile, the Java agent.
#[test]
fn instrumented_services_of_every_stack_are_quiet_about_their_routes() {
    for (service, expect) in [
        ("gin_default", &["GATE-TEL-007"][..]),
        ("flask_gunicorn", &["GATE-TEL-008"][..]),
        ("axum_trace", &["GATE-TEL-008"][..]),
        ("actix_paths", &[][..]),
        ("spring_actuator", &[][..]),
        ("grpc_python", &[][..]),
        ("grpc_java", &[][..]),
    ] {
        let r = Repo::new();
        r.git(&["checkout", "-q", "-b", "feature"]);
        copy_service(&r, service, "svc");
        r.commit_all(service);
        let f = tel(&r, &["check", "--base", "main"]);
        assert_eq!(rules(&f), expect, "{service}: {f:#?}");
        let v = facts(&r, &["facts", "--base", "main"]);
        let handlers: Vec<&serde_json::Value> = v["telemetry"]
            .as_array()
            .expect("telemetry")
            .iter()
            .filter(|t| t["kind"] == "http_handler")
            .collect();
        assert!(!handlers.is_empty(), "{service}: {v:#}");
        for h in handlers {
            assert!(
                h["covered_by"].as_array().is_some_and(|c| !c.is_empty()),
                "{service}: {h:#}"
            );
        }
    }
}

/// Rocket logs no request by itself: a fairing whose request or response callback logs
/// (vaultwarden's `BetterLogging`) is the service's request log, so a new route is observed;
/// a fairing that only sets headers is not, and the same route is GATE-TEL-001.
#[test]
fn a_rocket_fairing_that_logs_observes_every_route() {
    for (service, expect) in [
        ("rocket_fairing", &[][..]),
        ("rocket_plain", &["GATE-TEL-001"][..]),
    ] {
        let r = Repo::new();
        copy_service(&r, service, "ledger");
        r.commit_all(service);
        r.git(&["checkout", "-q", "-b", "feature"]);
        let api = "ledger/src/api/mod.rs";
        let before = std::fs::read_to_string(r.path().join(api)).expect("api");
        r.write(
            api,
            &format!(
                "{}\n#[delete(\"/entries/<id>\")]\nasync fn delete_entry(id: u64) -> Json<u64> {{\n    Json(id)\n}}\n",
                before.replace("routes![list_entries]", "routes![list_entries, delete_entry]")
            ),
        );
        r.commit_all("delete entries");
        let f = tel(&r, &["check", "--base", "main"]);
        assert_eq!(rules(&f), expect, "{service}: {f:#?}");
        let v = facts(&r, &["facts", "--base", "main"]);
        let requests = &v["telemetry_services"][0]["requests"];
        if expect.is_empty() {
            assert_eq!(requests[0]["id"], "rocket-logging-fairing", "{v:#}");
            assert_eq!(requests[0]["path"], "ledger/src/util.rs", "{v:#}");
        } else {
            assert_eq!(requests.as_array().map(Vec::len), Some(0), "{v:#}");
        }
    }
}

/// Errors followed to where they end: gin's validation error answered 422 and the lookup
/// default are fine, a failed write answered 422 is a masked failure; Flask's 500 handler runs
/// after Flask logged the exception, its `Exception` handler does not; an axum error type
/// answering 500 without logging is the one place every error ends.
#[test]
fn errors_are_followed_to_where_they_end() {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    copy_service(&r, "gin_default", "blog");
    copy_service(&r, "flask_gunicorn", "shop");
    copy_service(&r, "axum_trace", "api");
    r.commit_all("services");
    let f = tel(&r, &["check", "--base", "main"]);
    assert_eq!(
        f.iter()
            .map(|(r, at, _)| (r.as_str(), at.as_str()))
            .collect::<Vec<_>>(),
        [
            ("GATE-TEL-007", "blog/posts.go:39"),
            ("GATE-TEL-008", "api/src/main.rs:10"),
            ("GATE-TEL-008", "shop/routes.py:14"),
        ],
        "{f:#?}"
    );
    assert_eq!(
        f[0].2,
        "error of an internal operation in CreatePost is answered 422 and recorded nowhere; log it or record it on the span before answering"
    );
    let v = facts(&r, &["facts", "--base", "main"]);
    let outcome = |path: &str, line: u64| -> String {
        v["telemetry"]
            .as_array()
            .expect("telemetry")
            .iter()
            .find(|t| t["path"] == path && t["line"] == line && t["kind"] == "error_handler")
            .map(|t| t["outcome"].as_str().unwrap_or_default().to_string())
            .unwrap_or_default()
    };
    assert_eq!(outcome("blog/posts.go", 22), "fallback", "strconv default");
    assert_eq!(outcome("blog/posts.go", 26), "responded", "answered 500");
    assert_eq!(outcome("blog/posts.go", 35), "responded", "validation 422");
}

/// Handlers gate used to miss: gRPC servicers in Go (any package alias, unnamed
/// parameters), Python, Java and Node; Django class-based views through a local base class;
/// Next.js `export default wrapper(handler)`; actix `.to(path::fn)` registered in another
/// file. And not handlers: a function merely taking `*gin.Context`, client stubs, code under
/// `#[cfg(test)]`, private methods of a view.
#[test]
fn handlers_of_every_kind_with_their_routes() {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    for s in [
        "grpc_go",
        "grpc_python",
        "grpc_java",
        "grpc_node",
        "django_cbv",
        "nextjs",
        "actix_paths",
        "gin_default",
    ] {
        copy_service(&r, s, s);
    }
    r.commit_all("services");
    let v = facts(&r, &["facts", "--base", "main"]);
    let mut handlers: Vec<(String, String, String)> = v["telemetry"]
        .as_array()
        .expect("telemetry")
        .iter()
        .filter(|t| t["kind"] == "http_handler")
        .map(|t| {
            (
                t["path"].as_str().unwrap_or_default().to_string(),
                t["function"].as_str().unwrap_or_default().to_string(),
                t["route"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    handlers.sort();
    let want: Vec<(String, String, String)> = [
        (
            "actix_paths/src/app/users.rs",
            "register",
            "POST /api/users",
        ),
        (
            "django_cbv/shop/apis.py",
            "OrderListApi.get",
            "GET /orders/",
        ),
        (
            "django_cbv/shop/apis.py",
            "OrderListApi.post",
            "POST /orders/",
        ),
        ("gin_default/posts.go", "CreatePost", "POST /"),
        ("gin_default/posts.go", "ListPosts", "GET /"),
        (
            "grpc_go/billing.go",
            "billing.Charge",
            "BillingService/Charge",
        ),
        (
            "grpc_go/billing.go",
            "billing.ListInvoices",
            "BillingService/ListInvoices",
        ),
        (
            "grpc_java/src/main/java/shop/AdService.java",
            "AdServiceImpl.getAds",
            "AdService/getAds",
        ),
        (
            "grpc_node/index.js",
            "chargeHandler",
            "PaymentService/charge",
        ),
        (
            "grpc_python/server.py",
            "RecommendationService.ListRecommendations",
            "RecommendationService/ListRecommendations",
        ),
        ("nextjs/pages/api/cart.ts", "handler", "-"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(handlers, want, "{v:#}");
}

/// `--all` analyzes telemetry like any other change (it used to skip it), within the parse
/// budget, and says what the budget left out.
#[test]
fn check_all_analyzes_telemetry_within_the_budget() {
    let r = Repo::new();
    copy_service(&r, "express_plain", "shop");
    r.commit_all("shop");
    let f = tel(&r, &["check", "--all"]);
    assert_eq!(rules(&f), ["GATE-TEL-006", "GATE-TEL-008"], "{f:#?}");
    // 300 bytes: server.js (238 bytes) fits, orders.js does not.
    r.write(".gate.yaml", "telemetry: {budget_mb: 0.0003}\n");
    let v = facts(&r, &["facts", "--all"]);
    let cov = &v["coverage"]["telemetry"];
    assert_eq!(cov["files"], 1, "{cov}");
    assert_eq!(cov["skipped"][0]["path"], "shop/orders.js", "{cov}");
    assert_eq!(cov["skipped"][0]["reason"], "budget", "{cov}");
    let f = tel(&r, &["check", "--all"]);
    assert!(
        f.iter()
            .any(|(r, _, m)| r == "GATE-TEL-005" && m.contains("shop/orders.js")),
        "{f:#?}"
    );
}

/// A service whose setup files do not fit the context budget is not said to lack telemetry.
#[test]
fn unread_service_setup_is_reported_not_guessed() {
    let r = Repo::new();
    copy_service(&r, "express_morgan", "shop");
    r.commit_all("shop service");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write(".gate.yaml", "telemetry: {context_mb: 0.0001}\n");
    r.write(
        "shop/refunds.js",
        "const router = require(\"express\").Router();\nrouter.post(\"/refunds\", async (req, res) => {\n  res.status(201).end();\n});\nmodule.exports = router;\n",
    );
    r.commit_all("refunds");
    let f = tel(&r, &["check", "--base", "main", "--config-from-worktree"]);
    assert_eq!(rules(&f), ["GATE-TEL-005"], "{f:#?}");
    assert!(
        f[0].2.contains("service setup not fully read for shop"),
        "{f:#?}"
    );
}

/// An outbound call that bypasses the service's traced transport (http.Get beside an
/// otelhttp client) is the outbound gap worth reporting; the traced client's call is not.
#[test]
fn outbound_calls_bypassing_the_traced_transport() {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    copy_service(&r, "go_bypass", "web");
    r.commit_all("frontend");
    let f = tel(&r, &["check", "--base", "main"]);
    assert_eq!(
        f.iter()
            .map(|(r, at, _)| (r.as_str(), at.as_str()))
            .collect::<Vec<_>>(),
        [
            ("GATE-TEL-002", "web/quote.go:17"),
            ("GATE-TEL-003", "web/quote.go:16")
        ],
        "{f:#?}"
    );
    assert!(f[1].2.contains("http.Get (http:default)"), "{f:#?}");
}

/// GATE-TEL-001 is not in the strict profile's list (policies/ai/strict.rego): its replayed
/// precision is not high, so an AI-authored change gets the same warning, not a deny.
#[test]
fn ai_authored_handlers_in_an_uninstrumented_service_warn_and_strict_does_not_block_them() {
    let r = Repo::new();
    copy_service(&r, "express_plain", "shop");
    r.commit_all("shop service");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("shop/users.ts", &fixture("express_bad.ts"));
    r.write("shop/users.test.ts", "test('x', () => {});\n");
    r.commit_all("route");
    let o = r.gate(&["check", "--base", "main", "--ai"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    // A warning: listed in the text report's Warnings group.
    let out = stdout(&o);
    let warnings = out.split("Warnings (").nth(1).unwrap_or("");
    let warnings = warnings.split("\n\n").next().unwrap_or("");
    assert!(warnings.contains("\n  GATE-TEL-001 "), "{out}");
    assert!(
        !stdout(&o).contains("telemetry is required on handlers"),
        "{}",
        stdout(&o)
    );
    r.write(".gate.yaml", "ai: {strict: false}\n");
    let o = r.gate(&["check", "--base", "main", "--ai", "--config-from-worktree"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

/// The parse budget: critical paths are analyzed first, then files in path order while they
/// fit; the rest are listed in the facts and reported (a warning past the budget, a note for
/// a file too large to parse), so a clean result never hides what was not looked at.
#[test]
fn files_past_the_parse_budget_are_listed_and_reported() {
    let r = Repo::new();
    // 600 bytes: the critical Go server (259) and the first Python route (308) fit.
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

    let v = facts(&r, &["facts", "--base", "main"]);
    let cov = &v["coverage"]["telemetry"];
    assert_eq!(cov["budget_bytes"], 600, "{cov}");
    assert_eq!(cov["files"], 2, "{cov}");
    let go = fixture("server_bad.go").len() as u64;
    let py = fixture("flask_bad.py").len() as u64;
    assert_eq!(cov["bytes"], go + py, "{cov}");
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
    let analyzed: Vec<&str> = v["telemetry"]
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
        out.contains("past the 600 bytes parse budget: b/users.ts, c/more.py"),
        "{out}"
    );
    assert!(
        out.contains("telemetry not analyzed in 1 file larger than 2 MiB: web/bundle.js"),
        "{out}"
    );
    // The critical file's swallowed error was analyzed.
    assert!(
        out.contains("svc/payments/server.go:10  error swallowed in GetUser"),
        "{out}"
    );
}

#[test]
fn a_budget_that_is_not_a_size_is_a_configuration_error() {
    for cfg in [
        "telemetry: {budget_mb: -1}\n",
        "telemetry: {context_mb: -1}\n",
    ] {
        let r = Repo::new();
        r.write(".gate.yaml", cfg);
        r.write("app.py", "print(1)\n");
        let o = r.gate(&["check", "--all"]);
        assert_eq!(code(&o), 2, "{}", stdout(&o));
        let err = stderr(&o);
        assert!(
            err.contains(".gate.yaml") && err.contains("telemetry."),
            "{err}"
        );
    }
}
