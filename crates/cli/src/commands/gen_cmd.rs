//! `blastgraph gen`

use std::io::Write;

use anyhow::{Context, Result};
use blastgraph_connector_native::NativeWriter;
use blastgraph_gen::{GenOptions, generate, generate_streaming};
use blastgraph_graph::{Graph, snapshot};

use crate::args::GenArgs;

/// Runs `gen`: a `.json` output is a native estate file, anything else a
/// snapshot folder. A JSON file is written as the estate is generated: the
/// edges, most of it, are never held.
pub fn run(args: &GenArgs, out: &mut dyn Write) -> Result<u8> {
    let opts = GenOptions {
        identities: args.identities,
        seed: args.seed,
    };
    let (nodes, edges) = if args.output.extension().is_some_and(|e| e == "json") {
        stream_json(opts, &args.output)?
    } else {
        let estate = generate(opts);
        let counts = (estate.nodes.len(), estate.edges.len());
        let g = Graph::build(estate);
        snapshot::save(&g, &args.output)
            .with_context(|| format!("cannot save {}", args.output.display()))?;
        counts
    };
    writeln!(
        out,
        "wrote {}: {nodes} nodes, {edges} edges",
        args.output.display()
    )?;
    Ok(0)
}

/// Writes the estate to `path` as it is generated, beside it first and then
/// renamed, so an interrupted run leaves no half file. (nodes, edges).
fn stream_json(opts: GenOptions, path: &std::path::Path) -> Result<(usize, usize)> {
    let mut counts = (0, 0);
    crate::output::write_file_with(path, |file| {
        let mut w = NativeWriter::new(file)?;
        let mut failed = None;
        let mut edges = 0;
        let (nodes, _) = generate_streaming(opts, &mut |e| {
            if failed.is_none() {
                match w.edge(&e) {
                    Ok(()) => edges += 1,
                    Err(err) => failed = Some(err),
                }
            }
        });
        if let Some(e) = failed {
            return Err(e.into());
        }
        w.finish(&nodes)?;
        counts = (nodes.len(), edges);
        Ok(())
    })?;
    Ok(counts)
}
