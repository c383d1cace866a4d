//! The CI-native formats, read by real consumers: JUnit XML parsed by `junitparser` (the
//! parser behind many CI report tools; strict XML), GitLab Code Quality checked against the
//! fields GitLab documents (JSON Schema, `jsonschema`). Both from PyPI; .ci/run installs them.

use std::process::Command;

use crate::util::{code, in_ci, stderr, stdout, Repo};

/// Runs a Python snippet with `arg`; None (skipped) when python3 or the module is missing
/// outside CI.
fn python(module: &str, script: &str, arg: &str) -> Option<String> {
    let have = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .status()
        .is_ok_and(|s| s.success());
    if !have {
        assert!(
            !in_ci(),
            "python3 with {module} must be installed in CI (.ci/run)"
        );
        eprintln!("skipped: python3 module {module} is not installed (see .ci/run)");
        return None;
    }
    let o = Command::new("python3")
        .args(["-c", script, arg])
        .output()
        .expect("python3 runs");
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    Some(String::from_utf8_lossy(&o.stdout).into_owned())
}

/// A change with a blocking finding (an AWS key) and a suppressed one.
fn repo_with_findings() -> Repo {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("app/settings.py", "KEY = \"AKIAZ3MHQX7EW2LKQ4PN\"\n");
    r.write(
        "deploy/ci.py",
        "TOKEN = \"ghp_R8x2LqT7vN4mZ1kP9sW3dY6hJ0cF5bA2eG8u\"  # gate:allow GATE-SEC-001 revoked <&>\n",
    );
    r.commit_all("feature");
    r
}

const JUNIT: &str = r#"
import sys
from junitparser import JUnitXml, Failure, Skipped
xml = JUnitXml.fromfile(sys.argv[1])
suites = list(xml) if hasattr(xml, "__iter__") else [xml]
failures = skipped = cases = 0
for suite in suites:
    assert suite.name == "gate", suite.name
    for case in suite:
        cases += 1
        for r in case.result:
            if isinstance(r, Failure):
                failures += 1
                assert r.type.startswith("GATE-"), r.type
                assert r.message, "failure without a message"
            if isinstance(r, Skipped):
                skipped += 1
print(f"cases={cases} failures={failures} skipped={skipped}")
"#;

