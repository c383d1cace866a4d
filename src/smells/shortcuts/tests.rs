//! Fixtures written for these tests: small diffs in the shapes seen in real agent changes.

use super::*;
use crate::change::Hunk;

/// A file with one hunk: `removed` lines at `old`, `added` lines at `new`.
fn file(path: &str, status: FileStatus, new: u32, added: &[&str], removed: &[&str]) -> FileChange {
    let mut f = FileChange::new(path.into(), status);
    let lines = |start: u32, ls: &[&str]| -> Vec<Line> {
        ls.iter()
            .enumerate()
            .map(|(i, t)| Line {
                line: start + i as u32,
                text: t.as_bytes().into(),
            })
            .collect()
    };
    f.hunks.push(Hunk {
        old_start: new,
        old_lines: removed.len() as u32,
        new_start: new,
        new_lines: added.len() as u32,
        added: lines(new, added),
        removed: lines(new, removed),
    });
    f
}

fn modified(path: &str, added: &[&str], removed: &[&str]) -> FileChange {
    file(path, FileStatus::Modified, 10, added, removed)
}

fn is_test(p: &str) -> bool {
    p.starts_with("tests/") || p.contains("_test.") || p.contains(".test.") || p.contains("/test_")
}

fn is_source(p: &str) -> bool {
    crate::paths::language(p).is_some_and(crate::paths::is_source_language)
}

fn bypassed(files: &[FileChange]) -> Vec<Smell> {
    ci_checks_bypassed(files, &mut |_| Ok(None)).expect("no post-image reads fail")
}

fn weakened(files: &[FileChange]) -> Vec<Smell> {
    tests_weakened(files, &is_test, &is_source, &mut |_| Ok(None)).expect("reads")
}

#[test]
fn stems_of_test_files() {
    assert_eq!(stem("tests/test_parser.py"), "parser");
    assert_eq!(stem("pkg/parser_test.go"), "parser");
    assert_eq!(stem("src/parser.spec.ts"), "parser");
    assert_eq!(stem("src/test/java/ParserTest.java"), "parser");
    assert_eq!(stem("src/parser.py"), "parser");
}

#[test]
fn removed_assertions_and_tests_are_weakening() {
    let t = modified(
        "tests/test_billing.py",
        &[],
        &[
            "def test_refund_is_capped():",
            "    assert refund(order, 500) == 100",
            "    assert order.balance == 0",
        ],
    );
    let s = weakened(&[t]);
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0].what, Some("tests_removed"));
    assert!(
        s[0].detail.contains("test_refund_is_capped"),
        "{}",
        s[0].detail
    );
    assert!(
        s[0].detail.contains("2 assertions removed"),
        "{}",
        s[0].detail
    );

    let go = modified(
        "pkg/cache_test.go",
        &[],
        &["\tif got != want {", "\t\tt.Errorf(\"got %v\", got)"],
    );
    assert_eq!(weakened(&[go])[0].what, Some("assertions_removed"));
    let js = modified(
        "src/cart.test.ts",
        &["  // expect(total).toBe(30)"],
        &["  expect(total).toBe(30)"],
    );
    assert_eq!(
        weakened(&[js])[0].what,
        Some("assertions_removed"),
        "commenting out counts"
    );
}

#[test]
fn moves_rewrites_and_matching_code_removals_are_not() {
    // An assertion moved to another test file.
    let a = modified("tests/test_a.py", &[], &["    assert total(cart) == 30"]);
    let b = modified("tests/test_b.py", &["    assert total(cart) == 30"], &[]);
    assert!(weakened(&[a, b]).is_empty());
    // An expected value changed: one assertion out, one in.
    let c = modified(
        "tests/test_c.py",
        &["    assert fee(1) == 3"],
        &["    assert fee(1) == 2"],
    );
    assert!(weakened(&[c]).is_empty());
    // The test goes with the function it tested.
    let src = modified(
        "app/export.py",
        &[],
        &["def export_csv(rows):", "    return ','.join(rows)"],
    );
    let t = modified(
        "tests/test_report.py",
        &[],
        &[
            "def test_export_csv():",
            "    assert export_csv(['a']) == 'a'",
        ],
    );
    assert!(weakened(&[src, t]).is_empty());
    // The test file goes with the module it tested.
    let gone = file(
        "app/legacy.py",
        FileStatus::Deleted,
        0,
        &[],
        &["def old():", "    pass"],
    );
    let tf = file(
        "tests/test_legacy.py",
        FileStatus::Deleted,
        0,
        &[],
        &["def test_old():", "    assert old() is None"],
    );
    assert!(weakened(&[gone, tf]).is_empty());
}

#[test]
fn deleted_test_files_and_skips() {
    let tf = file(
        "tests/test_auth.py",
        FileStatus::Deleted,
        0,
        &[],
        &["def test_login():", "    assert login('a', 'b')"],
    );
    let s = weakened(&[tf]);
    assert_eq!(
        (s.len(), s[0].what),
        (1, Some("test_file_deleted")),
        "{s:?}"
    );

    for (path, line, tool) in [
        (
            "tests/test_sync.py",
            "@pytest.mark.skip(reason=\"flaky\")",
            "pytest",
        ),
        ("tests/test_sync.py", "@pytest.mark.xfail", "pytest"),
        (
            "src/cart.test.ts",
            "  it.skip('applies the discount', () => {",
            "js",
        ),
        ("src/cart.test.ts", "  describe.only('cart', () => {", "js"),
        ("pkg/sync_test.go", "\tt.Skip(\"flaky on CI\")", "go"),
        ("src/lib.rs", "    #[ignore]", "rust"),
    ] {
        let s = weakened(&[modified(path, &[line], &[])]);
        assert_eq!(s.len(), 1, "{path}: {line}");
        assert_eq!(
            (s[0].what, s[0].tool.as_deref()),
            (Some("skip_added"), Some(tool))
        );
    }
    // A skip that was already there, moved.
    let m = modified(
        "tests/test_sync.py",
        &["@pytest.mark.skip(reason=\"flaky\")"],
        &["@pytest.mark.skip(reason=\"flaky\")"],
    );
    assert!(weakened(&[m]).is_empty());
    // Rust: a #[test] removed from a source file's test module.
    let r = modified(
        "src/parse.rs",
        &[],
        &[
            "    #[test]",
            "    fn parses_empty() {",
            "        assert_eq!(parse(\"\"), None);",
        ],
    );
    assert_eq!(weakened(&[r])[0].what, Some("tests_removed"));
}

#[test]
fn suppressions_are_found_and_netted() {
    for (line, tool, security) in [
        ("x = load(path)  # type: ignore[arg-type]", "mypy", false),
        ("import os  # noqa: F401", "flake8/ruff", false),
        (
            "subprocess.call(cmd, shell=True)  # nosec B602",
            "bandit",
            true,
        ),
        (
            "// eslint-disable-next-line @typescript-eslint/no-explicit-any",
            "eslint",
            false,
        ),
        ("  // @ts-ignore", "typescript", false),
        ("\tresp, _ := http.Get(url) //nolint:gosec", "gosec", true),
        (
            "\tdefer f.Close() //nolint:errcheck",
            "golangci-lint",
            false,
        ),
        (
            "#[allow(clippy::too_many_arguments)]",
            "rustc/clippy",
            false,
        ),
        ("@SuppressWarnings(\"unchecked\")", "javac", false),
        ("# rubocop:disable Metrics/MethodLength", "rubocop", false),
        ("  #checkov:skip=CKV_AWS_20:public site", "checkov", true),
    ] {
        let got = suppressions_in(line);
        assert_eq!(got.len(), 1, "{line}: {got:?}");
        assert_eq!((got[0].0, got[0].1), (tool, security), "{line}");
    }
    // In a string literal it is data, not a suppression.
    assert!(suppressions_in("    PATTERN = \"# type: ignore\"").is_empty());
    assert!(suppressions_in("let re = \"//nolint\";").is_empty());

    let f = modified(
        "app/io.py",
        &[
            "a = f()  # type: ignore",
            "b = g()  # type: ignore",
            "import os  # noqa",
        ],
        &["import os  # noqa"],
    );
    let s = suppressions_added(&[f], &|_| true);
    assert_eq!(s.len(), 1);
    assert_eq!((s[0].count, s[0].security), (Some(2), false), "{s:?}");
    assert!(
        s[0].detail.contains("`# type: ignore` ×2"),
        "{}",
        s[0].detail
    );
}

