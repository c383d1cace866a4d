//! Per-language knowledge: which nodes are functions and error blocks, what a handler or an
//! entrypoint looks like, which calls leave the process, and what handling an error means.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use regex::Regex;
use tree_sitter::{Language, Node};

use super::matches;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    Go,
    Rust,
    Java,
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(&super::ascii_boundaries(pattern)).expect("static regex"))
}

macro_rules! static_re {
    ($name:ident, $pat:expr) => {
        fn $name() -> &'static Regex {
            static CELL: OnceLock<Regex> = OnceLock::new();
            re(&CELL, $pat)
        }
    };
}

static_re!(
    py_route,
    r"@\s*[\w.]+\.(?:route|get|post|put|delete|patch|api_route|websocket)\s*\(|@\s*api_view\b|@\s*(?:require_http_methods|require_GET|require_POST)\b"
);
static_re!(
    py_task,
    r"@\s*(?:[\w.]+\.)?(?:task|shared_task|periodic_task|command)\b|@\s*click\.command"
);
static_re!(
    js_route_callee,
    r"^\s*[\w$.]*\b(?:app|router|server|api|routes?|r)\s*\.\s*(?:get|post|put|delete|patch|all|options|head)\s*$|\.route\s*\([^)]*\)\s*\.\s*(?:get|post|put|delete|patch)\s*$"
);
static_re!(
    nest_route,
    r"@(?:Get|Post|Put|Delete|Patch|All|Options|Head)\s*\(|@(?:MessagePattern|EventPattern|GrpcMethod)\s*\("
);
static_re!(
    go_handler_params,
    r"http\.ResponseWriter|\*http\.Request|\*gin\.Context|echo\.Context|\*?fiber\.Ctx|\*chi\.Context|connect\.Request|context\.Context,\s*\w+\s+\*\w+Request\b"
);
static_re!(
    go_route_call,
    r#"(?:HandleFunc|Handle|GET|POST|PUT|DELETE|PATCH|Get|Post|Put|Delete|Patch|Any)\s*\(\s*"[^"]*"\s*,\s*([A-Za-z_][\w.]*)\s*\)"#
);
static_re!(
    rust_route_attr,
    r"#\[\s*(?:actix_web::)?(?:get|post|put|delete|patch|route|head)\s*\("
);
static_re!(
    rust_extractor,
    r"\b(?:Json|Query|Path|Form|State|Extension|HttpRequest|web::\w+|Multipart)\s*[<(]|\bHttpRequest\b"
);
static_re!(
    rust_route_call,
    r#"\.route\s*\(\s*"[^"]*"\s*,\s*(?:get|post|put|delete|patch|any)\s*\(\s*([A-Za-z_]\w*)\s*\)"#
);
static_re!(
    java_route,
    r"@(?:Get|Post|Put|Delete|Patch|Request)Mapping\b|@(?:GET|POST|PUT|DELETE|PATCH)\b|@GrpcService\b"
);
static_re!(
    java_entry,
    r"\bstatic\s+void\s+main\s*\(|@(?:Scheduled|KafkaListener|RabbitListener|SqsListener|JmsListener|EventListener)\b"
);
static_re!(go_err_cond, r"^\(?\s*\w*[eE]rr\w*\s*!=\s*nil\b");
static_re!(py_handled, r"\braise\b");
static_re!(
    js_handled,
    r"\bthrow\b|\bnext\s*\(\s*\w+\s*\)|\breject\s*\(|\bprocess\.exit\s*\("
);
static_re!(java_handled, r"\bthrow\b");
static_re!(
    go_handled,
    r"\breturn\b[^\n]*\b\w*[eE]rr\w*\b|\bpanic\s*\(|\bos\.Exit\s*\(|\bt\.Fatal"
);
static_re!(
    rust_handled,
    r"\breturn\s+Err\b|\bErr\s*\(|\?\s*[;)]|\bpanic!|\bbail!|\bunreachable!|\.context\s*\(|\banyhow!"
);
static_re!(
    py_outbound,
    r"\b(?:requests|httpx|aiohttp|urllib3|session|client|http)\.(?:get|post|put|patch|delete|request|head|send|fetch)\s*\(|\burlopen\s*\(|\b(?:cursor|cur|conn|connection|session|db|engine)\.execute(?:many)?\s*\(|\bboto3\.client\s*\(|\.(?:publish|send_message|basic_publish|produce|put_object|get_object|invoke)\s*\(|\bredis\.\w+\s*\("
);
static_re!(
    js_outbound,
    r"\bfetch\s*\(|\baxios(?:\.\w+)?\s*\(|\bgot(?:\.\w+)?\s*\(|\bhttps?\.(?:request|get)\s*\(|\b(?:db|pool|client|conn|connection|knex|pg|sql|\w*[rR]epo(?:sitory)?)\.query\s*\(|\bprisma\.\w+\.\w+\s*\(|\.send\s*\(\s*new\s+\w+Command|\bproducer\.send\s*\(|\.publish\s*\(|\bsuperagent\b|\bky(?:\.\w+)?\s*\("
);
static_re!(
    go_outbound,
    r"\bhttp\.(?:Get|Post|Head|PostForm)\s*\(|\.Do\s*\(\s*\w*[rR]eq|\b(?:\w*[dD][bB]|tx|conn|pool|\w*[pP]ool|stmt|client)\.(?:Query|QueryRow|Exec|QueryContext|ExecContext|QueryRowContext)\s*\(|\.Publish\s*\(|\.WriteMessages\s*\(|\.SendMessage\s*\("
);
static_re!(
    rust_outbound,
    r"\breqwest::|\.send\(\)\s*\.await|\bsqlx::query|\.execute\s*\(\s*&|\.fetch_(?:one|all|optional)\s*\(|\bredis::cmd\b"
);
static_re!(
    java_outbound,
    r"\brestTemplate\.\w+\s*\(|\bwebClient\.\w+\s*\(|\bhttpClient\.send\w*\s*\(|\.execute(?:Query|Update)\s*\(|\bjdbcTemplate\.\w+\s*\(|\bkafkaTemplate\.send\s*\(|\.newCall\s*\(|\bHttpRequest\.newBuilder\b"
);

