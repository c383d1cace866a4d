//! AI provenance: which signals say that an assistant wrote (part of) the change.
//!
//! Signals come from commit trailers (`Co-authored-by:`, `Assisted-by:`, `Generated-by:`),
//! from author and committer identities, from pull-request labels, and from an explicit
//! `--ai` flag. Identities are matched on the email address or bot login, never on the
//! display name: anyone can call themselves "Copilot", but the noreply address of the
//! Copilot bot is GitHub's to issue.

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::change::git::CommitInfo;
use crate::weakening::{checked, removed, FieldRule};

/// `input.provenance`: whether the change is AI-authored, and the signals that say so.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Provenance {
    pub ai_generated: bool,
    pub signals: Vec<Signal>,
    pub commits: usize,
    pub ai_commits: usize,
}

impl Provenance {
    /// The signals in one line (`trailer Co-authored-by: ...; label ai-generated`).
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .signals
            .iter()
            .map(|s| format!("{} {}", s.kind, s.value))
            .collect();
        parts.join("; ")
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Signal {
    /// `trailer`, `author`, `committer`, `flag`, `label`, `message`.
    pub kind: String,
    pub value: String,
    pub commit: Option<String>,
}

/// AI provenance settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AiConfig {
    /// Pull-request labels that mark a change as AI-authored.
    pub labels: Vec<String>,
    /// Apply the stricter profile to AI-authored changes (policies read it).
    pub strict: bool,
}

impl Default for AiConfig {
    fn default() -> Self {
        AiConfig {
            labels: [
                "ai-generated",
                "ai-assisted",
                "copilot",
                "claude",
                "cursor",
                "codex",
                "devin",
            ]
            .map(String::from)
            .to_vec(),
            strict: true,
        }
    }
}

impl AiConfig {
    /// How `after` weakens this section: labels that no longer mark a change as AI-authored,
    /// the strict profile turned off.
    pub fn weakened_by(&self, after: &AiConfig) -> Vec<String> {
        let mut w = Vec::new();
        if self.strict && !after.strict {
            w.push("turns off the strict profile for AI-authored changes".into());
        }
        for l in removed(&self.labels, &after.labels) {
            w.push(format!("stops treating the label {l} as AI-authored"));
        }
        w
    }
}

/// The fields of `ai:` and how each can weaken the gate.
pub const WEAKENINGS: &[FieldRule] = &[
    checked("labels", "{labels: [ai-generated]}", "{labels: []}"),
    checked("strict", "{strict: true}", "{strict: false}"),
];

/// Known assistant identities: (tool, lower-case email or login fragment).
const IDENTITIES: &[(&str, &str)] = &[
    ("copilot", "+copilot@users.noreply.github.com"),
    ("copilot", "copilot-swe-agent[bot]"),
    ("copilot", "copilot-pull-request-reviewer[bot]"),
    ("claude", "noreply@anthropic.com"),
    ("claude", "claude[bot]"),
    ("cursor", "cursoragent@cursor.com"),
    ("cursor", "@cursor.com"),
    ("codex", "chatgpt-codex-connector[bot]"),
    ("codex", "codex@openai.com"),
    ("codex", "noreply@openai.com"),
    ("aider", "noreply@aider.chat"),
    ("devin", "devin-ai-integration[bot]"),
    ("jules", "google-labs-jules[bot]"),
    ("gemini", "gemini-code-assist[bot]"),
    ("amazon-q", "amazon-q-developer[bot]"),
    ("sweep", "sweep-ai[bot]"),
    ("windsurf", "@windsurf.com"),
    ("windsurf", "@codeium.com"),
    ("openhands", "openhands@all-hands.dev"),
    ("tabnine", "@tabnine.com"),
];

/// The assistant an email or login belongs to.
pub fn identify(email_or_login: &str) -> Option<&'static str> {
    let e = email_or_login.trim().to_ascii_lowercase();
    if e.is_empty() {
        return None;
    }
    IDENTITIES
        .iter()
        .find(|(_, frag)| e.contains(frag))
        .map(|(tool, _)| *tool)
}

/// Trailer lines (`Key: value`) of a commit message's last paragraph.
pub fn trailers(message: &str) -> Vec<(String, String)> {
    let trimmed = message.trim_end();
    let last = trimmed.rsplit("\n\n").next().unwrap_or("");
    let re = Regex::new(r"^([A-Za-z][A-Za-z0-9-]*):\s*(.+)$").expect("static regex");
    last.lines()
        .filter_map(|l| {
            re.captures(l.trim())
                .map(|c| (c[1].to_string(), c[2].trim().to_string()))
        })
        .collect()
}

