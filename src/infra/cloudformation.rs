//! AWS CloudFormation and CDK: `describe-change-set` output (Action, Replacement, Details,
//! PolicyAction, Before/AfterContext), plain templates, and CDK cloud assemblies (`cdk.out`:
//! manifest.json + *.template.json), diffed resource by resource against a base synth when
//! one is given. Construct paths from the manifest's metadata map logical ids back to the CDK
//! construct a developer wrote, so findings point there.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde_json::Value;

use super::graph::Edge;
use super::{changed_keys, count, parse_json, Plan, ResourceChange};

pub fn detect_change_set(doc: &Value) -> bool {
    doc.get("Changes").is_some_and(Value::is_array)
        && (doc.get("ChangeSetId").is_some()
            || doc.get("ChangeSetName").is_some()
            || doc.get("StackName").is_some())
}

pub fn detect_template(doc: &Value) -> bool {
    doc.get("Resources").is_some_and(Value::is_object)
}

pub fn detect_cdk_manifest(doc: &Value) -> bool {
    doc.get("artifacts").is_some_and(Value::is_object) && doc.get("version").is_some()
}

fn empty_plan(name: &str, tool: &str) -> Plan {
    Plan {
        path: name.to_string(),
        tool: tool.into(),
        complete: true,
        ..Plan::default()
    }
}

/// Before/AfterContext is an object, or (in real API output) a JSON string.
fn context_properties(v: Option<&Value>) -> Value {
    let parsed = match v {
        Some(Value::String(s)) => serde_json::from_str(s).unwrap_or(Value::Null),
        Some(other) => other.clone(),
        None => Value::Null,
    };
    parsed.get("Properties").cloned().unwrap_or(Value::Null)
}

pub fn parse_change_set(doc: &Value, name: &str) -> Result<Plan> {
    let mut plan = empty_plan(name, "cloudformation");
    let changes = doc
        .get("Changes")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    for (i, ch) in changes.iter().enumerate() {
        if ch
            .get("Type")
            .and_then(Value::as_str)
            .is_some_and(|t| t != "Resource")
        {
            continue;
        }
        let Some(rc) = ch.get("ResourceChange") else {
            bail!("{name}: Changes[{i}] has no ResourceChange");
        };
        let s = |k: &str| {
            rc.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let action = s("Action");
        let replacement = s("Replacement");
        let (actions, replace, reason): (Vec<&str>, bool, Option<String>) = match action.as_str() {
            "Add" => (vec!["create"], false, None),
            "Remove" => (vec!["delete"], false, None),
            "Import" => (vec!["import"], false, None),
            "Modify" | "Dynamic" => match replacement.as_str() {
                "True" => (vec!["create", "delete"], true, None),
                "Conditional" => (
                    vec!["create", "delete"],
                    true,
                    Some("conditional replacement".to_string()),
                ),
                _ => (vec!["update"], false, None),
            },
            other => bail!("{name}: Changes[{i}]: unknown Action {other:?}"),
        };
        let mut changed = BTreeSet::new();
        let mut reasons = BTreeSet::new();
        let logical = s("LogicalResourceId");
        for d in rc
            .get("Details")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            let source = d
                .get("ChangeSource")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !matches!(source, "ResourceReference" | "ResourceAttribute") {
                continue;
            }
            let Some(entity) = d.get("CausingEntity").and_then(Value::as_str) else {
                continue;
            };
            let (target, attr) = entity.split_once('.').unwrap_or((entity, ""));
            let prop = d
                .pointer("/Target/Name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            plan.edges.push(Edge {
                from: logical.clone(),
                to: target.to_string(),
                kind: "causing_entity".into(),
                attributes: if prop.is_empty() {
                    vec![]
                } else {
                    vec![prop.to_string()]
                },
                target_attributes: if attr.is_empty() {
                    vec!["Ref".to_string()]
                } else {
                    vec![attr.to_string()]
                },
            });
        }
        for d in rc
            .get("Details")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            let t = d.get("Target").unwrap_or(&Value::Null);
            let attr = t
                .get("Attribute")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let key = t
                .get("Name")
                .and_then(Value::as_str)
                .filter(|_| attr == "Properties")
                .unwrap_or(attr)
                .to_string();
            if !key.is_empty() {
                if matches!(
                    t.get("RequiresRecreation").and_then(Value::as_str),
                    Some("Always" | "Conditionally")
                ) {
                    reasons.insert(key.clone());
                }
                changed.insert(key);
            }
        }
        let mut mitigations = Vec::new();
        match s("PolicyAction").as_str() {
            "Retain" | "ReplaceAndRetain" => mitigations.push("retain_policy".to_string()),
            "Snapshot" | "ReplaceAndSnapshot" => mitigations.push("snapshot_policy".to_string()),
            _ => {}
        }
        let actions: Vec<String> = actions.iter().map(|a| a.to_string()).collect();
        count(&mut plan.summary, &actions, replace);
        plan.resources.push(ResourceChange {
            address: s("LogicalResourceId"),
            resource_type: s("ResourceType"),
            provider: "aws".into(),
            actions,
            replace,
            changed_attributes: changed.into_iter().collect(),
            replace_reasons: reasons.into_iter().collect(),
            action_reason: reason,
            mitigations,
            before: context_properties(rc.get("BeforeContext")),
            after: context_properties(rc.get("AfterContext")),
            ..ResourceChange::default()
        });
    }
    Ok(plan)
}

