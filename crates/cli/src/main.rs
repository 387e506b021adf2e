//! The `blastgraph` binary: parse, run, map to an exit code.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: glibc's allocator slows as the heap fragments, which an
/// organisation read one account at a time (a reader built and dropped per
/// account while the estate grows) made quadratic (docs/org-ingest.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = blastgraph_cli::args::Cli::parse();
    blastgraph_cli::term::setup();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr();
    match blastgraph_cli::run(&cli, &mut out, &mut err) {
        Ok(code) => ExitCode::from(code),
        // A reader that went away (`| head`): stop quietly, as Unix tools do.
        Err(e) if blastgraph_cli::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let text = format!("{e:#}");
            let line = format!("error: {}", blastgraph_export::text::printable(&text, true));
            eprintln!("{}", blastgraph_cli::term::severity_line(&line));
            ExitCode::from(2)
        }
    }
}
