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
pub mod graph;
pub mod mermaid;
pub mod pulumi;
pub mod signals;
pub mod source;
pub mod taxonomy;
pub mod terraform;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Serialize;
use serde_json::Value;

use crate::errors::InputError;

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
    /// Where the repository declares the resource (`resource "aws_vpc" "main"`, the module
    /// call, the Pulumi or CDK construct), when it holds the configuration.
    pub source: Option<source::Location>,
    /// The resources this one references or is ordered after (direct, changed or not).
    pub depends_on: Vec<String>,
    /// What this change takes with it: every resource downstream (transitive) and what the
    /// plan does to each. Filled for updates, deletions and replacements.
    pub downstream: Vec<graph::Downstream>,
    /// How many downstream resources there are (the list stops at 500).
    pub downstream_total: usize,
    /// The deleted, replaced or re-identified resources upstream whose change reaches this one.
    pub caused_by: Vec<String>,
    /// Identity attributes (id, arn, endpoint, address ...) whose value the change gives anew:
    /// dependents that read them must follow.
    pub identity_changes: Vec<String>,
    /// Why a backup or final snapshot cannot bring the data back into the replacement (an
    /// engine or key-schema change), when that is so.
    pub data_migration: Option<String>,
    /// AWS-managed policies this change attaches that grant broad access
    /// (`AdministratorAccess`, `*FullAccess`, `PowerUserAccess`, `IAMFullAccess`).
    pub managed_policies: Vec<String>,
    /// IAM policy documents that reach this resource from a `data.aws_iam_policy_document`
    /// whose output the plan cannot show yet (read at apply), as JSON policy documents.
    pub policy_documents: Vec<Value>,
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

/// A Terraform 1.14 action the plan invokes (`action_invocations`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ActionInvocation {
    pub address: String,
    #[serde(rename = "type")]
    pub action_type: String,
    pub provider: String,
    /// The resource whose lifecycle event triggers it, if any.
    pub trigger: Option<String>,
    /// `before_create`, `after_update` ... (as Terraform writes it), or `invoke`.
    pub event: Option<String>,
    /// The action's configuration, sensitive values redacted.
    pub config: Value,
}

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
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
    /// The tool reported errors while planning (`"errored": true`): the plan is partial.
    pub errored: bool,
    /// The plan is complete (`"complete": false` means more changes follow another apply).
    pub complete: bool,
    /// Terraform 1.14 actions the plan invokes.
    pub action_invocations: Vec<ActionInvocation>,
    /// The dependency graph: `from` references or is ordered after `to`.
    pub edges: Vec<graph::Edge>,
    /// The plan document as the tool wrote it, sensitive values redacted (for user policies
    /// written against the tool's own format, as for conftest).
    pub raw: Value,
    /// Types of graph nodes the plan leaves unchanged (not listed in `resources`).
    #[serde(skip)]
    pub types: std::collections::BTreeMap<String, String>,
    /// CloudFormation exports: name -> logical ids of the resources they expose.
    #[serde(skip)]
    pub exports: std::collections::BTreeMap<String, Vec<String>>,
    /// CloudFormation imports: (consumer logical id, export name).
    #[serde(skip)]
    pub imports: Vec<(String, String)>,
    /// A CloudFormation template diff (not a change set): referencing resources are implied.
    #[serde(skip)]
    pub from_template: bool,
    /// Data sources the plan reads again at apply (walked through like changed resources).
    #[serde(skip)]
    pub read_nodes: std::collections::BTreeSet<String>,
    /// Terraform module call prefix (`module.app.`) -> its `source`.
    #[serde(skip)]
    pub module_sources: std::collections::BTreeMap<String, String>,
}

/// A plan that could not be read: the others are still checked, and the verdict is an error.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PlanError {
    pub path: String,
    pub error: String,
}

