//! Snapshot folders: `nodes.parquet`, `edges.parquet`, `manifest.json`.
//!
//! A snapshot is the unit of hand-off: it reloads without re-ingesting, and
//! its tables are usable as they are by data-lake graph engines (Spark
//! GraphFrames reads `nodes.id` and `edges.src`/`edges.dst`) and by graph
//! database importers. The integer columns `idx`, `src_idx` and `dst_idx`
//! let blastgraph reload without hashing every id.
//!
//! Schemas (also in the README):
//!
//! `nodes.parquet`: `idx` u32, `id`, `name`, `provider`, `kind`, `class`
//! strings; `owner`, `environment`, `created`, `last_used`, `expires`
//! nullable strings; `tags` nullable string holding a JSON object.
//!
//! `edges.parquet`: `src_idx`, `dst_idx` u32; `src`, `dst`, `kind` strings;
//! `access` nullable string; `conditional` bool; `condition`, `mechanism`,
//! `id` nullable strings (`id` is null where the edge id is derived,
//! `KIND[:LEVEL]:SRC->DST`); `source`, `location`, `reason` strings
//! (provenance).

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use blastgraph_model::{
    AccessLevel, Attributes, Class, Diagnostic, EdgeKind, Provenance, Severity,
};
use polars::prelude::*;

use crate::{EdgeCore, EdgeIx, Graph, Manifest, Parts};

/// Why a snapshot could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// A file could not be opened or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Parquet could not be read or written.
    #[error("{path}: {message}")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The cause.
        message: String,
    },
    /// A required column is missing or of the wrong type.
    #[error("{path}: column `{column}`: {message}")]
    Column {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// What was expected.
        message: String,
    },
    /// The manifest is not valid.
    #[error("{path}: {message}")]
    Manifest {
        /// The file.
        path: PathBuf,
        /// What was expected.
        message: String,
    },
}

/// Whether `dir` looks like a snapshot folder.
pub fn is_snapshot(dir: &Path) -> bool {
    dir.is_dir() && dir.join("manifest.json").is_file() && dir.join("nodes.parquet").is_file()
}

