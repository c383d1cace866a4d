//! `infra:` in `.gate.yaml`: the taxonomy entries checked before the built-in ones, the
//! mass-change limits and the administrative ports, and how a change to them weakens the gate.

use serde::{Deserialize, Serialize};

use super::taxonomy::{Taxonomy, TaxonomyEntry};
use crate::weakening::{checked, removed, FieldRule};

/// Infrastructure plan settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct InfraConfig {
    /// Taxonomy entries checked before the built-in ones.
    pub taxonomy: Vec<crate::infra::taxonomy::TaxonomyEntry>,
    /// A plan changing at least this many resources is a mass change.
    pub mass_change: usize,
    /// A plan deleting or replacing at least this many resources is a mass deletion.
    pub mass_delete: usize,
    /// Ports that must never be open to the world.
    pub admin_ports: Vec<u16>,
}

impl Default for InfraConfig {
    fn default() -> Self {
        InfraConfig {
            taxonomy: Vec::new(),
            mass_change: 50,
            mass_delete: 10,
            admin_ports: vec![
                22, 23, 135, 139, 445, 1433, 1521, 2375, 2376, 2379, 3306, 3389, 5432, 5601, 5900,
                5984, 6379, 8020, 9042, 9200, 9300, 11211, 27017, 27018,
            ],
        }
    }
}

/// Ranks criticality names, higher is more critical (unknown names rank lowest).
fn rank(criticality: &str) -> u8 {
    match criticality {
        "critical" => 4,
        "high" => 3,
        "medium" => 2,
        "low" => 1,
        _ => 0,
    }
}

impl InfraConfig {
    /// How `after` weakens this section: limits raised, ports dropped, resources reclassified
    /// as less critical or stateless by the user's taxonomy entries (which win over the
    /// built-in ones).
    pub fn weakened_by(&self, after: &InfraConfig) -> Vec<String> {
        let mut w = Vec::new();
        if after.mass_change > self.mass_change || after.mass_delete > self.mass_delete {
            w.push("raises the mass-change limits".into());
        }
        for p in removed(&self.admin_ports, &after.admin_ports) {
            w.push(format!("stops treating port {p} as administrative"));
        }
        if self.taxonomy != after.taxonomy {
            w.extend(reclassified(&self.taxonomy, &after.taxonomy));
        }
        w
    }
}

/// Resource types the `after` taxonomy rates lower than the `before` one. Every type glob
/// named by either taxonomy (built-in entries included) is looked up as a type in both, so a
/// broad user glob (`aws_*`) that shadows a critical built-in type is caught too.
fn reclassified(before: &[TaxonomyEntry], after: &[TaxonomyEntry]) -> Vec<String> {
    let (b, a) = match (Taxonomy::new(before), Taxonomy::new(after)) {
        (Ok(b), Ok(a)) => (b, a),
        (Ok(_), Err(e)) => return vec![format!("infra.taxonomy is invalid: {e:#}")],
        // The base is invalid: the run fails on it anyway.
        (Err(_), _) => return Vec::new(),
    };
    let mut probes: Vec<&str> = a
        .entries()
        .iter()
        .chain(b.entries())
        .flat_map(|e| e.types.iter().map(String::as_str))
        .collect();
    probes.sort_unstable();
    probes.dedup();
    let mut w = Vec::new();
    for t in probes {
        let (Some(was), now) = (b.lookup(t), a.lookup(t)) else {
            continue;
        };
        let now_rank = now.map_or(0, |n| rank(&n.criticality));
        if now_rank < rank(&was.criticality) {
            w.push(format!(
                "rates {t} {} (was {})",
                now.map_or("unclassified", |n| n.criticality.as_str()),
                was.criticality
            ));
        } else if was.stateful && !now.is_some_and(|n| n.stateful) {
            w.push(format!("treats {t} as stateless"));
        }
    }
    w
}

/// The fields of `infra:` and how each can weaken the gate.
pub const WEAKENINGS: &[FieldRule] = &[
    checked(
        "taxonomy",
        "{}",
        "{taxonomy: [{category: misc, criticality: low, types: ['aws_*']}]}",
    ),
    checked("mass_change", "{mass_change: 50}", "{mass_change: 500}"),
    checked("mass_delete", "{mass_delete: 10}", "{mass_delete: 100}"),
    checked(
        "admin_ports",
        "{admin_ports: [22, 3389]}",
        "{admin_ports: [3389]}",
    ),
];
