//! Secrets written encoded (#17): a base64 value of a Kubernetes Secret, an escaped JSON
//! string, through `gate check --diff` as a user runs it. Reported where the encoded form is,
//! masked in every output (neither the value nor its encoding is printed). Every value here
//! is made up for the test.

use crate::util::{code, stderr, stdout, Repo};

/// A GitHub token with its checksum: 30 base62 characters, then their CRC-32 in base62.
fn github_token() -> String {
    let random = "Wq4mZ8tR2kLx7Vb3Nc9Pd6Hj1Ks5Ty";
    let mut crc = !0u32;
    for &b in random.as_bytes() {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    const B62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut n = u64::from(!crc);
    let mut check = [b'0'; 6];
    for slot in check.iter_mut().rev() {
        *slot = B62[(n % 62) as usize];
        n /= 62;
    }
    format!("ghp_{random}{}", String::from_utf8_lossy(&check))
}

fn b64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                char::from(A[(n >> (18 - 6 * i) & 63) as usize])
            } else {
                '='
            });
        }
    }
    out
}

/// A repository whose work tree adds `files` to main, and that change's diff in change.diff.
fn diff_of(files: &[(&str, &str)]) -> Repo {
    let r = Repo::new();
    for (p, c) in files {
        r.write(p, c);
    }
    r.git(&["add", "-N", "."]);
    let diff = r.git(&["diff"]);
    r.write("change.diff", &diff);
    r
}

#[test]
fn an_encoded_token_is_reported_where_it_is_written_and_masked_everywhere() {
    let tok = github_token();
    let encoded = b64(tok.as_bytes());
    let escaped = format!("\\u0067{}", &tok[1..]);
    // A PNG in a data URI beside it decodes to binary: not read.
    let png = b64(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0\x1f\xf3\xffa");
    let r = diff_of(&[
        (
            "deploy/ci-secret.yaml",
            &format!(
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci\ndata:\n  GITHUB_TOKEN: {encoded}\n"
            ),
        ),
        (
            "web/config.js",
            &format!(
                "export const icon = \"data:image/png;base64,{png}\";\nexport const t = \"{escaped}\";\n"
            ),
        ),
    ]);
    let o = r.gate(&["check", "--diff", "change.diff", "--format", "json"]);
    let out = stdout(&o);
    assert_eq!(code(&o), 1, "{out}{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&out).expect("json report");
    let found: Vec<(String, String, u64, u64, String)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| {
            f["rule"]
                .as_str()
                .is_some_and(|r| r.starts_with("GATE-SEC"))
        })
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["path"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
                f["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    let at = |path: &str| {
        found
            .iter()
            .find(|f| f.1 == path)
            .unwrap_or_else(|| panic!("no finding in {path}: {found:#?}"))
    };
    let k8s = at("deploy/ci-secret.yaml");
    assert_eq!((k8s.0.as_str(), k8s.2, k8s.3), ("GATE-SEC-001", 6, 17));
    assert!(
        k8s.4.contains("(decoded from base64, fingerprint"),
        "{}",
        k8s.4
    );
    assert!(
        k8s.4.starts_with("GitHub personal access token"),
        "{}",
        k8s.4
    );
    let js = at("web/config.js");
    assert_eq!((js.0.as_str(), js.2, js.3), ("GATE-SEC-001", 2, 19));
    assert!(
        js.4.contains("(decoded from string escapes, fingerprint"),
        "{}",
        js.4
    );
    // One value, one fingerprint, however it was written.
    let fp = |m: &str| m.split("fingerprint ").nth(1).map(|x| x[..12].to_string());
    assert_eq!(fp(&k8s.4), fp(&js.4));

    // Neither the token nor its encodings reach any output.
    let text = r.gate(&["check", "--diff", "change.diff"]);
    let facts = r.gate(&["facts", "--diff", "change.diff"]);
    for (what, o) in [("json", &o), ("text", &text), ("facts", &facts)] {
        let all = format!("{}{}", stdout(o), stderr(o));
        for shown in [&tok[4..], &encoded[..40], &escaped[6..]] {
            assert!(
                !all.contains(shown),
                "{what} output shows the value:\n{all}"
            );
        }
    }
    let facts: serde_json::Value = serde_json::from_slice(&facts.stdout).expect("facts json");
    let enc: Vec<&serde_json::Value> = facts["secrets"]
        .as_array()
        .expect("secrets")
        .iter()
        .map(|s| &s["encoding"])
        .collect();
    assert_eq!(
        enc,
        [
            &serde_json::json!(["base64"]),
            &serde_json::json!(["escape"])
        ]
    );
}
