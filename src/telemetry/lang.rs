//! Per-language knowledge: which nodes are functions and error blocks, what a handler (HTTP
//! route, RPC method), a terminal error responder or an entrypoint looks like, which calls
//! leave the process (and through which library), and where an error ends up.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use regex::Regex;
use tree_sitter::{Language, Node};

use super::matches;
use super::service::Registry;

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
    r#"@\s*([\w.]+)\.(route|get|post|put|delete|patch|api_route|websocket)\s*\(\s*(?:["']([^"']*)["'])?([^\n]*)"#
);
static_re!(
    py_api_view,
    r"@\s*(?:api_view|require_http_methods|require_GET|require_POST|require_safe)\b"
);
static_re!(
    py_job,
    r"@\s*(?:[\w.]+\.)?(?:task|shared_task|periodic_task|actor|job|cron|scheduled_job)\b"
);
static_re!(
    py_cli,
    r"@\s*(?:[\w.]+\.)?(?:command|group|callback)\s*\(|\bargparse\b|\bimport\s+(?:click|typer|fire)\b|\bfrom\s+(?:click|typer)\s+import\b"
);
static_re!(
    py_view_base,
    r"(?:^|\.)(?:\w*View|\w*ViewSet|\w*ViewSetMixin|MethodView|Resource|HTTPEndpoint|\w*RequestHandler|\w*APIView)$"
);
static_re!(py_servicer_base, r"(?:^|\.)(\w+)Servicer$");
static_re!(
    js_route_callee,
    r"^\s*[\w$.]*\b(?:app|router|server|api|routes?|r)\s*\.\s*(?:get|post|put|delete|patch|all|options|head)\s*$|\.route\s*\([^)]*\)\s*\.\s*(?:get|post|put|delete|patch)\s*$"
);
static_re!(
    nest_route,
    r#"@(Get|Post|Put|Delete|Patch|All|Options|Head)\s*\(\s*(?:['"`]([^'"`]*)['"`])?|@(MessagePattern|EventPattern|GrpcMethod)\s*\("#
);
static_re!(
    nest_controller,
    r#"@Controller\s*\(\s*(?:['"`]([^'"`]*)['"`])?"#
);
static_re!(
    js_cli,
    r#"\brequire\(\s*['"](?:commander|yargs)['"]\s*\)|\bfrom\s+['"](?:commander|yargs)['"]"#
);
static_re!(
    go_http_params,
    r"^\(\s*\w+\s+http\.ResponseWriter\s*,\s*\w+\s+\*http\.Request\s*\)$"
);
static_re!(
    go_ctx_params,
    r"\*gin\.Context|\becho\.Context|\*fiber\.Ctx|\*chi\.Context|\bconnect\.Request\b"
);
static_re!(
    go_grpc_unary,
    r"^\(\s*(?:\w+\s+)?context\.Context\s*,\s*(?:\w+\s+)?\*\w+\.\w+\s*\)$"
);
static_re!(go_grpc_stream, r"\b\w+\.\w+_\w+Server\s*\)$");
static_re!(
    go_cli,
    r"\bcobra\.Command\b|\burfave/cli\b|\bflag\.Parse\s*\(|\bkingpin\b"
);
static_re!(
    rust_route_attr,
    r#"#\[\s*(?:actix_web::)?(get|post|put|delete|patch|route|head)\s*\(\s*(?:"([^"]*)")?"#
);
static_re!(
    rust_extractor,
    r"\b(?:Json|Query|Path|Form|State|Extension|HttpRequest|web::\w+|Multipart)\s*[<(]|\bHttpRequest\b"
);
static_re!(
    rust_test_attr,
    r"#\[\s*(?:cfg\s*\(\s*test\s*\)|(?:\w+::)*test\b)"
);
static_re!(
    rust_cli,
    r"\bclap::|\bstructopt\b|#\[derive\([^)]*\bParser\b"
);
static_re!(
    java_route,
    r#"@(Get|Post|Put|Delete|Patch|Request)Mapping\b(?:\s*\(\s*(?:(?:value|path)\s*=\s*)?\{?\s*"([^"]*)")?|@(GET|POST|PUT|DELETE|PATCH)\b"#
);
static_re!(
    java_class_route,
    r#"@RequestMapping\s*\(\s*(?:(?:value|path)\s*=\s*)?\{?\s*"([^"]*)""#
);
static_re!(
    java_job,
    r"@(?:Scheduled|KafkaListener|RabbitListener|SqsListener|JmsListener|EventListener|StreamListener)\b"
);
static_re!(go_err_cond, r"^\(?\s*(\w*[eE]rr\w*)\s*!=\s*nil\b");
static_re!(py_handled, r"\braise\b");
static_re!(
    js_handled,
    r"\bthrow\b|\bnext\s*\(\s*\w+\s*\)|\breject\s*\(|\bcallback\s*\(\s*\w+|\bcb\s*\(\s*\w+|\bdone\s*\(\s*\w+"
);
static_re!(java_handled, r"\bthrow\b|\.onError\s*\(");
static_re!(
    go_handled,
    r"\breturn\b[^\n]*\b\w*[eE]rr\w*\b|\bpanic\s*\(|\bt\.Fatal|\bstatus\.Error"
);
static_re!(
    rust_handled,
    r"\breturn\s+Err\b|\bErr\s*\(|\?\s*[;)]|\bpanic!|\bbail!|\bunreachable!|\.context\s*\(|\banyhow!|\berr(?:_\w+)?!\s*[(\[{]"
);
static_re!(
    exits,
    r"\bprocess\.exit\s*\(|\bos\.Exit\s*\(|\bsys\.exit\s*\(|\bexit\s*\(\s*\d|\bprocess::exit\s*\(|\bSystem\.exit\s*\(|\bos\._exit\s*\("
);
static_re!(
    stderr,
    r"\bsys\.stderr\b|\bfile\s*=\s*sys\.stderr|\bos\.Stderr\b|\beprintln!|\beprint!|\bSystem\.err\.|\bprintStackTrace\s*\(|\btraceback\.print_exc\s*\(|\bprocess\.stderr\.write\s*\("
);
static_re!(
    prints,
    r"\bprint\s*\(|\bfmt\.Print(?:ln|f)?\s*\(|\bprintln!|\bSystem\.out\.print|\b(?:typer|click)\.echo\s*\(|\bpprint\s*\("
);

/// The HTTP status an error block answers with, when it sends a response.
fn response_status(lang: Lang, block: &str) -> Option<u16> {
    static_re!(
        go_resp,
        r"\b(?:http\.Error|c\.JSON|c\.AbortWithError|c\.AbortWithStatus\w*|c\.String|c\.IndentedJSON|c\.Status|w\.WriteHeader|ctx\.JSON|c\.NoContent|\w*(?:HTTP|Http)Error|\w*[Ee]rror[Rr]esponse|writeError|respondError)\s*\(([^\n]*)"
    );
    // An error status, not any response: `jsonify(...)` alone answers 200.
    static_re!(
        py_resp,
        r"(?m)\babort\s*\(([^\n]*)|\bstatus(?:_code)?\s*=\s*([\w.]+)|\breturn\b[^\n]*,\s*(\d{3})\s*$|\bcontext\.(?:set_code|abort)\s*\(([^\n]*)|\b(?:HttpResponse(?:NotFound|BadRequest|Forbidden|ServerError|Gone|NotAllowed)|error_response|api_error_response|bad_request)\s*\(([^\n]*)"
    );
    static_re!(
        js_resp,
        r"\bres\.(?:status|sendStatus)\s*\(\s*([^)]*)\)|\bstatusCode\s*=\s*(\d{3})|\bNextResponse\.json\s*\([^\n]*status\s*:\s*(\d{3})|\bnew\s+Response\s*\([^\n]*status\s*:\s*(\d{3})"
    );
    static_re!(
        java_resp,
        r"\bResponseEntity\.(?:status\s*\(([^)]*)\)|(notFound|badRequest|internalServerError|unprocessableEntity|noContent)\s*\()|\bresponse\.(?:sendError|setStatus)\s*\(([^)]*)\)"
    );
    static_re!(
        rust_resp,
        r"\bHttpResponse::(\w+)\s*\(|\bStatusCode::(\w+)|\b\w*[Ee]rror::(NotFound|UnprocessableEntity|BadRequest|Conflict|InternalServerError)\b|\.error_response\s*\(|\bStatus::(\w+)"
    );
    let args: Option<String> = match lang {
        Lang::Go => go_resp().captures(block).map(|c| c[1].to_string()),
        Lang::Python => py_resp().captures(block).map(|c| {
            let m = (1..=5).find_map(|i| c.get(i)).map_or("", |m| m.as_str());
            let name = c.get(0).map_or("", |m| m.as_str());
            // `HttpResponseNotFound(...)`, `bad_request(...)`: the status is in the name.
            if name.contains("NotFound") {
                "404".to_string()
            } else if name.contains("BadRequest") || name.starts_with("bad_request") {
                "400".to_string()
            } else if name.contains("Forbidden") {
                "403".to_string()
            } else if name.contains("ServerError") {
                "500".to_string()
            } else {
                m.to_string()
            }
        }),
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => js_resp().captures(block).map(|c| {
            (1..=4)
                .find_map(|i| c.get(i))
                .map_or(String::new(), |m| m.as_str().to_string())
        }),
        Lang::Java => java_resp().captures(block).map(|c| {
            (1..=3)
                .find_map(|i| c.get(i))
                .map_or(String::new(), |m| m.as_str().to_string())
        }),
        Lang::Rust => rust_resp().captures(block).map(|c| {
            if c[0].contains("error_response") {
                "error_response".to_string()
            } else {
                // Rocket names its statuses `Status::BadRequest` (`Outcome::Error((Status::..`).
                (1..=4)
                    .find_map(|i| c.get(i))
                    .map_or(String::new(), |m| m.as_str().to_string())
            }
        }),
    };
    let args = args?;
    Some(status_in(&args).unwrap_or(0))
}

