//! The blast radius as a Mermaid flowchart, for the Markdown summary (GitHub renders Mermaid
//! in pull-request comments and job summaries). Nodes are the changed resources whose change
//! reaches others (the roots) and what it reaches, styled by what the plan does to each;
//! arrows go from a resource to the one that depends on it. Big plans are cut at
//! [`MAX_NODES`] nodes (roots first, then by depth), with a note saying so.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::Plan;

pub const MAX_NODES: usize = 40;
pub const MAX_EDGES: usize = 120;

/// The chart and how many resources it left out, or None when no change reaches another.
pub struct Chart {
    pub text: String,
    pub drawn: usize,
    pub total: usize,
}

/// Mermaid label text: quotes and angle brackets as entities (the label is quoted).
fn label(s: &str) -> String {
    s.replace('&', "#amp;")
        .replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace(['\n', '\r'], " ")
}

/// The style class of what happens to a node.
fn class(effect: &str) -> &'static str {
    match effect {
        "replaced" | "replace" => "replace",
        "deleted" | "delete" => "delete",
        "created" | "create" => "create",
        "re-pointed" | "updated" | "update" => "update",
        "read" => "read",
        _ => "unchanged",
    }
}

fn own_effect(actions: &[String], replace: bool) -> &'static str {
    if replace {
        "replaced"
    } else if actions.iter().any(|a| a == "delete") {
        "deleted"
    } else if actions.iter().any(|a| a == "update") {
        "updated"
    } else if actions.iter().any(|a| a == "create") {
        "created"
    } else {
        "unchanged"
    }
}

pub fn blast_radius(plans: &[Plan]) -> Option<Chart> {
    // Nodes in drawing order: (plan index, address) -> (label effect, type).
    let mut order: Vec<(usize, String)> = Vec::new();
    let mut info: BTreeMap<(usize, String), (String, String)> = BTreeMap::new();
    let mut total: BTreeSet<(usize, String)> = BTreeSet::new();
    for (pi, p) in plans.iter().enumerate() {
        let mut roots: Vec<&super::ResourceChange> = p
            .resources
            .iter()
            .filter(|r| {
                r.caused_by.is_empty() && r.downstream.iter().any(|d| d.effect != "unchanged")
            })
            .collect();
        // The widest blast first.
        roots.sort_by(|a, b| {
            b.downstream_total
                .cmp(&a.downstream_total)
                .then_with(|| a.address.cmp(&b.address))
        });
        for r in &roots {
            let key = (pi, r.address.clone());
            total.insert(key.clone());
            if !info.contains_key(&key) {
                info.insert(
                    key.clone(),
                    (
                        own_effect(&r.actions, r.replace).to_string(),
                        r.resource_type.clone(),
                    ),
                );
                order.push(key);
            }
        }
        for r in &roots {
            let mut ds: Vec<&super::graph::Downstream> =
                r.downstream.iter().filter(|d| d.plan.is_none()).collect();
            ds.sort_by(|a, b| (a.depth, &a.address).cmp(&(b.depth, &b.address)));
            for d in ds {
                let key = (pi, d.address.clone());
                total.insert(key.clone());
                if !info.contains_key(&key) {
                    info.insert(key.clone(), (d.effect.clone(), d.resource_type.clone()));
                    order.push(key);
                }
            }
        }
    }
    if order.is_empty() {
        return None;
    }
    let drawn: Vec<(usize, String)> = order.into_iter().take(MAX_NODES).collect();
    let ids: BTreeMap<&(usize, String), String> = drawn
        .iter()
        .enumerate()
        .map(|(i, k)| (k, format!("n{i}")))
        .collect();
    let mut s = String::new();
    s.push_str("flowchart LR\n");
    let multi = plans.len() > 1;
    for (pi, p) in plans.iter().enumerate() {
        let nodes: Vec<&(usize, String)> = drawn.iter().filter(|k| k.0 == pi).collect();
        if nodes.is_empty() {
            continue;
        }
        if multi {
            let _ = writeln!(s, "  subgraph p{pi}[\"{}\"]", label(&p.path));
        }
        for k in nodes {
            let (effect, ty) = &info[k];
            let _ = writeln!(
                s,
                "  {}[\"{}<br/>{}\"]:::{}",
                ids[k],
                label(&k.1),
                label(&if ty.is_empty() {
                    effect.clone()
                } else {
                    format!("{ty} · {effect}")
                }),
                class(effect)
            );
        }
        if multi {
            s.push_str("  end\n");
        }
    }
    // Arrows: dependency -> dependent, for edges between drawn nodes along the blast.
    let mut arrows: BTreeSet<(String, String)> = BTreeSet::new();
    for (pi, p) in plans.iter().enumerate() {
        for e in &p.edges {
            let (from, to) = ((pi, e.from.clone()), (pi, e.to.clone()));
            let (Some(f), Some(t)) = (ids.get(&from), ids.get(&to)) else {
                continue;
            };
            if info[&to].0 == "unchanged" {
                continue;
            }
            arrows.insert((t.clone(), f.clone()));
        }
    }
    for (t, f) in arrows.iter().take(MAX_EDGES) {
        let _ = writeln!(s, "  {t} --> {f}");
    }
    s.push_str("  classDef replace fill:#f8d7da,stroke:#b02a37,color:#000\n");
    s.push_str("  classDef delete fill:#b02a37,stroke:#58151c,color:#fff\n");
    s.push_str("  classDef update fill:#fff3cd,stroke:#997404,color:#000\n");
    s.push_str("  classDef create fill:#d1e7dd,stroke:#146c43,color:#000\n");
    s.push_str("  classDef read fill:#cfe2ff,stroke:#084298,color:#000\n");
    s.push_str("  classDef unchanged fill:#e9ecef,stroke:#6c757d,color:#000\n");
    Some(Chart {
        text: s,
        drawn: drawn.len(),
        total: total.len(),
    })
}

