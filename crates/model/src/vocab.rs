//! Normalized classes, edge kinds, access levels, nodes and edges.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A name that is not one of a vocabulary's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{given}`, expected one of: {expected}")]
pub struct UnknownName {
    /// Which vocabulary (`class`, `edge kind`, `access level`).
    pub what: &'static str,
    /// What was given.
    pub given: String,
    /// The accepted words, comma separated.
    pub expected: String,
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every word of this vocabulary, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word as written in files and on the command line.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// A dense index, `0..ALL.len()`.
            pub fn index(self) -> usize {
                self as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                // Fast path: the word as written (snapshots hold millions of them).
                if let Some(v) = $name::ALL.iter().copied().find(|v| v.as_str() == s) {
                    return Ok(v);
                }
                let lower = s.trim().to_ascii_lowercase().replace('-', "_");
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == lower)
                    .ok_or_else(|| UnknownName {
                        what: $what,
                        given: s.to_string(),
                        expected: $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "),
                    })
            }
        }
    };
}

vocabulary!(
    /// The normalized class of a node, the same across providers.
    Class, "class", {
        /// A person: IAM user used by a person, Entra user, Okta user.
        Human => "human",
        /// A non-human identity: role, service principal, managed identity, CI workflow, agent, OAuth app.
        Workload => "workload",
        /// A group whose members inherit its permissions.
        Group => "group",
        /// Access key, client secret, certificate, API key, PAT, federated credential.
        Credential => "credential",
        /// A stored secret: Secrets Manager, Key Vault, Vault KV path.
        Secret => "secret",
        /// Data: buckets, databases, storage, vector indexes.
        Dataset => "dataset",
        /// Models and their endpoints and registries.
        Model => "model",
        /// Functions, agent action groups, MCP servers, APIs, repositories, pipelines.
        Tool => "tool",
        /// "Everything in here": account admin, tenant admin, subscription owner.
        Scope => "scope",
    }
);

impl Class {
    /// Identities an attacker can become: people, workloads and groups.
    pub fn is_identity(self) -> bool {
        matches!(self, Class::Human | Class::Workload | Class::Group)
    }
    /// What blast reports as reachable targets.
    pub fn is_target(self) -> bool {
        matches!(
            self,
            Class::Secret | Class::Dataset | Class::Model | Class::Tool
        )
    }
}

vocabulary!(
    /// The normalized edge kinds of DESIGN.md.
    EdgeKind, "edge kind", {
        /// Inherits the group's permissions.
        MemberOf => "member_of",
        /// Can assume the role (both sides' policies satisfied).
        CanAssume => "can_assume",
        /// Runs code or sessions as another identity; the mechanism is named.
        CanActAs => "can_act_as",
        /// Can grant itself more; ends at a scope's admin node.
        CanEscalate => "can_escalate",
        /// Can read a secret's value.
        CanReadSecret => "can_read_secret",
        /// A secret contains an identity's credential.
        HoldsCredential => "holds_credential",
        /// A credential or federated subject logs in as an identity.
        AuthenticatesAs => "authenticates_as",
        /// An app acts with delegated or application permissions.
        OauthGrant => "oauth_grant",
        /// Read / write / admin / invoke / execute on a target.
        Access => "access",
        /// Structure: a scope contains a resource or a smaller scope.
        Contains => "contains",
    }
);

impl EdgeKind {
    /// Pivot edges move the attacker to a new identity and are traversed.
    pub fn is_pivot(self) -> bool {
        !matches!(self, EdgeKind::Access | EdgeKind::Contains)
    }
}

vocabulary!(
    /// How much an access edge allows, weakest first.
    AccessLevel, "access level", {
        /// Read data or metadata.
        Read => "read",
        /// Call a model or an endpoint.
        Invoke => "invoke",
        /// Run a tool, function or pipeline.
        Execute => "execute",
        /// Change data or configuration.
        Write => "write",
        /// Full control, including permissions.
        Admin => "admin",
    }
);

