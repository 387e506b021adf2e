//! One call: every page of a Graph or ARM list, merged as
//! `az-snapshot.sh` merges them (the first page's object without its next
//! link, `value` the values of every page in order).
//!
//! Next links (`@odata.nextLink`, `nextLink`, `@nextLink`, the first that
//! is not null) are followed as given, only to the API's own scheme, host
//! and port: the bearer token goes nowhere else. A link that repeats an
//! earlier page, or more than [`MAX_PAGES`] pages, stops the call.

use std::collections::HashSet;
use std::sync::Arc;

use azure_core::credentials::TokenCredential;
use azure_core::http::policies::Policy;
use azure_core::http::policies::auth::BearerTokenAuthorizationPolicy;
use azure_core::http::{
    ClientOptions, Context, Method, Pipeline, PipelineSendOptions, Request, Transport, Url,
};
use blastgraph_model::json::type_name;
use serde_json::{Map, Value};

use crate::CollectError;
use crate::http::Https;
use crate::manifest::Status;

/// Pages of one call at most (100 000 pages of 999 objects is far beyond
/// any tenant).
pub(crate) const MAX_PAGES: usize = 100_000;

/// The keys that carry a next link, in the order they are looked at.
const NEXT_KEYS: [&str; 3] = ["@odata.nextLink", "nextLink", "@nextLink"];

/// Which API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ApiKind {
    Graph,
    Arm,
    /// One vault's data plane (`--inspect-secret-values`).
    KeyVault,
}

/// An API's base URL and the pipeline that calls it (our HTTP client, the
/// retries, a bearer token for the API's scope).
#[derive(Debug)]
pub(crate) struct Api {
    pub kind: ApiKind,
    base: Url,
    pipeline: Pipeline,
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub status: Status,
    pub message: String,
}

impl Failure {
    fn error(message: String) -> Self {
        Self {
            status: Status::Error,
            message,
        }
    }
}

