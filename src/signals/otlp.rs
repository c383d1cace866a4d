//! OTLP JSON trace exports, read as a stream into a [`Summary`].
//!
//! The OpenTelemetry Collector's file exporter writes one `ExportTraceServiceRequest` per
//! line (`{"resourceSpans": [{"resource": {...}, "scopeSpans": [{"scope": {...}, "spans":
//! [...]}]}]}`); a pretty-printed single document (opentelemetry-proto's examples) is read
//! the same way, and a gzip file is inflated on the fly. Each span is visited as it is parsed
//! and folded into the aggregates: nothing holds the export, a batch, or a span's attributes
//! beyond the few this module reads, so memory stays flat whatever the export's size.
//!
//! The OTLP JSON mapping is protobuf's: 64-bit integers are strings (`"startTimeUnixNano":
//! "1544712660000000000"`, `"intValue": "42"`), enums are numbers (`"kind": 2`, `"code": 2`)
//! or, from some writers, their names (`"SPAN_KIND_SERVER"`, `"STATUS_CODE_ERROR"`); both
//! are read. Anything that is not such an export fails with the file, line and column.

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::summary::{Key, Service, Stats, Summary};

/// The longest attribute value kept as a key (file paths, function names, routes); longer
/// values are cut at a character boundary.
const MAX_KEY: usize = 512;

/// Distinct locations a summary may hold: a code attribute that carries per-request values
/// (a URL in `code.function`, a raw path as `http.route`) would otherwise grow it without
/// bound. Past it, summarizing fails and says why.
pub const MAX_LOCATIONS: usize = 200_000;

/// Reads one export file (plain or gzip) into a summary.
pub fn read_file(path: &Path) -> Result<Summary> {
    let name = path.display().to_string();
    let f = std::fs::File::open(path).with_context(|| format!("cannot read {name}"))?;
    let mut r = BufReader::with_capacity(1 << 16, f);
    let gz = r
        .fill_buf()
        .with_context(|| format!("cannot read {name}"))?
        .starts_with(&[0x1f, 0x8b]);
    let mut s = if gz {
        read(
            BufReader::with_capacity(1 << 16, flate2::bufread::MultiGzDecoder::new(r)),
            &name,
        )?
    } else {
        read(r, &name)?
    };
    s.sources = vec![super::summary::SourceFile {
        path: name,
        spans: s.spans,
    }];
    Ok(s)
}

/// Counts the lines of what passes through, so an error names its line in the file.
struct Lines<R> {
    inner: R,
    newlines: u64,
}

impl<R: BufRead> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.newlines += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        Ok(n)
    }
}

/// Reads every top-level JSON document of a stream (one per line, or one for the file).
pub fn read<R: BufRead>(r: R, name: &str) -> Result<Summary> {
    let mut lines = Lines {
        inner: r,
        newlines: 0,
    };
    let mut agg = Summary::default();
    let mut documents = 0u64;
    loop {
        // Skip whitespace between documents ourselves, to see the end of the stream.
        let at_end = loop {
            let buf = match lines.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(e)
                        .with_context(|| format!("{name}:{}: cannot read", lines.newlines + 1))
                }
            };
            if buf.is_empty() {
                break true;
            }
            let ws = buf
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                .count();
            lines.newlines += memchr::memchr_iter(b'\n', &buf[..ws]).count() as u64;
            let all = ws == buf.len();
            lines.inner.consume(ws);
            if !all {
                break false;
            }
        };
        if at_end {
            break;
        }
        let start_line = lines.newlines + 1;
        let mut de = serde_json::Deserializer::from_reader(&mut lines);
        let result = Request { agg: &mut agg }.deserialize(&mut de);
        if let Err(e) = result {
            let line = start_line + e.line().saturating_sub(1) as u64;
            if e.is_io() {
                bail!("{name}:{line}: cannot read: {e}");
            }
            bail!(
                "{name}:{line}:{}: not an OTLP JSON trace export ({}): write it with the OpenTelemetry Collector's file exporter (one ExportTraceServiceRequest per line), or pass a summary from `gate signals summarize`",
                e.column(),
                strip_position(&e.to_string())
            );
        }
        documents += 1;
        if agg.locations() > MAX_LOCATIONS {
            bail!(
                "{name}:{}: more than {MAX_LOCATIONS} distinct code locations and routes: the export's code.* or http.route attributes carry per-request values (raw URLs?); fix the instrumentation or filter the export before summarizing",
                lines.newlines + 1
            );
        }
    }
    if documents == 0 {
        bail!("{name}: empty: no OTLP JSON trace export in it");
    }
    Ok(agg)
}

