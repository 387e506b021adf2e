//! The collection context: makes calls, writes files, records calls,
//! reports progress.

use std::cell::RefCell;
use std::path::PathBuf;

use futures_util::StreamExt;
use serde_json::Value;

use crate::fetch::{Api, ApiKind, Failure};
use crate::manifest::{self, CallRecord, Status};
use crate::{CollectError, Progress};

/// Requests in flight at once (per-object lists).
pub(crate) const CONCURRENCY: usize = 8;

/// One call to make: a path under the API (`users`,
/// `groups/ID/members`; `subscriptions/S/resourcegroups`), `/`-separated
/// as the layout names it, and the query of its first request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Job {
    pub path: String,
    pub query: String,
}

impl Job {
    pub(crate) fn new(path: impl Into<String>, query: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            query: query.into(),
        }
    }
}

/// Files, calls and progress of one collection. The collection runs on one
/// thread (a current-thread runtime), so interior mutability is plain
/// `RefCell`; borrows are never held across an `.await`.
pub(crate) struct Ctx<'a> {
    out_dir: PathBuf,
    calls: RefCell<Vec<CallRecord>>,
    pub progress: &'a dyn Progress,
}

/// The API's name in the manifest and the progress bar, the path prefix of
/// its files and of its requests.
fn names(
    kind: ApiKind,
) -> (
    manifest::Api,
    &'static str,
    &'static str,
    &'static [&'static str],
) {
    match kind {
        ApiKind::Graph => (manifest::Api::Graph, "graph", "graph/v1.0/", &["v1.0"]),
        ApiKind::Arm => (manifest::Api::Arm, "arm", "arm/", &[]),
        ApiKind::KeyVault => (manifest::Api::KeyVault, "keyvault", "keyvault/", &[]),
    }
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(out_dir: PathBuf, progress: &'a dyn Progress) -> Self {
        Self {
            out_dir,
            calls: RefCell::new(Vec::new()),
            progress,
        }
    }

    pub(crate) fn into_calls(self) -> Vec<CallRecord> {
        self.calls.into_inner()
    }

    /// Writes one file of the layout (`rel` is `/`-separated, relative to
    /// the output folder).
    pub(crate) fn write(&self, rel: &str, v: &Value) -> Result<(), CollectError> {
        blastgraph_model::collect::write_layout_file(
            &self.out_dir,
            rel,
            &blastgraph_model::collect::pretty_json(v),
        )
        .map_err(|(path, source)| CollectError::Write { path, source })
    }

    /// Makes one call (every page), writes its file and returns the merged
    /// answer; a call that fails is recorded and gives `None`.
    pub(crate) async fn call(&self, api: &Api, job: Job) -> Result<Option<Value>, CollectError> {
        let (name, progress_name, file_prefix, url_prefix) = names(api.kind);
        let record_path = match api.kind {
            ApiKind::Graph => format!("v1.0/{}", job.path),
            ApiKind::Arm | ApiKind::KeyVault => job.path.clone(),
        };
        self.progress.call_started(progress_name, &job.path);
        let mut rec = CallRecord {
            api: name,
            path: record_path,
            query: job.query.clone(),
            file: None,
            status: Status::Ok,
            message: None,
        };
        let result = match safe_segments(&job.path) {
            Some(segments) => {
                let all: Vec<&str> = url_prefix.iter().copied().chain(segments).collect();
                match api.url(&all, &job.query) {
                    Ok(url) => api.get(url).await,
                    Err(f) => Err(f),
                }
            }
            None => Err(Failure {
                status: Status::Error,
                message: "the path has an empty, `.`, `..` or unsafe segment: not called".into(),
            }),
        };
        let out = match result {
            Ok(v) => {
                let rel = format!("{file_prefix}{}.json", job.path);
                self.write(&rel, &v)?;
                rec.file = Some(rel);
                Some(v)
            }
            Err(f) => self.failed(&mut rec, f),
        };
        self.done(rec);
        Ok(out)
    }

    /// Reads one secret's value from a vault's data plane
    /// (`--inspect-secret-values`), in memory: the call is recorded (as
    /// `VAULT/secrets/NAME`), no file is written.
    pub(crate) async fn read_value(
        &self,
        api: &Result<Api, Failure>,
        vault: &str,
        name: &str,
    ) -> Option<Value> {
        let path = format!("{vault}/secrets/{name}");
        self.progress.call_started("keyvault", &path);
        let query = "api-version=7.4";
        let result = match api {
            Ok(api) => match api.url(&["secrets", name], query) {
                Ok(url) => api.get_one(url).await,
                Err(f) => Err(f),
            },
            Err(f) => Err(f.clone()),
        };
        let mut rec = CallRecord {
            api: manifest::Api::KeyVault,
            path,
            query: query.into(),
            file: None,
            status: Status::Ok,
            message: None,
        };
        let out = match result {
            Ok(v) => Some(v),
            Err(f) => self.failed(&mut rec, f),
        };
        self.done(rec);
        out
    }

    /// Marks a call's record with why it failed; nothing to return.
    fn failed(&self, rec: &mut CallRecord, f: Failure) -> Option<Value> {
        rec.status = f.status;
        rec.message = Some(f.message);
        None
    }

    /// A call ends: its record is kept, the progress told.
    fn done(&self, rec: CallRecord) {
        self.progress.call_done();
        self.calls.borrow_mut().push(rec);
    }

    /// Makes calls [`CONCURRENCY`] at a time; the answers in the jobs' order.
    pub(crate) async fn all(
        &self,
        api: &Api,
        jobs: Vec<Job>,
    ) -> Result<Vec<Option<Value>>, CollectError> {
        let results: Vec<Result<Option<Value>, CollectError>> = futures_util::stream::iter(jobs)
            .map(|job| self.call(api, job))
            .buffered(CONCURRENCY)
            .collect()
            .await;
        results.into_iter().collect()
    }

    /// Records a call that was not made, and why (an id that cannot name a
    /// path).
    pub(crate) fn skipped(&self, kind: ApiKind, path: &str, message: String) {
        let (name, _, _, _) = names(kind);
        let path = match kind {
            ApiKind::Graph => format!("v1.0/{path}"),
            ApiKind::Arm | ApiKind::KeyVault => path.to_string(),
        };
        self.calls.borrow_mut().push(CallRecord {
            api: name,
            path,
            query: String::new(),
            file: None,
            status: Status::Error,
            message: Some(message),
        });
    }
}

/// The segments of a path, if every one can name a folder or file: not
/// empty, not `.` or `..`, no control character, no `\`, `?`, `#` or `%`.
pub(crate) fn safe_segments(path: &str) -> Option<Vec<&str>> {
    let segments: Vec<&str> = path.split('/').collect();
    segments
        .iter()
        .all(|s| is_safe_segment(s))
        .then_some(segments)
}

/// Whether one segment can name a folder or file (see [`safe_segments`]).
pub(crate) fn is_safe_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && !s
            .chars()
            .any(|c| c.is_control() || matches!(c, '\\' | '?' | '#' | '%' | '/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_safe_paths_name_files() {
        assert_eq!(
            safe_segments("groups/a0000065-0000/members"),
            Some(vec!["groups", "a0000065-0000", "members"])
        );
        assert!(safe_segments("subscriptions/s/resourceGroups/rg (prod)/providers").is_some());
        for bad in [
            "groups/../members",
            "groups//members",
            "groups/./members",
            "groups/a?b/members",
            "groups/a%2F/members",
            "groups/a\\b/members",
            "groups/a\nb/members",
        ] {
            assert_eq!(safe_segments(bad), None, "{bad}");
        }
    }
}
