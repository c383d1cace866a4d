//! Terraform `terraform show -json PLAN`: `resource_changes` (actions, both replace orders,
//! `replace_paths`, `action_reason`, before/after/after_unknown, `*_sensitive`, `importing`,
//! `previous_address`), `resource_drift`, `errored`/`complete`, Terraform 1.14
//! `action_invocations`, and the dependency graph from `configuration` (references through
//! module calls, `depends_on`) and `prior_state` (`depends_on`, as Terraform records it).

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Result};
use serde_json::Value;

use super::graph::Edge;
use super::{changed_keys, count, ActionInvocation, Drift, Plan, ResourceChange};

/// `Some(description)` when the document is a Terraform state rather than a plan: the
/// `terraform show -json` of a state (`values`, no `resource_changes`/`planned_values`), or a
/// raw `terraform.tfstate` (`version`, `lineage`, `resources`).
pub fn state_kind(doc: &Value) -> Option<&'static str> {
    let has = |k: &str| doc.get(k).is_some();
    if has("values")
        && has("format_version")
        && !has("resource_changes")
        && !has("planned_values")
        && !has("configuration")
    {
        return Some("a Terraform state (`terraform show -json` of a state, not of a plan)");
    }
    if has("lineage") && has("serial") && doc.get("resources").is_some_and(Value::is_array) {
        return Some("a Terraform state file (terraform.tfstate)");
    }
    None
}

pub fn detect(doc: &Value) -> bool {
    doc.get("resource_changes").is_some()
        || (doc.get("format_version").is_some() && doc.get("terraform_version").is_some())
        || (doc.get("format_version").is_some() && doc.get("planned_values").is_some())
}

/// `registry.terraform.io/hashicorp/aws` -> `aws`.
pub fn provider_short(name: &str) -> String {
    name.rsplit('/').next().unwrap_or(name).to_string()
}

