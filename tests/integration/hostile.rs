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
    fn content_classify_and_decode_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        use gate::change::content::*;
        let c = classify(&bytes);
        if let Some(text) = decode(&bytes, c) {
            prop_assert!(std::str::from_utf8(&text).is_ok());
        }
        match prepare(&bytes) {
            Prepared::Decoded(t) => prop_assert!(!t.contains(&0)),
            Prepared::Binary(u) => prop_assert!(u.detail.starts_with("NUL byte at offset")),
            Prepared::AsIs => prop_assert!(!bytes[..bytes.len().min(8000)].contains(&0)),
        }
    }

    /// Attack diffs (UTF-16 with and without a mark, NUL bytes, LFS pointers, URL
    /// credentials), mutated byte by byte: parsing, inspecting and redacting never panic,
    /// and the URL password never survives redaction.
    #[test]
    fn mutated_attack_diffs_never_panic(
        seed in 0usize..4,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..24),
    ) {
        let mut bytes = attack_diff(seed);
        for (at, b) in edits {
            if !bytes.is_empty() {
                let i = at % bytes.len();
                bytes[i] = b;
            }
        }
        let Ok(files) = gate::change::diff::parse(&bytes) else { return Ok(()) };
        let mut cs = gate::change::ChangeSet {
            base: None,
            head: None,
            files,
            post: gate::change::Snapshot::None,
            pre: gate::change::Snapshot::None,
            root: None,
        };
        prop_assert!(gate::change::content::inspect(&mut cs).is_ok());
        let leaky = |cs: &gate::change::ChangeSet| -> Vec<(String, u32)> {
            cs.files
                .iter()
                .flat_map(|f| f.added_lines().map(move |l| (f, l)))
                .filter(|(_, l)| String::from_utf8_lossy(&l.text).contains("://deploy:Zq8-wPm4-Tr7x@"))
                .map(|(f, l)| (f.path.clone(), l.line))
                .collect()
        };
        let before = leaky(&cs);
        let r = gate::redact::Redactor::new(scanner());
        r.change(&mut cs);
        prop_assert!(leaky(&cs).is_empty(), "{before:?} still hold the password");
    }

    #[test]
    fn secret_scanner_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        for c in scanner().scan(&bytes) {
            prop_assert!(c.start <= c.end && c.end <= bytes.len());
        }
    }
}

fn scanner() -> &'static gate::secrets::Scanner {
    static SCANNER: std::sync::OnceLock<gate::secrets::Scanner> = std::sync::OnceLock::new();
    SCANNER.get_or_init(|| {
        gate::secrets::Scanner::new(gate::secrets::builtin_rules().expect("rules"))
            .expect("scanner")
    })
}

/// A diff of one new file holding `bytes`, split at 0x0a bytes as git splits it.
fn new_file_diff(path: &str, bytes: &[u8]) -> Vec<u8> {
    let parts: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    let n = parts.len() - usize::from(bytes.ends_with(b"\n"));
    let mut d = format!(
        "diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{n} @@\n"
    )
    .into_bytes();
    for p in &parts[..n] {
        d.push(b'+');
        d.extend_from_slice(p);
        d.push(b'\n');
    }
    d
}

/// The seeds of the mutation test: the attacks' inputs as diffs.
fn attack_diff(seed: usize) -> Vec<u8> {
    let utf16 = |s: &str, le: bool| -> Vec<u8> {
        s.encode_utf16()
            .flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() })
            .collect()
    };
    match seed {
        0 => {
            let mut b = vec![0xff, 0xfe];
            b.extend(utf16(
                "[default]\r\naws_access_key_id = AKIAZ3MHQX7EW2LKQ4PN\r\n",
                true,
            ));
            new_file_diff("creds.txt", &b)
        }
        1 => new_file_diff(
            "token.cfg",
            &utf16("token: ghp_R8x2LqT7vN4mZ1kP9sW3dY6hJ0cF5bA2eG8u\n", false),
        ),
        2 => {
            let mut d = new_file_diff(
                "notes.txt",
                b"x\0y\nTOKEN=ghp_R8x2LqT7vN4mZ1kP9sW3dY6hJ0cF5bA2eG8u\n",
            );
            d.extend(new_file_diff(
                "m.bin",
                b"version https://git-lfs.github.com/spec/v1\noid sha256:ab\nsize 3\n",
            ));
            d
        }
        _ => new_file_diff(
            "requirements.txt",
            b"mirrored @ https://deploy:Zq8-wPm4-Tr7x@pkgs.example.com/m-1.0.tar.gz\n",
        ),
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
    // A known binary format is not scanned (listed in one note); an unknown one is scanned as
    // bytes and reported as binary; a symlink is never followed.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(b"AKIAZ3MHQX7EW2LKQ4PM");
    std::fs::write(r.path().join("logo.png"), png).expect("write");
    let o = r.gate(&["check", "--all", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let findings = doc["findings"].as_array().expect("findings");
    let at = |rule: &str, path: &str| {
        findings
            .iter()
            .any(|f| f["rule"] == rule && f["path"] == path)
    };
    assert!(at("GATE-SEC-001", "image.bin"), "{doc}");
    assert!(at("GATE-COV-001", "image.bin"), "{doc}");
    assert!(!at("GATE-SEC-001", "logo.png"), "{doc}");
    assert!(
        findings.iter().any(|f| f["rule"] == "GATE-COV-001"
            && f["message"]
                .as_str()
                .unwrap_or("")
                .contains("logo.png: PNG image")),
        "{doc}"
    );
    assert!(!stdout(&o).contains("link.env"), "symlink followed: {doc}");
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
