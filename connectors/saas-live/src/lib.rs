//! Google Workspace and Slack live collection: `blastgraph collect google`
//! and `blastgraph collect slack` call the providers' admin APIs and write
//! the layouts of docs/saas-oauth.md, pages merged.
//!
//! - Google: Directory API `users.list` (`customer=my_customer`) and
//!   `tokens.list` for each user, with an admin's OAuth access token from
//!   `GOOGLE_ACCESS_TOKEN` (e.g. `gcloud auth print-access-token` with the
//!   `admin.directory.user.security` and `admin.directory.user.readonly`
//!   scopes).
//! - Slack: `admin.apps.approved.list` with an org admin's user token
//!   (`admin.apps:read`) from `SLACK_TOKEN`, cursor pages merged.
//!
//! Tokens come from the environment only, and are never written, printed
//! or put in an error. `--api-url` points at a test server.
//!
//! Everything here is behind the `live` feature (the CLI's `live-saas`).

#[cfg(feature = "live")]
mod collect;

#[cfg(feature = "live")]
pub use collect::{GOOGLE, GoogleCollector, Outcome, SLACK, SlackCollector, google, slack};
