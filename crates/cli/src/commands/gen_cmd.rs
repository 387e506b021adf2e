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
    let tmp = crate::output::beside(path);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let write = || -> Result<(usize, usize)> {
        let file = std::fs::File::create(&tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?;
        let mut w = NativeWriter::new(std::io::BufWriter::with_capacity(1 << 20, file))?;
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
            return Err(e).with_context(|| format!("cannot write {}", tmp.display()));
        }
        w.finish(&nodes)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        Ok((nodes.len(), edges))
    };
    let counts = write().inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(counts)
}
