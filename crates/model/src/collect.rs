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
