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
