//! Answers and graphs as tables (CSV, Parquet via polars), JSON, and text;
//! whole graphs for other tools: GraphML ([`graphml`]), BloodHound CE
//! OpenGraph ([`opengraph`]) and `neo4j-admin` import CSV ([`neo4j`]).
//!
//! Every table is a polars [`DataFrame`], so CSV and Parquet come from one
//! place and notebooks read exactly what the command line writes. A
//! [`Sink`] writes a frame in one format; [`sink_for`] picks it. Query
//! answers in JSON are the nested report views of `blastgraph-analysis`
//! (paths with per-hop provenance); tables flatten them, keeping each path as
//! a JSON string column (`path`) so nothing is lost.
//!
//! Column schemas are documented in the README ("Export schemas").

use std::io::Write;

use blastgraph_analysis::report::{
    BlastReport, HopView, NodeView, RankView, ReachedView, TraceReport, WhatIfReport, WhoCanReport,
};
use blastgraph_graph::Graph;
use polars::prelude::*;

pub mod diagram;
pub mod graphml;
pub mod neo4j;
pub mod opengraph;
pub mod report;
pub mod text;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Writing failed.
    #[error("cannot write {what}: {message}")]
    Write {
        /// What was being written.
        what: String,
        /// The cause.
        message: String,
    },
}

fn werr(what: &str) -> impl Fn(PolarsError) -> ExportError + '_ {
    move |e| ExportError::Write {
        what: what.to_string(),
        message: e.to_string(),
    }
}

/// A table format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// Apache Parquet (zstd).
    Parquet,
    /// A JSON array of row objects.
    Json,
}

impl TableFormat {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            TableFormat::Csv => "csv",
            TableFormat::Parquet => "parquet",
            TableFormat::Json => "json",
        }
    }
}

/// Writes a frame in one format: the exporter extension point.
pub trait Sink {
    /// Writes `df` to `out`.
    fn write(&self, df: &mut DataFrame, out: &mut dyn Write) -> Result<(), ExportError>;
}

struct CsvSink;
struct ParquetSink;
struct JsonSink;

impl Sink for CsvSink {
    fn write(&self, df: &mut DataFrame, out: &mut dyn Write) -> Result<(), ExportError> {
        let mut safe = csv_safe(df).map_err(werr("csv"))?;
        CsvWriter::new(out)
            .include_header(true)
            .finish(&mut safe)
            .map_err(werr("csv"))
    }
}

