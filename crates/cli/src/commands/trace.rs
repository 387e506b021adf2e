//! `blastgraph trace`

use std::io::Write;

use anyhow::{Context, Result};
use blastgraph_analysis::report::trace_report;
use blastgraph_export::{text::trace_text, trace_frame};

use crate::args::TraceArgs;
use crate::output::{Answer, emit};

/// Runs `trace`.
pub fn run(args: &TraceArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let g = crate::inputs::load(&args.input, err)?;
    let from = g
        .resolve(&args.from)
        .with_context(|| format!("--from `{}`", args.from))?;
    let to = g
        .resolve(&args.to)
        .with_context(|| format!("--to `{}`", args.to))?;
    let chains = blastgraph_analysis::trace(&g, from, to, args.k, &super::options(&args.path));
    let report = trace_report(&g, from, to, &chains);
    emit(
        &args.out,
        Answer {
            report: &report,
            text: &|r, _| trace_text(r),
            frame: &trace_frame,
            diagram: Some(&|r, _| blastgraph_export::diagram::trace_diagram(r)),
        },
        out,
    )?;
    Ok(0)
}
