//! Where a run's configuration, policies, exceptions and baseline come from, and whether the
//! change under review tries to weaken them.
//!
//! The change is untrusted. With `--base`, everything that decides the verdict is read from
//! the base revision, not from the change: a pull request that adds `disable: [GATE-SEC-001]`
//! is judged by the rules it tried to switch off, and the attempt itself is a finding.
//! `--config-from-worktree` opts out for local use; `--config FILE` is always taken as given.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::change::{git, ChangeSet, Snapshot};
use crate::config::exceptions::{self, Exception};
use crate::config::{self, Config, Governance, Resolved};
use crate::policy::{Engine, PolicySet, PolicySource};
use crate::suppress::{self, Baseline, RuleIdSources};

pub struct Settings {
    pub cfg: Resolved,
    pub policies: PolicySet,
    pub exceptions: Vec<Exception>,
    pub baseline: Option<Baseline>,
    pub governance: Governance,
    /// Where the configuration, the exceptions and the baseline were read from (a path, or
    /// `rev:path`), to name them in errors.
    pub origins: Origins,
}

#[derive(Debug, Clone, Default)]
pub struct Origins {
    pub config: String,
    pub exceptions: String,
    pub baseline: String,
}

impl Settings {
    /// The rule ids these settings name, with the files they come from.
    pub fn rule_id_sources(&self) -> RuleIdSources<'_> {
        RuleIdSources {
            config: (&self.origins.config, &self.cfg.config.disable),
            exceptions: (&self.origins.exceptions, &self.exceptions),
            baseline: self
                .baseline
                .as_ref()
                .map(|b| (self.origins.baseline.as_str(), b)),
        }
    }

    /// The policy engine of these settings: their policies with the configuration's data,
    /// each evaluation bounded by `timeout`.
    pub fn engine(&self, timeout: Duration) -> Result<Engine> {
        Engine::new(&self.policies, self.cfg.config.policy_data()?, timeout)
    }

    /// What the change adds to the exceptions file and the baseline these settings name
    /// (the configured files, or the default names).
    pub fn added_by_change(&self, cs: &ChangeSet) -> suppress::Added {
        let config = &self.cfg.config;
        suppress::added_by_change(
            cs,
            config
                .exceptions
                .as_deref()
                .unwrap_or(exceptions::EXCEPTIONS_FILE),
            config
                .baseline
                .as_deref()
                .unwrap_or(exceptions::BASELINE_FILE),
            &exceptions::today(),
        )
    }
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

/// The configuration and the policies from `origin` (the work tree for `--config`): the
/// built-ins, the configuration's directories, then `--policy` directories.
fn config_and_policies(
    origin: &Origin,
    worktree: &Origin,
    explicit: Option<&Path>,
    from_base: bool,
    cwd: &Path,
    extra_policies: &[PathBuf],
) -> Result<(Config, &'static str, PolicySet)> {
    let (config, source) = match explicit {
        Some(p) => (Config::load(p)?, "explicit"),
        None => match load_config_from(origin, config::FILE_NAME)? {
            Some(c) => (c, if from_base { "base" } else { "worktree" }),
            None => (Config::default(), "default"),
        },
    };
    let mut policies = PolicySet::builtin();
    let policy_origin = if explicit.is_some() { worktree } else { origin };
    for d in &config.policies {
        policy_origin
            .policies(d, &mut policies)
            .with_context(|| format!("policies: {d} (from the configuration)"))?;
    }
    for d in extra_policies {
        policies.add_dir(&cwd.join(d))?;
    }
    Ok((config, source, policies))
}

/// The configuration and policies of the work tree, for `gate rules` and `gate explain`
/// (there is no change to judge): `--config`, else `.gate.yaml` at the repository root.
pub fn load_policies(
    cwd: &Path,
    explicit: Option<&Path>,
    extra_policies: &[PathBuf],
) -> Result<(Config, PolicySet)> {
    let root = git::toplevel(cwd).unwrap_or_else(|| cwd.to_path_buf());
    let worktree = Origin::Dir(&root);
    let (config, _, policies) =
        config_and_policies(&worktree, &worktree, explicit, false, cwd, extra_policies)?;
    Ok((config, policies))
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
                exceptions::EXCEPTIONS_FILE,
                exceptions::BASELINE_FILE,
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

    let (config, source, policies) = config_and_policies(
        origin,
        &worktree,
        explicit,
        base_rev.is_some(),
        cwd,
        extra_policies,
    )?;
    let today = exceptions::today();
    let exceptions_file = config
        .exceptions
        .clone()
        .unwrap_or_else(|| exceptions::EXCEPTIONS_FILE.to_string());
    let exceptions = match origin.read(&exceptions_file)? {
        Some(t) => exceptions::parse_exceptions(&t, &origin.name(&exceptions_file), &today)?,
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
        .unwrap_or_else(|| exceptions::BASELINE_FILE.to_string());
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
    let origins = Origins {
        config: match explicit {
            Some(p) => p.display().to_string(),
            None => origin.name(config::FILE_NAME),
        },
        exceptions: origin.name(&exceptions_file),
        baseline: origin.name(&baseline_file),
    };
    Ok(Settings {
        cfg,
        policies,
        exceptions,
        baseline,
        governance,
        origins,
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
    let in_policy_dir = |p: &str| cfg.paths.in_policy_dir(p);
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
            (Some(Ok(b)), Some(Ok(a))) => g.weakened = b.weakened_by(&a),
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