/// serde_json's message without its own ` at line L column C` (ours counts from the file).
fn strip_position(msg: &str) -> &str {
    match msg.rfind(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    }
}

/// `ExportTraceServiceRequest`.
struct Request<'a> {
    agg: &'a mut Summary,
}

impl<'de> DeserializeSeed<'de> for Request<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Request<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object with resourceSpans")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = false;
        while let Some(k) = map.next_key::<String>()? {
            // `batches`: the same list in Grafana Tempo's trace download.
            if k == "resourceSpans" || k == "resource_spans" || k == "batches" {
                seen = true;
                map.next_value_seed(List(ResourceList(&mut *self.agg)))?;
            } else if k == "resourceMetrics" || k == "resourceLogs" {
                return Err(de::Error::custom(format!(
                    "{k}: a metrics or logs export, not traces"
                )));
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if !seen {
            return Err(de::Error::custom("no resourceSpans"));
        }
        Ok(())
    }
}

/// A JSON array whose elements are each visited by [`Element::next`] (`null` reads as empty).
struct List<T>(T);

trait Element<'de> {
    /// Visits the next element; `false` at the end of the array.
    fn next<A: SeqAccess<'de>>(&mut self, seq: &mut A) -> Result<bool, A::Error>;
}

impl<'de, T: Element<'de>> DeserializeSeed<'de> for List<T> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Element<'de>> Visitor<'de> for List<T> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        while self.0.next(&mut seq)? {}
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

struct ResourceList<'a>(&'a mut Summary);

impl<'de> Element<'de> for ResourceList<'_> {
    fn next<A: SeqAccess<'de>>(&mut self, seq: &mut A) -> Result<bool, A::Error> {
        Ok(seq
            .next_element_seed(ResourceSpans { agg: &mut *self.0 })?
            .is_some())
    }
}

struct ScopeList<'s, 'a, 'b>(&'s mut Sink<'a, 'b>);

impl<'de> Element<'de> for ScopeList<'_, '_, '_> {
    fn next<A: SeqAccess<'de>>(&mut self, seq: &mut A) -> Result<bool, A::Error> {
        Ok(seq
            .next_element_seed(ScopeSpans { sink: &mut *self.0 })?
            .is_some())
    }
}

struct SpanList<'s, 'a, 'b>(&'s mut Sink<'a, 'b>);

impl<'de> Element<'de> for SpanList<'_, '_, '_> {
    fn next<A: SeqAccess<'de>>(&mut self, seq: &mut A) -> Result<bool, A::Error> {
        Ok(seq
            .next_element_seed(SpanSeed { sink: &mut *self.0 })?
            .is_some())
    }
}

/// What one span contributes, before its service is known (a resource written after its
/// scopeSpans).
struct SpanRecord {
    key: Option<Key>,
    /// An entry span's route, kept beside its code location: server spans' `code.*`
    /// attributes often name the instrumentation middleware, not the handler.
    route: Option<Key>,
    line: u32,
    start: u64,
    end: u64,
    error: bool,
    entry: bool,
    root: bool,
}

/// `ResourceSpans`: the resource's `service.name`, then its spans. Spans seen before the
/// resource (an unusual key order) wait in compact records.
struct ResourceSpans<'a> {
    agg: &'a mut Summary,
}

