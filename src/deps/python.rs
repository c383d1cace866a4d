//! Python: requirements*.txt, pyproject.toml (PEP 621 and Poetry), poetry.lock and uv.lock.

use anyhow::Result;
use toml::Value;

use super::cargo::toml_doc;
use super::{find_line, Declared, Locked, SourceKind};

/// `name[extra]>=1.0 ; python_version < "3.11"` -> (name, spec).
fn split_requirement(req: &str) -> Option<(String, String)> {
    let req = req.split(';').next().unwrap_or(req).trim();
    if req.is_empty() {
        return None;
    }
    if let Some((name, url)) = req.split_once(" @ ") {
        return Some((
            name.split('[').next().unwrap_or(name).trim().to_string(),
            url.trim().to_string(),
        ));
    }
    let end = req
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(req.len());
    let name = &req[..end];
    if name.is_empty() {
        return None;
    }
    let mut rest = req[end..].trim();
    if rest.starts_with('[') {
        rest = rest.find(']').map_or("", |i| rest[i + 1..].trim());
    }
    Some((name.to_string(), rest.to_string()))
}

fn classify(spec: &str) -> (SourceKind, Option<String>, bool) {
    let s = spec.trim();
    if s.starts_with("git+") || s.contains("git+") {
        let pinned = s.contains('@') && s.rsplit('@').next().is_some_and(|r| r.len() >= 7);
        (SourceKind::Git, Some(s.to_string()), pinned)
    } else if s.starts_with("http://") || s.starts_with("https://") || s.starts_with("file:") {
        (
            if s.starts_with("file:") {
                SourceKind::Path
            } else {
                SourceKind::Url
            },
            Some(s.to_string()),
            true,
        )
    } else {
        let pinned =
            s.starts_with("==") && !s.contains('*') && !s.contains(',') || s.starts_with("===");
        (SourceKind::Registry, None, pinned)
    }
}

/// The version `==X` (or `===X`) pins, when it pins one exactly.
pub fn pinned_version(spec: &str) -> Option<String> {
    let s = spec.split(';').next().unwrap_or(spec).trim();
    let v = s
        .strip_prefix("===")
        .or_else(|| s.strip_prefix("=="))?
        .trim();
    (!v.is_empty() && !v.contains(['*', ',', ' ', '<', '>', '!', '='])).then(|| v.to_string())
}

/// Whether a requirements file holds a development set by its name, as pip-tools layouts
/// and projects name them: a word of the file's name or of its directory (split at `-`, `_`
/// and `.`) is one of `dev`, `test`, `docs`, `lint`, `typing`, `build`, `ci` and their
/// spellings (`requirements-dev.txt`, `requirements/tests.txt`, `docs/requirements.txt`,
/// `test-requirements.txt`). Such a set runs in CI and on developers' machines, not in
/// production, like npm's devDependencies and Poetry's dev group.
pub fn dev_requirements(path: &str) -> bool {
    const DEV: [&str; 17] = [
        "dev",
        "devel",
        "develop",
        "development",
        "test",
        "tests",
        "testing",
        "doc",
        "docs",
        "lint",
        "linting",
        "typing",
        "mypy",
        "build",
        "ci",
        "style",
        "pre-commit",
    ];
    let mut parts = path.rsplit('/');
    let file = parts.next().unwrap_or(path);
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let dir = parts.next().unwrap_or("");
    [stem, dir]
        .iter()
        .flat_map(|w| w.split(['-', '_', '.']))
        .any(|w| DEV.contains(&w.to_ascii_lowercase().as_str()))
}

pub fn parse_requirements(path: &str, text: &str) -> Result<Vec<Declared>> {
    let dev = dev_requirements(path);
    let mut out = Vec::new();
    let mut logical = String::new();
    let mut start_line = 0;
    for (i, raw) in text.lines().enumerate() {
        if logical.is_empty() {
            start_line = i + 1;
        }
        let line = raw.split(" #").next().unwrap_or(raw);
        if let Some(cont) = line.strip_suffix('\\') {
            logical.push_str(cont);
            logical.push(' ');
            continue;
        }
        logical.push_str(line);
        let l = std::mem::take(&mut logical);
        let l = l.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let lineno = u32::try_from(start_line).unwrap_or(u32::MAX);
        if let Some(rest) = l
            .strip_prefix("-e ")
            .or_else(|| l.strip_prefix("--editable "))
        {
            let rest = rest.trim();
            let name = rest
                .split_once("#egg=")
                .map(|(_, egg)| egg)
                .map(str::to_string)
                .unwrap_or_else(|| {
                    rest.trim_end_matches('/')
                        .rsplit('/')
                        .next()
                        .unwrap_or(rest)
                        .trim_end_matches(".git")
                        .to_string()
                });
            let (source, location, _) = classify(rest);
            let source = if source == SourceKind::Registry {
                SourceKind::Path
            } else {
                source
            };
            out.push(Declared {
                name,
                spec: rest.to_string(),
                line: lineno,
                source,
                location: location.or(Some(rest.to_string())),
                pinned: false,
                dev,
                ..Declared::default()
            });
            continue;
        }
        if l.starts_with('-') {
            // -r other.txt, -c constraints.txt, --index-url ...: options, not packages.
            continue;
        }
        // A URL line (`https://.../pkg.whl`); `httpx==0.27` is a requirement.
        if l.starts_with("git+") || l.starts_with("http://") || l.starts_with("https://") {
            let name = l
                .rsplit("#egg=")
                .next()
                .filter(|_| l.contains("#egg="))
                .unwrap_or(l)
                .to_string();
            let (source, location, pinned) = classify(l);
            out.push(Declared {
                name,
                spec: l.to_string(),
                line: lineno,
                source,
                location,
                pinned,
                dev,
                ..Declared::default()
            });
            continue;
        }
        let l = l.split(" --hash").next().unwrap_or(l);
        if let Some((name, spec)) = split_requirement(l) {
            let (source, location, pinned) = classify(&spec);
            out.push(Declared {
                name,
                spec,
                line: lineno,
                source,
                location,
                pinned,
                dev,
                ..Declared::default()
            });
        }
    }
    Ok(out)
}

