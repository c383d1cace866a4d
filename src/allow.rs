//! Inline allow comments: `gate:allow RULE reason` written in a comment of the file a finding
//! points at. This module reads them; [`crate::suppress`] applies them.
//!
//! Scope, the one documented rule (README, "Suppressions"): an allow covers the line it is on.
//! When the comment stands alone on its line (nothing but indentation before the comment
//! marker), it covers the next line as well, which is where a comment above a long line goes.
//! A trailing comment never reaches the line below: `a = 1  # gate:allow X why` followed by a
//! secret on the next line must not hide that secret.
//!
//! An allow is only read from a comment: `gate:allow` must follow a comment marker (`#`, `//`,
//! `/*`, `*`, `--`, `<!--`, `;`, `%`, `::`, `REM`) that itself starts the line or follows a
//! space or punctuation other than a quote, so a string literal or a Markdown code span that
//! mentions `gate:allow` is not one.
//!
//! An allow without a reason, or naming a rule no policy declares, suppresses nothing. The
//! ones on added lines are facts (`input.allow_comments`), so a policy reports them
//! (GATE-GOV-010 and GATE-GOV-011) instead of letting them fail silently.

use serde::Serialize;

use crate::change::ChangeSet;

/// The word that starts an allow.
pub const MARKER: &str = "gate:allow";

/// Comment markers, longest first (a suffix match picks the longest).
const OPENERS: [&str; 11] = [
    "<!--", "//", "/*", "--", "::", "REM", "rem", "#", ";", "%", "*",
];

/// One `gate:allow` in a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allow {
    /// The rule id as written (`all` allows every rule); empty when none follows the marker.
    pub rule: String,
    /// The words after the rule id, up to the end of the comment; empty when none.
    pub reason: String,
    /// The comment is alone on its line, so the allow covers the next line too.
    pub standalone: bool,
}

impl Allow {
    /// Whether this allow suppresses a finding of `rule`: it names it (case aside) or `all`,
    /// and it gives a reason.
    pub fn suppresses(&self, rule: &str) -> bool {
        !self.reason.is_empty()
            && (self.rule.eq_ignore_ascii_case(rule) || self.rule.eq_ignore_ascii_case("all"))
    }
}

/// Where the comment marker before `prefix`'s end starts, if `prefix` (the text before a
/// `gate:allow`, trailing spaces removed) ends with one.
fn comment_opener(prefix: &str) -> Option<usize> {
    let opener = OPENERS.iter().find(|o| prefix.ends_with(*o))?;
    let at = prefix.len() - opener.len();
    let before = prefix[..at].chars().next_back();
    let word = opener.chars().all(|c| c.is_ascii_alphabetic());
    let ok = match before {
        None => true,
        Some(c) if c.is_whitespace() => true,
        // `REM` is a word: only after a space. Other markers may follow punctuation
        // (`{/*`, `<%#`), never a quote or a backtick (a string or a code span).
        Some(c) => !word && !c.is_alphanumeric() && !matches!(c, '"' | '\'' | '`'),
    };
    ok.then_some(at)
}

/// Every allow in a line, in order.
pub fn parse(line: &str) -> Vec<Allow> {
    let mut found: Vec<Allow> = Vec::new();
    let mut from = 0;
    while let Some(i) = line[from..].find(MARKER).map(|i| i + from) {
        let after = &line[i + MARKER.len()..];
        from = i + MARKER.len();
        // `gate:allowance` is not an allow.
        if after.chars().next().is_some_and(|c| !c.is_whitespace()) {
            continue;
        }
        let prefix = line[..i].trim_end();
        let standalone = if found.is_empty() {
            // The first allow must open a comment; later ones share it.
            let Some(at) = comment_opener(prefix) else {
                continue;
            };
            let lead = prefix[..at].trim();
            lead.is_empty() || lead == "{"
        } else {
            found[0].standalone
        };
        // The comment ends at a closing marker or at the next allow.
        let end = ["*/", "-->", MARKER]
            .iter()
            .filter_map(|m| after.find(m))
            .min()
            .unwrap_or(after.len());
        let mut words = after[..end].split_whitespace();
        let rule = words
            .next()
            .unwrap_or("")
            .trim_end_matches([':', ',', ';'])
            .to_string();
        let reason = words.collect::<Vec<_>>().join(" ");
        let reason = reason.trim_end_matches([',', ';']).to_string();
        found.push(Allow {
            rule,
            reason,
            standalone,
        });
    }
    found
}

/// An allow on an added line (`input.allow_comments[]`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct AllowComment {
    pub path: String,
    pub line: u32,
    /// The rule id as written; empty when none follows `gate:allow`.
    pub rule: String,
    pub reason: String,
    /// The comment stands alone on its line and also covers the next one.
    pub next_line: bool,
    /// Whether a loaded policy declares `rule` (`all` counts as known); null until the
    /// policies are loaded (`gate facts` does not load them).
    pub known: Option<bool>,
    /// The declared rule id nearest to an unknown `rule`, if one is near.
    pub suggestion: Option<String>,
}

