//! `blastgraph blast`

use std::io::Write;

use anyhow::Result;
use blastgraph_analysis::report::blast_report;
use blastgraph_export::{blast_frame, text::blast_text};

use crate::args::BlastArgs;
use crate::output::{Answer, emit};

/// Runs `blast`.
pub fn run(args: &BlastArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let g = crate::inputs::load(&args.input, err)?;
    let starts = super::resolve_compromised(&g, &args.compromise, "--compromise")?;
    let b = blastgraph_analysis::blast(&g, &starts, &super::options(&args.path));
    let report = blast_report(&g, &b);
    emit(
        &args.out,
        Answer {
            report: &report,
            text: &blast_text,
            frame: &blast_frame,
        },
        out,
    )?;
    Ok(0)
}