pub(crate) fn pq_err(path: &Path) -> impl Fn(PolarsError) -> SnapshotError + '_ {
    move |e| SnapshotError::Parquet {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Writes `df` as a Parquet file.
pub fn write_parquet(path: &Path, df: &mut DataFrame) -> Result<(), SnapshotError> {
    let file = File::create(path).map_err(|source| SnapshotError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    ParquetWriter::new(file)
        .with_compression(ParquetCompression::Zstd(None))
        .finish(df)
        .map_err(pq_err(path))?;
    Ok(())
}

/// Rows per row group of a snapshot's edges table (polars' default).
pub const ROW_GROUP: EdgeIx = 512 * 512;

/// Writes a graph's edges table one row group at a time: the table of ten
/// million edges is never held whole (it was the peak of `build`).
fn write_edges(g: &Graph, path: &Path) -> Result<(), SnapshotError> {
    let file = File::create(path).map_err(|source| SnapshotError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    write_edges_parquet(g, false, file).map_err(pq_err(path))
}

/// The edges table of [`edges_frame`] as Parquet (zstd) written to `out`,
/// built and written one row group ([`ROW_GROUP`] rows) at a time.
pub fn write_edges_parquet<W: std::io::Write>(
    g: &Graph,
    derived_ids: bool,
    out: W,
) -> Result<(), PolarsError> {
    let m = g.edges().len() as EdgeIx;
    write_row_groups(out, m as usize, |start| {
        let start = start as EdgeIx;
        edges_frame_of(
            g,
            derived_ids,
            start..m.min(start.saturating_add(ROW_GROUP)),
        )
    })
}

/// Writes a table of `rows` rows as Parquet (zstd) to `out`, one row group
/// ([`ROW_GROUP`] rows) at a time: `batch(start)` builds the rows from
/// `start`, and no more than one is held.
pub(crate) fn write_row_groups<W: std::io::Write>(
    out: W,
    rows: usize,
    batch: impl Fn(usize) -> Result<DataFrame, PolarsError>,
) -> Result<(), PolarsError> {
    let first = batch(0)?;
    let mut writer = ParquetWriter::new(out)
        .with_compression(ParquetCompression::Zstd(None))
        .batched(first.schema())?;
    writer.write_batch(&first)?;
    drop(first);
    for start in (ROW_GROUP as usize..rows).step_by(ROW_GROUP as usize) {
        writer.write_batch(&batch(start)?)?;
    }
    writer.finish()?;
    Ok(())
}

pub(crate) fn read_parquet(
    path: &Path,
    columns: Option<&[&str]>,
) -> Result<DataFrame, SnapshotError> {
    let file = File::open(path).map_err(|source| SnapshotError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut reader = ParquetReader::new(file);
    if let Some(cols) = columns {
        reader = reader.with_columns(Some(cols.iter().map(|c| c.to_string()).collect()));
    }
    reader.finish().map_err(pq_err(path))
}

/// The nodes table of a graph.
pub fn nodes_frame(g: &Graph) -> Result<DataFrame, PolarsError> {
    let n = g.node_count() as u32;
    let nodes: Vec<NodeCols<'_>> = (0..n)
        .map(|i| {
            let r = g.node(i);
            (r.id, r.name, r.provider, r.kind, r.class, r.attrs)
        })
        .collect();
    let mut columns = vec![Column::new("idx".into(), (0..n).collect::<Vec<u32>>())];
    columns.extend(node_columns(&nodes));
    DataFrame::new(nodes.len(), columns)
}

/// One node's fields as the nodes table has them: id, name, provider,
/// kind, class, attributes.
pub(crate) type NodeCols<'a> = (&'a str, &'a str, &'a str, &'a str, Class, &'a Attributes);

/// The columns of the nodes table after `idx`.
pub(crate) fn node_columns(nodes: &[NodeCols<'_>]) -> Vec<Column> {
    let opt = |f: fn(&Attributes) -> &Option<String>| -> Vec<Option<&str>> {
        nodes.iter().map(|r| f(r.5).as_deref()).collect()
    };
    let tags: Vec<Option<String>> = nodes
        .iter()
        .map(|r| {
            (!r.5.tags.is_empty()).then(|| serde_json::to_string(&r.5.tags).unwrap_or_default())
        })
        .collect();
    vec![
        Column::new("id".into(), nodes.iter().map(|r| r.0).collect::<Vec<_>>()),
        Column::new("name".into(), nodes.iter().map(|r| r.1).collect::<Vec<_>>()),
        Column::new(
            "provider".into(),
            nodes.iter().map(|r| r.2).collect::<Vec<_>>(),
        ),
        Column::new("kind".into(), nodes.iter().map(|r| r.3).collect::<Vec<_>>()),
        Column::new(
            "class".into(),
            nodes.iter().map(|r| r.4.as_str()).collect::<Vec<_>>(),
        ),
        Column::new("owner".into(), opt(|a| &a.owner)),
        Column::new("environment".into(), opt(|a| &a.environment)),
        Column::new("created".into(), opt(|a| &a.created)),
        Column::new("last_used".into(), opt(|a| &a.last_used)),
        Column::new("expires".into(), opt(|a| &a.expires)),
        Column::new("tags".into(), tags),
    ]
}

/// The edges table of a graph. With `derived_ids`, the `id` column holds
/// every edge's id; without, only explicit ids (the snapshot form).
pub fn edges_frame(g: &Graph, derived_ids: bool) -> Result<DataFrame, PolarsError> {
    edges_frame_of(g, derived_ids, 0..g.edges().len() as EdgeIx)
}

/// The rows `range` of [`edges_frame`].
pub fn edges_frame_of(
    g: &Graph,
    derived_ids: bool,
    range: std::ops::Range<EdgeIx>,
) -> Result<DataFrame, PolarsError> {
    let edges = g
        .edges()
        .get(range.start as usize..range.end as usize)
        .unwrap_or_default();
    let prov: Vec<Provenance> = range.clone().map(|e| g.provenance(e)).collect();
    let ids: Vec<Option<String>> = range
        .clone()
        .map(|e| {
            if derived_ids {
                Some(g.edge_id(e))
            } else {
                g.explicit_edge_id(e).map(str::to_string)
            }
        })
        .collect();
    DataFrame::new(
        edges.len(),
        vec![
            Column::new(
                "src_idx".into(),
                edges.iter().map(|e| e.from).collect::<Vec<u32>>(),
            ),
            Column::new(
                "dst_idx".into(),
                edges.iter().map(|e| e.to).collect::<Vec<u32>>(),
            ),
            Column::new(
                "src".into(),
                edges.iter().map(|e| g.id(e.from)).collect::<Vec<_>>(),
            ),
            Column::new(
                "dst".into(),
                edges.iter().map(|e| g.id(e.to)).collect::<Vec<_>>(),
            ),
            Column::new(
                "kind".into(),
                edges.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "access".into(),
                edges
                    .iter()
                    .map(|e| e.access.map(AccessLevel::as_str))
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "conditional".into(),
                edges.iter().map(|e| e.conditional).collect::<Vec<bool>>(),
            ),
            Column::new(
                "condition".into(),
                range.clone().map(|e| g.condition(e)).collect::<Vec<_>>(),
            ),
            Column::new(
                "mechanism".into(),
                range.clone().map(|e| g.mechanism(e)).collect::<Vec<_>>(),
            ),
            Column::new("id".into(), ids),
            Column::new(
                "source".into(),
                prov.iter().map(|p| p.source.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "location".into(),
                prov.iter().map(|p| p.location.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "reason".into(),
                prov.iter().map(|p| p.reason.as_str()).collect::<Vec<_>>(),
            ),
        ],
    )
}

/// Saves a graph as a snapshot folder (created if missing).
pub fn save(g: &Graph, dir: &Path) -> Result<(), SnapshotError> {
    replace_folder(dir, is_snapshot, "a snapshot folder", |tmp| {
        write_into(g, tmp)
    })
}

/// Writes a folder of ours (`ours` tells one, `what` names it): written
/// beside the target by `write`, then swapped in, so that an interrupted
/// save leaves the old folder whole and no file of it survives in the
/// new. A folder that is neither ours nor empty is not replaced.
pub(crate) fn replace_folder(
    dir: &Path,
    ours: fn(&Path) -> bool,
    what: &str,
    write: impl FnOnce(&Path) -> Result<(), SnapshotError>,
) -> Result<(), SnapshotError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SnapshotError::Io { path, source }
    };
    if dir.exists() && !ours(dir) {
        let empty = dir.is_dir() && std::fs::read_dir(dir).map_err(io(dir))?.next().is_none();
        if !empty {
            return Err(SnapshotError::Io {
                path: dir.to_path_buf(),
                source: std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    format!("exists and is not {what}; refusing to replace it"),
                ),
            });
        }
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    let base = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "snapshot".into());
    let tmp = parent.join(format!(".{base}.tmp-{}", std::process::id()));
    let old = parent.join(format!(".{base}.old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).map_err(io(&tmp))?;
    if let Err(e) = write(&tmp) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let replaced = dir.exists();
    if replaced {
        std::fs::rename(dir, &old).map_err(io(dir))?;
    }
    if let Err(source) = std::fs::rename(&tmp, dir) {
        if replaced {
            let _ = std::fs::rename(&old, dir);
        }
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(SnapshotError::Io {
            path: dir.to_path_buf(),
            source,
        });
    }
    if replaced {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}

/// Writes the snapshot's files into an existing folder.
fn write_into(g: &Graph, dir: &Path) -> Result<(), SnapshotError> {
    std::fs::create_dir_all(dir).map_err(|source| SnapshotError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let nodes_path = dir.join("nodes.parquet");
    let edges_path = dir.join("edges.parquet");
    // The two tables are written at once: most of the work is gathering
    // their strings, one thread each.
    let write_nodes = || {
        let mut nodes = nodes_frame(g).map_err(pq_err(&nodes_path))?;
        write_parquet(&nodes_path, &mut nodes)
    };
    let (nodes, edges) = std::thread::scope(|s| {
        let nodes = s.spawn(write_nodes);
        let edges = write_edges(g, &edges_path);
        (nodes.join(), edges)
    });
    edges?;
    nodes.map_err(|_| SnapshotError::Io {
        path: nodes_path.clone(),
        source: std::io::Error::other("the thread writing it stopped"),
    })??;
    let manifest_path = dir.join("manifest.json");
    let text = serde_json::to_string_pretty(g.manifest()).map_err(|e| SnapshotError::Manifest {
        path: manifest_path.clone(),
        message: e.to_string(),
    })?;
    std::fs::write(&manifest_path, text + "\n").map_err(|source| SnapshotError::Io {
        path: manifest_path,
        source,
    })?;
    write_section(g, dir)
}

/// Writes the graph section (`graph.bin`) of the tables now in `dir`,
/// beside them and then renamed into place.
fn write_section(g: &Graph, dir: &Path) -> Result<(), SnapshotError> {
    let path = dir.join(crate::section::FILE);
    let io = |source| SnapshotError::Io {
        path: path.clone(),
        source,
    };
    let key = crate::section::source_key(dir).ok_or_else(|| {
        io(std::io::Error::other(
            "the tables beside it cannot be read back",
        ))
    })?;
    let bytes = crate::section::encode(g, key).map_err(|e| io(std::io::Error::other(e)))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        crate::section::FILE,
        std::process::id()
    ));
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(e)
    })
}

pub(crate) struct Cols<'a> {
    pub(crate) path: &'a Path,
    pub(crate) df: &'a DataFrame,
}

impl<'a> Cols<'a> {
    pub(crate) fn err(&self, column: &str, message: String) -> SnapshotError {
        SnapshotError::Column {
            path: self.path.to_path_buf(),
            column: column.to_string(),
            message,
        }
    }
    pub(crate) fn str(&self, name: &str) -> Result<&'a StringChunked, SnapshotError> {
        self.df
            .column(name)
            .map_err(|e| self.err(name, e.to_string()))?
            .str()
            .map_err(|e| self.err(name, format!("expected a string column: {e}")))
    }
    pub(crate) fn u32(&self, name: &str) -> Result<&'a UInt32Chunked, SnapshotError> {
        self.df
            .column(name)
            .map_err(|e| self.err(name, e.to_string()))?
            .u32()
            .map_err(|e| self.err(name, format!("expected a u32 column: {e}")))
    }
    pub(crate) fn bool(&self, name: &str) -> Result<&'a BooleanChunked, SnapshotError> {
        self.df
            .column(name)
            .map_err(|e| self.err(name, e.to_string()))?
            .bool()
            .map_err(|e| self.err(name, format!("expected a boolean column: {e}")))
    }
}

