//! The whole graph as BloodHound OpenGraph, for BloodHound CE: the data
//! payload (`graph.json`) and the extension definition schema that gives our
//! kinds their icons, colours and traversability (`schema.json`).
//!
//! Every node is `{"id", "kinds": ["BG_<Class>", "BG_Base"], "properties"}`
//! and every edge `{"kind": "BG_<EdgeKind>", "start": {"value", "match_by":
//! "id"}, "end": {…}, "properties"}`, under the namespace `BG` that
//! BloodHound's extension schemas ask for. Properties are flat primitives
//! (OpenGraph's rule): on nodes the name, class, provider, provider kind,
//! owner, environment and dates, and the tags as the text of one JSON object;
//! on edges our edge kind, access level, mechanism, whether it is
//! conditional and why, what it gives an attacker who holds its start as
//! blast decides it (`pivot`: the attacker goes on from its end;
//! `target_access`: the access recorded on a target end), and its
//! provenance (file, place, reason).
//!
//! What a BloodHound kind cannot say is written as `blastgraph_*` properties,
//! which our own reader (`blastgraph-connector-opengraph`, docs/opengraph.md)
//! honours, so that the file reads back as the graph it came from: same
//! nodes, same edges, same tags. Only provenance changes on the way back: it
//! then names `graph.json`, with the original file, place and reason kept as
//! the `source`, `location` and `reason` properties. The graph holds no
//! secret value, so none is written.
//!
//! Text is JSON-escaped by `serde_json`: control characters and quotes in
//! names survive as they are. The file is one record per line, in graph
//! order, so the same graph gives the same bytes.

use std::fmt::Write;

use blastgraph_graph::Graph;
use blastgraph_model::{Class, EdgeKind};
use serde_json::{Map, Value, json};

/// The namespace of our kinds in BloodHound (`BG_Workload`, `BG_CanAssume`).
pub const NAMESPACE: &str = "BG";
/// The kind every exported node has, also the payload's `source_kind`.
pub const BASE_KIND: &str = "BG_Base";
/// The file names this export writes.
pub const GRAPH_FILE: &str = "graph.json";
/// The extension definition schema's file name.
pub const SCHEMA_FILE: &str = "schema.json";

/// A word of our vocabulary in BloodHound's PascalCase: `can_act_as` →
/// `CanActAs`.
fn pascal(word: &str) -> String {
    word.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// The BloodHound node kind of a class: `BG_Workload`.
pub fn node_kind(class: Class) -> String {
    format!("{NAMESPACE}_{}", pascal(class.as_str()))
}

/// The BloodHound edge kind of an edge kind: `BG_CanActAs`.
pub fn edge_kind(kind: EdgeKind) -> String {
    format!("{NAMESPACE}_{}", pascal(kind.as_str()))
}

/// How a class looks in BloodHound: Font Awesome icon (solid, without the
/// `fa-` prefix) and colour.
fn look(class: Class) -> (&'static str, &'static str) {
    match class {
        Class::Human => ("user", "#2F80ED"),
        Class::Workload => ("robot", "#7B61FF"),
        Class::Group => ("users", "#F2994A"),
        Class::Credential => ("key", "#EB5757"),
        Class::Secret => ("user-secret", "#B03A2E"),
        Class::Dataset => ("database", "#27AE60"),
        Class::Model => ("brain", "#9B51E0"),
        Class::Tool => ("wrench", "#2D9CDB"),
        Class::Scope => ("building", "#4F4F4F"),
    }
}

/// What a class means (DESIGN.md's table).
fn class_description(class: Class) -> &'static str {
    match class {
        Class::Human => "A person: IAM user used by a person, Entra user, Okta user",
        Class::Workload => {
            "A non-human identity: IAM role, service principal, managed identity, Kubernetes service account, Vault role, CI workflow, AI agent, OAuth app"
        }
        Class::Group => "A group or role whose members inherit its permissions",
        Class::Credential => {
            "Access key, client secret, certificate, API key, PAT, federated credential"
        }
        Class::Secret => {
            "A stored secret: Secrets Manager, SSM SecureString, Key Vault secret, Vault KV path"
        }
        Class::Dataset => "Data: buckets, storage, databases, vector indexes, mailboxes",
        Class::Model => "A model, its endpoint, deployment or registry",
        Class::Tool => {
            "A function, agent action group, MCP server, API, repository, pipeline or compute"
        }
        Class::Scope => "Everything in here: account admin, tenant admin, subscription owner",
    }
}

