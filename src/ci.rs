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
