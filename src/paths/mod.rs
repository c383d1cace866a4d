//! What a path is: ignored, a test, generated, critical, its language and its role.
//!
//! The lowest layer: every analyzer and the facts classify paths the same way, from the same
//! globs and the same tables ([`table`]), so they cannot disagree about what a test or a
//! lockfile is. The configuration's lists (`ignore`, `tests`, `critical`, `generated`,
//! `policies`) are compiled here once per run.

pub mod table;

use anyhow::{Context, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};

pub use table::{is_source_language, language, Role};

/// The path lists of a configuration, compiled.
#[derive(Debug, Clone)]
pub struct PathRules {
    ignore: GlobSet,
    tests: GlobSet,
    critical: GlobSet,
    generated: GlobSet,
    samples: GlobSet,
    benchmarks: GlobSet,
    /// Configured policy directories, without a trailing `/`.
    policy_dirs: Vec<String>,
}

/// The user's path lists (added to the built-in conventions for tests and generated code).
#[derive(Debug, Clone, Copy, Default)]
pub struct PathLists<'a> {
    pub ignore: &'a [String],
    pub tests: &'a [String],
    pub critical: &'a [String],
    pub generated: &'a [String],
    pub policies: &'a [String],
}

fn globset<'a>(field: &str, globs: impl IntoIterator<Item = &'a str>) -> Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        // `dir/` means everything below it; a bare name matches at any depth, as in .gitignore.
        let g = g.trim();
        let pattern = if let Some(dir) = g.strip_suffix('/') {
            format!("{dir}/**")
        } else {
            g.to_string()
        };
        let glob = Glob::new(&pattern).with_context(|| format!("{field}: invalid glob {g:?}"))?;
        b.add(glob);
        if !pattern.contains('/') {
            let deep = format!("**/{pattern}");
            b.add(Glob::new(&deep).with_context(|| format!("{field}: invalid glob {g:?}"))?);
        }
    }
    b.build()
        .with_context(|| format!("{field}: cannot compile globs"))
}

impl PathRules {
    pub fn new(lists: PathLists<'_>) -> Result<PathRules> {
        let generated = table::default_generated();
        Ok(PathRules {
            ignore: globset("ignore", lists.ignore.iter().map(String::as_str))?,
            tests: globset(
                "tests",
                table::DEFAULT_TESTS
                    .iter()
                    .copied()
                    .chain(lists.tests.iter().map(String::as_str)),
            )?,
            critical: globset("critical", lists.critical.iter().map(String::as_str))?,
            generated: globset(
                "generated",
                generated
                    .iter()
                    .map(String::as_str)
                    .chain(lists.generated.iter().map(String::as_str)),
            )?,
            samples: globset("samples", table::SAMPLES.iter().copied())?,
            benchmarks: globset("benchmarks", table::BENCHMARKS.iter().copied())?,
            policy_dirs: lists
                .policies
                .iter()
                .map(|d| d.trim_end_matches('/').to_string())
                .filter(|d| !d.is_empty())
                .collect(),
        })
    }

    pub fn is_ignored(&self, path: &str) -> bool {
        self.ignore.is_match(path)
    }
    pub fn is_test(&self, path: &str) -> bool {
        self.tests.is_match(path)
    }
    pub fn is_critical(&self, path: &str) -> bool {
        self.critical.is_match(path)
    }
    pub fn is_generated(&self, path: &str) -> bool {
        self.generated.is_match(path)
    }
    /// Under an example or sample directory (`examples/`, `samples/` ...): not a test, but
    /// the keys and certificates there are demonstration material like test fixtures.
    pub fn is_sample(&self, path: &str) -> bool {
        self.samples.is_match(path)
    }
    /// Under a benchmark directory (`benches/`, `benchmarks/` ...): a harness, not a service.
    pub fn is_benchmark(&self, path: &str) -> bool {
        self.benchmarks.is_match(path)
    }

    /// Program source that is neither a test nor generated (what "untested source" and the
    /// smells look at).
    pub fn is_source(&self, path: &str) -> bool {
        !self.is_test(path)
            && !self.is_generated(path)
            && language(path).is_some_and(is_source_language)
    }

    /// Whether a path is a configured policy directory or inside one.
    pub fn in_policy_dir(&self, path: &str) -> bool {
        self.policy_dirs.iter().any(|d| {
            path == d || (path.starts_with(d.as_str()) && path[d.len()..].starts_with('/'))
        })
    }

    /// The project role of a path.
    pub fn role(&self, path: &str) -> Option<Role> {
        table::role_by_name(path, |p| self.in_policy_dir(p))
    }
}

/// How far into a file a generated-code header is looked for: the first 12 lines, and past
/// them the rest of the file's leading comment block (a license header can push the marker
/// down, as Go's convention allows: "before the first non-comment, non-blank text"), up to 60
/// lines and 4 KiB.
const HEADER_LINES: usize = 12;
const LEADING_BLOCK_LINES: usize = 60;
const HEADER_BYTES: usize = 4096;

