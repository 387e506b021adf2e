//! The vocabulary of blastgraph: nodes, edges, provenance and the [`Estate`]
//! that connectors fill.
//!
//! This crate does no I/O. Connectors parse provider files into raw records,
//! validate each one into a [`Node`] or an [`Edge`] and hand it to an
//! [`EstateBuilder`]. The builder keeps every good record and turns every bad
//! one into a [`Diagnostic`] that names the file, the place in it and what was
//! expected, so that one broken record never loses the rest.
//!
//! Identities and targets share one node type. A node's `class`
//! ([`Class`]) is the normalized kind that analysis reasons about; its `kind`
//! is the provider's own (`aws:role`, `azure:service_principal`, ...).
//! Edges are either *pivots*, which move the attacker to a new identity and
//! are traversed, or *access* and *contains* edges, which end at a target
//! ([`EdgeKind::is_pivot`]).

mod base64;
mod call_status;
#[cfg(feature = "collect")]
pub mod collect;
pub mod credentials;
mod diagnostics;
mod edges;
mod estate;
pub mod ids;
pub mod json;
pub mod layout;
mod provider;
pub mod redact;
mod strings;
mod vocab;

pub use base64::base64_decode;
pub use call_status::CallStatus;
pub use edges::{
    EdgeRow, EdgeTable, Explanations, RowIter, RowStore, Rows, access_byte, access_of_byte,
};
pub use estate::{
    Code, Connector, CredentialHint, Diagnostic, Estate, EstateBuilder, IngestError, InputFile,
    InputRecord, Part, Severity,
};
pub use provider::Provider;
pub use redact::{redact_tag, redact_text};
pub use strings::Interner;
pub use vocab::{AccessLevel, Attributes, Class, Edge, EdgeKind, Node, Provenance, UnknownName};

/// Redacts a secret value: its `Debug` and `Display` never show the content.
///
/// Connectors that must hold a secret for a moment (a token, a client secret
/// read by mistake) wrap it in this type so it cannot reach a log or an
/// export.
#[derive(Clone, PartialEq, Eq)]
pub struct Redacted(String);

impl Redacted {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The secret itself, for the one call that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl std::fmt::Display for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_never_shows_its_value() {
        let r = Redacted::new("hunter2");
        assert_eq!(format!("{r} {r:?}"), "[redacted] [redacted]");
        assert_eq!(r.expose(), "hunter2");
    }
}
