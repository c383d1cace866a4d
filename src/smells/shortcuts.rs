//! What agents do to get a change green, read from the diff: tests weakened (assertions or
//! test functions removed, skips / `xfail` / `.only` added, test files deleted) without a
//! matching removal of the code they tested; suppressions added (`# type: ignore`,
//! `//nolint`, `eslint-disable`, `# nosec` ...); linter, type-checker and coverage settings
//! relaxed; CI checks made non-blocking or skipped; the agents' own instruction files edited.
//!
//! Every count is net: a line the change removes in one place and adds in another (a move, a
//! reformat, a test split over two files) is no removal, and a suppression the change also
//! drops elsewhere is no addition. The diff is read with no context lines, so the settings
//! rules look up the key a list item belongs to in the file's post-image.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::LazyLock;

use regex::{Regex, RegexSet};

use crate::change::{FileChange, FileStatus, Line};
use crate::smells::{PostReader, Smell};
use anyhow::Result;

fn text(l: &Line) -> String {
    String::from_utf8_lossy(&l.text).into_owned()
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn name_of(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn re(p: &str) -> Regex {
    Regex::new(p).expect("static regex")
}

/// Where a removed line sits in the new file: the hunk's new start (at least 1).
fn anchor(new_start: u32) -> u32 {
    new_start.max(1)
}

/// A comment line, not a line of code.
pub(crate) fn is_comment(t: &str) -> bool {
    let t = t.trim_start();
    t.starts_with("//")
        || t.starts_with('#') && !t.starts_with("#[")
        || t.starts_with("/*")
        || t.starts_with('*')
        || t.starts_with("--")
}

/// The name a test file tests: `tests/test_parser.py`, `parser_test.go`, `parser.spec.ts`,
/// `ParserTest.java` -> `parser`.
pub fn stem(path: &str) -> String {
    let name = name_of(path);
    let base = name.split('.').next().unwrap_or(name);
    let mut b = base.to_string();
    for p in ["test_", "tests_", "spec_"] {
        if let Some(r) = b.strip_prefix(p) {
            b = r.to_string();
        }
    }
    for s in [
        "_tests", "_test", "_spec", "-test", "-spec", "Tests", "Test", "Spec", "IT",
    ] {
        if b.len() > s.len() {
            if let Some(r) = b.strip_suffix(s) {
                b = r.to_string();
                break;
            }
        }
    }
    b.to_ascii_lowercase().replace(['_', '-'], "")
}

// ---------------------------------------------------------------------------------------
// Tests weakened

static ASSERTION: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?x)
        ^\s*assert\b                                  # python / java assert statement
      | \bassert[A-Z_]\w*\s*\(                        # assertEqual( assertThat( assert_called
      | \bassert(?:_eq|_ne|_matches)?!\s*\(           # rust assert!( assert_eq!(
      | \bprop_assert\w*!\s*\(
      | \bself\.assert\w+\s*\(
      | \$this->assert\w+\s*\(
      | \bexpect\s*\(                                 # jest / vitest / rspec
      | \bpytest\.raises\s*\(
      | \b(?:assert|require)\.[A-Z]\w*\s*\(           # testify
      | \bt\.(?:Error|Errorf|Fatal|Fatalf|Fail|FailNow)\s*\(
      | \b(?:EXPECT|ASSERT)_[A-Z_]+\s*\(              # googletest
      | \bXCTAssert\w*\s*\(
      | \bAssert\.\w+\s*\(                            # junit / nunit / xunit
      | \.should(?:\.|\(|\s)
      | \.to(?:_not|Not)?\s*\(?\s*(?:eq|be|equal|include|raise_error|match)\b
    ")
});

/// (tool, regex of a test definition; group 1 is the test's name when there is one).
static TEST_DEF: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    vec![
        ("pytest", re(r"^\s*(?:async\s+)?def\s+(test\w*)\s*\(")),
        (
            "js",
            re(r#"^\s*(?:it|test)(?:\.each\s*\(.*?\))?\s*\(\s*['"`](.+?)['"`]"#),
        ),
        ("go", re(r"^\s*func\s+(Test\w+|Benchmark\w+|Fuzz\w+)\s*\(")),
        (
            "rust",
            re(r"^\s*#\[(?:tokio::|async_std::)?test\b[^\]]*\]()"),
        ),
        ("junit", re(r"^\s*@(?:Test|ParameterizedTest)\b()")),
        (
            "xunit",
            re(r"^\s*\[(?:Fact|Theory|Test|TestMethod)\b[^\]]*\]()"),
        ),
        ("rspec", re(r#"^\s*it\s+['"](.+?)['"]"#)),
        ("minitest", re(r"^\s*def\s+(test_\w+)")),
    ]
});

/// (tool, regex of a skip, xfail or focus marker).
static SKIP: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    vec![
        (
            "pytest",
            re(r"@pytest\.mark\.(?:skip|skipif|xfail)\b|\bpytest\.(?:skip|xfail)\s*\("),
        ),
        (
            "unittest",
            re(
                r"@unittest\.(?:skip|skipIf|skipUnless|expectedFailure)\b|\bself\.skipTest\s*\(|raise\s+(?:unittest\.)?SkipTest\b",
            ),
        ),
        (
            "js",
            re(
                r"\b(?:it|test|describe|context|suite)\.(?:skip|only)\s*\(|(?:^|[^.\w])(?:xit|xtest|xdescribe|fit|fdescribe)\s*\(",
            ),
        ),
        ("go", re(r"\bt\.Skip(?:f|Now)?\s*\(")),
        ("rust", re(r"^\s*#\[ignore\b")),
        ("junit", re(r"^\s*@(?:Disabled|Ignore)\b")),
        ("xunit", re(r"\[(?:Fact|Theory)\s*\(\s*Skip\s*=|\[Ignore\b")),
        (
            "rspec",
            re(r"^\s*(?:xit|xdescribe|xcontext|pending|skip)\b"),
        ),
        ("xctest", re(r"\bthrow\s+XCTSkip\b")),
    ]
});

/// Definitions in source code: `def name`, `fn name`, `func name`, `function name`, ...
static DEFINITION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:def|fn|func|function|class|struct|interface|trait|enum)\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w{3,})",
    )
});

/// A JS/TS function bound to a name (`export const pointOnPolygon = <P>(p: P) =>`,
/// `const load = async (`, `let f = function`): a definition too, for what the code side
/// removes.
static ARROW_DEFINITION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:const|let|var)\s+([A-Za-z_]\w{3,})\s*(?::[^=]+)?=\s*(?:async\s*)?(?:<[^=]*>\s*)?(?:\(|function\b)",
    )
});

/// Every definition a line makes: [`DEFINITION`]s and [`ARROW_DEFINITION`]s.
fn definitions(line: &str) -> impl Iterator<Item = String> + '_ {
    DEFINITION
        .captures_iter(line)
        .chain(ARROW_DEFINITION.captures_iter(line))
        .map(|c| squash(&c[1]))
}

/// An assertion with its literals blanked: `assert.Contains(t, props, "page")` and
/// `assert.Contains(t, props, "cursor")` check the same thing against another value.
fn shape(line: &str) -> String {
    static LITERAL: LazyLock<Regex> =
        LazyLock::new(|| re(r#""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`|\b\d+(?:\.\d+)?\b"#));
    LITERAL.replace_all(&norm(line), "_").into_owned()
}

/// A Go error guard (`t.Fatal(err)`, `require.NoError(t, err)`) on a call the same hunk
/// removes: the setup it checked is gone (`os.MkdirTemp` replaced by `t.TempDir()`).
static ERR_GUARD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bt\.(?:Fatal|Fatalf|Error|Errorf)\s*\(.*\berr\b|\b(?:require|assert)\.NoError\s*\(\s*t\s*,\s*err\b",
    )
});
static ERR_ASSIGN: LazyLock<Regex> = LazyLock::new(|| re(r"\berr\s*:?=[^=]"));
static ERR_IF: LazyLock<Regex> = LazyLock::new(|| re(r"^\s*if\s+err\s*!=\s*nil\s*\{"));
static ERR_WORD: LazyLock<Regex> = LazyLock::new(|| re(r"\berr\b"));
/// The message of an error guard on test setup: `t.Fatalf("failed to create test database")`.
static SETUP_MESSAGE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)\bt\.(?:Fatal|Fatalf|Error|Errorf)\s*\(\s*"(?:failed to|could not|cannot|can't|unable to|error) (?:create|creating|open|opening|init|initialize|set ?up|setting up|start|starting|make|write|prepare)\b"#,
    )
});
/// A Go test's failure message (`t.Error(...)`), which may run over several calls.
static GO_MESSAGE: LazyLock<Regex> = LazyLock::new(|| re(r"\bt\.(?:Error|Errorf)\s*\("));

/// An environment gate: a skip under a condition on the machine the tests run on (a tool on
/// the PATH, a variable, the OS, `-short`).
static ENV_GATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bexec\.LookPath\b|\bos\.(?:Getenv|LookupEnv)\b|\btesting\.Short\(\)|\bruntime\.GOOS\b|\bshutil\.which\b|\bos\.environ\b|\bos\.getenv\b|\bprocess\.env\b|\bsys\.platform\b|\bplatform\.system\(",
    )
});
/// A function definition (Go, Python, JavaScript/TypeScript).
static FUNC_DEF: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^\s*(?:func\s|(?:async\s+)?def\s+\w|(?:export\s+)?(?:async\s+)?function\s+\w)")
});

/// Whether added line `i` is a skip under an environment gate in a helper the same run of
/// added lines defines (`func skipIfNoDolt(t *testing.T) { if _, err := exec.LookPath("dolt");
/// err != nil { t.Skip(...) } }`): a precondition of new test code, not a test switched off.
fn env_gate_in_added_helper(added: &[Line], i: usize) -> bool {
    let gated = (i.saturating_sub(2)..i).any(|j| {
        added[j].line + (i - j) as u32 == added[i].line && ENV_GATE.is_match(&text(&added[j]))
    });
    if !gated {
        return false;
    }
    let mut j = i;
    while j > 0 && added[j - 1].line + 1 == added[j].line {
        j -= 1;
        if FUNC_DEF.is_match(&text(&added[j])) {
            return true;
        }
    }
    false
}

/// A throwaway verification script an agent wrote at the top of the repository
/// (`test_fix.py` with a `__main__` block printing results): deleting it removes no test the
/// suite runs. A unittest or pytest module that runs itself (`unittest.main()`) is a test.
fn scratch_script(f: &FileChange) -> bool {
    if f.path.contains('/') || !f.path.ends_with(".py") {
        return false;
    }
    let lines: Vec<String> = f
        .hunks
        .iter()
        .flat_map(|h| h.removed.iter())
        .map(text)
        .collect();
    lines.iter().any(|l| l.starts_with("if __name__ =="))
        && !lines
            .iter()
            .any(|l| l.contains("unittest.main(") || l.contains("pytest.main("))
}

/// Two long names one typo apart (`contry_support` tests `country_support`): at most one
/// character inserted, deleted or replaced, in names of 8 characters or more.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().min(b.len()) < 8 || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    a.len().max(b.len()) - head - tail <= 1
}

fn squash(s: &str) -> String {
    s.to_ascii_lowercase().replace(['_', '-', ' '], "")
}

struct Removal {
    /// Net assertions and test definitions removed.
    assertions: usize,
    tests: Vec<String>,
    anchor: u32,
}

/// Subtests and groups: Go's `t.Run("...", ...)`, `describe(...)`, `context(...)`.
static SUBTEST: LazyLock<Regex> =
    LazyLock::new(|| re(r#"\bt\.Run\s*\(|^\s*(?:describe|context|suite)\s*\(\s*['"`]"#));

/// String literals and member names (4+ characters) of a line: what an assertion checks.
static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    re(r#""([^"\\]{3,80})"|'([^'\\]{3,80})'|\.([A-Za-z_]\w{3,})\b|\b([A-Za-z_]\w{3,})\b"#)
});

fn tokens(line: &str, members_only: bool) -> Vec<String> {
    TOKEN
        .captures_iter(line)
        .filter_map(|c| {
            c.get(1)
                .or(c.get(2))
                .or(c.get(3))
                .or(if members_only { None } else { c.get(4) })
                .map(|m| m.as_str().to_string())
        })
        .collect()
}

/// Whether added line `i` of a hunk sits in a test the same run of added lines defines
/// (consecutive new-file lines, a test definition above it).
fn in_added_test(added: &[Line], i: usize) -> bool {
    // A decorator or attribute (`@pytest.mark.skipif(...)`, `#[ignore]`) gates the test
    // defined below it: new when that definition is added in the same run.
    let first = text(&added[i]);
    let first = first.trim_start();
    if first.starts_with('@') || first.starts_with("#[") {
        let mut k = i;
        while k + 1 < added.len() && added[k + 1].line == added[k].line + 1 && k < i + 8 {
            k += 1;
            let t = text(&added[k]);
            if TEST_DEF.iter().any(|(_, r)| r.is_match(&t)) && !t.trim_start().starts_with("#[") {
                return true;
            }
            if t.trim_start().starts_with("fn ") || t.contains(" fn ") {
                // Rust: `#[ignore]` then `fn name()` after `#[test]` above.
                return (0..i).rev().take(3).any(|j| {
                    text(&added[j]).contains("#[test]") || text(&added[j]).contains("::test")
                });
            }
        }
    }
    let mut j = i;
    loop {
        let t = text(&added[j]);
        if j < i && (TEST_DEF.iter().any(|(_, r)| r.is_match(&t)) || SUBTEST.is_match(&t)) {
            return true;
        }
        if j == 0 || added[j - 1].line + 1 != added[j].line {
            return false;
        }
        j -= 1;
    }
}

/// The first test definition a line holds (pytest's and minitest's patterns both match
/// `def test_x(`: one definition, counted once).
fn test_def(line: &str) -> Option<regex::Captures<'_>> {
    TEST_DEF.iter().find_map(|(_, r)| r.captures(line))
}