/// Loads a snapshot folder. Rows that do not validate (unknown class or
/// kind, an index out of range) are skipped and reported in the manifest's
/// diagnostics, naming file and row.
pub fn load(dir: &Path) -> Result<Graph, SnapshotError> {
    load_noting(dir, &mut |_| {})
}

/// [`load`], saying how: through the graph section, or from the Parquet
/// tables and why (the section then written again when the tables loaded
/// cleanly, and whether that worked).
pub fn load_noting(dir: &Path, note: &mut dyn FnMut(String)) -> Result<Graph, SnapshotError> {
    let manifest = read_manifest(dir)?;
    let section = dir.join(crate::section::FILE);
    let why = match crate::section::source_key(dir) {
        None => "the tables cannot be read back".to_string(),
        Some(key) => match crate::section::read(&section) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => "it has none".to_string(),
            Err(e) => format!("it cannot be read: {e}"),
            Ok(bytes) => match crate::section::decode(bytes, key, &manifest) {
                Ok(g) => {
                    note(format!("graph section {} used", section.display()));
                    return Ok(g);
                }
                Err(why) => why,
            },
        },
    };
    let listed = manifest.diagnostics.len();
    let g = load_tables(dir, manifest)?;
    let written = if g.manifest().diagnostics.len() == listed {
        match write_section(&g, dir) {
            Ok(()) => "written again".to_string(),
            Err(e) => format!("not written: {e}"),
        }
    } else {
        "not written: some rows of the tables did not load".to_string()
    };
    note(format!(
        "graph section of {} not used ({why}): read the Parquet tables; section {written}",
        dir.display()
    ));
    Ok(g)
}

