//! Hostile and broken input: parsers never panic and never loop on arbitrary bytes, and the
//! CLI answers every odd input with a clear message and the right exit code.

use proptest::prelude::*;

use crate::util::{code, gate, stderr, stdout, Repo};

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn diff_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        match gate::change::diff::parse(&bytes) {
            Ok(files) => for f in files { prop_assert!(gate::change::is_safe_relative_path(&f.path)); },
            Err(e) => prop_assert!(e.line >= 1),
        }
    }

    #[test]
    fn diff_parser_on_diff_like_text(lines in proptest::collection::vec(
        prop_oneof![
            Just("diff --git a/x b/x".to_string()), Just("--- a/x".to_string()), Just("+++ b/x".to_string()),
            Just("@@ -1,2 +1,3 @@".to_string()), Just("@@ -0,0 +1 @@".to_string()), Just("+added".to_string()),
            Just("-removed".to_string()), Just(" context".to_string()), Just("\\ No newline at end of file".to_string()),
            Just("new file mode 100644".to_string()), Just("rename from a".to_string()), Just("Binary files a/x and b/x differ".to_string()),
            "[ -~]{0,20}",
        ], 0..40)) {
        let text = lines.join("\n");
        let _ = gate::change::diff::parse(text.as_bytes());
    }

    #[test]
    fn plan_parsers_never_panic(text in "[\\[\\]{}\",:0-9a-z_ -]{0,300}") {
        if let Ok(doc) = gate::infra::parse_json(text.as_bytes(), "p.json") {
            let _ = gate::infra::terraform::parse(&doc, "p.json");
            let _ = gate::infra::pulumi::parse(&doc, "p.json");
            let _ = gate::infra::cloudformation::parse_change_set(&doc, "p.json");
            let _ = gate::infra::cloudformation::parse_template_pair(Some(&doc), &doc, "p.json", None);
        }
    }

    #[test]
    fn manifest_parsers_never_panic(text in "(?s).{0,400}") {
        use gate::deps::*;
        let _ = npm::parse_package_json("package.json", &text);
        let _ = npm::parse_package_lock("package-lock.json", &text);
        let _ = npm::parse_yarn_lock("yarn.lock", &text);
        let _ = npm::parse_pnpm_lock("pnpm-lock.yaml", &text);
        let _ = cargo::parse_manifest("Cargo.toml", &text);
        let _ = cargo::parse_lock("Cargo.lock", &text);
        let _ = python::parse_requirements("requirements.txt", &text);
        let _ = python::parse_pyproject("pyproject.toml", &text);
        let _ = python::parse_lock("poetry.lock", &text);
        let _ = go::parse_go_mod("go.mod", &text);
        let _ = go::parse_go_sum("go.sum", &text);
        let _ = ruby::parse_gemfile("Gemfile", &text);
        let _ = ruby::parse_gemfile_lock("Gemfile.lock", &text);
        let _ = maven::parse_pom("pom.xml", &text);
    }

    #[test]
    fn secret_scanner_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        static SCANNER: std::sync::OnceLock<gate::secrets::Scanner> = std::sync::OnceLock::new();
        let s = SCANNER.get_or_init(|| gate::secrets::Scanner::new(gate::secrets::builtin_rules().expect("rules")).expect("scanner"));
        for c in s.scan(&bytes) {
            prop_assert!(c.start <= c.end && c.end <= bytes.len());
        }
    }
}

#[test]
fn invalid_utf8_and_huge_lines_are_scanned() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut diff = b"--- /dev/null\n+++ b/blob.txt\n@@ -0,0 +1,2 @@\n+\xff\xfe\xfd binary-ish prefix AKIAZ3MHQX7EW2LKQ4PN\n+".to_vec();
    diff.extend(std::iter::repeat_n(b'a', 10 * 1024 * 1024));
    diff.extend_from_slice(b" ghp_R8x2LqT7vN4mZ1kP9sW3dY6hJ0cF5bA2eG8u\n");
    std::fs::write(dir.path().join("d.diff"), &diff).expect("write");
    let o = gate(dir.path(), &["check", "--diff", "d.diff"], None);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("blob.txt:1:"),
        "secret after invalid UTF-8: {out}"
    );
    assert!(
        out.contains("blob.txt:2:"),
        "secret at the end of a 10 MB line: {out}"
    );
}

#[test]
fn binary_files_and_symlinks_in_all_mode() {
    let r = Repo::new();
    let mut bin = vec![0u8, 1, 2, 3];
    bin.extend_from_slice(b"AKIAZ3MHQX7EW2LKQ4PN");
    std::fs::write(r.path().join("image.bin"), bin).expect("write");
    let outside = tempfile::tempdir().expect("tmp");
    std::fs::write(
        outside.path().join("secret.env"),
        "KEY=AKIAZ3MHQX7EW2LKQ4PN\n",
    )
    .expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.path().join("secret.env"), r.path().join("link.env"))
        .expect("symlink");
    let o = r.gate(&["check", "--all"]);
    assert_eq!(
        code(&o),
        0,
        "binary files are skipped and symlinks not followed: {}",
        stdout(&o)
    );
}

#[test]
fn symlinked_post_image_is_not_read_outside_the_repository() {
    let r = Repo::new();
    let outside = tempfile::tempdir().expect("tmp");
    std::fs::write(
        outside.path().join("package.json"),
        "{\"dependencies\": {\"reqeusts\": \"1\"}}",
    )
    .expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outside.path().join("package.json"),
        r.path().join("package.json"),
    )
    .expect("symlink");
    r.write("d.diff", "--- a/package.json\n+++ b/package.json\n@@ -1 +1 @@\n-{}\n+{\"dependencies\": {\"reqeusts\": \"1\"}}\n");
    let o = r.gate(&["facts", "--diff", "d.diff"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // The post-image behind the symlink is not read; the dependency analysis sees nothing.
    assert!(
        stdout(&o).contains("\"dependencies\": []"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn empty_inputs() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("empty.diff"), "").expect("write");
    let o = gate(dir.path(), &["check", "--diff", "-"], Some(b""));
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("nothing to check"));
    std::fs::write(dir.path().join("empty.json"), "").expect("write");
    let o = gate(dir.path(), &["check", "--plan", "empty.json"], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("empty.json:1:"), "{}", stderr(&o));
}

#[test]
fn broken_pipe_exits_quietly_with_the_decision() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut diff = String::from("--- /dev/null\n+++ b/k.env\n@@ -0,0 +1,400 @@\n");
    for i in 0..400 {
        diff.push_str(
            &format!("+KEY_{i}=AKIAZ3MHQX7EW2LKQ{:03}\n", i % 1000)
                .replace("AKIAZ3MHQX7EW2LKQ", "AKIAZ3MHQX7EW2LKQ"),
        );
    }
    std::fs::write(dir.path().join("d.diff"), &diff).expect("write");
    let out = std::process::Command::new("bash")
        .current_dir(dir.path())
        .arg("-c")
        .arg(format!(
            "'{}' check --diff d.diff | head -c 10 >/dev/null; echo \"${{PIPESTATUS[0]}}\"",
            crate::util::gate_bin().display()
        ))
        .output()
        .expect("bash");
    let text = String::from_utf8_lossy(&out.stdout);
    let status = text.trim();
    assert!(
        status == "1" || status == "0",
        "exit after a closed pipe: {status}"
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("Broken pipe"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
