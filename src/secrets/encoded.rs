//! Secrets written in an encoding: base64 and hex blobs (a Kubernetes Secret's `data:`, a
//! base64-encoded key file), JSON/JS string escapes (`\u0067hp_…`, `\"password\": …`, a
//! notebook's sources), URL-encoding (`%5F`). A secret there is as leaked as one written
//! plainly: anyone decodes it in a second.
//!
//! The encoded runs of a buffer are decoded into one text (the runs one after the other, a
//! line each) and the scanner reads that text with the same rules, then the runs of that text
//! once more (base64 of an escaped JSON string): two levels, each at most the size of the one
//! it came from, so the work stays linear in the input. A finding is placed where its encoded
//! form was written (the bytes that encode it), so it is reported and masked there.
//!
//! Precision first: only text decodes (printable ASCII, whitespace), so a hash, an image or
//! random bytes never reach a rule; images in data URIs are not decoded at all; a rule that
//! needs a keyword must find it in the same decoded run. A value found both as written and
//! decoded at the same place is one finding (the plain one, unless the decoded one is a
//! provider's format and the plain one only a guess: base64 beside `token:` that decodes to
//! a GitHub token is that token).

use std::collections::BTreeMap;

use super::decode;
use super::scanner::{Candidate, Scanner};

/// A candidate found in decoded text: its value and how it was encoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The value, decoded (the candidate's `secret` is the text that encodes it).
    pub value: Vec<u8>,
    /// The encodings, outermost first (`["base64", "escape"]`).
    pub encoding: Vec<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Base64,
    Hex,
    Escape,
    Url,
}

impl Encoding {
    fn name(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::Hex => "hex",
            Encoding::Escape => "escape",
            Encoding::Url => "url",
        }
    }
}

/// Levels of encoding decoded (2: base64 of an escaped JSON string).
const MAX_DEPTH: usize = 2;
/// Shortest base64 run decoded: 15 bytes, shorter than any token worth reporting.
const MIN_BASE64: usize = 20;
/// Shortest hex run decoded: 16 bytes.
const MIN_HEX: usize = 32;
/// Longest base64 or hex run decoded (a key file encoded whole is a few kilobytes).
const MAX_RUN: usize = 1 << 20;

/// Bytes of the base64 alphabets (`+/` and `-_`).
const BASE64_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric() || matches!(b as u8, b'+' | b'/' | b'-' | b'_');
        b += 1;
    }
    t
};

/// Bit `i` of the mask of a block of up to 64 bytes: whether its byte `i` is in a base64
/// alphabet ([`BASE64_BYTE`]).
#[inline]
fn alphabet_mask(block: &[u8]) -> u64 {
    if let Some(full) = block.first_chunk::<64>() {
        (0..4).fold(0u64, |m, q| {
            let mut lanes = [0u8; 16];
            lanes.copy_from_slice(&full[q * 16..q * 16 + 16]);
            m | (u64::from(alphabet_mask16(lanes)) << (q * 16))
        })
    } else {
        // The text's last block, shorter than 64 bytes.
        block.iter().enumerate().take(64).fold(0u64, |m, (i, &b)| {
            m | (u64::from(BASE64_BYTE[usize::from(b)]) << i)
        })
    }
}

/// [`alphabet_mask`] of 16 bytes, all compared at once (SSE2 on x86_64, NEON on aarch64, plain
/// code elsewhere: the `wide` crate): two range tests and four equalities, then the byte mask.
#[inline]
fn alphabet_mask16(lanes: [u8; 16]) -> u16 {
    use wide::u8x16;
    let x = u8x16::new(lanes);
    // x in lo..=hi, unsigned: clamping x into the range leaves it as it was.
    let within = |v: u8x16, lo: u8, hi: u8| v.max(u8x16::splat(lo)).min(u8x16::splat(hi)).cmp_eq(v);
    let letter = within(x | u8x16::splat(0x20), b'a', b'z');
    let sign = x.cmp_eq(u8x16::splat(b'+'))
        | x.cmp_eq(u8x16::splat(b'/'))
        | x.cmp_eq(u8x16::splat(b'-'))
        | x.cmp_eq(u8x16::splat(b'_'));
    let any = within(x, b'0', b'9') | letter | sign;
    // The mask has 16 bits: the truncation keeps all of them.
    any.move_mask() as u16
}

/// Where windows of `MIN_BASE64.min(MIN_HEX)` alphabet bytes start, found 64 bytes at a time:
/// most blocks of source text hold none (its words are shorter), and are passed over with a
/// few instructions each, where reading them byte by byte took a branch per byte.
struct RunStarts<'a> {
    text: &'a [u8],
    /// The block whose window starts `starts` holds (`usize::MAX`: none yet).
    block: usize,
    starts: u64,
    /// Masks of `block` and the block after it.
    masks: (u64, u64),
}

