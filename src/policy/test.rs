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

/// The sections every rule's help has, each a paragraph starting with its bold title
/// (`**What it finds:**`, `**Why it matters:**`, `**Example:**`, `**How to fix:**`).
pub const HELP_SECTIONS: [&str; 4] = ["What", "Why", "Example", "How to fix"];

/// A rule that does not meet the standard `gate policy test` holds every rule to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleProblem {
    pub rule: String,
    /// The file that declares the rule.
    pub origin: String,
    pub problem: String,
}

/// Checks every rule declared (`rules["ID"] := {...}`) in the sources `which` selects: its
/// help has the [`HELP_SECTIONS`], and the test file beside the rule's file (`x.rego` ->
/// `x_test.rego`) names its id. `rules` is the metadata the engine read.
pub fn lint(
    set: &PolicySet,
    rules: &std::collections::BTreeMap<String, super::RuleMeta>,
    which: impl Fn(&super::PolicySource) -> bool,
) -> Vec<RuleProblem> {
    let declared = Regex::new(r#"(?m)^\s*rules\[\s*"([^"]+)"\s*\]"#).expect("static regex");
    let sections: Vec<(&str, Regex)> = HELP_SECTIONS
        .iter()
        .map(|s| {
            let re = Regex::new(&format!(r"(?m)^\*\*{}\b[^*\n]*\*\*", regex::escape(s)));
            (*s, re.expect("static regex"))
        })
        .collect();
    let mut problems = Vec::new();
    for src in set.sources.iter().filter(|s| !s.is_test() && which(s)) {
        let test_rel = format!("{}_test.rego", src.rel.trim_end_matches(".rego"));
        let test = set.sources.iter().find(|t| t.rel == test_rel);
        let mut ids: Vec<&str> = declared
            .captures_iter(&src.text)
            .filter_map(|c| c.get(1).map(|m| m.as_str()))
            .collect();
        ids.dedup();
        for id in ids {
            let mut problem = |what: String| {
                problems.push(RuleProblem {
                    rule: id.to_string(),
                    origin: src.origin.clone(),
                    problem: what,
                })
            };
            match rules.get(id) {
                None => problem("its metadata was not read (is `rules` an object?)".into()),
                Some(meta) => {
                    let missing: Vec<&str> = sections
                        .iter()
                        .filter(|(_, re)| !re.is_match(&meta.help))
                        .map(|(s, _)| *s)
                        .collect();
                    if !missing.is_empty() {
                        problem(format!(
                            "its help lacks {} (each a paragraph starting `**{} ...:**`)",
                            missing.join(", "),
                            missing[0]
                        ));
                    }
                }
            }
            match test {
                None => problem(format!("no test file {test_rel} beside it")),
                Some(t) if !t.text.contains(id) => {
                    problem(format!("{} does not name it", t.origin))
                }
                Some(_) => {}
            }
        }
    }
    problems.sort_by(|a, b| (&a.origin, &a.rule).cmp(&(&b.origin, &b.rule)));
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{PolicySource, RuleMeta};

    fn source(rel: &str, text: &str) -> PolicySource {
        PolicySource {
            rel: rel.into(),
            origin: format!("test:{rel}"),
            text: text.into(),
            builtin: false,
        }
    }

    fn meta(id: &str, help: &str) -> (String, RuleMeta) {
        let m = RuleMeta {
            id: id.into(),
            name: "n".into(),
            summary: "s".into(),
            help: help.into(),
            ..RuleMeta::default()
        };
        (id.to_string(), m)
    }

    const FULL: &str =
        "**What it finds:** a.\n\n**Why it matters:** b.\n\n**Example:** c.\n\n**How to fix:** d.";

    #[test]
    fn a_rule_needs_every_help_section_and_a_test_beside_it_naming_it() {
        let set = PolicySet {
            sources: vec![
                source("x/good.rego", "package x\nrules[\"X-1\"] := {}\n"),
                source("x/good_test.rego", "package x\ntest_a if { \"X-1\" }\n"),
                source(
                    "x/bad.rego",
                    "package x\nrules[\"X-2\"] := {}\nrules[\"X-3\"] := {}\n",
                ),
                source("x/bad_test.rego", "package x\n# X-2 only\n"),
                source("x/lone.rego", "package x\nrules[\"X-4\"] := {}\n"),
            ],
        };
        let no_example = FULL.replace("**Example:** c.\n\n", "");
        let rules = [
            meta("X-1", FULL),
            meta("X-2", &no_example),
            meta("X-3", FULL),
            meta("X-4", "**What:** only"),
        ]
        .into_iter()
        .collect();
        let got: Vec<(String, String)> = lint(&set, &rules, |_| true)
            .into_iter()
            .map(|p| (p.rule, p.problem))
            .collect();
        assert_eq!(got.len(), 4, "{got:?}");
        assert!(
            got[0].0 == "X-2" && got[0].1.contains("lacks Example"),
            "{got:?}"
        );
        assert!(
            got[1].0 == "X-3" && got[1].1.contains("does not name it"),
            "{got:?}"
        );
        assert!(got[2].0 == "X-4" && got[2].1.contains("lacks Why, Example, How to fix"));
        assert!(got[3].0 == "X-4" && got[3].1.contains("no test file x/lone_test.rego"));
    }

    #[test]
    fn a_section_title_mentioned_inside_a_paragraph_does_not_count() {
        let set = PolicySet {
            sources: vec![
                source("y/r.rego", "package y\nrules[\"Y-1\"] := {}\n"),
                source("y/r_test.rego", "Y-1"),
            ],
        };
        let help = FULL.replace("\n\n**Example:** c.", " (see **Example:** below)");
        let rules = [meta("Y-1", &help)].into_iter().collect();
        let got = lint(&set, &rules, |_| true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].problem.contains("lacks Example"));
    }
}