#[test]
fn settings_relaxed_in_linters_type_checkers_and_coverage() {
    let cases: Vec<(FileChange, &str, &str)> = vec![
        (
            modified(
                ".eslintrc.json",
                &["    \"no-console\": \"off\","],
                &["    \"no-console\": \"error\","],
            ),
            "rule_disabled",
            "no-console",
        ),
        (
            modified(
                "tsconfig.json",
                &["    \"strict\": false,"],
                &["    \"strict\": true,"],
            ),
            "check_disabled",
            "strict",
        ),
        (
            modified("tsconfig.json", &["    \"skipLibCheck\": true,"], &[]),
            "check_disabled",
            "skipLibCheck",
        ),
        (
            modified("mypy.ini", &["ignore_missing_imports = True"], &[]),
            "check_disabled",
            "ignore_missing_imports",
        ),
        (
            modified(
                "pyproject.toml",
                &["disallow_untyped_defs = false"],
                &["disallow_untyped_defs = true"],
            ),
            "check_disabled",
            "disallow_untyped_defs",
        ),
        (
            modified(
                "pyproject.toml",
                &["ignore = [\"E501\", \"F401\"]"],
                &["ignore = [\"E501\"]"],
            ),
            "list_grown",
            "F401",
        ),
        (
            modified("pyproject.toml", &["fail_under = 70"], &["fail_under = 85"]),
            "threshold_lowered",
            "85",
        ),
        (
            modified(
                "package.json",
                &["        \"lines\": 60,"],
                &["        \"lines\": 80,"],
            ),
            "threshold_lowered",
            "lines",
        ),
        (
            modified(
                "Cargo.toml",
                &["unsafe_code = \"allow\""],
                &["unsafe_code = \"forbid\""],
            ),
            "rule_disabled",
            "unsafe_code",
        ),
        (
            modified(".rubocop.yml", &["  Enabled: false"], &[]),
            "rule_disabled",
            "Enabled",
        ),
    ];
    for (f, what, word) in cases {
        let got = relaxed_in(&f, config_tool(&f.path).expect("a config file"), None);
        assert!(!got.is_empty(), "{}: nothing found", f.path);
        assert_eq!(got[0].1, what, "{}: {got:?}", f.path);
        assert!(got[0].2.contains(word), "{}: {got:?}", f.path);
    }
    // List items under an "off" key, found from the post-image.
    let post = "linters:\n  disable:\n    - errcheck\n    - gosec\n  enable:\n    - govet\n";
    let g = file(
        ".golangci.yml",
        FileStatus::Modified,
        4,
        &["    - gosec"],
        &[],
    );
    let got = relaxed_in(&g, "golangci-lint", Some(post));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].2.contains("`gosec` to `disable`"), "{got:?}");
    let e = file(
        ".golangci.yml",
        FileStatus::Modified,
        6,
        &[],
        &["    - staticcheck"],
    );
    let got = relaxed_in(&e, "golangci-lint", Some(post));
    assert_eq!(got[0].1, "list_shrunk", "{got:?}");
    // Stricter settings, version bumps and unrelated keys are not relaxations.
    for (f, post) in [
        (
            modified(
                "tsconfig.json",
                &["    \"strict\": true,"],
                &["    \"strict\": false,"],
            ),
            None,
        ),
        (
            modified(
                "package.json",
                &["  \"version\": \"1.2.0\","],
                &["  \"version\": \"1.3.0\","],
            ),
            None,
        ),
        (
            modified("package.json", &["    \"private\": false,"], &[]),
            None,
        ),
        (
            modified("pyproject.toml", &["fail_under = 90"], &["fail_under = 85"]),
            None,
        ),
        (
            modified(
                ".eslintrc.json",
                &["    \"no-console\": \"error\","],
                &["    \"no-console\": \"off\","],
            ),
            None,
        ),
        (
            file(
                "pyproject.toml",
                FileStatus::Modified,
                3,
                &["    \"requests>=2\","],
                &[],
            ),
            Some("[project]\ndependencies = [\n    \"requests>=2\",\n]\n"),
        ),
    ] {
        let got = relaxed_in(&f, config_tool(&f.path).expect("config"), post);
        assert!(got.is_empty(), "{}: {got:?}", f.path);
    }
}

#[test]
fn ci_checks_made_non_blocking_or_removed() {
    for (line, what) in [
        ("        continue-on-error: true", "continue_on_error"),
        ("    if: false", "if_false"),
        ("    if: ${{ false }}", "if_false"),
        ("        run: pytest -q || true", "or_true"),
        ("        run: npm run lint || exit 0", "or_true"),
    ] {
        let s = bypassed(&[modified(".github/workflows/ci.yml", &[line], &[])]);
        assert_eq!((s.len(), s[0].what), (1, Some(what)), "{line}: {s:?}");
    }
    let gl = bypassed(&[modified(".gitlab-ci.yml", &["  allow_failure: true"], &[])]);
    assert_eq!(gl[0].what, Some("allow_failure"));
    // A test step dropped, and not run anywhere else.
    let rm = bypassed(&[modified(
        ".github/workflows/ci.yml",
        &[],
        &["      - run: cargo test --all"],
    )]);
    assert_eq!(rm[0].what, Some("check_removed"), "{rm:?}");
    // A test step moved to another workflow; `|| true` on a non-check command.
    let a = modified(
        ".github/workflows/ci.yml",
        &[],
        &["      - run: cargo test --all"],
    );
    let b = modified(
        ".github/workflows/test.yml",
        &["      - run: cargo test --all"],
        &[],
    );
    assert!(bypassed(&[a, b]).is_empty());
    let ok = modified(
        ".github/workflows/ci.yml",
        &[
            "        run: docker rm -f db || true",
            "    if: github.event_name == 'push'",
        ],
        &[],
    );
    assert!(bypassed(&[ok]).is_empty());
    // Not a CI file.
    assert!(bypassed(&[modified("docs/ci.md", &["continue-on-error: true"], &[])]).is_empty());
}

#[test]
fn agent_instruction_files() {
    for (path, tool) in [
        ("AGENTS.md", "agents.md"),
        ("services/api/AGENTS.md", "agents.md"),
        ("CLAUDE.md", "claude"),
        (".claude/settings.json", "claude"),
        (".claude/commands/review.md", "claude"),
        (".cursorrules", "cursor"),
        (".cursor/rules/testing.mdc", "cursor"),
        (".github/copilot-instructions.md", "copilot"),
        (".github/instructions/go.instructions.md", "copilot"),
        (".windsurfrules", "windsurf"),
        ("GEMINI.md", "gemini"),
        (".kiro/steering/tech.md", "kiro"),
    ] {
        assert_eq!(instruction_file(path), Some(tool), "{path}");
    }
    for path in [
        "README.md",
        "docs/agents.txt",
        "src/agents.md.rs",
        "CONTRIBUTING.md",
        // Documentation pages named like the files (seen in OpenHands and aider).
        "docs/usage/agents.md",
        "aider/website/docs/llms/gemini.md",
        ".kiro/specs/websocket-fixes/design.md",
    ] {
        assert_eq!(instruction_file(path), None, "{path}");
    }
    let s = instructions_changed(&[
        modified(
            "CLAUDE.md",
            &["- Never run the full test suite"],
            &["- Run the full test suite"],
        ),
        file(
            ".cursorrules",
            FileStatus::Deleted,
            0,
            &[],
            &["Use strict types"],
        ),
    ]);
    assert_eq!(s.len(), 2);
    assert_eq!((s[0].what, s[1].what), (Some("modified"), Some("deleted")));
}

