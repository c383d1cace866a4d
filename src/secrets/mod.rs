//! Secret detection: a catalog of provider rules, scanned in one keyword pass.
//!
//! Rust finds candidates; Rego decides what they mean. The scanner is built once from the
//! embedded catalog (`rules.yaml`) plus the user's rules, and is shared by every worker:
//! one ASCII-case-insensitive Aho-Corasick pass (`keywords.rs`) over a buffer says which rules can match at
//! all and where, and only those rules' regexes run, only on the lines around their keywords.
//! Regexes run in ASCII mode on bytes, so a non-UTF-8 file is scanned at full speed.

pub mod checksum;
pub mod decode;
#[cfg(test)]
mod defects;
mod encoded;
mod keywords;
pub mod providers;
pub mod redact;
#[cfg(test)]
mod samples;
pub mod scan;
mod scanner;

pub use scanner::{Candidate, Scanner};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::weakening::{added, checked, FieldRule};

/// The catalog shipped with gate.
pub const BUILTIN_RULES: &str = include_str!("rules.yaml");

/// One detector, as written in `rules.yaml` or in `.gate.yaml` under `secrets.rules`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable id, kebab-case (`aws-access-key-id`).
    pub id: String,
    /// Human name (`AWS access key ID`).
    pub name: String,
    /// Who issues the credential (`aws`, `github`, `generic`).
    pub provider: String,
    /// Lower-case literals, one of which must occur near a match. Empty means the rule runs on
    /// every buffer (avoid: it is slow).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The pattern, ASCII mode, on bytes.
    pub regex: String,
    /// The capture group holding the secret (0: the whole match).
    #[serde(default = "one")]
    pub secret_group: usize,
    /// Minimum Shannon entropy (bits per byte) of the secret.
    #[serde(default)]
    pub entropy: f64,
    /// The floor is also met by the value's last `-`-separated part alone, when that part is
    /// 16 characters or more: the random secret a token ends with, after ids that are
    /// numbers (a Slack token's team and user ids), which say nothing of how it was drawn.
    #[serde(default, skip_serializing_if = "is_false")]
    pub entropy_tail: bool,
    /// `critical`, `high`, `medium` or `low`: what a leak of a live credential costs.
    #[serde(default = "high")]
    pub severity: String,
    /// `high` for formats only the provider issues (prefixes, checksums), `low` for generic
    /// assignments. Policies use it to tell a live-format key from a guess.
    #[serde(default = "high")]
    pub confidence: String,
    /// Bytes of context after a keyword line the regex may span (PEM blocks, JSON key files).
    #[serde(default)]
    pub multiline: usize,
    /// File-name globs the rule applies to (all files when empty), e.g. `*.yaml`.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Proximity for generic shapes (0: off). When set, a keyword must start a word and
    /// occur on the value's line or end at most this many bytes before the value (the
    /// assignment's key, a section header a line or two above).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub near: usize,
    /// A checksum the value carries (`crc32-base62`); values failing it are reported as
    /// examples, not leaks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// Generic (`low` confidence) matches near this rule's keywords are dropped: beside a
    /// provider's name, a value the provider's format rejects is not that credential.
    #[serde(default, skip_serializing_if = "is_false")]
    pub veto: bool,
    /// Provider names (lower-case literals): beside one of them, a generic guess whose value
    /// is a near miss of this rule's format is dropped as a malformed key. Proximity rules
    /// use their keywords.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
    /// A bare guess (an unquoted `key=value`): beside any provider's keyword it yields to
    /// that provider's format, so a value the provider's rule did not match there (a key of
    /// the wrong length or alphabet) is dropped, not reported as a generic credential.
    #[serde(default, skip_serializing_if = "is_false")]
    pub yields: bool,
    /// The provider documents the value as safe to publish (a client-side identifier such as
    /// a Stripe publishable key): reported as a note (GATE-SEC-005), never a leak.
    #[serde(default, skip_serializing_if = "is_false")]
    pub public: bool,
    /// Words that, near the value or in the file's name, make it a public identifier
    /// (`firebase`, `authDomain` around a Google API key in a web app's configuration).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub public_when: Vec<String>,
    /// Set by the provider table for a contextual shape documented as hexadecimal and read
    /// with every letter of its case (see `providers::widen`): a value of such a shape with
    /// one or two letters past `f` is a mistyped hex key, not a key of either alphabet.
    #[serde(skip)]
    #[schemars(skip)]
    pub hex_documented: bool,
    /// Samples the rule must find (tested).
    #[serde(default)]
    pub tp: Vec<String>,
    /// Samples the rule must not report (tested).
    #[serde(default)]
    pub fp: Vec<String>,
}

