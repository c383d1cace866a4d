//! Shipping: `scripts/package.sh` makes the release archives and SHA256SUMS from a built
//! binary, and `scripts/install.sh` installs from a release mirror (here a directory served on
//! 127.0.0.1), verifying the checksum; a tampered archive or a missing entry installs nothing.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::util::{code, gate_bin, manifest_dir, stderr, stdout};

/// A static file server for `root` on 127.0.0.1 (GET only, 404 for anything missing or
/// outside `root`); it lives as long as the test process. Returns its base URL.
pub fn serve(root: &Path) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("address");
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || respond(&root, stream));
        }
    });
    format!("http://{addr}")
}

fn respond(root: &Path, mut stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    // Drain the headers.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/");
    let rel = path.trim_start_matches('/');
    let file = (!rel.split('/').any(|c| c == ".." || c.is_empty()))
        .then(|| root.join(rel))
        .and_then(|p| std::fs::read(p).ok());
    let _ = match file {
        Some(body) => stream
            .write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
                    body.len()
                )
                .as_bytes(),
            )
            .and_then(|()| stream.write_all(&body)),
        None => stream.write_all(
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        ),
    };
}

fn sh(script: &str, args: &[&str], envs: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new("sh");
    cmd.arg(manifest_dir().join("scripts").join(script))
        .args(args);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().expect("sh runs")
}

/// The platform install.sh detects here.
fn host_target() -> String {
    let o = sh("install.sh", &["--print-target"], &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    stdout(&o).trim().to_string()
}

fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// The binary under test without its debug sections (strip -S when strip is installed), so
/// packing it takes a moment rather than the minutes a 180 MB debug build would.
fn packable_bin() -> &'static Path {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        let copy = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gate-stripped");
        std::fs::copy(gate_bin(), &copy).expect("copy gate");
        match Command::new("strip").arg("-S").arg(&copy).status() {
            Ok(s) if s.success() => copy,
            _ => gate_bin(),
        }
    })
}

/// A release mirror: `<root>/v<version>/` holding the archive for this host and SHA256SUMS,
/// made by package.sh from the binary under test.
pub fn release_mirror() -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir().expect("temp dir");
    let dist = root.path().join(format!("v{}", version()));
    let target = host_target();
    let o = Command::new("sh")
        .arg(manifest_dir().join("scripts/package.sh"))
        .env("GATE_BIN", packable_bin())
        .env("GATE_TARGET", &target)
        .env("GATE_DIST", &dist)
        .output()
        .expect("package.sh runs");
    assert_eq!(code(&o), 0, "package.sh: {}", stderr(&o));
    let archive = dist.join(format!("gate-{}-{target}.tar.gz", version()));
    (root, archive)
}

#[test]
fn package_makes_the_release_layout() {
    let (root, archive) = release_mirror();
    let dist = archive.parent().expect("dist");
    let sums = std::fs::read_to_string(dist.join("SHA256SUMS")).expect("SHA256SUMS");
    let name = archive.file_name().and_then(|n| n.to_str()).expect("name");
    let line = sums.lines().find(|l| l.ends_with(name)).expect("entry");
    let (hash, file) = line.split_once("  ").expect("two-space separator");
    assert_eq!(file, name);
    assert_eq!(hash.len(), 64, "{line}");
    // The archive holds gate-<version>-<target>/gate and the README.
    let o = Command::new("tar")
        .arg("-tzf")
        .arg(&archive)
        .output()
        .expect("tar runs");
    let listing = stdout(&o);
    let stem = name.trim_end_matches(".tar.gz");
    assert!(listing.contains(&format!("{stem}/gate\n")), "{listing}");
    assert!(
        listing.contains(&format!("{stem}/README.md\n")),
        "{listing}"
    );
    // The same binary gives the same archive.
    let first = std::fs::read(&archive).expect("archive");
    let o = Command::new("sh")
        .arg(manifest_dir().join("scripts/package.sh"))
        .env("GATE_BIN", packable_bin())
        .env("GATE_TARGET", host_target())
        .env("GATE_DIST", dist)
        .output()
        .expect("package.sh runs");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        first == std::fs::read(&archive).expect("archive"),
        "archive differs on a rebuild"
    );
    drop(root);
}

#[test]
fn install_verifies_the_download_and_refuses_a_tampered_archive() {
    let (root, archive) = release_mirror();
    let url = serve(root.path());
    let to = tempfile::tempdir().expect("temp dir");
    let bin = to.path().join("bin");
    let env = |o: &mut Command| {
        o.env("GATE_RELEASES_URL", &url);
    };

    // A good archive installs, and the installed gate runs.
    let mut cmd = Command::new("sh");
    cmd.arg(manifest_dir().join("scripts/install.sh"))
        .args(["--version", version(), "--to"])
        .arg(&bin);
    env(&mut cmd);
    let o = cmd.output().expect("install.sh runs");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("verified against SHA256SUMS"),
        "{}",
        stderr(&o)
    );
    let o = Command::new(bin.join("gate"))
        .arg("--version")
        .output()
        .expect("installed gate runs");
    assert_eq!(stdout(&o).trim(), format!("gate {}", version()));

    // A tampered archive (one byte flipped after SHA256SUMS was written) installs nothing.
    let mut bytes = std::fs::read(&archive).expect("archive");
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&archive, &bytes).expect("tamper");
    let fresh = to.path().join("fresh");
    let mut cmd = Command::new("sh");
    cmd.arg(manifest_dir().join("scripts/install.sh"))
        .args(["--version", version(), "--to"])
        .arg(&fresh);
    env(&mut cmd);
    let o = cmd.output().expect("install.sh runs");
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("does not match SHA256SUMS")
            && stderr(&o).contains("nothing was installed"),
        "{}",
        stderr(&o)
    );
    assert!(
        !fresh.join("gate").exists(),
        "a tampered archive was installed"
    );

    // A release without this version: the failed download is named, nothing installed.
    let mut cmd = Command::new("sh");
    cmd.arg(manifest_dir().join("scripts/install.sh"))
        .args(["--version", "9.9.9", "--to"])
        .arg(&fresh);
    env(&mut cmd);
    let o = cmd.output().expect("install.sh runs");
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("download failed:") && stderr(&o).contains("/v9.9.9/"),
        "{}",
        stderr(&o)
    );
    assert!(!fresh.join("gate").exists());

    // SHA256SUMS without an entry for this platform's archive: refused.
    let dist = archive.parent().expect("dist");
    std::fs::write(dist.join("SHA256SUMS"), "00  gate-other.tar.gz\n").expect("sums");
    let mut cmd = Command::new("sh");
    cmd.arg(manifest_dir().join("scripts/install.sh"))
        .args(["--version", version(), "--to"])
        .arg(&fresh);
    env(&mut cmd);
    let o = cmd.output().expect("install.sh runs");
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("has no entry for"), "{}", stderr(&o));
    assert!(!fresh.join("gate").exists());
}