#[test]
fn skips_in_new_files_new_tests_and_reworded_skips_are_not_weakening() {
    // A new test file that skips without a database (seen in steveyegge/beads).
    let new_file = file(
        "cmd/bd/reset_test.go",
        FileStatus::Added,
        1,
        &[
            "func TestReset(t *testing.T) {",
            "\tif testing.Short() {",
            "\t\tt.Skip(\"needs git\")",
            "\t}",
            "}",
        ],
        &[],
    );
    assert!(weakened(&[new_file]).is_empty());
    // A new test in an existing file, gated on an environment variable.
    let new_test = modified(
        "tests/runtime/test_llm.py",
        &[
            "@pytest.mark.skipif(not os.getenv('LLM_API_KEY'), reason='needs a key')",
            "def test_llm_roundtrip():",
            "    assert call() == 1",
        ],
        &[],
    );
    assert!(weakened(&[new_test]).is_empty());
    let new_subtest = modified(
        "pkg/sync_test.go",
        &[
            "\tt.Run(\"windows paths\", func(t *testing.T) {",
            "\t\tt.Skip(\"unix only\")",
            "\t})",
        ],
        &[],
    );
    assert!(weakened(&[new_subtest]).is_empty());
    // The reason of an existing skip reworded.
    let reworded = modified(
        "internal/labels_test.go",
        &["\tt.Skip(\"nested query issue in embedded mode\")"],
        &["\tt.Skip(\"nested query issue in Dolt mode\")"],
    );
    assert!(weakened(&[reworded]).is_empty());
    // A skip added at the top of an existing test still counts.
    let existing = modified(
        "e2e/signup.test.ts",
        &["    test.skip(); // Skipped until Clerk is removed"],
        &[],
    );
    assert_eq!(weakened(&[existing])[0].what, Some("skip_added"));
}

#[test]
fn assertions_that_follow_a_code_change_are_not_weakening() {
    // The code drops the `perPage` parameter; the test stops asserting it.
    let code = modified(
        "pkg/github/search.go",
        &["\t\tWithCursorPagination(),"],
        &["\t\tmcp.WithNumber(\"perPage\"),"],
    );
    let test = modified(
        "pkg/github/search_test.go",
        &[],
        &["\tassert.Contains(t, tool.InputSchema.Properties, \"perPage\")"],
    );
    assert!(weakened(&[code.clone(), test.clone()]).is_empty());
    // Without the code change it is a removed assertion.
    assert_eq!(weakened(&[test])[0].what, Some("assertions_removed"));
}

#[test]
fn one_marker_is_one_suppression_and_moves_between_files_net_out() {
    let got = suppressions_in("\tcmd := exec.Command(name) // #nosec G204 -- name is validated");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].0, got[0].1), ("bandit", true));
    // Code moved from one file to another with its suppression.
    let from = modified("app/old.py", &[], &["x = load(p)  # type: ignore"]);
    let to = modified("app/new.py", &["x = load(p)  # type: ignore"], &[]);
    assert!(suppressions_added(&[from, to], &|_| true).is_empty());
    // Moved out of a file whose own additions are not read (a Vue component, mealie
    // 3d1b08779bc6) into a TypeScript module.
    let from = modified("src/Label.vue", &[], &["// @ts-ignore missing color types"]);
    let to = modified("src/color.ts", &["// @ts-ignore missing color types"], &[]);
    assert!(suppressions_added(&[from, to], &|p| p.ends_with(".ts")).is_empty());
}

#[test]
fn replaced_checks_new_workflows_vendored_ci_and_reworded_markers_are_not_bypasses() {
    let ci = ".github/workflows/ci.yml";
    // unittest -> pytest, npm -> pnpm, go test -> the project's script.
    for (from, to) in [
        (
            "        python -m unittest discover -s aider/tests",
            "        pytest aider/tests",
        ),
        ("        run: npm test", "        run: pnpm test"),
        (
            "        run: go test -race ./...",
            "        run: script/test",
        ),
    ] {
        assert!(
            bypassed(&[modified(ci, &[to], &[from])]).is_empty(),
            "{from} -> {to}"
        );
    }
    // Removed and not replaced: still reported.
    let gone = modified(
        ci,
        &["        run: npm run build"],
        &["        run: npm test"],
    );
    assert_eq!(bypassed(&[gone])[0].what, Some("check_removed"));
    // A new workflow that starts disabled, and vendored code's CI.
    let new_wf = file(
        ".github/workflows/pre-commit.yml",
        FileStatus::Added,
        1,
        &[
            "jobs:",
            "  pre-commit:",
            "    if: false",
            "    steps:",
            "      - run: pre-commit run --all-files",
        ],
        &[],
    );
    assert!(bypassed(&[new_wf]).is_empty());
    let vendored = file(
        "third-party/github.com/x/.travis.yml",
        FileStatus::Deleted,
        0,
        &[],
        &["script: make test"],
    );
    assert!(bypassed(&[vendored]).is_empty());
    // continue-on-error that was there, its comment reworded.
    let reworded = modified(
        ci,
        &["    continue-on-error: true  # Windows tests time out"],
        &["    continue-on-error: true  # Windows is slow"],
    );
    assert!(bypassed(&[reworded]).is_empty());
    let added = modified(ci, &["    continue-on-error: true"], &[]);
    assert_eq!(bypassed(&[added])[0].what, Some("continue_on_error"));
}

#[test]
fn expectations_changed_to_a_new_value_are_not_weakening() {
    // Two checks on the old pagination parameters replaced by one on the new one.
    let t = modified(
        "pkg/api/list_test.go",
        &["\tassert.Contains(t, schema.Properties, \"token\")"],
        &[
            "\tassert.Contains(t, schema.Properties, \"offset\")",
            "\tassert.Contains(t, schema.Properties, \"limit\")",
        ],
    );
    assert!(weakened(&[t]).is_empty());
    // Six visibility checks dropped for one of the same shape: the file drops checks.
    let removed: Vec<String> = (0..6)
        .map(|i| format!("  await expect(page.getByText('Row {i}')).toBeVisible();"))
        .collect();
    let removed: Vec<&str> = removed.iter().map(String::as_str).collect();
    let t = modified(
        "tests/e2e/report.test.ts",
        &["  await expect(page.getByText('Total')).toBeVisible();"],
        &removed,
    );
    let s = weakened(&[t]);
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0].what, Some("assertions_removed"));
}

#[test]
fn error_guards_of_removed_setup_are_not_weakening() {
    // `os.MkdirTemp` and its error check replaced by `t.TempDir()`.
    let t = modified(
        "internal/store/store_test.go",
        &["\tdir := t.TempDir()"],
        &[
            "\tdir, err := os.MkdirTemp(\"\", \"store-*\")",
            "\tif err != nil {",
            "\t\tt.Fatal(err)",
            "\t}",
            "\tdefer os.RemoveAll(dir)",
        ],
    );
    let s = weakened(&[t]);
    assert!(s.is_empty(), "{s:?}");
    // The error check alone removed, the call it checked kept: weakening.
    let t = modified(
        "internal/store/store_test.go",
        &[],
        &[
            "\tif err != nil {",
            "\t\tt.Fatalf(\"open: %v\", err)",
            "\t}",
        ],
    );
    assert_eq!(weakened(&[t]).len(), 1);
}

#[test]
fn agents_scratch_scripts_at_the_top_are_not_test_files() {
    let is_test = |p: &str| is_test(p) || name_of(p).starts_with("test_");
    let script = |path: &str, last: &str| {
        file(
            path,
            FileStatus::Deleted,
            0,
            &[],
            &[
                "#!/usr/bin/env python3",
                "from billing import refund",
                "def test_refund_cap():",
                "    assert refund(500) == 100",
                "if __name__ == \"__main__\":",
                last,
            ],
        )
    };
    let run = |f: FileChange| {
        tests_weakened(&[f], &is_test, &is_source, &mut |_| Ok(None)).expect("reads")
    };
    // A throwaway check an agent ran by hand, removed when it is done.
    assert!(run(script(
        "test_refund_fix.py",
        "    test_refund_cap(); print('ok')"
    ))
    .is_empty());
    // The same file in the test tree, or a unittest module at the top, is a test.
    let s = run(script("tests/test_refund.py", "    test_refund_cap()"));
    assert_eq!(s[0].what, Some("test_file_deleted"), "{s:?}");
    let s = run(script("test_refund.py", "    unittest.main()"));
    assert_eq!(s[0].what, Some("test_file_deleted"), "{s:?}");
}