#[test]
fn junit_is_read_by_a_junit_parser() {
    let r = repo_with_findings();
    let out = r.path().join("gate.xml");
    let o = r.gate(&[
        "check",
        "--base",
        "main",
        "--report",
        &format!("junit={}", out.display()),
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let xml = std::fs::read_to_string(&out).expect("junit written");
    assert!(
        !xml.contains("AKIAZ3MHQX7EW2LKQ4PN"),
        "secret in the report"
    );
    let Some(parsed) = python("junitparser", JUNIT, out.to_str().expect("utf-8")) else {
        return;
    };
    assert!(parsed.contains("failures=1"), "{parsed}\n{xml}");
    assert!(parsed.contains("skipped=1"), "{parsed}\n{xml}");

    // A clean change: one passing case, no failure.
    let clean = Repo::new();
    clean.git(&["checkout", "-q", "-b", "feature"]);
    clean.write("docs/intro.md", "# Intro\n");
    clean.commit_all("docs");
    let o = clean.gate(&["check", "--base", "main", "--format", "junit"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let f = clean.path().join("clean.xml");
    std::fs::write(&f, stdout(&o)).expect("write");
    let parsed = python("junitparser", JUNIT, f.to_str().expect("utf-8")).expect("parsed");
    assert!(parsed.contains("failures=0"), "{parsed}");
}

/// GitLab's documented Code Quality fields as a schema (docs.gitlab.com, "Code Quality report
/// format": description, check_name, fingerprint, severity, location.path, location.lines.begin).
const CODEQUALITY: &str = r#"
import json, sys, jsonschema
schema = {
  "type": "array",
  "items": {
    "type": "object",
    "required": ["description", "check_name", "fingerprint", "severity", "location"],
    "properties": {
      "description": {"type": "string", "minLength": 1},
      "check_name": {"type": "string", "minLength": 1},
      "fingerprint": {"type": "string", "minLength": 1},
      "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
      "location": {
        "type": "object",
        "required": ["path", "lines"],
        "properties": {
          "path": {"type": "string", "minLength": 1},
          "lines": {"type": "object", "required": ["begin"],
                    "properties": {"begin": {"type": "integer", "minimum": 1}}}
        }
      }
    }
  }
}
doc = json.load(open(sys.argv[1]))
jsonschema.validate(doc, schema)
fps = [i["fingerprint"] for i in doc]
assert len(fps) == len(set(fps)), "fingerprints must be unique"
print("issues=%d severities=%s" % (len(doc), ",".join(sorted(i["severity"] for i in doc))))
"#;

#[test]
fn codequality_matches_gitlabs_format() {
    let r = repo_with_findings();
    let o = r.gate(&["check", "--base", "main", "--format", "codequality"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        !text.contains("AKIAZ3MHQX7EW2LKQ4PN"),
        "secret in the report"
    );
    let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let issues = doc.as_array().expect("an array");
    assert!(issues
        .iter()
        .any(|i| i["check_name"] == "GATE-SEC-001" && i["location"]["path"] == "app/settings.py"));
    assert!(
        !issues
            .iter()
            .any(|i| i["check_name"] == "GATE-SEC-001" && i["location"]["path"] == "deploy/ci.py"),
        "suppressed findings are left out: {text}"
    );
    let f = r.path().join("cq.json");
    std::fs::write(&f, &text).expect("write");
    let Some(out) = python("jsonschema", CODEQUALITY, f.to_str().expect("utf-8")) else {
        return;
    };
    assert!(out.contains("blocker") || out.contains("critical"), "{out}");
}

/// GitHub shows 10 annotations of each level per step: gate stays within that, counting its
/// own verdict, puts the riskiest first and says how many it left out.
#[test]
fn annotations_stay_within_githubs_limits() {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    let keys = ["AKIAZ3MHQX7EW2LKQ4PN", "AKIAY7KQ2MXW4PLN3RTB"];
    for i in 0..12 {
        r.write(
            &format!("app/conf{i:02}.py"),
            &format!("KEY = \"{}\"\n", keys[i % 2]),
        );
    }
    r.commit_all("keys");
    let o = r.gate(&["check", "--base", "main", "--format", "github"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    let errors = out.lines().filter(|l| l.starts_with("::error ")).count();
    let notices = out.lines().filter(|l| l.starts_with("::notice ")).count();
    assert!(errors <= 10, "{errors} error annotations:\n{out}");
    assert!(notices <= 10, "{notices} notices:\n{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("::error title=gate verdict")),
        "the verdict is annotated:\n{out}"
    );
    let more = out
        .lines()
        .find(|l| l.contains("title=gate%3A more findings"))
        .unwrap_or_else(|| panic!("no 'more findings' notice:\n{out}"));
    assert!(
        more.contains("3 more findings not annotated (3 errors)"),
        "{more}"
    );
    for k in keys {
        assert!(!out.contains(k), "a key leaked");
    }
}

/// 1,500 blocking findings: the Markdown summary stays under a PR comment's 65,536
/// characters, leads with the verdict and the blocking findings, says how many it left out,
/// and carries the sticky-comment marker.
#[test]
fn markdown_fits_a_pr_comment_with_1500_blocking_findings() {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    let keys = ["AKIAZ3MHQX7EW2LKQ4PN", "AKIAY7KQ2MXW4PLN3RTB"];
    for i in 0..1500 {
        r.write(
            &format!("svc/m{:02}/conf{i:04}.py", i % 50),
            &format!("KEY = \"{}\"\n", keys[i % 2]),
        );
    }
    r.commit_all("keys");
    let o = r.gate(&["check", "--base", "main", "--format", "markdown"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let md = stdout(&o);
    let chars = md.chars().count();
    assert!(chars < 65_536, "{chars} characters");
    assert!(
        md.starts_with("<!-- gate-report -->\n## ❌ gate: FAIL"),
        "{}",
        &md[..200]
    );
    assert!(
        md.contains("**Blocking findings (1500)**"),
        "blocking findings lead"
    );
    let more = md
        .lines()
        .find(|l| l.contains("more findings not shown"))
        .expect("says how many are left out");
    assert!(more.contains("blocking findings"), "{more}");
    assert!(more.contains("SARIF or JSON report"), "{more}");
    for k in keys {
        assert!(!md.contains(k), "a key leaked");
    }
}