impl<'de> DeserializeSeed<'de> for ResourceSpans<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ResourceSpans<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a ResourceSpans object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut service: Option<String> = None;
        let mut pending: Vec<SpanRecord> = Vec::new();
        while let Some(k) = map.next_key::<String>()? {
            match k.as_str() {
                "resource" => {
                    let r: Resource = map.next_value()?;
                    service = Some(r.service_name());
                }
                "scopeSpans" | "scope_spans" | "instrumentationLibrarySpans" => {
                    let mut sink = Sink {
                        agg: &mut *self.agg,
                        service: service.as_deref(),
                        pending: &mut pending,
                    };
                    map.next_value_seed(List(ScopeList(&mut sink)))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let service = service.unwrap_or_else(|| UNKNOWN_SERVICE.to_string());
        let mut sink = Sink {
            agg: &mut *self.agg,
            service: Some(&service),
            pending: &mut Vec::new(),
        };
        for r in pending {
            sink.add(r);
        }
        Ok(())
    }
}

/// The SDKs' name for a resource without `service.name`.
pub const UNKNOWN_SERVICE: &str = "unknown_service";

/// Where spans go: into the service's aggregates, or pending until the service is known.
struct Sink<'a, 'b> {
    agg: &'a mut Summary,
    service: Option<&'b str>,
    pending: &'b mut Vec<SpanRecord>,
}

impl Sink<'_, '_> {
    fn add(&mut self, r: SpanRecord) {
        let Some(name) = self.service else {
            self.pending.push(r);
            return;
        };
        let a = &mut *self.agg;
        if a.spans == 0 {
            a.window_start = r.start;
            a.window_end = r.end;
        } else {
            a.window_start = a.window_start.min(r.start);
            a.window_end = a.window_end.max(r.end);
        }
        a.spans += 1;
        let svc: &mut Service = match a.services.get_mut(name) {
            Some(s) => s,
            None => a.services.entry(name.to_string()).or_default(),
        };
        svc.spans += 1;
        svc.entries += u64::from(r.entry);
        svc.roots += u64::from(r.root);
        svc.errors += u64::from(r.error);
        for (key, line) in [(r.key, r.line), (r.route, 0)] {
            let Some(key) = key else { continue };
            let st: &mut Stats = svc.locations.entry(key).or_default();
            st.spans += 1;
            st.errors += u64::from(r.error);
            st.entries += u64::from(r.entry);
            if line != 0 && (st.line == 0 || line < st.line) {
                st.line = line;
            }
            st.histogram.add(r.end.saturating_sub(r.start));
        }
    }
}

struct ScopeSpans<'a, 'b, 'c> {
    sink: &'c mut Sink<'a, 'b>,
}

impl<'de> DeserializeSeed<'de> for ScopeSpans<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ScopeSpans<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a ScopeSpans object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(k) = map.next_key::<String>()? {
            if k == "spans" {
                map.next_value_seed(List(SpanList(&mut *self.sink)))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct SpanSeed<'a, 'b, 'c> {
    sink: &'c mut Sink<'a, 'b>,
}

impl<'de> DeserializeSeed<'de> for SpanSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let s = Span::deserialize(d)?;
        let start = s
            .start
            .ok_or_else(|| de::Error::missing_field("startTimeUnixNano"))?;
        let end = s
            .end
            .ok_or_else(|| de::Error::missing_field("endTimeUnixNano"))?;
        let a = s.attributes;
        let server = s.kind == 2;
        let entry = server || s.kind == 5;
        let status_5xx = server && a.http_status.is_some_and(|c| (500..600).contains(&c));
        let error = s.status.is_some_and(|st| st.code == 2) || status_5xx;
        let route = if entry {
            a.route().map(|route| Key {
                route,
                ..Key::default()
            })
        } else {
            None
        };
        // `code.function.name` is qualified already; the older `code.function` is qualified by
        // `code.namespace` when there is one.
        let function = if !a.namespace.is_empty()
            && !a.function.is_empty()
            && !a.function.starts_with(&a.namespace)
        {
            cut(&format!("{}.{}", a.namespace, a.function))
        } else {
            a.function
        };
        let key = (!a.file.is_empty() || !function.is_empty()).then(|| Key {
            file: a.file,
            function,
            route: String::new(),
        });
        self.sink.add(SpanRecord {
            key,
            route,
            line: a.line,
            start,
            end,
            error,
            entry,
            root: s.parent.is_empty(),
        });
        Ok(())
    }
}

