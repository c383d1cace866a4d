//! Dependencies against the advisories: which package versions the change brings in (direct
//! ones from manifests, transitive ones from lockfiles), and which advisories affect them.

use std::collections::BTreeMap;

use anyhow::Result;
use serde::Serialize;

use super::advisories::Index;
use super::osv::{Advisory, Query};

/// A package version the change adds or moves.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub ecosystem: String,
    pub name: String,
    /// `None` when the version is not known (a range with no lockfile): only advisories
    /// that affect every version apply then.
    pub version: Option<String>,
    /// The version before the change, for upgrades (to tell which advisories it fixes).
    pub from: Option<String>,
    pub manifest: String,
    pub line: u32,
    pub direct: bool,
    pub dev: bool,
}

/// One advisory that applies to a package version of the change: `input.advisories`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AdvisoryFact {
    pub ecosystem: String,
    pub name: String,
    /// The version checked; `null` when the manifest does not pin one and no lockfile does.
    pub version: Option<String>,
    /// For `fixed`: the version the change moves away from.
    pub from: Option<String>,
    pub manifest: String,
    pub line: u32,
    pub direct: bool,
    pub dev: bool,
    /// `vulnerable` (the version is affected), `malicious` (a known malicious package) or
    /// `fixed` (the change moves away from an affected version to one that is not).
    pub kind: String,
    pub id: String,
    /// The other ids of the same advisory (CVE, GHSA, PYSEC ...), and of records found to
    /// describe the same issue.
    pub aliases: Vec<String>,
    pub summary: String,
    /// `critical`, `high`, `medium`, `low` or `unknown`.
    pub severity: String,
    pub score: Option<f32>,
    /// The nearest version that fixes it, when the record names one.
    pub fixed: Option<String>,
    pub url: String,
    /// RustSec's informational kinds (`unmaintained`, `unsound`).
    pub informational: Option<String>,
}

/// What the advisory check covered: `coverage.advisories`.
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Coverage {
    /// Advisory sources are configured (`dependencies.advisories` or `--advisories`).
    pub configured: bool,
    pub records: usize,
    pub packages: usize,
    /// Package versions looked up.
    pub checked: usize,
    /// Dependencies whose version is not known, so only advisories that affect every
    /// version could be matched.
    pub unversioned: usize,
}

fn severity_rank(s: &str) -> u8 {
    match s {
        "critical" => 4,
        "high" => 3,
        "medium" => 2,
        "low" => 1,
        _ => 0,
    }
}

/// Advisories of one package that describe the same issue (one lists the other's id among
/// its aliases, or they share one), merged: PyPA's PYSEC record and GitHub's GHSA record of
/// one vulnerability are one finding.
fn merge_same(list: Vec<(&Advisory, Option<String>)>) -> Vec<(Advisory, Option<String>)> {
    let mut groups: Vec<(Advisory, Option<String>, Vec<String>)> = Vec::new();
    for (a, fixed) in list {
        let ids: Vec<String> = std::iter::once(a.id.clone())
            .chain(a.aliases.iter().cloned())
            .collect();
        if let Some(g) = groups
            .iter_mut()
            .find(|(_, _, gids)| gids.iter().any(|x| ids.contains(x)))
        {
            for i in ids {
                if !g.2.contains(&i) {
                    g.2.push(i);
                }
            }
            if severity_rank(&a.severity) > severity_rank(&g.0.severity) {
                g.0.severity = a.severity.clone();
                g.0.score = a.score;
            }
            g.0.malicious |= a.malicious;
            if g.1.is_none() {
                g.1 = fixed;
            }
            if g.0.summary.is_empty() {
                g.0.summary = a.summary.clone();
            }
        } else {
            groups.push((a.clone(), fixed, ids));
        }
    }
    groups
        .into_iter()
        .map(|(mut a, fixed, ids)| {
            let mut aliases: Vec<String> = ids.into_iter().filter(|i| *i != a.id).collect();
            // CVE and GHSA ids first: the ones readers search for.
            aliases.sort_by_key(|x| (!x.starts_with("GHSA-"), !x.starts_with("CVE-"), x.clone()));
            a.aliases = aliases;
            (a, fixed)
        })
        .collect()
}

