//! The plan's dependency graph and what each change takes with it.
//!
//! Every parser records edges from a resource to what it references (Terraform configuration
//! references through module calls, `depends_on` and the prior state's `dependencies`;
//! Pulumi `dependencies`, `propertyDependencies`, `parent` and `provider`; CloudFormation
//! `Ref`, `Fn::GetAtt`, `Fn::Sub`, `DependsOn`, change-set `CausingEntity` and, across stacks,
//! `Fn::ImportValue`). [`link`] then walks the edges backwards from each updated, deleted or
//! replaced resource and records its downstream resources and what the plan does to each.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::Serialize;

use super::{Plan, ResourceChange};

/// `from` references (or is ordered after) `to`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    pub from: String,
    pub to: String,
    /// `reference`, `depends_on`, `state`, `dependency`, `property`, `parent`, `provider`,
    /// `ref`, `getatt`, `sub`, `import`, `causing_entity`.
    pub kind: String,
    /// Top-level attributes of `from` that hold the reference, when the tool says.
    pub attributes: Vec<String>,
    /// Attributes of `to` that are referenced (`id`, `arn`, `address`), when the tool says.
    pub target_attributes: Vec<String>,
}

/// A resource downstream of a changed one, and what the plan does to it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Downstream {
    pub address: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    /// `replaced`, `deleted`, `re-pointed` (updated in place, and an attribute that references
    /// the change is what changes: it follows the new identity or endpoint), `updated` (updated
    /// in place otherwise), `read` (a data source read again), `created`, or `unchanged` (it
    /// depends on the change but the plan leaves it as it is; it is not walked further).
    pub effect: String,
    /// The dependent's replacement (or in-place change) is forced through the referencing
    /// attributes, as far as the plan says.
    pub caused: bool,
    /// The resources it depends on directly on the way (the changed one or intermediates
    /// nearer to it).
    pub via: Vec<String>,
    /// Its attributes that hold those references.
    pub attributes: Vec<String>,
    /// The attributes of `via` it reads (`id`, `arn`, `endpoint` ...), when known.
    pub references: Vec<String>,
    /// 1 for a direct dependent.
    pub depth: u32,
    pub category: String,
    pub criticality: String,
    pub stateful: bool,
    /// Another plan (stack) when the dependent is there (`Fn::ImportValue`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
}

/// Attributes that name a resource to its dependents: when they change, whoever uses them
/// must follow.
pub const IDENTITY: &[&str] = &[
    "id",
    "arn",
    "name",
    "endpoint",
    "address",
    "dns_name",
    "fqdn",
    "url",
    "zone_id",
    "hosted_zone_id",
    "invoke_arn",
    "qualified_arn",
    "domain_name",
    "private_ip",
    "public_ip",
    "reader_endpoint",
    "configuration_endpoint_address",
    "primary_endpoint_address",
    "connection_name",
    "self_link",
    "urn",
];

/// Most dependents listed per changed resource; the count past it is still right in
/// `downstream_total`.
pub const MAX_DOWNSTREAM: usize = 500;
/// Past this many listed dependents in one plan, resources whose change comes from upstream
/// list at most [`MAX_INHERITED`].
pub const PLAN_BUDGET: usize = 20_000;
pub const MAX_INHERITED: usize = 10;

fn top(attr: &str) -> String {
    attr.split(['.', '['])
        .next()
        .unwrap_or(attr)
        .to_ascii_lowercase()
}