impl Lang {
    pub const ALL: [Lang; 7] = [
        Lang::Python,
        Lang::JavaScript,
        Lang::TypeScript,
        Lang::Tsx,
        Lang::Go,
        Lang::Rust,
        Lang::Java,
    ];

    /// The parseable language of a path (from the shared language table).
    pub fn of(path: &str) -> Option<Lang> {
        Some(match crate::paths::language(path)? {
            "python" => Lang::Python,
            "javascript" => Lang::JavaScript,
            "typescript" => Lang::TypeScript,
            "tsx" => Lang::Tsx,
            "go" => Lang::Go,
            "rust" => Lang::Rust,
            "java" => Lang::Java,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::JavaScript => "javascript",
            Lang::TypeScript => "typescript",
            Lang::Tsx => "tsx",
            Lang::Go => "go",
            Lang::Rust => "rust",
            Lang::Java => "java",
        }
    }

    pub fn grammar(self) -> Language {
        match self {
            Lang::Python => tree_sitter_python::LANGUAGE.into(),
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Lang::Go => tree_sitter_go::LANGUAGE.into(),
            Lang::Rust => tree_sitter_rust::LANGUAGE.into(),
            Lang::Java => tree_sitter_java::LANGUAGE.into(),
        }
    }

    fn js_like(self) -> bool {
        matches!(self, Lang::JavaScript | Lang::TypeScript | Lang::Tsx)
    }

    pub fn is_function(self, kind: &str) -> bool {
        match self {
            Lang::Python => kind == "function_definition",
            Lang::JavaScript | Lang::TypeScript | Lang::Tsx => matches!(
                kind,
                "function_declaration"
                    | "function_expression"
                    | "function"
                    | "arrow_function"
                    | "method_definition"
                    | "generator_function_declaration"
            ),
            Lang::Go => matches!(
                kind,
                "function_declaration" | "method_declaration" | "func_literal"
            ),
            Lang::Rust => kind == "function_item",
            Lang::Java => matches!(kind, "method_declaration" | "constructor_declaration"),
        }
    }

    /// The node that carries a function's decorators (Python's `decorated_definition`).
    pub fn decorated(self, n: Node<'_>) -> Node<'_> {
        // `parent()` walks down from the root: only Python needs it.
        if self != Lang::Python {
            return n;
        }
        match n.parent() {
            Some(p) if p.kind() == "decorated_definition" => p,
            _ => n,
        }
    }

    /// Whether a node written before a function belongs to its preamble: decorators and
    /// attributes written as siblings (TypeScript class method decorators, Rust attributes),
    /// and comments among them.
    pub fn is_preamble(kind: &str) -> bool {
        matches!(
            kind,
            "decorator" | "attribute_item" | "line_comment" | "comment"
        )
    }

    pub fn function_name(self, n: Node, source: &[u8], _path: &str) -> String {
        let t = |x: Node| x.utf8_text(source).unwrap_or("").to_string();
        if let Some(name) = n.child_by_field_name("name") {
            return t(name);
        }
        if self.js_like() {
            if let Some(route) = self.js_route_of(n, source) {
                return route;
            }
            let mut p = n.parent();
            while let Some(x) = p {
                match x.kind() {
                    "variable_declarator" => {
                        return x.child_by_field_name("name").map(t).unwrap_or_default()
                    }
                    "pair" => return x.child_by_field_name("key").map(t).unwrap_or_default(),
                    "assignment_expression" => {
                        return x.child_by_field_name("left").map(t).unwrap_or_default()
                    }
                    "export_statement" => return "default".into(),
                    "parenthesized_expression" => p = x.parent(),
                    _ => break,
                }
            }
        }
        if self == Lang::Go && n.kind() == "func_literal" {
            return "func literal".into();
        }
        "<anonymous>".to_string()
    }

    /// `GET /users` for a JS function passed to `app.get("/users", ...)`.
    fn js_route_of(self, n: Node, source: &[u8]) -> Option<String> {
        let args = n.parent().filter(|p| p.kind() == "arguments")?;
        let call = args.parent().filter(|c| c.kind() == "call_expression")?;
        let callee = call
            .child_by_field_name("function")?
            .utf8_text(source)
            .ok()?;
        if !matches(js_route_callee(), callee) {
            return None;
        }
        let first = args.named_child(0)?;
        let route = first.utf8_text(source).ok()?.trim_matches(['"', '\'', '`']);
        if !route.starts_with('/') && route != "*" {
            return None;
        }
        let method = callee
            .rsplit('.')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_uppercase();
        Some(format!("{method} {route}"))
    }

    pub fn is_handler(
        self,
        n: Node,
        ftext: &str,
        source: &[u8],
        path: &str,
        registered: &BTreeSet<String>,
    ) -> bool {
        match self {
            Lang::Python => {
                matches(py_route(), ftext)
                    || (path.ends_with("views.py")
                        && n.child_by_field_name("parameters")
                            .and_then(|p| p.utf8_text(source).ok())
                            .is_some_and(|p| {
                                p.trim_start_matches('(')
                                    .trim_start()
                                    .starts_with("request")
                            }))
            }
            Lang::JavaScript | Lang::TypeScript | Lang::Tsx => {
                if self.js_route_of(n, source).is_some() || matches(nest_route(), ftext) {
                    return true;
                }
                let name = self.function_name(n, source, path);
                let file = path.rsplit('/').next().unwrap_or(path);
                let app_route = file.starts_with("route.")
                    && matches!(name.as_str(), "GET" | "POST" | "PUT" | "DELETE" | "PATCH");
                let pages_api = path.contains("pages/api/")
                    && n.parent().is_some_and(|p| p.kind() == "export_statement");
                app_route || pages_api || registered.contains(&name)
            }
            Lang::Go => {
                let params = n
                    .child_by_field_name("parameters")
                    .and_then(|p| p.utf8_text(source).ok())
                    .unwrap_or("");
                matches(go_handler_params(), params)
                    || registered.contains(&self.function_name(n, source, path))
            }
            Lang::Rust => {
                let params = n
                    .child_by_field_name("parameters")
                    .and_then(|p| p.utf8_text(source).ok())
                    .unwrap_or("");
                matches(rust_route_attr(), ftext)
                    || (ftext.contains("async fn") && matches(rust_extractor(), params))
                    || registered.contains(&self.function_name(n, source, path))
            }
            Lang::Java => matches(java_route(), ftext),
        }
    }

    pub fn is_entrypoint(self, n: Node, ftext: &str, name: &str) -> bool {
        match self {
            Lang::Python => name == "main" || matches(py_task(), ftext),
            Lang::Go | Lang::Rust => {
                name == "main"
                    && n.parent()
                        .is_some_and(|p| matches!(p.kind(), "source_file"))
            }
            Lang::Java => matches(java_entry(), ftext),
            Lang::JavaScript | Lang::TypeScript | Lang::Tsx => {
                name == "main" || (name == "handler" && ftext.contains("event"))
            }
        }
    }

    /// The block an error lands in, when `n` is an error handler.
    pub fn error_block<'a>(self, n: Node<'a>, source: &[u8]) -> Option<Node<'a>> {
        match self {
            Lang::Python => (n.kind() == "except_clause").then_some(n),
            Lang::JavaScript | Lang::TypeScript | Lang::Tsx | Lang::Java => {
                (n.kind() == "catch_clause").then(|| n.child_by_field_name("body").unwrap_or(n))
            }
            Lang::Go => {
                if n.kind() != "if_statement" {
                    return None;
                }
                let cond = n.child_by_field_name("condition")?.utf8_text(source).ok()?;
                matches(go_err_cond(), cond)
                    .then(|| n.child_by_field_name("consequence").unwrap_or(n))
            }
            Lang::Rust => {
                if n.kind() != "match_arm" {
                    return None;
                }
                let pat = n.child_by_field_name("pattern")?.utf8_text(source).ok()?;
                pat.trim_start()
                    .starts_with("Err")
                    .then(|| n.child_by_field_name("value").unwrap_or(n))
            }
        }
    }

