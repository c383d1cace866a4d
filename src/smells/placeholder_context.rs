//! Where a placeholder candidate sits: abstract methods and interface stubs raise "not
//! implemented" on purpose, "not supported" errors are real errors, and `pass  # ...` in an
//! `except` is a swallowed error, not a placeholder.

use std::sync::LazyLock;

use regex::Regex;

static UNSUPPORTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)not\s+(?:yet\s+)?supported|unsupported|does\s*n[o']t\s+support|cannot\b|can't\b|only\s+supports?\b|not\s+available|not\s+allowed|not\s+applicable|must\s+be\s+(?:implemented|overridden)|subclass|override|abstract")
        .expect("static regex")
});
static PLACEHOLDER_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:todo|fixme|xxx|tbd|implement|later|stub|placeholder|fill|not\s+yet|for\s+now|temporar)")
        .expect("static regex")
});

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
    // The enclosing function, and whether the raise is its whole body.
    let Some(def) = parent(lines, idx, indent(here)) else {
        return false;
    };
    let header = lines[def].trim_start();
    let only_statement = (def + 1..idx).all(|i| blank_or_comment(&lines[i]));
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
}