/// A reader of fixed post-images.
fn bypassed_with(files: &[FileChange], images: &[(&str, &str)]) -> Vec<Smell> {
    let images: HashMap<String, String> = images
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    ci_checks_bypassed(files, &mut |p| Ok(images.get(p).cloned())).expect("reads")
}

#[test]
fn checks_moved_to_pre_commit_an_action_or_one_run_are_not_removed() {
    let ci = ".github/workflows/lint.yml";
    // mypy and ruff steps replaced by a pre-commit run; installing a tool is no check.
    let to_pre_commit = modified(
        ci,
        &[
            "      - name: Run pre-commit hooks",
            "        run: pre-commit run --all-files",
        ],
        &[
            "      - name: Install dependencies",
            "        run: pip install ruff mypy==1.9.0",
            "      - name: Run mypy",
            "        run: python -m mypy --config-file mypy.ini src/",
            "      - name: Run ruff",
            "        run: ruff check src/",
        ],
    );
    assert!(bypassed(&[to_pre_commit]).is_empty());
    // A downloaded linter binary replaced by the linter's action.
    let to_action = modified(
        ci,
        &["        uses: golangci/golangci-lint-action@v6"],
        &[
            "          curl -fsSL https://example.test/golangci-lint-1.0-linux.tar.gz | tar xz",
            "          mkdir -p bin && mv golangci-lint bin/",
            "          bin/golangci-lint run --timeout=3m || STATUS=$?",
        ],
    );
    assert!(bypassed(&[to_action]).is_empty());
    // Two pytest runs folded into one.
    let one_run = modified(
        ".github/workflows/tests.yml",
        &["        run: pytest"],
        &[
            "        run: pytest --ignore=tests/test_slow.py",
            "        run: pytest tests/test_slow.py",
        ],
    );
    assert!(bypassed(&[one_run]).is_empty());
    // A step name that mentions a tool runs nothing.
    let renamed = modified(
        ci,
        &["      - name: Lint"],
        &["      - name: Run rspec and rubocop"],
    );
    assert!(bypassed(&[renamed]).is_empty());
}

#[test]
fn a_removed_job_whose_command_still_runs_is_not_a_removed_check() {
    let ci = ".github/workflows/ci.yml";
    let removed_job = [
        "  test-windows:",
        "    runs-on: windows-latest",
        "    steps:",
        "      - run: yarn install --frozen-lockfile",
        "      - run: yarn test",
    ];
    // Windows moved into the main job's matrix, which runs `yarn test`.
    let after = "jobs:\n  test:\n    strategy:\n      matrix:\n        os: [ubuntu-latest, windows-latest]\n    steps:\n      - run: yarn install --frozen-lockfile\n      - run: yarn test\n";
    let f = modified(
        ci,
        &["        os: [ubuntu-latest, windows-latest]"],
        &removed_job,
    );
    assert!(bypassed_with(&[f], &[(ci, after)]).is_empty());
    // The only test job removed: reported.
    let after = "jobs:\n  build:\n    steps:\n      - run: yarn build\n";
    let f = modified(ci, &["      - run: yarn build"], &removed_job);
    let s = bypassed_with(&[f], &[(ci, after)]);
    assert_eq!(s[0].what, Some("check_removed"), "{s:?}");
}

#[test]
fn markers_count_on_steps_and_jobs_that_run_checks() {
    let ci = ".github/workflows/release.yml";
    let after = "jobs:\n  release:\n    steps:\n      - name: Package\n        run: yarn package\n      - name: Publish to the marketplace\n        run: yarn publish-ext\n        continue-on-error: true\n        env:\n          TOKEN: x\n";
    let line = after
        .lines()
        .position(|l| l.contains("continue-on-error"))
        .expect("the marker is in the fixture") as u32
        + 1;
    let mk = |line: u32| {
        file(
            ci,
            FileStatus::Modified,
            line,
            &["        continue-on-error: true"],
            &[],
        )
    };
    // A publish step allowed to fail checks nothing.
    assert!(bypassed_with(&[mk(line)], &[(ci, after)]).is_empty());
    // A job named for a test, allowed to fail, running a build-and-run script.
    let after = "jobs:\n  test-nix:\n    runs-on: ubuntu-latest\n    continue-on-error: true\n    steps:\n      - run: nix run .#default -- --help > help.txt\n";
    let s = bypassed_with(&[mk(4)], &[(ci, after)]);
    assert_eq!(s[0].what, Some("continue_on_error"), "{s:?}");
    // A step running the tests, allowed to fail.
    let after = "jobs:\n  build:\n    steps:\n      - name: Unit\n        run: cargo test\n        continue-on-error: true\n";
    let s = bypassed_with(&[mk(6)], &[(ci, after)]);
    assert_eq!(s[0].what, Some("continue_on_error"), "{s:?}");
}

#[test]
fn a_test_file_deleted_with_its_misspelled_code_goes_with_it() {
    let spec = file(
        "spec/services/payout_contry_rules_spec.rb",
        FileStatus::Deleted,
        0,
        &[],
        &[
            "  it 'allows US' do",
            "    expect(rules.allowed?('US')).to be true",
        ],
    );
    let code = file(
        "app/services/payout_country_rules.rb",
        FileStatus::Deleted,
        0,
        &[],
        &["class PayoutCountryRules; end"],
    );
    let is_test = |p: &str| p.starts_with("spec/");
    assert!(
        tests_weakened(&[spec.clone(), code], &is_test, &is_source, &mut |_| Ok(
            None
        ))
        .expect("reads")
        .is_empty()
    );
    assert_eq!(
        tests_weakened(&[spec], &is_test, &is_source, &mut |_| Ok(None))
            .expect("reads")
            .len(),
        1
    );
    assert!(one_edit_apart("contrysupport", "countrysupport"));
    assert!(!one_edit_apart("parser", "parsers"));
}

#[test]
fn a_section_the_change_adds_is_a_new_configuration_not_a_relaxed_one() {
    // Docstring rules turned on, with the missing-docstring ones left out.
    let post = "[tool.black]\nline-length = 100\n\n[tool.ruff.lint]\nselect = [\"D\"]\nignore = [\"D1\"]\n";
    let new_section = file(
        "pyproject.toml",
        FileStatus::Modified,
        4,
        &["[tool.ruff.lint]", "select = [\"D\"]", "ignore = [\"D1\"]"],
        &[],
    );
    assert!(relaxed_in(&new_section, "python", Some(post)).is_empty());
    // The same entry added to a section that was there: relaxed.
    let grown = file(
        "pyproject.toml",
        FileStatus::Modified,
        6,
        &["ignore = [\"D1\"]"],
        &["ignore = []"],
    );
    let got = relaxed_in(&grown, "python", Some(post));
    assert_eq!(got[0].1, "list_grown", "{got:?}");
}

