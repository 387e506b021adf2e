//! Live collection against a local HTTPS stand-in for Entra, Microsoft
//! Graph and ARM, offline (127.0.0.1 only).
//!
//! The stand-in ([`Stub`]) serves `tests/scenarios/azure-tenant/inputs` as
//! the live APIs would: Graph under `/graph/v1.0/…`, ARM under `/arm/…`
//! (paths matched without case, `api-version` required and otherwise
//! ignored), every list of more than one item split into pages of one with
//! next links (`@odata.nextLink`, `nextLink`, and `@nextLink` for
//! management groups), one 429 with `Retry-After: 1` on a Graph page and
//! one on ARM, one 403, and 404 for anything the fixture does not hold. Its
//! token endpoint checks the client secret or the federated assertion, its
//! managed identity endpoint the identity header, and every API call a
//! bearer token issued for that API's audience. Its certificate comes from
//! a throwaway CA made with the `openssl` command, which the collector
//! trusts through `SSL_CERT_FILE`.
//!
//! The collector runs in a child process (this binary again, test
//! `child_collect`) with an environment of its own: credentials come from
//! environment variables, and `std::env::set_var` is unsafe.
//!
//! Index:
//! - `client_secret_collects_the_fixture`: the files equal the fixture's
//!   (pages merged), blastgraph reads the same graph from both folders,
//!   the 429s were retried, the 403 is recorded as `access_denied`, no
//!   secret or token is written or printed, a second run gives the same
//!   bytes.
//! - `a_wrong_secret_is_a_clear_error`: names the credential, not the secret.
//! - `workload_identity_collects_the_fixture`: a federated token file.
//! - `managed_identity_collects_one_subscription`: `IDENTITY_ENDPOINT` and
//!   `--subscription`; a page that is not JSON and a next link to another
//!   host are recorded as errors and the collection goes on.
//! - `developer_tools_collect_the_fixture`: `az account get-access-token`
//!   from `connectors/azure/tests/az-stub/az`.
//! - `no_credentials_is_a_clear_error`.
//! - `child_collect`: the child process (ignored when run directly).
#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test fails loudly on what it does not expect"
)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use blastgraph_connector_azure_live::{CollectionManifest, NoProgress, Status};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::{Map, Value, json};

const TENANT: &str = "4a3b2c1d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
const CLIENT_ID: &str = "c0ffee00-0000-4000-8000-000000000001";
const SUB_A: &str = "a0000259-0000-4000-8000-000000000259";
const SUB_B: &str = "a000025a-0000-4000-8000-00000000025a";
/// Not in the fixture: the stand-in refuses it with 403.
const DENIED: &str = "/graph/v1.0/groups/a0000068-0000-4000-8000-000000000068/members";
/// The second page of `users` is throttled once.
const THROTTLED_GRAPH: (&str, &str) = ("/graph/v1.0/users", "1");
/// The first page of `subscriptions` is throttled once.
const THROTTLED_ARM: (&str, &str) = ("/arm/subscriptions", "0");
const NEXT_KEYS: [&str; 3] = ["@odata.nextLink", "nextLink", "@nextLink"];

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture() -> PathBuf {
    manifest_dir().join("../../tests/scenarios/azure-tenant/inputs")
}

