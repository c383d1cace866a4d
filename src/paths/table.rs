//! What gate knows about files by their names, written down once: the ecosystems' manifests
//! and lockfiles (and which lockfile pins which manifest), the languages, the project roles and
//! the generated and test conventions.
//!
//! Every analyzer reads these tables instead of keeping its own list: the dependency analyzer's
//! file kinds, the facts' `role` and `language`, telemetry's parseable languages and the
//! default `generated` globs are all views of the same rows, so a file name added here is known
//! everywhere at once (a test checks the views agree).

/// A file name: exact, a prefix and a suffix (`requirements*.txt`), a part and a suffix
/// (`*requirements*.in`), or any name with a suffix in a directory of a given name
/// (`requirements/*.txt`, the pip-tools layout).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name {
    Exact(&'static str),
    Affix(&'static str, &'static str),
    Contains(&'static str, &'static str),
    InDir(&'static str, &'static str),
}

impl Name {
    /// Whether the file name matches (an `InDir` name needs the path: see [`Name::matches_path`]).
    pub fn matches(self, name: &str) -> bool {
        match self {
            Name::Exact(n) => name == n,
            Name::Affix(prefix, suffix) => name.starts_with(prefix) && name.ends_with(suffix),
            Name::Contains(part, suffix) => {
                name.ends_with(suffix) && name[..name.len() - suffix.len()].contains(part)
            }
            Name::InDir(..) => false,
        }
    }

    /// Whether a path (`/`-separated) matches.
    pub fn matches_path(self, path: &str) -> bool {
        match self {
            Name::InDir(dir, suffix) => {
                let mut parts = path.rsplit('/');
                let name = parts.next().unwrap_or(path);
                name.len() > suffix.len() && name.ends_with(suffix) && parts.next() == Some(dir)
            }
            other => other.matches(file_name(path)),
        }
    }
}

/// One package ecosystem: its manifests, its lockfiles, and which lockfiles pin which
/// manifest (looked for in the manifest's directory, in this order).
#[derive(Debug)]
pub struct Ecosystem {
    /// The ecosystem id facts and policies use (`npm`, `pypi` ...).
    pub id: &'static str,
    pub manifests: &'static [Name],
    pub lockfiles: &'static [&'static str],
    pub pairs: &'static [(&'static str, &'static [&'static str])],
    /// Manifests compiled into another manifest beside them, by suffix (pip-tools compiles
    /// `requirements.in` into `requirements.txt`): the compiled file pins the source one.
    pub compiled: &'static [(&'static str, &'static str)],
}

use Name::{Affix, Contains, Exact, InDir};

const NPM_LOCKS: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
];

pub const ECOSYSTEMS: &[Ecosystem] = &[
    Ecosystem {
        id: "npm",
        manifests: &[Exact("package.json")],
        lockfiles: NPM_LOCKS,
        pairs: &[("package.json", NPM_LOCKS)],
        compiled: &[],
    },
    Ecosystem {
        id: "cargo",
        manifests: &[Exact("Cargo.toml")],
        lockfiles: &["Cargo.lock"],
        pairs: &[("Cargo.toml", &["Cargo.lock"])],
        compiled: &[],
    },
    Ecosystem {
        id: "pypi",
        manifests: &[
            Exact("pyproject.toml"),
            Contains("requirements", ".txt"),
            Contains("requirements", ".in"),
            Affix("constraints", ".txt"),
            Affix("constraints", ".in"),
            InDir("requirements", ".txt"),
            InDir("requirements", ".in"),
            InDir("requirements.d", ".txt"),
            InDir("requirements.d", ".in"),
        ],
        lockfiles: &["poetry.lock", "uv.lock"],
        pairs: &[("pyproject.toml", &["poetry.lock", "uv.lock"])],
        compiled: &[(".in", ".txt")],
    },
    Ecosystem {
        id: "go",
        manifests: &[Exact("go.mod")],
        lockfiles: &["go.sum"],
        pairs: &[("go.mod", &["go.sum"])],
        compiled: &[],
    },
    Ecosystem {
        id: "rubygems",
        manifests: &[Exact("Gemfile"), Exact("gems.rb")],
        lockfiles: &["Gemfile.lock", "gems.locked"],
        pairs: &[
            ("Gemfile", &["Gemfile.lock"]),
            ("gems.rb", &["gems.locked"]),
        ],
        compiled: &[],
    },
    Ecosystem {
        id: "maven",
        manifests: &[Exact("pom.xml")],
        lockfiles: &[],
        pairs: &[],
        compiled: &[],
    },
];

