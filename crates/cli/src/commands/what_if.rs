//! `blastgraph what-if`

use std::io::Write;

use anyhow::{Context, Result};
use blastgraph_analysis::Change;
use blastgraph_analysis::report::what_if_report;
use blastgraph_export::{text::what_if_text, what_if_frame};

use crate::args::WhatIfArgs;
use crate::output::{Answer, emit};

/// Runs `what-if`.
pub fn run(args: &WhatIfArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let g = crate::inputs::load(&args.input, err)?;
    let starts = super::resolve_compromised(&g, &args.compromise, "--compromise")?;
    let mut change = Change::default();
    for r in &args.revoke {
        let edges = g.find_edges(r).with_context(|| format!("--revoke `{r}`: no edge has this id (ids are printed in paths: `blast --format json` or `trace`), and it is not FROM->TO"))?;
        change.revoke.extend(edges);
    }
    change.remove = super::resolve_all(&g, &args.remove, "--remove")?;
    let w = blastgraph_analysis::what_if(&g, &starts, &change, &super::options(&args.path));
    let report = what_if_report(&g, &w, &change.revoke, &change.remove);
    emit(
        &args.out,
        Answer {
            report: &report,
            text: &what_if_text,
            frame: &what_if_frame,
            diagram: None,
        },
        out,
    )?;
    Ok(0)
}