fn one() -> usize {
    1
}
fn is_zero(n: &usize) -> bool {
    *n == 0
}
fn is_false(b: &bool) -> bool {
    !*b
}
fn high() -> String {
    "high".to_string()
}

/// Parses a YAML list of rules; `origin` names the file in errors.
pub fn parse_rules(text: &str, origin: &str) -> Result<Vec<RuleSpec>> {
    let rules: Vec<RuleSpec> =
        serde_yaml::from_str(text).with_context(|| format!("invalid secret rules in {origin}"))?;
    for r in &rules {
        if !matches!(r.severity.as_str(), "critical" | "high" | "medium" | "low") {
            bail!("{origin}: rule {}: unknown severity {:?}", r.id, r.severity);
        }
        if !matches!(r.confidence.as_str(), "high" | "medium" | "low") {
            bail!(
                "{origin}: rule {}: unknown confidence {:?}",
                r.id,
                r.confidence
            );
        }
        if r.keywords
            .iter()
            .any(|k| k.is_empty() || k.to_lowercase() != *k)
        {
            bail!(
                "{origin}: rule {}: keywords must be non-empty and lower-case",
                r.id
            );
        }
        if r.names
            .iter()
            .any(|k| k.is_empty() || k.to_lowercase() != *k)
        {
            bail!(
                "{origin}: rule {}: names must be non-empty and lower-case",
                r.id
            );
        }
        if r.public_when
            .iter()
            .any(|k| k.is_empty() || k.to_lowercase() != *k)
        {
            bail!(
                "{origin}: rule {}: public_when words must be non-empty and lower-case",
                r.id
            );
        }
        if r.near > 0 && r.keywords.is_empty() {
            bail!("{origin}: rule {}: `near` needs keywords", r.id);
        }
        if let Some(c) = &r.checksum {
            if !checksum::KNOWN.contains(&c.as_str()) {
                bail!("{origin}: rule {}: unknown checksum {c:?}", r.id);
            }
        }
    }
    Ok(rules)
}

/// The built-in catalog, most specific first: the hand-written provider rules of
/// `rules.yaml`, then the provider table, then the generic formats (private keys, JWTs,
/// database URLs), then the generic (`low` confidence) guesses. Where two rules match the
/// same bytes the earlier one wins, so a provider's name beats a generic shape.
pub fn builtin_rules() -> Result<Vec<RuleSpec>> {
    let yaml = parse_rules(BUILTIN_RULES, "built-in rules.yaml")?;
    let table = providers::builtin_table()?;
    let (low, rest): (Vec<RuleSpec>, Vec<RuleSpec>) =
        yaml.into_iter().partition(|r| r.confidence == "low");
    let (generic, specific): (Vec<RuleSpec>, Vec<RuleSpec>) =
        rest.into_iter().partition(|r| r.provider == "generic");
    let mut rules = specific;
    rules.extend(table);
    rules.extend(generic);
    rules.extend(low);
    Ok(rules)
}

/// The number of distinct providers the built-in catalog covers (generic rules aside).
pub fn provider_count(rules: &[RuleSpec]) -> usize {
    let mut p: Vec<&str> = rules
        .iter()
        .filter(|r| r.provider != "generic")
        .map(|r| r.provider.as_str())
        .collect();
    p.sort_unstable();
    p.dedup();
    p.len()
}

/// Secret settings under `secrets:` in .gate.yaml.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SecretsConfig {
    /// Extra detectors (same fields as the built-in catalog), checked before the built-in
    /// ones so they win where both match.
    pub rules: Vec<RuleSpec>,
    /// Built-in detector ids to turn off.
    pub disable: Vec<String>,
    /// Regexes of values that are known not to be secrets (test fixtures, sample keys):
    /// matching candidates are reported as examples, never as leaks.
    pub allowlist: Vec<String>,
}

