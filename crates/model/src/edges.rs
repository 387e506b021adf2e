//! Edges stored compactly: an estate of many accounts holds hundreds of
//! millions of them, so an edge is a 16-byte [`EdgeRow`] whose ends and
//! explanation are handles into shared tables.
//!
//! - Every string (node ids, files, JSON paths, reasons, mechanisms,
//!   conditions) is stored once in an [`Interner`].
//! - An edge's *place* (input file and the place in it) and its *why*
//!   (reason, mechanism, condition, explicit id) are interned tuples of
//!   string handles, and the row names the interned pair of both (its
//!   *note*): the thousands of edges one policy statement grants share them.
//!
//! [`Edge`] stays the value connectors build and tests read; the table turns
//! it into a row on the way in ([`EdgeTable::push`]) and back on the way out
//! ([`EdgeTable::get`], [`EdgeTable::iter`]).

use rustc_hash::FxHashMap as HashMap;

use crate::strings::Interner;
use crate::vocab::{AccessLevel, Edge, EdgeKind, Provenance};

/// One edge: its ends and its explanation as handles (16 bytes).
///
/// In an [`EdgeTable`], `from` and `to` are string handles of node ids; in a
/// graph they are node indices. `note` indexes the table's
/// [`Explanations`]: a (place, why) pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EdgeRow {
    /// Source end.
    pub from: u32,
    /// Destination end.
    pub to: u32,
    /// Where it was read and why it exists: an interned (place, why) pair.
    pub note: u32,
    /// Edge kind.
    pub kind: EdgeKind,
    /// Access level of an `access` edge.
    pub access: Option<AccessLevel>,
    /// An undecided condition guards it.
    pub conditional: bool,
}

/// An access level as one byte: 0 for none, else the level's order + 1
/// (a spilled row and the snapshot's graph section store it so).
pub fn access_byte(access: Option<AccessLevel>) -> u8 {
    access.map_or(0, |a| a.index() as u8 + 1)
}

/// The access level [`access_byte`] wrote; `None` for a byte it could not
/// have written.
pub fn access_of_byte(b: u8) -> Option<Option<AccessLevel>> {
    match b {
        0 => Some(None),
        a => AccessLevel::ALL.get(a as usize - 1).copied().map(Some),
    }
}

impl EdgeRow {
    /// Its 16 bytes as a [`RowStore`] keeps them: from, to, note
    /// (little-endian), then kind, access ([`access_byte`]) and
    /// conditional as one byte each, and a zero.
    pub fn to_bytes(&self) -> [u8; 16] {
        let mut b = [0u8; 16];
        b[0..4].copy_from_slice(&self.from.to_le_bytes());
        b[4..8].copy_from_slice(&self.to.to_le_bytes());
        b[8..12].copy_from_slice(&self.note.to_le_bytes());
        b[12] = self.kind.index() as u8;
        b[13] = access_byte(self.access);
        b[14] = u8::from(self.conditional);
        b
    }

    /// The row [`EdgeRow::to_bytes`] wrote, or `None` for bytes it could
    /// not have written.
    pub fn from_bytes(b: &[u8; 16]) -> Option<EdgeRow> {
        let u = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        Some(EdgeRow {
            from: u(0),
            to: u(4),
            note: u(8),
            kind: *EdgeKind::ALL.get(b[12] as usize)?,
            access: access_of_byte(b[13])?,
            conditional: match b[14] {
                0 => false,
                1 => true,
                _ => return None,
            },
        })
    }
}

/// The interned places and whys of a set of edges. Handle 0 of the strings
/// is always `""`, which stands for an absent mechanism, condition or id.
#[derive(Debug, Clone, Default)]
pub struct Explanations {
    /// `(source, location)` string handles.
    pub places: Vec<[u32; 2]>,
    /// `(reason, mechanism, condition, explicit id)` string handles.
    pub whys: Vec<[u32; 4]>,
    /// `(place, why)` pairs, which rows name.
    pub notes: Vec<[u32; 2]>,
    place_ix: HashMap<[u32; 2], u32>,
    why_ix: HashMap<[u32; 4], u32>,
    note_ix: HashMap<[u32; 2], u32>,
}

impl Explanations {
    /// The handle of a place, adding it if new.
    pub fn place(&mut self, source: u32, location: u32) -> u32 {
        let key = [source, location];
        let next = self.places.len() as u32;
        *self.place_ix.entry(key).or_insert_with(|| {
            self.places.push(key);
            next
        })
    }