/// A removed test `name` that extends the name of a test the change adds (`..._on_403` +
/// `_group_deleted`): its case moved into the broader test.
fn folded_into(name: &str, added: &[String]) -> bool {
    added.iter().any(|a| {
        a.len() >= 8
            && a != name
            && name
                .strip_prefix(a.as_str())
                .is_some_and(|rest| rest.starts_with(['_', ' ']))
    })
}

/// Whether `line` calls one of `names` (`name(` after a non-identifier character).
fn calls_any(line: &str, names: &BTreeSet<String>) -> bool {
    static CALL: LazyLock<Regex> = LazyLock::new(|| re(r"([A-Za-z_]\w{3,})\s*\("));
    CALL.captures_iter(line).any(|c| {
        let start = c.get(1).map_or(0, |m| m.start());
        let bare = start == 0 || !line.as_bytes()[start - 1].is_ascii_alphanumeric();
        bare && names.contains(&c[1]) && DEFINITION.captures(line).is_none_or(|d| d[1] != c[1])
    })
}

/// A Go failure in a timeout branch (`case <-time.After(5 * time.Second): t.Fatal(...)`,
/// `case <-ctx.Done():`) guards against a hang; it checks no result. Tests that drop it for
/// `testing/synctest` (which fails a deadlocked test itself) lose no assertion.
fn timeout_guard(removed: &[String], i: usize) -> bool {
    static GO_FAIL: LazyLock<Regex> =
        LazyLock::new(|| re(r"^\s*t\.(?:Fatal|Fatalf|Error|Errorf|FailNow)\s*\("));
    static TIMEOUT_CASE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"^\s*case\s*<-\s*(?:time\.After\s*\(|time\.Tick\s*\(|[\w.]*\.Done\s*\(\s*\)|[\w.]*\.C\s*:)",
        )
    });
    GO_FAIL.is_match(&removed[i])
        && removed[..i]
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|prev| TIMEOUT_CASE.is_match(prev))
}

