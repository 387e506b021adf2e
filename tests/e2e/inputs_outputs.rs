//! Inputs and outputs tried as a new user would (issue 10's list): each
//! case is a regression test named after what broke.

use std::path::{Path, PathBuf};

use crate::{PIVOT, copy_tree, json, ok, run};

/// The AWS organization fixture with its user `ci-deployer` renamed.
fn aws_org_with_user(dir: &Path, user: &str) -> PathBuf {
    let root = dir.join("aws");
    copy_tree(Path::new("fixtures/aws-org"), &root);
    let iam = root.join("111111111111/global/iam");
    let details = iam.join("get-account-authorization-details.json");
    let text = std::fs::read_to_string(&details).unwrap();
    std::fs::write(&details, text.replace("ci-deployer", user)).unwrap();
    let keys = iam.join("list-access-keys");
    let text = std::fs::read_to_string(keys.join("ci-deployer.json")).unwrap();
    std::fs::remove_file(keys.join("ci-deployer.json")).unwrap();
    let file = blastgraph_connector_aws::layout::encode_name(user);
    std::fs::write(
        keys.join(format!("{file}.json")),
        text.replace("ci-deployer", user),
    )
    .unwrap();
    root
}

#[test]
fn a_user_whose_name_starts_with_a_dot_keeps_its_access_keys() {
    for user in [".deploy", "..", "deploy"] {
        let dir = tempfile::tempdir().unwrap();
        let root = aws_org_with_user(dir.path(), user);
        let v = json(&ok(&[
            "blast",
            "-q",
            "-i",
            root.to_str().unwrap(),
            "--compromise",
            "AKIAIOSFODNN7EXAMPLE",
            "--format",
            "json",
        ]));
        let gained: Vec<&str> = v["identities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_str().unwrap())
            .collect();
        assert!(
            gained.contains(&format!("arn:aws:iam::111111111111:user/{user}").as_str()),
            "{user}: {gained:?}"
        );
    }
}

#[test]
fn version_control_folders_are_skipped_and_said_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(PIVOT, dir.path().join("estate.json")).unwrap();
    std::fs::create_dir_all(dir.path().join(".git/objects")).unwrap();
    std::fs::write(dir.path().join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let (code, _, err) = run(&["rank", "-i", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(".git: file: a version-control folder: skipped"),
        "{err}"
    );
}

#[test]
fn unreadable_paths_are_reported_with_the_real_reason_and_the_rest_is_read() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(PIVOT, d.join("estate.json")).unwrap();
    symlink(d.join("loop-b"), d.join("loop-a")).unwrap();
    symlink(d.join("loop-a"), d.join("loop-b")).unwrap();
    symlink(d.join("gone.json"), d.join("broken.json")).unwrap();
    let fifo = d.join("pipe.json");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let (code, out, err) = run(&["rank", "-i", d.to_str().unwrap(), "--top", "1"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("infra-ci") || !out.is_empty(), "{out}");
    assert!(
        err.contains("broken.json: file: a broken symbolic link"),
        "{err}"
    );
    assert!(err.contains("loop-a: file: cannot read:"), "{err}");
    assert!(err.contains("symbolic links"), "{err}");
    assert!(
        err.contains("pipe.json: file: a FIFO, not a file: skipped"),
        "{err}"
    );
    // Every one is in the manifest too.
    let snap = d.join("out/snap");
    let (code, _, err) = run(&[
        "build",
        "-q",
        "-i",
        d.to_str().unwrap(),
        "-o",
        snap.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "an output inside the input is refused: {err}");
}

// A file without read permission: crates/cli/tests/permissions.rs (it runs
// the binary as `nobody` when the tests run as root).

#[test]
fn a_run_with_no_usable_input_is_an_error_even_for_a_gate() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("notes.txt"), "hello\n").unwrap();
    std::fs::write(
        d.join("broken.json"),
        "{\"format\": \"blastgraph-estate\", ",
    )
    .unwrap();
    let input = d.to_str().unwrap();
    let (code, _, err) = run(&["rank", "-i", input, "--fail-on", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no usable input"), "{err}");
    let snap = dir.path().join("../snap-no-input");
    let (code, _, err) = run(&["build", "-i", input, "-o", snap.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(!snap.exists());
    // Negative twin: one good file among them is enough.
    std::fs::copy(PIVOT, d.join("estate.json")).unwrap();
    let (code, _, err) = run(&["rank", "-i", input]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn an_output_inside_an_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("raw");
    std::fs::create_dir_all(&raw).unwrap();
    std::fs::copy(PIVOT, raw.join("estate.json")).unwrap();
    let r = raw.to_str().unwrap();
    for out in [
        r.to_string(),
        format!("{r}/snap"),
        format!("{r}/../raw/./snap"),
    ] {
        let (code, _, err) = run(&["build", "-i", r, "-o", &out]);
        assert_eq!(code, 2, "{out}: {err}");
        assert!(err.contains("is inside the input"), "{err}");
    }
    // An output that contains the input would replace it.
    let (code, _, err) = run(&["build", "-i", r, "-o", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("contains the input"), "{err}");
    assert!(raw.join("estate.json").is_file());
    // Beside it is fine.
    let snap = dir.path().join("snap");
    ok(&["build", "-q", "-i", r, "-o", snap.to_str().unwrap()]);
}

#[test]
fn build_over_a_snapshot_replaces_it_whole_and_refuses_other_folders() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap");
    let s = snap.to_str().unwrap();
    ok(&["build", "-q", "-i", PIVOT, "-o", s]);
    // A stray file of the old snapshot does not survive the new one.
    std::fs::write(snap.join("stale.parquet"), "old").unwrap();
    ok(&["build", "-q", "-i", "fixtures/opengraph-merge", "-o", s]);
    assert!(!snap.join("stale.parquet").exists());
    ok(&["rank", "-q", "-i", s]);
    // No temporary folder is left beside it.
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["snap"]);
    // A folder that is not a snapshot is not replaced.
    let other = dir.path().join("notes");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("keep.txt"), "mine").unwrap();
    let (code, _, err) = run(&["build", "-i", PIVOT, "-o", other.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not a snapshot folder"), "{err}");
    assert!(other.join("keep.txt").is_file());
}

#[test]
fn a_query_output_is_written_beside_and_renamed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rank.json");
    std::fs::write(&out, "previous").unwrap();
    ok(&[
        "rank",
        "-q",
        "-i",
        PIVOT,
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(std::fs::read_to_string(&out).unwrap().starts_with('['));
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["rank.json"]);
    // A write that fails leaves the previous file as it was.
    let blocked = dir.path().join("blocked");
    std::fs::create_dir_all(blocked.join("rank.json")).unwrap();
    let (code, _, _) = run(&[
        "rank",
        "-q",
        "-i",
        PIVOT,
        "--format",
        "json",
        "--output",
        blocked.join("rank.json").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(blocked.join("rank.json").is_dir());
}

#[test]
fn blank_and_non_compromisable_ids_are_refused() {
    for blank in ["", "  "] {
        let (code, _, err) = run(&["blast", "-q", "-i", PIVOT, "--compromise", blank]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("an empty id names nothing"), "{err}");
        assert!(!err.contains("ambiguous"), "{err}");
    }
    let (code, _, err) = run(&[
        "blast",
        "-q",
        "-i",
        PIVOT,
        "--compromise",
        "arn:aws:s3:::training-data",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("names a dataset"), "{err}");
    assert!(err.contains("who-can --reach"), "{err}");
    // Negative twin: an identity is accepted.
    ok(&[
        "blast",
        "-q",
        "-i",
        PIVOT,
        "--compromise",
        "arn:aws:iam::111111111111:role/deployer",
    ]);
}

/// An estate whose names carry terminal escapes, a bidi override, a
/// newline and spreadsheet formulas.
pub(crate) fn hostile_estate(dir: &Path) -> PathBuf {
    let p = dir.join("hostile.json");
    let doc = serde_json::json!({
        "format": "blastgraph-estate",
        "version": 1,
        "nodes": [
            {"id": "role/evil", "name": "=HYPERLINK(\"http://x\")\u{1b}[31mred\nfake line\u{202e}txt", "kind": "aws:role", "class": "workload"},
            {"id": "bucket/data", "name": "@SUM(1)", "kind": "aws:s3_bucket", "class": "dataset"}
        ],
        "edges": [
            {"from": "role/evil", "to": "bucket/data", "kind": "access", "access": "read", "reason": "-2+3"}
        ]
    });
    std::fs::write(&p, serde_json::to_vec(&doc).unwrap()).unwrap();
    p
}

#[test]
fn control_characters_are_escaped_in_text_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = hostile_estate(dir.path());
    let input = p.to_str().unwrap();
    for args in [
        vec!["blast", "-q", "-i", input, "--compromise", "role/evil"],
        vec![
            "trace",
            "-q",
            "-i",
            input,
            "--from",
            "role/evil",
            "--to",
            "bucket/data",
        ],
        vec!["rank", "-q", "-i", input],
    ] {
        let out = ok(&args);
        assert!(!out.contains('\u{1b}'), "{args:?}: {out}");
        assert!(!out.contains('\u{202e}'), "{args:?}: {out}");
        assert!(!out.contains("\nfake line"), "{args:?}: {out}");
        assert!(
            out.contains("\\u{1b}[31mred\\nfake line\\u{202e}txt"),
            "{args:?}: {out}"
        );
    }
    let (code, _, err) = run(&["blast", "-q", "-i", input, "--compromise", "no\u{1b}such"]);
    assert_eq!(code, 2);
    // The in-process runner prints the raw error; the binary escapes it.
    let _ = err;
    let text = blastgraph_export::text::printable("no\u{1b}such\nline", true);
    assert_eq!(text, "no\\u{1b}such\nline");
}

#[test]
fn csv_cells_that_look_like_formulas_are_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let p = hostile_estate(dir.path());
    let out = ok(&[
        "blast",
        "-q",
        "-i",
        p.to_str().unwrap(),
        "--compromise",
        "role/evil",
        "--format",
        "csv",
    ]);
    assert!(out.contains("'@SUM(1)"), "{out}");
    assert!(!out.contains(",@SUM(1)"), "{out}");
    // JSON keeps the value as it is.
    let v = ok(&[
        "blast",
        "-q",
        "-i",
        p.to_str().unwrap(),
        "--compromise",
        "role/evil",
        "--format",
        "json",
    ]);
    assert!(v.contains("\"@SUM(1)\""), "{v}");
}

#[test]
fn a_closed_pipe_is_recognised_so_the_binary_ends_quietly() {
    use clap::Parser;
    let (reader, mut writer) = std::io::pipe().unwrap();
    drop(reader);
    let cli = blastgraph_cli::args::Cli::try_parse_from(["blastgraph", "rank", "-q", "-i", PIVOT])
        .unwrap();
    let mut err = Vec::new();
    let e = blastgraph_cli::run(&cli, &mut writer, &mut err).unwrap_err();
    assert!(blastgraph_cli::is_broken_pipe(&e), "{e:#}");
    // Negative twin: another error is not taken for a closed pipe.
    let e = anyhow::anyhow!("cannot write x.json: permission denied");
    assert!(!blastgraph_cli::is_broken_pipe(&e));
}

/// Fake secrets, assembled at run time so that the source holds none.
fn seeded() -> Vec<String> {
    vec![
        ["Sup3r", "S3cret", "FakePw!"].concat(),
        ["sk-proj-", "Fak3Val4e", "AbCdEfGhIjKlMnOpQrStUv"].concat(),
        ["ghp_", "A1b2C3d4E5f6G7h8I9j0", "K1l2M3n4O5p6Q7r8"].concat(),
        ["Pg", "Pass", "w0rdFake9"].concat(),
    ]
}

#[test]
fn seeded_secrets_reach_no_output_snapshot_manifest_or_log() {
    let s = seeded();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("aws");
    copy_tree(Path::new("fixtures/aws-org"), &root);
    // Tags on a user and on an instance that name secrets or hold one.
    let details = root.join("111111111111/global/iam/get-account-authorization-details.json");
    let text = std::fs::read_to_string(&details).unwrap();
    let tags = serde_json::json!([
        {"Key": "db_pass", "Value": s[0]},
        {"Key": "api_key", "Value": s[1]},
        {"Key": "team", "Value": "platform"}
    ]);
    let text = text.replacen("\"Tags\": []", &format!("\"Tags\": {tags}"), 1);
    std::fs::write(&details, text).unwrap();
    let ec2 = root.join("111111111111/us-east-1/ec2/describe-instances.json");
    let text = std::fs::read_to_string(&ec2).unwrap();
    let text = text.replace(
        "\"Value\": \"web-1\"",
        &format!(
            "\"Value\": \"web-1\"}}, {{\"Key\": \"password\", \"Value\": \"{}\"}}, {{\"Key\": \"dsn\", \"Value\": \"postgres://app:{}@db:5432/x\"",
            s[0], s[3]
        ),
    );
    std::fs::write(&ec2, text).unwrap();
    // An API error message that echoes a token.
    let coll = root.join("collection.json");
    let text = std::fs::read_to_string(&coll).unwrap();
    let text = text.replace(
        "not authorized to perform sagemaker:ListEndpoints",
        &format!(
            "not authorized (token {}) to perform sagemaker:ListEndpoints",
            s[2]
        ),
    );
    std::fs::write(&coll, text).unwrap();

    let input = root.to_str().unwrap();
    let snap = dir.path().join("snap");
    let csv = dir.path().join("csv");
    let js = dir.path().join("json");
    let mut logs = String::new();
    for args in [
        vec!["build", "-i", input, "-o", snap.to_str().unwrap()],
        vec![
            "export",
            "-i",
            input,
            "--to",
            "csv",
            "-o",
            csv.to_str().unwrap(),
        ],
        vec![
            "export",
            "-i",
            input,
            "--to",
            "json",
            "-o",
            js.to_str().unwrap(),
        ],
        vec![
            "blast",
            "-i",
            input,
            "--compromise",
            "AKIAIOSFODNN7EXAMPLE",
            "--format",
            "json",
        ],
        vec!["rank", "-i", input],
    ] {
        let (code, out, err) = run(&args);
        assert_eq!(code, 0, "{args:?}: {err}");
        logs.push_str(&out);
        logs.push_str(&err);
    }
    // The snapshot's Parquet tables, read back, and every text file written.
    let mut texts = vec![logs];
    for d in [&snap, &csv, &js] {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "parquet") {
                let f = std::fs::File::open(&p).unwrap();
                use polars::prelude::SerReader;
                let df = polars::prelude::ParquetReader::new(f).finish().unwrap();
                texts.push(blastgraph_export::frame_to_json(&df).to_string());
            } else {
                // The graph section is binary: its strings are searched as bytes.
                texts.push(String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned());
            }
        }
    }
    let all = texts.join("\n");
    for secret in &s {
        assert!(!all.contains(secret.as_str()), "a seeded value leaked");
    }
    // The tags are kept, redacted, and the harmless one as it is.
    assert!(all.contains("[redacted secret "), "no marker");
    assert!(all.contains("[redacted password "), "no marker for the DSN");
    assert!(all.contains("platform"));
    // The collection warning is still reported, without the token.
    assert!(all.contains("sagemaker:ListEndpoints"));
}

#[test]
fn duplicate_keys_cost_their_record_and_a_byte_order_mark_costs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // An estate with a node that gives `class` twice, beside a good one.
    std::fs::write(
        d.join("dup.json"),
        r#"{"format": "blastgraph-estate", "version": 1, "nodes": [
            {"id": "role/a", "kind": "aws:role", "class": "dataset", "class": "workload"},
            {"id": "role/b", "kind": "aws:role", "class": "workload"}
        ], "edges": []}"#,
    )
    .unwrap();
    // The pivot-chain estate with a byte-order mark.
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend(std::fs::read(PIVOT).unwrap());
    std::fs::write(d.join("bom.json"), bom).unwrap();
    let (code, out, err) = run(&["rank", "-i", d.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("duplicate key `class`"), "{err}");
    assert!(err.contains("the record `$.nodes[0]` is skipped"), "{err}");
    assert!(!err.contains("unrecognised"), "{err}");
    let v = json(&out);
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&"role/a"), "{ids:?}");
    assert!(ids.contains(&"role/b"), "{ids:?}");
    assert!(
        ids.contains(&"arn:aws:iam::111111111111:role/deployer"),
        "{ids:?}"
    );
}

/// The embedded demo estate reads without a single diagnostic (regression:
/// a split of the AWS reader left `bedrock-agent/list-agents` unread, which
/// only its warnings showed).
#[test]
fn the_demo_estate_reads_without_problems() {
    let mut err = Vec::new();
    let g = blastgraph_cli::inputs::load(
        &blastgraph_cli::args::InputArgs {
            input: Vec::new(),
            quiet: true,
            inspect_secret_values: false,
            spill: Default::default(),
        },
        &mut err,
    )
    .unwrap();
    let d: Vec<String> = g
        .manifest()
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(d.is_empty(), "{d:#?}");
}
