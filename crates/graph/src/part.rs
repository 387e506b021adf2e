//! Part folders: what one shard of a sharded build (`build --shard I/N`)
//! read, before the steps that need every shard; `merge` joins the N parts
//! into a snapshot.
//!
//! A part holds the edges of its units, including those whose other end
//! another part holds, and what the merge needs to finish: the input
//! records (a file begun in several parts counts in one), the problems,
//! and the credentials inspected values held (placed at the merge, where
//! every identity is known). Files:
//!
//! - `part.json`: [`PartMeta`] (format, shard, the key of the inputs every
//!   shard must be given, counts), inputs, diagnostics, hints;
//! - `nodes.parquet`: the snapshot's nodes columns without `idx`,
//!   `input` u32 (position in `inputs`) and `order` u64 (where the
//!   unsharded build would have added it: of a node several parts hold,
//!   the merge keeps the earliest);
//! - `edges.parquet`: the snapshot's edges columns without `src_idx` and
//!   `dst_idx`, and `input` u32.

use std::path::Path;

use blastgraph_model::{
    AccessLevel, Attributes, Class, CredentialHint, Diagnostic, Edge, EdgeKind, EdgeRow,
    EstateBuilder, InputRecord, Node, Part, Provenance,
};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::snapshot::{
    Cols, NodeCols, ROW_GROUP, SnapshotError, node_columns, pq_err, read_parquet, replace_folder,
};

/// The `format` of `part.json`.
pub const FORMAT: &str = "blastgraph-part";
/// The version of the part format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// What `part.json` says of a part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartMeta {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// The blastgraph version that wrote it.
    pub tool_version: String,
    /// Which shard: 1-based `index` of `count`.
    pub shard: ShardNo,
    /// SHA-256 over every input's path and content hash and whether values
    /// were inspected: every shard must be given the same inputs.
    pub inputs_key: String,
    /// The units this part read (`provider:unit`), for the reader.
    pub units: Vec<String>,
    /// Nodes it holds.
    pub nodes: u64,
    /// Edges it holds (some may name a node only another part holds).
    pub edges: u64,
}

/// A shard's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardNo {
    /// 1-based.
    pub index: usize,
    /// How many shards.
    pub count: usize,
}

/// `part.json`, read once ([`open`]) for the checks of its meta and
/// then its loading ([`load_into`]).
#[derive(Serialize, Deserialize)]
pub struct PartFile {
    /// What the part says of itself.
    #[serde(flatten)]
    pub meta: PartMeta,
    inputs: Vec<InputRecord>,
    diagnostics: Vec<Diagnostic>,
    hints: Vec<HintRecord>,
}

/// A [`CredentialHint`] as `part.json` holds it.
#[derive(Serialize, Deserialize)]
struct HintRecord {
    secret: String,
    kind: String,
    key: Option<String>,
    shown: String,
    source: String,
    location: String,
}

/// Whether `dir` is a part folder.
pub fn is_part(dir: &Path) -> bool {
    dir.is_dir() && dir.join("part.json").is_file()
}

/// Saves a part (the folder replaced whole, as a snapshot is).
pub fn save(part: &Part, meta: &PartMeta, dir: &Path) -> Result<(), SnapshotError> {
    replace_folder(dir, is_part, "a part folder", |tmp| {
        write_nodes(part, &tmp.join("nodes.parquet"))?;
        write_edges(part, &tmp.join("edges.parquet"))?;
        let file = PartFile {
            meta: meta.clone(),
            inputs: part.inputs.clone(),
            diagnostics: part.diagnostics.clone(),
            hints: part
                .hints
                .iter()
                .map(|h| HintRecord {
                    secret: h.secret.clone(),
                    kind: h.kind.to_string(),
                    key: h.key.clone(),
                    shown: h.shown.clone(),
                    source: h.source.clone(),
                    location: h.location.clone(),
                })
                .collect(),
        };
        let path = tmp.join("part.json");
        let text = serde_json::to_string_pretty(&file).map_err(|e| SnapshotError::Manifest {
            path: path.clone(),
            message: e.to_string(),
        })?;
        std::fs::write(&path, text + "\n").map_err(|source| SnapshotError::Io { path, source })
    })
}

