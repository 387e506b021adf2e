//! The `blastgraph` binary: parse, run, map to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = blastgraph_cli::args::Cli::parse();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr();
    match blastgraph_cli::run(&cli, &mut out, &mut err) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
