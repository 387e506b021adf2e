//! `blastgraph completions` and `blastgraph man`: generated from the clap
//! definitions, so they always name every command and flag there is.

use std::io::Write;

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::args::{Cli, CompletionsArgs, ManArgs};

/// Prints the completion script of a shell.
pub fn completions(args: &CompletionsArgs, out: &mut dyn Write) -> Result<u8> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "blastgraph", out);
    Ok(0)
}

/// Writes `blastgraph.1` and `blastgraph-COMMAND.1` for every command.
pub fn man(args: &ManArgs, out: &mut dyn Write) -> Result<u8> {
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("cannot create {}", args.output.display()))?;
    let cmd = Cli::command();
    let mut written = 0;
    let mut pages = vec![(String::from("blastgraph"), cmd.clone())];
    for sub in cmd.get_subcommands() {
        pages.push((format!("blastgraph-{}", sub.get_name()), sub.clone()));
        for subsub in sub.get_subcommands() {
            pages.push((
                format!("blastgraph-{}-{}", sub.get_name(), subsub.get_name()),
                subsub.clone(),
            ));
        }
    }
    for (name, page) in pages {
        let mut bytes = Vec::new();
        let page = page.name(name.clone());
        clap_mangen::Man::new(page).render(&mut bytes)?;
        crate::output::write_file(&args.output.join(format!("{name}.1")), &bytes)?;
        written += 1;
    }
    writeln!(
        out,
        "wrote {written} man pages into {} (man -l {}/blastgraph.1)",
        args.output.display(),
        args.output.display()
    )?;
    Ok(0)
}
