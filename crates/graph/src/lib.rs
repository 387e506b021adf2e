//! The compute graph: an [`Estate`] turned into compact arrays that
//! traversals can walk at memory speed.
//!
//! Design:
//! - Nodes get dense `u32` indices. They are numbered by `(provider, id)`, so
//!   that what is traversed together (one provider, one account: ARNs and
//!   resource ids carry the account) is stored together.
//! - Edges are stored once, sorted by source, so the forward adjacency of a
//!   node is a contiguous range of the edge array (CSR with the edge array as
//!   its payload). A second index, sorted by destination, gives the reverse
//!   adjacency for `who-can`.
//! - The hot part of an edge ([`EdgeCore`], 12 bytes) is separate from its
//!   explanation (provenance, mechanism, condition), which is only read when
//!   a path is reported. Repeated strings (providers, kinds, files, reasons)
//!   are interned.
//! - Ids are looked up through a hash table of indices into the id column,
//!   so no id string is stored twice.
//!
//! A graph is saved and loaded as a snapshot folder ([`snapshot`]):
//! `nodes.parquet`, `edges.parquet` and `manifest.json`.

use std::collections::BTreeMap;
use std::hash::BuildHasher;

use blastgraph_model::{
    Attributes, Class, Diagnostic, Edge, EdgeKind, EdgeRow, Estate, Explanations, InputRecord,
    Provenance,
};
use hashbrown::HashTable;
use serde::{Deserialize, Serialize};

pub mod part;
mod raw;
mod section;
pub mod snapshot;
pub mod spill;
pub use blastgraph_model::Interner;

/// A node's dense index.
pub type NodeIx = u32;
/// An edge's dense index.
pub type EdgeIx = u32;

/// One edge of a graph: `from` and `to` are node indices, `note` the
/// handle of its explanation (16 bytes; traversals read the first
/// fields, reports resolve the handles).
pub type EdgeCore = EdgeRow;

/// Why an id given by a user does not name exactly one node.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// The query is empty or blank: it would match every id as a suffix.
    #[error("an empty id names nothing: give a full id, a unique name or a unique id suffix")]
    Blank,
    /// Nothing matches.
    #[error("no node matches `{query}`{}", hint(.similar))]
    Unknown {
        /// What was asked.
        query: String,
        /// Ids that contain the query or, when none does, whose names are
        /// a typo away from it (did you mean), to help.
        similar: Vec<String>,
    },
    /// More than one node matches.
    #[error("`{query}` is ambiguous, it matches {}:\n  {}", .candidates.len(), .candidates.join("\n  "))]
    Ambiguous {
        /// What was asked.
        query: String,
        /// Every matching id (at most 20 shown).
        candidates: Vec<String>,
    },
}

