//! Snapshots and exports.

use std::path::Path;

use polars::prelude::*;

use crate::{PIVOT, json, ok};

fn read(p: &Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(p).unwrap())
        .finish()
        .unwrap()
}

fn names(df: &DataFrame) -> Vec<String> {
    df.get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect()
}

#[test]
fn a_saved_snapshot_answers_exactly_like_the_raw_input() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap");
    let snap_s = snap.to_str().unwrap();
    let built = ok(&["build", "-q", "-i", PIVOT, "-o", snap_s]);
    assert!(
        built.contains("14 nodes, 15 edges from 1 input (0 records skipped)"),
        "{built}"
    );
    for q in [
        vec!["blast", "-c", "infra-ci", "--format", "json"],
        vec!["who-can", "--reach", "training-data", "--format", "json"],
        vec!["rank", "--format", "json"],
        vec!["trace", "--from", "bob", "--to", "llm", "--format", "json"],
    ] {
        let raw = ["-q", "-i", PIVOT];
        let from_snap = ["-q", "-i", snap_s];
        let a: Vec<&str> = [&[q[0]][..], &raw[..], &q[1..]].concat();
        let b: Vec<&str> = [&[q[0]][..], &from_snap[..], &q[1..]].concat();
        assert_eq!(ok(&a), ok(&b), "{q:?}");
    }
    let manifest = json(&std::fs::read_to_string(snap.join("manifest.json")).unwrap());
    assert_eq!(manifest["nodes"], 14);
    assert_eq!(manifest["inputs"][0]["path"], PIVOT);
    assert_eq!(manifest["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
    // Engines read the tables as they are.
    let nodes = read(&snap.join("nodes.parquet"));
    let edges = read(&snap.join("edges.parquet"));
    assert_eq!(nodes.height(), 14);
    assert_eq!(
        names(&edges),
        [
            "src_idx",
            "dst_idx",
            "src",
            "dst",
            "kind",
            "access",
            "conditional",
            "condition",
            "mechanism",
            "id",
            "source",
            "location",
            "reason"
        ]
    );
}

#[test]
fn two_builds_of_the_same_input_are_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    ok(&["build", "-q", "-i", PIVOT, "-o", a.to_str().unwrap()]);
    ok(&["build", "-q", "-i", PIVOT, "-o", b.to_str().unwrap()]);
    for f in ["nodes.parquet", "edges.parquet", "manifest.json"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    // The graph sections too, but for the key of the tables' times
    // (bytes 16..24 of the header).
    let section = |d: &std::path::Path| {
        let mut b = std::fs::read(d.join("graph.bin")).unwrap();
        b[16..24].fill(0);
        b
    };
    assert_eq!(section(&a), section(&b));
}

#[test]
fn answers_are_the_same_through_the_graph_section_or_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("s");
    let s = snap.to_str().unwrap();
    let x = dir.path().join("x");
    let x = x.to_str().unwrap();
    ok(&["build", "-q", "-i", PIVOT, "-o", s]);
    let queries: [&[&str]; 5] = [
        &[
            "blast",
            "-q",
            "-i",
            s,
            "--compromise",
            "infra-ci",
            "-f",
            "json",
        ],
        &["rank", "-q", "-i", s, "-f", "json"],
        &[
            "who-can", "-q", "-i", s, "--reach", "features", "-f", "json",
        ],
        &[
            "trace", "-q", "-i", s, "--from", "infra-ci", "--to", "features", "-f", "json",
        ],
        &["export", "-q", "-i", s, "--to", "json", "-o", x],
    ];
    let answers = || -> Vec<String> { queries.iter().map(|q| ok(q)).collect() };
    let note = |args: &[&str]| {
        let mut argv = args.to_vec();
        argv.push("-v");
        crate::run(&argv).2
    };
    let first = note(queries[0]);
    assert!(
        first.contains("graph section ") && first.contains(" used"),
        "{first}"
    );
    let through_section = answers();
    // A snapshot built from this one, through its section (whose strings
    // stay in the file's bytes), writes the same section but for the key.
    let copy = dir.path().join("copy");
    ok(&["build", "-q", "-i", s, "-o", copy.to_str().unwrap()]);
    let body = |d: &std::path::Path| {
        let mut b = std::fs::read(d.join("graph.bin")).unwrap();
        b[16..24].fill(0);
        b
    };
    assert_eq!(body(&copy), body(&snap));
    // Without the section: the tables are read, the answers are the same,
    // and the section is written again.
    std::fs::remove_file(snap.join("graph.bin")).unwrap();
    let said = note(queries[0]);
    assert!(
        said.contains("not used (it has none): read the Parquet tables; section written again"),
        "{said}"
    );
    std::fs::remove_file(snap.join("graph.bin")).unwrap();
    assert_eq!(answers(), through_section);
    // A damaged section is refused, and the answers are still the same.
    let mut bytes = std::fs::read(snap.join("graph.bin")).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(snap.join("graph.bin"), &bytes).unwrap();
    let said = note(queries[0]);
    assert!(
        said.contains("not used (damaged (its checksum does not match))"),
        "{said}"
    );
    assert_eq!(answers(), through_section);
}

