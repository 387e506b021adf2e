//! GitHub live collection: `blastgraph collect github --org ORG -o DIR`
//! calls GitHub's REST API and writes the GitHub raw layout of
//! `docs/github-raw-layout.md`, the calls of
//! `connectors/github/gh-snapshot.sh`, pages merged (`Link: rel="next"`).
//!
//! The token comes from `GH_TOKEN` or `GITHUB_TOKEN` (never a flag, which
//! `ps` would show) and is never written, printed or put in an error.
//! `--api-url` (or `GH_API_URL`) points at GitHub Enterprise Server or a
//! test server. A refused or missing call leaves no file and is counted;
//! the collection stops only when the token is missing, GitHub cannot be
//! reached at all, or a file cannot be written.
//!
//! Everything here is behind the `live` feature (the CLI's `live-github`).

#[cfg(feature = "live")]
mod collect;

#[cfg(feature = "live")]
pub use collect::{COLLECTOR, GithubCollector, Options, Outcome, collect, summary};