    /// The handle of a why, adding it if new.
    pub fn why(&mut self, reason: u32, mechanism: u32, condition: u32, id: u32) -> u32 {
        let key = [reason, mechanism, condition, id];
        let next = self.whys.len() as u32;
        *self.why_ix.entry(key).or_insert_with(|| {
            self.whys.push(key);
            next
        })
    }

    /// The handle of a (place, why) pair, adding it if new.
    pub fn note(&mut self, place: u32, why: u32) -> u32 {
        let key = [place, why];
        let next = self.notes.len() as u32;
        *self.note_ix.entry(key).or_insert_with(|| {
            self.notes.push(key);
            next
        })
    }

    /// Appends a (place, why) pair without looking for an equal one.
    pub fn push_note(&mut self, place: u32, why: u32) -> u32 {
        self.notes.push([place, why]);
        (self.notes.len() - 1) as u32
    }

    /// A note's `(source, location)` handles.
    pub fn note_place(&self, note: u32) -> [u32; 2] {
        self.place_of(self.notes.get(note as usize).map_or(u32::MAX, |n| n[0]))
    }

    /// A note's `(reason, mechanism, condition, id)` handles.
    pub fn note_why(&self, note: u32) -> [u32; 4] {
        self.why_of(self.notes.get(note as usize).map_or(u32::MAX, |n| n[1]))
    }

    /// Appends a place without looking for an equal one (for columns whose
    /// places are nearly all distinct, such as a loaded snapshot's).
    pub fn push_place(&mut self, source: u32, location: u32) -> u32 {
        self.places.push([source, location]);
        (self.places.len() - 1) as u32
    }

    /// Drops the lookup tables once no more entries will be added.
    pub fn seal(&mut self) {
        self.place_ix = HashMap::default();
        self.why_ix = HashMap::default();
        self.note_ix = HashMap::default();
    }

    /// A place's `(source, location)` handles.
    pub fn place_of(&self, place: u32) -> [u32; 2] {
        self.places.get(place as usize).copied().unwrap_or_default()
    }

    /// A why's `(reason, mechanism, condition, id)` handles.
    pub fn why_of(&self, why: u32) -> [u32; 4] {
        self.whys.get(why as usize).copied().unwrap_or_default()
    }
}

/// Rows per block of [`Rows`] (16 MiB).
const BLOCK: usize = 1 << 20;

/// Where [`Rows`] put the blocks that do not fit in memory: an
/// organisation of hundreds of accounts has billions of edge rows, tens of
/// gigabytes. This crate does no I/O, so the store is given
/// ([`EdgeTable::spill_to`]); `blastgraph-graph` keeps blocks in a file.
pub trait RowStore: Send + Sync + std::fmt::Debug {
    /// Keeps a block of rows; returns the key to read it back, or why it
    /// could not (then the block stays in memory).
    fn put(&self, rows: &[EdgeRow]) -> Result<u64, String>;
    /// The `len` rows kept under `key`. Like a page of swap, a block once
    /// kept must come back whole: a store that cannot read it ends the
    /// process with a message rather than return fewer rows.
    fn get(&self, key: u64, len: usize) -> Vec<EdgeRow>;
    /// Where the blocks are kept, for messages.
    fn place(&self) -> String;
}

/// A stored block read back: its key and rows.
type ReadBack = (u64, std::sync::Arc<Vec<EdgeRow>>);

/// The spill of a [`Rows`]: its store, how many blocks stay in memory, and
/// the last block read back (reads by row index come in runs).
#[derive(Debug, Clone)]
struct Spill {
    store: std::sync::Arc<dyn RowStore>,
    resident: usize,
    last: std::sync::Arc<std::sync::Mutex<Option<ReadBack>>>,
}

/// Edge rows in blocks of a fixed size. One vector of hundreds of millions
/// of rows grows by doubling, and each doubling holds the old buffer and the
/// new one at once: an organization's 585M rows (9.4 GB) needed a 17.2 GB
/// buffer beside an 8.6 GB one. Blocks never move; only the first grows,
/// up to a block, so a small table stays small.
///
/// Given a [`RowStore`], the oldest full blocks go to it once more than a
/// set number are in memory; the rows keep their order and are read back
/// as they are iterated.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    /// Full blocks in the store, `(key, rows)`, in order; they come before
    /// every block in memory.
    stored: Vec<(u64, usize)>,
    /// Blocks in memory; every one but the last is full.
    blocks: Vec<Vec<EdgeRow>>,
    len: usize,
    spill: Option<Spill>,
    /// Rows per block; 0 for [`BLOCK`].
    block_rows: usize,
    /// Why the last block could not be stored, when one could not.
    spill_error: Option<String>,
}