/// The removed tests of a file, each as its removed lines with their old line numbers: from a
/// removed definition through the removed lines that follow it, over the diff's hunk
/// boundaries where at most one kept line separates them, up to the next definition.
fn removed_test_blocks(f: &FileChange) -> Vec<Vec<(u32, String)>> {
    let removed: Vec<(u32, String)> = f
        .hunks
        .iter()
        .flat_map(|h| h.removed.iter())
        .map(|l| (l.line, text(l)))
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < removed.len() {
        if test_def(&removed[i].1).is_none() {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < removed.len()
            && removed[end].0 <= removed[end - 1].0 + 2
            && test_def(&removed[end].1).is_none()
        {
            end += 1;
        }
        out.push(removed[i..end].to_vec());
        i = end;
    }
    out
}

/// The old line numbers of the removed tests that use a literal or member the code side
/// removes: the test exercised a parameter or field the change takes away (mealie's
/// `householdId` filter), so its assertions go with the code, not against it.
fn removed_tests_on_gone_code(
    blocks: &[Vec<(u32, String)>],
    follows_code: &dyn Fn(&str) -> bool,
) -> BTreeSet<u32> {
    blocks
        .iter()
        .filter(|b| b.iter().any(|(_, t)| follows_code(t)))
        .flat_map(|b| b.iter().map(|(n, _)| *n))
        .collect()
}

/// The old line numbers of the removed tests whose body (every line after the definition, of
/// three lines with code at least) the file still holds, in order, within a test of the same
/// size at most a quarter longer: a duplicate removed (express 9c85a25c02 drops `should
/// encode data uri1`, the same steps and expectations as the `data uri2` it keeps, and a
/// jsonp test whose every line a test it keeps repeats with one more expectation), whose
/// checks still run. Lines compare trimmed, without a trailing `;` or `,`, ignoring case
/// (`'content-type'` and `'Content-Type'` name one header). `post` is the file after the
/// change; without it (a deleted file, one gate cannot read) no test counts as kept.
fn removed_duplicate_tests(blocks: &[Vec<(u32, String)>], post: Option<&str>) -> BTreeSet<u32> {
    let Some(post) = post else {
        return BTreeSet::new();
    };
    let norm = |l: &str| -> String {
        l.trim()
            .trim_end_matches([';', ','])
            .trim_end()
            .to_lowercase()
    };
    let kept: Vec<String> = post.lines().map(norm).filter(|l| !l.is_empty()).collect();
    // Whether `body` is a subsequence of `kept` starting at `at`, within `span` lines.
    let within = |body: &[String], at: usize, span: usize| -> bool {
        let mut it = kept[at..kept.len().min(at + span)].iter();
        body.iter().all(|b| it.any(|k| k == b))
    };
    let mut out = BTreeSet::new();
    for b in blocks {
        let body: Vec<String> = b[1..]
            .iter()
            .map(|(_, t)| norm(t))
            .filter(|t| !t.is_empty())
            .collect();
        let code = body
            .iter()
            .filter(|t| t.chars().any(char::is_alphanumeric) && !is_comment(t))
            .count();
        if code < 3 {
            continue;
        }
        let span = body.len() + body.len().div_ceil(4);
        if (0..kept.len()).any(|i| kept[i] == body[0] && within(&body, i, span)) {
            out.extend(b.iter().map(|(n, _)| *n));
        }
    }
    out
}

/// Tests weakened. `is_test` says which paths are tests; `is_source` which are code.
/// `post` reads a file as it is after the change (`None`: it has none).
pub fn tests_weakened(
    files: &[FileChange],
    is_test: &dyn Fn(&str) -> bool,
    is_source: &dyn Fn(&str) -> bool,
    post: &mut PostReader,
) -> Result<Vec<Smell>> {
    let tests: Vec<&FileChange> = files
        .iter()
        .filter(|f| is_test(&f.path) && is_source(&f.path))
        .collect();
    // Rust keeps unit tests beside the code: `#[test]` and `#[ignore]` count in any .rs file.
    let rust_src: Vec<&FileChange> = files
        .iter()
        .filter(|f| f.path.ends_with(".rs") && !is_test(&f.path))
        .collect();

    // What the code side removes: files deleted or shrinking, and definitions gone.
    let mut removed_stems = BTreeSet::new();
    let mut removed_defs: BTreeSet<String> = BTreeSet::new();
    let mut added_defs: BTreeSet<String> = BTreeSet::new();
    let (mut src_added, mut src_removed) = (0usize, 0usize);
    for f in files
        .iter()
        .filter(|f| !is_test(&f.path) && is_source(&f.path))
    {
        src_added += f.additions();
        src_removed += f.deletions();
        if f.status == FileStatus::Deleted || f.deletions() > f.additions() {
            removed_stems.insert(stem(&f.path));
        }
        for h in &f.hunks {
            for l in &h.removed {
                removed_defs.extend(definitions(&text(l)));
            }
            for l in &h.added {
                added_defs.extend(definitions(&text(l)));
            }
        }
    }
    let gone: Vec<String> = removed_defs.difference(&added_defs).cloned().collect();
    // Functions the change defines or redefines anywhere, tests' helpers included
    // (`export async function logUser(` in tests/setups/user.ts).
    let defined_here: BTreeSet<String> = files
        .iter()
        .flat_map(|f| f.added_lines())
        .flat_map(|l| {
            DEFINITION
                .captures_iter(&text(l))
                .map(|c| c[1].to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    // Literals and names the code side removes and does not add back: an assertion on them
    // follows a change of the code (a parameter renamed, a field dropped), not a weakening.
    let mut code_removed_tokens: BTreeSet<String> = BTreeSet::new();
    let mut code_added_tokens: BTreeSet<String> = BTreeSet::new();
    for f in files
        .iter()
        .filter(|f| !is_test(&f.path) && is_source(&f.path))
    {
        for h in &f.hunks {
            for l in &h.removed {
                code_removed_tokens.extend(tokens(&text(l), false));
            }
            for l in &h.added {
                code_added_tokens.extend(tokens(&text(l), false));
            }
        }
    }
    let gone_tokens: BTreeSet<&String> =
        code_removed_tokens.difference(&code_added_tokens).collect();
    let follows_code = |assertion: &str| {
        tokens(assertion, true)
            .iter()
            .any(|t| gone_tokens.contains(t))
    };
    let covers_test = |name: &str| {
        let n = squash(name);
        gone.iter().any(|d| n.contains(d.as_str()))
    };
    let added_stems: BTreeSet<String> = files
        .iter()
        .filter(|f| is_test(&f.path) && f.status == FileStatus::Added)
        .map(|f| stem(&f.path))
        .collect();

    // Assertions and test names added anywhere in tests (a move is no removal).
    let mut added_assert: HashMap<String, usize> = HashMap::new();
    // Shapes of the assertions each test file adds: a removed assertion of the same shape is
    // an expectation changed (`"page"` -> `"cursor"`), not a check dropped.
    // Up to two removed per added (`page` and `perPage` -> `cursor`); beyond that the file
    // drops checks of that kind.
    let mut added_shapes: HashMap<(&str, String), usize> = HashMap::new();
    let mut removed_shapes: HashMap<(&str, String), usize> = HashMap::new();
    for f in &tests {
        for l in f.hunks.iter().flat_map(|h| h.removed.iter()) {
            let t = text(l);
            if !is_comment(&t) && ASSERTION.is_match(&t) {
                *removed_shapes
                    .entry((f.path.as_str(), shape(&t)))
                    .or_default() += 1;
            }
        }
    }
    let mut added_tests: HashMap<String, usize> = HashMap::new();
    // Names of the tests the change adds: a removed `test_x_on_403_deleted` beside an added
    // `test_x_on_403` was folded into it (a loop or a parametrized test), not dropped.
    let mut added_names: Vec<String> = Vec::new();
    for f in tests.iter().chain(rust_src.iter()) {
        for l in f.added_lines() {
            let t = text(l);
            if is_comment(&t) {
                continue;
            }
            if tests.iter().any(|x| x.path == f.path) && ASSERTION.is_match(&t) {
                *added_assert.entry(norm(&t)).or_default() += 1;
                *added_shapes
                    .entry((f.path.as_str(), shape(&t)))
                    .or_default() += 1;
            }
            if let Some(c) = test_def(&t) {
                *added_tests.entry(test_key(&c, &t)).or_default() += 1;
                if let Some(m) = c.get(1).filter(|m| !m.as_str().is_empty()) {
                    added_names.push(m.as_str().to_string());
                }
            }
        }
    }

    let rewritten = |path: &str, t: &str| {
        let k = (path, shape(t));
        let added = added_shapes.get(&k).copied().unwrap_or(0);
        added > 0 && removed_shapes.get(&k).copied().unwrap_or(0) <= 2 * added + 1
    };

    let mut out = Vec::new();
    let mut removals: BTreeMap<&str, Removal> = BTreeMap::new();
    for f in tests.iter().chain(rust_src.iter()) {
        let in_tests = tests.iter().any(|x| x.path == f.path);
        let mut r = Removal {
            assertions: 0,
            tests: Vec::new(),
            anchor: 0,
        };
        let blocks = removed_test_blocks(f);
        let on_gone_code = removed_tests_on_gone_code(&blocks, &follows_code);
        let duplicates = if blocks.is_empty() || f.status == FileStatus::Deleted {
            BTreeSet::new()
        } else {
            removed_duplicate_tests(&blocks, post(&f.path)?.as_deref())
        };
        for h in &f.hunks {
            // The guarded call is gone (`err :=` removed), or a guard of test setup (its
            // message says it creates or opens a fixture) goes with its `if err != nil` and
            // nothing the hunk adds reads `err`: Go rejects an unused `err`, so the setup
            // call changed (or the guard was dead: beads' SQLite-to-Dolt migration).
            let setup_removed = h.removed.iter().any(|l| ERR_ASSIGN.is_match(&text(l)))
                || h.removed.iter().any(|l| ERR_IF.is_match(&text(l)))
                    && h.removed.iter().any(|l| SETUP_MESSAGE.is_match(&text(l)))
                    && !h.added.iter().any(|l| ERR_WORD.is_match(&text(l)));
            // The assertions this hunk adds in place of the ones it removes: an expectation
            // rewritten where it stood (`expect(spy).toHaveBeenCalledWith("1")` ->
            // `expect(mutate).toHaveBeenCalledWith({...})`), one removed per added.
            let mut in_place: Vec<String> = if in_tests {
                h.added
                    .iter()
                    .map(text)
                    .filter(|t| !is_comment(t) && ASSERTION.is_match(t))
                    .map(|t| norm(&t))
                    .collect()
            } else {
                Vec::new()
            };
            // An assertion the hunk keeps (removed and added back the same) stands in for
            // nothing else.
            for l in &h.removed {
                let k = norm(&text(l));
                if let Some(p) = in_place.iter().position(|x| *x == k) {
                    in_place.remove(p);
                }
            }
            // A long string literal the hunk removes that the code side removes too (a
            // template's name, a message): the removed checks went with that code, even when
            // the literal sits on a line of the test's setup rather than on the assertion.
            let hunk_follows_code = in_tests
                && h.removed.iter().any(|l| {
                    TOKEN
                        .captures_iter(&text(l))
                        .filter_map(|c| c.get(1).or(c.get(2)))
                        .any(|m| {
                            m.as_str().len() >= 8 && gone_tokens.contains(&m.as_str().to_string())
                        })
                });
            let removed: Vec<String> = h.removed.iter().map(text).collect();
            // Steps replaced by a call to a helper the change writes or extends: the checks
            // moved into it (`await logUser(test, page, user, { mail2fa: true })`).
            let into_helper = h.added.iter().any(|l| calls_any(&text(l), &defined_here));
            let mut prev_message = false;
            for (i, l) in h.removed.iter().enumerate() {
                let t = text(l);
                if is_comment(&t) {
                    continue;
                }
                // A duplicate's checks still run in the copy the file keeps.
                if duplicates.contains(&l.line) {
                    continue;
                }
                // `t.Error` lines right after another in the same block are one check's
                // message spread over lines, not more checks.
                let continued = prev_message && GO_MESSAGE.is_match(&t);
                prev_message = GO_MESSAGE.is_match(&t);
                if in_tests && ASSERTION.is_match(&t) {
                    match added_assert.get_mut(&norm(&t)) {
                        Some(n) if *n > 0 => *n -= 1,
                        _ if continued => {}
                        _ if follows_code(&t) || hunk_follows_code => {}
                        _ if on_gone_code.contains(&l.line) => {}
                        _ if into_helper => {}
                        _ if rewritten(f.path.as_str(), &t) => {}
                        _ if setup_removed && ERR_GUARD.is_match(&t) => {}
                        _ if timeout_guard(&removed, i) => {}
                        _ if !in_place.is_empty() => {
                            let k = in_place.pop().unwrap_or_default();
                            if let Some(n) = added_assert.get_mut(&k) {
                                *n = n.saturating_sub(1);
                            }
                        }
                        _ => {
                            r.assertions += 1;
                            if r.anchor == 0 {
                                r.anchor = anchor(h.new_start);
                            }
                        }
                    }
                }
                if let Some(c) = test_def(&t) {
                    let key = test_key(&c, &t);
                    match added_tests.get_mut(&key) {
                        Some(n) if *n > 0 => *n -= 1,
                        _ => {
                            r.tests
                                .push(c.get(1).map_or("", |m| m.as_str()).to_string());
                            if r.anchor == 0 {
                                r.anchor = anchor(h.new_start);
                            }
                        }
                    }
                }
            }
        }
        removals.insert(&f.path, r);
    }
    // Offsets: count assertions/tests the file adds beyond the moves matched above.
    for f in tests.iter().chain(rust_src.iter()) {
        let Some(r) = removals.get_mut(f.path.as_str()) else {
            continue;
        };
        let in_tests = tests.iter().any(|x| x.path == f.path);
        let mut fresh_asserts = 0usize;
        let mut fresh_tests = 0usize;
        for l in f.added_lines() {
            let t = text(l);
            if is_comment(&t) {
                continue;
            }
            if in_tests && ASSERTION.is_match(&t) {
                let k = norm(&t);
                if let Some(n) = added_assert.get_mut(&k) {
                    if *n > 0 {
                        *n -= 1;
                        fresh_asserts += 1;
                    }
                }
            }
            if let Some(c) = test_def(&t) {
                if let Some(n) = added_tests.get_mut(&test_key(&c, &t)) {
                    if *n > 0 {
                        *n -= 1;
                        fresh_tests += 1;
                    }
                }
            }
        }
        r.assertions = r.assertions.saturating_sub(fresh_asserts);
        let keep = r.tests.len().saturating_sub(fresh_tests);
        r.tests.truncate(keep);
    }

    for f in tests.iter().chain(rust_src.iter()) {
        let Some(r) = removals.get(f.path.as_str()) else {
            continue;
        };
        let tests_left: Vec<&String> = r
            .tests
            .iter()
            .filter(|n| n.is_empty() || !covers_test(n))
            .filter(|n| !folded_into(n, &added_names))
            .collect();
        // A Rust file is its own code and tests: only the rest of the change covers it.
        let inline = !tests.iter().any(|x| x.path == f.path);
        let (other_removed, other_added) = if inline {
            (src_removed - f.deletions(), src_added - f.additions())
        } else {
            (src_removed, src_added)
        };
        let covered_file = (!inline && removed_stems.contains(&stem(&f.path)))
            || (!r.tests.is_empty() && tests_left.is_empty())
            || other_removed.saturating_sub(other_added) >= f.deletions();
        if covered_file || (r.assertions == 0 && tests_left.is_empty()) {
            continue;
        }
        if f.status == FileStatus::Deleted {
            continue; // reported as a deleted test file below
        }
        let named: Vec<&str> = tests_left
            .iter()
            .filter(|n| !n.is_empty())
            .map(|n| n.as_str())
            .take(3)
            .collect();
        let mut parts = Vec::new();
        if !tests_left.is_empty() {
            parts.push(format!(
                "{} test{} removed{}",
                tests_left.len(),
                if tests_left.len() == 1 { "" } else { "s" },
                if named.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", named.join(", "))
                }
            ));
        }
        if r.assertions > 0 {
            parts.push(format!(
                "{} assertion{} removed",
                r.assertions,
                if r.assertions == 1 { "" } else { "s" }
            ));
        }
        out.push(Smell {
            kind: "test_weakened",
            path: f.path.clone(),
            line: r.anchor.max(1),
            detail: parts.join(", "),
            what: Some(if tests_left.is_empty() {
                "assertions_removed"
            } else {
                "tests_removed"
            }),
            count: Some(tests_left.len() + r.assertions),
            ..Smell::default()
        });
    }

    // Skips, xfail and focus markers added to tests that were there before: not in a file the
    // change adds, not in a test it adds (an environment gate of a new test is no weakening),
    // and net of the markers the file removes (a skip whose reason is reworded).
    for f in tests.iter().chain(rust_src.iter()) {
        if f.status == FileStatus::Added {
            continue;
        }
        let is_skip = |t: &str| {
            let t = t.trim_start();
            !(t.starts_with("//") || t.starts_with("# ")) && SKIP.iter().any(|(_, r)| r.is_match(t))
        };
        let mut removed_skips = f
            .hunks
            .iter()
            .flat_map(|h| h.removed.iter())
            .filter(|l| is_skip(&text(l)))
            .count();
        let mut hits: Vec<(u32, &'static str, String)> = Vec::new();
        for h in &f.hunks {
            for (i, l) in h.added.iter().enumerate() {
                let t = text(l);
                if t.trim_start().starts_with("//") || t.trim_start().starts_with("# ") {
                    continue;
                }
                let Some((tool, m)) = SKIP.iter().find_map(|(tool, r)| {
                    r.find(&t).map(|m| (*tool, m.as_str().trim().to_string()))
                }) else {
                    continue;
                };
                if removed_skips > 0 {
                    removed_skips -= 1;
                    continue;
                }
                if in_added_test(&h.added, i) || env_gate_in_added_helper(&h.added, i) {
                    continue;
                }
                hits.push((l.line, tool, m));
            }
        }
        if let Some((line, tool, first)) = hits.first().cloned() {
            out.push(Smell {
                kind: "test_weakened",
                path: f.path.clone(),
                line,
                detail: format!(
                    "{} skip/xfail/only marker{} added (`{}`)",
                    hits.len(),
                    if hits.len() == 1 { "" } else { "s" },
                    first
                ),
                what: Some("skip_added"),
                tool: Some(tool.to_string()),
                count: Some(hits.len()),
                ..Smell::default()
            });
        }
    }

    // Test files deleted, unless the code they test goes too, or they moved.
    for f in &tests {
        if f.status != FileStatus::Deleted {
            continue;
        }
        let s = stem(&f.path);
        if scratch_script(f)
            || removed_stems.contains(&s)
            || removed_stems.iter().any(|r| one_edit_apart(r, &s))
            || added_stems.contains(&s)
            || src_removed.saturating_sub(src_added) >= f.deletions()
        {
            continue;
        }
        let r = removals.get(f.path.as_str());
        let left: Vec<&String> = r
            .map(|r| {
                r.tests
                    .iter()
                    .filter(|n| n.is_empty() || !covers_test(n))
                    .collect()
            })
            .unwrap_or_default();
        let moved = r.is_none_or(|r| r.tests.is_empty() && r.assertions == 0);
        if moved || r.is_some_and(|r| !r.tests.is_empty()) && left.is_empty() {
            continue;
        }
        out.push(Smell {
            kind: "test_weakened",
            path: f.path.clone(),
            line: 1,
            detail: format!(
                "test file deleted ({} lines{})",
                f.deletions(),
                if left.is_empty() {
                    String::new()
                } else {
                    format!(", {} tests", left.len())
                }
            ),
            what: Some("test_file_deleted"),
            count: Some(left.len().max(1)),
            ..Smell::default()
        });
    }
    Ok(one_report_for_many(out))
}

/// Test files weakened in one change beyond which they are reported together.
const MANY_FILES: usize = 3;

/// A change that weakens tests in more than [`MANY_FILES`] files (a backend migrated, a suite
/// rewritten) gets one finding naming the files, the biggest first, not one per file: 25
/// findings for one commit bury the one a reviewer should read. The finding sits on the
/// file with the most removed; its kind is the strongest seen (a test file deleted or tests
/// removed before assertions removed or skips added).
fn one_report_for_many(mut out: Vec<Smell>) -> Vec<Smell> {
    let files: BTreeSet<&str> = out.iter().map(|s| s.path.as_str()).collect();
    if files.len() <= MANY_FILES {
        return out;
    }
    let nfiles = files.len();
    // Per file, in the order the smells were made: its parts and its total.
    let mut per_file: Vec<(String, u32, usize, Vec<String>)> = Vec::new();
    for s in &out {
        let n = s.count.unwrap_or(1);
        match per_file.iter_mut().find(|(p, ..)| *p == s.path) {
            Some((_, line, total, parts)) => {
                *total += n;
                *line = (*line).min(s.line);
                parts.push(s.detail.clone());
            }
            None => per_file.push((s.path.clone(), s.line, n, vec![s.detail.clone()])),
        }
    }
    per_file.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    let rank = |w: Option<&str>| match w {
        Some("test_file_deleted") => 3,
        Some("tests_removed") => 2,
        Some("skip_added") => 1,
        _ => 0,
    };
    out.sort_by_key(|s| std::cmp::Reverse(rank(s.what)));
    let what = out[0].what;
    let tool = out.iter().find_map(|s| s.tool.clone());
    let mut totals: Vec<String> = Vec::new();
    for (w, label) in [
        ("test_file_deleted", "test files deleted"),
        ("tests_removed", "files with tests removed"),
        ("assertions_removed", "files with assertions removed"),
        ("skip_added", "files with skips added"),
    ] {
        let n = out.iter().filter(|s| s.what == Some(w)).count();
        if n > 0 {
            totals.push(format!("{n} {label}"));
        }
    }
    let shown: Vec<String> = per_file
        .iter()
        .take(5)
        .map(|(p, _, _, parts)| format!("{p} ({})", parts.join("; ")))
        .collect();
    let more = nfiles.saturating_sub(shown.len());
    let (path, line, ..) = per_file[0].clone();
    vec![Smell {
        kind: "test_weakened",
        path,
        line,
        detail: format!(
            "tests weakened in {nfiles} files ({}): {}{}",
            totals.join(", "),
            shown.join(", "),
            if more > 0 {
                format!(", and {more} more")
            } else {
                String::new()
            }
        ),
        what,
        tool,
        count: Some(out.iter().map(|s| s.count.unwrap_or(1)).sum()),
        files: Some(nfiles),
        ..Smell::default()
    }]
}

fn test_key(c: &regex::Captures, line: &str) -> String {
    match c.get(1) {
        Some(m) if !m.as_str().is_empty() => m.as_str().to_string(),
        _ => norm(line),
    }
}

// ---------------------------------------------------------------------------------------
// Suppressions added

/// (tool, silences a security scanner or secret detector, pattern).
const SUPPRESSIONS: &[(&str, bool, &str)] = &[
    ("mypy", false, r"#\s*type:\s*ignore\b"),
    ("mypy", false, r"#\s*mypy:\s*ignore-errors"),
    ("pyright", false, r"#\s*pyright:\s*(?:ignore|basic)\b"),
    ("bandit", true, r"#\s*nosec\b"),
    ("ruff/bandit", true, r"#\s*noqa:\s*S\d"),
    ("flake8/ruff", false, r"#\s*noqa\b"),
    ("pylint", false, r"#\s*pylint:\s*disable"),
    ("coverage", false, r"#\s*pragma:\s*no\s*cover\b"),
    ("detect-secrets", true, r"pragma:\s*allowlist\s+secret"),
    ("semgrep", true, r"(?:#|//)\s*nosemgrep\b"),
    ("eslint", false, r"eslint-disable(?:-next-line|-line)?\b"),
    (
        "typescript",
        false,
        r"@ts-(?:ignore|nocheck|expect-error)\b",
    ),
    ("biome", false, r"biome-ignore\b"),
    ("oxlint", false, r"oxlint-disable\b"),
    ("deno", false, r"deno-lint-ignore\b"),
    ("istanbul", false, r"(?:istanbul|c8|v8)\s+ignore\b"),
    (
        "gosec",
        true,
        r"//\s*nolint:[\w,]*gosec|#nosec\b|//\s*#nosec\b",
    ),
    ("golangci-lint", false, r"//\s*nolint\b"),
    ("staticcheck", false, r"//\s*lint:ignore\b"),
    ("rustc/clippy", false, r"#!?\[\s*allow\s*\("),
    ("rustc/clippy", false, r"#\[cfg_attr\([^\]]*\ballow\s*\("),
    ("javac", false, r"@SuppressWarnings\s*\("),
    ("kotlin", false, r"@Suppress\s*\("),
    ("spotbugs", true, r"@SuppressFBWarnings\b"),
    ("intellij", false, r"//\s*noinspection\b"),
    ("sonar", false, r"\bNOSONAR\b"),
    ("rubocop", false, r"#\s*rubocop:\s*disable\b"),
    ("brakeman", true, r"#\s*brakeman:\s*ignore\b"),
    (
        "csharp",
        false,
        r"#pragma\s+warning\s+disable\b|\[SuppressMessage\s*\(",
    ),
    ("clang-tidy", false, r"//\s*NOLINT(?:NEXTLINE)?\b"),
    (
        "gcc/clang",
        false,
        r"#pragma\s+(?:GCC|clang)\s+diagnostic\s+ignored",
    ),
    ("cppcheck", false, r"cppcheck-suppress\b"),
    ("phpstan", false, r"@phpstan-ignore"),
    ("psalm", false, r"@psalm-suppress\b"),
    ("phpcs", false, r"phpcs:(?:ignore|disable)\b"),
    ("shellcheck", false, r"#\s*shellcheck\s+disable="),
    ("hadolint", false, r"#\s*hadolint\s+ignore="),
    ("checkov", true, r"checkov:skip="),
    ("tfsec", true, r"tfsec:ignore:"),
    ("trivy", true, r"trivy:ignore:"),
    ("kics", true, r"kics-scan\s+ignore"),
    ("gitleaks", true, r"gitleaks:allow\b"),
    ("gate", true, r"gate:allow\s+\S"),
];

static SUPPRESSION_SET: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new(SUPPRESSIONS.iter().map(|(_, _, p)| *p)).expect("static regexes")
});
static SUPPRESSION_RES: LazyLock<Vec<Regex>> =
    LazyLock::new(|| SUPPRESSIONS.iter().map(|(_, _, p)| re(p)).collect());

/// The marker at `start` is in code or a comment, not inside a string literal (an odd
/// number of `"` or `` ` `` before it).
fn outside_string(line: &str, start: usize) -> bool {
    let before = &line[..start];
    let count = |q: char| {
        before.chars().filter(|&c| c == q).count() - before.matches(&format!("\\{q}")).count()
    };
    count('"') % 2 == 0 && count('`') % 2 == 0
}

/// The suppressions a line adds: (tool, security, marker as written).
pub fn suppressions_in(line: &str) -> Vec<(&'static str, bool, String)> {
    let mut out = Vec::new();
    let mut taken_security = false;
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for i in SUPPRESSION_SET.matches(line).iter() {
        let (tool, security, _) = SUPPRESSIONS[i];
        let Some(m) = SUPPRESSION_RES[i].find(line) else {
            continue;
        };
        if !outside_string(line, m.start()) {
            continue;
        }
        // One marker, one suppression: `// #nosec` matches bandit's `#nosec` and gosec's.
        if spans.iter().any(|&(a, b)| m.start() < b && a < m.end()) {
            continue;
        }
        spans.push((m.start(), m.end()));
        // `//nolint:gosec` is gosec's; the generic `//nolint` entry would count it twice.
        if taken_security && !security && (tool == "golangci-lint" || tool == "flake8/ruff") {
            continue;
        }
        taken_security |= security;
        out.push((tool, security, m.as_str().trim().to_string()));
    }
    out
}

/// How a suppression names the rules it silences, right after its marker (`# noqa: E712`,
/// `# type: ignore[arg-type]`, `// eslint-disable-next-line no-await-in-loop`, ...), per tool.
/// Tools missing here have no per-rule form gate knows, or are always scoped
/// (`@ts-expect-error` fails when nothing is wrong: the empty pattern).
const SCOPES: &[(&str, &str)] = &[
    ("mypy", r"^\[[\w\-, ]+\]"),
    ("pyright", r"^\[[\w\-, ]+\]"),
    (
        "flake8/ruff",
        r"^:\s*[A-Z]+[0-9]+(?:[ \t]*,?[ \t]*[A-Z]+[0-9]+)*",
    ),
    ("pylint", r"^=\s*[\w\-]+(?:\s*,\s*[\w\-]+)*"),
    ("eslint", r"^[ \t]+[@\w/\-]+(?:\s*,\s*[@\w/\-]+)*"),
    ("biome", r"^\s*[\w/\-]+"),
    ("oxlint", r"^[ \t]+[@\w/\-]+(?:\s*,\s*[@\w/\-]+)*"),
    ("deno", r"^[ \t]+[\w\-]+(?:[ \t]+[\w\-]+)*?"),
    ("golangci-lint", r"^:[\w\-]+(?:,[\w\-]+)*"),
    ("staticcheck", r"^[ \t]+[A-Z]+[0-9]+(?:,[A-Z]+[0-9]+)*"),
    ("rustc/clippy", r"^\s*[\w:]+(?:\s*,\s*[\w:]+)*\s*\)\s*\]"),
    (
        "javac",
        r#"^\s*\{?\s*"[^"]+"(?:\s*,\s*"[^"]+")*\s*\}?\s*\)"#,
    ),
    ("kotlin", r#"^\s*"[^"]+"(?:\s*,\s*"[^"]+")*\s*\)"#),
    ("rubocop", r"^[ \t]+[\w/]+(?:\s*,\s*[\w/]+)*"),
    ("clang-tidy", r"^\([\w\-.,*]+\)"),
    ("shellcheck", r"^SC[0-9]+(?:,SC[0-9]+)*"),
    ("hadolint", r"^(?:DL|SC)[0-9]+(?:,(?:DL|SC)[0-9]+)*"),
    ("phpstan", r"^[ \t]+[\w.\-]+"),
    ("psalm", r"^[ \t]+\w+"),
];

static SCOPE_RES: LazyLock<Vec<(&'static str, Regex)>> =
    LazyLock::new(|| SCOPES.iter().map(|(t, p)| (*t, re(p))).collect());

/// A reason: two words or more after the scope, once separators (`-`, `--`, `:`, `//`, `#`)
/// and a comment's closing (`*/`, `-->`) are taken off.
static REASON: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[\s\-:;,.#/—–(]*[A-Za-z][A-Za-z'’]+\W+[A-Za-z0-9`][\w'’`]*"));

/// Whether a suppression follows the advice GATE-AI-005 gives: scoped to the rules it
/// silences, with the reason in the same comment (`# noqa: E712 - SQLAlchemy needs ==`,
/// `// eslint-disable-next-line no-await-in-loop -- one request at a time`). An unused-import
/// suppression on an import statement (`from x import y  # noqa: F401`) explains itself: it
/// is the usual mark of a re-export. Security-scanner suppressions are not asked this: a
/// silenced scanner is reported whatever the comment says.
fn explained(tool: &str, line: &str, marker: &str) -> bool {
    let Some(at) = line.find(marker) else {
        return false;
    };
    let rest = &line[at + marker.len()..];
    if tool == "coverage" && customary_exclusion(line[..at].trim()) {
        return true;
    }
    // A coverage exclusion and `@ts-expect-error` are scoped by nature: to the line or
    // branch they mark, and to an error that must be there.
    let scope = if marker.starts_with("@ts-expect-error") || tool == "coverage" {
        Some(0)
    } else {
        SCOPE_RES
            .iter()
            .find(|(t, _)| *t == tool)
            .and_then(|(_, r)| r.find(rest))
            .map(|m| m.end())
    };
    let Some(end) = scope else {
        return false;
    };
    let codes = &rest[..end];
    let statement = line.trim_start();
    if tool == "flake8/ruff"
        && (statement.starts_with("import ") || statement.starts_with("from "))
        && codes
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|c| !c.is_empty())
            .all(|c| c == "F401")
    {
        return true;
    }
    let reason = rest[end..]
        .trim_end()
        .trim_end_matches("*/")
        .trim_end_matches("-->")
        .trim_end();
    REASON.is_match(reason)
}

/// Lines coverage.py's documentation gives as the customary exclusions ("Excluding code":
/// `if TYPE_CHECKING:`, `if __name__ == .__main__.:`, `raise NotImplementedError`, abstract
/// methods), and imports, which declare and hold no logic (under `TYPE_CHECKING`, or an
/// optional dependency's `except ImportError:`). Excluding them from coverage hides no
/// untested behaviour; excluding a branch or a function does, and stays reported.
fn customary_exclusion(code: &str) -> bool {
    static CUSTOMARY: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r#"^(?:(?:import|from)\s+[\w.]+|except\s*\(?\s*(?:ImportError|ModuleNotFoundError)\b[^:]*:|(?:el)?if\s+(?:not\s+)?(?:typing\.)?TYPE_CHECKING\s*:|if\s+__name__\s*==\s*['"]__main__['"]\s*:|raise\s+NotImplementedError\b.*|@(?:abc\.)?abstractmethod|\.\.\.)"#,
        )
    });
    CUSTOMARY.is_match(code)
}

/// Suppressions added, per file. `checked` says which files hold code or configuration.
pub fn suppressions_added(files: &[FileChange], checked: &dyn Fn(&str) -> bool) -> Vec<Smell> {
    let mut out = Vec::new();
    // Suppressions the change removes anywhere, in any file (a `.vue` component is not read
    // for new suppressions but its removed lines count): code moved to another file with its
    // suppression is no new suppression.
    let mut removed: HashMap<String, usize> = HashMap::new();
    for f in files {
        for h in &f.hunks {
            for l in &h.removed {
                for (_, _, m) in suppressions_in(&text(l)) {
                    *removed.entry(m).or_default() += 1;
                }
            }
        }
    }
    for f in files
        .iter()
        .filter(|f| !f.hunks.is_empty() && checked(&f.path))
    {
        let mut hits: Vec<(u32, &'static str, bool, String)> = Vec::new();
        for l in f.added_lines() {
            let line = text(l);
            for (tool, security, m) in suppressions_in(&line) {
                if !security && explained(tool, &line, &m) {
                    continue;
                }
                match removed.get_mut(&m) {
                    Some(n) if *n > 0 => *n -= 1,
                    _ => hits.push((l.line, tool, security, m)),
                }
            }
        }
        if hits.is_empty() {
            continue;
        }
        let security = hits.iter().any(|h| h.2);
        let mut markers: BTreeMap<&str, usize> = BTreeMap::new();
        for h in &hits {
            *markers.entry(h.3.as_str()).or_default() += 1;
        }
        let listed: Vec<String> = markers
            .iter()
            .take(4)
            .map(|(m, n)| {
                if *n > 1 {
                    format!("`{m}` ×{n}")
                } else {
                    format!("`{m}`")
                }
            })
            .collect();
        let first = hits.iter().find(|h| h.2 == security).unwrap_or(&hits[0]);
        let mut tools: Vec<&str> = hits.iter().map(|h| h.1).collect();
        tools.sort_unstable();
        tools.dedup();
        out.push(Smell {
            kind: "suppression_added",
            path: f.path.clone(),
            line: first.0,
            detail: format!(
                "{} suppression{} added: {}",
                hits.len(),
                if hits.len() == 1 { "" } else { "s" },
                listed.join(", ")
            ),
            tool: Some(tools.join(", ")),
            count: Some(hits.len()),
            security,
            ..Smell::default()
        });
    }
    out
}

// ---------------------------------------------------------------------------------------
// Linter, type-checker and coverage settings relaxed

/// The checker a configuration file belongs to, by its name.
pub fn config_tool(path: &str) -> Option<&'static str> {
    let name = name_of(path);
    let lower = name.to_ascii_lowercase();
    Some(match lower.as_str() {
        n if n.starts_with(".eslintrc") || n.starts_with("eslint.config.") => "eslint",
        n if (n.starts_with("tsconfig") || n.starts_with("jsconfig")) && n.ends_with(".json") => {
            "typescript"
        }
        "pyproject.toml" | "setup.cfg" | "tox.ini" => "python",
        ".flake8" => "flake8",
        "mypy.ini" | ".mypy.ini" => "mypy",
        ".pylintrc" | "pylintrc" => "pylint",
        "ruff.toml" | ".ruff.toml" => "ruff",
        ".coveragerc" => "coverage",
        "pytest.ini" => "pytest",
        "pyrightconfig.json" => "pyright",
        n if n.starts_with(".golangci.") => "golangci-lint",
        "cargo.toml" => "cargo",
        "clippy.toml" | ".clippy.toml" => "clippy",
        ".rubocop.yml" | ".rubocop_todo.yml" => "rubocop",
        n if n.starts_with("jest.config.") => "jest",
        n if n.starts_with("vitest.config.") => "vitest",
        n if n.starts_with(".nycrc") => "nyc",
        "codecov.yml" | ".codecov.yml" | "codecov.yaml" => "codecov",
        "package.json" => "package.json",
        n if n.starts_with("phpstan.neon") => "phpstan",
        "psalm.xml" | "psalm.xml.dist" => "psalm",
        "biome.json" | "biome.jsonc" => "biome",
        n if n.starts_with(".stylelintrc") => "stylelint",
        ".swiftlint.yml" => "swiftlint",
        "detekt.yml" => "detekt",
        ".pre-commit-config.yaml" => "pre-commit",
        _ => return None,
    })
}

/// tsconfig options that make the checker stricter when true.
const TS_STRICT: &[&str] = &[
    "strict",
    "strictnullchecks",
    "strictfunctiontypes",
    "strictbindcallapply",
    "strictpropertyinitialization",
    "noimplicitany",
    "noimplicitthis",
    "noimplicitreturns",
    "noimplicitoverride",
    "alwaysstrict",
    "nounusedlocals",
    "nounusedparameters",
    "nouncheckedindexedaccess",
    "exactoptionalpropertytypes",
    "nofallthroughcasesinswitch",
    "useunknownincatchvariables",
    "checkjs",
    "nopropertyaccessfromindexsignature",
    "forceconsistentcasinginfilenames",
    "isolatedmodules",
    "verbatimmodulesyntax",
];
/// tsconfig options that make the checker laxer when true.
const TS_LAX: &[&str] = &[
    "skiplibcheck",
    "allowunreachablecode",
    "allowunusedlabels",
    "suppressimplicitanyindexerrors",
    "nocheck",
];
/// mypy / pyright options, stricter when true.
const PY_STRICT: &[&str] = &[
    "strict",
    "disallow_untyped_defs",
    "disallow_incomplete_defs",
    "disallow_untyped_calls",
    "disallow_any_generics",
    "disallow_untyped_decorators",
    "check_untyped_defs",
    "no_implicit_optional",
    "strict_optional",
    "warn_return_any",
    "warn_unused_ignores",
    "strict_equality",
    "no_implicit_reexport",
    "warn_unreachable",
    "reportmissingimports",
];
/// mypy options, laxer when true.
const PY_LAX: &[&str] = &[
    "ignore_missing_imports",
    "ignore_errors",
    "allow_untyped_defs",
    "allow_untyped_calls",
    "allow_incomplete_defs",
    "implicit_optional",
    "allow_redefinition",
    "disable_error_code",
];
/// Keys whose list, when it grows, turns checks off.
const GROWING_OFF: &[&str] = &[
    "ignore",
    "extend-ignore",
    "extend_ignore",
    "disable",
    "disabled",
    "per-file-ignores",
    "extend-per-file-ignores",
    "per_file_ignores",
    "exclude",
    "extend-exclude",
    "exclude-dirs",
    "exclude-files",
    "exclude-rules",
    "skip-dirs",
    "skip-files",
    "omit",
    "ignorepatterns",
    "ignore-paths",
    "ignore_paths",
    "disable_error_code",
    "suppress",
    "excluded",
    "allow",
];
/// Keys whose list, when it shrinks, turns checks off.
const SHRINKING_OFF: &[&str] = &[
    "select",
    "extend-select",
    "enable",
    "enabled",
    "only_rules",
    "opt_in_rules",
];
/// Numeric coverage and strictness thresholds: lowering one relaxes the gate.
const THRESHOLDS: &[&str] = &[
    "fail_under",
    "fail-under",
    "cov-fail-under",
    "branches",
    "functions",
    "lines",
    "statements",
    "target",
    "minimum_coverage",
    "min_coverage",
    "level",
    "threshold_percent",
];

static KEY_VALUE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"^\s*-?\s*["']?([@\w./-]+)["']?\s*[:=]\s*(.*?)\s*,?\s*$"#));
static LIST_ITEM: LazyLock<Regex> =
    LazyLock::new(|| re(r#"^\s*(?:-\s*)?["']?([@\w./:*-]+)["']?\s*,?\s*(?:#.*)?$"#));
static NUMBER: LazyLock<Regex> = LazyLock::new(|| re(r"(\d+(?:\.\d+)?)"));
static INLINE_LIST: LazyLock<Regex> = LazyLock::new(|| re(r#"["']([^"']+)["']"#));

/// The key a line of a YAML / TOML / INI / JSON file belongs to: the nearest line above with
/// less indentation that opens a key, or an open `key = [` array. Lower-case, `None` at the
/// top level.
fn parent_key(lines: &[&str], idx: usize) -> Option<String> {
    let indent = |s: &str| s.len() - s.trim_start().len();
    let here = lines.get(idx).map_or(usize::MAX, |l| indent(l));
    let mut depth = 0i32;
    for l in lines[..idx.min(lines.len())].iter().rev() {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with("//") {
            continue;
        }
        depth += t.matches(']').count() as i32 - t.matches('[').count() as i32;
        if t.starts_with('[') && t.ends_with(']') && !t.contains('=') {
            return None; // a TOML section: the key is on our own line
        }
        let Some(c) = KEY_VALUE.captures(l) else {
            continue;
        };
        let opens = c[2].is_empty() || c[2].ends_with('[') || c[2].ends_with('{') || &c[2] == "|";
        if (indent(l) < here && opens) || (depth < 0 && c[2].ends_with('[')) {
            return Some(c[1].to_ascii_lowercase());
        }
    }
    None
}

/// Whether line `idx` of a TOML file lies in a dependency table: the nearest section header
/// above it (`[dependencies]`, `[workspace.dependencies]`, `[target.'cfg(unix)'.dependencies]`,
/// `[dev-dependencies]`, `[dependencies.serde]`, `[tool.poetry.group.dev.dependencies]`)
/// names one. False for other files (no header) and when the file could not be read.
fn in_dependency_table(lines: &[&str], idx: usize) -> bool {
    lines[..idx.min(lines.len())]
        .iter()
        .rev()
        .map(|l| l.split(" #").next().unwrap_or(l).trim())
        .find(|t| t.starts_with('[') && t.ends_with(']') && !t.contains('='))
        .is_some_and(|header| {
            // An array of tables (`[[bin]]`) is no dependency table.
            !header.starts_with("[[")
                && header
                    .trim_matches(|c| c == '[' || c == ']')
                    .split('.')
                    .any(|part| {
                        matches!(
                            part.trim(),
                            "dependencies"
                                | "dev-dependencies"
                                | "build-dependencies"
                                | "dev_dependencies"
                                | "build_dependencies"
                                | "optional-dependencies"
                        )
                    })
        })
}

fn truthy(v: &str) -> Option<bool> {
    match v
        .trim()
        .trim_matches(|c| c == '"' || c == '\'' || c == ',')
        .to_ascii_lowercase()
        .as_str()
    {
        "true" | "yes" | "on" => Some(true),
        "false" | "no" => Some(false),
        _ => None,
    }
}

fn rule_off(v: &str) -> bool {
    let v = v.trim().trim_end_matches(',').trim();
    let first = v
        .trim_start_matches('[')
        .trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .to_ascii_lowercase();
    first == "off"
        || first == "0"
        || first.starts_with("off\"")
        || first == "allow"
        || v.contains("level = \"allow\"")
        || v.contains("level=\"allow\"")
}

/// Settings relaxed in one configuration file. `post` is the file after the change, when
/// readable.
pub fn relaxed_in(
    f: &FileChange,
    tool: &'static str,
    post: Option<&str>,
) -> Vec<(u32, &'static str, String)> {
    let post_lines: Vec<&str> = post.map(|p| p.lines().collect()).unwrap_or_default();
    let mut found: Vec<(u32, &'static str, String)> = Vec::new();
    // Values the change removes, by key (to compare with what it adds).
    let mut removed_kv: HashMap<String, Vec<String>> = HashMap::new();
    let mut removed_items: HashMap<(Option<String>, String), usize> = HashMap::new();
    let mut added_items: HashMap<(Option<String>, String), usize> = HashMap::new();
    for h in &f.hunks {
        for l in &h.removed {
            let t = text(l);
            if let Some(c) = KEY_VALUE.captures(&t) {
                removed_kv
                    .entry(c[1].to_ascii_lowercase())
                    .or_default()
                    .push(c[2].to_string());
            } else if let Some(c) = LIST_ITEM.captures(&t) {
                let key = parent_key(
                    &post_lines,
                    (h.new_start as usize)
                        .saturating_sub(1)
                        .min(post_lines.len()),
                );
                *removed_items.entry((key, c[1].to_string())).or_default() += 1;
            }
        }
    }
    for l in f.added_lines() {
        let t = text(l);
        if let Some(c) = LIST_ITEM.captures(&t) {
            if KEY_VALUE.captures(&t).is_none() {
                let key = parent_key(&post_lines, (l.line as usize).saturating_sub(1));
                *added_items.entry((key, c[1].to_string())).or_default() += 1;
            }
        }
    }
    let coverage_file = matches!(
        tool,
        "coverage" | "jest" | "vitest" | "nyc" | "codecov" | "package.json" | "python" | "pytest"
    );
    for l in f.added_lines() {
        let t = text(l);
        let trimmed = t.trim();
        if trimmed.starts_with('#') || trimmed.starts_with("//") {
            continue;
        }
        // A dependency table's keys are package names (`ignore = { version = "0.4.29" }` in
        // Cargo.toml, poetry's `[tool.poetry.dependencies]`), not a tool's settings: ripgrep
        // d798261924 bumping its `ignore` crate was "adds `0.4.29` to `ignore`".
        if in_dependency_table(&post_lines, (l.line as usize).saturating_sub(1)) {
            continue;
        }
        let Some(c) = KEY_VALUE.captures(&t) else {
            // A list item added under a key that turns checks off.
            if let Some(c) = LIST_ITEM.captures(&t) {
                let key = parent_key(&post_lines, (l.line as usize).saturating_sub(1));
                if let Some(k) = key.as_deref() {
                    let gone = removed_items.get_mut(&(key.clone(), c[1].to_string()));
                    let moved = matches!(gone, Some(n) if *n > 0);
                    if !moved
                        && GROWING_OFF.contains(&k)
                        && tool != "package.json"
                        && !routine_exclusion(tool, k, &c[1])
                    {
                        found.push((l.line, "list_grown", format!("adds `{}` to `{k}`", &c[1])));
                    }
                    if let Some(n) = removed_items.get_mut(&(key.clone(), c[1].to_string())) {
                        *n = n.saturating_sub(1);
                    }
                }
            }
            continue;
        };
        let key = c[1].to_ascii_lowercase();
        let value = c[2].to_string();
        let before = removed_kv.get(&key).cloned().unwrap_or_default();
        if before.iter().any(|b| norm(b) == norm(&value)) {
            continue; // moved, unchanged
        }
        let bare = key.rsplit('.').next().unwrap_or(&key).to_string();
        match tool {
            "eslint" | "biome" | "stylelint" => {
                if rule_off(&value) {
                    found.push((l.line, "rule_disabled", format!("turns `{}` off", &c[1])));
                } else if value.to_ascii_lowercase().contains("warn")
                    && before
                        .iter()
                        .any(|b| b.contains("error") || b.trim().trim_matches('"').starts_with('2'))
                {
                    found.push((
                        l.line,
                        "rule_downgraded",
                        format!("downgrades `{}` from error to warning", &c[1]),
                    ));
                }
            }
            "typescript" | "pyright" => {
                let k = bare.to_ascii_lowercase();
                if TS_STRICT.contains(&k.as_str()) && truthy(&value) == Some(false) {
                    found.push((
                        l.line,
                        "check_disabled",
                        format!("sets `{}` to false", &c[1]),
                    ));
                } else if TS_LAX.contains(&k.as_str()) && truthy(&value) == Some(true) {
                    found.push((
                        l.line,
                        "check_disabled",
                        format!("sets `{}` to true", &c[1]),
                    ));
                }
            }
            _ => {}
        }
        if matches!(tool, "python" | "mypy" | "pyright") {
            if PY_STRICT.contains(&bare.as_str()) && truthy(&value) == Some(false) {
                found.push((
                    l.line,
                    "check_disabled",
                    format!("sets `{}` to false", &c[1]),
                ));
            } else if PY_LAX.contains(&bare.as_str())
                && (truthy(&value) == Some(true) || bare == "disable_error_code")
            {
                found.push((
                    l.line,
                    "check_disabled",
                    format!("sets `{}` = {}", &c[1], value.trim()),
                ));
            } else if bare == "follow_imports" && value.contains("skip") {
                found.push((
                    l.line,
                    "check_disabled",
                    "sets `follow_imports` to skip".to_string(),
                ));
            }
        }
        if matches!(tool, "cargo" | "clippy") && rule_off(&value) {
            found.push((l.line, "rule_disabled", format!("allows `{}`", &c[1])));
        }
        if tool == "rubocop" && bare == "enabled" && truthy(&value) == Some(false) {
            found.push((l.line, "rule_disabled", "sets `Enabled: false`".to_string()));
        }
        if tool == "golangci-lint"
            && (bare == "disable-all" && truthy(&value) == Some(true)
                || bare == "enable-all" && truthy(&value) == Some(false))
        {
            found.push((l.line, "rule_disabled", format!("sets `{}`", trimmed)));
        }
        // Inline lists (`ignore = ["E501", "F401"]`): entries added to an "off" list, or
        // dropped from an "on" list.
        if GROWING_OFF.contains(&bare.as_str()) || SHRINKING_OFF.contains(&bare.as_str()) {
            let items = |v: &str| -> BTreeSet<String> {
                INLINE_LIST
                    .captures_iter(v)
                    .map(|c| c[1].to_string())
                    .collect()
            };
            let now = items(&value);
            let was: BTreeSet<String> = before.iter().flat_map(|b| items(b)).collect();
            if !before.is_empty() || !now.is_empty() {
                if GROWING_OFF.contains(&bare.as_str()) && tool != "package.json" {
                    let new: Vec<&String> = now
                        .difference(&was)
                        .filter(|i| !routine_exclusion(tool, &bare, i))
                        .collect();
                    if !new.is_empty() {
                        found.push((
                            l.line,
                            "list_grown",
                            format!("adds {} to `{}`", quote_list(&new), &c[1]),
                        ));
                    }
                } else if SHRINKING_OFF.contains(&bare.as_str()) && !before.is_empty() {
                    let gone: Vec<&String> = was.difference(&now).collect();
                    if !gone.is_empty() {
                        found.push((
                            l.line,
                            "list_shrunk",
                            format!("drops {} from `{}`", quote_list(&gone), &c[1]),
                        ));
                    }
                }
            }
        }
        // Thresholds lowered.
        let threshold_key = THRESHOLDS.contains(&bare.as_str())
            || bare.ends_with("fail_under")
            || bare.ends_with("fail-under");
        let cov_context = coverage_file || key.contains("cov") || tool == "phpstan";
        if threshold_key && cov_context && (bare != "level" || tool == "phpstan") {
            let num = |s: &str| NUMBER.captures(s).and_then(|c| c[1].parse::<f64>().ok());
            if let (Some(new), Some(old)) = (num(&value), before.iter().find_map(|b| num(b))) {
                if new < old {
                    found.push((
                        l.line,
                        "threshold_lowered",
                        format!("lowers `{}` from {old} to {new}", &c[1]),
                    ));
                }
            }
        }
        // `--cov-fail-under=90` inside a command line.
        if let Some(n) = t.find("--cov-fail-under") {
            let num = |s: &str| NUMBER.captures(s).and_then(|c| c[1].parse::<f64>().ok());
            let old = before
                .iter()
                .find_map(|b| b.find("--cov-fail-under").and_then(|i| num(&b[i..])));
            if let (Some(new), Some(old)) = (num(&t[n..]), old) {
                if new < old {
                    found.push((
                        l.line,
                        "threshold_lowered",
                        format!("lowers `--cov-fail-under` from {old} to {new}"),
                    ));
                }
            }
        }
    }
    // Items dropped from a list that turns checks on (`select`, `enable`), and pre-commit
    // hooks removed. A hook or linter the same hunk puts in its place (a hook replaced by
    // another, `golint` -> `revive`) is a replacement, not a removal: each removed one pairs
    // with at most one new one written there, so dropping three for one still reports two.
    // A new hook of a tool that covers the removed one (ruff for flake8, isort, black ...)
    // replaces it wherever the file adds it.
    let removed_norm: BTreeSet<String> = f
        .hunks
        .iter()
        .flat_map(|h| h.removed.iter())
        .map(|l| norm(&text(l)))
        .collect();
    let hook_id = |t: &str| -> Option<String> {
        KEY_VALUE
            .captures(t)
            .filter(|c| c[1].eq_ignore_ascii_case("id"))
            .map(|c| {
                c[2].trim()
                    .trim_matches(|c| c == '"' || c == '\'')
                    .to_string()
            })
    };
    // Hooks the change adds that were not in the file before (not moved).
    let new_hooks: Vec<String> = f
        .added_lines()
        .map(text)
        .filter(|t| !removed_norm.contains(&norm(t)))
        .filter_map(|t| hook_id(&t))
        .collect();
    for h in &f.hunks {
        let key = parent_key(
            &post_lines,
            (h.new_start as usize)
                .saturating_sub(1)
                .min(post_lines.len()),
        );
        // What this hunk writes in place of what it removes: new hooks, and new items of the
        // list the removed items belong to.
        let mut hooks_here = h
            .added
            .iter()
            .map(text)
            .filter(|t| !removed_norm.contains(&norm(t)))
            .filter(|t| hook_id(t).is_some())
            .count();
        let mut items_here = h
            .added
            .iter()
            .filter(|l| {
                let t = text(l);
                KEY_VALUE.captures(&t).is_none()
                    && !is_comment(t.trim())
                    && LIST_ITEM.captures(&t).is_some_and(|c| {
                        let k = parent_key(&post_lines, (l.line as usize).saturating_sub(1));
                        k.is_some() && k == key && !removed_items.contains_key(&(k, c[1].into()))
                    })
            })
            .count();
        for l in &h.removed {
            let t = text(l);
            if tool == "pre-commit" {
                if let Some(id) = hook_id(&t) {
                    let still = f.added_lines().any(|a| norm(&text(a)) == norm(&t));
                    let covered = new_hooks.iter().any(|n| covers(n, &id));
                    if still || covered {
                        continue;
                    }
                    if hooks_here > 0 {
                        hooks_here -= 1;
                        continue;
                    }
                    found.push((
                        anchor(h.new_start),
                        "hook_removed",
                        format!("removes the pre-commit hook `{id}`"),
                    ));
                }
                continue;
            }
            if KEY_VALUE.captures(&t).is_some() {
                continue;
            }
            let Some(c) = LIST_ITEM.captures(&t) else {
                continue;
            };
            if let Some(k) = key.as_deref() {
                if SHRINKING_OFF.contains(&k)
                    && !added_items.contains_key(&(key.clone(), c[1].to_string()))
                {
                    if items_here > 0 {
                        items_here -= 1;
                        continue;
                    }
                    found.push((
                        anchor(h.new_start),
                        "list_shrunk",
                        format!("drops `{}` from `{k}`", &c[1]),
                    ));
                }
            }
        }
    }
    // A TOML or INI section the change adds is a new configuration, not a relaxed one
    // (`[tool.ruff.lint]` with `select = ["D"]` and `ignore = ["D1"]`).
    let added_at: BTreeSet<u32> = f.added_lines().map(|l| l.line).collect();
    let in_new_section = |line: u32| {
        let idx = (line as usize).saturating_sub(1).min(post_lines.len());
        post_lines[..idx]
            .iter()
            .rposition(|l| {
                let t = l.trim();
                t.starts_with('[') && t.ends_with(']') && !t.contains('=')
            })
            .is_some_and(|h| added_at.contains(&(h as u32 + 1)))
    };
    found.retain(|x| !in_new_section(x.0));
    found.sort();
    found.dedup();
    found
}

/// Whether the hook `new` runs the checks of the hook `old`: ruff implements flake8 (and its
/// plugins), pycodestyle, pyflakes, isort, pyupgrade, pydocstyle, autoflake and bandit's
/// checks, and `ruff-format` formats as black does; biome lints and formats as eslint and
/// prettier do.
fn covers(new: &str, old: &str) -> bool {
    const COVERED: &[(&str, &[&str])] = &[
        (
            "ruff",
            &[
                "flake8",
                "pycodestyle",
                "pyflakes",
                "isort",
                "pyupgrade",
                "pydocstyle",
                "autoflake",
                "bandit",
            ],
        ),
        (
            "ruff-check",
            &["flake8", "pycodestyle", "pyflakes", "isort", "pyupgrade"],
        ),
        ("ruff-format", &["black", "autopep8", "yapf"]),
        ("biome-check", &["eslint", "prettier"]),
        ("biome-lint", &["eslint"]),
        ("biome-format", &["prettier"]),
    ];
    COVERED
        .iter()
        .any(|(n, olds)| *n == new && olds.contains(&old))
}

static GOLANGCI_V2: LazyLock<Regex> = LazyLock::new(|| re(r#"(?m)^version:\s*["']?2["']?\s*$"#));

/// An exclusion every project has: dependencies and build output (`node_modules`, `dist/**`),
/// and, in coverage settings (`omit`, codecov's `ignore`), the tests themselves
/// (`**/*_test.go`, `tests/*`). Adding one hides no code from the checker.
fn routine_exclusion(tool: &str, key: &str, item: &str) -> bool {
    static OUTPUT: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"^(?:\./)?(?:\*\*/)?(?:node_modules|dist|build|out|\.next|coverage|vendor|target|\.venv|venv|__pycache__|\.git|\.cache|\.tox)(?:/\*\*)?(?:/\*)?/?$",
        )
    });
    static TESTS: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?i)(?:^|/|\*)(?:tests?|testdata|testutils?|spec|__tests__|mocks?)(?:/|$)|_test\.go$|(?:^|/)test_\*|\.(?:test|spec)\.\w+$",
        )
    });
    let coverage = matches!(tool, "coverage" | "codecov" | "nyc") || key == "omit";
    OUTPUT.is_match(item) || coverage && TESTS.is_match(item)
}

