//! Pulumi `pulumi preview --json`: `steps` with every operation (`same`, `create`, `update`,
//! `delete`, `replace`, `create-replacement`, `delete-replaced`, `read`, `import`, `discard`
//! ...), `detailedDiff`, `diffReasons` and `replaceReasons`. Secret values (Pulumi's secret
//! signature objects) are redacted.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use serde_json::Value;

use super::graph::Edge;
use super::{count, Plan, ResourceChange};

/// Pulumi's marker for a secret value inside state.
const SECRET_SIG: &str = "4dabf18193072939515e22adb298388d";

pub fn detect(doc: &Value) -> bool {
    doc.get("steps").is_some_and(Value::is_array)
}

/// `urn:pulumi:stack::project::parent$aws:rds/instance:Instance::db` -> (type, name).
pub fn split_urn(urn: &str) -> (String, String) {
    let parts: Vec<&str> = urn.splitn(4, "::").collect();
    if parts.len() == 4 {
        let ty = parts[2].rsplit('$').next().unwrap_or(parts[2]);
        (ty.to_string(), parts[3].to_string())
    } else {
        (String::new(), urn.to_string())
    }
}

pub fn redact_secrets(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if o.contains_key(SECRET_SIG) {
                *v = Value::String("(sensitive)".into());
                return;
            }
            for x in o.values_mut() {
                redact_secrets(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(redact_secrets),
        _ => {}
    }
}

fn state_inputs(step: &Value, which: &str) -> Value {
    let st = step.get(which).unwrap_or(&Value::Null);
    let mut v = st
        .get("inputs")
        .filter(|x| x.is_object())
        .or_else(|| st.get("outputs"))
        .cloned()
        .unwrap_or(Value::Null);
    if let Value::Object(o) = &mut v {
        o.remove("__defaults");
    }
    redact_secrets(&mut v);
    v
}

/// `tags.CostCenter` -> `tags`; `ingress[0]` -> `ingress`.
fn top_key(path: &str) -> String {
    path.split(['.', '[']).next().unwrap_or(path).to_string()
}

pub fn parse(doc: &Value, name: &str) -> Result<Plan> {
    let steps = doc
        .get("steps")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let mut plan = Plan {
        path: name.to_string(),
        tool: "pulumi".into(),
        complete: true,
        ..Plan::default()
    };
    // One entry per URN: a replacement may appear as `replace` plus `create-replacement` and
    // `delete-replaced` steps; they fold into one replaced resource.
    let mut by_urn: BTreeMap<String, ResourceChange> = BTreeMap::new();
    for (i, step) in steps.iter().enumerate() {
        let Some(op) = step.get("op").and_then(Value::as_str) else {
            bail!("{name}: steps[{i}] has no op");
        };
        let Some(urn) = step.get("urn").and_then(Value::as_str) else {
            bail!("{name}: steps[{i}] has no urn");
        };
        let (ty, res_name) = split_urn(urn);
        let ty = step
            .get("newState")
            .or_else(|| step.get("oldState"))
            .and_then(|s| s.get("type"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or(ty);
        if ty == "pulumi:pulumi:Stack" {
            continue;
        }
        let (actions, replace): (Vec<&str>, bool) = match op {
            "same" | "refresh" => (vec!["no-op"], false),
            "create" => (vec!["create"], false),
            "update" => (vec!["update"], false),
            "delete" | "discard" => (vec!["delete"], false),
            "read" | "read-replacement" => (vec!["read"], false),
            "import" => (vec!["import"], false),
            "import-replacement" => (vec!["import", "delete"], true),
            "replace"
            | "create-replacement"
            | "delete-replaced"
            | "discard-replaced"
            | "remove-pending-replace" => {
                let dbr = step
                    .get("oldState")
                    .and_then(|s| s.get("deleteBeforeReplace"))
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                (
                    if dbr {
                        vec!["delete", "create"]
                    } else {
                        vec!["create", "delete"]
                    },
                    true,
                )
            }
            other => bail!("{name}: steps[{i}]: unknown op {other:?}"),
        };
        let before = state_inputs(step, "oldState");
        let after = state_inputs(step, "newState");
        let mut changed: Vec<String> = step
            .get("detailedDiff")
            .and_then(Value::as_object)
            .map(|d| d.keys().map(|k| top_key(k)).collect())
            .unwrap_or_default();
        if changed.is_empty() {
            changed = step
                .get("diffReasons")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(top_key).collect())
                .unwrap_or_default();
        }
        changed.sort();
        changed.dedup();
        let replace_reasons: Vec<String> = step
            .get("replaceReasons")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let old = step.get("oldState").unwrap_or(&Value::Null);
        let mut mitigations = Vec::new();
        if old.get("protect").and_then(Value::as_bool) == Some(true) {
            mitigations.push("protect".to_string());
        }
        if old.get("retainOnDelete").and_then(Value::as_bool) == Some(true) {
            mitigations.push("retain_on_delete".to_string());
        }
        let provider = ty.split(':').next().unwrap_or_default().to_string();
        let entry = by_urn
            .entry(urn.to_string())
            .or_insert_with(|| ResourceChange {
                address: format!("{ty}::{res_name}"),
                resource_type: ty.clone(),
                provider: if provider == "pulumi" {
                    ty.rsplit(':').next().unwrap_or_default().to_string()
                } else {
                    provider
                },
                before: before.clone(),
                after: after.clone(),
                ..ResourceChange::default()
            });
        if replace || !entry.replace {
            entry.actions = actions.iter().map(|s| s.to_string()).collect();
            entry.replace = replace;
        }
        if entry.before.is_null() {
            entry.before = before;
        }
        if entry.after.is_null() {
            entry.after = after;
        }
        for c in changed {
            if !entry.changed_attributes.contains(&c) {
                entry.changed_attributes.push(c);
            }
        }
        for r in replace_reasons {
            if !entry.replace_reasons.contains(&r) {
                entry.replace_reasons.push(r);
            }
        }
        for m in mitigations {
            if !entry.mitigations.contains(&m) {
                entry.mitigations.push(m);
            }
        }
        if ty.starts_with("pulumi:providers:") && op != "same" {
            plan.provider_changes
                .push(format!("{ty}::{res_name}: provider {op}"));
        }
    }
    plan.edges = edges(steps, &mut plan.types);
    let mut raw = doc.clone();
    redact_secrets(&mut raw);
    plan.raw = raw;
    for (_, mut r) in by_urn {
        r.changed_attributes.sort();
        count(&mut plan.summary, &r.actions, r.replace);
        if r.is_noop() {
            continue;
        }
        if r.changed_attributes
            .iter()
            .any(|a| a == "region" || a == "location")
        {
            plan.provider_changes
                .push(format!("{}: region/location changes", r.address));
        }
        plan.resources.push(r);
    }
    Ok(plan)
}

/// A URN's resource address (`type::name`), the type from the state when it says.
fn address_of(urn: &str, ty: Option<&str>) -> String {
    let (t, name) = split_urn(urn);
    format!("{}::{name}", ty.unwrap_or(&t))
}

/// `urn:...::default_6_0_0::04da6b54-...` (a provider reference) -> the provider's URN.
fn provider_urn(reference: &str) -> &str {
    reference
        .rsplit_once("::")
        .map(|(u, _)| u)
        .unwrap_or(reference)
}

/// Edges from each resource's state: `dependencies` (attributes from
/// `propertyDependencies`), `parent` and `provider`.
fn edges(steps: &[Value], types: &mut std::collections::BTreeMap<String, String>) -> Vec<Edge> {
    use std::collections::{BTreeMap, BTreeSet};
    let mut addr: BTreeMap<String, String> = BTreeMap::new();
    for step in steps {
        for which in ["oldState", "newState"] {
            let st = step.get(which).unwrap_or(&Value::Null);
            let urn = st
                .get("urn")
                .or_else(|| step.get("urn"))
                .and_then(Value::as_str);
            if let Some(urn) = urn {
                let ty = st.get("type").and_then(Value::as_str);
                let a = address_of(urn, ty);
                if let Some(t) = ty {
                    types.insert(a.clone(), t.to_string());
                }
                addr.insert(urn.to_string(), a);
            }
        }
    }
    let name = |urn: &str| {
        addr.get(urn)
            .cloned()
            .unwrap_or_else(|| address_of(urn, None))
    };
    let mut merged: BTreeMap<(String, String, String), BTreeSet<String>> = BTreeMap::new();
    for step in steps {
        for which in ["oldState", "newState"] {
            let st = step.get(which).unwrap_or(&Value::Null);
            let Some(urn) = st
                .get("urn")
                .or_else(|| step.get("urn"))
                .and_then(Value::as_str)
            else {
                continue;
            };
            if st.get("type").and_then(Value::as_str) == Some("pulumi:pulumi:Stack") {
                continue;
            }
            let from = name(urn);
            let mut by_prop: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
            if let Some(pd) = st.get("propertyDependencies").and_then(Value::as_object) {
                for (prop, deps) in pd {
                    for d in deps
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                    {
                        by_prop.entry(d).or_default().insert(prop.clone());
                    }
                }
            }
            for d in st
                .get("dependencies")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let attrs = by_prop.remove(d).unwrap_or_default();
                merged
                    .entry((from.clone(), name(d), "dependency".into()))
                    .or_default()
                    .extend(attrs);
            }
            for (d, attrs) in by_prop {
                merged
                    .entry((from.clone(), name(d), "property".into()))
                    .or_default()
                    .extend(attrs);
            }
            if let Some(p) = st.get("parent").and_then(Value::as_str) {
                if !p.contains("::pulumi:pulumi:Stack::") {
                    merged
                        .entry((from.clone(), name(p), "parent".into()))
                        .or_default();
                }
            }
            if let Some(p) = st.get("provider").and_then(Value::as_str) {
                merged
                    .entry((from.clone(), name(provider_urn(p)), "provider".into()))
                    .or_default();
            }
        }
    }
    merged
        .into_iter()
        .filter(|((f, t, _), _)| f != t)
        .map(|((from, to, kind), attrs)| Edge {
            from,
            to,
            kind,
            attributes: attrs.into_iter().collect(),
            target_attributes: Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn urns_split_into_type_and_name() {
        assert_eq!(
            split_urn("urn:pulumi:dev::app::aws:rds/instance:Instance::db"),
            ("aws:rds/instance:Instance".to_string(), "db".to_string())
        );
        assert_eq!(
            split_urn("urn:pulumi:dev::app::my:Component$aws:s3/bucket:Bucket::b"),
            ("aws:s3/bucket:Bucket".to_string(), "b".to_string())
        );
    }

    #[test]
    fn replacement_steps_fold_and_secrets_are_redacted() {
        let doc = json!({"steps": [
            {"op": "create-replacement", "urn": "urn:pulumi:s::p::aws:rds/instance:Instance::db",
             "newState": {"type": "aws:rds/instance:Instance", "inputs": {"password": {SECRET_SIG: "1b47061264138c4ac30d75fd1eb44270", "plaintext": "\"hunter2\""}}}},
            {"op": "replace", "urn": "urn:pulumi:s::p::aws:rds/instance:Instance::db", "replaceReasons": ["engine"],
             "oldState": {"type": "aws:rds/instance:Instance", "inputs": {"engine": "postgres"}}},
            {"op": "delete-replaced", "urn": "urn:pulumi:s::p::aws:rds/instance:Instance::db"}
        ]});
        let plan = parse(&doc, "p.json").expect("parses");
        assert_eq!(plan.resources.len(), 1);
        let r = &plan.resources[0];
        assert!(r.replace);
        assert_eq!(r.replace_reasons, vec!["engine"]);
        assert_eq!(r.after["password"], json!("(sensitive)"));
        assert_eq!(plan.summary.replace, 1);
    }

    #[test]
    fn dependencies_parents_and_providers_are_edges() {
        let doc = json!({"steps": [
            {"op": "same", "urn": "urn:pulumi:s::p::pulumi:providers:aws::default",
             "newState": {"urn": "urn:pulumi:s::p::pulumi:providers:aws::default", "type": "pulumi:providers:aws"}},
            {"op": "replace", "urn": "urn:pulumi:s::p::aws:ec2/vpc:Vpc::main",
             "newState": {"type": "aws:ec2/vpc:Vpc", "provider": "urn:pulumi:s::p::pulumi:providers:aws::default::0d1e"}},
            {"op": "update", "urn": "urn:pulumi:s::p::aws:ec2/subnet:Subnet::a",
             "newState": {"type": "aws:ec2/subnet:Subnet", "dependencies": ["urn:pulumi:s::p::aws:ec2/vpc:Vpc::main"],
                          "propertyDependencies": {"vpcId": ["urn:pulumi:s::p::aws:ec2/vpc:Vpc::main"]},
                          "parent": "urn:pulumi:s::p::my:Network::net"},
             "detailedDiff": {"vpcId": {"kind": "update"}}}
        ]});
        let plan = parse(&doc, "p.json").expect("parses");
        let got: Vec<(&str, &str, &str, Vec<String>)> = plan
            .edges
            .iter()
            .map(|e| {
                (
                    e.from.as_str(),
                    e.to.as_str(),
                    e.kind.as_str(),
                    e.attributes.clone(),
                )
            })
            .collect();
        assert!(
            got.contains(&(
                "aws:ec2/subnet:Subnet::a",
                "aws:ec2/vpc:Vpc::main",
                "dependency",
                vec!["vpcId".to_string()]
            )),
            "{got:?}"
        );
        assert!(
            got.contains(&(
                "aws:ec2/subnet:Subnet::a",
                "my:Network::net",
                "parent",
                vec![]
            )),
            "{got:?}"
        );
        assert!(
            got.contains(&(
                "aws:ec2/vpc:Vpc::main",
                "pulumi:providers:aws::default",
                "provider",
                vec![]
            )),
            "{got:?}"
        );
    }
}
