#![no_main]
//! Every plan parser on arbitrary JSON.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = gate::infra::parse_json(data, "fuzz.json") {
        let _ = gate::infra::terraform::parse(&doc, "fuzz.json");
        let _ = gate::infra::pulumi::parse(&doc, "fuzz.json");
        let _ = gate::infra::cloudformation::parse_change_set(&doc, "fuzz.json");
        let _ = gate::infra::cloudformation::parse_template_pair(Some(&doc), &doc, "fuzz.json", None);
    }
});
