//! `collection.json`: what was called, and what came of each call.

use serde::{Deserialize, Serialize};

/// The `format` value of `collection.json` (the Azure connector claims the
/// file by it, and skips it).
pub const FORMAT: &str = blastgraph_connector_azure::COLLECTION_FORMAT;
/// The `version` value of `collection.json`.
pub const VERSION: u32 = 1;

/// `collection.json` (docs/azure-live.md). One field holds a time,
/// `collected_at`; otherwise the same tenant collected twice gives the same
/// file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionManifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`].
    pub version: u32,
    /// The collecting tool and its version, e.g. `blastgraph 0.1.0`.
    pub tool: String,
    /// The kind of credential used (`client-secret`, `developer-tools`, ...).
    pub credential: String,
    /// The tenant id (Graph's `organization`; else `--tenant`).
    pub tenant: Option<String>,
    /// The subscriptions whose ARM calls were made, in order.
    pub subscriptions: Vec<String>,
    /// Every call, sorted by API and path.
    pub calls: Vec<CallRecord>,
    /// When the collection started, `2026-12-04T23:01:55Z`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<String>,
}

/// Which API a call went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Api {
    /// Microsoft Graph (`graph/v1.0/…` files).
    Graph,
    /// Azure Resource Manager (`arm/…` files).
    Arm,
    /// A Key Vault's data plane (`--inspect-secret-values` only: secret
    /// values, read in memory, no file).
    #[serde(rename = "keyvault")]
    KeyVault,
}

/// What came of one call (shared by every provider's collection).
pub use blastgraph_model::CallStatus as Status;

/// One call of the collection (all of its pages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallRecord {
    /// `graph` or `arm`.
    pub api: Api,
    /// The path under the API's base URL: `v1.0/users`,
    /// `subscriptions/S/providers/Microsoft.KeyVault/vaults`.
    pub path: String,
    /// The query of the first request: `$select=…`, `api-version=…`.
    pub query: String,
    /// The file written, relative to the output folder, `/`-separated.
    pub file: Option<String>,
    /// What came of it.
    pub status: Status,
    /// The HTTP status and the service's error code and message, or what
    /// was wrong with the answer, for a call that did not succeed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl CollectionManifest {
    /// Calls with a given status.
    pub fn count(&self, status: Status) -> usize {
        self.calls.iter().filter(|c| c.status == status).count()
    }

    /// Files written (calls that succeeded).
    pub fn files_written(&self) -> usize {
        self.calls
            .iter()
            .filter(|c| c.status == Status::Ok && c.file.is_some())
            .count()
    }
}

/// `2026-12-04T23:01:55Z` for a moment (UTC, whole seconds).
pub(crate) fn timestamp(at: std::time::SystemTime) -> String {
    let secs = match at.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(_) => 0,
    };
    let t = azure_core::time::OffsetDateTime::from_unix_timestamp(secs)
        .unwrap_or(azure_core::time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_seconds() {
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_796_425_315_900);
        assert_eq!(timestamp(at), "2026-12-04T23:01:55Z");
    }

    #[test]
    fn manifest_serializes_like_the_docs() {
        let m = CollectionManifest {
            format: FORMAT.into(),
            version: VERSION,
            tool: "blastgraph 0.1.0".into(),
            credential: "client-secret".into(),
            tenant: Some("t".into()),
            subscriptions: vec!["s".into()],
            calls: vec![CallRecord {
                api: Api::Graph,
                path: "v1.0/groups/g/owners".into(),
                query: "$select=id".into(),
                file: None,
                status: Status::AccessDenied,
                message: Some("HTTP 403: Authorization_RequestDenied: no".into()),
            }],
            collected_at: None,
        };
        let v = serde_json::to_value(&m).unwrap_or_default();
        assert_eq!(v["format"], "blastgraph-azure-collection");
        assert_eq!(v["calls"][0]["api"], "graph");
        assert_eq!(v["calls"][0]["status"], "access_denied");
        assert_eq!(v["calls"][0]["file"], serde_json::Value::Null);
        assert!(v.get("collected_at").is_none());
        let back: CollectionManifest = serde_json::from_value(v).unwrap_or_else(|_| m.clone());
        assert_eq!(back, m);
    }
}
