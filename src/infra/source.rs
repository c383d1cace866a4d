//! Where the repository declares a planned resource, so findings point at the code a reviewer
//! changes rather than at line 1 of a one-line `terraform show -json`.
//!
//! Terraform: `resource "TYPE" "NAME"` blocks in `.tf` files; a resource inside a module is
//! looked up in the module's directory (the call's local `source`), else the `module "NAME"`
//! call is reported. Pulumi: the line of the program (TypeScript, Python, Go, C#, Java) that
//! constructs the resource class with its name as a string literal. CDK: the line that
//! constructs the construct with its id (`new X(this, 'Id'`). The walk honours .gitignore and
//! stops at [`MAX_FILES`] files; files over [`MAX_BYTES`] are skipped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::terraform::strip_keys;
use super::Plan;

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// Repository-relative, `/`-separated.
    pub path: String,
    pub line: u32,
    /// `resource`, `module_call`, `pulumi`, `cdk`.
    pub kind: String,
}

pub const MAX_FILES: usize = 20_000;
pub const MAX_BYTES: u64 = 2 * 1024 * 1024;

const PROGRAM_EXT: &[&str] = &["ts", "js", "mjs", "py", "go", "cs", "java", "fs", "kt"];

#[derive(Default)]
pub struct Index {
    root: PathBuf,
    /// (type, name) -> declarations.
    resources: BTreeMap<(String, String), Vec<Location>>,
    /// module call name -> declarations.
    modules: BTreeMap<String, Vec<Location>>,
    /// Program files (Pulumi, CDK), repository-relative.
    programs: Vec<String>,
}

fn quoted_words(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find('"') {
        let after = &rest[i + 1..];
        let Some(j) = after.find('"') else { break };
        out.push(&after[..j]);
        rest = &after[j + 1..];
    }
    out
}

impl Index {
    /// Indexes the repository at `root` (nothing when it holds no configuration).
    pub fn build(root: &Path) -> Index {
        let mut idx = Index {
            root: root.to_path_buf(),
            ..Index::default()
        };
        let mut files: Vec<PathBuf> = ignore::WalkBuilder::new(root)
            .hidden(true)
            .filter_entry(|e| {
                let n = e.file_name().to_string_lossy();
                !matches!(
                    n.as_ref(),
                    ".terraform" | "node_modules" | "target" | "cdk.out" | ".git" | "vendor"
                )
            })
            .build()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .map(|e| e.into_path())
            .take(MAX_FILES)
            .collect();
        files.sort();
        for f in files {
            let Ok(rel) = f.strip_prefix(root) else {
                continue;
            };
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let ext = f.extension().and_then(|e| e.to_str()).unwrap_or_default();
            if ext == "tf" {
                if std::fs::metadata(&f).is_ok_and(|m| m.len() > MAX_BYTES) {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&f) else {
                    continue;
                };
                for (i, line) in text.lines().enumerate() {
                    let t = line.trim_start();
                    let n = (i + 1) as u32;
                    if let Some(rest) = t.strip_prefix("resource") {
                        let w = quoted_words(rest);
                        if w.len() >= 2 {
                            idx.resources
                                .entry((w[0].to_string(), w[1].to_string()))
                                .or_default()
                                .push(Location {
                                    path: rel.clone(),
                                    line: n,
                                    kind: "resource".into(),
                                });
                        }
                    } else if let Some(rest) = t.strip_prefix("module") {
                        if let Some(w) = quoted_words(rest).first() {
                            idx.modules
                                .entry(w.to_string())
                                .or_default()
                                .push(Location {
                                    path: rel.clone(),
                                    line: n,
                                    kind: "module_call".into(),
                                });
                        }
                    }
                }
            } else if PROGRAM_EXT.contains(&ext) {
                idx.programs.push(rel);
            }
        }
        idx
    }

