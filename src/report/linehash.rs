//! GitHub code scanning's line fingerprint (`partialFingerprints.primaryLocationLineHash`),
//! computed the way github/codeql-action's `upload-sarif` computes it from the checked-out
//! file: a rolling hash (base 37, wrapping 64-bit) over the next 100 characters from the start
//! of each line, spaces and tabs skipped, line endings normalized to `\n`, an end-of-file mark
//! and zero padding after the last line; `hash:n` counts repeats of the same hash in the file.
//!
//! gate writes the same value upload-sarif would: the action then keeps it without warning
//! ("inconsistent fingerprint"), and a SARIF file uploaded through the API (which computes
//! nothing) still gets alerts that survive unrelated edits above the finding.

use std::collections::HashMap;

const BLOCK: usize = 100;
const MOD: u64 = 37;
/// The end-of-file mark codeql-action feeds after the last character.
const EOF: u16 = 65535;

/// The line fingerprints of the files the findings point at (their own paths and the plan
/// files of resource findings), read from the change's post-image: the value GitHub's
/// upload-sarif would compute from the checkout.
pub fn of_findings(
    cs: &crate::change::ChangeSet,
    o: &crate::policy::Outcome,
) -> std::collections::BTreeMap<String, Vec<String>> {
    o.fingerprinted_paths()
        .into_iter()
        .filter_map(|p| {
            let bytes = cs.post.read(p).ok().flatten()?;
            Some((p.to_string(), line_hashes(&String::from_utf8_lossy(&bytes))))
        })
        .collect()
}

/// The hash of every line of `text`, index 0 = line 1. Characters are UTF-16 code units, as
/// JavaScript reads the file; a line past the last newline (the end-of-file mark) is included.
pub fn line_hashes(text: &str) -> Vec<String> {
    let first_mod = (0..BLOCK).fold(1u64, |f, _| f.wrapping_mul(MOD));
    let mut window = [0u16; BLOCK];
    let mut line_numbers = [0usize; BLOCK]; // 0 = no line starts here
    let mut hash = 0u64;
    let mut index = 0usize;
    let mut line = 0usize;
    let mut line_start = true;
    let mut prev_cr = false;
    let mut counts: HashMap<u64, usize> = HashMap::new();
    let mut out: Vec<String> = Vec::new();

    let mut emit = |hash: u64, at: usize, out: &mut Vec<String>| {
        let n = counts.entry(hash).or_insert(0);
        *n += 1;
        if out.len() < at {
            out.resize(at, String::new());
        }
        out[at - 1] = format!("{hash:x}:{n}");
    };
    let update = |c: u16, hash: &mut u64, index: &mut usize, window: &mut [u16; BLOCK]| {
        let begin = window[*index];
        window[*index] = c;
        *hash = MOD
            .wrapping_mul(*hash)
            .wrapping_add(u64::from(c))
            .wrapping_sub(first_mod.wrapping_mul(u64::from(begin)));
        *index = (*index + 1) % BLOCK;
    };

    for unit in text.encode_utf16().chain(std::iter::once(EOF)) {
        let mut c = unit;
        if c == u16::from(b' ') || c == u16::from(b'\t') || (prev_cr && c == u16::from(b'\n')) {
            prev_cr = false;
            continue;
        }
        if c == u16::from(b'\r') {
            c = u16::from(b'\n');
            prev_cr = true;
        } else {
            prev_cr = false;
        }
        if line_numbers[index] != 0 {
            emit(hash, line_numbers[index], &mut out);
            line_numbers[index] = 0;
        }
        if line_start {
            line_start = false;
            line += 1;
            line_numbers[index] = line;
        }
        if c == u16::from(b'\n') {
            line_start = true;
        }
        update(c, &mut hash, &mut index, &mut window);
    }
    for _ in 0..BLOCK {
        if line_numbers[index] != 0 {
            emit(hash, line_numbers[index], &mut out);
            line_numbers[index] = 0;
        }
        update(0, &mut hash, &mut index, &mut window);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::line_hashes;

    // Expected values were produced by a transcription of codeql-action's `hash` running on
    // Node with the `long` package (bench/RESULTS.md, "SARIF line fingerprints").
    #[test]
    fn two_lines() {
        assert_eq!(
            line_hashes("hello\nworld\n"),
            [
                "a2b8faa8c5a43ef3:1",
                "53f9e022cffbf0f1:1",
                "c129715d7a2bc9a3:1"
            ]
        );
    }

    #[test]
    fn crlf_tabs_and_spaces_are_normalized() {
        assert_eq!(
            line_hashes("key = 1\r\nkey = 1\r\n\tkey=1\n"),
            [
                "bad79f0ef0402c6a:1",
                "6242ab2a78def325:1",
                "e830550ae8b9bf8:1",
                "c129715d7a2bc9a3:1"
            ]
        );
    }

    #[test]
    fn characters_are_utf16_code_units() {
        // No newline at the end; the emoji is a surrogate pair to JavaScript.
        assert_eq!(line_hashes("caf\u{e9} \u{1f600}"), ["fb6539a077f1fa1b:1"]);
    }

    #[test]
    fn an_empty_file_has_one_line() {
        assert_eq!(line_hashes(""), ["c129715d7a2bc9a3:1"]);
    }
}