/// The HTTP status named in `s`: a number, or a constant (`StatusNotFound`,
/// `HTTP_404_NOT_FOUND`, `NOT_FOUND`, `UnprocessableEntity`, `grpc.StatusCode.INTERNAL`).
pub fn status_in(s: &str) -> Option<u16> {
    static_re!(num, r"\b([1-5]\d\d)\b");
    if let Some(c) = num().captures(s) {
        return c[1].parse().ok();
    }
    let names: &[(&str, u16)] = &[
        ("NotFound", 404),
        ("NOT_FOUND", 404),
        ("notFound", 404),
        ("UnprocessableEntity", 422),
        ("UNPROCESSABLE_ENTITY", 422),
        ("unprocessableEntity", 422),
        ("BadRequest", 400),
        ("BAD_REQUEST", 400),
        ("badRequest", 400),
        ("INVALID_ARGUMENT", 400),
        ("Conflict", 409),
        ("CONFLICT", 409),
        ("Unauthorized", 401),
        ("UNAUTHORIZED", 401),
        ("UNAUTHENTICATED", 401),
        ("Forbidden", 403),
        ("FORBIDDEN", 403),
        ("PERMISSION_DENIED", 403),
        ("InternalServerError", 500),
        ("INTERNAL_SERVER_ERROR", 500),
        ("internalServerError", 500),
        ("INTERNAL", 500),
        ("UNAVAILABLE", 503),
        ("ServiceUnavailable", 503),
        ("SERVICE_UNAVAILABLE", 503),
        ("BadGateway", 502),
        ("UNKNOWN", 500),
        ("StatusOK", 200),
        ("StatusCreated", 201),
        ("StatusAccepted", 202),
        ("StatusNoContent", 204),
        ("HTTP_200_OK", 200),
    ];
    names
        .iter()
        .find(|(n, _)| {
            s.match_indices(n).any(|(i, _)| {
                // `StatusNotFound`, `HTTP_404_NOT_FOUND`: a prefix is fine, a longer word
                // (`NotFoundError`) is not a status.
                let before = s[..i].chars().next_back();
                let after = s[i + n.len()..].chars().next();
                let camel = n.starts_with(|c: char| c.is_ascii_uppercase())
                    && n.chars().any(|c| c.is_ascii_lowercase());
                (camel || !before.is_some_and(|c| c.is_ascii_alphanumeric()))
                    && !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            })
        })
        .map(|(_, v)| *v)
}

/// What a failing operation was, judged by its calls: client input (parse, validate, auth),
/// a lookup, or an internal operation (a write, a call to another service).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Parse,
    Validate,
    Auth,
    Lookup,
    Optional,
    Internal,
    Unknown,
}

fn classify_op(text: &str) -> Op {
    static_re!(
        remote,
        r"\b(?:requests|httpx|aiohttp|urllib3|axios|fetch|http|client|session|stub|conn|cursor|db|tx|pool|redis|cache|producer|publisher|queue|s3|bucket)\s*\.\s*\w+\s*\(|\.(?:Save|save|Create|create|Insert\w*|insert\w*|Update\w*|update\w*|Delete\w*|delete\w*|Exec\w*|execute\w*|Commit|commit|Send\w*|send\w*|Publish|publish|Write\w*|write\w*|Do|Post|post|Put|put|Invoke|invoke|follow\w*|unfollow\w*|Follow\w*|Unfollow\w*)\s*\(|\b(?:Save\w*|Create\w*|Insert\w*|Update\w*|Delete\w*|Remove\w*|Exec\w*|Send\w*|Publish\w*|Write\w*|Charge\w*|Place\w*|Ship\w*|Empty\w*|Add\w*)\s*\("
    );
    static_re!(
        parse,
        r"\b(?:int|float|Decimal|complex|bool|json\.(?:loads?|dumps?)|dumps|JSON\.(?:parse|stringify)|json\.Unmarshal|yaml\.\w*load|toml\.loads?|literal_eval|strptime|fromisoformat|uuid\.UUID|UUID|b64decode|base64\.\w+|urlparse|urlsplit|parse\w*|Parse\w*|strconv\.\w+|Atoi|filepath\.(?:Rel|Match)|path\.Match|Unmarshal|unmarshal|[Dd]ecode\w*|loads|parseInt|parseFloat|Number|serde_json::from_\w+|from_str|from_utf8\w*|detect|normalize\w*|format\w*|str|repr)\s*\(|\.parse::<|\.parse\(\)|\.json\(\)|\.extract(?:::<[^>]*>)?\(\)|\.downcast(?:_into)?(?:::<[^>]*>)?\(\)"
    );
    static_re!(
        validate,
        r"\b(?:Bind|ShouldBind\w*|BindJSON|MustBind\w*|Validate\w*|validate\w*|is_valid|full_clean|clean\w*|check_\w+|schema\.load)\s*\(|\.(?:Bind|ShouldBind\w*|Validate|validate|is_valid|full_clean)\s*\("
    );
    static_re!(
        auth,
        r"\bjwt\.\w+|\b(?:decode_token|verify\w*|Verify\w*|authenticate\w*|check_password|CompareHashAndPassword|ParseWithClaims|ParseFromRequest|compare_digest|bcrypt\.\w+|[Tt]oken\w*\.\w+)\s*\(|\bloads\s*\(\s*token"
    );
    static_re!(
        optional,
        r"^\s*(?:import|from)\s+\w|\b__import__\s*\(|\bimportlib\.import_module\s*\(|\bos\.environ\[|\bgetenv\s*\(|\bCookie\s*\("
    );
    static_re!(
        lookup,
        r"\b(?:Find\w*|find\w*|First|first|Get\w*|get\w*|Load\w*|load\w*|Lookup\w*|lookup\w*|Retrieve\w*|retrieve\w*|fetch_one|fetch_optional|fetch_all|findOne|findUnique|findFirst|findById|objects\.get|get_object_or_404|get_or_404|first_or_404|Query|QueryRow\w*|scalar\w*|select\w*)\s*\("
    );
    // net/http's pure helpers (`http.ParseSetCookie`, `http.ParseTime`, `http.StatusText`)
    // read their argument and call nobody: their package name is no remote call (caddy
    // 50e54ee279 passes a Set-Cookie line it cannot parse through unfiltered).
    static_re!(
        pure_http,
        r"\bhttp\s*\.\s*((?:Parse|Canonical|Detect|StatusText)\w*)\s*\("
    );
    let text = &*pure_http().replace_all(text, "$1(");
    // Order matters: a remote write is internal even when a parse follows it.
    if matches(validate(), text) {
        return Op::Validate;
    }
    if matches(auth(), text) {
        return Op::Auth;
    }
    if matches(optional(), text) && !matches(remote(), text) {
        return Op::Optional;
    }
    // A query for a collection (`FindManyArticle`, `getAllTags`, `GetArticleFeed`,
    // `getComments`, `fetch_all`) has no "not found": an empty result is a success, so its
    // error is a failure of the store, not a lookup miss.
    static_re!(
        collection,
        r"\b(?:[Ff]ind|[Gg]et|[Ll]oad|[Ff]etch|[Ll]ist|[Qq]uery|[Ss]elect)(?:\w*(?:Many|All|List|Feed)\w*|\w*[a-z&&[^su]]s|_all|_many)\s*\("
    );
    if matches(remote(), text) || matches(collection(), text) {
        return Op::Internal;
    }
    // `json.loads(body)` beside `data.get("x")`: decoding, not a database lookup.
    if matches(parse(), text) {
        return Op::Parse;
    }
    if matches(lookup(), text) {
        return Op::Lookup;
    }
    static_re!(call, r"\w\s*\(");
    if matches(call(), text) {
        Op::Unknown
    } else {
        Op::Parse
    }
}

/// Python exception types that mean an expected condition, not a failure.
fn benign_py_types(types: &str) -> bool {
    static_re!(
        benign,
        r"^(?:\w+\.)*(?:ValueError|TypeError|KeyError|IndexError|AttributeError|LookupError|ImportError|ModuleNotFoundError|KeyboardInterrupt|StopIteration|StopAsyncIteration|GeneratorExit|FileNotFoundError|NotADirectoryError|IsADirectoryError|\w*DecodeError|UnicodeError|UnicodeDecodeError|UnicodeEncodeError|ValidationError|\w*DoesNotExist|Http404|NotFound|NoResultFound|MultipleResultsFound|InvalidTokenError|ExpiredSignatureError|\w*SignatureError|JWTError|PyJWTError|BadSignature|SignatureExpired|BadData|CancelledError|\w*ParseError|InvalidOperation|OverflowError|ZeroDivisionError|NoSuchJobError|ObjectDoesNotExist|EmptyPage|PageNotAnInteger|Resolver404|NoReverseMatch|SuspiciousOperation|PermissionDenied|DisallowedHost|InvalidPage|LangDetectException|StopConsumer|asyncio\.TimeoutError)$"
    );
    static_re!(
        infra,
        r"(?i)(?:redis|database|db|connection|operational|interface|timeout|socket|http|request|api|service|network|transport|grpc|rpc|kafka|boto|client|botocore|sqlalchemy|psycopg|mysql|mongo|smtp|mail|storage|s3|upload)"
    );
    let parts: Vec<&str> = types
        .trim_matches(|c| c == '(' || c == ')')
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    !parts.is_empty()
        && parts.iter().all(|t| {
            let benign = matches(benign(), t);
            benign
                || (!matches!(*t, "Exception" | "BaseException" | "object") && !matches(infra(), t))
        })
        && parts
            .iter()
            .any(|t| !matches!(*t, "Exception" | "BaseException"))
}

