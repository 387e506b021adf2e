//! The HTTP client every request goes through: `azure_core`'s
//! [`HttpClient`] on hyper 1 and rustls over ring, trusting the platform's
//! certificates (`rustls-native-certs`: the system store, or only
//! `SSL_CERT_FILE` / `SSL_CERT_DIR` when set).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use azure_core::error::{Error, ErrorKind};
use azure_core::http::headers::{HeaderName, HeaderValue, Headers};
use azure_core::http::request::Body;
use azure_core::http::{AsyncRawResponse, HttpClient, Request};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::CollectError;

/// How long a connection may take to open.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
/// How long one request may take, its whole answer read.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// The TLS configuration: rustls over ring, the platform's roots.
pub(crate) fn tls_config() -> Result<rustls::ClientConfig, CollectError> {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = rustls::RootCertStore::empty();
    let (added, _) = roots.add_parsable_certificates(found.certs);
    if added == 0 {
        let why: Vec<String> = found.errors.iter().map(ToString::to_string).collect();
        return Err(CollectError::Tls(format!(
            "no trusted root certificate found (the system store, or `SSL_CERT_FILE` / `SSL_CERT_DIR` when set){}",
            if why.is_empty() {
                String::new()
            } else {
                format!(": {}", why.join("; "))
            }
        )));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| CollectError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// An HTTPS client (plain HTTP too, for a managed identity endpoint, when
/// built with `allow_http`).
#[derive(Clone)]
pub(crate) struct Https {
    client: Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl std::fmt::Debug for Https {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Https").finish_non_exhaustive()
    }
}

impl Https {
    /// A client over `tls`; `allow_http` also lets `http://` through (the
    /// local endpoints of managed identity: App Service's
    /// `IDENTITY_ENDPOINT`, the VM metadata service). Graph and ARM requests
    /// are https only: `azure_core`'s bearer token policy refuses anything
    /// else, and so does [`crate::fetch::base_url`].
    pub(crate) fn new(tls: rustls::ClientConfig, allow_http: bool) -> Arc<Self> {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(CONNECT_TIMEOUT));
        http.set_nodelay(true);
        let builder = hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls);
        let builder = if allow_http {
            builder.https_or_http()
        } else {
            builder.https_only()
        };
        let connector = builder.enable_http1().enable_http2().wrap_connector(http);
        Arc::new(Self {
            client: Client::builder(TokioExecutor::new()).build(connector),
        })
    }

    async fn send(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        let body = match request.body() {
            Body::Bytes(b) => b.clone(),
            // Only azure_core's upload APIs stream; nothing here uploads.
            _ => {
                return Err(Error::with_message(
                    ErrorKind::Other,
                    "streamed request bodies are not supported",
                ));
            }
        };
        let mut builder = http::Request::builder()
            .method(request.method().as_ref())
            .uri(request.url().as_str());
        for (name, value) in request.headers().iter() {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let req = builder
            .body(Full::new(body))
            .map_err(|e| Error::with_error(ErrorKind::Other, e, "cannot build the request"))?;
        let rsp = self.client.request(req).await.map_err(|e| {
            let kind = if e.is_connect() {
                ErrorKind::Connection
            } else {
                ErrorKind::Io
            };
            Error::with_error(kind, e, "the request failed")
        })?;
        let status = rsp.status().as_u16();
        let mut headers: HashMap<HeaderName, HeaderValue> = HashMap::new();
        for (name, value) in rsp.headers() {
            // A header that is not text is of no use to the policies.
            if let Ok(v) = value.to_str() {
                headers.insert(
                    HeaderName::from(name.as_str().to_owned()),
                    HeaderValue::from(v.to_owned()),
                );
            }
        }
        let bytes = rsp
            .into_body()
            .collect()
            .await
            .map_err(|e| Error::with_error(ErrorKind::Io, e, "reading the answer failed"))?
            .to_bytes();
        Ok(AsyncRawResponse::from_bytes(
            status.into(),
            Headers::from(headers),
            bytes,
        ))
    }
}

#[async_trait::async_trait]
impl HttpClient for Https {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        match tokio::time::timeout(REQUEST_TIMEOUT, self.send(request)).await {
            Ok(r) => r,
            // A timeout is retried like any transport failure.
            Err(_) => Err(Error::with_message(
                ErrorKind::Io,
                format!("no complete answer within {} s", REQUEST_TIMEOUT.as_secs()),
            )),
        }
    }
}
