//! `blastgraph gen`

use std::io::Write;

use anyhow::{Context, Result};
use blastgraph_gen::{GenOptions, generate};
use blastgraph_graph::{Graph, snapshot};

use crate::args::GenArgs;

/// Runs `gen`: a `.json` output is a native estate file, anything else a snapshot folder.
pub fn run(args: &GenArgs, out: &mut dyn Write) -> Result<u8> {
    let estate = generate(GenOptions {
        identities: args.identities,
        seed: args.seed,
    });
    let (nodes, edges) = (estate.nodes.len(), estate.edges.len());
    if args.output.extension().is_some_and(|e| e == "json") {
        let text = blastgraph_connector_native::to_native_json(&estate)?;
        crate::output::write_bytes(Some(&args.output), text.as_bytes(), out)?;
    } else {
        let g = Graph::build(estate);
        snapshot::save(&g, &args.output)
            .with_context(|| format!("cannot save {}", args.output.display()))?;
    }
    writeln!(
        out,
        "wrote {}: {nodes} nodes, {edges} edges",
        args.output.display()
    )?;
    Ok(0)
}
