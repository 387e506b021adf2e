//! Slack approved apps: what each reaches by its scopes and token type.

#![allow(clippy::expect_used)]

use blastgraph_connector_slack::SlackConnector;
use blastgraph_model::{AccessLevel, Connector, EstateBuilder, InputFile};

#[test]
fn approved_apps_reach_messages_and_files_by_scope() {
    let files = blastgraph_gen::json_files_under(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
    );
    let inputs: Vec<InputFile<'_>> = files
        .iter()
        .map(|(p, b)| InputFile {
            path: p,
            bytes: b,
            sha256: "",
        })
        .collect();
    assert!(
        inputs
            .iter()
            .all(|f| SlackConnector.detect(f.path, f.bytes))
    );
    assert!(!SlackConnector.detect(
        "exports/admin.apps.approved.list.json",
        b"{\"approved_apps\":[]}"
    ));
    let mut b = EstateBuilder::new();
    SlackConnector.ingest_all(&inputs, &mut b);
    let e = b.finish();
    let edges = e.edges.to_vec();
    let get = |from: &str, to: &str| {
        edges
            .iter()
            .find(|x| x.from == from && x.to == to)
            .map(|x| (x.access, x.conditional))
    };
    let summarizer = "slack:app/A0W7UKG8E";
    // A user token reads every public channel; private ones only as far as its users see.
    assert_eq!(
        get(summarizer, "slack:E0AB12CD3/public"),
        Some((Some(AccessLevel::Read), false))
    );
    assert_eq!(
        get(summarizer, "slack:E0AB12CD3/private"),
        Some((Some(AccessLevel::Read), true))
    );
    assert_eq!(get(summarizer, "slack:E0AB12CD3/dms"), None);
    // A bot token: only the conversations it was added to.
    let bot = "slack:app/A0X8VLH9F";
    assert_eq!(
        get(bot, "slack:E0AB12CD3/files"),
        Some((Some(AccessLevel::Read), true))
    );
    assert_eq!(
        get(bot, "slack:E0AB12CD3/public"),
        Some((Some(AccessLevel::Write), true))
    );
    assert!(
        e.diagnostics
            .iter()
            .any(|d| d.message.contains("reactions:write"))
    );
}
