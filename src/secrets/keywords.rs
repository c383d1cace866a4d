//! The keyword pass: every occurrence of every rule keyword, ASCII case-insensitively.
//!
//! An Aho-Corasick automaton compiled to a full DFA over byte classes (case-folded, bytes that
//! occur in no keyword share one class). A DFA walk is a chain of dependent table loads, so one
//! walk is bound by load latency, not by the core's throughput: the scan runs four walks over
//! four parts of the buffer in one loop, which the core overlaps. Measured on 192 MB of crate
//! sources with the catalog's 280 keywords: about 1.2 GB/s per core, where the `aho-corasick`
//! crate's DFA (one walk, leftmost-longest) gives about 0.43 GB/s.
//!
//! Matches are reported overlapping (every keyword ending at every position), so a keyword
//! inside a longer one (`token` in `token:`) is never hidden.
//!
//! The table's length is a power of two, 2M: the states that end no keyword have ids below M,
//! those that end one ids from M (the table has a gap between them). So one bit tells a match
//! state, and one OR of the four lanes' states tells whether any lane is in one; and an index
//! masked with the table's length needs no bounds check (the catalog's table, a few hundred
//! thousand entries, has a fixed-size type; a larger user catalog takes a slice, checked).
//! Both cut the loop from ~9.5 to ~6 instructions a byte (callgrind, crate sources).

use std::collections::VecDeque;

/// Parallel walks per buffer.
const LANES: usize = 4;

pub struct Keywords {
    /// Byte -> class; class 0 is every byte that occurs in no keyword.
    class: [u8; 256],
    stride: usize,
    /// Transitions, indexed by premultiplied state id plus class, giving premultiplied ids.
    /// Its length is a power of two, twice the id of the first match state (module comment).
    table: Vec<u32>,
    /// For each match state (index `(id - table.len() / 2) / stride`), the keywords it ends.
    outputs: Vec<Vec<u32>>,
    /// Keyword lengths, by keyword index.
    lens: Vec<usize>,
    max_len: usize,
}

impl Keywords {
    /// Builds the automaton. Keywords must be non-empty (the catalog checks).
    pub fn new<S: AsRef<[u8]>>(keywords: &[S]) -> anyhow::Result<Keywords> {
        let lower: Vec<Vec<u8>> = keywords
            .iter()
            .map(|k| k.as_ref().to_ascii_lowercase())
            .collect();
        let mut class = [0u8; 256];
        let mut classes = 1usize;
        for &b in lower.iter().flatten() {
            if class[usize::from(b)] == 0 {
                // At most 256 distinct bytes, and letters share a class with their upper case,
                // so the count stays within u8 range.
                let c = u8::try_from(classes).unwrap_or(u8::MAX);
                class[usize::from(b)] = c;
                class[usize::from(b.to_ascii_uppercase())] = c;
                classes += 1;
            }
        }
        let stride = classes;
        const NONE: usize = usize::MAX;
        // The trie.
        let mut next: Vec<Vec<usize>> = vec![vec![NONE; stride]];
        let mut out: Vec<Vec<u32>> = vec![Vec::new()];
        for (i, k) in lower.iter().enumerate() {
            let mut s = 0;
            for &b in k {
                let c = usize::from(class[usize::from(b)]);
                if next[s][c] == NONE {
                    next.push(vec![NONE; stride]);
                    out.push(Vec::new());
                    next[s][c] = next.len() - 1;
                }
                s = next[s][c];
            }
            out[s].push(u32::try_from(i).unwrap_or(u32::MAX));
        }
        // Failure links, breadth first, turned into full DFA transitions as we go.
        let n = next.len();
        let mut fail = vec![0usize; n];
        let mut queue = VecDeque::new();
        for t in next[0].iter_mut() {
            match *t {
                NONE => *t = 0,
                child => queue.push_back(child),
            }
        }
        while let Some(s) = queue.pop_front() {
            let f = fail[s];
            let inherited = out[f].clone();
            out[s].extend(inherited);
            // The failure state is shallower, so its row is already complete.
            let fallback = next[f].clone();
            for (c, t) in next[s].iter_mut().enumerate() {
                if *t == NONE {
                    *t = fallback[c];
                } else {
                    fail[*t] = fallback[c];
                    queue.push_back(*t);
                }
            }
        }
        // Renumber so that match states come last: one comparison per byte tells a match.
        let mut order: Vec<usize> = (0..n).filter(|&s| out[s].is_empty()).collect();
        let first_match = order.len();
        order.extend((0..n).filter(|&s| !out[s].is_empty()));
        let mut id = vec![0usize; n];
        for (new, &old) in order.iter().enumerate() {
            id[old] = new;
        }
        // Non-match rows from 0, match rows from `half`: one bit tells a match state.
        let region = (first_match * stride).max((n - first_match) * stride);
        let half = region.next_power_of_two().max(MIN_TABLE / 2);
        let layout = Layout {
            stride,
            first_match,
            half,
        };
        let mut table = vec![0u32; 2 * half];
        let mut outputs = vec![Vec::new(); n - first_match];
        for &old in &order {
            let row = layout.id(id[old])?;
            for c in 0..stride {
                table[row as usize + c] = layout.id(id[next[old][c]])?;
            }
            if id[old] >= first_match {
                let mut o = std::mem::take(&mut out[old]);
                o.sort_unstable();
                o.dedup();
                outputs[id[old] - first_match] = o;
            }
        }
        Ok(Keywords {
            class,
            stride,
            table,
            outputs,
            lens: lower.iter().map(Vec::len).collect(),
            max_len: lower.iter().map(Vec::len).max().unwrap_or(0),
        })
    }