/// One block of [`Rows`] as it is iterated: in memory, or read back.
enum Block<'a> {
    Here(std::iter::Copied<std::slice::Iter<'a, EdgeRow>>),
    Back(std::sync::Arc<Vec<EdgeRow>>, usize),
}

/// The rows of a [`Rows`], by value, in order ([`Rows::iter`]).
pub struct RowIter<'a> {
    rows: &'a Rows,
    next: usize,
    cur: Option<Block<'a>>,
}

impl Iterator for RowIter<'_> {
    type Item = EdgeRow;

    fn next(&mut self) -> Option<EdgeRow> {
        loop {
            let row = match self.cur.as_mut()? {
                Block::Here(it) => it.next(),
                Block::Back(block, at) => {
                    let r = block.get(*at).copied();
                    *at += 1;
                    r
                }
            };
            if row.is_some() {
                return row;
            }
            self.cur = self.rows.block(self.next);
            self.next += 1;
        }
    }
}

impl Rows {
    /// Appends a row.
    pub fn push(&mut self, row: EdgeRow) {
        let n = self.block_rows();
        match self.blocks.last_mut() {
            Some(b) if b.len() < n => b.push(row),
            _ => {
                self.spill_full_blocks();
                let mut b = if self.blocks.is_empty() && self.stored.is_empty() {
                    Vec::new()
                } else {
                    Vec::with_capacity(n)
                };
                b.push(row);
                self.blocks.push(b);
            }
        }
        self.len += 1;
    }

    /// With a store, moves the oldest blocks to it until fewer than its
    /// budget stay in memory (called when every block in memory is full).
    fn spill_full_blocks(&mut self) {
        let Some(spill) = &self.spill else {
            return;
        };
        let keep = spill.resident.saturating_sub(1);
        let over = self.blocks.len().saturating_sub(keep);
        let mut moved = 0;
        for block in self.blocks.iter().take(over) {
            match spill.store.put(block) {
                Ok(key) => {
                    self.stored.push((key, block.len()));
                    moved += 1;
                }
                Err(why) => {
                    self.spill_error = Some(format!(
                        "edge rows could not be kept there ({why}); the rest stayed in memory"
                    ));
                    break;
                }
            }
        }
        self.blocks.drain(..moved);
        if self.spill_error.is_some() {
            // Blocks stored so far are still read from the store; no more
            // go to it.
            if let Some(s) = self.spill.as_mut() {
                s.resident = usize::MAX;
            }
        }
    }

    /// Keeps the oldest blocks in `store` once more than `resident` blocks
    /// (of [`Rows::BLOCK_ROWS`] rows) are in memory.
    pub fn spill_to(&mut self, store: std::sync::Arc<dyn RowStore>, resident: usize) {
        self.spill = Some(Spill {
            store,
            resident: resident.max(1),
            last: Default::default(),
        });
    }

    /// Rows per block, unless [`Rows::set_block_rows`] said otherwise.
    pub const BLOCK_ROWS: usize = BLOCK;

    /// Rows per block of this table.
    pub fn block_rows(&self) -> usize {
        if self.block_rows == 0 {
            BLOCK
        } else {
            self.block_rows
        }
    }

