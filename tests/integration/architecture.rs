//! The module graph of `src/`, computed from the source: imports run one way (change ->
//! analyzers -> facts -> policy -> suppress -> report, wired by the pipeline), and this test
//! fails on any cycle, printing it.
//!
//! A module is the first path component under `src/` (`deps` for `src/deps/npm.rs`); an edge
//! is a `crate::X` path anywhere in its code (`use crate::{a, b::c}` counts each name) or a
//! `super::` path that climbs out of the module. Comments and string literals are ignored.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::util::manifest_dir;

/// Source text without comments, string and character literals (replaced by spaces), so only
/// code is scanned for paths.
fn code_only(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        if rest.starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if rest.starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if let Some(hashes) = raw_string_start(rest) {
            // r"..." / r#"..."# / br#"..."#
            i += rest.iter().position(|&c| c == b'"').unwrap_or(0) + 1;
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            while i < b.len() && !b[i..].starts_with(&close) {
                i += 1;
            }
            i += close.len();
            out.push(' ');
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push(' ');
        } else if b[i] == b'\'' && is_char_literal(rest) {
            i += 1;
            while i < b.len() && b[i] != b'\'' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push(' ');
        } else {
            let c = src[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// `r"`, `r#"`, `br"`... at the start of `s` (and not inside an identifier): the number of `#`.
fn raw_string_start(s: &[u8]) -> Option<usize> {
    let s = s.strip_prefix(b"b").unwrap_or(s);
    let s = s.strip_prefix(b"r")?;
    let hashes = s.iter().take_while(|&&c| c == b'#').count();
    (s.get(hashes) == Some(&b'"')).then_some(hashes)
}

/// A character literal (`'a'`, `'\n'`, `'\u{1F600}'`), not a lifetime (`'a`).
fn is_char_literal(s: &[u8]) -> bool {
    match s.get(1) {
        Some(b'\\') => true,
        Some(_) => {
            let text = String::from_utf8_lossy(&s[1..s.len().min(6)]).into_owned();
            let mut chars = text.chars();
            chars.next();
            chars.next() == Some('\'')
        }
        None => false,
    }
}

fn ident_at(s: &str) -> Option<&str> {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    (end > 0).then(|| &s[..end])
}

/// The first names of the items of a `{a, b::c, d as e}` group starting at `s` (after `{`).
fn group_names(s: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut depth = 0;
    let mut at_item_start = true;
    let mut i = 0;
    while i < s.len() {
        let c = s[i..].chars().next().unwrap_or(' ');
        match c {
            '{' => {
                depth += 1;
                at_item_start = false;
            }
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => at_item_start = true,
            c if c.is_whitespace() => {}
            _ if at_item_start && depth == 0 => {
                if let Some(id) = ident_at(&s[i..]) {
                    names.push(id.to_string());
                    i += id.len();
                    at_item_start = false;
                    continue;
                }
                at_item_start = false;
            }
            _ => {}
        }
        i += c.len_utf8();
    }
    names
}

/// The modules `code` of a file at module path `path` (`["deps", "npm"]`) refers to.
fn references(code: &str, file_path: &[String]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    // Inline `mod x { ... }` blocks: the module path at each brace depth.
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut depth = 0usize;
    let b = code.as_bytes();
    let mut i = 0;
    let word_start = |i: usize| {
        i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] == b'$')
    };
    while i < b.len() {
        let rest = &code[i..];
        match b[i] {
            b'{' => {
                depth += 1;
                i += 1;
                continue;
            }
            b'}' => {
                if stack.last().is_some_and(|(d, _)| *d == depth) {
                    stack.pop();
                }
                depth = depth.saturating_sub(1);
                i += 1;
                continue;
            }
            _ => {}
        }
        if word_start(i) && rest.starts_with("mod ") {
            let after = rest[4..].trim_start();
            if let Some(name) = ident_at(after) {
                let tail = after[name.len()..].trim_start();
                if tail.starts_with('{') {
                    stack.push((depth + 1, name.to_string()));
                }
            }
        }
        if word_start(i) && rest.starts_with("crate::") {
            let after = rest["crate::".len()..].trim_start();
            if let Some(g) = after.strip_prefix('{') {
                out.extend(group_names(g));
            } else if let Some(id) = ident_at(after) {
                out.insert(id.to_string());
            }
        }
        if word_start(i) && rest.starts_with("super::") {
            let mut ups = 0;
            let mut tail = rest;
            while let Some(t) = tail.strip_prefix("super::") {
                ups += 1;
                tail = t.trim_start();
            }
            let here = file_path.len() + stack.len();
            if ups >= here {
                // Climbed to the crate root: the next name is a top-level module.
                if let Some(g) = tail.strip_prefix('{') {
                    out.extend(group_names(g));
                } else if let Some(id) = ident_at(tail) {
                    out.insert(id.to_string());
                }
            }
            i += rest.len() - tail.len();
            continue;
        }
        i += 1;
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Module -> the modules it imports, for the library (main.rs is the binary, outside it).
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = manifest_dir().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let rel: Vec<String> = f
            .strip_prefix(&src)
            .expect("under src")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let mut path: Vec<String> = rel
            .iter()
            .map(|c| c.trim_end_matches(".rs").to_string())
            .collect();
        if path.last().is_some_and(|l| l == "mod") {
            path.pop();
        }
        if path == ["lib"] || path == ["main"] {
            continue;
        }
        let module = path[0].clone();
        let code = code_only(&std::fs::read_to_string(&f).expect("read source"));
        let refs = references(&code, &path);
        let entry = graph.entry(module.clone()).or_default();
        entry.extend(refs.into_iter().filter(|r| *r != module && r != "self"));
    }
    let known: BTreeSet<String> = graph.keys().cloned().collect();
    for deps in graph.values_mut() {
        deps.retain(|d| known.contains(d));
    }
    graph
}

/// The strongly connected components with more than one module (Tarjan's algorithm).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low[v];
                s.low.insert(v, lv.min(lw));
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low[v];
                s.low.insert(v, lv.min(iw));
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.out.push(comp);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out
}

