//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` beside the repository, when it is there.
pub fn shared_dir() -> Option<PathBuf> {
    let p = manifest_dir().join("..").join("shared");
    p.is_dir().then_some(p)
}

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// The variable .ci/run sets for its step of slow tests (those driving an external client
/// that builds or runs gate for minutes). Every CI run runs them, in that step.
pub const SLOW_TESTS: &str = "GATE_SLOW_TESTS";

/// Whether a slow test runs: only with `GATE_SLOW_TESTS=1` (.ci/run's slow step); otherwise
/// it says that it skipped, and why.
pub fn slow_test(what: &str) -> bool {
    let on = std::env::var(SLOW_TESTS).is_ok_and(|v| v == "1");
    if !on {
        eprintln!("skipped: {what} runs in .ci/run's slow-test step ({SLOW_TESTS}=1)");
    }
    on
}

pub fn gate_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_gate"))
}

/// Runs gate in `dir` with `args`, feeding `stdin`.
pub fn gate(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(gate_bin());
    cmd.current_dir(dir)
        .args(args)
        .env_remove("GITHUB_BASE_REF")
        .env_remove("GITHUB_EVENT_PATH")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("gate starts");
    if let Some(input) = stdin {
        use std::io::Write;
        let mut s = child.stdin.take().expect("stdin is piped");
        s.write_all(input).expect("write stdin");
    }
    child.wait_with_output().expect("gate finishes")
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A scratch git repository with a first commit on `main`.
pub struct Repo {
    pub dir: tempfile::TempDir,
}

impl Repo {
    pub fn new() -> Repo {
        let dir = tempfile::tempdir().expect("temp dir");
        let r = Repo { dir };
        r.git(&["init", "-q", "-b", "main"]);
        r.git(&["config", "user.email", "dev@example.com"]);
        r.git(&["config", "user.name", "Dev"]);
        r.git(&["config", "commit.gpgsign", "false"]);
        r.write("README.md", "# demo\n");
        r.commit_all("initial commit");
        r
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .current_dir(self.path())
            .args(args)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn write(&self, rel: &str, content: &str) {
        let p = self.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, content).expect("write");
    }

    pub fn commit_all(&self, msg: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", msg]);
    }

    pub fn gate(&self, args: &[&str]) -> Output {
        gate(self.path(), args, None)
    }
}

/// Validates a SARIF document with ../shared/tools/validate_sarif.py (schema + GitHub rules).
/// Returns the validator's output, or None when the check cannot run outside CI.
pub fn validate_sarif(sarif: &str) -> Option<String> {
    let Some(shared) = shared_dir() else {
        eprintln!("skipped SARIF schema validation: ../shared is not beside this repository");
        return None;
    };
    let has_jsonschema = Command::new("python3")
        .args(["-c", "import jsonschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_jsonschema {
        assert!(
            !in_ci(),
            "CI must have python3 with jsonschema (.ci/run installs it)"
        );
        eprintln!("skipped SARIF schema validation: python3 with jsonschema is not installed (pip install jsonschema)");
        return None;
    }
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), sarif).expect("write sarif");
    let out = Command::new("python3")
        .arg(shared.join("tools").join("validate_sarif.py"))
        .arg(file.path())
        .output()
        .expect("python3 runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "SARIF is invalid:\n{text}");
    assert!(
        text.contains(" 0 schema errors, 0 github warnings"),
        "SARIF has problems:\n{text}"
    );
    Some(text)
}