/// Properties whose change makes CloudFormation replace the resource, for the types where a
/// replacement loses data or identity. Beyond these, `<Noun>Name` of a `...::<Noun>` type
/// (BucketName, TableName, QueueName ...) replaces too.
const REPLACING: &[(&str, &[&str])] = &[
    (
        "AWS::RDS::DBInstance",
        &[
            "DBInstanceIdentifier",
            "Engine",
            "DBName",
            "StorageEncrypted",
            "KmsKeyId",
            "MasterUsername",
            "CharacterSetName",
            "DBClusterIdentifier",
            "DBSubnetGroupName",
            "AvailabilityZone",
        ],
    ),
    (
        "AWS::RDS::DBCluster",
        &[
            "DBClusterIdentifier",
            "Engine",
            "EngineMode",
            "DatabaseName",
            "StorageEncrypted",
            "KmsKeyId",
            "MasterUsername",
        ],
    ),
    (
        "AWS::DynamoDB::Table",
        &["TableName", "KeySchema", "LocalSecondaryIndexes"],
    ),
    (
        "AWS::DynamoDB::GlobalTable",
        &["TableName", "KeySchema", "LocalSecondaryIndexes"],
    ),
    ("AWS::S3::Bucket", &["BucketName"]),
    (
        "AWS::EC2::Volume",
        &["AvailabilityZone", "SnapshotId", "Encrypted", "KmsKeyId"],
    ),
    (
        "AWS::EC2::Instance",
        &[
            "ImageId",
            "AvailabilityZone",
            "SubnetId",
            "KeyName",
            "SecurityGroups",
            "PrivateIpAddress",
            "NetworkInterfaces",
            "LaunchTemplate",
        ],
    ),
    (
        "AWS::EFS::FileSystem",
        &["Encrypted", "KmsKeyId", "PerformanceMode"],
    ),
    (
        "AWS::ElastiCache::ReplicationGroup",
        &["ReplicationGroupId", "Engine", "AtRestEncryptionEnabled"],
    ),
    ("AWS::ElastiCache::CacheCluster", &["ClusterName", "Engine"]),
    ("AWS::Elasticsearch::Domain", &["DomainName"]),
    ("AWS::OpenSearchService::Domain", &["DomainName"]),
    (
        "AWS::EC2::SecurityGroup",
        &["GroupName", "GroupDescription", "VpcId"],
    ),
    ("AWS::EC2::VPC", &["CidrBlock", "InstanceTenancy"]),
    (
        "AWS::EC2::Subnet",
        &[
            "CidrBlock",
            "VpcId",
            "AvailabilityZone",
            "AvailabilityZoneId",
            "Ipv6CidrBlock",
            "Ipv6Native",
        ],
    ),
    // The network plumbing a VPC or subnet replacement carries along (createOnlyProperties
    // of the CloudFormation resource schemas).
    ("AWS::EC2::RouteTable", &["VpcId"]),
    (
        "AWS::EC2::SubnetRouteTableAssociation",
        &["SubnetId", "RouteTableId"],
    ),
    (
        "AWS::EC2::Route",
        &[
            "RouteTableId",
            "DestinationCidrBlock",
            "DestinationIpv6CidrBlock",
            "DestinationPrefixListId",
        ],
    ),
    ("AWS::EC2::VPCGatewayAttachment", &["VpcId"]),
    (
        "AWS::EC2::SecurityGroupIngress",
        &["GroupId", "SourceSecurityGroupId", "CidrIp", "CidrIpv6"],
    ),
    (
        "AWS::EC2::SecurityGroupEgress",
        &[
            "GroupId",
            "DestinationSecurityGroupId",
            "CidrIp",
            "CidrIpv6",
        ],
    ),
    ("AWS::IAM::Role", &["RoleName", "Path"]),
    ("AWS::KMS::Key", &["KeySpec", "KeyUsage"]),
    ("AWS::Route53::HostedZone", &["Name"]),
    ("AWS::Kinesis::Stream", &["Name"]),
    ("AWS::SQS::Queue", &["QueueName", "FifoQueue"]),
    ("AWS::SNS::Topic", &["TopicName", "FifoTopic"]),
];