/// A base URL flag's value, checked: https, a host, no query.
pub(crate) fn base_url(flag: &'static str, s: &str) -> Result<Url, CollectError> {
    let bad = |reason: &str| CollectError::Url {
        flag,
        url: s.to_string(),
        reason: reason.to_string(),
    };
    let url = Url::parse(s.trim_end_matches('/')).map_err(|e| bad(&e.to_string()))?;
    if url.scheme() != "https" {
        return Err(bad("expected an https URL"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("expected a host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("expected no query or fragment"));
    }
    Ok(url)
}

/// Key Vault data planes (`--inspect-secret-values`): one [`Api`] per
/// vault, all with the data plane's token scope.
pub(crate) struct Vaults {
    /// The data plane's URL, `{vault}` standing for the vault's name.
    pub template: String,
    pub scope: String,
    pub https: Arc<Https>,
    pub token: Arc<dyn TokenCredential>,
    pub attempts: u32,
}

impl Vaults {
    /// The data plane of one vault; a name that is no vault name (letters,
    /// digits and `-`, 3 to 24) is refused.
    pub(crate) fn api(&self, vault: &str) -> Result<Api, Failure> {
        let ok = (3..=24).contains(&vault.len())
            && vault.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !ok {
            return Err(Failure::error(format!(
                "`{}` is not a vault name: its data plane is not called",
                vault.escape_debug()
            )));
        }
        let url = self.template.replace("{vault}", vault);
        let base = Url::parse(&url).map_err(|e| Failure::error(format!("`{url}`: {e}")))?;
        Ok(Api::new(
            ApiKind::KeyVault,
            base,
            &self.https,
            self.token.clone(),
            self.scope.clone(),
            self.attempts,
        ))
    }
}

/// The token scope of the Key Vault data plane of a `--keyvault-url`
/// template: the URL without the vault (`https://{vault}.vault.azure.net`
/// → `https://vault.azure.net/.default`).
pub(crate) fn keyvault_scope(template: &str) -> Result<String, CollectError> {
    if !template.contains("{vault}") {
        return Err(CollectError::Url {
            flag: "keyvault-url",
            url: template.to_string(),
            reason: "expected `{vault}` where the vault's name goes".into(),
        });
    }
    base_url("keyvault-url", &template.replace("{vault}", "vault"))?;
    let bare = template.replace("{vault}.", "").replace("/{vault}", "");
    Ok(format!("{}/.default", bare.trim_end_matches('/')))
}

/// The token scope of an API: its base URL and `/.default`
/// (`https://graph.microsoft.com/.default`).
pub(crate) fn scope(base: &Url) -> String {
    format!("{}/.default", base.as_str().trim_end_matches('/'))
}

impl Api {
    pub(crate) fn new(
        kind: ApiKind,
        base: Url,
        https: &Arc<Https>,
        credential: Arc<dyn TokenCredential>,
        scope: String,
        attempts: u32,
    ) -> Self {
        let options = ClientOptions {
            transport: Some(Transport::new(https.clone())),
            retry: crate::auth::retry(attempts),
            ..Default::default()
        };
        let auth: Arc<dyn Policy> =
            Arc::new(BearerTokenAuthorizationPolicy::new(credential, [scope]));
        let pipeline = Pipeline::new(
            Some(env!("CARGO_PKG_NAME")),
            Some(env!("CARGO_PKG_VERSION")),
            options,
            Vec::new(),
            vec![auth],
            None,
        );
        Self {
            kind,
            base,
            pipeline,
        }
    }

    /// The URL of a path under the base (segments percent-encoded as
    /// needed) with a query.
    pub(crate) fn url(&self, segments: &[&str], query: &str) -> Result<Url, Failure> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|()| Failure::error(format!("`{}` cannot take a path", self.base)))?
            .pop_if_empty()
            .extend(segments);
        url.set_query((!query.is_empty()).then_some(query));
        Ok(url)
    }

    /// Every page from `first` on, merged.
    pub(crate) async fn get(&self, first: Url) -> Result<Value, Failure> {
        let mut url = first;
        let mut seen: HashSet<String> = HashSet::new();
        let mut merged: Option<Map<String, Value>> = None;
        let mut values: Vec<Value> = Vec::new();
        for page in 1..=MAX_PAGES {
            seen.insert(url.as_str().to_string());
            let body = self.send(page, url.clone()).await?;
            let Page { top, value, next } = read_page(page, &body).map_err(Failure::error)?;
            values.extend(value);
            if merged.is_none() {
                merged = Some(top);
            }
            let Some((key, link)) = next else {
                let mut top = merged.unwrap_or_default();
                top.insert("value".into(), Value::Array(values));
                return Ok(Value::Object(top));
            };
            let next = url
                .join(&link)
                .map_err(|e| Failure::error(format!("page {page}: `$.{key}` is not a URL: {e}")))?;
            if next.origin() != self.base.origin() {
                return Err(Failure::error(format!(
                    "page {page}: `$.{key}` leads to `{}`, not `{}`: not followed (the token goes only to the API's own host)",
                    next.origin().ascii_serialization(),
                    self.base.origin().ascii_serialization()
                )));
            }
            if seen.contains(next.as_str()) {
                return Err(Failure::error(format!(
                    "page {page}: `$.{key}` repeats an earlier page: stopped"
                )));
            }
            url = next;
        }
        Err(Failure::error(format!(
            "more than {MAX_PAGES} pages: stopped"
        )))
    }

    /// One object (no list, no pages): the answer of one GET.
    pub(crate) async fn get_one(&self, url: Url) -> Result<Value, Failure> {
        let body = self.send(1, url).await?;
        serde_json::from_slice(&body)
            .map_err(|e| Failure::error(format!("the answer is not JSON ({e})")))
    }

    /// One request: the body of a success, or why not.
    async fn send(&self, page: usize, url: Url) -> Result<Vec<u8>, Failure> {
        let mut req = Request::new(url, Method::Get);
        req.insert_header("accept", "application/json");
        let rsp = self
            .pipeline
            .send(
                &Context::new(),
                &mut req,
                Some(PipelineSendOptions {
                    skip_checks: true,
                    ..Default::default()
                }),
            )
            .await
            .map_err(|e| Failure::error(format!("page {page}: {}", crate::auth::message(&e))))?;
        let status = u16::from(rsp.status());
        if (200..300).contains(&status) {
            return Ok(rsp.body().to_vec());
        }
        Err(http_failure(page, status, rsp.body()))
    }
}

/// One page, read: the object without its next link keys, its `value`, and
/// the next link with the key it came under.
#[derive(Debug)]
pub(crate) struct Page {
    pub top: Map<String, Value>,
    pub value: Vec<Value>,
    pub next: Option<(&'static str, String)>,
}

/// Reads one page; the error names the page and the JSON path.
pub(crate) fn read_page(page: usize, body: &[u8]) -> Result<Page, String> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| format!("page {page}: the answer is not JSON ({e})"))?;
    let Value::Object(mut top) = v else {
        return Err(format!(
            "page {page}: `$`: expected an object, found {}",
            type_name(&v)
        ));
    };
    let mut next = None;
    for key in NEXT_KEYS {
        match top.shift_remove(key) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => {
                if next.is_none() && !s.is_empty() {
                    next = Some((key, s));
                }
            }
            Some(other) => {
                if next.is_none() {
                    return Err(format!(
                        "page {page}: `$.{key}`: expected a URL, found {}",
                        type_name(&other)
                    ));
                }
            }
        }
    }
    let value = match top.get_mut("value") {
        Some(Value::Array(a)) => std::mem::take(a),
        Some(other) => {
            return Err(format!(
                "page {page}: `$.value`: expected an array, found {}",
                type_name(other)
            ));
        }
        None => return Err(format!("page {page}: `$.value`: missing (not a list)")),
    };
    Ok(Page { top, value, next })
}