/// The edit distance between `a` and `b` (insertions, deletions,
/// substitutions and swaps of two neighbours: optimal string alignment)
/// when it is at most `budget` (`None` beyond: the work stops early).
fn edit_distance(a: &[char], b: &str, budget: usize) -> Option<usize> {
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > budget {
        return None;
    }
    let width = b.len() + 1;
    let mut before: Vec<usize> = vec![0; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur = vec![0; width];
    for i in 0..a.len() {
        cur[0] = i + 1;
        let mut best = cur[0];
        for j in 0..b.len() {
            let cost = usize::from(a[i] != b[j]);
            let mut d = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && a[i] == b[j - 1] && a[i - 1] == b[j] {
                d = d.min(before[j - 1] + 1);
            }
            cur[j + 1] = d;
            best = best.min(d);
        }
        if best > budget {
            return None;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().filter(|&d| d <= budget)
}

fn hint(similar: &[String]) -> String {
    if similar.is_empty() {
        String::new()
    } else {
        format!("; did you mean one of:\n  {}", similar.join("\n  "))
    }
}

/// What went into a graph: inputs with hashes, counts, skipped records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `blastgraph`.
    pub tool: String,
    /// The blastgraph version that built it.
    pub tool_version: String,
    /// Snapshot format version.
    pub format_version: u32,
    /// Inputs read, in order.
    pub inputs: Vec<InputRecord>,
    /// Node count.
    pub nodes: u64,
    /// Edge count.
    pub edges: u64,
    /// Nodes per class.
    pub nodes_by_class: BTreeMap<String, u64>,
    /// Edges per kind.
    pub edges_by_kind: BTreeMap<String, u64>,
    /// Records skipped because of errors, over all inputs.
    pub skipped: u64,
    /// The problems found, in input order.
    pub diagnostics: Vec<Diagnostic>,
}

/// The strings of one column in one buffer: string `i` is
/// `bytes[offsets[i]..offsets[i + 1]]` (one allocation for a million ids,
/// and what a graph section stores).
#[derive(Debug, Clone)]
pub(crate) struct StrColumn {
    bytes: String,
    offsets: Vec<u64>,
}

impl Default for StrColumn {
    fn default() -> Self {
        StrColumn {
            bytes: String::new(),
            offsets: vec![0],
        }
    }
}

impl StrColumn {
    pub(crate) fn push(&mut self, s: &str) {
        self.bytes.push_str(s);
        self.offsets.push(self.bytes.len() as u64);
    }

    pub(crate) fn get(&self, i: usize) -> Option<&str> {
        let (&start, &end) = (self.offsets.get(i)?, self.offsets.get(i + 1)?);
        self.bytes.get(start as usize..end as usize)
    }

    pub(crate) fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i).unwrap_or(""))
    }

    pub(crate) fn parts(&self) -> (&str, &[u64]) {
        (&self.bytes, &self.offsets)
    }

    /// A column read back whole; `None` unless the offsets start at 0, never
    /// go back, end at the buffer's end and fall on character boundaries.
    pub(crate) fn from_parts(bytes: String, offsets: Vec<u64>) -> Option<StrColumn> {
        let ok = offsets.first() == Some(&0)
            && offsets.last() == Some(&(bytes.len() as u64))
            && offsets.windows(2).all(|w| w[0] <= w[1])
            && offsets.iter().all(|&o| bytes.is_char_boundary(o as usize));
        ok.then_some(StrColumn { bytes, offsets })
    }
}

/// Node ids → indices, as a hash table of indices into the id column (no id
/// string is stored twice).
#[derive(Debug, Clone)]
struct IdIndex {
    table: HashTable<NodeIx>,
    hasher: std::collections::hash_map::RandomState,
}

impl IdIndex {
    fn build(ids: &StrColumn) -> IdIndex {
        let hasher = std::collections::hash_map::RandomState::new();
        let mut table = HashTable::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            table.insert_unique(hasher.hash_one(id), i as NodeIx, |&j| {
                hasher.hash_one(ids.get(j as usize).unwrap_or(""))
            });
        }
        IdIndex { table, hasher }
    }

    fn get(&self, ids: &StrColumn, id: &str) -> Option<NodeIx> {
        self.table
            .find(self.hasher.hash_one(id), |&j| {
                ids.get(j as usize).is_some_and(|s| s == id)
            })
            .copied()
    }
}

/// The snapshot format version written by this crate.
pub const FORMAT_VERSION: u32 = 1;

/// A built graph.
#[derive(Debug, Clone)]
pub struct Graph {
    ids: StrColumn,
    names: StrColumn,
    provider: Vec<u32>,
    kind: Vec<u32>,
    class: Vec<Class>,
    /// Each distinct attribute set once; `attr_of[n]` indexes it.
    attr_table: Vec<Attributes>,
    attr_of: Vec<u32>,
    edges: Vec<EdgeCore>,
    /// Edge explanations, addressed by each edge's `place` and `why`.
    explain: raw::Explain,
    /// `out_offsets[n]..out_offsets[n+1]` are node n's outgoing edges.
    out_offsets: Vec<u32>,
    /// `in_offsets[n]..in_offsets[n+1]` index `in_edges`: node n's incoming edges.
    in_offsets: Vec<u32>,
    in_edges: Vec<EdgeIx>,
    /// Built on first lookup: a query that names its node by a unique
    /// name or suffix never pays for it.
    index: std::sync::OnceLock<IdIndex>,
    /// The edges with an explicit id ([`Graph::explicit_ids`]).
    explicit: std::sync::OnceLock<Vec<EdgeIx>>,
    strings: raw::Strings,
    manifest: Manifest,
}