#[derive(Deserialize)]
struct Resource {
    #[serde(default)]
    attributes: Attributes,
}

impl Resource {
    fn service_name(&self) -> String {
        if self.attributes.service.is_empty() {
            UNKNOWN_SERVICE.to_string()
        } else {
            self.attributes.service.clone()
        }
    }
}

#[derive(Deserialize)]
struct Span {
    #[serde(default, rename = "parentSpanId", alias = "parent_span_id")]
    parent: String,
    #[serde(default, deserialize_with = "enum_number")]
    kind: u64,
    #[serde(
        default,
        rename = "startTimeUnixNano",
        alias = "start_time_unix_nano",
        deserialize_with = "some_u64"
    )]
    start: Option<u64>,
    #[serde(
        default,
        rename = "endTimeUnixNano",
        alias = "end_time_unix_nano",
        deserialize_with = "some_u64"
    )]
    end: Option<u64>,
    #[serde(default)]
    attributes: Attributes,
    #[serde(default)]
    status: Option<Status>,
}

#[derive(Deserialize, Clone, Copy)]
struct Status {
    #[serde(default, deserialize_with = "enum_number")]
    code: u64,
}

/// The attributes gate reads (the others are skipped without being kept).
#[derive(Default)]
struct Attributes {
    service: String,
    file: String,
    function: String,
    /// `code.namespace` (older conventions: the class or module of `code.function`).
    namespace: String,
    line: u32,
    http_route: String,
    http_method: String,
    rpc_service: String,
    rpc_method: String,
    http_status: Option<u64>,
}

impl Attributes {
    /// `GET /users/{id}`, `/users/{id}`, or `CheckoutService/PlaceOrder`.
    fn route(&self) -> Option<String> {
        if !self.http_route.is_empty() {
            return Some(if self.http_method.is_empty() {
                self.http_route.clone()
            } else {
                format!(
                    "{} {}",
                    self.http_method.to_ascii_uppercase(),
                    self.http_route
                )
            });
        }
        if !self.rpc_method.is_empty() {
            let svc = self.rpc_service.rsplit('.').next().unwrap_or("");
            return Some(if svc.is_empty() {
                self.rpc_method.clone()
            } else {
                format!("{svc}/{}", self.rpc_method)
            });
        }
        None
    }
}

/// Which field of [`Attributes`] a key fills; the newer semantic conventions win over the
/// older names when a span carries both.
#[derive(Clone, Copy, PartialEq)]
enum Slot {
    Service,
    File { new: bool },
    Function { new: bool },
    Namespace,
    Line { new: bool },
    Route,
    Method { new: bool },
    RpcService,
    RpcMethod,
    Status { new: bool },
}

fn slot(key: &str) -> Option<Slot> {
    Some(match key {
        "service.name" => Slot::Service,
        "code.file.path" => Slot::File { new: true },
        "code.filepath" => Slot::File { new: false },
        "code.function.name" => Slot::Function { new: true },
        "code.function" => Slot::Function { new: false },
        "code.namespace" => Slot::Namespace,
        "code.line.number" => Slot::Line { new: true },
        "code.lineno" => Slot::Line { new: false },
        "http.route" => Slot::Route,
        "http.request.method" => Slot::Method { new: true },
        "http.method" => Slot::Method { new: false },
        "rpc.service" => Slot::RpcService,
        "rpc.method" => Slot::RpcMethod,
        "http.response.status_code" => Slot::Status { new: true },
        "http.status_code" => Slot::Status { new: false },
        _ => return None,
    })
}

