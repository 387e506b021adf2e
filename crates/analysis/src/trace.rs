//! `trace`: the k shortest distinct pivot chains from one node to another.
//!
//! Yen's algorithm over breadth-first shortest paths (every hop costs one).
//! Chains are distinct as sequences of nodes: two parallel edges between the
//! same pair are one chain (the first, in edge order, is shown as evidence).
//! Chains are loopless. The last hop may be an access edge when the
//! destination is a target.

use std::collections::{BTreeSet, HashSet};

use blastgraph_graph::{EdgeIx, Graph, NodeIx};

use crate::blast::BlastOptions;
use crate::traverse::{NONE, step};

/// Shortest path from `src` to `dst` avoiding `banned` nodes and, out of
/// `src` only, the first hops in `banned_next`.
fn shortest(
    g: &Graph,
    src: NodeIx,
    dst: NodeIx,
    banned: &HashSet<NodeIx>,
    banned_next: &HashSet<NodeIx>,
    opts: &BlastOptions,
    budget: u32,
) -> Option<Vec<EdgeIx>> {
    let classes = g.classes();
    let mut parent: std::collections::HashMap<NodeIx, (EdgeIx, u32)> =
        std::collections::HashMap::new();
    parent.insert(src, (NONE, 0));
    let mut queue = std::collections::VecDeque::from([src]);
    while let Some(u) = queue.pop_front() {
        let du = parent.get(&u).map_or(0, |p| p.1);
        if du >= budget {
            continue;
        }
        for (ix, e) in g.out_edges(u) {
            if !opts.filter.allows(ix, e) || (u == src && banned_next.contains(&e.to)) {
                continue;
            }
            let s = step(e, classes[u as usize], classes[e.to as usize]);
            if e.to == dst && (s.pivot || s.level.is_some()) {
                let mut path = Vec::new();
                let mut cur = u;
                while let Some(&(pe, _)) = parent.get(&cur) {
                    if pe == NONE {
                        break;
                    }
                    path.push(pe);
                    cur = g.edge(pe).from;
                }
                path.reverse();
                path.push(ix);
                return Some(path);
            }
            if s.pivot && !banned.contains(&e.to) && !parent.contains_key(&e.to) {
                parent.insert(e.to, (ix, du + 1));
                queue.push_back(e.to);
            }
        }
    }
    None
}

fn nodes_of(g: &Graph, path: &[EdgeIx]) -> Vec<NodeIx> {
    let mut v: Vec<NodeIx> = path.iter().map(|&e| g.edge(e).from).collect();
    if let Some(&last) = path.last() {
        v.push(g.edge(last).to);
    }
    v
}

/// Orders chains: fewer hops first, then by the ids of their nodes.
type ChainKey = (usize, Vec<String>);

/// The `k` shortest distinct loopless chains from `from` to `to`, shortest
/// first; ties are ordered by their node ids.
pub fn trace(
    g: &Graph,
    from: NodeIx,
    to: NodeIx,
    k: usize,
    opts: &BlastOptions,
) -> Vec<Vec<EdgeIx>> {
    let budget = opts.max_hops.unwrap_or(u32::MAX);
    let none = HashSet::new();
    if from == to || k == 0 {
        return Vec::new();
    }
    let Some(first) = shortest(g, from, to, &none, &none, opts, budget) else {
        return Vec::new();
    };
    let key = |p: &Vec<EdgeIx>| -> ChainKey {
        (
            p.len(),
            nodes_of(g, p)
                .iter()
                .map(|&n| g.id(n).to_string())
                .collect(),
        )
    };
    let mut accepted: Vec<Vec<EdgeIx>> = vec![first];
    let mut seen: HashSet<Vec<NodeIx>> = HashSet::from([nodes_of(g, &accepted[0])]);
    // Candidates ordered by (hops, node ids) so that ties break the same way every run.
    let mut candidates: BTreeSet<(ChainKey, Vec<EdgeIx>)> = BTreeSet::new();
    while accepted.len() < k {
        let Some(prev) = accepted.last().cloned() else {
            break;
        };
        let prev_nodes = nodes_of(g, &prev);
        for i in 0..prev.len() {
            let spur = prev_nodes[i];
            let root = &prev[..i];
            let root_nodes = &prev_nodes[..i];
            let banned_next: HashSet<NodeIx> = accepted
                .iter()
                .filter(|p| p.len() > i && nodes_of(g, p).get(..=i) == prev_nodes.get(..=i))
                .filter_map(|p| p.get(i).map(|&e| g.edge(e).to))
                .collect();
            let banned: HashSet<NodeIx> = root_nodes.iter().copied().collect();
            let left = budget.saturating_sub(i as u32);
            if let Some(spur_path) = shortest(g, spur, to, &banned, &banned_next, opts, left) {
                let mut total = root.to_vec();
                total.extend(spur_path);
                let nodes = nodes_of(g, &total);
                if !seen.contains(&nodes) {
                    seen.insert(nodes);
                    candidates.insert((key(&total), total));
                }
            }
        }
        let Some(best) = candidates.pop_first() else {
            break;
        };
        accepted.push(best.1);
    }
    accepted
}
