//! `blast`: everything an attacker holding the start identities can reach.
//!
//! One multi-source breadth-first search over pivot steps, so every held node
//! and every target comes with a shortest witness path (parent edges).
//! Targets keep their highest access level; among the edges that give it,
//! the one closest to the start is the witness.

use blastgraph_graph::{EdgeIx, Graph, NodeIx};
use blastgraph_model::{AccessLevel, Class};

use crate::traverse::{Filter, NONE, step, walk_back};

/// Options of a forward query.
#[derive(Debug, Clone, Default)]
pub struct BlastOptions {
    /// Longest path reported, in hops (edges).
    pub max_hops: Option<u32>,
    /// Edges and nodes that may be used.
    pub filter: Filter,
}

/// A node the attacker comes to hold (identity, group, credential, secret, scope).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    /// The node.
    pub node: NodeIx,
    /// Shortest number of hops from a start.
    pub hops: u32,
}

/// A target reached, with the highest access level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetHit {
    /// The target.
    pub node: NodeIx,
    /// Highest access level.
    pub level: AccessLevel,
    /// Hops of the shortest path that gives that level.
    pub hops: u32,
    /// The last edge of that path.
    pub via: EdgeIx,
}

/// The result of a blast query.
#[derive(Debug, Clone)]
pub struct Blast {
    /// The compromised identities.
    pub starts: Vec<NodeIx>,
    /// Nodes held beyond the starts, in breadth-first order.
    pub held: Vec<Held>,
    /// Targets reached, in the order first reached.
    pub targets: Vec<TargetHit>,
    parent: Vec<EdgeIx>,
}

impl Blast {
    /// The witness path to a held node (empty for a start).
    pub fn path_to_held(&self, g: &Graph, n: NodeIx) -> Vec<EdgeIx> {
        walk_back(g, &self.parent, n)
    }

    /// The witness path to a target.
    pub fn path_to_target(&self, g: &Graph, t: &TargetHit) -> Vec<EdgeIx> {
        let mut p = walk_back(g, &self.parent, g.edge(t.via).from);
        p.push(t.via);
        p
    }

    /// Held nodes of the given classes.
    pub fn held_of(&self, g: &Graph, pred: impl Fn(Class) -> bool) -> impl Iterator<Item = &Held> {
        self.held.iter().filter(move |h| pred(g.class(h.node)))
    }
}

/// Runs a blast query from `starts`.
pub fn blast(g: &Graph, starts: &[NodeIx], opts: &BlastOptions) -> Blast {
    let n = g.node_count();
    let classes = g.classes();
    let mut dist = vec![0u32; n]; // hops + 1; 0 = not held
    let mut parent = vec![NONE; n];
    let mut best = vec![0u8; n]; // level index + 1; 0 = not reached as target
    let mut tix = vec![0u32; n]; // position in `targets`
    let mut targets: Vec<TargetHit> = Vec::new();
    let mut queue: Vec<NodeIx> = Vec::new();
    let mut seen_starts = Vec::new();
    for &s in starts {
        if (s as usize) < n && dist[s as usize] == 0 && opts.filter.has_node(s) {
            dist[s as usize] = 1;
            queue.push(s);
            seen_starts.push(s);
        }
    }
    let max_hops = opts.max_hops.unwrap_or(u32::MAX);
    let mut head = 0;
    while let Some(&u) = queue.get(head) {
        head += 1;
        let du = dist[u as usize] - 1;
        if du >= max_hops {
            continue;
        }
        let cu = classes[u as usize];
        let range = g.out_range(u);
        for (k, e) in g.edges()[range.clone()].iter().enumerate() {
            let ix = (range.start + k) as EdgeIx;
            if !opts.filter.allows(ix, e) {
                continue;
            }
            let v = e.to as usize;
            let s = step(e, cu, classes[v]);
            if let Some(level) = s.level {
                let rank = level.index() as u8 + 1;
                if best[v] == 0 {
                    best[v] = rank;
                    tix[v] = targets.len() as u32;
                    targets.push(TargetHit {
                        node: e.to,
                        level,
                        hops: du + 1,
                        via: ix,
                    });
                } else if rank > best[v] {
                    best[v] = rank;
                    if let Some(t) = targets.get_mut(tix[v] as usize) {
                        t.level = level;
                        t.hops = du + 1;
                        t.via = ix;
                    }
                }
            }
            if s.pivot && dist[v] == 0 {
                dist[v] = du + 2;
                parent[v] = ix;
                queue.push(e.to);
            }
        }
    }
    let held = queue
        .iter()
        .skip(seen_starts.len())
        .map(|&node| Held {
            node,
            hops: dist[node as usize] - 1,
        })
        .collect();
    Blast {
        starts: seen_starts,
        held,
        targets,
        parent,
    }
}
