//! `blastgraph build`

use std::io::Write;

use anyhow::{Context, Result};
use blastgraph_graph::snapshot;

use crate::args::BuildArgs;

/// Runs `build`: reads inputs and saves a snapshot folder.
pub fn run(args: &BuildArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    crate::inputs::check_output(&args.input, &args.output)?;
    let g = crate::inputs::load(&args.input, err)?;
    let work = crate::term::Work::spinner(&format!("writing snapshot {}", args.output.display()));
    snapshot::save(&g, &args.output)
        .with_context(|| format!("cannot save snapshot {}", args.output.display()))?;
    work.done(err, "");
    let m = g.manifest();
    writeln!(
        out,
        "wrote {}: {} nodes, {} edges from {} input{} ({} records skipped)",
        args.output.display(),
        m.nodes,
        m.edges,
        m.inputs.len(),
        if m.inputs.len() == 1 { "" } else { "s" },
        m.skipped
    )?;
    Ok(0)
}