/// A dependency file: a manifest or a lockfile of an ecosystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DependencyFile {
    Manifest(&'static str),
    Lockfile(&'static str),
}

/// What kind of dependency file a path is, by its file name.
pub fn dependency_file(path: &str) -> Option<DependencyFile> {
    let name = file_name(path);
    for e in ECOSYSTEMS {
        if e.lockfiles.contains(&name) {
            return Some(DependencyFile::Lockfile(e.id));
        }
        if e.manifests.iter().any(|m| m.matches_path(path)) {
            return Some(DependencyFile::Manifest(e.id));
        }
    }
    None
}

/// The lockfiles that pin a manifest, in the manifest's directory, in the order they are
/// looked for.
pub fn lockfiles_for(manifest: &str) -> Vec<String> {
    let (dir, name) = manifest.rsplit_once('/').unwrap_or(("", manifest));
    let join = |l: &str| {
        if dir.is_empty() {
            l.to_string()
        } else {
            format!("{dir}/{l}")
        }
    };
    let mut out: Vec<String> = ECOSYSTEMS
        .iter()
        .flat_map(|e| e.pairs.iter())
        .filter(|(m, _)| *m == name)
        .flat_map(|(_, locks)| locks.iter())
        .map(|l| join(l))
        .collect();
    if let Some(DependencyFile::Manifest(eco)) = dependency_file(manifest) {
        let e = ECOSYSTEMS.iter().find(|e| e.id == eco);
        for (from, to) in e.map_or(&[][..], |e| e.compiled) {
            if let Some(stem) = name.strip_suffix(from) {
                out.push(join(&format!("{stem}{to}")));
            }
        }
    }
    out
}

/// A language: the extensions (lower case) and file names that say a file is written in it.
#[derive(Debug)]
pub struct Language {
    pub name: &'static str,
    pub extensions: &'static [&'static str],
    pub file_names: &'static [&'static str],
    /// Program source (for "source changed without tests", smells, stats).
    pub source: bool,
}

const fn lang(name: &'static str, extensions: &'static [&'static str], source: bool) -> Language {
    Language {
        name,
        extensions,
        file_names: &[],
        source,
    }
}

pub const LANGUAGES: &[Language] = &[
    lang("python", &["py", "pyi"], true),
    lang("javascript", &["js", "mjs", "cjs", "jsx"], true),
    lang("typescript", &["ts", "mts", "cts"], true),
    lang("tsx", &["tsx"], true),
    lang("go", &["go"], true),
    lang("rust", &["rs"], true),
    lang("java", &["java"], true),
    lang("kotlin", &["kt", "kts"], true),
    lang("ruby", &["rb"], true),
    lang("php", &["php"], true),
    lang("csharp", &["cs"], true),
    lang("c", &["c", "h"], true),
    lang("cpp", &["cc", "cpp", "cxx", "hpp", "hh"], true),
    lang("swift", &["swift"], true),
    lang("scala", &["scala"], true),
    lang("shell", &["sh", "bash", "zsh"], false),
    lang("hcl", &["tf", "tfvars", "hcl"], false),
    lang("yaml", &["yaml", "yml"], false),
    lang("json", &["json"], false),
    lang("toml", &["toml"], false),
    lang("xml", &["xml"], false),
    lang("sql", &["sql"], false),
    lang("markdown", &["md", "markdown"], false),
    lang("html", &["html", "htm"], false),
    lang("css", &["css", "scss"], false),
    lang("protobuf", &["proto"], false),
    Language {
        name: "dockerfile",
        extensions: &[],
        file_names: &["Dockerfile"],
        source: false,
    },
    Language {
        name: "makefile",
        extensions: &[],
        file_names: &["Makefile"],
        source: false,
    },
];

/// The language of a path, from its extension (case-insensitive) or its file name.
pub fn language_of(path: &str) -> Option<&'static Language> {
    let name = file_name(path);
    match name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()) {
        Some(ext) => LANGUAGES
            .iter()
            .find(|l| l.extensions.contains(&ext.as_str())),
        None => None,
    }
    .or_else(|| LANGUAGES.iter().find(|l| l.file_names.contains(&name)))
}