fn quote_list(items: &[&String]) -> String {
    items
        .iter()
        .take(5)
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Lists the files under a repository-relative directory after the change (`None` when it
/// cannot be told).
pub type TreeLister<'a> = dyn FnMut(&str) -> Result<Option<Vec<String>>> + 'a;

fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn is_under(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path == dir
        || path.len() > dir.len() && path.starts_with(dir) && path.as_bytes()[dir.len()] == b'/'
}

/// The directory an exclusion names, without the globs that mean "everything under it"
/// (`./dist/**/*` -> `dist`); `None` for a pattern (`*.gen.ts`, `**/fixtures`).
fn excluded_dir(item: &str) -> Option<&str> {
    let lit = item
        .trim_start_matches("./")
        .trim_end_matches("/**/*")
        .trim_end_matches("/**")
        .trim_end_matches("/*")
        .trim_end_matches('/');
    (!lit.is_empty() && !lit.contains(['*', '?', '[', '{', '!']) && !lit.starts_with('/'))
        .then_some(lit)
}

/// A configuration file the change moves to another directory (an app moved to the top level)
/// checked the files under its old directory. An exclusion it gains with the move relaxes
/// nothing when none of those files is under the excluded path after the change: the ones
/// the change moves land elsewhere (their new paths are in the diff) and none is left where
/// it was inside the excluded path (`tree` lists what is left). The top-level tsconfig that
/// excludes `packages`, where the other packages keep their own configurations, hides nothing
/// the app's tsconfig checked; excluding the app's own `legacy/` does. Unknown -> relaxed.
fn hides_nothing_checked_before(
    f: &FileChange,
    item: &str,
    files: &[FileChange],
    tree: &mut TreeLister,
) -> Result<bool> {
    let Some(old) = f
        .old_path
        .as_deref()
        .filter(|_| f.status == FileStatus::Renamed)
    else {
        return Ok(false);
    };
    let (old_dir, new_dir) = (parent_dir(old), parent_dir(&f.path));
    let Some(lit) = excluded_dir(item) else {
        return Ok(false);
    };
    if old_dir == new_dir {
        return Ok(false);
    }
    let excluded = if new_dir.is_empty() {
        lit.to_string()
    } else {
        format!("{new_dir}/{lit}")
    };
    // The path a file had before the change, when it had one.
    let before = |g: &FileChange| -> Option<String> {
        match g.status {
            FileStatus::Added | FileStatus::Copied => None,
            FileStatus::Renamed => g.old_path.clone(),
            FileStatus::Modified | FileStatus::Deleted => Some(g.path.clone()),
        }
    };
    let checked_before = |g: &FileChange| before(g).is_some_and(|p| is_under(&p, old_dir));
    if files.iter().any(|g| {
        g.status != FileStatus::Deleted && is_under(&g.path, &excluded) && checked_before(g)
    }) {
        return Ok(false);
    }
    // Files the change does not touch keep their paths: they were checked before if they are
    // under the old directory too.
    let overlap = if is_under(&excluded, old_dir) {
        excluded.clone()
    } else if is_under(old_dir, &excluded) {
        old_dir.to_string()
    } else {
        return Ok(true);
    };
    let Some(left) = tree(&overlap)? else {
        return Ok(false);
    };
    let in_diff: HashMap<&str, &FileChange> = files.iter().map(|g| (g.path.as_str(), g)).collect();
    Ok(left
        .iter()
        .all(|p| in_diff.get(p.as_str()).is_some_and(|g| !checked_before(g))))
}

/// Settings relaxed, one smell per configuration file. `post(path)` reads a file after the
/// change; `tree(dir)` lists the files under a directory after it.
pub fn settings_relaxed(
    files: &[FileChange],
    post: &mut PostReader,
    tree: &mut TreeLister,
) -> Result<Vec<Smell>> {
    let mut out = Vec::new();
    // Every line the change removes, squashed: a setting added as it stood in another file
    // (a shared configuration inlined) is moved, not relaxed.
    let cfg_line = |t: &str| -> String {
        let t: String = t.split_whitespace().collect();
        t.trim_end_matches(',').to_string()
    };
    // Per file: an item moved between two lists of one file (`enable` -> `disable`) is a
    // relaxation, so only other files' removed lines count as the source of a move.
    let removed_in: Vec<(&str, BTreeSet<String>)> = files
        .iter()
        .map(|f| {
            (
                f.path.as_str(),
                f.hunks
                    .iter()
                    .flat_map(|h| h.removed.iter())
                    .map(|l| cfg_line(&text(l)))
                    .filter(|t| !t.is_empty())
                    .collect(),
            )
        })
        .collect();
    let removed_elsewhere = |path: &str, line: &str| {
        removed_in
            .iter()
            .any(|(p, set)| *p != path && set.contains(line))
    };
    let added_paths: Vec<&str> = files
        .iter()
        .filter(|f| f.status == FileStatus::Added)
        .map(|f| f.path.as_str())
        .collect();
    let other_paths: Vec<&str> = files
        .iter()
        .filter(|f| f.status != FileStatus::Added)
        .map(|f| f.path.as_str())
        .collect();
    // A path the exclusion names that only files this change adds are under: nothing that
    // was checked before goes unchecked (new end-to-end tests left to their own config, a
    // vendored declaration file the change adds).
    let only_new = |item: &str| {
        let lit = item
            .trim_start_matches("./")
            .trim_start_matches("**/")
            .trim_end_matches("/**/*")
            .trim_end_matches("/**")
            .trim_end_matches("/*")
            .trim_end_matches('/');
        let hits = |p: &&str| {
            !lit.is_empty()
                && !lit.contains('*')
                && (p.starts_with(&format!("{lit}/"))
                    || *p == lit
                    || p.ends_with(&format!("/{lit}")))
        };
        added_paths.iter().any(hits) && !other_paths.iter().any(hits)
    };
    for f in files
        .iter()
        .filter(|f| !f.hunks.is_empty() && f.status != FileStatus::Deleted)
    {
        let Some(tool) = config_tool(&f.path) else {
            continue;
        };
        // A configuration file the change adds is a new configuration: it relaxes nothing
        // that was in force (a new package's eslint.config.mjs, a first codecov.yml).
        if f.status == FileStatus::Added {
            continue;
        }
        let image = post(&f.path)?;
        let mut found = relaxed_in(f, tool, image.as_deref());
        let added: HashMap<u32, String> = f.added_lines().map(|l| (l.line, text(l))).collect();
        let removed_here: Vec<String> = f
            .hunks
            .iter()
            .flat_map(|h| h.removed.iter())
            .map(text)
            .collect();
        let v2 = image.as_deref().is_some_and(|i| GOLANGCI_V2.is_match(i));
        // Exclusions a moved configuration gains that hide nothing it checked before.
        let mut outside_old_scope = BTreeSet::new();
        if f.status == FileStatus::Renamed {
            for (_, what, desc) in &found {
                let item = desc.split('`').nth(1).unwrap_or("");
                if *what == "list_grown" && hides_nothing_checked_before(f, item, files, tree)? {
                    outside_old_scope.insert(item.to_string());
                }
            }
        }
        found.retain(|(line, what, desc)| {
            let item = desc.split('`').nth(1).unwrap_or("");
            let moved = added
                .get(line)
                .is_some_and(|a| removed_elsewhere(&f.path, &cfg_line(a)));
            // An item already in the list before, on a line the change reformats
            // (`"node_modules", "validator-cache"` -> `["node_modules", "validator-cache"]`).
            let listed_before = *what == "list_grown"
                && !item.is_empty()
                && removed_here.iter().any(|r| {
                    r.contains(&format!("\"{item}\"")) || r.contains(&format!("'{item}'"))
                });
            // golangci-lint v2 merged gosimple and stylecheck into staticcheck and has no
            // typecheck linter: dropping them in the v2 migration turns nothing off.
            let v2_merged = tool == "golangci-lint"
                && v2
                && matches!(item, "gosimple" | "stylecheck" | "typecheck");
            let new_paths = *what == "list_grown" && only_new(item);
            let out_of_scope = *what == "list_grown" && outside_old_scope.contains(item);
            !(moved || listed_before || v2_merged || new_paths || out_of_scope)
        });
        if found.is_empty() {
            continue;
        }
        let what = found[0].1;
        let listed: Vec<&str> = found.iter().take(4).map(|x| x.2.as_str()).collect();
        out.push(Smell {
            kind: "check_relaxed",
            path: f.path.clone(),
            line: found[0].0,
            detail: format!(
                "{}{}",
                listed.join("; "),
                if found.len() > 4 {
                    format!(" (+{} more)", found.len() - 4)
                } else {
                    String::new()
                }
            ),
            what: Some(what),
            tool: Some(tool.to_string()),
            count: Some(found.len()),
            ..Smell::default()
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// CI checks skipped or made non-blocking

/// The CI system a file configures, by its path.
pub fn ci_system(path: &str) -> Option<&'static str> {
    let p = path.to_ascii_lowercase();
    let name = name_of(&p);
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    Some(
        if p.starts_with(".github/workflows/") && yaml
            || p.starts_with(".github/actions/") && (name == "action.yml" || name == "action.yaml")
        {
            "github-actions"
        } else if name == ".gitlab-ci.yml"
            || name.ends_with(".gitlab-ci.yml")
            || p.starts_with(".gitlab/ci/") && yaml
        {
            "gitlab-ci"
        } else if p.starts_with(".circleci/") && yaml {
            "circleci"
        } else if (name.starts_with("azure-pipelines") || p.starts_with(".azure-pipelines/"))
            && yaml
        {
            "azure-pipelines"
        } else if p.starts_with(".buildkite/") && yaml {
            "buildkite"
        } else if name.starts_with("jenkinsfile") {
            "jenkins"
        } else if name == "bitbucket-pipelines.yml" {
            "bitbucket"
        } else if name == ".travis.yml" {
            "travis"
        } else if name == ".drone.yml" {
            "drone"
        } else {
            return None;
        },
    )
}

/// Commands that run a test suite, a linter or a type checker.
static CHECK_COMMAND: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:pytest|py\.test|tox|nox|unittest|jest|vitest|mocha|karma|cypress|playwright|rspec|minitest|phpunit|go\s+(?:test|vet)|cargo\s+(?:test|clippy|nextest|check)|npm\s+(?:run\s+)?(?:test|lint|typecheck|check)|yarn\s+(?:run\s+)?(?:test|lint|typecheck|check)|pnpm\s+(?:run\s+)?(?:test|lint|typecheck|check)|bun\s+(?:run\s+)?test|mypy|pyright|ruff|flake8|pylint|black\s+--check|eslint|tsc\b|golangci-lint|staticcheck|rubocop|gradle\w*\s+(?:test|check)|mvn\w*\s+(?:test|verify)|dotnet\s+test|make\s+(?:test|check|lint)|ctest|pre-commit\s+run|shellcheck|hadolint|bandit|semgrep|trivy|gosec|checkov)\b",
    )
});

/// A project script that runs the checks (`script/test`, `./scripts/lint.sh`, `bin/test`).
static SCRIPT_CHECK: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)(?:^|[\s/])(?:script|scripts|bin|ci)/(?:test|lint|check|ci)\w*(?:\.sh)?\b")
});