/// Whether a file's first lines carry a generated-code marker in a comment: `Code generated
/// ... DO NOT EDIT` (the Go convention), `@generated`, `auto-generated`, `autogenerated`,
/// `automatically generated`, or `generated by ...` with `do not edit`. The marker must be in
/// a comment (a line comment, or a block comment or docstring opened above it) within the
/// first 12 lines or the leading comment block that goes on past them: a program that prints
/// "auto-generated" is not generated.
pub fn generated_header(bytes: &[u8]) -> bool {
    const LINE: &[&str] = &[
        "//", "#", "--", ";", "%", "*", "{{/*", "<!--", "/*", "\"\"\"", "'''",
    ];
    const BLOCKS: &[(&str, &str)] = &[
        ("/*", "*/"),
        ("<!--", "-->"),
        ("\"\"\"", "\"\"\""),
        ("'''", "'''"),
        ("{{/*", "*/}}"),
    ];
    let head = &bytes[..bytes.len().min(HEADER_BYTES)];
    let text = String::from_utf8_lossy(head);
    let mut open: Option<&str> = None;
    for (i, line) in text.lines().take(LEADING_BLOCK_LINES).enumerate() {
        let t = line.trim();
        let comment = open.is_some() || LINE.iter().any(|c| t.starts_with(c));
        if i >= HEADER_LINES && !comment && !t.is_empty() {
            break;
        }
        match open {
            Some(close) => {
                if t.contains(close) {
                    open = None;
                }
            }
            None => {
                if let Some((o, c)) = BLOCKS.iter().find(|(o, _)| t.starts_with(o)) {
                    if !t[o.len()..].contains(c) {
                        open = Some(c);
                    }
                }
            }
        }
        if comment && generated_marker(&t.to_ascii_lowercase()) {
            return true;
        }
    }
    false
}

fn generated_marker(lower: &str) -> bool {
    (lower.contains("code generated") && lower.contains("do not edit"))
        || lower.contains("@generated")
        || lower.contains("auto-generated")
        || lower.contains("autogenerated")
        || lower.contains("automatically generated")
        || (lower.contains("generated by") && lower.contains("do not edit"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_globs() {
        let ignore = ["docs/".to_string(), "*.snap".to_string()];
        let critical = ["src/payments/**".to_string()];
        let r = PathRules::new(PathLists {
            ignore: &ignore,
            critical: &critical,
            ..PathLists::default()
        })
        .expect("compiles");
        assert!(r.is_ignored("docs/a/b.md"));
        assert!(r.is_ignored("x/y.snap"));
        assert!(!r.is_ignored("src/docs.rs"));
        assert!(r.is_critical("src/payments/charge.py"));
        assert!(r.is_test("pkg/foo_test.go"));
        assert!(r.is_test("tests/it.rs"));
        assert!(!r.is_test("src/testing_utils.rs"));
        assert!(r.is_generated("web/node_modules/x/index.js"));
        assert!(r.is_generated("Cargo.lock") && r.is_generated("a/gems.locked"));
        assert!(r.is_generated("api/v1/client.gen.ts") && r.is_generated("x/y_pb2_grpc.py"));
        assert!(r.is_generated("src/static/scripts/jquery-4.0.0.slim.js"));
        assert!(r.is_generated("src/static/scripts/bootstrap.bundle.js"));
        assert!(
            r.is_generated("static/jdenticon-3.3.0.js")
                && r.is_generated("css/bootstrap-5.3.2.css")
        );
        assert!(!r.is_generated("src/api-client.js") && !r.is_generated("src/v2-routes.js"));
        assert!(r.is_sample("examples/tls/server.key") && r.is_sample("docs/samples/a.pem"));
        assert!(!r.is_sample("src/example.rs") && !r.is_test("examples/tls/server.key"));
    }

    #[test]
    fn generated_headers() {
        assert!(generated_header(
            b"// Code generated by go-swagger; DO NOT EDIT.\n\npackage x\n"
        ));
        assert!(generated_header(b"/* tslint:disable */\n/* eslint-disable */\n/**\n/* This file was automatically generated from pydantic models.\n*/\nexport type A = 1;\n"));
        assert!(generated_header(b"# -*- coding: utf-8 -*-\n# Generated by the protocol buffer compiler.  DO NOT EDIT!\n"));
        assert!(generated_header(b"// @generated by protoc-gen-es\n"));
        assert!(generated_header(
            b"\"\"\"\nAuto-generated client.\n\"\"\"\nimport x\n"
        ));
        assert!(generated_header(
            b"\"\"\"Auto-generated by openapi-generator.\"\"\"\n"
        ));
        assert!(generated_header(
            b"<!-- This file is autogenerated. -->\n<svg/>\n"
        ));
        // Outside a comment, or past the first lines, a marker is not a header.
        assert!(!generated_header(
            b"import os\nprint('this tool writes auto-generated code')\n"
        ));
        assert!(!generated_header(
            b"\"\"\"Helpers.\"\"\"\nNOTE = 'auto-generated'\n"
        ));
        assert!(!generated_header(b"package x\n\nfunc f() {}\n"));
        assert!(!generated_header(
            b"# Generated by Django 4.2 on 2024-01-01\nfrom django.db import migrations\n"
        ));
        let late = format!(
            "{}// Code generated by x. DO NOT EDIT.\n",
            "x := 1\n".repeat(20)
        );
        assert!(!generated_header(late.as_bytes()));
        assert!(!generated_header(&[0xff, 0xfe, 0x00]));
        // A license block can push the marker past line 12: the leading comment block counts.
        let licensed = format!(
            "{}\n// Code generated by protoc-gen-connect-go. DO NOT EDIT.\n\npackage v3\n",
            "// Licensed under the Apache License, Version 2.0.\n//\n".repeat(7)
        );
        assert!(generated_header(licensed.as_bytes()));
        // ... but not past the first code line after line 12.
        let after_code = format!(
            "{}package v3\n// Code generated by x. DO NOT EDIT.\n",
            "// License text.\n".repeat(13)
        );
        assert!(!generated_header(after_code.as_bytes()));
    }

    #[test]
    fn bad_globs_are_errors() {
        let ignore = ["a[".to_string()];
        assert!(PathRules::new(PathLists {
            ignore: &ignore,
            ..PathLists::default()
        })
        .is_err());
    }
}
