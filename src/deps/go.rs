//! Go: go.mod (require blocks, `// indirect`, replace directives) and go.sum.

use anyhow::Result;

use super::{located, Declared, Locked, SourceKind};

pub fn parse_go_mod(path: &str, text: &str) -> Result<Vec<Declared>> {
    let mut out: Vec<Declared> = Vec::new();
    let mut replaces: Vec<(String, String, u32)> = Vec::new();
    let mut block: Option<&str> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split("//").next().unwrap_or(raw).trim();
        let indirect = raw.contains("// indirect");
        let lineno = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if line.is_empty() {
            continue;
        }
        if line == ")" {
            block = None;
            continue;
        }
        let (directive, rest) = match block {
            Some(d) => (d, line),
            None => {
                let mut parts = line.splitn(2, char::is_whitespace);
                let d = parts.next().unwrap_or("");
                let r = parts.next().unwrap_or("").trim();
                if r == "(" {
                    block = Some(match d {
                        "require" => "require",
                        "replace" => "replace",
                        "exclude" => "exclude",
                        "retract" => "retract",
                        "tool" => "tool",
                        "godebug" => "godebug",
                        other => {
                            return Err(located(path, i + 1, format!("unknown block {other:?}")))
                        }
                    });
                    continue;
                }
                (d, r)
            }
        };
        match directive {
            "require" => {
                let mut p = rest.split_whitespace();
                let (Some(m), Some(v)) = (p.next(), p.next()) else {
                    return Err(located(path, i + 1, "require needs a module and a version"));
                };
                out.push(Declared {
                    name: m.to_string(),
                    spec: v.to_string(),
                    line: lineno,
                    source: SourceKind::Registry,
                    location: None,
                    pinned: true,
                    // `// indirect`: required for a dependency's sake, not imported here.
                    direct: !indirect,
                    ..Declared::default()
                });
            }
            "replace" => {
                if let Some((from, to)) = rest.split_once("=>") {
                    let from = from.split_whitespace().next().unwrap_or("").to_string();
                    replaces.push((from, to.trim().to_string(), lineno));
                }
            }
            "module" | "go" | "toolchain" | "exclude" | "retract" | "tool" | "godebug" => {}
            other => return Err(located(path, i + 1, format!("unknown directive {other:?}"))),
        }
    }
    for (from, to, _line) in replaces {
        if let Some(d) = out.iter_mut().find(|d| d.name == from) {
            let local = to.starts_with("./") || to.starts_with("../") || to.starts_with('/');
            d.source = if local {
                SourceKind::Path
            } else {
                SourceKind::Url
            };
            d.location = Some(to.clone());
            if !local {
                // go.sum lists the replacement module, not the one replaced.
                d.target = to.split_whitespace().next().map(str::to_string);
            }
            d.spec = format!("{} => {to}", d.spec);
        }
    }
    Ok(out)
}

pub fn parse_go_sum(path: &str, text: &str) -> Result<Vec<Locked>> {
    let mut out: Vec<Locked> = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let mut p = l.split_whitespace();
        let (Some(m), Some(v), Some(_h)) = (p.next(), p.next(), p.next()) else {
            if l.trim().is_empty() {
                continue;
            }
            return Err(located(path, i + 1, "expected `module version hash`"));
        };
        let v = v.trim_end_matches("/go.mod");
        if !out.iter().any(|x| x.name == m && x.version == v) {
            out.push(Locked {
                name: m.to_string(),
                version: v.to_string(),
                source: SourceKind::Registry,
                install_script: false,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_mod_blocks_and_replaces() {
        let text = "module example.com/app\n\ngo 1.22\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.9.1\n\tgolang.org/x/net v0.20.0 // indirect\n)\n\nrequire github.com/me/lib v0.1.0\n\nreplace github.com/me/lib => ../lib\n";
        let d = parse_go_mod("go.mod", text).expect("parses");
        assert_eq!(d.len(), 3);
        assert_eq!(
            (d[0].name.as_str(), d[0].line),
            ("github.com/gin-gonic/gin", 6)
        );
        assert!(!d[1].direct && !d[1].dev, "indirect");
        assert_eq!(d[2].source, SourceKind::Path);
        assert!(parse_go_mod("go.mod", "module x\nfrobnicate y\n").is_err());
    }
}
