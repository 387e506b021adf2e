//! `build --shard I/N` and `merge`: the N parts of a build, merged, are the
//! unsharded build; a partial or mixed set of parts is refused. And a build
//! whose edge rows go to a spill file is the build whose rows stay in
//! memory.

use std::path::{Path, PathBuf};

use crate::{ok, run};
use blastgraph_graph::{Graph, snapshot};

/// Everything a snapshot says, in an order that does not depend on how it
/// was read: nodes, edges (with explanations), inputs with their counts,
/// problems, and the totals.
fn contents(dir: &Path) -> Vec<String> {
    let g: Graph = snapshot::load(dir).unwrap();
    let mut nodes: Vec<String> = (0..g.node_count() as u32)
        .map(|n| {
            let r = g.node(n);
            format!(
                "node {} {} {} {} {:?} {:?}",
                r.id, r.name, r.provider, r.kind, r.class, r.attrs
            )
        })
        .collect();
    let mut edges: Vec<String> = (0..g.edge_count() as u32)
        .map(|e| {
            let c = g.edge(e);
            format!(
                "edge {} {:?} {} {:?} {:?} {:?}",
                g.edge_id(e),
                g.explicit_edge_id(e),
                c.conditional,
                g.condition(e),
                g.mechanism(e),
                g.provenance(e)
            )
        })
        .collect();
    let m = g.manifest();
    let mut inputs: Vec<String> = m.inputs.iter().map(|i| format!("input {i:?}")).collect();
    let mut problems: Vec<String> = m.diagnostics.iter().map(|d| format!("{d}")).collect();
    for v in [&mut nodes, &mut edges, &mut inputs, &mut problems] {
        v.sort();
    }
    let mut all = vec![format!(
        "totals {} {} {:?} {:?} {}",
        m.nodes, m.edges, m.nodes_by_class, m.edges_by_kind, m.skipped
    )];
    all.extend(nodes);
    all.extend(edges);
    all.extend(inputs);
    all.extend(problems);
    all
}

/// Builds `inputs` whole and in `n` shards merged; returns both contents
/// and what each shard said.
fn whole_and_merged(
    tmp: &Path,
    inputs: &[&str],
    n: usize,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let whole = tmp.join(format!("whole-{n}"));
    let mut args = vec!["build", "-q", "-o", whole.to_str().unwrap()];
    args.extend_from_slice(inputs);
    ok(&args);
    let mut parts: Vec<PathBuf> = Vec::new();
    let mut said = Vec::new();
    for i in 1..=n {
        let part = tmp.join(format!("part-{i}-of-{n}"));
        let shard = format!("{i}/{n}");
        let mut args = vec![
            "build",
            "-q",
            "--shard",
            &shard,
            "-o",
            part.to_str().unwrap(),
        ];
        args.extend_from_slice(inputs);
        said.push(ok(&args));
        parts.push(part);
    }
    let merged = tmp.join(format!("merged-{n}"));
    let mut args = vec!["merge", "-q", "-o", merged.to_str().unwrap()];
    // Any order of the parts.
    args.extend(parts.iter().rev().map(|p| p.to_str().unwrap()));
    let out = ok(&args);
    assert!(out.contains(&format!("from {n} parts")), "{out}");
    (contents(&whole), contents(&merged), said)
}

/// Asserts two contents are equal, showing only the lines that differ.
fn same(merged: &[String], whole: &[String], what: &str) {
    let only = |a: &[String], b: &[String]| -> Vec<String> {
        a.iter()
            .filter(|l| !b.contains(l))
            .take(5)
            .cloned()
            .collect()
    };
    assert!(
        merged == whole,
        "{what}: only merged: {:#?}\nonly whole: {:#?}",
        only(merged, whole),
        only(whole, merged)
    );
}

fn repo(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(rel)
        .display()
        .to_string()
}

