//! Azure and Entra ID connector: raw Microsoft Graph and Azure Resource
//! Manager responses (docs/azure-raw-layout.md) into the estate.
//!
//! Reading and deciding are apart: the readers ([`read_graph`],
//! [`read_arm`]) turn each file into [`facts::Facts`], whichever form it
//! came in; the rules ([`emit`]) turn all facts into nodes and edges once
//! every file is read, since an edge often joins facts of several files (a
//! role assignment of one subscription, a role definition of another, a
//! principal of the directory). docs/azure-connector.md says what each
//! rule decides.

mod builtin;
mod emit;
mod facts;
mod layout;
mod rbac;
mod read_arm;
mod read_azurehound;
mod read_graph;
mod tables;

use blastgraph_model::json::{Obj, read_document};
use blastgraph_model::{Connector, EstateBuilder, IngestError, InputFile};

use crate::facts::Facts;
use crate::layout::{ArmCall, Call, GraphCall};

/// The format name recorded in the manifest.
pub const FORMAT: &str = "azure";

/// The `format` of `collection.json`, the record `blastgraph collect azure`
/// writes beside the layout (docs/azure-live.md). The connector claims it,
/// so that a collected folder loads without an "unrecognised format" error,
/// and skips it: it holds no fact.
pub const COLLECTION_FORMAT: &str = "blastgraph-azure-collection";

/// Azure in the provider registry.
pub static PROVIDER: blastgraph_model::Provider = blastgraph_model::Provider {
    name: "azure",
    accepts: "a raw Microsoft Graph or Azure Resource Manager response of the Azure raw layout (`…/graph/v1.0/users.json`, `…/arm/subscriptions.json`, ...), or AzureHound output (`{\"data\":[{\"kind\":\"AZUser\",…}],…}`)",
    docs: "docs/azure-raw-layout.md",
    connector: &AzureConnector,
};

/// Reads the Azure raw layout.
#[derive(Debug, Default, Clone, Copy)]
pub struct AzureConnector;

impl Connector for AzureConnector {
    fn name(&self) -> &'static str {
        FORMAT
    }

    fn detect(&self, path: &str, head: &[u8]) -> bool {
        layout::claims(path, head) || read_azurehound::claims(head)
    }

    fn ingest(&self, path: &str, bytes: &[u8], out: &mut EstateBuilder) -> Result<(), IngestError> {
        let mut facts = Facts::default();
        let r = read_file(&mut facts, path, bytes, out);
        builtin::fill(&mut facts);
        emit::emit(&facts, out);
        r
    }

    fn ingest_all(&self, files: &[InputFile<'_>], out: &mut EstateBuilder) {
        let mut facts = Facts::default();
        for f in files {
            out.begin_input(f.path, FORMAT, f.sha256.to_string(), f.bytes.len() as u64);
            if let Err(e) = read_file(&mut facts, f.path, f.bytes, out) {
                out.file_error(&e);
            }
        }
        builtin::fill(&mut facts);
        emit::emit(&facts, out);
    }
}

/// Reads one file of the layout into `facts`.
fn read_file(
    facts: &mut Facts,
    path: &str,
    bytes: &[u8],
    out: &mut EstateBuilder,
) -> Result<(), IngestError> {
    if layout::is_collection(path, bytes) {
        return read_collection(path, bytes, out);
    }
    let file = facts.file(path);
    let call = layout::classify(path);
    if let Some(Call::SecretValue { vault, name }) = &call {
        return read_secret_value(facts, file, vault, name, path, bytes, out);
    }
    if let Some(Call::Inspected) = &call {
        return read_inspected(facts, file, path, bytes, out);
    }
    // A file of the raw layout is read as one, without scanning its head.
    if call.is_none()
        && read_azurehound::claims(bytes.get(..bytes.len().min(4096)).unwrap_or(bytes))
    {
        return read_azurehound::read(path, file, bytes, facts, out);
    }
    let value = read_document(path, bytes, out)?;
    let top = top_of(path, &value)?;
    match call {
        Some(Call::Graph(parts)) => match GraphCall::of(&parts) {
            Some(call) => read_graph::read(&call, file, &top, facts, out),
            None => out.warning(
                "$",
                format!(
                    "Graph call `{}` is not one the Azure connector reads (docs/azure-raw-layout.md lists them); file skipped",
                    parts.join("/")
                ),
            ),
        },
        Some(Call::Arm(arm)) => {
            let call = ArmCall::of(&arm);
            read_arm::read(&call, &arm, file, &top, facts, out);
        }
        Some(Call::SecretValue { .. } | Call::Inspected) | None => {
            out.warning("$", "not a file of the Azure raw layout; skipped");
        }
    }
    Ok(())
}

