//! Production feedback end to end: a Flask, an Express and a Go service in one repository,
//! an OTLP JSON trace export of all three (written here in the Collector file exporter's
//! format: one ExportTraceServiceRequest per line), summarized with `gate signals
//! summarize`, then changes checked against the summary with `gate check --signals`.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

use crate::util::{code, gate_bin, stderr, stdout, Repo};

/// 2025-11-30T00:00:00Z.
const T0: u64 = 1_764_460_800_000_000_000;

const BILLING: &str = r#"import logging

log = logging.getLogger(__name__)

def charge(order):
    log.info("charging order %s", order.id)
    total = order.amount + order.tax
    return gateway.capture(order.card, total)

def format_receipt(order):
    lines = [order.id, order.amount]
    return "\n".join(str(x) for x in lines)

def refund(order):
    return gateway.refund(order.card, order.amount)

def legacy_refund(order):
    return gateway.void(order.card)
"#;

const FLASK: &str = r#"from flask import Flask, request
from app.billing import charge, format_receipt, refund

app = Flask(__name__)

@app.post("/charge")
def charge_route():
    return charge(request.json)
"#;

const EXPRESS: &str = r#"const express = require("express");
const app = express();

app.get("/users/:id", async (req, res) => {
  const user = await db.users.find(req.params.id);
  res.json(user);
});

app.listen(3000);
"#;

const GO: &str = r#"package main

import (
	"context"
	"log"
)

type checkoutService struct{}

func main() {
	log.Println("starting")
}

func (cs *checkoutService) PlaceOrder(ctx context.Context, req *PlaceOrderRequest) (*PlaceOrderResponse, error) {
	order := newOrder(req)
	return &PlaceOrderResponse{Order: order}, nil
}
"#;

fn s(k: &str, v: &str) -> Value {
    json!({"key": k, "value": {"stringValue": v}})
}

fn i(k: &str, v: u64) -> Value {
    json!({"key": k, "value": {"intValue": v.to_string()}})
}

#[allow(clippy::too_many_arguments)]
fn span(
    trace: u64,
    id: u64,
    parent: u64,
    kind: Value,
    start: u64,
    dur: u64,
    attrs: Vec<Value>,
    err: bool,
) -> Value {
    json!({
        "traceId": format!("{trace:032x}"), "spanId": format!("{id:016x}"),
        "parentSpanId": if parent == 0 { String::new() } else { format!("{parent:016x}") },
        "name": "op", "kind": kind,
        "startTimeUnixNano": start.to_string(), "endTimeUnixNano": (start + dur).to_string(),
        "attributes": attrs, "status": if err { json!({"code": 2}) } else { json!({}) }
    })
}

fn resource(service: &str, spans: Vec<Value>) -> Value {
    json!({"resource": {"attributes": [s("service.name", service)]},
           "scopeSpans": [{"scope": {"name": "instrumentation"}, "spans": spans}]})
}

/// The export: billing serves 500 requests, 90% of them through charge() (6% failing, ~40
/// ms), 5% format_receipt() (1 ms, no errors, newer semantic conventions), 5% refund(); web
/// answers GET /users/:id (route only); checkout answers PlaceOrder over gRPC. 50 requests a
/// line.
fn export() -> String {
    let mut out = String::new();
    let mut charges = 0u64;
    for batch in 0..10u64 {
        let (mut billing, mut web, mut checkout) = (Vec::new(), Vec::new(), Vec::new());
        for r in batch * 50..(batch + 1) * 50 {
            let start = T0 + r * 1_000_000_000;
            let root = 2 * r + 1;
            let (route, child, err) = match r % 100 {
                k if k < 90 => {
                    let err = charges % 50 < 3;
                    charges += 1;
                    let attrs = vec![
                        s("code.filepath", "/srv/billing/app/billing.py"),
                        s("code.function", "charge"),
                        i("code.lineno", 5),
                    ];
                    (
                        "/charge",
                        span(r, root + 1, root, json!(1), start, 40_000_000, attrs, err),
                        err,
                    )
                }
                k if k < 95 => {
                    let attrs = vec![
                        s("code.file.path", "/srv/billing/app/billing.py"),
                        s("code.function.name", "format_receipt"),
                        i("code.line.number", 10),
                    ];
                    (
                        "/receipt",
                        span(r, root + 1, root, json!(1), start, 1_000_000, attrs, false),
                        false,
                    )
                }
                _ => {
                    let attrs = vec![
                        s("code.filepath", "/srv/billing/app/billing.py"),
                        s("code.function", "refund"),
                    ];
                    (
                        "/refund",
                        span(r, root + 1, root, json!(1), start, 9_000_000, attrs, false),
                        false,
                    )
                }
            };
            let attrs = vec![
                s("http.request.method", "POST"),
                s("http.route", route),
                i("http.response.status_code", if err { 500 } else { 200 }),
            ];
            billing.push(span(r, root, 0, json!(2), start, 45_000_000, attrs, err));
            billing.push(child);
            if r % 5 == 0 {
                let attrs = vec![
                    s("http.method", "GET"),
                    s("http.route", "/users/:id"),
                    i("http.status_code", 200),
                ];
                web.push(span(
                    r + 1000,
                    1,
                    0,
                    json!("SPAN_KIND_SERVER"),
                    start,
                    3_000_000,
                    attrs,
                    false,
                ));
            }
            if r % 10 == 0 {
                let attrs = vec![
                    s("rpc.system", "grpc"),
                    s("rpc.service", "oteldemo.CheckoutService"),
                    s("rpc.method", "PlaceOrder"),
                ];
                checkout.push(span(
                    r + 2000,
                    1,
                    0,
                    json!(2),
                    start,
                    80_000_000,
                    attrs,
                    false,
                ));
                let attrs = vec![
                    s("code.function.name", "main.(*checkoutService).PlaceOrder"),
                    s("code.file.path", "/app/main.go"),
                ];
                checkout.push(span(
                    r + 2000,
                    2,
                    1,
                    json!(1),
                    start,
                    75_000_000,
                    attrs,
                    false,
                ));
            }
        }
        let req = json!({"resourceSpans": [
            resource("billing", billing), resource("web", web), resource("checkout", checkout)
        ]});
        out.push_str(&serde_json::to_string(&req).expect("json"));
        out.push('\n');
    }
    out
}