#[test]
fn build_output_and_tests_left_out_of_coverage_are_routine() {
    for (f, tool, post) in [
        (
            modified(
                "tsconfig.json",
                &["  \"exclude\": [\"node_modules\", \"dist/**\"]"],
                &["  \"exclude\": []"],
            ),
            "typescript",
            None,
        ),
        (
            file(
                "codecov.yml",
                FileStatus::Modified,
                2,
                &["  - \"**/*_test.go\"", "  - \"**/testdata/**\""],
                &[],
            ),
            "codecov",
            Some("ignore:\n  - \"**/*_test.go\"\n  - \"**/testdata/**\"\n"),
        ),
        (
            modified(".coveragerc", &["omit = [\"tests/*\"]"], &["omit = []"]),
            "coverage",
            None,
        ),
    ] {
        let got = relaxed_in(&f, tool, post);
        assert!(got.is_empty(), "{}: {got:?}", f.path);
    }
    // Source left out of the type checker, or tests left out of the linter: relaxed.
    let src = modified(
        "tsconfig.json",
        &["  \"exclude\": [\"src/legacy\"]"],
        &["  \"exclude\": []"],
    );
    assert_eq!(relaxed_in(&src, "typescript", None).len(), 1);
    let lint = modified("ruff.toml", &["exclude = [\"tests/*\"]"], &["exclude = []"]);
    assert_eq!(relaxed_in(&lint, "ruff", None).len(), 1);
}

/// Patterns a reviewer called wrong on real human commits (#15's replay): timeout guards
/// dropped for `testing/synctest`, cases folded into one loop test, a test removed with the
/// request parameter it exercised.
#[test]
fn timeout_guards_folded_tests_and_tests_of_removed_parameters_are_not_weakening() {
    let go = modified(
        "pkg/reload_test.go",
        &[
            "\tsynctest.Test(t, func(t *testing.T) {",
            "\t\t<-done",
            "\t})",
        ],
        &[
            "\tselect {",
            "\tcase <-done:",
            "\tcase <-time.After(2 * time.Second):",
            "\t\tt.Fatal(\"reload did not return\")",
            "\t}",
        ],
    );
    assert!(weakened(&[go]).is_empty());
    // A failure after a comparison is an assertion.
    let go = modified(
        "pkg/reload_test.go",
        &[],
        &["\tif got != want {", "\t\tt.Fatalf(\"got %v\", got)", "\t}"],
    );
    assert_eq!(weakened(&[go])[0].what, Some("assertions_removed"));

    let folded = modified(
        "tests/test_notify.py",
        &[
            "    def test_disables_on_403(self):",
            "        for m in messages:",
            "            self.assertTrue(self.ch.disabled)",
        ],
        &[
            "    def test_disables_on_403_expired(self):",
            "        self.assertTrue(self.ch.disabled)",
            "    def test_disables_on_403_revoked(self):",
            "        self.assertTrue(self.ch.disabled)",
        ],
    );
    assert!(weakened(&[folded]).is_empty());
    // Removed without a broader test: reported once per test, each name once.
    let dropped = modified(
        "tests/test_notify.py",
        &[],
        &[
            "    def test_disables_on_403_expired(self):",
            "        self.assertTrue(self.ch.disabled)",
        ],
    );
    let s = weakened(&[dropped]);
    assert_eq!(
        s[0].detail,
        "1 test removed (test_disables_on_403_expired), 1 assertion removed"
    );

    let code = modified(
        "app/routes/members.py",
        &["    def list_members(self, q: Page = Depends()):"],
        &[
            "    def list_members(self, team_id: str | None = Query(None, alias=\"teamId\")):",
            "        flt = f\"team_id={team_id}\" if team_id else None",
        ],
    );
    let test = modified(
        "tests/test_members.py",
        &[
            "def test_get_member(client, user):",
            "    r = client.get(routes.member(user.id))",
            "    assert r.status_code == 200",
        ],
        &[
            "def test_list_members_filtered(client, user):",
            "    r = client.get(routes.members, params={\"teamId\": user.team_id})",
            "    assert r.status_code == 200",
            "    assert len(r.json()) >= 1",
        ],
    );
    assert!(weakened(&[code, test.clone()]).is_empty());
    // With the parameter still in the code, the check is gone.
    assert_eq!(weakened(&[test])[0].what, Some("assertions_removed"));
}

/// Steps and their checks moved into a shared helper the change extends are no removal.
#[test]
fn checks_moved_into_a_helper_the_change_extends_are_not_weakening() {
    let spec = modified(
        "tests/e2e/login.spec.ts",
        &["    await signIn(page, users.alice, { otp: true });"],
        &[
            "    await page.getByLabel('Password').fill(users.alice.password);",
            "    await expect(page.getByRole('heading', { name: 'Enter your code' })).toBeVisible();",
        ],
    );
    let helper = modified(
        "tests/e2e/helpers/session.ts",
        &[
            "export async function signIn(page: Page, user: User, opts: { otp?: boolean } = {}) {",
            "        await expect(page.getByRole('heading', { name: 'Enter your code' })).toBeVisible();",
        ],
        &["export async function signIn(page: Page, user: User) {"],
    );
    assert!(weakened(&[spec.clone(), helper]).is_empty());
    // A call of a helper the change does not touch hides nothing it could have moved.
    assert_eq!(weakened(&[spec])[0].what, Some("assertions_removed"));
}

#[test]
fn an_expectation_rewritten_in_place_is_not_weakening() {
    // Two checks on a spy replaced by two on the hook that replaced the call (OpenHands'
    // conversation panel): one removed per one added in the same hunk.
    let t = modified(
        "frontend/__tests__/panel.test.tsx",
        &[
            "    expect(mockStopMutate).toHaveBeenCalledWith({",
            "      conversationId: \"1\",",
            "    });",
            "    expect(mockStopMutate).toHaveBeenCalledTimes(1);",
        ],
        &[
            "    expect(stopSpy).toHaveBeenCalledWith(\"1\");",
            "    expect(stopSpy).toHaveBeenCalledTimes(1);",
        ],
    );
    let s = weakened(&[t]);
    assert!(s.is_empty(), "{s:?}");
    // Three checks for one in the same hunk: two dropped.
    let t = modified(
        "tests/test_refund.py",
        &["    assert r.ok"],
        &[
            "    assert r.amount == 100",
            "    assert r.currency == 'EUR'",
            "    assert r.ok",
        ],
    );
    let s = weakened(&[t]);
    assert_eq!(s.len(), 1, "{s:?}");
    assert!(
        s[0].detail.contains("2 assertions removed"),
        "{}",
        s[0].detail
    );
}

#[test]
fn a_dead_setup_guard_and_a_message_over_lines_count_as_nothing_and_one() {
    // A guard of a fixture's creation whose call the change replaced (`store :=
    // teststore.New(t)` returns no error): removed with its `if`, nothing reads `err`.
    let t = modified(
        "cmd/app/config_test.go",
        &[],
        &[
            "\ttestDB := filepath.Join(tmpDir, \"test.db\")",
            "\tif err != nil {",
            "\t\tos.RemoveAll(tmpDir)",
            "\t\tt.Fatalf(\"Failed to create test database: %v\", err)",
            "\t}",
        ],
    );
    let s = weakened(&[t]);
    assert!(s.is_empty(), "{s:?}");
    // One check whose message runs over four `t.Error` calls, replaced by the opposite
    // expectation: one removed, one added in place.
    let t = modified(
        "internal/autoimport/symlink_test.go",
        &[
            "\tif stale {",
            "\t\tt.Error(\"Expected stale=false (the database is the source of truth)\")",
        ],
        &[
            "\tif !stale {",
            "\t\tt.Error(\"Expected stale=true when the symlink is newer\")",
            "\t\tt.Error(\"This indicates os.Stat is being used instead of os.Lstat\")",
            "\t\tt.Error(\"os.Stat follows the symlink\")",
        ],
    );
    let s = weakened(&[t]);
    assert!(s.is_empty(), "{s:?}");
    // A check of the code under test dropped next to a setup guard is still reported.
    let t = modified(
        "internal/rpc/sync_test.go",
        &["\tt.Logf(\"dry-run ChangedCount=%d\", result.ChangedCount)"],
        &[
            "\tif result.ChangedCount != 1 {",
            "\t\tt.Errorf(\"expected 1 changed issue, got %d\", result.ChangedCount)",
            "\t}",
        ],
    );
    assert_eq!(weakened(&[t]).len(), 1);
}

