//! Terraform `terraform show -json PLAN`: `resource_changes` (actions, both replace orders,
//! `replace_paths`, `action_reason`, before/after/after_unknown, `*_sensitive`, `importing`,
//! `previous_address`) and `resource_drift`.

use anyhow::{bail, Result};
use serde_json::Value;

use super::{changed_keys, count, Drift, Plan, ResourceChange, Summary};

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
        resources: Vec::new(),
        summary: Summary::default(),
        drift: Vec::new(),
        provider_changes: Vec::new(),
    };
    let changes = match doc.get("resource_changes") {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(a)) => a.as_slice(),
        Some(_) => bail!("{name}: resource_changes is not a list"),
    };
    for (i, rc) in changes.iter().enumerate() {
        if rc.get("mode").and_then(Value::as_str) == Some("data") {
            plan.summary.read += 1;
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
