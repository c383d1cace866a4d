//! Small decoders for the encodings secrets hide in: base64 (standard and URL alphabets,
//! padding optional), hex, JSON/JS string escapes and URL-encoding. Each is strict: `None` on
//! any byte that is not of the encoding, so a decoded buffer is only ever what was written.
//! The `_text` forms give up at the first decoded byte that is not text, so random binary (an
//! image, a hash) costs a few bytes of work; the escape decoders say, per decoded byte, which
//! bytes of the input it came from, so a finding inside can be placed where it was written.

/// Decodes base64 in either alphabet (`+/` or `-_`), with or without `=` padding.
pub fn base64(input: &[u8]) -> Option<Vec<u8>> {
    base64_keeping(input, |_| true)
}

/// Whether `b` may be a byte of decoded text: printable ASCII, tab, line feed, carriage return.
pub fn is_text(b: u8) -> bool {
    matches!(b, 0x20..=0x7e | b'\t' | b'\n' | b'\r')
}

/// [`base64`], of text only: `None` at the first decoded byte that is not [`is_text`].
pub fn base64_text(input: &[u8]) -> Option<Vec<u8>> {
    base64_keeping(input, is_text)
}

fn base64_keeping(input: &[u8], keep: impl Fn(u8) -> bool) -> Option<Vec<u8>> {
    let body = input
        .strip_suffix(b"==")
        .or_else(|| input.strip_suffix(b"="))
        .unwrap_or(input);
    if body.len() % 4 == 1 {
        return None;
    }
    // Allocated at the first byte kept: most runs a scan tries are not text, and say so in
    // their first bytes.
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in body {
        acc = (acc << 6) | u32::from(sextet(b)?);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            let byte = ((acc >> bits) & 0xff) as u8;
            if !keep(byte) {
                return None;
            }
            if out.capacity() == 0 {
                out.reserve_exact(body.len() * 3 / 4);
            }
            out.push(byte);
        }
    }
    Some(out)
}

fn sextet(b: u8) -> Option<u8> {
    Some(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    })
}

/// [`hex`], of text only: `None` at the first decoded byte that is not [`is_text`].
pub fn hex_text(input: &[u8]) -> Option<Vec<u8>> {
    if !input.len().is_multiple_of(2) {
        return None;
    }
    input
        .chunks(2)
        .map(|p| Some(nibble(p[0])? << 4 | nibble(p[1])?).filter(|&b| is_text(b)))
        .collect()
}

