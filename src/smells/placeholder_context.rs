//! Where a placeholder candidate sits: abstract methods and interface stubs raise "not
//! implemented" on purpose, "not supported" errors are real errors, and `pass  # ...` in an
//! `except` is a swallowed error, not a placeholder.

use std::sync::LazyLock;

use regex::Regex;

static UNSUPPORTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)not\s+(?:yet\s+)?supported|unsupported|does\s*n[o']t\s+support|cannot\b|can't\b|only\s+supports?\b|not\s+available|not\s+allowed|not\s+applicable|must\s+be\s+(?:implemented|overridden)|implemented\s+(?:in|by)\b|should\s+(?:never|not)\b|does\s*n[o']t\s+(?:support|have)|subclass|override|abstract")
        .expect("static regex")
});
static PLACEHOLDER_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:todo|fixme|xxx|tbd|implement|later|stub|placeholder|fill|not\s+yet|for\s+now|temporar)")
        .expect("static regex")
});

/// The match at `start` sits in a string literal (template text, data), not in code or a
/// comment: an odd number of quotes before it, and no comment marker.
pub fn in_string(line: &str, start: usize) -> bool {
    let before = &line[..start];
    if before.contains("//") || before.trim_start().starts_with('#') || before.contains(" # ") {
        return false;
    }
    let odd = |q: char| before.chars().filter(|&c| c == q).count() % 2 == 1;
    odd('"') || odd('\'') || odd('`')
}

/// The raise or throw says the operation is unsupported or must be overridden: a real error.
pub fn unsupported(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    (l.contains("notimplemented")
        || l.contains("not implemented")
        || l.contains("unimplemented!")
        || l.contains("unsupportedoperation"))
        && UNSUPPORTED.is_match(line)
}

fn indent(s: &str) -> usize {
    s.len() - s.trim_start().len()
}

fn blank_or_comment(s: &str) -> bool {
    let t = s.trim();
    t.is_empty()
        || t.starts_with('#')
        || t.starts_with("//")
        || t.starts_with("/*")
        || t.starts_with('*')
        || t.starts_with("\"\"\"")
        || t.starts_with("'''")
        || (t.starts_with('"') && t.ends_with('"'))
}

/// The nearest line above `idx` with less indentation than `level` (skipping blanks).
fn parent(lines: &[String], idx: usize, level: usize) -> Option<usize> {
    (0..idx.min(lines.len()))
        .rev()
        .find(|&i| !lines[i].trim().is_empty() && indent(&lines[i]) < level)
}

fn abstract_class(header: &str) -> bool {
    let h = header.trim();
    let mut name = h;
    for p in [
        "export ",
        "default ",
        "public ",
        "abstract ",
        "class ",
        "interface ",
    ] {
        name = name.trim_start_matches(p);
    }
    let name: String = name
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    h.contains("abstract ")
        || h.starts_with("interface ")
        || h.contains(" interface ")
        || h.contains("ABC")
        || h.contains("Protocol")
        || h.contains("Interface")
        || name.starts_with("Base")
        || name.starts_with("Abstract")
        || name.ends_with("Base")
        || name.ends_with("Interface")
        || name.ends_with("Mixin")
}

