//! Stable codes of input diagnostics, one per situation
//! (`docs/diagnostics.md` documents each).
//!
//! A code is what scripts and notebooks match on (the manifest's
//! `diagnostics[].code`); the message is for people and may be reworded.
//! Codes are never renamed or reused.

use serde::{Deserialize, Serialize};

/// What kind of problem a diagnostic reports.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    // Errors: the file or the record was skipped.
    /// The file is empty or blank.
    EmptyFile,
    /// The file is not well-formed JSON.
    MalformedJson,
    /// No provider reads the file.
    UnrecognisedFormat,
    /// More than one provider claims the file.
    ClaimedTwice,
    /// The path could not be read (broken link, loop, FIFO, permission).
    UnreadablePath,
    /// A key given twice in one JSON object: its record (or file) is skipped.
    DuplicateKey,
    /// The file's top level is not what its format needs.
    FileShape,
    /// A record is missing a required field or has one of the wrong type.
    #[default]
    BadRecord,
    /// A class, kind, edge kind or access level that the vocabulary lacks.
    UnknownName,
    /// A second node with the same id in one input.
    DuplicateId,
    /// An edge whose end is no node of any input.
    DanglingEdge,
    /// A policy document that cannot be read as one.
    NotAPolicy,

    // Warnings: the record was kept; something in it was ignored.
    /// Something in a kept record was ignored (a value of the wrong type, a
    /// malformed optional field).
    Ignored,
    /// A field the format does not define.
    UnknownField,
    /// A version-control folder, skipped on purpose.
    SkippedPath,
    /// One page of a paginated call: items on other pages are missing.
    IncompletePage,
    /// Something the snapshot does not hold (a denied or failed call, an
    /// inventory not collected, no Organizations data): what it would list
    /// is missing from the graph, and answers may over- or under-approximate.
    NotCollected,
    /// A reference to something that is not in the inputs (a group, a
    /// managed policy, a boundary, a domain).
    UnresolvedReference,
    /// A file in a provider's layout that the layout does not define.
    NotInLayout,
    /// An edge to its own start.
    SelfLoop,
    /// An access level on an edge kind that has none.
    AccessLevelIgnored,
}

impl Code {
    /// The code as it is written (`duplicate-key`).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::EmptyFile => "empty-file",
            Code::MalformedJson => "malformed-json",
            Code::UnrecognisedFormat => "unrecognised-format",
            Code::ClaimedTwice => "claimed-twice",
            Code::UnreadablePath => "unreadable-path",
            Code::DuplicateKey => "duplicate-key",
            Code::FileShape => "file-shape",
            Code::BadRecord => "bad-record",
            Code::UnknownName => "unknown-name",
            Code::DuplicateId => "duplicate-id",
            Code::DanglingEdge => "dangling-edge",
            Code::NotAPolicy => "not-a-policy",
            Code::Ignored => "ignored",
            Code::UnknownField => "unknown-field",
            Code::SkippedPath => "skipped-path",
            Code::IncompletePage => "incomplete-page",
            Code::NotCollected => "not-collected",
            Code::UnresolvedReference => "unresolved-reference",
            Code::NotInLayout => "not-in-layout",
            Code::SelfLoop => "self-loop",
            Code::AccessLevelIgnored => "access-level-ignored",
        }
    }

    /// Every code, in documentation order.
    pub const ALL: [Code; 21] = [
        Code::EmptyFile,
        Code::MalformedJson,
        Code::UnrecognisedFormat,
        Code::ClaimedTwice,
        Code::UnreadablePath,
        Code::DuplicateKey,
        Code::FileShape,
        Code::BadRecord,
        Code::UnknownName,
        Code::DuplicateId,
        Code::DanglingEdge,
        Code::NotAPolicy,
        Code::Ignored,
        Code::UnknownField,
        Code::SkippedPath,
        Code::IncompletePage,
        Code::NotCollected,
        Code::UnresolvedReference,
        Code::NotInLayout,
        Code::SelfLoop,
        Code::AccessLevelIgnored,
    ];
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_written_as_serde_writes_them_and_every_one_is_documented() {
        let doc = include_str!("../../../docs/diagnostics.md");
        for c in Code::ALL {
            let json = serde_json::to_string(&c).unwrap_or_default();
            assert_eq!(json, format!("\"{c}\""));
            assert!(
                doc.contains(&format!("| `{c}` |")),
                "`{c}` is not in docs/diagnostics.md"
            );
        }
    }
}
