//! What the Azure tests share: the Contoso fixture's ids and readers of
//! an estate's edges.

#![expect(
    clippy::expect_used,
    reason = "helpers outside `#[test]` functions read files and may fail loudly"
)]

use std::path::{Path, PathBuf};

use blastgraph_connector_azure::AzureConnector;
use blastgraph_model::{Connector, EdgeKind, Estate, EstateBuilder};

pub const TENANT: &str = "4a3b2c1d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";

/// The fixture's object ids: `g(n)` of the generator.
pub fn g(n: u32) -> String {
    format!("{:08x}-0000-4000-8000-{n:012x}", 0xa000_0000u32 + n)
}

pub fn user(n: u32) -> String {
    format!("entra:{}", g(n))
}

pub fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    out.extend(blastgraph_gen::files_under(dir));
}

/// Reads the raw fixture, leaving out files whose path contains one of
/// `skip`.
pub fn contoso_without(skip: &[&str]) -> Estate {
    folder_without("../../tests/scenarios/azure-tenant/inputs", skip)
}

/// Reads every file under `rel` (from this crate's folder, or an absolute
/// path), leaving out
/// files whose path contains one of `skip`.
pub fn folder_without(rel: &str, skip: &[&str]) -> Estate {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let mut paths = Vec::new();
    files(&root, &mut paths);
    let loaded: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .filter(|p| !p.ends_with(".py") && !skip.iter().any(|s| p.contains(s)))
        .map(|p| {
            let bytes = std::fs::read(&p).expect("read");
            (p, bytes)
        })
        .collect();
    ingest(&loaded)
}

pub fn ingest(files: &[(String, Vec<u8>)]) -> Estate {
    ingest_inspecting(files, false)
}

/// As [`ingest`], with or without `--inspect-secret-values`; the
/// credentials inspected values hold are placed once all is read.
pub fn ingest_inspecting(files: &[(String, Vec<u8>)], inspect: bool) -> Estate {
    let inputs = blastgraph_gen::bench::inputs(files);
    for f in &inputs {
        assert!(
            AzureConnector.detect(f.path, f.bytes),
            "{} is not detected",
            f.path
        );
    }
    let mut b = EstateBuilder::new();
    b.set_inspect_values(inspect);
    AzureConnector.ingest_all(&inputs, &mut b);
    b.resolve_credential_hints();
    b.finish()
}

pub fn contoso() -> Estate {
    contoso_without(&[])
}

/// The edges from `from` to `to` of `kind`: (conditional, reason).
pub fn edges(e: &Estate, from: &str, to: &str, kind: EdgeKind) -> Vec<(bool, String)> {
    e.edges
        .to_vec()
        .into_iter()
        .filter(|x| x.from == from && x.to == to && x.kind == kind)
        .map(|x| (x.conditional, x.condition.unwrap_or_default()))
        .collect()
}

pub fn firm(e: &Estate, from: &str, to: &str, kind: EdgeKind) -> bool {
    edges(e, from, to, kind).iter().any(|(c, _)| !c)
}

pub fn any_from(e: &Estate, from: &str) -> usize {
    e.edges.to_vec().iter().filter(|x| x.from == from).count()
}

pub fn admin() -> String {
    format!("entra:tenant/{TENANT}/admin")
}

pub fn hub(name: &str) -> String {
    format!("entra:tenant/{TENANT}/{name}")
}

pub fn arm(id: &str) -> String {
    blastgraph_model::ids::arm_resource(id)
}

pub const RG_ML: &str = "/subscriptions/a0000259-0000-4000-8000-000000000259/resourcegroups/rg-ml";

/// Whether a password-reset hub reaches a user: directly, or through the
/// hub of the users no tier protects.
pub fn resets(e: &Estate, hub_id: &str, user_id: &str) -> bool {
    let unprotected = hub("password-reset/unprotected");
    firm(e, hub_id, user_id, EdgeKind::CanActAs)
        || (firm(e, hub_id, &unprotected, EdgeKind::CanActAs)
            && firm(e, &unprotected, user_id, EdgeKind::CanActAs))
}

/// Every edge from `from` to `to`, whole.
pub fn between(e: &Estate, from: &str, to: &str) -> Vec<blastgraph_model::Edge> {
    e.edges
        .to_vec()
        .into_iter()
        .filter(|x| x.from == from && x.to == to)
        .collect()
}
