//! Checksums some providers embed in their tokens, so a scanner can tell an issued token from
//! a string of the right shape without asking the provider.
//!
//! `crc32-base62` (GitHub's `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` tokens, npm's `npm_` tokens): after
//! the `xxx_` prefix come 30 random base62 characters, then the CRC-32 (IEEE) of those 30
//! characters in base62 (`0-9A-Za-z`), left-padded with `0` to 6 characters.

/// The checksum names the provider table accepts.
pub const KNOWN: &[&str] = &["crc32-base62"];

/// Whether `value` carries a valid checksum of kind `kind` (unknown kinds: `None`).
pub fn verify(kind: &str, value: &[u8]) -> Option<bool> {
    match kind {
        "crc32-base62" => Some(crc32_base62(value)),
        _ => None,
    }
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn crc32_base62(value: &[u8]) -> bool {
    let Some(us) = value.iter().position(|&b| b == b'_') else {
        return false;
    };
    let body = &value[us + 1..];
    if body.len() != 36 {
        return false;
    }
    let (random, check) = body.split_at(30);
    let mut n: u64 = 0;
    for &c in check {
        let Some(d) = BASE62.iter().position(|&x| x == c) else {
            return false;
        };
        n = n * 62 + d as u64;
    }
    n == u64::from(crc32(random))
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320).
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// Encodes `n` in base62, left-padded to `width` (tests and sample generation).
pub fn base62(mut n: u64, width: usize) -> String {
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_known_value() {
        // The standard check value of CRC-32/ISO-HDLC.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn github_style_tokens() {
        let random = "Zq8mW3nR5tY7uI9oP1aS2dF4gH6jK0";
        let good = format!(
            "ghp_{random}{}",
            base62(u64::from(crc32(random.as_bytes())), 6)
        );
        assert_eq!(verify("crc32-base62", good.as_bytes()), Some(true));
        let mut bad = good.clone().into_bytes();
        bad[10] = if bad[10] == b'a' { b'b' } else { b'a' };
        assert_eq!(verify("crc32-base62", &bad), Some(false));
        assert_eq!(verify("crc32-base62", b"ghp_short"), Some(false));
        assert_eq!(verify("nope", b"x"), None);
    }
}
