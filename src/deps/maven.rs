//! Maven: pom.xml dependencies (with `${property}` versions resolved from `<properties>`).

use anyhow::Result;

use super::{located, Declared, SourceKind};

pub fn parse_pom(path: &str, text: &str) -> Result<Vec<Declared>> {
    let doc =
        roxmltree::Document::parse(text).map_err(|e| located(path, e.pos().row as usize, e))?;
    let root = doc.root_element();
    let child_text = |n: roxmltree::Node, name: &str| -> Option<String> {
        n.children()
            .find(|c| c.has_tag_name(name))
            .and_then(|c| c.text())
            .map(|t| t.trim().to_string())
    };
    let props: Vec<(String, String)> = root
        .children()
        .find(|c| c.has_tag_name("properties"))
        .map(|p| {
            p.children()
                .filter(|c| c.is_element())
                .map(|c| {
                    (
                        c.tag_name().name().to_string(),
                        c.text().unwrap_or("").trim().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let resolve = |v: String| -> String {
        if let Some(key) = v.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
            props
                .iter()
                .find(|(k, _)| k == key)
                .map_or(v.clone(), |(_, x)| x.clone())
        } else {
            v
        }
    };
    let mut out = Vec::new();
    for dep in root.descendants().filter(|n| n.has_tag_name("dependency")) {
        // Skip dependencyManagement entries: they constrain, they do not add.
        if dep
            .ancestors()
            .any(|a| a.has_tag_name("dependencyManagement"))
        {
            continue;
        }
        let (Some(g), Some(a)) = (child_text(dep, "groupId"), child_text(dep, "artifactId")) else {
            continue;
        };
        let version = child_text(dep, "version")
            .map(resolve)
            .unwrap_or_else(|| "managed".into());
        let scope = child_text(dep, "scope").unwrap_or_default();
        let system = child_text(dep, "systemPath");
        let pinned = !(version.starts_with('[')
            || version.starts_with('(')
            || version == "LATEST"
            || version == "RELEASE"
            || version.contains("SNAPSHOT"));
        out.push(Declared {
            name: format!("{g}:{a}"),
            line: doc.text_pos_at(dep.range().start).row,
            spec: version,
            source: if system.is_some() {
                SourceKind::Path
            } else {
                SourceKind::Registry
            },
            location: system,
            pinned,
            dev: scope == "test",
        });
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
}
