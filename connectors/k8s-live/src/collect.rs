//! The API calls of `k8s-snapshot.sh`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use blastgraph_live_http::{ClientPem, Token, env, get_json};
use blastgraph_model::collect::{CollectError, Collector, Progress, write_json};
use blastgraph_model::credentials::{INSPECTED_FILE, InspectedSecret};
use serde_json::{Value, json};

/// The in-cluster service account's files.
const IN_CLUSTER: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// What a collection needs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The API server (`https://…:6443`).
    pub server: String,
    /// The bearer token, unless a client certificate signs in.
    pub token: Option<Token>,
    /// PEM bundle of the cluster's CA, a file.
    pub ca: Option<PathBuf>,
    /// The cluster's CA as PEM (a kubeconfig's), when not a file.
    pub ca_pem: Option<Vec<u8>>,
    /// A client certificate to sign in with (a kubeconfig's).
    pub client: Option<ClientPem>,
    /// The cluster's name in the layout (`k8s/NAME/`).
    pub cluster: String,
    /// Where the layout goes.
    pub output: PathBuf,
    /// `--inspect-secret-values`: each secret's `data` is scanned in memory
    /// before it is removed; what it holds (never a value) goes to
    /// `blastgraph-inspected.json`.
    pub inspect_values: bool,
}

/// The collector, for the provider registry.
#[derive(Debug, Clone, Copy)]
pub struct K8sCollector;

/// The Kubernetes collector.
pub static COLLECTOR: K8sCollector = K8sCollector;

/// The lists read: (API path, the items' `apiVersion`, `kind`).
const LISTS: [(&str, &str, &str); 6] = [
    ("api/v1/serviceaccounts", "v1", "ServiceAccount"),
    ("api/v1/secrets", "v1", "Secret"),
    (
        "apis/rbac.authorization.k8s.io/v1/roles",
        "rbac.authorization.k8s.io/v1",
        "Role",
    ),
    (
        "apis/rbac.authorization.k8s.io/v1/rolebindings",
        "rbac.authorization.k8s.io/v1",
        "RoleBinding",
    ),
    (
        "apis/rbac.authorization.k8s.io/v1/clusterroles",
        "rbac.authorization.k8s.io/v1",
        "ClusterRole",
    ),
    (
        "apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
        "rbac.authorization.k8s.io/v1",
        "ClusterRoleBinding",
    ),
];

impl Collector for K8sCollector {
    fn command(&self) -> clap::Command {
        clap::Command::new("k8s")
            .about(
                "Kubernetes: service accounts, secret metadata and RBAC from the API server into the layout of \
                 docs/k8s-raw-layout.md; token from KUBE_TOKEN (or the pod's service account)",
            )
            .arg(clap::Arg::new("cluster").long("cluster").value_name("NAME").required(true).help("The cluster's name in the layout (k8s/NAME/)"))
            .arg(
                blastgraph_model::collect::output_arg("Folder to write into (DIR/k8s/NAME/...)"))
            .arg(clap::Arg::new("server").long("server").value_name("URL").help("API server (default: KUBE_SERVER, or the pod's)"))
            .arg(
                clap::Arg::new("certificate-authority")
                    .long("certificate-authority")
                    .value_name("FILE")
                    .value_parser(clap::value_parser!(PathBuf))
                    .help("The cluster's CA (default: KUBE_CA_FILE, or the pod's)"),
            )
            .arg(
                clap::Arg::new("kubeconfig")
                    .long("kubeconfig")
                    .value_name("FILE")
                    .value_parser(clap::value_parser!(PathBuf))
                    .help("The kubeconfig (default: KUBECONFIG's first file, else ~/.kube/config), when no --server or KUBE_SERVER is given"),
            )
            .arg(
                clap::Arg::new("context")
                    .long("context")
                    .value_name("NAME")
                    .help("The kubeconfig's context (default: its current-context)"),
            )
            .arg(blastgraph_model::collect::inspect_arg("each secret's data"))
    }