    /// Makes blocks of `n` rows (at least 1) instead of
    /// [`Rows::BLOCK_ROWS`], while the table is empty (tests spill a few
    /// rows with it); a table that holds rows keeps its size.
    pub fn set_block_rows(&mut self, n: usize) {
        if self.len == 0 {
            self.block_rows = n.max(1);
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds no row.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many rows are in the store, not in memory.
    pub fn stored_len(&self) -> usize {
        self.stored.iter().map(|&(_, n)| n).sum()
    }

    /// Why a block could not be stored (it stayed in memory), if one could
    /// not.
    pub fn spill_error(&self) -> Option<&str> {
        self.spill_error.as_deref()
    }

    /// Where the store keeps blocks, when there is one.
    pub fn spill_place(&self) -> Option<String> {
        self.spill.as_ref().map(|s| s.store.place())
    }

    /// Block `b` (stored blocks first, then those in memory).
    fn block(&self, b: usize) -> Option<Block<'_>> {
        match self.stored.get(b) {
            Some(&(key, len)) => Some(Block::Back(self.read_back(key, len)?, 0)),
            None => self
                .blocks
                .get(b - self.stored.len())
                .map(|v| Block::Here(v.iter().copied())),
        }
    }

    /// A stored block, from the last one read when it is that one.
    fn read_back(&self, key: u64, len: usize) -> Option<std::sync::Arc<Vec<EdgeRow>>> {
        let spill = self.spill.as_ref()?;
        let mut last = spill.last.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, block)) = last.as_ref().filter(|(k, _)| *k == key) {
            return Some(block.clone());
        }
        let block = std::sync::Arc::new(spill.store.get(key, len));
        *last = Some((key, block.clone()));
        Some(block)
    }

    /// Row `i`, by value.
    pub fn get(&self, i: usize) -> Option<EdgeRow> {
        let n = self.block_rows();
        match self.block(i / n)? {
            Block::Here(mut it) => it.nth(i % n),
            Block::Back(block, _) => block.get(i % n).copied(),
        }
    }

    /// The rows, by value, in order.
    pub fn iter(&self) -> RowIter<'_> {
        self.iter_from(0)
    }

    /// The rows from row `start` on, by value, in order.
    pub fn iter_from(&self, start: usize) -> RowIter<'_> {
        let n = self.block_rows();
        let b = start / n;
        let cur = self.block(b).map(|block| match block {
            Block::Here(mut it) => {
                if !start.is_multiple_of(n) {
                    it.nth(start % n - 1);
                }
                Block::Here(it)
            }
            Block::Back(v, _) => Block::Back(v, start % n),
        });
        RowIter {
            rows: self,
            next: b + 1,
            cur,
        }
    }

    /// Keeps the rows for which `keep` holds (it may change them); each
    /// block is freed as soon as it is read. A table with a store keeps it.
    fn retain_mut(&mut self, mut keep: impl FnMut(&mut EdgeRow) -> bool) {
        let mut old = std::mem::take(self);
        self.block_rows = old.block_rows;
        self.spill = old.spill.clone();
        self.spill_error = old.spill_error.take();
        for b in 0..old.stored.len() {
            if let Some(Block::Back(block, _)) = old.block(b) {
                for mut r in block.iter().copied() {
                    if keep(&mut r) {
                        self.push(r);
                    }
                }
            }
        }
        for block in std::mem::take(&mut old.blocks) {
            for mut r in block {
                if keep(&mut r) {
                    self.push(r);
                }
            }
        }
    }

    /// The rows as one vector, read back from the store if need be; each
    /// block in memory is freed as soon as it is copied.
    pub fn into_vec(self) -> Vec<EdgeRow> {
        let mut v = Vec::with_capacity(self.len);
        for b in 0..self.stored.len() {
            if let Some(Block::Back(block, _)) = self.block(b) {
                v.extend_from_slice(&block);
            }
        }
        for block in self.blocks {
            v.extend_from_slice(&block);
        }
        v
    }
}

impl Extend<EdgeRow> for Rows {
    fn extend<I: IntoIterator<Item = EdgeRow>>(&mut self, iter: I) {
        for r in iter {
            self.push(r);
        }
    }
}

/// Edges in compact form, with the strings they name.
#[derive(Debug, Clone)]
pub struct EdgeTable {
    rows: Rows,
    strings: Interner,
    explain: Explanations,
    /// The handles of the last edge's strings: edges come in runs that share
    /// a caller, a file, a statement, so comparing first saves most hashing.
    last: [u32; 8],
}

impl Default for EdgeTable {
    fn default() -> Self {
        let mut strings = Interner::default();
        strings.intern("");
        EdgeTable {
            rows: Rows::default(),
            strings,
            explain: Explanations::default(),
            last: [0; 8],
        }
    }
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

impl EdgeTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an edge; returns its row. Empty mechanism, condition and id
    /// strings are stored as absent.
    pub fn push(&mut self, edge: &Edge) -> EdgeRow {
        self.push_with(edge, false)
    }

