//! Embeds every file under `policies/` in the binary, so the built-in rules ship with gate and
//! stay readable (and overridable) as plain `.rego` files in the repository; and writes one
//! integration test per folder of `fixtures/cases`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "rego") {
            out.push(p);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let policies = root.join("policies");
    println!("cargo:rerun-if-changed=policies");
    let mut files = Vec::new();
    collect(&policies, &mut files);
    files.sort();
    let mut code = String::from("/// Built-in policies: (path under policies/, source).\npub const BUILTIN: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f
            .strip_prefix(&policies)
            .expect("under policies")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        writeln!(
            code,
            "    ({rel:?}, include_str!({:?})),",
            f.display().to_string()
        )
        .expect("write to string");
    }
    code.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    std::fs::write(out_dir.join("builtin_policies.rs"), code).expect("write generated file");
    cli_cases(&root, &out_dir);
}

/// One integration test per folder of fixtures/cases (tests/integration/cases.rs includes
/// them), so a failing case is named by the test runner and the cases run in parallel.
fn cli_cases(root: &Path, out_dir: &Path) {
    let cases = root.join("fixtures").join("cases");
    println!("cargo:rerun-if-changed={}", cases.display());
    let mut names: Vec<String> = std::fs::read_dir(&cases)
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut code = String::from("// One test per folder of fixtures/cases, written by build.rs.\n");
    let mut idents = std::collections::BTreeSet::new();
    for name in &names {
        let ident: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        let ident = if ident.starts_with(|c: char| c.is_ascii_digit()) {
            format!("case_{ident}")
        } else {
            ident
        };
        assert!(
            idents.insert(ident.clone()),
            "fixtures/cases/{name}: another case has the same test name {ident}"
        );
        writeln!(
            code,
            "#[test]\nfn {ident}() {{\n    super::run_case({name:?});\n}}"
        )
        .expect("write to string");
    }
    std::fs::write(out_dir.join("cli_cases.rs"), code).expect("write generated file");
}
