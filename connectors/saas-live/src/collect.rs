//! The two collectors.

use std::path::{Path, PathBuf};

use blastgraph_model::collect::{CollectError, Collector, Progress, write_layout_file};
use serde_json::{Value, json};

/// What a collection did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Files written.
    pub files: usize,
    /// Calls answered (every page).
    pub ok: usize,
    /// Calls refused or failed.
    pub failed: usize,
}

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

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(60)))
        .build()
        .into()
}

fn env(k: &str) -> Option<String> {
    std::env::var(k).ok().filter(|v| !v.trim().is_empty())
}

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
        .arg(
            clap::Arg::new("output")
                .short('o')
                .long("output")
                .value_name("DIR")
                .required(true)
                .value_parser(clap::value_parser!(PathBuf))
                .help("Folder to write into"),
        )
        .arg(
            clap::Arg::new("api-url")
                .long("api-url")
                .value_name("URL")
                .help("API base (for a test server)"),
        )
}

/// GET a JSON document; `Err` for a refused or failed call (its status,
/// never the token).
fn get(agent: &ureq::Agent, url: &str, token: &str) -> Result<Value, String> {
    let mut resp = agent
        .get(url)
        .header("Authorization", &format!("Bearer {token}"))
        .call()
        .map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let bytes = resp
        .body_mut()
        .with_config()
        .limit(256 * 1024 * 1024)
        .read_to_vec()
        .unwrap_or_default();
    if !(200..300).contains(&status) {
        return Err(format!("HTTP {status}"));
    }
    serde_json::from_slice(&bytes).map_err(|e| format!("not JSON: {e}"))
}

fn write(out: &Path, rel: &str, v: &Value, o: &mut Outcome) -> Result<(), CollectError> {
    let mut bytes = serde_json::to_vec_pretty(v).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    write_layout_file(out, rel, &bytes).map_err(|(p, e)| format!("{}: {e}", p.display()))?;
    o.files += 1;
    Ok(())
}

/// Google: users, then each active user's tokens.
pub fn google(
    api: &str,
    token: &str,
    customer: &str,
    out: &Path,
    progress: &dyn Progress,
) -> Result<Outcome, CollectError> {
    let agent = agent();
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
    o.ok += 1;
    let label = if customer == "my_customer" {
        "my_customer"
    } else {
        customer
    };
    write(
        out,
        &format!("google/{label}/users.json"),
        &json!({"kind": "admin#directory#users", "users": users}),
        &mut o,
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
                o.ok += 1;
                let items = v.get("items").cloned().unwrap_or(json!([]));
                write(
                    out,
                    &format!("google/{label}/tokens/{email}.json"),
                    &json!({"kind": "admin#directory#tokenList", "items": items}),
                    &mut o,
                )?;
            }
            Err(_) => o.failed += 1,
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
    let agent = agent();
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
    o.ok += 1;
    write(
        out,
        &format!("slack/{team}/admin.apps.approved.list.json"),
        &json!({"ok": true, "approved_apps": apps, "response_metadata": {"next_cursor": ""}}),
        &mut o,
    )?;
    Ok(o)
}

fn summary(o: &Outcome, dir: &Path) -> String {
    format!(
        "wrote {} file{} to {}\n  calls: {} ok, {} refused or failed\n",
        o.files,
        if o.files == 1 { "" } else { "s" },
        dir.display(),
        o.ok,
        o.failed
    )
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
        let token = env("GOOGLE_ACCESS_TOKEN")
            .ok_or("no Google token: set GOOGLE_ACCESS_TOKEN (an admin's OAuth access token)")?;
        let out = args
            .get_one::<PathBuf>("output")
            .cloned()
            .ok_or("-o DIR is required")?;
        let customer = args
            .get_one::<String>("customer")
            .cloned()
            .unwrap_or_else(|| "my_customer".into());
        let api = args
            .get_one::<String>("api-url")
            .cloned()
            .unwrap_or_else(|| "https://admin.googleapis.com".into());
        let o = google(&api, &token, &customer, &out, progress)?;
        Ok(summary(&o, &out.join("google")))
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
        let token = env("SLACK_TOKEN").ok_or(
            "no Slack token: set SLACK_TOKEN (an org admin's user token with admin.apps:read)",
        )?;
        let out = args
            .get_one::<PathBuf>("output")
            .cloned()
            .ok_or("-o DIR is required")?;
        let team = args
            .get_one::<String>("team")
            .cloned()
            .ok_or("--team is required")?;
        let api = args
            .get_one::<String>("api-url")
            .cloned()
            .unwrap_or_else(|| "https://slack.com".into());
        let o = slack(&api, &token, &team, &out, progress)?;
        Ok(summary(&o, &out.join("slack")))
    }
}
