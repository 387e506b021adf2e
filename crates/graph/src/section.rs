//! A snapshot's graph section, `graph.bin`: the built graph as it sits in
//! memory, so that a query loads it without decoding Parquet or hashing a
//! string.
//!
//! Layout (all integers little-endian):
//!
//! ```text
//! magic "BGGRAPH\0" · version u32 · 0 u32 · source key u64 · checksum u64
//! then 31 arrays, each: byte length u64 · bytes · zero padding to 8 bytes
//! ```
//!
//! The arrays, in order: the string table's bytes, span starts (u64) and
//! lengths (u32); the ids' bytes and offsets (u64); the names' bytes and
//! offsets; provider and kind handles (u32); classes (u8, the vocabulary's
//! order); the distinct attribute sets (JSON) and each node's set (u32);
//! edges as columns: from, to, note (u32), kind, access (u8; 0 for none,
//! else the level's order + 1), conditional (u8); explanations: places
//! (2 × u32 each), whys (4 × u32), notes (2 × u32); the adjacency: out
//! offsets, in offsets and in edges (u32); the edges with an explicit id
//! (u32, so that `what-if --revoke ID` looks at those only).
//!
//! Ids and names are copied out (rank compares them by the million); the
//! string table and the explanations are read in place when a query prints
//! them.
//!
//! The checksum (a 64-bit multiply-rotate hash of every byte after the
//! header) catches a truncated or damaged file; the source key (a hash of
//! `manifest.json`'s bytes and the Parquet files' sizes and modification
//! times) catches a section older than the tables beside it. Either way the
//! loader falls back to the Parquet tables and writes the section again.
//! The file is read whole, not mapped: memory mapping needs `unsafe`, which
//! this workspace forbids, and one sequential read of a warm file is about
//! as fast.

use std::path::Path;

use std::sync::Arc;

use blastgraph_model::{Attributes, Class, EdgeKind, access_byte, access_of_byte};

use crate::raw::{Explain, Raw, Strings};
use crate::{EdgeCore, Graph, Manifest, StrColumn};

/// The section's file name in a snapshot folder.
pub const FILE: &str = "graph.bin";
const MAGIC: &[u8; 8] = b"BGGRAPH\0";
/// The layout version this crate writes and reads.
pub const VERSION: u32 = 2;
const HEADER: usize = 8 + 4 + 4 + 8 + 8;

/// Reads a file whole, its two halves by two threads: most of the time of
/// reading a warm file is the copy and the faults of fresh pages, which
/// two cores share.
pub(crate) fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    let file = std::fs::File::open(path)?;
    let len = usize::try_from(file.metadata()?.len()).map_err(std::io::Error::other)?;
    let mut buf = vec![0u8; len];
    let (a, b) = buf.split_at_mut(len / 2);
    std::thread::scope(|s| {
        let first = s.spawn(|| file.read_exact_at(a, 0));
        let second = file.read_exact_at(b, (len / 2) as u64);
        first
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("a reading thread failed")))
            .and(second)
    })?;
    Ok(buf)
}

/// A 64-bit hash of `bytes`, eight at a time.
pub(crate) fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = K ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        h = (h ^ u64::from_le_bytes(b)).wrapping_mul(K).rotate_left(31);
    }
    for &b in words.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(K).rotate_left(31);
    }
    h ^ (h >> 29)
}

/// What a section of `dir` must have been built from: the manifest's bytes
/// and the sizes and modification times of the Parquet tables. `None` when
/// one of them cannot be read.
pub(crate) fn source_key(dir: &Path) -> Option<u64> {
    let manifest = std::fs::read(dir.join("manifest.json")).ok()?;
    let mut key = Vec::with_capacity(manifest.len() + 64);
    key.extend_from_slice(&manifest);
    for table in ["nodes.parquet", "edges.parquet"] {
        let meta = std::fs::metadata(dir.join(table)).ok()?;
        let modified = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_nanos();
        key.extend_from_slice(&meta.len().to_le_bytes());
        key.extend_from_slice(&modified.to_le_bytes());
    }
    Some(checksum(&key))
}

