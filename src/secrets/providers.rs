//! The provider table: one line per credential format, compiled into scanner rules.
//!
//! Most providers issue keys of a generic shape (32 hex digits, 40 base62 characters, a
//! UUID): the shape alone means nothing, so such a rule needs one of the provider's keywords
//! beside the value (on its line, or ending at most `near` bytes before it: the assignment's
//! key, a section header a line or two above). Self-identifying formats (a `ghp_`, `xoxb-` or
//! `sk_live_` prefix) need no context. Writing each format as a line keeps the catalog
//! reviewable at 700 providers, and every rule gets the same boundaries, proximity, entropy
//! floor and sample tests instead of a hand-written regex each.
//!
//! A line is `id | Name | keywords | shape [| options]`:
//! - `keywords`: space-separated lower-case literals (`-`: none; `%s` is a space inside one,
//!   `new%srelic`). For a contextual shape they
//!   are what must be near the value; for a self-identifying one they are only the prefilter
//!   (default: the shape's literal prefix).
//! - `shape`: a regex over the value (ASCII, on bytes) with these classes spelled short:
//!   `%hex` `[0-9a-f]`, `%HEX` `[0-9A-F]`, `%Hex` both cases, `%an` `[A-Za-z0-9]`, `%lan`
//!   `[a-z0-9]`, `%uan` `[A-Z0-9]`, `%low` `[a-z]`, `%up` `[A-Z]`, `%d` `[0-9]`, `%b64`
//!   `[A-Za-z0-9+/]`, `%b64u` `[A-Za-z0-9_-]`, `%uuid` a UUID (either case). A shape
//!   starting with `@` is self-identifying; `%%` is a literal `%`; ` ; ` separates
//!   alternative shapes of one credential.
//! - `options`, space-separated: `sev=critical|high|medium|low` (default high),
//!   `ent=F` (entropy floor), `near=N` (proximity in bytes, default 48), `ck=NAME` (a
//!   checksum the value must carry: `crc32-base62`), `ci` (the shape is case-insensitive),
//!   `noveto` (see below), `names=a,b` (provider names for the veto of a self-identifying
//!   shape), `public` (the provider documents the value as publishable: a
//!   note, never a leak), `b=CHARS` (extra characters that may not touch the value),
//!   `provider=NAME`.
//!
//! A contextual rule also vetoes generic guesses: a `password = "…"`-style match beside the
//! provider's keyword that the provider's own format rejected is a wrong-format value (a
//! typo, a truncated or placeholder key), not a credential of that provider, and is dropped.

use anyhow::{bail, Context, Result};

use super::RuleSpec;

/// The table shipped with gate.
pub const BUILTIN_TABLE: &str = include_str!("providers.txt");

/// Default proximity: the keyword ends at most this many bytes before the value.
pub const DEFAULT_NEAR: usize = 48;

const CLASSES: &[(&str, &str)] = &[
    // Longest names first so that `%b64u` is not read as `%b64` then `u`.
    (
        "%uuid",
        "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
    ),
    ("%b64u", "[A-Za-z0-9_-]"),
    ("%b64", "[A-Za-z0-9+/]"),
    ("%hex", "[0-9a-f]"),
    ("%HEX", "[0-9A-F]"),
    ("%Hex", "[0-9a-fA-F]"),
    ("%lan", "[a-z0-9]"),
    ("%uan", "[A-Z0-9]"),
    ("%low", "[a-z]"),
    ("%an", "[A-Za-z0-9]"),
    ("%up", "[A-Z]"),
    ("%d", "[0-9]"),
];

/// Expands the short class names of a shape into regex classes.
pub fn expand(shape: &str) -> Result<String> {
    let mut out = String::with_capacity(shape.len() * 3);
    let mut rest = shape;
    while let Some(p) = rest.find('%') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        if let Some(r) = rest.strip_prefix("%%") {
            out.push('%');
            rest = r;
            continue;
        }
        let Some((name, class)) = CLASSES.iter().find(|(n, _)| rest.starts_with(n)) else {
            bail!("unknown class at {rest:?}");
        };
        out.push_str(class);
        rest = &rest[name.len()..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The literal text a shape starts with (up to its first regex syntax), lower-cased.
fn literal_prefix(shape: &str) -> String {
    let mut p = String::new();
    let mut chars = shape.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(n) if !n.is_ascii_alphanumeric() => p.push(n),
                _ => break,
            },
            '%' | '[' | '(' | '.' | '^' | '$' | '|' => break,
            // A quantifier applies to the previous character, which is then not literal.
            '?' | '*' | '{' | '+' => {
                p.pop();
                break;
            }
            c => p.push(c),
        }
    }
    p.to_ascii_lowercase()
}

/// Parses the table into rules, in table order. `origin` names the text in errors.
pub fn parse_table(text: &str, origin: &str) -> Result<Vec<RuleSpec>> {
    let mut rules = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = || format!("{origin}:{}", n + 1);
        let fields: Vec<&str> = line.split(" | ").map(str::trim).collect();
        if !(4..=5).contains(&fields.len()) {
            bail!(
                "{}: expected `id | Name | keywords | shape [| options]`",
                at()
            );
        }
        let rule = compile_line(&fields).with_context(at)?;
        rules.push(rule);
    }
    Ok(rules)
}

