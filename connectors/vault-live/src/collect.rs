//! The walk of `vault-snapshot.sh`, in Rust.

use std::path::{Path, PathBuf};
use std::time::Duration;

use blastgraph_live_http::{Token, env, ureq};
use blastgraph_model::CallStatus;
pub use blastgraph_model::collect::Outcome;
use blastgraph_model::collect::{CollectError, Collector, Progress};
use blastgraph_model::credentials::{INSPECTED_FILE, InspectedSecret};
use serde_json::Value;

/// What a collection needs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Vault's address (`https://vault.example:8200`).
    pub address: String,
    /// The token.
    pub token: Token,
    /// The namespace (Enterprise), or empty.
    pub namespace: String,
    /// PEM bundle of the CA that signed Vault's certificate.
    pub ca_cert: Option<PathBuf>,
    /// Where the layout goes (`DIR/vault/...`).
    pub output: PathBuf,
    /// `--inspect-secret-values`: each KV secret's value is read in memory,
    /// scanned for credentials and dropped; what it holds (never the value)
    /// goes to `blastgraph-inspected.json`.
    pub inspect_values: bool,
}

struct Client {
    agent: ureq::Agent,
    opts: Options,
    root: String,
    outcome: Outcome,
    inspected: Vec<InspectedSecret>,
}

/// The collector, for the provider registry.
#[derive(Debug, Clone, Copy)]
pub struct VaultCollector;

/// The Vault collector.
pub static COLLECTOR: VaultCollector = VaultCollector;

impl Collector for VaultCollector {
    fn command(&self) -> clap::Command {
        clap::Command::new("vault")
            .about(
                "HashiCorp Vault: its HTTP API into the Vault raw layout (docs/vault-raw-layout.md); \
                 VAULT_ADDR, VAULT_TOKEN (or ~/.vault-token), VAULT_NAMESPACE, VAULT_CACERT",
            )
            .arg(
                blastgraph_model::collect::output_arg("Folder to write into (DIR/vault/...)"))
            .arg(
                clap::Arg::new("address")
                    .long("address")
                    .value_name("URL")
                    .help("Vault's address (default: VAULT_ADDR)"),
            )
            .arg(
                clap::Arg::new("namespace")
                    .long("namespace")
                    .value_name("NS")
                    .help("Vault Enterprise namespace (default: VAULT_NAMESPACE)"),
            )
            .arg(blastgraph_model::collect::inspect_arg("each KV secret's value"))
    }

    fn collect(
        &self,
        args: &clap::ArgMatches,
        _tool: &str,
        progress: &dyn Progress,
    ) -> Result<String, CollectError> {
        let address = args
            .get_one::<String>("address")
            .cloned()
            .or_else(|| env("VAULT_ADDR"))
            .ok_or("no Vault address: give --address or set VAULT_ADDR")?;
        let token = match env("VAULT_TOKEN") {
            Some(t) => t,
            None => token_file().ok_or(
                "no Vault token: set VAULT_TOKEN, or log in with `vault login` (which writes ~/.vault-token)",
            )?,
        };
        let output = blastgraph_model::collect::output_of(args)?;
        let opts = Options {
            address,
            token: token.into(),
            namespace: args
                .get_one::<String>("namespace")
                .cloned()
                .or_else(|| env("VAULT_NAMESPACE"))
                .unwrap_or_default(),
            ca_cert: env("VAULT_CACERT").map(PathBuf::from),
            output,
            inspect_values: blastgraph_model::collect::inspect_of(args),
        };
        let out = collect(&opts, progress)?;
        Ok(summary(&out, &opts))
    }
}

/// `~/.vault-token`, the `vault` CLI's default token helper's file.
fn token_file() -> Option<String> {
    let home = std::env::var_os("HOME")?;
    let t = std::fs::read_to_string(Path::new(&home).join(".vault-token")).ok()?;
    let t = t.trim().to_string();
    (!t.is_empty()).then_some(t)
}

/// What the user is told.
pub fn summary(o: &Outcome, opts: &Options) -> String {
    let mut s = o.summary(&opts.output.join("vault"), "not found or empty");
    if o.calls.denied + o.calls.failed > 0 {
        s.push_str(
            "\n  the token could not read everything: `blastgraph` names each gap when it reads the folder",
        );
    }
    s.push('\n');
    s
}