/// One node's fields.
#[derive(Debug, Clone, Copy)]
pub struct NodeRef<'g> {
    /// Its index.
    pub ix: NodeIx,
    /// Stable id.
    pub id: &'g str,
    /// Display name.
    pub name: &'g str,
    /// Provider.
    pub provider: &'g str,
    /// Provider kind.
    pub kind: &'g str,
    /// Normalized class.
    pub class: Class,
    /// Governance attributes.
    pub attrs: &'g Attributes,
}

/// Raw columns of a graph, as a snapshot stores them, with strings already
/// interned. Nodes must be in graph order.
#[derive(Debug)]
pub(crate) struct Parts {
    pub(crate) strings: Interner,
    pub(crate) ids: StrColumn,
    pub(crate) names: StrColumn,
    pub(crate) provider: Vec<u32>,
    pub(crate) kind: Vec<u32>,
    pub(crate) classes: Vec<Class>,
    pub(crate) attrs: Vec<Attributes>,
    pub(crate) edges: Vec<EdgeCore>,
    pub(crate) explain: Explanations,
    pub(crate) manifest: Manifest,
}

impl Parts {
    pub(crate) fn new() -> Parts {
        let mut strings = Interner::default();
        strings.intern("");
        Parts {
            strings,
            ids: StrColumn::default(),
            names: StrColumn::default(),
            provider: Vec::new(),
            kind: Vec::new(),
            classes: Vec::new(),
            attrs: Vec::new(),
            edges: Vec::new(),
            explain: Explanations::default(),
            manifest: Manifest::default(),
        }
    }
}

impl Graph {
    /// Builds the graph from an estate (whose edges all name known nodes).
    /// The estate's edge rows are moved, renumbered and sorted in place.
    pub fn build(estate: Estate) -> Graph {
        let Estate {
            nodes,
            edges,
            diagnostics,
            inputs,
        } = estate;
        let (mut rows, strings, explain) = edges.into_parts();
        let mut order: Vec<usize> = (0..nodes.len()).collect();
        order.sort_by(|&a, &b| {
            let (na, nb) = (&nodes[a], &nodes[b]);
            (na.provider.as_str(), na.id.as_str()).cmp(&(nb.provider.as_str(), nb.id.as_str()))
        });
        let mut parts = Parts::new();
        parts.strings = strings;
        parts.explain = explain;
        parts.manifest = Manifest {
            inputs,
            diagnostics,
            ..Manifest::default()
        };
        let mut slots: Vec<Option<blastgraph_model::Node>> = nodes.into_iter().map(Some).collect();
        for i in order {
            if let Some(n) = slots.get_mut(i).and_then(Option::take) {
                parts.ids.push(&n.id);
                parts.names.push(&n.name);
                parts.provider.push(parts.strings.intern(&n.provider));
                parts.kind.push(parts.strings.intern(&n.kind));
                parts.classes.push(n.class);
                parts.attrs.push(n.attrs);
            }
        }
        // Id handle → node index, for the handles that name a node.
        let mut node_of = vec![NodeIx::MAX; parts.strings.len()];
        for (ix, id) in parts.ids.iter().enumerate() {
            if let Some(slot) = parts
                .strings
                .find(id)
                .and_then(|h| node_of.get_mut(h as usize))
            {
                *slot = ix as NodeIx;
            }
        }
        let ix = |h: u32| node_of.get(h as usize).copied().unwrap_or(NodeIx::MAX);
        rows.retain_mut(|r| {
            let (from, to) = (ix(r.from), ix(r.to));
            r.from = from;
            r.to = to;
            from != NodeIx::MAX && to != NodeIx::MAX
        });
        // By source, then kind, target and explanation, so that the order
        // does not depend on the order of the inputs.
        let (st, ex) = (&parts.strings, &parts.explain);
        let text = |r: &EdgeCore| {
            let [source, location] = ex.note_place(r.note);
            let [reason, mechanism, condition, id] = ex.note_why(r.note);
            [source, location, reason, mechanism, condition, id].map(|h| st.get(h))
        };
        rows.sort_unstable_by(|a, b| {
            (a.from, a.kind, a.to, a.access, a.conditional)
                .cmp(&(b.from, b.kind, b.to, b.access, b.conditional))
                .then_with(|| {
                    if a.note == b.note {
                        std::cmp::Ordering::Equal
                    } else {
                        text(a).cmp(&text(b))
                    }
                })
        });
        parts.edges = rows;
        Graph::from_parts(parts)
    }

