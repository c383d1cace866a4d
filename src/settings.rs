//! Where a run's configuration, policies, exceptions and baseline come from, and whether the
//! change under review tries to weaken them.
//!
//! The change is untrusted. With `--base`, everything that decides the verdict is read from
//! the base revision, not from the change: a pull request that adds `disable: [GATE-SEC-001]`
//! is judged by the rules it tried to switch off, and the attempt itself is a finding.
//! `--config-from-worktree` opts out for local use; `--config FILE` is always taken as given.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;

use crate::change::{git, ChangeSet, Snapshot};
use crate::config::{self, Config, Resolved};
use crate::policy::{PolicySet, PolicySource};
use crate::suppress::{self, Baseline, Exception};

/// Facts about the gate's own configuration in this change (`input.governance`).
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Governance {
    /// `base`, `worktree`, `explicit` or `default`.
    pub config_source: String,
    /// The revision the configuration was read from, with `base`.
    pub config_revision: Option<String>,
    pub config_changed: bool,
    pub policies_changed: bool,
    pub exceptions_changed: bool,
    /// How the change weakens the gate, compared with the configuration it replaces.
    pub weakened: Vec<String>,
}

pub struct Settings {
    pub cfg: Resolved,
    pub policies: PolicySet,
    pub exceptions: Vec<Exception>,
    pub baseline: Option<Baseline>,
    pub governance: Governance,
}

/// A place files are read from: the work tree or a revision.
enum Origin<'a> {
    Dir(&'a Path),
    Rev {
        root: &'a Path,
        rev: &'a str,
        /// Files already read in one batch (one git process for the usual three).
        read: std::collections::HashMap<String, Option<Vec<u8>>>,
    },
}

impl Origin<'_> {
    fn read(&self, rel: &str) -> Result<Option<String>> {
        let bytes = match self {
            Origin::Dir(root) => {
                let p = root.join(rel);
                if !p.is_file() {
                    return Ok(None);
                }
                std::fs::read(&p).with_context(|| format!("cannot read {}", p.display()))?
            }
            Origin::Rev { root, rev, read } => {
                let found = match read.get(rel) {
                    Some(found) => found.clone(),
                    None => git::show(root, &format!("{rev}:{rel}"))?,
                };
                match found {
                    Some(b) => b,
                    None => return Ok(None),
                }
            }
        };
        String::from_utf8(bytes)
            .map(Some)
            .with_context(|| format!("{} is not UTF-8", self.name(rel)))
    }

    fn name(&self, rel: &str) -> String {
        match self {
            Origin::Dir(root) => root.join(rel).display().to_string(),
            Origin::Rev { rev, .. } => format!("{}:{rel}", &rev[..rev.len().min(12)]),
        }
    }

    /// Policy files under a configured directory.
    fn policies(&self, dir: &str, set: &mut PolicySet) -> Result<()> {
        match self {
            Origin::Dir(root) => set.add_dir(&root.join(dir)),
            Origin::Rev { root, rev, .. } => {
                let files = git::ls_tree(root, rev, dir)?;
                if files.is_empty() {
                    anyhow::bail!(
                        "policies: {dir} does not exist at {}",
                        &rev[..rev.len().min(12)]
                    );
                }
                let prefix = format!("{}/", dir.trim_end_matches('/'));
                for f in files.iter().filter(|f| f.ends_with(".rego")) {
                    let text = self.read(f)?.unwrap_or_default();
                    set.add(PolicySource {
                        rel: f.strip_prefix(&prefix).unwrap_or(f).to_string(),
                        origin: self.name(f),
                        text,
                        builtin: false,
                    });
                }
                Ok(())
            }
        }
    }
}

fn load_config_from(origin: &Origin, name: &str) -> Result<Option<Config>> {
    match origin.read(name)? {
        Some(text) => Config::parse(&text, &origin.name(name)).map(Some),
        None => Ok(None),
    }
}