/// Collects the layout into `opts.output` (a 404 counts as not found: an
/// empty listing or a missing path).
pub fn collect(opts: &Options, progress: &dyn Progress) -> Result<Outcome, CollectError> {
    let agent = blastgraph_live_http::agent(opts.ca_cert.as_deref(), Duration::from_secs(60))
        .map_err(|e| format!("VAULT_CACERT: {e}"))?;
    let ns = opts.namespace.trim_matches('/').to_string();
    let root = if ns.is_empty() {
        "vault".to_string()
    } else {
        format!("vault/{ns}")
    };
    let mut c = Client {
        agent,
        opts: opts.clone(),
        root,
        outcome: Outcome::default(),
        inspected: Vec::new(),
    };
    progress.stage(&format!("vault {}", opts.address));
    c.fetch(
        "sys/health",
        "sys/health",
        "?standbyok=true&perfstandbyok=true",
        progress,
    )?;
    if c.outcome.calls.all() == c.outcome.calls.failed {
        return Err(format!("Vault at {} did not answer", opts.address).into());
    }
    c.get("sys/mounts", progress)?;
    c.get("sys/auth", progress)?;
    for p in c.list("sys/policies/acl", progress)? {
        if p != "root" {
            c.get(&format!("sys/policies/acl/{p}"), progress)?;
        }
    }
    for kind in ["entity", "group"] {
        for id in c.list(&format!("identity/{kind}/id"), progress)? {
            c.get(&format!("identity/{kind}/id/{id}"), progress)?;
        }
    }
    for (path, kind, _) in c.mounts("sys/auth")? {
        let m = format!("auth/{path}");
        match kind.as_str() {
            "approle" | "jwt" | "oidc" | "kubernetes" | "aws" => {
                if matches!(kind.as_str(), "jwt" | "oidc" | "kubernetes") {
                    c.get(&format!("{m}/config"), progress)?;
                }
                for r in c.list(&format!("{m}/role"), progress)? {
                    c.get(&format!("{m}/role/{r}"), progress)?;
                    // An AppRole's role id names its logins' entity alias.
                    if kind == "approle" {
                        c.get(&format!("{m}/role/{r}/role-id"), progress)?;
                    }
                }
            }
            "userpass" => {
                for u in c.list(&format!("{m}/users"), progress)? {
                    c.get(&format!("{m}/users/{u}"), progress)?;
                }
            }
            _ => {}
        }
    }
    for (m, kind, version) in c.mounts("sys/mounts")? {
        match kind.as_str() {
            "kv" | "generic" => c.walk(&m, version == "2", "", progress)?,
            "aws" => {
                for r in c.list(&format!("{m}/roles"), progress)? {
                    c.get(&format!("{m}/roles/{r}"), progress)?;
                }
            }
            "database" => {
                for what in ["config", "roles", "static-roles"] {
                    for r in c.list(&format!("{m}/{what}"), progress)? {
                        c.get(&format!("{m}/{what}/{r}"), progress)?;
                    }
                }
            }
            _ => {}
        }
    }
    if opts.inspect_values {
        let rel = format!("{}/{INSPECTED_FILE}", c.root);
        blastgraph_model::collect::write_inspected(
            &opts.output,
            &rel,
            std::mem::take(&mut c.inspected),
        )?;
        c.outcome.files += 1;
    }
    Ok(c.outcome)
}

impl Client {
    /// `GET api` into `api.json`.
    fn get(&mut self, api: &str, progress: &dyn Progress) -> Result<Option<Value>, CollectError> {
        self.fetch(api, api, "", progress)
    }

