//! The one table of agent identities: every way an assistant marks a commit, a pull request
//! or a branch as its own, with where each entry comes from.
//!
//! Only identities that belong to a bot or an agent are listed, never a company's domain: a
//! commit from `someone@cursor.com`, `@codeium.com` or `@tabnine.com` is a person at that
//! company. Users add their own agents under `ai.agents` in `.gate.yaml` (the same matcher
//! kinds, one per entry); `docs/provenance.md` prints this table.

use serde::{Deserialize, Serialize};

/// How an entry recognizes its agent. Text comparisons ignore ASCII case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matcher {
    /// An email address, exactly (author, committer or a `Co-authored-by:` trailer).
    Email(String),
    /// A GitHub login: the `<id>+<login>@users.noreply.github.com` address GitHub issues for
    /// it, or `<login>@users.noreply.github.com`.
    Login(String),
    /// The end of the author's or committer's display name (aider signs `Name (aider)`).
    NameSuffix(String),
    /// A trailer key, anywhere in the message, whatever its value (`Copilot-Session:`).
    TrailerKey(String),
    /// A trailer with this key whose value starts with this text (`Made-with: Cursor`).
    Trailer(String, String),
    /// Text anywhere in the message: a footer or a link the agent writes.
    Text(String),
    /// The start of the commit's subject line.
    SubjectPrefix(String),
    /// The start of the pull request's head branch (from CI, or a merge commit's subject).
    BranchPrefix(String),
}

impl Matcher {
    /// `email`, `login`, ... as in `.gate.yaml`.
    pub fn kind(&self) -> &'static str {
        match self {
            Matcher::Email(_) => "email",
            Matcher::Login(_) => "login",
            Matcher::NameSuffix(_) => "name_suffix",
            Matcher::TrailerKey(_) => "trailer",
            Matcher::Trailer(..) => "trailer",
            Matcher::Text(_) => "text",
            Matcher::SubjectPrefix(_) => "subject_prefix",
            Matcher::BranchPrefix(_) => "branch",
        }
    }

    /// The pattern as written in `.gate.yaml` (`Made-with: Cursor` for a key and value).
    pub fn pattern(&self) -> String {
        match self {
            Matcher::Trailer(k, v) => format!("{k}: {v}"),
            Matcher::Email(s)
            | Matcher::Login(s)
            | Matcher::NameSuffix(s)
            | Matcher::TrailerKey(s)
            | Matcher::Text(s)
            | Matcher::SubjectPrefix(s)
            | Matcher::BranchPrefix(s) => s.clone(),
        }
    }
}

/// One entry of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    /// The agent kind reported (`claude`, `copilot`, ...).
    pub agent: String,
    pub matcher: Matcher,
    /// Where the entry comes from: the tool's documentation, or the public history it was
    /// observed in (`.gate.yaml` for the user's own).
    pub source: String,
}

