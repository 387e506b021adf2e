//! `blastgraph build`

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};
use blastgraph_graph::{Graph, part, snapshot};

use crate::args::BuildArgs;

/// Runs `build`: reads inputs and saves a snapshot folder, or with
/// `--shard` one part of it.
pub fn run(args: &BuildArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    crate::inputs::check_output(&args.input.input, &args.output)?;
    if let Some(shard) = args.shard {
        return run_shard(args, (shard.index + 1, shard.count), out, err);
    }
    let g = crate::inputs::load(&args.input, err)?;
    save_and_say(&g, &args.output, "", out, err)?;
    Ok(0)
}

/// Saves a snapshot and says what it holds; `from` says where from, if
/// more than its inputs (`3 parts of `).
pub fn save_and_say(
    g: &Graph,
    output: &Path,
    from: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let work = crate::term::Work::spinner(&format!("writing snapshot {}", output.display()));
    snapshot::save(g, output)
        .with_context(|| format!("cannot save snapshot {}", output.display()))?;
    work.done(err, "");
    let m = g.manifest();
    writeln!(
        out,
        "wrote {}: {} nodes, {} edges from {from}{} input{} ({} records skipped)",
        output.display(),
        m.nodes,
        m.edges,
        m.inputs.len(),
        plural(m.inputs.len()),
        m.skipped
    )?;
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// One shard `(I, N)`: its units into a part folder.
fn run_shard(
    args: &BuildArgs,
    (index, count): (usize, usize),
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8> {
    let (p, read) = crate::inputs::load_shard(&args.input, (index, count), err)?;
    if read.all_units == 0 && !args.input.input.is_empty() {
        // As the unsharded build refuses it: a part of nothing would only
        // be refused at the merge, after every shard ran.
        bail!(
            "no usable input: no provider recognised any of the files given (run `blastgraph build` without --shard to see each one's problem)"
        );
    }
    let meta = part::PartMeta {
        format: part::FORMAT.into(),
        format_version: part::FORMAT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").into(),
        shard: part::ShardNo { index, count },
        inputs_key: read.inputs_key,
        units: read.units,
        nodes: p.nodes.len() as u64,
        edges: p.edges.len() as u64,
    };
    let work = crate::term::Work::spinner(&format!("writing part {}", args.output.display()));
    part::save(&p, &meta, &args.output)
        .with_context(|| format!("cannot save part {}", args.output.display()))?;
    work.done(err, "");
    writeln!(
        out,
        "wrote part {index}/{count} {}: {} unit{} of {} ({}), {} nodes, {} edges, {} problem{}; join the {count} part{} with `blastgraph merge`",
        args.output.display(),
        meta.units.len(),
        plural(meta.units.len()),
        read.all_units,
        if meta.units.is_empty() {
            "none: more shards than units".to_string()
        } else {
            meta.units.join(", ")
        },
        meta.nodes,
        meta.edges,
        p.diagnostics.len(),
        plural(p.diagnostics.len()),
        plural(count),
    )?;
    Ok(0)
}
