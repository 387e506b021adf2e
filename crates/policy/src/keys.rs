//! What decides each condition key when an attacker makes the request:
//! the table of docs/condition-keys.md, one row per key or key prefix.
//!
//! The policy evaluator uses it twice. Keys the attacker *chooses*
//! (`aws:RequestedRegion`, request tags, `s3:prefix`, ...) are tried with
//! the values the policies name, so a condition that some request meets is
//! decided ([`crate::evaluate`]). Every key a result stays undecided on is
//! reported with its class ([`crate::Evaluation::undecided_keys`]), so the
//! reason of a conditional edge says what would decide it: "needs MFA",
//! "depends on the network the request comes from", or the key itself.

use std::fmt;

/// What decides a condition key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyClass {
    /// The attacker picks the value in the request: a condition is met when
    /// some value the attacker may send meets every statement together.
    Chosen,
    /// Fixed by the caller's own facts (ARN, account, tags, organization):
    /// derived from the [`crate::Principal`].
    Caller,
    /// Time: decided against the snapshot's collection time
    /// ([`crate::RequestTime`]); a new session is issued after it, access
    /// keys of users have no token issue time.
    Time,
    /// Multi-factor authentication: absent for access keys, present for
    /// console sessions. Stays undecided, named "needs MFA".
    Mfa,
    /// Where the request comes from (source IP, VPC, endpoint, a service
    /// calling on the principal's behalf). Stays undecided with that reason.
    Network,
    /// A key this table does not decide: stays undecided, named.
    Other,
}

impl KeyClass {
    /// The class's name in reasons and docs.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyClass::Chosen => "chosen by the attacker",
            KeyClass::Caller => "fixed by the caller",
            KeyClass::Time => "time",
            KeyClass::Mfa => "needs MFA",
            KeyClass::Network => "network origin",
            KeyClass::Other => "not decided by the inputs",
        }
    }
}

impl fmt::Display for KeyClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the table: a key (or a prefix ending in `/` or `:`) and its class.
#[derive(Clone, Copy, Debug)]
pub struct KeyRow {
    /// The key as AWS documents it; a prefix ends in `/*` or `:*`.
    pub key: &'static str,
    /// Its class.
    pub class: KeyClass,
    /// How it is decided.
    pub note: &'static str,
}

const fn row(key: &'static str, class: KeyClass, note: &'static str) -> KeyRow {
    KeyRow { key, class, note }
}

use KeyClass::{Caller, Chosen, Mfa, Network, Time};

/// The table, in the order of docs/condition-keys.md.
pub const KEYS: &[KeyRow] = &[
    row(
        "aws:RequestedRegion",
        Chosen,
        "the attacker sends the request to any region",
    ),
    row(
        "aws:SecureTransport",
        Chosen,
        "the attacker uses TLS or not",
    ),
    row(
        "aws:RequestTag/*",
        Chosen,
        "the attacker writes the tags of the request",
    ),
    row("aws:TagKeys", Chosen, "the tag keys of the request"),
    row("s3:prefix", Chosen, "ListBucket's prefix parameter"),
    row("s3:delimiter", Chosen, "ListBucket's delimiter parameter"),
    row("s3:max-keys", Chosen, "ListBucket's max-keys parameter"),
    row(
        "s3:x-amz-acl",
        Chosen,
        "the canned ACL header of the request",
    ),
    row(
        "s3:x-amz-server-side-encryption",
        Chosen,
        "the encryption header of the request",
    ),
    row(
        "s3:x-amz-server-side-encryption-aws-kms-key-id",
        Chosen,
        "the KMS key named in the request",
    ),
    row("s3:x-amz-storage-class", Chosen, "the storage class header"),
    row("s3:signatureversion", Chosen, "how the attacker signs"),
    row("s3:authType", Chosen, "how the attacker authenticates"),
    row("s3:TlsVersion", Chosen, "the TLS version the attacker uses"),
    row("ec2:InstanceType", Chosen, "RunInstances' instance type"),
    row("ec2:Region", Chosen, "the region the attacker calls"),
    row("sts:RoleSessionName", Chosen, "AssumeRole's session name"),
    row(
        "sts:TransitiveTagKeys",
        Chosen,
        "AssumeRole's transitive tags",
    ),
    row(
        "kms:EncryptionAlgorithm",
        Chosen,
        "the algorithm named in the request",
    ),
    row(
        "aws:PrincipalArn",
        Caller,
        "the caller's ARN (a role session: the role)",
    ),
    row("aws:PrincipalAccount", Caller, "the caller's account"),
    row(
        "aws:PrincipalTag/*",
        Caller,
        "the caller's tags, from the inputs",
    ),
    row(
        "aws:PrincipalOrgID",
        Caller,
        "the caller's organization, with Organizations data (undecided without)",
    ),
    row(
        "aws:PrincipalOrgPaths",
        Caller,
        "the caller's account's OU path, with Organizations data",
    ),
    row(
        "aws:PrincipalType",
        Caller,
        "User, AssumedRole, Account, ...",
    ),
    row("aws:username", Caller, "a user's name; absent for roles"),
    row(
        "aws:userid",
        Caller,
        "the unique id (a role session: `AROA…:session`, undecided when the session name is)",
    ),
    row(
        "aws:PrincipalIsAWSService",
        Caller,
        "true for service principals",
    ),
    row(
        "aws:PrincipalServiceName",
        Caller,
        "the service principal's name",
    ),
    row(
        "aws:CurrentTime",
        Time,
        "the collection time (exact from collection.json, else not before the newest date in the inputs)",
    ),
    row(
        "aws:EpochTime",
        Time,
        "the collection time, in epoch seconds",
    ),
    row(
        "aws:TokenIssueTime",
        Time,
        "a new role session is issued at the collection time; a user's access keys have none (absent)",
    ),
    row(
        "aws:MultiFactorAuthPresent",
        Mfa,
        "absent for access keys, true for console sessions with MFA: undecided, \"needs MFA\"",
    ),
    row(
        "aws:MultiFactorAuthAge",
        Mfa,
        "as aws:MultiFactorAuthPresent: undecided, \"needs MFA\"",
    ),
    row(
        "aws:SourceIp",
        Network,
        "where the request comes from: undecided",
    ),
    row(
        "aws:SourceVpc",
        Network,
        "the VPC of the request: undecided",
    ),
    row(
        "aws:SourceVpce",
        Network,
        "the VPC endpoint of the request: undecided",
    ),
    row(
        "aws:VpcSourceIp",
        Network,
        "the private IP in the VPC: undecided",
    ),
    row(
        "aws:ViaAWSService",
        Network,
        "whether a service calls on the caller's behalf: undecided",
    ),
    row(
        "aws:CalledVia",
        Network,
        "the services in the call chain: undecided",
    ),
    row("aws:CalledViaFirst", Network, "as aws:CalledVia"),
    row("aws:CalledViaLast", Network, "as aws:CalledVia"),
];