fn compile_line(fields: &[&str]) -> Result<RuleSpec> {
    let (id, name, keywords, shape) = (fields[0], fields[1], fields[2], fields[3]);
    if id.is_empty()
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        bail!("id {id:?} must be kebab-case");
    }
    let mut severity = "high".to_string();
    let mut entropy: Option<f64> = None;
    let mut near = DEFAULT_NEAR;
    let mut checksum = None;
    let mut case_insensitive = false;
    let mut veto = true;
    let mut strict = false;
    let mut public = false;
    let mut names = Vec::new();
    let mut boundary_extra = String::new();
    let mut provider = id.split('-').next().unwrap_or(id).to_string();
    for opt in fields.get(4).map_or("", |o| *o).split_whitespace() {
        let (k, v) = opt.split_once('=').unwrap_or((opt, ""));
        match k {
            "sev" => {
                if !matches!(v, "critical" | "high" | "medium" | "low") {
                    bail!("unknown severity {v:?}");
                }
                severity = v.to_string();
            }
            "ent" => entropy = Some(v.parse().with_context(|| format!("ent={v}"))?),
            "near" => near = v.parse().with_context(|| format!("near={v}"))?,
            "ck" => {
                if !super::checksum::KNOWN.contains(&v) {
                    bail!("unknown checksum {v:?}");
                }
                checksum = Some(v.to_string());
            }
            "ci" => case_insensitive = true,
            "noveto" => veto = false,
            "strict" => strict = true,
            "public" => public = true,
            "names" => names.extend(v.split(',').map(str::to_string)),
            "b" => boundary_extra.push_str(v),
            "provider" => provider = v.to_string(),
            _ => bail!("unknown option {opt:?}"),
        }
    }
    // Alternative shapes of one credential, separated by ` ; `: all self-identifying or all
    // contextual.
    let alts: Vec<&str> = shape.split(" ; ").map(str::trim).collect();
    let anywhere = alts[0].starts_with('@');
    if alts.iter().any(|a| a.starts_with('@') != anywhere) {
        bail!("mixes self-identifying (`@`) and contextual shapes");
    }
    let alts: Vec<&str> = alts
        .iter()
        .map(|a| a.strip_prefix('@').unwrap_or(a))
        .collect();
    // Every alternative a bare hex run (`%hex{32}`, `%HEX{40,45}`): see `RuleSpec::hex_documented`.
    let hex_documented = !anywhere
        && !strict
        && alts.iter().all(|a| {
            ["%hex{", "%HEX{", "%Hex{"].iter().any(|c| {
                a.strip_prefix(c)
                    .and_then(|r| r.strip_suffix('}'))
                    .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit() || b == b','))
            })
        });
    let mut expanded = Vec::with_capacity(alts.len());
    for a in &alts {
        let a = if anywhere || strict {
            a.to_string()
        } else {
            widen(a)
        };
        expanded.push(expand(&a)?);
    }
    let value = if expanded.len() == 1 {
        expanded[0].clone()
    } else {
        expanded.join("|")
    };
    let mut kws: Vec<String> = if keywords == "-" {
        Vec::new()
    } else {
        // `%s` stands for a space: products named in two words (`new relic`).
        keywords
            .split_whitespace()
            .map(|k| k.replace("%s", " "))
            .collect()
    };
    if anywhere && kws.is_empty() {
        // The prefilter of a self-identifying shape is its own prefix, unless keywords are
        // given (for shapes whose prefix is too short or not literal).
        for a in &alts {
            let p = literal_prefix(a);
            if p.len() < 3 {
                bail!(
                    "a self-identifying shape needs a literal prefix of 3+ characters or keywords"
                );
            }
            if !kws.contains(&p) {
                kws.push(p);
            }
        }
    }
    if kws.is_empty() {
        bail!("a contextual shape needs keywords");
    }
    // Characters that may not touch the value: those of a token. Before it, letters, digits,
    // `_`, `+` and whatever the value's own classes hold; after it also `/`, `=` and `-` (a
    // base64 or dashed token going on), and `.` followed by a letter or digit (`x.y`).
    let own = class_punctuation(&value);
    let mut extra: String = own
        .iter()
        .chain(boundary_extra.chars().collect::<Vec<_>>().iter())
        .copied()
        .collect();
    extra.retain(|c| c != '-');
    let dash = own.contains(&'-') || boundary_extra.contains('-');
    let esc = |set: &str| -> String { set.chars().map(regex_syntax_escape).collect() };
    // `=` never starts a token (`KEY=value`), so it stays a left boundary. A value beside a
    // keyword never starts right after a backslash: there the letter is an escape's
    // (`\nAutoHTTPSConfig` in a JSON string is a newline and a name, not a 16-character
    // key); the escaped text's own layer reads what the escapes stand for.
    let left = format!(
        "A-Za-z0-9_+{}{}{}",
        esc(&extra.replace(['+', '='], "")),
        if anywhere { "" } else { "\\\\" },
        if dash { "-" } else { "" }
    );
    let right = format!(
        "A-Za-z0-9_+/=.{}-",
        esc(&extra.replace(['+', '/', '=', '.'], ""))
    );
    let body = if case_insensitive {
        format!("(?i:{value})")
    } else {
        value.clone()
    };
    let dot_end = if own.contains(&'.') {
        ""
    } else {
        "|\\.(?:[^A-Za-z0-9]|$)"
    };
    let regex = format!("(?m)(?:^|[^{left}])({body})(?:[^{right}]{dot_end}|$)");
    let entropy = entropy.unwrap_or(if anywhere { 2.5 } else { default_floor(&value) });
    Ok(RuleSpec {
        id: id.to_string(),
        name: name.to_string(),
        provider,
        keywords: kws,
        regex,
        secret_group: 1,
        entropy,
        severity,
        confidence: if anywhere { "high" } else { "medium" }.to_string(),
        multiline: 0,
        paths: Vec::new(),
        near: if anywhere { 0 } else { near },
        checksum,
        veto: veto && !anywhere,
        public,
        public_when: Vec::new(),
        entropy_tail: false,
        yields: false,
        names,
        hex_documented,
        tp: Vec::new(),
        fp: Vec::new(),
    })
}