impl<'a> RunStarts<'a> {
    const WINDOW: usize = if MIN_BASE64 < MIN_HEX {
        MIN_BASE64
    } else {
        MIN_HEX
    };

    fn new(text: &'a [u8]) -> RunStarts<'a> {
        RunStarts {
            text,
            block: usize::MAX,
            starts: 0,
            masks: (0, 0),
        }
    }

    fn mask_of(&self, block: usize) -> u64 {
        let from = block.saturating_mul(64);
        if from >= self.text.len() {
            return 0;
        }
        alphabet_mask(&self.text[from..self.text.len().min(from + 64)])
    }

    /// Loads `block`, reusing the mask of the one after the block loaded before.
    fn load(&mut self, block: usize) {
        let first = if self.block != usize::MAX && block == self.block.wrapping_add(1) {
            self.masks.1
        } else {
            self.mask_of(block)
        };
        let second = self.mask_of(block + 1);
        self.block = block;
        self.masks = (first, second);
        // Bit i of `r`: bits i..i+WINDOW of the two blocks' masks are all set.
        let mut r = u128::from(first) | (u128::from(second) << 64);
        let mut have = 1;
        while have < Self::WINDOW {
            let step = have.min(Self::WINDOW - have);
            r &= r >> step;
            have += step;
        }
        // Truncation intended: the windows starting in `block`.
        self.starts = r as u64;
    }

    /// The first position at or after `from` where `WINDOW` alphabet bytes start.
    fn next_from(&mut self, from: usize) -> Option<usize> {
        let last_block = self.text.len().checked_sub(Self::WINDOW)? / 64;
        let mut block = from / 64;
        if block != self.block {
            if block > last_block {
                return None;
            }
            self.load(block);
        }
        let mut starts = self.starts & (u64::MAX << (from % 64));
        loop {
            if starts != 0 {
                let p = block * 64 + starts.trailing_zeros() as usize;
                return (p + Self::WINDOW <= self.text.len()).then_some(p);
            }
            block += 1;
            if block > last_block {
                return None;
            }
            self.load(block);
            starts = self.starts;
        }
    }
}

/// One decoded run of a parent text.
struct Segment {
    /// The decoded bytes' range in the layer's text.
    start: usize,
    end: usize,
    /// Where the encoded run starts in the parent text.
    from: usize,
    /// The encoded run's length.
    len: usize,
    encoding: Encoding,
    /// Escapes and URL-encoding: per decoded byte, where in the run its escape starts.
    units: Vec<u32>,
}

impl Segment {
    /// The parent's bytes that encode the layer's `a..b` (inside this segment, not empty).
    fn parent_range(&self, a: usize, b: usize) -> (usize, usize) {
        let (a, b) = (a - self.start, b - self.start);
        let (s, e) = match self.encoding {
            // Byte i holds bits 8i..8i+8: the characters carrying any of them.
            Encoding::Base64 => (a * 8 / 6, (b * 8).div_ceil(6)),
            Encoding::Hex => (2 * a, 2 * b),
            Encoding::Escape | Encoding::Url => {
                // The last byte's escape ends where the next escape starts.
                let last = self.units[b - 1];
                let next = self.units[b..].iter().find(|&&u| u != last);
                (
                    self.units[a] as usize,
                    next.map_or(self.len, |&u| u as usize),
                )
            }
        };
        (self.from + s, self.from + e)
    }

    /// Whether the layer's `a..b` is written the same in the parent (no escape inside).
    fn unchanged(&self, a: usize, b: usize) -> bool {
        b > a && matches!(self.encoding, Encoding::Escape | Encoding::Url) && {
            let (s, e) = self.parent_range(a, b);
            e - s == b - a
        }
    }
}

/// The decoded runs of a parent text, each followed by a line feed.
#[derive(Default)]
struct Layer {
    text: Vec<u8>,
    segments: Vec<Segment>,
}

impl Layer {
    fn push(
        &mut self,
        bytes: &[u8],
        (from, len): (usize, usize),
        encoding: Encoding,
        units: Vec<u32>,
    ) {
        let start = self.text.len();
        self.text.extend_from_slice(bytes);
        self.segments.push(Segment {
            start,
            end: self.text.len(),
            from,
            len,
            encoding,
            units,
        });
        self.text.push(b'\n');
    }

    fn segment_of(&self, pos: usize) -> Option<&Segment> {
        let i = self.segments.partition_point(|s| s.start <= pos);
        self.segments.get(i.checked_sub(1)?)
    }