fn email_in(value: &str) -> &str {
    match (value.rfind('<'), value.rfind('>')) {
        (Some(a), Some(b)) if b > a => &value[a + 1..b],
        _ => value,
    }
}

/// Signals from commits, labels and the explicit flag.
pub fn detect(
    commits: &[CommitInfo],
    labels: &[String],
    ai_labels: &[String],
    flag: bool,
) -> Provenance {
    let mut signals = Vec::new();
    let mut ai_commits = 0;
    for c in commits {
        let short: String = c.id.chars().take(12).collect();
        let before = signals.len();
        for (who, email) in [
            ("author", &c.author_email),
            ("committer", &c.committer_email),
        ] {
            if let Some(tool) = identify(email) {
                signals.push(Signal {
                    kind: who.to_string(),
                    value: format!("{tool}: {email}"),
                    commit: Some(short.clone()),
                });
            }
        }
        for (key, value) in trailers(&c.message) {
            let k = key.to_ascii_lowercase();
            let hit = match k.as_str() {
                "co-authored-by" => identify(email_in(&value)).is_some(),
                "assisted-by" | "generated-by" | "ai-assisted-by" | "x-ai-generated" => true,
                _ => false,
            };
            if hit {
                signals.push(Signal {
                    kind: "trailer".into(),
                    value: format!("{key}: {value}"),
                    commit: Some(short.clone()),
                });
            }
        }
        if signals.len() > before {
            ai_commits += 1;
        }
    }
    for l in labels {
        if ai_labels.iter().any(|a| a.eq_ignore_ascii_case(l)) {
            signals.push(Signal {
                kind: "label".into(),
                value: l.clone(),
                commit: None,
            });
        }
    }
    if flag {
        signals.push(Signal {
            kind: "flag".into(),
            value: "--ai".into(),
            commit: None,
        });
    }
    signals.sort();
    signals.dedup();
    Provenance {
        ai_generated: !signals.is_empty(),
        signals,
        commits: commits.len(),
        ai_commits,
    }
}

/// Pull-request labels from the GitHub event payload, when running in Actions.
pub fn github_labels() -> Vec<String> {
    let Ok(path) = std::env::var("GITHUB_EVENT_PATH") else {
        return Vec::new();
    };
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    doc.pointer("/pull_request/labels")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|l| l.get("name").and_then(|n| n.as_str()).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(author: &str, message: &str) -> CommitInfo {
        CommitInfo {
            id: "0123456789abcdef".into(),
            author_name: "Someone".into(),
            author_email: author.into(),
            committer_email: "dev@example.com".into(),
            message: message.into(),
        }
    }

    #[test]
    fn trailers_and_bots_are_signals() {
        let c = commit("dev@example.com", "Add thing\n\nBody text.\n\nCo-authored-by: Claude <noreply@anthropic.com>\nSigned-off-by: Dev <dev@example.com>\n");
        let p = detect(&[c], &[], &[], false);
        assert!(p.ai_generated);
        assert_eq!(p.signals[0].kind, "trailer");
        assert!(p.signals[0].value.contains("noreply@anthropic.com"));
        let bot = commit("198982749+Copilot@users.noreply.github.com", "Fix\n");
        assert_eq!(detect(&[bot], &[], &[], false).signals[0].kind, "author");
        let assisted = commit("dev@example.com", "x\n\nAssisted-by: some-tool v1\n");
        assert!(detect(&[assisted], &[], &[], false).ai_generated);
    }

    #[test]
    fn display_names_alone_are_not_signals() {
        let c = commit(
            "dev@example.com",
            "x\n\nCo-authored-by: Copilot <friend@example.com>\n",
        );
        assert!(!detect(&[c], &[], &[], false).ai_generated);
        let human = commit(
            "dev@example.com",
            "Mention Co-authored-by: Claude in the middle of a line\n\nmore text",
        );
        assert!(!detect(&[human], &[], &[], false).ai_generated);
    }

    #[test]
    fn labels_and_flag() {
        let p = detect(
            &[],
            &["AI-Generated".into(), "bug".into()],
            &["ai-generated".into()],
            true,
        );
        assert_eq!(p.signals.len(), 2);
        assert!(p.ai_generated);
    }
}
