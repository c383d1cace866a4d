//! Where gate runs: the base of a change from CI variables, and the files `gate init` writes.

/// The base revision of the change under review, from `GATE_BASE` or the pull-request
/// variables of common CI systems, with the variable it came from.
pub fn detect_base() -> Option<(String, &'static str)> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    if let Some(b) = var("GATE_BASE") {
        return Some((b, "GATE_BASE"));
    }
    // GitHub Actions, pull_request events: the target branch name.
    if let Some(b) = var("GITHUB_BASE_REF") {
        return Some((format!("origin/{b}"), "GITHUB_BASE_REF"));
    }
    // GitLab merge request pipelines.
    if let Some(sha) = var("CI_MERGE_REQUEST_DIFF_BASE_SHA") {
        return Some((sha, "CI_MERGE_REQUEST_DIFF_BASE_SHA"));
    }
    if let Some(b) = var("CI_MERGE_REQUEST_TARGET_BRANCH_NAME") {
        return Some((format!("origin/{b}"), "CI_MERGE_REQUEST_TARGET_BRANCH_NAME"));
    }
    if let Some(b) = var("BUILDKITE_PULL_REQUEST_BASE_BRANCH") {
        return Some((format!("origin/{b}"), "BUILDKITE_PULL_REQUEST_BASE_BRANCH"));
    }
    if let Some(b) = var("SYSTEM_PULLREQUEST_TARGETBRANCH") {
        let b = b.trim_start_matches("refs/heads/").to_string();
        return Some((format!("origin/{b}"), "SYSTEM_PULLREQUEST_TARGETBRANCH"));
    }
    // Jenkins multibranch pipelines.
    if let Some(b) = var("CHANGE_TARGET") {
        return Some((format!("origin/{b}"), "CHANGE_TARGET"));
    }
    if let Some(b) = var("BITBUCKET_PR_DESTINATION_BRANCH") {
        return Some((format!("origin/{b}"), "BITBUCKET_PR_DESTINATION_BRANCH"));
    }
    None
}

/// The pull request's head branch from the CI's variables, with the variable it came from
/// (`GATE_HEAD_BRANCH` overrides them).
pub fn head_branch() -> Option<(String, &'static str)> {
    head_branch_from(|k| std::env::var(k).ok())
}

/// [`head_branch`] over any variable lookup.
pub fn head_branch_from(var: impl Fn(&str) -> Option<String>) -> Option<(String, &'static str)> {
    const VARS: &[&str] = &[
        "GATE_HEAD_BRANCH",
        // GitHub Actions, pull_request events.
        "GITHUB_HEAD_REF",
        // GitLab merge request pipelines.
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
        // Azure Pipelines pull requests (`refs/heads/...`).
        "SYSTEM_PULLREQUEST_SOURCEBRANCH",
        // Jenkins multibranch pull requests.
        "CHANGE_BRANCH",
        // Bitbucket Pipelines, Buildkite, CircleCI, Drone: the branch being built.
        "BITBUCKET_BRANCH",
        "BUILDKITE_BRANCH",
        "CIRCLE_BRANCH",
        "DRONE_SOURCE_BRANCH",
    ];
    VARS.iter().find_map(|k| {
        let v = var(k)?;
        let v = v.trim().trim_start_matches("refs/heads/");
        (!v.is_empty()).then(|| (v.to_string(), *k))
    })
}

/// What `gate init` writes, relative to the repository root.
pub const INIT_FILES: &[(&str, &str)] = &[
    (".gate.yaml", include_str!("init/gate.yaml")),
    (
        ".github/workflows/gate.yml",
        include_str!("init/workflow.yml"),
    ),
    (
        ".pre-commit-config.yaml",
        include_str!("init/pre-commit-config.yaml"),
    ),
];

/// `gate init`'s files with this release's version filled in, so the workflow's `uses:` and
/// the pre-commit `rev:` name the tag the release workflow publishes for this binary.
pub fn init_files() -> Vec<(&'static str, String)> {
    INIT_FILES
        .iter()
        .map(|(rel, text)| (*rel, text.replace("@VERSION@", env!("CARGO_PKG_VERSION"))))
        .collect()
}

/// The git hook gate runs as (`gate hook <stage>`, from .pre-commit-hooks.yaml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HookStage {
    /// `git commit`, `pre-commit run`, `pre-commit run --all-files`.
    PreCommit,
    /// `git push`: the commits being pushed.
    PrePush,
}

/// What a hook run checks, from what pre-commit tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookInput {
    /// `pre-commit run --from-ref A --to-ref B`, or a push: the commits from A to B.
    Range { from: String, to: String },
    /// A commit: the staged changes.
    Staged,
    /// `pre-commit run --all-files` or `--files`: files beyond the staged ones were passed,
    /// so the whole work tree is checked as if added (once per pre-commit run, see
    /// [`hook_stamp`]).
    All,
}

