//! HashiCorp Vault connector: raw Vault HTTP API responses
//! (docs/vault-raw-layout.md) into the estate.
//!
//! Reading and deciding are apart: [`read`] turns each file into
//! [`facts::Facts`] (one per Vault server, a layout root); [`emit`] turns
//! them into nodes and edges once every file is read, since an edge joins
//! facts of several files (a role's bindings, its policies, the mount
//! table, the secrets). ACL policies are evaluated by [`acl`] as Vault
//! evaluates them. docs/vault-connector.md says what each rule decides.
//! Secret values are never read: a file that would hold one is refused
//! before it is parsed.

mod acl;
mod emit;
mod facts;
mod layout;
mod read;

use std::collections::BTreeMap;

use blastgraph_model::json::{Obj, read_or_report};
use blastgraph_model::{Code, Connector, EstateBuilder, IngestError, InputFile};

#[doc(hidden)]
pub use emit::set_sharing;

use crate::facts::Facts;
use crate::layout::Call;

/// The format name recorded in the manifest.
pub const FORMAT: &str = "vault";

/// Vault in the provider registry.
pub static PROVIDER: blastgraph_model::Provider = blastgraph_model::Provider {
    name: "vault",
    accepts: "a raw HashiCorp Vault API response under a `vault/` folder (`vault/sys/mounts.json`, `vault/auth/jwt/role/deploy.json`, `vault/secret/metadata/LIST.json`, ...)",
    docs: "docs/vault-raw-layout.md",
    connector: &VaultConnector,
};

/// Reads the Vault raw layout.
#[derive(Debug, Default, Clone, Copy)]
pub struct VaultConnector;

impl Connector for VaultConnector {
    fn name(&self) -> &'static str {
        FORMAT
    }

    fn detect(&self, path: &str, head: &[u8]) -> bool {
        layout::in_layout(&path.replace('\\', "/"))
            && (layout::is_response(head)
                || layout::is_health(path, head)
                || layout::is_error(head))
    }

    fn ingest(&self, path: &str, bytes: &[u8], out: &mut EstateBuilder) -> Result<(), IngestError> {
        read_all(&[(path, bytes, "")], out, false);
        Ok(())
    }

    fn ingest_all(&self, files: &[InputFile<'_>], out: &mut EstateBuilder) {
        let files: Vec<(&str, &[u8], &str)> =
            files.iter().map(|f| (f.path, f.bytes, f.sha256)).collect();
        read_all(&files, out, true);
    }
}

/// Reads every file, root by root, then emits each root's facts.
fn read_all(files: &[(&str, &[u8], &str)], out: &mut EstateBuilder, begin: bool) {
    if begin {
        for (path, bytes, sha) in files {
            out.begin_input(path, FORMAT, sha.to_string(), bytes.len() as u64);
        }
    }
    let select = |out: &mut EstateBuilder, path: &str| {
        if begin {
            out.select_input(path);
        }
    };
    let mut roots: BTreeMap<String, Facts> = BTreeMap::new();
    let mut done = vec![false; files.len()];
    // Pass 1: the mount tables and `sys/health` define each root.
    for (i, (path, bytes, _)) in files.iter().enumerate() {
        let norm = path.replace('\\', "/");
        for (root, rest) in layout::roots(&norm) {
            let health = rest == "sys/health.json" || rest.ends_with("/sys/health.json");
            let table = Call::of(rest)
                .filter(|c| !c.list)
                .and_then(|c| layout::mount_table(&c.api));
            if !health && table.is_none() {
                continue;
            }
            select(out, path);
            done[i] = true;
            let Some(value) = read_or_report(path, bytes, out) else {
                break;
            };
            let top = match top_of(path, &value) {
                Ok(t) => t,
                Err(e) => {
                    out.file_error(&e);
                    break;
                }
            };
            let facts = roots.entry(root.to_string()).or_default();
            let file = facts.file(path);
            if let Some((ns, auth)) = table {
                read::mount_table(facts, file, &ns, auth, &top, out);
            } else if let Ok(Some(name)) = top.opt_str("cluster_name") {
                facts.cluster_name = Some(name.to_string());
            }
            break;
        }
    }
    // Pass 2: every other file, under the innermost root it lies in.
    let mut listed: BTreeMap<String, Vec<read::Listed>> = BTreeMap::new();
    let mut read_apis: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (i, (path, bytes, _)) in files.iter().enumerate() {
        if done[i] {
            continue;
        }
        select(out, path);
        let norm = path.replace('\\', "/");
        let Some((root, rest)) = layout::roots(&norm)
            .into_iter()
            .find(|(root, _)| roots.contains_key(*root))
        else {
            out.warning_code(
                Code::NotInLayout,
                "$",
                "no `sys/mounts.json` or `sys/auth.json` in this file's `vault/` folder: which mount it belongs to is unknown; file skipped (docs/vault-raw-layout.md)",
            );
            continue;
        };
        let Some(call) = Call::of(rest) else {
            out.warning_code(
                Code::NotInLayout,
                "$",
                "not a file of the Vault raw layout (`PATH.json` or `PATH/LIST.json`); skipped",
            );
            continue;
        };
        let Some(facts) = roots.get_mut(root) else {
            continue;
        };
        if blastgraph_model::credentials::is_inspected_file(rest, bytes) {
            read_inspected(facts, path, bytes, out);
            continue;
        }
        if holds_value(facts, &call) {
            if out.inspect_values() {
                inspect_value(facts, &call, path, bytes, out);
                continue;
            }
            out.warning(
                "$",
                format!("`{}` is a secret's value; the Vault connector never reads secret values (list or read `metadata/` instead); file skipped unread", call.api),
            );
            continue;
        }
        let Some(value) = read_or_report(path, bytes, out) else {
            continue;
        };
        let top = match top_of(path, &value) {
            Ok(t) => t,
            Err(e) => {
                out.file_error(&e);
                continue;
            }
        };
        let file = facts.file(path);
        read::call(
            facts,
            file,
            &call,
            &top,
            listed.entry(root.to_string()).or_default(),
            out,
        );
        if !call.list {
            // The legacy `sys/policy/NAME` reads what `sys/policies/acl/NAME` does.
            let api = call.api.replace("sys/policy/", "sys/policies/acl/");
            read_apis.entry(root.to_string()).or_default().push(api);
        }
    }
    for (root, facts) in &roots {
        let read = read_apis.get(root).cloned().unwrap_or_default();
        let mut said = std::collections::BTreeSet::new();
        for l in listed.get(root).into_iter().flatten() {
            if !read.contains(&l.api) && said.insert(l.api.clone()) {
                if let Some(path) = facts.files.get(l.at.file) {
                    select(out, path);
                }
                out.warning_code(
                    Code::NotCollected,
                    l.at.path.clone(),
                    format!("{} `{}` is listed but `{}.json` was not read: what it grants or binds is missing from the graph", l.what, l.api, l.api),
                );
            }
        }
        emit::emit(facts, out);
    }
}