/// The Markdown section: a heading, the fenced chart, a legend and, when cut, a note.
pub fn markdown_section(plans: &[Plan]) -> Option<String> {
    let c = blast_radius(plans)?;
    let mut s = String::from("**Blast radius**\n\n```mermaid\n");
    s.push_str(&c.text);
    s.push_str("```\n\n");
    s.push_str("_Red: replaced or deleted · yellow: updated in place (re-pointed) · green: created · blue: read again · grey: depends on it, unchanged. An arrow goes from a resource to one that depends on it._\n");
    if c.drawn < c.total {
        let _ = writeln!(
            s,
            "\n_{} of {} resources drawn; the facts list the dependents of each change (`infra.plans[].resources[].downstream`, `downstream_total`)._",
            c.drawn, c.total
        );
    }
    s.push('\n');
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::infra::graph::{link, Edge};
    use crate::infra::ResourceChange;

    fn plan(n: usize) -> Plan {
        let mut resources = vec![ResourceChange {
            address: "aws_vpc.main".into(),
            resource_type: "aws_vpc".into(),
            actions: vec!["delete".into(), "create".into()],
            replace: true,
            ..ResourceChange::default()
        }];
        let mut edges = Vec::new();
        for i in 0..n {
            let a = format!("aws_subnet.s[\"{i}\"]");
            resources.push(ResourceChange {
                address: a.clone(),
                resource_type: "aws_subnet".into(),
                actions: vec!["delete".into(), "create".into()],
                replace: true,
                replace_reasons: vec!["vpc_id".into()],
                ..ResourceChange::default()
            });
            edges.push(Edge {
                from: a,
                to: "aws_vpc.main".into(),
                kind: "reference".into(),
                attributes: vec!["vpc_id".into()],
                target_attributes: vec!["id".into()],
            });
        }
        let mut p = Plan {
            path: "plan.json".into(),
            tool: "terraform".into(),
            resources,
            edges,
            ..Plan::default()
        };
        link(&mut p, &BTreeMap::new());
        p
    }

    #[test]
    fn small_plans_are_drawn_whole_and_labels_escaped() {
        let c = blast_radius(&[plan(2)]).expect("chart");
        assert_eq!((c.drawn, c.total), (3, 3));
        assert!(
            c.text
                .contains("n0[\"aws_vpc.main<br/>aws_vpc · replaced\"]:::replace"),
            "{}",
            c.text
        );
        assert!(c.text.contains("aws_subnet.s[#quot;0#quot;]"), "{}", c.text);
        assert!(c.text.contains("  n0 --> n1\n"), "{}", c.text);
    }

    #[test]
    fn big_plans_are_bounded() {
        let c = blast_radius(&[plan(100)]).expect("chart");
        assert_eq!((c.drawn, c.total), (MAX_NODES, 101));
        let s = markdown_section(&[plan(100)]).expect("section");
        assert!(s.contains("40 of 101 resources drawn"), "{s}");
        assert!(blast_radius(&[Plan::default()]).is_none());
    }
}