/// A value no other run shares (secrets, tokens).
fn unique(prefix: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{prefix}-{}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

// ---------------------------------------------------------------- TLS

/// A throwaway CA and a certificate for 127.0.0.1 it signs, made with the
/// `openssl` command: (CA file, certificate, key).
fn certificates(
    dir: &Path,
) -> (
    PathBuf,
    Vec<CertificateDer<'static>>,
    PrivateKeyDer<'static>,
) {
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap_or_else(|e| {
                panic!("this test makes its TLS certificate with the `openssl` command: {e}")
            });
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];
    let mut ca = vec!["req", "-x509", "-nodes", "-days", "2"];
    ca.extend(ec);
    ca.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-subj",
        "/CN=blastgraph test CA",
    ]);
    run(&ca);
    let mut csr = vec!["req", "-nodes"];
    csr.extend(ec);
    csr.extend([
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    run(&csr);
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n\
         keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-set_serial",
        "7",
        "-days",
        "2",
        "-extfile",
        "leaf.ext",
        "-out",
        "leaf.pem",
    ]);
    let certs = CertificateDer::pem_file_iter(dir.join("leaf.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(dir.join("leaf.key")).unwrap();
    (dir.join("ca.pem"), certs, key)
}

// ---------------------------------------------------------------- the stand-in

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audience {
    Graph,
    Arm,
    /// The Key Vault data plane (`/kv/VAULT/…`).
    KeyVault,
}

/// The one Key Vault value the stand-in holds: `kv-ml`'s `db-password`
/// carries billing-app's client secret beside its client id.
const KV_SEED: &str = "Bil8Q~SEEDEDKEYVAULTVALUE0123456789abcd";
const BILLING_APP_ID: &str = "a0000137-0000-4000-8000-000000000137";

/// One request the stand-in answered.
#[derive(Debug, Clone)]
struct Logged {
    method: String,
    path: String,
    query: String,
    status: u16,
}

/// What the stand-in accepts and what it has seen.
#[derive(Default)]
struct State {
    port: u16,
    /// Fixture files by lower-cased path under `inputs/` without `.json`.
    files: HashMap<String, PathBuf>,
    secret: String,
    assertion: String,
    identity_header: String,
    /// Every token it issued or was told to accept, with its audience.
    tokens: HashMap<String, Audience>,
    log: Vec<Logged>,
    throttled: BTreeSet<String>,
    /// Path → a body served with 200 instead of the fixture's (bad pages).
    overrides: HashMap<String, String>,
}

/// The stand-in, on a free port of 127.0.0.1; stops when dropped.
struct Stub {
    port: u16,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    ca: PathBuf,
    _dir: tempfile::TempDir,
}

impl Stub {
    fn start() -> Stub {
        let dir = tempfile::tempdir().unwrap();
        let (ca, certs, key) = certificates(dir.path());
        let config = Arc::new(
            rustls::ServerConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap(),
        );
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut files = HashMap::new();
        for rel in files_under(&fixture()) {
            let key = rel.trim_end_matches(".json").to_ascii_lowercase();
            files.insert(key, fixture().join(&rel));
        }
        let state = Arc::new(Mutex::new(State {
            port,
            files,
            secret: unique("client-secret"),
            assertion: unique("federated-assertion"),
            identity_header: unique("identity-header"),
            ..State::default()
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let (st, sp) = (state.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if sp.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(tcp) = conn else { continue };
                let (st, config) = (st.clone(), config.clone());
                std::thread::spawn(move || serve(tcp, &config, &st));
            }
        });
        Stub {
            port,
            state,
            stop,
            ca,
            _dir: dir,
        }
    }

    fn url(&self, api: &str) -> String {
        format!("https://127.0.0.1:{}/{api}", self.port)
    }

    fn secret(&self) -> String {
        self.state.lock().unwrap().secret.clone()
    }

    fn log(&self) -> Vec<Logged> {
        self.state.lock().unwrap().log.clone()
    }

    fn tokens(&self) -> Vec<String> {
        self.state.lock().unwrap().tokens.keys().cloned().collect()
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// One connection: one request, one answer, closed.
fn serve(tcp: TcpStream, config: &Arc<rustls::ServerConfig>, state: &Mutex<State>) {
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(conn) = rustls::ServerConnection::new(config.clone()) else {
        return;
    };
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match tls.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_string();
    let target = first.next().unwrap_or("").to_string();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        match tls.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target.clone(), String::new()),
    };
    let (status, extra, answer) = {
        let mut st = state.lock().unwrap();
        let r = route(&mut st, &method, &path, &query, &headers, &body);
        st.log.push(Logged {
            method: method.clone(),
            path: path.clone(),
            query: query.clone(),
            status: r.0,
        });
        r
    };
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        _ => "Other",
    };
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        answer.len()
    );
    for (k, v) in extra {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let _ = tls.write_all(out.as_bytes());
    let _ = tls.write_all(answer.as_bytes());
    tls.conn.send_close_notify();
    let _ = tls.flush();
}

type Answer = (u16, Vec<(&'static str, String)>, String);

fn error(status: u16, code: &str, message: &str) -> Answer {
    (
        status,
        vec![],
        json!({"error": {"code": code, "message": message, "innerError": {"request-id": unique("req")}}})
            .to_string(),
    )
}

fn query_param(query: &str, name: &str) -> Option<String> {
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.to_string())
}

fn audience_of(resource: &str) -> Option<Audience> {
    let r = resource.trim_end_matches("/.default");
    if r.ends_with("/graph") {
        Some(Audience::Graph)
    } else if r.ends_with("/arm") {
        Some(Audience::Arm)
    } else if r.ends_with("/kv") {
        Some(Audience::KeyVault)
    } else {
        None
    }
}

fn issue(st: &mut State, aud: Audience) -> String {
    let t = unique(match aud {
        Audience::Graph => "tok-graph",
        Audience::Arm => "tok-arm",
        Audience::KeyVault => "tok-kv",
    });
    st.tokens.insert(t.clone(), aud);
    t
}

fn route(
    st: &mut State,
    method: &str,
    path: &str,
    query: &str,
    headers: &HashMap<String, String>,
    body: &[u8],
) -> Answer {
    // Entra's token endpoint.
    if method == "POST" && path == format!("/{TENANT}/oauth2/v2.0/token") {
        let form: HashMap<String, String> = url::form_urlencoded::parse(body)
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let entra = |code: u32, status: u16, text: &str| -> Answer {
            (
                status,
                vec![],
                json!({"error": "invalid_client", "error_description": format!("AADSTS{code}: {text}"), "error_codes": [code]})
                    .to_string(),
            )
        };
        if form.get("client_id").map(String::as_str) != Some(CLIENT_ID) {
            return entra(700016, 400, "Application not found in the directory.");
        }
        let authenticated = match (form.get("client_secret"), form.get("client_assertion")) {
            (Some(s), None) => *s == st.secret,
            (None, Some(a)) => {
                *a == st.assertion
                    && form.get("client_assertion_type").map(String::as_str)
                        == Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
            }
            _ => false,
        };
        if !authenticated {
            return entra(
                7000215,
                401,
                "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
            );
        }
        let Some(aud) = form.get("scope").and_then(|s| audience_of(s)) else {
            return entra(70011, 400, "The provided value for scope is not valid.");
        };
        let token = issue(st, aud);
        return (
            200,
            vec![],
            json!({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token})
                .to_string(),
        );
    }
    // App Service's managed identity endpoint.
    if method == "GET" && path == "/msi/token" {
        if headers.get("x-identity-header") != Some(&st.identity_header) {
            return error(401, "Unauthorized", "the identity header is wrong");
        }
        let Some(resource) = query_param(query, "resource") else {
            return error(400, "BadRequest", "no resource");
        };
        let Some(aud) = audience_of(&resource) else {
            return error(400, "BadRequest", "unknown resource");
        };
        let token = issue(st, aud);
        let expires = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 3600;
        return (
            200,
            vec![],
            json!({"access_token": token, "expires_on": expires.to_string(), "token_type": "Bearer", "resource": resource})
                .to_string(),
        );
    }
    let (aud, rest) = if let Some(r) = path.strip_prefix("/graph/") {
        (Audience::Graph, r)
    } else if let Some(r) = path.strip_prefix("/arm/") {
        (Audience::Arm, r)
    } else if let Some(r) = path.strip_prefix("/kv/") {
        (Audience::KeyVault, r)
    } else {
        return error(404, "NotFound", "no such endpoint");
    };
    if method != "GET" {
        return error(405, "MethodNotAllowed", "read only");
    }
    let bearer = headers
        .get("authorization")
        .and_then(|h| h.strip_prefix("Bearer "));
    if bearer.and_then(|t| st.tokens.get(t)) != Some(&aud) {
        return error(
            401,
            "InvalidAuthenticationToken",
            "Access token validation failure.",
        );
    }
    if aud == Audience::KeyVault {
        // The data plane: `GET /kv/VAULT/secrets/NAME?api-version=7.4`.
        if query_param(query, "api-version").is_none() {
            return error(400, "BadParameter", "api-version is required");
        }
        if rest != "kv-ml/secrets/db-password" {
            return error(
                404,
                "SecretNotFound",
                "A secret with (name/id) was not found in this key vault.",
            );
        }
        let value = json!({"client_id": BILLING_APP_ID, "client_secret": KV_SEED}).to_string();
        return (
            200,
            vec![],
            json!({"value": value, "id": format!("https://127.0.0.1:{}/kv/kv-ml/secrets/db-password/0f0f", st.port),
                   "attributes": {"enabled": true, "created": 1764000000, "updated": 1764000000}})
                .to_string(),
        );
    }
    let api = if aud == Audience::Graph {
        "graph"
    } else {
        "arm"
    };
    if aud == Audience::Arm && query_param(query, "api-version").is_none() {
        return error(
            400,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        );
    }
    if path == DENIED {
        return error(
            403,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        );
    }
    let page: usize = query_param(query, "$skiptoken")
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    for (p, k) in [THROTTLED_GRAPH, THROTTLED_ARM] {
        let key = format!("{p}#{k}");
        if path == p && page.to_string() == k && st.throttled.insert(key) {
            let (s, _, b) = error(429, "TooManyRequests", "Too many requests.");
            return (s, vec![("Retry-After", "1".into())], b);
        }
    }
    if let Some(body) = st.overrides.get(path) {
        return (200, vec![], body.clone());
    }
    let key = format!("{api}/{}", rest.to_ascii_lowercase());
    let Some(file) = st.files.get(&key) else {
        return if aud == Audience::Graph {
            error(404, "Request_ResourceNotFound", "Resource does not exist.")
        } else {
            error(404, "ResourceNotFound", "The resource was not found.")
        };
    };
    let mut doc: Map<String, Value> =
        serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    let had_next = NEXT_KEYS.iter().any(|k| doc.contains_key(*k));
    for k in NEXT_KEYS {
        doc.shift_remove(k);
    }
    let items = doc
        .get("value")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if items.len() <= 1 {
        return (200, vec![], Value::Object(doc).to_string());
    }
    // Pages of one, the other fields on the first only.
    let mut out = if page == 0 { doc } else { Map::new() };
    out.insert(
        "value".into(),
        Value::Array(items.get(page).cloned().into_iter().collect()),
    );
    let next_key = if aud == Audience::Graph {
        "@odata.nextLink"
    } else if rest.ends_with("managementGroups") {
        "@nextLink"
    } else {
        "nextLink"
    };
    if page + 1 < items.len() {
        let kept: Vec<&str> = query
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("$skiptoken="))
            .collect();
        let mut q = kept.join("&");
        if !q.is_empty() {
            q.push('&');
        }
        out.insert(
            next_key.into(),
            Value::String(format!(
                "https://127.0.0.1:{}{path}?{q}$skiptoken={}",
                st.port,
                page + 1
            )),
        );
    } else if had_next {
        // As some ARM providers end a list.
        out.insert(next_key.into(), Value::Null);
    }
    (200, vec![], Value::Object(out).to_string())
}

// ---------------------------------------------------------------- the child

/// How the child is run: its flags and its environment.
struct Run<'a> {
    stub: &'a Stub,
    out: PathBuf,
    args: Vec<String>,
    env: Vec<(&'static str, String)>,
    path: String,
}

impl<'a> Run<'a> {
    fn new(stub: &'a Stub, out: PathBuf) -> Self {
        Self {
            stub,
            out,
            args: vec![
                "--graph-url".into(),
                stub.url("graph"),
                "--arm-url".into(),
                stub.url("arm"),
                "--authority".into(),
                format!("https://127.0.0.1:{}", stub.port),
                "--max-attempts".into(),
                "3".into(),
            ],
            env: Vec::new(),
            path: "/usr/bin:/bin".into(),
        }
    }

    fn arg(mut self, a: &str) -> Self {
        self.args.push(a.into());
        self
    }

    fn env(mut self, k: &'static str, v: impl Into<String>) -> Self {
        self.env.push((k, v.into()));
        self
    }

    fn client_secret(self, secret: &str) -> Self {
        self.env("AZURE_CLIENT_SECRET", secret)
            .env("AZURE_TENANT_ID", TENANT)
            .env("AZURE_CLIENT_ID", CLIENT_ID)
    }

    /// Runs the collector in a child process with nothing of this
    /// process's environment but what is set here.
    fn go(self) -> std::process::Output {
        let mut args = self.args.clone();
        args.extend(["-o".into(), self.out.display().to_string()]);
        let home = self.out.with_extension("home");
        std::fs::create_dir_all(&home).unwrap();
        let mut cmd = Command::new(std::env::current_exe().unwrap());
        cmd.args(["--exact", "child_collect", "--ignored", "--nocapture"])
            .env_clear()
            .env("PATH", &self.path)
            .env("HOME", &home)
            .env("SSL_CERT_FILE", &self.stub.ca)
            .env("BLASTGRAPH_CHILD_ARGS", args.join("\n"));
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }
}

#[test]
#[ignore = "the child process of the other tests; runs only when they start it"]
fn child_collect() {
    use blastgraph_model::collect::Collector;
    let Ok(args) = std::env::var("BLASTGRAPH_CHILD_ARGS") else {
        return;
    };
    let c = &blastgraph_connector_azure_live::COLLECTOR;
    let m = c
        .command()
        .try_get_matches_from(std::iter::once("azure").chain(args.split('\n')))
        .unwrap();
    match c.collect(&m, "blastgraph test", &NoProgress) {
        Ok(summary) => print!("{summary}"),
        Err(e) => {
            eprintln!("collect error: {e}");
            std::process::exit(2);
        }
    }
}

fn ok(run: &std::process::Output) -> String {
    let out = String::from_utf8_lossy(&run.stdout).to_string();
    assert!(
        run.status.success(),
        "collect failed: {out}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    out
}

// ---------------------------------------------------------------- checks

fn files_under(dir: &Path) -> BTreeSet<String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(
                    p.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

fn read_json(dir: &Path, rel: &str) -> Value {
    let bytes = std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert!(bytes.ends_with(b"}\n"), "{rel}: pretty JSON with a newline");
    serde_json::from_slice(&bytes).unwrap()
}

fn manifest(dir: &Path) -> CollectionManifest {
    serde_json::from_value(read_json(dir, "collection.json")).unwrap()
}

/// A fixture file as the collector should write it: the API's answer with
/// its pages merged, no next link.
fn expected(rel: &str) -> Value {
    let mut v: Value =
        serde_json::from_slice(&std::fs::read(fixture().join(rel)).unwrap()).unwrap();
    if let Some(m) = v.as_object_mut() {
        for k in NEXT_KEYS {
            m.shift_remove(k);
        }
    }
    v
}

/// The collected files equal the fixture's, but for those `skip` leaves out.
fn assert_same_files(out: &Path, skip: impl Fn(&str) -> bool) {
    let want: BTreeSet<String> = files_under(&fixture())
        .into_iter()
        .filter(|f| !skip(f))
        .collect();
    let got: BTreeSet<String> = files_under(out)
        .into_iter()
        .filter(|f| f != "collection.json")
        .collect();
    assert_eq!(
        got.symmetric_difference(&want).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "the collected files differ from the fixture's"
    );
    for f in &want {
        assert_eq!(read_json(out, f), expected(f), "{f}");
    }
}

/// Nodes and edges of the graph blastgraph builds from a folder, without
/// the input file names.
type Facts = (BTreeSet<String>, BTreeSet<String>);

fn graph_facts(dir: &Path) -> Facts {
    let args = blastgraph_cli::args::InputArgs {
        input: vec![dir.to_path_buf()],
        quiet: true,
        inspect_secret_values: false,
        spill: Default::default(),
    };
    let mut sink = Vec::new();
    let g = blastgraph_cli::inputs::load(&args, &mut sink).unwrap();
    let nodes = (0..g.node_count() as u32)
        .map(|n| {
            let r = g.node(n);
            format!(
                "{} | {} | {} | {} | {:?} | {:?}",
                r.id, r.name, r.provider, r.kind, r.class, r.attrs
            )
        })
        .collect();
    let edges = (0..g.edge_count() as u32)
        .map(|e| {
            let c = g.edge(e);
            let p = g.provenance(e);
            format!(
                "{} -> {} | {:?} {:?} {:?} | {:?} {:?} | {} | {}",
                g.id(c.from),
                g.id(c.to),
                c.kind,
                c.access,
                g.mechanism(e),
                c.conditional,
                g.condition(e),
                p.location,
                p.reason
            )
        })
        .collect();
    (nodes, edges)
}

/// No file under `dir`, and neither output, holds any of `needles`.
fn assert_nothing_leaks(dir: &Path, run: &std::process::Output, needles: &[String]) {
    assert!(!needles.is_empty());
    for f in files_under(dir) {
        let text = String::from_utf8_lossy(&std::fs::read(dir.join(&f)).unwrap()).to_string();
        for n in needles {
            assert!(!text.contains(n.as_str()), "{f} holds a secret or a token");
        }
    }
    for n in needles {
        assert!(!String::from_utf8_lossy(&run.stdout).contains(n.as_str()));
        assert!(!String::from_utf8_lossy(&run.stderr).contains(n.as_str()));
    }
}

fn status_of<'m>(
    m: &'m CollectionManifest,
    path: &str,
) -> &'m blastgraph_connector_azure_live::CallRecord {
    m.calls
        .iter()
        .find(|c| c.path == path)
        .unwrap_or_else(|| panic!("no call {path}"))
}

/// The requests for `path` at page `page`, in order, by status.
fn statuses(log: &[Logged], path: &str, page: &str) -> Vec<u16> {
    log.iter()
        .filter(|l| {
            l.path == path
                && query_param(&l.query, "$skiptoken").unwrap_or_else(|| "0".into()) == page
        })
        .map(|l| l.status)
        .collect()
}

// ---------------------------------------------------------------- tests

#[test]
fn client_secret_collects_the_fixture() {
    let stub = Stub::start();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("collect");
    let secret = stub.secret();
    let run = Run::new(&stub, out.clone()).client_secret(&secret).go();
    let summary = ok(&run);
    // (the child's stdout also has the test harness's lines)
    assert!(
        summary.contains(&format!(
            "\nwrote 40 files to {} (tenant {TENANT}; subscriptions {SUB_A}, {SUB_B}; credential client-secret)\n\
             87 calls: 40 ok, 46 not found, 1 denied, 0 failed\n",
            out.display()
        )),
        "{summary}"
    );

    // The files are the fixture's, pages merged; blastgraph reads the same.
    assert_same_files(&out, |_| false);
    let (nodes, edges) = graph_facts(&out);
    assert!(nodes.len() > 40 && !edges.is_empty(), "{nodes:#?}");
    assert_eq!(
        (nodes, edges),
        graph_facts(&fixture()),
        "the collected folder and the fixture give different graphs"
    );

    // What the stand-in saw: the throttled pages were asked again after
    // `Retry-After`, pages were followed, every API call had its token.
    let log = stub.log();
    assert_eq!(
        statuses(&log, THROTTLED_GRAPH.0, THROTTLED_GRAPH.1),
        [429, 200]
    );
    assert_eq!(statuses(&log, THROTTLED_ARM.0, THROTTLED_ARM.1), [429, 200]);
    assert_eq!(statuses(&log, "/graph/v1.0/users", "17"), [200]);
    assert!(
        log.iter().all(|l| l.status != 401),
        "a request was refused its token: {log:#?}"
    );
    assert!(
        log.iter()
            .filter(|l| l.path.starts_with("/graph/") || l.path.starts_with("/arm/"))
            .all(|l| l.method == "GET"),
        "metadata is only read"
    );
    let token_requests = log
        .iter()
        .filter(|l| l.path.ends_with("/oauth2/v2.0/token"))
        .count();
    assert_eq!(token_requests, 2, "one token per API, cached: {log:#?}");

    // The manifest.
    let m = manifest(&out);
    assert_eq!(m.format, "blastgraph-azure-collection");
    assert_eq!(m.credential, "client-secret");
    assert_eq!(m.tenant.as_deref(), Some(TENANT));
    assert_eq!(m.subscriptions, [SUB_A, SUB_B]);
    let denied = status_of(&m, DENIED.trim_start_matches("/graph/"));
    assert_eq!(denied.status, Status::AccessDenied);
    assert_eq!(denied.file, None);
    assert_eq!(
        denied.message.as_deref(),
        Some(
            "HTTP 403: Authorization_RequestDenied: Insufficient privileges to complete the operation."
        )
    );
    let users = status_of(&m, "v1.0/users");
    assert_eq!(users.status, Status::Ok);
    assert_eq!(users.file.as_deref(), Some("graph/v1.0/users.json"));
    assert!(
        users.query.starts_with("$select=id,displayName"),
        "{users:?}"
    );
    let kv = status_of(
        &m,
        &format!(
            "subscriptions/{SUB_A}/resourceGroups/rg-ml/providers/Microsoft.KeyVault/vaults/kv-ml/secrets"
        ),
    );
    assert_eq!(kv.query, "api-version=2023-07-01");
    assert_eq!(
        status_of(
            &m,
            "v1.0/groups/a0000065-0000-4000-8000-000000000065/owners"
        )
        .status,
        Status::NotFound
    );
    assert_eq!(m.count(Status::AccessDenied), 1, "{:#?}", m.calls);
    assert_eq!(m.count(Status::Error), 0, "{:#?}", m.calls);
    assert_eq!(m.files_written(), 40);
    let mut sorted = m.calls.clone();
    sorted.sort_by(|a, b| (a.api, &a.path).cmp(&(b.api, &b.path)));
    assert_eq!(sorted, m.calls, "calls are sorted");

    // Nothing secret is written or printed.
    let mut needles = stub.tokens();
    assert_eq!(needles.len(), 2);
    needles.push(secret.clone());
    assert_nothing_leaks(&out, &run, &needles);

    // Same tenant, same bytes.
    let again = tmp.path().join("again");
    ok(&Run::new(&stub, again.clone()).client_secret(&secret).go());
    let files = files_under(&out);
    assert_eq!(files_under(&again), files);
    for f in &files {
        if f == "collection.json" {
            // One field holds a time: when the collection began.
            let without_time = |dir: &Path| {
                let mut v = read_json(dir, f);
                let at = v.as_object_mut().unwrap().remove("collected_at");
                assert!(
                    at.as_ref()
                        .and_then(Value::as_str)
                        .is_some_and(|t| t.ends_with('Z') && t.len() == 20),
                    "collected_at: {at:?}"
                );
                v
            };
            assert_eq!(without_time(&out), without_time(&again));
            continue;
        }
        assert!(
            std::fs::read(out.join(f)).unwrap() == std::fs::read(again.join(f)).unwrap(),
            "{f} differs between two collections"
        );
    }
}

/// `--inspect-secret-values`: each listed Key Vault secret's value is read
/// from the data plane (its own token audience) in memory; no value is
/// written; `keyvault/blastgraph-inspected.json` says `kv-ml/db-password`
/// holds billing-app's client secret, and blastgraph run with the flag
/// links the secret to billing-app.
#[test]
fn inspecting_key_vault_values_writes_what_they_hold_never_the_values() {
    let stub = Stub::start();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("collect");
    let secret = stub.secret();
    let run = Run::new(&stub, out.clone())
        .client_secret(&secret)
        .arg("--inspect-secret-values")
        .arg("--keyvault-url")
        .arg(&stub.url("kv/{vault}"))
        .go();
    ok(&run);
    let mut needles = vec![secret, KV_SEED.to_string()];
    needles.extend(stub.tokens());
    assert_nothing_leaks(&out, &run, &needles);
    let log = stub.log();
    assert!(
        log.iter()
            .any(|l| l.path == "/kv/kv-ml/secrets/db-password" && l.status == 200),
        "{log:#?}"
    );
    let found = read_json(&out, "keyvault/blastgraph-inspected.json");
    assert_eq!(
        found["inspected"][0]["secret"], "kv-ml/db-password",
        "{found:#}"
    );
    assert_eq!(
        found["inspected"][0]["found"][0]["kind"],
        "entra client secret"
    );
    assert_eq!(found["inspected"][0]["found"][0]["key"], BILLING_APP_ID);
    let m = manifest(&out);
    let read = m
        .calls
        .iter()
        .find(|c| c.path == "kv-ml/secrets/db-password")
        .unwrap();
    assert_eq!((read.status, read.file.as_deref()), (Status::Ok, None));
    // The graph: the secret holds billing-app's credential, with the flag.
    let holds = |inspect: bool| {
        let args = blastgraph_cli::args::InputArgs {
            input: vec![out.clone()],
            quiet: true,
            inspect_secret_values: inspect,
            spill: Default::default(),
        };
        let g = blastgraph_cli::inputs::load(&args, &mut Vec::new()).unwrap();
        (0..g.edge_count() as u32)
            .filter(|e| {
                let c = g.edge(*e);
                g.id(c.from).ends_with("/vaults/kv-ml/secrets/db-password")
                    && format!("{:?}", c.kind) == "HoldsCredential"
            })
            .map(|e| g.id(g.edge(e).to).to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(holds(true), ["entra:a0000141-0000-4000-8000-000000000141"]);
    assert_eq!(holds(false), Vec::<String>::new());
}

#[test]
fn a_wrong_secret_is_a_clear_error() {
    let stub = Stub::start();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("collect");
    let wrong = unique("wrong-secret");
    let run = Run::new(&stub, out.clone()).client_secret(&wrong).go();
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("the client-secret credential (ClientSecretCredential) gives no token for"),
        "{err}"
    );
    assert!(
        err.contains("AADSTS7000215: Invalid client secret provided"),
        "{err}"
    );
    assert!(!err.contains(&wrong), "{err}");
    assert!(!String::from_utf8_lossy(&run.stdout).contains(&wrong));
    assert!(!out.exists(), "nothing is written when no credential works");
    // Nothing but the token endpoint was asked.
    assert!(stub.log().iter().all(|l| l.path.ends_with("/token")));
}

#[test]
fn workload_identity_collects_the_fixture() {
    let stub = Stub::start();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("collect");
    let token_file = tmp.path().join("federated-token");
    let assertion = stub.state.lock().unwrap().assertion.clone();
    std::fs::write(&token_file, &assertion).unwrap();
    let run = Run::new(&stub, out.clone())
        .env(
            "AZURE_FEDERATED_TOKEN_FILE",
            token_file.display().to_string(),
        )
        .env("AZURE_TENANT_ID", TENANT)
        .env("AZURE_CLIENT_ID", CLIENT_ID)
        .go();
    ok(&run);
    assert_eq!(manifest(&out).credential, "workload-identity");
    assert_same_files(&out, |_| false);
    let mut needles = stub.tokens();
    needles.push(assertion);
    assert_nothing_leaks(&out, &run, &needles);
}

#[test]
fn managed_identity_collects_one_subscription() {
    let stub = Stub::start();
    let not_json = "/graph/v1.0/servicePrincipals/a00001f6-0000-4000-8000-0000000001f6/owners";
    let elsewhere = "/graph/v1.0/applications/a000012e-0000-4000-8000-00000000012e/owners";
    {
        let mut st = stub.state.lock().unwrap();
        st.overrides
            .insert(not_json.into(), "<html>gateway</html>".into());
        st.overrides.insert(
            elsewhere.into(),
            json!({"value": [{"id": "x"}], "@odata.nextLink": "https://attacker.invalid/v1.0/x?$skiptoken=1"})
                .to_string(),
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("collect");
    let header = stub.state.lock().unwrap().identity_header.clone();
    let run = Run::new(&stub, out.clone())
        .arg("--subscription")
        .arg(SUB_B)
        .env(
            "IDENTITY_ENDPOINT",
            format!("https://127.0.0.1:{}/msi/token", stub.port),
        )
        .env("IDENTITY_HEADER", header.clone())
        .go();
    ok(&run);
    let m = manifest(&out);
    assert_eq!(m.credential, "managed-identity");
    assert_eq!(m.subscriptions, [SUB_B]);
    // Only that subscription's ARM calls (the subscription list itself is
    // tenant-wide).
    assert!(
        m.calls.iter().all(|c| !c.path.contains(SUB_A)),
        "{:#?}",
        m.calls
    );
    assert_same_files(&out, |f| f.contains(SUB_A));
    // A bad page, a next link to another host: recorded, the rest collected.
    let bad = status_of(&m, not_json.trim_start_matches("/graph/"));
    assert_eq!(bad.status, Status::Error);
    assert!(
        bad.message
            .as_deref()
            .unwrap()
            .starts_with("page 1: the answer is not JSON (expected value at line 1 column 1"),
        "{bad:?}"
    );
    let away = status_of(&m, elsewhere.trim_start_matches("/graph/"));
    assert_eq!(away.status, Status::Error);
    assert_eq!(
        away.message.as_deref(),
        Some(
            format!(
                "page 1: `$.@odata.nextLink` leads to `https://attacker.invalid`, not `https://127.0.0.1:{}`: not followed (the token goes only to the API's own host)",
                stub.port
            )
            .as_str()
        )
    );
    assert_eq!(m.count(Status::Error), 2, "{:#?}", m.calls);
    let mut needles = stub.tokens();
    needles.push(header);
    assert_nothing_leaks(&out, &run, &needles);
}

#[test]
fn developer_tools_collect_the_fixture() {
    let stub = Stub::start();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("collect");
    let calls = tmp.path().join("az");
    std::fs::create_dir_all(&calls).unwrap();
    let token = unique("AZSTUB");
    {
        let mut st = stub.state.lock().unwrap();
        st.tokens.insert(format!("graph-{token}"), Audience::Graph);
        st.tokens.insert(format!("arm-{token}"), Audience::Arm);
    }
    let az = manifest_dir().join("../azure/tests/az-stub");
    let mut r = Run::new(&stub, out.clone())
        .arg("--credential")
        .arg("developer-tools")
        .arg("--tenant")
        .arg(TENANT)
        .env("AZ_STUB_TOKEN", token.clone())
        .env("AZ_STUB_DIR", calls.display().to_string());
    r.path = format!("{}:/usr/bin:/bin", az.canonicalize().unwrap().display());
    let run = r.go();
    ok(&run);
    assert_eq!(manifest(&out).credential, "developer-tools");
    assert_same_files(&out, |_| false);
    // `az` was asked for each API's token, for the tenant given; the bearer
    // policy kept each (one check up front, one for the calls).
    let log = std::fs::read_to_string(calls.join("calls.log")).unwrap();
    let asked: BTreeMap<&str, usize> = log.lines().fold(BTreeMap::new(), |mut m, l| {
        *m.entry(l).or_default() += 1;
        m
    });
    let graph = format!("get-access-token {}/.default {TENANT}", stub.url("graph"));
    let arm = format!("get-access-token {}/.default {TENANT}", stub.url("arm"));
    assert_eq!(asked.get(graph.as_str()), Some(&2), "{log}");
    assert_eq!(asked.get(arm.as_str()), Some(&2), "{log}");
    assert_nothing_leaks(&out, &run, &[token]);
}

#[test]
fn no_credentials_is_a_clear_error() {
    let stub = Stub::start();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("collect");
    let mut r = Run::new(&stub, out.clone());
    // No `az` or `azd` anywhere on PATH.
    r.path = tmp.path().join("no-tools").display().to_string();
    let run = r.go();
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("the developer-tools credential (AzureCliCredential, then AzureDeveloperCliCredential) gives no token"),
        "{err}"
    );
    assert!(err.contains("az not found on PATH"), "{err}");
    assert!(err.contains("no other credential is configured"), "{err}");
    assert!(!out.exists());
    assert!(stub.log().is_empty(), "nothing was asked of the network");
}
