//! Maven: pom.xml dependencies, with versions resolved the way Maven resolves them within one
//! pom: `${property}` references (nested, and `project.version`/`project.parent.version`),
//! `<dependencyManagement>` for dependencies declared without a version, profiles (their own
//! properties and dependencies), the parent pom and imported BOMs as dependencies in their
//! own right. A version that cannot be resolved inside the pom (a property or managed version
//! that comes from a parent or a BOM) is kept with the reason, never dropped.

use std::collections::BTreeMap;

use anyhow::Result;
use roxmltree::Node;

use super::{located, Declared, SourceKind};

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| c.has_tag_name(name))
}

fn child_text(n: Node, name: &str) -> Option<String> {
    child(n, name)
        .and_then(|c| c.text())
        .map(|t| t.trim().to_string())
}

fn properties(n: Node, into: &mut BTreeMap<String, String>) {
    if let Some(p) = child(n, "properties") {
        for c in p.children().filter(|c| c.is_element()) {
            into.insert(
                c.tag_name().name().to_string(),
                c.text().unwrap_or("").trim().to_string(),
            );
        }
    }
}

/// Replaces every `${name}` the properties define, to a fixed point (a property may name
/// another); references left are unknown here.
fn resolve(v: &str, props: &BTreeMap<String, String>) -> String {
    let mut s = v.to_string();
    for _ in 0..10 {
        let mut out = String::new();
        let mut rest = s.as_str();
        let mut changed = false;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            match after.find('}') {
                Some(j) => {
                    let key = &after[..j];
                    match props.get(key) {
                        Some(val) => {
                            out.push_str(val);
                            changed = true;
                        }
                        None => {
                            out.push_str("${");
                            out.push_str(key);
                            out.push('}');
                        }
                    }
                    rest = &after[j + 1..];
                }
                None => {
                    out.push_str(&rest[i..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        s = out;
        if !changed {
            break;
        }
    }
    s
}

/// The first `${name}` left in a value.
fn unresolved_ref(v: &str) -> Option<&str> {
    let i = v.find("${")?;
    let j = v[i..].find('}')?;
    Some(&v[i..i + j + 1])
}

struct Dep<'a, 'i> {
    node: Node<'a, 'i>,
    group: String,
    artifact: String,
    version: Option<String>,
    scope: String,
    kind: String,
}

fn deps_of<'a, 'i>(list: Option<Node<'a, 'i>>) -> Vec<Dep<'a, 'i>> {
    list.map(|l| {
        l.children()
            .filter(|c| c.has_tag_name("dependency"))
            .filter_map(|d| {
                Some(Dep {
                    node: d,
                    group: child_text(d, "groupId")?,
                    artifact: child_text(d, "artifactId")?,
                    version: child_text(d, "version"),
                    scope: child_text(d, "scope").unwrap_or_default(),
                    kind: child_text(d, "type").unwrap_or_default(),
                })
            })
            .collect()
    })
    .unwrap_or_default()
}

fn pinned(version: &str) -> bool {
    !(version.starts_with('[')
        || version.starts_with('(')
        || version == "LATEST"
        || version == "RELEASE"
        || version.contains("SNAPSHOT")
        || version.contains("${"))
}

pub fn parse_pom(path: &str, text: &str) -> Result<Vec<Declared>> {
    let doc =
        roxmltree::Document::parse(text).map_err(|e| located(path, e.pos().row as usize, e))?;
    let root = doc.root_element();
    let line = |n: Node| doc.text_pos_at(n.range().start).row;
    let mut props = BTreeMap::new();
    let parent = child(root, "parent");
    let parent_coords = parent.and_then(|p| {
        Some((
            child_text(p, "groupId")?,
            child_text(p, "artifactId")?,
            child_text(p, "version").unwrap_or_default(),
        ))
    });
    if let Some((g, _, v)) = &parent_coords {
        props.insert("project.parent.version".into(), v.clone());
        props.insert("project.parent.groupId".into(), g.clone());
    }
    let version = child_text(root, "version").or(parent_coords.as_ref().map(|p| p.2.clone()));
    if let Some(v) = &version {
        for k in ["project.version", "pom.version", "version"] {
            props.insert(k.into(), v.clone());
        }
    }
    if let Some(g) = child_text(root, "groupId").or(parent_coords.as_ref().map(|p| p.0.clone())) {
        props.insert("project.groupId".into(), g);
    }
    properties(root, &mut props);
    let mut out = Vec::new();
    if let (Some(p), Some((g, a, v))) = (parent, &parent_coords) {
        out.push(Declared {
            name: format!("{g}:{a}"),
            line: line(p),
            pinned: pinned(v),
            spec: v.clone(),
            section: "parent".into(),
            ..Declared::default()
        });
    }
    // The pom itself, then each profile with its own properties layered on top.
    let mut scopes: Vec<(String, Node, BTreeMap<String, String>)> =
        vec![(String::new(), root, props.clone())];
    if let Some(profiles) = child(root, "profiles") {
        for p in profiles.children().filter(|c| c.has_tag_name("profile")) {
            let id = child_text(p, "id").unwrap_or_else(|| format!("line {}", line(p)));
            let mut pp = props.clone();
            properties(p, &mut pp);
            scopes.push((format!("profile:{id}"), p, pp));
        }
    }
    // Managed versions of the pom (a profile's add to them).
    let mut managed: BTreeMap<String, String> = BTreeMap::new();
    let mut boms: Vec<String> = Vec::new();
    for (_, node, props) in &scopes {
        let dm = child(*node, "dependencyManagement").and_then(|m| child(m, "dependencies"));
        for d in deps_of(dm) {
            let name = format!("{}:{}", d.group, d.artifact);
            let v = d
                .version
                .as_deref()
                .map(|v| resolve(v, props))
                .unwrap_or_default();
            if d.kind == "pom" && d.scope == "import" {
                boms.push(format!("{name}:{v}"));
            }
            managed.entry(name).or_insert(v);
        }
    }
    let mut used: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for (section, node, props) in &scopes {
        for d in deps_of(child(*node, "dependencies")) {
            let name = format!("{}:{}", d.group, d.artifact);
            let system = child_text(d.node, "systemPath");
            let (spec, unresolved) = match &d.version {
                Some(v) => {
                    let r = resolve(v, props);
                    let why = unresolved_ref(&r).map(|p| {
                        format!("{p} is not defined in this pom (it may come from a parent pom or the build)")
                    });
                    (r, why)
                }
                None => match managed.get(&name) {
                    Some(v) if !v.is_empty() && unresolved_ref(v).is_none() => {
                        used.insert(name.clone());
                        (v.clone(), None)
                    }
                    _ => (
                        "managed".to_string(),
                        Some(if !boms.is_empty() {
                            format!(
                                "the version is managed outside this pom (imported BOM {})",
                                boms.join(", ")
                            )
                        } else if let Some((g, a, v)) = &parent_coords {
                            format!("the version is managed by the parent {g}:{a}:{v}")
                        } else {
                            "no version is declared or managed in this pom".to_string()
                        }),
                    ),
                },
            };
            out.push(Declared {
                name,
                line: line(d.node),
                pinned: pinned(&spec) && unresolved.is_none(),
                spec,
                source: if system.is_some() {
                    SourceKind::Path
                } else {
                    SourceKind::Registry
                },
                location: system,
                dev: d.scope == "test",
                section: section.clone(),
                unresolved,
                ..Declared::default()
            });
        }
    }
    // Managed entries no dependency of this pom uses still pin what the build resolves
    // (transitive versions, child modules); BOM imports are dependencies on the BOM.
    for (section, node, props) in &scopes {
        let dm = child(*node, "dependencyManagement").and_then(|m| child(m, "dependencies"));
        for d in deps_of(dm) {
            let name = format!("{}:{}", d.group, d.artifact);
            if used.contains(&name) {
                continue;
            }
            let spec = d
                .version
                .as_deref()
                .map(|v| resolve(v, props))
                .unwrap_or_else(|| "managed".into());
            let unresolved = unresolved_ref(&spec).map(|p| {
                format!(
                    "{p} is not defined in this pom (it may come from a parent pom or the build)"
                )
            });
            let bom = d.kind == "pom" && d.scope == "import";
            out.push(Declared {
                name,
                line: line(d.node),
                pinned: pinned(&spec),
                spec,
                dev: d.scope == "test",
                direct: bom,
                section: format!(
                    "{section}{}",
                    if bom {
                        "import"
                    } else {
                        "dependencyManagement"
                    }
                ),
                unresolved,
                ..Declared::default()
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pom_dependencies() {
        let text = "<project>\n  <properties><jackson.version>2.17.0</jackson.version></properties>\n  <dependencies>\n    <dependency>\n      <groupId>com.fasterxml.jackson.core</groupId>\n      <artifactId>jackson-databind</artifactId>\n      <version>${jackson.version}</version>\n    </dependency>\n    <dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>[4.0,5.0)</version><scope>test</scope></dependency>\n  </dependencies>\n</project>\n";
        let d = parse_pom("pom.xml", text).expect("parses");
        assert_eq!(
            (d[0].name.as_str(), d[0].spec.as_str(), d[0].line),
            ("com.fasterxml.jackson.core:jackson-databind", "2.17.0", 4)
        );
        assert!(!d[1].pinned && d[1].dev);
        let e = parse_pom("pom.xml", "<project>\n<dependencies>\n</project>").expect_err("bad xml");
        assert!(e.to_string().starts_with("pom.xml:3:"), "{e}");
    }

    #[test]
    fn parents_properties_management_boms_and_profiles() {
        let text = r#"<project>
  <parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>3.2.1</version></parent>
  <properties>
    <log4j.major>2</log4j.major>
    <log4j2.version>${log4j.major}.14.1</log4j2.version>
  </properties>
  <dependencyManagement><dependencies>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>${log4j2.version}</version></dependency>
    <dependency><groupId>com.example</groupId><artifactId>platform-bom</artifactId><version>1.4</version><type>pom</type><scope>import</scope></dependency>
    <dependency><groupId>org.yaml</groupId><artifactId>snakeyaml</artifactId><version>1.33</version></dependency>
  </dependencies></dependencyManagement>
  <dependencies>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId></dependency>
    <dependency><groupId>com.example</groupId><artifactId>lib</artifactId></dependency>
    <dependency><groupId>com.example</groupId><artifactId>other</artifactId><version>${other.version}</version></dependency>
  </dependencies>
  <profiles><profile><id>legacy</id>
    <properties><log4j2.version>2.17.1</log4j2.version></properties>
    <dependencies><dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>${log4j2.version}</version></dependency></dependencies>
  </profile></profiles>
</project>"#;
        let d = parse_pom("pom.xml", text).expect("parses");
        let find = |n: &str, section: &str| {
            d.iter()
                .find(|x| x.name == n && x.section == section)
                .unwrap_or_else(|| panic!("{n} in {section:?}: {d:#?}"))
        };
        assert_eq!(
            find(
                "org.springframework.boot:spring-boot-starter-parent",
                "parent"
            )
            .spec,
            "3.2.1"
        );
        let core = find("org.apache.logging.log4j:log4j-core", "");
        assert_eq!(
            (core.spec.as_str(), core.unresolved.is_none()),
            ("2.14.1", true)
        );
        assert_eq!(
            find("org.apache.logging.log4j:log4j-core", "profile:legacy").spec,
            "2.17.1"
        );
        let lib = find("com.example:lib", "");
        assert!(
            lib.unresolved
                .as_deref()
                .is_some_and(|u| u.contains("platform-bom")),
            "{lib:?}"
        );
        let other = find("com.example:other", "");
        assert!(other
            .unresolved
            .as_deref()
            .is_some_and(|u| u.contains("${other.version}")));
        assert!(find("com.example:platform-bom", "import").direct);
        let snake = find("org.yaml:snakeyaml", "dependencyManagement");
        assert!(!snake.direct && snake.spec == "1.33");
    }
}