/// A failed request: 401 and 403 are `access_denied`, 404 `not_found`,
/// anything else `error`. The message is the status and the service's
/// error code and message (Graph and ARM both answer
/// `{"error": {"code", "message"}}`), never the body itself.
pub(crate) fn http_failure(page: usize, status: u16, body: &[u8]) -> Failure {
    let s = match status {
        401 | 403 => Status::AccessDenied,
        404 => Status::NotFound,
        _ => Status::Error,
    };
    let mut message = format!("HTTP {status}");
    if page > 1 {
        message = format!("page {page}: {message}");
    }
    if let Some((code, text)) = service_error(body) {
        message.push_str(": ");
        message.push_str(&code);
        if let Some(t) = text {
            message.push_str(": ");
            message.push_str(&t);
        }
    }
    Failure { status: s, message }
}

/// The `code` and `message` of an error answer (`{"error": {...}}`, or
/// both at the top as some resource providers send), on one line and
/// shortened.
fn service_error(body: &[u8]) -> Option<(String, Option<String>)> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let e = match v.get("error") {
        Some(e @ Value::Object(_)) => e,
        Some(Value::String(code)) => return Some((one_line(code, 100), None)),
        _ => &v,
    };
    let code = e.get("code")?.as_str()?;
    let text = e
        .get("message")
        .and_then(Value::as_str)
        .filter(|m| !m.is_empty())
        .map(|m| one_line(m, 300));
    Some((one_line(code, 100), text))
}

