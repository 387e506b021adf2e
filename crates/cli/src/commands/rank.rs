//! `blastgraph rank`

use std::io::Write;

use anyhow::Result;
use blastgraph_analysis::Filter;
use blastgraph_analysis::report::{RankView, rank_report};
use blastgraph_export::{rank_frame, text::rank_text};

use crate::args::RankArgs;
use crate::output::{Answer, emit};

/// Exit code when `--fail-on` is crossed.
pub const FAIL_ON_EXIT: u8 = 3;

/// Runs `rank`.
pub fn run(args: &RankArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let g = crate::inputs::load(&args.input, err)?;
    let passes = if args.strict { 1 } else { 2 };
    let work = crate::term::Work::bar(
        passes * g.node_count() as u64,
        if args.strict {
            "ranking (firm reach)"
        } else {
            "ranking (firm and possible reach)"
        },
    );
    let step = |n: u64| work.inc(n);
    let (rows, stats) = if args.strict {
        blastgraph_analysis::rank_with_progress(&g, &Filter::strict(true), args.shard, &step)
    } else {
        blastgraph_analysis::rank_firm_and_possible_with_progress(&g, args.shard, &step)
    };
    work.done(err, &format!(": {} identities", rows.len()));
    if args.stats {
        let _ = writeln!(
            err,
            "rank: {} identities, {} components, {} hubs, {} levels",
            rows.len(),
            stats.components,
            stats.hubs,
            stats.levels
        );
    }
    // A gate fails on what may be: the possible score, which counts the
    // conditions the inputs cannot decide as met.
    let crossed = args
        .fail_on
        .is_some_and(|t| rows.iter().any(|r| r.possible_score >= t));
    let mut views: Vec<RankView> =
        rank_report(&g, &rows[..rows.len().min(args.top.unwrap_or(usize::MAX))]);
    views.truncate(args.top.unwrap_or(usize::MAX));
    emit(
        &args.out,
        Answer {
            report: &views,
            text: &|v, _| rank_text(v),
            frame: &|v| rank_frame(v),
            diagram: None,
        },
        out,
    )?;
    if crossed {
        let _ = writeln!(
            err,
            "rank: an identity's possible score is at least {} (--fail-on)",
            args.fail_on.unwrap_or(0)
        );
        return Ok(FAIL_ON_EXIT);
    }
    Ok(0)
}
