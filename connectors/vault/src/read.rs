//! Readers: one Vault API response into [`Facts`]. Nothing here decides
//! reach; [`crate::emit`] does, once every file is read.

use blastgraph_model::EstateBuilder;
use blastgraph_model::json::{Obj, RecordError, type_name};
use serde_json::Value;

use crate::acl;
use crate::facts::*;
use crate::layout::Call;

type R = Result<(), RecordError>;

/// The response's `data` object, or the top level when a (very old or
/// hand-written) response has none.
fn data<'v>(top: &Obj<'v>) -> Result<Obj<'v>, RecordError> {
    match top.map.get("data") {
        Some(v @ Value::Object(_)) => Obj::new(v, top.at("data")),
        Some(Value::Null) | None => Ok(Obj {
            map: top.map,
            path: top.path.clone(),
        }),
        Some(other) => Err((
            top.at("data"),
            format!("expected an object, found {}", type_name(other)),
        )
            .into()),
    }
}

/// An array of strings, also as Vault writes some of them: one
/// comma-separated string.
fn strs(o: &Obj<'_>, key: &str) -> Result<Vec<String>, RecordError> {
    match o.map.get(key) {
        Some(Value::String(s)) => Ok(s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()),
        _ => o.opt_strs(key),
    }
}

/// The policies a role or entity gives: `token_policies` ∪ `policies`.
fn policies(o: &Obj<'_>) -> Result<Vec<String>, RecordError> {
    let mut p = strs(o, "token_policies")?;
    for x in strs(o, "policies")? {
        if !p.contains(&x) {
            p.push(x);
        }
    }
    Ok(p)
}

fn cidrs(o: &Obj<'_>) -> Result<Vec<String>, RecordError> {
    let mut c = Vec::new();
    for key in ["token_bound_cidrs", "secret_id_bound_cidrs", "bound_cidrs"] {
        c.extend(strs(o, key)?);
    }
    Ok(c)
}

/// `sys/mounts` or `sys/auth`.
pub(crate) fn mount_table(
    facts: &mut Facts,
    file: usize,
    ns: &str,
    auth: bool,
    top: &Obj<'_>,
    out: &mut EstateBuilder,
) {
    let table = match data(top) {
        Ok(d) => d,
        Err(e) => return out.error_code(e.code, e.location, e.message),
    };
    for (key, value) in table.map {
        if !key.ends_with('/') {
            continue;
        }
        let r: R = (|| {
            let o = Obj::new(value, format!("{}[\"{key}\"]", table.path))?;
            let kind = o.req_str("type")?.to_string();
            let accessor = o.opt_str("accessor")?.unwrap_or_default().to_string();
            let kv_version = match o.map.get("options") {
                Some(opts @ Value::Object(_)) => {
                    let opts = Obj::new(opts, o.at("options"))?;
                    match opts.opt_str("version")? {
                        Some("2") => 2,
                        _ => 1,
                    }
                }
                _ => 1,
            };
            let name = key.trim_end_matches('/');
            let path = if auth {
                format!("auth/{name}")
            } else {
                name.to_string()
            };
            facts.mounts.push(Mount {
                ns: ns.to_string(),
                path,
                kind,
                accessor,
                kv_version,
                at: At {
                    file,
                    path: o.path.clone(),
                },
            });
            Ok(())
        })();
        if let Err(e) = r {
            out.error_code(e.code, e.location, e.message);
        }
    }
}

