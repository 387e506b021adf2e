//! The AWS connector's tests: one binary, one fixture builder.
//!
//! Index:
//! - `fixture`: statements, policy documents, negative twins (`Twin`), and
//!   ingest of a raw snapshot built in memory — shared by every module.
//! - `ingest`: `aws iam get-account-authorization-details` output (the
//!   account fixture, bad input, trust, federated subjects).
//! - `methods`: one positive fixture and one negative twin per
//!   privilege-escalation method of `docs/aws-escalation-methods.md`
//!   (families 1–4).
//! - `org`: an organisation read one account at a time.
//! - `existing`: family 5 (existing resources) and the credential
//!   preconditions the credential report and `list-access-keys` decide.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on what it does not expect"
)]

mod batch;
mod boundaries;
mod cognito;
mod conditions;
mod ecs;
mod event_source;
mod existing;
mod fixture;
mod hub;
mod imagebuilder;
mod ingest;
mod kinesisanalytics;
mod methods;
mod org;
mod sso;
