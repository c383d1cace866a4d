//! Tests of the provider table: every line, with values generated from its own shape.
//!
//! For each rule a deterministic generator draws values from the shape's regex (capture
//! group 1 of the compiled rule). The rule must find them beside its keyword (in code, YAML,
//! an unquoted `Key=value` log line) and, for self-identifying formats, anywhere; it must
//! not find them without a keyword (contextual shapes), nor one character too long or too
//! short. Beside the keyword, a wrong-format value must not be reported by any rule at all:
//! that is the veto on generic guesses.

use regex_syntax::hir::{Class, Hir, HirKind};

use super::checksum;
use super::providers::builtin_table;
use super::{RuleSpec, Scanner};

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Len {
    Random,
    Min,
    Max,
}

/// The capture group holding the value.
fn value_hir(h: &Hir) -> Option<&Hir> {
    match h.kind() {
        HirKind::Capture(c) if c.index == 1 => Some(&c.sub),
        HirKind::Capture(c) => value_hir(&c.sub),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().find_map(value_hir),
        HirKind::Repetition(r) => value_hir(&r.sub),
        _ => None,
    }
}

fn pick_class(c: &Class, rng: &mut Rng) -> u8 {
    let ranges: Vec<(u8, u8)> = match c {
        Class::Bytes(b) => b.ranges().iter().map(|r| (r.start(), r.end())).collect(),
        Class::Unicode(u) => u
            .ranges()
            .iter()
            .filter(|r| r.start().is_ascii())
            .map(|r| (r.start() as u8, (r.end().min('\x7f')) as u8))
            .collect(),
    };
    // Printable ASCII only: a sample is a line of text.
    let printable: Vec<u8> = ranges
        .iter()
        .flat_map(|&(a, b)| a..=b)
        .filter(|b| b.is_ascii_graphic())
        .collect();
    printable[rng.below(printable.len())]
}

fn generate(h: &Hir, rng: &mut Rng, len: Len, out: &mut Vec<u8>) {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(l) => out.extend_from_slice(&l.0),
        HirKind::Class(c) => out.push(pick_class(c, rng)),
        HirKind::Repetition(r) => {
            let min = r.min as usize;
            let max = r.max.map_or(min + 24, |m| m as usize);
            let n = match len {
                Len::Min => min,
                Len::Max => max,
                Len::Random => min + rng.below(max - min + 1),
            };
            for _ in 0..n {
                generate(&r.sub, rng, len, out);
            }
        }
        HirKind::Capture(c) => generate(&c.sub, rng, len, out),
        HirKind::Concat(v) => v.iter().for_each(|x| generate(x, rng, len, out)),
        HirKind::Alternation(v) => {
            let i = rng.below(v.len());
            generate(&v[i], rng, len, out);
        }
    }
}

/// The class of the last character the value's shape produces (to make it one too long).
fn last_class(h: &Hir) -> Option<&Class> {
    match h.kind() {
        HirKind::Class(c) => Some(c),
        HirKind::Repetition(r) => last_class(&r.sub),
        HirKind::Capture(c) => last_class(&c.sub),
        HirKind::Concat(v) => v.iter().rev().find_map(last_class),
        _ => None,
    }
}

fn parse(rule: &RuleSpec) -> Hir {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(&rule.regex)
        .unwrap_or_else(|e| panic!("rule {}: {e}", rule.id))
}

fn value(rule: &RuleSpec, hir: &Hir, rng: &mut Rng, len: Len) -> String {
    let v = value_hir(hir).unwrap_or_else(|| panic!("rule {}: no group 1", rule.id));
    let mut out = Vec::new();
    // A contextual value of letters only reads as an identifier and is dropped by design
    // (scanner::mixed_enough); draw again (random keys of 12+ characters rarely lack a
    // digit).
    for _ in 0..4 {
        out.clear();
        generate(v, rng, len, &mut out);
        let letters_only = out.iter().all(u8::is_ascii_alphabetic);
        if !(letters_only && rule.near > 0 && out.len() >= 10) {
            break;
        }
    }
    let mut s = String::from_utf8(out).expect("ASCII");
    if rule.checksum.as_deref() == Some("crc32-base62") && s.len() >= 36 {
        // Make the generated token a valid one: the last 6 characters are the CRC-32.
        let body = s.len() - 36;
        let random = s[body..body + 30].to_string();
        s.truncate(body + 30);
        s.push_str(&checksum::base62(
            u64::from(checksum::crc32(random.as_bytes())),
            6,
        ));
    }
    s
}