    /// Every occurrence in `hay`, as `(start, end, keyword)`, sorted by end then keyword.
    pub fn find_all(&self, hay: &[u8]) -> Vec<(usize, usize, usize)> {
        // The sizes a catalog's table takes (the built-in one: 2^19 entries); past them, a
        // slice with checked indexing.
        let t = &self.table[..];
        if let Ok(t) = <&[u32; 1 << 16]>::try_from(t) {
            return self.find_in(t, hay);
        }
        if let Ok(t) = <&[u32; 1 << 17]>::try_from(t) {
            return self.find_in(t, hay);
        }
        if let Ok(t) = <&[u32; 1 << 18]>::try_from(t) {
            return self.find_in(t, hay);
        }
        if let Ok(t) = <&[u32; 1 << 19]>::try_from(t) {
            return self.find_in(t, hay);
        }
        if let Ok(t) = <&[u32; 1 << 20]>::try_from(t) {
            return self.find_in(t, hay);
        }
        self.find_in(t, hay)
    }

    fn find_in<T: Table + ?Sized>(&self, t: &T, hay: &[u8]) -> Vec<(usize, usize, usize)> {
        let mut hits = Vec::new();
        if self.lens.is_empty() {
            return hits;
        }
        let n = hay.len();
        let matching = t.match_bit();
        // Each lane starts `max_len` bytes before its part (the state after max_len bytes no
        // longer depends on where the walk began) and reports only matches ending in its part.
        if n < LANES * (self.max_len + 64) {
            self.walk(t, hay, 0, (0, 0, n), &mut hits);
        } else {
            let part = n / LANES;
            let mut state = [0u32; LANES];
            for (lane, st) in state.iter_mut().enumerate().skip(1) {
                let start = lane * part;
                *st = self.walk(t, hay, 0, (start - self.max_len, start, start), &mut hits);
            }
            let [mut s0, mut s1, mut s2, mut s3] = state;
            let (h0, rest) = hay.split_at(part);
            let (h1, rest) = rest.split_at(part);
            let (h2, rest) = rest.split_at(part);
            let h3 = &rest[..part];
            for (i, (((&b0, &b1), &b2), &b3)) in h0.iter().zip(h1).zip(h2).zip(h3).enumerate() {
                s0 = self.step(t, s0, b0);
                s1 = self.step(t, s1, b1);
                s2 = self.step(t, s2, b2);
                s3 = self.step(t, s3, b3);
                if (s0 | s1 | s2 | s3) & matching != 0 {
                    self.emit_lanes(&mut hits, matching, part, i, [s0, s1, s2, s3]);
                }
            }
            // The last part takes the remainder of the division.
            let end = LANES * part;
            self.walk(t, hay, s3, (end, end, n), &mut hits);
            hits.sort_unstable_by_key(|&(_, end, k)| (end, k));
        }
        hits
    }

    /// Records the keywords ended by match state `state` at `end`.
    #[inline(never)]
    fn emit(&self, hits: &mut Vec<(usize, usize, usize)>, matching: u32, end: usize, state: u32) {
        let idx = ((state - matching) as usize) / self.stride;
        for &k in &self.outputs[idx] {
            let k = k as usize;
            hits.push((end - self.lens[k], end, k));
        }
    }

    /// `emit` for the lanes of the interleaved walk that are in a match state.
    #[inline(never)]
    fn emit_lanes(
        &self,
        hits: &mut Vec<(usize, usize, usize)>,
        matching: u32,
        part: usize,
        i: usize,
        states: [u32; LANES],
    ) {
        for (lane, s) in states.into_iter().enumerate() {
            if s & matching != 0 {
                self.emit(hits, matching, lane * part + i + 1, s);
            }
        }
    }

    #[inline(always)]
    fn step<T: Table + ?Sized>(&self, t: &T, state: u32, byte: u8) -> u32 {
        t.at(state as usize + usize::from(self.class[usize::from(byte)]))
    }