/// Whether changing any of `props` (compared case-insensitively) replaces a `ty`.
pub fn replaces_any(ty: &str, props: &BTreeSet<String>) -> bool {
    let noun = ty
        .rsplit("::")
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    props.iter().any(|p| {
        let p = p.to_ascii_lowercase();
        REPLACING
            .iter()
            .any(|(t, ps)| *t == ty && ps.iter().any(|x| x.to_ascii_lowercase() == p))
            || (!noun.is_empty() && p == format!("{noun}name"))
    })
}

fn replaces(ty: &str, prop: &str) -> bool {
    if REPLACING
        .iter()
        .any(|(t, ps)| *t == ty && ps.contains(&prop))
    {
        return true;
    }
    let noun = ty.rsplit("::").next().unwrap_or_default();
    !noun.is_empty() && prop == format!("{noun}Name")
}

fn policy(res: &Value, key: &str) -> Option<String> {
    res.get(key).and_then(Value::as_str).map(str::to_string)
}

/// Diffs two templates (or lists a template's resources as created when `base` is None).
pub fn parse_template_pair(
    base: Option<&Value>,
    head: &Value,
    name: &str,
    constructs: Option<&BTreeMap<String, String>>,
) -> Result<Plan> {
    let tool = if constructs.is_some() {
        "cdk"
    } else {
        "cloudformation"
    };
    let mut plan = empty_plan(name, tool);
    let empty = serde_json::Map::new();
    let resources = |doc: Option<&Value>| -> Result<serde_json::Map<String, Value>> {
        match doc.map(|d| d.get("Resources")) {
            None | Some(None) => Ok(empty.clone()),
            Some(Some(Value::Object(m))) => Ok(m.clone()),
            Some(Some(_)) => bail!("{name}: Resources is not an object"),
        }
    };
    let old = resources(base)?;
    let new = resources(Some(head))?;
    let ids: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for id in ids {
        let (o, n) = (old.get(id), new.get(id));
        let ty = n
            .or(o)
            .and_then(|r| r.get("Type"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if ty == "AWS::CDK::Metadata" {
            continue;
        }
        let props = |r: Option<&Value>| {
            r.and_then(|r| r.get("Properties"))
                .cloned()
                .unwrap_or(Value::Null)
        };
        let (before, after) = (props(o), props(n));
        let mut r = ResourceChange {
            address: id.clone(),
            resource_type: ty.clone(),
            provider: "aws".into(),
            construct_path: n
                .or(o)
                .and_then(|r| r.pointer("/Metadata/aws:cdk:path"))
                .and_then(Value::as_str)
                .map(|p| {
                    p.trim_end_matches("/Resource")
                        .trim_end_matches("/Default")
                        .to_string()
                })
                .or_else(|| constructs.and_then(|c| c.get(id).cloned())),
            ..ResourceChange::default()
        };
        match (o, n) {
            (None, Some(_)) => r.actions = vec!["create".into()],
            (Some(old_res), None) => {
                r.actions = vec!["delete".into()];
                match policy(old_res, "DeletionPolicy").as_deref() {
                    Some("Retain" | "RetainExceptOnCreate") => {
                        r.mitigations.push("retain_policy".into())
                    }
                    Some("Snapshot") => r.mitigations.push("snapshot_policy".into()),
                    _ => {}
                }
            }
            (Some(old_res), Some(new_res)) => {
                let old_ty = old_res
                    .get("Type")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let mut changed = changed_keys(&before, &after);
                for k in [
                    "DeletionPolicy",
                    "UpdateReplacePolicy",
                    "Condition",
                    "DependsOn",
                ] {
                    if old_res.get(k) != new_res.get(k) {
                        changed.push(k.to_string());
                    }
                }
                if changed.is_empty() && old_ty == ty {
                    count(&mut plan.summary, &["no-op".to_string()], false);
                    continue;
                }
                let reasons: Vec<String> = changed
                    .iter()
                    .filter(|p| replaces(&ty, p))
                    .cloned()
                    .collect();
                if old_ty != ty || !reasons.is_empty() {
                    r.actions = vec!["create".into(), "delete".into()];
                    r.replace = true;
                    r.replace_reasons = if old_ty != ty {
                        vec!["Type".into()]
                    } else {
                        reasons
                    };
                    match policy(old_res, "UpdateReplacePolicy").as_deref() {
                        Some("Retain") => r.mitigations.push("retain_policy".into()),
                        Some("Snapshot") => r.mitigations.push("snapshot_policy".into()),
                        _ => {}
                    }
                } else {
                    r.actions = vec!["update".into()];
                }
                r.changed_attributes = changed;
            }
            (None, None) => continue,
        }
        r.before = before;
        r.after = after;
        count(&mut plan.summary, &r.actions, r.replace);
        plan.resources.push(r);
    }
    Ok(plan)
}

/// References inside a property value: (logical id, attribute read, kind).
fn template_refs(
    v: &Value,
    ids: &BTreeSet<&str>,
    out: &mut Vec<(String, String, &'static str)>,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get("Ref") {
                if ids.contains(r.as_str()) {
                    out.push((r.clone(), "Ref".into(), "ref"));
                }
            }
            match o.get("Fn::GetAtt") {
                Some(Value::Array(a)) => {
                    if let Some(id) = a.first().and_then(Value::as_str) {
                        if ids.contains(id) {
                            let attr = a.get(1).and_then(Value::as_str).unwrap_or_default();
                            out.push((id.to_string(), attr.to_string(), "getatt"));
                        }
                    }
                }
                Some(Value::String(s)) => {
                    let (id, attr) = s.split_once('.').unwrap_or((s, ""));
                    if ids.contains(id) {
                        out.push((id.to_string(), attr.to_string(), "getatt"));
                    }
                }
                _ => {}
            }
            if let Some(sub) = o.get("Fn::Sub") {
                let (text, vars) = match sub {
                    Value::String(t) => (Some(t.as_str()), None),
                    Value::Array(a) => (
                        a.first().and_then(Value::as_str),
                        a.get(1).and_then(Value::as_object),
                    ),
                    _ => (None, None),
                };
                if let Some(t) = text {
                    for (name, attr) in sub_vars(t) {
                        if vars.is_some_and(|m| m.contains_key(&name)) {
                            continue;
                        }
                        if ids.contains(name.as_str()) {
                            out.push((name, attr, "sub"));
                        }
                    }
                }
            }
            for x in o.values() {
                template_refs(x, ids, out, depth + 1);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| template_refs(x, ids, out, depth + 1)),
        _ => {}
    }
}

/// `${Name}` / `${Name.Attr}` in an `Fn::Sub` string (`${!Literal}` is not a reference).
fn sub_vars(t: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        let Some(j) = after.find('}') else { break };
        let inner = after[..j].trim();
        if !inner.starts_with('!') {
            let (n, a) = inner.split_once('.').unwrap_or((inner, ""));
            out.push((n.to_string(), a.to_string()));
        }
        rest = &after[j + 1..];
    }
    out
}

