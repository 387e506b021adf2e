//! `collect google` and `collect slack` against a stand-in that pages the
//! connectors' fixtures one item at a time: the pages merge back into the
//! fixtures' records, the connectors read them, tokens are never written.

#![expect(
    clippy::expect_used,
    reason = "a test fails loudly on what it does not expect"
)]

use std::path::{Path, PathBuf};

use blastgraph_model::collect::NoProgress;
use serde_json::Value;

fn here() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn stub(dir: &Path) -> blastgraph_gen::LocalServer {
    let port = dir.join("port");
    let google = here().join("../google/tests/fixtures/google/C03az79cb");
    let slack =
        here().join("../slack/tests/fixtures/slack/E0AB12CD3/admin.apps.approved.list.json");
    let args = [
        google.as_os_str(),
        slack.as_os_str(),
        port.as_os_str(),
        "saas-test-token".as_ref(),
    ];
    blastgraph_gen::LocalServer::start(&here().join("tests/saas_stub.py"), &args, &port)
        .expect("the stand-in starts")
}

fn json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap_or_default()).unwrap_or_default()
}

#[test]
fn both_collectors_merge_pages_into_their_layouts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let s = stub(tmp.path());
    let out = tmp.path().join("out");
    let g = blastgraph_connector_saas_live::google(
        &s.url,
        "saas-test-token",
        "C03az79cb",
        &out,
        &NoProgress,
    )
    .expect("google");
    assert_eq!(g.calls.failed, 0, "{g:?}");
    let fixture = here().join("../google/tests/fixtures/google/C03az79cb");
    assert_eq!(
        json(&out.join("google/C03az79cb/users.json"))["users"],
        json(&fixture.join("users.json"))["users"]
    );
    for user in ["alice@acme.ai", "bob@acme.ai", "carol@acme.ai"] {
        let f = format!("tokens/{user}.json");
        assert_eq!(
            json(&out.join("google/C03az79cb").join(&f))["items"],
            json(&fixture.join(&f))["items"],
            "{f}"
        );
    }
    let sl = blastgraph_connector_saas_live::slack(
        &s.url,
        "saas-test-token",
        "E0AB12CD3",
        &out,
        &NoProgress,
    )
    .expect("slack");
    assert_eq!(sl.files, 1);
    let want =
        json(&here().join("../slack/tests/fixtures/slack/E0AB12CD3/admin.apps.approved.list.json"));
    assert_eq!(
        json(&out.join("slack/E0AB12CD3/admin.apps.approved.list.json"))["approved_apps"],
        want["approved_apps"]
    );
    // The connectors read what was collected.
    let files = blastgraph_gen::json_files_under(&out);
    assert!(
        files
            .iter()
            .all(|(_, b)| !String::from_utf8_lossy(b).contains("saas-test-token"))
    );
    let inputs = blastgraph_gen::bench::inputs(&files);
    let (gi, si): (Vec<_>, Vec<_>) = inputs.iter().partition(|f| f.path.contains("/google/"));
    let mut b = blastgraph_model::EstateBuilder::new();
    blastgraph_model::Connector::ingest_all(
        &blastgraph_connector_google::GoogleConnector,
        &gi,
        &mut b,
    );
    blastgraph_model::Connector::ingest_all(
        &blastgraph_connector_slack::SlackConnector,
        &si,
        &mut b,
    );
    let e = b.finish();
    let edges = e.edges.to_vec();
    assert!(edges.iter().any(|x| x.from
        == "google:oauth_client/9876543210-inbox.apps.googleusercontent.com"
        && x.to == "google:gmail/alice@acme.ai"));
    assert!(
        edges
            .iter()
            .any(|x| x.from == "slack:app/A0W7UKG8E" && x.to == "slack:E0AB12CD3/public")
    );
}

#[test]
fn a_refused_token_is_a_clear_error_that_never_shows_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let s = stub(tmp.path());
    let e = blastgraph_connector_saas_live::google(
        &s.url,
        "bad-secret-token",
        "C03az79cb",
        tmp.path(),
        &NoProgress,
    )
    .expect_err("refused");
    assert!(
        e.to_string().contains("HTTP 401") && !e.to_string().contains("bad-secret"),
        "{e}"
    );
    let e = blastgraph_connector_saas_live::slack(
        &s.url,
        "bad-secret-token",
        "E0AB12CD3",
        tmp.path(),
        &NoProgress,
    )
    .expect_err("refused");
    assert!(
        e.to_string().contains("HTTP 401") && !e.to_string().contains("bad-secret"),
        "{e}"
    );
}