/// Replaces every value marked sensitive in `mask` (a mirror of `v` with `true` leaves) by
/// `"(sensitive)"`. `mask == true` masks the whole value.
pub fn redact_sensitive(v: &mut Value, mask: &Value) {
    match mask {
        Value::Bool(true) if !v.is_null() => *v = Value::String("(sensitive)".into()),
        Value::Object(m) => {
            if let Value::Object(o) = v {
                for (k, sub) in m {
                    if let Some(x) = o.get_mut(k) {
                        redact_sensitive(x, sub);
                    }
                }
            }
        }
        Value::Array(ms) => {
            if let Value::Array(a) = v {
                for (x, sub) in a.iter_mut().zip(ms) {
                    redact_sensitive(x, sub);
                }
            }
        }
        _ => {}
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// `[["list", 1, "id"]]` -> `["list[1].id"]`.
fn paths(v: Option<&Value>) -> Vec<String> {
    let Some(arr) = v.and_then(Value::as_array) else {
        return Vec::new();
    };
    arr.iter()
        .filter_map(Value::as_array)
        .map(|steps| {
            let mut s = String::new();
            for step in steps {
                match step {
                    Value::Number(n) => s.push_str(&format!("[{n}]")),
                    Value::String(k) => {
                        if !s.is_empty() {
                            s.push('.');
                        }
                        s.push_str(k);
                    }
                    _ => {}
                }
            }
            s
        })
        .collect()
}

/// Keys of `after_unknown` that are (or contain) unknown values: they will change on apply.
fn unknown_keys(v: Option<&Value>) -> Vec<String> {
    fn any_true(v: &Value) -> bool {
        match v {
            Value::Bool(b) => *b,
            Value::Array(a) => a.iter().any(any_true),
            Value::Object(o) => o.values().any(any_true),
            _ => false,
        }
    }
    v.and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .filter(|(_, x)| any_true(x))
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default()
}

pub fn parse(doc: &Value, name: &str) -> Result<Plan> {
    let mut plan = Plan {
        path: name.to_string(),
        tool: "terraform".into(),
        complete: true,
        ..Plan::default()
    };
    plan.errored = doc.get("errored").and_then(Value::as_bool) == Some(true);
    plan.complete = doc.get("complete").and_then(Value::as_bool) != Some(false);
    let changes = match doc.get("resource_changes") {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(a)) => a.as_slice(),
        Some(_) => bail!("{name}: resource_changes is not a list"),
    };
    let mut data_docs: BTreeMap<String, Value> = BTreeMap::new();
    let mut unknown_attrs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (i, rc) in changes.iter().enumerate() {
        if let (Some(a), Some(t)) = (
            rc.get("address").and_then(Value::as_str),
            rc.get("type").and_then(Value::as_str),
        ) {
            plan.types.insert(a.to_string(), t.to_string());
        }
        if rc.get("mode").and_then(Value::as_str) == Some("data") {
            plan.summary.read += 1;
            if let Some(a) = rc.get("address").and_then(Value::as_str) {
                plan.read_nodes.insert(a.to_string());
                if rc.get("type").and_then(Value::as_str) == Some("aws_iam_policy_document") {
                    if let Some(after) = rc.pointer("/change/after") {
                        data_docs.insert(a.to_string(), after.clone());
                    }
                }
            }
            continue;
        }
        let Some(address) = rc.get("address").and_then(Value::as_str) else {
            bail!("{name}: resource_changes[{i}] has no address");
        };
        let change = rc.get("change").unwrap_or(&Value::Null);
        let mut actions = strings(change.get("actions"));
        if actions.is_empty() {
            bail!("{name}: resource_changes[{i}] ({address}) has no change.actions");
        }
        let importing = change.get("importing").is_some_and(|v| !v.is_null());
        let replace = actions.len() == 2
            && actions.contains(&"delete".to_string())
            && actions.contains(&"create".to_string());
        let mut before = change.get("before").cloned().unwrap_or(Value::Null);
        let mut after = change.get("after").cloned().unwrap_or(Value::Null);
        redact_sensitive(
            &mut before,
            change.get("before_sensitive").unwrap_or(&Value::Null),
        );
        redact_sensitive(
            &mut after,
            change.get("after_sensitive").unwrap_or(&Value::Null),
        );
        let mut changed = if actions.iter().any(|a| a == "update") || replace {
            changed_keys(&before, &after)
        } else {
            Vec::new()
        };
        for k in unknown_keys(change.get("after_unknown")) {
            if !changed.contains(&k)
                && (actions.iter().any(|a| a == "update") || replace)
                && k != "id"
            {
                changed.push(k);
            }
        }
        changed.sort();
        unknown_attrs.insert(
            address.to_string(),
            unknown_keys(change.get("after_unknown")),
        );
        let replace_reasons = paths(change.get("replace_paths"));
        if importing && actions.iter().all(|a| a == "no-op") {
            actions = vec!["import".into()];
        }
        count(&mut plan.summary, &actions, replace);
        let r = ResourceChange {
            address: address.to_string(),
            resource_type: rc
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            provider: provider_short(
                rc.get("provider_name")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
            ),
            actions,
            replace,
            changed_attributes: changed,
            replace_reasons,
            action_reason: rc
                .get("action_reason")
                .and_then(Value::as_str)
                .map(str::to_string),
            moved_from: rc
                .get("previous_address")
                .and_then(Value::as_str)
                .map(str::to_string),
            importing,
            module: rc
                .get("module_address")
                .and_then(Value::as_str)
                .map(str::to_string),
            before,
            after,
            ..ResourceChange::default()
        };
        let moved = r.moved_from.is_some();
        if r.is_noop() && !moved && !importing {
            continue;
        }
        plan.resources.push(r);
    }
    if let Some(Value::Array(drift)) = doc.get("resource_drift") {
        for d in drift {
            plan.drift.push(Drift {
                address: d
                    .get("address")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                resource_type: d
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                actions: strings(d.get("change").and_then(|c| c.get("actions"))),
            });
        }
    }
    if let Some(Value::Array(acts)) = doc.get("action_invocations") {
        for a in acts {
            plan.action_invocations.push(action_invocation(a));
        }
    }
    prior_state_docs(doc, &mut data_docs);
    plan.edges = edges(doc, &mut plan.types, &mut plan.module_sources);
    attach_policy_documents(&mut plan, &data_docs, &unknown_attrs);
    plan.raw = redacted_raw(doc);
    // A region attribute that changes moves the resource to another region.
    for r in &plan.resources {
        if r.changed_attributes
            .iter()
            .any(|a| a == "region" || a == "location")
        {
            plan.provider_changes
                .push(format!("{}: region/location changes", r.address));
        }
    }
    Ok(plan)
}

fn action_invocation(a: &Value) -> ActionInvocation {
    let s = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    let mut config = a.get("config_values").cloned().unwrap_or(Value::Null);
    redact_sensitive(
        &mut config,
        a.get("config_sensitive").unwrap_or(&Value::Null),
    );
    let lifecycle = a.get("lifecycle_action_trigger");
    let invoked =
        a.get("invoke_action_trigger").is_some() || a.get("invoke_cmd_action_trigger").is_some();
    ActionInvocation {
        address: s(a.get("address")).unwrap_or_default(),
        action_type: s(a.get("type")).unwrap_or_default(),
        provider: provider_short(
            a.get("provider_name")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        ),
        trigger: s(lifecycle.and_then(|l| l.get("triggering_resource_address")))
            .or_else(|| s(a.pointer("/invoke_action_trigger/calling_resource_address"))),
        event: s(lifecycle.and_then(|l| l.get("action_trigger_event")))
            .or_else(|| invoked.then(|| "invoke".to_string())),
        config,
    }
}

/// `module.app[0].aws_instance.web["a"]` -> `module.app.aws_instance.web`.
pub fn strip_keys(addr: &str) -> String {
    let mut out = String::with_capacity(addr.len());
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for c in addr.chars() {
        if depth > 0 {
            if quoted {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    quoted = false;
                }
            } else if c == '"' {
                quoted = true;
            } else if c == '[' {
                depth += 1;
            } else if c == ']' {
                depth -= 1;
            }
            continue;
        }
        if c == '[' {
            depth = 1;
        } else {
            out.push(c);
        }
    }
    out
}