fn poetry_table(text: &str, t: &toml::Table, section: &str, dev: bool, out: &mut Vec<Declared>) {
    let from = text.find(&format!("[{section}]")).unwrap_or(0);
    for (name, v) in t {
        if name == "python" {
            continue;
        }
        let (spec, source, location) = match v {
            Value::String(s) => (s.clone(), SourceKind::Registry, None),
            Value::Table(t) => {
                let s = |k: &str| t.get(k).and_then(Value::as_str).map(str::to_string);
                if let Some(g) = s("git") {
                    (
                        format!("git {g} {}", s("rev").or(s("tag")).unwrap_or_default())
                            .trim()
                            .to_string(),
                        SourceKind::Git,
                        Some(g),
                    )
                } else if let Some(p) = s("path") {
                    (format!("path {p}"), SourceKind::Path, Some(p))
                } else if let Some(u) = s("url") {
                    (u.clone(), SourceKind::Url, Some(u))
                } else {
                    (
                        s("version").unwrap_or_else(|| "*".into()),
                        SourceKind::Registry,
                        None,
                    )
                }
            }
            _ => continue,
        };
        let pinned = super::exact(&spec);
        out.push(Declared {
            name: name.clone(),
            line: super::key_line(text, name, from),
            spec,
            source,
            location,
            pinned,
            dev,
            section: section.to_string(),
            ..Declared::default()
        });
    }
}

pub fn parse_pyproject(path: &str, text: &str) -> Result<Vec<Declared>> {
    let doc = toml_doc(path, text)?;
    let mut out = Vec::new();
    // The project's own name: `requests[socks]` in requests' test group installs its own
    // `socks` extra, a reference to the package being built, not a dependency.
    let own = doc
        .get("project")
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str)
        .map(|n| super::names::normalize("pypi", n));
    let pep621 = |list: &Value, dev: bool, section: &str, out: &mut Vec<Declared>| {
        for req in list.as_array().map(Vec::as_slice).unwrap_or(&[]) {
            let Some(r) = req.as_str() else { continue };
            if let Some((name, spec)) = split_requirement(r) {
                if own.as_deref() == Some(super::names::normalize("pypi", &name).as_str()) {
                    continue;
                }
                let (source, location, pinned) = classify(&spec);
                // The requirement as a whole string first: `"chardet"` in a typecheck group
                // is not the `"chardet>=3.0.2,<8"` of an extra above it.
                let whole = ['"', '\'']
                    .iter()
                    .find_map(|q| text.find(&format!("{q}{r}{q}")))
                    .map(|p| super::line_at(text, p));
                out.push(Declared {
                    line: whole.unwrap_or_else(|| {
                        find_line(text, &format!("\"{r}"), 0).max(find_line(text, r, 0))
                    }),
                    name,
                    spec,
                    source,
                    location,
                    pinned,
                    dev,
                    section: section.to_string(),
                    ..Declared::default()
                });
            }
        }
    };
    if let Some(project) = doc.get("project") {
        if let Some(deps) = project.get("dependencies") {
            pep621(deps, false, "project", &mut out);
        }
        if let Some(Value::Table(opt)) = project.get("optional-dependencies") {
            for (g, list) in opt {
                pep621(list, false, &format!("extra:{g}"), &mut out);
            }
        }
    }
    if let Some(Value::Table(groups)) = doc.get("dependency-groups") {
        for (g, list) in groups {
            pep621(list, true, &format!("group:{g}"), &mut out);
        }
    }
    if let Some(poetry) = doc.get("tool").and_then(|t| t.get("poetry")) {
        if let Some(Value::Table(t)) = poetry.get("dependencies") {
            poetry_table(text, t, "tool.poetry.dependencies", false, &mut out);
        }
        if let Some(Value::Table(t)) = poetry.get("dev-dependencies") {
            poetry_table(text, t, "tool.poetry.dev-dependencies", true, &mut out);
        }
        if let Some(Value::Table(groups)) = poetry.get("group") {
            for (g, v) in groups {
                if let Some(Value::Table(t)) = v.get("dependencies") {
                    poetry_table(
                        text,
                        t,
                        &format!("tool.poetry.group.{g}.dependencies"),
                        g != "main",
                        &mut out,
                    );
                }
            }
        }
    }
    Ok(out)
}

