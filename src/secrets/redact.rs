//! What may be shown of a secret: a masked value and a fingerprint, never the value.

use sha2::{Digest, Sha256};

/// Shows at most the first four and last four characters of long values, fewer of short ones,
/// and nothing of values too short to hide anything.
pub fn redact(secret: &[u8]) -> String {
    let s = String::from_utf8_lossy(secret);
    // Only the first line of a multi-line secret (PEM) can be shown, and only its ends.
    let first = s.lines().next().unwrap_or("");
    let chars: Vec<char> = first.chars().collect();
    let n = chars.len();
    let keep = match n {
        0..=7 => 0,
        8..=15 => 1,
        16..=31 => 3,
        _ => 4,
    };
    if keep == 0 {
        return "…".to_string();
    }
    let head: String = chars[..keep].iter().collect();
    let tail: String = chars[n - keep..].iter().collect();
    format!("{head}…{tail}")
}

/// A stable, one-way identifier of a secret: the same value gives the same fingerprint in
/// every file and run, so baselines survive edits that move it. Domain-separated so the hash
/// is not a bare sha256 of the value.
pub fn fingerprint(secret: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(b"gate-secret-v1\0");
    h.update(secret);
    hex(&h.finalize()[..16])
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_never_shows_most_of_the_value() {
        assert_eq!(redact(b"AKIAZ3MHQX7EW2LKWXYZ"), "AKI…XYZ");
        assert_eq!(
            redact(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz"),
            "wJal…zzzz"
        );
        assert_eq!(redact(b"short"), "…");
        assert_eq!(
            redact(b"-----BEGIN RSA PRIVATE KEY-----\nMIIE\n"),
            "---…---"
        );
    }

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        assert_eq!(fingerprint(b"a"), fingerprint(b"a"));
        assert_ne!(fingerprint(b"a"), fingerprint(b"b"));
        assert_eq!(fingerprint(b"a").len(), 32);
    }
}
