//! The engine against a simple model.
//!
//! The model restates DESIGN.md's rules as a table and computes reach by
//! fixed-point iteration over sets (no queue, no shared code with the
//! engine). On random graphs, blast, who-can, rank and trace must agree
//! with it exactly.

use std::collections::{BTreeMap, BTreeSet};

use blastgraph_graph::{Graph, NodeIx};
use blastgraph_model::{
    AccessLevel, Attributes, Class, Edge, EdgeKind, EstateBuilder, Node, Provenance,
};
use proptest::prelude::*;

use crate::blast::{BlastOptions, blast};
use crate::rank::{rank, rank_with_threshold};
use crate::trace::trace;
use crate::traverse::Filter;
use crate::whocan::who_can;

#[derive(Debug, Clone)]
struct RawEdge {
    from: usize,
    to: usize,
    kind: EdgeKind,
    access: Option<AccessLevel>,
    conditional: bool,
}

#[derive(Debug, Clone)]
struct Case {
    classes: Vec<Class>,
    edges: Vec<RawEdge>,
}

fn case() -> impl Strategy<Value = Case> {
    (3usize..24).prop_flat_map(|n| {
        let classes = prop::collection::vec(
            prop_oneof![
                2 => Just(Class::Workload),
                2 => Just(Class::Secret),
                1 => Just(Class::Scope),
                2 => prop::sample::select(Class::ALL.to_vec()),
            ],
            n,
        );
        let edge = (
            0..n,
            0..n,
            prop_oneof![
                4 => Just(EdgeKind::Access),
                2 => Just(EdgeKind::Contains),
                1 => prop::sample::select(EdgeKind::ALL.to_vec()),
            ],
            prop::sample::select(AccessLevel::ALL.to_vec()),
            prop::bool::weighted(0.2),
        )
            .prop_map(|(from, to, kind, level, conditional)| RawEdge {
                from,
                to,
                kind,
                access: (kind == EdgeKind::Access).then_some(level),
                conditional,
            });
        (classes, prop::collection::vec(edge, 0..n * 3))
            .prop_map(|(classes, edges)| Case { classes, edges })
    })
}

fn build(c: &Case) -> Graph {
    let mut b = EstateBuilder::new();
    b.begin_input("case.json", "native", String::new(), 0);
    for (i, class) in c.classes.iter().enumerate() {
        b.add_node(
            Node {
                id: format!("n{i:02}"),
                name: format!("n{i:02}"),
                provider: "t".into(),
                kind: "t:x".into(),
                class: *class,
                attrs: Attributes::default(),
            },
            "",
        );
    }
    for (k, e) in c.edges.iter().enumerate() {
        b.add_edge(Edge {
            id: None,
            from: format!("n{:02}", e.from),
            to: format!("n{:02}", e.to),
            kind: e.kind,
            access: e.access,
            mechanism: None,
            conditional: e.conditional,
            condition: None,
            provenance: Provenance {
                source: "case.json".into(),
                location: format!("$.edges[{k}]"),
                reason: String::new(),
            },
        });
    }
    Graph::build(b.finish())
}

/// DESIGN.md's table, restated: (moves the attacker, level recorded on a target).
fn rule(
    kind: EdgeKind,
    access: Option<AccessLevel>,
    src: Class,
    dst: Class,
) -> (bool, Option<AccessLevel>) {
    let is_target = matches!(
        dst,
        Class::Dataset | Class::Model | Class::Tool | Class::Secret
    );
    match kind {
        EdgeKind::Access => {
            let reads_secret = dst == Class::Secret
                && matches!(access, Some(AccessLevel::Read) | Some(AccessLevel::Admin));
            (reads_secret, if is_target { access } else { None })
        }
        EdgeKind::Contains if src == Class::Scope => (
            true,
            if is_target {
                Some(AccessLevel::Admin)
            } else {
                None
            },
        ),
        EdgeKind::Contains => (false, None),
        _ => (
            true,
            if is_target {
                Some(AccessLevel::Read)
            } else {
                None
            },
        ),
    }
}

