//! `gate deps sbom`: a CycloneDX 1.5 JSON bill of materials of a tree's dependencies.
//!
//! Lockfiles give the resolved packages (direct and transitive); manifests without a
//! lockfile give their declared dependencies (with a version when the requirement pins one,
//! the requirement as a property otherwise). Every component has a package URL. The output
//! is deterministic: components sorted, and the serial number derived from the content.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::Result;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{kind, lockfiles_for, names, parse_lockfile, parse_manifest, utf8, Kind, SourceKind};
use crate::change::{git, Snapshot};

/// Percent-encodes a purl segment (everything but unreserved characters).
fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The package URL of a package (purl spec types pypi, npm, cargo, golang, maven, gem).
pub fn purl(eco: &str, name: &str, version: Option<&str>) -> String {
    let path = match eco {
        "pypi" => format!("pypi/{}", enc(&names::normalize("pypi", name))),
        "npm" => match name.strip_prefix('@').and_then(|n| n.split_once('/')) {
            Some((scope, n)) => format!("npm/%40{}/{}", enc(scope), enc(n)),
            None => format!("npm/{}", enc(name)),
        },
        "cargo" => format!("cargo/{}", enc(name)),
        "go" => format!(
            "golang/{}",
            name.split('/').map(enc).collect::<Vec<_>>().join("/")
        ),
        "maven" => match name.split_once(':') {
            Some((g, a)) => format!("maven/{}/{}", enc(g), enc(a)),
            None => format!("maven/{}", enc(name)),
        },
        "rubygems" => format!("gem/{}", enc(name)),
        other => format!("generic/{}", enc(&format!("{other}-{name}"))),
    };
    match version.filter(|v| !v.is_empty()) {
        Some(v) => format!("pkg:{path}@{}", enc(v)),
        None => format!("pkg:{path}"),
    }
}

struct Component {
    eco: &'static str,
    name: String,
    version: Option<String>,
    requirement: Option<String>,
    source: SourceKind,
    dev: bool,
    files: BTreeSet<String>,
}