    fn best<'a>(cands: &'a [Location], near: &str, suffix: Option<&str>) -> Option<&'a Location> {
        let dir = |p: &str| {
            p.rsplit_once('/')
                .map(|(d, _)| d.to_string())
                .unwrap_or_default()
        };
        let common = |a: &str, b: &str| {
            a.split('/')
                .zip(b.split('/'))
                .take_while(|(x, y)| x == y)
                .count()
        };
        let near_dir = dir(near);
        cands.iter().max_by(|a, b| {
            let score = |l: &Location| {
                let d = dir(&l.path);
                let fits = suffix.is_some_and(|s| d == s || d.ends_with(&format!("/{s}")));
                let shared = common(&d, &near_dir);
                let depth = if d.is_empty() {
                    0
                } else {
                    d.split('/').count()
                };
                // Fit the module source, then share most of the plan's directory, then
                // stray least below it.
                (
                    fits,
                    shared,
                    std::cmp::Reverse(depth.saturating_sub(shared)),
                )
            };
            score(a)
                .cmp(&score(b))
                .then_with(|| b.path.cmp(&a.path))
                .then_with(|| b.line.cmp(&a.line))
        })
    }

    /// Fills `source` of the plan's resources that the repository declares.
    pub fn locate(&self, plan: &mut Plan) {
        if self.resources.is_empty() && self.programs.is_empty() {
            return;
        }
        match plan.tool.as_str() {
            "terraform" => self.locate_terraform(plan),
            "pulumi" | "cdk" => self.locate_programs(plan),
            _ => {}
        }
    }

    fn locate_terraform(&self, plan: &mut Plan) {
        let near = plan.path.clone();
        let sources = plan.module_sources.clone();
        for r in &mut plan.resources {
            let addr = strip_keys(&r.address);
            let parts: Vec<&str> = addr.split('.').collect();
            let mut modules = Vec::new();
            let mut i = 0;
            while i + 1 < parts.len() && parts[i] == "module" {
                modules.push(parts[i + 1]);
                i += 2;
            }
            let rest = &parts[i..];
            if rest.len() != 2 {
                continue;
            }
            let key = (rest[0].to_string(), rest[1].to_string());
            // The module's directory from the chain of local sources.
            let mut suffix: Option<String> = None;
            let mut prefix = String::new();
            let mut remote = false;
            for m in &modules {
                prefix = format!("{prefix}module.{m}.");
                match sources.get(&prefix) {
                    Some(s) if s.starts_with("./") || s.starts_with("../") => {
                        let base = suffix.clone().unwrap_or_default();
                        suffix = Some(normalize(&format!("{base}/{s}")));
                    }
                    _ => remote = true,
                }
            }
            let found = if modules.is_empty() {
                self.resources
                    .get(&key)
                    .and_then(|c| Self::best(c, &near, None))
            } else if !remote {
                self.resources.get(&key).and_then(|c| {
                    Self::best(c, &near, suffix.as_deref())
                        .filter(|l| suffix.as_deref().is_some_and(|s| l.path.contains(s)))
                })
            } else {
                None
            };
            let found = found.or_else(|| {
                modules
                    .first()
                    .and_then(|m| self.modules.get(*m))
                    .and_then(|c| Self::best(c, &near, None))
            });
            if let Some(l) = found {
                r.source = Some(l.clone());
            }
        }
    }

    fn locate_programs(&self, plan: &mut Plan) {
        // What to look for: (resource index, class name or None, literal).
        let mut wanted: Vec<(usize, Option<String>, String)> = Vec::new();
        for (i, r) in plan.resources.iter().enumerate() {
            if plan.tool == "cdk" {
                if let Some(id) = r
                    .construct_path
                    .as_deref()
                    .and_then(|p| p.rsplit('/').next())
                {
                    wanted.push((i, None, id.to_string()));
                }
            } else if let Some((ty, name)) = r.address.rsplit_once("::") {
                let class = ty.rsplit(':').next().unwrap_or(ty).to_string();
                wanted.push((i, Some(class), name.to_string()));
            }
        }
        if wanted.is_empty() {
            return;
        }
        let mut found: BTreeMap<usize, Location> = BTreeMap::new();
        for rel in &self.programs {
            if found.len() == wanted.len() {
                break;
            }
            let path = self.root.join(rel);
            if std::fs::metadata(&path).is_ok_and(|m| m.len() > MAX_BYTES) {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            for (n, line) in text.lines().enumerate() {
                for (i, class, lit) in &wanted {
                    if found.contains_key(i) {
                        continue;
                    }
                    let has_lit = line.contains(&format!("\"{lit}\""))
                        || line.contains(&format!("'{lit}'"))
                        || line.contains(&format!("`{lit}`"));
                    if !has_lit {
                        continue;
                    }
                    let ok = match class {
                        Some(c) => {
                            line.contains(&format!("{c}(")) || line.contains(&format!("{c} ("))
                        }
                        None => {
                            line.contains("(this,")
                                || line.contains("(self,")
                                || line.contains("(scope,")
                        }
                    };
                    if ok {
                        found.insert(
                            *i,
                            Location {
                                path: rel.clone(),
                                line: (n + 1) as u32,
                                kind: plan.tool.clone(),
                            },
                        );
                    }
                }
            }
        }
        for (i, l) in found {
            plan.resources[i].source = Some(l);
        }
    }
}