/// The language name of a path (`python`), as the facts carry it.
pub fn language(path: &str) -> Option<&'static str> {
    language_of(path).map(|l| l.name)
}

/// Whether a language (by name) is program source.
pub fn is_source_language(name: &str) -> bool {
    LANGUAGES.iter().any(|l| l.name == name && l.source)
}

/// What a file is to the project beyond its language (`input.change.files[].role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    GateConfig,
    GatePolicy,
    CiWorkflow,
    Codeowners,
    Migration,
    Lockfile,
    Manifest,
    Iac,
}

/// How a role is recognized from the path (any one criterion suffices).
#[derive(Debug)]
pub struct RoleRule {
    pub role: Role,
    /// Exact file names (case-sensitive).
    pub names: &'static [&'static str],
    /// Prefixes of the lower-cased path.
    pub prefixes: &'static [&'static str],
    /// Substrings of the lower-cased path.
    pub contains: &'static [&'static str],
    /// File-name suffixes (case-sensitive).
    pub suffixes: &'static [&'static str],
}

/// The gate's own files, at the repository root.
pub const CONFIG_FILE: &str = ".gate.yaml";
pub const EXCEPTIONS_FILE: &str = ".gate-exceptions.yaml";
pub const BASELINE_FILE: &str = ".gate-baseline.json";

/// File suffixes that are policy files inside a configured policy directory.
pub const POLICY_SUFFIXES: &[&str] = &[".rego", ".yaml", ".yml", ".json"];

const NONE: &[&str] = &[];

/// The roles recognized by name, in the order they are tried (the first that matches wins).
/// `gate_policy` comes second and depends on the configuration (see [`super::PathRules`]);
/// `lockfile` and `manifest` come from [`ECOSYSTEMS`].
pub const ROLES_BEFORE_POLICY: &[RoleRule] = &[RoleRule {
    role: Role::GateConfig,
    names: &[CONFIG_FILE, EXCEPTIONS_FILE, BASELINE_FILE],
    prefixes: NONE,
    contains: NONE,
    suffixes: NONE,
}];

pub const ROLES_AFTER_POLICY: &[RoleRule] = &[
    RoleRule {
        role: Role::CiWorkflow,
        names: &[
            ".gitlab-ci.yml",
            "Jenkinsfile",
            "azure-pipelines.yml",
            "bitbucket-pipelines.yml",
            ".travis.yml",
            ".pre-commit-config.yaml",
        ],
        prefixes: &[
            ".github/workflows/",
            ".github/actions/",
            ".gitlab/ci/",
            ".circleci/",
            ".buildkite/",
            ".ci/",
        ],
        contains: NONE,
        suffixes: NONE,
    },
    RoleRule {
        role: Role::Codeowners,
        names: &["CODEOWNERS"],
        prefixes: NONE,
        contains: NONE,
        suffixes: NONE,
    },
    RoleRule {
        role: Role::Migration,
        names: NONE,
        prefixes: &["migrate/"],
        contains: &["migrations/", "/migrate/", "alembic/versions/"],
        suffixes: NONE,
    },
];

/// Infrastructure as code, tried after the dependency files.
pub const IAC: RoleRule = RoleRule {
    role: Role::Iac,
    names: &["Pulumi.yaml", "cdk.json"],
    prefixes: NONE,
    contains: NONE,
    suffixes: &[".tf", ".tfvars"],
};

