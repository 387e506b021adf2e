//! The one fixture builder of the AWS tests: statements, policy documents,
//! the negative twins, ingest of a raw snapshot built in memory.

use blastgraph_connector_aws::{AwsAuthDetailsConnector, ReadByAccount, ReadWhole};
use blastgraph_model::{EdgeKind, Estate};
use serde_json::{Value, json};

/// Reads JSON files (path, content) together with `ingest_all`, as
/// `blastgraph --input DIR` does with a raw snapshot: every case whole
/// (`ReadWhole`), one account at a time (`ReadByAccount`), as the
/// registered connector chooses, in 2 and 3 shards merged, and with its
/// edge rows spilled to a file in blocks of 3, which must give the same
/// nodes, edges, diagnostics and input counts.
pub fn ingest_json(files: &[(String, Value)]) -> Estate {
    let bytes: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(p, v)| (p.clone(), serde_json::to_vec_pretty(v).expect("JSON")))
        .collect();
    let whole = blastgraph_gen::bench::ingest(&ReadWhole, &bytes).0;
    let read_by_account = blastgraph_gen::bench::ingest(&ReadByAccount, &bytes).0;
    assert_same_facts(&whole, &read_by_account);
    // The registered connector: one of the two, by the accounts given.
    let default = blastgraph_gen::bench::ingest(&AwsAuthDetailsConnector, &bytes).0;
    assert_same_facts(&whole, &default);
    // A sharded build (`build --shard I/N`, then `merge`): the accounts'
    // passes in 2 and 3 parts, merged.
    for n in [2, 3] {
        let merged = blastgraph_gen::bench::ingest_sharded(&AwsAuthDetailsConnector, &bytes, n);
        assert_same_facts(&whole, &merged);
    }
    let spill = blastgraph_gen::bench::Spill {
        store: std::sync::Arc::new(blastgraph_graph::spill::SpillFile::new(
            &std::env::temp_dir(),
        )),
        resident: 1,
        block_rows: 3,
    };
    let spilled =
        blastgraph_gen::bench::ingest_spilling(&AwsAuthDetailsConnector, &bytes, Some(spill)).0;
    assert_eq!(
        spilled.edges.rows().stored_len(),
        whole.edges.len().saturating_sub(1) / 3 * 3,
        "every block but the last is kept in the file"
    );
    assert_same_facts(&whole, &spilled);
    whole
}

/// The same nodes, edges and diagnostics (in any order) and input counts.
pub fn assert_same_facts(a: &Estate, b: &Estate) {
    fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
        v.sort();
        v
    }
    let nodes = |e: &Estate| sorted(e.nodes.iter().map(|n| format!("{n:?}")).collect());
    let edges = |e: &Estate| sorted(e.edges.iter().map(|x| format!("{x:?}")).collect());
    let diagnostics = |e: &Estate| sorted(e.diagnostics.iter().map(|d| format!("{d:?}")).collect());
    assert_eq!(nodes(a), nodes(b), "nodes read at once and by account");
    assert_eq!(edges(a), edges(b), "edges read at once and by account");
    assert_eq!(
        diagnostics(a),
        diagnostics(b),
        "diagnostics read at once and by account"
    );
    assert_eq!(a.inputs, b.inputs, "inputs read at once and by account");
}

/// The account of every fixture.
pub const A: &str = "111122223333";

/// An IAM ARN of the fixture account: `arn:aws:iam::111122223333:REST`.
pub fn iam(rest: &str) -> String {
    format!("arn:aws:iam::{A}:{rest}")
}

/// `Allow` of `actions` on `resource` (one ARN, or a list of them).
pub fn allow<R: serde::Serialize + ?Sized>(actions: &[&str], resource: &R) -> Value {
    json!({"Effect": "Allow", "Action": actions, "Resource": resource})
}

/// `Allow` under a condition.
pub fn allow_if<R: serde::Serialize + ?Sized>(
    actions: &[&str],
    resource: &R,
    condition: Value,
) -> Value {
    json!({"Effect": "Allow", "Action": actions, "Resource": resource, "Condition": condition})
}

/// `iam:PassRole` on one role of the fixture account, to one service.
pub fn pass_role(role: &str, service: &str) -> Value {
    allow_if(
        &["iam:PassRole"],
        &iam(&format!("role/{role}")),
        json!({"StringEquals": {"iam:PassedToService": service}}),
    )
}

/// The single change a negative twin makes to the attacker (or its key
/// grant); each test module applies the ones that concern it.
#[derive(Clone, Copy, Debug)]
pub enum Twin {
    /// NT-res: the key grant names another resource (PassRole: `role/harmless`).
    Res,
    /// NT-deny: a second managed policy attached to the attacker denies it.
    Deny(&'static str),
    /// NT-pb: a permissions boundary that allows everything but it.
    Boundary(&'static str),
    /// NT-cond: the key grant requires `aws:PrincipalTag/team = iam-admins`
    /// (the attacker is tagged `team = web`).
    Tag,
    /// NT-cond: PassRole only with `iam:PassedToService` = another service.
    OtherService,
}

/// A policy document of these statements.
pub fn document(statements: &[Value]) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// The pivot edges (`can_escalate`, `can_act_as`, `can_assume`) from `from`:
/// (kind, to, mechanism, conditional), in edge order. Edges through
/// resources whose inventory was not collected (`unseen` rule, tested in
/// `existing::unseen_inventory`) are left out: the method fixtures are lone
/// authorization-details files, where every such resource may exist.
pub fn pivots(e: &Estate, from: &str) -> Vec<(EdgeKind, String, String, bool)> {
    e.edges
        .iter()
        .filter(|x| !x.to.contains("/unseen/"))
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

/// An edge seen through its words: (to, mechanism, conditional, condition,
/// reason).
pub type Said = (String, String, bool, String, String);

/// The `can_act_as` edges of `from` whose mechanism names `mechanism`,
/// leaving out those to unseen-inventory nodes.
pub fn acts_via(e: &Estate, from: &str, mechanism: &str) -> Vec<Said> {
    e.edges
        .iter()
        .filter(|x| x.kind == EdgeKind::CanActAs && x.from == from)
        .filter(|x| !x.to.contains("/unseen/"))
        .filter(|x| {
            x.mechanism
                .as_deref()
                .is_some_and(|m| m.contains(mechanism))
        })
        .map(|x| {
            (
                x.to.clone(),
                x.mechanism.clone().unwrap_or_default(),
                x.conditional,
                x.condition.clone().unwrap_or_default(),
                x.provenance.reason.clone(),
            )
        })
        .collect()
}