/// One module of the configuration: its JSON, the call that instantiates it (in the parent)
/// and the parent's prefix.
struct Scope<'a> {
    module: &'a Value,
    call: Option<&'a Value>,
    parent: Option<String>,
}

fn scopes<'a>(
    module: &'a Value,
    prefix: String,
    call: Option<&'a Value>,
    parent: Option<String>,
    out: &mut BTreeMap<String, Scope<'a>>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    if let Some(calls) = module.get("module_calls").and_then(Value::as_object) {
        for (name, c) in calls {
            if let Some(m) = c.get("module") {
                scopes(
                    m,
                    format!("{prefix}module.{name}."),
                    Some(c),
                    Some(prefix.clone()),
                    out,
                    depth + 1,
                );
            }
        }
    }
    out.insert(
        prefix,
        Scope {
            module,
            call,
            parent,
        },
    );
}

/// Every `references` list inside an expression tree.
fn references(v: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 64 {
        return;
    }
    match v {
        Value::Object(o) => {
            if let Some(Value::Array(rs)) = o.get("references") {
                out.extend(rs.iter().filter_map(Value::as_str).map(str::to_string));
            }
            for (k, x) in o {
                if k != "references" && k != "constant_value" {
                    references(x, out, depth + 1);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| references(x, out, depth + 1)),
        _ => {}
    }
}

/// Terraform lists `aws_vpc.main.id` and `aws_vpc.main` (and `module.m.out` and `module.m`):
/// keep the most specific of each.
fn specific(refs: Vec<String>) -> Vec<String> {
    let set: BTreeSet<String> = refs.into_iter().collect();
    set.iter()
        .filter(|r| {
            let prefix = format!("{r}.");
            let bracket = format!("{r}[");
            !set.iter()
                .any(|o| o.starts_with(&prefix) || o.starts_with(&bracket))
        })
        .cloned()
        .collect()
}

/// Resolves a reference made in the module at `prefix` to the resources it reads, as
/// (absolute configuration address, attribute read). Variables follow the module call's
/// argument into the parent; module outputs follow the output's expression into the child.
fn resolve(
    scopes: &BTreeMap<String, Scope>,
    prefix: &str,
    reference: &str,
    depth: usize,
    out: &mut BTreeSet<(String, String)>,
) {
    if depth > 32 {
        return;
    }
    let stripped = strip_keys(reference);
    let parts: Vec<&str> = stripped.split('.').collect();
    match parts.as_slice() {
        ["var", name, ..] => {
            let Some(scope) = scopes.get(prefix) else {
                return;
            };
            let (Some(call), Some(parent)) = (scope.call, scope.parent.as_ref()) else {
                return;
            };
            let mut refs = Vec::new();
            if let Some(e) = call.get("expressions").and_then(|e| e.get(*name)) {
                references(e, &mut refs, 0);
            }
            for r in specific(refs) {
                resolve(scopes, parent, &r, depth + 1, out);
            }
        }
        ["module", name, rest @ ..] => {
            let child = format!("{prefix}module.{name}.");
            let Some(scope) = scopes.get(&child) else {
                return;
            };
            let Some(outputs) = scope.module.get("outputs").and_then(Value::as_object) else {
                return;
            };
            let wanted: Vec<&String> = match rest.first() {
                Some(o) => outputs.keys().filter(|k| k.as_str() == *o).collect(),
                None => outputs.keys().collect(),
            };
            for o in wanted {
                let mut refs = Vec::new();
                if let Some(e) = outputs[o].get("expression") {
                    references(e, &mut refs, 0);
                }
                for r in specific(refs) {
                    resolve(scopes, &child, &r, depth + 1, out);
                }
            }
        }
        ["data", ty, name, rest @ ..] => {
            out.insert((
                format!("{prefix}data.{ty}.{name}"),
                rest.first().map(|s| s.to_string()).unwrap_or_default(),
            ));
        }
        [first, ..]
            if matches!(
                *first,
                "local" | "count" | "each" | "path" | "terraform" | "self" | "ephemeral" | "action"
            ) => {}
        [ty, name, rest @ ..] => {
            out.insert((
                format!("{prefix}{ty}.{name}"),
                rest.first().map(|s| s.to_string()).unwrap_or_default(),
            ));
        }
        _ => {}
    }
}

/// Every resource (absolute configuration address) declared in the module at `prefix` and
/// its descendants: what `depends_on = [module.x]` waits for.
fn resources_under(scopes: &BTreeMap<String, Scope>, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (p, scope) in scopes.range(prefix.to_string()..) {
        if !p.starts_with(prefix) {
            break;
        }
        for r in scope
            .module
            .get("resources")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            if let Some(a) = r.get("address").and_then(Value::as_str) {
                out.push(format!("{p}{a}"));
            }
        }
    }
    out
}

/// `depends_on` entries (in the module at `prefix`) as configuration addresses.
fn depends_targets(
    scopes: &BTreeMap<String, Scope>,
    prefix: &str,
    deps: Option<&Value>,
) -> Vec<String> {
    let mut out = Vec::new();
    for d in deps
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        let Some(d) = d.as_str() else { continue };
        let d = strip_keys(d);
        let parts: Vec<&str> = d.split('.').collect();
        match parts.as_slice() {
            ["module", name] => {
                out.extend(resources_under(scopes, &format!("{prefix}module.{name}.")))
            }
            ["data", ty, name, ..] => out.push(format!("{prefix}data.{ty}.{name}")),
            [ty, name, ..] => out.push(format!("{prefix}{ty}.{name}")),
            _ => {}
        }
    }
    out
}