    /// Decodes the encoded runs of `parent`, those `fresh` accepts (a range of the parent).
    fn of(parent: &[u8], fresh: impl Fn(usize, usize) -> bool) -> Layer {
        let mut layer = Layer::default();
        let n = parent.len();
        let in_alphabet = |i: usize| BASE64_BYTE[usize::from(parent[i])];
        // The maximal runs of alphabet bytes at least `shortest` long, in order. Invariant:
        // `i` is 0 or follows a byte outside the alphabet, so the first window of `shortest`
        // alphabet bytes from `i` on ([`RunStarts`]) lies in the next such run. `=` is not in
        // the alphabet.
        let shortest = RunStarts::WINDOW;
        let mut runs = RunStarts::new(parent);
        let mut i = 0;
        while let Some(p) = runs.next_from(i) {
            // The maximal run holding the first `shortest` alphabet bytes from `i` on starts
            // at or after `i` (which follows a byte outside the alphabet, or is 0).
            let start = parent[i..p]
                .iter()
                .rposition(|&b| !BASE64_BYTE[usize::from(b)])
                .map_or(i, |k| i + k + 1);
            let j = p + shortest - 1;
            let mut body = j + 1;
            while body < n && in_alphabet(body) {
                body += 1;
            }
            // The next run starts after `parent[body]`, which is outside the alphabet.
            i = body + 1;
            let mut end = body;
            while end < n && end - body < 2 && parent[end] == b'=' {
                end += 1;
            }
            let run = &parent[start..body];
            if run.len() < shortest || run.len() > MAX_RUN || !fresh(start, end) {
                continue;
            }
            let hex = layer.hex_runs(run, start);
            if !hex
                && run.len() >= MIN_BASE64
                && !in_media_uri(parent, start)
                && !token_part(parent, start, end)
            {
                layer.base64_run(&parent[start..end], start);
            }
        }
        // Escapes and URL-encoding, a line at a time, on the lines that hold a `\` or a `%`.
        let mut at = 0;
        while let Some(p) = memchr::memchr2(b'\\', b'%', &parent[at..]) {
            let ls = memchr::memrchr(b'\n', &parent[..at + p]).map_or(0, |q| q + 1);
            let le = memchr::memchr(b'\n', &parent[at + p..]).map_or(n, |q| at + p + q);
            let line = &parent[ls..le];
            if fresh(ls, le) {
                if memchr::memchr(b'\\', line).is_some() {
                    if let Some(u) = decode::unescape(line) {
                        layer.push(&u.text, (ls, line.len()), Encoding::Escape, u.from);
                    }
                }
                if memchr::memchr(b'%', line).is_some() {
                    if let Some(u) = decode::percent(line) {
                        layer.push(&u.text, (ls, line.len()), Encoding::Url, u.from);
                    }
                }
            }
            at = le.max(at + p + 1);
        }
        layer
    }

    /// Decodes the hex runs of a base64-alphabet run at `at`; whether the run is hex whole
    /// (then it is not base64: a hash, an id).
    fn hex_runs(&mut self, run: &[u8], at: usize) -> bool {
        let hex_at = |i: usize| run[i].is_ascii_hexdigit();
        // Most runs are words: their first letter past `f` answers.
        let whole = run.iter().all(u8::is_ascii_hexdigit);
        // The maximal hex runs of at least MIN_HEX digits, found as `Layer::of` finds its
        // runs: `i` is 0 or follows a byte that is not a hex digit.
        let mut i = 0;
        while i + MIN_HEX <= run.len() {
            let j = i + MIN_HEX - 1;
            if let Some(k) = (i..=j).rev().find(|&k| !hex_at(k)) {
                i = k + 1;
                continue;
            }
            let s = i;
            i = j + 1;
            while i < run.len() && hex_at(i) {
                i += 1;
            }
            let hex = &run[s..i];
            // An odd run may be a hex string after a letter (`x6768…`).
            let skip = hex.len() % 2;
            if let Some(text) = decode::hex_text(&hex[skip..]) {
                self.push(
                    &text,
                    (at + s + skip, hex.len() - skip),
                    Encoding::Hex,
                    Vec::new(),
                );
            }
        }
        whole
    }

