//! A kubeconfig, as `kubectl` reads it: the context (`--context`, else
//! `current-context`), its cluster's `server` and CA
//! (`certificate-authority-data` or `certificate-authority`), and its
//! user's credential: `token`, `tokenFile`, a client certificate
//! (`client-certificate(-data)` and `client-key(-data)`), or an `exec`
//! credential plugin (`aws eks get-token`, `kubelogin`,
//! `gke-gcloud-auth-plugin`), run as kubectl runs it. Relative paths are
//! relative to the kubeconfig's folder. What it cannot use (an
//! `auth-provider`, a plugin that asks questions) is an error that says so.

use std::path::{Path, PathBuf};

use blastgraph_live_http::{ClientPem, Token};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Config {
    #[serde(default)]
    current_context: Option<String>,
    #[serde(default)]
    clusters: Vec<Named<Cluster>>,
    #[serde(default)]
    contexts: Vec<Named<Context>>,
    #[serde(default)]
    users: Vec<Named<User>>,
}

#[derive(Debug, Deserialize)]
struct Named<T> {
    name: String,
    #[serde(alias = "cluster", alias = "context", alias = "user")]
    item: Option<T>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Cluster {
    server: Option<String>,
    certificate_authority: Option<String>,
    certificate_authority_data: Option<String>,
    #[serde(default)]
    insecure_skip_tls_verify: bool,
}

#[derive(Debug, Default, Deserialize)]
struct Context {
    cluster: Option<String>,
    user: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct User {
    token: Option<String>,
    #[serde(rename = "tokenFile")]
    token_file: Option<String>,
    client_certificate: Option<String>,
    client_certificate_data: Option<String>,
    client_key: Option<String>,
    client_key_data: Option<String>,
    exec: Option<Exec>,
    auth_provider: Option<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Exec {
    command: String,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    env: Option<Vec<EnvVar>>,
    api_version: Option<String>,
}

#[derive(Debug, Deserialize)]
struct EnvVar {
    name: String,
    value: String,
}

/// What a context gives the collector.
#[derive(Debug)]
pub(crate) struct Resolved {
    /// The context's name.
    pub context: String,
    pub server: String,
    /// The cluster's CA (PEM), when the kubeconfig names one.
    pub ca: Option<Vec<u8>>,
    pub token: Option<Token>,
    pub client: Option<ClientPem>,
}

/// The kubeconfig kubectl would read: `KUBECONFIG`'s first file that
/// exists, else `~/.kube/config`.
pub(crate) fn default_path() -> Option<PathBuf> {
    if let Some(list) = std::env::var_os("KUBECONFIG") {
        return std::env::split_paths(&list).find(|p| p.is_file());
    }
    let home = std::env::var_os("HOME")?;
    Some(Path::new(&home).join(".kube").join("config")).filter(|p| p.is_file())
}

/// Reads `path` and resolves `context` (else its `current-context`).
pub(crate) fn load(path: &Path, context: Option<&str>) -> Result<Resolved, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("kubeconfig {shown}: {e}"))?;
    let config: Config =
        yaml_serde::from_str(&text).map_err(|e| format!("kubeconfig {shown}: {e}"))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    resolve(&config, context, dir).map_err(|e| format!("kubeconfig {shown}: {e}"))
}

fn find<'c, T>(list: &'c [Named<T>], name: &str, what: &str) -> Result<&'c T, String> {
    list.iter()
        .find(|n| n.name == name)
        .and_then(|n| n.item.as_ref())
        .ok_or_else(|| {
            let names: Vec<&str> = list.iter().map(|n| n.name.as_str()).collect();
            format!("no {what} `{name}` (it has: {})", names.join(", "))
        })
}

fn decode(field: &str, data: &str) -> Result<Vec<u8>, String> {
    blastgraph_model::base64_decode(data.trim()).ok_or_else(|| format!("`{field}` is not base64"))
}

fn read(dir: &Path, field: &str, file: &str) -> Result<Vec<u8>, String> {
    let p = dir.join(file);
    std::fs::read(&p).map_err(|e| format!("`{field}` {}: {e}", p.display()))
}

/// A kubeconfig field given inline (`FIELD-data`, base64) or as a file
/// (`FIELD`); the inline one wins, as in kubectl.
fn data_or_file(
    dir: &Path,
    field: &str,
    data: &Option<String>,
    file: &Option<String>,
) -> Result<Option<Vec<u8>>, String> {
    match (data, file) {
        (Some(d), _) => decode(&format!("{field}-data"), d).map(Some),
        (None, Some(f)) => read(dir, field, f).map(Some),
        (None, None) => Ok(None),
    }
}

