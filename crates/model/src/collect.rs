//! Live collection: what a provider's collector offers the command line.
//!
//! A provider that can collect live implements [`Collector`] in its live
//! crate (behind that crate's feature, so the SDKs stay out of the default
//! build). The CLI's provider registry turns each collector into a
//! `blastgraph collect <provider>` subcommand: the arguments are the
//! collector's own ([`Collector::command`]), the CLI adds `--quiet` and the
//! progress bar. A collector writes the provider's raw snapshot layout and
//! returns a summary for the user; it never prints.

/// Progress of a collection, for a progress bar (the library never prints).
pub trait Progress {
    /// A stage begins (`111122223333 us-east-1`, `tenant contoso`, ...).
    fn stage(&self, _what: &str) {}
    /// A call is about to be made.
    fn call_started(&self, _service: &str, _operation: &str) {}
    /// A call is done (whatever its outcome).
    fn call_done(&self) {}
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;
impl Progress for NoProgress {}

/// Why a collection stopped (a failed call does not stop it: collectors
/// record those in their manifest).
pub type CollectError = Box<dyn std::error::Error + Send + Sync>;

/// A provider's live collector.
pub trait Collector: Sync {
    /// The `collect <provider>` subcommand: named after the provider, with
    /// the collector's arguments (credentials, scope, `-o DIR`).
    fn command(&self) -> clap::Command;

    /// Collects with the arguments parsed by [`Collector::command`]; `tool`
    /// is the collecting program and version, for the manifest. Returns the
    /// summary to show the user.
    fn collect(
        &self,
        args: &clap::ArgMatches,
        tool: &str,
        progress: &dyn Progress,
    ) -> Result<String, CollectError>;
}

/// Writes one file of a raw layout: `rel` is `/`-separated, relative to
/// `out_dir`; missing folders are made. On failure, the file or folder
/// that could not be written, and why.
pub fn write_layout_file(
    out_dir: &std::path::Path,
    rel: &str,
    bytes: &[u8],
) -> Result<(), (std::path::PathBuf, std::io::Error)> {
    let path = rel
        .split('/')
        .fold(out_dir.to_path_buf(), |p, part| p.join(part));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| (dir.to_path_buf(), e))?;
    }
    std::fs::write(&path, bytes).map_err(|e| (path, e))
}

/// The lines of a collection summary that count its calls by
/// [`CallStatus`](crate::CallStatus) (`not_found` says what a miss means to
/// that provider), and point at `collection.json` in `dir` when some were
/// denied or failed.
pub fn calls_summary(
    statuses: impl IntoIterator<Item = crate::CallStatus>,
    not_found: &str,
    dir: &std::path::Path,
) -> String {
    use crate::CallStatus;
    let (mut all, mut ok, mut missing, mut denied, mut failed) = (0, 0, 0, 0, 0);
    for s in statuses {
        all += 1;
        match s {
            CallStatus::Ok => ok += 1,
            CallStatus::NotFound => missing += 1,
            CallStatus::AccessDenied => denied += 1,
            CallStatus::Error => failed += 1,
        }
    }
    let mut s =
        format!("{all} calls: {ok} ok, {missing} {not_found}, {denied} denied, {failed} failed\n");
    if denied + failed > 0 {
        s.push_str(&format!(
            "the denied and failed calls, with their messages, are in {}\n",
            dir.join("collection.json").display()
        ));
    }
    s
}