/// Built-in entries: (agent, matcher kind, pattern, source).
const BUILTIN: &[(&str, &str, &str, &str)] = &[
    // Claude Code and the Claude GitHub app.
    ("claude", "email", "noreply@anthropic.com", "Claude Code's default Co-Authored-By trailer (docs.anthropic.com, Claude Code settings: includeCoAuthoredBy); observed in steveyegge/beads, antiwork/flexile"),
    ("claude", "email", "claude@anthropic.com", "Claude Code commits signed as `Claude Code <claude@anthropic.com>` (observed in steveyegge/beads)"),
    ("claude", "login", "claude[bot]", "the Claude GitHub app (anthropics/claude-code-action)"),
    ("claude", "text", "generated with [claude code]", "Claude Code's commit and PR footer `🤖 Generated with [Claude Code](https://claude.com/claude-code)`"),
    ("claude", "text", "generated with claude code", "the same footer without the link (observed in antiwork/flexile)"),
    ("claude", "text", "claude.ai/code/session_", "Claude Code on the web links its session in the commit body (observed in github/github-mcp-server)"),
    ("claude", "branch", "claude/", "Claude Code on the web and the Claude GitHub app push `claude/...` branches (observed in merge subjects of All-Hands-AI/OpenHands, github/github-mcp-server)"),
    // GitHub Copilot: the coding agent, applied suggestions, Copilot CLI, Autofix.
    ("copilot", "login", "copilot", "GitHub's Copilot user: `<id>+Copilot@users.noreply.github.com` in Co-authored-by trailers of applied Copilot suggestions, the Copilot app and CLI (observed ids 175728472, 198982749, 223556219 in github/github-mcp-server)"),
    ("copilot", "login", "copilot-swe-agent[bot]", "Copilot coding agent's bot account (docs.github.com, about Copilot coding agent)"),
    ("copilot", "login", "copilot-pull-request-reviewer[bot]", "Copilot code review's bot account"),
    ("copilot", "trailer", "Copilot-Session", "Copilot CLI's `Copilot-Session:` trailer (observed in github/github-mcp-server)"),
    ("copilot", "login", "github-advanced-security[bot]", "Copilot Autofix: code-scanning fixes committed with `Co-authored-by: Copilot Autofix powered by AI <...+github-advanced-security[bot]@users.noreply.github.com>` (observed in All-Hands-AI/OpenHands)"),
    ("copilot", "email", "copilot@github.com", "`Co-authored-by: Copilot <copilot@github.com>` on commits made with Copilot (observed in openai/openai-agents-python, held-out replay; also 3 commits of github/github-mcp-server)"),
    ("copilot", "text", "copilot-workspace.githubnext.com/", "Copilot Workspace's pull-request footer `For more details, open the [Copilot Workspace session](https://copilot-workspace.githubnext.com/...)` (observed in openai/openai-agents-python, held-out replay; also All-Hands-AI/OpenHands, Aider-AI/aider)"),
    ("copilot", "branch", "copilot/", "Copilot coding agent works on `copilot/...` branches (docs.github.com; observed in github/github-mcp-server)"),
    // Cursor.
    ("cursor", "email", "cursoragent@cursor.com", "Cursor background agents author as `Cursor Agent <cursoragent@cursor.com>` and add it as co-author (observed in All-Hands-AI/OpenHands, steveyegge/beads)"),
    ("cursor", "login", "cursor[bot]", "Cursor's GitHub app (Bugbot, background agents)"),
    ("cursor", "trailer", "Made-with: Cursor", "Cursor's `Made-with: Cursor` commit trailer (observed in steveyegge/beads, github/github-mcp-server)"),
    ("cursor", "branch", "cursor/", "Cursor background agents push `cursor/...` branches (observed in merge subjects of All-Hands-AI/OpenHands, excalidraw/excalidraw)"),
    // OpenAI Codex.
    ("codex", "email", "codex@openai.com", "Codex's co-author trailer `Codex <codex@openai.com>` (observed in steveyegge/beads)"),
    ("codex", "email", "noreply@openai.com", "Codex's co-author trailer `Codex <noreply@openai.com>` (observed in steveyegge/beads)"),
    ("codex", "email", "codex-agent@example.com", "`Codex Agent <codex-agent@example.com>`: the git identity public Codex runner containers and scripts configure for the agent's own commits (their documented defaults, found in several unrelated public repositories' setup code); observed as the author of Codex commits in steveyegge/beads"),
    ("codex", "login", "chatgpt-codex-connector[bot]", "Codex's GitHub connector (chatgpt.com/codex)"),
    ("codex", "text", "chatgpt.com/codex/tasks/", "Codex cloud links its task in the pull request it opens"),
    ("codex", "branch", "codex/", "Codex cloud pushes `codex/...` branches (observed in steveyegge/beads, excalidraw/excalidraw)"),
    // aider.
    ("aider", "email", "aider@aider.chat", "aider's co-author trailer `aider (<model>) <aider@aider.chat>` (aider.chat/docs/git.html; observed in Aider-AI/aider)"),
    ("aider", "email", "noreply@aider.chat", "aider's earlier co-author address"),
    ("aider", "email", "noreply@aider.dev", "aider's co-author address in 2025 (observed in Aider-AI/aider)"),
    ("aider", "name_suffix", " (aider)", "aider appends ` (aider)` to the author and committer name of its commits (--attribute-author, --attribute-committer, on by default; aider.chat/docs/git.html)"),
    ("aider", "text", "\nASSISTANT: ", "aider's early commits carry the chat transcript (`USER: ...` / `ASSISTANT: ...` lines) in the body (observed in Aider-AI/aider)"),
    ("aider", "subject_prefix", "aider: ", "aider's --attribute-commit-message-author prefix (the default in early versions; observed in Aider-AI/aider)"),
    // Devin.
    ("devin", "login", "devin-ai-integration[bot]", "Devin's GitHub app (observed in antiwork/flexile, antiwork/helper)"),
    ("devin", "text", "app.devin.ai/sessions/", "Devin links its session in every pull request it opens (`Link to Devin run`, observed in antiwork/flexile)"),
    ("devin", "branch", "devin/", "Devin pushes `devin/<timestamp>-...` branches (observed in antiwork/flexile, antiwork/helper)"),
    // Google Jules and Gemini.
    ("jules", "login", "google-labs-jules[bot]", "Jules' GitHub app (observed in google/virtual-broadcast-production-assistant)"),
    ("jules", "text", "jules.google.com/task/", "Jules links its task in the pull requests it opens"),
    ("gemini", "login", "gemini-code-assist[bot]", "Gemini Code Assist's GitHub app (suggestions committed from its review)"),
    // OpenHands (formerly OpenDevin).
    ("openhands", "email", "openhands@all-hands.dev", "OpenHands' commit identity `openhands <openhands@all-hands.dev>` (observed in All-Hands-AI/OpenHands)"),
    ("openhands", "email", "openhands-claude@all-hands.dev", "observed in All-Hands-AI/OpenHands"),
    ("openhands", "email", "opendevin@all-hands.dev", "OpenDevin's commit identity before the rename (observed in All-Hands-AI/OpenHands)"),
    ("openhands", "email", "opendevin@opendevin.ai", "observed in All-Hands-AI/OpenHands"),
    ("openhands", "branch", "openhands/", "OpenHands pushes `openhands/...` branches (observed in All-Hands-AI/OpenHands)"),
    ("openhands", "branch", "openhands-fix-", "the OpenHands resolver's `openhands-fix-issue-N` / `openhands-fix-pr-N` branches (observed in All-Hands-AI/OpenHands)"),
    // Factory.
    ("factory", "login", "factory-droid[bot]", "Factory's Droid GitHub app (observed in steveyegge/beads)"),
    // Others.
    ("amp", "email", "amp@ampcode.com", "Sourcegraph Amp's co-author trailer `Amp <amp@ampcode.com>` (observed in steveyegge/beads)"),
    ("amp", "trailer", "Amp-Thread-ID", "Amp's `Amp-Thread-ID:` trailer (observed in steveyegge/beads)"),
    ("nori", "text", "generated with [nori]", "Nori's commit footer (observed in steveyegge/beads)"),
    ("amazon-q", "login", "amazon-q-developer[bot]", "Amazon Q Developer's GitHub app"),
    ("sweep", "login", "sweep-ai[bot]", "Sweep's GitHub app"),
];

