//! The `blastgraph` command line: the only crate that prints.
//!
//! `main.rs` parses arguments and maps the result to an exit code; each
//! command is a function in [`commands`] that writes to the streams it is
//! given, so tests call commands directly.
//!
//! Exit codes: 0 success, 2 error, 3 a `--fail-on` threshold was crossed.

pub mod args;
pub mod commands;
pub mod demo_files;
pub mod inputs;
pub mod leaked;
pub mod output;
pub mod providers;
pub mod term;

use std::io::Write;

use anyhow::Result;

use crate::args::{Cli, Command};

/// Runs a parsed command line; returns the exit code.
pub fn run(cli: &Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    use commands::*;
    term::set_verbose(cli.verbose);
    match &cli.command {
        Command::Demo(a) => demo::run(a, out, err),
        Command::Build(a) => build::run(a, out, err),
        Command::Merge(a) => merge::run(a, out, err),
        Command::Blast(a) => blast::run(a, out, err),
        Command::WhoCan(a) => who_can::run(a, out, err),
        Command::Trace(a) => trace::run(a, out, err),
        Command::WhatIf(a) => what_if::run(a, out, err),
        Command::Rank(a) => rank::run(a, out, err),
        Command::Report(a) => report::run(a, out, err),
        Command::Serve(a) => serve::run(a, out, err),
        Command::Export(a) => export::run(a, out, err),
        Command::Gen(a) => gen_cmd::run(a, out),
        Command::Completions(a) => shell::completions(a, out),
        Command::Man(a) => shell::man(a, out),
        Command::Collect(c) => collect::run(c, out, err),
    }
}

/// Whether an error comes from writing into a closed pipe.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
