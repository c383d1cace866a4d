//! The exceptions file (`.gate-exceptions.yaml`): accountable suppressions, each with a rule,
//! a scope, a reason, an owner and an expiry date. Read with the configuration (from the base
//! revision in CI), listed in the facts (`input.exceptions`, expired ones marked) and applied
//! to findings by [`crate::suppress`].

use anyhow::{bail, Context, Result};
use globset::Glob;
use serde::{Deserialize, Serialize};

pub use crate::paths::table::{BASELINE_FILE, EXCEPTIONS_FILE};

/// One entry of the exceptions file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    pub rule: String,
    /// Glob of paths it applies to (all paths when absent).
    #[serde(default)]
    pub path: Option<String>,
    /// Resource address it applies to (infrastructure findings).
    #[serde(default)]
    pub resource: Option<String>,
    /// A finding fingerprint it applies to.
    #[serde(default)]
    pub fingerprint: Option<String>,
    pub reason: String,
    pub owner: String,
    /// `YYYY-MM-DD`: the last day the exception suppresses.
    pub expires: String,
    /// Filled by gate: whether `expires` is in the past.
    #[serde(default, skip_deserializing)]
    pub expired: bool,
}

pub fn parse_exceptions(text: &str, origin: &str, today: &str) -> Result<Vec<Exception>> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut list: Vec<Exception> =
        serde_yaml::from_str(text).with_context(|| format!("invalid exceptions file {origin}"))?;
    for (i, e) in list.iter_mut().enumerate() {
        if e.reason.trim().is_empty() || e.owner.trim().is_empty() {
            bail!(
                "{origin}: exception {} ({}): reason and owner must not be empty",
                i + 1,
                e.rule
            );
        }
        if parse_date(&e.expires).is_none() {
            bail!(
                "{origin}: exception {} ({}): expires {:?} is not a YYYY-MM-DD date",
                i + 1,
                e.rule,
                e.expires
            );
        }
        if let Some(p) = &e.path {
            Glob::new(p).with_context(|| {
                format!("{origin}: exception {}: invalid path glob {p:?}", i + 1)
            })?;
        }
        e.expired = e.expires.as_str() < today;
    }
    Ok(list)
}

fn parse_date(s: &str) -> Option<(i64, u32, u32)> {
    let mut it = s.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.parse().ok()?;
    (it.next().is_none() && s.len() == 10 && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then_some((y, m, d))
}

/// Today as `YYYY-MM-DD` (UTC), or `GATE_TODAY` when set (reproducible runs).
pub fn today() -> String {
    if let Ok(t) = std::env::var("GATE_TODAY") {
        if parse_date(&t).is_some() {
            return t;
        }
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_date(i64::try_from(secs / 86_400).unwrap_or(0))
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_819), "2027-01-01");
        assert_eq!(civil_date(19_782), "2024-02-29");
        assert!(parse_date("2026-13-01").is_none());
    }
}