/// Governance attributes of a node. Dates are RFC 3339 strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Attributes {
    /// Who answers for it (team, person).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// `prod`, `staging`, `dev`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Free key/value tags.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// When it was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// When it was last used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<String>,
    /// When its credential expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

impl Attributes {
    /// Fills every empty field from `other` (used when two inputs describe the
    /// same node).
    pub fn fill_from(&mut self, other: &Attributes) {
        fn fill(a: &mut Option<String>, b: &Option<String>) {
            if a.is_none() {
                a.clone_from(b);
            }
        }
        fill(&mut self.owner, &other.owner);
        fill(&mut self.environment, &other.environment);
        fill(&mut self.created, &other.created);
        fill(&mut self.last_used, &other.last_used);
        fill(&mut self.expires, &other.expires);
        for (k, v) in &other.tags {
            self.tags.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
}

/// A validated node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    /// Stable global id (ARN, provider-prefixed object id, mount and path).
    pub id: String,
    /// Display name.
    pub name: String,
    /// `aws`, `azure`, `vault`, `github`, ...
    pub provider: String,
    /// The provider's own kind, e.g. `aws:role`.
    pub kind: String,
    /// Normalized class.
    pub class: Class,
    /// Governance attributes.
    #[serde(flatten)]
    pub attrs: Attributes,
}

/// Where a fact came from: the input file, the place in it, and the rule that
/// made it (policy statement, role assignment, grant, secret).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Provenance {
    /// The input file, as given on the command line.
    pub source: String,
    /// The place in that file (JSON path or line).
    pub location: String,
    /// Which statement, assignment, grant or secret made the hop possible.
    pub reason: String,
}

/// A validated edge between two node ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edge {
    /// Explicit id given by the input, if any; otherwise [`Edge::derived_id`] names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Source node id.
    pub from: String,
    /// Destination node id.
    pub to: String,
    /// Edge kind.
    pub kind: EdgeKind,
    /// Access level: required on `access` edges; on `oauth_grant` edges
    /// it says what the grant allows on the data it reaches (read when
    /// absent); no other kind takes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<AccessLevel>,
    /// For `can_act_as` / `can_escalate`: the mechanism (e.g. `iam:PassRole+lambda:CreateFunction`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mechanism: Option<String>,
    /// Whether a condition could not be decided at analysis time.
    #[serde(default)]
    pub conditional: bool,
    /// The undecided condition, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Where it came from.
    pub provenance: Provenance,
}

impl Edge {
    /// The id every edge has when its input gave none:
    /// `KIND[:LEVEL]:FROM->TO`, e.g. `access:read:arn:aws:iam::1:role/a->arn:aws:s3:::b`.
    pub fn derived_id(from: &str, to: &str, kind: EdgeKind, access: Option<AccessLevel>) -> String {
        match access {
            Some(level) => format!("{kind}:{level}:{from}->{to}"),
            None => format!("{kind}:{from}->{to}"),
        }
    }

    /// This edge's id: the explicit one, or the derived one.
    pub fn id(&self) -> String {
        self.id
            .clone()
            .unwrap_or_else(|| Edge::derived_id(&self.from, &self.to, self.kind, self.access))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_and_unknown_words_list_the_expected_ones() {
        for c in Class::ALL {
            assert_eq!(c.as_str().parse::<Class>(), Ok(*c));
        }
        assert_eq!("Can-Assume".parse::<EdgeKind>(), Ok(EdgeKind::CanAssume));
        let err = "owner".parse::<AccessLevel>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown access level `owner`, expected one of: read, invoke, execute, write, admin"
        );
    }

    #[test]
    fn access_levels_are_ordered_weakest_first() {
        assert!(AccessLevel::Admin > AccessLevel::Write);
        assert!(AccessLevel::Write > AccessLevel::Read);
    }

    #[test]
    fn only_access_and_contains_are_not_pivots() {
        let non: Vec<_> = EdgeKind::ALL.iter().filter(|k| !k.is_pivot()).collect();
        assert_eq!(non, vec![&EdgeKind::Access, &EdgeKind::Contains]);
    }
}
