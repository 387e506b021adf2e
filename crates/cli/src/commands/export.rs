//! `blastgraph export`

use std::io::Write;

use anyhow::{Context, Result};
use blastgraph_analysis::Filter;
use blastgraph_analysis::report::rank_report;
use blastgraph_export::{TableFormat, nodes_frame, rank_frame, sink_for, write_edges};
use polars::prelude::DataFrame;

use crate::args::{ExportArgs, ExportTo};

/// Runs `export`: writes `nodes`, `edges` and `rank` tables into a folder,
/// or the whole graph as GraphML, BloodHound OpenGraph or Neo4j import CSV.
pub fn run(args: &ExportArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    crate::inputs::check_output(&args.input.input, &args.output)?;
    let g = crate::inputs::load(&args.input, err)?;
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("cannot create {}", args.output.display()))?;
    let format = match args.to {
        ExportTo::Csv => TableFormat::Csv,
        ExportTo::Parquet => TableFormat::Parquet,
        ExportTo::Json => TableFormat::Json,
        ExportTo::Graphml => {
            let text = blastgraph_export::graphml::graphml(&g);
            write_graph(&args.output.join("graph.graphml"), &text, &g, out)?;
            return Ok(0);
        }
        ExportTo::Opengraph => {
            use blastgraph_export::opengraph::{GRAPH_FILE, SCHEMA_FILE, graph_json, schema_json};
            write_graph(&args.output.join(GRAPH_FILE), &graph_json(&g), &g, out)?;
            let path = args.output.join(SCHEMA_FILE);
            crate::output::write_file(&path, schema_json().as_bytes())?;
            writeln!(
                out,
                "wrote {} (the BloodHound CE extension schema of the BG_ kinds: install it before uploading {GRAPH_FILE})",
                path.display(),
            )?;
            return Ok(0);
        }
        ExportTo::Neo4j => {
            use blastgraph_export::neo4j::{
                NODES_FILE, RELATIONSHIPS_FILE, import_command, neo4j_csv,
            };
            let files = neo4j_csv(&g);
            let nodes = args.output.join(NODES_FILE);
            let rels = args.output.join(RELATIONSHIPS_FILE);
            crate::output::write_file(&nodes, files.nodes.as_bytes())?;
            writeln!(out, "wrote {} ({} nodes)", nodes.display(), g.node_count())?;
            crate::output::write_file(&rels, files.relationships.as_bytes())?;
            writeln!(
                out,
                "wrote {} ({} relationships)",
                rels.display(),
                g.edges().len()
            )?;
            writeln!(
                out,
                "import with: {}",
                import_command(
                    &nodes.to_string_lossy(),
                    &rels.to_string_lossy(),
                    files.multiline
                )
            )?;
            return Ok(0);
        }
    };
    let (rows, _) = if args.strict {
        blastgraph_analysis::rank(&g, &Filter::strict(true))
    } else {
        blastgraph_analysis::rank_firm_and_possible(&g)
    };
    let path = |name: &str| args.output.join(format!("{name}.{}", format.extension()));
    let table = |name: &str, mut df: DataFrame, out: &mut dyn Write| -> Result<()> {
        let path = path(name);
        crate::output::write_file_with(&path, |w| Ok(sink_for(format).write(&mut df, w)?))?;
        writeln!(out, "wrote {} ({} rows)", path.display(), df.height())?;
        Ok(())
    };
    table("nodes", nodes_frame(&g)?, out)?;
    // The edges, most of the graph, one row group at a time.
    let edges = path("edges");
    let mut count = 0;
    crate::output::write_file_with(&edges, |w| {
        count = write_edges(&g, format, w)?;
        Ok(())
    })?;
    writeln!(out, "wrote {} ({count} rows)", edges.display())?;
    table("rank", rank_frame(&rank_report(&g, &rows))?, out)?;
    Ok(0)
}

/// Writes a whole-graph export and says so, with the graph's counts.
fn write_graph(
    path: &std::path::Path,
    text: &str,
    g: &blastgraph_graph::Graph,
    out: &mut dyn Write,
) -> Result<()> {
    crate::output::write_file(path, text.as_bytes())?;
    writeln!(
        out,
        "wrote {} ({} nodes, {} edges)",
        path.display(),
        g.node_count(),
        g.edges().len()
    )?;
    Ok(())
}