fn walk_state_modules<'a>(m: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
    if depth > 32 {
        return;
    }
    out.extend(
        m.get("resources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten(),
    );
    for c in m
        .get("child_modules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        walk_state_modules(c, out, depth + 1);
    }
}

fn prior_state_resources(doc: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    if let Some(root) = doc.pointer("/prior_state/values/root_module") {
        walk_state_modules(root, &mut out, 0);
    }
    out
}

/// Past this many instance pairs, an indexed reference between counted resources pairs
/// instances by index (see [`pair_instances`]).
const MAX_PRODUCT: usize = 4096;

/// The instance key of an address: `[3]` -> 3, `["a"]` -> "a".
fn instance_key(addr: &str) -> Option<&str> {
    let i = addr.rfind('[')?;
    addr.ends_with(']').then(|| &addr[i + 1..addr.len() - 1])
}

/// Pairs counted instances by index (`i` with `i % n`) or for_each instances by key; None when
/// the keys do not allow it.
fn pair_instances(froms: &[String], tos: &[String]) -> Option<Vec<(String, String)>> {
    let mut by_num: BTreeMap<usize, &String> = BTreeMap::new();
    let mut by_key: BTreeMap<&str, &String> = BTreeMap::new();
    for t in tos {
        let k = instance_key(t)?;
        match k.parse::<usize>() {
            Ok(n) => {
                by_num.insert(n, t);
            }
            Err(_) => {
                by_key.insert(k, t);
            }
        }
    }
    let n = by_num.len();
    let mut out = Vec::new();
    for f in froms {
        let k = instance_key(f)?;
        let t = match k.parse::<usize>() {
            Ok(i) if n > 0 => by_num.get(&(i % n)).copied(),
            _ => by_key.get(k).copied(),
        }?;
        out.push((f.clone(), t.clone()));
    }
    Some(out)
}

