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
    let mut starts = if args.compromise.is_empty() {
        Vec::new()
    } else {
        super::resolve_compromised(&g, &args.compromise, "--compromise")?
    };
    if let Some(file) = &args.leaked {
        let (source, text) = if file.as_os_str() == "-" {
            let mut t = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut t)?;
            ("standard input".to_string(), t)
        } else {
            let bytes = std::fs::read(file)
                .map_err(|e| anyhow::anyhow!("--leaked {}: {e}", file.display()))?;
            (
                file.display().to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            )
        };
        let mut findings = crate::leaked::scan(&text);
        drop(text);
        starts.extend(crate::leaked::place(&g, &mut findings));
        starts.sort_unstable();
        starts.dedup();
        let listing = crate::leaked::text(&source, &findings, &g);
        match args.out.format {
            crate::args::Format::Table => out.write_all(listing.as_bytes())?,
            _ => err.write_all(listing.as_bytes())?,
        }
        if starts.is_empty() {
            writeln!(
                out,
                "No leaked credential could be placed on the graph: no blast radius to show."
            )?;
            return Ok(0);
        }
    }
    let b = blastgraph_analysis::blast(&g, &starts, &super::options(&args.path));
    let report = blast_report(&g, &b);
    emit(
        &args.out,
        Answer {
            report: &report,
            text: &blast_text,
            frame: &blast_frame,
            diagram: Some(&blastgraph_export::diagram::blast_diagram),
        },
        out,
    )?;
    Ok(0)
}