/// gate with today pinned (the export's window ends 2025-11-30), in `dir`.
fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(gate_bin())
        .current_dir(dir)
        .args(args)
        .env("GATE_TODAY", "2025-12-01")
        .env_remove("GITHUB_BASE_REF")
        .env_remove("GITHUB_EVENT_PATH")
        .stdin(Stdio::null())
        .output()
        .expect("gate runs")
}

/// A repository with the three services, and a summary of their export beside it.
fn setup() -> (Repo, tempfile::TempDir) {
    let r = Repo::new();
    r.write("billing/app/billing.py", BILLING);
    r.write("billing/app/__init__.py", FLASK);
    r.write("billing/requirements.txt", "flask==3.0.0\n");
    r.write("web/server.js", EXPRESS);
    r.write(
        "web/package.json",
        "{\"name\": \"web\", \"dependencies\": {\"express\": \"4.19.2\"}}\n",
    );
    r.write("checkout/main.go", GO);
    r.write("checkout/go.mod", "module checkout\n\ngo 1.22\n");
    r.commit_all("three services");
    let out = tempfile::tempdir().expect("tempdir");
    std::fs::write(out.path().join("traces.jsonl"), export()).expect("write export");
    let o = run(
        out.path(),
        &["signals", "summarize", "traces.jsonl", "-o", "summary.json"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    (r, out)
}

/// The production findings and facts of a check of the last commit.
fn check(r: &Repo, summary: &Path) -> (Vec<(String, String)>, Value) {
    let sig = summary.display().to_string();
    let o = run(
        r.path(),
        &[
            "check",
            "--base",
            "HEAD~1",
            "--config-from-worktree",
            "--signals",
            &sig,
            "--format",
            "json",
        ],
    );
    assert!(code(&o) < 2, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("json report");
    let findings = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| {
            f["rule"]
                .as_str()
                .is_some_and(|r| r.starts_with("GATE-PRD"))
        })
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let o = run(
        r.path(),
        &[
            "facts",
            "--base",
            "HEAD~1",
            "--config-from-worktree",
            "--signals",
            &sig,
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let facts: Value = serde_json::from_str(&stdout(&o)).expect("facts");
    (findings, facts["production"].clone())
}

fn edit(r: &Repo, rel: &str, from: &str, to: &str) {
    let p = r.path().join(rel);
    let text = std::fs::read_to_string(&p).expect("read");
    assert!(text.contains(from), "{rel} has no {from:?}");
    r.write(rel, &text.replacen(from, to, 1));
    r.commit_all("edit");
}

#[test]
fn summary_holds_the_figures_and_is_deterministic() {
    let (_r, out) = setup();
    let text = std::fs::read_to_string(out.path().join("summary.json")).expect("summary");
    let v: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(v["format"], "gate-signals-summary");
    assert_eq!(v["window"]["start"], "2025-11-30T00:00:00Z");
    let billing = v["services"]
        .as_array()
        .expect("services")
        .iter()
        .find(|s| s["name"] == "billing")
        .expect("billing");
    assert_eq!(billing["requests"], 500);
    let charge = billing["locations"]
        .as_array()
        .expect("locations")
        .iter()
        .find(|l| l["function"] == "charge")
        .expect("charge");
    assert_eq!(
        (charge["spans"].as_u64(), charge["errors"].as_u64()),
        (Some(450), Some(27))
    );
    assert_eq!(
        (charge["share"].as_f64(), charge["error_rate"].as_f64()),
        (Some(0.9), Some(0.06))
    );
    let p50 = charge["p50_ms"].as_f64().unwrap_or(0.0);
    assert!((p50 - 40.0).abs() < 1.5, "{p50}");
    // No attribute value but the code locations and routes: no ids, no span names.
    assert!(
        !text.contains("traceId") && !text.contains("\"op\""),
        "{text}"
    );
    // The same export, gzipped and summarized with one thread, gives the same bytes.
    let gz = out.path().join("traces.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).expect("create"),
        flate2::Compression::default(),
    );
    std::io::Write::write_all(&mut enc, export().as_bytes()).expect("gzip");
    enc.finish().expect("finish");
    let o = run(out.path(), &["signals", "summarize", "traces.jsonl.gz"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        stdout(&o).replace("traces.jsonl.gz", "traces.jsonl"),
        text,
        "a gzipped export summarizes the same"
    );
    // A summary of the summary is the summary.
    let o = run(out.path(), &["signals", "summarize", "summary.json"]);
    assert_eq!(stdout(&o), text);
}

#[test]
fn a_change_to_the_hot_path_is_reported_with_its_figures() {
    let (r, out) = setup();
    edit(
        &r,
        "billing/app/billing.py",
        "total = order.amount + order.tax",
        "total = order.amount + order.tax + order.fee",
    );
    let (findings, prod) = check(&r, &out.path().join("summary.json"));
    let hot: Vec<&String> = findings
        .iter()
        .filter(|(id, _)| id == "GATE-PRD-001")
        .map(|(_, m)| m)
        .collect();
    assert_eq!(hot.len(), 1, "{findings:?}");
    assert!(
        hot[0].starts_with("charge in billing/app/billing.py serves 90.0% of billing's requests (450 of 500 in 9 minutes to 2025-11-30; 6.0% errors, p50 40."),
        "{}",
        hot[0]
    );
    assert!(hot[0].contains("add tests for it"), "{}", hot[0]);
    let errors: Vec<&String> = findings
        .iter()
        .filter(|(id, _)| id == "GATE-PRD-002")
        .map(|(_, m)| m)
        .collect();
    assert_eq!(errors.len(), 1, "{findings:?}");
    assert!(
        errors[0].contains("fails 6.0% of its 450 calls in billing"),
        "{}",
        errors[0]
    );
    let sig = out.path().join("summary.json").display().to_string();
    let o = run(
        r.path(),
        &[
            "check",
            "--base",
            "HEAD~1",
            "--signals",
            &sig,
            "--format",
            "markdown",
        ],
    );
    let md = stdout(&o);
    assert!(md.contains("| charge (billing/app/billing.py:5) 🔥 | billing | 90.0% | 450 | 6.0% | 40.4 ms | 40.4 ms |"), "{md}");
    assert!(
        md.contains("summary.json (2025-11-30T00:00:00Z to 2025-11-30T00:08:19Z)"),
        "{md}"
    );
    let f = &prod["functions"][0];
    assert_eq!(f["function"], "charge");
    assert_eq!(f["matched_by"], "code");
    assert_eq!(f["traffic_share"], 0.9);
    assert_eq!(f["error_rate"], 0.06);
    assert_eq!(prod["sources"][0]["kind"], "summary");
}

#[test]
fn a_fast_error_free_function_is_not_a_hot_path() {
    let (r, out) = setup();
    edit(
        &r,
        "billing/app/billing.py",
        "lines = [order.id, order.amount]",
        "lines = [order.id, order.amount, order.currency]",
    );
    let (findings, prod) = check(&r, &out.path().join("summary.json"));
    assert!(findings.is_empty(), "{findings:?}");
    let f = &prod["functions"][0];
    assert_eq!(f["function"], "format_receipt");
    assert_eq!(
        (f["traffic_share"].as_f64(), f["errors"].as_u64()),
        (Some(0.05), Some(0))
    );
    assert!(
        (f["p95_ms"].as_f64().unwrap_or(0.0) - 1.0).abs() < 0.05,
        "{f}"
    );
}

#[test]
fn removing_the_logging_call_from_the_hot_path_is_reported() {
    let (r, out) = setup();
    edit(
        &r,
        "billing/app/billing.py",
        "    log.info(\"charging order %s\", order.id)\n",
        "",
    );
    let (findings, prod) = check(&r, &out.path().join("summary.json"));
    let removed: Vec<&String> = findings
        .iter()
        .filter(|(id, _)| id == "GATE-PRD-003")
        .map(|(_, m)| m)
        .collect();
    assert_eq!(removed.len(), 1, "{findings:?}");
    assert!(removed[0].starts_with("the change removes logging from charge in billing/app/billing.py, which serves 90.0% of billing's requests"), "{}", removed[0]);
    assert_eq!(prod["functions"][0]["removed_signals"], json!(["logging"]));
    // With the removal, the error rate is no longer only a note.
    let o = run(
        r.path(),
        &[
            "check",
            "--base",
            "HEAD~1",
            "--signals",
            &out.path().join("summary.json").display().to_string(),
            "--format",
            "json",
        ],
    );
    let v: Value = serde_json::from_str(&stdout(&o)).expect("json");
    let lvl = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "GATE-PRD-002")
        .map(|f| f["level"].clone());
    assert_eq!(lvl, Some(json!("warning")), "{v}");
}

#[test]
fn route_and_go_handlers_are_joined_and_dead_code_is_a_note() {
    let (r, out) = setup();
    r.write(
        "web/server.js",
        &EXPRESS.replace("res.json(user);", "res.json({ user });"),
    );
    r.write(
        "checkout/main.go",
        &GO.replace(
            "order := newOrder(req)",
            "order := newOrder(req)\n\torder.Validate()",
        ),
    );
    r.write(
        "billing/app/billing.py",
        &BILLING.replace(
            "gateway.void(order.card)",
            "gateway.void(order.card, reason=None)",
        ),
    );
    // The Go service runs from /app in its container.
    r.write(".gate.yaml", "production:\n  paths: {/app/: checkout/}\n");
    r.commit_all("three edits");
    // The raw export works as well as the summary.
    let (findings, prod) = check(&r, &out.path().join("traces.jsonl"));
    let fs = prod["functions"].as_array().expect("functions");
    let by = |path: &str| {
        fs.iter()
            .find(|f| f["path"] == path)
            .unwrap_or_else(|| panic!("{path}: {prod}"))
    };
    let web = by("web/server.js");
    assert_eq!(
        (web["service"].as_str(), web["matched_by"].as_str()),
        (Some("web"), Some("route")),
        "{web}"
    );
    assert_eq!(web["requests"], 100);
    let go = by("checkout/main.go");
    assert_eq!(
        (go["function"].as_str(), go["matched_by"].as_str()),
        (Some("checkoutService.PlaceOrder"), Some("code")),
        "{go}"
    );
    let dead = by("billing/app/billing.py");
    assert_eq!(
        (dead["function"].as_str(), dead["observed"].as_bool()),
        (Some("legacy_refund"), Some(false))
    );
    assert!(
        findings
            .iter()
            .any(|(id, m)| id == "GATE-PRD-005" && m.contains("none from legacy_refund")),
        "{findings:?}"
    );
    assert_eq!(
        findings
            .iter()
            .filter(|(id, _)| id == "GATE-PRD-001")
            .count(),
        2,
        "{findings:?}"
    );
    assert_eq!(prod["sources"][0]["kind"], "otlp");
}

#[test]
fn bad_or_missing_signals_fail_closed_and_configured_missing_ones_are_a_note() {
    let (r, out) = setup();
    let bad = out.path().join("bad.jsonl");
    let good = export();
    let first = good.lines().next().expect("a line");
    std::fs::write(&bad, format!("{first}\n{first}\n{{\"resourceSpans\": [{{\"scopeSpans\": [{{\"spans\": [{{\"kind\": 2}}]}}]}}]}}\n")).expect("write");
    let o = run(out.path(), &["signals", "summarize", "bad.jsonl"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("bad.jsonl:3:"), "{}", stderr(&o));
    assert!(stderr(&o).contains("startTimeUnixNano"), "{}", stderr(&o));
    edit(
        &r,
        "billing/app/billing.py",
        "total = order.amount + order.tax",
        "total = order.amount",
    );
    let o = run(
        r.path(),
        &[
            "check",
            "--base",
            "HEAD~1",
            "--signals",
            &bad.display().to_string(),
        ],
    );
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    let o = run(
        r.path(),
        &["check", "--base", "HEAD~1", "--signals", "nowhere.json"],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("nowhere.json"), "{}", stderr(&o));
    // Configured but not there yet: judged without production data, and told so.
    r.write(
        ".gate.yaml",
        "production:\n  signals: [.gate/signals.json]\n",
    );
    r.commit_all("configure signals");
    edit(
        &r,
        "billing/app/billing.py",
        "total = order.amount",
        "total = order.amount + 1",
    );
    let o = run(r.path(), &["check", "--base", "HEAD~1", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("production signals .gate/signals.json do not exist"),
        "{}",
        stdout(&o)
    );
}
