//! The two collectors.

use std::path::Path;
use std::time::Duration;

use blastgraph_live_http::{env, get_json, ureq};
use blastgraph_model::CallStatus;
pub use blastgraph_model::collect::Outcome;
use blastgraph_model::collect::{CollectError, Collector, Progress};
use serde_json::{Value, json};

/// The Google Workspace collector.
#[derive(Debug, Clone, Copy)]
pub struct GoogleCollector;

/// The Slack collector.
#[derive(Debug, Clone, Copy)]
pub struct SlackCollector;

/// `collect google`.
pub static GOOGLE: GoogleCollector = GoogleCollector;

/// `collect slack`.
pub static SLACK: SlackCollector = SlackCollector;

fn common(
    name: &'static str,
    about: &'static str,
    id: &'static str,
    id_help: &'static str,
) -> clap::Command {
    clap::Command::new(name)
        .about(about)
        .arg(
            clap::Arg::new(id)
                .long(id)
                .value_name("ID")
                .required(true)
                .help(id_help),
        )
        .arg(blastgraph_model::collect::output_arg(
            "Folder to write into",
        ))
        .arg(
            clap::Arg::new("api-url")
                .long("api-url")
                .value_name("URL")
                .help("API base (for a test server)"),
        )
}

/// One JSON GET with the bearer token, bodies up to 256 MiB.
fn get(agent: &ureq::Agent, url: &str, token: &str) -> Result<Value, String> {
    let auth = format!("Bearer {token}");
    get_json(agent, url, &[("Authorization", &auth)], 256 * 1024 * 1024)
}

/// Google: users, then each active user's tokens.
pub fn google(
    api: &str,
    token: &str,
    customer: &str,
    out: &Path,
    progress: &dyn Progress,
) -> Result<Outcome, CollectError> {
    let agent = blastgraph_live_http::agent(None, Duration::from_secs(60))?;
    let mut o = Outcome::default();
    let base = api.trim_end_matches('/');
    let mut users = Vec::new();
    let mut page: Option<String> = None;
    loop {
        progress.call_started("google", "users.list");
        let url = format!(
            "{base}/admin/directory/v1/users?customer={customer}&maxResults=500{}",
            page.as_ref()
                .map(|p| format!("&pageToken={p}"))
                .unwrap_or_default()
        );
        let v = get(&agent, &url, token).map_err(|e| format!("Google users.list: {e}"))?;
        progress.call_done();
        users.extend(
            v.get("users")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
        );
        page = v
            .get("nextPageToken")
            .and_then(Value::as_str)
            .map(str::to_string);
        if page.is_none() {
            break;
        }
    }
    o.calls.add(CallStatus::Ok);
    let label = if customer == "my_customer" {
        "my_customer"
    } else {
        customer
    };
    o.write_json(
        out,
        &format!("google/{label}/users.json"),
        &json!({"kind": "admin#directory#users", "users": users}),
    )?;
    for u in &users {
        let Some(email) = u.get("primaryEmail").and_then(Value::as_str) else {
            continue;
        };
        progress.call_started("google", "tokens.list");
        let r = get(
            &agent,
            &format!("{base}/admin/directory/v1/users/{email}/tokens"),
            token,
        );
        progress.call_done();
        match r {
            Ok(v) => {
                o.calls.add(CallStatus::Ok);
                let items = v.get("items").cloned().unwrap_or(json!([]));
                o.write_json(
                    out,
                    &format!("google/{label}/tokens/{email}.json"),
                    &json!({"kind": "admin#directory#tokenList", "items": items}),
                )?;
            }
            Err(_) => o.calls.add(CallStatus::Error),
        }
    }
    Ok(o)
}

