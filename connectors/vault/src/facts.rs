//! What the Vault files say, before any rule: one [`Facts`] per Vault
//! server (a layout root).

use crate::acl;

/// Where a fact was read: the file (an index into [`Facts::files`]) and
/// the JSON path in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct At {
    pub file: usize,
    pub path: String,
}

/// A secrets engine or auth method mount.
#[derive(Debug, Clone)]
pub(crate) struct Mount {
    /// Namespace path (`""` for the root namespace).
    pub ns: String,
    /// Mount path without trailing `/`; auth methods are `auth/NAME`.
    pub path: String,
    /// `kv`, `aws`, `database`, `approle`, `jwt`, `oidc`, `kubernetes`, ...
    pub kind: String,
    pub accessor: String,
    /// KV version (1 or 2) for `kv` mounts.
    pub kv_version: u8,
    pub at: At,
}

/// How a login through an auth role is bound.
#[derive(Debug, Clone)]
pub(crate) enum Login {
    /// AppRole: role id plus (when `bind_secret_id`) a secret id.
    AppRole { bind_secret_id: bool },
    /// JWT/OIDC: the token's claims.
    Jwt {
        role_type: String,
        bound_subject: Option<String>,
        /// `bound_claims`: claim → accepted values.
        bound_claims: Vec<(String, Vec<String>)>,
        /// `bound_claims_type = "glob"`.
        glob: bool,
        user_claim: String,
    },
    /// Kubernetes: the service account's namespace and name.
    Kubernetes {
        names: Vec<String>,
        namespaces: Vec<String>,
        /// A namespace label selector (the cluster's labels decide).
        selector: Option<String>,
        alias_name_source: String,
    },
    /// AWS auth.
    Aws {
        auth_type: String,
        principals: Vec<String>,
        accounts: Vec<String>,
    },
    /// Userpass (and similar password methods): the user itself.
    Userpass,
}

/// An auth role (or userpass user): who logs in, and with which policies.
#[derive(Debug, Clone)]
pub(crate) struct Role {
    pub ns: String,
    /// The auth mount path (`auth/approle`).
    pub mount: String,
    pub name: String,
    pub login: Login,
    /// `token_policies` ∪ the legacy `policies`.
    pub policies: Vec<String>,
    /// `token_no_default_policy`.
    pub no_default: bool,
    /// `token_bound_cidrs` / `secret_id_bound_cidrs` / `bound_cidrs`.
    pub cidrs: Vec<String>,
    pub at: At,
}

/// An auth mount's configuration (JWT/OIDC and Kubernetes).
#[derive(Debug, Clone, Default)]
pub(crate) struct AuthConfig {
    pub ns: String,
    pub mount: String,
    /// JWT: `bound_issuer`, else `oidc_discovery_url`; Kubernetes: `issuer`.
    pub issuer: Option<String>,
    /// Kubernetes: `kubernetes_host`.
    pub host: Option<String>,
}

/// An identity entity.
#[derive(Debug, Clone)]
pub(crate) struct Entity {
    pub ns: String,
    pub id: String,
    pub name: String,
    pub policies: Vec<String>,
    /// (mount accessor, alias name).
    pub aliases: Vec<(String, String)>,
    pub disabled: bool,
    pub at: At,
}

/// An identity group.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub ns: String,
    pub id: String,
    pub name: String,
    pub policies: Vec<String>,
    pub member_entities: Vec<String>,
    pub member_groups: Vec<String>,
}

/// A KV secret (its metadata or its key in a listing; never its value).
#[derive(Debug, Clone)]
pub(crate) struct KvSecret {
    pub ns: String,
    pub mount: String,
    /// The secret's path under the mount (no `data/` or `metadata/`).
    pub path: String,
    pub custom_metadata: Vec<(String, String)>,
    pub at: At,
}

/// An AWS secrets engine role.
#[derive(Debug, Clone)]
pub(crate) struct AwsRole {
    pub ns: String,
    pub mount: String,
    pub name: String,
    pub credential_types: Vec<String>,
    pub role_arns: Vec<String>,
    pub policy_arns: Vec<String>,
    pub iam_groups: Vec<String>,
    pub inline_policy: bool,
    pub at: At,
}

/// A database secrets engine connection.
#[derive(Debug, Clone)]
pub(crate) struct DbConnection {
    pub ns: String,
    pub mount: String,
    pub name: String,
    pub plugin: String,
    /// The roles that may use it (`*` any; none when empty).
    pub allowed_roles: Vec<String>,
    pub at: At,
}

/// A database secrets engine role (dynamic or static).
#[derive(Debug, Clone)]
pub(crate) struct DbRole {
    pub ns: String,
    pub mount: String,
    pub name: String,
    pub db_name: String,
    /// Dynamic roles: the creation statements (what the user is granted).
    pub statements: Vec<String>,
    /// Static roles: the database user whose password Vault rotates.
    pub username: Option<String>,
    pub at: At,
}

/// A named ACL policy.
#[derive(Debug, Clone)]
pub(crate) struct PolicyDoc {
    pub ns: String,
    pub name: String,
    pub policy: acl::Policy,
    pub at: At,
}

/// Everything read from one Vault server's files.
#[derive(Debug, Default)]
pub(crate) struct Facts {
    pub files: Vec<String>,
    /// `cluster_name` of `sys/health`, when present.
    pub cluster_name: Option<String>,
    pub mounts: Vec<Mount>,
    pub policies: Vec<PolicyDoc>,
    pub roles: Vec<Role>,
    pub configs: Vec<AuthConfig>,
    pub entities: Vec<Entity>,
    pub groups: Vec<Group>,
    pub secrets: Vec<KvSecret>,
    pub aws_roles: Vec<AwsRole>,
    pub db_connections: Vec<DbConnection>,
    pub db_roles: Vec<DbRole>,
    /// AppRole role ids (`auth/M/role/NAME/role-id`): (mount, role, id).
    /// An AppRole login's entity alias is named by it; never output.
    pub role_ids: Vec<(String, String, String)>,
}

impl Facts {
    pub fn file(&mut self, path: &str) -> usize {
        self.files.push(path.to_string());
        self.files.len() - 1
    }

    /// The mount a namespace-qualified API path belongs to (longest
    /// prefix), with the rest of the path.
    pub fn mount_of<'p>(&self, api: &'p str) -> Option<(&Mount, &'p str)> {
        self.mounts
            .iter()
            .filter_map(|m| {
                let full = qualify(&m.ns, &m.path);
                let rest = api.strip_prefix(full.as_str())?;
                if rest.is_empty() {
                    Some((m, rest, full.len()))
                } else {
                    rest.strip_prefix('/').map(|r| (m, r, full.len()))
                }
            })
            .max_by_key(|(_, _, len)| *len)
            .map(|(m, r, _)| (m, r))
    }

    /// The namespaces the mount tables were read for.
    pub fn namespaces(&self) -> Vec<&str> {
        let mut ns: Vec<&str> = self.mounts.iter().map(|m| m.ns.as_str()).collect();
        ns.sort();
        ns.dedup();
        ns
    }
}

/// `NS/PATH`, or `PATH` in the root namespace.
pub(crate) fn qualify(ns: &str, path: &str) -> String {
    if ns.is_empty() {
        path.to_string()
    } else {
        format!("{ns}/{path}")
    }
}