impl SecretsConfig {
    /// How `after` weakens this section: built-in detectors disabled, values allowlisted, the
    /// user's detectors removed or changed, or added ones that rank below a provider format
    /// (user detectors run first and win where both match, so a low-severity or low-confidence
    /// one can hide a built-in finding).
    pub fn weakened_by(&self, after: &SecretsConfig) -> Vec<String> {
        let mut w = Vec::new();
        for id in added(&self.disable, &after.disable) {
            w.push(format!("disables secret detector {id}"));
        }
        for p in added(&self.allowlist, &after.allowlist) {
            w.push(format!("allowlists secret values matching {p}"));
        }
        for r in &self.rules {
            match after.rules.iter().find(|a| a.id == r.id) {
                None => w.push(format!("removes secret detector {}", r.id)),
                Some(a) if a != r => w.push(format!("changes secret detector {}", r.id)),
                Some(_) => {}
            }
        }
        for r in after
            .rules
            .iter()
            .filter(|a| !self.rules.iter().any(|r| r.id == a.id))
        {
            if !matches!(r.severity.as_str(), "critical" | "high") || r.confidence != "high" {
                w.push(format!(
                    "adds secret detector {} ({} severity, {} confidence), which takes precedence over the built-in ones",
                    r.id, r.severity, r.confidence
                ));
            }
        }
        w
    }
}

/// The fields of `secrets:` and how each can weaken the gate.
pub const WEAKENINGS: &[FieldRule] = &[
    checked(
        "rules",
        "{rules: [{id: acme, name: Acme key, provider: acme, regex: 'acme_[a-z0-9]{32}'}]}",
        "{rules: []}",
    ),
    checked("disable", "{disable: []}", "{disable: [aws-access-key-id]}"),
    checked("allowlist", "{allowlist: []}", "{allowlist: ['.*']}"),
];

/// The catalog for a run: the user's rules, then the built-in ones not disabled.
pub fn catalog(cfg: &SecretsConfig) -> Result<Vec<RuleSpec>> {
    let builtin = builtin_rules()?;
    for id in &cfg.disable {
        if !builtin.iter().any(|r| &r.id == id) {
            bail!("secrets.disable: unknown detector {id:?}");
        }
    }
    let user = parse_rules(
        &serde_yaml::to_string(&cfg.rules)?,
        "secrets.rules in the configuration",
    )?;
    let mut rules: Vec<RuleSpec> = user;
    rules.extend(builtin.into_iter().filter(|r| !cfg.disable.contains(&r.id)));
    Ok(rules)
}