/// An export or import name as a string: a literal, or an `Fn::Sub` with the stack name.
fn name_of(v: &Value, stack: Option<&str>) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => {
            let t = match o.get("Fn::Sub")? {
                Value::String(t) => t.clone(),
                Value::Array(a) => a.first()?.as_str()?.to_string(),
                _ => return None,
            };
            let stack = stack?;
            Some(t.replace("${AWS::StackName}", stack))
        }
        _ => None,
    }
}

/// The template's graph: `Ref`, `Fn::GetAtt`, `Fn::Sub` and `DependsOn` edges between
/// resources of `head` (and of `base`, for resources the change deletes), the exports it
/// declares and the `Fn::ImportValue`s it uses. `stack` resolves `${AWS::StackName}`.
pub fn template_graph(plan: &mut Plan, base: Option<&Value>, head: &Value, stack: Option<&str>) {
    plan.from_template = true;
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for doc in [Some(head), base].into_iter().flatten() {
        let Some(res) = doc.get("Resources").and_then(Value::as_object) else {
            continue;
        };
        let ids: BTreeSet<&str> = res.keys().map(String::as_str).collect();
        for (id, r) in res {
            if !seen.insert(id.clone()) {
                continue;
            }
            if let Some(t) = r.get("Type").and_then(Value::as_str) {
                plan.types.insert(id.clone(), t.to_string());
            }
            if let Some(props) = r.get("Properties").and_then(Value::as_object) {
                for (prop, v) in props {
                    let mut refs = Vec::new();
                    template_refs(v, &ids, &mut refs, 0);
                    for (to, attr, kind) in refs {
                        plan.edges.push(Edge {
                            from: id.clone(),
                            to,
                            kind: kind.into(),
                            attributes: vec![prop.clone()],
                            target_attributes: vec![attr],
                        });
                    }
                    let mut imports = Vec::new();
                    collect_imports(v, stack, &mut imports, 0);
                    for n in imports {
                        plan.imports.push((id.clone(), n));
                    }
                }
            }
            let deps = match r.get("DependsOn") {
                Some(Value::String(d)) => vec![d.clone()],
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
                _ => Vec::new(),
            };
            for d in deps.into_iter().filter(|d| ids.contains(d.as_str())) {
                plan.edges.push(Edge {
                    from: id.clone(),
                    to: d,
                    kind: "depends_on".into(),
                    attributes: vec![],
                    target_attributes: vec![],
                });
            }
        }
        if std::ptr::eq(doc, head) {
            if let Some(outs) = doc.get("Outputs").and_then(Value::as_object) {
                for o in outs.values() {
                    let Some(name) = o.pointer("/Export/Name").and_then(|n| name_of(n, stack))
                    else {
                        continue;
                    };
                    let mut refs = Vec::new();
                    if let Some(v) = o.get("Value") {
                        template_refs(v, &ids, &mut refs, 0);
                    }
                    let producers: BTreeSet<String> =
                        refs.into_iter().map(|(id, _, _)| id).collect();
                    if !producers.is_empty() {
                        plan.exports.insert(name, producers.into_iter().collect());
                    }
                }
            }
        }
    }
    plan.imports.sort();
    plan.imports.dedup();
}

