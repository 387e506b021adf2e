//! Exit codes, id resolution and formats.

use crate::{PIVOT, json, names, ok, run};

#[test]
fn unknown_ids_are_errors_that_suggest_candidates() {
    let (code, _, err) = run(&["blast", "-q", "-i", PIVOT, "-c", "deploy"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--compromise `deploy`: no node matches `deploy`; did you mean one of:"),
        "{err}"
    );
    assert!(
        err.contains("arn:aws:iam::111111111111:role/deployer"),
        "{err}"
    );
}

#[test]
fn ambiguous_ids_list_every_candidate() {
    let (code, _, err) = run(&["blast", "-q", "-c", "training"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`training` is ambiguous, it matches 3:"),
        "{err}"
    );
}

#[test]
fn ids_resolve_by_full_id_name_or_suffix() {
    for id in [
        "arn:aws:iam::111111111111:role/deployer",
        "deployer",
        "role/deployer",
    ] {
        let out = ok(&["blast", "-q", "-i", PIVOT, "-c", id, "--format", "json"]);
        assert!(out.contains("\"name\": \"deployer\""));
    }
}

#[test]
fn fail_on_sets_exit_code_3() {
    let (code, _, err) = run(&["rank", "-q", "-i", PIVOT, "--fail-on", "100"]);
    assert_eq!(code, 3, "{err}");
    let (code, _, _) = run(&["rank", "-q", "-i", PIVOT, "--fail-on", "1000000"]);
    assert_eq!(code, 0);
}

#[test]
fn csv_has_a_header_and_one_row_per_result() {
    let out = ok(&[
        "blast", "-q", "-i", PIVOT, "-c", "infra-ci", "--format", "csv",
    ]);
    let mut lines = out.lines();
    assert_eq!(
        lines.next().unwrap(),
        "compromised,category,id,name,kind,class,access,hops,conditional,path_summary,path"
    );
    let answer = ok(&[
        "blast", "-q", "-i", PIVOT, "-c", "infra-ci", "--format", "json",
    ]);
    let v = json(&answer);
    let n: usize = ["identities", "credentials", "scopes", "targets"]
        .iter()
        .map(|k| v[*k].as_array().unwrap().len())
        .sum();
    let rows = polars_csv_rows(&out);
    assert_eq!(rows, n);
}

fn polars_csv_rows(text: &str) -> usize {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.csv");
    std::fs::write(&p, text).unwrap();
    CsvReadOptions::default()
        .try_into_reader_with_file_path(Some(p))
        .unwrap()
        .finish()
        .unwrap()
        .height()
}

#[test]
fn parquet_needs_an_output_file() {
    let (code, _, err) = run(&["rank", "-q", "-i", PIVOT, "--format", "parquet"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("parquet is a binary format: give --output FILE"),
        "{err}"
    );
}

#[test]
fn unknown_edge_ids_in_what_if_are_clear_errors() {
    let (code, _, err) = run(&[
        "what-if",
        "-q",
        "-i",
        PIVOT,
        "-c",
        "infra-ci",
        "--revoke",
        "no-such-edge",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--revoke `no-such-edge`"), "{err}");
}

#[test]
fn missing_inputs_are_clear_errors() {
    let (code, _, err) = run(&["rank", "-i", "fixtures/does-not-exist"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("fixtures/does-not-exist: file: does not exist"),
        "{err}"
    );
    assert!(err.contains("no usable input"), "{err}");
}

#[test]
fn same_input_same_output_byte_for_byte() {
    for args in [
        &[
            "blast", "-q", "-i", PIVOT, "-c", "infra-ci", "--format", "json",
        ][..],
        &["rank", "-q", "-i", PIVOT, "--format", "csv"][..],
        &[
            "trace", "-q", "-i", PIVOT, "--from", "infra-ci", "--to", "features", "--format",
            "json",
        ][..],
    ] {
        assert_eq!(ok(args), ok(args));
    }
}

#[test]
fn access_levels_only_apply_to_targets() {
    let (code, _, err) = run(&[
        "who-can", "-q", "-i", PIVOT, "--reach", "trainer", "--access", "read",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "--access applies to datasets, models, tools and secrets; `trainer` is a workload"
        ),
        "{err}"
    );
    let out = ok(&[
        "who-can", "-q", "-i", PIVOT, "--reach", "trainer", "--format", "json",
    ]);
    let v = json(&out);
    let names: Vec<&str> = names(&v, "identities");
    // Fewest hops first: deployer passes its role directly; bob goes through his group.
    assert_eq!(names, ["deployer", "bob", "infra-ci"]);
}

/// `collect aws` in a build without the `live` feature says how to get it.
#[test]
fn collect_without_the_live_feature_says_how_to_build_it() {
    let (code, _, err) = crate::run(&["collect", "aws", "-o", "snap"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--features live-aws"), "{err}");
    let (code, _, err) = crate::run(&["collect", "azure", "--tenant", "t", "-o", "snap"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--features live-azure"), "{err}");
}

/// A gate counts what may be: infra-ci's firm score is 143, its possible
/// score (with the break-glass role behind MFA) 145.
#[test]
fn fail_on_counts_the_possible_score() {
    let (code, _, err) = run(&["rank", "-q", "-i", PIVOT, "--fail-on", "144"]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("possible score is at least 144"), "{err}");
    let (code, _, _) = run(&["rank", "-q", "-i", PIVOT, "--fail-on", "146"]);
    assert_eq!(code, 0);
    // --strict ranks the firm reach only: 143 does not reach 144.
    let (code, _, _) = run(&["rank", "-q", "-i", PIVOT, "--strict", "--fail-on", "144"]);
    assert_eq!(code, 0);
}

#[test]
fn a_leaked_log_is_placed_on_the_graph_and_no_value_is_printed() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("ci.log");
    std::fs::write(
        &log,
        "[ci] step 3/7\n\
         AWS_ACCESS_KEY_ID=AKIAEXAMPLELEGACY01\n\
         AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYSEEDEDAWS01\n\
         azure: client ac3e000c-0000-4000-8000-00000000000c secret Abc8Q~SEEDEDAZURESECRETvalue_0123456789.\n\
         GITHUB_TOKEN=ghp_SEEDEDGITHUBTOKEN0123456789abcdefghij\n",
    )
    .unwrap();
    let log = log.to_string_lossy().into_owned();
    // The demo estate: the AWS key by its id, the Entra secret by the
    // client id beside it; the GitHub token cannot be placed offline.
    let (code, out, err) = run(&["blast", "-q", "--leaked", &log]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Leaked credentials in"), "{out}");
    assert!(
        out.contains(
            "→ AKIAEXAMPLELEGACY01 (arn:aws:iam::111122223333:access-key/AKIAEXAMPLELEGACY01)"
        ),
        "{out}"
    );
    assert!(
        out.contains("→ ml-ops-automation (entra:ac3e000d-0000-4000-8000-00000000000d)"),
        "{out}"
    );
    assert!(
        out.contains("github token") && out.contains("not placed"),
        "{out}"
    );
    assert!(out.contains("Blast radius of AKIAEXAMPLELEGACY01"), "{out}");
    let (code, json_out, json_err) = run(&["blast", "-q", "--leaked", &log, "--format", "json"]);
    assert_eq!(code, 0);
    let v = json(&json_out);
    assert_eq!(v["compromised"].as_array().map(Vec::len), Some(2));
    for text in [&out, &err, &json_out, &json_err] {
        assert!(
            !text.contains("SEEDED"),
            "a leaked value was printed: {text}"
        );
    }
    // Nothing placeable: said, no radius.
    std::fs::write(
        dir.path().join("gh.log"),
        "token ghp_SEEDEDGITHUBTOKEN0123456789abcdefghij\n",
    )
    .unwrap();
    let gh = dir.path().join("gh.log").to_string_lossy().into_owned();
    let (code, out, _) = run(&["blast", "-q", "--leaked", &gh]);
    assert_eq!(code, 0);
    assert!(
        out.contains("No leaked credential could be placed"),
        "{out}"
    );
    assert!(!out.contains("SEEDED"));
}

#[test]
fn completions_and_man_pages_name_every_command() {
    let commands = [
        "demo",
        "build",
        "blast",
        "who-can",
        "trace",
        "what-if",
        "rank",
        "report",
        "serve",
        "export",
        "gen",
        "completions",
        "man",
        "collect",
    ];
    let bash = ok(&["completions", "bash"]);
    let zsh = ok(&["completions", "zsh"]);
    let fish = ok(&["completions", "fish"]);
    assert!(zsh.starts_with("#compdef blastgraph"), "{}", &zsh[..40]);
    for c in commands {
        assert!(bash.contains(c), "bash: {c}");
        assert!(zsh.contains(c), "zsh: {c}");
        assert!(fish.contains(&format!("-a \"{c}\"")), "fish: {c}");
    }
    let dir = tempfile::tempdir().unwrap();
    let out = ok(&["man", "-o", dir.path().to_str().unwrap()]);
    assert!(out.starts_with("wrote "), "{out}");
    let main = std::fs::read_to_string(dir.path().join("blastgraph.1")).unwrap();
    assert!(main.contains(".TH blastgraph 1"), "{main}");
    for c in commands {
        let page = std::fs::read_to_string(dir.path().join(format!("blastgraph-{c}.1")))
            .unwrap_or_else(|e| panic!("blastgraph-{c}.1: {e}"));
        assert!(page.contains(&format!(".TH blastgraph-{c} 1")), "{c}");
        assert!(page.contains(".SH NAME"), "{c}");
    }
    // The report page's flags are documented.
    let report = std::fs::read_to_string(dir.path().join("blastgraph-report.1")).unwrap();
    assert!(report.contains("\\-\\-who\\-can"), "{report}");
}

#[test]
fn a_mistyped_command_or_id_gets_a_did_you_mean() {
    let (code, _, err) = run(&["reprot", "--compromise", "x"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("tip: some similar subcommands exist: 'export', 'report'"),
        "{err}"
    );
    let (code, _, err) = run(&["blast", "-q", "--compromise", "suport-agent"]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "no node matches `suport-agent`; did you mean one of:\n  agent:acme-ai/support-agent"
        ),
        "{err}"
    );
    // The negative twin: nothing near, no suggestion.
    let (_, _, err) = run(&["blast", "-q", "--compromise", "qqqqqqqqqqqq"]);
    assert!(!err.contains("did you mean"), "{err}");
}

#[test]
fn verbose_prints_every_input_problem() {
    let dir = tempfile::tempdir().unwrap();
    // 25 broken records: 20 shown, then a count; --verbose shows all.
    let nodes: Vec<serde_json::Value> = (0..25)
        .map(|i| serde_json::json!({"id": format!("n{i}"), "kind": "aws:role", "class": "no-such-class"}))
        .chain([serde_json::json!({"id": "ok", "kind": "aws:role", "class": "workload"})])
        .collect();
    let p = dir.path().join("e.json");
    std::fs::write(
        &p,
        serde_json::json!({"format": "blastgraph-estate", "version": 1, "nodes": nodes, "edges": []})
            .to_string(),
    )
    .unwrap();
    let (_, _, err) = run(&["rank", "-i", p.to_str().unwrap()]);
    assert_eq!(err.matches("no-such-class").count(), 20, "{err}");
    assert!(err.contains("… and 5 more"), "{err}");
    let (_, _, err) = run(&["rank", "-v", "-i", p.to_str().unwrap()]);
    assert_eq!(err.matches("no-such-class").count(), 25, "{err}");
    assert!(!err.contains("more ("), "{err}");
    assert!(err.contains("note: reading files: 1 files"), "{err}");
    assert!(
        err.contains("note: building the graph: 1 nodes, 0 edges in "),
        "{err}"
    );
}

#[test]
fn rank_shards_together_are_the_whole_rank() {
    // Rows without their position (a shard numbers its own), in the
    // order the whole rank gives them.
    let rows = |text: &str| -> Vec<serde_json::Value> {
        let mut v: Vec<serde_json::Value> = json(text).as_array().unwrap().clone();
        for r in &mut v {
            r.as_object_mut().unwrap().remove("rank");
        }
        v.sort_by(|a, b| {
            (b["score"].as_u64(), b["possible_score"].as_u64())
                .cmp(&(a["score"].as_u64(), a["possible_score"].as_u64()))
                .then_with(|| a["id"].as_str().cmp(&b["id"].as_str()))
        });
        v
    };
    let whole = rows(&ok(&["rank", "-q", "-f", "json"]));
    let mut parts = String::from("[");
    for i in 1..=3 {
        let part = ok(&["rank", "-q", "-f", "json", "--shard", &format!("{i}/3")]);
        let part = part
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim();
        if !part.is_empty() {
            if parts.len() > 1 {
                parts.push(',');
            }
            parts.push_str(part);
        }
    }
    parts.push(']');
    let parts = rows(&parts);
    assert!(whole.len() > 10);
    assert_eq!(parts, whole);
    // I/N with 1 ≤ I ≤ N, nothing else.
    for bad in ["0/3", "4/3", "x", "1/0", "2"] {
        let (code, _, err) = run(&["rank", "-q", "--shard", bad]);
        assert_eq!(code, 2, "{bad}");
        assert!(err.contains("expected I/N with 1 ≤ I ≤ N"), "{bad}: {err}");
    }
}
