//! The collection context: writes files, records calls, reports progress.

use std::cell::RefCell;
use std::future::Future;
use std::path::PathBuf;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde_json::Value;

use crate::json::pretty;
use crate::manifest::{CallRecord, Status, classify_code};
use crate::{CollectError, Progress};

/// Where a call is made: an account and a region (`global` for global APIs).
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub account: String,
    pub region: String,
}

/// Files, calls and progress of one collection. The collection runs on one
/// thread (a current-thread runtime), so interior mutability is plain
/// `RefCell`; borrows are never held across an `.await`.
pub(crate) struct Ctx<'a> {
    out_dir: PathBuf,
    calls: RefCell<Vec<CallRecord>>,
    progress: &'a dyn Progress,
    /// `--inspect-secret-values`.
    pub inspect: bool,
}

/// The outcome of one call as the collector sees it.
pub(crate) type Outcome<T> = Result<Option<T>, CollectError>;

impl<'a> Ctx<'a> {
    pub(crate) fn new(out_dir: PathBuf, progress: &'a dyn Progress, inspect: bool) -> Self {
        Self {
            out_dir,
            calls: RefCell::new(Vec::new()),
            progress,
            inspect,
        }
    }

    /// Writes what the values read held (`--inspect-secret-values`) to
    /// `rel`, and records it as the call of `service`'s values.
    pub(crate) fn write_inspected(
        &self,
        scope: &Scope,
        service: &str,
        rel: String,
        inspected: Vec<blastgraph_model::credentials::InspectedSecret>,
    ) -> Result<(), CollectError> {
        self.write(
            &rel,
            &blastgraph_model::credentials::InspectedFile::json(inspected),
        )?;
        self.progress.call_started(service, "blastgraph-inspected");
        self.ok(scope, service, "blastgraph-inspected", None, rel);
        Ok(())
    }

    pub(crate) fn into_calls(self) -> Vec<CallRecord> {
        self.calls.into_inner()
    }

    /// Writes one file of the layout (`rel` is `/`-separated, relative to
    /// the output folder).
    pub(crate) fn write(&self, rel: &str, v: &Value) -> Result<(), CollectError> {
        blastgraph_model::collect::write_layout_file(&self.out_dir, rel, &pretty(v))
            .map_err(|(path, source)| CollectError::Write { path, source })
    }

    fn push(&self, rec: CallRecord) {
        self.progress.call_done();
        self.calls.borrow_mut().push(rec);
    }

    /// Makes one call: on success converts the output, writes it to `file`
    /// (when the layout has a file for it) and returns the output for the
    /// calls that follow from it; on failure records why and returns `None`.
    #[expect(
        clippy::too_many_arguments,
        reason = "one call site per layout file reads best with the call's parts named in order"
    )]
    pub(crate) async fn call<T, E, F>(
        &self,
        scope: &Scope,
        service: &str,
        operation: &str,
        target: Option<&str>,
        file: Option<String>,
        fut: F,
        convert: impl FnOnce(&T) -> Value,
    ) -> Outcome<T>
    where
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.progress.call_started(service, operation);
        let result = fut.await;
        let mut rec = record(scope, service, operation, target);
        match result {
            Ok(out) => {
                if let Some(rel) = file {
                    self.write(&rel, &convert(&out))?;
                    rec.file = Some(rel);
                }
                self.push(rec);
                Ok(Some(out))
            }
            Err(e) => {
                let (status, message) = classify(&e);
                rec.status = status;
                rec.message = Some(message);
                self.push(rec);
                Ok(None)
            }
        }
    }

    /// Records a call made outside [`Ctx::call`] (several requests merged
    /// into one file) whose file was written.
    pub(crate) fn ok(
        &self,
        scope: &Scope,
        service: &str,
        operation: &str,
        target: Option<&str>,
        file: String,
    ) {
        self.push(CallRecord {
            file: Some(file),
            ..record(scope, service, operation, target)
        });
    }

    /// Records a call made outside [`Ctx::call`] that writes no file.
    pub(crate) fn ok_without_file(&self, scope: &Scope, service: &str, operation: &str) {
        self.progress.call_started(service, operation);
        self.push(record(scope, service, operation, None));
    }

    /// Records a call that could not be made, or failed outside the SDK.
    pub(crate) fn fail(
        &self,
        scope: &Scope,
        service: &str,
        operation: &str,
        target: Option<&str>,
        status: Status,
        message: String,
    ) {
        self.push(CallRecord {
            status,
            message: Some(message),
            ..record(scope, service, operation, target)
        });
    }
}

