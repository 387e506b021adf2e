//! Slack approved apps: what each reaches by its scopes and token type.

use blastgraph_connector_slack::SlackConnector;
use blastgraph_model::{AccessLevel, Connector, EstateBuilder};

#[test]
fn approved_apps_reach_messages_and_files_by_scope() {
    let files = blastgraph_gen::json_files_under(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
    );
    assert!(files.iter().all(|(p, b)| SlackConnector.detect(p, b)));
    assert!(!SlackConnector.detect(
        "exports/admin.apps.approved.list.json",
        b"{\"approved_apps\":[]}"
    ));
    let (e, _) = blastgraph_gen::bench::ingest(&SlackConnector, &files);
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

#[test]
fn an_error_answer_and_bad_records_are_said() {
    let mut b = EstateBuilder::new();
    let refused = br#"{"ok": false, "error": "not_allowed_token_type"}"#;
    let bad = br#"{"ok": true, "approved_apps": [{"app": {"name": "no id"}, "scopes": []}, {"app": {"id": "A1", "name": "ok"}, "scopes": [{"name": "channels:history", "token_type": "user"}]}]}"#;
    let files = [
        ("slack/T1/admin.apps.approved.list.json", &refused[..]),
        ("slack/T2/admin.apps.approved.list.json", &bad[..]),
    ];
    let inputs = blastgraph_gen::bench::inputs(&files);
    SlackConnector.ingest_all(&inputs, &mut b);
    let e = b.finish();
    assert!(
        e.diagnostics
            .iter()
            .any(|d| d.file.contains("T1") && d.message.contains("not_allowed_token_type"))
    );
    assert!(
        e.diagnostics
            .iter()
            .any(|d| d.file.contains("T2") && d.location == "$.approved_apps[0].app.id"),
        "{:?}",
        e.diagnostics
    );
    assert!(e.edges.to_vec().iter().any(|x| x.from == "slack:app/A1"));
}