    /// Whether an error block passes the error on (re-raise, throw, return it, panic).
    pub fn handles_error(self, block: &str) -> bool {
        let r = match self {
            Lang::Python => py_handled(),
            Lang::JavaScript | Lang::TypeScript | Lang::Tsx => js_handled(),
            Lang::Java => java_handled(),
            Lang::Go => go_handled(),
            Lang::Rust => rust_handled(),
        };
        matches(r, block)
    }

    fn call_kind(self) -> &'static [&'static str] {
        match self {
            Lang::Python => &["call"],
            Lang::Java => &["method_invocation", "object_creation_expression"],
            _ => &["call_expression"],
        }
    }

    /// Calls on added lines of `f` (not inside nested functions) that leave the process.
    pub fn outbound_calls(
        self,
        f: Node,
        source: &[u8],
        added: &super::Added,
    ) -> Vec<(u32, String)> {
        let r = match self {
            Lang::Python => py_outbound(),
            Lang::JavaScript | Lang::TypeScript | Lang::Tsx => js_outbound(),
            Lang::Go => go_outbound(),
            Lang::Rust => rust_outbound(),
            Lang::Java => java_outbound(),
        };
        let mut out = Vec::new();
        let mut stack: Vec<Node> = Vec::new();
        if let Some(b) = f.child_by_field_name("body") {
            stack.push(b);
        }
        let mut cursor = f.walk();
        while let Some(n) = stack.pop() {
            let line = u32::try_from(n.start_position().row + 1).unwrap_or(u32::MAX);
            if self.call_kind().contains(&n.kind()) && added.contains(line) {
                let text = n.utf8_text(source).unwrap_or("");
                let head: String = text.chars().take(160).collect();
                if let Some(m) = r.find(&head) {
                    out.push((line, m.as_str().trim().trim_end_matches('(').to_string()));
                    continue;
                }
            }
            let before = stack.len();
            cursor.reset(n);
            if cursor.goto_first_child() {
                loop {
                    let c = cursor.node();
                    if !self.is_function(c.kind()) {
                        stack.push(c);
                    }
                    if !cursor.goto_next_sibling() {
                        break;
                    }
                }
            }
            stack[before..].reverse();
        }
        out.sort();
        out
    }
}

