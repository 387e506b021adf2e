//! `rank`: every identity's blast radius at once.
//!
//! One traversal per identity would repeat the same work millions of times,
//! so rank shares it:
//!
//! 1. Nodes that reach each other (a strongly connected component of the
//!    pivot steps) reach the same things. Components are found with an
//!    iterative Tarjan search and each is solved once.
//! 2. Tarjan numbers components children first, so a component's reach is
//!    its members, the targets they record, and its children's reaches.
//!    Components are processed level by level (a level's children are all
//!    in lower levels), each level in parallel with rayon.
//! 3. A reach is a sorted list of node indices while it is small. When it
//!    grows past a threshold the component becomes a *hub* (an account
//!    admin, a widely trusted role, a big cycle): its reach is stored once as
//!    a bit set, and parents refer to the hub instead of copying it. A
//!    component's reach is then (its own sorted list) ∪ (a few hubs), and
//!    counts of a union of hubs are computed with per-class bit masks and
//!    cached.
//!
//! The counts are exactly those of `blast` from that identity (a property
//! test checks it on random graphs).

use std::collections::HashMap;
use std::sync::Mutex;

use blastgraph_graph::{Graph, NodeIx};
use blastgraph_model::Class;
use rayon::prelude::*;
use serde::Serialize;

use crate::traverse::{BitSet, Filter, NONE, is_rankable, step};

/// Reachable things per kind, for one identity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Counts {
    /// People, workloads and groups gained.
    pub identities: u32,
    /// Credentials obtained.
    pub credentials: u32,
    /// Scopes owned (account admin, tenant admin, subscription owner).
    pub scopes: u32,
    /// Secrets readable.
    pub secrets: u32,
    /// Datasets reachable.
    pub datasets: u32,
    /// Models reachable.
    pub models: u32,
    /// Tools reachable.
    pub tools: u32,
}

impl Counts {
    /// Counts from per-class counts of a reach that includes the identity itself.
    fn from_classes(c: &[u32; 9], own: Class) -> Counts {
        let mut c = *c;
        if let Some(x) = c.get_mut(own.index()) {
            *x = x.saturating_sub(1);
        }
        let at = |k: Class| c.get(k.index()).copied().unwrap_or(0);
        Counts {
            identities: at(Class::Human) + at(Class::Workload) + at(Class::Group),
            credentials: at(Class::Credential),
            scopes: at(Class::Scope),
            secrets: at(Class::Secret),
            datasets: at(Class::Dataset),
            models: at(Class::Model),
            tools: at(Class::Tool),
        }
    }

    /// The risk score (documented in the README):
    /// `100·scopes + 10·models + 8·datasets + 6·secrets + 4·tools + 2·identities + 1·credentials`.
    pub fn score(&self) -> u64 {
        100 * u64::from(self.scopes)
            + 10 * u64::from(self.models)
            + 8 * u64::from(self.datasets)
            + 6 * u64::from(self.secrets)
            + 4 * u64::from(self.tools)
            + 2 * u64::from(self.identities)
            + u64::from(self.credentials)
    }
}

/// One identity's row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RankRow {
    /// The identity.
    pub node: NodeIx,
    /// What it reaches (under the filter asked for; firm in
    /// [`rank_firm_and_possible`]).
    pub counts: Counts,
    /// [`Counts::score`].
    pub score: u64,
    /// What it may reach when conditional edges hold too (equal to
    /// `counts` from [`rank`], which uses one filter).
    pub possible: Counts,
    /// [`Counts::score`] of `possible`.
    pub possible_score: u64,
}

/// How rank went, for benchmarks and curious users.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RankStats {
    /// Strongly connected components of pivot steps.
    pub components: usize,
    /// Components whose reach became a shared bit set.
    pub hubs: usize,
    /// Levels processed one after the other.
    pub levels: usize,
}

enum Rep {
    Set {
        direct: Box<[u32]>,
        hubs: Box<[u32]>,
    },
    Hub(u32),
}

struct Hub {
    bits: BitSet,
    counts: [u32; 9],
    /// A member, to test whether another hub's reach contains this one.
    member: NodeIx,
    /// Whether `member` is held in every reach that contains it.
    member_is_held: bool,
}

/// A compact adjacency (offsets + targets).
struct Adj {
    off: Vec<u32>,
    to: Vec<u32>,
}

