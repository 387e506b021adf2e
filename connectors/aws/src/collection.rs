//! `collection.json`: what was called, and what came of each call. The
//! type is shared by the collector (`blastgraph-connector-aws-live`), which
//! writes it, and this crate, which reads its format marker.

use serde::{Deserialize, Serialize};

/// The `format` value of `collection.json`.
pub const FORMAT: &str = "blastgraph-aws-collection";
/// The `version` value of `collection.json`.
pub const VERSION: u32 = 1;

/// `collection.json` (docs/aws-raw-layout.md). One timestamp, when the
/// collection started: time-conditioned policies (`aws:CurrentTime`,
/// `aws:TokenIssueTime`) are decided against it. Otherwise the same estate
/// collected twice gives the same file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionManifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`].
    pub version: u32,
    /// The collecting tool and its version, e.g. `blastgraph 0.1.0`.
    pub tool: String,
    /// Account ids collected, sorted.
    pub accounts: Vec<String>,
    /// Regions collected, in the order given.
    pub regions: Vec<String>,
    /// Every call, sorted by account, region, service, operation and target.
    pub calls: Vec<CallRecord>,
    /// When the collection started, `2026-12-04T23:01:55Z` (absent in
    /// manifests written before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<String>,
}

/// `2026-12-04T23:01:55Z` for a moment, as [`CollectionManifest::collected_at`] holds it.
pub fn timestamp(at: std::time::SystemTime) -> String {
    let millis = match at.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    };
    blastgraph_policy::RequestTime::exact(millis)
        .iso()
        .to_owned()
}

/// What came of one call (shared by every provider's collection).
pub use blastgraph_model::CallStatus as Status;

/// One call of the collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallRecord {
    /// The account it was made in.
    pub account: String,
    /// The region, or `global` for IAM, S3's bucket list and Organizations.
    pub region: String,
    /// The service as the CLI names it (`iam`, `bedrock-agent`, ...).
    pub service: String,
    /// The operation as the CLI names it (`get-key-policy`, ...).
    pub operation: String,
    /// The resource the call was about, if any.
    pub target: Option<String>,
    /// The file written, relative to the output folder, `/`-separated.
    pub file: Option<String>,
    /// What came of it.
    pub status: Status,
    /// The error code and message, for a call that did not succeed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl CollectionManifest {
    /// Calls with a given status.
    pub fn count(&self, status: Status) -> usize {
        self.calls.iter().filter(|c| c.status == status).count()
    }

    /// Files written (calls that succeeded and have a file).
    pub fn files_written(&self) -> usize {
        self.calls
            .iter()
            .filter(|c| c.status == Status::Ok && c.file.is_some())
            .count()
    }
}

/// How an AWS error code is recorded. Codes are matched by family, since
/// services spell them differently (`AccessDenied`, `AccessDeniedException`,
/// `UnauthorizedOperation`, `AuthorizationError`, `NoSuchBucketPolicy`,
/// `NoSuchEntity`, `ResourceNotFoundException`,
/// `AWS.SimpleQueueService.NonExistentQueue`, ...).
pub fn classify_code(code: &str) -> Status {
    let c = code.to_ascii_lowercase();
    if c.contains("accessdenied")
        || c.starts_with("unauthorized")
        || c.starts_with("authorizationerror")
        || c == "forbidden"
        || c == "accessdeniedfault"
    {
        Status::AccessDenied
    } else if c.contains("notfound")
        || c.starts_with("nosuch")
        || c.contains("nonexistent")
        || c.contains("doesnotexist")
        || c == "awsorganizationsnotinuseexception"
        || c == "reportnotpresent"
    {
        Status::NotFound
    } else {
        Status::Error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_classified_by_family() {
        for c in [
            "AccessDenied",
            "AccessDeniedException",
            "UnauthorizedOperation",
            "UnauthorizedException",
            "AuthorizationError",
            "Forbidden",
        ] {
            assert_eq!(classify_code(c), Status::AccessDenied, "{c}");
        }
        for c in [
            "NoSuchBucketPolicy",
            "NoSuchEntity",
            "ResourceNotFoundException",
            "NotFoundException",
            "AWS.SimpleQueueService.NonExistentQueue",
            "QueueDoesNotExist",
            "AWSOrganizationsNotInUseException",
            "ReportNotPresent",
        ] {
            assert_eq!(classify_code(c), Status::NotFound, "{c}");
        }
        for c in [
            "ThrottlingException",
            "InvalidClientTokenId",
            "UnrecognizedClientException",
            "InternalFailure",
        ] {
            assert_eq!(classify_code(c), Status::Error, "{c}");
        }
    }

    #[test]
    fn manifest_serializes_like_the_layout() {
        let m = CollectionManifest {
            format: FORMAT.into(),
            version: VERSION,
            tool: "blastgraph 0.1.0".into(),
            accounts: vec!["111122223333".into()],
            regions: vec!["us-east-1".into()],
            calls: vec![
                CallRecord {
                    account: "111122223333".into(),
                    region: "us-east-1".into(),
                    service: "kms".into(),
                    operation: "get-key-policy".into(),
                    target: Some("k".into()),
                    file: Some("111122223333/us-east-1/kms/get-key-policy/k.json".into()),
                    status: Status::Ok,
                    message: None,
                },
                CallRecord {
                    account: "111122223333".into(),
                    region: "us-east-1".into(),
                    service: "sagemaker".into(),
                    operation: "list-endpoints".into(),
                    target: None,
                    file: None,
                    status: Status::AccessDenied,
                    message: Some("AccessDeniedException: no".into()),
                },
            ],
            collected_at: Some(timestamp(
                std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_796_425_315),
            )),
        };
        let v = serde_json::to_value(&m).unwrap_or_default();
        assert_eq!(v["collected_at"], "2026-12-04T23:01:55Z");
        assert_eq!(v["calls"][0]["status"], "ok");
        assert_eq!(v["calls"][0].get("message"), None);
        assert_eq!(v["calls"][1]["status"], "access_denied");
        assert_eq!(v["calls"][1]["target"], serde_json::Value::Null);
        assert_eq!(v["calls"][1]["file"], serde_json::Value::Null);
        let back: CollectionManifest = serde_json::from_value(v).unwrap_or_else(|_| m.clone());
        assert_eq!(back, m);
    }
}
