//! The walk of `gh-snapshot.sh`, in Rust.

use std::path::PathBuf;
use std::time::Duration;

use blastgraph_live_http::{Token, env, ureq};
use blastgraph_model::CallStatus;
pub use blastgraph_model::collect::Outcome;
use blastgraph_model::collect::{CollectError, Collector, Progress};
use serde_json::Value;

/// What a collection needs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The REST API's base (`https://api.github.com`).
    pub api_url: String,
    /// The token.
    pub token: Token,
    /// The organisation.
    pub org: String,
    /// Where the layout goes (`DIR/github/...`).
    pub output: PathBuf,
}

/// The collector, for the provider registry.
#[derive(Debug, Clone, Copy)]
pub struct GithubCollector;

/// The GitHub collector.
pub static COLLECTOR: GithubCollector = GithubCollector;

impl Collector for GithubCollector {
    fn command(&self) -> clap::Command {
        clap::Command::new("github")
            .about(
                "GitHub: an organisation's REST API into the GitHub raw layout (docs/github-raw-layout.md); \
                 token from GH_TOKEN or GITHUB_TOKEN",
            )
            .arg(
                clap::Arg::new("org")
                    .long("org")
                    .value_name("ORG")
                    .required(true)
                    .help("The organisation"),
            )
            .arg(
                blastgraph_model::collect::output_arg("Folder to write into (DIR/github/...)"))
            .arg(
                clap::Arg::new("api-url")
                    .long("api-url")
                    .value_name("URL")
                    .help("REST API base (default: GH_API_URL, else https://api.github.com)"),
            )
    }

    fn collect(
        &self,
        args: &clap::ArgMatches,
        _tool: &str,
        progress: &dyn Progress,
    ) -> Result<String, CollectError> {
        let token = env("GH_TOKEN")
            .or_else(|| env("GITHUB_TOKEN"))
            .ok_or("no GitHub token: set GH_TOKEN or GITHUB_TOKEN (for example `export GH_TOKEN=$(gh auth token)`)")?;
        let opts = Options {
            api_url: args
                .get_one::<String>("api-url")
                .cloned()
                .or_else(|| env("GH_API_URL"))
                .unwrap_or_else(|| "https://api.github.com".into()),
            token: token.into(),
            org: args
                .get_one::<String>("org")
                .cloned()
                .ok_or("--org is required")?,
            output: blastgraph_model::collect::output_of(args)?,
        };
        let o = collect(&opts, progress)?;
        Ok(summary(&o, &opts))
    }
}

/// What the user is told.
pub fn summary(o: &Outcome, opts: &Options) -> String {
    let mut s = o.summary(&opts.output.join("github"), "not found");
    if o.calls.denied + o.calls.failed > 0 {
        s.push_str(
            "\n  the token could not read everything: what it lists is missing from the graph",
        );
    }
    s.push('\n');
    s
}

struct Client {
    agent: ureq::Agent,
    opts: Options,
    outcome: Outcome,
}

/// How a call's pages merge: an array, or the list field of objects.
#[derive(Clone, Copy)]
enum Merge {
    Array,
    Field(&'static str),
    One,
}

/// Collects the layout into `opts.output` (a call is every page of it).
pub fn collect(opts: &Options, progress: &dyn Progress) -> Result<Outcome, CollectError> {
    let agent = blastgraph_live_http::agent(None, Duration::from_secs(60))?;
    let mut c = Client {
        agent,
        opts: opts.clone(),
        outcome: Outcome::default(),
    };
    let org = opts.org.clone();
    progress.stage(&format!("github {org}"));
    let repos = c.get(&format!("orgs/{org}/repos"), Merge::Array, progress)?;
    if repos.is_none() && c.outcome.calls.ok == 0 {
        if c.outcome.calls.denied + c.outcome.calls.not_found > 0 {
            return Err(format!("GitHub refused or does not know the organisation {org}").into());
        }
        return Err(format!("GitHub at {} did not answer", opts.api_url).into());
    }
    c.get(
        &format!("orgs/{org}/actions/oidc/customization/sub"),
        Merge::One,
        progress,
    )?;
    let installs = c.get(
        &format!("orgs/{org}/installations"),
        Merge::Field("installations"),
        progress,
    )?;
    let tokens = c.get(
        &format!("orgs/{org}/personal-access-tokens"),
        Merge::Array,
        progress,
    )?;
    let names: Vec<String> = repos
        .as_ref()
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|r| r.get("name")?.as_str())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    for repo in names {
        let r = format!("repos/{org}/{repo}");
        c.get(&format!("{r}/branches"), Merge::Array, progress)?;
        c.get(&format!("{r}/collaborators"), Merge::Array, progress)?;
        c.get(
            &format!("{r}/environments"),
            Merge::Field("environments"),
            progress,
        )?;
        c.get(
            &format!("{r}/actions/oidc/customization/sub"),
            Merge::One,
            progress,
        )?;
    }
    for i in installs
        .as_ref()
        .and_then(|v| v.get("installations"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|i| i.get("repository_selection").and_then(Value::as_str) == Some("selected"))
    {
        if let Some(id) = i.get("id").map(|v| v.to_string()) {
            c.fetch(
                &format!("user/installations/{id}/repositories"),
                &format!("installations/{id}/repositories"),
                Merge::Field("repositories"),
                progress,
            )?;
        }
    }
    for t in tokens
        .as_ref()
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| t.get("repository_selection").and_then(Value::as_str) == Some("subset"))
    {
        if let Some(id) = t.get("id").map(|v| v.to_string()) {
            c.get(
                &format!("orgs/{org}/personal-access-tokens/{id}/repositories"),
                Merge::Array,
                progress,
            )?;
        }
    }
    Ok(c.outcome)
}