/// Appends arrays, each padded to eight bytes.
struct Writer(Vec<u8>);

impl Writer {
    fn bytes(&mut self, b: &[u8]) {
        self.0.extend_from_slice(&(b.len() as u64).to_le_bytes());
        self.0.extend_from_slice(b);
        self.pad(b.len());
    }
    fn u8s(&mut self, xs: impl IntoIterator<Item = u8>) {
        self.numbers(xs.into_iter().map(|x| [x]));
    }
    fn u32s(&mut self, xs: impl IntoIterator<Item = u32>) {
        self.numbers(xs.into_iter().map(u32::to_le_bytes));
    }
    fn u64s(&mut self, xs: impl IntoIterator<Item = u64>) {
        self.numbers(xs.into_iter().map(u64::to_le_bytes));
    }
    /// One array, written in place: its length (patched once the numbers
    /// are in), the numbers' bytes, the padding.
    fn numbers<const N: usize>(&mut self, xs: impl IntoIterator<Item = [u8; N]>) {
        let at = self.0.len();
        self.0.extend_from_slice(&[0u8; 8]);
        for x in xs {
            self.0.extend_from_slice(&x);
        }
        let len = self.0.len() - at - 8;
        self.0[at..at + 8].copy_from_slice(&(len as u64).to_le_bytes());
        self.pad(len);
    }
    /// Zeros up to the next multiple of eight after an array of `len` bytes.
    fn pad(&mut self, len: usize) {
        self.0.extend(std::iter::repeat_n(0u8, (8 - len % 8) % 8));
    }
}

/// The section of `g`, built from the tables whose key is `key`.
pub(crate) fn encode(g: &Graph, key: u64) -> Result<Vec<u8>, serde_json::Error> {
    let mut w = Writer(Vec::new());
    match &g.strings {
        Strings::Built(i) => {
            let (bytes, spans) = i.parts();
            w.bytes(bytes.as_bytes());
            w.u64s(spans.iter().map(|s| s.0));
            w.u32s(spans.iter().map(|s| s.1));
        }
        Strings::Raw {
            bytes,
            starts,
            lens,
        } => {
            for r in [bytes, starts, lens] {
                w.bytes(r.bytes());
            }
        }
    }
    for col in [&g.ids, &g.names] {
        let (bytes, offsets) = col.parts();
        w.bytes(bytes.as_bytes());
        w.u64s(offsets.iter().copied());
    }
    w.u32s(g.provider.iter().copied());
    w.u32s(g.kind.iter().copied());
    w.u8s(g.class.iter().map(|c| c.index() as u8));
    w.bytes(&serde_json::to_vec(&g.attr_table)?);
    w.u32s(g.attr_of.iter().copied());
    w.u32s(g.edges.iter().map(|e| e.from));
    w.u32s(g.edges.iter().map(|e| e.to));
    w.u32s(g.edges.iter().map(|e| e.note));
    w.u8s(g.edges.iter().map(|e| e.kind.index() as u8));
    w.u8s(g.edges.iter().map(|e| access_byte(e.access)));
    w.u8s(g.edges.iter().map(|e| u8::from(e.conditional)));
    match &g.explain {
        Explain::Built(e) => {
            w.u32s(e.places.iter().flatten().copied());
            w.u32s(e.whys.iter().flatten().copied());
            w.u32s(e.notes.iter().flatten().copied());
        }
        Explain::Raw {
            places,
            whys,
            notes,
        } => {
            for r in [places, whys, notes] {
                w.bytes(r.bytes());
            }
        }
    }
    w.u32s(g.out_offsets.iter().copied());
    w.u32s(g.in_offsets.iter().copied());
    w.u32s(g.in_edges.iter().copied());
    w.u32s(g.explicit_ids().iter().copied());
    let body = w.0;
    let mut out = Vec::with_capacity(HEADER + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&key.to_le_bytes());
    out.extend_from_slice(&checksum(&body).to_le_bytes());
    out.extend_from_slice(&body);
    Ok(out)
}

