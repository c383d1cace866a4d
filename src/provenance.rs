//! AI provenance: which signals say that an assistant wrote (part of) the change.
//!
//! Every commit of the range is read on its own, and every signal counts: the author and
//! committer (address, GitHub login, or aider's `Name (aider)` display name), each
//! `Co-authored-by:` line anywhere in the message (GitHub's squash layout puts the
//! intermediate commits' trailers mid-body), declaration trailers (`Assisted-by:`,
//! `Agent-Signature:`), the footers and links agents write (`Generated with [Claude Code]`,
//! Codex's `_codex-... on behalf of ..._`, Devin's session link), subject prefixes, the
//! branch of merge commits, and the pull request's head branch from CI (`copilot/`,
//! `devin/`, ...). A change is AI-authored when any commit is; the signals name the commit
//! and the agent. Identities come from one table ([`agents`]), with the source of each entry,
//! plus the user's own `ai.agents`; a company's domain is never an agent.

pub mod agents;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::change::git::CommitInfo;
use crate::weakening::{checked, removed, FieldRule};

/// `input.provenance`: whether the change is AI-authored, and the signals that say so.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Provenance {
    pub ai_generated: bool,
    /// The agents the signals name (`claude`, `copilot`, ...), sorted.
    pub agents: Vec<String>,
    pub signals: Vec<Signal>,
    pub commits: usize,
    pub ai_commits: usize,
    /// The commits with a signal of their own (12-character ids, oldest first).
    pub ai_commit_ids: Vec<String>,
    /// The pull request's head branch, when CI names it, and the variable it came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
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
    /// `author`, `committer`, `trailer`, `footer`, `subject`, `branch`, `merge`, `label`,
    /// `flag`.
    pub kind: String,
    /// What was seen (`Co-authored-by: Claude <noreply@anthropic.com>`).
    pub value: String,
    /// The commit it was seen in (12 characters); none for the branch, labels and `--ai`.
    pub commit: Option<String>,
    /// The agent it names (`claude`, `copilot`, ...; `unknown` for a declaration such as
    /// `Assisted-by:` or a label).
    pub agent: String,
}

/// AI provenance settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AiConfig {
    /// Pull-request labels that mark a change as AI-authored.
    pub labels: Vec<String>,
    /// Apply the stricter profile to AI-authored changes (policies read it).
    pub strict: bool,
    /// The user's own agents, added to the built-in table (`docs/provenance.md`).
    pub agents: Vec<AgentEntry>,
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
            agents: Vec::new(),
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
        for a in self.agents.iter().filter(|a| !after.agents.contains(a)) {
            w.push(format!(
                "stops treating {} {} as the agent {}",
                a.matcher.kind(),
                a.matcher.pattern(),
                a.agent
            ));
        }
        w
    }
}

/// The fields of `ai:` and how each can weaken the gate.
pub const WEAKENINGS: &[FieldRule] = &[
    checked("labels", "{labels: [ai-generated]}", "{labels: []}"),
    checked("strict", "{strict: true}", "{strict: false}"),
    checked(
        "agents",
        "{agents: [{agent: acme-bot, email: bot@acme.example}]}",
        "{agents: []}",
    ),
];
use agents::{Agent, AgentEntry, Matcher};

/// The agent table compiled for matching.
pub struct Detector {
    table: Vec<Agent>,
    trailer: Regex,
    on_behalf: Regex,
    merge: Regex,
}

/// Names that identify an agent inside a declaration (`Assisted-by: GitHub Copilot`).
const AGENT_WORDS: &[(&str, &str)] = &[
    ("claude", "claude"),
    ("copilot", "copilot"),
    ("cursor", "cursor"),
    ("codex", "codex"),
    ("aider", "aider"),
    ("devin", "devin"),
    ("jules", "jules"),
    ("gemini", "gemini"),
    ("openhands", "openhands"),
    ("droid", "factory"),
    ("amp", "amp"),
];

fn agent_in(text: &str) -> String {
    let t = text.to_ascii_lowercase();
    AGENT_WORDS
        .iter()
        .find(|(w, _)| {
            t.match_indices(w).any(|(i, _)| {
                let before = t[..i].chars().next_back();
                let after = t[i + w.len()..].chars().next();
                !before.is_some_and(|c| c.is_ascii_alphanumeric())
                    && !after.is_some_and(|c| c.is_ascii_alphabetic())
            })
        })
        .map_or_else(|| "unknown".to_string(), |(_, a)| (*a).to_string())
}

fn clip(s: &str, n: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n).collect();
        t.push('…');
        t
    }
}