    /// `LIST api` into `api/LIST.json`: the keys (none for an error).
    fn list(&mut self, api: &str, progress: &dyn Progress) -> Result<Vec<String>, CollectError> {
        let body = self.fetch(api, &format!("{api}/LIST"), "?list=true", progress)?;
        Ok(body
            .as_ref()
            .and_then(|b| b.pointer("/data/keys"))
            .and_then(Value::as_array)
            .map(|keys| {
                keys.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default())
    }

    /// A KV mount's listing below `rel`, recursively (KV 2 under
    /// `metadata/`). A KV 2 leaf's metadata is read; its value (and a KV 1
    /// leaf's) only with `--inspect-secret-values`, in memory.
    fn walk(
        &mut self,
        mount: &str,
        v2: bool,
        rel: &str,
        progress: &dyn Progress,
    ) -> Result<(), CollectError> {
        let under = |base: String, rest: &str| match (base.is_empty(), rest.is_empty()) {
            (_, true) => base,
            (true, false) => rest.to_string(),
            (false, false) => format!("{base}/{rest}"),
        };
        let listed = if v2 {
            under(format!("{mount}/metadata"), rel)
        } else {
            under(mount.to_string(), rel)
        };
        for k in self.list(&listed, progress)? {
            match k.strip_suffix('/') {
                Some(folder) => self.walk(mount, v2, &under(rel.to_string(), folder), progress)?,
                None => {
                    let leaf = under(rel.to_string(), &k);
                    if v2 {
                        self.get(&format!("{mount}/metadata/{leaf}"), progress)?;
                    }
                    if self.opts.inspect_values {
                        let api = if v2 {
                            format!("{mount}/data/{leaf}")
                        } else {
                            format!("{mount}/{leaf}")
                        };
                        self.inspect(&api, v2, progress);
                    }
                }
            }
        }
        Ok(())
    }

    /// Reads one secret's value in memory, keeps what credentials it holds
    /// (never the value) and drops it; nothing is written. A refused or
    /// failed read is counted and passed over.
    fn inspect(&mut self, api: &str, v2: bool, progress: &dyn Progress) {
        progress.call_started("vault", api);
        let result = self.send(api, "");
        progress.call_done();
        let Ok(mut resp) = result else {
            self.outcome.calls.add(CallStatus::Error);
            return;
        };
        let status = resp.status().as_u16();
        self.outcome.calls.add(CallStatus::of_http(status));
        let body = blastgraph_live_http::body(&mut resp, 16 * 1024 * 1024);
        let value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        drop(body);
        let data = value.pointer(if v2 { "/data/data" } else { "/data" });
        let text = data
            .filter(|d| d.is_object())
            .and_then(|d| serde_json::to_string(d).ok())
            .unwrap_or_default();
        let found = blastgraph_model::credentials::scan_value(&text);
        if !found.is_empty() {
            // Named as the layout names calls: with the namespace.
            let ns = self.opts.namespace.trim_matches('/');
            self.inspected.push(InspectedSecret {
                secret: if ns.is_empty() {
                    api.to_string()
                } else {
                    format!("{ns}/{api}")
                },
                found: found.iter().map(Into::into).collect(),
            });
        }
    }

    /// Sends one GET of `api` with the token and the namespace.
    fn send(
        &self,
        api: &str,
        query: &str,
    ) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        let encoded: Vec<String> = api.split('/').map(encode).collect();
        let url = format!(
            "{}/v1/{}{query}",
            self.opts.address.trim_end_matches('/'),
            encoded.join("/")
        );
        let mut req = self
            .agent
            .get(&url)
            .header("X-Vault-Token", self.opts.token.expose());
        if !self.opts.namespace.is_empty() {
            req = req.header("X-Vault-Namespace", &self.opts.namespace);
        }
        req.call()
    }

    /// The mounts of a mount table already written: (path without `/`,
    /// type, KV version).
    fn mounts(&self, api: &str) -> Result<Vec<(String, String, String)>, CollectError> {
        let file = self
            .opts
            .output
            .join(&self.root)
            .join(format!("{api}.json"));
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let table = v.get("data").filter(|d| d.is_object()).unwrap_or(&v);
        let mut out = Vec::new();
        if let Some(m) = table.as_object() {
            for (k, e) in m {
                let Some(path) = k.strip_suffix('/') else {
                    continue;
                };
                let kind = e.get("type").and_then(Value::as_str).unwrap_or("");
                let version = e
                    .pointer("/options/version")
                    .and_then(Value::as_str)
                    .unwrap_or("1");
                out.push((path.to_string(), kind.to_string(), version.to_string()));
            }
        }
        Ok(out)
    }

    /// One request: the body is written to `file.json` as Vault returned
    /// it, and parsed (when it is JSON) for the walk.
    fn fetch(
        &mut self,
        api: &str,
        file: &str,
        query: &str,
        progress: &dyn Progress,
    ) -> Result<Option<Value>, CollectError> {
        progress.call_started("vault", api);
        let result = self.send(api, query);
        progress.call_done();
        let mut resp = match result {
            Ok(r) => r,
            Err(e) => {
                self.outcome.calls.add(CallStatus::Error);
                // The first call reaching nothing stops the collection.
                if self.outcome.calls.all() == self.outcome.calls.failed {
                    return Err(format!("Vault at {}: {e}", self.opts.address).into());
                }
                return Ok(None);
            }
        };
        let status = resp.status().as_u16();
        let body = blastgraph_live_http::body(&mut resp, 256 * 1024 * 1024);
        self.outcome.calls.add(CallStatus::of_http(status));
        let rel = format!("{}/{file}.json", self.root);
        self.outcome.write(&self.opts.output, &rel, &body)?;
        Ok(serde_json::from_slice(&body).ok())
    }
}

/// Percent-encodes a path segment.
fn encode(seg: &str) -> String {
    let mut out = String::with_capacity(seg.len());
    for b in seg.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
