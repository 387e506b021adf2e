//! `blastgraph merge`

use std::io::Write;

use anyhow::{Context, Result, bail};
use blastgraph_graph::{Graph, part};
use blastgraph_model::EstateBuilder;

use crate::args::MergeArgs;
use crate::term::Work;

/// Runs `merge`: checks that the parts are the N shards of one build,
/// joins them, takes the steps that need every part (patterns other
/// inputs trust, credentials inspected values hold, edges whose ends no
/// part holds) and saves the snapshot.
pub fn run(args: &MergeArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    crate::inputs::check_output(&args.parts, &args.output)?;
    let files = args
        .parts
        .iter()
        .map(|p| part::open(p).with_context(|| format!("cannot read part {}", p.display())))
        .collect::<Result<Vec<_>>>()?;
    let metas: Vec<&part::PartMeta> = files.iter().map(|f| &f.meta).collect();
    check_set(args, &metas)?;
    let count = metas.len();
    let mut b = EstateBuilder::new();
    for (p, file) in args.parts.iter().zip(files) {
        let work = Work::spinner(&format!("reading part {}", p.display()));
        part::load_into(p, file, &mut b)
            .with_context(|| format!("cannot read part {}", p.display()))?;
        work.done(err, "");
    }
    b.link_patterns();
    b.resolve_credential_hints();
    let work = Work::spinner("building the graph");
    let g = Graph::build(b.finish());
    work.done(err, "");
    crate::inputs::check_usable(&g, args.quiet, true, err)?;
    let from = format!("{count} parts of ");
    super::build::save_and_say(&g, &args.output, &from, out, err)?;
    Ok(0)
}

/// The parts must be shards 1..=N of one N, each once, of the same inputs
/// and format: a merge of a partial or mixed set would be an estate
/// missing accounts without a word.
fn check_set(args: &MergeArgs, metas: &[&part::PartMeta]) -> Result<()> {
    let Some(first) = metas.first() else {
        bail!("no parts given");
    };
    let name = |i: usize| {
        args.parts
            .get(i)
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    };
    let n = first.shard.count;
    let mut seen: Vec<Option<usize>> = vec![None; n];
    for (i, m) in metas.iter().enumerate() {
        if m.shard.count != n {
            bail!(
                "{} is shard {} of {}, but {} is of {n}: the parts of one build share N",
                name(i),
                m.shard.index,
                m.shard.count,
                name(0)
            );
        }
        if m.inputs_key != first.inputs_key {
            bail!(
                "{} and {} were built from different inputs: every shard must be given the same files (and the same --inspect-secret-values)",
                name(0),
                name(i)
            );
        }
        if m.format_version != first.format_version || m.tool_version != first.tool_version {
            bail!(
                "{} was written by blastgraph {} (part format {}), {} by {} (format {}): build every part with one version",
                name(0),
                first.tool_version,
                first.format_version,
                name(i),
                m.tool_version,
                m.format_version
            );
        }
        match seen.get_mut(m.shard.index.wrapping_sub(1)) {
            Some(Some(j)) => bail!(
                "{} and {} are both shard {}/{n}",
                name(*j),
                name(i),
                m.shard.index
            ),
            Some(slot) => *slot = Some(i),
            None => bail!("{} says shard {}/{n}", name(i), m.shard.index),
        }
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(k, _)| format!("{}/{n}", k + 1))
        .collect();
    if !missing.is_empty() {
        bail!(
            "shard{} {} {} missing: a merge without every part would lack their units",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" },
        );
    }
    Ok(())
}