#[test]
fn an_environment_gate_in_a_new_helper_is_no_skip() {
    // A helper the change adds that skips when a tool is not installed.
    let t = modified(
        "cmd/app/doctor/fix/validation_test.go",
        &[
            "// skipIfNoDolt skips the test if dolt binary is not available.",
            "func skipIfNoDolt(t *testing.T) {",
            "\tt.Helper()",
            "\tif _, err := exec.LookPath(\"dolt\"); err != nil {",
            "\t\tt.Skip(\"dolt binary not in PATH, skipping test\")",
            "\t}",
            "}",
        ],
        &[],
    );
    let s = weakened(&[t]);
    assert!(s.is_empty(), "{s:?}");
    // The same gate added to a test that was there: reported.
    let t = modified(
        "cmd/app/doctor/fix/validation_test.go",
        &[
            "\tif _, err := exec.LookPath(\"dolt\"); err != nil {",
            "\t\tt.Skip(\"dolt binary not in PATH, skipping test\")",
            "\t}",
        ],
        &[],
    );
    assert_eq!(weakened(&[t]).len(), 1);
    // A skip without a gate in a new helper: reported (every caller is switched off).
    let t = modified(
        "cmd/app/export_test.go",
        &["func skipFlaky(t *testing.T) {", "\tt.Skip(\"flaky\")", "}"],
        &[],
    );
    assert_eq!(weakened(&[t]).len(), 1);
}

#[test]
fn a_change_weakening_many_test_files_gets_one_finding() {
    let skip = |p: &str| {
        modified(
            p,
            &["\tt.Skip(\"not applicable with the new backend\")"],
            &[],
        )
    };
    let files = vec![
        skip("internal/a_test.go"),
        skip("internal/b_test.go"),
        skip("internal/c_test.go"),
        modified(
            "internal/d_test.go",
            &[],
            &["\tassert.Equal(t, 1, n)", "\tassert.Equal(t, 2, m)"],
        ),
    ];
    let s = weakened(&files);
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0].files, Some(4));
    assert_eq!(
        s[0].path, "internal/d_test.go",
        "the file with the most removed"
    );
    assert_eq!(s[0].count, Some(5));
    assert!(
        s[0].detail.starts_with(
            "tests weakened in 4 files (1 files with assertions removed, 3 files with skips added): internal/d_test.go (2 assertions removed), internal/a_test.go (1 skip"
        ),
        "{}",
        s[0].detail
    );
    // Three files: one finding each.
    assert_eq!(weakened(&files[..3]).len(), 3);
}

fn relaxed_with(files: &[FileChange], images: &[(&str, &str)]) -> Vec<Smell> {
    let images: Vec<(String, String)> = images
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    settings_relaxed(
        files,
        &mut |p| Ok(images.iter().find(|(q, _)| q == p).map(|(_, t)| t.clone())),
        &mut |_| Ok(None),
    )
    .expect("no post-image reads fail")
}

/// `relaxed_with`, and `tree` the files of the repository after the change.
fn relaxed_in_tree(files: &[FileChange], images: &[(&str, &str)], tree: &[&str]) -> Vec<Smell> {
    settings_relaxed(
        files,
        &mut |p| {
            Ok(images
                .iter()
                .find(|(q, _)| *q == p)
                .map(|(_, t)| t.to_string()))
        },
        &mut |dir| {
            Ok(Some(
                tree.iter()
                    .filter(|p| p.starts_with(&format!("{dir}/")))
                    .map(|p| p.to_string())
                    .collect(),
            ))
        },
    )
    .expect("no post-image reads fail")
}

#[test]
fn new_configs_moved_settings_and_reformatted_lists_are_not_relaxed() {
    // A configuration file the change adds.
    let new = file(
        "pkg/tool/eslint.config.mjs",
        FileStatus::Added,
        1,
        &[
            "export default [{ rules: {",
            "  \"no-explicit-any\": \"off\",",
            "} }];",
        ],
        &[],
    );
    assert!(relaxed_with(&[new], &[]).is_empty());
    // A shared configuration inlined: the setting leaves the deleted file as it arrives.
    let inlined = modified("app/tsconfig.json", &["    \"skipLibCheck\": true,"], &[]);
    let shared = file(
        "tooling/tsconfig/base.json",
        FileStatus::Deleted,
        1,
        &[],
        &["    \"skipLibCheck\": true"],
    );
    assert!(relaxed_with(&[inlined.clone(), shared], &[]).is_empty());
    assert_eq!(
        relaxed_with(&[inlined], &[]).len(),
        1,
        "without the move: relaxed"
    );
    // A list reformatted onto one line keeps its items.
    let post = "{\n  \"exclude\": [\"node_modules\", \"cache-dir\"]\n}\n";
    let reformatted = modified(
        "tsconfig.json",
        &["  \"exclude\": [\"node_modules\", \"cache-dir\"]"],
        &[
            "  \"exclude\": [",
            "    \"node_modules\", \"cache-dir\"",
            "  ]",
        ],
    );
    assert!(relaxed_with(&[reformatted], &[("tsconfig.json", post)]).is_empty());
}

#[test]
fn excluding_only_what_the_change_adds_and_the_golangci_v2_merge_are_not_relaxed() {
    let post = "{\n  \"exclude\": [\"node_modules\", \"tests/e2e/**/*\"]\n}\n";
    let excl = modified(
        "tsconfig.json",
        &["  \"exclude\": [\"node_modules\", \"tests/e2e/**/*\"]"],
        &["  \"exclude\": [\"node_modules\"]"],
    );
    let e2e = file(
        "tests/e2e/login.spec.ts",
        FileStatus::Added,
        1,
        &["test('x', () => {});"],
        &[],
    );
    assert!(relaxed_with(&[excl.clone(), e2e.clone()], &[("tsconfig.json", post)]).is_empty());
    // The same exclusion when a test that was there is under it: relaxed.
    let old = modified("tests/e2e/home.spec.ts", &["// reworded"], &["// old"]);
    assert_eq!(
        relaxed_with(&[excl, e2e, old], &[("tsconfig.json", post)]).len(),
        1
    );
    // golangci-lint v2: gosimple and typecheck leave `enable`.
    let post = "version: \"2\"\nlinters:\n  enable:\n    - staticcheck\n";
    let v2 = modified(
        ".golangci.yml",
        &["version: \"2\""],
        &["    - gosimple", "    - typecheck"],
    );
    let got = relaxed_with(&[v2], &[(".golangci.yml", post)]);
    assert!(got.is_empty(), "{got:?}");
    let post = "linters:\n  enable:\n    - staticcheck\n";
    let v1 = modified(".golangci.yml", &[], &["    - gosimple"]);
    assert_eq!(relaxed_with(&[v1], &[(".golangci.yml", post)]).len(), 1);
}

#[test]
fn checks_of_a_feature_whose_name_the_code_drops_follow_the_code() {
    // The test clicks a template the code no longer offers; its checks go with it.
    let test = modified(
        "tests/e2e/templates.spec.ts",
        &[],
        &[
            "    await page.getByRole(\"button\", { name: \"Equity grant contract\" }).click();",
            "    await expect(page.locator(\"h1\")).toBeVisible();",
        ],
    );
    let code = modified(
        "backend/app/services/seed_templates.rb",
        &[],
        &["      { name: \"Equity grant contract\", kind: :equity },"],
    );
    assert!(weakened(&[test.clone(), code]).is_empty());
    assert_eq!(weakened(&[test]).len(), 1, "with the code kept: weakened");
}

#[test]
fn a_linter_moved_from_enable_to_disable_is_relaxed() {
    let post = "linters:\n  disable:\n    - errcheck\n  enable:\n    - misspell\n";
    let f = file(
        ".golangci.yml",
        FileStatus::Modified,
        2,
        &["  disable:", "    - errcheck", "  enable:"],
        &["  enable:", "    - errcheck"],
    );
    let got = relaxed_with(&[f], &[(".golangci.yml", post)]);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].detail.contains("errcheck"), "{}", got[0].detail);
}

