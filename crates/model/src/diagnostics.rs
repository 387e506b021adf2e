//! Stable codes of input diagnostics, one per situation
//! (`docs/diagnostics.md` documents each).
//!
//! A code is what scripts and notebooks match on (the manifest's
//! `diagnostics[].code`); the message is for people and may be reworded.
//! Codes are never renamed or reused.

use serde::{Deserialize, Serialize};

/// Defines [`Code`], its written form (the serde name) and [`Code::ALL`]
/// from one list, so the three cannot disagree.
macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $text:literal,)*) => {
        /// What kind of problem a diagnostic reports.
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
        )]
        pub enum Code {
            $($(#[$doc])* #[serde(rename = $text)] $name,)*
        }

        impl Code {
            /// The code as it is written (`duplicate-key`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => $text,)*
                }
            }

            /// Every code, in documentation order.
            pub const ALL: &[Code] = &[$(Code::$name,)*];
        }
    };
}

codes! {
    // Errors: the file or the record was skipped.
    /// The file is empty or blank.
    EmptyFile = "empty-file",
    /// The file is not well-formed JSON.
    MalformedJson = "malformed-json",
    /// No provider reads the file.
    UnrecognisedFormat = "unrecognised-format",
    /// More than one provider claims the file.
    ClaimedTwice = "claimed-twice",
    /// The path could not be read (broken link, loop, FIFO, permission).
    UnreadablePath = "unreadable-path",
    /// A key given twice in one JSON object: its record (or file) is skipped.
    DuplicateKey = "duplicate-key",
    /// The file's top level is not what its format needs.
    FileShape = "file-shape",
    /// A record is missing a required field or has one of the wrong type.
    #[default]
    BadRecord = "bad-record",
    /// A class, kind, edge kind or access level that the vocabulary lacks.
    UnknownName = "unknown-name",
    /// A second node with the same id in one input.
    DuplicateId = "duplicate-id",
    /// An edge whose end is no node of any input.
    DanglingEdge = "dangling-edge",
    /// A policy document that cannot be read as one.
    NotAPolicy = "not-a-policy",

    // Warnings: the record was kept; something in it was ignored.
    /// Something in a kept record was ignored (a value of the wrong type, a
    /// malformed optional field).
    Ignored = "ignored",
    /// A field the format does not define.
    UnknownField = "unknown-field",
    /// A version-control folder, skipped on purpose.
    SkippedPath = "skipped-path",
    /// One page of a paginated call: items on other pages are missing.
    IncompletePage = "incomplete-page",
    /// Something the snapshot does not hold (a denied or failed call, an
    /// inventory not collected, no Organizations data): what it would list
    /// is missing from the graph, and answers may over- or under-approximate.
    NotCollected = "not-collected",
    /// A reference to something that is not in the inputs (a group, a
    /// managed policy, a boundary, a domain).
    UnresolvedReference = "unresolved-reference",
    /// A file in a provider's layout that the layout does not define.
    NotInLayout = "not-in-layout",
    /// An edge to its own start.
    SelfLoop = "self-loop",
    /// An access level on an edge kind that has none.
    AccessLevelIgnored = "access-level-ignored",
    /// Edge rows could not be kept on disk while reading (disk full, folder
    /// gone): they stayed in memory, and the answers are complete.
    SpillFailed = "spill-failed",
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