/// The dependency graph of a plan, between resource instances. `types` gains the types of
/// every node seen.
pub fn edges(
    doc: &Value,
    types: &mut BTreeMap<String, String>,
    module_sources: &mut BTreeMap<String, String>,
) -> Vec<Edge> {
    // Instances of each configuration address.
    let mut instances: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut add_instance = |addr: &str, ty: Option<&str>, types: &mut BTreeMap<String, String>| {
        instances
            .entry(strip_keys(addr))
            .or_default()
            .insert(addr.to_string());
        if let Some(t) = ty {
            types
                .entry(addr.to_string())
                .or_insert_with(|| t.to_string());
        }
    };
    for rc in doc
        .get("resource_changes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(a) = rc.get("address").and_then(Value::as_str) {
            add_instance(a, rc.get("type").and_then(Value::as_str), types);
        }
    }
    let state = prior_state_resources(doc);
    for r in &state {
        if let Some(a) = r.get("address").and_then(Value::as_str) {
            add_instance(a, r.get("type").and_then(Value::as_str), types);
        }
    }
    let expand = |cfg: &str| -> Vec<String> {
        match instances.get(cfg) {
            Some(s) => s.iter().cloned().collect(),
            None => vec![cfg.to_string()],
        }
    };
    // Configuration edges, each with whether its expression indexes by count.index/each.
    let mut config_edges: Vec<(Edge, bool)> = Vec::new();
    if let Some(root) = doc.pointer("/configuration/root_module") {
        let mut sc = BTreeMap::new();
        scopes(root, String::new(), None, None, &mut sc, 0);
        for (prefix, scope) in &sc {
            if let Some(src) = scope
                .call
                .and_then(|c| c.get("source"))
                .and_then(Value::as_str)
            {
                module_sources.insert(prefix.clone(), src.to_string());
            }
        }
        for (prefix, scope) in &sc {
            // A module call's depends_on holds back everything inside the module.
            let mut inherited: Vec<String> = Vec::new();
            let mut p = prefix.clone();
            let mut hops = 0;
            while let Some(s) = sc.get(&p) {
                if let (Some(call), Some(parent)) = (s.call, s.parent.as_ref()) {
                    inherited.extend(depends_targets(&sc, parent, call.get("depends_on")));
                    p = parent.clone();
                } else {
                    break;
                }
                hops += 1;
                if hops > 32 {
                    break;
                }
            }
            for r in scope
                .module
                .get("resources")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let Some(a) = r.get("address").and_then(Value::as_str) else {
                    continue;
                };
                let from = format!("{prefix}{a}");
                if let Some(t) = r.get("type").and_then(Value::as_str) {
                    types.entry(from.clone()).or_insert_with(|| t.to_string());
                }
                let mut by_attr: Vec<(String, Value)> = r
                    .get("expressions")
                    .and_then(Value::as_object)
                    .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    .unwrap_or_default();
                for k in ["count_expression", "for_each_expression"] {
                    if let Some(e) = r.get(k) {
                        by_attr.push((k.trim_end_matches("_expression").to_string(), e.clone()));
                    }
                }
                for (attr, e) in by_attr {
                    let mut refs = Vec::new();
                    references(&e, &mut refs, 0);
                    let indexed = refs
                        .iter()
                        .any(|x| x == "count.index" || x.starts_with("each."));
                    let mut targets = BTreeSet::new();
                    for x in specific(refs) {
                        resolve(&sc, prefix, &x, 0, &mut targets);
                    }
                    for (to, ta) in targets {
                        config_edges.push((
                            Edge {
                                from: from.clone(),
                                to,
                                kind: "reference".into(),
                                attributes: vec![attr.clone()],
                                target_attributes: if ta.is_empty() { vec![] } else { vec![ta] },
                            },
                            indexed,
                        ));
                    }
                }
                let mut deps = depends_targets(&sc, prefix, r.get("depends_on"));
                deps.extend(inherited.iter().cloned());
                for to in deps {
                    config_edges.push((
                        Edge {
                            from: from.clone(),
                            to,
                            kind: "depends_on".into(),
                            attributes: vec![],
                            target_attributes: vec![],
                        },
                        false,
                    ));
                }
            }
        }
    }
    let mut out: Vec<Edge> = Vec::new();
    for (e, indexed) in config_edges {
        let (froms, tos) = (expand(&e.from), expand(&e.to));
        // `aws_instance.web[count.index]` reading `aws_subnet.s[count.index]` (or
        // `element(aws_subnet.s[*].id, count.index)`): when both sides are counted and the
        // expression indexes, instance i reads instance i (modulo the target's count), not
        // every one; by key for for_each. Past MAX_PRODUCT pairs only: small plans keep every
        // pair (an over-approximation, never a missed dependent).
        if indexed && froms.len() * tos.len() > MAX_PRODUCT {
            if let Some(pairs) = pair_instances(&froms, &tos) {
                for (f, t) in pairs {
                    out.push(Edge {
                        from: f,
                        to: t,
                        ..e.clone()
                    });
                }
                continue;
            }
        }
        for f in &froms {
            for t in &tos {
                out.push(Edge {
                    from: f.clone(),
                    to: t.clone(),
                    ..e.clone()
                });
            }
        }
    }
    for r in &state {
        let Some(a) = r.get("address").and_then(Value::as_str) else {
            continue;
        };
        for d in r
            .get("depends_on")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(d) = d.as_str() {
                for t in expand(&strip_keys(d)) {
                    out.push(Edge {
                        from: a.to_string(),
                        to: t,
                        kind: "state".into(),
                        attributes: vec![],
                        target_attributes: vec![],
                    });
                }
            }
        }
    }
    // One edge per (from, to, kind), attributes merged.
    type Attrs = (BTreeSet<String>, BTreeSet<String>);
    let mut merged: BTreeMap<(String, String, String), Attrs> = BTreeMap::new();
    for e in out {
        let m = merged.entry((e.from, e.to, e.kind)).or_default();
        m.0.extend(e.attributes);
        m.1.extend(e.target_attributes);
    }
    merged
        .into_iter()
        .filter(|((f, t, _), _)| f != t)
        .map(|((from, to, kind), (a, t))| Edge {
            from,
            to,
            kind,
            attributes: a.into_iter().collect(),
            target_attributes: t.into_iter().collect(),
        })
        .collect()
}

