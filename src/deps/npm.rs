//! npm: package.json, package-lock.json (v1, v2, v3), yarn.lock (classic and berry) and
//! pnpm-lock.yaml.

use anyhow::Result;
use serde_json::Value;

use super::{exact, find_line, located, Declared, Locked, SourceKind};

fn json(path: &str, text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| located(path, e.line(), e))
}

/// Classifies an npm requirement.
pub fn source_of(spec: &str) -> (SourceKind, Option<String>) {
    let s = spec.trim();
    if s.starts_with("git+")
        || s.starts_with("git://")
        || s.starts_with("github:")
        || s.starts_with("gitlab:")
        || s.starts_with("bitbucket:")
    {
        (SourceKind::Git, Some(s.to_string()))
    } else if s.starts_with("http://") || s.starts_with("https://") {
        (SourceKind::Url, Some(s.to_string()))
    } else if s.starts_with("file:")
        || s.starts_with("link:")
        || s.starts_with("./")
        || s.starts_with("../")
        || s.starts_with('/')
    {
        (SourceKind::Path, Some(s.to_string()))
    } else if !s.starts_with('@')
        && s.contains('/')
        && !s.starts_with("npm:")
        && !s.starts_with("workspace:")
    {
        // `user/repo` is a GitHub shorthand.
        (SourceKind::Git, Some(s.to_string()))
    } else {
        (SourceKind::Registry, None)
    }
}

pub fn parse_package_json(path: &str, text: &str) -> Result<Vec<Declared>> {
    let doc = json(path, text)?;
    if !doc.is_object() {
        return Err(located(path, 1, "package.json is not an object"));
    }
    let mut out = Vec::new();
    for (section, dev) in [
        ("dependencies", false),
        ("devDependencies", true),
        ("optionalDependencies", false),
        ("peerDependencies", false),
    ] {
        let Some(deps) = doc.get(section) else {
            continue;
        };
        let Some(map) = deps.as_object() else {
            return Err(located(
                path,
                find_line(text, &format!("\"{section}\""), 0) as usize,
                format!("{section} is not an object"),
            ));
        };
        let from = text.find(&format!("\"{section}\"")).unwrap_or(0);
        for (name, spec) in map {
            let spec = spec.as_str().unwrap_or_default().to_string();
            let (source, location) = source_of(&spec);
            out.push(Declared {
                name: name.clone(),
                line: find_line(text, &format!("\"{name}\""), from),
                pinned: exact(&spec) || source == SourceKind::Git && spec.contains('#'),
                spec,
                source,
                location,
                dev,
            });
        }
    }
    Ok(out)
}

fn lock_source(resolved: Option<&str>, version: &str) -> SourceKind {
    let r = resolved.unwrap_or(version);
    if r.starts_with("git") || version.starts_with("git") {
        SourceKind::Git
    } else if r.starts_with("file:") || version.starts_with("file:") {
        SourceKind::Path
    } else if r.starts_with("http")
        && !r.contains("registry.npmjs.org")
        && !r.contains("registry.yarnpkg.com")
    {
        SourceKind::Url
    } else {
        SourceKind::Registry
    }
}

pub fn parse_package_lock(path: &str, text: &str) -> Result<Vec<Locked>> {
    let doc = json(path, text)?;
    let mut out = Vec::new();
    if let Some(pkgs) = doc.get("packages").and_then(Value::as_object) {
        for (key, p) in pkgs {
            if key.is_empty() {
                continue;
            }
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| {
                    key.rsplit("node_modules/")
                        .next()
                        .unwrap_or(key)
                        .to_string()
                });
            let version = p
                .get("version")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            out.push(Locked {
                source: lock_source(p.get("resolved").and_then(Value::as_str), &version),
                name,
                version,
                install_script: p
                    .get("hasInstallScript")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            });
        }
    } else if let Some(deps) = doc.get("dependencies").and_then(Value::as_object) {
        fn walk(deps: &serde_json::Map<String, Value>, out: &mut Vec<Locked>, depth: usize) {
            if depth > 64 {
                return;
            }
            for (name, d) in deps {
                let version = d
                    .get("version")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                out.push(Locked {
                    source: lock_source(d.get("resolved").and_then(Value::as_str), &version),
                    name: name.clone(),
                    version,
                    install_script: false,
                });
                if let Some(sub) = d.get("dependencies").and_then(Value::as_object) {
                    walk(sub, out, depth + 1);
                }
            }
        }
        walk(deps, &mut out, 0);
    }
    Ok(out)
}

/// `"@scope/name@^1.0.0", name@npm:^2` -> `@scope/name`.
fn yarn_name(spec: &str) -> String {
    let s = spec.trim().trim_matches('"');
    let at = if let Some(rest) = s.strip_prefix('@') {
        rest.find('@').map(|i| i + 1)
    } else {
        s.find('@')
    };
    at.map_or(s, |i| &s[..i]).to_string()
}