/// Shannon entropy in bits per byte.
pub fn entropy(data: &[u8]) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in data {
        counts[b as usize] += 1;
    }
    let n = data.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_bounds() {
        assert_eq!(entropy(b""), 0.0);
        assert_eq!(entropy(b"aaaa"), 0.0);
        assert!((entropy(b"abcd") - 2.0).abs() < 1e-9);
    }

    /// govuk-infrastructure 232090f33954: Renovate moved SHA-pinned actions; the commit ids
    /// beside `github` are not OAuth client secrets. The same hex as a secret's value is.
    #[test]
    fn pinned_commit_ids_are_not_github_secrets() {
        let scanner = Scanner::new(builtin_rules().expect("catalog parses")).expect("builds");
        let sha: String = (0..40)
            .map(|i| char::from(b"0123456789abcdef"[(i * 7 + i / 3) % 16]))
            .collect();
        for line in [
            format!("        uses: github/codeql-action/upload-sarif@{sha} # v4.37.7\n"),
            format!(
                "  - repo: https://github.com/antonbabenko/pre-commit-terraform\n    rev: {sha}\n"
            ),
            format!("* Add provider meta ([1c561a7](https://github.com/o/r/commit/{sha}))\n"),
        ] {
            let found = scanner.scan(line.as_bytes());
            assert!(
                found
                    .iter()
                    .all(|c| c.rule_id(&scanner) != "github-oauth-secret"),
                "{line}"
            );
        }
        let assigned = format!("GITHUB_CLIENT_SECRET = \"{sha}\"\n");
        let found = scanner.scan(assigned.as_bytes());
        assert!(!found.is_empty(), "{assigned}");
    }

    /// fastapi a269cf408791 failed on a sponsor's GitHub avatar address (`?u=` holds 40 hex
    /// digits, and `githubusercontent` reads as `github` + `user`); cli 255f5301d501 on a TUF
    /// root naming an Azure Key Vault key by its version id (32 hex digits beside `azure`).
    /// Parts of an address are not credentials; a key the address carries as one is.
    #[test]
    fn parts_of_addresses_are_not_credentials() {
        let scanner = Scanner::new(builtin_rules().expect("catalog parses")).expect("builds");
        let leaks = |text: &str| -> Vec<String> {
            scanner
                .scan(text.as_bytes())
                .into_iter()
                .filter(|c| !c.allowlisted && !c.public)
                .map(|c| c.rule_id(&scanner).to_string())
                .collect()
        };
        let h40 = "5c2e9b7d41a03f86e1d4c07b9a2f58e36d10c4ab";
        let h32 = "9d3fa07c61e24b8d95a0c3e7f12b46d8";
        for quiet in [
            format!("    avatarUrl: https://avatars.githubusercontent.com/u/50410241?u={h40}&v=4\n"),
            format!("\"uri\": \"azurekms://tuf-root.vault.azure.net/keys/Online-Key/{h32}\"\n"),
            format!("image: https://avatars.githubusercontent.com/u/1/{h40}?s=64\n"),
            // cli c57a045d2d: SLSA provenance in a Sigstore bundle names its commit.
            format!("{{\"uri\":\"git+https://github.com/o/r@refs/heads/main\",\"digest\":{{\"gitCommit\":\"{h40}\"}}}}\n"),
            format!("github_commit_sha = \"{h40}\"\n"),
        ] {
            assert_eq!(leaks(&quiet), Vec::<String>::new(), "{quiet}");
        }
        for leak in [
            format!("GITHUB_CLIENT_SECRET={h40}\n"),
            format!("curl \"https://github.com/login/oauth/access_token?client_secret={h40}\"\n"),
            format!("AZURE_OPENAI_KEY={h32}\n"),
            format!("url = \"https://azure.example.com/api?api-key={h32}\"\n"),
            format!("github: https://gist.github.com/someone/{h40}\n"),
        ] {
            assert!(!leaks(&leak).is_empty(), "{leak}");
        }
    }

    /// Every rule finds each of its true-positive samples and none of its false positives.
    #[test]
    fn catalog_samples() {
        let scanner = Scanner::new(builtin_rules().expect("catalog parses")).expect("builds");
        scanner
            .compile_all()
            .expect("every regex of the catalog compiles");
        // The hand-written rules carry their samples; the table's are generated (samples.rs).
        let rules = parse_rules(BUILTIN_RULES, "rules.yaml").expect("rules.yaml parses");
        let mut failures = Vec::new();
        for rule in &rules {
            assert!(
                !rule.tp.is_empty(),
                "rule {} has no true-positive sample",
                rule.id
            );
            for s in &rule.tp {
                let found = scanner.scan(s.as_bytes());
                if !found
                    .iter()
                    .any(|c| c.rule_id(&scanner) == rule.id && !c.allowlisted)
                {
                    let others: Vec<&str> = found.iter().map(|c| c.rule_id(&scanner)).collect();
                    failures.push(format!(
                        "{}: missed tp {s:?} (found by {others:?})",
                        rule.id
                    ));
                }
            }
            for s in &rule.fp {
                let found = scanner.scan(s.as_bytes());
                if let Some(c) = found.iter().find(|c| !c.allowlisted && !c.public) {
                    failures.push(format!(
                        "{}: fp {s:?} reported by {}",
                        rule.id,
                        c.rule_id(&scanner)
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn ids_are_unique() {
        let rules = builtin_rules().expect("catalog parses");
        let mut ids: Vec<_> = rules.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(n, ids.len(), "duplicate rule ids");
    }
}