#[test]
fn exports_have_the_documented_schemas_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    ok(&["export", "-q", "-i", PIVOT, "--to", "parquet", "-o", out]);
    ok(&["export", "-q", "-i", PIVOT, "--to", "csv", "-o", out]);
    ok(&["export", "-q", "-i", PIVOT, "--to", "json", "-o", out]);
    let rank = read(&dir.path().join("rank.parquet"));
    assert_eq!(
        names(&rank),
        [
            "rank",
            "id",
            "name",
            "kind",
            "class",
            "owner",
            "environment",
            "score",
            "identities",
            "credentials",
            "scopes",
            "secrets",
            "datasets",
            "models",
            "tools",
            "possible_score",
            "possible_identities",
            "possible_credentials",
            "possible_scopes",
            "possible_secrets",
            "possible_datasets",
            "possible_models",
            "possible_tools"
        ]
    );
    // infra-ci, deployer, trainer, breakglass, bob, ingest, ingest's client secret.
    assert_eq!(rank.height(), 7);
    let nodes = read(&dir.path().join("nodes.parquet"));
    assert_eq!(
        names(&nodes),
        [
            "idx",
            "id",
            "name",
            "provider",
            "kind",
            "class",
            "owner",
            "environment",
            "created",
            "last_used",
            "expires",
            "tags"
        ]
    );
    let edges = read(&dir.path().join("edges.parquet"));
    // In exports every edge has its id (derived where the input gave none).
    assert_eq!(edges.column("id").unwrap().null_count(), 0);
    let rows = json(&std::fs::read_to_string(dir.path().join("rank.json")).unwrap());
    assert_eq!(rows.as_array().unwrap().len(), 7);
    // Firm and possible side by side: the CI workflow gains break-glass
    // (behind an MFA condition) only in the possible reach.
    let ci = &rows[0];
    assert_eq!(ci["name"], "infra-ci");
    assert_eq!(ci["identities"], 3);
    assert_eq!(ci["possible_identities"], 4);
    assert!(ci["score"].as_u64() < ci["possible_score"].as_u64());
    let csv = std::fs::read_to_string(dir.path().join("edges.csv")).unwrap();
    assert_eq!(csv.lines().count(), 16);
}

#[test]
fn gen_is_deterministic_and_loads() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    // The same estate, as a native file or (another extension) a snapshot.
    let gen_to = |out: &std::path::Path| {
        ok(&[
            "gen",
            "--identities",
            "500",
            "--seed",
            "9",
            "-o",
            out.to_str().unwrap(),
        ])
    };
    gen_to(&a);
    gen_to(&b);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let out = ok(&[
        "rank",
        "-q",
        "-i",
        a.to_str().unwrap(),
        "--top",
        "3",
        "--format",
        "json",
    ]);
    let v = json(&out);
    assert_eq!(v.as_array().unwrap().len(), 3);
    // The JSON is written as the estate is generated; read back, it is the
    // graph `gen` saves as a snapshot.
    let snap = dir.path().join("snap");
    gen_to(&snap);
    let tables = |input: &std::path::Path, name: &str| {
        let out = dir.path().join(name);
        ok(&[
            "export",
            "-q",
            "-i",
            input.to_str().unwrap(),
            "--to",
            "json",
            "-o",
            out.to_str().unwrap(),
        ]);
        ["nodes.json", "edges.json"].map(|t| std::fs::read_to_string(out.join(t)).unwrap())
    };
    assert_eq!(tables(&a, "from-json"), tables(&snap, "from-snapshot"));
}
