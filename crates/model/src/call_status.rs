//! What came of one call of a live collection, as every provider's
//! `collection.json` records it (`calls[].status`).

use serde::{Deserialize, Serialize};

/// What came of one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallStatus {
    /// The call succeeded (its file, if the layout has one, was written).
    Ok,
    /// The caller may not make this call (AWS `AccessDenied` and kin;
    /// HTTP 401 or 403).
    AccessDenied,
    /// The thing asked for does not exist (AWS `NoSuchBucketPolicy` and
    /// kin; HTTP 404); nothing is written.
    NotFound,
    /// Any other failure: throttled past every retry, a service not
    /// offered, a network error, an answer that cannot be read, ...
    Error,
}

impl CallStatus {
    /// What an HTTP status says of a call: 2xx ok, 404 not found, 401 and
    /// 403 denied, anything else an error.
    pub fn of_http(status: u16) -> CallStatus {
        match status {
            200..=299 => CallStatus::Ok,
            404 => CallStatus::NotFound,
            401 | 403 => CallStatus::AccessDenied,
            _ => CallStatus::Error,
        }
    }
}