/// A contextual hex shape takes every letter of its case: most providers document a key only
/// as "a 32-character key", issuers' formats drift (hex keys reissued as base36), and the
/// provider's name beside a token of exactly the format's length is the evidence, not its
/// digits. `strict` keeps a shape as written.
fn widen(shape: &str) -> String {
    shape
        .replace("%hex", "%lan")
        .replace("%HEX", "%uan")
        .replace("%Hex", "%an")
}

/// The punctuation characters the value's bracket classes allow (`[A-Za-z0-9_-]`: `_`, `-`).
fn class_punctuation(re: &str) -> Vec<char> {
    let mut out = Vec::new();
    let b: Vec<char> = re.chars().collect();
    let mut i = 0;
    while i < b.len() {
        if b[i] == '\\' {
            i += 2;
            continue;
        }
        if b[i] != '[' {
            i += 1;
            continue;
        }
        i += 1;
        if b.get(i) == Some(&'^') {
            i += 1;
        }
        let start = i;
        while i < b.len() && (b[i] != ']' || i == start) {
            let c = if b[i] == '\\' && i + 1 < b.len() {
                i += 1;
                b[i]
            } else {
                b[i]
            };
            // `a-z` is a range; a `-` first, last or after a range is literal.
            let range = c == '-'
                && i > start
                && b.get(i + 1).is_some_and(|n| *n != ']')
                && b[i - 1].is_ascii_alphanumeric();
            if !range && !c.is_ascii_alphanumeric() && !out.contains(&c) {
                out.push(c);
            }
            i += 1;
        }
        i += 1;
    }
    out
}

fn regex_syntax_escape(c: char) -> String {
    if c.is_ascii_alphanumeric() {
        c.to_string()
    } else {
        format!("\\{c}")
    }
}

/// The entropy floor of a contextual value: random hex of 32 digits carries about 3.8 bits
/// per character, random base62 of 20 or more about 4; a floor well below that rejects
/// repeated and sequential filler without missing real keys.
fn default_floor(value: &str) -> f64 {
    let letters = ["a-z", "A-Z", "a-f", "A-F"]
        .iter()
        .any(|c| value.contains(c));
    let hex_only = !value.contains("a-z") && !value.contains("A-Z");
    if !letters {
        // Digits only: 10 symbols carry at most 3.3 bits, and 18 random digits often
        // repeat some.
        2.0
    } else if hex_only {
        2.8
    } else {
        3.1
    }
}

/// The built-in table.
pub fn builtin_table() -> Result<Vec<RuleSpec>> {
    parse_table(BUILTIN_TABLE, "built-in providers.txt")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_classes() {
        assert_eq!(expand("%b64u{4}").expect("ok"), "[A-Za-z0-9_-]{4}");
        assert_eq!(expand("x%hex%HEX").expect("ok"), "x[0-9a-f][0-9A-F]");
        assert!(expand("%nope").is_err());
    }

    #[test]
    fn prefixes() {
        assert_eq!(literal_prefix("sk_live_%an{24}"), "sk_live_");
        assert_eq!(literal_prefix("xox[bp]-"), "xox");
        assert_eq!(literal_prefix("abc?d"), "ab");
        assert_eq!(literal_prefix("dop\\_v1"), "dop_v1");
    }

    #[test]
    fn bad_lines_name_their_place() {
        let e = parse_table("a | A | - | %hex{32}\n", "t").expect_err("no keyword");
        assert!(format!("{e:#}").contains("t:1"), "{e:#}");
        let e = parse_table("a | A | k | %hex{32} | sev=huge\n", "t").expect_err("severity");
        assert!(format!("{e:#}").contains("severity"), "{e:#}");
        assert!(parse_table("a | A | - | @ab%hex{3}\n", "t").is_err());
        assert!(parse_table("A_B | A | k | %hex{3}\n", "t").is_err());
    }
}