/// Whether a CSV cell would be read as a formula by a spreadsheet
/// (OWASP "CSV injection"): it starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return.
pub fn csv_formula_like(cell: &str) -> bool {
    matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// The frame with every text cell that [`csv_formula_like`] prefixed by a
/// single quote, which spreadsheets show as text. Only CSV gets this:
/// Parquet and JSON keep the values as they are.
fn csv_safe(df: &DataFrame) -> PolarsResult<DataFrame> {
    let mut cols = Vec::with_capacity(df.width());
    for c in df.columns() {
        match c.dtype() {
            DataType::String => {
                let ca = c.str()?;
                let cells = || (0..ca.len()).map(|i| ca.get(i));
                if cells().flatten().any(csv_formula_like) {
                    let fixed: StringChunked = cells()
                        .map(|v| {
                            v.map(|v| {
                                if csv_formula_like(v) {
                                    std::borrow::Cow::Owned(format!("'{v}"))
                                } else {
                                    std::borrow::Cow::Borrowed(v)
                                }
                            })
                        })
                        .collect();
                    cols.push(fixed.with_name(c.name().clone()).into_column());
                } else {
                    cols.push(c.clone());
                }
            }
            _ => cols.push(c.clone()),
        }
    }
    DataFrame::new(df.height(), cols)
}

impl Sink for ParquetSink {
    fn write(&self, df: &mut DataFrame, out: &mut dyn Write) -> Result<(), ExportError> {
        ParquetWriter::new(out)
            .with_compression(ParquetCompression::Zstd(None))
            .finish(df)
            .map(|_| ())
            .map_err(werr("parquet"))
    }
}

impl Sink for JsonSink {
    fn write(&self, df: &mut DataFrame, out: &mut dyn Write) -> Result<(), ExportError> {
        let rows = frame_to_json(df);
        let text = serde_json::to_string_pretty(&rows).map_err(|e| ExportError::Write {
            what: "json".into(),
            message: e.to_string(),
        })?;
        out.write_all(text.as_bytes())
            .and_then(|()| out.write_all(b"\n"))
            .map_err(|e| ExportError::Write {
                what: "json".into(),
                message: e.to_string(),
            })
    }
}

/// Writes a graph's edges table (every edge's id derived) in `format`, one
/// row group at a time for Parquet and CSV, so that the table of ten
/// million edges is never held whole (JSON is written whole). Returns the
/// number of rows.
pub fn write_edges(
    g: &Graph,
    format: TableFormat,
    out: &mut dyn Write,
) -> Result<usize, ExportError> {
    use blastgraph_graph::snapshot::{ROW_GROUP, edges_frame_of};
    let m = g.edges().len() as u32;
    let batch = |start: u32| {
        edges_frame_of(g, true, start..m.min(start.saturating_add(ROW_GROUP)))
            .map_err(werr("edges table"))
    };
    match format {
        TableFormat::Json => {
            let mut df = edges_frame(g)?;
            sink_for(format).write(&mut df, out)?;
        }
        TableFormat::Parquet => {
            blastgraph_graph::snapshot::write_edges_parquet(g, true, out)
                .map_err(werr("parquet"))?;
        }
        TableFormat::Csv => {
            let mut start = 0;
            loop {
                let mut safe = csv_safe(&batch(start)?).map_err(werr("csv"))?;
                CsvWriter::new(&mut *out)
                    .include_header(start == 0)
                    .finish(&mut safe)
                    .map_err(werr("csv"))?;
                start = start.saturating_add(ROW_GROUP);
                if start >= m {
                    break;
                }
            }
        }
    }
    Ok(m as usize)
}

/// The sink for a format.
pub fn sink_for(format: TableFormat) -> Box<dyn Sink> {
    match format {
        TableFormat::Csv => Box::new(CsvSink),
        TableFormat::Parquet => Box::new(ParquetSink),
        TableFormat::Json => Box::new(JsonSink),
    }
}

/// A frame as a JSON array of row objects (nulls kept as `null`).
pub fn frame_to_json(df: &DataFrame) -> serde_json::Value {
    let cols: Vec<(&str, &Column)> = df
        .columns()
        .iter()
        .map(|c| (c.name().as_str(), c))
        .collect();
    let mut rows = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let mut m = serde_json::Map::new();
        for (name, col) in &cols {
            let v = match col.get(i) {
                Ok(AnyValue::String(s)) => serde_json::Value::from(s),
                Ok(AnyValue::StringOwned(s)) => serde_json::Value::from(s.as_str()),
                Ok(AnyValue::Boolean(b)) => b.into(),
                Ok(AnyValue::UInt32(x)) => x.into(),
                Ok(AnyValue::UInt64(x)) => x.into(),
                Ok(AnyValue::Int32(x)) => x.into(),
                Ok(AnyValue::Int64(x)) => x.into(),
                Ok(AnyValue::Float64(x)) => x.into(),
                Ok(other) if !other.is_null() => other.to_string().into(),
                _ => serde_json::Value::Null,
            };
            m.insert((*name).to_string(), v);
        }
        rows.push(serde_json::Value::Object(m));
    }
    serde_json::Value::Array(rows)
}

fn s<'a>(v: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    v.into_iter().collect()
}

fn path_json(path: &[HopView]) -> String {
    serde_json::to_string(path).unwrap_or_default()
}

