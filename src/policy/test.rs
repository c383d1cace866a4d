//! `gate policy test`: regorus has no `opa test`, so gate finds every `test_*` rule in the
//! `*_test.rego` files and evaluates it; a test passes when its value is `true`.

use std::time::Duration;

use anyhow::{bail, Result};
use rayon::prelude::*;
use regex::Regex;

use super::{Engine, PolicySet};

#[derive(Debug, Clone)]
pub struct TestResult {
    pub package: String,
    pub name: String,
    pub origin: String,
    pub passed: bool,
    pub detail: Option<String>,
}

/// Runs the tests of the sources selected by `which` (all of `set` is loaded, so tests can use
/// built-in packages).
pub fn run(
    set: &PolicySet,
    data: serde_json::Value,
    timeout: Duration,
    which: impl Fn(&super::PolicySource) -> bool,
) -> Result<Vec<TestResult>> {
    let engine = Engine::with_tests(set, data, timeout, true)?;
    let package_re = Regex::new(r"(?m)^\s*package\s+([A-Za-z_][\w.]*)").expect("static regex");
    let test_re = Regex::new(r"(?m)^(test_[A-Za-z0-9_]*)\b").expect("static regex");
    let mut tests = Vec::new();
    for src in set.sources.iter().filter(|s| s.is_test() && which(s)) {
        let Some(pkg) = package_re.captures(&src.text).map(|c| c[1].to_string()) else {
            bail!("{}: no package declaration", src.origin);
        };
        let mut names: Vec<String> = test_re
            .captures_iter(&src.text)
            .map(|c| c[1].to_string())
            .collect();
        names.dedup();
        for name in names {
            if !tests
                .iter()
                .any(|(p, n, _): &(String, String, String)| *p == pkg && *n == name)
            {
                tests.push((pkg.clone(), name, src.origin.clone()));
            }
        }
    }
    let input = regorus::Value::new_object();
    let mut results: Vec<TestResult> = tests
        .par_iter()
        .map(|(pkg, name, origin)| {
            let q = format!("data.{pkg}.{name}");
            let (passed, detail) = match engine.eval_value(&input, &q) {
                Ok(Some(serde_json::Value::Bool(true))) => (true, None),
                Ok(Some(v)) => (false, Some(format!("value is {v}, not true"))),
                Ok(None) => (
                    false,
                    Some("undefined (a condition in the test is false)".to_string()),
                ),
                Err(e) => (false, Some(format!("{e:#}"))),
            };
            TestResult {
                package: pkg.clone(),
                name: name.clone(),
                origin: origin.clone(),
                passed,
                detail,
            }
        })
        .collect();
    results.sort_by(|a, b| (&a.origin, &a.name).cmp(&(&b.origin, &b.name)));
    Ok(results)
}