fn email_in(value: &str) -> &str {
    match (value.rfind('<'), value.rfind('>')) {
        (Some(a), Some(b)) if b > a => &value[a + 1..b],
        _ => value,
    }
}

impl Detector {
    /// The built-in table and the user's `ai.agents`.
    pub fn new(user: &[AgentEntry]) -> Detector {
        Detector {
            table: agents::table(user),
            trailer: Regex::new(r"^\s*([A-Za-z][A-Za-z0-9-]*)\s*:\s*(.*\S)\s*$").expect("static regex"),
            // `_codex-gpt-5.5-medium on behalf of matt wilkie_`: the agent and model, then the
            // person it acted for, in an italic footer.
            on_behalf: Regex::new(r"(?i)(?:^|[\s(\\n])_([a-z]+)-[a-z0-9._-]* on behalf of [^_\n]{1,80}_")
                .expect("static regex"),
            merge: Regex::new(
                r"^Merge (?:pull request #\d+ from [^/\s]+/(\S+)|branch '([^']+)'|remote-tracking branch '(?:[^/']+/)?([^']+)')",
            )
            .expect("static regex"),
        }
    }

    /// The agent of an email address or GitHub noreply address.
    fn identity(&self, email: &str) -> Option<&Agent> {
        let e = email.trim().to_ascii_lowercase();
        if e.is_empty() {
            return None;
        }
        let login = agents::noreply_login(&e);
        self.table.iter().find(|a| match &a.matcher {
            Matcher::Email(x) => *x == e,
            Matcher::Login(l) => login.as_deref() == Some(l.as_str()),
            _ => false,
        })
    }

    fn display_name(&self, name: &str) -> Option<&Agent> {
        let n = name.to_ascii_lowercase();
        self.table.iter().find(|a| match &a.matcher {
            Matcher::NameSuffix(x) => n.trim_end().ends_with(x.trim_end()) && n.len() > x.len(),
            _ => false,
        })
    }

    /// The agent whose branch prefix `branch` has.
    pub fn branch(&self, branch: &str) -> Option<&Agent> {
        let b = branch
            .trim()
            .trim_start_matches("refs/heads/")
            .to_ascii_lowercase();
        self.table.iter().find(|a| match &a.matcher {
            Matcher::BranchPrefix(p) => b.starts_with(p.as_str()) && b.len() > p.len(),
            _ => false,
        })
    }