/// Loads the settings for a change. `extra_policies` are `--policy` directories (always the
/// caller's own, never from the change).
pub fn load(
    cs: &ChangeSet,
    cwd: &Path,
    explicit: Option<&Path>,
    from_worktree: bool,
    extra_policies: &[PathBuf],
) -> Result<Settings> {
    let root = cs.root.clone().unwrap_or_else(|| cwd.to_path_buf());
    let base_rev = match (&cs.pre, from_worktree || explicit.is_some()) {
        (Snapshot::Revision { rev, .. }, false) if cs.head.is_some() => Some(rev.clone()),
        _ => None,
    };
    let worktree = Origin::Dir(&root);
    let base_origin = match base_rev.as_deref() {
        Some(rev) => {
            let names = [
                config::FILE_NAME,
                suppress::EXCEPTIONS_FILE,
                suppress::BASELINE_FILE,
            ];
            let specs: Vec<String> = names.iter().map(|n| format!("{rev}:{n}")).collect();
            let read = names
                .iter()
                .map(|n| (*n).to_string())
                .zip(git::show_many(&root, &specs)?)
                .collect();
            Some(Origin::Rev {
                root: &root,
                rev,
                read,
            })
        }
        None => None,
    };
    let origin = base_origin.as_ref().unwrap_or(&worktree);

    let (config, source) = match explicit {
        Some(p) => (Config::load(p)?, "explicit"),
        None => match load_config_from(origin, config::FILE_NAME)? {
            Some(c) => (
                c,
                if base_rev.is_some() {
                    "base"
                } else {
                    "worktree"
                },
            ),
            None => (Config::default(), "default"),
        },
    };
    let mut policies = PolicySet::builtin();
    let policy_origin = if explicit.is_some() {
        &worktree
    } else {
        origin
    };
    for d in &config.policies {
        policy_origin
            .policies(d, &mut policies)
            .with_context(|| format!("policies: {d} (from the configuration)"))?;
    }
    for d in extra_policies {
        policies.add_dir(&cwd.join(d))?;
    }
    let today = suppress::today();
    let exceptions_file = config
        .exceptions
        .clone()
        .unwrap_or_else(|| suppress::EXCEPTIONS_FILE.to_string());
    let exceptions = match origin.read(&exceptions_file)? {
        Some(t) => suppress::parse_exceptions(&t, &origin.name(&exceptions_file), &today)?,
        None if config.exceptions.is_some() => {
            anyhow::bail!(
                "exceptions: {} does not exist",
                origin.name(&exceptions_file)
            )
        }
        None => Vec::new(),
    };
    let baseline_file = config
        .baseline
        .clone()
        .unwrap_or_else(|| suppress::BASELINE_FILE.to_string());
    let baseline = match origin.read(&baseline_file)? {
        Some(t) => Some(Baseline::parse(&t, &origin.name(&baseline_file))?),
        None if config.baseline.is_some() => {
            anyhow::bail!("baseline: {} does not exist", origin.name(&baseline_file))
        }
        None => None,
    };
    let cfg = Resolved::new(config)?;
    let governance = governance(
        cs,
        &cfg,
        source,
        base_rev.clone(),
        &exceptions_file,
        &baseline_file,
    );
    Ok(Settings {
        cfg,
        policies,
        exceptions,
        baseline,
        governance,
    })
}