/// When the attacker's requests are made: the snapshot's collection time,
/// known exactly (`collection.json` says when) or only as a lower bound
/// (the newest date in the inputs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestTime {
    millis: i64,
    exact: bool,
    iso: String,
    epoch: String,
}

impl RequestTime {
    /// Requests are made at this instant (milliseconds since the epoch).
    pub fn exact(millis: i64) -> Self {
        RequestTime {
            millis,
            exact: true,
            iso: crate::date::format_millis(millis),
            epoch: millis.div_euclid(1000).to_string(),
        }
    }

    /// Requests are made at this instant or later.
    pub fn not_before(millis: i64) -> Self {
        RequestTime {
            exact: false,
            ..Self::exact(millis)
        }
    }

    /// Parses an ISO 8601 date or epoch seconds into milliseconds, as the
    /// `Date*` operators read them.
    pub fn parse_millis(text: &str) -> Option<i64> {
        crate::date::parse_millis(text)
    }

    /// Milliseconds since the epoch.
    pub fn millis(&self) -> i64 {
        self.millis
    }

    /// Whether the instant is exact rather than a lower bound.
    pub fn is_exact(&self) -> bool {
        self.exact
    }

    /// `2026-12-04T23:01:55Z`.
    pub fn iso(&self) -> &str {
        &self.iso
    }

    pub(crate) fn epoch(&self) -> &str {
        &self.epoch
    }
}

/// The class of `key` (any case). Keys not in the table are
/// [`KeyClass::Other`].
pub fn classify(key: &str) -> KeyClass {
    for r in KEYS {
        let hit = match r.key.strip_suffix('*') {
            Some(prefix) => {
                key.len() > prefix.len()
                    && key.is_char_boundary(prefix.len())
                    && key[..prefix.len()].eq_ignore_ascii_case(prefix)
            }
            None => key.eq_ignore_ascii_case(r.key),
        };
        if hit {
            return r.class;
        }
    }
    KeyClass::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(classify("aws:requestedregion"), KeyClass::Chosen);
        assert_eq!(classify("aws:RequestTag/team"), KeyClass::Chosen);
        assert_eq!(classify("aws:RequestTag/"), KeyClass::Other);
        assert_eq!(classify("aws:PrincipalTag/x"), KeyClass::Caller);
        assert_eq!(classify("AWS:MultiFactorAuthAge"), KeyClass::Mfa);
        assert_eq!(classify("aws:SourceIp"), KeyClass::Network);
        assert_eq!(classify("aws:TokenIssueTime"), KeyClass::Time);
        assert_eq!(classify("sts:ExternalId"), KeyClass::Other);
        assert_eq!(classify("é"), KeyClass::Other);
    }

    #[test]
    fn every_key_once() {
        let mut seen = std::collections::HashSet::new();
        for r in KEYS {
            assert!(seen.insert(r.key.to_ascii_lowercase()), "{} twice", r.key);
        }
    }
}

#[cfg(test)]
mod doc_tests {
    use super::KEYS;

    /// docs/condition-keys.md lists every row of [`KEYS`], and nothing else.
    #[test]
    fn the_doc_table_is_the_table() {
        let doc = include_str!("../../../docs/condition-keys.md");
        let rows: Vec<&str> = doc.lines().filter(|l| l.starts_with("| `")).collect();
        assert_eq!(rows.len(), KEYS.len(), "docs/condition-keys.md rows");
        for (line, r) in rows.iter().zip(KEYS) {
            let want = format!("| `{}` | {} | {} |", r.key, r.class.as_str(), r.note);
            assert_eq!(*line, want, "docs/condition-keys.md is out of date");
        }
    }
}