fn one_line(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max {
        return s;
    }
    let mut t: String = s.chars().take(max).collect();
    t.push('…');
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_its_object_without_the_next_link() {
        let p = read_page(
            1,
            br#"{"@odata.context": "c", "@odata.nextLink": "https://g/v1.0/users?$skiptoken=x", "value": [1, 2]}"#,
        )
        .unwrap();
        assert_eq!(p.value, vec![Value::from(1), Value::from(2)]);
        assert_eq!(
            p.next,
            Some((
                "@odata.nextLink",
                "https://g/v1.0/users?$skiptoken=x".to_string()
            ))
        );
        assert_eq!(
            Value::Object(p.top),
            serde_json::json!({"@odata.context": "c", "value": []})
        );
        // ARM's spellings; null or empty is the end.
        let p = read_page(2, br#"{"value": [], "nextLink": null, "@nextLink": "u"}"#).unwrap();
        assert_eq!(p.next, Some(("@nextLink", "u".to_string())));
        let p = read_page(2, br#"{"value": [], "nextLink": ""}"#).unwrap();
        assert_eq!(p.next, None);
        assert!(p.top.get("nextLink").is_none());
    }

    #[test]
    fn bad_pages_name_the_page_and_the_place() {
        let e = read_page(3, b"<html>oops</html>").unwrap_err();
        assert!(
            e.starts_with("page 3: the answer is not JSON (expected value at line 1 column 1"),
            "{e}"
        );
        assert_eq!(
            read_page(1, b"[1]").unwrap_err(),
            "page 1: `$`: expected an object, found an array"
        );
        assert_eq!(
            read_page(1, br#"{"id": "x"}"#).unwrap_err(),
            "page 1: `$.value`: missing (not a list)"
        );
        assert_eq!(
            read_page(2, br#"{"value": {"a": 1}}"#).unwrap_err(),
            "page 2: `$.value`: expected an array, found an object"
        );
        assert_eq!(
            read_page(1, br#"{"value": [], "nextLink": 7}"#).unwrap_err(),
            "page 1: `$.nextLink`: expected a URL, found a number"
        );
    }

    #[test]
    fn failures_are_classified_by_status_and_never_quote_the_body() {
        let f = http_failure(
            1,
            403,
            br#"{"error": {"code": "Authorization_RequestDenied", "message": "Insufficient\nprivileges.", "innerError": {"date": "2026-01-01", "request-id": "r"}}}"#,
        );
        assert_eq!(f.status, Status::AccessDenied);
        assert_eq!(
            f.message,
            "HTTP 403: Authorization_RequestDenied: Insufficient privileges."
        );
        let f = http_failure(2, 404, br#"{"code": "ResourceNotFound", "message": ""}"#);
        assert_eq!(f.status, Status::NotFound);
        assert_eq!(f.message, "page 2: HTTP 404: ResourceNotFound");
        let f = http_failure(1, 500, b"{\"password\": \"s3cr3t\"}");
        assert_eq!(f.status, Status::Error);
        assert_eq!(f.message, "HTTP 500");
        let f = http_failure(1, 401, b"not json s3cr3t");
        assert_eq!(f.status, Status::AccessDenied);
        assert_eq!(f.message, "HTTP 401");
    }

    #[test]
    fn base_urls_are_https_without_a_query() {
        let u = base_url("graph-url", "https://graph.microsoft.com/").unwrap();
        assert_eq!(scope(&u), "https://graph.microsoft.com/.default");
        let u = base_url("graph-url", "https://127.0.0.1:8443/graph").unwrap();
        assert_eq!(scope(&u), "https://127.0.0.1:8443/graph/.default");
        assert_eq!(
            keyvault_scope(crate::KEYVAULT_URL).unwrap(),
            "https://vault.azure.net/.default"
        );
        assert_eq!(
            keyvault_scope("https://127.0.0.1:8443/kv/{vault}").unwrap(),
            "https://127.0.0.1:8443/kv/.default"
        );
        assert!(keyvault_scope("https://vault.azure.net").is_err());
        for bad in [
            "http://graph.microsoft.com",
            "graph.microsoft.com",
            "https://g/?a=1",
        ] {
            let e = base_url("graph-url", bad).unwrap_err().to_string();
            assert!(e.starts_with(&format!("`--graph-url` `{bad}`")), "{e}");
        }
    }
}