/// `aws_iam_policy_document` data sources read at plan time are in the prior state.
fn prior_state_docs(doc: &Value, out: &mut BTreeMap<String, Value>) {
    for r in prior_state_resources(doc) {
        if r.get("mode").and_then(Value::as_str) == Some("data")
            && r.get("type").and_then(Value::as_str) == Some("aws_iam_policy_document")
        {
            if let (Some(a), Some(v)) = (r.get("address").and_then(Value::as_str), r.get("values"))
            {
                out.entry(a.to_string()).or_insert_with(|| v.clone());
            }
        }
    }
}

/// An `aws_iam_policy_document` data source's attributes as a JSON policy document: its
/// rendered `json` when known, else its `statement` blocks (what is known of them).
pub fn policy_document(v: &Value) -> Option<Value> {
    if let Some(j) = v.get("json").and_then(Value::as_str) {
        if let Ok(doc) = serde_json::from_str::<Value>(j) {
            return Some(doc);
        }
    }
    let stmts = v.get("statement")?.as_array()?;
    let list = |s: &Value, k: &str| -> Option<Value> {
        let a: Vec<Value> = s.get(k)?.as_array()?.clone();
        (!a.is_empty()).then_some(Value::Array(a))
    };
    let principals = |s: &Value, k: &str| -> Option<Value> {
        let mut m = serde_json::Map::new();
        for p in s.get(k)?.as_array()? {
            let ty = p.get("type").and_then(Value::as_str).unwrap_or("AWS");
            let ids = p.get("identifiers").cloned().unwrap_or(Value::Null);
            if ty == "*" {
                return Some(Value::String("*".into()));
            }
            m.insert(ty.to_string(), ids);
        }
        (!m.is_empty()).then_some(Value::Object(m))
    };
    let mut out = Vec::new();
    for s in stmts {
        let mut o = serde_json::Map::new();
        o.insert(
            "Effect".into(),
            Value::String(
                s.get("effect")
                    .and_then(Value::as_str)
                    .filter(|e| !e.is_empty())
                    .unwrap_or("Allow")
                    .to_string(),
            ),
        );
        for (k, key) in [
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ] {
            if let Some(v) = list(s, k) {
                o.insert(key.into(), v);
            }
        }
        for (k, key) in [
            ("principals", "Principal"),
            ("not_principals", "NotPrincipal"),
        ] {
            if let Some(v) = principals(s, k) {
                o.insert(key.into(), v);
            }
        }
        if s.get("condition")
            .and_then(Value::as_array)
            .is_some_and(|c| !c.is_empty())
        {
            o.insert("Condition".into(), Value::Bool(true));
        }
        out.push(Value::Object(o));
    }
    Some(serde_json::json!({"Version": "2012-10-17", "Statement": out}))
}