/// The status and message of a failed call: a service error by its code
/// ([`classify_code`]); an answer without a readable code by its HTTP
/// status (401 and 403 `access_denied`, 404 `not_found`); anything else (a
/// connection failure, a timeout, an answer the SDK could not read) as
/// `error`. The message is the code and message, or the HTTP status and the
/// chain of error messages. Never the raw response: its body could carry what the call was
/// not meant to collect, and its headers (dates, request ids) would make
/// two collections of the same estate differ.
pub(crate) fn classify<E>(e: &SdkError<E, HttpResponse>) -> (Status, String)
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    if let SdkError::ServiceError(se) = e
        && let Some(code) = se.err().code()
    {
        let message = match se.err().message() {
            Some(m) if !m.is_empty() => format!("{code}: {m}"),
            _ => code.to_string(),
        };
        return (classify_code(code), message);
    }
    let mut parts: Vec<String> = Vec::new();
    let mut status = Status::Error;
    if let Some(raw) = e.raw_response() {
        let http = raw.status().as_u16();
        // No code to go by (moto, for one, answers a denied JSON-protocol
        // call with an XML body): the HTTP status says enough.
        status = match http {
            401 | 403 => Status::AccessDenied,
            404 => Status::NotFound,
            _ => Status::Error,
        };
        parts.push(format!("HTTP {http}"));
    }
    match e {
        SdkError::ServiceError(se) => chain(se.err(), &mut parts),
        other => chain(other, &mut parts),
    }
    (status, parts.join(": "))
}

/// The messages of an error and its sources, without repeats.
pub(crate) fn chain(e: &dyn std::error::Error, parts: &mut Vec<String>) {
    let mut cur: Option<&dyn std::error::Error> = Some(e);
    while let Some(x) = cur {
        let m = x.to_string();
        if !m.is_empty() && !parts.iter().any(|p| p.contains(&m)) {
            parts.push(m);
        }
        cur = x.source();
    }
}

/// The record of a call in `scope`: no file yet, status `ok`.
fn record(scope: &Scope, service: &str, operation: &str, target: Option<&str>) -> CallRecord {
    CallRecord {
        account: scope.account.clone(),
        region: scope.region.clone(),
        service: service.to_string(),
        operation: operation.to_string(),
        target: target.map(str::to_string),
        file: None,
        status: Status::Ok,
        message: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_kms::operation::get_key_policy::GetKeyPolicyError;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    fn service_error(
        status: u16,
        code: Option<&str>,
        body: &str,
    ) -> SdkError<GetKeyPolicyError, HttpResponse> {
        let mut meta = ErrorMetadata::builder().message("not for you");
        if let Some(c) = code {
            meta = meta.code(c);
        }
        let status = StatusCode::try_from(status).unwrap();
        SdkError::service_error(
            GetKeyPolicyError::generic(meta.build()),
            HttpResponse::new(status, SdkBody::from(body)),
        )
    }

    #[test]
    fn service_errors_are_classified_by_code() {
        let (status, message) = classify(&service_error(400, Some("AccessDeniedException"), ""));
        assert_eq!(status, Status::AccessDenied);
        assert_eq!(message, "AccessDeniedException: not for you");
        let (status, _) = classify(&service_error(404, Some("NotFoundException"), ""));
        assert_eq!(status, Status::NotFound);
    }

    #[test]
    fn unreadable_answers_never_quote_the_body() {
        let (status, message) =
            classify(&service_error(500, None, "{\"Environment\": \"s3cr3t\"}"));
        assert_eq!(status, Status::Error);
        assert!(message.starts_with("HTTP 500"), "{message}");
        assert!(!message.contains("s3cr3t"), "{message}");
        let (status, message) = classify(&service_error(403, None, "<Error>denied</Error>"));
        assert_eq!(status, Status::AccessDenied);
        assert!(message.starts_with("HTTP 403"), "{message}");
    }
}
