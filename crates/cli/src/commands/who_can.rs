//! `blastgraph who-can`

use std::io::Write;

use anyhow::{Context, Result, bail};
use blastgraph_analysis::report::who_can_report;
use blastgraph_export::{text::who_can_text, who_can_frame};
use blastgraph_model::AccessLevel;

use crate::args::{Level, WhoCanArgs};
use crate::output::{Answer, emit};

fn level(l: Level) -> AccessLevel {
    match l {
        Level::Read => AccessLevel::Read,
        Level::Invoke => AccessLevel::Invoke,
        Level::Execute => AccessLevel::Execute,
        Level::Write => AccessLevel::Write,
        Level::Admin => AccessLevel::Admin,
    }
}

/// Runs `who-can`.
pub fn run(args: &WhoCanArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let g = crate::inputs::load(&args.input, err)?;
    let target = g
        .resolve(&args.reach)
        .with_context(|| format!("--reach `{}`", args.reach))?;
    let want = args.access.map(level);
    let class = g.class(target);
    if want.is_some() && !class.is_target() {
        bail!(
            "--access applies to datasets, models, tools and secrets; `{}` is a {class}: drop --access to list who can come to hold it",
            args.reach
        );
    }
    let rs = blastgraph_analysis::who_can(&g, target, want, &super::options(&args.path));
    let report = who_can_report(&g, target, want, &rs);
    emit(
        &args.out,
        Answer {
            report: &report,
            text: &who_can_text,
            frame: &who_can_frame,
            diagram: Some(&blastgraph_export::diagram::who_can_diagram),
        },
        out,
    )?;
    Ok(0)
}