fn read_manifest(dir: &Path) -> Result<Manifest, SnapshotError> {
    let manifest_path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&manifest_path).map_err(|source| SnapshotError::Io {
        path: manifest_path.clone(),
        source,
    })?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| SnapshotError::Manifest {
        path: manifest_path.clone(),
        message: format!("line {}, column {}: {e}", e.line(), e.column()),
    })?;
    if manifest.format_version > crate::FORMAT_VERSION {
        return Err(SnapshotError::Manifest {
            path: manifest_path,
            message: format!(
                "snapshot format {} is newer than this blastgraph reads ({})",
                manifest.format_version,
                crate::FORMAT_VERSION
            ),
        });
    }
    Ok(manifest)
}

/// Loads the Parquet tables of a snapshot folder whose manifest is
/// `manifest`.
fn load_tables(dir: &Path, mut manifest: Manifest) -> Result<Graph, SnapshotError> {
    let nodes_path = dir.join("nodes.parquet");
    let nodes_df = read_parquet(&nodes_path, None)?;
    let c = Cols {
        path: &nodes_path,
        df: &nodes_df,
    };
    let file = nodes_path.display().to_string();
    let mut diag = |file: &str, row: usize, message: String| {
        manifest.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            code: blastgraph_model::Code::BadRecord,
            file: file.to_string(),
            location: format!("row {row}"),
            message,
        });
    };
    let class_col = c.str("class")?;
    let idx_col = c.u32("idx")?;
    let (ids, names, providers, kinds) = (
        c.str("id")?,
        c.str("name")?,
        c.str("provider")?,
        c.str("kind")?,
    );
    let attr_cols = [
        c.str("owner")?,
        c.str("environment")?,
        c.str("created")?,
        c.str("last_used")?,
        c.str("expires")?,
    ];
    let tags = c.str("tags")?;
    // Old row position → new node index (rows that fail validation are dropped).
    let mut remap: Vec<Option<u32>> = vec![None; nodes_df.height()];
    let mut parts = Parts::new();
    for (row, (class, idx)) in class_col.iter().zip(idx_col.iter()).enumerate() {
        let class = match class.map(str::parse::<Class>) {
            Some(Ok(c)) => c,
            Some(Err(e)) => {
                diag(&file, row, e.to_string());
                continue;
            }
            None => {
                diag(&file, row, "`class` is null".into());
                continue;
            }
        };
        if idx != Some(row as u32) {
            diag(
                &file,
                row,
                format!("`idx` is {idx:?}, expected {row}; the row is skipped"),
            );
            continue;
        }
        let id = ids.get(row).unwrap_or("");
        if id.is_empty() {
            diag(&file, row, "`id` is empty".into());
            continue;
        }
        let a = |k: usize| {
            attr_cols
                .get(k)
                .and_then(|c| c.get(row))
                .map(str::to_string)
        };
        let tag_map: BTreeMap<String, String> = match tags.get(row) {
            Some(t) => match serde_json::from_str(t) {
                Ok(m) => m,
                Err(e) => {
                    diag(
                        &file,
                        row,
                        format!("`tags` is not a JSON object of strings: {e}; tags dropped"),
                    );
                    BTreeMap::new()
                }
            },
            None => BTreeMap::new(),
        };
        remap[row] = Some(parts.ids.len() as u32);
        parts.ids.push(id);
        parts.names.push(names.get(row).unwrap_or(""));
        parts
            .provider
            .push(parts.strings.intern(providers.get(row).unwrap_or("")));
        parts
            .kind
            .push(parts.strings.intern(kinds.get(row).unwrap_or("")));
        parts.classes.push(class);
        parts.attrs.push(Attributes {
            owner: a(0),
            environment: a(1),
            created: a(2),
            last_used: a(3),
            expires: a(4),
            tags: tag_map,
        });
    }
    drop(nodes_df);

    let edges_path = dir.join("edges.parquet");
    let mut edges_df = read_parquet(
        &edges_path,
        Some(&[
            "src_idx",
            "dst_idx",
            "kind",
            "access",
            "conditional",
            "condition",
            "mechanism",
            "id",
            "source",
            "location",
            "reason",
        ]),
    )?;
    let file = edges_path.display().to_string();
    // Pass 1: the hot columns decide which rows are kept.
    let mut keep: Vec<bool> = Vec::with_capacity(edges_df.height());
    {
        let c = Cols {
            path: &edges_path,
            df: &edges_df,
        };
        let (src, dst) = (c.u32("src_idx")?, c.u32("dst_idx")?);
        let (kind, access, cond) = (c.str("kind")?, c.str("access")?, c.bool("conditional")?);
        let rows = src
            .iter()
            .zip(dst.iter())
            .zip(kind.iter())
            .zip(access.iter())
            .zip(cond.iter());
        for (row, ((((s, d), k), a), cd)) in rows.enumerate() {
            let from = s.and_then(|s| remap.get(s as usize).copied().flatten());
            let to = d.and_then(|d| remap.get(d as usize).copied().flatten());
            let core = (|| {
                let (Some(from), Some(to)) = (from, to) else {
                    return Err(format!(
                        "`src_idx` {s:?} or `dst_idx` {d:?} names no node; the edge is skipped"
                    ));
                };
                let kind = k
                    .ok_or("`kind` is null")?
                    .parse::<EdgeKind>()
                    .map_err(|e| e.to_string())?;
                let access = a
                    .map(str::parse::<AccessLevel>)
                    .transpose()
                    .map_err(|e| e.to_string())?;
                if kind == EdgeKind::Access && access.is_none() {
                    return Err("an `access` edge has no `access` level".into());
                }
                Ok(EdgeCore {
                    from,
                    to,
                    note: 0,
                    kind,
                    access,
                    conditional: cd.unwrap_or(false),
                })
            })();
            match core {
                Ok(core) => {
                    parts.edges.push(core);
                    keep.push(true);
                }
                Err(message) => {
                    diag(&file, row, message);
                    keep.push(false);
                }
            }
        }
    }
    // Pass 2: explanation columns, one at a time, each freed once read.
    let take = |df: &mut DataFrame, name: &str| -> Result<Column, SnapshotError> {
        df.drop_in_place(name).map_err(|e| SnapshotError::Column {
            path: edges_path.clone(),
            column: name.to_string(),
            message: e.to_string(),
        })
    };
    let str_of = |col: &Column, name: &str| -> Result<StringChunked, SnapshotError> {
        col.str().cloned().map_err(|e| SnapshotError::Column {
            path: edges_path.clone(),
            column: name.to_string(),
            message: format!("expected a string column: {e}"),
        })
    };
    // One handle column per explanation column, then interned into the
    // rows' places and whys.
    let mut handles: Vec<Vec<u32>> = Vec::new();
    for name in [
        "source",
        "location",
        "reason",
        "mechanism",
        "condition",
        "id",
    ] {
        let col = take(&mut edges_df, name)?;
        let ca = str_of(&col, name)?;
        drop(col);
        let st = &mut parts.strings;
        // Rows often repeat the previous row's value (one source file, no
        // mechanism): compare before hashing.
        let mut prev: Option<(&str, u32)> = None;
        handles.push(
            ca.iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(v, _)| {
                    let v = v.unwrap_or("");
                    // JSON paths are nearly all distinct: stored, not looked up.
                    if name == "location" {
                        return st.push(v);
                    }
                    match prev {
                        Some((p, h)) if p == v => h,
                        _ => {
                            let h = st.intern(v);
                            prev = Some((v, h));
                            h
                        }
                    }
                })
                .collect(),
        );
    }
    let col = |k: usize, i: usize| handles.get(k).and_then(|c| c.get(i)).copied().unwrap_or(0);
    // Whys repeat (one statement, one grant): the previous row's is reused
    // before the table is asked.
    let mut prev: Option<([u32; 4], u32)> = None;
    for (i, e) in parts.edges.iter_mut().enumerate() {
        let place = parts.explain.push_place(col(0, i), col(1, i));
        let key = [col(2, i), col(3, i), col(4, i), col(5, i)];
        let why = match prev {
            Some((k, w)) if k == key => w,
            _ => {
                let [r, m, c, id] = key;
                let w = parts.explain.why(r, m, c, id);
                prev = Some((key, w));
                w
            }
        };
        e.note = parts.explain.push_note(place, why);
    }
    parts.explain.seal();
    drop(edges_df);
    parts.manifest = manifest;
    Ok(Graph::from_parts(parts))
}
