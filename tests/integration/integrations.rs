//! Where users run gate: the GitHub Action (linted, and run locally with `act` against a
//! pull_request event), the pre-commit hook (validated, and run with the real `pre-commit`
//! client), `gate init`, and CI variables. The external tools come from PyPI (.ci/run installs
//! them); outside CI a missing tool skips its test with a message.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{code, gate_bin, in_ci, manifest_dir, slow_test, stderr, stdout, Repo};

/// The tool on PATH, or None (skipping) outside CI; in CI a missing tool fails the test.
fn tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            !in_ci(),
            "{name} must be installed in CI (.ci/run installs it)"
        );
        eprintln!("skipped: {name} is not installed (see .ci/run)");
    }
    found
}

fn run(cmd: &mut Command) -> (i32, String) {
    let o = cmd.output().expect("tool runs");
    (
        o.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

#[test]
fn action_and_workflows_pass_actionlint_and_schemas() {
    let root = manifest_dir();
    if let Some(actionlint) = tool("actionlint") {
        // The sample workflow uses `./`, so actionlint also checks action.yml's inputs.
        let (c, out) = run(Command::new(actionlint)
            .current_dir(&root)
            .args([".github/workflows/gate.yml", "src/init/workflow.yml"]));
        assert_eq!(c, 0, "{out}");
    }
    if let Some(cj) = tool("check-jsonschema") {
        let (c, out) = run(Command::new(&cj).current_dir(&root).args([
            "--builtin-schema",
            "vendor.github-actions",
            "action.yml",
        ]));
        assert_eq!(c, 0, "{out}");
        let (c, out) = run(Command::new(&cj).current_dir(&root).args([
            "--builtin-schema",
            "vendor.github-workflows",
            ".github/workflows/gate.yml",
            "src/init/workflow.yml",
        ]));
        assert_eq!(c, 0, "{out}");
    }
    // Inputs reach scripts through env:, never by interpolation into the script text.
    let action = std::fs::read_to_string(root.join("action.yml")).expect("action.yml");
    for line in action.lines().filter(|l| l.contains("${{ inputs.")) {
        let t = line.trim_start();
        assert!(
            !t.starts_with("run:") && !t.starts_with("echo") && !t.starts_with("gate "),
            "interpolated input in a script: {line}"
        );
    }
}

#[test]
fn pre_commit_manifest_is_valid() {
    let Some(pc) = tool("pre-commit") else { return };
    let (c, out) = run(Command::new(pc)
        .current_dir(manifest_dir())
        .args(["validate-manifest", ".pre-commit-hooks.yaml"]));
    assert_eq!(c, 0, "{out}");
}

/// `pre-commit try-repo` of this repository's hooks, with the released binary served from a
/// local mirror (what the `gate` hook installs, checksum-verified) and its own cache.
fn try_repo(pc: &Path, r: &Repo, mirror: &str, cache: &Path, args: &[&str]) -> (i32, String) {
    run(Command::new(pc)
        .current_dir(r.path())
        .arg("try-repo")
        .arg(manifest_dir())
        .args(args)
        .env("GATE_RELEASES_URL", mirror)
        .env("XDG_CACHE_HOME", cache)
        .env_remove("GITHUB_BASE_REF")
        .env(
            "PRE_COMMIT_HOME",
            std::env::temp_dir().join("gate-pre-commit-home"),
        ))
}

/// The real client runs the hooks of this repository: a staged GitHub token blocks the commit
/// (only a redacted value printed), `--all-files` finds a token already committed, and the
/// pre-push hook checks the commits being pushed. A slow test (the client clones this
/// repository and installs each hook): .ci/run runs it in its own step.
#[test]
fn pre_commit_try_repo_blocks_a_staged_token() {
    if !slow_test("pre-commit try-repo (a release cargo install of gate)") {
        return;
    }
    let Some(pc) = tool("pre-commit") else { return };
    let (root, _archive) = crate::install::release_mirror();
    let mirror = crate::install::serve(root.path());
    let cache = tempfile::tempdir().expect("cache dir");
    let r = Repo::new();
    let token = "ghp_R8x2LqT7vN4mZ1kP9sW3dY6hJ0cF5bA2eG8u";
    r.write("deploy.env", &format!("GITHUB_TOKEN={token}\n"));
    r.git(&["add", "deploy.env"]);
    let (c, out) = try_repo(&pc, &r, &mirror, cache.path(), &["gate", "--verbose"]);
    assert_ne!(c, 0, "the hook must block the commit:\n{out}");
    assert!(
        out.contains("verified against SHA256SUMS"),
        "installed from the release:\n{out}"
    );
    assert!(out.contains("gate check --staged"), "{out}");
    assert!(out.contains("GATE-SEC-001"), "{out}");
    assert!(out.contains("ghp_…eG8u"), "redacted value shown:\n{out}");
    assert!(
        !out.contains(token),
        "the token leaked into the output:\n{out}"
    );

    // Committed, then `pre-commit run --all-files` with nothing staged: the work tree.
    r.commit_all("token");
    let (c, out) = try_repo(
        &pc,
        &r,
        &mirror,
        cache.path(),
        &["gate", "--all-files", "--verbose"],
    );
    assert_ne!(c, 0, "--all-files must find the committed token:\n{out}");
    assert!(out.contains("gate check --all ."), "{out}");
    assert!(out.contains("GATE-SEC-001"), "{out}");

    // The pre-push hook: the commits between the refs pre-commit passes.
    let from = r.git(&["rev-parse", "HEAD~1"]).trim().to_string();
    let to = r.git(&["rev-parse", "HEAD"]).trim().to_string();
    let (c, out) = try_repo(
        &pc,
        &r,
        &mirror,
        cache.path(),
        &[
            "gate-push",
            "--hook-stage",
            "pre-push",
            "--from-ref",
            &from,
            "--to-ref",
            &to,
            "--verbose",
        ],
    );
    assert_ne!(c, 0, "the push must be blocked:\n{out}");
    assert!(
        out.contains(&format!("gate check --base {from} --head {to}")),
        "{out}"
    );
    assert!(out.contains("GATE-SEC-001"), "{out}");
    assert!(!out.contains(token), "{out}");
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

/// The composite action's steps, run by `act` on this host against a pull_request event:
/// the summary, the outputs and the SARIF file are produced, and a leaked key fails the job.
/// A slow test: .ci/run runs it in its own step.
#[test]
fn action_runs_under_act_for_a_pull_request() {
    if !slow_test("the action under act") {
        return;
    }
    let Some(act) = tool("act") else { return };
    let r = Repo::new();
    // What a checkout of the action holds: action.yml, Cargo.toml (its version) and the
    // install script; the action installs gate from a local release mirror.
    for f in ["action.yml", "Cargo.toml", "scripts/install.sh"] {
        write(
            r.path(),
            f,
            &std::fs::read_to_string(manifest_dir().join(f)).expect("action file"),
        );
    }
    let (mirror_root, _archive) = crate::install::release_mirror();
    let mirror = crate::install::serve(mirror_root.path());
    write(
        r.path(),
        ".github/workflows/pr.yml",
        r#"name: pr
on: pull_request
jobs:
  gate:
    runs-on: ubuntu-latest
    steps:
      # Offline stand-in for actions/checkout: the runner is this host.
      - name: checkout
        env:
          SRC: ${{ env.GATE_TEST_SOURCE }}
        run: cp -a "$SRC"/. "$GITHUB_WORKSPACE"/
      - id: gate
        uses: ./
        with:
          cache: "false"
          upload-sarif: "false"
          releases-url: ${{ env.GATE_TEST_MIRROR }}
      - name: outputs
        if: always()
        env:
          DECISION: ${{ steps.gate.outputs.decision }}
          SCORE: ${{ steps.gate.outputs.risk-score }}
          FINDINGS: ${{ steps.gate.outputs.findings }}
          SARIF: ${{ steps.gate.outputs.sarif-file }}
        run: |
          echo "OUT decision=$DECISION score=$SCORE findings=$FINDINGS sarif=$SARIF"
          test -s "$SARIF" && echo "SARIF-OK $(grep -c '"ruleId"' "$SARIF")"
"#,
    );
    r.commit_all("workflow");
    let base = r.git(&["rev-parse", "HEAD"]).trim().to_string();
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("app/settings.py", "KEY = \"AKIAZ3MHQX7EW2LKQ4PN\"\n");
    r.commit_all("feature");
    let head = r.git(&["rev-parse", "HEAD"]).trim().to_string();
    let event = r.path().join("event.json");
    std::fs::write(&event, format!(
        r#"{{"pull_request": {{"number": 1, "base": {{"sha": "{base}", "ref": "main"}}, "head": {{"sha": "{head}", "ref": "feature", "repo": {{"fork": false}}}}}}}}"#
    )).expect("event");
    // No gate on PATH: the action must install its own version.
    let path = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .filter(|d| !d.join("gate").exists())
        .collect::<Vec<_>>();
    let path = std::env::join_paths(path).expect("PATH");
    // act's host runner keeps its tool cache in ~/.cache/act/tool_cache: start without the
    // binary an earlier run of this test cached there, so the install is exercised.
    if let Some(home) = std::env::var_os("HOME") {
        let _ = std::fs::remove_dir_all(Path::new(&home).join(".cache/act/tool_cache/change-gate"));
    }
    let (c, out) = run(Command::new(act)
        .current_dir(r.path())
        .args([
            "pull_request",
            "-e",
            event.to_str().expect("utf-8"),
            "-P",
            "ubuntu-latest=-self-hosted",
            "-W",
            ".github/workflows/pr.yml",
        ])
        .arg("--env")
        .arg(format!("GATE_TEST_SOURCE={}", r.path().display()))
        .arg("--env")
        .arg(format!("GATE_TEST_MIRROR={mirror}"))
        .env("PATH", path));
    assert!(
        out.contains("verified against SHA256SUMS"),
        "the action installed the released gate:\n{out}"
    );
    assert_ne!(c, 0, "a leaked key fails the job:\n{out}");
    assert!(
        out.contains("OUT decision=fail score=95 findings=1 sarif=gate.sarif"),
        "{out}"
    );
    assert!(out.contains("SARIF-OK 1"), "{out}");
    // act echoes the job summary the action wrote.
    assert!(
        out.contains("Summary - <!-- gate-report -->")
            && out.contains("## ❌ gate: FAIL — risk 95/100 (critical)"),
        "{out}"
    );
    assert!(
        out.contains("::error file=app/settings.py,line=1"),
        "annotation: {out}"
    );
    assert!(
        !out.contains("AKIAZ3MHQX7EW2LKQ4PN\""),
        "the key leaked:\n{out}"
    );
}

#[test]
fn init_writes_config_workflow_and_hook_config() {
    let r = Repo::new();
    let o = r.gate(&["init"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for f in [
        ".gate.yaml",
        ".github/workflows/gate.yml",
        ".pre-commit-config.yaml",
    ] {
        assert!(r.path().join(f).is_file(), "{f} written");
    }
    // The written configuration is valid: a check with it works.
    r.commit_all("init");
    let o = r.gate(&["check", "--all"]);
    assert!(matches!(code(&o), 0 | 1), "{}", stderr(&o));
    // Existing files are kept unless --force.
    r.write(".gate.yaml", "thresholds: {fail: 60, warn: 30}\n");
    let o = r.gate(&["init"]);
    assert!(stderr(&o).contains("kept"), "{}", stderr(&o));
    assert!(std::fs::read_to_string(r.path().join(".gate.yaml"))
        .expect("read")
        .contains("fail: 60"));
}

#[test]
fn ci_variables_give_the_base() {
    let r = Repo::new();
    let base = r.git(&["rev-parse", "HEAD"]).trim().to_string();
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("a.env", "KEY=AKIAZ3MHQX7EW2LKQ4PN\n");
    r.commit_all("key");
    for var in ["GATE_BASE", "CI_MERGE_REQUEST_DIFF_BASE_SHA"] {
        let o = Command::new(gate_bin())
            .current_dir(r.path())
            .args(["check"])
            .env(var, &base)
            .env_remove("GITHUB_BASE_REF")
            .output()
            .expect("gate runs");
        assert_eq!(
            o.status.code(),
            Some(1),
            "{var}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(String::from_utf8_lossy(&o.stderr).contains(var), "{var}");
        assert!(String::from_utf8_lossy(&o.stdout).contains("a.env:1"));
    }
    let _ = stdout;
}

/// CI checkouts are shallow: a missing base and a base without history say what to fetch.
#[test]
fn shallow_clones_say_what_to_fetch() {
    let r = Repo::new();
    r.write("a.txt", "1\n");
    r.commit_all("one");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("b.txt", "2\n");
    r.commit_all("two");
    r.git(&["checkout", "-q", "main"]);
    r.write("c.txt", "3\n");
    r.commit_all("three");
    let url = format!("file://{}", r.path().display());
    let clones = tempfile::tempdir().expect("temp dir");
    let clone = |name: &str, extra: &[&str]| -> PathBuf {
        let dest = clones.path().join(name);
        let o = Command::new("git")
            .args(["clone", "-q", "--depth", "1", "--branch", "feature"])
            .args(extra)
            .arg(&url)
            .arg(&dest)
            .output()
            .expect("git clone");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        dest
    };

    // Only the pull request's branch was fetched: origin/main is unknown.
    let single = clone("single", &["--single-branch"]);
    let o = crate::util::gate(&single, &["check", "--base", "origin/main"], None);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("unknown revision \"origin/main\""), "{err}");
    assert!(err.contains("git fetch origin main"), "{err}");
    assert!(err.contains("fetch-depth: 0"), "{err}");

    // Both branches at depth 1: no common ancestor in the shallow history.
    let both = clone("both", &["--no-single-branch"]);
    let o = crate::util::gate(&both, &["check", "--base", "origin/main"], None);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("no common ancestor in this shallow clone"),
        "{err}"
    );
    assert!(err.contains("fetch-depth: 0"), "{err}");
    assert!(
        !err.contains("failed: \n") && !err.ends_with("failed:"),
        "{err}"
    );
}

/// Shell completions: each script is valid for its shell (checked by the shell itself where
/// it is installed) and completes the subcommands and flags.
#[test]
fn completions_for_bash_zsh_fish() {
    for (shell, checker) in [("bash", "bash"), ("zsh", "zsh"), ("fish", "fish")] {
        let o = crate::util::gate(&manifest_dir(), &["completions", shell], None);
        assert_eq!(code(&o), 0, "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        for word in ["check", "explain", "base", "staged", "format"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
        let has_checker = Command::new(checker)
            .arg("-c")
            .arg("exit 0")
            .status()
            .is_ok_and(|s| s.success());
        if !has_checker {
            // bash is always there; .ci/run installs zsh and fish from Debian where it can.
            assert!(checker != "bash", "bash must be installed");
            eprintln!("skipped: {checker} is not installed, its syntax check did not run");
            continue;
        }
        let f = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(f.path(), &script).expect("write");
        let flag = if shell == "fish" {
            "--no-execute"
        } else {
            "-n"
        };
        let (c, out) = run(Command::new(checker).arg(flag).arg(f.path()));
        assert_eq!(c, 0, "{shell}: {out}");
    }
}