fn collect_imports(v: &Value, stack: Option<&str>, out: &mut Vec<String>, depth: usize) {
    if depth > 64 {
        return;
    }
    match v {
        Value::Object(o) => {
            if let Some(n) = o.get("Fn::ImportValue").and_then(|n| name_of(n, stack)) {
                out.push(n);
            }
            for x in o.values() {
                collect_imports(x, stack, out, depth + 1);
            }
        }
        Value::Array(a) => a
            .iter()
            .for_each(|x| collect_imports(x, stack, out, depth + 1)),
        _ => {}
    }
}

fn read_json(path: &Path, shown: &str) -> Result<Value> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let bytes = super::decode_text(bytes, shown)?;
    parse_json(&bytes, shown)
}

/// Logical id -> construct path.
type Constructs = BTreeMap<String, String>;

/// The `aws:cdk:logicalId` entries of a stack's metadata (construct path -> entries).
fn logical_ids(md: &serde_json::Map<String, Value>, constructs: &mut Constructs) {
    for (path, entries) in md {
        for e in entries.as_array().map(Vec::as_slice).unwrap_or(&[]) {
            if e.get("type").and_then(Value::as_str) == Some("aws:cdk:logicalId") {
                if let Some(lid) = e.get("data").and_then(Value::as_str) {
                    let p = path
                        .trim_start_matches('/')
                        .trim_end_matches("/Resource")
                        .trim_end_matches("/Default");
                    constructs.insert(lid.to_string(), p.to_string());
                }
            }
        }
    }
}