/// `FOO_API_KEY`-style spelling of a keyword.
fn upper(kw: &str) -> String {
    kw.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// An assignment's key naming the keyword: `OPSGENIE_API_KEY`, or for a keyword that is
/// not a word (`azconfig.io`, `x-functions-key`) the keyword itself in a comment above.
fn key_name(kw: &str) -> String {
    if kw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        format!("{}_API_KEY", upper(kw))
    } else {
        format!("# {kw}\napi_key")
    }
}

/// A keyword written as the provider's name in camel case (`validateOpsgenieKey`).
fn camel(kw: &str) -> String {
    let mut c = kw.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

fn reported(scanner: &Scanner, text: &str, rule: &str) -> Vec<(String, String, bool)> {
    scanner
        .scan(text.as_bytes())
        .into_iter()
        .map(|c| {
            (
                c.rule_id(scanner).to_string(),
                String::from_utf8_lossy(&c.secret).into_owned(),
                c.allowlisted,
            )
        })
        .filter(|(r, _, _)| rule.is_empty() || r == rule)
        .collect()
}

#[test]
fn provider_table_samples() {
    let rules = super::builtin_rules().expect("catalog parses");
    let scanner = Scanner::new(rules).expect("catalog builds");
    let table = builtin_table().expect("table parses");
    let mut failures = Vec::new();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for rule in &table {
        let hir = parse(rule);
        let kw = rule.keywords[0].as_str();
        let v = value(rule, &hir, &mut rng, Len::Random);
        let found = |text: &str| {
            reported(&scanner, text, &rule.id)
                .iter()
                .any(|(_, s, allow)| *s == v && !allow)
        };
        let tp: Vec<String> = if rule.near > 0 {
            vec![
                format!("{} = \"{v}\"", key_name(kw)),
                format!(
                    "func validate{}Key() bool {{\n\tapiKey := \"{v}\"",
                    camel(kw)
                ),
                format!("{kw}:\n  key: {v}\n"),
                format!("level=info msg=\"{kw} call\" Key={v} status=200"),
            ]
        } else {
            vec![
                format!("token = \"{v}\""),
                format!("curl -H 'X-Key: {v}' ..."),
            ]
        };
        for t in &tp {
            if !found(t) {
                failures.push(format!(
                    "{}: missed tp {t:?}: {:?}",
                    rule.id,
                    reported(&scanner, t, "")
                ));
            }
        }
        if rule.near > 0 {
            // No keyword, or the keyword inside a longer word (`SetSysctl` is not Etsy).
            let inside = format!("unset{kw}ctl");
            for t in [
                format!("const VALUE = \"{v}\""),
                format!("{inside} = \"{v}\""),
            ] {
                if found(&t)
                    && !rule
                        .keywords
                        .iter()
                        .any(|k| inside.contains(k.as_str()) && k != kw)
                {
                    failures.push(format!("{}: found without its keyword: {t:?}", rule.id));
                }
            }
        }
        // Wrong lengths, beside the keyword (shapes of bounded length only: an open-ended
        // one, a JWT say, has no wrong length).
        let vhir = value_hir(&hir).expect("group 1");
        let mut wrong = Vec::new();
        if vhir.properties().maximum_len().is_some() {
            if let Some(c) = last_class(vhir) {
                let long = value(rule, &hir, &mut rng, Len::Max);
                wrong.push(format!("{long}{}", pick_class(c, &mut rng) as char));
            }
            let short = value(rule, &hir, &mut rng, Len::Min);
            if short.len() > 8 {
                wrong.push(short[..short.len() - 1].to_string());
            }
        }
        for w in wrong {
            let t = format!("{} = \"{w}\"", key_name(kw));
            // This rule must not report it, and (the veto) no generic guess either; another
            // provider's self-identifying format may (Clerk's keys are Stripe-shaped).
            let bad: Vec<_> = reported(&scanner, &t, "")
                .into_iter()
                .filter(|(r, _, allow)| {
                    !allow
                        && (*r == rule.id
                            || (rule.veto
                                && scanner
                                    .rules()
                                    .iter()
                                    .any(|x| x.id == *r && x.confidence == "low")))
                })
                .collect();
            if !bad.is_empty() {
                failures.push(format!("{}: wrong length {t:?} reported: {bad:?}", rule.id));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
