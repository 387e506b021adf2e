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

#[test]
fn the_graph_section_is_used_and_a_damaged_stale_or_missing_one_is_rebuilt() {
    let mut b = EstateBuilder::new();
    b.begin_input("f.json", "native", "00".into(), 1);
    let mut n = node("aws:role/tagged", "tagged", Class::Workload);
    n.attrs.owner = Some("ml".into());
    n.attrs.tags.insert("team".into(), "ml".into());
    b.add_node(n, "");
    b.add_node(node("aws:s3/x", "x", Class::Dataset), "");
    b.add_edge(edge(
        "aws:role/tagged",
        "aws:s3/x",
        EdgeKind::Access,
        Some(AccessLevel::Read),
    ));
    let g = Graph::build(b.finish());
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path().join("snap");
    snapshot::save(&g, &dir).unwrap();
    let section = dir.join("graph.bin");
    assert!(section.is_file());
    let tables = |g: &Graph| {
        (
            snapshot::nodes_frame(g).unwrap(),
            snapshot::edges_frame(g, false).unwrap(),
        )
    };
    let load = |dir: &std::path::Path| {
        let mut notes = Vec::new();
        let h = snapshot::load_noting(dir, &mut |n| notes.push(n)).unwrap();
        assert_eq!(tables(&h), tables(&g), "{notes:?}");
        assert_eq!(h.manifest(), g.manifest());
        assert_eq!(h.id(h.resolve("tagged").unwrap()), "aws:role/tagged");
        assert_eq!(h.lookup("aws:s3/x"), g.lookup("aws:s3/x"));
        notes.join("\n")
    };
    let used = load(&dir);
    assert!(
        used.starts_with("graph section ") && used.ends_with(" used"),
        "{used}"
    );

    let good = std::fs::read(&section).unwrap();
    let mut damaged = good.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 0x40;
    for (bytes, why) in [
        (damaged, "damaged (its checksum does not match)"),
        (
            good[..good.len() / 2].to_vec(),
            "damaged (its checksum does not match)",
        ),
        (good[..10].to_vec(), "shorter than its header"),
        (
            b"not a section at all, just some text here".to_vec(),
            "not a graph section",
        ),
    ] {
        std::fs::write(&section, bytes).unwrap();
        let said = load(&dir);
        assert!(said.contains(&format!("not used ({why})")), "{said}");
        assert!(said.ends_with("section written again"), "{said}");
        // Written again: the next load uses it.
        assert!(load(&dir).ends_with(" used"));
    }
    // Stale: the tables changed after the section was written.
    let manifest = dir.join("manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("{text} ")).unwrap();
    let said = load(&dir);
    assert!(said.contains("(older than the tables beside it)"), "{said}");
    assert!(load(&dir).ends_with(" used"));
    // Missing.
    std::fs::remove_file(&section).unwrap();
    let said = load(&dir);
    assert!(
        said.contains("(it has none)") && said.ends_with("written again"),
        "{said}"
    );
    assert!(load(&dir).ends_with(" used"));
}

#[test]
fn an_edges_table_of_several_row_groups_reads_back_the_same() {
    // One more row group than the first, partly filled, with places of
    // their own (`push_own_place`) and shared ones (`push`).
    let m = snapshot::ROW_GROUP as usize + 7;
    let mut b = EstateBuilder::new();
    b.begin_input("f.json", "native", "00".into(), 1);
    for i in 0..1000 {
        b.add_node(node(&format!("aws:role/r{i}"), "r", Class::Workload), "");
    }
    for i in 0..m {
        let mut e = edge(
            &format!("aws:role/r{}", i % 1000),
            &format!("aws:role/r{}", (i / 1000 + 1 + i % 1000) % 1000),
            EdgeKind::CanAssume,
            None,
        );
        if i % 2 == 0 {
            e.provenance.location = format!("$.edges[{i}]");
            b.add_edge_own_place(e);
        } else {
            b.add_edge(e);
        }
    }
    let g = Graph::build(b.finish());
    assert_eq!(g.edge_count(), m);
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path().join("snap");
    snapshot::save(&g, &dir).unwrap();
    // Through the Parquet tables, not the section.
    std::fs::remove_file(dir.join("graph.bin")).unwrap();
    let h = snapshot::load(&dir).unwrap();
    assert_eq!(
        snapshot::edges_frame(&h, false).unwrap(),
        snapshot::edges_frame(&g, false).unwrap()
    );
    let last = (m - 1) as u32;
    assert_eq!(h.provenance(last), g.provenance(last));
}