    /// The signals of one commit.
    pub fn commit_signals(&self, c: &CommitInfo) -> Vec<Signal> {
        let short: String = c.id.chars().take(12).collect();
        let mut out = Vec::new();
        let mut push = |kind: &str, value: String, agent: &str| {
            out.push(Signal {
                kind: kind.to_string(),
                value,
                commit: Some(short.clone()),
                agent: agent.to_string(),
            });
        };
        for (who, name, email) in [
            ("author", &c.author_name, &c.author_email),
            ("committer", &c.committer_name, &c.committer_email),
        ] {
            if let Some(a) = self.identity(email).or_else(|| self.display_name(name)) {
                push(who, format!("{} <{}>", name.trim(), email.trim()), &a.agent);
            }
        }
        let lower = c.message.to_ascii_lowercase();
        let subject = c.message.lines().next().unwrap_or("");
        for line in c.message.lines() {
            let Some(cap) = self.trailer.captures(line) else {
                continue;
            };
            let (key, value) = (&cap[1], &cap[2]);
            let k = key.to_ascii_lowercase();
            let v = value.to_ascii_lowercase();
            let text = format!("{key}: {}", clip(value, 120));
            if k == "co-authored-by" {
                if let Some(a) = self.identity(email_in(value)) {
                    push("trailer", text, &a.agent);
                    continue;
                }
            }
            if agents::DECLARATION_TRAILERS.contains(&k.as_str()) {
                push("trailer", text, &agent_in(value));
                continue;
            }
            if let Some(a) = self.table.iter().find(|a| match &a.matcher {
                Matcher::TrailerKey(x) => *x == k,
                Matcher::Trailer(x, y) => *x == k && v.starts_with(y.as_str()),
                _ => false,
            }) {
                push("trailer", text, &a.agent);
            }
        }
        for a in &self.table {
            match &a.matcher {
                Matcher::Text(t) => {
                    if let Some(i) = lower.find(t.as_str()) {
                        let i = if t.starts_with('\n') { i + 1 } else { i };
                        let line_start = lower[..i].rfind('\n').map_or(0, |p| p + 1);
                        let line_end = lower[i..].find('\n').map_or(lower.len(), |p| i + p);
                        push(
                            "footer",
                            clip(&c.message[line_start..line_end], 120),
                            &a.agent,
                        );
                    }
                }
                Matcher::SubjectPrefix(p)
                    if subject.to_ascii_lowercase().starts_with(p.as_str()) =>
                {
                    push("subject", clip(subject, 100), &a.agent);
                }
                _ => {}
            }
        }
        for cap in self.on_behalf.captures_iter(&c.message) {
            let m = cap.get(0).map_or("", |m| m.as_str());
            push(
                "footer",
                clip(m.trim_start_matches(|ch: char| ch != '_'), 120),
                &agent_in(&cap[1]),
            );
        }
        if let Some(cap) = self.merge.captures(subject) {
            let branch = cap
                .iter()
                .skip(1)
                .flatten()
                .next()
                .map_or("", |m| m.as_str());
            if let Some(a) = self.branch(branch) {
                push(
                    "merge",
                    format!("branch {branch} ({})", clip(subject, 100)),
                    &a.agent,
                );
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// Signals from the commits of the range, the pull request's head branch (and the variable
/// naming it), labels and the explicit flag.
pub fn detect(
    detector: &Detector,
    commits: &[CommitInfo],
    branch: Option<(&str, &str)>,
    labels: &[String],
    ai_labels: &[String],
    flag: bool,
) -> Provenance {
    let mut signals = Vec::new();
    let mut ai_commit_ids = Vec::new();
    for c in commits {
        let s = detector.commit_signals(c);
        if !s.is_empty() {
            ai_commit_ids.push(c.id.chars().take(12).collect());
        }
        signals.extend(s);
    }
    if let Some((name, var)) = branch {
        if let Some(a) = detector.branch(name) {
            signals.push(Signal {
                kind: "branch".into(),
                value: format!("{} ({var})", clip(name, 100)),
                commit: None,
                agent: a.agent.clone(),
            });
        }
    }
    for l in labels {
        if ai_labels.iter().any(|a| a.eq_ignore_ascii_case(l)) {
            signals.push(Signal {
                kind: "label".into(),
                value: l.clone(),
                commit: None,
                agent: agent_in(l),
            });
        }
    }
    if flag {
        signals.push(Signal {
            kind: "flag".into(),
            value: "--ai".into(),
            commit: None,
            agent: "unknown".into(),
        });
    }
    signals.sort();
    signals.dedup();
    let mut agents: Vec<String> = signals.iter().map(|s| s.agent.clone()).collect();
    agents.sort();
    agents.dedup();
    Provenance {
        ai_generated: !signals.is_empty(),
        agents,
        ai_commits: ai_commit_ids.len(),
        ai_commit_ids,
        signals,
        commits: commits.len(),
        branch: branch.map(|(b, var)| format!("{b} ({var})")),
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
        named("Someone", author, message)
    }

    fn named(name: &str, author: &str, message: &str) -> CommitInfo {
        CommitInfo {
            id: "0123456789abcdef".into(),
            author_name: name.into(),
            author_email: author.into(),
            committer_name: "Dev".into(),
            committer_email: "dev@example.com".into(),
            message: message.into(),
        }
    }

    fn run(commits: &[CommitInfo]) -> Provenance {
        detect(&Detector::new(&[]), commits, None, &[], &[], false)
    }

    fn agents_of(message: &str) -> Vec<String> {
        run(&[commit("dev@example.com", message)]).agents
    }

    #[test]
    fn trailers_and_bots_are_signals() {
        let c = commit("dev@example.com", "Add thing\n\nBody text.\n\nCo-authored-by: Claude <noreply@anthropic.com>\nSigned-off-by: Dev <dev@example.com>\n");
        let p = run(&[c]);
        assert!(p.ai_generated);
        assert_eq!(p.signals[0].kind, "trailer");
        assert_eq!(p.signals[0].agent, "claude");
        assert!(p.signals[0].value.contains("noreply@anthropic.com"));
        let bot = commit("198982749+Copilot@users.noreply.github.com", "Fix\n");
        assert_eq!(run(&[bot]).signals[0].kind, "author");
        let assisted = commit("dev@example.com", "x\n\nAssisted-by: some-tool v1\n");
        assert!(run(&[assisted]).ai_generated);
    }

    #[test]
    fn squash_layout_trailers_mid_body() {
        // GitHub's squash: the intermediate commits' trailers, a rule, then a final block
        // naming only people.
        let msg = "Add retries (#12)\n\n* first try\n\nCo-authored-by: Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>\n\n* review fixes\n\n---------\n\nCo-authored-by: Maya <maya@example.com>\n";
        assert_eq!(agents_of(msg), ["devin"]);
    }

    #[test]
    fn footers_and_session_trailers() {
        assert_eq!(
            agents_of(
                "Fix bug\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n"
            ),
            ["claude"]
        );
        assert_eq!(
            agents_of("Docs\n\n_codex-gpt-5.5-medium on behalf of Matt Wilkie_\n"),
            ["codex"]
        );
        // The footer inside one line, after literal `\n` escapes (written by a script).
        assert_eq!(
            agents_of(
                "Clarify test\n\nRename the key.\\n\\n_codex-gpt-5.5-medium on behalf of CI Bot_\n"
            ),
            ["codex"]
        );
        assert_eq!(
            agents_of("Harden creation\n\nCopilot-Session: f71d9868-eef8-4fb0-84c6-df7c9a6a0ade\n"),
            ["copilot"]
        );
        assert_eq!(agents_of("Fix\n\nMade-with: Cursor\n"), ["cursor"]);
        assert_eq!(
            agents_of("Fix\n\nLink to Devin run: https://app.devin.ai/sessions/5b6b715c\n"),
            ["devin"]
        );
        assert_eq!(
            agents_of("Fix\n\nAgent-Signature: claude-opus-4-8-max on behalf of maphew\n"),
            ["claude"]
        );
        assert_eq!(
            agents_of("Fix\n\nAmp-Thread-ID: https://ampcode.com/threads/T-1\n"),
            ["amp"]
        );
    }

    #[test]
    fn aider_signs_with_its_display_name() {
        let author = named(
            "Paul Gauthier (aider)",
            "paul@aider.chat",
            "feat: add option\n",
        );
        assert_eq!(run(&[author]).agents, ["aider"]);
        let mut committer = named("Paul Gauthier", "paul@aider.chat", "refactor: x\n");
        committer.committer_name = "Paul Gauthier (aider)".into();
        let p = run(&[committer]);
        assert_eq!(
            (p.signals[0].kind.as_str(), p.agents.len()),
            ("committer", 1)
        );
        assert_eq!(
            agents_of("fix: x\n\nCo-authored-by: aider (gpt-5) <aider@aider.chat>\n"),
            ["aider"]
        );
        assert_eq!(agents_of("aider: Added voice.py\n"), ["aider"]);
        assert_eq!(
            agents_of("Remove unused import\n\nUSER: coder.py:9:1: F401 unused\nASSISTANT: I will remove it.\n"),
            ["aider"]
        );
        // The maintainer's own address at aider.chat is a person.
        assert!(run(&[named("Paul Gauthier", "paul@aider.chat", "copy\n")])
            .agents
            .is_empty());
    }

    #[test]
    fn identities_of_other_agents() {
        for (email, agent) in [
            ("opendevin@all-hands.dev", "openhands"),
            ("openhands@all-hands.dev", "openhands"),
            (
                "138933559+factory-droid[bot]@users.noreply.github.com",
                "factory",
            ),
            ("claude@anthropic.com", "claude"),
            (
                "161369871+google-labs-jules[bot]@users.noreply.github.com",
                "jules",
            ),
            ("cursoragent@cursor.com", "cursor"),
            ("codex@openai.com", "codex"),
            // Codex runner containers' default identity (steveyegge/beads' 5 codex misses).
            ("codex-agent@example.com", "codex"),
            // Copilot's plain address (openai/openai-agents-python, held-out replay miss).
            ("copilot@github.com", "copilot"),
        ] {
            let msg = format!("x\n\nCo-authored-by: Bot <{email}>\n");
            assert_eq!(agents_of(&msg), [agent], "{email}");
            assert_eq!(run(&[commit(email, "x\n")]).agents, [agent], "{email}");
        }
    }

    #[test]
    fn copilot_workspace_footer() {
        // The footer Copilot Workspace writes in the pull request it opens (held-out miss).
        let msg = "Add retries to the client\n\n* Retry on 503\n\n---\n\nFor more details, open the [Copilot Workspace session](https://copilot-workspace.githubnext.com/acme/client?shareId=XXXX).\n";
        assert_eq!(agents_of(msg), ["copilot"]);
        assert!(agents_of("Mention githubnext.com in the docs\n").is_empty());
    }

    #[test]
    fn company_domains_and_display_names_are_people() {
        for email in [
            "saransh.saini@codeium.com",
            "someone@cursor.com",
            "yoni@tabnine.com",
            "ashwin@anthropic.com",
            "xingyao@all-hands.dev",
            "dev@windsurf.com",
            "seratch@openai.com",
            "aditya.singh2400@example.com",
        ] {
            assert!(!run(&[commit(email, "fix\n")]).ai_generated, "{email}");
            let msg = format!("fix\n\nCo-authored-by: Person <{email}>\n");
            assert!(
                !run(&[commit("dev@example.com", &msg)]).ai_generated,
                "{email}"
            );
        }
        for msg in [
            "x\n\nCo-authored-by: Copilot <friend@example.com>\n",
            "x\n\nCo-authored-by: Devin Smith <devin@example.com>\n",
            "x\n\nCo-authored-by: Claude <claude.dupont@example.fr>\n",
            "Mention Co-authored-by: Claude in the middle of a line\n\nmore text",
            "Fix cursor pagination in the list view\n",
            "feat: no LLMs were used in this PR\n",
        ] {
            assert!(
                !run(&[commit("dev@example.com", msg)]).ai_generated,
                "{msg}"
            );
        }
        assert!(!run(&[named("JUNIOR JULES", "jj@example.com", "x\n")]).ai_generated);
    }

    #[test]
    fn branches_from_ci_and_merge_subjects() {
        let d = Detector::new(&[]);
        for (b, agent) in [
            ("copilot/fix-415", "copilot"),
            ("devin/1744404364-replace-progress", "devin"),
            ("codex/compat-migrations", "codex"),
            ("claude/issue-12-fix", "claude"),
            ("cursor/add-retry-3f2a", "cursor"),
            ("refs/heads/openhands-fix-issue-4629", "openhands"),
        ] {
            let p = detect(&d, &[], Some((b, "GITHUB_HEAD_REF")), &[], &[], false);
            assert_eq!(p.agents, [agent], "{b}");
            assert_eq!(p.signals[0].kind, "branch");
            assert!(p.signals[0].value.contains("GITHUB_HEAD_REF"));
        }
        for b in [
            "cursor-pagination",
            "feature/claude-support",
            "copilot",
            "main",
        ] {
            let p = detect(&d, &[], Some((b, "GITHUB_HEAD_REF")), &[], &[], false);
            assert!(!p.ai_generated, "{b}");
        }
        let merge = commit(
            "dev@example.com",
            "Merge pull request #12 from acme/copilot/fix-ea15\n\nFix the thing\n",
        );
        let p = run(&[merge]);
        assert_eq!(
            (p.signals[0].kind.as_str(), p.agents[0].as_str()),
            ("merge", "copilot")
        );
        let local = commit("dev@example.com", "Merge branch 'devin/1754-x' into main\n");
        assert_eq!(run(&[local]).agents, ["devin"]);
    }

    #[test]
    fn per_commit_provenance_over_the_range() {
        let mut a = commit("dev@example.com", "human work\n");
        a.id = "aaaaaaaaaaaaaaaa".into();
        let mut b = commit(
            "dev@example.com",
            "agent work\n\nCo-authored-by: Claude <noreply@anthropic.com>\n",
        );
        b.id = "bbbbbbbbbbbbbbbb".into();
        let mut c = commit("dev@example.com", "more human work\n");
        c.id = "cccccccccccccccc".into();
        let p = run(&[a, b, c]);
        assert!(p.ai_generated);
        assert_eq!((p.commits, p.ai_commits), (3, 1));
        assert_eq!(p.ai_commit_ids, ["bbbbbbbbbbbb"]);
        assert_eq!(p.signals[0].commit.as_deref(), Some("bbbbbbbbbbbb"));
    }

    #[test]
    fn users_add_their_own_agents() {
        let entries: Vec<AgentEntry> = serde_yaml::from_str(
            "[{agent: build-agent, email: agent@ci.example.com}, {agent: acme, branch: acme-bot/}]",
        )
        .expect("entries");
        let d = Detector::new(&entries);
        let c = named("Build Agent", "agent@ci.example.com", "Fix CI\n");
        let p = detect(
            &d,
            std::slice::from_ref(&c),
            Some(("acme-bot/x", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME")),
            &[],
            &[],
            false,
        );
        assert_eq!(p.agents, ["acme", "build-agent"]);
        assert!(!run(&[c]).ai_generated, "not without the entry");
    }

    #[test]
    fn labels_and_flag() {
        let p = detect(
            &Detector::new(&[]),
            &[],
            None,
            &["AI-Generated".into(), "bug".into()],
            &["ai-generated".into()],
            true,
        );
        assert_eq!(p.signals.len(), 2);
        assert!(p.ai_generated);
    }
}
