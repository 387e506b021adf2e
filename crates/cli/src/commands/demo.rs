//! `blastgraph demo`: the showcase on the embedded demo estate.

use std::io::Write;

use anyhow::{Context, Result};
use blastgraph_analysis::BlastOptions;
use blastgraph_analysis::report::{blast_report, rank_report, trace_report};
use blastgraph_export::text::{blast_text, rank_text, trace_text};

use crate::args::{DemoArgs, InputArgs};

/// Runs the showcase.
pub fn run(args: &DemoArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let g = crate::inputs::load(
        &InputArgs {
            input: Vec::new(),
            quiet: true,
            inspect_secret_values: false,
            spill: Default::default(),
        },
        err,
    )?;
    let m = g.manifest();
    writeln!(
        out,
        "blastgraph demo: Acme AI, a fictional AI company ({} nodes, {} edges across AWS, Azure/Entra, Vault, Kubernetes, GitHub, OpenAI, Google Workspace and Slack)\n",
        m.nodes, m.edges
    )?;
    let (rows, _) = blastgraph_analysis::rank_firm_and_possible(&g);
    writeln!(out, "== Riskiest identities (blastgraph rank --top 8)")?;
    out.write_all(rank_text(&rank_report(&g, &rows[..rows.len().min(8)])).as_bytes())?;

    let agent = g
        .resolve("support-agent")
        .context("demo estate: support-agent")?;
    let b = blastgraph_analysis::blast(&g, &[agent], &BlastOptions::default());
    writeln!(
        out,
        "\n== If the support agent is compromised (blastgraph blast --compromise support-agent)"
    )?;
    out.write_all(blast_text(&blast_report(&g, &b), 12).as_bytes())?;

    let key = g
        .resolve("AKIAEXAMPLELEGACY01")
        .context("demo estate: key")?;
    let admin = g
        .resolve("prod-ml (111122223333) admin")
        .context("demo estate: admin")?;
    let chains = blastgraph_analysis::trace(&g, key, admin, 2, &BlastOptions::default());
    writeln!(
        out,
        "\n== How a leaked key becomes account admin (blastgraph trace --from AKIAEXAMPLELEGACY01 --to 'prod-ml (111122223333) admin' -k 2)"
    )?;
    out.write_all(trace_text(&trace_report(&g, key, admin, &chains)).as_bytes())?;
    if !args.no_report {
        let data =
            super::report::report_data(&g, &[agent], None, Some(8), &BlastOptions::default());
        writeln!(
            out,
            "\n== The picture (blastgraph report --compromise support-agent --rank 8 -o {})",
            blastgraph_export::text::printable(&args.report.display().to_string(), false)
        )?;
        super::report::write(&data, &args.report, out)?;
    }
    writeln!(
        out,
        "\nNext: blastgraph who-can --reach acme-customer-pii · blastgraph what-if --compromise support-agent --revoke 'support-agent-runtime->feature-pipeline' · blastgraph export --to parquet -o out/demo"
    )?;
    Ok(0)
}