/// What an edge kind means (DESIGN.md's table).
fn edge_description(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::MemberOf => "Inherits the group's permissions",
        EdgeKind::CanAssume => "sts:AssumeRole and friends, with both sides' policies satisfied",
        EdgeKind::CanActAs => "Runs code or sessions as another identity; the mechanism is named",
        EdgeKind::CanEscalate => {
            "Can grant itself more; ends at the scope's admin node or a bounded identity"
        }
        EdgeKind::CanReadSecret => "Can read a secret's value",
        EdgeKind::HoldsCredential => "The secret contains the identity's credential",
        EdgeKind::AuthenticatesAs => "A credential or federated subject logs in as the identity",
        EdgeKind::OauthGrant => "An app acts with delegated or application permissions",
        EdgeKind::Access => {
            "Read, write, admin, invoke or execute on a dataset, model, tool or secret (blastgraph_access)"
        }
        EdgeKind::Contains => {
            "Structure; out of a scope's admin node it reaches everything in the scope"
        }
    }
}

/// The data payload: every node and edge of the graph.
pub fn graph_json(g: &Graph) -> String {
    let mut s = format!(
        "{{\"metadata\": {{\"source_kind\": \"{BASE_KIND}\"}},\n \"graph\": {{\n  \"nodes\": [\n"
    );
    for n in 0..g.node_count() as u32 {
        let r = g.node(n);
        let mut p = Map::new();
        p.insert("name".into(), r.name.into());
        p.insert("blastgraph_class".into(), r.class.as_str().into());
        p.insert("blastgraph_provider".into(), r.provider.into());
        p.insert("blastgraph_kind".into(), r.kind.into());
        let a = r.attrs;
        for (key, value) in [
            ("owner", &a.owner),
            ("environment", &a.environment),
            ("created", &a.created),
            ("last_used", &a.last_used),
            ("expires", &a.expires),
        ] {
            if let Some(v) = value {
                p.insert(key.into(), v.as_str().into());
            }
        }
        if !a.tags.is_empty() {
            p.insert(
                "blastgraph_tags".into(),
                serde_json::to_string(&a.tags).unwrap_or_default().into(),
            );
        }
        let node = json!({
            "id": r.id,
            "kinds": [node_kind(r.class), BASE_KIND],
            "properties": p,
        });
        record(&mut s, &node, n + 1 < g.node_count() as u32);
    }
    s.push_str("  ],\n  \"edges\": [\n");
    let edges = g.edges();
    for (e, edge) in edges.iter().enumerate() {
        let ix = e as u32;
        let mut p = Map::new();
        p.insert("blastgraph_kind".into(), edge.kind.as_str().into());
        if let Some(level) = edge.access {
            p.insert("blastgraph_access".into(), level.as_str().into());
        }
        // Our reader names the BloodHound kind as the mechanism of an acting
        // or escalating edge that gives none; an empty one says "none".
        match g.mechanism(ix) {
            Some(m) => {
                p.insert("blastgraph_mechanism".into(), m.into());
            }
            None if matches!(edge.kind, EdgeKind::CanActAs | EdgeKind::CanEscalate) => {
                p.insert("blastgraph_mechanism".into(), "".into());
            }
            None => {}
        }
        if let Some(id) = g.explicit_edge_id(ix) {
            p.insert("blastgraph_id".into(), id.into());
        }
        p.insert("conditional".into(), edge.conditional.into());
        if let Some(c) = g.condition(ix) {
            p.insert("condition".into(), c.into());
        }
        let step = blastgraph_analysis::step(edge, g.class(edge.from), g.class(edge.to));
        p.insert("pivot".into(), step.pivot.into());
        if let Some(level) = step.level {
            p.insert("target_access".into(), level.as_str().into());
        }
        let prov = g.provenance(ix);
        p.insert("source".into(), prov.source.into());
        p.insert("location".into(), prov.location.into());
        p.insert("reason".into(), prov.reason.into());
        let end = |id: &str| json!({"value": id, "match_by": "id"});
        let record_value = json!({
            "kind": edge_kind(edge.kind),
            "start": end(g.id(edge.from)),
            "end": end(g.id(edge.to)),
            "properties": p,
        });
        record(&mut s, &record_value, e + 1 < edges.len());
    }
    s.push_str("  ]\n }\n}\n");
    s
}