/// The stacks of a cloud assembly: artifact id -> (template file, constructs).
fn stacks(dir: &Path, shown: &str) -> Result<BTreeMap<String, (String, Constructs, String)>> {
    let manifest = read_json(
        &dir.join("manifest.json"),
        &format!("{shown}/manifest.json"),
    )?;
    let Some(artifacts) = manifest.get("artifacts").and_then(Value::as_object) else {
        bail!("{shown}/manifest.json: no artifacts (not a CDK cloud assembly)");
    };
    let mut out = BTreeMap::new();
    for (id, a) in artifacts {
        if a.get("type").and_then(Value::as_str) != Some("aws:cloudformation:stack") {
            continue;
        }
        let Some(template) = a
            .pointer("/properties/templateFile")
            .and_then(Value::as_str)
        else {
            bail!("{shown}/manifest.json: stack {id} has no properties.templateFile");
        };
        if !crate::change::is_safe_relative_path(template) {
            bail!(
                "{shown}/manifest.json: stack {id}: template path {template:?} leaves the assembly"
            );
        }
        let mut constructs = BTreeMap::new();
        if let Some(md) = a.get("metadata").and_then(Value::as_object) {
            logical_ids(md, &mut constructs);
        }
        // CDK 2.1xx+ moves a stack's metadata out of manifest.json into its own file.
        if let Some(file) = a.get("additionalMetadataFile").and_then(Value::as_str) {
            if !crate::change::is_safe_relative_path(file) {
                bail!(
                    "{shown}/manifest.json: stack {id}: metadata path {file:?} leaves the assembly"
                );
            }
            let md = read_json(&dir.join(file), &format!("{shown}/{file}"))?;
            let Some(md) = md.as_object() else {
                bail!("{shown}/{file}: not a JSON object of construct paths");
            };
            logical_ids(md, &mut constructs);
        }
        let stack_name = a
            .pointer("/properties/stackName")
            .and_then(Value::as_str)
            .unwrap_or(id)
            .to_string();
        out.insert(id.clone(), (template.to_string(), constructs, stack_name));
    }
    if out.is_empty() {
        bail!("{shown}/manifest.json: no CloudFormation stack artifacts");
    }
    Ok(out)
}