impl Adj {
    fn of(&self, n: usize) -> &[u32] {
        match (self.off.get(n), self.off.get(n + 1)) {
            (Some(&a), Some(&b)) => self.to.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

fn split_edges(g: &Graph, filter: &Filter) -> (Adj, Adj) {
    let n = g.node_count();
    let classes = g.classes();
    let mut pivot = Adj {
        off: Vec::with_capacity(n + 1),
        to: Vec::new(),
    };
    let mut record = Adj {
        off: Vec::with_capacity(n + 1),
        to: Vec::new(),
    };
    pivot.off.push(0);
    record.off.push(0);
    for u in 0..n as NodeIx {
        let cu = classes[u as usize];
        for (ix, e) in g.out_edges(u) {
            if !filter.allows(ix, e) {
                continue;
            }
            let s = step(e, cu, classes[e.to as usize]);
            if s.pivot {
                pivot.to.push(e.to);
            } else if s.level.is_some() {
                record.to.push(e.to);
            }
        }
        pivot.off.push(pivot.to.len() as u32);
        record.off.push(record.to.len() as u32);
    }
    (pivot, record)
}

/// Iterative Tarjan: component of each node, numbered children first.
fn tarjan(n: usize, adj: &Adj) -> (Vec<u32>, usize) {
    let mut index = vec![NONE; n];
    let mut low = vec![0u32; n];
    let mut comp = vec![NONE; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut call: Vec<(u32, u32)> = Vec::new();
    let mut next_index = 0u32;
    let mut ncomp = 0u32;
    for root in 0..n as u32 {
        if index[root as usize] != NONE {
            continue;
        }
        call.push((root, 0));
        index[root as usize] = next_index;
        low[root as usize] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root as usize] = true;
        while let Some(&mut (v, ref mut pos)) = call.last_mut() {
            let succ = adj.of(v as usize);
            if let Some(&w) = succ.get(*pos as usize) {
                *pos += 1;
                let wi = w as usize;
                if index[wi] == NONE {
                    index[wi] = next_index;
                    low[wi] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[wi] = true;
                    call.push((w, 0));
                } else if on_stack[wi] {
                    low[v as usize] = low[v as usize].min(index[wi]);
                }
                continue;
            }
            call.pop();
            if let Some(&(parent, _)) = call.last() {
                low[parent as usize] = low[parent as usize].min(low[v as usize]);
            }
            if low[v as usize] == index[v as usize] {
                while let Some(w) = stack.pop() {
                    on_stack[w as usize] = false;
                    comp[w as usize] = ncomp;
                    if w == v {
                        break;
                    }
                }
                ncomp += 1;
            }
        }
    }
    (comp, ncomp as usize)
}

/// Ranks every identity (people, workloads, credentials), riskiest first;
/// ties by id. Returns the rows and how the work was shared.
pub fn rank(g: &Graph, filter: &Filter) -> (Vec<RankRow>, RankStats) {
    rank_with_progress(g, filter, None, &|_| {})
}

/// One of `count` disjoint sets of identities: those whose node index is
/// `index` modulo `count`. The rows of the `count` shards of a graph,
/// together, are the rows of the whole rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 0-based.
    pub index: usize,
    /// How many shards.
    pub count: usize,
}

impl Shard {
    fn has(self, v: NodeIx) -> bool {
        self.count == 0 || v as usize % self.count == self.index
    }
}

/// [`rank`] of one shard's identities when `shard` is given (only what
/// they reach is computed), calling `progress(n)` as the reach of `n` more
/// nodes is known (the calls add up to at most the node count).
pub fn rank_with_progress(
    g: &Graph,
    filter: &Filter,
    shard: Option<Shard>,
    progress: &(dyn Fn(u64) + Sync),
) -> (Vec<RankRow>, RankStats) {
    rank_inner(
        g,
        filter,
        4096usize.max(g.node_count() / 256),
        shard,
        progress,
    )
}

/// Every identity's reach twice, side by side: firm (conditional edges
/// dropped: what the inputs decide) in `counts` and `score`, possible
/// (conditional edges kept: what holds if every undecided condition does)
/// in `possible` and `possible_score`. Sorted by firm score, then possible
/// score, then id: an analyst reads one answer, and sees how much rests on
/// conditions the inputs cannot decide.
pub fn rank_firm_and_possible(g: &Graph) -> (Vec<RankRow>, RankStats) {
    rank_firm_and_possible_with_progress(g, None, &|_| {})
}

/// [`rank_firm_and_possible`] with [`rank_with_progress`]'s calls, for both
/// passes (they add up to twice the node count).
pub fn rank_firm_and_possible_with_progress(
    g: &Graph,
    shard: Option<Shard>,
    progress: &(dyn Fn(u64) + Sync),
) -> (Vec<RankRow>, RankStats) {
    let (mut firm, stats) = rank_with_progress(g, &Filter::strict(true), shard, progress);
    let (possible, _) = rank_with_progress(g, &Filter::strict(false), shard, progress);
    let mut by_node: Vec<Option<Counts>> = vec![None; g.node_count()];
    for r in &possible {
        if let Some(slot) = by_node.get_mut(r.node as usize) {
            *slot = Some(r.counts);
        }
    }
    for r in &mut firm {
        let p = by_node
            .get(r.node as usize)
            .copied()
            .flatten()
            .unwrap_or(r.counts);
        r.possible = p;
        r.possible_score = p.score();
    }
    firm.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| b.possible_score.cmp(&a.possible_score))
            .then_with(|| g.id(a.node).cmp(g.id(b.node)))
    });
    (firm, stats)
}