/// Slack: `admin.apps.approved.list`, cursor pages merged.
pub fn slack(
    api: &str,
    token: &str,
    team: &str,
    out: &Path,
    progress: &dyn Progress,
) -> Result<Outcome, CollectError> {
    let agent = blastgraph_live_http::agent(None, Duration::from_secs(60))?;
    let mut o = Outcome::default();
    let base = api.trim_end_matches('/');
    let mut apps = Vec::new();
    let mut cursor = String::new();
    loop {
        progress.call_started("slack", "admin.apps.approved.list");
        let url = format!(
            "{base}/api/admin.apps.approved.list?limit=1000&enterprise_id={team}{}",
            if cursor.is_empty() {
                String::new()
            } else {
                format!("&cursor={cursor}")
            }
        );
        let v =
            get(&agent, &url, token).map_err(|e| format!("Slack admin.apps.approved.list: {e}"))?;
        progress.call_done();
        if v.get("ok") != Some(&Value::Bool(true)) {
            return Err(format!(
                "Slack admin.apps.approved.list: {}",
                v.get("error").and_then(Value::as_str).unwrap_or("not ok")
            )
            .into());
        }
        apps.extend(
            v.get("approved_apps")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
        );
        cursor = v
            .pointer("/response_metadata/next_cursor")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if cursor.is_empty() {
            break;
        }
    }
    o.calls.add(CallStatus::Ok);
    o.write_json(
        out,
        &format!("slack/{team}/admin.apps.approved.list.json"),
        &json!({"ok": true, "approved_apps": apps, "response_metadata": {"next_cursor": ""}}),
    )?;
    Ok(o)
}

fn summary(o: &Outcome, dir: &Path) -> String {
    format!("{}\n", o.summary(dir, "not found"))
}

/// [`google`] or [`slack`]: (API base, token, id, output folder, progress).
type CollectFn = fn(&str, &str, &str, &Path, &dyn Progress) -> Result<Outcome, CollectError>;

/// One collector's run: its token from `var`, `-o DIR`, its id
/// (`--customer`, `--team`), `--api-url` (else `api`); the files go under
/// `DIR/dir`.
fn run(
    args: &clap::ArgMatches,
    progress: &dyn Progress,
    (var, missing): (&str, &'static str),
    (id, default_id): (&str, Option<&str>),
    api: &str,
    dir: &str,
    collect: CollectFn,
) -> Result<String, CollectError> {
    let token = env(var).ok_or(missing)?;
    let out = blastgraph_model::collect::output_of(args)?;
    let id = args
        .get_one::<String>(id)
        .cloned()
        .or_else(|| default_id.map(str::to_string))
        .ok_or_else(|| format!("--{id} is required"))?;
    let api = args
        .get_one::<String>("api-url")
        .cloned()
        .unwrap_or_else(|| api.into());
    let o = collect(&api, &token, &id, &out, progress)?;
    Ok(summary(&o, &out.join(dir)))
}

impl Collector for GoogleCollector {
    fn command(&self) -> clap::Command {
        common(
            "google",
            "Google Workspace: users and their OAuth tokens into the layout of docs/saas-oauth.md; token from GOOGLE_ACCESS_TOKEN",
            "customer",
            "The customer id (or my_customer)",
        )
    }

    fn collect(
        &self,
        args: &clap::ArgMatches,
        _tool: &str,
        progress: &dyn Progress,
    ) -> Result<String, CollectError> {
        run(
            args,
            progress,
            (
                "GOOGLE_ACCESS_TOKEN",
                "no Google token: set GOOGLE_ACCESS_TOKEN (an admin's OAuth access token)",
            ),
            ("customer", Some("my_customer")),
            "https://admin.googleapis.com",
            "google",
            google,
        )
    }
}

impl Collector for SlackCollector {
    fn command(&self) -> clap::Command {
        common(
            "slack",
            "Slack: the organisation's approved apps into the layout of docs/saas-oauth.md; token from SLACK_TOKEN",
            "team",
            "The Enterprise Grid organisation (or workspace) id",
        )
    }

    fn collect(
        &self,
        args: &clap::ArgMatches,
        _tool: &str,
        progress: &dyn Progress,
    ) -> Result<String, CollectError> {
        run(
            args,
            progress,
            (
                "SLACK_TOKEN",
                "no Slack token: set SLACK_TOKEN (an org admin's user token with admin.apps:read)",
            ),
            ("team", None),
            "https://slack.com",
            "slack",
            slack,
        )
    }
}
