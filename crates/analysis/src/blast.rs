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
    let mut st = Walk {
        g,
        opts,
        dist: vec![0u32; n], // hops + 1; 0 = not held
        parent: vec![NONE; n],
        best: vec![0u8; n], // level index + 1; 0 = not reached as target
        tix: vec![0u32; n], // position in `targets`
        targets: Vec::new(),
    };
    let mut queue: Vec<NodeIx> = Vec::new();
    let mut seen_starts = Vec::new();
    for &s in starts {
        if (s as usize) < n && st.dist[s as usize] == 0 && opts.filter.has_node(s) {
            st.dist[s as usize] = 1;
            queue.push(s);
            seen_starts.push(s);
        }
    }
    let max_hops = opts.max_hops.unwrap_or(u32::MAX);
    // Phase 1, firm: breadth-first over the edges the inputs decide. A node
    // or target reached here keeps its firm witness, however short a
    // conditional path to it would be.
    let mut head = 0;
    while let Some(&u) = queue.get(head) {
        head += 1;
        let du = st.dist[u as usize] - 1;
        if du < max_hops {
            st.visit(u, du, Edges::Firm, &mut queue);
        }
    }
    // Phase 2, possible: unless the query is strict, conditional edges too,
    // from every node held so far at its firm distance, one hop count after
    // the other, so that a node reached only through a condition gets its
    // shortest such path, and a target a higher level only through one.
    // A node held in phase 1 has had its firm edges followed already: only
    // its conditional ones can give more.
    if !opts.filter.strict {
        let mut buckets: Vec<Vec<(NodeIx, Edges)>> = Vec::new();
        for &u in &queue {
            let d = (st.dist[u as usize] - 1) as usize;
            if buckets.len() <= d {
                buckets.resize_with(d + 1, Vec::new);
            }
            if let Some(b) = buckets.get_mut(d) {
                b.push((u, Edges::Conditional));
            }
        }
        let mut d = 0;
        while let Some(nodes) = buckets.get_mut(d).map(std::mem::take) {
            let du = d as u32;
            let mut next = Vec::new();
            if du < max_hops {
                for &(u, edges) in &nodes {
                    st.visit(u, du, edges, &mut next);
                }
            }
            queue.extend_from_slice(&next);
            if !next.is_empty() {
                if buckets.len() <= d + 1 {
                    buckets.resize_with(d + 2, Vec::new);
                }
                if let Some(b) = buckets.get_mut(d + 1) {
                    b.extend(next.iter().map(|&v| (v, Edges::All)));
                }
            }
            d += 1;
        }
    }
    let held = queue
        .iter()
        .skip(seen_starts.len())
        .map(|&node| Held {
            node,
            hops: st.dist[node as usize] - 1,
        })
        .collect();
    Blast {
        starts: seen_starts,
        held,
        targets: st.targets,
        parent: st.parent,
    }
}

/// Which out-edges of a node a step of the traversal follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edges {
    Firm,
    Conditional,
    All,
}

/// The state of one blast traversal.
struct Walk<'a> {
    g: &'a Graph,
    opts: &'a BlastOptions,
    dist: Vec<u32>,
    parent: Vec<EdgeIx>,
    best: Vec<u8>,
    tix: Vec<u32>,
    targets: Vec<TargetHit>,
}

impl Walk<'_> {
    /// Follows the out-edges of `u` (held at `du` hops): records the target
    /// levels they give and appends newly held identities to `held`.
    /// `edges` says which of them to follow.
    fn visit(&mut self, u: NodeIx, du: u32, edges: Edges, held: &mut Vec<NodeIx>) {
        let g = self.g;
        let classes = g.classes();
        let cu = classes[u as usize];
        let range = g.out_range(u);
        for (k, e) in g.edges()[range.clone()].iter().enumerate() {
            let ix = (range.start + k) as EdgeIx;
            let wanted = match edges {
                Edges::Firm => !e.conditional,
                Edges::Conditional => e.conditional,
                Edges::All => true,
            };
            if !wanted || !self.opts.filter.allows(ix, e) {
                continue;
            }
            let v = e.to as usize;
            let s = step(e, cu, classes[v]);
            if let Some(level) = s.level {
                let rank = level.index() as u8 + 1;
                if self.best[v] == 0 {
                    self.best[v] = rank;
                    self.tix[v] = self.targets.len() as u32;
                    self.targets.push(TargetHit {
                        node: e.to,
                        level,
                        hops: du + 1,
                        via: ix,
                    });
                } else if rank > self.best[v] {
                    self.best[v] = rank;
                    if let Some(t) = self.targets.get_mut(self.tix[v] as usize) {
                        t.level = level;
                        t.hops = du + 1;
                        t.via = ix;
                    }
                }
            }
            if s.pivot && self.dist[v] == 0 {
                self.dist[v] = du + 2;
                self.parent[v] = ix;
                held.push(e.to);
            }
        }
    }
}