/// Decides a hook run's input. `from`/`to` are PRE_COMMIT_FROM_REF/PRE_COMMIT_TO_REF,
/// `files` the file names pre-commit passed, `staged` the staged paths.
pub fn hook_input(
    stage: HookStage,
    from: Option<&str>,
    to: Option<&str>,
    files: &[String],
    staged: &[String],
) -> HookInput {
    let nonempty = |v: Option<&str>| v.map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    if let (Some(from), Some(to)) = (nonempty(from), nonempty(to)) {
        return HookInput::Range { from, to };
    }
    match stage {
        // A push with no ref range: pre-commit found no commit of the branch on the remote,
        // so everything is being pushed.
        HookStage::PrePush => HookInput::All,
        HookStage::PreCommit => {
            let staged: std::collections::BTreeSet<&str> =
                staged.iter().map(String::as_str).collect();
            if files.iter().all(|f| staged.contains(f.as_str())) {
                HookInput::Staged
            } else {
                HookInput::All
            }
        }
    }
}

/// The `gate check` arguments for a hook input.
pub fn hook_check_args(input: &HookInput) -> Vec<String> {
    let mut args = vec!["check".to_string()];
    match input {
        HookInput::Range { from, to } => {
            args.extend(["--base".into(), from.clone(), "--head".into(), to.clone()])
        }
        HookInput::Staged => args.push("--staged".into()),
        HookInput::All => args.extend(["--all".into(), ".".into()]),
    }
    args
}

/// pre-commit splits a long file list over several runs of the hook, one after the other.
/// A whole-tree check runs once: the first run records its exit code in a stamp named after
/// the pre-commit process (the hook's parent), later runs of the same pre-commit reuse it.
pub fn hook_stamp(git_dir: &std::path::Path) -> Option<std::path::PathBuf> {
    #[cfg(unix)]
    {
        let parent = std::os::unix::process::parent_id();
        // The parent's start time (field 22 of /proc/PID/stat) keeps a reused pid apart.
        let started = std::fs::read_to_string(format!("/proc/{parent}/stat"))
            .ok()
            .and_then(|s| {
                s.rsplit_once(')')
                    .and_then(|(_, rest)| rest.split_whitespace().nth(19).map(String::from))
            })
            .unwrap_or_default();
        Some(git_dir.join(format!("gate-hook-{parent}-{started}")))
    }
    #[cfg(not(unix))]
    {
        let _ = git_dir;
        None
    }
}

/// Removes the stamps of pre-commit runs that have ended (their process is gone).
pub fn prune_hook_stamps(keep: &std::path::Path) {
    let Some(dir) = keep.parent() else { return };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix("gate-hook-") else {
            continue;
        };
        let pid = rest.split('-').next().unwrap_or_default();
        if e.path() != keep && !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn a_commit_checks_the_staged_changes() {
        let i = hook_input(
            HookStage::PreCommit,
            None,
            None,
            &v(&["a.py"]),
            &v(&["a.py", "b.py"]),
        );
        assert_eq!(i, HookInput::Staged);
        // `pre-commit run` with nothing passed (pass_filenames off, or nothing staged).
        let i = hook_input(HookStage::PreCommit, None, None, &[], &[]);
        assert_eq!(hook_check_args(&i), v(&["check", "--staged"]));
    }

    #[test]
    fn all_files_checks_the_work_tree() {
        let i = hook_input(
            HookStage::PreCommit,
            None,
            None,
            &v(&["a.py", "old.py"]),
            &v(&["a.py"]),
        );
        assert_eq!(hook_check_args(&i), v(&["check", "--all", "."]));
    }

    #[test]
    fn refs_give_a_range_for_run_and_push() {
        for stage in [HookStage::PreCommit, HookStage::PrePush] {
            let i = hook_input(stage, Some("abc"), Some("def"), &[], &[]);
            assert_eq!(
                hook_check_args(&i),
                v(&["check", "--base", "abc", "--head", "def"])
            );
        }
        // A push of a branch with nothing on the remote: everything.
        let i = hook_input(HookStage::PrePush, Some(""), None, &[], &[]);
        assert_eq!(i, HookInput::All);
    }

    #[test]
    fn init_files_name_this_release() {
        let files = init_files();
        let tag = format!("v{}", env!("CARGO_PKG_VERSION"));
        for (rel, text) in &files {
            assert!(!text.contains("@VERSION@"), "{rel}");
        }
        assert!(files.iter().any(
            |(r, t)| r.ends_with("gate.yml") && t.contains(&format!("change-gate/gate@{tag}"))
        ));
        assert!(files
            .iter()
            .any(|(r, t)| r.ends_with("pre-commit-config.yaml")
                && t.contains(&format!("rev: {tag}"))));
    }

    #[test]
    fn head_branch_from_each_ci() {
        for var in [
            "GITHUB_HEAD_REF",
            "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
            "SYSTEM_PULLREQUEST_SOURCEBRANCH",
            "CHANGE_BRANCH",
            "BITBUCKET_BRANCH",
            "BUILDKITE_BRANCH",
            "CIRCLE_BRANCH",
            "DRONE_SOURCE_BRANCH",
        ] {
            let got = head_branch_from(|k| (k == var).then(|| "refs/heads/copilot/fix-1".into()));
            assert_eq!(got, Some(("copilot/fix-1".to_string(), var)));
        }
        let both = head_branch_from(|k| match k {
            "GATE_HEAD_BRANCH" => Some("devin/1-x".into()),
            "GITHUB_HEAD_REF" => Some("other".into()),
            _ => None,
        });
        assert_eq!(both, Some(("devin/1-x".to_string(), "GATE_HEAD_BRANCH")));
        assert_eq!(head_branch_from(|_| Some("  ".into())), None);
    }
}