impl Client {
    fn get(
        &mut self,
        api: &str,
        merge: Merge,
        progress: &dyn Progress,
    ) -> Result<Option<Value>, CollectError> {
        self.fetch(api, api, merge, progress)
    }

    /// One call, every page; the merged body is written to `file.json`.
    fn fetch(
        &mut self,
        api: &str,
        file: &str,
        merge: Merge,
        progress: &dyn Progress,
    ) -> Result<Option<Value>, CollectError> {
        let base = self.opts.api_url.trim_end_matches('/').to_string();
        let mut url = format!("{base}/{api}?per_page=100");
        let mut merged: Option<Value> = None;
        loop {
            progress.call_started("github", api);
            let result = self
                .agent
                .get(&url)
                .header(
                    "Authorization",
                    &format!("Bearer {}", self.opts.token.expose()),
                )
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28")
                .header("User-Agent", "blastgraph")
                .call();
            progress.call_done();
            let mut resp = match result {
                Ok(r) => r,
                Err(e) => {
                    self.outcome.calls.add(CallStatus::Error);
                    if self.outcome.calls.all() == self.outcome.calls.failed {
                        return Err(format!("GitHub at {base}: {e}").into());
                    }
                    return Ok(None);
                }
            };
            let status = CallStatus::of_http(resp.status().as_u16());
            if status != CallStatus::Ok {
                self.outcome.calls.add(status);
                return Ok(None);
            }
            let next = resp
                .headers()
                .get("link")
                .and_then(|v| v.to_str().ok())
                .and_then(next_link);
            let bytes = blastgraph_live_http::body(&mut resp, 256 * 1024 * 1024);
            let body: Value = match serde_json::from_slice(&bytes) {
                Ok(v) => v,
                Err(_) => {
                    self.outcome.calls.add(CallStatus::Error);
                    return Ok(None);
                }
            };
            merged = Some(match (merged, merge) {
                (None, _) | (_, Merge::One) => body,
                (Some(Value::Array(mut a)), Merge::Array) => {
                    if let Value::Array(b) = body {
                        a.extend(b);
                    }
                    Value::Array(a)
                }
                (Some(mut m), Merge::Field(f)) => {
                    if let (Some(Value::Array(a)), Some(Value::Array(b))) =
                        (m.get_mut(f), body.get(f))
                    {
                        a.extend(b.iter().cloned());
                    }
                    m
                }
                (Some(m), _) => m,
            });
            // Only the same origin's next page.
            match next {
                Some(n) if n.starts_with(&base) => url = n,
                _ => break,
            }
        }
        self.outcome.calls.add(CallStatus::Ok);
        let Some(v) = merged else {
            return Ok(None);
        };
        self.outcome
            .write_json(&self.opts.output, &format!("github/{file}.json"), &v)?;
        Ok(Some(v))
    }
}

/// The `rel="next"` URL of a `Link` header.
fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (url, rel) = part.split_once(';')?;
        rel.contains("rel=\"next\"").then(|| {
            url.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}