    /// Builds a graph from raw columns (an estate or a loaded snapshot).
    /// Edges that are not sorted by source are sorted.
    pub(crate) fn from_parts(mut parts: Parts) -> Graph {
        let n = parts.ids.len();
        if !parts.edges.windows(2).all(|w| w[0].from <= w[1].from) {
            parts.edges.sort_by_key(|e| e.from);
        }
        let strings = parts.strings;
        let (provider, kind, explain) = (parts.provider, parts.kind, parts.explain);
        let edges = parts.edges;
        let mut out_offsets = vec![0u32; n + 1];
        let mut in_offsets = vec![0u32; n + 1];
        for e in &edges {
            if let Some(c) = out_offsets.get_mut(e.from as usize + 1) {
                *c += 1;
            }
            if let Some(c) = in_offsets.get_mut(e.to as usize + 1) {
                *c += 1;
            }
        }
        for i in 0..n {
            out_offsets[i + 1] += out_offsets[i];
            in_offsets[i + 1] += in_offsets[i];
        }
        let mut fill = in_offsets.clone();
        let mut in_edges = vec![0 as EdgeIx; edges.len()];
        for (i, e) in edges.iter().enumerate() {
            if let Some(slot) = fill.get_mut(e.to as usize) {
                if let Some(dst) = in_edges.get_mut(*slot as usize) {
                    *dst = i as EdgeIx;
                }
                *slot += 1;
            }
        }
        let mut manifest = parts.manifest;
        manifest.tool = "blastgraph".into();
        manifest.tool_version = env!("CARGO_PKG_VERSION").into();
        manifest.format_version = FORMAT_VERSION;
        manifest.nodes = n as u64;
        manifest.edges = edges.len() as u64;
        manifest.nodes_by_class.clear();
        for c in &parts.classes {
            *manifest
                .nodes_by_class
                .entry(c.as_str().to_string())
                .or_default() += 1;
        }
        manifest.edges_by_kind.clear();
        for e in &edges {
            *manifest
                .edges_by_kind
                .entry(e.kind.as_str().to_string())
                .or_default() += 1;
        }
        manifest.skipped = manifest.inputs.iter().map(|i| i.skipped).sum();
        let mut attr_table: Vec<Attributes> = Vec::new();
        let mut seen: std::collections::HashMap<Attributes, u32> = std::collections::HashMap::new();
        let attr_of = parts
            .attrs
            .into_iter()
            .map(|a| {
                *seen.entry(a).or_insert_with_key(|a| {
                    attr_table.push(a.clone());
                    (attr_table.len() - 1) as u32
                })
            })
            .collect();
        Graph {
            ids: parts.ids,
            names: parts.names,
            provider,
            kind,
            class: parts.classes,
            attr_table,
            attr_of,
            edges,
            explain: raw::Explain::Built(explain),
            out_offsets,
            in_offsets,
            in_edges,
            index: std::sync::OnceLock::new(),
            explicit: std::sync::OnceLock::new(),
            strings: raw::Strings::Built(strings),
            manifest,
        }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.ids.len()
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// What went into this graph.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// A node's class (hot path).
    #[inline]
    pub fn class(&self, n: NodeIx) -> Class {
        self.class.get(n as usize).copied().unwrap_or(Class::Scope)
    }

    /// Every node's class, by index.
    pub fn classes(&self) -> &[Class] {
        &self.class
    }

    /// A node's id.
    pub fn id(&self, n: NodeIx) -> &str {
        self.ids.get(n as usize).unwrap_or("")
    }

    /// A node's fields.
    pub fn node(&self, n: NodeIx) -> NodeRef<'_> {
        static EMPTY: Attributes = Attributes {
            owner: None,
            environment: None,
            tags: BTreeMap::new(),
            created: None,
            last_used: None,
            expires: None,
        };
        let i = n as usize;
        NodeRef {
            ix: n,
            id: self.id(n),
            name: self.names.get(i).unwrap_or(""),
            provider: self.strings.get(self.provider.get(i).copied().unwrap_or(0)),
            kind: self.strings.get(self.kind.get(i).copied().unwrap_or(0)),
            class: self.class(n),
            attrs: self
                .attr_of
                .get(i)
                .and_then(|&a| self.attr_table.get(a as usize))
                .unwrap_or(&EMPTY),
        }
    }