/// Reads arrays back in the order [`encode`] wrote them, as ranges of the
/// file.
struct Reader<'a> {
    file: &'a Arc<Vec<u8>>,
    pos: usize,
}

impl<'a> Reader<'a> {
    /// The next array's (start, length) in the file.
    fn next(&mut self) -> Result<(usize, usize), String> {
        let len = self
            .file
            .get(self.pos..self.pos + 8)
            .ok_or("the file ends inside an array's length")?;
        let mut w = [0u8; 8];
        w.copy_from_slice(len);
        let len = usize::try_from(u64::from_le_bytes(w)).map_err(|e| e.to_string())?;
        let start = self.pos + 8;
        let padded = len
            .checked_add((8 - len % 8) % 8)
            .and_then(|p| p.checked_add(start))
            .ok_or("an array's length overflows")?;
        if padded > self.file.len() {
            return Err(format!(
                "an array of {len} bytes runs past the end of the file"
            ));
        }
        self.pos = padded;
        Ok((start, len))
    }
    fn raw(&mut self) -> Result<Raw, String> {
        let (start, len) = self.next()?;
        Ok(Raw::new(self.file, start, len))
    }
    fn bytes(&mut self) -> Result<&'a [u8], String> {
        let (start, len) = self.next()?;
        let file: &'a [u8] = self.file;
        file.get(start..start + len)
            .ok_or_else(|| "an array leaves the file".to_string())
    }
    fn u32s(&mut self) -> Result<Vec<u32>, String> {
        let b = self.bytes()?;
        if b.len() % 4 != 0 {
            return Err("a u32 array's length is not a multiple of 4".into());
        }
        Ok(b.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }
    /// A string column: its bytes UTF-8, its offsets from 0 to the end,
    /// never going back, on character boundaries. Copied out of the file:
    /// ids and names are compared by the million (rank sorts by id), and a
    /// `String` is checked once, not at every look.
    fn str_column(&mut self, what: &str) -> Result<StrColumn, String> {
        let bytes = String::from_utf8(self.bytes()?.to_vec())
            .map_err(|e| format!("the {what} column: {e}"))?;
        let offsets = self.u64s()?;
        StrColumn::from_parts(bytes, offsets)
            .ok_or_else(|| format!("the {what} column's offsets are inconsistent"))
    }
    fn u64s(&mut self) -> Result<Vec<u64>, String> {
        let b = self.bytes()?;
        if b.len() % 8 != 0 {
            return Err("a u64 array's length is not a multiple of 8".into());
        }
        Ok(b.chunks_exact(8)
            .map(|c| {
                let mut w = [0u8; 8];
                w.copy_from_slice(c);
                u64::from_le_bytes(w)
            })
            .collect())
    }
}

/// The graph of a section built from the tables whose key is `key`, with
/// the snapshot's manifest; why not when it cannot be used. The string
/// table, ids, names and explanations stay in the file's bytes; the edges
/// and the adjacency are decoded while another thread checks the sum.
pub(crate) fn decode(file: Vec<u8>, key: u64, manifest: &Manifest) -> Result<Graph, String> {
    let file = Arc::new(file);
    let head = file.get(..HEADER).ok_or("shorter than its header")?;
    if &head[..8] != MAGIC {
        return Err("not a graph section".into());
    }
    let word = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&head[at..at + 8]);
        u64::from_le_bytes(b)
    };
    let version = u32::from_le_bytes([head[8], head[9], head[10], head[11]]);
    if version != VERSION {
        return Err(format!(
            "layout version {version}, this blastgraph reads {VERSION}"
        ));
    }
    if word(16) != key {
        return Err("older than the tables beside it".into());
    }
    let sum = word(24);
    std::thread::scope(|s| {
        let check = s.spawn(|| checksum(file.get(HEADER..).unwrap_or(&[])) == sum);
        let g = decode_body(&file, manifest);
        match check.join() {
            Ok(true) => g,
            _ => Err("damaged (its checksum does not match)".into()),
        }
    })
}