#[test]
fn scoped_suppressions_with_a_reason_are_not_reported() {
    // Shapes seen in human commits of a Python web app and a TS front end (written for this
    // test): the rule's own advice followed, and a re-export.
    let f = modified(
        "app/fixes.py",
        &[
            "    u = q.filter(User.admin == True).first()  # noqa: E712 - required for SQLAlchemy comparison",
            "x = load(path)  # type: ignore[arg-type]  # the stub says str, it takes a Path",
            "from app.models.datetime import NaiveDateTime  # noqa: F401",
            "    // eslint-disable-next-line no-await-in-loop -- one request at a time",
            "    r = self.service.update_one(recipe.id, recipe)  # type: ignore",
            "    field: Annotated[Filter, Field()] = None  # type: ignore[assignment]",
            "    /* eslint-disable dot-notation */",
            "    value = parse(raw)  # noqa because the linter is wrong",
            "    cmd = run(args, shell=True)  # nosec B602 - args are constants",
            "    total = compute(a, b)  # noqa: F401",
        ],
        &[],
    );
    let s = suppressions_added(&[f], &|_| true);
    assert_eq!(s.len(), 1, "{s:?}");
    // Reported: the unscoped `# type: ignore` and `# noqa` (a reason does not scope them),
    // the scoped ones without a reason, F401 on a line that is no import, and the bandit
    // suppression, reason or not.
    assert_eq!(s[0].count, Some(6), "{}", s[0].detail);
    assert!(s[0].security, "{s:?}");
    for (line, tool, marker, want) in [
        ("import os  # noqa: F401", "flake8/ruff", "# noqa", true),
        (
            "import os  # noqa: F401, E402",
            "flake8/ruff",
            "# noqa",
            false,
        ),
        (
            "import os  # noqa: F401, E402 - path set up first",
            "flake8/ruff",
            "# noqa",
            true,
        ),
        (
            "  // @ts-expect-error the types lag the runtime",
            "typescript",
            "@ts-expect-error",
            true,
        ),
        (
            "  // @ts-ignore the types lag the runtime",
            "typescript",
            "@ts-ignore",
            false,
        ),
        (
            "\tdefer f.Close() //nolint:errcheck // read-only file",
            "golangci-lint",
            "//nolint",
            true,
        ),
        (
            "\tdefer f.Close() //nolint:errcheck",
            "golangci-lint",
            "//nolint",
            false,
        ),
        (
            "\tdefer f.Close() //nolint // read-only file",
            "golangci-lint",
            "//nolint",
            false,
        ),
        (
            "#[allow(clippy::too_many_arguments)] // mirrors the C API",
            "rustc/clippy",
            "#[allow(",
            true,
        ),
        (
            "/* eslint-disable no-console */",
            "eslint",
            "eslint-disable",
            false,
        ),
    ] {
        assert_eq!(explained(tool, line, marker), want, "{line}");
    }
}

/// Coverage exclusions on what coverage.py's documentation lists as customary (imports under
/// `TYPE_CHECKING`, an optional dependency's `except ImportError:`, `if __name__ ==
/// "__main__":`, `raise NotImplementedError`) hide no behaviour; one with its reason is
/// explained; one on a branch or a function without a reason is reported (httpx's history).
#[test]
fn customary_coverage_exclusions_are_not_reported() {
    for (line, want) in [
        ("    import ssl  # pragma: no cover", true),
        ("    from app.models import User  # pragma: no cover", true),
        ("except ImportError:  # pragma: nocover", true),
        ("if typing.TYPE_CHECKING:  # pragma: no cover", true),
        ("if __name__ == \"__main__\":  # pragma: no cover", true),
        (
            "        raise NotImplementedError()  # pragma: no cover",
            true,
        ),
        (
            "    if cert:  # pragma: no cover - only with a client certificate",
            true,
        ),
        ("    if cert:  # pragma: nocover", false),
        ("    def raw(self) -> bytes:  # pragma: no cover", false),
        ("        pass  # pragma: no cover", false),
        ("except Exception:  # pragma: no cover", false),
    ] {
        let marker = if line.contains("nocover") {
            "# pragma: nocover"
        } else {
            "# pragma: no cover"
        };
        assert_eq!(explained("coverage", line, marker), want, "{line}");
    }
    let f = modified(
        "pkg/client.py",
        &[
            "    import ssl  # pragma: no cover",
            "except ImportError:  # pragma: no cover",
            "    if cert:  # pragma: no cover",
        ],
        &[],
    );
    let s = suppressions_added(&[f], &|_| true);
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0].count, Some(1), "{}", s[0].detail);
}

#[test]
fn a_hook_or_linter_replaced_by_another_is_not_relaxed() {
    // A formatter hook swapped in place for a linter hook that enforces the same style.
    let post = "repos:\n  - repo: https://example.org/hooks\n    hooks:\n      - id: check-json\n\n  - repo: https://example.org/linters\n    hooks:\n      - id: stylecheck\n        args: [--only=quotes]\n";
    let swapped = file(
        "config/.pre-commit-config.yaml",
        FileStatus::Modified,
        5,
        &[
            "",
            "  - repo: https://example.org/linters",
            "    hooks:",
            "      - id: stylecheck",
            "        args: [--only=quotes]",
        ],
        &["      - id: quote-fixer"],
    );
    let got = relaxed_with(
        std::slice::from_ref(&swapped),
        &[("config/.pre-commit-config.yaml", post)],
    );
    assert!(got.is_empty(), "{got:?}");
    // Two removed for one written in their place: one is still removed.
    let mut two = swapped.clone();
    two.hunks[0].removed.push(Line {
        line: 6,
        text: b"      - id: type-checker".to_vec().into(),
    });
    let got = relaxed_with(&[two], &[("config/.pre-commit-config.yaml", post)]);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].detail.contains("type-checker"), "{}", got[0].detail);
    // A hook removed with nothing in its place, and a hook added elsewhere in the file that
    // does not cover it: removed.
    let post = "repos:\n  - repo: a\n    hooks:\n      - id: check-json\n  - repo: b\n    hooks:\n      - id: spell\n";
    let mut elsewhere = file(
        ".pre-commit-config.yaml",
        FileStatus::Modified,
        4,
        &[],
        &["      - id: type-checker"],
    );
    elsewhere.hunks.push(Hunk {
        old_start: 9,
        old_lines: 0,
        new_start: 5,
        new_lines: 3,
        added: ["  - repo: b", "    hooks:", "      - id: spell"]
            .iter()
            .enumerate()
            .map(|(i, t)| Line {
                line: 5 + i as u32,
                text: t.as_bytes().into(),
            })
            .collect(),
        removed: vec![],
    });
    let got = relaxed_with(&[elsewhere.clone()], &[(".pre-commit-config.yaml", post)]);
    assert_eq!(got.len(), 1, "{got:?}");
    // A tool that runs the removed one's checks, added anywhere: replaced.
    let mut covered = elsewhere;
    covered.hunks[0].removed[0].text = b"      - id: isort".to_vec().into();
    covered.hunks[1].added[2].text = b"      - id: ruff".to_vec().into();
    let post = post.replace("spell", "ruff");
    let got = relaxed_with(&[covered], &[(".pre-commit-config.yaml", &post)]);
    assert!(got.is_empty(), "{got:?}");
    // A linter of an `enable` list replaced in place by its successor.
    let post = "linters:\n  enable:\n    - govet\n    - revive\n";
    let lint = file(
        ".golangci.yml",
        FileStatus::Modified,
        4,
        &["    - revive"],
        &["    - golint"],
    );
    let got = relaxed_with(&[lint], &[(".golangci.yml", post)]);
    assert!(got.is_empty(), "{got:?}");
    // Dropped, with a comment where it was: still dropped.
    let post = "linters:\n  enable:\n    - govet\n    # - golint  # too noisy\n";
    let commented = file(
        ".golangci.yml",
        FileStatus::Modified,
        4,
        &["    # - golint  # too noisy"],
        &["    - golint"],
    );
    assert_eq!(
        relaxed_with(&[commented], &[(".golangci.yml", post)]).len(),
        1
    );
}

