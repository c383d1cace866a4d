//! The resource taxonomy: category, criticality and statefulness by resource type, from an
//! embedded data file that users extend in `.gate.yaml` (`infra.taxonomy`, checked first).

use anyhow::{Context, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};

use super::ResourceChange;

pub const BUILTIN: &str = include_str!("taxonomy.yaml");

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyEntry {
    /// What the resources are (`network`, `datastore`, `iam`, `dns`, `storage` ...): policies
    /// judge a change by it.
    pub category: String,
    /// `critical`, `high`, `medium` or `low`: how much a replacement or deletion takes with it.
    pub criticality: String,
    /// The resources hold data that a replacement or deletion loses.
    #[serde(default)]
    pub stateful: bool,
    /// Resource types, glob patterns allowed (`aws_db_*`, `AWS::RDS::*`).
    pub types: Vec<String>,
}

pub struct Taxonomy {
    entries: Vec<TaxonomyEntry>,
    sets: Vec<GlobSet>,
}

impl Taxonomy {
    /// The user's entries first (they win), then the built-in ones.
    pub fn new(user: &[TaxonomyEntry]) -> Result<Taxonomy> {
        let builtin: Vec<TaxonomyEntry> =
            serde_yaml::from_str(BUILTIN).context("built-in taxonomy.yaml is invalid")?;
        let entries: Vec<TaxonomyEntry> = user.iter().cloned().chain(builtin).collect();
        let mut sets = Vec::with_capacity(entries.len());
        for e in &entries {
            if !matches!(
                e.criticality.as_str(),
                "critical" | "high" | "medium" | "low"
            ) {
                anyhow::bail!(
                    "infra.taxonomy: criticality {:?} is not critical, high, medium or low",
                    e.criticality
                );
            }
            let mut b = GlobSetBuilder::new();
            for t in &e.types {
                b.add(
                    Glob::new(t)
                        .with_context(|| format!("infra.taxonomy: invalid type glob {t:?}"))?,
                );
            }
            sets.push(b.build().context("infra.taxonomy: cannot compile globs")?);
        }
        Ok(Taxonomy { entries, sets })
    }

    /// The entries in lookup order: the user's, then the built-in ones.
    pub fn entries(&self) -> &[TaxonomyEntry] {
        &self.entries
    }

    pub fn lookup(&self, resource_type: &str) -> Option<&TaxonomyEntry> {
        self.sets
            .iter()
            .position(|s| s.is_match(resource_type))
            .map(|i| &self.entries[i])
    }

    pub fn classify(&self, r: &mut ResourceChange) {
        match self.lookup(&r.resource_type) {
            Some(e) => {
                r.category = e.category.clone();
                r.criticality = e.criticality.clone();
                r.stateful = e.stateful;
            }
            None => {
                r.category = "other".into();
                r.criticality = "low".into();
                r.stateful = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_database_in_every_tool() {
        let t = Taxonomy::new(&[]).expect("builtin taxonomy");
        for ty in [
            "aws_db_instance",
            "aws:rds/instance:Instance",
            "AWS::RDS::DBInstance",
            "google_sql_database_instance",
        ] {
            let e = t.lookup(ty).unwrap_or_else(|| panic!("{ty} unclassified"));
            assert_eq!(
                (e.category.as_str(), e.criticality.as_str(), e.stateful),
                ("datastore", "critical", true),
                "{ty}"
            );
        }
        assert_eq!(
            t.lookup("aws_security_group").map(|e| e.category.as_str()),
            Some("network")
        );
        assert_eq!(
            t.lookup("aws_route53_record")
                .map(|e| e.criticality.as_str()),
            Some("medium")
        );
        assert_eq!(
            t.lookup("AWS::Route53::HostedZone")
                .map(|e| e.criticality.as_str()),
            Some("high")
        );
        assert!(t.lookup("null_resource").is_none());
    }

    #[test]
    fn user_entries_win() {
        let user = vec![TaxonomyEntry {
            category: "datastore".into(),
            criticality: "critical".into(),
            stateful: true,
            types: vec!["acme_ledger*".into(), "aws_s3_bucket".into()],
        }];
        let t = Taxonomy::new(&user).expect("taxonomy");
        assert_eq!(
            t.lookup("acme_ledger_v2").map(|e| e.category.as_str()),
            Some("datastore")
        );
        assert_eq!(
            t.lookup("aws_s3_bucket").map(|e| e.category.as_str()),
            Some("datastore")
        );
    }
}