/// Looks every candidate up. Candidates are deduplicated by package and version (a direct
/// dependency's manifest line wins over its lockfile entry).
pub fn check(candidates: Vec<Candidate>, index: &Index) -> Result<(Vec<AdvisoryFact>, Coverage)> {
    let mut unique: BTreeMap<(String, String, Option<String>), Candidate> = BTreeMap::new();
    for c in candidates {
        let k = (
            c.ecosystem.clone(),
            super::names::normalize(&c.ecosystem, &c.name),
            c.version.clone(),
        );
        match unique.get(&k) {
            Some(prev) if prev.direct || !c.direct => {}
            _ => {
                unique.insert(k, c);
            }
        }
    }
    // A package known by version needs no unversioned lookup.
    let versioned: std::collections::BTreeSet<(String, String)> = unique
        .keys()
        .filter(|k| k.2.is_some())
        .map(|k| (k.0.clone(), k.1.clone()))
        .collect();
    let mut cov = Coverage {
        configured: true,
        records: index.stats.records,
        packages: index.stats.packages,
        ..Coverage::default()
    };
    let mut cache: BTreeMap<(String, String), Vec<Advisory>> = BTreeMap::new();
    let mut out = Vec::new();
    for ((eco, norm, version), c) in unique {
        if version.is_none() && versioned.contains(&(eco.clone(), norm.clone())) {
            continue;
        }
        let key = (eco.clone(), norm.clone());
        if !cache.contains_key(&key) {
            cache.insert(key.clone(), index.lookup(&eco, &c.name)?);
        }
        let advisories = &cache[&key];
        cov.checked += 1;
        let fact = |a: &Advisory, kind: &str, fixed: Option<String>| AdvisoryFact {
            ecosystem: eco.clone(),
            name: c.name.clone(),
            version: c.version.clone(),
            from: c.from.clone(),
            manifest: c.manifest.clone(),
            line: c.line,
            direct: c.direct,
            dev: c.dev,
            kind: kind.to_string(),
            id: a.id.clone(),
            aliases: a.aliases.clone(),
            summary: a.summary.clone(),
            severity: a.severity.clone(),
            score: a.score,
            fixed,
            url: a.url.clone(),
            informational: a.informational.clone(),
        };
        let Some(v) = &c.version else {
            cov.unversioned += 1;
            let hits: Vec<(&Advisory, Option<String>)> = advisories
                .iter()
                .filter(|a| a.affects_every_version())
                .map(|a| (a, None))
                .collect();
            for (a, fixed) in merge_same(hits) {
                let kind = if a.malicious {
                    "malicious"
                } else {
                    "vulnerable"
                };
                out.push(fact(&a, kind, fixed));
            }
            continue;
        };
        let q = Query::new(&eco, v);
        let hits: Vec<(&Advisory, Option<String>)> = advisories
            .iter()
            .filter(|a| a.affects(&q))
            .map(|a| (a, a.fixed_for(&q)))
            .collect();
        let affected_ids: Vec<String> = hits.iter().map(|(a, _)| a.id.clone()).collect();
        for (a, fixed) in merge_same(hits) {
            let kind = if a.malicious {
                "malicious"
            } else {
                "vulnerable"
            };
            out.push(fact(&a, kind, fixed));
        }
        if let Some(from) = &c.from {
            let qf = Query::new(&eco, from);
            let fixed_now: Vec<(&Advisory, Option<String>)> = advisories
                .iter()
                .filter(|a| !a.malicious && a.affects(&qf) && !affected_ids.contains(&a.id))
                .map(|a| (a, a.fixed_for(&qf)))
                .collect();
            for (a, fixed) in merge_same(fixed_now) {
                out.push(fact(&a, "fixed", fixed));
            }
        }
    }
    out.sort_by(|a, b| {
        (&a.manifest, a.line, &a.name, &a.version, &a.kind, &a.id).cmp(&(
            &b.manifest,
            b.line,
            &b.name,
            &b.version,
            &b.kind,
            &b.id,
        ))
    });
    Ok((out, cov))
}