fn resolve(config: &Config, context: Option<&str>, dir: &Path) -> Result<Resolved, String> {
    let name = context
        .or(config.current_context.as_deref())
        .filter(|c| !c.is_empty())
        .ok_or("no context: give --context (it has no current-context)")?;
    let ctx = find(&config.contexts, name, "context")?;
    let cluster_name = ctx
        .cluster
        .as_deref()
        .ok_or(format!("context `{name}` names no cluster"))?;
    let cluster = find(&config.clusters, cluster_name, "cluster")?;
    if cluster.insecure_skip_tls_verify {
        return Err(format!(
            "cluster `{cluster_name}` skips TLS verification (insecure-skip-tls-verify): not followed; give its CA"
        ));
    }
    let server = cluster
        .server
        .clone()
        .ok_or(format!("cluster `{cluster_name}` has no server"))?;
    let ca = data_or_file(
        dir,
        "certificate-authority",
        &cluster.certificate_authority_data,
        &cluster.certificate_authority,
    )?;
    let user = match ctx.user.as_deref() {
        Some(u) => find(&config.users, u, "user")?,
        None => &User::default(),
    };
    let (mut token, mut client) = (None, None);
    if user.auth_provider.is_some() {
        return Err("the user's `auth-provider` is not supported (kubectl itself dropped it): use an exec plugin or a token".into());
    }
    if let Some(t) = &user.token {
        token = Some(Token::from(t.trim()));
    } else if let Some(f) = &user.token_file {
        let t = read(dir, "tokenFile", f)?;
        token = Some(Token::from(String::from_utf8_lossy(&t).trim()));
    }
    let cert = data_or_file(
        dir,
        "client-certificate",
        &user.client_certificate_data,
        &user.client_certificate,
    )?;
    let key = data_or_file(dir, "client-key", &user.client_key_data, &user.client_key)?;
    if let (Some(cert), Some(key)) = (cert, key) {
        client = Some(ClientPem {
            cert,
            key: Token::from(String::from_utf8_lossy(&key).into_owned()),
        });
    }
    if token.is_none()
        && client.is_none()
        && let Some(exec) = &user.exec
    {
        (token, client) = run_exec(exec, dir)?;
    }
    Ok(Resolved {
        context: name.to_string(),
        server,
        ca,
        token,
        client,
    })
}