/// (what, tool-independent pattern) of added lines that make a check non-blocking or skip it.
static NON_BLOCKING: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    vec![
        (
            "continue_on_error",
            re(r"^\s*-?\s*continue-on-error:\s*(?:true|\$\{\{\s*true\s*\}\})\s*(?:#.*)?$"),
        ),
        (
            "allow_failure",
            re(r"^\s*-?\s*allow_failure:\s*true\s*(?:#.*)?$"),
        ),
        (
            "continue_on_error",
            re(r"^\s*-?\s*continueOnError:\s*true\s*(?:#.*)?$"),
        ),
        ("soft_fail", re(r"^\s*-?\s*soft_fail:\s*true\s*(?:#.*)?$")),
        (
            "if_false",
            re(r"^\s*-?\s*if:\s*(?:false|\$\{\{\s*false\s*\}\}|'false'|0)\s*(?:#.*)?$"),
        ),
        (
            "if_false",
            re(r"^\s*-?\s*condition:\s*(?:false|eq\(\s*1\s*,\s*2\s*\))\s*(?:#.*)?$"),
        ),
    ]
});
static OR_TRUE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\|\|\s*(?:true|:|exit\s+0|echo\b[^|;&]*)\s*(?:#.*)?['\x22]?\s*$"));

/// The check commands a CI line runs (normalized, lower-case): none on a `name:` or other
/// key that holds no command, and none where the command installs, downloads or moves the
/// tool (`pip install ruff mypy`, `curl .../golangci-lint.tar.gz`, `mv golangci-lint bin/`).
/// A `uses:` line counts as running the tool its action names
/// (`golangci/golangci-lint-action`).
fn check_commands(line: &str) -> Vec<String> {
    static KEY: LazyLock<Regex> =
        LazyLock::new(|| re(r"^\s*(?:-\s+)?([A-Za-z_][\w.-]*)\s*:(?:\s+(.*)|\s*)$"));
    static NOT_RUNNING: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?i)^(?:sudo\s+)?(?:curl|wget|tar|mv|cp|chmod|mkdir|ln|rm|echo|brew|apt|apt-get|choco|gem\s+install|(?:python3?\s+-m\s+)?pip3?\s+(?:install|download)|pipx\s+install|uv\s+(?:pip\s+install|tool\s+install|add|sync)|(?:npm|pnpm|bun)\s+(?:install|i|ci|add)\b|yarn\s+(?:install|add)|go\s+(?:install|get)|cargo\s+(?:install|binstall)|poetry\s+(?:install|add)|conda\s+install)\b",
        )
    });
    let t = line.trim_start();
    if t.starts_with('#') {
        return Vec::new();
    }
    let body = match KEY.captures(t) {
        Some(c) => {
            let key = c[1].to_ascii_lowercase();
            let value = c.get(2).map_or("", |m| m.as_str());
            match key.as_str() {
                "uses" => {
                    return CHECK_COMMAND
                        .find_iter(value)
                        .map(|m| norm(m.as_str()).to_ascii_lowercase())
                        .collect()
                }
                "run" | "script" | "command" | "commands" | "cmd" | "before_script"
                | "after_script" | "sh" | "bat" | "powershell" | "pwsh" | "bash" => value,
                _ => return Vec::new(),
            }
        }
        None => t.trim_start_matches("- "),
    };
    let mut out = Vec::new();
    for segment in body.split(['&', ';', '|']) {
        let seg = segment.trim();
        if NOT_RUNNING.is_match(seg) {
            continue;
        }
        out.extend(
            CHECK_COMMAND
                .find_iter(seg)
                .map(|m| norm(m.as_str()).to_ascii_lowercase()),
        );
        if SCRIPT_CHECK.is_match(seg) && !CHECK_COMMAND.is_match(seg) {
            out.push("script".to_string());
        }
    }
    out
}

