//! Cargo: Cargo.toml (dependencies, dev-, build-, target-specific and workspace tables) and
//! Cargo.lock.

use anyhow::Result;
use toml::Value;

use super::{exact, line_at, located, Declared, Locked, SourceKind};

pub fn toml_doc(path: &str, text: &str) -> Result<toml::Table> {
    text.parse::<toml::Table>().map_err(|e| {
        let line = e.span().map_or(1, |s| line_at(text, s.start) as usize);
        located(path, line, e.message())
    })
}

fn declared(text: &str, table: &toml::Table, section: &str, dev: bool, out: &mut Vec<Declared>) {
    let from = text.find(&format!("[{section}]")).unwrap_or(0);
    for (name, v) in table {
        let (spec, source, location) = match v {
            Value::String(s) => (s.clone(), SourceKind::Registry, None),
            Value::Table(t) => {
                let s = |k: &str| t.get(k).and_then(Value::as_str).map(str::to_string);
                if let Some(g) = s("git") {
                    let rev = s("rev").or(s("tag")).or(s("branch")).unwrap_or_default();
                    (
                        format!("git {g} {rev}").trim().to_string(),
                        SourceKind::Git,
                        Some(g),
                    )
                } else if let Some(p) = s("path") {
                    (format!("path {p}"), SourceKind::Path, Some(p))
                } else {
                    (
                        s("version").unwrap_or_else(|| {
                            if t.get("workspace").is_some() {
                                "workspace".into()
                            } else {
                                "*".into()
                            }
                        }),
                        SourceKind::Registry,
                        None,
                    )
                }
            }
            _ => continue,
        };
        let pinned = spec.starts_with('=') && exact(&spec)
            || source == SourceKind::Git && (spec.split_whitespace().count() > 2);
        // `alias = { package = "real-name", ... }`: the crate installed is `real-name`.
        let target = match v {
            Value::Table(t) => t.get("package").and_then(Value::as_str).map(str::to_string),
            _ => None,
        };
        out.push(Declared {
            name: name.clone(),
            line: super::key_line(text, name, from),
            spec,
            source,
            location,
            pinned,
            dev,
            section: section.to_string(),
            target,
            ..Declared::default()
        });
    }
}

pub fn parse_manifest(path: &str, text: &str) -> Result<Vec<Declared>> {
    let doc = toml_doc(path, text)?;
    let mut out = Vec::new();
    for (section, dev) in [
        ("dependencies", false),
        ("dev-dependencies", true),
        ("build-dependencies", false),
    ] {
        if let Some(Value::Table(t)) = doc.get(section) {
            declared(text, t, section, dev, &mut out);
        }
    }
    if let Some(Value::Table(ws)) = doc.get("workspace") {
        if let Some(Value::Table(t)) = ws.get("dependencies") {
            declared(text, t, "workspace.dependencies", false, &mut out);
        }
    }
    if let Some(Value::Table(targets)) = doc.get("target") {
        for (cfg, t) in targets {
            for (section, dev) in [
                ("dependencies", false),
                ("dev-dependencies", true),
                ("build-dependencies", false),
            ] {
                if let Some(Value::Table(d)) = t.get(section) {
                    declared(text, d, &format!("target.{cfg}.{section}"), dev, &mut out);
                }
            }
        }
    }
    Ok(out)
}

/// The `[[package]]` tables of a TOML lockfile (Cargo.lock, poetry.lock, uv.lock): name,
/// version, and the source as `source_of` reads it.
pub fn toml_packages(
    path: &str,
    text: &str,
    source_of: impl Fn(&Value) -> SourceKind,
) -> Result<Vec<Locked>> {
    let doc = toml_doc(path, text)?;
    let packages = doc
        .get("package")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    Ok(packages
        .iter()
        .map(|p| {
            let s = |k: &str| {
                p.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            Locked {
                name: s("name"),
                version: s("version"),
                source: source_of(p),
                install_script: false,
            }
        })
        .collect())
}

pub fn parse_lock(path: &str, text: &str) -> Result<Vec<Locked>> {
    toml_packages(path, text, |p| {
        let src = p.get("source").and_then(Value::as_str).unwrap_or_default();
        if src.starts_with("git+") {
            SourceKind::Git
        } else if src.is_empty() {
            SourceKind::Path
        } else if src.starts_with("registry+") || src.starts_with("sparse+") {
            SourceKind::Registry
        } else {
            SourceKind::Url
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_tables() {
        let text = "[package]\nname = \"x\"\n\n[dependencies]\nserde = { version = \"1\", features = [\"derive\"] }\nregex = \"=1.10.2\"\nmine = { git = \"https://github.com/me/mine\", rev = \"abc\" }\n\n[dev-dependencies]\ninsta = \"1\"\n\n[target.'cfg(unix)'.dependencies]\nlibc = \"0.2\"\n";
        let d = parse_manifest("Cargo.toml", text).expect("parses");
        let by = |n: &str| d.iter().find(|x| x.name == n).cloned().expect(n);
        assert_eq!(by("serde").line, 5);
        assert!(by("regex").pinned);
        assert_eq!(by("mine").source, SourceKind::Git);
        assert!(by("insta").dev);
        assert_eq!(by("libc").spec, "0.2");
        let e = parse_manifest("Cargo.toml", "[dependencies]\nserde = \n").expect_err("bad toml");
        assert!(e.to_string().starts_with("Cargo.toml:2:"), "{e}");
    }
}