/// Any file but the mount tables.
pub(crate) fn call(
    facts: &mut Facts,
    file: usize,
    call: &Call,
    top: &Obj<'_>,
    listed: &mut Vec<Listed>,
    out: &mut EstateBuilder,
) {
    // An error response: an empty listing or a missing path says nothing;
    // a refused call leaves a gap, said.
    if let Some(errors) = top
        .map
        .get("errors")
        .filter(|_| !top.map.contains_key("data"))
    {
        let messages: Vec<&str> = errors
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .collect();
        if !messages.is_empty() {
            out.warning_code(
                blastgraph_model::Code::NotCollected,
                top.at("errors"),
                format!(
                    "{}{}: Vault answered {}; what it lists is missing from the graph",
                    if call.list { "LIST " } else { "GET " },
                    call.api,
                    messages
                        .iter()
                        .map(|m| m.split_whitespace().collect::<Vec<_>>().join(" "))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            );
        }
        return;
    }
    if let Err(e) = call_inner(facts, file, call, top, listed, out) {
        out.error_code(e.code, e.location, e.message);
    }
}

/// A name a `LIST` file gave, to compare with the files read.
#[derive(Debug, Clone)]
pub(crate) struct Listed {
    /// What kind of thing: `role`, `user`, `policy`, `aws role`, ...
    pub what: &'static str,
    /// The full API path its `GET` file would have.
    pub api: String,
    pub at: At,
}

fn call_inner(
    facts: &mut Facts,
    file: usize,
    call: &Call,
    top: &Obj<'_>,
    listed: &mut Vec<Listed>,
    out: &mut EstateBuilder,
) -> R {
    let at = |path: &str| At {
        file,
        path: path.to_string(),
    };
    let api = call.api.as_str();
    // Namespace-level calls: `[NS/]sys/...`, `[NS/]identity/...`.
    for ns in facts
        .namespaces()
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
    {
        let prefix = qualify(&ns, "");
        let Some(rel) = api.strip_prefix(prefix.as_str()) else {
            continue;
        };
        let rel = rel.trim_start_matches('/');
        if let Some(name) = rel
            .strip_prefix("sys/policies/acl/")
            .or_else(|| rel.strip_prefix("sys/policy/"))
        {
            if call.list {
                return Ok(());
            }
            let d = data(top)?;
            let key = if d.map.contains_key("policy") {
                "policy"
            } else {
                "rules"
            };
            // `root` is built in: Vault returns it with no text.
            if name == "root" {
                return Ok(());
            }
            let text = d.opt_str(key)?.ok_or_else(|| {
                RecordError::from((d.at(key), format!("missing required field `{key}`")))
            })?;
            let (policy, problems) =
                acl::parse(text).map_err(|m| RecordError::from((d.at(key), m)))?;
            for p in problems {
                out.warning(d.at(key), format!("policy {name}: {p}"));
            }
            facts.policies.push(PolicyDoc {
                ns: ns.clone(),
                name: name.to_string(),
                policy,
                at: at(&d.at(key)),
            });
            return Ok(());
        }
        if rel == "sys/policies/acl" || rel == "sys/policy" {
            let d = data(top)?;
            let key = if d.map.contains_key("keys") {
                "keys"
            } else {
                "policies"
            };
            for name in strs(&d, key)? {
                if name == "root" {
                    continue;
                }
                listed.push(Listed {
                    what: "policy",
                    api: qualify(&ns, &format!("sys/policies/acl/{name}")),
                    at: at(&d.at(key)),
                });
            }
            return Ok(());
        }
        if let Some(id) = rel.strip_prefix("identity/entity/id/") {
            if call.list {
                return Ok(());
            }
            let d = data(top)?;
            let mut aliases = Vec::new();
            if let Some(Value::Array(items)) = d.map.get("aliases") {
                for (i, a) in items.iter().enumerate() {
                    let a = Obj::new(a, format!("{}[{i}]", d.at("aliases")))?;
                    aliases.push((
                        a.opt_str("mount_accessor")?.unwrap_or_default().to_string(),
                        a.opt_str("name")?.unwrap_or_default().to_string(),
                    ));
                }
            }
            facts.entities.push(Entity {
                ns: ns.clone(),
                id: d.opt_str("id")?.unwrap_or(id).to_string(),
                name: d.opt_str("name")?.unwrap_or(id).to_string(),
                policies: strs(&d, "policies")?,
                aliases,
                disabled: d.opt_bool("disabled")?.unwrap_or(false),
                at: at(&d.path),
            });
            return Ok(());
        }
        if let Some(id) = rel.strip_prefix("identity/group/id/") {
            if call.list {
                return Ok(());
            }
            let d = data(top)?;
            facts.groups.push(Group {
                ns: ns.clone(),
                id: d.opt_str("id")?.unwrap_or(id).to_string(),
                name: d.opt_str("name")?.unwrap_or(id).to_string(),
                policies: strs(&d, "policies")?,
                member_entities: strs(&d, "member_entity_ids")?,
                member_groups: strs(&d, "member_group_ids")?,
            });
            return Ok(());
        }
        if rel.starts_with("identity/") || rel == "sys/health" || rel.starts_with("sys/") {
            if !call.list && !rel.starts_with("identity/") {
                out.warning(
                    "$",
                    format!("`{rel}` is not a call the Vault connector reads (docs/vault-raw-layout.md lists them); file skipped"),
                );
            }
            return Ok(());
        }
    }
    let Some((mount, rest)) = facts.mount_of(api) else {
        out.warning(
            "$",
            format!("`{api}` is under no mount of sys/mounts.json or sys/auth.json; file skipped"),
        );
        return Ok(());
    };
    let mount = mount.clone();
    let unread = |out: &mut EstateBuilder| {
        out.warning(
            "$",
            format!(
                "`{api}` of a `{}` mount is not a call the Vault connector reads; file skipped",
                mount.kind
            ),
        );
    };
    match (mount.kind.as_str(), call.list) {
        ("kv" | "generic", _) if mount.kv_version == 2 => {
            if let Some(p) = rest
                .strip_prefix("metadata/")
                .or_else(|| (rest == "metadata").then_some(""))
            {
                if call.list {
                    list_secrets(top, &mount, p, file, &mut facts.secrets)?;
                } else {
                    let d = data(top)?;
                    let mut meta = Vec::new();
                    if let Some(m) = d.map.get("custom_metadata").filter(|v| !v.is_null()) {
                        let m = Obj::new(m, d.at("custom_metadata"))?;
                        for (k, v) in m.map {
                            if let Some(v) = v.as_str() {
                                meta.push((k.clone(), v.to_string()));
                            }
                        }
                    }
                    facts.secrets.push(KvSecret {
                        ns: mount.ns.clone(),
                        mount: mount.path.clone(),
                        path: p.to_string(),
                        custom_metadata: meta,
                        at: at(&d.path),
                    });
                }
            } else {
                // (A value's `data/` read never gets here: `holds_value`
                // refuses it unparsed.)
                unread(out);
            }
        }
        ("kv" | "generic", true) => list_secrets(top, &mount, rest, file, &mut facts.secrets)?,
        ("approle" | "jwt" | "oidc" | "kubernetes" | "aws", true) if rest == "role" => {
            list_keys(top, "auth role", &mount, rest, file, listed)?;
        }
        ("userpass", true) if rest == "users" => {
            list_keys(top, "user", &mount, rest, file, listed)?;
        }
        (kind @ ("jwt" | "oidc" | "kubernetes"), false) if rest == "config" => {
            let d = data(top)?;
            let issuer = if kind == "kubernetes" {
                d.opt_str("issuer")?
            } else {
                d.opt_str("bound_issuer")?
                    .filter(|s| !s.is_empty())
                    .or(d.opt_str("oidc_discovery_url")?)
            };
            facts.configs.push(AuthConfig {
                ns: mount.ns.clone(),
                mount: mount.path.clone(),
                issuer: issuer.filter(|s| !s.is_empty()).map(str::to_string),
                host: d.opt_str("kubernetes_host")?.map(str::to_string),
            });
        }
        ("approle", false) if rest.starts_with("role/") && rest.ends_with("/role-id") => {
            // The role id is the AppRole login's entity alias name: kept in
            // memory to tie the role to its entity, never written out.
            let name = &rest["role/".len()..rest.len() - "/role-id".len()];
            let d = data(top)?;
            if let Some(id) = d.opt_str("role_id")? {
                facts.role_ids.push((
                    qualify(&mount.ns, &mount.path),
                    name.to_string(),
                    id.to_string(),
                ));
            }
        }
        (kind @ ("approle" | "jwt" | "oidc" | "kubernetes" | "aws"), false)
            if rest.starts_with("role/") && rest.matches('/').count() == 1 =>
        {
            let name = &rest["role/".len()..];
            let d = data(top)?;
            let login = match kind {
                "approle" => Login::AppRole {
                    bind_secret_id: d.opt_bool("bind_secret_id")?.unwrap_or(true),
                },
                "jwt" | "oidc" => {
                    let mut bound_claims = Vec::new();
                    if let Some(m) = d.map.get("bound_claims").filter(|v| !v.is_null()) {
                        let m = Obj::new(m, d.at("bound_claims"))?;
                        for (k, _) in m.map {
                            bound_claims.push((k.clone(), strs(&m, k)?));
                        }
                    }
                    Login::Jwt {
                        role_type: d.opt_str("role_type")?.unwrap_or(kind).to_string(),
                        bound_subject: d
                            .opt_str("bound_subject")?
                            .filter(|s| !s.is_empty())
                            .map(str::to_string),
                        bound_claims,
                        glob: d.opt_str("bound_claims_type")? == Some("glob"),
                        user_claim: d.opt_str("user_claim")?.unwrap_or("sub").to_string(),
                    }
                }
                "kubernetes" => Login::Kubernetes {
                    names: strs(&d, "bound_service_account_names")?,
                    namespaces: strs(&d, "bound_service_account_namespaces")?,
                    selector: d
                        .opt_str("bound_service_account_namespace_selector")?
                        .filter(|s| !s.is_empty())
                        .map(str::to_string),
                    alias_name_source: d
                        .opt_str("alias_name_source")?
                        .unwrap_or("serviceaccount_uid")
                        .to_string(),
                },
                _ => Login::Aws {
                    auth_type: d.opt_str("auth_type")?.unwrap_or("iam").to_string(),
                    principals: strs(&d, "bound_iam_principal_arn")?,
                    accounts: strs(&d, "bound_account_id")?,
                },
            };
            facts
                .roles
                .push(role(&mount, name, login, &d, at(&d.path))?);
        }
        ("userpass", false) if rest.starts_with("users/") => {
            let d = data(top)?;
            let name = &rest["users/".len()..];
            facts
                .roles
                .push(role(&mount, name, Login::Userpass, &d, at(&d.path))?);
        }
        ("aws", true) if rest == "roles" => {
            list_keys(top, "AWS engine role", &mount, rest, file, listed)?;
        }
        ("aws", false) if rest.starts_with("roles/") => {
            let d = data(top)?;
            let mut types = strs(&d, "credential_types")?;
            if types.is_empty() {
                types = strs(&d, "credential_type")?;
            }
            facts.aws_roles.push(AwsRole {
                ns: mount.ns.clone(),
                mount: mount.path.clone(),
                name: rest["roles/".len()..].to_string(),
                credential_types: types,
                role_arns: strs(&d, "role_arns")?,
                policy_arns: strs(&d, "policy_arns")?,
                iam_groups: strs(&d, "iam_groups")?,
                inline_policy: d
                    .opt_str("policy_document")?
                    .is_some_and(|s| !s.trim().is_empty()),
                at: at(&d.path),
            });
        }
        ("aws", false) if rest.starts_with("config/") => {}
        ("database", true) => {
            let what = match rest {
                "config" => "database connection",
                "roles" => "database role",
                "static-roles" => "database static role",
                _ => return Ok(()),
            };
            list_keys(top, what, &mount, rest, file, listed)?;
        }
        ("database", false) if rest.starts_with("config/") => {
            let d = data(top)?;
            facts.db_connections.push(DbConnection {
                ns: mount.ns.clone(),
                mount: mount.path.clone(),
                name: rest["config/".len()..].to_string(),
                plugin: d.opt_str("plugin_name")?.unwrap_or("database").to_string(),
                allowed_roles: strs(&d, "allowed_roles")?,
                at: at(&d.path),
            });
        }
        ("database", false) if rest.starts_with("roles/") || rest.starts_with("static-roles/") => {
            let d = data(top)?;
            let (name, username) = match rest.strip_prefix("static-roles/") {
                Some(n) => (n, d.opt_str("username")?.map(str::to_string)),
                None => (&rest["roles/".len()..], None),
            };
            facts.db_roles.push(DbRole {
                ns: mount.ns.clone(),
                mount: mount.path.clone(),
                name: name.to_string(),
                db_name: d.req_str("db_name")?.to_string(),
                statements: strs(&d, "creation_statements")?,
                username,
                at: at(&d.path),
            });
        }
        _ => unread(out),
    }
    Ok(())
}

/// A login role of `mount`: whom it accepts (`login`) and the token it
/// gives (its policies, whether `default` is left out, its CIDRs).
fn role(mount: &Mount, name: &str, login: Login, d: &Obj<'_>, at: At) -> Result<Role, RecordError> {
    Ok(Role {
        ns: mount.ns.clone(),
        mount: mount.path.clone(),
        name: name.to_string(),
        login,
        policies: policies(d)?,
        no_default: d.opt_bool("token_no_default_policy")?.unwrap_or(false),
        cidrs: cidrs(d)?,
        at,
    })
}

/// The names a `LIST` of `MOUNT/rest` gives, each with the `GET` file it
/// should have.
fn list_keys(
    top: &Obj<'_>,
    what: &'static str,
    mount: &Mount,
    rest: &str,
    file: usize,
    listed: &mut Vec<Listed>,
) -> R {
    let mount = qualify(&mount.ns, &mount.path);
    let d = data(top)?;
    for name in strs(&d, "keys")? {
        listed.push(Listed {
            what,
            api: format!("{mount}/{rest}/{name}"),
            at: At {
                file,
                path: d.at("keys"),
            },
        });
    }
    Ok(())
}

/// The secrets a KV `LIST` of `dir` names: its leaf keys (a key ending in
/// `/` is a folder, listed by a call of its own).
fn list_secrets(
    top: &Obj<'_>,
    mount: &Mount,
    dir: &str,
    file: usize,
    secrets: &mut Vec<KvSecret>,
) -> R {
    let d = data(top)?;
    for key in strs(&d, "keys")? {
        if !key.ends_with('/') {
            secrets.push(KvSecret {
                ns: mount.ns.clone(),
                mount: mount.path.clone(),
                path: join(dir, &key),
                custom_metadata: Vec::new(),
                at: At {
                    file,
                    path: d.at("keys"),
                },
            });
        }
    }
    Ok(())
}

fn join(prefix: &str, key: &str) -> String {
    let prefix = prefix.trim_matches('/');
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}/{key}")
    }
}
