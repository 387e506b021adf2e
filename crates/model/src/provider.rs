//! A provider's descriptor: what the CLI's registry needs to know of it.

use crate::estate::Connector;

/// One input format (usually one provider) as the registry lists it.
///
/// A connector crate exports one `pub static PROVIDER: Provider`; the CLI's
/// list of providers names it in one line, and derives from the list the
/// file detection, the "unrecognised format" message and the `collect`
/// subcommands (the live collector, when there is one, comes from the
/// provider's live crate and is named on the same line).
#[derive(Clone, Copy)]
pub struct Provider {
    /// Short name: the manifest's `format` family, the `collect` subcommand
    /// (`aws`, `azure`, `native`, ...).
    pub name: &'static str,
    /// What files it reads, for the "unrecognised format" message: a
    /// phrase that completes "expected …".
    pub accepts: &'static str,
    /// Where its input format is documented (a path in the repository).
    pub docs: &'static str,
    /// Detection and ingest.
    pub connector: &'static dyn Connector,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("name", &self.name)
            .field("docs", &self.docs)
            .finish_non_exhaustive()
    }
}
