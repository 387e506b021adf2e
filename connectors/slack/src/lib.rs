//! Slack connector: the apps an Enterprise Grid organisation (or
//! workspace) approved (`admin.apps.approved.list`), and the messages and
//! files their scopes reach (docs/saas-oauth.md has the scope table).
//!
//! Layout: `slack/TEAM/admin.apps.approved.list.json`, the method's
//! response with its pages' `approved_apps` merged. An app's user-token
//! scopes read what its authorising users see; bot-token scopes read the
//! conversations the bot was added to, which the list does not say.

use std::collections::{BTreeSet, HashSet};

use blastgraph_model::json::{Obj, RecordError, read_or_report, type_name};
use blastgraph_model::{
    AccessLevel, Attributes, Class, Code, Connector, Edge, EdgeKind, EstateBuilder, IngestError,
    InputFile, Node, Provenance,
};
use serde_json::Value;

/// The format name recorded in the manifest.
pub const FORMAT: &str = "slack";

/// Slack in the provider registry.
pub static PROVIDER: blastgraph_model::Provider = blastgraph_model::Provider {
    name: "slack",
    accepts: "a Slack `admin.apps.approved.list` response under `slack/TEAM/` (`slack/TEAM/admin.apps.approved.list.json`)",
    docs: "docs/saas-oauth.md",
    connector: &SlackConnector,
};

/// What a scope reaches: the data (`public`, `private`, `dms`, `files`,
/// `all` for search) or the organisation admin (`admin`), and the level.
pub const SCOPES: &[(&str, &str, AccessLevel)] = &[
    ("channels:history", "public", AccessLevel::Read),
    ("groups:history", "private", AccessLevel::Read),
    ("im:history", "dms", AccessLevel::Read),
    ("mpim:history", "dms", AccessLevel::Read),
    ("files:read", "files", AccessLevel::Read),
    ("files:write", "files", AccessLevel::Write),
    ("chat:write", "public", AccessLevel::Write),
    ("search:read", "all", AccessLevel::Read),
    ("admin", "admin", AccessLevel::Admin),
];

/// The data nodes a scope's `all` stands for.
const ALL: [&str; 4] = ["public", "private", "dms", "files"];

/// Reads the Slack layout.
#[derive(Debug, Default, Clone, Copy)]
pub struct SlackConnector;

fn team_of(path: &str) -> Option<String> {
    let rel = blastgraph_model::layout::after_folder(path, "slack")?;
    let team = rel.strip_suffix("/admin.apps.approved.list.json")?;
    (!team.is_empty() && !team.contains('/')).then(|| team.to_string())
}

impl Connector for SlackConnector {
    fn name(&self) -> &'static str {
        FORMAT
    }

    fn detect(&self, path: &str, head: &[u8]) -> bool {
        team_of(path).is_some() && String::from_utf8_lossy(head).contains("\"approved_apps\"")
    }

    fn ingest(&self, path: &str, bytes: &[u8], out: &mut EstateBuilder) -> Result<(), IngestError> {
        read(path, bytes, out);
        Ok(())
    }

    fn ingest_all(&self, files: &[InputFile<'_>], out: &mut EstateBuilder) {
        for f in files {
            out.begin_input(f.path, FORMAT, f.sha256.to_string(), f.bytes.len() as u64);
            read(f.path, f.bytes, out);
        }
    }
}

