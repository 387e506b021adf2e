//! Bad input: every problem names file and place; good records are kept.

use blastgraph_cli::args::InputArgs;
use blastgraph_model::Severity;

fn load(paths: &[&str]) -> (blastgraph_graph::Graph, String) {
    let mut err = Vec::new();
    let g = blastgraph_cli::inputs::load(
        &InputArgs {
            input: paths.iter().map(Into::into).collect(),
            quiet: false,
            inspect_secret_values: false,
            spill: Default::default(),
        },
        &mut err,
    )
    .unwrap();
    (g, String::from_utf8(err).unwrap())
}

#[test]
fn a_folder_of_broken_files_keeps_every_good_record_and_names_every_problem() {
    let (g, stderr) = load(&["fixtures/bad-input"]);
    let ids: Vec<&str> = (0..g.node_count() as u32).map(|n| g.id(n)).collect();
    assert_eq!(
        ids,
        [
            "bucket/data",
            "role/app",
            "role/known",
            "role/lonely",
            "role/ok-but-odd",
            "role/twin"
        ]
    );
    // good.json's edge, the cross-file edge from dangling.json, and the valid write edge.
    assert_eq!(g.edge_count(), 3);
    let m = g.manifest();
    let lines: Vec<String> = m.diagnostics.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!("bad_input_diagnostics", lines.join("\n"));
    assert!(stderr.contains("problems in the inputs"), "{stderr}");
    // Counted per input in the manifest.
    let skipped = |name: &str| {
        m.inputs
            .iter()
            .find(|i| i.path.ends_with(name))
            .unwrap()
            .skipped
    };
    assert_eq!(skipped("malformed.json"), 1);
    assert_eq!(skipped("empty.json"), 1);
    assert_eq!(skipped("dangling.json"), 1);
    assert_eq!(skipped("duplicate-ids.json"), 1);
    assert_eq!(skipped("notes.txt"), 1);
    assert!(
        m.diagnostics
            .iter()
            .all(|d| !d.file.is_empty() && !d.location.is_empty())
    );
    assert!(
        m.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Warning)
    );
}

#[test]
fn a_huge_document_is_read_whole() {
    let mut text = String::from("{\"format\":\"blastgraph-estate\",\"version\":1,\"nodes\":[");
    for i in 0..100_000 {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            "{{\"id\":\"role/r{i}\",\"kind\":\"aws:role\",\"class\":\"workload\"}}"
        ));
    }
    text.push_str("],\"edges\":[]}");
    let mut b = blastgraph_model::EstateBuilder::new();
    blastgraph_cli::inputs::ingest_bytes("huge.json", text.as_bytes(), &mut b);
    let e = b.finish();
    assert_eq!(e.nodes.len(), 100_000);
    assert!(e.diagnostics.is_empty());
}

#[test]
fn truncated_and_binary_files_are_errors_not_panics() {
    let full = std::fs::read("fixtures/pivot-chain/estate.json").unwrap();
    for cut in [1, 10, 100, 1000, full.len() - 3] {
        let mut b = blastgraph_model::EstateBuilder::new();
        blastgraph_cli::inputs::ingest_bytes("cut.json", &full[..cut], &mut b);
        let e = b.finish();
        assert!(!e.diagnostics.is_empty(), "cut at {cut}");
    }
    let mut b = blastgraph_model::EstateBuilder::new();
    blastgraph_cli::inputs::ingest_bytes("bin.json", &[0xff, 0xfe, 0x00, b'{', 0x80], &mut b);
    assert_eq!(b.finish().diagnostics.len(), 1);
}
