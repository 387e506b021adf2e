//! Answers as plain, serializable views: ids instead of indices, and every
//! hop with its provenance. JSON output is these views; tables are made
//! from them.

use std::collections::BTreeMap;

use blastgraph_graph::{EdgeIx, Graph, NodeIx};
use blastgraph_model::{AccessLevel, Class};
use serde::Serialize;

use crate::blast::{Blast, TargetHit};
use crate::rank::{Counts, RankRow};
use crate::whatif::WhatIf;
use crate::whocan::Reacher;

/// A node, as shown in answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeView {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Provider kind.
    pub kind: String,
    /// Normalized class.
    pub class: Class,
    /// Owner, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Environment, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
}

impl NodeView {
    /// The view of node `n`.
    pub fn of(g: &Graph, n: NodeIx) -> NodeView {
        let r = g.node(n);
        NodeView {
            id: r.id.to_string(),
            name: r.name.to_string(),
            kind: r.kind.to_string(),
            class: r.class,
            owner: r.attrs.owner.clone(),
            environment: r.attrs.environment.clone(),
        }
    }
}

/// One hop of a path, with the evidence that makes it possible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HopView {
    /// Edge id (give it to `what-if --revoke`).
    pub edge: String,
    /// From node id.
    pub from: String,
    /// From node name.
    pub from_name: String,
    /// To node id.
    pub to: String,
    /// To node name.
    pub to_name: String,
    /// To node class.
    pub to_class: Class,
    /// Edge kind.
    pub kind: String,
    /// Access level, on access edges.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<AccessLevel>,
    /// Mechanism, on can_act_as / can_escalate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mechanism: Option<String>,
    /// Whether an undecided condition guards it.
    pub conditional: bool,
    /// The condition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Input file.
    pub source: String,
    /// Place in the file.
    pub location: String,
    /// The statement, assignment, grant or secret behind it.
    pub reason: String,
}

/// The views of a path's hops.
pub fn hops(g: &Graph, path: &[EdgeIx]) -> Vec<HopView> {
    path.iter()
        .map(|&e| {
            let c = g.edge(e);
            let p = g.provenance(e);
            HopView {
                edge: g.edge_id(e),
                from: g.id(c.from).to_string(),
                from_name: g.node(c.from).name.to_string(),
                to: g.id(c.to).to_string(),
                to_name: g.node(c.to).name.to_string(),
                to_class: g.class(c.to),
                kind: c.kind.as_str().to_string(),
                access: c.access,
                mechanism: g.mechanism(e).map(str::to_string),
                conditional: c.conditional,
                condition: g.condition(e).map(str::to_string),
                source: p.source,
                location: p.location,
                reason: p.reason,
            }
        })
        .collect()
}

/// Like [`path_line`], but a path that passes through a scope the attacker
/// owns starts at the last such scope, in brackets: `[prod admin] -[contains]-> bucket`.
/// (The scope's own path is listed with the scopes.)
pub fn short_path_line(path: &[HopView]) -> String {
    let cut = path
        .iter()
        .enumerate()
        .rev()
        .skip(1)
        .find(|(_, h)| h.to_class == Class::Scope)
        .map(|(i, _)| i + 1);
    match cut {
        Some(i) => {
            let rest = path_line(path.get(i..).unwrap_or(&[]));
            let scope = path.get(i).map_or("", |h| h.from_name.as_str());
            format!("[{scope}]{}", rest.strip_prefix(scope).unwrap_or(&rest))
        }
        None => path_line(path),
    }
}

/// A path in one line, by names: `a -[can_assume]-> b -[access:read]-> c`;
/// a `?` marks a conditional hop.
pub fn path_line(path: &[HopView]) -> String {
    let mut s = String::new();
    for (i, h) in path.iter().enumerate() {
        if i == 0 {
            s.push_str(&h.from_name);
        }
        let label = match (h.access, &h.mechanism) {
            (Some(l), _) => format!("{}:{l}", h.kind),
            (None, Some(m)) => format!("{}:{m}", h.kind),
            (None, None) => h.kind.clone(),
        };
        let cond = if h.conditional { "?" } else { "" };
        s.push_str(&format!(" -[{label}{cond}]-> {}", h.to_name));
    }
    s
}

/// Something reached, with how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReachedView {
    /// The node.
    #[serde(flatten)]
    pub node: NodeView,
    /// Highest access level (targets only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<AccessLevel>,
    /// Hops of the witness path.
    pub hops: u32,
    /// Whether some hop of the witness path is conditional.
    pub conditional: bool,
    /// The witness path.
    pub path: Vec<HopView>,
}