impl Attributes {
    fn set(&mut self, slot: Slot, v: Value, seen_new: &mut [bool; 4]) {
        let text = |v: &Value| -> String { cut(&v.text()) };
        // Index of the newer/older pair a slot belongs to.
        let pair = |i: usize, new: bool, seen_new: &mut [bool; 4]| -> bool {
            if new {
                seen_new[i] = true;
                true
            } else {
                !seen_new[i]
            }
        };
        match slot {
            Slot::Service => self.service = text(&v),
            Slot::File { new } => {
                if pair(0, new, seen_new) {
                    self.file = text(&v);
                }
            }
            Slot::Function { new } => {
                if pair(1, new, seen_new) {
                    self.function = text(&v);
                }
            }
            Slot::Namespace => self.namespace = text(&v),
            Slot::Line { new } => {
                if pair(2, new, seen_new) {
                    self.line = v.int().and_then(|n| u32::try_from(n).ok()).unwrap_or(0);
                }
            }
            Slot::Route => self.http_route = text(&v),
            Slot::Method { new } => {
                if pair(3, new, seen_new) {
                    self.http_method = text(&v);
                }
            }
            Slot::RpcService => self.rpc_service = text(&v),
            Slot::RpcMethod => self.rpc_method = text(&v),
            Slot::Status { new } => {
                // Either name: the status is the same number.
                let _ = new;
                if let Some(n) = v.int().and_then(|n| u64::try_from(n).ok()) {
                    self.http_status = Some(n);
                }
            }
        }
    }
}

/// A value cut to [`MAX_KEY`] bytes at a character boundary.
fn cut(s: &str) -> String {
    if s.len() <= MAX_KEY {
        return s.to_string();
    }
    let mut i = MAX_KEY;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    s[..i].to_string()
}

impl<'de> Deserialize<'de> for Attributes {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Attributes;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of {key, value} attributes")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Attributes, A::Error> {
                let mut out = Attributes::default();
                let mut seen_new = [false; 4];
                while let Some(kv) = seq.next_element::<KeyValue>()? {
                    if let (Some(slot), Some(v)) = (kv.slot, kv.value) {
                        out.set(slot, v, &mut seen_new);
                    }
                }
                Ok(out)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Attributes, E> {
                Ok(Attributes::default())
            }
        }
        d.deserialize_seq(V)
    }
}

/// One attribute: its slot (when gate reads that key) and, then only, its value.
struct KeyValue {
    slot: Option<Slot>,
    value: Option<Value>,
}

impl<'de> Deserialize<'de> for KeyValue {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an attribute {key, value}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyValue, A::Error> {
                let mut key: Option<String> = None;
                let mut value: Option<Value> = None;
                while let Some(k) = map.next_key::<String>()? {
                    match k.as_str() {
                        "key" => key = Some(map.next_value()?),
                        // The value of a key gate does not read is skipped unparsed; a value
                        // written before its key is parsed (it may be wanted).
                        "value" => match &key {
                            Some(k) if slot(k).is_none() => {
                                map.next_value::<IgnoredAny>()?;
                            }
                            _ => value = Some(map.next_value()?),
                        },
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let key = key.ok_or_else(|| de::Error::missing_field("key"))?;
                let slot = slot(&key);
                Ok(KeyValue {
                    slot,
                    value: if slot.is_some() { value } else { None },
                })
            }
        }
        d.deserialize_map(V)
    }
}

/// `AnyValue`, as far as gate reads it: strings and integers (an int64 is a JSON string).
#[derive(Deserialize, Default)]
struct Value {
    #[serde(default, rename = "stringValue", alias = "string_value")]
    string: Option<String>,
    #[serde(
        default,
        rename = "intValue",
        alias = "int_value",
        deserialize_with = "some_i64"
    )]
    int: Option<i64>,
}

impl Value {
    fn text(&self) -> String {
        match (&self.string, self.int) {
            (Some(s), _) => s.clone(),
            (None, Some(n)) => n.to_string(),
            _ => String::new(),
        }
    }
    fn int(&self) -> Option<i64> {
        self.int
            .or_else(|| self.string.as_deref().and_then(|s| s.trim().parse().ok()))
    }
}

/// A number written as a JSON number or a decimal string.
#[derive(Deserialize)]
#[serde(untagged)]
enum NumOrText {
    U(u64),
    I(i64),
    F(f64),
    S(String),
}

