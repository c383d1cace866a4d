//! Infrastructure plans: what a deployment would create, change, replace and delete.
//!
//! A diff of `.tf` files says little about blast radius; the plan says it all. This module
//! reads Terraform (`terraform show -json`), Pulumi (`preview --json`), CloudFormation change
//! sets (`describe-change-set`) and AWS CDK cloud assemblies (`cdk.out`, optionally diffed
//! against a base synth), and normalizes them to [`ResourceChange`]s with a category and a
//! criticality from the taxonomy. Sensitive values are redacted here, before anything reaches
//! Rego or a report. Derived signals (world-open ingress, IAM wildcards, protections turned
//! off, mitigations) are computed in Rust so every policy reads one shape for every tool.

pub mod cloudformation;
pub mod config;
pub mod pulumi;
pub mod signals;
pub mod taxonomy;
pub mod terraform;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Serialize;
use serde_json::Value;

pub use config::InfraConfig;

pub use taxonomy::Taxonomy;

/// One resource's planned change, the same shape for every tool.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct ResourceChange {
    /// Terraform address, Pulumi `type::name`, CloudFormation logical id.
    pub address: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    /// `aws`, `google`, `azurerm`, `kubernetes`, ...
    pub provider: String,
    /// Normalized actions: `create`, `update`, `delete`, `read`, `no-op`, `import`, `forget`.
    /// A replacement is `["delete", "create"]` (delete first) or `["create", "delete"]`.
    pub actions: Vec<String>,
    pub replace: bool,
    /// Attribute paths (top level) whose value changes.
    pub changed_attributes: Vec<String>,
    /// Attribute paths that force the replacement, when the tool says.
    pub replace_reasons: Vec<String>,
    /// Terraform `action_reason`, CloudFormation `Conditional` replacement, ...
    pub action_reason: Option<String>,
    pub category: String,
    pub criticality: String,
    /// Holds data that a deletion loses (databases, buckets, volumes, keys, zones).
    pub stateful: bool,
    /// After the change the resource is reachable from the internet.
    pub public_exposure: bool,
    /// What limits the damage of a delete/replace: `deletion_protection`, `final_snapshot`,
    /// `retain_policy`, `snapshot_policy`, `prevent_destroy`, `protect`, `retain_on_delete`.
    pub mitigations: Vec<String>,
    /// World-open ingress rules present after the change and not before.
    pub new_open_ingress: Vec<signals::Ingress>,
    /// IAM statements allowing `*` actions or on `*` resources, new in this change.
    pub iam_wildcards: Vec<signals::IamWildcard>,
    /// Protective settings turned off: `encryption`, `logging`, `versioning`, `backup`,
    /// `deletion_protection`, `public_access_block`.
    pub disabled_protections: Vec<String>,
    pub moved_from: Option<String>,
    pub importing: bool,
    /// CDK construct path (`Stack/Database`), for findings that point at the construct.
    pub construct_path: Option<String>,
    pub module: Option<String>,
    /// 1-based line of the resource in the plan file, for SARIF locations.
    pub line: Option<u32>,
    /// Attribute values after redaction (sensitive values are `"(sensitive)"`).
    pub before: Value,
    pub after: Value,
}

impl ResourceChange {
    pub fn is_noop(&self) -> bool {
        self.actions.iter().all(|a| a == "no-op" || a == "read")
    }
}

#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub delete: usize,
    pub replace: usize,
    pub no_op: usize,
    pub read: usize,
    pub import: usize,
}

/// A drifted resource (changed outside the tool since the last apply).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Drift {
    pub address: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    pub actions: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Plan {
    /// The plan file (or cdk.out directory) as given, repository-relative when inside it.
    pub path: String,
    /// `terraform`, `pulumi`, `cloudformation` or `cdk`.
    pub tool: String,
    /// Changed resources only (no-ops and reads are counted in the summary, not listed).
    pub resources: Vec<ResourceChange>,
    pub summary: Summary,
    pub drift: Vec<Drift>,
    /// Provider configurations that change (Pulumi provider resources, Terraform regions).
    pub provider_changes: Vec<String>,
}

/// `input.infra`: the plans of the check.
#[derive(Debug, Clone, Serialize, Default)]
pub struct InfraFacts {
    pub plans: Vec<Plan>,
}

/// Reads every plan named by `--plan` (files or directories). `base` pairs with CDK
/// assemblies for a resource-level diff of two synths.
pub fn load_plans(
    paths: &[PathBuf],
    cwd: &Path,
    base: Option<&Path>,
    root: &Path,
    taxonomy: &Taxonomy,
) -> Result<Vec<Plan>> {
    use rayon::prelude::*;
    let mut inputs = Vec::new();
    for p in paths {
        expand(p, cwd, &mut inputs)?;
    }
    let base = base.map(|b| {
        if b.is_absolute() {
            b.to_path_buf()
        } else {
            cwd.join(b)
        }
    });
    let base = base.as_deref();
    let mut plans: Vec<Plan> = inputs
        .par_iter()
        .map(|p| load_one(p, cwd, base, root, taxonomy))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    plans.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(plans)
}

