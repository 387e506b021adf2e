//! The shared client, bodies, JSON GETs and tokens.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

/// The client crate, for the collectors that build their own requests.
pub use ureq;

/// A bearer token or API key: never printed (`Debug` shows `<hidden>`).
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// The value, to put in a request header, and nowhere else.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<hidden>")
    }
}

impl From<String> for Token {
    fn from(s: String) -> Self {
        Token(s)
    }
}

impl From<&str> for Token {
    fn from(s: &str) -> Self {
        Token(s.to_string())
    }
}

/// An environment variable's value, when it is set and not blank.
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// A client that reports every HTTP status (never an error for 4xx/5xx),
/// with a whole-request timeout, trusting `ca` (a PEM bundle) when given,
/// else Mozilla's roots.
pub fn agent(ca: Option<&Path>, timeout: Duration) -> Result<ureq::Agent, String> {
    let pem = match ca {
        Some(ca) => Some((read_ca(ca)?, ca.display().to_string())),
        None => None,
    };
    let ca = pem.as_ref().map(|(p, name)| (p.as_slice(), name.as_str()));
    agent_tls(ca, None, timeout)
}

/// A CA bundle file's bytes; the error names the file.
pub fn read_ca(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("CA {}: {e}", path.display()))
}

/// A client certificate and its key, as PEM (a kubeconfig's
/// `client-certificate-data` and `client-key-data`); the key never prints.
#[derive(Clone)]
pub struct ClientPem {
    /// The certificate chain.
    pub cert: Vec<u8>,
    /// The private key.
    pub key: Token,
}

impl std::fmt::Debug for ClientPem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientPem(<hidden>)")
    }
}

/// The certificates of a PEM bundle.
fn certificates(pem: &[u8]) -> Vec<ureq::tls::Certificate<'static>> {
    ureq::tls::parse_pem(pem)
        .filter_map(Result::ok)
        .filter_map(|item| match item {
            ureq::tls::PemItem::Certificate(c) => Some(c.to_owned()),
            _ => None,
        })
        .collect()
}

/// [`agent`] from PEM bytes: `ca` (the bundle and what to call it in an
/// error) to trust instead of Mozilla's roots, and a client certificate
/// to present.
pub fn agent_tls(
    ca: Option<(&[u8], &str)>,
    client: Option<&ClientPem>,
    timeout: Duration,
) -> Result<ureq::Agent, String> {
    let mut tls = ureq::tls::TlsConfig::builder();
    if let Some((pem, name)) = ca {
        let certs = certificates(pem);
        if certs.is_empty() {
            return Err(format!("CA {name}: no PEM certificate in it"));
        }
        tls = tls.root_certs(ureq::tls::RootCerts::Specific(Arc::new(certs)));
    }
    if let Some(c) = client {
        let chain = certificates(&c.cert);
        let key = ureq::tls::parse_pem(c.key.expose().as_bytes())
            .filter_map(Result::ok)
            .find_map(|item| match item {
                ureq::tls::PemItem::PrivateKey(k) => Some(k.to_owned()),
                _ => None,
            });
        let (false, Some(key)) = (chain.is_empty(), key) else {
            return Err("the client certificate or its key is not PEM".into());
        };
        tls = tls.client_cert(Some(ureq::tls::ClientCert::new_with_certs(&chain, key)));
    }
    Ok(ureq::Agent::config_builder()
        .http_status_as_error(false)
        .tls_config(tls.build())
        .timeout_global(Some(timeout))
        .build()
        .into())
}

/// A response's body, up to `limit` bytes (empty when it cannot be read).
pub fn body(resp: &mut ureq::http::Response<ureq::Body>, limit: u64) -> Vec<u8> {
    resp.body_mut()
        .with_config()
        .limit(limit)
        .read_to_vec()
        .unwrap_or_default()
}

/// GETs a JSON document (up to `limit` bytes) with these headers; `Err`
/// names the status of a refused or failed call (never a header).
pub fn get_json(
    agent: &ureq::Agent,
    url: &str,
    headers: &[(&str, &str)],
    limit: u64,
) -> Result<Value, String> {
    let mut req = agent.get(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut resp = req.call().map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let bytes = body(&mut resp, limit);
    if !(200..300).contains(&status) {
        return Err(format!("HTTP {status}"));
    }
    serde_json::from_slice(&bytes).map_err(|e| format!("not JSON: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_never_prints() {
        let t = Token::from("s3cr3t");
        assert_eq!(format!("{t:?}"), "<hidden>");
        assert_eq!(t.expose(), "s3cr3t");
    }

    #[test]
    fn a_ca_file_without_a_certificate_is_an_error() {
        let dir = std::env::temp_dir().join("blastgraph-live-http-test-ca.pem");
        let _ = std::fs::write(&dir, "not a certificate");
        let e = agent(Some(&dir), Duration::from_secs(1))
            .err()
            .unwrap_or_default();
        assert!(e.contains("no PEM certificate"), "{e}");
        let _ = std::fs::remove_file(&dir);
    }
}