fn nibble(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Text decoded from escapes, and for each of its bytes where in the input the escape (or
/// the byte itself) it came from starts. Escapes follow each other, so one ends where the
/// next starts (the last at the input's end).
#[derive(Debug, PartialEq)]
pub struct Unescaped {
    pub text: Vec<u8>,
    pub from: Vec<u32>,
}

impl Unescaped {
    fn with_capacity(n: usize) -> Unescaped {
        Unescaped {
            text: Vec::with_capacity(n),
            from: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, b: u8, start: usize, _end: usize) {
        self.text.push(b);
        // Callers bound the input to `u32::MAX` bytes.
        self.from.push(start as u32);
    }

    /// `bytes`, as written, from `start` on.
    fn extend_plain(&mut self, bytes: &[u8], start: usize) {
        self.text.extend_from_slice(bytes);
        // Callers bound the input to `u32::MAX` bytes.
        self.from
            .extend((start..start + bytes.len()).map(|i| i as u32));
    }

    fn push_char(&mut self, c: char, start: usize, end: usize) {
        let mut utf8 = [0u8; 4];
        for &b in c.encode_utf8(&mut utf8).as_bytes() {
            self.push(b, start, end);
        }
    }
}

/// Decodes the JSON/JS string escapes of `input` (a line): `\uXXXX` (surrogate pairs
/// joined), `\u{X…}`, `\xXX`, `\"`, `\'`, `\/`, `\\`, `` \` ``, `\n`, `\r`, `\t`. Other
/// backslashes stay as written. `None` unless an escape that can hide a secret's bytes or
/// its name is decoded (`\n` alone only breaks lines, which the scanner reads through).
pub fn unescape(input: &[u8]) -> Option<Unescaped> {
    if input.len() > u32::MAX as usize {
        return None;
    }
    // Most lines with a backslash hold only `\n`, `\t`, a regex's `\d`: none hides anything,
    // and the line is not copied. (A `\u` or `\x` here may still turn out not to decode.)
    let may_hide = memchr::memchr_iter(b'\\', input).any(|i| {
        matches!(
            input.get(i + 1),
            Some(b'u' | b'x' | b'"' | b'\'' | b'/' | b'\\' | b'`')
        )
    });
    if !may_hide {
        return None;
    }
    let hex_at = |at: usize, n: usize| -> Option<u32> {
        let digits = input.get(at..at + n)?;
        digits
            .iter()
            .try_fold(0u32, |acc, &d| Some(acc << 4 | u32::from(nibble(d)?)))
    };
    let mut out = Unescaped::with_capacity(input.len());
    let mut hidden = false;
    let mut i = 0;
    while i < input.len() {
        // The bytes up to the next backslash, as they are.
        let next = memchr::memchr(b'\\', &input[i..]).map_or(input.len(), |p| i + p);
        out.extend_plain(&input[i..next], i);
        i = next;
        if i == input.len() {
            break;
        }
        let b = input[i];
        if i + 1 == input.len() {
            out.push(b, i, i + 1);
            i += 1;
            continue;
        }
        let (decoded, len): (Option<char>, usize) = match input[i + 1] {
            b'u' if input.get(i + 2) == Some(&b'{') => {
                let digits = input[i + 3..]
                    .iter()
                    .take(7)
                    .position(|&d| d == b'}')
                    .filter(|&n| n > 0);
                match digits {
                    Some(n) => (hex_at(i + 3, n).and_then(char::from_u32), n + 4),
                    None => (None, 0),
                }
            }
            b'u' => match hex_at(i + 2, 4) {
                Some(hi @ 0xd800..=0xdbff) if input.get(i + 6..i + 8) == Some(&b"\\u"[..]) => {
                    match hex_at(i + 8, 4) {
                        Some(lo @ 0xdc00..=0xdfff) => (
                            char::from_u32(0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)),
                            12,
                        ),
                        _ => (None, 0),
                    }
                }
                Some(cu) => (char::from_u32(cu), 6),
                None => (None, 0),
            },
            b'x' => match hex_at(i + 2, 2) {
                Some(v) => {
                    // A byte (Python, C) or U+0000..U+00FF (JS): the same for ASCII.
                    out.push(v as u8, i, i + 4);
                    hidden = true;
                    i += 4;
                    continue;
                }
                None => (None, 0),
            },
            c @ (b'"' | b'\'' | b'/' | b'\\' | b'`') => (Some(char::from(c)), 2),
            b'n' => {
                out.push(b'\n', i, i + 2);
                i += 2;
                continue;
            }
            b'r' => {
                out.push(b'\r', i, i + 2);
                i += 2;
                continue;
            }
            b't' => {
                out.push(b'\t', i, i + 2);
                i += 2;
                continue;
            }
            _ => (None, 0),
        };
        match decoded {
            Some(c) => {
                out.push_char(c, i, i + len);
                hidden = true;
                i += len;
            }
            None => {
                out.push(b, i, i + 1);
                i += 1;
            }
        }
    }
    hidden.then_some(out)
}

/// Decodes URL-encoding (`%XX`) in `input` (a line); `+` stays as written. `None` when it
/// holds no `%XX`.
pub fn percent(input: &[u8]) -> Option<Unescaped> {
    if input.len() > u32::MAX as usize {
        return None;
    }
    // A `%` before two hex digits, or nothing to decode (a format string's `%s`, `100%`).
    let hex_at = |i: usize| input.get(i).is_some_and(u8::is_ascii_hexdigit);
    if !memchr::memchr_iter(b'%', input).any(|i| hex_at(i + 1) && hex_at(i + 2)) {
        return None;
    }
    let mut out = Unescaped::with_capacity(input.len());
    let mut any = false;
    let mut i = 0;
    while i < input.len() {
        let next = memchr::memchr(b'%', &input[i..]).map_or(input.len(), |p| i + p);
        out.extend_plain(&input[i..next], i);
        i = next;
        if i == input.len() {
            break;
        }
        let pair = (input[i] == b'%')
            .then(|| Some(nibble(*input.get(i + 1)?)? << 4 | nibble(*input.get(i + 2)?)?))
            .flatten();
        match pair {
            Some(v) => {
                out.push(v, i, i + 3);
                any = true;
                i += 3;
            }
            None => {
                out.push(input[i], i, i + 1);
                i += 1;
            }
        }
    }
    any.then_some(out)
}

/// Decodes an even number of hex digits (either case).
pub fn hex(input: &[u8]) -> Option<Vec<u8>> {
    if !input.len().is_multiple_of(2) {
        return None;
    }
    input
        .chunks(2)
        .map(|p| Some(nibble(p[0])? << 4 | nibble(p[1])?))
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
