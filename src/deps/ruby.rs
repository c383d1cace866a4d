//! Ruby: Gemfile and Gemfile.lock.

use anyhow::Result;

use super::{located, Declared, Locked, SourceKind};

fn quoted(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find(['\'', '"']) {
        let q = rest.as_bytes()[i] as char;
        let after = &rest[i + 1..];
        let Some(j) = after.find(q) else { break };
        out.push(after[..j].to_string());
        rest = &after[j + 1..];
    }
    out
}

pub fn parse_gemfile(_path: &str, text: &str) -> Result<Vec<Declared>> {
    let mut out = Vec::new();
    let mut group_dev = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split(" #").next().unwrap_or(raw).trim();
        if line.starts_with("group") && (line.contains(":development") || line.contains(":test")) {
            group_dev = true;
        } else if line == "end" {
            group_dev = false;
        }
        let Some(rest) = line.strip_prefix("gem ") else {
            continue;
        };
        let q = quoted(rest);
        let Some(name) = q.first().cloned() else {
            continue;
        };
        let versions: Vec<&String> = q
            .iter()
            .skip(1)
            .filter(|v| {
                v.chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit() || "<>=~!".contains(c))
            })
            .collect();
        let spec = versions
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let (source, location) = if rest.contains("git:") || rest.contains("github:") {
            (SourceKind::Git, q.iter().find(|s| s.contains('/')).cloned())
        } else if rest.contains("path:") {
            (SourceKind::Path, q.last().cloned())
        } else {
            (SourceKind::Registry, None)
        };
        let pinned = versions.len() == 1 && super::exact(versions[0].trim_start_matches("= "));
        out.push(Declared {
            name,
            spec: if spec.is_empty() { "*".into() } else { spec },
            line: u32::try_from(i + 1).unwrap_or(u32::MAX),
            source,
            location,
            pinned,
            dev: group_dev,
            ..Declared::default()
        });
    }
    Ok(out)
}

pub fn parse_gemfile_lock(path: &str, text: &str) -> Result<Vec<Locked>> {
    let mut out = Vec::new();
    let mut section = "";
    for (i, line) in text.lines().enumerate() {
        if !line.starts_with(' ') && !line.trim().is_empty() {
            section = line.trim();
            continue;
        }
        // Specs are indented by exactly four spaces: `    name (1.2.3)`.
        if matches!(section, "GEM" | "GIT" | "PATH")
            && line.starts_with("    ")
            && !line.starts_with("     ")
        {
            let t = line.trim();
            let Some((name, ver)) = t.split_once(" (") else {
                return Err(located(path, i + 1, "expected `name (version)`"));
            };
            out.push(Locked {
                name: name.to_string(),
                version: ver.trim_end_matches(')').to_string(),
                source: match section {
                    "GIT" => SourceKind::Git,
                    "PATH" => SourceKind::Path,
                    _ => SourceKind::Registry,
                },
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
    fn gemfile_and_lock() {
        let text = "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\ngem \"pg\", \"1.5.4\"\ngem 'mine', git: 'https://github.com/me/mine'\ngroup :development, :test do\n  gem 'rspec-rails'\nend\n";
        let d = parse_gemfile("Gemfile", text).expect("parses");
        assert_eq!(
            d.iter()
                .map(|x| (x.name.as_str(), x.line, x.pinned))
                .collect::<Vec<_>>(),
            vec![
                ("rails", 2, false),
                ("pg", 3, true),
                ("mine", 4, false),
                ("rspec-rails", 6, false)
            ]
        );
        assert!(d[3].dev);
        let lock = "GEM\n  remote: https://rubygems.org/\n  specs:\n    pg (1.5.4)\n    rails (7.1.2)\n      actionpack (= 7.1.2)\n\nPLATFORMS\n  ruby\n";
        let l = parse_gemfile_lock("Gemfile.lock", lock).expect("parses");
        assert_eq!(l.len(), 2);
    }
}
