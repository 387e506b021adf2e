//! What the live collectors over plain HTTP share (Vault, Kubernetes,
//! GitHub, Google Workspace, Slack): the client (ureq over rustls with
//! ring, Mozilla's roots or a given CA), bounded bodies, JSON
//! GETs whose errors name the status and never the token, and [`Token`],
//! whose `Debug` hides it. Only the live crates depend on it, under their
//! `live` features, which turn on its `http` feature.

#[cfg(feature = "http")]
mod http;

#[cfg(feature = "http")]
pub use http::*;
