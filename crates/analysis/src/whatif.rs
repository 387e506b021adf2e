//! `what-if`: a blast radius before and after a proposed change (revoked
//! edges, removed nodes), and the difference.

use std::collections::HashMap;

use blastgraph_graph::{EdgeIx, Graph, NodeIx};
use blastgraph_model::AccessLevel;

use crate::blast::{Blast, BlastOptions, Held, TargetHit, blast};

/// The change to try.
#[derive(Debug, Clone, Default)]
pub struct Change {
    /// Edges to revoke.
    pub revoke: Vec<EdgeIx>,
    /// Nodes to remove (with every edge touching them).
    pub remove: Vec<NodeIx>,
}

/// Before, after, and what the change takes away.
#[derive(Debug, Clone)]
pub struct WhatIf {
    /// The blast radius as it is.
    pub before: Blast,
    /// The blast radius with the change.
    pub after: Blast,
    /// Targets no longer reachable at all.
    pub lost_targets: Vec<TargetHit>,
    /// Targets still reachable, with a lower level: (before, level after).
    pub reduced_targets: Vec<(TargetHit, AccessLevel)>,
    /// Nodes no longer held.
    pub lost_held: Vec<Held>,
}

/// Runs a what-if query.
pub fn what_if(g: &Graph, starts: &[NodeIx], change: &Change, opts: &BlastOptions) -> WhatIf {
    let before = blast(g, starts, opts);
    let mut changed = opts.clone();
    for &e in &change.revoke {
        changed.filter.revoked.insert(e as usize);
    }
    for &n in &change.remove {
        changed.filter.removed.insert(n as usize);
    }
    let after = blast(g, starts, &changed);
    let after_level: HashMap<NodeIx, AccessLevel> =
        after.targets.iter().map(|t| (t.node, t.level)).collect();
    let after_held: std::collections::HashSet<NodeIx> = after.held.iter().map(|h| h.node).collect();
    let mut lost_targets = Vec::new();
    let mut reduced_targets = Vec::new();
    for t in &before.targets {
        match after_level.get(&t.node) {
            None => lost_targets.push(*t),
            Some(&l) if l < t.level => reduced_targets.push((*t, l)),
            Some(_) => {}
        }
    }
    let lost_held = before
        .held
        .iter()
        .filter(|h| !after_held.contains(&h.node))
        .copied()
        .collect();
    WhatIf {
        before,
        after,
        lost_targets,
        reduced_targets,
        lost_held,
    }
}