    /// Walks `hay[from..to]` from `state`, reporting matches that end after `quiet`, and
    /// returns the state it ends in.
    fn walk<T: Table + ?Sized>(
        &self,
        t: &T,
        hay: &[u8],
        mut state: u32,
        (from, quiet, to): (usize, usize, usize),
        hits: &mut Vec<(usize, usize, usize)>,
    ) -> u32 {
        let matching = t.match_bit();
        for (i, &b) in hay[from..to].iter().enumerate() {
            state = self.step(t, state, b);
            if state & matching != 0 && from + i + 1 > quiet {
                self.emit(hits, matching, from + i + 1, state);
            }
        }
        state
    }
}

/// Smallest table (entries): the fixed-size types of [`Keywords::find_all`] start there.
const MIN_TABLE: usize = 1 << 16;

/// Where the rows of the automaton's states go in the table.
struct Layout {
    stride: usize,
    first_match: usize,
    /// Half the table's length: the first match state's row.
    half: usize,
}

impl Layout {
    /// The premultiplied id (row offset) of state `state` (numbered match states last).
    fn id(&self, state: usize) -> anyhow::Result<u32> {
        let row = if state < self.first_match {
            state * self.stride
        } else {
            self.half + (state - self.first_match) * self.stride
        };
        // The catalog's automaton has ~6,000 states of ~50 classes; a user catalog would need
        // tens of millions of keyword bytes to overflow.
        u32::try_from(row)
            .ok()
            .filter(|_| u32::try_from(2 * self.half).is_ok())
            .ok_or_else(|| anyhow::anyhow!("secret rule keywords: too many to build one automaton"))
    }
}

/// The transition table, indexed with the index masked to its length (a power of two): for
/// a fixed-size array the compiler then drops the bounds check.
trait Table {
    fn at(&self, i: usize) -> u32;
    /// The bit set in the ids of match states (half the length).
    fn match_bit(&self) -> u32;
}

impl<const N: usize> Table for [u32; N] {
    #[inline(always)]
    fn at(&self, i: usize) -> u32 {
        self[i & (N - 1)]
    }

    fn match_bit(&self) -> u32 {
        // N is at most 2^20 here.
        (N / 2) as u32
    }
}

impl Table for [u32] {
    #[inline(always)]
    fn at(&self, i: usize) -> u32 {
        self[i & (self.len() - 1)]
    }

    fn match_bit(&self) -> u32 {
        // The layout checked that the length fits in u32.
        (self.len() / 2) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive(keywords: &[&str], hay: &[u8]) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        for end in 1..=hay.len() {
            for (k, kw) in keywords.iter().enumerate() {
                let kw = kw.as_bytes();
                if kw.len() <= end && hay[end - kw.len()..end].eq_ignore_ascii_case(kw) {
                    out.push((end - kw.len(), end, k));
                }
            }
        }
        out
    }

    #[test]
    fn overlapping_and_case_insensitive() {
        let kws = ["token", "token:", "ok", "akia"];
        let hay = b"xTOKEN: AKIA tokens";
        assert_eq!(
            Keywords::new(&kws).expect("builds").find_all(hay),
            naive(&kws, hay)
        );
        assert_eq!(Keywords::new(&kws).expect("builds").find_all(hay).len(), 6);
    }

    #[test]
    fn long_buffers_use_every_lane() {
        let kws = ["ghp_", "password", "://", "pat"];
        let mut hay = Vec::new();
        for i in 0..5000 {
            hay.extend_from_slice(format!("line {i} path=://x PassWord ghp_{i}\n").as_bytes());
        }
        assert_eq!(
            Keywords::new(&kws).expect("builds").find_all(&hay),
            naive(&kws, &hay)
        );
    }

    #[test]
    fn a_catalog_past_the_fixed_sizes_is_read_through_a_slice() {
        // 4,000 keywords of 8 letters and digits: over 2^20 table entries.
        let mut x = 0x2545_f491_u64;
        let mut kws = Vec::new();
        for _ in 0..4000 {
            let mut k = String::new();
            for _ in 0..8 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                k.push(char::from(
                    b"abcdefghijklmnopqrstuvwxyz0123456789"[(x % 36) as usize],
                ));
            }
            kws.push(k);
        }
        let automaton = Keywords::new(&kws).expect("builds");
        assert!(automaton.table.len() > 1 << 20);
        let mut hay = Vec::new();
        for (i, k) in kws.iter().enumerate().step_by(97) {
            hay.extend_from_slice(format!("{i} = {}{k} ", &k[3..]).to_uppercase().as_bytes());
        }
        let refs: Vec<&str> = kws.iter().map(String::as_str).collect();
        let found = automaton.find_all(&hay);
        assert!(found.len() >= 40);
        assert_eq!(found, naive(&refs, &hay));
    }

    proptest! {
        #[test]
        fn same_as_naive(
            kws in proptest::collection::vec("[abAB_:]{1,6}", 1..8),
            hay in proptest::collection::vec(proptest::sample::select(b"abAB_:x\n".to_vec()), 0..3000),
        ) {
            let refs: Vec<&str> = kws.iter().map(String::as_str).collect();
            prop_assert_eq!(Keywords::new(&refs).expect("builds").find_all(&hay), naive(&refs, &hay));
        }
    }
}
