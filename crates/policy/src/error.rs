//! Errors that stop a policy from being read, and problems that only cost
//! one statement or one condition.

use std::fmt;

/// A policy document that cannot be read at all, or an invalid ARN given to
/// a constructor.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The text is not JSON.
    #[error("policy `{name}` is not valid JSON (line {line}, column {column}): {message}")]
    Json {
        /// The caller-supplied policy name.
        name: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON parser expected.
        message: String,
    },
    /// The document gives a key twice in one object. IAM rejects such a
    /// document; reading one of the values would be a guess
    /// (`{"Effect": "Deny", "Effect": "Allow"}`).
    #[error(
        "policy `{name}`: `{path}`: duplicate key `{key}`; IAM rejects a document that gives a key twice"
    )]
    DuplicateKey {
        /// The caller-supplied policy name.
        name: String,
        /// The repeated key.
        key: String,
        /// Its JSON path in the document, such as `Statement[0].Effect`.
        path: String,
    },
    /// The text looked URL-encoded but does not decode to UTF-8.
    #[error("policy `{name}` is not valid URL-encoded UTF-8: {message}")]
    UrlEncoding {
        /// The caller-supplied policy name.
        name: String,
        /// What went wrong.
        message: String,
    },
    /// The document is not a JSON object.
    #[error("policy `{name}`: expected a JSON object, found {found}")]
    NotAnObject {
        /// The caller-supplied policy name.
        name: String,
        /// What was found instead.
        found: String,
    },
    /// The document has no usable `Statement`.
    #[error(
        "policy `{name}`: `Statement`: expected an object or an array of objects, found {found}"
    )]
    BadStatement {
        /// The caller-supplied policy name.
        name: String,
        /// What was found instead (`nothing` when missing).
        found: String,
    },
    /// An ARN passed to a constructor has the wrong form.
    #[error("`{arn}` is not {expected}")]
    InvalidArn {
        /// The text given.
        arn: String,
        /// What was expected.
        expected: String,
    },
}

/// A problem in one part of a policy that was read anyway.
///
/// Structural problems in a statement (no `Effect`, an `Action` that is not
/// a string) drop that statement; problems inside `Condition` keep the
/// statement and make the affected condition undecided, so results that
/// depend on it are flagged conditional instead of silently wrong. Unknown
/// elements are reported and ignored.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// The JSON path, such as `Statement[2].Condition.StringEquals`.
    pub path: String,
    /// What was expected and what was found.
    pub message: String,
    /// Whether the statement was dropped because of this problem.
    pub statement_dropped: bool,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", self.path, self.message)?;
        if self.statement_dropped {
            f.write_str("; statement skipped")?;
        }
        Ok(())
    }
}