/// Runs an exec credential plugin as kubectl does (its env added,
/// `KUBERNETES_EXEC_INFO` saying it is not interactive) and reads the
/// `ExecCredential` it prints: a token, or a client certificate and key.
/// Its output is never shown; its error output is, when it fails.
fn run_exec(exec: &Exec, dir: &Path) -> Result<(Option<Token>, Option<ClientPem>), String> {
    let api = exec
        .api_version
        .clone()
        .unwrap_or_else(|| "client.authentication.k8s.io/v1".into());
    let info = serde_json::json!({
        "apiVersion": api, "kind": "ExecCredential", "spec": {"interactive": false}
    });
    // A command with a `/` is relative to the kubeconfig, as kubectl has it.
    let command = if exec.command.contains('/') && !Path::new(&exec.command).is_absolute() {
        dir.join(&exec.command)
    } else {
        PathBuf::from(&exec.command)
    };
    let mut cmd = std::process::Command::new(&command);
    cmd.args(&exec.args)
        .env("KUBERNETES_EXEC_INFO", info.to_string())
        .stdin(std::process::Stdio::null());
    for v in exec.env.iter().flatten() {
        cmd.env(&v.name, &v.value);
    }
    let out = cmd
        .output()
        .map_err(|e| format!("exec plugin `{}`: {e}", exec.command))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "exec plugin `{}` failed ({}): {}",
            exec.command,
            out.status,
            err.trim()
        ));
    }
    let cred: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "exec plugin `{}` printed no ExecCredential: {e}",
            exec.command
        )
    })?;
    let status = cred.get("status");
    let field = |k: &str| {
        status
            .and_then(|s| s.get(k))
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
    };
    if let Some(t) = field("token") {
        return Ok((Some(Token::from(t)), None));
    }
    if let (Some(cert), Some(key)) = (field("clientCertificateData"), field("clientKeyData")) {
        return Ok((
            None,
            Some(ClientPem {
                cert: cert.into_bytes(),
                key: Token::from(key),
            }),
        ));
    }
    Err(format!(
        "exec plugin `{}` gave neither a token nor a client certificate",
        exec.command
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(yaml: &str) -> Config {
        yaml_serde::from_str(yaml).unwrap_or_default()
    }

    const KIND: &str = "
apiVersion: v1
kind: Config
current-context: kind-dev
clusters:
- name: kind-dev
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: LS0tLS1CRUdJTg==
- name: eks
  cluster:
    server: https://ABC.gr7.us-east-1.eks.amazonaws.com
contexts:
- name: kind-dev
  context: {cluster: kind-dev, user: kind-dev}
- name: prod
  context: {cluster: eks, user: sa}
- name: lost
  context: {cluster: nowhere, user: sa}
users:
- name: kind-dev
  user:
    client-certificate-data: LS0tLS1DRVJU
    client-key-data: LS0tLS1LRVk=
- name: sa
  user:
    token: abc.def
";

    #[test]
    fn the_current_context_or_the_one_asked_for() {
        let c = config(KIND);
        let r = resolve(&c, None, Path::new(".")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.context, "kind-dev");
        assert_eq!(r.server, "https://127.0.0.1:6443");
        assert_eq!(r.ca.as_deref(), Some(&b"-----BEGIN"[..]));
        assert!(r.token.is_none());
        let client = r.client.unwrap_or_else(|| panic!("client certificate"));
        assert_eq!(client.cert, b"-----CERT");
        assert!(!format!("{client:?}").contains("KEY"));
        let r = resolve(&c, Some("prod"), Path::new(".")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            r.token.map(|t| t.expose().to_string()).as_deref(),
            Some("abc.def")
        );
        assert!(r.ca.is_none());
    }

    /// The shapes `aws eks update-kubeconfig` and `gcloud container clusters
    /// get-credentials` write: `preferences`, `env: null`, `interactiveMode`,
    /// `provideClusterInfo`, `installHint` (unknown fields are passed over).
    #[test]
    fn the_shapes_cloud_clis_write_are_read() {
        let yaml = "
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: LS0tLS1CRUdJTg==
    server: https://ABCDEF0123456789.gr7.us-east-1.eks.amazonaws.com
  name: arn:aws:eks:us-east-1:111122223333:cluster/prod
- cluster:
    certificate-authority-data: LS0tLS1CRUdJTg==
    server: https://34.0.0.1
  name: gke_proj_europe-west1_ml
contexts:
- context:
    cluster: arn:aws:eks:us-east-1:111122223333:cluster/prod
    user: arn:aws:eks:us-east-1:111122223333:cluster/prod
  name: arn:aws:eks:us-east-1:111122223333:cluster/prod
- context:
    cluster: gke_proj_europe-west1_ml
    user: gke_proj_europe-west1_ml
  name: gke_proj_europe-west1_ml
current-context: arn:aws:eks:us-east-1:111122223333:cluster/prod
kind: Config
preferences: {}
users:
- name: arn:aws:eks:us-east-1:111122223333:cluster/prod
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - --region
      - us-east-1
      - eks
      - get-token
      - --cluster-name
      - prod
      - --output
      - json
      command: aws
      env: null
      interactiveMode: IfAvailable
      provideClusterInfo: false
- name: gke_proj_europe-west1_ml
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: gke-gcloud-auth-plugin
      installHint: Install gke-gcloud-auth-plugin for use with kubectl
      provideClusterInfo: true
";
        let c: Config = yaml_serde::from_str(yaml).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.contexts.len(), 2);
        let eks = find(
            &c.users,
            "arn:aws:eks:us-east-1:111122223333:cluster/prod",
            "user",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let exec = eks.exec.as_ref().unwrap_or_else(|| panic!("exec"));
        assert_eq!(exec.command, "aws");
        assert_eq!(exec.args.len(), 8);
        assert!(exec.env.is_none());
        let gke =
            find(&c.users, "gke_proj_europe-west1_ml", "user").unwrap_or_else(|e| panic!("{e}"));
        assert!(gke.exec.as_ref().is_some_and(|e| e.args.is_empty()));
    }

    #[test]
    fn what_cannot_be_used_is_said() {
        let c = config(KIND);
        let e = resolve(&c, Some("staging"), Path::new("."))
            .err()
            .unwrap_or_default();
        assert!(
            e.contains("no context `staging`") && e.contains("kind-dev, prod"),
            "{e}"
        );
        let e = resolve(&c, Some("lost"), Path::new("."))
            .err()
            .unwrap_or_default();
        assert!(e.contains("no cluster `nowhere`"), "{e}");
        let e = resolve(&config("clusters: []"), None, Path::new("."))
            .err()
            .unwrap_or_default();
        assert!(e.contains("--context"), "{e}");
        let insecure = KIND.replace(
            "certificate-authority-data: LS0tLS1CRUdJTg==",
            "insecure-skip-tls-verify: true",
        );
        let e = resolve(&config(&insecure), None, Path::new("."))
            .err()
            .unwrap_or_default();
        assert!(e.contains("insecure-skip-tls-verify"), "{e}");
    }

    #[test]
    fn an_exec_plugin_gives_the_token() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let plugin = dir.path().join("get-token");
        std::fs::write(
            &plugin,
            "#!/bin/sh\ntest \"$KUBERNETES_EXEC_INFO\" != \"\" || exit 3\n\
             echo '{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"status\":{\"token\":\"k8s-aws-v1.'\"$CLUSTER\"'\"}}'\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let yaml = KIND.replace(
            "    token: abc.def",
            "    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: ./get-token\n      args: [eks, get-token]\n      env:\n      - {name: CLUSTER, value: prod-eks}",
        );
        let r = resolve(&config(&yaml), Some("prod"), dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            r.token.map(|t| t.expose().to_string()).as_deref(),
            Some("k8s-aws-v1.prod-eks")
        );
        // A plugin that fails says why.
        std::fs::write(&plugin, "#!/bin/sh\necho 'no SSO session' >&2\nexit 1\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let e = resolve(&config(&yaml), Some("prod"), dir.path())
            .err()
            .unwrap_or_default();
        assert!(e.contains("no SSO session"), "{e}");
    }
}