pub fn parse_yarn_lock(path: &str, text: &str) -> Result<Vec<Locked>> {
    let mut out = Vec::new();
    let mut current: Option<(String, usize)> = None;
    let mut version = String::new();
    let mut resolved = String::new();
    let flush = |cur: &mut Option<(String, usize)>,
                 version: &mut String,
                 resolved: &mut String,
                 out: &mut Vec<Locked>| {
        if let Some((name, _)) = cur.take() {
            if name != "__metadata" {
                out.push(Locked {
                    source: lock_source(Some(resolved.as_str()), version),
                    name,
                    version: std::mem::take(version),
                    install_script: false,
                });
            }
        }
        resolved.clear();
        version.clear();
    };
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if !line.starts_with(' ') {
            flush(&mut current, &mut version, &mut resolved, &mut out);
            let Some(head) = line.strip_suffix(':') else {
                return Err(located(
                    path,
                    i + 1,
                    "expected an entry header ending in `:`",
                ));
            };
            let first = head.split(", ").next().unwrap_or(head);
            current = Some((yarn_name(first), i + 1));
        } else {
            let t = line.trim();
            if let Some(v) = t
                .strip_prefix("version ")
                .or_else(|| t.strip_prefix("version: "))
            {
                version = v.trim().trim_matches('"').to_string();
            } else if let Some(r) = t
                .strip_prefix("resolved ")
                .or_else(|| t.strip_prefix("resolution: "))
            {
                resolved = r.trim().trim_matches('"').to_string();
            }
        }
    }
    flush(&mut current, &mut version, &mut resolved, &mut out);
    Ok(out)
}

pub fn parse_pnpm_lock(path: &str, text: &str) -> Result<Vec<Locked>> {
    let doc: serde_yaml::Value = serde_yaml::from_str(text)
        .map_err(|e| located(path, e.location().map_or(1, |l| l.line()), e))?;
    let mut out = Vec::new();
    if let Some(pkgs) = doc.get("packages").and_then(|p| p.as_mapping()) {
        for (k, v) in pkgs {
            let key = k.as_str().unwrap_or_default().trim_start_matches('/');
            // `name@1.2.3`, `@scope/name@1.2.3(peer@x)`, or v5 `name/1.2.3`.
            let key = key.split('(').next().unwrap_or(key);
            let (name, version) = match key
                .strip_prefix('@')
                .map_or(key.rfind('@'), |r| r.rfind('@').map(|i| i + 1))
            {
                Some(i) if i > 0 => (key[..i].to_string(), key[i + 1..].to_string()),
                _ => match key.rsplit_once('/') {
                    Some((n, v)) => (n.to_string(), v.to_string()),
                    None => (key.to_string(), String::new()),
                },
            };
            let install_script = v
                .get("requiresBuild")
                .and_then(serde_yaml::Value::as_bool)
                .unwrap_or(false);
            let resolved = v
                .get("resolution")
                .and_then(|r| r.get("tarball"))
                .and_then(|t| t.as_str());
            out.push(Locked {
                source: lock_source(resolved, &version),
                name,
                version,
                install_script,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_json_sections_lines_and_sources() {
        let text = "{\n  \"name\": \"app\",\n  \"dependencies\": {\n    \"express\": \"^4.18.2\",\n    \"left-pad\": \"1.3.0\",\n    \"mylib\": \"github:me/mylib#v1\"\n  },\n  \"devDependencies\": {\n    \"jest\": \"*\"\n  }\n}\n";
        let d = parse_package_json("package.json", text).expect("parses");
        let express = d.iter().find(|x| x.name == "express").expect("express");
        assert_eq!(
            (express.line, express.pinned, express.source),
            (4, false, SourceKind::Registry)
        );
        assert!(d
            .iter()
            .find(|x| x.name == "left-pad")
            .is_some_and(|x| x.pinned));
        assert_eq!(
            d.iter().find(|x| x.name == "mylib").map(|x| x.source),
            Some(SourceKind::Git)
        );
        assert!(d
            .iter()
            .find(|x| x.name == "jest")
            .is_some_and(|x| x.dev && !x.pinned));
        let e = parse_package_json("package.json", "{\n  \"dependencies\": {,\n}")
            .expect_err("bad json");
        assert!(e.to_string().starts_with("package.json:2:"), "{e}");
    }

    #[test]
    fn lockfiles() {
        let lock = r#"{"lockfileVersion": 3, "packages": {"": {"name": "app"}, "node_modules/express": {"version": "4.18.2", "resolved": "https://registry.npmjs.org/express/-/express-4.18.2.tgz"}, "node_modules/esbuild": {"version": "0.19.0", "hasInstallScript": true}}}"#;
        let l = parse_package_lock("package-lock.json", lock).expect("parses");
        assert_eq!(l.len(), 2);
        assert!(l.iter().any(|x| x.name == "esbuild" && x.install_script));
        let yarn = "# yarn lockfile v1\n\n\"@babel/core@^7.0.0\", \"@babel/core@^7.1.0\":\n  version \"7.23.0\"\n  resolved \"https://registry.yarnpkg.com/@babel/core/-/core-7.23.0.tgz\"\n\nlodash@^4.17.21:\n  version \"4.17.21\"\n";
        let y = parse_yarn_lock("yarn.lock", yarn).expect("parses");
        assert_eq!(
            y.iter()
                .map(|x| (x.name.as_str(), x.version.as_str()))
                .collect::<Vec<_>>(),
            vec![("@babel/core", "7.23.0"), ("lodash", "4.17.21")]
        );
        let pnpm = "lockfileVersion: '9.0'\npackages:\n  express@4.18.2:\n    resolution: {integrity: sha512-x}\n  '@types/node@20.1.0':\n    resolution: {integrity: sha512-y}\n    requiresBuild: true\n";
        let p = parse_pnpm_lock("pnpm-lock.yaml", pnpm).expect("parses");
        assert!(p
            .iter()
            .any(|x| x.name == "@types/node" && x.version == "20.1.0" && x.install_script));
    }
}
