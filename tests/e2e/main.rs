//! End-to-end tests: real-format inputs, a query, the answer a security
//! engineer expects.
//!
//! Index:
//! - `aws_raw`: the AWS raw snapshot layout across two accounts of an
//!   organization (SCP, resource and key policies, inventories, keys).
//! - `scenarios`: every query on the `pivot-chain` fixture and the demo
//!   estate, answers pinned as insta snapshots (JSON with per-hop provenance,
//!   or the text a person reads).
//! - `bad_input`: malformed, empty, wrong-typed, unknown-kind, dangling and
//!   duplicate records; each error names file and place, good records kept.
//! - `cli`: exit codes, id resolution errors, formats, `--fail-on`.
//! - `snapshots`: build → save → load gives the same answers, byte for byte;
//!   exports are readable Parquet/CSV/JSON with the documented schemas.
//! - `formats`: BloodHound OpenGraph merged with native files.
//! - `exports`: whole-graph exports read back as other tools would: the
//!   OpenGraph export by our OpenGraph reader (the same graph) and against
//!   BloodHound's documented rules, the Neo4j CSV against `neo4j-admin`'s
//!   header format.
//! - `inputs_outputs`: the path from a file to the estate and from a result
//!   to a file, tried as a new user would: hidden names, unreadable paths,
//!   duplicate keys, byte-order marks, secrets in tags, control characters,
//!   CSV formulas, interrupted writes, outputs inside inputs, no usable
//!   input, blank and non-compromisable ids, closed pipes.
//! - `readme`: the README's example commands run.
//! - `shards`: `build --shard I/N` and `merge` give the unsharded build
//!   (cross-account trusts and inspected credentials across parts); a
//!   partial or mixed set of parts is refused; a build whose edge rows go
//!   to a spill file is the same build.
//! - `scenario_data`: the scenarios of `tests/scenarios/` (input files, a
//!   query file, the expected answers), run by one runner.
#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test fails loudly on what it does not expect"
)]

mod aws_raw;
mod bad_input;
mod cli;
mod exports;
mod formats;
mod inputs_outputs;
mod readme;
mod report;
mod scenario_data;
mod scenarios;
mod shards;
mod snapshots;

use clap::Parser;

/// Runs the CLI in-process: (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (u8, String, String) {
    let mut argv = vec!["blastgraph"];
    argv.extend_from_slice(args);
    let cli = match blastgraph_cli::args::Cli::try_parse_from(&argv) {
        Ok(c) => c,
        Err(e) => return (2, String::new(), e.to_string()),
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = match blastgraph_cli::run(&cli, &mut out, &mut err) {
        Ok(c) => c,
        Err(e) => {
            err.extend(format!("error: {e:#}\n").into_bytes());
            2
        }
    };
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

/// Runs and expects success; returns stdout.
pub fn ok(args: &[&str]) -> String {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "blastgraph {args:?} failed: {err}");
    out
}

/// Parses a JSON answer.
pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

/// The `name` of every element of the array `v[key]`, in order.
pub fn names<'a>(v: &'a serde_json::Value, key: &str) -> Vec<&'a str> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect()
}

/// The main scenario fixture.
pub const PIVOT: &str = "fixtures/pivot-chain/estate.json";

/// Splits a shell-like command line (single and double quotes).
pub fn shell_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (None, ' ') => {
                if !cur.is_empty() || any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            (None, c) => cur.push(c),
        }
    }
    if !cur.is_empty() || any {
        out.push(cur);
    }
    out
}

/// A copy of a fixture folder (to change one thing in it).
pub fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}