/// One concrete cycle through `comp` (a path back to its first module), for the message.
fn a_cycle(graph: &BTreeMap<String, BTreeSet<String>>, comp: &[String]) -> Vec<String> {
    let inside: BTreeSet<&String> = comp.iter().collect();
    let start = &comp[0];
    // Breadth-first from start's successors back to start, inside the component.
    let mut prev: BTreeMap<&String, &String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::new();
    for n in graph[start].iter().filter(|n| inside.contains(n)) {
        prev.entry(n).or_insert(start);
        queue.push_back(n);
    }
    while let Some(n) = queue.pop_front() {
        if n == start {
            break;
        }
        for m in graph[n].iter().filter(|m| inside.contains(m)) {
            if !prev.contains_key(m) {
                prev.insert(m, n);
                queue.push_back(m);
            }
        }
    }
    let mut path = vec![start.clone()];
    let mut at = prev.get(start).copied();
    while let Some(n) = at {
        path.push(n.clone());
        if n == start {
            break;
        }
        at = prev.get(n).copied();
    }
    path.reverse();
    path
}

#[test]
fn the_module_graph_has_no_cycle() {
    let graph = module_graph();
    assert!(
        graph.len() >= 10 && graph.contains_key("policy") && graph.contains_key("facts"),
        "the graph misses modules: {graph:?}"
    );
    let found = cycles(&graph);
    let described: Vec<String> = found
        .iter()
        .map(|c| {
            format!(
                "{} (e.g. {})",
                c.join(", "),
                a_cycle(&graph, c).join(" -> ")
            )
        })
        .collect();
    assert!(
        found.is_empty(),
        "import cycles between modules of src/:\n  {}\nthe graph: {graph:#?}",
        described.join("\n  ")
    );
    // Nothing imports the facts back but the stages above it.
    for (m, deps) in &graph {
        if deps.contains("pipeline") {
            panic!("{m} imports the pipeline, which only wires the stages");
        }
    }
}