fn norm(k: &str) -> String {
    k.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

fn destroys(r: &ResourceChange) -> bool {
    r.actions.iter().any(|a| a == "delete")
}

fn walks_from(r: &ResourceChange) -> bool {
    r.actions
        .iter()
        .any(|a| a == "update" || a == "delete" || a == "read")
        || r.replace
}

/// The identity attributes of `r` that change: all referenced ones when it is replaced, the
/// changed ones among [`IDENTITY`] when it is updated.
fn identity_changes(r: &ResourceChange, referenced: &BTreeSet<String>) -> Vec<String> {
    let ident = |a: &str| IDENTITY.iter().any(|i| norm(i) == norm(a));
    let mut out: BTreeSet<String> = BTreeSet::new();
    if r.replace || (destroys(r) && !r.actions.iter().any(|a| a == "create")) {
        for a in referenced {
            out.insert(a.clone());
        }
        if out.is_empty() {
            for a in ["id", "arn"] {
                out.insert(a.to_string());
            }
        }
    } else if r.actions.iter().any(|a| a == "update") {
        for a in &r.changed_attributes {
            if ident(a) {
                out.insert(a.clone());
            }
        }
    }
    out.into_iter().collect()
}

/// Fills `depends_on`, `downstream`, `downstream_total`, `caused_by` and `identity_changes`
/// of every resource of `plan` from `plan.edges`. `types` gives the type of resources the
/// plan leaves unchanged (they are graph nodes, not listed resources).
pub fn link(plan: &mut Plan, types: &BTreeMap<String, String>) {
    let mut edges = std::mem::take(&mut plan.edges);
    edges.retain(|e| e.from != e.to);
    edges.sort();
    edges.dedup();
    let index: BTreeMap<String, usize> = plan
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.address.clone(), i))
        .collect();
    let mut reverse: BTreeMap<&str, Vec<&Edge>> = BTreeMap::new();
    let mut forward: BTreeMap<&str, Vec<&Edge>> = BTreeMap::new();
    for e in &edges {
        reverse.entry(e.to.as_str()).or_default().push(e);
        forward.entry(e.from.as_str()).or_default().push(e);
    }
    let template_diff = matches!(plan.tool.as_str(), "cloudformation" | "cdk")
        && !plan.resources.iter().any(|r| r.action_reason.is_some())
        && plan.from_template;
    let mut results: Vec<(usize, Vec<Downstream>, usize)> = Vec::new();
    for (i, r) in plan.resources.iter().enumerate() {
        if !walks_from(r) {
            continue;
        }
        // Breadth first over dependents; an unchanged dependent is listed, not walked.
        let mut depth: BTreeMap<&str, u32> = BTreeMap::new();
        let mut queue: VecDeque<&str> = VecDeque::new();
        depth.insert(r.address.as_str(), 0);
        queue.push_back(r.address.as_str());
        let mut walked: BTreeSet<&str> = BTreeSet::new();
        walked.insert(r.address.as_str());
        while let Some(at) = queue.pop_front() {
            let d = depth[at];
            for e in reverse.get(at).map(Vec::as_slice).unwrap_or(&[]) {
                let from = e.from.as_str();
                if depth.contains_key(from) {
                    continue;
                }
                depth.insert(from, d + 1);
                let walkable = match index.get(from) {
                    Some(&j) => {
                        let dep = &plan.resources[j];
                        walks_from(dep) || dep.actions.iter().any(|a| a == "create")
                    }
                    // A template diff leaves referencing resources out, but CloudFormation
                    // updates them when what they reference is replaced.
                    None => template_diff || plan.read_nodes.contains(from),
                };
                if walkable {
                    walked.insert(from);
                    queue.push_back(from);
                }
            }
        }
        let mut list = Vec::new();
        // Nearer dependents first, so a dependent that a template diff infers replaced (a
        // route table of a replaced VPC) passes the replacement on (to its routes).
        let mut order: Vec<(&str, u32)> = depth.iter().map(|(&a, &d)| (a, d)).collect();
        order.sort_by_key(|&(a, d)| (d, a));
        let mut inferred_replaced: BTreeSet<&str> = BTreeSet::new();
        for (addr, d) in order {
            if d == 0 {
                continue;
            }
            let mut via = BTreeSet::new();
            let mut attrs = BTreeSet::new();
            let mut refs = BTreeSet::new();
            let mut kinds = BTreeSet::new();
            for e in forward.get(addr).map(Vec::as_slice).unwrap_or(&[]) {
                // Through what it was reached by: walked nodes nearer to the change.
                let nearer = depth.get(e.to.as_str()).is_some_and(|&t| t < d);
                if walked.contains(e.to.as_str()) && nearer {
                    via.insert(e.to.clone());
                    attrs.extend(e.attributes.iter().map(|a| top(a)));
                    refs.extend(e.target_attributes.iter().cloned());
                    kinds.insert(e.kind.as_str());
                }
            }
            let (effect, caused, ty, cat, crit, st) = match index.get(addr) {
                Some(&j) => {
                    let dep = &plan.resources[j];
                    let reasons: BTreeSet<String> =
                        dep.replace_reasons.iter().map(|a| top(a)).collect();
                    let changed: BTreeSet<String> =
                        dep.changed_attributes.iter().map(|a| top(a)).collect();
                    let (effect, caused) = if dep.replace {
                        let by = if reasons.is_empty() {
                            &changed
                        } else {
                            &reasons
                        };
                        ("replaced", attrs.iter().any(|a| by.contains(a)))
                    } else if destroys(dep) {
                        ("deleted", false)
                    } else if dep.actions.iter().any(|a| a == "update") {
                        if attrs.iter().any(|a| changed.contains(a)) {
                            ("re-pointed", true)
                        } else {
                            ("updated", false)
                        }
                    } else if dep.actions.iter().any(|a| a == "read") {
                        ("read", true)
                    } else if dep.actions.iter().any(|a| a == "create") {
                        ("created", false)
                    } else {
                        ("unchanged", false)
                    };
                    (
                        effect,
                        caused,
                        dep.resource_type.clone(),
                        dep.category.clone(),
                        dep.criticality.clone(),
                        dep.stateful,
                    )
                }
                None => {
                    let ty = types.get(addr).cloned().unwrap_or_default();
                    let effect = if plan.read_nodes.contains(addr) {
                        "read"
                    } else if template_diff
                        && kinds.iter().any(|k| matches!(*k, "ref" | "getatt" | "sub"))
                        && via.iter().any(|v| {
                            inferred_replaced.contains(v.as_str())
                                || index
                                    .get(v.as_str())
                                    .is_some_and(|&j| plan.resources[j].replace)
                        })
                    {
                        if super::cloudformation::replaces_any(&ty, &attrs) {
                            inferred_replaced.insert(addr);
                            "replaced"
                        } else {
                            "re-pointed"
                        }
                    } else {
                        "unchanged"
                    };
                    (
                        effect,
                        effect != "unchanged",
                        ty,
                        String::new(),
                        String::new(),
                        false,
                    )
                }
            };
            list.push(Downstream {
                address: addr.to_string(),
                resource_type: ty,
                effect: effect.to_string(),
                caused,
                via: via.into_iter().collect(),
                attributes: attrs.into_iter().collect(),
                references: refs.into_iter().collect(),
                depth: d,
                category: cat,
                criticality: crit,
                stateful: st,
                plan: None,
            });
        }
        list.sort_by(|a, b| (a.depth, &a.address).cmp(&(b.depth, &b.address)));
        let total = list.len();
        results.push((i, list, total));
    }
    // What dependents read of each resource: the identity attributes that matter.
    let mut referenced: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for e in &edges {
        referenced
            .entry(e.to.as_str())
            .or_default()
            .extend(e.target_attributes.iter().cloned());
    }
    let idents: Vec<Vec<String>> = plan
        .resources
        .iter()
        .map(|r| {
            identity_changes(
                r,
                referenced
                    .get(r.address.as_str())
                    .unwrap_or(&BTreeSet::new()),
            )
        })
        .collect();
    let mut deps: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for e in &edges {
        deps.entry(e.from.as_str())
            .or_default()
            .insert(e.to.clone());
    }
    let deps: Vec<Vec<String>> = plan
        .resources
        .iter()
        .map(|r| {
            deps.get(r.address.as_str())
                .map(|s| s.iter().cloned().collect())
                .unwrap_or_default()
        })
        .collect();
    let mut caused_by: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (i, list, _) in &results {
        let up = &plan.resources[*i];
        if !destroys(up) && idents[*i].is_empty() {
            continue;
        }
        for d in list {
            if d.effect != "unchanged" {
                caused_by
                    .entry(d.address.clone())
                    .or_default()
                    .insert(up.address.clone());
            }
        }
    }
    for (r, (ident, dep)) in plan.resources.iter_mut().zip(idents.into_iter().zip(deps)) {
        r.identity_changes = ident;
        r.depends_on = dep;
        r.caused_by = caused_by
            .remove(&r.address)
            .map(|s| s.into_iter().collect())
            .unwrap_or_default();
    }
    // Bounded facts: at most MAX_DOWNSTREAM dependents listed per resource and, past
    // PLAN_BUDGET entries in a plan, MAX_INHERITED for the resources whose change comes from
    // upstream (their dependents are listed with the resource the change starts at).
    let listed: usize = results
        .iter()
        .map(|(_, l, _)| l.len().min(MAX_DOWNSTREAM))
        .sum();
    for (i, mut list, total) in results {
        let cap = if listed > PLAN_BUDGET && !plan.resources[i].caused_by.is_empty() {
            MAX_INHERITED
        } else {
            MAX_DOWNSTREAM
        };
        list.truncate(cap);
        plan.resources[i].downstream_total = total;
        plan.resources[i].downstream = list;
    }
    plan.edges = edges;
}