    /// [`EdgeTable::push`] for an edge whose place no other edge shares
    /// (one read from a record of its own, whose location is the record's
    /// path): its location, place and note are appended without looking for
    /// equal ones, which at ten million edges is most of the work.
    pub fn push_own_place(&mut self, edge: &Edge) -> EdgeRow {
        self.push_with(edge, true)
    }

    fn push_with(&mut self, edge: &Edge, own_place: bool) -> EdgeRow {
        let own_location = own_place.then(|| self.strings.push(&edge.provenance.location));
        let (s, last) = (&mut self.strings, &mut self.last);
        let mut intern = |slot: usize, x: &str| {
            let prev = last.get(slot).copied().unwrap_or(0);
            if s.get(prev) == x {
                return prev;
            }
            let h = s.intern(x);
            if let Some(l) = last.get_mut(slot) {
                *l = h;
            }
            h
        };
        let from = intern(0, &edge.from);
        let to = intern(1, &edge.to);
        let source = intern(2, &edge.provenance.source);
        let location = match own_location {
            Some(h) => h,
            None => intern(3, &edge.provenance.location),
        };
        let reason = intern(4, &edge.provenance.reason);
        let mechanism = intern(5, edge.mechanism.as_deref().unwrap_or(""));
        let condition = intern(6, edge.condition.as_deref().unwrap_or(""));
        let id = intern(7, edge.id.as_deref().unwrap_or(""));
        let why = self.explain.why(reason, mechanism, condition, id);
        let note = if own_place {
            let place = self.explain.push_place(source, location);
            self.explain.push_note(place, why)
        } else {
            let place = self.explain.place(source, location);
            self.explain.note(place, why)
        };
        let row = EdgeRow {
            from,
            to,
            note,
            kind: edge.kind,
            access: edge.access,
            conditional: edge.conditional,
        };
        self.rows.push(row);
        row
    }

    /// Moves every edge of `other` to the end of this table. Each of its
    /// strings, places and whys is looked up here once, not once per edge, so
    /// tables filled in parallel merge cheaply.
    pub fn append(&mut self, other: EdgeTable) {
        let (rows, strings, explain) = other.into_parts();
        let smap: Vec<u32> = (0..strings.len() as u32)
            .map(|h| self.strings.intern(strings.get(h)))
            .collect();
        let m = |h: u32| smap.get(h as usize).copied().unwrap_or(0);
        let pmap: Vec<u32> = explain
            .places
            .iter()
            .map(|&[s, l]| self.explain.place(m(s), m(l)))
            .collect();
        let wmap: Vec<u32> = explain
            .whys
            .iter()
            .map(|&[r, mech, c, id]| self.explain.why(m(r), m(mech), m(c), m(id)))
            .collect();
        let at = |v: &Vec<u32>, i: u32| v.get(i as usize).copied().unwrap_or(0);
        let nmap: Vec<u32> = explain
            .notes
            .iter()
            .map(|&[p, w]| self.explain.note(at(&pmap, p), at(&wmap, w)))
            .collect();
        self.rows.extend(rows.into_iter().map(|r| EdgeRow {
            from: m(r.from),
            to: m(r.to),
            note: at(&nmap, r.note),
            ..r
        }));
    }

    /// Number of edges.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether it holds no edge.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Keeps the oldest rows in `store` once more than `resident` blocks
    /// of `block_rows` rows are in memory ([`Rows::spill_to`],
    /// [`Rows::set_block_rows`]).
    pub fn spill_to(
        &mut self,
        store: std::sync::Arc<dyn RowStore>,
        resident: usize,
        block_rows: usize,
    ) {
        self.rows.set_block_rows(block_rows);
        self.rows.spill_to(store, resident);
    }

    /// Drops the lookups of places, whys and notes (kept are the entries):
    /// what is added later is looked up only among what comes after.
    pub fn forget_lookups(&mut self) {
        self.explain.seal();
    }

    /// The rows, in input order.
    pub fn rows(&self) -> &Rows {
        &self.rows
    }

    /// The strings the rows name.
    pub fn strings(&self) -> &Interner {
        &self.strings
    }

    /// The places and whys the rows name.
    pub fn explanations(&self) -> &Explanations {
        &self.explain
    }

    /// Keeps the rows for which `keep` holds.
    pub fn retain(&mut self, mut keep: impl FnMut(&EdgeRow) -> bool) {
        self.rows.retain_mut(|r| keep(r));
    }