/// `a/./b/../c` -> `a/c`, without a leading `./` or `/`.
fn normalize(p: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::infra::ResourceChange;

    #[test]
    fn pulumi_and_cdk_constructs_are_found() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path();
        std::fs::write(
            root.join("index.ts"),
            "import * as aws from \"@pulumi/aws\";\n\nconst db = new aws.rds.Instance(\"orders-db\", {\n});\nconst b = new Bucket(this, 'Assets', {});\n",
        )
        .expect("write");
        let idx = Index::build(root);
        let mut pulumi = Plan {
            tool: "pulumi".into(),
            resources: vec![ResourceChange {
                address: "aws:rds/instance:Instance::orders-db".into(),
                ..ResourceChange::default()
            }],
            ..Plan::default()
        };
        idx.locate(&mut pulumi);
        let s = pulumi.resources[0].source.clone().expect("found");
        assert_eq!(
            (s.path.as_str(), s.line, s.kind.as_str()),
            ("index.ts", 3, "pulumi")
        );
        let mut cdk = Plan {
            tool: "cdk".into(),
            resources: vec![ResourceChange {
                address: "Assets1234".into(),
                construct_path: Some("Shop/Assets".into()),
                ..ResourceChange::default()
            }],
            ..Plan::default()
        };
        idx.locate(&mut cdk);
        assert_eq!(cdk.resources[0].source.as_ref().map(|s| s.line), Some(5));
    }

    #[test]
    fn resources_and_module_resources_are_found() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path();
        std::fs::create_dir_all(root.join("infra/modules/app")).expect("mkdir");
        std::fs::write(
            root.join("infra/main.tf"),
            "terraform {}\n\nresource \"aws_vpc\" \"main\" {\n}\nmodule \"app\" {\n  source = \"./modules/app\"\n}\nmodule \"remote\" {\n  source = \"hashicorp/x/aws\"\n}\n",
        )
        .expect("write");
        std::fs::write(
            root.join("infra/modules/app/main.tf"),
            "# app\nresource  \"aws_instance\" \"web\" {\n}\n",
        )
        .expect("write");
        let idx = Index::build(root);
        let mut plan = Plan {
            path: "infra/plan.json".into(),
            tool: "terraform".into(),
            resources: [
                "aws_vpc.main",
                "module.app.aws_instance.web[0]",
                "module.remote.aws_s3_bucket.b",
            ]
            .iter()
            .map(|a| ResourceChange {
                address: a.to_string(),
                ..ResourceChange::default()
            })
            .collect(),
            ..Plan::default()
        };
        plan.module_sources
            .insert("module.app.".into(), "./modules/app".into());
        plan.module_sources
            .insert("module.remote.".into(), "hashicorp/x/aws".into());
        idx.locate(&mut plan);
        let got: Vec<Option<(String, u32)>> = plan
            .resources
            .iter()
            .map(|r| r.source.as_ref().map(|s| (s.path.clone(), s.line)))
            .collect();
        assert_eq!(
            got,
            vec![
                Some(("infra/main.tf".into(), 3)),
                Some(("infra/modules/app/main.tf".into(), 2)),
                Some(("infra/main.tf".into(), 8)),
            ]
        );
    }
}