    /// Decodes a base64 run (padding included) at `at`; a run after a path (`/v1/<base64>`)
    /// is also tried from its last `/`.
    fn base64_run(&mut self, run: &[u8], at: usize) {
        if let Some(text) = decode::base64_text(run) {
            self.push(&text, (at, run.len()), Encoding::Base64, Vec::new());
            return;
        }
        if let Some(slash) = memchr::memrchr(b'/', run) {
            let tail = &run[slash + 1..];
            if tail.len() >= MIN_BASE64 {
                if let Some(text) = decode::base64_text(tail) {
                    self.push(
                        &text,
                        (at + slash + 1, tail.len()),
                        Encoding::Base64,
                        Vec::new(),
                    );
                }
            }
        }
    }
}

/// Whether the run `start..end` is a dot-separated part of a longer token (a JWT's header or
/// claims, `<id>.v2.<payload>.<signature>`): the token is the credential, judged whole by its
/// own rule; what its claims say (`"secret": …`, `"token_type": …`) is not another one.
fn token_part(buf: &[u8], start: usize, end: usize) -> bool {
    let tokenish = |b: Option<&u8>| b.is_some_and(|b| BASE64_BYTE[usize::from(*b)]);
    let before = start >= 2 && buf[start - 1] == b'.' && tokenish(buf.get(start - 2));
    let after = buf.get(end) == Some(&b'.') && tokenish(buf.get(end + 1));
    before || after
}

/// Whether the run at `start` is the payload of a data URI of an image, a font, audio or
/// video (`data:image/png;base64,`): media, never credentials, and large.
fn in_media_uri(buf: &[u8], start: usize) -> bool {
    let head = &buf[start.saturating_sub(80)..start];
    if !head.ends_with(b";base64,") {
        return false;
    }
    let Some(d) = memchr::memmem::rfind(head, b"data:") else {
        return false;
    };
    let media = &head[d + 5..];
    [&b"image/"[..], b"font/", b"audio/", b"video/"]
        .iter()
        .any(|m| media.starts_with(m))
}

/// Adds to `plain` (the candidates of `buf` as written, sorted by position) those of its
/// encoded runs, placed where their encoded form is, and sorts them all by position. Returns
/// whether it added any (whose lines and columns are then still to assign).
pub(super) fn add_decoded(
    scanner: &Scanner,
    buf: &[u8],
    path: Option<&str>,
    plain: &mut Vec<Candidate>,
) -> bool {
    let mut layers: Vec<Layer> = Vec::new();
    let mut found: Vec<Candidate> = Vec::new();
    for _ in 0..MAX_DEPTH {
        let layer = match layers.last() {
            None => Layer::of(buf, |_, _| true),
            // A run an escape left as it was is in the level above already.
            Some(p) => Layer::of(&p.text, |s, e| {
                p.segment_of(s)
                    .is_some_and(|seg| e <= seg.end && !seg.unchanged(s, e))
            }),
        };
        if layer.segments.is_empty() {
            break;
        }
        layers.push(layer);
        let Some(top) = layers.last() else { break };
        let mut keywords = KeywordCheck::default();
        for c in scanner.scan_plain(&top.text, path) {
            if let Some(d) = place(scanner, buf, &layers, &mut keywords, c) {
                found.push(d);
            }
        }
    }
    if found.is_empty() {
        return false;
    }
    merge(scanner, plain, found);
    true
}

/// Lower-cased text of the segment last looked at, for keyword checks.
#[derive(Default)]
struct KeywordCheck {
    segment: usize,
    lower: Vec<u8>,
}

/// A candidate of the top layer, placed in `buf`; `None` when it runs over its segment or
/// its rule's keyword is not in the segment (it came from a neighbouring run).
fn place(
    scanner: &Scanner,
    buf: &[u8],
    layers: &[Layer],
    keywords: &mut KeywordCheck,
    c: Candidate,
) -> Option<Candidate> {
    let top = layers.last()?;
    let i = top
        .segments
        .partition_point(|s| s.start <= c.start)
        .checked_sub(1)?;
    let seg = &top.segments[i];
    if c.end > seg.end || c.start >= c.end {
        return None;
    }
    let rule = &scanner.rules()[c.rule];
    // Unescaping shortens the text, bringing a keyword within a proximity rule's reach of a
    // value it was not near as written: such a value is judged as written.
    if rule.near > 0 && seg.unchanged(c.start, c.end) {
        return None;
    }
    if rule.confidence != "high" && placeholder_inside(&c.secret) {
        return None;
    }
    // Windows of proximity and multi-line rules reach past a line, so past a segment.
    if (rule.near > 0 || rule.multiline > 0) && !rule.keywords.is_empty() {
        if keywords.lower.is_empty() || keywords.segment != i {
            keywords.segment = i;
            keywords.lower = top.text[seg.start..seg.end].to_ascii_lowercase();
        }
        let lower = &keywords.lower;
        if !rule
            .keywords
            .iter()
            .any(|k| memchr::memmem::find(lower, k.as_bytes()).is_some())
        {
            return None;
        }
    }
    let mut encoding = vec![seg.encoding.name()];
    let (mut s, mut e) = seg.parent_range(c.start, c.end);
    for layer in layers[..layers.len() - 1].iter().rev() {
        let seg = layer.segment_of(s)?;
        if e > seg.end || s >= e {
            return None;
        }
        encoding.push(seg.encoding.name());
        (s, e) = seg.parent_range(s, e);
    }
    encoding.reverse();
    Some(Candidate {
        start: s,
        end: e,
        secret: buf.get(s..e)?.to_vec(),
        decoded: Some(Decoded {
            value: c.secret,
            encoding,
        }),
        ..c
    })
}

/// A value that is itself base64 of placeholder text (a Docker `auth` of
/// `my_username:my_password`): a guess or a contextual match there is a template's filler.
fn placeholder_inside(value: &[u8]) -> bool {
    let Some(text) = decode::base64_text(value).filter(|t| t.len() >= 4) else {
        return false;
    };
    let lower = text.to_ascii_lowercase();
    [
        &b"username"[..],
        b"password",
        b"passwd",
        b"example",
        b"changeme",
        b"placeholder",
        b"xxxx",
        b"your_",
        b"dummy",
    ]
    .iter()
    .any(|w| memchr::memmem::find(&lower, w).is_some())
}

/// Merges decoded candidates into the plain ones (sorted by start, disjoint): a decoded one
/// over plain ones is dropped, unless it is of a provider's format and they are guesses; of
/// decoded ones over the same bytes the first (the shallower, then the earlier) is kept.
fn merge(scanner: &Scanner, plain: &mut Vec<Candidate>, found: Vec<Candidate>) {
    let high = |c: &Candidate| scanner.rules()[c.rule].confidence == "high";
    let mut dropped = vec![false; plain.len()];
    // start -> end of the decoded candidates kept, which are disjoint.
    let mut kept: BTreeMap<usize, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for d in found {
        let first = plain.partition_point(|p| p.end <= d.start);
        let over: Vec<usize> = (first..plain.len())
            .take_while(|&j| plain[j].start < d.end)
            .collect();
        // Over plain candidates, a decoded one stays only as a provider's format over guesses.
        let upgrade = high(&d) && over.iter().all(|&j| !high(&plain[j]));
        if !over.is_empty() && !upgrade {
            continue;
        }
        if kept
            .range(..d.end)
            .next_back()
            .is_some_and(|(_, &e)| e > d.start)
        {
            continue;
        }
        for j in over {
            dropped[j] = true;
        }
        kept.insert(d.start, d.end);
        out.push(d);
    }
    let mut k = dropped.into_iter();
    plain.retain(|_| !k.next().unwrap_or(false));
    plain.extend(out);
    plain.sort_by_key(|c| (c.start, c.end, c.rule));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vector byte classes agree with the alphabet table for every byte, in every lane
    /// and in a short last block.
    #[test]
    fn alphabet_masks_agree_with_the_table() {
        let bytes: Vec<u8> = (0..=255u8).collect();
        for rotation in [0, 7, 16, 33] {
            let mut block = bytes.clone();
            block.rotate_left(rotation);
            for chunk in block.chunks(64) {
                let want = chunk.iter().enumerate().fold(0u64, |m, (i, &b)| {
                    m | (u64::from(BASE64_BYTE[usize::from(b)]) << i)
                });
                assert_eq!(alphabet_mask(chunk), want, "{chunk:?}");
                assert_eq!(
                    alphabet_mask(&chunk[..chunk.len() - 5]),
                    want & (u64::MAX >> 5)
                );
            }
        }
    }

    /// `RunStarts` finds, from every position, the first window of alphabet bytes a byte-by-
    /// byte search finds, across block boundaries.
    #[test]
    fn run_starts_match_a_byte_by_byte_search() {
        let w = RunStarts::WINDOW;
        let naive = |text: &[u8], from: usize| {
            (from..=text.len().saturating_sub(w)).find(|&p| {
                p + w <= text.len() && text[p..p + w].iter().all(|&b| BASE64_BYTE[usize::from(b)])
            })
        };
        let mut text = Vec::new();
        // Runs of every length from 1 to 80 between separators, so windows start and end on
        // both sides of every block boundary.
        for len in 1..=80usize {
            text.extend(std::iter::repeat_n(b'a' + (len % 26) as u8, len));
            text.push(if len % 3 == 0 { b' ' } else { b'.' });
        }
        let mut runs = RunStarts::new(&text);
        for from in 0..text.len() + 2 {
            assert_eq!(runs.next_from(from), naive(&text, from), "from {from}");
        }
        // A fresh finder per query gives the same (no state carried over wrongly).
        for from in (0..text.len()).step_by(37) {
            assert_eq!(RunStarts::new(&text).next_from(from), naive(&text, from));
        }
    }

    fn layer(text: &[u8]) -> Vec<(Encoding, Vec<u8>)> {
        let l = Layer::of(text, |_, _| true);
        l.segments
            .iter()
            .map(|s| (s.encoding, l.text[s.start..s.end].to_vec()))
            .collect()
    }

    #[test]
    fn runs_of_each_encoding_decode_to_their_text() {
        // base64 of `user=deploy;pass=x`, its hex, its escapes, its URL-encoding.
        assert_eq!(
            layer(b"v: dXNlcj1kZXBsb3k7cGFzcz14\n"),
            [(Encoding::Base64, b"user=deploy;pass=x".to_vec())]
        );
        assert_eq!(
            layer(b"0x757365723d6465706c6f793b706173733d78\n"),
            [(Encoding::Hex, b"user=deploy;pass=x".to_vec())]
        );
        assert_eq!(
            layer(b"s = \"\\u0075ser=\\x64eploy\\/x\"\n"),
            [(Encoding::Escape, b"s = \"user=deploy/x\"".to_vec())]
        );
        assert_eq!(
            layer(b"u=deploy%3Bpass%3Dx\n"),
            [(Encoding::Url, b"u=deploy;pass=x".to_vec())]
        );
    }

    #[test]
    fn binary_hashes_and_media_are_not_decoded() {
        // A sha256 in hex and base64, random bytes in base64, a PNG data URI.
        assert!(
            layer(b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855").is_empty()
        );
        assert!(layer(b"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=").is_empty());
        assert!(layer(b"x = \"q1w2ZmFrZbyx/4vR0ZW+xY3sZ0p9Kq==\"").is_empty());
        assert!(layer(b"<img src=\"data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=\">").is_empty());
        // A line whose only escape is `\n` has nothing hidden.
        assert!(layer(b"print(\"done\\n\")").is_empty());
    }

    #[test]
    fn a_decoded_range_maps_to_the_bytes_that_encode_it() {
        let l = Layer::of(b"k: \"\\u0067hp_x\" ", |_, _| true);
        let seg = &l.segments[0];
        // `ghp_x` starts at the escape.
        let g = memchr::memmem::find(&l.text, b"ghp_x").expect("decoded");
        assert_eq!(seg.parent_range(g, g + 5), (4, 14));
        assert!(!seg.unchanged(g, g + 5));
        assert!(seg.unchanged(g + 1, g + 5));
        let l = Layer::of(b"= dXNlcj1kZXBsb3k7cGFzcz14", |_, _| true);
        let seg = &l.segments[0];
        // `deploy` is bytes 5..11: characters 6..15 of the run, which starts at 2.
        assert_eq!(seg.parent_range(5, 11), (2 + 6, 2 + 15));
    }

    /// The catalog's scanner, and the tests' values (made up for them).
    mod catalog {
        use super::super::super::{builtin_rules, checksum, Scanner};

        pub fn scanner() -> Scanner {
            Scanner::new(builtin_rules().expect("catalog parses")).expect("catalog builds")
        }

        /// A GitHub token with its checksum (30 random base62 characters, then their CRC-32).
        pub fn github_token() -> String {
            let random = "R8x2LqT7vN4mZ1kP9sW3dY6hJ0cF5b";
            format!(
                "ghp_{random}{}",
                checksum::base62(u64::from(checksum::crc32(random.as_bytes())), 6)
            )
        }

        pub fn b64(data: &[u8]) -> String {
            const A: &[u8; 64] =
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut out = String::new();
            for chunk in data.chunks(3) {
                let n = chunk
                    .iter()
                    .enumerate()
                    .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
                for i in 0..4 {
                    if i <= chunk.len() {
                        out.push(char::from(A[(n >> (18 - 6 * i) & 63) as usize]));
                    } else {
                        out.push('=');
                    }
                }
            }
            out
        }

        pub fn hex(data: &[u8]) -> String {
            data.iter().map(|b| format!("{b:02x}")).collect()
        }

        /// Deterministic bytes that look random (xorshift).
        pub fn noise(n: usize, mut x: u64) -> Vec<u8> {
            (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x >> 24) as u8
                })
                .collect()
        }
    }