#[test]
fn shards_of_the_demo_merged_are_the_whole_build() {
    let tmp = tempfile::tempdir().unwrap();
    // 1 shard, a few, and more shards than units (9: seven providers'
    // files, the native file, and two AWS accounts).
    for n in [1, 2, 3, 12] {
        let (whole, merged, said) = whole_and_merged(tmp.path(), &[], n);
        assert!(whole.len() > 200, "{}", whole.len());
        same(&merged, &whole, &format!("{n} shards"));
        let units: usize = said
            .iter()
            .map(|s| {
                s.split(": ")
                    .nth(1)
                    .and_then(|r| r.split(' ').next())
                    .and_then(|c| c.parse::<usize>().ok())
                    .unwrap()
            })
            .sum();
        assert_eq!(units, 9, "each unit in exactly one shard: {said:?}");
        if n == 12 {
            assert!(
                said.iter()
                    .any(|s| s.contains("0 units of 9 (none: more shards than units)")),
                "{said:?}"
            );
        }
    }
}

#[test]
fn cross_account_and_cross_provider_edges_are_decided_at_the_merge() {
    // A role of one account may assume a role of another; a Vault
    // secret's value (inspected) holds an AWS access key of the demo's
    // first account: the edge from the secret to the key is placed at the
    // merge, whichever shards the two fall in.
    let tmp = tempfile::tempdir().unwrap();
    let (aws, inspect) = (repo("crates/cli/demo/aws"), repo("tests/fixtures/inspect"));
    let org = repo("tests/fixtures/aws-org");
    let inputs = [
        "--inspect-secret-values",
        "-i",
        &aws,
        "-i",
        &inspect,
        "-i",
        &org,
    ];
    for n in [2, 3, 5] {
        let (whole, merged, said) = whole_and_merged(tmp.path(), &inputs, n);
        same(&merged, &whole, &format!("{n} shards"));
        let vault_shard = said.iter().position(|s| s.contains("vault")).unwrap();
        let aws_shard = said
            .iter()
            .position(|s| s.contains("aws:111122223333"))
            .unwrap();
        if n > 2 {
            assert_ne!(vault_shard, aws_shard, "{said:?}");
        }
        let held = whole
            .iter()
            .filter(|l| {
                l.starts_with("edge holds_credential:vault:inspect-vault/secret/ci/deploy-creds->arn:aws:iam::111122223333:access-key/AKIAEXAMPLELEGACY01")
            })
            .count();
        assert_eq!(held, 1, "the inspected value's key is placed");
        let cross = whole
            .iter()
            .filter(|l| {
                l.starts_with("edge can_assume:arn:aws:iam::222222222222:role/ml-notebook->arn:aws:iam::111111111111:role/data-reader ")
            })
            .count();
        assert_eq!(cross, 1, "the cross-account trust is in the estate");
    }
}

#[test]
fn a_build_that_spills_its_edge_rows_is_the_build_that_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let (aws, org) = (repo("crates/cli/demo/aws"), repo("tests/fixtures/aws-org"));
    let t = |name: &str| tmp.path().join(name).display().to_string();
    ok(&["build", "-q", "-o", &t("plain"), "-i", &aws, "-i", &org]);
    let plain = contents(Path::new(&t("plain")));
    std::fs::create_dir(t("spill")).unwrap();
    // Blocks of 2 rows, 4 rows in memory: nearly every row is spilled.
    let spill = |dir: &str, out: &str| {
        run(&[
            "build",
            "--spill-dir",
            &t(dir),
            "--spill-after",
            "4",
            "--spill-block-rows",
            "2",
            "-o",
            &t(out),
            "-i",
            &aws,
            "-i",
            &org,
        ])
    };
    let (code, _, err) = spill("spill", "spilled");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("edge rows (0 MiB) were kept in a spill file in"),
        "{err}"
    );
    same(&contents(Path::new(&t("spilled"))), &plain, "spilled");
    // The file was unlinked when it was made: nothing is left.
    assert_eq!(std::fs::read_dir(t("spill")).unwrap().count(), 0);
    // A shard spills the same way.
    let (code, _, err) = run(&[
        "build",
        "--shard",
        "1/1",
        "--spill-dir",
        &t("spill"),
        "--spill-after",
        "4",
        "--spill-block-rows",
        "2",
        "-o",
        &t("part"),
        "-i",
        &aws,
        "-i",
        &org,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("were kept in a spill file"), "{err}");
    ok(&["merge", "-q", "-o", &t("merged"), &t("part")]);
    same(&contents(Path::new(&t("merged"))), &plain, "spilled part");

    // A folder that cannot hold the file: the rows stay in memory, nothing
    // is lost, and the build says so.
    let (code, _, err) = spill("no-such-folder", "kept");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning[spill-failed]: a spill file in ")
            && err.contains("no-such-folder: $: edge rows could not be kept there")
            && err.contains("the rest stayed in memory"),
        "{err}"
    );
    let kept: Vec<String> = contents(Path::new(&t("kept")))
        .into_iter()
        .filter(|l| !l.contains("spill-failed"))
        .collect();
    same(&kept, &plain, "kept in memory");
}

