//! Signals derived from a resource's before/after attributes, the same way for every tool:
//! world-open ingress that the change adds, IAM wildcards it adds, protections it turns off,
//! whether the resource ends up public, and what mitigates a delete or replace.
//!
//! Attribute names differ by tool (`publicly_accessible`, `publiclyAccessible`,
//! `PubliclyAccessible`); they are compared in a normalized form: lower case without `_`/`-`.

use serde::Serialize;
use serde_json::Value;

use super::ResourceChange;

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ingress {
    pub cidr: String,
    pub protocol: String,
    pub from_port: i64,
    pub to_port: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct IamWildcard {
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    /// `*` on `*` (or everything but a few actions, `NotAction`, on `*`): administrator access.
    pub full_admin: bool,
    /// `NotAction` and/or `NotResource` when the statement allows by exclusion: everything
    /// except the listed actions (or resources) is allowed.
    pub negated: Vec<String>,
}

fn norm(k: &str) -> String {
    k.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Looks a key up by normalized name.
fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    let want = norm(key);
    v.as_object()?
        .iter()
        .find(|(k, _)| norm(k) == want)
        .map(|(_, x)| x)
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::String(s) => matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "enabled" | "on" | "yes"
        ),
        Value::Number(n) => n.as_f64().is_some_and(|x| x > 0.0),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Null => false,
    }
}

fn explicitly_off(v: &Value) -> bool {
    match v {
        Value::Bool(b) => !*b,
        Value::String(s) => matches!(
            s.to_ascii_lowercase().as_str(),
            "false" | "disabled" | "suspended" | "off" | "no"
        ),
        Value::Number(n) => n.as_f64() == Some(0.0),
        _ => false,
    }
}

