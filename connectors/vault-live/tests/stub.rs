//! `collect vault` against the stand-in for Vault's API that replays the
//! Acme fixture (`connectors/vault/tests/vault_stub.py`): the collector
//! writes the fixture's layout file for file, as `vault-snapshot.sh` does,
//! never asks for a value, never writes its token, and the connector reads
//! what it wrote.

#![expect(
    clippy::expect_used,
    reason = "a test fails loudly on what it does not expect"
)]

use std::path::{Path, PathBuf};

use blastgraph_connector_vault_live::{Options, collect};
use blastgraph_model::collect::NoProgress;

fn stub(dir: &Path, token: &str) -> blastgraph_gen::LocalServer {
    let port = dir.join("port");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../vault/tests/vault_stub.py");
    let (fixture, log) = (fixture(), dir.join("requests.log"));
    let args = [
        fixture.as_os_str(),
        port.as_os_str(),
        log.as_os_str(),
        token.as_ref(),
    ];
    blastgraph_gen::LocalServer::start(&script, &args, &port).expect("the stand-in starts")
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../vault/tests/fixtures/acme/vault")
}

fn options(address: &str, token: &str, output: &Path) -> Options {
    Options {
        address: address.to_string(),
        token: token.into(),
        namespace: String::new(),
        ca_cert: None,
        output: output.to_path_buf(),
        inspect_values: false,
    }
}

#[test]
fn the_collector_writes_the_layout_the_script_writes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let s = stub(tmp.path(), "live-token");
    let out = tmp.path().join("out");
    let o = collect(&options(&s.url, "live-token", &out), &NoProgress).expect("collects");
    assert_eq!(o.calls.denied, 0);
    assert!(o.calls.ok > 40, "{o:?}");
    let want = blastgraph_gen::files_under(&fixture());
    for f in &want {
        let rel = f.strip_prefix(fixture()).expect("under the fixture");
        let got = out.join("vault").join(rel);
        if rel.starts_with("secret/data") {
            assert!(!got.exists(), "{} was fetched", rel.display());
            continue;
        }
        assert_eq!(
            std::fs::read(&got).unwrap_or_default(),
            std::fs::read(f).expect("fixture"),
            "{}",
            rel.display()
        );
    }
    let log = std::fs::read_to_string(tmp.path().join("requests.log")).expect("log");
    for line in log.lines() {
        assert!(!line.contains("/secret/data"), "{line}");
        assert!(!line.starts_with("GET /v1/legacy/"), "{line}");
    }
    let written = blastgraph_gen::json_files_under(&out);
    for (p, b) in &written {
        assert!(!String::from_utf8_lossy(b).contains("live-token"), "{p}");
    }
    // The connector reads what was collected: the GitHub workflow logs in.
    let (e, _) =
        blastgraph_gen::bench::ingest(&blastgraph_connector_vault::VaultConnector, &written);
    let sub = blastgraph_model::ids::github_actions_subject("repo:acme/infra:ref:refs/heads/main");
    assert!(
        e.edges
            .to_vec()
            .iter()
            .any(|x| x.from == sub && x.to == "vault:acme-vault/auth/jwt/role/deploy"),
        "{:?}",
        e.diagnostics
    );
}

/// `--inspect-secret-values`: each KV value is read in memory and dropped;
/// `blastgraph-inspected.json` says what it holds (the Entra client
/// secret, by the client id beside it), and the connector run with the flag
/// places it; the value reaches no file.
#[test]
fn inspecting_values_writes_what_they_hold_never_the_values() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let s = stub(tmp.path(), "live-token");
    let out = tmp.path().join("out");
    let mut opts = options(&s.url, "live-token", &out);
    opts.inspect_values = true;
    collect(&opts, &NoProgress).expect("collects");
    let log = std::fs::read_to_string(tmp.path().join("requests.log")).expect("log");
    assert!(
        log.lines()
            .any(|l| l.starts_with("GET /v1/secret/data/ml/openai-sp")),
        "{log}"
    );
    let written = blastgraph_gen::json_files_under(&out);
    assert!(
        !written.iter().any(|(p, _)| p.contains("secret/data")),
        "a value was written"
    );
    for (p, b) in &written {
        assert!(
            !String::from_utf8_lossy(b).contains("SEEDED-VAULT-VALUE"),
            "{p}"
        );
    }
    let inspected: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.join("vault/blastgraph-inspected.json")).expect("written"),
    )
    .expect("JSON");
    assert_eq!(inspected["format"], "blastgraph-inspected-values");
    assert_eq!(
        inspected["inspected"][0]["secret"],
        "secret/data/ml/openai-sp"
    );
    let found = &inspected["inspected"][0]["found"][0];
    assert_eq!(found["kind"], "entra client secret");
    assert_eq!(found["key"], "3f9b0d3c-0000-4000-8000-000000000001");
    // The connector places it only with the flag: here no input holds the
    // service principal, so it is said, not linked.
    let inputs = blastgraph_gen::bench::inputs(&written);
    let read = |inspect: bool| {
        use blastgraph_model::Connector;
        let mut b = blastgraph_model::EstateBuilder::new();
        b.set_inspect_values(inspect);
        blastgraph_connector_vault::VaultConnector.ingest_all(&inputs, &mut b);
        b.resolve_credential_hints();
        b.finish()
    };
    let said = |e: &blastgraph_model::Estate| {
        e.diagnostics
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    };
    let with = said(&read(true));
    assert!(
        with.iter()
            .any(|d| d.contains("holds a entra client secret")
                && d.contains("vault:acme-vault/secret/ml/openai-sp")),
        "{with:#?}"
    );
    let without = said(&read(false));
    assert!(
        without
            .iter()
            .any(|d| d.contains("blastgraph-inspected.json")
                || d.contains("links secrets only with that flag")),
        "{without:#?}"
    );
    assert!(
        !without
            .iter()
            .any(|d| d.contains("holds a entra client secret"))
    );
}

#[test]
fn a_refused_token_leaves_error_bodies_and_says_so() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let s = stub(tmp.path(), "right-token");
    let out = tmp.path().join("out");
    let o = collect(&options(&s.url, "wrong-token", &out), &NoProgress).expect("collects");
    assert!(o.calls.denied > 0 && o.calls.ok == 0, "{o:?}");
    let summary =
        blastgraph_connector_vault_live::summary(&o, &options(&s.url, "wrong-token", &out));
    assert!(summary.contains("denied"), "{summary}");
    assert!(!summary.contains("wrong-token"));
    let body = std::fs::read_to_string(out.join("vault/sys/mounts.json")).expect("mounts");
    assert!(body.contains("permission denied"));
}

#[test]
fn nothing_listening_is_a_clear_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // A port nothing listens on: bind one, then let it go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let err = collect(
        &options(
            &format!("http://127.0.0.1:{port}"),
            "t0k3n-never-shown",
            tmp.path(),
        ),
        &NoProgress,
    )
    .expect_err("no Vault there");
    let text = err.to_string();
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert!(!text.contains("t0k3n-never-shown"), "{text}");
    assert!(!format!("{:?}", options("a", "t0k3n-never-shown", tmp.path())).contains("t0k3n"));
}