#[test]
fn excluding_what_a_moved_configuration_did_not_check_is_not_relaxed() {
    // `web/` moves to the top level with its tsconfig; the workspace's other packages, which
    // the tsconfig never covered, are excluded from it now.
    let post = "{\n  \"include\": [\".\"],\n  \"exclude\": [\"node_modules\", \"libs\"]\n}\n";
    let mut cfg = file(
        "tsconfig.json",
        FileStatus::Renamed,
        3,
        &["  \"exclude\": [\"node_modules\", \"libs\"]"],
        &["  \"exclude\": [\"node_modules\"]"],
    );
    cfg.old_path = Some("libs/web/tsconfig.json".into());
    let mut moved = file("src/page.ts", FileStatus::Renamed, 1, &[], &[]);
    moved.old_path = Some("libs/web/src/page.ts".into());
    let other = modified("libs/ui/src/button.ts", &["export {};"], &[]);
    let images = [("tsconfig.json", post)];
    let after = [
        "libs/ui/package.json",
        "libs/ui/src/button.ts",
        "src/page.ts",
    ];
    let files = [cfg.clone(), moved.clone(), other];
    let got = relaxed_in_tree(&files, &images, &after);
    assert!(got.is_empty(), "{got:?}");
    // A file of the app left behind under the excluded path: it was checked, now it is not.
    let left = [
        "libs/ui/src/button.ts",
        "libs/web/src/legacy.ts",
        "src/page.ts",
    ];
    assert_eq!(relaxed_in_tree(&files, &images, &left).len(), 1);
    // A file of the app moved under the excluded path: relaxed.
    let mut into = moved.clone();
    into.path = "libs/web-old/page.ts".into();
    let got = relaxed_in_tree(&[cfg.clone(), into], &images, &["libs/web-old/page.ts"]);
    assert_eq!(got.len(), 1, "{got:?}");
    // Excluding a directory of the app itself after the move: relaxed.
    let post = "{\n  \"exclude\": [\"node_modules\", \"src\"]\n}\n";
    let mut own = cfg.clone();
    own.hunks[0].added[0].text = b"  \"exclude\": [\"node_modules\", \"src\"]"
        .to_vec()
        .into();
    let got = relaxed_in_tree(&[own, moved], &[("tsconfig.json", post)], &after);
    assert_eq!(got.len(), 1, "{got:?}");
    // The same exclusion in a configuration that stays where it is: relaxed (it checked libs/).
    let mut stays = cfg.clone();
    stays.status = FileStatus::Modified;
    stays.old_path = None;
    assert_eq!(relaxed_in_tree(&[stays], &images, &after).len(), 1);
    // Without a listing of the tree, nothing can be told: relaxed.
    assert_eq!(relaxed_with(&files, &images).len(), 1);
}

#[test]
fn a_test_removed_with_the_arrow_function_it_tested_goes_with_it() {
    let t = modified(
        "packages/utils/tests/geometry.test.ts",
        &[],
        &[
            "  it(\"point on polygon\", () => {",
            "    expect(pointOnPolygon(pointFrom(30, 10), poly)).toBe(true);",
            "    expect(pointOnPolygon(pointFrom(30, 30), poly)).toBe(false);",
            "  });",
        ],
    );
    let code = modified(
        "packages/math/src/polygon.ts",
        &["export const polygonIncludesPoint = (p: Point) => true;"],
        &["export const pointOnPolygon = <Point extends LocalPoint | GlobalPoint>("],
    );
    assert!(weakened(&[t.clone(), code]).is_empty());
    assert_eq!(
        weakened(&[t]).len(),
        1,
        "without the code change it is weakening"
    );
    assert_eq!(
        definitions("export const load = async (x) => x").collect::<Vec<_>>(),
        ["load"]
    );
    assert_eq!(definitions("const limit = 5;").count(), 0);
}

#[test]
fn a_dependency_tables_keys_are_packages_not_settings() {
    // A crate named like a setting (`ignore`, `allow`, `target`) bumped in a dependency table.
    let post = "[package]\nname = \"rg\"\n\n[dependencies]\nbstr = \"1.7.0\"\nignore = { version = \"0.4.29\", path = \"crates/ignore\" }\nlog = \"0.4.5\"\n\n[lints.rust]\nunsafe_code = \"allow\"\n";
    let bump = file(
        "Cargo.toml",
        FileStatus::Modified,
        6,
        &["ignore = { version = \"0.4.29\", path = \"crates/ignore\" }"],
        &["ignore = { version = \"0.4.24\", path = \"crates/ignore\" }"],
    );
    assert!(relaxed_in(&bump, "cargo", Some(post)).is_empty());
    for header in [
        "[workspace.dependencies]",
        "[dev-dependencies]",
        "[target.'cfg(unix)'.dependencies]",
        "[dependencies.ignore] # the walker",
        "[tool.poetry.group.dev.dependencies]",
    ] {
        let lines: Vec<&str> = vec!["[package]", header, "ignore = [\"x\"]"];
        assert!(in_dependency_table(&lines, 2), "{header}");
    }
    for header in ["[lints.clippy]", "[[bin]]", "[tool.ruff.lint]"] {
        let lines: Vec<&str> = vec!["[dependencies]", header, "ignore = [\"x\"]"];
        assert!(!in_dependency_table(&lines, 2), "{header}");
    }
    // The same file's lint table still tells a relaxed setting.
    let lint = file(
        "Cargo.toml",
        FileStatus::Modified,
        10,
        &["unsafe_code = \"allow\""],
        &["unsafe_code = \"forbid\""],
    );
    let got = relaxed_in(&lint, "cargo", Some(post));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].1, "rule_disabled", "{got:?}");
}

/// A removed test whose body the file still holds line for line is a duplicate removed
/// (express 9c85a25c02); the same test removed when no copy stays, or when gate cannot read
/// the file after the change, is still reported.
#[test]
fn a_duplicate_test_removed_is_no_weakening() {
    let removed = [
        "  it('should encode data uri1', function (done) {",
        "    var app = express()",
        "    app.use(function (req, res) { res.location('data:x').end() })",
        "    request(app)",
        "      .expect('Location', 'data:x')",
        "      .expect(200, done)",
        "  })",
    ];
    let t = modified("tests/location.test.js", &[], &removed);
    let copy = "describe('res', function () {\n  it('should encode data uri2', function (done) {\n    var app = express()\n    app.use(function (req, res) { res.location('data:x').end() })\n\n    request(app)\n      .expect('Location', 'data:x')\n      .expect(200, done)\n  })\n})\n";
    let other = copy.replace(
        "'data:x')\n      .expect(200",
        "'data:y')\n      .expect(200",
    );
    let run = |post: Option<String>| {
        tests_weakened(std::slice::from_ref(&t), &is_test, &is_source, &mut |_| {
            Ok(post.clone())
        })
        .expect("reads")
    };
    assert!(run(Some(copy.to_string())).is_empty());
    assert_eq!(run(Some(other)).len(), 1);
    assert_eq!(run(None).len(), 1);
    // A kept test that makes every check of the removed one, in order, and one more (header
    // names in either case, with or without semicolons) still runs them all.
    let more = copy
        .replace(
            "'Location', 'data:x')",
            "'location', 'data:x');\n      .expect(noCache)",
        )
        .replace("express()", "express();");
    assert!(run(Some(more)).is_empty());
    // Its checks spread over a much longer test, or out of order, are not the same test.
    let spread = copy.replace(
        "    request(app)\n",
        "    request(app)\n      .a()\n      .b()\n      .c()\n",
    );
    assert_eq!(run(Some(spread)).len(), 1);
    let swapped = copy.replace(
        "      .expect('Location', 'data:x')\n      .expect(200, done)\n",
        "      .expect(200, done)\n      .expect('Location', 'data:x')\n",
    );
    assert_eq!(run(Some(swapped)).len(), 1);
}
