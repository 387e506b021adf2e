//! Helpers shared by the AWS connector's test files.
#![allow(dead_code)]

use blastgraph_model::{EdgeKind, Estate};
use serde_json::{Value, json};

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
