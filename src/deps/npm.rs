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
            // `"alias": "npm:real-package@^1.2.0"` installs real-package.
            let (spec, target) = match alias(&spec) {
                Some((t, v)) => (v.to_string(), Some(t.to_string())),
                None => (spec, None),
            };
            let (source, location) = source_of(&spec);
            out.push(Declared {
                name: name.clone(),
                line: find_line(text, &format!("\"{name}\""), from),
                pinned: exact(&spec) || source == SourceKind::Git && spec.contains('#'),
                spec,
                source,
                location,
                dev,
                section: section.to_string(),
                target,
                ..Declared::default()
            });
        }
    }
    // Versions forced on the whole tree: npm `overrides` (nested by parent) and yarn
    // `resolutions` (keyed by a path of package names).
    if let Some(o) = doc.get("overrides").and_then(Value::as_object) {
        let from = text.find("\"overrides\"").unwrap_or(0);
        overrides(text, from, o, "overrides", 0, &mut out);
    }
    if let Some(o) = doc
        .get("pnpm")
        .and_then(|p| p.get("overrides"))
        .and_then(Value::as_object)
    {
        let from = text.find("\"pnpm\"").unwrap_or(0);
        for (k, v) in o {
            let Some(spec) = v.as_str() else { continue };
            // `parent>name` and `name@<2` select what is forced.
            let last = k.rsplit('>').next().unwrap_or(k);
            let name = override_name(last);
            out.push(forced(text, from, k, name, spec, "pnpm.overrides"));
        }
    }
    if let Some(r) = doc.get("resolutions").and_then(Value::as_object) {
        let from = text.find("\"resolutions\"").unwrap_or(0);
        for (k, v) in r {
            let Some(spec) = v.as_str() else { continue };
            let name = resolution_name(k);
            out.push(forced(text, from, k, &name, spec, "resolutions"));
        }
    }
    Ok(out)
}

/// `npm:name@range` -> (name, range).
fn alias(spec: &str) -> Option<(&str, &str)> {
    let rest = spec.trim().strip_prefix("npm:")?;
    let at = if let Some(r) = rest.strip_prefix('@') {
        r.find('@').map(|i| i + 1)
    } else {
        rest.find('@')
    };
    Some(match at {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, "*"),
    })
}

/// The package a yarn resolution key forces: the last name of `**/parent/@scope/name`.
fn resolution_name(key: &str) -> String {
    let parts: Vec<&str> = key
        .split('/')
        .filter(|p| !p.is_empty() && *p != "**")
        .collect();
    match parts.as_slice() {
        [.., scope, name] if scope.starts_with('@') => format!("{scope}/{name}"),
        [.., name] => name.to_string(),
        [] => key.to_string(),
    }
}

/// An override key is a name with an optional version selector: `foo`, `foo@^2`, `@s/x@1`.
fn override_name(key: &str) -> &str {
    let at = if let Some(r) = key.strip_prefix('@') {
        r.find('@').map(|i| i + 1)
    } else {
        key.find('@')
    };
    at.map_or(key, |i| &key[..i])
}

/// A version forced on the dependency tree (an override or a resolution): not a dependency of
/// its own, and not locked unless a package of the tree has it; an `npm:other@range` value
/// swaps in another package (`target`).
fn forced(text: &str, from: usize, key: &str, name: &str, spec: &str, section: &str) -> Declared {
    let (spec, target) = match alias(spec) {
        Some((t, v)) => (v.to_string(), Some(t.to_string())),
        None => (spec.to_string(), None),
    };
    let (source, location) = source_of(&spec);
    Declared {
        name: name.to_string(),
        line: find_line(text, &format!("\"{key}\""), from),
        pinned: exact(&spec),
        spec,
        source,
        location,
        section: section.to_string(),
        target,
        forced: true,
        ..Declared::default()
    }
}

fn overrides(
    text: &str,
    from: usize,
    map: &serde_json::Map<String, Value>,
    section: &str,
    depth: usize,
    out: &mut Vec<Declared>,
) {
    if depth > 16 {
        return;
    }
    for (k, v) in map {
        if k == "." {
            continue;
        }
        let name = override_name(k);
        match v {
            Value::String(spec) => out.push(forced(text, from, k, name, spec, section)),
            Value::Object(sub) => {
                if let Some(spec) = sub.get(".").and_then(Value::as_str) {
                    out.push(forced(text, from, k, name, spec, section));
                }
                overrides(
                    text,
                    from,
                    sub,
                    &format!("{section}>{name}"),
                    depth + 1,
                    out,
                );
            }
            _ => {}
        }
    }
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
    // Lockfile format 5.x writes `/name/version_peer@x+other@y` keys.
    let v5 = match doc.get("lockfileVersion") {
        Some(serde_yaml::Value::Number(n)) => n.as_f64().is_some_and(|v| v < 6.0),
        Some(serde_yaml::Value::String(s)) => s.starts_with('5'),
        _ => false,
    };
    if let Some(pkgs) = doc.get("packages").and_then(|p| p.as_mapping()) {
        for (k, v) in pkgs {
            let raw = k.as_str().unwrap_or_default();
            let key = raw.trim_start_matches('/');
            // `name@1.2.3`, `@scope/name@1.2.3(peer@x)`, or v5 `/name/1.2.3_peer@x`.
            let key = key.split('(').next().unwrap_or(key);
            if v5 {
                if let Some((name, version)) = pnpm_v5_key(key) {
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
                    continue;
                }
            }
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

/// A pnpm v5 key without its leading `/`: `name/1.2.3_peer@4`, `@scope/name/1.2.3`.
fn pnpm_v5_key(key: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = key
        .splitn(if key.starts_with('@') { 3 } else { 2 }, '/')
        .collect();
    let (name, rest) = match parts.as_slice() {
        [scope, name, rest] if scope.starts_with('@') => (format!("{scope}/{name}"), *rest),
        [name, rest] => (name.to_string(), *rest),
        _ => return None,
    };
    // Peer suffixes follow `_`; version strings never contain one.
    let version = rest.split('_').next().unwrap_or(rest);
    (!version.is_empty()).then(|| (name, version.to_string()))
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
    fn overrides_resolutions_and_pnpm_overrides_are_forced_versions() {
        // Written for this test: the shapes of a monorepo's security overrides.
        let text = r#"{
  "name": "root",
  "dependencies": {"express": "^4.18.2"},
  "overrides": {
    "semver": "^7.6.0",
    "uri-js": "npm:uri-js-replace@^1.0.1",
    "@octokit/plugin-retry": {"@octokit/core": "^5.2.0"}
  },
  "resolutions": {"**/minimist": "1.2.8"},
  "pnpm": {"overrides": {"foo>tmp": "^0.2.4"}}
}"#;
        let d = parse_package_json("package.json", text).expect("parses");
        let forced: Vec<&str> = d
            .iter()
            .filter(|x| x.forced)
            .map(|x| x.name.as_str())
            .collect();
        assert_eq!(
            forced,
            vec!["@octokit/core", "semver", "uri-js", "tmp", "minimist"],
            "{d:?}"
        );
        assert!(!d.iter().any(|x| x.name == "express" && x.forced));
        let uri = d.iter().find(|x| x.name == "uri-js").expect("uri-js");
        assert_eq!(
            (uri.target.as_deref(), uri.spec.as_str(), uri.source),
            (Some("uri-js-replace"), "^1.0.1", SourceKind::Registry)
        );
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