#[test]
fn a_partial_or_mixed_set_of_parts_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let t = |name: &str| tmp.path().join(name).display().to_string();
    for i in 1..=3 {
        ok(&[
            "build",
            "-q",
            "--shard",
            &format!("{i}/3"),
            "-o",
            &t(&format!("p{i}")),
        ]);
    }
    ok(&["build", "-q", "--shard", "1/2", "-o", &t("q1")]);
    let org = repo("tests/fixtures/aws-org");
    ok(&[
        "build",
        "-q",
        "--shard",
        "2/3",
        "-i",
        &org,
        "-o",
        &t("other2"),
    ]);
    let refused = |args: &[&str], expect: &str| {
        let (code, _, err) = run(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(expect), "{args:?}: {err}");
    };
    let out = t("merged");
    refused(
        &["merge", "-o", &out, &t("p1"), &t("p3")],
        "shard 2/3 is missing",
    );
    refused(
        &["merge", "-o", &out, &t("p1"), &t("p2"), &t("p2"), &t("p3")],
        "are both shard 2/3",
    );
    refused(
        &["merge", "-o", &out, &t("p1"), &t("p2"), &t("q1")],
        "the parts of one build share N",
    );
    refused(
        &["merge", "-o", &out, &t("p1"), &t("other2"), &t("p3")],
        "were built from different inputs",
    );
    ok(&[
        "build",
        "-q",
        "--inspect-secret-values",
        "--shard",
        "3/3",
        "-o",
        &t("inspected3"),
    ]);
    refused(
        &["merge", "-o", &out, &t("p1"), &t("p2"), &t("inspected3")],
        "the same --inspect-secret-values",
    );
    refused(
        &["merge", "-o", &out, &t("p1"), &t("nothing-here")],
        "cannot read part",
    );
    // A part is not an input of `build` or a query; a snapshot is not
    // sharded; the merge's output is not one of its parts.
    refused(
        &["build", "-i", &t("p1"), "-o", &out],
        "is a part of a sharded build (shard 1 of 3): join the parts with `blastgraph merge`",
    );
    refused(&["rank", "-i", &t("p1")], "is a part of a sharded build");
    ok(&["merge", "-q", "-o", &out, &t("p1"), &t("p2"), &t("p3")]);
    refused(
        &["build", "--shard", "1/2", "-i", &out, "-o", &t("s")],
        "is a snapshot: a sharded build reads raw files",
    );
    refused(
        &["merge", "-o", &t("p2"), &t("p1"), &t("p2"), &t("p3")],
        "is inside the input",
    );
    for bad in ["0/3", "4/3", "1/0"] {
        refused(
            &["build", "--shard", bad, "-o", &t("x")],
            "expected I/N with 1 ≤ I ≤ N",
        );
    }
    // A folder of nothing: refused as the unsharded build refuses it.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    refused(
        &[
            "build",
            "--shard",
            "1/1",
            "-i",
            empty.to_str().unwrap(),
            "-o",
            &t("e1"),
        ],
        "no usable input: no provider recognised any of the files given",
    );
    assert!(!tmp.path().join("e1").exists());
    refused(
        &["build", "-i", empty.to_str().unwrap(), "-o", &t("e")],
        "no usable input",
    );
    // The merged snapshot answers as the whole build does.
    let whole = t("whole");
    ok(&["build", "-q", "-o", &whole]);
    assert_eq!(
        ok(&["rank", "-q", "-f", "json", "-i", &out]),
        ok(&["rank", "-q", "-f", "json", "-i", &whole])
    );
}