/// Commands that run a whole set of checks: removing single check steps while adding one of
/// these moves the checks there (`mypy` and `ruff` steps -> `pre-commit run`).
static AGGREGATOR: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^(?:pre-commit\s+run|tox|nox|make\s+(?:test|check|lint)|script)$"));

/// Whether the step or job a marker at post-image line `idx` (0-based) belongs to runs a
/// check: a check command, a project check script, or a name that says it tests, lints or
/// checks. A release or deploy step allowed to fail is no check made non-blocking.
fn block_runs_check(lines: &[&str], idx: usize) -> bool {
    static CHECK_NAME: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?i)(?:^|[^a-z])(?:tests?|testing|lint|linters?|checks?|verify|typecheck|type-check|specs?|e2e|coverage)(?:$|[^a-z])",
        )
    });
    let indent = |s: &str| s.len() - s.trim_start().len();
    let blank = |s: &str| s.trim().is_empty() || s.trim_start().starts_with('#');
    let Some(marker) = lines.get(idx) else {
        return true;
    };
    let mi = indent(marker);
    // The block: a list item (a step) or the key (a job) the marker sits under.
    let (start, base) = if marker.trim_start().starts_with("- ") {
        (idx, mi)
    } else {
        match (0..idx)
            .rev()
            .find(|&i| !blank(lines[i]) && indent(lines[i]) < mi)
        {
            Some(p) => (p, indent(lines[p])),
            None => return true,
        }
    };
    let end = (start + 1..lines.len())
        .find(|&i| !blank(lines[i]) && indent(lines[i]) <= base)
        .unwrap_or(lines.len());
    // A step's or job's `name:`, or the job's own key (`test-nix:`).
    let named = |l: &str| {
        let t = l.trim().trim_start_matches("- ");
        (t.starts_with("name:") || t.ends_with(':')) && CHECK_NAME.is_match(t)
    };
    lines[start..end]
        .iter()
        .any(|l| named(l) || !check_commands(l).is_empty())
}