fn some_u64<'de, D: de::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match NumOrText::deserialize(d)? {
        NumOrText::U(n) => Ok(Some(n)),
        NumOrText::I(n) => u64::try_from(n)
            .map(Some)
            .map_err(|_| de::Error::custom(format!("negative time {n}"))),
        NumOrText::F(f) if f >= 0.0 && f.fract() == 0.0 && f < 1.9e19 => Ok(Some(f as u64)),
        NumOrText::F(f) => Err(de::Error::custom(format!("not a time in nanoseconds: {f}"))),
        NumOrText::S(s) => s
            .trim()
            .parse::<u64>()
            .map(Some)
            .map_err(|_| de::Error::custom(format!("not a time in nanoseconds: {s:?}"))),
    }
}

fn some_i64<'de, D: de::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match NumOrText::deserialize(d)? {
        NumOrText::U(n) => i64::try_from(n)
            .map(Some)
            .map_err(|_| de::Error::custom(format!("integer out of range: {n}"))),
        NumOrText::I(n) => Ok(Some(n)),
        NumOrText::F(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Ok(Some(f as i64)),
        NumOrText::F(f) => Err(de::Error::custom(format!("not an integer: {f}"))),
        NumOrText::S(s) => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| de::Error::custom(format!("not an integer: {s:?}"))),
    }
}