/// Trailer keys that declare AI assistance whatever their value (`Assisted-by: <tool>`).
pub const DECLARATION_TRAILERS: &[&str] = &[
    "assisted-by",
    "generated-by",
    "ai-assisted-by",
    "x-ai-generated",
    "agent-signature",
];

fn matcher(kind: &str, pattern: &str) -> Result<Matcher, String> {
    let p = pattern.trim();
    if p.is_empty() {
        return Err(format!("the {kind} pattern is empty"));
    }
    Ok(match kind {
        "email" => {
            let e = p.to_ascii_lowercase();
            match e.split_once('@') {
                Some((local, domain)) if !local.is_empty() && domain.contains('.') => {}
                Some(("", _)) => {
                    return Err(format!(
                        "email {p:?} is a domain: a company's domain names its people, not its agent; give the agent's own address"
                    ))
                }
                _ => return Err(format!("email {p:?} is not an address")),
            }
            Matcher::Email(e)
        }
        "login" => {
            if p.contains('@') || p.contains(char::is_whitespace) {
                return Err(format!("login {p:?} is not a GitHub login"));
            }
            Matcher::Login(p.to_ascii_lowercase())
        }
        "name_suffix" => Matcher::NameSuffix(pattern.to_ascii_lowercase()),
        "trailer" => match p.split_once(':') {
            Some((k, v)) if valid_key(k.trim()) && !v.trim().is_empty() => {
                Matcher::Trailer(k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase())
            }
            None if valid_key(p) => Matcher::TrailerKey(p.to_ascii_lowercase()),
            _ => return Err(format!("trailer {p:?} is not `Key` or `Key: value`")),
        },
        "text" => {
            if p.chars().count() < 8 {
                return Err(format!(
                    "text {p:?} is too short to mark an agent (8 characters at least)"
                ));
            }
            // Spaces around are trimmed, a leading newline (a line start) is kept.
            Matcher::Text(pattern.trim_matches(' ').to_ascii_lowercase())
        }
        "subject_prefix" => Matcher::SubjectPrefix(pattern.trim_start().to_ascii_lowercase()),
        "branch" => Matcher::BranchPrefix(p.to_ascii_lowercase()),
        other => return Err(format!("unknown matcher {other:?}")),
    })
}

fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// The built-in table.
pub fn builtin() -> Vec<Agent> {
    BUILTIN
        .iter()
        .map(|(agent, kind, pattern, source)| Agent {
            agent: (*agent).to_string(),
            matcher: matcher(kind, pattern).expect("built-in agent entries are valid"),
            source: (*source).to_string(),
        })
        .collect()
}

/// A user's agent in `.gate.yaml` (`ai.agents`): the agent's name and exactly one matcher.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(
    deny_unknown_fields,
    try_from = "AgentEntryRaw",
    into = "AgentEntryRaw"
)]
pub struct AgentEntry {
    pub agent: String,
    pub matcher: Matcher,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentEntryRaw {
    /// The agent's name, as findings and facts name it (`claude`, `my-bot`).
    pub agent: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// An email address, exactly (author, committer or a `Co-authored-by:` trailer).
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// A GitHub login (its `users.noreply.github.com` addresses).
    pub login: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The end of the author's or committer's display name (`(aider)`).
    pub name_suffix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// A trailer key (`Copilot-Session`), or `Key: value prefix` (`Made-with: Cursor`).
    pub trailer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Text anywhere in the commit message: a footer or a link the agent writes.
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The start of the commit's subject line.
    pub subject_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The start of the pull request's head branch (`codex/`).
    pub branch: Option<String>,
}

impl TryFrom<AgentEntryRaw> for AgentEntry {
    type Error = String;