/// Loads a CDK assembly, one plan per stack; with `base`, each stack is diffed against the
/// same stack of the base assembly.
pub fn load_cdk_stacks(dir: &Path, base: Option<&Path>, shown: &str) -> Result<Vec<Plan>> {
    let head = stacks(dir, shown)?;
    let base_stacks = match base {
        Some(b) => Some(stacks(b, &b.display().to_string())?),
        None => None,
    };
    let mut plans = Vec::new();
    for (id, (template, constructs, stack_name)) in &head {
        let name = format!("{shown}/{template}");
        let path = dir.join(template);
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let bytes = super::decode_text(bytes, &name)?;
        let doc = parse_json(&bytes, &name)?;
        let base_doc = match (&base_stacks, base) {
            (Some(bs), Some(bdir)) => match bs.get(id) {
                Some((bt, _, _)) => Some(read_json(
                    &bdir.join(bt),
                    &format!("{}/{bt}", bdir.display()),
                )?),
                None => None,
            },
            _ => None,
        };
        let mut plan = parse_template_pair(base_doc.as_ref(), &doc, &name, Some(constructs))?;
        plan.tool = "cdk".into();
        template_graph(&mut plan, base_doc.as_ref(), &doc, Some(stack_name));
        plan.raw = doc.clone();
        super::locate_lines(&mut plan, &bytes);
        plans.push(plan);
    }
    Ok(plans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn template_diff_finds_replacements_and_deletions() {
        let base = json!({"Resources": {
            "Db": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "postgres", "DBInstanceIdentifier": "a"}, "DeletionPolicy": "Snapshot"},
            "Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "q"}},
            "T": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "x"}}
        }});
        let head = json!({"Resources": {
            "Db": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "postgres", "DBInstanceIdentifier": "b"}, "DeletionPolicy": "Snapshot", "UpdateReplacePolicy": "Snapshot"},
            "T": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "y"}},
            "N": {"Type": "AWS::SNS::Topic", "Properties": {}}
        }});
        let plan = parse_template_pair(Some(&base), &head, "t.json", None).expect("diff");
        let by: BTreeMap<&str, &ResourceChange> = plan
            .resources
            .iter()
            .map(|r| (r.address.as_str(), r))
            .collect();
        assert!(by["Db"].replace);
        assert_eq!(by["Db"].replace_reasons, vec!["DBInstanceIdentifier"]);
        assert_eq!(by["Q"].actions, vec!["delete"]);
        assert_eq!(by["T"].actions, vec!["update"]);
        assert_eq!(by["N"].actions, vec!["create"]);
        assert_eq!(plan.summary.replace, 1);
    }

    #[test]
    fn change_set_context_may_be_a_json_string() {
        let doc = json!({"ChangeSetId": "x", "Changes": [{"Type": "Resource", "ResourceChange": {
            "Action": "Modify", "Replacement": "Conditional", "LogicalResourceId": "Db",
            "ResourceType": "AWS::RDS::DBInstance",
            "AfterContext": "{\"Properties\": {\"PubliclyAccessible\": \"true\"}}",
            "Details": [{"Target": {"Attribute": "Properties", "Name": "PubliclyAccessible", "RequiresRecreation": "Conditionally"}}]
        }}]});
        let plan = parse_change_set(&doc, "cs.json").expect("parses");
        let r = &plan.resources[0];
        assert!(r.replace);
        assert_eq!(r.after["PubliclyAccessible"], json!("true"));
        assert_eq!(r.replace_reasons, vec!["PubliclyAccessible"]);
    }
}