/// `input.infra`: the plans of the check.
#[derive(Debug, Clone, Serialize, Default)]
pub struct InfraFacts {
    pub plans: Vec<Plan>,
    /// Plans of a `--plan` directory that could not be read (the verdict is an error).
    pub errors: Vec<PlanError>,
    /// Whether the repository has Terraform root configuration (a `backend` or `cloud` block,
    /// or Terragrunt `remote_state`) that a plan can be made from; `false` in a repository
    /// that only publishes modules. Looked up only when Terraform files changed; `None` when
    /// not looked up or it cannot be told.
    pub root_configuration: Option<bool>,
    /// Changed Terraform files whose whole change moves `required_version` or provider
    /// `version` constraints inside top-level `terraform {}` blocks within one major version
    /// (one minor for 0.x): no resource's configuration changes, so a plan would show nothing
    /// the diff does not (GATE-CHG-002 leaves them out). A major move can change a provider's
    /// defaults and is not one of them.
    pub version_moves: Vec<String>,
    /// Changed Terraform files whose whole change adds or removes whole `variable` or
    /// `output` declarations, or removes `moved` blocks (moves a past apply carried out),
    /// besides blank and comment lines: no resource's configuration changes (GATE-CHG-002
    /// leaves them out). A variable whose default changes, or a changed output, is not one.
    pub declarations_only: Vec<String>,
}

/// Whether the whole change of a Terraform file adds or removes whole `variable` / `output`
/// blocks, or removes whole `moved` blocks, and otherwise only blank or comment lines: `pre`
/// and `post` are the file's text before and after.
fn declarations_only(f: &crate::change::FileChange, pre: &str, post: &str) -> bool {
    use std::collections::BTreeSet;
    let trivial = |t: &[u8]| {
        let t = String::from_utf8_lossy(t);
        let t = t.trim();
        t.is_empty()
            || t.starts_with('#')
            || t.starts_with("//")
            || t.starts_with("/*")
            || t.starts_with('*')
    };
    // Every line of `lines` is trivial or inside a block of `kinds` whose lines all are in
    // `lines`; and at least one such block.
    let covered = |lines: &[&crate::change::Line], text: &str, kinds: &[&str]| {
        let set: BTreeSet<u32> = lines.iter().map(|l| l.line).collect();
        let blocks: Vec<(u32, u32)> = top_blocks(text)
            .into_iter()
            .filter(|(k, a, b)| kinds.contains(&k.as_str()) && (*a..=*b).all(|n| set.contains(&n)))
            .map(|(_, a, b)| (a, b))
            .collect();
        let ok = lines
            .iter()
            .all(|l| trivial(&l.text) || blocks.iter().any(|&(a, b)| a <= l.line && l.line <= b));
        (ok, !blocks.is_empty())
    };
    if f.binary || f.whole_file || f.hunks.is_empty() {
        return false;
    }
    let added: Vec<&crate::change::Line> = f.hunks.iter().flat_map(|h| &h.added).collect();
    let removed: Vec<&crate::change::Line> = f.hunks.iter().flat_map(|h| &h.removed).collect();
    let (add_ok, add_any) = covered(&added, post, &["variable", "output"]);
    let (rm_ok, rm_any) = covered(&removed, pre, &["variable", "output", "moved"]);
    add_ok && rm_ok && (add_any || rm_any)
}