/// True when the candidate `found` at line `idx` (0-based) of `lines` (the file after the
/// change) is no placeholder.
pub fn not_a_placeholder(found: &str, path: &str, lines: &[String], idx: usize) -> bool {
    let Some(here) = lines.get(idx) else {
        return false;
    };
    let f = found.trim_start().to_ascii_lowercase();
    // `pass  # ...`: a placeholder only when the comment says so, and never in an except.
    if f.starts_with("pass") {
        if !PLACEHOLDER_WORDS.is_match(here) {
            return true;
        }
        return parent(lines, idx, indent(here)).is_some_and(|p| {
            let t = lines[p].trim_start();
            t.starts_with("except") || t.starts_with("catch") || t.starts_with("} catch")
        });
    }
    let raises =
        f.contains("notimplementederror") || f.contains("throw") || f.contains("unimplemented");
    if !raises {
        return false;
    }
    let python = path.ends_with(".py") || path.ends_with(".pyi");
    // The enclosing block. A raise in the `else` (or `default`) branch of a dispatch is the
    // unsupported case, a real error.
    let Some(mut def) = parent(lines, idx, indent(here)) else {
        return false;
    };
    let body_start = def;
    let opener = lines[def].trim_start();
    if !PLACEHOLDER_WORDS.is_match(here)
        && ["else", "elif ", "} else", "default:", "case _", "_ =>"]
            .iter()
            .any(|p| opener.starts_with(p))
    {
        return true;
    }
    // A def whose parameters span lines: its header is the `def` line above the `) ->` line.
    if python
        && !(opener.starts_with("def ") || opener.starts_with("async def "))
        && opener.starts_with(')')
    {
        let level = indent(&lines[def]);
        if let Some(d) = (def.saturating_sub(20)..def).rev().find(|&i| {
            let t = lines[i].trim_start();
            indent(&lines[i]) == level && (t.starts_with("def ") || t.starts_with("async def "))
        }) {
            def = d;
        }
    }
    let header = lines[def].trim_start();
    let only_statement = (body_start + 1..idx).all(|i| blank_or_comment(&lines[i]));
    if python {
        if !(header.starts_with("def ") || header.starts_with("async def ")) {
            return false;
        }
        // Decorators above the def.
        let mut i = def;
        while i > 0 && lines[i - 1].trim_start().starts_with('@') {
            i -= 1;
            if lines[i].contains("abstract") || lines[i].contains("overload") {
                return true;
            }
        }
        let method = header.contains("(self") || header.contains("(cls");
        let class = parent(lines, def, indent(&lines[def]))
            .filter(|&c| lines[c].trim_start().starts_with("class "));
        if class.is_some_and(|c| abstract_class(&lines[c])) {
            return true;
        }
        // A method whose whole body is the raise: an interface stub for subclasses.
        method && only_statement
    } else {
        // Brace languages: the method header, then the class, interface or trait around it.
        let class = parent(lines, def, indent(&lines[def])).filter(|&c| {
            let t = lines[c].trim_start();
            t.contains("class ")
                || t.contains("interface ")
                || t.starts_with("impl ")
                || t.contains("trait ")
        });
        match class {
            Some(c) => {
                abstract_class(&lines[c])
                    || lines[c].contains("trait ")
                    || (only_statement && !header.starts_with("function "))
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(src: &str) -> Vec<String> {
        src.lines().map(str::to_string).collect()
    }

    #[test]
    fn abstract_methods_and_stubs_are_not_placeholders() {
        let abc = lines("class Store(ABC):\n    @abstractmethod\n    def get(self, key):\n        raise NotImplementedError\n");
        assert!(not_a_placeholder(
            "raise NotImplementedError",
            "s.py",
            &abc,
            3
        ));
        let base = lines("class BaseExporter:\n    def export(self, rows):\n        \"\"\"Write rows.\"\"\"\n        raise NotImplementedError\n");
        assert!(not_a_placeholder(
            "raise NotImplementedError",
            "e.py",
            &base,
            3
        ));
        let template = lines("export abstract class Job {\n  run(): void {\n    throw new Error('Not implemented');\n  }\n}\n");
        assert!(not_a_placeholder(
            "throw new Error('Not implemented",
            "j.ts",
            &template,
            2
        ));
    }

    #[test]
    fn real_placeholders_stay() {
        let func =
            lines("def charge(order):\n    total = order.total\n    raise NotImplementedError\n");
        assert!(!not_a_placeholder(
            "raise NotImplementedError",
            "c.py",
            &func,
            2
        ));
        let method = lines("class Billing:\n    def charge(self, order):\n        total = order.total\n        raise NotImplementedError\n");
        assert!(!not_a_placeholder(
            "raise NotImplementedError",
            "b.py",
            &method,
            3
        ));
        let js = lines("function refund(order) {\n  throw new Error('not implemented');\n}\n");
        assert!(!not_a_placeholder(
            "throw new Error('not implemented",
            "r.js",
            &js,
            1
        ));
        let stub = lines("def sync():\n    pass  # TODO: implement\n");
        assert!(!not_a_placeholder(
            "    pass  # TODO: implement",
            "s.py",
            &stub,
            1
        ));
    }

    #[test]
    fn unsupported_errors_and_excepts() {
        assert!(unsupported(
            "raise NotImplementedError(f\"format {fmt} is not supported\")"
        ));
        assert!(unsupported(
            "throw new Error('Not implemented: streaming is unsupported here')"
        ));
        assert!(!unsupported("raise NotImplementedError"));
        let ex = lines("try:\n    os.remove(p)\nexcept OSError:\n    pass  # TODO: log it later\n");
        assert!(not_a_placeholder(
            "    pass  # TODO: log it later",
            "x.py",
            &ex,
            3
        ));
        let quiet = lines("def noop():\n    pass  # nothing to do\n");
        assert!(not_a_placeholder(
            "    pass  # nothing to do",
            "x.py",
            &quiet,
            1
        ));
    }

    #[test]
    fn unsupported_branches_delegations_multiline_defs_and_strings() {
        // The else branch of a dispatch (seen in google/virtual-broadcast-production-assistant).
        let dispatch = lines("def demux(flow):\n    if flow == 'video':\n        return 1\n    else:\n        raise NotImplementedError()\n");
        assert!(not_a_placeholder(
            "raise NotImplementedError",
            "x.py",
            &dispatch,
            4
        ));
        // A stub in a mixin whose parameters span lines.
        let mixin = lines("class Base:\n    async def request(\n        self,\n        url: str,\n    ) -> dict:\n        \"\"\"Make a request.\"\"\"\n        raise NotImplementedError\n");
        assert!(not_a_placeholder(
            "raise NotImplementedError",
            "base.py",
            &mixin,
            6
        ));
        assert!(unsupported(
            "raise NotImplementedError('Implemented in AzureDevOpsServiceImpl')"
        ));
        assert!(unsupported(
            "raise NotImplementedError('MonologueAgent should never ask for user responses.')"
        ));
        assert!(unsupported(
            "raise NotImplementedError( \"This script does not support pre v8 metadata.\")"
        ));
        // Template text in a string is data.
        assert!(in_string(
            "    f'{prefix}TODO: replace with your code here'",
            14
        ));
        assert!(!in_string("    // TODO: implement the retry", 7));
        assert!(!in_string("x = f(\"a\")  # TODO: implement", 13));
        // A plain function that only raises is still a placeholder.
        let plain = lines("def refund(amount):\n    raise NotImplementedError\n");
        assert!(!not_a_placeholder(
            "raise NotImplementedError",
            "x.py",
            &plain,
            1
        ));
    }
}