/// poetry.lock and uv.lock: `[[package]]` tables with name, version and source.
pub fn parse_lock(path: &str, text: &str) -> Result<Vec<Locked>> {
    super::cargo::toml_packages(path, text, |p| match p.get("source") {
        Some(Value::Table(t)) if t.contains_key("git") => SourceKind::Git,
        Some(Value::Table(t)) if t.get("type").and_then(Value::as_str) == Some("git") => {
            SourceKind::Git
        }
        Some(Value::Table(t))
            if t.contains_key("path")
                || t.contains_key("editable")
                || t.contains_key("directory") =>
        {
            SourceKind::Path
        }
        Some(Value::Table(t)) if t.contains_key("url") && !t.contains_key("type") => {
            SourceKind::Url
        }
        _ => SourceKind::Registry,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_lines() {
        let text = "# deps\nrequests==2.31.0\nflask>=2 ; python_version > '3.8'\nnumpy \\\n  ==1.26.0 --hash=sha256:abc\n-r base.txt\n-e git+https://github.com/me/pkg.git@0123456789ab#egg=pkg\nmylib @ git+https://github.com/me/mylib@main\nDjango[argon2]~=4.2\n";
        let d = parse_requirements("requirements.txt", text).expect("parses");
        let names: Vec<(&str, u32, bool)> = d
            .iter()
            .map(|x| (x.name.as_str(), x.line, x.pinned))
            .collect();
        assert_eq!(
            names,
            vec![
                ("requests", 2, true),
                ("flask", 3, false),
                ("numpy", 4, true),
                ("pkg", 7, false),
                ("mylib", 8, false),
                ("Django", 9, false)
            ]
        );
        assert_eq!(d[3].source, SourceKind::Git);
        assert_eq!(d[4].source, SourceKind::Git);
    }

    #[test]
    fn requirements_files_named_for_development_are_dev() {
        for p in [
            "requirements-dev.txt",
            "requirements/dev.txt",
            "requirements/tests.txt",
            "requirements/typing.txt",
            "docs/requirements.txt",
            "test-requirements.txt",
            "requirements_test.in",
            "requirements.dev.txt",
        ] {
            assert!(dev_requirements(p), "{p}");
            let d = parse_requirements(p, "pytest==8.0\n").expect("parses");
            assert!(d[0].dev, "{p}");
        }
        for p in [
            "requirements.txt",
            "requirements/base.txt",
            "requirements/prod.txt",
            "services/api/requirements.txt",
            "constraints.txt",
            "requirements/latest.txt",
        ] {
            assert!(!dev_requirements(p), "{p}");
        }
    }

    #[test]
    fn pyproject_pep621_and_poetry() {
        let text = "[project]\nname = \"x\"\ndependencies = [\n  \"httpx>=0.27\",\n  \"rich==13.7.0\",\n]\n\n[tool.poetry.dependencies]\npython = \"^3.11\"\nfastapi = \"^0.110\"\nlocal = { path = \"../local\" }\n\n[tool.poetry.group.dev.dependencies]\npytest = \"^8\"\n";
        let d = parse_pyproject("pyproject.toml", text).expect("parses");
        let by = |n: &str| d.iter().find(|x| x.name == n).cloned().expect(n);
        assert_eq!(by("httpx").line, 4);
        assert!(by("rich").pinned);
        assert_eq!(by("fastapi").line, 10);
        assert_eq!(by("local").source, SourceKind::Path);
        assert!(by("pytest").dev);
    }

    #[test]
    fn pyproject_own_extras_are_no_dependency_and_lines_name_the_group() {
        // requests 4443b1a847 and e50e594529: a test group installs the project's own extra,
        // and a typecheck group names `chardet` bare below an extra's `chardet>=3.0.2,<8`.
        let text = "[project]\nname = \"Requests\"\ndependencies = [\"idna>=2.5\"]\n\n[project.optional-dependencies]\nsocks = [\"PySocks>=1.5.6\"]\nuse_chardet_on_py3 = [\"chardet>=3.0.2,<8\"]\n\n[dependency-groups]\ntest = [\n  \"requests[socks]\",\n  'trustme',\n]\ntypecheck = [\n  \"chardet\",\n]\n";
        let d = parse_pyproject("pyproject.toml", text).expect("parses");
        assert!(d.iter().all(|x| x.name != "requests"), "{d:?}");
        let at = |n: &str, section: &str| {
            d.iter()
                .find(|x| x.name == n && x.section == section)
                .map(|x| x.line)
                .expect(n)
        };
        assert_eq!(at("chardet", "extra:use_chardet_on_py3"), 7);
        assert_eq!(at("chardet", "group:typecheck"), 15);
        assert_eq!(at("trustme", "group:test"), 12);
    }
}