impl RoleRule {
    pub fn matches(&self, name: &str, lower_path: &str) -> bool {
        self.names.contains(&name)
            || self.prefixes.iter().any(|p| lower_path.starts_with(p))
            || self.contains.iter().any(|c| lower_path.contains(c))
            || self.suffixes.iter().any(|s| name.ends_with(s))
    }
}

/// The role of a path by name alone (everything but `gate_policy`, which needs the
/// configured policy directories), in table order.
pub fn role_by_name(path: &str, in_policy_dir: impl Fn(&str) -> bool) -> Option<Role> {
    let name = file_name(path);
    let lower = path.to_ascii_lowercase();
    if let Some(r) = ROLES_BEFORE_POLICY.iter().find(|r| r.matches(name, &lower)) {
        return Some(r.role);
    }
    if in_policy_dir(path) && POLICY_SUFFIXES.iter().any(|s| name.ends_with(s)) {
        return Some(Role::GatePolicy);
    }
    if let Some(r) = ROLES_AFTER_POLICY.iter().find(|r| r.matches(name, &lower)) {
        return Some(r.role);
    }
    match dependency_file(path) {
        Some(DependencyFile::Lockfile(_)) => return Some(Role::Lockfile),
        Some(DependencyFile::Manifest(_)) => return Some(Role::Manifest),
        None => {}
    }
    IAC.matches(name, &lower).then_some(Role::Iac)
}

/// Test-path conventions across ecosystems; `tests:` in the configuration adds to them.
pub const DEFAULT_TESTS: &[&str] = &[
    "**/test/**",
    "**/tests/**",
    "**/__tests__/**",
    "**/spec/**",
    "**/testdata/**",
    "**/fixtures/**",
    "**/test_*.py",
    "**/*_test.py",
    "**/*_test.go",
    "**/*_test.rs",
    "**/*.test.*",
    "**/*.spec.*",
    "**/*Test.java",
    "**/*Tests.java",
    "**/conftest.py",
];

/// Example and sample directories: code there is not a test, but the keys and certificates in
/// them are demonstration material, as in test fixtures (see [`super::PathRules::is_sample`]).
pub const SAMPLES: &[&str] = &[
    "**/examples/**",
    "**/example/**",
    "**/samples/**",
    "**/sample/**",
];

/// Benchmark directories (`benches/` of Cargo, `benchmarks/` of JS and Python projects): a
/// harness that measures the code, not a service that runs in production.
pub const BENCHMARKS: &[&str] = &[
    "**/bench/**",
    "**/benches/**",
    "**/benchmark/**",
    "**/benchmarks/**",
];

/// Generated-code conventions besides lockfiles (every lockfile of [`ECOSYSTEMS`] is
/// generated too, see [`default_generated`]); `generated:` in the configuration adds to them.
pub const GENERATED: &[&str] = &[
    "**/vendor/**",
    "**/node_modules/**",
    "**/dist/**",
    "**/*.min.js",
    "**/*.min.css",
    // A bundler's output (`[name].bundle.js`, Bootstrap's `bootstrap.bundle.js`).
    "**/*.bundle.js",
    // A third-party library copied in under its versioned name (`jquery-4.0.0.slim.js`,
    // `jdenticon-3.3.0.js`): vendored code, not the project's.
    "**/*-[0-9]*.[0-9]*.[0-9]*.js",
    "**/*-[0-9]*.[0-9]*.[0-9]*.css",
    "**/*.pb.go",
    "**/*_pb2.py",
    "**/*_pb2.pyi",
    "**/*_pb2_grpc.py",
    "**/*.pb.*.go",
    "**/*.gen.*",
    "**/*.generated.*",
    "**/*_generated.*",
];

/// The default generated globs: [`GENERATED`] and every lockfile.
pub fn default_generated() -> Vec<String> {
    GENERATED
        .iter()
        .map(|g| (*g).to_string())
        .chain(
            ECOSYSTEMS
                .iter()
                .flat_map(|e| e.lockfiles.iter())
                .map(|l| format!("**/{l}")),
        )
        .collect()
}