static VERSION_LINE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"^\s*(required_version|version)\s*=\s*"([^"]*)"\s*(?:(?:#|//).*)?$"#)
        .expect("static regex")
});

/// Whether every hunk of a modified file replaces `version = "..."` or `required_version =
/// "..."` lines, one for one, by the same key with a constraint of the same major version.
/// The diff alone cannot tell which block the lines are in; [`terraform_blocks`] of the
/// post-image does.
fn version_lines_only(f: &crate::change::FileChange) -> bool {
    let parse = |l: &crate::change::Line| {
        let t = String::from_utf8_lossy(&l.text).into_owned();
        let c = VERSION_LINE.captures(&t)?;
        let v = crate::deps::version_key(&c[2])?;
        Some((c[1].to_string(), crate::deps::major(&v)))
    };
    f.status == crate::change::FileStatus::Modified
        && !f.binary
        && !f.hunks.is_empty()
        && f.hunks.iter().all(|h| {
            !h.added.is_empty()
                && h.added.len() == h.removed.len()
                && h.removed
                    .iter()
                    .zip(&h.added)
                    .all(|(r, a)| matches!((parse(r), parse(a)), (Some(o), Some(n)) if o == n))
        })
}

/// The line ranges (first, last; 1-based) of the top-level `terraform { ... }` blocks of a
/// Terraform file.
fn terraform_blocks(text: &str) -> Vec<(u32, u32)> {
    top_blocks(text)
        .into_iter()
        .filter(|(kind, _, _)| kind == "terraform")
        .map(|(_, a, b)| (a, b))
        .collect()
}

/// The top-level blocks of a Terraform file: their type (`resource`, `variable`, `output`,
/// `moved`, `terraform` ...) and line range (first, last; 1-based), braces counted outside
/// strings and comments. A block is only recorded when its opening line names its type and
/// labels before the `{` (`output "arn" {`), as `terraform fmt` writes them.
fn top_blocks(text: &str) -> Vec<(String, u32, u32)> {
    static HEAD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"^\s*([A-Za-z_][A-Za-z0-9_-]*)(\s+("[^"]*"|[A-Za-z_][A-Za-z0-9_-]*))*\s*\{"#,
        )
        .expect("static regex")
    });
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut open: Option<(String, u32)> = None;
    let mut in_comment = false;
    for (i, line) in text.lines().enumerate() {
        let n = i as u32 + 1;
        if depth == 0 && !in_comment {
            if let Some(c) = HEAD.captures(line) {
                open = Some((c[1].to_string(), n));
            }
        }
        let (mut in_str, mut prev) = (false, ' ');
        let bytes: Vec<char> = line.chars().collect();
        let mut j = 0;
        while j < bytes.len() {
            let c = bytes[j];
            let next = bytes.get(j + 1).copied().unwrap_or(' ');
            if in_comment {
                if c == '*' && next == '/' {
                    in_comment = false;
                    j += 1;
                }
            } else if in_str {
                if c == '"' && prev != '\\' {
                    in_str = false;
                }
            } else if c == '"' {
                in_str = true;
            } else if c == '#' || (c == '/' && next == '/') {
                break;
            } else if c == '/' && next == '*' {
                in_comment = true;
                j += 1;
            } else if c == '{' {
                depth += 1;
            } else if c == '}' {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    if let Some((kind, a)) = open.take() {
                        out.push((kind, a, n));
                    }
                }
            }
            prev = c;
            j += 1;
        }
    }
    out
}

/// What marks Terraform root configuration, for `git grep -E`, and where it is looked for.
pub const ROOT_CONFIGURATION: (&str, &[&str]) = (
    r#"^[[:space:]]*(backend[[:space:]]+"[^"]*"|cloud|remote_state)[[:space:]]*\{"#,
    &["*.tf", "*terragrunt.hcl"],
);

/// What a check asks of the infrastructure analyzer.
pub struct Request<'a> {
    /// `--plan` files and directories, resolved against `cwd`.
    pub plans: &'a [PathBuf],
    pub cwd: &'a Path,
    /// `--plan-base`: the CDK assembly the plans are compared with.
    pub base: Option<&'a Path>,
    /// The repository's root (the working directory outside a repository).
    pub root: &'a Path,
    /// `infra.taxonomy` of the configuration.
    pub taxonomy: &'a [taxonomy::TaxonomyEntry],
    /// The change, when gate should look for Terraform root configuration if it touches
    /// Terraform files (`None` for `--all`, which checks a tree, not a change to it).
    pub change: Option<&'a crate::change::ChangeSet>,
}

