use blastgraph_model::{AccessLevel, Attributes, EstateBuilder, Node};

use super::*;

fn node(id: &str, name: &str, class: Class) -> Node {
    Node {
        id: id.into(),
        name: name.into(),
        provider: id.split(':').next().unwrap_or("x").into(),
        kind: "t:thing".into(),
        class,
        attrs: Attributes::default(),
    }
}

fn edge(from: &str, to: &str, kind: EdgeKind, access: Option<AccessLevel>) -> Edge {
    Edge {
        id: None,
        from: from.into(),
        to: to.into(),
        kind,
        access,
        mechanism: None,
        conditional: false,
        condition: None,
        provenance: Provenance {
            source: "f.json".into(),
            location: format!("$.edges[{from}]"),
            reason: "r".into(),
        },
    }
}

pub(crate) fn sample() -> Graph {
    let mut b = EstateBuilder::new();
    b.begin_input("f.json", "native", "00".into(), 1);
    b.add_node(node("aws:role/ci", "ci", Class::Workload), "");
    b.add_node(node("aws:role/train", "train", Class::Workload), "");
    b.add_node(node("aws:s3/data", "data", Class::Dataset), "");
    b.add_node(node("azure:sp/train", "train", Class::Workload), "");
    b.add_edge(edge(
        "aws:role/ci",
        "aws:role/train",
        EdgeKind::CanAssume,
        None,
    ));
    let mut e = edge(
        "aws:role/train",
        "aws:s3/data",
        EdgeKind::Access,
        Some(AccessLevel::Write),
    );
    e.mechanism = Some("m".into());
    e.condition = Some("aws:SourceIp".into());
    e.conditional = true;
    b.add_edge(e);
    let mut e = edge(
        "aws:role/ci",
        "aws:s3/data",
        EdgeKind::Access,
        Some(AccessLevel::Read),
    );
    e.id = Some("my-edge".into());
    b.add_edge(e);
    Graph::build(b.finish())
}

#[test]
fn builds_adjacency_both_ways() {
    let g = sample();
    assert_eq!(g.node_count(), 4);
    assert_eq!(g.edge_count(), 3);
    let ci = g.lookup("aws:role/ci").unwrap();
    let data = g.lookup("aws:s3/data").unwrap();
    let outs: Vec<_> = g.out_edges(ci).map(|(_, e)| (e.kind, g.id(e.to))).collect();
    assert_eq!(
        outs,
        [
            (EdgeKind::CanAssume, "aws:role/train"),
            (EdgeKind::Access, "aws:s3/data")
        ]
    );
    let ins: Vec<_> = g.in_edges(data).map(|(_, e)| g.id(e.from)).collect();
    assert_eq!(ins.len(), 2);
    assert!(ins.contains(&"aws:role/ci") && ins.contains(&"aws:role/train"));
}

#[test]
fn resolves_full_ids_unique_names_and_suffixes() {
    let g = sample();
    assert_eq!(g.id(g.resolve("aws:role/ci").unwrap()), "aws:role/ci");
    assert_eq!(g.id(g.resolve("ci").unwrap()), "aws:role/ci");
    assert_eq!(g.id(g.resolve("s3/data").unwrap()), "aws:s3/data");
    let err = g.resolve("train").unwrap_err();
    assert_eq!(
        err.to_string(),
        "`train` is ambiguous, it matches 2:\n  aws:role/train\n  azure:sp/train"
    );
    let err = g.resolve("role/nope").unwrap_err();
    assert!(matches!(err, ResolveError::Unknown { .. }));
}

#[test]
fn a_typo_suggests_the_names_it_is_near() {
    let g = sample();
    // One letter swapped, one dropped: the names a typo away.
    let err = g.resolve("trian").unwrap_err().to_string();
    assert_eq!(
        err,
        "no node matches `trian`; did you mean one of:\n  aws:role/train\n  azure:sp/train"
    );
    assert!(
        g.resolve("dat")
            .unwrap_err()
            .to_string()
            .contains("aws:s3/data")
    );
    // The negative twin: nothing near, nothing suggested.
    assert_eq!(
        g.resolve("zzzzzzzz").unwrap_err().to_string(),
        "no node matches `zzzzzzzz`"
    );
}

#[test]
fn edges_have_explicit_or_derived_ids() {
    let g = sample();
    let ids: Vec<String> = (0..g.edge_count() as u32).map(|e| g.edge_id(e)).collect();
    assert!(ids.contains(&"my-edge".to_string()));
    assert!(ids.contains(&"access:write:aws:role/train->aws:s3/data".to_string()));
    assert_eq!(g.find_edges("my-edge").unwrap().len(), 1);
    assert_eq!(g.find_edges("ci->aws:role/train").unwrap().len(), 1);
}

#[test]
fn snapshots_round_trip() {
    let g = sample();
    let dir = tempfile::tempdir().unwrap();
    snapshot::save(&g, dir.path()).unwrap();
    assert!(snapshot::is_snapshot(dir.path()));
    let h = snapshot::load(dir.path()).unwrap();
    assert_eq!(h.node_count(), g.node_count());
    // Handles differ between graphs; what they name must not.
    let hot = |g: &Graph| -> Vec<_> {
        g.edges()
            .iter()
            .map(|e| (e.from, e.to, e.kind, e.access, e.conditional))
            .collect()
    };
    assert_eq!(hot(&h), hot(&g));
    for e in 0..g.edge_count() as u32 {
        assert_eq!(h.edge_id(e), g.edge_id(e));
        assert_eq!(h.provenance(e), g.provenance(e));
        assert_eq!(h.mechanism(e), g.mechanism(e));
        assert_eq!(h.condition(e), g.condition(e));
    }
    assert_eq!(h.manifest(), g.manifest());
}