fn read(path: &str, bytes: &[u8], out: &mut EstateBuilder) {
    let Some(team) = team_of(path) else {
        out.warning_code(
            Code::NotInLayout,
            "$",
            "not a file of the Slack layout; skipped",
        );
        return;
    };
    let Some(value) = read_or_report(path, bytes, out) else {
        return;
    };
    if value.get("ok") == Some(&Value::Bool(false)) {
        out.warning_code(
            Code::NotCollected,
            "$.ok",
            format!(
                "Slack answered an error ({}): the approved apps are missing from the graph",
                value
                    .get("error")
                    .and_then(Value::as_str)
                    .unwrap_or("no reason given")
            ),
        );
        return;
    }
    let apps = match value.get("approved_apps") {
        Some(Value::Array(a)) => a.as_slice(),
        other => {
            out.error(
                "$.approved_apps",
                format!(
                    "expected an array, found {}",
                    other.map_or("nothing", type_name)
                ),
            );
            return;
        }
    };
    let mut added: HashSet<String> = HashSet::new();
    let mut unknown: BTreeSet<String> = BTreeSet::new();
    for (i, item) in apps.iter().enumerate() {
        let r: Result<(), RecordError> = (|| {
            let o = Obj::new(item, format!("$.approved_apps[{i}]"))?;
            let app = Obj::new(o.map.get("app").unwrap_or(&Value::Null), o.at("app"))?;
            let id = format!("slack:app/{}", app.req_str("id")?);
            let name = app.opt_str("name")?.unwrap_or("Slack app").to_string();
            let mut node =
                |out: &mut EstateBuilder, id: &str, name: String, kind: &str, class: Class| {
                    if added.insert(id.to_string()) && !out.has_node(id) {
                        out.add_node(
                            Node {
                                id: id.to_string(),
                                name,
                                provider: "slack".into(),
                                kind: kind.into(),
                                class,
                                attrs: Attributes::default(),
                            },
                            &o.path,
                        );
                    }
                };
            node(out, &id, name.clone(), "slack:app", Class::Workload);
            let scopes = o
                .map
                .get("scopes")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            for (j, s) in scopes.iter().enumerate() {
                let s = Obj::new(s, format!("{}[{j}]", o.at("scopes")))?;
                let scope = s.req_str("name")?;
                let bot = s.opt_str("token_type")? == Some("bot");
                let Some((_, what, level)) = SCOPES.iter().find(|(n, ..)| *n == scope) else {
                    unknown.insert(scope.to_string());
                    continue;
                };
                let targets: Vec<&str> = if *what == "all" {
                    ALL.to_vec()
                } else {
                    vec![what]
                };
                for what in targets {
                    let (to, kind, access, class) = if what == "admin" {
                        (
                            format!("slack:{team}/admin"),
                            EdgeKind::CanEscalate,
                            None,
                            Class::Scope,
                        )
                    } else {
                        (
                            format!("slack:{team}/{what}"),
                            EdgeKind::OauthGrant,
                            Some(*level),
                            Class::Dataset,
                        )
                    };
                    let label = match what {
                        "public" => "public channel messages",
                        "private" => "private channel messages",
                        "dms" => "direct messages",
                        "files" => "files",
                        _ => "organisation admin",
                    };
                    node(
                        out,
                        &to,
                        format!("{label} of {team}"),
                        &format!("slack:{what}"),
                        class,
                    );
                    let cond = if bot {
                        Some("a bot token reads only the conversations the app was added to, which the list does not say".to_string())
                    } else if what == "private" || what == "dms" {
                        Some(
                            "a user token reads only what the users who authorised the app can see"
                                .to_string(),
                        )
                    } else {
                        None
                    };
                    out.add_edge(Edge {
                        id: None,
                        from: id.clone(),
                        to,
                        kind,
                        access,
                        mechanism: Some("slack oauth token".into()),
                        conditional: cond.is_some(),
                        condition: cond,
                        provenance: Provenance {
                            source: path.to_string(),
                            location: s.path.clone(),
                            reason: format!(
                                "approved app {name} holds the {} scope {scope}",
                                if bot { "bot" } else { "user" }
                            ),
                        },
                    });
                }
            }
            Ok(())
        })();
        if let Err(e) = r {
            out.error_code(e.code, e.location, e.message);
        }
    }
    if !unknown.is_empty() {
        out.warning_code(
            Code::Ignored,
            "$",
            format!(
                "scopes not in the table of docs/saas-oauth.md, so they reach nothing here: {}",
                unknown.into_iter().collect::<Vec<_>>().join(", ")
            ),
        );
    }
}