/// Lists the plan files (or CDK assemblies) a `--plan` argument names, as the user wrote them.
fn expand(p: &Path, cwd: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let meta = std::fs::metadata(cwd.join(p))
        .with_context(|| format!("cannot read plan {}", p.display()))?;
    if meta.is_dir() {
        if p.join("manifest.json").is_file() {
            out.push(p.to_path_buf());
            return Ok(());
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(cwd.join(p))
            .with_context(|| format!("cannot read plan directory {}", p.display()))?
            .filter_map(|e| e.ok().map(|e| p.join(e.file_name())))
            .filter(|f| cwd.join(f).is_file() && f.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        if files.is_empty() {
            bail!(
                "{}: no plan found (no manifest.json, no *.json files)",
                p.display()
            );
        }
        out.extend(files);
    } else {
        out.push(p.to_path_buf());
    }
    Ok(())
}

/// Repository-relative when the plan is inside the repository, else as the user wrote it.
fn display_path(given: &Path, cwd: &Path, root: &Path) -> String {
    let abs = cwd.join(given);
    let abs = abs.canonicalize().unwrap_or(abs);
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let Ok(rel) = abs.strip_prefix(&root) else {
        return given.to_string_lossy().replace('\\', "/");
    };
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Parses JSON with a located error. serde_json stops at 128 levels of nesting, which bounds
/// the recursion of every walk below.
pub fn parse_json(bytes: &[u8], name: &str) -> Result<Value> {
    serde_json::from_slice(bytes)
        .map_err(|e| anyhow::anyhow!("{name}:{}:{}: not valid JSON: {e}", e.line(), e.column()))
}

fn load_one(
    given: &Path,
    cwd: &Path,
    base: Option<&Path>,
    root: &Path,
    taxonomy: &Taxonomy,
) -> Result<Vec<Plan>> {
    let shown = display_path(given, cwd, root);
    let p = &cwd.join(given);
    let mut plans = if p.is_dir() {
        cloudformation::load_cdk_stacks(p, base, &shown)?
    } else {
        let bytes =
            std::fs::read(p).with_context(|| format!("cannot read plan {}", p.display()))?;
        let doc = parse_json(&bytes, &shown)?;
        if cloudformation::detect_cdk_manifest(&doc) {
            let dir = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let given_dir = given
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            cloudformation::load_cdk_stacks(dir, base, &display_path(given_dir, cwd, root))?
        } else {
            let mut plan = if terraform::detect(&doc) {
                terraform::parse(&doc, &shown)?
            } else if pulumi::detect(&doc) {
                pulumi::parse(&doc, &shown)?
            } else if cloudformation::detect_change_set(&doc) {
                cloudformation::parse_change_set(&doc, &shown)?
            } else if cloudformation::detect_template(&doc) {
                cloudformation::parse_template_pair(None, &doc, &shown, None)?
            } else {
                bail!(
                    "{shown}: not a plan gate knows (expected `terraform show -json`, `pulumi preview --json`, a CloudFormation change set or template, or a cdk.out directory)"
                );
            };
            locate_lines(&mut plan, &bytes);
            vec![plan]
        }
    };
    for plan in &mut plans {
        for r in &mut plan.resources {
            taxonomy.classify(r);
            signals::derive(r);
        }
        plan.resources.sort_by(|a, b| a.address.cmp(&b.address));
        plan.drift.sort_by(|a, b| a.address.cmp(&b.address));
        plan.provider_changes.sort();
        plan.provider_changes.dedup();
    }
    Ok(plans)
}

/// Finds each resource's line in the plan file by its address, so SARIF can point at it: the
/// first string literal equal to the address (Pulumi: the first URN ending in `::name`). One
/// pass over the file, whatever the number of resources.
pub(crate) fn locate_lines(plan: &mut Plan, bytes: &[u8]) {
    use std::collections::HashMap;
    let mut wanted: HashMap<&str, Option<u32>> = HashMap::new();
    for r in &plan.resources {
        wanted.insert(r.address.as_str(), None);
        if let Some(name) = r.address.rsplit("::").next() {
            wanted.entry(name).or_insert(None);
        }
    }
    let mut line = 1u32;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < bytes.len() && bytes[j] != b'"' {
                    if bytes[j] == b'\\' {
                        j += 1;
                    } else if bytes[j] == b'\n' {
                        break;
                    }
                    j += 1;
                }
                let lit = std::str::from_utf8(&bytes[start..j.min(bytes.len())]).unwrap_or("");
                for key in [Some(lit), lit.rsplit_once("::").map(|(_, n)| n)]
                    .into_iter()
                    .flatten()
                {
                    if let Some(slot) = wanted.get_mut(key) {
                        slot.get_or_insert(line);
                    }
                }
                i = j;
            }
            _ => {}
        }
        i += 1;
    }
    let lines: Vec<Option<u32>> = plan
        .resources
        .iter()
        .map(|r| {
            wanted
                .get(r.address.as_str())
                .copied()
                .flatten()
                .or_else(|| {
                    r.address
                        .rsplit("::")
                        .next()
                        .and_then(|n| wanted.get(n).copied().flatten())
                })
        })
        .collect();
    for (r, l) in plan.resources.iter_mut().zip(lines) {
        if r.line.is_none() {
            r.line = l;
        }
    }
}

/// Counts a resource's actions into the summary.
pub fn count(summary: &mut Summary, actions: &[String], replace: bool) {
    if replace {
        summary.replace += 1;
        return;
    }
    for a in actions {
        match a.as_str() {
            "create" => summary.create += 1,
            "update" => summary.update += 1,
            "delete" => summary.delete += 1,
            "read" => summary.read += 1,
            "import" => summary.import += 1,
            _ => summary.no_op += 1,
        }
    }
}

/// Top-level keys whose values differ between two objects.
pub fn changed_keys(before: &Value, after: &Value) -> Vec<String> {
    let empty = serde_json::Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let mut keys: Vec<String> = b
        .keys()
        .chain(a.keys())
        .filter(|k| b.get(*k) != a.get(*k))
        .cloned()
        .collect();
    keys.sort();
    keys.dedup();
    keys
}