    /// Keeps the rows for which `keep` holds; `keep` may change a row and
    /// reads the table's strings and explanations.
    pub fn retain_rows(
        &mut self,
        mut keep: impl FnMut(&mut EdgeRow, &Interner, &Explanations) -> bool,
    ) {
        let (strings, explain) = (&self.strings, &self.explain);
        self.rows.retain_mut(|r| keep(r, strings, explain));
    }

    /// The row turned back into an edge.
    pub fn edge_of(&self, row: &EdgeRow) -> Edge {
        let s = &self.strings;
        let [source, location] = self.explain.note_place(row.note);
        let [reason, mechanism, condition, id] = self.explain.note_why(row.note);
        Edge {
            id: opt(s.get(id)),
            from: s.get(row.from).to_string(),
            to: s.get(row.to).to_string(),
            kind: row.kind,
            access: row.access,
            mechanism: opt(s.get(mechanism)),
            conditional: row.conditional,
            condition: opt(s.get(condition)),
            provenance: Provenance {
                source: s.get(source).to_string(),
                location: s.get(location).to_string(),
                reason: s.get(reason).to_string(),
            },
        }
    }

    /// Edge `i`, in input order.
    pub fn get(&self, i: usize) -> Option<Edge> {
        self.rows.get(i).map(|r| self.edge_of(&r))
    }

    /// Every edge, in input order, as values.
    pub fn iter(&self) -> impl Iterator<Item = Edge> + '_ {
        self.rows.iter().map(|r| self.edge_of(&r))
    }

    /// Every edge as a vector of values (for tests and small estates).
    pub fn to_vec(&self) -> Vec<Edge> {
        self.iter().collect()
    }

    /// Takes the table apart: rows, strings and explanations (lookup tables
    /// dropped).
    pub fn into_parts(self) -> (Vec<EdgeRow>, Interner, Explanations) {
        let mut explain = self.explain;
        explain.seal();
        (self.rows.into_vec(), self.strings, explain)
    }
}

impl PartialEq for EdgeTable {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for EdgeTable {}

/// Serialized as the list of its edges.
impl serde::Serialize for EdgeTable {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        ser.collect_seq(self.iter())
    }
}

impl<'de> serde::Deserialize<'de> for EdgeTable {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        Ok(Vec::<Edge>::deserialize(de)?.into_iter().collect())
    }
}