/// The answer to `blast`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlastReport {
    /// The compromised identities.
    pub compromised: Vec<NodeView>,
    /// Counts per class of everything reached (identities, credentials,
    /// scopes held; targets accessed).
    pub summary: BTreeMap<String, usize>,
    /// People, workloads and groups gained.
    pub identities: Vec<ReachedView>,
    /// Credentials obtained.
    pub credentials: Vec<ReachedView>,
    /// Scopes owned.
    pub scopes: Vec<ReachedView>,
    /// Datasets, models, tools and secrets reachable.
    pub targets: Vec<ReachedView>,
}

fn reached(
    g: &Graph,
    n: NodeIx,
    access: Option<AccessLevel>,
    hops_n: u32,
    path: &[EdgeIx],
) -> ReachedView {
    ReachedView {
        node: NodeView::of(g, n),
        access,
        hops: hops_n,
        conditional: path.iter().any(|&e| g.edge(e).conditional),
        path: hops(g, path),
    }
}

/// Orders targets: class, highest level first, fewest hops, id.
fn target_order(g: &Graph, a: &TargetHit, b: &TargetHit) -> std::cmp::Ordering {
    (
        g.class(a.node),
        std::cmp::Reverse(a.level),
        a.hops,
        g.id(a.node),
    )
        .cmp(&(
            g.class(b.node),
            std::cmp::Reverse(b.level),
            b.hops,
            g.id(b.node),
        ))
}

/// The view of a blast answer.
pub fn blast_report(g: &Graph, b: &Blast) -> BlastReport {
    let mut held: Vec<_> = b.held.clone();
    held.sort_by(|x, y| (x.hops, g.id(x.node)).cmp(&(y.hops, g.id(y.node))));
    let pick = |pred: fn(Class) -> bool| -> Vec<ReachedView> {
        held.iter()
            .filter(|h| pred(g.class(h.node)))
            .map(|h| reached(g, h.node, None, h.hops, &b.path_to_held(g, h.node)))
            .collect()
    };
    let identities = pick(Class::is_identity);
    let credentials = pick(|c| c == Class::Credential);
    let scopes = pick(|c| c == Class::Scope);
    let mut ts: Vec<TargetHit> = b.targets.clone();
    ts.sort_by(|x, y| target_order(g, x, y));
    let targets: Vec<ReachedView> = ts
        .iter()
        .map(|t| reached(g, t.node, Some(t.level), t.hops, &b.path_to_target(g, t)))
        .collect();
    let mut summary: BTreeMap<String, usize> = BTreeMap::new();
    summary.insert("identities".into(), identities.len());
    summary.insert("credentials".into(), credentials.len());
    summary.insert("scopes".into(), scopes.len());
    for c in [Class::Dataset, Class::Model, Class::Tool, Class::Secret] {
        summary.insert(
            format!("{c}s"),
            ts.iter().filter(|t| g.class(t.node) == c).count(),
        );
    }
    BlastReport {
        compromised: b.starts.iter().map(|&s| NodeView::of(g, s)).collect(),
        summary,
        identities,
        credentials,
        scopes,
        targets,
    }
}

/// The answer to `who-can`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WhoCanReport {
    /// The node asked about.
    pub target: NodeView,
    /// The access level asked for, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<AccessLevel>,
    /// Every identity that can reach it, fewest hops first.
    pub identities: Vec<ReachedView>,
}

/// The view of a who-can answer.
pub fn who_can_report(
    g: &Graph,
    target: NodeIx,
    access: Option<AccessLevel>,
    rs: &[Reacher],
) -> WhoCanReport {
    let mut rs: Vec<&Reacher> = rs.iter().collect();
    rs.sort_by(|a, b| {
        (std::cmp::Reverse(a.level), a.hops, g.id(a.node)).cmp(&(
            std::cmp::Reverse(b.level),
            b.hops,
            g.id(b.node),
        ))
    });
    WhoCanReport {
        target: NodeView::of(g, target),
        access,
        identities: rs
            .iter()
            .map(|r| reached(g, r.node, r.level, r.hops, &r.path))
            .collect(),
    }
}

