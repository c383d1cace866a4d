#![no_main]
//! Every manifest and lockfile parser on arbitrary text.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    use gate::deps::*;
    let _ = npm::parse_package_json("package.json", text);
    let _ = npm::parse_package_lock("package-lock.json", text);
    let _ = npm::parse_yarn_lock("yarn.lock", text);
    let _ = npm::parse_pnpm_lock("pnpm-lock.yaml", text);
    let _ = cargo::parse_manifest("Cargo.toml", text);
    let _ = cargo::parse_lock("Cargo.lock", text);
    let _ = python::parse_requirements("requirements.txt", text);
    let _ = python::parse_pyproject("pyproject.toml", text);
    let _ = python::parse_lock("uv.lock", text);
    let _ = go::parse_go_mod("go.mod", text);
    let _ = go::parse_go_sum("go.sum", text);
    let _ = ruby::parse_gemfile("Gemfile", text);
    let _ = ruby::parse_gemfile_lock("Gemfile.lock", text);
    let _ = maven::parse_pom("pom.xml", text);
});