/// The bill of materials of the tree at `rev` (the work tree when `None`).
pub fn build(root: &Path, rev: Option<&str>) -> Result<Value> {
    let (paths, snap) = match rev {
        Some(r) => {
            let id = git::resolve(root, r)?;
            (
                git::ls_tree(root, &id, ".")?,
                Snapshot::Revision {
                    root: root.to_path_buf(),
                    rev: id,
                },
            )
        }
        None => (
            crate::change::tree::walk(root)?
                .files
                .into_iter()
                .map(|f| f.path)
                .collect(),
            Snapshot::WorkTree(root.to_path_buf()),
        ),
    };
    let present: BTreeSet<&str> = paths.iter().map(String::as_str).collect();
    let read =
        |p: &str| -> Result<Option<String>> { snap.read(p)?.map(|b| utf8(p, b)).transpose() };
    let mut comps: BTreeMap<String, Component> = BTreeMap::new();
    let mut direct: BTreeSet<String> = BTreeSet::new();
    let mut add = |eco: &'static str,
                   name: &str,
                   version: Option<String>,
                   requirement: Option<String>,
                   source: SourceKind,
                   dev: bool,
                   file: &str|
     -> String {
        let r = purl(eco, name, version.as_deref());
        let c = comps.entry(r.clone()).or_insert_with(|| Component {
            eco,
            name: name.to_string(),
            version,
            requirement,
            source,
            dev,
            files: BTreeSet::new(),
        });
        c.dev &= dev;
        c.files.insert(file.to_string());
        r
    };
    for p in &paths {
        match kind(p) {
            Some(Kind::Manifest(eco)) => {
                let Some(text) = read(p)? else { continue };
                let declared = parse_manifest(eco, p, &text)?;
                let locked = lockfiles_for(p)
                    .iter()
                    .any(|l| present.contains(l.as_str()));
                for d in declared {
                    let name = d.target.clone().unwrap_or(d.name.clone());
                    if locked && d.source == SourceKind::Registry {
                        // The lockfile's entry is the component; remember it is direct.
                        direct.insert(format!("{eco}\0{}", names::normalize(eco, &name)));
                        continue;
                    }
                    let version = super::exact_version(eco, &d.spec)
                        .filter(|_| d.source == SourceKind::Registry);
                    let req = (version.is_none()).then(|| d.spec.clone());
                    let r = add(eco, &name, version, req, d.source, d.dev, p);
                    direct.insert(r);
                }
            }
            Some(Kind::Lockfile(eco)) => {
                let Some(text) = read(p)? else { continue };
                for l in parse_lockfile(p, &text)? {
                    if l.name.is_empty() {
                        continue;
                    }
                    let v = (!l.version.is_empty()).then(|| l.version.clone());
                    add(eco, &l.name, v, None, l.source, false, p);
                }
            }
            None => {}
        }
    }
    let is_direct = |r: &str, c: &Component| {
        direct.contains(r)
            || direct.contains(&format!("{}\0{}", c.eco, names::normalize(c.eco, &c.name)))
    };
    let mut components = Vec::new();
    let mut direct_refs = Vec::new();
    for (r, c) in &comps {
        let (group, name) = match c.eco {
            "maven" => c
                .name
                .split_once(':')
                .map_or((None, c.name.clone()), |(g, a)| {
                    (Some(g.to_string()), a.to_string())
                }),
            "npm" => match c.name.strip_prefix('@').and_then(|n| n.split_once('/')) {
                Some((s, n)) => (Some(format!("@{s}")), n.to_string()),
                None => (None, c.name.clone()),
            },
            _ => (None, c.name.clone()),
        };
        let mut props = vec![json!({"name": "gate:ecosystem", "value": c.eco})];
        for f in &c.files {
            props.push(json!({"name": "gate:file", "value": f}));
        }
        if let Some(req) = &c.requirement {
            props.push(json!({"name": "gate:requirement", "value": req}));
        }
        if c.source != SourceKind::Registry {
            props.push(json!({"name": "gate:source", "value": c.source.as_str()}));
        }
        let mut o = json!({
            "type": "library",
            "bom-ref": r,
            "name": name,
            "purl": r,
            "scope": if c.dev { "optional" } else { "required" },
            "properties": props,
        });
        if let Some(g) = group {
            o["group"] = json!(g);
        }
        if let Some(v) = &c.version {
            o["version"] = json!(v);
        }
        if is_direct(r, c) {
            direct_refs.push(r.clone());
        }
        components.push(o);
    }
    let root_name = root.file_name().map_or_else(
        || "project".to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut doc = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {
            "tools": {"components": [{"type": "application", "name": "gate", "version": env!("CARGO_PKG_VERSION")}]},
            "component": {"type": "application", "bom-ref": "root", "name": root_name},
        },
        "components": components,
        "dependencies": [{"ref": "root", "dependsOn": direct_refs}],
    });
    if let Some(r) = rev {
        doc["metadata"]["component"]["version"] = json!(r);
    }
    // A serial number derived from the content: the same tree gives the same document.
    let digest = Sha256::digest(serde_json::to_vec(&doc)?);
    let h: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    let uuid = format!(
        "{}-{}-8{}-{:x}{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        (u8::from_str_radix(&h[16..17], 16).unwrap_or(0) & 0x3) | 0x8,
        &h[17..20],
        &h[20..32]
    );
    doc["serialNumber"] = json!(format!("urn:uuid:{uuid}"));
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_urls() {
        assert_eq!(
            purl("pypi", "Django_Rest", Some("3.0")),
            "pkg:pypi/django-rest@3.0"
        );
        assert_eq!(
            purl("npm", "@babel/core", Some("7.23.0")),
            "pkg:npm/%40babel/core@7.23.0"
        );
        assert_eq!(
            purl("go", "github.com/gin-gonic/gin", Some("v1.9.1")),
            "pkg:golang/github.com/gin-gonic/gin@v1.9.1"
        );
        assert_eq!(
            purl(
                "maven",
                "org.apache.logging.log4j:log4j-core",
                Some("2.14.1")
            ),
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
        );
        assert_eq!(
            purl("cargo", "serde", Some("1.0.0+x")),
            "pkg:cargo/serde@1.0.0%2Bx"
        );
        assert_eq!(purl("rubygems", "rails", None), "pkg:gem/rails");
    }
}