fn as_strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn as_port(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

const WORLD: &[&str] = &[
    "0.0.0.0/0",
    "::/0",
    "0.0.0.0",
    "*",
    "internet",
    "any",
    "0::0/0",
];

fn is_world(cidr: &str) -> bool {
    WORLD.contains(&cidr.to_ascii_lowercase().as_str())
}

/// `"22"`, `"1000-2000"`, `"*"` -> (from, to).
fn port_range(s: &str) -> Option<(i64, i64)> {
    if s == "*" {
        return Some((0, 65535));
    }
    match s.split_once('-') {
        Some((a, b)) => Some((a.trim().parse().ok()?, b.trim().parse().ok()?)),
        None => s.trim().parse().ok().map(|p| (p, p)),
    }
}

fn normalize_ports(protocol: &str, from: Option<i64>, to: Option<i64>) -> (i64, i64) {
    let all = matches!(protocol, "-1" | "all" | "*" | "");
    match (from, to) {
        (Some(f), Some(t)) if !(all && f <= 0 && t <= 0) && f >= 0 => (f, t.max(f)),
        (Some(f), None) if f >= 0 => (f, f),
        _ => (0, 65535),
    }
}

/// AWS-style rule object: cidr fields plus ports.
fn aws_rule(rule: &Value, out: &mut Vec<Ingress>) {
    let protocol = get(rule, "ip_protocol")
        .or_else(|| get(rule, "protocol"))
        .map(|p| match p {
            Value::String(s) => s.to_ascii_lowercase(),
            other => other.to_string(),
        })
        .unwrap_or_default();
    let (from, to) = normalize_ports(
        &protocol,
        as_port(get(rule, "from_port")),
        as_port(get(rule, "to_port")),
    );
    let mut cidrs = as_strings(get(rule, "cidr_blocks"));
    cidrs.extend(as_strings(get(rule, "ipv6_cidr_blocks")));
    for k in [
        "cidr_ip",
        "cidr_ipv6",
        "cidr_ipv4",
        "cidr_block",
        "ipv6_cidr_block",
    ] {
        cidrs.extend(as_strings(get(rule, k)));
    }
    for c in cidrs.into_iter().filter(|c| is_world(c)) {
        out.push(Ingress {
            cidr: c,
            protocol: protocol.clone(),
            from_port: from,
            to_port: to,
        });
    }
}

/// World-open ingress rules described by a resource's attributes.
pub fn open_ingress(ty: &str, v: &Value) -> Vec<Ingress> {
    let mut out = Vec::new();
    if v.is_null() {
        return out;
    }
    let t = norm(ty);
    // A rule resource (aws_security_group_rule, aws_vpc_security_group_ingress_rule,
    // AWS::EC2::SecurityGroupIngress).
    let is_rule_resource = t.contains("securitygroupingress")
        || t.contains("securitygroupingressrule")
        || (t.contains("securitygrouprule")
            && get(v, "type").and_then(Value::as_str) == Some("ingress"));
    if is_rule_resource {
        aws_rule(v, &mut out);
    }
    for key in ["ingress", "security_group_ingress"] {
        if let Some(Value::Array(rules)) = get(v, key) {
            for r in rules {
                aws_rule(r, &mut out);
            }
        }
    }
    // GCP firewall.
    if t.contains("firewall")
        && !get(v, "direction")
            .and_then(Value::as_str)
            .is_some_and(|d| d.eq_ignore_ascii_case("egress"))
    {
        let ranges = as_strings(get(v, "source_ranges"));
        if ranges.iter().any(|r| is_world(r)) {
            for a in get(v, "allow")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[])
            {
                let protocol = get(a, "protocol")
                    .and_then(Value::as_str)
                    .unwrap_or("all")
                    .to_ascii_lowercase();
                let ports = as_strings(get(a, "ports"));
                let ranges_: Vec<(i64, i64)> = if ports.is_empty() {
                    vec![(0, 65535)]
                } else {
                    ports.iter().filter_map(|p| port_range(p)).collect()
                };
                for (f, to) in ranges_ {
                    out.push(Ingress {
                        cidr: "0.0.0.0/0".into(),
                        protocol: protocol.clone(),
                        from_port: f,
                        to_port: to,
                    });
                }
            }
        }
    }
    // Azure network security rules, standalone or inline.
    let mut azure_rules: Vec<&Value> = Vec::new();
    if t.contains("networksecurityrule") || t.contains("securityrule") {
        azure_rules.push(v);
    }
    if let Some(Value::Array(rs)) = get(v, "security_rule").or_else(|| get(v, "security_rules")) {
        azure_rules.extend(rs.iter());
    }
    for r in azure_rules {
        let r = get(r, "properties").filter(|p| p.is_object()).unwrap_or(r);
        let inbound = get(r, "direction")
            .and_then(Value::as_str)
            .is_some_and(|d| d.eq_ignore_ascii_case("inbound"));
        let allow = get(r, "access")
            .and_then(Value::as_str)
            .is_some_and(|d| d.eq_ignore_ascii_case("allow"));
        let mut sources = as_strings(get(r, "source_address_prefix"));
        sources.extend(as_strings(get(r, "source_address_prefixes")));
        if inbound && allow && sources.iter().any(|s| is_world(s)) {
            let mut ports = as_strings(get(r, "destination_port_range"));
            ports.extend(as_strings(get(r, "destination_port_ranges")));
            let protocol = get(r, "protocol")
                .and_then(Value::as_str)
                .unwrap_or("*")
                .to_ascii_lowercase();
            for (f, to) in ports.iter().filter_map(|p| port_range(p)) {
                out.push(Ingress {
                    cidr: "*".into(),
                    protocol: protocol.clone(),
                    from_port: f,
                    to_port: to,
                });
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Every IAM statement that allows a wildcard, found in policy documents anywhere in `v`
/// (objects with `Statement`, or JSON strings holding one, as Terraform writes them).
pub fn iam_wildcards(v: &Value) -> Vec<IamWildcard> {
    let mut out = Vec::new();
    walk_policies(v, 0, &mut out);
    out.sort();
    out.dedup();
    out
}

fn walk_policies(v: &Value, depth: usize, out: &mut Vec<IamWildcard>) {
    if depth > 24 {
        return;
    }
    match v {
        Value::String(s) if s.contains("Statement") => {
            if let Ok(doc) = serde_json::from_str::<Value>(s) {
                walk_policies(&doc, depth + 1, out);
            }
        }
        Value::Object(o) => {
            if let Some(st) = o.get("Statement") {
                let stmts: Vec<&Value> = match st {
                    Value::Array(a) => a.iter().collect(),
                    other => vec![other],
                };
                for s in stmts {
                    if s.get("Effect").and_then(Value::as_str) != Some("Allow") {
                        continue;
                    }
                    let not_actions = as_strings(s.get("NotAction"));
                    let not_resources = as_strings(s.get("NotResource"));
                    let mut negated = Vec::new();
                    if s.get("NotAction").is_some() {
                        negated.push("NotAction".to_string());
                    }
                    if s.get("NotResource").is_some() {
                        negated.push("NotResource".to_string());
                    }
                    // With NotAction/NotResource, the lists are the exceptions.
                    let actions = if negated.iter().any(|n| n == "NotAction") {
                        not_actions.clone()
                    } else {
                        as_strings(s.get("Action"))
                    };
                    let resources = if negated.iter().any(|n| n == "NotResource") {
                        not_resources.clone()
                    } else {
                        as_strings(s.get("Resource"))
                    };
                    // Everything but the listed: as wide as a wildcard, wider than it reads.
                    let not_action = s.get("NotAction").is_some();
                    let not_resource = s.get("NotResource").is_some();
                    let any_resource = not_resource || resources.iter().any(|r| r == "*");
                    let wild_action =
                        not_action || actions.iter().any(|a| a == "*" || a.ends_with(":*"));
                    if wild_action || (any_resource && actions.iter().any(|a| a.contains('*'))) {
                        out.push(IamWildcard {
                            full_admin: (not_action || actions.iter().any(|a| a == "*"))
                                && !not_resource
                                && resources.iter().any(|r| r == "*"),
                            actions,
                            resources,
                            negated,
                        });
                    }
                }
            }
            for x in o.values() {
                walk_policies(x, depth + 1, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| walk_policies(x, depth + 1, out)),
        _ => {}
    }
}

/// Leaves of `v` as (normalized path, value).
fn leaves<'a>(v: &'a Value, prefix: String, depth: usize, out: &mut Vec<(String, &'a Value)>) {
    if depth > 16 {
        return;
    }
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                let p = if prefix.is_empty() {
                    norm(k)
                } else {
                    format!("{prefix}.{}", norm(k))
                };
                leaves(x, p, depth + 1, out);
            }
        }
        Value::Array(a) => {
            for x in a {
                leaves(x, prefix.clone(), depth + 1, out);
            }
            if a.is_empty() {
                out.push((prefix, v));
            }
        }
        _ => out.push((prefix, v)),
    }
}

/// What a leaf path protects, by its last component.
fn protection_of(path: &str) -> Option<&'static str> {
    let last = path.rsplit('.').next().unwrap_or(path);
    let full = path;
    if last.contains("encrypt") || last == "sseenabled" {
        Some("encryption")
    } else if last == "enablelogging"
        || last == "islogging"
        || last.contains("logging") && !last.contains("level")
        || last == "enabledcloudwatchlogsexports"
        || (full.contains("accesslog") && last == "enabled")
    {
        Some("logging")
    } else if full.contains("versioning") && (last == "enabled" || last == "status") {
        Some("versioning")
    } else if last == "backupretentionperiod"
        || last == "backupretentionperiodindays"
        || last == "pointintimerecoveryenabled"
        || (full.contains("pointintimerecovery") && last == "enabled")
    {
        Some("backup")
    } else if last == "deletionprotection"
        || last == "terminationprotection"
        || last == "deletionprotectionenabled"
    {
        Some("deletion_protection")
    } else if matches!(
        last,
        "blockpublicacls" | "blockpublicpolicy" | "ignorepublicacls" | "restrictpublicbuckets"
    ) {
        Some("public_access_block")
    } else {
        None
    }
}

/// A setting named for its absence (`encryption_disabled`, `disable_logging`,
/// `skip_encryption`): `true` means the protection is off.
fn negated(path: &str) -> bool {
    let last = path.rsplit('.').next().unwrap_or(path);
    last.contains("disable") || last.starts_with("skip")
}

/// Whether a protection leaf is on, off, or neither (unset, unknown).
fn protection_on(path: &str, v: &Value) -> Option<bool> {
    let (on, off) = (
        truthy(v) && !v.is_array() && !v.is_object(),
        explicitly_off(v),
    );
    let empty_list = v.as_array().is_some_and(Vec::is_empty);
    match (negated(path), on, off || empty_list) {
        (false, true, _) => Some(true),
        (false, _, true) => Some(false),
        (true, true, _) => Some(false),
        (true, _, true) if off => Some(true),
        _ => None,
    }
}

fn disabled_protections(r: &ResourceChange) -> Vec<String> {
    let mut before = Vec::new();
    let mut after = Vec::new();
    leaves(&r.before, String::new(), 0, &mut before);
    leaves(&r.after, String::new(), 0, &mut after);
    let created = r.actions.iter().any(|a| a == "create") && !r.replace;
    let mut out: Vec<String> = Vec::new();
    for (path, a) in &after {
        let Some(kind) = protection_of(path) else {
            continue;
        };
        let was_on = before
            .iter()
            .any(|(p, b)| p == path && protection_on(p, b) == Some(true));
        let off = protection_on(path, a) == Some(false);
        // Created off: only encryption and a public access block are findings. Other
        // settings created off (`deletion_protection = false`, GCE's default) are defaults,
        // not something turned off.
        let created_off = created
            && matches!(kind, "encryption" | "public_access_block")
            && (explicitly_off(a) || negated(path));
        if off && (was_on || created_off) {
            out.push(kind.to_string());
        }
    }
    // A protective block removed entirely (logging { ... } gone).
    for (path, b) in &before {
        if let Some(kind) = protection_of(path) {
            if protection_on(path, b) == Some(true)
                && !after.iter().any(|(p, _)| p == path)
                && !r.after.is_null()
                && r.actions.iter().any(|a| a == "update")
            {
                out.push(kind.to_string());
            }
        }
    }
    // Public access block resources set to false.
    out.sort();
    out.dedup();
    out
}

fn public(r: &ResourceChange) -> bool {
    let a = &r.after;
    if a.is_null() {
        return false;
    }
    if get(a, "publicly_accessible").is_some_and(truthy)
        || get(a, "associate_public_ip_address").is_some_and(truthy)
    {
        return true;
    }
    let acl = get(a, "acl")
        .or_else(|| get(a, "access_control"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_ascii_lowercase();
    if matches!(
        acl.as_str(),
        "public-read" | "public-read-write" | "publicread" | "publicreadwrite"
    ) {
        return true;
    }
    // IAM bindings that grant the world (GCS/GCP), or resource policies with Principal "*".
    let mut ls = Vec::new();
    leaves(a, String::new(), 0, &mut ls);
    if ls.iter().any(|(_, v)| {
        v.as_str()
            .is_some_and(|s| s == "allUsers" || s == "allAuthenticatedUsers")
    }) {
        return true;
    }
    policy_allows_anyone(a, 0)
}

fn policy_allows_anyone(v: &Value, depth: usize) -> bool {
    if depth > 24 {
        return false;
    }
    match v {
        Value::String(s) if s.contains("Principal") => {
            serde_json::from_str::<Value>(s).is_ok_and(|d| policy_allows_anyone(&d, depth + 1))
        }
        Value::Object(o) => {
            if let Some(st) = o.get("Statement") {
                let stmts: Vec<&Value> = match st {
                    Value::Array(a) => a.iter().collect(),
                    other => vec![other],
                };
                if stmts.iter().any(|s| {
                    s.get("Effect").and_then(Value::as_str) == Some("Allow")
                        && s.get("Condition").is_none()
                        && match s.get("Principal") {
                            Some(Value::String(p)) => p == "*",
                            Some(Value::Object(p)) => p
                                .values()
                                .any(|x| as_strings(Some(x)).iter().any(|y| y == "*")),
                            _ => false,
                        }
                }) {
                    return true;
                }
            }
            o.values().any(|x| policy_allows_anyone(x, depth + 1))
        }
        Value::Array(a) => a.iter().any(|x| policy_allows_anyone(x, depth + 1)),
        _ => false,
    }
}

fn mitigations(r: &mut ResourceChange) {
    let b = &r.before;
    let mut m = Vec::new();
    if get(b, "deletion_protection").is_some_and(truthy)
        || get(b, "termination_protection").is_some_and(truthy)
    {
        m.push("deletion_protection");
    }
    if get(b, "skip_final_snapshot").is_some_and(explicitly_off)
        || get(b, "final_snapshot_identifier")
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty())
    {
        m.push("final_snapshot");
    }
    if get(b, "force_destroy").is_some_and(explicitly_off) {
        m.push("no_force_destroy");
    }
    for x in m {
        if !r.mitigations.iter().any(|y| y == x) {
            r.mitigations.push(x.to_string());
        }
    }
    r.mitigations.sort();
}

/// AWS-managed policies that grant broad access, by the name at the end of their ARN.
fn broad_managed_policy(arn: &str) -> bool {
    let Some(name) = arn
        .strip_prefix("arn:aws:iam::aws:policy/")
        .or_else(|| arn.strip_prefix("arn:aws-us-gov:iam::aws:policy/"))
        .or_else(|| arn.strip_prefix("arn:aws-cn:iam::aws:policy/"))
    else {
        return false;
    };
    let name = name.rsplit('/').next().unwrap_or(name);
    name == "AdministratorAccess"
        || name == "PowerUserAccess"
        || name == "IAMFullAccess"
        || name.ends_with("FullAccess")
}

/// Broad AWS-managed policies named anywhere in `v` (`policy_arn`, `managed_policy_arns`,
/// `ManagedPolicyArns`, `policyArn`).
fn managed_policies(v: &Value) -> Vec<String> {
    let mut ls = Vec::new();
    leaves(v, String::new(), 0, &mut ls);
    let mut out: Vec<String> = ls
        .iter()
        .filter(|(p, _)| p.contains("policyarn"))
        .filter_map(|(_, x)| x.as_str())
        .filter(|a| broad_managed_policy(a))
        .map(|a| a.rsplit('/').next().unwrap_or(a).to_string())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Engine families whose snapshots restore into each other.
fn engine_family(e: &str) -> String {
    let e = e.to_ascii_lowercase();
    if e.contains("postgres") {
        "postgres".into()
    } else if e.contains("mysql") || e.contains("mariadb") {
        "mysql".into()
    } else if e.starts_with("oracle") {
        "oracle".into()
    } else if e.starts_with("sqlserver") {
        "sqlserver".into()
    } else if e.contains("redis") || e.contains("valkey") {
        "redis".into()
    } else {
        e
    }
}

/// Why a replacement's backup cannot bring the data back: the engine family changes (a MySQL
/// snapshot does not restore into PostgreSQL), or the key schema of a table changes (a backup
/// restores the old keys).
fn data_migration(r: &ResourceChange) -> Option<String> {
    if !r.replace || !r.stateful {
        return None;
    }
    let (b, a) = (&r.before, &r.after);
    if let (Some(eb), Some(ea)) = (
        get(b, "engine").and_then(Value::as_str),
        get(a, "engine").and_then(Value::as_str),
    ) {
        if engine_family(eb) != engine_family(ea) {
            return Some(format!("engine {eb} -> {ea}"));
        }
    }
    for key in [
        "hash_key",
        "range_key",
        "key_schema",
        "local_secondary_index",
        "local_secondary_indexes",
    ] {
        let (x, y) = (get(b, key), get(a, key));
        if x.is_some() && y.is_some() && x != y {
            return Some(format!("key schema ({key}) changes"));
        }
    }
    None
}

/// Fills the derived fields of a resource change.
pub fn derive(r: &mut ResourceChange) {
    let after_open = open_ingress(&r.resource_type, &r.after);
    let before_open = open_ingress(&r.resource_type, &r.before);
    r.new_open_ingress = after_open
        .into_iter()
        .filter(|i| !before_open.contains(i))
        .collect();
    let before_iam = iam_wildcards(&r.before);
    let mut after_iam = iam_wildcards(&r.after);
    for d in &r.policy_documents {
        after_iam.extend(iam_wildcards(d));
    }
    after_iam.sort();
    after_iam.dedup();
    r.iam_wildcards = after_iam
        .into_iter()
        .filter(|w| !before_iam.contains(w))
        .collect();
    r.disabled_protections = disabled_protections(r);
    r.public_exposure = public(r)
        || !r.new_open_ingress.is_empty()
        || r.policy_documents
            .iter()
            .any(|d| policy_allows_anyone(d, 0));
    let before_managed = managed_policies(&r.before);
    r.managed_policies = managed_policies(&r.after)
        .into_iter()
        .filter(|m| !before_managed.contains(m))
        .collect();
    r.data_migration = data_migration(r);
    mitigations(r);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rc(ty: &str, actions: &[&str], before: Value, after: Value) -> ResourceChange {
        ResourceChange {
            resource_type: ty.into(),
            actions: actions.iter().map(|s| s.to_string()).collect(),
            before,
            after,
            ..ResourceChange::default()
        }
    }

    #[test]
    fn new_world_open_ssh_in_every_dialect() {
        let tf = rc(
            "aws_security_group",
            &["update"],
            json!({"ingress": []}),
            json!({"ingress": [{"cidr_blocks": ["0.0.0.0/0"], "from_port": 22, "to_port": 22, "protocol": "tcp"}]}),
        );
        let pulumi = rc(
            "aws:ec2/securityGroup:SecurityGroup",
            &["create"],
            Value::Null,
            json!({"ingress": [{"cidrBlocks": ["0.0.0.0/0"], "fromPort": 22, "toPort": 22, "protocol": "tcp"}]}),
        );
        let cfn = rc(
            "AWS::EC2::SecurityGroup",
            &["create"],
            Value::Null,
            json!({"SecurityGroupIngress": [{"CidrIp": "0.0.0.0/0", "FromPort": 22, "ToPort": 22, "IpProtocol": "tcp"}]}),
        );
        let rule = rc(
            "aws_vpc_security_group_ingress_rule",
            &["create"],
            Value::Null,
            json!({"cidr_ipv4": "0.0.0.0/0", "from_port": 22, "to_port": 22, "ip_protocol": "tcp"}),
        );
        let gcp = rc(
            "google_compute_firewall",
            &["create"],
            Value::Null,
            json!({"source_ranges": ["0.0.0.0/0"], "allow": [{"protocol": "tcp", "ports": ["22"]}]}),
        );
        let az = rc(
            "azurerm_network_security_rule",
            &["create"],
            Value::Null,
            json!({"direction": "Inbound", "access": "Allow", "source_address_prefix": "*", "destination_port_range": "22", "protocol": "Tcp"}),
        );
        for mut r in [tf, pulumi, cfn, rule, gcp, az] {
            derive(&mut r);
            assert!(
                r.new_open_ingress
                    .iter()
                    .any(|i| i.from_port <= 22 && i.to_port >= 22),
                "{}: {:?}",
                r.resource_type,
                r.new_open_ingress
            );
            assert!(r.public_exposure);
        }
    }

    #[test]
    fn existing_open_ingress_is_not_new_and_private_is_not_open() {
        let rule = json!({"ingress": [{"cidr_blocks": ["0.0.0.0/0"], "from_port": 443, "to_port": 443, "protocol": "tcp"}]});
        let mut r = rc("aws_security_group", &["update"], rule.clone(), rule);
        derive(&mut r);
        assert!(r.new_open_ingress.is_empty());
        let mut p = rc(
            "aws_security_group",
            &["create"],
            Value::Null,
            json!({"ingress": [{"cidr_blocks": ["10.0.0.0/8"], "from_port": 22, "to_port": 22, "protocol": "tcp"}]}),
        );
        derive(&mut p);
        assert!(p.new_open_ingress.is_empty() && !p.public_exposure);
    }

    #[test]
    fn all_protocols_means_all_ports() {
        let mut r = rc(
            "aws_security_group",
            &["create"],
            Value::Null,
            json!({"ingress": [{"cidr_blocks": ["0.0.0.0/0"], "from_port": 0, "to_port": 0, "protocol": "-1"}]}),
        );
        derive(&mut r);
        assert_eq!(
            (
                r.new_open_ingress[0].from_port,
                r.new_open_ingress[0].to_port
            ),
            (0, 65535)
        );
    }

    #[test]
    fn iam_wildcards_from_json_strings() {
        let doc = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";
        let mut r = rc(
            "aws_iam_policy",
            &["create"],
            Value::Null,
            json!({"policy": doc}),
        );
        derive(&mut r);
        assert_eq!(r.iam_wildcards.len(), 1);
        assert!(r.iam_wildcards[0].full_admin);
        let narrow = "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\"],\"Resource\":\"arn:aws:s3:::b/*\"}]}";
        let mut n = rc(
            "aws_iam_policy",
            &["create"],
            Value::Null,
            json!({"policy": narrow}),
        );
        derive(&mut n);
        assert!(n.iam_wildcards.is_empty());
    }

    #[test]
    fn protections_turned_off_and_mitigations() {
        let mut r = rc(
            "aws_db_instance",
            &["update"],
            json!({"storage_encrypted": true, "deletion_protection": true, "backup_retention_period": 7, "publicly_accessible": false}),
            json!({"storage_encrypted": false, "deletion_protection": false, "backup_retention_period": 0, "publicly_accessible": true}),
        );
        derive(&mut r);
        assert_eq!(
            r.disabled_protections,
            vec!["backup", "deletion_protection", "encryption"]
        );
        assert!(r.public_exposure);
        assert_eq!(r.mitigations, vec!["deletion_protection"]);
        let mut d = rc(
            "aws_db_instance",
            &["delete"],
            json!({"skip_final_snapshot": false, "final_snapshot_identifier": "last"}),
            Value::Null,
        );
        derive(&mut d);
        assert_eq!(d.mitigations, vec!["final_snapshot"]);
        let mut b = rc(
            "aws_s3_bucket_public_access_block",
            &["update"],
            json!({"block_public_acls": true, "restrict_public_buckets": true}),
            json!({"block_public_acls": false, "restrict_public_buckets": true}),
        );
        derive(&mut b);
        assert_eq!(b.disabled_protections, vec!["public_access_block"]);
    }

    #[test]
    fn negated_names_read_the_other_way_round() {
        let mut on = rc(
            "aws_codebuild_project",
            &["create"],
            Value::Null,
            json!({"artifacts": [{"encryption_disabled": false}]}),
        );
        derive(&mut on);
        assert!(on.disabled_protections.is_empty());
        let mut off = rc(
            "aws_codebuild_project",
            &["update"],
            json!({"artifacts": [{"encryption_disabled": false}]}),
            json!({"artifacts": [{"encryption_disabled": true}]}),
        );
        derive(&mut off);
        assert_eq!(off.disabled_protections, vec!["encryption"]);
    }

    #[test]
    fn not_action_and_managed_policies() {
        let doc =
            "{\"Statement\":[{\"Effect\":\"Allow\",\"NotAction\":\"iam:*\",\"Resource\":\"*\"}]}";
        let mut r = rc(
            "aws_iam_policy",
            &["create"],
            Value::Null,
            json!({"policy": doc}),
        );
        derive(&mut r);
        assert!(r.iam_wildcards[0].full_admin);
        assert_eq!(r.iam_wildcards[0].negated, vec!["NotAction"]);
        let mut a = rc(
            "aws_iam_role_policy_attachment",
            &["create"],
            Value::Null,
            json!({"policy_arn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"}),
        );
        derive(&mut a);
        assert_eq!(a.managed_policies, vec!["AmazonS3FullAccess"]);
        let mut n = rc(
            "aws_iam_role_policy_attachment",
            &["create"],
            Value::Null,
            json!({"policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
        );
        derive(&mut n);
        assert!(n.managed_policies.is_empty());
    }

    #[test]
    fn tags_only_update_has_no_signals() {
        let mut r = rc(
            "aws_s3_bucket",
            &["update"],
            json!({"bucket": "b", "tags": {"a": "1"}}),
            json!({"bucket": "b", "tags": {"a": "2"}}),
        );
        derive(&mut r);
        assert!(
            r.new_open_ingress.is_empty()
                && r.iam_wildcards.is_empty()
                && r.disabled_protections.is_empty()
                && !r.public_exposure
        );
    }
}