    /// Every edge's hot part, sorted by source.
    pub fn edges(&self) -> &[EdgeCore] {
        &self.edges
    }

    /// One edge's hot part.
    #[inline]
    pub fn edge(&self, e: EdgeIx) -> EdgeCore {
        self.edges.get(e as usize).copied().unwrap_or(EdgeCore {
            from: 0,
            to: 0,
            note: 0,
            kind: EdgeKind::Contains,
            access: None,
            conditional: true,
        })
    }

    /// The edge range leaving `n`.
    #[inline]
    pub fn out_range(&self, n: NodeIx) -> std::ops::Range<usize> {
        let i = n as usize;
        match (self.out_offsets.get(i), self.out_offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => 0..0,
        }
    }

    /// Edges leaving `n`, with their indices.
    #[inline]
    pub fn out_edges(&self, n: NodeIx) -> impl Iterator<Item = (EdgeIx, &EdgeCore)> {
        let r = self.out_range(n);
        let start = r.start;
        self.edges
            .get(r)
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .map(move |(k, e)| ((start + k) as EdgeIx, e))
    }

    /// Edges entering `n`, with their indices.
    #[inline]
    pub fn in_edges(&self, n: NodeIx) -> impl Iterator<Item = (EdgeIx, &EdgeCore)> {
        let i = n as usize;
        let r = match (self.in_offsets.get(i), self.in_offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => 0..0,
        };
        self.in_edges
            .get(r)
            .unwrap_or(&[])
            .iter()
            .filter_map(move |&e| self.edges.get(e as usize).map(|c| (e, c)))
    }

    /// An edge's `(reason, mechanism, condition, id)` strings.
    fn why(&self, e: EdgeIx) -> [&str; 4] {
        self.explain
            .note_why(self.edge(e).note)
            .map(|h| self.strings.get(h))
    }

    /// An edge's id: the explicit one, or `KIND[:LEVEL]:FROM->TO`.
    pub fn edge_id(&self, e: EdgeIx) -> String {
        if let Some(id) = self.explicit_edge_id(e) {
            return id.to_string();
        }
        let c = self.edge(e);
        Edge::derived_id(self.id(c.from), self.id(c.to), c.kind, c.access)
    }

    /// The edges whose input gave them an id, in order (found on first
    /// use, or read from the graph section).
    pub(crate) fn explicit_ids(&self) -> &[EdgeIx] {
        self.explicit.get_or_init(|| {
            (0..self.edges.len() as EdgeIx)
                .filter(|&e| self.explain.note_why(self.edge(e).note)[3] != 0)
                .collect()
        })
    }

    /// An edge's explicit id, if its input gave one.
    pub fn explicit_edge_id(&self, e: EdgeIx) -> Option<&str> {
        // Handle 0 is always "": most edges have no explicit id, and no
        // string is looked at for them.
        let [_, _, _, h] = self.explain.note_why(self.edge(e).note);
        let id = if h == 0 { "" } else { self.strings.get(h) };
        (!id.is_empty()).then_some(id)
    }

    /// An edge's mechanism, if any.
    pub fn mechanism(&self, e: EdgeIx) -> Option<&str> {
        let [_, m, _, _] = self.why(e);
        (!m.is_empty()).then_some(m)
    }

    /// An edge's undecided condition, if any.
    pub fn condition(&self, e: EdgeIx) -> Option<&str> {
        let [_, _, c, _] = self.why(e);
        (!c.is_empty()).then_some(c)
    }

    /// An edge's provenance.
    pub fn provenance(&self, e: EdgeIx) -> Provenance {
        let [source, location] = self.explain.note_place(self.edge(e).note);
        let [reason, ..] = self.why(e);
        Provenance {
            source: self.strings.get(source).to_string(),
            location: self.strings.get(location).to_string(),
            reason: reason.to_string(),
        }
    }

    /// The index of the node with exactly this id.
    pub fn lookup(&self, id: &str) -> Option<NodeIx> {
        self.index
            .get_or_init(|| IdIndex::build(&self.ids))
            .get(&self.ids, id)
    }

    /// The node with this id, by the id index when it is built, else by
    /// one scan: a query that names a node or two need not build it.
    fn find_id(&self, id: &str) -> Option<NodeIx> {
        match self.index.get() {
            Some(ix) => ix.get(&self.ids, id),
            None => self.ids.iter().position(|s| s == id).map(|i| i as NodeIx),
        }
    }