/// Whether an error block only supplies a default value: `pass`, `continue`, `x = literal`,
/// `return None`/`return default`.
fn is_default_block(lang: Lang, block: &str) -> bool {
    static_re!(
        default_stmt,
        r#"^(?:pass|continue|break|return|return\s+(?:(?:str|repr|int|float|bool|list|dict|tuple|set|String|Number)\(\w+\)|None|null|undefined|nil|false|False|true|True|0|-?\d+(?:\.\d+)?|""|''|"[^"\\\n$%{}]{1,40}"|'[^'\\\n$%{}]{1,40}'|\[\]|\{\}|\(\)|new\s+\w+\s*\(\s*\)|Ok\(\s*(?:None|\(\)|false|true|0|Vec::new\(\)|String::new\(\)|Default::default\(\))\s*\)|\w+(?:\.\w+)*)?(?:\s*,\s*(?:nil|None|false|true|-?\d+|""|''|\w+(?:\.\w+)*))*;?|[\w.\[\]"']+\s*:?=\s*(?:None|null|undefined|nil|false|False|true|True|-?\d+(?:\.\d+)?|""|''|\[\]|\{\}|\(\)|[A-Z_][A-Z0-9_]*|\w+\.Default\(\)|default\w*|str\(\w+\)|\w+|[\w.]+\.\w+\s*\(\s*\))?;?|\w+\s*\(\s*\)|Ok\(\s*\w*\s*\)|None|\w+\s*::\s*default\s*\(\s*\)|(?:[\w:.]+::)?(?:default|new)\s*\(\s*\)|\{\s*\}|//.*|#.*|/\*.*\*/)$"#
    );
    let stmts = handler_statements(lang, block);
    // Comments are no statements: a handler that says in three lines why it answers with a
    // default is still one `return "0"` (node_exporter a1180ab03a's `rotationalLabel`).
    stmts.iter().filter(|s| !is_comment_line(s)).count() <= 3
        && stmts.iter().all(|s| matches(default_stmt(), s))
}

/// The statements of a handler's block, its braces and (Python) its `except X:` header
/// aside. A comment line is one statement, whatever `;` it holds (`// no version; keep the
/// order`).
fn handler_statements(lang: Lang, block: &str) -> Vec<&str> {
    let body = block
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim();
    let body = match lang {
        Lang::Python => body.split_once(':').map_or(body, |(_, b)| b),
        _ => body,
    };
    body.lines()
        .map(str::trim)
        .flat_map(|l| {
            if is_comment_line(l) {
                vec![l]
            } else {
                l.split(';').collect()
            }
        })
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// A line that is a comment: `//`, `/*`, or `#` not followed by a name or `[` (a JS
/// `#private` field and a Rust `#[attribute]` are code).
fn is_comment_line(s: &str) -> bool {
    s.starts_with("//")
        || s.starts_with("/*")
        || s.strip_prefix('#').is_some_and(|rest| {
            !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '[')
        })
}

/// A handler whose comment says why the error ends there (`// Default to "0" on error to
/// preserve backward compatibility`): a decision written down where a reviewer reads it, as a
/// scoped suppression with its reason is. A comment counts when it has three words or more and
/// a word that gives a reason, a condition or what failed (`because`, `to`, `expected`,
/// `optional`, `not`, `when`, `missing`, `unknown` ...): `// ignore errors here` says what,
/// not why; a `TODO`/`FIXME`/`XXX`/`HACK` says the handling is not done.
fn states_why(block: &str) -> bool {
    static_re!(
        reason,
        r"(?i)\b(?:because|since|so|as|to|expected|optional|may|might|cannot|can't|not|no|never|nothing|only|if|when|unless|already|fall ?back|default\w*|best[- ]effort|harmless|benign|safe|ok|fine|intentional\w*|deliberate\w*|unknown|missing|unavailable|unreadable|invalid|malformed|absent|compat\w*)\b"
    );
    block
        .lines()
        .filter_map(|l| {
            let l = l.trim().trim_start_matches(['{', '}']).trim();
            ["//", "#", "/*"]
                .iter()
                .find_map(|m| l.strip_prefix(m))
                .or_else(|| l.find(" //").map(|i| &l[i + 3..]))
        })
        .map(|c| c.trim_start_matches(['/', '*', '#', '!']).trim())
        .any(|c| {
            let upper = c.to_ascii_uppercase();
            let unfinished = ["TODO", "FIXME", "XXX", "HACK"]
                .iter()
                .any(|m| upper.starts_with(m));
            let words = c
                .split_whitespace()
                .filter(|w| w.chars().any(|ch| ch.is_alphabetic()))
                .count();
            !unfinished && words >= 3 && reason().is_match(c)
        })
}

/// A handler that moves on to the next candidate of a loop whose `try` returns the first that
/// works (`for (const ext of exts) { try { return resolve(p + ext) } catch {} }`): the
/// failure of one candidate is expected, and what follows the loop answers the last.
fn tries_next_alternative(handler: Node) -> bool {
    let Some(attempt) = handler.parent().filter(|p| p.kind() == "try_statement") else {
        return false;
    };
    let returns_first = attempt.child_by_field_name("body").is_some_and(|b| {
        b.named_child_count() == 1
            && b.named_child(0)
                .is_some_and(|c| c.kind() == "return_statement")
    });
    if !returns_first {
        return false;
    }
    let mut up = attempt.parent();
    while let Some(a) = up {
        let k = a.kind();
        if k.contains("function")
            || k.contains("method")
            || k.contains("lambda")
            || k == "class_body"
        {
            return false;
        }
        if matches!(
            k,
            "for_statement"
                | "for_in_statement"
                | "while_statement"
                | "do_statement"
                | "enhanced_for_statement"
        ) {
            return true;
        }
        up = a.parent();
    }
    false
}

/// Go: `v, err := f(); if err != nil { v = fallback }` replaces the failed result with a
/// default, deliberately.
fn replaces_result(op: &str, block: &str) -> bool {
    static_re!(lhs, r"^\s*(?:if\s+)?([\w, ]+?)\s*:?=");
    static_re!(one_assign, r"^\s*\{?\s*(\w+)\s*=\s*[^=\n][^\n]*\s*\}?\s*$");
    let Some(vars) = lhs().captures(op) else {
        return false;
    };
    let vars: Vec<&str> = vars
        .get(1)
        .map_or("", |m| m.as_str())
        .split(',')
        .map(str::trim)
        .collect();
    let body = block
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim();
    one_assign()
        .captures(body)
        .is_some_and(|c| vars.contains(&&c[1]) && !c[1].to_ascii_lowercase().contains("err"))
}

/// JS/TS: a catch that gets the value another way (`catch { src = await getDataURL(file) }`):
/// an assignment from a call, to a variable that is not the error, is a fallback, not a
/// swallowed error.
fn computes_another_way(block: &str) -> bool {
    static_re!(
        assign_call,
        r"(?m)(?:^|[{;])\s*(?:(?:let|const|var)\s+)?([A-Za-z_$][\w$]*)\s*=\s*(?:await\s+)?(?:new\s+)?[A-Za-z_$][\w$.]*\s*\("
    );
    assign_call().captures_iter(block).any(|c| {
        let v = c[1].to_ascii_lowercase();
        !v.contains("err") && v != "e" && v != "ex"
    })
}

/// The name a Rust `Err(...)` pattern binds the error (or the part of it the arm reads) to:
/// `e` of `Err(e)`, `line_errors` of `Err(ValError::LineErrors(line_errors))`, `inner_err` of
/// `Err(Error::WithPath { path, err: inner_err })`. Paths (`ValError::`), variant and type
/// names (capitalized), field names (`err:`) and `ref`/`mut` bind nothing; of the names
/// bound, the last is the innermost. A guard (`if ...`) is not part of the pattern.
fn rust_err_binding(pat: &str) -> Option<String> {
    static_re!(ident, r"[A-Za-z_][A-Za-z0-9_]*");
    let pat = pat.split_once(" if ").map_or(pat, |(p, _)| p);
    let inner = pat.trim_start().strip_prefix("Err")?.trim_start();
    let mut bound = None;
    for m in ident().find_iter(inner) {
        let name = m.as_str();
        let after = inner[m.end()..].trim_start();
        let before = inner[..m.start()].trim_end();
        if name == "_"
            || matches!(name, "ref" | "mut")
            || name.starts_with(|c: char| c.is_ascii_uppercase())
            || after.starts_with(':')
            || after.starts_with('(')
            || before.ends_with("::")
        {
            continue;
        }
        bound = Some(name.to_string());
    }
    bound
}

