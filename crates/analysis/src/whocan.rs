//! `who-can`: every identity that can reach a node, with a path each.
//!
//! A reverse breadth-first search from the node over the same [`step`] rule
//! that `blast` uses forward. To give each identity its *highest* access
//! level, the search runs once per level, strongest first, seeded by the
//! edges that give that level; an identity keeps the first level that
//! reaches it. For a node that is held rather than accessed (an identity,
//! a credential, a scope) one search seeded by pivot steps suffices. Each
//! search runs over firm edges first: an identity a firm path reaches is
//! reported with that path, as `blast` reports it; the others with their
//! shortest path through conditions.

use blastgraph_graph::{EdgeIx, Graph, NodeIx};
use blastgraph_model::AccessLevel;

use crate::blast::BlastOptions;
use crate::traverse::{NONE, is_rankable, step};

/// One identity that can reach the node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reacher {
    /// The identity.
    pub node: NodeIx,
    /// Its highest access level on the node (`None`: it comes to hold the node).
    pub level: Option<AccessLevel>,
    /// Hops of its shortest path with that level.
    pub hops: u32,
    /// That path, from the identity to the node.
    pub path: Vec<EdgeIx>,
}

/// Whether an edge's level answers a `--access` request: the same level, or admin.
pub fn satisfies(level: AccessLevel, want: Option<AccessLevel>) -> bool {
    match want {
        None => true,
        Some(w) => level == w || level == AccessLevel::Admin,
    }
}

/// Runs a who-can query. `want` limits it to identities with that access
/// level (or admin) on the node.
pub fn who_can(
    g: &Graph,
    target: NodeIx,
    want: Option<AccessLevel>,
    opts: &BlastOptions,
) -> Vec<Reacher> {
    let n = g.node_count();
    let classes = g.classes();
    let tclass = g.class(target);
    let mut found: Vec<Reacher> = Vec::new();
    let mut claimed = vec![false; n];
    // Rounds: Some(level) seeds with edges recording that level; None seeds with pivots.
    let mut rounds: Vec<Option<AccessLevel>> = AccessLevel::ALL
        .iter()
        .rev()
        .copied()
        .filter(|&l| satisfies(l, want))
        .map(Some)
        .collect();
    if !tclass.is_target() && want.is_none() {
        rounds = vec![None];
    }
    if !opts.filter.has_node(target) {
        return found;
    }
    let max_hops = opts.max_hops.unwrap_or(u32::MAX);
    let mut dist = vec![0u32; n];
    let mut next = vec![NONE; n];
    // Each round twice: over firm edges first, so an identity a firm path
    // reaches is reported with that path (as blast does), then over every
    // edge for the rest, with the shortest path.
    let passes: &[bool] = if opts.filter.strict {
        &[false]
    } else {
        &[true, false]
    };
    for round in rounds {
        for &firm_only in passes {
            let allows = |ix: EdgeIx, e: &blastgraph_model::EdgeRow| {
                opts.filter.allows(ix, e) && !(firm_only && e.conditional)
            };
            dist.iter_mut().for_each(|d| *d = 0);
            let mut queue = Vec::new();
            for (ix, e) in g.in_edges(target) {
                if !allows(ix, e) {
                    continue;
                }
                let u = e.from as usize;
                let s = step(e, classes[u], tclass);
                let seeds = match round {
                    Some(l) => s.level == Some(l),
                    None => s.pivot,
                };
                if seeds && dist[u] == 0 {
                    dist[u] = 1;
                    next[u] = ix;
                    queue.push(e.from);
                }
            }
            let mut head = 0;
            while let Some(&v) = queue.get(head) {
                head += 1;
                let dv = dist[v as usize];
                if dv >= max_hops {
                    continue;
                }
                for (ix, e) in g.in_edges(v) {
                    let u = e.from as usize;
                    if dist[u] != 0 || !allows(ix, e) {
                        continue;
                    }
                    if step(e, classes[u], classes[v as usize]).pivot {
                        dist[u] = dv + 1;
                        next[u] = ix;
                        queue.push(e.from);
                    }
                }
            }
            for &u in &queue {
                if u == target || claimed[u as usize] || !is_rankable(classes[u as usize]) {
                    continue;
                }
                claimed[u as usize] = true;
                // Follow `next` for exactly `dist` hops: the path may pass
                // through the target itself before the edge that gives the
                // level.
                let mut path = Vec::new();
                let mut cur = u;
                for _ in 0..dist[u as usize] {
                    let e = next[cur as usize];
                    if e == NONE {
                        break;
                    }
                    path.push(e);
                    cur = g.edge(e).to;
                }
                found.push(Reacher {
                    node: u,
                    level: round,
                    hops: dist[u as usize],
                    path,
                });
            }
        }
    }
    found
}