/// The infrastructure facts of a check: the plans named, every value passed through
/// `redact` (which masks secrets before any rule or report sees them), and whether the
/// repository holds Terraform root configuration when the change touches Terraform files.
/// Plans that cannot be read are the returned errors; the others are still analyzed.
pub fn analyze(
    req: &Request,
    redact: &dyn Fn(&mut Value),
) -> Result<(InfraFacts, Vec<InputError>)> {
    let mut facts = InfraFacts::default();
    let mut errors = Vec::new();
    if !req.plans.is_empty() {
        let taxonomy = Taxonomy::new(req.taxonomy)?;
        let (mut loaded, in_dirs, unreadable) =
            load_plans(req.plans, req.cwd, req.base, req.root, &taxonomy);
        errors = unreadable;
        for plan in &mut loaded {
            for r in &mut plan.resources {
                redact(&mut r.before);
                redact(&mut r.after);
            }
            redact(&mut plan.raw);
        }
        facts.plans = loaded;
        facts.errors = in_dirs;
    }
    if let Some(cs) = req.change {
        let terraform = |path: &str| {
            let p = path.to_ascii_lowercase();
            p.ends_with(".tf") || p.ends_with(".tfvars")
        };
        if cs.files.iter().any(|f| terraform(&f.path)) {
            let (pattern, specs) = ROOT_CONFIGURATION;
            facts.root_configuration = cs.post.grep_any(pattern, specs)?;
        }
        for f in cs.files.iter().filter(|f| f.path.ends_with(".tf")) {
            // Only a change that opens a declaration block can be declarations-only: the
            // images are read (two blob reads) for those files alone.
            let opens_declaration = || {
                f.hunks
                    .iter()
                    .flat_map(|h| h.added.iter().chain(&h.removed))
                    .any(|l| {
                        let t = String::from_utf8_lossy(&l.text);
                        let t = t.trim_start();
                        ["variable", "output", "moved"]
                            .iter()
                            .any(|k| t.starts_with(k))
                    })
            };
            if !f.binary && !f.whole_file && opens_declaration() {
                let read = |img: &crate::change::Snapshot, path: &str| -> Result<String> {
                    Ok(String::from_utf8_lossy(&img.read(path)?.unwrap_or_default()).into_owned())
                };
                let post = match f.status {
                    crate::change::FileStatus::Deleted => String::new(),
                    _ => read(&cs.post, &f.path)?,
                };
                let pre = match f.status {
                    crate::change::FileStatus::Added => String::new(),
                    _ => read(&cs.pre, f.old_path.as_deref().unwrap_or(&f.path))?,
                };
                if declarations_only(f, &pre, &post) {
                    facts.declarations_only.push(f.path.clone());
                    continue;
                }
            }
            if version_lines_only(f) {
                let post = cs.post.read(&f.path)?.unwrap_or_default();
                let blocks = terraform_blocks(&String::from_utf8_lossy(&post));
                let inside = |n: u32| blocks.iter().any(|&(a, b)| a <= n && n <= b);
                if f.hunks
                    .iter()
                    .flat_map(|h| &h.added)
                    .all(|l| inside(l.line))
                {
                    facts.version_moves.push(f.path.clone());
                }
            }
        }
    }
    Ok((facts, errors))
}

/// Reads every plan named by `--plan` (files or directories). `base` pairs with CDK
/// assemblies for a resource-level diff of two synths. Every plan that cannot be read or
/// parsed (a named one, or a file of a `--plan` directory) is an error naming it, in the third
/// list, while the other plans are still read; the files of a directory are also listed in the
/// second list (`infra.errors`, which GATE-INF-013 reports).
pub fn load_plans(
    paths: &[PathBuf],
    cwd: &Path,
    base: Option<&Path>,
    root: &Path,
    taxonomy: &Taxonomy,
) -> (Vec<Plan>, Vec<PlanError>, Vec<InputError>) {
    use rayon::prelude::*;
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if let Err(e) = expand(p, cwd, &mut inputs) {
            errors.push(InputError::new(&p.to_string_lossy(), &e));
        }
    }
    let from_dir: Vec<bool> = inputs.iter().map(|(_, d)| *d).collect();
    let inputs: Vec<PathBuf> = inputs.into_iter().map(|(p, _)| p).collect();
    let base = base.map(|b| {
        if b.is_absolute() {
            b.to_path_buf()
        } else {
            cwd.join(b)
        }
    });
    let base = base.as_deref();
    let results: Vec<Result<Vec<Plan>>> = inputs
        .par_iter()
        .map(|p| load_one(p, cwd, base, root, taxonomy))
        .collect();
    let mut plans = Vec::new();
    let mut in_dirs = Vec::new();
    for ((res, given), in_dir) in results.into_iter().zip(&inputs).zip(from_dir) {
        match res {
            Ok(ps) => plans.extend(ps),
            Err(e) => {
                let shown = display_path(given, cwd, root);
                if in_dir {
                    in_dirs.push(PlanError {
                        path: shown.clone(),
                        error: format!("{e:#}"),
                    });
                }
                errors.push(InputError::new(&shown, &e));
            }
        }
    }
    plans.sort_by(|a, b| a.path.cmp(&b.path));
    graph::link_across(&mut plans);
    let index = source::Index::build(root);
    for plan in &mut plans {
        index.locate(plan);
    }
    (plans, in_dirs, errors)
}