    fn try_from(r: AgentEntryRaw) -> Result<Self, String> {
        let agent = r.agent.trim().to_string();
        if agent.is_empty() {
            return Err("ai.agents: an entry needs `agent:` (the agent's name)".into());
        }
        let given: Vec<(&str, &String)> = [
            ("email", &r.email),
            ("login", &r.login),
            ("name_suffix", &r.name_suffix),
            ("trailer", &r.trailer),
            ("text", &r.text),
            ("subject_prefix", &r.subject_prefix),
            ("branch", &r.branch),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
        .collect();
        match given.as_slice() {
            [(kind, pattern)] => Ok(AgentEntry {
                matcher: matcher(kind, pattern)
                    .map_err(|e| format!("ai.agents ({agent}): {e}"))?,
                agent,
            }),
            [] => Err(format!(
                "ai.agents ({agent}): give one of email, login, name_suffix, trailer, text, subject_prefix, branch"
            )),
            _ => Err(format!(
                "ai.agents ({agent}): one matcher per entry (found {}); write one entry each",
                given.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
            )),
        }
    }
}

impl From<AgentEntry> for AgentEntryRaw {
    fn from(e: AgentEntry) -> Self {
        let mut r = AgentEntryRaw {
            agent: e.agent,
            ..AgentEntryRaw::default()
        };
        let p = Some(e.matcher.pattern());
        match e.matcher {
            Matcher::Email(_) => r.email = p,
            Matcher::Login(_) => r.login = p,
            Matcher::NameSuffix(_) => r.name_suffix = p,
            Matcher::TrailerKey(_) | Matcher::Trailer(..) => r.trailer = p,
            Matcher::Text(_) => r.text = p,
            Matcher::SubjectPrefix(_) => r.subject_prefix = p,
            Matcher::BranchPrefix(_) => r.branch = p,
        }
        r
    }
}

/// The built-in table followed by the user's entries.
pub fn table(user: &[AgentEntry]) -> Vec<Agent> {
    let mut t = builtin();
    t.extend(user.iter().map(|e| Agent {
        agent: e.agent.clone(),
        matcher: e.matcher.clone(),
        source: ".gate.yaml (ai.agents)".into(),
    }));
    t
}

/// The login of a GitHub noreply address (`123+login@users.noreply.github.com`, or
/// `login@users.noreply.github.com`), lower-case.
pub fn noreply_login(email: &str) -> Option<String> {
    let e = email.trim().to_ascii_lowercase();
    let local = e.strip_suffix("@users.noreply.github.com")?;
    let login = match local.split_once('+') {
        Some((id, login)) if id.chars().all(|c| c.is_ascii_digit()) => login,
        _ => local,
    };
    (!login.is_empty()).then(|| login.to_string())
}

/// The table as Markdown (docs/provenance.md).
pub fn markdown() -> String {
    let mut s = String::from("| agent | matches | pattern | source |\n|---|---|---|---|\n");
    for a in builtin() {
        s.push_str(&format!(
            "| {} | {} | `{}` | {} |\n",
            a.agent,
            a.matcher.kind(),
            a.matcher.pattern().replace('\n', "⏎").replace('|', "\\|"),
            a.source.replace('|', "\\|")
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_entries_are_valid_and_have_sources() {
        let t = builtin();
        assert_eq!(t.len(), BUILTIN.len());
        for a in &t {
            assert!(!a.source.trim().is_empty(), "{a:?}");
        }
        // No company domain among the built-ins.
        for (_, kind, pattern, _) in BUILTIN {
            assert!(!(*kind == "email" && pattern.starts_with('@')), "{pattern}");
        }
    }

    #[test]
    fn the_docs_list_the_table() {
        let doc = include_str!("../../docs/provenance.md");
        assert!(
            doc.contains(&markdown()),
            "docs/provenance.md does not list the table as it is; put this in it:\n{}",
            markdown()
        );
    }

    #[test]
    fn noreply_logins() {
        assert_eq!(
            noreply_login("198982749+Copilot@users.noreply.github.com").as_deref(),
            Some("copilot")
        );
        assert_eq!(
            noreply_login("devin-ai-integration[bot]@users.noreply.github.com").as_deref(),
            Some("devin-ai-integration[bot]")
        );
        assert_eq!(noreply_login("dev@example.com"), None);
    }

    #[test]
    fn user_entries_are_validated() {
        let ok: AgentEntry = serde_yaml::from_str("{agent: codex, email: codex-agent@example.com}")
            .expect("valid entry");
        assert_eq!(ok.matcher, Matcher::Email("codex-agent@example.com".into()));
        let trailer: AgentEntry =
            serde_yaml::from_str("{agent: x, trailer: 'Made-with: X'}").expect("valid");
        assert_eq!(
            trailer.matcher,
            Matcher::Trailer("made-with".into(), "x".into())
        );
        for (bad, why) in [
            ("{agent: windsurf, email: '@codeium.com'}", "domain"),
            ("{agent: x}", "give one of"),
            (
                "{agent: x, email: a@b.io, login: y}",
                "one matcher per entry",
            ),
            ("{agent: '', login: y}", "needs `agent:`"),
            ("{agent: x, text: ai}", "too short"),
            ("{agent: x, domain: acme.com}", "unknown field"),
        ] {
            let e = serde_yaml::from_str::<AgentEntry>(bad).expect_err(bad);
            assert!(e.to_string().contains(why), "{bad}: {e}");
        }
        let back = serde_yaml::to_string(&ok).expect("serializes");
        assert!(back.contains("email: codex-agent@example.com"), "{back}");
    }
}