/// Resources of other plans that import what a resource of `plans[i]` exports
/// (`Fn::ImportValue` of an `Export.Name`), added to its downstream with their own.
pub fn link_across(plans: &mut [Plan]) {
    let mut exports: BTreeMap<String, (usize, Vec<String>)> = BTreeMap::new();
    for (i, p) in plans.iter().enumerate() {
        for (name, ids) in &p.exports {
            exports.insert(name.clone(), (i, ids.clone()));
        }
    }
    let mut add: Vec<(usize, String, Downstream)> = Vec::new();
    for (j, p) in plans.iter().enumerate() {
        for (consumer, name) in &p.imports {
            let Some((i, producers)) = exports.get(name) else {
                continue;
            };
            if *i == j {
                continue;
            }
            let found = p.resources.iter().find(|r| &r.address == consumer);
            let (ty, effect, cat, crit, st) = match found {
                Some(r) => (
                    r.resource_type.clone(),
                    if r.replace {
                        "replaced"
                    } else if destroys(r) {
                        "deleted"
                    } else if r.actions.iter().any(|a| a == "update") {
                        "updated"
                    } else {
                        "created"
                    },
                    r.category.clone(),
                    r.criticality.clone(),
                    r.stateful,
                ),
                None => (
                    p.types.get(consumer).cloned().unwrap_or_default(),
                    "unchanged",
                    String::new(),
                    String::new(),
                    false,
                ),
            };
            for prod in producers {
                add.push((
                    *i,
                    prod.clone(),
                    Downstream {
                        address: consumer.clone(),
                        resource_type: ty.clone(),
                        effect: effect.to_string(),
                        caused: false,
                        via: vec![prod.clone()],
                        attributes: Vec::new(),
                        references: vec![format!("export {name}")],
                        depth: 1,
                        category: cat.clone(),
                        criticality: crit.clone(),
                        stateful: st,
                        plan: Some(p.path.clone()),
                    },
                ));
            }
        }
    }
    for (i, prod, d) in add {
        if let Some(r) = plans[i].resources.iter_mut().find(|r| r.address == prod) {
            if !r
                .downstream
                .iter()
                .any(|x| x.address == d.address && x.plan == d.plan)
            {
                r.downstream.push(d);
                r.downstream_total += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rc(addr: &str, actions: &[&str], changed: &[&str], reasons: &[&str]) -> ResourceChange {
        ResourceChange {
            address: addr.into(),
            resource_type: addr.split('.').next().unwrap_or_default().into(),
            actions: actions.iter().map(|s| s.to_string()).collect(),
            replace: actions.len() == 2,
            changed_attributes: changed.iter().map(|s| s.to_string()).collect(),
            replace_reasons: reasons.iter().map(|s| s.to_string()).collect(),
            ..ResourceChange::default()
        }
    }

    fn edge(from: &str, to: &str, attr: &str, target: &str) -> Edge {
        Edge {
            from: from.into(),
            to: to.into(),
            kind: "reference".into(),
            attributes: vec![attr.into()],
            target_attributes: vec![target.into()],
        }
    }

    #[test]
    fn downstream_is_transitive_with_effects() {
        let mut plan = Plan {
            path: "p.json".into(),
            tool: "terraform".into(),
            resources: vec![
                rc(
                    "aws_vpc.main",
                    &["delete", "create"],
                    &["cidr_block"],
                    &["cidr_block"],
                ),
                rc(
                    "aws_subnet.a",
                    &["delete", "create"],
                    &["vpc_id"],
                    &["vpc_id"],
                ),
                rc(
                    "aws_db_subnet_group.main",
                    &["update"],
                    &["subnet_ids"],
                    &[],
                ),
                rc("aws_instance.app", &["update"], &["tags"], &[]),
            ],
            edges: vec![
                edge("aws_subnet.a", "aws_vpc.main", "vpc_id", "id"),
                edge(
                    "aws_db_subnet_group.main",
                    "aws_subnet.a",
                    "subnet_ids",
                    "id",
                ),
                edge("aws_instance.app", "aws_subnet.a", "subnet_id", "id"),
                edge(
                    "aws_route53_record.x",
                    "aws_instance.app",
                    "records",
                    "private_ip",
                ),
            ],
            ..Plan::default()
        };
        link(&mut plan, &BTreeMap::new());
        let vpc = &plan.resources[0];
        let got: Vec<(&str, &str, u32)> = vpc
            .downstream
            .iter()
            .map(|d| (d.address.as_str(), d.effect.as_str(), d.depth))
            .collect();
        assert_eq!(
            got,
            vec![
                ("aws_subnet.a", "replaced", 1),
                ("aws_db_subnet_group.main", "re-pointed", 2),
                ("aws_instance.app", "updated", 2),
                ("aws_route53_record.x", "unchanged", 3),
            ]
        );
        assert!(vpc.downstream[0].caused);
        assert_eq!(vpc.identity_changes, vec!["id"]);
        assert_eq!(plan.resources[1].caused_by, vec!["aws_vpc.main"]);
        assert!(plan.resources[0].caused_by.is_empty());
        assert_eq!(plan.resources[1].depends_on, vec!["aws_vpc.main"]);
    }
}