    fn collect(
        &self,
        args: &clap::ArgMatches,
        _tool: &str,
        progress: &dyn Progress,
    ) -> Result<String, CollectError> {
        let in_cluster = Path::new(IN_CLUSTER);
        let cluster = args
            .get_one::<String>("cluster")
            .cloned()
            .ok_or("--cluster is required")?;
        let output = blastgraph_model::collect::output_of(args)?;
        let inspect_values = blastgraph_model::collect::inspect_of(args);
        let explicit = args
            .get_one::<String>("server")
            .cloned()
            .or_else(|| env("KUBE_SERVER"));
        let kubeconfig = args
            .get_one::<PathBuf>("kubeconfig")
            .cloned()
            .or_else(crate::kubeconfig::default_path);
        let ca_flag = args
            .get_one::<PathBuf>("certificate-authority")
            .cloned()
            .or_else(|| env("KUBE_CA_FILE").map(PathBuf::from));
        let opts = match (explicit, kubeconfig) {
            (None, Some(file)) => {
                let context = args.get_one::<String>("context").map(String::as_str);
                let k = crate::kubeconfig::load(&file, context)?;
                progress.stage(&format!(
                    "kubeconfig {} context {}",
                    file.display(),
                    k.context
                ));
                Options {
                    server: k.server,
                    token: env("KUBE_TOKEN").map(Token::from).or(k.token),
                    ca: ca_flag,
                    ca_pem: k.ca,
                    client: k.client,
                    cluster,
                    output,
                    inspect_values,
                }
            }
            (explicit, _) => {
                let server = explicit
                    .or_else(|| {
                        let host = env("KUBERNETES_SERVICE_HOST")?;
                        let port = env("KUBERNETES_SERVICE_PORT").unwrap_or_else(|| "443".into());
                        Some(format!("https://{host}:{port}"))
                    })
                    .ok_or("no API server: give --server or KUBE_SERVER, or a kubeconfig (--kubeconfig, KUBECONFIG, ~/.kube/config)")?;
                let token = env("KUBE_TOKEN")
                    .or_else(|| {
                        std::fs::read_to_string(in_cluster.join("token"))
                            .ok()
                            .map(|t| t.trim().to_string())
                    })
                    .ok_or(
                        "no token: set KUBE_TOKEN (or run inside a pod with a service account)",
                    )?;
                Options {
                    server,
                    token: Some(token.into()),
                    ca: ca_flag.or_else(|| Some(in_cluster.join("ca.crt")).filter(|p| p.is_file())),
                    ca_pem: None,
                    client: None,
                    cluster,
                    output,
                    inspect_values,
                }
            }
        };
        let n = collect(&opts, progress)?;
        Ok(format!(
            "wrote {} to {} ({n} objects; secret values removed)\n",
            "rbac.json and openid-configuration.json",
            opts.output.join("k8s").join(&opts.cluster).display()
        ))
    }
}

/// One JSON GET with the bearer token; bodies up to 512 MiB (a large
/// cluster's page).
fn get(
    agent: &blastgraph_live_http::ureq::Agent,
    url: &str,
    token: Option<&Token>,
) -> Result<Value, String> {
    let auth = token.map(|t| format!("Bearer {}", t.expose()));
    let mut headers = vec![("Accept", "application/json")];
    if let Some(a) = &auth {
        headers.push(("Authorization", a.as_str()));
    }
    get_json(agent, url, &headers, 512 * 1024 * 1024)
}

/// Collects the cluster's folder; the number of objects written.
pub fn collect(opts: &Options, progress: &dyn Progress) -> Result<usize, CollectError> {
    let timeout = Duration::from_secs(120);
    // A CA file (flag, environment, the pod's) wins over the kubeconfig's.
    let file = match &opts.ca {
        Some(f) => Some((blastgraph_live_http::read_ca(f)?, f.display().to_string())),
        None => None,
    };
    let ca = match &file {
        Some((pem, name)) => Some((pem.as_slice(), name.as_str())),
        None => opts.ca_pem.as_deref().map(|p| (p, "of the kubeconfig")),
    };
    let agent = blastgraph_live_http::agent_tls(ca, opts.client.as_ref(), timeout)?;
    let base = opts.server.trim_end_matches('/');
    let mut items = Vec::new();
    let mut inspected = Vec::new();
    for (path, api_version, kind) in LISTS {
        let mut cont = String::new();
        loop {
            progress.call_started("k8s", path);
            let url = format!(
                "{base}/{path}?limit=500{}",
                if cont.is_empty() {
                    String::new()
                } else {
                    format!("&continue={cont}")
                }
            );
            let mut page = get(&agent, &url, opts.token.as_ref())
                .map_err(|e| format!("{base}/{path}: {e}"))?;
            progress.call_done();
            let list = match page.get_mut("items").map(Value::take) {
                Some(Value::Array(list)) => list,
                _ => Vec::new(),
            };
            for mut item in list {
                if let Some(o) = item.as_object_mut() {
                    if opts.inspect_values
                        && kind == "Secret"
                        && let Some(Value::Object(data)) = o.get("data")
                    {
                        let found = blastgraph_connector_k8s::scan_secret_data(data);
                        if !found.is_empty() {
                            let meta = o.get("metadata");
                            let field = |k: &str| {
                                meta.and_then(|m| m.get(k))
                                    .and_then(Value::as_str)
                                    .unwrap_or_default()
                                    .to_string()
                            };
                            inspected.push(InspectedSecret {
                                secret: format!("{}/{}", field("namespace"), field("name")),
                                found: found.iter().map(Into::into).collect(),
                            });
                        }
                    }
                    // Values never leave memory.
                    o.remove("data");
                    o.remove("stringData");
                    o.insert("apiVersion".into(), json!(api_version));
                    o.insert("kind".into(), json!(kind));
                }
                items.push(item);
            }
            cont = page
                .pointer("/metadata/continue")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if cont.is_empty() {
                break;
            }
        }
    }
    let n = items.len();
    let dir = format!("k8s/{}", opts.cluster);
    let list = json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}});
    write_json(&opts.output, &format!("{dir}/rbac.json"), &list)?;
    if opts.inspect_values {
        blastgraph_model::collect::write_inspected(
            &opts.output,
            &format!("{dir}/{INSPECTED_FILE}"),
            inspected,
        )?;
    }
    progress.call_started("k8s", ".well-known/openid-configuration");
    let oidc = get(
        &agent,
        &format!("{base}/.well-known/openid-configuration"),
        opts.token.as_ref(),
    )
    .map_err(|e| format!("{base}/.well-known/openid-configuration: {e}"))?;
    progress.call_done();
    write_json(
        &opts.output,
        &format!("{dir}/openid-configuration.json"),
        &oidc,
    )?;
    Ok(n)
}