/// Names of functions a file registers as handlers by reference
/// (`app.get("/x", listUsers)`, `http.HandleFunc("/x", handler)`, `.route("/x", get(handler))`).
pub fn registered_names(lang: Lang, source: &[u8]) -> BTreeSet<String> {
    let text = String::from_utf8_lossy(source);
    let mut names = BTreeSet::new();
    match lang {
        Lang::Go => {
            for c in go_route_call().captures_iter(&text) {
                names.insert(c[1].rsplit('.').next().unwrap_or(&c[1]).to_string());
            }
        }
        Lang::Rust => {
            for c in rust_route_call().captures_iter(&text) {
                names.insert(c[1].to_string());
            }
        }
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => {
            static CELL: OnceLock<Regex> = OnceLock::new();
            let r = re(
                &CELL,
                r#"\b(?:app|router|server|api|routes?|r)\s*\.\s*(?:get|post|put|delete|patch|all)\s*\(\s*['"`][^'"`]*['"`]\s*,\s*(?:[\w$.]+\s*,\s*)*([A-Za-z_$][\w$]*)\s*\)"#,
            );
            for c in r.captures_iter(&text) {
                names.insert(c[1].to_string());
            }
        }
        _ => {}
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Telemetry's languages are a view of the shared language table: each is program source
    /// there, and every extension the table gives it maps back to it.
    #[test]
    fn languages_agree_with_the_shared_table() {
        for lang in Lang::ALL {
            let row = crate::paths::table::LANGUAGES
                .iter()
                .find(|l| l.name == lang.name())
                .unwrap_or_else(|| panic!("{} is not in the language table", lang.name()));
            assert!(row.source, "{} is not program source", row.name);
            for ext in row.extensions {
                assert_eq!(Lang::of(&format!("src/x.{ext}")), Some(lang));
            }
        }
        assert_eq!(Lang::of("a.rb"), None);
    }
}