impl FromIterator<Edge> for EdgeTable {
    fn from_iter<I: IntoIterator<Item = Edge>>(iter: I) -> Self {
        let mut t = EdgeTable::new();
        for e in iter {
            t.push(&e);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(from: &str, to: &str, reason: &str) -> Edge {
        Edge {
            id: None,
            from: from.into(),
            to: to.into(),
            kind: EdgeKind::Access,
            access: Some(AccessLevel::Read),
            mechanism: None,
            conditional: false,
            condition: None,
            provenance: Provenance {
                source: "a.json".into(),
                location: "$.Policies[0].Statement[1]".into(),
                reason: reason.into(),
            },
        }
    }

    #[test]
    fn edges_round_trip_and_share_their_explanation() {
        let mut t = EdgeTable::new();
        let a = edge("r1", "b1", "s3:GetObject: policy P statement 1");
        let mut b = edge("r2", "b2", "s3:GetObject: policy P statement 1");
        b.mechanism = Some("iam:PassRole".into());
        b.condition = Some("aws:SourceIp".into());
        b.conditional = true;
        b.id = Some("x".into());
        let ra = t.push(&a);
        let rb = t.push(&b);
        let rc = t.push(&edge("r3", "b1", "s3:GetObject: policy P statement 1"));
        let ex = t.explanations();
        assert_eq!(ex.notes[ra.note as usize][0], ex.notes[rb.note as usize][0]);
        assert_eq!(ra.note, rc.note);
        assert_ne!(ra.note, rb.note);
        assert_eq!(t.explanations().places.len(), 1);
        assert_eq!(t.explanations().whys.len(), 2);
        assert_eq!(t.get(0), Some(a.clone()));
        assert_eq!(t.get(1), Some(b.clone()));
        assert_eq!(t.get(3), None);
        assert_eq!(t.len(), 3);
        assert_eq!(std::mem::size_of::<EdgeRow>(), 16);
        let again: EdgeTable = t.iter().collect();
        assert_eq!(again, t);
        let mut merged = EdgeTable::new();
        merged.push(&edge("r0", "b0", "other"));
        merged.append(t.clone());
        assert_eq!(merged.len(), 4);
        assert_eq!(merged.get(2), Some(b.clone()));
        assert_eq!(merged.explanations().places.len(), 1);
        assert_eq!(merged.explanations().whys.len(), 3);
        t.retain(|r| r.from != ra.from);
        assert_eq!(
            t.to_vec(),
            vec![b, edge("r3", "b1", "s3:GetObject: policy P statement 1")]
        );
    }

    #[test]
    fn rows_span_blocks_and_keep_their_order_through_retain_and_into_vec() {
        let row = |i: usize| EdgeRow {
            from: i as u32,
            to: (i as u32).wrapping_mul(7),
            note: 0,
            kind: EdgeKind::Access,
            access: None,
            conditional: i.is_multiple_of(3),
        };
        let n = 2 * BLOCK + 5;
        let mut rows = Rows::default();
        rows.extend((0..n).map(row));
        assert_eq!(rows.len(), n);
        assert_eq!(rows.blocks.len(), 3);
        // Only the first block grew; the others were made whole.
        assert_eq!(rows.blocks[1].capacity(), BLOCK);
        for i in [0, BLOCK - 1, BLOCK, 2 * BLOCK + 4] {
            assert_eq!(rows.get(i), Some(row(i)));
        }
        assert_eq!(rows.get(n), None);
        assert!(rows.iter().eq((0..n).map(row)));
        assert!(rows.iter_from(BLOCK + 3).eq((BLOCK + 3..n).map(row)));
        rows.retain_mut(|r| r.from % 2 == 1);
        let odd: Vec<EdgeRow> = (0..n).filter(|i| i % 2 == 1).map(row).collect();
        assert_eq!(rows.len(), odd.len());
        assert_eq!(rows.get(BLOCK), odd.get(BLOCK).copied());
        assert_eq!(rows.into_vec(), odd);
    }

    /// Blocks kept in memory, as a file would keep them; `fail_after`
    /// refuses the blocks after that many.
    #[derive(Debug, Default)]
    struct Shelf {
        blocks: std::sync::Mutex<Vec<Vec<u8>>>,
        fail_after: Option<usize>,
    }

    impl RowStore for Shelf {
        fn put(&self, rows: &[EdgeRow]) -> Result<u64, String> {
            let mut b = self.blocks.lock().unwrap();
            if self.fail_after.is_some_and(|n| b.len() >= n) {
                return Err("no space left on device".into());
            }
            b.push(rows.iter().flat_map(|r| r.to_bytes()).collect());
            Ok(b.len() as u64 - 1)
        }

        fn get(&self, key: u64, len: usize) -> Vec<EdgeRow> {
            let b = self.blocks.lock().unwrap();
            let bytes = &b[key as usize];
            assert_eq!(bytes.len(), 16 * len);
            bytes
                .chunks_exact(16)
                .map(|c| EdgeRow::from_bytes(c.try_into().unwrap()).unwrap())
                .collect()
        }

        fn place(&self) -> String {
            "shelf".into()
        }
    }

    #[test]
    fn spilled_rows_read_back_in_order_and_only_the_budget_stays_in_memory() {
        let row = |i: usize| EdgeRow {
            from: i as u32,
            to: (i as u32).wrapping_mul(7),
            note: i as u32 / 3,
            kind: EdgeKind::ALL[i % EdgeKind::ALL.len()],
            access: i
                .is_multiple_of(2)
                .then_some(AccessLevel::ALL[i % AccessLevel::ALL.len()]),
            conditional: i.is_multiple_of(3),
        };
        let n = 4 * BLOCK + 7;
        let shelf = std::sync::Arc::new(Shelf::default());
        let mut rows = Rows::default();
        rows.spill_to(shelf.clone(), 2);
        rows.extend((0..n).map(row));
        assert_eq!(rows.len(), n);
        // Blocks 0..3 are full; two stay in memory (the last full one and
        // the one being filled).
        assert_eq!(rows.stored_len(), 3 * BLOCK);
        assert_eq!(rows.blocks.len(), 2);
        assert_eq!(shelf.blocks.lock().unwrap().len(), 3);
        assert!(rows.iter().eq((0..n).map(row)));
        for i in [0, 5, BLOCK - 1, BLOCK, 3 * BLOCK - 1, 3 * BLOCK, n - 1] {
            assert_eq!(rows.get(i), Some(row(i)), "row {i}");
            assert!(rows.iter_from(i).eq((i..n).map(row)), "from {i}");
        }
        assert_eq!(rows.get(n), None);
        assert!(rows.spill_error().is_none());
        rows.retain_mut(|r| r.from % 2 == 1);
        let odd: Vec<EdgeRow> = (0..n).filter(|i| i % 2 == 1).map(row).collect();
        assert_eq!(rows.len(), odd.len());
        assert!(rows.iter().eq(odd.iter().copied()));
        assert_eq!(rows.into_vec(), odd);
    }

    #[test]
    fn small_blocks_spill_the_same_way() {
        let row = |i: usize| EdgeRow {
            from: i as u32,
            to: 2,
            note: 0,
            kind: EdgeKind::CanAssume,
            access: None,
            conditional: false,
        };
        let shelf = std::sync::Arc::new(Shelf::default());
        let mut rows = Rows::default();
        rows.set_block_rows(3);
        rows.spill_to(shelf.clone(), 2);
        rows.extend((0..20).map(row));
        // 20 rows: blocks of 3, the last two (3 + 2 rows) in memory.
        assert_eq!(rows.stored_len(), 15);
        assert_eq!(shelf.blocks.lock().unwrap().len(), 5);
        for i in 0..20 {
            assert_eq!(rows.get(i), Some(row(i)));
            assert!(rows.iter_from(i).eq((i..20).map(row)));
        }
        rows.retain_mut(|r| r.from % 4 != 0);
        assert!(rows.iter().eq((0..20).filter(|i| i % 4 != 0).map(row)));
        assert_eq!(rows.block_rows(), 3);
        // A table with rows keeps its block size.
        rows.set_block_rows(100);
        assert_eq!(rows.block_rows(), 3);
    }

    #[test]
    fn a_store_that_refuses_keeps_the_rest_in_memory_and_says_so() {
        let row = |i: usize| EdgeRow {
            from: i as u32,
            to: 1,
            note: 0,
            kind: EdgeKind::Access,
            access: Some(AccessLevel::Read),
            conditional: false,
        };
        let n = 5 * BLOCK;
        let shelf = std::sync::Arc::new(Shelf {
            fail_after: Some(1),
            ..Shelf::default()
        });
        let mut rows = Rows::default();
        rows.spill_to(shelf, 1);
        rows.extend((0..n).map(row));
        assert_eq!(rows.stored_len(), BLOCK);
        assert_eq!(rows.blocks.len(), 4);
        assert!(rows.iter().eq((0..n).map(row)));
        assert_eq!(
            rows.spill_error(),
            Some(
                "edge rows could not be kept there (no space left on device); the rest stayed in memory"
            )
        );
    }

    #[test]
    fn a_row_comes_back_from_its_bytes_and_odd_bytes_are_refused() {
        for kind in EdgeKind::ALL {
            for access in std::iter::once(None).chain(AccessLevel::ALL.iter().copied().map(Some)) {
                for conditional in [false, true] {
                    let r = EdgeRow {
                        from: 7,
                        to: u32::MAX,
                        note: 1 << 20,
                        kind: *kind,
                        access,
                        conditional,
                    };
                    assert_eq!(EdgeRow::from_bytes(&r.to_bytes()), Some(r));
                }
            }
        }
        let mut bad = EdgeRow {
            from: 0,
            to: 0,
            note: 0,
            kind: EdgeKind::Access,
            access: None,
            conditional: false,
        }
        .to_bytes();
        bad[12] = 200;
        assert_eq!(EdgeRow::from_bytes(&bad), None);
    }

    #[test]
    fn edges_with_places_of_their_own_read_back_the_same_without_the_lookups() {
        let edges: Vec<Edge> = (0..5)
            .map(|i| {
                let mut e = edge(&format!("r{i}"), "b", "declared");
                e.provenance.location = format!("$.edges[{i}]");
                e
            })
            .collect();
        let mut own = EdgeTable::new();
        let mut shared = EdgeTable::new();
        for e in &edges {
            own.push_own_place(e);
            shared.push(e);
        }
        assert_eq!(own, shared);
        assert_eq!(own.to_vec(), edges);
        // The reason is still shared; each place and note is its own.
        assert_eq!(own.explanations().whys.len(), 1);
        assert_eq!(own.explanations().places.len(), 5);
        assert_eq!(own.explanations().notes.len(), 5);
    }
}