/// `keyvault/blastgraph-inspected.json`: what a live collection found in
/// Key Vault values (never a value), taken only with
/// `--inspect-secret-values`; a bad entry is reported and the others kept.
fn read_inspected(
    facts: &mut Facts,
    file: usize,
    path: &str,
    bytes: &[u8],
    out: &mut EstateBuilder,
) -> Result<(), IngestError> {
    let value = read_document(path, bytes, out)?;
    let top = top_of(path, &value)?;
    for entry in blastgraph_model::credentials::read_inspected_file(&top, out) {
        let Some((vault, name)) = entry.secret.split_once('/') else {
            out.error(
                format!("{}.secret", entry.at),
                format!("`{}`: expected VAULT/NAME; skipped", entry.secret),
            );
            continue;
        };
        facts.inspected.push(facts::Inspected {
            vault: vault.to_ascii_lowercase(),
            name: name.to_ascii_lowercase(),
            found: entry.found.into_iter().map(|(f, _)| f).collect(),
            at: facts::At {
                file,
                path: entry.at,
            },
        });
    }
    Ok(())
}

/// A Key Vault secret's value: with `--inspect-secret-values`, scanned in
/// memory for the credentials it holds, which the emitter places once the
/// vault is known; without it, skipped unread.
fn read_secret_value(
    facts: &mut Facts,
    file: usize,
    vault: &str,
    name: &str,
    path: &str,
    bytes: &[u8],
    out: &mut EstateBuilder,
) -> Result<(), IngestError> {
    if !out.inspect_values() {
        out.warning(
            "$",
            "a Key Vault secret's value; blastgraph reads values only with --inspect-secret-values; file skipped unread",
        );
        return Ok(());
    }
    let value = read_document(path, bytes, out)?;
    let top = top_of(path, &value)?;
    let value_of = top.opt_str("value").map_err(|e| IngestError::Shape {
        file: path.to_string(),
        location: e.location,
        message: e.message,
    })?;
    let Some(v) = value_of else {
        out.warning(
            "$",
            "no `value` in this Key Vault answer; nothing inspected",
        );
        return Ok(());
    };
    let found = blastgraph_model::credentials::scan_value(v);
    drop(value);
    facts.inspected.push(facts::Inspected {
        vault: vault.to_string(),
        name: name.to_string(),
        found,
        at: facts::At {
            file,
            path: "$.value".into(),
        },
    });
    Ok(())
}

/// `collection.json`: no fact, but every call that was refused or failed is
/// said, since what it would have listed is missing from the graph.
fn read_collection(path: &str, bytes: &[u8], out: &mut EstateBuilder) -> Result<(), IngestError> {
    let value = read_document(path, bytes, out)?;
    let top = top_of(path, &value)?;
    blastgraph_model::json::for_each_record(&top, "calls", out, |o, out| {
        let status = o.req_str("status")?;
        if status == "ok" || status == "not_found" {
            return Ok::<(), blastgraph_model::json::RecordError>(());
        }
        let api = o.req_str("api")?;
        let call = o.req_str("path")?;
        let message = o.opt_str("message")?.unwrap_or("");
        out.warning_code(
            blastgraph_model::Code::NotCollected,
            o.path.clone(),
            format!(
                "{api} {call}: {status}{}{message}; what it lists is missing from the graph",
                if message.is_empty() { "" } else { ": " }
            ),
        );
        Ok(())
    });
    Ok(())
}

/// A document's top level as an object, or the file's shape error.
pub(crate) fn top_of<'v>(path: &str, value: &'v serde_json::Value) -> Result<Obj<'v>, IngestError> {
    Obj::new(value, "$".into()).map_err(|e| IngestError::Shape {
        file: path.to_string(),
        location: e.location,
        message: e.message,
    })
}