/// A resource that reads a policy document data source through an attribute the plan cannot
/// show yet (unknown until apply) gets the document, so its signals are not blind.
fn attach_policy_documents(
    plan: &mut Plan,
    docs: &BTreeMap<String, Value>,
    unknown: &BTreeMap<String, Vec<String>>,
) {
    if docs.is_empty() {
        return;
    }
    let mut wanted: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for e in &plan.edges {
        let Some(d) = docs.get(&e.to) else { continue };
        let unknown_attrs = unknown.get(&e.from);
        let blind = e
            .attributes
            .iter()
            .any(|a| unknown_attrs.is_some_and(|u| u.contains(a)));
        if blind {
            if let Some(doc) = policy_document(d) {
                wanted.entry(e.from.clone()).or_default().push(doc);
            }
        }
    }
    for r in &mut plan.resources {
        if let Some(ds) = wanted.remove(&r.address) {
            r.policy_documents = ds;
        }
    }
}

/// The plan document with every value Terraform marks sensitive replaced by
/// `"(sensitive)"`: resource and drift changes (before/after against their masks), output
/// changes, planned and prior values (`sensitive_values`, sensitive outputs), variables
/// declared sensitive, and action configurations.
pub fn redacted_raw(doc: &Value) -> Value {
    let mut raw = doc.clone();
    for list in ["resource_changes", "resource_drift"] {
        if let Some(Value::Array(rcs)) = raw.get_mut(list) {
            for rc in rcs {
                if let Some(ch) = rc.get_mut("change") {
                    let bs = ch.get("before_sensitive").cloned().unwrap_or(Value::Null);
                    let as_ = ch.get("after_sensitive").cloned().unwrap_or(Value::Null);
                    if let Some(b) = ch.get_mut("before") {
                        redact_sensitive(b, &bs);
                    }
                    if let Some(a) = ch.get_mut("after") {
                        redact_sensitive(a, &as_);
                    }
                }
            }
        }
    }
    if let Some(Value::Object(outs)) = raw.get_mut("output_changes") {
        for (_, ch) in outs.iter_mut() {
            let bs = ch.get("before_sensitive").cloned().unwrap_or(Value::Null);
            let as_ = ch.get("after_sensitive").cloned().unwrap_or(Value::Null);
            if let Some(b) = ch.get_mut("before") {
                redact_sensitive(b, &bs);
            }
            if let Some(a) = ch.get_mut("after") {
                redact_sensitive(a, &as_);
            }
        }
    }
    fn values_tree(m: &mut Value, depth: usize) {
        if depth > 32 {
            return;
        }
        if let Some(Value::Array(rs)) = m.get_mut("resources") {
            for r in rs {
                let mask = r.get("sensitive_values").cloned().unwrap_or(Value::Null);
                if let Some(v) = r.get_mut("values") {
                    redact_sensitive(v, &mask);
                }
            }
        }
        if let Some(Value::Array(cs)) = m.get_mut("child_modules") {
            for c in cs {
                values_tree(c, depth + 1);
            }
        }
    }
    for ptr in ["/planned_values", "/prior_state/values"] {
        if let Some(v) = raw.pointer_mut(ptr) {
            if let Some(Value::Object(outs)) = v.get_mut("outputs") {
                for (_, o) in outs.iter_mut() {
                    if o.get("sensitive").and_then(Value::as_bool) == Some(true) {
                        if let Some(x) = o.get_mut("value") {
                            *x = Value::String("(sensitive)".into());
                        }
                    }
                }
            }
            if let Some(root) = v.get_mut("root_module") {
                values_tree(root, 0);
            }
        }
    }
    let sensitive_vars: Vec<String> = doc
        .pointer("/configuration/root_module/variables")
        .and_then(Value::as_object)
        .map(|vs| {
            vs.iter()
                .filter(|(_, v)| v.get("sensitive").and_then(Value::as_bool) == Some(true))
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default();
    if let Some(Value::Object(vars)) = raw.get_mut("variables") {
        for k in sensitive_vars {
            if let Some(x) = vars.get_mut(&k).and_then(|v| v.get_mut("value")) {
                *x = Value::String("(sensitive)".into());
            }
        }
    }
    if let Some(Value::Array(acts)) = raw.get_mut("action_invocations") {
        for a in acts {
            let mask = a.get("config_sensitive").cloned().unwrap_or(Value::Null);
            if let Some(c) = a.get_mut("config_values") {
                redact_sensitive(c, &mask);
            }
        }
    }
    raw
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn instance_keys_strip() {
        assert_eq!(
            strip_keys(r#"module.app[0].aws_instance.web["a.b]"]"#),
            "module.app.aws_instance.web"
        );
    }

    #[test]
    fn references_follow_module_inputs_and_outputs() {
        let doc = json!({
            "resource_changes": [
                {"address": "module.app.aws_instance.web", "type": "aws_instance", "mode": "managed", "change": {"actions": ["no-op"]}},
                {"address": "module.net.aws_subnet.this", "type": "aws_subnet", "mode": "managed", "change": {"actions": ["no-op"]}}
            ],
            "configuration": {"root_module": {
                "module_calls": {
                    "net": {"module": {
                        "resources": [{"address": "aws_subnet.this", "type": "aws_subnet", "expressions": {}}],
                        "outputs": {"subnet_id": {"expression": {"references": ["aws_subnet.this.id", "aws_subnet.this"]}}}
                    }},
                    "app": {"expressions": {"subnet_id": {"references": ["module.net.subnet_id", "module.net"]}},
                            "depends_on": ["module.net"],
                            "module": {"resources": [{"address": "aws_instance.web", "type": "aws_instance",
                                "expressions": {"subnet_id": {"references": ["var.subnet_id"]}}}]}}
                }
            }}
        });
        let mut types = BTreeMap::new();
        let es = edges(&doc, &mut types, &mut BTreeMap::new());
        let got: Vec<(&str, &str, &str, Vec<String>)> = es
            .iter()
            .map(|e| {
                (
                    e.from.as_str(),
                    e.to.as_str(),
                    e.kind.as_str(),
                    e.target_attributes.clone(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "module.app.aws_instance.web",
                    "module.net.aws_subnet.this",
                    "depends_on",
                    vec![]
                ),
                (
                    "module.app.aws_instance.web",
                    "module.net.aws_subnet.this",
                    "reference",
                    vec!["id".to_string()]
                ),
            ]
        );
        assert_eq!(types["module.app.aws_instance.web"], "aws_instance");
    }

    #[test]
    fn counted_instances_pair_by_index_or_key() {
        let v = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let got = pair_instances(
            &v(&[
                "aws_instance.w[0]",
                "aws_instance.w[1]",
                "aws_instance.w[2]",
            ]),
            &v(&["aws_subnet.s[0]", "aws_subnet.s[1]"]),
        )
        .expect("pairs");
        assert_eq!(
            got[2],
            (
                "aws_instance.w[2]".to_string(),
                "aws_subnet.s[0]".to_string()
            )
        );
        let keyed = pair_instances(
            &v(&[r#"aws_instance.w["a"]"#]),
            &v(&[r#"aws_subnet.s["a"]"#, r#"aws_subnet.s["b"]"#]),
        )
        .expect("pairs");
        assert_eq!(
            keyed,
            vec![(
                r#"aws_instance.w["a"]"#.to_string(),
                r#"aws_subnet.s["a"]"#.to_string()
            )]
        );
        assert!(pair_instances(&v(&["aws_instance.w"]), &v(&["aws_subnet.s[0]"])).is_none());
    }

    #[test]
    fn states_are_told_apart_from_plans() {
        assert!(state_kind(&json!({"format_version": "1.0", "terraform_version": "1.11.4", "values": {"root_module": {}}})).is_some());
        assert!(
            state_kind(&json!({"version": 4, "lineage": "x", "serial": 1, "resources": []}))
                .is_some()
        );
        assert!(state_kind(
            &json!({"format_version": "1.2", "resource_changes": [], "planned_values": {}})
        )
        .is_none());
    }

    #[test]
    fn policy_document_from_statement_blocks() {
        let d = policy_document(
            &json!({"statement": [{"effect": "Allow", "not_actions": ["iam:*"], "resources": ["*"],
            "actions": [], "principals": [{"type": "*", "identifiers": ["*"]}], "condition": []}]}),
        )
        .expect("doc");
        assert_eq!(d["Statement"][0]["NotAction"], json!(["iam:*"]));
        assert_eq!(d["Statement"][0]["Principal"], json!("*"));
        assert!(d["Statement"][0].get("Action").is_none());
    }

    #[test]
    fn sensitive_values_are_masked() {
        let mut v = json!({"password": "hunter2", "tags": {"a": "b"}, "list": ["x", "y"]});
        redact_sensitive(&mut v, &json!({"password": true, "list": [false, true]}));
        assert_eq!(
            v,
            json!({"password": "(sensitive)", "tags": {"a": "b"}, "list": ["x", "(sensitive)"]})
        );
        let mut w = json!({"a": 1});
        redact_sensitive(&mut w, &json!(true));
        assert_eq!(w, json!("(sensitive)"));
    }

    #[test]
    fn replace_paths_render() {
        assert_eq!(
            paths(Some(&json!([["list", 1, "id"], ["name"]]))),
            vec!["list[1].id", "name"]
        );
    }
}