/// The scanner of paths finds what it should: groups, `super::` leaving a module, and nothing
/// in comments or strings.
#[test]
fn the_graph_scanner_reads_paths() {
    let code = code_only(
        "use crate::{a, b::c, d as e};\n// crate::comment\nlet s = \"crate::string\";\nlet r = r#\"crate::raw\"#;\nfn f<'a>(x: &'a str) -> char { crate::g::h(); 'x' }\nmod tests { use super::super::k; }\nuse super::sibling;\n",
    );
    let refs = references(&code, &["m".to_string()]);
    let want: BTreeSet<String> = ["a", "b", "d", "g", "sibling"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    // `super::sibling` from module `m` climbs to the crate root; inside `mod tests`,
    // `super::super::k` does too.
    let mut want = want;
    want.insert("k".into());
    assert_eq!(refs, want);
    let nested = references("use super::x;", &["deps".to_string(), "npm".to_string()]);
    assert!(
        nested.is_empty(),
        "super:: inside a module stays in it: {nested:?}"
    );
    // A cycle is found and printed.
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    g.entry("c".into()).or_default().insert("a".into());
    g.entry("d".into()).or_default().insert("a".into());
    let c = cycles(&g);
    assert_eq!(c, vec![vec!["a".to_string(), "b".into(), "c".into()]]);
    assert_eq!(a_cycle(&g, &c[0]), ["a", "b", "c", "a"]);
}

/// docs/risk.md's table of the built-in rules is generated from the rules' metadata
/// (`risk_points` beside `security_severity`), so it lists every rule and cannot drift from
/// them. `GATE_UPDATE_DOCS=1` rewrites the table; without it a difference fails, naming the
/// first rule that differs.
#[test]
fn risk_doc_is_generated_from_the_rules() {
    use gate::policy::{risk_table, Engine, PolicySet, RISK_TABLE_BEGIN, RISK_TABLE_END};
    let data = gate::config::Config::default()
        .policy_data()
        .expect("policy data");
    let engine = Engine::new(
        &PolicySet::builtin(),
        data,
        std::time::Duration::from_secs(10),
    )
    .expect("built-in policies");
    let rules = engine.rules().expect("rule metadata");
    let missing: Vec<&str> = rules
        .values()
        .filter(|r| r.risk_points.trim().is_empty())
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "built-in rules without \"risk_points\" in their metadata: {missing:?}"
    );
    let path = manifest_dir().join("docs/risk.md");
    let doc = std::fs::read_to_string(&path).expect("docs/risk.md");
    let (head, rest) = doc
        .split_once(RISK_TABLE_BEGIN)
        .expect("docs/risk.md holds the risk table's begin marker");
    let (old, tail) = rest
        .split_once(RISK_TABLE_END)
        .expect("docs/risk.md holds the risk table's end marker");
    let table = format!("\n\n{}\n", risk_table(&rules));
    if old == table {
        return;
    }
    if std::env::var("GATE_UPDATE_DOCS").is_ok_and(|v| v == "1") {
        let doc = format!("{head}{RISK_TABLE_BEGIN}{table}{RISK_TABLE_END}{tail}");
        std::fs::write(&path, doc).expect("write docs/risk.md");
        return;
    }
    let first = table
        .lines()
        .zip(old.lines())
        .find(|(a, b)| a != b)
        .map(|(want, got)| format!("generated: {want}\nin the doc: {got}"))
        .unwrap_or_else(|| "the tables differ in length".to_string());
    panic!(
        "docs/risk.md's risk table differs from the rules' metadata:\n{first}\n\
         regenerate it: GATE_UPDATE_DOCS=1 cargo test --test integration architecture::risk_doc"
    );
}