fn write_nodes(part: &Part, path: &Path) -> Result<(), SnapshotError> {
    let rows: Vec<NodeCols<'_>> = part
        .nodes
        .iter()
        .map(|n| {
            (
                n.id.as_str(),
                n.name.as_str(),
                n.provider.as_str(),
                n.kind.as_str(),
                n.class,
                &n.attrs,
            )
        })
        .collect();
    let mut columns = node_columns(&rows);
    columns.push(Column::new("input".into(), part.node_inputs.clone()));
    columns.push(Column::new("order".into(), part.node_orders.clone()));
    let mut df = DataFrame::new(rows.len(), columns).map_err(pq_err(path))?;
    crate::snapshot::write_parquet(path, &mut df)
}

/// A row with its place `(source, location)` and why `(reason,
/// mechanism, condition, id)` handles.
type RowStrings = (EdgeRow, [u32; 2], [u32; 4]);

/// The edges table, one row group at a time.
fn write_edges(part: &Part, path: &Path) -> Result<(), SnapshotError> {
    let n = part.edges.len();
    // Columns of the table's own strings, borrowed: no edge is rebuilt.
    let (strings, ex) = (part.edges.strings(), part.edges.explanations());
    let batch = |start: usize| -> Result<DataFrame, PolarsError> {
        let end = n.min(start + ROW_GROUP as usize);
        let rows: Vec<RowStrings> = part
            .edges
            .rows()
            .iter_from(start)
            .take(end - start)
            .map(|r| (r, ex.note_place(r.note), ex.note_why(r.note)))
            .collect();
        let s = |f: fn(&RowStrings) -> u32| {
            rows.iter()
                .map(|r| strings.get(f(r)))
                .collect::<Vec<&str>>()
        };
        let o = |f: fn(&RowStrings) -> u32| {
            rows.iter()
                .map(|r| Some(strings.get(f(r))).filter(|x| !x.is_empty()))
                .collect::<Vec<Option<&str>>>()
        };
        DataFrame::new(
            rows.len(),
            vec![
                Column::new("src".into(), s(|r| r.0.from)),
                Column::new("dst".into(), s(|r| r.0.to)),
                Column::new(
                    "kind".into(),
                    rows.iter().map(|r| r.0.kind.as_str()).collect::<Vec<_>>(),
                ),
                Column::new(
                    "access".into(),
                    rows.iter()
                        .map(|r| r.0.access.map(AccessLevel::as_str))
                        .collect::<Vec<_>>(),
                ),
                Column::new(
                    "conditional".into(),
                    rows.iter().map(|r| r.0.conditional).collect::<Vec<bool>>(),
                ),
                Column::new("condition".into(), o(|r| r.2[2])),
                Column::new("mechanism".into(), o(|r| r.2[1])),
                Column::new("id".into(), o(|r| r.2[3])),
                Column::new("source".into(), s(|r| r.1[0])),
                Column::new("location".into(), s(|r| r.1[1])),
                Column::new("reason".into(), s(|r| r.2[0])),
                Column::new(
                    "input".into(),
                    part.edge_inputs
                        .get(start..end)
                        .unwrap_or_default()
                        .to_vec(),
                ),
            ],
        )
    };
    let file = std::fs::File::create(path).map_err(|source| SnapshotError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    crate::snapshot::write_row_groups(file, n, batch).map_err(pq_err(path))
}

/// Reads a part's `part.json` only: what it is, to check a set of parts
/// before merging any.
pub fn read_meta(dir: &Path) -> Result<PartMeta, SnapshotError> {
    Ok(open(dir)?.meta)
}

/// Reads and checks a part folder's `part.json`.
pub fn open(dir: &Path) -> Result<PartFile, SnapshotError> {
    let path = dir.join("part.json");
    let text = std::fs::read_to_string(&path).map_err(|source| SnapshotError::Io {
        path: path.clone(),
        source,
    })?;
    let bad = |message: String| SnapshotError::Manifest {
        path: path.clone(),
        message,
    };
    let file: PartFile = serde_json::from_str(&text)
        .map_err(|e| bad(format!("line {}, column {}: {e}", e.line(), e.column())))?;
    if file.meta.format != FORMAT {
        return Err(bad(format!(
            "`format` is `{}`, expected `{FORMAT}`",
            file.meta.format
        )));
    }
    if file.meta.format_version > FORMAT_VERSION {
        return Err(bad(format!(
            "part format {} is newer than this blastgraph reads ({FORMAT_VERSION})",
            file.meta.format_version
        )));
    }
    Ok(file)
}

/// Adds a part to a merge ([`EstateBuilder::add_part_inputs`] and its
/// siblings): its inputs, nodes, edges, problems and hints. A row that
/// does not validate fails the whole part, naming file and row: a part is
/// written by blastgraph, and a merge that dropped rows would be partial
/// without a word.
pub fn load_into(
    dir: &Path,
    file: PartFile,
    b: &mut EstateBuilder,
) -> Result<PartMeta, SnapshotError> {
    let at = b.add_part_inputs(file.inputs);
    let input_of = |path: &Path, row: usize, i: Option<u32>| {
        i.and_then(|i| at.get(i as usize).copied())
            .ok_or_else(|| SnapshotError::Column {
                path: path.to_path_buf(),
                column: "input".into(),
                message: format!("row {row}: {i:?} names no input of part.json"),
            })
    };
    let nodes_path = dir.join("nodes.parquet");
    let df = read_parquet(&nodes_path, None)?;
    let c = Cols {
        path: &nodes_path,
        df: &df,
    };
    let (ids, names, providers, kinds, classes) = (
        c.str("id")?,
        c.str("name")?,
        c.str("provider")?,
        c.str("kind")?,
        c.str("class")?,
    );
    let attrs = [
        c.str("owner")?,
        c.str("environment")?,
        c.str("created")?,
        c.str("last_used")?,
        c.str("expires")?,
    ];
    let (tags, inputs) = (c.str("tags")?, c.u32("input")?);
    let orders = df
        .column("order")
        .and_then(|col| col.u64())
        .map_err(|e| c.err("order", format!("expected a u64 column: {e}")))?;
    for row in 0..df.height() {
        let bad = |column: &str, message: String| SnapshotError::Column {
            path: nodes_path.clone(),
            column: column.into(),
            message: format!("row {row}: {message}"),
        };
        let class = classes
            .get(row)
            .unwrap_or("")
            .parse::<Class>()
            .map_err(|e| bad("class", e.to_string()))?;
        let a = |k: usize| attrs.get(k).and_then(|c| c.get(row)).map(str::to_string);
        let tags = match tags.get(row) {
            Some(t) => serde_json::from_str(t).map_err(|e| bad("tags", e.to_string()))?,
            None => Default::default(),
        };
        let node = Node {
            id: ids.get(row).unwrap_or("").to_string(),
            name: names.get(row).unwrap_or("").to_string(),
            provider: providers.get(row).unwrap_or("").to_string(),
            kind: kinds.get(row).unwrap_or("").to_string(),
            class,
            attrs: Attributes {
                owner: a(0),
                environment: a(1),
                created: a(2),
                last_used: a(3),
                expires: a(4),
                tags,
            },
        };
        if node.id.is_empty() {
            return Err(bad("id", "empty".into()));
        }
        let order = orders.get(row).unwrap_or(u64::MAX);
        b.add_part_node(node, input_of(&nodes_path, row, inputs.get(row))?, order);
    }
    drop(df);
    let edges_path = dir.join("edges.parquet");
    let total = {
        let f = std::fs::File::open(&edges_path).map_err(|source| SnapshotError::Io {
            path: edges_path.clone(),
            source,
        })?;
        ParquetReader::new(f)
            .num_rows()
            .map_err(pq_err(&edges_path))?
    };
    // One row group's worth at a time: a part's edges are never held twice.
    for start in (0..total).step_by(ROW_GROUP as usize) {
        let f = std::fs::File::open(&edges_path).map_err(|source| SnapshotError::Io {
            path: edges_path.clone(),
            source,
        })?;
        let df = ParquetReader::new(f)
            .with_slice(Some((start, ROW_GROUP as usize)))
            .finish()
            .map_err(pq_err(&edges_path))?;
        add_edges(&edges_path, &df, start, b, &input_of)?;
    }
    for h in file.hints {
        let Some(kind) = blastgraph_model::credentials::kind_named(&h.kind) else {
            return Err(SnapshotError::Manifest {
                path: dir.join("part.json"),
                message: format!("a hint of unknown kind `{}`", h.kind),
            });
        };
        b.add_credential_hint(CredentialHint {
            secret: h.secret,
            kind,
            key: h.key,
            shown: h.shown,
            source: h.source,
            location: h.location,
        });
    }
    b.add_part_diagnostics(file.diagnostics);
    Ok(file.meta)
}

/// A row's `input` (file, row, value) as a position of the merge's inputs.
type InputOf<'a> = dyn Fn(&Path, usize, Option<u32>) -> Result<usize, SnapshotError> + 'a;

/// The edges of one slice of a part's edges table (its first row `start`).
fn add_edges(
    path: &Path,
    df: &DataFrame,
    start: usize,
    b: &mut EstateBuilder,
    input_of: &InputOf<'_>,
) -> Result<(), SnapshotError> {
    let c = Cols { path, df };
    let (src, dst, kind, access, conditional) = (
        c.str("src")?,
        c.str("dst")?,
        c.str("kind")?,
        c.str("access")?,
        c.bool("conditional")?,
    );
    let (condition, mechanism, id) = (c.str("condition")?, c.str("mechanism")?, c.str("id")?);
    let (source, location, reason, inputs) = (
        c.str("source")?,
        c.str("location")?,
        c.str("reason")?,
        c.u32("input")?,
    );
    // One edge's buffers, refilled for every row: no allocation per row.
    let mut edge = Edge {
        id: None,
        from: String::new(),
        to: String::new(),
        kind: EdgeKind::Access,
        access: None,
        mechanism: None,
        conditional: false,
        condition: None,
        provenance: Provenance::default(),
    };
    fn set(slot: &mut String, v: Option<&str>) {
        slot.clear();
        slot.push_str(v.unwrap_or(""));
    }
    fn set_opt(slot: &mut Option<String>, v: Option<&str>) {
        match v {
            Some(v) => set(slot.get_or_insert_with(String::new), Some(v)),
            None => *slot = None,
        }
    }
    for i in 0..df.height() {
        let row = start + i;
        let bad = |column: &str, message: String| SnapshotError::Column {
            path: path.to_path_buf(),
            column: column.into(),
            message: format!("row {row}: {message}"),
        };
        let (Some(from), Some(to)) = (src.get(i), dst.get(i)) else {
            return Err(bad("src", "`src` or `dst` is null".into()));
        };
        set(&mut edge.from, Some(from));
        set(&mut edge.to, Some(to));
        edge.kind = kind
            .get(i)
            .unwrap_or("")
            .parse::<EdgeKind>()
            .map_err(|e| bad("kind", e.to_string()))?;
        edge.access = access
            .get(i)
            .map(str::parse::<AccessLevel>)
            .transpose()
            .map_err(|e| bad("access", e.to_string()))?;
        edge.conditional = conditional.get(i).unwrap_or(false);
        set_opt(&mut edge.id, id.get(i));
        set_opt(&mut edge.mechanism, mechanism.get(i));
        set_opt(&mut edge.condition, condition.get(i));
        set(&mut edge.provenance.source, source.get(i));
        set(&mut edge.provenance.location, location.get(i));
        set(&mut edge.provenance.reason, reason.get(i));
        b.add_part_edge(&edge, input_of(path, row, inputs.get(i))?);
    }
    Ok(())
}