/// CI checks made non-blocking, skipped or removed, one smell per CI file. `post` reads a file
/// after the change: a marker counts only on a step or job that runs a check, and a removed
/// check command counts only when no CI file the change touches runs it afterwards.
pub fn ci_checks_bypassed(files: &[FileChange], post: &mut PostReader) -> Result<Vec<Smell>> {
    let ci_files: Vec<&FileChange> = files
        .iter()
        .filter(|f| ci_system(&f.path).is_some())
        .collect();
    // Check commands the change adds anywhere in CI (a job moved or renamed is no removal).
    let mut added_cmds: BTreeSet<String> = BTreeSet::new();
    for f in &ci_files {
        for l in f.added_lines() {
            added_cmds.extend(check_commands(&text(l)));
        }
    }
    // A change that runs as many check commands as it removes replaced them (npm -> pnpm,
    // unittest -> pytest, a script, jobs merged into one workflow), and one that adds a
    // command running a set of checks moved them there: no check is gone.
    let count_cmds = |added: bool| -> usize {
        ci_files
            .iter()
            .flat_map(|f| f.hunks.iter())
            .flat_map(|h| {
                if added {
                    h.added.iter()
                } else {
                    h.removed.iter()
                }
            })
            .map(|l| check_commands(&text(l)).len())
            .sum()
    };
    let removed_total = count_cmds(false);
    let replaced =
        count_cmds(true) >= removed_total || added_cmds.iter().any(|c| AGGREGATOR.is_match(c));
    // The post-images of the CI files the change touches, and the checks they still run.
    let mut images: HashMap<&str, String> = HashMap::new();
    let mut still_run: BTreeSet<String> = BTreeSet::new();
    for f in &ci_files {
        if f.status == FileStatus::Deleted || f.hunks.is_empty() {
            continue;
        }
        if let Some(img) = post(&f.path)? {
            if removed_total > 0 {
                for l in img.lines() {
                    still_run.extend(check_commands(l));
                }
            }
            images.insert(f.path.as_str(), img);
        }
    }
    let mut out = Vec::new();
    for f in files.iter().filter(|f| !f.hunks.is_empty()) {
        let Some(system) = ci_system(&f.path) else {
            continue;
        };
        // Vendored code's CI does not run here.
        if ["third_party/", "third-party/", "vendor/", "node_modules/"]
            .iter()
            .any(|d| f.path.contains(d))
        {
            continue;
        }
        let image: Option<Vec<&str>> = images.get(f.path.as_str()).map(|i| i.lines().collect());
        let mut removed: HashMap<String, usize> = HashMap::new();
        // Markers of each kind the file already had: a reworded comment is no new marker.
        let mut removed_kinds: HashMap<&'static str, usize> = HashMap::new();
        for h in &f.hunks {
            for l in &h.removed {
                let t = text(l);
                *removed.entry(norm(&t)).or_default() += 1;
                if let Some((what, _)) = NON_BLOCKING.iter().find(|(_, r)| r.is_match(&t)) {
                    *removed_kinds.entry(what).or_default() += 1;
                }
            }
        }
        let mut found: Vec<(u32, &'static str, String)> = Vec::new();
        for l in f.added_lines() {
            let t = text(l);
            if t.trim_start().starts_with('#') {
                continue;
            }
            if let Some(n) = removed.get_mut(&norm(&t)) {
                if *n > 0 {
                    *n -= 1;
                    continue; // moved
                }
            }
            if let Some((what, _)) = NON_BLOCKING.iter().find(|(_, r)| r.is_match(&t)) {
                // A new workflow starts as it is: nothing that blocked stops blocking.
                if f.status == FileStatus::Added {
                    continue;
                }
                if let Some(n) = removed_kinds.get_mut(what) {
                    if *n > 0 {
                        *n -= 1;
                        continue;
                    }
                }
                if let Some(img) = &image {
                    if !block_runs_check(img, (l.line as usize).saturating_sub(1)) {
                        continue;
                    }
                }
                found.push((
                    l.line,
                    what,
                    format!("adds `{}`", norm(&t).trim_start_matches("- ")),
                ));
            } else if OR_TRUE.is_match(&t) && !check_commands(&t).is_empty() {
                found.push((
                    l.line,
                    "or_true",
                    format!("ignores the result of `{}`", clip(&norm(&t), 80)),
                ));
            }
        }
        // Check commands removed and not run anywhere else in CI after the change.
        if !replaced {
            for h in &f.hunks {
                for l in &h.removed {
                    let t = text(l);
                    for k in check_commands(&t) {
                        if added_cmds.contains(&k) || still_run.contains(&k) {
                            continue;
                        }
                        found.push((
                            anchor(h.new_start),
                            "check_removed",
                            format!(
                                "removes the step running `{}`",
                                clip(
                                    norm(&t)
                                        .trim_start_matches("- ")
                                        .trim_start_matches("run: "),
                                    80
                                )
                            ),
                        ));
                    }
                }
            }
        }
        if found.is_empty() {
            continue;
        }
        found.sort();
        found.dedup_by(|a, b| a.2 == b.2);
        let what = found
            .iter()
            .find(|x| x.1 != "check_removed")
            .unwrap_or(&found[0])
            .1;
        let listed: Vec<&str> = found.iter().take(3).map(|x| x.2.as_str()).collect();
        out.push(Smell {
            kind: "ci_check_bypassed",
            path: f.path.clone(),
            line: found[0].0,
            detail: format!(
                "{}{}",
                listed.join("; "),
                if found.len() > 3 {
                    format!(" (+{} more)", found.len() - 3)
                } else {
                    String::new()
                }
            ),
            what: Some(what),
            tool: Some(system.to_string()),
            count: Some(found.len()),
            ..Smell::default()
        });
    }
    Ok(out)
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n).collect();
        t.push('…');
        t
    }
}