struct Model {
    /// Held node → fewest hops.
    held: BTreeMap<NodeIx, u32>,
    /// Target → (best level, fewest hops with it).
    targets: BTreeMap<NodeIx, (AccessLevel, u32)>,
    /// Target → every level some edge gives.
    levels: BTreeMap<NodeIx, BTreeSet<AccessLevel>>,
}

/// Fewest hops to each node over pivot edges (`firm_only`: no conditional
/// edge), starting from `held`; the nodes of `frozen` keep their distance.
fn hops_from(
    g: &Graph,
    mut held: BTreeMap<NodeIx, u32>,
    frozen: &BTreeMap<NodeIx, u32>,
    firm_only: bool,
    max_hops: u32,
) -> BTreeMap<NodeIx, u32> {
    // Bellman-Ford on hop counts over pivot rules.
    loop {
        let mut changed = false;
        for e in g.edges() {
            if firm_only && e.conditional {
                continue;
            }
            let Some(&du) = held.get(&e.from) else {
                continue;
            };
            let (pivot, _) = rule(e.kind, e.access, g.class(e.from), g.class(e.to));
            if pivot
                && du < max_hops
                && !frozen.contains_key(&e.to)
                && held.get(&e.to).is_none_or(|&d| d > du + 1)
            {
                held.insert(e.to, du + 1);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    held
}

/// What blast must answer, by brute force: firm first (conditional edges
/// dropped), then, unless strict, conditional edges too from every node at
/// its firm distance. A node or target keeps its firm hop count when a firm
/// path reaches it (at the target's best level); only what conditions alone
/// reach gets a conditional one.
fn model(g: &Graph, start: NodeIx, strict: bool, max_hops: u32) -> Model {
    model_with(g, start, strict, max_hops, true)
}

/// The reach and levels of [`model`], each with its shortest path, firm or
/// not (trace's order; who-can takes the firm one when there is one).
fn shortest_model(g: &Graph, start: NodeIx, strict: bool, max_hops: u32) -> Model {
    model_with(g, start, strict, max_hops, false)
}

fn model_with(g: &Graph, start: NodeIx, strict: bool, max_hops: u32, firm_first: bool) -> Model {
    let from_start = BTreeMap::from([(start, 0)]);
    let firm = if firm_first {
        hops_from(g, from_start, &BTreeMap::new(), true, max_hops)
    } else {
        BTreeMap::new()
    };
    let held = match (strict, firm_first) {
        (true, true) => firm.clone(),
        (_, true) => hops_from(g, firm.clone(), &firm, false, max_hops),
        (_, false) => hops_from(g, BTreeMap::from([(start, 0)]), &firm, strict, max_hops),
    };
    // Every (level, hops) an edge gives, and whether it is a firm one.
    let mut hits: BTreeMap<NodeIx, Vec<(AccessLevel, u32, bool)>> = BTreeMap::new();
    let mut levels: BTreeMap<NodeIx, BTreeSet<AccessLevel>> = BTreeMap::new();
    for e in g.edges() {
        if strict && e.conditional {
            continue;
        }
        let Some(&du) = held.get(&e.from) else {
            continue;
        };
        if du >= max_hops {
            continue;
        }
        if let (_, Some(level)) = rule(e.kind, e.access, g.class(e.from), g.class(e.to)) {
            levels.entry(e.to).or_default().insert(level);
            let is_firm = !e.conditional && firm.get(&e.from) == Some(&du);
            hits.entry(e.to).or_default().push((level, du + 1, is_firm));
        }
    }
    let mut targets: BTreeMap<NodeIx, (AccessLevel, u32)> = BTreeMap::new();
    for (t, hs) in hits {
        let Some(best) = hs.iter().map(|h| h.0).max() else {
            continue;
        };
        let at_best = hs.iter().filter(|h| h.0 == best);
        let firm_hops = at_best.clone().filter(|h| h.2).map(|h| h.1).min();
        let hops = firm_hops.or_else(|| at_best.map(|h| h.1).min());
        if let Some(h) = hops {
            targets.insert(t, (best, h));
        }
    }
    Model {
        held,
        targets,
        levels,
    }
}

fn rankable(c: Class) -> bool {
    matches!(c, Class::Human | Class::Workload | Class::Credential)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn blast_agrees_with_the_model(c in case(), strict in any::<bool>(), hops in prop::option::of(1u32..5), start in 0usize..24) {
        let g = build(&c);
        let start = (start % g.node_count()) as NodeIx;
        let opts = BlastOptions { max_hops: hops, filter: Filter::strict(strict) };
        let b = blast(&g, &[start], &opts);
        let m = model(&g, start, strict, hops.unwrap_or(u32::MAX));
        let held: BTreeMap<NodeIx, u32> = b.held.iter().map(|h| (h.node, h.hops)).chain([(start, 0)]).collect();
        prop_assert_eq!(&held, &m.held);
        let targets: BTreeMap<NodeIx, (AccessLevel, u32)> = b.targets.iter().map(|t| (t.node, (t.level, t.hops))).collect();
        prop_assert_eq!(&targets, &m.targets);
        // Every witness path is a real path from the start, of the stated length.
        for t in &b.targets {
            let p = b.path_to_target(&g, t);
            prop_assert_eq!(p.len() as u32, t.hops);
            prop_assert_eq!(g.edge(p[0]).from, start);
            prop_assert_eq!(g.edge(*p.last().unwrap()).to, t.node);
            for w in p.windows(2) {
                prop_assert_eq!(g.edge(w[0]).to, g.edge(w[1]).from);
            }
            // The witness ends on the edge that grants the level reported.
            prop_assert_eq!(t.via, *p.last().unwrap());
            let via = g.edge(t.via);
            prop_assert_eq!(rule(via.kind, via.access, g.class(via.from), g.class(via.to)).1, Some(t.level));
        }
    }

    #[test]
    fn who_can_is_blast_reversed(c in case(), strict in any::<bool>(), target in 0usize..24) {
        let g = build(&c);
        let target = (target % g.node_count()) as NodeIx;
        let opts = BlastOptions { max_hops: None, filter: Filter::strict(strict) };
        let got: BTreeMap<NodeIx, (Option<AccessLevel>, u32)> = who_can(&g, target, None, &opts)
            .iter()
            .map(|r| (r.node, (r.level, r.hops)))
            .collect();
        for r in who_can(&g, target, None, &opts) {
            prop_assert_eq!(r.path.len() as u32, r.hops);
            prop_assert_eq!(g.edge(r.path[0]).from, r.node);
            prop_assert_eq!(g.edge(*r.path.last().unwrap()).to, target);
            for w in r.path.windows(2) {
                prop_assert_eq!(g.edge(w[0]).to, g.edge(w[1]).from);
            }
        }
        let mut want = BTreeMap::new();
        for s in 0..g.node_count() as NodeIx {
            if s == target || !rankable(g.class(s)) {
                continue;
            }
            // Firm first: a firm path at the best level gives the hops;
            // otherwise the shortest path through conditions does.
            let m = shortest_model(&g, s, strict, u32::MAX);
            let firm = shortest_model(&g, s, true, u32::MAX);
            if g.class(target).is_target() {
                if let Some(&(l, h)) = m.targets.get(&target) {
                    let h = match firm.targets.get(&target) {
                        Some(&(fl, fh)) if fl == l => fh,
                        _ => h,
                    };
                    want.insert(s, (Some(l), h));
                }
            } else if let Some(&h) = m.held.get(&target) {
                want.insert(s, (None, firm.held.get(&target).copied().unwrap_or(h)));
            }
        }
        prop_assert_eq!(got, want);
    }

    #[test]
    fn rank_counts_are_blast_counts(c in case(), strict in any::<bool>(), threshold in prop_oneof![Just(usize::MAX), 0usize..6]) {
        let g = build(&c);
        let (rows, _) = rank_with_threshold(&g, &Filter::strict(strict), threshold);
        let ranked: BTreeSet<NodeIx> = rows.iter().map(|r| r.node).collect();
        let expected: BTreeSet<NodeIx> = (0..g.node_count() as NodeIx).filter(|&n| rankable(g.class(n))).collect();
        prop_assert_eq!(ranked, expected);
        for r in &rows {
            let m = model(&g, r.node, strict, u32::MAX);
            let mut reach: BTreeSet<NodeIx> = m.held.keys().copied().collect();
            reach.extend(m.targets.keys().copied());
            reach.remove(&r.node);
            let count = |f: &dyn Fn(Class) -> bool| reach.iter().filter(|&&n| f(g.class(n))).count() as u32;
            prop_assert_eq!(r.counts.identities, count(&|c| c.is_identity()));
            prop_assert_eq!(r.counts.scopes, count(&|c| c == Class::Scope));
            prop_assert_eq!(r.counts.credentials, count(&|c| c == Class::Credential));
            prop_assert_eq!(r.counts.secrets, count(&|c| c == Class::Secret));
            prop_assert_eq!(r.counts.datasets, count(&|c| c == Class::Dataset));
            prop_assert_eq!(r.counts.models, count(&|c| c == Class::Model));
            prop_assert_eq!(r.counts.tools, count(&|c| c == Class::Tool));
        }
        for w in rows.windows(2) {
            prop_assert!(w[0].score >= w[1].score);
        }
    }

    #[test]
    fn trace_chains_are_valid_distinct_and_shortest_first(c in case(), from in 0usize..24, to in 0usize..24, k in 1usize..5) {
        let g = build(&c);
        let (from, to) = ((from % g.node_count()) as NodeIx, (to % g.node_count()) as NodeIx);
        let opts = BlastOptions::default();
        let chains = trace(&g, from, to, k, &opts);
        // trace lists the shortest chains, firm or not (unlike blast, which
        // prefers a longer firm path): the oracle is the shortest model.
        let m = shortest_model(&g, from, false, u32::MAX);
        let shortest = if g.class(to).is_target() {
            // Any recording edge reaches a target: fewest hops over all levels.
            g.edges().iter().filter_map(|e| {
                let d = m.held.get(&e.from)?;
                let (pivot, level) = rule(e.kind, e.access, g.class(e.from), g.class(e.to));
                (e.to == to && (pivot || level.is_some())).then_some(d + 1)
            }).min()
        } else {
            m.held.get(&to).copied().filter(|_| from != to)
        };
        let shortest = if from == to { None } else { shortest };
        prop_assert_eq!(chains.first().map(|p| p.len() as u32), shortest);
        prop_assert!(chains.len() <= k);
        let mut seen = BTreeSet::new();
        for w in chains.windows(2) {
            prop_assert!(w[0].len() <= w[1].len());
        }
        for p in &chains {
            prop_assert_eq!(g.edge(p[0]).from, from);
            prop_assert_eq!(g.edge(*p.last().unwrap()).to, to);
            let mut nodes = vec![from];
            for w in p.windows(2) {
                prop_assert_eq!(g.edge(w[0]).to, g.edge(w[1]).from);
            }
            nodes.extend(p.iter().map(|&e| g.edge(e).to));
            let distinct: BTreeSet<_> = nodes.iter().collect();
            prop_assert_eq!(distinct.len(), nodes.len(), "loopless");
            prop_assert!(seen.insert(nodes), "distinct chains");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn who_can_with_an_access_level_finds_that_level_or_admin(c in case(), target in 0usize..24, want in prop::sample::select(AccessLevel::ALL.to_vec())) {
        let g = build(&c);
        let target = (target % g.node_count()) as NodeIx;
        let got: BTreeSet<NodeIx> = who_can(&g, target, Some(want), &BlastOptions::default()).iter().map(|r| r.node).collect();
        let expected: BTreeSet<NodeIx> = (0..g.node_count() as NodeIx)
            .filter(|&s| s != target && rankable(g.class(s)))
            .filter(|&s| {
                model(&g, s, false, u32::MAX)
                    .levels
                    .get(&target)
                    .is_some_and(|l| l.contains(&want) || l.contains(&AccessLevel::Admin))
            })
            .collect();
        prop_assert_eq!(got, expected);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// The rows of the N shards, together, are the rows of the whole rank:
    /// each identity in exactly one shard, with the same counts.
    #[test]
    fn shards_together_are_the_whole_rank(c in case(), strict in any::<bool>(), count in 1usize..6) {
        let g = build(&c);
        let filter = Filter::strict(strict);
        let (whole, _) = rank(&g, &filter);
        let mut parts = Vec::new();
        for index in 0..count {
            let (rows, _) = crate::rank::rank_with_progress(&g, &filter, Some(crate::rank::Shard { index, count }), &|_| {});
            for r in &rows {
                prop_assert_eq!(r.node as usize % count, index);
            }
            parts.extend(rows);
        }
        let key = |r: &crate::rank::RankRow| (r.node, r.score, r.counts);
        let mut whole: Vec<_> = whole.iter().map(key).collect();
        let mut parts: Vec<_> = parts.iter().map(key).collect();
        whole.sort_unstable();
        parts.sort_unstable();
        prop_assert_eq!(parts, whole);
    }
}

#[test]
fn shards_of_a_generated_estate_are_the_whole_rank() {
    // Hubs, wide trusts and cycles, which the small cases above lack.
    let g = Graph::build(blastgraph_gen::generate(blastgraph_gen::GenOptions {
        identities: 6000,
        seed: 3,
    }));
    let (whole, _) = crate::rank::rank_firm_and_possible(&g);
    let mut parts = Vec::new();
    for index in 0..4 {
        let shard = Some(crate::rank::Shard { index, count: 4 });
        parts.extend(crate::rank::rank_firm_and_possible_with_progress(&g, shard, &|_| {}).0);
    }
    let key = |r: &crate::rank::RankRow| (r.node, r.score, r.counts, r.possible_score, r.possible);
    let mut parts: Vec<_> = parts.iter().map(key).collect();
    parts.sort_unstable();
    let mut whole: Vec<_> = whole.iter().map(key).collect();
    whole.sort_unstable();
    assert_eq!(parts.len(), whole.len());
    assert_eq!(parts, whole);
}

#[test]
fn rank_shares_work_through_hubs_and_stays_exact() {
    // A scope that contains 6000 datasets: its reach becomes a hub, and 50
    // identities that escalate to it must all see 6000 datasets.
    let mut classes = vec![Class::Scope];
    let mut edges = Vec::new();
    for i in 0..6000 {
        classes.push(Class::Dataset);
        edges.push(RawEdge {
            from: 0,
            to: i + 1,
            kind: EdgeKind::Contains,
            access: None,
            conditional: false,
        });
    }
    for j in 0..50 {
        classes.push(Class::Workload);
        let me = classes.len() - 1;
        edges.push(RawEdge {
            from: me,
            to: 0,
            kind: EdgeKind::CanEscalate,
            access: None,
            conditional: false,
        });
        edges.push(RawEdge {
            from: me,
            to: 1 + j,
            kind: EdgeKind::Access,
            access: Some(AccessLevel::Read),
            conditional: false,
        });
    }
    let g = build(&Case { classes, edges });
    let (rows, stats) = rank(&g, &Filter::default());
    assert!(stats.hubs >= 1, "{stats:?}");
    assert_eq!(rows.len(), 50);
    assert!(
        rows.iter()
            .all(|r| r.counts.datasets == 6000 && r.counts.scopes == 1)
    );
}
