//! `collect github` against a stand-in for GitHub's REST API that replays
//! the Acme fixture one item per page (`connectors/github/tests/github_stub.py`):
//! the collector merges the pages back into the fixture's documents, the
//! connector reads them, and the token is never written.

#![expect(
    clippy::expect_used,
    reason = "a test fails loudly on what it does not expect"
)]

use std::path::{Path, PathBuf};

use blastgraph_connector_github_live::{Options, collect};
use blastgraph_model::collect::NoProgress;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../github/tests/fixtures/acme/github")
}

fn stub(dir: &Path) -> blastgraph_gen::LocalServer {
    let port = dir.join("port");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../github/tests/github_stub.py");
    let fixture = fixture();
    let args = [
        fixture.as_os_str(),
        port.as_os_str(),
        "gh-test-token".as_ref(),
    ];
    blastgraph_gen::LocalServer::start(&script, &args, &port).expect("the stand-in starts")
}

fn options(api: &str, token: &str, out: &Path) -> Options {
    Options {
        api_url: api.to_string(),
        token: token.into(),
        org: "acme".into(),
        output: out.to_path_buf(),
    }
}

#[test]
fn the_collector_merges_pages_into_the_layout() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let s = stub(tmp.path());
    let out = tmp.path().join("out");
    let o = collect(&options(&s.url, "gh-test-token", &out), &NoProgress).expect("collects");
    assert_eq!(o.calls.denied + o.calls.failed, 0, "{o:?}");
    for f in blastgraph_gen::files_under(&fixture()) {
        let rel = f.strip_prefix(fixture()).expect("under");
        let got: serde_json::Value = serde_json::from_slice(
            &std::fs::read(out.join("github").join(rel)).unwrap_or_default(),
        )
        .unwrap_or_default();
        let want: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&f).expect("fixture")).expect("json");
        assert_eq!(got, want, "{}", rel.display());
    }
    let written = blastgraph_gen::json_files_under(&out);
    assert!(
        written
            .iter()
            .all(|(_, b)| !String::from_utf8_lossy(b).contains("gh-test-token"))
    );
    let (e, _) =
        blastgraph_gen::bench::ingest(&blastgraph_connector_github::GithubConnector, &written);
    let sub = blastgraph_model::ids::github_actions_subject("repo:acme/infra:ref:refs/heads/dev");
    assert!(
        e.edges
            .to_vec()
            .iter()
            .any(|x| x.from == "github:user/carol" && x.to == sub)
    );
}

#[test]
fn a_bad_token_is_a_clear_error_that_never_shows_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let s = stub(tmp.path());
    let err = collect(
        &options(&s.url, "wrong-secret-token", &tmp.path().join("out")),
        &NoProgress,
    )
    .expect_err("refused");
    let text = err.to_string();
    assert!(text.contains("refused"), "{text}");
    assert!(!text.contains("wrong-secret-token"));
    assert!(
        !format!("{:?}", options(&s.url, "wrong-secret-token", tmp.path()))
            .contains("wrong-secret")
    );
}
