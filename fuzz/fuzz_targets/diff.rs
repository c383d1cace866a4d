#![no_main]
//! The diff parser on arbitrary bytes: it parses or gives a located error, never panics.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = gate::change::diff::parse(data) {
        assert!(e.line >= 1);
    }
});