fn decode_body(file: &Arc<Vec<u8>>, manifest: &Manifest) -> Result<Graph, String> {
    let mut r = Reader { file, pos: HEADER };
    let strings = Strings::Raw {
        bytes: r.raw()?,
        starts: r.raw()?,
        lens: r.raw()?,
    };
    let ids = r.str_column("id")?;
    let names = r.str_column("name")?;
    let provider = r.u32s()?;
    let kind = r.u32s()?;
    let class = r
        .bytes()?
        .iter()
        .map(|&c| {
            Class::ALL
                .get(c as usize)
                .copied()
                .ok_or("an unknown class")
        })
        .collect::<Result<Vec<Class>, _>>()?;
    let attr_table: Vec<Attributes> =
        serde_json::from_slice(r.bytes()?).map_err(|e| format!("attributes: {e}"))?;
    let attr_of = r.u32s()?;
    let (from, to, note) = (r.u32s()?, r.u32s()?, r.u32s()?);
    let kinds = r.bytes()?;
    let access = r.bytes()?;
    let conditional = r.bytes()?;
    let explain = Explain::Raw {
        places: r.raw()?,
        whys: r.raw()?,
        notes: r.raw()?,
    };
    let out_offsets = r.u32s()?;
    let in_offsets = r.u32s()?;
    let in_edges = r.u32s()?;
    let explicit = r.u32s()?;
    if r.pos != file.len() {
        return Err("bytes after the last array".into());
    }

    let n = ids.len();
    let m = from.len();
    if [
        names.len(),
        provider.len(),
        kind.len(),
        class.len(),
        attr_of.len(),
    ] != [n; 5]
    {
        return Err("the node columns differ in length".into());
    }
    if [
        to.len(),
        note.len(),
        kinds.len(),
        access.len(),
        conditional.len(),
        in_edges.len(),
    ] != [m; 6]
    {
        return Err("the edge columns differ in length".into());
    }
    let offsets_ok = |o: &[u32]| {
        o.len() == n + 1
            && o.first() == Some(&0)
            && o.last() == Some(&(m as u32))
            && o.windows(2).all(|w| w[0] <= w[1])
    };
    if !offsets_ok(&out_offsets) || !offsets_ok(&in_offsets) {
        return Err("the adjacency offsets are inconsistent".into());
    }
    let notes = explain.notes();
    if attr_of.iter().any(|&a| a as usize >= attr_table.len())
        || in_edges.iter().any(|&e| e as usize >= m)
        || note.iter().any(|&x| x as usize >= notes)
        || explicit.iter().any(|&e| e as usize >= m)
    {
        return Err("an index points past its table".into());
    }
    let mut edges = Vec::with_capacity(m);
    for i in 0..m {
        if from[i] as usize >= n || to[i] as usize >= n {
            return Err(format!("edge {i} names a node past the end"));
        }
        edges.push(EdgeCore {
            from: from[i],
            to: to[i],
            note: note[i],
            kind: EdgeKind::ALL
                .get(kinds[i] as usize)
                .copied()
                .ok_or("an unknown edge kind")?,
            access: access_of_byte(access[i]).ok_or("an unknown access level")?,
            conditional: conditional[i] != 0,
        });
    }
    // Each node's out-edges start at it (edges are sorted by source); the
    // in-edge lists are covered by the checksum.
    for v in 0..n {
        let (a, b) = (out_offsets[v] as usize, out_offsets[v + 1] as usize);
        if edges[a..b].iter().any(|e| e.from as usize != v) {
            return Err(format!("node {v}'s out-edges are misplaced"));
        }
    }
    if manifest.nodes != n as u64 || manifest.edges != m as u64 {
        return Err("its counts differ from the manifest's".into());
    }
    Ok(Graph {
        ids,
        names,
        provider,
        kind,
        class,
        attr_table,
        attr_of,
        edges,
        explain,
        out_offsets,
        in_offsets,
        in_edges,
        index: std::sync::OnceLock::new(),
        explicit: std::sync::OnceLock::from(explicit),
        strings,
        manifest: manifest.clone(),
    })
}
