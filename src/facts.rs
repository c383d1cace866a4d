//! The facts document: everything Rego sees, as `input`. This is the contract between the
//! analyzers (Rust) and the policies (Rego); `docs/facts.md` documents it field by field.
//!
//! This module only assembles: each part is owned by the stage that produces it (the change's
//! facts by [`crate::change::facts`], secrets, dependencies, infra, telemetry, provenance and
//! smells by their analyzers, governance and exceptions by [`crate::config`]). Nothing below
//! imports it back.
//!
//! Every list is sorted before it is serialized, and maps are `BTreeMap`s, so the same change
//! gives byte-identical facts whatever the thread count. No field ever holds a secret: secret
//! values are replaced by their redacted form before facts are built.

use anyhow::{anyhow, Context, Result};
use serde::Serialize;

use crate::allow::AllowComment;
use crate::change::facts::ChangeFacts;
use crate::config::exceptions::Exception;
use crate::config::Governance;
use crate::deps::{DependencyFact, LockfileChange};
use crate::infra::InfraFacts;
use crate::provenance::Provenance;
use crate::secrets::scan::SecretFact;
use crate::smells::Smell;
use crate::telemetry::TelemetryFact;
use crate::workflows::CiFile;

#[derive(Debug, Clone, Serialize, Default)]
pub struct Facts {
    pub change: ChangeFacts,
    pub provenance: Provenance,
    pub secrets: Vec<SecretFact>,
    pub infra: InfraFacts,
    pub dependencies: Vec<DependencyFact>,
    /// Lockfiles that changed, and whether their manifest changed too.
    pub lockfiles: Vec<LockfileChange>,
    /// Known vulnerabilities and malicious packages among the package versions the change
    /// brings in, from the configured OSV advisories.
    pub advisories: Vec<crate::deps::audit::AdvisoryFact>,
    pub telemetry: Vec<TelemetryFact>,
    /// The services the changed code belongs to and what observes each one as a whole.
    pub telemetry_services: Vec<crate::telemetry::ServiceFact>,
    /// The changed CI workflows, pre-commit configurations and CODEOWNERS files, each changed
    /// line classified (a pinned version, a trigger, permissions, a script ...).
    pub ci: Vec<CiFile>,
    /// What the analyzers covered and what they left out (and why).
    pub coverage: CoverageFacts,
    /// AI-typical smells in added lines: placeholders, duplicated blocks.
    pub smells: Vec<Smell>,
    /// What production traces say about the touched functions (`--signals`, `production.signals`).
    pub production: crate::signals::ProductionFacts,
    pub governance: Governance,
    /// The exceptions in force (and expired ones, marked).
    pub exceptions: Vec<Exception>,
    /// `gate:allow` comments on added lines, whether their rule exists, and what they cover.
    pub allow_comments: Vec<AllowComment>,
    pub config: serde_json::Value,
}

/// `coverage`: the parts of the change an analyzer did not look at, so policies (and readers)
/// know what a clean result does not vouch for.
#[derive(Debug, Clone, Serialize, Default)]
pub struct CoverageFacts {
    pub telemetry: crate::telemetry::Coverage,
    pub advisories: crate::deps::audit::Coverage,
    /// Changed files gate did not read (or read only as bytes), each with the reason
    /// (reported by the GATE-COV rules).
    pub files: Vec<crate::change::content::UnreadFile>,
    /// The analyzers that ran and those that did not (`--only`, `--skip`, `analyzers:`),
    /// each with the reason (reported by GATE-COV-006).
    pub analyzers: crate::analyzers::Selection,
}

impl Facts {
    /// The Rego input. The file list of a whole tree (tens of thousands of entries)
    /// dominates; it is converted in parallel chunks and put back in order (the files are
    /// taken out of `self` meanwhile, hence `&mut`).
    pub fn to_rego(&mut self) -> Result<regorus::Value> {
        use rayon::prelude::*;
        const CHUNK: usize = 1024;
        if self.change.files.len() <= CHUNK {
            return to_rego_value(self);
        }
        let files = std::mem::take(&mut self.change.files);
        let rest = to_rego_value(self);
        let chunks: Result<Vec<regorus::Value>> =
            files.par_chunks(CHUNK).map(to_rego_value).collect();
        self.change.files = files;
        let (mut value, chunks) = (rest?, chunks?);
        let mut all = Vec::with_capacity(self.change.files.len());
        for c in &chunks {
            all.extend(c.as_array()?.iter().cloned());
        }
        value
            .as_object_mut()?
            .get_mut(&regorus::Value::from("change"))
            .ok_or_else(|| anyhow!("policy input has no change"))?
            .as_object_mut()?
            .insert(regorus::Value::from("files"), regorus::Value::from(all));
        Ok(value)
    }
}

/// Converts any serializable value into a regorus value.
pub fn to_rego_value<T: Serialize + ?Sized>(v: &T) -> Result<regorus::Value> {
    let json = serde_json::to_string(v).context("cannot serialize policy input")?;
    regorus::Value::from_json_str(&json).map_err(|e| anyhow!("cannot convert policy input: {e}"))
}

/// The files whose images the analyzers read, besides their lines (ignored files are left
/// out: the scan drops them): post-images of telemetry's sources, of other source files (for
/// a generated-code header), of migrations (for their rollback sections) and of CI files,
/// and the pre-images of CI files.
#[allow(clippy::type_complexity)]
pub fn images_wanted(
    cs: &crate::change::ChangeSet,
    cfg: &crate::config::Resolved,
    telemetry_candidate: &dyn Fn(&crate::change::FileChange) -> bool,
) -> (Vec<(String, Option<String>)>, Vec<(String, String)>) {
    let kept = || cs.files.iter().filter(|f| !cfg.is_ignored(&f.path));
    let mut wanted: std::collections::BTreeSet<&str> =
        crate::telemetry::candidates(cs, |f| !cfg.is_ignored(&f.path) && telemetry_candidate(f))
            .iter()
            .map(|f| f.path.as_str())
            .collect();
    for f in kept() {
        let role = cfg.paths.role(&f.path);
        let readable = f.status != crate::change::FileStatus::Deleted && !f.binary && !f.whole_file;
        if readable
            && (crate::change::facts::header_candidate(&cfg.paths, f)
                || crate::workflows::is_ci(role)
                || (role == Some(crate::paths::Role::Migration)
                    && f.deletions() + f.additions() > 0))
        {
            wanted.insert(f.path.as_str());
        }
    }
    let post = cs
        .files
        .iter()
        .filter(|f| wanted.contains(f.path.as_str()))
        .map(|f| (f.path.clone(), f.new_blob.clone()))
        .collect();
    (
        post,
        crate::workflows::pre_images_wanted(kept(), |p| cfg.paths.role(p)),
    )
}