/// The lines of a block, with a statement spread over several (an argument list or an index
/// left open: `errors.extend(\n    line_errors.into_iter()...\n)`) joined into one, so that
/// the error named on a continuation line is seen with the call that takes it.
fn logical_lines(block: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0i32;
    for line in block.lines() {
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(line.trim());
        for c in line.chars() {
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth -= 1,
                _ => {}
            }
        }
        if depth <= 0 {
            out.push(std::mem::take(&mut cur));
            depth = 0;
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The variable a loop of `block` binds to each item of `var` (Rust and Python `for x in
/// var`, Go `for _, x := range var`, JS `for (const x of var)`).
fn loop_variable(block: &str, var: &str) -> Option<String> {
    if var.is_empty() {
        return None;
    }
    let v = regex::escape(var);
    let re = Regex::new(&format!(
        r"\bfor\s*\(?\s*(?:(?:const|let|var)\s+)?(?:_\s*,\s*)?(?:&\s*)?([A-Za-z_]\w*)\s*(?:in|of|:=\s*range)\s+(?:&\s*)?(?:self\.)?{v}\b"
    ))
    .ok()?;
    re.captures(block)
        .map(|c| c[1].to_string())
        .filter(|x| x != "_" && x != var)
}

/// Python: the handler assigns, from a call, a name the `try` body assigns too (`try: x =
/// first() except E: x = second()`): the value is got another way.
fn assigns_again(try_body: &str, handler: &str) -> bool {
    static_re!(assigned, r"(?m)^\s*([A-Za-z_]\w*)\s*(?::[^=\n]+)?=[^=]");
    static_re!(
        assigned_call,
        r"(?m)^\s*([A-Za-z_]\w*)\s*(?::[^=\n]+)?=\s*(?:await\s+)?[A-Za-z_][\w.]*\s*\("
    );
    let tried: BTreeSet<&str> = assigned()
        .captures_iter(try_body)
        .filter_map(|c| c.get(1).map(|m| m.as_str()))
        .collect();
    assigned_call().captures_iter(handler).any(|c| {
        let v = &c[1];
        tried.contains(v) && !v.to_ascii_lowercase().contains("err") && v != "e"
    })
}

/// A handler whose one statement answers `false` (`return false`, `return False`, `false`
/// as a Rust arm's value), comments aside.
fn answers_false(lang: Lang, block: &str) -> bool {
    let stmts: Vec<&str> = handler_statements(lang, block)
        .into_iter()
        .filter(|s| !is_comment_line(s))
        .collect();
    matches!(
        stmts.as_slice(),
        [one] if matches!(
            one.trim_end_matches(','),
            "return false" | "return False" | "false" | "Ok(false)" | "return Ok(false)"
        )
    )
}

/// Where the error of an error block ends up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// `propagated`, `recorded`, `exit`, `stderr`, `responded`, `passed`, `stored`,
    /// `returned`, `printed`, `fallback` or `dropped`.
    pub outcome: &'static str,
    /// The HTTP status answered, when the block sends a response (0: a status gate could
    /// not read).
    pub status: Option<u16>,
    /// An internal failure (a write, a call to another service) answered as a client
    /// error (400/404/409/422) without being recorded.
    pub masked: bool,
}

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

    /// Nodes whose subtree is test code: a Rust module under `#[cfg(test)]` (decided with
    /// its preamble).
    pub fn is_test_item(self, kind: &str, preamble: &[&str]) -> bool {
        self == Lang::Rust
            && matches!(kind, "mod_item" | "function_item" | "impl_item")
            && preamble.iter().any(|p| matches(rust_test_attr(), p))
    }

    /// The node that carries a function's decorators (Python's `decorated_definition`).
    pub fn decorated(self, n: Node<'_>) -> Node<'_> {
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

    /// Whether `n` is inside a function whose name asks a yes/no question (`isFile`,
    /// `is_valid`, `hasAccess`, `can_write`, `exists`, `IsDir`).
    fn in_predicate(self, n: Node, source: &[u8]) -> bool {
        static_re!(
            predicate,
            r"^_*(?:(?:is|has|can|should|exists)(?:[A-Z_]|$)|(?:Is|Has|Can|Should|Exists)(?:[A-Z_]|$))|(?:[a-z0-9]Exists?|_exists?|^exists?)$"
        );
        let name = super::enclosing_function(self, n, source, "");
        matches(predicate(), name.rsplit('.').next().unwrap_or(&name))
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

    /// `Class.method` for methods (Python, Java, TypeScript classes, Go receivers, Rust impl
    /// blocks), the bare name otherwise: two classes' `get` handlers are told apart.
    pub fn qualified_name(self, n: Node, source: &[u8], path: &str) -> String {
        let name = self.function_name(n, source, path);
        match self.owner(n, source) {
            Some(owner) if !name.contains(' ') => format!("{owner}.{name}"),
            _ => name,
        }
    }

    /// The class (or receiver type, impl type) a method belongs to.
    pub fn owner(self, n: Node, source: &[u8]) -> Option<String> {
        let t = |x: Node| x.utf8_text(source).unwrap_or("").to_string();
        match self {
            Lang::Go => {
                let recv = n.child_by_field_name("receiver")?;
                let text = t(recv);
                let ty = text
                    .trim_matches(|c| c == '(' || c == ')')
                    .split_whitespace()
                    .last()?
                    .trim_start_matches('*');
                let ty = ty.split('[').next().unwrap_or(ty);
                Some(ty.to_string())
            }
            _ => {
                let class = self.enclosing_class(n)?;
                match self {
                    Lang::Rust => class
                        .child_by_field_name("type")
                        .map(|x| t(x).split('<').next().unwrap_or("").trim().to_string()),
                    _ => class.child_by_field_name("name").map(t),
                }
            }
        }
    }

    fn enclosing_class(self, n: Node<'_>) -> Option<Node<'_>> {
        let kinds: &[&str] = match self {
            Lang::Python => &["class_definition"],
            Lang::JavaScript | Lang::TypeScript | Lang::Tsx => &["class_declaration", "class"],
            Lang::Java => &[
                "class_declaration",
                "enum_declaration",
                "record_declaration",
            ],
            Lang::Rust => &["impl_item"],
            Lang::Go => &[],
        };
        let mut p = n.parent();
        let mut hops = 0;
        while let Some(x) = p {
            if kinds.contains(&x.kind()) {
                return Some(x);
            }
            if self.is_function(x.kind()) || hops > 4 {
                return None;
            }
            hops += 1;
            p = x.parent();
        }
        None
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

    /// Whether a Go function literal is an argument of a route registration
    /// (`r.HandleFunc("/x", func(w, r) {...})`, `g.GET("/", func(c *gin.Context) {...})`),
    /// and the route.
    fn go_literal_route(self, n: Node, source: &[u8]) -> Option<String> {
        static_re!(
            go_route_callee,
            r"\.(HandleFunc|Handle|GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|Any|Get|Post|Put|Delete|Patch|Head)$"
        );
        let args = n.parent().filter(|p| p.kind() == "argument_list")?;
        let call = args.parent().filter(|c| c.kind() == "call_expression")?;
        let callee = call
            .child_by_field_name("function")?
            .utf8_text(source)
            .ok()?;
        let m = go_route_callee().captures(callee)?;
        let first = args.named_child(0)?.utf8_text(source).ok()?;
        let lit: String = first
            .split('"')
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
            .map(|(_, s)| s)
            .collect();
        let method = match &m[1] {
            "HandleFunc" | "Handle" | "Any" => String::new(),
            x => format!("{} ", x.to_ascii_uppercase()),
        };
        Some(format!("{method}{lit}"))
    }

    /// Whether `n` is a request handler, and its route when the framework declares one.
    pub fn handler(
        &self,
        n: Node,
        ftext: &str,
        source: &[u8],
        path: &str,
        ctx: &FileCtx,
    ) -> Option<Handler> {
        let name = self.function_name(n, source, path);
        let registered = |name: &str| -> Option<Option<String>> {
            let regs = ctx.registry.get(name)?;
            let stem = path.rsplit('/').next().unwrap_or(path);
            let stem = stem.split('.').next().unwrap_or(stem);
            let dir = path.rsplit('/').nth(1).unwrap_or("");
            let fits = |m: &Option<String>| match m {
                // `users::register` lives in users.rs or users/mod.rs.
                Some(m) => m == stem || (matches!(stem, "mod" | "lib" | "main") && m == dir),
                None => true,
            };
            regs.iter()
                .find(|r| fits(&r.module))
                .map(|r| r.route.clone())
        };
        let rpc = |route: Option<String>| Some(Handler { route, rpc: true });
        let http = |route: Option<String>| Some(Handler { route, rpc: false });
        match self {
            Lang::Python => {
                if let Some(c) = py_route().captures(ftext) {
                    let mut method = c[2].to_ascii_uppercase();
                    if matches!(method.as_str(), "ROUTE" | "API_ROUTE") {
                        // Every declared method (`GET,POST`); Flask and FastAPI default to GET.
                        static_re!(methods, r"methods\s*=\s*[\[(]([^\])]*)[\])]");
                        static_re!(word, r#"['"](\w+)['"]"#);
                        method = methods().captures(&c[4]).map_or("GET".to_string(), |m| {
                            word()
                                .captures_iter(&m[1])
                                .map(|w| w[1].to_ascii_uppercase())
                                .collect::<Vec<_>>()
                                .join(",")
                        });
                    } else if method == "WEBSOCKET" {
                        method = String::new();
                    }
                    // The router's own prefix, when the file declares it
                    // (`APIRouter(prefix="/items")`, `Blueprint(..., url_prefix="/api")`).
                    let prefix = ctx
                        .route_prefixes
                        .get(c[1].rsplit('.').next().unwrap_or(&c[1]))
                        .map_or("", String::as_str);
                    let route = c.get(3).map(|p| {
                        format!("{method} {}", join_route(prefix, p.as_str()))
                            .trim()
                            .to_string()
                    });
                    return http(route);
                }
                if matches(py_api_view(), ftext) {
                    return http(registered(&name).flatten());
                }
                let class = self.enclosing_class(n);
                if let Some(class) = class {
                    let cname = class
                        .child_by_field_name("name")
                        .and_then(|x| x.utf8_text(source).ok())
                        .unwrap_or("");
                    let bases = ctx.py_bases(cname);
                    if bases.iter().any(|b| b.ends_with("Stub")) {
                        return None;
                    }
                    if let Some(svc) = bases
                        .iter()
                        .find_map(|b| py_servicer_base().captures(b).map(|c| c[1].to_string()))
                    {
                        let params = n
                            .child_by_field_name("parameters")
                            .and_then(|p| p.utf8_text(source).ok())
                            .unwrap_or("");
                        let first = params
                            .trim_start_matches('(')
                            .split(',')
                            .next()
                            .unwrap_or("")
                            .trim();
                        if !name.starts_with('_')
                            && first == "self"
                            && params.split(',').count() == 3
                        {
                            return rpc(Some(format!("{svc}/{name}")));
                        }
                        return None;
                    }
                    let viewish = bases.iter().any(|b| matches(py_view_base(), b));
                    let viewset = bases
                        .iter()
                        .any(|b| b.ends_with("ViewSet") || b.ends_with("ViewSetMixin"));
                    let http_method = matches!(
                        name.as_str(),
                        "get" | "post" | "put" | "patch" | "delete" | "head" | "options"
                    );
                    let action = viewset
                        && (matches!(
                            name.as_str(),
                            "list"
                                | "create"
                                | "retrieve"
                                | "update"
                                | "partial_update"
                                | "destroy"
                        ) || ftext.contains("@action"));
                    if viewish && (http_method || action) {
                        let route = registered(cname).flatten().map(|r| {
                            if http_method {
                                format!("{} {r}", name.to_ascii_uppercase())
                            } else {
                                r
                            }
                        });
                        return http(route);
                    }
                    // A method registered as a route (`app.post("/x")(self.handle)`).
                    return registered(&name).map(|route| Handler { route, rpc: false });
                }
                if let Some(route) = registered(&name) {
                    return http(route);
                }
                let views = path.ends_with("views.py") || path.contains("/views/");
                let request_first = n
                    .child_by_field_name("parameters")
                    .and_then(|p| p.utf8_text(source).ok())
                    .is_some_and(|p| {
                        p.trim_start_matches('(')
                            .trim_start()
                            .starts_with("request")
                    });
                (views && request_first).then_some(Handler {
                    route: None,
                    rpc: false,
                })
            }
            Lang::JavaScript | Lang::TypeScript | Lang::Tsx => {
                if let Some(route) = self.js_route_of(n, source) {
                    return http(Some(route));
                }
                if let Some(c) = nest_route().captures(ftext) {
                    if c.get(3).is_some() {
                        return rpc(None);
                    }
                    let prefix =
                        self.enclosing_class(n)
                            .and_then(|cl| {
                                let start = cl.start_byte().saturating_sub(400);
                                let pre = std::str::from_utf8(&source[start..cl.start_byte() + 1])
                                    .ok()?;
                                nest_controller().captures_iter(pre).last().map(|m| {
                                    m.get(1).map_or(String::new(), |p| p.as_str().to_string())
                                })
                            })
                            .unwrap_or_default();
                    let sub = c.get(2).map_or("", |m| m.as_str());
                    let route = format!("/{}/{}", prefix.trim_matches('/'), sub.trim_matches('/'));
                    let route = route.replace("//", "/");
                    let route = if route.len() > 1 {
                        route.trim_end_matches('/').to_string()
                    } else {
                        route
                    };
                    return http(Some(format!("{} {route}", c[1].to_ascii_uppercase())));
                }
                let file = path.rsplit('/').next().unwrap_or(path);
                let app_route = file.starts_with("route.")
                    && matches!(name.as_str(), "GET" | "POST" | "PUT" | "DELETE" | "PATCH");
                let pages_api = path.contains("pages/api/");
                let exported_default = n.parent().is_some_and(|p| p.kind() == "export_statement");
                if app_route || (pages_api && exported_default) {
                    return http(None);
                }
                if pages_api && ctx.wrapped_default.contains(&name) {
                    return http(None);
                }
                if self.error_middleware(n, source) {
                    return None;
                }
                registered(&name).map(|route| Handler {
                    rpc: route.as_deref().is_some_and(|r| !r.contains(' ')),
                    route,
                })
            }
            Lang::Go => {
                let params = n
                    .child_by_field_name("parameters")
                    .and_then(|p| p.utf8_text(source).ok())
                    .unwrap_or("");
                let is_literal = n.kind() == "func_literal";
                if is_literal {
                    let route = self.go_literal_route(n, source)?;
                    return (matches(go_http_params(), params) || matches(go_ctx_params(), params))
                        .then_some(Handler {
                            route: Some(route),
                            rpc: false,
                        });
                }
                if let Some(route) = registered(&name) {
                    if matches(go_http_params(), params) || matches(go_ctx_params(), params) {
                        return http(route);
                    }
                }
                if name == "ServeHTTP" {
                    return None;
                }
                if matches(go_http_params(), params) {
                    return http(None);
                }
                // gRPC servicer methods: exported methods of a type taking
                // (context.Context, *pb.Req) and returning (*pb.Resp, error), in a service
                // that registers a gRPC server.
                let exported = name.chars().next().is_some_and(|c| c.is_ascii_uppercase());
                let result = n
                    .child_by_field_name("result")
                    .and_then(|p| p.utf8_text(source).ok())
                    .unwrap_or("");
                let method = n.kind() == "method_declaration";
                let unary = matches(go_grpc_unary(), params)
                    && result.trim_start().starts_with("(*")
                    && result.contains("error");
                let stream = matches(go_grpc_stream(), params) && result.trim() == "error";
                if method && exported && (unary || stream) && ctx.registry.contains_key("grpc:*") {
                    let svc = if matches!(name.as_str(), "Check" | "Watch" | "List") {
                        "Health".to_string()
                    } else {
                        ctx.grpc_service().unwrap_or_else(|| "*".to_string())
                    };
                    return rpc(Some(format!("{svc}/{name}")));
                }
                // Functions merely taking `*gin.Context` (validators' `Bind`, middleware
                // helpers) are not handlers unless a route names them.
                None
            }
            Lang::Rust => {
                if let Some(c) = rust_route_attr().captures(ftext) {
                    let route = c
                        .get(2)
                        .map(|p| format!("{} {}", c[1].to_ascii_uppercase(), p.as_str()));
                    return http(route);
                }
                if let Some(route) = registered(&name) {
                    return http(route);
                }
                // tonic service methods.
                let params = n
                    .child_by_field_name("parameters")
                    .and_then(|p| p.utf8_text(source).ok())
                    .unwrap_or("");
                let ret = n
                    .child_by_field_name("return_type")
                    .and_then(|p| p.utf8_text(source).ok())
                    .unwrap_or("");
                if params.contains("Request<")
                    && ret.contains("Response<")
                    && ret.contains("Status")
                {
                    return rpc(self.owner(n, source).map(|o| format!("{o}/{name}")));
                }
                (ftext.contains("async fn") && matches(rust_extractor(), params) && !ctx.in_test(n))
                    .then_some(Handler {
                        route: None,
                        rpc: false,
                    })
            }
            Lang::Java => {
                if let Some(c) = java_route().captures(ftext) {
                    let method = c
                        .get(1)
                        .or(c.get(3))
                        .map_or("", |m| m.as_str())
                        .to_ascii_uppercase();
                    let method = if method == "REQUEST" {
                        String::new()
                    } else {
                        method
                    };
                    let prefix = self
                        .enclosing_class(n)
                        .and_then(|cl| {
                            let head = cl.utf8_text(source).ok()?;
                            // The body by its node: a `{` may be in the path
                            // (`@RequestMapping("/owners/{ownerId}")`).
                            let body_at = cl
                                .child_by_field_name("body")
                                .map_or(head.len(), |b| b.start_byte() - cl.start_byte());
                            let start = cl.start_byte().saturating_sub(300);
                            let pre = std::str::from_utf8(&source[start..cl.start_byte()]).ok()?;
                            java_class_route()
                                .captures(&head[..body_at])
                                .or_else(|| java_class_route().captures_iter(pre).last())
                                .map(|m| m[1].to_string())
                        })
                        .unwrap_or_default();
                    let sub = c.get(2).map_or("", |m| m.as_str());
                    let route = format!("{method} {prefix}{sub}").trim().to_string();
                    return http((!route.is_empty()).then_some(route));
                }
                // gRPC: public methods of a `*ImplBase` subclass taking a StreamObserver.
                let class = self.enclosing_class(n)?;
                let sup = class
                    .child_by_field_name("superclass")
                    .and_then(|x| x.utf8_text(source).ok())
                    .unwrap_or("");
                let params = n
                    .child_by_field_name("parameters")
                    .and_then(|p| p.utf8_text(source).ok())
                    .unwrap_or("");
                if sup.trim_end().ends_with("ImplBase") && params.contains("StreamObserver") {
                    static_re!(svc, r"(\w+)Grpc\.\w+ImplBase");
                    let s = svc()
                        .captures(sup)
                        .map_or("*".to_string(), |c| c[1].to_string());
                    return rpc(Some(format!("{s}/{name}")));
                }
                None
            }
        }
    }

    /// Express's error middleware: `(err, req, res, next) => ...`.
    fn error_middleware(self, n: Node, source: &[u8]) -> bool {
        let Some(p) = n.child_by_field_name("parameters") else {
            return false;
        };
        let names: Vec<String> = (0..u32::try_from(p.named_child_count()).unwrap_or(0))
            .filter_map(|i| p.named_child(i))
            .filter_map(|c| {
                let t = c.utf8_text(source).ok()?;
                Some(t.split([':', '=']).next().unwrap_or(t).trim().to_string())
            })
            .collect();
        names.len() == 4
            && matches!(
                names[0].as_str(),
                "err" | "error" | "e" | "ex" | "exception"
            )
            && names[3] == "next"
    }

    /// A terminal error responder: Express's error middleware, Flask/FastAPI error
    /// handlers, Spring `@ExceptionHandler`, Nest exception filters, axum `IntoResponse` and
    /// actix `ResponseError` implementations for error types. Returns what it is and
    /// whether the framework has logged the error before it runs.
    pub fn error_responder(
        self,
        n: Node,
        ftext: &str,
        source: &[u8],
        path: &str,
    ) -> Option<(String, bool)> {
        let name = self.function_name(n, source, path);
        match self {
            Lang::JavaScript | Lang::TypeScript | Lang::Tsx => {
                if self.error_middleware(n, source) {
                    return Some(("error middleware".into(), false));
                }
                if name == "catch" && ftext.contains("ArgumentsHost") {
                    return Some(("exception filter".into(), false));
                }
                None
            }
            Lang::Python => {
                static_re!(
                    eh,
                    r"@\s*[\w.]+\.(?:app_)?(?:errorhandler|exception_handler)\s*\(\s*([\w.]+)"
                );
                let c = eh().captures(ftext)?;
                let what = &c[1];
                // Flask logs an unhandled exception before calling the 500 handler, and
                // Starlette re-raises after an `Exception` handler.
                let logged = matches!(what, "500" | "InternalServerError")
                    || what.ends_with(".InternalServerError")
                    || (ftext.contains("exception_handler") && what == "Exception");
                Some((format!("error handler for {what}"), logged))
            }
            Lang::Java => ftext
                .contains("@ExceptionHandler")
                .then(|| ("@ExceptionHandler".to_string(), false)),
            Lang::Rust => {
                let imp = self.enclosing_class(n)?;
                let head = imp.utf8_text(source).ok()?;
                let head = &head[..head.find('{').unwrap_or(head.len())];
                let ok = (name == "into_response" && head.contains("IntoResponse"))
                    || (name == "error_response" && head.contains("ResponseError"));
                ok.then(|| {
                    (
                        format!("{} for {}", name, self.owner(n, source).unwrap_or_default()),
                        false,
                    )
                })
            }
            Lang::Go => None,
        }
    }

    /// A job, consumer, scheduled task or serverless handler, or a `main`: what it is.
    pub fn entrypoint(
        self,
        n: Node,
        ftext: &str,
        name: &str,
        file_text: &str,
    ) -> Option<&'static str> {
        match self {
            Lang::Python => {
                if matches(py_job(), ftext) && !matches(py_cli(), ftext) {
                    return Some("job");
                }
                if matches!(name, "lambda_handler") {
                    return Some("serverless");
                }
                if name == "main" && n.parent().is_some_and(|p| p.kind() == "module") {
                    return Some(if matches(py_cli(), file_text) {
                        "cli"
                    } else {
                        "main"
                    });
                }
                None
            }
            Lang::Go | Lang::Rust => {
                let top = n.parent().is_some_and(|p| p.kind() == "source_file");
                if name == "main" && top {
                    let cli = if self == Lang::Go {
                        go_cli()
                    } else {
                        rust_cli()
                    };
                    return Some(if matches(cli, file_text) {
                        "cli"
                    } else {
                        "main"
                    });
                }
                None
            }
            Lang::Java => {
                if matches(java_job(), ftext) {
                    return Some("job");
                }
                if name == "main" && ftext.contains("static") {
                    return Some("main");
                }
                None
            }
            Lang::JavaScript | Lang::TypeScript | Lang::Tsx => {
                if name == "handler" && ftext.contains("event") {
                    return Some("serverless");
                }
                if name == "main" {
                    return Some(if matches(js_cli(), file_text) {
                        "cli"
                    } else {
                        "main"
                    });
                }
                None
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
                static_re!(err_pat, r"^\s*(?:Result::)?Err\s*\(");
                matches(err_pat(), pat).then(|| n.child_by_field_name("value").unwrap_or(n))
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

    /// The error variable, the exception types and the text of the operation that failed.
    fn error_parts<'a>(self, n: Node<'a>, source: &'a [u8]) -> (Option<String>, String, String) {
        let t = |x: Node| x.utf8_text(source).unwrap_or("").to_string();
        match self {
            Lang::Python => {
                let text = t(n);
                let header = text.split(':').next().unwrap_or("");
                static_re!(exc, r"^except\s*(\(?[^:]*?\)?)?(?:\s+as\s+(\w+))?\s*$");
                let (types, var) = exc()
                    .captures(header.trim())
                    .map(|c| {
                        (
                            c.get(1)
                                .map_or(String::new(), |m| m.as_str().trim().to_string()),
                            c.get(2).map(|m| m.as_str().to_string()),
                        )
                    })
                    .unwrap_or_default();
                let body = n
                    .parent()
                    .filter(|p| p.kind() == "try_statement")
                    .and_then(|p| p.child_by_field_name("body"))
                    .map(t)
                    .unwrap_or_default();
                (var, types, body)
            }
            Lang::JavaScript | Lang::TypeScript | Lang::Tsx | Lang::Java => {
                let param = n.child_by_field_name("parameter").map(t).or_else(|| {
                    (0..u32::try_from(n.named_child_count()).unwrap_or(0))
                        .filter_map(|i| n.named_child(i))
                        .find(|c| c.kind() == "catch_formal_parameter")
                        .map(t)
                });
                let (types, var) = match param {
                    Some(p) => {
                        let p = p.trim_matches(|c| c == '(' || c == ')').to_string();
                        let var = p
                            .split_whitespace()
                            .last()
                            .map(|v| v.split(':').next().unwrap_or(v).to_string());
                        let types = p
                            .rsplit_once(' ')
                            .map_or(String::new(), |(a, _)| a.to_string());
                        (types, var)
                    }
                    None => (String::new(), None),
                };
                let body = n
                    .parent()
                    .filter(|p| p.kind() == "try_statement")
                    .and_then(|p| p.child_by_field_name("body"))
                    .map(t)
                    .unwrap_or_default();
                (var, types, body)
            }
            Lang::Go => {
                let cond = n
                    .child_by_field_name("condition")
                    .map(t)
                    .unwrap_or_default();
                let var = go_err_cond().captures(&cond).map(|c| c[1].to_string());
                let op = n
                    .child_by_field_name("initializer")
                    .map(t)
                    .or_else(|| {
                        // The statement before `if err != nil` that assigns the error.
                        let mut prev = n.prev_named_sibling();
                        for _ in 0..3 {
                            let p = prev?;
                            let text = t(p);
                            if var.as_deref().is_some_and(|v| text.contains(v))
                                && text.contains('=')
                            {
                                return Some(text);
                            }
                            prev = p.prev_named_sibling();
                        }
                        None
                    })
                    .unwrap_or_default();
                (var, String::new(), op)
            }
            Lang::Rust => {
                let pat = n.child_by_field_name("pattern").map(t).unwrap_or_default();
                let var = rust_err_binding(&pat);
                let op = n
                    .parent()
                    .and_then(|b| b.parent())
                    .filter(|m| m.kind() == "match_expression")
                    .and_then(|m| m.child_by_field_name("value"))
                    .map(t)
                    .unwrap_or_default();
                (var, pat, op)
            }
        }
    }

    /// Where the error of an error block ends up (errors followed to where they end: passed
    /// on, recorded, answered, stored, or dropped).
    pub fn outcome(self, n: Node, block: &str, recorded: bool, source: &[u8]) -> Outcome {
        let out = |outcome: &'static str| Outcome {
            outcome,
            ..Outcome::default()
        };
        if self.handles_error(block) {
            return out("propagated");
        }
        if recorded {
            return out("recorded");
        }
        if matches(exits(), block) {
            return out("exit");
        }
        if matches(stderr(), block) {
            return out("stderr");
        }
        let (var, types, op) = self.error_parts(n, source);
        let var_re = var.as_deref().map(|v| {
            Regex::new(&format!(r"(?-u:\b){}(?-u:\b)", regex::escape(v))).expect("escaped")
        });
        // Go: a block on the error that only cleans up (`if err != nil && tmp != nil {
        // os.Remove(tmp) }`) is not where the error ends when a later statement of the
        // same function returns it (terragrunt 87661fe556: `return worktrees, outerErr`).
        // An error declared in the `if` itself (`if err := f(); err != nil`) is out of scope
        // there, and one assigned again before the return is another error.
        let scoped_to_if = n
            .child_by_field_name("initializer")
            .and_then(|i| i.utf8_text(source).ok())
            .is_some_and(|i| i.contains(":="));
        if self == Lang::Go && !scoped_to_if {
            if let (Some(re), Some(v)) = (&var_re, var.as_deref()) {
                static_re!(go_return, r"(?m)^\s*return\b[^\n]*");
                let assigned = Regex::new(&format!(
                    r"(?m)^\s*(?:\w+\s*,\s*)*{}(?:\s*,\s*\w+)*\s*:?=[^=]",
                    regex::escape(v)
                ))
                .expect("escaped");
                let mut next = n.next_named_sibling();
                while let Some(s) = next {
                    let text = s.utf8_text(source).unwrap_or("");
                    if go_return().find_iter(text).any(|m| re.is_match(m.as_str())) {
                        return out("propagated");
                    }
                    if assigned.is_match(text) {
                        break;
                    }
                    next = s.next_named_sibling();
                }
            }
        }
        // Rust: an arm guarded on the error itself (`Err(e) if e.kind() == NotFound =>`)
        // answers that one error on purpose, as a specific exception type does elsewhere;
        // the other errors go to the arms after it.
        if self == Lang::Rust {
            let guard = types.split_once(" if ").map(|(_, g)| g);
            if let (Some(re), Some(guard)) = (&var_re, guard) {
                if re.is_match(guard) {
                    return out("fallback");
                }
            }
        }
        // The block's text without its header (`except X as e:`, `Err(e) =>`).
        let inner: &str = match self {
            Lang::Python => block.split_once(':').map_or(block, |(_, b)| b),
            _ => block,
        };
        let uses = |re: &Regex| -> Option<&'static str> {
            for line in logical_lines(inner) {
                let l = line.trim();
                if !re.is_match(l) {
                    continue;
                }
                if l.starts_with("return") || l.starts_with("Ok(") || l.starts_with("yield") {
                    return Some("returned");
                }
                static_re!(
                    assign,
                    r"^\*?[\w.\[\]'\x22]+(?:\s*,\s*\*?[\w.\[\]'\x22]+)*\s*(?:\+|-)?(?::)?=[^=]|\.(?:append|push|add|extend|insert|put|set|Store|Set)\s*\("
                );
                if matches(assign(), l) {
                    return Some("stored");
                }
                // A call or a macro (`format!("{e:?}")`, `json!({"error": e})`).
                static_re!(call_with, r"[\w)\]]!?\s*\(");
                if matches(call_with(), l) {
                    return Some("passed");
                }
            }
            None
        };
        // A response of the error: an error status (or one gate cannot read); a 200 sent
        // from an error block is a swallowed error, not an answered one.
        let status = response_status(self, inner).filter(|st| *st == 0 || *st >= 400);
        if let Some(st) = status {
            let op_kind = classify_op(&op);
            let client = matches!(st, 400 | 404 | 409 | 422);
            let masked = client
                && matches!(op_kind, Op::Internal | Op::Unknown)
                && !(self == Lang::Python && benign_py_types(&types));
            if st >= 500 || st == 0 || !client || !masked {
                return Outcome {
                    outcome: "responded",
                    status: Some(st),
                    masked: false,
                };
            }
            return Outcome {
                outcome: "responded",
                status: Some(st),
                masked: true,
            };
        }
        if matches(prints(), inner) {
            return out("printed");
        }
        if let Some(re) = &var_re {
            if let Some(how) = uses(re) {
                return out(how);
            }
            // A loop over the errors (`for err in line_errors { self.errors.push(err...) }`,
            // `for _, e := range errs`, `for (const e of errors)`): each one goes where the
            // loop's variable goes.
            if let Some(each) = loop_variable(inner, var.as_deref().unwrap_or_default()) {
                let each_re = Regex::new(&format!(r"(?-u:\b){}(?-u:\b)", regex::escape(&each)))
                    .expect("escaped");
                if let Some(how) = uses(&each_re) {
                    return out(how);
                }
            }
        }
        // Benign fallbacks: an expected failure (a parse, a lookup, an optional import, an
        // invalid token) answered with a default.
        let op_kind = classify_op(&op);
        let default = is_default_block(self, block);
        let benign_types = self == Lang::Python && benign_py_types(&types);
        // A lookup miss answered with a value is a default; a bare `return` after a failed
        // lookup (in a handler: an empty 200) is not.
        let bare_return = matches!(
            inner.trim().trim_matches(|c| c == '{' || c == '}').trim(),
            "return" | "return;"
        );
        // A catch-all around a lookup also catches the database being down: only an error
        // value (Go, Rust) or a specific exception type says "not found".
        let broad = match self {
            Lang::Python => {
                let t = types.trim_matches(|c| c == '(' || c == ')').trim();
                t.is_empty() || t == "Exception" || t == "BaseException"
            }
            Lang::Java => {
                types.is_empty()
                    || types
                        .split('|')
                        .any(|t| matches!(t.trim(), "Exception" | "Throwable" | "RuntimeException"))
            }
            Lang::JavaScript | Lang::TypeScript | Lang::Tsx => true,
            Lang::Go | Lang::Rust => false,
        };
        let benign_op = matches!(op_kind, Op::Parse | Op::Validate | Op::Auth | Op::Optional)
            || (op_kind == Op::Lookup && !bare_return && !broad);
        if default && (benign_types || benign_op) {
            return out("fallback");
        }
        // Rust: after a failed parse (or validation), an arm that is an expression, not a
        // block, gives the match another value in place of the failed one
        // (`Err(_) => s.parse::<IpAddr>().ok().map(IpNet::from)`).
        if self == Lang::Rust
            && matches!(op_kind, Op::Parse | Op::Validate | Op::Auth | Op::Optional)
            && !block.trim_start().starts_with('{')
            && !block.trim().is_empty()
        {
            return out("fallback");
        }
        if self == Lang::Go && replaces_result(&op, inner) {
            return out("fallback");
        }
        if matches!(self, Lang::JavaScript | Lang::TypeScript | Lang::Tsx)
            && computes_another_way(inner)
        {
            return out("fallback");
        }
        if default && tries_next_alternative(n) {
            return out("fallback");
        }
        if self == Lang::Python && benign_types && !inner.trim().is_empty() {
            // A specific, expected exception handled by other means (a message to the user).
            return out("fallback");
        }
        if default && states_why(inner) {
            return out("fallback");
        }
        // Python: the handler gets the value the `try` assigns another way (`qualname =
        // getattr(tp, '__qualname__', '<none>')` when the first attempt's f-string raised).
        if self == Lang::Python && assigns_again(&op, inner) {
            return out("fallback");
        }
        // A predicate (`isFile`, `has_access`, `exists`) that answers `false` when its check
        // fails answers the question it was asked, and the safe way round.
        if answers_false(self, block) && self.in_predicate(n, source) {
            return out("fallback");
        }
        out("dropped")
    }

    fn call_kind(self) -> &'static [&'static str] {
        match self {
            Lang::Python => &["call"],
            Lang::Java => &["method_invocation", "object_creation_expression"],
            _ => &["call_expression"],
        }
    }

    /// Calls on added lines of `f` (not inside nested functions) that leave the process:
    /// `(line, callee, library)`.
    pub fn outbound_calls(
        self,
        f: Node,
        source: &[u8],
        added: &super::Added,
    ) -> Vec<(u32, String, &'static str)> {
        let table = outbound_table(self);
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
                // The callee: up to the first `(` of the call itself.
                if let Some((lib, m)) = table.iter().find_map(|(lib, r)| {
                    r.find(&head)
                        .filter(|m| m.start() == 0 || !excluded_prefix(&head[..m.start()]))
                        .map(|m| (*lib, m))
                }) {
                    if !is_excluded_outbound(self, &head) {
                        out.push((
                            line,
                            m.as_str().trim().trim_end_matches('(').trim().to_string(),
                            lib,
                        ));
                        continue;
                    }
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

/// `request.session.get(...)`: the web session, not a database session.
fn excluded_prefix(before: &str) -> bool {
    before.ends_with("request.") || before.ends_with("self.request.")
}

fn is_excluded_outbound(lang: Lang, head: &str) -> bool {
    static_re!(
        not_calls,
        r"^\s*(?:request\.session\.|self\.request\.session\.|boto3\.(?:client|resource|Session)\s*\(|session\.(?:get|pop|setdefault)\s*\(\s*['\x22]|req\.session\.)"
    );
    let _ = lang;
    matches(not_calls(), head)
}

type Table = Vec<(&'static str, Regex)>;

fn outbound_table(lang: Lang) -> &'static Table {
    fn build(rows: &[(&'static str, &str)]) -> Table {
        rows.iter()
            .map(|(lib, p)| {
                (
                    *lib,
                    Regex::new(&super::ascii_boundaries(p)).expect("static regex"),
                )
            })
            .collect()
    }
    static PY: OnceLock<Table> = OnceLock::new();
    static JS: OnceLock<Table> = OnceLock::new();
    static GO: OnceLock<Table> = OnceLock::new();
    static RS: OnceLock<Table> = OnceLock::new();
    static JAVA: OnceLock<Table> = OnceLock::new();
    match lang {
        Lang::Python => PY.get_or_init(|| {
            build(&[
                ("http:requests", r"^\s*requests\.(?:get|post|put|patch|delete|request|head|options)\s*\("),
                ("http:httpx", r"^\s*(?:httpx|\w*client)\.(?:get|post|put|patch|delete|request|head|send|stream)\s*\("),
                ("http:aiohttp", r"^\s*(?:aiohttp\.\w+|\w*session)\.(?:get|post|put|patch|delete|request|head)\s*\(\s*(?:f?['\x22]|url|\w*_url|\w*URL)"),
                ("http:urllib", r"^\s*(?:urllib\.request\.)?urlopen\s*\(|^\s*urllib3\.\w+\s*\(|^\s*http\.request\s*\("),
                ("sql", r"^\s*(?:self\.)?(?:cursor|cur|conn|connection|db|engine|con)\.(?:execute|executemany|fetch\w*|query)\s*\("),
                // Calls that reach the database (`add`, `delete` and `query` only stage or build).
                ("orm:sqlalchemy", r"^\s*(?:db\.)?session\.(?:execute|scalar|scalars|get|commit|flush|exec|refresh)\s*\("),
                // Querysets are lazy: `filter`, `all`, `exclude` build, these evaluate.
                ("orm:django", r"^\s*\w+\.objects\.(?:get|create|update_or_create|get_or_create|bulk_create|bulk_update|in_bulk|count|exists|aggregate|first|last|earliest|latest)\s*\(|^\s*\w+\.objects(?:\.\w+\([^()]*\))+\.(?:update|delete|count|exists|first|last|get|aggregate)\s*\("),
                ("redis", r"^\s*(?:redis|self\.redis|\w*redis\w*|cache)\.(?:get|set|hget|hset|incr|delete|lpush|rpush|publish|expire|setex)\s*\("),
                ("queue", r"^\s*[\w.]+\.(?:publish|send_message|basic_publish|produce|send_task|enqueue|delay|apply_async)\s*\("),
                ("cloud", r"^\s*[\w.]+\.(?:put_object|get_object|upload_file|download_file|invoke|delete_object|list_objects\w*|copy_object)\s*\("),
                ("grpc", r"^\s*(?:self\.)?\w*(?:stub|_stub|Stub)\.\w+\s*\("),
                ("llm", r"^\s*[\w.]*(?:llm|model|client|chat)\w*\.(?:invoke|ainvoke|generate_content|chat\.completions\.create|messages\.create|completions\.create)\s*\("),
            ])
        }),
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => JS.get_or_init(|| {
            build(&[
                ("http:fetch", r"^\s*(?:await\s+)?fetch\s*\("),
                ("http:axios", r"^\s*(?:await\s+)?axios(?:\.\w+)?\s*\("),
                ("http:got", r"^\s*(?:await\s+)?(?:got|ky|superagent)(?:\.\w+)?\s*\("),
                ("http:node", r"^\s*https?\.(?:request|get)\s*\("),
                ("sql", r"^\s*(?:await\s+)?(?:this\.)?(?:db|pool|client|conn|connection|knex|pg|sql)\.query\s*\("),
                ("orm:prisma", r"^\s*(?:await\s+)?(?:this\.)?prisma\.\w+\.\w+\s*\("),
                ("orm:typeorm", r"^\s*(?:await\s+)?(?:this\.)?\w*[rR]epo(?:sitory)?\.(?:find\w*|save|insert|update|delete|remove|count|query|createQueryBuilder|softDelete|upsert|exist\w*)\s*\(|^\s*(?:await\s+)?getRepository\s*\(\s*\w+\s*\)\.\w+\s*\("),
                ("orm:sequelize", r"^\s*await\s+[A-Z]\w*\.(?:findAll|findOne|findByPk|findOrCreate|create|bulkCreate|destroy|update)\s*\("),
                ("orm:mongoose", r"^\s*await\s+[A-Z]\w*\.(?:find|findById|findOne|aggregate|insertMany|updateOne|updateMany|deleteOne|deleteMany|countDocuments)\s*\("),
                ("cloud", r"^\s*(?:await\s+)?[\w.]+\.send\s*\(\s*new\s+\w+Command"),
                ("queue", r"^\s*(?:await\s+)?(?:this\.)?\w*(?:producer|channel|publisher)\.(?:send|publish|sendToQueue)\s*\("),
            ])
        }),
        Lang::Go => GO.get_or_init(|| {
            build(&[
                ("http:default", r"^\s*http\.(?:Get|Post|Head|PostForm)\s*\(|^\s*http\.DefaultClient\.\w+\s*\("),
                ("http:client", r"^\s*[\w.]*\.Do\s*\(\s*\w*[rR]eq"),
                ("sql", r"^\s*(?:\w*[dD][bB]|tx|conn|pool|\w*[pP]ool|stmt)\.(?:Query|QueryRow|Exec|QueryContext|ExecContext|QueryRowContext|Prepare\w*)\s*\("),
                ("orm:gorm", r"^\s*(?:\w*[dD][bB]|tx|\w+\.DB\(\)|(?:\w+\.)?[gG]et\w*DB\(\))(?:\.(?:Model|Where|Preload|Joins|Table|Select|Order|Limit|Offset|Unscoped|Debug|Related|Association)\([^()]*(?:\([^()]*\)[^()]*)*\))*\.(?:First|Find|Take|Last|Create|Save|Updates?|Delete|Count|Scan|Pluck|FirstOrCreate|FirstOrInit|Exec|Raw|Begin|Commit|Rollback|AutoMigrate|Append|Replace|Clear)\s*\("),
                ("queue", r"^\s*[\w.]+\.(?:Publish|WriteMessages|SendMessage|Produce|Input\(\)\s*<-)\s*\("),
                ("redis", r"^\s*\w*(?:rdb|redis|cache)\w*\.(?:Get|Set|HGet|HSet|Incr|Del|Publish|Expire)\s*\("),
            ])
        }),
        Lang::Rust => RS.get_or_init(|| {
            build(&[
                ("http:reqwest", r"^\s*reqwest::\w+|\.send\(\)\s*\.await"),
                ("sql", r"^\s*sqlx::query\w*!?\s*\(|\.fetch_(?:one|all|optional)\s*\(|\.execute\s*\(\s*&"),
                ("orm:diesel", r"^\s*diesel::(?:insert_into|update|delete|replace_into)\s*\(|\.(?:load|get_result|get_results|first)\s*::\s*<|\.(?:load|get_result|get_results|execute)\s*\(\s*&?\*?\s*\w*conn"),
                ("redis", r"^\s*redis::cmd\b"),
            ])
        }),
        Lang::Java => JAVA.get_or_init(|| {
            build(&[
                ("http", r"^\s*(?:this\.)?(?:restTemplate|webClient|restClient|httpClient)\.\w+\s*\(|\.newCall\s*\(|^\s*HttpRequest\.newBuilder\b"),
                ("sql", r"\.execute(?:Query|Update|Batch)\s*\(|^\s*(?:this\.)?\w*(?:[sS]tatement|stmt|ps)\.execute\s*\(|^\s*(?:this\.)?jdbcTemplate\.\w+\s*\("),
                ("orm:jpa", r"^\s*(?:this\.)?\w+[rR]epository\.(?:find\w*|save\w*|delete\w*|count\w*|exists\w*|getReferenceById)\s*\("),
                ("queue", r"^\s*(?:this\.)?(?:kafkaTemplate|rabbitTemplate|jmsTemplate)\.(?:send|convertAndSend)\w*\s*\("),
                ("grpc", r"^\s*(?:this\.)?\w*(?:[sS]tub|[cC]lient)\.\w+\s*\(\s*\w*[rR]equest"),
            ])
        }),
    }
}

/// A handler found in a file: its route when the framework declares one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handler {
    pub route: Option<String>,
    /// An RPC method (gRPC, message pattern), not an HTTP route.
    pub rpc: bool,
}

/// What a file's analysis knows beyond the function at hand: the service's registrations,
/// the file's Python classes and their bases, the Rust test modules.
pub struct FileCtx<'a> {
    pub registry: &'a Registry,
    /// Python: class name -> base names (resolved transitively within the file).
    pub classes: HashMap<String, Vec<String>>,
    /// Names exported through `export default wrapper(name)`.
    pub wrapped_default: BTreeSet<String>,
    /// Byte ranges of Rust `#[cfg(test)]` items.
    pub test_ranges: Vec<(usize, usize)>,
    /// Python: router variable -> the prefix it declares (`router = APIRouter(prefix="/x")`,
    /// `bp = Blueprint("x", __name__, url_prefix="/x")`).
    pub route_prefixes: HashMap<String, String>,
}

/// A router prefix and a route declared under it: `/items` + `/{id}` is `/items/{id}`,
/// `/items` + `/` is `/items/` (as the framework matches it).
fn join_route(prefix: &str, route: &str) -> String {
    if prefix.is_empty() {
        return route.to_string();
    }
    let prefix = prefix.trim_end_matches('/');
    if route.is_empty() {
        prefix.to_string()
    } else if route.starts_with('/') {
        format!("{prefix}{route}")
    } else {
        format!("{prefix}/{route}")
    }
}

impl FileCtx<'_> {
    /// The bases of a Python class, with the bases of the file's own classes they name.
    pub fn py_bases(&self, class: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut todo = vec![class.to_string()];
        let mut seen = BTreeSet::new();
        while let Some(c) = todo.pop() {
            if !seen.insert(c.clone()) || seen.len() > 16 {
                continue;
            }
            if let Some(bases) = self.classes.get(&c) {
                for b in bases {
                    out.push(b.clone());
                    let short = b.rsplit('.').next().unwrap_or(b).to_string();
                    todo.push(short);
                }
            }
        }
        out
    }

    fn in_test(&self, n: Node) -> bool {
        let (s, e) = (n.start_byte(), n.end_byte());
        self.test_ranges.iter().any(|(a, b)| *a <= s && e <= *b)
    }

    /// The one gRPC service the service registers (besides Health), when there is one.
    fn grpc_service(&self) -> Option<String> {
        let regs = self.registry.get("grpc:*")?;
        let names: BTreeSet<String> = regs
            .iter()
            .filter_map(|r| r.route.as_deref())
            .map(|r| r.trim_end_matches("/*").to_string())
            .filter(|r| r != "Health")
            .collect();
        (names.len() == 1).then(|| names.into_iter().next().unwrap_or_default())
    }
}

/// The Python classes of a file and their bases, and the names wrapped by a default export.
pub fn file_ctx<'a>(lang: Lang, source: &[u8], registry: &'a Registry) -> FileCtx<'a> {
    let text = String::from_utf8_lossy(source);
    let mut classes = HashMap::new();
    let mut wrapped_default = BTreeSet::new();
    let mut route_prefixes = HashMap::new();
    match lang {
        Lang::Python => {
            static_re!(
                router,
                r#"(?m)^\s*(\w+)\s*(?::\s*[\w.]+\s*)?=\s*(?:[\w.]+\.)?(?:APIRouter|Blueprint)\s*\(([^)]*)\)"#
            );
            static_re!(
                prefix_arg,
                r#"\b(?:prefix|url_prefix)\s*=\s*["']([^"']*)["']"#
            );
            for c in router().captures_iter(&text) {
                if let Some(p) = prefix_arg().captures(&c[2]) {
                    route_prefixes.insert(c[1].to_string(), p[1].to_string());
                }
            }
            static_re!(class, r"(?m)^\s*class\s+(\w+)\s*\(([^)]*)\)\s*:");
            for c in class().captures_iter(&text) {
                let bases: Vec<String> = c[2]
                    .split(',')
                    .map(|b| b.trim().to_string())
                    .filter(|b| !b.is_empty() && !b.contains('='))
                    .collect();
                classes.insert(c[1].to_string(), bases);
            }
        }
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => {
            static_re!(
                wrapped,
                r"\bexport\s+default\s+(?:[\w$.]+\s*\(\s*)+([A-Za-z_$][\w$]*)\s*\)"
            );
            for c in wrapped().captures_iter(&text) {
                wrapped_default.insert(c[1].to_string());
            }
        }
        _ => {}
    }
    FileCtx {
        registry,
        classes,
        wrapped_default,
        test_ranges: Vec::new(),
        route_prefixes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_by_number_and_name() {
        assert_eq!(status_in("http.StatusUnprocessableEntity, x"), Some(422));
        assert_eq!(status_in("status=status.HTTP_404_NOT_FOUND"), Some(404));
        assert_eq!(status_in("grpc.StatusCode.INTERNAL"), Some(500));
        assert_eq!(status_in("w, \"unavailable\", 503"), Some(503));
        assert_eq!(status_in("NotFoundError"), None);
    }

    #[test]
    fn operations_are_classified_by_their_calls() {
        assert_eq!(
            classify_op("offset_int, err := strconv.Atoi(offset)"),
            Op::Parse
        );
        assert_eq!(classify_op("if err := v.Bind(c); err != nil"), Op::Validate);
        assert_eq!(
            classify_op("if err := SaveOne(&m); err != nil"),
            Op::Internal
        );
        assert_eq!(
            classify_op("m, err := FindOneArticle(&ArticleModel{Slug: slug})"),
            Op::Lookup
        );
        for collection in [
            "articleModels, modelCount, err := FindManyArticle(tag, author, limit, offset, f)",
            "tagModels, err := getAllTags()",
            "models, count, err := u.GetArticleFeed(limit, offset)",
            "err = articleModel.getComments()",
            "rows = sqlx::query_as(q).fetch_all(&pool).await",
        ] {
            assert_eq!(classify_op(collection), Op::Internal, "{collection}");
        }
        for one in [
            "s, err := GetStatus(id)",
            "a, err := GetAddress(id)",
            "u, err := getUser(id)",
        ] {
            assert_eq!(classify_op(one), Op::Lookup, "{one}");
        }
        assert_eq!(classify_op("import debug_toolbar"), Op::Optional);
        assert_eq!(classify_op("payload = jwt.decode(token, key)"), Op::Auth);
    }

    #[test]
    fn benign_exception_types() {
        assert!(benign_py_types("InvalidTokenError"));
        assert!(benign_py_types("(ValueError, KeyError)"));
        assert!(!benign_py_types(
            "(redis.exceptions.RedisError, rq.exceptions.NoSuchJobError)"
        ));
        assert!(!benign_py_types("Exception"));
        assert!(!benign_py_types(""));
    }

    #[test]
    fn replaced_results_are_fallbacks() {
        assert!(replaces_result(
            "res, err := resource.New(ctx)",
            "{\n\t\tres = resource.Default()\n\t}"
        ));
        assert!(!replaces_result(
            "res, err := resource.New(ctx)",
            "{\n\t\treturn nil\n\t}"
        ));
        assert!(!replaces_result(
            "res, err := resource.New(ctx)",
            "{\n\t\tother = 1\n\t}"
        ));
    }

    #[test]
    fn a_catch_that_gets_the_value_another_way_is_a_fallback() {
        assert!(computes_another_way(
            "{\n    objectURL = null;\n    imageSource = await getDataURL(file);\n  }"
        ));
        assert!(computes_another_way("{ const v = readCache(key); }"));
        assert!(!computes_another_way("{ objectURL = null; }"));
        assert!(!computes_another_way("{ err = wrap(e); }"));
        assert!(!computes_another_way("{ }"));
    }

    #[test]
    fn default_blocks() {
        assert!(is_default_block(Lang::Go, "{\n\t\toffset_int = 0\n\t}"));
        assert!(is_default_block(
            Lang::Python,
            "except Http404:\n        return None"
        ));
        assert!(is_default_block(
            Lang::Python,
            "except Exception:\n        pass"
        ));
        assert!(!is_default_block(
            Lang::Go,
            "{\n\t\tsend(x)\n\t\tclose(y)\n\t\tfoo()\n\t\tbar()\n\t}"
        ));
    }

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
