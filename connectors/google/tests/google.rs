//! Google Workspace OAuth tokens: what each app reaches through the
//! users who granted it, with negative twins.

use blastgraph_connector_google::GoogleConnector;
use blastgraph_model::{AccessLevel, Connector, EdgeKind, Estate};

fn acme() -> Estate {
    let files = blastgraph_gen::json_files_under(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
    );
    for (p, b) in &files {
        assert!(GoogleConnector.detect(p, b), "{p}");
    }
    blastgraph_gen::bench::ingest(&GoogleConnector, &files).0
}

fn grant(e: &Estate, from: &str, to: &str) -> Option<(Option<AccessLevel>, bool, EdgeKind)> {
    e.edges
        .to_vec()
        .into_iter()
        .find(|x| x.from == from && x.to == to)
        .map(|x| (x.access, x.conditional, x.kind))
}

#[test]
fn apps_reach_the_data_their_scopes_name() {
    let e = acme();
    let inbox = "google:oauth_client/9876543210-inbox.apps.googleusercontent.com";
    assert_eq!(
        grant(&e, inbox, "google:gmail/alice@acme.ai"),
        Some((Some(AccessLevel::Admin), false, EdgeKind::OauthGrant))
    );
    assert_eq!(
        grant(&e, inbox, "google:drive/alice@acme.ai"),
        Some((Some(AccessLevel::Read), false, EdgeKind::OauthGrant))
    );
    // A suspended user's token is no live path.
    assert_eq!(grant(&e, inbox, "google:gmail/bob@acme.ai"), None);
    // drive.file: only the files the app touched.
    let notes = "google:oauth_client/1234567890-notes.apps.googleusercontent.com";
    assert_eq!(
        grant(&e, notes, "google:drive/alice@acme.ai").map(|g| g.1),
        Some(true)
    );
    assert_eq!(
        grant(&e, notes, "google:calendar/alice@acme.ai").map(|g| g.0),
        Some(Some(AccessLevel::Read))
    );
    assert_eq!(grant(&e, notes, "google:gmail/alice@acme.ai"), None);
    // An admin's directory scope makes the app the tenant's admin; the
    // same scope from a non-admin would not.
    let sync = "google:oauth_client/5555555555-gam.apps.googleusercontent.com";
    assert_eq!(
        grant(&e, sync, "google:C03az79cb/admin").map(|g| g.2),
        Some(EdgeKind::CanEscalate)
    );
    // Sign-in scopes reach nothing and are not news; others outside the
    // table would be said.
    assert!(!e.diagnostics.iter().any(|d| d.message.contains("openid")));
}