/// A protobuf enum: its number, or its name (`SPAN_KIND_SERVER`, `STATUS_CODE_ERROR`).
fn enum_number<'de, D: de::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    match NumOrText::deserialize(d)? {
        NumOrText::U(n) => Ok(n),
        NumOrText::I(_) | NumOrText::F(_) => Err(de::Error::custom("not an enum value")),
        NumOrText::S(s) => Ok(match s.as_str() {
            "SPAN_KIND_UNSPECIFIED" | "STATUS_CODE_UNSET" => 0,
            "SPAN_KIND_INTERNAL" | "STATUS_CODE_OK" => 1,
            "SPAN_KIND_SERVER" | "STATUS_CODE_ERROR" => 2,
            "SPAN_KIND_CLIENT" => 3,
            "SPAN_KIND_PRODUCER" => 4,
            "SPAN_KIND_CONSUMER" => 5,
            other => return Err(de::Error::custom(format!("unknown enum value {other:?}"))),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(kind: u32, attrs: &str, status: u32, start: u64, dur: u64) -> String {
        format!(
            r#"{{"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","name":"x","kind":{kind},"startTimeUnixNano":"{start}","endTimeUnixNano":"{}","attributes":[{attrs}],"status":{{"code":{status}}}}}"#,
            start + dur
        )
    }

    fn attr(k: &str, v: &str) -> String {
        format!(r#"{{"key":"{k}","value":{{"stringValue":"{v}"}}}}"#)
    }

    fn request(service: &str, spans: &[String]) -> String {
        format!(
            r#"{{"resourceSpans":[{{"resource":{{"attributes":[{}]}},"scopeSpans":[{{"scope":{{"name":"s"}},"spans":[{}]}}]}}]}}"#,
            attr("service.name", service),
            spans.join(",")
        )
    }

    #[test]
    fn reads_lines_and_attributes_both_conventions() {
        let t0 = 1_700_000_000_000_000_000u64;
        let old = format!(
            "{},{},{{\"key\":\"code.lineno\",\"value\":{{\"intValue\":\"12\"}}}}",
            attr("code.filepath", "/srv/app/billing.py"),
            attr("code.function", "charge")
        );
        let new = format!(
            "{},{},{{\"key\":\"code.line.number\",\"value\":{{\"intValue\":12}}}}",
            attr("code.file.path", "/srv/app/billing.py"),
            attr("code.function.name", "charge")
        );
        let text = format!(
            "{}\n\n{}\n",
            request(
                "billing",
                &[
                    span(2, &attr("http.route", "/charge"), 0, t0, 5_000_000),
                    span(1, &old, 2, t0, 2_000_000)
                ]
            ),
            request("billing", &[span(1, &new, 0, t0 + 10, 4_000_000)])
        );
        let s = read(text.as_bytes(), "t.jsonl").expect("reads");
        let b = &s.services["billing"];
        assert_eq!((b.spans, b.entries, b.errors, b.requests()), (3, 1, 1, 1));
        let k = Key {
            file: "/srv/app/billing.py".into(),
            function: "charge".into(),
            route: String::new(),
        };
        let st = &b.locations[&k];
        assert_eq!((st.spans, st.errors, st.line), (2, 1, 12));
        let route = Key {
            route: "/charge".into(),
            ..Key::default()
        };
        assert_eq!(b.locations[&route].spans, 1);
        // A server span naming its middleware keeps its route too; a namespace qualifies.
        let mw = format!(
            "{},{},{},{}",
            attr("code.filepath", "/registry/axum-otel/src/http_server.rs"),
            attr("code.namespace", "com.example.Billing"),
            attr("code.function", "serve"),
            attr("http.route", "/admin/info")
        );
        let text = format!(
            r#"{{"batches":[{{"resource":{{"attributes":[{}]}},"instrumentationLibrarySpans":[{{"spans":[{}]}}]}}]}}"#,
            attr("service.name", "crimson"),
            span(2, &mw, 2, t0, 1)
        );
        let tempo = read(text.as_bytes(), "tempo.json").expect("reads a Tempo download");
        let c = &tempo.services["crimson"];
        assert_eq!(c.locations.len(), 2, "{:?}", c.locations.keys());
        assert!(c.locations.keys().any(|k| k.route == "/admin/info"));
        assert!(c
            .locations
            .keys()
            .any(|k| k.function == "com.example.Billing.serve"));
        assert_eq!(s.window_start, t0);
        assert_eq!(s.window_end, t0 + 5_000_000);
    }

    #[test]
    fn reads_a_pretty_document_with_enum_names_and_late_resource() {
        let text = r#"{
  "resourceSpans": [
    {
      "scopeSpans": [
        {
          "spans": [
            {
              "parentSpanId": "",
              "kind": "SPAN_KIND_SERVER",
              "startTimeUnixNano": 1544712660000000000,
              "endTimeUnixNano": "1544712661000000000",
              "attributes": [
                {"value": {"stringValue": "GET"}, "key": "http.request.method"},
                {"key": "http.route", "value": {"stringValue": "/users/:id"}},
                {"key": "http.response.status_code", "value": {"intValue": "503"}},
                {"key": "db.statement", "value": {"stringValue": "select 1"}}
              ]
            }
          ]
        }
      ],
      "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "users"}}]}
    }
  ]
}
"#;
        let s = read(text.as_bytes(), "t.json").expect("reads");
        let u = &s.services["users"];
        assert_eq!((u.spans, u.entries, u.roots, u.errors), (1, 1, 1, 1));
        let k = Key {
            route: "GET /users/:id".into(),
            ..Key::default()
        };
        assert_eq!(u.locations[&k].spans, 1);
    }

    #[test]
    fn malformed_input_names_the_line() {
        let good = request("a", &[span(2, "", 0, 1, 1)]);
        let text = format!("{good}\n{good}\n{{\"resourceSpans\": [{{\"scopeSpans\": 3}}]}}\n");
        let e = read(text.as_bytes(), "x.jsonl").expect_err("malformed");
        let msg = format!("{e:#}");
        assert!(msg.starts_with("x.jsonl:3:"), "{msg}");
        let e =
            read(format!("{good}\n{}", &good[..40]).as_bytes(), "x.jsonl").expect_err("truncated");
        assert!(format!("{e:#}").starts_with("x.jsonl:2:"), "{e:#}");
        for bad in [
            "[]",
            "{}",
            "{\"resourceMetrics\": []}",
            "",
            "  \n",
            "{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [{\"kind\": 2}]}]}]}",
        ] {
            assert!(read(bad.as_bytes(), "x").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn gzip_is_read_as_a_stream() {
        use std::io::Write;
        let text = request("svc", &[span(2, &attr("http.route", "/a"), 0, 5, 7)]);
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("t.json.gz");
        let mut gz = flate2::write::GzEncoder::new(
            std::fs::File::create(&p).expect("create"),
            flate2::Compression::fast(),
        );
        gz.write_all(text.as_bytes()).expect("write");
        gz.finish().expect("finish");
        let s = read_file(&p).expect("reads");
        assert_eq!(s.spans, 1);
        assert_eq!(s.sources.len(), 1);
    }
}