/// The allows on the change's added lines, sorted by path and line. `--all` files list no
/// lines and contribute none.
pub fn comments(cs: &ChangeSet) -> Vec<AllowComment> {
    let mut out = Vec::new();
    for f in cs.files.iter().filter(|f| !f.binary) {
        for l in f.added_lines() {
            // Cheap test first: nearly no line holds the marker.
            if memchr::memmem::find(&l.text, MARKER.as_bytes()).is_none() {
                continue;
            }
            let text = String::from_utf8_lossy(&l.text);
            for a in parse(&text) {
                out.push(AllowComment {
                    path: f.path.clone(),
                    line: l.line,
                    rule: a.rule,
                    reason: a.reason,
                    next_line: a.standalone,
                    known: None,
                    suggestion: None,
                });
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> Option<Allow> {
        let mut v = parse(line);
        assert!(v.len() <= 1, "{line}: {v:?}");
        v.pop()
    }

    #[test]
    fn reads_rule_and_reason_from_a_trailing_comment() {
        let a = one("k = 'x' # gate:allow GATE-SEC-001 test fixture key").expect("an allow");
        assert_eq!(a.rule, "GATE-SEC-001");
        assert_eq!(a.reason, "test fixture key");
        assert!(!a.standalone);
        assert!(a.suppresses("GATE-SEC-001") && a.suppresses("gate-sec-001"));
        assert!(!a.suppresses("GATE-SEC-002"));
    }

    #[test]
    fn a_comment_alone_on_its_line_is_standalone() {
        for line in [
            "# gate:allow GATE-SEC-001 fixture",
            "    // gate:allow GATE-SEC-001 fixture",
            "\t-- gate:allow GATE-BLA-005 reviewed drop",
            "<!-- gate:allow GATE-SEC-001 docs example -->",
            " * gate:allow GATE-SEC-001 fixture",
            "{/* gate:allow GATE-SEC-001 fixture */}",
            "REM gate:allow GATE-SEC-001 fixture",
            "#gate:allow GATE-SEC-001 fixture",
        ] {
            let a = one(line).unwrap_or_else(|| panic!("no allow in {line:?}"));
            assert!(a.standalone, "{line}");
            assert!(a.suppresses("GATE-SEC-001") || a.suppresses("GATE-BLA-005"));
        }
        for line in [
            "x = 1  // gate:allow GATE-SEC-001 fixture",
            "key: AKIA...  # gate:allow GATE-SEC-001 fixture",
            "}, // gate:allow GATE-SEC-001 fixture",
            "DROP TABLE t; -- gate:allow GATE-BLA-005 reviewed",
        ] {
            assert!(!one(line).expect("an allow").standalone, "{line}");
        }
    }

    #[test]
    fn the_comment_ends_at_its_closing_marker() {
        assert_eq!(
            one("/* gate:allow all vendored */ x").map(|a| a.reason),
            Some("vendored".into())
        );
        assert_eq!(
            one("<!-- gate:allow GATE-SEC-001 sample-->").map(|a| a.reason),
            Some("sample".into())
        );
        assert_eq!(
            one("x # gate:allow GATE-SEC-001: fixture").map(|a| a.rule),
            Some("GATE-SEC-001".into())
        );
    }

    #[test]
    fn missing_reason_and_missing_rule_are_kept_but_suppress_nothing() {
        let a = one("# gate:allow GATE-SEC-001").expect("an allow");
        assert_eq!(a.reason, "");
        assert!(!a.suppresses("GATE-SEC-001"));
        let a = one("x # gate:allow").expect("an allow");
        assert_eq!((a.rule.as_str(), a.reason.as_str()), ("", ""));
        assert!(!a.suppresses("GATE-SEC-001"));
    }

    #[test]
    fn strings_and_code_spans_are_not_comments() {
        for line in [
            r##"assert!(inline("# gate:allow GATE-SEC-001 x"));"##,
            "Suppress with `gate:allow GATE-SEC-001 <reason>` on the line.",
            "print('#gate:allow GATE-SEC-001 x')",
            "the gate:allow comment",
            "x = 1 # gate:allowance GATE-SEC-001 x",
            "remark gate:allow GATE-SEC-001 x",
        ] {
            assert_eq!(one(line), None, "{line}");
        }
    }

    #[test]
    fn several_allows_share_one_comment() {
        let v = parse("k = v  # gate:allow GATE-SEC-001 fake, gate:allow GATE-SEC-003 fake too");
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].reason, "fake");
        assert_eq!(v[1].rule, "GATE-SEC-003");
        assert_eq!(v[1].reason, "fake too");
        assert!(!v[1].standalone);
    }
}