    /// Resolves what a user typed: a full id, a unique name, or a unique
    /// suffix of an id. An unknown or ambiguous query lists candidates.
    pub fn resolve(&self, query: &str) -> Result<NodeIx, ResolveError> {
        if query.trim().is_empty() {
            return Err(ResolveError::Blank);
        }
        if let Some(n) = self.find_id(query) {
            return Ok(n);
        }
        let by_name: Vec<NodeIx> = (0..self.ids.len() as NodeIx)
            .filter(|&n| self.names.get(n as usize) == Some(query))
            .collect();
        let matches = if by_name.is_empty() {
            (0..self.ids.len() as NodeIx)
                .filter(|&n| self.id(n).ends_with(query))
                .collect()
        } else {
            by_name
        };
        match matches.as_slice() {
            [one] => Ok(*one),
            [] => {
                let lower = query.to_ascii_lowercase();
                let mut similar: Vec<String> = (0..self.ids.len() as NodeIx)
                    .map(|n| self.id(n))
                    .filter(|id| id.to_ascii_lowercase().contains(&lower))
                    .take(10)
                    .map(str::to_string)
                    .collect();
                if similar.is_empty() {
                    similar = self.nearest_names(query, 5);
                }
                Err(ResolveError::Unknown {
                    query: query.to_string(),
                    similar,
                })
            }
            many => Err(ResolveError::Ambiguous {
                query: query.to_string(),
                candidates: many
                    .iter()
                    .take(20)
                    .map(|&n| self.id(n).to_string())
                    .collect(),
            }),
        }
    }

    /// The ids of the nodes whose name is nearest `query` by edit distance
    /// (a typo: at most one edit in four characters, at least one), nearest
    /// first, at most `k`.
    fn nearest_names(&self, query: &str, k: usize) -> Vec<String> {
        let q: Vec<char> = query.to_lowercase().chars().collect();
        let budget = (q.len() / 4).max(1);
        let mut found: Vec<(usize, &str)> = Vec::new();
        for n in 0..self.ids.len() as NodeIx {
            let Some(name) = self.names.get(n as usize) else {
                continue;
            };
            let tail = self.id(n).rsplit(['/', ':']).next().unwrap_or_default();
            let d = [name, tail]
                .iter()
                .filter_map(|c| edit_distance(&q, &c.to_lowercase(), budget))
                .min();
            if let Some(d) = d {
                found.push((d, self.id(n)));
            }
        }
        found.sort_unstable();
        found.dedup();
        found
            .into_iter()
            .take(k)
            .map(|(_, id)| id.to_string())
            .collect()
    }

    /// Edges whose id is `id`, or, for `FROM->TO` with two resolvable ends,
    /// every edge between them.
    pub fn find_edges(&self, id: &str) -> Result<Vec<EdgeIx>, ResolveError> {
        // Explicit ids are compared where an input gave one; a derived id
        // (`KIND[:LEVEL]:FROM->TO`) is looked for among the edges into its
        // end only, for each place the id could split (ids may hold `->`):
        // no edge id is formatted but those.
        let mut exact: Vec<EdgeIx> = self
            .explicit_ids()
            .iter()
            .copied()
            .filter(|&e| self.explicit_edge_id(e) == Some(id))
            .collect();
        for (at, _) in id.match_indices("->") {
            if let Some(to) = self.find_id(&id[at + 2..]) {
                exact.extend(
                    self.in_edges(to)
                        .map(|(e, _)| e)
                        .filter(|&e| self.explicit_edge_id(e).is_none() && self.edge_id(e) == id),
                );
            }
        }
        exact.sort_unstable();
        exact.dedup();
        if !exact.is_empty() {
            return Ok(exact);
        }
        if let Some((a, b)) = id.split_once("->") {
            let from = self.resolve(a.trim())?;
            let to = self.resolve(b.trim())?;
            let between: Vec<EdgeIx> = self
                .out_edges(from)
                .filter(|(_, e)| e.to == to)
                .map(|(i, _)| i)
                .collect();
            if !between.is_empty() {
                return Ok(between);
            }
        }
        Err(ResolveError::Unknown {
            query: id.to_string(),
            similar: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests;