/// One chain of a trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainView {
    /// 1-based rank among the chains.
    pub rank: usize,
    /// Hops.
    pub hops: usize,
    /// Whether some hop is conditional.
    pub conditional: bool,
    /// The chain in one line.
    pub summary: String,
    /// Every hop with its provenance.
    pub path: Vec<HopView>,
}

/// The answer to `trace`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraceReport {
    /// Start.
    pub from: NodeView,
    /// End.
    pub to: NodeView,
    /// The chains, shortest first.
    pub chains: Vec<ChainView>,
}

/// The view of a trace answer.
pub fn trace_report(g: &Graph, from: NodeIx, to: NodeIx, chains: &[Vec<EdgeIx>]) -> TraceReport {
    TraceReport {
        from: NodeView::of(g, from),
        to: NodeView::of(g, to),
        chains: chains
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let path = hops(g, p);
                ChainView {
                    rank: i + 1,
                    hops: p.len(),
                    conditional: p.iter().any(|&e| g.edge(e).conditional),
                    summary: path_line(&path),
                    path,
                }
            })
            .collect(),
    }
}

/// A target whose access a what-if lowers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReducedView {
    /// The target.
    #[serde(flatten)]
    pub node: NodeView,
    /// Level before.
    pub before: AccessLevel,
    /// Level after.
    pub after: AccessLevel,
}

/// The answer to `what-if`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WhatIfReport {
    /// Edges revoked.
    pub revoked: Vec<String>,
    /// Nodes removed.
    pub removed: Vec<String>,
    /// Summary counts before.
    pub before: BTreeMap<String, usize>,
    /// Summary counts after.
    pub after: BTreeMap<String, usize>,
    /// Targets no longer reachable, with the path that is gone.
    pub lost_targets: Vec<ReachedView>,
    /// Targets reachable with a lower level.
    pub reduced_targets: Vec<ReducedView>,
    /// Identities, credentials and scopes no longer held.
    pub lost_identities: Vec<ReachedView>,
    /// The blast radius after the change.
    pub after_report: BlastReport,
}

/// The view of a what-if answer.
pub fn what_if_report(
    g: &Graph,
    w: &WhatIf,
    revoked: &[EdgeIx],
    removed: &[NodeIx],
) -> WhatIfReport {
    let before = blast_report(g, &w.before);
    let after_report = blast_report(g, &w.after);
    let mut lost = w.lost_targets.clone();
    lost.sort_by(|a, b| target_order(g, a, b));
    // Targets lost are listed once, under lost_targets.
    let mut lost_held: Vec<_> = w
        .lost_held
        .iter()
        .filter(|h| !g.class(h.node).is_target())
        .copied()
        .collect();
    lost_held.sort_by(|x, y| (x.hops, g.id(x.node)).cmp(&(y.hops, g.id(y.node))));
    WhatIfReport {
        revoked: revoked.iter().map(|&e| g.edge_id(e)).collect(),
        removed: removed.iter().map(|&n| g.id(n).to_string()).collect(),
        before: before.summary,
        after: after_report.summary.clone(),
        lost_targets: lost
            .iter()
            .map(|t| {
                reached(
                    g,
                    t.node,
                    Some(t.level),
                    t.hops,
                    &w.before.path_to_target(g, t),
                )
            })
            .collect(),
        reduced_targets: w
            .reduced_targets
            .iter()
            .map(|(t, l)| ReducedView {
                node: NodeView::of(g, t.node),
                before: t.level,
                after: *l,
            })
            .collect(),
        lost_identities: lost_held
            .iter()
            .map(|h| reached(g, h.node, None, h.hops, &w.before.path_to_held(g, h.node)))
            .collect(),
        after_report,
    }
}

/// One row of the rank table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RankView {
    /// 1-based position.
    pub rank: usize,
    /// The identity.
    #[serde(flatten)]
    pub node: NodeView,
    /// Risk score of the firm reach.
    pub score: u64,
    /// What it reaches (firm: conditional edges dropped).
    #[serde(flatten)]
    pub counts: Counts,
    /// Risk score of the possible reach (conditional edges kept).
    pub possible_score: u64,
    /// What it may reach if every undecided condition holds.
    pub possible: Counts,
}

/// The views of rank rows.
pub fn rank_report(g: &Graph, rows: &[RankRow]) -> Vec<RankView> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| RankView {
            rank: i + 1,
            node: NodeView::of(g, r.node),
            score: r.score,
            counts: r.counts,
            possible_score: r.possible_score,
            possible: r.possible,
        })
        .collect()
}
