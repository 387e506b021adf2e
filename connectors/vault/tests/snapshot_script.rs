//! `vault-snapshot.sh` against a stand-in for Vault's API on 127.0.0.1
//! (`tests/vault_stub.py`) that replays the Acme fixture: the script
//! rebuilds the fixture's layout file for file, and never asks for a
//! secret's value.

#![expect(
    clippy::expect_used,
    reason = "a test fails loudly on what it does not expect"
)]

use std::path::Path;
use std::process::Command;

/// Starts the stand-in on the fixture.
fn start(fixture: &Path, dir: &Path, log: &Path, token: &str) -> blastgraph_gen::LocalServer {
    let port = dir.join("port");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vault_stub.py");
    let args = [
        fixture.as_os_str(),
        port.as_os_str(),
        log.as_os_str(),
        token.as_ref(),
    ];
    blastgraph_gen::LocalServer::start(&script, &args, &port).expect("the stand-in starts")
}

#[test]
fn the_script_rebuilds_the_layout_and_never_asks_for_a_value() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixture = here.join("tests/fixtures/acme/vault");
    let tmp = tempfile::tempdir().expect("tempdir");
    let log = tmp.path().join("requests.log");
    let server = start(&fixture, tmp.path(), &log, "test-token");
    let out = tmp.path().join("out");
    let run = Command::new("bash")
        .arg(here.join("vault-snapshot.sh"))
        .arg(&out)
        .env("VAULT_ADDR", &server.url)
        .env("VAULT_TOKEN", "test-token")
        .env_remove("VAULT_NAMESPACE")
        .output()
        .expect("bash runs the script");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );

    // Every file of the fixture but the value someone exported by mistake
    // comes back byte for byte.
    let want = blastgraph_gen::files_under(&fixture);
    for f in &want {
        let rel = f.strip_prefix(&fixture).expect("under the fixture");
        let got = out.join("vault").join(rel);
        if rel.starts_with("secret/data") {
            assert!(!got.exists(), "{} was fetched", rel.display());
            continue;
        }
        assert_eq!(
            std::fs::read(&got).unwrap_or_default(),
            std::fs::read(f).expect("fixture file"),
            "{}",
            rel.display()
        );
    }
    // No value was asked for: no KV `data/`, no GET under the KV 1 mount.
    let requests = std::fs::read_to_string(&log).expect("request log");
    for line in requests.lines() {
        assert!(!line.contains("/secret/data"), "{line}");
        assert!(!(line.starts_with("GET /v1/legacy/")), "{line}");
        assert!(!line.contains("cubbyhole"), "{line}");
    }
    // The token is never written.
    let written = blastgraph_gen::files_under(&out);
    for f in written {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        assert!(!text.contains("test-token"), "{}", f.display());
        assert!(!text.contains("SEEDED-VAULT-VALUE"), "{}", f.display());
    }
}

#[test]
fn a_wrong_token_gives_error_bodies_the_connector_names_as_gaps() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixture = here.join("tests/fixtures/acme/vault");
    let tmp = tempfile::tempdir().expect("tempdir");
    let server = start(&fixture, tmp.path(), &tmp.path().join("log"), "right-token");
    let out = tmp.path().join("out");
    let run = Command::new("bash")
        .arg(here.join("vault-snapshot.sh"))
        .arg(&out)
        .env("VAULT_ADDR", &server.url)
        .env("VAULT_TOKEN", "wrong-token")
        .output()
        .expect("bash runs the script");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let body = std::fs::read_to_string(out.join("vault/sys/mounts.json")).expect("mounts");
    assert!(body.contains("permission denied"), "{body}");
}