/// [`rank`] with the reach size past which a component becomes a hub
/// (tests use tiny thresholds so hubs form on small graphs).
pub fn rank_with_threshold(
    g: &Graph,
    filter: &Filter,
    threshold: usize,
) -> (Vec<RankRow>, RankStats) {
    rank_inner(g, filter, threshold, None, &|_| {})
}

fn rank_inner(
    g: &Graph,
    filter: &Filter,
    threshold: usize,
    shard: Option<Shard>,
    progress: &(dyn Fn(u64) + Sync),
) -> (Vec<RankRow>, RankStats) {
    let shard = shard.unwrap_or(Shard { index: 0, count: 0 });
    let n = g.node_count();
    let classes = g.classes();
    let (pivot, record) = split_edges(g, filter);
    let (comp, ncomp) = tarjan(n, &pivot);

    // Members of each component.
    let mut moff = vec![0u32; ncomp + 1];
    for &c in &comp {
        moff[c as usize + 1] += 1;
    }
    for i in 0..ncomp {
        moff[i + 1] += moff[i];
    }
    let mut fill = moff.clone();
    let mut members = vec![0u32; n];
    for (v, &c) in comp.iter().enumerate() {
        members[fill[c as usize] as usize] = v as u32;
        fill[c as usize] += 1;
    }
    let members = Adj {
        off: moff,
        to: members,
    };

    // Level of each component: 0 for sinks, else 1 + max over children.
    let mut level = vec![0u32; ncomp];
    for c in 0..ncomp {
        let mut l = 0;
        for &m in members.of(c) {
            for &w in pivot.of(m as usize) {
                let d = comp[w as usize] as usize;
                if d != c {
                    l = l.max(level[d] + 1);
                }
            }
        }
        level[c] = l;
    }
    let nlevels = level.iter().copied().max().map_or(0, |l| l as usize + 1);
    // A shard needs the components its identities are in and every one
    // they reach, no other.
    let mut needed = vec![shard.count == 0; ncomp];
    if shard.count > 0 {
        let mut stack: Vec<usize> = (0..n as NodeIx)
            .filter(|&v| shard.has(v) && is_rankable(classes[v as usize]) && filter.has_node(v))
            .map(|v| comp[v as usize] as usize)
            .collect();
        while let Some(c) = stack.pop() {
            if std::mem::replace(&mut needed[c], true) {
                continue;
            }
            for &m in members.of(c) {
                for &w in pivot.of(m as usize) {
                    let d = comp[w as usize] as usize;
                    if !needed[d] {
                        stack.push(d);
                    }
                }
            }
        }
    }
    let mut by_level: Vec<Vec<u32>> = vec![Vec::new(); nlevels];
    for (c, &l) in level.iter().enumerate() {
        if needed[c] {
            by_level[l as usize].push(c as u32);
        }
    }

    // Per-class masks for counting hub unions.
    let mut masks: Vec<BitSet> = (0..Class::ALL.len())
        .map(|_| BitSet::with_capacity(n))
        .collect();
    for (v, c) in classes.iter().enumerate() {
        masks[c.index()].insert(v);
    }
    let mut reps: Vec<Option<Rep>> = (0..ncomp).map(|_| None).collect();
    let mut comp_counts: Vec<[u32; 9]> = vec![[0; 9]; ncomp];
    let mut hubs: Vec<Hub> = Vec::new();
    let union_cache: Mutex<HashMap<Box<[u32]>, [u32; 9]>> = Mutex::new(HashMap::new());

    let count_bits = |bits: &BitSet| -> [u32; 9] {
        let mut out = [0u32; 9];
        for (k, m) in masks.iter().enumerate() {
            out[k] = bits.intersection_len(m) as u32;
        }
        out
    };

    enum Outcome {
        Set(Box<[u32]>, Box<[u32]>, [u32; 9]),
        Hub(BitSet, [u32; 9]),
    }

    for comps in &by_level {
        let outcomes: Vec<Outcome> = comps
            .par_iter()
            .map(|&c| {
                let c = c as usize;
                let mut direct: Vec<u32> = Vec::new();
                let mut hub_ids: Vec<u32> = Vec::new();
                for &m in members.of(c) {
                    direct.push(m);
                    direct.extend_from_slice(record.of(m as usize));
                    for &w in pivot.of(m as usize) {
                        let d = comp[w as usize] as usize;
                        if d == c {
                            continue;
                        }
                        match reps.get(d).and_then(Option::as_ref) {
                            Some(Rep::Hub(h)) => hub_ids.push(*h),
                            Some(Rep::Set {
                                direct: dd,
                                hubs: dh,
                            }) => {
                                direct.extend_from_slice(dd);
                                hub_ids.extend_from_slice(dh);
                            }
                            None => {}
                        }
                    }
                }
                hub_ids.sort_unstable();
                hub_ids.dedup();
                // Drop hubs whose reach another hub of the set already contains.
                if hub_ids.len() > 1 {
                    let all = hub_ids.clone();
                    hub_ids.retain(|&h2| {
                        let inner = &hubs[h2 as usize];
                        !(inner.member_is_held
                            && all.iter().any(|&h1| {
                                h1 != h2 && hubs[h1 as usize].bits.contains(inner.member as usize)
                            }))
                    });
                }
                direct.sort_unstable();
                direct.dedup();
                direct.retain(|&x| {
                    !hub_ids
                        .iter()
                        .any(|&h| hubs[h as usize].bits.contains(x as usize))
                });
                let hub_counts = match hub_ids.as_slice() {
                    [] => [0; 9],
                    [h] => hubs[*h as usize].counts,
                    many => {
                        let cached = union_cache.lock().ok().and_then(|m| m.get(many).copied());
                        match cached {
                            Some(cnt) => cnt,
                            None => {
                                let mut u = BitSet::with_capacity(n);
                                for &h in many {
                                    u.union_with(&hubs[h as usize].bits);
                                }
                                let cnt = count_bits(&u);
                                if let Ok(mut m) = union_cache.lock() {
                                    m.insert(many.into(), cnt);
                                }
                                cnt
                            }
                        }
                    }
                };
                let mut counts = hub_counts;
                for &x in &direct {
                    counts[classes[x as usize].index()] += 1;
                }
                if direct.len() > threshold {
                    let mut bits = BitSet::with_capacity(n);
                    for &h in &hub_ids {
                        bits.union_with(&hubs[h as usize].bits);
                    }
                    for &x in &direct {
                        bits.insert(x as usize);
                    }
                    Outcome::Hub(bits, counts)
                } else {
                    Outcome::Set(direct.into(), hub_ids.into(), counts)
                }
            })
            .collect();
        for (&c, outcome) in comps.iter().zip(outcomes) {
            let c = c as usize;
            match outcome {
                Outcome::Set(direct, hub_ids, counts) => {
                    comp_counts[c] = counts;
                    reps[c] = Some(Rep::Set {
                        direct,
                        hubs: hub_ids,
                    });
                }
                Outcome::Hub(bits, counts) => {
                    comp_counts[c] = counts;
                    let member = members.of(c).first().copied().unwrap_or(0);
                    reps[c] = Some(Rep::Hub(hubs.len() as u32));
                    hubs.push(Hub {
                        bits,
                        counts,
                        member,
                        member_is_held: !classes[member as usize].is_target(),
                    });
                }
            }
        }
        progress(
            comps
                .iter()
                .map(|&c| members.of(c as usize).len() as u64)
                .sum(),
        );
    }

    let mut rows: Vec<RankRow> = (0..n as NodeIx)
        .filter(|&v| shard.has(v) && is_rankable(classes[v as usize]) && filter.has_node(v))
        .map(|v| {
            let counts =
                Counts::from_classes(&comp_counts[comp[v as usize] as usize], classes[v as usize]);
            RankRow {
                node: v,
                counts,
                score: counts.score(),
                possible: counts,
                possible_score: counts.score(),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| g.id(a.node).cmp(g.id(b.node)))
    });
    let stats = RankStats {
        components: ncomp,
        hubs: hubs.len(),
        levels: nlevels,
    };
    (rows, stats)
}
