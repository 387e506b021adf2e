//! No code. See `Cargo.toml`: this crate only names dependency features so
//! that the plain workspace build and the live-feature build share their
//! compiled dependencies.