fn governance(
    cs: &ChangeSet,
    cfg: &Resolved,
    source: &str,
    base_rev: Option<String>,
    exceptions_file: &str,
    baseline_file: &str,
) -> Governance {
    let changed = |pred: &dyn Fn(&str) -> bool| {
        cs.files
            .iter()
            .any(|f| pred(&f.path) || f.old_path.as_deref().is_some_and(pred))
    };
    let in_policy_dir = |p: &str| {
        cfg.config.policies.iter().any(|d| {
            let d = d.trim_end_matches('/');
            !d.is_empty() && p.starts_with(&format!("{d}/"))
        })
    };
    let mut g = Governance {
        config_source: source.to_string(),
        config_revision: base_rev,
        config_changed: changed(&|p| p == config::FILE_NAME),
        policies_changed: changed(&in_policy_dir),
        exceptions_changed: changed(&|p| p == exceptions_file || p == baseline_file),
        weakened: Vec::new(),
    };
    if cs.files.iter().any(|f| f.whole_file) {
        // `--all` lists every file as added: nothing is "changed" relative to a base.
        g.config_changed = false;
        g.policies_changed = false;
        g.exceptions_changed = false;
        return g;
    }
    if g.config_changed {
        let read = |snap: &Snapshot| -> Option<std::result::Result<Config, String>> {
            let bytes = snap.read(config::FILE_NAME).ok()??;
            Some(
                Config::parse(&String::from_utf8_lossy(&bytes), config::FILE_NAME)
                    .map_err(|e| format!("{e:#}")),
            )
        };
        let before = read(&cs.pre);
        let after = read(&cs.post);
        match (before, after) {
            (Some(Ok(b)), Some(Ok(a))) => g.weakened = weakenings(&b, &a),
            (Some(Ok(_)), None) => g.weakened.push(".gate.yaml deleted".into()),
            (_, Some(Err(e))) => g
                .weakened
                .push(format!("the changed .gate.yaml is invalid: {e}")),
            _ => {}
        }
    }
    if g.policies_changed {
        for f in &cs.files {
            if in_policy_dir(&f.path) && f.status == crate::change::FileStatus::Deleted {
                g.weakened.push(format!("deletes policy {}", f.path));
            }
        }
    }
    g
}

/// How `after` weakens `before`: rules disabled, thresholds raised, paths hidden, policies
/// dropped.
pub fn weakenings(before: &Config, after: &Config) -> Vec<String> {
    let mut w = Vec::new();
    let added = |b: &[String], a: &[String]| -> Vec<String> {
        a.iter().filter(|x| !b.contains(x)).cloned().collect()
    };
    for id in added(&before.disable, &after.disable) {
        w.push(format!("disables {id}"));
    }
    if after.thresholds.fail > before.thresholds.fail {
        w.push(format!(
            "raises the fail threshold {} -> {}",
            before.thresholds.fail, after.thresholds.fail
        ));
    }
    if after.thresholds.warn > before.thresholds.warn {
        w.push(format!(
            "raises the warn threshold {} -> {}",
            before.thresholds.warn, after.thresholds.warn
        ));
    }
    for g in added(&before.ignore, &after.ignore) {
        w.push(format!("ignores {g}"));
    }
    for g in added(&before.tests, &after.tests) {
        w.push(format!("treats {g} as tests"));
    }
    for g in added(&before.generated, &after.generated) {
        w.push(format!("treats {g} as generated"));
    }
    for d in before
        .policies
        .iter()
        .filter(|d| !after.policies.contains(d))
    {
        w.push(format!("drops policy directory {d}"));
    }
    if after.infra.mass_change > before.infra.mass_change
        || after.infra.mass_delete > before.infra.mass_delete
    {
        w.push("raises the mass-change limits".into());
    }
    for p in before
        .infra
        .admin_ports
        .iter()
        .filter(|p| !after.infra.admin_ports.contains(p))
    {
        w.push(format!("stops treating port {p} as administrative"));
    }
    if before.exceptions != after.exceptions {
        w.push("points exceptions at another file".into());
    }
    if before.baseline != after.baseline {
        w.push("points the baseline at another file".into());
    }
    if before.ai.strict && !after.ai.strict {
        w.push("turns off the strict profile for AI-authored changes".into());
    }
    if after.telemetry.budget_mb < before.telemetry.budget_mb {
        w.push(format!(
            "lowers the telemetry budget {} MB -> {} MB",
            before.telemetry.budget_mb, after.telemetry.budget_mb
        ));
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowering_the_telemetry_budget_weakens_the_gate() {
        let before = Config::parse("telemetry: {budget_mb: 8}\n", "base").expect("config");
        let after = Config::parse("telemetry: {budget_mb: 0.5}\n", "head").expect("config");
        assert_eq!(
            weakenings(&before, &after),
            vec!["lowers the telemetry budget 8 MB -> 0.5 MB".to_string()]
        );
        assert!(weakenings(&after, &before).is_empty());
        // Omitting it means the default.
        let default = Config::parse("", "head").expect("config");
        assert!(weakenings(&before, &default).is_empty());
    }
}