/// Whether a call returns a secret's value (KV `GET`s): such files are
/// never parsed.
fn holds_value(facts: &Facts, call: &Call) -> bool {
    if call.list {
        return false;
    }
    match facts.mount_of(&call.api) {
        Some((m, rest)) if m.kind == "kv" || m.kind == "generic" => {
            m.kv_version == 1 || rest.starts_with("data/") || rest == "data"
        }
        Some((m, rest)) if m.kind == "cubbyhole" => !rest.is_empty(),
        _ => false,
    }
}

/// The node of the KV secret a value read (`MOUNT/data/PATH` in KV 2,
/// `MOUNT/PATH` in KV 1), and whether its mount is KV 2.
fn value_secret(facts: &Facts, api: &str) -> Option<(String, bool)> {
    let (m, rest) = facts.mount_of(api)?;
    if m.kind != "kv" && m.kind != "generic" {
        return None;
    }
    let kv2 = m.kv_version == 2;
    let secret_path = if kv2 {
        rest.strip_prefix("data/")?
    } else {
        rest
    };
    let cluster = facts.cluster_name.as_deref().unwrap_or("vault");
    let secret = blastgraph_model::ids::vault_path(
        cluster,
        &crate::facts::qualify(&m.ns, &m.path),
        secret_path,
    );
    Some((secret, kv2))
}

/// `--inspect-secret-values`: a KV read's value, in memory only, scanned
/// for credentials; each one becomes a hint on the secret's node (what
/// identifies it, never the value).
fn inspect_value(facts: &Facts, call: &Call, path: &str, bytes: &[u8], out: &mut EstateBuilder) {
    let Some((secret, kv2)) = value_secret(facts, &call.api) else {
        return;
    };
    // Where the value sits in the read's answer.
    let (pointer, location) = if kv2 {
        ("/data/data", "$.data.data")
    } else {
        ("/data", "$.data")
    };
    let Some(value) = read_or_report(path, bytes, out) else {
        return;
    };
    let text = value
        .pointer(pointer)
        .and_then(|v| serde_json::to_string(v).ok())
        .unwrap_or_default();
    drop(value);
    out.inspect_secret_value(&secret, &text, path, location);
}

/// `blastgraph-inspected.json`, what `collect vault --inspect-secret-values`
/// found in the values it read (never a value): with the flag, each
/// credential becomes a hint on its secret's node
/// ([`blastgraph_model::credentials::read_inspected_file`]).
fn read_inspected(facts: &Facts, path: &str, bytes: &[u8], out: &mut EstateBuilder) {
    let Some(value) = read_or_report(path, bytes, out) else {
        return;
    };
    let top = match top_of(path, &value) {
        Ok(t) => t,
        Err(e) => return out.file_error(&e),
    };
    for entry in blastgraph_model::credentials::read_inspected_file(&top, out) {
        let Some((secret, _)) = value_secret(facts, &entry.secret) else {
            out.warning_code(
                Code::UnresolvedReference,
                format!("{}.secret", entry.at),
                format!(
                    "`{}` is not a KV read of a mount in sys/mounts.json; skipped",
                    entry.secret
                ),
            );
            continue;
        };
        for (f, at) in &entry.found {
            out.add_found(&secret, f, path, at);
        }
    }
}

/// A document's top level as an object, or the file's shape error.
fn top_of<'v>(path: &str, value: &'v serde_json::Value) -> Result<Obj<'v>, IngestError> {
    Obj::new(value, "$".into()).map_err(|e| IngestError::Shape {
        file: path.to_string(),
        location: e.location,
        message: e.message,
    })
}