/// The `id`, `name`, `kind` and `class` columns of node views.
fn node_columns(nodes: &[&NodeView]) -> Vec<Column> {
    vec![
        Column::new("id".into(), s(nodes.iter().map(|n| n.id.as_str()))),
        Column::new("name".into(), s(nodes.iter().map(|n| n.name.as_str()))),
        Column::new("kind".into(), s(nodes.iter().map(|n| n.kind.as_str()))),
        Column::new("class".into(), s(nodes.iter().map(|n| n.class.as_str()))),
    ]
}

fn reached_columns(rows: &[&ReachedView]) -> Vec<Column> {
    let nodes: Vec<&NodeView> = rows.iter().map(|r| &r.node).collect();
    let mut cols = node_columns(&nodes);
    cols.extend([
        Column::new(
            "access".into(),
            rows.iter()
                .map(|r| r.access.map(|a| a.as_str()))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "hops".into(),
            rows.iter().map(|r| r.hops).collect::<Vec<u32>>(),
        ),
        Column::new(
            "conditional".into(),
            rows.iter().map(|r| r.conditional).collect::<Vec<bool>>(),
        ),
        Column::new(
            "path_summary".into(),
            rows.iter()
                .map(|r| blastgraph_analysis::report::path_line(&r.path))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "path".into(),
            rows.iter().map(|r| path_json(&r.path)).collect::<Vec<_>>(),
        ),
    ]);
    cols
}

/// The blast table: one row per identity, credential, scope or target
/// reached. Columns: `compromised`, `category`, then the reached columns.
pub fn blast_frame(r: &BlastReport) -> Result<DataFrame, ExportError> {
    let mut rows: Vec<(&str, &ReachedView)> = Vec::new();
    for (cat, list) in [
        ("scope", &r.scopes),
        ("identity", &r.identities),
        ("credential", &r.credentials),
        ("target", &r.targets),
    ] {
        rows.extend(list.iter().map(|x| (cat, x)));
    }
    let compromised = r
        .compromised
        .iter()
        .map(|n| n.id.as_str())
        .collect::<Vec<_>>()
        .join(",");
    let mut cols = vec![
        Column::new("compromised".into(), vec![compromised.as_str(); rows.len()]),
        Column::new("category".into(), s(rows.iter().map(|(c, _)| *c))),
    ];
    let refs: Vec<&ReachedView> = rows.iter().map(|(_, x)| *x).collect();
    cols.extend(reached_columns(&refs));
    DataFrame::new(rows.len(), cols).map_err(werr("blast table"))
}

/// The who-can table: `target`, then one row per identity.
pub fn who_can_frame(r: &WhoCanReport) -> Result<DataFrame, ExportError> {
    let refs: Vec<&ReachedView> = r.identities.iter().collect();
    let mut cols = vec![Column::new(
        "target".into(),
        vec![r.target.id.as_str(); refs.len()],
    )];
    cols.extend(reached_columns(&refs));
    DataFrame::new(refs.len(), cols).map_err(werr("who-can table"))
}

/// The trace table: one row per hop of every chain.
pub fn trace_frame(r: &TraceReport) -> Result<DataFrame, ExportError> {
    let hops: Vec<(usize, usize, &HopView)> = r
        .chains
        .iter()
        .flat_map(|c| {
            c.path
                .iter()
                .enumerate()
                .map(move |(i, h)| (c.rank, i + 1, h))
        })
        .collect();
    let col = |name: &str, f: &dyn Fn(&HopView) -> Option<String>| {
        Column::new(
            name.into(),
            hops.iter().map(|(_, _, h)| f(h)).collect::<Vec<_>>(),
        )
    };
    let cols = vec![
        Column::new(
            "chain".into(),
            hops.iter().map(|x| x.0 as u32).collect::<Vec<u32>>(),
        ),
        Column::new(
            "hop".into(),
            hops.iter().map(|x| x.1 as u32).collect::<Vec<u32>>(),
        ),
        col("from", &|h| Some(h.from.clone())),
        col("to", &|h| Some(h.to.clone())),
        col("kind", &|h| Some(h.kind.clone())),
        col("access", &|h| h.access.map(|a| a.as_str().to_string())),
        col("mechanism", &|h| h.mechanism.clone()),
        Column::new(
            "conditional".into(),
            hops.iter().map(|x| x.2.conditional).collect::<Vec<bool>>(),
        ),
        col("condition", &|h| h.condition.clone()),
        col("edge", &|h| Some(h.edge.clone())),
        col("source", &|h| Some(h.source.clone())),
        col("location", &|h| Some(h.location.clone())),
        col("reason", &|h| Some(h.reason.clone())),
    ];
    DataFrame::new(hops.len(), cols).map_err(werr("trace table"))
}

