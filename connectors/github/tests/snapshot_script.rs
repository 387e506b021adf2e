//! `gh-snapshot.sh` with a stand-in for `gh` on PATH that answers `gh api
//! --paginate PATH` from the fixture, each list split into two pages as
//! `--paginate` prints them: the script writes the fixture's documents.

use std::path::Path;
use std::process::Command;

#[test]
fn the_script_rebuilds_the_layout_from_paginated_answers() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixture = here.join("tests/fixtures/acme/github");
    let tmp = tempfile::tempdir().expect("tempdir");
    let bin = tmp.path().join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    // `gh api --paginate PATH`: the fixture's answer, lists in two pages
    // (concatenated, as gh prints them); `user/installations/ID/...` is
    // where the installation's repositories are asked.
    let gh = format!(
        r#"#!/usr/bin/env bash
p="${{3#user/}}"
f='{root}'/"$p".json
[ -f "$f" ] || exit 1
jq -c 'if type == "array" then (.[:1], .[1:]) else . end' "$f"
"#,
        root = fixture.display()
    );
    std::fs::write(bin.join("gh"), gh).expect("gh");
    let _ = Command::new("chmod").arg("+x").arg(bin.join("gh")).status();
    let out = tmp.path().join("out");
    let run = Command::new("bash")
        .arg(here.join("gh-snapshot.sh"))
        .arg(&out)
        .arg("acme")
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .output()
        .expect("bash runs the script");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    for f in blastgraph_gen::files_under(&fixture) {
        let rel = f.strip_prefix(&fixture).expect("under");
        let got = out.join("github").join(rel);
        let a: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&got).unwrap_or_default()).unwrap_or_default();
        let b: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&f).expect("fixture")).expect("json");
        assert_eq!(a, b, "{}", rel.display());
    }
}
