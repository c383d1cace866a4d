//! Pulumi `pulumi preview --json`: `steps` with every operation (`same`, `create`, `update`,
//! `delete`, `replace`, `create-replacement`, `delete-replaced`, `read`, `import`, `discard`
//! ...), `detailedDiff`, `diffReasons` and `replaceReasons`. Secret values (Pulumi's secret
//! signature objects) are redacted.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use serde_json::Value;

use super::{count, Plan, ResourceChange, Summary};

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

fn redact_secrets(v: &mut Value) {
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
        resources: Vec::new(),
        summary: Summary::default(),
        drift: Vec::new(),
        provider_changes: Vec::new(),
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
}