/// The what-if table: one row per change (`lost_target`, `reduced_target`,
/// `lost_identity`).
pub fn what_if_frame(r: &WhatIfReport) -> Result<DataFrame, ExportError> {
    struct Row<'a> {
        change: &'static str,
        id: &'a str,
        name: &'a str,
        class: &'static str,
        before: Option<&'static str>,
        after: Option<&'static str>,
    }
    let mut rows = Vec::new();
    for t in &r.lost_targets {
        rows.push(Row {
            change: "lost_target",
            id: &t.node.id,
            name: &t.node.name,
            class: t.node.class.as_str(),
            before: t.access.map(|a| a.as_str()),
            after: None,
        });
    }
    for t in &r.reduced_targets {
        rows.push(Row {
            change: "reduced_target",
            id: &t.node.id,
            name: &t.node.name,
            class: t.node.class.as_str(),
            before: Some(t.before.as_str()),
            after: Some(t.after.as_str()),
        });
    }
    for t in &r.lost_identities {
        rows.push(Row {
            change: "lost_identity",
            id: &t.node.id,
            name: &t.node.name,
            class: t.node.class.as_str(),
            before: None,
            after: None,
        });
    }
    let cols = vec![
        Column::new("change".into(), s(rows.iter().map(|r| r.change))),
        Column::new("id".into(), s(rows.iter().map(|r| r.id))),
        Column::new("name".into(), s(rows.iter().map(|r| r.name))),
        Column::new("class".into(), s(rows.iter().map(|r| r.class))),
        Column::new(
            "before".into(),
            rows.iter().map(|r| r.before).collect::<Vec<_>>(),
        ),
        Column::new(
            "after".into(),
            rows.iter().map(|r| r.after).collect::<Vec<_>>(),
        ),
    ];
    DataFrame::new(rows.len(), cols).map_err(werr("what-if table"))
}

/// The rank table: `rank`, `id`, `name`, `kind`, `class`, `owner`,
/// `environment`, `score`, then the counts.
pub fn rank_frame(rows: &[RankView]) -> Result<DataFrame, ExportError> {
    let u = |f: &dyn Fn(&RankView) -> u32| rows.iter().map(f).collect::<Vec<u32>>();
    let nodes: Vec<&NodeView> = rows.iter().map(|r| &r.node).collect();
    let mut cols = vec![Column::new(
        "rank".into(),
        rows.iter().map(|r| r.rank as u32).collect::<Vec<u32>>(),
    )];
    cols.extend(node_columns(&nodes));
    cols.extend([
        Column::new(
            "owner".into(),
            rows.iter()
                .map(|r| r.node.owner.as_deref())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "environment".into(),
            rows.iter()
                .map(|r| r.node.environment.as_deref())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "score".into(),
            rows.iter().map(|r| r.score).collect::<Vec<u64>>(),
        ),
        Column::new("identities".into(), u(&|r| r.counts.identities)),
        Column::new("credentials".into(), u(&|r| r.counts.credentials)),
        Column::new("scopes".into(), u(&|r| r.counts.scopes)),
        Column::new("secrets".into(), u(&|r| r.counts.secrets)),
        Column::new("datasets".into(), u(&|r| r.counts.datasets)),
        Column::new("models".into(), u(&|r| r.counts.models)),
        Column::new("tools".into(), u(&|r| r.counts.tools)),
        Column::new(
            "possible_score".into(),
            rows.iter().map(|r| r.possible_score).collect::<Vec<u64>>(),
        ),
        Column::new("possible_identities".into(), u(&|r| r.possible.identities)),
        Column::new(
            "possible_credentials".into(),
            u(&|r| r.possible.credentials),
        ),
        Column::new("possible_scopes".into(), u(&|r| r.possible.scopes)),
        Column::new("possible_secrets".into(), u(&|r| r.possible.secrets)),
        Column::new("possible_datasets".into(), u(&|r| r.possible.datasets)),
        Column::new("possible_models".into(), u(&|r| r.possible.models)),
        Column::new("possible_tools".into(), u(&|r| r.possible.tools)),
    ]);
    DataFrame::new(rows.len(), cols).map_err(werr("rank table"))
}