    use catalog::*;

    /// A leak: rule, encoding, 1-based line and column, the text as written, the value.
    type Leak = (String, Vec<&'static str>, usize, usize, String, String);

    /// The leaks of `text` (not examples, not public).
    fn leaks(text: &str) -> Vec<Leak> {
        let s = scanner();
        s.scan(text.as_bytes())
            .into_iter()
            .filter(|c| !c.allowlisted && !c.public)
            .map(|c| {
                (
                    c.rule_id(&s).to_string(),
                    c.decoded
                        .as_ref()
                        .map(|d| d.encoding.clone())
                        .unwrap_or_default(),
                    c.line + 1,
                    c.column,
                    String::from_utf8_lossy(&c.secret).into_owned(),
                    String::from_utf8_lossy(c.value()).into_owned(),
                )
            })
            .collect()
    }

    /// The one leak of `text`: its rule, encoding, line and column; its value must be `value`.
    fn one_leak(text: &str, value: &str) -> (String, Vec<&'static str>, usize, usize) {
        let found = leaks(text);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        let (rule, enc, line, col, _, v) = found.into_iter().next().expect("one");
        assert_eq!(v, value, "{text}");
        (rule, enc, line, col)
    }

    #[test]
    fn a_kubernetes_secrets_base64_data_is_decoded() {
        let tok = github_token();
        let yaml = format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci\ntype: Opaque\ndata:\n  GITHUB_TOKEN: {}\n",
            b64(tok.as_bytes())
        );
        assert_eq!(
            one_leak(&yaml, &tok),
            ("github-pat-classic".into(), vec!["base64"], 7, 17)
        );
        // The text as written is the base64 (its padding aside), which is what is masked.
        let found = leaks(&yaml);
        assert_eq!(found[0].4, b64(tok.as_bytes()).trim_end_matches('='));
    }

