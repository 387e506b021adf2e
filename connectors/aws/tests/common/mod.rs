//! Helpers shared by the AWS connector's test files.
#![allow(dead_code)]

use blastgraph_connector_aws::AwsAuthDetailsConnector;
use blastgraph_model::{Connector, EdgeKind, Estate, EstateBuilder, InputFile};
use serde_json::{Value, json};

/// Reads JSON files (path, content) together with `ingest_all`, as
/// `blastgraph --input DIR` does with a raw snapshot.
pub fn ingest_json(files: &[(String, Value)]) -> Estate {
    let bytes: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(p, v)| (p.clone(), serde_json::to_vec_pretty(v).expect("JSON")))
        .collect();
    let inputs: Vec<InputFile<'_>> = bytes
        .iter()
        .map(|(path, bytes)| InputFile {
            path,
            bytes,
            sha256: "",
        })
        .collect();
    let mut b = EstateBuilder::new();
    AwsAuthDetailsConnector.ingest_all(&inputs, &mut b);
    b.finish()
}

/// A policy document of these statements.
pub fn document(statements: &[Value]) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// The pivot edges (`can_escalate`, `can_act_as`, `can_assume`) from `from`:
/// (kind, to, mechanism, conditional), in edge order.
pub fn pivots(e: &Estate, from: &str) -> Vec<(EdgeKind, String, String, bool)> {
    e.edges
        .iter()
        .filter(|x| {
            x.from == from
                && matches!(
                    x.kind,
                    EdgeKind::CanEscalate | EdgeKind::CanActAs | EdgeKind::CanAssume
                )
        })
        .map(|x| {
            (
                x.kind,
                x.to.clone(),
                x.mechanism.clone().unwrap_or_default(),
                x.conditional,
            )
        })
        .collect()
}