/// The last path component.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages() {
        assert_eq!(language("a/b/app.py"), Some("python"));
        assert_eq!(language("Dockerfile"), Some("dockerfile"));
        assert_eq!(language("x/main.TF"), Some("hcl"));
        assert_eq!(language("LICENSE"), None);
        assert!(is_source_language("tsx") && !is_source_language("yaml"));
    }

    /// The views of the tables agree: every dependency file has the matching role, every
    /// lockfile is generated, every pair names a manifest and lockfiles of its own ecosystem,
    /// and no name is claimed twice.
    #[test]
    fn the_views_agree() {
        let none = |_: &str| false;
        let generated = default_generated();
        let mut seen = std::collections::BTreeSet::new();
        for e in ECOSYSTEMS {
            for l in e.lockfiles {
                assert!(seen.insert(l.to_string()), "{l} is listed twice");
                assert_eq!(dependency_file(l), Some(DependencyFile::Lockfile(e.id)));
                assert_eq!(
                    role_by_name(&format!("web/{l}"), none),
                    Some(Role::Lockfile)
                );
                assert!(
                    generated.contains(&format!("**/{l}")),
                    "{l} is not generated"
                );
            }
            for m in e.manifests {
                let sample = match m {
                    Name::Exact(n) => (*n).to_string(),
                    Name::Affix(p, s) => format!("{p}-dev{s}"),
                    Name::Contains(p, s) => format!("dev-{p}-x{s}"),
                    Name::InDir(d, s) => format!("{d}/dev-{s}"),
                };
                assert!(seen.insert(sample.clone()), "{sample} is listed twice");
                assert_eq!(
                    dependency_file(&sample),
                    Some(DependencyFile::Manifest(e.id))
                );
                assert_eq!(
                    role_by_name(&sample, none),
                    Some(Role::Manifest),
                    "{sample}"
                );
            }
            for (m, locks) in e.pairs {
                assert_eq!(dependency_file(m), Some(DependencyFile::Manifest(e.id)));
                assert_eq!(
                    lockfiles_for(&format!("a/{m}"))[0],
                    format!("a/{}", locks[0])
                );
                for l in *locks {
                    assert!(
                        e.lockfiles.contains(l),
                        "{m} pairs with {l}, not a lockfile"
                    );
                }
            }
        }
        let mut names = std::collections::BTreeSet::new();
        for l in LANGUAGES {
            assert!(names.insert(l.name), "language {} is listed twice", l.name);
            for ext in l.extensions {
                assert_eq!(*ext, ext.to_ascii_lowercase());
                assert_eq!(language(&format!("x.{ext}")), Some(l.name));
            }
        }
    }

    #[test]
    fn pip_tools_layouts() {
        assert_eq!(
            lockfiles_for("requirements/dev.in"),
            vec!["requirements/dev.txt".to_string()]
        );
        assert_eq!(lockfiles_for("requirements.txt"), Vec::<String>::new());
        assert_eq!(
            dependency_file("src/requirements.d/base.txt"),
            Some(DependencyFile::Manifest("pypi"))
        );
        assert_eq!(dependency_file("requirements/.txt"), None);
    }

    #[test]
    fn roles() {
        let in_policies = |p: &str| p.starts_with("policies/");
        let cases = [
            (".gate.yaml", Some(Role::GateConfig)),
            ("policies/x.rego", Some(Role::GatePolicy)),
            ("policies/readme.md", None),
            (".github/workflows/ci.yml", Some(Role::CiWorkflow)),
            ("docs/CODEOWNERS", Some(Role::Codeowners)),
            ("db/migrations/0001.sql", Some(Role::Migration)),
            ("gems.rb", Some(Role::Manifest)),
            ("requirements/dev.txt", Some(Role::Manifest)),
            ("ci/test-requirements.in", Some(Role::Manifest)),
            ("requirements/README.md", None),
            ("docs/notes.txt", None),
            ("npm-shrinkwrap.json", Some(Role::Lockfile)),
            ("infra/main.tf", Some(Role::Iac)),
            ("src/main.rs", None),
        ];
        for (p, want) in cases {
            assert_eq!(role_by_name(p, in_policies), want, "{p}");
        }
    }
}