    #[test]
    fn a_base64_encoded_pem_key_is_a_private_key() {
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA2a2rwplBQLF29amygykEMmYz0+Kcj3bKBp29P2rFj7yRvWx1\nq3Xo5N8TbHq5lW1bVy9p2mEiT6XGhyxKcQO7zFm8pNvS0J3sH6w4YdE5uRtLkA2C\n-----END RSA PRIVATE KEY-----\n";
        let yaml = format!("data:\n  tls.key: {}\n", b64(pem.as_bytes()));
        let found = leaks(&yaml);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].0.as_str(), &found[0].1, found[0].2, found[0].3),
            ("private-key", &vec!["base64"], 2, 12)
        );
    }

    #[test]
    fn a_hex_encoded_token_is_decoded() {
        let tok = github_token();
        assert_eq!(
            one_leak(&format!("seed = \"{}\"\n", hex(tok.as_bytes())), &tok),
            ("github-pat-classic".into(), vec!["hex"], 1, 9)
        );
        assert_eq!(
            one_leak(&format!("x = 0x{}\n", hex(tok.as_bytes())), &tok).1,
            vec!["hex"]
        );
    }

    #[test]
    fn string_escapes_are_decoded() {
        let tok = github_token();
        let rest = &tok[1..];
        for text in [
            format!("const t = \"\\u0067{rest}\";"),
            format!("const t = \"\\u{{67}}{rest}\";"),
            format!("const t = '\\x67{rest}';"),
        ] {
            assert_eq!(
                one_leak(&text, &tok),
                ("github-pat-classic".into(), vec!["escape"], 1, 12),
                "{text}"
            );
        }
        // JSON inside a JSON string: the generic rule reads `"password": "…"` once the
        // quotes are unescaped.
        let json = r#"{"config": "{\"password\": \"Zq8TnW3kLp2Vx9RbM4cF7hJd\"}"}"#;
        let (rule, enc, _, col) = one_leak(json, "Zq8TnW3kLp2Vx9RbM4cF7hJd");
        assert_eq!(
            (rule.as_str(), enc, col),
            ("generic-credential-assignment", vec!["escape"], 30)
        );
    }

    #[test]
    fn a_notebooks_escaped_source_is_read() {
        let nb = r#"{
 "cells": [
  {
   "cell_type": "code",
   "source": [
    "import client\n",
    "api_key = \"Zq8TnW3kLp2Vx9RbM4cF7hJd\"\n",
    "client.login(api_key)\n"
   ]
  }
 ]
}"#;
        let (rule, enc, line, _) = one_leak(nb, "Zq8TnW3kLp2Vx9RbM4cF7hJd");
        assert_eq!(
            (rule.as_str(), enc, line),
            ("generic-credential-assignment", vec!["escape"], 7)
        );
    }

    #[test]
    fn url_encoding_is_decoded() {
        let tok = github_token();
        let text = format!("https://api.internal/hook?token=ghp%5F{}\n", &tok[4..]);
        assert_eq!(
            one_leak(&text, &tok),
            ("github-pat-classic".into(), vec!["url"], 1, 33)
        );
    }

    #[test]
    fn two_levels_are_decoded_in_either_order() {
        let tok = github_token();
        // base64 of an escaped JSON string.
        let inner = format!("{{\"token\": \"\\u0067{}\"}}", &tok[1..]);
        let text = format!("blob: {}\n", b64(inner.as_bytes()));
        assert_eq!(one_leak(&text, &tok).1, vec!["base64", "escape"]);
        // base64 whose first character is escaped.
        let enc = b64(tok.as_bytes());
        let text = format!(
            "{{\"blob\": \"\\u{:04x}{}\"}}\n",
            enc.as_bytes()[0],
            &enc[1..]
        );
        assert_eq!(one_leak(&text, &tok).1, vec!["escape", "base64"]);
    }

    #[test]
    fn a_value_found_as_written_and_decoded_is_one_finding() {
        let tok = github_token();
        // The token as written inside an escaped line.
        assert_eq!(
            one_leak(&format!("{{\"t\": \"{tok}\", \"u\": \"a\\/b\"}}"), &tok).1,
            Vec::<&str>::new()
        );
        // base64 beside `token:` is a generic guess as written and a GitHub token decoded:
        // the token is reported, once.
        let text = format!("github_token: \"{}\"\n", b64(tok.as_bytes()));
        assert_eq!(one_leak(&text, &tok).0, "github-pat-classic");
        // Each place a value is written is reported; the fingerprints (of the value) agree.
        let text = format!("a = \"{tok}\"\nb = \"{}\"\n", b64(tok.as_bytes()));
        let found = leaks(&text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].5, found[1].5);
    }

    /// Docker's `auth` is base64 of `user:password`, here in a JSON string escaped in TOML.
    #[test]
    fn escaped_docker_auth_is_read_and_its_placeholders_are_not() {
        let config = |auth: &str| {
            format!(
                "environment = [\"DOCKER_AUTH_CONFIG={{\\\"auths\\\":{{\\\"reg.internal:5000\\\":{{\\\"auth\\\":\\\"{}\\\"}}}}}}\"]\n",
                b64(auth.as_bytes())
            )
        };
        let live = config("deploy:Qz7kLm3Xv9Tp2Rw8");
        assert_eq!(
            one_leak(&live, &b64(b"deploy:Qz7kLm3Xv9Tp2Rw8")).1,
            vec!["escape"]
        );
        assert!(leaks(&config("my_username:my_password")).is_empty());
    }

    /// A JWT-like token's claims are not decoded: the token is judged whole by its own rule.
    #[test]
    fn the_claims_of_a_dotted_token_are_not_decoded() {
        let claims = b64(br#"{"user":"usr1","secret":"f62a9d4c0b7e13a58c6d2f90e4b71a3c"}"#);
        let text = format!(
            "key = oaa1.v2.{}.27a8c3d66f\n",
            claims.trim_end_matches('=')
        );
        assert!(
            leaks(&text).iter().all(|f| f.1.is_empty()),
            "{:?}",
            leaks(&text)
        );
    }

    #[test]
    fn random_bytes_images_and_hashes_are_silent() {
        let png: Vec<u8> = [&b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"[..], &noise(600, 7)].concat();
        let cases = [
            format!("secret: {}\n", b64(&noise(48, 1))),
            format!("token = \"{}\"\n", hex(&noise(32, 2))),
            format!("<img src=\"data:image/png;base64,{}\">\n", b64(&png)),
            format!("{{\"image/png\": \"{}\"}}\n", b64(&png)),
            "integrity sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==\n".to_string(),
            "commit 3f786850e387550fdab836ed7e6dc881de23001b\n".to_string(),
            format!("cert: {}\n", b64(&noise(900, 3))),
        ];
        for text in &cases {
            let found = leaks(text);
            assert!(
                found.iter().all(|f| f.1.is_empty()),
                "decoded in {text}: {found:?}"
            );
        }
    }

    #[test]
    fn decoding_stays_linear() {
        // 20,000 lines of base64 and escapes: each run decoded once, every level at most the
        // size of the one above (a count of bytes, not a timing).
        let mut text = String::new();
        for i in 0..20_000u64 {
            text.push_str(&format!(
                "k{i}: {} \"\\u0041{}\"\n",
                b64(&noise(30, i + 1)),
                b64(format!("line {i}").as_bytes())
            ));
        }
        let l1 = Layer::of(text.as_bytes(), |_, _| true);
        assert!(l1.text.len() <= text.len());
        let l2 = Layer::of(&l1.text, |_, _| true);
        assert!(l2.text.len() <= l1.text.len());
    }
}
