//! Machine-readable output: the verdict, the findings, the rules they cite, and the change's
//! summary. The full facts are `gate facts`; this stays small enough to post or store.

use anyhow::Result;
use serde_json::json;

use super::Render;
use crate::policy::Outcome;

pub struct JsonReport;

impl Render for JsonReport {
    fn render(&self, o: &Outcome) -> Result<String> {
        let cited: serde_json::Map<String, serde_json::Value> = o
            .rules
            .iter()
            .filter(|(id, _)| o.findings.iter().any(|f| &f.rule == *id))
            .map(|(id, r)| Ok((id.clone(), serde_json::to_value(r)?)))
            .collect::<Result<_>>()?;
        let mut doc = json!({
            "version": env!("CARGO_PKG_VERSION"),
            "verdict": o.verdict,
            "change": {
                "mode": o.facts.change.mode,
                "base": o.facts.change.base,
                "head": o.facts.change.head,
                "stats": o.facts.change.stats,
            },
            "provenance": o.facts.provenance,
            "findings": o.findings,
            "rules": cited,
        });
        // Present only when an input could not be read (the decision is then `error`).
        if !o.errors.is_empty() {
            doc["errors"] = serde_json::to_value(&o.errors)?;
        }
        let mut s = serde_json::to_string_pretty(&doc)?;
        s.push('\n');
        Ok(s)
    }
}