/// Lists the plan files (or CDK assemblies) a `--plan` argument names, as the user wrote them,
/// each with whether it was found in a directory.
fn expand(p: &Path, cwd: &Path, out: &mut Vec<(PathBuf, bool)>) -> Result<()> {
    let meta = std::fs::metadata(cwd.join(p))
        .with_context(|| format!("{}: cannot read the plan", p.display()))?;
    if meta.is_dir() {
        if cwd.join(p).join("manifest.json").is_file() {
            out.push((p.to_path_buf(), false));
            return Ok(());
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(cwd.join(p))
            .with_context(|| format!("{}: cannot read the plan directory", p.display()))?
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
        out.extend(files.into_iter().map(|f| (f, true)));
    } else {
        out.push((p.to_path_buf(), false));
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

/// The text of a plan file as UTF-8: a UTF-8 byte order mark is dropped, and UTF-16 (with a
/// byte order mark, as Windows PowerShell's `>` writes it, or without one, told by its zero
/// bytes) is decoded.
pub fn decode_text(bytes: Vec<u8>, name: &str) -> Result<Vec<u8>> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return Ok(rest.to_vec());
    }
    let (le, body) = match bytes.as_slice() {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 => (true, bytes.as_slice()),
        [0, a, 0, b, ..] if *a != 0 && *b != 0 => (false, bytes.as_slice()),
        _ => return Ok(bytes),
    };
    if body.len() % 2 != 0 {
        bail!("{name}: UTF-16 text with an odd number of bytes");
    }
    let units = body.chunks_exact(2).map(|c| {
        if le {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    let text: String = char::decode_utf16(units)
        .collect::<std::result::Result<String, _>>()
        .map_err(|e| anyhow::anyhow!("{name}: invalid UTF-16 text: {e}"))?;
    Ok(text.into_bytes())
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
        let bytes = std::fs::read(p).with_context(|| format!("{shown}: cannot read the plan"))?;
        let bytes = decode_text(bytes, &shown)?;
        let doc = parse_json(&bytes, &shown)?;
        if let Some(what) = terraform::state_kind(&doc) {
            bail!(
                "{shown}: this is {what}, not a plan: a state says what exists, not what would change. Give gate the plan: `terraform plan -out plan.tfplan && terraform show -json plan.tfplan > plan.json`"
            );
        }
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
                let mut p = cloudformation::parse_change_set(&doc, &shown)?;
                p.raw = doc.clone();
                p
            } else if cloudformation::detect_template(&doc) {
                let mut p = cloudformation::parse_template_pair(None, &doc, &shown, None)?;
                cloudformation::template_graph(&mut p, None, &doc, None);
                p.raw = doc.clone();
                p
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
        let types = std::mem::take(&mut plan.types);
        graph::link(plan, &types);
        plan.types = types;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::{FileChange, FileStatus, Hunk, Line};

    /// A modified file with one hunk replacing `removed` by `added` at line `at`.
    fn edit(path: &str, at: u32, removed: &[&str], added: &[&str]) -> FileChange {
        let lines = |ls: &[&str]| -> Vec<Line> {
            ls.iter()
                .enumerate()
                .map(|(i, t)| Line {
                    line: at + i as u32,
                    text: t.as_bytes().into(),
                })
                .collect()
        };
        let mut f = FileChange::new(path.into(), FileStatus::Modified);
        f.hunks.push(Hunk {
            old_start: at,
            old_lines: removed.len() as u32,
            new_start: at,
            new_lines: added.len() as u32,
            added: lines(added),
            removed: lines(removed),
        });
        f
    }

    // Shapes of Renovate's provider bumps and a Helm chart bump seen on a Terraform root
    // configuration (written for this test).
    const MAIN_TF: &str = r#"terraform {
  required_version = "~> 1.10" # the CI's version
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 7.44.0"
    }
  }
  backend "gcs" { bucket = "tf-state" }
}

resource "helm_release" "bootstrap" {
  chart   = "bootstrap"
  version = "0.6.0" /* { */
}
"#;

    #[test]
    fn provider_version_moves_within_a_major_are_told_apart_from_resource_edits() {
        let blocks = terraform_blocks(MAIN_TF);
        assert_eq!(blocks, vec![(1, 10)], "{blocks:?}");
        let provider = edit(
            "main.tf",
            6,
            &[r#"      version = "~> 7.43.0""#],
            &[r#"      version = "~> 7.44.0""#],
        );
        assert!(version_lines_only(&provider));
        let inside = |f: &FileChange| {
            f.hunks
                .iter()
                .flat_map(|h| &h.added)
                .all(|l| blocks.iter().any(|&(a, b)| a <= l.line && l.line <= b))
        };
        assert!(inside(&provider));
        // The same kind of line in a resource is a change a plan shows.
        let chart = edit(
            "main.tf",
            14,
            &[r#"  version = "0.5.0" /* { */"#],
            &[r#"  version = "0.6.0" /* { */"#],
        );
        assert!(!inside(&chart));
        // A major move (and a 0.x minor one) can change defaults: a plan is wanted.
        let major = edit(
            "main.tf",
            6,
            &[r#"      version = "~> 6.49""#],
            &[r#"      version = "~> 7.0""#],
        );
        assert!(!version_lines_only(&major));
        let zero_minor = edit(
            "versions.tf",
            6,
            &[r#"      version = "0.13.1""#],
            &[r#"      version = "0.14.0""#],
        );
        assert!(!version_lines_only(&zero_minor));
        let patch = edit(
            "versions.tf",
            6,
            &[r#"      version = "0.14.0""#],
            &[r#"      version = "0.14.1""#],
        );
        assert!(version_lines_only(&patch));
        // Anything else in the hunk (a new attribute, a changed source) makes it substantive.
        let more = edit(
            "main.tf",
            5,
            &[
                r#"      source  = "hashicorp/google""#,
                r#"      version = "~> 7.43.0""#,
            ],
            &[
                r#"      source  = "hashicorp/google-beta""#,
                r#"      version = "~> 7.44.0""#,
            ],
        );
        assert!(!version_lines_only(&more));
        let added_only = edit("main.tf", 6, &[], &[r#"      version = "~> 7.44.0""#]);
        assert!(!version_lines_only(&added_only));
    }

    #[test]
    fn whole_declarations_added_or_removed_need_no_plan() {
        let pre = "variable \"region\" {\n  default = \"eu-west-2\"\n}\n\nmoved {\n  from = aws_s3_bucket.a\n  to   = module.b.aws_s3_bucket.this\n}\n\nresource \"aws_s3_bucket\" \"c\" {\n  bucket = \"c\"\n}\n";
        // An applied `moved` block removed (lines 4-8 of the pre-image, the blank line too).
        let post = "variable \"region\" {\n  default = \"eu-west-2\"\n}\n\nresource \"aws_s3_bucket\" \"c\" {\n  bucket = \"c\"\n}\n";
        let moved = edit(
            "main.tf",
            4,
            &[
                "",
                "moved {",
                "  from = aws_s3_bucket.a",
                "  to   = module.b.aws_s3_bucket.this",
                "}",
            ],
            &[],
        );
        assert!(declarations_only(&moved, pre, post));
        // A new output appended (post-image lines 8-11).
        let with_output = format!("{post}\noutput \"arn\" {{\n  value = aws_s3_bucket.c.arn\n}}\n");
        let output = edit(
            "main.tf",
            8,
            &[],
            &["", "output \"arn\" {", "  value = aws_s3_bucket.c.arn", "}"],
        );
        assert!(declarations_only(&output, post, &with_output));
        // A variable's default changed: resources that read it change.
        let changed = post.replace("eu-west-2", "eu-west-1");
        let default = edit(
            "main.tf",
            2,
            &["  default = \"eu-west-2\""],
            &["  default = \"eu-west-1\""],
        );
        assert!(!declarations_only(&default, post, &changed));
        // A resource removed is a destroy a plan shows.
        let no_resource = "variable \"region\" {\n  default = \"eu-west-2\"\n}\n";
        let destroy = edit(
            "main.tf",
            4,
            &[
                "",
                "resource \"aws_s3_bucket\" \"c\" {",
                "  bucket = \"c\"",
                "}",
            ],
            &[],
        );
        assert!(!declarations_only(&destroy, post, no_resource));
        // An added `moved` block is a move a plan must confirm.
        let add_moved = edit(
            "main.tf",
            4,
            &[],
            &[
                "",
                "moved {",
                "  from = aws_s3_bucket.a",
                "  to   = module.b.aws_s3_bucket.this",
                "}",
            ],
        );
        assert!(!declarations_only(&add_moved, post, pre));
        // Part of an output edited (its value) is not a whole declaration.
        let edited = with_output.replace("aws_s3_bucket.c.arn", "aws_s3_bucket.c.id");
        let value = edit(
            "main.tf",
            10,
            &["  value = aws_s3_bucket.c.arn"],
            &["  value = aws_s3_bucket.c.id"],
        );
        assert!(!declarations_only(&value, &with_output, &edited));
    }
}