// ---------------------------------------------------------------------------------------
// Agent instruction files

/// The agent an instruction or agent-configuration file steers, by its path.
pub fn instruction_file(path: &str) -> Option<&'static str> {
    let p = path.to_ascii_lowercase();
    let name = name_of(&p);
    let under = |dir: &str| p.starts_with(dir) || p.contains(&format!("/{dir}"));
    // AGENTS.md, CLAUDE.md and GEMINI.md are spelled in capitals; docs/usage/agents.md or a
    // model's page docs/llms/gemini.md is documentation.
    let exact = name_of(path);
    Some(match name {
        "agents.md" | "agent.md" if exact == "AGENTS.md" || exact == "AGENT.md" => "agents.md",
        "claude.md" | "claude.local.md" if exact.starts_with("CLAUDE") => "claude",
        "gemini.md" if exact == "GEMINI.md" => "gemini",
        ".cursorrules" => "cursor",
        ".windsurfrules" => "windsurf",
        ".clinerules" => "cline",
        ".aider.conf.yml" | ".aider.conf.yaml" => "aider",
        ".mcp.json" => "mcp",
        "copilot-instructions.md" if under(".github/") => "copilot",
        "copilot-setup-steps.yml" | "copilot-setup-steps.yaml" if under(".github/workflows/") => {
            "copilot"
        }
        _ if under(".claude/") => "claude",
        _ if under(".cursor/") => "cursor",
        _ if under(".github/instructions/")
            || under(".github/prompts/")
            || under(".github/chatmodes/") =>
        {
            "copilot"
        }
        _ if under(".windsurf/") => "windsurf",
        _ if under(".clinerules/") => "cline",
        _ if under(".gemini/") => "gemini",
        _ if under(".codex/") => "codex",
        _ if under(".agents/") => "agents",
        _ if under(".openhands/") => "openhands",
        _ if under(".junie/") => "junie",
        _ if under(".roo/") => "roo",
        // Kiro's steering files steer every change; its specs are one feature's notes.
        _ if under(".kiro/steering/") => "kiro",
        _ if under(".continue/") => "continue",
        _ if under(".amazonq/") => "amazon-q",
        _ => return None,
    })
}

/// Agent instruction files the change adds, edits or deletes.
pub fn instructions_changed(files: &[FileChange]) -> Vec<Smell> {
    files
        .iter()
        .filter_map(|f| {
            // A mode change alone (no line added or removed) changes no instruction.
            if f.hunks.is_empty() && !matches!(f.status, FileStatus::Added | FileStatus::Deleted) {
                return None;
            }
            let tool = instruction_file(&f.path)
                .or_else(|| f.old_path.as_deref().and_then(instruction_file))?;
            let what = match f.status {
                FileStatus::Added | FileStatus::Copied => "added",
                FileStatus::Deleted => "deleted",
                _ => "modified",
            };
            let line = f.added_lines().next().map_or(1, |l| l.line);
            Some(Smell {
                kind: "agent_instructions",
                path: f.path.clone(),
                line,
                detail: format!("{what} (+{} −{} lines)", f.additions(), f.deletions()),
                what: Some(what),
                tool: Some(tool.to_string()),
                count: Some(f.additions() + f.deletions()),
                ..Smell::default()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