/// The nodes table of a graph (the snapshot schema).
pub fn nodes_frame(g: &Graph) -> Result<DataFrame, ExportError> {
    blastgraph_graph::snapshot::nodes_frame(g).map_err(werr("nodes table"))
}

/// The edges table of a graph, with every edge's id filled in.
pub fn edges_frame(g: &Graph) -> Result<DataFrame, ExportError> {
    blastgraph_graph::snapshot::edges_frame(g, true).map_err(werr("edges table"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use blastgraph_model::{Attributes, Class, Edge, EdgeKind, EstateBuilder, Node, Provenance};

    /// A graph of one row group and three rows more, with a cell a
    /// spreadsheet would read as a formula in the second group.
    fn wide() -> Graph {
        let m = blastgraph_graph::snapshot::ROW_GROUP as usize + 3;
        let mut b = EstateBuilder::new();
        b.begin_input("f.json", "native", "00".into(), 1);
        for i in 0..1000 {
            b.add_node(
                Node {
                    id: format!("aws:role/r{i}"),
                    name: format!("r{i}"),
                    provider: "aws".into(),
                    kind: "aws:role".into(),
                    class: Class::Workload,
                    attrs: Attributes::default(),
                },
                "",
            );
        }
        for i in 0..m {
            b.add_edge_own_place(Edge {
                id: None,
                from: format!("aws:role/r{}", i % 1000),
                to: format!("aws:role/r{}", (i / 1000 + 1 + i % 1000) % 1000),
                kind: EdgeKind::CanAssume,
                access: None,
                mechanism: None,
                conditional: false,
                condition: None,
                provenance: Provenance {
                    source: "f.json".into(),
                    location: format!("$.edges[{i}]"),
                    reason: if i == m - 1 { "=HYPERLINK(1)" } else { "trust" }.into(),
                },
            });
        }
        Graph::build(b.finish())
    }

    #[test]
    fn edges_written_a_row_group_at_a_time_equal_the_whole_table() {
        let g = wide();
        let mut whole = edges_frame(&g).unwrap();
        // CSV: one header, every row, formulas neutralised in each group.
        let mut streamed = Vec::new();
        let n = write_edges(&g, TableFormat::Csv, &mut streamed).unwrap();
        assert_eq!(n, g.edges().len());
        let mut at_once = Vec::new();
        sink_for(TableFormat::Csv)
            .write(&mut whole, &mut at_once)
            .unwrap();
        assert!(streamed == at_once, "the CSV differs");
        let text = String::from_utf8(streamed).unwrap();
        assert_eq!(text.matches("src_idx").count(), 1);
        assert!(text.contains("'=HYPERLINK(1)"));
        // Parquet: read back, the same table.
        let mut pq = Vec::new();
        write_edges(&g, TableFormat::Parquet, &mut pq).unwrap();
        let back = ParquetReader::new(std::io::Cursor::new(pq))
            .finish()
            .unwrap();
        assert_eq!(back, whole);
    }
}
