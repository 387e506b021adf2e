//! `blastgraph report`: an HTML page that works offline.

use std::io::Write;

use anyhow::{Context, Result};
use blastgraph_analysis::BlastOptions;
use blastgraph_analysis::report::{blast_report, rank_report, who_can_report};
use blastgraph_export::report::{REPORT_VERSION, ReportData, blast_view, html, who_can_view};
use blastgraph_graph::{Graph, NodeIx};

use crate::args::ReportArgs;

/// How many ranked identities get a blast-radius tab of their own.
const RANK_TABS: usize = 10;

/// Runs `report`.
pub fn run(args: &ReportArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    crate::inputs::check_output(&args.input.input, &args.output)?;
    let g = crate::inputs::load(&args.input, err)?;
    let starts = if args.compromise.is_empty() {
        Vec::new()
    } else {
        super::resolve_compromised(&g, &args.compromise, "--compromise")?
    };
    let who_can = match &args.who_can {
        Some(id) => Some(g.resolve(id).with_context(|| format!("--who-can `{id}`"))?),
        None => None,
    };
    let data = report_data(&g, &starts, who_can, args.rank, &super::options(&args.path));
    write(&data, &args.output, out)?;
    Ok(0)
}

/// The report of a blast radius (when `starts` is not empty), a who-can
/// answer and the `rank` riskiest identities, in that order of tabs.
pub fn report_data(
    g: &Graph,
    starts: &[NodeIx],
    who_can: Option<NodeIx>,
    rank: Option<usize>,
    options: &BlastOptions,
) -> ReportData {
    let mut views = Vec::new();
    if !starts.is_empty() {
        views.push(blast_view(&blast_report(
            g,
            &blastgraph_analysis::blast(g, starts, options),
        )));
    }
    if let Some(target) = who_can {
        let rs = blastgraph_analysis::who_can(g, target, None, options);
        views.push(who_can_view(&who_can_report(g, target, None, &rs)));
    }
    let rank = rank.map(|n| {
        let (rows, _) = blastgraph_analysis::rank_firm_and_possible(g);
        let rows = &rows[..rows.len().min(n)];
        // An identity already shown alone gets no second tab.
        let shown = starts.len() == 1;
        for r in rows
            .iter()
            .filter(|r| !(shown && starts[0] == r.node))
            .take(RANK_TABS)
        {
            views.push(blast_view(&blast_report(
                g,
                &blastgraph_analysis::blast(g, &[r.node], options),
            )));
        }
        rank_report(g, rows)
    });
    let title = match views.first() {
        Some(v) if rank.is_none() || !starts.is_empty() || who_can.is_some() => v.title.clone(),
        _ => "The riskiest identities".to_string(),
    };
    ReportData {
        version: REPORT_VERSION,
        title,
        estate: estate_line(g),
        live: false,
        views,
        rank,
    }
}

/// "Estate: 512 nodes and 1,204 edges from 3 inputs (a, b, c)."
pub fn estate_line(g: &Graph) -> String {
    let m = g.manifest();
    let names: Vec<&str> = m.inputs.iter().take(3).map(|i| i.path.as_str()).collect();
    let more = m.inputs.len().saturating_sub(names.len());
    format!(
        "Estate: {} nodes and {} edges from {} input{} ({}{}).",
        m.nodes,
        m.edges,
        m.inputs.len(),
        if m.inputs.len() == 1 { "" } else { "s" },
        names.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    )
}

/// Writes the page and says where.
pub fn write(data: &ReportData, path: &std::path::Path, out: &mut dyn Write) -> Result<()> {
    let page = html(data)?;
    crate::output::write_file(path, page.as_bytes())?;
    writeln!(
        out,
        "wrote {} ({} tab{}, {} KiB): open it in a browser; it makes no network request",
        blastgraph_export::text::printable(&path.display().to_string(), false),
        data.views.len(),
        if data.views.len() == 1 { "" } else { "s" },
        page.len().div_ceil(1024),
    )?;
    Ok(())
}