/// One record on its own line, with a comma when more follow.
fn record(s: &mut String, v: &Value, more: bool) {
    let _ = writeln!(
        s,
        "   {}{}",
        serde_json::to_string(v).unwrap_or_default(),
        if more { "," } else { "" }
    );
}

/// The extension definition schema: our node kinds with icons and colours
/// (`BG_Base` a non-display kind), and our edge kinds, all traversable.
pub fn schema_json() -> String {
    let mut node_kinds: Vec<Value> = Class::ALL
        .iter()
        .map(|&c| {
            let (icon, color) = look(c);
            json!({
                "name": node_kind(c),
                "display_name": format!("{} (blastgraph)", pascal(c.as_str())),
                "description": class_description(c),
                "is_display_kind": true,
                "icon": icon,
                "color": color,
            })
        })
        .collect();
    node_kinds.push(json!({
        "name": BASE_KIND,
        "display_name": "blastgraph node",
        "description": "Every node exported by blastgraph",
        "is_display_kind": false,
    }));
    let relationship_kinds: Vec<Value> = EdgeKind::ALL
        .iter()
        .map(|&k| {
            json!({
                "name": edge_kind(k),
                "description": edge_description(k),
                "is_traversable": true,
            })
        })
        .collect();
    let schema = json!({
        "schema": {
            "name": "blastgraph",
            "display_name": "blastgraph (identity blast radius)",
            "version": format!("v{}", env!("CARGO_PKG_VERSION")),
            "namespace": NAMESPACE,
        },
        "node_kinds": node_kinds,
        "relationship_kinds": relationship_kinds,
    });
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_namespaced_pascal_case() {
        assert_eq!(node_kind(Class::Workload), "BG_Workload");
        assert_eq!(edge_kind(EdgeKind::CanActAs), "BG_CanActAs");
        assert_eq!(edge_kind(EdgeKind::OauthGrant), "BG_OauthGrant");
        for k in EdgeKind::ALL {
            let name = edge_kind(*k);
            // BloodHound's edge kind rule: ^[A-Za-z0-9_]+$.
            assert!(
                name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{name}"
            );
        }
    }

    #[test]
    fn the_schema_declares_every_kind_once_with_a_hex_colour() {
        let v: Value = serde_json::from_str(&schema_json()).unwrap();
        let names = |key: &str| -> Vec<String> {
            v[key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|k| k["name"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let nodes = names("node_kinds");
        assert_eq!(nodes.len(), Class::ALL.len() + 1);
        assert_eq!(names("relationship_kinds").len(), EdgeKind::ALL.len());
        for k in v["node_kinds"].as_array().into_iter().flatten() {
            if let Some(color) = k["color"].as_str() {
                assert!(
                    color.len() == 7
                        && color.starts_with('#')
                        && color[1..].chars().all(|c| c.is_ascii_hexdigit()),
                    "{color}"
                );
            }
        }
        assert_eq!(v["schema"]["namespace"], "BG");
    }
}
